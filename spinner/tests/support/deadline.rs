//! Runs a program with a deadline: a program that hangs is killed and its
//! test fails within seconds, instead of hanging the whole suite.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Far longer than any run in these tests takes, even on a busy machine.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// Runs `command` to the end, with stdin empty and stdout and stderr
/// captured, like `Command::output`, but kills it and panics after [`DEADLINE`].
pub fn output(command: &mut Command) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the program");
    let stdout = read_all(child.stdout.take());
    let stderr = read_all(child.stderr.take());
    let status = wait(&mut child);
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// Waits for `child` to end; kills it and panics after [`DEADLINE`].
pub fn wait(child: &mut Child) -> ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("poll the program") {
            return status;
        }
        if started.elapsed() > DEADLINE {
            child.kill().ok();
            child.wait().ok();
            panic!("still running after {DEADLINE:?}, killed");
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// Reads a pipe to its end on a thread of its own, so that a full pipe
/// never stops the program.
fn read_all(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            pipe.read_to_end(&mut bytes).ok();
        }
        bytes
    })
}
