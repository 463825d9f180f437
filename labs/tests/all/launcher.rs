//! The launcher as a person runs it, piped: what it prints, pinned.

use crate::support;

use std::fs::{self, File};
use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, SystemTime};

use support::{Running, labs, report, run};

/// Snapshots the piped run of `labs ARGS`, which must end within `secs`.
fn snapshot(name: &str, args: &[&str], secs: u64) {
    let output = run(labs(args), secs);
    insta::assert_snapshot!(
        name,
        format!("$ labs {}\n{}", args.join(" "), report(&output))
    );
}

/// Runs `labs args`, which must refuse them: exit status 2, one line on
/// stderr, nothing on stdout. Returns stderr.
fn refused(args: &[&str]) -> String {
    let output = run(labs(args), 10);
    assert_eq!(output.status.code(), Some(2), "{args:?}");
    assert_eq!(
        output.stderr.lines().count(),
        1,
        "{args:?}: {}",
        output.stderr
    );
    assert!(output.stdout.is_empty(), "{args:?}");
    output.stderr
}

#[test]
fn list_marks_legacy_and_experiments() {
    snapshot("list", &["list"], 10);
}

#[test]
fn with_no_arguments_and_no_terminal_it_lists() {
    let default = run(labs(&[]), 10);
    let list = run(labs(&["list"]), 10);
    assert_eq!(default.status.code(), Some(0));
    assert_eq!(default.stdout, list.stdout);
}

#[test]
fn unknown_names_are_one_line_closest_first_and_exit_2() {
    let commands: [&[&str]; 7] = [
        &["run", "spinnr", "tokio"],
        &["run", "spinner", "tokyo"],
        &["show", "countdwn", "tokio"],
        &["diff", "spinner", "tokio", "smoll"],
        &["compare", "flags", "threads"],
        &["compare", "flags", "server"],
        &["watch", "native-coro", "demo1"],
    ];
    let mut report = String::new();
    for args in commands {
        report += &format!("$ labs {}\n{}", args.join(" "), refused(args));
    }
    insta::assert_snapshot!("unknown-names", report);
}

/// What the person typed comes back shortened and escaped: one short line,
/// never a control character sent to the terminal.
#[test]
fn typed_names_and_values_come_back_short_and_escaped() {
    let long = "x".repeat(100_000);
    let quoted = format!("'{long}");
    let commands: [&[&str]; 6] = [
        &["run", "spinner", &long],
        &["run", &long, "tokio"],
        &["run", "spin\nner", "tokio"],
        &["show", "spinner", "a\x1b[31m"],
        &["diff", "spinner", "tokio", "smol", "--width", &quoted],
        // The lab's own options, through labs::parse_args (may build the lab).
        &["run", "spinner", "thread", "--", "--seconds", &quoted],
    ];
    for args in commands {
        let output = run(labs(args), 300);
        let what: Vec<String> = args.iter().map(|arg| labs::cli::echo(arg)).collect();
        let stderr: String = output.stderr.chars().take(300).collect();
        assert_eq!(output.status.code(), Some(2), "{what:?}: {stderr:?}");
        assert_eq!(output.stderr.lines().count(), 1, "{what:?}: {stderr:?}");
        // The names a lab has may follow: short, but more than the value.
        assert!(output.stderr.len() < 400, "{what:?}: {stderr:?}");
        assert!(!output.stderr.contains('\x1b'), "{what:?}: {stderr:?}");
        assert!(output.stdout.is_empty(), "{what:?}");
    }
}

#[test]
fn show_numbers_lines_and_explains_each_callout() {
    snapshot("show-spinner-tokio", &["show", "spinner", "tokio"], 10);
}

#[test]
fn diff_is_unified_by_default_with_a_summary() {
    snapshot(
        "diff-spinner-tokio-smol",
        &["diff", "spinner", "tokio", "smol"],
        10,
    );
}

#[test]
fn diff_side_by_side_shows_both_files_in_columns() {
    snapshot(
        "diff-spinner-tokio-smol-side-by-side",
        &[
            "diff",
            "spinner",
            "tokio",
            "smol",
            "--side-by-side",
            "--width",
            "120",
        ],
        10,
    );
}

/// The timeline strips under compare's outputs: their times, and the
/// threads a runtime runs on (one per core), vary from run to run, so
/// snapshots leave them out; `compare_draws_a_timeline_strip_per_variant`
/// looks at them.
const STRIPS: (&str, &str) = (
    r"(?s)\nTimelines \(labs timeline draws them in full\)\n.*?\n----- stderr",
    "\nTimelines (labs timeline draws them in full)\n[the strips]\n----- stderr",
);

#[test]
fn compare_runs_every_variant_and_diffs_their_normalised_output() {
    let args = ["compare", "spinner", "--diff", "--", "--seconds", "0.1"];
    // The first run may build the spinner lab.
    let output = run(labs(&args), 300);
    // async-std's task state depends on the instant it is printed (see the
    // spinner sheet, callout 5).
    insta::with_settings!({ filters => vec![
        (
            r"JoinHandle \{ handle: Some\(Task \{ header: Header \{ [^}]* \}",
            "JoinHandle { handle: Some(Task { header: Header { [state at that instant] }",
        ),
        STRIPS,
    ]}, {
        insta::assert_snapshot!("compare-spinner-diff", format!("$ labs {}\n{}", args.join(" "), report(&output)));
    });
}

#[test]
fn compare_shows_outputs_side_by_side_in_bands() {
    // Not async-std: its task state varies, and a line one character longer
    // would wrap differently.
    let args = [
        "compare",
        "spinner",
        "thread",
        "tokio",
        "smol",
        "smol-blocking",
        "--width",
        "120",
        "--",
        "--seconds",
        "0.1",
    ];
    insta::with_settings!({ filters => vec![STRIPS] }, {
        snapshot("compare-spinner-side-by-side", &args, 300);
    });
}

#[test]
fn compare_as_diffs_against_the_first() {
    let args = ["compare", "native-coros", "demo1", "demo2", "--diff"];
    let output = run(labs(&args), 120);
    assert_eq!(output.status.code(), Some(0), "{}", output.stderr);
    assert!(output.stdout.starts_with("== demo1\n"), "{}", output.stdout);
    assert!(
        output
            .stdout
            .contains("\n== demo2 against demo1\n--- demo1\n+++ demo2\n@@ ")
    );
    assert!(
        output.stdout.contains("\ndemo1 ("),
        "no summary: {}",
        output.stdout
    );
}

/// A port that something listens on, for the duration of the test.
fn busy_port() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    (listener, port)
}

#[test]
fn doctor_reports_each_check_and_fails_on_a_taken_port() {
    let (_listener, port) = busy_port();
    let output = run(labs(&["doctor", "--no-build", "--port", &port]), 30);
    insta::with_settings!({ filters => vec![
        (r"Rust \d+\.\d+\.\d+(-[a-z]+)?", "Rust [version]"),
        (r"port \d+", "port [N]"),
        (r"(?m)^[✔✘-] .*(free|disk).*$", "[the disk check: depends on this machine]"),
    ]}, {
        insta::assert_snapshot!("doctor-no-build", format!("$ labs doctor --no-build --port [N]\n{}", report(&output)));
    });
}

#[test]
fn doctor_piped_says_the_terminal_was_not_checked_and_passes() {
    let port = free_port();
    let output = run(labs(&["doctor", "--no-build", "--port", &port]), 30);
    assert!(
        output
            .stdout
            .contains("\n- the terminal was not checked (the output is not a terminal)"),
        "{}",
        report(&output)
    );
    // Every check passes or is skipped, but the disk depends on this machine.
    if !output.stdout.contains("\n✘ only ") {
        assert_eq!(output.status.code(), Some(0), "{}", report(&output));
        assert!(output.stdout.ends_with("\nReady.\n"), "{}", output.stdout);
    }
}

#[test]
fn doctor_build_check_builds_a_lab_offline() {
    let (_listener, port) = busy_port();
    let output = run(
        labs(&["doctor", "--lab", "native-coros", "--port", &port]),
        300,
    );
    assert!(
        output
            .stdout
            .contains("\n✔ every binary of native-coros builds offline (6 binaries)\n"),
        "{}",
        report(&output)
    );
    assert_eq!(output.status.code(), Some(1), "the taken port fails");
}

#[test]
fn run_builds_and_runs_the_variant_passing_its_options() {
    // A bad option for the variant proves that the variant itself ran.
    let output = run(
        labs(&["run", "spinner", "thread", "--", "--seconds", "abc"]),
        300,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stderr.contains("--seconds"), "{}", output.stderr);
}

#[test]
fn watch_runs_again_when_the_source_is_saved() {
    let lab = labs::catalog::Catalog::load();
    let source = lab.lab("native-coros").unwrap().source("demo1").unwrap();
    let watch = Running::start(&mut labs(&["watch", "native-coros", "demo1"]));
    let runs = |stdout: &str| stdout.matches("main: calling delegating()").count();
    let waiting = |stderr: &str| stderr.matches("waiting for a save").count();
    // The first run may build the lab.
    watch.wait_until("first run", Duration::from_secs(300), |out, err| {
        runs(out) == 1 && waiting(err) == 1
    });
    // Saving without a change, as an editor may: only the time changes. Set
    // a second back, not forward, so that cargo does not rebuild the lab.
    let before = fs::metadata(&source).unwrap().modified().unwrap();
    touch(&source, before - Duration::from_secs(1));
    watch.wait_until("second run", Duration::from_secs(120), |out, err| {
        runs(out) == 2 && waiting(err) == 2
    });
    touch(&source, before);
    let output = watch.kill();
    assert!(
        output
            .stderr
            .contains("[labs watch] native-coros/src/bin/native-coros-demo1.rs saved: running native-coros-demo1 again"),
        "{}",
        output.stderr
    );
}

/// Sets `path`'s modification time.
fn touch(path: &Path, time: SystemTime) {
    File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

#[test]
fn serve_passes_help_to_the_flag_server() {
    let output = run(labs(&["serve", "--help"]), 300);
    assert_eq!(output.status.code(), Some(0), "{}", output.stderr);
    assert!(output.stdout.contains("--bind <IP>"), "{}", output.stdout);
}

/// A port that was free a moment ago.
fn free_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port().to_string()
}

#[test]
fn serve_prints_the_urls_for_the_room_then_serves() {
    let port = free_port();
    let serve = Running::start(&mut labs(&["serve", "--bind", "0.0.0.0", "--port", &port]));
    // The first run may build the flag server.
    serve.wait_until(
        "the server's first line",
        Duration::from_secs(300),
        |out, _| out.contains("Serving 194 flags"),
    );
    let output = serve.kill();
    let lines: Vec<&str> = output.stdout.lines().collect();
    // One URL per address this machine has on a network (none in a sandbox
    // without one), then this machine's own.
    let first = lines[0];
    assert!(
        first.starts_with("Participants on the same network use one of these")
            || first.starts_with("This machine has no network address besides loopback"),
        "{}",
        output.stdout
    );
    let urls = lines
        .iter()
        .take_while(|line| !line.starts_with("On this machine"))
        .skip(1);
    for url in urls {
        assert!(
            url.starts_with("  http://") && url.ends_with(&format!(":{port}/flags")),
            "{url:?}"
        );
    }
    assert!(
        output.stdout.contains(&format!(
            "\nOn this machine: http://127.0.0.1:{port}/flags\n"
        )),
        "{}",
        output.stdout
    );
}

#[test]
fn serve_on_port_0_prints_the_port_the_server_got() {
    let serve = Running::start(&mut labs(&["serve", "--port", "0"]));
    // The first run may build the flag server.
    serve.wait_until(
        "the server's first line",
        Duration::from_secs(300),
        |out, _| out.contains("Serving 194 flags"),
    );
    let output = serve.kill();
    let first = output.stdout.lines().next().unwrap_or_default();
    let port = first
        .strip_prefix("Serving this machine only: http://127.0.0.1:")
        .and_then(|rest| rest.strip_suffix("/flags"))
        .unwrap_or_else(|| panic!("{}", output.stdout));
    assert_ne!(port, "0");
    assert!(
        output.stdout.contains(&format!(
            "Serving 194 flags at http://127.0.0.1:{port}/flags "
        )),
        "{}",
        output.stdout
    );
}

#[test]
fn serve_with_options_the_server_refuses_prints_only_its_error() {
    for args in [
        &["--nonexistent"][..],
        &["--delay", "nan"],
        &["--port", "0", "-x"],
    ] {
        let mut argv = vec!["serve"];
        argv.extend(args);
        let output = run(labs(&argv), 300);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            report(&output)
        );
        assert_eq!(output.stdout, "", "{args:?}");
        assert_eq!(
            output.stderr.lines().count(),
            1,
            "{args:?}: {}",
            output.stderr
        );
    }
}

#[test]
fn serve_on_a_taken_port_says_so_in_one_line() {
    let (_listener, port) = busy_port();
    let output = run(labs(&["serve", "--port", &port]), 300);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "{}", output.stdout);
    let stderr = output.stderr.replace(&port, "[N]");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: cannot listen on 127.0.0.1:[N]: "),
        "{stderr}"
    );
}

#[test]
fn piped_output_has_no_escape_codes() {
    for args in [
        &["list"][..],
        &["show", "spinner", "tokio"],
        &["diff", "spinner", "tokio", "smol"],
        &["diff", "spinner", "tokio", "smol", "--side-by-side"],
    ] {
        let output = run(labs(args), 10);
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert!(
            !output.stdout.contains('\x1b'),
            "{args:?}: {}",
            output.stdout
        );
    }
}

/// Bad command lines: one line that says what is wrong (the missing
/// arguments named, a number's range), exit 2, for every command.
#[test]
fn bad_command_lines_are_one_line_that_says_what_is_wrong() {
    let program = env!("CARGO_BIN_EXE_labs");
    let mut argvs: Vec<Vec<String>> = [
        &["run"][..],
        &["run", "spinner"],
        &["show", "spinner"],
        &["diff", "spinner", "tokio"],
        &["list", "extra"],
        &["no-such-command"],
    ]
    .iter()
    .map(|argv| argv.iter().map(|arg| arg.to_string()).collect())
    .collect();
    for (command, option) in [("diff", "--width"), ("doctor", "--port")] {
        for value in labs::testkit::bad_numbers().into_iter().chain(["0".into()]) {
            let mut argv = vec![command.to_string()];
            if command == "diff" {
                argv.extend(["spinner", "tokio", "smol"].map(String::from));
            }
            argv.extend([option.to_string(), value]);
            argvs.push(argv);
        }
    }
    insta::assert_snapshot!(
        "bad-command-lines",
        labs::testkit::assert_bad_args(program, &argvs)
    );
}

/// The rows of `picture` whose thread is `thread` (`main`, ...), per
/// recording in the order drawn: the cells between the bars.
fn rows<'a>(picture: &'a str, thread: &str) -> Vec<&'a str> {
    picture
        .lines()
        .filter(|line| line.split(" |").next().map(str::trim_end) == Some(thread))
        .filter_map(|line| line.split('|').nth(1))
        .collect()
}

/// The one-column durations in the headings of `picture`.
fn scales(picture: &str) -> Vec<&str> {
    picture
        .lines()
        .filter_map(|line| line.split_once(", one column = "))
        .map(|(_, scale)| scale)
        .collect()
}

#[test]
fn timeline_draws_the_variants_one_under_the_other_on_one_scale() {
    let args = [
        "timeline",
        "spinner",
        "tokio",
        "tokio-blocking",
        "--",
        "--seconds",
        "1",
    ];
    let output = run(labs(&args), 300);
    let stdout = &output.stdout;
    assert_eq!(output.status.code(), Some(0), "{}", output.stderr);
    assert!(!stdout.contains('\x1b'), "{stdout}");
    // Each variant's output, then the pictures under one legend.
    for text in [
        "spinner-tokio printed:\n  spinner object: JoinHandle",
        "spinner-tokio-blocking printed:\n  spinner object: JoinHandle",
        "\nspinner-tokio: 1.",
        "\nspinner-tokio-blocking: 1.",
        "\ns supervisor   S spinner   ' frame\n",
        "\nspinner-tokio-blocking:\ntask ",
    ] {
        assert!(stdout.contains(text), "no {text:?} in:\n{stdout}");
    }
    let scales = scales(stdout);
    assert_eq!(scales.len(), 2, "{stdout}");
    assert_eq!(scales[0], scales[1], "not one time scale:\n{stdout}");
    // The lesson: the blocking supervisor holds the main thread throughout.
    let main = rows(stdout, "main");
    assert_eq!(main.len(), 2, "{stdout}");
    let held = |row: &str| row.chars().filter(|&c| c == 's').count() * 2 > row.len();
    assert!(!held(main[0]) && held(main[1]), "{stdout}");
    let mut drawn = stdout.lines().filter(|line| line.ends_with('|'));
    assert!(drawn.all(|line| line.chars().count() <= 80), "{stdout}");
}

#[test]
fn timeline_writes_a_self_contained_page_and_a_trace() {
    let folder = std::env::temp_dir().join(format!("labs-test-timeline-{}", std::process::id()));
    fs::create_dir_all(&folder).unwrap();
    let (page, trace) = (folder.join("run.html"), folder.join("run.json"));
    let args = [
        "timeline",
        "spinner",
        "smol-blocking",
        "--html",
        page.to_str().unwrap(),
        "--json",
        trace.to_str().unwrap(),
        "--",
        "--seconds",
        "0.2",
    ];
    let output = run(labs(&args), 300);
    let (html, json) = (fs::read_to_string(&page), fs::read_to_string(&trace));
    fs::remove_dir_all(&folder).ok();
    assert_eq!(output.status.code(), Some(0), "{}", output.stderr);
    assert!(output.stdout.contains("\nwrote "), "{}", output.stdout);
    assert!(!output.stdout.contains("one column ="), "{}", output.stdout);
    let html = html.expect("the page is written");
    assert!(html.contains("<svg") && html.contains("spinner-smol-blocking"));
    for outside in ["src=\"http", "href=\"http", "<link", "@import"] {
        assert!(!html.contains(outside), "the page loads {outside}");
    }
    let recordings =
        labs::timeline::from_chrome_json(&json.expect("the trace is written")).unwrap();
    assert_eq!(recordings.len(), 1);
    assert_eq!(recordings[0].label, "spinner-smol-blocking");
}

#[test]
fn timeline_refuses_bad_names_and_files_and_reports_failed_variants() {
    // The system's words for a missing folder differ: cut from the snapshot.
    let commands: [&[&str]; 5] = [
        &["timeline", "spinnr", "tokio"],
        &["timeline", "spinner", "tokyo", "tokio"],
        &["timeline", "spinner", "tokio", "--html", "run.png"],
        &["timeline", "spinner", "tokio", "--json", "run.html"],
        &["timeline", "spinner", "tokio", "--json", "no/such/run.json"],
    ];
    let mut report = String::new();
    for args in commands {
        let stderr = refused(args);
        let stderr = stderr.split(" (").next().unwrap_or_default();
        report += &format!("$ labs {}\n{}\n", args.join(" "), stderr.trim_end());
    }
    insta::assert_snapshot!("timeline-bad-names", report);
    // A variant that fails is reported, the others still run.
    let output = run(
        labs(&["timeline", "spinner", "thread", "--", "--seconds", "99"]),
        300,
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        output
            .stdout
            .starts_with("spinner-thread ended with exit status 2, after printing:\n"),
        "{}",
        output.stdout
    );
    assert!(
        output
            .stderr
            .ends_with("\nerror: spinner-thread failed (see above)\n"),
        "{}",
        output.stderr
    );
}

#[test]
fn compare_draws_a_timeline_strip_per_variant() {
    let args = [
        "compare",
        "spinner",
        "thread",
        "smol-blocking",
        "--",
        "--seconds",
        "0.2",
    ];
    let output = run(labs(&args), 300);
    let stdout = &output.stdout;
    assert_eq!(output.status.code(), Some(0), "{}", output.stderr);
    let (outputs, strips) = stdout
        .split_once("\nTimelines (labs timeline draws them in full)\n")
        .expect("a timeline section");
    assert!(outputs.contains("Answer: 42"), "{stdout}");
    assert!(strips.starts_with("spinner-thread: "), "{stdout}");
    assert!(strips.contains("\nspinner-smol-blocking: "), "{stdout}");
    assert!(
        strips.ends_with("\ns supervisor   S spinner   ' frame\n"),
        "{stdout}"
    );
    assert!(
        !strips.contains("\ntask "),
        "strips have no tables:\n{stdout}"
    );
    let scales = scales(strips);
    assert_eq!(scales.len(), 2, "{stdout}");
    assert_eq!(scales[0], scales[1], "not one time scale:\n{stdout}");
    // On threads, the spinner has a thread of its own; blocking smol has one thread.
    assert_eq!(rows(strips, "spinner").len(), 1, "{stdout}");
    assert_eq!(rows(strips, "main").len(), 2, "{stdout}");
}

/// The supervisor's default children are two flag servers, which serve
/// until stopped: `compare` runs the short programs of its `compare-args`
/// instead (labs/labs.toml), which end by themselves, a crash included.
#[test]
fn compare_supervisor_runs_the_short_programs_of_the_catalog_and_ends() {
    let piped = Running::start(&mut labs(&["compare", "supervisor", "--width", "1000"]));
    // The first run may build the supervisor lab.
    piped.wait_until(
        "the first variant's run",
        Duration::from_secs(300),
        |_, stderr| stderr.contains("running supervisor-thread (1 of 5)"),
    );
    let output = piped.finish(Duration::from_secs(60));
    let (stdout, stderr) = (&output.stdout, &output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.starts_with("each with --restarts 1 'ok=supervisor-worker --lines 3 "),
        "{stderr}"
    );
    // Wide enough for the five side by side: one line per row.
    let heading: Vec<&str> = stdout.lines().next().unwrap().split(" | ").collect();
    let heading: Vec<&str> = heading.iter().map(|cell| cell.trim_end()).collect();
    assert_eq!(
        heading,
        [
            "thread (exit 1)",
            "tokio (exit 1)",
            "async-std (exit 1)",
            "smol (exit 1)",
            "tokio-sequential (exit 1)"
        ],
        "{stdout}"
    );
    for line in [
        // The restart's delay, 0.5 s, is masked with the measured times.
        "crash      * failed (exit status: 1); restart 1 of 1 in #.# s",
        "ok         * ended well (exit status: 0): left stopped",
        "crash      * failed (exit status: 1); no restarts left: left stopped",
    ] {
        assert_eq!(stdout.matches(line).count(), 5, "{line:?} in:\n{stdout}");
    }
}

/// A lab of servers (`stop-after = 2` in labs/labs.toml): each variant is
/// asked to stop after 2 s, says how it stops, and counts as ended well.
#[test]
fn timeline_asks_each_server_to_stop_after_its_time() {
    let args = [
        "timeline",
        "charfinder",
        "thread",
        "tokio",
        "--",
        "--port",
        "0",
    ];
    let piped = Running::start(&mut labs(&args));
    piped.wait_until(
        "the first variant's run",
        Duration::from_secs(300),
        |_, stderr| stderr.contains("running charfinder-thread (1 of 2)"),
    );
    let output = piped.finish(Duration::from_secs(60));
    let stdout = &output.stdout;
    assert_eq!(output.status.code(), Some(0), "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains("each serves until it is asked to stop (")
    );
    for binary in ["charfinder-thread", "charfinder-tokio"] {
        let start = format!("{binary} printed, asked to stop after 2 s:\n  Index: ");
        let (_, printed) = stdout
            .split_once(&start)
            .unwrap_or_else(|| panic!("no {start:?} in:\n{stdout}"));
        // The lines after the index's, up to the next heading.
        let last = printed
            .lines()
            .skip(1)
            .take_while(|line| line.starts_with("  "))
            .last();
        assert_eq!(last, Some("  Stopped."), "{stdout}");
    }
    assert!(stdout.contains("\ni index\n"), "{stdout}");
}
