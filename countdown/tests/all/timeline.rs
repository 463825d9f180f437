//! What `--timeline` records, run for real at a tenth of the lab's speed
//! (`--scale 0.1`) and read back from its JSON: which countdown was polled
//! on which thread, and for how long. Margins a busy machine keeps: a sleep
//! never ends early, so a poll that sleeps lasts at least its sleeps; never
//! an exact time, and nothing that depends on the machine's cores.

use std::process::Command;
use std::time::Duration;

use labs::testkit::run_with_timeline;
use labs::timeline::{Event, Kind, Recording};

const DEADLINE: Duration = Duration::from_secs(30);
const SCALE: f64 = 0.1;
const COUNTDOWNS: [&str; 4] = ["A", "B", "C", "D"];

/// One lab second at `SCALE`, in nanoseconds.
const LAB_SECOND: u64 = (SCALE * 1e9) as u64;

/// Runs `program --scale 0.1 --timeline=FILE.json`.
fn record(program: &str) -> Recording {
    let mut command = Command::new(program);
    command.args(["--scale", &SCALE.to_string()]);
    let (_, recording) = run_with_timeline(&mut command, DEADLINE);
    assert_eq!(recording.events_named("tick").len(), 12, "{recording:#?}");
    recording
}

/// The countdowns' events of `kind`, with their threads, in the order they
/// started.
fn runs(recording: &Recording, kind: Kind) -> Vec<(&'static str, &str, &Event)> {
    let mut runs: Vec<_> = COUNTDOWNS
        .iter()
        .flat_map(|&label| {
            let events = recording.events_named(label).into_iter();
            events.map(move |(thread, event)| (label, thread, event))
        })
        .filter(|(_, _, event)| event.kind == kind)
        .collect();
    runs.sort_by_key(|(_, _, event)| event.start);
    runs
}

/// One thread, blocked by `std::thread::sleep`: each countdown runs all its
/// ticks in a single poll, in the order they were spawned, and while it
/// holds the thread no other countdown is polled at all.
#[test]
fn one_thread_blocked_each_countdown_holds_it_to_the_end() {
    let recording = record(env!(
        "CARGO_BIN_EXE_countdown-tokio-current-thread-blocking"
    ));
    let polls = runs(&recording, Kind::Poll);
    let labels: Vec<&str> = polls.iter().map(|(label, _, _)| *label).collect();
    assert_eq!(labels, COUNTDOWNS, "one poll each: {recording:#?}");
    for (label, thread, poll) in &polls {
        assert_eq!(*thread, "main", "{label}");
        // C, the shortest, sleeps 3 x 0.3 lab seconds in its one poll.
        assert!(
            poll.end - poll.start >= 9 * LAB_SECOND / 10,
            "{recording:#?}"
        );
        let others = polls.iter().filter(|(other, _, _)| other != label);
        for (other, _, during) in others {
            let overlap = poll.start < during.end && during.start < poll.end;
            assert!(!overlap, "{other} was polled while {label} held the thread");
        }
    }
}

/// Multi-thread, blocked: the same single poll per countdown, but each on a
/// worker of its own, all four at once: every one starts while B (6 lab
/// seconds of sleep) still holds its worker.
#[test]
fn four_workers_blocked_each_countdown_holds_a_worker() {
    let recording = record(env!("CARGO_BIN_EXE_countdown-tokio-blocking"));
    let polls = runs(&recording, Kind::Poll);
    assert_eq!(polls.len(), 4, "one poll each: {recording:#?}");
    let mut threads: Vec<&str> = polls.iter().map(|(_, thread, _)| *thread).collect();
    threads.sort_unstable();
    threads.dedup();
    assert_eq!(threads.len(), 4, "four workers: {recording:#?}");
    let (_, _, b) = polls.iter().find(|(label, _, _)| *label == "B").unwrap();
    assert!(b.end - b.start >= 6 * LAB_SECOND, "{recording:#?}");
    let last_start = polls.iter().map(|(_, _, poll)| poll.start).max().unwrap();
    assert!(last_start < b.end, "{recording:#?}");
}

/// Not blocked: each countdown is polled once to start, then once per timer
/// (3 ticks), and gives its thread back at every `.await`.
#[test]
fn not_blocked_each_countdown_is_polled_at_every_tick() {
    let recording = record(env!("CARGO_BIN_EXE_countdown-tokio"));
    let polls = runs(&recording, Kind::Poll);
    for label in COUNTDOWNS {
        let count = polls.iter().filter(|(l, _, _)| *l == label).count();
        assert!(count >= 3, "{label} polled {count} times: {recording:#?}");
    }
}

/// Threads: each countdown is one blocking run on a thread of its own.
#[test]
fn threads_each_countdown_is_a_blocking_run_on_its_own_thread() {
    let recording = record(env!("CARGO_BIN_EXE_countdown-thread"));
    let spans = runs(&recording, Kind::Span);
    // Which thread starts first is up to the OS.
    let mut labels: Vec<&str> = spans.iter().map(|(label, _, _)| *label).collect();
    labels.sort_unstable();
    assert_eq!(labels, COUNTDOWNS, "{recording:#?}");
    let mut threads: Vec<&str> = spans.iter().map(|(_, thread, _)| *thread).collect();
    threads.sort_unstable();
    threads.dedup();
    assert_eq!(threads.len(), 4, "{recording:#?}");
    assert!(!threads.contains(&"main"), "{recording:#?}");
}
