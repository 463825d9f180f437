//! The launcher's commands, one module each, and what they share: finding a
//! lab and a variant by name, running cargo in the workspace, colour only on
//! a terminal.

pub mod compare;
pub mod diff;
pub mod doctor;
pub mod list;
pub mod menu;
pub mod run;
pub mod serve;
pub mod show;
pub mod stop;
pub mod timeline;
pub mod watch;

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::Command;

use labs::catalog::{Catalog, Entry, Lab, workspace};
use labs::cli::{USAGE_ERROR, echo, fail};

/// Colour and highlighting, only when writing to a terminal and `NO_COLOR`
/// is not set (<https://no-color.org>). Piped output is plain text.
pub fn colour() -> bool {
    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}

/// The width to lay columns out in: `--width`, else the terminal's, else 160.
pub fn width(wanted: Option<usize>) -> usize {
    wanted.or_else(terminal_width).unwrap_or(160)
}

/// The terminal's width, when stdout is one.
pub fn terminal_width() -> Option<usize> {
    io::stdout()
        .is_terminal()
        .then(crossterm::terminal::size)
        .and_then(Result::ok)
        .map(|(columns, _)| usize::from(columns))
        .filter(|&columns| columns > 0)
}

/// `cargo` (the one that runs us, under `cargo run`), in the workspace.
pub fn cargo() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(workspace());
    command
}

/// `cargo run --quiet --bin <binary> -- <args>`: rebuilds an edited variant
/// first, then runs it.
pub fn cargo_run(binary: &str, args: &[String]) -> Command {
    let mut command = cargo();
    command
        .args(["run", "--quiet", "--bin", binary, "--"])
        .args(args);
    command
}

/// A binary just built, to run directly (without cargo's own start-up),
/// in the workspace; `cargo run` when it is not where cargo puts it.
pub fn built_or_cargo_run(binary: &str) -> Command {
    match built(binary) {
        Some(path) => {
            let mut command = Command::new(path);
            command.current_dir(workspace());
            command
        }
        None => cargo_run(binary, &[]),
    }
}

/// `cargo build --quiet --bin BINARY...`, or one line and exit status 1.
pub fn build(binaries: &[String]) {
    let mut build = cargo();
    build.args(["build", "--quiet"]);
    for binary in binaries {
        build.args(["--bin", binary]);
    }
    labs::platform::end_with_this_process(&mut build);
    match build.status() {
        Ok(status) if status.success() => {}
        Ok(_) => fail(1, "the build failed (the errors are above)"),
        Err(err) => fail(1, format!("cannot start cargo: {err}")),
    }
}

/// Where `cargo build` put `binary`, when it is where cargo puts it by
/// default (`target/debug`, or under `CARGO_TARGET_DIR`).
pub fn built(binary: &str) -> Option<PathBuf> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"));
    let path = target
        .join("debug")
        .join(format!("{binary}{}", std::env::consts::EXE_SUFFIX));
    path.is_file().then_some(path)
}

/// A path as the person reads it: relative to the workspace.
pub fn shown(path: &Path) -> String {
    path.strip_prefix(workspace())
        .unwrap_or(path)
        .display()
        .to_string()
        .replace('\\', "/")
}

/// The lab called `name`, or one line naming the labs (closest first) and
/// exit status 2.
pub fn find_lab<'a>(catalog: &'a Catalog, name: &str) -> &'a Lab {
    catalog.lab(name).unwrap_or_else(|| {
        let names = closest_first(name, catalog.labs.iter().map(|lab| lab.name.as_str()));
        fail(
            USAGE_ERROR,
            format!("no lab '{}'; the labs are: {names}", echo(name)),
        )
    })
}

/// A variant or tool of `lab`, or one line naming them (closest first) and
/// exit status 2.
pub fn find_entry<'a>(lab: &'a Lab, name: &str) -> &'a Entry {
    lab.entry(name).unwrap_or_else(|| {
        let names = closest_first(name, lab.entries().map(|entry| entry.name.as_str()));
        fail(
            USAGE_ERROR,
            format!(
                "lab '{}' has no variant '{}'; it has: {names}",
                lab.name,
                echo(name)
            ),
        )
    })
}

/// A variant (not a tool) of `lab`, or one line naming them and exit 2.
pub fn find_variant<'a>(lab: &'a Lab, name: &str) -> &'a Entry {
    lab.variant(name).unwrap_or_else(|| {
        let names = closest_first(name, lab.variants.iter().map(|entry| entry.name.as_str()));
        fail(
            USAGE_ERROR,
            format!(
                "lab '{}' has no variant '{}'; it has: {names}",
                lab.name,
                echo(name)
            ),
        )
    })
}

/// The source of an entry, read, or one line and exit status 1.
pub fn read_source(lab: &Lab, entry: &str) -> (String, String) {
    let Some(path) = lab.source(entry) else {
        fail(
            1,
            format!("cannot find the source of {}", lab.binary(entry)),
        )
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => (shown(&path), text),
        Err(err) => fail(1, format!("cannot read {}: {err}", shown(&path))),
    }
}

/// `names` joined by commas, the closest to `wanted` first (by edit
/// distance; equally close names keep the catalog's order).
pub fn closest_first<'a>(wanted: &str, names: impl Iterator<Item = &'a str>) -> String {
    // The distance takes time in proportion to the lengths: one per name,
    // and of no more of a pasted text than could be a name.
    let wanted: String = wanted.chars().take(MAX_NAME).collect();
    let mut names: Vec<&str> = names.collect();
    names.sort_by_cached_key(|name| strsim::damerau_levenshtein(&wanted, name));
    names.join(", ")
}

/// Longer than any lab or variant name.
const MAX_NAME: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_names_come_first_and_ties_keep_their_order() {
        let names = ["thread", "tokio", "async-std", "smol"];
        assert_eq!(
            closest_first("tokyo", names.into_iter()),
            "tokio, thread, smol, async-std"
        );
        assert_eq!(
            closest_first("zzzzzzzzzzzz", names.into_iter()),
            "thread, tokio, async-std, smol"
        );
    }

    /// `closest_first` compares only this many characters of what was typed.
    #[test]
    fn every_name_is_shorter_than_max_name() {
        let catalog = Catalog::load();
        for lab in &catalog.labs {
            for name in lab.entries().map(|entry| &entry.name).chain([&lab.name]) {
                assert!(name.chars().count() < MAX_NAME, "{name}");
            }
        }
    }
}
