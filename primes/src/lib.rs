//! What the primes variants share that is not the lesson: the primality
//! check itself (the same trial division everywhere), the lab's numbers, the
//! options, the lines the programs print. Debug mode's watcher is
//! `labs::watch`, which also draws the timeline (`--timeline`).
//! The terminal line the spinners draw on is `labs::StatusLine`.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The largest number the lab accepts: 10^18. Its trial division takes
/// about 3 s in a debug build on a 2-core laptop, and the time grows with
/// the square root of the number.
pub const MAX_NUMBER: u64 = 1_000_000_000_000_000_000;

/// The spinner's number: the largest prime below 10^18, checked in about
/// 3 s in a debug build (`cargo run`) on a 2-core laptop.
pub const SPINNER_NUMBER: u64 = 999_999_999_999_999_989;

/// The 20 numbers of part 3, as in Fluent Python's chapter 19: primes and
/// not, 15 to 16 digits (and 2).
pub const NUMBERS: [u64; 20] = [
    2,
    142_702_110_479_723,
    299_593_572_317_531,
    3_333_333_333_333_301,
    3_333_333_333_333_333,
    3_333_335_652_092_209,
    4_444_444_444_444_423,
    4_444_444_444_444_444,
    4_444_444_488_888_889,
    5_555_553_133_149_889,
    5_555_555_555_555_503,
    5_555_555_555_555_555,
    6_666_666_666_666_666,
    6_666_666_666_666_719,
    6_666_667_141_414_921,
    7_777_777_536_340_681,
    7_777_777_777_777_753,
    7_777_777_777_777_777,
    9_999_999_999_999_917,
    9_999_999_999_999_999,
];

/// Trial division, as in the Python original: `n` is prime when no odd
/// number from 3 up to its square root divides it. Pure CPU work: it never
/// waits for anything, and it takes as long as it takes. With `--timeline`,
/// each check is drawn as blocking work named `is_prime` on its thread.
pub fn is_prime(n: u64) -> bool {
    labs::timeline::span("is_prime", || trial_division(n))
}

fn trial_division(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n % 2 == 0 {
        return n == 2;
    }
    let root = n.isqrt();
    let mut divisor = 3;
    while divisor <= root {
        if n % divisor == 0 {
            return false;
        }
        divisor += 2;
    }
    true
}

/// The same trial division as [`is_prime`], but every `every` divisions it
/// awaits `yield_now()`, the runtime's way for a task to give its thread
/// back to the executor for a moment. How many times it yielded and how long
/// it was away are recorded for [`answer`].
pub async fn is_prime_yielding<Y, F>(n: u64, every: u64, yield_now: Y) -> bool
where
    Y: Fn() -> F,
    F: Future<Output = ()>,
{
    if n < 2 {
        return false;
    }
    if n % 2 == 0 {
        return n == 2;
    }
    let root = n.isqrt();
    let mut divisor = 3;
    let mut since_yield = 0;
    while divisor <= root {
        if n % divisor == 0 {
            return false;
        }
        divisor += 2;
        since_yield += 1;
        if since_yield == every {
            since_yield = 0;
            let left = Instant::now();
            yield_now().await;
            YIELDS.fetch_add(1, Ordering::Relaxed);
            AWAY_NANOS.fetch_add(nanos(left.elapsed()), Ordering::Relaxed);
        }
    }
    true
}

static YIELDS: AtomicU64 = AtomicU64::new(0);
static AWAY_NANOS: AtomicU64 = AtomicU64::new(0);

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

/// The spinner variants' last line: the verdict and how long the check took,
/// in seconds with two decimals. After [`is_prime_yielding`], also how much
/// of that time the check spent away, yielding, so that the cost of
/// yielding is measured: without it the check would have taken the rest.
pub fn answer(n: u64, prime: bool, took: Duration) -> String {
    let verdict = if prime { "is prime" } else { "is not prime" };
    let yields = YIELDS.load(Ordering::Relaxed);
    let away = Duration::from_nanos(AWAY_NANOS.load(Ordering::Relaxed));
    let mut line = format!(
        "Answer: {n} {verdict} (checked in {:.2} s",
        took.as_secs_f64()
    );
    if yields > 0 {
        line += &format!(
            "; {yields} yields took {:.2} s of it, the divisions {:.2} s",
            away.as_secs_f64(),
            took.saturating_sub(away).as_secs_f64()
        );
    }
    line + ")"
}

/// A clap value parser for a whole number from `min` to `max`. Whatever was
/// typed (`-5`, `1e30`, `x`, a run of 9s), the error says the range.
pub fn whole_within<T>(min: T, max: T) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync
where
    T: std::str::FromStr + PartialOrd + fmt::Display + Copy + Send + Sync + 'static,
{
    move |text| match text.trim().parse::<T>() {
        Ok(n) if min <= n && n <= max => Ok(n),
        _ => Err(format!("expected a whole number from {min} to {max}")),
    }
}

/// A clap value parser for a number to check: 1 to 10^18.
fn number(text: &str) -> Result<u64, String> {
    whole_within(1, MAX_NUMBER)(text)
}

/// A spinner turns while a large number is checked for primality.
#[derive(Debug, clap::Parser)]
#[command(version)]
pub struct Args {
    /// The number to check [1 to 10^18]; the default, the largest prime
    /// below 10^18, takes about 3 s in a debug build.
    #[arg(long, value_name = "N", default_value_t = SPINNER_NUMBER, value_parser = number,
          allow_negative_numbers = true)]
    pub number: u64,
}

/// A spinner turns while a large number is checked, with asyncio's debug
/// mode: `--debug` warns about every poll that holds the thread too long.
#[derive(Debug, clap::Parser)]
#[command(version)]
pub struct AsyncArgs {
    /// The number to check [1 to 10^18]; the default, the largest prime
    /// below 10^18, takes about 3 s in a debug build.
    #[arg(long, value_name = "N", default_value_t = SPINNER_NUMBER, value_parser = number,
          allow_negative_numbers = true)]
    pub number: u64,
    /// Debug mode: warn on stderr about every poll of a task that holds its
    /// thread longer than --slow-poll (like asyncio's debug mode).
    #[arg(long)]
    pub debug: bool,
    /// How long one poll may take before debug mode reports it, in
    /// milliseconds [1 to 60000; default: 100]. Turns debug mode on.
    #[arg(long, value_name = "MS", value_parser = whole_within(1_u64, 60_000),
          allow_negative_numbers = true)]
    pub slow_poll: Option<u64>,
}

/// Debug mode's threshold when `--slow-poll` does not say: 100 ms, as in
/// asyncio (`loop.slow_callback_duration`).
pub const SLOW_POLL: Duration = Duration::from_millis(100);

impl AsyncArgs {
    /// With `--debug`, turns the watch on: from now on every task wrapped in
    /// [`labs::watch`] reports each poll longer than `--slow-poll`. Without
    /// it, does nothing, and a watched task costs one check per poll.
    pub fn debug_mode(&self) {
        if self.debug || self.slow_poll.is_some() {
            let slow_poll = self.slow_poll.map_or(SLOW_POLL, Duration::from_millis);
            labs::timeline::warn_slow_polls(slow_poll);
        }
    }
}

/// How many CPUs this process may use: the default number of workers.
pub fn cpus() -> u32 {
    std::thread::available_parallelism()
        .map_or(1, |n| u32::try_from(n.get()).unwrap_or(u32::MAX))
        .min(MAX_WORKERS)
}

/// The most workers part 3 starts.
pub const MAX_WORKERS: u32 = 256;

/// Part 3: the lab's 20 numbers, or others.
#[derive(Debug, clap::Args)]
pub struct Numbers {
    /// Check these numbers instead of the lab's 20, separated by commas
    /// [each 1 to 10^18].
    #[arg(long, value_name = "N,N,...", value_delimiter = ',', value_parser = number,
          allow_negative_numbers = true)]
    numbers: Option<Vec<u64>>,
}

impl Numbers {
    /// The numbers to check, in order.
    pub fn list(&self) -> Vec<u64> {
        self.numbers.clone().unwrap_or_else(|| NUMBERS.to_vec())
    }
}

/// Checks numbers one after another.
#[derive(Debug, clap::Parser)]
#[command(version)]
pub struct SequentialArgs {
    #[command(flatten)]
    pub numbers: Numbers,
}

/// Checks numbers with a pool of workers.
#[derive(Debug, clap::Parser)]
#[command(version)]
pub struct PoolArgs {
    #[command(flatten)]
    pub numbers: Numbers,
    /// How many workers [1 to 256]; the default is the number of CPUs.
    #[arg(long, value_name = "N", default_value_t = cpus(),
          value_parser = whole_within(1, MAX_WORKERS),
          allow_negative_numbers = true)]
    pub workers: u32,
    /// Internal: run as a worker process of primes-processes (numbers in on
    /// stdin, results out on stdout).
    #[arg(long, hide = true)]
    pub child: bool,
}

/// One number checked: what a worker hands back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    pub n: u64,
    pub prime: bool,
    /// How long the check took in the worker.
    pub took: Duration,
}

impl Checked {
    /// Checks `n` and times it.
    pub fn check(n: u64) -> Checked {
        let started = Instant::now();
        let prime = is_prime(n);
        Checked {
            n,
            prime,
            took: started.elapsed(),
        }
    }

    /// The line a worker process writes on its stdout: `n 1 nanoseconds`
    /// (1 for prime, 0 for not). What Python's `multiprocessing` does with
    /// pickle, in plain text.
    pub fn to_wire(&self) -> String {
        format!(
            "{} {} {}",
            self.n,
            u8::from(self.prime),
            self.took.as_nanos()
        )
    }

    /// Reads a line written by [`to_wire`](Checked::to_wire).
    pub fn from_wire(line: &str) -> Option<Checked> {
        let mut words = line.split_whitespace();
        let n = words.next()?.parse().ok()?;
        let prime = match words.next()? {
            "1" => true,
            "0" => false,
            _ => return None,
        };
        let took = Duration::from_nanos(words.next()?.parse().ok()?);
        words.next().is_none().then_some(Checked { n, prime, took })
    }
}

/// As the Python original prints a result: the number, `P` if it is prime,
/// and the time the check took in the worker, in seconds.
impl fmt::Display for Checked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = if self.prime { 'P' } else { ' ' };
        write!(
            f,
            "{:>16}  {label} {:9.6}s",
            self.n,
            self.took.as_secs_f64()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trial_division_agrees_with_the_list() {
        let primes: Vec<u64> = (0..60).filter(|&n| is_prime(n)).collect();
        assert_eq!(
            primes,
            [
                2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59
            ]
        );
        assert!(is_prime(142_702_110_479_723));
        assert!(!is_prime(4_444_444_488_888_889)); // 66666667²
    }

    #[test]
    fn the_yielding_check_gives_the_same_verdicts() {
        for n in 0..2000 {
            let yielding = smol::block_on(is_prime_yielding(n, 3, smol::future::yield_now));
            assert_eq!(yielding, is_prime(n), "{n}");
        }
    }

    #[test]
    fn good_numbers_reach_the_fields() {
        use clap::Parser;
        let args = AsyncArgs::try_parse_from(["p", "--slow-poll", "250", "--number", "7"]);
        let args = args.expect("good options");
        assert_eq!((args.slow_poll, args.number), (Some(250), 7));
        let args = PoolArgs::try_parse_from(["p", "--workers", "256", "--numbers", "1,2"]);
        let args = args.expect("good options");
        assert_eq!((args.workers, args.numbers.list()), (256, vec![1, 2]));
    }

    #[test]
    fn a_result_survives_the_wire() {
        let checked = Checked {
            n: 9_999_999_999_999_917,
            prime: true,
            took: Duration::from_nanos(1_234_567_891),
        };
        assert_eq!(Checked::from_wire(&checked.to_wire()), Some(checked));
        assert_eq!(Checked::from_wire("12 2 3"), None);
        assert_eq!(Checked::from_wire("12 1"), None);
        assert_eq!(Checked::from_wire("12 1 3 4"), None);
    }

    #[test]
    fn a_result_prints_as_in_python() {
        let checked = Checked {
            n: 2,
            prime: true,
            took: Duration::from_micros(1),
        };
        assert_eq!(checked.to_string(), "               2  P  0.000001s");
    }
}
