//! Watching the site's sources: `modelsite.toml`, `data/`, `site/`,
//! `themes/`, `templates/` and `static/`, never the output folder or
//! editor temporary files. Bursts of events become one batch of changed
//! paths; reading a file is not a change; a save by rename is.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use notify_debouncer_full::notify::event::{EventKind, ModifyKind};
use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::error::SiteError;

/// The folders of a site that hold its sources.
pub const WATCHED_DIRS: [&str; 5] = ["data", "site", "themes", "templates", "static"];

/// How long the watcher waits for a burst of events to end. Editors write
/// a save (a temporary file, a rename, a write in place) within a few
/// milliseconds; the wait is part of every save's way to the browser, so it
/// is kept short. Events that arrive while a rebuild runs join the next one.
pub const DEBOUNCE: Duration = Duration::from_millis(20);

/// A running watch; changes arrive on `changes`.
pub struct Watch {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    pub changes: mpsc::Receiver<Vec<PathBuf>>,
    /// Set when a batch of changes is sent, before it is: work that a new
    /// change makes stale (the files made from the whole catalog) watches
    /// it to stop early. Whoever starts such work clears it first.
    pub pending: Arc<AtomicBool>,
}

impl Watch {
    /// Starts watching the site at `root`, whose output goes to `output`
    /// and whose configuration is read from `config_file`.
    pub fn start(root: &Path, output: &Path, config_file: &Path) -> Result<Watch, SiteError> {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let config_file = config_file
            .canonicalize()
            .unwrap_or_else(|_| config_file.to_path_buf());
        let output = output
            .canonicalize()
            .unwrap_or_else(|_| output.to_path_buf());
        let (raw_tx, raw_rx) = mpsc::channel::<DebounceEventResult>();
        let debouncer = new_debouncer(DEBOUNCE, None, raw_tx)
            .map_err(|e| SiteError::new(format!("cannot watch the site for changes: {e}")))?;
        let (tx, changes) = mpsc::channel();
        let pending = Arc::new(AtomicBool::new(false));
        let mut watch = Watch {
            debouncer,
            root: root.clone(),
            changes,
            pending: Arc::clone(&pending),
        };
        // The root itself, not recursively: the config file, and the
        // watched folders appearing or disappearing.
        watch
            .debouncer
            .watch(&root, RecursiveMode::NonRecursive)
            .map_err(|e| SiteError::new(format!("cannot watch {}: {e}", root.display())))?;
        for dir in WATCHED_DIRS {
            watch.watch_dir(&root.join(dir));
        }
        // A configuration file outside the site folder: its folder too (an
        // editor may replace the file rather than write it).
        if let Some(dir) = config_file.parent()
            && dir != root
        {
            let _ = watch.debouncer.watch(dir, RecursiveMode::NonRecursive);
        }

        // Filter raw batches into changed source paths on a thread of its own.
        let filter_root = root;
        std::thread::spawn(move || {
            for batch in raw_rx {
                let Ok(events) = batch else { continue };
                let mut paths: Vec<PathBuf> = events
                    .into_iter()
                    .filter(|e| is_change(&e.event.kind))
                    .flat_map(|e| e.event.paths.clone())
                    .filter(|p| is_source(p, &filter_root, &output, &config_file))
                    .collect();
                paths.sort();
                paths.dedup();
                if paths.is_empty() {
                    continue;
                }
                pending.store(true, Ordering::SeqCst);
                if tx.send(paths).is_err() {
                    return;
                }
            }
        });
        Ok(watch)
    }

    fn watch_dir(&mut self, dir: &Path) {
        if dir.is_dir() {
            // A folder that cannot be watched is left out; the rest still are.
            let _ = self.debouncer.watch(dir, RecursiveMode::Recursive);
        }
    }

    /// Watches again any watched folder that was made anew among `paths`
    /// (a folder deleted and created again loses its watch).
    pub fn rewatch(&mut self, paths: &[PathBuf]) {
        for p in paths {
            if p.parent() == Some(self.root.as_path())
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| WATCHED_DIRS.contains(&n))
                && p.is_dir()
            {
                let _ = self.debouncer.unwatch(p);
                let dir = p.clone();
                self.watch_dir(&dir);
            }
        }
    }
}

/// Reads and metadata-only touches are not changes.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any => true,
        EventKind::Other => false,
    }
}

/// Whether a path is one of the site's sources (not the output, not an
/// editor's temporary file).
fn is_source(path: &Path, root: &Path, output: &Path, config_file: &Path) -> bool {
    if path == config_file {
        return true;
    }
    if path.starts_with(output) {
        return false;
    }
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if is_temporary(name) {
        return false;
    }
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components();
    let first = parts
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    if parts.next().is_none() {
        // Directly in the root: a watched folder (the config file is above).
        return WATCHED_DIRS.contains(&first.as_str());
    }
    WATCHED_DIRS.contains(&first.as_str())
}

/// Swap, backup and lock files of common editors.
fn is_temporary(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name.ends_with(".kate-swp")
        || name == "4913"
}

/// Whether every changed path is a stylesheet among static files, so the
/// browser can swap stylesheets instead of reloading.
pub fn only_stylesheets(paths: &[PathBuf], root: &Path) -> bool {
    !paths.is_empty()
        && paths.iter().all(|p| {
            let rel = p.strip_prefix(root).unwrap_or(p);
            p.extension().is_some_and(|e| e == "css") && crate::output::is_static_source(rel)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_count() {
        let root = Path::new("/s");
        let out = Path::new("/s/public");
        let cfg = Path::new("/s/modelsite.toml");
        assert!(is_source(
            Path::new("/s/data/models/a.yaml"),
            root,
            out,
            cfg
        ));
        assert!(is_source(Path::new("/s/modelsite.toml"), root, out, cfg));
        assert!(is_source(Path::new("/s/data"), root, out, cfg));
        assert!(!is_source(
            Path::new("/s/public/index.html"),
            root,
            out,
            cfg
        ));
        assert!(!is_source(Path::new("/s/site/.a.md.swp"), root, out, cfg));
        assert!(!is_source(Path::new("/s/site/a.md~"), root, out, cfg));
        assert!(!is_source(Path::new("/s/README.md"), root, out, cfg));
        // `--config prod.toml`, inside the site or elsewhere.
        assert!(!is_source(Path::new("/s/prod.toml"), root, out, cfg));
        let prod = Path::new("/s/prod.toml");
        assert!(is_source(prod, root, out, prod));
        assert!(!is_source(Path::new("/s/modelsite.toml"), root, out, prod));
        let elsewhere = Path::new("/etc/sites/prod.toml");
        assert!(is_source(elsewhere, root, out, elsewhere));
        assert!(!is_source(
            Path::new("/s/.modelsite/link-cache.json"),
            root,
            out,
            cfg
        ));
    }

    #[test]
    fn reads_and_metadata_are_not_changes() {
        use notify_debouncer_full::notify::event::{
            AccessKind, CreateKind, MetadataKind, RenameMode,
        };
        assert!(!is_change(&EventKind::Access(AccessKind::Any)));
        assert!(!is_change(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::AccessTime
        ))));
        assert!(is_change(&EventKind::Create(CreateKind::File)));
        assert!(is_change(&EventKind::Modify(ModifyKind::Name(
            RenameMode::To
        ))));
    }

    #[test]
    fn stylesheet_only_changes_are_recognised() {
        let root = Path::new("/s");
        assert!(only_stylesheets(
            &[PathBuf::from("/s/themes/default/static/style.css")],
            root
        ));
        assert!(only_stylesheets(
            &[PathBuf::from("/s/static/extra.css")],
            root
        ));
        assert!(!only_stylesheets(
            &[PathBuf::from("/s/templates/x.css")],
            root
        ));
        assert!(!only_stylesheets(
            &[
                PathBuf::from("/s/static/a.css"),
                PathBuf::from("/s/data/x.yaml")
            ],
            root
        ));
    }
}
