//! Runs the primes binaries as a person would, each with a deadline: through
//! pipes (`labs::testkit::run`) or in a real pseudo-terminal (`run_in_pty`,
//! Unix only).

#![allow(dead_code)] // each test binary uses a part

use std::time::Duration;

/// Far longer than any run of the tests takes (a few seconds each, on a
/// busy machine), so a hang fails the test instead of stalling the suite.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// A number whose check takes about 0.8 s in a debug build on a 2-core
/// laptop (the largest prime below 10^17): long enough for the spinner to
/// draw several frames, and for one poll to be far over 100 ms.
pub const SPINNER_NUMBER: &str = "99999999999999997";

/// Nine numbers for part 3, primes and not, that take milliseconds each in a
/// debug build: 999979 x 999983, 999983², 7777777777777 = 7 x 1111111111111, ...
pub const SHORT_LIST: &str = "2,999999999989,999962000357,2999999999933,5000000000000,4999999999937,999966000289,7777777777777,9999999999971";

/// The binary's name, for messages: `primes-tokio`.
pub fn name(program: &str) -> &str {
    std::path::Path::new(program)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or(program)
}

#[cfg(unix)]
#[allow(unused_imports)] // the pool tests use no terminal
pub use pty::*;

/// The terminal is the workspace's `labs-pty` crate; what is the primes'
/// spinner's own is here.
#[cfg(unix)]
mod pty {
    pub use labs_pty::Run;

    use super::DEADLINE;

    /// How many spinner frames were drawn.
    pub fn frames_drawn(run: &Run) -> usize {
        run.text().matches(" thinking!").count()
    }

    /// Runs `program` with `args` in a fresh 24x80 pseudo-terminal, with a deadline.
    pub fn run_in_pty(program: &str, args: &[&str]) -> Run {
        labs_pty::run(program, args, DEADLINE)
    }
}
