//! `labs.toml` is the one list of labs: it must name exactly the binaries
//! that the workspace builds, no more and no fewer.

use std::collections::BTreeSet;
use std::process::Command;

use labs::catalog::{Catalog, callout_notes, callouts};

/// Every binary target of the workspace except the launcher, as cargo sees it.
fn workspace_binaries() -> BTreeSet<String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut binaries = BTreeSet::new();
    for package in metadata["packages"].as_array().unwrap() {
        for target in package["targets"].as_array().unwrap() {
            if target["kind"]
                .as_array()
                .unwrap()
                .iter()
                .any(|kind| kind == "bin")
            {
                binaries.insert(target["name"].as_str().unwrap().to_string());
            }
        }
    }
    binaries.remove("labs");
    binaries
}

#[test]
fn catalog_names_exactly_the_workspace_binaries() {
    let listed: BTreeSet<String> = Catalog::load().binaries().into_iter().collect();
    let built = workspace_binaries();
    let not_built: Vec<_> = listed.difference(&built).collect();
    let not_listed: Vec<_> = built.difference(&listed).collect();
    assert!(
        not_built.is_empty() && not_listed.is_empty(),
        "labs/labs.toml lists binaries the workspace does not build: {not_built:?}; \
         the workspace builds binaries labs.toml does not list: {not_listed:?}"
    );
}

#[test]
fn every_lab_has_a_sheet_and_unique_entries() {
    let catalog = Catalog::load();
    for lab in &catalog.labs {
        assert!(
            lab.sheet().is_file(),
            "{}: no lab sheet at {}",
            lab.name,
            lab.sheet().display()
        );
        let names: BTreeSet<_> = lab.entries().map(|entry| &entry.name).collect();
        assert_eq!(
            names.len(),
            lab.entries().count(),
            "{} lists a name twice",
            lab.name
        );
    }
    let labs: BTreeSet<_> = catalog.labs.iter().map(|lab| &lab.name).collect();
    assert_eq!(labs.len(), catalog.labs.len(), "a lab is listed twice");
}

/// `labs show`, `diff` and `watch` read each variant's source file.
#[test]
fn every_binary_has_its_source_file() {
    for lab in &Catalog::load().labs {
        for entry in lab.entries() {
            assert!(
                lab.source(&entry.name).is_some(),
                "no source file for {}",
                lab.binary(&entry.name)
            );
        }
    }
}

/// `labs show` prints each callout's explanation from the lab sheet.
#[test]
fn every_callout_of_a_variant_is_explained_in_its_sheet() {
    let mut missing = Vec::new();
    for lab in &Catalog::load().labs {
        let sheet = std::fs::read_to_string(lab.sheet()).unwrap_or_default();
        let notes = callout_notes(&sheet);
        for entry in &lab.variants {
            let Some(path) = lab.source(&entry.name) else {
                continue; // reported by every_binary_has_its_source_file
            };
            let source = std::fs::read_to_string(&path).unwrap();
            for number in callouts(&source) {
                if !notes.contains_key(&number) {
                    missing.push(format!("{} <{number}>", lab.binary(&entry.name)));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "callouts not explained in the lab's sheet (its `## Callouts` list): {missing:?}"
    );
}

/// `labs compare LAB` and `labs timeline LAB` run every variant of the lab
/// with no options but the lab's `compare-args`, and must end by themselves
/// within seconds. Each lab is one of three kinds here, so that a new lab
/// has to say which it is: its variants end by themselves soon at their
/// defaults; or they run long or never end there (the spinner's 3 s times
/// nine, the supervisor's flag servers), and `compare-args` give a short
/// run, or `stop-after` stops them (servers).
#[test]
fn every_lab_compares_in_seconds() {
    // Their defaults take at most a few seconds per variant.
    const QUICK_BY_DEFAULT: [&str; 6] = [
        "native-coros",
        "flags",
        "flags2",
        "flags3",
        "primes",
        "streams",
    ];
    let catalog = Catalog::load();
    for lab in &catalog.labs {
        let quick = QUICK_BY_DEFAULT.contains(&lab.name.as_str());
        let shortened = !lab.compare_args.is_empty() || lab.stop_after_secs.is_some();
        assert!(
            quick != shortened,
            "{}: either quick by default (listed here) or with compare-args or \
             stop-after in labs/labs.toml, not both",
            lab.name
        );
        if let Some(secs) = lab.stop_after_secs {
            assert!(
                lab.stop_after().is_some() && (0.5..=10.0).contains(&secs),
                "{}: stop-after = {secs}: from 0.5 to 10 s",
                lab.name
            );
        }
        assert!(
            lab.compare_args.iter().all(|arg| !arg.trim().is_empty()),
            "{}: an empty compare-args",
            lab.name
        );
    }
    for name in QUICK_BY_DEFAULT {
        assert!(catalog.lab(name).is_some(), "no lab {name} any more");
    }
}
