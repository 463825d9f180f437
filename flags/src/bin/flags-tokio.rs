//! Lab 4, flags, tokio: download the flags of the 20 most populous countries
//! concurrently, one tokio task per flag, with the hyper HTTP client.
//!
//!     cargo run --bin flags-tokio [-- --server http://localhost:8000/flags]
//!
//! The runtime is tokio's current-thread flavour, on purpose: ONE thread runs
//! all 20 downloads, and they still take about as long as one. The codes
//! arrive in a different order every run. The same lesson on other runtimes:
//! `diff flags/src/bin/flags-{tokio,smol}.rs` shows only the runtime.

use flags::{Error, Site};
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper::client::conn::http1;
use hyper::{Request, StatusCode, header};
use hyper_util::rt::TokioIo;
use labs::watch;
use tokio::net::TcpStream;

async fn get_flag(site: &Site, cc: &str) -> Result<Vec<u8>, Error> {
    let stream = TcpStream::connect(site.host()).await?; // <1>
    let (mut sender, connection) = http1::handshake(TokioIo::new(stream)).await?; // <2>
    tokio::spawn(connection); // <3>
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
    let image = tokio::time::timeout(site.timeout(), get_flag(site, cc)) // <6>
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
            .map(|&cc| tokio::spawn(watch!("download", download_one(site, cc)))) // <10>
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await?); // <11>
        }
        results.into_iter().sum()
    };
    let runtime = tokio::runtime::Builder::new_current_thread() // <12>
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    runtime.block_on(downloads)
}

fn main() {
    flags::main(download_many); // <13>
}
