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
use std::hash::Hasher;
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
    /// Fingerprint of the last output of each job, by the job's file.
    pub(crate) jobs: HashMap<String, u64>,
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
pub struct Fingerprint(Xxh3);

impl Fingerprint {
    pub fn new() -> Self {
        Fingerprint(Xxh3::new())
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.0.write_u64(s.len() as u64);
        self.0.update(s.as_bytes());
        self
    }

    pub fn u64(&mut self, n: u64) -> &mut Self {
        self.0.write_u64(n);
        self
    }

    /// A JSON value, as its serialization.
    pub fn json(&mut self, value: &impl serde::Serialize) -> &mut Self {
        // Writing into a hasher cannot fail; a value that cannot be
        // serialized hashes as what was written before the failure, and
        // the length marker below still separates it from the next part.
        let _ = serde_json::to_writer(HashWriter(&mut self.0), value);
        self.0.write_u64(0xff);
        self
    }

    pub fn finish(&self) -> u64 {
        self.0.digest()
    }
}

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint::new()
    }
}

struct HashWriter<'a>(&'a mut Xxh3);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The hash of some bytes.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}
