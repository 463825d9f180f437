//! The variant files are slides: these tests keep them comparable, and keep
//! each blocking experiment exactly one line away from its base file.

use std::fs;
use std::path::Path;

use similar::{ChangeTag, TextDiff};

fn source(variant: &str) -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("src/bin/countdown-{variant}.rs"));
    fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// The lines `edited` removes from and adds to `base`.
fn edit(base: &str, edited: &str) -> (Vec<String>, Vec<String>) {
    let (base, edited) = (source(base), source(edited));
    let diff = TextDiff::from_lines(&base, &edited);
    let lines = |tag| -> Vec<String> {
        diff.iter_all_changes()
            .filter(|change| change.tag() == tag)
            .map(|change| change.value().trim().to_string())
            .collect()
    };
    (lines(ChangeTag::Delete), lines(ChangeTag::Insert))
}

#[test]
fn each_blocking_experiment_is_its_base_file_with_one_line_edited() {
    for (base, sleep) in [
        ("tokio", "tokio::time::sleep(delay).await; // <1>"),
        ("async-std", "task::sleep(delay).await; // <1>"),
        ("smol", "smol::Timer::after(delay).await; // <1>"),
    ] {
        let (removed, added) = edit(base, &format!("{base}-blocking"));
        assert_eq!(removed, [sleep], "countdown-{base}-blocking");
        assert_eq!(
            added,
            ["std::thread::sleep(delay); // <1>"],
            "countdown-{base}-blocking"
        );
        // The header tells participants how to make the edit by hand.
        assert!(
            source(base).contains(&format!("replace `{}`", sleep.split(';').next().unwrap())),
            "countdown-{base}: the header does not describe the edit"
        );
    }
}

#[test]
fn the_current_thread_experiment_only_changes_the_runtime() {
    let (removed, added) = edit("tokio-blocking", "tokio-current-thread-blocking");
    assert_eq!(
        removed,
        [r#"#[tokio::main(flavor = "multi_thread", worker_threads = 4)] // <3>"#]
    );
    assert_eq!(
        added,
        [r#"#[tokio::main(flavor = "current_thread")] // <3>"#]
    );
}

/// The functions, in order, and the callouts, in order.
fn shape(variant: &str) -> (Vec<String>, Vec<String>) {
    let text = source(variant);
    let functions = text
        .lines()
        .filter_map(|line| {
            line.trim_start()
                .strip_prefix("async fn ")
                .or(line.strip_prefix("fn "))
        })
        .map(|rest| rest.split('(').next().unwrap().to_string())
        .collect();
    let callouts = text
        .match_indices("// <")
        .flat_map(|(at, _)| text[at + 3..].lines().next())
        .flat_map(|rest| {
            rest.split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    (functions, callouts)
}

#[test]
fn every_variant_has_the_same_functions_and_callouts_in_the_same_order() {
    let expected = shape("tokio");
    assert_eq!(expected.0, ["countdown", "main"]);
    assert_eq!(expected.1, ["<1>", "<2>", "<3>", "<4>", "<5>"]);
    for variant in [
        "async-std",
        "smol",
        "tokio-blocking",
        "tokio-current-thread-blocking",
        "async-std-blocking",
        "smol-blocking",
    ] {
        assert_eq!(shape(variant), expected, "countdown-{variant}");
    }
    // Threads have no runtime to set up: no <3>.
    let thread = shape("thread");
    assert_eq!(thread.0, expected.0);
    assert_eq!(thread.1, ["<1>", "<2>", "<4>", "<5>"]);
}

#[test]
fn the_lab_sheet_explains_every_callout() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let sheet = fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    let callouts = sheet
        .split_once("## Callouts")
        .and_then(|(_, rest)| rest.split("\n## ").next())
        .expect("the lab sheet has a Callouts section");
    let explained: Vec<_> = callouts
        .lines()
        .filter_map(|line| line.split_once(". **").map(|(number, _)| number))
        .collect();
    // The numbers used in the variants, `<1>` to `<5>`, each explained once.
    assert_eq!(explained, ["1", "2", "3", "4", "5"]);
}
