//! The three demos, run as built, their whole output pinned.

use crate::support;

use std::process::Command;

use support::{DEMO1, DEMO2, DEMO3, assert_run_snapshot};

#[test]
fn demo1() {
    // Future sizes are the compiler's choice and may change between
    // versions; the snapshot pins every line but the numbers, and the
    // program's own last line pins what matters: the buffer held across
    // `.await` is inside that future, and only that one.
    insta::with_settings!({filters => vec![(r"(size_of_val\(.*\)) = \d+", "$1 = [bytes]")]}, {
        assert_run_snapshot!(Command::new(DEMO1));
    });
}

#[test]
fn demo2() {
    assert_run_snapshot!(Command::new(DEMO2));
}

#[test]
fn demo3() {
    assert_run_snapshot!(Command::new(DEMO3));
}

#[test]
fn a_demo_given_an_argument_says_so_in_one_line_and_exits_2() {
    let mut demo1 = Command::new(DEMO1);
    demo1.arg("42");
    assert_run_snapshot!(demo1);
}
