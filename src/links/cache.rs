//! The external link cache, `.modelsite/link-cache.json` in the site
//! folder: when each URL last passed. A URL that passed within the cache
//! age is not fetched again; failures are never stored.
//!
//! A cache that cannot be read or parsed is reported and then ignored; it
//! never stops a build.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// Where the cache lives, relative to the site root.
pub const CACHE_FILE: &str = ".modelsite/link-cache.json";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    links: BTreeMap<String, Entry>,
}

/// One URL that passed: its status code and when, in seconds since 1970.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    pub status: u16,
    pub checked: u64,
}

#[derive(Debug)]
pub struct LinkCache {
    path: PathBuf,
    links: BTreeMap<String, Entry>,
}

/// Seconds since 1970, now.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl LinkCache {
    /// Reads the cache of the site at `root`. A missing file is an empty
    /// cache; an unreadable or corrupt one is an empty cache and a warning.
    pub fn load(root: &Path) -> (LinkCache, Option<String>) {
        let path = root.join(CACHE_FILE);
        let empty = |path: PathBuf| LinkCache {
            path,
            links: BTreeMap::new(),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (empty(path), None),
            Err(e) => {
                let warning =
                    format!("cannot read the link cache {CACHE_FILE} ({e}); checking every link");
                return (empty(path), Some(warning));
            }
        };
        match serde_json::from_str::<CacheFile>(&text) {
            Ok(file) => (
                LinkCache {
                    path,
                    links: file.links,
                },
                None,
            ),
            Err(e) => {
                let warning = format!(
                    "the link cache {CACHE_FILE} is not valid ({e}); it is ignored and will be rewritten"
                );
                (empty(path), Some(warning))
            }
        }
    }

    /// Whether `url` passed less than `max_age_secs` ago.
    pub fn is_fresh(&self, url: &str, max_age_secs: u64, now: u64) -> bool {
        self.links
            .get(url)
            .is_some_and(|e| now.saturating_sub(e.checked) < max_age_secs)
    }

    /// Records a pass.
    pub fn record_pass(&mut self, url: &str, status: u16, now: u64) {
        self.links.insert(
            url.to_string(),
            Entry {
                status,
                checked: now,
            },
        );
    }

    /// Forgets a URL (it failed, so it must be fetched again next time).
    pub fn forget(&mut self, url: &str) {
        self.links.remove(url);
    }

    /// Drops entries older than `max_age_secs`, then writes the file.
    pub fn save(mut self, max_age_secs: u64, now: u64) -> Result<(), String> {
        self.links
            .retain(|_, e| now.saturating_sub(e.checked) < max_age_secs);
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let file = CacheFile {
            version: 1,
            links: self.links,
        };
        let text = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
        // Write then rename, so a crash never leaves half a file.
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &self.path)
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }
}

/// Parses a cache age such as `"1d"`, `"12h"`, `"30m"`.
pub fn parse_age(text: &str) -> Result<u64, String> {
    humantime::parse_duration(text.trim())
        .map(|d| d.as_secs())
        .map_err(|e| format!("`cache_max_age = \"{text}\"` is not a duration ({e}); write it like \"1d\", \"12h\" or \"30m\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_parse() {
        assert_eq!(parse_age("1d").unwrap(), 86_400);
        assert_eq!(parse_age("12h").unwrap(), 43_200);
        assert!(parse_age("soon").is_err());
    }

    #[test]
    fn corrupt_cache_is_reported_and_ignored() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".modelsite")).unwrap();
        std::fs::write(dir.path().join(CACHE_FILE), "{not json").unwrap();
        let (cache, warning) = LinkCache::load(dir.path());
        assert!(warning.unwrap().contains("not valid"));
        assert!(!cache.is_fresh("https://a/", 100, now()));
    }

    #[test]
    fn passes_round_trip_and_expire() {
        let dir = tempfile::tempdir().unwrap();
        let (mut cache, _) = LinkCache::load(dir.path());
        cache.record_pass("https://a/", 200, 1_000);
        cache.save(100, 1_000).unwrap();
        let (cache, warning) = LinkCache::load(dir.path());
        assert!(warning.is_none());
        assert!(cache.is_fresh("https://a/", 100, 1_050));
        assert!(!cache.is_fresh("https://a/", 100, 1_200));
    }
}
