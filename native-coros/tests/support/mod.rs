//! Runs the lab's programs as a person would, each with a deadline: a
//! program that hangs is killed and fails its test within seconds instead
//! of hanging the suite.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use insta::internals::Content;

/// Far longer than any run of these programs takes (the longest, the
/// launchpad in real time, takes 5 s), even on a busy machine.
pub const DEADLINE: Duration = Duration::from_secs(60);

pub const DEMO1: &str = env!("CARGO_BIN_EXE_native-coros-demo1");
pub const DEMO2: &str = env!("CARGO_BIN_EXE_native-coros-demo2");
pub const DEMO3: &str = env!("CARGO_BIN_EXE_native-coros-demo3");
pub const LAUNCHPAD: &str = env!("CARGO_BIN_EXE_native-coros-launchpad");
pub const BINARIES: [&str; 4] = [DEMO1, DEMO2, DEMO3, LAUNCHPAD];

/// Runs `cmd` to its end, stdin empty, stdout and stderr captured; kills it
/// and fails if it is still running after `deadline`.
pub fn run(cmd: &mut Command, deadline: Duration) -> Output {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    wait_with_output(spawn(cmd), deadline)
}

/// Waits for `child` to end and collects what it wrote on the outputs that
/// were piped; kills it and fails if it is still running after `deadline`.
pub fn wait_with_output(mut child: Child, deadline: Duration) -> Output {
    let stdout = child.stdout.take().map(read_to_end);
    let stderr = child.stderr.take().map(read_to_end);
    let status = wait(&mut child, deadline);
    let collect = |reader: Option<thread::JoinHandle<Vec<u8>>>| {
        reader.map_or_else(Vec::new, |reader| reader.join().expect("an output reader"))
    };
    Output {
        status,
        stdout: collect(stdout),
        stderr: collect(stderr),
    }
}

/// Runs `cmd` with a stdout whose reader is already gone, as in
/// `cmd | head -0`: its first line meets a closed pipe. Returns the status
/// and what it wrote on stderr.
pub fn run_with_closed_stdout(cmd: &mut Command, deadline: Duration) -> (ExitStatus, String) {
    // A pipe with no reader, made with std alone: the writing end of another
    // program's stdin once that program has ended without reading it.
    let mut gone = Command::new(cmd.get_program());
    gone.arg("--version")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut reader = spawn(&mut gone);
    let pipe = reader.stdin.take().expect("a piped stdin");
    wait(&mut reader, deadline);

    cmd.stdin(Stdio::null())
        .stdout(Stdio::from(pipe))
        .stderr(Stdio::piped());
    let output = wait_with_output(spawn(cmd), deadline);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status, stderr)
}

/// What insta-cmd shows of a run, so that the snapshots read the same.
pub fn render(output: &Output) -> String {
    format!(
        "success: {:?}\nexit_code: {}\n----- stdout -----\n{}\n----- stderr -----\n{}",
        output.status.success(),
        output.status.code().unwrap_or(!0),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The program and its arguments, for the snapshot's header.
pub fn info(cmd: &Command) -> Content {
    let program = std::path::Path::new(cmd.get_program())
        .file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let args = cmd
        .get_args()
        .map(|arg| Content::from(arg.to_string_lossy().into_owned()))
        .collect();
    Content::Map(vec![
        (Content::from("program".to_string()), Content::from(program)),
        (Content::from("args".to_string()), Content::Seq(args)),
    ])
}

/// Runs a command with a deadline and pins its exit status, stdout and
/// stderr in a snapshot named after the test.
#[allow(unused_macros)]
macro_rules! assert_run_snapshot {
    ($cmd:expr) => {{
        let mut cmd: std::process::Command = $cmd;
        let output = $crate::support::run(&mut cmd, $crate::support::DEADLINE);
        let mut settings = insta::Settings::clone_current();
        settings.set_raw_info(&$crate::support::info(&cmd));
        settings.set_omit_expression(true);
        settings.bind(|| insta::assert_snapshot!($crate::support::render(&output)));
    }};
}
#[allow(unused_imports)]
pub(crate) use assert_run_snapshot;

fn spawn(cmd: &mut Command) -> Child {
    cmd.spawn()
        .unwrap_or_else(|err| panic!("cannot start {cmd:?}: {err}"))
}

fn read_to_end(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        pipe.read_to_end(&mut bytes)
            .expect("reading a child's output");
        bytes
    })
}

fn wait(child: &mut Child, deadline: Duration) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("waiting for a child") {
            return status;
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "process {} still running after {deadline:?}: killed",
                child.id()
            );
        }
        thread::sleep(Duration::from_millis(5));
    }
}
