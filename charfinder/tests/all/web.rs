//! charfinder-web and the façade over real sockets: the JSON API, the page,
//! and the façade with one backend down and one that never answers; the
//! page in a headless browser where one is installed.

use crate::support;

use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::thread;
use std::time::{Duration, Instant};

use labs::testkit::dump_dom;
use serde_json::Value;
use support::{DEADLINE, Server, get};

const WEB: &str = env!("CARGO_BIN_EXE_charfinder-web");
const TOKIO: &str = env!("CARGO_BIN_EXE_charfinder-tokio");
const FACADE: &str = env!("CARGO_BIN_EXE_charfinder-facade");
const SOLUTION: &str = env!("CARGO_BIN_EXE_charfinder-facade-solution");
const BENCH: &str = env!("CARGO_BIN_EXE_charfinder-bench");

/// One line per character, and the failed backends, as a person reads them.
fn summary(json: &Value, labels: &[(String, &str)]) -> String {
    let mut text = format!("query: {}\ncount: {}\n", json["query"], json["count"]);
    for c in json["chars"].as_array().unwrap() {
        text += &format!(
            "{}\t{}\t{}\n",
            c["code"].as_str().unwrap(),
            c["char"].as_str().unwrap(),
            c["name"].as_str().unwrap()
        );
    }
    for failure in json["failed"].as_array().unwrap() {
        let backend = failure["backend"].as_str().unwrap();
        let label = labels
            .iter()
            .find(|(addr, _)| addr == backend)
            .map_or(backend, |(_, label)| label);
        text += &format!("failed: {label}: {}\n", failure["error"].as_str().unwrap());
    }
    text
}

fn search(base: &str, query: &str) -> Value {
    let (status, content_type, body) = get(&format!("{base}/search?q={query}")).unwrap();
    assert_eq!(
        (status, content_type.as_str()),
        (200, "application/json"),
        "{body}"
    );
    serde_json::from_str(&body).unwrap()
}

#[test]
fn the_web_server_answers_json_and_serves_the_page() {
    let server = Server::start(WEB, &[]);
    let base = format!("http://{}", server.addr);
    insta::assert_snapshot!(summary(&search(&base, "cat+face"), &[]));
    let answer = search(&base, "caf%C3%A9");
    assert_eq!(
        (answer["query"].as_str(), answer["count"].as_u64()),
        (Some("café"), Some(0))
    );
    assert_eq!(search(&base, "")["count"], 0);
    assert_eq!(search(&base, "%FF%FE")["count"], 0);
    // 100 000 matches: one page of them, and where the next one starts.
    let first = search(&base, "cjk");
    assert_eq!(
        (&first["count"], &first["offset"], &first["next"]),
        (&Value::from(100), &Value::from(0), &Value::from(100))
    );
    assert!(
        first["total"].as_u64().unwrap() > 90_000,
        "{}",
        first["total"]
    );
    let second = search(&base, "cjk&offset=100");
    assert_eq!(
        (&second["query"], &second["count"], &second["next"]),
        (&Value::from("cjk"), &Value::from(100), &Value::from(200))
    );
    assert_ne!(first["chars"][0], second["chars"][0]);
    let total = first["total"].as_u64().unwrap();
    let last = search(&base, &format!("cjk&offset={}", total - 1));
    assert_eq!(
        (&last["count"], &last["next"]),
        (&Value::from(1), &Value::Null)
    );

    let (status, content_type, page) = get(&format!("{base}/")).unwrap();
    assert_eq!(
        (status, content_type.as_str()),
        (200, "text/html; charset=utf-8")
    );
    assert_eq!(page, charfinder::PAGE);
    assert!(page.contains("fetch('/search?q='"));
    assert!(
        !page.contains("innerHTML"),
        "the page sets text, never markup"
    );
    let (status, _, body) = get(&format!("{base}/nope")).unwrap();
    assert_eq!((status, body.as_str()), (404, "not found\n"));
}

/// The façade, given: a real TCP server (twice: answers merge), one that is
/// down, and one that accepts and never answers.
fn facade_answers_partially(bin: &str) {
    let backend = Server::start(TOKIO, &[]);
    let slow = TcpListener::bind("127.0.0.1:0").unwrap();
    let down = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let (real, slow_addr) = (
        backend.addr.to_string(),
        slow.local_addr().unwrap().to_string(),
    );
    let down = down.to_string();
    let facade = Server::start(
        bin,
        &[
            "--backend",
            &real,
            "--backend",
            &down,
            "--backend",
            &slow_addr,
            "--backend",
            &real,
            "--timeout",
            "0.5",
        ],
    );
    let base = format!("http://{}", facade.addr);
    let start = Instant::now();
    let (status, _, body) = get(&format!("{base}/search?q=cat+face")).unwrap_or_else(|err| {
        panic!(
            "the façade did not answer ({err}): is every todo!() in charfinder-facade.rs done?\n{}",
            facade.stderr()
        )
    });
    let took = start.elapsed();
    assert_eq!(status, 200, "{body}");
    let json: Value = serde_json::from_str(&body).unwrap();
    let labels = [(real, "real"), (down, "down"), (slow_addr, "slow")];
    insta::assert_snapshot!("facade-partial", summary(&json, &labels));
    // The backends were asked at the same time: about one timeout, not two.
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert!(
        took >= Duration::from_millis(400),
        "did not wait for the slow backend: {took:?}"
    );
    // Every backend answering: no failures.
    let facade = Server::start(bin, &["--backend", &backend.addr.to_string()]);
    let json = search(&format!("http://{}", facade.addr), "snowman");
    let empty = search(&format!("http://{}", facade.addr), "");
    assert_eq!(
        (
            empty["count"].as_u64(),
            empty["failed"].as_array().map(Vec::len)
        ),
        (Some(0), Some(0)),
        "{empty}"
    );
    assert_eq!(
        (
            json["count"].as_u64(),
            json["failed"].as_array().map(Vec::len)
        ),
        (Some(3), Some(0))
    );
    drop(slow);
}

/// A backend that sends without end (a misbehaving server, or not a
/// charfinder server at all): the façade reads a bounded amount of it, and
/// names it as failed; the real backend's answer still comes.
#[test]
fn the_facade_refuses_a_backend_that_floods() {
    let backend = Server::start(TOKIO, &[]);
    let flood = TcpListener::bind("127.0.0.1:0").unwrap();
    let flood_addr = flood.local_addr().unwrap().to_string();
    let flooding = thread::spawn(move || {
        let (mut stream, _) = flood.accept().unwrap();
        stream.set_write_timeout(Some(DEADLINE)).unwrap();
        let lines = "U+0041\tA\tLATIN CAPITAL LETTER A\n".repeat(1000);
        let mut sent = 0;
        // Until the façade hangs up (or a deadline: never forever).
        while sent < 1 << 30 && stream.write_all(lines.as_bytes()).is_ok() {
            sent += lines.len();
        }
        sent
    });
    let real = backend.addr.to_string();
    let facade = Server::start(
        SOLUTION,
        &[
            "--backend",
            &real,
            "--backend",
            &flood_addr,
            "--timeout",
            "10",
        ],
    );
    let json = search(&format!("http://{}", facade.addr), "snowman");
    let labels = [(real, "real"), (flood_addr, "flood")];
    insta::assert_snapshot!("facade-flood", summary(&json, &labels));
    drop(facade);
    let sent = flooding.join().unwrap();
    assert!(sent < 1 << 30, "the façade read {sent} bytes and more");
}

#[test]
fn facade_solution_answers_partially_when_backends_fail() {
    facade_answers_partially(SOLUTION);
}

#[test]
#[ignore = "the exercise: run `cargo test -p charfinder -- --ignored facade` once you have written it"]
fn facade_exercise_answers_partially_when_backends_fail() {
    facade_answers_partially(FACADE);
}

#[test]
fn bad_options_are_one_line_and_exit_2() {
    use labs::testkit::{assert_bad_args, bad_number_args};
    let args = |list: &[&[&str]]| -> Vec<Vec<String>> {
        list.iter()
            .map(|argv| argv.iter().map(|arg| arg.to_string()).collect())
            .collect()
    };
    assert_bad_args(WEB, &bad_number_args(&["--port", "--idle", "--grace"]));
    assert_bad_args(SOLUTION, &bad_number_args(&["--timeout", "--idle"]));
    let backends = args(&[
        &["--backend", "localhost"],
        &["--backend", "127.0.0.1"],
        &["--timeout", "0"],
        &["--timeout", "61"],
    ]);
    assert_bad_args(SOLUTION, &backends);
    assert_bad_args(FACADE, &backends);
    assert_bad_args(BENCH, &bad_number_args(&["--seconds", "--idle"]));
    assert_bad_args(BENCH, &args(&[&["--seconds", "0.1"], &["--idle", "50001"]]));
}

/// The page, run by a real browser: it shows the results of the query in
/// its address, and sets a query full of markup as text.
#[test]
fn the_page_in_a_headless_browser() {
    let Some(browser) = labs::testkit::browser() else {
        return; // skipped, as `browser` said
    };
    let server = Server::start(WEB, &[]);
    let profile = std::env::temp_dir().join(format!("charfinder-browser-{}", std::process::id()));
    let profile = |n: usize| PathBuf::from(format!("{}-{n}", profile.display()));
    // Both pages at once (a profile each): a browser takes a second or two.
    let open = |query: &str, n: usize| {
        let url = format!("http://{}/?q={query}", server.addr);
        labs::testkit::run(&mut dump_dom(&browser, &profile(n), &url), DEADLINE).stdout
    };
    let [cats, markup] = std::thread::scope(|scope| {
        [
            scope.spawn(|| open("cat%20face", 1)),
            scope.spawn(|| open("%3Cb%3Ebold%3C%2Fb%3E%20cat", 2)),
        ]
        .map(|page| page.join().unwrap())
    });
    assert!(
        cats.contains("<td class=\"name\">GRINNING CAT FACE WITH SMILING EYES</td>"),
        "{cats}"
    );
    assert!(cats.contains("10 found"), "{cats}");
    assert!(markup.contains("&lt;b&gt;bold&lt;/b&gt; cat"), "{markup}");
    assert!(!markup.contains("<b>bold</b>"), "{markup}");
    for n in [1, 2] {
        let _ = std::fs::remove_dir_all(profile(n));
    }
}
