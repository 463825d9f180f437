//! The terminal picture: one row per thread, time across, a letter (and a
//! colour) per task, then a table per task.

use std::fmt::Write as _;
use std::io::IsTerminal;

use crossterm::style::{Color, Stylize};

use super::{Kind, Recording};

/// The width when the terminal does not say (a pipe, a file).
pub const DEFAULT_WIDTH: usize = 80;

/// How to draw: how many columns, and whether in colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub width: usize,
    pub colour: bool,
}

impl Style {
    /// Plain letters, `width` columns.
    pub fn plain(width: usize) -> Style {
        Style {
            width,
            colour: false,
        }
    }

    /// For stderr: the terminal's width (80 when unknown), in colour on a
    /// terminal unless `NO_COLOR` is set.
    pub fn for_stderr() -> Style {
        let width =
            crossterm::terminal::size().map_or(DEFAULT_WIDTH, |(columns, _)| usize::from(columns));
        let no_colour = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        Style {
            width: if width == 0 { DEFAULT_WIDTH } else { width },
            colour: std::io::stderr().is_terminal() && !no_colour,
        }
    }
}

const COLOURS: [Color; 6] = [
    Color::Cyan,
    Color::Yellow,
    Color::Magenta,
    Color::Green,
    Color::Blue,
    Color::Red,
];

/// The mark of an instant event.
const TICK: char = '\'';

/// A task (or span) name with its letter and colour.
struct Task {
    name: String,
    letter: char,
    colour: Color,
}

/// The names of every poll and span, in the order they first ran, each with
/// a letter of its own: its first letter if free, in upper case, another of
/// its letters, or any.
fn tasks(recordings: &[Recording]) -> Vec<Task> {
    let mut firsts: Vec<(u64, &str)> = Vec::new();
    for event in recordings
        .iter()
        .flat_map(|r| &r.threads)
        .flat_map(|t| &t.events)
    {
        if event.kind == Kind::Instant {
            continue;
        }
        match firsts.iter_mut().find(|(_, name)| *name == event.name) {
            Some(first) => first.0 = first.0.min(event.start),
            None => firsts.push((event.start, &event.name)),
        }
    }
    firsts.sort_by_key(|&(start, _)| start);
    let mut tasks: Vec<Task> = Vec::new();
    for (index, (_, name)) in firsts.into_iter().enumerate() {
        let first = name.chars().find(char::is_ascii_alphanumeric);
        let candidates = first
            .into_iter()
            .flat_map(|c| [c.to_ascii_lowercase(), c.to_ascii_uppercase()])
            .chain(
                name.chars()
                    .filter(char::is_ascii_alphanumeric)
                    .map(|c| c.to_ascii_lowercase()),
            )
            .chain('a'..='z')
            .chain('A'..='Z')
            .chain('0'..='9');
        let taken = |c: &char| tasks.iter().any(|task| task.letter == *c);
        let letter = candidates.into_iter().find(|c| !taken(c)).unwrap_or('#');
        tasks.push(Task {
            name: name.to_string(),
            letter,
            colour: COLOURS[index % COLOURS.len()],
        });
    }
    tasks
}

/// Draws `recordings` one under the other, on one time scale, then a
/// table per task.
pub fn picture(recordings: &[Recording], style: &Style) -> String {
    let mut out = strips(recordings, style);
    for recording in recordings {
        table(&mut out, recording, recordings.len() > 1);
    }
    out
}

/// The rows of [`picture`] and its legend, without the tables: a compact
/// strip per recording, for beside something else (`labs compare`).
pub fn strips(recordings: &[Recording], style: &Style) -> String {
    let tasks = tasks(recordings);
    let total = Recording::span_of(recordings);
    let label_width = recordings
        .iter()
        .flat_map(|r| &r.threads)
        .map(|t| t.name.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 30);
    let columns = style.width.saturating_sub(label_width + 3).max(10);
    let column_of = |at: u64| {
        let column = u128::from(at) * columns as u128 / u128::from(total);
        usize::try_from(column)
            .unwrap_or(usize::MAX)
            .min(columns - 1)
    };
    let mut out = String::new();
    for recording in recordings {
        if recording.threads.is_empty() {
            let _ = writeln!(
                out,
                "{}: nothing recorded (this program names no task: see labs::watch, labs::timeline::span)",
                label(recording)
            );
            continue;
        }
        let _ = writeln!(
            out,
            "{}: {}, one column = {}",
            label(recording),
            duration(recording.end()),
            duration(total / columns as u64)
        );
        for thread in &recording.threads {
            // Per column: the task that ran longest in it, blocking spans first.
            let mut cells: Vec<Option<(bool, u64, usize)>> = vec![None; columns];
            let mut ticks = vec![false; columns];
            for event in &thread.events {
                if event.kind == Kind::Instant {
                    ticks[column_of(event.start)] = true;
                    continue;
                }
                let Some(task) = tasks.iter().position(|task| task.name == event.name) else {
                    continue;
                };
                let span = event.kind == Kind::Span;
                // A column shows the event if it covers half of it, or
                // holds its middle: a short poll is one letter, not two
                // when it straddles a border.
                let (first, last) = (column_of(event.start), column_of(event.end));
                let middle = column_of(event.start + (event.end - event.start) / 2);
                for (column, cell) in (first..).zip(&mut cells[first..=last]) {
                    let from = (column as u128 * u128::from(total) / columns as u128) as u64;
                    let to = ((column as u128 + 1) * u128::from(total) / columns as u128) as u64;
                    let covered = event
                        .end
                        .min(to)
                        .saturating_sub(event.start.max(from))
                        .max(1);
                    if column != middle && covered * 2 < to - from {
                        continue;
                    }
                    if cell.is_none_or(|(was_span, was_covered, _)| {
                        (span, covered) > (was_span, was_covered)
                    }) {
                        *cell = Some((span, covered, task));
                    }
                }
            }
            let row: Vec<Option<usize>> = cells
                .iter()
                .map(|cell| cell.map(|(_, _, task)| task))
                .collect();
            let _ = writeln!(
                out,
                "{:<label_width$} |{}|",
                shorten(&thread.name, label_width),
                draw_row(&row, &tasks, style.colour)
            );
            if ticks.contains(&true) {
                let marks: String = ticks
                    .iter()
                    .map(|&tick| if tick { TICK } else { ' ' })
                    .collect();
                let _ = writeln!(out, "{:<label_width$} |{marks}|", "");
            }
        }
        let end = duration(recording.end());
        let _ = writeln!(
            out,
            "{:<label_width$}  0{end:>width$}",
            "",
            width = column_of(recording.end()).max(end.len())
        );
        if recording.not_recorded > 0 {
            let _ = writeln!(
                out,
                "{} events not recorded: the recording was full",
                recording.not_recorded
            );
        }
    }
    legend(&mut out, recordings, &tasks, style.colour);
    out
}

fn label(recording: &Recording) -> &str {
    if recording.label.is_empty() {
        "timeline"
    } else {
        &recording.label
    }
}

fn draw_row(row: &[Option<usize>], tasks: &[Task], colour: bool) -> String {
    let mut out = String::new();
    let mut rest = row;
    while let Some(&first) = rest.first() {
        let run = rest.iter().take_while(|&&cell| cell == first).count();
        let text: String = match first {
            Some(task) => std::iter::repeat_n(tasks[task].letter, run).collect(),
            None => " ".repeat(run),
        };
        match first {
            Some(task) if colour => {
                let _ = write!(out, "{}", text.black().on(tasks[task].colour));
            }
            _ => out.push_str(&text),
        }
        rest = &rest[run..];
    }
    out
}

fn legend(out: &mut String, recordings: &[Recording], tasks: &[Task], colour: bool) {
    let mut items: Vec<String> = tasks
        .iter()
        .map(|task| {
            let letter = task.letter.to_string();
            let letter = if colour {
                letter.black().on(task.colour).to_string()
            } else {
                letter
            };
            format!("{letter} {}", task.name)
        })
        .collect();
    let mut instants: Vec<&str> = Vec::new();
    for event in recordings
        .iter()
        .flat_map(|r| &r.threads)
        .flat_map(|t| &t.events)
    {
        if event.kind == Kind::Instant && !instants.contains(&event.name.as_str()) {
            instants.push(&event.name);
        }
    }
    if !instants.is_empty() {
        items.push(format!("{TICK} {}", instants.join(", ")));
    }
    if !items.is_empty() {
        let _ = writeln!(out, "{}", items.join("   "));
    }
}

/// Per task: how many polls (or blocking runs), how long in all, the
/// longest, and the threads it ran on.
fn table(out: &mut String, recording: &Recording, with_label: bool) {
    struct Row<'a> {
        name: &'a str,
        kind: Kind,
        count: usize,
        total: u64,
        longest: u64,
        threads: Vec<&'a str>,
    }
    let mut rows: Vec<Row> = Vec::new();
    let mut events: Vec<(&str, &super::Event)> = recording
        .threads
        .iter()
        .flat_map(|t| t.events.iter().map(move |e| (t.name.as_str(), e)))
        .filter(|(_, e)| e.kind != Kind::Instant)
        .collect();
    events.sort_by_key(|(_, e)| e.start);
    for (thread, event) in events {
        let took = event.end - event.start;
        let row = match rows
            .iter()
            .position(|r| r.name == event.name && r.kind == event.kind)
        {
            Some(index) => &mut rows[index],
            None => {
                rows.push(Row {
                    name: &event.name,
                    kind: event.kind,
                    count: 0,
                    total: 0,
                    longest: 0,
                    threads: vec![],
                });
                rows.last_mut().expect("just pushed")
            }
        };
        row.count += 1;
        row.total += took;
        row.longest = row.longest.max(took);
        if !row.threads.contains(&thread) {
            row.threads.push(thread);
        }
    }
    if rows.is_empty() {
        return;
    }
    if with_label {
        let _ = writeln!(out, "{}:", recording.label);
    }
    let name_width = rows
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = writeln!(
        out,
        "{:<name_width$}  {:>16}  {:>9}  {:>9}  threads",
        "task", "ran", "in all", "longest"
    );
    for row in rows {
        let what = match (row.kind, row.count) {
            (Kind::Poll, 1) => "1 poll".to_string(),
            (Kind::Poll, n) => format!("{n} polls"),
            (_, 1) => "1 blocking run".to_string(),
            (_, n) => format!("{n} blocking runs"),
        };
        let _ = writeln!(
            out,
            "{:<name_width$}  {what:>16}  {:>9}  {:>9}  {}",
            row.name,
            duration(row.total),
            duration(row.longest),
            thread_list(&row.threads)
        );
    }
}

/// The threads a task ran on, short enough for one line: a server with a
/// thread per connection names its first and last of many.
fn thread_list(threads: &[&str]) -> String {
    match threads {
        [first, .., last] if threads.len() > 4 => {
            format!("{} threads: {first} ... {last}", threads.len())
        }
        _ => threads.join(", "),
    }
}

/// `1.003 s`, `12.5 ms`, `40 us`.
pub(super) fn duration(nanos: u64) -> String {
    if nanos >= 1_000_000_000 {
        format!("{:.3} s", nanos as f64 / 1e9)
    } else if nanos >= 1_000_000 {
        format!("{:.1} ms", nanos as f64 / 1e6)
    } else {
        format!("{} us", nanos / 1000)
    }
}

fn shorten(name: &str, width: usize) -> String {
    if name.chars().count() <= width {
        name.to_string()
    } else {
        let mut short: String = name.chars().take(width - 1).collect();
        short.push('~');
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_on_many_threads_names_the_first_and_the_last() {
        assert_eq!(thread_list(&["main"]), "main");
        let four = ["unnamed 1", "unnamed 2", "unnamed 3", "unnamed 4"];
        assert_eq!(thread_list(&four), four.join(", "));
        let names: Vec<String> = (1..=30).map(|n| format!("unnamed {n}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        assert_eq!(thread_list(&names), "30 threads: unnamed 1 ... unnamed 30");
    }
}
