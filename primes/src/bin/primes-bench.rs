//! Lab 5, primes, the benchmark: sequential, threads, processes and rayon
//! side by side, on the lab's 20 numbers, for 1 to N workers (N: the number
//! of CPUs), with the Python figures beside them.
//!
//!     cargo run --release --bin primes-bench [-- --runs 5 --max-workers 4]
//!
//! Each figure is the median wall time of R runs of the real program, as a
//! participant runs it (start-up included). The speed-up is against the
//! sequential program. The *ideal* speed-up with W workers is W, unless one
//! check is longer than an equal share of the work: a single check cannot be
//! split, so no number of workers finishes before the longest one. The
//! target: threads and rayon reach at least 0.85 x the ideal with N workers.
//!
//! `cargo run` builds only this program, so under `cargo run` it first builds
//! the four it runs (`cargo build -p primes --bins`, same profile).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use labs::bench::median;
use labs::cli::fail;
use primes::{MAX_WORKERS, Numbers, cpus, whole_within};

/// Time the four programs of part 3 side by side.
#[derive(Debug, clap::Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    numbers: Numbers,
    /// Runs of each program and number of workers; figures are medians
    /// [1 to 21].
    #[arg(long, value_name = "R", default_value_t = 3,
          value_parser = whole_within(1_u32, 21), allow_negative_numbers = true)]
    runs: u32,
    /// The most workers to try [1 to 256]; the default is the number of CPUs.
    #[arg(long, value_name = "N", default_value_t = cpus(),
          value_parser = whole_within(1, MAX_WORKERS),
          allow_negative_numbers = true)]
    max_workers: u32,
}

/// The target: threads and rayon reach this share of the ideal speed-up.
const TARGET: f64 = 0.85;

/// The Python reference, measured on a 2-core machine with the same 20
/// numbers and the same trial division: (program, workers, seconds).
const PYTHON: [(&str, u32, f64); 3] = [
    ("sequential", 1, 19.4),
    ("threads", 2, 19.7),
    ("processes", 2, 11.0),
];

const PARALLEL: [&str; 3] = ["threads", "processes", "rayon"];

/// What one program run gives: its wall time and the longest single check.
struct Run {
    wall: f64,
    longest: f64,
}

fn main() {
    let args: Args = labs::parse_args();
    labs::bench::build_sibling_binaries(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"));
    let dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| fail(1, "cannot find where primes-bench is"));
    let program = |name: &str| -> PathBuf {
        let path = dir.join(format!("primes-{name}{}", std::env::consts::EXE_SUFFIX));
        if !path.exists() {
            fail(
                1,
                format!(
                    "{} is not built: run `cargo build {}-p primes` first",
                    path.display(),
                    if cfg!(debug_assertions) {
                        ""
                    } else {
                        "--release "
                    }
                ),
            );
        }
        path
    };
    let numbers = args.numbers.list();
    let list: Vec<String> = numbers.iter().map(u64::to_string).collect();
    let list = list.join(",");
    let lab_numbers = numbers == primes::NUMBERS;
    if cfg!(debug_assertions) {
        println!("note: a debug build; for real figures use the release build");
    }
    let runs = match args.runs {
        1 => "one run each".to_string(),
        runs => format!("medians of {runs} runs each"),
    };
    println!(
        "{} numbers, 1 to {} workers ({} CPUs), {runs}.",
        numbers.len(),
        args.max_workers,
        cpus(),
    );
    println!();
    println!(
        "{:<11} {:>7} {:>9} {:>9} {:>7} {:>9}{}",
        "program",
        "workers",
        "median",
        "speed-up",
        "ideal",
        "of ideal",
        if lab_numbers {
            "    Python, 2 cores"
        } else {
            ""
        }
    );

    // Every configuration once per round, round after round, so that a
    // busy moment of the machine falls on all of them alike.
    let mut configs: Vec<(&str, Option<u32>)> = vec![("sequential", None)];
    for workers in 1..=args.max_workers {
        configs.extend(PARALLEL.map(|name| (name, Some(workers))));
    }
    let programs: Vec<PathBuf> = configs.iter().map(|(name, _)| program(name)).collect();
    let mut runs: Vec<Vec<Run>> = configs.iter().map(|_| Vec::new()).collect();
    for round in 1..=args.runs {
        for (((_, workers), path), runs) in configs.iter().zip(&programs).zip(&mut runs) {
            runs.push(run(path, &list, *workers));
        }
        eprintln!("round {round} of {} done", args.runs);
    }
    let medians: Vec<Run> = runs
        .iter()
        .map(|runs| Run {
            wall: median(runs.iter().map(|run| run.wall)),
            longest: median(runs.iter().map(|run| run.longest)),
        })
        .collect();
    let python = |name: &str, workers: u32| -> String {
        PYTHON
            .iter()
            .find(|(program, w, _)| *program == name && *w == workers && lab_numbers)
            .map(|(_, _, seconds)| {
                let python_sequential = PYTHON[0].2;
                format!("    {seconds:5.1}s {:5.2}x", python_sequential / seconds)
            })
            .unwrap_or_default()
    };

    let sequential = &medians[0];
    let seq = sequential.wall;
    // No number of workers beats the longest single check.
    let ideal = |workers: u32| seq / (seq / f64::from(workers)).max(sequential.longest);
    let mut at_most = Vec::new();
    for ((name, workers), measured) in configs.iter().zip(&medians) {
        let workers = workers.unwrap_or(1);
        let wall = measured.wall;
        let speed_up = seq / wall;
        let share = speed_up / ideal(workers);
        let of_ideal = if *name == "sequential" {
            String::new()
        } else {
            format!("{:.0}%", share * 100.0)
        };
        println!(
            "{name:<11} {workers:>7} {wall:>8.3}s {speed_up:>8.2}x {:>6.2}x {of_ideal:>9}{}",
            ideal(workers),
            python(name, workers)
        );
        if workers == args.max_workers && *name != "sequential" {
            at_most.push((*name, share));
        }
    }

    println!();
    println!(
        "Start-up: each program checking only the number 2, {} workers.",
        args.max_workers
    );
    for name in PARALLEL {
        let path = program(name);
        let walls = (0..args.runs).map(|_| run(&path, "2", Some(args.max_workers)).wall);
        println!("{name:<11} {:>8.1} ms", median(walls) * 1000.0);
    }

    println!();
    let verdicts: Vec<String> = at_most
        .iter()
        .filter(|(name, _)| *name != "processes")
        .map(|(name, share)| format!("{name} {:.0}%", share * 100.0))
        .collect();
    let met = at_most
        .iter()
        .filter(|(name, _)| *name != "processes")
        .all(|(_, share)| *share >= TARGET);
    println!(
        "Target: threads and rayon with {} workers reach at least {:.0}% of the ideal speed-up: {} ({}).",
        args.max_workers,
        TARGET * 100.0,
        verdicts.join(", "),
        if met { "met" } else { "NOT met" }
    );
    if !met {
        println!(
            "The figures need an otherwise idle machine: anything else running takes cores away."
        );
    }
    if lab_numbers {
        println!(
            "Python (CPython, the GIL): 2 threads are no faster than 1; 2 processes are 1.76x."
        );
    }
}

/// Runs one program on `list` and times it, start-up included.
fn run(program: &Path, list: &str, workers: Option<u32>) -> Run {
    let mut command = Command::new(program);
    command.arg(format!("--numbers={list}"));
    if let Some(workers) = workers {
        command.arg(format!("--workers={workers}"));
    }
    let started = Instant::now();
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|err| fail(1, format!("cannot run {}: {err}", program.display())));
    let wall = started.elapsed().as_secs_f64();
    if !output.status.success() {
        fail(
            1,
            format!("{} failed: {}", program.display(), output.status),
        );
    }
    let longest = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(took)
        .map(|took| took.as_secs_f64())
        .fold(0.0, f64::max);
    Run { wall, longest }
}

/// The time a result line says the check took: its last word, `0.123456s`.
/// A result line is a number, `P` or nothing, and that time.
fn took(line: &str) -> Option<Duration> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let (first, last) = (words.first()?, words.last()?);
    let middle_ok = match words.len() {
        2 => true,
        3 => words[1] == "P",
        _ => false,
    };
    if !middle_ok || first.parse::<u64>().is_err() {
        return None;
    }
    let word = last.strip_suffix('s')?;
    Duration::try_from_secs_f64(word.parse().ok()?).ok()
}
