//! Part 3, run for real on a short list of numbers (milliseconds each): what
//! each program prints, worker processes that never outlive their parent,
//! the benchmark, and bad options.
//!
//! Times are replaced by `#.######s` (printed to the microsecond, compared
//! not at all: they depend on the machine). The parallel programs print
//! results in the order the checks finish, which varies from run to run:
//! that is the lesson, so their result lines are sorted before comparing.
//! The sequential one keeps its order, the list's.

use crate::support;

use std::process::Command;
#[cfg(unix)] // the tests of worker processes, below
use std::time::Duration;

use labs::testkit::{self, run};
use support::{DEADLINE, SHORT_LIST, name};

const SEQUENTIAL: &str = env!("CARGO_BIN_EXE_primes-sequential");
const THREADS: &str = env!("CARGO_BIN_EXE_primes-threads");
const PROCESSES: &str = env!("CARGO_BIN_EXE_primes-processes");
const RAYON: &str = env!("CARGO_BIN_EXE_primes-rayon");
const BENCH: &str = env!("CARGO_BIN_EXE_primes-bench");

/// The output with times masked and, for a parallel program, the result
/// lines (every line between the first and the last) sorted.
fn comparable(stdout: &str, sort: bool) -> String {
    let mut lines: Vec<&str> = stdout.lines().collect();
    let last = lines.len().saturating_sub(1);
    if sort && last > 1 {
        lines[1..last].sort_unstable_by_key(|line| {
            line.split_whitespace()
                .next()
                .map(str::to_string)
                .map(|n| n.parse::<u64>().unwrap_or(0))
        });
    }
    lines.join("\n") + "\n"
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        filters => vec![
            (r"\b\d+\.\d{6}s\b", "#.######s"),
            (r"checks in \d+\.\d{2}s", "checks in #.##s"),
        ],
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn every_program_checks_the_short_list() {
    for (program, sort) in [
        (SEQUENTIAL, false),
        (THREADS, true),
        (PROCESSES, true),
        (RAYON, true),
    ] {
        let mut command = Command::new(program);
        command.arg(format!("--numbers={SHORT_LIST}"));
        if program != SEQUENTIAL {
            command.arg("--workers=3");
        }
        let output = run(&mut command, DEADLINE);
        assert!(output.status.success(), "{}: {output:?}", name(program));
        assert!(output.stderr.is_empty(), "{}: {output:?}", name(program));
        snapshot(
            &format!("list-{}", name(program)),
            &comparable(&output.stdout, sort),
        );
    }
}

/// The parallel programs find the same verdicts as the sequential one, on
/// every worker count from 1 to more workers than numbers.
#[test]
fn any_number_of_workers_gives_the_same_verdicts() {
    let sequential = run(
        Command::new(SEQUENTIAL).arg(format!("--numbers={SHORT_LIST}")),
        DEADLINE,
    );
    let expected = verdicts(&sequential.stdout);
    assert_eq!(expected.len(), 9);
    for program in [THREADS, PROCESSES, RAYON] {
        for workers in ["1", "2", "12"] {
            let output = run(
                Command::new(program).args([
                    &format!("--numbers={SHORT_LIST}"),
                    "--workers",
                    workers,
                ]),
                DEADLINE,
            );
            assert!(
                output.status.success(),
                "{} {workers}: {output:?}",
                name(program)
            );
            let mut got = verdicts(&output.stdout);
            got.sort();
            let mut want = expected.clone();
            want.sort();
            assert_eq!(got, want, "{} --workers {workers}", name(program));
        }
    }
}

/// Each result line as (number, prime).
fn verdicts(stdout: &str) -> Vec<(u64, bool)> {
    stdout
        .lines()
        .filter_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            let n = words.first()?.parse().ok()?;
            match words.len() {
                2 => Some((n, false)),
                3 if words[1] == "P" => Some((n, true)),
                _ => None,
            }
        })
        .collect()
}

/// Kill the parent in the middle of a run, as `kill -9` would: its worker
/// processes see end-of-file on their stdin and exit at once, even in the
/// middle of a check (each check here takes seconds).
#[cfg(unix)]
#[test]
fn worker_processes_never_outlive_their_parent() {
    use std::process::Stdio;
    use std::thread;
    use std::time::Instant;

    // Primes just below 10^18: about 3 s each in a debug build here.
    let numbers = "999999999999999989,999999999999999877,999999999999999863,999999999999999841";
    let mut parent = Command::new(PROCESSES)
        .args([&format!("--numbers={numbers}"), "--workers=2"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let children = loop {
        let children = testkit::children_of(parent.id());
        if children.len() == 2 {
            break children;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = parent.kill();
            panic!("the parent started {children:?}, not 2 workers");
        }
        thread::sleep(Duration::from_millis(20));
    };
    // Let them start computing, then kill the parent (SIGKILL: no clean-up).
    thread::sleep(Duration::from_millis(300));
    assert!(
        parent.try_wait().unwrap().is_none(),
        "the run ended too early to test"
    );
    parent.kill().unwrap();
    parent.wait().unwrap();
    testkit::assert_all_end(
        &children,
        Duration::from_millis(1500),
        "worker processes whose parent was killed:",
    );
}

/// The benchmark on the short list, one run each, up to 2 workers: a row
/// per program and worker count, the start-up lines, and the target's
/// verdict (met or not depends on the machine and its load; the figures are
/// for people to read, no test asserts a time).
#[test]
fn the_benchmark_prints_its_table_and_the_target() {
    let output = run(
        Command::new(BENCH).env_remove("CARGO").args([
            &format!("--numbers={SHORT_LIST}"),
            "--runs=1",
            "--max-workers=2",
        ]),
        DEADLINE,
    );
    assert!(output.status.success(), "{output:?}");
    let stdout = &output.stdout;
    let rows = labs::testkit::first_two_columns(stdout, "program");
    assert_eq!(
        rows,
        [
            ("sequential", "1"),
            ("threads", "1"),
            ("processes", "1"),
            ("rayon", "1"),
            ("threads", "2"),
            ("processes", "2"),
            ("rayon", "2"),
        ],
        "{stdout}"
    );
    let target = stdout
        .lines()
        .find(|line| line.starts_with("Target: "))
        .expect(stdout);
    assert!(
        target.starts_with("Target: threads and rayon with 2 workers reach at least 85% of the ideal speed-up: threads ")
            && (target.ends_with("(met).") || target.ends_with("(NOT met).")),
        "{target}"
    );
    assert!(
        !stdout.contains("Python"),
        "no Python figures for another list: {stdout}"
    );
}

/// Every program, every option that takes a number, every kind of bad
/// value: one line, exit status 2. The messages are pinned for one program
/// of each kind.
#[test]
fn bad_options_are_one_line_and_exit_2() {
    let spinner = testkit::bad_number_args(&["--number"]);
    let mut debug = testkit::bad_number_args(&["--number", "--slow-poll"]);
    debug.push(vec!["--slow-poll".into(), "0".into()]);
    debug.push(vec!["--slow-poll".into(), "60001".into()]);
    debug.push(vec!["--number".into(), "0".into()]);
    debug.push(vec!["--number".into(), "1000000000000000001".into()]);
    let mut thread = spinner.clone();
    thread.push(vec!["--debug".into()]);
    let mut list = testkit::bad_number_args(&["--numbers"]);
    list.push(vec!["--numbers".into(), "1,x".into()]);
    list.push(vec!["--numbers".into(), "2,,3".into()]);
    list.push(vec!["--numbers".into(), "0".into()]);
    let mut sequential = list.clone();
    sequential.push(vec!["--workers".into(), "2".into()]);
    let mut pool = testkit::bad_number_args(&["--numbers", "--workers"]);
    pool.push(vec!["--workers".into(), "0".into()]);
    pool.push(vec!["--workers".into(), "257".into()]);
    let mut bench = testkit::bad_number_args(&["--runs", "--max-workers"]);
    bench.push(vec!["--runs".into(), "0".into()]);
    bench.push(vec!["--runs".into(), "22".into()]);

    let pinned = [
        (
            "primes-thread",
            testkit::assert_bad_args(env!("CARGO_BIN_EXE_primes-thread"), &thread),
        ),
        (
            "primes-tokio",
            testkit::assert_bad_args(env!("CARGO_BIN_EXE_primes-tokio"), &debug),
        ),
        (
            "primes-sequential",
            testkit::assert_bad_args(SEQUENTIAL, &sequential),
        ),
        ("primes-threads", testkit::assert_bad_args(THREADS, &pool)),
        ("primes-bench", testkit::assert_bad_args(BENCH, &bench)),
    ];
    for program in [
        env!("CARGO_BIN_EXE_primes-tokio-blocking"),
        env!("CARGO_BIN_EXE_primes-tokio-yield"),
        env!("CARGO_BIN_EXE_primes-async-std"),
        env!("CARGO_BIN_EXE_primes-smol"),
    ] {
        testkit::assert_bad_args(program, &debug);
    }
    for program in [PROCESSES, RAYON] {
        testkit::assert_bad_args(program, &pool);
    }
    for (name, messages) in pinned {
        insta::with_settings!({ prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("bad-args-{name}"), messages);
        });
    }
}

/// `primes-threads | head -0`: the reader is gone; every program ends
/// quietly with status 141 (Unix only, as `labs::testkit` explains).
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_every_program_quietly() {
    for program in [SEQUENTIAL, THREADS, PROCESSES, RAYON] {
        let args = [&format!("--numbers={SHORT_LIST}"), "--workers=2"];
        let args = &args[..if program == SEQUENTIAL { 1 } else { 2 }];
        testkit::assert_closed_pipe(Command::new(program).args(args));
    }
    testkit::assert_closed_pipe(
        Command::new(env!("CARGO_BIN_EXE_primes-tokio")).args(["--number", "1000003"]),
    );
}
