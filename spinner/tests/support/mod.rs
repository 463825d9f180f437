//! Runs a spinner binary in a real pseudo-terminal, as a person would, and
//! reads back what the terminal would show.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

pub mod redact;

const ROWS: NonZeroU16 = NonZeroU16::new(24).unwrap();
const COLS: NonZeroU16 = NonZeroU16::new(80).unwrap();
/// Far longer than any run takes, so a hang fails the test instead of CI.
const WATCHDOG: Duration = Duration::from_secs(20);

pub const HIDE_CURSOR: &str = "\x1b[?25l";
pub const SHOW_CURSOR: &str = "\x1b[?25h";

/// What a run in the terminal produced.
pub struct Run {
    /// Every byte the program wrote, escape codes included.
    pub bytes: Vec<u8>,
    pub exit_code: u32,
}

impl Run {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// The final screen, as a terminal emulator draws the bytes: one line per
    /// line of text (a line too long for the screen is joined back, so the
    /// width of the test terminal does not matter), trailing blanks trimmed.
    pub fn screen(&self) -> String {
        let mut parser = vt100::Parser::new(ROWS, COLS, 0);
        parser.process(&self.bytes);
        let contents = parser.screen().contents();
        contents
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// How many spinner frames were drawn.
    pub fn frames(&self) -> usize {
        self.text().matches(" thinking!").count()
    }

    /// Whether the cursor was hidden, and shown again after the last hide.
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

/// Runs `program` with `args` in a fresh pseudo-terminal. With
/// `interrupt: true`, types Ctrl-C as soon as the first frame is drawn.
pub fn run_in_pty(program: &str, args: &[&str], interrupt: bool) -> Run {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: ROWS.get(),
            cols: COLS.get(),
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pseudo-terminal");
    let mut command = CommandBuilder::new(program);
    command.args(args);
    let mut child = pty.slave.spawn_command(command).expect("start the program");
    // Only the child may keep the terminal open, or reading never ends.
    drop(pty.slave);

    let bytes = Arc::new(Mutex::new(Vec::new()));
    let mut reader = pty.master.try_clone_reader().expect("read the terminal");
    let reader = thread::spawn({
        let bytes = Arc::clone(&bytes);
        move || {
            let mut buf = [0; 4096];
            // Ends with an error (EIO) or EOF once the child has closed the terminal.
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                bytes.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        }
    });

    // Kept until the end: dropping it types a newline and end-of-file.
    let mut keyboard = pty.master.take_writer().expect("write to the terminal");
    let started = Instant::now();
    let mut interrupted = !interrupt;
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll the program") {
            break status;
        }
        if !interrupted && String::from_utf8_lossy(&bytes.lock().unwrap()).contains(" thinking!") {
            keyboard.write_all(b"\x03").expect("type Ctrl-C");
            interrupted = true;
        }
        if started.elapsed() > WATCHDOG {
            child.kill().ok();
            panic!("{program} {args:?} still running after {WATCHDOG:?}");
        }
        thread::sleep(Duration::from_millis(10));
    };
    reader.join().unwrap();
    drop(keyboard);
    let bytes = Arc::try_unwrap(bytes).unwrap().into_inner().unwrap();
    Run {
        bytes,
        exit_code: status.exit_code(),
    }
}

/// Frames expected while `slow()` waits `seconds`: one per 100 ms.
pub fn expected_frames(seconds: f64) -> usize {
    (seconds * 10.0).round() as usize
}

/// A frame count a person would call "about one per 100 ms". A busy machine
/// may draw a few late; none is drawn early.
pub fn spun_at_pace(frames: usize, seconds: f64) -> bool {
    let expected = expected_frames(seconds);
    (expected / 2..=expected + 1).contains(&frames)
}
