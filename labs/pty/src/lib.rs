//! Runs a program in a real pseudo-terminal (PTY), as a person would in a
//! terminal window, and reads back what the window would show.
//!
//! For the labs' tests only (each lab lists it under `[dev-dependencies]`,
//! so `cargo run` never builds it). A test uses it where a terminal matters:
//! a spinner drawing in place and showing the cursor again, a progress bar
//! cleared at the end, the launcher's menu driven by keys.
//!
//! - [`run`] runs a program to its end: the [`Run`] holds every byte it
//!   wrote (escape codes included), its exit code, and [`Run::screen`], the
//!   final screen as a terminal emulator ([vt100]) draws those bytes.
//! - [`Terminal`] drives a program while it runs: type keys, wait until the
//!   screen shows something, send it a signal, wait for its exit.
//! - [`Command`] sets the terminal's size, the folder and the environment
//!   first.
//!
//! ```no_run
//! use std::time::Duration;
//!
//! let deadline = Duration::from_secs(20);
//! let mut terminal = labs_pty::Terminal::start("spinner-thread", &["--seconds", "30"]);
//! terminal.wait_until_output(" thinking!", deadline);
//! terminal.type_keys("\x03"); // Ctrl-C
//! let run = terminal.finish(deadline);
//! assert_eq!(run.exit_code, 130);
//! println!("{}", run.screen());
//! ```
//!
//! Every wait has a deadline: a program that hangs is killed and the test
//! fails, instead of the whole test run hanging. A [`Terminal`] dropped
//! early (a test failing half-way) kills its program too.
//!
//! Platforms: portable-pty opens a Unix pseudo-terminal on Linux and macOS,
//! and drives Windows' ConPTY on Windows, so this crate builds everywhere.
//! The tests that use it are marked `#[cfg(unix)]` (they send Unix signals,
//! read Unix terminal modes, and pin what a Unix terminal shows): on
//! Windows they are skipped.

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

/// The terminal's size unless [`Command::size`] says otherwise.
pub const ROWS: u16 = 24;
pub const COLS: u16 = 80;

/// The escape codes a program writes to hide the cursor and to show it again.
pub const HIDE_CURSOR: &str = "\x1b[?25l";
pub const SHOW_CURSOR: &str = "\x1b[?25h";

/// How long the terminal may stay open once the program has ended (a
/// program it started in the background could keep it open).
const LAST_BYTES: Duration = Duration::from_secs(10);
/// How often a wait looks again.
const POLL: Duration = Duration::from_millis(10);

/// Runs `program args` in a fresh 24x80 terminal to its end (see
/// [`Command::new`]). Killed, and the test failed, after `deadline`.
pub fn run(program: &str, args: &[&str], deadline: Duration) -> Run {
    Command::new(program).args(args).run(deadline)
}

/// A program to start in a terminal, and the terminal to start it in.
pub struct Command {
    command: CommandBuilder,
    what: String,
    rows: NonZeroU16,
    cols: NonZeroU16,
}

impl Command {
    /// `program` in a 24x80 terminal, with this process's environment, in
    /// the home folder as a new terminal window starts (portable-pty's
    /// defaults).
    pub fn new(program: &str) -> Command {
        Command {
            command: CommandBuilder::new(program),
            what: program.to_string(),
            rows: NonZeroU16::new(ROWS).unwrap(),
            cols: NonZeroU16::new(COLS).unwrap(),
        }
    }

    pub fn args(mut self, args: &[&str]) -> Command {
        self.command.args(args);
        self.what = format!("{} {args:?}", self.what);
        self
    }

    /// A terminal of `rows` by `cols` (neither zero).
    pub fn size(mut self, rows: u16, cols: u16) -> Command {
        self.rows = NonZeroU16::new(rows).expect("a terminal has rows");
        self.cols = NonZeroU16::new(cols).expect("a terminal has columns");
        self
    }

    /// Runs the program in `dir` (if it is no folder, portable-pty falls
    /// back to the home folder).
    pub fn cwd(mut self, dir: impl AsRef<OsStr>) -> Command {
        self.command.cwd(dir);
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Command {
        self.command.env(key, value);
        self
    }

    pub fn env_remove(mut self, key: &str) -> Command {
        self.command.env_remove(key);
        self
    }

    /// Starts the program in a fresh terminal.
    pub fn start(self) -> Terminal {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: self.rows.get(),
                cols: self.cols.get(),
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pseudo-terminal");
        let child = pty
            .slave
            .spawn_command(self.command)
            .unwrap_or_else(|err| panic!("cannot start {}: {err}", self.what));
        // Only the program may keep its side open, or reading never ends.
        drop(pty.slave);
        let output = Collector::new(pty.master.try_clone_reader().expect("read the terminal"));
        Terminal {
            what: self.what,
            child,
            master: Some(pty.master),
            keyboard: None,
            output,
            rows: self.rows,
            cols: self.cols,
            status: None,
        }
    }

    /// Starts the program and waits for its end: [`Terminal::finish`].
    pub fn run(self, deadline: Duration) -> Run {
        self.start().finish(deadline)
    }
}

/// What a program wrote to its terminal from start to end.
pub struct Run {
    /// Every byte the program wrote, escape codes included.
    pub bytes: Vec<u8>,
    pub exit_code: u32,
    /// The signal that ended the program, if one did (its exit code is
    /// then 1, as portable-pty reports it), by its name: "Terminated".
    pub signal: Option<String>,
    rows: NonZeroU16,
    cols: NonZeroU16,
}

impl Run {
    /// The bytes as text (escape codes included).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// The final screen, as a terminal emulator draws the bytes: one line
    /// per line of text (a line too long for the screen is joined back, so
    /// the width of the test's terminal does not matter), trailing blanks
    /// trimmed.
    pub fn screen(&self) -> String {
        screen(&self.bytes, self.rows, self.cols)
    }

    /// What became of the cursor, in the words the spinner labs' snapshots
    /// pin: "never hidden", "hidden while spinning, shown again" (shown
    /// after the last time it was hidden), "LEFT HIDDEN", "shown but never
    /// hidden".
    pub fn cursor(&self) -> &'static str {
        let text = self.text();
        match (text.rfind(HIDE_CURSOR), text.rfind(SHOW_CURSOR)) {
            (None, None) => "never hidden",
            (Some(hide), Some(show)) if show > hide => "hidden while spinning, shown again",
            (Some(_), _) => "LEFT HIDDEN",
            (None, Some(_)) => "shown but never hidden",
        }
    }
}

/// The screen after `bytes`: see [`Run::screen`].
fn screen(bytes: &[u8], rows: NonZeroU16, cols: NonZeroU16) -> String {
    let mut parser = vt100::Parser::new(rows, cols, 0);
    parser.process(bytes);
    let contents = parser.screen().contents();
    contents
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A program running in a real pseudo-terminal, with a keyboard. Dropped,
/// it kills the program if it still runs.
pub struct Terminal {
    /// The program and its arguments, for messages.
    what: String,
    child: Box<dyn Child + Send + Sync>,
    /// Our side of the terminal; `None` once [`Terminal::close`]d.
    master: Option<Box<dyn MasterPty + Send>>,
    /// Taken at the first key typed, then kept: dropping it types a newline
    /// and end-of-file.
    keyboard: Option<Box<dyn Write + Send>>,
    output: Collector,
    rows: NonZeroU16,
    cols: NonZeroU16,
    status: Option<ExitStatus>,
}

/// A test that fails half-way (a snapshot that differs) must not leave the
/// program running without its terminal.
impl Drop for Terminal {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.child.kill().ok();
        }
    }
}

impl Terminal {
    /// Starts `program args` in a fresh 24x80 terminal.
    pub fn start(program: &str, args: &[&str]) -> Terminal {
        Command::new(program).args(args).start()
    }

    /// Every byte written so far.
    pub fn bytes(&self) -> Vec<u8> {
        self.output.bytes()
    }

    /// Every byte written so far, as text (escape codes included).
    pub fn text(&self) -> String {
        self.output.text()
    }

    /// The screen so far: see [`Run::screen`].
    pub fn screen(&self) -> String {
        screen(&self.bytes(), self.rows, self.cols)
    }

    /// The terminal emulator after the bytes so far, for what the text does
    /// not show: `.screen().hide_cursor()`, `.screen().alternate_screen()`.
    pub fn vt100(&self) -> vt100::Parser {
        let mut parser = vt100::Parser::new(self.rows, self.cols, 0);
        parser.process(&self.bytes());
        parser
    }

    /// Types `keys`: "q", "\r" (Enter), "\x03" (Ctrl-C), "\x1b[B" (Down).
    pub fn type_keys(&mut self, keys: &str) {
        if self.keyboard.is_none() {
            let master = self.master.as_ref().expect("the terminal is closed");
            self.keyboard = Some(master.take_writer().expect("write to the terminal"));
        }
        let keyboard = self.keyboard.as_mut().unwrap();
        keyboard.write_all(keys.as_bytes()).expect("type keys");
        keyboard.flush().expect("type keys");
    }

    /// Waits until `done(self)` holds; kills the program and fails the test
    /// after `deadline`, or as soon as the program has ended without it.
    /// `what` names what is waited for, in the failure's message.
    pub fn wait_until(&mut self, what: &str, deadline: Duration, done: impl Fn(&Terminal) -> bool) {
        let until = Instant::now() + deadline;
        loop {
            // Read before `done`: once the output has ended, `done` sees it all.
            let ended = self.output.ended();
            if done(self) {
                return;
            }
            let why = if ended {
                "the program closed the terminal".to_string()
            } else if Instant::now() > until {
                format!("nothing within {deadline:?}")
            } else {
                thread::sleep(POLL);
                continue;
            };
            self.child.kill().ok();
            panic!(
                "{}: waited for {what}: {why}; the screen:\n{}\nbytes: {:?}",
                self.what,
                self.screen(),
                self.text()
            );
        }
    }

    /// Waits until the screen shows `text` (see [`Terminal::wait_until`]).
    pub fn wait_for(&mut self, text: &str, deadline: Duration) {
        let what = format!("the screen to show {text:?}");
        self.wait_until(&what, deadline, |terminal| terminal.screen().contains(text));
    }

    /// Waits until the program has written `text`, escape codes included
    /// (see [`Terminal::wait_until`]).
    pub fn wait_until_output(&mut self, text: &str, deadline: Duration) {
        let what = format!("the program to write {text:?}");
        self.wait_until(&what, deadline, |terminal| terminal.text().contains(text));
    }

    /// The program's process id.
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("a process id")
    }

    /// Sends the program `signal` as `kill -SIGNAL` would: "TERM", "INT".
    #[cfg(unix)]
    pub fn signal(&self, signal: &str) {
        let pid = self.pid().to_string();
        let status = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status();
        assert!(
            status.is_ok_and(|status| status.success()),
            "kill -{signal} {pid}"
        );
    }

    /// Closes the terminal, as closing its window does: our side is let go
    /// of at once, and the thread reading it lets go of its copy at the next
    /// bytes the program writes. The program then gets SIGHUP, and an error
    /// on its next write.
    pub fn close(&mut self) {
        self.output.stop_at_next_read();
        self.keyboard = None;
        self.master = None;
    }

    /// Waits for the program's end, and for the last bytes it wrote; kills
    /// it and fails the test after `deadline`. The exit code (1 if a signal
    /// ended it: see [`Run::signal`]).
    pub fn wait_exit(&mut self, deadline: Duration) -> u32 {
        let until = Instant::now() + deadline;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("poll the program") {
                break status;
            }
            if Instant::now() > until {
                self.child.kill().ok();
                panic!(
                    "{}: still running after {deadline:?}; the screen:\n{}",
                    self.what,
                    self.screen()
                );
            }
            thread::sleep(POLL);
        };
        assert!(
            self.output.wait_for_end(LAST_BYTES),
            "{}: ended, but its terminal was still open {LAST_BYTES:?} later",
            self.what
        );
        let code = status.exit_code();
        self.status = Some(status);
        code
    }

    /// Waits for the end (see [`Terminal::wait_exit`]): what it wrote, and
    /// how it ended.
    pub fn finish(mut self, deadline: Duration) -> Run {
        self.wait_exit(deadline);
        let status = self.status.take().unwrap();
        Run {
            bytes: self.bytes(),
            exit_code: status.exit_code(),
            signal: status.signal().map(str::to_string),
            rows: self.rows,
            cols: self.cols,
        }
    }

    /// Whether the terminal is in line editing with echo (cooked), as a
    /// shell expects it, not raw as a full-screen program sets it.
    #[cfg(unix)]
    pub fn cooked(&self) -> bool {
        let master = self.master.as_ref().expect("the terminal is closed");
        let termios = master.get_termios().expect("read the terminal's mode");
        let flags = format!("{:?}", termios.local_flags);
        let names: Vec<&str> = flags.split(|c: char| !c.is_ascii_alphanumeric()).collect();
        names.contains(&"ICANON") && names.contains(&"ECHO")
    }
}

/// Every byte a reader gives (our side of a terminal, or a child's pipe),
/// collected by a thread as they come, so that the writer never blocks.
pub struct Collector {
    bytes: Arc<Mutex<Vec<u8>>>,
    /// Set once the writer has closed its end: every byte is in.
    ended: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
}

impl Collector {
    pub fn new(mut source: impl Read + Send + 'static) -> Collector {
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let ended = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        thread::spawn({
            let (bytes, ended, stop) = (Arc::clone(&bytes), Arc::clone(&ended), Arc::clone(&stop));
            move || {
                let mut buf = [0; 4096];
                // Ends with end-of-file, or an error (EIO from a terminal)
                // once every writer has closed its end.
                while let Ok(n @ 1..) = source.read(&mut buf) {
                    bytes.lock().unwrap().extend_from_slice(&buf[..n]);
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                }
                ended.store(true, Ordering::SeqCst);
                // `source` is dropped here, closing this copy of it.
            }
        });
        Collector { bytes, ended, stop }
    }

    /// The bytes so far.
    pub fn bytes(&self) -> Vec<u8> {
        self.bytes.lock().unwrap().clone()
    }

    /// The bytes so far, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes.lock().unwrap()).into_owned()
    }

    /// Whether the writer has closed its end: every byte is in.
    pub fn ended(&self) -> bool {
        self.ended.load(Ordering::SeqCst)
    }

    /// Waits until [`Collector::ended`], at most `deadline`; whether it did.
    pub fn wait_for_end(&self, deadline: Duration) -> bool {
        let until = Instant::now() + deadline;
        while !self.ended() {
            if Instant::now() > until {
                return false;
            }
            thread::sleep(POLL);
        }
        true
    }

    fn stop_at_next_read(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// The runner itself, with `sh` as the program (Unix only, as the tests
/// that use it).
#[cfg(all(test, unix))]
mod tests {
    use super::*;

    const DEADLINE: Duration = Duration::from_secs(20);

    #[test]
    fn a_run_gives_the_screen_joined_and_trimmed_and_the_exit_code() {
        let long = "x".repeat(100); // wider than the 80 columns
        let script = format!("printf 'one   \\n{long}\\n'; exit 3");
        let run = run("sh", &["-c", &script], DEADLINE);
        assert_eq!(run.screen(), format!("one\n{long}"));
        assert_eq!(run.exit_code, 3);
        assert_eq!(run.signal, None);
    }

    #[test]
    fn typed_keys_reach_the_program() {
        let mut terminal = Terminal::start("sh", &["-c", "read line; echo \"got $line\""]);
        terminal.type_keys("hello\r");
        terminal.wait_for("got hello", DEADLINE);
        assert_eq!(terminal.wait_exit(DEADLINE), 0);
    }

    #[test]
    fn a_signal_ends_the_program() {
        let mut terminal = Terminal::start("sh", &["-c", "echo ready; exec sleep 30"]);
        terminal.wait_until_output("ready", DEADLINE);
        terminal.signal("TERM");
        let run = terminal.finish(DEADLINE);
        assert!(run.signal.is_some(), "exit code {}", run.exit_code);
    }

    #[test]
    #[should_panic(expected = "still running after")]
    fn a_program_past_its_deadline_fails_the_test() {
        Command::new("sleep")
            .args(&["30"])
            .run(Duration::from_millis(200));
    }

    #[test]
    #[should_panic(expected = "the program closed the terminal")]
    fn waiting_for_what_an_ended_program_never_wrote_fails_at_once() {
        let mut terminal = Terminal::start("sh", &["-c", "echo bye"]);
        // Far longer than the test takes: it fails as soon as `sh` is gone.
        terminal.wait_for("hello", Duration::from_secs(600));
    }
}
