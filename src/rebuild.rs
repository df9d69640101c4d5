//! Rebuilding while serving: the sources, templates, memo and output state
//! of one site kept between builds, and a rebuild that re-reads only the
//! changed files, renders only the pages whose inputs changed, and writes
//! only the files whose bytes changed.
//!
//! The result is the same, byte for byte, as a full build of the same
//! files. A rebuild that fails leaves the output folder as it was; the
//! next one compares against that last good output.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::build::{BuildOptions, BuildReport, OutputState, Timings, build_staged, sorted};
use crate::catalog::{self, Catalog};
use crate::config::{CONFIG_FILE, Config};
use crate::error::{Errors, SiteError};
use crate::links::internal::{self, PageLinks, Published};
use crate::output;
use crate::render::{self, Document, Memo, Templates, memo::hash_bytes};
use crate::source::SourceFiles;

/// One site, built once and then rebuilt after each change.
pub struct Session {
    options: BuildOptions,
    /// The site folder, as given and as an absolute path (the watcher
    /// reports absolute paths).
    root_abs: PathBuf,
    config: Config,
    sources: SourceFiles,
    templates: Option<Templates>,
    memo: Memo,
    /// The output folder as the last good build left it; `None` until a
    /// build succeeds, and the next build is then a full one.
    output: Option<OutputState>,
}

/// What a rebuild did.
#[derive(Debug)]
pub struct Rebuilt {
    pub models: usize,
    pub pages: usize,
    /// Pages rendered again (the others were unchanged).
    pub rendered: usize,
    /// Files written because their bytes changed.
    pub written: usize,
    pub removed: usize,
    /// Whether everything was built again into a fresh folder (the first
    /// build, a configuration change, or the first good build after errors).
    pub full: bool,
    pub elapsed: Duration,
    pub warnings: Vec<SiteError>,
}

impl Session {
    /// Reads the configuration and every source file; builds nothing yet.
    pub fn new(options: &BuildOptions) -> Result<Session, Errors> {
        let config = Config::load(&options.root, &options.overrides)?;
        let root_abs = options
            .root
            .canonicalize()
            .unwrap_or_else(|_| options.root.clone());
        let sources = SourceFiles::scan(&config.root);
        Ok(Session {
            options: options.clone(),
            root_abs,
            config,
            sources,
            templates: None,
            memo: Memo::for_rebuilds(),
            output: None,
        })
    }

    /// Builds everything into a fresh folder and swaps it in.
    pub fn build_all(&mut self) -> Result<BuildReport, Errors> {
        let started = Instant::now();
        let mut timings = Timings::new();
        let catalog = self.resolve(true)?;
        timings.lap("read and resolve");
        let templates = self
            .templates
            .as_ref()
            .ok_or_else(|| Errors::from(SiteError::new("the templates are not loaded")))?;
        let (report, state) = build_staged(
            &self.options,
            &catalog,
            templates,
            &mut self.memo,
            started,
            timings,
        )?;
        self.output = Some(state);
        Ok(report)
    }

    /// Takes in the changed paths (absolute, or relative to the site
    /// folder) and brings the output folder up to date.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Rebuilt, Errors> {
        let started = Instant::now();
        let mut config_changed = false;
        let mut templates_changed = false;
        let mut static_changed = false;
        let config_file = self
            .options
            .overrides
            .config_file
            .clone()
            .unwrap_or_else(|| PathBuf::from(CONFIG_FILE));
        let mut source_paths = Vec::new();
        for path in changed {
            let rel = self.relative(path);
            if rel == config_file {
                config_changed = true;
            } else if rel.starts_with("static") || is_theme_static(&rel) {
                static_changed = true;
            } else if rel.starts_with("templates") || rel.starts_with("themes") {
                templates_changed = true;
            } else {
                source_paths.push(rel);
            }
        }
        if config_changed {
            self.config = Config::load(&self.options.root, &self.options.overrides)?;
            self.sources = SourceFiles::scan(&self.config.root);
            self.templates = None;
            self.output = None;
        } else {
            self.sources.update(&source_paths);
        }
        if templates_changed || static_changed {
            self.templates = None;
        }
        if self.output.is_none() {
            let report = self.build_all()?;
            return Ok(Rebuilt {
                models: report.models,
                pages: report.pages,
                rendered: report.pages,
                written: report.files,
                removed: 0,
                full: true,
                elapsed: started.elapsed(),
                warnings: report.warnings,
            });
        }
        let catalog = self.resolve(false)?;
        let mut rebuilt = self.apply(&catalog, static_changed)?;
        rebuilt.elapsed = started.elapsed();
        rebuilt.warnings = catalog.warnings;
        Ok(rebuilt)
    }

    fn relative(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root_abs)
            .or_else(|_| path.strip_prefix(&self.options.root))
            .unwrap_or(path)
            .to_path_buf()
    }

    /// The catalog of the current sources, loading the templates if they
    /// are not loaded; the errors of both are reported together.
    fn resolve(&mut self, rescan: bool) -> Result<Catalog, Errors> {
        if rescan {
            self.sources = SourceFiles::scan(&self.config.root);
        }
        let mut errors = Errors::default();
        if self.templates.is_none() {
            match render::templates::load(&self.config) {
                Ok(t) => self.templates = Some(t),
                Err(e) => errors.extend(e),
            }
        }
        let catalog = self
            .sources
            .assemble()
            .and_then(|s| catalog::resolve(&self.config, s));
        match catalog {
            Ok(c) if errors.is_empty() => Ok(c),
            Ok(_) => Err(errors),
            Err(e) => {
                errors.0.splice(0..0, e.0);
                Err(errors)
            }
        }
    }

    /// Renders the pages whose inputs changed, checks links, and writes
    /// what changed into the output folder.
    fn apply(&mut self, catalog: &Catalog, static_changed: bool) -> Result<Rebuilt, Errors> {
        let Some(templates) = self.templates.as_ref() else {
            return Err(SiteError::new("the templates are not loaded").into());
        };
        let Some(state) = self.output.as_ref() else {
            return Err(SiteError::new("there is no earlier build to update").into());
        };
        let minify = catalog.config.minify;
        let emit = |doc: Document| -> Result<(PageLinks, Vec<u8>), SiteError> {
            let links = internal::extract(&doc.file, &doc.html, doc.origin);
            Ok((links, output::html_bytes(minify, doc.html)))
        };
        let rendering = render::render_site(catalog, templates, &mut self.memo, &emit)?;

        // The pages as they will be: new ones where rendered, else as they were.
        let mut rendered_links: HashMap<String, PageLinks> = HashMap::new();
        let mut writes: Vec<(String, Vec<u8>)> = Vec::new();
        let mut job_files: HashMap<String, Vec<String>> = HashMap::new();
        let mut fragment_checks = Vec::new();
        let mut fingerprints = Vec::with_capacity(rendering.jobs.len());
        for job in rendering.jobs {
            let files = match job.outputs {
                Some(docs) => {
                    let mut files = Vec::with_capacity(docs.len());
                    for (links, bytes) in docs {
                        files.push(links.file.clone());
                        writes.push((links.file.clone(), bytes));
                        rendered_links.insert(links.file.clone(), links);
                    }
                    files
                }
                None => state.job_files.get(&job.key).cloned().unwrap_or_default(),
            };
            fragment_checks.extend(job.checks);
            fingerprints.push((job.key.clone(), job.fingerprint));
            job_files.insert(job.key, files);
        }
        let html_files: HashSet<&str> = job_files.values().flatten().map(String::as_str).collect();
        let pages: Vec<&PageLinks> = html_files
            .iter()
            .filter_map(|f| rendered_links.get(*f).or_else(|| state.links.get(*f)))
            .collect();

        let statics: Vec<(String, Vec<u8>)> = if static_changed {
            output::static_files(&catalog.config, &templates.theme)
                .into_iter()
                .map(|(name, f)| f.bytes().map(|b| (name, b.into_owned())))
                .collect::<Result<_, SiteError>>()?
        } else {
            Vec::new()
        };
        let static_names: Vec<String> = if static_changed {
            statics.iter().map(|(n, _)| n.clone()).collect()
        } else {
            state.static_files.clone()
        };
        let site_files = output::site_files(
            catalog,
            &rendering.models,
            &crate::build::sitemap_pages(pages.iter().copied()),
        );

        // Files that are gone, and pages whose ids changed, may break links
        // on pages that were not rendered again: then every page is checked.
        let mut now_published: HashSet<&str> = html_files.clone();
        now_published.extend(static_names.iter().map(String::as_str));
        now_published.extend(site_files.iter().map(|(n, _)| n.as_str()));
        let removed: Vec<String> = state
            .files
            .keys()
            .filter(|f| !now_published.contains(f.as_str()))
            .cloned()
            .collect();
        let ids_changed = rendered_links
            .values()
            .any(|p| state.links.get(&p.file).is_some_and(|old| old.ids != p.ids));
        let other: Vec<&str> = static_names
            .iter()
            .map(String::as_str)
            .chain(site_files.iter().map(|(n, _)| n.as_str()))
            .collect();
        let published = Published::new(pages.iter().copied(), other.iter().copied());
        let to_check: Vec<&PageLinks> = if removed.is_empty() && !ids_changed {
            sorted(rendered_links.values())
        } else {
            sorted(pages.iter().copied())
        };
        internal::check_pages(
            to_check,
            &published,
            &fragment_checks,
            &catalog.config.base_url,
            &catalog.config.base_path,
        )?;

        // Everything checks: write what changed.
        let out_dir = catalog.config.output_dir.clone();
        let mut written = 0;
        let mut new_hashes: Vec<(String, u64)> = Vec::new();
        for (name, bytes) in writes.iter().chain(&statics).chain(&site_files) {
            if output::write_if_changed(&out_dir, name, bytes, state.files.get(name).copied())? {
                written += 1;
                new_hashes.push((name.clone(), hash_bytes(bytes)));
            }
        }
        for name in &removed {
            output::remove_output_file(&out_dir, name)?;
        }

        let rendered = rendered_links.len();
        let page_count = pages.len();
        drop(pages);
        let Some(state) = self.output.as_mut() else {
            return Err(SiteError::new("there is no earlier build to update").into());
        };
        for name in &removed {
            state.files.remove(name);
            state.links.remove(name);
        }
        state.files.extend(new_hashes);
        state.links.extend(rendered_links);
        state.job_files = job_files;
        state.static_files = static_names;
        self.memo
            .remember_jobs(fingerprints.iter().map(|(k, f)| (k.as_str(), *f)));
        Ok(Rebuilt {
            models: catalog.models.len(),
            pages: page_count,
            rendered,
            written,
            removed: removed.len(),
            full: false,
            elapsed: Duration::ZERO,
            warnings: Vec::new(),
        })
    }
}

/// `themes/<name>/static/...`
fn is_theme_static(rel: &Path) -> bool {
    let mut parts = rel.components();
    parts.next().is_some_and(|c| c.as_os_str() == "themes")
        && parts.next().is_some()
        && parts.next().is_some_and(|c| c.as_os_str() == "static")
}
