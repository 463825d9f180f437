//! Lab 4, flags, sequential: download the flags of the 20 most populous
//! countries one after another, with a blocking HTTP client (ureq).
//!
//!     cargo run --bin flags-sequential [-- --server http://localhost:8000/flags]
//!
//! Without `--server`, a flag server starts in this process with a delay of
//! about 0.5 s per request: 20 requests, one at a time, take about 10 s. Then run
//! `flags-thread` and compare: `diff flags/src/bin/flags-{sequential,thread}.rs`.

use flags::{Error, Site};

fn get_flag(site: &Site, cc: &str) -> Result<Vec<u8>, Error> {
    let mut response = ureq::get(site.flag_url(cc)).call()?; // <1> <4>
    Ok(response.body_mut().read_to_vec()?) // <5>
}

fn download_one(site: &Site, cc: &str) -> Result<usize, Error> {
    let image = get_flag(site, cc)?;
    flags::show(cc); // <6>
    flags::save_flag(&image, cc)?; // <7>
    Ok(1)
}

fn download_many(site: &'static Site, cc_list: &[&'static str]) -> Result<usize, Error> {
    let mut sorted = cc_list.to_vec();
    sorted.sort(); // <8>
    let mut count = 0;
    for cc in sorted {
        count += download_one(site, cc)?; // <9>
    }
    Ok(count)
}

fn main() {
    flags::main(download_many); // <11>
}
