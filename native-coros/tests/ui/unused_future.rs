// Calling an async fn only builds its future; forgetting `.await` drops it
// unpolled, and none of `delegating`'s body ever runs.
#![deny(unused_must_use)]

async fn delegating() {
    println!("delegating: started");
}

fn main() {
    delegating();
}
