//! The plumbing every charfinder server shares: the command line, the
//! start-up banner, the replies of the line protocol, Ctrl-C, and the count
//! and log of open connections. None of it depends on a runtime: the async
//! waits ([`Server::stopped`], [`Server::all_closed`]) are plain futures
//! (from `event-listener`) that any executor can poll.
//!
//! With `--timeline`, the plumbing records the index being built (the span
//! `index`) and three instants on the thread that saw them: `opened` (a
//! connection accepted), `query` (a query line answered) and `closed` (a
//! connection over, however it ended).

use std::fmt::Write as _;
use std::io::{self, ErrorKind};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use event_listener::{Event, Listener};
use labs::backoff::Backoff;
use labs::cli::seconds_within;

use crate::{Index, PAGE_SIZE, Page, match_line};

/// The longest query line a server reads, newline included. A longer line
/// is refused with a message, and the connection closed.
pub const LINE_LIMIT: u64 = 1024;

/// How much of a line that is too long a server reads (and throws away)
/// to find its end before it answers: past this, it closes at once.
pub const SKIP_LIMIT: u64 = 16 << 20;

/// The read buffer of each connection. Small on purpose: it is most of
/// what an idle connection costs (a `BufReader` allocates 8 KB by default).
pub const READ_BUFFER: usize = 1024;

/// What the servers ask for, after each answer.
pub const PROMPT: &str = "?> ";

/// The options every charfinder server takes.
#[derive(Debug, Clone, clap::Args)]
pub struct Listen {
    /// Address to listen on: 0.0.0.0 serves every network this machine is on.
    #[arg(long, value_name = "IP", default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Port to listen on [default: 2323 for TCP, 8080 web, 8081 façade]; 0
    /// picks a free one (the banner says which).
    #[arg(long, allow_hyphen_values = true)]
    pub port: Option<u16>,
    /// On Ctrl-C, wait this long for open connections to finish, in seconds [0 to 60].
    #[arg(long, value_name = "SECS", default_value = "5", allow_hyphen_values = true,
          value_parser = seconds_within(0.0, 60.0))]
    pub grace: Duration,
    /// Log each connection on stderr.
    #[arg(short, long)]
    pub verbose: bool,
}

/// Find Unicode characters by the words of their names, over TCP: one query
/// per line (try `nc 127.0.0.1 2323`).
#[derive(Debug, clap::Parser)]
#[command(version)]
pub struct TcpArgs {
    #[command(flatten)]
    pub listen: Listen,
    /// Close a connection after this many seconds without a query (or with
    /// an answer it does not read) [0.1 to 3600].
    #[arg(long, value_name = "SECS", default_value = "60", allow_hyphen_values = true,
          value_parser = seconds_within(0.1, 3600.0))]
    pub idle: Duration,
}

/// What a server sends back for one line it read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// The answer, then the prompt for the next query.
    More(String),
    /// The last words before the server closes the connection.
    Last(String),
}

impl Reply {
    pub fn text(&self) -> &[u8] {
        match self {
            Reply::More(text) | Reply::Last(text) => text.as_bytes(),
        }
    }

    pub fn is_last(&self) -> bool {
        matches!(self, Reply::Last(_))
    }
}

/// The reply to `line`, the bytes one read of at most [`LINE_LIMIT`] bytes
/// up to a newline gave: no bytes is the end of input, a line without its
/// newline at the limit is too long, an empty line quits.
pub fn reply(index: &Index, line: &[u8]) -> Reply {
    if line.is_empty() {
        return Reply::Last(String::new());
    }
    let Some(line) = line.strip_suffix(b"\n") else {
        if line.len() as u64 >= LINE_LIMIT {
            return Reply::Last(format!(
                "error: a line longer than {LINE_LIMIT} bytes; closing the connection\n"
            ));
        }
        return answer(index, line); // the last line, with no newline
    };
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.iter().all(u8::is_ascii_whitespace) {
        return Reply::Last("Bye.\n".to_string());
    }
    answer(index, line)
}

/// One connection's side of the protocol: the line being read, and whether
/// it is the rest of a line that was too long.
pub struct Session {
    index: &'static Index,
    line: Vec<u8>,
    /// Bytes of a too-long line read (and dropped) so far.
    skipped: Option<u64>,
}

impl Session {
    /// The buffer for the next line, emptied.
    pub fn line(&mut self) -> &mut Vec<u8> {
        self.line.clear();
        &mut self.line
    }

    /// The reply to the line just read (see [`reply`]). A line that hits
    /// [`LINE_LIMIT`] is not answered at once: the rest of it is read and
    /// dropped, 1 KB at a time, so that the client has finished sending
    /// when the server answers the error and closes (closing a socket with
    /// unread bytes makes the system reset the connection, and the client
    /// could lose the answer). Past [`SKIP_LIMIT`] it closes at once.
    pub fn reply(&mut self) -> Reply {
        let too_long = || {
            Reply::Last(format!(
                "error: a line longer than {LINE_LIMIT} bytes; closing the connection\n"
            ))
        };
        let ended = self.line.is_empty() || self.line.ends_with(b"\n");
        match self.skipped {
            Some(skipped) => {
                let skipped = skipped + self.line.len() as u64;
                if ended || skipped > SKIP_LIMIT {
                    return too_long();
                }
                self.skipped = Some(skipped);
                Reply::More(String::new())
            }
            None if !ended && self.line.len() as u64 >= LINE_LIMIT => {
                self.skipped = Some(self.line.len() as u64);
                Reply::More(String::new())
            }
            None => reply(self.index, &self.line),
        }
    }
}

fn answer(index: &Index, line: &[u8]) -> Reply {
    labs::timeline::event("query");
    let Ok(query) = std::str::from_utf8(line) else {
        return Reply::More(format!(
            "error: that line is not UTF-8 text; type words like: cat face\n{PROMPT}"
        ));
    };
    let page = index.page(query);
    let mut text = String::with_capacity(page.chars.len() * 64 + 64);
    for c in &page.chars {
        text += &match_line(*c);
        text.push('\n');
    }
    text += &count_line(&page);
    let _ = write!(text, "\n{PROMPT}");
    Reply::More(text)
}

/// The line after the matches: `10 matches` when they are all there;
/// otherwise which of them this page holds, and how to ask for the next:
/// `matches 1 to 100 of 97058; more: cjk +100`.
pub fn count_line(page: &Page) -> String {
    let shown = page.chars.len();
    if page.offset == 0 && page.total <= PAGE_SIZE {
        return format!("{shown} match{}", if shown == 1 { "" } else { "es" });
    }
    let mut line = match shown {
        0 => format!("no matches past {}: {} in all", page.offset, page.total),
        _ => format!(
            "matches {} to {} of {}",
            page.offset + 1,
            page.offset + shown,
            page.total
        ),
    };
    if let Some(next) = page.next() {
        // The words echoed back with single spaces: no tab or other odd
        // white space (every word matched a name, so holds nothing odd).
        let words = page.words.split_whitespace().collect::<Vec<_>>().join(" ");
        let _ = write!(line, "; more: {words} +{next}");
    }
    line
}

/// A running server's shared state: its options, the index, Ctrl-C, and the
/// open connections. Every connection borrows it: `&'static Server`.
pub struct Server {
    variant: &'static str,
    listen: Listen,
    idle: Duration,
    index: Option<&'static Index>,
    /// Set by Ctrl-C (or SIGTERM): stop accepting.
    stopping: AtomicBool,
    /// The exit status once stopped: 130 for Ctrl-C, 143 for SIGTERM.
    status: AtomicUsize,
    open: AtomicUsize,
    /// Notified when stopping starts and whenever a connection closes.
    changed: Event,
    addr: OnceLock<SocketAddr>,
    /// The façade's backends, and how long to wait for each.
    backends: Vec<SocketAddr>,
    ask_timeout: Duration,
    last_accept_error: Mutex<Option<Instant>>,
    /// The pause after `accept` failed, reset by each connection accepted.
    accept_backoff: Mutex<Backoff>,
}

impl Server {
    /// Parses the command line of a TCP server, builds the index (and says
    /// how long that took), and makes Ctrl-C stop the server.
    pub fn start(variant: &'static str) -> &'static Server {
        let args: TcpArgs = labs::parse_args();
        Server::new(variant, args.listen, args.idle, true)
    }

    /// The same for the web server.
    pub fn web() -> &'static Server {
        let args: crate::WebArgs = labs::parse_args();
        Server::new("web", args.listen, args.idle, true)
    }

    /// The same for a façade, which needs no index: it asks its backends.
    pub fn facade(variant: &'static str) -> &'static Server {
        let args: crate::FacadeArgs = labs::parse_args();
        let server = Server {
            backends: args.backends,
            ask_timeout: args.timeout,
            ..Server::new_unleaked(variant, args.listen, args.idle, false)
        };
        server.leak()
    }

    fn new(
        variant: &'static str,
        listen: Listen,
        idle: Duration,
        with_index: bool,
    ) -> &'static Server {
        Server::new_unleaked(variant, listen, idle, with_index).leak()
    }

    /// Every connection borrows the server for as long as the process runs.
    fn leak(self) -> &'static Server {
        let server: &'static Server = Box::leak(Box::new(self));
        server.stop_on_signals();
        server
    }

    fn new_unleaked(
        variant: &'static str,
        listen: Listen,
        idle: Duration,
        with_index: bool,
    ) -> Server {
        let index = with_index.then(Index::global);
        if let Some(index) = index {
            println!("{}", index.summary());
        }
        Server {
            variant,
            listen,
            idle,
            index,
            stopping: AtomicBool::new(false),
            status: AtomicUsize::new(130),
            open: AtomicUsize::new(0),
            changed: Event::new(),
            addr: OnceLock::new(),
            backends: Vec::new(),
            ask_timeout: Duration::ZERO,
            last_accept_error: Mutex::new(None),
            accept_backoff: Mutex::new(Backoff::new()),
        }
    }

    /// The address to listen on, from `--bind` and `--port`.
    pub fn addr(&self) -> SocketAddr {
        let default = match self.variant {
            "web" => 8080,
            "facade" | "facade-solution" => 8081,
            _ => 2323,
        };
        SocketAddr::new(self.listen.bind, self.listen.port.unwrap_or(default))
    }

    /// The index (not built for the façade, which asks other servers).
    pub fn index(&self) -> &'static Index {
        self.index.unwrap_or_else(Index::global)
    }

    /// How long a connection may stay silent, or not read its answer.
    pub fn idle(&self) -> Duration {
        self.idle
    }

    /// The façade's backends (`--backend`).
    pub fn backends(&self) -> &[SocketAddr] {
        &self.backends
    }

    /// How long the façade waits for each backend (`--timeout`).
    pub fn timeout(&self) -> Duration {
        self.ask_timeout
    }

    /// How long to wait for open connections after Ctrl-C.
    pub fn grace(&self) -> Duration {
        self.listen.grace
    }

    /// Binding failed: one line on stderr and exit status 1.
    pub fn cannot_listen(&self, err: io::Error) -> ! {
        let addr = self.addr();
        match err.kind() {
            ErrorKind::AddrInUse => labs::cli::fail(
                1,
                format!(
                    "port {} is already in use (try another --port)",
                    addr.port()
                ),
            ),
            _ => labs::cli::fail(1, format!("cannot listen on {addr}: {err}")),
        }
    }

    /// Prints the banner with the address really bound (`--port 0` picks one).
    pub fn listening(&self, addr: io::Result<SocketAddr>) {
        let addr = addr.unwrap_or_else(|err| self.cannot_listen(err));
        let _ = self.addr.set(addr);
        let name = format!("charfinder-{}", self.variant);
        let port = addr.port();
        if self.variant == "web" || self.variant.starts_with("facade") {
            println!("{name} serving on http://{addr}/ (Ctrl-C to stop)");
        } else {
            let host = if addr.ip().is_unspecified() {
                "127.0.0.1".to_string()
            } else {
                addr.ip().to_string()
            };
            println!("{name} serving on {addr}: try `nc {host} {port}` (Ctrl-C to stop)");
        }
    }

    /// What a connection is told first.
    pub fn greeting(&self) -> Vec<u8> {
        format!(
            "charfinder-{}: find Unicode characters by the words of their names.\n\
             Type words (like: cat face) and Enter; an empty line quits.\n{PROMPT}",
            self.variant
        )
        .into_bytes()
    }

    /// A new connection's side of the protocol.
    pub fn session(&self) -> Session {
        Server::session_of(self.index())
    }

    fn session_of(index: &'static Index) -> Session {
        Session {
            index,
            line: Vec::new(),
            skipped: None,
        }
    }

    /// `accept` failed: how long to pause before accepting again. A
    /// connection given up before it was accepted is nothing: no pause.
    /// Anything else (out of file descriptors, most often) fails again at
    /// once until something changes, so retrying at once would spin at
    /// 100 % CPU: the pause grows from 10 ms to 1 s while the failures go
    /// on, and the first failure of a run of them is said on stderr, once.
    /// The next connection accepted ([`Server::opened`]) starts over.
    pub fn cannot_accept(&self, err: io::Error) -> Duration {
        if matches!(
            err.kind(),
            ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::Interrupted
        ) {
            return Duration::ZERO;
        }
        let (pause, first) = self
            .accept_backoff
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .failed();
        if first {
            eprintln!(
                "cannot accept connections: {err}, with {} open; pausing up to {} s between \
                 tries (out of file descriptors? `ulimit -n` raises the limit)",
                self.open(),
                Backoff::LONGEST.as_secs()
            );
        }
        pause
    }

    /// Starting a connection failed (no more threads): said on stderr at
    /// most once a second, and the server goes on.
    pub fn report(&self, err: io::Error) {
        let mut last = self
            .last_accept_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if last.is_none_or(|at| at.elapsed() > Duration::from_secs(1)) {
            eprintln!("cannot serve a connection: {err} (still serving)");
            *last = Some(Instant::now());
        }
    }

    /// Counts a new connection as open until the returned guard is dropped.
    pub fn opened(&'static self, peer: SocketAddr) -> Connection {
        self.accept_backoff
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .succeeded();
        labs::timeline::event("opened");
        let open = self.open.fetch_add(1, Ordering::SeqCst) + 1;
        if self.listen.verbose {
            eprintln!("{peer} connected ({open} open)");
        }
        Connection { server: self, peer }
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }

    /// Whether Ctrl-C was pressed.
    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Completes when Ctrl-C is pressed: a future any runtime can await.
    pub async fn stopped(&self) {
        self.until(Self::is_stopping).await;
    }

    /// Completes when no connection is open any more.
    pub async fn all_closed(&self) {
        self.until(|server| server.open() == 0).await;
    }

    /// Blocks the calling thread until no connection is open, or `timeout`
    /// has passed. Returns whether all closed.
    pub fn wait_all_closed(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.open() == 0 {
                return true;
            }
            let listener = self.changed.listen();
            if self.open() == 0 {
                return true;
            }
            if listener.wait_deadline(deadline).is_none() {
                return self.open() == 0;
            }
        }
    }

    async fn until(&self, done: impl Fn(&Server) -> bool) {
        loop {
            if done(self) {
                return;
            }
            let listener = self.changed.listen();
            // Checked again: the change may have come before we listened.
            if done(self) {
                return;
            }
            listener.await;
        }
    }

    /// Says how the stop went and exits: 130 after Ctrl-C (128 + SIGINT).
    pub fn exit(&self) -> ! {
        match self.open() {
            0 => eprintln!("Stopped."),
            open => eprintln!(
                "Stopped: closing {open} connection{} still open after {} s.",
                if open == 1 { "" } else { "s" },
                self.grace().as_secs_f64()
            ),
        }
        std::process::exit(self.status.load(Ordering::SeqCst) as i32)
    }

    /// Ctrl-C (or SIGTERM, SIGHUP, Ctrl-\\; a console event on Windows)
    /// stops the server: `stopping` is set, every waiter is woken, and a
    /// blocking `accept` is unblocked by connecting once. A second request
    /// exits at once.
    fn stop_on_signals(&'static self) {
        static SERVER: OnceLock<&'static Server> = OnceLock::new();
        fn stop(status: i32) {
            if let Some(server) = SERVER.get() {
                server.stop(status);
            }
        }
        if SERVER.set(self).is_ok() && !labs::platform::on_stop_request(stop) {
            eprintln!("warning: Ctrl-C will stop this server at once, without a grace period");
        }
    }

    fn stop(&self, status: i32) {
        // Called on one thread, one request after another.
        if self.is_stopping() {
            eprintln!("Stopped at once (asked again).");
            std::process::exit(status);
        }
        self.status.store(status as usize, Ordering::SeqCst);
        self.stopping.store(true, Ordering::SeqCst);
        eprintln!(
            "Stopping: no new connections; {} open, waiting up to {} s for them.",
            self.open(),
            self.grace().as_secs_f64()
        );
        self.changed.notify(usize::MAX);
        if let Some(addr) = self.addr.get() {
            let ip = match addr.ip() {
                IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
                ip => ip,
            };
            let wake = SocketAddr::new(ip, addr.port());
            let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        }
    }
}

/// One open connection, counted until dropped; `-v` logs it.
pub struct Connection {
    server: &'static Server,
    peer: SocketAddr,
}

impl Connection {
    /// The connection is over: `-v` says how it ended.
    pub fn closed(self, result: io::Result<()>) {
        if self.server.listen.verbose {
            let how = match &result {
                Ok(()) => "closed".to_string(),
                Err(err) if matches!(err.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {
                    format!("closed: idle for {} s", self.server.idle.as_secs_f64())
                }
                Err(err) => format!("closed: {err}"),
            };
            let open = self.server.open() - 1;
            eprintln!("{} {how} ({open} open)", self.peer);
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        labs::timeline::event("closed");
        self.server.open.fetch_sub(1, Ordering::SeqCst);
        self.server.changed.notify(usize::MAX);
    }
}

/// For a runtime without a `timeout` function: `read.or(timed_out(timer))`
/// races the I/O against a timer and fails with `TimedOut` if it fires first.
pub async fn timed_out<T>(timer: impl Future) -> io::Result<T> {
    timer.await;
    Err(ErrorKind::TimedOut.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(reply: Reply) -> (bool, String) {
        let last = reply.is_last();
        (last, String::from_utf8(reply.text().to_vec()).unwrap())
    }

    #[test]
    fn a_query_gets_its_matches_a_count_and_the_prompt() {
        let (last, answer) = text(reply(Index::global(), b"cat face with\r\n"));
        assert!(!last);
        assert!(answer.contains("U+1F638\t😸\tGRINNING CAT FACE WITH SMILING EYES\n"));
        assert!(answer.ends_with(" matches\n?> "), "{answer}");
        let (_, one) = text(reply(Index::global(), b"grinning cat smiling eyes\n"));
        assert_eq!(
            one,
            "U+1F638\t😸\tGRINNING CAT FACE WITH SMILING EYES\n1 match\n?> "
        );
    }

    #[test]
    fn a_big_answer_is_a_page_that_says_how_to_get_more() {
        let (_, answer) = text(reply(Index::global(), b"cjk\n"));
        assert!(answer.len() < 8 * 1024, "{} bytes", answer.len());
        let mut lines = answer.lines();
        assert_eq!(lines.next(), Some("U+2E80\t⺀\tCJK RADICAL REPEAT"));
        let count = answer.lines().nth(PAGE_SIZE).unwrap();
        assert!(count.starts_with("matches 1 to 100 of "), "{count}");
        assert!(count.ends_with("; more: cjk +100"), "{count}");
        let (_, next) = text(reply(Index::global(), b"cjk +100\n"));
        let count = next.lines().nth(PAGE_SIZE).unwrap();
        assert!(count.starts_with("matches 101 to 200 of "), "{count}");
        let (_, spaced) = text(reply(Index::global(), b"cjk \t radical\x0b+5\n"));
        assert!(
            spaced.ends_with("; more: cjk radical +105\n?> "),
            "{spaced}"
        );
        let (_, past) = text(reply(Index::global(), b"snowman +3\n"));
        assert_eq!(past, "no matches past 3: 3 in all\n?> ");
    }

    #[test]
    fn empty_lines_end_of_input_and_long_lines_close() {
        let index = Index::global();
        assert_eq!(text(reply(index, b"\n")), (true, "Bye.\n".into()));
        assert_eq!(text(reply(index, b" \r\n")), (true, "Bye.\n".into()));
        assert_eq!(text(reply(index, b"")), (true, String::new()));
        let long = vec![b'a'; LINE_LIMIT as usize];
        let (last, refusal) = text(reply(index, &long));
        assert!(last && refusal.starts_with("error: a line longer than 1024 bytes"));
        // The last line before the end of input may lack its newline.
        assert!(text(reply(index, b"snowman")).1.contains("SNOWMAN"));
    }

    fn feed(session: &mut Session, bytes: &[u8]) -> (bool, String) {
        session.line().extend_from_slice(bytes);
        text(session.reply())
    }

    #[test]
    fn a_long_line_is_read_to_its_end_then_refused() {
        let chunk = vec![b'a'; LINE_LIMIT as usize];
        let mut session = Server::session_of(Index::global());
        assert_eq!(feed(&mut session, &chunk), (false, String::new()));
        assert_eq!(feed(&mut session, &chunk), (false, String::new()));
        let (last, refusal) = feed(&mut session, b"aaa\n");
        assert!(last && refusal.starts_with("error: a line longer than 1024 bytes"));
        // ... or to the end of the input.
        let mut session = Server::session_of(Index::global());
        assert_eq!(feed(&mut session, &chunk), (false, String::new()));
        assert!(feed(&mut session, b"").0);
        // A short line is answered as usual.
        assert!(
            feed(&mut Server::session_of(Index::global()), b"snowman\n")
                .1
                .contains("SNOWMAN")
        );
    }

    #[test]
    fn invalid_utf8_is_answered_and_the_connection_goes_on() {
        let (last, answer) = text(reply(Index::global(), b"caf\xe9\n"));
        assert!(!last);
        assert!(
            answer.starts_with("error: that line is not UTF-8"),
            "{answer}"
        );
    }
}
