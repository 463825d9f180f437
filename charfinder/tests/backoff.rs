//! Out of file descriptors, `accept` fails at once, again and again: every
//! server must pause between tries (growing up to 1 s) and say so once,
//! not spin. Each server is started with a low open-files limit and sent
//! more connections than it can accept; then its CPU time over a second is
//! read from /proc. Linux only (it reads /proc).
#![cfg(target_os = "linux")]

mod support;

use std::net::TcpStream;
use std::process::Command;
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use support::{DEADLINE, Running};

/// The server's CPU time so far (user and system), from /proc/PID/stat.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc/PID/stat");
    // After the command name in parentheses: state is field 3, utime 14, stime 15.
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    let per_second = Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| {
            String::from_utf8(out.stdout)
                .ok()?
                .trim()
                .parse::<u64>()
                .ok()
        })
        .unwrap_or(100);
    Duration::from_secs_f64(ticks as f64 / per_second as f64)
}

/// One server at a time: several spinning at once would share the cores
/// (and seem to use less of one each), and the clients need files too.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn does_not_spin(bin: &str, args: &[&str]) {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let server = Running::start_with_open_files(bin, args, 64);
    // More connections than 64 files allow; fewer than any listen backlog
    // (128 or more), so that each connect completes without the server.
    let clients: Vec<TcpStream> = (0..100)
        .map(|_| TcpStream::connect_timeout(&server.addr, DEADLINE).expect("connect"))
        .collect();
    let start = Instant::now();
    while !server.stderr().contains("cannot ") {
        assert!(
            start.elapsed() < DEADLINE,
            "{bin}: no message: {}",
            server.stderr()
        );
        thread::sleep(Duration::from_millis(20));
    }
    thread::sleep(Duration::from_millis(300)); // the accepted ones settle
    let (cpu, wall) = (cpu_time(server.pid()), Instant::now());
    thread::sleep(Duration::from_secs(1));
    let used = (cpu_time(server.pid()) - cpu).as_secs_f64() / wall.elapsed().as_secs_f64();
    // A spinning server uses a whole core (or what a busy machine leaves
    // it, still a good part of one); one that pauses, a few retries a
    // second, next to nothing.
    assert!(
        used < 0.1,
        "{bin} used {:.0} % of a core while out of file descriptors",
        used * 100.0
    );
    let log = server.stderr();
    assert_eq!(log.matches("cannot accept").count(), 1, "{bin}: {log}");
    drop(clients);
}

#[test]
fn thread() {
    does_not_spin(env!("CARGO_BIN_EXE_charfinder-thread"), &[]);
}

#[test]
fn tokio() {
    does_not_spin(env!("CARGO_BIN_EXE_charfinder-tokio"), &[]);
}

#[test]
fn async_std() {
    does_not_spin(env!("CARGO_BIN_EXE_charfinder-async-std"), &[]);
}

#[test]
fn smol() {
    does_not_spin(env!("CARGO_BIN_EXE_charfinder-smol"), &[]);
}

#[test]
fn web() {
    does_not_spin(env!("CARGO_BIN_EXE_charfinder-web"), &[]);
}

#[test]
fn facade() {
    does_not_spin(env!("CARGO_BIN_EXE_charfinder-facade"), &[]);
}

#[test]
fn facade_solution() {
    does_not_spin(env!("CARGO_BIN_EXE_charfinder-facade-solution"), &[]);
}
