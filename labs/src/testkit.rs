//! Running the labs' real binaries in tests (always compiled: see the crate's
//! docs): every process gets a deadline, so a hung program fails its test
//! within seconds instead of hanging the suite; and the checks every binary
//! shares: bad command lines, a closed stdout, the rows of a printed table.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// What a finished run printed, and how it ended.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// The exit code; a test fails if the program was killed by a signal.
    pub fn code(&self) -> i32 {
        self.status
            .code()
            .unwrap_or_else(|| panic!("killed by a signal: {:?}\n{}", self.status, self.stderr))
    }
}

/// Runs `command` to its end with no input, collecting stdout and stderr.
/// Kills it and fails the test if it is still running after `deadline`
/// (which is far longer than the run should take: it is a watchdog, not a
/// timing check).
pub fn run(command: &mut Command, deadline: Duration) -> Output {
    let until = Instant::now() + deadline;
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {command:?}: {err}"));
    let stdout = read_all(child.stdout.take());
    let stderr = read_all(child.stderr.take());
    // The pipes close when the program ends: the end, seen at once (most
    // runs take milliseconds), or the deadline.
    let left = || until.saturating_duration_since(Instant::now());
    let stdout_end = stdout.recv_timeout(left()).ok();
    let stderr_end = stderr.recv_timeout(left()).ok();
    let status = wait(&mut child, until, command);
    // A grandchild could keep a pipe open: the deadline covers reading too.
    let rest = |end: Option<String>, output: mpsc::Receiver<String>| {
        end.or_else(|| output.recv_timeout(Duration::from_secs(1)).ok())
            .unwrap_or_else(|| panic!("{command:?}: its output was not closed after it ended"))
    };
    Output {
        status,
        stdout: rest(stdout_end, stdout),
        stderr: rest(stderr_end, stderr),
    }
}

/// Runs `command` (a lab binary) with `--timeline=FILE.json` in a fresh
/// temporary directory, like [`run`], and reads back what it recorded. The
/// directory is removed afterwards.
pub fn run_with_timeline(
    command: &mut Command,
    deadline: Duration,
) -> (Output, crate::timeline::Recording) {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run_number = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir =
        std::env::temp_dir().join(format!("labs-timeline-{}-{run_number}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join("run.json");
    let output = run(
        command.arg(format!("--timeline={}", file.display())),
        deadline,
    );
    let text = std::fs::read_to_string(&file);
    let _ = std::fs::remove_dir_all(&dir);
    let text =
        text.unwrap_or_else(|err| panic!("{command:?} wrote no timeline ({err}): {output:?}"));
    let mut recordings = crate::timeline::from_chrome_json(&text).expect("the timeline reads back");
    assert_eq!(recordings.len(), 1, "{command:?}: one recording");
    (output, recordings.remove(0))
}

/// Waits for `child` until `until`; kills it and fails the test after that.
pub fn wait(child: &mut Child, until: Instant, what: &dyn std::fmt::Debug) -> ExitStatus {
    // Checked often at first (a program that has closed its output is ending
    // now), then every 10 ms.
    let mut pause = Duration::from_micros(200);
    loop {
        if let Some(status) = child.try_wait().expect("poll a child process") {
            return status;
        }
        if Instant::now() > until {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what:?} was still running at its deadline, and was killed");
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(10));
    }
}

fn read_all(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    let mut pipe = pipe.expect("the pipe was asked for");
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        let _ = tx.send(String::from_utf8_lossy(&bytes).into_owned());
    });
    rx
}

/// The first two words of each row of the table printed in `text` under
/// the line that starts with `header`, up to the first line with fewer than
/// two words: `("tokio", "20")` for a row `tokio   20   0.28s ...`.
pub fn first_two_columns<'a>(text: &'a str, header: &str) -> Vec<(&'a str, &'a str)> {
    text.lines()
        .skip_while(|line| !line.starts_with(header))
        .skip(1)
        .map_while(|line| {
            let mut words = line.split_whitespace();
            Some((words.next()?, words.next()?))
        })
        .collect()
}

/// The first of the usual names of Chromium or Chrome found on PATH: the
/// tests that check a page in a headless browser run it, and skip (saying
/// so) where there is none.
pub fn browser() -> Option<String> {
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
        "chrome",
    ]
    .into_iter()
    .find(|name| {
        Command::new(name)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    })
    .map(str::to_string)
}

/// Values that no bounded number accepts: negative, infinite, not a number,
/// empty, far too large, and a 100 KB paste.
pub fn bad_numbers() -> Vec<String> {
    let mut values: Vec<String> = ["-1", "-inf", "inf", "NaN", "", "x", "1e18"]
        .map(String::from)
        .into();
    values.push(u64::MAX.to_string());
    values.push("9".repeat(100_000));
    values
}

/// For each of `options` (each takes a number), a command line per value of
/// [`bad_numbers`]: `--seconds -1`, `--seconds -inf`, ... Plus an unknown
/// option and an option without its value.
pub fn bad_number_args(options: &[&str]) -> Vec<Vec<String>> {
    let mut argvs: Vec<Vec<String>> = options
        .iter()
        .flat_map(|option| {
            bad_numbers()
                .into_iter()
                .map(move |value| vec![option.to_string(), value])
        })
        .collect();
    argvs.push(vec!["--no-such-option".into()]);
    argvs.extend(options.iter().map(|option| vec![option.to_string()]));
    argvs
}

/// Runs `program` with each bad command line: each must end with exit
/// status 2 and exactly one short line on stderr that starts `error:`, print
/// nothing on stdout and not panic. Returns one line per command line,
/// `ARGS => ERROR` (long arguments cut), for a snapshot of the messages.
pub fn assert_bad_args(program: &str, argvs: &[Vec<String>]) -> String {
    let mut report = String::new();
    for argv in argvs {
        let out = run(Command::new(program).args(argv), Duration::from_secs(20));
        let shown = shorten(&format!("{argv:?}"));
        assert_eq!(
            out.code(),
            2,
            "{program} {shown}: exit status\n{}",
            out.stderr
        );
        assert!(
            out.stdout.is_empty(),
            "{program} {shown}: stdout {:?}",
            out.stdout
        );
        let line = out.stderr.strip_suffix('\n').unwrap_or(&out.stderr);
        assert!(
            line.starts_with("error: ") && !line.contains('\n') && line.len() <= 200,
            "{program} {shown}: stderr is not one short error line:\n{}",
            shorten(&out.stderr)
        );
        report += &format!("{shown} => {line}\n");
    }
    report
}

/// Runs `program` with `args` and its stdout closed before it starts
/// (`program | head -0`): it must end quietly, with status 141 (as a shell
/// reports a program stopped by a closed pipe), at its first line, whatever
/// the machine's scheduling.
///
/// Unix only: on Windows, std opens the parent's end of a child's stdin pipe
/// for overlapped I/O, and this hands that end to the program as its stdout.
#[cfg(unix)]
pub fn assert_closed_pipe(program: &str, args: &[&str]) {
    let started = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(pipe_without_reader(program))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {program}: {err}"));
    let stderr = read_all(child.stderr.take());
    let what = format!("{program} {args:?} with its stdout closed");
    let status = wait(&mut child, started + Duration::from_secs(20), &what);
    let stderr = stderr
        .recv_timeout(Duration::from_secs(5))
        .unwrap_or_default();
    assert_eq!(status.code(), Some(141), "{what}: {status:?}\n{stderr}");
    assert_eq!(stderr, "", "{what}: stderr");
}

/// A pipe whose reading end is closed already, made with std alone: the
/// writing end of the stdin of a program that has ended without reading it
/// (`program --version`: every lab binary has it).
#[cfg(unix)]
fn pipe_without_reader(program: &str) -> Stdio {
    let mut reader = Command::new(program)
        .arg("--version")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {program}: {err}"));
    let pipe = reader.stdin.take().expect("a piped stdin");
    let until = Instant::now() + Duration::from_secs(20);
    wait(&mut reader, until, &format!("{program} --version"));
    Stdio::from(pipe)
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(120) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::first_two_columns;

    #[test]
    fn the_rows_under_a_header_up_to_the_first_short_line() {
        let text = "Plates:\n\nruntime  tasks  wall\ntokio    20     0.28s\nthread   5      0.26s\n\n(a note)\n";
        assert_eq!(
            first_two_columns(text, "runtime"),
            [("tokio", "20"), ("thread", "5")]
        );
        assert!(first_two_columns(text, "client").is_empty());
    }
}
