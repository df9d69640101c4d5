//! What rendering keeps from one build to the next while serving: each
//! model's values and table row, each Markdown file's HTML, and a
//! fingerprint of everything that went into each rendered page.
//!
//! Entries are keyed by what they were made from, never by when, so a
//! stale entry is never used: a model entry is reused only for the same
//! parsed data, relations and templates; a Markdown entry only for the same
//! text whose every `@/` link still resolves the same way. A one-off build
//! starts from an empty memo and fills only what it needs.

use rustc_hash::FxHashMap as HashMap;
use std::ffi::OsString;
use std::sync::{Arc, OnceLock};

use serde_json::Value;
use xxhash_rust::xxh3::Xxh3;

use crate::error::SiteError;
use crate::markdown::{Problem, Rendered};
use crate::render::context::FilterView;
use crate::source::data::ModelData;
use crate::source::pages::PageSource;

/// Everything kept between builds.
#[derive(Default)]
pub struct Memo {
    /// By model id.
    pub(crate) models: HashMap<String, Arc<ModelEntry>>,
    /// The same entries in the order of the last build's catalog: a save
    /// seldom moves a model, and a walk down a list in order is much
    /// cheaper than a hundred thousand lookups by id.
    pub(crate) models_in_order: Vec<Arc<ModelEntry>>,
    /// For the same reason, each model's prose and its Markdown entry, in
    /// the same order.
    pub(crate) prose_in_order: Vec<Option<(Arc<PageSource>, Arc<MarkdownEntry>)>>,
    /// By Markdown file (relative to the site root), as an `OsString`:
    /// it hashes and compares as bytes, where a `PathBuf` walks its
    /// components, which every rebuild would do for every model.
    pub(crate) markdown: HashMap<OsString, Arc<MarkdownEntry>>,
    /// Fingerprint of the last output of each job, by the hash of the
    /// job's file ([`job_key`]): a rebuild looks up every page, and a
    /// number is found without reading the path it was made from. Two
    /// files of one hash would only make their pages render again.
    pub(crate) jobs: HashMap<u64, u64>,
    /// Keep model values and Markdown results for the next build (serve);
    /// a one-off build does not, to save memory.
    pub(crate) keep: bool,
}

impl Memo {
    /// A memo for a series of builds of one site.
    pub fn for_rebuilds() -> Memo {
        Memo {
            keep: true,
            ..Memo::default()
        }
    }
}

/// What is kept of one model for every page that shows it: its table row
/// and the hashes of what its own page shows. The model's full value is
/// made again from the catalog when its page is rendered, so a large
/// catalog does not hold every model's page data at once.
pub struct ModelEntry {
    /// The parsed file this was made from (compared by pointer).
    pub(crate) data: Arc<ModelData>,
    /// Everything else it was made from: templates, configuration, data
    /// files, and the names of related models.
    pub(crate) key: u64,
    /// What the `models(...)` shortcode compares, made when one first asks.
    pub(crate) filter: OnceLock<FilterView>,
    /// The hash of the value `model.html` gets (without prose) and of the
    /// model's JSON-LD.
    pub value_hash: u64,
    /// The `<tr>` of this model in every model table.
    pub row_html: String,
    pub row_hash: u64,
    /// The `<li>` of this model in the lists of term pages (empty when the
    /// theme has no item template).
    pub item_html: String,
    pub item_hash: u64,
}

impl ModelEntry {
    /// The model's fields as the `models(...)` shortcode compares them;
    /// `value` makes the model's full value the first time one asks.
    pub fn filter(&self, value: impl FnOnce() -> Value) -> &FilterView {
        self.filter.get_or_init(|| FilterView::new(&value()))
    }
}

/// What an `@/` link resolved to: `(url, url path)`, or why it did not.
pub type Resolved = Result<(String, String), Problem>;

/// One Markdown file, rendered, with what its rendering depended on.
pub struct MarkdownEntry {
    /// The hash of the text it was rendered from.
    pub(crate) text_hash: u64,
    /// Templates and configuration it was rendered with.
    pub(crate) env: u64,
    /// Every `@/` link it resolved, and to what.
    pub(crate) links: Vec<(String, Resolved)>,
    /// The set of pages and models links could name at the time: while it
    /// is the same, every link resolves as it did.
    pub(crate) link_targets: u64,
    /// When it used shortcodes: the fingerprint of every model and of the
    /// site-wide template values at the time.
    pub(crate) shortcodes: Option<u64>,
    pub result: Result<Rendered, Vec<SiteError>>,
    pub hash: u64,
}

/// A fingerprint built from parts; equal parts give equal fingerprints.
///
/// Most fingerprints are a few numbers and a path, made once a page on
/// every rebuild, and a streaming hasher's cost per call would outweigh
/// the hashing: parts are gathered in a buffer and hashed at once, and
/// only a fingerprint of many kilobytes (templates, static files) streams
/// them through the hasher in blocks. Both give the same hash.
pub struct Fingerprint {
    buffer: Vec<u8>,
    hasher: Option<Box<Xxh3>>,
}

/// How many bytes a fingerprint gathers before it hashes them.
const FINGERPRINT_BLOCK: usize = 16 * 1024;

impl Fingerprint {
    pub fn new() -> Self {
        Fingerprint {
            buffer: Vec::with_capacity(128),
            hasher: None,
        }
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= FINGERPRINT_BLOCK {
            self.flush();
        }
    }

    fn flush(&mut self) {
        self.hasher
            .get_or_insert_with(|| Box::new(Xxh3::new()))
            .update(&self.buffer);
        self.buffer.clear();
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(&(s.len() as u64).to_le_bytes());
        self.bytes(s.as_bytes());
        self
    }

    pub fn u64(&mut self, n: u64) -> &mut Self {
        self.bytes(&n.to_le_bytes());
        self
    }

    /// A JSON value, as its serialization.
    pub fn json(&mut self, value: &impl serde::Serialize) -> &mut Self {
        // Writing into the buffer cannot fail; a value that cannot be
        // serialized hashes as what was written before the failure, and
        // the length marker below still separates it from the next part.
        let _ = serde_json::to_writer(FingerprintWriter(self), value);
        self.u64(0xff)
    }

    pub fn finish(&self) -> u64 {
        match &self.hasher {
            None => hash_bytes(&self.buffer),
            Some(hasher) => {
                let mut hasher = hasher.clone();
                hasher.update(&self.buffer);
                hasher.digest()
            }
        }
    }
}

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint::new()
    }
}

struct FingerprintWriter<'a>(&'a mut Fingerprint);

impl std::io::Write for FingerprintWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.bytes(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What [`Memo::jobs`] knows the job writing `file` by.
pub fn job_key(file: &str) -> u64 {
    hash_bytes(file.as_bytes())
}

/// The hash of some bytes.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_is_the_same_whether_its_parts_are_hashed_in_blocks_or_at_once() {
        let long = "x".repeat(FINGERPRINT_BLOCK * 3 + 17);
        let mut streamed = Fingerprint::new();
        streamed.u64(7).str(&long).json(&vec![1, 2, 3]);
        let mut expected = Vec::new();
        expected.extend_from_slice(&7u64.to_le_bytes());
        expected.extend_from_slice(&(long.len() as u64).to_le_bytes());
        expected.extend_from_slice(long.as_bytes());
        expected.extend_from_slice(b"[1,2,3]");
        expected.extend_from_slice(&0xffu64.to_le_bytes());
        assert_eq!(streamed.finish(), hash_bytes(&expected));
        // finish() leaves the fingerprint usable.
        assert_eq!(streamed.finish(), hash_bytes(&expected));

        let mut short = Fingerprint::new();
        short.u64(1).str("models/a/index.html");
        let mut other = Fingerprint::new();
        other.u64(1).str("models/b/index.html");
        assert_ne!(short.finish(), other.finish());
    }
}
