//! What the streams tests share: the binaries, and a run with a deadline.

#![allow(dead_code)] // each test file uses a part

use std::process::Command;
use std::time::Duration;

pub use labs::testkit::Output;

/// Far longer than any run takes (the slowest, a timeout followed by a
/// polite close, takes about 3 s): a watchdog, not a timing check.
pub const DEADLINE: Duration = Duration::from_secs(60);

pub const RUNTIMES: [&str; 4] = ["thread", "tokio", "async-std", "smol"];
pub const ASYNC: [&str; 3] = ["tokio", "async-std", "smol"];

/// The binary of variant `variant`: `bin("tokio-select")`.
pub fn bin(variant: &str) -> &'static str {
    match variant {
        "thread" => env!("CARGO_BIN_EXE_streams-thread"),
        "tokio" => env!("CARGO_BIN_EXE_streams-tokio"),
        "async-std" => env!("CARGO_BIN_EXE_streams-async-std"),
        "smol" => env!("CARGO_BIN_EXE_streams-smol"),
        "thread-generators" => env!("CARGO_BIN_EXE_streams-thread-generators"),
        "tokio-generators" => env!("CARGO_BIN_EXE_streams-tokio-generators"),
        "async-std-generators" => env!("CARGO_BIN_EXE_streams-async-std-generators"),
        "smol-generators" => env!("CARGO_BIN_EXE_streams-smol-generators"),
        "thread-select" => env!("CARGO_BIN_EXE_streams-thread-select"),
        "tokio-select" => env!("CARGO_BIN_EXE_streams-tokio-select"),
        "async-std-select" => env!("CARGO_BIN_EXE_streams-async-std-select"),
        "smol-select" => env!("CARGO_BIN_EXE_streams-smol-select"),
        "tokio-select-broken" => env!("CARGO_BIN_EXE_streams-tokio-select-broken"),
        "async-std-select-broken" => env!("CARGO_BIN_EXE_streams-async-std-select-broken"),
        "smol-select-broken" => env!("CARGO_BIN_EXE_streams-smol-select-broken"),
        "server" => env!("CARGO_BIN_EXE_streams-server"),
        _ => panic!("no variant {variant}"),
    }
}

/// Runs variant `variant` with `args` to its end.
pub fn run(variant: &str, args: &[&str]) -> Output {
    labs::testkit::run(Command::new(bin(variant)).args(args), DEADLINE)
}

/// What a run shows: its exit code, stdout, and stderr if any.
pub fn shown(out: &Output) -> String {
    let mut text = format!("exit {}\n{}", out.code(), out.stdout);
    if !out.stderr.is_empty() {
        text += &format!("stderr: {}", out.stderr);
    }
    text
}
