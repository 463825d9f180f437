//! The flag server: routes, metadata, GIFs, reproducible errors, and the
//! `flags-server` binary's command line.

use crate::support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use flags::{Config, FlagServer, country_codes, flag_gif};
use labs::testkit::Running;
use support::{get, run, settings, transcript};

const SERVER: &str = env!("CARGO_BIN_EXE_flags-server");

fn start(config: Config) -> FlagServer {
    FlagServer::start(config).expect("start a flag server")
}

#[test]
fn serves_every_flag_as_a_gif() {
    let server = start(Config::default());
    for cc in country_codes() {
        let lower = cc.to_lowercase();
        let (status, content_type, body) = get(&format!("{}/{lower}/{lower}.gif", server.url()));
        assert_eq!((status, content_type.as_str()), (200, "image/gif"), "{cc}");
        assert_eq!(body, flag_gif(cc).unwrap(), "{cc}");
        let frame = gif::DecodeOptions::new()
            .read_info(body.as_slice())
            .and_then(|mut decoder| decoder.read_next_frame().map(|f| f.is_some()));
        assert!(matches!(frame, Ok(true)), "{cc} is not a valid GIF");
    }
    assert_eq!(country_codes().len(), 194);
}

#[test]
fn serves_metadata_as_json() {
    let server = start(Config::default());
    let mut report = String::new();
    for cc in ["cn", "us", "cd", "tw", "va", "gb"] {
        let (status, content_type, body) = get(&format!("{}/{cc}/metadata.json", server.url()));
        let body = String::from_utf8(body).unwrap();
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["iso_cc"], cc.to_uppercase());
        report += &format!("{status} {content_type} {body}\n");
    }
    insta::assert_snapshot!(report);
}

#[test]
fn answers_404_to_anything_else() {
    let server = start(Config::default());
    let base = server.addr();
    for path in [
        "/",
        "/flags",
        "/flags/",
        "/flags/cn",
        "/flags/cn/",
        "/flags/xx/xx.gif",
        "/flags/do/do.gif",
        "/flags/cn/us.gif",
        "/flags/CN/CN.gif",
        "/flags/cn/cn.png",
        "/flags/cn/cn.gif/more",
        "/flags/cn/metadata.xml",
        "/cn/cn.gif",
    ] {
        let (status, _, body) = get(&format!("http://{base}{path}"));
        assert_eq!(
            (status, body.as_slice()),
            (404, &b"not found\n"[..]),
            "{path}"
        );
    }
}

/// The statuses of 40 requests, one after another.
fn outcomes(seed: u64) -> String {
    let server = start(Config {
        error_rate: 0.5,
        seed: Some(seed),
        ..Config::default()
    });
    (0..40)
        .map(|i| {
            let cc = country_codes()[i].to_lowercase();
            match get(&format!("{}/{cc}/{cc}.gif", server.url())).0 {
                200 => '.',
                418 => 'T',
                _ => '?',
            }
        })
        .collect()
}

#[test]
fn a_seeded_error_rate_gives_the_same_outcomes_twice() {
    let first = outcomes(42);
    assert_eq!(first, outcomes(42));
    assert!(first.contains('.') && first.contains('T'), "{first}");
    assert_ne!(first, outcomes(43));
    let (status, _, body) = {
        let server = start(Config {
            error_rate: 1.0,
            ..Config::default()
        });
        get(&format!("{}/cn/cn.gif", server.url()))
    };
    assert_eq!((status, body.as_slice()), (418, &b"I'm a teapot\n"[..]));
}

#[test]
fn the_binary_serves_and_logs_each_request() {
    let mut server = Running::start(Command::new(SERVER).args([
        "--port",
        "0",
        "-v",
        "--delay",
        "0.01..0.02",
        "--seed",
        "1",
    ]));
    let banner = server.line(Duration::from_secs(10)) + "\n";
    let url = banner
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_string();
    let (status, _, _) = get(&format!("{url}/br/metadata.json"));
    let (missing, _, _) = get(&format!("{url}/zz/zz.gif"));
    let log = server.kill().stderr;
    assert_eq!((status, missing), (200, 404));
    settings().bind(|| {
        let mut settings = insta::Settings::clone_current();
        settings.add_filter(r"\(0\.0\ds\)", "(0.0[N]s)");
        settings.bind(|| insta::assert_snapshot!(format!("{banner}{log}")));
    });
}

#[test]
fn bad_options_are_one_line_and_exit_2() {
    let mut report = String::new();
    for args in [
        &["--delay", "soon"][..],
        &["--delay", "-1"],
        &["--delay", "2..1"],
        &["--error-rate", "1.5"],
        &["--port", "70000"],
        &["--bind", "my-laptop"],
        &["--seed", "x"],
        &["--colour"],
    ] {
        let output = run(Command::new(SERVER).args(args));
        assert_eq!(output.stderr.lines().count(), 1, "{args:?}");
        report += &format!("{}\n{}", args.join(" "), transcript(&output));
    }
    insta::assert_snapshot!(report);
}

#[test]
fn a_port_in_use_is_one_line_and_exit_1() {
    let server = start(Config::default());
    let port = server.addr().port().to_string();
    let output = run(Command::new(SERVER).args(["--port", &port]));
    settings().bind(|| insta::assert_snapshot!(transcript(&output)));
}

/// Sends `request` as is over a new connection and reads until the server
/// closes it, an error, or 5 s: what came back, and how reading ended.
fn exchange(server: &FlagServer, request: &str) -> (String, std::io::Result<()>) {
    let (answer, end) = exchange_bytes(server, request);
    (String::from_utf8_lossy(&answer).into_owned(), end)
}

fn exchange_bytes(server: &FlagServer, request: &str) -> (Vec<u8>, std::io::Result<()>) {
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let end = stream.read_to_end(&mut answer).map(|_| ());
    (answer, end)
}

fn get_request(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: flags\r\nConnection: close\r\n\r\n")
}

/// The status code of an answer: `200` for `HTTP/1.1 200 OK`.
fn status_of(answer: &str) -> &str {
    answer.split(' ').nth(1).unwrap_or("(no answer)")
}

/// RFC 9112 §3.2: an HTTP/1.1 request says which host it is for, in one
/// valid `Host` header, or is answered 400 (HTTP/1.0 came before `Host`, and
/// may leave it out). §3.2.2: a request for an absolute URI is for the host
/// that URI names, whatever `Host` says; and a server that is not that host
/// answers 421 Misdirected Request (RFC 9110 §7.4, §15.5.20).
#[test]
fn the_host_follows_rfc_9112() {
    let server = start(Config::default());
    let addr = server.addr();
    let port = addr.port();
    let other_port = if port == 65535 { 1 } else { port + 1 };
    let path = "/flags/cn/metadata.json";
    let cases = [
        (format!("GET {path} HTTP/1.1\r\n"), "400"),
        (
            format!("GET {path} HTTP/1.1\r\nHost: a\r\nHost: b\r\n"),
            "400",
        ),
        (
            format!("GET {path} HTTP/1.1\r\nHost: a\r\nHost: a\r\n"),
            "400",
        ),
        (format!("GET {path} HTTP/1.1\r\nHost: \r\n"), "400"),
        (format!("GET {path} HTTP/1.1\r\nHost: a b\r\n"), "400"),
        (format!("GET {path} HTTP/1.1\r\nHost: me@{addr}\r\n"), "400"),
        (format!("GET {path} HTTP/1.1\r\nHost: {addr}/x\r\n"), "400"),
        (format!("HEAD {path} HTTP/1.1\r\n"), "400"),
        (format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n"), "200"),
        (
            format!("GET {path} HTTP/1.1\r\nHost: flags.example\r\n"),
            "200",
        ),
        (format!("GET {path} HTTP/1.0\r\n"), "200"),
        (
            format!("GET {path} HTTP/1.0\r\nHost: a\r\nHost: b\r\n"),
            "400",
        ),
        // Absolute URIs: this server, by the address the connection came
        // to, or as localhost...
        (
            format!("GET http://{addr}{path} HTTP/1.1\r\nHost: {addr}\r\n"),
            "200",
        ),
        (
            format!("GET HTTP://LocalHost:{port}{path} HTTP/1.1\r\nHost: localhost:{port}\r\n"),
            "200",
        ),
        (
            format!("GET http://[::1]:{port}{path} HTTP/1.1\r\nHost: [::1]:{port}\r\n"),
            "200",
        ),
        (
            format!("GET http://{addr}{path} HTTP/1.1\r\nHost: elsewhere.example\r\n"),
            "200",
        ),
        (format!("GET http://{addr}{path} HTTP/1.0\r\n"), "200"),
        // ...or another host, another port, another scheme.
        (
            format!("GET http://example.org{path} HTTP/1.1\r\nHost: example.org\r\n"),
            "421",
        ),
        (
            format!("GET http://example.org{path} HTTP/1.1\r\nHost: {addr}\r\n"),
            "421",
        ),
        (
            format!("GET http://10.1.2.3:{port}{path} HTTP/1.1\r\nHost: 10.1.2.3:{port}\r\n"),
            "421",
        ),
        (
            format!(
                "GET http://127.0.0.1:{other_port}{path} HTTP/1.1\r\nHost: 127.0.0.1:{other_port}\r\n"
            ),
            "421",
        ),
        (
            format!("GET http://127.0.0.1{path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"),
            "421",
        ),
        (
            format!("GET https://{addr}{path} HTTP/1.1\r\nHost: {addr}\r\n"),
            "421",
        ),
        (format!("GET http://example.org{path} HTTP/1.0\r\n"), "421"),
        (
            "CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n".to_string(),
            "421",
        ),
        (
            format!("GET http://me@{addr}{path} HTTP/1.1\r\nHost: {addr}\r\n"),
            "400",
        ),
        // An HTTP/1.1 request without Host is 400, even for an absolute URI.
        (format!("GET http://{addr}{path} HTTP/1.1\r\n"), "400"),
    ];
    let mut wrong = Vec::new();
    for (head, expected) in &cases {
        let (answer, _) = exchange(&server, &format!("{head}Connection: close\r\n\r\n"));
        if status_of(&answer) != *expected {
            wrong.push(format!("{head:?}: expected {expected}, got {answer:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn head_answers_at_once_without_delay_or_errors() {
    let server = start(Config {
        delay: flags::Delay::fixed(Duration::from_secs(5)),
        error_rate: 1.0,
        ..Config::default()
    });
    let started = Instant::now();
    let (answer, end) = exchange(
        &server,
        "HEAD /flags/cn/cn.gif HTTP/1.1\r\nHost: flags\r\nConnection: close\r\n\r\n",
    );
    assert!(end.is_ok(), "{end:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    let length = flag_gif("cn").unwrap().len();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(
        answer.contains(&format!("content-length: {length}\r\n")),
        "{answer}"
    );
    assert!(
        answer.ends_with("\r\n\r\n"),
        "a HEAD answer has no body: {answer}"
    );
    let (answer, _) = exchange(
        &server,
        "POST /flags/cn/cn.gif HTTP/1.1\r\nHost: flags\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 405"), "{answer}");
    assert!(answer.contains("allow: GET, HEAD\r\n"), "{answer}");
}

#[test]
fn a_silent_or_idle_connection_is_closed_after_the_header_timeout() {
    let server = start(Config {
        header_timeout: Duration::from_millis(300),
        ..Config::default()
    });
    // Silent from the start: closed, with nothing sent.
    let started = Instant::now();
    let (answer, end) = exchange(&server, "");
    assert!(end.is_ok(), "not closed: {end:?}");
    assert_eq!(answer, "");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // Idle after one answer on a keep-alive connection: closed too.
    let (answer, end) = exchange(
        &server,
        "GET /flags/cn/metadata.json HTTP/1.1\r\nHost: flags\r\n\r\n",
    );
    assert!(end.is_ok(), "not closed: {end:?}");
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with(r#""tld_cc": ".cn"}"#), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(6));
}

#[test]
fn connections_beyond_the_bound_wait_to_be_accepted() {
    let server = start(Config {
        max_connections: 2,
        ..Config::default()
    });
    let open: Vec<TcpStream> = (0..3)
        .map(|_| TcpStream::connect(server.addr()).unwrap())
        .collect();
    // The server takes two (however busy the machine, within 5 s)...
    let started = Instant::now();
    while server.connections() < 2 && started.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(10));
    }
    // ...and no third while those stay open.
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(server.connections(), 2);
    drop(open);
    let (status, _, _) = get(&format!("{}/cn/metadata.json", server.url()));
    assert_eq!(status, 200);
}

#[test]
fn paths_outside_the_flags_serve_nothing() {
    let server = start(Config::default());
    for path in [
        "/flags/../Cargo.toml",
        "/flags/cn/../../Cargo.toml",
        "/flags/cn/../us/us.gif",
        "/flags/%2e%2e/%2e%2e/Cargo.toml",
        "/flags/cn/%2e%2e%2fus%2fus.gif",
        "/flags//etc/passwd",
        "/flags/cn/cn.gif%00",
        "//flags/cn/cn.gif",
    ] {
        let (answer, _) = exchange(&server, &get_request(path));
        assert!(
            answer.starts_with("HTTP/1.1 404") || answer.starts_with("HTTP/1.1 400"),
            "{path}: {answer}"
        );
        assert!(!answer.contains("[package]"), "{path}: {answer}");
    }
}

/// Each kind of chaos, on every GET: a reset, a stall, a body cut short.
#[test]
fn chaos_resets_stalls_and_cuts() {
    let reset = start(Config {
        reset_rate: 1.0,
        ..Config::default()
    });
    let (answer, end) = exchange(&reset, &get_request("/flags/cn/cn.gif"));
    assert_eq!(answer, "");
    assert_eq!(
        end.map_err(|err| err.kind()),
        Err(std::io::ErrorKind::ConnectionReset)
    );

    let stall = start(Config {
        stall_rate: 1.0,
        ..Config::default()
    });
    let mut stream = TcpStream::connect(stall.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    stream
        .write_all(get_request("/flags/cn/cn.gif").as_bytes())
        .unwrap();
    let mut byte = [0];
    let kind = stream.read(&mut byte).map_err(|err| err.kind());
    assert!(
        matches!(
            kind,
            Err(std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)
        ),
        "{kind:?}"
    );

    let cut = start(Config {
        cut_rate: 1.0,
        ..Config::default()
    });
    let (answer, _) = exchange_bytes(&cut, &get_request("/flags/cn/cn.gif"));
    let length = flag_gif("cn").unwrap().len();
    let end_of_head = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let head = String::from_utf8_lossy(&answer[..end_of_head]);
    let body = &answer[end_of_head..];
    assert!(
        head.contains(&format!("content-length: {length}")),
        "{head}"
    );
    assert_eq!(
        body,
        &flag_gif("cn").unwrap()[..length / 2],
        "the first half, then nothing"
    );
}

/// 10 000 connections at once (fewer if the open-file limit cannot be raised
/// that far), each asking for a flag: every one answered 200.
#[test]
fn a_burst_of_connections_is_all_answered() {
    let wanted = 10_000;
    let connections = raise_open_file_limit(2 * wanted + 100).saturating_sub(100) / 2;
    let connections = connections.min(wanted);
    let server = start(Config::default());
    let addr = server.addr();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let request: &'static str = Box::leak(get_request("/flags/cn/cn.gif").into_boxed_str());
    let answered = runtime.block_on(async move {
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..connections {
            tasks.spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let exchange = async {
                    let mut stream = tokio::net::TcpStream::connect(addr).await?;
                    stream.write_all(request.as_bytes()).await?;
                    let mut answer = Vec::new();
                    stream.read_to_end(&mut answer).await?;
                    Ok::<_, std::io::Error>(answer.starts_with(b"HTTP/1.1 200 OK"))
                };
                tokio::time::timeout(Duration::from_secs(20), exchange).await
            });
        }
        let mut answered = 0;
        while let Some(outcome) = tasks.join_next().await {
            match outcome.unwrap() {
                Ok(Ok(true)) => answered += 1,
                other => panic!("a connection failed: {other:?}"),
            }
        }
        answered
    });
    assert_eq!(answered, connections);
    assert!(connections >= 400, "open-file limit too low: {connections}");
}

/// Raises this process's soft open-file limit towards `wanted` (never past
/// the hard limit) and returns the limit now in force; where there is no
/// such per-process limit (Windows), `wanted`.
fn raise_open_file_limit(wanted: usize) -> usize {
    let wanted_u64 = u64::try_from(wanted).unwrap_or(u64::MAX);
    match labs::platform::raise_open_files_limit(wanted_u64) {
        Some(limit) => usize::try_from(limit).unwrap_or(usize::MAX),
        None if cfg!(unix) => 1024,
        None => wanted,
    }
}

/// Out of file descriptors (the server binary under `ulimit -n 32`), the
/// server cannot accept: it says so once, not every time it retries, and
/// serves again once connections close. Unix only (a shell's `ulimit`).
#[cfg(unix)]
#[test]
fn out_of_file_descriptors_the_server_says_so_once_and_recovers() {
    let mut server = Running::start(
        Command::new("/bin/sh")
            .args(["-c", r#"ulimit -n 32 && exec "$0" "$@""#])
            .args([SERVER, "--port", "0", "--header-timeout", "600"]),
    );
    let banner = server.line(Duration::from_secs(10));
    let url = banner
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_string();
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches("/flags")
        .to_string();
    let silent: Vec<TcpStream> = (0..60)
        .map(|_| TcpStream::connect(&addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(800));
    drop(silent);
    std::thread::sleep(Duration::from_millis(300));
    let (status, _, _) = get(&format!("{url}/cn/metadata.json"));
    assert_eq!(status, 200);
    let log = server.kill().stderr;
    let said: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("cannot accept"))
        .collect();
    assert_eq!(said.len(), 1, "{log}");
}

/// The fate of a request depends on the seed and its path, not on the order
/// requests arrive in.
#[test]
fn seeded_outcomes_do_not_depend_on_the_order_of_requests() {
    let forward = outcomes(42);
    let server = start(Config {
        error_rate: 0.5,
        seed: Some(42),
        ..Config::default()
    });
    let backward: String = (0..40)
        .rev()
        .map(|i| {
            let cc = country_codes()[i].to_lowercase();
            match get(&format!("{}/{cc}/{cc}.gif", server.url())).0 {
                200 => '.',
                418 => 'T',
                _ => '?',
            }
        })
        .collect();
    assert_eq!(forward, backward.chars().rev().collect::<String>());
}
