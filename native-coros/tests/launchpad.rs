//! The launchpad, run as built: in virtual time (exact), and once in real
//! time (checked to the second).

mod support;

use std::process::Command;

use support::{LAUNCHPAD, assert_run_snapshot};

fn launchpad(args: &[&str]) -> Command {
    let mut launchpad = Command::new(LAUNCHPAD);
    launchpad.args(args);
    launchpad
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
