//! Everything that differs between Linux, macOS and Windows lives here, each
//! piece behind `cfg` with a counterpart for every platform, so that the labs
//! themselves are the same on every laptop.

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
