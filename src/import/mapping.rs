//! From a card's metadata to a model's fields: each Hugging Face key to its
//! field of the schema, `model-index` results to evaluations, and whatever
//! has no field kept under `extra`. What the card does not say but a model
//! needs (creator, category) comes from the flags or is guessed, and every
//! guess is noted.
//!
//! This module decides what the card means. It reads no file and does not
//! check references across cards or against the catalog; the importer does.

use yaml_rust2::Yaml;

use crate::catalog::{KNOWN_TASKS, task_name};
use crate::source::data::{Access, Relation, Seg};

use super::card::{Card, key_text, scalar};
use super::emit::Node;
use super::site::{MapKind, SiteData};

/// A task `pipeline_tag` used to have, and the task it is now part of.
const LEGACY_TASKS: &[(&str, &str)] = &[("text2text-generation", "text-generation")];

/// Models the Hub first published without an owner, and the `org/name`
/// they were moved to (the old id still leads there). A card's
/// `base_model: gpt2` is the Hub repository `openai-community/gpt2`.
const LEGACY_HUB_IDS: &[(&str, &str)] = &[
    ("albert", "albert-base-v1"),
    ("albert", "albert-base-v2"),
    ("albert", "albert-large-v1"),
    ("albert", "albert-large-v2"),
    ("albert", "albert-xlarge-v1"),
    ("albert", "albert-xlarge-v2"),
    ("albert", "albert-xxlarge-v1"),
    ("albert", "albert-xxlarge-v2"),
    ("google-bert", "bert-base-cased"),
    ("google-bert", "bert-base-uncased"),
    ("google-bert", "bert-large-cased"),
    ("google-bert", "bert-large-uncased"),
    ("google-bert", "bert-base-chinese"),
    ("google-bert", "bert-base-german-cased"),
    ("google-bert", "bert-base-multilingual-cased"),
    ("google-bert", "bert-base-multilingual-uncased"),
    ("google-bert", "bert-large-cased-whole-word-masking"),
    ("google-bert", "bert-large-uncased-whole-word-masking"),
    (
        "google-bert",
        "bert-large-cased-whole-word-masking-finetuned-squad",
    ),
    (
        "google-bert",
        "bert-large-uncased-whole-word-masking-finetuned-squad",
    ),
    ("google-bert", "bert-base-cased-finetuned-mrpc"),
    ("distilbert", "distilbert-base-uncased"),
    ("distilbert", "distilbert-base-cased"),
    ("distilbert", "distilbert-base-uncased-distilled-squad"),
    ("distilbert", "distilbert-base-cased-distilled-squad"),
    ("distilbert", "distilbert-base-multilingual-cased"),
    (
        "distilbert",
        "distilbert-base-uncased-finetuned-sst-2-english",
    ),
    ("distilbert", "distilgpt2"),
    ("distilbert", "distilroberta-base"),
    ("openai-community", "gpt2"),
    ("openai-community", "gpt2-medium"),
    ("openai-community", "gpt2-large"),
    ("openai-community", "gpt2-xl"),
    ("openai-community", "openai-gpt"),
    ("openai-community", "roberta-base-openai-detector"),
    ("openai-community", "roberta-large-openai-detector"),
    ("FacebookAI", "roberta-base"),
    ("FacebookAI", "roberta-large"),
    ("FacebookAI", "roberta-large-mnli"),
    ("FacebookAI", "xlm-roberta-base"),
    ("FacebookAI", "xlm-roberta-large"),
    ("google-t5", "t5-small"),
    ("google-t5", "t5-base"),
    ("google-t5", "t5-large"),
    ("google-t5", "t5-3b"),
    ("google-t5", "t5-11b"),
    ("xlnet", "xlnet-base-cased"),
    ("xlnet", "xlnet-large-cased"),
    ("Salesforce", "ctrl"),
    ("almanach", "camembert-base"),
    ("transfo-xl", "transfo-xl-wt103"),
];

/// The `org/name` of a legacy Hub id without an owner (`gpt2`).
pub fn legacy_hub_repo(id: &str) -> Option<String> {
    LEGACY_HUB_IDS
        .iter()
        .find(|(_, name)| name.eq_ignore_ascii_case(id))
        .map(|(org, name)| format!("{org}/{name}"))
}

/// The category a model of each task most likely belongs to.
pub fn category_for_task(task: &str) -> &'static str {
    match task {
        "text-generation"
        | "text2text-generation"
        | "summarization"
        | "translation"
        | "table-to-text"
        | "tabular-to-text" => "generative",
        "text-classification"
        | "token-classification"
        | "zero-shot-classification"
        | "fill-mask"
        | "question-answering"
        | "table-question-answering"
        | "multiple-choice"
        | "tabular-classification" => "classification",
        "feature-extraction"
        | "sentence-similarity"
        | "text-ranking"
        | "text-retrieval"
        | "visual-document-retrieval" => "embedding",
        "image-classification"
        | "object-detection"
        | "image-segmentation"
        | "depth-estimation"
        | "video-classification"
        | "mask-generation"
        | "keypoint-detection"
        | "image-feature-extraction"
        | "text-to-image"
        | "image-to-image"
        | "unconditional-image-generation"
        | "image-to-video"
        | "text-to-video"
        | "video-to-video"
        | "text-to-3d"
        | "image-to-3d" => "vision",
        "automatic-speech-recognition"
        | "audio-classification"
        | "audio-to-audio"
        | "voice-activity-detection"
        | "text-to-speech"
        | "text-to-audio" => "audio",
        "image-to-text"
        | "image-text-to-text"
        | "image-text-to-image"
        | "image-text-to-video"
        | "visual-question-answering"
        | "document-question-answering"
        | "video-text-to-text"
        | "audio-text-to-text"
        | "any-to-any"
        | "zero-shot-image-classification"
        | "zero-shot-object-detection" => "multimodal",
        _ => FALLBACK_CATEGORY,
    }
}

/// The category of a model whose task says nothing of one.
pub const FALLBACK_CATEGORY: &str = "other";
/// The creator of a model whose card and path say nothing of one.
pub const FALLBACK_CREATOR: &str = "unknown";
/// The name of a licence that is `other` but has no `license_name`.
const UNNAMED_LICENSE: &str = "Unnamed licence";

/// A model's fields, in the order of the schema's field table.
#[derive(Debug, Clone, Default)]
pub struct ModelFields {
    pub name: String,
    pub creator: String,
    pub category: String,
    pub tasks: Vec<String>,
    pub license: Option<String>,
    pub license_name: Option<String>,
    pub license_link: Option<String>,
    pub access: Option<Access>,
    /// As the card wrote them; the importer resolves them.
    pub base_model: Vec<String>,
    pub libraries: Vec<String>,
    pub sources: Vec<(String, String)>,
    pub evaluations: Vec<Node>,
    pub language: Vec<String>,
    pub datasets: Vec<String>,
    pub base_model_relation: Option<Relation>,
    /// As the card wrote it; the importer resolves it.
    pub new_version: Option<String>,
    pub tags: Vec<String>,
    pub extra: Vec<(String, Node)>,
    /// The fields whose value the card does not give but was guessed (from
    /// the path, another field, or a default); an update keeps a value the
    /// user wrote for them.
    pub guessed: Vec<&'static str>,
}

impl ModelFields {
    /// The fields to write, empty ones left out.
    pub fn entries(&self) -> Vec<(String, Node)> {
        let mut out: Vec<(String, Node)> = Vec::new();
        let mut put = |key: &str, node: Node| out.push((key.to_string(), node));
        put("name", Node::str(&self.name));
        put("creator", Node::str(&self.creator));
        put("category", Node::str(&self.category));
        let lists = |v: &[String]| (!v.is_empty()).then(|| Node::strings(v));
        if let Some(n) = lists(&self.tasks) {
            put("tasks", n);
        }
        for (key, value) in [
            ("license", &self.license),
            ("license_name", &self.license_name),
            ("license_link", &self.license_link),
        ] {
            if let Some(v) = value {
                put(key, Node::str(v));
            }
        }
        if let Some(a) = self.access {
            put("access", Node::str(a.as_str()));
        }
        match self.base_model.as_slice() {
            [] => {}
            [one] => put("base_model", Node::str(one)),
            many => put("base_model", Node::strings(many)),
        }
        if let Some(n) = lists(&self.libraries) {
            put("libraries", n);
        }
        if !self.sources.is_empty() {
            put(
                "sources",
                Node::List(
                    self.sources
                        .iter()
                        .map(|(s, url)| {
                            Node::Map(vec![
                                ("source".to_string(), Node::str(s)),
                                ("url".to_string(), Node::str(url)),
                            ])
                        })
                        .collect(),
                ),
            );
        }
        if !self.evaluations.is_empty() {
            put("evaluations", Node::List(self.evaluations.clone()));
        }
        if let Some(n) = lists(&self.language) {
            put("language", n);
        }
        if let Some(n) = lists(&self.datasets) {
            put("datasets", n);
        }
        if let Some(r) = self.base_model_relation {
            put("base_model_relation", Node::str(r.as_str()));
        }
        if let Some(v) = &self.new_version {
            put("new_version", Node::str(v));
        }
        if let Some(n) = lists(&self.tags) {
            put("tags", n);
        }
        if !self.extra.is_empty() {
            put("extra", Node::Map(self.extra.clone()));
        }
        out
    }
}

/// What the importer already knows when it maps a card.
pub struct MapInput<'a> {
    pub name: String,
    /// The card's Hub repository (`org/name`), if known.
    pub repo: Option<&'a str>,
    pub creator_flag: Option<&'a str>,
    pub category_flag: Option<&'a str>,
    pub site: &'a SiteData,
}

/// A card's fields and what was noted while mapping them.
pub struct Mapped {
    pub fields: ModelFields,
    pub notes: Vec<String>,
}

/// The name in the card's `model-index`, if it has one.
pub fn model_index_name(card: &Card) -> Option<String> {
    let Some(Yaml::Array(entries)) = card.get("model-index") else {
        return None;
    };
    entries
        .iter()
        .find_map(|e| scalar(&e["name"]))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Maps every key of the card's front matter.
pub fn map(card: &Card, input: &MapInput<'_>) -> Mapped {
    let mut f = ModelFields {
        name: input.name.clone(),
        ..ModelFields::default()
    };
    let mut notes = Vec::new();
    let mut extra_keys: Vec<String> = Vec::new();
    let mut gated_by: Option<String> = None;
    let keep = |f: &mut ModelFields, key: &str, value: &Yaml| {
        f.extra.push((key.to_string(), node_of(value)));
    };

    for (key, value) in &card.meta {
        let wrong_shape = |what: &str| format!("`{key}` is not {what}; kept under extra");
        match key.as_str() {
            "license" => match scalar(value) {
                Some(l) if !l.trim().is_empty() => f.license = Some(l.trim().to_lowercase()),
                _ => {
                    notes.push(wrong_shape("a licence id"));
                    keep(&mut f, key, value);
                }
            },
            "license_name" => match scalar(value) {
                Some(n) => f.license_name = Some(n),
                None => {
                    notes.push(wrong_shape("a name"));
                    keep(&mut f, key, value);
                }
            },
            "license_link" => match scalar(value) {
                Some(link) if is_web_url(&link) => f.license_link = Some(link),
                Some(link) if input.repo.is_some() && !link.starts_with("..") => {
                    let repo = input.repo.unwrap_or_default();
                    let url = format!(
                        "https://huggingface.co/{repo}/blob/main/{}",
                        link.trim_start_matches("./")
                    );
                    notes.push(format!(
                        "license_link `{link}` is a file of the model's repository: linked to {url}"
                    ));
                    f.license_link = Some(url);
                }
                _ => {
                    notes.push(format!(
                        "license_link `{}` is not a web address and the card's Hub repository is not known; kept under extra",
                        scalar(value).unwrap_or_default()
                    ));
                    keep(&mut f, key, value);
                }
            },
            "language" | "datasets" | "tags" | "base_model" | "library_name" => {
                let Some(list) = string_list(value) else {
                    notes.push(wrong_shape("a word or a list of words"));
                    keep(&mut f, key, value);
                    continue;
                };
                match key.as_str() {
                    "language" => f.language = list,
                    "datasets" => f.datasets = list,
                    "tags" => f.tags = list,
                    "base_model" => f.base_model = list,
                    _ => f.libraries = list.iter().map(|l| library_id(l, input.site)).collect(),
                }
            }
            "base_model_relation" => match scalar(value).and_then(|r| relation(&r)) {
                Some(r) => f.base_model_relation = Some(r),
                None => {
                    notes.push(wrong_shape("one of adapter, merge, quantized, finetune"));
                    keep(&mut f, key, value);
                }
            },
            "pipeline_tag" => match scalar(value) {
                Some(tag) => {
                    let tag = tag.trim().to_string();
                    if let Some((_, now)) = LEGACY_TASKS.iter().find(|(old, _)| *old == tag) {
                        notes.push(format!(
                            "pipeline_tag `{tag}` is no longer a Hugging Face task: the model's task is `{now}`"
                        ));
                        f.tasks.push(now.to_string());
                    } else if KNOWN_TASKS.contains(&tag.as_str()) {
                        f.tasks.push(tag);
                    } else {
                        notes.push(format!(
                            "pipeline_tag `{tag}` is not a Hugging Face task; kept under extra"
                        ));
                        keep(&mut f, key, value);
                    }
                }
                None => {
                    notes.push(wrong_shape("a task id"));
                    keep(&mut f, key, value);
                }
            },
            "new_version" => match scalar(value) {
                Some(v) if !v.trim().is_empty() => f.new_version = Some(v.trim().to_string()),
                _ => {
                    notes.push(wrong_shape("a model id"));
                    keep(&mut f, key, value);
                }
            },
            "model-index" => {
                let results = evaluations(card, value);
                f.evaluations = results.rows;
                if !results.left_over.is_empty() {
                    notes.push(format!(
                        "the card's whole model-index is also kept under extra: {}",
                        results.left_over.join("; ")
                    ));
                    keep(&mut f, key, value);
                }
            }
            _ => {
                if key.starts_with("extra_gated_") && gated_by.is_none() {
                    gated_by = Some(key.clone());
                }
                extra_keys.push(key.clone());
                keep(&mut f, key, value);
            }
        }
    }
    if !extra_keys.is_empty() {
        notes.push(format!(
            "kept under extra, as the schema has no field for them: {}",
            extra_keys.join(", ")
        ));
    }

    if f.license.is_none() && (f.license_name.is_some() || f.license_link.is_some()) {
        f.license = Some("other".to_string());
        notes.push("the card names a licence without an id: licence set to `other`".to_string());
    }
    if f.license.as_deref() == Some("other") && f.license_name.is_none() {
        f.license_name = Some(UNNAMED_LICENSE.to_string());
        f.guessed.push("license_name");
        notes.push(format!(
            "guessed: `license: other` without a license_name is named `{UNNAMED_LICENSE}`; write its real name in license_name"
        ));
    }
    if let Some(key) = gated_by {
        f.access = Some(Access::Gated);
        notes.push(format!(
            "guessed: access `gated`, as the card has `{key}` (a form to fill in before download)"
        ));
    }
    if f.base_model.len() > 1 && f.base_model_relation.is_none() {
        f.base_model_relation = Some(Relation::Merge);
        f.guessed.push("base_model_relation");
        notes.push(format!(
            "guessed: base_model_relation `merge`, as the card lists {} base models",
            f.base_model.len()
        ));
    }

    if f.tasks.is_empty() && card.get("pipeline_tag").is_none() {
        // Older cards name their task only among their tags.
        let from_tag = f.tags.iter().find_map(|t| {
            let t = t.trim();
            LEGACY_TASKS
                .iter()
                .find(|(old, _)| *old == t)
                .map(|(_, now)| (t.to_string(), now.to_string()))
                .or_else(|| {
                    KNOWN_TASKS
                        .contains(&t)
                        .then(|| (t.to_string(), t.to_string()))
                })
        });
        if let Some((tag, task)) = from_tag {
            notes.push(format!(
                "guessed: task `{task}` from the tag `{tag}`, as the card has no pipeline_tag"
            ));
            f.tasks.push(task);
            f.guessed.push("tasks");
        }
    }
    f.category = choose_category(&f.tasks, card, input, &mut notes);
    f.creator = choose_creator(input, &mut notes);
    if input.category_flag.is_none() {
        f.guessed.push("category");
    }
    if input.creator_flag.is_none() {
        f.guessed.push("creator");
    }
    if let Some(repo) = input.repo.filter(|r| r.contains('/')) {
        let source = input.site.hub_source_id();
        f.sources
            .push((source, format!("https://huggingface.co/{repo}")));
    }
    Mapped { fields: f, notes }
}

fn choose_category(
    tasks: &[String],
    card: &Card,
    input: &MapInput<'_>,
    notes: &mut Vec<String>,
) -> String {
    if let Some(c) = input.category_flag {
        return c.to_string();
    }
    let written = card.get("pipeline_tag").and_then(scalar);
    match (tasks.first(), written) {
        (Some(task), written) if category_for_task(task) != FALLBACK_CATEGORY => {
            let category = category_for_task(task);
            let from = match written {
                Some(tag) => format!("pipeline_tag `{tag}`"),
                None => format!("the task `{task}`"),
            };
            notes.push(format!(
                "guessed: category `{category}` from {from}; choose another with --category"
            ));
            category.to_string()
        }
        (_, written) => {
            let why = match written {
                Some(tag) => format!("pipeline_tag `{tag}` does not suggest one"),
                None => "the card has no pipeline_tag".to_string(),
            };
            notes.push(format!(
                "guessed: category `{FALLBACK_CATEGORY}`, as {why}; choose one with --category"
            ));
            FALLBACK_CATEGORY.to_string()
        }
    }
}

fn choose_creator(input: &MapInput<'_>, notes: &mut Vec<String>) -> String {
    if let Some(c) = input.creator_flag {
        return c.to_string();
    }
    let org = input
        .repo
        .and_then(|r| r.split_once('/'))
        .map(|(org, _)| org);
    match org {
        Some(org) => {
            let creators = input.site.map(MapKind::Creators);
            let id = creators
                .find(org)
                .unwrap_or_else(|| crate::source::id_suggestion(org));
            notes.push(format!(
                "guessed: creator `{id}` from the repository `{}`; choose another with --creator",
                input.repo.unwrap_or_default()
            ));
            id
        }
        None => {
            notes.push(format!(
                "guessed: creator `{FALLBACK_CREATOR}`, as neither the card nor its path names one; choose one with --creator"
            ));
            FALLBACK_CREATOR.to_string()
        }
    }
}

/// The id of a library: a key of libraries.yaml that matches, else the
/// name made into an id.
fn library_id(name: &str, site: &SiteData) -> String {
    site.map(MapKind::Libraries)
        .find(name)
        .unwrap_or_else(|| crate::source::id_suggestion(name))
}

fn relation(text: &str) -> Option<Relation> {
    match text.trim() {
        "finetune" => Some(Relation::Finetune),
        "adapter" => Some(Relation::Adapter),
        "merge" => Some(Relation::Merge),
        "quantized" => Some(Relation::Quantized),
        _ => None,
    }
}

pub fn is_web_url(s: &str) -> bool {
    s.starts_with("https://") || s.starts_with("http://")
}

/// A word, or a list of words, as a list (empty items dropped).
fn string_list(value: &Yaml) -> Option<Vec<String>> {
    let items: Vec<String> = match value {
        Yaml::Array(items) => items.iter().map(scalar).collect::<Option<_>>()?,
        Yaml::Null => Vec::new(),
        other => vec![scalar(other)?],
    };
    Some(
        items
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
    )
}

/// A YAML value to write under `extra`, as written.
pub fn node_of(value: &Yaml) -> Node {
    match value {
        Yaml::String(s) => Node::Str(s.clone()),
        Yaml::Real(s) => Node::Float(s.clone()),
        Yaml::Integer(i) => Node::Int(*i),
        Yaml::Boolean(b) => Node::Bool(*b),
        Yaml::Array(items) => Node::List(items.iter().map(node_of).collect()),
        Yaml::Hash(map) => Node::Map(map.iter().map(|(k, v)| (key_text(k), node_of(v))).collect()),
        Yaml::Null | Yaml::Alias(_) | Yaml::BadValue => Node::Null,
    }
}

/// The evaluation rows of a `model-index`, and why (if at all) the whole
/// of it is also kept.
struct Results {
    rows: Vec<Node>,
    left_over: Vec<String>,
}

/// Keys the evaluation table shows (a `name` is shown in place of its
/// `type`, which it spells out).
const TASK_KEYS: &[&str] = &["type", "name"];
const DATASET_KEYS: &[&str] = &["type", "name", "config", "split"];
const METRIC_KEYS: &[&str] = &["type", "name", "value"];
const SOURCE_KEYS: &[&str] = &["url", "name"];
const RESULT_KEYS: &[&str] = &["task", "dataset", "metrics", "source"];

fn evaluations(card: &Card, value: &Yaml) -> Results {
    let mut rows = Vec::new();
    let mut left_over: Vec<String> = Vec::new();
    let mut note = |what: String| {
        if !left_over.contains(&what) {
            left_over.push(what);
        }
    };
    let Yaml::Array(entries) = value else {
        note("it is not a list".to_string());
        return Results { rows, left_over };
    };
    let unknown_keys = |map: &Yaml, known: &[&str]| -> Vec<String> {
        match map {
            Yaml::Hash(h) => h
                .keys()
                .map(key_text)
                .filter(|k| !known.contains(&k.as_str()))
                .collect(),
            _ => Vec::new(),
        }
    };
    for (e, entry) in entries.iter().enumerate() {
        for k in unknown_keys(entry, &["name", "results"]) {
            note(format!("`{k}` has no column"));
        }
        let Yaml::Array(results) = &entry["results"] else {
            note(format!("entry {} has no list of results", e + 1));
            continue;
        };
        for (r, result) in results.iter().enumerate() {
            let at = [
                Seg::Key("model-index"),
                Seg::Index(e),
                Seg::Key("results"),
                Seg::Index(r),
            ];
            // Locating a value reads the front matter again: only for notes.
            let line = || card.position(&at).0;
            for k in unknown_keys(result, RESULT_KEYS)
                .into_iter()
                .chain(unknown_keys(&result["task"], TASK_KEYS))
                .chain(unknown_keys(&result["dataset"], DATASET_KEYS))
                .chain(unknown_keys(&result["source"], SOURCE_KEYS))
            {
                note(format!("`{k}` has no column"));
            }
            let task = scalar(&result["task"]["name"])
                .or_else(|| scalar(&result["task"]["type"]).map(|t| task_name(&t)));
            let dataset = scalar(&result["dataset"]["name"])
                .or_else(|| scalar(&result["dataset"]["type"]))
                .map(|name| {
                    let details: Vec<String> = ["config", "split"]
                        .iter()
                        .filter_map(|k| scalar(&result["dataset"][*k]))
                        .filter(|d| !name.contains(d.as_str()))
                        .collect();
                    if details.is_empty() {
                        name
                    } else {
                        format!("{name} ({})", details.join(", "))
                    }
                });
            let source_url = scalar(&result["source"]["url"]);
            let source_name = scalar(&result["source"]["name"]);
            let (Some(task), Some(dataset)) = (task, dataset) else {
                note(format!(
                    "the result at line {} names no task or dataset",
                    line()
                ));
                continue;
            };
            let Yaml::Array(metrics) = &result["metrics"] else {
                note(format!(
                    "the result at line {} has no list of metrics",
                    line()
                ));
                continue;
            };
            for metric in metrics {
                for k in unknown_keys(metric, METRIC_KEYS) {
                    note(format!("`{k}` has no column"));
                }
                let name = scalar(&metric["name"]).or_else(|| scalar(&metric["type"]));
                let value = metric_value(&metric["value"]);
                let (Some(name), Some(value)) = (name, value) else {
                    note(format!(
                        "a metric of the result at line {} has no name or value",
                        line()
                    ));
                    continue;
                };
                let mut row = vec![
                    ("task".to_string(), Node::str(&task)),
                    ("dataset".to_string(), Node::str(&dataset)),
                    ("metric".to_string(), Node::str(name)),
                    ("value".to_string(), value),
                ];
                match (&source_url, &source_name) {
                    (Some(url), Some(name)) => {
                        row.push(("source".to_string(), Node::str(url)));
                        row.push(("source_name".to_string(), Node::str(name)));
                    }
                    (Some(s), None) | (None, Some(s)) => {
                        row.push(("source".to_string(), Node::str(s)));
                    }
                    (None, None) => {}
                }
                rows.push(Node::Map(row));
            }
        }
    }
    Results { rows, left_over }
}

/// A metric's value, shown as written: a number that reads back the same
/// stays a number, anything else (`76.20`, `20.0 ± 1.2`) is kept as text.
fn metric_value(value: &Yaml) -> Option<Node> {
    match value {
        Yaml::Integer(i) => Some(Node::Int(*i)),
        Yaml::Real(text) => Some(match text.parse::<f64>() {
            Ok(v) if v.is_finite() && v.to_string() == *text => Node::Float(text.clone()),
            _ => Node::Str(text.clone()),
        }),
        Yaml::String(s) if !s.trim().is_empty() => Some(Node::Str(s.clone())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_task_has_a_category() {
        let spread: std::collections::HashSet<&str> =
            KNOWN_TASKS.iter().map(|t| category_for_task(t)).collect();
        for c in [
            "generative",
            "classification",
            "embedding",
            "vision",
            "audio",
            "multimodal",
        ] {
            assert!(spread.contains(c), "no task maps to {c}");
        }
        assert_eq!(category_for_task("text-generation"), "generative");
        assert_eq!(category_for_task("robotics"), FALLBACK_CATEGORY);
    }

    #[test]
    fn metric_values_keep_their_written_form() {
        assert_eq!(
            metric_value(&Yaml::Real("88.5".into())),
            Some(Node::Float("88.5".into()))
        );
        assert_eq!(
            metric_value(&Yaml::Real("76.20".into())),
            Some(Node::Str("76.20".into()))
        );
        assert_eq!(metric_value(&Yaml::Integer(3)), Some(Node::Int(3)));
        assert_eq!(metric_value(&Yaml::Null), None);
    }
}
