//! Reading one model card: the file (or standard input), its YAML front
//! matter and Markdown body, and what its path says about it (the folder
//! that names the model, the Hub repository of a cached download).
//!
//! Problems here are the card's own (not UTF-8, no front matter, broken
//! YAML) and come back as located errors. This module does not decide what
//! the metadata means; the mapping does.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use yaml_rust2::{Yaml, YamlLoader};

use crate::error::SiteError;
use crate::source::data::{Seg, YamlFile, locate};
use crate::source::pages::{FrontMatterSplit, split_front_matter};

/// How a card read from standard input is named in messages.
pub const STDIN_NAME: &str = "<stdin>";

/// A model card as read, before any mapping.
#[derive(Debug, Clone)]
pub struct Card {
    /// The card's path as given (or `<stdin>`), and its whole text.
    pub file: YamlFile,
    /// The front matter's text.
    pub front: String,
    /// The card's line the front matter starts on (2 unless blank lines
    /// come before the opening `---`).
    pub front_line: usize,
    /// The front matter's keys and values, in the order written.
    pub meta: Vec<(String, Yaml)>,
    /// The Markdown after the front matter.
    pub body: String,
    /// The name the card's folder gives the model (`Acme-7B` for
    /// `acme/Acme-7B/README.md`); `None` for standard input.
    pub folder_name: Option<String>,
    /// The Hub repository (`org/name`) when the path tells it: a card in the
    /// Hugging Face cache (`models--org--name/snapshots/<rev>/README.md`).
    pub repo: Option<String>,
}

impl Card {
    /// The card's name in messages: its path as given.
    pub fn shown(&self) -> &Path {
        &self.file.path
    }

    /// The value under `key` of the front matter.
    pub fn get(&self, key: &str) -> Option<&Yaml> {
        self.meta.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The line and column in the card of the value at `path` of the
    /// front matter.
    pub fn position(&self, path: &[Seg<'_>]) -> (usize, usize) {
        let (line, column) = locate(&self.front, path).unwrap_or((1, 1));
        (line + self.front_line - 1, column)
    }
}

/// Reads the card at `path`, or the README.md of the folder `path` (`-`
/// for standard input, whose text the caller passes in `stdin`).
pub fn read(path: &Path, stdin: Option<&str>) -> Result<Card, SiteError> {
    let readme;
    let path = if stdin.is_none() && path.is_dir() {
        readme = path.join("README.md");
        readme.as_path()
    } else {
        path
    };
    let (shown, text, folder_name, repo) = match stdin {
        Some(text) => (PathBuf::from(STDIN_NAME), text.to_string(), None, None),
        None => {
            // A pipe or a device could block the reader forever.
            if let Ok(meta) = std::fs::metadata(path)
                && !meta.is_file()
            {
                return Err(SiteError::new(
                    "this is not a regular file (a pipe, a socket or a device), so it is not read as a card",
                )
                .in_file(path)
                .hint("give the path of a model card file, or `-` to read one from standard input"));
            }
            let text = crate::source::read_text(path, path).map_err(|err| {
                if !path.exists() {
                    err.hint("give the path of a model card, such as path/to/model/README.md, or `-` to read one from standard input")
                } else {
                    err
                }
            })?;
            let (folder_name, repo) = names_from_path(path);
            (path.to_path_buf(), text, folder_name, repo)
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    parse(shown, text, folder_name, repo)
}

/// A card found in a folder, whose text the caller has read: its path
/// names its model and, when it has an owner, its Hub repository.
pub fn from_folder(
    path: &Path,
    text: String,
    folder_name: String,
    repo: Option<String>,
) -> Result<Card, SiteError> {
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    parse(path.to_path_buf(), text, Some(folder_name), repo)
}

fn parse(
    shown: PathBuf,
    text: String,
    folder_name: Option<String>,
    repo: Option<String>,
) -> Result<Card, SiteError> {
    let text: Arc<str> = text.into();
    let file = YamlFile {
        path: shown,
        text: text.clone(),
    };
    // Blank lines before the opening `---` are allowed, as on the Hub.
    let lead = leading_blank_lines(&text);
    let skipped = text[..lead].matches('\n').count();
    let (start, end, body_start) = match split_front_matter(&text[lead..]) {
        FrontMatterSplit::Found {
            yaml: (start, end),
            body_start,
        } => (lead + start, lead + end, lead + body_start),
        FrontMatterSplit::None => {
            return Err(SiteError::new("the card has no front matter")
                .at(&file.path, 1, 1)
                .with_source(text.clone())
                .hint("a model card starts with YAML metadata between two `---` lines:\n---\nlicense: apache-2.0\npipeline_tag: text-generation\n---"));
        }
        FrontMatterSplit::Unclosed => {
            return Err(SiteError::new("the card's front matter is not closed")
                .at(&file.path, 1, 1)
                .with_source(text.clone())
                .hint("end the front matter with a line that holds only `---`"));
        }
    };
    let front = text[start..end].to_string();
    // serde_yaml_ng reads it first: its messages and hints are the ones every
    // other YAML file of the site gets.
    let checked: serde_yaml_ng::Value = file
        .parse_at(&front, skipped + 1, "a model card")
        .map_err(|e| alias_bomb(e, &file, &front, skipped + 2))?;
    if !checked.is_mapping() && !checked.is_null() {
        return Err(
            SiteError::new("the card's front matter is not a map of keys and values")
                .at(&file.path, skipped + 2, 1)
                .with_source(text.clone())
                .hint("write the metadata as `key: value` lines, such as `license: mit`"),
        );
    }
    // yaml-rust2 then gives the values as written (`76.20` stays `76.20`).
    let docs = YamlLoader::load_from_str(&front).map_err(|e| {
        SiteError::new(e.info().to_string())
            .at(
                &file.path,
                e.marker().line() + skipped + 1,
                e.marker().col() + 1,
            )
            .with_source(text.clone())
            .hint(
                "this is not valid YAML: check the indentation and quote values that contain `: `",
            )
    })?;
    let meta = match docs.into_iter().next() {
        Some(Yaml::Hash(hash)) => hash.into_iter().map(|(k, v)| (key_text(&k), v)).collect(),
        _ => Vec::new(),
    };
    Ok(Card {
        file,
        front,
        front_line: skipped + 2,
        meta,
        body: text[body_start..].to_string(),
        folder_name,
        repo,
    })
}

/// The length of the blank lines that start `text`, when a `---` line
/// follows them.
fn leading_blank_lines(text: &str) -> usize {
    let mut pos = 0;
    while let Some(end) = text[pos..].find('\n') {
        let line = &text[pos..pos + end];
        if !line.trim().is_empty() {
            break;
        }
        pos += end + 1;
    }
    if text[pos..].starts_with("---") {
        pos
    } else {
        0
    }
}

/// The YAML reader's "repetition limit exceeded", which it gives without a
/// place, made into an error at the first alias of the front matter
/// (which starts on the card's line `front_line`).
fn alias_bomb(err: SiteError, file: &YamlFile, front: &str, front_line: usize) -> SiteError {
    if !err.message.contains("repetition limit exceeded") {
        return err;
    }
    let (line, column) = first_alias(front)
        .map(|at| crate::error::line_col(front, at))
        .map_or((front_line, 1), |(l, c)| (l + front_line - 1, c));
    SiteError::new("the front matter's aliases (`*name`) repeat their anchors' values more often than the YAML reader allows")
        .at(&file.path, line, column)
        .with_source(file.text.clone())
        .hint("no model card needs this many copies: write the values out once, or remove the anchors (`&name`) and aliases")
}

/// The offset of the first alias (`*name`) in YAML text, outside quotes
/// and comments as far as a line shows.
fn first_alias(yaml: &str) -> Option<usize> {
    let mut offset = 0;
    for line in yaml.split_inclusive('\n') {
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        for (i, c) in line.char_indices() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c == '#' && prev.is_whitespace() => break,
                None if c == '*' && (prev.is_whitespace() || "[{,:-".contains(prev)) => {
                    return Some(offset + i);
                }
                None => {}
            }
            prev = c;
        }
        offset += line.len();
    }
    None
}

/// A scalar as text; `None` for lists, maps and null.
pub fn scalar(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A mapping key as text (keys are nearly always strings already).
pub fn key_text(key: &Yaml) -> String {
    scalar(key).unwrap_or_else(|| "null".to_string())
}

/// The model name a card's path suggests and, for a card in the Hugging
/// Face cache, its repository.
fn names_from_path(path: &Path) -> (Option<String>, Option<String>) {
    let full = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    for dir in full.ancestors().skip(1) {
        let Some(name) = dir.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if let Some(repo) = name.strip_prefix("models--") {
            let repo = repo.replacen("--", "/", 1);
            let model = repo.rsplit('/').next().unwrap_or(&repo).to_string();
            if !model.is_empty() {
                return (Some(model), Some(repo));
            }
        }
    }
    let stem = full
        .file_stem()
        .and_then(|s| s.to_str())
        .map(str::to_string);
    let is_readme = stem
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("readme") || s.eq_ignore_ascii_case("modelcard"));
    let folder = if is_readme {
        full.parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .map(str::to_string)
    } else {
        stem
    };
    (folder, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_readme_is_named_by_its_folder_and_other_files_by_their_stem() {
        assert_eq!(
            names_from_path(Path::new("cards/Acme-7B/README.md")),
            (Some("Acme-7B".to_string()), None)
        );
        assert_eq!(
            names_from_path(Path::new("cards/tiny-bert.md")),
            (Some("tiny-bert".to_string()), None)
        );
    }

    #[test]
    fn a_card_in_the_hub_cache_knows_its_repository() {
        let path = Path::new(
            "/home/u/.cache/huggingface/hub/models--acme-ai--Acme-7B/snapshots/0a1b2c/README.md",
        );
        assert_eq!(
            names_from_path(path),
            (
                Some("Acme-7B".to_string()),
                Some("acme-ai/Acme-7B".to_string())
            )
        );
    }

    fn card(text: &str) -> Result<Card, SiteError> {
        parse(PathBuf::from("c.md"), text.to_string(), None, None)
    }

    #[test]
    fn values_keep_the_text_they_were_written_with() {
        let card = card("---\nvalue: 76.20\nlist: [a, 2]\n---\n# Title\n").expect("a valid card");
        assert_eq!(card.get("value"), Some(&Yaml::Real("76.20".to_string())));
        assert_eq!(card.body, "# Title\n");
    }

    #[test]
    fn blank_lines_may_come_before_the_front_matter() {
        let card = card("\n\n---\nlicense: mit\ntags: [a]\n---\n# Title\n").expect("a card");
        assert_eq!(card.get("license"), Some(&Yaml::String("mit".to_string())));
        assert_eq!(card.body, "# Title\n");
        assert_eq!(card.position(&[Seg::Key("tags")]), (5, 7));
    }

    #[test]
    fn an_alias_bomb_is_located_at_its_first_alias() {
        let mut front = String::from(
            "---\nlicense: mit\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (name, prev) in [
            ("b", "a"),
            ("c", "b"),
            ("d", "c"),
            ("e", "d"),
            ("f", "e"),
            ("g", "f"),
            ("h", "g"),
        ] {
            front.push_str(&format!(
                "{name}: &{name} [{}]\n",
                vec![format!("*{prev}"); 8].join(",")
            ));
        }
        front.push_str("---\n");
        let err = card(&front).expect_err("an alias bomb");
        assert!(err.message.contains("aliases"), "{}", err.message);
        let loc = err.location.expect("a location");
        assert_eq!((loc.line, loc.column), (4, 8));
        assert!(err.hint.expect("a hint").contains("write the values out"));
    }

    #[test]
    fn broken_yaml_is_located_in_the_card() {
        let err = card("---\nlicense: mit\ntags: [a, b\n---\nbody\n").expect_err("broken YAML");
        let loc = err.location.expect("a location");
        assert_eq!(loc.file, PathBuf::from("c.md"));
        assert_eq!(loc.line, 4, "the line after the open list");
    }
}
