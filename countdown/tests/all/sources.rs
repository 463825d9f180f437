//! The variant files are slides: these tests keep them comparable, and keep
//! each blocking experiment exactly one line away from its base file.

use labs::slides::{Lab, callouts, functions};

const LAB: Lab = Lab {
    dir: env!("CARGO_MANIFEST_DIR"),
    name: "countdown",
};

#[test]
fn each_blocking_experiment_is_its_base_file_with_one_line_edited() {
    let blocking = "std::thread::sleep(delay); // <1>";
    LAB.assert_blocking_experiment("tokio", "tokio::time::sleep(delay).await; // <1>", blocking);
    LAB.assert_blocking_experiment("async-std", "task::sleep(delay).await; // <1>", blocking);
    LAB.assert_blocking_experiment("smol", "smol::Timer::after(delay).await; // <1>", blocking);
}

#[test]
fn the_current_thread_experiment_only_changes_the_runtime() {
    LAB.assert_one_line_edit(
        "tokio-blocking",
        "tokio-current-thread-blocking",
        r#"#[tokio::main(flavor = "multi_thread", worker_threads = 4)] // <5>"#,
        r#"#[tokio::main(flavor = "current_thread")] // <5>"#,
    );
}

#[test]
fn every_variant_has_the_same_functions_and_callouts_in_the_same_order() {
    let tokio = LAB.source("tokio");
    assert_eq!(functions(&tokio), ["countdown", "supervisor", "main"]);
    assert_eq!(callouts(&tokio), [1, 2, 3, 4, 5]);
    for variant in [
        "async-std",
        "smol",
        "tokio-blocking",
        "tokio-current-thread-blocking",
        "async-std-blocking",
        "smol-blocking",
    ] {
        let text = LAB.source(variant);
        assert_eq!(functions(&text), functions(&tokio), "countdown-{variant}");
        assert_eq!(callouts(&text), callouts(&tokio), "countdown-{variant}");
    }
    // Threads have no runtime to set up: no <5>.
    let thread = LAB.source("thread");
    assert_eq!(functions(&thread), functions(&tokio));
    assert_eq!(callouts(&thread), [1, 2, 3, 4]);
}

#[test]
fn the_lab_sheet_explains_every_callout() {
    LAB.assert_callouts_explained(&["thread", "tokio", "async-std", "smol"]);
}
