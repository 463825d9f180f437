//! Lab 8, supervisor, smol: start programs as child processes, print their
//! output as it comes, restart the ones that fail, stop them all on Ctrl-C.
//!
//!     cargo run --bin supervisor-smol                   two flag servers and a worker
//!     cargo run --bin supervisor-smol -- 'w=supervisor-worker --exit 1' --restarts 2
//!
//! One task per child; inside it, the child's two pipes and its exit are
//! three futures awaited together. `smol::process` is the async-process
//! crate: it learns that a child ended from a pidfd on Linux, a process
//! handle on Windows, SIGCHLD elsewhere. smol has no `select!`: `or` races
//! two futures, `zip` joins two.
//! Compare with `diff supervisor/src/bin/supervisor-{tokio,smol}.rs`.

use std::io;
use std::process::Stdio;

use labs::watch;
use smol::Timer;
use smol::channel::{Sender, bounded};
use smol::future::{FutureExt, zip};
use smol::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader};
use smol::process::{Child, Command};
use supervisor::{Ending, Exit, LINE_LIMIT, Line, Next, Program, STOP, Source, WAITING_LINES};

async fn read_lines(pipe: impl AsyncRead + Unpin, mut from: Source, lines: Sender<Line>) {
    let mut reader = BufReader::new(pipe).take(0);
    let mut line = Vec::new();
    loop {
        reader.set_limit(LINE_LIMIT); // <1>
        line.clear();
        match reader.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return, // the child closed its end (or ended)
            Ok(_) => {}
        }
        if let Some(line) = from.line(&line) {
            let _ = lines.send(line).await; // <2>
        }
    }
}

async fn wait_or_stop(
    child: &mut Child,
    program: &Program,
    lines: &Sender<Line>,
) -> io::Result<Exit> {
    let exited = async { Some(child.status().await) };
    let stopped = async {
        STOP.requested(1).await;
        None
    };
    let first = exited.or(stopped).await; // <3>
    if let Some(status) = first {
        return Ok(Exit::by_itself(status?));
    }
    let _ = lines.send(program.ask_to_stop(Some(child.id()))).await; // <4>
    let exited = async { Ok(child.status().await) };
    let grace = async {
        Timer::after(program.grace()).await;
        Err(false)
    };
    let again = async {
        STOP.requested(2).await;
        Err(true)
    };
    let first = exited.or(grace).or(again).await; // <5>
    let second = match first {
        Ok(status) => return Ok(Exit::asked(status?)),
        Err(second) => second,
    };
    let (how, note) = program.killing(second);
    let _ = lines.send(note).await;
    child.kill()?; // <6>
    Ok(Exit::killed(child.status().await?, how))
}

async fn run(program: &Program, lines: &Sender<Line>) -> io::Result<Exit> {
    let mut command = program.command();
    labs::platform::supervised(&mut command); // <7>
    let mut command = Command::from(command);
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn()?; // <8>
    let stdout = read_lines(
        child.stdout.take().expect("piped"),
        program.source(false),
        lines.clone(),
    );
    let stderr = read_lines(
        child.stderr.take().expect("piped"),
        program.source(true),
        lines.clone(),
    );
    let reading = zip(stdout, stderr); // <9>
    let (_, exit) = zip(reading, wait_or_stop(&mut child, program, lines)).await; // <10>
    exit
}

async fn supervise(program: &Program, lines: Sender<Line>) -> Ending {
    let mut restarts = 0;
    loop {
        let exit = run(program, &lines).await;
        let (next, note) = program.after(&exit, restarts); // <11>
        let _ = lines.send(note).await;
        let Next::Restart(delay) = next else {
            return program.ending(exit, restarts);
        };
        let waited = async {
            Timer::after(delay).await;
            true
        };
        let stopped = async {
            STOP.requested(1).await;
            false
        };
        let restart = waited.or(stopped).await; // <12>
        if !restart {
            return program.ending(exit, restarts);
        }
        restarts += 1;
    }
}

fn main() {
    let supervisor = supervisor::start("smol");
    smol::block_on(async {
        let (lines, printed) = bounded(WAITING_LINES); // <13>
        let mut children = Vec::new();
        for program in supervisor.programs() {
            let supervising = watch!("supervise", supervise(program, lines.clone()));
            children.push(smol::spawn(supervising)); // <14>
        }
        drop(lines);
        while let Ok(line) = printed.recv().await {
            supervisor.print(&line); // <15>
        }
        let mut endings = Vec::new();
        for child in children {
            endings.push(child.await);
        }
        supervisor.exit(&endings);
    })
}
