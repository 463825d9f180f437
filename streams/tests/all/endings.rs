//! Ctrl-C, for real (Unix only: signals, and a pseudo-terminal).
//!
//! - During `with_connection`, Ctrl-C ends the program at once: the clean-up
//!   that had to await never runs, and the server says the client vanished.
//! - In the select clients, Ctrl-C is a branch of the race: the client
//!   stops reading, says QUIT, and the server says goodbye; on a terminal
//!   the status line is blanked and the cursor shown again.
#![cfg(unix)]

use crate::support;

use std::os::unix::process::ExitStatusExt;
use std::process::Command;
use std::thread;
use std::time::Duration;

use labs::testkit::Running;
use support::{DEADLINE, RUNTIMES, bin};

/// Starts `variant` with `args`.
fn start(variant: &str, args: &[&str]) -> Running {
    Running::start(Command::new(bin(variant)).args(args))
}

#[test]
fn ctrl_c_during_with_connection_leaves_the_server_saying_vanished() {
    thread::scope(|scope| {
        for runtime in RUNTIMES {
            scope.spawn(move || {
                let server = streams::Server::start(0, Duration::from_millis(300)).unwrap();
                let addr = server.addr().to_string();
                let mut child = start(runtime, &["--server", &addr, "--rows", "3"]);
                child.wait_for_line(|line| line == "  1 alfa", DEADLINE);
                child.signal("INT");
                let status = child.finish(DEADLINE).status;
                assert_eq!(status.signal(), Some(2), "{runtime}: {status:?}");
                // Killed after row 1: the server is writing row 2 or 3 (or,
                // on a machine stalled for a second, waiting for a query).
                let farewell = server.farewell_within(DEADLINE).unwrap_or_default();
                assert!(
                    farewell.starts_with("connection 1: vanished (closed without QUIT")
                        && farewell.ends_with("after 1 query"),
                    "{runtime}: {farewell}"
                );
            });
        }
    });
}

#[test]
fn ctrl_c_in_the_race_stops_reading_and_says_goodbye() {
    thread::scope(|scope| {
        for runtime in RUNTIMES {
            scope.spawn(move || {
                let variant = format!("{runtime}-select");
                let mut child = start(&variant, &["--rows", "3", "--drip", "300"]);
                child.wait_for_line(|line| line == "  1 alfa", DEADLINE);
                child.signal("INT");
                let out = child.finish(DEADLINE);
                let rest: Vec<&str> = out
                    .stdout
                    .lines()
                    .skip_while(|line| *line != "  1 alfa")
                    .skip(1)
                    .collect();
                assert_eq!(out.status.code(), Some(130), "{variant}: {rest:?}");
                assert!(
                    rest.iter()
                        .any(|line| line.starts_with("stopped by Ctrl-C, ")),
                    "{variant}: {rest:?}"
                );
                assert_eq!(
                    rest.last().copied(),
                    Some("server log: connection 1: said goodbye (QUIT) after 1 query"),
                    "{variant}"
                );
            });
        }
    });
}

/// On a terminal: the status line draws while the client waits, Ctrl-C (the
/// key) stops it cleanly, and the terminal is left as it was.
#[test]
fn ctrl_c_on_a_terminal_restores_it_and_says_goodbye() {
    for runtime in ["tokio", "smol"] {
        let variant = format!("{runtime}-select");
        let mut terminal = labs_pty::Command::new(bin(&variant))
            .args(&["--rows", "3", "--drip", "300"])
            .start();
        terminal.wait_for("1 alfa", DEADLINE);
        terminal.wait_for("tick", DEADLINE);
        terminal.type_keys("\x03");
        let run = terminal.finish(DEADLINE);
        assert_eq!(run.exit_code, 130, "{variant}:\n{}", run.screen());
        assert_eq!(
            run.cursor(),
            "hidden while spinning, shown again",
            "{variant}"
        );
        let screen = run.screen();
        assert!(
            screen.contains("stopped by Ctrl-C, "),
            "{variant}:\n{screen}"
        );
        assert!(
            screen.contains("said goodbye (QUIT)"),
            "{variant}:\n{screen}"
        );
        assert!(
            !screen.contains("tick"),
            "{variant}: the status line stayed:\n{screen}"
        );
    }
}
