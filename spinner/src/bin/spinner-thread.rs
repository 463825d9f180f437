//! Lab 1, spinner, on OS threads: a thread spins while `slow()` blocks.
//!
//!     cargo run --bin spinner-thread [-- --seconds 3]
//!
//! A thread cannot be cancelled from outside: the spinner checks a channel
//! between frames, and the supervisor hangs up to tell it to stop.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use labs::StatusLine;
use labs::timeline::span;
use spinner::Args;

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

fn slow(delay: Duration) -> u32 {
    thread::sleep(delay); // <3>
    42
}

fn supervisor(delay: Duration) -> u32 {
    let (done_tx, done_rx) = mpsc::channel();
    let spinner = thread::Builder::new()
        .name("spinner".into())
        .spawn(move || span("spinner", || spin("thinking!", done_rx)))
        .expect("the OS can start one more thread"); // <4>
    println!("spinner object: {:?}", spinner.thread()); // <5>
    let result = slow(delay); // <6>
    drop(done_tx); // <7>
    spinner.join().expect("the spinner thread does not panic"); // <8>
    result
}

fn main() {
    let args: Args = labs::parse_args();
    let result = span("supervisor", || supervisor(args.seconds));
    println!("Answer: {result}");
}
