//! One status line that redraws in place, and a promise to put the terminal
//! back as it was: when the line is dropped (normal end, error, panic, or a
//! cancelled task, since cancelling a Rust future drops it), and when the
//! program is asked to stop (Ctrl-C, `kill`, SIGQUIT, the terminal closed).
//!
//! When stdout is not a terminal nothing is drawn and no escape code is
//! written: the frames of an animation mean nothing in a file or a pipe.

use std::io::{self, IsTerminal, Write};
use std::process;
use std::sync::{Mutex, MutexGuard, Once, PoisonError};

use crossterm::cursor::{Hide, MoveToColumn, Show};
use crossterm::style::Print;
use crossterm::terminal::{Clear, ClearType};
use crossterm::{QueueableCommand, queue};

/// What this process has done to the terminal. Every write of a status line
/// and the stop handler take this lock, so a frame is never drawn after
/// the terminal was restored.
struct Terminal {
    cursor_hidden: bool,
}

static TERMINAL: Mutex<Terminal> = Mutex::new(Terminal {
    cursor_hidden: false,
});

fn terminal() -> MutexGuard<'static, Terminal> {
    TERMINAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A line at the cursor that [`draw`](StatusLine::draw) redraws in place.
/// Dropping it blanks the line and shows the cursor again.
#[derive(Debug)]
pub struct StatusLine {
    is_terminal: bool,
}

impl StatusLine {
    /// Hides the cursor (on a terminal) and makes a request to stop the
    /// program (Ctrl-C, `kill`, ...) restore it first.
    pub fn new() -> StatusLine {
        let is_terminal = io::stdout().is_terminal();
        if is_terminal {
            restore_on_stop_request();
            let mut terminal = terminal();
            let mut out = io::stdout().lock();
            // Terminal output is best effort: a failed write is no reason to stop.
            let _ = out.queue(Hide).and_then(|out| out.flush());
            terminal.cursor_hidden = true;
        }
        StatusLine { is_terminal }
    }

    /// Replaces the line with `text` and leaves the cursor at its start (like
    /// Python's `print(text, end="\r")`), so that a line another thread prints
    /// meanwhile overwrites the frame instead of being appended to it.
    /// With `--timeline`, each call is recorded as an instant, `frame`, even
    /// when nothing is drawn (output not a terminal).
    pub fn draw(&self, text: &str) {
        crate::timeline::event("frame");
        if !self.is_terminal {
            return;
        }
        let terminal = terminal();
        if !terminal.cursor_hidden {
            return; // restored already (the program is stopping): draw nothing more
        }
        let mut out = io::stdout().lock();
        let _ = queue!(
            out,
            MoveToColumn(0),
            Clear(ClearType::CurrentLine),
            Print(text),
            MoveToColumn(0)
        )
        .and_then(|()| out.flush());
    }
}

impl Default for StatusLine {
    fn default() -> Self {
        StatusLine::new()
    }
}

impl Drop for StatusLine {
    fn drop(&mut self) {
        if self.is_terminal {
            restore(&mut terminal());
        }
    }
}

/// Writes `line` and a newline on stderr in one write, never in the middle
/// of a status line's frame: under the same lock as [`StatusLine::draw`], the
/// frame is blanked first (the next one draws on the line below).
pub fn print_line_on_stderr(line: &str) {
    let terminal = terminal();
    if terminal.cursor_hidden {
        let mut out = io::stdout().lock();
        let _ =
            queue!(out, MoveToColumn(0), Clear(ClearType::CurrentLine)).and_then(|()| out.flush());
    }
    let mut err = io::stderr().lock();
    let _ = err
        .write_all(format!("{line}\n").as_bytes())
        .and_then(|()| err.flush());
}

/// Blanks the status line and shows the cursor, once.
fn restore(terminal: &mut Terminal) {
    if terminal.cursor_hidden {
        let mut out = io::stdout().lock();
        let _ = queue!(out, MoveToColumn(0), Clear(ClearType::CurrentLine), Show)
            .and_then(|()| out.flush());
        terminal.cursor_hidden = false;
    }
}

/// Without a handler, Ctrl-C or `kill` ends the process at once and no
/// destructor runs, which would leave the cursor hidden. This one restores
/// the terminal first, then exits with the status a shell would report
/// (130 for Ctrl-C; see [`crate::platform::on_stop_request`]).
fn restore_on_stop_request() {
    INSTALL.call_once(|| {
        // Without a handler, a request to stop still stops the program.
        let _installed = crate::platform::on_stop_request(|status| restore_and_exit(status));
    });
}

static INSTALL: Once = Once::new();

/// For a program that handles stop requests itself (it awaits Ctrl-C to
/// end cleanly): a [`StatusLine`] then installs no handler of its own, and
/// the program's handler calls [`restore_and_exit`] when it must end at
/// once. Call it before the first `StatusLine::new()`.
pub fn handle_stop_requests_here() {
    INSTALL.call_once(|| {});
}

/// Blanks the status line, shows the cursor again, and exits with `status`.
pub fn restore_and_exit(status: i32) -> ! {
    let mut terminal = terminal();
    restore(&mut terminal);
    process::exit(status)
}
