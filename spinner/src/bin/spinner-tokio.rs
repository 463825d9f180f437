//! Lab 1, spinner, on tokio: a task spins while `slow()` awaits pretend I/O.
//!
//!     cargo run --bin spinner-tokio [-- --seconds 3]
//!
//! Experiment: in `slow()`, replace `tokio::time::sleep(delay).await` with the
//! blocking `std::thread::sleep(delay)`, run again, and explain what you see.
//! `spinner-tokio-blocking` is this file with that one edit;
//! `spinner-tokio-current-thread-blocking` runs it on a single-threaded
//! runtime, and `spinner-tokio-spawned-blocking` runs `supervisor` as a task.

use std::time::Duration;

use labs::{StatusLine, watch};
use spinner::Args;

async fn spin(msg: &str) {
    let line = StatusLine::new(); // <1>
    for ch in "|/-\\".chars().cycle() {
        line.draw(&format!("{ch} {msg}"));
        tokio::time::sleep(Duration::from_millis(100)).await; // <2>
    }
}

async fn slow(delay: Duration) -> u32 {
    tokio::time::sleep(delay).await; // <3>
    42
}

async fn supervisor(delay: Duration) -> u32 {
    let spinner = tokio::spawn(watch!("spinner", spin("thinking!"))); // <4>
    println!("spinner object: {spinner:?}"); // <5>
    let result = slow(delay).await; // <6>
    spinner.abort(); // <7>
    let _cancelled = spinner.await; // <8>
    result
}

#[tokio::main] // <9>
async fn main() {
    let args: Args = labs::parse_args();
    let result = watch!("supervisor", supervisor(args.seconds)).await;
    println!("Answer: {result}");
}
