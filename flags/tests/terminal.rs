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
    let reading = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let mut buf = [0; 4096];
        while let Ok(n @ 1..) = reader.read(&mut buf) {
            bytes.extend_from_slice(&buf[..n]);
        }
        bytes
    });
    let keyboard = pty.master.take_writer().expect("write to the terminal");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll the program") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().ok();
            panic!("{program} {args:?} still running after 20 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    drop(keyboard);
    drop(pty.master);
    (reading.join().unwrap(), status.exit_code())
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
