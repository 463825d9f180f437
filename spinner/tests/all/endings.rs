//! Every way a spinner can be stopped from outside gives the terminal back:
//! Ctrl-C, `kill` (SIGTERM), SIGHUP, SIGQUIT, a closed terminal. Each ends with
//! the status a shell would report (128 + the signal), and a program started
//! with SIGINT ignored, as a shell starts a background job, keeps ignoring it.
//!
//! These need a Unix pseudo-terminal and Unix signals: on Windows they are
//! skipped (the Windows counterpart, a console control handler, is in
//! `labs/src/platform.rs`).
#![cfg(unix)]

use std::time::Duration;

use labs_pty::{HIDE_CURSOR, SHOW_CURSOR, Terminal};

const SPINNERS: [&str; 2] = [
    env!("CARGO_BIN_EXE_spinner-thread"),
    env!("CARGO_BIN_EXE_spinner-tokio"),
];
const DEADLINE: Duration = Duration::from_secs(20);

/// How a run in a terminal ended.
struct Ending {
    /// `None` when the program was killed by the signal itself.
    exit_code: Option<u32>,
    screen_bytes: String,
}

impl Ending {
    /// The cursor is shown again after the last time it was hidden.
    fn cursor_restored(&self) -> bool {
        let text = &self.screen_bytes;
        text.rfind(SHOW_CURSOR) > text.rfind(HIDE_CURSOR)
    }
}

/// What happens to a spinner once it has drawn its first frame.
enum Stop {
    /// `kill -SIGNAL` the shell's process (which `exec`s the spinner).
    Signal(&'static str),
    /// Close the terminal: its last open descriptor on our side.
    CloseTerminal,
}

/// Runs `sh -c script` (which starts a spinner) in a new pseudo-terminal,
/// waits for the first frame, does `stop`, and waits for the end.
fn run(script: &str, stop: Stop) -> Ending {
    let mut terminal = Terminal::start("sh", &["-c", script]);
    terminal.wait_until_output(" thinking!", DEADLINE);
    match stop {
        Stop::Signal(signal) => terminal.signal(signal),
        Stop::CloseTerminal => terminal.close(),
    }
    let run = terminal.finish(DEADLINE);
    Ending {
        exit_code: run.signal.is_none().then_some(run.exit_code),
        screen_bytes: run.text(),
    }
}

#[test]
fn every_stop_signal_restores_the_terminal_and_exits_128_plus_the_signal() {
    for program in SPINNERS {
        for (signal, code) in [("INT", 130), ("TERM", 143), ("HUP", 129), ("QUIT", 131)] {
            // `exec`: the spinner replaces the shell, so the signal reaches it.
            let ending = run(
                &format!("exec '{program}' --seconds 30"),
                Stop::Signal(signal),
            );
            assert_eq!(ending.exit_code, Some(code), "{program} after SIG{signal}");
            assert!(
                ending.cursor_restored(),
                "{program} after SIG{signal}: cursor left hidden"
            );
        }
    }
}

#[test]
fn a_program_started_with_sigint_ignored_keeps_ignoring_it() {
    // Both at once, each in its own terminal: each runs its full second.
    std::thread::scope(|scope| {
        for program in SPINNERS {
            scope.spawn(move || {
                // `trap '' INT` makes the shell, and what it execs, ignore SIGINT.
                let script = format!("trap '' INT; exec '{program}' --seconds 1");
                let ending = run(&script, Stop::Signal("INT"));
                assert_eq!(
                    ending.exit_code,
                    Some(0),
                    "{program}: SIGINT was not ignored"
                );
                assert!(ending.screen_bytes.contains("Answer: 42"), "{program}");
                assert!(ending.cursor_restored(), "{program}");
            });
        }
    });
}

/// The window is closed while the program runs with SIGHUP ignored (as under
/// `nohup`): its next write fails with EIO. It ends quietly with 129, the
/// status of a program stopped by a closed terminal, instead of a panic.
#[test]
fn a_closed_terminal_ends_the_program_quietly() {
    // Both at once, each in its own terminal.
    std::thread::scope(|scope| {
        for program in SPINNERS {
            scope.spawn(move || {
                let script = format!(
                    "trap '' HUP; '{program}' --seconds 1 2>/dev/null; echo $? > '{}'",
                    status_file(program).display()
                );
                // The shell stays (no exec) to write down the spinner's
                // status, which nobody can read from the closed terminal.
                run(&script, Stop::CloseTerminal);
                let status =
                    std::fs::read_to_string(status_file(program)).expect("the status file");
                std::fs::remove_file(status_file(program)).ok();
                assert_eq!(status.trim(), "129", "{program} on a closed terminal");
            });
        }
    });
}

fn status_file(program: &str) -> std::path::PathBuf {
    let name = std::path::Path::new(program).file_name().unwrap();
    std::env::temp_dir().join(format!(
        "{}-{}.closed-terminal-status",
        name.to_string_lossy(),
        std::process::id()
    ))
}
