//! Runs the launcher as a person would, piped or in a real pseudo-terminal
//! (the workspace's `labs-pty` crate), always with a deadline: a hang fails
//! the test instead of the CI run.
#![allow(dead_code)]

use std::process::Command;
use std::time::Duration;

pub use labs::testkit::{Output, Running};

pub const LABS: &str = env!("CARGO_BIN_EXE_labs");

/// The launcher, to run piped.
pub fn labs(args: &[&str]) -> Command {
    let mut command = Command::new(LABS);
    command.args(args).env_remove("NO_COLOR");
    command
}

/// Exit status, stdout and stderr of a piped run, for a snapshot.
pub fn report(output: &Output) -> String {
    format!(
        "exit status: {:?}\n----- stdout -----\n{}----- stderr -----\n{}",
        output.status.code(),
        output.stdout,
        output.stderr
    )
}

/// Runs `command` piped to its end, failing after `secs`.
pub fn run(mut command: Command, secs: u64) -> Output {
    Running::start(&mut command).finish(Duration::from_secs(secs))
}

pub const ROWS: u16 = 24;
pub const COLS: u16 = 100;

/// The launcher with `args` in a fresh 100x24 pseudo-terminal, started in
/// this crate's folder from a colour terminal, as a person starts it.
pub fn launcher(args: &[&str]) -> labs_pty::Command {
    labs_pty::Command::new(LABS)
        .args(args)
        .size(ROWS, COLS)
        .cwd(env!("CARGO_MANIFEST_DIR"))
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR")
}
