// demo1's experiment, compiled by tests/all/must_use.rs: two futures that are
// never awaited. Calling an async fn only builds its future; dropping it
// unpolled means none of its body ever runs. The compiler warns
// (`unused_must_use`): for an async fn by itself, because the `Future`
// trait is `#[must_use]`; for a future written by hand, a plain struct,
// only because the struct is marked `#[must_use]` too, as in the demos.

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
