//! The variant files are slides: these tests keep them comparable, and keep
//! every callout explained in the lab sheet.

use labs::slides::{Lab, callouts, functions};

const LAB: Lab = Lab {
    dir: env!("CARGO_MANIFEST_DIR"),
    name: "flags",
};

const VARIANTS: [&str; 5] = ["sequential", "thread", "tokio", "async-std", "smol"];

#[test]
fn every_variant_has_the_same_functions_and_callouts_in_the_same_order() {
    let shared = ["get_flag", "download_one", "download_many", "main"];
    let tokio = LAB.source("tokio");
    assert_eq!(functions(&tokio), shared);
    assert_eq!(callouts(&tokio), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for variant in ["async-std", "smol"] {
        let text = LAB.source(variant);
        assert_eq!(functions(&text), shared, "flags-{variant}");
        assert_eq!(callouts(&text), callouts(&tokio), "flags-{variant}");
    }
    // The blocking clients: one call connects and waits (<1> <4>), no
    // adapter, no connection task; the sequential one has no runtime either.
    let sequential = LAB.source("sequential");
    assert_eq!(functions(&sequential), shared);
    assert_eq!(callouts(&sequential), [1, 4, 5, 6, 7, 8, 9, 10, 12]);
    // The pool adds a `worker` and its queue (<13>).
    let thread = LAB.source("thread");
    assert_eq!(
        functions(&thread),
        [
            "get_flag",
            "download_one",
            "worker",
            "download_many",
            "main"
        ]
    );
    assert_eq!(callouts(&thread), [1, 4, 5, 6, 7, 8, 13, 9, 10, 11, 12]);
}

#[test]
fn every_callout_is_explained_in_the_lab_sheet() {
    LAB.assert_callouts_explained(&VARIANTS);
}
