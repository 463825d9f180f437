//! Lab 4, flags, second series, sequential: download the flags you ask for
//! (`CC...`, `-a`, `-e`; see `--help`) one after another, count what was
//! downloaded, not found or failed, and report, with a progress bar.
//!
//!     cargo run --bin flags2-sequential -- -s DELAY BR CN IN US
//!     cargo run --bin flags2-sequential -- -s ERROR -e -l 40 -v
//!
//! A failed download is counted, never fatal. Compare:
//! `diff flags/src/bin/flags2-{sequential,thread}.rs`.

use flags::Error;
use flags::Site;
use flags::flags2::{Counter, Options, Progress, Status};
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

fn download_many(
    site: &'static Site,
    cc_list: Vec<String>,
    options: Options,
) -> Result<Counter, Error> {
    let mut counter = Counter::default();
    let progress = Progress::new(cc_list.len(), options.verbose); // <11>
    for cc in cc_list {
        let result = download_one(site, &cc);
        counter.count(&cc, result, options.verbose); // <13>
        progress.inc();
    }
    Ok(counter)
}

fn main() {
    flags::flags2::main(download_many, 1, 1); // <15>
}
