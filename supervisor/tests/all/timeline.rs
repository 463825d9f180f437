//! What `--timeline` records of a supervisor, read back from its JSON: one
//! `supervise` per child, on the runtime's threads; the pipe deadlock of
//! `supervisor-tokio-sequential` as a task that is no longer polled; and the
//! picture written at the exits after a signal (143, 130). Margins a busy
//! machine keeps: counts and gaps, never an exact time.
//!
//! The signals are Unix signals: on Windows these are skipped.
#![cfg(unix)]

use crate::support;

use std::process::Command;
use std::time::Duration;

use labs::testkit::{TimelineFile, run_with_timeline};
use labs::timeline::{Kind, Recording};
use support::{DEADLINE, Supervised, WORKER, binary};

/// Two short children.
const CHILDREN: [&str; 2] = [
    "a=supervisor-worker --lines 2 --every 0.05",
    "b=supervisor-worker --lines 3 --every 0.05",
];

/// Runs `variant` with the two short children, to its end.
fn record(variant: &str) -> Recording {
    let mut command = Command::new(binary(variant));
    command.args(CHILDREN).env_remove("CARGO");
    let (_, recording) = run_with_timeline(&mut command, DEADLINE);
    recording
}

/// Starts `variant` with `args` and `--timeline=FILE.json`, sends `signal`
/// once `ready` is printed and `quiet` has passed without a line (if not
/// zero), and
/// returns the exit code and the recording.
fn record_signalled(
    variant: &str,
    args: &[&str],
    ready: &str,
    quiet: Duration,
    signal: &str,
) -> (i32, Recording) {
    let file = TimelineFile::new();
    let option = file.option();
    let mut all = args.to_vec();
    all.push(&option);
    let mut run = Supervised::start(variant, &all);
    run.wait_for(ready, DEADLINE);
    if !quiet.is_zero() {
        run.assert_quiet_for(quiet);
    }
    run.signal(signal);
    let (code, output) = run.finish();
    let recording = file.read().unwrap_or_else(|err| panic!("{err}:\n{output}"));
    (code, recording)
}

/// A task per child: each `supervise` is polled on the runtime's workers,
/// never on `main` (which only prints), however many workers there are.
#[test]
fn tokio_polls_each_childs_task_on_its_workers() {
    let recording = record("tokio");
    let polls = recording.events_named("supervise");
    assert!(polls.len() >= CHILDREN.len(), "{recording:#?}");
    for (thread, poll) in &polls {
        assert_eq!(poll.kind, Kind::Poll);
        assert!(thread.starts_with("tokio-rt-worker"), "{recording:#?}");
    }
}

/// A thread per child: one `supervise` span each, from the child's start
/// to its end, on two threads of their own.
#[test]
fn threads_run_one_supervise_each() {
    let recording = record("thread");
    let spans = recording.events_named("supervise");
    assert_eq!(spans.len(), CHILDREN.len(), "{recording:#?}");
    assert_ne!(spans[0].0, spans[1].0, "two threads: {recording:#?}");
    for (thread, span) in &spans {
        assert_eq!(span.kind, Kind::Span);
        assert_ne!(*thread, "main");
        // Each child prints for at least 0.05 s.
        assert!(span.end - span.start >= 50_000_000, "{recording:#?}");
    }
}

/// The pipe deadlock on the timeline: the task is polled as the child
/// starts, then not at all while the child is stuck writing to stderr
/// (nothing is ready: the task waits on stdout), then again when SIGTERM
/// asks it to stop; and the picture is drawn at the 143 exit.
#[test]
fn the_stuck_child_leaves_its_task_unpolled() {
    let flood = format!("w={WORKER} --stderr-bytes 200000 --lines 1 --every 0");
    let quiet = Duration::from_secs(2);
    let (code, recording) =
        record_signalled("tokio-sequential", &[&flood], "runs w", quiet, "TERM");
    assert_eq!(code, 143);
    let polls = recording.events_named("supervise");
    let longest_gap = polls
        .windows(2)
        .map(|pair| pair[1].1.start.saturating_sub(pair[0].1.end))
        .max()
        .unwrap_or(0);
    assert!(
        longest_gap >= 1_000_000_000,
        "no poll for a second: {recording:#?}"
    );
}

/// Ctrl-C (SIGINT) on the threads: the children stop, and the picture is
/// written at the 130 exit, each `supervise` span ended.
#[test]
fn ctrl_c_still_writes_the_picture() {
    let long = format!("w={WORKER} --lines 100 --every 1");
    let quiet = Duration::ZERO;
    let (code, recording) = record_signalled("thread", &[&long], "w | line 1", quiet, "INT");
    assert_eq!(code, 130);
    assert_eq!(
        recording.events_named("supervise").len(),
        1,
        "{recording:#?}"
    );
}
