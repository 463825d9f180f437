//! The flag server of lab 4: serves the 194 flags and their metadata over
//! HTTP, with an optional delay and error rate, for the flags clients.
//!
//!     cargo run --release --bin flags-server -- [--delay 0.5] [--error-rate 0.1] [-v]
//!     cargo run --release --bin flags-server -- --bind 0.0.0.0   # serve the room
//!
//! The server itself is `flags::FlagServer` (flags/src/server.rs); clients
//! start one in process when given no `--server`.

use std::io::ErrorKind;
use std::net::IpAddr;
use std::time::Duration;

use flags::{Config, Delay, FlagServer, country_codes};

/// Serve the flags of 194 countries over HTTP.
#[derive(Debug, clap::Parser)]
#[command(version)]
struct Args {
    /// Port to listen on [0 to 65535; 0 picks a free one].
    #[arg(long, default_value_t = 8000, allow_negative_numbers = true)]
    port: u16,
    /// Address to listen on: 0.0.0.0 serves every network the machine is on.
    #[arg(
        long,
        value_name = "IP",
        default_value = "127.0.0.1",
        allow_hyphen_values = true
    )]
    bind: IpAddr,
    /// Wait this long before each answer: SECS, or MIN..MAX for a uniform
    /// random delay [each 0 to 60].
    #[arg(
        long,
        value_name = "SECS|MIN..MAX",
        default_value = "0",
        allow_hyphen_values = true
    )]
    delay: Delay,
    /// Probability of answering 418 I'm a teapot instead [0 to 1].
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = flags::probability,
          allow_hyphen_values = true)]
    error_rate: f64,
    /// Probability of resetting the connection instead of answering [0 to 1].
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = flags::probability,
          allow_hyphen_values = true)]
    reset_rate: f64,
    /// Probability of never answering, so that the client's timeout fires [0 to 1].
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = flags::probability,
          allow_hyphen_values = true)]
    stall_rate: f64,
    /// Probability of cutting a body off mid-way (Content-Length promises more
    /// than is sent) [0 to 1].
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = flags::probability,
          allow_hyphen_values = true)]
    cut_rate: f64,
    /// Seed for the random delays and errors: the same seed gives the same
    /// outcomes [0 to 18446744073709551615].
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    seed: Option<u64>,
    /// Close a connection that sends no request within this time, or stays
    /// idle this long between requests [0.1 to 600].
    #[arg(long, value_name = "SECS", default_value = "10",
          value_parser = flags::seconds_within(0.1, 600.0), allow_hyphen_values = true)]
    header_timeout: Duration,
    /// Connections served at once; more wait to be accepted [1 to 100000].
    #[arg(long, value_name = "N", default_value_t = 10_000, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    max_connections: u32,
    /// Print one line per request.
    #[arg(short, long)]
    verbose: bool,
}

fn main() {
    let args: Args = labs::parse_args();
    let config = Config {
        bind: args.bind,
        port: args.port,
        delay: args.delay,
        error_rate: args.error_rate,
        reset_rate: args.reset_rate,
        stall_rate: args.stall_rate,
        cut_rate: args.cut_rate,
        seed: args.seed,
        verbose: args.verbose,
        header_timeout: args.header_timeout,
        max_connections: args.max_connections as usize,
    };
    let server = FlagServer::start(config).unwrap_or_else(|err| match err.kind() {
        ErrorKind::AddrInUse => labs::cli::fail(
            1,
            format!(
                "port {} is already in use (another flags-server? try --port)",
                args.port
            ),
        ),
        _ => labs::cli::fail(
            1,
            format!("cannot listen on {}:{}: {err}", args.bind, args.port),
        ),
    });
    let seed = args
        .seed
        .map_or("random".to_string(), |seed| seed.to_string());
    let chaos: String = [
        ("reset", args.reset_rate),
        ("stall", args.stall_rate),
        ("cut", args.cut_rate),
    ]
    .iter()
    .filter(|(_, rate)| *rate > 0.0)
    .map(|(name, rate)| format!(", {name} rate {rate}"))
    .collect();
    println!(
        "Serving {} flags at {} (delay {}, error rate {}{chaos}, seed {seed}). Ctrl-C to stop.",
        country_codes().len(),
        server.url(),
        args.delay,
        args.error_rate,
    );
    if args.bind.is_unspecified() {
        println!(
            "Listening on every network: others use http://<this machine's address>:{}/flags",
            server.addr().port()
        );
    }
    server.wait();
}
