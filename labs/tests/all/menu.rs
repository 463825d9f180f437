//! The menu that `cargo run` opens on a terminal, driven in a real
//! pseudo-terminal: keys in, the screen read back, and the terminal restored
//! on every way out. Unix only (portable-pty's Windows ConPTY is not run
//! here); on other systems these tests are skipped.
#![cfg(unix)]

use crate::support;

use std::time::Duration;

use labs_pty::Terminal;
use support::{COLS, LABS, launcher};

const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// Starts the menu and waits for its first screen.
fn menu() -> Terminal {
    let mut terminal = launcher(&[]).start();
    wait_drawn(&mut terminal, "Concurrency labs", "q quit", secs(30));
    terminal
}

/// Waits until the screen shows `text` and its bottom line, drawn last,
/// ends with `last`: a screen read any sooner may be half drawn (the
/// terminal hands the program's output over in pieces).
fn wait_drawn(terminal: &mut Terminal, text: &str, last: &str, deadline: Duration) {
    let what = format!("the screen to show {text:?}, its bottom line ending {last:?}");
    terminal.wait_until(&what, deadline, |terminal| {
        let screen = terminal.screen();
        let bottom = screen.lines().rev().find(|line| !line.trim().is_empty());
        screen.contains(text) && bottom.is_some_and(|line| line.trim_end().ends_with(last))
    });
}

/// The terminal as the person has it back: the normal screen, the cursor
/// shown, line editing on.
fn assert_restored(terminal: &Terminal) {
    let vt100 = terminal.vt100();
    assert!(
        !vt100.screen().alternate_screen(),
        "left on the alternate screen"
    );
    assert!(!vt100.screen().hide_cursor(), "cursor left hidden");
    assert!(terminal.cooked(), "terminal left in raw mode");
}

#[test]
fn keys_move_through_labs_variants_and_help() {
    let mut terminal = menu();
    insta::assert_snapshot!("menu-labs", terminal.screen());
    terminal.type_keys(DOWN);
    terminal.type_keys(ENTER);
    terminal.wait_for("four tokio tasks", secs(10));
    terminal.type_keys(DOWN);
    wait_drawn(&mut terminal, "> tokio", "q quit", secs(10));
    insta::assert_snapshot!("menu-variants", terminal.screen());
    terminal.type_keys("d");
    terminal.wait_for("Diff against which variant?", secs(10));
    insta::assert_snapshot!("menu-diff-choice", terminal.screen());
    terminal.type_keys("\x1b");
    terminal.wait_for("Enter run", secs(10));
    terminal.type_keys("?");
    wait_drawn(&mut terminal, "Keys", "Press any key to go back.", secs(10));
    insta::assert_snapshot!("menu-keys", terminal.screen());
    terminal.type_keys(" ");
    terminal.wait_for("Enter run", secs(10));
    terminal.type_keys("q");
    assert_eq!(terminal.wait_exit(secs(10)), 0);
    assert_restored(&terminal);
}

#[test]
fn show_runs_on_the_normal_screen_and_a_key_comes_back() {
    let mut terminal = menu();
    // native-coros, demo1: its source, callouts explained.
    terminal.type_keys(&format!("{DOWN}{DOWN}{ENTER}"));
    terminal.wait_for("> demo1", secs(10));
    terminal.type_keys("s");
    terminal.wait_for("Press any key to go back to the menu", secs(30));
    assert!(!terminal.vt100().screen().alternate_screen());
    assert!(
        terminal
            .text()
            .contains("native-coros demo1: native-coros/src/bin/native-coros-demo1.rs")
    );
    terminal.type_keys(" ");
    terminal.wait_for("> demo1", secs(10));
    assert!(
        terminal.vt100().screen().alternate_screen(),
        "{}\n{:?}",
        terminal.screen(),
        terminal.text()
    );
    terminal.type_keys("q");
    assert_eq!(terminal.wait_exit(secs(10)), 0);
    assert_restored(&terminal);
}

#[test]
fn ctrl_c_quits_with_130_and_restores_the_terminal() {
    let mut terminal = menu();
    terminal.type_keys(ENTER);
    terminal.wait_for("Enter run", secs(10));
    terminal.type_keys("\x03");
    assert_eq!(terminal.wait_exit(secs(10)), 130);
    assert_restored(&terminal);
}

#[test]
fn sigterm_quits_with_143_and_restores_the_terminal() {
    let mut terminal = menu();
    terminal.signal("TERM");
    assert_eq!(terminal.wait_exit(secs(10)), 143);
    assert_restored(&terminal);
}

#[test]
fn enter_runs_the_variant_and_ctrl_c_stops_it_not_the_menu() {
    let mut terminal = menu();
    // spinner, thread: Enter runs it; Ctrl-C while it spins is the variant's.
    terminal.type_keys(ENTER);
    terminal.wait_for("> thread", secs(10));
    terminal.type_keys(ENTER);
    terminal.wait_for("thinking!", secs(120));
    terminal.type_keys("\x03");
    terminal.wait_for("labs run spinner thread ended with status 130.", secs(10));
    terminal.type_keys(" ");
    terminal.wait_for("> thread", secs(10));
    assert!(terminal.vt100().screen().alternate_screen());
    terminal.type_keys("q");
    assert_eq!(terminal.wait_exit(secs(10)), 0);
    assert_restored(&terminal);
}

#[test]
fn doctor_on_a_terminal_checks_that_it_draws_in_place() {
    let mut terminal = launcher(&["doctor", "--no-build"]).start();
    // The doctor asks the terminal where the cursor is; answer as one would.
    terminal.wait_until_output("\x1b[6n", secs(10));
    terminal.type_keys("\x1b[3;1R");
    terminal.wait_exit(secs(30));
    let screen = terminal.screen();
    assert!(
        screen.contains("\n✔ the terminal hides the cursor and draws in place\n"),
        "{screen}"
    );
    assert_restored(&terminal);
}

#[test]
fn a_list_longer_than_the_screen_scrolls_to_the_selected_row() {
    let mut terminal = launcher(&[]).size(8, COLS).start();
    terminal.wait_for("Concurrency labs", secs(30));
    terminal.type_keys(ENTER);
    terminal.wait_for("> thread", secs(10));
    // Up from the first row is the last one.
    terminal.type_keys("\x1b[A");
    terminal.wait_for("> smol-blocking", secs(10));
    insta::assert_snapshot!("menu-scrolled", terminal.screen());
    terminal.type_keys("q");
    assert_eq!(terminal.wait_exit(secs(10)), 0);
    assert_restored(&terminal);
}

#[test]
fn on_a_terminal_diff_and_show_are_coloured() {
    for (args, codes) in [
        // Removed lines red, added lines green.
        (
            &["diff", "spinner", "tokio", "smol"][..],
            ["\x1b[38;5;9m-", "\x1b[38;5;10m+"],
        ),
        // Callouts black on yellow.
        (
            &["show", "spinner", "tokio"],
            ["\x1b[48;5;11m", "\x1b[38;5;0m// <1>"],
        ),
    ] {
        let mut terminal = launcher(args).start();
        assert_eq!(terminal.wait_exit(secs(10)), 0, "{args:?}");
        let text = terminal.text();
        for code in codes {
            assert!(text.contains(code), "{args:?}: no {code:?} in {text:?}");
        }
    }
}

/// `script` run by `sh` in a fresh terminal, as from a shell in a window.
fn in_a_shell(script: &str) -> Terminal {
    labs_pty::Command::new("sh")
        .args(&["-c", script])
        .size(support::ROWS, COLS)
        .cwd(env!("CARGO_MANIFEST_DIR"))
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR")
        .start()
}

/// The process id of the one child of `parent`, as `ps` lists it.
fn child_of(parent: u32) -> u32 {
    let output = std::process::Command::new("ps")
        .args(["-A", "-o", "pid=", "-o", "ppid="])
        .output()
        .expect("run ps");
    let listing = String::from_utf8_lossy(&output.stdout).into_owned();
    let children: Vec<u32> = listing
        .lines()
        .filter_map(|line| {
            let mut numbers = line.split_whitespace().map(|n| n.parse::<u32>().ok());
            let (pid, ppid) = (numbers.next()??, numbers.next()??);
            (ppid == parent).then_some(pid)
        })
        .collect();
    assert_eq!(children.len(), 1, "children of {parent}: {children:?}");
    children[0]
}

/// `kill -SIGNAL PID`; with "0", whether the process still runs (or waits
/// to be reaped).
fn kill(signal: &str, pid: u32) -> bool {
    std::process::Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// In a shell, which stays after the launcher (so the lab gets no SIGHUP
/// when the launcher ends): `kill -SIGNAL` of the launcher (`labs ARGS`)
/// once the lab it runs, spinner-thread, spins. The launcher must end the
/// lab first (its cursor shown again), then end with `status`; killed with
/// SIGKILL, it can do nothing, and the lab must end soon after all the
/// same, its cursor shown again, before its time (no answer). The shell
/// then waits for a line (Enter) to end, so that the terminal stays open
/// until the test has checked that the lab is gone.
fn kill_while_a_lab_spins(args: &str, keys: &[&str], signal: &str, status: u32) {
    let script = format!("'{LABS}' {args}; echo \"[shell] status $?\"; read -r line");
    let mut terminal = in_a_shell(&script);
    for key in keys {
        terminal.wait_for("Enter", secs(30));
        terminal.type_keys(key);
    }
    terminal.wait_for("thinking!", secs(120));
    let launcher = child_of(terminal.pid());
    let lab = child_of(launcher);
    assert!(kill(signal, launcher), "kill -{signal}");
    terminal.wait_for(&format!("[shell] status {status}"), secs(20));
    if signal == "KILL" {
        // No handler of the launcher runs: the system asks the lab to stop
        // as the launcher dies (see `end_with_this_process`), so the lab
        // ends by itself, soon after, and before its time: no answer.
        let gone = wait_until_gone(lab, secs(20));
        if !gone {
            kill("KILL", lab);
        }
        assert!(gone, "labs {args}, kill -9: the lab still runs 20 s later");
    } else {
        assert!(
            !kill("0", lab),
            "labs {args}, kill -{signal}: the lab still runs, or was not waited for"
        );
    }
    terminal.type_keys("\n");
    let run = terminal.finish(secs(20));
    assert!(
        !run.text().contains("Answer:"),
        "labs {args}, kill -{signal}: the lab ran to its end: {:?}",
        run.text()
    );
    assert_eq!(
        run.cursor(),
        "hidden while spinning, shown again",
        "labs {args}, kill -{signal}: {:?}",
        run.text()
    );
}

/// Whether the process `pid` ends within `deadline`: it is gone, or ended
/// and waits for the process that took it over from its killed parent to
/// reap it (`ps` shows it as a zombie, state Z).
fn wait_until_gone(pid: u32, deadline: Duration) -> bool {
    let end = std::time::Instant::now() + deadline;
    loop {
        let output = std::process::Command::new("ps")
            .args(["-o", "stat=", "-p", &pid.to_string()])
            .output()
            .expect("run ps");
        let state = String::from_utf8_lossy(&output.stdout).trim().to_string();
        if state.is_empty() || state.starts_with('Z') {
            return true;
        }
        if std::time::Instant::now() >= end {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

const SIGNALS: [(&str, u32); 4] = [("TERM", 143), ("HUP", 129), ("INT", 130), ("QUIT", 131)];

#[test]
fn kill_of_the_menu_while_a_lab_runs_ends_the_lab_then_the_menu() {
    for (signal, status) in SIGNALS {
        // spinner, thread (3 seconds): Enter opens the lab, Enter runs it.
        kill_while_a_lab_spins("", &[ENTER, ENTER], signal, status);
    }
}

#[test]
fn kill_of_watch_ends_the_lab_then_watch() {
    for (signal, status) in SIGNALS {
        let args = "watch spinner thread -- --seconds 60";
        kill_while_a_lab_spins(args, &[], signal, status);
    }
}

/// `kill -9` of the menu while the lab it runs (spinner, thread, 3 s) spins:
/// nothing of the launcher runs any more; the lab is asked to stop all the
/// same, restores the terminal and ends (Linux only: macOS has no way to
/// ask, see `labs::platform::end_with_this_process`).
#[cfg(target_os = "linux")]
#[test]
fn sigkill_of_the_menu_while_a_lab_runs_still_ends_the_lab() {
    kill_while_a_lab_spins("", &[ENTER, ENTER], "KILL", 137);
}

/// The same for `labs watch`, its lab running for a minute.
#[cfg(target_os = "linux")]
#[test]
fn sigkill_of_watch_still_ends_the_lab() {
    kill_while_a_lab_spins("watch spinner thread -- --seconds 60", &[], "KILL", 137);
}

#[test]
fn a_closed_terminal_ends_the_menu_even_when_sighup_is_ignored() {
    // As `nohup` starts it: SIGHUP ignored, so no signal says the terminal
    // is gone, and reading the keyboard only fails, again and again.
    let mut terminal = in_a_shell(&format!("trap '' HUP; exec '{LABS}'"));
    terminal.wait_for("Concurrency labs", secs(30));
    terminal.close();
    // The runner lets go of its last copy of the terminal at the next bytes
    // the program writes: a resize makes the menu draw.
    terminal.signal("WINCH");
    assert_eq!(terminal.wait_exit(secs(10)), 129);
}

#[test]
fn t_draws_the_timeline_of_the_variant_then_a_key_comes_back() {
    let mut terminal = menu();
    // spinner, thread (it has no blocking experiment: drawn alone).
    terminal.type_keys(ENTER);
    terminal.wait_for("> thread", secs(10));
    terminal.type_keys("t");
    terminal.wait_for("Press any key to go back to the menu", secs(120));
    let text = terminal.text();
    assert!(!terminal.vt100().screen().alternate_screen());
    for drawn in [
        // The spinner's short run, from labs.toml.
        "each with --seconds 1: a short run",
        "spinner-thread printed:",
        "spinner-thread: 1.",
        "main ",
        " supervisor ",
        "' frame",
        "labs timeline spinner thread ended.",
    ] {
        assert!(text.contains(drawn), "no {drawn:?} in:\n{text}");
    }
    terminal.type_keys(" ");
    terminal.wait_for("> thread", secs(10));
    terminal.type_keys("q");
    assert_eq!(terminal.wait_exit(secs(10)), 0);
    assert_restored(&terminal);
}
