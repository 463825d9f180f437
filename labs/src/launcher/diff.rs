//! `labs diff LAB A B`: what changes between two variants, as a unified diff
//! or the two whole files side by side, and a one-line summary. The diff
//! itself is computed by `similar`.

use crossterm::style::Stylize;
use labs::catalog::Catalog;
use similar::{ChangeTag, DiffOp, TextDiff};

use super::{colour, find_entry, find_lab, read_source, width};

pub fn diff(
    catalog: &Catalog,
    lab: &str,
    a: &str,
    b: &str,
    side_by_side: bool,
    columns: Option<usize>,
) -> String {
    let lab = find_lab(catalog, lab);
    let (a, b) = (find_entry(lab, a), find_entry(lab, b));
    let (a_path, a_text) = read_source(lab, &a.name);
    let (b_path, b_text) = read_source(lab, &b.name);
    let colour = colour();
    let mut text = if side_by_side {
        two_columns(&a_text, &b_text, width(columns), colour)
    } else {
        unified(&a_path, &b_path, &a_text, &b_text, colour)
    };
    text += &summary(&lab.binary(&a.name), &lab.binary(&b.name), &a_text, &b_text);
    text
}

/// The changes from `old` to `new` in unified format, three lines of context.
pub fn unified(old_name: &str, new_name: &str, old: &str, new: &str, colour: bool) -> String {
    let diff = TextDiff::from_lines(old, new);
    let mut text = String::new();
    let header = format!("--- {old_name}\n+++ {new_name}\n");
    text += &if colour {
        header.bold().to_string()
    } else {
        header
    };
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        let header = hunk.header().to_string();
        text += &if colour {
            header.cyan().to_string()
        } else {
            header
        };
        text += "\n";
        for change in hunk.iter_changes() {
            let line = format!("{}{}", change.tag(), change.value().trim_end_matches('\n'));
            text += &match (colour, change.tag()) {
                (true, ChangeTag::Delete) => line.red().to_string(),
                (true, ChangeTag::Insert) => line.green().to_string(),
                _ => line,
            };
            text += "\n";
        }
    }
    text
}

/// One line: how many lines each side has, and how many were removed,
/// added and kept.
pub fn summary(old_name: &str, new_name: &str, old: &str, new: &str) -> String {
    let diff = TextDiff::from_lines(old, new);
    let count = |tag| diff.iter_all_changes().filter(|c| c.tag() == tag).count();
    let lines = |text: &str| match text.lines().count() {
        1 => "1 line".to_string(),
        n => format!("{n} lines"),
    };
    format!(
        "\n{old_name} ({}) to {new_name} ({}): {} removed, {} added, {} unchanged\n",
        lines(old),
        lines(new),
        count(ChangeTag::Delete),
        count(ChangeTag::Insert),
        count(ChangeTag::Equal),
    )
}

/// The two whole texts side by side, `width` columns in all, with line
/// numbers; the gutter says `|` changed, `<` only on the left, `>` only on
/// the right. Long lines wrap within their column.
pub fn two_columns(old: &str, new: &str, width: usize, colour: bool) -> String {
    let diff = TextDiff::from_lines(old, new);
    let (old_lines, new_lines): (Vec<&str>, Vec<&str>) =
        (old.lines().collect(), new.lines().collect());
    let digits = old_lines
        .len()
        .max(new_lines.len())
        .max(1)
        .to_string()
        .len();
    let column = (width.saturating_sub(2 * digits + 5) / 2).max(10);
    let mut text = String::new();
    for op in diff.ops() {
        let (old_range, new_range) = (op.old_range(), op.new_range());
        let rows = old_range.len().max(new_range.len());
        let mark = match op {
            DiffOp::Equal { .. } => ' ',
            DiffOp::Delete { .. } => '<',
            DiffOp::Insert { .. } => '>',
            DiffOp::Replace { .. } => '|',
        };
        for row in 0..rows {
            let left = old_range.clone().nth(row).map(|i| (i + 1, old_lines[i]));
            let right = new_range.clone().nth(row).map(|i| (i + 1, new_lines[i]));
            let mark = match (left, right) {
                (Some(_), None) => '<',
                (None, Some(_)) => '>',
                _ => mark,
            };
            text += &row_text(left, right, mark, digits, column, colour);
        }
    }
    text
}

/// One row of two columns, wrapped onto as many screen lines as it needs.
fn row_text(
    left: Option<(usize, &str)>,
    right: Option<(usize, &str)>,
    mark: char,
    digits: usize,
    column: usize,
    colour: bool,
) -> String {
    let pieces = |side: Option<(usize, &str)>| -> Vec<String> {
        side.map_or_else(Vec::new, |(_, line)| wrap(line, column))
    };
    let (left_pieces, right_pieces) = (pieces(left), pieces(right));
    let height = left_pieces.len().max(right_pieces.len()).max(1);
    let mut text = String::new();
    for i in 0..height {
        let number = |side: Option<(usize, &str)>| match side {
            Some((n, _)) if i == 0 => format!("{n:>digits$}"),
            _ => " ".repeat(digits),
        };
        let l = left_pieces.get(i).map_or("", String::as_str);
        let r = right_pieces.get(i).map_or("", String::as_str);
        let padding = " ".repeat(column - l.chars().count());
        let gutter = if i == 0 { mark } else { ' ' };
        let (l, r) = if colour && mark != ' ' {
            (l.red().to_string(), r.green().to_string())
        } else {
            (l.to_string(), r.to_string())
        };
        let line = format!(
            "{} {l}{padding} {gutter} {} {r}",
            number(left),
            number(right)
        );
        text += line.trim_end();
        text += "\n";
    }
    text
}

/// `line` with tabs expanded (stops every 8 columns), cut into pieces of at
/// most `width` characters; an empty line is one empty piece.
pub fn wrap(line: &str, width: usize) -> Vec<String> {
    let mut expanded = String::new();
    for ch in line.chars() {
        if ch == '\t' {
            let spaces = 8 - expanded.chars().count() % 8;
            expanded.extend(std::iter::repeat_n(' ', spaces));
        } else {
            expanded.push(ch);
        }
    }
    let chars: Vec<char> = expanded.trim_end().chars().collect();
    if chars.is_empty() {
        return vec![String::new()];
    }
    chars
        .chunks(width.max(1))
        .map(|piece| piece.iter().collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_lines_in_words() {
        assert_eq!(
            summary("a", "b", "one\n", "one\ntwo\n"),
            "\na (1 line) to b (2 lines): 0 removed, 1 added, 1 unchanged\n"
        );
    }

    #[test]
    fn wrap_expands_tabs_and_cuts_long_lines() {
        assert_eq!(wrap("a\tb", 20), ["a       b"]);
        assert_eq!(wrap("abcdef", 4), ["abcd", "ef"]);
        assert_eq!(wrap("", 4), [""]);
    }

    #[test]
    fn two_columns_marks_changed_removed_and_added_lines() {
        let text = two_columns("a\nb\nc\n", "a\nB\nc\nd\n", 30, false);
        assert_eq!(
            text,
            "1 a             1 a\n2 b           | 2 B\n3 c             3 c\n              > 4 d\n"
        );
    }
}
