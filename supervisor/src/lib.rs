//! What the variants of the supervisor lab share that is not the lesson:
//! the command line, the programs to run and where to find them, the lines
//! of output with their prefixes and colours, the restart policy, the stop
//! requests, and the final report. Starting the children, reading their
//! pipes, waiting for them, stopping and restarting them is the lesson: it
//! is in each variant's file.

use std::ffi::OsString;
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicI32, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use crossterm::style::{Color, Stylize};
use event_listener::{Event, Listener};
use labs::cli::{USAGE_ERROR, fail, seconds_within};
use labs::platform;

/// The longest line printed whole, in bytes: a longer one is cut there, and
/// the cut is said. It also bounds what a reader holds in memory.
pub const LINE_LIMIT: u64 = 4096;

/// How many lines may wait for the printer: a child that writes faster than
/// the terminal shows is slowed down, its supervisor's memory stays bounded.
pub const WAITING_LINES: usize = 64;

/// Start several programs, print their output, restart them when they fail,
/// and stop them all on Ctrl-C. Without programs: two flag servers and a
/// worker that crashes now and then.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// A program to supervise, as NAME=PROGRAM ARGS... in one argument
    /// (split at spaces; no quoting), up to 32 of them, each NAME once. A
    /// PROGRAM of this workspace (flags-server, supervisor-worker) is found
    /// next to this program.
    #[arg(value_name = "NAME=COMMAND", value_parser = parse_program)]
    programs: Vec<(String, Vec<String>)>,
    /// Seconds a child has to stop after the polite signal, before it is
    /// killed [0 to 60].
    #[arg(long, value_name = "SECS", default_value = "3",
          value_parser = seconds_within(0.0, 60.0), allow_hyphen_values = true)]
    grace: Duration,
    /// Seconds before the first restart of a failed child; each further
    /// restart waits twice as long as the one before, up to 30 s [0 to 60].
    #[arg(long, value_name = "SECS", default_value = "0.5",
          value_parser = seconds_within(0.0, 60.0), allow_hyphen_values = true)]
    backoff: Duration,
    /// Restarts of a failed child before giving up on it [0 to 100].
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(0..=100), allow_hyphen_values = true)]
    restarts: u32,
}

/// The programs run when none is given.
const DEFAULT_PROGRAMS: [&str; 3] = [
    "flags-a=flags-server --port 0",
    "flags-b=flags-server --port 0",
    "worker=supervisor-worker --lines 8 --every 0.5 --crash-rate 0.15 --seed 7",
];

/// The longest name of a program, in characters.
const NAME_MAX: usize = 16;

/// The longest wait before a restart (unless `--backoff` asks for more).
const BACKOFF_MAX: Duration = Duration::from_secs(30);

/// The most programs one supervisor runs.
const PROGRAMS_MAX: usize = 32;

fn parse_program(text: &str) -> Result<(String, Vec<String>), String> {
    let Some((name, command)) = text.split_once('=') else {
        return Err("expected NAME=PROGRAM ARGS..., like worker=supervisor-worker".into());
    };
    let valid = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if name.is_empty() || name.len() > NAME_MAX || !name.chars().all(valid) {
        return Err(format!("a NAME is 1 to {NAME_MAX} letters, digits, - or _"));
    }
    let words: Vec<String> = command.split_whitespace().map(String::from).collect();
    if words.is_empty() {
        return Err(format!("no program to run after {name}="));
    }
    Ok((name.to_string(), words))
}

/// The supervisor's settings and programs, for the whole run.
#[derive(Debug)]
pub struct Supervisor {
    programs: Vec<Program>,
    colour: bool,
    width: usize,
    variant: String,
    started: Instant,
}

/// One program to supervise: its name, its command, the policy it is kept
/// running by.
#[derive(Debug)]
pub struct Program {
    pub name: String,
    words: Vec<String>,
    who: usize,
    grace: Duration,
    backoff: Duration,
    restarts: u32,
}

/// Whose output a line is, and which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Out,
    Err,
    Note,
}

/// One line to print: a child's, whole, or the supervisor's about a child.
#[derive(Debug)]
pub struct Line {
    who: usize,
    kind: Kind,
    text: String,
}

/// One pipe of one child, as lines: knows whether it is in the middle of a
/// line too long to print.
#[derive(Debug)]
pub struct Source {
    who: usize,
    kind: Kind,
    cutting: bool,
}

/// How a child's run ended.
#[derive(Debug)]
pub struct Exit {
    pub status: ExitStatus,
    how: How,
}

/// How a child's run ended: by itself, or how it was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    ByItself,
    Asked,
    KilledAfterGrace,
    KilledAtOnce,
}

/// What the restart policy decides after a run.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// Start it again after this long.
    Restart(Duration),
    /// Leave it stopped: it ended well, it was asked to stop, it cannot be
    /// started, or it has used its restarts up.
    Stay,
}

/// How a child ended for good, for the report.
#[derive(Debug)]
pub struct Ending {
    who: usize,
    last: io::Result<Exit>,
    restarts: u32,
}

/// Parses the command line, makes the children die with this process where
/// the system allows (see `labs::platform::guard_against_orphans`), turns
/// Ctrl-C and its kin into stop requests ([`STOP`]) and says what will run.
pub fn start(variant: &str) -> &'static Supervisor {
    let args: Args = labs::parse_args();
    let programs = if args.programs.is_empty() {
        DEFAULT_PROGRAMS
            .map(|text| parse_program(text).expect("valid"))
            .into()
    } else {
        args.programs
    };
    if programs.len() > PROGRAMS_MAX {
        let count = programs.len();
        fail(
            USAGE_ERROR,
            format!("at most {PROGRAMS_MAX} programs, not {count} (see --help)"),
        );
    }
    for (i, (name, _)) in programs.iter().enumerate() {
        if programs[..i].iter().any(|(other, _)| other == name) {
            fail(
                USAGE_ERROR,
                format!("two programs named {name}: give each its own NAME (see --help)"),
            );
        }
    }
    let programs: Vec<Program> = programs
        .into_iter()
        .enumerate()
        .map(|(who, (name, words))| Program {
            name,
            words,
            who,
            grace: args.grace,
            backoff: args.backoff,
            restarts: args.restarts,
        })
        .collect();
    build_missing(&programs);
    let width = programs.iter().map(|p| p.name.len()).max().unwrap_or(0);
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
    let supervisor = Box::leak(Box::new(Supervisor {
        colour: io::stdout().is_terminal() && !no_color,
        width: width.max("supervisor".len()),
        variant: format!("supervisor-{variant}"),
        programs,
        started: Instant::now(),
    }));
    if !platform::on_stop_request(|status| STOP.request(status)) {
        supervisor.say("cannot catch Ctrl-C: it will stop this program alone, not its children");
    }
    match platform::guard_against_orphans() {
        Ok(true) => {}
        Ok(false) => {
            supervisor.say("this system cannot stop children when kill -9 stops their supervisor")
        }
        Err(err) => supervisor.say(&format!("children may outlive a killed supervisor: {err}")),
    }
    let names: Vec<&str> = supervisor
        .programs
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    supervisor.say(&format!(
        "{} runs {} (Ctrl-C stops them, twice kills them)",
        supervisor.variant,
        names.join(", ")
    ));
    supervisor
}

impl Supervisor {
    /// The programs, in the order given.
    pub fn programs(&self) -> &[Program] {
        &self.programs
    }

    /// Prints `line` whole, with its child's name, coloured on a terminal:
    /// `worker | text` for stdout, `worker ! text` for stderr, `worker *
    /// text` for what the supervisor says about it.
    pub fn print(&self, line: &Line) {
        let name = &self.programs[line.who].name;
        let mark = match line.kind {
            Kind::Out => '|',
            Kind::Err => '!',
            Kind::Note => '*',
        };
        let text = &line.text;
        let width = self.width;
        if self.colour {
            let colour = PALETTE[line.who % PALETTE.len()];
            let name = format!("{name:width$} {mark}").with(colour);
            println!("{name} {text}");
        } else {
            println!("{name:width$} {mark} {text}");
        }
    }

    fn say(&self, text: &str) {
        let width = self.width;
        println!("{:width$} * {text}", "supervisor");
    }

    /// Reports how each child ended and exits: with 128 + the signal's
    /// number after a stop request (130 for Ctrl-C), else 0 when every child
    /// ended well, 1 when one did not.
    pub fn exit(&self, endings: &[Ending]) -> ! {
        for ending in endings {
            let name = &self.programs[ending.who].name;
            let restarts = match ending.restarts {
                0 => String::new(),
                1 => ", after 1 restart".to_string(),
                n => format!(", after {n} restarts"),
            };
            let how = match &ending.last {
                Ok(exit) => format!("{}: {}", exit.how.said(), exit.status),
                Err(err) => format!("could not start: {err}"),
            };
            self.say(&format!("{name} {how}{restarts}"));
        }
        let well = endings
            .iter()
            .all(|ending| matches!(&ending.last, Ok(exit) if exit.status.success()));
        let status = STOP.exit_status().unwrap_or(if well { 0 } else { 1 });
        let seconds = self.started.elapsed().as_secs_f64();
        self.say(&format!("done in {seconds:.1} s, exit status {status}"));
        std::process::exit(status)
    }
}

const PALETTE: [Color; 6] = [
    Color::Cyan,
    Color::Yellow,
    Color::Green,
    Color::Magenta,
    Color::Blue,
    Color::Red,
];

impl Program {
    /// The command that starts this program, its pipes not set yet. A
    /// program of this workspace is found next to the running supervisor;
    /// any other, the usual way (`PATH`).
    pub fn command(&self) -> Command {
        let mut command = Command::new(sibling(&self.words[0]));
        command.args(&self.words[1..]);
        command
    }

    /// The lines of this child's stdout (`err` false) or stderr (`err` true).
    pub fn source(&self, err: bool) -> Source {
        Source {
            who: self.who,
            kind: if err { Kind::Err } else { Kind::Out },
            cutting: false,
        }
    }

    /// A line the supervisor says about this child.
    pub fn note(&self, text: impl Into<String>) -> Line {
        Line {
            who: self.who,
            kind: Kind::Note,
            text: text.into(),
        }
    }

    /// How long the child has to stop after the polite signal.
    pub fn grace(&self) -> Duration {
        self.grace
    }

    /// Sends the polite signal to the child `pid` (SIGTERM, or Ctrl-Break on
    /// Windows), and says so.
    pub fn ask_to_stop(&self, pid: Option<u32>) -> Line {
        match platform::ask_to_stop(pid.unwrap_or(0)) {
            Ok(()) => self.note(format!("asked to stop ({})", platform::POLITE_STOP)),
            Err(err) => self.note(format!("cannot ask it to stop: {err}")),
        }
    }

    /// The note for a kill, `second` when a second stop request asked for it.
    pub fn killing(&self, second: bool) -> (How, Line) {
        if second {
            (
                How::KilledAtOnce,
                self.note("killed: a second stop request"),
            )
        } else {
            let grace = self.grace.as_secs_f64();
            let text = format!("killed: still running after the {grace} s grace period");
            (How::KilledAfterGrace, self.note(text))
        }
    }

    /// The restart policy: after `run`, the child's `restarts`-th (from 0),
    /// restart it or leave it, and say which. A failed child is restarted
    /// after the backoff, doubled at each restart, until it has been
    /// restarted as often as allowed (the wait stays under 30 s, or the
    /// backoff if longer); a child that ended well, that was
    /// asked to stop, or that cannot be started at all is left.
    pub fn after(&self, run: &io::Result<Exit>, restarts: u32) -> (Next, Line) {
        let exit = match run {
            Err(err) => {
                let text = format!("cannot start {}: {err}", shorten(&self.words[0]));
                return (Next::Stay, self.note(text));
            }
            Ok(exit) => exit,
        };
        let status = exit.status;
        if exit.how != How::ByItself || STOP.count() > 0 {
            return (
                Next::Stay,
                self.note(format!("{}: {status}", exit.how.said())),
            );
        }
        if status.success() {
            return (
                Next::Stay,
                self.note(format!("ended well ({status}): left stopped")),
            );
        }
        if restarts >= self.restarts {
            let text = format!("failed ({status}); no restarts left: left stopped");
            return (Next::Stay, self.note(text));
        }
        let longest = BACKOFF_MAX.max(self.backoff);
        let delay = self
            .backoff
            .saturating_mul(1 << restarts.min(16))
            .min(longest);
        let text = format!(
            "failed ({status}); restart {} of {} in {} s",
            restarts + 1,
            self.restarts,
            delay.as_secs_f64()
        );
        (Next::Restart(delay), self.note(text))
    }

    /// How the child ended for good, after `restarts` restarts.
    pub fn ending(&self, last: io::Result<Exit>, restarts: u32) -> Ending {
        Ending {
            who: self.who,
            last,
            restarts,
        }
    }
}

impl Exit {
    /// The child ended without being asked.
    pub fn by_itself(status: ExitStatus) -> Exit {
        Exit {
            status,
            how: How::ByItself,
        }
    }

    /// The child ended after the polite signal.
    pub fn asked(status: ExitStatus) -> Exit {
        Exit {
            status,
            how: How::Asked,
        }
    }

    /// The child was killed, as [`Program::killing`] said.
    pub fn killed(status: ExitStatus, how: How) -> Exit {
        Exit { status, how }
    }
}

impl How {
    fn said(self) -> &'static str {
        match self {
            How::ByItself => "ended by itself",
            How::Asked => "stopped when asked",
            How::KilledAfterGrace => "killed after the grace period",
            How::KilledAtOnce => "killed at the second stop request",
        }
    }
}

impl Source {
    /// The line to print for `bytes`, what one `read_until(b'\n')` limited
    /// to [`LINE_LIMIT`] bytes gave: the line without its line ending; the
    /// first [`LINE_LIMIT`] bytes of a longer line, said to be cut, and
    /// `None` for the rest of it.
    pub fn line(&mut self, bytes: &[u8]) -> Option<Line> {
        let whole = bytes.ends_with(b"\n") || (bytes.len() as u64) < LINE_LIMIT;
        let was_cutting = std::mem::replace(&mut self.cutting, !whole);
        if was_cutting {
            return None;
        }
        let text = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        let mut text = String::from_utf8_lossy(text).into_owned();
        if !whole {
            text.push_str(&format!(" [line cut at {LINE_LIMIT} bytes]"));
        }
        Some(Line {
            who: self.who,
            kind: self.kind,
            text,
        })
    }
}

/// `text` quoted and escaped, and cut to 40 characters.
fn shorten(text: &str) -> String {
    let mut cut: String = text.chars().take(40).collect();
    if cut.len() < text.len() {
        cut.push_str("...");
    }
    format!("{cut:?}")
}

// ---------------------------------------------------------------------------
// Stop requests.

/// The stop requests this program has received: Ctrl-C, `kill` (SIGTERM),
/// a closed terminal; on Windows, Ctrl-C, Ctrl-Break and a closed console.
/// The first asks each child to stop; the second kills them at once.
pub static STOP: Stop = Stop {
    count: AtomicU32::new(0),
    status: AtomicI32::new(0),
    changed: Event::new(),
};

/// See [`STOP`].
#[derive(Debug)]
pub struct Stop {
    count: AtomicU32,
    status: AtomicI32,
    changed: Event,
}

impl Stop {
    fn request(&self, status: i32) {
        let _ = self
            .status
            .compare_exchange(0, status, Ordering::SeqCst, Ordering::SeqCst);
        self.count.fetch_add(1, Ordering::SeqCst);
        self.changed.notify(usize::MAX);
    }

    /// How many stop requests have come.
    pub fn count(&self) -> u32 {
        self.count.load(Ordering::SeqCst)
    }

    /// The exit status the first stop request asks for (130 for Ctrl-C).
    pub fn exit_status(&self) -> Option<i32> {
        Some(self.status.load(Ordering::SeqCst)).filter(|&status| status != 0)
    }

    /// Completes once `count` stop requests have come (any runtime).
    pub async fn requested(&self, count: u32) {
        loop {
            if self.count() >= count {
                return;
            }
            let listener = self.changed.listen();
            // Checked again: the request may have come before we listened.
            if self.count() >= count {
                return;
            }
            listener.await;
        }
    }

    /// Blocks the calling thread until `count` stop requests have come, or
    /// for `timeout`; returns whether they came.
    pub fn wait_requested(&self, count: u32, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.count() >= count {
                return true;
            }
            let listener = self.changed.listen();
            if self.count() >= count {
                return true;
            }
            if listener.wait_deadline(deadline).is_none() {
                return self.count() >= count;
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Finding (and, under `cargo run`, building) the workspace's programs.

/// `name` as a program of this workspace: the file of that name next to
/// the running program (`target/debug/flags-server`), if there is one;
/// else `name` itself, for the system to find.
fn sibling(name: &str) -> OsString {
    let beside = std::env::current_exe().ok().and_then(|exe| {
        Some(
            exe.parent()?
                .join(format!("{name}{}", std::env::consts::EXE_SUFFIX)),
        )
    });
    match beside {
        Some(path) if !name.contains(['/', '\\']) && path.is_file() => path.into(),
        _ => name.into(),
    }
}

/// The workspace's programs that `programs` run and that are not built yet
/// (`cargo run --bin supervisor-tokio` builds that one program only): under
/// `cargo run`, builds them, in the same profile. One line if that fails.
fn build_missing(programs: &[Program]) {
    const OURS: [&str; 2] = ["flags-server", "supervisor-worker"];
    let Some(cargo) = std::env::var_os("CARGO") else {
        return;
    };
    let missing: Vec<&str> = programs
        .iter()
        .map(|program| program.words[0].as_str())
        .filter(|name| OURS.contains(name) && Path::new(&sibling(name)).is_relative())
        .collect();
    if missing.is_empty() {
        return;
    }
    println!("supervisor * building {} (once)", missing.join(", "));
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    let mut build = Command::new(cargo);
    build
        .args(["build", "--quiet", "--manifest-path"])
        .arg(manifest);
    for name in missing {
        build.args(["--bin", name]);
    }
    if !cfg!(debug_assertions) {
        build.arg("--release");
    }
    match build.stdin(Stdio::null()).status() {
        Ok(status) if status.success() => {}
        Ok(_) => fail(
            1,
            "cannot build the programs to supervise (cargo's errors above)",
        ),
        Err(err) => fail(1, format!("cannot run cargo to build the programs: {err}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_program() -> Program {
        Program {
            name: "w".into(),
            words: vec!["w".into()],
            who: 0,
            grace: Duration::from_secs(1),
            backoff: Duration::from_millis(100),
            restarts: 3,
        }
    }

    #[cfg(unix)]
    fn status(code: i32) -> ExitStatus {
        use std::os::unix::process::ExitStatusExt;
        ExitStatus::from_raw(code << 8)
    }

    #[cfg(windows)]
    fn status(code: i32) -> ExitStatus {
        use std::os::windows::process::ExitStatusExt;
        ExitStatus::from_raw(code as u32)
    }

    #[cfg(any(unix, windows))]
    #[test]
    fn failed_children_are_restarted_with_a_growing_backoff_up_to_the_limit() {
        let program = test_program();
        let failed = || Ok(Exit::by_itself(status(1)));
        let delays: Vec<Next> = (0..4).map(|n| program.after(&failed(), n).0).collect();
        assert_eq!(
            delays,
            [
                Next::Restart(Duration::from_millis(100)),
                Next::Restart(Duration::from_millis(200)),
                Next::Restart(Duration::from_millis(400)),
                Next::Stay,
            ]
        );
        let patient = Program {
            restarts: 100,
            ..test_program()
        };
        let tenth = patient.after(&failed(), 10).0;
        assert_eq!(tenth, Next::Restart(Duration::from_secs(30)));
        let (next, line) = program.after(&Ok(Exit::by_itself(status(0))), 0);
        assert_eq!(next, Next::Stay);
        assert!(line.text.contains("left stopped"), "{}", line.text);
        let cannot = Err(io::Error::from(io::ErrorKind::NotFound));
        assert_eq!(program.after(&cannot, 0).0, Next::Stay);
    }

    #[test]
    fn long_lines_are_cut_once_and_said() {
        let mut source = test_program().source(false);
        let limit = LINE_LIMIT as usize;
        let line = |source: &mut Source, bytes: &[u8]| source.line(bytes).map(|line| line.text);
        assert_eq!(line(&mut source, b"short\r\n").as_deref(), Some("short"));
        let long = vec![b'x'; limit];
        let cut = line(&mut source, &long).unwrap();
        assert!(
            cut.ends_with(&format!("x [line cut at {limit} bytes]")),
            "{cut}"
        );
        assert_eq!(line(&mut source, &long), None);
        assert_eq!(line(&mut source, b"rest of it\n"), None);
        assert_eq!(line(&mut source, b"next\n").as_deref(), Some("next"));
        assert_eq!(
            line(&mut source, b"no newline at the end").as_deref(),
            Some("no newline at the end")
        );
    }

    #[test]
    fn names_and_commands_are_checked() {
        assert_eq!(
            parse_program("web=flags-server  --port 0"),
            Ok((
                "web".into(),
                vec!["flags-server".into(), "--port".into(), "0".into()]
            ))
        );
        for bad in [
            "web",
            "=x",
            "web=",
            "web=  ",
            "a b=x",
            &format!("{}=x", "n".repeat(17)),
        ] {
            assert!(parse_program(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
