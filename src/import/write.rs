//! Writing what an import made: the model file with its import record, its
//! prose, and, for `--update`, the card's fields merged into a model file
//! the user may have edited.
//!
//! Every file is written through [`SiteFiles`], which refuses any path
//! that leads out of the site folder, through a symbolic link or
//! otherwise. An update keeps what the user wrote for a field the card
//! does not set (or only guessed), replaces what the card sets and names
//! each value it replaced; it keeps a prose file the user edited.

use std::path::{Path, PathBuf};

use crate::error::SiteError;
use crate::source::MODELS_DIR;
use crate::source::data::ModelData;

use super::emit::{self, Node};
use super::record::{self, Record};
use super::report::{How, Imported};
use super::site::SiteData;
use super::{Plan, prose_path};

/// The site folder, written only inside.
pub struct SiteFiles {
    root: PathBuf,
    canonical: PathBuf,
}

impl SiteFiles {
    pub fn new(root: &Path) -> Result<SiteFiles, SiteError> {
        let canonical = root
            .canonicalize()
            .map_err(|e| SiteError::io("open the site folder", root, &e))?;
        Ok(SiteFiles {
            root: root.to_path_buf(),
            canonical,
        })
    }

    /// The full path of `rel`, once it is known to stay in the site folder:
    /// the nearest part of it that exists resolves to a place inside.
    fn inside(&self, rel: &Path) -> Result<PathBuf, SiteError> {
        let path = self.root.join(rel);
        for at in path.ancestors() {
            if std::fs::symlink_metadata(at).is_err() {
                continue;
            }
            let leads_out = |target: String| {
                SiteError::new(format!(
                    "not written: {} would lead out of the site folder ({target})",
                    rel.display()
                ))
                .in_file(rel)
                .hint("the import writes only inside the site folder; replace the symbolic link with a folder or file of the site")
            };
            return match at.canonicalize() {
                Ok(real) if real.starts_with(&self.canonical) => Ok(path),
                Ok(real) => Err(leads_out(format!("{} is {}", at.display(), real.display()))),
                Err(_) => Err(leads_out(format!(
                    "{} is a symbolic link to nothing",
                    at.display()
                ))),
            };
        }
        Ok(path)
    }

    pub fn write(&self, rel: &Path, text: &str) -> Result<(), SiteError> {
        let path = self.inside(rel)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| SiteError::io("create", parent, &e))?;
        }
        std::fs::write(&path, text).map_err(|e| SiteError::io("write", rel, &e))
    }

    fn remove(&self, rel: &Path) -> Result<(), SiteError> {
        let path = self.inside(rel)?;
        std::fs::remove_file(path).map_err(|e| SiteError::io("remove", rel, &e))
    }

    fn read(&self, rel: &Path) -> Result<String, SiteError> {
        crate::source::read_text(&self.root.join(rel), rel)
    }
}

/// A model file of the site that a card updates.
#[derive(Debug, Clone)]
pub struct Existing {
    /// The record the file holds, if any.
    pub record: Option<Record>,
    /// Whether the file differs from what the import wrote (always, without
    /// a record).
    pub edited: bool,
    /// Its fields as they are now.
    pub entries: Vec<(String, Node)>,
    /// Whether the prose file differs from what the import wrote, and
    /// whether it is there.
    pub prose_edited: bool,
    pub prose_exists: bool,
}

/// Reads the model file a card is to update, and takes from it the values
/// the user chose for fields the card only guesses and that decide the
/// stubs (creator and category).
pub fn read_existing(p: &mut Plan, site: &SiteData, files: &SiteFiles) -> Result<(), SiteError> {
    let rel = model_rel(site, &p.id);
    let text = files.read(&rel)?;
    let record = Record::read(&text);
    let edited = match &record {
        Some((r, at)) => record::hash(&text[*at..]) != r.model_hash,
        None => true,
    };
    if let Err(e) = serde_yaml_ng::from_str::<ModelData>(&text) {
        let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        return Err(SiteError::new(format!(
            "cannot update `{}` from this card: {} does not read as a model ({e})",
            p.id,
            rel.display()
        ))
        .at(&rel, line, column)
        .with_source(text.as_str())
        .hint("fix the model file (`modelsite check` shows every problem), or import with --force to replace it whole"));
    }
    let entries = match serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&text) {
        Ok(value) => match Node::of_value(&value) {
            Node::Map(entries) => entries,
            _ => Vec::new(),
        },
        Err(_) => Vec::new(),
    };
    let prose_rel = prose_path(&p.id);
    let prose_now = if site.has_prose(&p.id) {
        Some(record::hash(&files.read(&prose_rel)?))
    } else {
        None
    };
    let prose_edited = match &record {
        Some((r, _)) => prose_now != r.prose_hash,
        None => prose_now.is_some(),
    };
    if edited {
        for (key, value) in &entries {
            let Node::Str(chosen) = value else { continue };
            let guessed = p.fields.guessed.contains(&key.as_str());
            let field = match key.as_str() {
                "creator" if guessed => &mut p.fields.creator,
                "category" if guessed => &mut p.fields.category,
                _ => continue,
            };
            if field != chosen {
                *field = chosen.clone();
                // The guess is not taken: it is not news.
                let guess = format!("guessed: {key} `");
                p.notes.retain(|n| !n.starts_with(&guess));
                p.kept.push(key.clone());
            }
            p.fields.guessed.retain(|g| g != key);
        }
    }
    p.existing = Some(Existing {
        record: record.map(|(r, _)| r),
        edited,
        entries,
        prose_edited,
        prose_exists: prose_now.is_some(),
    });
    Ok(())
}

/// The file of model `id`: the site's, or the one a new model gets.
fn model_rel(site: &SiteData, id: &str) -> PathBuf {
    match site.model_file(id) {
        Some(existing) => existing.to_path_buf(),
        None => Path::new(MODELS_DIR).join(format!("{id}.yaml")),
    }
}

/// Writes a card's model file and prose; returns what was done.
pub fn write_model(
    p: &mut Plan,
    site: &SiteData,
    files: &SiteFiles,
    how: How,
) -> Result<Imported, SiteError> {
    let from = if p.card.shown() == Path::new(super::card::STDIN_NAME) {
        "standard input".to_string()
    } else {
        p.card.shown().display().to_string()
    };
    let mut notes = std::mem::take(&mut p.notes);
    let card_entries = p.fields.entries();
    let entries = match &p.existing {
        Some(existing) if existing.edited => {
            let merged = merge(&card_entries, &p.fields.guessed, &existing.entries);
            let rel = model_rel(site, &p.id);
            if !merged.replaced.is_empty() {
                let changes: Vec<String> = merged
                    .replaced
                    .iter()
                    .map(|(key, was, now)| {
                        format!("`{key}` was {}, now {}", was.brief(), now.brief())
                    })
                    .collect();
                notes.push(format!(
                    "{} was edited since its import; replaced with what the card sets: {}",
                    rel.display(),
                    changes.join("; ")
                ));
            }
            let mut kept: Vec<String> = p.kept.to_vec();
            kept.extend(merged.kept.iter().cloned());
            if !kept.is_empty() {
                notes.push(format!(
                    "kept what {} says and the card does not set or only guesses: {} (the file's comments are not kept)",
                    rel.display(),
                    kept.iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            merged.entries
        }
        _ => card_entries,
    };
    let body = emit::document(&entries);
    // The model must be valid by construction; a failure here is a bug.
    if let Err(e) = serde_yaml_ng::from_str::<ModelData>(&body) {
        return Err(SiteError::new(format!(
            "not imported: the model made from this card does not read back ({e}); this is a bug in modelsite"
        ))
        .in_file(p.shown()));
    }
    let prose_hash = (!p.prose.is_empty()).then(|| record::hash(&p.prose));
    let record_line = p
        .key
        .as_ref()
        .map(|from| {
            Record {
                card_hash: p.card_hash,
                model_hash: record::hash(&body),
                prose_hash,
                from: from.clone(),
            }
            .line()
        })
        .unwrap_or_default();
    let text = format!("# Imported from {from} by `modelsite import`.\n{record_line}{body}");
    let model_rel = model_rel(site, &p.id);
    let prose_rel = prose_path(&p.id);
    // Both files are known to stay in the site before either is written.
    files.inside(&prose_rel)?;
    files.write(&model_rel, &text)?;
    let mut written = vec![model_rel];
    let mut removed = Vec::new();
    let keep_prose = match &p.existing {
        // The card's prose is what it was: the file stays, edited or not.
        Some(Existing {
            record: Some(r), ..
        }) if r.prose_hash == prose_hash => true,
        Some(existing) if existing.prose_edited => {
            let what = if existing.prose_exists {
                "was edited since its import and is kept as it is"
            } else {
                "was removed since its import and is left out"
            };
            notes.push(format!(
                "{} {what}, though the card's prose changed (--force writes the card's prose)",
                prose_rel.display()
            ));
            true
        }
        _ => false,
    };
    if keep_prose {
    } else if !p.prose.is_empty() {
        files.write(&prose_rel, &p.prose)?;
        written.push(prose_rel);
    } else if site.has_prose(&p.id) {
        files.remove(&prose_rel)?;
        removed.push(prose_rel);
    }
    Ok(Imported {
        card: p.shown().to_path_buf(),
        id: p.id.clone(),
        how,
        written,
        removed,
        notes,
    })
}

/// A value replaced by an update: (field, the user's value, the card's).
type Replaced = (String, Node, Node);

/// What an update did to the user's fields.
#[derive(Debug, Default)]
pub struct Merged {
    pub entries: Vec<(String, Node)>,
    /// The user's values the card's replaced.
    pub replaced: Vec<Replaced>,
    /// The user's fields kept though the card guessed another value, or
    /// that the card does not set.
    pub kept: Vec<String>,
}

/// The user's fields with the card's merged in: a field the card sets
/// replaces the user's (and is listed when it differs), one it only
/// guessed yields to the user's, one it does not set stays; `extra` is
/// merged key by key. New fields go after the field the card writes
/// before them.
pub fn merge(card: &[(String, Node)], guessed: &[&str], user: &[(String, Node)]) -> Merged {
    let mut out: Vec<(String, Node)> = user.to_vec();
    let mut replaced = Vec::new();
    let mut kept: Vec<String> = user
        .iter()
        .filter(|(k, _)| !card.iter().any(|(c, _)| c == k))
        .map(|(k, _)| k.clone())
        .collect();
    let mut previous: Option<usize> = None;
    for (key, value) in card {
        match out.iter().position(|(k, _)| k == key) {
            Some(at) => {
                let now = &out[at].1;
                match (key.as_str(), now, value) {
                    ("extra", Node::Map(mine), Node::Map(theirs)) => {
                        let inner = merge(theirs, &[], mine);
                        replaced.extend(
                            inner
                                .replaced
                                .into_iter()
                                .map(|(k, was, now)| (format!("extra.{k}"), was, now)),
                        );
                        kept.extend(inner.kept.into_iter().map(|k| format!("extra.{k}")));
                        out[at].1 = Node::Map(inner.entries);
                    }
                    _ if guessed.contains(&key.as_str()) && now != value => {
                        kept.push(key.clone());
                    }
                    _ if guessed.contains(&key.as_str()) => {}
                    _ if now != value => {
                        replaced.push((key.clone(), now.clone(), value.clone()));
                        out[at].1 = value.clone();
                    }
                    _ => {}
                }
                previous = Some(at);
            }
            None => {
                let at = previous.map_or(out.len(), |p| p + 1);
                out.insert(at, (key.clone(), value.clone()));
                previous = Some(at);
            }
        }
    }
    Merged {
        entries: out,
        replaced,
        kept,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(pairs: &[(&str, Node)]) -> Vec<(String, Node)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn an_update_keeps_the_users_fields_and_names_what_it_replaces() {
        let user = entries(&[
            ("name", Node::str("Acme")),
            ("summary", Node::str("Mine.")),
            ("creator", Node::str("acme-labs")),
            ("category", Node::str("generative")),
            ("license", Node::str("mit")),
            (
                "extra",
                Node::Map(entries(&[
                    ("note", Node::str("mine")),
                    ("widget", Node::Int(1)),
                ])),
            ),
        ]);
        let card = entries(&[
            ("name", Node::str("Acme")),
            ("creator", Node::str("acme")),
            ("category", Node::str("other")),
            ("tasks", Node::strings(&["fill-mask"])),
            ("license", Node::str("apache-2.0")),
            ("extra", Node::Map(entries(&[("widget", Node::Int(2))]))),
        ]);
        let Merged {
            entries: merged,
            replaced,
            kept,
        } = merge(&card, &["category"], &user);
        assert_eq!(kept, ["summary", "category", "extra.note"]);
        let keys: Vec<&str> = merged.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "name", "summary", "creator", "category", "tasks", "license", "extra"
            ]
        );
        assert_eq!(merged[2].1, Node::str("acme"), "the card sets the creator");
        assert_eq!(merged[3].1, Node::str("generative"), "a guess yields");
        assert_eq!(merged[1].1, Node::str("Mine."), "the card has no summary");
        assert_eq!(
            merged[6].1,
            Node::Map(entries(&[
                ("note", Node::str("mine")),
                ("widget", Node::Int(2))
            ]))
        );
        let names: Vec<&str> = replaced.iter().map(|(k, _, _)| k.as_str()).collect();
        assert_eq!(names, ["creator", "license", "extra.widget"]);
    }
}
