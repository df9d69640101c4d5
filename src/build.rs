//! One build, start to finish: configuration, sources, catalog, templates,
//! rendering into a staging folder, site-wide files, the internal link
//! check, and the swap into the output folder.
//!
//! This is the only module that calls every stage; each stage knows only
//! the one before it.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::catalog::{self, Catalog};
use crate::config::{Config, Overrides};
use crate::error::{Errors, SiteError};
use crate::links::external::{self, LinkReport};
use crate::links::internal::{self, PageLinks};
use crate::output::{self, Staging};
use crate::render::{self, Document, Templates};
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
/// both together.
pub fn load(options: &BuildOptions) -> Result<(Catalog, Templates), Errors> {
    let config = Config::load(&options.root, &options.overrides)?;
    let (catalog, templates) = rayon::join(
        || source::read_site(&config).and_then(|s| catalog::resolve(&config, s)),
        || render::templates::load(&config),
    );
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

/// Builds the site. On any error the previous output folder is untouched.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Errors> {
    let started = Instant::now();
    let mut timings = Timings::new();
    let (catalog, templates) = load(options)?;
    timings.lap("read and resolve");
    let staging = Staging::create(&catalog.config.output_dir, catalog.config.minify)?;
    match build_into(&catalog, &templates, &staging, &mut timings) {
        Ok((files, links)) => {
            let output_dir = catalog.config.output_dir.clone();
            let link_check = &catalog.config.link_check;
            let link_report = if options.check_external && link_check.external {
                match check_external(&catalog, &links, options.show_progress) {
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
            } else {
                staging.discard();
            }
            timings.lap("swap output");
            Ok(BuildReport {
                output_dir,
                models: catalog.models.len(),
                pages: links.len(),
                files,
                warnings: catalog.warnings,
                elapsed: started.elapsed(),
                timings: timings.laps,
                link_report,
            })
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
    links: &[PageLinks],
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
    staging: &Staging,
    timings: &mut Timings,
) -> Result<(usize, Vec<PageLinks>), Errors> {
    let static_files = output::copy_static(catalog, &templates.theme, staging)?;
    let emit = |doc: Document| -> Result<PageLinks, SiteError> {
        staging.write_html(&doc.file, &doc.html)?;
        Ok(internal::extract(&doc.file, &doc.html, doc.origin))
    };
    timings.lap("static files");
    // The search index is built beside the pages: most of its work is one
    // thread's, so it overlaps with the parallel rendering.
    let (rendered, (search_files, search_took)) = rayon::join(
        || render::render_site(catalog, templates, &emit),
        || {
            let started = Instant::now();
            (search::write(catalog, staging), started.elapsed())
        },
    );
    let (links, fragment_checks) = rendered?;
    let search_files = search_files?;
    timings.lap("render and write pages");
    timings.note("  search index (alongside)", search_took);
    let html_files: Vec<String> = links
        .iter()
        .filter(|l| {
            l.origin.template.to_string_lossy() != "(alias redirect)" && l.file != "404.html"
        })
        .map(|l| l.file.clone())
        .collect();
    let site_files = output::write_site_files(catalog, staging, &html_files)?;
    timings.lap("site files");
    let mut other_files = static_files;
    other_files.extend(site_files);
    other_files.extend(search_files);
    internal::check(
        &links,
        &other_files,
        &fragment_checks,
        &catalog.config.base_url,
        &catalog.config.base_path,
    )?;
    timings.lap("internal links");
    Ok((links.len() + other_files.len(), links))
}

/// Stage durations, measured lap by lap.
struct Timings {
    last: Instant,
    laps: Vec<(&'static str, Duration)>,
}

impl Timings {
    fn new() -> Self {
        Timings {
            last: Instant::now(),
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.laps.push((stage, now - self.last));
        self.last = now;
    }

    /// Records the time of work that ran alongside the current lap.
    fn note(&mut self, what: &'static str, took: Duration) {
        self.laps.push((what, took));
    }
}
