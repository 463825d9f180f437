//! `labs list`: every lab and variant, one line each.

use crossterm::style::Stylize;
use labs::catalog::{Catalog, Entry, Lab};

use super::colour;

/// The marks of an entry: `(legacy)`, `(experiment)`, both, or none.
pub fn marks(entry: &Entry) -> String {
    match (entry.is_experiment(), entry.is_legacy()) {
        (true, true) => "(experiment, legacy)".to_string(),
        (true, false) => "(experiment)".to_string(),
        (false, true) => "(legacy)".to_string(),
        (false, false) => String::new(),
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
    text += "\n(legacy): async-std, discontinued upstream in 2025, kept to compare (each sheet says why).\
             \n(experiment): a variant edited to show what goes wrong; predict, then run it.\n";
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
