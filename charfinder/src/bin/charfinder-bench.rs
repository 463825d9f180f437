//! The charfinder benchmark: every TCP server, started as its own process,
//! measured from this one in a single run.
//!
//!     cargo run --release --bin charfinder-bench
//!
//! 1. Queries per second with 1, 100 and 1000 clients at once, each client
//!    asking `cat face` (10 matches) again and again on its own connection.
//! 2. Memory per idle connection: the server's resident memory before and
//!    after 10 000 clients connect, read the greeting, and say nothing.
//!    Read from /proc (Linux only; elsewhere the column says n/a).
//! 3. Big answers, on every server, charfinder-web and the façade too:
//!    memory with 100 clients that ask `cjk` (100 000 matches) again and
//!    again and never read; and how long a small query waits while 8
//!    clients ask `cjk` again and again.
//!
//! The clients run here on tokio; the servers are the lab's binaries, built
//! beside this one (`cargo build --release -p charfinder --bins`, which
//! `cargo run` does). 10 000 idle clients need 10 000 open files in this
//! process and in each server: the benchmark raises its soft limit where
//! it can and says so when it cannot (`ulimit -n 25000` in the shell).

use std::io::{self, BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use labs::cli::{fail, seconds_within};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

const SERVERS: [&str; 4] = ["thread", "tokio", "async-std", "smol"];
/// Every server for the big answers: the four TCP servers, the web server
/// and the façade (in front of a tokio server).
const ALL_SERVERS: [(&str, Protocol); 6] = [
    ("thread", Protocol::Line),
    ("tokio", Protocol::Line),
    ("async-std", Protocol::Line),
    ("smol", Protocol::Line),
    ("web", Protocol::Http),
    ("facade-solution", Protocol::Http),
];
/// The query with the most matches, and a small one.
const BIG_QUERY: &str = "cjk";
const SMALL_QUERY: &str = "snowman";
/// Clients that ask the big query and never read, and how often each asks.
const NEVER_READING: usize = 100;
const ASKS_EACH: usize = 100;
/// Clients that ask the big query again and again, beside the small one.
const BIG_ASKERS: usize = 8;
const TARGET_ADDED: u64 = 100_000_000;
const TARGET_MEDIAN: Duration = Duration::from_millis(50);
const TARGET_MAX: Duration = Duration::from_millis(200);
const LEVELS: [usize; 3] = [1, 100, 1000];
const QUERY: &[u8] = b"cat face\n";
const TARGET_BYTES: f64 = 10_000.0;

/// Measure queries per second and memory per idle connection of every
/// charfinder TCP server.
#[derive(Debug, clap::Parser)]
#[command(version)]
struct Args {
    /// How long to measure each number of clients, in seconds [0.2 to 60].
    #[arg(long, value_name = "SECS", default_value = "2", allow_hyphen_values = true,
          value_parser = seconds_within(0.2, 60.0))]
    seconds: Duration,
    /// How many idle clients to hold for the memory measure [0 to 50000].
    #[arg(long, value_name = "N", default_value_t = 10_000, allow_hyphen_values = true,
          value_parser = clap::value_parser!(u32).range(0..=50_000))]
    idle: u32,
    /// Run one part only: throughput, idle or big (answers).
    #[arg(long, value_enum)]
    only: Option<Part>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Part {
    Throughput,
    Idle,
    Big,
}

/// How a server is asked: a line, or an HTTP request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    Line,
    Http,
}

/// A server process, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(program: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(program)
            .args(["--port", "0", "--idle", "3600"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| fail(1, format!("cannot start {}: {err}", program.display())));
        let stdout = child.stdout.take().expect("piped");
        let mut server = Server {
            child,
            addr: SocketAddr::from(([0, 0, 0, 0], 0)),
        };
        let (banner, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = banner.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        while let Ok(line) = lines.recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            let Some(rest) = line.split(" serving on ").nth(1) else {
                continue;
            };
            let rest = rest.trim_start_matches("http://");
            let addr = rest.split([':', '/', ' ']).take(2).collect::<Vec<_>>();
            let addr = addr.join(":");
            if let Ok(addr) = addr.parse() {
                server.addr = addr;
                return server;
            }
        }
        drop(server);
        fail(
            1,
            format!("{} did not start within 30 s", program.display()),
        )
    }

    /// Stops the server, then fails with `message` (exit status 1).
    fn fail(self, message: String) -> ! {
        drop(self);
        fail(1, message)
    }

    /// Resident memory of the server process, in bytes.
    fn rss(&self) -> Option<u64> {
        labs::platform::resident_memory_of(self.child.id())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads until the server's prompt ends what it sent.
async fn until_prompt(stream: &mut TcpStream, buffer: &mut [u8]) -> io::Result<()> {
    let mut tail = [0u8; 3];
    loop {
        let n = stream.read(buffer).await?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        // The last three bytes seen so far, across reads.
        let mut seen = tail.to_vec();
        seen.extend_from_slice(&buffer[..n]);
        tail.copy_from_slice(&seen[seen.len() - 3..]);
        if &tail == b"?> " {
            return Ok(());
        }
    }
}

/// One client: connect, then ask again and again until `stop`.
async fn client(
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    answered: Arc<AtomicU64>,
    connecting: Arc<Semaphore>,
) -> io::Result<()> {
    // At most 100 clients connect at once: a burst of 1000 SYNs would
    // overflow a listen backlog of 128 (std's) and wait for retries.
    let permit = connecting.acquire().await;
    let mut stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let mut buffer = vec![0; 16 * 1024];
    until_prompt(&mut stream, &mut buffer).await?;
    drop(permit);
    while !stop.load(Ordering::Relaxed) {
        stream.write_all(QUERY).await?;
        until_prompt(&mut stream, &mut buffer).await?;
        answered.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

/// Queries per second with `clients` clients at once, over `seconds`.
async fn throughput(addr: SocketAddr, clients: usize, seconds: Duration) -> Result<f64, String> {
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicU64::new(0));
    let connecting = Arc::new(Semaphore::new(100));
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (stop, answered, connecting) = (stop.clone(), answered.clone(), connecting.clone());
            tokio::spawn(async move { client(addr, stop, answered, connecting).await })
        })
        .collect();
    // Warm up until every client has had an answer or a second has passed.
    let warm = Instant::now();
    while answered.load(Ordering::Relaxed) < clients as u64
        && warm.elapsed() < Duration::from_secs(5)
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before = answered.load(Ordering::Relaxed);
    let start = Instant::now();
    tokio::time::sleep(seconds).await;
    let count = answered.load(Ordering::Relaxed) - before;
    let elapsed = start.elapsed();
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        match tokio::time::timeout(Duration::from_secs(10), task).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(err))) => return Err(format!("a client failed: {err}")),
            Ok(Err(err)) => return Err(format!("a client panicked: {err}")),
            Err(_) => return Err("a client hung".to_string()),
        }
    }
    Ok(count as f64 / elapsed.as_secs_f64())
}

/// Opens `n` connections that read the greeting and then wait; returns
/// them (still open) or how many could be opened.
async fn idle_clients(addr: SocketAddr, n: u32) -> Result<Vec<TcpStream>, String> {
    let connecting = Arc::new(Semaphore::new(200));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let connecting = connecting.clone();
            tokio::spawn(async move {
                let _permit = connecting.acquire_owned().await;
                let mut stream = TcpStream::connect(addr).await?;
                let mut buffer = [0; 512];
                let greeted = until_prompt(&mut stream, &mut buffer);
                tokio::time::timeout(Duration::from_secs(10), greeted)
                    .await
                    .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))??;
                Ok::<_, io::Error>(stream)
            })
        })
        .collect();
    let mut streams = Vec::new();
    let mut first_error = None;
    for task in tasks {
        match task.await {
            Ok(Ok(stream)) => streams.push(stream),
            Ok(Err(err)) => {
                first_error.get_or_insert(err.to_string());
            }
            Err(err) => {
                first_error.get_or_insert(err.to_string());
            }
        }
    }
    match first_error {
        None => Ok(streams),
        Some(err) => Err(format!(
            "{} of {n} idle clients connected ({err})",
            streams.len()
        )),
    }
}

/// Connects; on the line protocol, reads the greeting.
async fn connect(addr: SocketAddr, protocol: Protocol) -> io::Result<TcpStream> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    if protocol == Protocol::Line {
        until_prompt(&mut stream, &mut [0; 1024]).await?;
    }
    Ok(stream)
}

/// One query, as a line or as a request for `/search`.
fn request(protocol: Protocol, query: &str) -> String {
    match protocol {
        Protocol::Line => format!("{query}\n"),
        Protocol::Http => {
            format!("GET /search?q={query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        }
    }
}

/// Asks `query` and reads the whole answer.
async fn ask(
    stream: &mut TcpStream,
    protocol: Protocol,
    query: &str,
    buffer: &mut [u8],
) -> io::Result<()> {
    stream
        .write_all(request(protocol, query).as_bytes())
        .await?;
    match protocol {
        Protocol::Line => until_prompt(stream, buffer).await,
        Protocol::Http => read_response(stream, buffer).await,
    }
}

/// Reads one HTTP response: the head, then `Content-Length` bytes.
async fn read_response(stream: &mut TcpStream, buffer: &mut [u8]) -> io::Result<()> {
    let mut head = Vec::new();
    loop {
        let n = stream.read(buffer).await?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        head.extend_from_slice(&buffer[..n]);
        let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let text = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
        let length = text
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|n| n.trim().parse::<usize>().ok())
            .ok_or_else(|| io::Error::other("no content-length"))?;
        let mut left = length.saturating_sub(head.len() - end - 4);
        while left > 0 {
            let n = stream.read(buffer).await?;
            if n == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            left = left.saturating_sub(n);
        }
        return Ok(());
    }
}

/// Clients that each ask the big query `ASKS_EACH` times and never read:
/// the server's answers pile up until the sockets' buffers are full.
/// Returns them, still open.
async fn never_reading(addr: SocketAddr, protocol: Protocol) -> Result<Vec<TcpStream>, String> {
    let asks = request(protocol, BIG_QUERY).repeat(ASKS_EACH);
    let tasks: Vec<_> = (0..NEVER_READING)
        .map(|_| {
            let asks = asks.clone();
            tokio::spawn(async move {
                let mut stream = connect(addr, protocol).await?;
                // The writes stop when the buffers are full: that is the point.
                let write = stream.write_all(asks.as_bytes());
                let _ = tokio::time::timeout(Duration::from_secs(2), write).await;
                Ok::<_, io::Error>(stream)
            })
        })
        .collect();
    let mut streams = Vec::new();
    for task in tasks {
        match task.await {
            Ok(Ok(stream)) => streams.push(stream),
            Ok(Err(err)) => return Err(format!("a client failed: {err}")),
            Err(err) => return Err(format!("a client panicked: {err}")),
        }
    }
    Ok(streams)
}

/// How long the small query takes (each answer, in order) while
/// `BIG_ASKERS` clients ask the big one again and again, over `seconds`.
async fn small_beside_big(
    addr: SocketAddr,
    protocol: Protocol,
    seconds: Duration,
) -> Result<Vec<Duration>, String> {
    let stop = Arc::new(AtomicBool::new(false));
    let big: Vec<_> = (0..BIG_ASKERS)
        .map(|_| {
            let stop = stop.clone();
            tokio::spawn(async move {
                let mut stream = connect(addr, protocol).await?;
                let mut buffer = vec![0; 64 * 1024];
                while !stop.load(Ordering::Relaxed) {
                    ask(&mut stream, protocol, BIG_QUERY, &mut buffer).await?;
                }
                Ok::<_, io::Error>(())
            })
        })
        .collect();
    let small = async {
        let mut stream = connect(addr, protocol).await?;
        let mut buffer = vec![0; 16 * 1024];
        // The big askers get going first.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let mut times = Vec::new();
        let start = Instant::now();
        while start.elapsed() < seconds {
            let asked = Instant::now();
            ask(&mut stream, protocol, SMALL_QUERY, &mut buffer).await?;
            times.push(asked.elapsed());
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        Ok::<_, io::Error>(times)
    };
    let times = small
        .await
        .map_err(|err| format!("the small client failed: {err}"));
    stop.store(true, Ordering::Relaxed);
    for task in big {
        match tokio::time::timeout(Duration::from_secs(10), task).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(err))) => return Err(format!("a big client failed: {err}")),
            Ok(Err(err)) => return Err(format!("a big client panicked: {err}")),
            Err(_) => return Err("a big client hung".to_string()),
        }
    }
    times
}

/// Starts `name` (the façade in front of `backend`).
fn start_server(dir: &Path, name: &str, backend: Option<SocketAddr>) -> Server {
    let program = dir.join(format!("charfinder-{name}{}", std::env::consts::EXE_SUFFIX));
    match backend {
        Some(backend) => Server::start(&program, &["--backend", &backend.to_string()]),
        None => Server::start(&program, &[]),
    }
}

/// Part 3: big answers, on every server.
fn big_answers(runtime: &tokio::runtime::Runtime, dir: &Path, seconds: Duration) {
    println!(
        "Big answers: `{BIG_QUERY}` has over 100 000 matches (an answer is one page of them); the façade asks a tokio server."
    );
    println!(
        "{NEVER_READING} clients ask `{BIG_QUERY}` {ASKS_EACH} times each and never read: the server's memory."
    );
    println!(
        "{:<17}{:>12}{:>12}{:>12}",
        "server", "before", "after", "added"
    );
    let backend = start_server(dir, "tokio", None);
    let mut added_met = true;
    for (name, protocol) in ALL_SERVERS {
        let server = start_server(
            dir,
            name,
            name.starts_with("facade").then_some(backend.addr),
        );
        // One query first, so the index and the runtime are warm.
        let _ = runtime.block_on(small_beside_big(server.addr, protocol, Duration::ZERO));
        let before = server.rss();
        let clients = match runtime.block_on(never_reading(server.addr, protocol)) {
            Ok(clients) => clients,
            Err(err) => server.fail(format!("charfinder-{name}: {err}")),
        };
        std::thread::sleep(Duration::from_millis(500));
        let after = server.rss();
        drop(clients);
        match (before, after) {
            (Some(before), Some(after)) => {
                let added = after.saturating_sub(before);
                added_met &= added < TARGET_ADDED;
                println!(
                    "{name:<17}{:>12}{:>12}{:>12}",
                    megabytes(before),
                    megabytes(after),
                    megabytes(added)
                );
            }
            _ => println!("{name:<17}{:>12}{:>12}{:>12}", "n/a", "n/a", "(Linux only)"),
        }
    }
    println!(
        "Target: every server adds under {} MB: {}",
        TARGET_ADDED / 1_000_000,
        if added_met { "met" } else { "NOT met" }
    );
    println!();
    println!(
        "{BIG_ASKERS} clients ask `{BIG_QUERY}` again and again; one asks `{SMALL_QUERY}`: how long its answers take, over {:.1} s.",
        seconds.as_secs_f64()
    );
    println!(
        "{:<17}{:>10}{:>12}{:>12}",
        "server", "answers", "median", "max"
    );
    let mut fair = true;
    let ms = |time: Duration| format!("{:.1} ms", time.as_secs_f64() * 1000.0);
    for (name, protocol) in ALL_SERVERS {
        let server = start_server(
            dir,
            name,
            name.starts_with("facade").then_some(backend.addr),
        );
        let times = match runtime.block_on(small_beside_big(server.addr, protocol, seconds)) {
            Ok(times) if !times.is_empty() => times,
            Ok(_) => server.fail(format!("charfinder-{name}: no answer to the small query")),
            Err(err) => server.fail(format!("charfinder-{name}: {err}")),
        };
        let median =
            Duration::from_secs_f64(labs::bench::median(times.iter().map(Duration::as_secs_f64)));
        let max = times.iter().copied().max().unwrap_or_default();
        fair &= median < TARGET_MEDIAN && max < TARGET_MAX;
        println!(
            "{name:<17}{:>10}{:>12}{:>12}",
            times.len(),
            ms(median),
            ms(max)
        );
    }
    println!(
        "Target: a median under {} ms and a maximum under {} ms on every server: {}",
        TARGET_MEDIAN.as_millis(),
        TARGET_MAX.as_millis(),
        if fair { "met" } else { "NOT met" }
    );
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn main() {
    let args: Args = labs::parse_args();
    let dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| fail(1, "cannot find where charfinder-bench is"));
    let program = |server: &str| {
        dir.join(format!(
            "charfinder-{server}{}",
            std::env::consts::EXE_SUFFIX
        ))
    };
    let programs: Vec<PathBuf> = SERVERS.iter().map(|server| program(server)).collect();
    let all = ALL_SERVERS.iter().map(|(server, _)| program(server));
    if let Some(missing) = all.into_iter().find(|program| !program.exists()) {
        fail(
            1,
            format!(
                "{} is not built: run `cargo build {}-p charfinder --bins` first",
                missing.display(),
                if cfg!(debug_assertions) {
                    ""
                } else {
                    "--release "
                }
            ),
        );
    }
    if cfg!(debug_assertions) {
        println!("(a debug build: run with --release for figures worth comparing)");
    }
    let wanted = u64::from(args.idle) + 1000;
    match labs::platform::raise_open_files_limit(wanted) {
        Some(limit) if limit < wanted => println!(
            "Open files limit {limit}: too low for {} idle clients; raise it (`ulimit -n {wanted}`) for the full measure.",
            args.idle
        ),
        _ => {}
    }
    let runtime = tokio::runtime::Runtime::new().unwrap_or_else(|err| fail(1, err));
    let part = |part: Part| args.only.is_none_or(|only| only == part);
    if part(Part::Throughput) {
        throughputs(&runtime, &programs, args.seconds);
    }
    if part(Part::Idle) && args.idle > 0 {
        if part(Part::Throughput) {
            println!();
        }
        idle_memory(&runtime, &programs, args.idle);
    }
    if part(Part::Big) {
        if args.only.is_none() {
            println!();
        }
        big_answers(&runtime, &dir, args.seconds);
    }
}

/// Part 1: queries per second.
fn throughputs(runtime: &tokio::runtime::Runtime, programs: &[PathBuf], seconds: Duration) {
    println!(
        "Queries per second: each client asks `cat face` (10 matches) again and again, {:.1} s per measure.",
        seconds.as_secs_f64()
    );
    println!(
        "{:<11}{:>12}{:>13}{:>14}{:>20}",
        "server", "1 client", "100 clients", "1000 clients", "1000 vs thread"
    );
    let mut at_1000 = Vec::new();
    for (name, program) in SERVERS.iter().zip(programs) {
        let server = Server::start(program, &[]);
        let mut row = format!("{name:<11}");
        for (level, width) in LEVELS.iter().zip([12, 13, 14]) {
            match runtime.block_on(throughput(server.addr, *level, seconds)) {
                Ok(rate) => {
                    row += &format!("{:>width$.0}", rate);
                    if *level == 1000 {
                        at_1000.push(rate);
                    }
                }
                Err(err) => server.fail(format!("charfinder-{name}, {level} clients: {err}")),
            }
        }
        let ratio = at_1000.last().copied().unwrap_or(0.0) / at_1000[0];
        row += &format!("{:>19.2}x", ratio);
        println!("{row}");
    }
}

/// Part 2: memory per idle connection.
fn idle_memory(runtime: &tokio::runtime::Runtime, programs: &[PathBuf], idle: u32) {
    println!("Memory per idle connection: {idle} clients connect, read the greeting, and wait.");
    println!(
        "{:<11}{:>12}{:>12}{:>17}{:>18}",
        "server", "before", "after", "per connection", "vs thread"
    );
    let mut per_connection = Vec::new();
    let mut target_met = true;
    for (name, program) in SERVERS.iter().zip(programs) {
        let server = Server::start(program, &[]);
        // One query first, so the index and the runtime are warm.
        let _ = runtime.block_on(throughput(server.addr, 1, Duration::from_millis(100)));
        let before = server.rss();
        let clients = match runtime.block_on(idle_clients(server.addr, idle)) {
            Ok(clients) => clients,
            Err(err) => server.fail(format!(
                "charfinder-{name}: {err}; raise the open files limit (ulimit -n)"
            )),
        };
        std::thread::sleep(Duration::from_millis(300));
        let after = server.rss();
        drop(clients);
        match (before, after) {
            (Some(before), Some(after)) => {
                let each = after.saturating_sub(before) as f64 / f64::from(idle);
                per_connection.push(each);
                if *name != "thread" && each >= TARGET_BYTES {
                    target_met = false;
                }
                println!(
                    "{name:<11}{:>12}{:>12}{:>14.1} KB{:>17.2}x",
                    megabytes(before),
                    megabytes(after),
                    each / 1000.0,
                    each / per_connection[0]
                );
            }
            _ => println!("{name:<11}{:>12}{:>12}{:>17}", "n/a", "n/a", "(Linux only)"),
        }
    }
    if !per_connection.is_empty() {
        println!(
            "Target: every async server under {:.0} KB per idle connection: {}",
            TARGET_BYTES / 1000.0,
            if target_met { "met" } else { "NOT met" }
        );
    }
}
