//! Lab 4, flags, thread pool: download the flags of the 20 most populous
//! countries with a pool of up to 20 OS threads, each running the blocking
//! client (ureq) of `flags-sequential`.
//!
//!     cargo run --bin flags-thread [-- --server http://localhost:8000/flags]
//!
//! The pool has exactly `min(20, number of flags)` threads (as Python's
//! `ThreadPoolExecutor(max_workers=...)`); each takes the next code from a
//! shared queue until none is left. Try `MAX_WORKERS = 4`: five rounds of
//! 0.5 s. Compare: `diff flags/src/bin/flags-{sequential,thread}.rs`.

use std::slice::Iter;
use std::sync::{Mutex, PoisonError};
use std::thread;

use flags::{Error, Site};
use labs::timeline::span;
use ureq::http::{StatusCode, header};

const MAX_WORKERS: usize = 20;

fn get_flag(site: &Site, cc: &str) -> Result<Vec<u8>, Error> {
    let mut response = site
        .agent()
        .get(site.flag_url(cc))
        .header(header::CONNECTION, "close")
        .call()?; // <1> <4>
    if response.status() != StatusCode::OK {
        return Err(Error::Status(response.status().as_u16()));
    }
    let body = response.body_mut().with_config();
    Ok(body.limit(flags::MAX_FLAG_BYTES as u64).read_to_vec()?) // <5>
}

fn download_one(site: &Site, cc: &str) -> Result<usize, Error> {
    let image = get_flag(site, cc)?; // <6>
    flags::save_flag(&image, cc)?; // <7>
    flags::show(cc); // <8>
    Ok(1)
}

fn worker(site: &Site, jobs: &Mutex<Iter<&'static str>>) -> Result<usize, Error> {
    let mut count = 0;
    loop {
        let next = jobs.lock().unwrap_or_else(PoisonError::into_inner).next(); // <9>
        let Some(cc) = next else { return Ok(count) };
        count += download_one(site, cc)?;
    }
}

fn download_many(site: &'static Site, cc_list: &[&'static str]) -> Result<usize, Error> {
    let jobs = Mutex::new(cc_list.iter());
    let workers = cc_list.len().min(MAX_WORKERS);
    thread::scope(|scope| {
        let pool: Vec<_> = (0..workers)
            .map(|_| scope.spawn(|| span("worker", || worker(site, &jobs)))) // <10>
            .collect();
        let mut results = Vec::new();
        for thread in pool {
            results.push(thread.join().unwrap_or(Err(Error::Panicked))); // <11>
        }
        results.into_iter().sum()
    }) // <12>
}

fn main() {
    flags::main(download_many); // <13>
}
