//! Runs the launcher as a person would, piped or in a real pseudo-terminal,
//! always with a deadline: a hang fails the test instead of the CI run.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, MasterPty, PtySize, native_pty_system};

pub const LABS: &str = env!("CARGO_BIN_EXE_labs");

/// The launcher, to run piped.
pub fn labs(args: &[&str]) -> Command {
    let mut command = Command::new(LABS);
    command.args(args).env_remove("NO_COLOR");
    command
}

/// Bytes a child writes to a pipe, collected by a thread as they come.
pub struct Collector {
    pub bytes: Arc<Mutex<Vec<u8>>>,
    ended: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl Collector {
    pub fn new(mut source: impl Read + Send + 'static) -> Collector {
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let ended = Arc::new(AtomicBool::new(false));
        let thread = thread::spawn({
            let bytes = Arc::clone(&bytes);
            let ended = Arc::clone(&ended);
            move || {
                let mut buf = [0; 4096];
                while let Ok(n @ 1..) = source.read(&mut buf) {
                    bytes.lock().unwrap().extend_from_slice(&buf[..n]);
                }
                ended.store(true, Ordering::SeqCst);
            }
        });
        Collector {
            bytes,
            ended,
            thread,
        }
    }

    /// Waits until the writer closed its end (every byte is in), at most `secs`.
    pub fn wait_for_end(&self, secs: u64) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while !self.ended.load(Ordering::SeqCst) {
            assert!(
                Instant::now() < deadline,
                "output still open {secs} s after the end"
            );
            thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes.lock().unwrap()).into_owned()
    }

    pub fn finish(self) -> String {
        let Collector { bytes, thread, .. } = self;
        thread.join().unwrap();
        String::from_utf8_lossy(&bytes.lock().unwrap()).into_owned()
    }
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
    started: Instant,
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
            started: Instant::now(),
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

    /// Waits for the end, or kills and fails after `secs` (from the start).
    pub fn finish(mut self, secs: u64) -> Output {
        let deadline = self.started + Duration::from_secs(secs);
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
        Output {
            code: status.code(),
            stdout: self.stdout.finish(),
            stderr: self.stderr.finish(),
        }
    }
}

/// Runs `command` piped to its end, failing after `secs`.
pub fn run(command: Command, secs: u64) -> Output {
    Piped::start(command).finish(secs)
}

pub const ROWS: NonZeroU16 = NonZeroU16::new(24).unwrap();
pub const COLS: NonZeroU16 = NonZeroU16::new(100).unwrap();

/// A program in a real pseudo-terminal, with a keyboard.
pub struct Terminal {
    master: Box<dyn MasterPty + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    keyboard: Box<dyn Write + Send>,
    output: Collector,
    rows: NonZeroU16,
    cols: NonZeroU16,
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
    pub fn start(program: &str, args: &[&str]) -> Terminal {
        Terminal::start_sized(program, args, ROWS, COLS)
    }

    /// In a terminal of `rows` by `cols`.
    pub fn start_sized(
        program: &str,
        args: &[&str],
        rows: NonZeroU16,
        cols: NonZeroU16,
    ) -> Terminal {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: rows.get(),
                cols: cols.get(),
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pseudo-terminal");
        let mut command = CommandBuilder::new(program);
        command.args(args);
        command.cwd(env!("CARGO_MANIFEST_DIR"));
        command.env("TERM", "xterm-256color");
        command.env_remove("NO_COLOR");
        let child = pty.slave.spawn_command(command).expect("start the program");
        // Only the child may keep the terminal open, or reading never ends.
        drop(pty.slave);
        let output = Collector::new(pty.master.try_clone_reader().unwrap());
        let keyboard = pty.master.take_writer().unwrap();
        Terminal {
            master: pty.master,
            child,
            keyboard,
            output,
            rows,
            cols,
        }
    }

    pub fn text(&self) -> String {
        self.output.text()
    }

    /// The screen as a terminal emulator draws the bytes so far, trailing
    /// blanks trimmed.
    pub fn screen(&self) -> vt100::Parser {
        let mut parser = vt100::Parser::new(self.rows, self.cols, 0);
        parser.process(&self.output.bytes.lock().unwrap());
        parser
    }

    pub fn contents(&self) -> String {
        let contents = self.screen().screen().contents();
        let lines: Vec<&str> = contents.lines().map(str::trim_end).collect();
        lines.join("\n").trim_end().to_string()
    }

    pub fn type_keys(&mut self, keys: &str) {
        self.keyboard.write_all(keys.as_bytes()).unwrap();
        self.keyboard.flush().unwrap();
    }

    /// Waits until the screen shows `text`, or kills and fails after `secs`.
    pub fn wait_for(&mut self, text: &str, secs: u64) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while !self.contents().contains(text) {
            if Instant::now() > deadline {
                self.child.kill().ok();
                panic!(
                    "the screen never showed {text:?}; it shows:\n{}\nbytes: {:?}",
                    self.contents(),
                    self.text()
                );
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the program has written `bytes`, or kills and fails after `secs`.
    pub fn wait_until_output(&mut self, bytes: &str, secs: u64) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while !self.text().contains(bytes) {
            if Instant::now() > deadline {
                self.child.kill().ok();
                panic!(
                    "the program never wrote {bytes:?}; it wrote {:?}",
                    self.text()
                );
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().unwrap()
    }

    /// Waits for the end, or kills and fails after `secs`; the exit status.
    pub fn wait_exit(&mut self, secs: u64) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                self.output.wait_for_end(10);
                return status.exit_code();
            }
            if Instant::now() > deadline {
                self.child.kill().ok();
                panic!(
                    "still running after {secs} s; the screen:\n{}",
                    self.contents()
                );
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the terminal is back to line editing with echo (not raw).
    #[cfg(unix)]
    pub fn cooked(&self) -> bool {
        let termios = self.master.get_termios().expect("read the terminal's mode");
        let flags = format!("{:?}", termios.local_flags);
        let names: Vec<&str> = flags.split(|c: char| !c.is_ascii_alphanumeric()).collect();
        names.contains(&"ICANON") && names.contains(&"ECHO")
    }
}
