//! Lab 4 benchmark: runs the flags clients as a participant does (the whole
//! process, `-s URL`, in a fresh folder) against flag servers in this
//! process, and prints medians and ratios, all measured in this one run.
//!
//! 1. First series: every client, 20 flags, against a server with a fixed
//!    delay D: median wall time and its ratio to D (nothing can beat D; the
//!    sequential client needs about 20 x D).
//! 2. P1: the second series with `-a -m 194` (194 flags at once) against a
//!    0.5 s server (D): each client's median against D, beside the Python
//!    originals' figures. Targets: async within 1.1 x D, threads 1.2 x D.
//! 3. P2: the second series with `-e -m 1000` (676 requests) at zero delay:
//!    requests per second of each client over at least 2 s of work, with
//!    the timeline recorder off and on (`--timeline=FILE`) in turn, against
//!    the server's own ceiling measured here by a load generator (one
//!    connection per request, as the clients do; and with keep-alive).
//!    Targets: every async client at least half the first ceiling, and
//!    0.45 x with the recorder on. Then each async runtime alone, without
//!    hyper or files: what it allows a client.
//! 4. A burst of connections at once, all answered in about D.
//!
//!     cargo run --release --bin flags-bench [-- --part p1 --runs 9]
//!
//! `cargo run` builds only this program, so under `cargo run` it first builds
//! the clients it runs (`cargo build --bins` of this package, same profile).

use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use flags::{Config, Delay, FlagServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Where the clients run: `--work-dir`, or the temp folder.
static WORK_DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// The folder of this run of the bench, in the work folder: one folder in
/// it per client run, all kept until the bench ends (see [`remove_runs`]).
static RUNS_DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

const CLIENTS: [&str; 5] = ["sequential", "thread", "tokio", "async-std", "smol"];
const ASYNC: [&str; 3] = ["tokio", "async-std", "smol"];

/// Which parts to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Part {
    All,
    First,
    P1,
    P2,
    Burst,
}

/// Time the flags clients against flag servers, in one run.
#[derive(Debug, clap::Parser)]
#[command(version)]
struct Args {
    /// Which part to run.
    #[arg(long, value_enum, default_value = "all")]
    part: Part,
    /// The server's delay per request, D, for the first series, P1 and the
    /// burst, in seconds [0.01 to 5].
    #[arg(long, value_name = "SECS", default_value = "0.5",
          value_parser = flags::seconds_within(0.01, 5.0), allow_hyphen_values = true)]
    delay: Duration,
    /// Runs of each concurrent client [1 to 100].
    #[arg(long, value_name = "N", default_value_t = 5, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    runs: u32,
    /// Runs of the sequential client, each about 20 x D [0 to 10].
    #[arg(long, value_name = "N", default_value_t = 1, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(0..=10))]
    sequential_runs: u32,
    /// Where the clients run and save their flags (default: the system's
    /// temp folder). Creating files is slow on some disks: try a RAM disk,
    /// e.g. /dev/shm on Linux.
    #[arg(long, value_name = "DIR")]
    work_dir: Option<PathBuf>,
    /// Simultaneous connections for the burst, 0 skips it [0 to 10000].
    #[arg(long, value_name = "N", default_value_t = 1000, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(0..=10_000))]
    connections: u32,
}

fn main() {
    let args: Args = labs::parse_args();
    labs::bench::build_sibling_binaries(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"));
    let work_dir = args.work_dir.clone().unwrap_or_else(std::env::temp_dir);
    let runs_dir = work_dir.join(format!("flags-bench-{}", std::process::id()));
    if WORK_DIR.set(work_dir).is_err() || RUNS_DIR.set(runs_dir).is_err() {
        fail(1, "the work folder was set twice");
    }
    labs::platform::on_stop_request(|status| {
        remove_runs();
        std::process::exit(status);
    });
    let dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| fail(1, "cannot find where flags-bench is"));
    if cfg!(debug_assertions) {
        println!("note: a debug build; for real figures use the release build");
    }
    let part = |p| args.part == Part::All || args.part == p;
    if part(Part::First) {
        first_series(&args, &dir);
    }
    if part(Part::P1) {
        p1(&args, &dir);
    }
    if part(Part::P2) {
        p2(&args, &dir);
    }
    if part(Part::Burst) && args.connections > 0 {
        burst(args.connections, args.delay);
    }
    remove_runs();
}

/// Removes the clients' folders, once the timing is over. Not after each
/// run: on an ext4 disk without a journal, a folder created within a minute
/// after thousands of files were deleted is slow to fill, since each new
/// file searches past the recently freed inodes (`recently_deleted` under
/// `__ext4_new_inode` in `perf`), and the bench would time its own clean-up.
fn remove_runs() {
    if let Some(dir) = RUNS_DIR.get() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// One line on stderr and exit status `status`, after [`remove_runs`].
fn fail(status: i32, message: impl std::fmt::Display) -> ! {
    remove_runs();
    labs::cli::fail(status, message)
}

/// A fresh folder for one client run (or for timing the saves).
fn fresh_folder(name: &str) -> PathBuf {
    let base = RUNS_DIR.get().cloned().unwrap_or_else(std::env::temp_dir);
    let dir = base.join(name);
    if let Err(err) = std::fs::create_dir_all(&dir) {
        fail(1, format!("cannot create {}: {err}", dir.display()));
    }
    dir
}

/// The path of a built flags binary, or one line and exit 1.
fn program(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if !path.exists() {
        let release = if cfg!(debug_assertions) {
            ""
        } else {
            "--release "
        };
        fail(
            1,
            format!(
                "{} is not built: run `cargo build {release}-p flags` first",
                path.display()
            ),
        );
    }
    path
}

fn first_series(args: &Args, dir: &Path) {
    let d = args.delay.as_secs_f64();
    let server = start(Delay::fixed(args.delay));
    println!(
        "First series: 20 flags, {} runs each (sequential: {}), against a {d:.2}s delay:",
        args.runs, args.sequential_runs,
    );
    println!(
        "{:<12} {:>8} {:>8} {:>7}",
        "client", "median", "x delay", "errors"
    );
    for client in CLIENTS {
        let runs = if client == "sequential" {
            args.sequential_runs
        } else {
            args.runs
        };
        if runs == 0 {
            continue;
        }
        let program = program(dir, &format!("flags-{client}"));
        let mut times = Vec::new();
        let mut errors = 0;
        for _ in 0..runs {
            let started = Instant::now();
            let output = run_program(&program, &["--server", &server.url()], args.delay * 30);
            times.push(started.elapsed().as_secs_f64());
            errors +=
                usize::from(!output.is_some_and(|out| out.contains("\n20 flags downloaded in ")));
        }
        let median = labs::bench::median(times.iter().copied());
        println!(
            "{client:<12} {median:>7.2}s {:>7.2}x {errors:>7}",
            median / d
        );
    }
}

/// P1: `-a -m 194` against a 0.5 s server: is each client within its
/// target of the delay, with no errors?
fn p1(args: &Args, dir: &Path) {
    let delay = Duration::from_millis(500);
    let d = delay.as_secs_f64();
    let server = start(Delay::fixed(delay));
    println!();
    println!(
        "P1: flags2 -a -m 194 (194 flags at once), {} runs each, against a {d:.2}s delay \
         (sequential skipped: 194 x D):",
        args.runs
    );
    println!(
        "{:<12} {:>8} {:>8} {:>7} {:>8}  target",
        "client", "median", "x delay", "errors", "met"
    );
    for client in ["thread", "tokio", "async-std", "smol"] {
        let program = program(dir, &format!("flags2-{client}"));
        let target = if client == "thread" { 1.2 } else { 1.1 };
        let mut times = Vec::new();
        let mut errors = 0;
        for _ in 0..args.runs {
            let out = run_program(
                &program,
                &["-s", &server.url(), "-a", "-m", "194"],
                delay * 30,
            );
            match out.as_deref().and_then(report) {
                Some(report) if report.ok == 194 => times.push(report.elapsed),
                Some(report) => {
                    errors += 194 - report.ok;
                    times.push(report.elapsed);
                }
                None => errors += 194,
            }
        }
        let median = labs::bench::median(times.iter().copied());
        let met = if median / d <= target && errors == 0 {
            "yes"
        } else {
            "NO"
        };
        println!(
            "{client:<12} {median:>7.2}s {:>7.2}x {errors:>7} {met:>8}  {target:.1} x delay",
            median / d
        );
    }
    print_saving_time();
    println!(
        "Python, for reference (Fluent Python's flags2, a 2-core machine, a 0.5 s server):\n\
         {:<12} {:>7.2}s {:>7.2}x   (flags2_asyncio.py -a -m 200)\n\
         {:<12} {:>7.2}s {:>7.2}x   (flags2_threadpool.py -a)",
        "asyncio",
        1.93,
        1.93 / 0.5,
        "threadpool",
        5.51,
        5.51 / 0.5
    );
}

/// P2: `-e -m 1000` at zero delay: requests per second of each client, with
/// the timeline recorder off and on, and the server's ceiling measured by a
/// load generator in this process.
fn p2(args: &Args, dir: &Path) {
    let server = start(Delay::default());
    let work = Duration::from_secs(2);
    println!();
    println!(
        "P2: flags2 -e -m 1000 (676 requests) at zero delay, at least 2 s of work each, \
         with the recorder off and on (--timeline={TIMELINE}) in turn:"
    );
    let per_request = load(server.addr(), false, work);
    let keep_alive = load(server.addr(), true, work);
    println!(
        "{:<30} {:>9.0} requests/s",
        "server, one connection each", per_request
    );
    println!(
        "{:<30} {:>9.0} requests/s",
        "server, keep-alive", keep_alive
    );
    println!(
        "{:<12} {:>9} {:>6} {:>16} {:>7}  target",
        "client", "req/s", "runs", "x one-connection", "x off"
    );
    for client in CLIENTS {
        let program = program(dir, &format!("flags2-{client}"));
        // Requests and seconds, recorder off ([0]) and on ([1]), the runs
        // taken in turn so that both see the machine as it is. A rate over
        // all runs, not a median of each run's: a client times itself to
        // the hundredth of a second, and a run takes a few of those.
        let (mut requests, mut seconds, mut runs) = ([0; 2], [0.0; 2], 0);
        let started = Instant::now();
        // At least 2 s of work each, and at least `--runs` runs of each
        // (sequential: one).
        let min_runs = if client == "sequential" { 1 } else { args.runs };
        while (seconds.iter().any(|&s| s < work.as_secs_f64()) || runs < min_runs)
            && started.elapsed() < work * 60
        {
            for recorder in [0, 1] {
                if let Some(report) = p2_run(&program, &server.url(), recorder == 1) {
                    requests[recorder] += report.ok + report.not_found + report.errors;
                    seconds[recorder] += report.elapsed;
                }
            }
            runs += 1;
        }
        let [off, on] = [0, 1].map(|i| requests[i] as f64 / seconds[i].max(f64::EPSILON));
        // The targets, of the async clients only: 0.5 x, and 0.45 x recording.
        let target = |fraction| ASYNC.contains(&client).then_some(fraction);
        let row = |label, rate, off, target| p2_row(label, rate, runs, per_request, off, target);
        println!("{}", row(client, off, None, target(0.5)));
        println!("{}", row("  --timeline", on, Some(off), target(0.45)));
    }
    println!("Each async runtime alone (676 connections at once, no HTTP library, no files):");
    for runtime in ASYNC {
        let rate = runtime_alone(runtime, server.addr(), work);
        println!(
            "{runtime:<12} {rate:>9.0} {:>6} {:>15.2}x",
            "",
            rate / per_request.max(f64::EPSILON)
        );
    }
    print_saving_time();
}

/// Where a P2 run with the recorder on writes its timeline: in its own run
/// folder (removed with the others when the bench ends). A `.txt` file: the
/// picture the recorder draws at exit, after the client has timed itself.
const TIMELINE: &str = "timeline.txt";

/// One P2 run of `program` against `url`, with the timeline recorder on if
/// `recorder`: its report if it ended well (and, recorder on, wrote its
/// timeline).
fn p2_run(program: &Path, url: &str, recorder: bool) -> Option<Report> {
    let folder = run_folder();
    let timeline = format!("--timeline={TIMELINE}");
    let mut args = vec!["-s", url, "-e", "-m", "1000"];
    if recorder {
        args.push(&timeline);
    }
    let stdout = run_in(&folder, program, &args, Duration::from_secs(120))?;
    if recorder && !recorded(&folder.join(TIMELINE), program) {
        return None;
    }
    report(&stdout)
}

/// Whether the timeline at `path` is `program`'s: the recorder was on, and
/// drew its picture, headed by the program's name.
fn recorded(path: &Path, program: &Path) -> bool {
    let name = program.file_stem().map(|stem| stem.to_string_lossy());
    let picture = std::fs::read_to_string(path).unwrap_or_default();
    name.is_some_and(|name| picture.starts_with(&format!("{name}: ")))
}

/// A row of P2: `rate` requests per second (over `runs` runs), its ratio
/// to the server's one-connection `ceiling`, its ratio to `off` (the same
/// client's rate with the recorder off) if given, and whether it reaches
/// `target` (a fraction of the ceiling) if it has one.
fn p2_row(
    label: &str,
    rate: f64,
    runs: u32,
    ceiling: f64,
    off: Option<f64>,
    target: Option<f64>,
) -> String {
    let ratio = rate / ceiling.max(f64::EPSILON);
    let off = off.map_or(String::new(), |off| {
        format!("{:.2}x", rate / off.max(f64::EPSILON))
    });
    let target = target.map_or(String::new(), |target| {
        let met = if ratio >= target { "yes" } else { "NO" };
        format!("{target} x: {met}")
    });
    let line = format!("{label:<12} {rate:>9.0} {runs:>6} {ratio:>15.2}x {off:>7}  {target}");
    line.trim_end().to_string()
}

/// Prints how long saving the 194 flags takes in the work folder: the part
/// of every P1 and P2 run that is the disk's, not the network's.
fn print_saving_time() {
    static SAVING_TIME: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    println!(
        "Saving 194 flags one after another takes {:.3}s in {} (creating files: the disk's part)",
        SAVING_TIME.get_or_init(|| saving_time(194)),
        WORK_DIR
            .get()
            .map_or("?".into(), |dir| dir.display().to_string())
    );
}

/// How long `flags::save_flag` takes for `count` flags in a fresh folder of
/// the work folder: the part of a client's time that is the disk's.
fn saving_time(count: usize) -> f64 {
    let dir = fresh_folder("saving");
    if flags::create_dest_dir(&dir).is_err() {
        return f64::NAN;
    }
    let codes = flags::country_codes();
    // Drawn first (the server draws each flag on first use), then timed.
    for cc in codes {
        let _ = flags::flag_gif(cc);
    }
    let started = Instant::now();
    for cc in codes.iter().cycle().take(count) {
        let image = flags::flag_gif(cc).unwrap_or_default();
        let _ = flags::save_flag(image, cc);
    }
    started.elapsed().as_secs_f64()
}

/// What a second-series report says.
struct Report {
    ok: usize,
    not_found: usize,
    errors: usize,
    elapsed: f64,
}

fn report(stdout: &str) -> Option<Report> {
    let count = |suffix: &str| {
        stdout
            .lines()
            .find_map(|line| line.trim().strip_suffix(suffix)?.parse().ok())
    };
    Some(Report {
        ok: count(" flags downloaded.").or(count(" flag downloaded."))?,
        not_found: count(" not found.").unwrap_or(0),
        errors: count(" errors.").or(count(" error.")).unwrap_or(0),
        elapsed: stdout.lines().find_map(|line| {
            line.strip_prefix("Elapsed time: ")?
                .strip_suffix('s')?
                .parse()
                .ok()
        })?,
    })
}

fn start(delay: Delay) -> FlagServer {
    FlagServer::start(Config {
        delay,
        ..Config::default()
    })
    .unwrap_or_else(|err| fail(1, format!("cannot start a flag server: {err}")))
}

/// Runs one client in a fresh folder (kept until the bench ends), as
/// [`run_in`] does.
fn run_program(program: &Path, args: &[&str], extra: Duration) -> Option<String> {
    run_in(&run_folder(), program, args, extra)
}

/// A fresh folder for one client run.
fn run_folder() -> PathBuf {
    static RUN: AtomicU64 = AtomicU64::new(0);
    fresh_folder(&format!("run-{}", RUN.fetch_add(1, Ordering::SeqCst)))
}

/// Runs one client in `dir`: its stdout if it ended well. A client still
/// running after a minute plus `extra` is stopped (and has failed).
fn run_in(dir: &Path, program: &Path, args: &[&str], extra: Duration) -> Option<String> {
    let deadline = Duration::from_secs(60) + extra;
    let started = Instant::now();
    let child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    child.ok().and_then(|mut child| {
        let stdout = child.stdout.take().map(|mut stdout| {
            std::thread::spawn(move || {
                let mut text = String::new();
                let _ = stdout.read_to_string(&mut text);
                text
            })
        });
        let status = loop {
            match child.try_wait() {
                Ok(None) if started.elapsed() < deadline => {
                    std::thread::sleep(Duration::from_millis(2));
                }
                Ok(Some(status)) => break Some(status),
                Ok(None) | Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break None;
                }
            }
        };
        let text = stdout
            .and_then(|reader| reader.join().ok())
            .unwrap_or_default();
        status.filter(|status| status.success()).map(|_| text)
    })
}

/// The server's ceiling: requests per second from 1000 concurrent loops for
/// `work`, each asking for the 676 paths of `-e` in turn, either on a new
/// connection per request (`Connection: close`, as the clients do) or on one
/// keep-alive connection per loop.
fn load(addr: SocketAddr, keep_alive: bool, work: Duration) -> f64 {
    let runtime = tokio::runtime::Runtime::new()
        .unwrap_or_else(|err| fail(1, format!("cannot start tokio: {err}")));
    let done = Arc::new(AtomicU64::new(0));
    let codes = every_code();
    let started = Instant::now();
    runtime.block_on(async {
        let loops: Vec<_> = (0..1000)
            .map(|i| {
                let (done, codes) = (Arc::clone(&done), Arc::clone(&codes));
                tokio::spawn(async move {
                    let mut stream: Option<tokio::net::TcpStream> = None;
                    for cc in codes.iter().cycle().skip(i) {
                        if started.elapsed() >= work {
                            break;
                        }
                        let exchange = async {
                            let connection = match &mut stream {
                                Some(connection) => connection,
                                None => stream.insert(tokio::net::TcpStream::connect(addr).await?),
                            };
                            exchange(connection, &request(addr, cc, !keep_alive)).await
                        };
                        match tokio::time::timeout(Duration::from_secs(10), exchange).await {
                            Ok(Ok(())) if keep_alive => {}
                            Ok(Ok(())) => stream = None,
                            _ => {
                                stream = None;
                                continue;
                            }
                        }
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        for task in loops {
            let _ = task.await;
        }
    });
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

/// The 676 codes of `-e`, AA to ZZ (lower case, as in the paths).
fn every_code() -> Arc<[String]> {
    let letters = 'a'..='z';
    letters
        .clone()
        .flat_map(|a| letters.clone().map(move |b| format!("{a}{b}")))
        .collect()
}

/// A GET for the flag of `cc`, with `Connection: close` if `close`.
fn request(addr: SocketAddr, cc: &str, close: bool) -> String {
    let close = if close { "Connection: close\r\n" } else { "" };
    format!("GET /flags/{cc}/{cc}.gif HTTP/1.1\r\nHost: {addr}\r\n{close}\r\n")
}

/// Whether `answer` holds a whole HTTP answer: its head, and a body as long
/// as its Content-Length.
fn is_whole(answer: &[u8]) -> bool {
    let Some(end) = answer.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&answer[..end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length: ")?.trim().parse().ok())
        .unwrap_or(0);
    answer.len() >= end + 4 + length
}

/// One request and its whole answer, on tokio.
async fn exchange(stream: &mut tokio::net::TcpStream, request: &str) -> std::io::Result<()> {
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::with_capacity(2048);
    let mut buf = [0; 4096];
    while !is_whole(&answer) {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        answer.extend_from_slice(&buf[..n]);
    }
    Ok(())
}

/// One request and its whole answer, on smol or async-std (futures' I/O
/// traits, which both implement).
async fn exchange_futures_io<S>(mut stream: S, request: &str) -> std::io::Result<()>
where
    S: smol::io::AsyncRead + smol::io::AsyncWrite + Unpin,
{
    use smol::io::{AsyncReadExt as _, AsyncWriteExt as _};
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::with_capacity(2048);
    let mut buf = [0; 4096];
    while !is_whole(&answer) {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        answer.extend_from_slice(&buf[..n]);
    }
    Ok(())
}

/// Each async runtime alone, started as its `flags2` client starts it: the
/// 676 requests of `-e` at once, one connection each (`Connection: close`),
/// each with a timeout, but no HTTP library and no files. Requests per second
/// over at least `work`: what the runtime allows a client on this machine.
fn runtime_alone(runtime: &str, addr: SocketAddr, work: Duration) -> f64 {
    let codes = every_code();
    let tokio = (runtime == "tokio").then(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|err| fail(1, format!("cannot start tokio: {err}")))
    });
    let (mut answered, mut seconds) = (0, 0.0);
    while seconds < work.as_secs_f64() {
        let started = Instant::now();
        answered += match (runtime, &tokio) {
            (_, Some(tokio)) => tokio.block_on(every_flag_on_tokio(addr, &codes)),
            ("async-std", _) => async_std::task::block_on(every_flag_on_async_std(addr, &codes)),
            ("smol", _) => smol::block_on(SMOL.run(every_flag_on_smol(addr, &codes))),
            (other, _) => unreachable!("no runtime called {other}"),
        };
        seconds += started.elapsed().as_secs_f64();
    }
    answered as f64 / seconds.max(f64::EPSILON)
}

/// The executor of the smol runs, run by the thread that calls `block_on`
/// (as in `flags2-smol`).
static SMOL: smol::Executor<'static> = smol::Executor::new();

/// One task per code on tokio, all at once: how many were answered.
async fn every_flag_on_tokio(addr: SocketAddr, codes: &[String]) -> usize {
    let mut tasks = tokio::task::JoinSet::new();
    for cc in codes {
        let request = request(addr, cc, true);
        tasks.spawn(async move {
            let exchange = async {
                let mut stream = tokio::net::TcpStream::connect(addr).await?;
                exchange(&mut stream, &request).await
            };
            let answer = tokio::time::timeout(flags::DEFAULT_TIMEOUT, exchange).await;
            matches!(answer, Ok(Ok(())))
        });
    }
    tasks.join_all().await.into_iter().filter(|ok| *ok).count()
}

/// One task per code on async-std, all at once: how many were answered.
async fn every_flag_on_async_std(addr: SocketAddr, codes: &[String]) -> usize {
    let tasks: Vec<_> = codes
        .iter()
        .map(|cc| {
            let request = request(addr, cc, true);
            async_std::task::spawn(async move {
                let exchange = async {
                    let stream = async_std::net::TcpStream::connect(addr).await?;
                    exchange_futures_io(stream, &request).await
                };
                let answer = async_std::future::timeout(flags::DEFAULT_TIMEOUT, exchange).await;
                matches!(answer, Ok(Ok(())))
            })
        })
        .collect();
    let mut answered = 0;
    for task in tasks {
        answered += usize::from(task.await);
    }
    answered
}

/// One task per code on smol, all at once: how many were answered.
async fn every_flag_on_smol(addr: SocketAddr, codes: &[String]) -> usize {
    use smol::future::FutureExt as _;
    let tasks: Vec<_> = codes
        .iter()
        .map(|cc| {
            let request = request(addr, cc, true);
            SMOL.spawn(async move {
                let exchange = async {
                    let stream = smol::net::TcpStream::connect(addr).await?;
                    exchange_futures_io(stream, &request).await
                };
                let timeout = async {
                    smol::Timer::after(flags::DEFAULT_TIMEOUT).await;
                    Err(std::io::ErrorKind::TimedOut.into())
                };
                exchange.or(timeout).await.is_ok()
            })
        })
        .collect();
    let mut answered = 0;
    for task in tasks {
        answered += usize::from(task.await);
    }
    answered
}

/// Opens `connections` connections at once, each asking for a flag, and
/// reports how long it took until every one was answered.
fn burst(connections: u32, delay: Duration) {
    let server = start(Delay::fixed(delay));
    let addr = server.addr();
    let runtime = tokio::runtime::Runtime::new()
        .unwrap_or_else(|err| fail(1, format!("cannot start tokio: {err}")));
    let request: Arc<str> =
        format!("GET /flags/cn/cn.gif HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
            .into();
    // Each exchange gets 10 s on top of the delay, then counts as failed.
    let limit = Duration::from_secs(10) + delay;
    let started = Instant::now();
    let answered = runtime.block_on(async {
        let tasks: Vec<_> = (0..connections)
            .map(|_| {
                let request = Arc::clone(&request);
                let exchange = async move {
                    let mut stream = tokio::net::TcpStream::connect(addr).await?;
                    stream.write_all(request.as_bytes()).await?;
                    let mut answer = Vec::new();
                    stream.read_to_end(&mut answer).await?;
                    Ok::<bool, std::io::Error>(answer.starts_with(b"HTTP/1.1 200"))
                };
                tokio::spawn(async move {
                    tokio::time::timeout(limit, exchange)
                        .await
                        .unwrap_or_else(|_| Err(std::io::ErrorKind::TimedOut.into()))
                })
            })
            .collect();
        let mut answered = 0;
        let mut first_error = None;
        for task in tasks {
            match task.await {
                Ok(Ok(true)) => answered += 1,
                Ok(Ok(false)) => {}
                Ok(Err(err)) => first_error = first_error.or(Some(err.to_string())),
                Err(err) => first_error = first_error.or(Some(err.to_string())),
            }
        }
        if let Some(err) = first_error {
            println!("  first failure: {err} (too few file descriptors? try `ulimit -n 4096`)");
        }
        answered
    });
    let elapsed = started.elapsed().as_secs_f64();
    println!();
    println!(
        "{connections} connections at once: {answered} answered 200 in {elapsed:.2}s ({:.2}x delay); \
         at most {} requests in flight on the server",
        elapsed / delay.as_secs_f64().max(f64::EPSILON),
        server.max_in_flight()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p2_rows_say_whether_the_target_is_met() {
        let off = p2_row("tokio", 16_000.0, 50, 25_000.0, None, Some(0.5));
        assert_eq!(
            off,
            "tokio            16000     50            0.64x          0.5 x: yes"
        );
        let on = p2_row(
            "  --timeline",
            11_000.0,
            50,
            25_000.0,
            Some(16_000.0),
            Some(0.45),
        );
        assert_eq!(
            on,
            "  --timeline     11000     50            0.44x   0.69x  0.45 x: NO"
        );
        // No target (the blocking clients), the recorder off: nothing after
        // the ratio.
        let thread = p2_row("thread", 5_000.0, 16, 25_000.0, None, None);
        assert_eq!(thread, "thread            5000     16            0.20x");
    }

    #[test]
    fn a_client_whose_every_run_failed_misses_its_target() {
        // No run ended well: no requests, no seconds.
        let row = p2_row("  --timeline", 0.0, 3, 25_000.0, Some(0.0), Some(0.45));
        assert_eq!(
            row,
            "  --timeline         0      3            0.00x   0.00x  0.45 x: NO"
        );
    }

    #[test]
    fn a_timeline_counts_only_if_it_is_the_programs_picture() {
        let dir = std::env::temp_dir().join(format!("flags-bench-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(TIMELINE);
        let program = Path::new("target").join("flags2-smol");
        let missing = recorded(&path, &program);
        std::fs::write(&path, "flags2-smol: 98.0 ms, one column = 1.5 ms\n").unwrap();
        let ours = recorded(&path, &program);
        std::fs::write(&path, "flags2-tokio: 98.0 ms, one column = 1.5 ms\n").unwrap();
        let another = recorded(&path, &program);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!((missing, ours, another), (false, true, false));
    }
}
