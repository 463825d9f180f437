//! What `--timeline` records of a server that runs until it is stopped:
//! real servers, real clients on 127.0.0.1, then SIGTERM, and the picture
//! read back from its JSON. The lesson: a tokio server holds 50 clients on
//! its 2 worker threads, the thread server needs 50 threads. Unix only: the
//! servers are stopped with a signal.
#![cfg(unix)]

use crate::support;

use std::collections::BTreeSet;
use std::io::Write;
use std::net::TcpStream;
use std::process::Command;

use labs::testkit::TimelineFile;
use labs::timeline::{Kind, Recording};
use support::{DEADLINE, Server, get, read_to_end, read_until};

const CLIENTS: usize = 50;

/// Starts `bin` with `--timeline=FILE.json`, connects `CLIENTS` clients and
/// keeps them all open at once, then has each ask one query and say bye;
/// then SIGTERM, with `idle` clients still connected (the server exits
/// with them open when its 1 s grace period ends; the others are closed by
/// then, even on a busy machine). Returns what the server recorded.
fn serve_clients(bin: &str, env: &[(&str, &str)], idle: usize) -> Recording {
    let name = bin.rsplit('/').next().unwrap();
    let file = TimelineFile::new();
    let mut command = Command::new(bin);
    command
        .args(["--port", "0", "--grace", "1", &file.option()])
        .envs(env.iter().copied());
    let server = Server::spawn(command);
    let mut clients: Vec<TcpStream> = (0..CLIENTS + idle).map(|_| server.connect()).collect();
    for client in &mut clients {
        read_until(client, "?> "); // every client is being served
    }
    for client in &mut clients[..CLIENTS] {
        client.write_all(b"snowman\n\n").unwrap();
    }
    for client in &mut clients[..CLIENTS] {
        assert!(read_to_end(client).ends_with("Bye.\n"), "{name}");
    }
    let recording = terminate(server, &file);
    let count = |name: &str| recording.events_named(name).len();
    assert_eq!(
        (count("opened"), count("query"), count("closed")),
        (CLIENTS + idle, CLIENTS, CLIENTS),
        "{name}: every client opened, asked, and (but the idle ones) closed"
    );
    recording
}

/// Asked to stop (SIGTERM), the server stops (status 143) and draws its
/// timeline into `file`, read back here.
fn terminate(mut server: Server, file: &TimelineFile) -> Recording {
    server.ask_to_stop();
    let status = server.wait(DEADLINE).expect("the server exits");
    assert_eq!(status.code(), Some(143), "{}", server.stderr());
    let recording = file
        .read()
        .unwrap_or_else(|err| panic!("{err}: {}", server.stderr()));
    assert_eq!(recording.not_recorded, 0);
    recording
}

/// The threads that ran the connections.
fn connection_threads(recording: &Recording) -> BTreeSet<&str> {
    let events = recording.events_named("connection");
    events.iter().map(|(thread, _)| *thread).collect()
}

/// 50 clients at once, and one more that stays connected past SIGTERM: the
/// connections' polls run on tokio's 2 worker threads, never elsewhere;
/// and the picture is drawn when the grace period ends with it still open.
#[test]
fn tokio_holds_50_clients_on_2_worker_threads() {
    let bin = env!("CARGO_BIN_EXE_charfinder-tokio");
    let recording = serve_clients(bin, &[("TOKIO_WORKER_THREADS", "2")], 1);
    let polls = recording.events_named("connection");
    assert!(polls.len() > CLIENTS, "{recording:#?}");
    assert!(polls.iter().all(|(_, event)| event.kind == Kind::Poll));
    let threads = connection_threads(&recording);
    assert!(
        threads.len() <= 2 && threads.iter().all(|t| t.starts_with("tokio-rt-worker")),
        "{threads:?}"
    );
}

/// The same 50 clients on the thread server: one thread each, its function
/// one span from the first byte to the last.
#[test]
fn the_thread_server_runs_one_thread_per_client() {
    let bin = env!("CARGO_BIN_EXE_charfinder-thread");
    let recording = serve_clients(bin, &[], 0);
    let spans = recording.events_named("connection");
    assert_eq!(spans.len(), CLIENTS, "{recording:#?}");
    assert!(spans.iter().all(|(_, event)| event.kind == Kind::Span));
    assert_eq!(connection_threads(&recording).len(), CLIENTS);
}

/// smol and async-std: each connection is a watched task too, run on the
/// executor's threads, not on the main thread that accepts.
#[test]
fn smol_and_async_std_name_their_connection_tasks() {
    for bin in [
        env!("CARGO_BIN_EXE_charfinder-smol"),
        env!("CARGO_BIN_EXE_charfinder-async-std"),
    ] {
        let recording = serve_clients(bin, &[], 0);
        let polls = recording.events_named("connection");
        assert!(polls.len() > CLIENTS, "{bin}: {recording:#?}");
        let threads = connection_threads(&recording);
        assert!(!threads.contains("main"), "{bin}: {threads:?}");
    }
}

/// The façade (the solution) answers one search by asking its 2 backends
/// at once: a watched `ask` task each, next to the HTTP connection's task.
#[test]
fn the_facade_asks_each_backend_in_a_task_of_its_own() {
    let backend = Server::start(env!("CARGO_BIN_EXE_charfinder-tokio"), &[]);
    let bin = env!("CARGO_BIN_EXE_charfinder-facade-solution");
    let file = TimelineFile::new();
    let addr = backend.addr.to_string();
    let timeline = file.option();
    let facade = Server::start(bin, &["--backend", &addr, "--backend", &addr, &timeline]);
    let url = format!("http://{}/search?q=snowman", facade.addr);
    let (status, _, body) = get(&url).expect("the façade answers");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("SNOWMAN"), "{body}");
    let recording = terminate(facade, &file);
    let count = |name: &str| recording.events_named(name).len();
    assert_eq!(count("query"), 1, "{recording:#?}");
    assert!(
        count("ask") >= 2 && count("connection") >= 1,
        "{recording:#?}"
    );
}
