//! Lab 8, supervisor, threads (std only): start programs as child
//! processes, print their output as it comes, restart the ones that fail,
//! stop them all on Ctrl-C.
//!
//!     cargo run --bin supervisor-thread                 two flag servers and a worker
//!     cargo run --bin supervisor-thread -- 'w=supervisor-worker --exit 1' --restarts 2
//!
//! One thread per child, and one more per pipe of each child: a blocking
//! read holds its thread until a line comes. std cannot wait for a child
//! and for anything else at once, so the watching thread checks on its
//! child every 20 ms. Compare with the tasks of
//! `diff supervisor/src/bin/supervisor-{thread,tokio}.rs`.

use std::io::{self, BufRead, BufReader, Read};
use std::process::{Child, Stdio};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread;
use std::time::{Duration, Instant};

use labs::timeline::span;
use supervisor::{Ending, Exit, LINE_LIMIT, Line, Next, Program, STOP, Source, WAITING_LINES};

/// How often a watching thread checks whether its child has ended.
const POLL: Duration = Duration::from_millis(20);

fn read_lines(pipe: impl Read, mut from: Source, lines: SyncSender<Line>) {
    let mut reader = BufReader::new(pipe).take(0);
    let mut line = Vec::new();
    loop {
        reader.set_limit(LINE_LIMIT); // <1>
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return, // the child closed its end (or ended)
            Ok(_) => {}
        }
        if let Some(line) = from.line(&line) {
            let _ = lines.send(line); // <2>
        }
    }
}

fn wait_or_stop(
    child: &mut Child,
    program: &Program,
    lines: &SyncSender<Line>,
) -> io::Result<Exit> {
    loop {
        let ended = child.try_wait()?; // <3>
        if let Some(status) = ended {
            return Ok(Exit::by_itself(status));
        }
        if STOP.wait_requested(1, POLL) {
            break;
        }
    }
    let _ = lines.send(program.ask_to_stop(Some(child.id()))); // <4>
    let deadline = Instant::now() + program.grace();
    let second = loop {
        let ended = child.try_wait()?; // <5>
        if let Some(status) = ended {
            return Ok(Exit::asked(status));
        }
        if Instant::now() >= deadline {
            break false;
        }
        if STOP.wait_requested(2, POLL) {
            break true;
        }
    };
    let (how, note) = program.killing(second);
    let _ = lines.send(note);
    child.kill()?; // <6>
    Ok(Exit::killed(child.wait()?, how))
}

fn run(program: &Program, lines: &SyncSender<Line>) -> io::Result<Exit> {
    let mut command = program.command();
    labs::platform::supervised(&mut command); // <7>
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn()?; // <8>
    let stdout = child.stdout.take().expect("piped");
    let stderr = child.stderr.take().expect("piped");
    thread::scope(|scope| {
        scope.spawn(|| read_lines(stdout, program.source(false), lines.clone())); // <9>
        scope.spawn(|| read_lines(stderr, program.source(true), lines.clone()));
        wait_or_stop(&mut child, program, lines) // <10>
    })
}

fn supervise(program: &Program, lines: SyncSender<Line>) -> Ending {
    let mut restarts = 0;
    loop {
        let exit = run(program, &lines);
        let (next, note) = program.after(&exit, restarts); // <11>
        let _ = lines.send(note);
        let Next::Restart(delay) = next else {
            return program.ending(exit, restarts);
        };
        let stopped = STOP.wait_requested(1, delay); // <12>
        if stopped {
            return program.ending(exit, restarts);
        }
        restarts += 1;
    }
}

fn main() {
    let supervisor = supervisor::start("thread");
    let (lines, printed) = sync_channel(WAITING_LINES); // <13>
    let mut children = Vec::new();
    for program in supervisor.programs() {
        let lines = lines.clone();
        let supervising = move || span("supervise", || supervise(program, lines));
        children.push(thread::spawn(supervising)); // <14>
    }
    drop(lines);
    for line in printed {
        supervisor.print(&line); // <15>
    }
    let mut endings = Vec::new();
    for child in children {
        endings.push(child.join().expect("a supervising thread panicked"));
    }
    supervisor.exit(&endings);
}
