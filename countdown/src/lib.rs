//! What the countdown variants share that is not the lesson: their option,
//! the delays scaled by it, and how a tick is printed.

use std::io::Write;
use std::time::{Duration, Instant};

/// Four countdowns, A every 0.7 s, B every 2 s, C every 0.3 s, D every 1 s,
/// each counting 3, 2, 1.
#[derive(Debug, clap::Parser)]
#[command(version)]
pub struct Args {
    /// Multiplies every delay (1 in the lab; 0.5 runs twice as fast).
    #[arg(long, value_name = "F", default_value = "1", value_parser = scale,
          allow_negative_numbers = true)]
    pub scale: f64,
}

impl Args {
    /// `seconds` times the scale, in whole milliseconds, so that every
    /// delay, scaled or not, is exact.
    pub fn delay(&self, seconds: f64) -> Duration {
        // `scale` checked the range: at most 2 s * 100 = 200 000 ms.
        Duration::from_millis((seconds * self.scale * 1000.0).round() as u64)
    }
}

/// A clap value parser for `--scale`: a number above 0, at most 100.
fn scale(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| "expected a number, like 1 or 0.5".to_string())?;
    if value.is_finite() && value > 0.0 && value <= 100.0 {
        Ok(value)
    } else {
        Err("expected a number above 0 and at most 100".to_string())
    }
}

/// The heavy rule line printed before each tick, and once more at the end.
pub const RULE: &str = "━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━";

/// Prints a rule line, then the time since `start` and `label = n`, indented
/// one tab per letter after A so that each countdown has its own column.
/// Both lines go out in one write, so ticks from several threads never mix.
pub fn tick(start: Instant, label: char, n: u32) {
    let column = u32::from(label).saturating_sub(u32::from('A')) as usize;
    let elapsed = start.elapsed().as_secs_f64();
    let text = format!(
        "{RULE}\n{elapsed:6.3}s\t{}{label} = {n}\n",
        "\t".repeat(column)
    );
    write_out(&text);
}

/// Prints the closing rule line.
pub fn rule() {
    write_out(&format!("{RULE}\n"));
}

fn write_out(text: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not worth a panic: the countdowns go on.
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}
