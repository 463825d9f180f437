//! The row server of Lab 7 on its own, for the experiments that need the
//! client in another process: Ctrl-C the client, and this server's log
//! says whether it said goodbye or vanished.
//!
//!     cargo run --bin streams-server -- --drip 300
//!     cargo run --bin streams-tokio -- --server 127.0.0.1:2324   (in another terminal)

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use clap::Parser;

#[derive(Parser)]
#[command(
    version,
    about = "The row server of the streams lab: ROWS n, then QUIT"
)]
struct Args {
    /// Address to listen on (0.0.0.0 serves the room)
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
    /// Port to listen on (0: any free port)
    #[arg(long, default_value_t = 2324, allow_hyphen_values = true)]
    port: u16,
    /// Milliseconds between the two halves of each row (and after each), 0 to 1000
    #[arg(long, value_name = "MS", default_value_t = 100, allow_hyphen_values = true,
          value_parser = clap::value_parser!(u64).range(0..=1000))]
    drip: u64,
}

fn main() {
    let args: Args = labs::parse_args();
    let addr = SocketAddr::new(args.bind, args.port);
    let drip = Duration::from_millis(args.drip);
    let server = streams::Server::start_on(addr, drip)
        .unwrap_or_else(|err| labs::cli::fail(1, format!("cannot listen on {addr}: {err}")));
    let addr = server.addr();
    println!(
        "streams-server on {addr}, each row in two halves {} ms apart",
        args.drip
    );
    println!("try: cargo run --bin streams-tokio-select -- --server {addr}   (Ctrl-C to stop)");
    loop {
        println!("{}", server.wait_farewell());
    }
}
