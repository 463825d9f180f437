//! The supervisor on a real terminal: Ctrl-C typed there reaches the
//! supervisor alone (each child leads a process group of its own), which
//! asks each child to stop; the children's names are coloured, unless
//! NO_COLOR says not to.
//!
//! These need a Unix pseudo-terminal: on Windows they are skipped (the
//! Windows counterpart, a new process group per child, is in
//! `labs/src/platform.rs`).
#![cfg(unix)]

use crate::support;

use std::time::Duration;

use labs_pty::Command;
use support::{VARIANTS, binary, squeezed};

const DEADLINE: Duration = Duration::from_secs(30);

#[test]
fn ctrl_c_on_the_terminal_reaches_the_supervisor_which_asks_each_child() {
    for variant in VARIANTS {
        // The worker does not catch SIGINT: had the terminal's Ctrl-C reached
        // it, it would end with "signal: 2 (SIGINT)".
        let worker = "w=supervisor-worker --lines 1000 --every 0.05";
        let mut terminal = Command::new(binary(variant))
            .args(&["--grace", "20", worker])
            .env_remove("NO_COLOR")
            .env_remove("CARGO")
            .start();
        terminal.wait_for("line 2 of 1000", DEADLINE);
        terminal.type_keys("\x03");
        assert_eq!(terminal.wait_exit(DEADLINE), 130, "supervisor-{variant}");
        let text = terminal.text();
        assert!(
            text.contains("supervisor * w stopped when asked: signal: 15 (SIGTERM)"),
            "supervisor-{variant}: {text}"
        );
        assert!(
            text.contains("\x1b[38;5;"),
            "supervisor-{variant}: no colour"
        );
    }
}

#[test]
fn no_color_turns_the_colours_off() {
    let run = Command::new(binary("tokio"))
        .args(&["w=supervisor-worker --lines 1 --every 0"])
        .env("NO_COLOR", "1")
        .env_remove("CARGO")
        .run(DEADLINE);
    let text = run.text();
    assert!(squeezed(&text).contains("w | line 1 of 1"), "{text}");
    assert!(!text.contains("\x1b["), "{text:?}");
}
