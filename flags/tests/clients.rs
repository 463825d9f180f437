//! The five flags clients, run as a participant runs them (the real binary,
//! in a fresh folder) against a flag server started in this test process.

mod support;

use std::process::{Command, Output};
use std::time::Duration;

use flags::{Config, Delay, FlagServer, POP20_CC, flag_gif};
use support::{TempDir, closed_port, settings, transcript};

fn program(client: &str) -> &'static str {
    match client {
        "sequential" => env!("CARGO_BIN_EXE_flags-sequential"),
        "thread" => env!("CARGO_BIN_EXE_flags-thread"),
        "tokio" => env!("CARGO_BIN_EXE_flags-tokio"),
        "async-std" => env!("CARGO_BIN_EXE_flags-async-std"),
        "smol" => env!("CARGO_BIN_EXE_flags-smol"),
        other => panic!("no client {other}"),
    }
}

fn run(client: &str, args: &[&str], dir: &TempDir) -> Output {
    Command::new(program(client))
        .args(args)
        .current_dir(dir.path())
        .output()
        .expect("run the client")
}

fn server(delay: Duration, error_rate: f64, seed: Option<u64>) -> FlagServer {
    FlagServer::start(Config {
        delay: Delay::fixed(delay),
        error_rate,
        seed,
        ..Config::default()
    })
    .expect("start a flag server")
}

/// The line of codes, in the order they arrived.
fn codes(output: &Output) -> Vec<String> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find(|line| line.split_whitespace().all(is_code) && !line.is_empty())
        .unwrap_or("");
    line.split_whitespace().map(str::to_string).collect()
}

fn is_code(word: &str) -> bool {
    word.len() == 2 && word.bytes().all(|b| b.is_ascii_uppercase())
}

/// The transcript with the line of codes sorted: arrival order varies (that
/// is the lesson), so the snapshot pins the sorted form.
fn sorted_transcript(output: &Output) -> String {
    transcript(output)
        .lines()
        .map(|line| {
            if !line.is_empty() && line.split_whitespace().all(is_code) {
                let mut codes: Vec<&str> = line.split_whitespace().collect();
                codes.sort();
                format!("{} (sorted)", codes.join(" "))
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn sorted_pop20() -> Vec<String> {
    let mut codes: Vec<String> = POP20_CC.iter().map(|cc| cc.to_string()).collect();
    codes.sort();
    codes
}

/// Every file in `downloads/` is a whole flag, byte for byte as served, and
/// nothing else is there (no temporary files).
fn assert_only_whole_flags(dir: &TempDir, client: &str) {
    for name in dir.downloads() {
        let cc = name
            .strip_suffix(".gif")
            .unwrap_or_else(|| panic!("{client}: stray file {name}"));
        assert!(
            POP20_CC.contains(&cc.to_uppercase().as_str()),
            "{client}: {name}"
        );
        let saved = std::fs::read(dir.path().join("downloads").join(&name)).unwrap();
        assert_eq!(
            saved,
            flag_gif(cc).unwrap(),
            "{client}: {name} differs from what was served"
        );
    }
}

fn downloads_the_20_flags(client: &str) {
    let server = server(Duration::ZERO, 0.0, None);
    let dir = TempDir::new(client);
    let output = run(client, &["--server", &server.url()], &dir);
    settings().bind(|| {
        insta::assert_snapshot!(format!("downloads-{client}"), sorted_transcript(&output));
    });
    // The codes printed are the 20 codes, each once, in some order.
    let mut printed = codes(&output);
    printed.sort();
    assert_eq!(printed, sorted_pop20(), "{client}");
    // The 20 files are there, byte-identical to what the server serves.
    let expected: Vec<String> = sorted_pop20()
        .iter()
        .map(|cc| format!("{}.gif", cc.to_lowercase()))
        .collect();
    assert_eq!(dir.downloads(), expected, "{client}");
    assert_only_whole_flags(&dir, client);
    assert_eq!(server.requests(), 20, "{client}");
}

#[test]
fn sequential_downloads_the_20_flags() {
    downloads_the_20_flags("sequential");
}

#[test]
fn thread_downloads_the_20_flags() {
    downloads_the_20_flags("thread");
}

#[test]
fn tokio_downloads_the_20_flags() {
    downloads_the_20_flags("tokio");
}

#[test]
fn async_std_downloads_the_20_flags() {
    downloads_the_20_flags("async-std");
}

#[test]
fn smol_downloads_the_20_flags() {
    downloads_the_20_flags("smol");
}

#[test]
fn sequential_prints_the_codes_in_alphabetical_order() {
    let server = server(Duration::ZERO, 0.0, None);
    let dir = TempDir::new("sequential-order");
    let output = run("sequential", &["--server", &server.url()], &dir);
    assert_eq!(codes(&output), sorted_pop20());
}

/// The most requests the server had in flight at once while `client` ran.
/// With a delay, a concurrent client's 20 requests all wait at the server
/// together: every one is sent long before the first is answered.
fn max_in_flight(client: &str, delay: Duration) -> usize {
    let server = server(delay, 0.0, None);
    let dir = TempDir::new(client);
    let output = run(client, &["--server", &server.url()], &dir);
    assert!(output.status.success(), "{client}: {}", transcript(&output));
    assert_eq!(server.requests(), 20);
    server.max_in_flight()
}

const OVERLAP: Duration = Duration::from_secs(1);

#[test]
fn sequential_never_has_more_than_one_request_in_flight() {
    assert_eq!(max_in_flight("sequential", Duration::from_millis(50)), 1);
}

#[test]
fn thread_has_all_20_requests_in_flight_at_once() {
    assert_eq!(max_in_flight("thread", OVERLAP), 20);
}

#[test]
fn tokio_has_all_20_requests_in_flight_at_once() {
    assert_eq!(max_in_flight("tokio", OVERLAP), 20);
}

#[test]
fn async_std_has_all_20_requests_in_flight_at_once() {
    assert_eq!(max_in_flight("async-std", OVERLAP), 20);
}

#[test]
fn smol_has_all_20_requests_in_flight_at_once() {
    assert_eq!(max_in_flight("smol", OVERLAP), 20);
}

/// Each failure is one line on stderr and exit status 1; files are whole or absent.
fn reports_failures(client: &str) {
    let mut report = String::new();
    let mut record = |case: &str, output: &Output| {
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(!stdout.contains("downloaded"), "{client} {case}: {stdout}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{client} {case}: {stderr}");
        report += &format!(
            "{case}: exit {}\n{stderr}",
            output.status.code().unwrap_or(-1)
        );
    };

    let dir = TempDir::new(client);
    let unreachable = format!("http://127.0.0.1:{}/flags", closed_port());
    record("no server", &run(client, &["--server", &unreachable], &dir));
    assert_eq!(dir.downloads(), Vec::<String>::new());

    let teapots = server(Duration::ZERO, 1.0, None);
    record(
        "every answer 418",
        &run(client, &["--server", &teapots.url()], &dir),
    );
    assert_eq!(dir.downloads(), Vec::<String>::new());

    let good = server(Duration::ZERO, 0.0, None);
    std::fs::write(dir.path().join("downloads"), "a file, not a folder").unwrap();
    record(
        "downloads/ is a file",
        &run(client, &["--server", &good.url()], &dir),
    );
    std::fs::remove_file(dir.path().join("downloads")).unwrap();

    settings().bind(|| insta::assert_snapshot!(format!("failures-{client}"), report));

    // Half the answers fail: what was saved is whole, nothing else is left.
    let flaky = server(Duration::ZERO, 0.5, Some(4));
    let output = run(client, &["--server", &flaky.url()], &dir);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{client}: {}",
        transcript(&output)
    );
    assert_only_whole_flags(&dir, client);
}

#[test]
fn sequential_reports_failures() {
    reports_failures("sequential");
}

#[test]
fn thread_reports_failures() {
    reports_failures("thread");
}

#[test]
fn tokio_reports_failures() {
    reports_failures("tokio");
}

#[test]
fn async_std_reports_failures() {
    reports_failures("async-std");
}

#[test]
fn smol_reports_failures() {
    reports_failures("smol");
}

#[test]
fn without_server_a_client_starts_one_and_says_so() {
    let dir = TempDir::new("no-server");
    let output = run("tokio", &[], &dir);
    settings().bind(|| insta::assert_snapshot!(sorted_transcript(&output)));
    assert_eq!(dir.downloads().len(), 20);
}

#[test]
fn a_bad_server_url_is_one_line_and_exit_2() {
    let dir = TempDir::new("bad-url");
    let output = run("smol", &["--server", "https://example.org/flags"], &dir);
    insta::assert_snapshot!(transcript(&output));
}
