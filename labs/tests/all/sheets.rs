//! Every sheet of the workshop (each `*.md` of the workspace: the README,
//! INSTRUCTORS.md, each lab's README.md and DEEPER.md), checked as a
//! participant follows it:
//!
//! - each `cargo run` or `labs` command of a `sh` block names a binary, or a
//!   lab and variant, that exists, with options its `--help` accepts (the
//!   built binaries are asked: `BINARY ARGS... --help` succeeds only if clap
//!   accepts every argument before `--help`);
//! - each callout of each variant is explained exactly once, in its lab
//!   sheet's `## Callouts` list;
//! - every relative link resolves, and so does its `#anchor`;
//! - a lab sheet's path (what comes before `## Callouts`) is at most 150
//!   lines, each numbered step one screen (at most 45 lines);
//! - every `--timeline` picture pasted in a `text` block names a binary
//!   that exists.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;

use labs::catalog::{Catalog, callouts, workspace};

const PATH_LINES: usize = 150;
const STEP_LINES: usize = 45;

/// Every markdown file of the workspace, outside `target/` and hidden
/// directories, relative to the workspace.
fn sheets() -> Vec<PathBuf> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if !name.starts_with('.') && name != "target" {
                    walk(&path, found);
                }
            } else if name.ends_with(".md") {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(workspace(), &mut found);
    found.sort();
    found
}

fn relative(path: &Path) -> String {
    path.strip_prefix(workspace())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// A line of a sheet, outside or inside a fenced code block.
struct Line<'a> {
    number: usize,
    text: &'a str,
    /// The language of the code block it is in, if it is in one.
    code: Option<&'a str>,
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut code = None;
    let mut lines = Vec::new();
    for (index, text) in text.lines().enumerate() {
        if let Some(fence) = text.trim_start().strip_prefix("```") {
            code = match code {
                None => Some(fence.trim()),
                Some(_) => None,
            };
            continue;
        }
        lines.push(Line {
            number: index + 1,
            text,
            code,
        });
    }
    lines
}

/// The anchors GitHub gives the headings of a markdown text: lower case,
/// spaces to `-`, punctuation other than `-` and `_` dropped, `-1`, `-2`
/// for repeats.
fn anchors(text: &str) -> BTreeSet<String> {
    let mut anchors = BTreeSet::new();
    for line in lines(text).iter().filter(|line| line.code.is_none()) {
        let Some(heading) = line.text.strip_prefix('#') else {
            continue;
        };
        let heading = heading.trim_start_matches('#').trim();
        let slug: String = heading
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        let mut anchor = slug.clone();
        let mut repeat = 0;
        while !anchors.insert(anchor.clone()) {
            repeat += 1;
            anchor = format!("{slug}-{repeat}");
        }
    }
    anchors
}

/// The targets of the markdown links `[text](target)` of a line.
fn link_targets(text: &str) -> Vec<&str> {
    let mut targets = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("](") {
        rest = &rest[start + 2..];
        let end = rest.find(')').unwrap_or(rest.len());
        targets.push(rest[..end].split_whitespace().next().unwrap_or_default());
        rest = &rest[end..];
    }
    targets
}

#[test]
fn every_relative_link_and_anchor_resolves() {
    let mut broken = Vec::new();
    for sheet in sheets() {
        let text = fs::read_to_string(&sheet).unwrap();
        for line in lines(&text).iter().filter(|line| line.code.is_none()) {
            for target in link_targets(line.text) {
                if target.contains("://") || target.starts_with("mailto:") {
                    continue;
                }
                let (path, anchor) = target.split_once('#').unwrap_or((target, ""));
                let file = if path.is_empty() {
                    sheet.clone()
                } else {
                    sheet.parent().unwrap().join(path)
                };
                let at = format!("{}:{}: ({target})", relative(&sheet), line.number);
                if !file.exists() {
                    broken.push(format!("{at} no such file"));
                } else if !anchor.is_empty() {
                    let headings = fs::read_to_string(&file).map(|text| anchors(&text));
                    if !headings.is_ok_and(|headings| headings.contains(anchor)) {
                        broken.push(format!("{at} no heading with the anchor #{anchor}"));
                    }
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// Splits a shell line into words, honouring simple quotes.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    let mut in_word = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// A program to run with `--help` appended: it must succeed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct HelpCheck {
    /// A binary of the workspace, or `labs`, the launcher.
    program: String,
    args: Vec<String>,
}

/// What the commands of the sheets ask for, and what is wrong with them
/// before anything runs.
#[derive(Default)]
struct Commands {
    checks: BTreeMap<HelpCheck, String>,
    wrong: Vec<String>,
}

impl Commands {
    fn binary(&mut self, at: &str, catalog: &Catalog, binary: &str, args: &[String]) {
        if binary != "labs" && !catalog.binaries().iter().any(|known| known == binary) {
            self.wrong.push(format!("{at}: no binary {binary}"));
            return;
        }
        let check = HelpCheck {
            program: binary.to_string(),
            args: args.to_vec(),
        };
        self.checks.entry(check).or_insert_with(|| at.to_string());
    }

    /// `cargo run -- ARGS` or `labs ARGS`: the launcher.
    fn launcher(&mut self, at: &str, catalog: &Catalog, args: &[String]) {
        let split = args.iter().position(|arg| arg == "--");
        let (own, passed) = match split {
            Some(index) => (&args[..index], &args[index + 1..]),
            None => (args, &[][..]),
        };
        let Some(command) = own.first() else {
            return; // the menu
        };
        if command == "serve" {
            return self.binary(at, catalog, "flags-server", &own[1..]);
        }
        self.binary(at, catalog, "labs", own);
        if !["run", "watch", "show", "diff", "compare", "timeline"].contains(&command.as_str()) {
            return;
        }
        let names: Vec<&String> = own[1..]
            .iter()
            .take_while(|word| !word.starts_with('-'))
            .collect();
        let Some(lab) = names.first().and_then(|name| catalog.lab(name)) else {
            return self.wrong.push(format!("{at}: no lab {:?}", names.first()));
        };
        for variant in &names[1..] {
            if lab.entry(variant).is_none() {
                self.wrong
                    .push(format!("{at}: lab {} has no variant {variant}", lab.name));
            }
        }
        let every = ["compare", "timeline"].contains(&command.as_str()) && names.len() == 1;
        let variants: Vec<&str> = if every {
            lab.variants
                .iter()
                .map(|entry| entry.name.as_str())
                .collect()
        } else {
            names[1..].iter().map(|name| name.as_str()).collect()
        };
        if !passed.is_empty() {
            for variant in variants {
                self.binary(at, catalog, &lab.binary(variant), passed);
            }
        }
    }

    /// One command of a `sh` block: `cargo run ...` or `labs ...`; anything
    /// else is left alone.
    fn command(&mut self, at: &str, catalog: &Catalog, words: &[String]) {
        let start = words
            .iter()
            .position(|word| !word.contains('=') && word != "time")
            .unwrap_or(words.len());
        let words = &words[start..];
        if words.first().is_some_and(|word| word == "labs") {
            return self.launcher(at, catalog, &words[1..]);
        }
        if words.len() < 2 || words[0] != "cargo" || words[1] != "run" {
            return;
        }
        let mut binary = None;
        let mut rest = words[2..].iter();
        while let Some(word) = rest.next() {
            match word.as_str() {
                "--" => break,
                "--bin" => binary = rest.next().cloned(),
                "-p" | "--package" | "--profile" | "--target" | "--features" => {
                    rest.next();
                }
                _ => {}
            }
        }
        let passed: Vec<String> = rest.cloned().collect();
        match binary {
            Some(binary) => self.binary(at, catalog, &binary, &passed),
            None => self.launcher(at, catalog, &passed),
        }
    }
}

/// The `cargo run` and `labs` commands of every `sh` block of every sheet.
fn commands(catalog: &Catalog) -> Commands {
    let mut commands = Commands::default();
    for sheet in sheets() {
        let text = fs::read_to_string(&sheet).unwrap();
        let mut pending = String::new();
        for line in lines(&text).iter().filter(|line| line.code == Some("sh")) {
            let text = line.text.trim();
            if let Some(continued) = text.strip_suffix('\\') {
                pending += continued;
                continue;
            }
            let whole = std::mem::take(&mut pending) + text;
            let at = format!("{}:{}", relative(&sheet), line.number);
            let words = words(&whole);
            let words: Vec<String> = words
                .into_iter()
                .take_while(|word| !word.starts_with('#'))
                .collect();
            for command in words.split(|word| ["|", "&&", ";", "||"].contains(&word.as_str())) {
                commands.command(&at, catalog, command);
            }
        }
    }
    commands
}

/// Where cargo put this test's binaries: the workspace's binaries are beside.
fn binary_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().to_path_buf() // .../debug/deps/sheets-...
}

#[test]
fn every_command_names_a_binary_or_lab_that_exists_with_options_it_accepts() {
    let catalog = Catalog::load();
    let commands = commands(&catalog);
    assert!(
        commands.wrong.is_empty(),
        "commands in the sheets that name nothing:\n{}",
        commands.wrong.join("\n")
    );
    assert!(
        commands.checks.len() > 50,
        "the sheets' commands were not found"
    );

    // Cargo is asked to build every binary the sheets run, in one call: a
    // no-op for fresh ones, and never a stale binary judged (one built
    // before its options changed).
    let dir = binary_dir();
    let path = |program: &str| -> PathBuf {
        if program == "labs" {
            PathBuf::from(env!("CARGO_BIN_EXE_labs"))
        } else {
            dir.join(format!("{program}{}", std::env::consts::EXE_SUFFIX))
        }
    };
    let programs: BTreeSet<&str> = commands
        .checks
        .keys()
        .map(|check| check.program.as_str())
        .filter(|program| *program != "labs")
        .collect();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build.args(["build", "--offline", "--quiet"]);
    if dir.ends_with("release") {
        build.arg("--release");
    }
    for program in &programs {
        build.args(["--bin", program]);
    }
    let status = build.current_dir(workspace()).status().unwrap();
    assert!(status.success(), "building {programs:?}");

    let checks: Vec<(&HelpCheck, &String)> = commands.checks.iter().collect();
    let failures: Vec<String> = thread::scope(|scope| {
        let workers: Vec<_> = checks
            .chunks(checks.len().div_ceil(8))
            .map(|chunk| {
                scope.spawn(move || {
                    let mut failures = Vec::new();
                    for (check, at) in chunk {
                        let output = Command::new(path(&check.program))
                            .args(&check.args)
                            .arg("--help")
                            .stdin(Stdio::null())
                            .output()
                            .unwrap();
                        if !output.status.success() {
                            let stderr = String::from_utf8_lossy(&output.stderr);
                            failures.push(format!(
                                "{at}: {} {} --help: {}",
                                check.program,
                                check.args.join(" "),
                                stderr.lines().next().unwrap_or_default()
                            ));
                        }
                    }
                    failures
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "commands in the sheets with options their program refuses:\n{}",
        failures.join("\n")
    );
}

/// The numbers of the items of a sheet's `## Callouts` list, repeats kept.
fn callout_items(sheet: &str) -> Vec<u32> {
    let Some((_, section)) = sheet.split_once("\n## Callouts") else {
        return Vec::new();
    };
    let section = section.split("\n## ").next().unwrap_or_default();
    section
        .lines()
        .filter_map(|line| {
            let (number, _) = line.split_once(". ")?;
            number
                .bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| number.parse().ok())?
        })
        .collect()
}

#[test]
fn each_callout_of_each_variant_is_explained_exactly_once() {
    let catalog = Catalog::load();
    let mut used: BTreeMap<PathBuf, BTreeSet<u32>> = BTreeMap::new();
    for lab in &catalog.labs {
        let numbers = used.entry(lab.sheet()).or_default();
        for entry in &lab.variants {
            let source = lab.source(&entry.name).expect("a source (catalog.rs)");
            numbers.extend(callouts(&fs::read_to_string(source).unwrap()));
        }
    }
    for (sheet, used) in used {
        let items = callout_items(&fs::read_to_string(&sheet).unwrap());
        let explained: BTreeSet<u32> = items.iter().copied().collect();
        let sheet = relative(&sheet);
        assert_eq!(
            items.len(),
            explained.len(),
            "{sheet}: a callout explained twice: {items:?}"
        );
        assert_eq!(explained, used, "{sheet}: callouts explained vs used");
    }
}

/// A variant meets its callouts in reading order: each number's first
/// appearance comes after every smaller one's.
#[test]
fn each_variant_meets_its_callouts_in_reading_order() {
    let mut unordered = Vec::new();
    for lab in &Catalog::load().labs {
        for entry in &lab.variants {
            let source = lab.source(&entry.name).expect("a source (catalog.rs)");
            let mut seen = BTreeSet::new();
            let first: Vec<u32> = callouts(&fs::read_to_string(source).unwrap())
                .into_iter()
                .filter(|&number| seen.insert(number))
                .collect();
            if first.windows(2).any(|pair| pair[0] > pair[1]) {
                unordered.push(format!("{}: {first:?}", lab.binary(&entry.name)));
            }
        }
    }
    assert!(
        unordered.is_empty(),
        "variants whose callouts are not in reading order:\n{}",
        unordered.join("\n")
    );
}

#[test]
fn each_lab_sheet_is_a_short_path_of_one_screen_steps() {
    let catalog = Catalog::load();
    let sheets: BTreeSet<PathBuf> = catalog.labs.iter().map(|lab| lab.sheet()).collect();
    let mut long = Vec::new();
    for sheet in sheets {
        let text = fs::read_to_string(&sheet).unwrap();
        let path = text.split("\n## Callouts").next().unwrap_or_default();
        let name = relative(&sheet);
        let count = path.lines().count();
        if count > PATH_LINES {
            long.push(format!(
                "{name}: the path is {count} lines (at most {PATH_LINES})"
            ));
        }
        for step in path.split("\n## ").skip(1) {
            let title = step.lines().next().unwrap_or_default();
            let count = step.lines().count();
            if title.starts_with(|c: char| c.is_ascii_digit()) && count > STEP_LINES {
                long.push(format!(
                    "{name}: step {title:?} is {count} lines (at most {STEP_LINES})"
                ));
            }
        }
    }
    assert!(
        long.is_empty(),
        "sheets too long to follow in the room:\n{}",
        long.join("\n")
    );
}

/// The binary a pasted `--timeline` picture names in its first line
/// (`spinner-tokio: 1.011 s, one column = 16.3 ms`), if the line is one.
fn pictured_binary(line: &str) -> Option<&str> {
    let (binary, rest) = line.split_once(": ")?;
    let pictured = rest.contains(", one column = ") && !binary.contains(' ');
    pictured.then_some(binary)
}

/// Every timeline pasted in a sheet is the picture of a binary that
/// exists: a renamed variant cannot leave a picture of nothing behind.
#[test]
fn every_pasted_timeline_names_a_binary_that_exists() {
    let catalog = Catalog::load();
    let mut pictures = 0;
    let mut wrong = Vec::new();
    for sheet in sheets() {
        let text = fs::read_to_string(&sheet).unwrap();
        for line in lines(&text).iter().filter(|line| line.code == Some("text")) {
            let Some(binary) = pictured_binary(line.text) else {
                continue;
            };
            pictures += 1;
            if !catalog.binaries().iter().any(|known| known == binary) {
                wrong.push(format!("{}:{}: {binary}", relative(&sheet), line.number));
            }
        }
    }
    assert!(pictures >= 4, "the sheets' timelines were not found");
    assert!(
        wrong.is_empty(),
        "timelines of binaries that do not exist:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_first_line_of_a_picture_names_its_binary() {
    assert_eq!(
        pictured_binary("spinner-tokio: 1.011 s, one column = 16.3 ms"),
        Some("spinner-tokio")
    );
    assert_eq!(
        pictured_binary("spinner object: Thread { id: ThreadId(2) }"),
        None
    );
}

/// async-std's legacy note is said once, in the workspace's README; the
/// sheets link to it.
#[test]
fn the_legacy_note_is_in_the_readme_only() {
    let saying = "RUSTSEC-2025-0052";
    let sayers: Vec<String> = sheets()
        .iter()
        .filter(|sheet| fs::read_to_string(sheet).unwrap().contains(saying))
        .map(|sheet| relative(sheet))
        .collect();
    assert_eq!(sayers, ["README.md"], "the sheets that name {saying}");
}

#[test]
fn anchors_follow_github() {
    let text = "# Lab 3: native-coros\n## 1. demo1: one value out\n```sh\n# not a heading\n```\n## Must use\n## Must use\n";
    let found: Vec<String> = anchors(text).into_iter().collect();
    assert_eq!(
        found,
        [
            "1-demo1-one-value-out",
            "lab-3-native-coros",
            "must-use",
            "must-use-1"
        ]
    );
}

#[test]
fn words_of_a_shell_line() {
    assert_eq!(
        words(r#"TOKIO_WORKER_THREADS=1 cargo run --bin x -- -s 'a b' | head"#),
        [
            "TOKIO_WORKER_THREADS=1",
            "cargo",
            "run",
            "--bin",
            "x",
            "--",
            "-s",
            "a b",
            "|",
            "head"
        ]
    );
}
