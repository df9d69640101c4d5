//! The output folder: a staging folder written as the build goes, swapped
//! in whole when the build succeeds, and the site-wide files (static
//! assets, `models.json`, `sitemap.xml`, `atom.xml`, `robots.txt`,
//! `.nojekyll`, `highlight.css`).
//!
//! A failed build never touches the previous output: everything is written
//! to the staging folder first.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::Value;

use crate::catalog::Catalog;
use crate::error::SiteError;
use crate::markdown::CODE_CLASS_STYLE;
use crate::render::context::{model_value, newest_first};
use crate::render::templates::{DEFAULT_THEME, ThemeSource};

/// A folder being filled, to become the output folder on success.
pub struct Staging {
    pub dir: PathBuf,
    target: PathBuf,
    minify: bool,
}

impl Staging {
    /// Creates an empty staging folder next to `target`.
    pub fn create(target: &Path, minify: bool) -> Result<Staging, SiteError> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".to_string());
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| SiteError::io("create", parent, &e))?;
        let dir = parent.join(format!(".{name}.staging"));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| SiteError::io("clear", &dir, &e))?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| SiteError::io("create", &dir, &e))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            minify,
        })
    }

    /// Writes one file (`rel` uses `/`), creating its folders.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), SiteError> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| SiteError::io("create", parent, &e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| SiteError::io("write", &path, &e))
    }

    /// Writes an HTML document, minified if the site asks for it.
    pub fn write_html(&self, rel: &str, html: &str) -> Result<(), SiteError> {
        if self.minify {
            let cfg = minify_html::Cfg {
                keep_closing_tags: true,
                keep_html_and_head_opening_tags: true,
                ..minify_html::Cfg::default()
            };
            self.write(rel, &minify_html::minify(html.as_bytes(), &cfg))
        } else {
            self.write(rel, html.as_bytes())
        }
    }

    /// Replaces the output folder with the staging folder.
    pub fn commit(self) -> Result<(), SiteError> {
        let old = self.dir.with_file_name(
            self.dir
                .file_name()
                .map(|n| n.to_string_lossy().replace(".staging", ".old"))
                .unwrap_or_else(|| ".old".to_string()),
        );
        if old.exists() {
            std::fs::remove_dir_all(&old).map_err(|e| SiteError::io("clear", &old, &e))?;
        }
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &old)
                .map_err(|e| SiteError::io("move aside", &self.target, &e))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.target) {
            // Put the previous output back before giving up.
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(SiteError::io("replace", &self.target, &e));
        }
        if had_old {
            std::fs::remove_dir_all(&old).map_err(|e| SiteError::io("remove", &old, &e))?;
        }
        Ok(())
    }

    /// Removes the staging folder, leaving the output folder as it was.
    pub fn discard(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Copies the theme's `static/` and then the site's `static/` (which wins)
/// into the output. Returns the copied paths, relative, with `/`.
pub fn copy_static(
    catalog: &Catalog,
    theme: &ThemeSource,
    staging: &Staging,
) -> Result<Vec<String>, SiteError> {
    let mut files: Vec<(String, StaticFile)> = Vec::new();
    match theme {
        ThemeSource::Folder(dir) => collect_static_dir(&dir.join("static"), &mut files),
        ThemeSource::BuiltIn => {
            if let Some(dir) = DEFAULT_THEME.get_dir("static") {
                collect_builtin_static(dir, &mut files);
            }
        }
    }
    collect_static_dir(&catalog.config.root.join("static"), &mut files);
    // The site's file of the same name replaces the theme's.
    let mut by_name: indexmap::IndexMap<String, StaticFile> = indexmap::IndexMap::new();
    for (name, f) in files {
        by_name.insert(name, f);
    }
    let by_name: Vec<(String, StaticFile)> = by_name.into_iter().collect();
    by_name
        .par_iter()
        .map(|(name, f)| match f {
            StaticFile::Disk(path) => {
                let dest = staging.dir.join(name);
                if let Some(parent) = dest.parent() {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| SiteError::io("create", parent, &e))?;
                }
                std::fs::copy(path, &dest)
                    .map(|_| ())
                    .map_err(|e| SiteError::io("copy", path, &e))
            }
            StaticFile::BuiltIn(bytes) => staging.write(name, bytes),
        })
        .collect::<Result<Vec<()>, SiteError>>()?;
    Ok(by_name.into_iter().map(|(name, _)| name).collect())
}

enum StaticFile {
    Disk(PathBuf),
    BuiltIn(&'static [u8]),
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

/// Writes the site-wide generated files. Returns their paths.
pub fn write_site_files(
    catalog: &Catalog,
    staging: &Staging,
    html_paths: &[String],
) -> Result<Vec<String>, SiteError> {
    let config = &catalog.config;
    let mut written = Vec::new();
    let mut put = |name: &str, bytes: Vec<u8>| -> Result<(), SiteError> {
        staging.write(name, &bytes)?;
        written.push(name.to_string());
        Ok(())
    };

    put(".nojekyll", Vec::new())?;
    put(
        "robots.txt",
        format!(
            "User-agent: *\nAllow: /\nSitemap: {}\n",
            config.url("sitemap.xml")
        )
        .into_bytes(),
    )?;
    put("sitemap.xml", sitemap(catalog, html_paths).into_bytes())?;
    put("highlight.css", highlight_css().into_bytes())?;

    let models: Vec<Value> = (0..catalog.models.len())
        .into_par_iter()
        .map(|i| {
            let mut v = model_value(catalog, i);
            if let Some(obj) = v.as_object_mut() {
                obj.remove("content");
                obj.remove("toc");
            }
            v
        })
        .collect();
    let json = serde_json::to_vec(&serde_json::json!({
        "title": config.title,
        "base_url": config.base_url,
        "count": models.len(),
        "models": models,
    }))
    .map_err(|e| SiteError::new(format!("cannot write models.json: {e}")))?;
    put("models.json", json)?;

    if config.feed.enabled {
        put("atom.xml", feed(catalog).into_bytes())?;
    }
    Ok(written)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `sitemap.xml` listing every page (not the 404 page, not redirects).
fn sitemap(catalog: &Catalog, html_paths: &[String]) -> String {
    let mut urls: Vec<&String> = html_paths
        .iter()
        .filter(|p| p.ends_with("index.html"))
        .collect();
    urls.sort();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in urls {
        let page = path.strip_suffix("index.html").unwrap_or(path);
        out.push_str("  <url><loc>");
        out.push_str(&xml_escape(&catalog.config.url(page)));
        out.push_str("</loc></url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// An Atom feed of the newest models.
fn feed(catalog: &Catalog) -> String {
    use atom_syndication::{Category, Content, Entry, Feed, FixedDateTime, Link, Person, Text};
    let config = &catalog.config;
    let date = |s: &str| FixedDateTime::parse_from_rfc3339(s).ok();
    let newest: Vec<usize> = newest_first(&catalog.models)
        .into_iter()
        .take(config.feed.limit)
        .collect();
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

/// Colours for highlighted code: a light theme, and a dark one when the
/// reader's system prefers it.
fn highlight_css() -> String {
    use syntect::highlighting::ThemeSet;
    use syntect::html::css_for_theme_with_class_style;
    let themes = ThemeSet::load_defaults();
    let light = themes
        .themes
        .get("InspiredGitHub")
        .and_then(|t| css_for_theme_with_class_style(t, CODE_CLASS_STYLE).ok())
        .unwrap_or_default();
    let dark = themes
        .themes
        .get("base16-ocean.dark")
        .and_then(|t| css_for_theme_with_class_style(t, CODE_CLASS_STYLE).ok())
        .unwrap_or_default();
    format!("{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n")
}
