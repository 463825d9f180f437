//! Every supervisor at work with real children (the workspace's worker) and
//! real signals: restarts with backoff, a graceful stop with a grace period,
//! a second Ctrl-C, no orphans after `kill -9`, the pipe-buffer deadlock,
//! and children that misbehave.
//!
//! These send Unix signals (and read /proc on Linux): on Windows they are
//! skipped (the Windows counterparts, Ctrl-Break and a job object, are in
//! `labs/src/platform.rs`).
#![cfg(unix)]

use crate::support;

use std::process::Command;
use std::time::{Duration, Instant};

use support::{DEADLINE, Supervised, VARIANTS, WORKER, binary, pinned};

/// `w=supervisor-worker ARGS`.
fn worker(name: &str, args: &str) -> String {
    format!("{name}={WORKER} {args}")
}

/// Runs of `x` longer than 20 (the worker's long lines) as `x{N}`.
fn shorten_runs(text: &str) -> String {
    let mut out = String::new();
    let mut run = 0;
    let flush = |out: &mut String, run: usize| {
        if run > 20 {
            out.push_str(&format!("x{{{run}}}"));
        } else {
            out.extend(std::iter::repeat_n('x', run));
        }
    };
    for c in text.chars() {
        if c == 'x' {
            run += 1;
        } else {
            flush(&mut out, run);
            run = 0;
            out.push(c);
        }
    }
    flush(&mut out, run);
    out
}

#[test]
fn failed_children_are_restarted_with_backoff_and_the_others_left() {
    let programs = [
        worker("fails", "--lines 2 --every 0 --exit 3"),
        worker("ok", "--lines 2 --every 0"),
        "missing=no-such-program-anywhere".to_string(),
        worker("closes", "--lines 3 --every 0.1 --close-output"),
        worker("long", "--lines 1 --long-line 10000"),
    ];
    for variant in VARIANTS {
        let mut args = vec!["--backoff", "0.05", "--restarts", "2"];
        args.extend(programs.iter().map(String::as_str));
        let started = Instant::now();
        let (code, output) = Supervised::start(variant, &args).finish();
        assert_eq!(code, 1, "supervisor-{variant}: one child failed\n{output}");
        // 0.05 s, then 0.1 s: the backoff doubles.
        assert!(
            started.elapsed() >= Duration::from_millis(150),
            "supervisor-{variant}"
        );
        insta::assert_snapshot!("restarts", shorten_runs(&pinned(&output, variant)));
    }
}

#[test]
fn a_stop_request_asks_each_child_then_kills_what_is_left_after_the_grace_period() {
    for variant in VARIANTS {
        let polite = worker("polite", "--lines 1000 --every 0.05");
        let stubborn = worker("stubborn", "--lines 1000 --every 0.05 --ignore-stop");
        let mut run = Supervised::start(variant, &["--grace", "1", &polite, &stubborn]);
        run.wait_for("polite | line 1 of", DEADLINE);
        run.wait_for("stubborn | line 1 of", DEADLINE);
        run.signal("TERM");
        let (code, output) = run.finish();
        assert_eq!(code, 143, "supervisor-{variant}: 128 + SIGTERM\n{output}");
        let said: String = output
            .lines()
            .filter(|line| !line.contains(" | "))
            .map(|line| format!("{line}\n"))
            .collect();
        insta::assert_snapshot!("graceful_stop", pinned(&said, variant));
    }
}

#[test]
fn a_second_ctrl_c_kills_at_once() {
    for variant in VARIANTS {
        let stubborn = worker("stubborn", "--lines 1000 --every 0.05 --ignore-stop");
        // A grace period longer than the test's deadline: only the second
        // request can end this run in time.
        let mut run = Supervised::start(variant, &["--grace", "60", &stubborn]);
        run.wait_for("stubborn | line 1 of", DEADLINE);
        run.signal("INT");
        run.wait_for("asked to stop (SIGTERM)", DEADLINE);
        run.signal("INT");
        let (code, output) = run.finish_squeezed();
        assert_eq!(code, 130, "supervisor-{variant}: 128 + SIGINT\n{output}");
        assert!(
            output.contains("stubborn killed at the second stop request: signal: 9 (SIGKILL)"),
            "supervisor-{variant}:\n{output}"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn children_die_with_a_supervisor_killed_with_kill_9() {
    for variant in VARIANTS {
        let polite = worker("polite", "--lines 1000 --every 0.05");
        let stubborn = worker("stubborn", "--lines 1000 --every 0.05 --ignore-stop");
        let mut run = Supervised::start(variant, &[&polite, &stubborn]);
        run.wait_for("polite | line 1 of", DEADLINE);
        run.wait_for("stubborn | line 1 of", DEADLINE);
        let children = labs::testkit::children_of(run.pid());
        assert_eq!(children.len(), 2, "supervisor-{variant}: {children:?}");
        run.signal("KILL");
        run.wait_for_end();
        let orphans = format!("supervisor-{variant}: orphans");
        labs::testkit::assert_all_end(&children, Duration::from_secs(10), &orphans);
    }
}

#[test]
fn reading_one_pipe_then_the_other_deadlocks_once_a_pipe_is_full() {
    // 200 KB on stderr first: more than a pipe holds (64 KiB on Linux,
    // up to 64 KiB on macOS), then one line on stdout.
    let flood = worker("w", "--stderr-bytes 200000 --lines 1 --every 0");
    let mut run = Supervised::start("tokio-sequential", &[&flood]);
    run.wait_for("runs w", DEADLINE);
    run.assert_quiet_for(Duration::from_millis(1500));
    #[cfg(target_os = "linux")]
    {
        let children = labs::testkit::children_of(run.pid());
        assert_eq!(children.len(), 1, "the child is stuck, not ended");
        let wchan = std::fs::read_to_string(format!("/proc/{}/wchan", children[0]));
        eprintln!("the child waits in the kernel in {wchan:?}");
    }
    run.signal("TERM");
    let (code, output) = run.finish_squeezed();
    assert_eq!(code, 143, "{output}");
    assert!(output.contains("w * stopped when asked"), "{output}");

    // The variant itself reads both pipes at once: no deadlock.
    let (code, output) = Supervised::start("tokio", &[&flood]).finish_squeezed();
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("w | line 1 of 1"), "{output}");
    assert_eq!(output.matches("w ! stderr xxx").count(), 2000, "{output}");
}

/// The peak memory of process `pid` so far (VmHWM), in bytes.
#[cfg(target_os = "linux")]
fn peak_memory(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .unwrap();
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

#[cfg(target_os = "linux")]
#[test]
fn a_100_mb_line_is_cut_and_memory_stays_bounded() {
    for variant in VARIANTS {
        // The worker writes its 100 MB line, then its first numbered line,
        // then waits 30 s: time to read the supervisor's peak, then stop it.
        let flood = worker("flood", "--long-line 100000000 --lines 2 --every 30");
        let mut run = Supervised::start(variant, &[&flood]);
        run.wait_for("flood | line 1 of 2", DEADLINE);
        let peak = peak_memory(run.pid());
        run.signal("TERM");
        let (code, output) = run.finish();
        assert_eq!(code, 143, "supervisor-{variant}");
        assert!(
            peak < 40 << 20,
            "supervisor-{variant}: peak memory {} MB",
            peak >> 20
        );
        let cut = output
            .lines()
            .filter(|line| line.contains("[line cut at 4096 bytes]"));
        assert_eq!(cut.count(), 1, "supervisor-{variant}: one line, cut once");
    }
}

#[test]
fn bad_command_lines_get_one_line_and_status_2() {
    let mut argvs = labs::testkit::bad_number_args(&["--grace", "--backoff", "--restarts"]);
    for bad in ["web", "=x", "web=", "a b=x", "a-very-long-name-indeed=x"] {
        argvs.push(vec![bad.to_string()]);
    }
    argvs.push(vec!["w=x".to_string(), "w=y".to_string()]);
    argvs.push((0..33).map(|i| format!("w{i}=x")).collect());
    let report = labs::testkit::assert_bad_args(binary("tokio"), &argvs);
    insta::assert_snapshot!(report);
    let options = [
        "--lines",
        "--every",
        "--exit",
        "--crash-rate",
        "--stderr-bytes",
        "--long-line",
    ];
    // (`--seed` takes any u64, u64::MAX included.)
    let argvs = labs::testkit::bad_number_args(&options);
    let worker = env!("CARGO_BIN_EXE_supervisor-worker");
    insta::assert_snapshot!(
        "worker_bad_args",
        labs::testkit::assert_bad_args(worker, &argvs)
    );
}

#[test]
fn a_closed_stdout_ends_it_quietly() {
    labs::testkit::assert_closed_pipe(Command::new(binary("tokio")).arg("x=supervisor-worker"));
}
