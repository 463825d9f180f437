//! The plates benchmark, run for real with a handful of plates: every
//! runtime's child process runs and reports, and bad options are one line.
//! Its figures are for people to read (the lab sheet shows a real run); no
//! test asserts a time.

use std::process::Command;

const PLATES: &str = env!("CARGO_BIN_EXE_countdown-plates");

#[test]
fn a_small_run_prints_a_row_per_runtime_and_kind() {
    let output = Command::new(PLATES)
        .args(["--tasks", "20", "--threads", "5", "--seconds", "0.01"])
        .args(["--repeat", "2"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(output.stderr.is_empty(), "{output:?}");
    let rows: Vec<(&str, &str, &str)> = stdout
        .lines()
        .skip_while(|line| !line.starts_with("runtime"))
        .skip(1)
        .map_while(|line| {
            let mut words = line.split_whitespace();
            Some((words.next()?, words.next()?, words.next()?))
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("tokio", "bare", "20"),
            ("tokio", "lab", "20"),
            ("async-std", "bare", "20"),
            ("async-std", "lab", "20"),
            ("smol", "bare", "20"),
            ("smol", "lab", "20"),
            ("thread", "bare", "5"),
            ("thread", "lab", "5"),
        ],
        "{stdout}"
    );
    assert!(stdout.starts_with("Plates: 20 tasks per async runtime, 5 OS threads"));
}

#[test]
fn bad_options_are_one_line_and_exit_2() {
    for args in [
        ["--tasks", "0"],
        ["--seconds", "0"],
        ["--seconds", "-1"],
        ["--repeat", "10"],
    ] {
        let output = Command::new(PLATES).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
    }
}
