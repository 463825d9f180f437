//! Command-line plumbing: every lab binary parses its options with clap and
//! reports bad input the same way, as one line on stderr and exit status 2.

use std::fmt::Display;
use std::panic;
use std::process::exit;
use std::sync::Once;
use std::time::Duration;

use clap::error::ErrorKind;

/// Exit status for bad command-line input (as clap and most Unix tools use).
pub const USAGE_ERROR: i32 = 2;

/// Exit status when the reader of our output went away: 128 + SIGPIPE, as a
/// shell reports a program stopped by a closed pipe.
pub const CLOSED_PIPE: i32 = 141;

/// Parses the command line into `T`. `--help` and `--version` print as
/// usual; any other problem is one line, `error: ...`, and exit status 2.
///
/// Every lab calls it first thing, so it also makes a closed pipe
/// (`cargo run --bin spinner-tokio | head -1`) end the program quietly.
pub fn parse_args<T: clap::Parser>() -> T {
    end_quietly_on_closed_stdout();
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

/// Rust ignores SIGPIPE, so once the reader of a pipe is gone, `println!`
/// panics with "failed printing to stdout: Broken pipe". For a command-line
/// program that is the normal end of `| head`: exit quietly with status 141
/// instead of a panic message. Every other panic is reported as usual. (The
/// default SIGPIPE action would do the same for stdout, but would also kill a
/// program on a closed socket, which the flags lab reports as an error.)
fn end_quietly_on_closed_stdout() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let report = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let message = info
                .payload()
                .downcast_ref::<String>()
                .map_or("", String::as_str);
            if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
                exit(CLOSED_PIPE);
            }
            report(info);
        }));
    });
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
