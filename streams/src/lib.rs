//! Lab 7, streams: what the clients share and what is not the lesson.
//!
//! - [`Server`]: the line server the clients read from, on std threads,
//!   started inside the client's process (or alone: `streams-server`). It
//!   answers `ROWS n` with n rows and an `END` line, each row sent in two
//!   halves `--drip` milliseconds apart (the other lines whole); it
//!   answers `QUIT` with `BYE`, and logs how each connection ended: the
//!   client *said goodbye* (sent `QUIT`) or *vanished* (closed without it).
//! - [`reply`]: one line of the server's answer, checked (length, UTF-8, a
//!   line cut short) and parsed; [`start_client`] and its kin: the
//!   clients' command line; [`io_timeout`]: how long a client waits;
//!   [`stop_requested`]: Ctrl-C as a future any runtime can await.
//!
//! The protocol, one line each way:
//!
//! ```text
//! client: ROWS 3        server: row 1: alfa
//!                               row 2: bravo
//!                               row 3: charlie
//!                               END 3 rows, 40 bytes
//! client: QUIT          server: BYE           (then both close)
//! ```

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::thread;
use std::time::Duration;

use event_listener::{Event, Listener};

/// The longest line a client accepts, `\n` included.
pub const LINE_LIMIT: usize = 100;

/// The most rows one query may ask for.
pub const MAX_ROWS: u32 = 1000;

/// How long a client waits for any one read or write (and for connecting),
/// unless `--io-timeout` says otherwise: see [`io_timeout`].
pub const DEFAULT_IO_TIMEOUT: Duration = Duration::from_secs(5);

/// How long the server waits for a client's next line before it gives up.
pub const SERVER_IDLE: Duration = Duration::from_secs(10);

/// The most connections the server serves at once (one thread each); more
/// are turned away with `ERR busy`.
pub const MAX_OPEN: usize = 256;

/// How many endings the server's log keeps until someone reads them.
pub const LOG_LIMIT: usize = 1000;

/// The most bytes a client reads for one answer (the longest, 1000 rows, is
/// about 17 KB): what bounds a client's memory where it reads whole lines.
pub const ANSWER_LIMIT: u64 = 64 * 1024;

/// The names of the rows: row n is `NAMES[(n - 1) % 26]`.
pub const NAMES: [&str; 26] = [
    "alfa", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
    "uniform", "victor", "whiskey", "xray", "yankee", "zulu",
];

// ---------------------------------------------------------------------------
// The clients' command line.

/// Rows read from a server as a stream (on threads: an iterator), over a
/// connection that must say QUIT before it closes.
#[derive(Debug, clap::Parser)]
#[command(version)]
struct ClientArgs {
    #[command(flatten)]
    options: Options,
    /// How the connection ends
    #[arg(long, value_enum, default_value = "with")]
    cleanup: Cleanup,
}

/// How a client ends its connection (`--cleanup`): the three ways of step 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Cleanup {
    /// The guard alone: dropped, it closes the socket without QUIT
    Drop,
    /// close() by hand, after the rows (an error returns before it)
    Close,
    /// with_connection: close() whether the rows came or not
    With,
}

/// One stream of rows written several ways: stream!, unfold, poll_next by
/// hand (on threads: from_fn, next by hand).
#[derive(Debug, clap::Parser)]
#[command(version)]
struct GeneratorArgs {
    #[command(flatten)]
    options: Options,
}

/// Rows raced against a ticker that redraws a status line, a deadline for
/// the whole answer, and Ctrl-C.
#[derive(Debug, clap::Parser)]
#[command(version)]
struct RaceArgs {
    #[command(flatten)]
    options: Options,
    /// Seconds allowed for the whole answer, 0.1 to 60
    #[arg(long, value_name = "SECONDS", default_value = "10", allow_hyphen_values = true,
          value_parser = labs::cli::seconds_within(0.1, 60.0))]
    timeout: Duration,
}

/// The options every client shares.
#[derive(Debug, Clone, clap::Args)]
struct Options {
    /// How many rows to ask for, 1 to 1000
    #[arg(long, default_value_t = 8, allow_hyphen_values = true,
          value_parser = clap::value_parser!(u32).range(1..=MAX_ROWS as i64))]
    rows: u32,
    /// Milliseconds between the two halves of each row that the server
    /// inside this program sends (and after each row), 0 to 1000
    /// [default: 20 in the clients, 100 in the races, 0 in the generators]
    #[arg(long, value_name = "MS", allow_hyphen_values = true, conflicts_with = "server",
          value_parser = clap::value_parser!(u64).range(0..=1000))]
    drip: Option<u64>,
    /// Read from a server already running (`streams-server`, with its own
    /// --drip) at this address, instead of one started inside this program
    #[arg(long, value_name = "HOST:PORT")]
    server: Option<SocketAddr>,
    /// Seconds to wait for the server (to connect, for each write, for each
    /// line of its answer) before giving up, 0.1 to 60
    #[arg(long, value_name = "SECONDS", default_value = "5", allow_hyphen_values = true,
          value_parser = labs::cli::seconds_within(0.1, 60.0))]
    io_timeout: Duration,
}

/// What a client starts with: where the server is, how many rows to ask
/// for, and the server started inside this program, if any.
#[derive(Debug, Clone, Copy)]
pub struct Setup {
    /// Where to connect.
    pub addr: SocketAddr,
    /// How many rows to ask for (`--rows`).
    pub rows: u32,
    /// The server started inside this program (none with `--server`): its
    /// log says how each connection ended.
    pub server: Option<&'static Server>,
}

/// Steps 1 and 3: reads a client's command line, starts its server (each
/// row in two halves 20 ms apart) unless `--server` names one; says how the
/// connection is to end (`--cleanup`).
pub fn start_client() -> (Setup, Cleanup) {
    let args: ClientArgs = labs::parse_args();
    (setup(&args.options, 20), args.cleanup)
}

/// Step 2: reads a generator client's command line, starts its server (rows
/// sent whole, at once) unless `--server` names one.
pub fn start_generators() -> Setup {
    let args: GeneratorArgs = labs::parse_args();
    setup(&args.options, 0)
}

/// Steps 4 and 5: reads a race's command line, starts its server (each row
/// in two halves 100 ms apart: the ticker wins between them) unless
/// `--server` names one; says how long the whole answer may take
/// (`--timeout`).
pub fn start_race() -> (Setup, Duration) {
    let args: RaceArgs = labs::parse_args();
    (setup(&args.options, 100), args.timeout)
}

/// Sets [`io_timeout`], starts the server unless `--server` names one.
fn setup(options: &Options, default_drip: u64) -> Setup {
    let _ = IO_TIMEOUT.set(options.io_timeout);
    let (addr, server) = match options.server {
        Some(addr) => (addr, None),
        None => {
            let drip = Duration::from_millis(options.drip.unwrap_or(default_drip));
            let server = Server::start(0, drip).unwrap_or_else(|err| {
                labs::cli::fail(1, format!("cannot start the server: {err}"))
            });
            (server.addr(), Some(server))
        }
    };
    Setup {
        addr,
        rows: options.rows,
        server,
    }
}

static IO_TIMEOUT: OnceLock<Duration> = OnceLock::new();

/// How long a client waits for the server: to connect, for each write, and
/// for each line of its answer. `--io-timeout`, read by the `start_`
/// functions; [`DEFAULT_IO_TIMEOUT`] until then.
pub fn io_timeout() -> Duration {
    IO_TIMEOUT.get().copied().unwrap_or(DEFAULT_IO_TIMEOUT)
}

/// The query for `rows` rows, as sent: `ROWS 8\n`.
pub fn query(rows: u32) -> String {
    format!("ROWS {rows}\n")
}

/// The goodbye the protocol asks for before closing.
pub const QUIT: &[u8] = b"QUIT\n";

// ---------------------------------------------------------------------------
// One line of the server's answer.

/// A line the server sent, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// `row 3: charlie`: the name.
    Row(String),
    /// `END 3 rows, 40 bytes`: the rows and bytes the server sent before it.
    End { rows: u32, bytes: usize },
    /// `BYE`, the answer to `QUIT`.
    Bye,
}

/// Checks and parses one line as read, `\n` included (read with a limit of
/// [`LINE_LIMIT`] bytes): an empty read is the server closing, a line with
/// no `\n` is too long or cut short, and anything that is not UTF-8 or not
/// in the protocol is an error that says what came, shortened and escaped.
pub fn reply(line: &[u8]) -> io::Result<Reply> {
    let Some(text) = line.strip_suffix(b"\n") else {
        return Err(match line.len() {
            0 => bad(
                io::ErrorKind::UnexpectedEof,
                "the server closed the connection",
            ),
            n if n >= LINE_LIMIT => bad(
                io::ErrorKind::InvalidData,
                format!("a line longer than {LINE_LIMIT} bytes: {}", shown(line)),
            ),
            n => bad(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "the server closed the connection in the middle of a line, after {n} bytes: {}",
                    shown(line)
                ),
            ),
        });
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return Err(bad(
            io::ErrorKind::InvalidData,
            format!("a line that is not UTF-8: {}", shown(line)),
        ));
    };
    parse(text.strip_suffix('\r').unwrap_or(text)).ok_or_else(|| {
        bad(
            io::ErrorKind::InvalidData,
            format!("an unexpected line: {}", shown(line)),
        )
    })
}

/// A line as read (its `\n` taken off), if it is UTF-8; if not, an
/// error that shows it, escaped.
pub fn text(line: Vec<u8>) -> io::Result<String> {
    let text = line.strip_suffix(b"\n").unwrap_or(&line);
    match std::str::from_utf8(text) {
        Ok(text) => Ok(text.to_string()),
        Err(_) => Err(bad(
            io::ErrorKind::InvalidData,
            format!("a line that is not UTF-8: {}", shown(&line)),
        )),
    }
}

/// [`reply`] for a line without its `\n`, as `lines()` gives them.
pub fn reply_text(text: &str) -> io::Result<Reply> {
    parse(text.strip_suffix('\r').unwrap_or(text)).ok_or_else(|| {
        bad(
            io::ErrorKind::InvalidData,
            format!("an unexpected line: {}", shown(text.as_bytes())),
        )
    })
}

fn parse(text: &str) -> Option<Reply> {
    if text == "BYE" {
        return Some(Reply::Bye);
    }
    if let Some(rest) = text.strip_prefix("END ") {
        let (rows, bytes) = rest.strip_suffix(" bytes")?.split_once(" rows, ")?;
        return Some(Reply::End {
            rows: rows.parse().ok()?,
            bytes: bytes.parse().ok()?,
        });
    }
    let (_number, name) = text.strip_prefix("row ")?.split_once(": ")?;
    Some(Reply::Row(name.to_string()))
}

/// An answer the protocol does not allow here.
pub fn unexpected(what: &str) -> io::Error {
    bad(
        io::ErrorKind::InvalidData,
        format!("unexpected from the server: {what}"),
    )
}

/// `err`, saying how many rows had arrived before it.
pub fn after(err: io::Error, rows: u32) -> io::Error {
    let s = if rows == 1 { "" } else { "s" };
    io::Error::other(format!("{} (after {rows} row{s})", message(&err)))
}

/// What went wrong, in words: a timeout says so the same way on every
/// runtime (tokio says "deadline has elapsed", a std socket "Resource
/// temporarily unavailable" on Unix).
pub fn message(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
            format!(
                "no answer from the server within {} s",
                io_timeout().as_secs_f64()
            )
        }
        _ => err.to_string(),
    }
}

/// A timeout as a race, for smol (which has no `timeout` function):
/// `io.or(timed_out(Timer::after(d)))` fails with `TimedOut` when the timer
/// ends first.
pub async fn timed_out<T>(timer: impl Future) -> io::Result<T> {
    timer.await;
    Err(io::ErrorKind::TimedOut.into())
}

/// The server closed the connection where the protocol says it should not.
pub fn closed() -> io::Error {
    bad(
        io::ErrorKind::UnexpectedEof,
        "the server closed the connection",
    )
}

/// How an answer read in a `select!` ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The `END` line came: the rows read whole, the bytes of the rows that
    /// the server sent (from its `END` line) and the bytes that arrived.
    Complete {
        rows: u32,
        sent: usize,
        received: usize,
    },
    /// The deadline won the race, after `rows` rows.
    TimedOut { rows: u32 },
    /// Ctrl-C won the race, after `rows` rows.
    Stopped { rows: u32 },
}

/// Prints how the answer ended; returns the exit status: 0 when it came
/// whole, 1 when bytes were lost, on a timeout or an error, 130 after Ctrl-C
/// (143 after SIGTERM).
pub fn report(ended: &io::Result<Ended>, limit: Duration) -> i32 {
    let s = |n: &u32| if *n == 1 { "" } else { "s" };
    match ended {
        Ok(Ended::Complete {
            rows,
            sent,
            received,
        }) => {
            let lost = sent.saturating_sub(*received);
            println!(
                "{rows} row{} whole; bytes: {sent} sent, {received} received, {lost} lost",
                s(rows)
            );
            i32::from(lost > 0)
        }
        Ok(Ended::TimedOut { rows }) => {
            println!(
                "timed out after {} s, {rows} row{} read",
                limit.as_secs_f64(),
                s(rows)
            );
            1
        }
        Ok(Ended::Stopped { rows }) => {
            let status = STOP_STATUS.load(Ordering::SeqCst) as i32;
            let by = if status == 130 {
                "Ctrl-C"
            } else {
                "a stop request"
            };
            println!("stopped by {by}, {rows} row{} read", s(rows));
            status
        }
        Err(err) => {
            eprintln!("error: {}", message(err));
            1
        }
    }
}

fn bad(kind: io::ErrorKind, message: impl Into<String>) -> io::Error {
    io::Error::new(kind, message.into())
}

/// `bytes` as text for a message: quoted, every byte that is not printable
/// ASCII escaped (`\xff`, `\x1b`, `\n`), at most 40 characters.
pub fn shown(bytes: &[u8]) -> String {
    let escaped = bytes.escape_ascii().to_string();
    match escaped.char_indices().nth(40) {
        Some((cut, _)) => format!("\"{}...\"", &escaped[..cut]),
        None => format!("\"{escaped}\""),
    }
}

/// The row line for row `n` (from 1), as the server sends it.
pub fn row_line(n: u32) -> String {
    format!("row {n}: {}\n", NAMES[(n as usize - 1) % NAMES.len()])
}

// ---------------------------------------------------------------------------
// Ctrl-C as a future.

static STOP: Event = Event::new();
static STOPPED: AtomicBool = AtomicBool::new(false);
/// The exit status the stop request asks for: 130 for Ctrl-C, 143 for SIGTERM.
static STOP_STATUS: AtomicUsize = AtomicUsize::new(130);

/// Completes when the user presses Ctrl-C (or the program is otherwise asked
/// to stop: SIGTERM, a closed terminal; a console event on Windows), on any
/// runtime. From the call on, a stop request no longer ends the
/// program by itself: the caller does, cleanly. A second request ends it at
/// once (status 130 for Ctrl-C), the terminal restored.
/// Call it before `StatusLine::new()`: the status line then leaves stop
/// requests to this program.
pub fn stop_requested() -> impl Future<Output = ()> + Send + 'static {
    listen_for_stop_requests();
    async {
        loop {
            if STOPPED.load(Ordering::SeqCst) {
                return;
            }
            let listener = STOP.listen();
            if STOPPED.load(Ordering::SeqCst) {
                return;
            }
            listener.await;
        }
    }
}

/// Whether the user has pressed Ctrl-C, for a thread that checks between
/// waits (call [`listen_for_stop_requests`] first).
pub fn is_stop_requested() -> bool {
    STOPPED.load(Ordering::SeqCst)
}

/// From now on, a stop request (Ctrl-C, ...) no longer ends the program by
/// itself: [`stop_requested`] completes and [`is_stop_requested`] says so.
/// A second request ends it at once. Call it before `StatusLine::new()`.
pub fn listen_for_stop_requests() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        labs::term::handle_stop_requests_here();
        // Called on one thread, one request after another.
        let installed = labs::platform::on_stop_request(|status| {
            if STOPPED.load(Ordering::SeqCst) {
                labs::term::restore_and_exit(status);
            }
            STOP_STATUS.store(status as usize, Ordering::SeqCst);
            STOPPED.store(true, Ordering::SeqCst);
            STOP.notify(usize::MAX);
        });
        if !installed {
            eprintln!("warning: Ctrl-C will stop this program at once, without saying QUIT");
        }
    });
}

// ---------------------------------------------------------------------------
// The server.

/// The line server: one std thread per connection. Memory stays bounded
/// whatever its clients do: at most [`MAX_OPEN`] connections at once,
/// lines read with a limit, every read and write with a timeout, the
/// answer written as it is made, the log of endings capped.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    drip: Duration,
    connections: AtomicUsize,
    /// Connections being served now.
    open: AtomicUsize,
    /// How the connections ended, oldest first, not yet taken by [`Server::farewell`].
    ended: Mutex<VecDeque<String>>,
    changed: Event,
}

impl Server {
    /// Listens on 127.0.0.1:`port` (0: any free port) and serves on threads
    /// of its own for as long as the program runs.
    pub fn start(port: u16, drip: Duration) -> io::Result<&'static Server> {
        Server::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, port)), drip)
    }

    /// Like [`Server::start`], on any address (`0.0.0.0:2324` serves a room).
    pub fn start_on(addr: SocketAddr, drip: Duration) -> io::Result<&'static Server> {
        let listener = TcpListener::bind(addr)?;
        let server: &'static Server = Box::leak(Box::new(Server {
            addr: listener.local_addr()?,
            drip,
            connections: AtomicUsize::new(0),
            open: AtomicUsize::new(0),
            ended: Mutex::new(VecDeque::new()),
            changed: Event::new(),
        }));
        thread::Builder::new()
            .name("server".into())
            .spawn(move || server.accept(listener))?;
        Ok(server)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How the next connection ended, once it has (oldest first):
    /// `connection 1: said goodbye (QUIT) after 2 queries`. A future any
    /// runtime can await; the server gives up on a silent client after
    /// [`SERVER_IDLE`], so it completes.
    pub async fn farewell(&self) -> String {
        loop {
            if let Some(line) = self.take_ended() {
                return line;
            }
            let listener = self.changed.listen();
            if let Some(line) = self.take_ended() {
                return line;
            }
            listener.await;
        }
    }

    /// [`Server::farewell`] for a thread: blocks until a connection ended.
    pub fn wait_farewell(&self) -> String {
        loop {
            if let Some(line) = self.take_ended() {
                return line;
            }
            let listener = self.changed.listen();
            if let Some(line) = self.take_ended() {
                return line;
            }
            listener.wait();
        }
    }

    /// [`Server::wait_farewell`], giving up after `timeout` (for tests).
    pub fn farewell_within(&self, timeout: Duration) -> Option<String> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if let Some(line) = self.take_ended() {
                return Some(line);
            }
            let listener = self.changed.listen();
            if let Some(line) = self.take_ended() {
                return Some(line);
            }
            listener.wait_deadline(deadline)?;
        }
    }

    fn take_ended(&self) -> Option<String> {
        self.ended
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front()
    }

    fn accept(&'static self, listener: TcpListener) {
        let mut failures = 0;
        for stream in listener.incoming() {
            let stream = match stream {
                Ok(stream) => stream,
                Err(err) => {
                    // Out of file descriptors, say: say so once, back off.
                    if failures == 0 {
                        eprintln!("server: cannot accept a connection: {err}");
                    }
                    failures += 1;
                    thread::sleep(Duration::from_millis(100));
                    continue;
                }
            };
            failures = 0;
            if self.open.load(Ordering::SeqCst) >= MAX_OPEN {
                // A flood of clients: turn the newcomer away, at once.
                let _ = (&stream).write_all(b"ERR busy, try again later\n");
                continue;
            }
            self.open.fetch_add(1, Ordering::SeqCst);
            let number = self.connections.fetch_add(1, Ordering::SeqCst) + 1;
            let spawned = thread::Builder::new()
                .name(format!("connection {number}"))
                .spawn(move || {
                    let how = labs::timeline::span("serve", || self.serve(stream));
                    self.open.fetch_sub(1, Ordering::SeqCst);
                    self.log(format!("connection {number}: {how}"));
                });
            if let Err(err) = spawned {
                self.open.fetch_sub(1, Ordering::SeqCst);
                eprintln!("server: cannot start a thread for connection {number}: {err}");
            }
        }
    }

    /// Adds how a connection ended to the log (the last [`LOG_LIMIT`]
    /// kept, for whoever asks), and wakes those waiting for it.
    fn log(&self, line: String) {
        let mut ended = self.ended.lock().unwrap_or_else(PoisonError::into_inner);
        if ended.len() == LOG_LIMIT {
            ended.pop_front();
        }
        ended.push_back(line);
        drop(ended);
        self.changed.notify(usize::MAX);
    }

    /// Serves one connection; says how it ended.
    fn serve(&self, stream: TcpStream) -> String {
        let mut queries = 0;
        let result = self.answer(&stream, &mut queries);
        let after = format!(
            "after {queries} quer{}",
            if queries == 1 { "y" } else { "ies" }
        );
        match result {
            Ok(true) => format!("said goodbye (QUIT) {after}"),
            Ok(false) => format!("vanished (closed without QUIT) {after}"),
            Err(err) => match err.kind() {
                io::ErrorKind::BrokenPipe
                | io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted => {
                    format!("vanished (closed without QUIT, in the middle of an answer) {after}")
                }
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
                    format!("vanished (silent for {} s) {after}", SERVER_IDLE.as_secs())
                }
                _ => format!("vanished ({err}) {after}"),
            },
        }
    }

    /// Answers queries until `QUIT` (true) or the end of the stream (false).
    fn answer(&self, stream: &TcpStream, queries: &mut u32) -> io::Result<bool> {
        stream.set_read_timeout(Some(SERVER_IDLE))?;
        stream.set_write_timeout(Some(SERVER_IDLE))?;
        let _ = stream.set_nodelay(true); // each half leaves at once
        let mut reader = BufReader::new(stream).take(0);
        let mut writer = stream;
        let mut line = Vec::new();
        loop {
            line.clear();
            reader.set_limit(LINE_LIMIT as u64);
            if reader.read_until(b'\n', &mut line)? == 0 {
                return Ok(false);
            }
            let command = String::from_utf8_lossy(&line);
            let command = command.trim_end();
            if command == "QUIT" {
                writer.write_all(b"BYE\n")?;
                return Ok(true);
            }
            let rows = command
                .strip_prefix("ROWS ")
                .and_then(|n| n.parse::<u32>().ok())
                .filter(|n| (1..=MAX_ROWS).contains(n));
            let Some(rows) = rows else {
                writer.write_all(
                    format!("ERR expected ROWS 1 to {MAX_ROWS}, or QUIT\n").as_bytes(),
                )?;
                continue;
            };
            *queries += 1;
            let mut bytes = 0;
            for n in 1..=rows {
                let row = row_line(n);
                self.drip(&mut writer, &row)?;
                bytes += row.len();
            }
            writer.write_all(format!("END {rows} rows, {bytes} bytes\n").as_bytes())?;
        }
    }

    /// Sends a row in two halves, `drip` apart, then waits `drip` again.
    fn drip(&self, writer: &mut &TcpStream, row: &str) -> io::Result<()> {
        if self.drip.is_zero() {
            return writer.write_all(row.as_bytes());
        }
        let (first, second) = row.as_bytes().split_at(row.len() / 2);
        writer.write_all(first)?;
        thread::sleep(self.drip);
        writer.write_all(second)?;
        thread::sleep(self.drip);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_parse() {
        assert_eq!(
            reply(b"row 3: charlie\n").unwrap(),
            Reply::Row("charlie".into())
        );
        assert_eq!(
            reply(b"END 3 rows, 40 bytes\n").unwrap(),
            Reply::End { rows: 3, bytes: 40 }
        );
        assert_eq!(reply(b"BYE\r\n").unwrap(), Reply::Bye);
    }

    #[test]
    fn bad_lines_say_what_came() {
        let message = |line: &[u8]| reply(line).unwrap_err().to_string();
        assert_eq!(message(b""), "the server closed the connection");
        assert_eq!(
            message(b"row 1: al"),
            "the server closed the connection in the middle of a line, after 9 bytes: \"row 1: al\""
        );
        assert_eq!(
            message(b"row 1: \xff\n"),
            "a line that is not UTF-8: \"row 1: \\xff\\n\""
        );
        assert!(message(&[b'x'; LINE_LIMIT]).starts_with("a line longer than 100 bytes: \"xxxx"));
        assert_eq!(message(b"\x1b[2J\n"), "an unexpected line: \"\\x1b[2J\\n\"");
    }

    /// Past [`MAX_OPEN`] connections at once, a newcomer is turned away at
    /// once, and those already in are still served.
    #[test]
    fn a_flood_of_clients_is_turned_away_past_the_limit() {
        let wanted = 2 * MAX_OPEN as u64 + 64; // both ends of each connection
        if labs::platform::raise_open_files_limit(wanted).is_some_and(|limit| limit < wanted) {
            eprintln!("skipped: this system allows too few open files");
            return;
        }
        let server = Server::start(0, Duration::ZERO).unwrap();
        let connect = || {
            let stream = TcpStream::connect(server.addr()).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(20)))
                .unwrap();
            stream
        };
        let mut clients: Vec<TcpStream> = (0..MAX_OPEN).map(|_| connect()).collect();
        let mut refusal = String::new();
        connect().read_to_string(&mut refusal).unwrap();
        assert_eq!(refusal, "ERR busy, try again later\n");
        let first = &mut clients[0];
        first.write_all(b"ROWS 1\n").unwrap();
        let mut answer = String::new();
        BufReader::new(first).read_line(&mut answer).unwrap();
        assert_eq!(answer, "row 1: alfa\n");
    }

    #[test]
    fn the_io_timeout_defaults_to_its_constant() {
        use clap::Parser;
        let args = ClientArgs::try_parse_from(["streams-tokio"]).unwrap();
        assert_eq!(args.options.io_timeout, DEFAULT_IO_TIMEOUT);
        let args = RaceArgs::try_parse_from(["streams-tokio-select", "--io-timeout", "0.5"]);
        assert_eq!(args.unwrap().options.io_timeout, Duration::from_millis(500));
    }

    #[test]
    fn the_rows_add_up_to_the_bytes_of_the_end_line() {
        assert_eq!(row_line(1), "row 1: alfa\n");
        assert_eq!(row_line(27), "row 27: alfa\n");
        let bytes: usize = (1..=3).map(|n| row_line(n).len()).sum();
        assert_eq!(bytes, 40);
    }
}
