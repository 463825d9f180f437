//! Part 1 and 2, run for real: every spinner variant in a real terminal
//! (frames drawn or not, the terminal restored), and debug mode's warning,
//! present for the broken variant and absent for the others.
//!
//! The times a variant prints depend on the machine, so they are replaced by
//! `[t]` (shown to 0.01 s, compared not at all). What is pinned does not
//! depend on the machine's speed or core count: whether the spinner drew no
//! frame, or more than one (the test's number takes about 0.8 s here; even
//! a machine four times faster leaves time for a second frame, due 100 ms
//! after the first), and which task debug mode names.

use crate::support;

use std::process::Command;

use labs::testkit::run;
use support::{DEADLINE, name};

const ASYNC_VARIANTS: [&str; 5] = [
    env!("CARGO_BIN_EXE_primes-tokio-blocking"),
    env!("CARGO_BIN_EXE_primes-tokio-yield"),
    env!("CARGO_BIN_EXE_primes-tokio"),
    env!("CARGO_BIN_EXE_primes-async-std"),
    env!("CARGO_BIN_EXE_primes-smol"),
];

/// A number whose check takes about 0.3 s in a debug build here (the
/// largest prime below 10^16): three times the debug threshold.
const DEBUG_NUMBER: &str = "9999999999999937";

fn snapshot(name: &str, report: &str) {
    insta::with_settings!({
        filters => vec![(r"\b\d+\.\d+ (s|seconds)\b", "[t] $1")],
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, report);
    });
}

/// `--debug` on every async variant, output piped: the broken variant is
/// reported (its supervisor held the thread for the whole check), the
/// cured and yielding ones are not.
///
/// Debug mode times polls by the clock, as asyncio does, so on a machine
/// far busier than it has cores, the OS may stop a thread in the middle of
/// a poll for longer than 100 ms, and a poll that did no wrong is reported
/// (the sheet says so). The yielding variant, on the CPU all the time, is
/// the one exposed. A blocking bug is reported on every run; such a stall
/// almost never twice in a row: a variant reported is run again, up to
/// twice, and must come out clean once.
#[test]
fn debug_mode_names_the_task_that_blocks() {
    let debug = |program: &str| {
        run(
            Command::new(program).args(["--debug", "--number", DEBUG_NUMBER]),
            DEADLINE,
        )
    };
    // All at once: the test takes as long as the slowest variant.
    let outputs: Vec<_> = std::thread::scope(|scope| {
        let runs: Vec<_> = ASYNC_VARIANTS
            .iter()
            .map(|program| scope.spawn(move || debug(program)))
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).collect()
    });
    for (program, mut output) in ASYNC_VARIANTS.iter().zip(outputs) {
        let broken = program.ends_with("-blocking");
        for _ in 0..2 {
            if broken || output.stderr.is_empty() {
                break;
            }
            output = debug(program);
        }
        assert!(output.status.success(), "{}: {output:?}", name(program));
        let report = format!("stdout:\n{}stderr:\n{}", output.stdout, output.stderr);
        snapshot(&format!("debug-{}", name(program)), &report);
    }
}

/// `--timeline` shows where the check ran: on a thread of tokio's blocking
/// pool, never on the runtime's one thread (`main`), where the tasks run.
#[test]
fn the_cured_check_runs_on_a_blocking_pool_thread() {
    let mut command = Command::new(env!("CARGO_BIN_EXE_primes-tokio"));
    let (output, recording) =
        labs::testkit::run_with_timeline(command.args(["--number", DEBUG_NUMBER]), DEADLINE);
    assert!(output.status.success(), "{output:?}");
    let checks = recording.events_named("is_prime");
    assert_eq!(checks.len(), 1, "{recording:#?}");
    let task_threads: Vec<&str> = ["supervisor", "spinner"]
        .iter()
        .flat_map(|task| recording.events_named(task))
        .map(|(thread, _)| thread)
        .collect();
    assert!(
        task_threads.iter().all(|thread| *thread == "main"),
        "{recording:#?}"
    );
    assert_ne!(checks[0].0, "main", "{recording:#?}");
}

#[cfg(unix)]
mod terminal {
    use super::snapshot;
    use super::support::{Run, SPINNER_NUMBER, frames_drawn, run_in_pty};

    /// What a person sees, as a snapshot: the final screen, then the facts
    /// that the final screen cannot show.
    fn report(run: &Run) -> String {
        let frames = match frames_drawn(run) {
            0 => "none: the spinner never ran".to_string(),
            1 => "one: the spinner started, then froze".to_string(),
            _ => "more than one: the spinner turned".to_string(),
        };
        format!(
            "{}\n---\nframes drawn: {frames}\ncursor: {}\nexit status: {}\n",
            run.screen(),
            run.cursor(),
            run.exit_code
        )
    }

    macro_rules! terminal_tests {
        ($($test:ident => $bin:literal,)*) => {$(
            #[test]
            fn $test() {
                let run = run_in_pty(env!(concat!("CARGO_BIN_EXE_", $bin)), &["--number", SPINNER_NUMBER]);
                snapshot(concat!("terminal-", $bin), &report(&run));
            }
        )*};
    }

    terminal_tests! {
        thread => "primes-thread",
        tokio_blocking => "primes-tokio-blocking",
        tokio_yield => "primes-tokio-yield",
        tokio => "primes-tokio",
        async_std => "primes-async-std",
        smol => "primes-smol",
    }
}

/// The terminal tests need a pseudo-terminal: on Windows they are skipped,
/// and this says so in the test list.
#[cfg(not(unix))]
#[test]
fn terminal_tests_are_skipped_on_this_platform() {}
