//! `labs.toml` is the one list of labs: it must name exactly the binaries
//! that the workspace builds, no more and no fewer.

use std::collections::BTreeSet;
use std::process::Command;

use labs::catalog::Catalog;

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
    let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    for lab in &catalog.labs {
        assert!(
            workspace.join(lab.dir()).join("README.md").is_file(),
            "{} has no README.md",
            lab.name
        );
        let names: BTreeSet<_> = lab.entries().map(|entry| &entry.name).collect();
        assert_eq!(
            names.len(),
            lab.entries().count(),
            "{} lists a name twice",
            lab.name
        );
    }
}
