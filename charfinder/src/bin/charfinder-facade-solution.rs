//! Lab 6, charfinder, the façade (the solution of the exercise): an HTTP
//! service with charfinder-web's API that answers by asking one or more
//! charfinder TCP servers at the same time, with a timeout for each.
//!
//!     cargo run --bin charfinder-tokio -- --port 2323 &
//!     cargo run --bin charfinder-facade-solution -- --backend 127.0.0.1:2323
//!     then open http://127.0.0.1:8081/
//!
//! A backend that is down or slow gives a partial answer that names it,
//! never a hang. This is charfinder-web.rs with `ask` added and another
//! `search`: `diff` them. The exercise is `charfinder-facade.rs`.

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::pin;

use charfinder::{Answer, Failure, Server};
use hyper::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use labs::watch;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

/// Step 1: one query to one backend, as `nc` would ask it.
async fn ask(backend: SocketAddr, query: String) -> io::Result<Vec<char>> {
    let mut stream = TcpStream::connect(backend).await?; // <7>
    stream.write_all(format!("{query}\n\n").as_bytes()).await?; // <8>
    let mut answer = String::new();
    let mut limited = stream.take(charfinder::ANSWER_LIMIT);
    limited.read_to_string(&mut answer).await?; // <9>
    charfinder::parse_answer(&answer)
}

/// Steps 2 and 3: every backend at once, each with a timeout; then merge.
async fn search(query: &str, server: &Server) -> String {
    let asking: Vec<_> = server
        .backends()
        .iter()
        .map(|&backend| {
            let answer = timeout(server.timeout(), ask(backend, query.to_string())); // <10>
            tokio::spawn(watch!("ask", answer)) // <11>
        })
        .collect();
    let mut found = BTreeSet::new();
    let mut failed = Vec::new();
    for (&backend, task) in server.backends().iter().zip(asking) {
        let answer = match task.await {
            // <12>
            Ok(Ok(answer)) => answer,
            Ok(Err(_elapsed)) => Err(io::ErrorKind::TimedOut.into()),
            Err(panicked) => Err(io::Error::other(panicked)),
        };
        match answer {
            Ok(chars) => found.extend(chars), // <13>
            Err(err) => failed.push(Failure::new(backend, err)),
        }
    }
    let found: Vec<char> = found.into_iter().collect();
    charfinder::json_answer(query, &found, &failed)
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
    let server = Server::facade("facade-solution"); // <20>
    let listener = TcpListener::bind(server.addr()).await; // <21>
    let listener = listener.unwrap_or_else(|err| server.cannot_listen(err));
    server.listening(listener.local_addr());
    serve(listener, server).await;
    let _all_closed = timeout(server.grace(), server.all_closed()).await; // <22>
    server.exit();
}
