//! Requests to stop (Ctrl-C, SIGTERM, SIGHUP, SIGQUIT, the terminal closed;
//! console events on Windows), caught by `labs::platform` and kept as a
//! value that the launcher's loops look at: the menu and `watch` run
//! children, which must end before the launcher does, their terminal
//! restored.

use std::io::{self, IsTerminal};
use std::process::{Child, exit};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Once, OnceLock};
use std::thread::sleep;
use std::time::{Duration, Instant};

use labs::platform::{self, Sender};

/// Exit status after Ctrl-C: 128 + SIGINT, as a shell reports it.
pub const INTERRUPTED: i32 = 130;

/// How long a child has to end on a request passed on to it (its handler
/// restores the terminal and exits at once) before it is killed.
const CHILD_GRACE: Duration = Duration::from_secs(3);

/// The exit status the last request asked for; 0: none.
static REQUESTED: AtomicI32 = AtomicI32::new(0);
/// Whether the last request came from a program (`kill`) rather than the
/// terminal, which asked our children too.
static BY_A_PROCESS: AtomicBool = AtomicBool::new(false);
/// Whether the main thread has seen the last request.
static SEEN: AtomicBool = AtomicBool::new(false);
/// Whether the main thread is ending a child ([`end_with`]): it exits
/// itself, within [`CHILD_GRACE`], whatever other request comes.
static ENDING: AtomicBool = AtomicBool::new(false);

/// Puts the terminal back before a forced exit (see [`record`]).
static RESTORE: OnceLock<fn()> = OnceLock::new();

/// A request to stop, as the main thread sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    /// The exit status a shell would report.
    pub status: i32,
    /// Who asked: a program asked us alone, the terminal asked our children too.
    pub sender: Sender,
}

/// Catches every request to stop from now on; `restore` puts the terminal
/// back. Without a handler (none could be installed) a request stops the
/// program the default way.
pub fn listen(restore: fn()) {
    let _ = RESTORE.set(restore);
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        platform::on_stop_request_from(record);
    });
}

/// Makes the hang-up of the terminal on stdin (its window closed) a request
/// to stop too, even when SIGHUP is ignored (`nohup`), for a program that
/// reads keys from it.
pub fn listen_for_hang_up() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        platform::on_terminal_closed(|status| record(status, Sender::Terminal));
    });
}

/// The handler: note the request for the main thread, which acts on it.
/// A request must end the program even if the main thread cannot act: a
/// closed terminal can leave it stuck in crossterm's read, which then reads
/// end-of-file or an error again and again without returning. If the main
/// thread has not seen the request after a second, this thread ends it.
fn record(status: i32, sender: Sender) {
    BY_A_PROCESS.store(sender == Sender::Process, Ordering::SeqCst);
    SEEN.store(false, Ordering::SeqCst);
    REQUESTED.store(status, Ordering::SeqCst);
    sleep(Duration::from_secs(1));
    let unseen = !SEEN.load(Ordering::SeqCst) && REQUESTED.load(Ordering::SeqCst) == status;
    if unseen && !ENDING.load(Ordering::SeqCst) {
        if let Some(restore) = RESTORE.get() {
            restore();
        }
        exit(status);
    }
}

/// The request to stop, if one came; the main thread acts on it.
pub fn requested() -> Option<Request> {
    let status = REQUESTED.load(Ordering::SeqCst);
    if status == 0 {
        return None;
    }
    SEEN.store(true, Ordering::SeqCst);
    let sender = if BY_A_PROCESS.load(Ordering::SeqCst) {
        Sender::Process
    } else {
        Sender::Terminal
    };
    Some(Request { status, sender })
}

/// Forgets a request that was not for us (the Ctrl-C that stopped a child).
pub fn ignore() {
    REQUESTED.store(0, Ordering::SeqCst);
}

/// Ends `child` on `request` and then this program: a request only we
/// received is passed on, so that the child's own handler restores the
/// terminal; after [`CHILD_GRACE`] a child still running is killed, and the
/// cursor it may have hidden shown again. Exits with the request's status.
pub fn end_with(child: &mut Child, request: Request) -> ! {
    ENDING.store(true, Ordering::SeqCst);
    if request.sender == Sender::Process {
        platform::pass_stop_request(child, request.status);
    }
    let deadline = Instant::now() + CHILD_GRACE;
    let ended = loop {
        match child.try_wait() {
            Ok(Some(_)) | Err(_) => break true,
            Ok(None) if Instant::now() >= deadline => break false,
            Ok(None) => sleep(Duration::from_millis(20)),
        }
    };
    if !ended {
        let _ = child.kill();
        let _ = child.wait();
        if io::stdout().is_terminal() {
            // What a killed lab could not do: the line it drew blanked, the
            // cursor shown.
            use crossterm::cursor::{MoveToColumn, Show};
            use crossterm::terminal::{Clear, ClearType};
            let _ = crossterm::execute!(
                io::stdout(),
                MoveToColumn(0),
                Clear(ClearType::CurrentLine),
                Show
            );
        }
    }
    if let Some(restore) = RESTORE.get() {
        restore();
    }
    exit(request.status)
}
