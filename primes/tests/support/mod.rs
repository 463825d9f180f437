//! Runs the primes binaries as a person would, each with a deadline: through
//! pipes (`labs::testkit::run`) or in a real pseudo-terminal ([`run_in_pty`],
//! Unix only).

#![allow(dead_code)] // each test binary uses a part

use std::time::Duration;

/// Far longer than any run of the tests takes (a few seconds each, on a
/// busy machine), so a hang fails the test instead of stalling the suite.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// A number whose check takes about 0.8 s in a debug build on a 2-core
/// laptop (the largest prime below 10^17): long enough for the spinner to
/// draw several frames, and for one poll to be far over 100 ms.
pub const SPINNER_NUMBER: &str = "99999999999999997";

/// Nine numbers for part 3, primes and not, that take milliseconds each in a
/// debug build: 999979 x 999983, 999983², 7777777777777 = 7 x 1111111111111, ...
pub const SHORT_LIST: &str = "2,999999999989,999962000357,2999999999933,5000000000000,4999999999937,999966000289,7777777777777,9999999999971";

/// The binary's name, for messages: `primes-tokio`.
pub fn name(program: &str) -> &str {
    std::path::Path::new(program)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or(program)
}

#[cfg(unix)]
#[allow(unused_imports)] // the pool tests use no terminal
pub use pty::*;

#[cfg(unix)]
mod pty {
    use std::io::Read;
    use std::num::NonZeroU16;
    use std::sync::{Arc, Mutex};
    use std::thread;
    use std::time::{Duration, Instant};

    use portable_pty::{CommandBuilder, PtySize, native_pty_system};

    use super::DEADLINE;

    const ROWS: NonZeroU16 = NonZeroU16::new(24).unwrap();
    const COLS: NonZeroU16 = NonZeroU16::new(80).unwrap();

    const HIDE_CURSOR: &str = "\x1b[?25l";
    const SHOW_CURSOR: &str = "\x1b[?25h";

    /// What a run in the terminal produced.
    pub struct Run {
        /// Every byte the program wrote, escape codes included.
        pub bytes: Vec<u8>,
        pub exit_code: u32,
    }

    impl Run {
        fn text(&self) -> String {
            String::from_utf8_lossy(&self.bytes).into_owned()
        }

        /// The final screen, as a terminal emulator draws the bytes: one
        /// line per line of text (a line too long for the screen is joined
        /// back), trailing blanks trimmed.
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

    /// Runs `program` with `args` in a fresh pseudo-terminal, with a deadline.
    pub fn run_in_pty(program: &str, args: &[&str]) -> Run {
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
        let keyboard = pty.master.take_writer().expect("write to the terminal");
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("poll the program") {
                break status;
            }
            if started.elapsed() > DEADLINE {
                child.kill().ok();
                panic!("{program} {args:?} still running after {DEADLINE:?}");
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
}
