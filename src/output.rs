//! The output folder: a staging folder written as the build goes, swapped
//! in whole when the build succeeds, and the site-wide files (static
//! assets, `models.json`, `sitemap.xml`, `atom.xml`, `robots.txt`,
//! `.nojekyll`, `highlight.css`).
//!
//! A failed build never touches the previous output: everything is written
//! to the staging folder first. Nor does a killed one: the output folder
//! holds the previous build's files or the new one's, never a mix (where
//! the two folders cannot be exchanged in one step, the previous output
//! may wait under another name for a moment), and the next build puts
//! right what a killed one left beside it ([`recover`]).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::error::SiteError;
use crate::render::memo::{ModelEntry, hash_bytes};
use crate::render::templates::{DEFAULT_THEME, ThemeSource};

/// A folder being filled, to become the output folder on success.
pub struct Staging {
    pub dir: PathBuf,
    target: PathBuf,
    beside: Beside,
    minify: bool,
}

/// The folders a build keeps next to the output folder `public`:
/// `.public.staging` (the new output while it is written), `.public.old`
/// (the previous output while the new one is moved in, when the two cannot
/// be exchanged in one step), and `.public.old.removing` (a previous output
/// being deleted). A folder under the `.old` name is always a whole
/// previous output: it is renamed away before it is deleted.
struct Beside {
    staging: PathBuf,
    old: PathBuf,
    removing: PathBuf,
}

impl Beside {
    fn of(target: &Path) -> Beside {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".to_string());
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        Beside {
            staging: parent.join(format!(".{name}.staging")),
            old: parent.join(format!(".{name}.old")),
            removing: parent.join(format!(".{name}.old.removing")),
        }
    }

    /// Deletes the previous output kept under the `.old` name, renaming it
    /// first, so that a build killed while deleting leaves no part of it
    /// under that name.
    fn remove_old(&self) -> Result<(), SiteError> {
        remove_folder(&self.removing)?;
        match std::fs::rename(&self.old, &self.removing) {
            Ok(()) => remove_folder(&self.removing),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(SiteError::io("move aside", &self.old, &e)),
        }
    }
}

/// Removes `dir` and everything in it, if it exists.
fn remove_folder(dir: &Path) -> Result<(), SiteError> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(SiteError::io("clear", dir, &e)),
    }
}

/// Puts right what a build killed part way left next to the output folder
/// `target`. A build dies with the previous output in place, with the new
/// one in place, or (where two folders cannot be exchanged in one step)
/// between moving the previous output aside and moving the new one in: then
/// the output folder is missing and the previous one is moved back. What is
/// left of the staging folder and of the previous output is then removed.
pub fn recover(target: &Path) -> Result<(), SiteError> {
    let beside = Beside::of(target);
    if !target.exists() && beside.old.is_dir() {
        std::fs::rename(&beside.old, target)
            .map_err(|e| SiteError::io("restore the previous output from", &beside.old, &e))?;
    }
    remove_folder(&beside.staging)?;
    beside.remove_old()
}

impl Staging {
    /// Creates an empty staging folder next to `target`, after putting
    /// right what an earlier build that was killed left there.
    pub fn create(target: &Path, minify: bool) -> Result<Staging, SiteError> {
        let beside = Beside::of(target);
        if let Some(parent) = beside.staging.parent() {
            std::fs::create_dir_all(parent).map_err(|e| SiteError::io("create", parent, &e))?;
        }
        recover(target)?;
        let dir = beside.staging.clone();
        std::fs::create_dir_all(&dir).map_err(|e| SiteError::io("create", &dir, &e))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            beside,
            minify,
        })
    }

    /// Writes one file (`rel` uses `/`), creating its folders.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), SiteError> {
        let path = inside(&self.dir, rel)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| SiteError::io("create", parent, &e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| SiteError::io("write", &path, &e))
    }

    /// Writes an HTML document, minified if the site asks for it; returns
    /// the hash of the bytes written.
    pub fn write_html(&self, rel: &str, html: String) -> Result<u64, SiteError> {
        let bytes = html_bytes(self.minify, html);
        self.write(rel, &bytes)?;
        Ok(hash_bytes(&bytes))
    }

    /// Replaces the output folder with the staging folder. Killed at any
    /// point, it leaves the previous output or the new one in the output
    /// folder, or the previous one under the `.old` name, from which
    /// [`recover`] takes it back.
    pub fn commit(self) -> Result<(), SiteError> {
        self.move_in(cfg!(target_os = "linux"))
    }

    /// [`Staging::commit`], exchanging the two folders in one step if
    /// `exchange` and the system can, else by two renames.
    #[cfg_attr(not(target_os = "linux"), allow(unused_variables))]
    fn move_in(self, exchange: bool) -> Result<(), SiteError> {
        let old = &self.beside.old;
        self.beside.remove_old()?;
        let had_old = self.target.exists();
        #[cfg(target_os = "linux")]
        if exchange && had_old && swap_folders(&self.dir, &self.target).is_ok() {
            // The staging name now holds the previous output.
            return std::fs::remove_dir_all(&self.dir)
                .map_err(|e| SiteError::io("remove", &self.dir, &e));
        }
        if had_old {
            std::fs::rename(&self.target, old)
                .map_err(|e| SiteError::io("move aside", &self.target, &e))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.target) {
            // Put the previous output back before giving up.
            if had_old {
                let _ = std::fs::rename(old, &self.target);
            }
            return Err(SiteError::io("replace", &self.target, &e));
        }
        self.beside.remove_old()
    }

    /// Removes the staging folder, leaving the output folder as it was.
    pub fn discard(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The bytes of an HTML document as published: minified if asked.
///
/// Minifying drops comments and collapses whitespace outside `<pre>`,
/// `<textarea>` and `<code>`, and shortens the theme's inline styles and
/// scripts. A page the minifier cannot read (an unclosed element it needs
/// to see the end of) is published as written rather than failing the build.
pub fn html_bytes(minify: bool, html: String) -> Vec<u8> {
    if !minify {
        return html.into_bytes();
    }
    let mut minifier = html_minifier::HTMLMinifier::new();
    minifier.set_minify_code(false);
    match minifier.digest(&html).and_then(|()| minifier.into_html()) {
        Ok(small) => small,
        Err(_) => html.into_bytes(),
    }
}

/// Writes `bytes` to `dir/rel`, creating folders, unless the file already
/// holds exactly these bytes (`old_hash` is the hash of what was written
/// there last). Returns the new hash when it wrote.
pub fn write_if_changed(
    dir: &Path,
    rel: &str,
    bytes: &[u8],
    old_hash: Option<u64>,
) -> Result<Option<u64>, SiteError> {
    let hash = hash_bytes(bytes);
    if old_hash == Some(hash) {
        return Ok(None);
    }
    let path = inside(dir, rel)?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| SiteError::io("create", parent, &e))?;
    }
    replace_file(&path, |file| file.write_all(bytes))?;
    Ok(Some(hash))
}

/// Writes a file under a temporary name beside it and renames it into
/// place, so that a reader (the dev server, a browser) sees the old file or
/// the new one, never half of one.
fn replace_file(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> Result<(), SiteError> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".modelsite-new");
    let temporary = path.with_file_name(name);
    let written = std::fs::File::create(&temporary).and_then(|file| {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        write(&mut out)?;
        out.flush()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&temporary, path)) {
        let _ = std::fs::remove_file(&temporary);
        return Err(SiteError::io("write", path, &e));
    }
    Ok(())
}

/// `dir/rel`, if `rel` (which uses `/`) is a path inside `dir`: relative,
/// each segment a plain name (no `..`, `.`, empty segment or `\\`). Every
/// file of the output is written through this check, so no data, whatever
/// it holds, can make a build write or remove a file elsewhere.
pub fn inside(dir: &Path, rel: &str) -> Result<PathBuf, SiteError> {
    let plain = |s: &str| !matches!(s, "" | "." | "..") && !s.contains('\\') && !s.contains(':');
    if rel.split('/').all(plain) {
        Ok(dir.join(rel))
    } else {
        Err(SiteError::new(format!(
            "refusing to write `{rel}`: it is not a path inside the output folder {}",
            dir.display()
        ))
        .hint("an id, alias or path in the site's data makes this path; every file of the site stays inside the output folder"))
    }
}

/// Removes `dir/rel` and the folders it leaves empty (up to `dir`).
pub fn remove_output_file(dir: &Path, rel: &str) -> Result<(), SiteError> {
    let path = inside(dir, rel)?;
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(SiteError::io("remove", &path, &e)),
    }
    let mut parent = path.parent();
    while let Some(p) = parent {
        if p == dir || std::fs::remove_dir(p).is_err() {
            break;
        }
        parent = p.parent();
    }
    Ok(())
}

/// Exchanges two folders in one step, so that a reader of the output (the
/// dev server) never finds it missing.
#[cfg(target_os = "linux")]
fn swap_folders(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

/// Whether `rel` (relative to the site folder) is in a folder of static
/// files: the site's `static/` or a theme's `themes/<name>/static/`.
pub fn is_static_source(rel: &Path) -> bool {
    let mut parts = rel.components().map(|c| c.as_os_str());
    match parts.next() {
        Some(first) if first == "static" => true,
        Some(first) if first == "themes" => parts.nth(1).is_some_and(|c| c == "static"),
        _ => false,
    }
}

/// The static files of the theme and then of the site (whose file of the
/// same name wins), by their path in the output (relative, with `/`).
pub fn static_files(config: &Config, theme: &ThemeSource) -> Vec<(String, StaticFile)> {
    let mut files: Vec<(String, StaticFile)> = Vec::new();
    match theme {
        ThemeSource::Folder(dir) => collect_static_dir(&dir.join("static"), &mut files),
        ThemeSource::BuiltIn => {
            if let Some(dir) = DEFAULT_THEME.get_dir("static") {
                collect_builtin_static(dir, &mut files);
            }
        }
    }
    collect_static_dir(&config.root.join("static"), &mut files);
    // The site's file of the same name replaces the theme's.
    let mut by_name: indexmap::IndexMap<String, StaticFile> = indexmap::IndexMap::new();
    for (name, f) in files {
        by_name.insert(name, f);
    }
    by_name.into_iter().collect()
}

/// A static file, from the site folder or the built-in theme.
pub enum StaticFile {
    Disk(PathBuf),
    BuiltIn(&'static [u8]),
}

impl StaticFile {
    pub fn bytes(&self) -> Result<std::borrow::Cow<'static, [u8]>, SiteError> {
        match self {
            StaticFile::Disk(path) => std::fs::read(path)
                .map(std::borrow::Cow::Owned)
                .map_err(|e| SiteError::io("read", path, &e)),
            StaticFile::BuiltIn(bytes) => Ok(std::borrow::Cow::Borrowed(bytes)),
        }
    }
}

/// Copies the static files into the staging folder. Returns each file's
/// path and the hash of its bytes.
pub fn copy_static(
    files: &[(String, StaticFile)],
    staging: &Staging,
) -> Result<Vec<(String, u64)>, SiteError> {
    files
        .par_iter()
        .map(|(name, f)| {
            let bytes = f.bytes()?;
            staging.write(name, &bytes)?;
            Ok((name.clone(), hash_bytes(&bytes)))
        })
        .collect()
}

fn collect_static_dir(dir: &Path, out: &mut Vec<(String, StaticFile)>) {
    if !dir.is_dir() {
        return;
    }
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let name = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        out.push((name, StaticFile::Disk(entry.into_path())));
    }
}

fn collect_builtin_static(
    dir: &'static include_dir::Dir<'static>,
    out: &mut Vec<(String, StaticFile)>,
) {
    for file in dir.files() {
        let rel = file.path().strip_prefix("static").unwrap_or(file.path());
        out.push((
            rel.to_string_lossy().replace('\\', "/"),
            StaticFile::BuiltIn(file.contents()),
        ));
    }
    for sub in dir.dirs() {
        collect_builtin_static(sub, out);
    }
}

/// The site-wide files that depend on the configuration alone:
/// `.nojekyll`, `robots.txt` and `highlight.css`.
pub fn fixed_files(config: &Config) -> Vec<(String, Vec<u8>)> {
    vec![
        (".nojekyll".to_string(), Vec::new()),
        (
            "robots.txt".to_string(),
            format!(
                "User-agent: *\nAllow: /\nSitemap: {}\n",
                config.url("sitemap.xml")
            )
            .into_bytes(),
        ),
        (
            "highlight.css".to_string(),
            highlight_css().as_bytes().to_vec(),
        ),
    ]
}

/// The sitemap files of the pages `html_paths` (see [`sitemaps`]).
pub fn sitemap_files(catalog: &Catalog, html_paths: &[&str]) -> Vec<(String, Vec<u8>)> {
    sitemaps(&catalog.config, html_paths, SITEMAP_URLS)
        .into_iter()
        .map(|(name, xml)| (name, xml.into_bytes()))
        .collect()
}

/// The Atom feed, when the site has one.
pub fn feed_file(catalog: &Catalog) -> Option<(String, Vec<u8>)> {
    catalog
        .config
        .feed
        .enabled
        .then(|| ("atom.xml".to_string(), feed(catalog).into_bytes()))
}

/// Name of the machine-readable catalog.
pub const MODELS_JSON: &str = "models.json";

/// `models.json`, the catalog for programs: `{"title", "base_url",
/// "count", "creators", "categories", "sources", "libraries", "models"}`.
/// The four maps are the data files' entries by id, as written; each
/// model is `{"id", "url", ...}` followed by its fields as written in its
/// data file, without those left empty, so that what many models share
/// is written once. Written piece by piece, never whole in memory.
pub struct ModelsJson<'a> {
    catalog: &'a Catalog,
    head: String,
    /// Each model's value hash, in catalog order: what the file is made
    /// from besides the data files in `head`.
    hashes: Vec<u64>,
}

/// One model of `models.json`.
#[derive(serde::Serialize)]
struct ModelsJsonEntry<'a> {
    id: &'a str,
    url: String,
    #[serde(flatten)]
    data: &'a crate::source::data::ModelData,
}

impl<'a> ModelsJson<'a> {
    pub fn new(catalog: &'a Catalog, models: &[Arc<ModelEntry>]) -> Result<Self, SiteError> {
        let config = &catalog.config;
        let head = serde_json::to_string(&serde_json::json!({
            "title": config.title,
            "base_url": config.base_url,
            "count": catalog.models.len(),
            "creators": catalog.creators,
            "categories": catalog.categories,
            "sources": catalog.sources,
            "libraries": catalog.libraries,
        }))
        .map_err(|e| SiteError::new(format!("cannot write {MODELS_JSON}: {e}")))?;
        Ok(ModelsJson {
            catalog,
            // Without its closing brace: the models follow.
            head: head.trim_end_matches('}').to_string(),
            hashes: models.iter().map(|m| m.value_hash).collect(),
        })
    }

    /// A cheap fingerprint of what the file is made of (not of its bytes).
    pub fn fingerprint(&self) -> u64 {
        let mut fp = crate::render::memo::Fingerprint::new();
        fp.str(&self.head);
        for &hash in &self.hashes {
            fp.u64(hash);
        }
        fp.finish()
    }

    /// Writes the file into `dir`, unless `interrupted()` says to stop
    /// first (asked every thousand models): then the file is left as it
    /// was and the result is `Ok(false)`.
    pub fn write(&self, dir: &Path, interrupted: &dyn Fn() -> bool) -> Result<bool, SiteError> {
        let c = self.catalog;
        let written = replace_file(&dir.join(MODELS_JSON), |out| {
            out.write_all(self.head.as_bytes())?;
            out.write_all(b",\"models\":[")?;
            for (i, m) in c.models.iter().enumerate() {
                if i % 1000 == 999 && interrupted() {
                    return Err(std::io::ErrorKind::Interrupted.into());
                }
                if i > 0 {
                    out.write_all(b",")?;
                }
                let entry = ModelsJsonEntry {
                    id: &m.id,
                    url: c.config.url(&m.path),
                    data: &m.data,
                };
                serde_json::to_writer(&mut *out, &entry).map_err(std::io::Error::other)?;
            }
            out.write_all(b"]}")
        });
        match written {
            Ok(()) => Ok(true),
            Err(_) if interrupted() => Ok(false),
            Err(e) => Err(e),
        }
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The most URLs one sitemap file may list (the sitemap protocol's limit).
pub const SITEMAP_URLS: usize = 50_000;

/// The sitemap of every page (not the 404 page, not redirects):
/// `sitemap.xml` listing them when they are at most [`SITEMAP_URLS`], else
/// `sitemap.xml` as a sitemap index of `sitemap-1.xml`, `sitemap-2.xml`,
/// ..., each listing up to that many (`limit`), in path order.
fn sitemaps(config: &Config, html_paths: &[&str], limit: usize) -> Vec<(String, String)> {
    let mut urls: Vec<&str> = html_paths
        .iter()
        .filter(|p| p.ends_with("index.html"))
        .copied()
        .collect();
    urls.sort();
    let urlset = |paths: &[&str]| {
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for path in paths {
            let page = path.strip_suffix("index.html").unwrap_or(path);
            out.push_str("  <url><loc>");
            out.push_str(&xml_escape(&config.url(page)));
            out.push_str("</loc></url>\n");
        }
        out.push_str("</urlset>\n");
        out
    };
    if urls.len() <= limit {
        return vec![("sitemap.xml".to_string(), urlset(&urls))];
    }
    let parts: Vec<(String, String)> = urls
        .chunks(limit)
        .enumerate()
        .map(|(i, chunk)| (format!("sitemap-{}.xml", i + 1), urlset(chunk)))
        .collect();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (name, _) in &parts {
        index.push_str("  <sitemap><loc>");
        index.push_str(&xml_escape(&config.url(name)));
        index.push_str("</loc></sitemap>\n");
    }
    index.push_str("</sitemapindex>\n");
    let mut files = vec![("sitemap.xml".to_string(), index)];
    files.extend(parts);
    files
}

/// An Atom feed of the newest models.
fn feed(catalog: &Catalog) -> String {
    use atom_syndication::{Category, Content, Entry, Feed, FixedDateTime, Link, Person, Text};
    let config = &catalog.config;
    let date = |s: &str| FixedDateTime::parse_from_rfc3339(s).ok();
    let newest = catalog.newest(config.feed.limit);
    let epoch = date("1970-01-01T00:00:00+00:00").unwrap_or_default();
    let entries: Vec<Entry> = newest
        .iter()
        .map(|&i| {
            let m = &catalog.models[i];
            let url = config.url(&m.path);
            let updated = m
                .data
                .released
                .as_ref()
                .and_then(|r| date(&r.to_rfc3339()))
                .unwrap_or(epoch);
            let creator = catalog
                .creators
                .get(&m.data.creator)
                .map_or(m.data.creator.clone(), |c| c.name.clone());
            Entry {
                title: Text::plain(m.data.name.clone()),
                id: url.clone(),
                updated,
                authors: vec![Person {
                    name: creator,
                    ..Default::default()
                }],
                links: vec![Link {
                    href: url,
                    rel: "alternate".into(),
                    ..Default::default()
                }],
                summary: (!m.data.summary.is_empty()).then(|| Text::plain(m.data.summary.clone())),
                categories: vec![Category {
                    term: m.data.category.clone(),
                    ..Default::default()
                }],
                content: None::<Content>,
                ..Default::default()
            }
        })
        .collect();
    let updated = entries.iter().map(|e| e.updated).max().unwrap_or(epoch);
    let feed = Feed {
        title: Text::plain(if config.title.is_empty() {
            "Models".to_string()
        } else {
            format!("{}: newest models", config.title)
        }),
        id: config.base_url.clone(),
        updated,
        links: vec![
            Link {
                href: config.url("atom.xml"),
                rel: "self".into(),
                ..Default::default()
            },
            Link {
                href: config.url("models/"),
                rel: "alternate".into(),
                ..Default::default()
            },
        ],
        entries,
        ..Default::default()
    };
    feed.to_string()
}

/// Colours for highlighted code, by kind of token (made once).
fn highlight_css() -> &'static str {
    static CSS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    CSS.get_or_init(crate::highlight::stylesheet)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder holding `files` (name, text).
    fn folder(dir: &Path, files: &[(&str, &str)]) {
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
    }

    /// The names in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn text(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn a_build_killed_between_the_two_renames_gets_the_previous_output_back() {
        let site = tempfile::tempdir().unwrap();
        let public = site.path().join("public");
        folder(
            &site.path().join(".public.old"),
            &[("index.html", "previous"), ("models/a/index.html", "a")],
        );
        folder(
            &site.path().join(".public.staging"),
            &[("index.html", "ne")],
        );
        recover(&public).unwrap();
        assert_eq!(names(site.path()), ["public"]);
        assert_eq!(text(&public.join("index.html")), "previous");
        assert_eq!(text(&public.join("models/a/index.html")), "a");
    }

    #[test]
    fn a_build_killed_after_the_new_output_moved_in_keeps_it() {
        let site = tempfile::tempdir().unwrap();
        let public = site.path().join("public");
        folder(&public, &[("index.html", "new")]);
        folder(
            &site.path().join(".public.old"),
            &[("index.html", "previous")],
        );
        folder(
            &site.path().join(".public.old.removing"),
            &[("index.html", "older")],
        );
        recover(&public).unwrap();
        assert_eq!(names(site.path()), ["public"]);
        assert_eq!(text(&public.join("index.html")), "new");
    }

    #[test]
    fn a_previous_output_killed_while_being_deleted_is_never_brought_back() {
        let site = tempfile::tempdir().unwrap();
        let public = site.path().join("public");
        folder(
            &site.path().join(".public.old.removing"),
            &[("models/a/index.html", "a")],
        );
        recover(&public).unwrap();
        assert!(names(site.path()).is_empty(), "no half output is restored");
    }

    #[test]
    fn a_build_after_a_killed_one_starts_clean_and_leaves_only_its_output() {
        let site = tempfile::tempdir().unwrap();
        let public = site.path().join("public");
        folder(
            &site.path().join(".public.old"),
            &[("index.html", "previous")],
        );
        folder(&site.path().join(".public.staging"), &[("stale.html", "x")]);
        let staging = Staging::create(&public, false).unwrap();
        assert_eq!(
            text(&public.join("index.html")),
            "previous",
            "the previous output is back while the build runs"
        );
        assert!(names(&staging.dir).is_empty(), "the staging folder is new");
        staging.write("index.html", b"new").unwrap();
        staging.commit().unwrap();
        assert_eq!(names(site.path()), ["public"]);
        assert_eq!(names(&public), ["index.html"]);
        assert_eq!(text(&public.join("index.html")), "new");

        // By two renames, as where folders cannot be exchanged.
        let staging = Staging::create(&public, false).unwrap();
        staging.write("other.html", b"newer").unwrap();
        staging.move_in(false).unwrap();
        assert_eq!(names(site.path()), ["public"]);
        assert_eq!(names(&public), ["other.html"]);
    }

    #[test]
    fn only_paths_inside_the_output_folder_are_written() {
        let dir = Path::new("/site/public");
        for good in ["index.html", "models/bert/index.html", "a.b/c..d/e.html"] {
            assert_eq!(inside(dir, good).unwrap(), dir.join(good));
        }
        for bad in [
            "../index.html",
            "models/../../x",
            "/etc/passwd",
            "",
            "models//index.html",
            "./index.html",
            "models/./index.html",
            "a\\..\\b",
            "C:/x",
        ] {
            assert!(inside(dir, bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn a_long_sitemap_becomes_an_index_of_parts() {
        let config = Config::for_tests("https://example.org/atlas/");
        let pages = ["b/index.html", "index.html", "a/index.html", "404.html"];
        let one = sitemaps(&config, &pages, 3);
        assert_eq!(one.len(), 1);
        assert!(one[0].1.contains("<urlset"));
        assert_eq!(
            one[0].1.matches("<url>").count(),
            3,
            "the 404 page is left out"
        );

        let parts = sitemaps(&config, &pages, 2);
        let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml"]);
        assert!(parts[0].1.contains("<sitemapindex"));
        let index = &parts[0].1;
        assert!(index.contains("<sitemap><loc>https://example.org/atlas/sitemap-2.xml</loc>"));
        let (first, second) = (&parts[1].1, &parts[2].1);
        assert!(first.contains("<loc>https://example.org/atlas/a/</loc>"));
        assert!(first.contains("<loc>https://example.org/atlas/b/</loc>"));
        assert!(second.contains("<loc>https://example.org/atlas/</loc>"));
    }
}
