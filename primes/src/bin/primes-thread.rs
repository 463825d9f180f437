//! Lab 5, primes, part 1 on OS threads: a spinner thread turns while the
//! main thread checks a large number for primality.
//!
//!     cargo run --bin primes-thread [-- --number 999999999999999989]
//!
//! Two threads, two cores: the spinner and the check run at the same time,
//! both at full speed. Rust has no global lock (no GIL).

use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use labs::StatusLine;
use labs::timeline::span;
use primes::Args;

fn spin(msg: &str, done: Receiver<()>) {
    let line = StatusLine::new(); // <1>
    for ch in "|/-\\".chars().cycle() {
        line.draw(&format!("{ch} {msg}"));
        let waited = done.recv_timeout(Duration::from_millis(100)); // <2>
        if waited == Err(RecvTimeoutError::Disconnected) {
            break;
        }
    }
}

fn slow(n: u64) -> bool {
    primes::is_prime(n) // <3>
}

fn supervisor(n: u64) -> bool {
    let (done_tx, done_rx) = mpsc::channel();
    let spinner = thread::spawn(move || span("spinner", || spin("thinking!", done_rx))); // <4>
    let prime = slow(n); // <5>
    drop(done_tx); // <6>
    spinner.join().expect("the spinner thread does not panic"); // <7>
    prime
}

fn main() {
    let args: Args = labs::parse_args();
    let started = Instant::now();
    let prime = span("supervisor", || supervisor(args.number));
    println!("{}", primes::answer(args.number, prime, started.elapsed()));
}
