//! Lab 1, spinner, on async-std: a task spins while `slow()` awaits pretend I/O.
//!
//!     cargo run --bin spinner-async-std [-- --seconds 3]
//!
//! Legacy: async-std was discontinued upstream in 2025 (its authors point to
//! smol). It is kept here because much existing code and many books use it,
//! and its API mirrors std's; compare it with the smol variant.
//!
//! Experiment: in `slow()`, replace `task::sleep(delay).await` with the
//! blocking `std::thread::sleep(delay)`, run again, and explain what you see.
//! `spinner-async-std-blocking` is this file with that one edit.

use std::time::Duration;

use async_std::task;
use labs::{StatusLine, watch};
use spinner::Args;

async fn spin(msg: &str) {
    let line = StatusLine::new(); // <1>
    for ch in "|/-\\".chars().cycle() {
        line.draw(&format!("{ch} {msg}"));
        task::sleep(Duration::from_millis(100)).await; // <2>
    }
}

async fn slow(delay: Duration) -> u32 {
    task::sleep(delay).await; // <3>
    42
}

async fn supervisor(delay: Duration) -> u32 {
    let spinner = task::spawn(watch!("spinner", spin("thinking!"))); // <4>
    println!("spinner object: {spinner:?}"); // <5>
    let result = slow(delay).await; // <6>
    let _cancelled = spinner.cancel().await; // <7> <8>
    result
}

#[async_std::main] // <9>
async fn main() {
    let args: Args = labs::parse_args();
    let result = watch!("supervisor", supervisor(args.seconds)).await;
    println!("Answer: {result}");
}
