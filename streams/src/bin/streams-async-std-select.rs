//! Lab 7, streams, async-std (legacy: discontinued in 2025), a race with
//! `or`: each line of the answer races a 30 ms tick that redraws a status
//! line (async-std has no stable interval: a new 30 ms sleep each time
//! round), a deadline for the whole answer, and Ctrl-C. The server sends each
//! row in two halves 100 ms apart (`--drip`), so the tick wins between the
//! two halves of every row.
//!
//!     cargo run --bin streams-async-std-select                  every byte arrives
//!     cargo run --bin streams-async-std-select-broken           a buffer per read: bytes lost
//!     cargo run --bin streams-async-std-select -- --timeout 0.5
//!
//! async-std has no `select!` of its own: `a.or(b)` from futures-lite runs
//! both, returns what the first to finish returns (preferring `a`), and
//! drops the other. The experiment, one line (callout 14), as in
//! `streams-smol-select.rs`:
//! `diff streams/src/bin/streams-async-std-select{,-broken}.rs`.

use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::time::{Duration, Instant};

use async_std::io::{BufReader, ReadExt, Take, WriteExt, prelude::BufReadExt, timeout};
use async_std::net::TcpStream;
use async_std::task;
use futures_lite::FutureExt;
use labs::StatusLine;
use streams::{ANSWER_LIMIT, Ended, Reply, io_timeout};

type Reader = BufReader<Take<TcpStream>>;

/// A reader and the buffer its lines are read into, which outlives each
/// read (tokio's `Lines` is the same pair).
struct Input {
    reader: Reader,
    buffer: Vec<u8>,
}

const TICK: Duration = Duration::from_millis(30);

/// What won the race.
enum Next {
    Line(io::Result<Option<String>>),
    Tick,
    Expired,
    Stop,
}

/// The next line. `read_until` appends what it reads to `buffer` as it
/// goes, so when the read is dropped half-way, the half it read stays in
/// `buffer`, for the next call: if `buffer` outlives the read.
async fn read_line(reader: &mut Reader, buffer: &mut Vec<u8>) -> io::Result<Option<String>> {
    reader.read_until(b'\n', buffer).await?; // <11>
    if buffer.is_empty() {
        return Ok(None);
    }
    streams::text(std::mem::take(buffer)).map(Some)
}

/// Reads the answer to `ROWS n`, line by line, until `END`; the status
/// line, the deadline and Ctrl-C race each read.
async fn receive(input: &mut Input, deadline: Instant) -> io::Result<Ended> {
    let mut stop = pin!(streams::stop_requested()); // <12>
    let status = StatusLine::new();
    let mut expired = pin!(task::sleep(
        deadline.saturating_duration_since(Instant::now())
    ));
    let (mut rows, mut received, mut ticks) = (0, 0, 0);
    let ended = loop {
        // <13> a chain of `or`: the first future to finish wins
        let next = async {
            Next::Line(read_line(&mut input.reader, &mut input.buffer).await) // <14>
        }
        .or(async {
            task::sleep(TICK).await;
            Next::Tick
        })
        .or(async {
            (&mut expired).await; // <15>
            Next::Expired
        })
        .or(async {
            (&mut stop).await;
            Next::Stop
        })
        .await;
        let line = match next {
            Next::Line(line) => line,
            Next::Tick => {
                ticks += 1;
                status.draw(&format!("tick {ticks}: {received} bytes received"));
                continue;
            }
            Next::Expired => break Ended::TimedOut { rows },
            Next::Stop => break Ended::Stopped { rows },
        };
        let line = line.map_err(|err| streams::after(err, rows))?;
        let line = line.ok_or_else(|| streams::after(streams::closed(), rows))?;
        status.draw("");
        match streams::reply_text(&line) {
            Ok(Reply::Row(name)) => {
                rows += 1;
                println!("  {rows} {name}");
            }
            Ok(Reply::End { bytes: sent, .. }) => {
                return Ok(Ended::Complete {
                    rows,
                    sent,
                    received,
                });
            }
            _ => println!(
                "  ? {} cut: its start was lost",
                streams::shown(line.as_bytes())
            ),
        }
        received += line.len() + 1;
    };
    if !input.buffer.is_empty() {
        let left = streams::shown(&input.buffer);
        println!("  the read that lost left {left} in the buffer");
    }
    Ok(ended)
}

/// `QUIT`, then the rest of the answer (rows still on their way after a
/// timeout or Ctrl-C) up to `BYE`, every read with a timeout.
async fn close(input: &mut Input, mut writer: TcpStream) -> io::Result<u32> {
    timeout(io_timeout(), writer.write_all(streams::QUIT)).await?;
    let mut skipped = 0;
    loop {
        let read = read_line(&mut input.reader, &mut input.buffer);
        let line = timeout(io_timeout(), read).await?;
        match line.as_deref().map(streams::reply_text) {
            Some(Ok(Reply::Bye)) => return Ok(skipped),
            Some(_) => skipped += 1,
            None => return Err(streams::closed()),
        }
    }
}

/// Connects, asks for `n` rows, receives them, closes politely.
async fn client(addr: SocketAddr, n: u32, limit: Duration) -> io::Result<Ended> {
    let stream = timeout(io_timeout(), TcpStream::connect(addr)).await?;
    let (reader, mut writer) = (stream.clone(), stream);
    let reader = BufReader::new(reader.take(ANSWER_LIMIT));
    let mut input = Input {
        reader,
        buffer: Vec::new(),
    };
    let query = streams::query(n);
    timeout(io_timeout(), writer.write_all(query.as_bytes())).await?;
    let ended = receive(&mut input, Instant::now() + limit).await?;
    let skipped = close(&mut input, writer).await?;
    if skipped > 0 {
        println!("closed: {skipped} lines still on their way were read and skipped");
    }
    Ok(ended)
}

#[async_std::main]
async fn main() {
    let (setup, limit) = streams::start_race();
    let ended = labs::watch!("client", client(setup.addr, setup.rows, limit)).await;
    let status = streams::report(&ended, limit);
    if let Some(server) = setup.server {
        println!("server log: {}", server.farewell().await);
    }
    std::process::exit(status);
}
