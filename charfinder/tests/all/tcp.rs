//! The four TCP servers, run as real processes and spoken to over loopback:
//! a scripted session pinned by a snapshot, and the bad inputs a server
//! must survive (invalid UTF-8, a 1 MB line, a silent client, a client that
//! vanishes mid-answer, many clients at once), then Ctrl-C.

use crate::support;

use std::io::Write;
use std::net::TcpStream;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

#[cfg(unix)]
use support::DEADLINE;
use support::{Server, read_to_end, read_until};

const PROMPT: &str = "?> ";

fn bin(variant: &str) -> &'static str {
    match variant {
        "thread" => env!("CARGO_BIN_EXE_charfinder-thread"),
        "tokio" => env!("CARGO_BIN_EXE_charfinder-tokio"),
        "async-std" => env!("CARGO_BIN_EXE_charfinder-async-std"),
        "smol" => env!("CARGO_BIN_EXE_charfinder-smol"),
        _ => unreachable!(),
    }
}

/// What `nc` shows for a few queries (two of them pages of a bigger
/// answer), one bad line and an empty line.
const SCRIPT: &[u8] = b"cat face\nGRINNING  cat-face smiling\r\nxyzzy\ncaf\xe9\nsnowman\n\
    chess +100\nsnowman +3\n\nnot read\n";

/// Everything one server must do, on one process (the index is built once).
fn holds_up(variant: &str) {
    let server = Server::start(bin(variant), &["-v", "--idle", "1", "--grace", "10"]);
    assert!(
        server.stdout().starts_with("Index: "),
        "{}",
        server.stdout()
    );

    // A client that says nothing is closed after the idle timeout (1 s);
    // checked at the end.
    let mut silent = server.connect();
    let silent_since = Instant::now();

    insta::assert_snapshot!(format!("session-{variant}"), server.session(SCRIPT));

    // A line of 1 MB: read to its end, refused with a message, and the
    // connection closed.
    let mut long = server.connect();
    read_until(&mut long, PROMPT);
    let writer = {
        let mut long = long.try_clone().unwrap();
        thread::spawn(move || {
            let mut line = vec![b'a'; 1 << 20];
            line.push(b'\n');
            long.write_all(&line).unwrap();
        })
    };
    let refusal = read_to_end(&mut long);
    assert_eq!(
        refusal, "error: a line longer than 1024 bytes; closing the connection\n",
        "{variant}"
    );
    writer.join().unwrap();

    // A query with 100 000 matches: one page of them, small, and how to
    // ask for the next.
    let mut big = server.connect();
    read_until(&mut big, PROMPT);
    big.write_all(b"cjk\n").unwrap();
    let page = read_until(&mut big, PROMPT);
    assert!(page.len() < 8 * 1024, "{variant}: {} bytes", page.len());
    let matches = page.lines().filter(|line| line.starts_with("U+")).count();
    assert_eq!(matches, 100, "{variant}: {page}");
    assert!(
        page.contains("\nmatches 1 to 100 of ") && page.ends_with("; more: cjk +100\n?> "),
        "{variant}: {page}"
    );
    big.write_all(b"cjk +100\n").unwrap();
    let next = read_until(&mut big, PROMPT);
    assert!(
        next.contains("\nmatches 101 to 200 of "),
        "{variant}: {next}"
    );
    // Closed now, not left to the idle timeout: only `silent` is closed
    // for idling, and only the connection of the Ctrl-C part is open then.
    drop(big);

    // A client that asks for 100 pages at once, reads a few lines and
    // vanishes.
    let mut vanishing = server.connect();
    let pages: String = (0..100)
        .map(|page| format!("cjk +{}\n", page * 100))
        .collect();
    vanishing.write_all(pages.as_bytes()).unwrap();
    read_until(&mut vanishing, "CJK RADICAL REPEAT\n");
    drop(vanishing);

    // 100 clients at once, each with a query: every one is answered.
    let clients: Vec<TcpStream> = (0..100)
        .map(|_| {
            let mut client = server.connect();
            client.write_all(b"snowman\n\n").unwrap();
            client
        })
        .collect();
    let answers: Vec<_> = clients
        .into_iter()
        .map(|mut client| thread::spawn(move || read_to_end(&mut client)))
        .collect();
    for answer in answers {
        let answer = answer.join().unwrap();
        assert!(
            answer.ends_with("SNOWMAN\n3 matches\n?> Bye.\n"),
            "{variant}: {answer:?}"
        );
    }
    // ... and the server still serves.
    assert!(
        server.session(b"snowman\n").contains("SNOWMAN"),
        "{variant}"
    );

    let said = read_to_end(&mut silent);
    assert!(said.ends_with(PROMPT), "{variant}: {said:?}");
    let waited = silent_since.elapsed();
    assert!(
        waited >= Duration::from_millis(900),
        "{variant}: closed after {waited:?}"
    );

    stops_on_ctrl_c(variant, server);
}

/// Ctrl-C: no new connections, the open one finishes, then exit 130.
#[cfg(unix)]
fn stops_on_ctrl_c(variant: &str, mut server: Server) {
    let mut open = server.connect();
    read_until(&mut open, PROMPT);
    server.signal("INT");
    server.wait_until("Stopping", DEADLINE, |_, stderr| {
        stderr.contains("Stopping")
    });
    assert_eq!(
        server.wait(Duration::from_millis(300)),
        None,
        "{variant} did not wait"
    );
    open.write_all(b"snowman\n\n").unwrap();
    let answer = read_to_end(&mut open);
    assert!(answer.contains("SNOWMAN"), "{variant}: {answer:?}");
    drop(open);
    let status = server.wait(DEADLINE).expect("the server exits");
    assert_eq!(status.code(), Some(130), "{variant}");
    let log = server.stderr();
    assert!(
        log.ends_with(
            "Stopping: no new connections; 1 open, waiting up to 10 s for them.\nStopped.\n"
        ) || log.contains("Stopped.\n"),
        "{variant}: {log}"
    );
    for how in [
        "connected (1 open)",
        "closed: idle for 1 s",
        "closed (0 open)",
    ] {
        assert!(log.contains(how), "{variant}: no {how:?} in {log}");
    }
}

#[cfg(not(unix))]
fn stops_on_ctrl_c(_variant: &str, _server: Server) {
    eprintln!("skipped: sending Ctrl-C to a process is tested on Unix only");
}

/// The four servers at once: each spends most of its time waiting (for its
/// idle timeout, for Ctrl-C's grace), so together they take as long as one.
#[test]
fn every_server_holds_up() {
    thread::scope(|scope| {
        for variant in ["thread", "tokio", "async-std", "smol"] {
            scope.spawn(move || holds_up(variant));
        }
    });
}

/// After Ctrl-C, a connection still open when the grace period ends is
/// closed, and the server says so.
#[cfg(unix)]
#[test]
fn the_grace_period_ends() {
    let mut server = Server::start(bin("smol"), &["--grace", "0.2"]);
    let mut open = server.connect();
    read_until(&mut open, PROMPT);
    server.signal("INT");
    let status = server.wait(DEADLINE).expect("the server exits");
    assert_eq!(status.code(), Some(130));
    assert!(
        server
            .stderr()
            .ends_with("Stopped: closing 1 connection still open after 0.2 s.\n"),
        "{}",
        server.stderr()
    );
}

/// Every number option, given what no bounded number accepts: one line,
/// exit 2, on every server (the messages pinned for one).
#[test]
fn bad_options_are_one_line_and_exit_2() {
    let mut argvs = labs::testkit::bad_number_args(&["--port", "--idle", "--grace"]);
    argvs.extend([
        vec!["--port".to_string(), "70000".to_string()],
        vec!["--idle".to_string(), "0".to_string()],
        vec!["--grace".to_string(), "61".to_string()],
        vec!["--bind".to_string(), "localhost".to_string()],
    ]);
    let messages = labs::testkit::assert_bad_args(bin("tokio"), &argvs);
    insta::assert_snapshot!("bad-options", messages);
    for variant in ["thread", "async-std", "smol"] {
        assert_eq!(
            labs::testkit::assert_bad_args(bin(variant), &argvs),
            messages,
            "{variant}"
        );
    }
}

#[test]
fn a_port_in_use_is_one_line_and_exit_1() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    for variant in ["thread", "tokio", "async-std", "smol"] {
        let out = labs::testkit::run(
            Command::new(bin(variant)).args(["--port", &port]),
            support::DEADLINE,
        );
        assert_eq!(out.status.code(), Some(1), "{variant}: {}", out.stderr);
        assert_eq!(
            out.stderr,
            format!("error: port {port} is already in use (try another --port)\n"),
            "{variant}"
        );
    }
}
