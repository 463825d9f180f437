//! `labs serve [SERVER OPTIONS]`: runs the flag server (`flags-server`) for
//! the room, after printing the URLs participants should give their clients.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, TcpListener, UdpSocket};
use std::path::Path;
use std::process::{Command, Stdio, exit};

use labs::catalog::{Catalog, workspace};
use labs::cli::fail;

use super::run::exec_command;
use super::{build, built, cargo_run};

/// The flag server's port unless told otherwise (as `flags-server` says).
pub const DEFAULT_PORT: u16 = 8000;

/// The flag server's binary.
const SERVER: &str = "flags-server";

pub fn serve(catalog: &Catalog, args: &[String]) -> ! {
    if !catalog.binaries().iter().any(|binary| binary == SERVER) {
        fail(1, format!("labs.toml lists no {SERVER}"));
    }
    let asks_help = args
        .iter()
        .any(|arg| matches!(arg.as_str(), "-h" | "--help" | "-V" | "--version"));
    let (Some((bind, port)), false) = (address(args), asks_help) else {
        // Help, or options the server itself will explain.
        exec_command(cargo_run(SERVER, args));
    };
    build(&[SERVER.to_string()]);
    if let Err(err) = TcpListener::bind((bind, port)) {
        fail(
            1,
            format!("cannot listen on {bind}:{port}: {err} (another flag server? try --port)"),
        );
    }
    let Some(server) = built(SERVER) else {
        exec_command(cargo_run(SERVER, args));
    };
    let got = try_out(&server, args).unwrap_or(port);
    print!("{}", urls(bind, got, &local_addresses()));
    // The server becomes this process: Ctrl-C, `kill` and the exit status
    // are its own.
    let mut command = Command::new(server);
    command
        .current_dir(workspace())
        .args(with_port(args, port, got));
    let err = labs::platform::exec(command);
    fail(1, format!("cannot start {SERVER}: {err}"))
}

/// Starts the server with `args`, reads the first line it prints once it
/// serves, and stops it: the port it got, if the line says. A server that
/// refuses its options (or cannot listen) says why on stderr and ends: then
/// this program ends with its status, having printed nothing of its own.
fn try_out(server: &Path, args: &[String]) -> Option<u16> {
    let mut trial = Command::new(server);
    labs::platform::end_with_this_process(&mut trial);
    let mut trial = trial
        .args(args)
        .current_dir(workspace())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| fail(1, format!("cannot start {SERVER}: {err}")));
    let output = trial.stdout.take().expect("stdout is piped");
    let first = BufReader::new(output).lines().next().and_then(Result::ok);
    let _ = trial.kill();
    let status = trial.wait();
    match first {
        Some(line) => served_port(&line),
        None => exit(status.map_or(1, labs::platform::shell_status)),
    }
}

/// `args` asking for the port the trial got when they asked for any (`--port 0`).
fn with_port(args: &[String], asked: u16, got: u16) -> Vec<String> {
    if asked != 0 || got == 0 {
        return args.to_vec();
    }
    let mut out = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                args.next();
            }
            _ if arg.starts_with("--port=") => {}
            _ => out.push(arg.clone()),
        }
    }
    out.extend(["--port".to_string(), got.to_string()]);
    out
}

/// The port in the server's first line, `Serving 194 flags at
/// http://127.0.0.1:8000/flags (...)`.
fn served_port(line: &str) -> Option<u16> {
    let url = line
        .split_whitespace()
        .find(|word| word.starts_with("http://"))?;
    let host_and_port = url.trim_start_matches("http://").split('/').next()?;
    host_and_port.rsplit_once(':')?.1.parse().ok()
}

/// The `--bind` and `--port` among the server's options, with the server's
/// defaults; `None` when one of them is not valid (the server says why).
fn address(args: &[String]) -> Option<(IpAddr, u16)> {
    let mut bind = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut port = DEFAULT_PORT;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (arg.as_str(), None),
        };
        match name {
            "--bind" => bind = inline.or_else(|| args.next().cloned())?.parse().ok()?,
            "--port" => port = inline.or_else(|| args.next().cloned())?.parse().ok()?,
            _ => {}
        }
    }
    Some((bind, port))
}

/// What to tell the room: the URL of each address the server can be
/// reached at, and the command a participant runs.
fn urls(bind: IpAddr, port: u16, local: &[IpAddr]) -> String {
    let url = |ip: IpAddr| match ip {
        IpAddr::V6(ip) => format!("http://[{ip}]:{port}/flags"),
        IpAddr::V4(ip) => format!("http://{ip}:{port}/flags"),
    };
    let mut text = String::new();
    if bind.is_unspecified() {
        let reachable: Vec<&IpAddr> = local
            .iter()
            .filter(|ip| ip.is_ipv4() == bind.is_ipv4() || bind.is_ipv6())
            .collect();
        if reachable.is_empty() {
            text += "This machine has no network address besides loopback: connect it to the room's network.\n";
        } else {
            text += "Participants on the same network use one of these (the one of the network you share):\n";
            for ip in reachable {
                text += &format!("  {}\n", url(*ip));
            }
        }
        text += &format!(
            "On this machine: {}\n",
            url(IpAddr::V4(Ipv4Addr::LOCALHOST))
        );
    } else {
        text += &format!("Serving this machine only: {}\n", url(bind));
        text += "(add --bind 0.0.0.0 to serve the room)\n";
    }
    text += "A participant runs: cargo run --bin flags-tokio -- --server URL\n\n";
    text
}

/// This machine's addresses on the networks it is connected to: for each
/// kind of network (the three private IPv4 ranges, the internet, IPv6), the
/// address the system would send from. Connecting a UDP socket sends
/// nothing; it only asks the routing table. (The standard library cannot
/// list interfaces; this finds the ones with a route, which are the ones
/// participants can reach.)
fn local_addresses() -> Vec<IpAddr> {
    let targets: [(IpAddr, IpAddr); 5] = [
        (
            Ipv4Addr::UNSPECIFIED.into(),
            Ipv4Addr::new(10, 255, 255, 255).into(),
        ),
        (
            Ipv4Addr::UNSPECIFIED.into(),
            Ipv4Addr::new(172, 31, 255, 255).into(),
        ),
        (
            Ipv4Addr::UNSPECIFIED.into(),
            Ipv4Addr::new(192, 168, 255, 255).into(),
        ),
        (
            Ipv4Addr::UNSPECIFIED.into(),
            Ipv4Addr::new(192, 0, 2, 1).into(),
        ),
        (
            Ipv6Addr::UNSPECIFIED.into(),
            Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1).into(),
        ),
    ];
    let mut found = BTreeSet::new();
    for (any, target) in targets {
        let local = UdpSocket::bind((any, 0))
            .and_then(|socket| {
                socket.connect((target, 9))?;
                socket.local_addr()
            })
            .map(|addr| addr.ip());
        if let Some(ip) = local
            .ok()
            .filter(|ip| !ip.is_loopback() && !ip.is_unspecified())
        {
            found.insert(ip);
        }
    }
    found.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn address_reads_bind_and_port_in_both_spellings() {
        let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let any = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
        assert_eq!(address(&args("--delay 0.5")), Some((localhost, 8000)));
        assert_eq!(
            address(&args("--bind 0.0.0.0 --port=9000")),
            Some((any, 9000))
        );
        assert_eq!(
            address(&args("--bind=0.0.0.0 -v --port 80")),
            Some((any, 80))
        );
        assert_eq!(address(&args("--port 99999")), None);
        assert_eq!(address(&args("--bind")), None);
    }

    #[test]
    fn with_port_replaces_port_0_with_the_port_got() {
        assert_eq!(
            with_port(&args("--port 0 -v"), 0, 4000),
            args("-v --port 4000")
        );
        assert_eq!(
            with_port(&args("--port=0 --bind 0.0.0.0"), 0, 4000),
            args("--bind 0.0.0.0 --port 4000")
        );
        assert_eq!(with_port(&args("--port 80"), 80, 80), args("--port 80"));
    }

    #[test]
    fn served_port_is_read_from_the_servers_first_line() {
        let line = "Serving 194 flags at http://127.0.0.1:43121/flags (delay 0, error rate 0, seed random). Ctrl-C to stop.";
        assert_eq!(served_port(line), Some(43121));
        assert_eq!(served_port("Serving at http://[::1]:80/flags ."), Some(80));
        assert_eq!(served_port("Serving"), None);
    }

    #[test]
    fn urls_name_each_local_address_when_serving_the_room() {
        let local = [
            IpAddr::V4(Ipv4Addr::new(192, 168, 1, 20)),
            IpAddr::V4(Ipv4Addr::new(10, 0, 0, 5)),
            "fd00::5".parse().unwrap(),
        ];
        let text = urls(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 8000, &local);
        assert_eq!(
            text,
            "Participants on the same network use one of these (the one of the network you share):\n  \
             http://192.168.1.20:8000/flags\n  http://10.0.0.5:8000/flags\n\
             On this machine: http://127.0.0.1:8000/flags\n\
             A participant runs: cargo run --bin flags-tokio -- --server URL\n\n"
        );
        let text = urls(IpAddr::V4(Ipv4Addr::LOCALHOST), 8001, &local);
        assert!(text.starts_with("Serving this machine only: http://127.0.0.1:8001/flags\n"));
    }
}
