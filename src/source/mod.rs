//! Reading the site folder: every data file and every Markdown page.
//!
//! This stage turns files into typed, unresolved values ([`SiteSource`]),
//! reporting every file that cannot be parsed. It does not check that
//! references between files exist; that is the catalog's job.

pub mod data;
pub mod pages;

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use rayon::prelude::*;

use crate::config::Config;
use crate::error::{Errors, SiteError};
use data::{Category, Creator, Library, ModelData, Source, YamlFile};
use pages::PageSource;

/// Folder of model files, relative to the site root.
pub const MODELS_DIR: &str = "data/models";
/// Folder of Markdown pages, relative to the site root.
pub const PAGES_DIR: &str = "site";
/// The data files whose shape the schema defines.
pub const SCHEMA_FILES: [&str; 4] = ["creators", "categories", "sources", "libraries"];

/// One model file, parsed.
#[derive(Debug, Clone)]
pub struct ModelSource {
    pub id: String,
    pub file: YamlFile,
    pub data: ModelData,
}

/// A map file (`data/creators.yaml`, ...), parsed. `file` is `None` when
/// the site has no such file.
#[derive(Debug, Clone)]
pub struct MapFile<T> {
    pub file: Option<YamlFile>,
    pub entries: IndexMap<String, T>,
}

impl<T> Default for MapFile<T> {
    fn default() -> Self {
        MapFile {
            file: None,
            entries: IndexMap::new(),
        }
    }
}

/// Everything read from the site folder.
#[derive(Debug, Clone)]
pub struct SiteSource {
    pub models: Vec<ModelSource>,
    pub creators: MapFile<Creator>,
    pub categories: MapFile<Category>,
    pub sources: MapFile<Source>,
    pub libraries: MapFile<Library>,
    /// Any other `data/<stem>.yaml`, by stem.
    pub other_data: serde_json::Map<String, serde_json::Value>,
    /// Pages under `site/`, except model prose.
    pub pages: Vec<PageSource>,
    /// `site/models/<id>.md`, by id.
    pub model_prose: IndexMap<String, PageSource>,
}

/// Reads and parses every data file and page of the site.
pub fn read_site(config: &Config) -> Result<SiteSource, Errors> {
    let root = &config.root;
    let mut errors = Errors::default();

    let (models, model_errors) = read_models(root);
    errors.extend(model_errors);

    let creators = read_map::<Creator>(root, "creators", "a creator", &mut errors);
    let categories = read_map::<Category>(root, "categories", "a category", &mut errors);
    let sources = read_map::<Source>(root, "sources", "a source", &mut errors);
    let libraries = read_map::<Library>(root, "libraries", "a library", &mut errors);
    let other_data = read_other_data(root, &mut errors);

    let (pages, model_prose) = read_pages(root, &mut errors);

    errors.into_result(SiteSource {
        models,
        creators,
        categories,
        sources,
        libraries,
        other_data,
        pages,
        model_prose,
    })
}

/// Files with a YAML extension directly inside `dir`, sorted.
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            p.extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
        })
        .collect();
    files.sort();
    files
}

/// Whether `id` is a valid model id: lowercase `[a-z0-9._-]`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// A valid id close to an invalid one: lowercase, with `-` for anything
/// else (`Acme Model 7B!` -> `acme-model-7b`). Empty if nothing is left.
pub fn id_suggestion(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || "._-".contains(c) {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

fn read_models(root: &Path) -> (Vec<ModelSource>, Errors) {
    let files = yaml_files(&root.join(MODELS_DIR));
    let results: Vec<Result<ModelSource, SiteError>> = files
        .par_iter()
        .map(|path| {
            let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
            let id = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let file = YamlFile::read(root, &rel)?;
            if !is_valid_id(&id) {
                let better = id_suggestion(&id);
                return Err(SiteError::new(format!(
                    "`{id}` is not a valid model id: ids use only lowercase letters, digits, `.`, `_` and `-`"
                ))
                .in_file(&rel)
                .hint(format!("rename the file to {MODELS_DIR}/{better}.yaml")));
            }
            let data: ModelData = file.parse("a model")?;
            Ok(ModelSource { id, file, data })
        })
        .collect();

    let mut errors = Errors::default();
    let mut models: Vec<ModelSource> = Vec::with_capacity(results.len());
    let mut seen: std::collections::HashMap<String, PathBuf> = Default::default();
    for r in results {
        match r {
            Ok(m) => {
                if let Some(first) = seen.get(&m.id) {
                    errors.push(
                        SiteError::new(format!(
                            "model id `{}` is defined twice, here and in {}",
                            m.id,
                            first.display()
                        ))
                        .in_file(&m.file.path)
                        .hint("keep one of the two files (`.yaml` and `.yml` name the same model)"),
                    );
                    continue;
                }
                seen.insert(m.id.clone(), m.file.path.clone());
                models.push(m);
            }
            Err(e) => errors.push(e),
        }
    }
    (models, errors)
}

/// `data/<stem>.yaml` or `data/<stem>.yml`, whichever exists.
pub fn data_file_path(root: &Path, stem: &str) -> Option<PathBuf> {
    ["yaml", "yml"]
        .iter()
        .map(|ext| PathBuf::from(format!("data/{stem}.{ext}")))
        .find(|rel| root.join(rel).is_file())
}

fn read_map<T: for<'de> serde::Deserialize<'de>>(
    root: &Path,
    stem: &str,
    what: &str,
    errors: &mut Errors,
) -> MapFile<T> {
    let Some(rel) = data_file_path(root, stem) else {
        return MapFile::default();
    };
    let file = match YamlFile::read(root, &rel) {
        Ok(f) => f,
        Err(e) => {
            errors.push(e);
            return MapFile::default();
        }
    };
    match file.parse::<IndexMap<String, T>>(what) {
        Ok(entries) => MapFile {
            file: Some(file),
            entries,
        },
        Err(e) => {
            errors.push(e);
            MapFile {
                file: Some(file),
                entries: IndexMap::new(),
            }
        }
    }
}

fn read_other_data(root: &Path, errors: &mut Errors) -> serde_json::Map<String, serde_json::Value> {
    let mut out = serde_json::Map::new();
    for path in yaml_files(&root.join("data")) {
        let Some(stem) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
            continue;
        };
        if SCHEMA_FILES.contains(&stem.as_str()) {
            continue;
        }
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        match YamlFile::read(root, &rel).and_then(|f| f.parse::<serde_json::Value>("this file")) {
            Ok(value) => {
                out.insert(stem, value);
            }
            Err(e) => errors.push(e),
        }
    }
    out
}

fn read_pages(root: &Path, errors: &mut Errors) -> (Vec<PageSource>, IndexMap<String, PageSource>) {
    let site_dir = root.join(PAGES_DIR);
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&site_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|ext| ext == "md"))
        .filter(|p| {
            // Editor temporary and hidden files are not pages.
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| !n.starts_with('.') && !n.starts_with('#'))
        })
        .collect();
    files.sort();

    let prose_dir = site_dir.join("models");
    let results: Vec<(Option<String>, Result<PageSource, SiteError>)> = files
        .par_iter()
        .map(|path| {
            let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
            // `site/models/<id>.md` is a model's prose; `site/models/index.md`
            // would be the catalog's page.
            let model_id = (path.parent() == Some(prose_dir.as_path()))
                .then(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()))
                .flatten()
                .filter(|stem| stem != "index" && stem != "_index");
            let needs_title = model_id.is_none();
            (model_id, PageSource::read(root, &rel, needs_title))
        })
        .collect();

    let mut pages = Vec::new();
    let mut prose = IndexMap::new();
    for (model_id, r) in results {
        match (model_id, r) {
            (_, Err(e)) => errors.push(e),
            (Some(id), Ok(p)) => {
                prose.insert(id, p);
            }
            (None, Ok(p)) => pages.push(p),
        }
    }
    (pages, prose)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked_and_fixed() {
        assert!(is_valid_id("bert-base-uncased"));
        assert!(is_valid_id("gpt2.5_x"));
        assert!(!is_valid_id("Bert Base"));
        assert_eq!(id_suggestion("Bert Base!"), "bert-base");
    }
}
