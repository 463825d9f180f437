//! Lab 4 benchmark: runs every flags client as a participant does (the whole
//! process, `--server URL`, in a fresh folder) against a flag server with a
//! fixed delay D, several times, and prints each client's median wall time
//! and its ratio to D. Every request of a concurrent client is made at once,
//! so nothing can beat D; the sequential client needs about 20 x D. Then it
//! opens 1000 connections at once to show the server answers them all in
//! about D.
//!
//!     cargo run --release --bin flags-bench [-- --delay 0.5 --runs 5]
//!
//! `cargo run` builds only this program, so under `cargo run` it first builds
//! the clients it runs (`cargo build -p flags --bins`, same profile).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use flags::{Config, Delay, FlagServer};
use labs::cli::fail;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CLIENTS: [&str; 5] = ["sequential", "thread", "tokio", "async-std", "smol"];

/// Time every flags client against a server with a fixed delay.
#[derive(Debug, clap::Parser)]
#[command(version)]
struct Args {
    /// The server's delay per request, D, in seconds [0.01 to 5].
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
    /// Simultaneous connections for the server check, 0 skips it [0 to 10000].
    #[arg(long, value_name = "N", default_value_t = 1000, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(0..=10_000))]
    connections: u32,
}

fn main() {
    let args: Args = labs::parse_args();
    build_clients();
    let dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| fail(1, "cannot find where flags-bench is"));
    let programs: Vec<PathBuf> = CLIENTS
        .iter()
        .map(|client| dir.join(format!("flags-{client}{}", std::env::consts::EXE_SUFFIX)))
        .collect();
    if let Some(missing) = programs.iter().find(|program| !program.exists()) {
        fail(
            1,
            format!(
                "{} is not built: run `cargo build {}-p flags` first",
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
        println!("note: a debug build; for real figures use the release build");
    }
    let d = args.delay.as_secs_f64();
    let server = start(args.delay);
    println!(
        "Every client, {} runs each (sequential: {}), against {} with a {d:.2}s delay:",
        args.runs,
        args.sequential_runs,
        server.url()
    );
    println!(
        "{:<12} {:>8} {:>8} {:>7}",
        "client", "median", "x delay", "errors"
    );
    for (client, program) in CLIENTS.iter().zip(&programs) {
        let runs = if *client == "sequential" {
            args.sequential_runs
        } else {
            args.runs
        };
        if runs == 0 {
            continue;
        }
        let mut times = Vec::new();
        let mut errors = 0;
        for run in 0..runs {
            let (elapsed, ok) = run_client(program, &server.url(), client, run, args.delay);
            times.push(elapsed);
            errors += usize::from(!ok);
        }
        let median = median(&mut times);
        println!(
            "{client:<12} {median:>7.2}s {:>7.2}x {errors:>7}",
            median / d
        );
    }
    drop(server);
    if args.connections > 0 {
        burst(args.connections, args.delay);
    }
}

/// Under `cargo run` (which sets `CARGO`), builds the clients with the same
/// profile as this program: `cargo run` built only the bench. Cargo stays
/// quiet unless the build fails.
fn build_clients() {
    let Some(cargo) = std::env::var_os("CARGO") else {
        return;
    };
    let mut build = Command::new(cargo);
    build.args([
        "build",
        "--quiet",
        "--bins",
        "-p",
        "flags",
        "--manifest-path",
    ]);
    build.arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"));
    if !cfg!(debug_assertions) {
        build.arg("--release");
    }
    match build.stdin(Stdio::null()).status() {
        Ok(status) if status.success() => {}
        Ok(_) => fail(1, "cannot build the flags clients (cargo's errors above)"),
        Err(err) => fail(1, format!("cannot run cargo to build the clients: {err}")),
    }
}

fn start(delay: Duration) -> FlagServer {
    FlagServer::start(Config {
        delay: Delay::fixed(delay),
        ..Config::default()
    })
    .unwrap_or_else(|err| fail(1, format!("cannot start a flag server: {err}")))
}

/// Runs one client in a fresh folder: its wall time, and whether it got 20
/// flags. A client still running after a minute plus 30 x D is stopped and
/// counted as an error.
fn run_client(program: &Path, url: &str, client: &str, run: u32, delay: Duration) -> (f64, bool) {
    let dir =
        std::env::temp_dir().join(format!("flags-bench-{}-{client}-{run}", std::process::id()));
    if let Err(err) = std::fs::create_dir_all(&dir) {
        fail(1, format!("cannot create {}: {err}", dir.display()));
    }
    let deadline = Duration::from_secs(60) + delay * 30;
    let started = Instant::now();
    let child = Command::new(program)
        .args(["--server", url])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let ok = child.is_ok_and(|mut child| {
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
                    std::thread::sleep(Duration::from_millis(5));
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
        status.is_some_and(|status| status.success()) && text.contains("\n20 flags downloaded in ")
    });
    let elapsed = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&dir);
    (elapsed, ok)
}

fn median(times: &mut [f64]) -> f64 {
    times.sort_by(f64::total_cmp);
    let mid = times.len() / 2;
    if times.len() % 2 == 1 {
        times[mid]
    } else {
        (times[mid - 1] + times[mid]) / 2.0
    }
}

/// Opens `connections` connections at once, each asking for a flag, and
/// reports how long it took until every one was answered.
fn burst(connections: u32, delay: Duration) {
    let server = start(delay);
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
    println!(
        "{connections} connections at once: {answered} answered 200 in {elapsed:.2}s ({:.2}x delay); \
         at most {} requests in flight on the server",
        elapsed / delay.as_secs_f64().max(f64::EPSILON),
        server.max_in_flight()
    );
}
