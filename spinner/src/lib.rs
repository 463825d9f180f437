//! What the spinner variants share that is not the lesson: their options.
//! The terminal line they draw on is `labs::StatusLine`.

use std::time::Duration;

/// The longest wait `--seconds` accepts: a minute is plenty to watch a spinner.
pub const MAX_SECONDS: f64 = 60.0;

/// A spinner turns while `slow()` waits for pretend I/O, then prints the answer.
#[derive(Debug, clap::Parser)]
#[command(version)]
pub struct Args {
    /// How long slow() waits, in seconds [0 to 60]: 3 in the lab, shorter for a quick try
    // `allow_hyphen_values` lets `-1` and `-inf` reach the parser instead of
    // being read as options.
    #[arg(long, value_name = "S", default_value = "3",
          value_parser = labs::cli::seconds_within(0.0, MAX_SECONDS),
          allow_hyphen_values = true)]
    pub seconds: Duration,
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    fn seconds(value: &str) -> Result<Duration, clap::Error> {
        Args::try_parse_from(["spinner", "--seconds", value]).map(|args| args.seconds)
    }

    #[test]
    fn seconds_from_0_to_60_are_accepted() {
        assert_eq!(seconds("0").unwrap(), Duration::ZERO);
        assert_eq!(seconds("0.5").unwrap(), Duration::from_millis(500));
        assert_eq!(seconds("60").unwrap(), Duration::from_secs(60));
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
