//! What `--timeline` records, run for real and read back from its JSON:
//! when the requests reached the server, when each flag was saved, and on
//! which threads. Margins a busy machine keeps: a server's delay never ends
//! early, so only lower bounds on times are checked, never an exact time.

use crate::support;

use std::process::Command;
use std::time::Duration;

use flags::{Config, Delay, FlagServer};
use labs::testkit::run_with_timeline;
use labs::timeline::{Event, Kind, Recording};
use support::{DEADLINE, TempDir};

/// Runs `program args --timeline=FILE.json` in a fresh folder.
fn record(program: &str, args: &[&str]) -> Recording {
    let dir = TempDir::new("timeline");
    let mut command = Command::new(program);
    command.args(args).current_dir(dir.path());
    let (_, recording) = run_with_timeline(&mut command, DEADLINE);
    recording
}

fn starts(events: &[(&str, &Event)]) -> Vec<u64> {
    events.iter().map(|(_, event)| event.start).collect()
}

/// One thread, 20 tasks: every request reaches the server (in this
/// process, 0.4 to 0.6 s per answer) before the first flag is saved, and
/// every download task is polled on that one thread.
#[test]
fn the_async_client_sends_every_request_before_the_first_answer() {
    let recording = record(env!("CARGO_BIN_EXE_flags-tokio"), &[]);
    let requests = recording.events_named("request");
    let saved = recording.events_named("saved");
    assert_eq!((requests.len(), saved.len()), (20, 20), "{recording:#?}");
    let last_request = starts(&requests).into_iter().max().unwrap();
    let first_saved = starts(&saved).into_iter().min().unwrap();
    assert!(last_request < first_saved, "{recording:#?}");
    assert!(requests.iter().all(|(thread, _)| *thread == "flag-server"));
    let downloads = recording.events_named("download");
    assert!(downloads.len() >= 20, "{recording:#?}");
    let threads: Vec<&str> = downloads.iter().map(|(thread, _)| *thread).collect();
    assert!(
        threads.iter().all(|thread| *thread == "main"),
        "{threads:?}"
    );
}

/// A pool of 4 threads against 20 flags and a 100 ms delay: each worker is
/// one blocking run on a thread of its own, and the flags are saved in
/// waves of at most 4: the i-th saved (from 0) waited for at least
/// i / 4 + 1 answers of 100 ms, one after another.
#[test]
fn a_pool_of_4_threads_downloads_in_waves_of_4() {
    const DELAY: Duration = Duration::from_millis(100);
    let server = FlagServer::start(Config {
        delay: Delay::fixed(DELAY),
        ..Config::default()
    })
    .expect("start a flag server");
    let program = env!("CARGO_BIN_EXE_flags2-thread");
    let recording = record(program, &["-m", "4", "--server", &server.url()]);
    let workers = recording.events_named("worker");
    assert_eq!(workers.len(), 4, "{recording:#?}");
    let mut threads: Vec<&str> = workers.iter().map(|(thread, _)| *thread).collect();
    threads.sort_unstable();
    threads.dedup();
    assert_eq!(threads.len(), 4, "a thread each: {recording:#?}");
    assert!(workers.iter().all(|(_, event)| event.kind == Kind::Span));
    let first_start = starts(&workers).into_iter().min().unwrap();
    let saved = starts(&recording.events_named("saved"));
    assert_eq!(saved.len(), 20, "{recording:#?}");
    let delay = u64::try_from(DELAY.as_nanos()).unwrap();
    for (i, at) in (0u64..).zip(&saved) {
        let waited = at - first_start;
        assert!(
            waited >= (i / 4 + 1) * delay,
            "flag {i} saved after {waited} ns: more than 4 at once? {recording:#?}"
        );
    }
    assert_eq!(server.requests(), 20);
}
