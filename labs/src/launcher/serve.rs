//! `labs serve [SERVER OPTIONS]`: runs the flag server (`flags-server`) for
//! the room, after printing the URLs participants should give their clients.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, TcpListener, UdpSocket};

use labs::catalog::Catalog;
use labs::cli::fail;

use super::run::exec_command;
use super::{cargo, cargo_run};

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
    let Some((bind, port)) = address(args).filter(|_| !asks_help) else {
        // Help, or options the server itself will explain.
        exec_command(cargo_run(SERVER, args));
    };
    match cargo().args(["build", "--quiet", "--bin", SERVER]).status() {
        Ok(status) if status.success() => {}
        Ok(_) => fail(1, "the build failed (the errors are above)"),
        Err(err) => fail(1, format!("cannot start cargo: {err}")),
    }
    if let Err(err) = TcpListener::bind((bind, port)) {
        fail(
            1,
            format!("cannot listen on {bind}:{port}: {err} (another flag server? try --port)"),
        );
    }
    print!("{}", urls(bind, port, &local_addresses()));
    exec_command(cargo_run(SERVER, args))
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
