//! The launchpad, run as built: in virtual time (exact), and once in real
//! time (checked to the second); then its two siblings on the same loop,
//! wakers and chess, in virtual time.

use crate::support;

use std::process::Command;

use support::{CHESS, LAUNCHPAD, WAKERS, assert_run_snapshot, run};

fn launchpad(args: &[&str]) -> Command {
    command(LAUNCHPAD, args)
}

fn command(program: &str, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command.args(args);
    command
}

#[test]
fn virtual_time() {
    assert_run_snapshot!(launchpad(&["--virtual-time"]));
}

/// About 5 s of real time. The program prints times to the millisecond;
/// this snapshot keeps whole seconds only (`2.003s` becomes `2.[ms]s`).
/// `sleep` never wakes early, so a waited time is its nominal value plus
/// some lateness (milliseconds), and a busy machine would have to make the
/// wake-ups of one countdown late by a whole second in all to change a line.
/// The order of the lines is the same as in virtual time: tasks due together
/// run in the order they were scheduled, and real wake-up times keep that
/// order.
#[test]
fn real_time_to_the_second() {
    insta::with_settings!({filters => vec![(r"\b(\d+)\.\d{3}s\b", "$1.[ms]s")]}, {
        assert_run_snapshot!(launchpad(&[]));
    });
}

/// The launchpad with wakers: the same lines, and the number of polls.
#[test]
fn wakers_in_virtual_time() {
    assert_run_snapshot!(command(WAKERS, &["--virtual-time"]));
}

/// Wakers change who decides when a task is polled, not what the
/// countdowns print: every line but the last is the launchpad's.
#[test]
fn wakers_print_the_launchpads_lines() {
    let launchpad = run(&mut launchpad(&["--virtual-time"])).stdout;
    let wakers = run(&mut command(WAKERS, &["--virtual-time"])).stdout;
    let (launchpad, _) = launchpad.trim_end().rsplit_once('\n').unwrap();
    let (wakers, total) = wakers.trim_end().rsplit_once('\n').unwrap();
    assert_eq!(wakers, launchpad);
    assert!(total.ends_with("(virtual clock), 18 polls"), "{total}");
}

/// The chess exhibition: 12 hours against 1, on the virtual clock.
#[test]
fn chess() {
    assert_run_snapshot!(Command::new(CHESS));
}

/// The workspace's README opens with the chess exhibition and shows what
/// it prints: the very lines.
#[test]
fn the_readme_shows_what_chess_prints() {
    let printed = run(&mut Command::new(CHESS)).stdout;
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("the workspace's README");
    assert!(
        readme.contains(&format!("```text\n{printed}```")),
        "the README should show, in a text block:\n{printed}"
    );
}
