//! The progress bar, in a real pseudo-terminal: drawn while downloading,
//! gone afterwards. Unix only (portable-pty's Unix PTY): skipped elsewhere.
#![cfg(unix)]

use std::io::Read;
use std::num::NonZeroU16;
use std::time::{Duration, Instant};

use flags::{Config, Delay, FlagServer};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const ROWS: NonZeroU16 = NonZeroU16::new(24).unwrap();
const COLS: NonZeroU16 = NonZeroU16::new(100).unwrap();

/// Runs `program args` in a fresh 100x24 terminal in `dir`: every byte it
/// wrote, and its exit code. Killed, and the test failed, after 20 s.
fn run_in_pty(program: &str, args: &[&str], dir: &std::path::Path) -> (Vec<u8>, u32) {
    run_in_pty_then(program, args, dir, None)
}

/// [`run_in_pty`], sending the program `signal` (`kill -SIGNAL`) once the
/// progress bar is drawn.
fn run_in_pty_then(
    program: &str,
    args: &[&str],
    dir: &std::path::Path,
    signal: Option<&str>,
) -> (Vec<u8>, u32) {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: ROWS.get(),
            cols: COLS.get(),
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pseudo-terminal");
    let mut command = CommandBuilder::new(program);
    command.args(args);
    command.cwd(dir);
    // The terminal says what it is, as every terminal does: the emulator
    // these tests read the screen with (vt100) is xterm-like. (Where TERM is
    // `dumb`, indicatif draws no bar, by design, whatever the test runs in.)
    command.env("TERM", "xterm-256color");
    let mut child = pty.slave.spawn_command(command).expect("start the program");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().expect("read the terminal");
    let bytes = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let reading = std::thread::spawn({
        let bytes = std::sync::Arc::clone(&bytes);
        move || {
            let mut buf = [0; 4096];
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                bytes.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        }
    });
    let keyboard = pty.master.take_writer().expect("write to the terminal");
    let mut signal = signal;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll the program") {
            break status;
        }
        if let Some(name) = signal
            && String::from_utf8_lossy(&bytes.lock().unwrap()).contains("%|")
        {
            let pid = child.process_id().expect("a process id").to_string();
            let killed = std::process::Command::new("kill")
                .args([&format!("-{name}"), &pid])
                .status();
            assert!(killed.is_ok_and(|status| status.success()), "kill -{name}");
            signal = None;
        }
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().ok();
            panic!("{program} {args:?} still running after 20 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    drop(keyboard);
    drop(pty.master);
    reading.join().unwrap();
    let bytes = std::mem::take(&mut *bytes.lock().unwrap());
    (bytes, status.exit_code())
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
    let (bytes, code) = run_in_pty(
        env!("CARGO_BIN_EXE_flags2-tokio"),
        &["-s", &server.url(), "-a", "-l", "30", "-m", "2"],
        &dir,
    );
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8_lossy(&bytes);
    assert_eq!(code, 0, "{text}");
    // Drawn: the bar went through intermediate counts on its way to 30.
    assert!(text.contains("/30 ["), "no progress bar drawn: {text:?}");
    let mut parser = vt100::Parser::new(ROWS, COLS, 0);
    parser.process(&bytes);
    let screen = parser.screen().contents();
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
    let (bytes, code) = run_in_pty_then(
        env!("CARGO_BIN_EXE_flags2-tokio"),
        &["-s", &server.url(), "-a", "-m", "2"],
        &dir,
        Some("TERM"),
    );
    let _ = std::fs::remove_dir_all(&dir);
    let mut parser = vt100::Parser::new(ROWS, COLS, 0);
    parser.process(&bytes);
    let screen = parser.screen().contents();
    assert_eq!(code, 143, "{screen}");
    let tail = String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(120)..]).into_owned();
    assert!(
        !screen.contains('%'),
        "the bar was left on screen:\n{screen}\n{tail:?}"
    );
}
