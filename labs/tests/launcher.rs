//! The launcher as a person runs it.

use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

fn labs() -> Command {
    Command::new(get_cargo_bin("labs"))
}

#[test]
fn with_no_arguments_it_lists_the_labs() {
    assert_cmd_snapshot!(labs());
}

#[test]
fn list_is_the_same_listing() {
    let default = labs().output().unwrap();
    let list = labs().arg("list").output().unwrap();
    assert_eq!(default.stdout, list.stdout);
}

#[test]
fn an_unknown_lab_is_one_line_and_exit_2() {
    assert_cmd_snapshot!(labs().args(["run", "spinnr", "tokio"]));
}

#[test]
fn an_unknown_variant_is_one_line_and_exit_2() {
    assert_cmd_snapshot!(labs().args(["run", "spinner", "trio"]));
}

#[test]
fn run_builds_and_runs_the_variant_passing_its_options() {
    // A bad option for the variant proves that the variant itself ran.
    let output = labs()
        .args(["run", "spinner", "thread", "--", "--seconds", "abc"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--seconds"), "{stderr}");
}
