//! Lab 5, primes, part 1 on async-std: a spinner turns while a large number
//! is checked for primality, pure CPU work handed to `spawn_blocking`.
//!
//!     cargo run --bin primes-async-std [-- --number 999999999999999989 --debug]
//!
//! Legacy: async-std was discontinued upstream in 2025 (its authors point to
//! smol). It is kept here because much existing code and many books use it.
//! `main` runs on the main thread; spawned tasks run on a pool of threads.

use std::time::{Duration, Instant};

use async_std::task;
use labs::{StatusLine, watch};
use primes::AsyncArgs;

async fn spin(msg: &str) {
    let line = StatusLine::new(); // <1>
    for ch in "|/-\\".chars().cycle() {
        line.draw(&format!("{ch} {msg}"));
        task::sleep(Duration::from_millis(100)).await; // <2>
    }
}

async fn slow(n: u64) -> bool {
    task::spawn_blocking(move || primes::is_prime(n)).await // <3>
}

async fn supervisor(n: u64) -> bool {
    let spinner = task::spawn(watch!("spinner", spin("thinking!"))); // <4>
    let prime = slow(n).await; // <5>
    let _cancelled = spinner.cancel().await; // <6> <7>
    prime
}

#[async_std::main] // <8>
async fn main() {
    let args: AsyncArgs = labs::parse_args();
    args.debug_mode(); // <9>
    let started = Instant::now();
    let prime = watch!("supervisor", supervisor(args.number)).await; // <10>
    println!("{}", primes::answer(args.number, prime, started.elapsed()));
}
