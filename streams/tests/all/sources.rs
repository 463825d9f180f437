//! The variant files are slides: these tests keep them comparable, keep
//! each experiment a one-line edit, and keep every callout explained in the
//! lab sheet.

use labs::slides::{Lab, callouts, functions};

const LAB: Lab = Lab {
    dir: env!("CARGO_MANIFEST_DIR"),
    name: "streams",
};

const RUNTIMES: [&str; 4] = ["thread", "tokio", "async-std", "smol"];

fn with_suffix(runtimes: &[&str], suffix: &str) -> Vec<String> {
    runtimes
        .iter()
        .map(|runtime| format!("{runtime}{suffix}"))
        .collect()
}

/// Steps 1 and 3: one client, four runtimes, the same functions and callouts.
#[test]
fn every_client_has_the_same_functions_and_callouts_in_the_same_order() {
    let tokio = LAB.source("tokio");
    assert_eq!(
        functions(&tokio),
        [
            "open",
            "send",
            "reply",
            "rows",
            "close",
            "drop",
            "with_connection",
            "async_for",
            "comprehension",
            "client",
            "session",
            "main"
        ]
    );
    assert_eq!(callouts(&tokio), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for variant in ["thread", "async-std", "smol"] {
        let text = LAB.source(variant);
        assert_eq!(functions(&text), functions(&tokio), "streams-{variant}");
        assert_eq!(callouts(&text), callouts(&tokio), "streams-{variant}");
    }
}

/// Step 2: the same stream three ways, on each async runtime.
#[test]
fn every_generator_file_writes_the_same_three_streams() {
    for variant in with_suffix(&RUNTIMES[1..], "-generators") {
        let text = LAB.source(&variant);
        assert_eq!(
            functions(&text),
            [
                "rows_macro",
                "rows_unfold",
                "poll_next",
                "send",
                "collect",
                "main"
            ],
            "streams-{variant}"
        );
        assert_eq!(
            callouts(&text),
            [16, 17, 18, 19, 20, 21],
            "streams-{variant}"
        );
    }
}

/// Steps 4 and 5: the race on each runtime, its callouts in reading order:
/// smol and async-std mark their chain of `or`s just above it, and the
/// read that starts it inside; the thread's deadline is marked where it is
/// made, in `client`.
#[test]
fn every_race_has_the_same_functions() {
    for (variant, order) in [
        ("tokio-select", [11, 12, 13, 14, 15]),
        ("async-std-select", [11, 12, 13, 14, 15]),
        ("smol-select", [11, 12, 13, 14, 15]),
        ("thread-select", [11, 12, 13, 14, 15]),
    ] {
        let text = LAB.source(variant);
        assert_eq!(
            functions(&text),
            ["read_line", "receive", "close", "client", "main"],
            "streams-{variant}"
        );
        assert_eq!(callouts(&text), order, "streams-{variant}");
    }
}

/// The experiment of step 4: each broken race is its cured twin with the
/// read of callout 14 changed, and nothing else.
#[test]
fn each_broken_race_is_a_one_line_edit() {
    LAB.assert_one_line_edit(
        "tokio-select",
        "tokio-select-broken",
        "line = lines.next_line() => line, // <14>",
        "line = read_line(lines.get_mut()) => line, // <14>",
    );
    for runtime in ["smol", "async-std"] {
        LAB.assert_one_line_edit(
            &format!("{runtime}-select"),
            &format!("{runtime}-select-broken"),
            "Next::Line(read_line(&mut input.reader, &mut input.buffer).await) // <14>",
            "Next::Line(read_line(&mut input.reader, &mut Vec::new()).await) // <14>",
        );
    }
}

#[test]
fn every_callout_is_explained_in_the_lab_sheet() {
    let variants: Vec<String> = [
        with_suffix(&RUNTIMES, ""),
        with_suffix(&RUNTIMES, "-generators"),
        with_suffix(&RUNTIMES, "-select"),
        with_suffix(&RUNTIMES[1..], "-select-broken"),
    ]
    .concat();
    let variants: Vec<&str> = variants.iter().map(String::as_str).collect();
    LAB.assert_callouts_explained(&variants);
}
