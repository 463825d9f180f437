//! `labs compare LAB [VARIANTS] [-- ARGS]`: runs variants one after another
//! with their output captured, and shows the outputs side by side (or each
//! as a diff against the first) after normalising what differs from run to
//! run anyway: elapsed times and task ids.

use crossterm::style::Stylize;
use labs::catalog::Catalog;
use labs::timeline::{self, Recording, Style};

use super::diff::{summary, unified, wrap};
use super::timeline::{Run, entries, run_all};
use super::{colour, find_lab, terminal_width, width};

/// One variant's run: its name and what it printed, normalised.
struct Output {
    name: String,
    text: String,
}

pub fn compare(
    catalog: &Catalog,
    lab: &str,
    variants: &[String],
    as_diff: bool,
    columns: Option<usize>,
    args: &[String],
) {
    let lab = find_lab(catalog, lab);
    let runs = run_all(lab, &entries(lab, variants), args);
    let outputs: Vec<Output> = runs
        .iter()
        .map(|run| {
            let variant = run.binary.strip_prefix(&format!("{}-", lab.name));
            let variant = variant.unwrap_or(&run.binary);
            let name = match run.ending() {
                None => variant.to_string(),
                Some(ending) => format!("{variant} ({ending})"),
            };
            Output {
                name,
                text: normalise(&run.output),
            }
        })
        .collect();
    let colour = colour();
    if as_diff {
        print!("{}", diffs(&outputs, colour));
    } else {
        print!("{}", side_by_side(&outputs, width(columns), colour));
    }
    print!("{}", strips(&runs, columns, colour));
}

/// Each variant's timeline, a compact strip, all on one time scale: what
/// the outputs cannot show (piped, a spinner draws no frames), such as a
/// blocking call that holds the only thread.
fn strips(runs: &[Run], columns: Option<usize>, colour: bool) -> String {
    let recordings: Vec<Recording> = runs
        .iter()
        .filter_map(|run| run.recording.as_ref().ok())
        // A variant that names no task (labs::watch) has no strip.
        .filter(|recording| !recording.threads.is_empty())
        .cloned()
        .collect();
    if recordings.is_empty() {
        return String::new();
    }
    let style = Style {
        width: columns
            .or_else(terminal_width)
            .unwrap_or(timeline::DEFAULT_WIDTH),
        colour,
    };
    let heading = "Timelines (labs timeline draws them in full)";
    let heading = if colour {
        heading.bold().to_string()
    } else {
        heading.to_string()
    };
    format!("\n{heading}\n{}", timeline::strips(&recordings, &style))
}

/// The first output in full, then every other one as a diff against it.
fn diffs(outputs: &[Output], colour: bool) -> String {
    let Some((first, others)) = outputs.split_first() else {
        return String::new();
    };
    let heading = |name: &str| {
        let line = format!("== {name}");
        if colour {
            line.bold().to_string()
        } else {
            line
        }
    };
    let mut text = format!("{}\n{}", heading(&first.name), first.text);
    for other in others {
        text += &format!(
            "\n{}\n",
            heading(&format!("{} against {}", other.name, first.name))
        );
        if other.text == first.text {
            text += "the same output\n";
        } else {
            text += &unified(&first.name, &other.name, &first.text, &other.text, colour);
            text += &summary(&first.name, &other.name, &first.text, &other.text);
        }
    }
    text
}

/// The outputs in columns, as many side by side as fit in `width` (at least
/// 50 characters each, or less when no line is longer), the rest in further
/// bands below. Long lines wrap within their column.
fn side_by_side(outputs: &[Output], width: usize, colour: bool) -> String {
    const SEPARATOR: &str = " | ";
    let longest = outputs
        .iter()
        .flat_map(|output| {
            output
                .text
                .lines()
                .map(|line| wrap(line, usize::MAX)[0].chars().count())
        })
        .chain(outputs.iter().map(|output| output.name.chars().count()))
        .max()
        .unwrap_or(1)
        .max(1);
    let wide = width + SEPARATOR.len();
    let per_band = (wide / (longest.min(50) + SEPARATOR.len())).clamp(1, outputs.len().max(1));
    let column = (wide / per_band - SEPARATOR.len()).min(longest).max(1);
    let mut text = String::new();
    for (band, outputs) in outputs.chunks(per_band).enumerate() {
        if band > 0 {
            text += "\n";
        }
        let columns: Vec<Vec<String>> = outputs
            .iter()
            .map(|output| {
                let mut lines = wrap(&output.name, column);
                lines.push("-".repeat(column));
                lines.extend(output.text.lines().flat_map(|line| wrap(line, column)));
                lines
            })
            .collect();
        let height = columns.iter().map(Vec::len).max().unwrap_or(0);
        for row in 0..height {
            let cells: Vec<String> = columns
                .iter()
                .map(|lines| {
                    let cell = lines.get(row).map_or("", String::as_str);
                    let padding = " ".repeat(column - cell.chars().count());
                    if colour && row == 0 {
                        format!("{}{padding}", cell.bold())
                    } else {
                        format!("{cell}{padding}")
                    }
                })
                .collect();
            text += cells.join(SEPARATOR).trim_end();
            text += "\n";
        }
    }
    text
}

/// What varies from run to run anyway, made the same: the digits of
/// elapsed times (`0.703s`, `12ms` become `#.###s`, `##ms`; with a space
/// before the unit, as `{:.2} s` prints them, only a number with decimals:
/// `0.16 s` becomes `#.## s`, while `3 s` is a setting and stays) and ids in
/// `Debug` output, whatever their number of digits (`Id(3)`, `Id(17)`,
/// `ThreadId(2)`, `TaskId(7)` become `Id(#)`, ...: tokio numbers its tasks
/// after its worker threads, one per core by default).
pub fn normalise(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let starts_number = chars[i].is_ascii_digit()
            && (i == 0 || !(chars[i - 1].is_alphanumeric() || matches!(chars[i - 1], '.' | '_')));
        if !starts_number {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        let decimals = i + 1 < chars.len() && chars[i] == '.' && chars[i + 1].is_ascii_digit();
        if decimals {
            i += 1;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
        }
        let is_time = time_unit_at(&chars, i)
            || (decimals && chars.get(i) == Some(&' ') && time_unit_at(&chars, i + 1));
        let before: String = chars[start.saturating_sub(3)..start].iter().collect();
        let is_id = before.ends_with("Id(") && chars.get(i) == Some(&')');
        if is_id {
            out.push('#');
            continue;
        }
        for &ch in &chars[start..i] {
            out.push(if is_time && ch.is_ascii_digit() {
                '#'
            } else {
                ch
            });
        }
    }
    out
}

/// Whether a unit of time (`ms`, `µs`, `s`) starts at `chars[at]` and ends
/// the word: `s,` and `ms)` do, `seconds` and `sx` do not.
fn time_unit_at(chars: &[char], at: usize) -> bool {
    let rest: String = chars.iter().skip(at).take(3).collect();
    ["ms", "µs", "s"]
        .into_iter()
        .find(|unit| rest.starts_with(unit))
        .is_some_and(|unit| {
            let after = chars.get(at + unit.chars().count());
            !after.is_some_and(|c| c.is_alphanumeric())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_masks_elapsed_times_and_ids_only() {
        assert_eq!(
            normalise(
                " 0.031s\t\tC = 3\nin 12ms, 3 s, 2.5x, v1.2s\nThreadId(2) Id(13) f(4) ids: 7s2\n"
            ),
            " #.###s\t\tC = 3\nin ##ms, 3 s, 2.5x, v1.2s\nThreadId(#) Id(#) f(4) ids: 7s2\n"
        );
    }

    /// As primes, charfinder and the supervisor print what they measured
    /// (`{:.2} s`, `{:.1} s`); a whole number with a space before its unit is
    /// a setting (`--seconds 3`), and other words after a number stay.
    #[test]
    fn normalise_masks_times_with_a_space_before_the_unit_when_they_have_decimals() {
        assert_eq!(
            normalise(
                "(checked in 0.16 s)\nbuilt in 12.05 s, done in 0.9 s\n1.5 ms 2.25 µs.\n\
                 3 s, 0.5 seconds, 0.5 sx, 14.9 MB, 0.5  s, v1.2 s\n"
            ),
            "(checked in #.## s)\nbuilt in ##.## s, done in #.# s\n#.# ms #.## µs.\n\
             3 s, 0.5 seconds, 0.5 sx, 14.9 MB, 0.5  s, v1.2 s\n"
        );
    }

    #[test]
    fn side_by_side_fits_columns_in_the_width_and_bands_the_rest() {
        let output = |name: &str, text: &str| Output {
            name: name.to_string(),
            text: text.to_string(),
        };
        let outputs = [
            output("a", "one\ntwo\n"),
            output("b", "uno\n"),
            output("c", "1\n"),
        ];
        assert_eq!(
            side_by_side(&outputs, 12, false),
            "a   | b\n--- | ---\none | uno\ntwo |\n\nc\n---\n1\n"
        );
    }
}
