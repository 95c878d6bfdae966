//! Requests as a polite operator: robots.txt asked once per site and obeyed, one request
//! at a time per site with at least [`Options::interval`] between them (longer when
//! robots.txt sets a `Crawl-delay`), retries with exponential backoff on 5xx, 429 and
//! timeouts (a `Retry-After` in seconds honoured), an identifying User-Agent.

use crate::links::origin;
use crate::Options;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use ureq::ResponseExt;

/// The product token robots.txt groups are matched against.
pub const ROBOTS_AGENT: &str = "jixiao";
/// Longest wait between attempts or requests the server may ask for.
const MAX_WAIT: Duration = Duration::from_secs(60);

/// A response.
pub(crate) struct Fetched {
    pub status: u16,
    pub body: Vec<u8>,
    pub content_type: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// The URL that answered, after redirects.
    pub final_url: String,
}

/// One request's outcome: the response and its `Retry-After`, or the error and
/// whether it is worth another try.
type Attempt = Result<(Fetched, Option<Duration>), (String, bool)>;

/// What robots.txt of a site says.
enum Rules {
    /// No robots.txt (4xx): everything allowed.
    All,
    /// robots.txt could not be fetched (5xx, network): nothing is, for this run.
    Unreachable(String),
    Robot {
        /// The file's text (matched anew for each URL).
        body: String,
        /// Its `Crawl-delay` for us.
        delay: Option<Duration>,
    },
}

/// Collects the `Crawl-delay` of the groups that name us or `*` (ours wins).
#[derive(Default)]
struct Delay {
    group_is_ours: bool,
    group_is_any: bool,
    in_agents: bool,
    ours: Option<f64>,
    any: Option<f64>,
}

impl robotstxt::RobotsParseHandler for Delay {
    fn handle_robots_start(&mut self) {}
    fn handle_robots_end(&mut self) {}
    fn handle_user_agent(&mut self, _: u32, agent: &str) {
        if !self.in_agents {
            self.group_is_ours = false;
            self.group_is_any = false;
        }
        self.in_agents = true;
        let agent = agent.trim().to_ascii_lowercase();
        self.group_is_ours |= agent.starts_with(ROBOTS_AGENT);
        self.group_is_any |= agent == "*";
    }
    fn handle_allow(&mut self, _: u32, _: &str) {
        self.in_agents = false;
    }
    fn handle_disallow(&mut self, _: u32, _: &str) {
        self.in_agents = false;
    }
    fn handle_sitemap(&mut self, _: u32, _: &str) {}
    fn handle_unknown_action(&mut self, _: u32, action: &str, value: &str) {
        self.in_agents = false;
        if !action.eq_ignore_ascii_case("crawl-delay") {
            return;
        }
        let Ok(v) = value.trim().parse::<f64>() else {
            return;
        };
        if self.group_is_ours {
            self.ours = Some(v);
        } else if self.group_is_any {
            self.any = Some(v);
        }
    }
}

fn crawl_delay(body: &str) -> Option<Duration> {
    let mut d = Delay::default();
    robotstxt::parse_robotstxt(body, &mut d);
    d.ours
        .or(d.any)
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map(|v| Duration::from_secs_f64(v.min(MAX_WAIT.as_secs_f64())))
}

/// The HTTP client of a sync.
pub(crate) struct Client {
    agent: ureq::Agent,
    opts: Options,
    last: HashMap<String, Instant>,
    robots: HashMap<String, Rules>,
}

fn is_retryable(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}

impl Client {
    pub fn new(opts: &Options) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(opts.timeout))
            .http_status_as_error(false)
            .max_redirects(5)
            .user_agent(&opts.user_agent)
            .build()
            .into();
        Client {
            agent,
            opts: opts.clone(),
            last: HashMap::new(),
            robots: HashMap::new(),
        }
    }

    /// Waits until the site of `url` may be asked again.
    fn wait_turn(&mut self, url: &str) {
        let site = origin(url).unwrap_or_default();
        let delay = match self.robots.get(&site) {
            Some(Rules::Robot { delay, .. }) => delay.unwrap_or_default(),
            _ => Duration::ZERO,
        };
        let gap = self.opts.interval.max(delay);
        if let Some(t) = self.last.get(&site) {
            let since = t.elapsed();
            if since < gap {
                std::thread::sleep(gap - since);
            }
        }
        self.last.insert(site, Instant::now());
    }

    /// `Err(reason)` when robots.txt of the URL's site disallows it.
    pub fn allowed(&mut self, url: &str) -> Result<(), String> {
        let site = origin(url).ok_or_else(|| "not an http(s) URL".to_string())?;
        if !self.robots.contains_key(&site) {
            let rules = self.fetch_robots(&site);
            self.robots.insert(site.clone(), rules);
        }
        match self.robots.get(&site) {
            Some(Rules::Robot { body, .. })
                if !robotstxt::DefaultMatcher::default().one_agent_allowed_by_robots(
                    body,
                    ROBOTS_AGENT,
                    url,
                ) =>
            {
                Err("disallowed by robots.txt".into())
            }
            Some(Rules::Unreachable(why)) => Err(format!("robots.txt unreachable ({why})")),
            _ => Ok(()),
        }
    }

    fn fetch_robots(&mut self, site: &str) -> Rules {
        let url = format!("{site}/robots.txt");
        match self.get(&url, None, None) {
            Ok(f) if f.status == 200 => {
                let body = String::from_utf8_lossy(&f.body).into_owned();
                let delay = crawl_delay(&body);
                Rules::Robot { body, delay }
            }
            Ok(f) if is_retryable(f.status) => Rules::Unreachable(format!("HTTP {}", f.status)),
            Ok(_) => Rules::All,
            Err(e) => Rules::Unreachable(e),
        }
    }

    /// GETs `url` (conditionally, with the previous ETag / Last-Modified), retrying
    /// 5xx, 429 and failures to connect or answer in time. The last attempt's answer is
    /// returned, whatever its status.
    pub fn get(
        &mut self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<Fetched, String> {
        let mut attempt = 0u32;
        loop {
            self.wait_turn(url);
            let outcome = self.once(url, etag, last_modified);
            let retry_after = match &outcome {
                Ok((f, after)) if is_retryable(f.status) => Some(*after),
                Err((_, true)) => Some(None),
                _ => None,
            };
            match retry_after {
                Some(after) if attempt < self.opts.retries => {
                    let backoff = self.opts.backoff.saturating_mul(1 << attempt.min(16));
                    let wait = after.unwrap_or(backoff).min(MAX_WAIT);
                    let why = match &outcome {
                        Ok((f, _)) => format!("HTTP {}", f.status),
                        Err((e, _)) => e.clone(),
                    };
                    tracing::info!(
                        "{url}: {why}; retry {} of {} in {:.1} s",
                        attempt + 1,
                        self.opts.retries,
                        wait.as_secs_f64()
                    );
                    std::thread::sleep(wait);
                    attempt += 1;
                }
                _ => return outcome.map(|(f, _)| f).map_err(|(e, _)| e),
            }
        }
    }

    /// One request: the response and its `Retry-After`, or the error and whether it is
    /// worth another try.
    fn once(&self, url: &str, etag: Option<&str>, last_modified: Option<&str>) -> Attempt {
        let mut req = self.agent.get(url);
        if let Some(e) = etag {
            req = req.header("If-None-Match", e);
        }
        if let Some(m) = last_modified {
            req = req.header("If-Modified-Since", m);
        }
        let mut resp = req.call().map_err(|e| match e {
            ureq::Error::Timeout(_) => ("timed out".to_string(), true),
            ureq::Error::Io(e) => (e.to_string(), true),
            ureq::Error::ConnectionFailed => ("connection failed".to_string(), true),
            e => (e.to_string(), false),
        })?;
        let status = resp.status().as_u16();
        let final_url = resp.get_uri().to_string();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let (etag, last_modified) = (header("etag"), header("last-modified"));
        let content_type = header("content-type").unwrap_or_default();
        let retry_after = header("retry-after")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = if status == 200 {
            resp.body_mut()
                .with_config()
                .limit(self.opts.max_bytes)
                .read_to_vec()
                .map_err(|e| match e {
                    ureq::Error::BodyExceedsLimit(n) => {
                        (format!("larger than the {n}-byte cap"), false)
                    }
                    ureq::Error::Timeout(_) => ("timed out".to_string(), true),
                    e => (e.to_string(), true),
                })?
        } else {
            Vec::new()
        };
        Ok((
            Fetched {
                status,
                body,
                content_type,
                etag,
                last_modified,
                final_url,
            },
            retry_after,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crawl_delay_of_our_group_wins_over_any() {
        let txt = "User-agent: *\nDisallow: /private/\nCrawl-delay: 5\n\n\
                   User-agent: Jixiao\nUser-agent: other\nCrawl-delay: 2.5\nDisallow: /x/\n";
        assert_eq!(crawl_delay(txt), Some(Duration::from_millis(2500)));
        assert_eq!(
            crawl_delay("User-agent: *\nCrawl-delay: 500\n"),
            Some(MAX_WAIT)
        );
        assert_eq!(crawl_delay("User-agent: other\nCrawl-delay: 9\n"), None);
        let allowed = |url: &str| {
            robotstxt::DefaultMatcher::default().one_agent_allowed_by_robots(
                "User-agent: *\nDisallow: /site/private/\n",
                ROBOTS_AGENT,
                url,
            )
        };
        assert!(!allowed("http://h.org/site/private/a.pdf"));
        assert!(allowed("http://h.org/site/a.pdf?x=/site/private/"));
    }
}
