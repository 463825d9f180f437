//! The spinner variants with stdout going to a pipe, not a terminal: no
//! frames and no escape codes, the answer still arrives, bad input is one line.

use crate::support::redact;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use labs::testkit::{self, Output};

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

/// Far longer than any run here takes: a watchdog, not a timing check.
const DEADLINE: Duration = Duration::from_secs(20);

fn name(program: &str) -> &str {
    Path::new(program)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap()
}

fn run(program: &str, args: &[&str]) -> Output {
    testkit::run(Command::new(program).args(args), DEADLINE)
}

/// Runs `check` on every variant, all at once (most of a run is waiting),
/// and returns the results in the order of [`VARIANTS`].
fn for_every_variant<T: Send>(check: impl Fn(&str) -> T + Sync) -> Vec<T> {
    std::thread::scope(|scope| {
        let runs: Vec<_> = VARIANTS
            .iter()
            .map(|program| scope.spawn(|| check(program)))
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
        output.code(),
        output.stdout,
        output.stderr,
    );
    redact::settings(program).bind(|| insta::assert_snapshot!(snapshot, transcript));
}

#[test]
fn piped_output_is_plain_text_ending_with_the_answer() {
    let outputs = for_every_variant(|program| run(program, &["--seconds", "0.3"]));
    for (program, output) in VARIANTS.iter().zip(outputs) {
        let stdout = &output.stdout;
        assert_eq!(output.code(), 0, "{}: {output:?}", name(program));
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

/// Bad command lines: each is exit status 2 and one line that says what is
/// wrong, with the same words from every variant (the options are shared).
#[test]
fn every_variant_rejects_bad_input_the_same_way() {
    let mut argvs = testkit::bad_number_args(&["--seconds"]);
    argvs.push(vec!["--seconds".into(), "60.5".into()]);
    argvs.push(vec!["3".into()]);
    argvs.push(
        ["--seconds", "1", "--seconds", "2"]
            .map(String::from)
            .into(),
    );
    let reports = for_every_variant(|program| testkit::assert_bad_args(program, &argvs));
    for (program, report) in VARIANTS.iter().zip(&reports) {
        assert_eq!(
            report,
            &reports[0],
            "{} against {}",
            name(program),
            name(THREAD)
        );
    }
    insta::assert_snapshot!("bad_args", reports[0]);
}

/// `spinner-tokio | head -0`: the reader is gone before the first line.
/// The program ends quietly, as a shell tool would, with the status of a
/// program stopped by a closed pipe (141), not with a panic. (Unix only:
/// the test makes its closed pipe the Unix way.)
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_the_program_quietly() {
    for_every_variant(|program| {
        testkit::assert_closed_pipe(Command::new(program).args(["--seconds", "2"]))
    });
}
