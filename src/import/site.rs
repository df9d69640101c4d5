//! What the site already holds that an import must respect or add to: the
//! model ids taken, the prose files, the creators, categories, libraries
//! and sources, and which catalog models are which Hub repositories.
//!
//! Entries a model needs and the site lacks are added as stubs by
//! appending to the data file, so the user's comments and layout stay as
//! they were; the new text is read back with the schema before anything
//! is written. This module never touches a model file.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::SiteError;
use crate::source::data::{Category, Creator, Library, Source, YamlFile};
use crate::source::{MODELS_DIR, PAGES_DIR, data_file_path};

use super::emit::{self, Node};

/// One of the data files a model refers into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MapKind {
    Creators,
    Categories,
    Libraries,
    Sources,
}

impl MapKind {
    const ALL: [MapKind; 4] = [
        MapKind::Creators,
        MapKind::Categories,
        MapKind::Libraries,
        MapKind::Sources,
    ];

    pub fn stem(self) -> &'static str {
        match self {
            MapKind::Creators => "creators",
            MapKind::Categories => "categories",
            MapKind::Libraries => "libraries",
            MapKind::Sources => "sources",
        }
    }

    pub fn singular(self) -> &'static str {
        match self {
            MapKind::Creators => "creator",
            MapKind::Categories => "category",
            MapKind::Libraries => "library",
            MapKind::Sources => "source",
        }
    }

    /// What a stub of this kind lacks.
    fn to_fill(self) -> &'static str {
        match self {
            MapKind::Creators => "check its name and add kind, url and description",
            MapKind::Categories => "check its name and add a description",
            MapKind::Libraries => "check its name and add url, cache_dir, env and description",
            MapKind::Sources => "add a description",
        }
    }
}

/// A data file of one kind, as it is now.
#[derive(Debug)]
pub struct MapState {
    pub kind: MapKind,
    /// Relative to the site root (the file may not exist yet).
    pub rel: PathBuf,
    text: String,
    entries: IndexMap<String, serde_yaml_ng::Value>,
    /// Why the file cannot be added to, if it cannot.
    pub broken: Option<SiteError>,
}

impl MapState {
    fn load(root: &Path, kind: MapKind) -> MapState {
        let rel = data_file_path(root, kind.stem())
            .unwrap_or_else(|| PathBuf::from(format!("data/{}.yaml", kind.stem())));
        let mut state = MapState {
            kind,
            rel,
            text: String::new(),
            entries: IndexMap::new(),
            broken: None,
        };
        if !root.join(&state.rel).is_file() {
            return state;
        }
        match YamlFile::read(root, &state.rel).and_then(|f| {
            let entries = f.parse::<IndexMap<String, serde_yaml_ng::Value>>(kind.stem())?;
            Ok((f, entries))
        }) {
            Ok((file, entries)) => {
                state.text = file.text.to_string();
                state.entries = entries;
            }
            Err(e) => state.broken = Some(e),
        }
        state
    }

    pub fn has(&self, id: &str) -> bool {
        self.entries.contains_key(id)
    }

    /// The key of the entry `name` stands for: the key itself, or an entry
    /// of that name, compared without regard to case.
    pub fn find(&self, name: &str) -> Option<String> {
        let wanted = name.trim();
        let id = crate::source::id_suggestion(wanted);
        self.entries
            .iter()
            .find(|(key, value)| {
                key.eq_ignore_ascii_case(wanted)
                    || **key == id
                    || value
                        .get("name")
                        .and_then(|n| n.as_str())
                        .is_some_and(|n| n.eq_ignore_ascii_case(wanted))
            })
            .map(|(key, _)| key.clone())
    }

    /// The keys, for "did you mean".
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// The text of this file with `stubs` appended, read back to make sure
    /// it holds every old entry and every stub, in that order.
    pub fn with_stubs(&self, stubs: &[Stub]) -> Result<String, SiteError> {
        if let Some(e) = &self.broken {
            return Err(SiteError::new(format!(
                "cannot add to {}, which cannot be read: {}",
                self.rel.display(),
                e.message
            ))
            .in_file(&self.rel)
            .hint("fix the file first (`modelsite check` shows where), then import again"));
        }
        let mut text = self.text.clone();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        for stub in stubs {
            if !text.trim().is_empty() {
                text.push('\n');
            }
            text.push_str(&format!(
                "# Added by `modelsite import` for {}: {}.\n",
                stub.for_card.display(),
                self.kind.to_fill()
            ));
            text.push_str(&emit::document(&[(
                stub.id.clone(),
                Node::Map(stub.entry.clone()),
            )]));
        }
        let expected: Vec<&str> = self
            .entries
            .keys()
            .map(String::as_str)
            .chain(stubs.iter().map(|s| s.id.as_str()))
            .collect();
        let read = match self.kind {
            MapKind::Creators => keys_of::<Creator>(&text),
            MapKind::Categories => keys_of::<Category>(&text),
            MapKind::Libraries => keys_of::<Library>(&text),
            MapKind::Sources => keys_of::<Source>(&text),
        };
        match read {
            Ok(keys) if keys == expected => Ok(text),
            _ => Err(SiteError::new(format!(
                "cannot add to {}: its layout does not allow appending entries",
                self.rel.display()
            ))
            .in_file(&self.rel)
            .hint(format!(
                "write the file as a block of `id:` entries (not `{{...}}` or several documents), or add the {} by hand",
                self.kind.singular()
            ))),
        }
    }
}

fn keys_of<T: DeserializeOwned>(text: &str) -> Result<Vec<String>, serde_yaml_ng::Error> {
    let text = if text.trim().is_empty() { "{}" } else { text };
    let map: IndexMap<String, T> = serde_yaml_ng::from_str(text)?;
    Ok(map.into_keys().collect())
}

/// An entry to add to a data file.
#[derive(Debug, Clone)]
pub struct Stub {
    pub id: String,
    pub entry: Vec<(String, Node)>,
    /// The card that needs it, for the comment above it.
    pub for_card: PathBuf,
}

impl Stub {
    /// A stub named `name`; a source stub is the Hugging Face Hub.
    pub fn new(kind: MapKind, id: &str, name: &str, for_card: &Path) -> Stub {
        let mut entry = vec![("name".to_string(), Node::str(name))];
        if kind == MapKind::Sources {
            entry = vec![
                ("name".to_string(), Node::str("Hugging Face Hub")),
                (
                    "url".to_string(),
                    Node::str("https://huggingface.co/models"),
                ),
                ("kind".to_string(), Node::str("hub")),
            ];
        }
        Stub {
            id: id.to_string(),
            entry,
            for_card: for_card.to_path_buf(),
        }
    }
}

/// Everything of the site an import looks at.
#[derive(Debug)]
pub struct SiteData {
    root: PathBuf,
    /// Model id -> its file, relative to the root.
    models: HashMap<String, PathBuf>,
    /// Ids with a `site/models/<id>.md`.
    prose: HashSet<String>,
    maps: Vec<MapState>,
    /// Lowercase Hub repository -> catalog model id, read when first asked.
    hub_models: OnceLock<HashMap<String, String>>,
}

impl SiteData {
    pub fn load(root: &Path) -> SiteData {
        let files_in = |dir: &Path, exts: &[&str]| -> Vec<(String, PathBuf)> {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                return Vec::new();
            };
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .filter(|p| {
                    p.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| exts.contains(&e))
                })
                .filter_map(|p| {
                    let stem = p.file_stem()?.to_str()?.to_string();
                    Some((stem, dir.join(p.file_name()?)))
                })
                .collect()
        };
        let models = files_in(Path::new(MODELS_DIR), &["yaml", "yml"])
            .into_iter()
            .collect();
        let prose = files_in(&Path::new(PAGES_DIR).join("models"), &["md"])
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        SiteData {
            root: root.to_path_buf(),
            models,
            prose,
            maps: MapKind::ALL
                .iter()
                .map(|&k| MapState::load(root, k))
                .collect(),
            hub_models: OnceLock::new(),
        }
    }

    pub fn map(&self, kind: MapKind) -> &MapState {
        // Invariant: `maps` holds one state for each of MapKind::ALL, in order.
        &self.maps[MapKind::ALL.iter().position(|&k| k == kind).unwrap_or(0)]
    }

    /// The file of model `id`, if the site has it.
    pub fn model_file(&self, id: &str) -> Option<&Path> {
        self.models.get(id).map(PathBuf::as_path)
    }

    /// Every model of the site: its id and file, relative to the root.
    pub fn models(&self) -> impl Iterator<Item = (&str, &Path)> {
        self.models
            .iter()
            .map(|(id, rel)| (id.as_str(), rel.as_path()))
    }

    pub fn has_model(&self, id: &str) -> bool {
        self.models.contains_key(id)
    }

    pub fn has_prose(&self, id: &str) -> bool {
        self.prose.contains(id)
    }

    /// The catalog model published as Hub repository `repo`, found through
    /// its `sources`.
    pub fn model_for_repo(&self, repo: &str) -> Option<&str> {
        self.hub_models
            .get_or_init(|| self.read_hub_models())
            .get(&repo.to_lowercase())
            .map(String::as_str)
    }

    fn read_hub_models(&self) -> HashMap<String, String> {
        #[derive(Deserialize)]
        struct Link {
            url: String,
        }
        #[derive(Deserialize)]
        struct Sources {
            #[serde(default)]
            sources: Vec<Link>,
        }
        use rayon::prelude::*;
        let mut found: Vec<(&String, Vec<String>)> = self
            .models
            .par_iter()
            .filter_map(|(id, rel)| {
                let text = std::fs::read_to_string(self.root.join(rel)).ok()?;
                let model = serde_yaml_ng::from_str::<Sources>(&text).ok()?;
                let repos = model
                    .sources
                    .iter()
                    .filter_map(|link| hub_repo_of(&link.url))
                    .collect();
                Some((id, repos))
            })
            .collect();
        // Of two models published as one repository, the first by id.
        found.sort();
        let mut out = HashMap::new();
        for (id, repos) in found {
            for repo in repos {
                out.entry(repo.to_lowercase()).or_insert_with(|| id.clone());
            }
        }
        out
    }

    /// The key of the site's source for the Hugging Face Hub: one whose
    /// url is on huggingface.co, else `huggingface` (a stub if new).
    pub fn hub_source_id(&self) -> String {
        self.map(MapKind::Sources)
            .entries
            .iter()
            .find(|(_, v)| {
                v.get("url")
                    .and_then(|u| u.as_str())
                    .is_some_and(|u| u.contains("://huggingface.co"))
            })
            .map_or_else(|| "huggingface".to_string(), |(k, _)| k.clone())
    }
}

/// `org/name` of a model page URL on the Hub.
pub fn hub_repo_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://huggingface.co/")
        .or_else(|| url.strip_prefix("http://huggingface.co/"))?;
    let mut parts = rest.split(['/', '?', '#']).filter(|p| !p.is_empty());
    let (org, name) = (parts.next()?, parts.next()?);
    (!["datasets", "spaces", "docs", "models", "blog"].contains(&org))
        .then(|| format!("{org}/{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hub_urls_name_their_repository() {
        assert_eq!(
            hub_repo_of("https://huggingface.co/google-bert/bert-base-uncased"),
            Some("google-bert/bert-base-uncased".to_string())
        );
        assert_eq!(hub_repo_of("https://huggingface.co/datasets/x/y"), None);
        assert_eq!(hub_repo_of("https://huggingface.co/gpt2"), None);
    }

    /// A creators file with this text and one entry, `acme`.
    fn creators(text: &str) -> MapState {
        MapState {
            kind: MapKind::Creators,
            rel: PathBuf::from("data/creators.yaml"),
            text: text.to_string(),
            entries: [("acme".to_string(), serde_yaml_ng::Value::Null)]
                .into_iter()
                .collect(),
            broken: None,
        }
    }

    fn zeta() -> Stub {
        Stub::new(MapKind::Creators, "zeta", "Zeta", Path::new("c/README.md"))
    }

    #[test]
    fn stubs_are_appended_after_the_users_text() {
        let state = creators("# Our creators\nacme:\n  name: Acme  # the lab\n");
        let text = state.with_stubs(&[zeta()]).expect("appended");
        assert!(text.starts_with("# Our creators\nacme:\n  name: Acme  # the lab\n\n# Added by"));
        assert!(text.ends_with("zeta:\n  name: Zeta\n"));
    }

    #[test]
    fn a_flow_style_file_is_not_appended_to() {
        let state = creators("{acme: {name: Acme}}");
        assert!(state.with_stubs(&[zeta()]).is_err());
    }
}
