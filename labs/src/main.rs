//! The launcher: `cargo run` lists the labs, `cargo run -- run LAB VARIANT`
//! runs one of them.

use std::path::Path;
use std::process::Command;

use clap::{Parser, Subcommand};
use labs::catalog::{Catalog, Lab};
use labs::cli::{USAGE_ERROR, fail};

/// Concurrency labs: the same small programs on threads, tokio, async-std
/// and smol, side by side.
#[derive(Parser)]
#[command(name = "labs", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// List the labs and their variants (the default).
    List,
    /// Build and run one variant: `labs run spinner tokio -- --seconds 1`.
    Run {
        /// A lab, as listed: spinner, countdown, ...
        lab: String,
        /// One of the lab's variants or tools, as listed: thread, tokio, ...
        variant: String,
        /// Options for the variant itself, after `--`.
        #[arg(last = true)]
        args: Vec<String>,
    },
}

fn main() {
    let cli: Cli = labs::parse_args();
    let catalog = Catalog::load();
    match cli.command.unwrap_or(Cmd::List) {
        Cmd::List => print!("{}", listing(&catalog)),
        Cmd::Run { lab, variant, args } => run(&catalog, &lab, &variant, &args),
    }
}

fn listing(catalog: &Catalog) -> String {
    let width = catalog
        .labs
        .iter()
        .flat_map(Lab::entries)
        .map(|entry| entry.name.len())
        .max()
        .unwrap_or(0);
    let mut text = String::from("Concurrency labs\n");
    for lab in &catalog.labs {
        text += &format!("\n{}: {}\n", lab.name, lab.about);
        for entry in lab.entries() {
            text += &format!("  {:width$}  {}\n", entry.name, entry.about);
        }
    }
    text += "\nRun one:          cargo run -- run LAB VARIANT [-- OPTIONS]\
             \n  or directly:    cargo run --bin LAB-VARIANT [-- OPTIONS]\
             \nCompare two:      diff LAB/src/bin/LAB-A.rs LAB/src/bin/LAB-B.rs\
             \nEach lab's sheet: LAB/README.md\n";
    text
}

/// Runs `cargo run --bin LAB-VARIANT`, so that an edited variant is rebuilt
/// first, and hands the terminal over to it.
fn run(catalog: &Catalog, lab: &str, variant: &str, args: &[String]) -> ! {
    let names = |names: Vec<&str>| names.join(", ");
    let Some(found) = catalog.lab(lab) else {
        let labs = names(catalog.labs.iter().map(|lab| lab.name.as_str()).collect());
        fail(USAGE_ERROR, format!("no lab '{lab}'; the labs are: {labs}"));
    };
    if found.entry(variant).is_none() {
        let variants = names(found.entries().map(|entry| entry.name.as_str()).collect());
        fail(
            USAGE_ERROR,
            format!("lab '{lab}' has no variant '{variant}'; it has: {variants}"),
        );
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("labs/ is in the workspace");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace)
        .args(["run", "--quiet", "--bin", &found.binary(variant), "--"])
        .args(args);
    exec(command)
}

/// Replaces this process with `command` where the system allows it, so that
/// Ctrl-C and the exit status belong to the lab itself.
fn exec(command: Command) -> ! {
    let err = labs::platform::exec(command);
    fail(1, format!("cannot start cargo: {err}"))
}
