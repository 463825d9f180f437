//! Everything that differs between Linux, macOS and Windows lives here, each
//! piece behind `cfg` with a counterpart for every platform, so that the labs
//! themselves are the same on every laptop.

// ---------------------------------------------------------------------------
// The exit statuses a shell reports for a program that a signal stopped.

/// Exit status when the reader of our output went away: 128 + SIGPIPE, as a
/// shell reports a program stopped by a closed pipe.
pub const CLOSED_PIPE: i32 = 141;

/// Exit status when our terminal went away: 128 + SIGHUP, as a shell reports
/// a program stopped by a closed terminal.
pub const CLOSED_TERMINAL: i32 = 129;

// ---------------------------------------------------------------------------
// Being asked to stop: Ctrl-C, `kill`, a closed terminal.

/// Calls `stop(status)`, on a thread of its own, each time the user or the
/// system asks this program to stop, with the exit status a shell would report:
/// 128 + the signal's number on Unix (Ctrl-C 130, SIGTERM 143, SIGHUP 129,
/// Ctrl-\ 131); 130 on Windows for every console event (Ctrl-C, Ctrl-Break,
/// the console window closed). Returns false when no handler could be
/// installed: the program then stops the default way. Install it once.
///
/// Unix: a signal this program was started with ignored (`nohup` ignores
/// SIGHUP; a shell starts background jobs with SIGINT ignored) stays
/// ignored.
pub fn on_stop_request(stop: fn(i32)) -> bool {
    imp::on_stop_request(move |status, _| stop(status))
}

/// Who asked this program to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sender {
    /// The terminal: Ctrl-C typed, the window closed. It asks every program
    /// in its foreground, so the programs this one started were asked too.
    Terminal,
    /// Another program (`kill PID`), which asked this one alone.
    Process,
}

/// [`on_stop_request`], also saying who asked: a program that runs others
/// passes a request from a [`Sender::Process`] on to them
/// ([`pass_stop_request`]); the terminal asked them itself. On Windows every
/// request is a console event, which every program of the console receives:
/// always [`Sender::Terminal`].
pub fn on_stop_request_from(stop: fn(i32, Sender)) -> bool {
    imp::on_stop_request(stop)
}

/// Asks `child` to stop as this program was asked to (`status` as given to
/// the `stop` of [`on_stop_request`]), so that its own handler restores the
/// terminal: on Unix, sends it the signal; on Windows nothing, as the child
/// in the same console received the console event itself.
pub fn pass_stop_request(child: &std::process::Child, status: i32) {
    imp::pass_stop_request(child, status);
}

/// Calls `stop(CLOSED_TERMINAL)`, on a thread of its own, when the terminal
/// on stdin hangs up (its window closed), even if this program was started
/// with SIGHUP ignored (`nohup`), in which case no signal says so and
/// reading the keyboard only returns errors or end-of-file, at once, again
/// and again. Unix: a thread waits for `poll` on stdin to report the hang-up,
/// and looks twice a second whether stdin is still a terminal. Windows:
/// closing the console window is a console event, see [`on_stop_request`]:
/// nothing to do.
pub fn on_terminal_closed(stop: fn(i32)) {
    imp::on_terminal_closed(stop);
}

#[cfg(unix)]
mod imp {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::thread;

    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    use signal_hook::iterator::Signals;

    use super::{CLOSED_TERMINAL, Sender};

    const WANTED: [i32; 4] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT];

    /// For each of [`WANTED`], whether its last delivery was sent by a
    /// process (`kill`) rather than the terminal.
    static SENT_BY_A_PROCESS: [AtomicBool; WANTED.len()] =
        [const { AtomicBool::new(false) }; WANTED.len()];

    pub fn on_stop_request(stop: impl Fn(i32, Sender) + Send + 'static) -> bool {
        let wanted: Vec<(usize, i32)> = WANTED
            .into_iter()
            .enumerate()
            .filter(|&(_, signal)| !ignored(signal))
            .collect();
        for &(index, signal) in &wanted {
            // The sender's process id is 0 for a signal from the kernel (the
            // terminal). Registered before `Signals`, this action runs before
            // the one that wakes the thread below.
            // SAFETY: the action only reads the siginfo it is given and
            // stores into an atomic, which is async-signal-safe.
            let _ = unsafe {
                signal_hook_registry::register_sigaction(signal, move |info| {
                    let pid = info.si_pid();
                    SENT_BY_A_PROCESS[index].store(pid != 0, Ordering::SeqCst);
                })
            };
        }
        let Ok(mut signals) = Signals::new(wanted.iter().map(|&(_, signal)| signal)) else {
            return false;
        };
        thread::spawn(move || {
            for signal in signals.forever() {
                let index = WANTED.iter().position(|&wanted| wanted == signal);
                let by_a_process =
                    index.is_some_and(|index| SENT_BY_A_PROCESS[index].load(Ordering::SeqCst));
                let sender = if by_a_process {
                    Sender::Process
                } else {
                    Sender::Terminal
                };
                stop(128 + signal, sender);
            }
        });
        true
    }

    /// Whether `signal` is ignored now (as it was when the program started:
    /// nothing before this changes it).
    fn ignored(signal: i32) -> bool {
        // SAFETY: with a null new action, sigaction only reads the current one
        // into `current`, a plain C struct for which all zeroes is valid.
        unsafe {
            let mut current: libc::sigaction = std::mem::zeroed();
            libc::sigaction(signal, std::ptr::null(), &mut current) == 0
                && current.sa_sigaction == libc::SIG_IGN
        }
    }

    pub fn pass_stop_request(child: &std::process::Child, status: i32) {
        let (Ok(pid), Some(signal)) = (libc::pid_t::try_from(child.id()), status.checked_sub(128))
        else {
            return;
        };
        // SAFETY: kill only sends a signal; `pid` is our child, not yet
        // waited for, so the id is still its own.
        unsafe { libc::kill(pid, signal) };
    }

    pub fn on_terminal_closed(stop: fn(i32)) {
        thread::spawn(move || {
            let half_a_second = 500;
            loop {
                let mut stdin = libc::pollfd {
                    fd: libc::STDIN_FILENO,
                    // Asking for nothing: a hang-up and an error are always reported.
                    events: 0,
                    revents: 0,
                };
                // SAFETY: poll reads and writes the one pollfd it is given.
                let ready = unsafe { libc::poll(&mut stdin, 1, half_a_second) };
                let hung_up = ready > 0 && stdin.revents & (libc::POLLHUP | libc::POLLERR) != 0;
                // Where poll cannot watch a terminal (macOS answers POLLNVAL),
                // one that hung up is no longer a terminal: isatty says so.
                // SAFETY: isatty only asks about the descriptor.
                if hung_up || unsafe { libc::isatty(libc::STDIN_FILENO) } == 0 {
                    stop(CLOSED_TERMINAL);
                    return;
                }
                if ready != 0 {
                    // POLLNVAL or an interruption: poll returned at once.
                    thread::sleep(std::time::Duration::from_millis(half_a_second as u64));
                }
            }
        });
    }
}

#[cfg(windows)]
mod imp {
    use super::Sender;

    /// `ctrlc` hands every console control event (Ctrl-C, Ctrl-Break, the
    /// window closed, log-off, shut-down) to one handler on a thread of its own.
    pub fn on_stop_request(stop: impl Fn(i32, Sender) + Send + 'static) -> bool {
        ctrlc::set_handler(move || stop(130, Sender::Terminal)).is_ok()
    }

    /// The child, in the same console, received the console event itself.
    pub fn pass_stop_request(_child: &std::process::Child, _status: i32) {}

    /// Closing the console window is a console event (see above).
    pub fn on_terminal_closed(_stop: fn(i32)) {}
}

#[cfg(not(any(unix, windows)))]
mod imp {
    use super::Sender;

    pub fn on_stop_request(_stop: impl Fn(i32, Sender) + Send + 'static) -> bool {
        false
    }

    pub fn pass_stop_request(_child: &std::process::Child, _status: i32) {}

    pub fn on_terminal_closed(_stop: fn(i32)) {}
}

/// The exit status a shell reports for a child that ended with `status`: its
/// code, or on Unix 128 + the signal that stopped it (130 for Ctrl-C).
pub fn shell_status(status: std::process::ExitStatus) -> i32 {
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return 128 + signal;
    }
    status.code().unwrap_or(1)
}

// ---------------------------------------------------------------------------
// Output that nobody reads any more.

/// The exit status for a failed write to stdout or stderr with OS error
/// `code`, when the failure only means that the reader is gone: a closed pipe
/// (`| head`), 141 (128 + SIGPIPE, what a shell reports on Unix); a closed
/// terminal (Unix: EIO, e.g. under `nohup` once the window is closed), 129
/// (128 + SIGHUP). `None` for a real error (a full disk, say).
pub fn reader_gone_status(code: i32) -> Option<i32> {
    use std::io::{Error, ErrorKind};
    // std maps EPIPE (Unix) and ERROR_BROKEN_PIPE / ERROR_NO_DATA (Windows).
    if Error::from_raw_os_error(code).kind() == ErrorKind::BrokenPipe {
        return Some(CLOSED_PIPE);
    }
    #[cfg(unix)]
    if code == libc::EIO {
        return Some(CLOSED_TERMINAL);
    }
    None
}

// ---------------------------------------------------------------------------
// Handing over to another program.

/// Runs `command` in place of this program, and returns only if it could not
/// be started. On Unix the process becomes `command` (`exec`), so Ctrl-C and
/// the exit status are its own; Windows has no `exec`, so `command` runs as a
/// child and this program exits with its status.
#[cfg(unix)]
pub fn exec(mut command: std::process::Command) -> std::io::Error {
    use std::os::unix::process::CommandExt;
    command.exec()
}

#[cfg(not(unix))]
pub fn exec(mut command: std::process::Command) -> std::io::Error {
    match command.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(err) => err,
    }
}

/// Makes the programs this one starts from now on, and the programs they
/// start, end when this one ends, however it ends. Call it once, before
/// starting any (the launcher does, first thing).
///
/// - Windows: `cargo run` stays the parent of the program it runs (there is
///   no `exec`). This process joins a job object that kills every process
///   in it when its last handle closes, which happens when this process
///   ends, even killed; every process started from then on joins the job
///   at its start. (Cargo keeps its own children in a job of its own too,
///   but that is cargo's inner working, and ends them only with cargo.)
/// - Unix: nothing to do: `cargo run` replaces itself with the program it
///   runs (`exec`), so the child this process signals, waits for and kills
///   is the lab itself. For this process killed, see
///   [`end_with_this_process`].
#[cfg(windows)]
pub fn end_children_with_this_process() -> std::io::Result<()> {
    supervision::join_a_job_that_kills_on_close()
}

#[cfg(not(windows))]
pub fn end_children_with_this_process() -> std::io::Result<()> {
    Ok(())
}

/// Prepares `command` so that the program it starts (a lab, through `cargo
/// run`) is asked to stop when this process ends, even killed with `kill
/// -9`: never a lab left drawing in the terminal after the shell's prompt
/// is back. Call it in the thread that waits for the child (see Linux).
///
/// - Linux: `PR_SET_PDEATHSIG` with SIGTERM, set in the child between `fork`
///   and `exec`; it stays set through `exec` (`cargo run` becoming the lab).
///   The kernel sends it when the *thread* that started the child ends.
///   SIGTERM, because a lab's handler for it restores the terminal and ends
///   the lab with 143, as `kill` would; SIGHUP would be ignored by a lab
///   started under `nohup` (an ignored signal stays ignored through
///   `exec`), and SIGKILL cannot be handled: the cursor would stay hidden.
///   If this process died before `prctl` ran, the signal will never come:
///   the child checks its parent and does not start.
/// - macOS and the other Unix systems: no parent-death signal exists. A lab
///   whose launcher was killed with `kill -9` lives on, in the background
///   of the shell (Ctrl-C no longer reaches it): `kill` it by its process
///   id. Anything more (each lab watching its parent) would put plumbing in
///   every lab for a launcher killed in a way that a person rarely does.
/// - Windows: nothing to do here: the job object of
///   [`end_children_with_this_process`] ends the child, at once (killed,
///   with no chance to restore the terminal).
pub fn end_with_this_process(command: &mut std::process::Command) {
    #[cfg(unix)]
    supervision::die_with_parent(command, libc::SIGTERM);
    #[cfg(not(unix))]
    let _ = command;
}

// ---------------------------------------------------------------------------
// Peak memory: how much memory a process has had resident at most
// (countdown-plates measures what a sleeping task costs with it).

/// The most memory this process has had resident at once (its peak resident
/// set size, or high-water mark), in bytes; `None` if the platform does not
/// say.
///
/// The peak only ever grows. Read just before a piece of work, it is at least
/// what is resident at that moment, so the peak read afterwards, minus that,
/// is what the work cost at most. On Linux the peak starts at the parent's
/// size when the process was started (the kernel carries the peak of the
/// process image replaced by `exec` over), so measure a child started from a
/// small parent, and subtract a base read in the child.
///
/// - Linux, Android and the BSDs: `getrusage(RUSAGE_SELF)`, whose `ru_maxrss`
///   is in KiB.
/// - macOS and iOS: the same call, but there `ru_maxrss` is in bytes.
/// - Windows: `GetProcessMemoryInfo` on the current process, whose
///   `PeakWorkingSetSize` is in bytes.
pub fn peak_rss() -> Option<u64> {
    peak_memory::peak_rss()
}

#[cfg(unix)]
mod peak_memory {
    pub(super) fn peak_rss() -> Option<u64> {
        // SAFETY: `rusage` is plain integers, for which all zeroes is a valid
        // value; getrusage only writes into the struct it is given.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
            return None;
        }
        // Some systems leave it at 0 (not measured): that is no answer.
        let maxrss = u64::try_from(usage.ru_maxrss).ok().filter(|&n| n > 0)?;
        if cfg!(target_vendor = "apple") {
            Some(maxrss) // bytes
        } else {
            maxrss.checked_mul(1024) // KiB
        }
    }
}

#[cfg(windows)]
mod peak_memory {
    use windows_sys::Win32::System::ProcessStatus::{
        GetProcessMemoryInfo, PROCESS_MEMORY_COUNTERS,
    };
    use windows_sys::Win32::System::Threading::GetCurrentProcess;

    pub(super) fn peak_rss() -> Option<u64> {
        let size = u32::try_from(std::mem::size_of::<PROCESS_MEMORY_COUNTERS>()).ok()?;
        let mut counters = PROCESS_MEMORY_COUNTERS {
            cb: size,
            ..Default::default()
        };
        // SAFETY: GetCurrentProcess returns a pseudo-handle that needs no
        // closing, and GetProcessMemoryInfo writes at most `size` bytes into
        // `counters`, which is that big.
        let ok = unsafe { GetProcessMemoryInfo(GetCurrentProcess(), &mut counters, size) };
        (ok != 0).then_some(counters.PeakWorkingSetSize as u64)
    }
}

#[cfg(not(any(unix, windows)))]
mod peak_memory {
    pub(super) fn peak_rss() -> Option<u64> {
        None
    }
}

// ---------------------------------------------------------------------------
// What a benchmark needs to know about other processes and its limits.

/// The resident memory of the process `pid`, in bytes (charfinder-bench
/// measures its servers with it): `VmRSS` in `/proc/PID/status` on Linux;
/// `None` elsewhere, where the benchmark says it cannot measure.
#[cfg(target_os = "linux")]
pub fn resident_memory_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

#[cfg(not(target_os = "linux"))]
pub fn resident_memory_of(_pid: u32) -> Option<u64> {
    None
}

/// Raises this process's soft limit of open files (`ulimit -n`) towards
/// `wanted`, up to the hard limit; the processes it starts inherit it.
/// Returns the limit in force. Unix only: Windows has no such limit on
/// sockets (`None`).
#[cfg(unix)]
#[allow(clippy::unnecessary_cast)] // rlim_t is not u64 on every Unix
pub fn raise_open_files_limit(wanted: u64) -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we own.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return None;
    }
    let (soft, hard) = (limit.rlim_cur as u64, limit.rlim_max as u64);
    if soft >= wanted {
        return Some(soft);
    }
    let raised = wanted.min(hard);
    limit.rlim_cur = raised as libc::rlim_t;
    // SAFETY: setrlimit only reads the struct.
    let ok = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } == 0;
    Some(if ok { raised } else { soft })
}

#[cfg(not(unix))]
pub fn raise_open_files_limit(_wanted: u64) -> Option<u64> {
    None
}

/// Makes room in this process's table of open files for `count` of them,
/// now, rather than while a program opens hundreds of sockets. Linux grows
/// the table by doubling (64, 128, 256, ...) as descriptors are opened, and
/// in a process with more than one thread each growth waits for an RCU
/// grace period, often 10 ms or more, inside the `socket()` or `open()` that
/// needed it (`expand_fdtable` in the kernel's `fs/file.c`). Taking one
/// descriptor numbered `count - 1` grows the table once; it never shrinks.
/// Call [`raise_open_files_limit`] first: a number at or above the limit is
/// refused (and then nothing happens). Other systems: nothing to do.
#[cfg(target_os = "linux")]
pub fn reserve_file_descriptors(count: u32) {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    let (Ok(null), Ok(highest)) = (
        std::fs::File::open("/dev/null"),
        libc::c_int::try_from(count.saturating_sub(1)),
    ) else {
        return;
    };
    // SAFETY: fcntl only reads its arguments, and `null` stays open for the
    // call. F_DUPFD_CLOEXEC copies it onto the lowest free number from
    // `highest` up and returns that number, or -1.
    let copy = unsafe { libc::fcntl(null.as_raw_fd(), libc::F_DUPFD_CLOEXEC, highest) };
    if copy >= 0 {
        // SAFETY: `copy` was just returned by fcntl: an open descriptor
        // that nothing else owns. Dropping it closes it.
        drop(unsafe { OwnedFd::from_raw_fd(copy) });
    }
}

#[cfg(not(target_os = "linux"))]
pub fn reserve_file_descriptors(_count: u32) {}

// ---------------------------------------------------------------------------
// Servers.

/// Whether a server should set `SO_REUSEADDR` on its listening socket, so
/// that it can start again at once on a port whose last connections are in
/// TIME_WAIT. On Unix that still refuses a port another server listens on;
/// on Windows the same option lets a second server take a port in use, so
/// it stays off there.
pub const REUSE_ADDRESS: bool = cfg!(unix);

// ---------------------------------------------------------------------------
// Work at exit.

/// Runs `hook` when the process exits: `main` returns, `exit` is called
/// (also by the stop handler on Ctrl-C), or `main` panics. C's `atexit`,
/// on every platform (the C runtime has it on Windows too). A hook that
/// could not be registered is skipped.
pub fn at_exit(hook: extern "C" fn()) {
    #[cfg(unix)]
    // SAFETY: `hook` is a plain function that lives as long as the program.
    unsafe {
        libc::atexit(hook);
    }
    #[cfg(not(unix))]
    {
        unsafe extern "C" {
            fn atexit(hook: extern "C" fn()) -> std::ffi::c_int;
        }
        // SAFETY: as above; the C runtime's `atexit` takes any `extern "C" fn()`.
        unsafe {
            atexit(hook);
        }
    }
}

#[cfg(test)]
mod peak_rss_tests {
    use super::peak_rss;

    #[test]
    fn the_peak_is_known_and_grows_when_50_mb_more_are_touched() {
        let before = peak_rss().expect("this platform reports its peak memory");
        // Past the peak so far, whatever it was (on Linux it starts at the
        // size of the parent, here the test runner): 50 MB more than it.
        let size = usize::try_from(before).unwrap() + (50 << 20);
        let mut block = vec![0u8; size];
        // Memory counts as resident once it is written, page by page.
        for page in block.chunks_mut(4096) {
            page[0] = 1;
        }
        std::hint::black_box(&block);
        let after = peak_rss().expect("this platform reports its peak memory");
        assert!(
            after >= before + (45 << 20),
            "peak before {before} B, after touching {size} B: {after} B"
        );
    }
}

#[cfg(all(test, target_os = "linux"))]
mod file_table_tests {
    use super::{raise_open_files_limit, reserve_file_descriptors};

    /// The size of this process's table of open files, from `FDSize:` in
    /// `/proc/self/status`.
    fn file_table_size() -> u32 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        status
            .lines()
            .find_map(|line| line.strip_prefix("FDSize:")?.trim().parse().ok())
            .expect("FDSize in /proc/self/status")
    }

    #[test]
    fn reserving_grows_the_file_table_at_once() {
        let limit = raise_open_files_limit(4096).expect("Unix has a limit");
        let wanted = u32::try_from(limit.min(4096)).unwrap();
        if file_table_size() >= wanted {
            eprintln!(
                "skipped: the table already has {} entries, and the limit is {limit}",
                file_table_size()
            );
            return;
        }
        reserve_file_descriptors(wanted);
        assert!(
            file_table_size() >= wanted,
            "table of {} entries after reserving {wanted}",
            file_table_size()
        );
    }
}

// ===========================================================================
// Supervising child processes (the supervisor lab): a polite stop, and no
// orphans. Everything below serves `supervisor/` and its worker (and
// `labs compare` and `labs timeline`, which stop servers with ask_to_stop).
// ===========================================================================

/// What [`ask_to_stop`] sends, as the supervisor names it in its messages.
pub const POLITE_STOP: &str = if cfg!(windows) {
    "Ctrl-Break"
} else {
    "SIGTERM"
};

/// The exit status a program of this workspace ends with when
/// [`ask_to_stop`] asks it to, as a shell reports it: 143 (128 + SIGTERM)
/// on Unix; 130 on Windows, where every console event ends it with 130
/// (see [`on_stop_request`]).
pub const POLITE_STOP_STATUS: i32 = if cfg!(windows) { 130 } else { 143 };

/// Prepares `command` for a supervised child: the child hears only the stop
/// requests its supervisor passes on, and, where the system can, it dies
/// with the thread that starts it, even when that is killed with `kill -9`.
///
/// - Every Unix: the child leads a process group of its own, so the Ctrl-C
///   of a terminal (the terminal signals its whole foreground group) reaches
///   the supervisor alone, which then asks each child in turn.
/// - Linux: `PR_SET_PDEATHSIG` with SIGKILL, set in the child between `fork`
///   and `exec`: the kernel kills the child when the *thread* that forked it
///   ends. Then the race: if the supervisor died before `prctl` ran, the
///   child was already re-parented and the signal will never come, so it
///   checks its parent and gives up.
/// - macOS and the other Unix systems: no parent-death signal exists; a child
///   of a supervisor killed with `kill -9` lives on (see
///   [`guard_against_orphans`]).
/// - Windows: `CREATE_NEW_PROCESS_GROUP`, for the same reason as the process
///   group on Unix, and so that [`ask_to_stop`] can send it Ctrl-Break. Dying
///   with the supervisor comes from the job object of
///   [`guard_against_orphans`].
pub fn supervised(command: &mut std::process::Command) {
    supervision::supervised(command);
}

/// What this process does, once, before it starts any child, so that its
/// children die with it. Windows: puts this process in a job object that
/// kills every process in it when its last handle closes, which happens
/// when this process ends, however it ends; the children inherit the job.
/// Linux: nothing (each child is set up by [`supervised`]). macOS and the
/// other Unix systems: nothing can be done; `Ok(false)` says so.
pub fn guard_against_orphans() -> std::io::Result<bool> {
    supervision::guard_against_orphans()
}

/// Prepares `command` so that [`ask_to_stop`] reaches the program it starts,
/// and nothing else. Unix: nothing to do, SIGTERM goes to one process.
/// Windows: `CREATE_NEW_PROCESS_GROUP`, as Ctrl-Break goes to a whole
/// process group; Ctrl-C typed in the console no longer reaches such a
/// program (Ctrl-Break does), so the program that started it ends it.
pub fn stoppable(command: &mut std::process::Command) {
    supervision::stoppable(command);
}

/// Asks the child `pid` to stop: SIGTERM on Unix; Ctrl-Break on Windows,
/// delivered to its process group (see [`supervised`], [`stoppable`]). A `pid` of 0 is
/// refused: on Unix it would mean this process's own group.
pub fn ask_to_stop(pid: u32) -> std::io::Result<()> {
    if pid == 0 {
        return Err(std::io::Error::other("no such child: process id 0"));
    }
    supervision::ask_to_stop(pid)
}

/// Makes this process ignore polite stop requests: SIGTERM and SIGINT on
/// Unix, Ctrl-C and Ctrl-Break on Windows (the supervisor's worker, playing
/// a child that will not stop).
pub fn ignore_stop_requests() -> std::io::Result<()> {
    supervision::ignore_stop_requests()
}

/// Closes this process's stdout and stderr while it keeps running (the
/// supervisor's worker, playing a child that does so): whoever reads them
/// sees their end. Unix: /dev/null takes their place, so the numbers 1 and
/// 2 stay valid. Windows: the handles are closed.
pub fn close_stdout_and_stderr() -> std::io::Result<()> {
    supervision::close_stdout_and_stderr()
}

#[cfg(unix)]
mod supervision {
    use std::io;
    use std::os::unix::process::CommandExt;

    pub fn supervised(command: &mut std::process::Command) {
        command.process_group(0);
        die_with_parent(command, libc::SIGKILL);
    }

    pub fn stoppable(_command: &mut std::process::Command) {}

    /// Linux: the child started by `command` receives `signal` when the
    /// thread that starts it ends (see [`super::supervised`] and
    /// [`super::end_with_this_process`]).
    #[cfg(target_os = "linux")]
    pub fn die_with_parent(command: &mut std::process::Command, signal: libc::c_int) {
        let parent = std::process::id();
        // SAFETY: the closure runs in the child between fork and exec, where
        // only async-signal-safe calls are allowed: prctl and getppid are;
        // it allocates nothing (its errors are OS error codes) and takes no
        // lock.
        unsafe {
            command.pre_exec(move || {
                // prctl reads its arguments as unsigned longs.
                if libc::prctl(libc::PR_SET_PDEATHSIG, signal as libc::c_ulong) != 0 {
                    return Err(io::Error::last_os_error());
                }
                // The parent may have died before prctl: the child then
                // belongs to another process already, and no signal will
                // come. (An OS error allocates nothing, unlike a message.)
                if u32::try_from(libc::getppid()).ok() != Some(parent) {
                    return Err(io::Error::from_raw_os_error(libc::ESRCH));
                }
                Ok(())
            });
        }
    }

    /// No parent-death signal outside Linux.
    #[cfg(not(target_os = "linux"))]
    pub fn die_with_parent(_command: &mut std::process::Command, _signal: libc::c_int) {}

    pub fn guard_against_orphans() -> io::Result<bool> {
        Ok(cfg!(target_os = "linux"))
    }

    pub fn ask_to_stop(pid: u32) -> io::Result<()> {
        let pid = libc::pid_t::try_from(pid).map_err(io::Error::other)?;
        // SAFETY: kill only reads its arguments; `pid` is positive, one process.
        if unsafe { libc::kill(pid, libc::SIGTERM) } == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }

    pub fn ignore_stop_requests() -> io::Result<()> {
        for signal in [libc::SIGTERM, libc::SIGINT] {
            // SAFETY: SIG_IGN installs no code of ours.
            if unsafe { libc::signal(signal, libc::SIG_IGN) } == libc::SIG_ERR {
                return Err(io::Error::last_os_error());
            }
        }
        Ok(())
    }

    pub fn close_stdout_and_stderr() -> io::Result<()> {
        use std::os::fd::AsRawFd;
        let null = std::fs::File::options().write(true).open("/dev/null")?;
        for fd in [libc::STDOUT_FILENO, libc::STDERR_FILENO] {
            // SAFETY: dup2 only works on descriptor numbers; `null` is open.
            if unsafe { libc::dup2(null.as_raw_fd(), fd) } < 0 {
                return Err(io::Error::last_os_error());
            }
        }
        Ok(())
    }
}

#[cfg(windows)]
mod supervision {
    use std::io;
    use std::os::windows::process::CommandExt;

    use windows_sys::Win32::Foundation::CloseHandle;
    use windows_sys::Win32::System::Console::{
        CTRL_BREAK_EVENT, GenerateConsoleCtrlEvent, GetStdHandle, STD_ERROR_HANDLE,
        STD_OUTPUT_HANDLE, SetStdHandle,
    };
    use windows_sys::Win32::System::JobObjects::{
        AssignProcessToJobObject, CreateJobObjectW, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
        JOBOBJECT_BASIC_LIMIT_INFORMATION, JOBOBJECT_EXTENDED_LIMIT_INFORMATION,
        JobObjectExtendedLimitInformation, SetInformationJobObject,
    };
    use windows_sys::Win32::System::Threading::{CREATE_NEW_PROCESS_GROUP, GetCurrentProcess};

    pub fn supervised(command: &mut std::process::Command) {
        stoppable(command);
    }

    pub fn stoppable(command: &mut std::process::Command) {
        command.creation_flags(CREATE_NEW_PROCESS_GROUP);
    }

    pub fn guard_against_orphans() -> io::Result<bool> {
        join_a_job_that_kills_on_close()?;
        Ok(true)
    }

    /// Puts this process in a new job object that kills every process in
    /// it when its last handle closes: when this process ends. The
    /// processes it starts from then on are in the job too.
    pub fn join_a_job_that_kills_on_close() -> io::Result<()> {
        // SAFETY: plain calls with valid arguments: no security attributes
        // (so the handle is not inherited), no name; `limits` lives across
        // the call that reads it, and its size is passed with it. The job's
        // handle is kept open on purpose (never closed): it closes when this
        // process ends, and that kills the job's processes.
        unsafe {
            let job = CreateJobObjectW(std::ptr::null(), std::ptr::null());
            if job.is_null() {
                return Err(io::Error::last_os_error());
            }
            let limits = JOBOBJECT_EXTENDED_LIMIT_INFORMATION {
                BasicLimitInformation: JOBOBJECT_BASIC_LIMIT_INFORMATION {
                    LimitFlags: JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
                    ..Default::default()
                },
                ..Default::default()
            };
            let size = std::mem::size_of_val(&limits) as u32;
            let info = (&raw const limits).cast();
            if SetInformationJobObject(job, JobObjectExtendedLimitInformation, info, size) == 0
                || AssignProcessToJobObject(job, GetCurrentProcess()) == 0
            {
                let err = io::Error::last_os_error();
                CloseHandle(job);
                return Err(err);
            }
        }
        Ok(())
    }

    pub fn ask_to_stop(pid: u32) -> io::Result<()> {
        // SAFETY: a plain call; the child leads its own process group.
        if unsafe { GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, pid) } != 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }

    pub fn ignore_stop_requests() -> io::Result<()> {
        // A handler that does nothing handles every console event.
        ctrlc::set_handler(|| {}).map_err(io::Error::other)
    }

    pub fn close_stdout_and_stderr() -> io::Result<()> {
        for which in [STD_OUTPUT_HANDLE, STD_ERROR_HANDLE] {
            // SAFETY: GetStdHandle returns this process's own handle, which
            // nothing else closes; a null one takes its place at once, so it
            // is not used again (std discards what is written to a null
            // standard handle).
            unsafe {
                CloseHandle(GetStdHandle(which));
                SetStdHandle(which, std::ptr::null_mut());
            }
        }
        Ok(())
    }
}

#[cfg(not(any(unix, windows)))]
mod supervision {
    use std::io;

    pub fn supervised(_command: &mut std::process::Command) {}

    pub fn stoppable(_command: &mut std::process::Command) {}

    pub fn guard_against_orphans() -> io::Result<bool> {
        Ok(false)
    }

    pub fn ask_to_stop(_pid: u32) -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
    }

    pub fn ignore_stop_requests() -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
    }

    pub fn close_stdout_and_stderr() -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
    }
}
