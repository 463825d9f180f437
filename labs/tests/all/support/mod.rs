//! Runs the launcher as a person would, piped or in a real pseudo-terminal
//! (the workspace's `labs-pty` crate), always with a deadline: a hang fails
//! the test instead of the CI run.
#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use labs_pty::Collector;

pub const LABS: &str = env!("CARGO_BIN_EXE_labs");

/// The launcher, to run piped.
pub fn labs(args: &[&str]) -> Command {
    let mut command = Command::new(LABS);
    command.args(args).env_remove("NO_COLOR");
    command
}

/// What a piped run printed, and how it ended.
pub struct Output {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Exit status, stdout and stderr, for a snapshot.
    pub fn report(&self) -> String {
        format!(
            "exit status: {:?}\n----- stdout -----\n{}----- stderr -----\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// A piped child with its output collected.
pub struct Piped {
    pub child: Child,
    pub stdout: Collector,
    pub stderr: Collector,
}

impl Piped {
    pub fn start(mut command: Command) -> Piped {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the launcher");
        let stdout = Collector::new(child.stdout.take().unwrap());
        let stderr = Collector::new(child.stderr.take().unwrap());
        Piped {
            child,
            stdout,
            stderr,
        }
    }

    /// Waits until `done(stdout, stderr)` holds, or kills and fails after `secs`.
    pub fn wait_until(&mut self, secs: u64, what: &str, done: impl Fn(&str, &str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while !done(&self.stdout.text(), &self.stderr.text()) {
            if Instant::now() > deadline {
                self.child.kill().ok();
                panic!(
                    "no {what} within {secs} s\nstdout:\n{}\nstderr:\n{}",
                    self.stdout.text(),
                    self.stderr.text()
                );
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the end, or kills and fails after `secs` (from now: a
    /// `wait_until` before may have waited minutes for a first build).
    pub fn finish(mut self, secs: u64) -> Output {
        let deadline = Instant::now() + Duration::from_secs(secs);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                self.child.kill().ok();
                self.child.wait().ok();
                panic!(
                    "still running after {secs} s\nstdout:\n{}\nstderr:\n{}",
                    self.stdout.text(),
                    self.stderr.text()
                );
            }
            thread::sleep(Duration::from_millis(20));
        };
        // A grandchild could keep a pipe open: reading has a deadline too.
        let rest = |output: Collector| {
            assert!(
                output.wait_for_end(Duration::from_secs(10)),
                "output still open 10 s after the end"
            );
            output.text()
        };
        Output {
            code: status.code(),
            stdout: rest(self.stdout),
            stderr: rest(self.stderr),
        }
    }

    /// Kills the child and collects what it printed, within 10 s.
    pub fn kill(mut self) -> Output {
        self.child.kill().unwrap();
        self.finish(10)
    }
}

/// Runs `command` piped to its end, failing after `secs`.
pub fn run(command: Command, secs: u64) -> Output {
    Piped::start(command).finish(secs)
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
