//! Command-line plumbing: every lab binary parses its options with clap and
//! reports bad input the same way, as one line on stderr and exit status 2.

use std::fmt::Display;
use std::panic;
use std::process::exit;
use std::sync::Once;
use std::time::Duration;

use clap::error::{ContextValue, ErrorKind};

use crate::platform;

/// Exit status for bad command-line input (as clap and most Unix tools use).
pub const USAGE_ERROR: i32 = 2;

/// The statuses [`parse_args`] ends with when the reader of the output is
/// gone (defined with the rest of what signals mean, in `platform`).
pub use crate::platform::{CLOSED_PIPE, CLOSED_TERMINAL};

/// Parses the command line into `T`. `--help` and `--version` print as
/// usual; any other problem is one line, `error: ...`, and exit status 2.
///
/// Every lab calls it first thing, so it also makes output that nobody reads
/// any more (`cargo run --bin spinner-tokio | head -1`, a closed terminal)
/// end the program quietly.
pub fn parse_args<T: clap::Parser>() -> T {
    end_quietly_when_the_reader_is_gone();
    // Every lab also gets `--timeline[=FILE]` (see `crate::timeline`).
    let parsed = crate::timeline::add_option(<T as clap::CommandFactory>::command())
        .try_get_matches()
        .and_then(|mut matches| {
            Ok((
                <T as clap::FromArgMatches>::from_arg_matches_mut(&mut matches)?,
                matches,
            ))
        });
    let (args, matches) = parsed.unwrap_or_else(|err| match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => err.exit(),
        _ => {
            eprintln!("{} (see --help)", message(err));
            exit(USAGE_ERROR)
        }
    });
    crate::timeline::start_if_asked(&matches);
    args
}

/// clap's error in one line, every value the person typed in it [`echo`]ed.
fn message(mut err: clap::Error) -> String {
    let typed: Vec<_> = err
        .context()
        .filter_map(|(kind, value)| match value {
            ContextValue::String(text) => Some((kind, ContextValue::String(echo(text)))),
            ContextValue::Strings(texts) => Some((
                kind,
                ContextValue::Strings(texts.iter().map(|text| echo(text)).collect()),
            )),
            _ => None,
        })
        .collect();
    for (kind, value) in typed {
        err.insert(kind, value);
    }
    one_line(&err.render().to_string())
}

/// Longest value echoed in a message, in characters.
const ECHO_MAX: usize = 40;

/// `value` as an error message may show it: control characters (a newline,
/// an escape code) written as Rust writes them (`\n`, `\u{1b}`) instead of
/// sent to the terminal, and anything longer than 40 characters cut to its
/// start and `...`, so that a pasted 100 KB value is one short line. Use it
/// for every value a person typed that a message repeats.
pub fn echo(value: &str) -> String {
    let shown = |c: char| -> String {
        match c {
            // Printable as they are (escape_debug would double them).
            '\\' | '\'' | '"' => c.to_string(),
            _ => c.escape_debug().to_string(),
        }
    };
    let mut out = String::new();
    let (mut length, mut cut) = (0, None);
    for piece in value.chars().map(shown) {
        length += piece.chars().count();
        if length > ECHO_MAX - 3 && cut.is_none() {
            cut = Some(out.len()); // where "..." goes if the rest does not fit
        }
        if length > ECHO_MAX {
            out.truncate(cut.unwrap_or(0));
            out.push_str("...");
            return out;
        }
        out.push_str(&piece);
    }
    out
}

/// clap's message in one line: its first line, joined with what it lists
/// below it (the missing arguments, a tip), up to the usage or the pointer to
/// `--help` (which the caller adds in its own words).
fn one_line(rendered: &str) -> String {
    let mut lines = rendered
        .lines()
        .map(str::trim)
        .take_while(|line| !line.starts_with("Usage:") && !line.starts_with("For more information"))
        .filter(|line| !line.is_empty());
    let first = lines.next().unwrap_or("error: bad arguments");
    let rest: Vec<&str> = lines.collect();
    match (rest.is_empty(), first.ends_with(':')) {
        (true, _) => first.to_string(),
        (false, true) => format!("{first} {}", rest.join(", ")),
        (false, false) => format!("{first}; {}", rest.join("; ")),
    }
}

/// Rust ignores SIGPIPE, so once the reader of our output is gone,
/// `println!` panics with "failed printing to stdout: Broken pipe". For a
/// command-line program that is the normal end of `| head`: exit quietly
/// with the status a shell would report (141 for a closed pipe, 129 for a
/// closed terminal, see [`platform::reader_gone_status`]) instead of a panic
/// message. Every other panic is reported as usual. (The default SIGPIPE
/// action would do the same for stdout, but would also kill a program on a
/// closed socket, which the flags lab reports as an error.)
fn end_quietly_when_the_reader_is_gone() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let report = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let message = info
                .payload()
                .downcast_ref::<String>()
                .map_or("", String::as_str);
            if let Some(status) = reader_gone(message) {
                exit(status);
            }
            report(info);
        }));
    });
}

/// The exit status for std's panic message on a failed `print!` or
/// `eprint!` whose reader is gone: `failed printing to stdout: Broken pipe
/// (os error 32)`. The OS error code, not the text, tells (the text is in the
/// system's language on Windows).
fn reader_gone(message: &str) -> Option<i32> {
    let error = message
        .strip_prefix("failed printing to stdout: ")
        .or_else(|| message.strip_prefix("failed printing to stderr: "))?;
    let code = error.strip_suffix(')')?.rsplit_once("(os error ")?.1;
    platform::reader_gone_status(code.parse().ok()?)
}

/// Prints `error: {message}` on one line and exits with `code`.
pub fn fail(code: i32, message: impl Display) -> ! {
    eprintln!("error: {message}");
    exit(code)
}

/// A clap value parser for a number of seconds from `min` to `max`, `3` or
/// `0.5`: `value_parser = labs::cli::seconds_within(0.0, 60.0)`. Say the
/// range in the option's help, and add `allow_hyphen_values = true` so that
/// `-1` and `-inf` reach this parser instead of being read as options.
pub fn seconds_within(
    min: f64,
    max: f64,
) -> impl Fn(&str) -> Result<Duration, String> + Clone + Send + Sync + 'static {
    move |text| {
        let value = number_of_seconds(text)?;
        if (min..=max).contains(&value) {
            Ok(Duration::from_secs_f64(value))
        } else {
            Err(format!("expected a number of seconds from {min} to {max}"))
        }
    }
}

/// A clap value parser for a number of seconds, `3` or `0.5`, not negative.
pub fn seconds(text: &str) -> Result<Duration, String> {
    let value = number_of_seconds(text)?;
    if value < 0.0 {
        return Err("expected a number of seconds that is 0 or more".to_string());
    }
    Duration::try_from_secs_f64(value).map_err(|_| "that is too many seconds".to_string())
}

/// A number, or an infinity (`1e999` and a pasted run of 9s parse as one),
/// but not NaN.
fn number_of_seconds(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(value) if !value.is_nan() => Ok(value),
        _ => Err("expected a number of seconds, like 3 or 0.5".into()),
    }
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
    fn seconds_within_keeps_to_its_range() {
        let parse = seconds_within(0.1, 60.0);
        assert_eq!(parse("0.1"), Ok(Duration::from_millis(100)));
        assert_eq!(parse("60"), Ok(Duration::from_secs(60)));
        for bad in ["0", "0.05", "60.5", "1e18", "-1", "-inf", "x"] {
            assert!(parse(bad).is_err(), "{bad:?} was accepted");
        }
        let range = Err("expected a number of seconds from 0.1 to 60".to_string());
        assert_eq!(parse("1e18"), range);
        assert_eq!(parse(&"9".repeat(100_000)), range);
    }

    #[test]
    fn clap_errors_become_one_line_that_says_what_is_wrong() {
        let missing = "error: the following required arguments were not provided:\n  <LAB>\n  <VARIANT>\n\nUsage: labs run <LAB> <VARIANT> [-- <ARGS>...]\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(missing),
            "error: the following required arguments were not provided: <LAB>, <VARIANT>"
        );
        let tip = "error: unexpected argument '--secs' found\n\n  tip: a similar argument exists: '--seconds'\n\nUsage: x\n";
        assert_eq!(
            one_line(tip),
            "error: unexpected argument '--secs' found; tip: a similar argument exists: '--seconds'"
        );
        let no_usage = "error: invalid value 'x' for '--seconds <S>': no\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(no_usage),
            "error: invalid value 'x' for '--seconds <S>': no"
        );
    }

    /// The message `labs::parse_args` prints for `args`.
    fn message_for(args: &[&str]) -> String {
        let command = clap::Command::new("lab").arg(clap::Arg::new("name")).arg(
            clap::Arg::new("seconds")
                .long("seconds")
                .value_parser(seconds),
        );
        message(command.try_get_matches_from(args).unwrap_err())
    }

    #[test]
    fn values_in_clap_errors_are_shortened_and_escaped() {
        let nines = "9".repeat(100_000);
        assert_eq!(
            message_for(&["lab", "--seconds", &nines]),
            format!(
                "error: invalid value '{}...' for '--seconds <seconds>': \
                 that is too many seconds",
                "9".repeat(37)
            )
        );
        // A quote in the value does not get in the way.
        let quoted = format!("'{}", "x".repeat(1000));
        assert_eq!(
            message_for(&["lab", "--seconds", &quoted]),
            format!(
                "error: invalid value ''{}...' for '--seconds <seconds>': \
                 expected a number of seconds, like 3 or 0.5",
                "x".repeat(36)
            )
        );
        assert_eq!(
            message_for(&["lab", "a", "b\nc\x1b[31m"]),
            "error: unexpected argument 'b\\nc\\u{1b}[31m' found"
        );
    }

    #[test]
    fn echo_escapes_control_characters_and_cuts_at_40() {
        assert_eq!(echo("tokio"), "tokio");
        assert_eq!(echo("spin\nner"), "spin\\nner");
        assert_eq!(echo("a\x1b[31m\t"), "a\\u{1b}[31m\\t");
        assert_eq!(echo(r"C:\labs 'x' "), r"C:\labs 'x' ");
        let forty = "x".repeat(40);
        assert_eq!(echo(&forty), forty);
        assert_eq!(echo(&"x".repeat(41)), format!("{}...", "x".repeat(37)));
        // An escape is never cut in the middle.
        let escapes = format!("{}{}", "x".repeat(35), "\x1b".repeat(10));
        assert_eq!(echo(&escapes), format!("{}...", "x".repeat(35)));
        assert_eq!(echo(&"é".repeat(100)).chars().count(), 40);
    }

    #[test]
    fn only_a_reader_that_is_gone_ends_quietly() {
        // EPIPE on Unix, ERROR_NO_DATA on Windows.
        let closed_pipe = std::io::Error::from_raw_os_error(if cfg!(windows) { 232 } else { 32 });
        assert_eq!(
            reader_gone(&format!("failed printing to stdout: {closed_pipe}")),
            Some(141)
        );
        assert_eq!(
            reader_gone(&format!("failed printing to stderr: {closed_pipe}")),
            Some(141)
        );
        assert_eq!(
            reader_gone("failed printing to stdout: formatter error"),
            None
        );
        assert_eq!(reader_gone("index out of bounds (os error 32)"), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_closed_terminal_ends_quietly_too() {
        let eio = std::io::Error::from_raw_os_error(libc::EIO);
        assert_eq!(
            reader_gone(&format!("failed printing to stdout: {eio}")),
            Some(129)
        );
    }

    #[test]
    fn seconds_rejects_negative_and_non_numbers() {
        for bad in ["-1", "abc", "", "NaN", "inf", "1e300"] {
            assert!(seconds(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
