//! Lab 4, flags, third series, tokio: as `flags2-tokio`, and each download
//! chains a second request: the country's `metadata.json`, for its name, so
//! that the flag is saved as `{Country_Name}-{cc}.gif`.
//!
//!     cargo run --bin flags3-tokio -- -s DELAY -a -m 200
//!
//! Each request waits for its own permit of the semaphore, as in the Python
//! original. `diff flags/src/bin/flags{2,3}-tokio.rs` shows what chaining
//! adds; `diff flags/src/bin/flags3-{tokio,smol}.rs` what the runtime changes.

use std::sync::Arc;

use flags::Error;
use flags::Site;
use flags::flags2::{Counter, Options, Progress, Status};
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper::client::conn::http1;
use hyper::{Request, StatusCode, header};
use hyper_util::rt::TokioIo;
use labs::watch;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

async fn fetch(site: &Site, path: String) -> Result<Vec<u8>, Error> {
    let stream = TcpStream::connect(site.host()).await?;
    let (mut sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let request = Request::get(path)
        .header(header::HOST, site.host())
        .header(header::CONNECTION, "close")
        .body(Empty::<Bytes>::new())?;
    let response = sender.send_request(request).await?;
    if response.status() != StatusCode::OK {
        return Err(Error::Status(response.status().as_u16()));
    }
    let body = Limited::new(response.into_body(), flags::MAX_FLAG_BYTES);
    Ok(body.collect().await?.to_bytes().to_vec())
}

async fn get_flag(site: &Site, cc: &str) -> Result<Vec<u8>, Error> {
    fetch(site, site.flag_path(cc)).await
}

async fn get_country(site: &Site, cc: &str) -> Result<String, Error> {
    let metadata = fetch(site, site.metadata_path(cc)).await?;
    flags::flags2::country_from_json(&metadata) // <1>
}

async fn download_one(site: &Site, cc: &str, semaphore: &Semaphore) -> Result<Status, Error> {
    let downloaded = {
        let _permit = semaphore.acquire().await; // <2>
        tokio::time::timeout(site.timeout(), get_flag(site, cc)) // <3>
            .await
            .map_err(|_elapsed| Error::Timeout)?
    };
    let image = match downloaded {
        // <4>
        Ok(image) => image,
        Err(Error::Status(404)) => return Ok(Status::NotFound),
        Err(err) => return Err(err),
    };
    let country = {
        let _permit = semaphore.acquire().await; // <7>
        tokio::time::timeout(site.timeout(), get_country(site, cc))
            .await
            .map_err(|_elapsed| Error::Timeout)??
    };
    flags::save_as(&image, &flags::flags2::flag_filename(&country, cc))?; // <8>
    Ok(Status::Ok)
}

async fn supervisor(
    site: &'static Site,
    cc_list: Vec<String>,
    options: Options,
) -> Result<Counter, Error> {
    let total = cc_list.len();
    let semaphore = Arc::new(Semaphore::new(options.concur_req)); // <9>
    let mut tasks = JoinSet::new();
    for cc in cc_list {
        let semaphore = Arc::clone(&semaphore);
        tasks.spawn(watch!("download", async move {
            // <10>
            let result = download_one(site, &cc, &semaphore).await;
            (cc, result)
        }));
    }
    let mut counter = Counter::default();
    let progress = Progress::new(total, options.verbose); // <11>
    while let Some(done) = tasks.join_next().await {
        // <12>
        let (cc, result) = done?;
        counter.count(&cc, result, options.verbose); // <13>
        progress.inc();
    }
    Ok(counter)
}

fn download_many(
    site: &'static Site,
    cc_list: Vec<String>,
    options: Options,
) -> Result<Counter, Error> {
    let runtime = tokio::runtime::Builder::new_current_thread() // <14>
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    runtime.block_on(supervisor(site, cc_list, options))
}

fn main() {
    flags::flags2::main(download_many, 5, 1000); // <15>
}
