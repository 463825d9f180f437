//! Every variant run against the row server started inside it, its output
//! pinned by a snapshot; the select experiment measured, run after run.

use crate::support;

use std::thread;

use support::{ASYNC, RUNTIMES, run, shown};

/// Step 1 and 3: the rows, the comprehension, and how the connection ends:
/// the server says "vanished" for the guard dropped, "said goodbye" for
/// `close()` and `with_connection`.
#[test]
fn async_for_and_the_three_endings() {
    for cleanup in ["drop", "close", "with"] {
        let runs: Vec<_> = RUNTIMES
            .map(|variant| {
                thread::spawn(move || {
                    run(
                        variant,
                        &["--rows", "6", "--drip", "1", "--cleanup", cleanup],
                    )
                })
            })
            .into_iter()
            .map(|run| run.join().unwrap())
            .collect();
        for (variant, out) in RUNTIMES.iter().zip(&runs) {
            insta::assert_snapshot!(format!("{variant}-{cleanup}"), shown(out));
        }
        let farewell = if cleanup == "drop" {
            "vanished"
        } else {
            "said goodbye"
        };
        for (variant, out) in RUNTIMES.iter().zip(&runs) {
            assert!(
                out.stdout.contains(farewell),
                "{variant} --cleanup {cleanup}:\n{}",
                out.stdout
            );
        }
    }
}

/// Step 2: the three ways of writing the stream give the same rows (two
/// ways for the thread's iterator).
#[test]
fn generators_three_ways() {
    for runtime in RUNTIMES {
        let variant = format!("{runtime}-generators");
        let out = run(&variant, &["--rows", "5", "--drip", "2"]);
        insta::assert_snapshot!(variant, shown(&out));
    }
}

/// Runs that each take about a second run side by side.
fn runs(variant: &str, args: &[&str], times: usize) -> Vec<support::Output> {
    thread::scope(|scope| {
        let runs: Vec<_> = (0..times)
            .map(|_| scope.spawn(|| run(variant, args)))
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).collect()
    })
}

const RUNS: usize = 3;

/// Step 4, cured: every byte arrives, in every run, on every runtime.
#[test]
fn a_cancellation_safe_read_loses_nothing() {
    for runtime in RUNTIMES {
        let variant = format!("{runtime}-select");
        let outs = runs(&variant, &["--rows", "4"], RUNS);
        for out in &outs {
            assert_eq!(shown(out), shown(&outs[0]), "{variant}: the runs differ");
            assert!(
                out.stdout.contains(" 0 lost\n"),
                "{variant}:\n{}",
                out.stdout
            );
        }
        insta::assert_snapshot!(variant, shown(&outs[0]));
    }
}

/// Step 4, broken: the ticker wins between the two halves of every row (a
/// tick every 30 ms, halves 100 ms apart), and the read it cancels takes
/// its half with it. What arrives is the end of each row; the bytes add up.
/// A stalled machine may let a row through whole, so the loss is asserted
/// over several runs, and the arithmetic in every run.
#[test]
fn a_read_dropped_half_way_loses_its_half() {
    let rows = 4;
    let sent: usize = (1..=rows).map(|n| streams::row_line(n).len()).sum();
    for runtime in ASYNC {
        let variant = format!("{runtime}-select-broken");
        let outs = runs(&variant, &["--rows", &rows.to_string()], RUNS);
        let mut lost_in_some_run = false;
        for out in &outs {
            let (summary, lost) = check_broken_run(&variant, out, rows, sent);
            lost_in_some_run |= lost > 0;
            assert_eq!(out.code(), i32::from(lost > 0), "{variant}: {summary}");
            assert!(
                out.stdout.ends_with("said goodbye (QUIT) after 1 query\n"),
                "{}",
                out.stdout
            );
        }
        assert!(lost_in_some_run, "{variant}: no bytes lost in {RUNS} runs");
    }
}

/// Checks one run's rows against what the server sent; returns its summary
/// line and the bytes it says were lost.
fn check_broken_run(
    variant: &str,
    out: &support::Output,
    rows: u32,
    sent: usize,
) -> (String, usize) {
    let lines: Vec<&str> = out.stdout.lines().collect();
    let (row_lines, rest) = lines.split_at(rows as usize);
    let mut received = 0;
    for (n, line) in (1..=rows).zip(row_lines) {
        let row = streams::row_line(n);
        let row = row.trim_end();
        let arrived = match line.strip_prefix("  ? \"") {
            Some(cut) => cut
                .strip_suffix("\" cut: its start was lost")
                .unwrap_or_else(|| panic!("{variant}: {line}")),
            None => {
                let name = row.split_once(": ").unwrap().1;
                assert!(
                    line.ends_with(&format!(" {name}")),
                    "{variant}: row {n}: {line:?}"
                );
                row
            }
        };
        assert!(
            row.ends_with(arrived) && !arrived.is_empty(),
            "{variant}: row {n}: {arrived:?} is not the end of {row:?}"
        );
        received += arrived.len() + 1;
    }
    let lost = sent - received;
    let summary = rest[0].to_string();
    let whole = row_lines
        .iter()
        .filter(|line| !line.contains(" cut: "))
        .count();
    assert_eq!(
        summary,
        format!(
            "{whole} row{} whole; bytes: {sent} sent, {received} received, {lost} lost",
            if whole == 1 { "" } else { "s" }
        ),
        "{variant}"
    );
    (summary, lost)
}

/// Step 5: the deadline wins. The first half of row 1 has come (at once),
/// its second comes a second later; the deadline, at 0.5 s, falls between.
/// smol and async-std show the half the dropped read left in the buffer;
/// then every client reads the rest up to BYE and says goodbye.
#[test]
fn the_deadline_wins_and_the_client_still_says_goodbye() {
    let outs: Vec<_> = thread::scope(|scope| {
        let runs: Vec<_> = RUNTIMES
            .map(|runtime| {
                scope.spawn(move || {
                    run(
                        &format!("{runtime}-select"),
                        &["--rows", "1", "--drip", "1000", "--timeout", "0.5"],
                    )
                })
            })
            .into_iter()
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).collect()
    });
    for (runtime, out) in RUNTIMES.iter().zip(&outs) {
        insta::assert_snapshot!(format!("{runtime}-select-timeout"), shown(out));
    }
}

/// Bad numbers get one line on stderr and exit status 2.
#[test]
fn bad_options_get_one_line_and_status_2() {
    let mut report = String::new();
    for (variant, options) in [
        ("tokio", &["--rows", "--drip", "--io-timeout"][..]),
        ("smol-select", &["--timeout"][..]),
        ("server", &["--drip", "--port"][..]),
    ] {
        let argvs = labs::testkit::bad_number_args(options);
        report += &labs::testkit::assert_bad_args(support::bin(variant), &argvs);
    }
    let argvs = [
        vec!["--server".to_string(), "nowhere".to_string()],
        vec!["--cleanup".to_string(), "later".to_string()],
    ];
    report += &labs::testkit::assert_bad_args(support::bin("thread"), &argvs);
    insta::assert_snapshot!(report);
}

/// `| head -0`: the client ends quietly at its first line.
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_quietly() {
    use std::process::Command;

    for variant in ["thread", "tokio", "smol-select", "async-std-generators"] {
        labs::testkit::assert_closed_pipe(
            Command::new(support::bin(variant)).args(["--drip", "0"]),
        );
    }
}
