//! The demo files are slides: these tests keep them comparable, and keep
//! every callout explained in the lab sheet.

use std::collections::BTreeSet;

use labs::slides::{Lab, callouts, functions};

const LAB: Lab = Lab {
    dir: env!("CARGO_MANIFEST_DIR"),
    name: "native-coros",
};

/// In the sheet's order.
const BINARIES: [&str; 6] = ["demo1", "demo2", "demo3", "launchpad", "wakers", "chess"];

#[test]
fn the_demos_have_the_same_functions_in_the_same_order() {
    let shared = ["leaf", "poll", "delegating", "main"];
    for demo in ["demo2", "demo3"] {
        assert_eq!(functions(&LAB.source(demo)), shared, "{demo}");
    }
    // demo1 adds the part about sizes at the end.
    let demo1 = functions(&LAB.source("demo1"));
    assert_eq!(demo1[..4], shared);
    assert_eq!(
        demo1[4..],
        [
            "buffer_dropped_before_await",
            "buffer_held_across_await",
            "sizes"
        ]
    );
}

/// wakers and chess are the launchpad edited: `diff` shows what changes.
#[test]
fn the_loops_have_the_launchpads_functions_in_the_same_order() {
    let launchpad = functions(&LAB.source("launchpad"));
    let the_loop = [
        "new",
        "spawn",
        "run_until_complete",
        "schedule",
        "sleep_until",
        "now",
    ];
    assert_eq!(
        launchpad,
        [&["sleep", "poll", "countdown", "main"][..], &the_loop].concat()
    );
    // wakers adds the waker, at the end.
    let wakers = functions(&LAB.source("wakers"));
    assert_eq!(wakers[..launchpad.len()], launchpad);
    assert_eq!(wakers[launchpad.len()..], ["waker", "wake"]);
    // chess adds Polgár's move (work, not a future) and the report.
    let chess = functions(&LAB.source("chess"));
    assert_eq!(
        chess,
        [
            &["sleep", "poll", "think", "game", "main", "report"][..],
            &the_loop
        ]
        .concat()
    );
}

#[test]
fn the_shared_callouts_mark_the_same_ideas_in_every_file() {
    let common: BTreeSet<u32> = (1..=8).collect();
    for bin in BINARIES {
        let used: BTreeSet<u32> = callouts(&LAB.source(bin)).into_iter().collect();
        assert!(used.is_superset(&common), "{bin}");
    }
}

/// Each callout's first appearance, in reading order.
fn first_appearances(callouts: impl IntoIterator<Item = u32>) -> Vec<u32> {
    let mut seen = BTreeSet::new();
    callouts.into_iter().filter(|&n| seen.insert(n)).collect()
}

fn is_increasing(numbers: &[u32]) -> bool {
    numbers.windows(2).all(|pair| pair[0] < pair[1])
}

#[test]
fn every_file_meets_its_callouts_in_reading_order() {
    for bin in BINARIES {
        let first = first_appearances(callouts(&LAB.source(bin)));
        assert!(
            is_increasing(&first),
            "{bin}: callouts first met in the order {first:?}"
        );
    }
    // Read in the sheet's order, each file's new ideas continue the numbers.
    let lab = first_appearances(BINARIES.iter().flat_map(|bin| callouts(&LAB.source(bin))));
    assert!(
        is_increasing(&lab),
        "the lab meets its callouts in the order {lab:?}"
    );
}

#[test]
fn every_callout_is_explained_in_the_lab_sheet() {
    LAB.assert_callouts_explained(&BINARIES);
}

/// The sheet (and the workspace's README, if it gives a number) count the
/// launchpad's lines: the whole file, and the event loop itself, from the
/// `Task` type to the end of the file; comments and blank lines included.
#[test]
fn the_launchpads_line_counts_are_the_files() {
    let source = LAB.source("launchpad");
    let lines: Vec<&str> = source.lines().collect();
    let task = lines
        .iter()
        .position(|line| line.starts_with("type Task"))
        .expect("a `type Task` line");
    let doc = lines[..task]
        .iter()
        .rev()
        .take_while(|line| line.starts_with("///"))
        .count();
    let whole = lines.len();
    let event_loop = lines.len() - (task - doc);

    let sheet = LAB.sheet().split_whitespace().collect::<Vec<_>>().join(" ");
    let says = format!(
        "the whole program is {whole} lines long, comments and blank lines included, \
         and the event loop itself is {event_loop} of them"
    );
    assert!(sheet.contains(&says), "the sheet should say: {says:?}");

    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("the workspace's README");
    let row = readme
        .lines()
        .find(|line| line.starts_with("| native-coros |"))
        .expect("the lab's row in the workspace's README");
    if row.contains(" lines") {
        let says = format!(
            "a toy event loop in {event_loop} lines of std ({whole} for the whole program)"
        );
        assert!(
            row.contains(&says),
            "the workspace's README should say: {says:?}"
        );
    }
}
