//! The variant files are slides: these tests keep them comparable, and keep
//! every callout explained in the lab sheet.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

const VARIANTS: [&str; 5] = ["sequential", "thread", "tokio", "async-std", "smol"];

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn source(variant: &str) -> String {
    read(&format!("src/bin/flags-{variant}.rs"))
}

/// The functions, in order, and the callouts, in order.
fn shape(variant: &str) -> (Vec<String>, Vec<String>) {
    let text = source(variant);
    let functions = text
        .lines()
        .filter_map(|line| {
            let line = line.trim_start();
            line.strip_prefix("async fn ").or(line.strip_prefix("fn "))
        })
        .map(|rest| rest.split(['(', '<']).next().unwrap().to_string())
        .collect();
    let callouts = text
        .match_indices("// <")
        .flat_map(|(at, _)| text[at + 3..].lines().next())
        .flat_map(|rest| rest.split_whitespace().map(str::to_string))
        .collect();
    (functions, callouts)
}

fn numbered(numbers: &[u32]) -> Vec<String> {
    numbers.iter().map(|n| format!("<{n}>")).collect()
}

#[test]
fn every_variant_has_the_same_functions_and_callouts_in_the_same_order() {
    let functions = ["get_flag", "download_one", "download_many", "main"];
    let tokio = shape("tokio");
    assert_eq!(tokio.0, functions);
    assert_eq!(tokio.1, numbered(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
    for variant in ["async-std", "smol"] {
        assert_eq!(shape(variant), tokio, "flags-{variant}");
    }
    // The blocking clients: one call connects and waits (<1> <4>), no
    // adapter, no connection task; the sequential one has no runtime either.
    let sequential = shape("sequential");
    assert_eq!(sequential.0, functions);
    assert_eq!(sequential.1, numbered(&[1, 4, 5, 6, 7, 8, 9, 11]));
    // The pool adds a `worker` and its queue (<12>).
    let thread = shape("thread");
    assert_eq!(
        thread.0,
        [
            "get_flag",
            "download_one",
            "worker",
            "download_many",
            "main"
        ]
    );
    assert_eq!(thread.1, numbered(&[1, 4, 5, 6, 7, 12, 8, 9, 10, 11]));
}

#[test]
fn every_callout_is_explained_in_the_lab_sheet() {
    let sheet = read("README.md");
    let section = sheet
        .split("\n## Callouts")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("the lab sheet has a Callouts section");
    let explained: BTreeSet<String> = section
        .lines()
        .filter_map(|line| line.split_once(". **"))
        .filter(|(number, _)| number.parse::<u32>().is_ok())
        .map(|(number, _)| format!("<{number}>"))
        .collect();
    let used: BTreeSet<String> = VARIANTS
        .iter()
        .flat_map(|variant| shape(variant).1)
        .collect();
    assert_eq!(used, explained);
}
