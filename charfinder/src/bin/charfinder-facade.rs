//! Lab 6, charfinder, the façade: THE EXERCISE. An HTTP service with
//! charfinder-web's API that answers by asking one or more charfinder TCP
//! servers at the same time, with a timeout for each.
//!
//!     cargo run --bin charfinder-tokio -- --port 2323 &
//!     cargo run --bin charfinder-facade -- --backend 127.0.0.1:2323
//!     then open http://127.0.0.1:8081/
//!
//! It compiles, serves the page, and panics at the first search: write the
//! three steps marked `todo!()` below (step 5 of the lab sheet,
//! charfinder/README.md; in full in charfinder/DEEPER.md, "The exercise").
//! Check your work with
//!
//!     cargo test -p charfinder -- --ignored facade
//!
//! which starts real TCP servers (one of them down, one slow) and asks your
//! façade. The solution is `charfinder-facade-solution.rs`: try first!

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::pin;

use charfinder::{Answer, Server};
use hyper::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use labs::watch;
use tokio::net::TcpListener;
use tokio::time::timeout;

/// Step 1: one query to one backend, as `nc` would ask it. Connect to
/// `backend` with `tokio::net::TcpStream`, write the query and an empty line
/// (`format!("{query}\n\n")`: the empty line makes the server close the
/// connection after its answer), read everything until it closes
/// (`AsyncReadExt::read_to_string`), but never more than
/// `charfinder::ANSWER_LIMIT` bytes (`AsyncReadExt::take` first: a backend
/// could send forever), and let `charfinder::parse_answer` turn the text
/// into characters (it refuses an answer cut at the limit). Any error:
/// return it with `?`.
#[allow(dead_code)] // until step 2 calls it
async fn ask(backend: SocketAddr, query: String) -> io::Result<Vec<char>> {
    todo!("step 1: ask {backend} for {query:?}")
}

/// Steps 2 and 3: every backend at once, each with a timeout; then merge.
async fn search(query: &str, server: &Server) -> String {
    // Step 2: for each backend in `server.backends()`, start a task
    //   (`tokio::spawn`) that runs `ask`, bounded by
    //   `tokio::time::timeout(server.timeout(), ...)`. Start them all
    //   before you wait for any.
    // Step 3: wait for each task; put the characters of every answer in a
    //   `BTreeSet<char>` (each once, in code point order); for a backend that
    //   failed (an error, a timeout, a panicked task) add
    //   `charfinder::Failure::new(backend, err)` to a list `failed`. Then
    //   answer `charfinder::json_answer(query, &found, &failed)`.
    todo!("steps 2 and 3: ask {:?} for {query:?}", server.backends())
}

async fn respond(request: Request<Incoming>, server: &Server) -> Result<Answer, Infallible> {
    if let Some(refusal) = charfinder::only_get(request.method()) {
        return Ok(refusal);
    }
    let answer = match request.uri().path() {
        "/" => charfinder::page(), // <14>
        "/search" => {
            let query = charfinder::query_of(request.uri());
            charfinder::json(search(&query, server).await)
        }
        _ => charfinder::not_found(),
    };
    Ok(answer)
}

async fn serve(listener: TcpListener, server: &'static Server) {
    loop {
        let accepted = tokio::select! { // <15>
            biased;
            () = server.stopped() => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(err) => {
                let pause = server.cannot_accept(err);
                tokio::time::sleep(pause).await;
                continue;
            }
        };
        let connection = server.opened(peer); // <16>
        tokio::spawn(watch!("connection", async move {
            let service = service_fn(|request| respond(request, server)); // <17>
            let http = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(server.idle())
                .serve_connection(TokioIo::new(stream), service);
            let mut http = pin!(http);
            let result = tokio::select! { // <18>
                result = http.as_mut() => result,
                () = server.stopped() => {
                    http.as_mut().graceful_shutdown();
                    http.await
                }
            };
            connection.closed(result.map_err(io::Error::other)); // <19>
        }));
    }
}

#[tokio::main]
async fn main() {
    let server = Server::facade("facade"); // <20>
    let listener = TcpListener::bind(server.addr()).await; // <21>
    let listener = listener.unwrap_or_else(|err| server.cannot_listen(err));
    server.listening(listener.local_addr());
    serve(listener, server).await;
    let _all_closed = timeout(server.grace(), server.all_closed()).await; // <22>
    server.exit();
}
