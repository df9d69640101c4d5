//! External link checking with lychee-lib: every absolute http(s) link in
//! the generated HTML, deduplicated, checked concurrently with a per-host
//! limit, an overall timeout, retries with back-off, `Retry-After` on 429,
//! accepted status codes and exclude patterns, and a disk cache.
//!
//! [`gather`] finds the links and who links to them; [`check`] fetches the
//! ones the cache does not vouch for and returns a [`LinkReport`].

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use indexmap::IndexMap;
use lychee_lib::{ClientBuilder, FragmentCheckerOptions, Status, ratelimit::RateLimitConfig};
use regex::RegexSet;
use serde::Serialize;

use crate::config::LinkCheckConfig;
use crate::error::{SiteError, line_col};
use crate::links::cache::{self, LinkCache};
use crate::links::internal::{PageLinks, Target, classify};

/// How long the check waits for one of the linked hosts to answer before
/// it decides that the network cannot be reached.
pub const PROBE_DEADLINE: Duration = Duration::from_millis(1500);

/// How many hosts the probe tries, one after the other.
const PROBE_HOSTS: usize = 3;

/// A page that links to a URL, and the file the link is written in.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Referrer {
    /// The page's path on the site, e.g. `/repo/models/bert/`.
    pub page: String,
    /// The model YAML, Markdown page or template the link comes from.
    pub source: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

/// A link that did not pass.
#[derive(Debug, Clone, Serialize)]
pub struct BrokenLink {
    pub url: String,
    /// The status code or the error.
    pub status: String,
    pub referrers: Vec<Referrer>,
}

/// The outcome of an external check.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LinkReport {
    /// Distinct URLs found.
    pub total: usize,
    /// Fetched now.
    pub fetched: usize,
    /// Passed earlier, within the cache age: not fetched.
    pub cached: usize,
    /// Left alone by `exclude` patterns (or lychee's own exclusions).
    pub excluded: usize,
    pub broken: Vec<BrokenLink>,
    /// Set when no host could be reached at all: how many links went
    /// unchecked.
    pub unreachable: Option<usize>,
    /// Problems with the cache file, reported and otherwise ignored.
    pub warnings: Vec<String>,
}

/// Every external URL on the site and who links to it, in page order.
///
/// A link is attributed to the page's own data or Markdown file when it is
/// written there, else to the first of `data_files` that holds it (a
/// creator's or library's URL), else to the page's template.
pub fn gather(
    pages: &[&PageLinks],
    base_url: &str,
    base_path: &str,
    keep_fragments: bool,
    data_files: &[(PathBuf, Arc<str>)],
) -> IndexMap<String, Vec<Referrer>> {
    let mut out: IndexMap<String, Vec<Referrer>> = IndexMap::new();
    for page in pages {
        // Read once a page, and only for a page with external links: a
        // model's data file is read again from disk.
        let mut source: Option<Option<(PathBuf, Arc<str>)>> = None;
        let mut seen_here: HashSet<&str> = HashSet::new();
        for href in &page.links {
            let Target::External(url) = classify(href, &page.file, base_url, base_path) else {
                continue;
            };
            if !seen_here.insert(&**href) {
                continue;
            }
            let url = if url.starts_with("//") {
                format!("https:{url}")
            } else {
                url
            };
            let key = if keep_fragments {
                url
            } else {
                url.split('#').next().unwrap_or(&url).to_string()
            };
            let source = source.get_or_insert_with(|| {
                let (file, text) = page.origin.source_text()?;
                Some((file.to_path_buf(), text))
            });
            let referrer = referrer(page, source.as_ref(), href, base_path, data_files);
            out.entry(key).or_default().push(referrer);
        }
    }
    out
}

/// Where `href` on `page` was written: its `source` file and text, a data
/// file, else the page's template.
fn referrer(
    page: &PageLinks,
    source: Option<&(PathBuf, Arc<str>)>,
    href: &str,
    base_path: &str,
    data_files: &[(PathBuf, Arc<str>)],
) -> Referrer {
    let shown_page = format!("{base_path}{}", page.file.trim_end_matches("index.html"));
    let written_in = source
        .into_iter()
        .chain(data_files)
        .find_map(|(file, text)| text.find(href).map(|off| (file, text, off)));
    if let Some((file, text, off)) = written_in {
        let (line, column) = line_col(text, off);
        return Referrer {
            page: shown_page,
            source: file.clone(),
            line: Some(line),
            column: Some(column),
        };
    }
    Referrer {
        page: shown_page,
        source: page.origin.template.to_path_buf(),
        line: None,
        column: None,
    }
}

/// Fetches every link the cache does not vouch for and reports the broken
/// ones. `on_progress(done, total)` is called as links finish.
pub fn check(
    root: &Path,
    config: &LinkCheckConfig,
    links: IndexMap<String, Vec<Referrer>>,
    on_progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<LinkReport, SiteError> {
    let max_age = cache::parse_age(&config.cache_max_age)
        .map_err(|m| SiteError::new(m).in_file(&config.file))?;
    let excludes = RegexSet::new(&config.exclude).map_err(|e| {
        SiteError::new(format!(
            "an `exclude` pattern in [link_check] is not a valid regex: {e}"
        ))
        .in_file(&config.file)
        .hint("patterns are regular expressions, e.g. \"^https://example\\\\.org/\"")
    })?;
    let (mut cache, cache_warning) = LinkCache::load(root);
    let now = cache::now();

    let mut report = LinkReport {
        total: links.len(),
        warnings: cache_warning.into_iter().collect(),
        ..LinkReport::default()
    };
    let mut to_fetch: Vec<String> = Vec::new();
    for url in links.keys() {
        if excludes.is_match(url) || lychee_skips(url) {
            report.excluded += 1;
        } else if cache.is_fresh(url, max_age, now) {
            report.cached += 1;
        } else {
            to_fetch.push(url.clone());
        }
    }
    report.fetched = to_fetch.len();
    let interval = humantime::parse_duration(config.per_host_interval.trim()).map_err(|e| {
        SiteError::new(format!(
            "`per_host_interval = \"{}\"` in [link_check] is not a duration ({e})",
            config.per_host_interval
        ))
        .in_file(&config.file)
        .hint("write it like \"100ms\" or \"1s\"")
    })?;

    let results = if to_fetch.is_empty() {
        Vec::new()
    } else {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| SiteError::new(format!("cannot start the link checker: {e}")))?;
        if !network_answers(&runtime, &to_fetch) {
            // Found out in a second or so, rather than by every link's
            // timeouts.
            report.fetched = 0;
            report.unreachable = Some(to_fetch.len());
            return Ok(report);
        }
        fetch_all(&runtime, config, interval, to_fetch, on_progress)?
    };

    let mut unconnected_hosts: HashSet<String> = HashSet::new();
    let mut connected = false;
    let mut broken = Vec::new();
    for (url, outcome) in results {
        match outcome {
            Outcome::Pass(code) => {
                connected = true;
                cache.record_pass(&url, code, now);
            }
            Outcome::Skipped => {
                // lychee's own exclusions (example domains, ...).
                report.fetched -= 1;
                report.excluded += 1;
            }
            Outcome::Fail(status, no_connection) => {
                cache.forget(&url);
                if no_connection {
                    unconnected_hosts.insert(host_of(&url).to_string());
                } else {
                    connected = true;
                }
                broken.push((url, status));
            }
        }
    }
    if !connected && unconnected_hosts.len() >= 2 {
        // No host could be reached at all: the network is down, not every
        // link broken.
        report.unreachable = Some(broken.len());
    } else {
        report.broken = broken
            .into_iter()
            .map(|(url, status)| BrokenLink {
                referrers: links.get(&url).cloned().unwrap_or_default(),
                url,
                status,
            })
            .collect();
    }
    if let Err(e) = cache.save(max_age, now) {
        report
            .warnings
            .push(format!("cannot save the link cache: {e}"));
    }
    Ok(report)
}

/// Whether lychee leaves `url` alone by itself: example domains and
/// example top-level domains (RFC 2606), hosts it cannot check (such as
/// social sites that need an account) and well-known false positives.
fn lychee_skips(url: &str) -> bool {
    use lychee_lib::filter::{is_example_domain, is_false_positive, is_unsupported_domain};
    is_false_positive(url)
        || lychee_lib::Uri::try_from(url)
            .is_ok_and(|uri| is_example_domain(&uri) || is_unsupported_domain(&uri))
}

/// The host part of an http(s) URL.
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

enum Outcome {
    Pass(u16),
    /// The status text, and whether no connection was made at all.
    Fail(String, bool),
    Skipped,
}

/// Whether one of the first few hosts that `urls` name answers within
/// [`PROBE_DEADLINE`]: a name that resolves and a port that connects or
/// refuses. They are tried one after another, since some resolvers drop
/// lookups made at once. Behind a proxy (`HTTPS_PROXY`, ...) the check goes
/// through it, so there is nothing to probe.
fn network_answers(runtime: &tokio::runtime::Runtime, urls: &[String]) -> bool {
    let proxied = [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ]
    .iter()
    .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()));
    if proxied {
        return true;
    }
    let mut hosts: Vec<(String, u16)> = Vec::new();
    for url in urls {
        let Some(host) = host_and_port(url) else {
            continue;
        };
        if !hosts.contains(&host) {
            hosts.push(host);
        }
        if hosts.len() == PROBE_HOSTS {
            break;
        }
    }
    runtime.block_on(answers_within(
        hosts,
        PROBE_DEADLINE,
        |(host, port)| async move {
            let mut last = std::io::Error::other("no address");
            for addr in tokio::net::lookup_host((host.as_str(), port)).await? {
                match tokio::net::TcpStream::connect(addr).await {
                    Ok(_) => return Ok(()),
                    Err(e) => last = e,
                }
            }
            Err(last)
        },
    ))
}

/// Whether `connect` reaches one of `hosts`, tried in turn, before
/// `deadline`. A refused connection is an answer too.
async fn answers_within<H, F>(hosts: Vec<H>, deadline: Duration, connect: impl Fn(H) -> F) -> bool
where
    F: std::future::Future<Output = std::io::Result<()>>,
{
    let until = tokio::time::Instant::now() + deadline;
    for host in hosts {
        match tokio::time::timeout_at(until, connect(host)).await {
            Ok(Ok(())) => return true,
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => return true,
            Ok(Err(_)) => continue,
            Err(_) => return false,
        }
    }
    false
}

/// The host and port of an http(s) URL.
fn host_and_port(url: &str) -> Option<(String, u16)> {
    let (scheme, _) = url.split_once("://")?;
    let host = host_of(url);
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let default = if scheme.eq_ignore_ascii_case("https") {
        443
    } else {
        80
    };
    // `[::1]:8080`, `example.org:8080`, `example.org`.
    let (name, port) = match host.strip_prefix('[') {
        Some(rest) => {
            let (name, after) = rest.split_once(']')?;
            (name, after.strip_prefix(':'))
        }
        None => match host.rsplit_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        },
    };
    let port = match port {
        Some(p) => p.parse().ok()?,
        None => default,
    };
    (!name.is_empty()).then(|| (name.to_string(), port))
}

fn fetch_all(
    runtime: &tokio::runtime::Runtime,
    config: &LinkCheckConfig,
    interval: Duration,
    urls: Vec<String>,
    on_progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<(String, Outcome)>, SiteError> {
    let accepted: HashSet<http::StatusCode> = if config.accept.is_empty() {
        (200u16..=299)
            .filter_map(|c| http::StatusCode::from_u16(c).ok())
            .collect()
    } else {
        let mut codes = HashSet::new();
        for &c in &config.accept {
            let code = http::StatusCode::from_u16(c).map_err(|_| {
                SiteError::new(format!(
                    "`{c}` in [link_check] accept is not an HTTP status code"
                ))
                .in_file(&config.file)
            })?;
            codes.insert(code);
        }
        codes
    };
    let total = urls.len();
    let github_token = std::env::var(&config.github_token_env)
        .ok()
        .filter(|t| !t.trim().is_empty())
        .map(|t| secrecy::SecretString::from(t.trim().to_string()));
    let new_client = || {
        ClientBuilder::builder()
            .github_token(github_token.clone())
            .user_agent(format!(
                "modelsite/{} (link checker)",
                env!("CARGO_PKG_VERSION")
            ))
            .timeout(Duration::from_secs(config.timeout.max(1)))
            .max_retries(config.max_retries)
            .retry_wait_time(Duration::from_millis(500))
            .max_redirects(10usize)
            .accepted(accepted.clone())
            .schemes(HashSet::from(["http".to_string(), "https".to_string()]))
            .fragment_checker_options(FragmentCheckerOptions {
                check_anchor_fragments: config.check_fragments,
                check_text_fragments: false,
            })
            .rate_limit_config(RateLimitConfig {
                concurrency: config
                    .per_host_concurrency
                    .clamp(1, config.max_concurrency.max(1)),
                request_interval: interval,
            })
            .build()
            .client()
            .map_err(|e| SiteError::new(format!("cannot start the link checker: {e}")))
    };
    runtime.block_on(async move {
        let client = new_client()?;
        // lychee remembers each response per URL without its fragment for
        // the life of a client, so a URL whose fragment must be checked
        // gets a client of its own.
        let fragment_clients: Vec<(String, Option<lychee_lib::Client>)> = urls
            .into_iter()
            .map(|url| {
                let own = (config.check_fragments && url.contains('#'))
                    .then(&new_client)
                    .transpose()?;
                Ok((url, own))
            })
            .collect::<Result<_, SiteError>>()?;
        let done = std::sync::atomic::AtomicUsize::new(0);
        let results: Vec<(String, Outcome)> = futures::stream::iter(fragment_clients)
            .map(|(url, own)| {
                let shared = &client;
                let done = &done;
                async move {
                    let client = own.as_ref().unwrap_or(shared);
                    let outcome = match client.check(url.as_str()).await {
                        Ok(response) => outcome_of(response.status()),
                        Err(e) => Outcome::Fail(format!("not a valid URL: {e}"), false),
                    };
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    on_progress(n, total);
                    (url, outcome)
                }
            })
            .buffer_unordered(config.max_concurrency.max(1))
            .collect()
            .await;
        Ok(results)
    })
}

fn outcome_of(status: &Status) -> Outcome {
    if status.is_success() {
        return Outcome::Pass(status.code().map_or(200, |c| c.as_u16()));
    }
    if status.is_excluded() || status.is_unsupported() {
        return Outcome::Skipped;
    }
    let no_connection = matches!(
        status,
        Status::Error(lychee_lib::ErrorKind::NetworkRequest(_))
    ) && status.code().is_none();
    let text = match status {
        Status::Timeout(_) => "timed out".to_string(),
        _ => match status.code() {
            Some(code) => {
                let details = status.details();
                if details.contains(code.as_str()) {
                    details
                } else {
                    format!("{code}: {details}")
                }
            }
            None => status.details(),
        },
    };
    Outcome::Fail(text, no_connection)
}

/// The broken links as errors (for `--strict` and `check`), each at the
/// first place it is written.
pub fn as_errors(report: &LinkReport) -> Vec<SiteError> {
    report
        .broken
        .iter()
        .map(|b| {
            let first = b.referrers.first();
            let others = b.referrers.len().saturating_sub(1);
            let pages: Vec<&str> = b
                .referrers
                .iter()
                .map(|r| r.page.as_str())
                .take(5)
                .collect();
            let mut err =
                SiteError::new(format!("broken link `{}`: {}", b.url, b.status)).hint(format!(
                    "linked from {}{}",
                    pages.join(", "),
                    if others >= 5 {
                        format!(" and {} more", b.referrers.len() - 5)
                    } else {
                        String::new()
                    }
                ));
            if let Some(r) = first {
                err = err.at(&r.source, r.line.unwrap_or(1), r.column.unwrap_or(1));
            }
            err
        })
        .collect()
}

/// The report as text: each broken URL once, with every page and file.
pub fn to_text(report: &LinkReport) -> String {
    let mut out = String::new();
    for w in &report.warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    if let Some(n) = report.unreachable {
        out.push_str(&format!(
            "warning: the network is unreachable (no host could be reached): {n} external link{} not checked; `--offline` skips the check\n",
            if n == 1 { " was" } else { "s were" }
        ));
        return out;
    }
    for b in &report.broken {
        out.push_str(&format!("broken link {} ({})\n", b.url, b.status));
        for r in &b.referrers {
            out.push_str(&format!(
                "    on {} from {}{}\n",
                r.page,
                r.source.display(),
                position(r)
            ));
        }
    }
    out.push_str(&format!(
        "External links: {} found, {} checked, {} from cache, {} excluded, {} broken\n",
        report.total,
        report.fetched,
        report.cached,
        report.excluded,
        report.broken.len()
    ));
    out
}

/// The report as Markdown, for a CI job summary.
pub fn to_markdown(report: &LinkReport) -> String {
    let mut out = String::from("### External links\n\n");
    out.push_str(&format!(
        "{} found, {} checked, {} from cache, {} excluded, **{} broken**.\n\n",
        report.total,
        report.fetched,
        report.cached,
        report.excluded,
        report.broken.len()
    ));
    if let Some(n) = report.unreachable {
        out.push_str(&format!(
            "The network was unreachable: {n} links were not checked.\n"
        ));
    }
    if !report.broken.is_empty() {
        out.push_str("| URL | status | linked from |\n|---|---|---|\n");
        let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
        for b in &report.broken {
            let from: Vec<String> = b
                .referrers
                .iter()
                .map(|r| format!("{} (`{}{}`)", r.page, r.source.display(), position(r)))
                .collect();
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                cell(&b.url),
                cell(&b.status),
                cell(&from.join("<br>"))
            ));
        }
    }
    out
}

fn position(r: &Referrer) -> String {
    match (r.line, r.column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_ports_are_read_from_urls() {
        let read = |u: &str| host_and_port(u);
        assert_eq!(
            read("https://github.com/a/b"),
            Some(("github.com".into(), 443))
        );
        assert_eq!(
            read("http://127.0.0.1:8080/x?y"),
            Some(("127.0.0.1".into(), 8080))
        );
        assert_eq!(read("http://[::1]:9/x"), Some(("::1".into(), 9)));
        assert_eq!(
            read("https://user@host.test#top"),
            Some(("host.test".into(), 443))
        );
        assert_eq!(read("http://host:port/"), None);
        assert_eq!(read("mailto:a@b"), None);
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn a_host_that_never_answers_ends_the_probe_at_its_deadline() {
        let started = tokio::time::Instant::now();
        let silent = |_: u8| std::future::pending::<std::io::Result<()>>();
        assert!(!answers_within(vec![1, 2, 3], PROBE_DEADLINE, silent).await);
        assert_eq!(started.elapsed(), PROBE_DEADLINE);
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn the_probe_goes_on_to_the_next_host_and_takes_a_refusal_as_an_answer() {
        let calls = std::cell::RefCell::new(Vec::new());
        let connect = |h: u8| {
            calls.borrow_mut().push(h);
            async move {
                match h {
                    1 => Err(std::io::Error::other("no such host")),
                    _ => Err(std::io::ErrorKind::ConnectionRefused.into()),
                }
            }
        };
        assert!(answers_within(vec![1, 2, 3], PROBE_DEADLINE, connect).await);
        assert_eq!(*calls.borrow(), vec![1, 2]);
        let failing = |_: u8| async { Err(std::io::Error::other("no such host")) };
        assert!(!answers_within(vec![1, 2], PROBE_DEADLINE, failing).await);
    }
}
