//! Runs a spinner binary in a real pseudo-terminal, as a person would, and
//! reads back what the terminal would show (the terminal is the workspace's
//! `labs-pty` crate; what is the spinner's own is here).
// The terminal tests are Unix only: elsewhere only `redact` is used.
#![cfg_attr(not(unix), allow(dead_code))]

use std::time::Duration;

pub use labs_pty::Run;

pub mod redact;

/// Far longer than any run takes, so a hang fails the test instead of CI.
const WATCHDOG: Duration = Duration::from_secs(20);

/// How many spinner frames were drawn.
pub fn frames_drawn(run: &Run) -> usize {
    run.text().matches(" thinking!").count()
}

/// Runs `program` with `args` in a fresh 24x80 pseudo-terminal (see
/// `labs_pty`). With `interrupt: true`, types Ctrl-C as soon as the first
/// frame is drawn.
pub fn run_in_pty(program: &str, args: &[&str], interrupt: bool) -> Run {
    if !interrupt {
        return labs_pty::run(program, args, WATCHDOG);
    }
    let mut terminal = labs_pty::Terminal::start(program, args);
    terminal.wait_until_output(" thinking!", WATCHDOG);
    terminal.type_keys("\x03");
    terminal.finish(WATCHDOG)
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
