//! Checks that keep the variant files of a lab comparable, for the labs'
//! `tests/all/sources.rs` (always compiled: see the crate's docs):
//! the same functions in the same order ([`functions`]), the same callouts
//! `// <N>` ([`callouts`]), each callout explained in the lab sheet, and
//! experiments that are one-line edits ([`Lab`]).

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use similar::{ChangeTag, TextDiff};

/// A lab's variant files and lab sheet, for the checks that every lab shares.
#[derive(Debug, Clone, Copy)]
pub struct Lab {
    /// The lab's crate directory: `env!("CARGO_MANIFEST_DIR")`.
    pub dir: &'static str,
    /// The lab's name, the prefix of its binaries: `spinner`.
    pub name: &'static str,
}

impl Lab {
    /// The source of variant `variant`: `src/bin/{name}-{variant}.rs`.
    pub fn source(&self, variant: &str) -> String {
        self.read(&format!("src/bin/{}-{variant}.rs", self.name))
    }

    /// The lab sheet, `README.md`.
    pub fn sheet(&self) -> String {
        self.read("README.md")
    }

    fn read(&self, path: &str) -> String {
        let path = Path::new(self.dir).join(path);
        fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
    }

    /// Asserts that variant `edited` is variant `base` with the one line
    /// `from` replaced by `to` (compared without indentation).
    pub fn assert_one_line_edit(&self, base: &str, edited: &str, from: &str, to: &str) {
        self.assert_edit(base, edited, &[from], &[to]);
    }

    /// Asserts that variant `edited` is variant `base` with the lines `from`
    /// replaced by the lines `to` (one statement that rustfmt splits, say).
    pub fn assert_edit(&self, base: &str, edited: &str, from: &[&str], to: &[&str]) {
        let (removed, added) = edit(&self.source(base), &self.source(edited));
        let name = self.name;
        assert_eq!(
            removed, from,
            "{name}-{edited} against {name}-{base}: removed lines"
        );
        assert_eq!(
            added, to,
            "{name}-{edited} against {name}-{base}: added lines"
        );
    }

    /// The blocking experiment: `{base}-blocking` is `base` with the async
    /// `sleep` line replaced by the `blocking` one, and the header of `base`
    /// tells participants to make that edit by hand (``replace `...` ``).
    pub fn assert_blocking_experiment(&self, base: &str, sleep: &str, blocking: &str) {
        self.assert_one_line_edit(base, &format!("{base}-blocking"), sleep, blocking);
        let statement = sleep.split(';').next().unwrap_or(sleep);
        let how = format!("replace `{statement}`");
        assert!(
            self.source(base).contains(&how),
            "{}-{base}: the header does not say {how:?}",
            self.name
        );
    }

    /// Asserts that the lab sheet explains exactly the callouts that
    /// `variants` use, no more and no fewer.
    pub fn assert_callouts_explained(&self, variants: &[&str]) {
        let used: BTreeSet<u32> = variants
            .iter()
            .flat_map(|variant| callouts(&self.source(variant)))
            .collect();
        assert_eq!(
            used,
            explained_callouts(&self.sheet()),
            "callouts used vs explained in README.md"
        );
    }
}

/// The names of the functions a source file defines, in order: lines
/// starting with `fn`, `async fn` or `pub fn`, at any indentation.
pub fn functions(source: &str) -> Vec<String> {
    source
        .lines()
        .map(|line| line.trim_start().trim_start_matches("pub "))
        .filter_map(|line| line.strip_prefix("async fn ").or(line.strip_prefix("fn ")))
        .map(|rest| {
            rest.split(['(', '<'])
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

pub use crate::catalog::callouts;

/// The callouts a lab sheet explains: the numbered list items (`1. ...`) of
/// its `## Callouts` section.
pub fn explained_callouts(sheet: &str) -> BTreeSet<u32> {
    assert!(
        sheet.contains("\n## Callouts"),
        "the lab sheet has a `## Callouts` section"
    );
    crate::catalog::callout_notes(sheet).into_keys().collect()
}

/// The lines that `edited` removes from `base` and the lines it adds, trimmed.
fn edit(base: &str, edited: &str) -> (Vec<String>, Vec<String>) {
    let diff = TextDiff::from_lines(base, edited);
    let lines = |tag| -> Vec<String> {
        diff.iter_all_changes()
            .filter(|change| change.tag() == tag)
            .map(|change| change.value().trim().to_string())
            .collect()
    };
    (lines(ChangeTag::Delete), lines(ChangeTag::Insert))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "
async fn spin(msg: &str) {
    let line = StatusLine::new(); // <1>
}

pub fn supervisor<T>(delay: Duration) -> u32 {
    let _cancelled = spinner.cancel().await; // <7> <8>
    x // not a callout: <9>
}

fn main() {}
";

    #[test]
    fn functions_in_order() {
        assert_eq!(functions(SOURCE), ["spin", "supervisor", "main"]);
    }

    #[test]
    fn callouts_in_reading_order() {
        assert_eq!(callouts(SOURCE), [1, 7, 8]);
    }

    #[test]
    fn explained_callouts_are_the_numbered_items_of_the_section() {
        let sheet = "# Lab\n\n1. not this\n\n## Callouts\n\nIntro.\n\n1. **One.** Text\n   more 3. text\n2. Two\n\n## Questions\n\n3. Not a callout\n";
        assert_eq!(explained_callouts(sheet), BTreeSet::from([1, 2]));
    }

    #[test]
    fn an_edit_is_the_removed_and_added_lines() {
        let (removed, added) = edit("a\nb\nc\n", "a\nB\nc\n");
        assert_eq!(
            (removed, added),
            (vec!["b".to_string()], vec!["B".to_string()])
        );
    }
}
