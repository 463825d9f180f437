//! Lab 6, charfinder, threads: a TCP server that finds Unicode characters
//! by the words of their names, one OS thread per connection (std only).
//!
//!     cargo run --bin charfinder-thread      then, in another terminal: nc 127.0.0.1 2323
//!
//! The classic design: `accept` blocks, each connection gets a thread whose
//! reads and writes block. Simple, and fine for a few hundred clients; each
//! thread has its own stacks (one in the process, one in the kernel), so ten
//! thousand idle clients cost several times what ten thousand tasks do (see
//! `charfinder-bench`). Compare with
//! `diff charfinder/src/bin/charfinder-{thread,tokio}.rs`.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

use charfinder::{LINE_LIMIT, READ_BUFFER, Server};
use labs::timeline::span;

fn handle(stream: TcpStream, server: &Server) -> io::Result<()> {
    let (reader, mut writer) = (&stream, &stream); // <1>
    let mut reader = BufReader::with_capacity(READ_BUFFER, reader).take(0);
    writer.write_all(&server.greeting())?;
    let mut session = server.session();
    stream.set_read_timeout(Some(server.idle()))?;
    stream.set_write_timeout(Some(server.idle()))?;
    loop {
        reader.set_limit(LINE_LIMIT); // <2>
        reader.read_until(b'\n', session.line())?; // <3>
        let reply = session.reply(); // <4>
        writer.write_all(reply.text())?; // <5>
        if reply.is_last() {
            return Ok(());
        }
    }
}

fn serve(listener: TcpListener, server: &'static Server) {
    loop {
        let accepted = listener.accept(); // <15>
        if server.is_stopping() {
            break;
        }
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(err) => {
                let pause = server.cannot_accept(err);
                thread::sleep(pause);
                continue;
            }
        };
        let connection = server.opened(peer); // <16>
        let spawned = thread::Builder::new().spawn(move || {
            let result = span("connection", || handle(stream, server)); // <19>
            connection.closed(result);
        });
        if let Err(err) = spawned {
            server.report(err);
        }
    }
}

fn main() {
    let server = Server::start("thread"); // <20>
    let listener = TcpListener::bind(server.addr()); // <21>
    let listener = listener.unwrap_or_else(|err| server.cannot_listen(err));
    server.listening(listener.local_addr());
    serve(listener, server);
    let _all_closed = server.wait_all_closed(server.grace()); // <22>
    server.exit();
}
