//! Every flags binary's command line: each number has a range, shown in
//! `--help`; anything outside it, or not a number, is one line and exit 2
//! (never a panic); and a closed stdout ends the program quietly with the
//! status of a closed pipe, 141.

use crate::support;

use std::process::Command;

use support::{assert_bad_args, bad_numbers, run, transcript};

const CLIENTS: [&str; 5] = [
    env!("CARGO_BIN_EXE_flags-sequential"),
    env!("CARGO_BIN_EXE_flags-thread"),
    env!("CARGO_BIN_EXE_flags-tokio"),
    env!("CARGO_BIN_EXE_flags-async-std"),
    env!("CARGO_BIN_EXE_flags-smol"),
];
const SERIES2: [&str; 7] = [
    env!("CARGO_BIN_EXE_flags2-sequential"),
    env!("CARGO_BIN_EXE_flags2-thread"),
    env!("CARGO_BIN_EXE_flags2-tokio"),
    env!("CARGO_BIN_EXE_flags2-async-std"),
    env!("CARGO_BIN_EXE_flags2-smol"),
    env!("CARGO_BIN_EXE_flags3-tokio"),
    env!("CARGO_BIN_EXE_flags3-smol"),
];
const SERVER: &str = env!("CARGO_BIN_EXE_flags-server");
const BENCH: &str = env!("CARGO_BIN_EXE_flags-bench");

/// `[option, value]` for every bad number in `bad_numbers()` except those
/// listed as fine for this option, then each extra value.
fn bad_values(option: &str, fine: &[&str], extra: &[&str]) -> Vec<Vec<String>> {
    bad_numbers()
        .into_iter()
        .filter(|value| !fine.contains(&value.as_str()))
        .chain(extra.iter().map(|value| value.to_string()))
        .map(|value| vec![option.to_string(), value])
        .collect()
}

/// Bad command lines that are not about one option's value.
fn bad_shapes(option_with_value: &str) -> Vec<Vec<String>> {
    let argvs: [&[&str]; 6] = [
        &["--colour"],
        &["-z"],
        &["extra"],
        &[option_with_value],
        &[option_with_value, "1", option_with_value, "1"],
        &["--", "x"],
    ];
    argvs
        .iter()
        .map(|argv| argv.iter().map(|s| s.to_string()).collect())
        .collect()
}

fn bad_server_urls() -> Vec<Vec<String>> {
    let mut urls: Vec<String> = [
        "",
        "x",
        "localhost:8000",
        "https://example.org/flags",
        "ftp://example.org/flags",
        "http://",
        "http:///flags",
        "http://a:99999/flags",
        "http://a:-1/flags",
        "http://a:x/flags",
        "http://a b/flags",
        "-1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    urls.push(format!("http://{}/flags", "a".repeat(100_000)));
    urls.into_iter()
        .map(|url| vec!["--server".to_string(), url])
        .collect()
}

#[test]
fn clients_refuse_bad_command_lines() {
    let mut argvs = bad_server_urls();
    argvs.extend(bad_shapes("--server"));
    for client in CLIENTS {
        assert_bad_args(client, &argvs);
    }
}

/// The second and third series: bad numbers for `-m`, `-l`, `--timeout`,
/// bad codes, unknown labels, options that exclude each other.
#[test]
fn series2_and_3_refuse_bad_command_lines() {
    let mut argvs = bad_values("-m", &[], &["0", "1001"]);
    argvs.extend(bad_values("--max-req", &[], &["0"]));
    argvs.extend(bad_values("-l", &[], &["0", "677"]));
    argvs.extend(bad_values("--timeout", &[], &["0", "0.01", "61"]));
    let words: [&[&str]; 14] = [
        &["ZZZ"],
        &["1"],
        &["B", "C3"],
        &["é"],
        &["-s", "NOWHERE"],
        &["-s", ""],
        &["-s", "https://example.org/flags"],
        &["-s", "http://a:0/flags"],
        &["-a", "-e"],
        &["-a", "CN"],
        &["-e", "B"],
        &["--dest"],
        &["-x"],
        &["-m"],
    ];
    argvs.extend(
        words
            .iter()
            .map(|argv| argv.iter().map(|s| s.to_string()).collect()),
    );
    // All seven parse with the same `flags::flags2::Args`: the whole set on
    // one, every twentieth vector (and the last ones) on each of the others.
    assert_bad_args(SERIES2[0], &argvs);
    let sample: Vec<Vec<String>> = argvs
        .iter()
        .step_by(20)
        .chain(argvs.iter().rev().take(14))
        .cloned()
        .collect();
    std::thread::scope(|scope| {
        for program in &SERIES2[1..] {
            let sample = &sample;
            scope.spawn(move || assert_bad_args(program, sample));
        }
    });
}

#[test]
fn server_refuses_bad_numbers() {
    let mut argvs = bad_values("--port", &[], &["65536", "1.5"]);
    argvs.extend(bad_values(
        "--delay",
        &[],
        &["60.001", "0..61", "-1..1", "0.5..x"],
    ));
    argvs.extend(bad_values("--error-rate", &[], &["1.0001"]));
    argvs.extend(bad_values("--cut-rate", &[], &["1.0001"]));
    let fine_seeds = ["4294967295", "4294967296", "18446744073709551615"];
    argvs.extend(bad_values("--seed", &fine_seeds, &["1.5"]));
    argvs.extend(bad_values("--bind", &[], &["my-laptop", "256.0.0.1"]));
    argvs.extend(bad_shapes("--port"));
    assert_bad_args(SERVER, &argvs);
}

#[test]
fn bench_refuses_bad_numbers() {
    let mut argvs = bad_values("--delay", &[], &["0", "0.001", "5.01", "0..1"]);
    argvs.extend(bad_values("--runs", &[], &["0", "101", "1.5"]));
    argvs.extend(bad_values("--sequential-runs", &[], &["11"]));
    argvs.extend(bad_values("--connections", &[], &["10001"]));
    argvs.push(vec!["--part".into(), "p3".into()]);
    argvs.extend(bad_shapes("--runs"));
    assert_bad_args(BENCH, &argvs);
}

/// The help of the two tools, where every number shows its range.
#[test]
fn help_shows_every_range() {
    let mut report = String::new();
    for program in [SERVER, BENCH, CLIENTS[2], SERIES2[2]] {
        let output = run(Command::new(program).arg("--help"));
        assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
        report += &output.stdout;
        report += "\n";
    }
    insta::assert_snapshot!(report);
}

#[cfg(unix)]
mod closed_stdout {
    use super::*;
    use std::time::{Duration, Instant};

    use flags::{Config, Delay, FlagServer};
    use support::{TempDir, run_until_the_reader_is_gone};

    /// `program | head -0`: status 141 and nothing on stderr
    /// ([`labs::testkit::assert_closed_pipe`]), outside `cargo test` for the
    /// bench (which would build the clients under it).
    fn assert_ends_quietly(command: &mut Command) {
        labs::testkit::assert_closed_pipe(command.env_remove("CARGO"));
    }

    /// A client downloads, then finds no reader for its last line: it ends
    /// with 141. Without `--server`, its first line already has no reader.
    #[test]
    fn clients_end_quietly_with_141() {
        let server = FlagServer::start(Config::default()).unwrap();
        let dir = TempDir::new("closed-stdout");
        for client in CLIENTS {
            assert_ends_quietly(
                Command::new(client)
                    .args(["--server", &server.url()])
                    .current_dir(dir.path()),
            );
            assert_ends_quietly(Command::new(client).current_dir(dir.path()));
        }
    }

    /// The reader goes away after the first code (as `| head -c 3` does),
    /// and the client ends at its next code, long before it would have
    /// downloaded every flag: the sequential one from a 1 s server (20 s
    /// for all, about 2 s to its second code); the others from a server
    /// whose 20 delays, seeded, spread from 0.61 s to 14.88 s (the second
    /// code arrives after 0.85 s).
    #[test]
    fn clients_end_at_once_when_the_reader_goes_away() {
        let steady = FlagServer::start(Config {
            delay: Delay::fixed(Duration::from_secs(1)),
            ..Config::default()
        })
        .unwrap();
        let spread = FlagServer::start(Config {
            delay: "0.1..15".parse().unwrap(),
            seed: Some(2),
            ..Config::default()
        })
        .unwrap();
        // All at once, each in its own folder: they wait for their servers,
        // not for the CPU (a delay depends on the flag, not on the order
        // requests arrive in).
        std::thread::scope(|scope| {
            for client in CLIENTS {
                let server = if client == CLIENTS[0] {
                    &steady
                } else {
                    &spread
                };
                scope.spawn(move || {
                    let dir = TempDir::new("reader-gone");
                    let started = Instant::now();
                    let output = run_until_the_reader_is_gone(
                        Command::new(client)
                            .args(["--server", &server.url(), "--timeout", "20"])
                            .current_dir(dir.path()),
                        support::DEADLINE,
                    );
                    let elapsed = started.elapsed();
                    assert_eq!(
                        output.status.code(),
                        Some(labs::cli::CLOSED_PIPE),
                        "{client}: {}",
                        transcript(&output)
                    );
                    assert_eq!(output.stderr, "", "{client}");
                    assert!(
                        elapsed < Duration::from_secs(8),
                        "{client} ran {elapsed:?}: it went on after its reader was gone"
                    );
                });
            }
        });
    }

    /// The second and third series: the first report line has no reader.
    #[test]
    fn series2_and_3_end_quietly_with_141() {
        let dir = TempDir::new("closed-stdout-2");
        for program in SERIES2 {
            assert_ends_quietly(Command::new(program).args(["BR"]).current_dir(dir.path()));
        }
    }

    #[test]
    fn server_ends_quietly_with_141() {
        assert_ends_quietly(Command::new(SERVER).args(["--port", "0"]));
    }

    #[test]
    fn bench_ends_quietly_with_141() {
        assert_ends_quietly(Command::new(BENCH).args([
            "--runs",
            "1",
            "--sequential-runs",
            "0",
            "--connections",
            "0",
        ]));
    }
}

/// Bytes that are not UTF-8, where a number or a code is expected: one line
/// and exit 2 too. Unix only (arguments are bytes there).
#[cfg(unix)]
#[test]
fn arguments_that_are_not_utf8_are_refused() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let bad = OsStr::from_bytes(b"\xff\xfe");
    let cases: [(&str, &[&str]); 4] = [
        (SERIES2[2], &[]),
        (SERIES2[2], &["-m"]),
        (CLIENTS[0], &["--timeout"]),
        (SERVER, &["--port"]),
    ];
    for (program, before) in cases {
        let output = support::run(Command::new(program).args(before).arg(bad));
        let stderr = &output.stderr;
        assert_eq!(
            output.status.code(),
            Some(2),
            "{program} {before:?}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{program} {before:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// A `--dest` that cannot be created is named in one short line, its
/// control characters escaped, not sent to the terminal.
#[test]
fn a_dest_that_cannot_be_created_is_echoed_in_one_short_line() {
    // Under a file: no folder can be made there, whoever runs the test.
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    for dest in [
        format!("{file}/nope\nSECOND\x1b[31m"),
        format!("{file}/{}", "x".repeat(100_000)),
    ] {
        let output = run(Command::new(SERIES2[2]).args(["--dest", &dest]));
        let stderr = &output.stderr;
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr:?}");
        assert!(stderr.len() < 200, "{stderr:?}");
        assert!(!stderr.contains('\x1b'), "{stderr:?}");
        assert!(
            stderr.starts_with("error: cannot create the folder "),
            "{stderr:?}"
        );
    }
}
