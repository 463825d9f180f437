//! Helpers for the charfinder tests: servers started as real processes with
//! a deadline, and plain TCP clients with timeouts.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::ops::{Deref, DerefMut};
use std::process::Command;
use std::time::Duration;

use labs::testkit::Running;

/// How long anything in a test may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// The open-files limit the tests ask for: room for every client socket of
/// the tests running at once.
const OPEN_FILES_WANTED: u64 = 4096;

/// A server binary running in the background, and where it listens;
/// killed when dropped. It is a [`Running`] program too: its output, its
/// end, signals.
pub struct Server {
    process: Running,
    pub addr: SocketAddr,
}

impl Server {
    /// Starts `bin` with `args` (plus `--port 0`) and waits for the banner
    /// that says where it listens.
    pub fn start(bin: &str, args: &[&str]) -> Server {
        let mut command = Command::new(bin);
        command.args(["--port", "0"]).args(args);
        Server::spawn(command)
    }

    /// [`Server::start`] with a limit of `files` open files (the shell's
    /// `ulimit -n`), to see what the server does when it runs out.
    #[cfg(unix)]
    pub fn start_with_open_files(bin: &str, args: &[&str], files: u32) -> Server {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("ulimit -n {files} && exec \"$0\" \"$@\""))
            .args([bin, "--port", "0"])
            .args(args);
        Server::spawn(command)
    }

    pub fn spawn(mut command: Command) -> Server {
        // The tests run side by side in one process, and together hold more
        // client sockets than the 256 files macOS allows by default.
        static RAISED: std::sync::Once = std::sync::Once::new();
        RAISED.call_once(|| {
            labs::platform::raise_open_files_limit(OPEN_FILES_WANTED);
        });
        let mut process = Running::start(&mut command);
        let banner = process.wait_for_line(|line| line.contains(" serving on "), DEADLINE);
        let rest = banner.split(" serving on ").nth(1).unwrap();
        let addr = rest.trim_start_matches("http://");
        let addr = addr
            .split(['/', ':', ' '])
            .take(2)
            .collect::<Vec<_>>()
            .join(":");
        Server {
            process,
            addr: addr.parse().unwrap(),
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// A client connection with read and write timeouts.
    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect_timeout(&self.addr, DEADLINE).expect("connect");
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        stream.set_write_timeout(Some(DEADLINE)).unwrap();
        stream
    }

    /// Sends `input`, closes the sending side, and reads everything back.
    pub fn session(&self, input: &[u8]) -> String {
        let mut stream = self.connect();
        stream.write_all(input).unwrap();
        let _ = stream.shutdown(Shutdown::Write);
        read_to_end(&mut stream)
    }
}

impl Deref for Server {
    type Target = Running;

    fn deref(&self) -> &Running {
        &self.process
    }
}

impl DerefMut for Server {
    fn deref_mut(&mut self) -> &mut Running {
        &mut self.process
    }
}

/// Reads until the server closes (or resets) the connection.
pub fn read_to_end(stream: &mut TcpStream) -> String {
    let mut bytes = Vec::new();
    let mut buffer = [0; 64 * 1024];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&buffer[..n]),
            Err(err) if err.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => panic!("reading: {err} after {:?}", String::from_utf8_lossy(&bytes)),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Reads until `bytes` ends with `end`.
pub fn read_until(stream: &mut TcpStream, end: &str) -> String {
    let mut bytes = Vec::new();
    let mut byte = [0];
    while !bytes.ends_with(end.as_bytes()) {
        match stream.read(&mut byte) {
            Ok(1) => bytes.push(byte[0]),
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            other => panic!(
                "reading up to {end:?}: {other:?} after {:?}",
                String::from_utf8_lossy(&bytes)
            ),
        }
    }
    String::from_utf8(bytes).unwrap()
}

/// GETs `url` with a deadline: status, content type, body.
pub fn get(url: &str) -> Result<(u16, String, String), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(DEADLINE))
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|err| err.to_string())?;
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = response
        .body_mut()
        .read_to_string()
        .map_err(|err| err.to_string())?;
    Ok((response.status().as_u16(), content_type, body))
}
