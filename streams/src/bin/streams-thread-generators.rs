//! Lab 7, streams, thread, generators: the sync analogue. Python's
//! generator, a `def` with `yield`, is an `Iterator` in Rust: `from_fn`
//! threads a state through a closure, and by hand it is a struct whose
//! `next` takes one step each time it is called. Rust has no `yield` in
//! stable code (the `gen` blocks of RFC 3513 are on nightly only), and no
//! macro here: the async files have async-stream's `stream!`.
//!
//!     cargo run --bin streams-thread-generators
//!
//! Compare `next` with `poll_next`:
//! `diff streams/src/bin/streams-{thread,tokio}-generators.rs`.

use std::io::{self, BufRead, BufReader, Read, Take, Write};
use std::iter;
use std::mem;
use std::net::TcpStream;

use streams::{ANSWER_LIMIT, Reply, io_timeout};

type Reader = BufReader<Take<TcpStream>>;

/// The state (the reader and its line buffer) lives in the closure, from
/// one call to the next: `None` ends the iterator.
fn rows_unfold(reader: &mut Reader) -> impl Iterator<Item = io::Result<String>> {
    let mut state = Some((reader, Vec::new()));
    iter::from_fn(move || {
        let (reader, mut line) = state.take()?; // <18>
        line.clear();
        let read = reader.read_until(b'\n', &mut line);
        match read.and_then(|_| streams::reply(&line)) {
            Ok(Reply::Row(name)) => {
                state = Some((reader, line));
                Some(Ok(name))
            }
            Ok(_) => None,
            Err(err) => Some(Err(err)),
        }
    })
}

/// By hand: the state lives in the struct, between two calls.
struct RowsByHand<'a> {
    reader: &'a mut Reader,
    line: Vec<u8>,
    done: bool,
}

impl Iterator for RowsByHand<'_> {
    type Item = io::Result<String>;

    /// One step: take what the reader has, up to the end of a line; if the
    /// line is not all there, block in `fill_buf` until more bytes come.
    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let filled = self.reader.fill_buf(); // <19> <20>
            let bytes = match filled {
                Ok(bytes) => bytes,
                Err(err) => {
                    self.done = true;
                    return Some(Err(err));
                }
            };
            let used = bytes
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |i| i + 1);
            self.line.extend_from_slice(&bytes[..used]);
            self.reader.consume(used);
            if used > 0 && !self.line.ends_with(b"\n") {
                continue; // a part of a line: read on
            }
            match streams::reply(&mem::take(&mut self.line)) {
                Ok(Reply::Row(name)) => return Some(Ok(name)),
                Ok(_) => self.done = true,
                Err(err) => {
                    self.done = true;
                    return Some(Err(err));
                }
            }
        }
        None
    }
}

/// Sends one line (the socket's write timeout bounds it).
fn send(writer: &mut TcpStream, line: &[u8]) -> io::Result<()> {
    writer.write_all(line)
}

/// Reads an iterator to its end (the socket's read timeout bounds each read).
fn collect(rows: impl Iterator<Item = io::Result<String>>) -> io::Result<Vec<String>> {
    rows.collect()
}

fn main() {
    let setup = streams::start_generators();
    let result = labs::timeline::span("client", || {
        let stream = TcpStream::connect_timeout(&setup.addr, io_timeout())?;
        stream.set_read_timeout(Some(io_timeout()))?;
        stream.set_write_timeout(Some(io_timeout()))?;
        let (reader, mut writer) = (stream.try_clone()?, stream);
        let mut reader = BufReader::new(reader.take(ANSWER_LIMIT));
        let query = streams::query(setup.rows);
        send(&mut writer, query.as_bytes())?;
        println!("from_fn   {:?}", collect(rows_unfold(&mut reader))?);
        send(&mut writer, query.as_bytes())?;
        let by_hand = RowsByHand {
            reader: &mut reader,
            line: Vec::new(),
            done: false,
        };
        println!("by hand   {:?}", collect(by_hand)?);
        send(&mut writer, streams::QUIT)?;
        let mut bye = Vec::new();
        reader.read_until(b'\n', &mut bye)?;
        streams::reply(&bye).map(drop)
    });
    if let Some(server) = setup.server {
        println!("server log: {}", server.wait_farewell());
    }
    if let Err(err) = result {
        labs::cli::fail(1, streams::message(&err));
    }
}
