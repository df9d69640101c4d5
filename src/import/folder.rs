//! Finding the model cards in a folder given to `modelsite import DIR`, in
//! either of the two layouts cards are kept in:
//!
//! - a Hugging Face cache: `models--<org>--<name>/snapshots/<rev>/README.md`
//!   (DIR is the `hub` folder, the folder above it, or one `models--`
//!   folder), from the snapshot `refs/main` names, else the newest one;
//! - a tree: `<org>/<name>/README.md`, or `<name>/README.md` for a card
//!   without an owner.
//!
//! The path gives each card's Hub repository (`org/name`). A symbolic link
//! is followed only when it leads to a place inside DIR (the cache's
//! READMEs are links into its `blobs/`); one that leads out of it, and
//! anything that is not a regular file, is skipped and said so. Nothing
//! here reads a card's text or writes anything.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::error::SiteError;

/// The file name of a card in its folder.
pub const CARD_FILE: &str = "README.md";
const CACHE_PREFIX: &str = "models--";

/// A card found in the folder.
#[derive(Debug, Clone)]
pub struct FoundCard {
    /// The file to read (inside the folder).
    pub path: PathBuf,
    /// The Hub repository the path names (`org/name`), if it names an owner.
    pub repo: Option<String>,
    /// The model's name the path gives (`name`).
    pub folder_name: String,
    /// How the snapshot was chosen, when there was a choice to make.
    pub note: Option<String>,
}

/// A folder (or file) that holds no card to import, and why.
#[derive(Debug, Clone)]
pub struct NotACard {
    pub path: PathBuf,
    pub why: String,
}

/// What a folder holds.
#[derive(Debug, Default)]
pub struct FolderCards {
    pub cards: Vec<FoundCard>,
    pub not_cards: Vec<NotACard>,
}

/// Whether `dir` stands for one card (it holds a README.md) rather than a
/// folder of cards.
pub fn is_one_card(dir: &Path) -> bool {
    dir.join(CARD_FILE).is_file()
}

/// Every card in `dir`, in the order of their paths.
pub fn find(dir: &Path) -> Result<FolderCards, SiteError> {
    let root = dir.canonicalize().map_err(|e| {
        SiteError::io("read the folder", dir, &e).hint(
            "give a folder of model cards: a Hugging Face cache or a tree of org/name/README.md",
        )
    })?;
    let own_name = file_name(&root);
    let walk = Walk { dir, root };
    let mut found = FolderCards::default();
    if own_name.starts_with(CACHE_PREFIX) {
        walk.cache_entry(dir, &mut found);
        return Ok(found);
    }
    // The snapshots of one model stand for the model.
    if own_name == "snapshots"
        && let Some(entry) = walk.root.parent().filter(|p| is_cache_entry(p))
    {
        walk.cache_entry(entry, &mut found);
        return Ok(found);
    }
    let top = walk.subfolders(dir, &mut found);
    let hub = dir.join("hub");
    let cache_entries: Vec<PathBuf> = if top.iter().any(|p| is_cache_entry(p)) {
        top.iter().filter(|p| is_cache_entry(p)).cloned().collect()
    } else if top.iter().any(|p| p == &hub) {
        let mut ignored = FolderCards::default();
        walk.subfolders(&hub, &mut ignored)
            .into_iter()
            .filter(|p| is_cache_entry(p))
            .collect()
    } else {
        Vec::new()
    };
    if !cache_entries.is_empty() {
        // A cache: its datasets, spaces and other folders hold no model card.
        found.not_cards.clear();
        for entry in &cache_entries {
            walk.cache_entry(entry, &mut found);
        }
        return Ok(found);
    }
    for first in top {
        match walk.card_in(&first) {
            CardIn::Card(card) => {
                found.cards.push(FoundCard {
                    path: card,
                    repo: None,
                    folder_name: file_name(&first),
                    note: None,
                });
                continue;
            }
            CardIn::NotRead(why) => {
                found.not_cards.push(why);
                continue;
            }
            CardIn::None => {}
        }
        for second in walk.subfolders(&first, &mut found) {
            match walk.card_in(&second) {
                CardIn::Card(card) => found.cards.push(FoundCard {
                    path: card,
                    repo: Some(format!("{}/{}", file_name(&first), file_name(&second))),
                    folder_name: file_name(&second),
                    note: None,
                }),
                CardIn::NotRead(why) => found.not_cards.push(why),
                CardIn::None => found.not_cards.push(NotACard {
                    path: second,
                    why: format!("no {CARD_FILE}"),
                }),
            }
        }
    }
    Ok(found)
}

fn is_cache_entry(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with(CACHE_PREFIX))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The folder being read: as given (for the paths shown) and as the
/// system resolves it (to tell where a link leads).
struct Walk<'a> {
    dir: &'a Path,
    root: PathBuf,
}

/// What a folder holds in the place of a card.
enum CardIn {
    Card(PathBuf),
    None,
    NotRead(NotACard),
}

/// What a path is, once symbolic links inside the folder are followed.
enum Kind {
    Folder,
    File,
    Missing,
    /// Not a file or folder (a pipe, a socket...), or unreadable.
    Other(String),
    LeadsOut(PathBuf),
}

impl Walk<'_> {
    fn kind(&self, path: &Path) -> Kind {
        let meta = match std::fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Kind::Missing,
            Err(e) => return Kind::Other(e.to_string()),
        };
        let meta = if meta.file_type().is_symlink() {
            let target = match path.canonicalize() {
                Ok(t) => t,
                Err(_) => return Kind::Other("a symbolic link to nothing".to_string()),
            };
            if !target.starts_with(&self.root) {
                return Kind::LeadsOut(target);
            }
            match std::fs::metadata(&target) {
                Ok(m) => m,
                Err(e) => return Kind::Other(e.to_string()),
            }
        } else {
            meta
        };
        if meta.is_dir() {
            Kind::Folder
        } else if meta.is_file() {
            Kind::File
        } else {
            Kind::Other("not a regular file".to_string())
        }
    }

    /// The folders in `dir` (links to folders inside the folder too), by
    /// name, leaving out hidden ones; links that lead out are noted.
    fn subfolders(&self, dir: &Path, found: &mut FolderCards) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| e.path())
            .collect();
        paths.sort();
        paths
            .into_iter()
            .filter(|p| match self.kind(p) {
                Kind::Folder => true,
                Kind::LeadsOut(target) => {
                    found.not_cards.push(self.leads_out(p, &target));
                    false
                }
                _ => false,
            })
            .collect()
    }

    fn leads_out(&self, path: &Path, target: &Path) -> NotACard {
        NotACard {
            path: path.to_path_buf(),
            why: format!(
                "a symbolic link to {}, outside {}; not followed",
                target.display(),
                self.dir.display()
            ),
        }
    }

    /// The card of folder `dir`: its README.md, none, or one that is not
    /// read (and why).
    fn card_in(&self, dir: &Path) -> CardIn {
        let card = dir.join(CARD_FILE);
        match self.kind(&card) {
            Kind::File => CardIn::Card(card),
            Kind::Missing | Kind::Folder => CardIn::None,
            Kind::LeadsOut(target) => CardIn::NotRead(self.leads_out(&card, &target)),
            Kind::Other(why) => CardIn::NotRead(NotACard { path: card, why }),
        }
    }

    /// The card of one `models--org--name` folder of the cache.
    fn cache_entry(&self, entry: &Path, found: &mut FolderCards) {
        let mut name = file_name(entry);
        if name.is_empty() {
            // `.` or `..` given for the folder itself.
            name = file_name(&self.root);
        }
        let repo = name
            .strip_prefix(CACHE_PREFIX)
            .unwrap_or_default()
            .replacen("--", "/", 1);
        let Some((_, model)) = repo
            .split_once('/')
            .filter(|(org, model)| !org.is_empty() && !model.is_empty())
        else {
            found.not_cards.push(NotACard {
                path: entry.to_path_buf(),
                why: "not named models--<org>--<name>, as the cache names a model's folder"
                    .to_string(),
            });
            return;
        };
        let model = model.to_string();
        let snapshots = entry.join("snapshots");
        let mut ignored = FolderCards::default();
        let mut with_card = Vec::new();
        let mut not_read = None;
        for snapshot in self.subfolders(&snapshots, &mut ignored) {
            match self.card_in(&snapshot) {
                CardIn::Card(_) => with_card.push(snapshot),
                CardIn::NotRead(why) => not_read = not_read.or(Some(why)),
                CardIn::None => {}
            }
        }
        let main = self.ref_main(entry);
        let chosen = match &main {
            Some(rev) if with_card.iter().any(|s| file_name(s) == *rev) => {
                Some((snapshots.join(rev), None))
            }
            _ => newest(&with_card).map(|s| {
                let note = main.as_ref().map(|rev| {
                    format!(
                        "refs/main names the snapshot {rev}, which has no {CARD_FILE}; the card of the newest snapshot, {}, was read",
                        file_name(&s)
                    )
                });
                (s, note)
            }),
        };
        match chosen {
            Some((snapshot, note)) => found.cards.push(FoundCard {
                path: snapshot.join(CARD_FILE),
                repo: Some(repo),
                folder_name: model,
                note,
            }),
            None => {
                let why = not_read
                    .map(|n| format!("{}: {}", n.path.display(), n.why))
                    .unwrap_or_else(|| {
                        format!("no snapshot holds a {CARD_FILE} (the model was downloaded without its card)")
                    });
                found.not_cards.push(NotACard {
                    path: entry.to_path_buf(),
                    why,
                });
            }
        }
    }

    /// The revision `refs/main` names, when it is a plain folder name.
    fn ref_main(&self, entry: &Path) -> Option<String> {
        let file = entry.join("refs").join("main");
        if !matches!(self.kind(&file), Kind::File) {
            return None;
        }
        let text = crate::source::read_text(&file, &file).ok()?;
        let rev = text.trim();
        let plain = !rev.is_empty()
            && rev.len() <= 256
            && rev != "."
            && rev != ".."
            && !rev.contains(['/', '\\', '\0']);
        plain.then(|| rev.to_string())
    }
}

/// The snapshot changed last (by its folder's time), the last by name among
/// equals.
fn newest(snapshots: &[PathBuf]) -> Option<PathBuf> {
    snapshots
        .iter()
        .map(|s| {
            let time = std::fs::metadata(s)
                .and_then(|m| m.modified())
                .unwrap_or(SystemTime::UNIX_EPOCH);
            (time, s)
        })
        .max()
        .map(|(_, s)| s.clone())
}
