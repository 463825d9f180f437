//! Backing off when the system says no. A server whose `accept` fails (out
//! of file descriptors, most often) and that tries again at once spins at
//! 100 % CPU while nothing changes: the failing call returns at once, again
//! and again. [`Backoff`] gives the pause before the next try, growing from
//! 10 ms to 1 s while the failures go on, and says when to tell the person
//! running the server: once, at the first failure of a run of them.

use std::time::Duration;

/// The pauses of a loop that retries a failing call (see the module).
#[derive(Debug, Clone, Default)]
pub struct Backoff {
    /// The pause after the last failure; `None` after a success.
    pause: Option<Duration>,
}

impl Backoff {
    /// The first pause.
    pub const FIRST: Duration = Duration::from_millis(10);
    /// The longest pause.
    pub const LONGEST: Duration = Duration::from_secs(1);

    pub const fn new() -> Backoff {
        Backoff { pause: None }
    }

    /// The call failed: how long to pause before the next try (10 ms, then
    /// twice as long each time, at most 1 s), and whether this is the first
    /// failure since the last success (the one to report).
    pub fn failed(&mut self) -> (Duration, bool) {
        let first = self.pause.is_none();
        let pause = self
            .pause
            .map_or(Backoff::FIRST, |pause| (pause * 2).min(Backoff::LONGEST));
        self.pause = Some(pause);
        (pause, first)
    }

    /// The call succeeded: the next failure starts again at 10 ms, and is
    /// reported.
    pub fn succeeded(&mut self) {
        self.pause = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_up_to_a_second_and_reset_on_success() {
        let mut backoff = Backoff::new();
        let pauses: Vec<_> = (0..9).map(|_| backoff.failed()).collect();
        let ms = |ms| Duration::from_millis(ms);
        assert_eq!(pauses[0], (ms(10), true));
        assert_eq!(pauses[1], (ms(20), false));
        assert_eq!(pauses[6], (ms(640), false));
        assert_eq!(pauses[7], (ms(1000), false));
        assert_eq!(pauses[8], (ms(1000), false));
        backoff.succeeded();
        assert_eq!(backoff.failed(), (ms(10), true));
    }
}
