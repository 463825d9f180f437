//! Servers that misbehave, for real, on loopback: each client must end
//! with one clear line that says what came and after how many rows, exit
//! status 1, no panic, and no hang (every read has a timeout).

use crate::support;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::thread;
use std::time::Duration;

use support::{RUNTIMES, run};

/// A server for one connection: it reads the query, writes `answer`, waits
/// `silence`, and closes.
fn misbehaving(answer: Vec<u8>, silence: Duration) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut query = String::new();
        let _ = BufReader::new(&stream).read_line(&mut query);
        // The client may close first (a line too long): errors are expected.
        let _ = stream.write_all(&answer);
        thread::sleep(silence);
    });
    addr
}

/// Runs each of `variants` against its own misbehaving server; one line
/// per variant: its exit code and what it said on stderr.
fn report(variants: &[String], answer: &[u8], silence: Duration, args: &[&str]) -> String {
    let runs: Vec<_> = variants
        .iter()
        .map(|variant| {
            let addr = misbehaving(answer.to_vec(), silence).to_string();
            let mut args: Vec<String> = args.iter().map(|arg| arg.to_string()).collect();
            args.extend(["--server".to_string(), addr]);
            let variant = variant.clone();
            thread::spawn(move || {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                run(&variant, &args)
            })
        })
        .collect();
    let mut report = String::new();
    for (variant, out) in variants.iter().zip(runs) {
        let out = out.join().unwrap();
        assert!(
            !out.stderr.contains("panicked"),
            "{variant}: {}",
            out.stderr
        );
        assert_eq!(out.stderr.lines().count(), 1, "{variant}: {}", out.stderr);
        report += &format!("{variant}: exit {}, {}", out.code(), out.stderr);
    }
    report
}

fn clients() -> Vec<String> {
    RUNTIMES.map(String::from).to_vec()
}

fn select_clients() -> Vec<String> {
    RUNTIMES.map(|runtime| format!("{runtime}-select")).to_vec()
}

const NOW: Duration = Duration::ZERO;

#[test]
fn a_server_that_closes_in_the_middle_of_a_line() {
    let answer = b"row 1: alfa\nrow 2: br".to_vec();
    insta::assert_snapshot!(report(&clients(), &answer, NOW, &[]));
    insta::assert_snapshot!("select-cut", report(&select_clients(), &answer, NOW, &[]));
}

#[test]
fn a_server_that_sends_invalid_utf8() {
    let answer = b"row 1: alfa\nrow 2: \xff\xfe\x1b[2J\n".to_vec();
    insta::assert_snapshot!(report(&clients(), &answer, NOW, &[]));
    insta::assert_snapshot!("select-utf8", report(&select_clients(), &answer, NOW, &[]));
}

#[test]
fn a_server_that_sends_a_line_longer_than_the_limit() {
    let mut answer = b"row 1: alfa\nrow 2: ".to_vec();
    answer.extend([b'x'; 100_000]);
    answer.push(b'\n');
    insta::assert_snapshot!(report(&clients(), &answer, NOW, &[]));
}

/// The client gives up on a silent server after `--io-timeout` (0.5 s
/// here, 5 s by default), and says after how long; the server would have
/// kept silent for 8 s. The select clients: their deadline ends the answer,
/// then the polite close waits for a BYE that does not come. Both groups
/// run at once.
#[test]
fn a_server_that_says_nothing() {
    let silence = Duration::from_secs(8);
    let answer = b"row 1: alfa\n".to_vec();
    let (clients, select) = thread::scope(|scope| {
        let clients = scope.spawn(|| {
            let args = ["--cleanup", "drop", "--io-timeout", "0.5"];
            report(&clients(), &answer, silence, &args)
        });
        let select = scope.spawn(|| {
            let args = ["--timeout", "0.2", "--io-timeout", "0.5"];
            report(&select_clients(), &answer, silence, &args)
        });
        (clients.join().unwrap(), select.join().unwrap())
    });
    insta::assert_snapshot!(clients);
    insta::assert_snapshot!("select-silent", select);
}
