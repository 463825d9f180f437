//! The flag server: real HTTP on loopback, started in process on its own
//! thread with its own tokio runtime, so it runs beside a client on any
//! runtime (or none). `flags-server` is a thin binary over [`FlagServer`].
//!
//! ```text
//! GET /flags/{cc}/{cc}.gif        the flag (cc lower case)
//! GET /flags/{cc}/metadata.json   {"country": "<name>", "iso_cc": "<CC>", "tld_cc": ".<cc>"}
//! HEAD of either                  the same head, no body, at once
//! anything else                   404 Not Found
//! ```
//!
//! As RFC 9112 asks, a request says which host it is for: an HTTP/1.1
//! request without a `Host` header, any request with two, or with one that
//! is not a host (and port), is answered 400 Bad Request; a request for an
//! absolute URI (`GET http://host:port/flags/...`) is for the host that URI
//! names, and one naming another host is answered 421 Misdirected Request
//! (see [`is_this_server`]).
//!
//! Every GET first waits for the configured delay, then meets its fate: with
//! the configured probabilities it answers 418 I'm a teapot, or the
//! connection is reset before any answer, or it stalls (no answer at all, so
//! that the client's timeout fires), or the body is cut off mid-way (the
//! Content-Length promises all of it, half is sent, then the connection
//! closes). The delay and the fate of a request depend only on the seed and
//! the request's path, never on the order requests arrive in: with a seed,
//! `/flags/br/br.gif` meets the same fate in every run and every client.
//!
//! The server closes a connection that sends no request head within the
//! header timeout (hyper's header-read timeout starts as soon as it waits for
//! a head, so it is also the idle keep-alive timeout), holds at most
//! `max_connections` at once (more wait in the listen backlog), and when
//! accepting fails (out of file descriptors) it backs off and says so once.

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::Duration;

use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use hyper::header::{ALLOW, CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderValue};
use hyper::http::uri::Authority;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode, Version};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{Semaphore, oneshot};

use crate::art::flag_gif;
use crate::countries::{country_name, is_known};

/// How many connections may wait to be accepted. Python's `http.server` used
/// 5, which made a burst of 194 concurrent requests lose some; 1024 lets a
/// thousand clients connect at once.
const BACKLOG: u32 = 1024;

/// A delay per request: fixed (`0.5`) or uniform in a range (`0.1..0.9`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delay {
    pub min: Duration,
    pub max: Duration,
}

impl Delay {
    pub const fn fixed(delay: Duration) -> Self {
        Delay {
            min: delay,
            max: delay,
        }
    }
}

impl Delay {
    /// The longest delay the server accepts: a minute is already a stall.
    pub const MAX: Duration = Duration::from_secs(60);
}

impl FromStr for Delay {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let seconds = crate::seconds_within(0.0, Delay::MAX.as_secs_f64());
        match text.split_once("..") {
            None => seconds(text).map(Delay::fixed),
            Some((min, max)) => {
                let (min, max) = (seconds(min)?, seconds(max)?);
                if min > max {
                    return Err("in MIN..MAX, MIN must not be more than MAX".to_string());
                }
                Ok(Delay { min, max })
            }
        }
    }
}

impl fmt::Display for Delay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.min == self.max {
            write!(f, "{}s", self.min.as_secs_f64())
        } else {
            write!(
                f,
                "{}s..{}s",
                self.min.as_secs_f64(),
                self.max.as_secs_f64()
            )
        }
    }
}

/// A clap value parser for an error rate: a probability from 0 to 1.
pub fn probability(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err("expected a probability from 0 to 1, like 0.25".to_string()),
    }
}

/// How to run a flag server. The default is what tests want: loopback, an
/// ephemeral port, no delay, no errors.
#[derive(Clone, Debug)]
pub struct Config {
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub delay: Delay,
    /// Probability of answering 418 I'm a teapot instead.
    pub error_rate: f64,
    /// Probability of resetting the connection instead of answering.
    pub reset_rate: f64,
    /// Probability of never answering (until the client gives up).
    pub stall_rate: f64,
    /// Probability of cutting a good answer's body off mid-way.
    pub cut_rate: f64,
    /// Makes delays and fates reproducible: with the same seed, a path
    /// meets the same delay and fate, whatever the order of requests.
    pub seed: Option<u64>,
    /// One line on stderr per request.
    pub verbose: bool,
    /// Time allowed to send a request's head, and to stay idle between requests.
    pub header_timeout: Duration,
    /// Connections served at once; more wait to be accepted.
    pub max_connections: usize,
}

impl Config {
    /// The longest stall: a client's timeout fires long before.
    pub const STALL: Duration = Duration::from_secs(60);
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            delay: Delay::default(),
            error_rate: 0.0,
            reset_rate: 0.0,
            stall_rate: 0.0,
            cut_rate: 0.0,
            seed: None,
            verbose: false,
            header_timeout: Duration::from_secs(10),
            max_connections: 10_000,
        }
    }
}

/// Requests being answered now, the most seen at once, the total, and the
/// connections open now.
#[derive(Debug, Default)]
struct Stats {
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    requests: AtomicUsize,
    connections: AtomicUsize,
    faults: AtomicUsize,
}

/// Counts a request as in flight for as long as it lives.
struct InFlight<'a>(&'a Stats);

impl<'a> InFlight<'a> {
    fn enter(stats: &'a Stats) -> Self {
        stats.requests.fetch_add(1, Ordering::SeqCst);
        let now = stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        stats.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(stats)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

struct Shared {
    config: Config,
    /// The seed every draw starts from (random when none is configured).
    seed: u64,
    stats: Stats,
}

/// What happens to a GET, beyond its delay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    Answer,
    Teapot,
    Reset,
    Stall,
    Cut,
}

impl Shared {
    /// The delay and the fate of a GET for `path`: drawn from the seed and
    /// the path alone, so that they do not depend on the order of requests.
    /// Each fate has its own draw, so one rate does not shift another's.
    fn draw(&self, path: &str) -> (Duration, Fate) {
        let mut rng = fastrand::Rng::with_seed(self.seed ^ fnv1a(path.as_bytes()));
        let config = &self.config;
        let Delay { min, max } = config.delay;
        let delay = min + (max - min).mul_f64(rng.f64());
        let fates = [
            (config.error_rate, Fate::Teapot),
            (config.reset_rate, Fate::Reset),
            (config.stall_rate, Fate::Stall),
            (config.cut_rate, Fate::Cut),
        ];
        let draws: Vec<f64> = fates.iter().map(|_| rng.f64()).collect();
        let fate = fates
            .iter()
            .zip(draws)
            .find(|((rate, _), draw)| *draw < *rate)
            .map_or(Fate::Answer, |((_, fate), _)| *fate);
        (delay, fate)
    }
}

/// FNV-1a, 64 bits: a fixed, portable hash (the same on every machine and
/// compiler, unlike `std`'s hasher).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A running flag server. Dropping it stops it.
pub struct FlagServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FlagServer {
    /// Binds the port now (so "port in use" is reported here, as an
    /// `io::ErrorKind::AddrInUse` error) and serves on a new thread.
    pub fn start(config: Config) -> io::Result<FlagServer> {
        // One thread serves every connection: the server is async too.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let addr = SocketAddr::new(config.bind, config.port);
        let listener = {
            let _context = runtime.enter();
            let socket = match addr {
                SocketAddr::V4(_) => TcpSocket::new_v4()?,
                SocketAddr::V6(_) => TcpSocket::new_v6()?,
            };
            // Restarting right after a stop must not wait for TIME_WAIT.
            socket.set_reuseaddr(labs::platform::REUSE_ADDRESS)?;
            socket.bind(addr)?;
            socket.listen(BACKLOG)?
        };
        let addr = listener.local_addr()?;
        let seed = config.seed.unwrap_or_else(|| fastrand::u64(..));
        let shared = Arc::new(Shared {
            config,
            seed,
            stats: Stats::default(),
        });
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("flag-server".into())
            .spawn({
                let shared = Arc::clone(&shared);
                move || {
                    runtime.block_on(serve(listener, shared, stopped));
                    runtime.shutdown_background();
                }
            })?;
        Ok(FlagServer {
            addr,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL clients use: `http://127.0.0.1:PORT/flags` (loopback
    /// when the server listens on every interface).
    pub fn url(&self) -> String {
        let ip = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}/flags", SocketAddr::new(ip, self.addr.port()))
    }

    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// Requests being answered right now.
    pub fn in_flight(&self) -> usize {
        self.shared.stats.in_flight.load(Ordering::SeqCst)
    }

    /// The most requests that were ever in flight at once: 1 for a
    /// sequential client, 20 for a concurrent one fetching 20 flags.
    pub fn max_in_flight(&self) -> usize {
        self.shared.stats.max_in_flight.load(Ordering::SeqCst)
    }

    /// Requests received so far.
    pub fn requests(&self) -> usize {
        self.shared.stats.requests.load(Ordering::SeqCst)
    }

    /// Requests that were reset, stalled or cut short so far.
    pub fn faults(&self) -> usize {
        self.shared.stats.faults.load(Ordering::SeqCst)
    }

    /// Connections open right now.
    pub fn connections(&self) -> usize {
        self.shared.stats.connections.load(Ordering::SeqCst)
    }

    /// Serves until the process ends.
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for FlagServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn serve(listener: TcpListener, shared: Arc<Shared>, mut stopped: oneshot::Receiver<()>) {
    let slots = Arc::new(Semaphore::new(shared.config.max_connections.max(1)));
    // When accepting last failed and was reported: said at most once a minute.
    let mut said: Option<tokio::time::Instant> = None;
    loop {
        // At most `max_connections` at once: wait for a free slot first.
        let slot = tokio::select! {
            _ = &mut stopped => return,
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => return,
            },
        };
        let stream = tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                // A connection given up before it was accepted: nothing to do.
                Err(err) if matches!(
                    err.kind(),
                    io::ErrorKind::ConnectionAborted
                        | io::ErrorKind::ConnectionReset
                        | io::ErrorKind::Interrupted
                ) => continue,
                Err(err) => {
                    // Out of file descriptors, most likely: retrying at once
                    // would spin. Say so once (again after a minute at the
                    // earliest), and retry every 100 ms.
                    if said.is_none_or(|said| said.elapsed() > Duration::from_secs(60)) {
                        eprintln!(
                            "flag server: cannot accept connections ({err}) with {} open; \
                             retrying every 100 ms (out of file descriptors? raise `ulimit -n`)",
                            shared.stats.connections.load(Ordering::SeqCst)
                        );
                        said = Some(tokio::time::Instant::now());
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        // The address this connection came to: requests on it are for that one.
        let Ok(arrived_on) = stream.local_addr() else {
            continue;
        };
        shared.stats.connections.fetch_add(1, Ordering::SeqCst);
        let shared = Arc::clone(&shared);
        // With `--timeline`, each connection's polls are drawn as `serve`.
        tokio::spawn(labs::watch!("serve", async move {
            let _slot = slot;
            let connection = Connection::new(stream);
            let reset = Arc::clone(&connection.reset);
            let service = service_fn(|request| {
                handle(Arc::clone(&shared), Arc::clone(&reset), arrived_on, request)
            });
            // A client that hangs up early is its own business.
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(shared.config.header_timeout)
                .serve_connection(connection, service)
                .await;
            shared.stats.connections.fetch_sub(1, Ordering::SeqCst);
        }));
    }
}

async fn handle(
    shared: Arc<Shared>,
    reset: Arc<AtomicBool>,
    arrived_on: SocketAddr,
    request: Request<Incoming>,
) -> Result<Response<Answer>, io::Error> {
    let _in_flight = InFlight::enter(&shared.stats);
    labs::timeline::event("request");
    let path = request.uri().path();
    let refused = refusal(&request, arrived_on);
    // The delay and the chaos apply to GET, as in the original, and not to
    // a request that is refused.
    let (delay, fate) = match *request.method() {
        Method::GET if refused.is_none() => shared.draw(path),
        _ => (Duration::ZERO, Fate::Answer),
    };
    tokio::time::sleep(delay).await;
    let log = |outcome: &dyn fmt::Display| {
        if shared.config.verbose {
            eprintln!(
                "{} {path} -> {outcome} ({:.2}s)",
                request.method(),
                delay.as_secs_f64()
            );
        }
    };
    let mut response = match fate {
        Fate::Teapot => plain(StatusCode::IM_A_TEAPOT, "I'm a teapot\n"),
        Fate::Reset => {
            shared.stats.faults.fetch_add(1, Ordering::SeqCst);
            log(&"connection reset");
            // Dropping the connection with SO_LINGER 0 sends a TCP reset.
            reset.store(true, Ordering::SeqCst);
            return Err(io::Error::other("connection reset on purpose"));
        }
        Fate::Stall => {
            shared.stats.faults.fetch_add(1, Ordering::SeqCst);
            log(&"stalled");
            tokio::time::sleep(Config::STALL).await;
            return Err(io::Error::other("stalled on purpose"));
        }
        Fate::Answer | Fate::Cut => refused.unwrap_or_else(|| route(request.method(), path)),
    };
    if fate == Fate::Cut && response.status() == StatusCode::OK {
        shared.stats.faults.fetch_add(1, Ordering::SeqCst);
        response = cut_short(response);
        log(&format_args!("{} cut short", response.status()));
    } else {
        log(&response.status());
    }
    Ok(response)
}

/// A served connection: tokio's socket in hyper's I/O traits, and a flag
/// that makes dropping it reset the connection instead of closing it.
struct Connection {
    io: TokioIo<TcpStream>,
    reset: Arc<AtomicBool>,
}

impl Connection {
    fn new(stream: TcpStream) -> Self {
        Connection {
            io: TokioIo::new(stream),
            reset: Arc::new(AtomicBool::new(false)),
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        if self.reset.load(Ordering::SeqCst) {
            // SO_LINGER 0: closing sends RST. (Deprecated in tokio because a
            // non-zero linger blocks the thread on close; zero does not.)
            #[allow(deprecated)]
            let _ = self.io.inner().set_linger(Some(Duration::ZERO));
        }
    }
}

impl hyper::rt::Read for Connection {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for Connection {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

/// The answer to a request that does not say which host it is for as RFC
/// 9112 asks (§3.2): 400 Bad Request to an HTTP/1.1 request without `Host`
/// (HTTP/1.0 came before `Host`, and may leave it out), and to any request
/// with more than one, or with one that is not `host[:port]`. And to a
/// request for an absolute URI that names another server (§3.2.2: the URI's
/// host counts, not `Host`), 421 Misdirected Request (RFC 9110 §15.5.20).
fn refusal(request: &Request<Incoming>, arrived_on: SocketAddr) -> Option<Response<Answer>> {
    let mut hosts = request.headers().get_all(HOST).iter();
    let (host, another) = (hosts.next(), hosts.next());
    let bad_host = match host {
        None => request.version() >= Version::HTTP_11,
        Some(host) => another.is_some() || !is_host_and_port(host.as_bytes()),
    };
    if bad_host {
        return Some(plain(
            StatusCode::BAD_REQUEST,
            "a request needs one Host header: host[:port]\n",
        ));
    }
    let uri = request.uri();
    let authority = uri.authority()?;
    if authority.as_str().contains('@') {
        return Some(plain(StatusCode::BAD_REQUEST, "no user name in a URL\n"));
    }
    let is_http = uri
        .scheme_str()
        .is_some_and(|s| s.eq_ignore_ascii_case("http"));
    if is_http && is_this_server(authority, arrived_on) {
        return None;
    }
    Some(plain(
        StatusCode::MISDIRECTED_REQUEST,
        "this server does not answer for that host\n",
    ))
}

/// A `Host` header's value: a host, and maybe a port (no user name, path...).
fn is_host_and_port(value: &[u8]) -> bool {
    !value.contains(&b'@') && Authority::try_from(value).is_ok()
}

/// Whether the authority of an absolute URI (`host[:port]`; port 80 if none)
/// names this server. The server answers for the address and port the
/// connection came to (with `--bind 0.0.0.0`, each of the machine's
/// addresses, as the room reaches it) and, on a loopback connection, for
/// `localhost` and every loopback address (`127.0.0.1`, `[::1]`). Any other
/// name is another host, even one that leads here: a server cannot know
/// every name DNS gives it, and an absolute URI naming another host is what
/// a client sends to a proxy, which this server is not. (Requests in the
/// usual form, `GET /flags/... ` with `Host`, are served whatever host they
/// name: the name led the client here.)
fn is_this_server(authority: &Authority, arrived_on: SocketAddr) -> bool {
    let port = match authority.port_u16() {
        Some(port) => port,
        // No port at all, or one that is not a port number.
        None if authority.as_str() == authority.host() => 80,
        None => return false,
    };
    let here = arrived_on.ip().to_canonical();
    let host = authority.host();
    let is_here = if host.eq_ignore_ascii_case("localhost") {
        here.is_loopback()
    } else {
        match host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            Ok(ip) => ip.to_canonical() == here || ip.is_loopback() && here.is_loopback(),
            Err(_) => false,
        }
    };
    is_here && port == arrived_on.port()
}

fn route(method: &Method, path: &str) -> Response<Answer> {
    let Some((cc, file)) = path
        .strip_prefix("/flags/")
        .and_then(|rest| rest.split_once('/'))
        .filter(|(cc, _)| cc.len() == 2 && cc.bytes().all(|b| b.is_ascii_lowercase()))
        .filter(|(cc, _)| is_known(&cc.to_uppercase()))
    else {
        return plain(StatusCode::NOT_FOUND, "not found\n");
    };
    if method != Method::GET && method != Method::HEAD {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let upper = cc.to_uppercase();
    match file {
        "metadata.json" => {
            let country = country_name(&upper).unwrap_or(&upper);
            // The country's internet domain: its code, except the UK's.
            let tld = if cc == "gb" { "uk" } else { cc };
            let json = format!(
                r#"{{"country": {}, "iso_cc": "{upper}", "tld_cc": ".{tld}"}}"#,
                serde_json::Value::from(country)
            );
            body(StatusCode::OK, "application/json", json.into())
        }
        _ if file.strip_suffix(".gif") == Some(cc) => match flag_gif(cc) {
            Some(gif) => body(StatusCode::OK, "image/gif", Bytes::from_static(gif)),
            None => plain(StatusCode::NOT_FOUND, "not found\n"),
        },
        _ => plain(StatusCode::NOT_FOUND, "not found\n"),
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response<Answer> {
    body(
        status,
        "text/plain; charset=utf-8",
        Bytes::from_static(text.as_bytes()),
    )
}

fn body(status: StatusCode, content_type: &'static str, bytes: Bytes) -> Response<Answer> {
    let mut response = Response::new(Answer::Whole(Some(bytes)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// The same answer with its body cut off after the first half, although its
/// Content-Length still announces all of it.
fn cut_short(response: Response<Answer>) -> Response<Answer> {
    let (mut parts, body) = response.into_parts();
    let Answer::Whole(Some(bytes)) = body else {
        return Response::from_parts(parts, body);
    };
    parts
        .headers
        .insert(CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let half = bytes.slice(..bytes.len() / 2);
    // The pause lets hyper send the head and the half before the error
    // closes the connection (an error at once would close it unsent).
    let pause = Box::pin(tokio::time::sleep(Duration::from_millis(20)));
    Response::from_parts(parts, Answer::Cut(Some(half), pause))
}

/// A response body: all of it in one frame, or the first part of it, a
/// pause, then an error, which makes hyper close the connection mid-body.
pub(crate) enum Answer {
    Whole(Option<Bytes>),
    Cut(Option<Bytes>, Pin<Box<tokio::time::Sleep>>),
}

impl Body for Answer {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            Answer::Whole(bytes) => Poll::Ready(bytes.take().map(|bytes| Ok(Frame::data(bytes)))),
            Answer::Cut(half, pause) => match half.take() {
                Some(bytes) => Poll::Ready(Some(Ok(Frame::data(bytes)))),
                None => pause
                    .as_mut()
                    .poll(cx)
                    .map(|()| Some(Err(io::Error::other("body cut short on purpose")))),
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Answer::Whole(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Answer::Whole(bytes) => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            Answer::Cut(..) => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_parse_as_seconds_or_ranges() {
        assert_eq!("0.5".parse(), Ok(Delay::fixed(Duration::from_millis(500))));
        assert_eq!(
            "0.1..2".parse(),
            Ok(Delay {
                min: Duration::from_millis(100),
                max: Duration::from_secs(2)
            })
        );
        for bad in ["", "x", "-1", "2..1", "1..", "..1", "1..2..3"] {
            assert!(bad.parse::<Delay>().is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn probabilities_are_between_0_and_1() {
        assert_eq!(probability("0.25"), Ok(0.25));
        for bad in ["-0.1", "1.5", "x", "NaN"] {
            assert!(probability(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
