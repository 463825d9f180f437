//! Lab 5, primes, part 3, threads: N worker threads take numbers from a
//! queue of jobs and send back their results.
//!
//!     cargo run --release --bin primes-threads [-- --workers 2]
//!
//! In Python the GIL lets one thread at a time run Python code, so this
//! version is no faster than the sequential one. In Rust the threads run at
//! the same time, one per core.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Instant;

use primes::{Checked, PoolArgs};

fn worker(jobs: &Mutex<Receiver<u64>>, results: &Sender<Checked>) {
    loop {
        let job = jobs.lock().expect("no worker panics").recv(); // <12>
        let Ok(n) = job else {
            break; // <13>
        };
        let _ = results.send(Checked::check(n)); // <14>
    }
}

fn start_jobs(numbers: &[u64], workers: u32) -> Receiver<Checked> {
    let (jobs_tx, jobs_rx) = mpsc::channel();
    for &n in numbers {
        jobs_tx.send(n).expect("the queue is open"); // <16>
    }
    drop(jobs_tx);
    let jobs = Arc::new(Mutex::new(jobs_rx));
    let (results_tx, results) = mpsc::channel();
    for _ in 0..workers {
        let (jobs, results_tx) = (Arc::clone(&jobs), results_tx.clone());
        thread::spawn(move || worker(&jobs, &results_tx)); // <17>
    }
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
        "Checking {} numbers with {} threads:",
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
