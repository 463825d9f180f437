//! Plumbing of the second and third series (`flags2_common.py` in the
//! Python original): the full command line, the server labels, the list of
//! codes, the counts, the progress bar, the reports. The download loop and
//! its concurrency stay in each variant's file.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::{Config, Delay, Error, FlagServer, Site, country_codes};

/// The seed of the ERROR server: the same 418s for the same codes, always.
pub const ERROR_SEED: u64 = 1914;

/// A server started in this process, by label, as the original's `-s`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    /// No delay, no errors.
    Local,
    /// A 0.5 s delay on each request.
    Delay,
    /// A 0.5 s delay, and a quarter of the requests answer 418 (seeded).
    Error,
}

impl Label {
    /// The server this label starts (the ERROR label's fates are seeded, so
    /// the same codes fail in every run).
    pub fn config(self) -> Config {
        let half_second = Delay::fixed(Duration::from_millis(500));
        match self {
            Label::Local => Config::default(),
            Label::Delay => Config {
                delay: half_second,
                ..Config::default()
            },
            Label::Error => Config {
                delay: half_second,
                error_rate: 0.25,
                seed: Some(ERROR_SEED),
                ..Config::default()
            },
        }
    }

    fn name(self) -> &'static str {
        match self {
            Label::Local => "LOCAL",
            Label::Delay => "DELAY",
            Label::Error => "ERROR",
        }
    }
}

/// Where to download from: a label, or the URL of a running flag server.
#[derive(Clone, Debug)]
pub enum Server {
    Label(Label),
    Url(Site),
}

fn server(text: &str) -> Result<Server, String> {
    match text.to_uppercase().as_str() {
        "LOCAL" => Ok(Server::Label(Label::Local)),
        "DELAY" => Ok(Server::Label(Label::Delay)),
        "ERROR" => Ok(Server::Label(Label::Error)),
        _ if text.contains("://") => Site::parse(text).map(Server::Url),
        _ => Err("expected LOCAL, DELAY, ERROR or a URL like http://localhost:8000/flags".into()),
    }
}

/// A country code, `BR`, or the first letter of codes, `B` (BA to BZ).
fn code(text: &str) -> Result<String, String> {
    let upper = text.to_ascii_uppercase();
    if (1..=2).contains(&upper.len()) && upper.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(upper)
    } else {
        Err("each CC must be a letter A to Z or a code AA to ZZ".into())
    }
}

/// Download flags for country codes. Default: top 20 countries by population.
#[derive(Debug, clap::Parser)]
#[command(version)]
pub struct Args {
    /// Country code or first letter (B for BA...BZ).
    #[arg(value_name = "CC", value_parser = code, allow_hyphen_values = false)]
    pub codes: Vec<String>,
    /// Get all 194 available flags (AD to ZW).
    #[arg(short, long, conflicts_with_all = ["codes", "every"])]
    pub all: bool,
    /// Get flags for every possible code, AA to ZZ (676 codes).
    #[arg(short, long, conflicts_with = "codes")]
    pub every: bool,
    /// Only the first N codes [1 to 676].
    #[arg(short, long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::value_parser!(u16).range(1..=676))]
    pub limit: Option<u16>,
    /// Most requests at once [1 to 1000] (default: 1 sequential, 30 threads, 5 async).
    #[arg(short, long = "max-req", value_name = "N", allow_negative_numbers = true,
          value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub max_req: Option<u16>,
    /// LOCAL (no delay), DELAY (0.5 s), ERROR (0.5 s and 25% errors), each
    /// started in this process, or the URL of a running flag server.
    #[arg(short, long, value_name = "LABEL|URL", default_value = "LOCAL", value_parser = server)]
    pub server: Server,
    /// Print one line per code instead of a progress bar.
    #[arg(short, long)]
    pub verbose: bool,
    /// Folder to save the flags in.
    #[arg(long, value_name = "DIR", default_value = crate::DEST_DIR)]
    pub dest: PathBuf,
    /// Give up on a request after this many seconds [0.1 to 60].
    #[arg(long, value_name = "SECS", default_value = "5", allow_hyphen_values = true,
          value_parser = crate::seconds_within(0.1, 60.0))]
    pub timeout: Duration,
}

/// The codes to download, sorted: every AA..ZZ, all 194, or those named
/// (a letter stands for its 26 codes); the 20 most populous by default.
pub fn expand_codes(args: &Args) -> Vec<String> {
    let letters = || (b'A'..=b'Z').map(char::from);
    let mut codes: Vec<String> = if args.every {
        letters()
            .flat_map(|a| letters().map(move |b| format!("{a}{b}")))
            .collect()
    } else if args.all {
        country_codes().iter().map(|cc| cc.to_string()).collect()
    } else {
        args.codes
            .iter()
            .flat_map(|cc| match cc.len() {
                1 => letters().map(|b| format!("{cc}{b}")).collect(),
                _ => vec![cc.clone()],
            })
            .collect()
    };
    if codes.is_empty() {
        codes = crate::POP20_CC.iter().map(|cc| cc.to_string()).collect();
    }
    codes.sort();
    codes.dedup();
    codes.truncate(args.limit.map_or(usize::MAX, usize::from));
    codes
}

/// The third series' file name for a flag: the country's name, spaces as
/// underscores, then the code, `United_Kingdom_of_Great_Britain_and_Northern_Ireland-gb.gif`.
/// Characters no file system takes everywhere (`/ \ : * ? " < > |`) are dropped.
pub fn flag_filename(country: &str, cc: &str) -> String {
    let name: String = country
        .chars()
        .filter(|c| {
            !matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') && !c.is_control()
        })
        .map(|c| if c == ' ' { '_' } else { c })
        .collect();
    format!("{name}-{}.gif", cc.to_lowercase())
}

/// The country's name in a `metadata.json`: `{"country": "China", ...}`.
pub fn country_from_json(bytes: &[u8]) -> Result<String, Error> {
    let metadata: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|err| Error::Metadata(err.into()))?;
    match metadata.get("country").and_then(serde_json::Value::as_str) {
        Some(country) => Ok(country.to_string()),
        None => Err(Error::Metadata("no \"country\" in it".into())),
    }
}

/// What `download_many` is told besides the site and the codes.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Requests at once: `-m`, but never more than the variant's maximum or
    /// the number of codes.
    pub concur_req: usize,
    pub verbose: bool,
}

/// How a download ended when it did not fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    NotFound,
}

/// The counts of the final report (Python's `Counter` of `DownloadStatus`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counter {
    pub ok: usize,
    pub not_found: usize,
    pub error: usize,
}

impl Counter {
    /// Counts one finished download; with `-v`, says how it ended.
    pub fn count(&mut self, cc: &str, result: Result<Status, Error>, verbose: bool) {
        let line = match result {
            Ok(Status::Ok) => {
                self.ok += 1;
                format!("{cc} OK")
            }
            Ok(Status::NotFound) => {
                self.not_found += 1;
                format!("{cc} not found")
            }
            Err(err) => {
                self.error += 1;
                format!("{cc} error: {}", err.chain())
            }
        };
        if verbose {
            // Not `println!`: a program that ends because its reader is gone
            // must not end in the middle of saving a file.
            crate::print_now(format_args!("{line}\n"));
        }
    }

    pub fn total(&self) -> usize {
        self.ok + self.not_found + self.error
    }
}

/// A progress bar on stderr while downloading (as the original's tqdm):
/// none with `-v` or when stderr is not a terminal; cleared when dropped, and
/// when the program is asked to stop (Ctrl-C, `kill`), so the terminal is
/// clean afterwards.
pub struct Progress(indicatif::ProgressBar);

/// The bar the stop handler clears.
static SHOWN: std::sync::OnceLock<indicatif::ProgressBar> = std::sync::OnceLock::new();

impl Progress {
    pub fn new(total: usize, verbose: bool) -> Progress {
        let bar = if verbose || !std::io::stderr().is_terminal() {
            indicatif::ProgressBar::hidden()
        } else {
            let style = indicatif::ProgressStyle::with_template(
                "{percent:>3}%|{wide_bar}| {pos}/{len} [{elapsed_precise}]",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
            let bar = indicatif::ProgressBar::new(total as u64).with_style(style);
            if SHOWN.set(bar.clone()).is_ok() {
                labs::platform::on_stop_request(|status| {
                    if let Some(bar) = SHOWN.get() {
                        // No more drawing from the download threads, then blank the line.
                        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
                        let _ = crossterm::execute!(
                            std::io::stderr(),
                            crossterm::cursor::MoveToColumn(0),
                            crossterm::terminal::Clear(crossterm::terminal::ClearType::CurrentLine)
                        );
                    }
                    std::process::exit(status)
                });
            }
            bar
        };
        Progress(bar)
    }

    /// One more download done.
    pub fn inc(&self) {
        self.0.inc(1);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// The signature every second- and third-series variant's `download_many` has.
pub type DownloadMany = fn(&'static Site, Vec<String>, Options) -> Result<Counter, Error>;

/// What every variant's `main` does (Python's `main(download_many,
/// DEFAULT_CONCUR_REQ, MAX_CONCUR_REQ)`): read the options, start or find
/// the server, report what will be done, time `download_many`, report.
pub fn main(download_many: DownloadMany, default_concur_req: usize, max_concur_req: usize) {
    let args: Args = labs::parse_args();
    let cc_list = expand_codes(&args);
    let max_req = args.max_req.map_or(default_concur_req, usize::from);
    let concur_req = max_req.min(max_concur_req).min(cc_list.len());
    // Room for both ends of every connection at once (the server may run in
    // this process), made now, before any thread starts or the clock runs.
    let open_files = u32::try_from(2 * concur_req + 64).unwrap_or(u32::MAX);
    labs::platform::raise_open_files_limit(open_files.into());
    labs::platform::reserve_file_descriptors(open_files);
    let (label, site, server) = match args.server.clone() {
        Server::Url(site) => ("REMOTE", site, None),
        Server::Label(label) => {
            let server = FlagServer::start(label.config()).unwrap_or_else(|err| {
                labs::cli::fail(1, format!("cannot start a flag server: {err}"))
            });
            let site = Site::parse(&server.url())
                .unwrap_or_else(|err| labs::cli::fail(1, format!("bad server URL: {err}")));
            (label.name(), site, Some(server))
        }
    };
    // The site lives as long as the program: spawned tasks may borrow it.
    let site: &'static Site = Box::leak(Box::new(site.with_timeout(args.timeout)));
    initial_report(label, site, &cc_list, concur_req);
    if let Err(err) = crate::create_dest_dir(&args.dest) {
        labs::cli::fail(1, err.describe(site));
    }
    if server.is_some() {
        // The server in this process draws its flags now, not while the clock runs.
        crate::draw_flags(&cc_list);
    }
    let options = Options {
        concur_req,
        verbose: args.verbose,
    };
    let started = Instant::now();
    let total = cc_list.len();
    let counter = download_many(site, cc_list, options)
        .unwrap_or_else(|err| labs::cli::fail(1, err.describe(site)));
    // A task that panicked sends no result: its channel just closes.
    if counter.total() != total {
        labs::cli::fail(1, Error::Panicked.describe(site));
    }
    final_report(&counter, started.elapsed());
}

fn initial_report(label: &str, site: &Site, cc_list: &[String], concur_req: usize) {
    let codes = if cc_list.len() <= 10 {
        cc_list.join(", ")
    } else {
        format!("from {} to {}", cc_list[0], cc_list[cc_list.len() - 1])
    };
    println!("{label} site: {site}");
    let plural = if cc_list.len() == 1 { "" } else { "s" };
    println!("Searching for {} flag{plural}: {codes}", cc_list.len());
    if concur_req == 1 {
        println!("1 connection will be used.");
    } else {
        println!("{concur_req} concurrent connections will be used.");
    }
}

fn final_report(counter: &Counter, elapsed: Duration) {
    println!("{}", "-".repeat(20));
    let plural = if counter.ok == 1 { "" } else { "s" };
    println!("{:3} flag{plural} downloaded.", counter.ok);
    if counter.not_found > 0 {
        println!("{:3} not found.", counter.not_found);
    }
    if counter.error > 0 {
        let plural = if counter.error == 1 { "" } else { "s" };
        println!("{:3} error{plural}.", counter.error);
    }
    println!("Elapsed time: {:.2}s", elapsed.as_secs_f64());
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn codes(argv: &[&str]) -> Vec<String> {
        let args = Args::try_parse_from(std::iter::once("flags2").chain(argv.iter().copied()))
            .expect("valid arguments");
        expand_codes(&args)
    }

    #[test]
    fn codes_expand_from_letters_all_every_and_limits() {
        assert_eq!(codes(&["cn", "B", "-l", "3"]), ["BA", "BB", "BC"]);
        assert_eq!(codes(&["us", "US", "br"]), ["BR", "US"]);
        assert_eq!(codes(&[]).len(), 20);
        assert_eq!(codes(&["-a"]).len(), 194);
        assert_eq!(codes(&["-e"]).len(), 676);
        assert_eq!(codes(&["-e", "-l", "2"]), ["AA", "AB"]);
    }

    #[test]
    fn file_names_are_safe_everywhere() {
        assert_eq!(flag_filename("Côte d'Ivoire", "CI"), "Côte_d'Ivoire-ci.gif");
        assert_eq!(flag_filename("a/b:c*?\"<>|\\", "XX"), "abc-xx.gif");
    }

    #[test]
    fn metadata_gives_the_country_or_says_why_not() {
        assert_eq!(
            country_from_json(br#"{"country": "Brazil"}"#).unwrap(),
            "Brazil"
        );
        for bad in [&b"{}"[..], b"not json", br#"{"country": 3}"#] {
            let err = country_from_json(bad).unwrap_err();
            assert!(
                err.chain().starts_with("unexpected metadata: "),
                "{}",
                err.chain()
            );
        }
    }
}
