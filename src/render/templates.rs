//! The Tera environment: the theme's templates, the site's overrides, the
//! functions templates may call, and template errors with their positions.
//!
//! The built-in default theme is compiled into the binary and used when the
//! site has no `themes/default/` folder of its own.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use include_dir::{Dir, include_dir};
use tera::Tera;

use crate::config::Config;
use crate::error::{Errors, SiteError, did_you_mean};
use crate::render::memo::{Fingerprint, hash_bytes};

/// The built-in default theme.
pub static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Where the theme's files come from.
#[derive(Debug, Clone)]
pub enum ThemeSource {
    /// `themes/<name>/` in the site folder.
    Folder(PathBuf),
    /// The default theme compiled into modelsite.
    BuiltIn,
}

/// The loaded templates, and the file each one came from.
pub struct Templates {
    pub tera: Tera,
    /// Template name -> (file relative to the site root, its text). The
    /// file is shared with every page it lays out ([`super::Origin`]).
    pub origins: HashMap<String, (Arc<Path>, String)>,
    pub theme: ThemeSource,
    /// Fingerprint of every template's text and of the static files that
    /// templates cache-bust: equal epochs render equal pages from equal
    /// values.
    pub epoch: u64,
}

impl Templates {
    pub fn has(&self, name: &str) -> bool {
        self.origins.contains_key(name)
    }

    /// The file a template came from, for messages.
    pub fn file_of(&self, name: &str) -> Arc<Path> {
        self.origins
            .get(name)
            .map(|(p, _)| p.clone())
            .unwrap_or_else(|| Arc::from(PathBuf::from(format!("templates/{name}"))))
    }

    /// Turns a Tera rendering error into a located error: the template
    /// file and, when the failing expression can be found in it, its line.
    pub fn render_error(&self, template: &str, err: &tera::Error) -> SiteError {
        let chain = error_chain(err);
        // The innermost template named in the chain is where it failed.
        let failing = quoted_names(&chain)
            .into_iter()
            .rev()
            .find(|n| self.origins.contains_key(n))
            .unwrap_or_else(|| template.to_string());
        let message = chain.last().cloned().unwrap_or_default();
        let (file, text) = self.origins.get(&failing).cloned().unwrap_or_else(|| {
            (
                PathBuf::from(format!("templates/{failing}")).into(),
                String::new(),
            )
        });
        // "Variable `model.x` not found": point at where it is written.
        let needle = message.split('`').nth(1).unwrap_or("");
        let (line, column) = if needle.is_empty() {
            (1, 1)
        } else {
            text.find(needle)
                .map(|off| crate::error::line_col(&text, off))
                .unwrap_or((1, 1))
        };
        let hint = if message.contains("not found in context") {
            Some(format!(
                "the variables each template gets are listed in docs/templates.md; guard optional ones with `{{% if {needle} %}}`"
            ))
        } else if message.contains("not found") && message.contains("Template") {
            Some(
                "add the template to the theme's templates/ folder or to the site's templates/"
                    .to_string(),
            )
        } else {
            None
        };
        SiteError::new(format!("template `{failing}` failed: {}", chain.join(": ")))
            .at(&file, line, column)
            .with_source(text)
            .maybe_hint(hint)
    }
}

/// Escapes `& < > " '` for HTML text and attributes. Unlike Tera's
/// default it leaves `/` alone, so URLs stay readable in the output.
fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    // The five characters are ASCII, so every match is a character boundary
    // and the text between matches is copied whole.
    let mut start = 0;
    for (i, b) in input.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            _ => continue,
        };
        out.push_str(&input[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&input[start..]);
    out
}

/// Every message in a Tera error's chain of causes.
fn error_chain(err: &tera::Error) -> Vec<String> {
    let mut out = vec![err.to_string()];
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        out.push(s.to_string());
        source = s.source();
    }
    out
}

/// Names in single quotes in the messages (Tera quotes template names so).
fn quoted_names(chain: &[String]) -> Vec<String> {
    chain
        .iter()
        .flat_map(|m| {
            m.split('\'')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Finds the theme, reads its templates and the site's overrides, and
/// parses them all; every template with a syntax error is reported.
pub fn load(config: &Config) -> Result<Templates, Errors> {
    let theme = find_theme(config)?;
    let mut files: Vec<(String, PathBuf, String)> = Vec::new();
    match &theme {
        ThemeSource::Folder(dir) => {
            read_template_dir(&config.root, &dir.join("templates"), &mut files)?;
        }
        ThemeSource::BuiltIn => {
            if let Some(templates) = DEFAULT_THEME.get_dir("templates") {
                collect_builtin(templates, &mut files);
            }
        }
    }
    read_template_dir(&config.root, &config.root.join("templates"), &mut files)?;

    // Later entries (the site's) override earlier ones (the theme's).
    let mut origins: HashMap<String, (Arc<Path>, String)> = HashMap::new();
    for (name, path, text) in files {
        origins.insert(name, (Arc::from(path), text));
    }

    let mut errors = Errors::default();
    // Parse each template alone first, so every syntax error is reported.
    for (name, (path, text)) in &origins {
        if let Err(e) = tera::Template::new(name, None, text) {
            errors.push(syntax_error(name, path, text, &e));
        }
    }
    if !errors.is_empty() {
        errors.0.sort_by_key(|e| e.to_string());
        return Err(errors);
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    tera.set_escape_fn(escape_html);
    let list: Vec<(String, String)> = origins
        .iter()
        .map(|(name, (_, text))| (name.clone(), text.clone()))
        .collect();
    if let Err(e) = tera.add_raw_templates(list) {
        // Inheritance problems (a missing parent, a cycle).
        let chain = error_chain(&e).join(": ");
        let name = quoted_names(std::slice::from_ref(&chain))
            .into_iter()
            .next()
            .unwrap_or_default();
        let file = origins
            .get(&name)
            .map(|(p, _)| p.to_path_buf())
            .unwrap_or_else(|| PathBuf::from("templates"));
        return Err(SiteError::new(chain)
            .in_file(file)
            .hint("check the names in `{% extends %}`, `{% include %}` and `{% import %}`")
            .into());
    }
    let epoch = epoch(&origins, &theme, &config.root.join("static"));
    tera.register_filter("thousands", thousands_filter);
    tera.register_function(
        "get_url",
        GetUrl {
            base_url: config.base_url.clone(),
            static_root: config.root.join("static"),
            theme: theme.clone(),
            hashes: Mutex::new(HashMap::new()),
        },
    );
    Ok(Templates {
        tera,
        origins,
        theme,
        epoch,
    })
}

/// `n` with its digits grouped in threes by commas: 12345 -> "12,345".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The `thousands` filter: a count as a reader reads it (`{{ model_count |
/// thousands }}` -> 12,345); what is not a whole number is left as it is.
fn thousands_filter(
    value: &tera::Value,
    _: &HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    Ok(match value.as_u64() {
        Some(n) => tera::Value::String(thousands(n)),
        None => value.clone(),
    })
}

/// Fingerprint of the templates and of the static files whose hash they
/// put into URLs with `get_url(path="...", cachebust=true)`. When a
/// template computes the path of a cache-busted file, every static file
/// counts.
fn epoch(
    origins: &HashMap<String, (Arc<Path>, String)>,
    theme: &ThemeSource,
    site_static: &Path,
) -> u64 {
    let mut names: Vec<&String> = origins.keys().collect();
    names.sort();
    let mut fp = Fingerprint::new();
    let mut busted: Vec<String> = Vec::new();
    let mut computed = false;
    for name in names {
        let (path, text) = &origins[name];
        fp.str(name).str(&path.to_string_lossy()).str(text);
        for call in text.split("get_url(").skip(1) {
            let Some(args) = call.split(')').next() else {
                continue;
            };
            if !args.contains("cachebust=true") {
                continue;
            }
            match literal_path(args) {
                Some(p) => busted.push(p),
                None => computed = true,
            }
        }
    }
    if computed {
        busted = static_names(theme, site_static);
    }
    busted.sort();
    busted.dedup();
    for name in &busted {
        fp.str(name);
        let bytes = theme.static_bytes(site_static, name.trim_start_matches('/'));
        fp.u64(bytes.map_or(0, |b| hash_bytes(&b)));
    }
    fp.finish()
}

/// `path="style.css"` among a call's arguments.
fn literal_path(args: &str) -> Option<String> {
    let rest = args
        .split("path")
        .nth(1)?
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let inner = &rest[1..];
    inner.find(quote).map(|end| inner[..end].to_string())
}

/// The names of every static file of the theme and the site.
fn static_names(theme: &ThemeSource, site_static: &Path) -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        for entry in walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
        {
            if entry.file_type().is_file()
                && let Ok(rel) = entry.path().strip_prefix(dir)
            {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    match theme {
        ThemeSource::Folder(dir) => walk(&dir.join("static"), &mut out),
        ThemeSource::BuiltIn => {
            if let Some(dir) = DEFAULT_THEME.get_dir("static") {
                let mut stack = vec![dir];
                while let Some(d) = stack.pop() {
                    for f in d.files() {
                        let rel = f.path().strip_prefix("static").unwrap_or(f.path());
                        out.push(rel.to_string_lossy().replace('\\', "/"));
                    }
                    stack.extend(d.dirs());
                }
            }
        }
    }
    walk(site_static, &mut out);
    out
}

impl ThemeSource {
    /// The bytes of the static file `name` as the site will publish it:
    /// the site's `static/` first, then the theme's.
    pub fn static_bytes(&self, site_static: &Path, name: &str) -> Option<Vec<u8>> {
        let site = site_static.join(name);
        if site.is_file() {
            return std::fs::read(site).ok();
        }
        match self {
            ThemeSource::Folder(dir) => std::fs::read(dir.join("static").join(name)).ok(),
            ThemeSource::BuiltIn => DEFAULT_THEME
                .get_file(format!("static/{name}"))
                .map(|f| f.contents().to_vec()),
        }
    }
}

/// `get_url(path="models/", cachebust=false)`: the absolute URL of a path
/// in the site; with `cachebust`, `?h=` and a hash of the static file.
struct GetUrl {
    base_url: String,
    static_root: PathBuf,
    theme: ThemeSource,
    hashes: Mutex<HashMap<String, Option<String>>>,
}

impl tera::Function for GetUrl {
    fn call(&self, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
        let path = args
            .get("path")
            .and_then(tera::Value::as_str)
            .ok_or_else(|| {
                tera::Error::msg("get_url needs a `path` argument, e.g. get_url(path=\"models/\")")
            })?;
        let path = path.trim_start_matches('/');
        let mut url = format!("{}{}", self.base_url, path);
        if args.get("cachebust").and_then(tera::Value::as_bool) == Some(true) {
            let hash = {
                let mut cache = self
                    .hashes
                    .lock()
                    .map_err(|_| tera::Error::msg("get_url cache poisoned"))?;
                cache
                    .entry(path.to_string())
                    .or_insert_with(|| {
                        self.theme
                            .static_bytes(&self.static_root, path)
                            // 32 bits tell one version of a file from the next.
                            .map(|b| format!("{:08x}", hash_bytes(&b) >> 32))
                    })
                    .clone()
            };
            let hash = hash.ok_or_else(|| {
                tera::Error::msg(format!(
                    "get_url(cachebust=true): there is no static file `{path}`"
                ))
            })?;
            url.push_str("?h=");
            url.push_str(&hash);
        }
        Ok(tera::Value::String(url))
    }

    fn is_safe(&self) -> bool {
        false
    }
}

fn syntax_error(name: &str, path: &Path, text: &str, err: &tera::Error) -> SiteError {
    let chain = error_chain(err);
    let detail = chain.last().cloned().unwrap_or_default();
    // Tera (pest) writes the position as ` --> line:column`.
    let (line, column) = detail
        .split("--> ")
        .nth(1)
        .and_then(|rest| {
            let pos = rest.split_whitespace().next()?;
            let (l, c) = pos.split_once(':')?;
            Some((l.parse().ok()?, c.parse().ok()?))
        })
        .unwrap_or((1, 1));
    let summary = detail
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('=') || l.starts_with("= "))
        .map(|l| l.trim_start_matches('=').trim().to_string())
        .unwrap_or_else(|| "syntax error".to_string());
    SiteError::new(format!("template `{name}` has a syntax error: {summary}"))
        .at(path, line, column)
        .with_source(text)
        .hint("check that every `{{`, `{%` and `{#` is closed and every block tag has its end tag")
}

fn find_theme(config: &Config) -> Result<ThemeSource, SiteError> {
    let themes_dir = config.root.join("themes");
    let dir = themes_dir.join(&config.theme);
    if dir.is_dir() {
        return Ok(ThemeSource::Folder(dir));
    }
    if config.theme == "default" {
        return Ok(ThemeSource::BuiltIn);
    }
    let mut available: Vec<String> = std::fs::read_dir(&themes_dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    if !available.iter().any(|t| t == "default") {
        available.push("default".to_string());
    }
    available.sort();
    let config_text = std::fs::read_to_string(config.root.join(&config.file)).unwrap_or_default();
    let (line, column) = config_text
        .lines()
        .enumerate()
        .find(|(_, l)| l.trim_start().starts_with("theme"))
        .map(|(i, l)| (i + 1, l.find('=').map_or(1, |c| c + 3)))
        .unwrap_or((1, 1));
    let hint =
        did_you_mean(&config.theme, available.iter().map(String::as_str)).unwrap_or_else(|| {
            format!(
                "put the theme in themes/{}/ or use one of: {}",
                config.theme,
                available.join(", ")
            )
        });
    Err(
        SiteError::new(format!("theme `{}` not found", config.theme))
            .at(&config.file, line, column)
            .with_source(config_text)
            .hint(hint),
    )
}

fn read_template_dir(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(String, PathBuf, String)>,
) -> Result<(), SiteError> {
    if !dir.is_dir() {
        return Ok(());
    }
    let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| !n.starts_with('.') && !n.ends_with('~') && !n.ends_with(".swp"))
        })
        .collect();
    paths.sort();
    for path in paths {
        let rel = path.strip_prefix(dir).unwrap_or(&path);
        let name = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let shown = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        let text = std::fs::read_to_string(&path).map_err(|e| SiteError::io("read", &shown, &e))?;
        out.push((name, shown, text));
    }
    Ok(())
}

fn collect_builtin(dir: &Dir<'static>, out: &mut Vec<(String, PathBuf, String)>) {
    for file in dir.files() {
        let Ok(text) = std::str::from_utf8(file.contents()) else {
            continue;
        };
        // Paths inside the embedded folder start below `templates/`.
        let rel = file.path().strip_prefix("templates").unwrap_or(file.path());
        let name = rel.to_string_lossy().replace('\\', "/");
        out.push((
            name.clone(),
            PathBuf::from(format!("(built-in theme)/templates/{name}")),
            text.to_string(),
        ));
    }
    for sub in dir.dirs() {
        collect_builtin(sub, out);
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn counts_are_grouped_in_threes() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1000), "1,000");
        assert_eq!(super::thousands(1234567), "1,234,567");
    }

    use super::escape_html;

    #[test]
    fn escaping_replaces_the_five_characters_and_keeps_the_rest() {
        assert_eq!(
            escape_html(r#"<a href="x/y">Tom & Jerry's</a> é ✓"#),
            "&lt;a href=&quot;x/y&quot;&gt;Tom &amp; Jerry&#x27;s&lt;/a&gt; é ✓"
        );
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("plain"), "plain");
        assert_eq!(escape_html("&"), "&amp;");
    }
}
