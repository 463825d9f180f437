//! The second and third series, run as a participant runs them (the real
//! binaries, in a fresh folder) against flag servers started in this test
//! process, with short delays: the counts, the bound on concurrency, faults,
//! the progress bar.

use crate::support;

use std::process::Command;

use labs::testkit::Output;
use std::time::{Duration, Instant};

use flags::flags2::Label;
use flags::{Config, Delay, FlagServer, flag_gif};
use support::{TempDir, settings, transcript};

const FLAGS2: [&str; 5] = ["sequential", "thread", "tokio", "async-std", "smol"];
const FLAGS3: [&str; 2] = ["tokio", "smol"];

fn program(series: u8, variant: &str) -> &'static str {
    match (series, variant) {
        (2, "sequential") => env!("CARGO_BIN_EXE_flags2-sequential"),
        (2, "thread") => env!("CARGO_BIN_EXE_flags2-thread"),
        (2, "tokio") => env!("CARGO_BIN_EXE_flags2-tokio"),
        (2, "async-std") => env!("CARGO_BIN_EXE_flags2-async-std"),
        (2, "smol") => env!("CARGO_BIN_EXE_flags2-smol"),
        (3, "tokio") => env!("CARGO_BIN_EXE_flags3-tokio"),
        (3, "smol") => env!("CARGO_BIN_EXE_flags3-smol"),
        other => panic!("no client {other:?}"),
    }
}

fn run(series: u8, variant: &str, server: &FlagServer, args: &[&str], dir: &TempDir) -> Output {
    support::run(
        Command::new(program(series, variant))
            .args(["-s", &server.url()])
            .args(args)
            .current_dir(dir.path()),
    )
}

fn start(config: Config) -> FlagServer {
    FlagServer::start(config).expect("start a flag server")
}

/// The ERROR label's server (seeded, a quarter of the requests 418) without
/// its half-second delay: the same fates, in no time.
fn error_server() -> FlagServer {
    start(Config {
        delay: Delay::default(),
        ..Label::Error.config()
    })
}

/// Every file in `downloads/` is a whole flag, named as the series names it;
/// returns how many there are.
fn whole_flags(dir: &TempDir, series: u8) -> usize {
    let names = dir.downloads();
    for name in &names {
        let stem = name
            .strip_suffix(".gif")
            .unwrap_or_else(|| panic!("stray file {name}"));
        let cc = match series {
            2 => stem,
            _ => stem.rsplit_once('-').map_or("", |(_, cc)| cc),
        };
        let saved = std::fs::read(dir.path().join("downloads").join(name)).unwrap();
        assert_eq!(
            Some(saved.as_slice()),
            flag_gif(cc),
            "{name} is not a whole flag"
        );
    }
    names.len()
}

/// `-e` (676 codes) against the seeded ERROR server: the report is the same
/// for every variant of both series (one snapshot), since each request's
/// fate depends on its path, not on when it arrives.
fn every_code_against_the_error_server(series: u8, variant: &str) {
    let server = error_server();
    let dir = TempDir::new(variant);
    let output = run(series, variant, &server, &["-e", "-m", "676"], &dir);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let report = &output.stdout;
    let mut settings = settings();
    settings.add_filter(r"Elapsed time: \d+\.\d\ds", "Elapsed time: [ELAPSED]s");
    settings.add_filter(
        r"(1 connection|\d+ concurrent connections) will",
        "[N] connection(s) will",
    );
    settings.bind(|| insta::assert_snapshot!("every-code-error-server", report));
    let downloaded: usize = report
        .lines()
        .find_map(|line| line.trim().strip_suffix(" flags downloaded."))
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert_eq!(whole_flags(&dir, series), downloaded);
}

#[test]
fn flags2_sequential_counts_every_code() {
    every_code_against_the_error_server(2, "sequential");
}

#[test]
fn flags2_thread_counts_every_code() {
    every_code_against_the_error_server(2, "thread");
}

#[test]
fn flags2_tokio_counts_every_code() {
    every_code_against_the_error_server(2, "tokio");
}

#[test]
fn flags2_async_std_counts_every_code() {
    every_code_against_the_error_server(2, "async-std");
}

#[test]
fn flags2_smol_counts_every_code() {
    every_code_against_the_error_server(2, "smol");
}

/// The third series makes two requests per flag, so more of them meet a 418:
/// its counts are its own, the same for both runtimes.
fn flags3_every_code(variant: &str) {
    let server = error_server();
    let dir = TempDir::new(variant);
    let output = run(3, variant, &server, &["-e", "-m", "676"], &dir);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let report = &output.stdout;
    let mut settings = settings();
    settings.add_filter(r"Elapsed time: \d+\.\d\ds", "Elapsed time: [ELAPSED]s");
    settings.bind(|| insta::assert_snapshot!("flags3-every-code-error-server", report));
    assert!(dir.downloads().contains(&"Brazil-br.gif".to_string()) || !report.contains(" 0 flags"));
    whole_flags(&dir, 3);
}

#[test]
fn flags3_tokio_counts_every_code() {
    flags3_every_code("tokio");
}

#[test]
fn flags3_smol_counts_every_code() {
    flags3_every_code("smol");
}

/// With `-m 3`, the server never sees more than 3 requests at once from a
/// concurrent client (and exactly 3 at some point), 1 from the sequential one.
fn bounded_by_max_req(series: u8, variant: &str) {
    let server = start(Config {
        delay: Delay::fixed(Duration::from_millis(100)),
        ..Config::default()
    });
    let dir = TempDir::new(variant);
    let output = run(
        series,
        variant,
        &server,
        &["-m", "3", "-l", "9", "-a"],
        &dir,
    );
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let expected = if variant == "sequential" { 1 } else { 3 };
    assert_eq!(server.max_in_flight(), expected, "{variant}");
}

#[test]
fn every_variant_keeps_to_max_req() {
    std::thread::scope(|scope| {
        for variant in FLAGS2 {
            scope.spawn(move || bounded_by_max_req(2, variant));
        }
        for variant in FLAGS3 {
            scope.spawn(move || bounded_by_max_req(3, variant));
        }
    });
}

/// A server that resets, stalls or cuts off some requests (seeded): every
/// such fault is counted as an error, the run ends within the timeout plus
/// a margin, and `downloads/` holds only whole flags.
fn faults_are_counted(series: u8, variant: &str) {
    let server = start(Config {
        reset_rate: 0.1,
        stall_rate: 0.1,
        cut_rate: 0.1,
        seed: Some(5),
        ..Config::default()
    });
    let dir = TempDir::new(variant);
    let started = Instant::now();
    // A timeout long enough that only a stall reaches it, even on one busy
    // CPU; each stall costs the sequential client that much, the others once.
    let codes = if variant == "sequential" { "10" } else { "60" };
    let args = ["-a", "-l", codes, "-m", "200", "--timeout", "2"];
    let output = run(series, variant, &server, &args, &dir);
    let took = started.elapsed();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let waits = if variant == "sequential" {
        server.faults()
    } else {
        1
    };
    let limit = 2.0 * waits as f64 + 5.0;
    assert!(took.as_secs_f64() < limit, "{variant}: {took:?}");
    let report = &output.stdout;
    let errors: usize = report
        .lines()
        .find_map(|line| {
            let line = line.trim();
            line.strip_suffix(" errors.")
                .or(line.strip_suffix(" error."))
        })
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert_eq!(errors, server.faults(), "{variant}: {report}");
    assert!(
        errors > 0,
        "{variant}: no fault among the first {codes} codes"
    );
    let downloaded = whole_flags(&dir, series);
    assert_eq!(
        downloaded + errors,
        codes.parse::<usize>().unwrap(),
        "{variant}: {report}"
    );
}

#[test]
fn every_variant_counts_faults_as_errors() {
    std::thread::scope(|scope| {
        for variant in FLAGS2 {
            scope.spawn(move || faults_are_counted(2, variant));
        }
        for variant in FLAGS3 {
            scope.spawn(move || faults_are_counted(3, variant));
        }
    });
}

/// `-v`: one line per code, how it ended (sorted here: the concurrent
/// clients print them as they complete).
#[test]
fn verbose_says_how_each_code_ended() {
    let server = start(Config::default());
    let teapots = start(Config {
        error_rate: 1.0,
        ..Config::default()
    });
    for variant in FLAGS2 {
        let dir = TempDir::new(variant);
        let output = run(2, variant, &server, &["-v", "BR", "cn", "XX"], &dir);
        let mut lines: Vec<String> = output
            .stdout
            .lines()
            .filter(|line| line.len() > 3 && line.as_bytes()[2] == b' ')
            .map(str::to_string)
            .collect();
        lines.sort();
        assert_eq!(lines, ["BR OK", "CN OK", "XX not found"], "{variant}");
        let output = run(2, variant, &teapots, &["-v", "BR"], &dir);
        let stdout = &output.stdout;
        assert!(
            stdout.contains("BR error: 418 I'm a teapot\n"),
            "{variant}: {stdout}"
        );
    }
}

/// A server that closes each connection a moment after answering, without
/// saying so: no request may go on a connection used before (ureq's pool
/// would send it, in the blocking clients), so none of 194 fails.
#[test]
fn every_variant_downloads_from_a_server_that_closes_after_each_answer() {
    let url = support::closing_server(Duration::from_millis(100));
    for variant in FLAGS2 {
        let dir = TempDir::new(variant);
        let output = support::run(
            Command::new(program(2, variant))
                .args(["-s", &url, "-a", "-m", "30"])
                .current_dir(dir.path()),
        );
        let report = &output.stdout;
        assert_eq!(
            output.status.code(),
            Some(0),
            "{variant}: {}",
            transcript(&output)
        );
        assert!(
            report.contains("194 flags downloaded.") && !report.contains("error"),
            "{variant}: {report}"
        );
        assert_eq!(whole_flags(&dir, 2), 194, "{variant}");
    }
}
