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
use crate::links::internal::{self, PageLinks};
use crate::output::{self, Staging};
use crate::render::{self, Document, Templates};
use crate::source;

/// What to build and how.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub overrides: Overrides,
    /// False for `check`: build and verify, then throw the result away.
    pub write_output: bool,
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
    /// Every page's links, for the external check that may follow.
    pub links: Vec<PageLinks>,
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
    let (catalog, templates) = load(options)?;
    let staging = Staging::create(&catalog.config.output_dir, catalog.config.minify)?;
    match build_into(&catalog, &templates, &staging) {
        Ok((files, links)) => {
            let output_dir = catalog.config.output_dir.clone();
            if options.write_output {
                staging.commit()?;
            } else {
                staging.discard();
            }
            Ok(BuildReport {
                output_dir,
                models: catalog.models.len(),
                pages: links.len(),
                files,
                warnings: catalog.warnings,
                elapsed: started.elapsed(),
                links,
            })
        }
        Err(e) => {
            staging.discard();
            Err(e)
        }
    }
}

/// Renders everything into `staging` and checks internal links.
fn build_into(
    catalog: &Catalog,
    templates: &Templates,
    staging: &Staging,
) -> Result<(usize, Vec<PageLinks>), Errors> {
    let static_files = output::copy_static(catalog, &templates.theme, staging)?;
    let emit = |doc: Document| -> Result<PageLinks, SiteError> {
        staging.write_html(&doc.file, &doc.html)?;
        Ok(internal::extract(&doc.file, &doc.html, doc.origin))
    };
    let (links, fragment_checks) = render::render_site(catalog, templates, &emit)?;
    let html_files: Vec<String> = links
        .iter()
        .filter(|l| {
            l.origin.template.to_string_lossy() != "(alias redirect)" && l.file != "404.html"
        })
        .map(|l| l.file.clone())
        .collect();
    let site_files = output::write_site_files(catalog, staging, &html_files)?;
    let mut other_files = static_files;
    other_files.extend(site_files);
    internal::check(
        &links,
        &other_files,
        &fragment_checks,
        &catalog.config.base_url,
        &catalog.config.base_path,
    )?;
    Ok((links.len() + other_files.len(), links))
}
