//! Lab 7, streams, tokio: rows read from a server as a `Stream` (Python's
//! `async for`), filtered and collected (an async comprehension), over a
//! connection that must send `QUIT` before it closes (Python's `async with`).
//!
//!     cargo run --bin streams-tokio                      with_connection: QUIT sent
//!     cargo run --bin streams-tokio -- --cleanup drop    the guard alone: no QUIT
//!     cargo run --bin streams-tokio -- --cleanup close   close().await by hand
//!
//! Compare the runtimes with `diff streams/src/bin/streams-{tokio,smol}.rs`,
//! and async with sync with `diff streams/src/bin/streams-{thread,tokio}.rs`.

use std::io;
use std::net::SocketAddr;
use std::pin::pin;

use futures_lite::{Stream, StreamExt, stream};
use streams::{Cleanup, LINE_LIMIT, Reply, io_timeout};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, Take};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::time::timeout;

/// A connection to the row server: open it, ask it for rows, close it.
struct Connection {
    reader: Take<BufReader<OwnedReadHalf>>,
    writer: OwnedWriteHalf,
    line: Vec<u8>,
    closed: bool,
}

impl Connection {
    async fn open(addr: SocketAddr) -> io::Result<Connection> {
        let stream = timeout(io_timeout(), TcpStream::connect(addr)).await??;
        let (reader, writer) = stream.into_split();
        let reader = BufReader::new(reader).take(0);
        let (line, closed) = (Vec::new(), false);
        Ok(Connection {
            reader,
            writer,
            line,
            closed,
        })
    }

    async fn send(&mut self, line: &[u8]) -> io::Result<()> {
        timeout(io_timeout(), self.writer.write_all(line)).await?
    }

    /// One line of the answer, read with a limit and a timeout.
    async fn reply(&mut self) -> io::Result<Reply> {
        self.line.clear();
        self.reader.set_limit(LINE_LIMIT as u64); // <1>
        timeout(io_timeout(), self.reader.read_until(b'\n', &mut self.line)).await??;
        streams::reply(&self.line)
    }

    /// Asks for `n` rows: the answer is a stream of names, read as they come.
    async fn rows(&mut self, n: u32) -> io::Result<impl Stream<Item = io::Result<String>>> {
        self.send(streams::query(n).as_bytes()).await?;
        Ok(stream::unfold(Some(self), |conn| async move {
            let conn = conn?; // <2> None: the stream has ended
            match conn.reply().await {
                Ok(Reply::Row(name)) => Some((Ok(name), Some(conn))),
                Ok(Reply::End { .. }) => None,
                Ok(Reply::Bye) => Some((Err(streams::unexpected("BYE")), None)),
                Err(err) => Some((Err(err), None)),
            }
        }))
    }

    /// The polite end the protocol asks for: `QUIT`, then wait for `BYE`.
    async fn close(mut self) -> io::Result<()> {
        self.closed = true;
        self.send(streams::QUIT).await?; // <3>
        match self.reply().await? {
            Reply::Bye => Ok(()),
            _ => Err(streams::unexpected("a reply to QUIT other than BYE")),
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        if !self.closed {
            // No `.await` here: Drop is a plain fn, so it cannot send QUIT.
            println!("Connection dropped without close(): the socket closes, no QUIT"); // <4>
        }
    }
}

/// Python's `async with connect(addr) as conn: ...`: the clean-up that must
/// await is awaited here, whether `body` succeeded or failed.
async fn with_connection<T>(
    addr: SocketAddr,
    body: impl AsyncFnOnce(&mut Connection) -> io::Result<T>, // <5>
) -> io::Result<T> {
    let mut conn = Connection::open(addr).await?;
    let result = body(&mut conn).await;
    let closed = conn.close().await; // <6>
    let value = result?;
    closed.map(|()| value)
}

/// Python: `async for name in rows: print(name)`.
async fn async_for(conn: &mut Connection, n: u32) -> io::Result<()> {
    println!("async for: {n} rows, each as it arrives");
    let mut rows = pin!(conn.rows(n).await?); // <7>
    let mut count = 0;
    while let Some(name) = rows.next().await {
        let name = name.map_err(|err| streams::after(err, count))?; // <8>
        count += 1;
        println!("  {count} {name}");
    }
    Ok(())
}

/// Python: `[name.upper() async for name in rows if len(name) == 5]`.
async fn comprehension(conn: &mut Connection, n: u32) -> io::Result<()> {
    println!("comprehension: the 5-letter names, in capitals");
    let loud: Vec<String> = conn
        .rows(n)
        .await?
        .filter(|name| name.as_ref().map_or(true, |name| name.len() == 5)) // <9>
        .map(|name| name.map(|name| name.to_uppercase()))
        .try_collect()
        .await?;
    println!("  {loud:?}");
    Ok(())
}

/// What the program does with a connection: both of the above.
async fn client(conn: &mut Connection, n: u32) -> io::Result<()> {
    async_for(conn, n).await?;
    comprehension(conn, n).await
}

/// Three ways to end the connection, from the worst to the best.
async fn session(addr: SocketAddr, n: u32, cleanup: Cleanup) -> io::Result<()> {
    match cleanup {
        Cleanup::Drop => {
            let mut conn = Connection::open(addr).await?;
            client(&mut conn, n).await // conn is dropped here
        }
        Cleanup::Close => {
            let mut conn = Connection::open(addr).await?;
            client(&mut conn, n).await?; // an error returns before close()
            conn.close().await
        }
        Cleanup::With => with_connection(addr, async |conn| client(conn, n).await).await,
    }
}

#[tokio::main]
async fn main() {
    let (setup, cleanup) = streams::start_client();
    let result = labs::watch!("session", session(setup.addr, setup.rows, cleanup)).await;
    if let Some(server) = setup.server {
        println!("server log: {}", server.farewell().await); // <10>
    }
    if let Err(err) = result {
        labs::cli::fail(1, streams::message(&err));
    }
}
