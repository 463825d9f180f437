//! Lab 2, countdown, a benchmark of the timeline's recorder: what
//! `labs::watch` and `--timeline` cost a million tasks.
//!
//!     cargo run --release --bin countdown-recorder [-- --tasks 100000 --repeat 3]
//!
//! The default run (a million tasks, medians of 5 runs of each) takes
//! about 15 s.
//!
//! Runs N tasks on a tokio current-thread runtime (one thread: no
//! scheduling noise between cores), each yielding once (two polls): plain;
//! each wrapped in `labs::watch` with the recorder off (what every lab pays
//! when `--timeline` is not given); and, for one of two tasks, with the
//! recorder on. Prints the median wall times, their ratios to the plain
//! run, the memory per task, and the recorder's memory per recorded event
//! (the bytes allocated with the recorder on, less those allocated with it
//! off, over the events recorded; a counting allocator counts them).
//!
//! Two tasks, because the memory of a task comes in steps: tokio keeps a
//! task in a cell aligned to 128 bytes (x86-64 and ARM64), and in tokio
//! 1.54 a 128-byte cell holds a future of at most 24 bytes. The task with
//! room is `yield_now()` itself (16 bytes); the task that fills its cell,
//! an `async fn` that awaits `yield_now()` (24 bytes). Watched under a name
//! written in the source (`watch!("plate", ...)`, as the labs do), a
//! future stays as long as it was: each stays in its cell and pays one
//! atomic load per poll. Watched under a name known only at run time
//! (`watch!(name, ...)`), a future is two bytes longer (its name's number),
//! padded to its alignment (8 bytes for most futures): the task that fills
//! its cell then takes the next size of cell, 256 bytes, as any field added
//! to it would; that row's ratio is the step's cost.
//!
//! Every run happens in a child process (this program started again with
//! `--child`): the recorder starts once per process. The runs of every kind
//! take turns, so that a machine busy with something else slows them alike.

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
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

/// The two tasks: as `--child` names them, and as the table does.
const TASKS: [(&str, &str); 2] = [
    ("room", "A task with room in its cell: yield_now() itself"),
    (
        "full",
        "A task that fills its cell: an async fn that awaits yield_now()",
    ),
];

/// The kinds of run, as `--child` names them (with the task's), as the
/// table does, and the target ratio to the plain run; the name known at run
/// time and the recorder on are measured with the task that fills its cell.
const KINDS: [(&str, &str, Option<f64>); 4] = [
    ("plain", "plain tasks", None),
    ("off", "watched, recorder off", Some(1.02)),
    ("runtime", "  by a run-time name", None),
    ("on", "watched, recorder on", Some(1.5)),
];

/// The runs, in the order they take turns: each kind with each task.
const RUNS: [(&str, &str); 6] = [
    ("plain", "room"),
    ("off", "room"),
    ("plain", "full"),
    ("off", "full"),
    ("runtime", "full"),
    ("on", "full"),
];

/// How a run's tasks are spawned.
#[derive(Clone, Copy)]
enum Watch {
    Not,
    /// `watch!("plate", ...)`: a name written in the source.
    Literal,
    /// `watch!(name, ...)`: a name known at run time.
    RunTime,
}

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
    let mut runs: Vec<Vec<Figures>> = vec![Vec::new(); RUNS.len()];
    for _ in 0..args.repeat {
        for ((kind, task), runs) in RUNS.iter().zip(&mut runs) {
            runs.push(measure(&exe, args.tasks, kind, task));
        }
    }
    let tasks = f64::from(args.tasks);
    let figures = |kind: &str, task: &str| {
        let index = RUNS.iter().position(|run| *run == (kind, task));
        let runs = &runs[index.expect("a kind of run measured")];
        let wall = median(runs.iter().map(|run| run.wall.as_secs_f64()));
        let allocated = median(runs.iter().map(|run| run.allocated as f64));
        (wall, allocated)
    };
    for (task, title) in TASKS {
        let (plain_future, watched, run_time) = future_sizes(task);
        println!(
            "\n{title}\n(a future of {plain_future} bytes; watched, {watched}; \
             by a name known at run time, {run_time}):"
        );
        println!(
            "{:<22} {:>10} {:>8} {:>16}",
            "", "wall", "ratio", "memory per task"
        );
        let (plain, _) = figures("plain", task);
        for (kind, name, target) in KINDS {
            if !RUNS.contains(&(kind, task)) {
                continue;
            }
            let (wall, allocated) = figures(kind, task);
            let ratio = wall / plain;
            let verdict = match target {
                None => String::new(),
                Some(target) if ratio <= target => format!("  target at most {target}x: met"),
                Some(target) => format!("  target at most {target}x: NOT met"),
            };
            println!(
                "{name:<22} {:>7.1} ms {ratio:>7.3}x {:>10.1} bytes{verdict}",
                wall * 1000.0,
                allocated / tasks,
            );
        }
    }
    println!(
        "Memory per task: the task's cell, its share of the handles' list, and, recorder on, of the recording."
    );
    let recorded_runs = &runs[RUNS.len() - 1];
    let recorded = median(recorded_runs.iter().map(|run| run.recorded as f64));
    let not_recorded = median(recorded_runs.iter().map(|run| run.not_recorded as f64));
    let per_event = (figures("on", "full").1 - figures("off", "full").1) / recorded.max(1.0);
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
    println!(
        "A watched task costs one atomic load per poll, and its name, written in the source, no memory.\n\
         A name known only at run time adds two bytes to the future: a task that fills its cell then\n\
         takes tokio's next size of cell (see the memory per task). On a machine busy with other work\n\
         the ratios move: run it again to see how much."
    );
}

/// The size of a task's future: plain, watched, and watched by a name known
/// at run time, in bytes.
fn future_sizes(task: &str) -> (usize, usize, usize) {
    fn sizes<F: Future>(future: impl Fn() -> F) -> (usize, usize, usize) {
        let name: &'static str = "plate";
        (
            std::mem::size_of_val(&future()),
            std::mem::size_of_val(&labs::watch!("plate", future())),
            std::mem::size_of_val(&labs::watch!(name, future())),
        )
    }
    if task == "room" {
        sizes(tokio::task::yield_now)
    } else {
        sizes(plate)
    }
}

/// Runs this program again as a child that measures one kind of run of
/// one task.
fn measure(exe: &std::path::Path, tasks: u32, kind: &str, task: &str) -> Figures {
    let output = Command::new(exe)
        .arg(format!("--child={kind}-{task}"))
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
            fail(1, format!("the run '{kind}-{task}' failed: {first}"))
        }
    }
}

/// In the child: one run (`--child=KIND-TASK`), then `wall_ns allocated
/// recorded not_recorded` on one line.
fn child(tasks: u32, run: &str) {
    let (kind, task) = run.split_once('-').unwrap_or((run, ""));
    let watch = match kind {
        "plain" => Watch::Not,
        "off" => Watch::Literal,
        "runtime" => Watch::RunTime,
        "on" => {
            timeline::start_recording();
            Watch::Literal
        }
        _ => fail(2, format!("--child: unknown kind '{}'", echo(kind))),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap_or_else(|err| fail(1, err));
    let (wall, allocated) = match task {
        "room" => rt.block_on(spawn_all(tasks, watch, tokio::task::yield_now)),
        "full" => rt.block_on(spawn_all(tasks, watch, plate)),
        _ => fail(2, format!("--child: unknown task '{}'", echo(task))),
    };
    let recording = timeline::stop_recording("recorder");
    let recorded: usize = recording.threads.iter().map(|t| t.events.len()).sum();
    println!(
        "{} {allocated} {recorded} {}",
        wall.as_nanos(),
        recording.not_recorded
    );
    exit(0)
}

/// Spawns `tasks` tasks made by `task`, watched as `watch` says, and waits
/// for them all: the time that took, and the bytes allocated meanwhile.
async fn spawn_all<F>(tasks: u32, watch: Watch, task: fn() -> F) -> (Duration, u64)
where
    F: Future<Output = ()> + Send + 'static,
{
    let before = ALLOCATED.load(Ordering::Relaxed);
    let start = Instant::now();
    let name: &'static str = "plate";
    let handles: Vec<_> = (0..tasks)
        .map(|_| match watch {
            Watch::Not => tokio::spawn(task()),
            Watch::Literal => tokio::spawn(labs::watch!("plate", task())),
            Watch::RunTime => tokio::spawn(labs::watch!(name, task())),
        })
        .collect();
    for handle in handles {
        handle.await.unwrap_or_else(|err| fail(1, err));
    }
    (start.elapsed(), ALLOCATED.load(Ordering::Relaxed) - before)
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
