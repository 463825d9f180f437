//! Lab 7, streams, thread: the sync analogue of `select!`. A reader thread
//! reads the lines and sends them down a channel; the main thread waits on
//! the channel with `recv_timeout(30 ms)`, so a tick, the deadline and
//! Ctrl-C get their turn between lines. The server sends each row in two
//! halves 100 ms apart (`--drip`).
//!
//!     cargo run --bin streams-thread-select
//!     cargo run --bin streams-thread-select -- --timeout 0.5
//!
//! Nothing here is ever dropped half-way: a blocking read cannot be
//! cancelled, so the reader thread goes on with its line while the main
//! thread draws a tick. There is no broken twin. Compare with
//! `diff streams/src/bin/streams-{thread,tokio}-select.rs`.

use std::io::{self, BufRead, BufReader, Read, Take, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use labs::StatusLine;
use streams::{ANSWER_LIMIT, Ended, Reply, io_timeout};

type Reader = BufReader<Take<TcpStream>>;

const TICK: Duration = Duration::from_millis(30);

/// The next line, read with `read_until` into `buffer`.
fn read_line(reader: &mut Reader, buffer: &mut Vec<u8>) -> io::Result<Option<String>> {
    reader.read_until(b'\n', buffer)?; // <11>
    if buffer.is_empty() {
        return Ok(None);
    }
    streams::text(std::mem::take(buffer)).map(Some)
}

/// Reads the answer to `ROWS n` from the channel, line by line, until
/// `END`; between lines, the status line, the deadline and Ctrl-C.
fn receive(lines: &Receiver<io::Result<Option<String>>>, deadline: Instant) -> io::Result<Ended> {
    streams::listen_for_stop_requests(); // <12>
    let status = StatusLine::new();
    let (mut rows, mut received, mut ticks) = (0, 0, 0);
    loop {
        if Instant::now() >= deadline {
            return Ok(Ended::TimedOut { rows });
        }
        if streams::is_stop_requested() {
            return Ok(Ended::Stopped { rows });
        }
        let next = lines.recv_timeout(TICK); // <13>
        let line = match next {
            Ok(line) => line, // <14>
            Err(RecvTimeoutError::Timeout) => {
                ticks += 1;
                status.draw(&format!("tick {ticks}: {received} bytes received"));
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => Ok(None),
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
    }
}

/// `QUIT`, then the rest of the answer (rows still on their way after a
/// timeout or Ctrl-C) up to `BYE`, every wait with a timeout.
fn close(lines: &Receiver<io::Result<Option<String>>>, mut writer: TcpStream) -> io::Result<u32> {
    writer.write_all(streams::QUIT)?;
    let mut skipped = 0;
    loop {
        let line = lines
            .recv_timeout(io_timeout())
            .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))??;
        match line.as_deref().map(streams::reply_text) {
            Some(Ok(Reply::Bye)) => return Ok(skipped),
            Some(_) => skipped += 1,
            None => return Err(streams::closed()),
        }
    }
}

/// Connects, asks for `n` rows, receives them, closes politely.
fn client(addr: SocketAddr, n: u32, limit: Duration) -> io::Result<Ended> {
    let stream = TcpStream::connect_timeout(&addr, io_timeout())?;
    stream.set_read_timeout(Some(io_timeout()))?;
    stream.set_write_timeout(Some(io_timeout()))?;
    let (reader, mut writer) = (stream.try_clone()?, stream);
    let mut reader = BufReader::new(reader.take(ANSWER_LIMIT));
    let (send, lines) = mpsc::channel();
    let reading = thread::Builder::new()
        .name("reader".into())
        .spawn(move || {
            labs::timeline::span("reader", || {
                let mut buffer = Vec::new();
                loop {
                    let line = read_line(&mut reader, &mut buffer);
                    let last = !matches!(line, Ok(Some(_)));
                    if send.send(line).is_err() || last {
                        return;
                    }
                }
            })
        })?;
    writer.write_all(streams::query(n).as_bytes())?;
    let ended = receive(&lines, Instant::now() + limit)?; // <15>
    let skipped = close(&lines, writer)?;
    // After `BYE` the server closes: the reader reaches the end and returns.
    let _ = reading.join();
    if skipped > 0 {
        println!("closed: {skipped} lines still on their way were read and skipped");
    }
    Ok(ended)
}

fn main() {
    let (setup, limit) = streams::start_race();
    let ended = labs::timeline::span("client", || client(setup.addr, setup.rows, limit));
    let status = streams::report(&ended, limit);
    if let Some(server) = setup.server {
        println!("server log: {}", server.wait_farewell());
    }
    std::process::exit(status);
}
