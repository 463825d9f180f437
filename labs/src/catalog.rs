//! The list of labs and variants, read from `labs.toml` (compiled in), and
//! where their sources and sheets live in the workspace.
//!
//! Every field beyond `name` and `about` is optional, so an entry written in
//! the first, shorter format keeps working: an entry is *legacy* when its
//! name says `async-std` and an *experiment* when it ends in `-blocking`,
//! unless it says otherwise (`legacy = false`, `experiment = true`).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

/// Every lab of the workspace, in the order the launcher lists them.
#[derive(Debug, Deserialize)]
pub struct Catalog {
    #[serde(rename = "lab")]
    pub labs: Vec<Lab>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lab {
    pub name: String,
    pub about: String,
    /// The step of the workshop this lab is, when the catalog says so.
    #[serde(default)]
    pub step: Option<u32>,
    /// The lab sheet, relative to the workspace, when it is not the
    /// `README.md` beside the lab's sources (`flags/README.md`).
    #[serde(default)]
    pub sheet: Option<String>,
    /// The options `labs compare` and `labs timeline` give every variant
    /// when the person gives none: a short run that ends by itself.
    #[serde(default, rename = "compare-args")]
    pub compare_args: Vec<String>,
    /// For a lab whose variants serve until they are stopped: after how
    /// many seconds `labs compare` and `labs timeline` ask each to stop.
    #[serde(default, rename = "stop-after")]
    pub stop_after_secs: Option<f64>,
    pub variants: Vec<Entry>,
    /// Binaries of the lab that are not variants: servers, benchmarks.
    #[serde(default)]
    pub tools: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub name: String,
    pub about: String,
    /// Kept for comparison, not for new code (async-std). Default: the name
    /// contains `async-std`.
    #[serde(default)]
    pub legacy: Option<bool>,
    /// A variant edited to show what goes wrong. Default: the name ends in
    /// `-blocking`.
    #[serde(default)]
    pub experiment: Option<bool>,
}

impl Entry {
    pub fn is_legacy(&self) -> bool {
        self.legacy.unwrap_or(self.name.contains("async-std"))
    }

    pub fn is_experiment(&self) -> bool {
        self.experiment.unwrap_or(self.name.ends_with("-blocking"))
    }
}

/// The workspace root: the parent of the `labs` crate.
pub fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("labs/ is inside the workspace")
}

impl Catalog {
    /// The catalog compiled into this binary from `labs/labs.toml`.
    pub fn load() -> Catalog {
        toml::from_str(include_str!("../labs.toml")).expect("labs/labs.toml is valid (tested)")
    }

    pub fn lab(&self, name: &str) -> Option<&Lab> {
        self.labs.iter().find(|lab| lab.name == name)
    }

    /// Every binary the catalog names, `<lab>-<variant>` and `<lab>-<tool>`.
    pub fn binaries(&self) -> Vec<String> {
        self.labs
            .iter()
            .flat_map(|lab| lab.entries().map(|entry| lab.binary(&entry.name)))
            .collect()
    }
}

impl Lab {
    /// Variants first, then tools.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.variants.iter().chain(&self.tools)
    }

    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.entries().find(|entry| entry.name == name)
    }

    pub fn variant(&self, name: &str) -> Option<&Entry> {
        self.variants.iter().find(|entry| entry.name == name)
    }

    pub fn is_tool(&self, name: &str) -> bool {
        self.tools.iter().any(|entry| entry.name == name)
    }

    /// [`Lab::stop_after_secs`] as a duration, when it is one (0 to 60 s;
    /// the catalog's tests check that it is).
    pub fn stop_after(&self) -> Option<Duration> {
        Duration::try_from_secs_f64(self.stop_after_secs?)
            .ok()
            .filter(|after| *after <= Duration::from_secs(60))
    }

    /// The binary of a variant or tool: `spinner` + `tokio` is `spinner-tokio`.
    pub fn binary(&self, entry: &str) -> String {
        format!("{}-{}", self.name, entry)
    }

    /// The source file of a variant or tool: `<crate>/src/bin/<binary>.rs`
    /// (or `.../<binary>/main.rs`), in the lab's own directory or, for a
    /// lab that shares a crate (`flags2` lives in `flags/`), in whichever
    /// member of the workspace has it. Binary names are unique.
    pub fn source(&self, entry: &str) -> Option<PathBuf> {
        let binary = self.binary(entry);
        let in_crate = |dir: &Path| {
            let bin = dir.join("src").join("bin");
            [
                bin.join(format!("{binary}.rs")),
                bin.join(&binary).join("main.rs"),
            ]
            .into_iter()
            .find(|path| path.is_file())
        };
        let root = workspace();
        in_crate(&root.join(&self.name)).or_else(|| {
            let mut dirs: Vec<PathBuf> = fs::read_dir(root)
                .ok()?
                .filter_map(|dir| Some(dir.ok()?.path()))
                .filter(|dir| dir.join("Cargo.toml").is_file())
                .collect();
            dirs.sort();
            dirs.iter().find_map(|dir| in_crate(dir))
        })
    }

    /// The lab sheet: `sheet` if the catalog names one, else the `README.md`
    /// of the crate that holds the lab's first variant.
    pub fn sheet(&self) -> PathBuf {
        if let Some(sheet) = &self.sheet {
            return workspace().join(sheet);
        }
        let crate_dir = self
            .variants
            .first()
            .and_then(|entry| self.source(&entry.name))
            .and_then(|source| Some(src_dir(&source)?.parent()?.to_path_buf()));
        crate_dir
            .unwrap_or_else(|| workspace().join(&self.name))
            .join("README.md")
    }

    /// Every file whose change should rerun a variant: its source, and the
    /// `src/lib.rs` of its crate when there is one.
    pub fn watched(&self, entry: &str) -> Vec<PathBuf> {
        let Some(source) = self.source(entry) else {
            return Vec::new();
        };
        let lib = src_dir(&source)
            .map(|src| src.join("lib.rs"))
            .filter(|lib| lib.is_file());
        std::iter::once(source).chain(lib).collect()
    }
}

/// The `src` directory a source file is in.
fn src_dir(source: &Path) -> Option<&Path> {
    source
        .ancestors()
        .find(|dir| dir.file_name().is_some_and(|name| name == "src"))
}

/// The callouts of a source file in reading order: `// <1>`, `// <7> <8>`.
pub fn callouts(source: &str) -> Vec<u32> {
    source
        .lines()
        .filter_map(|line| line.split_once("// <").map(|(_, rest)| rest))
        .flat_map(|rest| {
            rest.split_whitespace()
                .map_while(|word| word.trim_start_matches('<').strip_suffix('>')?.parse().ok())
        })
        .collect()
}

/// The explanation of each callout in a lab sheet: the numbered items
/// (`1. ...`, continued on indented lines) of its `## Callouts` section,
/// with the indentation of the continuation lines removed.
pub fn callout_notes(sheet: &str) -> BTreeMap<u32, String> {
    let mut notes = BTreeMap::new();
    let Some((_, section)) = sheet.split_once("\n## Callouts") else {
        return notes;
    };
    let section = section.split("\n## ").next().unwrap_or_default();
    let mut current: Option<(u32, Vec<&str>)> = None;
    let mut finish = |current: &mut Option<(u32, Vec<&str>)>| {
        if let Some((number, lines)) = current.take() {
            notes.insert(number, lines.join("\n").trim_end().to_string());
        }
    };
    for line in section.lines().skip(1) {
        let item = line
            .split_once(". ")
            .filter(|(number, _)| !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|(number, text)| Some((number.parse().ok()?, text)));
        if let Some((number, text)) = item {
            finish(&mut current);
            current = Some((number, vec![text]));
        } else if let Some((_, lines)) = &mut current {
            if line.starts_with(' ') || line.is_empty() {
                lines.push(line.trim_start());
            } else {
                finish(&mut current);
            }
        }
    }
    finish(&mut current);
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callouts_in_reading_order() {
        let source = "let a = 1; // <1>\nlet b = 2; // <7> <8>\nx // not a callout: <9>\n";
        assert_eq!(callouts(source), [1, 7, 8]);
    }

    #[test]
    fn notes_are_the_numbered_items_of_the_callouts_section() {
        let sheet = "# Lab\n\n1. not this\n\n## Callouts\n\nIntro.\n\n1. **One.** Text\n   more 3. text\n2. Two\n\nAfter.\n\n## Questions\n\n3. Not a callout\n";
        let notes = callout_notes(sheet);
        assert_eq!(notes.keys().copied().collect::<Vec<_>>(), [1, 2]);
        assert_eq!(notes[&1], "**One.** Text\nmore 3. text");
        assert_eq!(notes[&2], "Two");
    }

    #[test]
    fn legacy_and_experiment_are_derived_from_the_name_unless_stated() {
        let entry = |text: &str| -> Entry { toml::from_str(text).unwrap() };
        let plain = entry("name = 'tokio'\nabout = ''");
        assert!(!plain.is_legacy() && !plain.is_experiment());
        let legacy = entry("name = 'async-std-blocking'\nabout = ''");
        assert!(legacy.is_legacy() && legacy.is_experiment());
        let stated = entry("name = 'async-std'\nabout = ''\nlegacy = false\nexperiment = true");
        assert!(!stated.is_legacy() && stated.is_experiment());
    }
}
