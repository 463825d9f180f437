//! Plumbing shared by the native-coros demos; the lessons are in `src/bin/`.
//!
//! Python's `yield 42` hands 42 to whoever called `coro.send(...)`, and
//! `n = yield` receives the next value sent in. A Rust future cannot do that
//! through `poll`: `Poll::Pending` carries no value, and `poll` takes no
//! argument but a `Context` (which, on stable Rust, carries only a waker). So
//! the demos pass values around `poll` through two slots beside it, one out
//! (leaf -> driver) and one in (driver -> leaf). Each slot is a thread-local
//! cell: the leaf future and the driver run on the same thread, and real
//! runtimes find their timers and sockets the same way (tokio keeps its
//! runtime handle in a thread-local too).

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::fmt::Debug;

thread_local! {
    static OUT: RefCell<Option<Box<dyn Debug>>> = const { RefCell::new(None) };
    static IN: Cell<Option<u32>> = const { Cell::new(None) };
}

/// The leaf future hands `value` out to the driver (Python: `yield value`).
pub fn hand_out(value: impl Debug + 'static) {
    OUT.set(Some(Box::new(value)));
}

/// The driver takes what the leaf handed out since it last looked, if anything
/// (Python: the value `coro.send(...)` returns).
pub fn take_handed_out() -> Option<Box<dyn Debug>> {
    OUT.take()
}

/// The driver sends `value` in for the next poll (Python: `coro.send(value)`).
pub fn send_in(value: u32) {
    IN.set(Some(value));
}

/// The leaf takes the value sent in, if one was (Python: `n = yield ...`).
pub fn take_sent_in() -> Option<u32> {
    IN.take()
}

/// The message of a caught panic: what `panic!` was given, as text.
pub fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text
    } else {
        "(a panic with a payload that is not text)"
    }
}

/// A native-coros demo. It takes no options: read its source, write down the
/// output you expect, then run it.
#[derive(Debug, clap::Parser)]
#[command(version)]
pub struct DemoArgs {}

/// The launchpad: a std-only event loop launches three rockets.
#[derive(Debug, clap::Parser)]
#[command(version)]
pub struct LaunchpadArgs {
    /// Jump the loop's clock to the next wake-up time instead of sleeping:
    /// the same output, exact and instant (for tests and instructors).
    #[arg(long)]
    pub virtual_time: bool,
}
