//! Runs the lab's programs as a person would, each with a deadline
//! (`labs::testkit`): a program that hangs is killed and fails its test
//! within seconds instead of hanging the suite.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::process::Command;
use std::time::Duration;

use insta::internals::Content;
use labs::testkit::{self, Output};

/// Far longer than any run of these programs takes (the longest, the
/// launchpad in real time, takes 5 s), even on a busy machine.
pub const DEADLINE: Duration = Duration::from_secs(60);

pub const DEMO1: &str = env!("CARGO_BIN_EXE_native-coros-demo1");
pub const DEMO2: &str = env!("CARGO_BIN_EXE_native-coros-demo2");
pub const DEMO3: &str = env!("CARGO_BIN_EXE_native-coros-demo3");
pub const LAUNCHPAD: &str = env!("CARGO_BIN_EXE_native-coros-launchpad");
pub const WAKERS: &str = env!("CARGO_BIN_EXE_native-coros-wakers");
pub const CHESS: &str = env!("CARGO_BIN_EXE_native-coros-chess");
pub const BINARIES: [&str; 6] = [DEMO1, DEMO2, DEMO3, LAUNCHPAD, WAKERS, CHESS];

/// Runs `cmd` to its end, stdin empty, stdout and stderr captured.
pub fn run(cmd: &mut Command) -> Output {
    testkit::run(cmd, DEADLINE)
}

/// What insta-cmd shows of a run, so that the snapshots read the same.
pub fn render(output: &Output) -> String {
    format!(
        "success: {:?}\nexit_code: {}\n----- stdout -----\n{}\n----- stderr -----\n{}",
        output.status.success(),
        output.status.code().unwrap_or(!0),
        output.stdout,
        output.stderr
    )
}

/// The program and its arguments, for the snapshot's header.
pub fn info(cmd: &Command) -> Content {
    let program = std::path::Path::new(cmd.get_program())
        .file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let args = cmd
        .get_args()
        .map(|arg| Content::from(arg.to_string_lossy().into_owned()))
        .collect();
    Content::Map(vec![
        (Content::from("program".to_string()), Content::from(program)),
        (Content::from("args".to_string()), Content::Seq(args)),
    ])
}

/// Runs a command with the deadline and pins its exit status, stdout and
/// stderr in a snapshot named after the test.
#[allow(unused_macros)]
macro_rules! assert_run_snapshot {
    ($cmd:expr) => {{
        let mut cmd: std::process::Command = $cmd;
        let output = $crate::support::run(&mut cmd);
        let mut settings = insta::Settings::clone_current();
        settings.set_raw_info(&$crate::support::info(&cmd));
        settings.set_omit_expression(true);
        settings.bind(|| insta::assert_snapshot!($crate::support::render(&output)));
    }};
}
#[allow(unused_imports)]
pub(crate) use assert_run_snapshot;
