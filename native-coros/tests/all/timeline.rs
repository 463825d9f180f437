//! What `--timeline` records of the two toy loops, in virtual time (the
//! order of the polls is exact; their times are real, and tiny): each
//! rocket is a watched task, polled on the one thread, `main`, the three
//! interleaved as the printed lines are.

use crate::support;

use std::process::Command;

use labs::testkit::run_with_timeline;
use labs::timeline::{Kind, Recording};
use support::{DEADLINE, LAUNCHPAD, WAKERS};

/// Runs `program --virtual-time --timeline=FILE.json`: its stdout and the
/// rockets' polls, in the order they started, as their names (`A`, `B`,
/// `C`), all on `main`.
fn record(program: &str) -> (String, String, Recording) {
    let mut command = Command::new(program);
    command.arg("--virtual-time");
    let (output, recording) = run_with_timeline(&mut command, DEADLINE);
    let mut polls: Vec<_> = ["A", "B", "C"]
        .iter()
        .flat_map(|name| recording.events_named(name))
        .collect();
    polls.sort_by_key(|(_, event)| event.start);
    for (thread, poll) in &polls {
        assert_eq!(*thread, "main", "{recording:#?}");
        assert_eq!(poll.kind, Kind::Poll);
    }
    let order: String = polls.iter().map(|(_, poll)| poll.name.as_str()).collect();
    (output.stdout, order, recording)
}

/// One poll per wake-up, each rocket one more than it sleeps (A: 6 sleeps,
/// B: 4, C: 5), the three taking turns on the loop's one thread: all three
/// at 0 s, A and C at 1 s, then all three each second until A, the last.
#[test]
fn the_launchpad_interleaves_the_rockets_on_one_thread() {
    let (_, order, recording) = record(LAUNCHPAD);
    assert_eq!(order, "ABCACABCABCABCABCA", "{recording:#?}");
}

/// The wakers' loop polls only what was woken: as many polls as the
/// launchpad, the number it prints, and the same turns.
#[test]
fn the_wakers_loop_polls_as_often_as_the_launchpad() {
    let (stdout, order, _) = record(WAKERS);
    let (_, launchpad, _) = record(LAUNCHPAD);
    assert_eq!(order, launchpad);
    assert!(
        stdout.contains(&format!(", {} polls\n", order.len())),
        "{stdout}"
    );
}
