//! Lab 3, native-coros, chess: the chess exhibition, played on the
//! launchpad's event loop.
//!
//!     cargo run --bin native-coros-chess
//!
//! Judit Polgár plays 24 opponents (Michael Grinberg's analogy, "Asynchronous
//! Python for the Complete Beginner", PyCon 2017). She moves in 5 s, each
//! opponent in 55 s, and a game averages 30 move pairs: 30 minutes. Played one
//! after another, the 24 games take 24 x 30 min = 12 hours. Played at once,
//! she moves on the first board, then on the second while the first opponent
//! thinks, and so on: a round of 24 moves takes her 24 x 5 s = 2 min, after
//! which the first opponent has long replied; 30 rounds take about 1 hour.
//!
//! One player, one pair of hands: she is the loop's one thread. Her move is
//! *work* (`think`: the clock moves on and nothing else runs); an opponent's
//! move is a *wait* (`sleep`: the loop plays another board meanwhile). The
//! loop is the launchpad's, on its virtual clock only: 13 hours of play take
//! a fraction of a second.

use std::cell::Cell;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use native_coros::DemoArgs;

const BOARDS: u32 = 24;
const MOVE_PAIRS: u32 = 30;
const POLGAR_MOVES_IN: u64 = 5; // seconds
const OPPONENT_MOVES_IN: u64 = 55; // seconds

thread_local! {
    /// The loop's clock: time since the loop started (virtual).
    static NOW: Cell<Duration> = const { Cell::new(Duration::ZERO) };
    /// Where a suspending `sleep` leaves its wake-up time for the loop.
    static WAKE_AT: Cell<Option<Duration>> = const { Cell::new(None) };
    /// How long Polgár has spent moving, all boards together.
    static MOVING: Cell<Duration> = const { Cell::new(Duration::ZERO) };
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

/// Polgár moves: work that holds her for `seconds`. Not a future: the
/// clock moves on, and no other board is played meanwhile.
fn think(seconds: u64) {
    let work = Duration::from_secs(seconds);
    NOW.set(NOW.get() + work);
    MOVING.set(MOVING.get() + work);
}

/// One game: 30 move pairs, Polgár's move then her opponent's.
async fn game() {
    for _ in 0..MOVE_PAIRS {
        think(POLGAR_MOVES_IN);
        sleep(OPPONENT_MOVES_IN).await; // <4>
    }
}

fn main() {
    let _: DemoArgs = labs::parse_args();
    println!(
        "Polgár plays {BOARDS} games of {MOVE_PAIRS} move pairs; \
         she moves in {POLGAR_MOVES_IN} s, each opponent in {OPPONENT_MOVES_IN} s"
    );
    let mut event_loop = SleepingLoop::new();
    event_loop.spawn(async {
        // <5>
        for _ in 0..BOARDS {
            game().await;
        }
    });
    event_loop.run_until_complete();
    report("one game at a time", event_loop.now());

    let mut event_loop = SleepingLoop::new();
    for _ in 0..BOARDS {
        event_loop.spawn(game());
    }
    event_loop.run_until_complete();
    report("all games at once", event_loop.now());
}

/// One line of the result: `all games at once:  1:00:55 ...`.
fn report(how: &str, elapsed: Duration) {
    let clock = |time: Duration| {
        let seconds = time.as_secs();
        format!(
            "{}:{:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        )
    };
    let moving = clock(MOVING.take());
    let how = format!("{how}:");
    println!(
        "{how:19} {} (Polgár moving for {moving} of it)",
        clock(elapsed)
    );
}

/// A game, boxed so that futures of different types fit in one list.
type Task = Pin<Box<dyn Future<Output = ()>>>;

/// The event loop (Python: `class SleepingLoop`), on its virtual clock.
struct SleepingLoop {
    tasks: Vec<Task>,
    /// (wake-up time, scheduling order, task index): the soonest on top.
    waiting: BinaryHeap<Reverse<(Duration, u64, usize)>>,
    scheduled: u64,
}

impl SleepingLoop {
    fn new() -> Self {
        NOW.set(Duration::ZERO);
        SleepingLoop {
            tasks: Vec::new(),
            waiting: BinaryHeap::new(),
            scheduled: 0,
        }
    }

    fn spawn(&mut self, game: impl Future<Output = ()> + 'static) {
        self.tasks.push(Box::pin(game)); // <6>
        self.schedule(NOW.get(), self.tasks.len() - 1);
    }

    fn run_until_complete(&mut self) {
        let mut cx = Context::from_waker(Waker::noop()); // <7>
        while let Some(Reverse((wake_at, _, task))) = self.waiting.pop() {
            self.sleep_until(wake_at);
            let poll = self.tasks[task].as_mut().poll(&mut cx); // <8>
            if poll.is_pending() {
                let wake_at = WAKE_AT.take().expect("a game may only await sleep()"); // <14>
                self.schedule(wake_at, task);
            } // else the game is over: it is never polled again
        }
    }

    /// Tasks due at the same time run in the order they were scheduled.
    fn schedule(&mut self, wake_at: Duration, task: usize) {
        self.scheduled += 1;
        self.waiting.push(Reverse((wake_at, self.scheduled, task))); // <15>
    }

    /// Waits until `wake_at`: jumps the clock there, unless Polgár's moves
    /// have already taken it further.
    fn sleep_until(&self, wake_at: Duration) {
        NOW.set(NOW.get().max(wake_at)); // <16>
    }

    /// The loop's clock: time since it started.
    fn now(&self) -> Duration {
        NOW.get()
    }
}
