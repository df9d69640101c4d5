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
//!
//! A folder of cards ([`folder`]) is read card by card, in parallel, and
//! written in the order of the cards' paths. Each model file keeps a record
//! of its import (`record`), by which a later import skips a card that did
//! not change and updates (`--update`) one that did.

pub mod card;
mod emit;
pub mod folder;
mod mapping;
mod prose;
mod record;
pub mod report;
mod site;
mod write;

use std::collections::{HashMap, HashSet};
use std::io::Read as _;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::{Config, Overrides};
use crate::error::{Errors, SiteError, did_you_mean};
use crate::source::data::Seg;
use crate::source::{ID_RULE, PAGES_DIR, id_problem, id_suggestion, is_valid_id};

use card::Card;
use emit::Node;
use folder::FoundCard;
use mapping::{FALLBACK_CREATOR, MapInput, ModelFields};
use record::Records;
use report::{How, SkipKind, Skipped};
use site::{MapKind, SiteData, Stub};
use write::{Existing, SiteFiles};

pub use report::{ImportReport, Imported};

/// What `modelsite import` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub root: PathBuf,
    pub overrides: Overrides,
    /// Card files, folders of cards; `-` is standard input.
    pub cards: Vec<PathBuf>,
    pub id: Option<String>,
    pub creator: Option<String>,
    pub category: Option<String>,
    /// Replace models the site already has, whole.
    pub force: bool,
    /// Bring a changed card's fields into its model, keeping the user's
    /// other fields.
    pub update: bool,
    /// Draw a progress bar on standard error.
    pub progress: bool,
}

/// Why nothing was imported.
#[derive(Debug)]
pub enum Failure {
    /// The command line asks for something impossible (exit code 2).
    Usage(String),
    /// The site cannot be imported into (exit code 1).
    Site(Errors),
}

/// How a note on removed HTML starts (the summary counts such cards).
const REMOVED_HTML: &str = "removed from the card's HTML";

/// What becomes of a card's model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    New,
    /// Replace the site's model whole (`--force`).
    Replace,
    /// Merge the card into the site's model (`--update`).
    Update,
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
    /// Which card this is, for its import record (`None` for standard
    /// input), and the hash of its text.
    key: Option<String>,
    card_hash: u64,
    /// Where the card names its id.
    id_at: (usize, usize),
    action: Action,
    /// The model file an update merges into, and the fields of it kept
    /// though the card guesses otherwise.
    existing: Option<Existing>,
    kept: Vec<String>,
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

/// One card to read.
enum Input {
    Stdin,
    /// A card named on the command line (or the folder holding it).
    File(PathBuf),
    /// A card found in a folder.
    Found(FoundCard),
}

/// A card read: mapped, unchanged since its import, or in error.
enum Read {
    Planned(Box<Plan>),
    Unchanged(Skipped),
    Failed(SiteError),
}

/// Imports every card of `options` into the site.
pub fn import(options: &ImportOptions) -> Result<ImportReport, Failure> {
    check_usage(options)?;
    Config::load(&options.root, &options.overrides).map_err(|e| Failure::Site(e.into()))?;
    let files = SiteFiles::new(&options.root).map_err(|e| Failure::Site(e.into()))?;
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

    let mut report = ImportReport::default();
    let inputs = inputs(options, &mut report)?;
    report.cards = inputs.len();
    // Standard input is read once; what is wrong with it is the card's
    // error, reported with the others.
    let stdin: Option<Result<String, SiteError>> =
        inputs.iter().any(|c| matches!(c, Input::Stdin)).then(|| {
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(crate::source::MAX_FILE_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| SiteError::new(format!("cannot read standard input: {e}")))?;
            crate::source::text_of(bytes, Path::new(card::STDIN_NAME))
        });
    let records = Records::load(&options.root, site.models());

    let read = in_parallel(options.progress, "reading cards", inputs, |input| {
        read_card(input, stdin.as_ref(), options, &site, &records)
    });
    let mut plans = Vec::new();
    for r in read {
        match r {
            Read::Planned(p) => plans.push(*p),
            Read::Unchanged(s) => report.skipped.push(s),
            Read::Failed(e) => report.errors.push(e),
        }
    }
    let plans = check_ids(plans, &site, &records, options, &mut report);
    let plans: Vec<Plan> = plans
        .into_iter()
        .filter_map(|mut p| {
            if p.action != Action::Update {
                return Some(p);
            }
            match write::read_existing(&mut p, &site, &files) {
                Ok(()) => Some(p),
                Err(e) => {
                    report.errors.push(e);
                    None
                }
            }
        })
        .collect();
    let (mut plans, stubs) = plan_stubs(plans, &site, &mut report.errors);
    resolve_relations(&mut plans, &site);

    // Stubs first: a model written without them would not build.
    let mut failed_kinds: HashSet<MapKind> = HashSet::new();
    for (kind, text, added) in &stubs {
        let rel = &site.map(*kind).rel;
        match files.write(rel, text) {
            Ok(()) => report.stubs.push((rel.clone(), *added)),
            Err(e) => {
                report.errors.push(e);
                failed_kinds.insert(*kind);
            }
        }
    }
    let written = in_parallel(options.progress, "writing models", plans, |mut p| {
        let needs_failed = p
            .references()
            .iter()
            .any(|(k, id)| failed_kinds.contains(k) && !site.map(*k).has(id));
        if needs_failed {
            return Err(
                SiteError::new("not imported: a data file it needs could not be written")
                    .in_file(p.shown()),
            );
        }
        let how = match p.action {
            Action::New => How::New,
            Action::Replace => How::Replaced,
            Action::Update => How::Updated,
        };
        write::write_model(&mut p, &site, &files, how)
    });
    for w in written {
        match w {
            Ok(imported) => report.imported.push(imported),
            Err(e) => report.errors.push(e),
        }
    }
    Ok(report)
}

/// `work` on every item on every core, the results in the items' order;
/// with `progress`, a bar on standard error counts the items done.
fn in_parallel<T: Send, R: Send>(
    progress: bool,
    what: &str,
    items: Vec<T>,
    work: impl Fn(T) -> R + Sync + Send,
) -> Vec<R> {
    let bar = progress.then(|| {
        let bar = indicatif::ProgressBar::new(items.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(&format!(
                "{what} {{bar:30}} {{pos}}/{{len}} {{elapsed}}"
            ))
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let results = items
        .into_par_iter()
        .map(|item| {
            let result = work(item);
            if let Some(bar) = &bar {
                bar.inc(1);
            }
            result
        })
        .collect();
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    results
}

/// The cards the command line names: each file, and every card of each
/// folder of cards (a folder holding a README.md stands for that card).
fn inputs(options: &ImportOptions, report: &mut ImportReport) -> Result<Vec<Input>, Failure> {
    let mut inputs = Vec::new();
    for path in &options.cards {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
        } else if path.is_dir() && !folder::is_one_card(path) {
            report.from_folder = true;
            match folder::find(path) {
                Ok(found) if found.cards.is_empty() => {
                    report.errors.push(no_cards_in(path, &found));
                    report.not_cards.extend(found.not_cards);
                }
                Ok(found) => {
                    inputs.extend(found.cards.into_iter().map(Input::Found));
                    report.not_cards.extend(found.not_cards);
                }
                Err(e) => report.errors.push(e),
            }
        } else {
            inputs.push(Input::File(path.clone()));
        }
    }
    if options.id.is_some() && inputs.len() > 1 {
        return Err(Failure::Usage(format!(
            "--id names one model, so it takes one card, not {}; import the cards one at a time to choose their ids",
            inputs.len()
        )));
    }
    Ok(inputs)
}

fn no_cards_in(dir: &Path, found: &folder::FolderCards) -> SiteError {
    let why = match found.not_cards.as_slice() {
        [] => String::new(),
        [one, ..] => format!(" ({}: {})", one.path.display(), one.why),
    };
    SiteError::new(format!("no model card found in {}{why}", dir.display())).hint(format!(
        "give a Hugging Face cache (the hub folder, whose models--<org>--<name> folders hold snapshots/<rev>/{card}) or a folder of <org>/<name>/{card} (or <name>/{card}); cards deeper in the folder are not read",
        card = folder::CARD_FILE
    ))
}

/// Reads one card, and maps it unless it is unchanged since its import.
fn read_card(
    input: Input,
    stdin: Option<&Result<String, SiteError>>,
    options: &ImportOptions,
    site: &SiteData,
    records: &Records,
) -> Read {
    let mut note = None;
    let card = match input {
        Input::Stdin => match stdin {
            Some(Ok(text)) => card::read(Path::new("-"), Some(text)),
            Some(Err(e)) => Err(e.clone()),
            None => Err(SiteError::new("standard input was not read")),
        },
        Input::File(path) => card::read(&path, None),
        Input::Found(found) => {
            note = found.note;
            crate::source::read_text(&found.path, &found.path).and_then(|text| {
                card::from_folder(&found.path, text, found.folder_name, found.repo)
            })
        }
    };
    let card = match card {
        Ok(card) => card,
        Err(e) => return Read::Failed(e),
    };
    let key = card_key(&card);
    let card_hash = record::hash(&card.file.text);
    if let Some((id, rec)) = key.as_deref().and_then(|k| records.of_card(k))
        && rec.card_hash == card_hash
        && !options.force
    {
        return Read::Unchanged(Skipped {
            card: card.shown().to_path_buf(),
            id: id.clone(),
            kind: SkipKind::Unchanged,
        });
    }
    match plan(card, options, site) {
        Ok(mut p) => {
            p.key = key;
            p.card_hash = card_hash;
            p.notes.splice(0..0, note);
            Read::Planned(Box::new(p))
        }
        Err(e) => Read::Failed(e),
    }
}

/// Which card this is, for its import record: its Hub repository when its
/// path tells it, else its file's full path; `None` for standard input.
fn card_key(card: &Card) -> Option<String> {
    if card.shown() == Path::new(card::STDIN_NAME) {
        return None;
    }
    let key = match &card.repo {
        Some(repo) => repo.clone(),
        None => std::path::absolute(card.shown())
            .unwrap_or_else(|_| card.shown().to_path_buf())
            .display()
            .to_string(),
    };
    (!key.contains(['\n', '\r'])).then_some(key)
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

    // A repository the path names is what the Hub serves the card as; a
    // model-index name is often another model's (the one fine-tuned).
    let path_repo = card.repo.as_deref().filter(|r| r.contains('/'));
    let id = match (&options.id, &index_name, &card.folder_name) {
        (Some(id), _, _) => id.clone(),
        (None, _, _) if path_repo.is_some() => {
            let repo = path_repo.unwrap_or_default();
            let id = id_of(&last_segment(repo));
            notes.push(format!(
                "id `{id}` from the repository `{repo}`, as the card's path names it{}",
                transliterated(repo)
            ));
            id
        }
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
    if let Some(problem) = id_problem(&id) {
        return Err(SiteError::new(format!(
            "the id `{id}` made for this card cannot be a model's id: {problem}"
        ))
        .at(card.shown(), 1, 1)
        .with_source(card.file.text.clone())
        .hint("import the card on its own with --id to give it another id"));
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
    let name_from_title = title.is_some();
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

    let mut fields = mapped.fields;
    if !name_from_title {
        fields.guessed.push("name");
    }
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

    let id_at = if path_repo.is_none() && options.id.is_none() && index_name.is_some() {
        card.position(&[Seg::Key("model-index"), Seg::Index(0), Seg::Key("name")])
    } else {
        (1, 1)
    };
    let mut card = card;
    // What is left of the card is for messages: its text and its place.
    card.body = String::new();
    card.meta = Vec::new();
    card.front = String::new();
    Ok(Plan {
        card,
        id,
        repo,
        fields,
        prose: prose.text,
        notes,
        stub_names,
        key: None,
        card_hash: 0,
        id_at,
        action: Action::New,
        existing: None,
        kept: Vec::new(),
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

/// Gives each card its model: the one it was imported as before, else a
/// new id, free in the run and in the site. A card whose id is another
/// card's gets its owner's name before it (`org-name`) when its path names
/// its repository; a model of the site that no card made is replaced only
/// with `--force` (or updated with `--update`).
fn check_ids(
    plans: Vec<Plan>,
    site: &SiteData,
    records: &Records,
    options: &ImportOptions,
    report: &mut ImportReport,
) -> Vec<Plan> {
    let mut taken: HashMap<String, PathBuf> = HashMap::new();
    let mut out = Vec::new();
    let in_site = |id: &str| site.has_model(id) || site.has_prose(id);
    for mut p in plans {
        let at = p.id_at;
        let recorded = p.key.as_deref().and_then(|k| records.of_card(k));
        if let Some((id, _)) = recorded {
            if *id != p.id {
                p.notes.push(format!(
                    "id `{id}`, the model it was imported as before (not `{}`)",
                    p.id
                ));
                p.id = id.clone();
            }
        } else {
            let other_card = taken
                .contains_key(&p.id)
                .then_some(())
                .or_else(|| records.card_of(&p.id).map(|_| ()));
            let owner = p
                .card
                .repo
                .as_deref()
                .and_then(|r| r.split_once('/'))
                .map(|(org, _)| org.to_string());
            if let (Some(()), Some(owner)) = (other_card, owner) {
                let alt = id_of(&format!("{owner}-{}", p.id));
                if !taken.contains_key(&alt) && !in_site(&alt) && is_valid_id(&alt) {
                    let whose = taken.get(&p.id).map_or_else(
                        || {
                            format!(
                                "the model imported from {}",
                                records.card_of(&p.id).unwrap_or_default()
                            )
                        },
                        |first| format!("the model of {}", first.display()),
                    );
                    p.notes.push(format!(
                        "id `{alt}` (the owner's name, then the model's), as `{}` is {whose}",
                        p.id
                    ));
                    p.id = alt;
                }
            }
        }
        if let Some(first) = taken.get(&p.id) {
            report.errors.push(
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
        if recorded.is_some() || in_site(&p.id) {
            p.action = if options.force {
                Action::Replace
            } else if options.update && site.has_model(&p.id) {
                Action::Update
            } else if let Some((id, _)) = recorded {
                // Unchanged cards were left out when they were read.
                report.skipped.push(Skipped {
                    card: p.shown().to_path_buf(),
                    id: id.clone(),
                    kind: SkipKind::Changed,
                });
                continue;
            } else {
                let existing: Vec<String> = site
                    .model_file(&p.id)
                    .map(Path::to_path_buf)
                    .into_iter()
                    .chain(site.has_prose(&p.id).then(|| prose_path(&p.id)))
                    .map(|f| f.display().to_string())
                    .collect();
                let origin = records
                    .card_of(&p.id)
                    .map(|c| format!(", imported from {c}"))
                    .unwrap_or_default();
                report.errors.push(
                    SiteError::new(format!(
                        "the site already has a model `{}` ({}{origin}); it was left as it is",
                        p.id,
                        existing.join(", ")
                    ))
                    .at(p.shown(), at.0, at.1)
                    .with_source(p.card.file.text.clone())
                    .hint(
                        "pass --force to replace it, --update to bring the card's fields into it, or --id to import the card under another id",
                    ),
                );
                continue;
            };
        }
        taken.insert(p.id.clone(), p.shown().to_path_buf());
        out.push(p);
    }
    out
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
) -> (Vec<Plan>, Vec<(MapKind, String, usize)>) {
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
                Ok(text) => texts.push((*kind, text, stubs.len())),
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
