//! Lab 2, countdown, a benchmark of the timeline's recorder: what
//! `labs::watch` and `--timeline` cost a million tasks.
//!
//!     cargo run --release --bin countdown-recorder [-- --tasks 100000 --repeat 3]
//!
//! The default run (a million tasks, medians of 5 runs of each) takes
//! about 15 s.
//!
//! Runs N tasks on a tokio current-thread runtime (one thread: no
//! scheduling noise between cores), each yielding once (two polls), three
//! ways: plain; each wrapped in `labs::watch` with the recorder off (what
//! every lab pays when `--timeline` is not given); and with the recorder on.
//! Prints the median wall times, their ratios to the plain run, the memory
//! per task plain and watched (watching adds the task's name, 16 bytes, to
//! each task; tokio keeps a task in a cell aligned to 128 bytes on x86-64
//! and ARM64, so a task just under a multiple of 128 bytes grows by 128),
//! and the recorder's memory per recorded event (the bytes allocated with the
//! recorder on, less those allocated with it off, over the events recorded;
//! a counting allocator counts them).
//!
//! Every run happens in a child process (this program started again with
//! `--child`): the recorder starts once per process. The runs of the three
//! kinds take turns, so that a machine busy with something else slows them
//! alike.

use std::alloc::{GlobalAlloc, Layout, System};
use std::process::{Command, exit};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use labs::bench::median;
use labs::cli::{echo, fail};
use labs::timeline;

/// The recorder's cost: a million tasks plain, watched, and recorded.
#[derive(Debug, clap::Parser)]
#[command(version)]
struct Args {
    /// How many tasks each run starts [1 to 2000000].
    #[arg(long, value_name = "N", default_value_t = 1_000_000,
          value_parser = clap::value_parser!(u32).range(1..=2_000_000),
          allow_hyphen_values = true)]
    tasks: u32,
    /// Runs each kind R times and shows the medians [1 to 9].
    #[arg(long, value_name = "R", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..=9),
          allow_hyphen_values = true)]
    repeat: u32,
    /// Internal: one run of KIND (plain, off, on) in this process.
    #[arg(long, value_name = "KIND", hide = true)]
    child: Option<String>,
}

/// The three kinds of run, as `--child` names them, and as the table does.
const KINDS: [(&str, &str, Option<f64>); 3] = [
    ("plain", "plain tasks", None),
    ("off", "watched, recorder off", Some(1.02)),
    ("on", "watched, recorder on", Some(1.5)),
];

/// What one run measured.
#[derive(Debug, Clone, Copy)]
struct Figures {
    wall: Duration,
    /// Bytes allocated from the first spawn to the end.
    allocated: u64,
    recorded: u64,
    not_recorded: u64,
}

fn main() {
    let args: Args = labs::parse_args();
    match &args.child {
        Some(kind) => child(args.tasks, kind),
        None => parent(&args),
    }
}

fn parent(args: &Args) {
    let exe = std::env::current_exe().unwrap_or_else(|err| fail(1, err));
    println!(
        "Recorder: {} tasks on a tokio current-thread runtime, each polled twice; {}.",
        args.tasks,
        if args.repeat == 1 {
            "one run of each".to_string()
        } else {
            format!("medians of {} runs of each", args.repeat)
        }
    );
    let mut runs: Vec<Vec<Figures>> = vec![Vec::new(); KINDS.len()];
    for _ in 0..args.repeat {
        for ((kind, ..), runs) in KINDS.iter().zip(&mut runs) {
            runs.push(measure(&exe, args.tasks, kind));
        }
    }
    let walls: Vec<f64> = runs
        .iter()
        .map(|runs| median(runs.iter().map(|run| run.wall.as_secs_f64())))
        .collect();
    println!("{:<22} {:>10} {:>8}", "", "wall", "ratio");
    for ((_, name, target), wall) in KINDS.iter().zip(&walls) {
        let ratio = wall / walls[0];
        let verdict = match target {
            None => String::new(),
            Some(target) if ratio <= *target => format!("  target at most {target}x: met"),
            Some(target) => format!("  target at most {target}x: NOT met"),
        };
        println!(
            "{name:<22} {:>7.1} ms {ratio:>7.3}x{verdict}",
            wall * 1000.0
        );
    }
    let allocated = |runs: &[Figures]| median(runs.iter().map(|run| run.allocated as f64));
    let tasks = f64::from(args.tasks);
    println!(
        "Memory per task: {:.1} bytes plain, {:.1} bytes watched (the task, its share of the handles).",
        allocated(&runs[0]) / tasks,
        allocated(&runs[1]) / tasks
    );
    let recorded = median(runs[2].iter().map(|run| run.recorded as f64));
    let not_recorded = median(runs[2].iter().map(|run| run.not_recorded as f64));
    let per_event = (allocated(&runs[2]) - allocated(&runs[1])) / recorded.max(1.0);
    println!(
        "Memory: {per_event:.1} bytes per recorded event ({recorded} events recorded{}).",
        if not_recorded > 0.0 {
            format!(
                ", {not_recorded} not: the recording is full at {} events",
                timeline::MAX_EVENTS
            )
        } else {
            String::new()
        }
    );
    println!("On a machine busy with other work the ratios move: run it again to see how much.");
}

/// Runs this program again as a child that measures one kind of run.
fn measure(exe: &std::path::Path, tasks: u32, kind: &str) -> Figures {
    let output = Command::new(exe)
        .arg(format!("--child={kind}"))
        .arg(format!("--tasks={tasks}"))
        .output()
        .unwrap_or_else(|err| fail(1, format!("cannot start {}: {err}", exe.display())));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let numbers: Vec<u64> = stdout
        .split_whitespace()
        .filter_map(|word| word.parse().ok())
        .collect();
    match (output.status.success(), numbers.as_slice()) {
        (true, &[wall_ns, allocated, recorded, not_recorded]) => Figures {
            wall: Duration::from_nanos(wall_ns),
            allocated,
            recorded,
            not_recorded,
        },
        _ => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let first = stderr.lines().next().unwrap_or("no output");
            fail(1, format!("the run '{kind}' failed: {first}"))
        }
    }
}

/// In the child: one run, then `wall_ns allocated recorded not_recorded`
/// on one line.
fn child(tasks: u32, kind: &str) {
    let watched = match kind {
        "plain" => false,
        "off" => true,
        "on" => {
            timeline::start_recording();
            true
        }
        _ => fail(2, format!("--child: unknown kind '{}'", echo(kind))),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap_or_else(|err| fail(1, err));
    let (wall, allocated) = rt.block_on(async {
        let before = ALLOCATED.load(Ordering::Relaxed);
        let start = Instant::now();
        let handles: Vec<_> = (0..tasks)
            .map(|_| {
                if watched {
                    tokio::spawn(labs::watch("plate", plate()))
                } else {
                    tokio::spawn(plate())
                }
            })
            .collect();
        for handle in handles {
            handle.await.unwrap_or_else(|err| fail(1, err));
        }
        (start.elapsed(), ALLOCATED.load(Ordering::Relaxed) - before)
    });
    let recording = timeline::stop_recording("recorder");
    let recorded: usize = recording.threads.iter().map(|t| t.events.len()).sum();
    println!(
        "{} {allocated} {recorded} {}",
        wall.as_nanos(),
        recording.not_recorded
    );
    exit(0)
}

/// A task that yields once: two polls.
async fn plate() {
    tokio::task::yield_now().await;
}

/// Bytes allocated so far (never less what is freed): the recorder's
/// memory is what the recorded run allocates more than the watched one.
static ALLOCATED: AtomicU64 = AtomicU64::new(0);

struct Counting;

// SAFETY: every call is passed to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size() as u64, Ordering::Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;
