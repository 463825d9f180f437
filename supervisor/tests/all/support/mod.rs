//! Running a supervisor in the tests: its output read line by line as it
//! comes, real signals sent to it, every wait with a deadline.

#![allow(dead_code)] // each test file uses its part

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::thread;
use std::time::{Duration, Instant};

pub const VARIANTS: [&str; 4] = ["thread", "tokio", "async-std", "smol"];

/// The binary of variant `variant`.
pub fn binary(variant: &str) -> &'static str {
    match variant {
        "thread" => env!("CARGO_BIN_EXE_supervisor-thread"),
        "tokio" => env!("CARGO_BIN_EXE_supervisor-tokio"),
        "async-std" => env!("CARGO_BIN_EXE_supervisor-async-std"),
        "smol" => env!("CARGO_BIN_EXE_supervisor-smol"),
        "tokio-sequential" => env!("CARGO_BIN_EXE_supervisor-tokio-sequential"),
        _ => panic!("no variant {variant}"),
    }
}

/// The worker, as a supervisor finds it (next to itself).
pub const WORKER: &str = "supervisor-worker";

/// A watchdog far longer than any run should take.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// A supervisor running, its stdout read as lines.
pub struct Supervised {
    pub child: Child,
    lines: Receiver<String>,
    pub seen: Vec<String>,
    what: String,
}

impl Supervised {
    /// Starts `variant` with `args`, its output piped, outside `cargo run`
    /// (no `CARGO`: it builds nothing).
    pub fn start(variant: &str, args: &[&str]) -> Supervised {
        let mut child = Command::new(binary(variant))
            .args(args)
            .env_remove("CARGO")
            .env_remove("NO_COLOR")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start supervisor-{variant}: {err}"));
        let (tx, lines) = channel();
        let stdout = child.stdout.take().expect("piped");
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        Supervised {
            child,
            lines,
            seen: Vec::new(),
            what: format!("supervisor-{variant} {args:?}"),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Reads lines until one contains `text`, spaces squeezed (`w | line
    /// 1` for `w          | line 1`); fails the test after `within`.
    pub fn wait_for(&mut self, text: &str, within: Duration) {
        let until = Instant::now() + within;
        if self.seen.iter().any(|line| squeezed(line).contains(text)) {
            return;
        }
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let found = squeezed(&line).contains(text);
                    self.seen.push(line);
                    if found {
                        return;
                    }
                }
                Err(_) => {
                    self.kill();
                    let last = self.seen.len().saturating_sub(20);
                    panic!(
                        "{}: no line with {text:?} within {within:?}; its last lines:\n{}",
                        self.what,
                        self.seen[last..].join("\n")
                    );
                }
            }
        }
    }

    /// The lines printed during `quiet`: there must be none.
    pub fn assert_quiet_for(&mut self, quiet: Duration) {
        match self.lines.recv_timeout(quiet) {
            Err(RecvTimeoutError::Timeout) => {}
            Ok(line) => {
                self.kill();
                panic!("{}: printed {line:?}, expected nothing", self.what);
            }
            Err(RecvTimeoutError::Disconnected) => {
                panic!("{}: ended, expected it to hang", self.what)
            }
        }
    }

    /// Sends `signal` to the supervisor.
    #[cfg(unix)]
    pub fn signal(&self, signal: i32) {
        let pid = libc::pid_t::try_from(self.pid()).unwrap();
        // SAFETY: kill only reads its arguments.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0, "kill {signal}");
    }

    /// Waits for the end: the exit code and every line printed.
    pub fn finish(mut self) -> (i32, String) {
        let until = Instant::now() + DEADLINE;
        let status = labs::testkit::wait(&mut self.child, until, &self.what);
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.seen.push(line);
        }
        let code = status
            .code()
            .unwrap_or_else(|| panic!("{}: killed: {status:?}", self.what));
        (code, self.seen.join("\n") + "\n")
    }

    /// [`Supervised::finish`], the lines [`squeezed`].
    pub fn finish_squeezed(self) -> (i32, String) {
        let (code, output) = self.finish();
        (
            code,
            output.lines().map(|line| squeezed(line) + "\n").collect(),
        )
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `line` with runs of spaces squeezed to one: `w | line 1` for
/// `w          | line 1`.
pub fn squeezed(line: &str) -> String {
    let words: Vec<&str> = line.split(' ').filter(|word| !word.is_empty()).collect();
    words.join(" ")
}

/// The output with what varies from run to run made fixed: the variant's
/// name, the time taken; and the lines sorted by child (each child's own
/// lines keep their order), since children run at the same time. The
/// warning of systems that cannot stop the children of a killed supervisor
/// (macOS) is left out.
pub fn pinned(output: &str, variant: &str) -> String {
    let mut lines: Vec<String> = output
        .lines()
        .filter(|line| !line.contains("this system cannot stop children"))
        .map(|line| {
            let line = line.replace(&format!("supervisor-{variant} "), "supervisor-VARIANT ");
            match line.find("done in ") {
                Some(at) => {
                    let rest = &line[at..];
                    let end = rest.find(" s,").map_or(rest.len(), |end| end + 2);
                    format!("{}done in [time] s{}", &line[..at], &rest[end..])
                }
                None => line,
            }
        })
        .collect();
    lines.sort_by(|a, b| a.split(' ').next().cmp(&b.split(' ').next()));
    lines.join("\n") + "\n"
}
