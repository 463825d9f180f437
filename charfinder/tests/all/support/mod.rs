//! Helpers for the charfinder tests: servers started as real processes with
//! a deadline, and plain TCP clients with timeouts.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long anything in a test may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// The open-files limit the tests ask for: room for every client socket of
/// the tests running at once.
const OPEN_FILES_WANTED: u64 = 4096;

/// A server binary running in the background; killed when dropped.
pub struct Running {
    child: Child,
    pub addr: SocketAddr,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

/// Collects a child's pipe into a string, on its own thread.
fn collect(
    pipe: impl Read + Send + 'static,
    into: Arc<Mutex<String>>,
    banner: Option<mpsc::Sender<String>>,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if let Some(banner) = &banner {
                let _ = banner.send(line.clone());
            }
            let mut text = into.lock().unwrap();
            text.push_str(&line);
            text.push('\n');
        }
    })
}

impl Running {
    /// Starts `bin` with `args` (plus `--port 0`) and waits for the banner
    /// that says where it listens.
    pub fn start(bin: &str, args: &[&str]) -> Running {
        let mut command = Command::new(bin);
        command.args(["--port", "0"]).args(args);
        Running::spawn(command, bin)
    }

    /// [`Running::start`] with a limit of `files` open files (the shell's
    /// `ulimit -n`), to see what the server does when it runs out.
    #[cfg(unix)]
    pub fn start_with_open_files(bin: &str, args: &[&str], files: u32) -> Running {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("ulimit -n {files} && exec \"$0\" \"$@\""))
            .args([bin, "--port", "0"])
            .args(args);
        Running::spawn(command, bin)
    }

    pub fn spawn(mut command: Command, bin: &str) -> Running {
        // The tests run side by side in one process, and together hold more
        // client sockets than the 256 files macOS allows by default.
        static RAISED: std::sync::Once = std::sync::Once::new();
        RAISED.call_once(|| {
            labs::platform::raise_open_files_limit(OPEN_FILES_WANTED);
        });
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|err| panic!("{bin}: {err}"));
        let (stdout, stderr) = (Arc::default(), Arc::default());
        let (banner, lines) = mpsc::channel();
        collect(
            child.stdout.take().unwrap(),
            Arc::clone(&stdout),
            Some(banner),
        );
        collect(child.stderr.take().unwrap(), Arc::clone(&stderr), None);
        let mut running = Running {
            child,
            addr: "0.0.0.0:0".parse().unwrap(),
            stdout,
            stderr,
        };
        let start = Instant::now();
        loop {
            let left = DEADLINE.saturating_sub(start.elapsed());
            let line = lines.recv_timeout(left).unwrap_or_else(|_| {
                panic!("{bin}: no banner within {DEADLINE:?}: {}", running.stderr())
            });
            if let Some(rest) = line.split(" serving on ").nth(1) {
                let addr = rest.trim_start_matches("http://");
                let addr = addr
                    .split(['/', ':', ' '])
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(":");
                running.addr = addr.parse().unwrap();
                return running;
            }
        }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
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

    /// Ctrl-C: SIGINT to the server process.
    #[cfg(unix)]
    pub fn interrupt(&self) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// SIGTERM to the server process (what `kill` and service managers send).
    #[cfg(unix)]
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the server to exit, at most `within`.
    pub fn wait(&mut self, within: Duration) -> Option<ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < within {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the pipe readers catch the last lines.
                thread::sleep(Duration::from_millis(50));
                return Some(status);
            }
            thread::sleep(Duration::from_millis(10));
        }
        None
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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

/// Runs a binary to the end (at most [`DEADLINE`]): exit code, stdout, stderr.
pub fn run(bin: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let mut child = Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (stdout, stderr) = (Arc::default(), Arc::default());
    let readers = [
        collect(child.stdout.take().unwrap(), Arc::clone(&stdout), None),
        collect(child.stderr.take().unwrap(), Arc::clone(&stderr), None),
    ];
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("{bin} {args:?} still running after {DEADLINE:?}");
        }
        thread::sleep(Duration::from_millis(10));
    };
    for reader in readers {
        let _ = reader.join();
    }
    let out = stdout.lock().unwrap().clone();
    let err = stderr.lock().unwrap().clone();
    (status.code(), out, err)
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
