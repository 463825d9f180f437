//! The progress bar, in a real pseudo-terminal: drawn while downloading,
//! gone afterwards. Unix only (portable-pty's Unix PTY): skipped elsewhere.
#![cfg(unix)]

use std::path::Path;
use std::time::Duration;

use flags::{Config, Delay, FlagServer};
use labs_pty::Command;

/// Far longer than a run takes: a hang fails the test.
const DEADLINE: Duration = Duration::from_secs(20);

/// `program args` in a fresh 100x24 terminal, in `dir`.
fn terminal(program: &str, args: &[&str], dir: &Path) -> Command {
    Command::new(program)
        .args(args)
        .size(24, 100)
        .cwd(dir)
        // The terminal says what it is, as every terminal does: the emulator
        // these tests read the screen with (vt100) is xterm-like. (Where TERM
        // is `dumb`, indicatif draws no bar, by design, whatever the test
        // runs in.)
        .env("TERM", "xterm-256color")
}

#[test]
fn the_progress_bar_is_drawn_then_cleared() {
    let server = FlagServer::start(Config {
        delay: Delay::fixed(Duration::from_millis(60)),
        ..Config::default()
    })
    .unwrap();
    let dir = std::env::temp_dir().join(format!("flags-pty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = terminal(
        env!("CARGO_BIN_EXE_flags2-tokio"),
        &["-s", &server.url(), "-a", "-l", "30", "-m", "2"],
        &dir,
    )
    .run(DEADLINE);
    let _ = std::fs::remove_dir_all(&dir);
    let text = run.text();
    assert_eq!(run.exit_code, 0, "{text}");
    // Drawn: the bar went through intermediate counts on its way to 30.
    assert!(text.contains("/30 ["), "no progress bar drawn: {text:?}");
    let screen = run.screen();
    // Cleared: the screen holds the report and nothing of the bar.
    assert!(screen.contains(" 30 flags downloaded."), "{screen}");
    assert!(
        !screen.contains("/30 ["),
        "the bar was left on screen:\n{screen}"
    );
    assert!(
        !screen.contains('%'),
        "the bar was left on screen:\n{screen}"
    );
}

/// `kill` while the bar is drawn: the bar is cleared, the status is 143.
/// (Ctrl-C does the same, but the `^C` the terminal echoes after a bar as
/// wide as the screen wraps to the next line, which is the one cleared.)
#[test]
fn kill_clears_the_progress_bar() {
    let server = FlagServer::start(Config {
        delay: Delay::fixed(Duration::from_millis(200)),
        ..Config::default()
    })
    .unwrap();
    let dir = std::env::temp_dir().join(format!("flags-pty-ctrl-c-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut terminal = terminal(
        env!("CARGO_BIN_EXE_flags2-tokio"),
        &["-s", &server.url(), "-a", "-m", "2"],
        &dir,
    )
    .start();
    // Sent once the bar is drawn.
    terminal.wait_until_output("%|", DEADLINE);
    terminal.signal("TERM");
    let run = terminal.finish(DEADLINE);
    let _ = std::fs::remove_dir_all(&dir);
    let screen = run.screen();
    assert_eq!(run.exit_code, 143, "{screen}");
    let bytes = &run.bytes;
    let tail = String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(120)..]).into_owned();
    assert!(
        !screen.contains('%'),
        "the bar was left on screen:\n{screen}\n{tail:?}"
    );
}
