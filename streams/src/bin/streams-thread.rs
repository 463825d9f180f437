//! Lab 7, streams, thread: the sync analogue. Rows read from a server as an
//! `Iterator` (Python's `for`), filtered and collected (a comprehension),
//! over a connection that must send `QUIT` before it closes (Python's `with`).
//!
//!     cargo run --bin streams-thread                      with_connection: QUIT sent
//!     cargo run --bin streams-thread -- --cleanup drop    the guard alone: no QUIT
//!     cargo run --bin streams-thread -- --cleanup close   close() by hand
//!
//! Every call blocks the thread until its answer comes: the socket's read
//! and write timeouts bound each one. Compare with
//! `diff streams/src/bin/streams-{thread,tokio}.rs`: mostly `.await`.

use std::io::{self, BufRead, BufReader, Read, Take, Write};
use std::iter;
use std::net::{SocketAddr, TcpStream};

use streams::{Cleanup, LINE_LIMIT, Reply, io_timeout};

/// A connection to the row server: open it, ask it for rows, close it.
struct Connection {
    reader: Take<BufReader<TcpStream>>,
    writer: TcpStream,
    line: Vec<u8>,
    closed: bool,
}

impl Connection {
    fn open(addr: SocketAddr) -> io::Result<Connection> {
        let stream = TcpStream::connect_timeout(&addr, io_timeout())?;
        stream.set_read_timeout(Some(io_timeout()))?;
        stream.set_write_timeout(Some(io_timeout()))?;
        let (reader, writer) = (stream.try_clone()?, stream);
        let reader = BufReader::new(reader).take(0);
        let (line, closed) = (Vec::new(), false);
        Ok(Connection {
            reader,
            writer,
            line,
            closed,
        })
    }

    fn send(&mut self, line: &[u8]) -> io::Result<()> {
        self.writer.write_all(line)
    }

    /// One line of the answer, read with a limit and a timeout.
    fn reply(&mut self) -> io::Result<Reply> {
        self.line.clear();
        self.reader.set_limit(LINE_LIMIT as u64); // <1>
        self.reader.read_until(b'\n', &mut self.line)?;
        streams::reply(&self.line)
    }

    /// Asks for `n` rows: the answer is an iterator of names, read as they come.
    fn rows(&mut self, n: u32) -> io::Result<impl Iterator<Item = io::Result<String>>> {
        self.send(streams::query(n).as_bytes())?;
        let mut state = Some(self);
        Ok(iter::from_fn(move || {
            let conn = state.take()?; // <2> None: the iterator has ended
            match conn.reply() {
                Ok(Reply::Row(name)) => {
                    state = Some(conn);
                    Some(Ok(name))
                }
                Ok(Reply::End { .. }) => None,
                Ok(Reply::Bye) => Some(Err(streams::unexpected("BYE"))),
                Err(err) => Some(Err(err)),
            }
        }))
    }

    /// The polite end the protocol asks for: `QUIT`, then wait for `BYE`.
    fn close(mut self) -> io::Result<()> {
        self.closed = true;
        self.send(streams::QUIT)?; // <3>
        match self.reply()? {
            Reply::Bye => Ok(()),
            _ => Err(streams::unexpected("a reply to QUIT other than BYE")),
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        if !self.closed {
            // A thread could send QUIT here (a blocking write, its error
            // ignored); the async variants cannot: no `.await` in Drop.
            println!("Connection dropped without close(): the socket closes, no QUIT"); // <4>
        }
    }
}

/// Python's `with connect(addr) as conn: ...`: the clean-up runs here,
/// whether `body` succeeded or failed.
fn with_connection<T>(
    addr: SocketAddr,
    body: impl FnOnce(&mut Connection) -> io::Result<T>, // <5>
) -> io::Result<T> {
    let mut conn = Connection::open(addr)?;
    let result = body(&mut conn);
    let closed = conn.close(); // <6>
    let value = result?;
    closed.map(|()| value)
}

/// Python: `for name in rows: print(name)`.
fn async_for(conn: &mut Connection, n: u32) -> io::Result<()> {
    println!("for: {n} rows, each as it arrives");
    let rows = conn.rows(n)?; // <7>
    let mut count = 0;
    for name in rows {
        let name = name.map_err(|err| streams::after(err, count))?; // <8>
        count += 1;
        println!("  {count} {name}");
    }
    Ok(())
}

/// Python: `[name.upper() for name in rows if len(name) == 5]`.
fn comprehension(conn: &mut Connection, n: u32) -> io::Result<()> {
    println!("comprehension: the 5-letter names, in capitals");
    let loud: Vec<String> = conn
        .rows(n)?
        .filter(|name| name.as_ref().map_or(true, |name| name.len() == 5)) // <9>
        .map(|name| name.map(|name| name.to_uppercase()))
        .collect::<io::Result<_>>()?;
    println!("  {loud:?}");
    Ok(())
}

/// What the program does with a connection: both of the above.
fn client(conn: &mut Connection, n: u32) -> io::Result<()> {
    async_for(conn, n)?;
    comprehension(conn, n)
}

/// Three ways to end the connection, from the worst to the best.
fn session(addr: SocketAddr, n: u32, cleanup: Cleanup) -> io::Result<()> {
    match cleanup {
        Cleanup::Drop => {
            let mut conn = Connection::open(addr)?;
            client(&mut conn, n) // conn is dropped here
        }
        Cleanup::Close => {
            let mut conn = Connection::open(addr)?;
            client(&mut conn, n)?; // an error returns before close()
            conn.close()
        }
        Cleanup::With => with_connection(addr, |conn| client(conn, n)),
    }
}

fn main() {
    let (setup, cleanup) = streams::start_client();
    let result = labs::timeline::span("session", || session(setup.addr, setup.rows, cleanup));
    if let Some(server) = setup.server {
        println!("server log: {}", server.wait_farewell()); // <10>
    }
    if let Err(err) = result {
        labs::cli::fail(1, streams::message(&err));
    }
}
