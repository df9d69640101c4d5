//! Markdown files under `site/`: their front matter and body.
//!
//! This module splits a file into YAML front matter and Markdown, parses the
//! front matter into [`FrontMatter`], and works out the page's URL path. It
//! does not render Markdown.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::error::SiteError;
use crate::source::data::{Seg, YamlFile, locate};

/// A page's front matter.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<String>,
    #[serde(default)]
    pub description: String,
    pub template: Option<String>,
    #[serde(default)]
    pub weight: i64,
    #[serde(default)]
    pub draft: bool,
    pub toc: Option<bool>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A Markdown file as read.
#[derive(Debug, Clone)]
pub struct PageSource {
    /// Relative to the site root, e.g. `site/guides/choosing.md`.
    pub file: PathBuf,
    text: PageText,
    /// The hash of the file's text: equal hashes, equal texts.
    pub hash: u64,
    pub front: FrontMatter,
    /// Byte offset where the Markdown starts.
    pub body_start: usize,
    /// Number of lines before the Markdown (for error positions).
    pub body_line: usize,
}

/// A page's text, or where to read it again.
#[derive(Debug, Clone)]
enum PageText {
    Held(Arc<str>),
    /// Model prose is not kept once its front matter is read: a catalog
    /// holds thousands of them, and each is needed only while its model's
    /// page and search entry are made. The path is where it was read.
    Dropped(PathBuf),
}

impl PageSource {
    /// The file's text, read again if it is not held. The text must be the
    /// one read at first: a file changed since then is an error, as the
    /// rest of the build saw the earlier one.
    pub fn text(&self) -> Result<Arc<str>, SiteError> {
        match &self.text {
            PageText::Held(text) => Ok(text.clone()),
            PageText::Dropped(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| SiteError::io("read", &self.file, &e))?;
                if crate::render::memo::hash_bytes(text.as_bytes()) != self.hash {
                    return Err(SiteError::new("the file changed while the site was built")
                        .in_file(&self.file)
                        .hint("build again"));
                }
                Ok(text.into())
            }
        }
    }

    /// The Markdown after the front matter (see [`PageSource::text`]).
    pub fn body(&self) -> Result<String, SiteError> {
        Ok(self
            .text()?
            .get(self.body_start..)
            .unwrap_or("")
            .to_string())
    }

    /// Lets go of the text, which [`PageSource::text`] then reads again.
    pub fn drop_text(mut self, root: &Path) -> PageSource {
        self.text = PageText::Dropped(root.join(&self.file));
        self
    }

    /// Reads a Markdown file; `needs_title` is false for model prose.
    pub fn read(root: &Path, rel: &Path, needs_title: bool) -> Result<PageSource, SiteError> {
        let text: Arc<str> = crate::source::read_text(&root.join(rel), rel)?.into();
        PageSource::parse(rel, text, needs_title)
    }

    /// Splits and checks the text of the Markdown file `rel`.
    pub fn parse(rel: &Path, text: Arc<str>, needs_title: bool) -> Result<PageSource, SiteError> {
        let hash = crate::render::memo::hash_bytes(text.as_bytes());
        let yaml = YamlFile {
            path: rel.to_path_buf(),
            text: text.clone(),
        };
        let (front, body_start, body_line) = match split_front_matter(&text) {
            FrontMatterSplit::None => (FrontMatter::default(), 0, 0),
            FrontMatterSplit::Unclosed => {
                return Err(SiteError::new("the front matter is not closed")
                    .at(rel, 1, 1)
                    .with_source(text.clone())
                    .hint("end the front matter with a line that holds only `---`"));
            }
            FrontMatterSplit::Found {
                yaml: (start, end),
                body_start,
            } => {
                let front: FrontMatter = yaml.parse_at(&text[start..end], 1, "front matter")?;
                for (i, alias) in front.aliases.iter().enumerate() {
                    if let Some(problem) = alias_problem(alias) {
                        let path = [Seg::Key("aliases"), Seg::Index(i)];
                        let (line, column) = locate(&text[start..end], &path).unwrap_or((0, 1));
                        return Err(SiteError::new(format!(
                            "the alias `{alias}` cannot be a path of this site: {problem}"
                        ))
                        .at(rel, line + 1, column)
                        .with_source(text.clone())
                        .hint("write an old path of the site, such as `/old/path/` or `old/page.html`"));
                    }
                }
                let body_line = text[..body_start].matches('\n').count();
                (front, body_start, body_line)
            }
        };
        if needs_title && front.title.is_none() {
            return Err(SiteError::new("the page has no `title`")
                .at(rel, 1, 1)
                .with_source(text.clone())
                .hint("start the file with front matter:\n---\ntitle: My page\n---"));
        }
        Ok(PageSource {
            file: rel.to_path_buf(),
            text: PageText::Held(text),
            hash,
            front,
            body_start,
            body_line,
        })
    }
}

/// What keeps `alias` (a front matter `aliases` entry) from being a path
/// inside the output folder, or `None`: it must name at least one folder
/// or file, and no segment may be empty, `.` or `..`, or hold `\\` or a
/// control character.
pub fn alias_problem(alias: &str) -> Option<&'static str> {
    let path = alias.trim_start_matches('/');
    let path = path.strip_suffix('/').unwrap_or(path);
    if path.is_empty() {
        return Some("it is the home page");
    }
    for segment in path.split('/') {
        match segment {
            "" => return Some("it has an empty segment (`//`)"),
            "." | ".." => return Some("`.` and `..` would leave the output folder"),
            _ if segment.contains('\\') => return Some("it holds `\\`"),
            _ if segment.chars().any(char::is_control) => {
                return Some("it holds a control character");
            }
            _ => {}
        }
    }
    None
}

/// Where the front matter of a Markdown text is, if it has any.
pub enum FrontMatterSplit {
    None,
    Unclosed,
    Found {
        yaml: (usize, usize),
        body_start: usize,
    },
}

/// Finds `---` front matter at the start of `text`.
pub fn split_front_matter(text: &str) -> FrontMatterSplit {
    let Some(first_end) = text.find('\n') else {
        return FrontMatterSplit::None;
    };
    if text[..first_end].trim_end() != "---" {
        return FrontMatterSplit::None;
    }
    let start = first_end + 1;
    let mut pos = start;
    while pos <= text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        if text[pos..end].trim_end() == "---" {
            let body_start = (end + 1).min(text.len());
            return FrontMatterSplit::Found {
                yaml: (start, pos),
                body_start,
            };
        }
        if end == text.len() {
            break;
        }
        pos = end + 1;
    }
    FrontMatterSplit::Unclosed
}

/// The URL path of a page file under `site/`: `guides/choosing.md` ->
/// `guides/choosing/`, `guides/index.md` -> `guides/`, `index.md` -> ``.
pub fn url_path(rel_in_site: &Path) -> String {
    let mut parts: Vec<String> = rel_in_site
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.last_mut() {
        let stem = last.strip_suffix(".md").unwrap_or(last).to_string();
        *last = stem;
    }
    if parts.last().is_some_and(|s| s == "index" || s == "_index") {
        parts.pop();
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("{}/", parts.join("/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_paths_are_pretty() {
        assert_eq!(
            url_path(Path::new("guides/choosing.md")),
            "guides/choosing/"
        );
        assert_eq!(url_path(Path::new("guides/index.md")), "guides/");
        assert_eq!(url_path(Path::new("index.md")), "");
    }

    #[test]
    fn front_matter_is_split_from_body() {
        match split_front_matter("---\ntitle: A\n---\nbody\n") {
            FrontMatterSplit::Found { yaml, body_start } => {
                assert_eq!(yaml, (4, 13));
                assert_eq!(body_start, 17);
            }
            _ => panic!("front matter not found"),
        }
        assert!(matches!(
            split_front_matter("---\ntitle: A\n"),
            FrontMatterSplit::Unclosed
        ));
        assert!(matches!(
            split_front_matter("# Title\n"),
            FrontMatterSplit::None
        ));
    }
}
