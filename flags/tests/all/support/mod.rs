//! Helpers for the flags tests: fresh folders, HTTP requests, running the
//! binaries with a deadline, output clean-up.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

pub use labs::testkit::{Output, assert_bad_args};

/// How long any one run of a flags binary may take in a test: the slowest
/// (a client against a 1 s server) needs about 1.5 s even on a busy machine.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// A fresh, empty folder under the system's temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let path =
            std::env::temp_dir().join(format!("flags-test-{}-{tag}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create a temp dir");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// The names of the files in `downloads/`, sorted.
    pub fn downloads(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.0.join("downloads")) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// GETs `url`: the status and the body (an error status is not an error
/// here). A server that does not answer within 10 s fails the test.
pub fn get(url: &str) -> (u16, String, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .proxy(None)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let mut response = agent.get(url).call().expect("the server answers");
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = response.body_mut().read_to_vec().unwrap();
    (response.status().as_u16(), content_type, body)
}

/// A port nothing listens on (it was free a moment ago).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Runs `command` to its end with an empty stdin and its output captured
/// ([`labs::testkit::run`]), outside `cargo test` for the bench (which
/// would build the clients under it).
pub fn run_within(command: &mut Command, limit: Duration) -> Output {
    if command
        .get_program()
        .to_string_lossy()
        .contains("flags-bench")
    {
        command.env_remove("CARGO");
    }
    labs::testkit::run(command, limit)
}

/// [`run_within`] the usual [`DEADLINE`].
pub fn run(command: &mut Command) -> Output {
    run_within(command, DEADLINE)
}

/// Runs `command` with its stdout a pipe whose reader goes away after its
/// first read (as `program | head -c 1` does), with a deadline of `limit`.
/// The output's stdout is what that one read got.
#[cfg(unix)]
pub fn run_until_the_reader_is_gone(command: &mut Command, limit: Duration) -> Output {
    use std::process::Stdio;
    use std::time::Instant;

    let until = Instant::now() + limit;
    let mut child = command
        .env_remove("CARGO")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {command:?}: {err}"));
    let mut pipe = child.stdout.take().expect("a piped stdout");
    // One read, then the pipe is dropped: its reading end is closed.
    let first = thread::spawn(move || {
        let mut bytes = [0; 256];
        let n = pipe.read(&mut bytes).unwrap_or(0);
        String::from_utf8_lossy(&bytes[..n]).into_owned()
    });
    let mut output = labs::testkit::wait_with_output(child, until, command);
    output.stdout = first.join().unwrap();
    output
}

/// Bad values for a numeric option: not numbers, out of every range,
/// negative, overflowing, infinite, huge.
pub fn bad_numbers() -> Vec<String> {
    let mut values: Vec<String> = [
        "",
        " ",
        "x",
        "1x",
        "0x10",
        "1_000",
        "--",
        "-",
        "-1",
        "-0.5",
        "NaN",
        "nan",
        "inf",
        "-inf",
        "1e999",
        "-1e999",
        "1e18",
        "4294967295",
        "4294967296",
        "18446744073709551615",
        "18446744073709551616",
        "99999999999999999999999999",
        "1..",
        "..1",
        "2..1",
        "1.2.3",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    values.push("9".repeat(100_000));
    values
}

/// Exit code, stdout and stderr as one text for a snapshot.
pub fn transcript(output: &Output) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output
            .status
            .code()
            .map_or("signal".to_string(), |c| c.to_string()),
        output.stdout,
        output.stderr
    )
}

/// Insta filters for what varies between runs: ports, elapsed times, OS error numbers.
pub fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    settings.add_filter(r"in \d+\.\d\ds", "in [ELAPSED]s");
    settings.add_filter(r"\(os error \d+\)", "(os error [N])");
    settings.add_filter(r"port \d+ ", "port [PORT] ");
    settings
}

/// Reads a request's head, up to its blank line (for at most 5 s).
fn read_head(stream: &mut std::net::TcpStream) -> String {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut byte = [0];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
        head.push(byte[0]);
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// A server that answers every request with `answer`, byte for byte, then
/// closes the connection: for answers the flag server never gives (a
/// redirect, a huge body). Its thread lives until the test process ends.
pub fn canned_server(answer: Vec<u8>) -> String {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/flags", listener.local_addr().unwrap());
    let answer: &'static [u8] = answer.leak();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            thread::spawn(move || {
                read_head(&mut stream);
                let _ = stream.write_all(answer);
            });
        }
    });
    url
}

/// A server that answers each request as the flag server does (the flag
/// for `/flags/{cc}/{cc}.gif`, 404 for anything else), without saying
/// `Connection: close`, then closes the connection `linger` after answering,
/// as a busy server may close a connection it will not use again. A client
/// that sends a second request on that connection meanwhile (a connection
/// pool does) gets no answer: the connection is closed, or reset, under it.
/// Returns the base URL; its thread lives until the test process ends.
pub fn closing_server(linger: Duration) -> String {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/flags", listener.local_addr().unwrap());
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            thread::spawn(move || {
                let head = read_head(&mut stream);
                let path = head.split(' ').nth(1).unwrap_or("");
                let gif = path
                    .strip_prefix("/flags/")
                    .and_then(|rest| rest.split_once('/'))
                    .filter(|(cc, file)| file.strip_suffix(".gif") == Some(cc))
                    .and_then(|(cc, _)| flags::flag_gif(cc));
                let (status, body) = match gif {
                    Some(gif) => ("200 OK", gif),
                    None => ("404 Not Found", &b"not found\n"[..]),
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                let _ = stream
                    .write_all(head.as_bytes())
                    .and_then(|()| stream.write_all(body));
                thread::sleep(linger);
            });
        }
    });
    url
}
