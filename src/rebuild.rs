//! Rebuilding while serving: the sources, templates, memo and output state
//! of one site kept between builds, and a rebuild that re-reads only the
//! changed files, renders only the pages whose inputs changed, and writes
//! only the files whose bytes changed.
//!
//! The result is the same, byte for byte, as a full build of the same
//! files. A rebuild that fails leaves the output folder as it was; the
//! next one compares against that last good output.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::build::{BuildOptions, BuildReport, OutputState, Timings, both, build_staged, sorted};
use crate::catalog::{self, Catalog};
use crate::config::Config;
use crate::error::{Errors, SiteError};
use crate::links::internal::{self, PageLinks, Published};
use crate::output;
use crate::render::{self, Document, Memo, Templates};
use crate::search;
use crate::source::SourceFiles;

/// One site, built once and then rebuilt after each change.
pub struct Session {
    options: BuildOptions,
    /// The site folder, as given and as an absolute path (the watcher
    /// reports absolute paths).
    root_abs: PathBuf,
    /// The configuration file read, with links resolved: the watcher
    /// reports a file outside the site folder by this path.
    config_abs: PathBuf,
    config: Config,
    sources: SourceFiles,
    templates: Option<Templates>,
    memo: Memo,
    /// The output folder as the last good build left it; `None` until a
    /// build succeeds, and the next build is then a full one.
    output: Option<OutputState>,
    /// The catalog of the last good rebuild and its models' value hashes,
    /// for the search index.
    catalog: Option<Catalog>,
    models: Vec<std::sync::Arc<render::memo::ModelEntry>>,
    /// Whether `catalog` is what the sources as last read resolve to: true
    /// after a good build or rebuild, false once one fails (a file other
    /// than the next one saved may then be in error).
    catalog_current: bool,
}

/// What a rebuild did.
#[derive(Debug)]
pub struct Rebuilt {
    pub pages: usize,
    /// Pages rendered again (the others were unchanged).
    pub rendered: usize,
    /// Files written because their bytes changed.
    pub written: usize,
    pub removed: usize,
    pub elapsed: Duration,
    /// How long each stage took, in order.
    pub timings: Vec<(&'static str, Duration)>,
    pub warnings: Vec<SiteError>,
}

impl Session {
    /// Reads the configuration, and puts right what a killed build left
    /// next to the output folder; reads and builds nothing else yet.
    pub fn new(options: &BuildOptions) -> Result<Session, Errors> {
        let config = Config::load(&options.root, &options.overrides)?;
        if options.write_output {
            output::recover(&config.output_dir)?;
        }
        let root_abs = options
            .root
            .canonicalize()
            .unwrap_or_else(|_| options.root.clone());
        let sources = SourceFiles::empty(&config.root);
        let config_abs = canonical(&options.root.join(&config.file));
        Ok(Session {
            options: options.clone(),
            root_abs,
            config_abs,
            config,
            sources,
            templates: None,
            memo: Memo::for_rebuilds(),
            output: None,
            catalog: None,
            models: Vec::new(),
            catalog_current: false,
        })
    }

    /// Reads every file and builds everything into a fresh folder, then
    /// swaps it in.
    pub fn build_all(&mut self) -> Result<BuildReport, Errors> {
        let started = Instant::now();
        let mut timings = Timings::new();
        let catalog = self.resolve(true)?;
        timings.lap("read and resolve");
        let templates = self
            .templates
            .as_ref()
            .ok_or_else(|| Errors::from(SiteError::new("the templates are not loaded")))?;
        // The full build writes the search index itself.
        self.catalog = None;
        self.models.clear();
        let (report, state) = build_staged(
            &self.options,
            &catalog,
            templates,
            &mut self.memo,
            started,
            timings,
        )?;
        self.output = Some(state);
        // Kept for the next save, with the model entries the search index
        // was made from, when the memo has them all.
        let entries: Option<Vec<_>> = catalog
            .models
            .iter()
            .map(|m| self.memo.models.get(&m.id).cloned())
            .collect();
        if let Some(entries) = entries {
            self.models = entries;
            self.catalog = Some(catalog);
            self.catalog_current = true;
        }
        Ok(report)
    }

    /// Takes in the changed paths (absolute, or relative to the site
    /// folder) and brings the whole output folder up to date.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Rebuilt, Errors> {
        let mut rebuilt = self.rebuild_pages(changed)?;
        rebuilt.written += self.update_site_data(&|| false)?.unwrap_or(0);
        Ok(rebuilt)
    }

    /// Brings every page and site file up to date, but not `models.json`,
    /// the search index and the catalog data (see
    /// [`Session::update_site_data`]): made from the whole catalog, they
    /// take longer than everything a single save changes, and no page
    /// waits for them. `serve` reloads browsers after this and updates them
    /// once saves pause.
    pub fn rebuild_pages(&mut self, changed: &[PathBuf]) -> Result<Rebuilt, Errors> {
        let started = Instant::now();
        let catalog_current = std::mem::replace(&mut self.catalog_current, false);
        let mut timings = Timings::new();
        let mut config_changed = false;
        let mut templates_changed = false;
        let mut static_changed = false;
        let mut source_paths = Vec::new();
        for path in changed {
            let rel = self.relative(path);
            // The configuration file read, which `--config` may have named.
            if rel == self.config.file || *path == self.config_abs {
                config_changed = true;
            } else if output::is_static_source(&rel) {
                static_changed = true;
            } else if rel.starts_with("templates") || rel.starts_with("themes") {
                templates_changed = true;
            } else {
                source_paths.push(rel);
            }
        }
        if config_changed {
            self.config = Config::load(&self.options.root, &self.options.overrides)?;
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
                pages: report.pages,
                rendered: report.pages,
                written: report.files,
                removed: 0,
                elapsed: started.elapsed(),
                timings: report.timings,
                warnings: report.warnings,
            });
        }
        timings.lap("read changed files");
        let patched = match catalog_current {
            true => self.patched(&source_paths),
            false => None,
        };
        let (mut catalog, unpatch) = match patched {
            Some(patched) => patched.map(|(c, u)| (c, Some(u)))?,
            None => (self.resolve(false)?, None),
        };
        timings.lap("resolve");
        let result = self.apply(&catalog, static_changed, &mut timings);
        let mut rebuilt = match result {
            Ok(rebuilt) => rebuilt,
            Err(errors) => {
                // The output is still the last good rebuild's: so is the
                // catalog kept.
                if let Some(unpatch) = unpatch {
                    unpatch.restore(&mut catalog);
                    self.catalog = Some(catalog);
                }
                return Err(errors);
            }
        };
        let warnings = std::mem::take(&mut catalog.warnings);
        // Kept for the search index; freeing the previous catalog takes
        // milliseconds that the browser need not wait for.
        if let Some(old) = self.catalog.replace(catalog) {
            std::thread::spawn(move || drop(old));
        }
        self.catalog_current = true;
        rebuilt.elapsed = started.elapsed();
        rebuilt.warnings = warnings;
        rebuilt.timings = timings.laps;
        Ok(rebuilt)
    }

    fn relative(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root_abs)
            .or_else(|_| path.strip_prefix(&self.options.root))
            .unwrap_or(path)
            .to_path_buf()
    }

    /// The last catalog, taken out of the session, with the models of
    /// `changed` read again, when only the facts of models already in it
    /// changed (see [`catalog::patch`]); `None` when the sources must be
    /// resolved. On errors the session keeps the catalog.
    fn patched(
        &mut self,
        changed: &[PathBuf],
    ) -> Option<Result<(Catalog, catalog::Unpatch), Errors>> {
        self.templates.as_ref()?;
        if changed.is_empty() {
            return None;
        }
        let models = changed
            .iter()
            .map(|rel| self.sources.model_at(rel))
            .collect::<Option<Vec<_>>>()?;
        let mut catalog = self.catalog.take()?;
        match catalog::patch(&mut catalog, &models) {
            Some(Ok(unpatch)) => Some(Ok((catalog, unpatch))),
            Some(Err(errors)) => {
                self.catalog = Some(catalog);
                Some(Err(errors))
            }
            None => {
                self.catalog = Some(catalog);
                None
            }
        }
    }

    /// The catalog of the current sources, loading the templates if they
    /// are not loaded; the errors of both are reported together.
    fn resolve(&mut self, rescan: bool) -> Result<Catalog, Errors> {
        if rescan {
            self.sources = SourceFiles::scan(&self.config.root);
        }
        let templates = match self.templates {
            Some(_) => Ok(()),
            None => render::templates::load(&self.config).map(|t| self.templates = Some(t)),
        };
        let catalog = self
            .sources
            .assemble()
            .and_then(|s| catalog::resolve(&self.config, s));
        both(catalog, templates).map(|(c, ())| c)
    }

    /// Renders the pages whose inputs changed, checks links, and writes
    /// what changed into the output folder. Apart from each page's
    /// fingerprint, the work done is proportional to what changed.
    fn apply(
        &mut self,
        catalog: &Catalog,
        static_changed: bool,
        timings: &mut Timings,
    ) -> Result<Rebuilt, Errors> {
        let Some(templates) = self.templates.as_ref() else {
            return Err(SiteError::new("the templates are not loaded").into());
        };
        let Some(state) = self.output.as_ref() else {
            return Err(SiteError::new("there is no earlier build to update").into());
        };
        let minify = catalog.config.minify;
        let interner = internal::Interner::default();
        // A rebuild checks no external link.
        let kept = internal::Kept::SiteOnly {
            base_url: &catalog.config.base_url,
        };
        let emit = |doc: Document| -> Result<(PageLinks, Vec<u8>), SiteError> {
            let links = internal::extract_shared(&doc.file, &doc.html, doc.origin, &interner, kept);
            Ok((links, output::html_bytes(minify, doc.html)))
        };
        let rendering = render::render_site(catalog, templates, &mut self.memo, &emit)?;
        timings.lap("render changed pages");

        // The pages rendered again, and the jobs that are new or gone.
        let mut rendered_links: HashMap<String, PageLinks> = HashMap::default();
        let mut writes: Vec<(String, Vec<u8>)> = Vec::new();
        let mut changed_jobs: Vec<(String, u64, Vec<String>)> = Vec::new();
        let mut fragment_checks = Vec::new();
        let mut pages_added_or_gone = rendering.jobs.len() != state.job_files.len();
        for job in &rendering.jobs {
            if let Some(docs) = &job.outputs {
                let same = state.job_files.get(&job.key).is_some_and(|old| {
                    old.len() == docs.len() && old.iter().zip(docs).all(|(o, (l, _))| *o == l.file)
                });
                pages_added_or_gone |= !same;
            }
        }
        let gone_jobs: Vec<String> = if pages_added_or_gone {
            let keys: HashSet<&str> = rendering.jobs.iter().map(|j| j.key.as_str()).collect();
            state
                .job_files
                .keys()
                .filter(|k| !keys.contains(k.as_str()))
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        for job in rendering.jobs {
            fragment_checks.extend(job.checks);
            let Some(docs) = job.outputs else {
                continue;
            };
            let files: Vec<String> = docs.iter().map(|(l, _)| l.file.clone()).collect();
            for (links, bytes) in docs {
                writes.push((links.file.clone(), bytes));
                rendered_links.insert(links.file.clone(), links);
            }
            changed_jobs.push((job.key, job.fingerprint, files));
        }

        // Files that are no longer made.
        let mut removed: HashSet<String> = HashSet::default();
        for key in gone_jobs
            .iter()
            .chain(changed_jobs.iter().map(|(k, _, _)| k))
        {
            removed.extend(state.job_files.get(key).into_iter().flatten().cloned());
        }
        for (_, _, files) in &changed_jobs {
            for f in files {
                removed.remove(f);
            }
        }

        let mut site_writes: Vec<(String, Vec<u8>)> = Vec::new();
        let mut static_names = state.static_files.clone();
        if static_changed {
            let statics = output::static_files(&catalog.config, &templates.theme);
            let names: HashSet<&str> = statics.iter().map(|(n, _)| n.as_str()).collect();
            for old in &state.static_files {
                if !names.contains(old.as_str()) {
                    removed.insert(old.clone());
                }
            }
            static_names = statics.iter().map(|(n, _)| n.clone()).collect();
            for (name, file) in statics {
                removed.remove(&name);
                site_writes.push((name, file.bytes()?.into_owned()));
            }
        }
        if pages_added_or_gone {
            site_writes.extend(output::sitemap_files(
                catalog,
                &crate::build::sitemap_pages(pages_after(state, &removed, &rendered_links)),
            ));
        }
        site_writes.extend(output::feed_file(catalog));
        timings.lap("site files");

        // Links: the pages rendered again, and every page when a file is
        // gone or a page's ids changed (which may break links on pages that
        // were not rendered again).
        let ids_changed = rendered_links
            .values()
            .any(|p| state.links.get(&p.file).is_some_and(|old| old.ids != p.ids));
        let new_names: HashSet<&str> = site_writes.iter().map(|(n, _)| n.as_str()).collect();
        let published = Overlay {
            rendered: &rendered_links,
            removed: &removed,
            state,
            new_names: &new_names,
        };
        let to_check: Vec<&PageLinks> = if removed.is_empty() && !ids_changed {
            sorted(rendered_links.values())
        } else {
            sorted(pages_after(state, &removed, &rendered_links))
        };
        internal::check_pages(
            to_check,
            &published,
            &fragment_checks,
            &catalog.config.base_url,
            &catalog.config.base_path,
        )?;
        timings.lap("internal links");

        // Everything checks: write what changed, the pages first.
        let out_dir = catalog.config.output_dir.clone();
        let mut written = 0;
        let mut new_hashes: Vec<(String, u64)> = Vec::new();
        for (name, bytes) in writes.iter().chain(&site_writes) {
            if let Some(hash) =
                output::write_if_changed(&out_dir, name, bytes, state.files.get(name).copied())?
            {
                written += 1;
                new_hashes.push((name.clone(), hash));
            }
        }
        for name in &removed {
            output::remove_output_file(&out_dir, name)?;
        }
        timings.lap("write changed files");

        let rendered = rendered_links.len();
        let Some(state) = self.output.as_mut() else {
            return Err(SiteError::new("there is no earlier build to update").into());
        };
        for name in &removed {
            state.files.remove(name);
            state.links.remove(name);
        }
        state.files.extend(new_hashes);
        state.links.extend(rendered_links);
        for key in &gone_jobs {
            state.job_files.remove(key);
        }
        self.memo.forget_job_keys(&gone_jobs);
        for (key, fingerprint, files) in changed_jobs {
            self.memo.remember_job(&key, fingerprint);
            state.job_files.insert(key, files);
        }
        state.static_files = static_names;
        self.models = rendering.models;
        Ok(Rebuilt {
            pages: state.links.len(),
            rendered,
            written,
            removed: removed.len(),
            elapsed: Duration::ZERO,
            timings: Vec::new(),
            warnings: Vec::new(),
        })
    }

    /// Brings the files made from the whole catalog up to date with the
    /// last good rebuild, when what they are made from changed:
    /// `models.json`, the search index and the catalog data. Returns how
    /// many files it wrote, or `None` when it stopped early because
    /// `interrupted()` said so (a newer change makes this work stale; `serve`
    /// asks again once saves pause). Each file is written whole, so an
    /// interrupted update leaves a mix of older and newer files of the
    /// index, which the next update completes.
    pub fn update_site_data(
        &mut self,
        interrupted: &(dyn Fn() -> bool + Sync),
    ) -> Result<Option<usize>, Errors> {
        let (Some(catalog), Some(state)) = (self.catalog.as_ref(), self.output.as_mut()) else {
            return Ok(Some(0));
        };
        if interrupted() {
            return Ok(None);
        }
        let out_dir = &catalog.config.output_dir;
        let mut written = 0;
        let models_json = output::ModelsJson::new(catalog, &self.models)?;
        let models_json_fp = models_json.fingerprint();
        if models_json_fp != state.models_json {
            // Other model values make other bytes: no need to hash them.
            if !models_json.write(out_dir, interrupted)? {
                return Ok(None);
            }
            state
                .files
                .insert(output::MODELS_JSON.to_string(), models_json_fp);
            state.models_json = models_json_fp;
            written += 1;
        }
        let fingerprint = search::fingerprint(catalog, self.models.iter().map(|m| m.value_hash));
        if fingerprint == state.search {
            return Ok(Some(written));
        }
        let known = &state.files;
        // What was written, kept apart so that an interrupted update still
        // records the hashes of the files it replaced.
        let replaced: std::sync::Mutex<Vec<(String, u64)>> = std::sync::Mutex::default();
        let put = |name: &str, bytes: &[u8]| {
            crate::search::go_on(interrupted)?;
            let hash = output::write_if_changed(out_dir, name, bytes, known.get(name).copied())?;
            if let (Some(h), Ok(mut r)) = (hash, replaced.lock()) {
                r.push((name.to_string(), h));
            }
            Ok(hash)
        };
        let made = crate::build::browser_files(catalog, &put, interrupted);
        let replaced = replaced.into_inner().unwrap_or_default();
        if made.is_err() && !replaced.is_empty() {
            // Some files are newer than the fingerprint says: whatever the
            // next update is made from, it must look at every file.
            state.search = 0;
        }
        written += replaced.len();
        for (name, hash) in replaced {
            state.files.insert(name, hash);
        }
        let files = match made {
            Ok(files) => files,
            Err(_) if interrupted() => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let names: HashSet<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        for old in &state.search_files {
            if !names.contains(old.as_str()) {
                output::remove_output_file(out_dir, old)?;
                state.files.remove(old);
            }
        }
        state.search_files = files.into_iter().map(|(n, _)| n).collect();
        state.search = fingerprint;
        Ok(Some(written))
    }
}

/// Every page of the output after this rebuild: those rendered again, and
/// the others of the last good output that are not gone.
fn pages_after<'a>(
    state: &'a OutputState,
    removed: &'a HashSet<String>,
    rendered: &'a HashMap<String, PageLinks>,
) -> impl Iterator<Item = &'a PageLinks> {
    state
        .links
        .values()
        .filter(|p| !removed.contains(&p.file) && !rendered.contains_key(&p.file))
        .chain(rendered.values())
}

/// The output as it will be after this rebuild: the pages rendered again,
/// over the last good output, without the files that are gone.
struct Overlay<'a> {
    rendered: &'a HashMap<String, PageLinks>,
    removed: &'a HashSet<String>,
    state: &'a OutputState,
    new_names: &'a HashSet<&'a str>,
}

impl Published for Overlay<'_> {
    fn get(&self, file: &str) -> Option<Option<&PageLinks>> {
        if let Some(p) = self.rendered.get(file) {
            return Some(Some(p));
        }
        if self.removed.contains(file) {
            return None;
        }
        if let Some(p) = self.state.links.get(file) {
            return Some(Some(p));
        }
        (self.state.files.contains_key(file) || self.new_names.contains(file)).then_some(None)
    }
}

/// `path` with links and `..` resolved, or as it is if it does not exist.
fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}
