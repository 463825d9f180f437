//! Lab 2, countdown, on async-std: four countdowns share one runtime.
//!
//!     cargo run --bin countdown-async-std [-- --scale 0.5]
//!
//! Legacy: async-std was discontinued upstream in 2025 (its authors point to
//! smol). It is kept here because much existing code and many books use it,
//! and its API mirrors std's; compare it with the smol variant.
//!
//! Four tasks count 3, 2, 1: A every 0.7 s, B every 2 s, C every 0.3 s and
//! D every 1 s. Each tick prints the time since the start, in its own column.
//!
//! The runtime has exactly four worker threads, one per countdown, on every
//! machine (async-std's default is one per CPU core): what the experiment
//! shows depends on how many threads run the tasks, and with fewer threads
//! than countdowns it even changes from run to run (countdown/DEEPER.md
//! shows how).
//! async-std reads the count from the environment variable
//! ASYNC_STD_THREAD_COUNT when it starts, so `main` sets it first.
//!
//! Experiment: in `countdown()`, replace `task::sleep(delay).await` with the
//! blocking `std::thread::sleep(delay)`. Predict the output, then run again.
//! `countdown-async-std-blocking` is this file with that one edit.

use std::time::{Duration, Instant};

use async_std::task;
use countdown::{Args, rule, tick};
use labs::watch;

async fn countdown(label: &'static str, delay: Duration, start: Instant) {
    for n in (1..=3).rev() {
        task::sleep(delay).await; // <1>
        tick(start, label, n); // <2>
    }
}

async fn supervisor(args: &Args) {
    let start = Instant::now();
    let tasks = [("A", 0.7), ("B", 2.0), ("C", 0.3), ("D", 1.0)].map(|(label, seconds)| {
        task::spawn(watch!(label, countdown(label, args.delay(seconds), start))) // <3>
    });
    for handle in tasks {
        handle.await; // <4>
    }
    rule();
}

fn main() {
    let args: Args = labs::parse_args();
    // SAFETY: no other thread is running yet that could read the environment.
    unsafe { std::env::set_var("ASYNC_STD_THREAD_COUNT", "4") }; // <5>
    task::block_on(supervisor(&args));
}
