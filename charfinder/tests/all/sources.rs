//! The variant files are slides: these tests keep them comparable, and keep
//! every callout explained in the lab sheet.

use labs::slides::{Lab, callouts, functions};

const LAB: Lab = Lab {
    dir: env!("CARGO_MANIFEST_DIR"),
    name: "charfinder",
};

const TCP: [&str; 4] = ["thread", "tokio", "async-std", "smol"];
const HTTP: [&str; 3] = ["web", "facade", "facade-solution"];

#[test]
fn every_tcp_server_has_the_same_functions_and_callouts_in_the_same_order() {
    let tokio = LAB.source("tokio");
    assert_eq!(functions(&tokio), ["handle", "serve", "main"]);
    assert_eq!(callouts(&tokio), [1, 2, 3, 4, 5, 15, 16, 19, 20, 21, 22]);
    for variant in ["async-std", "smol"] {
        let text = LAB.source(variant);
        assert_eq!(functions(&text), functions(&tokio), "charfinder-{variant}");
        assert_eq!(callouts(&text), callouts(&tokio), "charfinder-{variant}");
    }
    // The thread sets its timeouts once, on the socket, before the loop;
    // its <3> and <5> mark the read and the write they bound.
    let thread = LAB.source("thread");
    assert_eq!(functions(&thread), functions(&tokio));
    assert_eq!(callouts(&thread), callouts(&tokio));
}

/// The web server and the façade: the same `respond`, `serve` and `main`
/// (callouts 15, 16 and 19 to 22 mean what they mean in the TCP servers), another
/// `search`; the façade adds `ask`. The exercise has the solution's
/// functions, with `todo!()` where the callouts 7 to 13 are.
#[test]
fn the_web_server_and_the_facade_differ_only_in_search() {
    let web = LAB.source("web");
    assert_eq!(functions(&web), ["search", "respond", "serve", "main"]);
    assert_eq!(callouts(&web), [6, 14, 15, 16, 17, 18, 19, 20, 21, 22]);
    let solution = LAB.source("facade-solution");
    assert_eq!(
        functions(&solution),
        ["ask", "search", "respond", "serve", "main"]
    );
    assert_eq!(
        callouts(&solution),
        [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]
    );
    let exercise = LAB.source("facade");
    assert_eq!(functions(&exercise), functions(&solution));
    assert_eq!(callouts(&exercise), [14, 15, 16, 17, 18, 19, 20, 21, 22]);
    let todos = exercise
        .lines()
        .filter(|line| line.trim_start().starts_with("todo!("))
        .count();
    assert_eq!(
        todos, 2,
        "charfinder-facade.rs: one todo!() in ask, one in search"
    );
    let respond_and_serve = |text: &str| {
        let start = text.find("async fn respond").unwrap();
        let end = text.find("#[tokio::main]").unwrap();
        text[start..end].to_string()
    };
    assert_eq!(respond_and_serve(&web), respond_and_serve(&solution));
    assert_eq!(respond_and_serve(&exercise), respond_and_serve(&solution));
}

#[test]
fn every_callout_is_explained_in_the_lab_sheet() {
    LAB.assert_callouts_explained(&[&TCP[..], &HTTP[..]].concat());
}
