//! Lab 8, supervisor, tokio: start programs as child processes, print their
//! output as it comes, restart the ones that fail, stop them all on Ctrl-C.
//!
//!     cargo run --bin supervisor-tokio                  two flag servers and a worker
//!     cargo run --bin supervisor-tokio -- 'w=supervisor-worker --exit 1' --restarts 2
//!
//! One task per child; inside it, the child's two pipes and its exit are
//! three futures awaited together. Compare the runtimes with
//! `diff supervisor/src/bin/supervisor-{tokio,smol}.rs`, and tasks with
//! threads with `diff supervisor/src/bin/supervisor-{thread,tokio}.rs`.
//!
//! The experiment, `supervisor-tokio-sequential`, is this file with callout
//! 9 edited to read one pipe to its end, then the other:
//! `let reading = async { (stdout.await, stderr.await) };`

use std::io;
use std::process::Stdio;

use labs::watch;
use supervisor::{Ending, Exit, LINE_LIMIT, Line, Next, Program, STOP, Source, WAITING_LINES};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc::{Sender, channel};
use tokio::time::sleep;

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
    tokio::select! { // <3>
        biased;
        status = child.wait() => return Ok(Exit::by_itself(status?)),
        () = STOP.requested(1) => {}
    }
    let _ = lines.send(program.ask_to_stop(child.id())).await; // <4>
    let second = tokio::select! { // <5>
        biased;
        status = child.wait() => return Ok(Exit::asked(status?)),
        () = sleep(program.grace()) => false,
        () = STOP.requested(2) => true,
    };
    let (how, note) = program.killing(second);
    let _ = lines.send(note).await;
    child.kill().await?; // <6>
    Ok(Exit::killed(child.wait().await?, how))
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
    let reading = async { tokio::join!(stdout, stderr) }; // <9>
    let (_, exit) = tokio::join!(reading, wait_or_stop(&mut child, program, lines)); // <10>
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
        tokio::select! { // <12>
            () = sleep(delay) => restarts += 1,
            () = STOP.requested(1) => return program.ending(exit, restarts),
        }
    }
}

#[tokio::main]
async fn main() {
    let supervisor = supervisor::start("tokio");
    let (lines, mut printed) = channel(WAITING_LINES); // <13>
    let mut children = Vec::new();
    for program in supervisor.programs() {
        let supervising = watch!("supervise", supervise(program, lines.clone()));
        children.push(tokio::spawn(supervising)); // <14>
    }
    drop(lines);
    while let Some(line) = printed.recv().await {
        supervisor.print(&line); // <15>
    }
    let mut endings = Vec::new();
    for child in children {
        endings.push(child.await.expect("a supervising task panicked"));
    }
    supervisor.exit(&endings);
}
