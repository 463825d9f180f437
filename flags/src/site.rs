//! The flag server a client downloads from: its URL, split for the HTTP
//! clients, and how long to wait for each answer.

use std::fmt;
use std::time::Duration;

/// A flag server's base URL, split for the HTTP clients, with the timeout
/// for each request and the blocking clients' `ureq` agent.
#[derive(Clone, Debug)]
pub struct Site {
    base: String,
    host: String,
    path: String,
    timeout: Duration,
    agent: ureq::Agent,
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
            timeout: crate::DEFAULT_TIMEOUT,
            agent: agent(crate::DEFAULT_TIMEOUT),
        })
    }

    /// The same site with another timeout for each request.
    pub fn with_timeout(mut self, timeout: Duration) -> Site {
        self.timeout = timeout;
        self.agent = agent(timeout);
        self
    }

    /// How long one request may take, from connecting to the body's end.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The blocking clients' HTTP agent, with the same policies as the
    /// async clients: no proxy, the timeout covers the whole request, no
    /// redirect is followed, and every status comes back as an answer (not
    /// an error), so that each variant checks for 200 OK itself.
    pub fn agent(&self) -> &ureq::Agent {
        &self.agent
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

    /// The path of a country's metadata: `/flags/cn/metadata.json`.
    pub fn metadata_path(&self, cc: &str) -> String {
        format!("{}/{}/metadata.json", self.path, cc.to_lowercase())
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

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        // Not through a proxy named in the environment (`HTTP_PROXY`, ...),
        // which ureq would use by default: straight to the flag server.
        .proxy(None)
        .timeout_global(Some(timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .into()
}
