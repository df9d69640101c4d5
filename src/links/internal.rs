//! Internal link checking over the generated HTML, so links written in
//! templates count as much as links written in Markdown.
//!
//! [`extract`] reads one document's `href`/`src` values and its ids;
//! [`check`] then verifies that every link into the site names an output
//! file, and every `#fragment` an id on that page. This module reads HTML
//! it is given; it never fetches anything.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use html5gum::{Token, Tokenizer};

use crate::error::{Errors, SiteError, line_col};
use crate::render::{FragmentCheck, Origin, file_for};

/// The links and ids of one output document.
#[derive(Debug, Clone)]
pub struct PageLinks {
    /// File path in the output folder (`models/bert/index.html`).
    pub file: String,
    pub ids: HashSet<String>,
    /// Every `href`/`src` value, as written.
    pub links: Vec<String>,
    pub origin: Origin,
}

/// Reads the links and ids of a document.
pub fn extract(file: &str, html: &str, origin: Origin) -> PageLinks {
    let mut ids = HashSet::new();
    let mut links = Vec::new();
    for token in Tokenizer::new(html).flatten() {
        let Token::StartTag(tag) = token else {
            continue;
        };
        for (name, value) in &tag.attributes {
            let name: &[u8] = name;
            let value = String::from_utf8_lossy(&value.value);
            match name {
                b"id" => {
                    ids.insert(value.into_owned());
                }
                b"name" if &*tag.name == b"a" => {
                    ids.insert(value.into_owned());
                }
                b"href" | b"src" => links.push(value.into_owned()),
                _ => {}
            }
        }
    }
    PageLinks {
        file: file.to_string(),
        ids,
        links,
        origin,
    }
}

/// What a link points at.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A file of this site and an optional fragment.
    Internal {
        file: String,
        fragment: Option<String>,
    },
    /// An absolute http(s) URL elsewhere.
    External(String),
    /// `mailto:`, `tel:`, `data:`, `javascript:` and the like.
    Other,
    /// A root-relative link outside the site's base path: it would leave
    /// the site (on GitHub Pages, another repository's site).
    OutsideBase(String),
}

/// Resolves `href` found on the document at `from_file`.
pub fn classify(href: &str, from_file: &str, base_url: &str, base_path: &str) -> Target {
    let href = href.trim();
    if href.is_empty() {
        return Target::Other;
    }
    let (without_fragment, fragment) = match href.split_once('#') {
        Some((a, f)) => (a, Some(f.to_string())),
        None => (href, None),
    };
    let path_part = without_fragment.split('?').next().unwrap_or("");
    let site_relative: String = if let Some(rest) =
        href.strip_prefix(base_url.trim_end_matches('/'))
    {
        if !(rest.is_empty()
            || rest.starts_with('/')
            || rest.starts_with('#')
            || rest.starts_with('?'))
        {
            return Target::External(href.to_string());
        }
        let rest = rest.split(['#', '?']).next().unwrap_or("");
        rest.trim_start_matches('/').to_string()
    } else if href.starts_with("http://") || href.starts_with("https://") || href.starts_with("//")
    {
        return Target::External(href.to_string());
    } else if let Some(scheme_end) = href.find(':')
        && href[..scheme_end]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        && !href[..scheme_end].contains('/')
    {
        return Target::Other;
    } else if href.starts_with('#') {
        return Target::Internal {
            file: from_file.to_string(),
            fragment,
        };
    } else if path_part.starts_with('/') {
        match path_part.strip_prefix(base_path.trim_end_matches('/')) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => {
                rest.trim_start_matches('/').to_string()
            }
            _ => return Target::OutsideBase(href.to_string()),
        }
    } else {
        // Relative to the document's folder.
        let dir = from_file.rsplit_once('/').map_or("", |(d, _)| d);
        normalize(&format!("{dir}/{path_part}"))
    };
    let decoded = percent_decode(&site_relative);
    Target::Internal {
        file: decoded,
        fragment,
    }
}

fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if path.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The output file a site path names, if it exists: `a/b/` and `a/b` both
/// find `a/b/index.html`.
fn resolve_file<'a>(path: &str, files: &'a HashMap<String, usize>) -> Option<(&'a String, usize)> {
    let candidates = if path.is_empty() || path.ends_with('/') {
        vec![file_for(path)]
    } else {
        vec![path.to_string(), format!("{path}/index.html")]
    };
    candidates
        .into_iter()
        .find_map(|c| files.get_key_value(&c).map(|(k, v)| (k, *v)))
}

/// Checks every internal link and fragment. `pages` are the rendered
/// documents; `other_files` are the rest of the output (static files,
/// feeds). Every broken link is reported.
pub fn check(
    pages: &[PageLinks],
    other_files: &[String],
    fragment_checks: &[FragmentCheck],
    base_url: &str,
    base_path: &str,
) -> Result<(), Errors> {
    let mut files: HashMap<String, usize> = HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        files.insert(p.file.clone(), i);
    }
    for f in other_files {
        files.entry(f.clone()).or_insert(usize::MAX);
    }

    let mut errors = Errors::default();
    // `@/page.md#fragment` links are checked below, where the Markdown line
    // is known; the HTML pass leaves their URLs alone.
    let from_markdown: HashSet<&str> = fragment_checks
        .iter()
        .map(|c| c.link.href.as_str())
        .collect();
    let mut reported: HashSet<(String, String)> = HashSet::new();
    for page in pages {
        for href in page
            .links
            .iter()
            .filter(|h| !from_markdown.contains(h.as_str()))
        {
            let problem = match classify(href, &page.file, base_url, base_path) {
                Target::Internal { file, fragment } => match resolve_file(&file, &files) {
                    None => Some(format!(
                        "nothing is published at `{}`",
                        if file.is_empty() { "/" } else { &file }
                    )),
                    Some((_, idx)) => match (fragment, pages.get(idx)) {
                        (Some(f), Some(target))
                            if !f.is_empty()
                                && f != "top"
                                && !target.ids.contains(&percent_decode(&f)) =>
                        {
                            Some(format!("there is no `id=\"{f}\"` on {}", target.file))
                        }
                        _ => None,
                    },
                },
                Target::OutsideBase(h) => Some(format!(
                    "`{h}` is outside the site's base path `{base_path}`"
                )),
                Target::External(_) | Target::Other => None,
            };
            if let Some(problem) = problem
                && reported.insert((page.file.clone(), href.clone()))
            {
                errors.push(broken_link_error(page, href, &problem, base_path));
            }
        }
    }

    for check in fragment_checks {
        let link = &check.link;
        let target = files
            .get(&file_for(&link.target_path))
            .and_then(|&i| pages.get(i));
        let ok = target.is_some_and(|t| t.ids.contains(&link.fragment)) || link.fragment == "top";
        if !ok {
            let known: Vec<&str> = target
                .map(|t| {
                    let mut v: Vec<&str> = t.ids.iter().map(String::as_str).collect();
                    v.sort();
                    v
                })
                .unwrap_or_default();
            let hint = crate::error::did_you_mean(&link.fragment, known.iter().copied())
                .unwrap_or_else(|| {
                    "heading ids are the heading text in lowercase with `-` between words"
                        .to_string()
                });
            errors.push(
                SiteError::new(format!(
                    "the anchor `#{}` in `{}` does not exist on that page",
                    link.fragment, link.written
                ))
                .at(&check.file, link.line, link.column)
                .with_source(check.text.clone())
                .hint(hint),
            );
        }
    }
    errors.into_result(())
}

/// Names where a broken link came from: the data or Markdown file when the
/// link is written there, else the template.
fn broken_link_error(page: &PageLinks, href: &str, problem: &str, base_path: &str) -> SiteError {
    let shown_page = format!("{}{}", base_path, page.file.trim_end_matches("index.html"));
    let message = format!("broken link `{href}` on {shown_page}: {problem}");
    let in_source = page
        .origin
        .source
        .as_ref()
        .and_then(|(file, text)| text.find(href).map(|off| (file, text, off)));
    match in_source {
        Some((file, text, off)) => {
            let (line, column) = line_col(text, off);
            SiteError::new(message)
                .at(file, line, column)
                .with_source(Arc::clone(text))
                .hint("fix the link, or link with `@/path/page.md` so the build resolves it")
        }
        None => {
            let template: PathBuf = page.origin.template.clone();
            SiteError::new(format!("{message} (written in the template)"))
                .in_file(template)
                .hint("the link is made by the template; build URLs with get_url(path=...) and check the path exists")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://u.github.io/repo/";

    #[test]
    fn links_are_classified_against_the_base_url() {
        let t = |h| classify(h, "guides/a/index.html", BASE, "/repo/");
        assert_eq!(
            t("https://u.github.io/repo/models/x/#y"),
            Target::Internal {
                file: "models/x/".into(),
                fragment: Some("y".into())
            }
        );
        assert_eq!(
            t("/repo/style.css?h=1"),
            Target::Internal {
                file: "style.css".into(),
                fragment: None
            }
        );
        assert_eq!(t("/other/"), Target::OutsideBase("/other/".into()));
        assert_eq!(
            t("../b/"),
            Target::Internal {
                file: "guides/b/".into(),
                fragment: None
            }
        );
        assert_eq!(
            t("#x"),
            Target::Internal {
                file: "guides/a/index.html".into(),
                fragment: Some("x".into())
            }
        );
        assert_eq!(t("mailto:a@b.c"), Target::Other);
        assert_eq!(
            t("https://huggingface.co/x"),
            Target::External("https://huggingface.co/x".into())
        );
        assert_eq!(
            t("https://u.github.io/repository"),
            Target::External("https://u.github.io/repository".into())
        );
    }

    #[test]
    fn ids_and_links_are_extracted() {
        let origin = Origin {
            source: None,
            template: PathBuf::from("t.html"),
        };
        let p = extract(
            "index.html",
            "<h2 id=\"a\">A</h2><a href=\"x/\" name=\"b\">x</a><img src=\"i.png\">",
            origin,
        );
        assert!(p.ids.contains("a") && p.ids.contains("b"));
        assert_eq!(p.links, vec!["x/", "i.png"]);
    }
}
