//! Rendering: every page of the site through its template, in parallel.
//!
//! This stage turns the [`Catalog`] into HTML documents and hands each one,
//! as soon as it is made, to the caller's `emit` function (which writes it
//! and gathers its links). It holds no finished page in memory and knows
//! nothing of where files go.
//!
//! Each page is a job with a fingerprint of everything its template gets.
//! Given the [`Memo`] of an earlier build, a job whose fingerprint has not
//! changed is not rendered again, and the model values, table rows and
//! Markdown that did not change are reused: this is what makes a rebuild
//! after one saved file fast, and gives the same bytes as a full build.

pub mod context;
pub mod memo;
pub mod relative;
pub mod templates;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use serde_json::{Value, json};
use tera::Context;

use crate::catalog::{Catalog, Page, paged_path};
use crate::error::{Errors, SiteError, closest, did_you_mean};
use crate::markdown::{self, FragmentLink, MarkdownEnv, Problem, Rendered, ShortcodeArgs};
use crate::source::PAGES_DIR;
use crate::source::pages::PageSource;
use context::{
    finder_facets, model_json_ld, model_value, page_summary, page_value, pager_value, row_value,
    taxonomy_value, term_value, with_prose,
};
pub use memo::Memo;
use memo::{Fingerprint, MarkdownEntry, ModelEntry, hash_bytes, job_key};
pub use templates::Templates;

/// How many terms of each taxonomy the catalog's "Browse by" shows (those
/// with the most models); the taxonomy's own page lists every one.
const BROWSE_LIMIT: usize = 12;

/// The template that renders one row of a model table.
pub const ROW_TEMPLATE: &str = "partials/model_row.html";
/// The template of a model's item in the list of a term page. A theme
/// without it lists a term's models in table rows, as the catalog does.
pub const ITEM_TEMPLATE: &str = "partials/model_item.html";

/// Where a page's content came from, for messages about it. Every page
/// holds one until the links are checked, so the paths all pages share
/// (the template's, the site folder's) are shared, not copied.
#[derive(Debug, Clone)]
pub struct Origin {
    /// The data or Markdown file, relative to the site root, with its text.
    pub source: Option<(PathBuf, SourceText)>,
    /// The template file that laid the page out.
    pub template: Arc<Path>,
}

/// The text of a page's source file, held or, for a model's data file
/// (whose text the build does not keep), read again from the site folder
/// it names.
#[derive(Debug, Clone)]
pub enum SourceText {
    Held(Arc<str>),
    InSite(Arc<Path>),
}

impl Origin {
    /// The source file and its text, if it can still be read.
    pub fn source_text(&self) -> Option<(&Path, Arc<str>)> {
        let (file, text) = self.source.as_ref()?;
        let text = match text {
            SourceText::Held(text) => text.clone(),
            SourceText::InSite(root) => std::fs::read_to_string(root.join(file)).ok()?.into(),
        };
        Some((file, text))
    }
}

/// One finished document.
pub struct Document {
    /// File path inside the output folder (`models/bert/index.html`).
    pub file: String,
    pub html: String,
    pub origin: Origin,
}

/// An `@/page.md#fragment` link and the file it was written in.
#[derive(Debug, Clone)]
pub struct FragmentCheck {
    pub file: PathBuf,
    pub text: Arc<str>,
    pub link: FragmentLink,
}

/// The output file of a URL path: `a/b/` -> `a/b/index.html`.
pub fn file_for(path: &str) -> String {
    // Called for every page of every rebuild: no formatting machinery.
    let mut file = String::with_capacity(path.len() + "index.html".len());
    file.push_str(path);
    file.push_str("index.html");
    file
}

/// What one page (with its alias redirects) gave.
pub struct JobOutput<T> {
    /// The page's file, which names the job.
    pub key: String,
    /// Fingerprint of everything the page was made from.
    pub fingerprint: u64,
    /// What `emit` returned for each document; `None` when the page's
    /// fingerprint is the one the memo remembers, so its files are
    /// already what this build would write.
    pub outputs: Option<Vec<T>>,
    /// The `@/...#fragment` links of the page's Markdown.
    pub checks: Vec<FragmentCheck>,
    /// A model page's model and its prose, for the memo.
    prose: Option<(usize, Arc<MarkdownEntry>)>,
}

/// The rendered site.
pub struct Rendering<T> {
    pub jobs: Vec<JobOutput<T>>,
    /// Every model's values, in catalog order.
    pub models: Vec<Arc<ModelEntry>>,
}

/// Renders every page whose inputs changed since the build `memo`
/// remembers (every page, for an empty memo); `emit` receives each
/// document as soon as it is made. Model values and Markdown are kept in
/// `memo`; the jobs' fingerprints are not (see [`Memo::remember_jobs`]),
/// because only the caller knows whether the output was kept.
pub fn render_site<T: Send>(
    catalog: &Catalog,
    templates: &Templates,
    memo: &mut Memo,
    emit: &(dyn Fn(Document) -> Result<T, SiteError> + Sync),
) -> Result<Rendering<T>, Errors> {
    let renderer = Renderer::new(catalog, templates, memo)?;
    let jobs = renderer.jobs();
    let results: Vec<Result<JobOutput<T>, Vec<SiteError>>> =
        jobs.par_iter().map(|job| renderer.run(job, emit)).collect();
    // The jobs borrow the memo, which is brought up to date below.
    drop(jobs);
    let fresh_markdown = renderer.fresh_markdown.into_inner().unwrap_or_default();
    let models = renderer.models;
    let fresh_models = renderer.fresh_models;
    if memo.keep {
        for (file, entry) in fresh_markdown {
            memo.markdown.insert(file.into_os_string(), entry);
        }
        let sources =
            catalog.pages.len() + catalog.models.iter().filter(|m| m.prose.is_some()).count();
        if memo.markdown.len() > sources {
            // Some files are gone: forget them.
            let files: HashSet<&std::ffi::OsStr> = catalog
                .pages
                .iter()
                .map(|p| p.source.file.as_os_str())
                .chain(
                    catalog
                        .models
                        .iter()
                        .filter_map(|m| m.prose.as_ref().map(|p| p.file.as_os_str())),
                )
                .collect();
            memo.markdown.retain(|f, _| files.contains(f.as_os_str()));
        }
    }
    if memo.keep {
        for i in fresh_models {
            memo.models
                .insert(catalog.models[i].id.clone(), models[i].clone());
        }
        if memo.models.len() > catalog.models.len() {
            memo.models.retain(|id, _| catalog.by_id.contains_key(id));
        }
        memo.models_in_order.clone_from(&models);
        memo.prose_in_order = vec![None; catalog.models.len()];
        for out in results.iter().flatten() {
            if let Some((i, entry)) = &out.prose
                && let Some(source) = &catalog.models[*i].prose
            {
                memo.prose_in_order[*i] = Some((source.clone(), entry.clone()));
            }
        }
    }

    let mut errors = Errors::default();
    let mut outputs = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(o) => outputs.push(o),
            Err(es) => errors.0.extend(es),
        }
    }
    errors.into_result(Rendering {
        jobs: outputs,
        models,
    })
}

impl Memo {
    /// Remembers the fingerprint of every page of a build whose output was
    /// kept, forgetting pages that are gone.
    pub fn remember_jobs<'a>(&mut self, jobs: impl Iterator<Item = (&'a str, u64)>) {
        self.jobs = jobs.map(|(k, f)| (job_key(k), f)).collect();
    }

    /// Remembers the fingerprint of one page whose output was written.
    pub fn remember_job(&mut self, key: &str, fingerprint: u64) {
        self.jobs.insert(job_key(key), fingerprint);
    }

    /// Forgets the pages `keys`, which are gone.
    pub fn forget_job_keys(&mut self, keys: &[String]) {
        for key in keys {
            self.jobs.remove(&job_key(key));
        }
    }

    /// Forgets every page's fingerprint, so that the next build renders
    /// every page (after the output folder was replaced by other means).
    pub fn forget_jobs(&mut self) {
        self.jobs.clear();
    }
}

/// What the catalog and the tool pages offer to filter by: every taxonomy
/// with its terms (`taxonomies`) and the other facets with their counts
/// (`facets`). Made once per build.
struct Finder {
    taxonomies: Value,
    facets: Value,
    fingerprint: u64,
}

impl Finder {
    fn new(c: &Catalog) -> Self {
        let taxonomies = Value::Array(
            c.taxonomies
                .iter()
                .map(|t| {
                    json!({
                        "taxonomy": taxonomy_value(c, t),
                        "terms": t.terms.iter().map(|term| term_value(c, t, term)).collect::<Vec<_>>(),
                    })
                })
                .collect(),
        );
        let facets = finder_facets(c);
        let fingerprint = Fingerprint::new().json(&taxonomies).json(&facets).finish();
        Finder {
            taxonomies,
            facets,
            fingerprint,
        }
    }
}

/// One unit of rendering work.
enum Job<'a> {
    Home,
    Page(&'a Page),
    Section(&'a str),
    /// A page of the catalog, counted from 1.
    Catalog(usize),
    Model(usize),
    TaxonomyList(usize),
    /// Taxonomy, term, and page of the term's list counted from 1.
    Term(usize, usize, usize),
    /// A page the theme's scripts complete (`compare/`, `choose/`, `search/`).
    Tool(&'static str),
    NotFound,
}

struct Renderer<'a> {
    catalog: &'a Catalog,
    templates: &'a Templates,
    memo: &'a Memo,
    base: Context,
    /// Fingerprint of `base` and the templates.
    base_fp: u64,
    /// What Markdown rendering depends on besides its text and links.
    markdown_env: u64,
    /// What a shortcode's output depends on: `base` and every model.
    shortcode_fp: u64,
    /// Fingerprint of every model id and page file `@/` links can name
    /// (with `markdown_env`, what a link resolves to depends on nothing else).
    link_targets: u64,
    models: Vec<Arc<ModelEntry>>,
    /// By model index: the hashes of its table row and its list item, side
    /// by side in one array. List pages read them for up to 200 models each,
    /// in list order; read through `models` each would be a cache miss.
    list_hashes: Vec<[u64; 2]>,
    fresh_models: Vec<usize>,
    fresh_markdown: Mutex<Vec<(PathBuf, Arc<MarkdownEntry>)>>,
    /// The tool pages the theme has a template for.
    tools: Vec<&'static str>,
    /// Whether the theme lists a term's models as items, not table rows.
    has_items: bool,
    finder: Finder,
    /// `site/<rel>.md` (relative to `site/`) -> page index.
    pages_by_file: HashMap<String, usize>,
    /// By taxonomy and term: the fingerprint of the taxonomy's and the
    /// term's values, which every page of the term's list gets.
    term_fps: Vec<Vec<u64>>,
    /// The site folder, shared by the pages' [`Origin`]s.
    site_root: Arc<Path>,
}

impl<'a> Renderer<'a> {
    fn new(catalog: &'a Catalog, templates: &'a Templates, memo: &'a Memo) -> Result<Self, Errors> {
        check_page_templates(catalog, templates)?;
        let config = &catalog.config;
        let config_value = json!({
            "title": config.title,
            "description": config.description,
            "base_url": config.base_url,
            "language": config.language,
            "extra": config.extra,
            "search_enabled": config.search.enabled,
            "feed_enabled": config.feed.enabled,
            "build_date": chrono::Utc::now().format("%Y-%m-%d").to_string(),
            "text": config.text.value(),
        });
        let tools: Vec<&'static str> = crate::catalog::tool_paths(config)
            .into_iter()
            .filter(|path| templates.has(&tool_template(path)))
            .collect();
        let nav = nav(catalog, &tools);
        let guides = guides(catalog);
        let mut base = Context::new();
        base.insert("config", &config_value);
        base.insert("nav", &nav);
        base.insert("guides", &guides);
        base.insert("data", &catalog.other_data);
        let columns = with_site_words(crate::columns::columns_value(), &config.text);
        base.insert("columns", &columns);
        let base_fp = Fingerprint::new()
            .json(&columns)
            .u64(templates.epoch)
            .json(&config_value)
            .json(&nav)
            .json(&guides)
            .json(&catalog.other_data)
            .finish();
        let markdown_env = Fingerprint::new()
            .u64(templates.epoch)
            .json(&config_value)
            .json(&config.markdown.html)
            .finish();

        let (models, fresh_models) = model_entries(catalog, templates, memo, markdown_env)?;
        // Each entry's key holds its model's id; the hashes are folded into
        // one number first, which is much cheaper than feeding a hasher
        // three words a model.
        let every_model = models.iter().fold(0u64, |acc, e| {
            let mixed = e.key
                ^ e.value_hash.rotate_left(21)
                ^ e.row_hash.rotate_left(42)
                ^ e.item_hash.rotate_left(7);
            acc.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(mixed)
        });
        let shortcode_fp = Fingerprint::new()
            .u64(base_fp)
            .u64(every_model)
            .u64(models.len() as u64)
            .finish();

        let pages_by_file: HashMap<String, usize> = catalog
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let rel = p
                    .source
                    .file
                    .strip_prefix(PAGES_DIR)
                    .unwrap_or(&p.source.file)
                    .to_string_lossy()
                    .replace('\\', "/");
                (rel, i)
            })
            .collect();
        let link_targets = {
            // Order-independent: the same ids in another order are the
            // same targets.
            let mut sum = 0u64;
            for id in catalog.by_id.keys() {
                sum = sum.wrapping_add(hash_bytes(id.as_bytes()));
            }
            let mut pages: Vec<(&String, &str)> = pages_by_file
                .iter()
                .map(|(rel, &i)| (rel, catalog.pages[i].path.as_str()))
                .collect();
            pages.sort();
            let mut fp = Fingerprint::new();
            fp.u64(sum).u64(catalog.by_id.len() as u64).json(&pages);
            fp.finish()
        };
        Ok(Renderer {
            has_items: templates.has(ITEM_TEMPLATE),
            catalog,
            templates,
            memo,
            base,
            base_fp,
            markdown_env,
            shortcode_fp,
            link_targets,
            list_hashes: models.iter().map(|e| [e.row_hash, e.item_hash]).collect(),
            models,
            fresh_models,
            fresh_markdown: Mutex::new(Vec::new()),
            tools,
            finder: Finder::new(catalog),
            pages_by_file,
            site_root: Arc::from(catalog.config.root.as_path()),
            term_fps: catalog
                .taxonomies
                .iter()
                .map(|t| {
                    let tax = taxonomy_value(catalog, t);
                    t.terms
                        .iter()
                        .map(|term| {
                            Fingerprint::new()
                                .json(&tax)
                                .json(&term_value(catalog, t, term))
                                .finish()
                        })
                        .collect()
                })
                .collect(),
        })
    }

    fn jobs(&self) -> Vec<Job<'a>> {
        let c = self.catalog;
        let mut jobs = vec![Job::Home, Job::NotFound];
        jobs.extend((1..=c.page_count(c.models.len())).map(Job::Catalog));
        jobs.extend(
            c.pages
                .iter()
                .filter(|p| p.standalone && !p.path.is_empty())
                .map(Job::Page),
        );
        jobs.extend(c.sections.iter().map(|s| Job::Section(s.as_str())));
        jobs.extend((0..c.models.len()).map(Job::Model));
        jobs.extend(self.tools.iter().map(|path| Job::Tool(path)));
        for (t, tax) in c.taxonomies.iter().enumerate() {
            jobs.push(Job::TaxonomyList(t));
            for (i, term) in tax.terms.iter().enumerate() {
                jobs.extend((1..=c.page_count(term.models.len())).map(|n| Job::Term(t, i, n)));
            }
        }
        jobs
    }

    /// The job's fingerprint and, unless it is the remembered one, its
    /// documents handed to `emit`.
    fn run<T>(
        &self,
        job: &Job<'_>,
        emit: &(dyn Fn(Document) -> Result<T, SiteError> + Sync),
    ) -> Result<JobOutput<T>, Vec<SiteError>> {
        let c = self.catalog;
        // A list's later pages show the title of its page, not its prose.
        let first_page = !matches!(job, Job::Catalog(n) | Job::Term(_, _, n) if *n > 1);
        let (path, page): (Cow<'_, str>, Option<&Page>) = match job {
            Job::Home => (Cow::Borrowed(""), c.page_at("")),
            Job::Page(p) => (Cow::Borrowed(p.path.as_str()), Some(*p)),
            Job::Section(path) => (Cow::Borrowed(*path), None),
            Job::Catalog(n) => (paged_path("models/", *n).into(), c.page_at("models/")),
            Job::Model(i) => (Cow::Borrowed(c.models[*i].path.as_str()), None),
            Job::TaxonomyList(t) => {
                let path = format!("{}/", c.taxonomies[*t].id);
                let page = c.page_at(&path);
                (path.into(), page)
            }
            Job::Term(t, i, n) => {
                let tax = &c.taxonomies[*t];
                let path = Catalog::term_path(tax.id, &tax.terms[*i].slug);
                let page = c.page_at(&path);
                (paged_path(&path, *n).into(), page)
            }
            Job::Tool(path) => (Cow::Borrowed(*path), c.page_at(path)),
            Job::NotFound => (Cow::Borrowed("404.html"), None),
        };
        let key = match job {
            Job::NotFound => path.to_string(),
            _ => file_for(&path),
        };
        let mut fp = Fingerprint::new();
        fp.u64(self.base_fp).str(&key);

        // The page's own Markdown (a guide, or the prose of a generated page
        // or of a model).
        let prose_source: Option<&PageSource> = match job {
            Job::Model(i) => c.models[*i].prose.as_deref(),
            _ if !first_page => None,
            _ => page.map(|p| &p.source),
        };
        let prose = match (job, prose_source) {
            (Job::Model(i), Some(source)) => Some(self.model_prose(*i, source)),
            (_, source) => source.map(|s| self.markdown(s)),
        };
        // Only a build whose memo is kept reads it back; a one-off build
        // would hold every model's prose until the end of rendering.
        let model_prose = match (job, &prose) {
            (Job::Model(i), Some(entry)) if self.memo.keep => Some((*i, entry.clone())),
            _ => None,
        };
        let mut checks = Vec::new();
        let mut rendered: Option<&Rendered> = None;
        if let (Some(source), Some(entry)) = (prose_source, &prose) {
            let r = entry.result.as_ref().map_err(Clone::clone)?;
            fp.u64(entry.hash);
            checks = self.checks(source, r);
            rendered = Some(r);
        }
        if let Some(p) = page {
            let f = &p.source.front;
            fp.json(&page_summary(c, p))
                .json(&f.aliases)
                .json(&f.toc)
                .json(&f.template);
        }

        // Everything else the template gets, added to the fingerprint and
        // to a list of things to put in the context if the page is made.
        let mut parts: Vec<(&'static str, Value)> = Vec::new();
        let mut rows: Option<Vec<usize>> = None;
        let mut items: Option<Vec<usize>> = None;
        // `taxonomies` and `facets`, the same on every page that has them.
        let mut finder = false;
        let template: Cow<'_, str> = match job {
            Job::Home => {
                let categories: Vec<Value> = c
                    .taxonomy("categories")
                    .map(|t| t.terms.iter().map(|term| term_value(c, t, term)).collect())
                    .unwrap_or_default();
                parts.push(("categories", Value::Array(categories)));
                let newest = c.newest(crate::catalog::HOME_NEWEST);
                for &i in newest {
                    fp.u64(self.models[i].value_hash);
                }
                parts.push((
                    "newest_models",
                    Value::Array(
                        newest
                            .iter()
                            .map(|&i| row_value(&model_value(c, i)))
                            .collect(),
                    ),
                ));
                parts.push(("model_count", json!(c.models.len())));
                Cow::Borrowed("index.html")
            }
            Job::Page(p) => {
                Cow::Borrowed(p.source.front.template.as_deref().unwrap_or("page.html"))
            }
            Job::Section(path) => {
                let mut pages: Vec<&Page> = c
                    .pages
                    .iter()
                    .filter(|p| p.standalone && p.path.starts_with(path) && p.path != *path)
                    .collect();
                sort_pages(&mut pages);
                let title = path
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .map(crate::catalog::task_name)
                    .unwrap_or_default();
                parts.push((
                    "section",
                    json!({
                        "title": title,
                        "path": path,
                        "url": c.config.url(path),
                        "pages": pages.iter().map(|p| page_summary(c, p)).collect::<Vec<_>>(),
                    }),
                ));
                Cow::Borrowed("section.html")
            }
            Job::Catalog(n) => {
                finder = true;
                let range = self.page_rows(*n, c.models.len());
                self.pager_fingerprint(&mut fp, *n, &range, c.models.len());
                fp.u64(BROWSE_LIMIT as u64);
                rows = Some(range.collect());
                Cow::Borrowed("catalog.html")
            }
            Job::Tool(path) => {
                finder = true;
                parts.push(("model_count", json!(c.models.len())));
                Cow::Owned(tool_template(path))
            }
            Job::Model(_) => Cow::Borrowed("model.html"),
            Job::TaxonomyList(t) => {
                let tax = &c.taxonomies[*t];
                parts.push(("taxonomy", taxonomy_value(c, tax)));
                let terms: Vec<Value> = tax
                    .terms
                    .iter()
                    .map(|term| term_value(c, tax, term))
                    .collect();
                parts.push(("terms", Value::Array(terms)));
                Cow::Borrowed("taxonomy_list.html")
            }
            Job::Term(t, i, n) => {
                let term = &c.taxonomies[*t].terms[*i];
                let range = self.page_rows(*n, term.models.len());
                fp.u64(self.term_fps[*t][*i]);
                self.pager_fingerprint(&mut fp, *n, &range, term.models.len());
                let listed = Some(term.models[range].to_vec());
                if self.has_items {
                    items = listed;
                } else {
                    rows = listed;
                }
                Cow::Borrowed("taxonomy_term.html")
            }
            Job::NotFound => Cow::Borrowed("404.html"),
        };
        fp.str(&template);
        for (name, value) in &parts {
            fp.str(name).json(value);
        }
        if finder {
            fp.u64(self.finder.fingerprint);
        }
        if let Some(rows) = &rows {
            fp.u64(rows.len() as u64);
            for &i in rows {
                fp.u64(self.list_hashes[i][0]);
            }
        }
        if let Some(items) = &items {
            fp.u64(items.len() as u64);
            for &i in items {
                fp.u64(self.list_hashes[i][1]);
            }
        }
        if let Job::Model(i) = job {
            fp.u64(self.models[*i].value_hash);
        }
        let fingerprint = fp.finish();
        if self.memo.jobs.get(&job_key(&key)) == Some(&fingerprint) {
            return Ok(JobOutput {
                key,
                fingerprint,
                outputs: None,
                checks,
                prose: model_prose,
            });
        }

        // Make the page. A list's values were fingerprinted by what they
        // are made from; they are made only now.
        match job {
            Job::Catalog(n) => {
                parts.push(("pager", self.pager("models/", *n, c.models.len())));
                parts.push(("model_count", json!(c.models.len())));
                parts.push(("browse_limit", json!(BROWSE_LIMIT)));
            }
            Job::Term(t, i, n) => {
                let tax = &c.taxonomies[*t];
                let term = &tax.terms[*i];
                parts.push(("taxonomy", taxonomy_value(c, tax)));
                parts.push(("term", term_value(c, tax, term)));
                let path = Catalog::term_path(tax.id, &term.slug);
                parts.push(("pager", self.pager(&path, *n, term.models.len())));
                parts.push(("model_count", json!(term.models.len())));
            }
            _ => {}
        }
        let mut ctx = self.base.clone();
        ctx.insert("current_url", &c.config.url(&path));
        ctx.insert("current_path", &path);
        if let Some(p) = page {
            match rendered {
                Some(r) => {
                    let toc = r.toc_shown(p.source.front.toc);
                    ctx.insert("page", &page_value(c, p, &r.html, toc));
                }
                None if !first_page => ctx.insert("page", &page_value(c, p, "", &[])),
                None => {}
            }
        }
        for (name, value) in &parts {
            ctx.insert(*name, value);
        }
        if finder {
            ctx.insert("taxonomies", &self.finder.taxonomies);
            ctx.insert("facets", &self.finder.facets);
        }
        if let Some(rows) = &rows {
            ctx.insert("model_rows", &self.joined(rows, |e| &e.row_html));
        }
        if let Some(items) = &items {
            ctx.insert("model_items", &self.joined(items, |e| &e.item_html));
        }
        let source: Option<(PathBuf, SourceText)> = match job {
            Job::Model(i) => {
                let m = &c.models[*i];
                let value = model_value(c, *i);
                let value = match rendered {
                    Some(r) => with_prose(value, r.html.clone(), r.toc_shown(None)),
                    None => with_prose(value, String::new(), &[]),
                };
                ctx.insert("model", &value);
                if c.config.json_ld {
                    ctx.insert("json_ld", &model_json_ld(c, *i));
                }
                Some((m.file.clone(), SourceText::InSite(self.site_root.clone())))
            }
            _ => page.map(|p| {
                let text = p.source.text().unwrap_or_default();
                (p.source.file.clone(), SourceText::Held(text))
            }),
        };
        let mut html = self.render_template(&template, &ctx)?;
        if !matches!(job, Job::NotFound) {
            html = relative::portable(html, &key, &self.catalog.config.base_url);
        }
        let doc = Document {
            file: key.clone(),
            html,
            origin: Origin {
                source,
                template: self.templates.file_of(&template),
            },
        };
        let mut outputs = Vec::new();
        for doc in self.with_aliases(doc, page.filter(|_| first_page)) {
            outputs.push(emit(doc).map_err(|e| vec![e])?);
        }
        Ok(JobOutput {
            key,
            fingerprint,
            outputs: Some(outputs),
            checks,
            prose: model_prose,
        })
    }

    /// The rows of a list of `rows` models that its page `number` shows.
    fn page_rows(&self, number: usize, rows: usize) -> std::ops::Range<usize> {
        let size = self.catalog.config.catalog.page_size;
        let start = ((number - 1) * size).min(rows);
        start..(start + size).min(rows)
    }

    /// Adds to `fp` everything [`Renderer::pager`] makes its value from,
    /// but the list's path (in the job's key) and the site's address (in
    /// the base fingerprint).
    fn pager_fingerprint(
        &self,
        fp: &mut Fingerprint,
        number: usize,
        shown: &std::ops::Range<usize>,
        rows: usize,
    ) {
        fp.u64(number as u64)
            .u64(self.catalog.page_count(rows) as u64)
            .u64(self.catalog.config.catalog.page_size as u64)
            .u64(shown.start as u64)
            .u64(shown.end as u64)
            .u64(rows as u64);
    }

    /// The pager of page `number` of the list at `path` with `rows` models.
    fn pager(&self, path: &str, number: usize, rows: usize) -> Value {
        let shown = self.page_rows(number, rows);
        let pages = self.catalog.page_count(rows);
        pager_value(&self.catalog.config, path, number, pages, shown, rows)
    }

    /// The table rows or list items (`part`) of the models `indices`, in
    /// that order, one a line.
    fn joined(&self, indices: &[usize], part: impl Fn(&ModelEntry) -> &str) -> String {
        let len: usize = indices
            .iter()
            .map(|&i| part(&self.models[i]).len() + 1)
            .sum();
        let mut out = String::with_capacity(len);
        for &i in indices {
            out.push_str(part(&self.models[i]));
            out.push('\n');
        }
        out
    }

    /// The rendered prose of model `index`, `source`: first from where the
    /// memo has it in catalog order, else as [`Renderer::markdown`] finds it.
    fn model_prose(&self, index: usize, source: &PageSource) -> Arc<MarkdownEntry> {
        if let Some(Some((known, entry))) = self.memo.prose_in_order.get(index)
            && std::ptr::eq(Arc::as_ptr(known), source)
            && self.markdown_is_current(entry, source)
        {
            return entry.clone();
        }
        self.markdown(source)
    }

    /// The rendered Markdown of `source`, from the memo when nothing it
    /// depends on changed.
    fn markdown(&self, source: &PageSource) -> Arc<MarkdownEntry> {
        if let Some(entry) = self.memo.markdown.get(source.file.as_os_str())
            && self.markdown_is_current(entry, source)
        {
            return entry.clone();
        }
        let links = Mutex::new(Vec::new());
        let used_shortcodes = std::sync::atomic::AtomicBool::new(false);
        let resolve = |target: &str| {
            let r = self.resolve_link(target);
            if let Ok(mut l) = links.lock() {
                l.push((target.to_string(), r.clone()));
            }
            r
        };
        let shortcode = |name: &str, args: &ShortcodeArgs| {
            used_shortcodes.store(true, std::sync::atomic::Ordering::Relaxed);
            self.shortcode(name, args)
        };
        let result = source.text().map_err(|e| vec![e]).and_then(|text| {
            markdown::render(&MarkdownEnv {
                file: &source.file,
                text: &text,
                body_start: source.body_start,
                resolve_link: &resolve,
                shortcode: &shortcode,
                html: self.catalog.config.markdown.html,
            })
        });
        let hash = match &result {
            Ok(r) => Fingerprint::new()
                .str(&r.html)
                .json(&r.toc)
                .u64(r.words as u64)
                .finish(),
            Err(_) => 0,
        };
        let entry = Arc::new(MarkdownEntry {
            text_hash: source.hash,
            env: self.markdown_env,
            links: links.into_inner().unwrap_or_default(),
            link_targets: self.link_targets,
            shortcodes: used_shortcodes.into_inner().then_some(self.shortcode_fp),
            result,
            hash,
        });
        if self.memo.keep
            && let Ok(mut fresh) = self.fresh_markdown.lock()
        {
            fresh.push((source.file.clone(), entry.clone()));
        }
        entry
    }

    fn markdown_is_current(&self, entry: &MarkdownEntry, source: &PageSource) -> bool {
        entry.text_hash == source.hash
            && entry.env == self.markdown_env
            && entry.shortcodes.is_none_or(|fp| fp == self.shortcode_fp)
            && (entry.link_targets == self.link_targets
                || entry
                    .links
                    .iter()
                    .all(|(target, was)| self.resolve_link(target) == *was))
    }

    fn checks(&self, source: &PageSource, rendered: &Rendered) -> Vec<FragmentCheck> {
        if rendered.fragment_links.is_empty() {
            return Vec::new();
        }
        // The text, for the messages; it was just read to render the page.
        let text = source.text().unwrap_or_default();
        rendered
            .fragment_links
            .iter()
            .cloned()
            .map(|link| FragmentCheck {
                file: source.file.clone(),
                text: text.clone(),
                link,
            })
            .collect()
    }

    fn render_template(&self, name: &str, ctx: &Context) -> Result<String, Vec<SiteError>> {
        self.templates
            .tera
            .render(name, ctx)
            .map_err(|e| vec![self.templates.render_error(name, &e)])
    }

    /// The document plus a redirect page for each of the page's aliases.
    fn with_aliases(&self, doc: Document, page: Option<&Page>) -> Vec<Document> {
        let mut docs = vec![doc];
        if let Some(page) = page {
            let target = self.catalog.config.url(&page.path);
            for alias in &page.source.front.aliases {
                let alias = alias.trim_start_matches('/');
                let file = if alias.ends_with(".html") {
                    alias.to_string()
                } else if alias.is_empty() || alias.ends_with('/') {
                    file_for(alias)
                } else {
                    file_for(&format!("{alias}/"))
                };
                let html = redirect_html(&target, &relative::link(&file, &page.path));
                docs.push(Document {
                    file,
                    html,
                    origin: Origin {
                        source: Some((
                            page.source.file.clone(),
                            SourceText::Held(page.source.text().unwrap_or_default()),
                        )),
                        template: Arc::from(Path::new("(alias redirect)")),
                    },
                });
            }
        }
        docs
    }

    /// `@/models/<id>.md` or `@/<path>.md` -> (URL, URL path).
    fn resolve_link(&self, target: &str) -> Result<(String, String), Problem> {
        let c = self.catalog;
        let rel = target.trim_start_matches("@/");
        if let Some(id) = rel
            .strip_prefix("models/")
            .and_then(|r| r.strip_suffix(".md"))
            && !id.contains('/')
            && id != "index"
            && id != "_index"
        {
            return match c.by_id.get(id) {
                Some(&i) => {
                    let path = c.models[i].path.clone();
                    Ok((c.config.url(&path), path))
                }
                None => Err((
                    format!("the link `{target}` names model `{id}`, which is not in the catalog"),
                    Some(did_you_mean(id, c.by_id.keys().map(String::as_str)).unwrap_or_else(|| {
                        format!("models are the files in data/models/; add data/models/{id}.yaml or fix the link")
                    })),
                )),
            };
        }
        match self.pages_by_file.get(rel) {
            Some(&i) => {
                let path = c.pages[i].path.clone();
                Ok((c.config.url(&path), path))
            }
            None => Err((
                format!("the link `{target}` names a page that does not exist (site/{rel})"),
                Some(
                    closest(rel, self.pages_by_file.keys().map(String::as_str))
                        .map(|c| format!("did you mean `@/{c}`?"))
                        .unwrap_or_else(|| {
                            "`@/` links name a file under site/, e.g. `@/guides/choosing.md`"
                                .to_string()
                        }),
                ),
            )),
        }
    }

    fn shortcode(&self, name: &str, args: &ShortcodeArgs) -> Result<String, Problem> {
        let c = self.catalog;
        match name {
            "models" => {
                let filters: Vec<(String, String)> = args.clone();
                let mut matched = Vec::new();
                let mut fields: Option<Vec<String>> = None;
                for (i, entry) in self.models.iter().enumerate() {
                    let view = entry.filter(|| model_value(c, i));
                    if fields.is_none() {
                        fields = Some(view.fields());
                    }
                    if view.matches(&filters) {
                        matched.push(i);
                    }
                }
                if let Some(fields) = &fields {
                    for (key, _) in &filters {
                        if !fields.contains(key) {
                            return Err((
                                format!("`models()` cannot filter on `{key}`"),
                                Some(
                                    did_you_mean(key, fields.iter().map(String::as_str))
                                        .unwrap_or_else(|| {
                                            format!(
                                                "filter on a model field: {}",
                                                fields.join(", ")
                                            )
                                        }),
                                ),
                            ));
                        }
                    }
                }
                let shown = matched.len().min(c.config.catalog.page_size);
                let see_all = crate::columns::term_page(c, &filters)
                    .map(|path| c.config.url(&path))
                    .or_else(|| {
                        crate::columns::catalog_query(&filters).map(|q| {
                            let url = c.config.url("models/");
                            if q.is_empty() {
                                url
                            } else {
                                format!("{url}?{q}")
                            }
                        })
                    });
                let mut ctx = self.base.clone();
                ctx.insert(
                    "model_rows",
                    &self.joined(&matched[..shown], |e| &e.row_html),
                );
                ctx.insert("model_count", &matched.len());
                ctx.insert("shown_count", &shown);
                ctx.insert("see_all", &see_all);
                ctx.insert("args", &filters.iter().cloned().collect::<HashMap<_, _>>());
                self.shortcode_template("shortcodes/models.html", &ctx)
            }
            "model" => {
                let Some((_, id)) = args.iter().find(|(k, _)| k == "id") else {
                    return Err((
                        "`model()` needs an `id`".to_string(),
                        Some("write {{ model(id=\"bert-base-uncased\") }}".to_string()),
                    ));
                };
                let Some(&i) = c.by_id.get(id) else {
                    return Err((
                        format!("`model(id=\"{id}\")` names a model that is not in the catalog"),
                        did_you_mean(id, c.by_id.keys().map(String::as_str)),
                    ));
                };
                let mut ctx = self.base.clone();
                ctx.insert("model", &with_prose(model_value(c, i), String::new(), &[]));
                self.shortcode_template("shortcodes/model.html", &ctx)
            }
            other => Err((
                format!("unknown shortcode `{other}`"),
                Some(did_you_mean(other, ["models", "model"]).unwrap_or_else(|| {
                    "the shortcodes are `models(field=\"value\", ...)` and `model(id=\"...\")`"
                        .to_string()
                })),
            )),
        }
    }

    fn shortcode_template(&self, name: &str, ctx: &Context) -> Result<String, Problem> {
        self.templates
            .tera
            .render(name, ctx)
            .map(|html| html.trim().to_string())
            .map_err(|e| {
                let err = self.templates.render_error(name, &e);
                (err.to_string(), err.hint.clone())
            })
    }
}

/// The column table with the licence column's label in the site's word
/// (`[text] licence`).
fn with_site_words(mut columns: Value, text: &crate::config::TextConfig) -> Value {
    if let Some(list) = columns.as_array_mut() {
        for c in list.iter_mut().filter(|c| c["key"] == "license") {
            c["label"] = json!(crate::config::capitalized(&text.licence));
        }
    }
    columns
}

/// Every model's entry, in catalog order: from the memo when the model,
/// everything it shows of other models and files, and the templates are
/// unchanged; made anew otherwise. Also returns the indices made anew.
fn model_entries(
    catalog: &Catalog,
    templates: &Templates,
    memo: &Memo,
    env: u64,
) -> Result<(Vec<Arc<ModelEntry>>, Vec<usize>), Errors> {
    if !templates.has(ROW_TEMPLATE) {
        // Only a theme folder can lack it: the built-in theme has it.
        let theme_dir = match &templates.theme {
            templates::ThemeSource::Folder(dir) => dir
                .strip_prefix(&catalog.config.root)
                .unwrap_or(dir)
                .to_path_buf(),
            templates::ThemeSource::BuiltIn => PathBuf::new(),
        };
        return Err(SiteError::new(format!("the theme has no `{ROW_TEMPLATE}`"))
            .in_file(theme_dir.join("templates").join(ROW_TEMPLATE))
            .hint("model tables are made of this template's rows, one per model, given `m` (a model row); copy it from the default theme (`modelsite init` writes it)")
            .into());
    }
    let mut data_files = Fingerprint::new();
    data_files.u64(env);
    for f in &catalog.data_files {
        data_files.str(&f.path.to_string_lossy()).str(&f.text);
    }
    let data_files = data_files.finish();
    let c = catalog;
    let has_items = templates.has(ITEM_TEMPLATE);
    let results: Vec<Result<(Arc<ModelEntry>, bool), SiteError>> = (0..c.models.len())
        .into_par_iter()
        .map(|i| {
            let m = &c.models[i];
            let mut key = Fingerprint::new();
            key.u64(data_files)
                .str(&m.id)
                .str(&m.file.to_string_lossy());
            let named = |key: &mut Fingerprint, j: usize| {
                key.str(&c.models[j].id).str(&c.models[j].data.name);
            };
            for b in &m.data.base_model.0 {
                if let Some(&j) = c.by_id.get(b) {
                    named(&mut key, j);
                }
            }
            key.u64(0);
            for &j in &m.derived {
                named(&mut key, j);
            }
            key.u64(0);
            if let Some(&j) = m.data.new_version.as_ref().and_then(|n| c.by_id.get(n)) {
                named(&mut key, j);
            }
            key.u64(0);
            for &j in &m.superseded {
                named(&mut key, j);
            }
            let key = key.finish();
            let known = memo
                .models_in_order
                .get(i)
                .filter(|e| Arc::ptr_eq(&e.data, &m.data))
                .or_else(|| memo.models.get(&m.id));
            if let Some(entry) = known
                && entry.key == key
                && Arc::ptr_eq(&entry.data, &m.data)
            {
                return Ok((entry.clone(), false));
            }
            let value = model_value(c, i);
            let mut ctx = Context::new();
            ctx.insert("m", &row_value(&value));
            let mut value_hash = Fingerprint::new();
            value_hash.json(&value);
            if c.config.json_ld {
                value_hash.str(&model_json_ld(c, i));
            }
            let value_hash = value_hash.finish();
            drop(value);
            let render = |name: &str| {
                templates
                    .tera
                    .render(name, &ctx)
                    .map(|html| html.trim().to_string())
                    .map_err(|e| templates.render_error(name, &e))
            };
            let row_html = render(ROW_TEMPLATE)?;
            let item_html = if has_items {
                render(ITEM_TEMPLATE)?
            } else {
                String::new()
            };
            Ok((
                Arc::new(ModelEntry {
                    data: m.data.clone(),
                    key,
                    value_hash,
                    row_hash: hash_bytes(row_html.as_bytes()),
                    item_hash: hash_bytes(item_html.as_bytes()),
                    filter: OnceLock::new(),
                    row_html,
                    item_html,
                }),
                true,
            ))
        })
        .collect();
    let mut errors = Errors::default();
    let mut entries = Vec::with_capacity(results.len());
    let mut fresh = Vec::new();
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Ok((entry, is_fresh)) => {
                if is_fresh {
                    fresh.push(i);
                }
                entries.push(entry);
            }
            Err(e) => {
                // A template error is the same for every row: report it once.
                if !errors.0.iter().any(|x| x.to_string() == e.to_string()) {
                    errors.push(e);
                }
            }
        }
    }
    errors.into_result((entries, fresh))
}

/// Every page's `template:` must exist.
fn check_page_templates(catalog: &Catalog, templates: &Templates) -> Result<(), Errors> {
    let mut errors = Errors::default();
    for page in &catalog.pages {
        if let Some(t) = &page.source.front.template
            && !templates.has(t)
        {
            let text = page.source.text().unwrap_or_default();
            let yaml = crate::source::data::YamlFile {
                path: page.source.file.clone(),
                text: text.clone(),
            };
            let (line, column) = yaml.locate(&[]);
            let (line, column) = text
                .lines()
                .position(|l| l.trim_start().starts_with("template:"))
                .map_or((line, column), |i| (i + 1, 11));
            let mut names: Vec<&str> = templates.origins.keys().map(String::as_str).collect();
            names.sort();
            errors.push(
                SiteError::new(format!("template `{t}` does not exist"))
                    .at(&page.source.file, line, column)
                    .with_source(text.clone())
                    .hint(
                        did_you_mean(t, names.iter().copied())
                            .unwrap_or_else(|| format!("the templates are: {}", names.join(", "))),
                    ),
            );
        }
    }
    errors.into_result(())
}

fn sort_pages(pages: &mut [&Page]) {
    pages.sort_by(|a, b| {
        a.source
            .front
            .weight
            .cmp(&b.source.front.weight)
            .then_with(|| a.title().to_lowercase().cmp(&b.title().to_lowercase()))
    });
}

fn guides(catalog: &Catalog) -> Vec<Value> {
    let mut pages: Vec<&Page> = catalog
        .pages
        .iter()
        .filter(|p| p.standalone && p.path.starts_with("guides/") && p.path != "guides/")
        .collect();
    sort_pages(&mut pages);
    pages.iter().map(|p| page_summary(catalog, p)).collect()
}

/// The template of a tool page: `compare/` -> `compare.html`.
fn tool_template(path: &str) -> String {
    format!("{}.html", path.trim_end_matches('/'))
}

fn nav(catalog: &Catalog, tools: &[&str]) -> Vec<Value> {
    let c = &catalog.config;
    let mut nav = Vec::new();
    if catalog.page_at("guides/").is_some() || catalog.sections.iter().any(|s| s == "guides/") {
        nav.push(json!({ "title": "Guides", "url": c.url("guides/") }));
    }
    nav.push(json!({ "title": "Catalog", "url": c.url("models/") }));
    if tools.contains(&"choose/") {
        nav.push(json!({ "title": "Choose a model", "url": c.url("choose/") }));
    } else if catalog.page_at("guides/choosing/").is_some() {
        nav.push(json!({ "title": "Choose a model", "url": c.url("guides/choosing/") }));
    }
    if catalog.page_at("about/").is_some() {
        nav.push(json!({ "title": "About", "url": c.url("about/") }));
    }
    nav
}

/// A page that sends the browser to `target`, relative to the page, whose
/// published address is `canonical` (for `aliases`).
fn redirect_html(canonical: &str, target: &str) -> String {
    let c = markdown::escape_attr(canonical);
    let t = markdown::escape_attr(target);
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Moved</title>\
<link rel=\"canonical\" href=\"{c}\"><meta http-equiv=\"refresh\" content=\"0; url={t}\"></head>\
<body><p>This page has moved to <a href=\"{t}\">{c}</a>.</p></body></html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::{BuildOptions, load};

    fn this_site() -> (Catalog, Templates) {
        let options = BuildOptions {
            root: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
            overrides: Default::default(),
            write_output: false,
            check_external: false,
            strict: false,
            show_progress: false,
        };
        load(&options).unwrap_or_else(|e| panic!("this repository's site loads: {e:?}"))
    }

    fn pages_holding_prose(memo: &mut Memo) -> usize {
        let (catalog, templates) = this_site();
        let rendering = render_site(&catalog, &templates, memo, &|_doc| Ok(()))
            .unwrap_or_else(|e| panic!("this repository's site renders: {e:?}"));
        rendering.jobs.iter().filter(|j| j.prose.is_some()).count()
    }

    #[test]
    fn only_rebuilds_keep_each_model_pages_prose() {
        // A one-off build must not hold every model's rendered prose until
        // rendering ends: at 100,000 models that is about half a gigabyte.
        assert_eq!(pages_holding_prose(&mut Memo::default()), 0);
        let (catalog, _) = this_site();
        let with_prose = catalog.models.iter().filter(|m| m.prose.is_some()).count();
        assert!(with_prose > 0);
        assert_eq!(pages_holding_prose(&mut Memo::for_rebuilds()), with_prose);
    }
}
