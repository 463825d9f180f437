//! Lab 2, countdown, on smol: four countdowns share one executor.
//!
//!     cargo run --bin countdown-smol [-- --scale 0.5]
//!
//! Four tasks count 3, 2, 1: A every 0.7 s, B every 2 s, C every 0.3 s and
//! D every 1 s. Each tick prints the time since the start, in its own column.
//!
//! The executor is a value made in `main` and driven by the main thread
//! alone, so all four tasks run on that one thread, on every machine.
//!
//! Experiment: in `countdown()`, replace `smol::Timer::after(delay).await`
//! with the blocking `std::thread::sleep(delay)`. Predict the output, then run
//! again. `countdown-smol-blocking` is this file with that one edit.

use std::time::{Duration, Instant};

use countdown::{Args, rule, tick};
use labs::watch;
use smol::Executor;

async fn countdown(label: &'static str, delay: Duration, start: Instant) {
    for n in (1..=3).rev() {
        smol::Timer::after(delay).await; // <1>
        tick(start, label, n); // <2>
    }
}

async fn supervisor(ex: &Executor<'_>, args: &Args) {
    let start = Instant::now();
    let tasks = [("A", 0.7), ("B", 2.0), ("C", 0.3), ("D", 1.0)].map(|(label, seconds)| {
        ex.spawn(watch!(label, countdown(label, args.delay(seconds), start))) // <3>
    });
    for handle in tasks {
        handle.await; // <4>
    }
    rule();
}

fn main() {
    let args: Args = labs::parse_args();
    let ex = Executor::new(); // <5>
    smol::block_on(ex.run(supervisor(&ex, &args)));
}
