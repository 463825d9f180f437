//! The supervisor lab's stand-in for a real service: prints numbered lines,
//! and can crash, flood its pipes, ignore SIGTERM or close its output, on
//! demand and reproducibly (`--seed`), so that every supervisor can be shown
//! (and tested) at work with real processes.
//!
//!     cargo run --bin supervisor-worker -- --lines 5 --crash-rate 0.3 --seed 7

use std::io::{self, Write};
use std::process::exit;
use std::thread::sleep;
use std::time::Duration;

use labs::cli::{fail, seconds_within};
use labs::platform;

/// Print numbered lines, one every --every seconds, then exit; or crash,
/// flood, ignore SIGTERM, close stdout, as told.
#[derive(Debug, clap::Parser)]
#[command(version)]
struct Args {
    /// Lines to print on stdout [0 to 1000000].
    #[arg(long, value_name = "N", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(0..=1_000_000), allow_hyphen_values = true)]
    lines: u32,
    /// Seconds between lines [0 to 60].
    #[arg(long, value_name = "SECS", default_value = "0.2",
          value_parser = seconds_within(0.0, 60.0), allow_hyphen_values = true)]
    every: Duration,
    /// Exit status at the end [0 to 255].
    #[arg(long, value_name = "CODE", default_value_t = 0,
          value_parser = clap::value_parser!(u8), allow_hyphen_values = true)]
    exit: u8,
    /// Probability of crashing (exit status 1) before each line [0 to 1].
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = probability,
          allow_hyphen_values = true)]
    crash_rate: f64,
    /// Seed for the crashes: the same seed crashes at the same line
    /// [0 to 18446744073709551615].
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// First write this many bytes to stderr, in lines of 100 bytes
    /// [0 to 1000000000].
    #[arg(long, value_name = "BYTES", default_value_t = 0,
          value_parser = clap::value_parser!(u64).range(0..=1_000_000_000),
          allow_hyphen_values = true)]
    stderr_bytes: u64,
    /// First write one line this long to stdout [0 to 1000000000].
    #[arg(long, value_name = "BYTES", default_value_t = 0,
          value_parser = clap::value_parser!(u64).range(0..=1_000_000_000),
          allow_hyphen_values = true)]
    long_line: u64,
    /// Ignore SIGTERM and SIGINT (Ctrl-C and Ctrl-Break on Windows).
    #[arg(long)]
    ignore_stop: bool,
    /// Close stdout and stderr after the first line, and go on running.
    #[arg(long)]
    close_output: bool,
}

fn probability(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err("expected a probability from 0 to 1, like 0.25".into()),
    }
}

fn main() {
    let args: Args = labs::parse_args();
    if args.ignore_stop {
        platform::ignore_stop_requests().unwrap_or_else(|err| fail(1, err));
    }
    let mut rng = args
        .seed
        .map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
    flood(&mut io::stderr().lock(), args.stderr_bytes, b"stderr ")
        .unwrap_or_else(|err| fail(1, err));
    flood(&mut io::stdout().lock(), args.long_line, b"").unwrap_or_else(|err| fail(1, err));
    for line in 1..=args.lines {
        if rng.f64() < args.crash_rate {
            eprintln!("crashed before line {line}");
            exit(1);
        }
        // Quietly, once the output is closed on purpose.
        let _ = writeln!(io::stdout(), "line {line} of {}", args.lines);
        if args.close_output && line == 1 {
            platform::close_stdout_and_stderr().unwrap_or_else(|err| fail(1, err));
        }
        if line < args.lines {
            sleep(args.every);
        }
    }
    exit(args.exit.into())
}

/// Writes `bytes` bytes: lines of 100 bytes starting with `label`, or, with
/// no label, one line of them all.
fn flood(out: &mut impl Write, bytes: u64, label: &[u8]) -> io::Result<()> {
    if bytes == 0 {
        return Ok(());
    }
    let mut chunk = [b'x'; 100];
    chunk[..label.len()].copy_from_slice(label);
    if !label.is_empty() {
        chunk[99] = b'\n';
    }
    let mut left = bytes;
    while left > 0 {
        let n = left.min(100);
        out.write_all(&chunk[..n as usize])?;
        left -= n;
    }
    if label.is_empty() {
        out.write_all(b"\n")?;
    }
    out.flush()
}
