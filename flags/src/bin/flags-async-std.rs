//! Lab 4, flags, async-std (LEGACY): download the flags of the 20 most
//! populous countries concurrently, one async-std task per flag, with the
//! hyper HTTP client (through smol-hyper's `FuturesIo` adapter).
//!
//!     cargo run --bin flags-async-std [-- --server http://localhost:8000/flags]
//!
//! async-std was discontinued in 2025 (RUSTSEC-2025-0052). It stays in the
//! lab because much existing code and many books use it, and its std-like API
//! is a second design of the same ideas. Its tasks run on a global executor
//! with one thread per core. `diff flags/src/bin/flags-{tokio,async-std}.rs`
//! shows only the runtime.

use async_std::net::TcpStream;
use flags::{Error, Site};
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper::client::conn::http1;
use hyper::{Request, StatusCode, header};
use labs::watch;
use smol_hyper::rt::FuturesIo;

async fn get_flag(site: &Site, cc: &str) -> Result<Vec<u8>, Error> {
    let stream = TcpStream::connect(site.host()).await?; // <1>
    let (mut sender, connection) = http1::handshake(FuturesIo::new(stream)).await?; // <2>
    async_std::task::spawn(connection); // <3>
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
    let image = async_std::future::timeout(site.timeout(), get_flag(site, cc)) // <6>
        .await
        .map_err(|_elapsed| Error::Timeout)??;
    flags::save_flag(&image, cc)?; // <7>
    flags::show(cc); // <8>
    Ok(1)
}

fn download_many(site: &'static Site, cc_list: &[&'static str]) -> Result<usize, Error> {
    let downloads = async {
        let tasks: Vec<_> = cc_list
            .iter()
            .map(|&cc| async_std::task::spawn(watch!("download", download_one(site, cc)))) // <10>
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await); // <11>
        }
        results.into_iter().sum()
    };
    async_std::task::block_on(downloads) // <12>
}

fn main() {
    flags::main(download_many); // <13>
}
