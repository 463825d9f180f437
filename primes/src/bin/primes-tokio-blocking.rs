//! Lab 5, primes, part 1 on tokio: a spinner turns while a large number is
//! checked for primality, pure CPU work handed to `spawn_blocking`.
//!
//!     cargo run --bin primes-tokio [-- --number 999999999999999989 --debug]
//!
//! Every task runs on one thread (`current_thread`), like asyncio's event
//! loop; `spawn_blocking` runs the check on a thread of tokio's blocking pool.
//! Experiments: in `slow()`, replace the `spawn_blocking` line with
//! `Ok(primes::is_prime(n)) // <3>` (`primes-tokio-blocking` is this file
//! with that edit), or with
//! `Ok(primes::is_prime_yielding(n, 10_000, tokio::task::yield_now).await) // <3>`
//! (`primes-tokio-yield`).

use std::time::{Duration, Instant};

use labs::{StatusLine, watch};
use primes::AsyncArgs;
use tokio::task::JoinError;

async fn spin(msg: &str) {
    let line = StatusLine::new(); // <1>
    for ch in "|/-\\".chars().cycle() {
        line.draw(&format!("{ch} {msg}"));
        tokio::time::sleep(Duration::from_millis(100)).await; // <2>
    }
}

async fn slow(n: u64) -> Result<bool, JoinError> {
    Ok(primes::is_prime(n)) // <3>
}

async fn supervisor(n: u64) -> bool {
    let spinner = tokio::spawn(watch!("spinner", spin("thinking!"))); // <4>
    let prime = slow(n).await.expect("the check does not panic"); // <5>
    spinner.abort(); // <6>
    let _cancelled = spinner.await; // <7>
    prime
}

#[tokio::main(flavor = "current_thread")] // <8>
async fn main() {
    let args: AsyncArgs = labs::parse_args();
    args.debug_mode(); // <9>
    let started = Instant::now();
    let prime = watch!("supervisor", supervisor(args.number)).await; // <10>
    println!("{}", primes::answer(args.number, prime, started.elapsed()));
}
