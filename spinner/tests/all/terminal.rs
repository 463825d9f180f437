//! Every spinner variant in a real terminal: the final screen a person sees,
//! whether the spinner really spun, and whether the cursor came back.
//!
//! These tests need a Unix pseudo-terminal (Linux, macOS); on other
//! platforms they are skipped (compiled out).
#![cfg(unix)]

use crate::support;

use std::collections::HashMap;
use std::panic::resume_unwind;
use std::sync::{LazyLock, Mutex, PoisonError};
use std::thread::{self, JoinHandle};

use support::{Run, expected_frames, frames_drawn, redact, run_in_pty, spun_at_pace};

/// `slow()` waits this long in the tests: ten frames' worth.
const SECONDS: f64 = 1.0;

/// What a person sees, as a snapshot: the final screen, then the facts that
/// the final screen cannot show. A frame count off the pace is written out,
/// so the snapshot fails with the number in it.
fn report(run: &Run) -> String {
    let frames = match frames_drawn(run) {
        0 => "none".to_string(),
        n if spun_at_pace(n, SECONDS) => "about one every 100 ms".to_string(),
        n => format!("{n}, expected about {}", expected_frames(SECONDS)),
    };
    format!(
        "{}\n---\nframes drawn: {frames}\n{}",
        run.screen(),
        ending(run)
    )
}

/// After Ctrl-C the number of frames depends on when the key was typed.
fn interrupted_report(run: &Run) -> String {
    format!("{}\n---\n{}", run.screen(), ending(run))
}

fn ending(run: &Run) -> String {
    format!("cursor: {}\nexit status: {}\n", run.cursor(), run.exit_code)
}

/// Snapshots `report`, with the machine-dependent numbers in the
/// `spinner object:` line of `program` redacted (see `support::redact`).
fn snapshot(name: &str, program: &str, report: &str) {
    let mut settings = redact::settings(program);
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, report));
}

/// The run a test checks. Every run of this file starts the first time one
/// is asked for, all at once, each on a thread of its own: a run is mostly
/// waiting, so the file takes about as long as its longest run.
fn run_of(name: &'static str) -> Run {
    static RUNS: LazyLock<Mutex<HashMap<&'static str, JoinHandle<Run>>>> = LazyLock::new(|| {
        let mut runs = HashMap::new();
        for &(name, program) in TERMINAL_RUNS {
            let run = thread::spawn(move || {
                run_in_pty(program, &["--seconds", &SECONDS.to_string()], false)
            });
            runs.insert(name, run);
        }
        for &(name, program) in CTRL_C_RUNS {
            let run = thread::spawn(move || run_in_pty(program, &["--seconds", "30"], true));
            runs.insert(name, run);
        }
        Mutex::new(runs)
    });
    let run = RUNS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .remove(name)
        .expect("each run is checked by one test");
    run.join().unwrap_or_else(|panic| resume_unwind(panic))
}

macro_rules! terminal_tests {
    ($($test:ident => $bin:literal,)*) => {
        /// Runs to the end, `--seconds 1`: (snapshot name, program).
        const TERMINAL_RUNS: &[(&str, &str)] =
            &[$((concat!("terminal-", $bin), env!(concat!("CARGO_BIN_EXE_", $bin)))),*];
        $(
            #[test]
            fn $test() {
                let name = concat!("terminal-", $bin);
                let program = env!(concat!("CARGO_BIN_EXE_", $bin));
                snapshot(name, program, &report(&run_of(name)));
            }
        )*
    };
}

terminal_tests! {
    thread => "spinner-thread",
    tokio => "spinner-tokio",
    async_std => "spinner-async-std",
    smol => "spinner-smol",
    tokio_blocking => "spinner-tokio-blocking",
    tokio_current_thread_blocking => "spinner-tokio-current-thread-blocking",
    tokio_spawned_blocking => "spinner-tokio-spawned-blocking",
    async_std_blocking => "spinner-async-std-blocking",
    smol_blocking => "spinner-smol-blocking",
}

macro_rules! ctrl_c_tests {
    ($($test:ident => $bin:literal,)*) => {
        /// Runs interrupted by Ctrl-C: (snapshot name, program).
        const CTRL_C_RUNS: &[(&str, &str)] =
            &[$((concat!("ctrl-c-", $bin), env!(concat!("CARGO_BIN_EXE_", $bin)))),*];
        $(
            /// Ctrl-C mid-spin: the line is blanked, the cursor is back, status 130.
            #[test]
            fn $test() {
                let name = concat!("ctrl-c-", $bin);
                let program = env!(concat!("CARGO_BIN_EXE_", $bin));
                snapshot(name, program, &interrupted_report(&run_of(name)));
            }
        )*
    };
}

ctrl_c_tests! {
    ctrl_c_thread => "spinner-thread",
    ctrl_c_tokio => "spinner-tokio",
    ctrl_c_async_std => "spinner-async-std",
    ctrl_c_smol => "spinner-smol",
}
