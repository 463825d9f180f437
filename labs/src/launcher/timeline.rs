//! `labs timeline LAB [VARIANTS] [--html FILE] [--json FILE] [-- ARGS]`:
//! runs variants one after another, each recording its timeline
//! (`--timeline=FILE.json`), and draws the recordings one under the other on
//! one time scale: the blocking experiment under its cure, thread by thread.

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use labs::catalog::{Catalog, Entry, Lab};
use labs::cli::{USAGE_ERROR, echo, fail};
use labs::timeline::{self, Destination, Format, Recording, Style};

use super::stop;
use super::{build, built_or_cargo_run, colour, find_lab, find_variant, terminal_width};

/// One variant's run: what it printed, how it ended, what it recorded.
pub struct Run {
    /// The binary's name: `spinner-tokio`.
    pub binary: String,
    /// Its stdout, then its stderr.
    pub output: String,
    /// How it ended.
    pub status: ExitStatus,
    /// After how long it was asked to stop, for a lab with `stop-after`
    /// (a server), when it was.
    pub stopped_after: Option<Duration>,
    /// Its timeline, or why there is none.
    pub recording: Result<Recording, String>,
}

/// How long a variant asked to stop (`stop-after`) has before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// The variants named (every variant of the lab when none is), or one line
/// and exit status 2.
pub fn entries<'a>(lab: &'a Lab, names: &[String]) -> Vec<&'a Entry> {
    if names.is_empty() {
        lab.variants.iter().collect()
    } else {
        names.iter().map(|name| find_variant(lab, name)).collect()
    }
}

/// Builds the variants at once, then runs them one after another with
/// `args` (the lab's `compare-args` when there are none), their output
/// captured, each recording its timeline into a temporary file read back
/// and removed; for a lab with `stop-after`, each is asked to stop after
/// that long. Progress goes to stderr.
pub fn run_all(lab: &Lab, entries: &[&Entry], args: &[String]) -> Vec<Run> {
    let binaries: Vec<String> = entries
        .iter()
        .map(|entry| lab.binary(&entry.name))
        .collect();
    // One build for all of them, its progress on the terminal, so that the
    // runs below only run.
    build(&binaries);
    let args = if args.is_empty() && !lab.compare_args.is_empty() {
        let shown: Vec<String> = lab.compare_args.iter().map(|arg| quoted(arg)).collect();
        eprintln!(
            "each with {}: a short run (your own options go after --)",
            shown.join(" ")
        );
        &lab.compare_args
    } else {
        args
    };
    let stop_after = lab.stop_after();
    if let Some(after) = stop_after {
        eprintln!(
            "each serves until it is asked to stop ({}), after {}",
            labs::platform::POLITE_STOP,
            seconds(after)
        );
    }
    let folder = TemporaryFolder::new();
    let total = binaries.len();
    binaries
        .into_iter()
        .enumerate()
        .map(|(i, binary)| {
            eprintln!("running {binary} ({} of {total})", i + 1);
            run_one(binary, args, stop_after, &folder.0)
        })
        .collect()
}

/// An option as a shell would need it: in single quotes when it has a space.
fn quoted(arg: &str) -> String {
    if arg.contains(' ') {
        format!("'{arg}'")
    } else {
        arg.to_string()
    }
}

/// `2 s`, `0.5 s`.
pub fn seconds(duration: Duration) -> String {
    format!("{} s", duration.as_secs_f64())
}

fn run_one(binary: String, args: &[String], stop_after: Option<Duration>, folder: &Path) -> Run {
    let trace = folder.join(format!("{binary}.json"));
    let mut command = built_or_cargo_run(&binary);
    command
        // Before the person's options, which may end with a `--` of their own.
        .arg(format!("--timeline={}", trace.display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if stop_after.is_some() {
        labs::platform::stoppable(&mut command);
    }
    labs::platform::end_with_this_process(&mut command);
    let started = Instant::now();
    let mut child = command
        .spawn()
        .unwrap_or_else(|err| fail(1, format!("cannot start {binary}: {err}")));
    let read = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = read(child.stdout.take().map(|pipe| Box::new(pipe) as _));
    let stderr = read(child.stderr.take().map(|pipe| Box::new(pipe) as _));
    // Ctrl-C, or a request to stop from elsewhere: the variant ends first,
    // then this program, the temporary folder removed. A server is asked
    // to stop after `stop_after`, and killed if it has not within
    // STOP_GRACE.
    let mut asked: Option<Instant> = None;
    let mut killed = false;
    let status = loop {
        if let Some(request) = stop::requested() {
            stop::end_with(&mut child, request);
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(err) => fail(1, format!("cannot wait for {binary}: {err}")),
        }
        match (stop_after, asked) {
            (Some(after), None) if started.elapsed() >= after => {
                asked = Some(Instant::now());
                if labs::platform::ask_to_stop(child.id()).is_err() {
                    let _ = child.kill();
                }
            }
            (_, Some(at)) if !killed && at.elapsed() >= STOP_GRACE => {
                killed = true;
                let _ = child.kill();
            }
            _ => {}
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = stdout.join().unwrap_or_default() + &stderr.join().unwrap_or_default();
    let recording = std::fs::read_to_string(&trace)
        .map_err(|_| "recorded no timeline".to_string())
        .and_then(|json| timeline::from_chrome_json(&json))
        .and_then(|recordings| {
            recordings
                .into_iter()
                .next()
                .ok_or_else(|| "recorded no timeline".to_string())
        })
        .map(|mut recording| {
            recording.label.clone_from(&binary);
            recording
        });
    Run {
        binary,
        output,
        status,
        stopped_after: asked.and(stop_after),
        recording,
    }
}

impl Run {
    /// `None` when it ended well: by itself with status 0, or when asked
    /// to stop (`stop-after`), as a stopped program does; else how it
    /// ended, in words.
    pub fn failure(&self) -> Option<String> {
        if self.stopped_after.is_some() && self.stopped_as_asked() {
            return None;
        }
        match self.status.code() {
            Some(0) => None,
            Some(code) => Some(format!("ended with exit status {code}")),
            None => Some("was killed".to_string()),
        }
    }

    /// Whether it ended as a program ends when asked to stop: status 0, or
    /// the status a shell reports for the request (143 for SIGTERM).
    fn stopped_as_asked(&self) -> bool {
        let status = labs::platform::shell_status(self.status);
        status == 0 || status == labs::platform::POLITE_STOP_STATUS
    }

    /// How it ended, in a few words after its name: `None` when by itself
    /// with status 0; `stopped after 2 s`, `exit 1`, `killed`.
    pub fn ending(&self) -> Option<String> {
        match (self.stopped_after, self.failure()) {
            (Some(after), None) => Some(format!("stopped after {}", seconds(after))),
            (_, None) => None,
            (_, Some(_)) => Some(match self.status.code() {
                Some(code) => format!("exit {code}"),
                None => "killed".to_string(),
            }),
        }
    }
}

/// A folder of its own under the system's temporary folder, removed with
/// what is in it when dropped, or when a request to stop ends the program.
struct TemporaryFolder(PathBuf);

static FOLDER: OnceLock<PathBuf> = OnceLock::new();

fn remove_folder() {
    if let Some(path) = FOLDER.get() {
        let _ = std::fs::remove_dir_all(path);
    }
}

impl TemporaryFolder {
    fn new() -> TemporaryFolder {
        let path = std::env::temp_dir().join(format!("labs-timeline-{}", std::process::id()));
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|err| fail(1, format!("cannot create {}: {err}", path.display())));
        let _ = FOLDER.set(path.clone());
        stop::listen(remove_folder);
        TemporaryFolder(path)
    }
}

impl Drop for TemporaryFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Checks `--html FILE` or `--json FILE` before anything runs: the
/// extension `format` wants and a place that can be written, or one line
/// and exit status 2.
pub fn checked_file(option: &str, value: &str, format: Format) -> Destination {
    let extension = option.trim_start_matches('-');
    let wanted = Path::new(value)
        .extension()
        .is_some_and(|found| found.eq_ignore_ascii_case(extension));
    if !wanted {
        fail(
            USAGE_ERROR,
            format!(
                "{option} '{}': the file must end in .{extension}",
                echo(value)
            ),
        );
    }
    match timeline::file(value) {
        Ok((path, _)) => Destination::File(path, format),
        Err(message) => fail(USAGE_ERROR, format!("{option} {message}")),
    }
}

/// `labs timeline`: each variant's output, then the recordings drawn on one
/// time scale (or written to `files`). Exit status 1 when a variant failed.
pub fn timeline(
    catalog: &Catalog,
    lab: &str,
    variants: &[String],
    files: &[Destination],
    columns: Option<usize>,
    args: &[String],
) {
    let lab = find_lab(catalog, lab);
    let entries = entries(lab, variants);
    let runs = run_all(lab, &entries, args);
    let mut text = String::new();
    let mut recordings = Vec::new();
    for run in &runs {
        let _ = match (run.failure(), run.stopped_after) {
            (None, None) => writeln!(text, "{} printed:", run.binary),
            (None, Some(after)) => writeln!(
                text,
                "{} printed, asked to stop after {}:",
                run.binary,
                seconds(after)
            ),
            (Some(failure), _) => writeln!(text, "{} {failure}, after printing:", run.binary),
        };
        for line in run.output.lines() {
            let _ = writeln!(text, "  {line}");
        }
        match &run.recording {
            Ok(recording) => recordings.push(recording.clone()),
            Err(why) => {
                let _ = writeln!(text, "{} {why}", run.binary);
            }
        }
    }
    text.push('\n');
    if files.is_empty() {
        let style = Style {
            width: columns
                .or_else(terminal_width)
                .unwrap_or(timeline::DEFAULT_WIDTH),
            colour: colour(),
        };
        text += &timeline::picture(&recordings, &style);
    }
    for destination in files {
        if let Err(message) = timeline::deliver(&recordings, destination) {
            fail(1, message);
        }
        if let Destination::File(path, _) = destination {
            let count = match recordings.len() {
                1 => "1 timeline".to_string(),
                n => format!("{n} timelines on one time scale"),
            };
            let path = echo(&path.to_string_lossy());
            let _ = writeln!(text, "wrote {path}: {count}");
        }
    }
    print!("{text}");
    let failed: Vec<&str> = runs
        .iter()
        .filter(|run| run.failure().is_some())
        .map(|run| run.binary.as_str())
        .collect();
    if !failed.is_empty() {
        fail(1, format!("{} failed (see above)", failed.join(", ")));
    }
}
