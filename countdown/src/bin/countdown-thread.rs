//! Lab 2, countdown, on OS threads: one thread per countdown.
//!
//!     cargo run --bin countdown-thread [-- --scale 0.5]
//!
//! Four threads count 3, 2, 1: A every 0.7 s, B every 2 s, C every 0.3 s and
//! D every 1 s. Each tick prints the time since the start, in its own column.
//!
//! Here `thread::sleep` is the right call: it blocks only the thread that
//! sleeps, and every countdown has a thread of its own. Compare with the
//! async variants, where the same call is the experiment.

use std::thread;
use std::time::{Duration, Instant};

use countdown::{Args, rule, tick};
use labs::timeline::span;

fn countdown(label: &'static str, delay: Duration, start: Instant) {
    for n in (1..=3).rev() {
        thread::sleep(delay); // <1>
        tick(start, label, n); // <2>
    }
}

fn supervisor(args: &Args) {
    let start = Instant::now();
    let threads = [("A", 0.7), ("B", 2.0), ("C", 0.3), ("D", 1.0)].map(|(label, seconds)| {
        let delay = args.delay(seconds);
        thread::spawn(move || span(label, || countdown(label, delay, start))) // <3>
    });
    for handle in threads {
        handle.join().expect("a countdown panicked"); // <4>
    }
    rule();
}

fn main() {
    let args: Args = labs::parse_args();
    supervisor(&args);
}
