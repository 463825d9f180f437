//! Lab 3, native-coros, launchpad: async/await needs no runtime crate.
//!
//!     cargo run --bin native-coros-launchpad                     # real time, about 5 s
//!     cargo run --bin native-coros-launchpad -- --virtual-time   # the same, instantly
//!
//! A toy event loop, std only (Python: Brett Cannon's launchpad.py, 120 lines
//! with time, datetime, heapq and types). Three rockets count down: A from 5
//! at once, B from 3 after 2 s, C from 4 after 1 s. Each countdown is an
//! `async fn`; the only leaf future is a hand-written `sleep` that tells the
//! loop when it wants to wake. The loop keeps the waiting tasks in a heap
//! ordered by wake-up time, sleeps until the soonest one is due, and polls it.
//!
//! The loop owns the clock, so with `--virtual-time` it jumps the clock to
//! the next wake-up time instead of sleeping: same output, exact and instant
//! (the idea behind tokio's paused test clock).
//!
//! The file reads in the order of the demos: the leaf future (`Sleep`), the
//! `async fn` that awaits it (`countdown`), `main`; then the event loop that
//! `main` hands the countdowns to (`SleepingLoop`).

use std::cell::Cell;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};

use native_coros::LaunchpadArgs;

thread_local! {
    /// The loop's clock as it read it before polling a task (time since the
    /// loop started): what `sleep` reads.
    static NOW: Cell<Duration> = const { Cell::new(Duration::ZERO) };
    /// Where a suspending `sleep` leaves its wake-up time for the loop.
    static WAKE_AT: Cell<Option<Duration>> = const { Cell::new(None) };
}

/// The leaf future (Python: `@types.coroutine def sleep(seconds)`).
#[must_use = "futures do nothing unless you `.await` or poll them"]
struct Sleep {
    started: Duration,
    wake_at: Duration,
    suspended: bool,
}

fn sleep(seconds: u64) -> Sleep {
    let now = NOW.get();
    Sleep {
        started: now,
        wake_at: now + Duration::from_secs(seconds),
        suspended: false,
    }
}

impl Future for Sleep {
    type Output = Duration; // how long it actually slept

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Duration> {
        let now = NOW.get();
        if !self.suspended || now < self.wake_at {
            self.suspended = true; // even `sleep(0)` suspends once, as Python's `yield` does
            WAKE_AT.set(Some(self.wake_at)); // <1>
            return Poll::Pending; // <2>
        }
        Poll::Ready(now - self.started) // <3>
    }
}

/// A launch (Python: `async def countdown(label, length, *, delay=0)`).
async fn countdown(label: &str, length: u32, delay: u64) {
    println!("{label} waiting {delay} seconds before starting countdown");
    let delta = sleep(delay).await; // <4>
    println!("{label} starting after waiting {:.3}s", delta.as_secs_f64());
    for n in (1..=length).rev() {
        println!("{label} T-minus {n}");
        sleep(1).await; // <4>
    }
    println!("{label} lift-off!");
}

fn main() {
    let args: LaunchpadArgs = labs::parse_args();
    let mut event_loop = SleepingLoop::new(args.virtual_time);
    event_loop.spawn(labs::watch!("A", countdown("A", 5, 0))); // <5>
    event_loop.spawn(labs::watch!("B", countdown("B", 3, 2)));
    event_loop.spawn(labs::watch!("C", countdown("C", 4, 1)));
    event_loop.run_until_complete();
    let clock = if args.virtual_time { "virtual" } else { "real" };
    let elapsed = event_loop.now().as_secs_f64();
    println!("Total elapsed time is {elapsed:.3}s ({clock} clock)");
}

/// A countdown, boxed so that futures of different types fit in one list.
type Task = Pin<Box<dyn Future<Output = ()>>>;

/// The event loop (Python: `class SleepingLoop`).
struct SleepingLoop {
    tasks: Vec<Task>,
    /// (wake-up time, scheduling order, task index): the soonest on top.
    waiting: BinaryHeap<Reverse<(Duration, u64, usize)>>,
    scheduled: u64,
    start: Instant,
    virtual_time: bool,
}

impl SleepingLoop {
    fn new(virtual_time: bool) -> Self {
        NOW.set(Duration::ZERO);
        SleepingLoop {
            tasks: Vec::new(),
            waiting: BinaryHeap::new(),
            scheduled: 0,
            start: Instant::now(),
            virtual_time,
        }
    }

    fn spawn(&mut self, countdown: impl Future<Output = ()> + 'static) {
        self.tasks.push(Box::pin(countdown)); // <6>
        self.schedule(NOW.get(), self.tasks.len() - 1);
    }

    fn run_until_complete(&mut self) {
        let mut cx = Context::from_waker(Waker::noop()); // <7>
        while let Some(Reverse((wake_at, _, task))) = self.waiting.pop() {
            self.sleep_until(wake_at);
            NOW.set(self.now()); // what `sleep` reads
            let poll = self.tasks[task].as_mut().poll(&mut cx); // <8>
            if poll.is_pending() {
                let wake_at = WAKE_AT.take().expect("a countdown may only await sleep()"); // <14>
                self.schedule(wake_at, task);
            } // else the countdown is done: it is never polled again
        }
    }

    /// Tasks due at the same time run in the order they were scheduled: a
    /// rule of this loop (Python's `heapq` and `Task.__lt__` do not keep it).
    fn schedule(&mut self, wake_at: Duration, task: usize) {
        self.scheduled += 1;
        self.waiting.push(Reverse((wake_at, self.scheduled, task))); // <15>
    }

    /// Waits until `wake_at`: sleeps, or in virtual time jumps the clock there.
    fn sleep_until(&self, wake_at: Duration) {
        if self.virtual_time {
            NOW.set(NOW.get().max(wake_at)); // <16>
        } else {
            thread::sleep(wake_at.saturating_sub(self.now())); // <17>
        }
    }

    /// The loop's clock: time since it started, real or virtual.
    fn now(&self) -> Duration {
        if self.virtual_time {
            NOW.get()
        } else {
            self.start.elapsed()
        }
    }
}
