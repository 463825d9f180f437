//! The plates benchmark, run for real with a handful of plates: every
//! runtime's child process runs and reports, and bad options are one line.
//! Its figures are for people to read (the lab sheet shows a real run); no
//! test asserts a time.

use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const PLATES: &str = env!("CARGO_BIN_EXE_countdown-plates");

/// Runs the benchmark with `args`; kills it and fails after 60 s.
fn plates(args: &[&str]) -> Output {
    let mut child = Command::new(PLATES)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (mut stdout, mut stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let stdout = std::thread::spawn(move || {
        let mut text = Vec::new();
        stdout.read_to_end(&mut text).unwrap();
        text
    });
    let mut err_text = Vec::new();
    stderr.read_to_end(&mut err_text).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("countdown-plates {args:?}: still running after 60 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: err_text,
    }
}

#[test]
fn a_small_run_prints_a_row_per_runtime_and_the_asyncio_reference() {
    let output = plates(&[
        "--tasks",
        "20",
        "--threads",
        "5",
        "--seconds",
        "0.01",
        "--repeat",
        "2",
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(output.stderr.is_empty(), "{output:?}");
    let rows: Vec<(&str, &str)> = stdout
        .lines()
        .skip_while(|line| !line.starts_with("runtime"))
        .skip(1)
        .map_while(|line| {
            let mut words = line.split_whitespace();
            Some((words.next()?, words.next()?))
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("tokio", "20"),
            ("async-std", "20"),
            ("smol", "20"),
            ("thread", "5"),
            ("(asyncio)", "1000000"),
        ],
        "{stdout}"
    );
    assert!(stdout.starts_with("Plates: 20 tasks per async runtime, 5 OS threads"));
    // Every platform the labs run on reports peak memory.
    assert!(!stdout.contains("n/a"), "{stdout}");
}

#[test]
fn bad_options_are_one_line_and_exit_2() {
    for args in [
        ["--tasks", "0"],
        ["--tasks", "-1"],
        ["--tasks", "2000001"],
        ["--tasks", "18446744073709551615"],
        ["--threads", "0"],
        ["--threads", "10001"],
        ["--seconds", "0"],
        ["--seconds", "-1"],
        ["--seconds", "-inf"],
        ["--seconds", "0.009"],
        ["--seconds", "10.5"],
        ["--seconds", "NaN"],
        ["--repeat", "0"],
        ["--repeat", "10"],
        ["--repeat", "4294967295"],
    ] {
        let output = plates(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: invalid value"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn help_shows_the_range_of_every_number() {
    let output = plates(&["--help"]);
    let help = String::from_utf8_lossy(&output.stdout);
    for range in ["[1 to 2000000]", "[1 to 10000]", "[0.01 to 10]", "[1 to 9]"] {
        assert!(help.contains(range), "{range} in {help}");
    }
}
