//! Plumbing shared by the benchmark programs (`countdown-plates`,
//! `flags-bench`, `primes-bench`): medians, and building the programs a
//! benchmark runs.

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Stdio};

/// The middle value; with an even count, the mean of the two in the
/// middle; NaN when there are none.
pub fn median(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.into_iter().collect();
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 0 {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    }
}

/// Under `cargo run` (which sets `CARGO`), builds every binary of the
/// package whose manifest is `manifest` (pass
/// `concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")`), with the same
/// profile as the calling program: `cargo run --bin x-bench` builds only the
/// bench, not the programs it runs. Cargo stays quiet unless the build
/// fails; then one line, and exit status 1. Outside `cargo run`, nothing.
pub fn build_sibling_binaries(manifest: &str) {
    let Some(cargo) = std::env::var_os("CARGO") else {
        return;
    };
    if let Err(err) = build(&cargo, Path::new(manifest)) {
        crate::cli::fail(1, err);
    }
}

fn build(cargo: &OsString, manifest: &Path) -> Result<(), String> {
    let mut build = Command::new(cargo);
    build.args(["build", "--quiet", "--bins", "--manifest-path"]);
    build.arg(manifest);
    // This crate is built with the same profile as the program calling it.
    if !cfg!(debug_assertions) {
        build.arg("--release");
    }
    match build.stdin(Stdio::null()).status() {
        Ok(status) if status.success() => Ok(()),
        Ok(_) => Err(format!(
            "cannot build the programs of {} (cargo's errors above)",
            manifest.display()
        )),
        Err(err) => Err(format!("cannot run cargo to build the programs: {err}")),
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn medians() {
        assert_eq!(median([3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median([4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median([7.0]), 7.0);
        assert!(median([]).is_nan());
    }
}
