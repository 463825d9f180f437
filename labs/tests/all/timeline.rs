//! The timeline's pictures and files, pinned from recordings made by hand
//! (no clock, no scheduler: the same on every machine).

use labs::timeline::{
    Event, Kind, Recording, Style, Thread, chrome_json, from_chrome_json, html, picture,
};

const MS: u64 = 1_000_000;

fn event(kind: Kind, name: &str, start_ms: u64, end_ms: u64) -> Event {
    Event {
        kind,
        name: name.into(),
        start: start_ms * MS,
        end: end_ms * MS,
    }
}

/// What `spinner-tokio-blocking --seconds 1` records: `supervisor` holds the
/// main thread for a second while the spinner is polled on a worker every
/// 100 ms, each poll drawing a frame.
fn blocking() -> Recording {
    let mut worker = vec![];
    for tick in 0..10 {
        let at = 1 + tick * 100;
        worker.push(event(Kind::Poll, "spinner", at, at + 1));
        worker.push(event(Kind::Instant, "frame", at, at));
    }
    Recording {
        label: "spinner-tokio-blocking".into(),
        threads: vec![
            Thread {
                name: "main".into(),
                events: vec![
                    event(Kind::Poll, "supervisor", 0, 1000),
                    event(Kind::Poll, "supervisor", 1002, 1003),
                ],
            },
            Thread {
                name: "tokio-rt-worker 1".into(),
                events: worker,
            },
        ],
        not_recorded: 0,
    }
}

/// What `primes-tokio` records: the check on a blocking-pool thread, and a
/// full recording.
fn cured() -> Recording {
    Recording {
        label: "primes-tokio".into(),
        threads: vec![
            Thread {
                name: "main".into(),
                events: vec![
                    event(Kind::Poll, "supervisor", 0, 1),
                    event(Kind::Poll, "spinner", 1, 2),
                    event(Kind::Poll, "spinner", 101, 102),
                    event(Kind::Poll, "supervisor", 250, 251),
                ],
            },
            Thread {
                name: "tokio-rt-worker".into(),
                events: vec![event(Kind::Span, "is_prime", 1, 249)],
            },
        ],
        not_recorded: 12,
    }
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({ prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn picture_40_columns_plain() {
    snapshot(
        "timeline-40-plain",
        &picture(&[blocking()], &Style::plain(40)),
    );
}

#[test]
fn picture_200_columns_plain() {
    snapshot(
        "timeline-200-plain",
        &picture(&[blocking()], &Style::plain(200)),
    );
}

#[test]
fn picture_coloured_shows_its_escape_codes() {
    let style = Style {
        width: 60,
        colour: true,
    };
    let text = picture(&[blocking()], &style).replace('\x1b', "\\e");
    snapshot("timeline-60-coloured", &text);
}

#[test]
fn several_recordings_share_one_time_scale_and_say_what_was_lost() {
    let text = picture(&[blocking(), cured()], &Style::plain(80));
    snapshot("timeline-two-recordings", &text);
}

#[test]
fn chrome_json_has_one_complete_event_per_poll_and_named_threads() {
    let json: serde_json::Value = serde_json::from_str(&chrome_json(&[cured()])).unwrap();
    let events = json["traceEvents"].as_array().unwrap();
    let threads: Vec<(&str, u64)> = events
        .iter()
        .filter(|e| e["ph"] == "M" && e["name"] == "thread_name")
        .map(|e| {
            (
                e["args"]["name"].as_str().unwrap(),
                e["tid"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(threads, [("main", 1), ("tokio-rt-worker", 2)]);
    let complete: Vec<(&str, u64, f64, f64)> = events
        .iter()
        .filter(|e| e["ph"] == "X")
        .map(|e| {
            (
                e["name"].as_str().unwrap(),
                e["tid"].as_u64().unwrap(),
                e["ts"].as_f64().unwrap(),
                e["dur"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        complete,
        [
            ("supervisor", 1, 0.0, 1000.0),
            ("spinner", 1, 1000.0, 1000.0),
            ("spinner", 1, 101_000.0, 1000.0),
            ("supervisor", 1, 250_000.0, 1000.0),
            ("is_prime", 2, 1000.0, 248_000.0),
        ]
    );
    assert_eq!(json["otherData"]["not_recorded"], 12);
    let instants = json_of(&[blocking()]);
    let frames = instants["traceEvents"].as_array().unwrap().iter();
    let frames = frames
        .filter(|e| e["ph"] == "i" && e["name"] == "frame")
        .count();
    assert_eq!(frames, 10);
}

fn json_of(recordings: &[Recording]) -> serde_json::Value {
    serde_json::from_str(&chrome_json(recordings)).unwrap()
}

#[test]
fn html_is_one_offline_page_with_a_bar_and_a_tooltip_per_poll() {
    let page = html(&[blocking(), cured()]);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(!page.contains("http://") && !page.contains("https://") && !page.contains("src="));
    // One bar per poll or blocking run, one tick per instant, each with a tooltip.
    let bars = |class: &str| page.matches(&format!("<rect class=\"{class}\"")).count();
    assert_eq!(bars("t0"), 2 + 2, "supervisor");
    assert_eq!(bars("t1"), 10 + 2, "spinner");
    assert_eq!(bars("t2"), 1, "is_prime");
    assert_eq!(bars("tick"), 10, "frames");
    // The page's own title, then one per bar and tick.
    assert_eq!(page.matches("<title>").count(), 1 + 4 + 12 + 1 + 10);
    assert!(page.contains("<title>supervisor on main: poll at 0 us, took 1.000 s</title>"));
    assert!(
        page.contains(
            "<title>is_prime on tokio-rt-worker: blocking at 1.0 ms, took 248.0 ms</title>"
        )
    );
    assert!(page.contains("12 events not recorded"));
    // Both recordings on one scale: 1.003 s is the full plot (1000 wide), is_prime a quarter of it.
    assert!(
        page.contains(r#"x="0.9970" y="121.0" width="247.2582""#),
        "{page}"
    );
}

#[test]
fn names_are_escaped_in_html() {
    let mut recording = cured();
    recording.threads[0].name = "<main & \"co\">".into();
    let page = html(&[recording]);
    assert!(page.contains("&lt;main &amp; &quot;co&quot;&gt;"));
    assert!(!page.contains("<main &"));
}

#[test]
fn the_json_reads_back_as_it_was_recorded() {
    let recordings = [blocking(), cured()];
    let mut expected = recordings.to_vec();
    // The count of events not recorded is kept for the whole file.
    expected[0].not_recorded = 12;
    expected[1].not_recorded = 0;
    assert_eq!(from_chrome_json(&chrome_json(&recordings)), Ok(expected));
    assert!(from_chrome_json("{}").is_err());
}
