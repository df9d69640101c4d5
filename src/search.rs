//! What the browser uses to find models without a server: the full-text
//! index of every model and page (`search-index/`: word files by their
//! first two letters and the texts in small files, so that a query fetches
//! only the parts it needs) and the facet table (`facets.json`: every
//! model's id, name and filterable values, compact) that the chooser and
//! the comparison page read.
//!
//! It reads the resolved [`Catalog`] and hands each file's bytes, as soon
//! as they are made, to the caller's `put` (which writes them); it renders
//! no page and knows nothing of templates or of where files go.

use std::borrow::Cow;
use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::{Value, json};

use crate::catalog::{Catalog, license_name, task_name};
use crate::error::SiteError;
use crate::markdown::plain_text_of;

/// The folder of the full-text index in the output.
pub const INDEX_DIR: &str = "search-index";

/// The facet table's file in the output.
pub const FACETS_FILE: &str = "facets.json";

/// Where each file goes: called with its path and bytes, it returns what
/// the caller keeps of it (a hash, say).
pub type Put<'a, T> = dyn Fn(&str, &[u8]) -> Result<T, SiteError> + Sync + 'a;

/// The facet table and, when `[search] enabled`, the full-text index:
/// each file, as soon as it is made, goes to `put` with its path relative
/// to the output folder, and what `put` returned comes back with each
/// path (the facet table first, then the index's text files, word files
/// and `meta.json`). No file's bytes are kept once `put` has them.
pub fn files<T: Send>(catalog: &Catalog, put: &Put<T>) -> Result<Vec<(String, T)>, SiteError> {
    let facets = put(FACETS_FILE, &facets_json(catalog)?)?;
    let mut files = vec![(FACETS_FILE.to_string(), facets)];
    if catalog.config.search.enabled {
        files.extend(index_files(catalog, put)?);
    }
    Ok(files)
}

/// A fingerprint of everything [`files`] reads: each model's values
/// (`value_hashes`, in catalog order), the text of its prose, every page,
/// and the schema data files (for the names of creators and categories).
pub fn fingerprint(catalog: &Catalog, value_hashes: impl Iterator<Item = u64>) -> u64 {
    let mut fp = crate::render::memo::Fingerprint::new();
    fp.u64(u64::from(catalog.config.search.enabled));
    for f in &catalog.data_files {
        fp.str(&f.text);
    }
    for (m, hash) in catalog.models.iter().zip(value_hashes) {
        fp.u64(hash);
        fp.u64(m.prose.as_ref().map_or(0, |p| p.hash));
    }
    for page in &catalog.pages {
        fp.str(&page.path).u64(page.source.hash);
    }
    fp.finish()
}

/// One searchable document: a model or a page.
struct Record {
    /// URL path relative to the site root (`models/bert/`).
    url: String,
    title: String,
    /// `model` or `page`: a filter, so a search can ask for models only.
    kind: &'static str,
    /// The words, as plain text.
    text: String,
}

fn records(catalog: &Catalog) -> Vec<Record> {
    let mut records: Vec<Record> = (0..catalog.models.len())
        .into_par_iter()
        .map(|i| model_record(catalog, i))
        .collect();
    records.par_extend(catalog.pages.par_iter().map(|page| {
        let f = &page.source.front;
        let mut text = String::new();
        push_words(&mut text, page.title());
        push_words(&mut text, &f.description);
        push_words(
            &mut text,
            &plain_text_of(&page.source.body().unwrap_or_default()),
        );
        Record {
            url: page.path.clone(),
            title: page.title().to_string(),
            kind: "page",
            text,
        }
    }));
    records
}

fn model_record(catalog: &Catalog, index: usize) -> Record {
    let m = &catalog.models[index];
    let d = &m.data;
    let mut text = String::with_capacity(256);
    push_words(&mut text, &d.name);
    push_words(&mut text, &d.summary);
    push_words(&mut text, &m.id);
    let creator = catalog.creators.get(&d.creator).map(|c| c.name.as_str());
    let category = catalog.categories.get(&d.category).map(|c| c.name.as_str());
    push_words(&mut text, creator.unwrap_or(&d.creator));
    push_words(&mut text, category.unwrap_or(&d.category));
    for task in &d.tasks {
        push_words(&mut text, &task_name(task));
    }
    if let Some(license) = &d.license {
        push_words(&mut text, &license_name(license));
    }
    push_words(&mut text, d.license_name.as_deref().unwrap_or(""));
    if let Some(p) = d.parameters {
        push_words(&mut text, &p.display());
    }
    for list in [&d.modalities, &d.domain, &d.language, &d.datasets, &d.tags] {
        for word in list {
            push_words(&mut text, word);
        }
    }
    for lib in &d.libraries {
        if let Some(l) = catalog.libraries.get(lib) {
            push_words(&mut text, &l.name);
        }
    }
    for e in &d.evaluations {
        push_words(&mut text, &e.dataset);
        push_words(&mut text, &e.metric);
    }
    if let Some(prose) = &m.prose {
        // A prose file that cannot be read again fails its page's
        // rendering, which reports it.
        push_words(&mut text, &plain_text_of(&prose.body().unwrap_or_default()));
    }
    Record {
        url: m.path.clone(),
        title: d.name.clone(),
        kind: "model",
        text,
    }
}

/// Appends `words` and a space.
fn push_words(out: &mut String, words: &str) {
    if !words.is_empty() {
        out.push_str(words);
        out.push(' ');
    }
}

/// The documents a word is in, ascending, each with how often the word
/// occurs there (titles counting more).
type Postings = Vec<(u32, u32)>;

/// How many documents share one file of texts: a result fetches the file
/// of its document, so a small number keeps a query's download small while
/// a large site does not get one file per page.
const DOCS_PER_CHUNK: usize = 8;

/// How many documents have their words counted at once: the counts of a
/// batch are folded into the postings before the next batch is counted,
/// so they never all live together.
const COUNT_BATCH: usize = 1024;

/// A word of a title counts as this many words of the text.
const TITLE_WEIGHT: u32 = 10;

/// BM25's parameters: how fast repeated words stop counting, and how much
/// a long document's matches are discounted.
const BM25_K1: f64 = 1.2;
const BM25_B: f64 = 0.75;

/// Builds the full-text index under `search-index/`:
///
/// - `meta.json`: `{docs, per_chunk, shards}`, the number of documents, how
///   many share a text file, and the list of word files;
/// - `w/<hex>.json`, one per first two letters of a word (hex of their
///   UTF-8 bytes): `{word: [doc, weight, doc, weight, ...]}`, documents in
///   ascending order, each after the first written as the gap from the one
///   before; `weight` is the word's BM25 term weight in that document
///   times 100;
/// - `d/<n>.json`: documents `n * per_chunk ..`, each `[url, title, kind,
///   text]` with the URL relative to the site root.
///
/// The browser lowercases the query, splits it into words the same way,
/// fetches one word file per word and the text files of the results only.
fn index_files<T: Send>(catalog: &Catalog, put: &Put<T>) -> Result<Vec<(String, T)>, SiteError> {
    let records = records(catalog);
    let doc_files: Vec<(String, T)> = records
        .par_chunks(DOCS_PER_CHUNK)
        .enumerate()
        .map(|(n, chunk)| {
            let rel = format!("{INDEX_DIR}/d/{n}.json");
            let docs: Vec<(&str, &str, &str, &str)> = chunk
                .iter()
                .map(|r| (r.url.as_str(), r.title.as_str(), r.kind, r.text.as_str()))
                .collect();
            let bytes = to_json(&rel, &docs)?;
            Ok((rel.clone(), put(&rel, &bytes)?))
        })
        .collect::<Result<_, SiteError>>()?;

    // Word -> postings, and each document's length in words.
    let mut postings: FxHashMap<Cow<'_, str>, Postings> = FxHashMap::default();
    let mut lengths: Vec<u32> = Vec::with_capacity(records.len());
    for batch in records.chunks(COUNT_BATCH) {
        let counted: Vec<_> = batch.par_iter().map(count_words).collect();
        for (counts, length) in counted {
            let doc = lengths.len() as u32;
            lengths.push(length);
            for (word, tf) in counts {
                postings.entry(word).or_default().push((doc, tf));
            }
        }
    }
    let average = lengths.iter().map(|&l| f64::from(l)).sum::<f64>() / lengths.len().max(1) as f64;
    let weight = |doc: u32, tf: u32| -> u32 {
        let length = f64::from(lengths[doc as usize]);
        let norm = BM25_K1 * (1.0 - BM25_B + BM25_B * length / average.max(1.0));
        let tf = f64::from(tf);
        ((tf * (BM25_K1 + 1.0) / (tf + norm) * 100.0).round() as u32).max(1)
    };

    let mut shards: BTreeMap<String, Vec<(Cow<'_, str>, Postings)>> = BTreeMap::new();
    for (word, list) in postings {
        shards
            .entry(shard_of(&word))
            .or_default()
            .push((word, list));
    }
    let meta_rel = format!("{INDEX_DIR}/meta.json");
    let meta = json!({
        "docs": records.len(),
        "per_chunk": DOCS_PER_CHUNK,
        "shards": shards.keys().collect::<Vec<_>>(),
    });
    let meta_bytes = to_json(&meta_rel, &meta)?;
    let shard_files: Vec<(String, T)> = shards
        .into_par_iter()
        .map(|(key, mut words)| {
            words.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            let rel = format!("{INDEX_DIR}/w/{key}.json");
            let mut out: Vec<u8> = Vec::new();
            out.push(b'{');
            for (i, (word, list)) in words.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut out, word.as_ref())
                    .map_err(|e| write_error(&rel, &e))?;
                out.extend_from_slice(b":[");
                let mut previous = 0;
                for (j, &(doc, tf)) in list.iter().enumerate() {
                    if j > 0 {
                        out.push(b',');
                    }
                    push_number(&mut out, doc - previous);
                    out.push(b',');
                    push_number(&mut out, weight(doc, tf));
                    previous = doc;
                }
                out.push(b']');
            }
            out.push(b'}');
            Ok((rel.clone(), put(&rel, &out)?))
        })
        .collect::<Result<_, SiteError>>()?;
    // `meta.json` last: a browser starts from it, so it names no file
    // before that file is there.
    let mut written = doc_files;
    written.extend(shard_files);
    written.push((meta_rel.clone(), put(&meta_rel, &meta_bytes)?));
    Ok(written)
}

/// A document's words, each with how often it occurs (a title's words
/// [`TITLE_WEIGHT`] times), and its length in words counted the same way.
fn count_words(r: &Record) -> (Vec<(Cow<'_, str>, u32)>, u32) {
    let mut counts: FxHashMap<Cow<'_, str>, u32> = FxHashMap::default();
    let mut length = 0;
    for_each_word(&r.text, |word| {
        *counts.entry(word).or_default() += 1;
        length += 1;
    });
    for_each_word(&r.title, |word| {
        *counts.entry(word).or_default() += TITLE_WEIGHT;
        length += TITLE_WEIGHT;
    });
    (counts.into_iter().collect(), length)
}

fn push_number(out: &mut Vec<u8>, n: u32) {
    use std::io::Write;
    // Writing to a Vec cannot fail.
    let _ = write!(out, "{n}");
}

fn to_json(rel: &str, value: &impl serde::Serialize) -> Result<Vec<u8>, SiteError> {
    serde_json::to_vec(value).map_err(|e| write_error(rel, &e))
}

fn write_error(rel: &str, e: &serde_json::Error) -> SiteError {
    SiteError::new(format!("cannot write {rel}: {e}"))
}

/// Calls `f` with each word of `text`, lowercased: runs of letters and
/// digits (the browser splits with `/[\p{Alphabetic}\p{N}]+/gu`, the same
/// classes). Words already in lowercase ASCII are borrowed, not copied.
fn for_each_word<'a>(text: &'a str, mut f: impl FnMut(Cow<'a, str>)) {
    let bytes = text.as_bytes();
    let mut start = None;
    let mut plain = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (in_word, len, lower_ascii) = if b.is_ascii() {
            (b.is_ascii_alphanumeric(), 1, !b.is_ascii_uppercase())
        } else {
            match text[i..].chars().next() {
                Some(c) => (c.is_alphanumeric(), c.len_utf8(), false),
                None => break,
            }
        };
        if in_word {
            if start.is_none() {
                start = Some(i);
                plain = true;
            }
            plain &= lower_ascii;
        } else if let Some(s) = start.take() {
            f(word_at(&text[s..i], plain));
        }
        i += len;
    }
    if let Some(s) = start {
        f(word_at(&text[s..], plain));
    }
}

fn word_at(word: &str, plain: bool) -> Cow<'_, str> {
    if plain {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(word.to_lowercase())
    }
}

/// The word file of a word: its first two characters, as hex.
fn shard_of(word: &str) -> String {
    let end = word.char_indices().nth(2).map_or(word.len(), |(i, _)| i);
    word[..end].bytes().map(|b| format!("{b:02x}")).collect()
}

/// `facets.json`: `fields` names the columns of each row of `models`;
/// `names` maps the ids of creators, categories, tasks and licences to
/// their display names.
fn facets_json(catalog: &Catalog) -> Result<Vec<u8>, SiteError> {
    let models: Vec<Value> = catalog
        .models
        .iter()
        .map(|m| {
            let d = &m.data;
            json!([
                m.id,
                d.name,
                d.creator,
                d.category,
                d.tasks,
                d.license,
                d.access.map(|a| a.as_str()),
                d.parameters.map(|p| p.0),
                d.released.as_ref().map(|r| r.0.as_str()),
                d.status.as_str(),
                d.modalities,
                d.domain,
            ])
        })
        .collect();
    let term_names = |taxonomy: &str| -> BTreeMap<String, String> {
        catalog
            .taxonomy(taxonomy)
            .map(|t| {
                t.terms
                    .iter()
                    .map(|term| (term.id.clone(), term.name.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    to_json(
        FACETS_FILE,
        &json!({
        "fields": [
            "id", "name", "creator", "category", "tasks", "license", "access",
            "parameters", "released", "status", "modalities", "domain"
        ],
        "names": {
            "creators": term_names("creators"),
            "categories": term_names("categories"),
            "tasks": term_names("tasks"),
            "licenses": term_names("licenses"),
        },
        "models": models,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_words(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_word(text, |w| out.push(w.into_owned()));
        out
    }

    #[test]
    fn words_are_lowercased_runs_of_letters_and_digits() {
        assert_eq!(
            all_words("BERT-base (110M), naïve Ünïcode: 東京 x"),
            ["bert", "base", "110m", "naïve", "ünïcode", "東京", "x"]
        );
        assert!(all_words(" -- ").is_empty());
    }

    #[test]
    fn word_files_are_named_by_the_first_two_characters() {
        assert_eq!(shard_of("encoder"), "656e");
        assert_eq!(shard_of("x"), "78");
        assert_eq!(shard_of("ünï"), "c3bc6e");
    }
}
