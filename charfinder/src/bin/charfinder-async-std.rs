//! Lab 6, charfinder, async-std (legacy: discontinued in 2025): a TCP server
//! that finds Unicode characters by the words of their names, one async-std
//! task per connection.
//!
//!     cargo run --bin charfinder-async-std      then, in another terminal: nc 127.0.0.1 2323
//!
//! async-std mirrors `std`: `&TcpStream` reads and writes, `io::timeout`
//! wraps any I/O future. It has no stable `select`, so the accept loop races
//! with `or` from futures-lite, as smol does. Compare with
//! `diff charfinder/src/bin/charfinder-{tokio,async-std}.rs`.

use std::io;

use async_std::io::{BufReader, ReadExt, WriteExt, prelude::BufReadExt, timeout};
use async_std::net::{TcpListener, TcpStream};
use charfinder::{LINE_LIMIT, READ_BUFFER, Server};
use futures_lite::FutureExt;
use labs::watch;

async fn handle(stream: TcpStream, server: &Server) -> io::Result<()> {
    let (reader, mut writer) = (&stream, &stream); // <1>
    let mut reader = BufReader::with_capacity(READ_BUFFER, reader).take(0);
    writer.write_all(&server.greeting()).await?;
    let mut session = server.session();
    loop {
        reader.set_limit(LINE_LIMIT); // <2>
        let read = reader.read_until(b'\n', session.line());
        timeout(server.idle(), read).await?; // <3>
        let reply = session.reply(); // <4>
        let write = writer.write_all(reply.text());
        timeout(server.idle(), write).await?; // <5>
        if reply.is_last() {
            return Ok(());
        }
    }
}

async fn serve(listener: TcpListener, server: &'static Server) {
    loop {
        let stop = async {
            server.stopped().await;
            None
        };
        let accept = async { Some(listener.accept().await) };
        let next = stop.or(accept).await; // <15>
        let Some(accepted) = next else { break };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(err) => {
                let pause = server.cannot_accept(err);
                async_std::task::sleep(pause).await;
                continue;
            }
        };
        let connection = server.opened(peer); // <16>
        async_std::task::spawn(watch!("connection", async move {
            let result = handle(stream, server).await; // <19>
            connection.closed(result);
        }));
    }
}

#[async_std::main]
async fn main() {
    let server = Server::start("async-std"); // <20>
    let listener = TcpListener::bind(server.addr()).await; // <21>
    let listener = listener.unwrap_or_else(|err| server.cannot_listen(err));
    server.listening(listener.local_addr());
    serve(listener, server).await;
    let _all_closed = async_std::future::timeout(server.grace(), server.all_closed()).await; // <22>
    server.exit();
}
