//! `labs compare LAB [VARIANTS] [-- ARGS]`: runs variants one after another
//! with their output captured, and shows the outputs side by side (or each
//! as a diff against the first) after normalising what differs from run to
//! run anyway: elapsed times and task ids.

use std::process::{Command, Stdio};

use crossterm::style::Stylize;
use labs::catalog::{Catalog, Entry, workspace};
use labs::cli::fail;

use super::diff::{summary, unified, wrap};
use super::{build, built, cargo_run, colour, find_lab, find_variant, width};

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
    let entries: Vec<&Entry> = if variants.is_empty() {
        lab.variants.iter().collect()
    } else {
        variants
            .iter()
            .map(|name| find_variant(lab, name))
            .collect()
    };
    // One build for all of them, its progress on the terminal, so that the
    // runs below only run.
    let binaries: Vec<String> = entries
        .iter()
        .map(|entry| lab.binary(&entry.name))
        .collect();
    build(&binaries);
    let total = entries.len();
    let outputs: Vec<Output> = entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let binary = lab.binary(&entry.name);
            eprintln!("running {binary} ({} of {total})", i + 1);
            // Built just now: run it directly, without cargo's own start-up.
            let built = built(&binary);
            let mut command = match &built {
                Some(path) => {
                    let mut command = Command::new(path);
                    command.current_dir(workspace());
                    command
                }
                None => cargo_run(&binary, &[]),
            };
            let output = command
                .args(args)
                .stdin(Stdio::null())
                .output()
                .unwrap_or_else(|err| fail(1, format!("cannot start cargo: {err}")));
            let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
            text += &String::from_utf8_lossy(&output.stderr);
            let name = match output.status.code() {
                Some(0) => entry.name.clone(),
                Some(code) => format!("{} (exit {code})", entry.name),
                None => format!("{} (killed)", entry.name),
            };
            Output {
                name,
                text: normalise(&text),
            }
        })
        .collect();
    let colour = colour();
    if as_diff {
        print!("{}", diffs(&outputs, colour));
    } else {
        print!("{}", side_by_side(&outputs, width(columns), colour));
    }
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
/// elapsed times (`0.703s`, `12ms` become `#.###s`, `##ms`) and ids in
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
        if i + 1 < chars.len() && chars[i] == '.' && chars[i + 1].is_ascii_digit() {
            i += 1;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
        }
        let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
        let unit = ["ms", "µs", "s"]
            .into_iter()
            .find(|unit| rest.starts_with(unit))
            .map_or(0, |unit| unit.chars().count());
        let after_unit = chars.get(i + unit);
        let is_time = unit > 0 && !after_unit.is_some_and(|c| c.is_alphanumeric());
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
