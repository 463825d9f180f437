//! Lab 2, countdown, on tokio: four countdowns share one runtime.
//!
//!     cargo run --bin countdown-tokio [-- --scale 0.5]
//!
//! Four tasks count 3, 2, 1: A every 0.7 s, B every 2 s, C every 0.3 s and
//! D every 1 s. Each tick prints the time since the start, in its own column.
//!
//! The runtime has exactly four worker threads, one per countdown, on every
//! machine (tokio's default is one per CPU core): what the experiment shows
//! depends on how many threads run the tasks, and with fewer threads than
//! countdowns it even changes from run to run (countdown/DEEPER.md shows how).
//!
//! Experiment: in `countdown()`, replace `tokio::time::sleep(delay).await` with
//! the blocking `std::thread::sleep(delay)`. Predict the output, then run again.
//! `countdown-tokio-blocking` is this file with that one edit, and
//! `countdown-tokio-current-thread-blocking` is that file run on tokio's
//! single-threaded runtime (`flavor = "current_thread"`).

use std::time::{Duration, Instant};

use countdown::{Args, rule, tick};
use labs::watch;

async fn countdown(label: &'static str, delay: Duration, start: Instant) {
    for n in (1..=3).rev() {
        std::thread::sleep(delay); // <1>
        tick(start, label, n); // <2>
    }
}

async fn supervisor(args: &Args) {
    let start = Instant::now();
    let tasks = [("A", 0.7), ("B", 2.0), ("C", 0.3), ("D", 1.0)].map(|(label, seconds)| {
        tokio::spawn(watch!(label, countdown(label, args.delay(seconds), start))) // <3>
    });
    for handle in tasks {
        handle.await.expect("a countdown panicked"); // <4>
    }
    rule();
}

#[tokio::main(flavor = "current_thread")] // <5>
async fn main() {
    let args: Args = labs::parse_args();
    supervisor(&args).await;
}
