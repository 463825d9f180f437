//! Lab 6, charfinder, tokio: a TCP server that finds Unicode characters by
//! the words of their names, one tokio task per connection.
//!
//!     cargo run --bin charfinder-tokio      then, in another terminal: nc 127.0.0.1 2323
//!
//! Each connection is a task: a few hundred bytes and a 1 KB buffer, about
//! 2 KB in all, so ten thousand idle clients cost about 20 MB (measured by
//! `charfinder-bench`). `#[tokio::main]` runs the tasks on one worker thread
//! per core. Compare the runtimes with
//! `diff charfinder/src/bin/charfinder-{tokio,smol}.rs`, and threads with
//! tasks with `diff charfinder/src/bin/charfinder-{thread,tokio}.rs`.

use std::io;

use charfinder::{LINE_LIMIT, READ_BUFFER, Server};
use labs::watch;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

async fn handle(mut stream: TcpStream, server: &Server) -> io::Result<()> {
    let (reader, mut writer) = stream.split(); // <1>
    let mut reader = BufReader::with_capacity(READ_BUFFER, reader).take(0);
    writer.write_all(&server.greeting()).await?;
    let mut session = server.session();
    loop {
        reader.set_limit(LINE_LIMIT); // <2>
        let read = reader.read_until(b'\n', session.line());
        timeout(server.idle(), read).await??; // <3>
        let reply = session.reply(); // <4>
        let write = writer.write_all(reply.text());
        timeout(server.idle(), write).await??; // <5>
        if reply.is_last() {
            return Ok(());
        }
    }
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
            let result = handle(stream, server).await; // <19>
            connection.closed(result);
        }));
    }
}

#[tokio::main]
async fn main() {
    let server = Server::start("tokio"); // <20>
    let listener = TcpListener::bind(server.addr()).await; // <21>
    let listener = listener.unwrap_or_else(|err| server.cannot_listen(err));
    server.listening(listener.local_addr());
    serve(listener, server).await;
    let _all_closed = timeout(server.grace(), server.all_closed()).await; // <22>
    server.exit();
}
