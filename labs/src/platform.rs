//! Everything that differs between Linux, macOS and Windows lives here, each
//! piece behind `cfg` with a counterpart for every platform, so that the labs
//! themselves are the same on every laptop.

// ---------------------------------------------------------------------------
// Being asked to stop: Ctrl-C, `kill`, a closed terminal.

/// Calls `stop(status)`, on a thread of its own, each time the user or the
/// system asks this program to stop, with the exit status a shell would report:
/// 128 + the signal's number on Unix (Ctrl-C 130, SIGTERM 143, SIGHUP 129,
/// Ctrl-\ 131); 130 on Windows for every console event (Ctrl-C, Ctrl-Break,
/// the console window closed). Returns false when no handler could be
/// installed: the program then stops the default way. Install it once.
///
/// Unix: a signal this program was started with ignored (`nohup` ignores
/// SIGHUP; a shell starts background jobs with SIGINT ignored) stays
/// ignored.
pub fn on_stop_request(stop: fn(i32)) -> bool {
    imp::on_stop_request(stop)
}

#[cfg(unix)]
mod imp {
    use std::thread;

    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    use signal_hook::iterator::Signals;

    pub fn on_stop_request(stop: fn(i32)) -> bool {
        let wanted = [SIGINT, SIGTERM, SIGHUP, SIGQUIT].into_iter();
        let Ok(mut signals) = Signals::new(wanted.filter(|&signal| !ignored(signal))) else {
            return false;
        };
        thread::spawn(move || {
            for signal in signals.forever() {
                stop(128 + signal);
            }
        });
        true
    }

    /// Whether `signal` is ignored now (as it was when the program started:
    /// nothing before this changes it).
    fn ignored(signal: i32) -> bool {
        // SAFETY: with a null new action, sigaction only reads the current one
        // into `current`, a plain C struct for which all zeroes is valid.
        unsafe {
            let mut current: libc::sigaction = std::mem::zeroed();
            libc::sigaction(signal, std::ptr::null(), &mut current) == 0
                && current.sa_sigaction == libc::SIG_IGN
        }
    }
}

#[cfg(windows)]
mod imp {
    /// `ctrlc` hands every console control event (Ctrl-C, Ctrl-Break, the
    /// window closed, log-off, shut-down) to one handler on a thread of its own.
    pub fn on_stop_request(stop: fn(i32)) -> bool {
        ctrlc::set_handler(move || stop(130)).is_ok()
    }
}

#[cfg(not(any(unix, windows)))]
mod imp {
    pub fn on_stop_request(_stop: fn(i32)) -> bool {
        false
    }
}

// ---------------------------------------------------------------------------
// Output that nobody reads any more.

/// The exit status for a failed write to stdout or stderr with OS error
/// `code`, when the failure only means that the reader is gone: a closed pipe
/// (`| head`), 141 (128 + SIGPIPE, what a shell reports on Unix); a closed
/// terminal (Unix: EIO, e.g. under `nohup` once the window is closed), 129
/// (128 + SIGHUP). `None` for a real error (a full disk, say).
pub fn reader_gone_status(code: i32) -> Option<i32> {
    use std::io::{Error, ErrorKind};
    // std maps EPIPE (Unix) and ERROR_BROKEN_PIPE / ERROR_NO_DATA (Windows).
    if Error::from_raw_os_error(code).kind() == ErrorKind::BrokenPipe {
        return Some(crate::cli::CLOSED_PIPE);
    }
    #[cfg(unix)]
    if code == libc::EIO {
        return Some(crate::cli::CLOSED_TERMINAL);
    }
    None
}

// ---------------------------------------------------------------------------
// Handing over to another program.

/// Runs `command` in place of this program, and returns only if it could not
/// be started. On Unix the process becomes `command` (`exec`), so Ctrl-C and
/// the exit status are its own; Windows has no `exec`, so `command` runs as a
/// child and this program exits with its status.
#[cfg(unix)]
pub fn exec(mut command: std::process::Command) -> std::io::Error {
    use std::os::unix::process::CommandExt;
    command.exec()
}

#[cfg(not(unix))]
pub fn exec(mut command: std::process::Command) -> std::io::Error {
    match command.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(err) => err,
    }
}
