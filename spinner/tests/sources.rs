//! The variant files are slides: these tests keep them comparable.

use labs::slides::{callouts, edit, explained_callouts, functions, read};

fn source(variant: &str) -> String {
    read(
        env!("CARGO_MANIFEST_DIR"),
        &format!("src/bin/spinner-{variant}.rs"),
    )
}

#[test]
fn each_blocking_experiment_is_its_base_file_with_one_line_edited() {
    for (base, sleep) in [
        ("tokio", "tokio::time::sleep(delay).await; // <3>"),
        ("async-std", "task::sleep(delay).await; // <3>"),
        ("smol", "Timer::after(delay).await; // <3>"),
    ] {
        let (removed, added) = edit(&source(base), &source(&format!("{base}-blocking")));
        assert_eq!(removed, [sleep], "spinner-{base}-blocking");
        assert_eq!(
            added,
            ["std::thread::sleep(delay); // <3>"],
            "spinner-{base}-blocking"
        );
        // The header tells participants how to make the edit by hand.
        let how = format!("replace `{}`", sleep.trim_end_matches("; // <3>"));
        assert!(
            source(base).contains(&how),
            "spinner-{base}: the header does not say {how:?}"
        );
    }
}

#[test]
fn the_current_thread_experiment_only_changes_the_runtime() {
    let (removed, added) = edit(
        &source("tokio-blocking"),
        &source("tokio-current-thread-blocking"),
    );
    assert_eq!(removed, ["#[tokio::main] // <9>"]);
    assert_eq!(
        added,
        [r#"#[tokio::main(flavor = "current_thread")] // <9>"#]
    );
}

#[test]
fn every_variant_has_the_same_functions_and_callouts_in_the_same_order() {
    let tokio = source("tokio");
    assert_eq!(functions(&tokio), ["spin", "slow", "supervisor", "main"]);
    assert_eq!(callouts(&tokio), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for variant in ["async-std", "smol", "thread"] {
        let text = source(variant);
        assert_eq!(functions(&text), functions(&tokio), "spinner-{variant}");
        // Threads have no runtime to start: no <9>.
        let expected = if variant == "thread" {
            &[1, 2, 3, 4, 5, 6, 7, 8][..]
        } else {
            &callouts(&tokio)
        };
        assert_eq!(callouts(&text), expected, "spinner-{variant}");
    }
}

#[test]
fn every_callout_is_explained_in_the_lab_sheet() {
    let sheet = read(env!("CARGO_MANIFEST_DIR"), "README.md");
    let explained = explained_callouts(&sheet);
    for number in callouts(&source("tokio")) {
        assert!(
            explained.contains(&number),
            "callout <{number}> is not explained in README.md"
        );
    }
}
