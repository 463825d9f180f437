//! Lab 3, native-coros, demo 1: the simplest future polled by hand.
//!
//!     cargo run --bin native-coros-demo1
//!
//! Read this file first and write down the output you expect; then run it.
//!
//! A hand-written leaf future (Python: a generator-coroutine, `yield 42`) is
//! awaited by an `async fn` (Python: a native coroutine, `await gen()`).
//! There is no runtime: `main` is the driver. It polls the future itself and
//! prints what every poll returned. At the end: how big the future is, and
//! what makes it bigger.

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

use native_coros::{DemoArgs, hand_out, take_handed_out};

/// The leaf future (Python: `@types.coroutine def gen(): yield 42`).
#[must_use = "futures do nothing unless you `.await` or poll them"]
struct Leaf {
    suspended: bool,
}

fn leaf() -> Leaf {
    Leaf { suspended: false }
}

impl Future for Leaf {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if !self.suspended {
            self.suspended = true;
            hand_out(42); // <1>
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
    for n in 1..=2 {
        let poll = coro.as_mut().poll(&mut cx); // <8>
        println!(
            "main: poll {n} returned {poll:?}, the leaf handed out {:?}",
            take_handed_out()
        );
    }
    sizes();
}

/// Like `delegating`, with a 1 KiB buffer that ends before the `.await`.
async fn buffer_dropped_before_await() -> u8 {
    let first = {
        let buffer = [1u8; 1024];
        buffer[0]
    }; // the buffer ends here
    leaf().await;
    first
}

/// The same, but the buffer is still needed after the `.await`.
async fn buffer_held_across_await() -> u8 {
    let buffer = [1u8; 1024];
    leaf().await; // <9>
    buffer[0]
}

/// A future is a value: the state machine the compiler made from the
/// `async fn`. Its size is known at compile time; nothing here is polled.
fn sizes() {
    let leaf = size_of_val(&leaf());
    let delegating = size_of_val(&delegating()); // <10>
    let dropped = size_of_val(&buffer_dropped_before_await());
    let held = size_of_val(&buffer_held_across_await());
    println!("main: sizes in bytes (they may differ between compiler versions)");
    println!("main: size_of_val(&leaf()) = {leaf}");
    println!("main: size_of_val(&delegating()) = {delegating}");
    println!("main: size_of_val(&buffer_dropped_before_await()) = {dropped}");
    println!("main: size_of_val(&buffer_held_across_await()) = {held}");
    let verdict = if held >= 1024 && dropped < 1024 {
        "yes"
    } else {
        "NO"
    };
    println!(
        "main: only the future that holds the buffer across .await has room for it: {verdict}"
    );
}
