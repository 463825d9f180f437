//! The countdown variants, run for real, as a participant runs them: the
//! order of the 12 ticks and their times, at a resolution of 0.1 s.
//!
//! How the snapshots stay the same from run to run (the lab sheet explains it
//! to participants too):
//!
//! - Every tick is due at a multiple of 0.1 s, and a sleep never ends early:
//!   a tick can only be late. The test truncates each time to 0.1 s, so a
//!   tick keeps its time as long as it is less than 0.1 s late. Lateness adds
//!   up (each countdown sleeps from its previous tick): with both cores busy
//!   the worst seen was 45 ms, during a large build 133 ms. So the variants
//!   run at half speed (`--scale 2`) and their times are divided by 2: the
//!   snapshots show lab seconds at 0.1 s, and a tick may be 200 ms late.
//! - Except the two that run the countdowns one after another on one thread
//!   (12 lab seconds, the longest runs): there every tick waits for the one
//!   before it, so the test truncates each gap between two ticks instead,
//!   and adds the gaps up: each gap may be up to 100 ms late, however many
//!   came before. So these run at the lab's own speed (12 s, as long as the
//!   others at half speed), and a tick may still be 200 ms late in all, as
//!   at half speed, but no more: lateness that adds up tick after tick (a
//!   sleep 40 ms too long) fails the test.
//! - Ticks that fall in the same 0.1 s are shown in the order of their
//!   labels. Only one pair needs it: B's first tick and D's second are both
//!   due at 2.0 s, and which one prints first varies (a question in the sheet).
//! - The multi-threaded runtimes have one worker thread per countdown, so a
//!   blocked countdown never waits for a worker: with fewer workers, which
//!   countdowns share a thread changes from run to run. The counts are set in
//!   the sources (smol's executor is run by the main thread alone), so the
//!   machine's cores, `TOKIO_WORKER_THREADS`, `ASYNC_STD_THREAD_COUNT` and
//!   `SMOL_THREADS` change nothing here.
//!
//! Every process these tests start has a deadline: one that hangs is killed
//! and fails its test.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use labs::testkit::{Output, assert_bad_args, bad_number_args};

/// The variants run this many times slower than the lab; times are divided
/// by it, so the snapshots show the lab's own seconds.
const SCALE: u64 = 2;

/// The variants that run the countdowns one after another, on one thread;
/// they run at the lab's speed, and their times are read gap by gap.
const ONE_THREAD: [&str; 2] = ["tokio-current-thread-blocking", "smol-blocking"];

/// How the times of a run are read back at 0.1 lab seconds.
#[derive(Clone, Copy)]
enum Reading {
    /// Each time as printed, divided by the scale, truncated.
    FromStart { scale: u64 },
    /// Each gap since the tick before, truncated, then added up; each tick
    /// at most `MOST_LATE_MS` after the time so found.
    Gaps,
}

/// How late a tick may be in all, read gap by gap: as late as a tick may be
/// at half speed.
const MOST_LATE_MS: u64 = 200;

impl Reading {
    fn of(variant: &str) -> Reading {
        if ONE_THREAD.contains(&variant) {
            Reading::Gaps
        } else {
            Reading::FromStart { scale: SCALE }
        }
    }

    /// The `--scale` the variant runs at.
    fn scale(self) -> u64 {
        match self {
            Reading::FromStart { scale } => scale,
            Reading::Gaps => 1,
        }
    }
}

const RULE: &str = "━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━";

const VARIANTS: [(&str, &str); 8] = [
    ("thread", env!("CARGO_BIN_EXE_countdown-thread")),
    ("tokio", env!("CARGO_BIN_EXE_countdown-tokio")),
    ("async-std", env!("CARGO_BIN_EXE_countdown-async-std")),
    ("smol", env!("CARGO_BIN_EXE_countdown-smol")),
    (
        "tokio-blocking",
        env!("CARGO_BIN_EXE_countdown-tokio-blocking"),
    ),
    (
        "tokio-current-thread-blocking",
        env!("CARGO_BIN_EXE_countdown-tokio-current-thread-blocking"),
    ),
    (
        "async-std-blocking",
        env!("CARGO_BIN_EXE_countdown-async-std-blocking"),
    ),
    (
        "smol-blocking",
        env!("CARGO_BIN_EXE_countdown-smol-blocking"),
    ),
];

/// No run takes longer than this (the longest take 12 s): a variant still
/// running then is killed and the test fails.
const DEADLINE: Duration = Duration::from_secs(60);

/// Runs every variant at once (the suite takes as long as the slowest) and
/// returns their outputs in the order of `VARIANTS`.
fn run_all(args: &[&str]) -> Vec<Output> {
    run_each(|_| args.iter().map(|arg| arg.to_string()).collect())
}

/// [`run_all`], with each variant's arguments given by `args_of(name)`.
fn run_each(args_of: impl Fn(&str) -> Vec<String> + Sync) -> Vec<Output> {
    std::thread::scope(|scope| {
        let runs: Vec<_> = VARIANTS
            .iter()
            .map(|&(name, program)| {
                let args = args_of(name);
                scope.spawn(move || run(program, &args))
            })
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).collect()
    })
}

/// Runs one variant to its end, or kills it and fails at `DEADLINE`.
fn run(program: &str, args: &[String]) -> Output {
    labs::testkit::run(Command::new(program).args(args), DEADLINE)
}

/// A tick line, `elapsed` in whole milliseconds.
struct Tick<'a> {
    elapsed_ms: u64,
    /// The tabs and `LABEL = N`, as printed.
    rest: &'a str,
}

fn parse_tick(line: &str) -> Option<Tick<'_>> {
    let (time, rest) = line.split_once("s\t")?;
    let (secs, millis) = time.trim_start().split_once('.')?;
    let elapsed_ms = secs.parse::<u64>().ok()? * 1000 + millis.parse::<u64>().ok()?;
    (millis.len() == 3).then_some(Tick { elapsed_ms, rest })
}

/// The output at 0.1 s: each time read as `reading` says, ticks in the same
/// 0.1 s sorted by label. Any line that is not a rule or a tick stays, after
/// the ticks, for the snapshot to show.
fn at_tenths(stdout: &str, reading: Reading) -> String {
    let mut ticks = Vec::new();
    let mut others = Vec::new();
    for line in stdout.lines().filter(|line| *line != RULE) {
        match parse_tick(line) {
            Some(tick) => ticks.push(tick),
            None => others.push(line),
        }
    }
    let mut before_ms = 0; // the tick before, for `Reading::Gaps`
    let mut shown = 0;
    let mut ticks: Vec<(u64, Tick)> = ticks
        .into_iter()
        .map(|tick| {
            let tenths = match reading {
                Reading::FromStart { scale } => tick.elapsed_ms / scale / 100,
                Reading::Gaps => {
                    shown += tick.elapsed_ms.saturating_sub(before_ms) / 100;
                    before_ms = tick.elapsed_ms;
                    let late_ms = tick.elapsed_ms - shown * 100;
                    assert!(
                        late_ms < MOST_LATE_MS,
                        "{}: {late_ms} ms late in all",
                        tick.rest.trim_start()
                    );
                    shown
                }
            };
            (tenths, tick)
        })
        .collect();
    // Only ticks within the same 0.1 s change places: the times are in order.
    let label = |tick: &Tick| tick.rest.trim_start_matches('\t').to_string();
    ticks.sort_by_key(|(tenths, tick)| (*tenths, label(tick)));
    let mut out = String::new();
    for (tenths, tick) in &ticks {
        out += &format!(
            "{RULE}\n{:>2}.{}s\t{}\n",
            tenths / 10,
            tenths % 10,
            tick.rest
        );
    }
    out += RULE;
    for line in others {
        out += &format!("\n{line}");
    }
    out
}

/// The longest test of all (12 s), so named that it starts first: the test
/// runner starts tests in the order of their names, and the others then run
/// beside it instead of before it.
#[test]
fn all_variants_at_a_tenth_of_a_second() {
    let scale_of = |name: &str| Reading::of(name).scale().to_string();
    let outputs = run_each(|name| vec!["--scale".into(), scale_of(name)]);
    let mut shown = Vec::new();
    for ((name, _), output) in VARIANTS.iter().zip(&outputs) {
        let stdout = &output.stdout;
        assert!(output.status.success(), "countdown-{name}: {output:?}");
        assert!(output.stderr.is_empty(), "countdown-{name}: {output:?}");
        // 12 ticks, each after a rule line, then the closing rule line.
        assert_eq!(stdout.lines().filter(|line| *line == RULE).count(), 13);
        assert!(stdout.ends_with(&format!("{RULE}\n")), "countdown-{name}");
        let text = at_tenths(stdout, Reading::of(name));
        insta::assert_snapshot!(format!("countdown-{name}"), text);
        shown.push(text);
    }
    // Threads and the three runtimes interleave the countdowns the same way.
    for (i, name) in ["tokio", "async-std", "smol"].iter().enumerate() {
        assert_eq!(
            shown[i + 1],
            shown[0],
            "countdown-{name} vs countdown-thread"
        );
    }
    // With a worker thread per countdown, the bug does not show at all.
    assert_eq!(
        shown[4], shown[1],
        "countdown-tokio-blocking vs countdown-tokio"
    );
    assert_eq!(
        shown[6], shown[2],
        "countdown-async-std-blocking vs countdown-async-std"
    );
    // On one thread, the blocked countdowns run one after another.
    assert_eq!(
        shown[7], shown[5],
        "countdown-smol-blocking vs tokio current-thread"
    );
}

#[test]
fn scale_shortens_every_delay_but_keeps_the_ticks() {
    for ((name, _), output) in VARIANTS.iter().zip(run_all(&["--scale", "0.1"])) {
        let stdout = &output.stdout;
        assert!(output.status.success(), "countdown-{name}: {output:?}");
        let mut ticks: Vec<_> = stdout
            .lines()
            .filter_map(parse_tick)
            .map(|tick| tick.rest.trim_start_matches('\t').to_string())
            .collect();
        ticks.sort();
        let expected: Vec<_> = ["A", "B", "C", "D"]
            .iter()
            .flat_map(|label| (1..=3).map(move |n| format!("{label} = {n}")))
            .collect();
        assert_eq!(ticks, expected, "countdown-{name}");
    }
}

/// Bad values for `--scale`: numbers of every shape (negative, infinite, not
/// a number, a 100 KB paste), numbers just outside its range, an unknown
/// option, the option without its value. Each: exit status 2, one short line
/// on stderr that says what is wrong, nothing on stdout, no panic, the same
/// in every variant. The messages are pinned.
#[test]
fn bad_scales_are_one_line_and_exit_2() {
    let mut argvs = bad_number_args(&["--scale"]);
    for outside in ["0", "0.09", "10.01", "100"] {
        argvs.push(vec!["--scale".into(), outside.into()]);
    }
    let reports: Vec<String> = std::thread::scope(|scope| {
        let checks: Vec<_> = VARIANTS
            .iter()
            .map(|(_, program)| scope.spawn(|| assert_bad_args(program, &argvs)))
            .collect();
        checks
            .into_iter()
            .map(|check| check.join().unwrap())
            .collect()
    });
    for ((name, _), report) in VARIANTS.iter().zip(&reports) {
        assert_eq!(report, &reports[0], "countdown-{name} vs countdown-thread");
    }
    insta::assert_snapshot!("bad-scales", reports[0]);
}

#[test]
fn help_shows_the_range_of_scale() {
    for ((name, _), output) in VARIANTS.iter().zip(run_all(&["--help"])) {
        let stdout = &output.stdout;
        assert!(output.status.success(), "countdown-{name}: {output:?}");
        assert!(stdout.contains("[0.1 to 10]"), "countdown-{name}: {stdout}");
    }
}

/// How long after its start a variant may take to notice that its stdout is
/// closed. Its next tick is due 0.6 s (1.4 s on one thread) after the start;
/// the shortest run ends at 6 s.
const CLOSED_PIPE_DEADLINE: Duration = Duration::from_secs(4);

/// `countdown-tokio | head -2`: once the reader is gone, the next tick ends
/// the program at once, quietly, with status 141 (128 + SIGPIPE, what a shell
/// shows for a program stopped by a closed pipe), instead of counting on.
#[test]
fn a_closed_stdout_ends_every_variant_at_once_with_status_141() {
    std::thread::scope(|scope| {
        let runs: Vec<_> = VARIANTS
            .iter()
            .map(|&(name, program)| {
                scope.spawn(move || (name, close_after_two_lines(name, program)))
            })
            .collect();
        for run in runs {
            let (name, (status, ended, stderr)) = run.join().unwrap();
            assert_eq!(
                status.code(),
                Some(141),
                "countdown-{name}: {status:?}, {stderr}"
            );
            assert!(stderr.is_empty(), "countdown-{name}: {stderr}");
            assert!(ended < CLOSED_PIPE_DEADLINE, "countdown-{name}: {ended:?}");
        }
    });
}

/// Starts `program` at the lab's speed, reads two lines, closes its stdout
/// (what `| head -2` does), and returns how it ended, when (since its start),
/// and its stderr. Kills it and fails if it has not ended by
/// `CLOSED_PIPE_DEADLINE`. Unlike `labs::testkit::assert_closed_pipe`, the
/// reader goes away mid-run, and this works on Windows too.
fn close_after_two_lines(name: &str, program: &str) -> (ExitStatus, Duration, String) {
    let start = Instant::now();
    let mut child = Command::new(program)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("countdown-{name}: {err}"));
    let stdout = child.stdout.take().unwrap();
    let (lines_read, two_lines) = mpsc::channel();
    // Reads two lines, then drops the pipe's end: the reader is gone.
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let two: Vec<_> = lines.by_ref().take(2).collect();
        let _ = lines_read.send(two.len());
    });
    let read = two_lines.recv_timeout(CLOSED_PIPE_DEADLINE).unwrap_or(0);
    let what = format!("countdown-{name}, its stdout closed after two lines");
    let status = labs::testkit::wait(&mut child, start + CLOSED_PIPE_DEADLINE, &what);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(read, 2, "countdown-{name}: two lines read");
    (status, start.elapsed(), stderr)
}
