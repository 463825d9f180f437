//! Lab 5, primes, part 3, sequential: 20 numbers checked one after another.
//!
//!     cargo run --release --bin primes-sequential
//!
//! The baseline for the parallel variants: `primes-threads`,
//! `primes-processes`, `primes-rayon`.

use std::time::Instant;

use primes::{Checked, SequentialArgs};

fn main() {
    let args: SequentialArgs = labs::parse_args();
    let numbers = args.numbers.list();
    println!("Checking {} numbers sequentially:", numbers.len());
    let started = Instant::now();
    for &n in &numbers {
        println!("{}", Checked::check(n)); // <11>
    }
    let checked = numbers.len();
    println!(
        "{checked} checks in {:.2}s",
        started.elapsed().as_secs_f64()
    );
}
