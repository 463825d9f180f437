//! The plumbing of the HTTP servers (`charfinder-web` and the façade): the
//! options, the query string, the JSON answer, the page, and the responses.
//! The lesson (how the answer is found) is in the variant files.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Response, StatusCode, Uri};
use serde_json::json;

use crate::server::Listen;
use crate::{LINE_LIMIT, Page, name};
use labs::cli::seconds_within;

/// The search page: plain HTML and a script, no build step, no framework.
/// It asks `/search?q=...` as you type and shows the answer; names are set
/// as text, never as markup.
pub const PAGE: &str = include_str!("page.html");

/// Find Unicode characters by the words of their names, over HTTP:
/// `GET /search?q=cat+face` answers JSON, `GET /` is a search page.
#[derive(Debug, clap::Parser)]
#[command(version)]
pub struct WebArgs {
    #[command(flatten)]
    pub listen: Listen,
    /// Close a connection after this many seconds without a request [0.1 to 3600].
    #[arg(long, value_name = "SECS", default_value = "60", allow_hyphen_values = true,
          value_parser = seconds_within(0.1, 3600.0))]
    pub idle: Duration,
}

/// An HTTP service with charfinder-web's API that answers by asking
/// charfinder TCP servers (`--backend`, repeatable) at the same time.
#[derive(Debug, clap::Parser)]
#[command(version)]
pub struct FacadeArgs {
    #[command(flatten)]
    pub listen: Listen,
    /// A charfinder TCP server to ask, as IP:PORT; repeat for more.
    #[arg(
        long = "backend",
        value_name = "IP:PORT",
        default_value = "127.0.0.1:2323"
    )]
    pub backends: Vec<SocketAddr>,
    /// How long to wait for each backend's answer, in seconds [0.1 to 60].
    #[arg(long, value_name = "SECS", default_value = "2", allow_hyphen_values = true,
          value_parser = seconds_within(0.1, 60.0))]
    pub timeout: Duration,
    /// Close a connection after this many seconds without a request [0.1 to 3600].
    #[arg(long, value_name = "SECS", default_value = "60", allow_hyphen_values = true,
          value_parser = seconds_within(0.1, 3600.0))]
    pub idle: Duration,
}

/// The most bytes the façade reads of one backend's answer: a full page
/// ([`PAGE_SIZE`](crate::PAGE_SIZE) lines of at most about 100 bytes) is
/// under 12 KB. A backend that sends more is not a charfinder server (or
/// is broken): its answer is refused, not buffered.
pub const ANSWER_LIMIT: u64 = 64 * 1024;

/// The query of a request, as a TCP server reads it: the `q` parameter of
/// the query string, decoded (`+` is a space), on one line; then, if the
/// request has `offset=N`, ` +N` (the next page, see [`PAGE_SIZE`]); at
/// most as long as a TCP server accepts. Recorded as the instant `query`
/// with `--timeline`.
///
/// [`PAGE_SIZE`]: crate::PAGE_SIZE
pub fn query_of(uri: &Uri) -> String {
    labs::timeline::event("query");
    let param = |name: &str| {
        let raw = uri
            .query()
            .unwrap_or_default()
            .split('&')
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
            .unwrap_or_default()
            .replace('+', " ");
        percent_encoding::percent_decode_str(&raw)
            .decode_utf8_lossy()
            .into_owned()
    };
    let mut query = param("q").split_whitespace().collect::<Vec<_>>().join(" ");
    let offset = param("offset").trim().parse::<usize>().unwrap_or(0);
    let suffix = if offset > 0 {
        format!(" +{offset}")
    } else {
        String::new()
    };
    let mut end = query.len().min(LINE_LIMIT as usize - 1 - suffix.len());
    while !query.is_char_boundary(end) {
        end -= 1;
    }
    query.truncate(end);
    query + &suffix
}

/// A backend the façade could not use, and why.
#[derive(Debug, Clone)]
pub struct Failure {
    pub backend: SocketAddr,
    pub error: String,
}

impl Failure {
    pub fn new(backend: SocketAddr, error: io::Error) -> Failure {
        // The usual failures in words of our own: the same on every
        // system (the OS's messages differ).
        let error = match error.kind() {
            io::ErrorKind::TimedOut => "no answer in time".to_string(),
            io::ErrorKind::ConnectionRefused => "connection refused (is it running?)".to_string(),
            io::ErrorKind::ConnectionReset => "connection reset".to_string(),
            _ => error.to_string(),
        };
        Failure { backend, error }
    }
}

/// The JSON answer of `/search`:
///
/// ```json
/// {"query": "cat face", "count": 10,
///  "chars": [{"code": "U+1F431", "char": "🐱", "name": "CAT FACE"}, ...],
///  "failed": [{"backend": "127.0.0.1:2324", "error": "no answer in time"}]}
/// ```
pub fn json_answer(query: &str, chars: &[char], failed: &[Failure]) -> String {
    json_of(query, 0, chars, chars.len(), None, failed)
}

/// The JSON answer of `/search` for one page of matches: `count` is how
/// many this answer holds, `total` how many the query has in all,
/// `offset` how many come before, and `next` the `offset` of the next
/// page (`null` on the last):
///
/// ```json
/// {"query": "cjk", "offset": 0, "count": 100, "total": 97058, "next": 100,
///  "chars": [...], "failed": []}
/// ```
pub fn json_page(page: &Page) -> String {
    json_of(
        page.words,
        page.offset,
        &page.chars,
        page.total,
        page.next(),
        &[],
    )
}

fn json_of(
    query: &str,
    offset: usize,
    chars: &[char],
    total: usize,
    next: Option<usize>,
    failed: &[Failure],
) -> String {
    let chars: Vec<_> = chars
        .iter()
        .map(|&c| json!({"code": format!("U+{:04X}", u32::from(c)), "char": c.to_string(), "name": name(c)}))
        .collect();
    let failed: Vec<_> = failed
        .iter()
        .map(|failure| json!({"backend": failure.backend.to_string(), "error": failure.error}))
        .collect();
    json!({
        "query": query, "offset": offset, "count": chars.len(), "total": total, "next": next,
        "chars": chars, "failed": failed,
    })
    .to_string()
}

/// The characters of a TCP server's whole answer to one query (the
/// greeting, the match lines, the count, the prompt, `Bye.`): checks that
/// the count line agrees. Of a query with more than a page of matches,
/// these are the page's.
pub fn parse_answer(text: &str) -> io::Result<Vec<char>> {
    let bad = |what: &str| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("not a charfinder answer: {what}"),
        )
    };
    if text.len() as u64 >= ANSWER_LIMIT {
        return Err(bad(&format!(
            "more than {} KB (a page of matches takes under 12 KB)",
            ANSWER_LIMIT / 1024
        )));
    }
    let mut chars = Vec::new();
    let mut count = None;
    for line in text.lines() {
        let line = line.strip_prefix(crate::PROMPT).unwrap_or(line);
        if let Some(code) = line.strip_prefix("U+") {
            let hex = code.split('\t').next().unwrap_or_default();
            let c = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
            chars.push(c.ok_or_else(|| bad(line))?);
        } else if let Some(n) = line
            .strip_suffix(" matches")
            .or(line.strip_suffix(" match"))
        {
            count = Some(n.parse::<usize>().map_err(|_| bad(line))?);
        } else if let Some(range) = line.strip_prefix("matches ") {
            // One page of a bigger answer: `matches 1 to 100 of 97058; more: ...`
            let mut numbers = range
                .split([' ', ';'])
                .filter_map(|n| n.parse::<usize>().ok());
            let (first, last) = (numbers.next(), numbers.next());
            let n = first
                .zip(last)
                .and_then(|(first, last)| (last + 1).checked_sub(first));
            count = Some(n.ok_or_else(|| bad(line))?);
        } else if line.starts_with("no matches past ") {
            count = Some(0);
        } else if line.starts_with("error: ") {
            return Err(io::Error::other(line.to_string()));
        }
    }
    match count {
        // An empty query is an empty line: the server says `Bye.` at once.
        None if chars.is_empty() && text.ends_with("?> Bye.\n") => Ok(chars),
        Some(n) if n == chars.len() => Ok(chars),
        Some(_) => Err(bad("the count does not match the lines")),
        None => Err(bad("no count line (cut short?)")),
    }
}

pub type Answer = Response<Full<Bytes>>;

/// `GET /`: the page.
pub fn page() -> Answer {
    body(StatusCode::OK, "text/html; charset=utf-8", PAGE.to_string())
}

/// A JSON answer.
pub fn json(text: String) -> Answer {
    body(StatusCode::OK, "application/json", text)
}

/// 404 for any other path.
pub fn not_found() -> Answer {
    body(
        StatusCode::NOT_FOUND,
        "text/plain; charset=utf-8",
        "not found\n".to_string(),
    )
}

/// 405 for any method but GET.
pub fn only_get(method: &Method) -> Option<Answer> {
    if method == Method::GET || method == Method::HEAD {
        return None;
    }
    let mut response = body(
        StatusCode::METHOD_NOT_ALLOWED,
        "text/plain; charset=utf-8",
        "only GET\n".to_string(),
    );
    response
        .headers_mut()
        .insert(ALLOW, HeaderValue::from_static("GET"));
    Some(response)
}

fn body(status: StatusCode, content_type: &'static str, text: String) -> Answer {
    let mut response = Response::new(Full::new(Bytes::from(text)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_is_decoded_and_kept_to_one_short_line() {
        let query = |uri: &str| query_of(&uri.parse().unwrap());
        assert_eq!(query("/search?q=cat+face"), "cat face");
        assert_eq!(query("/search?x=1&q=caf%C3%A9%20%0Ableu"), "café bleu");
        assert_eq!(query("/search"), "");
        assert_eq!(query("/search?q=%FF"), "\u{FFFD}");
        assert_eq!(query(&format!("/search?q={}", "é".repeat(600))).len(), 1022);
        assert_eq!(query("/search?q=cjk&offset=100"), "cjk +100");
        assert_eq!(query("/search?offset=x&q=cjk"), "cjk");
        assert_eq!(query("/search?q=cjk&offset=0"), "cjk");
        let long = query(&format!("/search?q={}&offset=100", "é".repeat(600)));
        assert!(long.len() <= 1023 && long.ends_with("é +100"), "{long}");
    }

    #[test]
    fn an_answer_parses_back_into_its_characters() {
        let text = "charfinder-tokio: ...\nType words\n?> U+1F431\t🐱\tCAT FACE\nU+1F638\t😸\tGRINNING CAT FACE WITH SMILING EYES\n2 matches\n?> Bye.\n";
        assert_eq!(parse_answer(text).unwrap(), ['🐱', '😸']);
        assert_eq!(parse_answer("?> 0 matches\n?> Bye.\n").unwrap(), []);
        assert!(parse_answer("?> U+1F431\t🐱\tCAT FACE\n").is_err());
        assert_eq!(parse_answer("greeting\n?> Bye.\n").unwrap(), []);
        assert!(parse_answer("greeting\n?> ").is_err());
        assert!(parse_answer("?> U+1F431\t🐱\tCAT FACE\n2 matches\n").is_err());
        let page = "?> U+1F431\t🐱\tCAT FACE\nmatches 7 to 7 of 9; more: cat +7\n?> Bye.\n";
        assert_eq!(parse_answer(page).unwrap(), ['🐱']);
        let wrong = "?> U+1F431\t🐱\tCAT FACE\nmatches 7 to 8 of 9; more: cat +8\n?> Bye.\n";
        assert!(parse_answer(wrong).is_err());
        let flood = "U+0041\tA\tLATIN CAPITAL LETTER A\n".repeat(3000);
        let refused = parse_answer(&flood[..ANSWER_LIMIT as usize]).unwrap_err();
        assert!(refused.to_string().contains("more than 64 KB"), "{refused}");
        assert_eq!(
            parse_answer("?> no matches past 9: 9 in all\n?> Bye.\n").unwrap(),
            []
        );
    }

    #[test]
    fn the_json_answer_names_failed_backends() {
        let failed = [Failure::new(
            "127.0.0.1:9".parse().unwrap(),
            io::ErrorKind::TimedOut.into(),
        )];
        let json: serde_json::Value =
            serde_json::from_str(&json_answer("cat", &['😸'], &failed)).unwrap();
        assert_eq!(json["count"], 1);
        assert_eq!(
            json["chars"][0]["name"],
            "GRINNING CAT FACE WITH SMILING EYES"
        );
        assert_eq!(json["chars"][0]["code"], "U+1F638");
        assert_eq!(json["failed"][0]["backend"], "127.0.0.1:9");
        assert_eq!(json["failed"][0]["error"], "no answer in time");
    }
}
