//! Requests to stop (Ctrl-C, SIGTERM, SIGHUP, SIGQUIT; console events on
//! Windows), caught by `labs::platform::on_stop_request` and kept as a value
//! that the launcher's loops look at: the menu and `watch` run children that
//! receive the same Ctrl-C, and must wait for them, or stay.

use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Once, OnceLock};

/// Exit status after Ctrl-C: 128 + SIGINT, as a shell reports it.
pub const INTERRUPTED: i32 = 130;

/// The exit status the last request asked for; 0: none.
static REQUESTED: AtomicI32 = AtomicI32::new(0);

/// Puts the terminal back before a forced exit (see [`record`]).
static RESTORE: OnceLock<fn()> = OnceLock::new();

/// Catches every request to stop from now on; `restore` puts the terminal
/// back. Without a handler (none could be installed) a request stops the
/// program the default way.
pub fn listen(restore: fn()) {
    let _ = RESTORE.set(restore);
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        labs::platform::on_stop_request(record);
    });
}

/// The handler: note the request for the main thread, which acts on it.
/// A request other than Ctrl-C (`kill`, the window closed) must end the
/// program even if the main thread cannot act: a closed terminal can leave
/// it blocked in crossterm's read. After a second, this thread ends it.
fn record(status: i32) {
    REQUESTED.store(status, Ordering::SeqCst);
    if status != INTERRUPTED {
        std::thread::sleep(std::time::Duration::from_secs(1));
        if let Some(restore) = RESTORE.get() {
            restore();
        }
        std::process::exit(status);
    }
}

/// The exit status of a request to stop, if one came.
pub fn requested() -> Option<i32> {
    match REQUESTED.load(Ordering::SeqCst) {
        0 => None,
        status => Some(status),
    }
}

/// Forgets a request that was not for us (the Ctrl-C that stopped a child).
pub fn ignore() {
    REQUESTED.store(0, Ordering::SeqCst);
}
