//! Lab 7, streams, async-std (legacy: discontinued in 2025), generators: one
//! stream of rows written three ways, side by side. Python writes it as an async generator, an
//! `async def` with `yield` in it. Rust has no such thing (yet): the
//! `stream!` macro of async-stream comes closest, `unfold` threads a state
//! through an async closure, and by hand it is a struct whose `poll_next`
//! takes one step each time it is polled: what the other two write for you.
//!
//!     cargo run --bin streams-async-std-generators
//!
//! The by-hand stream is the same code as tokio's: async-std's `BufRead`
//! (the futures-io `AsyncBufRead`) has the same two methods. Compare with
//! `diff streams/src/bin/streams-{tokio,async-std}-generators.rs`.

use std::io;
use std::mem;
use std::pin::{Pin, pin};
use std::task::{Context, Poll};

use async_std::io::prelude::BufReadExt;
use async_std::io::{BufRead as AsyncBufRead, BufReader, ReadExt, Take, WriteExt, timeout};
use async_std::net::TcpStream;
use async_stream::try_stream;
use futures_lite::{Stream, StreamExt, stream};
use streams::{ANSWER_LIMIT, Reply, io_timeout};

type Reader = BufReader<Take<TcpStream>>;

/// Python: `async def rows(reader): ... yield name`.
fn rows_macro(reader: &mut Reader) -> impl Stream<Item = io::Result<String>> {
    try_stream! { // <16>
        let mut line = Vec::new();
        loop {
            line.clear();
            reader.read_until(b'\n', &mut line).await?;
            match streams::reply(&line)? {
                Reply::Row(name) => yield name, // <17>
                _ => break,
            }
        }
    }
}

/// The state (the reader and its line buffer) goes into each step and
/// comes back out with the row: `None` ends the stream.
fn rows_unfold(reader: &mut Reader) -> impl Stream<Item = io::Result<String>> {
    let state = Some((reader, Vec::new()));
    stream::unfold(state, |state| async move {
        let (reader, mut line) = state?; // <18>
        line.clear();
        let read = reader.read_until(b'\n', &mut line).await;
        match read.and_then(|_| streams::reply(&line)) {
            Ok(Reply::Row(name)) => Some((Ok(name), Some((reader, line)))),
            Ok(_) => None,
            Err(err) => Some((Err(err), None)),
        }
    })
}

/// By hand: the state lives in the struct, between two polls.
struct RowsByHand<'a> {
    reader: &'a mut Reader,
    line: Vec<u8>,
    done: bool,
}

impl Stream for RowsByHand<'_> {
    type Item = io::Result<String>;

    /// One step: take what the reader has, up to the end of a line; if the
    /// line is not all there, return `Pending` (the reader has arranged for
    /// the task to be woken when more bytes come).
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self; // <19>
        while !this.done {
            let filled = Pin::new(&mut *this.reader).poll_fill_buf(cx); // <20>
            let bytes = match filled {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(bytes)) => bytes,
                Poll::Ready(Err(err)) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(err)));
                }
            };
            let used = bytes
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |i| i + 1);
            this.line.extend_from_slice(&bytes[..used]);
            Pin::new(&mut *this.reader).consume(used);
            if used > 0 && !this.line.ends_with(b"\n") {
                continue; // a part of a line: read on
            }
            match streams::reply(&mem::take(&mut this.line)) {
                Ok(Reply::Row(name)) => return Poll::Ready(Some(Ok(name))),
                Ok(_) => this.done = true,
                Err(err) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(err)));
                }
            }
        }
        Poll::Ready(None)
    }
}

/// Sends one line, with a timeout.
async fn send(writer: &mut TcpStream, line: &[u8]) -> io::Result<()> {
    timeout(io_timeout(), writer.write_all(line)).await
}

/// Reads a stream to its end, each item with a timeout.
async fn collect(rows: impl Stream<Item = io::Result<String>>) -> io::Result<Vec<String>> {
    let mut rows = pin!(rows); // <21>
    let mut names = Vec::new();
    while let Some(name) = timeout(io_timeout(), async { Ok(rows.next().await) }).await? {
        names.push(name?);
    }
    Ok(names)
}

#[async_std::main]
async fn main() {
    let setup = streams::start_generators();
    let result = labs::watch!("client", async {
        let stream = timeout(io_timeout(), TcpStream::connect(setup.addr)).await?;
        let (reader, mut writer) = (stream.clone(), stream);
        let mut reader = BufReader::new(reader.take(ANSWER_LIMIT));
        let query = streams::query(setup.rows);
        send(&mut writer, query.as_bytes()).await?;
        println!("stream!   {:?}", collect(rows_macro(&mut reader)).await?);
        send(&mut writer, query.as_bytes()).await?;
        println!("unfold    {:?}", collect(rows_unfold(&mut reader)).await?);
        send(&mut writer, query.as_bytes()).await?;
        let by_hand = RowsByHand {
            reader: &mut reader,
            line: Vec::new(),
            done: false,
        };
        println!("by hand   {:?}", collect(by_hand).await?);
        send(&mut writer, streams::QUIT).await?;
        let mut bye = Vec::new();
        timeout(io_timeout(), reader.read_until(b'\n', &mut bye)).await?;
        streams::reply(&bye).map(drop)
    })
    .await;
    if let Some(server) = setup.server {
        println!("server log: {}", server.farewell().await);
    }
    if let Err(err) = result {
        labs::cli::fail(1, streams::message(&err));
    }
}
