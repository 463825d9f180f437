//! Lab 4, flags, smol: download the flags of the 20 most populous countries
//! concurrently, one smol task per flag, with the hyper HTTP client (through
//! smol-hyper's `FuturesIo` adapter).
//!
//!     cargo run --bin flags-smol [-- --server http://localhost:8000/flags]
//!
//! The tasks go on one `Executor`, run by the main thread inside `block_on`,
//! so they all run on the main thread, like tokio's current-thread runtime
//! (smol's I/O layer keeps one thread of its own, `async-io`, to watch the
//! sockets while the main thread is busy). The codes arrive in a different
//! order every run.
//! `diff flags/src/bin/flags-{tokio,smol}.rs` shows only the runtime.

use flags::{Error, Site};
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper::client::conn::http1;
use hyper::{Request, StatusCode, header};
use labs::watch;
use smol::future::FutureExt;
use smol::net::TcpStream;
use smol::{Executor, Timer};
use smol_hyper::rt::FuturesIo;

/// The executor every task is spawned on; the main thread runs it, inside
/// `block_on` in `download_many`.
static EX: Executor<'static> = Executor::new();

async fn get_flag(site: &Site, cc: &str) -> Result<Vec<u8>, Error> {
    let stream = TcpStream::connect(site.host()).await?; // <1>
    let (mut sender, connection) = http1::handshake(FuturesIo::new(stream)).await?; // <2>
    EX.spawn(connection).detach(); // <3>
    let request = Request::get(site.flag_path(cc))
        .header(header::HOST, site.host())
        .header(header::CONNECTION, "close")
        .body(Empty::<Bytes>::new())?;
    let response = sender.send_request(request).await?; // <4>
    if response.status() != StatusCode::OK {
        return Err(Error::Status(response.status().as_u16()));
    }
    let body = Limited::new(response.into_body(), flags::MAX_FLAG_BYTES);
    let image = body.collect().await?.to_bytes(); // <5>
    Ok(image.to_vec())
}

async fn download_one(site: &Site, cc: &str) -> Result<usize, Error> {
    let image = get_flag(site, cc) // <6>
        .or(async {
            Timer::after(site.timeout()).await;
            Err(Error::Timeout)
        })
        .await?;
    flags::save_flag(&image, cc)?; // <7>
    flags::show(cc); // <8>
    Ok(1)
}

fn download_many(site: &'static Site, cc_list: &[&'static str]) -> Result<usize, Error> {
    let downloads = async {
        let tasks: Vec<_> = cc_list
            .iter()
            .map(|&cc| EX.spawn(watch!("download", download_one(site, cc)))) // <10>
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await); // <11>
        }
        results.into_iter().sum()
    };
    smol::block_on(EX.run(downloads)) // <12>
}

fn main() {
    flags::main(download_many); // <13>
}
