//! Lab 4, flags, second series, async-std (LEGACY: discontinued in 2025,
//! RUSTSEC-2025-0052): download the flags you ask for (`CC...`, `-a`, `-e`;
//! see `--help`) with one async-std task per flag, at most `-m` requests at
//! once (5 by default), handling each result as it completes, with a
//! progress bar.
//!
//!     cargo run --bin flags2-async-std -- -s DELAY -a -m 200
//!     cargo run --bin flags2-async-std -- -s ERROR -e -m 100 -v
//!
//! async-std has no semaphore of its own: this one is async-lock's, the crate
//! async-std's own `Mutex` comes from (smol re-exports it as `smol::lock`).
//! `diff flags/src/bin/flags2-{smol,async-std}.rs` shows what the runtime changes.

use std::sync::Arc;

use async_lock::Semaphore;
use async_std::net::TcpStream;
use flags::Error;
use flags::Site;
use flags::flags2::{Counter, Options, Progress, Status};
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper::client::conn::http1;
use hyper::{Request, StatusCode, header};
use labs::watch;
use smol_hyper::rt::FuturesIo;

async fn get_flag(site: &Site, cc: &str) -> Result<Vec<u8>, Error> {
    let stream = TcpStream::connect(site.host()).await?;
    let (mut sender, connection) = http1::handshake(FuturesIo::new(stream)).await?;
    async_std::task::spawn(connection);
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
        async_std::future::timeout(site.timeout(), get_flag(site, cc)) // <3>
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
    let (done, results) = async_std::channel::unbounded();
    for cc in cc_list {
        let (semaphore, done) = (Arc::clone(&semaphore), done.clone());
        async_std::task::spawn(watch!("download", async move {
            // <10>
            let result = download_one(site, &cc, &semaphore).await;
            let _ = done.send((cc, result)).await;
        }));
    }
    drop(done);
    let mut counter = Counter::default();
    let progress = Progress::new(total, options.verbose); // <11>
    while let Ok((cc, result)) = results.recv().await {
        // <12>
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
    async_std::task::block_on(supervisor(site, cc_list, options)) // <14>
}

fn main() {
    flags::flags2::main(download_many, 5, 1000); // <15>
}
