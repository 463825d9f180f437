//! Plumbing shared by the flags clients (as `flags2_common.py` was in the
//! Python original): options, the server to download from, showing codes,
//! saving files, the final report. The download loop and its concurrency are
//! the lesson and stay in each variant's file.
//!
//! The flag server the clients download from lives here too ([`FlagServer`]).

mod art;
mod countries;
mod server;

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub use art::flag_gif;
pub use countries::{country_codes, country_name};
pub use server::{Config, Delay, FlagServer, probability};

/// The 20 most populous countries, as in the workshop.
pub const POP20_CC: [&str; 20] = [
    "CN", "IN", "US", "ID", "BR", "PK", "NG", "BD", "RU", "JP", "MX", "PH", "VN", "ET", "EG", "DE",
    "IR", "TR", "CD", "FR",
];

/// Where the flags are saved, relative to the current directory.
pub const DEST_DIR: &str = "downloads";

/// The delay of the server a client starts when given no `--server`: long
/// enough to see the difference (about 10 s sequential, 0.6 s concurrent),
/// and a little different for each request, as on a real network, so that
/// concurrent answers arrive in a different order every run.
pub const LOCAL_DELAY: Delay = Delay {
    min: Duration::from_millis(400),
    max: Duration::from_millis(600),
};

/// Download the flags of the 20 most populous countries.
#[derive(Debug, clap::Parser)]
#[command(version)]
pub struct Args {
    /// Base URL of a running flag server, e.g. http://localhost:8000/flags.
    /// Without it, a flag server with a 0.4..0.6 s delay starts in this process.
    #[arg(long, value_name = "URL", value_parser = Site::parse)]
    pub server: Option<Site>,
}

/// A flag server's base URL, split for the HTTP clients.
#[derive(Clone, Debug)]
pub struct Site {
    base: String,
    host: String,
    path: String,
}

impl Site {
    /// Parses `http://host[:port][/path]` (with `http::Uri`); the port
    /// defaults to 80 and the path to `/flags`. No user name, query or
    /// fragment: they have no place in a flag's URL.
    pub fn parse(url: &str) -> Result<Site, String> {
        const EXAMPLE: &str = "like http://localhost:8000/flags";
        let uri: hyper::Uri = url
            .trim()
            .parse()
            .map_err(|err| format!("not a URL ({err}): expected one {EXAMPLE}"))?;
        if !uri
            .scheme_str()
            .is_some_and(|s| s.eq_ignore_ascii_case("http"))
        {
            return Err(format!("expected a plain http:// URL, {EXAMPLE}"));
        }
        let authority = match uri.authority() {
            Some(authority) if !authority.host().is_empty() => authority,
            _ => return Err(format!("expected a host name after http://, {EXAMPLE}")),
        };
        if authority.as_str().contains('@') {
            return Err("expected no user name in the URL".to_string());
        }
        if uri.query().is_some() || url.contains('#') {
            return Err(format!(
                "expected no ?query or #fragment in the URL, {EXAMPLE}"
            ));
        }
        // `port()` is None both without a port and with one out of range.
        let port = match authority.port().map(|port| port.as_u16()) {
            None if authority.as_str() == authority.host() => 80,
            None | Some(0) => {
                return Err("expected a port number from 1 to 65535 after the host".into());
            }
            Some(port) => port,
        };
        let host = format!("{}:{port}", authority.host().to_ascii_lowercase());
        let path = match uri.path().trim_end_matches('/') {
            "" => "/flags".to_string(),
            path => path.to_string(),
        };
        Ok(Site {
            base: format!("http://{host}{path}"),
            host,
            path,
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:8000/flags`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `host:port`, to connect to and to send as the `Host` header.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The path of a flag on the server: `/flags/cn/cn.gif`.
    pub fn flag_path(&self, cc: &str) -> String {
        let cc = cc.to_lowercase();
        format!("{}/{cc}/{cc}.gif", self.path)
    }

    /// The full URL of a flag: `http://127.0.0.1:8000/flags/cn/cn.gif`.
    pub fn flag_url(&self, cc: &str) -> String {
        format!("http://{}{}", self.host, self.flag_path(cc))
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base)
    }
}

/// Why a download failed. `main` turns it into one line on stderr.
#[derive(Debug)]
pub enum Error {
    /// Could not talk to the server (refused, reset, garbled...).
    Network(String),
    /// The server answered with an error status.
    Status(u16),
    /// Could not create the folder for the files.
    Folder { path: PathBuf, source: io::Error },
    /// Could not save a file.
    Save { path: PathBuf, source: io::Error },
}

impl From<io::Error> for Error {
    fn from(err: io::Error) -> Self {
        Error::Network(err.to_string())
    }
}

impl From<hyper::Error> for Error {
    fn from(err: hyper::Error) -> Self {
        Error::Network(err.to_string())
    }
}

impl From<hyper::http::Error> for Error {
    fn from(err: hyper::http::Error) -> Self {
        Error::Network(err.to_string())
    }
}

impl From<ureq::Error> for Error {
    fn from(err: ureq::Error) -> Self {
        match err {
            ureq::Error::StatusCode(status) => Error::Status(status),
            ureq::Error::Io(err) => Error::from(err),
            other => Error::Network(other.to_string()),
        }
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(err: tokio::task::JoinError) -> Self {
        // A task only fails to finish if it panicked; let the panic through.
        std::panic::resume_unwind(err.into_panic())
    }
}

impl Error {
    /// The one line a person sees, naming the server.
    pub fn describe(&self, site: &Site) -> String {
        match self {
            Error::Network(message) => {
                format!("cannot download from the flag server at {site}: {message}")
            }
            Error::Status(status) => {
                let reason = hyper::StatusCode::from_u16(*status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("");
                format!("the flag server at {site} answered {status} {reason}")
                    .trim_end()
                    .to_string()
            }
            Error::Folder { path, source } => {
                format!("cannot create the folder {}: {source}", path.display())
            }
            Error::Save { path, source } => {
                format!("cannot save {}: {source}", path.display())
            }
        }
    }
}

static SHOWN: AtomicBool = AtomicBool::new(false);

/// A clap value parser for a number of seconds from `min` to `max`.
pub fn seconds_within(min: f64, max: f64) -> impl Fn(&str) -> Result<Duration, String> + Clone {
    move |text: &str| {
        let range = || format!("expected a number of seconds from {min} to {max}");
        let value: f64 = text.trim().parse().map_err(|_| range())?;
        if !(min..=max).contains(&value) {
            return Err(range());
        }
        Duration::try_from_secs_f64(value).map_err(|_| range())
    }
}

/// Prints a country code as its flag arrives, on the line of codes.
pub fn show(cc: &str) {
    let mut out = io::stdout().lock();
    // A closed stdout is no reason to stop downloading.
    let _ = write!(out, "{cc} ").and_then(|()| out.flush());
    SHOWN.store(true, Ordering::SeqCst);
}

/// Saves a flag as `downloads/{cc}.gif` (lower case), whole or not at all:
/// it writes a temporary file in the same folder, then renames it.
pub fn save_flag(image: &[u8], cc: &str) -> Result<(), Error> {
    let dir = Path::new(DEST_DIR);
    let cc = cc.to_lowercase();
    let path = dir.join(format!("{cc}.gif"));
    let temp = dir.join(format!(".{cc}.gif.part{}", std::process::id()));
    let failed = |source| Error::Save {
        path: path.clone(),
        source,
    };
    fs::create_dir_all(dir).map_err(|source| Error::Folder {
        path: dir.into(),
        source,
    })?;
    if let Err(err) = fs::write(&temp, image).and_then(|()| fs::rename(&temp, &path)) {
        let _ = fs::remove_file(&temp);
        return Err(failed(err));
    }
    Ok(())
}

/// What every variant's `main` does, as `main(download_many)` did in the
/// Python original: read the options, find (or start) a server, time
/// `download_many` on the 20 codes and report.
pub fn main(download_many: fn(&'static Site, &[&'static str]) -> Result<usize, Error>) {
    let args: Args = labs::parse_args();
    let (site, _server) = match args.server {
        Some(site) => (site, None),
        None => start_local_server(),
    };
    // The site lives as long as the program: spawned tasks may borrow it.
    let site: &'static Site = Box::leak(Box::new(site));
    let started = Instant::now();
    let result = download_many(site, &POP20_CC);
    let elapsed = started.elapsed();
    if SHOWN.load(Ordering::SeqCst) {
        println!();
    }
    match result {
        Ok(count) => println!("{count} flags downloaded in {:.2}s", elapsed.as_secs_f64()),
        Err(err) => labs::cli::fail(1, err.describe(site)),
    }
}

fn start_local_server() -> (Site, Option<FlagServer>) {
    let config = Config {
        delay: LOCAL_DELAY,
        ..Config::default()
    };
    let server = FlagServer::start(config)
        .unwrap_or_else(|err| labs::cli::fail(1, format!("cannot start a flag server: {err}")));
    let site = Site::parse(&server.url())
        .unwrap_or_else(|err| labs::cli::fail(1, format!("bad server URL: {err}")));
    println!(
        "No --server given: serving flags from this process at {site} ({LOCAL_DELAY} delay per request)"
    );
    (site, Some(server))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls_are_split_for_the_clients() {
        let site = Site::parse("http://localhost:8000/flags").unwrap();
        assert_eq!(site.host(), "localhost:8000");
        assert_eq!(site.flag_path("CN"), "/flags/cn/cn.gif");
        assert_eq!(site.flag_url("CN"), "http://localhost:8000/flags/cn/cn.gif");
        assert_eq!(
            Site::parse("http://10.0.0.7:8000").unwrap().base(),
            "http://10.0.0.7:8000/flags"
        );
        assert_eq!(
            Site::parse("http://example.org/x/").unwrap().base(),
            "http://example.org:80/x"
        );
        assert_eq!(
            Site::parse("HTTP://LocalHost:8000/").unwrap().base(),
            "http://localhost:8000/flags"
        );
        assert_eq!(
            Site::parse("http://[::1]:8000").unwrap().host(),
            "[::1]:8000"
        );
        for bad in [
            "localhost:8000",
            "https://a:1/flags",
            "http://",
            "http://a:99999/flags",
            "http://a:0/flags",
            "http://a/flags?x=1",
            "http://a/flags#frag",
            "http://me@a/flags",
            "/flags",
        ] {
            assert!(Site::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
