//! Debug mode's warning (`labs::timeline::warn_slow_polls`) and a status
//! line drawn by another thread share one terminal: the warning must reach
//! the screen whole, never cut by a frame's `MoveToColumn(0)` and clear.
//!
//! Unix only: it runs in a pseudo-terminal. This test binary runs itself
//! there as the program: a thread redraws a status line without pause
//! while the main thread reports slow polls.

#![cfg(unix)]

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use labs::StatusLine;

const CHILD: &str = "LABS_TEST_SLOW_POLL_CHILD";
const WARNINGS: usize = 50;

/// Polls `future` once, as an executor would.
fn poll_once(future: impl Future<Output = ()>) {
    let mut context = Context::from_waker(Waker::noop());
    assert_eq!(pin!(future).poll(&mut context), Poll::Ready(()));
}

#[test]
fn a_warning_is_never_cut_by_a_frame() {
    if std::env::var_os(CHILD).is_some() {
        // The program: a spinner on a thread of its own, slow polls on main.
        labs::timeline::warn_slow_polls(Duration::from_millis(1));
        let line = StatusLine::new();
        let done = AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                for ch in "|/-\\".chars().cycle() {
                    if done.load(Ordering::Relaxed) {
                        break;
                    }
                    line.draw(&format!("{ch} thinking!"));
                }
            });
            for _ in 0..WARNINGS {
                poll_once(labs::watch("sleeper", async {
                    std::thread::sleep(Duration::from_millis(3));
                }));
            }
            done.store(true, Ordering::Relaxed);
        });
        return;
    }
    // Three runs at once: before the fix, two runs in three showed a cut warning.
    let test_binary = std::env::current_exe().unwrap().display().to_string();
    // The test's name as the test runner knows it: its module path, without
    // the test binary's own name.
    let (_, module) = module_path!().split_once("::").unwrap();
    let this_test = format!("{module}::a_warning_is_never_cut_by_a_frame");
    let runs: Vec<labs_pty::Run> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..3)
            .map(|_| {
                scope.spawn(|| {
                    labs_pty::Command::new(&test_binary)
                        .args(&[&this_test, "--exact", "--nocapture"])
                        .env(CHILD, "1")
                        .size(100, 120)
                        .run(Duration::from_secs(60))
                })
            })
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).collect()
    });
    for run in runs {
        let screen = run.screen();
        assert_eq!(run.exit_code, 0, "{screen}");
        let warnings: Vec<&str> = screen
            .lines()
            .filter(|line| line.contains("took"))
            .collect();
        assert_eq!(warnings.len(), WARNINGS, "{screen}");
        for line in warnings {
            assert!(
                line.starts_with("debug: executing task 'sleeper' took ")
                    && line.ends_with(" seconds in one poll (more than --slow-poll 1 ms)"),
                "a warning was cut: {line:?}\n{screen}"
            );
        }
    }
}
