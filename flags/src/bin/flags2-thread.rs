//! Lab 4, flags, second series, thread pool: download the flags you ask for
//! (`CC...`, `-a`, `-e`; see `--help`) with a pool of `-m` threads (30 by
//! default), handling each result as it completes, with a progress bar.
//!
//!     cargo run --bin flags2-thread -- -s DELAY -a -m 100
//!     cargo run --bin flags2-thread -- -s ERROR -e -v
//!
//! The workers send each result down a channel the moment it is ready;
//! `download_many` counts them in the order they arrive (Python's
//! `as_completed`). Compare: `diff flags/src/bin/flags2-{sequential,thread}.rs`.

use std::sync::mpsc::{self, Sender};
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::vec::IntoIter;

use flags::Error;
use flags::Site;
use flags::flags2::{Counter, Options, Progress, Status};
use labs::timeline::span;
use ureq::http::{StatusCode, header};

fn get_flag(site: &Site, cc: &str) -> Result<Vec<u8>, Error> {
    let mut response = site
        .agent()
        .get(site.flag_url(cc))
        .header(header::CONNECTION, "close")
        .call()?;
    if response.status() != StatusCode::OK {
        return Err(Error::Status(response.status().as_u16()));
    }
    let body = response.body_mut().with_config();
    Ok(body.limit(flags::MAX_FLAG_BYTES as u64).read_to_vec()?)
}

fn download_one(site: &Site, cc: &str) -> Result<Status, Error> {
    match get_flag(site, cc) {
        // <3> <4>
        Ok(image) => {
            flags::save_flag(&image, cc)?;
            Ok(Status::Ok)
        }
        Err(Error::Status(404)) => Ok(Status::NotFound),
        Err(err) => Err(err),
    }
}

type Done = (String, Result<Status, Error>);

fn worker(site: &Site, jobs: &Mutex<IntoIter<String>>, done: Sender<Done>) {
    loop {
        let next = jobs.lock().unwrap_or_else(PoisonError::into_inner).next(); // <5>
        let Some(cc) = next else { return };
        let result = download_one(site, &cc);
        if done.send((cc, result)).is_err() {
            // <6>
            return;
        }
    }
}

fn download_many(
    site: &'static Site,
    cc_list: Vec<String>,
    options: Options,
) -> Result<Counter, Error> {
    let total = cc_list.len();
    let jobs = Mutex::new(cc_list.into_iter());
    let (done, results) = mpsc::channel();
    let mut counter = Counter::default();
    thread::scope(|scope| {
        for _ in 0..options.concur_req {
            // <9>
            let (jobs, done) = (&jobs, done.clone());
            scope.spawn(move || span("worker", || worker(site, jobs, done))); // <10>
        }
        drop(done);
        let progress = Progress::new(total, options.verbose); // <11>
        for (cc, result) in results {
            // <12>
            counter.count(&cc, result, options.verbose); // <13>
            progress.inc();
        }
    }); // <14>
    Ok(counter)
}

fn main() {
    flags::flags2::main(download_many, 30, 1000); // <15>
}
