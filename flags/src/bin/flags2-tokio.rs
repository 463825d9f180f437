//! Lab 4, flags, second series, tokio: download the flags you ask for
//! (`CC...`, `-a`, `-e`; see `--help`) with one tokio task per flag, at most
//! `-m` requests at once (5 by default), handling each result as it
//! completes, with a progress bar.
//!
//!     cargo run --bin flags2-tokio -- -s DELAY -a -m 200
//!     cargo run --bin flags2-tokio -- -s ERROR -e -m 100 -v
//!
//! `get_flag` is the first series' (`flags-tokio.rs`). Same lesson on other
//! runtimes: `diff flags/src/bin/flags2-{tokio,smol}.rs`.

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

async fn get_flag(site: &Site, cc: &str) -> Result<Vec<u8>, Error> {
    let stream = TcpStream::connect(site.host()).await?;
    let (mut sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let request = Request::get(site.flag_path(cc))
        .header(header::HOST, site.host())
        .header(header::CONNECTION, "close")
        .body(Empty::<Bytes>::new())?;
    let response = sender.send_request(request).await?;
    if response.status() != StatusCode::OK {
        return Err(Error::Status(response.status().as_u16()));
    }
    let body = Limited::new(response.into_body(), flags::MAX_FLAG_BYTES);
    let image = body.collect().await?.to_bytes();
    Ok(image.to_vec())
}

async fn download_one(site: &Site, cc: &str, semaphore: &Semaphore) -> Result<Status, Error> {
    let downloaded = {
        let _permit = semaphore.acquire().await; // <2>
        tokio::time::timeout(site.timeout(), get_flag(site, cc)) // <3>
            .await
            .map_err(|_elapsed| Error::Timeout)?
    };
    match downloaded {
        // <4>
        Ok(image) => {
            flags::save_flag(&image, cc)?;
            Ok(Status::Ok)
        }
        Err(Error::Status(404)) => Ok(Status::NotFound),
        Err(err) => Err(err),
    }
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
