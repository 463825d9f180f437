//! Lab 1, spinner, on smol: a task spins while `slow()` awaits pretend I/O.
//!
//!     cargo run --bin spinner-smol [-- --seconds 3]
//!
//! The executor is a value made in `main` and driven by the main thread
//! alone, so every task of this program runs on that one thread.
//!
//! Experiment: in `slow()`, replace `Timer::after(delay).await` with the
//! blocking `std::thread::sleep(delay)`, run again, and explain what you see.
//! `spinner-smol-blocking` is this file with that one edit.

use std::time::Duration;

use labs::{StatusLine, watch};
use smol::{Executor, Timer};
use spinner::Args;

async fn spin(msg: &str) {
    let line = StatusLine::new(); // <1>
    for ch in "|/-\\".chars().cycle() {
        line.draw(&format!("{ch} {msg}"));
        Timer::after(Duration::from_millis(100)).await; // <2>
    }
}

async fn slow(delay: Duration) -> u32 {
    std::thread::sleep(delay); // <3>
    42
}

async fn supervisor(ex: &Executor<'_>, delay: Duration) -> u32 {
    let spinner = ex.spawn(watch!("spinner", spin("thinking!"))); // <4>
    println!("spinner object: {spinner:?}"); // <5>
    let result = slow(delay).await; // <6>
    let _cancelled = spinner.cancel().await; // <7> <8>
    result
}

fn main() {
    let args: Args = labs::parse_args();
    let ex = Executor::new(); // <9>
    let result = smol::block_on(ex.run(watch!("supervisor", supervisor(&ex, args.seconds))));
    println!("Answer: {result}");
}
