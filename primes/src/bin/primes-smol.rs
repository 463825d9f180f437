//! Lab 5, primes, part 1 on smol: a spinner turns while a large number is
//! checked for primality, pure CPU work handed to `smol::unblock`.
//!
//!     cargo run --bin primes-smol [-- --number 999999999999999989 --debug]
//!
//! The executor is a value made in `main` and driven by the main thread
//! alone, like asyncio's event loop. `unblock` runs the check on a thread
//! of its own pool.

use std::time::{Duration, Instant};

use labs::{StatusLine, watch};
use primes::AsyncArgs;
use smol::{Executor, Timer};

async fn spin(msg: &str) {
    let line = StatusLine::new(); // <1>
    for ch in "|/-\\".chars().cycle() {
        line.draw(&format!("{ch} {msg}"));
        Timer::after(Duration::from_millis(100)).await; // <2>
    }
}

async fn slow(n: u64) -> bool {
    smol::unblock(move || primes::is_prime(n)).await // <3>
}

async fn supervisor(ex: &Executor<'_>, n: u64) -> bool {
    let spinner = ex.spawn(watch!("spinner", spin("thinking!"))); // <4>
    let prime = slow(n).await; // <5>
    let _cancelled = spinner.cancel().await; // <6> <7>
    prime
}

fn main() {
    let args: AsyncArgs = labs::parse_args();
    let ex = Executor::new(); // <8>
    args.debug_mode(); // <9>
    let started = Instant::now();
    let prime = smol::block_on(ex.run(watch!("supervisor", supervisor(&ex, args.number)))); // <10>
    println!("{}", primes::answer(args.number, prime, started.elapsed()));
}
