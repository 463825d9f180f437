//! The launcher: `cargo run` opens a menu of the labs (or lists them when
//! not on a terminal); `labs run`, `show`, `diff`, `compare`, `timeline`,
//! `watch`, `serve` and `doctor` do what a workshop needs without typing a binary's
//! name. Everything it knows about the labs comes from `labs/labs.toml`.

mod launcher;

use std::io::IsTerminal;

use clap::{Parser, Subcommand};
use labs::catalog::Catalog;

use launcher::{compare, diff, doctor, list, menu, run, serve, show, timeline, watch};

/// Concurrency labs: the same small programs on threads, tokio, async-std
/// and smol, side by side. With no command on a terminal: a menu.
#[derive(Parser)]
#[command(name = "labs", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// List the labs and their variants (the default when not on a terminal).
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
    /// Print a variant's source with line numbers, and its callouts explained.
    Show {
        /// A lab, as listed.
        lab: String,
        /// One of the lab's variants or tools.
        variant: String,
    },
    /// Show what changes between two variants of a lab.
    Diff {
        /// A lab, as listed.
        lab: String,
        /// The variant to compare from.
        a: String,
        /// The variant to compare to.
        b: String,
        /// Two columns, the whole files side by side.
        #[arg(long, short = 's')]
        side_by_side: bool,
        /// Width of the two columns together [40 to 1000; default: the terminal's, or 160].
        #[arg(long, value_name = "COLUMNS", allow_hyphen_values = true,
              value_parser = clap::value_parser!(u16).range(40..=1000))]
        width: Option<u16>,
    },
    /// Run the variants of a lab one after another and compare their outputs.
    Compare {
        /// A lab, as listed.
        lab: String,
        /// The variants to run (default: every variant of the lab).
        variants: Vec<String>,
        /// Show each output as a diff against the first instead of side by side.
        #[arg(long)]
        diff: bool,
        /// Width of the side-by-side columns together [40 to 1000; default: the terminal's, or 160].
        #[arg(long, value_name = "COLUMNS", allow_hyphen_values = true,
              value_parser = clap::value_parser!(u16).range(40..=1000))]
        width: Option<u16>,
        /// Options passed to every variant, after `--` (`-- --seconds 1`); default: the lab's short run, from labs.toml.
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Run variants of a lab and draw who ran when, one under the other.
    ///
    /// Each variant runs with `--timeline`; their pictures share one time
    /// scale: a row per thread, each task a letter.
    Timeline {
        /// A lab, as listed.
        lab: String,
        /// The variants to run (default: every variant of the lab).
        variants: Vec<String>,
        /// Write the timelines to this page (.html) instead of drawing them.
        #[arg(long, value_name = "FILE")]
        html: Option<String>,
        /// Write the timelines to this trace (.json, for Perfetto or chrome://tracing).
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
        /// Width of the picture [40 to 1000; default: the terminal's, or 80].
        #[arg(long, value_name = "COLUMNS", allow_hyphen_values = true,
              value_parser = clap::value_parser!(u16).range(40..=1000))]
        width: Option<u16>,
        /// Options passed to every variant, after `--` (`-- --seconds 1`); default: the lab's short run, from labs.toml.
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Run a variant, and run it again each time its source is saved.
    Watch {
        /// A lab, as listed.
        lab: String,
        /// One of the lab's variants or tools.
        variant: String,
        /// Options for the variant itself, after `--`.
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Run the flag server for the room, printing the URLs to hand out.
    ///
    /// `labs serve --bind 0.0.0.0 [--port 8000] [--delay 0.5] ...`: every
    /// option is the flag server's (`labs serve --help` lists them).
    #[command(disable_help_flag = true)]
    Serve {
        /// The flag server's options (`--bind 0.0.0.0`, `--port`, `--delay`, ...).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Check that this machine is ready for the workshop.
    Doctor {
        /// Skip the build check (it builds every variant, a minute the first time).
        #[arg(long)]
        no_build: bool,
        /// Build only this lab's binaries in the build check.
        #[arg(long, value_name = "LAB", conflicts_with = "no_build")]
        lab: Option<String>,
        /// The flag server's port to check [1 to 65535].
        #[arg(long, default_value_t = serve::DEFAULT_PORT, allow_hyphen_values = true,
              value_parser = clap::value_parser!(u16).range(1..))]
        port: u16,
    },
}

fn main() {
    // Windows: a lab started through `cargo run` ends with the launcher,
    // not only cargo (Unix: cargo becomes the lab). Where it cannot be
    // arranged (an old Windows), the launcher works as before.
    let _ = labs::platform::end_children_with_this_process();
    let cli: Cli = labs::parse_args();
    let catalog = Catalog::load();
    let command = cli.command.unwrap_or_else(|| {
        if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
            menu::run(&catalog)
        }
        Cmd::List
    });
    match command {
        Cmd::List => print!("{}", list::listing(&catalog)),
        Cmd::Run { lab, variant, args } => run::exec(&catalog, &lab, &variant, &args),
        Cmd::Show { lab, variant } => print!("{}", show::show(&catalog, &lab, &variant)),
        Cmd::Diff {
            lab,
            a,
            b,
            side_by_side,
            width,
        } => print!(
            "{}",
            diff::diff(&catalog, &lab, &a, &b, side_by_side, width.map(usize::from))
        ),
        Cmd::Compare {
            lab,
            variants,
            diff,
            width,
            args,
        } => compare::compare(
            &catalog,
            &lab,
            &variants,
            diff,
            width.map(usize::from),
            &args,
        ),
        Cmd::Timeline {
            lab,
            variants,
            html,
            json,
            width,
            args,
        } => {
            use labs::timeline::Format;
            let files: Vec<_> = [
                ("--html", html, Format::Html),
                ("--json", json, Format::Json),
            ]
            .into_iter()
            .filter_map(|(option, file, format)| {
                file.map(|file| timeline::checked_file(option, &file, format))
            })
            .collect();
            timeline::timeline(
                &catalog,
                &lab,
                &variants,
                &files,
                width.map(usize::from),
                &args,
            );
        }
        Cmd::Watch { lab, variant, args } => watch::watch(&catalog, &lab, &variant, &args),
        Cmd::Serve { args } => serve::serve(&catalog, &args),
        Cmd::Doctor {
            no_build,
            lab,
            port,
        } => doctor::doctor(&catalog, no_build, lab, port),
    }
}
