//! What an import remembers of a model it wrote, so that a later import of
//! the same card can tell whether the card changed and whether the model's
//! files were edited since: one comment line near the top of the model
//! file, travelling with it (into git, into a copy of the site).
//!
//! ```yaml
//! # Imported from hub/models--acme--Acme-7B/snapshots/4f2c/README.md by `modelsite import`.
//! # Import record (a later import compares it with the card): card=0f3a… model=9b1c… prose=77de… from=acme/Acme-7B
//! name: Acme 7B
//! ```
//!
//! `card` is the hash of the card's text, `model` that of the model file
//! below the record line, `prose` that of the prose the card made (`none`
//! without prose), and `from` names the card: its Hub repository when its
//! path tells it, else the card file's full path. This module reads and
//! writes that line and nothing else.

use std::collections::HashMap;
use std::path::Path;

/// The start of the record line.
const PREFIX: &str = "# Import record (a later import compares it with the card): ";

/// A model's import record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub card_hash: u64,
    pub model_hash: u64,
    pub prose_hash: Option<u64>,
    /// Which card it was made from.
    pub from: String,
}

/// The hash the record keeps of a text.
pub fn hash(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

impl Record {
    /// The record line, ending with a newline.
    pub fn line(&self) -> String {
        let prose = self
            .prose_hash
            .map_or_else(|| "none".to_string(), |h| format!("{h:016x}"));
        format!(
            "{PREFIX}card={:016x} model={:016x} prose={prose} from={}\n",
            self.card_hash, self.model_hash, self.from
        )
    }

    /// The record of a model file's text, and where the model's YAML below
    /// it starts; `None` if it has none (written by hand, or the line was
    /// removed).
    pub fn read(text: &str) -> Option<(Record, usize)> {
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            if !line.starts_with('#') {
                return None;
            }
            offset += line.len();
            if let Some(rest) = line.strip_prefix(PREFIX) {
                return parse(rest.trim_end_matches(['\n', '\r'])).map(|r| (r, offset));
            }
        }
        None
    }
}

fn parse(fields: &str) -> Option<Record> {
    let (hashes, from) = fields.split_once(" from=")?;
    let mut card = None;
    let mut model = None;
    let mut prose = None;
    for field in hashes.split(' ') {
        let (key, value) = field.split_once('=')?;
        let number = || u64::from_str_radix(value, 16).ok();
        match key {
            "card" => card = number(),
            "model" => model = number(),
            "prose" if value == "none" => prose = Some(None),
            "prose" => prose = Some(Some(number()?)),
            _ => {}
        }
    }
    if from.is_empty() {
        return None;
    }
    Some(Record {
        card_hash: card?,
        model_hash: model?,
        prose_hash: prose?,
        from: from.to_string(),
    })
}

/// The records of the site's models: by card, the model's id and record.
#[derive(Debug, Default)]
pub struct Records {
    by_card: HashMap<String, (String, Record)>,
    /// Model id -> the card it was imported from.
    by_id: HashMap<String, String>,
}

impl Records {
    /// Reads the record of every model file (`id` -> path, relative to
    /// `root`).
    pub fn load<'a>(root: &Path, models: impl Iterator<Item = (&'a str, &'a Path)>) -> Records {
        use rayon::prelude::*;
        let models: Vec<(&str, &Path)> = models.collect();
        let found: Vec<(String, Record)> = models
            .par_iter()
            .filter_map(|(id, rel)| {
                let text = std::fs::read_to_string(root.join(rel)).ok()?;
                Record::read(&text).map(|(r, _)| (id.to_string(), r))
            })
            .collect();
        let mut records = Records::default();
        let mut found = found;
        // In id order, so that of two files claiming one card the first wins.
        found.sort_by(|a, b| a.0.cmp(&b.0));
        for (id, record) in found {
            if records.by_card.contains_key(&record.from) {
                continue;
            }
            records.by_id.insert(id.clone(), record.from.clone());
            records.by_card.insert(record.from.clone(), (id, record));
        }
        records
    }

    /// The model imported from card `from`, and its record.
    pub fn of_card(&self, from: &str) -> Option<&(String, Record)> {
        self.by_card.get(from)
    }

    /// The card model `id` was imported from, if it has a record.
    pub fn card_of(&self, id: &str) -> Option<&str> {
        self.by_id.get(id).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_with_the_offset_of_the_model() {
        let record = Record {
            card_hash: 0x0123_4567_89ab_cdef,
            model_hash: 42,
            prose_hash: None,
            from: "/home/u/cards/a b/README.md".to_string(),
        };
        let text = format!(
            "# Imported from x by `modelsite import`.\n{}name: A\n",
            record.line()
        );
        let (read, at) = Record::read(&text).expect("a record");
        assert_eq!(read, record);
        assert_eq!(&text[at..], "name: A\n");
        let with_prose = Record {
            prose_hash: Some(7),
            ..record
        };
        assert_eq!(
            Record::read(&with_prose.line()).map(|(r, _)| r),
            Some(with_prose)
        );
    }

    #[test]
    fn a_file_without_a_record_or_with_a_damaged_one_has_none() {
        assert!(Record::read("name: A\n# Import record").is_none());
        assert!(Record::read(&format!("{PREFIX}card=zz model=1 prose=none from=a/b\n")).is_none());
        assert!(Record::read(&format!("{PREFIX}card=1 model=1 prose=none from=\n")).is_none());
    }
}
