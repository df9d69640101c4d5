//! What an import did, in words: for each card what it became (or why it
//! was left alone), and one summary at the end with the counts, the cards
//! skipped and why, and the folders that hold no card.
//!
//! A run over a folder of thousands of cards prints the summary only; the
//! lines of each card come with `--verbose`. This module only describes;
//! it decides nothing and writes nothing.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::error::Errors;

use super::folder::NotACard;

/// How a card's model came to be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// A model the site did not have.
    New,
    /// A model of the site, replaced whole (`--force`).
    Replaced,
    /// A model of the site, updated from its changed card (`--update`).
    Updated,
}

/// One card made into a model.
#[derive(Debug, Clone)]
pub struct Imported {
    pub card: PathBuf,
    pub id: String,
    pub how: How,
    /// Files written or removed, relative to the site root.
    pub written: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
    /// What was guessed, kept under `extra`, added as a stub or changed.
    pub notes: Vec<String>,
}

/// Why a card was read but not imported, without an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipKind {
    /// The card is as it was when its model was imported.
    Unchanged,
    /// The card changed since, and neither `--update` nor `--force` was given.
    Changed,
    /// The card's model was removed from the site since it was imported.
    Removed,
}

/// A card read but left alone.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub card: PathBuf,
    /// The model it was imported as.
    pub id: String,
    pub kind: SkipKind,
}

impl Skipped {
    fn why(&self) -> String {
        match self.kind {
            SkipKind::Unchanged => {
                format!("unchanged since it was imported as `{}`", self.id)
            }
            SkipKind::Changed => format!(
                "changed since it was imported as `{}`, which was left as it is; --update brings in the changes and keeps your edits to what the card does not set, --force replaces the model whole",
                self.id
            ),
            SkipKind::Removed => format!(
                "imported before as `{}`, whose model file was removed from the site since; --force imports it again",
                self.id
            ),
        }
    }
}

/// What an import did, and the cards it could not import.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub imported: Vec<Imported>,
    pub skipped: Vec<Skipped>,
    /// Folders given to the import that hold no card, and why.
    pub not_cards: Vec<NotACard>,
    pub errors: Errors,
    /// Cards read (or that could not be read).
    pub cards: usize,
    /// Whether a folder of cards was given: the summary then stands for
    /// the lines of each card, which `--verbose` adds.
    pub from_folder: bool,
    /// Stubs added, as (data file, how many).
    pub stubs: Vec<(PathBuf, usize)>,
}

/// How many of a list the summary names before it says how many more.
const LISTED: usize = 10;

impl ImportReport {
    /// Cards that were neither imported nor skipped.
    pub fn failed(&self) -> usize {
        self.cards
            .saturating_sub(self.imported.len() + self.skipped.len())
    }

    /// What each card became, for the terminal: always for cards given one
    /// by one, and with `verbose` for a folder of cards.
    pub fn details(&self, verbose: bool) -> String {
        let mut out = String::new();
        if self.from_folder && !verbose {
            return out;
        }
        for m in &self.imported {
            let files: Vec<String> = m.written.iter().map(|p| p.display().to_string()).collect();
            let _ = match m.how {
                How::Updated => writeln!(
                    out,
                    "updated `{}` from {}: wrote {}",
                    m.id,
                    m.card.display(),
                    files.join(" and ")
                ),
                How::New | How::Replaced => writeln!(
                    out,
                    "imported {} as `{}`: wrote {}",
                    m.card.display(),
                    m.id,
                    files.join(" and ")
                ),
            };
            for p in &m.removed {
                let _ = writeln!(out, "  - removed {}, as the card has no prose", p.display());
            }
            for n in &m.notes {
                let _ = writeln!(out, "  - {n}");
            }
        }
        for s in &self.skipped {
            let _ = writeln!(out, "skipped {}: {}", s.card.display(), s.why());
        }
        for n in &self.not_cards {
            let _ = writeln!(out, "no card in {}: {}", n.path.display(), n.why);
        }
        out
    }

    /// The summary: what was imported of how many cards, what was skipped
    /// and why, and, for a folder, what the lines of each card would say.
    pub fn summary(&self, verbose: bool) -> String {
        let mut out = String::new();
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let quiet_one = !self.from_folder
            && self.cards == 1
            && self.imported.len() == 1
            && self.not_cards.is_empty();
        if quiet_one {
            return out;
        }
        let count = |how: How| self.imported.iter().filter(|m| m.how == how).count();
        let kinds: Vec<String> = [
            (How::New, "new"),
            (How::Updated, "updated"),
            (How::Replaced, "replaced"),
        ]
        .iter()
        .map(|&(how, word)| (count(how), word))
        .filter(|&(n, _)| n > 0)
        .map(|(n, word)| format!("{n} {word}"))
        .collect();
        if self.cards == 0 {
            // Nothing was read: what the folders held is all there is to say.
            self.list_not_cards(&mut out, verbose);
            return out;
        }
        let _ = write!(
            out,
            "Imported {} of {} card{}",
            self.imported.len(),
            self.cards,
            plural(self.cards)
        );
        if kinds.len() > 1 || (kinds.len() == 1 && count(How::New) == 0) {
            let _ = write!(out, " ({})", kinds.join(", "));
        }
        let mut rest = Vec::new();
        if !self.skipped.is_empty() {
            rest.push(format!("{} skipped", self.skipped.len()));
        }
        if self.failed() > 0 {
            rest.push(format!("{} failed", self.failed()));
        }
        if !rest.is_empty() {
            let _ = write!(out, "; {}", rest.join(", "));
        }
        out.push_str(".\n");

        let listed = self.from_folder && !verbose;
        for (kind, what) in [
            (SkipKind::Unchanged, "unchanged since their import"),
            (
                SkipKind::Changed,
                "changed since their import, left as they are (--update brings in the changes and keeps your edits to what the card does not set; --force replaces the models whole)",
            ),
            (
                SkipKind::Removed,
                "imported before, whose models were removed from the site since (--force imports them again)",
            ),
        ] {
            let cards: Vec<&Skipped> = self.skipped.iter().filter(|s| s.kind == kind).collect();
            if cards.is_empty() {
                continue;
            }
            let _ = writeln!(out, "  skipped {}: {what}", cards.len());
            if listed && kind != SkipKind::Unchanged {
                list(
                    &mut out,
                    cards
                        .iter()
                        .map(|s| format!("{} (`{}`)", s.card.display(), s.id)),
                );
            }
        }
        if self.failed() > 0 {
            let _ = writeln!(
                out,
                "  failed {}: each is reported above with its file, line and column",
                self.failed()
            );
        }
        self.list_not_cards(&mut out, verbose);
        if self.from_folder {
            for (file, n) in &self.stubs {
                let _ = writeln!(
                    out,
                    "  added {n} stub{} to {}, to complete",
                    plural(*n),
                    file.display()
                );
            }
            let removed_html = self
                .imported
                .iter()
                .filter(|m| m.notes.iter().any(|n| n.starts_with(super::REMOVED_HTML)))
                .count();
            if removed_html > 0 {
                let _ = writeln!(
                    out,
                    "  removed scripts, styles or other unsafe HTML from {removed_html} card{}",
                    plural(removed_html)
                );
            }
            let noted = self.imported.iter().filter(|m| !m.notes.is_empty()).count();
            if noted > 0 && !verbose {
                let _ = writeln!(
                    out,
                    "  {noted} card{} came with notes (guesses, what was kept under extra or removed); --verbose lists them",
                    plural(noted)
                );
            }
        }
        out
    }
}

impl ImportReport {
    /// How many folders held no card, and (without `verbose`, which lists
    /// them in the details) the first of them.
    fn list_not_cards(&self, out: &mut String, verbose: bool) {
        let n = self.not_cards.len();
        if n == 0 {
            return;
        }
        let plural = if n == 1 { "" } else { "s" };
        let _ = writeln!(
            out,
            "  {n} folder{plural} or file{plural} held no card to read"
        );
        if !verbose {
            list(
                out,
                self.not_cards
                    .iter()
                    .map(|n| format!("{}: {}", n.path.display(), n.why)),
            );
        }
    }
}

/// Up to [`LISTED`] items, indented, then how many more there are.
fn list(out: &mut String, items: impl ExactSizeIterator<Item = String>) {
    let n = items.len();
    for item in items.take(LISTED) {
        let _ = writeln!(out, "    {item}");
    }
    if n > LISTED {
        let _ = writeln!(
            out,
            "    ... and {} more (--verbose lists them all)",
            n - LISTED
        );
    }
}
