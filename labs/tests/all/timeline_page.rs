//! The timeline's `.html` page in a real browser (headless Chromium, where
//! one is installed): two recordings, one under the other, load without an
//! error; the SVG has a bar per poll and per blocking run, a tick per
//! instant, each with its hover text; the mouse wheel zooms, dragging pans
//! and a double click shows it all again.

use std::time::Duration;

use labs::testkit::{browser, dump_dom, run};
use labs::timeline::{Event, Kind, Recording, Thread, html};

fn event(kind: Kind, name: &str, start: u64, end: u64) -> Event {
    Event {
        kind,
        name: name.to_string(),
        start,
        end,
    }
}

/// A tokio run and a thread run of the same lab, times in nanoseconds.
fn recordings() -> Vec<Recording> {
    let tokio = Recording {
        label: "spinner-tokio".into(),
        threads: vec![
            Thread {
                name: "main".into(),
                events: vec![
                    event(Kind::Poll, "supervisor", 0, 1_000_000),
                    event(Kind::Poll, "spinner", 2_000_000, 2_500_000),
                    event(Kind::Instant, "frame", 2_400_000, 2_400_000),
                    event(Kind::Poll, "spinner", 50_000_000, 50_400_000),
                ],
            },
            Thread {
                name: "tokio-runtime-worker".into(),
                events: vec![event(Kind::Span, "slow", 1_000_000, 90_000_000)],
            },
        ],
        not_recorded: 0,
    };
    let thread = Recording {
        label: "spinner-thread".into(),
        threads: vec![Thread {
            name: "<spinner> & co".into(),
            events: vec![event(Kind::Span, "spinner", 0, 100_000_000)],
        }],
        not_recorded: 3,
    };
    vec![tokio, thread]
}

/// Before the page's own script: every uncaught error is kept.
const CATCH_ERRORS: &str = r#"<script>
window.pageErrors = [];
window.addEventListener("error", (event) => window.pageErrors.push(event.message));
</script>"#;

/// After it: a wheel turn over the middle of the plot, a drag to the left,
/// a double click, each followed by what the bars' transform and the axis
/// then show, written into the page, with the errors, for the dumped DOM.
const USE_THE_MOUSE: &str = r#"<script>
(() => {
  const svg = document.getElementById("timeline"), box = svg.getBoundingClientRect();
  const x = box.left + box.width * 0.6, y = box.top + 30;
  const lines = [];
  const seen = (what) => lines.push(what + ": " + document.getElementById("bars").getAttribute("transform")
    + " | " + document.getElementById("axis-start").textContent
    + " | " + document.getElementById("axis-end").textContent);
  const mouse = (type, at) => svg.dispatchEvent(new MouseEvent(type, { clientX: at, clientY: y, bubbles: true }));
  svg.dispatchEvent(new WheelEvent("wheel", { deltaY: -100, clientX: x, clientY: y, bubbles: true, cancelable: true }));
  seen("wheel");
  mouse("mousedown", x); mouse("mousemove", x - box.width * 0.1); window.dispatchEvent(new MouseEvent("mouseup"));
  seen("drag");
  mouse("dblclick", x);
  seen("double click");
  const out = document.createElement("pre");
  out.id = "test-result";
  out.textContent = lines.join("\n") + "\nerrors: " + JSON.stringify(window.pageErrors);
  document.body.append(out);
})();
</script>"#;

#[test]
fn the_page_in_a_headless_browser() {
    let Some(browser) = browser() else {
        return; // skipped, as `browser` said
    };
    let page = html(&recordings());
    let page = page
        .replacen("<head>", &format!("<head>\n{CATCH_ERRORS}"), 1)
        .replacen("</body>", &format!("{USE_THE_MOUSE}\n</body>"), 1);
    let folder = std::env::temp_dir().join(format!("labs-timeline-page-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let file = folder.join("run.html");
    std::fs::write(&file, page).unwrap();
    let url = format!("file://{}", file.display());
    let out = run(
        &mut dump_dom(&browser, &folder.join("profile"), &url),
        Duration::from_secs(60),
    );
    let _ = std::fs::remove_dir_all(&folder);
    let dom = out.stdout;
    assert!(
        dom.contains("<svg id=\"timeline\""),
        "{browser}: {dom}\n{}",
        out.stderr
    );

    // The bars: a poll or a blocking run each, coloured by task, and a
    // tick per instant; each with its hover text, the markup in a name as text.
    let bars = dom.matches("<rect class=\"t").count();
    let ticks = dom.matches("<rect class=\"tick\"").count();
    assert_eq!((bars - ticks, ticks), (5, 1), "{dom}");
    assert_eq!(dom.matches("</title></rect>").count(), 6, "{dom}");
    for tip in [
        "<title>spinner on main: poll at 2.0 ms, took 500 us</title>",
        "<title>slow on tokio-runtime-worker: blocking at 1.0 ms, took 89.0 ms</title>",
        "<title>frame on main: event at 2.4 ms, instant</title>",
        "<title>spinner on &lt;spinner&gt; &amp; co: blocking at 0 us, took 100.0 ms</title>",
    ] {
        assert!(dom.contains(tip), "no {tip} in:\n{dom}");
    }
    assert!(dom.contains("3 events not recorded"), "{dom}");

    // The script ran, without an error, and the mouse zooms and pans.
    let result = dom
        .split_once("<pre id=\"test-result\">")
        .and_then(|(_, rest)| rest.split_once("</pre>"))
        .map(|(result, _)| result)
        .unwrap_or_else(|| panic!("the test's script did not run:\n{dom}"));
    let lines: Vec<&str> = result.lines().collect();
    let [wheel, drag, reset, errors] = lines[..] else {
        panic!("{result}");
    };
    assert_eq!(errors, "errors: []", "{result}");
    assert!(
        wheel.starts_with("wheel: scale(1.25 1) translate(")
            && !wheel.ends_with("| 0.0 ms | 100.0 ms"),
        "{result}"
    );
    let translate = |line: &str| line.split("translate(").nth(1).map(str::to_string);
    assert_ne!(translate(wheel), translate(drag), "{result}");
    assert!(drag.starts_with("drag: scale(1.25 1)"), "{result}");
    assert_eq!(
        reset, "double click: scale(1 1) translate(0 0) | 0.0 ms | 100.0 ms",
        "{result}"
    );
}
