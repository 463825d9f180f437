//! Out of file descriptors, `accept` fails at once, again and again: every
//! server must pause between tries (growing up to 1 s) and say so once,
//! not spin. Each server is started with a low open-files limit and sent
//! more connections than it can accept; then the state of its threads is
//! looked at in /proc, again and again for a second. Linux only (it reads
//! /proc).
#![cfg(target_os = "linux")]

use crate::support;

use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use support::{DEADLINE, Server};

/// The servers, all measured at once.
const SERVERS: [&str; 7] = [
    env!("CARGO_BIN_EXE_charfinder-thread"),
    env!("CARGO_BIN_EXE_charfinder-tokio"),
    env!("CARGO_BIN_EXE_charfinder-async-std"),
    env!("CARGO_BIN_EXE_charfinder-smol"),
    env!("CARGO_BIN_EXE_charfinder-web"),
    env!("CARGO_BIN_EXE_charfinder-facade"),
    env!("CARGO_BIN_EXE_charfinder-facade-solution"),
];

/// The server's open-files limit, and the connections sent to it: more
/// than the limit allows, fewer than any listen backlog (128 or more), so
/// that each connect completes without the server.
const OPEN_FILES: u32 = 32;
const CLIENTS: usize = 50;

/// How many times, 10 ms apart, the server's threads are looked at.
const LOOKS: u32 = 100;

/// Whether any thread of the process is running or waiting for a core
/// (state `R` in /proc/PID/task/TID/stat), rather than asleep.
fn runnable(pid: u32) -> bool {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return false;
    };
    tasks.flatten().any(|task| {
        std::fs::read_to_string(task.path().join("stat")).is_ok_and(|stat| {
            // After the command name in parentheses comes the state.
            stat.rfind(')')
                .and_then(|end| stat.get(end + 2..end + 3))
                .is_some_and(|state| state == "R")
        })
    })
}

/// Runs one server out of files and returns what went wrong, if anything.
fn spins(bin: &str) -> Option<String> {
    let name = bin.rsplit(['/', '\\']).next().unwrap_or(bin);
    let server = Server::start_with_open_files(bin, &[], OPEN_FILES);
    let clients: Vec<TcpStream> = (0..CLIENTS)
        .map(|_| TcpStream::connect_timeout(&server.addr, DEADLINE).expect("connect"))
        .collect();
    let start = Instant::now();
    while !server.stderr().contains("cannot ") {
        if start.elapsed() > DEADLINE {
            return Some(format!("{name}: no message: {}", server.stderr()));
        }
        thread::sleep(Duration::from_millis(20));
    }
    thread::sleep(Duration::from_millis(300)); // the accepted ones settle
    // A spinning server is always runnable: running, or waiting for a core
    // on a busy machine (so the servers can be measured at once, and on one
    // core). One that pauses, a few tries a second, is nearly always asleep.
    let busy = (0..LOOKS)
        .filter(|_| {
            thread::sleep(Duration::from_millis(10));
            runnable(server.pid())
        })
        .count();
    let log = server.stderr();
    drop(clients);
    if busy * 10 > LOOKS as usize {
        return Some(format!(
            "{name} was running in {busy} of {LOOKS} looks while out of file descriptors"
        ));
    }
    let messages = log.matches("cannot accept").count();
    (messages != 1).then(|| format!("{name} said it {messages} times: {log}"))
}

#[test]
fn no_server_spins_out_of_file_descriptors() {
    let failures: Vec<String> = thread::scope(|scope| {
        let runs: Vec<_> = SERVERS
            .iter()
            .map(|bin| scope.spawn(move || spins(bin)))
            .collect();
        runs.into_iter()
            .filter_map(|run| run.join().unwrap())
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
