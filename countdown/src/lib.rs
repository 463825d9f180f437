//! What the countdown variants share that is not the lesson: their option,
//! the delays scaled by it, and how a tick is printed.

use std::time::{Duration, Instant};

/// Four countdowns, A every 0.7 s, B every 2 s, C every 0.3 s, D every 1 s,
/// each counting 3, 2, 1.
#[derive(Debug, clap::Parser)]
#[command(version)]
pub struct Args {
    /// Multiplies every delay [0.1 to 10] (1 is the lab's speed; 0.5 runs
    /// twice as fast).
    #[arg(long, value_name = "F", default_value = "1", value_parser = scale,
          allow_hyphen_values = true)]
    pub scale: f64,
}

impl Args {
    /// `seconds` times the scale, in whole milliseconds, so that every
    /// delay, scaled or not, is exact.
    pub fn delay(&self, seconds: f64) -> Duration {
        // `scale` checked the range: at most 2 s * 10 = 20 000 ms.
        Duration::from_millis((seconds * self.scale * 1000.0).round() as u64)
    }
}

/// The range of `--scale`: from a 1.2 s run to a 2-minute one (the
/// blocking experiment on one thread takes 12 s at scale 1).
const SCALES: std::ops::RangeInclusive<f64> = 0.1..=10.0;

/// A clap value parser for `--scale`: a number from 0.1 to 10.
fn scale(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| "expected a number, like 1 or 0.5".to_string())?;
    if SCALES.contains(&value) {
        Ok(value)
    } else {
        Err("expected a number from 0.1 to 10".to_string())
    }
}

/// The heavy rule line printed before each tick, and once more at the end.
pub const RULE: &str = "━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━";

/// Prints a rule line, then the time since `start` and `label = n`, indented
/// one tab per letter after A so that each countdown has its own column.
///
/// One `print!`: it holds the lock on stdout for the whole text, so ticks from
/// several threads never mix their lines. If nobody reads stdout any more
/// (`| head -2` has exited), `print!` panics, and `labs::parse_args` has made
/// that panic a quiet exit with status 141, as a shell shows for a program
/// stopped by a closed pipe: the countdowns end at once.
///
/// With `--timeline`, each tick is also an instant in the picture (`' tick`).
pub fn tick(start: Instant, label: &str, n: u32) {
    let letter = label.bytes().next().unwrap_or(b'A');
    let column = usize::from(letter.saturating_sub(b'A'));
    let elapsed = start.elapsed().as_secs_f64();
    let tabs = "\t".repeat(column);
    labs::timeline::event("tick");
    print!("{RULE}\n{elapsed:6.3}s\t{tabs}{label} = {n}\n");
}

/// Prints the closing rule line.
pub fn rule() {
    println!("{RULE}");
}
