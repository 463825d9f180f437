//! Plumbing shared by the flags clients (as `flags2_common.py` was in the
//! Python original): options, the server to download from, showing codes,
//! saving files, the final report. The download loop and its concurrency are
//! the lesson and stay in each variant's file.
//!
//! The flag server the clients download from lives here too ([`FlagServer`]).

mod art;
mod countries;
mod error;
pub mod flags2;
mod server;
mod site;

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{OnceLock, PoisonError, RwLock};
use std::time::{Duration, Instant};

pub use art::{draw_flags, flag_gif};
pub use countries::{country_codes, country_name};
pub use error::Error;
pub use labs::cli::seconds_within;
pub use server::{Config, Delay, FlagServer, probability};
pub use site::Site;

/// The 20 most populous countries, as in the workshop.
pub const POP20_CC: [&str; 20] = [
    "CN", "IN", "US", "ID", "BR", "PK", "NG", "BD", "RU", "JP", "MX", "PH", "VN", "ET", "EG", "DE",
    "IR", "TR", "CD", "FR",
];

/// Where the flags are saved, relative to the current directory, unless
/// `--dest` says otherwise.
pub const DEST_DIR: &str = "downloads";

/// How long one request may take by default (the Python originals used 3.1
/// and 6.1 s): from connecting to the last byte of the body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The most bytes accepted for one answer: a flag is about 1 KB, so a longer
/// body is not a flag, and is not read to the end.
pub const MAX_FLAG_BYTES: usize = 64 * 1024;

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
    /// Give up on a flag after this many seconds [0.1 to 60].
    #[arg(long, value_name = "SECS", default_value = "5", allow_hyphen_values = true,
          value_parser = seconds_within(0.1, 60.0))]
    pub timeout: Duration,
}

static SHOWN: AtomicBool = AtomicBool::new(false);

/// The folder flags are saved in: [`DEST_DIR`] unless `--dest` was given.
static DEST: OnceLock<PathBuf> = OnceLock::new();

fn dest_dir() -> &'static Path {
    DEST.get_or_init(|| PathBuf::from(DEST_DIR))
}

/// Creates the folder the flags go to (before the clock starts).
pub fn create_dest_dir(dir: &Path) -> Result<(), Error> {
    let _ = DEST.set(dir.to_path_buf());
    fs::create_dir_all(dir).map_err(|source| Error::Folder {
        path: dir.into(),
        source,
    })
}

/// Prints a country code once its flag is saved, on the line of codes, and
/// sends it on at once, as Python's `print(cc, end=' ', flush=True)`: Rust's
/// stdout holds text back until the end of the line, which comes after the
/// last flag. Once nobody reads any more (`flags-sequential | head -1`), the
/// program ends here, at the next code, instead of downloading the rest.
pub fn show(cc: &str) {
    print_now(format_args!("{cc} "));
    SHOWN.store(true, Ordering::SeqCst);
}

/// Writes `text` to stdout and flushes it. If that fails, the program ends
/// as a failed `println!` ends it (see `labs::parse_args`): quietly, with
/// status 141, when the reader is gone; with one line and status 1 otherwise.
/// But first it waits for the files being saved, and lets no other start:
/// the process must not end with half of one written.
pub(crate) fn print_now(text: fmt::Arguments) {
    let mut out = io::stdout().lock();
    let Err(err) = out.write_fmt(text).and_then(|()| out.flush()) else {
        return;
    };
    drop(out);
    let _no_more_saving = SAVING.write().unwrap_or_else(PoisonError::into_inner);
    match err
        .raw_os_error()
        .and_then(labs::platform::reader_gone_status)
    {
        Some(status) => std::process::exit(status),
        None => labs::cli::fail(1, format!("cannot print the results: {err}")),
    }
}

/// Held (shared) while a file is being saved, and for good by [`print_now`]
/// when the program must end.
static SAVING: RwLock<()> = RwLock::new(());

/// Saves a flag as `downloads/{cc}.gif` (lower case), whole or not at all.
pub fn save_flag(image: &[u8], cc: &str) -> Result<(), Error> {
    save_as(image, &format!("{}.gif", cc.to_lowercase()))
}

/// Saves `bytes` as `filename` in the downloads folder, whole or not at all:
/// it writes a hidden temporary file in the same folder, then renames it.
/// With `--timeline`, each file saved is an instant in the picture (`saved`).
pub fn save_as(bytes: &[u8], filename: &str) -> Result<(), Error> {
    let dir = dest_dir();
    let path = dir.join(filename);
    let temp = dir.join(format!(".{filename}.part{}", std::process::id()));
    let _saving = SAVING.read().unwrap_or_else(PoisonError::into_inner);
    if let Err(source) = fs::write(&temp, bytes).and_then(|()| fs::rename(&temp, &path)) {
        let _ = fs::remove_file(&temp);
        return Err(Error::Save { path, source });
    }
    labs::timeline::event("saved");
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
    let site: &'static Site = Box::leak(Box::new(site.with_timeout(args.timeout)));
    if let Err(err) = create_dest_dir(Path::new(DEST_DIR)) {
        labs::cli::fail(1, err.describe(site));
    }
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
    // The flags the client asks for are drawn now, not while the clock runs.
    draw_flags(&POP20_CC);
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
