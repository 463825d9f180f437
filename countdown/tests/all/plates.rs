//! The plates benchmark, run for real with a handful of plates: every
//! runtime's child process runs and reports, and bad options are one line.
//! Its figures are for people to read (the lab sheet shows a real run); no
//! test asserts a time.

use std::process::Command;
use std::time::Duration;

use labs::testkit::{Output, assert_bad_args, bad_number_args};

const PLATES: &str = env!("CARGO_BIN_EXE_countdown-plates");

/// Runs the benchmark with `args`; kills it and fails after 60 s.
fn plates(args: &[&str]) -> Output {
    labs::testkit::run(Command::new(PLATES).args(args), Duration::from_secs(60))
}

#[test]
fn a_small_run_prints_a_row_per_runtime_and_the_asyncio_reference() {
    let output = plates(&[
        "--tasks",
        "20",
        "--threads",
        "5",
        "--seconds",
        "0.01",
        "--repeat",
        "2",
    ]);
    let stdout = &output.stdout;
    assert!(output.status.success(), "{output:?}");
    assert!(output.stderr.is_empty(), "{output:?}");
    let rows = labs::testkit::first_two_columns(stdout, "runtime");
    assert_eq!(
        rows,
        [
            ("tokio", "20"),
            ("async-std", "20"),
            ("smol", "20"),
            ("thread", "5"),
            ("(asyncio)", "1000000"),
        ],
        "{stdout}"
    );
    assert!(stdout.starts_with("Plates: 20 tasks per async runtime, 5 OS threads"));
    // Every platform the labs run on reports peak memory.
    assert!(!stdout.contains("n/a"), "{stdout}");
}

/// Every numeric option with numbers of every shape (negative, infinite, not
/// a number, a 100 KB paste) and just outside its range: exit status 2, one
/// short line on stderr that says what is wrong, nothing on stdout, no
/// panic. The messages are pinned.
#[test]
fn bad_options_are_one_line_and_exit_2() {
    let mut argvs = bad_number_args(&["--tasks", "--threads", "--seconds", "--repeat"]);
    for (option, outside) in [
        ("--tasks", "0"),
        ("--tasks", "2000001"),
        ("--threads", "0"),
        ("--threads", "10001"),
        ("--seconds", "0"),
        ("--seconds", "0.009"),
        ("--seconds", "10.5"),
        ("--repeat", "0"),
        ("--repeat", "10"),
    ] {
        argvs.push(vec![option.into(), outside.into()]);
    }
    insta::assert_snapshot!("bad-options", assert_bad_args(PLATES, &argvs));
}

#[test]
fn help_shows_the_range_of_every_number() {
    let output = plates(&["--help"]);
    let help = &output.stdout;
    for range in ["[1 to 2000000]", "[1 to 10000]", "[0.01 to 10]", "[1 to 9]"] {
        assert!(help.contains(range), "{range} in {help}");
    }
}

/// `countdown-plates | head -0`: the reader is gone before the first line;
/// the benchmark ends at once, quietly, with status 141. Skipped on Windows
/// (see `labs::testkit::assert_closed_pipe`).
#[cfg(unix)]
#[test]
fn a_closed_stdout_ends_the_benchmark_quietly_with_141() {
    labs::testkit::assert_closed_pipe(Command::new(PLATES).args([
        "--tasks",
        "20",
        "--threads",
        "5",
        "--seconds",
        "0.01",
        "--repeat",
        "1",
    ]));
}

/// The recorder's benchmark, with a handful of tasks: a table per task, a
/// row per kind of run, and the recorder's memory per event (never a time
/// asserted).
#[test]
fn the_recorder_benchmark_prints_a_row_per_kind_and_the_memory_per_event() {
    let recorder = env!("CARGO_BIN_EXE_countdown-recorder");
    let args = ["--tasks", "100", "--repeat", "1"];
    let output = labs::testkit::run(Command::new(recorder).args(args), Duration::from_secs(60));
    assert!(output.status.success(), "{output:?}");
    let stdout = &output.stdout;
    let kinds: Vec<&str> = stdout
        .lines()
        .filter(|line| line.contains(" ms "))
        .map(|line| {
            line.split("  ")
                .find(|word| !word.is_empty())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "plain tasks",
            "watched, recorder off",
            "plain tasks",
            "watched, recorder off",
            "by a run-time name",
            "watched, recorder on"
        ],
        "{stdout}"
    );
    for task in [
        "A task with room in its cell: yield_now() itself\n(a future of ",
        "A task that fills its cell: an async fn that awaits yield_now()\n(a future of ",
    ] {
        assert!(stdout.contains(task), "{stdout}");
    }
    assert!(
        stdout.contains(" bytes per recorded event (200 events recorded)."),
        "{stdout}"
    );
}
