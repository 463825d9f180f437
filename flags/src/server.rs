//! The flag server: real HTTP on loopback, started in process on its own
//! thread with its own tokio runtime, so it runs beside a client on any
//! runtime (or none). `flags-server` is a thin binary over [`FlagServer`].
//!
//! ```text
//! GET /flags/{cc}/{cc}.gif        the flag (cc lower case)
//! GET /flags/{cc}/metadata.json   {"country": "<name>", "cc": "<CC>"}
//! anything else                   404 Not Found
//! ```
//!
//! Every request first waits for the configured delay, then (with the
//! configured probability) answers 418 I'm a teapot instead, or (with another
//! probability) sends only the first half of the body although its
//! Content-Length promises all of it, then closes the connection: a body cut
//! off mid-way, as a dropped network connection would leave it.

use std::convert::Infallible;
use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::Duration;

use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use hyper::header::{ALLOW, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::oneshot;

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
    /// Probability of cutting a good answer's body off mid-way.
    pub cut_rate: f64,
    /// Makes delays and errors reproducible: the same seed gives the same
    /// outcomes for the same sequence of requests.
    pub seed: Option<u64>,
    /// One line on stderr per request.
    pub verbose: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            delay: Delay::default(),
            error_rate: 0.0,
            cut_rate: 0.0,
            seed: None,
            verbose: false,
        }
    }
}

/// Requests being answered now, the most seen at once, and the total.
#[derive(Debug, Default)]
struct Stats {
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    requests: AtomicUsize,
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
    rng: Mutex<fastrand::Rng>,
    stats: Stats,
}

/// What happens to a request, beyond its delay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    Answer,
    Teapot,
    Cut,
}

impl Shared {
    /// The delay and the fate of the next request, drawn in arrival order
    /// (always the same number of draws, so that one option does not shift
    /// the outcomes of another).
    fn draw(&self) -> (Duration, Fate) {
        let mut rng = self.rng.lock().unwrap_or_else(PoisonError::into_inner);
        let Delay { min, max } = self.config.delay;
        let delay = min + (max - min).mul_f64(rng.f64());
        let (teapot, cut) = (rng.f64(), rng.f64());
        let fate = if teapot < self.config.error_rate {
            Fate::Teapot
        } else if cut < self.config.cut_rate {
            Fate::Cut
        } else {
            Fate::Answer
        };
        (delay, fate)
    }
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
            // Restarting right after a stop must not wait for TIME_WAIT; on
            // Unix this still refuses a port another server listens on.
            #[cfg(unix)]
            socket.set_reuseaddr(true)?;
            socket.bind(addr)?;
            socket.listen(BACKLOG)?
        };
        let addr = listener.local_addr()?;
        let rng = match config.seed {
            Some(seed) => fastrand::Rng::with_seed(seed),
            None => fastrand::Rng::new(),
        };
        let shared = Arc::new(Shared {
            config,
            rng: Mutex::new(rng),
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
    loop {
        let stream = tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                Err(err) => {
                    // Out of file descriptors, a connection reset before it
                    // was accepted...: say so and go on serving.
                    eprintln!("flag server: accept failed: {err}");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let service = service_fn(|request| handle(Arc::clone(&shared), request));
            // A client that hangs up early is its own business.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Answer>, Infallible> {
    let _in_flight = InFlight::enter(&shared.stats);
    let (delay, fate) = shared.draw();
    tokio::time::sleep(delay).await;
    let mut response = if fate == Fate::Teapot {
        plain(StatusCode::IM_A_TEAPOT, "I'm a teapot\n")
    } else {
        route(request.method(), request.uri().path())
    };
    if fate == Fate::Cut && response.status() == StatusCode::OK {
        response = cut_short(response);
    }
    if shared.config.verbose {
        eprintln!(
            "{} {} -> {} ({:.2}s)",
            request.method(),
            request.uri().path(),
            response.status(),
            delay.as_secs_f64()
        );
    }
    Ok(response)
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
    if method != Method::GET {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET\n");
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET"));
        return response;
    }
    let upper = cc.to_uppercase();
    match file {
        "metadata.json" => {
            let country = country_name(&upper).unwrap_or(&upper);
            let json = format!(
                r#"{{"country": {}, "cc": "{upper}"}}"#,
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
