//! Running the labs' real binaries in tests (always compiled: see the crate's
//! docs): every process gets a deadline, so a hung program fails its test
//! within seconds instead of hanging the suite; programs that run while the
//! test talks to them (servers, supervisors); timelines read back; and the
//! checks every binary shares: bad command lines, a closed stdout, the rows
//! of a printed table.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use crate::timeline::Recording;

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
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {command:?}: {err}"));
    wait_with_output(child, until, command)
}

/// Waits for `child` to end, like [`wait`], and collects what it printed on
/// its stdout and stderr (those that are piped; the others are empty).
pub fn wait_with_output(mut child: Child, until: Instant, what: &dyn std::fmt::Debug) -> Output {
    let stdout = read_all(child.stdout.take());
    let stderr = read_all(child.stderr.take());
    // The pipes close when the program ends: the end, seen at once (most
    // runs take milliseconds), or the deadline.
    let left = || until.saturating_duration_since(Instant::now());
    let stdout_end = stdout.recv_timeout(left()).ok();
    let stderr_end = stderr.recv_timeout(left()).ok();
    let status = wait(&mut child, until, what);
    // A grandchild could keep a pipe open: the deadline covers reading too.
    let rest = |end: Option<String>, output: mpsc::Receiver<String>| {
        end.or_else(|| output.recv_timeout(Duration::from_secs(1)).ok())
            .unwrap_or_else(|| panic!("{what:?}: its output was not closed after it ended"))
    };
    Output {
        status,
        stdout: rest(stdout_end, stdout),
        stderr: rest(stderr_end, stderr),
    }
}

/// Runs `command` (a lab binary) with `--timeline=FILE.json` in a fresh
/// temporary directory, like [`run`]; the run must succeed. Returns what it
/// printed and what it recorded, read back. The directory is removed
/// afterwards.
pub fn run_with_timeline(command: &mut Command, deadline: Duration) -> (Output, Recording) {
    let file = TimelineFile::new();
    let output = run(command.arg(file.option()), deadline);
    assert!(output.status.success(), "{command:?}: {output:?}");
    let recording = file
        .read()
        .unwrap_or_else(|err| panic!("{command:?}: {err}: {output:?}"));
    (output, recording)
}

/// A place for a program's `--timeline=FILE.json`, in a fresh temporary
/// directory of its own, removed when this is dropped: for the programs
/// that write their timeline at their end, wherever the test ends them.
pub struct TimelineFile {
    dir: PathBuf,
    file: PathBuf,
}

impl TimelineFile {
    pub fn new() -> TimelineFile {
        static RUNS: AtomicUsize = AtomicUsize::new(0);
        let run_number = RUNS.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("labs-timeline-{}-{run_number}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let file = dir.join("run.json");
        TimelineFile { dir, file }
    }

    /// `--timeline=FILE.json`, the option that names this file.
    pub fn option(&self) -> String {
        format!("--timeline={}", self.file.display())
    }

    /// The one recording the program wrote, read back; or what is wrong.
    pub fn read(&self) -> Result<Recording, String> {
        let text = std::fs::read_to_string(&self.file)
            .map_err(|err| format!("no timeline was written ({err})"))?;
        let mut recordings = crate::timeline::from_chrome_json(&text)
            .map_err(|err| format!("the timeline does not read back ({err})"))?;
        match recordings.len() {
            1 => Ok(recordings.remove(0)),
            n => Err(format!("{n} recordings in the timeline, expected one")),
        }
    }
}

impl Default for TimelineFile {
    fn default() -> TimelineFile {
        TimelineFile::new()
    }
}

impl Drop for TimelineFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A program that runs while the test talks to it (a server, a supervisor):
/// its stdout read line by line as it comes and its stderr collected, both
/// readable at any time; killed when dropped, so a failing test leaves
/// nothing running. Started with stdin empty, and so that
/// [`Running::ask_to_stop`] reaches it (see [`crate::platform::stoppable`]).
pub struct Running {
    child: Child,
    what: String,
    stdout: Arc<Pipe>,
    stderr: Arc<Pipe>,
    /// How many lines of stdout the test has waited for, up to the last one
    /// it asked for.
    read: usize,
}

/// One output of a [`Running`] program, as its reading thread collects it.
#[derive(Default)]
struct Pipe {
    state: Mutex<Lines>,
    changed: Condvar,
}

#[derive(Default)]
struct Lines {
    lines: Vec<String>,
    ended: bool,
}

impl Pipe {
    /// Reads `from` to its end on a thread of its own, a line at a time.
    fn collect(from: impl Read + Send + 'static) -> Arc<Pipe> {
        let pipe = Arc::new(Pipe::default());
        let collected = Arc::clone(&pipe);
        thread::spawn(move || {
            let mut from = BufReader::new(from);
            let mut bytes = Vec::new();
            while from.read_until(b'\n', &mut bytes).is_ok_and(|n| n > 0) {
                let line = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                let line = String::from_utf8_lossy(line).into_owned();
                collected.lock().lines.push(line);
                collected.changed.notify_all();
                bytes.clear();
            }
            collected.lock().ended = true;
            collected.changed.notify_all();
        });
        pipe
    }

    fn lock(&self) -> MutexGuard<'_, Lines> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits until `done` or `until`, whichever comes first.
    fn wait_until(&self, until: Instant, done: impl Fn(&Lines) -> bool) -> MutexGuard<'_, Lines> {
        let mut lines = self.lock();
        while !done(&lines) {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            lines = self.changed.wait_timeout(lines, left).unwrap().0;
        }
        lines
    }

    /// Everything read so far, a newline after each line.
    fn text(&self) -> String {
        self.lock()
            .lines
            .iter()
            .map(|line| format!("{line}\n"))
            .collect()
    }
}

impl Running {
    /// Starts `command` with stdin empty and stdout and stderr piped.
    pub fn start(command: &mut Command) -> Running {
        crate::platform::stoppable(command);
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {command:?}: {err}"));
        Running {
            stdout: Pipe::collect(child.stdout.take().expect("a piped stdout")),
            stderr: Pipe::collect(child.stderr.take().expect("a piped stderr")),
            child,
            what: format!("{command:?}"),
            read: 0,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything it has printed on stdout so far.
    pub fn stdout(&self) -> String {
        self.stdout.text()
    }

    /// Everything it has printed on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.text()
    }

    /// The next line on its stdout after those already waited for; fails
    /// the test after `within`.
    pub fn line(&mut self, within: Duration) -> String {
        let next = self.read;
        self.wait_for_line_at(within, "a line", |lines| lines.get(next).map(|_| next))
    }

    /// The first line on its stdout, from its start, for which `found` is
    /// true, waited for if need be; fails the test after `within`.
    pub fn wait_for_line(&mut self, found: impl Fn(&str) -> bool, within: Duration) -> String {
        self.wait_for_line_at(within, "the line looked for", |lines| {
            lines.iter().position(|line| found(line))
        })
    }

    fn wait_for_line_at(
        &mut self,
        within: Duration,
        wanted: &str,
        at: impl Fn(&[String]) -> Option<usize>,
    ) -> String {
        let until = Instant::now() + within;
        let found = {
            let lines = self
                .stdout
                .wait_until(until, |lines| lines.ended || at(&lines.lines).is_some());
            at(&lines.lines).map(|index| (index, lines.lines[index].clone()))
        };
        let Some((index, line)) = found else {
            panic!(
                "{}: no {wanted} on stdout within {within:?}; it printed:\n{}{}",
                self.what,
                self.stdout(),
                self.stderr()
            );
        };
        self.read = self.read.max(index + 1);
        line
    }

    /// Checks that it prints no line on stdout, after the last one waited
    /// for, for `quiet`, and goes on running.
    pub fn assert_quiet_for(&mut self, quiet: Duration) {
        let read = self.read;
        let lines = self.stdout.wait_until(Instant::now() + quiet, |lines| {
            lines.ended || lines.lines.len() > read
        });
        if let Some(line) = lines.lines.get(read) {
            panic!("{}: printed {line:?}, expected nothing", self.what);
        }
        assert!(!lines.ended, "{}: ended, expected it to go on", self.what);
    }

    /// Asks it to stop, as a service manager would: SIGTERM on Unix,
    /// Ctrl-Break on Windows ([`crate::platform::ask_to_stop`]).
    pub fn ask_to_stop(&self) {
        crate::platform::ask_to_stop(self.pid())
            .unwrap_or_else(|err| panic!("{}: cannot ask it to stop: {err}", self.what));
    }

    /// Sends it the signal `name` (`INT` for Ctrl-C, `KILL`), with `kill`.
    #[cfg(unix)]
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args(["-s", name, &self.pid().to_string()])
            .status();
        assert!(
            status.as_ref().is_ok_and(|status| status.success()),
            "{}: kill -s {name}: {status:?}",
            self.what
        );
    }

    /// Waits until `done(stdout, stderr)` holds for all it has printed so
    /// far; fails the test after `within`, saying it saw no `what`.
    pub fn wait_until(&self, what: &str, within: Duration, done: impl Fn(&str, &str) -> bool) {
        let until = Instant::now() + within;
        loop {
            let (stdout, stderr) = (self.stdout(), self.stderr());
            if done(&stdout, &stderr) {
                return;
            }
            assert!(
                Instant::now() < until,
                "{}: no {what} within {within:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
                self.what
            );
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits at most `within` for it to end: its exit status, once its
    /// output has been read to the end; `None` if it is still running. A
    /// grandchild that keeps its pipes open 10 s after that fails the test.
    pub fn wait(&mut self, within: Duration) -> Option<ExitStatus> {
        let status = poll(&mut self.child, Instant::now() + within)?;
        let until = Instant::now() + Duration::from_secs(10);
        for pipe in [&self.stdout, &self.stderr] {
            let ended = pipe.wait_until(until, |lines| lines.ended).ended;
            assert!(
                ended,
                "{}: its output was not closed 10 s after it ended",
                self.what
            );
        }
        Some(status)
    }

    /// Waits for its end (failing the test after `within`): its exit
    /// status and all it printed.
    pub fn finish(mut self, within: Duration) -> Output {
        let Some(status) = self.wait(within) else {
            panic!(
                "{} was still running at its deadline, and was killed",
                self.what
            );
        };
        self.output(status)
    }

    /// Kills it: its exit status and all it printed.
    pub fn kill(mut self) -> Output {
        let _ = self.child.kill();
        let status = self
            .wait(Duration::from_secs(20))
            .expect("a killed program ends");
        self.output(status)
    }

    fn output(&self, status: ExitStatus) -> Output {
        Output {
            status,
            stdout: self.stdout(),
            stderr: self.stderr(),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits for `child` until `until`; kills it and fails the test after that.
pub fn wait(child: &mut Child, until: Instant, what: &dyn std::fmt::Debug) -> ExitStatus {
    poll(child, until).unwrap_or_else(|| {
        let _ = child.kill();
        let _ = child.wait();
        panic!("{what:?} was still running at its deadline, and was killed");
    })
}

/// Waits for `child` until `until`: its exit status, or `None` if it is
/// still running then.
fn poll(child: &mut Child, until: Instant) -> Option<ExitStatus> {
    // Checked often at first (a program that has closed its output is ending
    // now), then every 10 ms.
    let mut pause = Duration::from_micros(200);
    loop {
        if let Some(status) = child.try_wait().expect("poll a child process") {
            return Some(status);
        }
        if Instant::now() > until {
            return None;
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(10));
    }
}

/// Reads `pipe` to its end on a thread of its own (no pipe: at once, empty).
fn read_all(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
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
/// tests that check a page in a headless browser run it, and skip where
/// there is none (this says so on stderr).
pub fn browser() -> Option<String> {
    let names = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
        "chrome",
    ];
    let found = names.into_iter().find(|name| {
        Command::new(name)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    });
    if found.is_none() {
        eprintln!(
            "skipped: no chromium, chromium-browser or google-chrome on PATH (see charfinder/DEEPER.md)"
        );
    }
    found.map(str::to_string)
}

/// The command line that has `browser` (from [`browser`]) open `url`
/// headless, run its scripts for up to 5 s of virtual time, and print the
/// page as it then is (its DOM) on stdout. `profile` is the browser's own
/// folder, one for each browser running at once.
pub fn dump_dom(browser: &str, profile: &Path, url: &str) -> Command {
    let mut command = Command::new(browser);
    command
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--virtual-time-budget=5000", "--dump-dom"])
        .arg(url);
    command
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

/// Runs `command` (a lab binary) with its stdout closed before it starts
/// (`program | head -0`): it must end quietly, with status 141 (as a shell
/// reports a program stopped by a closed pipe), at its first line, whatever
/// the machine's scheduling.
///
/// Unix only: on Windows, std opens the parent's end of a child's stdin pipe
/// for overlapped I/O, and this hands that end to the program as its stdout.
#[cfg(unix)]
pub fn assert_closed_pipe(command: &mut Command) {
    let until = Instant::now() + Duration::from_secs(20);
    let program = command.get_program().to_string_lossy().into_owned();
    let child = command
        .stdin(Stdio::null())
        .stdout(pipe_without_reader(&program))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {program}: {err}"));
    let what = format!("{command:?} with its stdout closed");
    let output = wait_with_output(child, until, &what);
    assert_eq!(
        output.status.code(),
        Some(141),
        "{what}: {:?}\n{}",
        output.status,
        output.stderr
    );
    assert_eq!(output.stderr, "", "{what}: stderr");
}

/// The processes whose parent is `pid` (from `ps`).
#[cfg(unix)]
pub fn children_of(pid: u32) -> Vec<u32> {
    processes()
        .into_iter()
        .filter(|&(_, parent, _)| parent == pid)
        .map(|(child, _, _)| child)
        .collect()
}

/// Whether process `pid` runs (a zombie, dead but not yet reaped, does
/// not), from `ps`.
#[cfg(unix)]
pub fn alive(pid: u32) -> bool {
    processes()
        .into_iter()
        .any(|(p, _, state)| p == pid && !state.starts_with('Z'))
}

/// Checks that every process of `pids` ends within `within`; kills those
/// left (`kill -9`) and fails the test, saying `what` they are, if not.
#[cfg(unix)]
pub fn assert_all_end(pids: &[u32], within: Duration, what: &str) {
    let until = Instant::now() + within;
    while pids.iter().any(|&pid| alive(pid)) {
        if Instant::now() > until {
            for pid in pids {
                let _ = run(
                    Command::new("kill").args(["-9", &pid.to_string()]),
                    Duration::from_secs(10),
                );
            }
            panic!("{what} {pids:?} still running {within:?} later (now killed)");
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Every process as (pid, parent pid, state), from `ps`, with a deadline.
#[cfg(unix)]
fn processes() -> Vec<(u32, u32, String)> {
    let output = run(
        Command::new("ps").args(["-A", "-o", "pid=,ppid=,stat="]),
        Duration::from_secs(10),
    );
    output
        .stdout
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let pid = words.next()?.parse().ok()?;
            let ppid = words.next()?.parse().ok()?;
            Some((pid, ppid, words.next().unwrap_or_default().to_string()))
        })
        .collect()
}

/// A pipe whose reading end is closed already, made with std alone: the
/// writing end of the stdin of a program that has ended without reading it
/// (`program --version`: every lab binary has it).
#[cfg(unix)]
fn pipe_without_reader(program: &str) -> Stdio {
    use std::io::Write as _;
    let mut reader = Command::new(program)
        .arg("--version")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {program}: {err}"));
    let mut pipe = reader.stdin.take().expect("a piped stdin");
    let until = Instant::now() + Duration::from_secs(20);
    wait(&mut reader, until, &format!("{program} --version"));
    // A program that another test (another thread of this process) is
    // starting holds a copy of the reading end from its fork to its exec,
    // longer on a busy machine: until then, a write fills the pipe instead
    // of failing. Wait for the write that fails.
    while pipe.write_all(b"\n").is_ok() {
        assert!(
            Instant::now() < until,
            "{program}: the pipe still has a reader"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
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
