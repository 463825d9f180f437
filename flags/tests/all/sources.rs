//! The variant files are slides: these tests keep them comparable, and keep
//! every callout explained in the lab sheet.

use std::collections::BTreeSet;

use labs::slides::{Lab, callouts, explained_callouts, functions};

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
    assert_eq!(callouts(&tokio), [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13]);
    for variant in ["async-std", "smol"] {
        let text = LAB.source(variant);
        assert_eq!(functions(&text), shared, "flags-{variant}");
        assert_eq!(callouts(&text), callouts(&tokio), "flags-{variant}");
    }
    // The blocking clients: one call connects and waits (<1> <4>), no
    // adapter, no connection task; the sequential one has no runtime either.
    let sequential = LAB.source("sequential");
    assert_eq!(functions(&sequential), shared);
    assert_eq!(callouts(&sequential), [1, 4, 5, 6, 7, 8, 10, 11, 13]);
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
    assert_eq!(callouts(&thread), [1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
}

#[test]
fn every_callout_is_explained_in_the_lab_sheet() {
    LAB.assert_callouts_explained(&VARIANTS);
}

/// The second and third series: their own callouts, explained in their own
/// sheet, `flags2.md`.
const SERIES2: Lab = Lab {
    dir: env!("CARGO_MANIFEST_DIR"),
    name: "flags2",
};
const SERIES3: Lab = Lab {
    dir: env!("CARGO_MANIFEST_DIR"),
    name: "flags3",
};

#[test]
fn the_second_and_third_series_have_the_same_functions_and_callouts() {
    let shared = [
        "get_flag",
        "download_one",
        "supervisor",
        "download_many",
        "main",
    ];
    let tokio = SERIES2.source("tokio");
    assert_eq!(functions(&tokio), shared);
    assert_eq!(callouts(&tokio), [2, 3, 4, 9, 10, 11, 12, 13, 14, 15]);
    for variant in ["async-std", "smol"] {
        let text = SERIES2.source(variant);
        assert_eq!(functions(&text), shared, "flags2-{variant}");
        assert_eq!(callouts(&text), callouts(&tokio), "flags2-{variant}");
    }
    let sequential = SERIES2.source("sequential");
    assert_eq!(
        functions(&sequential),
        ["get_flag", "download_one", "download_many", "main"]
    );
    assert_eq!(callouts(&sequential), [3, 4, 11, 13, 15]);
    let thread = SERIES2.source("thread");
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
    assert_eq!(callouts(&thread), [3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 15]);
    // The third series: a second request per flag, chained.
    let chained = [
        "fetch",
        "get_flag",
        "get_country",
        "download_one",
        "supervisor",
        "download_many",
        "main",
    ];
    for variant in ["tokio", "smol"] {
        let text = SERIES3.source(variant);
        assert_eq!(functions(&text), chained, "flags3-{variant}");
        assert_eq!(
            callouts(&text),
            [1, 2, 3, 4, 7, 8, 9, 10, 11, 12, 13, 14, 15],
            "flags3-{variant}"
        );
    }
}

#[test]
fn the_second_series_callouts_are_explained_in_the_lab_sheet() {
    let used: BTreeSet<u32> = ["sequential", "thread", "tokio", "async-std", "smol"]
        .iter()
        .map(|variant| SERIES2.source(variant))
        .chain(
            ["tokio", "smol"]
                .iter()
                .map(|variant| SERIES3.source(variant)),
        )
        .flat_map(|text| callouts(&text))
        .collect();
    let sheet = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/flags2.md"))
        .expect("the second series' sheet, flags2.md");
    assert_eq!(used, explained_callouts(&sheet));
}
