//! Lab 3, native-coros, demo 2: three values out, then polling a finished future.
//!
//!     cargo run --bin native-coros-demo2
//!
//! Read this file first and write down the output you expect; then run it.
//!
//! The leaf future now hands out 1, 2 and 3 (Python: a generator-coroutine
//! that yields 1, 2, 3), then completes. The driver polls once more after
//! `Ready` (Python: a fifth `send` raises `RuntimeError`), catches what
//! happens and prints it as one line.

use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

use native_coros::{DemoArgs, hand_out, panic_message, take_handed_out};

/// The leaf future (Python: `@types.coroutine def gen123(): yield 1; yield 2; yield 3`).
#[must_use = "futures do nothing unless you `.await` or poll them"]
struct Leaf {
    next: u32,
}

fn leaf() -> Leaf {
    Leaf { next: 1 }
}

impl Future for Leaf {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.next <= 3 {
            hand_out(self.next); // <1>
            self.next += 1;
            return Poll::Pending; // <2>
        }
        Poll::Ready(()) // <3>
    }
}

/// The `async fn` that awaits the leaf (Python: `async def delegating()`).
async fn delegating() {
    println!("delegating: started");
    leaf().await; // <4>
    println!("delegating: leaf() is done");
}

fn main() {
    let _: DemoArgs = labs::parse_args();
    println!("main: calling delegating()");
    let coro = delegating(); // <5>
    println!("main: got a future; delegating() has printed nothing yet");

    let mut coro = pin!(coro); // <6>
    let mut cx = Context::from_waker(Waker::noop()); // <7>
    for n in 1..=4 {
        let poll = coro.as_mut().poll(&mut cx); // <8>
        println!(
            "main: poll {n} returned {poll:?}, the leaf handed out {:?}",
            take_handed_out()
        );
    }

    let usual_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {})); // <11>
    let poll = panic::catch_unwind(AssertUnwindSafe(|| coro.as_mut().poll(&mut cx))); // <12>
    panic::set_hook(usual_hook);
    match poll {
        Ok(poll) => println!("main: poll 5 returned {poll:?}"),
        Err(payload) => println!("main: poll 5 panicked: {}", panic_message(&*payload)),
    }
}
