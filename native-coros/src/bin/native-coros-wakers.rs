//! Lab 3, native-coros, wakers: the launchpad with the waker at its heart.
//!
//!     cargo run --bin native-coros-wakers                     # real time, about 5 s
//!     cargo run --bin native-coros-wakers -- --virtual-time   # the same, instantly
//!
//! The launchpad's `sleep` leaves its wake-up time beside `poll`, and its
//! loop polls whichever task is due: it can run nothing but `sleep`. Here
//! `sleep` does what every real leaf future does: it files `cx.waker()`
//! with the loop's timers, and returns `Pending`. The loop keeps a *ready
//! queue* and polls only the tasks that were woken; when none is ready it
//! waits for the soonest timer and wakes its task. tokio, async-std and smol
//! work this way, and so does the "mini-tokio" of the tokio tutorial.
//!
//! The same countdowns, the same output as the launchpad, and one more
//! number at the end: how many polls the loop made.
//!
//! `diff` it with the launchpad: the countdowns are the same, and `main` only
//! adds the count of polls (and of tasks left waiting); what changes is how
//! a task says "poll me again", and who decides.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::{Duration, Instant};

use native_coros::LaunchpadArgs;

thread_local! {
    /// The loop's clock as it read it before polling a task (time since the
    /// loop started): what `sleep` reads.
    static NOW: Cell<Duration> = const { Cell::new(Duration::ZERO) };
    /// The loop's timers: (wake-up time, order of filing) -> the waker to
    /// call then. A sorted map: the first entry is the soonest.
    static TIMERS: RefCell<BTreeMap<(Duration, u64), Waker>> =
        const { RefCell::new(BTreeMap::new()) };
    /// How many timers were filed so far: the order of filing.
    static FILED: Cell<u64> = const { Cell::new(0) };
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

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Duration> {
        let now = NOW.get();
        if !self.suspended || now < self.wake_at {
            self.suspended = true; // even `sleep(0)` suspends once, as Python's `yield` does
            SleepingLoop::schedule(self.wake_at, cx.waker()); // <1>
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
    let polls = event_loop.polls;
    println!("Total elapsed time is {elapsed:.3}s ({clock} clock), {polls} polls");
    let waiting = event_loop.tasks.iter().flatten().count();
    if waiting > 0 {
        println!("{waiting} tasks still waiting: nothing will ever wake them");
    }
}

/// A countdown, boxed so that futures of different types fit in one list;
/// `None` once it is done.
type Task = Option<Pin<Box<dyn Future<Output = ()>>>>;

/// The event loop (Python: `class SleepingLoop`).
struct SleepingLoop {
    tasks: Vec<Task>,
    /// Each task's waker, made once: waking it sends the task's number.
    wakers: Vec<Waker>,
    /// The ready queue: the numbers of the tasks woken since their last poll.
    ready: Receiver<usize>,
    /// What each task's waker sends its number on.
    wake: Sender<usize>,
    polls: u64,
    start: Instant,
    virtual_time: bool,
}

impl SleepingLoop {
    fn new(virtual_time: bool) -> Self {
        NOW.set(Duration::ZERO);
        let (wake, ready) = mpsc::channel();
        SleepingLoop {
            tasks: Vec::new(),
            wakers: Vec::new(),
            ready,
            wake,
            polls: 0,
            start: Instant::now(),
            virtual_time,
        }
    }

    fn spawn(&mut self, countdown: impl Future<Output = ()> + 'static) {
        self.tasks.push(Some(Box::pin(countdown))); // <6>
        let waker = TaskWaker::waker(self.tasks.len() - 1, &self.wake);
        waker.wake_by_ref(); // a new task is ready to be polled
        self.wakers.push(waker);
    }

    fn run_until_complete(&mut self) {
        loop {
            // Poll every task that was woken, and only those.
            while let Ok(task) = self.ready.try_recv() {
                NOW.set(self.now()); // what `sleep` reads
                let Some(future) = self.tasks[task].as_mut() else {
                    continue; // woken after it finished: nothing to poll
                };
                let mut cx = Context::from_waker(&self.wakers[task]); // <7>
                self.polls += 1;
                let poll = future.as_mut().poll(&mut cx); // <8>
                if poll.is_ready() {
                    self.tasks[task] = None; // done: never polled again
                }
            }
            // Nothing is ready: wait for the soonest timer and wake its task.
            let Some(((wake_at, _), waker)) = TIMERS.with_borrow_mut(BTreeMap::pop_first) else {
                break; // no timer either: every task is done, or waits forever
            };
            self.sleep_until(wake_at);
            waker.wake();
        }
    }

    /// Files `waker` with the timers, to be woken at `wake_at`. Timers due
    /// at the same time fire in the order they were filed.
    fn schedule(wake_at: Duration, waker: &Waker) {
        FILED.set(FILED.get() + 1);
        let key = (wake_at, FILED.get());
        TIMERS.with_borrow_mut(|timers| timers.insert(key, waker.clone())); // <15>
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

/// A task's waker: waking it puts the task's number on the ready queue.
struct TaskWaker {
    task: usize,
    ready: Sender<usize>,
}

impl TaskWaker {
    fn waker(task: usize, ready: &Sender<usize>) -> Waker {
        Waker::from(Arc::new(TaskWaker {
            task,
            ready: ready.clone(),
        })) // <18>
    }
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        let _ = self.ready.send(self.task); // <19> (an error: the loop is gone)
    }
}
