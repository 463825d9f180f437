//! Lab 4, flags, sequential: download the flags of the 20 most populous
//! countries one after another, with a blocking HTTP client (ureq).
//!
//!     cargo run --bin flags-sequential [-- --server http://localhost:8000/flags]
//!
//! Without `--server`, a flag server starts in this process with a delay of
//! about 0.5 s per request: 20 requests, one at a time, take about 10 s. Then run
//! `flags-thread` and compare: `diff flags/src/bin/flags-{sequential,thread}.rs`.

use flags::{Error, Site};
use ureq::http::{StatusCode, header};

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

fn download_many(site: &'static Site, cc_list: &[&'static str]) -> Result<usize, Error> {
    let mut sorted = cc_list.to_vec();
    sorted.sort(); // <10>
    let mut count = 0;
    for cc in sorted {
        count += download_one(site, cc)?; // <11>
    }
    Ok(count)
}

fn main() {
    flags::main(download_many); // <13>
}
