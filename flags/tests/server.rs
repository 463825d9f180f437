//! The flag server: routes, metadata, GIFs, reproducible errors, and the
//! `flags-server` binary's command line.

mod support;

use std::process::Command;
use std::time::Duration;

use flags::{Config, FlagServer, country_codes, flag_gif};
use support::{Running, get, run, settings, transcript};

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
    for cc in ["cn", "us", "cd", "tw", "va"] {
        let (status, content_type, body) = get(&format!("{}/{cc}/metadata.json", server.url()));
        let body = String::from_utf8(body).unwrap();
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["cc"], cc.to_uppercase());
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
    let server = Running::start(Command::new(SERVER).args([
        "--port",
        "0",
        "-v",
        "--delay",
        "0.01..0.02",
        "--seed",
        "1",
    ]));
    let banner = server.line_within(Duration::from_secs(10)) + "\n";
    let url = banner
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_string();
    let (status, _, _) = get(&format!("{url}/br/metadata.json"));
    let (missing, _, _) = get(&format!("{url}/zz/zz.gif"));
    let log = server.kill();
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
        assert_eq!(
            String::from_utf8_lossy(&output.stderr).lines().count(),
            1,
            "{args:?}"
        );
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
