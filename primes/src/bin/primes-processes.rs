//! Lab 5, primes, part 3, processes: N worker processes, each this same
//! program started again with `--child`, take numbers in on their stdin and
//! write results out on their stdout, as Python's `multiprocessing` does.
//!
//!     cargo run --release --bin primes-processes [-- --workers 2]
//!
//! In the parent, one thread per child hands it a job from the queue and
//! reads back its result: `diff` this file with `primes-threads.rs`.

use std::io::{self, BufRead, BufReader, Write};
use std::process::{self, Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Instant;

use labs::cli::fail;
use primes::{Checked, PoolArgs};

fn worker(jobs: &Mutex<Receiver<u64>>, results: &Sender<Checked>, mut child: Child) {
    let mut to_child = child.stdin.take().expect("stdin is piped");
    let mut from_child = BufReader::new(child.stdout.take().expect("stdout is piped")).lines();
    loop {
        let job = jobs.lock().expect("no worker panics").recv(); // <12>
        let Ok(n) = job else {
            break; // <13>
        };
        let _ = writeln!(to_child, "{n}"); // <14>
        let answer = from_child.next().and_then(Result::ok);
        let checked = answer.as_deref().and_then(Checked::from_wire);
        let checked = checked.unwrap_or_else(|| fail(1, "a worker process ended early"));
        let _ = results.send(checked);
    }
    drop(to_child); // <15>
    let _ = child.wait();
}

fn start_jobs(numbers: &[u64], workers: u32) -> Receiver<Checked> {
    let (jobs_tx, jobs_rx) = mpsc::channel();
    for &n in numbers {
        jobs_tx.send(n).expect("the queue is open"); // <16>
    }
    drop(jobs_tx);
    let jobs = Arc::new(Mutex::new(jobs_rx));
    let (results_tx, results) = mpsc::channel();
    let program = std::env::current_exe().unwrap_or_else(|err| fail(1, err));
    for _ in 0..workers {
        let (jobs, results_tx) = (Arc::clone(&jobs), results_tx.clone());
        let child = Command::new(&program)
            .arg("--child")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|err| fail(1, format!("cannot start a worker process: {err}"))); // <17>
        thread::spawn(move || worker(&jobs, &results_tx, child));
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
    if args.child {
        return serve();
    }
    let numbers = args.numbers.list();
    println!(
        "Checking {} numbers with {} processes:",
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

fn serve() {
    let (lines_tx, lines) = mpsc::channel();
    thread::spawn(move || {
        for line in io::stdin().lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
        process::exit(0); // <20>
    });
    for line in lines {
        let n = line
            .trim()
            .parse()
            .unwrap_or_else(|_| fail(1, "not a number"));
        println!("{}", Checked::check(n).to_wire()); // <21>
    }
}
