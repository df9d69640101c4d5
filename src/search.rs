//! What the browser uses to find models and guides without a server: the
//! full-text index of every model and page (`search-index/`, below). The
//! catalog's own data, which the chooser and the comparison read too, is
//! made by [`crate::columns`].
//!
//! It reads the resolved [`Catalog`] and hands each file's bytes, as soon
//! as they are made, to the caller's `put` (which writes them); it renders
//! no page and knows nothing of templates or of where files go.
//!
//! # The full-text index
//!
//! Documents are numbered: the models in catalog order, then the pages. A
//! word is a run of letters and digits, lowercased. A word's *count* in a
//! document is how often it occurs there, a title's words counting ten
//! times, and a document's *length* the sum of its counts. A word's
//! *weight* in a document is its BM25 term weight there, times 100,
//! rounded: 1 to 220. The browser scores a document as the sum, over the
//! query's words, of `idf × weight / 100`, with `idf = ln(1 + (docs - df +
//! 0.5) / (df + 0.5))`. A word's *postings* are the documents it is in,
//! best first, written as groups `weight, count, doc, doc, ...`: the
//! documents of a group (all of that weight) ascending, each after the
//! first as the gap from the one before. A word in more than 512 documents
//! is *common*.
//!
//! Lists of numbers are *coded*: one JSON string, each number one to a few
//! characters (see [`push_coded`]), which takes about half the bytes of a
//! JSON array of the same numbers.
//!
//! - `meta.json`: `{docs, models, docs_per_file, word_files, bm25}`: the
//!   number of documents and how many of them are models (the first ones);
//!   how many share a text or count file; the first word of
//!   each dictionary file, in order; and `{k1, b, average_length}`, what
//!   turns a count into a weight.
//! - `words/<n>.json`, the dictionary: every word from the `n`th of
//!   `word_files` up to the next, `{word: {df, top, id, more}}`. `df` is the
//!   number of documents it is in, `top` its first 512 postings (all of
//!   them unless it is common). A common word also has `id`, its number in
//!   the count files, and `more`, the numbers of the postings files that
//!   hold the rest of its postings, in order. Words are sorted in
//!   JavaScript's order (by UTF-16 code units), so a word's file is the
//!   last whose first word is not after it, and the words that start with a
//!   prefix are in consecutive files.
//! - `postings/<n>.json`: `{word, block, postings}`, the `block`th block of
//!   a common word's postings after `top`; each block holds twice as many as
//!   the one before (1024, 2048, ...), so a query reads only as far down a
//!   list as it must.
//! - `docs/<n>.json`: documents `n × docs_per_file ..`, as lists
//!   `{url, title, text}`: the URL relative to the site root, the title
//!   and an excerpt for the result (the summary or
//!   description and the start of the prose, at most 160 characters).
//! - `counts/<n>.json`: `{lengths, counts}` for the same documents: each
//!   one's length (one coded list), and for each, the common words it holds
//!   with their counts, coded `id, count, id, count, ...`, ids ascending,
//!   each after the first as the gap from the one before. With it a query learns a common word's weight
//!   in a document it found by a rarer word without reading all of the
//!   common word's postings. (Counts take fewer digits than weights.)
//!
//! A query reads `meta.json`, the dictionary files of its words, the
//! postings blocks and count files it needs to be sure of its best
//! results (the default theme's `site.js` says how it decides), and the
//! text files of the results it shows.

use std::borrow::Cow;
use std::cmp::Ordering;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::json;

use crate::catalog::{Catalog, Page, license_name, task_name};
use crate::error::SiteError;
use crate::markdown::plain_text_of;

/// The folder of the full-text index in the output.
pub const INDEX_DIR: &str = "search-index";

/// Where each file goes: called with its path and bytes, it returns what
/// the caller keeps of it (a hash, say).
pub type Put<'a, T> = dyn Fn(&str, &[u8]) -> Result<T, SiteError> + Sync + 'a;

/// Whether the caller wants the work given up (a newer change came in):
/// asked between the steps of the work, which then ends with an error.
pub type Stop<'a> = dyn Fn() -> bool + Sync + 'a;

/// An error if `stop` says to give up.
pub fn go_on(stop: &Stop) -> Result<(), SiteError> {
    if stop() {
        Err(SiteError::new("interrupted by a newer change"))
    } else {
        Ok(())
    }
}

/// When `[search] enabled`, the full-text index: each file, as soon as it
/// is made, goes to `put` with its path relative to the output folder, and
/// what `put` returned comes back with each path (`meta.json` last). No
/// file's bytes are kept once `put` has them.
pub fn files<T: Send>(
    catalog: &Catalog,
    put: &Put<T>,
    stop: &Stop,
) -> Result<Vec<(String, T)>, SiteError> {
    if catalog.config.search.enabled {
        index_files(catalog, put, stop)
    } else {
        Ok(Vec::new())
    }
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
#[derive(Clone)]
struct Record {
    /// URL path relative to the site root (`models/bert/`).
    url: String,
    title: String,
    /// `model` or `page`: a filter, so a search can ask for models only.
    kind: &'static str,
    /// Every word of it, as plain text: what is counted.
    text: String,
    /// What a result shows under its title: the summary (a page's
    /// description) and the start of the prose, at most [`EXCERPT_CHARS`]
    /// characters.
    excerpt: String,
}

/// Document `n`: the models in catalog order, then the pages.
fn record(catalog: &Catalog, n: usize) -> Record {
    match n.checked_sub(catalog.models.len()) {
        None => model_record(catalog, n),
        Some(p) => page_record(&catalog.pages[p]),
    }
}

fn page_record(page: &Page) -> Record {
    let f = &page.source.front;
    // A page that cannot be read again fails its own rendering, which
    // reports it.
    let body = plain_text_of(&page.source.body().unwrap_or_default());
    let mut text = String::new();
    push_words(&mut text, page.title());
    push_words(&mut text, &f.description);
    push_words(&mut text, &body);
    let mut excerpt = excerpt_of(&[&f.description, &body]);
    if excerpt.is_empty() {
        excerpt = excerpt_of(&[&text]);
    }
    Record {
        url: page.path.clone(),
        title: page.title().to_string(),
        kind: "page",
        text,
        excerpt,
    }
}

fn model_record(catalog: &Catalog, index: usize) -> Record {
    let m = &catalog.models[index];
    let d = &m.data;
    // A prose file that cannot be read again fails its page's rendering,
    // which reports it.
    let prose = m
        .prose
        .as_ref()
        .map(|p| plain_text_of(&p.body().unwrap_or_default()));
    let mut text = String::with_capacity(256 + prose.as_ref().map_or(0, String::len));
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
    let prose = prose.unwrap_or_default();
    push_words(&mut text, &prose);
    let mut excerpt = excerpt_of(&[&d.summary, &prose]);
    if excerpt.is_empty() {
        // Nothing but facts: show them rather than nothing.
        excerpt = excerpt_of(&[&text]);
    }
    Record {
        url: m.path.clone(),
        title: d.name.clone(),
        kind: "model",
        text,
        excerpt,
    }
}

/// Appends `words` and a space.
fn push_words(out: &mut String, words: &str) {
    if !words.is_empty() {
        out.push_str(words);
        out.push(' ');
    }
}

/// The start of `parts`, one after the other, with every run of white
/// space made one space: at most [`EXCERPT_CHARS`] characters, and when
/// that cuts the text, cut after a whole word and ended with ` …`.
fn excerpt_of(parts: &[&str]) -> String {
    let mut out = String::with_capacity(EXCERPT_CHARS + 8);
    let mut chars = 0;
    let mut space = false;
    for part in parts {
        for c in part.chars() {
            if c.is_whitespace() {
                space = !out.is_empty();
                continue;
            }
            if chars + usize::from(space) >= EXCERPT_CHARS {
                if !space {
                    // In the middle of a word: drop what was kept of it.
                    let end = out.rfind(' ').unwrap_or(0);
                    out.truncate(end);
                }
                if !out.is_empty() {
                    out.push_str(" …");
                }
                return out;
            }
            if space {
                out.push(' ');
                chars += 1;
                space = false;
            }
            out.push(c);
            chars += 1;
        }
        space = !out.is_empty();
    }
    out
}

/// How many documents share one file of texts (`docs/`) and one of word
/// counts (`counts/`): a result fetches the file of its document, so a
/// small number keeps a query's download small, while a large site does not
/// get one file per page.
const DOCS_PER_FILE: usize = 8;

/// How many documents of each word, best first, its dictionary entry
/// holds: all of a rarer word's, the best of a common one's, whose others
/// follow in blocks each twice as large as the one before.
const TOP_POSTINGS: usize = 512;

/// A dictionary file ends after the first word that takes it past this
/// many bytes.
const WORD_FILE_BYTES: usize = 8 * 1024;

/// The longest excerpt a document keeps for its result, in characters.
const EXCERPT_CHARS: usize = 160;

/// How many documents are read and have their words counted at once: only
/// one batch's texts are ever held, and each batch's text files are written
/// before the next is read. A multiple of [`DOCS_PER_FILE`].
const COUNT_BATCH: usize = 1024;
const _: () = assert!(COUNT_BATCH.is_multiple_of(DOCS_PER_FILE));

/// How many count files are written by one task: each task starts by
/// finding its first document in every common word's list.
const COUNT_FILES_PER_TASK: usize = 64;

/// A word of a title counts as this many words of the text.
const TITLE_WEIGHT: u32 = 10;

/// BM25's parameters: how fast repeated words stop counting, and how much
/// a long document's matches are discounted.
const BM25_K1: f64 = 1.2;
const BM25_B: f64 = 0.75;

/// Files written: each one's path, and what `put` returned for it.
type Written<T> = Vec<(String, T)>;

/// The full-text index of the catalog's models and pages: see the module
/// documentation for its files.
fn index_files<T: Send>(
    catalog: &Catalog,
    put: &Put<T>,
    stop: &Stop,
) -> Result<Written<T>, SiteError> {
    let docs = catalog.models.len() + catalog.pages.len();
    write_index(docs, &|n| record(catalog, n), put, stop)
}

/// Every word met so far, with the documents it is in and how often.
#[derive(Default)]
struct Counts {
    ids: FxHashMap<Box<str>, u32>,
    lists: Vec<Counted>,
}

/// A word's documents, ascending, and how often it occurs in each.
#[derive(Default)]
struct Counted {
    docs: Vec<u32>,
    tfs: Vec<u16>,
}

impl Counts {
    fn add(&mut self, word: &str, doc: u32, tf: u32) {
        let id = match self.ids.get(word) {
            Some(&id) => id,
            None => {
                let id = self.lists.len() as u32;
                self.ids.insert(word.into(), id);
                self.lists.push(Counted::default());
                id
            }
        };
        let list = &mut self.lists[id as usize];
        list.docs.push(doc);
        // BM25 stops telling counts apart long before this.
        list.tfs.push(u16::try_from(tf).unwrap_or(u16::MAX));
    }
}

/// A word's documents, ascending, and how often it occurs in each.
struct Word {
    name: Box<str>,
    docs: Vec<u32>,
    tfs: Vec<u16>,
}

/// What BM25 needs besides a word's count in a document: the length of
/// each document and their average.
struct Lengths {
    of: Vec<u32>,
    average: f64,
}

impl Lengths {
    /// The weight of a word that occurs `tf` times in document `doc`.
    fn weight(&self, doc: u32, tf: u16) -> u8 {
        bm25_weight(tf, self.of[doc as usize], self.average)
    }
}

/// BM25's term weight, times 100, rounded: the browser does the same sums
/// in the same order with the parameters of `meta.json`, so it gets the
/// same weights from `counts/`.
fn bm25_weight(tf: u16, length: u32, average: f64) -> u8 {
    let norm = BM25_K1 * (1.0 - BM25_B + BM25_B * f64::from(length) / average.max(1.0));
    let tf = f64::from(tf);
    // At most (k1 + 1) * 100 = 220, so a byte holds it.
    (tf * (BM25_K1 + 1.0) / (tf + norm) * 100.0)
        .round()
        .clamp(1.0, 255.0) as u8
}

/// Writes the index of documents `0..docs`, each made by `record`, and
/// gives up between two steps when `stop` says so.
fn write_index<T: Send>(
    docs: usize,
    record: &(dyn Fn(usize) -> Record + Sync),
    put: &Put<T>,
    stop: &Stop,
) -> Result<Written<T>, SiteError> {
    let mut written: Written<T> = Vec::new();
    let mut counts = Counts::default();
    let mut lengths: Vec<u32> = Vec::with_capacity(docs);
    // Models come first, so a document is a model when its number is
    // below their count.
    let mut models = 0;
    for start in (0..docs).step_by(COUNT_BATCH) {
        go_on(stop)?;
        let batch: Vec<Record> = (start..docs.min(start + COUNT_BATCH))
            .into_par_iter()
            .map(record)
            .collect();
        models += batch.iter().filter(|r| r.kind == "model").count();
        let texts: Written<T> = batch
            .par_chunks(DOCS_PER_FILE)
            .enumerate()
            .map(|(i, chunk)| {
                let rel = format!("{INDEX_DIR}/docs/{}.json", start / DOCS_PER_FILE + i);
                let bytes = docs_file(&rel, chunk)?;
                Ok((rel.clone(), put(&rel, &bytes)?))
            })
            .collect::<Result<_, SiteError>>()?;
        written.extend(texts);
        go_on(stop)?;
        let counted: Vec<_> = batch.par_iter().map(count_words).collect();
        go_on(stop)?;
        for (words, length) in counted {
            let doc = lengths.len() as u32;
            lengths.push(length);
            for (word, tf) in words {
                counts.add(&word, doc, tf);
            }
        }
    }

    go_on(stop)?;
    let average = lengths.iter().map(|&l| f64::from(l)).sum::<f64>() / lengths.len().max(1) as f64;
    let lengths = Lengths {
        of: lengths,
        average,
    };
    let Counts { ids, lists } = counts;
    let mut names: Vec<Box<str>> = vec![Box::default(); lists.len()];
    for (name, id) in ids {
        names[id as usize] = name;
    }
    let words: Vec<Word> = lists
        .into_iter()
        .zip(names)
        .map(|(list, name)| Word {
            name,
            docs: list.docs,
            tfs: list.tfs,
        })
        .collect();

    // The dictionary's order, and the common words' numbers: the most
    // frequent first, so that the numbers a count file holds most are short.
    go_on(stop)?;
    let mut order: Vec<usize> = (0..words.len()).collect();
    order.par_sort_unstable_by(|&a, &b| js_order(&words[a].name, &words[b].name));
    let mut common: Vec<usize> = (0..words.len())
        .filter(|&w| words[w].docs.len() > TOP_POSTINGS)
        .collect();
    common.par_sort_unstable_by(|&a, &b| {
        (words[b].docs.len().cmp(&words[a].docs.len()))
            .then_with(|| js_order(&words[a].name, &words[b].name))
    });
    let mut number = vec![u32::MAX; words.len()];
    for (n, &w) in common.iter().enumerate() {
        number[w] = n as u32;
    }

    let common_lists: Vec<&Word> = common.iter().map(|&w| &words[w]).collect();
    go_on(stop)?;
    written.extend(count_files(&common_lists, &lengths.of, put, stop)?);
    go_on(stop)?;

    // Each common word's blocks after the first get the next file numbers,
    // in dictionary order.
    let mut first_block_file = vec![0; words.len()];
    let mut block_files = 0;
    for &w in &order {
        first_block_file[w] = block_files;
        block_files += block_ends(words[w].docs.len()).len().saturating_sub(1);
    }
    let (entries, blocks): (Vec<Vec<u8>>, Vec<Written<T>>) = order
        .par_iter()
        .map(|&w| {
            go_on(stop)?;
            word_entry(&words[w], &lengths, number[w], first_block_file[w], put)
        })
        .collect::<Result<Vec<_>, SiteError>>()?
        .into_iter()
        .unzip();
    written.extend(blocks.into_iter().flatten());

    // Dictionary files, cut by size; meta.json names each by its first word.
    let mut cuts: Vec<std::ops::Range<usize>> = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, entry) in entries.iter().enumerate() {
        bytes += entry.len() + 1;
        if bytes >= WORD_FILE_BYTES || i + 1 == entries.len() {
            cuts.push(start..i + 1);
            start = i + 1;
            bytes = 0;
        }
    }
    let word_files: Written<T> = cuts
        .par_iter()
        .enumerate()
        .map(|(n, range)| {
            go_on(stop)?;
            let rel = format!("{INDEX_DIR}/words/{n}.json");
            let mut out = Vec::with_capacity(WORD_FILE_BYTES + 4096);
            out.push(b'{');
            for (i, entry) in entries[range.clone()].iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(entry);
            }
            out.push(b'}');
            Ok((rel.clone(), put(&rel, &out)?))
        })
        .collect::<Result<_, SiteError>>()?;
    let first_words: Vec<&str> = cuts.iter().map(|r| &*words[order[r.start]].name).collect();
    let meta_rel = format!("{INDEX_DIR}/meta.json");
    let meta = to_json(
        &meta_rel,
        &json!({
            "docs": docs,
            "models": models,
            "docs_per_file": DOCS_PER_FILE,
            "word_files": first_words,
            "bm25": {"k1": BM25_K1, "b": BM25_B, "average_length": lengths.average},
        }),
    )?;
    written.extend(word_files);
    // `meta.json` last: a browser starts from it, so it names no file
    // before that file is there.
    written.push((meta_rel.clone(), put(&meta_rel, &meta)?));
    Ok(written)
}

/// `docs/<n>.json`: the URL, title and excerpt of each document of the
/// file, in three lists.
fn docs_file(rel: &str, chunk: &[Record]) -> Result<Vec<u8>, SiteError> {
    let column = |f: fn(&Record) -> &str| chunk.iter().map(f).collect::<Vec<&str>>();
    to_json(
        rel,
        &json!({
            "url": column(|r| &r.url),
            "title": column(|r| &r.title),
            "text": column(|r| &r.excerpt),
        }),
    )
}

/// `counts/<n>.json` for every `n`: each document's length and how often
/// it holds each common word, found by walking every common word's list
/// (`common`, by number) along the documents of a task's files.
fn count_files<T: Send>(
    common: &[&Word],
    lengths: &[u32],
    put: &Put<T>,
    stop: &Stop,
) -> Result<Written<T>, SiteError> {
    let docs = lengths.len();
    let files = docs.div_ceil(DOCS_PER_FILE);
    let tasks = files.div_ceil(COUNT_FILES_PER_TASK);
    let written: Vec<Written<T>> = (0..tasks)
        .into_par_iter()
        .map(|task| {
            let first = task * COUNT_FILES_PER_TASK;
            let last = files.min(first + COUNT_FILES_PER_TASK);
            let start = (first * DOCS_PER_FILE) as u32;
            let mut at: Vec<usize> = common
                .iter()
                .map(|w| w.docs.partition_point(|&d| d < start))
                .collect();
            let mut written = Vec::with_capacity(last - first);
            for file in first..last {
                go_on(stop)?;
                let from = file * DOCS_PER_FILE;
                let to = docs.min(from + DOCS_PER_FILE);
                let mut lists: Vec<Vec<u8>> = vec![Vec::new(); to - from];
                let mut previous = vec![0u32; to - from];
                for ((n, word), i) in common.iter().enumerate().zip(&mut at) {
                    let n = n as u32;
                    while let Some(&doc) = word.docs.get(*i).filter(|&&d| (d as usize) < to) {
                        let k = doc as usize - from;
                        let list = &mut lists[k];
                        push_coded(list, n - previous[k]);
                        push_coded(list, u32::from(word.tfs[*i]));
                        previous[k] = n;
                        *i += 1;
                    }
                }
                let rel = format!("{INDEX_DIR}/counts/{file}.json");
                let mut out = b"{\"lengths\":\"".to_vec();
                for length in &lengths[from..to] {
                    push_coded(&mut out, *length);
                }
                out.extend_from_slice(b"\",\"counts\":[");
                for (k, list) in lists.iter().enumerate() {
                    if k > 0 {
                        out.push(b',');
                    }
                    out.push(b'"');
                    out.extend_from_slice(list);
                    out.push(b'"');
                }
                out.extend_from_slice(b"]}");
                written.push((rel.clone(), put(&rel, &out)?));
            }
            Ok(written)
        })
        .collect::<Result<_, SiteError>>()?;
    Ok(written.into_iter().flatten().collect())
}

/// Where the blocks of a list of `postings`, best first, end: the first
/// holds [`TOP_POSTINGS`], each next one twice as many as the one before.
fn block_ends(postings: usize) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut end = 0;
    let mut size = TOP_POSTINGS;
    while end < postings {
        end = postings.min(end + size);
        ends.push(end);
        size *= 2;
    }
    ends
}

/// A word's dictionary entry (`"word":{...}`), after writing its blocks
/// past the first, if any, to the postings files numbered from
/// `first_file`; `number` is the word's number in the count files, if it
/// is common.
fn word_entry<T: Send>(
    word: &Word,
    lengths: &Lengths,
    number: u32,
    first_file: usize,
    put: &Put<T>,
) -> Result<(Vec<u8>, Written<T>), SiteError> {
    // Best first; among equals, by document (the sort is stable).
    let weights: Vec<u8> = word
        .docs
        .iter()
        .zip(&word.tfs)
        .map(|(&doc, &tf)| lengths.weight(doc, tf))
        .collect();
    let mut best: Vec<u32> = (0..word.docs.len() as u32).collect();
    best.sort_by_key(|&i| std::cmp::Reverse(weights[i as usize]));
    let ends = block_ends(best.len());
    let top = ends.first().copied().unwrap_or(0);
    let mut entry = Vec::with_capacity(32 + top * 4);
    serde_json::to_writer(&mut entry, &*word.name).map_err(|e| write_error(INDEX_DIR, &e))?;
    entry.extend_from_slice(b":{\"df\":");
    push_number(&mut entry, word.docs.len() as u32);
    entry.extend_from_slice(b",\"top\":");
    push_groups(&mut entry, &word.docs, &weights, &best[..top]);
    let mut written = Vec::new();
    if ends.len() > 1 {
        entry.extend_from_slice(b",\"id\":");
        push_number(&mut entry, number);
        entry.extend_from_slice(b",\"more\":[");
        for (i, pair) in ends.windows(2).enumerate() {
            let file = first_file + i;
            if i > 0 {
                entry.push(b',');
            }
            push_number(&mut entry, file as u32);
            let rel = format!("{INDEX_DIR}/postings/{file}.json");
            let mut out = b"{\"word\":".to_vec();
            serde_json::to_writer(&mut out, &*word.name).map_err(|e| write_error(&rel, &e))?;
            out.extend_from_slice(b",\"block\":");
            push_number(&mut out, i as u32 + 1);
            out.extend_from_slice(b",\"postings\":");
            push_groups(&mut out, &word.docs, &weights, &best[pair[0]..pair[1]]);
            out.push(b'}');
            written.push((rel.clone(), put(&rel, &out)?));
        }
        entry.push(b']');
    }
    entry.push(b'}');
    Ok((entry, written))
}

/// Postings `best` (positions in `docs` and `weights`, weight descending)
/// as groups: `weight, count, doc, doc, ...`, the documents of a group
/// ascending, each after the first written as the gap from the one before.
fn push_groups(out: &mut Vec<u8>, docs: &[u32], weights: &[u8], best: &[u32]) {
    out.push(b'"');
    let mut i = 0;
    while i < best.len() {
        let weight = weights[best[i] as usize];
        let end = best[i..]
            .iter()
            .position(|&p| weights[p as usize] != weight)
            .map_or(best.len(), |n| i + n);
        push_coded(out, u32::from(weight));
        push_coded(out, (end - i) as u32);
        let mut previous = 0;
        for &p in &best[i..end] {
            let doc = docs[p as usize];
            push_coded(out, doc - previous);
            previous = doc;
        }
        i = end;
    }
    out.push(b'"');
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

/// The number of digits that end a coded number: `@` to `~`, without `\`.
const LAST_DIGITS: u32 = 62;
/// The number of digits that a coded number has before its last: `#` to `?`.
const LEADING_DIGITS: u32 = 29;

/// Appends `n` coded as characters that a JSON string holds as they are:
/// `n % 62` as the last digit (`@` to `~`, skipping `\`), after `n / 62`,
/// when it is not 0, in base 29 with the digits `#` to `?`, most
/// significant first. A list of numbers is their codes one after another:
/// numbers under 62 take one character, under 1,798 two.
fn push_coded(out: &mut Vec<u8>, n: u32) {
    let mut leading = [0u8; 8];
    let mut len = 0;
    let mut rest = n / LAST_DIGITS;
    while rest > 0 {
        leading[len] = b'#' + (rest % LEADING_DIGITS) as u8;
        rest /= LEADING_DIGITS;
        len += 1;
    }
    out.extend(leading[..len].iter().rev());
    let last = b'@' + (n % LAST_DIGITS) as u8;
    out.push(if last >= b'\\' { last + 1 } else { last });
}

/// The numbers of a coded list (see [`push_coded`]), as site.js reads
/// them; for programs and tests that read the index.
pub fn decoded(coded: &str) -> Vec<u64> {
    let mut out = Vec::new();
    let mut value = 0u64;
    for c in coded.bytes() {
        if c < b'@' {
            value = value * u64::from(LEADING_DIGITS) + u64::from(c - b'#');
        } else {
            let digit = c - if c > b'\\' { b'A' } else { b'@' };
            out.push(value * u64::from(LAST_DIGITS) + u64::from(digit));
            value = 0;
        }
    }
    out
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

/// The order of JavaScript's `<` on strings (by UTF-16 code units), in
/// which the browser looks a word up among the dictionary files' first
/// words. It differs from Rust's only past U+FFFF.
fn js_order(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.cmp(b)
    } else {
        a.encode_utf16().cmp(b.encode_utf16())
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::BTreeMap;

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
    fn excerpts_are_short_and_end_after_a_whole_word() {
        assert_eq!(
            excerpt_of(&["A short\n summary. ", "", "Then  the prose."]),
            "A short summary. Then the prose."
        );
        assert_eq!(excerpt_of(&["", " \n "]), "");
        let long = "tokenizer ".repeat(100);
        let excerpt = excerpt_of(&["Summary.", &long]);
        assert!(excerpt.chars().count() <= EXCERPT_CHARS + 2, "{excerpt}");
        let kept = excerpt.strip_suffix(" …").expect("a cut excerpt says so");
        assert!(kept.starts_with("Summary. tokenizer"));
        assert!(kept.ends_with(" tokenizer"), "{kept}");
    }

    #[test]
    fn weights_grow_with_the_count_and_shrink_with_the_length() {
        assert_eq!(bm25_weight(1, 100, 100.0), 100);
        assert!(bm25_weight(7, 100, 100.0) > bm25_weight(1, 100, 100.0));
        assert!(bm25_weight(1, 400, 100.0) < bm25_weight(1, 100, 100.0));
        assert_eq!(bm25_weight(u16::MAX, 1, 100.0), 220);
        assert_eq!(
            bm25_weight(1, 0, 0.0),
            169,
            "an empty index divides by nothing"
        );
    }

    #[test]
    fn blocks_after_the_top_double() {
        assert!(block_ends(0).is_empty());
        assert_eq!(block_ends(1), [1]);
        assert_eq!(block_ends(512), [512]);
        assert_eq!(block_ends(513), [512, 513]);
        assert_eq!(block_ends(5000), [512, 1536, 3584, 5000]);
    }

    #[test]
    fn words_are_sorted_as_javascript_compares_strings() {
        assert_eq!(js_order("encoder", "encoders"), Ordering::Less);
        // U+1F600 is a surrogate pair in UTF-16, before U+FF61.
        assert_eq!(js_order("\u{1F600}", "\u{FF61}"), Ordering::Less);
        assert_eq!("\u{1F600}".cmp("\u{FF61}"), Ordering::Greater);
    }

    fn doc(title: &str, text: &str) -> Record {
        Record {
            url: format!("models/{}/", title.to_lowercase()),
            title: title.to_string(),
            kind: "model",
            text: text.to_string(),
            excerpt: excerpt_of(&[text]),
        }
    }

    /// The index of `records`, every file parsed.
    fn index_of(records: &[Record]) -> BTreeMap<String, Value> {
        let files = std::sync::Mutex::new(BTreeMap::new());
        let put = |rel: &str, bytes: &[u8]| -> Result<(), SiteError> {
            let value: Value =
                serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"));
            let rel = rel.strip_prefix("search-index/").unwrap_or(rel).to_string();
            files.lock().unwrap().insert(rel, value);
            Ok(())
        };
        let written = write_index(records.len(), &|n| records[n].clone(), &put, &|| false).unwrap();
        let files = files.into_inner().unwrap();
        assert_eq!(written.len(), files.len(), "each file is written once");
        assert!(written.last().unwrap().0.ends_with("/meta.json"));
        files
    }

    /// A word's dictionary entry, found as the browser finds it.
    fn entry<'a>(index: &'a BTreeMap<String, Value>, word: &str) -> &'a Value {
        let firsts = index["meta.json"]["word_files"].as_array().unwrap();
        let file = firsts
            .iter()
            .rposition(|f| js_order(f.as_str().unwrap(), word) != Ordering::Greater)
            .unwrap();
        &index[&format!("words/{file}.json")][word]
    }

    /// A coded list held in a JSON value.
    fn decoded_value(coded: &Value) -> Vec<u64> {
        decoded(coded.as_str().expect("a coded list is a string"))
    }

    #[test]
    fn coded_numbers_read_back_and_need_no_escape() {
        let numbers = [0, 1, 28, 61, 62, 63, 91, 1797, 1798, 99_999, u32::MAX];
        let mut out = Vec::new();
        for n in numbers {
            push_coded(&mut out, n);
        }
        assert!(out.iter().all(|c| (b'#'..=b'~').contains(c) && *c != b'\\'));
        assert_eq!(out[..4], *b"@A]~", "one character each under 62");
        let text = String::from_utf8(out).unwrap();
        let back = decoded(&text);
        let expected: Vec<u64> = numbers.iter().map(|&n| u64::from(n)).collect();
        assert_eq!(back, expected);
    }

    /// Groups `weight, count, doc...` as (doc, weight) pairs.
    fn postings(groups: &Value) -> Vec<(u64, u64)> {
        let list = decoded_value(groups);
        let mut out = Vec::new();
        let mut i = 0;
        while i < list.len() {
            let (weight, count) = (list[i], list[i + 1] as usize);
            let mut doc = 0;
            for gap in &list[i + 2..i + 2 + count] {
                doc += gap;
                out.push((doc, weight));
            }
            i += 2 + count;
        }
        out
    }

    #[test]
    fn a_common_word_is_best_first_across_its_blocks_and_agrees_with_the_count_files() {
        let records: Vec<Record> = (0..2000)
            .map(|n| {
                let mut text = "common ".repeat(n % 7 + 1);
                text.push_str(&format!("filler{} ", n % 3));
                if n == 5 {
                    text.push_str("rare");
                }
                doc(&format!("Doc {n}"), &text)
            })
            .collect();
        let index = index_of(&records);
        let meta = &index["meta.json"];
        assert_eq!(meta["docs"], 2000);
        assert_eq!(meta["docs_per_file"], DOCS_PER_FILE);

        let common = entry(&index, "common");
        assert_eq!(common["df"], 2000);
        let mut all = postings(&common["top"]);
        assert_eq!(all.len(), TOP_POSTINGS);
        let more = common["more"].as_array().expect("a common word has more");
        assert_eq!(more.len(), 2, "2000 = 512 + 1024 + 464");
        for (i, file) in more.iter().enumerate() {
            let block = &index[&format!("postings/{file}.json")];
            assert_eq!(block["word"], "common");
            assert_eq!(block["block"], i + 1);
            all.extend(postings(&block["postings"]));
        }
        assert!(all.windows(2).all(|p| p[0].1 >= p[1].1), "best first");
        let mut docs: Vec<u64> = all.iter().map(|p| p.0).collect();
        docs.sort_unstable();
        assert_eq!(docs, (0..2000).collect::<Vec<u64>>(), "each document once");
        // Seven repetitions weigh more than one.
        let weight_of = |d: u64| all.iter().find(|p| p.0 == d).unwrap().1;
        assert!(weight_of(6) > weight_of(0));

        // The count files give the same weights, under the word's id.
        let id = common["id"].as_u64().unwrap();
        let bm25 = &meta["bm25"];
        assert_eq!(bm25["k1"], BM25_K1);
        let average = bm25["average_length"].as_f64().unwrap();
        for &(d, weight) in &all {
            let file = &index[&format!("counts/{}.json", d / DOCS_PER_FILE as u64)];
            let k = (d % DOCS_PER_FILE as u64) as usize;
            let length = decoded_value(&file["lengths"])[k] as u32;
            let pairs = decoded_value(&file["counts"][k]);
            let mut at = 0;
            let count = pairs.chunks(2).find_map(|p| {
                at += p[0];
                (at == id).then_some(p[1] as u16)
            });
            let count = count.unwrap_or_else(|| panic!("document {d} has a count"));
            assert_eq!(u64::from(bm25_weight(count, length, average)), weight);
        }

        // A rare word is whole in the dictionary.
        let rare = entry(&index, "rare");
        assert_eq!(rare["df"], 1);
        assert!(rare.get("more").is_none() && rare.get("id").is_none());
        assert_eq!(postings(&rare["top"]).len(), 1);
        assert_eq!(postings(&rare["top"])[0].0, 5);

        // A title's word weighs more than the same word once in the text.
        let title_word = postings(&entry(&index, "doc")["top"]);
        assert!(title_word.iter().all(|p| p.1 > weight_of(0)));

        let texts = &index["docs/0.json"];
        assert_eq!(texts["url"][5], "models/doc 5/");
        assert_eq!(texts["title"][5], "Doc 5");
        assert_eq!(meta["models"], 2000, "every test document is a model");
        assert!(texts["text"][5].as_str().unwrap().ends_with("filler2 rare"));
        assert!(index.contains_key("docs/249.json") && !index.contains_key("docs/250.json"));
    }

    #[test]
    fn dictionary_files_are_cut_by_size_and_name_their_first_words_in_order() {
        let records: Vec<Record> = (0..3000)
            .map(|n| doc(&format!("Model {n:05}"), "text"))
            .collect();
        let index = index_of(&records);
        let firsts: Vec<&str> = index["meta.json"]["word_files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        assert!(firsts.len() > 3, "{} files", firsts.len());
        assert!(
            firsts
                .windows(2)
                .all(|w| js_order(w[0], w[1]) == Ordering::Less)
        );
        for n in [0, 1234, 2999] {
            let word = format!("{n:05}");
            assert_eq!(entry(&index, &word)["df"], 1, "{word}");
        }
        for (i, first) in firsts.iter().enumerate() {
            let file = &index[&format!("words/{i}.json")];
            assert!(file.get(*first).is_some());
            assert!(serde_json::to_vec(file).unwrap().len() < 2 * WORD_FILE_BYTES);
        }
    }
}
