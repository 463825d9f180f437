//! What the spinner variants share that is not the lesson: their options.
//! The terminal line they draw on is `labs::StatusLine`.

use std::time::Duration;

/// A spinner turns while `slow()` waits for pretend I/O, then prints the answer.
#[derive(Debug, clap::Parser)]
#[command(version)]
pub struct Args {
    /// How long slow() waits, in seconds (3 in the lab; shorter for a quick try).
    #[arg(long, value_name = "S", default_value = "3", value_parser = labs::cli::seconds,
          allow_negative_numbers = true)]
    pub seconds: Duration,
}
