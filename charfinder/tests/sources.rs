//! The variant files are slides: these tests keep them comparable, and keep
//! every callout explained in the lab sheet.

use labs::slides::{Lab, callouts, functions};

const LAB: Lab = Lab {
    dir: env!("CARGO_MANIFEST_DIR"),
    name: "charfinder",
};

const TCP: [&str; 4] = ["thread", "tokio", "async-std", "smol"];

#[test]
fn every_tcp_server_has_the_same_functions_and_callouts_in_the_same_order() {
    let tokio = LAB.source("tokio");
    assert_eq!(functions(&tokio), ["handle", "serve", "main"]);
    assert_eq!(callouts(&tokio), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    for variant in ["async-std", "smol"] {
        let text = LAB.source(variant);
        assert_eq!(functions(&text), functions(&tokio), "charfinder-{variant}");
        assert_eq!(callouts(&text), callouts(&tokio), "charfinder-{variant}");
    }
    // The thread sets its timeouts once, on the socket (<3> <5>), before
    // the loop.
    let thread = LAB.source("thread");
    assert_eq!(functions(&thread), functions(&tokio));
    assert_eq!(callouts(&thread), [1, 3, 5, 2, 4, 6, 7, 8, 9, 10, 11]);
}

#[test]
fn every_callout_is_explained_in_the_lab_sheet() {
    LAB.assert_callouts_explained(&TCP);
}
