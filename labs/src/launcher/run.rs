//! `labs run LAB VARIANT [-- ARGS]`: the variant takes over the terminal.

use std::process::Command;

use labs::catalog::Catalog;
use labs::cli::fail;

use super::{cargo_run, find_entry, find_lab};

/// Runs `cargo run --bin LAB-VARIANT`, so that an edited variant is rebuilt
/// first, and hands the terminal over to it.
pub fn exec(catalog: &Catalog, lab: &str, variant: &str, args: &[String]) -> ! {
    let lab = find_lab(catalog, lab);
    let entry = find_entry(lab, variant);
    exec_command(cargo_run(&lab.binary(&entry.name), args))
}

/// Replaces this process with `command` where the system allows it, so that
/// Ctrl-C and the exit status belong to the lab itself.
pub fn exec_command(command: Command) -> ! {
    let err = labs::platform::exec(command);
    fail(1, format!("cannot start cargo: {err}"))
}
