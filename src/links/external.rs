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

/// How many requests go to one host at a time.
const PER_HOST_CONCURRENCY: usize = 16;

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
    /// Set when no host resolved at all: how many links went unchecked.
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
        if excludes.is_match(url) {
            report.excluded += 1;
        } else if cache.is_fresh(url, max_age, now) {
            report.cached += 1;
        } else {
            to_fetch.push(url.clone());
        }
    }
    report.fetched = to_fetch.len();

    let results = if to_fetch.is_empty() {
        Vec::new()
    } else {
        fetch_all(config, to_fetch, on_progress)?
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
            Outcome::Skipped => report.excluded += 1,
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

fn fetch_all(
    config: &LinkCheckConfig,
    urls: Vec<String>,
    on_progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<(String, Outcome)>, SiteError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| SiteError::new(format!("cannot start the link checker: {e}")))?;
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
    let new_client = || {
        ClientBuilder::builder()
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
                concurrency: PER_HOST_CONCURRENCY.min(config.max_concurrency.max(1)),
                request_interval: Duration::ZERO,
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
            "warning: the network is unreachable (no host could be reached): {n} external link{} not checked\n",
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
