//! What the spinner variants share that is not the lesson: their options.
//! The terminal line they draw on is `labs::StatusLine`.

use std::time::Duration;

/// The longest wait `--seconds` accepts: a minute is plenty to watch a spinner.
pub const MAX_SECONDS: u64 = 60;

/// A spinner turns while `slow()` waits for pretend I/O, then prints the answer.
#[derive(Debug, clap::Parser)]
#[command(version)]
pub struct Args {
    /// How long slow() waits, in seconds [0 to 60]: 3 in the lab, shorter for a quick try
    #[arg(long, value_name = "S", default_value = "3", value_parser = seconds,
          allow_hyphen_values = true)]
    pub seconds: Duration,
}

/// Parses `--seconds`: a number of seconds from 0 to [`MAX_SECONDS`], like
/// `3` or `0.5`. (`allow_hyphen_values` above lets `-1` and `-inf` reach this
/// parser instead of being read as options.)
pub fn seconds(text: &str) -> Result<Duration, String> {
    let wait = labs::cli::seconds(text)?;
    if wait > Duration::from_secs(MAX_SECONDS) {
        return Err(format!("expected at most {MAX_SECONDS} seconds"));
    }
    Ok(wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_from_0_to_60_are_accepted() {
        assert_eq!(seconds("0"), Ok(Duration::ZERO));
        assert_eq!(seconds("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(seconds("60"), Ok(Duration::from_secs(60)));
    }

    #[test]
    fn seconds_out_of_range_are_rejected() {
        for bad in [
            "-1", "-0.1", "60.001", "61", "1e18", "inf", "-inf", "NaN", "abc", "",
        ] {
            assert!(seconds(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
