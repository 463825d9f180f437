//! The demo files are slides: these tests keep them comparable, and keep
//! every callout explained in the lab sheet.

use std::collections::BTreeSet;

use labs::slides::{Lab, callouts, functions};

const LAB: Lab = Lab {
    dir: env!("CARGO_MANIFEST_DIR"),
    name: "native-coros",
};

const BINARIES: [&str; 4] = ["demo1", "demo2", "demo3", "launchpad"];

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

#[test]
fn the_shared_callouts_mark_the_same_ideas_in_every_file() {
    let common: BTreeSet<u32> = (1..=8).collect();
    for bin in BINARIES {
        let used: BTreeSet<u32> = callouts(&LAB.source(bin)).into_iter().collect();
        assert!(used.is_superset(&common), "{bin}");
    }
}

#[test]
fn every_callout_is_explained_in_the_lab_sheet() {
    LAB.assert_callouts_explained(&BINARIES);
}
