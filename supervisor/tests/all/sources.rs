//! The variant files are slides: these tests keep them comparable, keep the
//! experiment a one-line edit, and keep every callout explained in the lab
//! sheet.

use labs::slides::{Lab, callouts, functions};

const LAB: Lab = Lab {
    dir: env!("CARGO_MANIFEST_DIR"),
    name: "supervisor",
};

const VARIANTS: [&str; 4] = ["thread", "tokio", "async-std", "smol"];

#[test]
fn every_variant_has_the_same_functions_and_callouts_in_the_same_order() {
    let tokio = LAB.source("tokio");
    assert_eq!(
        functions(&tokio),
        ["read_lines", "wait_or_stop", "run", "supervise", "main"]
    );
    assert_eq!(callouts(&tokio), (1..=15).collect::<Vec<u32>>());
    for variant in VARIANTS {
        let text = LAB.source(variant);
        assert_eq!(functions(&text), functions(&tokio), "supervisor-{variant}");
        assert_eq!(callouts(&text), callouts(&tokio), "supervisor-{variant}");
    }
}

/// The pipe-buffer experiment: the two pipes read one after the other.
#[test]
fn the_experiment_is_a_one_line_edit_that_the_variant_describes() {
    let together = "let reading = async { tokio::join!(stdout, stderr) }; // <9>";
    let in_turn = "let reading = async { (stdout.await, stderr.await) }; // <9>";
    LAB.assert_one_line_edit("tokio", "tokio-sequential", together, in_turn);
    let how = in_turn.trim_end_matches(" // <9>");
    assert!(LAB.source("tokio").contains(&format!("`{how}`")));
}

#[test]
fn every_callout_is_explained_in_the_lab_sheet() {
    LAB.assert_callouts_explained(&VARIANTS);
}

/// No spawn without its name being the same piece of work in every
/// variant: one spawn per child (`supervise`), and in the thread variant one
/// more per pipe.
#[test]
fn each_variant_spawns_once_per_child() {
    for variant in VARIANTS {
        let text = LAB.source(variant);
        let spawns = text.matches("spawn(").count() - text.matches("command.spawn(").count();
        let expected = if variant == "thread" { 3 } else { 1 };
        assert_eq!(spawns, expected, "supervisor-{variant}");
    }
}
