//! Reading the site folder: every data file and every Markdown page.
//!
//! This stage turns files into typed, unresolved values ([`SiteSource`]),
//! reporting every file that cannot be parsed. It does not check that
//! references between files exist; that is the catalog's job.

pub mod data;
pub mod pages;

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;
use rayon::prelude::*;

use crate::config::Config;
use crate::error::{Errors, SiteError};
use data::{Category, Creator, Library, License, ModelData, Seg, Source, YamlFile};
use pages::PageSource;

/// Entries by id, in the order of their file.
pub type IdMap<T> = IndexMap<String, T, rustc_hash::FxBuildHasher>;

/// Folder of model files, relative to the site root.
pub const MODELS_DIR: &str = "data/models";
/// Folder of Markdown pages, relative to the site root.
pub const PAGES_DIR: &str = "site";
/// The data files whose shape the schema defines.
pub const SCHEMA_FILES: [&str; 5] = ["creators", "categories", "sources", "libraries", "licenses"];

/// One model file, parsed.
#[derive(Debug, Clone)]
pub struct ModelSource {
    pub id: String,
    /// The data file, relative to the site root. Its text is not kept once
    /// parsed (a large catalog would hold every file twice); the few errors
    /// that point into it read it again with [`ModelSource::yaml`].
    pub file: PathBuf,
    /// The hash of the file's text as parsed.
    pub text_hash: u64,
    /// Shared, so that copying the site's sources for a rebuild is cheap.
    pub data: Arc<ModelData>,
    /// The name in lower case, by which the catalog is sorted.
    pub sort_key: String,
    /// URL path of the model's page, `models/<id>/`.
    pub path: String,
}

impl ModelSource {
    /// The model's data file as parsed, read again from the site at
    /// `root`; an error if it changed since, as the rest of the build saw
    /// the earlier text.
    pub fn yaml(&self, root: &Path) -> Result<YamlFile, SiteError> {
        let file = YamlFile::read(root, &self.file)?;
        if crate::render::memo::hash_bytes(file.text.as_bytes()) != self.text_hash {
            return Err(SiteError::new("the file changed while the site was built")
                .in_file(&self.file)
                .hint("build again"));
        }
        Ok(file)
    }
}

/// A map file (`data/creators.yaml`, ...), parsed. `file` is `None` when
/// the site has no such file.
#[derive(Debug, Clone)]
pub struct MapFile<T> {
    pub file: Option<YamlFile>,
    pub entries: IdMap<T>,
}

impl<T> Default for MapFile<T> {
    fn default() -> Self {
        MapFile {
            file: None,
            entries: IdMap::default(),
        }
    }
}

/// Everything read from the site folder.
#[derive(Debug, Clone)]
pub struct SiteSource {
    /// Shared with the files they were read from, so that a rebuild's copy
    /// of the sources costs a pointer per model.
    pub models: Vec<Arc<ModelSource>>,
    pub creators: MapFile<Creator>,
    pub categories: MapFile<Category>,
    pub sources: MapFile<Source>,
    pub libraries: MapFile<Library>,
    /// What each licence allows, by licence id.
    pub licenses: MapFile<License>,
    /// Any other `data/<stem>.yaml`, by stem.
    pub other_data: serde_json::Map<String, serde_json::Value>,
    /// Pages under `site/`, except model prose.
    pub pages: Vec<PageSource>,
    /// `site/models/<id>.md`, by id.
    pub model_prose: IdMap<Arc<PageSource>>,
}

/// Reads and parses every data file and page of the site.
pub fn read_site(config: &Config) -> Result<SiteSource, Errors> {
    SourceFiles::scan(&config.root).assemble()
}

/// What an input file of the site is, from its path alone.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// `data/models/<id>.yaml`
    Model,
    /// `data/<stem>.yaml` for one of [`SCHEMA_FILES`].
    Schema,
    /// Any other `data/<stem>.yaml`.
    OtherData,
    /// `site/**.md`, except model prose.
    Page,
    /// `site/models/<id>.md`.
    Prose(String),
}

fn is_yaml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext == "yaml" || ext == "yml")
}

fn stem_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The kind of input `rel` (relative to the site root) is, or `None` when
/// it is not read by the build.
fn kind_of(rel: &Path) -> Option<Kind> {
    let parent = rel.parent().unwrap_or(Path::new(""));
    if is_yaml(rel) {
        if parent == Path::new(MODELS_DIR) {
            return Some(Kind::Model);
        }
        if parent == Path::new("data") {
            let stem = stem_of(rel);
            return Some(if SCHEMA_FILES.contains(&stem.as_str()) {
                Kind::Schema
            } else {
                Kind::OtherData
            });
        }
        return None;
    }
    if !rel.starts_with(PAGES_DIR) || rel.extension().is_none_or(|ext| ext != "md") {
        return None;
    }
    // Editor temporary and hidden files are not pages.
    let name = rel.file_name().and_then(|n| n.to_str())?;
    if name.starts_with('.') || name.starts_with('#') {
        return None;
    }
    let stem = stem_of(rel);
    if parent == Path::new(PAGES_DIR).join("models") && stem != "index" && stem != "_index" {
        return Some(Kind::Prose(stem));
    }
    Some(Kind::Page)
}

/// One input file, parsed, with the errors that stopped it.
#[derive(Debug, Clone)]
enum Input {
    Model(Result<Arc<ModelSource>, SiteError>),
    Creators(MapFile<Creator>, Option<SiteError>),
    Categories(MapFile<Category>, Option<SiteError>),
    Sources(MapFile<Source>, Option<SiteError>),
    Libraries(MapFile<Library>, Option<SiteError>),
    Licenses(MapFile<License>, Option<SiteError>),
    OtherData(Result<serde_json::Value, SiteError>),
    Page(Result<PageSource, SiteError>),
    Prose(String, Result<Arc<PageSource>, SiteError>),
}

/// Every input file of the site, parsed one by one and kept by path, so
/// that a change re-reads only the files it touched.
///
/// [`SourceFiles::assemble`] gives the same [`SiteSource`] (and the same
/// errors, in the same order) whether the files were read at once or
/// updated one at a time.
#[derive(Debug, Clone)]
pub struct SourceFiles {
    root: PathBuf,
    files: BTreeMap<PathBuf, Input>,
}

impl SourceFiles {
    /// No files yet.
    pub fn empty(root: &Path) -> SourceFiles {
        SourceFiles {
            root: root.to_path_buf(),
            files: BTreeMap::new(),
        }
    }

    /// Lists and reads every input file under `root`.
    pub fn scan(root: &Path) -> SourceFiles {
        let mut files = SourceFiles::empty(root);
        let listed = list_inputs(root);
        files.read(listed);
        files
    }

    /// Reads the files `rels` (relative paths of inputs), in parallel.
    fn read(&mut self, rels: Vec<PathBuf>) {
        let root = &self.root;
        let read: Vec<(PathBuf, Option<Input>)> = rels
            .into_par_iter()
            .map(|rel| {
                let input = kind_of(&rel).map(|kind| read_input(root, &rel, kind));
                (rel, input)
            })
            .collect();
        if self.files.is_empty() {
            // A first read: the listing is sorted, so the map is built in
            // one pass rather than searched for each of its files.
            self.files = read
                .into_iter()
                .filter_map(|(rel, input)| Some((rel, input?)))
                .collect();
            return;
        }
        for (rel, input) in read {
            match input {
                Some(input) => {
                    self.files.insert(rel, input);
                }
                None => {
                    self.files.remove(&rel);
                }
            }
        }
    }

    /// Takes in changes to the paths `changed` (absolute or relative to the
    /// root): a changed file is read again, a removed one forgotten, and a
    /// changed or removed folder listed again. Paths that are not inputs
    /// are ignored.
    pub fn update(&mut self, changed: &[PathBuf]) {
        let mut reread: Vec<PathBuf> = Vec::new();
        let mut relist = false;
        for path in changed {
            let rel = path.strip_prefix(&self.root).unwrap_or(path).to_path_buf();
            let full = self.root.join(&rel);
            if full.is_dir() {
                relist = true;
            } else if full.is_file() {
                if kind_of(&rel).is_some() {
                    reread.push(rel);
                }
            } else {
                // Gone: the file, or every file of a removed folder.
                self.files.retain(|p, _| !p.starts_with(&rel));
            }
        }
        if relist {
            let listed = list_inputs(&self.root);
            let known: HashSet<&PathBuf> = listed.iter().collect();
            self.files.retain(|p, _| known.contains(p));
            let new: Vec<PathBuf> = listed
                .iter()
                .filter(|p| !self.files.contains_key(*p))
                .cloned()
                .collect();
            reread.extend(new);
        }
        reread.sort();
        reread.dedup();
        self.read(reread);
    }

    /// The model read from the data file `rel`, when it is one and it
    /// parsed.
    pub fn model_at(&self, rel: &Path) -> Option<Arc<ModelSource>> {
        match self.files.get(rel)? {
            Input::Model(Ok(m)) => Some(m.clone()),
            _ => None,
        }
    }

    /// The site's sources, or every error of every file.
    pub fn assemble(&self) -> Result<SiteSource, Errors> {
        let mut errors = Errors::default();
        // Sized once: growing them on a large site is most of the time a
        // rebuild spends here.
        let inputs = self.files.len();
        let mut models: Vec<Arc<ModelSource>> = Vec::with_capacity(inputs);
        let mut seen: HashMap<&str, &Path> =
            HashMap::with_capacity_and_hasher(inputs, Default::default());
        let mut pages = Vec::new();
        let mut model_prose = IdMap::with_capacity_and_hasher(inputs / 2, Default::default());
        let mut other_data = serde_json::Map::new();
        let mut other_errors = Vec::new();
        let mut page_errors = Vec::new();
        for (rel, input) in &self.files {
            match input {
                Input::Model(Ok(m)) => {
                    if let Some(first) = seen.get(m.id.as_str()) {
                        errors.push(
                            SiteError::new(format!(
                                "model id `{}` is defined twice, here and in {}",
                                m.id,
                                first.display()
                            ))
                            .in_file(&m.file)
                            .hint(
                                "keep one of the two files (`.yaml` and `.yml` name the same model)",
                            ),
                        );
                        continue;
                    }
                    seen.insert(&m.id, &m.file);
                    models.push(m.clone());
                }
                Input::Model(Err(e)) => errors.push(e.clone()),
                Input::OtherData(r) => match r {
                    Ok(value) => {
                        other_data.insert(stem_of(rel), value.clone());
                    }
                    Err(e) => other_errors.push(e.clone()),
                },
                Input::Page(r) => match r {
                    Ok(p) => pages.push(p.clone()),
                    Err(e) => page_errors.push(e.clone()),
                },
                Input::Prose(id, r) => match r {
                    Ok(p) => {
                        model_prose.insert(id.clone(), p.clone());
                    }
                    Err(e) => page_errors.push(e.clone()),
                },
                Input::Creators(..)
                | Input::Categories(..)
                | Input::Sources(..)
                | Input::Libraries(..)
                | Input::Licenses(..) => {}
            }
        }
        let creators = self.schema_file("creators", &mut errors, |i| match i {
            Input::Creators(m, e) => Some((m, e)),
            _ => None,
        });
        let categories = self.schema_file("categories", &mut errors, |i| match i {
            Input::Categories(m, e) => Some((m, e)),
            _ => None,
        });
        let sources = self.schema_file("sources", &mut errors, |i| match i {
            Input::Sources(m, e) => Some((m, e)),
            _ => None,
        });
        let libraries = self.schema_file("libraries", &mut errors, |i| match i {
            Input::Libraries(m, e) => Some((m, e)),
            _ => None,
        });
        let licenses = self.schema_file("licenses", &mut errors, |i| match i {
            Input::Licenses(m, e) => Some((m, e)),
            _ => None,
        });
        errors.0.extend(other_errors);
        errors.0.extend(page_errors);
        errors.into_result(SiteSource {
            models,
            creators,
            categories,
            sources,
            libraries,
            licenses,
            other_data,
            pages,
            model_prose,
        })
    }

    /// The schema file `data/<stem>.yaml` (or `.yml` when there is no
    /// `.yaml`), empty when the site has neither.
    fn schema_file<T: Clone>(
        &self,
        stem: &str,
        errors: &mut Errors,
        pick: impl Fn(&Input) -> Option<(&MapFile<T>, &Option<SiteError>)>,
    ) -> MapFile<T> {
        let found = ["yaml", "yml"]
            .iter()
            .find_map(|ext| self.files.get(Path::new(&format!("data/{stem}.{ext}"))))
            .and_then(pick);
        match found {
            Some((map, error)) => {
                if let Some(e) = error {
                    errors.push(e.clone());
                }
                map.clone()
            }
            None => MapFile::default(),
        }
    }
}

/// The paths (relative to `root`) of every input file: YAML files in
/// `data/models/` and `data/`, Markdown files anywhere under `site/`.
fn list_inputs(root: &Path) -> Vec<PathBuf> {
    let mut rels: Vec<PathBuf> = Vec::new();
    for dir in [MODELS_DIR, "data"] {
        for path in yaml_files(&root.join(dir)) {
            rels.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
        }
    }
    rels.extend(
        walkdir::WalkDir::new(root.join(PAGES_DIR))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(root)
                    .unwrap_or(e.path())
                    .to_path_buf()
            })
            .filter(|rel| kind_of(rel).is_some()),
    );
    rels.sort();
    rels
}

/// Files with a YAML extension directly inside `dir`.
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && is_yaml(p))
        .collect()
}

fn read_input(root: &Path, rel: &Path, kind: Kind) -> Input {
    match kind {
        Kind::Model => Input::Model(read_model(root, rel).map(Arc::new)),
        Kind::Schema => match stem_of(rel).as_str() {
            "creators" => {
                let (m, e) = read_map(root, rel, "a creator");
                Input::Creators(m, e)
            }
            "categories" => {
                let (m, e) = read_map(root, rel, "a category");
                Input::Categories(m, e)
            }
            "sources" => {
                let (m, e) = read_map(root, rel, "a source");
                Input::Sources(m, e)
            }
            "licenses" => {
                let (m, e) = read_map_checked(root, rel, "a licence", license_id_problem);
                Input::Licenses(m, e)
            }
            _ => {
                let (m, e) = read_map(root, rel, "a library");
                Input::Libraries(m, e)
            }
        },
        Kind::OtherData => Input::OtherData(
            YamlFile::read(root, rel).and_then(|f| f.parse::<serde_json::Value>("this file")),
        ),
        Kind::Page => Input::Page(PageSource::read(root, rel, true)),
        Kind::Prose(id) => {
            let page = PageSource::read(root, rel, false).map(|p| Arc::new(p.drop_text(root)));
            Input::Prose(id, page)
        }
    }
}

/// The largest input file read (a data file, a page, a model card): 10 MiB,
/// a hundred times the largest model card we know of. A larger file is an
/// error rather than a slow build.
pub const MAX_FILE_BYTES: u64 = 10 << 20;

/// Reads the text file `path` (`shown` in messages): an error, at the file
/// and where the first bad byte is, if it is larger than [`MAX_FILE_BYTES`]
/// or not UTF-8. A leading byte-order mark is dropped.
pub fn read_text(path: &Path, shown: &Path) -> Result<String, SiteError> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| SiteError::io("read", shown, &e))?;
    text_of(bytes, shown)
}

/// `bytes` as text, with the checks of [`read_text`].
pub fn text_of(bytes: Vec<u8>, shown: &Path) -> Result<String, SiteError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(SiteError::new(format!(
            "the file is larger than {} MiB, the limit for one input file",
            MAX_FILE_BYTES >> 20
        ))
        .in_file(shown)
        .hint("split it into smaller files, or move large data out of the site"));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        // Everything before the first bad byte is UTF-8.
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let valid = std::str::from_utf8(valid).unwrap_or_default();
        let (line, column) = crate::error::line_col(valid, valid.len());
        SiteError::new("the file is not UTF-8 text")
            .at(shown, line, column)
            .hint("save the file as UTF-8")
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// The id rule in words, for messages.
pub const ID_RULE: &str = "ids start with a lowercase letter or digit and use only lowercase letters, digits, `.`, `_` and `-`";

/// Names that an output path of the site already uses inside the folders
/// where ids become paths: `models/page/2/` is a page of the catalog and
/// `creators/page/2/` one of the creators' list.
pub const RESERVED_IDS: &[&str] = &["page", "index.html"];

/// Whether `id` is a valid id of a model or of an entry of a data file
/// (creators, categories, sources, libraries): a lowercase letter or digit,
/// then lowercase letters, digits, `.`, `_` and `-` (so never `.` or `..`),
/// and not one of [`RESERVED_IDS`].
pub fn is_valid_id(id: &str) -> bool {
    id_problem(id).is_none()
}

/// What is wrong with `id`, in words, or `None` if it is valid.
pub fn id_problem(id: &str) -> Option<String> {
    let bytes = id.as_bytes();
    let Some(first) = bytes.first() else {
        return Some("an id cannot be empty".to_string());
    };
    let allowed = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if !allowed(first) || !bytes.iter().all(|b| allowed(b) || b"._-".contains(b)) {
        return Some(ID_RULE.to_string());
    }
    if RESERVED_IDS.contains(&id) {
        return Some(format!("`{id}` is a name the site's own pages use"));
    }
    None
}

/// A valid id close to an invalid one: lowercase, with `-` for anything
/// else (`Acme Model 7B!` -> `acme-model-7b`), starting with a letter or
/// digit; `model` if nothing is left, and a reserved name gets `-model`.
pub fn id_suggestion(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || "._-".contains(c) {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out
        .trim_start_matches(['.', '_', '-'])
        .trim_end_matches('-');
    if out.is_empty() {
        "model".to_string()
    } else if RESERVED_IDS.contains(&out) {
        format!("{out}-model")
    } else {
        out.to_string()
    }
}

fn read_model(root: &Path, rel: &Path) -> Result<ModelSource, SiteError> {
    let id = stem_of(rel);
    let file = YamlFile::read(root, rel)?;
    if let Some(problem) = id_problem(&id) {
        let better = id_suggestion(&id);
        return Err(
            SiteError::new(format!("`{id}` is not a valid model id: {problem}"))
                .in_file(rel)
                .hint(format!("rename the file to {MODELS_DIR}/{better}.yaml")),
        );
    }
    let data: ModelData = file.parse("a model")?;
    Ok(ModelSource {
        path: format!("models/{id}/"),
        id,
        text_hash: crate::render::memo::hash_bytes(file.text.as_bytes()),
        file: file.path,
        sort_key: data.name.to_lowercase(),
        data: Arc::new(data),
    })
}

/// `data/<stem>.yaml` or `data/<stem>.yml`, whichever exists.
pub fn data_file_path(root: &Path, stem: &str) -> Option<PathBuf> {
    ["yaml", "yml"]
        .iter()
        .map(|ext| PathBuf::from(format!("data/{stem}.{ext}")))
        .find(|rel| root.join(rel).is_file())
}

/// A schema map file; on a parse error, the error and an empty map.
fn read_map<T: for<'de> serde::Deserialize<'de>>(
    root: &Path,
    rel: &Path,
    what: &str,
) -> (MapFile<T>, Option<SiteError>) {
    read_map_checked(root, rel, what, id_problem)
}

/// What is wrong with a key of `data/licenses.yaml`, or `None`: a licence
/// id is written as the models write it (`openrail++`, SPDX ids), so it
/// only has to be one word.
fn license_id_problem(id: &str) -> Option<String> {
    if id.is_empty() || id.chars().any(|c| c.is_whitespace() || c == '/') {
        Some("a licence id is one word without spaces or `/`, as in a model's `license`".into())
    } else {
        None
    }
}

/// A map file whose keys `problem` checks.
fn read_map_checked<T: for<'de> serde::Deserialize<'de>>(
    root: &Path,
    rel: &Path,
    what: &str,
    problem: fn(&str) -> Option<String>,
) -> (MapFile<T>, Option<SiteError>) {
    let file = match YamlFile::read(root, rel) {
        Ok(f) => f,
        Err(e) => return (MapFile::default(), Some(e)),
    };
    match file.parse::<IdMap<T>>(what) {
        Ok(entries) => {
            let bad = entries.keys().find_map(|id| Some((id, problem(id)?)));
            let error = bad.map(|(id, problem)| {
                let (line, column) = file.locate(&[Seg::Key(id)]);
                SiteError::new(format!("`{id}` is not a valid id for {what}: {problem}"))
                    .at(&file.path, line, column)
                    .hint(format!(
                        "rename it to `{}`, here and wherever it is named",
                        id_suggestion(id)
                    ))
            });
            (
                MapFile {
                    file: Some(file),
                    entries,
                },
                error,
            )
        }
        Err(e) => (
            MapFile {
                file: Some(file),
                entries: IdMap::default(),
            },
            Some(e),
        ),
    }
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
        for bad in [
            ".",
            "..",
            "",
            "-x",
            ".hidden",
            "_x",
            "page",
            "index.html",
            "a/b",
            "a\\b",
        ] {
            assert!(!is_valid_id(bad), "{bad:?} must be refused");
            let better = id_suggestion(bad);
            assert!(is_valid_id(&better), "{bad:?} -> {better:?} must be valid");
        }
        assert_eq!(id_suggestion(".."), "model");
        assert_eq!(id_suggestion("page"), "page-model");
        assert_eq!(id_suggestion(".hidden"), "hidden");
        assert!(is_valid_id("0x") && is_valid_id("pages") && is_valid_id("v1.0"));
    }
}
