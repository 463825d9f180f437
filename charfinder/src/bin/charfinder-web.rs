//! Lab 6, charfinder, web: the same index over HTTP, with hyper on tokio.
//!
//!     cargo run --bin charfinder-web      then open http://127.0.0.1:8080/
//!
//! `GET /search?q=cat+face` answers JSON; `GET /` is a page that asks it as
//! you type. hyper serves each connection as a task; this file says what a
//! request gets (`respond`) and how a search is answered (`search`). The
//! façade (`charfinder-facade-solution.rs`) is this file with another
//! `search`: `diff` them.

use std::convert::Infallible;
use std::io;
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

async fn search(query: &str, server: &Server) -> String {
    let page = server.index().page(query); // <6>
    charfinder::json_page(&page)
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
    let server = Server::web(); // <20>
    let listener = TcpListener::bind(server.addr()).await; // <21>
    let listener = listener.unwrap_or_else(|err| server.cannot_listen(err));
    server.listening(listener.local_addr());
    serve(listener, server).await;
    let _all_closed = timeout(server.grace(), server.all_closed()).await; // <22>
    server.exit();
}
