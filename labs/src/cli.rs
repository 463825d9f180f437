//! Command-line plumbing: every lab binary parses its options with clap and
//! reports bad input the same way, as one line on stderr and exit status 2.

use std::fmt::Display;
use std::process::exit;
use std::time::Duration;

use clap::error::ErrorKind;

/// Exit status for bad command-line input (as clap and most Unix tools use).
pub const USAGE_ERROR: i32 = 2;

/// Parses the command line into `T`. `--help` and `--version` print as
/// usual; any other problem is one line, `error: ...`, and exit status 2.
pub fn parse_args<T: clap::Parser>() -> T {
    T::try_parse().unwrap_or_else(|err| match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => err.exit(),
        _ => {
            let rendered = err.render().to_string();
            let first = rendered.lines().next().unwrap_or("error: bad arguments");
            eprintln!("{first} (see --help)");
            exit(USAGE_ERROR)
        }
    })
}

/// Prints `error: {message}` on one line and exits with `code`.
pub fn fail(code: i32, message: impl Display) -> ! {
    eprintln!("error: {message}");
    exit(code)
}

/// A clap value parser for a number of seconds, `3` or `0.5`, not negative.
pub fn seconds(text: &str) -> Result<Duration, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| "expected a number of seconds, like 3 or 0.5".to_string())?;
    if !value.is_finite() || value < 0.0 {
        return Err("expected a number of seconds that is 0 or more".to_string());
    }
    Duration::try_from_secs_f64(value).map_err(|_| "that is too many seconds".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_accepts_whole_and_fractional_numbers() {
        assert_eq!(seconds("3"), Ok(Duration::from_secs(3)));
        assert_eq!(seconds("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(seconds("0"), Ok(Duration::ZERO));
    }

    #[test]
    fn seconds_rejects_negative_and_non_numbers() {
        for bad in ["-1", "abc", "", "NaN", "inf", "1e300"] {
            assert!(seconds(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
