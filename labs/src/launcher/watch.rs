//! `labs watch LAB VARIANT [-- ARGS]`: runs a variant, then runs it again
//! each time its source (or its crate's `lib.rs`) is saved.
//!
//! Saves are noticed by looking at the files' modification time and size
//! every 300 ms, with the standard library alone. A file-watching crate
//! (`notify`) would notice at once, but brings a platform backend per
//! system (inotify, kqueue/FSEvents, ReadDirectoryChangesW) and a channel
//! crate into the launcher, the first thing every participant builds; for
//! two small files and a person at a keyboard, 300 ms is at once.

use std::path::PathBuf;
use std::process::{ExitStatus, exit};
use std::thread::sleep;
use std::time::{Duration, SystemTime};

use labs::catalog::Catalog;
use labs::cli::fail;

use super::{cargo_run, find_entry, find_lab, shown, stop};

const POLL: Duration = Duration::from_millis(300);

pub fn watch(catalog: &Catalog, lab: &str, variant: &str, args: &[String]) -> ! {
    let lab = find_lab(catalog, lab);
    let entry = find_entry(lab, variant);
    let binary = lab.binary(&entry.name);
    let files = lab.watched(&entry.name);
    if files.is_empty() {
        fail(1, format!("cannot find the source of {binary}"));
    }
    let names: Vec<String> = files.iter().map(|file| shown(file)).collect();
    let names = names.join(" and ");
    // Ctrl-C reaches the variant too: it restores its own terminal and
    // ends; we wait for that, then end as well. A request sent to us alone
    // (`kill`) is passed on to it. (On Unix, `cargo run` becomes the
    // variant once it is built: a signal for the child reaches the variant.)
    stop::listen(|| {});
    let mut seen = stamps(&files);
    eprintln!("[labs watch] running {binary}; saving {names} runs it again; Ctrl-C stops");
    loop {
        let mut command = cargo_run(&binary, args);
        labs::platform::end_with_this_process(&mut command);
        let mut child = command
            .spawn()
            .unwrap_or_else(|err| fail(1, format!("cannot start cargo: {err}")));
        // A run is never cut short (a killed variant could not restore the
        // terminal): a save during a run starts the next one after it.
        let status = loop {
            if let Some(request) = stop::requested() {
                stop::end_with(&mut child, request);
            }
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) => sleep(Duration::from_millis(50)),
                Err(err) => fail(1, format!("cannot wait for {binary}: {err}")),
            }
        };
        eprintln!(
            "[labs watch] {binary} {}; waiting for a save",
            ended(status)
        );
        loop {
            if let Some(request) = stop::requested() {
                exit(request.status);
            }
            let now = stamps(&files);
            if now.iter().all(Option::is_some) && now != seen {
                let saved = files.iter().zip(&now).zip(&seen).find(|((_, a), b)| a != b);
                if let Some(((file, _), _)) = saved {
                    eprintln!("[labs watch] {} saved: running {binary} again", shown(file));
                }
                seen = now;
                break;
            }
            sleep(POLL);
        }
    }
}

/// What the person sees of how a run ended.
fn ended(status: ExitStatus) -> String {
    match status.code() {
        Some(0) => "ended".to_string(),
        // cargo's status for a build error, and Rust's for a panic.
        Some(101) => "stopped with status 101 (a build error or a panic: see above)".to_string(),
        Some(code) => format!("ended with status {code}"),
        None => "was stopped by a signal".to_string(),
    }
}

/// Each file's modification time and size; `None` while it is missing (an
/// editor may save by writing a new file and renaming it).
fn stamps(files: &[PathBuf]) -> Vec<Option<(SystemTime, u64)>> {
    files
        .iter()
        .map(|file| {
            let meta = std::fs::metadata(file).ok()?;
            Some((meta.modified().ok()?, meta.len()))
        })
        .collect()
}
