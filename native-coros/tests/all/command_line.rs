//! Every way a run can go wrong from outside: bad command lines, and a
//! reader that goes away (`| head -1`).

use crate::support;

use std::process::Command;

use labs::testkit::{assert_bad_args, bad_numbers};
use support::{BINARIES, CHESS, DEMO1, DEMO2, DEMO3, LAUNCHPAD, WAKERS, run};

/// The demos and chess take no options, the launchpad and wakers one flag, so every argument
/// below is wrong somewhere: numbers of every shape (negative, huge,
/// infinite, not a number, a 100 KB paste) where no argument is expected,
/// options that do not exist, and a flag given a value.
fn bad_command_lines(binary: &str) -> Vec<Vec<String>> {
    let mut lines: Vec<Vec<String>> = bad_numbers().into_iter().map(|value| vec![value]).collect();
    lines.push(vec!["--seconds".into(), "1".into()]);
    lines.push(vec!["--no-such-option".into()]);
    if binary == LAUNCHPAD || binary == WAKERS {
        for value in bad_numbers() {
            lines.push(vec![format!("--virtual-time={value}")]);
        }
        lines.push(vec!["--virtual-time".into(), "-1".into()]);
        lines.push(vec!["--virtual".into()]);
    }
    lines
}

/// Each bad command line: exit status 2, one short line on stderr that says
/// what is wrong, nothing on stdout, no panic. The messages are pinned.
#[test]
fn every_bad_command_line_is_one_line_on_stderr_and_exit_2() {
    let demos = assert_bad_args(DEMO1, &bad_command_lines(DEMO1));
    insta::assert_snapshot!("demos", demos);
    for demo in [DEMO2, DEMO3, CHESS] {
        assert_eq!(assert_bad_args(demo, &bad_command_lines(demo)), demos);
    }
    let launchpad = assert_bad_args(LAUNCHPAD, &bad_command_lines(LAUNCHPAD));
    insta::assert_snapshot!("launchpad", launchpad);
    assert_eq!(
        assert_bad_args(WAKERS, &bad_command_lines(WAKERS)),
        launchpad
    );
}

#[test]
fn help_and_version_are_not_errors() {
    for binary in BINARIES {
        for flag in ["--help", "--version"] {
            let output = run(Command::new(binary).arg(flag));
            assert!(output.status.success(), "{} {flag}", name(binary));
            assert!(!output.stdout.is_empty(), "{} {flag}", name(binary));
        }
    }
}

/// `native-coros-demo1 | head -0`: the reader is gone before the first
/// line. Each program ends at once, quietly, with the status a shell gives
/// a program stopped by a closed pipe (141). Skipped on Windows (see
/// `labs::testkit::assert_closed_pipe`).
#[cfg(unix)]
#[test]
fn a_closed_stdout_ends_every_program_quietly_with_141() {
    let runs: [(&str, &[&str]); 8] = [
        (DEMO1, &[]),
        (DEMO2, &[]),
        (DEMO3, &[]),
        (LAUNCHPAD, &["--virtual-time"]),
        (LAUNCHPAD, &[]),
        (WAKERS, &["--virtual-time"]),
        (WAKERS, &[]),
        (CHESS, &[]),
    ];
    for (binary, args) in runs {
        labs::testkit::assert_closed_pipe(Command::new(binary).args(args));
    }
}

/// demo2 silences the panic hook for its fifth poll. A reader that goes
/// away after that point must still end it with 141, quietly.
///
/// Linux only: to close the pipe at exactly that point, the test fills the
/// pipe so that demo2's first eight lines fill it up to the last byte and
/// the ninth cannot be written, waits until the pipe is full (`FIONREAD`),
/// then closes its reading end.
#[cfg(target_os = "linux")]
#[test]
fn demo2_ends_quietly_when_its_reader_goes_away_after_the_quiet_poll() {
    use std::fs::File;
    use std::io::Write;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::process::Stdio;
    use std::thread;
    use std::time::{Duration, Instant};

    let whole = run(&mut Command::new(DEMO2)).stdout.into_bytes();
    let last_line = whole[..whole.len() - 1]
        .iter()
        .rposition(|&byte| byte == b'\n')
        .expect("several lines")
        + 1;
    assert!(whole[last_line..].starts_with(b"main: poll 5"));

    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors `pipe2` writes.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: `pipe2` succeeded: both descriptors are open and ours alone.
    let (reader, writer) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    // SAFETY: F_GETPIPE_SZ reads the capacity of an open pipe.
    let capacity = unsafe { libc::fcntl(writer.as_raw_fd(), libc::F_GETPIPE_SZ) };
    let capacity = usize::try_from(capacity).expect("a pipe capacity");
    let mut writer = File::from(writer);
    writer
        .write_all(&vec![b'.'; capacity - last_line])
        .expect("filling the pipe");

    let mut demo2 = Command::new(DEMO2);
    demo2
        .stdin(Stdio::null())
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped());
    let mut child = demo2.spawn().expect("demo2 starts");
    drop(demo2); // the child holds the only writing end now

    let start = Instant::now();
    loop {
        let mut queued: libc::c_int = 0;
        // SAFETY: FIONREAD writes the number of bytes in the pipe into `queued`.
        assert_eq!(
            unsafe { libc::ioctl(reader.as_raw_fd(), libc::FIONREAD, &mut queued) },
            0
        );
        if usize::try_from(queued) == Ok(capacity) {
            break; // eight lines written; the ninth waits for room
        }
        if start.elapsed() > support::DEADLINE || child.try_wait().expect("demo2").is_some() {
            let _ = child.kill();
            panic!("demo2 did not fill the pipe: {queued} of {capacity} bytes");
        }
        thread::sleep(Duration::from_millis(5));
    }
    drop(reader);

    let until = Instant::now() + support::DEADLINE;
    let output = labs::testkit::wait_with_output(child, until, &"demo2");
    assert_eq!(output.status.code(), Some(141), "{}", output.stderr);
    assert_eq!(output.stderr, "");
}

fn name(binary: &str) -> &str {
    std::path::Path::new(binary)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or(binary)
}
