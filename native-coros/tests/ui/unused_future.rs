// Calling an async fn only builds its future; forgetting `.await` drops it
// unpolled, and none of its body ever runs. The warning comes from the
// `#[must_use]` on the `Future` trait; a future written by hand is a plain
// struct and needs its own `#[must_use]` (std's futures all have one).
#![deny(unused_must_use)]

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

async fn delegating() {
    println!("delegating: started");
}

#[must_use = "futures do nothing unless you `.await` or poll them"]
struct Leaf;

fn leaf() -> Leaf {
    Leaf
}

impl Future for Leaf {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        Poll::Ready(())
    }
}

fn main() {
    delegating();
    leaf();
}
