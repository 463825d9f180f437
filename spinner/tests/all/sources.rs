//! The variant files are slides: these tests keep them comparable.

use labs::slides::{Lab, callouts, functions};

const LAB: Lab = Lab {
    dir: env!("CARGO_MANIFEST_DIR"),
    name: "spinner",
};

#[test]
fn each_blocking_experiment_is_its_base_file_with_one_line_edited() {
    let blocking = "std::thread::sleep(delay); // <3>";
    LAB.assert_blocking_experiment("tokio", "tokio::time::sleep(delay).await; // <3>", blocking);
    LAB.assert_blocking_experiment("async-std", "task::sleep(delay).await; // <3>", blocking);
    LAB.assert_blocking_experiment("smol", "Timer::after(delay).await; // <3>", blocking);
}

#[test]
fn the_current_thread_experiment_only_changes_the_runtime() {
    LAB.assert_one_line_edit(
        "tokio-blocking",
        "tokio-current-thread-blocking",
        "#[tokio::main] // <9>",
        r#"#[tokio::main(flavor = "current_thread")] // <9>"#,
    );
}

#[test]
fn the_spawned_experiment_only_spawns_the_supervisor() {
    LAB.assert_edit(
        "tokio-blocking",
        "tokio-spawned-blocking",
        &[r#"let result = watch!("supervisor", supervisor(args.seconds)).await;"#],
        &[
            r#"let result = tokio::spawn(watch!("supervisor", supervisor(args.seconds)))"#,
            ".await",
            ".unwrap();",
        ],
    );
}

#[test]
fn every_variant_has_the_same_functions_and_callouts_in_the_same_order() {
    let tokio = LAB.source("tokio");
    assert_eq!(functions(&tokio), ["spin", "slow", "supervisor", "main"]);
    assert_eq!(callouts(&tokio), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for variant in ["async-std", "smol"] {
        let text = LAB.source(variant);
        assert_eq!(functions(&text), functions(&tokio), "spinner-{variant}");
        assert_eq!(callouts(&text), callouts(&tokio), "spinner-{variant}");
    }
    // Threads have no runtime to start: no <9>.
    let thread = LAB.source("thread");
    assert_eq!(functions(&thread), functions(&tokio));
    assert_eq!(callouts(&thread), [1, 2, 3, 4, 5, 6, 7, 8]);
}

/// Naming the tasks for `--timeline` costs no line: one wrapper where each
/// is started, the same in every variant (`span` for a thread's function).
#[test]
fn every_variant_names_its_tasks_the_same_way() {
    let named = |variant: &str, wrapper: &str, spinner: &str, supervisor: &str| {
        let text = LAB.source(variant);
        let lines: Vec<&str> = text.lines().filter(|line| line.contains(wrapper)).collect();
        assert_eq!(lines.len(), 2, "spinner-{variant}: {lines:?}");
        assert!(
            lines[0].contains(spinner),
            "spinner-{variant}: {}",
            lines[0]
        );
        assert!(
            lines[1].contains(supervisor),
            "spinner-{variant}: {}",
            lines[1]
        );
    };
    for variant in [
        "tokio",
        "tokio-blocking",
        "tokio-current-thread-blocking",
        "tokio-spawned-blocking",
        "async-std",
        "async-std-blocking",
        "smol",
        "smol-blocking",
    ] {
        let spinner = r#"spawn(watch!("spinner", spin("thinking!")))"#;
        named(
            variant,
            "watch!(\"",
            spinner,
            r#"watch!("supervisor", supervisor("#,
        );
    }
    let spinner = r#"span("spinner", || spin("thinking!", done_rx))"#;
    named(
        "thread",
        "span(\"",
        spinner,
        r#"span("supervisor", || supervisor("#,
    );
}

#[test]
fn every_callout_is_explained_in_the_lab_sheet() {
    LAB.assert_callouts_explained(&["thread", "tokio", "async-std", "smol"]);
}
