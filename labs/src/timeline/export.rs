//! The files: Chrome trace-event JSON (Perfetto, chrome://tracing) and one
//! self-contained HTML page with an SVG (no network, no script from outside).

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::picture::duration;
use super::{Kind, Recording};

/// Chrome trace-event JSON: each poll or blocking run a complete event
/// (`"ph": "X"`) named after its task, each instant an instant event
/// (`"ph": "i"`), one `tid` per thread named by a metadata event, one `pid`
/// per recording. Times in microseconds, as the format wants.
pub fn chrome_json(recordings: &[Recording]) -> String {
    let mut events: Vec<Value> = Vec::new();
    let micros = |nanos: u64| nanos as f64 / 1000.0;
    for (pid, recording) in (1..).zip(recordings) {
        events.push(json!({
            "name": "process_name", "ph": "M", "pid": pid, "tid": 0,
            "args": { "name": recording.label },
        }));
        for (tid, thread) in (1..).zip(&recording.threads) {
            events.push(json!({
                "name": "thread_name", "ph": "M", "pid": pid, "tid": tid,
                "args": { "name": thread.name },
            }));
            for event in &thread.events {
                events.push(match event.kind {
                    Kind::Instant => json!({
                        "name": event.name, "cat": "event", "ph": "i", "s": "t",
                        "ts": micros(event.start), "pid": pid, "tid": tid,
                    }),
                    kind => json!({
                        "name": event.name,
                        "cat": if kind == Kind::Poll { "poll" } else { "blocking" },
                        "ph": "X", "ts": micros(event.start),
                        "dur": micros(event.end - event.start), "pid": pid, "tid": tid,
                    }),
                });
            }
        }
    }
    let not_recorded: u64 = recordings.iter().map(|r| r.not_recorded).sum();
    let trace = json!({
        "traceEvents": events,
        "displayTimeUnit": "ms",
        "otherData": { "not_recorded": not_recorded },
    });
    serde_json::to_string_pretty(&trace).expect("a JSON value always serialises")
}

/// Reads back what [`chrome_json`] wrote: one recording per `pid`.
pub fn from_chrome_json(text: &str) -> Result<Vec<Recording>, String> {
    let trace: Value = serde_json::from_str(text).map_err(|err| format!("not JSON: {err}"))?;
    let events = trace["traceEvents"]
        .as_array()
        .ok_or("no traceEvents: not a trace written by --timeline")?;
    let mut recordings: Vec<(u64, Recording)> = Vec::new();
    let mut tids: Vec<(u64, u64, usize)> = Vec::new();
    let nanos = |value: &Value| (value.as_f64().unwrap_or(0.0) * 1000.0).round() as u64;
    for event in events {
        let (Some(pid), Some(tid)) = (event["pid"].as_u64(), event["tid"].as_u64()) else {
            continue;
        };
        let index = match recordings.iter().position(|(p, _)| *p == pid) {
            Some(index) => index,
            None => {
                recordings.push((pid, Recording::default()));
                recordings.len() - 1
            }
        };
        let recording = &mut recordings[index].1;
        let name = event["name"].as_str().unwrap_or_default();
        let label = || {
            event["args"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        };
        let kind = match (event["ph"].as_str(), event["cat"].as_str()) {
            (Some("M"), _) if name == "process_name" => {
                recording.label = label();
                continue;
            }
            (Some("M"), _) if name == "thread_name" => {
                tids.push((pid, tid, recording.threads.len()));
                recording.threads.push(super::Thread {
                    name: label(),
                    events: vec![],
                });
                continue;
            }
            (Some("X"), Some("poll")) => Kind::Poll,
            (Some("X"), _) => Kind::Span,
            (Some("i"), _) => Kind::Instant,
            _ => continue,
        };
        let thread = tids
            .iter()
            .find(|(p, t, _)| *p == pid && *t == tid)
            .map(|(_, _, index)| *index)
            .ok_or_else(|| format!("an event on thread {tid} before its name"))?;
        let start = nanos(&event["ts"]);
        recording.threads[thread].events.push(super::Event {
            kind,
            name: name.to_string(),
            start,
            end: start + nanos(&event["dur"]),
        });
    }
    let mut recordings: Vec<Recording> = recordings.into_iter().map(|(_, r)| r).collect();
    if let (Some(first), Some(lost)) = (
        recordings.first_mut(),
        trace["otherData"]["not_recorded"].as_u64(),
    ) {
        first.not_recorded = lost;
    }
    Ok(recordings)
}

const ROW: f64 = 24.0;
const LABEL: f64 = 220.0;
const PLOT: f64 = 1000.0;
const COLOURS: [&str; 6] = [
    "#1f9bb4", "#d4a017", "#b23aa8", "#3a9a3a", "#3a64c8", "#c83a3a",
];

/// One HTML page: per recording, one row per thread on one shared time
/// scale; hover a bar for its task, thread, start and duration; the mouse
/// wheel zooms, dragging pans, a double click resets.
pub fn html(recordings: &[Recording]) -> String {
    let total = Recording::span_of(recordings);
    let x = |nanos: u64| nanos as f64 * PLOT / total as f64;
    let mut names: Vec<&str> = Vec::new();
    let mut rows = String::new();
    let mut labels = String::new();
    let mut y = 0.0;
    for recording in recordings {
        y += ROW;
        let _ = writeln!(
            labels,
            r#"<text x="4" y="{:.1}" class="label">{} ({})</text>"#,
            y - 6.0,
            escape(&recording.label),
            duration(recording.end())
        );
        if recording.not_recorded > 0 {
            let _ = writeln!(
                labels,
                r#"<text x="{LABEL}" y="{:.1}">{} events not recorded: the recording was full</text>"#,
                y - 6.0,
                recording.not_recorded
            );
        }
        for thread in &recording.threads {
            let _ = writeln!(
                labels,
                r#"<text x="4" y="{:.1}">{}</text>"#,
                y + ROW * 0.65,
                escape(&thread.name)
            );
            let _ = writeln!(
                rows,
                r#"<rect class="lane" x="0" y="{y:.1}" width="{PLOT}" height="{:.1}"/>"#,
                ROW - 2.0
            );
            for event in &thread.events {
                let tip = format!(
                    "{} on {}: {} at {}, {}",
                    event.name,
                    thread.name,
                    match event.kind {
                        Kind::Poll => "poll",
                        Kind::Span => "blocking",
                        Kind::Instant => "event",
                    },
                    duration(event.start),
                    if event.kind == Kind::Instant {
                        "instant".to_string()
                    } else {
                        format!("took {}", duration(event.end - event.start))
                    }
                );
                if event.kind == Kind::Instant {
                    let _ = writeln!(
                        rows,
                        r#"<rect class="tick" x="{:.4}" y="{:.1}" width="0.5" height="{:.1}"><title>{}</title></rect>"#,
                        x(event.start),
                        y + ROW - 8.0,
                        6.0,
                        escape(&tip)
                    );
                    continue;
                }
                let index = names
                    .iter()
                    .position(|n| *n == event.name)
                    .unwrap_or_else(|| {
                        names.push(&event.name);
                        names.len() - 1
                    });
                let (top, height) = if event.kind == Kind::Span {
                    (y + 1.0, ROW - 4.0)
                } else {
                    (y + 4.0, ROW - 10.0)
                };
                let _ = writeln!(
                    rows,
                    r#"<rect class="t{index}" x="{:.4}" y="{top:.1}" width="{:.4}" height="{height:.1}"><title>{}</title></rect>"#,
                    x(event.start),
                    x(event.end - event.start).max(0.3),
                    escape(&tip)
                );
            }
            y += ROW;
        }
    }
    let height = y + ROW * 1.5;
    let mut styles = String::new();
    for (index, _) in names.iter().enumerate() {
        let _ = writeln!(
            styles,
            ".t{index} {{ fill: {}; }}",
            COLOURS[index % COLOURS.len()]
        );
    }
    let legend: String = names
        .iter()
        .enumerate()
        .map(|(index, name)| format!(r#"<span class="key t{index}-key">{}</span>"#, escape(name)))
        .collect();
    let key_styles: String = (0..names.len())
        .map(|index| {
            format!(
                ".t{index}-key {{ border-left: 14px solid {}; }}\n",
                COLOURS[index % COLOURS.len()]
            )
        })
        .collect();
    let title = escape(
        &recordings
            .iter()
            .map(|r| r.label.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    );
    format!(
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Timeline: {title}</title>
<style>
body {{ font: 13px system-ui, sans-serif; margin: 1em; }}
svg {{ width: 100%; border: 1px solid #ccc; user-select: none; }}
text {{ font: 12px monospace; }}
.label {{ font-weight: bold; }}
.lane {{ fill: #f4f4f4; }}
.tick {{ fill: #000; }}
.key {{ margin-right: 1.5em; padding-left: 4px; }}
{styles}{key_styles}</style>
</head>
<body>
<p>{legend} <span class="key">| event</span></p>
<p>Hover a bar: task, thread, start, duration. Wheel: zoom. Drag: pan. Double click: all.</p>
<svg id="timeline" viewBox="0 0 {width} {height}" data-total-ns="{total}">
<clipPath id="plot-area"><rect x="0" y="0" width="{PLOT}" height="{height}"/></clipPath>
<g id="plot" transform="translate({LABEL} 0)">
<g clip-path="url(#plot-area)">
<g id="bars">
{rows}</g>
</g>
<text id="axis-start" x="0" y="{axis}">0</text>
<text id="axis-end" x="{PLOT}" y="{axis}" text-anchor="end">{end}</text>
</g>
<rect x="0" y="0" width="{label_width}" height="{height}" fill="#fff"/>
{labels}</svg>
<script>
(() => {{
  const svg = document.getElementById("timeline"), bars = document.getElementById("bars");
  const total = Number(svg.dataset.totalNs), plot = {PLOT};
  let from = 0, span = plot, drag = null;
  const show = (ns) => ns >= 1e9 ? (ns / 1e9).toFixed(3) + " s" : (ns / 1e6).toFixed(1) + " ms";
  const draw = () => {{
    span = Math.min(plot, Math.max(plot / 1e5, span));
    from = Math.min(plot - span, Math.max(0, from));
    bars.setAttribute("transform", `scale(${{plot / span}} 1) translate(${{-from}} 0)`);
    document.getElementById("axis-start").textContent = show(from / plot * total);
    document.getElementById("axis-end").textContent = show((from + span) / plot * total);
  }};
  const at = (event) => {{
    const box = svg.getBoundingClientRect(), scale = {width} / box.width;
    return ((event.clientX - box.left) * scale - {LABEL}) / plot;
  }};
  svg.addEventListener("wheel", (event) => {{
    event.preventDefault();
    const where = from + at(event) * span, factor = event.deltaY < 0 ? 0.8 : 1.25;
    span *= factor; from = where - (where - from) * factor; draw();
  }}, {{ passive: false }});
  svg.addEventListener("mousedown", (event) => {{ drag = {{ x: at(event), from }}; }});
  window.addEventListener("mouseup", () => {{ drag = null; }});
  svg.addEventListener("mousemove", (event) => {{
    if (drag) {{ from = drag.from - (at(event) - drag.x) * span; draw(); }}
  }});
  svg.addEventListener("dblclick", () => {{ from = 0; span = plot; draw(); }});
}})();
</script>
</body>
</html>
"##,
        width = LABEL + PLOT + 20.0,
        label_width = LABEL - 4.0,
        axis = y + ROW,
        end = duration(total),
    )
}

/// Text for HTML: `<`, `>`, `&`, `"` escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}
