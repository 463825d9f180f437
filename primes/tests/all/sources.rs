//! The variant files are slides: these tests keep them comparable.

use labs::slides::{Lab, callouts, functions};

const LAB: Lab = Lab {
    dir: env!("CARGO_MANIFEST_DIR"),
    name: "primes",
};

#[test]
fn the_broken_and_yielding_variants_are_the_cured_one_with_one_line_edited() {
    let cure = "tokio::task::spawn_blocking(move || primes::is_prime(n)).await // <3>";
    let blocking = "Ok(primes::is_prime(n)) // <3>";
    let yielding = "Ok(primes::is_prime_yielding(n, 10_000, tokio::task::yield_now).await) // <3>";
    LAB.assert_one_line_edit("tokio", "tokio-blocking", cure, blocking);
    LAB.assert_one_line_edit("tokio", "tokio-yield", cure, yielding);
    // The header tells participants to make both edits by hand.
    let header = LAB.source("tokio");
    assert!(header.contains(&format!("`{blocking}`")), "{header}");
    assert!(header.contains(&format!("`{yielding}`")), "{header}");
}

#[test]
fn every_spinner_has_the_same_functions_and_callouts_in_the_same_order() {
    let tokio = LAB.source("tokio");
    assert_eq!(functions(&tokio), ["spin", "slow", "supervisor", "main"]);
    assert_eq!(callouts(&tokio), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for variant in ["async-std", "smol"] {
        let text = LAB.source(variant);
        assert_eq!(functions(&text), functions(&tokio), "primes-{variant}");
        assert_eq!(callouts(&text), callouts(&tokio), "primes-{variant}");
    }
    // Threads have no runtime and no tasks to watch: no <8> to <10>.
    let thread = LAB.source("thread");
    assert_eq!(functions(&thread), functions(&tokio));
    assert_eq!(callouts(&thread), [1, 2, 3, 4, 5, 6, 7]);
}

#[test]
fn the_watch_costs_no_line_and_is_the_same_in_every_async_variant() {
    for variant in [
        "tokio",
        "tokio-blocking",
        "tokio-yield",
        "async-std",
        "smol",
    ] {
        let text = LAB.source(variant);
        let watched: Vec<&str> = text
            .lines()
            .filter(|line| line.contains("watch!(\""))
            .collect();
        assert_eq!(watched.len(), 2, "primes-{variant}: {watched:?}");
        assert!(
            watched[0].contains("spawn(watch!(\"spinner\", spin(\"thinking!\")))"),
            "{variant}"
        );
        assert!(
            watched[1].contains("watch!(\"supervisor\", supervisor("),
            "{variant}"
        );
    }
    // The thread variant names its thread's function and main's work with `span`.
    let thread = LAB.source("thread");
    let spans: Vec<&str> = thread
        .lines()
        .filter(|line| line.contains("span(\""))
        .collect();
    assert_eq!(spans.len(), 2, "primes-thread: {spans:?}");
    assert!(spans[0].contains(r#"spawn(move || span("spinner", || spin("thinking!", done_rx)))"#));
    assert!(spans[1].contains(r#"span("supervisor", || supervisor("#));
}

#[test]
fn the_pools_share_their_functions_and_callouts() {
    let threads = LAB.source("threads");
    assert_eq!(
        functions(&threads),
        ["worker", "start_jobs", "report", "main"]
    );
    assert_eq!(callouts(&threads), [12, 13, 14, 16, 17, 19]);
    let processes = LAB.source("processes");
    assert_eq!(
        functions(&processes),
        ["worker", "start_jobs", "report", "main", "serve"]
    );
    assert_eq!(callouts(&processes), [12, 13, 14, 15, 16, 17, 19, 20, 21]);
    let rayon = LAB.source("rayon");
    assert_eq!(functions(&rayon), ["start_jobs", "report", "main"]);
    assert_eq!(callouts(&rayon), [17, 18, 19]);
    let sequential = LAB.source("sequential");
    assert_eq!(functions(&sequential), ["main"]);
    assert_eq!(callouts(&sequential), [11]);
    // `report` is the same function in every pool: results in completion order.
    let report = |text: &str| {
        let start = text.find("fn report").unwrap();
        text[start..start + text[start..].find("\n}\n").unwrap()].to_string()
    };
    assert_eq!(report(&processes), report(&threads));
    assert_eq!(report(&rayon), report(&threads));
}

#[test]
fn every_callout_is_explained_in_the_lab_sheet() {
    LAB.assert_callouts_explained(&[
        "thread",
        "tokio",
        "async-std",
        "smol",
        "sequential",
        "threads",
        "processes",
        "rayon",
    ]);
}
