//! Lab 2, countdown, the benchmark: spinning a million plates with two hands.
//!
//!     cargo run --release --bin countdown-plates [-- --tasks 100000 --repeat 1]
//!
//! The default run (a million tasks, medians of 3 runs) takes about 40 s.
//!
//! Starts N countdowns that each count down once, sleeping 1 s, on each async
//! runtime, and on OS threads (at most 10 000 of them), then prints for each:
//! the wall time over the sleep, the peak resident memory, and the memory per
//! task. Each run is compared with bare tasks (spawn, sleep 1 s, join) on the
//! same runtime, so the table also shows what the lab's countdown costs over
//! the runtime itself.
//!
//! Every run happens in a child process (this program started again with
//! `--child`), so that its peak memory (VmHWM in /proc/self/status, Linux
//! only) is its own. With `--repeat R`, each figure is the median of R runs.

use std::process::{Command, exit};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use labs::cli::fail;

/// Spinning a million plates: N sleeping countdowns per runtime.
#[derive(Debug, clap::Parser)]
#[command(version)]
struct Args {
    /// How many tasks each async runtime starts.
    #[arg(long, value_name = "N", default_value_t = 1_000_000,
          value_parser = clap::value_parser!(u32).range(1..))]
    tasks: u32,
    /// How many OS threads at most (each one reserves a stack).
    #[arg(long, value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u32).range(1..))]
    threads: u32,
    /// How long each task sleeps, in seconds.
    #[arg(long, value_name = "S", default_value = "1", value_parser = above_zero)]
    seconds: Duration,
    /// Runs each measurement R times and shows the medians.
    #[arg(long, value_name = "R", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=9))]
    repeat: u32,
    /// Internal: measure one RUNTIME/KIND in this process and print the figures.
    #[arg(long, value_name = "RUNTIME/KIND", hide = true)]
    child: Option<String>,
}

/// A clap value parser for `--seconds`: a number of seconds above 0 (the
/// table divides by it).
fn above_zero(text: &str) -> Result<Duration, String> {
    match labs::cli::seconds(text)? {
        Duration::ZERO => Err("expected a number of seconds above 0".to_string()),
        seconds => Ok(seconds),
    }
}

const RUNTIMES: [&str; 4] = ["tokio", "async-std", "smol", "thread"];

/// How many ticks all countdowns printed, so that none can be skipped.
static TICKS: AtomicU64 = AtomicU64::new(0);

/// When the first task was spawned: the lab's countdowns print the time since.
static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

/// The lab's countdown, with its printing swapped for a counter: `label`
/// counts down from `count`, sleeping `delay` before each tick. `sleep` is
/// the runtime's sleep function.
///
/// Written as a function returning an `async move` block rather than an
/// `async fn`: today's compiler keeps an async fn's arguments and the locals
/// they are moved into side by side in the future, which would make each of a
/// million plates bigger than it needs to be. For the same reason the start
/// time, the same for every plate, lives in `START` instead of in each one.
#[allow(clippy::manual_async_fn)] // on purpose, see above
fn countdown<S, F>(
    sleep: S,
    label: u32,
    mut count: u32,
    delay: Duration,
) -> impl Future<Output = ()>
where
    S: Fn(Duration) -> F,
    F: Future,
{
    async move {
        while count > 0 {
            sleep(delay).await;
            tick(label, count);
            count -= 1;
        }
    }
}

/// The same countdown on a thread.
fn countdown_thread(label: u32, count: u32, delay: Duration) {
    for n in (1..=count).rev() {
        std::thread::sleep(delay);
        tick(label, n);
    }
}

/// Records a tick (the lab prints it; a million lines would measure the terminal).
fn tick(label: u32, n: u32) {
    std::hint::black_box((START.get(), label, n));
    TICKS.fetch_add(1, Ordering::Relaxed);
}

/// One measurement, as a child prints it and the parent reads it.
#[derive(Debug, Clone, Copy)]
struct Figures {
    wall: Duration,
    peak_kb: u64,
    base_kb: u64,
}

fn main() {
    let args: Args = labs::parse_args();
    match &args.child {
        Some(which) => child(&args, which),
        None => parent(&args),
    }
}

/// Runs every measurement in its own process and prints the table.
fn parent(args: &Args) {
    let exe = std::env::current_exe().unwrap_or_else(|err| fail(1, err));
    let sleep = args.seconds.as_secs_f64();
    println!(
        "Plates: {} tasks per async runtime, {} OS threads, each sleeping {sleep} s; {}.",
        args.tasks,
        args.tasks.min(args.threads),
        if args.repeat == 1 {
            "one run each".to_string()
        } else {
            format!("medians of {} runs", args.repeat)
        }
    );
    println!("`bare`: spawn, sleep, join. `lab`: the lab's countdown, counting down once.");
    println!();
    println!(
        "{:<10} {:<5} {:>9} {:>9} {:>10} {:>11} {:>10} {:>11}",
        "runtime", "task", "tasks", "wall", "wall/sleep", "peak RSS", "bytes/task", "lab/bare"
    );
    for runtime in RUNTIMES {
        let tasks = if runtime == "thread" {
            args.tasks.min(args.threads)
        } else {
            args.tasks
        };
        let mut bare = None;
        for kind in ["bare", "lab"] {
            let runs: Vec<Figures> = (0..args.repeat)
                .map(|_| measure(&exe, args, runtime, kind, tasks))
                .collect();
            let wall = median(runs.iter().map(|f| f.wall.as_secs_f64()).collect());
            let peak = median(runs.iter().map(|f| f.peak_kb as f64).collect());
            let per_task = median(
                runs.iter()
                    .map(|f| f.peak_kb.saturating_sub(f.base_kb) as f64 * 1024.0 / f64::from(tasks))
                    .collect(),
            );
            let ratio = match bare {
                None => {
                    bare = Some((wall, per_task));
                    String::new()
                }
                Some((bare_wall, bare_bytes)) => {
                    format!("{:.2}x {:.2}x", wall / bare_wall, per_task / bare_bytes)
                }
            };
            let row = format!(
                "{runtime:<10} {kind:<5} {tasks:>9} {:>8.2}s {:>9.2}x {:>8.1} MB {:>10.0} {ratio:>11}",
                wall,
                wall / sleep,
                peak / 1024.0,
                per_task,
            );
            println!("{}", row.trim_end());
        }
    }
    println!();
    println!("lab/bare: wall time and bytes per task of the lab's countdown over bare tasks.");
}

/// The middle value; with an even count, the mean of the two in the middle.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 0 {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    }
}

/// Runs this program again as a child that measures one runtime and kind.
fn measure(exe: &std::path::Path, args: &Args, runtime: &str, kind: &str, tasks: u32) -> Figures {
    let output = Command::new(exe)
        .arg(format!("--child={runtime}/{kind}"))
        .arg(format!("--tasks={tasks}"))
        .arg(format!("--seconds={}", args.seconds.as_secs_f64()))
        .output()
        .unwrap_or_else(|err| fail(1, format!("cannot start {}: {err}", exe.display())));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let numbers: Vec<u64> = stdout
        .split_whitespace()
        .filter_map(|word| word.parse().ok())
        .collect();
    match (output.status.success(), numbers.as_slice()) {
        (true, &[wall_us, peak_kb, base_kb]) => Figures {
            wall: Duration::from_micros(wall_us),
            peak_kb,
            base_kb,
        },
        _ => fail(
            1,
            format!(
                "{runtime}/{kind} failed: {}",
                stderr.lines().next().unwrap_or("no output")
            ),
        ),
    }
}

/// In the child: starts the tasks, waits for all of them, prints
/// `wall_us peak_kb base_kb` on one line.
fn child(args: &Args, which: &str) {
    let (runtime, kind) = which.split_once('/').unwrap_or((which, ""));
    let lab = match kind {
        "bare" => false,
        "lab" => true,
        _ => fail(2, format!("--child: unknown kind in {which:?}")),
    };
    let (n, delay) = (args.tasks, args.seconds);
    let wall = match runtime {
        "tokio" => on_tokio(n, delay, lab),
        "async-std" => on_async_std(n, delay, lab),
        "smol" => on_smol(n, delay, lab),
        "thread" => on_threads(n, delay, lab),
        _ => fail(2, format!("--child: unknown runtime in {which:?}")),
    };
    let expected = if lab { u64::from(n) } else { 0 };
    if TICKS.load(Ordering::Relaxed) != expected {
        fail(
            1,
            format!(
                "{which}: {} ticks, expected {expected}",
                TICKS.load(Ordering::Relaxed)
            ),
        );
    }
    let (peak, base) = (status_kb("VmHWM:"), BASE_KB.load(Ordering::Relaxed));
    println!("{} {peak} {base}", wall.as_micros());
    exit(0)
}

/// Resident memory just before the first spawn, once the runtime is up.
static BASE_KB: AtomicU64 = AtomicU64::new(0);

fn mark_base() {
    BASE_KB.store(status_kb("VmRSS:"), Ordering::Relaxed);
}

/// A figure in kB from /proc/self/status (Linux).
fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status")
        .unwrap_or_else(|err| fail(1, format!("/proc/self/status: {err} (Linux only)")));
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| fail(1, format!("no {field} in /proc/self/status")))
}

fn on_tokio(n: u32, delay: Duration, lab: bool) -> Duration {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_time()
        .build()
        .unwrap_or_else(|err| fail(1, err));
    rt.block_on(async {
        mark_base();
        let start = *START.get_or_init(Instant::now);
        let handles: Vec<_> = (0..n)
            .map(|label| {
                if lab {
                    tokio::spawn(countdown(tokio::time::sleep, label, 1, delay))
                } else {
                    tokio::spawn(async move { tokio::time::sleep(delay).await })
                }
            })
            .collect();
        for handle in handles {
            handle.await.unwrap_or_else(|err| fail(1, err));
        }
        start.elapsed()
    })
}

fn on_async_std(n: u32, delay: Duration, lab: bool) -> Duration {
    use async_std::task;
    task::block_on(async {
        mark_base();
        let start = *START.get_or_init(Instant::now);
        let handles: Vec<_> = (0..n)
            .map(|label| {
                if lab {
                    task::spawn(countdown(task::sleep, label, 1, delay))
                } else {
                    task::spawn(async move { task::sleep(delay).await })
                }
            })
            .collect();
        for handle in handles {
            handle.await;
        }
        start.elapsed()
    })
}

/// The lab's set-up: an executor driven by the main thread alone.
fn on_smol(n: u32, delay: Duration, lab: bool) -> Duration {
    use smol::{Executor, Timer};
    let ex = Executor::new();
    smol::block_on(ex.run(async {
        mark_base();
        let start = *START.get_or_init(Instant::now);
        let handles: Vec<_> = (0..n)
            .map(|label| {
                if lab {
                    ex.spawn(countdown(Timer::after, label, 1, delay))
                } else {
                    ex.spawn(async move {
                        Timer::after(delay).await;
                    })
                }
            })
            .collect();
        for handle in handles {
            handle.await;
        }
        start.elapsed()
    }))
}

fn on_threads(n: u32, delay: Duration, lab: bool) -> Duration {
    mark_base();
    let start = *START.get_or_init(Instant::now);
    let handles: Vec<_> = (0..n)
        .map(|label| {
            let spawned = if lab {
                std::thread::Builder::new().spawn(move || countdown_thread(label, 1, delay))
            } else {
                std::thread::Builder::new().spawn(move || std::thread::sleep(delay))
            };
            spawned.unwrap_or_else(|err| fail(1, format!("thread {label}: {err}")))
        })
        .collect();
    for handle in handles {
        handle
            .join()
            .unwrap_or_else(|_| fail(1, "a thread panicked"));
    }
    start.elapsed()
}
