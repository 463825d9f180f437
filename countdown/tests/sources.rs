//! The variant files are slides: these tests keep them comparable, and keep
//! each blocking experiment exactly one line away from its base file.

use labs::slides::{callouts, edit, explained_callouts, functions, read};

fn source(variant: &str) -> String {
    read(
        env!("CARGO_MANIFEST_DIR"),
        &format!("src/bin/countdown-{variant}.rs"),
    )
}

#[test]
fn each_blocking_experiment_is_its_base_file_with_one_line_edited() {
    for (base, sleep) in [
        ("tokio", "tokio::time::sleep(delay).await; // <1>"),
        ("async-std", "task::sleep(delay).await; // <1>"),
        ("smol", "smol::Timer::after(delay).await; // <1>"),
    ] {
        let (removed, added) = edit(&source(base), &source(&format!("{base}-blocking")));
        assert_eq!(removed, [sleep], "countdown-{base}-blocking");
        assert_eq!(
            added,
            ["std::thread::sleep(delay); // <1>"],
            "countdown-{base}-blocking"
        );
        // The header tells participants how to make the edit by hand.
        let how = format!("replace `{}`", sleep.trim_end_matches("; // <1>"));
        assert!(
            source(base).contains(&how),
            "countdown-{base}: the header does not say {how:?}"
        );
    }
}

#[test]
fn the_current_thread_experiment_only_changes_the_runtime() {
    let (removed, added) = edit(
        &source("tokio-blocking"),
        &source("tokio-current-thread-blocking"),
    );
    assert_eq!(
        removed,
        [r#"#[tokio::main(flavor = "multi_thread", worker_threads = 4)] // <3>"#]
    );
    assert_eq!(
        added,
        [r#"#[tokio::main(flavor = "current_thread")] // <3>"#]
    );
}

#[test]
fn every_variant_has_the_same_functions_and_callouts_in_the_same_order() {
    let tokio = source("tokio");
    assert_eq!(functions(&tokio), ["countdown", "main"]);
    assert_eq!(callouts(&tokio), [1, 2, 3, 4, 5]);
    for variant in [
        "async-std",
        "smol",
        "tokio-blocking",
        "tokio-current-thread-blocking",
        "async-std-blocking",
        "smol-blocking",
    ] {
        let text = source(variant);
        assert_eq!(functions(&text), functions(&tokio), "countdown-{variant}");
        assert_eq!(callouts(&text), callouts(&tokio), "countdown-{variant}");
    }
    // Threads have no runtime to set up: no <3>.
    let thread = source("thread");
    assert_eq!(functions(&thread), functions(&tokio));
    assert_eq!(callouts(&thread), [1, 2, 4, 5]);
}

#[test]
fn the_lab_sheet_explains_every_callout() {
    let sheet = read(env!("CARGO_MANIFEST_DIR"), "README.md");
    assert_eq!(
        explained_callouts(&sheet).into_iter().collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
}
