//! Lab 3, native-coros, demo 3: values go in, and the last one comes back as the result.
//!
//!     cargo run --bin native-coros-demo3
//!
//! Read this file first and write down the output you expect; then run it.
//!
//! The driver primes the future (the leaf answers `"Primed!"`), then sends
//! 5, 6 and 7 in (it answers 50, 60, 70), then 8: the leaf completes with 80,
//! and so does the `async fn` that awaits it (Python: `times10`, whose
//! `return n * 10` arrives in the driver as `StopIteration.value`).

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

use native_coros::{DemoArgs, hand_out, send_in, take_handed_out, take_sent_in};

/// The leaf future (Python: `@types.coroutine def times10(terms)`).
#[must_use = "futures do nothing unless you `.await` or poll them"]
struct Leaf {
    terms: u32,
    primed: bool,
}

fn leaf(terms: u32) -> Leaf {
    Leaf {
        terms,
        primed: false,
    }
}

impl Future for Leaf {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<u32> {
        if !self.primed {
            self.primed = true;
            hand_out("Primed!"); // <1>
            return Poll::Pending; // <2>
        }
        let Some(n) = take_sent_in() else {
            // Polled, but nothing was sent in: still waiting.
            return Poll::Pending; // <2>
        };
        if self.terms > 0 {
            self.terms -= 1;
            hand_out(n * 10); // <1>
            return Poll::Pending; // <2>
        }
        Poll::Ready(n * 10) // <3>
    }
}

/// The `async fn` that awaits the leaf (Python: `async def delegating(terms)`).
async fn delegating(terms: u32) -> u32 {
    println!("delegating: started");
    let res = leaf(terms).await; // <4>
    println!("delegating: leaf() is done");
    res
}

fn main() {
    let _: DemoArgs = labs::parse_args();
    println!("main: calling delegating(3)");
    let coro = delegating(3); // <5>
    println!("main: got a future; delegating() has printed nothing yet");

    let mut coro = pin!(coro); // <6>
    let mut cx = Context::from_waker(Waker::noop()); // <7>
    let poll = coro.as_mut().poll(&mut cx); // <8>
    println!(
        "main: poll 1 (priming) returned {poll:?}, the leaf handed out {:?}",
        take_handed_out()
    );
    for value in [5, 6, 7, 8] {
        send_in(value); // <13>
        let poll = coro.as_mut().poll(&mut cx); // <8>
        println!(
            "main: sent {value}; the poll returned {poll:?}, the leaf handed out {:?}",
            take_handed_out()
        );
    }
}
