//! Lab 7, streams, tokio, `select!`: each line of the answer races a 30 ms
//! ticker that redraws a status line, a deadline for the whole answer, and
//! Ctrl-C. The server sends each row in two halves 100 ms apart (`--drip`),
//! so the ticker wins between the two halves of every row.
//!
//!     cargo run --bin streams-tokio-select                  every byte arrives
//!     cargo run --bin streams-tokio-select-broken           read_line: bytes lost
//!     cargo run --bin streams-tokio-select -- --timeout 0.5
//!
//! The experiment, one line (callout 14): `lines.next_line()` keeps a half
//! read line inside `lines` when another branch wins; `read_line` keeps it
//! inside its own future, and `select!` drops that future. The broken file
//! has `read_line(lines.get_mut())` there:
//! `diff streams/src/bin/streams-tokio-select{,-broken}.rs`.

use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::time::Duration;

use labs::StatusLine;
use streams::{ANSWER_LIMIT, Ended, Reply, io_timeout};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, Lines, Take};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::time::{Instant, interval, sleep_until, timeout};

type Reader = BufReader<Take<OwnedReadHalf>>;

const TICK: Duration = Duration::from_millis(30);

/// One line, the way most code reads one: `read_line` into a new String.
async fn read_line(reader: &mut Reader) -> io::Result<Option<String>> {
    let mut line = String::new();
    let read = reader.read_line(&mut line).await?; // <11>
    let line = line.strip_suffix('\n').unwrap_or(&line);
    Ok((read > 0).then(|| line.to_string()))
}

/// Reads the answer to `ROWS n`, line by line, until `END`; the status
/// line, the deadline and Ctrl-C are branches of the same `select!`.
async fn receive(lines: &mut Lines<Reader>, deadline: Instant) -> io::Result<Ended> {
    let mut stop = pin!(streams::stop_requested()); // <12>
    let status = StatusLine::new();
    let mut ticker = interval(TICK);
    let mut expired = pin!(sleep_until(deadline));
    let (mut rows, mut received, mut ticks) = (0, 0, 0);
    loop {
        let line = tokio::select! { // <13>
            line = lines.next_line() => line, // <14>
            _ = ticker.tick() => {
                ticks += 1;
                status.draw(&format!("tick {ticks}: {received} bytes received"));
                continue;
            }
            () = &mut expired => return Ok(Ended::TimedOut { rows }), // <15>
            () = &mut stop => return Ok(Ended::Stopped { rows }),
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
/// timeout or Ctrl-C) up to `BYE`, every read with a timeout.
async fn close(lines: &mut Lines<Reader>, mut writer: OwnedWriteHalf) -> io::Result<u32> {
    timeout(io_timeout(), writer.write_all(streams::QUIT)).await??;
    let mut skipped = 0;
    loop {
        let line = timeout(io_timeout(), read_line(lines.get_mut())).await??;
        match line.as_deref().map(streams::reply_text) {
            Some(Ok(Reply::Bye)) => return Ok(skipped),
            Some(_) => skipped += 1,
            None => return Err(streams::closed()),
        }
    }
}

/// Connects, asks for `n` rows, receives them, closes politely.
async fn client(addr: SocketAddr, n: u32, limit: Duration) -> io::Result<Ended> {
    let stream = timeout(io_timeout(), TcpStream::connect(addr)).await??;
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader.take(ANSWER_LIMIT)).lines();
    timeout(io_timeout(), writer.write_all(streams::query(n).as_bytes())).await??;
    let ended = receive(&mut lines, Instant::now() + limit).await?;
    let skipped = close(&mut lines, writer).await?;
    if skipped > 0 {
        println!("closed: {skipped} lines still on their way were read and skipped");
    }
    Ok(ended)
}

#[tokio::main]
async fn main() {
    let (setup, limit) = streams::start_race();
    let ended = labs::watch!("client", client(setup.addr, setup.rows, limit)).await;
    let status = streams::report(&ended, limit);
    if let Some(server) = setup.server {
        println!("server log: {}", server.farewell().await);
    }
    std::process::exit(status);
}
