//! The spinner variants with stdout going to a pipe, not a terminal: no
//! frames and no escape codes, the answer still arrives, bad input is one line.

#[path = "support/deadline.rs"]
mod deadline;
#[path = "support/redact.rs"]
mod redact;

use std::path::Path;
use std::process::{Command, Output, Stdio};

const VARIANTS: [&str; 9] = [
    env!("CARGO_BIN_EXE_spinner-thread"),
    env!("CARGO_BIN_EXE_spinner-tokio"),
    env!("CARGO_BIN_EXE_spinner-async-std"),
    env!("CARGO_BIN_EXE_spinner-smol"),
    env!("CARGO_BIN_EXE_spinner-tokio-blocking"),
    env!("CARGO_BIN_EXE_spinner-tokio-current-thread-blocking"),
    env!("CARGO_BIN_EXE_spinner-tokio-spawned-blocking"),
    env!("CARGO_BIN_EXE_spinner-async-std-blocking"),
    env!("CARGO_BIN_EXE_spinner-smol-blocking"),
];
const THREAD: &str = VARIANTS[0];
const TOKIO: &str = VARIANTS[1];

fn name(program: &str) -> &str {
    Path::new(program)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap()
}

fn run(program: &str, args: &[&str]) -> Output {
    deadline::output(Command::new(program).args(args))
}

/// Runs every variant with `args`, all at once (most of a run is waiting).
fn run_every_variant(args: &[&str]) -> Vec<Output> {
    std::thread::scope(|scope| {
        let runs: Vec<_> = VARIANTS
            .iter()
            .map(|program| scope.spawn(move || run(program, args)))
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).collect()
    })
}

/// A snapshot of what a shell would show: the command, its exit status, its
/// stdout and its stderr, with the machine-dependent numbers redacted.
fn assert_transcript(snapshot: &str, program: &str, args: &[&str]) {
    let output = run(program, args);
    let transcript = format!(
        "$ {} {}\nexit status: {}\n--- stdout\n{}--- stderr\n{}",
        name(program),
        args.join(" "),
        output
            .status
            .code()
            .map_or("none".into(), |code| code.to_string()),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    redact::settings(program).bind(|| insta::assert_snapshot!(snapshot, transcript));
}

#[test]
fn piped_output_is_plain_text_ending_with_the_answer() {
    for (program, output) in VARIANTS
        .iter()
        .zip(run_every_variant(&["--seconds", "0.3"]))
    {
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{}: {output:?}", name(program));
        assert!(
            !stdout.contains('\x1b'),
            "{}: escape codes in a pipe: {stdout:?}",
            name(program)
        );
        assert!(
            stdout.starts_with("spinner object: ") && stdout.ends_with("\nAnswer: 42\n"),
            "{}: {stdout:?}",
            name(program)
        );
        assert_eq!(stdout.lines().count(), 2, "{}: {stdout:?}", name(program));
    }
}

#[test]
fn piped_tokio() {
    assert_transcript("piped_tokio", TOKIO, &["--seconds", "0.3"]);
}

#[test]
fn piped_thread() {
    assert_transcript("piped_thread", THREAD, &["--seconds", "0.3"]);
}

#[test]
fn help_shows_the_range_of_seconds() {
    assert_transcript("help", TOKIO, &["--help"]);
}

#[test]
fn a_negative_duration_is_one_line_and_exit_2() {
    assert_transcript("negative_seconds", TOKIO, &["--seconds", "-1"]);
}

#[test]
fn minus_infinity_is_a_value_not_an_option() {
    assert_transcript("minus_infinity", TOKIO, &["--seconds", "-inf"]);
}

#[test]
fn more_than_a_minute_is_one_line_and_exit_2() {
    assert_transcript("too_many_seconds", TOKIO, &["--seconds", "1e18"]);
}

#[test]
fn a_duration_that_is_not_a_number_is_one_line_and_exit_2() {
    assert_transcript("not_a_number", TOKIO, &["--seconds", "abc"]);
}

#[test]
fn every_variant_rejects_bad_input_the_same_way() {
    let bad_command_lines: [&[&str]; 12] = [
        &["--seconds", "-1"],
        &["--seconds", "-inf"],
        &["--seconds", "inf"],
        &["--seconds", "NaN"],
        &["--seconds", "60.5"],
        &["--seconds", "1e18"],
        &["--seconds", "abc"],
        &["--seconds", ""],
        &["--seconds"],
        &["--secs", "1"],
        &["3"],
        &["--seconds", "1", "--seconds", "2"],
    ];
    for args in bad_command_lines {
        let outputs = run_every_variant(args);
        for (program, output) in VARIANTS.iter().zip(&outputs) {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let what = format!("{} {args:?}: {stderr}", name(program));
            assert_eq!(output.status.code(), Some(2), "{what}");
            assert!(output.stdout.is_empty(), "{what}");
            assert!(stderr.starts_with("error: "), "{what}");
            assert_eq!(stderr.lines().count(), 1, "{what}");
            // The same words from every variant: the options are shared.
            assert_eq!(output.stderr, outputs[0].stderr, "{what}");
        }
    }
}

/// `spinner-tokio | head -1`: the reader goes away before the answer is
/// printed. The program ends quietly, as a shell tool would, with the status
/// of a program stopped by a closed pipe (141), not with a panic.
#[test]
fn a_closed_pipe_ends_the_program_quietly() {
    let mut child = Command::new(TOKIO)
        .args(["--seconds", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end at once: `Answer: 42`, two seconds later, has no reader.
    drop(child.stdout.take());
    let status = deadline::wait(&mut child);
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(labs::cli::CLOSED_PIPE));
    assert_eq!(stderr, "");
}
