//! Running a supervisor in the tests: its output read line by line as it
//! comes, real signals sent to it, every wait with a deadline.

#![allow(dead_code)] // each test file uses its part

use std::process::Command;
use std::time::Duration;

use labs::testkit::Running;

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

/// A supervisor running, its stdout read as lines; killed when dropped.
pub struct Supervised {
    run: Running,
}

impl Supervised {
    /// Starts `variant` with `args`, its output piped, outside `cargo run`
    /// (no `CARGO`: it builds nothing).
    pub fn start(variant: &str, args: &[&str]) -> Supervised {
        let mut command = Command::new(binary(variant));
        command
            .args(args)
            .env_remove("CARGO")
            .env_remove("NO_COLOR");
        Supervised {
            run: Running::start(&mut command),
        }
    }

    pub fn pid(&self) -> u32 {
        self.run.pid()
    }

    /// Waits for a line that contains `text`, spaces squeezed (`w | line
    /// 1` for `w          | line 1`); fails the test after `within`.
    pub fn wait_for(&mut self, text: &str, within: Duration) {
        self.run
            .wait_for_line(|line| squeezed(line).contains(text), within);
    }

    /// Checks that no line is printed during `quiet`, after the last one
    /// waited for.
    pub fn assert_quiet_for(&mut self, quiet: Duration) {
        self.run.assert_quiet_for(quiet);
    }

    /// Sends the signal `name` (`TERM`, `INT`, `KILL`) to the supervisor.
    #[cfg(unix)]
    pub fn signal(&self, name: &str) {
        self.run.signal(name);
    }

    /// Waits for the end, however it ends (`kill -9`).
    pub fn wait_for_end(&mut self) {
        let ended = self.run.wait(DEADLINE);
        assert!(ended.is_some(), "still running after {DEADLINE:?}");
    }

    /// Waits for the end: the exit code and every line printed.
    pub fn finish(self) -> (i32, String) {
        let output = self.run.finish(DEADLINE);
        (output.code(), output.stdout)
    }

    /// [`Supervised::finish`], the lines [`squeezed`].
    pub fn finish_squeezed(self) -> (i32, String) {
        let (code, output) = self.finish();
        (
            code,
            output.lines().map(|line| squeezed(line) + "\n").collect(),
        )
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
