//! The demo files are slides: these tests keep them comparable, and keep
//! every callout explained in the lab sheet.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn source(bin: &str) -> String {
    read(&format!("src/bin/native-coros-{bin}.rs"))
}

/// The names of the free functions and methods, in order.
fn functions(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            line.strip_prefix("async fn ").or(line.strip_prefix("fn "))
        })
        .map(|rest| rest.split(['(', '<']).next().unwrap().to_string())
        .collect()
}

/// The callout numbers used in a text, as `<N>`.
fn callouts(text: &str) -> BTreeSet<u32> {
    text.match_indices("// <")
        .filter_map(|(at, _)| {
            let rest = &text[at + 4..];
            rest[..rest.find('>')?].parse().ok()
        })
        .collect()
}

#[test]
fn the_demos_have_the_same_functions_in_the_same_order() {
    let shared = ["leaf", "poll", "delegating", "main"];
    for demo in ["demo2", "demo3"] {
        assert_eq!(functions(&source(demo)), shared, "{demo}");
    }
    // demo1 adds the part about sizes at the end.
    let demo1 = functions(&source("demo1"));
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
    for bin in ["demo1", "demo2", "demo3", "launchpad"] {
        assert!(callouts(&source(bin)).is_superset(&common), "{bin}");
    }
}

#[test]
fn every_callout_is_explained_in_the_lab_sheet() {
    let sheet = read("README.md");
    let section = sheet
        .split("\n## Callouts")
        .nth(1)
        .expect("the lab sheet has a Callouts section");
    let explained: BTreeSet<u32> = section
        .lines()
        .filter_map(|line| line.strip_prefix("- **<")?.split_once(">**"))
        .filter_map(|(number, _)| number.parse().ok())
        .collect();
    let used: BTreeSet<u32> = ["demo1", "demo2", "demo3", "launchpad"]
        .iter()
        .flat_map(|bin| callouts(&source(bin)))
        .collect();
    assert_eq!(used, explained);
}
