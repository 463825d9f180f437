//! `labs doctor`: the pre-flight check for a workshop, run the evening
//! before. One line per check, `✔` or `✘` with the fix; exit status 0 only
//! when every check passed.

use std::io::{self, IsTerminal, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::path::Path;
use std::process::{Command, Stdio, exit};

use labs::catalog::{Catalog, workspace};

use super::{cargo, find_lab};

/// What a check found.
enum Verdict {
    Pass(String),
    Fail(String),
    /// Not checked, or not measurable here: does not fail the doctor.
    Skip(String),
}

/// `target/` with every lab and its tests built in the dev profile takes
/// about 2 GB; a margin for the benchmarks' `--release` builds.
const TARGET_BYTES: u64 = 3_000_000_000;

pub fn doctor(catalog: &Catalog, no_build: bool, lab: Option<String>, port: u16) -> ! {
    println!("Is this machine ready for the workshop?");
    let checks = [
        toolchain(),
        if no_build {
            Verdict::Skip("the build check was skipped (--no-build)".to_string())
        } else {
            builds(catalog, lab.as_deref())
        },
        port_free(port),
        terminal(),
        disk(),
    ];
    let mut failed = 0;
    for check in checks {
        let line = match check {
            Verdict::Pass(text) => format!("✔ {text}"),
            Verdict::Fail(text) => {
                failed += 1;
                format!("✘ {text}")
            }
            Verdict::Skip(text) => format!("- {text}"),
        };
        println!("{line}");
    }
    if failed == 0 {
        println!("Ready.");
        exit(0)
    }
    println!("{failed} to fix before the workshop.");
    exit(1)
}

/// `rustc --version` against the workspace's `rust-version`.
fn toolchain() -> Verdict {
    let needed = std::fs::read_to_string(workspace().join("Cargo.toml"))
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|manifest| {
            let version = manifest
                .get("workspace")?
                .get("package")?
                .get("rust-version")?;
            Some(version.as_str()?.to_string())
        })
        .unwrap_or_else(|| "1.85".to_string());
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(rustc)
        .arg("--version")
        .current_dir(workspace())
        .stderr(Stdio::null())
        .output();
    let version = output
        .ok()
        .filter(|output| output.status.success())
        .and_then(|output| {
            let text = String::from_utf8_lossy(&output.stdout).into_owned();
            Some(text.split_whitespace().nth(1)?.to_string())
        });
    let Some(version) = version else {
        return Verdict::Fail(format!(
            "no Rust toolchain found: install Rust {needed} or newer from https://rustup.rs"
        ));
    };
    if numbers(&version) >= numbers(&needed) {
        Verdict::Pass(format!("Rust {version} (the labs need {needed} or newer)"))
    } else {
        Verdict::Fail(format!(
            "Rust {version} is older than the {needed} the labs need: run `rustup update stable`"
        ))
    }
}

/// `1.85.0-nightly` is `[1, 85, 0]`.
fn numbers(version: &str) -> Vec<u32> {
    version
        .split(['.', '-'])
        .map_while(|part| part.parse().ok())
        .collect()
}

/// Every binary of the catalog (or of one lab) builds without the network.
fn builds(catalog: &Catalog, lab: Option<&str>) -> Verdict {
    let (binaries, what) = match lab {
        Some(name) => {
            let lab = find_lab(catalog, name);
            let binaries: Vec<String> =
                lab.entries().map(|entry| lab.binary(&entry.name)).collect();
            (binaries, format!("every binary of {name}"))
        }
        None => (catalog.binaries(), "every variant and tool".to_string()),
    };
    eprintln!(
        "(building {} binaries offline: a minute the first time)",
        binaries.len()
    );
    let mut build = cargo();
    build.args(["build", "--offline", "--quiet"]);
    for binary in &binaries {
        build.args(["--bin", binary]);
    }
    labs::platform::end_with_this_process(&mut build);
    let _ = io::stdout().flush();
    match build.stdin(Stdio::null()).status() {
        Ok(status) if status.success() => Verdict::Pass(format!(
            "{what} builds offline ({} binaries)",
            binaries.len()
        )),
        Ok(_) => Verdict::Fail(format!(
            "{what} does not build offline (the errors are above): on a network, run \
             `cargo build --workspace` once to fetch the crates, then run the doctor again"
        )),
        Err(err) => Verdict::Fail(format!(
            "cannot start cargo ({err}): install Rust from https://rustup.rs"
        )),
    }
}

/// The flag server's port is free, on loopback and on every network.
fn port_free(port: u16) -> Verdict {
    let taken = [Ipv4Addr::LOCALHOST, Ipv4Addr::UNSPECIFIED]
        .into_iter()
        .find_map(|ip| TcpListener::bind((ip, port)).err());
    match taken {
        None => Verdict::Pass(format!("port {port} is free for the flag server")),
        Some(err) => Verdict::Fail(format!(
            "port {port} is taken ({}): stop what listens there, or serve on another port: \
             `labs serve --port {}`",
            err.kind(),
            port.wrapping_add(1)
        )),
    }
}

/// The terminal hides the cursor and draws in place: output goes to a
/// terminal that understands escape codes, asked for the cursor position.
fn terminal() -> Verdict {
    if !io::stdout().is_terminal() {
        return Verdict::Skip(
            "the terminal was not checked (the output is not a terminal): run `labs doctor` \
             in the terminal window you will use to check it"
                .to_string(),
        );
    }
    if std::env::var("TERM").is_ok_and(|term| term == "dumb") {
        return Verdict::Fail(
            "TERM=dumb: this terminal cannot draw in place; use a full terminal \
             (Terminal, iTerm2, Windows Terminal, the one in your editor)"
                .to_string(),
        );
    }
    let answered = crossterm::terminal::enable_raw_mode()
        .and_then(|()| {
            let position = crossterm::cursor::position();
            crossterm::terminal::disable_raw_mode()?;
            position
        })
        .is_ok();
    if answered {
        Verdict::Pass("the terminal hides the cursor and draws in place".to_string())
    } else {
        let _ = crossterm::terminal::disable_raw_mode();
        Verdict::Fail(
            "the terminal did not answer a cursor query: use a full terminal \
             (Terminal, iTerm2, Windows Terminal, the one in your editor)"
                .to_string(),
        )
    }
}

/// Room on the disk for `target/`: what a full build takes, less what is
/// built already.
fn disk() -> Verdict {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"));
    let built = size(&target);
    let needed = TARGET_BYTES.saturating_sub(built);
    let at = if target.exists() {
        target.as_path()
    } else {
        workspace()
    };
    let gb = |bytes: u64| format!("{:.1} GB", bytes as f64 / 1e9);
    match free_bytes(at) {
        None => Verdict::Skip(format!(
            "free disk space not measured (no `df` command here): target/ needs about {} more",
            gb(needed)
        )),
        Some(free) if free >= needed => Verdict::Pass(format!(
            "{} free on the disk of target/ (a full build takes about {}, {} of it built)",
            gb(free),
            gb(TARGET_BYTES),
            gb(built.min(TARGET_BYTES))
        )),
        Some(free) => Verdict::Fail(format!(
            "only {} free on the disk of target/, which needs about {} more: free some room, \
             or set CARGO_TARGET_DIR to a disk with room",
            gb(free),
            gb(needed)
        )),
    }
}

/// The bytes of the files under `dir` (symbolic links not followed).
fn size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|entry| match entry.file_type() {
            Ok(kind) if kind.is_dir() => size(&entry.path()),
            Ok(kind) if kind.is_file() => entry.metadata().map_or(0, |meta| meta.len()),
            _ => 0,
        })
        .sum()
}

/// Free bytes on the disk holding `dir`, from POSIX `df -Pk` (Linux, macOS,
/// Git Bash on Windows). The standard library has no call for it.
fn free_bytes(dir: &Path) -> Option<u64> {
    let output = Command::new("df")
        .arg("-Pk")
        .arg(dir)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let kilobytes: u64 = text
        .lines()
        .nth(1)?
        .split_whitespace()
        .nth(3)?
        .parse()
        .ok()?;
    Some(kilobytes * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_their_numbers() {
        assert!(numbers("1.91.0") >= numbers("1.85"));
        assert!(numbers("1.85.0-nightly") >= numbers("1.85"));
        assert!(numbers("1.9.0") < numbers("1.85"));
        assert!(numbers("2.0.0") >= numbers("1.85"));
    }
}
