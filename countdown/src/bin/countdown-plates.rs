//! Lab 2, countdown, the benchmark: spinning a million plates with two hands.
//!
//!     cargo run --release --bin countdown-plates [-- --tasks 100000 --repeat 1]
//!
//! The default run (a million tasks, medians of 3 runs) takes about 30 s.
//!
//! Starts N tasks that each sleep 1 s on each async runtime, and the same on
//! OS threads (at most 10 000 of them), waits for all of them, then prints
//! for each: the wall time over the sleep, the peak resident memory, and the
//! memory per task. A last row recalls what Python's asyncio needs for the
//! same million tasks (measured once, not run here).
//!
//! Every run happens in a child process (this program started again with
//! `--child`), so that its peak memory is its own. With `--repeat R`, each
//! figure is the median of R runs.

use std::process::{Command, exit};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use labs::bench::median;
use labs::cli::{echo, fail};
use labs::platform::peak_rss;

/// Spinning a million plates: N sleeping tasks per runtime.
#[derive(Debug, clap::Parser)]
#[command(version)]
struct Args {
    /// How many tasks each async runtime starts [1 to 2000000].
    #[arg(long, value_name = "N", default_value_t = 1_000_000,
          value_parser = clap::value_parser!(u32).range(1..=2_000_000),
          allow_hyphen_values = true)]
    tasks: u32,
    /// How many OS threads at most, each with a stack of its own [1 to 10000].
    #[arg(long, value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u32).range(1..=10_000),
          allow_hyphen_values = true)]
    threads: u32,
    /// How long each task sleeps, in seconds [0.01 to 10].
    #[arg(long, value_name = "S", default_value = "1",
          value_parser = labs::cli::seconds_within(0.01, 10.0),
          allow_hyphen_values = true)]
    seconds: Duration,
    /// Runs each measurement R times and shows the medians [1 to 9].
    #[arg(long, value_name = "R", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=9),
          allow_hyphen_values = true)]
    repeat: u32,
    /// Internal: measure one RUNTIME in this process and print the figures.
    #[arg(long, value_name = "RUNTIME", hide = true)]
    child: Option<String>,
}

const RUNTIMES: [&str; 4] = ["tokio", "async-std", "smol", "thread"];

/// One measurement, as a child prints it and the parent reads it: the wall
/// time, the peak memory at the end and just before the first spawn (bytes;
/// `None` where the platform does not report it).
#[derive(Debug, Clone, Copy)]
struct Figures {
    wall: Duration,
    memory: Option<(u64, u64)>,
    /// How many tasks or threads ran: for threads, the OS may allow fewer.
    tasks: u32,
}

fn main() {
    let args: Args = labs::parse_args();
    match &args.child {
        Some(runtime) => child(&args, runtime),
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
    println!();
    println!(
        "{:<11} {:>9} {:>9} {:>10} {:>11} {:>10}",
        "runtime", "tasks", "wall", "wall/sleep", "peak RSS", "bytes/task"
    );
    let mut short = None;
    for runtime in RUNTIMES {
        let tasks = if runtime == "thread" {
            args.tasks.min(args.threads)
        } else {
            args.tasks
        };
        let runs: Vec<Figures> = (0..args.repeat)
            .map(|_| measure(&exe, args, runtime, tasks))
            .collect();
        let ran = runs.iter().map(|f| f.tasks).min().unwrap_or(tasks);
        if ran < tasks {
            short = Some(format!(
                "{runtime}: this system let a process start {ran} threads, not {tasks}."
            ));
        }
        let wall = median(runs.iter().map(|f| f.wall.as_secs_f64()));
        let memory: Option<Vec<(u64, u64)>> = runs.iter().map(|f| f.memory).collect();
        let (peak, per_task) = match memory {
            Some(memory) => {
                let peak = median(memory.iter().map(|&(peak, _)| peak as f64));
                let per_task = median(memory.iter().zip(&runs).map(|(&(peak, base), run)| {
                    peak.saturating_sub(base) as f64 / f64::from(run.tasks)
                }));
                (format!("{:.1} MB", peak / 1e6), format!("{per_task:.0}"))
            }
            None => ("n/a".to_string(), "n/a".to_string()),
        };
        println!(
            "{runtime:<11} {ran:>9} {wall:>8.2}s {:>9.2}x {peak:>11} {per_task:>10}",
            wall / sleep
        );
    }
    // Not run here: the same million plates on Python's event loop, measured
    // once on a 2-core machine that gave tokio 1.6 s and 456 B per task,
    // smol 1.45 s and 265 B (`python3 -c` with a million `asyncio.sleep(1)`
    // tasks gathered).
    println!(
        "{:<11} {:>9} {:>8.2}s {:>9.2}x {:>11} {:>10}",
        "(asyncio)", 1_000_000, 23.6, 23.6, "1500.0 MB", "~1500"
    );
    println!();
    if let Some(short) = short {
        println!("{short}");
    }
    println!("(asyncio): Python's asyncio, not run here: a million asyncio.sleep(1) tasks,");
    println!("measured once on a 2-core machine where tokio took 1.6 s and 456 B per task,");
    println!("smol 1.45 s and 265 B.");
}

/// Runs this program again as a child that measures one runtime.
fn measure(exe: &std::path::Path, args: &Args, runtime: &str, tasks: u32) -> Figures {
    let output = Command::new(exe)
        .arg(format!("--child={runtime}"))
        .arg(format!("--tasks={tasks}"))
        .arg(format!("--threads={}", args.threads))
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
        (true, &[wall_us, peak, base, ran]) if ran > 0 => Figures {
            wall: Duration::from_micros(wall_us),
            memory: (peak > 0).then_some((peak, base)),
            tasks: u32::try_from(ran).unwrap_or(tasks),
        },
        _ => fail(
            1,
            format!(
                "{runtime} failed: {}",
                stderr.lines().next().unwrap_or("no output")
            ),
        ),
    }
}

/// In the child: starts the tasks, waits for all of them, prints
/// `wall_us peak_bytes base_bytes tasks` on one line (0 0 for the memory if
/// it is unknown; `tasks` is how many ran).
fn child(args: &Args, runtime: &str) {
    let (n, delay) = (args.tasks, args.seconds);
    let (wall, ran) = match runtime {
        "tokio" => (on_tokio(n, delay), n),
        "async-std" => (on_async_std(n, delay), n),
        "smol" => (on_smol(n, delay), n),
        "thread" => on_threads(n.min(args.threads), delay),
        _ => fail(2, format!("--child: unknown runtime '{}'", echo(runtime))),
    };
    let (peak, base) = (peak_rss().unwrap_or(0), BASE.load(Ordering::Relaxed));
    println!("{} {peak} {base} {ran}", wall.as_micros());
    exit(0)
}

/// The peak memory just before the first spawn, once the runtime is up. The
/// peak only grows, and here it is what is resident: the runtime, no tasks.
static BASE: AtomicU64 = AtomicU64::new(0);

fn mark_base() {
    BASE.store(peak_rss().unwrap_or(0), Ordering::Relaxed);
}

fn on_tokio(n: u32, delay: Duration) -> Duration {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_time()
        .build()
        .unwrap_or_else(|err| fail(1, err));
    rt.block_on(async {
        mark_base();
        let start = Instant::now();
        let handles: Vec<_> = (0..n)
            .map(|_| tokio::spawn(async move { tokio::time::sleep(delay).await }))
            .collect();
        for handle in handles {
            handle.await.unwrap_or_else(|err| fail(1, err));
        }
        start.elapsed()
    })
}

fn on_async_std(n: u32, delay: Duration) -> Duration {
    use async_std::task;
    task::block_on(async {
        mark_base();
        let start = Instant::now();
        let handles: Vec<_> = (0..n)
            .map(|_| task::spawn(async move { task::sleep(delay).await }))
            .collect();
        for handle in handles {
            handle.await;
        }
        start.elapsed()
    })
}

/// The lab's set-up: an executor driven by the main thread alone.
fn on_smol(n: u32, delay: Duration) -> Duration {
    use smol::{Executor, Timer};
    let ex = Executor::new();
    smol::block_on(ex.run(async {
        mark_base();
        let start = Instant::now();
        let handles: Vec<_> = (0..n)
            .map(|_| {
                ex.spawn(async move {
                    Timer::after(delay).await;
                })
            })
            .collect();
        for handle in handles {
            handle.await;
        }
        start.elapsed()
    }))
}

/// Starts up to `n` threads: the OS may refuse some (macOS allows a few
/// thousand per process), and then the row shows how many ran.
fn on_threads(n: u32, delay: Duration) -> (Duration, u32) {
    mark_base();
    let start = Instant::now();
    let handles: Vec<_> = (0..n)
        .map_while(|_| {
            std::thread::Builder::new()
                .spawn(move || std::thread::sleep(delay))
                .ok()
        })
        .collect();
    let ran = u32::try_from(handles.len()).unwrap_or(n);
    if ran == 0 {
        fail(1, "the system refused to start a thread");
    }
    for handle in handles {
        handle
            .join()
            .unwrap_or_else(|_| fail(1, "a thread panicked"));
    }
    (start.elapsed(), ran)
}
