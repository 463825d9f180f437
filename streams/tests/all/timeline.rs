//! What `--timeline` records of the clients and of the server inside them,
//! read back from its JSON: the async clients spawn no task (their main
//! future, `session` or `client`, is polled on `main`), the thread race
//! reads on a `reader` thread while `main` waits, and the server serves each
//! connection on a thread of its own. Counts and order, never exact times.

use std::process::Command;
use std::time::Duration;

use labs::testkit::run_with_timeline;
use labs::timeline::{Kind, Recording};

const DEADLINE: Duration = Duration::from_secs(30);

/// Runs `program args --timeline=FILE.json` to a good end.
fn record(program: &str, args: &[&str]) -> Recording {
    let mut command = Command::new(program);
    command.args(args);
    let (_, recording) = run_with_timeline(&mut command, DEADLINE);
    recording
}

/// The one connection, served on its own thread for the whole answer.
fn assert_served_once(recording: &Recording) {
    let serve = recording.events_named("serve");
    assert_eq!(serve.len(), 1, "{recording:#?}");
    assert_eq!(serve[0].0, "connection 1");
    assert_eq!(serve[0].1.kind, Kind::Span);
}

/// No task spawned: `session` is main's own future, polled on `main` each
/// time a row arrives (8 rows: more than 8 polls).
#[test]
fn the_async_client_is_polled_on_main() {
    let program = env!("CARGO_BIN_EXE_streams-smol");
    let recording = record(program, &["--drip", "5"]);
    let polls = recording.events_named("session");
    assert!(polls.len() > 8, "{recording:#?}");
    for (thread, poll) in &polls {
        assert_eq!(*thread, "main");
        assert_eq!(poll.kind, Kind::Poll);
    }
    assert_served_once(&recording);
}

/// The race on threads: `main` runs `client` as one blocking run, and the
/// `reader` thread runs inside it (`client` joins it once the server has
/// said `BYE` and closed); the ticker's frames are drawn on `main`.
#[test]
fn the_thread_race_reads_on_a_reader_thread() {
    let program = env!("CARGO_BIN_EXE_streams-thread-select");
    let recording = record(program, &["--drip", "20"]);
    let client = recording.events_named("client");
    let reader = recording.events_named("reader");
    assert_eq!((client.len(), reader.len()), (1, 1), "{recording:#?}");
    let ((main, client), (thread, reader)) = (client[0], reader[0]);
    assert_eq!((main, thread), ("main", "reader"));
    assert!(client.start <= reader.start && reader.end <= client.end);
    let frames = recording.events_named("frame");
    assert!(!frames.is_empty(), "{recording:#?}");
    assert!(frames.iter().all(|(thread, _)| *thread == "main"));
    assert_served_once(&recording);
}
