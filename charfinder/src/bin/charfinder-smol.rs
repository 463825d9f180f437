//! Lab 6, charfinder, smol: a TCP server that finds Unicode characters by
//! the words of their names, one smol task per connection.
//!
//!     cargo run --bin charfinder-smol      then, in another terminal: nc 127.0.0.1 2323
//!
//! `smol::spawn` puts each connection's task on smol's global executor,
//! which runs on one thread unless SMOL_THREADS says more: one thread serves
//! every client. smol has no `timeout` function: a timeout is a race (`or`)
//! between the I/O and a `Timer`. Compare with
//! `diff charfinder/src/bin/charfinder-{tokio,smol}.rs`.

use std::io;

use charfinder::{LINE_LIMIT, READ_BUFFER, Server, timed_out};
use labs::watch;
use smol::Timer;
use smol::future::FutureExt;
use smol::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use smol::net::{TcpListener, TcpStream};

async fn handle(stream: TcpStream, server: &Server) -> io::Result<()> {
    let (reader, mut writer) = (stream.clone(), stream); // <1>
    let mut reader = BufReader::with_capacity(READ_BUFFER, reader).take(0);
    writer.write_all(&server.greeting()).await?;
    let mut session = server.session();
    loop {
        reader.set_limit(LINE_LIMIT); // <2>
        let read = reader.read_until(b'\n', session.line());
        read.or(timed_out(Timer::after(server.idle()))).await?; // <3>
        let reply = session.reply(); // <4>
        let write = writer.write_all(reply.text());
        write.or(timed_out(Timer::after(server.idle()))).await?; // <5>
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
                Timer::after(pause).await;
                continue;
            }
        };
        let connection = server.opened(peer); // <16>
        smol::spawn(watch!("connection", async move {
            let result = handle(stream, server).await; // <19>
            connection.closed(result);
        }))
        .detach();
    }
}

fn main() {
    let server = Server::start("smol"); // <20>
    smol::block_on(async {
        let listener = TcpListener::bind(server.addr()).await; // <21>
        let listener = listener.unwrap_or_else(|err| server.cannot_listen(err));
        server.listening(listener.local_addr());
        serve(listener, server).await;
        let grace = async {
            Timer::after(server.grace()).await;
        };
        let _all_closed = server.all_closed().or(grace).await; // <22>
    });
    server.exit();
}
