//! One error type for every client: what went wrong (`Display`), and why
//! (`source()`, as deep as the libraries say).

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::Site;

/// Why a download, or a whole run, failed.
#[derive(Debug)]
pub enum Error {
    /// No complete answer within the client's timeout.
    Timeout,
    /// Could not talk to the server: refused, reset, cut short, garbled...
    /// The source says what exactly.
    Network(Box<dyn StdError + Send + Sync>),
    /// The server answered with a status other than 200 OK (no redirect is
    /// followed: a 301 is an answer like any other).
    Status(u16),
    /// The body was longer than [`crate::MAX_FLAG_BYTES`].
    TooLarge,
    /// A country's metadata was not the JSON expected.
    Metadata(Box<dyn StdError + Send + Sync>),
    /// Could not create the folder for the files.
    Folder { path: PathBuf, source: io::Error },
    /// Could not save a file.
    Save { path: PathBuf, source: io::Error },
    /// The async runtime could not start.
    Runtime(io::Error),
    /// A download task or thread panicked (its message is already printed).
    Panicked,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Timeout => f.write_str("timed out"),
            Error::Network(source) => f.write_str(network_trouble(source.as_ref())),
            Error::Status(status) => {
                let reason = hyper::StatusCode::from_u16(*status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("");
                write!(f, "{}", format!("{status} {reason}").trim_end())
            }
            Error::TooLarge => write!(f, "a body longer than {} KiB", crate::MAX_FLAG_BYTES / 1024),
            // The folder is the person's `--dest`: shortened and escaped.
            Error::Folder { path, .. } => write!(f, "cannot create the folder {}", shown(path)),
            Error::Save { path, .. } => write!(f, "cannot save {}", shown(path)),
            Error::Runtime(_) => f.write_str("cannot start the async runtime"),
            Error::Metadata(_) => f.write_str("unexpected metadata"),
            Error::Panicked => f.write_str("a download task panicked"),
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Error::Network(source) => Some(source.as_ref()),
            Error::Metadata(source) => Some(source.as_ref()),
            Error::Folder { source, .. } | Error::Save { source, .. } | Error::Runtime(source) => {
                Some(source)
            }
            _ => None,
        }
    }
}

impl Error {
    /// This error and its sources, each once: "network error: error reading
    /// a body from connection: end of file before message length reached".
    pub fn chain(&self) -> String {
        let mut text = self.to_string();
        let mut source = self.source();
        while let Some(cause) = source {
            let cause_text = cause.to_string();
            // Some libraries repeat their source in their own message.
            if !text.ends_with(&cause_text) {
                text = format!("{text}: {cause_text}");
            }
            source = cause.source();
        }
        text
    }

    /// The one line a person sees at the end of a failed run.
    pub fn describe(&self, site: &Site) -> String {
        match self {
            Error::Timeout => format!(
                "the flag server at {site} did not answer within {}s",
                site.timeout().as_secs_f64()
            ),
            // The same words whichever library saw it; the library's own
            // words only when they are all we have.
            Error::Network(source) if network_trouble(source.as_ref()) == OTHER => format!(
                "cannot download from the flag server at {site}: {}",
                self.chain()
                    .trim_start_matches(OTHER)
                    .trim_start_matches(": ")
            ),
            Error::Network(_) => format!("cannot download from the flag server at {site}: {self}"),
            Error::Status(_) => format!("the flag server at {site} answered {self}"),
            Error::Metadata(_) => format!("the flag server at {site} sent {}", self.chain()),
            Error::TooLarge => format!("the flag server at {site} sent {self}"),
            _ => self.chain(),
        }
    }
}

/// A path in a message: see `labs::cli::echo`.
fn shown(path: &std::path::Path) -> String {
    labs::cli::echo(&path.display().to_string())
}

const OTHER: &str = "network error";

/// What went wrong on the network, in the same words for every HTTP library:
/// found by the kind of the I/O error somewhere in the chain of sources.
fn network_trouble(err: &(dyn StdError + 'static)) -> &'static str {
    let mut cause = Some(err);
    while let Some(err) = cause {
        if let Some(io) = err.downcast_ref::<io::Error>() {
            match io.kind() {
                io::ErrorKind::ConnectionRefused => return "connection refused",
                io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => {
                    return "connection reset by the server";
                }
                io::ErrorKind::UnexpectedEof => return CLOSED,
                _ => {}
            }
        }
        if err
            .downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_incomplete_message)
        {
            return CLOSED;
        }
        cause = err.source();
    }
    OTHER
}

const CLOSED: &str = "connection closed before the answer was complete";

impl From<io::Error> for Error {
    fn from(err: io::Error) -> Self {
        match err.kind() {
            io::ErrorKind::TimedOut => Error::Timeout,
            _ => Error::Network(Box::new(err)),
        }
    }
}

impl From<hyper::Error> for Error {
    fn from(err: hyper::Error) -> Self {
        Error::Network(Box::new(err))
    }
}

impl From<hyper::http::Error> for Error {
    fn from(err: hyper::http::Error) -> Self {
        Error::Network(Box::new(err))
    }
}

/// What `http_body_util::Limited` fails with: too long, or the body's own error.
impl From<Box<dyn StdError + Send + Sync>> for Error {
    fn from(err: Box<dyn StdError + Send + Sync>) -> Self {
        if err.is::<http_body_util::LengthLimitError>() {
            return Error::TooLarge;
        }
        Error::Network(err)
    }
}

impl From<ureq::Error> for Error {
    fn from(err: ureq::Error) -> Self {
        match err {
            ureq::Error::StatusCode(status) => Error::Status(status),
            ureq::Error::Timeout(_) => Error::Timeout,
            ureq::Error::BodyExceedsLimit(_) => Error::TooLarge,
            ureq::Error::Io(err) => Error::from(err),
            other => Error::Network(Box::new(other)),
        }
    }
}

/// A task that did not finish: it panicked (tokio prints the panic), or was
/// cancelled, which these clients never do.
impl From<tokio::task::JoinError> for Error {
    fn from(_: tokio::task::JoinError) -> Self {
        Error::Panicked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_says_why_and_the_words_do_not_depend_on_the_library() {
        let eof = io::Error::new(io::ErrorKind::UnexpectedEof, "Peer disconnected");
        let err = Error::from(eof);
        assert_eq!(err.to_string(), CLOSED);
        assert_eq!(err.chain(), format!("{CLOSED}: Peer disconnected"));
        let odd = Error::from(io::Error::other("garbled"));
        assert_eq!(odd.chain(), "network error: garbled");
        let site = Site::parse("http://localhost:8000/flags").unwrap();
        assert_eq!(
            odd.describe(&site),
            "cannot download from the flag server at http://localhost:8000/flags: garbled"
        );
        let save = Error::Save {
            path: "downloads/cn.gif".into(),
            source: io::Error::other("disk full"),
        };
        assert_eq!(
            save.describe(&site),
            "cannot save downloads/cn.gif: disk full"
        );
        assert!(save.source().is_some());
    }
}
