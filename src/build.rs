//! One build, start to finish: configuration, sources, catalog, templates,
//! rendering into a staging folder, site-wide files, the internal link
//! check, and the swap into the output folder.
//!
//! This is the only module that calls every stage; each stage knows only
//! the one before it.

use rustc_hash::FxHashMap as HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::catalog::{self, Catalog};
use crate::columns;
use crate::config::{Config, Overrides};
use crate::error::{Errors, SiteError};
use crate::links::external::{self, LinkReport};
use crate::links::internal::{self, Kept, PageLinks, PublishedFiles};
use crate::output::{self, Staging};
use crate::render::{self, Document, Memo, Templates};
use crate::search;
use crate::source;

/// What to build and how.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub overrides: Overrides,
    /// False for `check`: build and verify, then throw the result away.
    pub write_output: bool,
    /// Check external links (unless `[link_check] external = false`).
    pub check_external: bool,
    /// Broken external links are errors (also `[link_check] strict`).
    pub strict: bool,
    /// Draw a progress bar on standard error while links are checked.
    pub show_progress: bool,
}

/// What a successful build made.
#[derive(Debug)]
pub struct BuildReport {
    pub output_dir: PathBuf,
    pub models: usize,
    pub pages: usize,
    pub files: usize,
    pub warnings: Vec<SiteError>,
    pub elapsed: Duration,
    /// How long each stage took, in order.
    pub timings: Vec<(&'static str, Duration)>,
    /// The external link check, when one ran.
    pub link_report: Option<LinkReport>,
}

/// Loads and resolves the site and its templates, reporting the errors of
/// both together. When the build is to write, first puts right what a
/// killed build left next to the output folder.
pub fn load(options: &BuildOptions) -> Result<(Catalog, Templates), Errors> {
    let config = Config::load(&options.root, &options.overrides)?;
    if options.write_output {
        // Before anything can fail: the previous output is back in place
        // even if this build stops at an error.
        output::recover(&config.output_dir)?;
    }
    let (catalog, templates) = rayon::join(
        || source::read_site(&config).and_then(|s| catalog::resolve(&config, s)),
        || render::templates::load(&config),
    );
    both(catalog, templates)
}

/// The catalog and the templates, or the errors of both, the catalog's
/// first.
pub fn both<T>(
    catalog: Result<Catalog, Errors>,
    templates: Result<T, Errors>,
) -> Result<(Catalog, T), Errors> {
    match (catalog, templates) {
        (Ok(c), Ok(t)) => Ok((c, t)),
        (c, t) => {
            let mut errors = Errors::default();
            if let Err(e) = c {
                errors.extend(e);
            }
            if let Err(e) = t {
                errors.extend(e);
            }
            Err(errors)
        }
    }
}

/// What is in the output folder after a build: every file with the hash
/// of its bytes, the links and ids of every HTML page, and the files of
/// each page (a page and its alias redirects). A rebuild compares against
/// it to write only what changed.
#[derive(Default)]
pub struct OutputState {
    pub files: HashMap<String, u64>,
    pub links: HashMap<String, PageLinks>,
    pub job_files: HashMap<String, Vec<String>>,
    /// The static files' paths.
    pub static_files: Vec<String>,
    /// What `models.json` was made from ([`output::ModelsJson::fingerprint`]).
    pub models_json: u64,
    /// The search index's and catalog data's files, and what they were
    /// made from ([`search::fingerprint`]).
    pub search_files: Vec<String>,
    pub search: u64,
}

/// Builds the site. On any error the previous output folder is untouched.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Errors> {
    let started = Instant::now();
    let mut timings = Timings::new();
    let (catalog, templates) = load(options)?;
    timings.lap("read and resolve");
    let mut memo = Memo::default();
    build_staged(options, &catalog, &templates, &mut memo, started, timings)
        .map(|(report, _)| report)
}

/// Renders every page into a staging folder, checks it, and swaps it in
/// (unless the options say not to write). `memo` keeps the model values
/// and Markdown for later rebuilds; it remembers the pages' fingerprints
/// only when the output was replaced.
pub fn build_staged(
    options: &BuildOptions,
    catalog: &Catalog,
    templates: &Templates,
    memo: &mut Memo,
    started: Instant,
    mut timings: Timings,
) -> Result<(BuildReport, OutputState), Errors> {
    memo.forget_jobs();
    let staging = Staging::create(&catalog.config.output_dir, catalog.config.minify)?;
    let link_check = &catalog.config.link_check;
    let external = options.check_external && link_check.external;
    let kept = if external {
        Kept::All
    } else {
        Kept::SiteOnly {
            base_url: &catalog.config.base_url,
        }
    };
    match build_into(catalog, templates, memo, &staging, kept, &mut timings) {
        Ok(state) => {
            let output_dir = catalog.config.output_dir.clone();
            let link_report = if external {
                let pages = sorted(state.output.links.values());
                match check_external(catalog, &pages, options.show_progress) {
                    Ok(r) => Some(r),
                    Err(e) => {
                        staging.discard();
                        return Err(e.into());
                    }
                }
            } else {
                None
            };
            if link_report.is_some() {
                timings.lap("external links");
            }
            let strict = options.strict || link_check.strict;
            if let Some(r) = &link_report
                && strict
                && options.write_output
                && !r.broken.is_empty()
            {
                staging.discard();
                return Err(Errors(external::as_errors(r)));
            }
            if options.write_output {
                staging.commit()?;
                memo.remember_jobs(state.job_fingerprints());
            } else {
                staging.discard();
            }
            timings.lap("swap output");
            let report = BuildReport {
                output_dir,
                models: catalog.models.len(),
                pages: state.output.links.len(),
                files: state.output.files.len() + state.unlisted_pages,
                warnings: catalog.warnings.clone(),
                elapsed: started.elapsed(),
                timings: timings.laps,
                link_report,
            };
            Ok((report, state.without_fingerprints()))
        }
        Err(e) => {
            staging.discard();
            Err(e)
        }
    }
}

/// Checks the external links of the rendered pages.
fn check_external(
    catalog: &Catalog,
    links: &[&PageLinks],
    show_progress: bool,
) -> Result<LinkReport, SiteError> {
    let config = &catalog.config;
    let data_files: Vec<_> = catalog
        .data_files
        .iter()
        .map(|f| (f.path.clone(), f.text.clone()))
        .collect();
    let found = external::gather(
        links,
        &config.base_url,
        &config.base_path,
        config.link_check.check_fragments,
        &data_files,
    );
    let bar = show_progress.then(|| {
        let bar = indicatif::ProgressBar::new(found.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "checking links {bar:30} {pos}/{len} {elapsed}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let progress = |done: usize, _total: usize| {
        if let Some(bar) = &bar {
            bar.set_position(done as u64);
        }
    };
    let report = external::check(&config.root, &config.link_check, found, &progress);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    report
}

/// Renders everything into `staging` and checks internal links.
fn build_into(
    catalog: &Catalog,
    templates: &Templates,
    memo: &mut Memo,
    staging: &Staging,
    kept: Kept<'_>,
    timings: &mut Timings,
) -> Result<StagedOutput, Errors> {
    let statics = output::static_files(&catalog.config, &templates.theme);
    let mut files: HashMap<String, u64> = output::copy_static(&statics, staging)?
        .into_iter()
        .collect();
    let static_files: Vec<String> = statics.into_iter().map(|(name, _)| name).collect();
    timings.lap("static files");
    let interner = internal::Interner::default();
    let emit = |doc: Document| -> Result<(PageLinks, u64), SiteError> {
        let links = internal::extract_shared(&doc.file, &doc.html, doc.origin, &interner, kept);
        let hash = staging.write_html(&doc.file, doc.html)?;
        Ok((links, hash))
    };
    // The search index is built beside the pages: most of its work is one
    // thread's, so it overlaps with the parallel rendering.
    let (rendering, (search_files, search_took)) = rayon::join(
        || render::render_site(catalog, templates, memo, &emit),
        || {
            let started = Instant::now();
            let files = browser_files(
                catalog,
                &|name, bytes| {
                    staging.write(name, bytes)?;
                    Ok(render::memo::hash_bytes(bytes))
                },
                &|| false,
            );
            (files, started.elapsed())
        },
    );
    let rendering = rendering?;
    let search_files = search_files?;
    timings.lap("render and write pages");
    timings.note("  search index (alongside)", search_took);
    // The shared link texts' index is not needed once every page is read.
    drop(interner);

    let mut state = StagedOutput::default();
    let mut fragment_checks = Vec::new();
    let mut pages: Vec<PageLinks> = Vec::with_capacity(rendering.jobs.len());
    // Which files each page made, their hashes and its fingerprint matter
    // only to the rebuilds of `serve`: a one-off build does not keep them.
    let for_rebuilds = memo.keep;
    for job in rendering.jobs {
        let mut job_files = Vec::new();
        for (links, hash) in job.outputs.unwrap_or_default() {
            if for_rebuilds {
                job_files.push(links.file.clone());
                files.insert(links.file.clone(), hash);
            } else {
                state.unlisted_pages += 1;
            }
            pages.push(links);
        }
        fragment_checks.extend(job.checks);
        if for_rebuilds {
            state.fingerprints.push((job.key.clone(), job.fingerprint));
            state.output.job_files.insert(job.key, job_files);
        }
    }
    let models_json = output::ModelsJson::new(catalog, &rendering.models)?;
    models_json.write(&staging.dir, &|| false)?;
    // Its entry holds what it was made from rather than a hash of its
    // bytes: rebuilds compare that.
    state.output.models_json = models_json.fingerprint();
    files.insert(output::MODELS_JSON.to_string(), state.output.models_json);
    state.output.search =
        search::fingerprint(catalog, rendering.models.iter().map(|m| m.value_hash));
    // What rendering kept of each model is not needed by the rest: free it
    // before the site files and the link check add theirs.
    drop(rendering.models);
    let mut site_files = output::fixed_files(&catalog.config);
    site_files.extend(output::sitemap_files(catalog, &sitemap_pages(&pages)));
    site_files.extend(output::feed_file(catalog));
    for (name, bytes) in &site_files {
        staging.write(name, bytes)?;
        files.insert(name.clone(), render::memo::hash_bytes(bytes));
    }
    let mut site_files: Vec<String> = site_files.into_iter().map(|(name, _)| name).collect();
    site_files.push(output::MODELS_JSON.to_string());
    timings.lap("site files");
    for (name, hash) in &search_files {
        files.insert(name.clone(), *hash);
    }
    state.output.search_files = search_files.iter().map(|(n, _)| n.clone()).collect();
    let other: Vec<&str> = static_files
        .iter()
        .map(String::as_str)
        .chain(site_files.iter().map(String::as_str))
        .chain(search_files.iter().map(|(n, _)| n.as_str()))
        .collect();
    let published = PublishedFiles::new(&pages, other.iter().copied());
    internal::check_pages(
        sorted(&pages),
        &published,
        &fragment_checks,
        &catalog.config.base_url,
        &catalog.config.base_path,
    )?;
    timings.lap("internal links");
    state.output.files = files;
    state.output.static_files = static_files;
    state.output.links = pages.into_iter().map(|p| (p.file.clone(), p)).collect();
    Ok(state)
}

/// The files the theme's scripts read, made from the whole catalog: the
/// search index ([`search::files`]) and the catalog's data
/// ([`columns::files`]). Both depend only on what [`search::fingerprint`]
/// covers.
pub fn browser_files<T: Send>(
    catalog: &Catalog,
    put: &search::Put<T>,
    stop: &search::Stop,
) -> Result<Vec<(String, T)>, SiteError> {
    let (index, data) = rayon::join(
        || search::files(catalog, put, stop),
        || columns::files(catalog, put, stop),
    );
    let mut files = index?;
    files.extend(data?);
    Ok(files)
}

/// The pages listed in the sitemap: every HTML page but the 404 page and
/// alias redirects.
pub fn sitemap_pages<'a>(pages: impl IntoIterator<Item = &'a PageLinks>) -> Vec<&'a str> {
    pages
        .into_iter()
        .filter(|l| {
            l.origin.template.to_string_lossy() != "(alias redirect)" && l.file != "404.html"
        })
        .map(|l| l.file.as_str())
        .collect()
}

/// Pages in the order of their files, so that errors come out in the same
/// order on every run.
pub fn sorted<'a>(pages: impl IntoIterator<Item = &'a PageLinks>) -> Vec<&'a PageLinks> {
    let mut v: Vec<&PageLinks> = pages.into_iter().collect();
    v.sort_by(|a, b| a.file.cmp(&b.file));
    v
}

/// An output state with the pages' fingerprints, before they are known to
/// be kept.
#[derive(Default)]
struct StagedOutput {
    output: OutputState,
    fingerprints: Vec<(String, u64)>,
    /// Pages written but, in a one-off build, not in `output.files`.
    unlisted_pages: usize,
}

impl StagedOutput {
    fn job_fingerprints(&self) -> impl Iterator<Item = (&str, u64)> {
        self.fingerprints.iter().map(|(k, f)| (k.as_str(), *f))
    }

    fn without_fingerprints(self) -> OutputState {
        self.output
    }
}

/// Stage durations, measured lap by lap.
pub struct Timings {
    last: Instant,
    pub laps: Vec<(&'static str, Duration)>,
}

impl Default for Timings {
    fn default() -> Self {
        Timings::new()
    }
}

impl Timings {
    pub fn new() -> Self {
        Timings {
            last: Instant::now(),
            laps: Vec::new(),
        }
    }

    pub fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.laps.push((stage, now - self.last));
        self.last = now;
    }

    /// Records the time of work that ran alongside the current lap.
    pub fn note(&mut self, what: &'static str, took: Duration) {
        self.laps.push((what, took));
    }
}
