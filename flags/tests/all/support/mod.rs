//! Helpers for the flags tests: fresh folders, HTTP requests, running the
//! binaries with a deadline, output clean-up.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

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

/// Runs `command` to its end with an empty stdin and its output captured.
/// If it is still running after `limit`, it is killed and the test fails.
pub fn run_within(command: &mut Command, limit: Duration) -> Output {
    if command
        .get_program()
        .to_string_lossy()
        .contains("flags-bench")
    {
        // Under `cargo test`, CARGO is set: the bench would build the clients.
        command.env_remove("CARGO");
    }
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {command:?}: {err}"));
    wait_within(child, limit, &format!("{command:?}"))
}

/// [`run_within`] the usual [`DEADLINE`].
pub fn run(command: &mut Command) -> Output {
    run_within(command, DEADLINE)
}

/// Waits for `child` (whose stdout and stderr are piped or closed) and
/// collects its output; kills it and fails the test after `limit`.
pub fn wait_within(mut child: Child, limit: Duration, what: &str) -> Output {
    let until = Instant::now() + limit;
    let stdout = reader(child.stdout.take());
    let stderr = reader(child.stderr.take());
    let status = labs::testkit::wait(&mut child, until, &what);
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

fn reader(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

/// A program that runs until the test is done with it (a server): killed
/// when dropped, so a failing test leaves nothing running.
pub struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Running {
    /// Starts `command` with stdout read line by line and stderr piped.
    pub fn start(command: &mut Command) -> Running {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {command:?}: {err}"));
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let (send, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Running { child, lines }
    }

    /// The next line on its stdout; fails the test after `limit`.
    pub fn line_within(&self, limit: Duration) -> String {
        self.lines
            .recv_timeout(limit)
            .unwrap_or_else(|err| panic!("no line on stdout within {limit:?}: {err}"))
    }

    /// Kills it and returns what it wrote on stderr.
    pub fn kill(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut log = String::new();
        if let Some(mut stderr) = self.child.stderr.take() {
            let _ = stderr.read_to_string(&mut log);
        }
        log
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `command` with its stdout a pipe whose reading end is already
/// closed (as `program | head -1` once `head` is gone), with a deadline.
#[cfg(unix)]
pub fn run_with_closed_stdout(command: &mut Command) -> Output {
    use std::os::fd::{FromRawFd, OwnedFd};
    let mut fds = [0; 2];
    // SAFETY: `pipe` fills `fds` with two new descriptors, which we own.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0, "pipe()");
    let (read_end, write_end) =
        unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(read_end);
    let child = command
        .env_remove("CARGO")
        .stdin(Stdio::null())
        .stdout(Stdio::from(write_end))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {command:?}: {err}"));
    wait_within(child, DEADLINE, &format!("{command:?}"))
}

/// Runs `command` with its stdout a pipe whose reader goes away after its
/// first read (as `program | head -c 1` does), with a deadline of `limit`.
/// The output's stdout is what that one read got.
#[cfg(unix)]
pub fn run_until_the_reader_is_gone(command: &mut Command, limit: Duration) -> Output {
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
        bytes[..n].to_vec()
    });
    let mut output = wait_within(child, limit, &format!("{command:?}"));
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

/// Runs each command line with a deadline and checks it is refused as bad
/// input: exit status 2, exactly one line on stderr (short), nothing on
/// stdout, no panic. Returns how many were checked.
pub fn assert_bad_args(program: &str, argvs: &[Vec<String>]) -> usize {
    for argv in argvs {
        let output = run_within(Command::new(program).args(argv), Duration::from_secs(10));
        let stderr = String::from_utf8_lossy(&output.stderr);
        let shown: Vec<String> = argv.iter().map(|a| a.chars().take(40).collect()).collect();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{program} {shown:?}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{program} {shown:?}: {stderr}");
        assert!(
            !stderr.contains("panicked"),
            "{program} {shown:?}: {stderr}"
        );
        assert!(output.stdout.is_empty(), "{program} {shown:?}");
    }
    argvs.len()
}

/// Exit code, stdout and stderr as one text for a snapshot.
pub fn transcript(output: &Output) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output
            .status
            .code()
            .map_or("signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
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
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut head = Vec::new();
                let mut byte = [0];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
                    head.push(byte[0]);
                }
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
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut head = Vec::new();
                let mut byte = [0];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head);
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
