//! The resolved site: every reference checked, taxonomies built, relations
//! between models found, and a URL path for everything that gets a page.
//!
//! This is the single place that knows the whole site. It takes the parsed
//! [`SiteSource`] and never reads files or renders anything.

use std::collections::BTreeMap;

use rayon::slice::ParallelSliceMut;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::Path;
use std::sync::Arc;

use crate::config::Config;
use crate::error::{Errors, SiteError, did_you_mean};
use crate::source::data::{Category, Creator, Library, License, ModelData, Seg, Source, YamlFile};
use crate::source::pages::{PageSource, url_path};
use crate::source::{IdMap, MapFile, ModelSource, PAGES_DIR, SiteSource, is_valid_id};

/// A model with everything it refers to checked. Its file, id, data and
/// URL path (`models/<id>/`) are those of its [`ModelSource`], reached
/// through `Deref`.
#[derive(Debug, Clone)]
pub struct Model {
    pub source: Arc<ModelSource>,
    /// `site/models/<id>.md`, if there is one.
    pub prose: Option<Arc<PageSource>>,
    /// Catalog models whose `base_model` names this one.
    pub derived: Vec<usize>,
    /// Catalog models whose `new_version` is this one.
    pub superseded: Vec<usize>,
}

impl std::ops::Deref for Model {
    type Target = ModelSource;

    fn deref(&self) -> &ModelSource {
        &self.source
    }
}

/// A Markdown page and where it is published.
#[derive(Debug, Clone)]
pub struct Page {
    pub source: PageSource,
    /// URL path relative to the site root (`guides/choosing/`, `` for home).
    pub path: String,
    /// False when the page's path is a generated page (the catalog, a
    /// taxonomy, a section), which then shows this page's prose.
    pub standalone: bool,
}

impl Page {
    pub fn title(&self) -> &str {
        self.source.front.title.as_deref().unwrap_or("")
    }
}

/// One of the four taxonomies.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// `categories`, `creators`, `tasks`, `licenses`: also its URL path.
    pub id: &'static str,
    /// In the site's words (`[text]` for the licences').
    pub title: String,
    pub singular: String,
    pub terms: Vec<Term>,
}

/// A term of a taxonomy and its models (indices into `Catalog::models`).
#[derive(Debug, Clone)]
pub struct Term {
    pub id: String,
    /// The URL path segment (the id, made safe for a path).
    pub slug: String,
    pub name: String,
    pub description: String,
    pub models: Vec<usize>,
}

/// The whole resolved site.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub config: Config,
    /// Sorted by name, then id.
    pub models: Vec<Model>,
    pub by_id: HashMap<String, usize>,
    pub creators: IdMap<Creator>,
    pub categories: IdMap<Category>,
    pub sources: IdMap<Source>,
    pub libraries: IdMap<Library>,
    /// What each licence allows (`data/licenses.yaml`), by licence id.
    pub licenses: IdMap<License>,
    pub other_data: serde_json::Map<String, serde_json::Value>,
    /// The map files as read (creators, categories, sources, libraries),
    /// to say where a value came from.
    pub data_files: Vec<YamlFile>,
    pub taxonomies: Vec<Taxonomy>,
    pub pages: Vec<Page>,
    /// Folders of pages without an index page of their own (`guides/`).
    pub sections: Vec<String>,
    pub warnings: Vec<SiteError>,
    /// The newest models, newest first, undated last: as many as the home
    /// page and the feed show (see [`Catalog::newest`]). Found once a
    /// catalog, in one pass over every model.
    newest: Vec<usize>,
    /// How many models have each value of the facets the catalog's
    /// filters offer; kept up to date by [`patch`] from the changed models
    /// alone.
    pub facets: FacetCounts,
}

/// How many models have each access kind, modality and domain, how many
/// give a size, and how many no licence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FacetCounts {
    pub access: BTreeMap<&'static str, usize>,
    pub modalities: BTreeMap<String, usize>,
    pub domains: BTreeMap<String, usize>,
    pub sized: usize,
    pub unlicensed: usize,
}

impl FacetCounts {
    fn of(models: &[Model]) -> Self {
        let mut counts = FacetCounts::default();
        for m in models {
            counts.count(&m.data, true);
        }
        counts
    }

    /// Counts the model `d` in (`add`) or out; a value no model has any
    /// more is left out, as a count from scratch would.
    fn count(&mut self, d: &ModelData, add: bool) {
        fn step<K: Ord>(map: &mut BTreeMap<K, usize>, key: K, add: bool) {
            if add {
                *map.entry(key).or_default() += 1;
            } else if let Some(n) = map.get_mut(&key) {
                *n -= 1;
                if *n == 0 {
                    map.remove(&key);
                }
            }
        }
        fn tally(n: &mut usize, yes: bool, add: bool) {
            if yes {
                *n = if add { *n + 1 } else { n.saturating_sub(1) };
            }
        }
        if let Some(a) = d.access {
            step(&mut self.access, a.as_str(), add);
        }
        for x in &d.modalities {
            step(&mut self.modalities, x.clone(), add);
        }
        for x in &d.domain {
            step(&mut self.domains, x.clone(), add);
        }
        tally(&mut self.sized, d.parameters.is_some(), add);
        tally(&mut self.unlicensed, d.license.is_none(), add);
    }
}

impl Catalog {
    pub fn taxonomy(&self, id: &str) -> Option<&Taxonomy> {
        self.taxonomies.iter().find(|t| t.id == id)
    }

    /// The page whose path is `path`, standalone or not.
    pub fn page_at(&self, path: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.path == path)
    }

    /// The URL path of the term `id` of taxonomy `taxonomy`.
    pub fn term_path(taxonomy: &str, slug: &str) -> String {
        format!("{taxonomy}/{slug}/")
    }

    /// How many pages a list of `rows` models takes (at least one, which
    /// says that there are none).
    pub fn page_count(&self, rows: usize) -> usize {
        rows.div_ceil(self.config.catalog.page_size).max(1)
    }

    /// The indices of the `limit` newest models, newest first, undated
    /// last; `limit` is at most [`HOME_NEWEST`] or the feed's length.
    pub fn newest(&self, limit: usize) -> &[usize] {
        &self.newest[..limit.min(self.newest.len())]
    }
}

/// How many of the newest models the home page shows.
pub const HOME_NEWEST: usize = 10;

/// How many newest models a catalog keeps in order (see [`Catalog::newest`]).
fn newest_kept(config: &Config) -> usize {
    HOME_NEWEST.max(config.feed.limit)
}

/// The URL path of page `number` (counted from 1) of the list at `path`:
/// the first page is the list's own path, the others are under `page/`
/// (`models/` -> `models/page/2/`).
pub fn paged_path(path: &str, number: usize) -> String {
    if number <= 1 {
        path.to_string()
    } else {
        format!("{path}page/{number}/")
    }
}

/// Checks every reference and builds the catalog, or reports every
/// dangling reference at once.
pub fn resolve(config: &Config, mut source: SiteSource) -> Result<Catalog, Errors> {
    let mut errors = Errors::default();
    let mut warnings = Vec::new();
    let drafts = config.drafts;

    let draft_ids: HashSet<String> = source
        .models
        .iter()
        .filter(|m| m.data.draft && !drafts)
        .map(|m| m.id.clone())
        .collect();
    let mut models: Vec<Arc<ModelSource>> = std::mem::take(&mut source.models)
        .into_iter()
        .filter(|m| !draft_ids.contains(&m.id))
        .collect();
    models.par_sort_by(|a, b| a.sort_key.cmp(&b.sort_key).then_with(|| a.id.cmp(&b.id)));
    let mut by_id: HashMap<String, usize> =
        HashMap::with_capacity_and_hasher(models.len(), Default::default());
    by_id.extend(models.iter().enumerate().map(|(i, m)| (m.id.clone(), i)));

    let known = Known {
        creators: &source.creators.entries,
        categories: &source.categories.entries,
        sources: &source.sources.entries,
        libraries: &source.libraries.entries,
    };
    for m in &models {
        check_model_references(m, &config.root, &by_id, &known, &mut errors, &mut warnings);
    }

    let mut prose = source.model_prose;
    // A draft model's prose is left out with it.
    prose.retain(|id, _| !draft_ids.contains(id));
    for (id, page) in &prose {
        if !by_id.contains_key(id) {
            let hint = did_you_mean(id, by_id.keys().map(String::as_str))
                .unwrap_or_else(|| format!("add data/models/{id}.yaml, or remove this file"));
            errors.push(
                SiteError::new(format!("there is no model `{id}` for this prose"))
                    .in_file(&page.file)
                    .hint(hint),
            );
        }
    }

    // Relations, by index.
    let mut derived = vec![Vec::new(); models.len()];
    let mut superseded = vec![Vec::new(); models.len()];
    for (i, m) in models.iter().enumerate() {
        for base in &m.data.base_model.0 {
            if let Some(&b) = by_id.get(base) {
                derived[b].push(i);
            }
        }
        if let Some(&n) = m.data.new_version.as_ref().and_then(|n| by_id.get(n)) {
            superseded[n].push(i);
        }
    }

    let models: Vec<Model> = models
        .into_iter()
        .zip(derived.into_iter().zip(superseded))
        .map(|(m, (derived, superseded))| Model {
            prose: prose.swap_remove(&m.id),
            source: m,
            derived,
            superseded,
        })
        .collect();

    let taxonomies = build_taxonomies(
        &config.text,
        &models,
        &source.creators,
        &source.categories,
        &source.licenses.entries,
    );
    let (pages, sections) = place_pages(
        source.pages,
        &taxonomies,
        &tool_paths(config),
        drafts,
        &mut errors,
    );

    let data_files = [
        &source.creators.file,
        &source.categories.file,
        &source.sources.file,
        &source.libraries.file,
        &source.licenses.file,
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect();
    errors.into_result(Catalog {
        data_files,
        config: config.clone(),
        by_id,
        creators: source.creators.entries,
        categories: source.categories.entries,
        sources: source.sources.entries,
        libraries: source.libraries.entries,
        licenses: source.licenses.entries,
        other_data: source.other_data,
        taxonomies,
        pages,
        sections,
        warnings,
        newest: newest_first(&models, newest_kept(config)),
        facets: FacetCounts::of(&models),
        models,
    })
}

/// Brings `catalog` up to date with the `changed` models, read again,
/// rather than resolving every source, when that gives the same catalog
/// as a full resolve: each changed model is already in it, from the same file,
/// and keeps everything that places it among the others (its id, name,
/// draft flag, creator, category, tasks, licence, base models and new
/// version), so the order, the taxonomies and the relations stand. `None`
/// when a full [`resolve`] is needed. A large catalog is resolved in a
/// fifth of a second; a save under `serve --watch` of one model's facts or
/// summary need not wait for it. The catalog is changed in place (a copy
/// of a large one costs tens of milliseconds); the [`Unpatch`] returned
/// puts it back. On errors it is left as it was.
pub fn patch(
    catalog: &mut Catalog,
    changed: &[Arc<ModelSource>],
) -> Option<Result<Unpatch, Errors>> {
    let previous = &*catalog;
    let mut at = Vec::with_capacity(changed.len());
    for m in changed {
        let &i = previous.by_id.get(&m.id)?;
        let old = &previous.models[i].source;
        let (a, b) = (&old.data, &m.data);
        let same_place = old.file == m.file
            && old.sort_key == m.sort_key
            && a.draft == b.draft
            && a.creator == b.creator
            && a.category == b.category
            && a.tasks == b.tasks
            && a.license == b.license
            && a.base_model.0 == b.base_model.0
            && a.new_version == b.new_version;
        if !same_place {
            return None;
        }
        at.push(i);
    }
    let known = Known {
        creators: &previous.creators,
        categories: &previous.categories,
        sources: &previous.sources,
        libraries: &previous.libraries,
    };
    let root = &previous.config.root;
    let mut errors = Errors::default();
    let mut warnings: Vec<SiteError> = previous
        .warnings
        .iter()
        .filter(|w| {
            w.location
                .as_ref()
                .is_none_or(|l| !changed.iter().any(|m| m.file == l.file))
        })
        .cloned()
        .collect();
    for m in changed {
        check_model_references(m, root, &previous.by_id, &known, &mut errors, &mut warnings);
    }
    if !errors.0.is_empty() {
        return Some(Err(errors));
    }
    let redate = changed
        .iter()
        .zip(&at)
        .any(|(m, &i)| m.data.released != previous.models[i].data.released);
    let mut unpatch = Unpatch {
        sources: Vec::with_capacity(at.len()),
        warnings: std::mem::replace(&mut catalog.warnings, warnings),
        newest: None,
    };
    for (m, i) in changed.iter().zip(at) {
        let old = std::mem::replace(&mut catalog.models[i].source, m.clone());
        catalog.facets.count(&old.data, false);
        catalog.facets.count(&m.data, true);
        unpatch.sources.push((i, old));
    }
    if redate {
        let newest = newest_first(&catalog.models, newest_kept(&catalog.config));
        unpatch.newest = Some(std::mem::replace(&mut catalog.newest, newest));
    }
    Some(Ok(unpatch))
}

/// What [`patch`] replaced in a catalog, to put back when the patched
/// catalog is not kept.
pub struct Unpatch {
    sources: Vec<(usize, Arc<ModelSource>)>,
    warnings: Vec<SiteError>,
    newest: Option<Vec<usize>>,
}

impl Unpatch {
    /// Makes `catalog` what it was before the patch.
    pub fn restore(self, catalog: &mut Catalog) {
        for (i, source) in self.sources {
            let patched = std::mem::replace(&mut catalog.models[i].source, source);
            catalog.facets.count(&patched.data, false);
            catalog.facets.count(&catalog.models[i].source.data, true);
        }
        catalog.warnings = self.warnings;
        if let Some(newest) = self.newest {
            catalog.newest = newest;
        }
    }
}

/// An error on the value at `path` of a model file (read again from the
/// site at `root` to find the place).
fn model_error(m: &ModelSource, root: &Path, path: &[Seg<'_>], message: String) -> SiteError {
    match m.yaml(root) {
        Ok(file) => {
            let (line, column) = file.locate(path);
            SiteError::new(message)
                .at(&file.path, line, column)
                .with_source(file.text.clone())
        }
        Err(_) => SiteError::new(message).in_file(&m.file),
    }
}

/// "did you mean" among the map's ids, else where such ids are defined.
fn reference_hint<T>(word: &str, map: &IdMap<T>, file_stem: &str, what: &str) -> String {
    did_you_mean(word, map.keys().map(String::as_str)).unwrap_or_else(|| {
        let known: Vec<&str> = map.keys().map(String::as_str).take(12).collect();
        if known.is_empty() {
            format!("{what} are defined in data/{file_stem}.yaml, which has none yet")
        } else {
            format!(
                "{what} are defined in data/{file_stem}.yaml; known ids: {}",
                known.join(", ")
            )
        }
    })
}

/// What a model's references are checked against: the schema's maps.
struct Known<'a> {
    creators: &'a IdMap<Creator>,
    categories: &'a IdMap<Category>,
    sources: &'a IdMap<Source>,
    libraries: &'a IdMap<Library>,
}

fn check_model_references(
    m: &ModelSource,
    root: &Path,
    by_id: &HashMap<String, usize>,
    source: &Known<'_>,
    errors: &mut Errors,
    warnings: &mut Vec<SiteError>,
) {
    let d = &m.data;
    if !source.creators.contains_key(&d.creator) {
        errors.push(
            model_error(
                m,
                root,
                &[Seg::Key("creator")],
                format!("unknown creator `{}`", d.creator),
            )
            .hint(reference_hint(
                &d.creator,
                source.creators,
                "creators",
                "creators",
            )),
        );
    }
    if !source.categories.contains_key(&d.category) {
        errors.push(
            model_error(
                m,
                root,
                &[Seg::Key("category")],
                format!("unknown category `{}`", d.category),
            )
            .hint(reference_hint(
                &d.category,
                source.categories,
                "categories",
                "categories",
            )),
        );
    }
    for (i, lib) in d.libraries.iter().enumerate() {
        if !source.libraries.contains_key(lib) {
            errors.push(
                model_error(
                    m,
                    root,
                    &[Seg::Key("libraries"), Seg::Index(i)],
                    format!("unknown library `{lib}`"),
                )
                .hint(reference_hint(
                    lib,
                    source.libraries,
                    "libraries",
                    "libraries",
                )),
            );
        }
    }
    for (i, s) in d.sources.iter().enumerate() {
        if !source.sources.contains_key(&s.source) {
            errors.push(
                model_error(
                    m,
                    root,
                    &[Seg::Key("sources"), Seg::Index(i), Seg::Key("source")],
                    format!("unknown source `{}`", s.source),
                )
                .hint(reference_hint(
                    &s.source,
                    source.sources,
                    "sources",
                    "sources",
                )),
            );
        }
    }
    let single_base = d.base_model.0.len() == 1;
    for (i, base) in d.base_model.0.iter().enumerate() {
        if base.contains('/') || by_id.contains_key(base) {
            continue;
        }
        let path_owned;
        let path: &[Seg<'_>] = if single_base {
            &[Seg::Key("base_model")]
        } else {
            path_owned = [Seg::Key("base_model"), Seg::Index(i)];
            &path_owned
        };
        let hint = did_you_mean(base, by_id.keys().map(String::as_str)).unwrap_or_else(|| {
            "a base model is a catalog id (a file in data/models/) or a Hugging Face repo id such as `google-bert/bert-base-uncased`".to_string()
        });
        errors.push(
            model_error(
                m,
                root,
                path,
                format!("base model `{base}` is neither a catalog model nor a Hugging Face id"),
            )
            .hint(hint),
        );
    }
    if let Some(next) = &d.new_version {
        if !by_id.contains_key(next) {
            let hint = did_you_mean(next, by_id.keys().map(String::as_str)).unwrap_or_else(|| {
                "`new_version` is the id of a model in data/models/".to_string()
            });
            errors.push(
                model_error(
                    m,
                    root,
                    &[Seg::Key("new_version")],
                    format!("unknown model `{next}` in new_version"),
                )
                .hint(hint),
            );
        } else if next == &m.id {
            errors.push(model_error(
                m,
                root,
                &[Seg::Key("new_version")],
                "a model cannot be its own new version".to_string(),
            ));
        }
    }
    if d.license.as_deref() == Some("other") && d.license_name.is_none() {
        errors.push(
            model_error(m, root, &[Seg::Key("license")], "`license: other` needs a `license_name`".to_string())
                .hint("add `license_name` (and `license_link` to the licence text), or use a licence id such as `apache-2.0`"),
        );
    }
    for (i, task) in d.tasks.iter().enumerate() {
        if !KNOWN_TASKS.contains(&task.as_str()) {
            let hint = did_you_mean(task, KNOWN_TASKS.iter().copied()).unwrap_or_else(|| {
                "tasks use the Hugging Face `pipeline_tag` names, such as `text-generation`"
                    .to_string()
            });
            let message = if task == "text2text-generation" {
                "`text2text-generation` is no longer a Hugging Face task".to_string()
            } else {
                format!("`{task}` is not a Hugging Face task")
            };
            let hint = if task == "text2text-generation" {
                "use `text-generation` (or `translation`, `summarization`)".to_string()
            } else {
                hint
            };
            warnings.push(
                model_error(m, root, &[Seg::Key("tasks"), Seg::Index(i)], message).hint(hint),
            );
        }
    }
}

/// The `pipeline_tag` vocabulary of the Hugging Face Hub.
pub const KNOWN_TASKS: &[&str] = &[
    "text-classification",
    "token-classification",
    "table-question-answering",
    "question-answering",
    "zero-shot-classification",
    "translation",
    "summarization",
    "feature-extraction",
    "text-generation",
    "fill-mask",
    "sentence-similarity",
    "text-ranking",
    "table-to-text",
    "multiple-choice",
    "text-retrieval",
    "text-to-speech",
    "text-to-audio",
    "automatic-speech-recognition",
    "audio-to-audio",
    "audio-classification",
    "voice-activity-detection",
    "depth-estimation",
    "image-classification",
    "object-detection",
    "image-segmentation",
    "text-to-image",
    "image-to-text",
    "image-to-image",
    "image-to-video",
    "unconditional-image-generation",
    "video-classification",
    "text-to-video",
    "zero-shot-image-classification",
    "mask-generation",
    "zero-shot-object-detection",
    "text-to-3d",
    "image-to-3d",
    "image-feature-extraction",
    "keypoint-detection",
    "video-to-video",
    "audio-text-to-text",
    "image-text-to-text",
    "image-text-to-image",
    "image-text-to-video",
    "visual-question-answering",
    "document-question-answering",
    "video-text-to-text",
    "visual-document-retrieval",
    "any-to-any",
    "tabular-classification",
    "tabular-regression",
    "tabular-to-text",
    "time-series-forecasting",
    "reinforcement-learning",
    "robotics",
    "graph-ml",
    "other",
];

/// A readable name for a task id, with the hyphens the Hugging Face Hub
/// keeps in its names: `text-generation` -> "Text generation", but
/// `image-text-to-text` -> "Image-text-to-text", `fill-mask` ->
/// "Fill-mask" and `zero-shot-classification` -> "Zero-shot classification".
pub fn task_name(id: &str) -> String {
    let words: Vec<&str> = id.split('-').collect();
    if words.contains(&"to") {
        return crate::config::capitalized(id);
    }
    let mut name = String::with_capacity(id.len());
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            let joined = matches!(
                (words[i - 1], *word),
                ("fill", "mask") | ("zero" | "one" | "few", "shot")
            );
            name.push(if joined { '-' } else { ' ' });
        }
        name.push_str(word);
    }
    crate::config::capitalized(&name)
}

/// A readable name for a licence id.
pub fn license_name(id: &str) -> String {
    let known = match id {
        "apache-2.0" => "Apache 2.0",
        "mit" => "MIT",
        "proprietary" => "Proprietary",
        "unknown" => "Unknown",
        "other" => "Other",
        "openrail" => "OpenRAIL",
        "openrail++" => "OpenRAIL++-M",
        "creativeml-openrail-m" => "CreativeML OpenRAIL-M",
        "bigscience-openrail-m" => "BigScience OpenRAIL-M",
        "bigscience-bloom-rail-1.0" => "BigScience BLOOM RAIL 1.0",
        "bigcode-openrail-m" => "BigCode OpenRAIL-M",
        "llama2" => "Llama 2 Community License",
        "llama3" => "Llama 3 Community License",
        "llama3.1" => "Llama 3.1 Community License",
        "llama3.2" => "Llama 3.2 Community License",
        "llama3.3" => "Llama 3.3 Community License",
        "llama4" => "Llama 4 Community License",
        "gemma" => "Gemma Terms of Use",
        "cc-by-4.0" => "CC BY 4.0",
        "cc-by-sa-4.0" => "CC BY-SA 4.0",
        "cc-by-nc-4.0" => "CC BY-NC 4.0",
        "cc-by-nc-sa-4.0" => "CC BY-NC-SA 4.0",
        "cc0-1.0" => "CC0 1.0",
        "bsd-3-clause" => "BSD 3-Clause",
        "gpl-3.0" => "GPL 3.0",
        "agpl-3.0" => "AGPL 3.0",
        "mpl-2.0" => "MPL 2.0",
        _ => return id.to_string(),
    };
    known.to_string()
}

/// The kinds of licence a reader weighs when choosing a model, in the
/// order they are offered, from the most to the least permissive.
pub const LICENSE_KINDS: [&str; 7] = [
    "permissive",
    "copyleft",
    "use-restrictions",
    "community",
    "non-commercial",
    "proprietary",
    "unknown",
];

/// The words for each of [`LICENSE_KINDS`], as the chooser offers them
/// and a licence page names its licence's kind.
pub fn license_kind_label(kind: &str) -> &'static str {
    match kind {
        "permissive" => "Permissive (Apache, MIT, BSD, CC BY)",
        "copyleft" => "Copyleft: share changes alike (GPL, CC BY-SA)",
        "use-restrictions" => "Open, with use restrictions (OpenRAIL)",
        "community" => "Own terms with conditions (Llama, Gemma, …)",
        "non-commercial" => "Non-commercial only",
        "proprietary" => "Proprietary",
        _ => "Not stated or unknown",
    }
}

/// Licence ids by kind: an id belongs to a kind when it starts with one
/// of the kind's prefixes. Looked at in order; what matches none is a
/// licence with terms of its own (`community`).
const LICENSE_PREFIXES: [(&str, &[&str]); 5] = [
    ("non-commercial", &["cc-by-nc"]),
    (
        "use-restrictions",
        &[
            "openrail",
            "creativeml-openrail",
            "bigscience-",
            "bigcode-openrail",
        ],
    ),
    (
        "copyleft",
        &[
            "gpl",
            "agpl",
            "lgpl",
            "cc-by-sa",
            "mpl",
            "epl",
            "eupl",
            "osl",
            "odbl",
            "cdla-sharing",
        ],
    ),
    (
        "permissive",
        &[
            "apache",
            "mit",
            "bsd",
            "cc-by",
            "cc0",
            "unlicense",
            "isc",
            "zlib",
            "bsl-1.0",
            "afl",
            "artistic",
            "ecl",
            "ms-pl",
            "ncsa",
            "postgresql",
            "wtfpl",
            "pddl",
            "odc-by",
            "cdla-permissive",
        ],
    ),
    ("proprietary", &["proprietary"]),
];

/// Which of [`LICENSE_KINDS`] a licence id is: `apache-2.0` is
/// permissive, `gpl-3.0` copyleft, the OpenRAIL family open with use
/// restrictions, `cc-by-nc-4.0` non-commercial, Llama and Gemma (and
/// `other`, a licence of its own) community licences with conditions.
pub fn license_kind(id: &str) -> &'static str {
    let id = id.to_ascii_lowercase();
    if id == "unknown" {
        return "unknown";
    }
    LICENSE_PREFIXES
        .iter()
        .find(|(_, prefixes)| prefixes.iter().any(|p| id.starts_with(p)))
        .map_or("community", |(kind, _)| kind)
}

/// A path segment for a term id: the id if it is already safe, else a
/// slug (`openrail++` -> `openrail-plus-plus`).
pub fn term_slug(id: &str) -> String {
    if is_valid_id(id) {
        return id.to_string();
    }
    let spelled = id.replace('+', "-plus");
    let s = slug::slugify(spelled);
    if is_valid_id(&s) {
        s
    } else {
        // Empty, or a name the site's own paths use (`page`).
        format!("{s}-term").trim_start_matches('-').to_string()
    }
}

fn build_taxonomies(
    text: &crate::config::TextConfig,
    models: &[Model],
    creators: &MapFile<Creator>,
    categories: &MapFile<Category>,
    licenses: &IdMap<License>,
) -> Vec<Taxonomy> {
    let mut by_category: HashMap<&str, Vec<usize>> = HashMap::default();
    let mut by_creator: HashMap<&str, Vec<usize>> = HashMap::default();
    let mut by_task: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut by_license: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, m) in models.iter().enumerate() {
        by_category.entry(&m.data.category).or_default().push(i);
        by_creator.entry(&m.data.creator).or_default().push(i);
        for (k, t) in m.data.tasks.iter().enumerate() {
            // A model lists a few tasks; a repeated one counts once.
            if !m.data.tasks[..k].contains(t) {
                by_task.entry(t).or_default().push(i);
            }
        }
        if let Some(l) = &m.data.license {
            by_license.entry(l).or_default().push(i);
        }
    }

    let category_terms = categories
        .entries
        .iter()
        .map(|(id, c)| Term {
            id: id.clone(),
            slug: term_slug(id),
            name: c.name.clone(),
            description: c.description.clone(),
            models: by_category.remove(id.as_str()).unwrap_or_default(),
        })
        .collect();
    let mut creator_terms: Vec<Term> = creators
        .entries
        .iter()
        .map(|(id, c)| Term {
            id: id.clone(),
            slug: term_slug(id),
            name: c.name.clone(),
            description: c.description.clone(),
            models: by_creator.remove(id.as_str()).unwrap_or_default(),
        })
        .collect();
    creator_terms.sort_by_key(|t| t.name.to_lowercase());
    let task_terms = by_task
        .into_iter()
        .map(|(id, models)| Term {
            id: id.to_string(),
            slug: term_slug(id),
            name: task_name(id),
            description: String::new(),
            models,
        })
        .collect();
    let license_terms = by_license
        .into_iter()
        .map(|(id, models)| Term {
            id: id.to_string(),
            slug: term_slug(id),
            name: licenses
                .get(id)
                .and_then(|l| l.name.clone())
                .unwrap_or_else(|| license_name(id)),
            description: String::new(),
            models,
        })
        .collect();

    vec![
        Taxonomy {
            id: "categories",
            title: "Categories".into(),
            singular: "Category".into(),
            terms: category_terms,
        },
        Taxonomy {
            id: "creators",
            title: "Creators".into(),
            singular: "Creator".into(),
            terms: creator_terms,
        },
        Taxonomy {
            id: "tasks",
            title: "Tasks".into(),
            singular: "Task".into(),
            terms: task_terms,
        },
        Taxonomy {
            id: "licenses",
            title: crate::config::capitalized(&text.licences),
            singular: crate::config::capitalized(&text.licence),
            terms: license_terms,
        },
    ]
}

/// The URL paths of the generated pages that the theme's scripts complete
/// in the browser: the comparison, the chooser and, when `[search]
/// enabled`, the search page. Each is rendered with the template of its
/// name (`compare.html`, ...) when the theme has one.
pub fn tool_paths(config: &Config) -> Vec<&'static str> {
    let mut paths = vec!["compare/", "choose/"];
    if config.search.enabled {
        paths.push("search/");
    }
    paths
}

/// Gives each page its URL path, finds sections without an index, and
/// marks pages that give their prose to a generated page.
fn place_pages(
    sources: Vec<PageSource>,
    taxonomies: &[Taxonomy],
    tools: &[&str],
    drafts: bool,
    errors: &mut Errors,
) -> (Vec<Page>, Vec<String>) {
    let mut generated: HashSet<String> = HashSet::default();
    generated.insert("models/".to_string());
    generated.extend(tools.iter().map(|t| t.to_string()));
    for t in taxonomies {
        generated.insert(format!("{}/", t.id));
        for term in &t.terms {
            generated.insert(Catalog::term_path(t.id, &term.slug));
        }
    }

    let site = std::path::Path::new(PAGES_DIR);
    let mut pages: Vec<Page> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::default();
    for source in sources {
        if source.front.draft && !drafts {
            continue;
        }
        let rel = source.file.strip_prefix(site).unwrap_or(&source.file);
        let path = url_path(rel);
        if let Some(&other) = seen.get(&path) {
            errors.push(
                SiteError::new(format!(
                    "this page and {} are both published at /{path}",
                    pages[other].source.file.display()
                ))
                .in_file(&source.file)
                .hint("rename or remove one of them"),
            );
            continue;
        }
        seen.insert(path.clone(), pages.len());
        let standalone = !generated.contains(&path);
        pages.push(Page {
            source,
            path,
            standalone,
        });
    }

    // A folder with pages but no index page of its own gets a section page.
    let mut sections: Vec<String> = Vec::new();
    for p in &pages {
        let mut parent = p.path.trim_end_matches('/');
        while let Some(i) = parent.rfind('/') {
            parent = &parent[..i];
            let folder = format!("{parent}/");
            if !seen.contains_key(&folder)
                && !generated.contains(&folder)
                && !sections.contains(&folder)
            {
                sections.push(folder);
            }
        }
    }
    sections.sort();
    (pages, sections)
}

/// The indices of the `limit` newest models, newest first, undated last.
///
/// One pass that keeps the best `limit` seen so far: a large catalog is
/// mostly older than the ones kept, so a model costs one comparison with
/// the last kept, not a place in an order of every model.
fn newest_first(models: &[Model], limit: usize) -> Vec<usize> {
    first_in_order(models.len(), limit, |&a, &b| {
        let (ra, rb) = (&models[a].data.released, &models[b].data.released);
        rb.cmp(ra).then_with(|| a.cmp(&b))
    })
}

/// The first `limit` of `0..n` in `order` (a total order), in that order.
fn first_in_order(
    n: usize,
    limit: usize,
    order: impl Fn(&usize, &usize) -> std::cmp::Ordering,
) -> Vec<usize> {
    let mut kept: Vec<usize> = Vec::with_capacity(limit + 1);
    for i in 0..n {
        if kept.len() == limit && kept.last().is_none_or(|last| order(&i, last).is_ge()) {
            continue;
        }
        let at = kept.partition_point(|k| order(k, &i).is_lt());
        kept.insert(at, i);
        kept.truncate(limit);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_in_order_are_those_of_a_full_sort() {
        // Ties and a limit of zero, one, some, all and more than all.
        let keys: Vec<u32> = (0..500u32).map(|i| (i * 7919) % 97).collect();
        let order = |a: &usize, b: &usize| keys[*b].cmp(&keys[*a]).then(a.cmp(b));
        let mut all: Vec<usize> = (0..keys.len()).collect();
        all.sort_by(order);
        for limit in [0, 1, 10, 499, 500, 600] {
            let want: Vec<usize> = all.iter().copied().take(limit).collect();
            assert_eq!(
                first_in_order(keys.len(), limit, order),
                want,
                "limit {limit}"
            );
        }
    }

    #[test]
    fn names_are_readable() {
        assert_eq!(task_name("text-generation"), "Text generation");
        assert_eq!(task_name("image-text-to-text"), "Image-text-to-text");
        assert_eq!(task_name("text-to-image"), "Text-to-image");
        assert_eq!(task_name("fill-mask"), "Fill-mask");
        assert_eq!(
            task_name("zero-shot-image-classification"),
            "Zero-shot image classification"
        );
        assert_eq!(license_name("apache-2.0"), "Apache 2.0");
        assert_eq!(term_slug("openrail++"), "openrail-plus-plus");
        assert_eq!(term_slug("cc-by-4.0"), "cc-by-4.0");
        assert_eq!(term_slug("page"), "page-term");
        assert_eq!(term_slug(".."), "term");
    }

    #[test]
    fn licences_fall_into_kinds() {
        assert_eq!(license_kind("apache-2.0"), "permissive");
        assert_eq!(license_kind("cc-by-4.0"), "permissive");
        assert_eq!(license_kind("cc-by-sa-4.0"), "copyleft");
        assert_eq!(license_kind("cc-by-nc-4.0"), "non-commercial");
        assert_eq!(license_kind("creativeml-openrail-m"), "use-restrictions");
        assert_eq!(license_kind("llama2"), "community");
        assert_eq!(license_kind("other"), "community");
        assert_eq!(license_kind("proprietary"), "proprietary");
        assert!(LICENSE_KINDS.contains(&license_kind("anything")));
    }
}
