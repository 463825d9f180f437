//! `labs list`: every lab and variant, one line each.

use crossterm::style::Stylize;
use labs::catalog::{Catalog, Entry, Lab};

use super::colour;

/// The marks of an entry, `(legacy)`, `(experiment)`, both or none, except
/// what its description says already (`experiment: ...`, `(legacy: ...)`).
pub fn marks(entry: &Entry) -> String {
    let about = entry.about.to_lowercase();
    let mut marks = Vec::new();
    if entry.is_experiment() && !about.starts_with("experiment") {
        marks.push("experiment");
    }
    if entry.is_legacy() && !about.contains("legacy") {
        marks.push("legacy");
    }
    if marks.is_empty() {
        String::new()
    } else {
        format!("({})", marks.join(", "))
    }
}

/// A lab's title line: `1. spinner  Plate spinning: ...`.
pub fn title(lab: &Lab) -> String {
    match lab.step {
        Some(step) => format!("{step}. {}", lab.name),
        None => lab.name.clone(),
    }
}

pub fn listing(catalog: &Catalog) -> String {
    let colour = colour();
    let width = catalog
        .labs
        .iter()
        .flat_map(Lab::entries)
        .map(|entry| entry.name.len())
        .max()
        .unwrap_or(0);
    let mut text = String::from("Concurrency labs\n");
    for lab in &catalog.labs {
        let title = title(lab);
        let title = if colour {
            title.bold().to_string()
        } else {
            title
        };
        text += &format!("\n{title}  {}\n", lab.about);
        for entry in lab.entries() {
            let marks = marks(entry);
            let marks = match (colour, marks.is_empty()) {
                (_, true) => String::new(),
                (true, false) => format!(" {}", marks.yellow()),
                (false, false) => format!(" {marks}"),
            };
            text += &format!("  {:width$}  {}{marks}\n", entry.name, entry.about);
        }
    }
    text += "\nlegacy: async-std, discontinued upstream in 2025, kept to compare (each sheet says why).\
             \nexperiment: a variant edited to show what goes wrong; predict, then run it.\n";
    text += "\nRun one:           cargo run -- run LAB VARIANT [-- OPTIONS]\
             \n  or directly:     cargo run --bin LAB-VARIANT [-- OPTIONS]\
             \nRead one:          cargo run -- show LAB VARIANT\
             \nCompare two:       cargo run -- diff LAB A B [--side-by-side]\
             \nRun them all:      cargo run -- compare LAB [VARIANTS] [-- OPTIONS]\
             \nRerun on save:     cargo run -- watch LAB VARIANT\
             \nServe the room:    cargo run -- serve --bind 0.0.0.0\
             \nBefore a workshop: cargo run -- doctor\
             \nEach lab's sheet:  LAB/README.md\
             \nOn a terminal, `cargo run` alone opens a menu.\n";
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, about: &str) -> Entry {
        toml::from_str(&format!("name = '{name}'\nabout = '{about}'")).unwrap()
    }

    #[test]
    fn marks_say_what_the_description_does_not() {
        assert_eq!(marks(&entry("tokio", "a task")), "");
        assert_eq!(marks(&entry("async-std", "a task")), "(legacy)");
        assert_eq!(marks(&entry("async-std", "a task (legacy: gone)")), "");
        assert_eq!(marks(&entry("smol-blocking", "it blocks")), "(experiment)");
        assert_eq!(marks(&entry("smol-blocking", "experiment: it blocks")), "");
        assert_eq!(
            marks(&entry("async-std-blocking", "it blocks")),
            "(experiment, legacy)"
        );
        assert_eq!(
            marks(&entry("async-std-blocking", "experiment: it blocks")),
            "(legacy)"
        );
    }
}
