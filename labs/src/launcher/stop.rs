//! Requests to stop (Ctrl-C, SIGTERM, SIGHUP, SIGQUIT; console events on
//! Windows), caught by `labs::platform::on_stop_request` and kept as a value
//! that the launcher's loops look at: the menu and `watch` run children that
//! receive the same Ctrl-C, and must wait for them, or stay.

use std::sync::Once;
use std::sync::atomic::{AtomicI32, Ordering};

/// Exit status after Ctrl-C: 128 + SIGINT, as a shell reports it.
pub const INTERRUPTED: i32 = 130;

/// The exit status the last request asked for; 0: none.
static REQUESTED: AtomicI32 = AtomicI32::new(0);

/// Catches every request to stop from now on. Without a handler (none could
/// be installed) a request stops the program the default way.
pub fn listen() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        labs::platform::on_stop_request(record);
    });
}

/// The handler: note the request for the main thread, which acts on it.
fn record(status: i32) {
    REQUESTED.store(status, Ordering::SeqCst);
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
