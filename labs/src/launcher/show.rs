//! `labs show LAB VARIANT`: the source with line numbers, callouts
//! highlighted, and each callout explained below, as the lab sheet says.

use crossterm::style::Stylize;
use labs::catalog::{Catalog, callout_notes, callouts};

use super::{colour, find_entry, find_lab, read_source, shown};

pub fn show(catalog: &Catalog, lab: &str, variant: &str) -> String {
    let lab = find_lab(catalog, lab);
    let entry = find_entry(lab, variant);
    let (path, source) = read_source(lab, &entry.name);
    let colour = colour();
    let mut text = format!("{} {}: {path}\n\n", lab.name, entry.name);
    let lines = source.lines().count();
    let digits = lines.to_string().len();
    for (number, line) in source.lines().enumerate() {
        let number = format!("{:>digits$}", number + 1);
        let (code, callout) = match line.find("// <") {
            Some(at) if !callouts(&line[at..]).is_empty() => line.split_at(at),
            _ => (line, ""),
        };
        if colour {
            text += &format!(
                "{}  {code}{}\n",
                number.dark_grey(),
                callout.black().on_yellow()
            );
        } else {
            text += &format!("{number}  {code}{callout}\n");
        }
    }
    let mut used = callouts(&source);
    let mut seen = std::collections::BTreeSet::new();
    used.retain(|number| seen.insert(*number));
    if used.is_empty() {
        return text;
    }
    let sheet_path = lab.sheet();
    let sheet = std::fs::read_to_string(&sheet_path).unwrap_or_default();
    let notes = callout_notes(&sheet);
    text += &format!("\nCallouts, explained in {}:\n", shown(&sheet_path));
    for number in used {
        let mark = format!("<{number}>");
        let mark = if colour {
            mark.black().on_yellow().to_string()
        } else {
            mark
        };
        let note = notes
            .get(&number)
            .map_or("(not explained in the lab sheet)", String::as_str);
        let note: Vec<String> = note
            .lines()
            .map(|line| {
                if line.is_empty() {
                    String::new()
                } else {
                    format!("    {line}")
                }
            })
            .collect();
        text += &format!("\n{mark} {}\n", note.join("\n").trim_start());
    }
    text
}
