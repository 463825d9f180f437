//! What `--timeline` records, run for real and read back from its JSON:
//! who held which thread while `slow()` blocked. Margins a busy machine
//! keeps: a second-long poll is asked to last 0.8 s, a spinner that turns
//! every 100 ms to be polled 3 or 5 times; never an exact time.

use std::process::Command;
use std::time::Duration;

use labs::testkit::{run, run_with_timeline};
use labs::timeline::{Event, Kind, Recording};

const DEADLINE: Duration = Duration::from_secs(60);
const LONG_POLL: u64 = 800_000_000; // 0.8 s, in nanoseconds

/// Runs `program --seconds 1 --timeline=FILE.json` with `env` set.
fn record(program: &str, env: &[(&str, &str)]) -> Recording {
    let mut command = Command::new(program);
    command.args(["--seconds", "1"]).envs(env.iter().copied());
    let (_, recording) = run_with_timeline(&mut command, DEADLINE);
    recording
}

/// The supervisor's longest poll, and the thread it ran on.
fn longest_supervisor_poll(recording: &Recording) -> (&str, &Event) {
    let polls = recording.events_named("supervisor");
    let longest = polls
        .into_iter()
        .filter(|(_, event)| event.kind == Kind::Poll);
    longest
        .max_by_key(|(_, event)| event.end - event.start)
        .expect("supervisor was polled")
}

/// The spinner's polls that started while `during` ran.
fn spinner_polls_during<'a>(recording: &'a Recording, during: &Event) -> Vec<(&'a str, &'a Event)> {
    let polls = recording.events_named("spinner").into_iter();
    polls
        .filter(|(_, event)| event.kind == Kind::Poll)
        .filter(|(_, event)| during.start < event.start && event.start < during.end)
        .collect()
}

fn took(event: &Event) -> u64 {
    event.end - event.start
}

/// One thread runs everything: while `supervisor` holds it, blocked in
/// `slow()`, nothing else can be polled.
#[test]
fn current_thread_the_supervisor_holds_the_only_thread() {
    let recording = record(
        env!("CARGO_BIN_EXE_spinner-tokio-current-thread-blocking"),
        &[],
    );
    let (thread, long) = longest_supervisor_poll(&recording);
    assert!(took(long) >= LONG_POLL, "{recording:#?}");
    assert_eq!(thread, "main");
    assert_eq!(spinner_polls_during(&recording, long), [], "{recording:#?}");
}

/// Multi-thread: `supervisor` blocks the main thread (`block_on` is not a
/// worker), and the spinner goes on being polled on a worker.
#[test]
fn multi_thread_the_spinner_turns_on_a_worker_meanwhile() {
    let recording = record(env!("CARGO_BIN_EXE_spinner-tokio-blocking"), &[]);
    let (thread, long) = longest_supervisor_poll(&recording);
    assert!(took(long) >= LONG_POLL, "{recording:#?}");
    assert_eq!(thread, "main");
    let during = spinner_polls_during(&recording, long);
    assert!(during.len() >= 3, "{recording:#?}");
    assert!(
        during.iter().all(|(thread, _)| *thread != "main"),
        "{during:?}"
    );
}

/// Spawned from a worker, the spinner waits in that worker's LIFO slot,
/// which no other worker steals from: not polled while `slow()` blocks,
/// though another worker is idle.
#[test]
fn spawned_the_spinner_waits_in_the_lifo_slot() {
    let env = [("TOKIO_WORKER_THREADS", "2")];
    let recording = record(env!("CARGO_BIN_EXE_spinner-tokio-spawned-blocking"), &env);
    let (thread, long) = longest_supervisor_poll(&recording);
    assert!(took(long) >= LONG_POLL, "{recording:#?}");
    assert_ne!(thread, "main");
    assert_eq!(spinner_polls_during(&recording, long), [], "{recording:#?}");
}

/// Without the blocking call the spinner is polled every 100 ms.
#[test]
fn cured_the_spinner_is_polled_all_along() {
    let recording = record(env!("CARGO_BIN_EXE_spinner-tokio"), &[]);
    let polls = recording.events_named("spinner");
    let polls = polls
        .iter()
        .filter(|(_, event)| event.kind == Kind::Poll)
        .count();
    assert!(polls >= 5, "{recording:#?}");
    let frames = recording.events_named("frame").len();
    assert!(frames >= 5, "a frame per poll: {recording:#?}");
}

/// The thread variant: each function is blocking work on its own thread.
#[test]
fn threads_each_function_holds_its_thread() {
    let recording = record(env!("CARGO_BIN_EXE_spinner-thread"), &[]);
    let spans = |name| {
        let events = recording.events_named(name);
        events
            .iter()
            .map(|(thread, event)| (thread.to_string(), event.kind))
            .collect::<Vec<_>>()
    };
    assert_eq!(spans("supervisor"), [("main".to_string(), Kind::Span)]);
    assert_eq!(spans("spinner"), [("spinner".to_string(), Kind::Span)]);
}

/// A bad `--timeline` is one line and exit status 2 before the lab runs,
/// and leaves no file behind.
#[test]
fn bad_timeline_values_are_refused_before_the_run() {
    let dir = std::env::temp_dir().join(format!("spinner-bad-timeline-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("a-directory.html")).unwrap();
    let mut report = String::new();
    for value in [
        "/nonexistent/x.html".to_string(),
        "x.png".to_string(),
        "x".to_string(),
        String::new(),
        "a-directory.html".to_string(),
        format!("{}.txt", "y".repeat(300)),
    ] {
        let option = format!("--timeline={value}");
        let output = run(
            Command::new(env!("CARGO_BIN_EXE_spinner-tokio"))
                .args([&option, "--seconds", "0"])
                .current_dir(&dir),
            DEADLINE,
        );
        if value.is_empty() {
            // `--timeline=` is `--timeline`: the picture on stderr.
            assert!(output.status.success(), "{output:?}");
            continue;
        }
        assert_eq!(output.code(), 2, "{option}: {output:?}");
        assert_eq!(output.stdout, "", "{option}: the lab ran");
        assert_eq!(
            output.stderr.lines().count(),
            1,
            "{option}: {}",
            output.stderr
        );
        // What the OS says, in its words and numbers, differs between systems.
        let line = match output.stderr.split_once("cannot write there (") {
            Some((before, _)) => format!("{before}cannot write there ([the OS says why])\n"),
            None => output.stderr,
        };
        report += &line;
    }
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(left, ["a-directory.html"]);
    insta::with_settings!({ prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("timeline-bad-values", report);
    });
}

/// Ctrl-C in the middle of a run with `--timeline`: the terminal is
/// restored, then what was recorded so far is drawn, and the status is 130.
#[cfg(unix)]
#[test]
fn ctrl_c_still_draws_the_timeline() {
    let program = env!("CARGO_BIN_EXE_spinner-tokio");
    let mut terminal = labs_pty::Terminal::start(program, &["--seconds", "30", "--timeline"]);
    terminal.wait_until_output(" thinking!", DEADLINE);
    terminal.type_keys("\x03");
    let run = terminal.finish(DEADLINE);
    let screen = run.screen();
    assert_eq!(run.exit_code, 130, "{screen}");
    assert_eq!(
        run.cursor(),
        "hidden while spinning, shown again",
        "{screen}"
    );
    assert!(screen.contains("spinner-tokio: "), "{screen}");
    assert!(
        screen.lines().any(|line| line.starts_with("spinner ")),
        "{screen}"
    );
    // The frames the spinner drew were blanked before the picture was drawn.
    assert!(!screen.contains(" thinking!"), "{screen}");
}

/// On a terminal the picture is in colour; `NO_COLOR` (which crossterm
/// honours too) and a pipe get plain letters.
#[cfg(unix)]
#[test]
fn the_picture_is_coloured_unless_no_color() {
    let program = env!("CARGO_BIN_EXE_spinner-tokio");
    let args = ["--seconds", "0.3", "--timeline"];
    let coloured = labs_pty::Command::new(program)
        .args(&args)
        .env_remove("NO_COLOR");
    let plain = labs_pty::Command::new(program)
        .args(&args)
        .env("NO_COLOR", "1");
    let (coloured, plain) = (coloured.run(DEADLINE), plain.run(DEADLINE));
    let background = "\x1b[48;5;";
    assert!(
        coloured.text().contains(background),
        "{:?}",
        coloured.text()
    );
    assert!(!plain.text().contains(background), "{:?}", plain.text());
    // Piped: plain letters too.
    let piped = run(
        Command::new(program).args(args).env_remove("NO_COLOR"),
        DEADLINE,
    );
    assert!(!piped.stderr.contains('\x1b'), "{:?}", piped.stderr);
    // The same picture either way.
    let rows = |run: &labs_pty::Run| {
        run.screen()
            .lines()
            .filter(|l| l.starts_with("main "))
            .count()
    };
    assert_eq!((rows(&coloured), rows(&plain)), (1, 1));
}
