//! One status line that redraws in place, and a promise to put the terminal
//! back as it was: when the line is dropped (normal end, error, panic, or a
//! cancelled task, since cancelling a Rust future drops it) and on Ctrl-C.
//!
//! When stdout is not a terminal nothing is drawn and no escape code is
//! written: the frames of an animation mean nothing in a file or a pipe.

use std::io::{self, IsTerminal, Write};
use std::sync::{Mutex, MutexGuard, Once, PoisonError};
use std::{process, thread};

use crossterm::cursor::{Hide, MoveToColumn, Show};
use crossterm::style::Print;
use crossterm::terminal::{Clear, ClearType};
use crossterm::{QueueableCommand, queue};

/// Exit status after Ctrl-C: 128 + SIGINT, as a shell reports it.
pub const INTERRUPTED: i32 = 130;

/// What this process has done to the terminal. Every write of a status line
/// and the Ctrl-C handler take this lock, so a frame is never drawn after
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
    /// Hides the cursor (on a terminal) and makes Ctrl-C restore it.
    pub fn new() -> StatusLine {
        let is_terminal = io::stdout().is_terminal();
        if is_terminal {
            restore_on_ctrl_c();
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
    pub fn draw(&self, text: &str) {
        if !self.is_terminal {
            return;
        }
        let terminal = terminal();
        if !terminal.cursor_hidden {
            return; // restored already (Ctrl-C): draw nothing more
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

/// Blanks the status line and shows the cursor, once.
fn restore(terminal: &mut Terminal) {
    if terminal.cursor_hidden {
        let mut out = io::stdout().lock();
        let _ = queue!(out, MoveToColumn(0), Clear(ClearType::CurrentLine), Show)
            .and_then(|()| out.flush());
        terminal.cursor_hidden = false;
    }
}

/// Without a handler, Ctrl-C ends the process at once and leaves the cursor
/// hidden. This one restores the terminal first, then exits with status 130.
fn restore_on_ctrl_c() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        use signal_hook::consts::SIGINT;
        use signal_hook::iterator::Signals;
        let Ok(mut signals) = Signals::new([SIGINT]) else {
            return; // no handler: Ctrl-C still stops the program
        };
        thread::spawn(move || {
            if signals.forever().next().is_some() {
                let mut terminal = terminal();
                restore(&mut terminal);
                process::exit(INTERRUPTED);
            }
        });
    });
}
