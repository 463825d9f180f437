//! demo1's experiment as a test: a future that is never awaited makes the
//! compiler fire the `unused_must_use` lint, with the message of the
//! `#[must_use]` attribute. The example, `tests/compile/unused_future.rs`,
//! is compiled by the same toolchain that runs these tests, with its
//! diagnostics as JSON; the test checks the lint's name, the lines it
//! points at and the lab's own message, not the compiler's wording (which
//! changes between versions). Offline, and about 0.1 s per compile.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

use serde_json::Value;

const EXAMPLE: &str = "tests/compile/unused_future.rs";

/// One warning or error of the compiler, as much of it as these tests read.
#[derive(Debug)]
struct Diagnostic {
    lint: Option<String>,
    line: Option<u64>,
    notes: Vec<String>,
}

#[test]
fn a_future_that_is_never_awaited_fires_unused_must_use_with_the_labs_message() {
    let source = read(EXAMPLE);
    let diagnostics = compile("unused_future", &source);

    let unused: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.lint.as_deref() == Some("unused_must_use"))
        .collect();
    let lines: Vec<Option<u64>> = unused.iter().map(|d| d.line).collect();
    assert_eq!(
        lines,
        [
            Some(line_of(&source, "    delegating();")),
            Some(line_of(&source, "    leaf();"))
        ],
        "unused_must_use should fire once per unused future: {diagnostics:#?}"
    );
    // The hand-written future: the note is the message of its own attribute.
    let message = must_use_message(&source);
    assert!(
        unused[1].notes.contains(&message),
        "the note of `leaf();` should be {message:?}: {:#?}",
        unused[1]
    );
}

#[test]
fn without_its_must_use_attribute_a_hand_written_future_is_dropped_silently() {
    let source = read(EXAMPLE);
    let attribute = must_use_line(&source);
    let without = source.replace(&format!("{attribute}\n"), "");
    let diagnostics = compile("unused_future_without_must_use", &without);

    let lines: Vec<Option<u64>> = diagnostics
        .iter()
        .filter(|d| d.lint.as_deref() == Some("unused_must_use"))
        .map(|d| d.line)
        .collect();
    // Only the async fn is reported: `Future` itself is `#[must_use]`, `Leaf` no longer is.
    assert_eq!(
        lines,
        [Some(line_of(&without, "    delegating();"))],
        "{diagnostics:#?}"
    );
}

#[test]
fn the_example_marks_its_future_as_the_labs_futures_are() {
    let attribute = must_use_line(&read(EXAMPLE));
    for program in ["demo1", "demo2", "demo3", "launchpad"] {
        let file = format!("src/bin/native-coros-{program}.rs");
        assert!(
            read(&file).lines().any(|line| line.trim() == attribute),
            "{file} should mark its leaf future with {attribute}"
        );
    }
}

/// Compiles `source` as a binary crate (type-checked and linted, not
/// linked) and returns its diagnostics. Fails if it does not compile.
fn compile(name: &str, source: &str) -> Vec<Diagnostic> {
    // One directory per test process, so that two test runs never share files.
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("must_use-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join(format!("{name}.rs"));
    fs::write(&file, source).expect("writing the example");

    let mut rustc = Command::new(rustc());
    rustc
        .args([
            "--edition",
            "2024",
            "--crate-type",
            "bin",
            "--crate-name",
            name,
        ])
        .args(["--emit=metadata", "--error-format=json", "--out-dir"])
        .arg(&dir)
        .arg(&file);
    let output = support::run(&mut rustc);
    let _ = fs::remove_file(&file);
    let _ = fs::remove_file(dir.join(format!("lib{name}.rmeta")));
    let _ = fs::remove_dir(&dir); // once the other test's files are gone too
    assert!(
        output.status.success(),
        "{rustc:?} failed: {}\n{}",
        output.status,
        output.stderr
    );
    output
        .stderr
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|json| json["$message_type"] == "diagnostic")
        .map(|json| Diagnostic {
            lint: json["code"]["code"].as_str().map(String::from),
            line: json["spans"][0]["line_start"].as_u64(),
            notes: json["children"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|child| child["message"].as_str().map(String::from))
                .collect(),
        })
        .collect()
}

/// The compiler of the toolchain running the tests: `$RUSTC` if set, else
/// the `rustc` beside the `cargo` that built them, else `rustc` on the PATH.
fn rustc() -> PathBuf {
    if let Some(rustc) = env::var_os("RUSTC") {
        return rustc.into();
    }
    let beside_cargo =
        Path::new(env!("CARGO")).with_file_name(format!("rustc{}", env::consts::EXE_SUFFIX));
    if beside_cargo.is_file() {
        beside_cargo
    } else {
        "rustc".into()
    }
}

fn read(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// The line number (from 1) of the line `text`.
fn line_of(source: &str, text: &str) -> u64 {
    let index = source.lines().position(|line| line == text);
    index.map_or_else(|| panic!("no line {text:?}"), |i| i as u64 + 1)
}

/// The example's `#[must_use = "..."]` line.
fn must_use_line(source: &str) -> String {
    let line = source
        .lines()
        .find(|line| line.starts_with("#[must_use = "));
    line.expect("a #[must_use = \"...\"] line").to_string()
}

/// The message of the example's `#[must_use = "..."]`.
fn must_use_message(source: &str) -> String {
    let line = must_use_line(source);
    let quoted = line
        .trim_start_matches("#[must_use = ")
        .trim_end_matches(']');
    quoted.trim_matches('"').to_string()
}
