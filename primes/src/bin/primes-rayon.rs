//! Lab 5, primes, part 3, rayon: the kept library for data parallelism
//! splits the numbers among N threads of its pool.
//!
//!     cargo run --release --bin primes-rayon [-- --workers 2]
//!
//! The queue, the workers and the channel of `primes-threads` become one
//! parallel iterator: `diff` this file with `primes-threads.rs`.

use std::sync::mpsc::{self, Receiver};
use std::time::Instant;

use labs::cli::fail;
use primes::{Checked, PoolArgs};
use rayon::prelude::*;

fn start_jobs(numbers: &[u64], workers: u32) -> Receiver<Checked> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers as usize)
        .build()
        .unwrap_or_else(|err| fail(1, err)); // <17>
    let (results_tx, results) = mpsc::channel();
    let numbers = numbers.to_vec();
    pool.spawn(move || {
        let jobs = numbers.into_par_iter().with_max_len(1); // <18>
        jobs.for_each_with(results_tx, |results, n| {
            let _ = results.send(Checked::check(n));
        });
    });
    results
}

fn report(results: Receiver<Checked>) -> usize {
    let mut checked = 0;
    for result in results {
        println!("{result}"); // <19>
        checked += 1;
    }
    checked
}

fn main() {
    let args: PoolArgs = labs::parse_args();
    let numbers = args.numbers.list();
    println!(
        "Checking {} numbers with {} rayon threads:",
        numbers.len(),
        args.workers
    );
    let started = Instant::now();
    let results = start_jobs(&numbers, args.workers);
    let checked = report(results);
    println!(
        "{checked} checks in {:.2}s",
        started.elapsed().as_secs_f64()
    );
}
