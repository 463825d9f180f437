//! The spinner variants with stdout going to a pipe, not a terminal: no
//! frames and no escape codes, the answer still arrives, bad input is one line.

use std::process::Command;

use insta_cmd::assert_cmd_snapshot;

const VARIANTS: [&str; 8] = [
    env!("CARGO_BIN_EXE_spinner-thread"),
    env!("CARGO_BIN_EXE_spinner-tokio"),
    env!("CARGO_BIN_EXE_spinner-async-std"),
    env!("CARGO_BIN_EXE_spinner-smol"),
    env!("CARGO_BIN_EXE_spinner-tokio-blocking"),
    env!("CARGO_BIN_EXE_spinner-tokio-current-thread-blocking"),
    env!("CARGO_BIN_EXE_spinner-async-std-blocking"),
    env!("CARGO_BIN_EXE_spinner-smol-blocking"),
];

fn name(program: &str) -> &str {
    std::path::Path::new(program)
        .file_stem()
        .unwrap()
        .to_str()
        .unwrap()
}

#[test]
fn piped_output_is_plain_text_ending_with_the_answer() {
    for program in VARIANTS {
        let output = Command::new(program)
            .args(["--seconds", "0.3"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{}: {output:?}", name(program));
        assert!(
            !stdout.contains('\x1b'),
            "{}: escape codes in a pipe: {stdout:?}",
            name(program)
        );
        assert!(
            stdout.ends_with("\nAnswer: 42\n"),
            "{}: {stdout:?}",
            name(program)
        );
    }
}

#[test]
fn piped_tokio() {
    assert_cmd_snapshot!(Command::new(VARIANTS[1]).args(["--seconds", "0.3"]));
}

#[test]
fn piped_thread() {
    assert_cmd_snapshot!(Command::new(VARIANTS[0]).args(["--seconds", "0.3"]));
}

#[test]
fn a_negative_duration_is_one_line_and_exit_2() {
    assert_cmd_snapshot!(Command::new(VARIANTS[1]).args(["--seconds", "-1"]));
}

#[test]
fn a_duration_that_is_not_a_number_is_one_line_and_exit_2() {
    assert_cmd_snapshot!(Command::new(VARIANTS[1]).args(["--seconds", "abc"]));
}

#[test]
fn every_variant_rejects_bad_input_the_same_way() {
    for bad in ["-1", "abc", ""] {
        let outputs: Vec<_> = VARIANTS
            .iter()
            .map(|program| {
                Command::new(program)
                    .args(["--seconds", bad])
                    .output()
                    .unwrap()
            })
            .collect();
        for (program, output) in VARIANTS.iter().zip(&outputs) {
            assert_eq!(
                output.status.code(),
                Some(2),
                "{} --seconds {bad:?}",
                name(program)
            );
            assert!(output.stdout.is_empty(), "{}", name(program));
            assert_eq!(
                output.stderr,
                outputs[0].stderr,
                "{} --seconds {bad:?}",
                name(program)
            );
            assert_eq!(output.stderr.iter().filter(|&&b| b == b'\n').count(), 1);
        }
    }
}

/// `spinner-tokio | head -1`: the reader goes away before the answer is
/// printed. The program ends quietly, as a shell tool would, with the status
/// of a program stopped by a closed pipe (141), not with a panic.
#[test]
fn a_closed_pipe_ends_the_program_quietly() {
    let mut child = Command::new(VARIANTS[1])
        .args(["--seconds", "2"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end at once: `Answer: 42`, two seconds later, has no reader.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(labs::cli::CLOSED_PIPE));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}
