//! `modelsite.toml` into a [`Config`], with the command line's overrides.
//!
//! This module owns the configuration's shape and its defaults. It reads one
//! file and never looks at the rest of the site.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{SiteError, did_you_mean, line_col};

/// The configuration file's name inside the site folder.
pub const CONFIG_FILE: &str = "modelsite.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    base_url: Option<String>,
    #[serde(default = "default_theme")]
    theme: String,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default)]
    build: BuildConfig,
    #[serde(default)]
    link_check: LinkCheckConfig,
    #[serde(default)]
    catalog: CatalogConfig,
    #[serde(default)]
    search: SearchConfig,
    #[serde(default)]
    feed: FeedConfig,
    #[serde(default)]
    markdown: MarkdownConfig,
    #[serde(default)]
    text: TextFile,
    #[serde(default)]
    extra: toml::Table,
}

/// `[text]` as written: words of the theme a site may spell its own way.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TextFile {
    licence: Option<String>,
    licences: Option<String>,
}

fn default_theme() -> String {
    "default".into()
}

fn default_language() -> String {
    "en".into()
}

/// `[build]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BuildConfig {
    pub output_dir: String,
    pub minify: bool,
    /// Whether each model page describes its model in schema.org JSON-LD.
    pub json_ld: bool,
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig {
            output_dir: "public".into(),
            minify: false,
            json_ld: false,
        }
    }
}

/// `[link_check]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinkCheckConfig {
    pub external: bool,
    pub strict: bool,
    pub exclude: Vec<String>,
    pub accept: Vec<u16>,
    pub timeout: u64,
    pub max_retries: u64,
    pub max_concurrency: usize,
    /// Requests to one host at a time.
    pub per_host_concurrency: usize,
    /// The shortest time between two requests to one host, as a duration
    /// ("100ms", "1s").
    pub per_host_interval: String,
    /// The environment variable holding a GitHub token, used for
    /// github.com links (GitHub allows 60 unauthenticated API requests an
    /// hour, 5,000 with a token).
    pub github_token_env: String,
    pub check_fragments: bool,
    pub cache_max_age: String,
    /// The configuration file these settings came from, for messages.
    #[serde(skip)]
    pub file: PathBuf,
}

impl Default for LinkCheckConfig {
    fn default() -> Self {
        LinkCheckConfig {
            external: true,
            strict: false,
            exclude: Vec::new(),
            accept: Vec::new(),
            timeout: 20,
            max_retries: 2,
            max_concurrency: 64,
            per_host_concurrency: 4,
            per_host_interval: "100ms".into(),
            github_token_env: "GITHUB_TOKEN".into(),
            check_fragments: false,
            cache_max_age: "1d".into(),
            file: PathBuf::from(CONFIG_FILE),
        }
    }
}

/// `[catalog]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CatalogConfig {
    /// Rows on each page of the catalog, of a term's list and of a
    /// `models(...)` table; later rows are on numbered pages.
    pub page_size: usize,
}

/// The largest `[catalog] page_size`: a page of rows stays well under a
/// megabyte of HTML.
pub const MAX_PAGE_SIZE: usize = 1000;

impl Default for CatalogConfig {
    fn default() -> Self {
        CatalogConfig { page_size: 200 }
    }
}

/// `[search]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    pub enabled: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { enabled: true }
    }
}

/// `[feed]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeedConfig {
    pub enabled: bool,
    pub limit: usize,
}

impl Default for FeedConfig {
    fn default() -> Self {
        FeedConfig {
            enabled: true,
            limit: 20,
        }
    }
}

/// `[markdown]`
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownConfig {
    /// What becomes of raw HTML written in the site's own Markdown.
    pub html: RawHtml,
}

/// `[markdown] html`: raw HTML in the site's pages and model prose is
/// kept as written (the author's own), cleaned by the sanitizer that
/// imported model cards go through, or shown as text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    #[default]
    Keep,
    Sanitize,
    Escape,
}

/// `[text]`: the words the generator and the theme use for a licence,
/// in lower case. British by default (`licence`, `licences`); a site that
/// writes `licence = "license"` gets `license` and `licenses` throughout.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TextConfig {
    pub licence: String,
    pub licences: String,
}

impl Default for TextConfig {
    fn default() -> Self {
        TextConfig::from_file(TextFile::default())
    }
}

impl TextConfig {
    fn from_file(file: TextFile) -> TextConfig {
        let licence = file.licence.unwrap_or_else(|| "licence".to_string());
        let licences = file.licences.unwrap_or_else(|| format!("{licence}s"));
        TextConfig { licence, licences }
    }

    /// The words as templates see them (`config.text`): `licence`,
    /// `licences`, and `Licence`, `Licences` to start a sentence.
    pub fn value(&self) -> serde_json::Value {
        serde_json::json!({
            "licence": self.licence,
            "licences": self.licences,
            "Licence": capitalized(&self.licence),
            "Licences": capitalized(&self.licences),
        })
    }
}

/// `word` with its first letter in upper case (`licences` -> `Licences`).
pub fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// What the command line can override.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub config_file: Option<PathBuf>,
    pub output_dir: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
}

/// The resolved configuration of one site.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site folder.
    pub root: PathBuf,
    /// The configuration file read: relative to `root` when it is inside
    /// it (`modelsite.toml`, or what `--config` named), else absolute.
    pub file: PathBuf,
    pub title: String,
    pub description: String,
    /// Always ends with `/`.
    pub base_url: String,
    /// The path part of `base_url`, starting and ending with `/`.
    pub base_path: String,
    pub theme: String,
    pub language: String,
    pub output_dir: PathBuf,
    pub minify: bool,
    /// `[build] json_ld`: model pages carry schema.org JSON-LD.
    pub json_ld: bool,
    pub drafts: bool,
    pub link_check: LinkCheckConfig,
    pub catalog: CatalogConfig,
    pub search: SearchConfig,
    pub feed: FeedConfig,
    pub markdown: MarkdownConfig,
    pub text: TextConfig,
    pub extra: serde_json::Value,
}

impl Config {
    /// Reads `modelsite.toml` (or `overrides.config_file`) in `root`.
    pub fn load(root: &Path, overrides: &Overrides) -> Result<Config, SiteError> {
        let path = match &overrides.config_file {
            Some(p) if p.is_absolute() => p.clone(),
            Some(p) => root.join(p),
            None => root.join(CONFIG_FILE),
        };
        let shown = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        let text = std::fs::read_to_string(&path).map_err(|e| {
            let err = SiteError::io("read", &shown, &e);
            if e.kind() == std::io::ErrorKind::NotFound {
                err.hint(format!(
                    "run `modelsite init` to start a site, or pass --root with the folder that holds {CONFIG_FILE}"
                ))
            } else {
                err
            }
        })?;
        Config::parse(root, shown, &text, overrides)
    }

    /// The configuration of the site at `root` from `text`, the contents of
    /// `shown` (its path for messages).
    pub fn parse(
        root: &Path,
        shown: PathBuf,
        text: &str,
        overrides: &Overrides,
    ) -> Result<Config, SiteError> {
        let file: ConfigFile = toml::from_str(text).map_err(|e| toml_error(&e, text, &shown))?;

        let base_url = overrides
            .base_url
            .clone()
            .or(file.base_url)
            .ok_or_else(|| {
                SiteError::new("`base_url` is not set")
                    .in_file(&shown)
                    .with_source(text)
                    .hint("add `base_url = \"https://user.github.io/repo/\"` (the address the site is published at), or pass --base-url")
            })?;
        let (base_url, base_path) = normalize_base_url(&base_url).map_err(|msg| {
            SiteError::new(msg)
                .in_file(&shown)
                .hint("use an absolute address such as `https://user.github.io/repo/`")
        })?;
        let page_size = file.catalog.page_size;
        if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
            let (line, column) = text
                .lines()
                .position(|l| l.trim_start().starts_with("page_size"))
                .map_or((1, 1), |i| (i + 1, 1));
            return Err(SiteError::new(format!(
                "`[catalog] page_size` must be from 1 to {MAX_PAGE_SIZE}, not {page_size}"
            ))
            .at(&shown, line, column)
            .with_source(text)
            .hint("100 rows a page suits most sites; lists longer than that get numbered pages"));
        }
        let output_dir = match &overrides.output_dir {
            Some(p) => p.clone(),
            None => root.join(&file.build.output_dir),
        };
        let extra = serde_json::to_value(&file.extra).unwrap_or(serde_json::Value::Null);
        let mut link_check = file.link_check;
        link_check.file.clone_from(&shown);
        Ok(Config {
            root: root.to_path_buf(),
            file: shown,
            title: file.title,
            description: file.description,
            base_url,
            base_path,
            theme: file.theme,
            language: file.language,
            output_dir,
            minify: file.build.minify,
            json_ld: file.build.json_ld,
            drafts: overrides.drafts,
            link_check,
            catalog: file.catalog,
            search: file.search,
            feed: file.feed,
            markdown: file.markdown,
            text: TextConfig::from_file(file.text),
            extra,
        })
    }

    /// The absolute URL of a path inside the site (`models/x/` ->
    /// `https://host/base/models/x/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path.trim_start_matches('/'))
    }
}

/// Checks `base_url` and returns it with a trailing `/`, plus its path.
fn normalize_base_url(raw: &str) -> Result<(String, String), String> {
    let raw = raw.trim();
    let rest = raw
        .strip_prefix("https://")
        .or_else(|| raw.strip_prefix("http://"))
        .ok_or_else(|| format!("`base_url` must start with http:// or https://, not `{raw}`"))?;
    let host_end = rest.find('/').unwrap_or(rest.len());
    if host_end == 0 {
        return Err(format!("`base_url` has no host: `{raw}`"));
    }
    let mut path = rest[host_end..].to_string();
    if path.contains(['?', '#']) {
        return Err(format!(
            "`base_url` cannot have a query or fragment: `{raw}`"
        ));
    }
    if !path.ends_with('/') {
        path.push('/');
    }
    let base = format!("{}{}", &raw[..raw.len() - rest.len() + host_end], path);
    Ok((base, path))
}

/// Turns a TOML parse error into a located error with a suggestion.
fn toml_error(e: &toml::de::Error, text: &str, file: &Path) -> SiteError {
    let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
    let message = e.message().trim().to_string();
    let hint = unknown_name(&message).and_then(|(word, expected)| {
        did_you_mean(&word, expected.iter().map(String::as_str)).or_else(|| {
            Some(format!(
                "the keys allowed here are: {}",
                expected.join(", ")
            ))
        })
    });
    SiteError::new(message)
        .at(file, line, column)
        .with_source(text)
        .maybe_hint(hint)
}

/// From serde's "unknown field `x`, expected one of `a`, `b`" (or "unknown
/// variant"), the mistyped word and the expected ones.
pub fn unknown_name(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message
        .strip_prefix("unknown field ")
        .or_else(|| message.strip_prefix("unknown variant "))
        .or_else(|| {
            message
                .find("unknown field ")
                .or_else(|| message.find("unknown variant "))
                .map(|i| &message[i..])
                .and_then(|m| m.split_once(' ').map(|(_, r)| r))
                .and_then(|r| r.split_once(' ').map(|(_, r)| r))
        })?;
    let mut quoted = rest.split('`').skip(1).step_by(2).map(str::to_string);
    let word = quoted.next()?;
    Some((word, quoted.collect()))
}

#[cfg(test)]
impl Config {
    /// The configuration of a site with every default and `base_url`.
    pub fn for_tests(base_url: &str) -> Config {
        let (base_url, base_path) = normalize_base_url(base_url).unwrap_or_default();
        Config {
            root: PathBuf::from("."),
            file: PathBuf::from(CONFIG_FILE),
            title: String::new(),
            description: String::new(),
            base_url,
            base_path,
            theme: default_theme(),
            language: default_language(),
            output_dir: PathBuf::from("public"),
            minify: false,
            json_ld: false,
            drafts: false,
            link_check: LinkCheckConfig::default(),
            catalog: CatalogConfig::default(),
            search: SearchConfig::default(),
            feed: FeedConfig::default(),
            markdown: MarkdownConfig::default(),
            text: TextConfig::default(),
            extra: serde_json::Value::Null,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_keeps_sub_path_and_gains_a_slash() {
        assert_eq!(
            normalize_base_url("https://user.github.io/repo").unwrap(),
            (
                "https://user.github.io/repo/".to_string(),
                "/repo/".to_string()
            )
        );
        assert_eq!(
            normalize_base_url("http://127.0.0.1:1111").unwrap().1,
            "/".to_string()
        );
        assert!(normalize_base_url("user.github.io").is_err());
    }

    #[test]
    fn unknown_field_message_is_understood() {
        let (word, expected) =
            unknown_name("unknown field `titel`, expected one of `title`, `theme`").unwrap();
        assert_eq!(word, "titel");
        assert_eq!(expected, vec!["title", "theme"]);
    }
}
