//! `modelsite import`: Hugging Face model cards (a README.md with YAML front
//! matter) made into models of this site, `data/models/<id>.yaml` and
//! `site/models/<id>.md`.
//!
//! The import reads every card, maps it, and only then writes: ids are
//! checked against each other and the site, references the site lacks are
//! added as stubs to its data files, relations between models are resolved
//! against the catalog and the other cards of the run, and each model is
//! read back with the schema before it is written. A card that cannot be
//! imported is reported with its file and line; the others still are. The
//! import never overwrites a model unless asked to, and what it writes
//! builds. It does not build the site.

pub mod card;
mod emit;
mod mapping;
mod prose;
mod site;

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::config::{Config, Overrides};
use crate::error::{Errors, SiteError, did_you_mean};
use crate::source::data::{ModelData, Seg};
use crate::source::{ID_RULE, MODELS_DIR, PAGES_DIR, id_problem, id_suggestion, is_valid_id};

use card::{Card, STDIN_NAME};
use emit::Node;
use mapping::{FALLBACK_CREATOR, MapInput, ModelFields};
use site::{MapKind, SiteData, Stub};

/// What `modelsite import` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub root: PathBuf,
    pub overrides: Overrides,
    /// Card files; `-` is standard input.
    pub cards: Vec<PathBuf>,
    pub id: Option<String>,
    pub creator: Option<String>,
    pub category: Option<String>,
    pub force: bool,
}

/// Why nothing was imported.
#[derive(Debug)]
pub enum Failure {
    /// The command line asks for something impossible (exit code 2).
    Usage(String),
    /// The site cannot be imported into (exit code 1).
    Site(Errors),
}

/// One card made into a model.
#[derive(Debug, Clone)]
pub struct Imported {
    pub card: PathBuf,
    pub id: String,
    /// Files written or removed, relative to the site root.
    pub written: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
    /// What was guessed, kept under `extra`, added as a stub or changed.
    pub notes: Vec<String>,
}

/// What an import did, and the cards it could not import.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub imported: Vec<Imported>,
    pub errors: Errors,
    pub cards: usize,
}

impl ImportReport {
    /// What was imported, for the terminal.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for m in &self.imported {
            let files: Vec<String> = m.written.iter().map(|p| p.display().to_string()).collect();
            let _ = writeln!(
                out,
                "imported {} as `{}`: wrote {}",
                m.card.display(),
                m.id,
                files.join(" and ")
            );
            for p in &m.removed {
                let _ = writeln!(out, "  - removed {}, as the card has no prose", p.display());
            }
            for n in &m.notes {
                let _ = writeln!(out, "  - {n}");
            }
        }
        if self.cards > 1 || self.imported.is_empty() {
            let _ = writeln!(
                out,
                "Imported {} of {} card{}.",
                self.imported.len(),
                self.cards,
                if self.cards == 1 { "" } else { "s" }
            );
        }
        out
    }
}

/// A card mapped, waiting to be written.
struct Plan {
    card: Card,
    id: String,
    repo: Option<String>,
    fields: ModelFields,
    prose: String,
    notes: Vec<String>,
    /// Names for the stubs this model may need: (kind, id) -> name.
    stub_names: HashMap<(MapKind, String), String>,
}

impl Plan {
    fn shown(&self) -> &Path {
        self.card.shown()
    }

    /// The references this model makes into the data files.
    fn references(&self) -> Vec<(MapKind, String)> {
        let f = &self.fields;
        [
            (MapKind::Creators, f.creator.clone()),
            (MapKind::Categories, f.category.clone()),
        ]
        .into_iter()
        .chain(f.libraries.iter().map(|l| (MapKind::Libraries, l.clone())))
        .chain(f.sources.iter().map(|(s, _)| (MapKind::Sources, s.clone())))
        .collect()
    }
}

/// Imports every card of `options` into the site.
pub fn import(options: &ImportOptions) -> Result<ImportReport, Failure> {
    check_usage(options)?;
    Config::load(&options.root, &options.overrides).map_err(|e| Failure::Site(e.into()))?;
    let site = SiteData::load(&options.root);
    check_flag(
        &site,
        MapKind::Creators,
        "--creator",
        options.creator.as_deref(),
    )?;
    check_flag(
        &site,
        MapKind::Categories,
        "--category",
        options.category.as_deref(),
    )?;
    // Standard input is read once; what is wrong with it is the card's
    // error, reported with the others.
    let stdin: Option<Result<String, SiteError>> =
        options.cards.iter().any(|c| c.as_os_str() == "-").then(|| {
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(crate::source::MAX_FILE_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| SiteError::new(format!("cannot read standard input: {e}")))?;
            crate::source::text_of(bytes, Path::new(card::STDIN_NAME))
        });

    let mut report = ImportReport {
        cards: options.cards.len(),
        ..ImportReport::default()
    };
    let mut plans = Vec::new();
    for path in &options.cards {
        let read = match (&stdin, path.as_os_str() == "-") {
            (Some(Ok(text)), true) => card::read(path, Some(text)),
            (Some(Err(e)), true) => Err(e.clone()),
            _ => card::read(path, None),
        };
        match read.and_then(|card| plan(card, options, &site)) {
            Ok(p) => plans.push(p),
            Err(e) => report.errors.push(e),
        }
    }
    let plans = check_ids(plans, &site, options.force, &mut report.errors);
    let (mut plans, stubs) = plan_stubs(plans, &site, &mut report.errors);
    resolve_relations(&mut plans, &site);

    // Stubs first: a model written without them would not build.
    let mut failed_kinds: HashSet<MapKind> = HashSet::new();
    for (kind, text) in &stubs {
        let rel = &site.map(*kind).rel;
        if let Err(e) = write_file(&options.root, rel, text) {
            report.errors.push(e);
            failed_kinds.insert(*kind);
        }
    }
    for mut p in plans {
        let needs_failed = p
            .references()
            .iter()
            .any(|(k, id)| failed_kinds.contains(k) && !site.map(*k).has(id));
        if needs_failed {
            report.errors.push(
                SiteError::new("not imported: a data file it needs could not be written")
                    .in_file(p.shown()),
            );
            continue;
        }
        match write_model(&mut p, &site, &options.root, options.force) {
            Ok(imported) => report.imported.push(imported),
            Err(e) => report.errors.push(e),
        }
    }
    Ok(report)
}

fn check_usage(options: &ImportOptions) -> Result<(), Failure> {
    if options.cards.is_empty() {
        return Err(Failure::Usage("give at least one model card".to_string()));
    }
    if options.id.is_some() && options.cards.len() > 1 {
        return Err(Failure::Usage(format!(
            "--id names one model, so it takes one card, not {}; import the cards one at a time to choose their ids",
            options.cards.len()
        )));
    }
    if let Some(id) = &options.id
        && let Some(problem) = id_problem(id)
    {
        return Err(Failure::Usage(format!(
            "`{id}` is not a valid model id ({problem}); try `{}`",
            id_suggestion(id)
        )));
    }
    if options
        .cards
        .iter()
        .filter(|c| c.as_os_str() == "-")
        .count()
        > 1
    {
        return Err(Failure::Usage(
            "`-` (standard input) can be given only once".to_string(),
        ));
    }
    Ok(())
}

/// `--creator` and `--category` name an entry of the site or a valid id
/// for a new one.
fn check_flag(
    site: &SiteData,
    kind: MapKind,
    flag: &str,
    value: Option<&str>,
) -> Result<(), Failure> {
    let Some(value) = value else {
        return Ok(());
    };
    let map = site.map(kind);
    if map.has(value) || is_valid_id(value) {
        return Ok(());
    }
    let hint = did_you_mean(value, map.keys())
        .unwrap_or_else(|| format!("try `{}`", id_suggestion(value)));
    Err(Failure::Usage(format!(
        "{flag} `{value}` is neither a {} of {} nor a valid id ({ID_RULE}); {hint}",
        kind.singular(),
        map.rel.display()
    )))
}

/// Works out a card's id, name and prose, and maps its metadata.
fn plan(card: Card, options: &ImportOptions, site: &SiteData) -> Result<Plan, SiteError> {
    let index_name = mapping::model_index_name(&card);
    let repo = card
        .repo
        .clone()
        .or_else(|| index_name.clone().filter(|n| n.contains('/')));
    let last_segment = |s: &str| s.rsplit('/').next().unwrap_or(s).to_string();
    let mut notes = Vec::new();

    let id = match (&options.id, &index_name, &card.folder_name) {
        (Some(id), _, _) => id.clone(),
        (None, Some(name), _) => {
            let id = id_of(&last_segment(name));
            notes.push(format!(
                "id `{id}` from the model-index name `{name}`{}",
                transliterated(name)
            ));
            id
        }
        (None, None, Some(folder)) => {
            let id = id_of(folder);
            notes.push(format!(
                "id `{id}` from the name `{folder}` of the card's file or folder{}",
                transliterated(folder)
            ));
            id
        }
        (None, None, None) => String::new(),
    };
    if id.is_empty() {
        return Err(SiteError::new("cannot tell which id to give this model")
            .at(card.shown(), 1, 1)
            .with_source(card.file.text.clone())
            .hint("pass --id, or give the card a `model-index` with a `name`"));
    }

    let prose = prose::prepare(&card.body, repo.as_deref());
    let title = prose
        .title
        .as_deref()
        .map(|t| {
            strip_prefix_ignore_case(t, "model card for ")
                .trim()
                .to_string()
        })
        .filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("model id"));
    let name = title
        .or_else(|| index_name.as_deref().map(last_segment))
        .or_else(|| card.folder_name.clone())
        .unwrap_or_else(|| id.clone());

    let mapped = mapping::map(
        &card,
        &MapInput {
            name,
            repo: repo.as_deref(),
            creator_flag: options.creator.as_deref(),
            category_flag: options.category.as_deref(),
            site,
        },
    );
    notes.extend(mapped.notes);
    notes.extend(prose.notes);
    if let Some(note) = removed_note(&card, &prose.removed) {
        notes.push(note);
    }

    let fields = mapped.fields;
    let mut stub_names = HashMap::new();
    let creator_name = match repo.as_deref().and_then(|r| r.split_once('/')) {
        Some((org, _)) if id_suggestion(org) == fields.creator => org.to_string(),
        _ if fields.creator == FALLBACK_CREATOR => "Unknown".to_string(),
        _ => fields.creator.clone(),
    };
    stub_names.insert((MapKind::Creators, fields.creator.clone()), creator_name);
    stub_names.insert(
        (MapKind::Categories, fields.category.clone()),
        readable(&fields.category),
    );
    if let Some(written) = card.get("library_name") {
        let names: Vec<String> = match written {
            yaml_rust2::Yaml::Array(items) => items.iter().filter_map(card::scalar).collect(),
            other => card::scalar(other).into_iter().collect(),
        };
        for n in names {
            stub_names.insert(
                (MapKind::Libraries, id_suggestion(&n)),
                n.trim().to_string(),
            );
        }
    }

    Ok(Plan {
        card,
        id,
        repo,
        fields,
        prose: prose.text,
        notes,
        stub_names,
    })
}

/// What the sanitizer took out of the card's prose, each kind once with
/// where it first was (`line:column` of the card) and how often.
fn removed_note(card: &Card, removed: &[(Option<usize>, String)]) -> Option<String> {
    if removed.is_empty() {
        return None;
    }
    let text = &card.file.text;
    let body_start = text.len() - card.body.len();
    /// What was removed, where it first was, and how often.
    type Kind<'a> = (&'a str, Option<(usize, usize)>, usize);
    let mut kinds: Vec<Kind<'_>> = Vec::new();
    for (offset, what) in removed {
        let at = offset.map(|o| crate::error::line_col(text, body_start + o));
        match kinds.iter_mut().find(|(w, _, _)| w == what) {
            Some((_, first, n)) => {
                *n += 1;
                if first.is_none() {
                    *first = at;
                }
            }
            None => kinds.push((what, at, 1)),
        }
    }
    let parts: Vec<String> = kinds
        .iter()
        .map(|(what, at, n)| {
            let place = match at {
                Some((line, column)) if *n > 1 => {
                    format!(" ({n} times, first at {line}:{column})")
                }
                Some((line, column)) => format!(" at {line}:{column}"),
                None if *n > 1 => format!(" ({n} times)"),
                None => String::new(),
            };
            format!("{what}{place}")
        })
        .collect();
    Some(format!(
        "removed from the card's HTML, which the site must not run or let restyle its pages: {}",
        parts.join("; ")
    ))
}

/// What a note on an id adds when its name was not all ASCII.
fn transliterated(name: &str) -> &'static str {
    if name.is_ascii() {
        ""
    } else {
        " (its letters written in ASCII; choose another id with --id)"
    }
}

/// A model id from a name: `Acme-7B` -> `acme-7b`, `ru-модель` ->
/// `ru-model` (letters of other scripts written in ASCII).
fn id_of(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii() {
                c.to_string()
            } else {
                slug::slugify(c.to_string())
            }
        })
        .collect();
    id_suggestion(&ascii)
        .trim_matches(['.', '-', '_'])
        .to_string()
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> &'a str {
    match text.get(..prefix.len()) {
        Some(head) if head.eq_ignore_ascii_case(prefix) => &text[prefix.len()..],
        _ => text,
    }
}

/// `multimodal` -> `Multimodal`, `text-models` -> `Text models`.
fn readable(id: &str) -> String {
    crate::catalog::task_name(id)
}

/// Keeps the cards whose id is free: not taken by an earlier card of the
/// run, and not by a model of the site unless `force`.
fn check_ids(plans: Vec<Plan>, site: &SiteData, force: bool, errors: &mut Errors) -> Vec<Plan> {
    let mut taken: HashMap<String, PathBuf> = HashMap::new();
    let mut out = Vec::new();
    for p in plans {
        let at = id_position(&p);
        if let Some(first) = taken.get(&p.id) {
            errors.push(
                SiteError::new(format!(
                    "this card maps to the model id `{}`, like {} before it; it was not imported",
                    p.id,
                    first.display()
                ))
                .at(p.shown(), at.0, at.1)
                .with_source(p.card.file.text.clone())
                .hint("import it on its own with --id to give it another id"),
            );
            continue;
        }
        taken.insert(p.id.clone(), p.shown().to_path_buf());
        if !force {
            let existing: Vec<PathBuf> = site
                .model_file(&p.id)
                .map(Path::to_path_buf)
                .into_iter()
                .chain(site.has_prose(&p.id).then(|| prose_path(&p.id)))
                .collect();
            if !existing.is_empty() {
                let files: Vec<String> = existing.iter().map(|f| f.display().to_string()).collect();
                errors.push(
                    SiteError::new(format!(
                        "the site already has a model `{}` ({}); it was left as it is",
                        p.id,
                        files.join(", ")
                    ))
                    .at(p.shown(), at.0, at.1)
                    .with_source(p.card.file.text.clone())
                    .hint(
                        "pass --force to replace it, or --id to import the card under another id",
                    ),
                );
                continue;
            }
        }
        out.push(p);
    }
    out
}

/// Where the card names its id: its model-index name, else its start.
fn id_position(p: &Plan) -> (usize, usize) {
    if p.card.get("model-index").is_some() {
        p.card
            .position(&[Seg::Key("model-index"), Seg::Index(0), Seg::Key("name")])
    } else {
        (1, 1)
    }
}

fn prose_path(id: &str) -> PathBuf {
    Path::new(PAGES_DIR).join("models").join(format!("{id}.md"))
}

/// The stubs the remaining cards need, as the new text of each data file.
/// A card that needs a stub in a file that cannot take one is not
/// imported.
fn plan_stubs(
    mut plans: Vec<Plan>,
    site: &SiteData,
    errors: &mut Errors,
) -> (Vec<Plan>, Vec<(MapKind, String)>) {
    loop {
        let mut by_kind: Vec<(MapKind, Vec<Stub>)> = Vec::new();
        let mut planned: HashSet<(MapKind, String)> = HashSet::new();
        for p in &mut plans {
            for (kind, id) in p.references() {
                let map = site.map(kind);
                if map.has(&id) {
                    continue;
                }
                let list = match by_kind.iter_mut().find(|(k, _)| *k == kind) {
                    Some((_, list)) => list,
                    None => {
                        by_kind.push((kind, Vec::new()));
                        &mut by_kind.last_mut().expect("just pushed").1
                    }
                };
                // Said once, by the card the stub is added for.
                if planned.insert((kind, id.clone())) {
                    let note = format!(
                        "{} `{id}` is new: added to {} as a stub",
                        kind.singular(),
                        map.rel.display()
                    );
                    if !p.notes.contains(&note) {
                        p.notes.push(note);
                    }
                    let name = p
                        .stub_names
                        .get(&(kind, id.clone()))
                        .cloned()
                        .unwrap_or_else(|| id.clone());
                    list.push(Stub::new(kind, &id, &name, p.shown()));
                }
            }
        }
        let mut texts = Vec::new();
        let mut refused: Vec<(MapKind, SiteError)> = Vec::new();
        for (kind, stubs) in &by_kind {
            match site.map(*kind).with_stubs(stubs) {
                Ok(text) => texts.push((*kind, text)),
                Err(e) => refused.push((*kind, e)),
            }
        }
        if refused.is_empty() {
            return (plans, texts);
        }
        // Cards needing a refused file are not imported; the others are
        // planned again without their stubs.
        let mut kept = Vec::new();
        for p in plans {
            let blocked = p
                .references()
                .into_iter()
                .find(|(k, id)| !site.map(*k).has(id) && refused.iter().any(|(r, _)| r == k));
            match blocked {
                Some((kind, id)) => {
                    let (_, why) = refused
                        .iter()
                        .find(|(r, _)| *r == kind)
                        .expect("blocked by a refused kind");
                    errors.push(
                        SiteError::new(format!(
                            "not imported: the {} `{id}` is not in {} and cannot be added: {}",
                            kind.singular(),
                            site.map(kind).rel.display(),
                            why.message
                        ))
                        .in_file(p.shown())
                        .maybe_hint(why.hint.clone()),
                    );
                }
                None => kept.push(p),
            }
        }
        plans = kept;
    }
}

/// Points `base_model` and `new_version` at catalog models where the card
/// names one (by Hub repository or id), and keeps under `extra` what
/// names neither a catalog model nor a Hub repository.
fn resolve_relations(plans: &mut [Plan], site: &SiteData) {
    let run_repos: HashMap<String, String> = plans
        .iter()
        .filter_map(|p| {
            p.repo
                .as_ref()
                .filter(|r| r.contains('/'))
                .map(|r| (r.to_lowercase(), p.id.clone()))
        })
        .collect();
    let run_ids: HashSet<String> = plans.iter().map(|p| p.id.clone()).collect();
    let find = |name: &str| -> Option<String> {
        if name.contains('/') {
            run_repos
                .get(&name.to_lowercase())
                .cloned()
                .or_else(|| site.model_for_repo(name).map(str::to_string))
        } else if site.has_model(name) || run_ids.contains(name) {
            Some(name.to_string())
        } else {
            None
        }
    };
    for p in plans.iter_mut() {
        let f = &mut p.fields;
        let mut bases = Vec::new();
        let mut unknown = Vec::new();
        for b in std::mem::take(&mut f.base_model) {
            match find(&b) {
                Some(id) if id != p.id => {
                    if id != b {
                        p.notes.push(format!(
                            "base_model `{b}` is `{id}` of this catalog: the two pages link to each other"
                        ));
                    }
                    bases.push(id);
                }
                _ if b.contains('/') => bases.push(b),
                _ => match mapping::legacy_hub_repo(&b) {
                    Some(repo) => {
                        p.notes.push(format!(
                            "base_model `{b}` is the Hub's old id of `{repo}`, where it now lives"
                        ));
                        bases.push(repo);
                    }
                    None => unknown.push(b),
                },
            }
        }
        f.base_model = bases;
        if !unknown.is_empty() {
            p.notes.push(format!(
                "base_model {} has no owner (`org/name`) and is not a model of this catalog; kept under extra (if it is an old Hub id, write it as the repository it moved to, `org/name`, or import that model too)",
                unknown.iter().map(|u| format!("`{u}`")).collect::<Vec<_>>().join(", ")
            ));
            let kept = match unknown.as_slice() {
                [one] => Node::str(one),
                many => Node::strings(many),
            };
            f.extra.push(("base_model".to_string(), kept));
        }
        if let Some(next) = f.new_version.take() {
            match find(&next) {
                Some(id) if id != p.id => {
                    if id != next {
                        p.notes
                            .push(format!("new_version `{next}` is `{id}` of this catalog"));
                    }
                    f.new_version = Some(id);
                }
                _ => {
                    p.notes.push(format!(
                        "new_version `{next}` is not a model of this catalog; kept under extra (import it too and set new_version to its id)"
                    ));
                    f.extra.push(("new_version".to_string(), Node::str(next)));
                }
            }
        }
    }
}

/// Writes a card's model file and prose; returns what was done.
fn write_model(
    p: &mut Plan,
    site: &SiteData,
    root: &Path,
    force: bool,
) -> Result<Imported, SiteError> {
    let from = if p.card.shown() == Path::new(STDIN_NAME) {
        "standard input".to_string()
    } else {
        p.card.shown().display().to_string()
    };
    let text = format!(
        "# Imported from {from} by `modelsite import`.\n{}",
        emit::document(&p.fields.entries())
    );
    // The model must be valid by construction; a failure here is a bug.
    if let Err(e) = serde_yaml_ng::from_str::<ModelData>(&text) {
        return Err(SiteError::new(format!(
            "not imported: the model made from this card does not read back ({e}); this is a bug in modelsite"
        ))
        .in_file(p.shown()));
    }
    let model_rel = match site.model_file(&p.id) {
        Some(existing) if force => existing.to_path_buf(),
        _ => Path::new(MODELS_DIR).join(format!("{}.yaml", p.id)),
    };
    write_file(root, &model_rel, &text)?;
    let mut written = vec![model_rel];
    let mut removed = Vec::new();
    let prose_rel = prose_path(&p.id);
    if !p.prose.is_empty() {
        write_file(root, &prose_rel, &p.prose)?;
        written.push(prose_rel);
    } else if site.has_prose(&p.id) {
        std::fs::remove_file(root.join(&prose_rel))
            .map_err(|e| SiteError::io("remove", &prose_rel, &e))?;
        removed.push(prose_rel);
    }
    Ok(Imported {
        card: p.shown().to_path_buf(),
        id: p.id.clone(),
        written,
        removed,
        notes: std::mem::take(&mut p.notes),
    })
}

fn write_file(root: &Path, rel: &Path, text: &str) -> Result<(), SiteError> {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| SiteError::io("create", parent, &e))?;
    }
    std::fs::write(&path, text).map_err(|e| SiteError::io("write", rel, &e))
}
