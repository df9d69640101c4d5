//! The YAML side of a site: `data/models/<id>.yaml` and the map files
//! (`creators`, `categories`, `sources`, `libraries`, and any other).
//!
//! This module owns the data schema and its parsing: types, field names,
//! value formats (sizes, dates), and YAML errors with their positions. It
//! does not check references between files; the catalog does.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use crate::config::unknown_name;
use crate::error::{SiteError, did_you_mean};

/// One model as written in `data/models/<id>.yaml`. Serialized (for
/// `models.json`) with the same names, leaving out what is empty.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModelData {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    pub creator: String,
    pub category: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license_link: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<Access>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Parameters>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub released: Option<Released>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modalities: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domain: Vec<String>,
    #[serde(default, skip_serializing_if = "OneOrMany::is_empty")]
    pub base_model: OneOrMany,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub libraries: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceLink>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub links: IndexMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evaluations: Vec<Evaluation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub language: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_model_relation: Option<Relation>,
    #[serde(default)]
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_version: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mirrors: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing)]
    pub draft: bool,
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The required fields, for the "missing field" hint.
const REQUIRED_MODEL_FIELDS: &str = "`name`, `creator` and `category`";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    OpenWeights,
    Gated,
    Api,
    Unreleased,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::OpenWeights => "open-weights",
            Access::Gated => "gated",
            Access::Api => "api",
            Access::Unreleased => "unreleased",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    Finetune,
    Adapter,
    Merge,
    Quantized,
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Finetune => "finetune",
            Relation::Adapter => "adapter",
            Relation::Merge => "merge",
            Relation::Quantized => "quantized",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    #[default]
    Active,
    Deprecated,
    Removed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Deprecated => "deprecated",
            Status::Removed => "removed",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceLink {
    pub source: String,
    pub url: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    pub task: String,
    pub dataset: String,
    pub metric: String,
    pub value: Scalar,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What the `source` URL is (`Open LLM Leaderboard`), the link's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_name: Option<String>,
}

/// A number or a string, kept as the text to show.
#[derive(Debug, Clone)]
pub struct Scalar(pub String);

impl Serialize for Scalar {
    /// As the text it was written with: a number keeps its digits.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a string")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// `base_model`: one id, or a list of ids (a merge).
#[derive(Debug, Clone, Default)]
pub struct OneOrMany(pub Vec<String>);

impl OneOrMany {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for OneOrMany {
    /// One id as a string, several as a list.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => s.serialize_str(one),
            many => many.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a model id or a list of model ids")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(OneOrMany(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A parameter count, written as a number (`110000000`) or a size
/// (`"110M"`, `"7B"`, `"1.8T"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parameters(pub u64);

impl Serialize for Parameters {
    /// As a plain number.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.0)
    }
}

impl Parameters {
    /// Parses `"110M"`, `"7B"`, `"1.8T"`, `"350k"` or a plain number.
    pub fn parse(text: &str) -> Option<Parameters> {
        let t = text.trim().replace(['_', ','], "");
        let (digits, scale) = match t.chars().last()? {
            'k' | 'K' => (&t[..t.len() - 1], 1e3),
            'm' | 'M' => (&t[..t.len() - 1], 1e6),
            'b' | 'B' => (&t[..t.len() - 1], 1e9),
            't' | 'T' => (&t[..t.len() - 1], 1e12),
            _ => (t.as_str(), 1.0),
        };
        let value: f64 = digits.trim().parse().ok()?;
        (value.is_finite() && value > 0.0).then(|| Parameters((value * scale).round() as u64))
    }

    /// "110M", "7B", "1.8T", "22.7M", "1.55B": three significant digits
    /// at most, trailing zeros dropped, so a size reads as its card writes it.
    pub fn display(self) -> String {
        let n = self.0 as f64;
        let (value, suffix) = if n >= 1e12 {
            (n / 1e12, "T")
        } else if n >= 1e9 {
            (n / 1e9, "B")
        } else if n >= 1e6 {
            (n / 1e6, "M")
        } else if n >= 1e3 {
            (n / 1e3, "K")
        } else {
            return self.0.to_string();
        };
        let shown = if value >= 100.0 {
            format!("{value:.0}")
        } else {
            let s = if value >= 10.0 {
                format!("{value:.1}")
            } else {
                format!("{value:.2}")
            };
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        };
        format!("{shown}{suffix}")
    }
}

impl<'de> Deserialize<'de> for Parameters {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Parameters;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a parameter count such as 110000000, \"110M\", \"7B\" or \"1.8T\"")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Parameters, E> {
                if v == 0 {
                    return Err(E::custom("a parameter count must be more than 0"));
                }
                Ok(Parameters(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Parameters, E> {
                u64::try_from(v)
                    .map_err(|_| E::custom("a parameter count cannot be negative"))
                    .and_then(|v| self.visit_u64(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Parameters, E> {
                Parameters::parse(&v.to_string())
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Parameters, E> {
                Parameters::parse(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        d.deserialize_any(V)
    }
}

/// A release date with the precision it was written with: `YYYY`,
/// `YYYY-MM` or `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Released(pub String);

impl Serialize for Released {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl Released {
    pub fn parse(text: &str) -> Option<Released> {
        let parts: Vec<&str> = text.trim().split('-').collect();
        let num = |s: &str, len: usize| -> Option<u32> {
            (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        let year = num(parts.first()?, 4)?;
        if parts.len() > 1 {
            let month = num(parts[1], 2)?;
            if !(1..=12).contains(&month) {
                return None;
            }
            if parts.len() > 2 {
                let day = num(parts[2], 2)?;
                let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
                let days = match month {
                    2 if leap => 29,
                    2 => 28,
                    4 | 6 | 9 | 11 => 30,
                    _ => 31,
                };
                if day == 0 || day > days || parts.len() > 3 {
                    return None;
                }
            }
        }
        Some(Released(text.trim().to_string()))
    }

    /// The date as an RFC 3339 timestamp (missing month or day count as 1).
    pub fn to_rfc3339(&self) -> String {
        let mut parts = self.0.split('-');
        let y = parts.next().unwrap_or("1970");
        let m = parts.next().unwrap_or("01");
        let d = parts.next().unwrap_or("01");
        format!("{y}-{m}-{d}T00:00:00+00:00")
    }
}

impl<'de> Deserialize<'de> for Released {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Released;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date written YYYY, YYYY-MM or YYYY-MM-DD")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Released, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Released, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Released, E> {
                Released::parse(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        d.deserialize_any(V)
    }
}

/// `data/creators.yaml` entries.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Creator {
    pub name: String,
    #[serde(default)]
    pub kind: Option<CreatorKind>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CreatorKind {
    Lab,
    Company,
    Community,
    Academia,
    Individual,
}

/// `data/categories.yaml` entries.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// `data/sources.yaml` entries: where models are published.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub name: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub description: String,
}

/// `data/libraries.yaml` entries, with where each keeps downloads.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Library {
    pub name: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub cache_dir: Option<String>,
    #[serde(default)]
    pub env: Option<String>,
    #[serde(default)]
    pub description: String,
}

/// `data/licenses.yaml` entries, by licence id (the `license` of a model):
/// what the licence allows, read from its text, for its licence page.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct License {
    /// A name for an id the generator does not know.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub commercial: Option<Commercial>,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub restrictions: Vec<String>,
    /// The licence text.
    #[serde(default)]
    pub url: Option<String>,
    /// Where the facts were read, when not at `url`.
    #[serde(default)]
    pub source: Option<String>,
}

/// Whether a licence allows commercial use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Commercial {
    Yes,
    Conditions,
    No,
}

impl Commercial {
    /// The answer as a licence page shows it.
    pub fn label(self) -> &'static str {
        match self {
            Commercial::Yes => "Allowed",
            Commercial::Conditions => "Allowed, with conditions",
            Commercial::No => "Not allowed",
        }
    }
}

/// A YAML file as read, kept for error positions.
#[derive(Debug, Clone)]
pub struct YamlFile {
    /// Relative to the site root.
    pub path: PathBuf,
    pub text: Arc<str>,
}

impl YamlFile {
    pub fn read(root: &Path, rel: &Path) -> Result<YamlFile, SiteError> {
        let text = crate::source::read_text(&root.join(rel), rel)?;
        Ok(YamlFile {
            path: rel.to_path_buf(),
            text: text.into(),
        })
    }

    /// Deserializes the whole file, or a located error with a hint.
    pub fn parse<T: for<'de> Deserialize<'de>>(&self, what: &str) -> Result<T, SiteError> {
        self.parse_at(&self.text, 0, what)
    }

    /// Deserializes `text`, a part of this file starting `line_offset`
    /// lines in (front matter).
    pub fn parse_at<T: for<'de> Deserialize<'de>>(
        &self,
        text: &str,
        line_offset: usize,
        what: &str,
    ) -> Result<T, SiteError> {
        // An empty document is an empty map, not an error about `null`.
        let text = if text.trim().is_empty() { "{}" } else { text };
        if let Some((line, column)) = too_deep(text) {
            return Err(SiteError::new(format!(
                "the YAML nests lists or maps more than {MAX_YAML_DEPTH} deep"
            ))
            .at(&self.path, line + line_offset, column)
            .with_source(self.text.clone())
            .hint("no field needs this depth: flatten the value, or quote it to keep it as text"));
        }
        serde_yaml_ng::from_str(text).map_err(|e| yaml_error(&e, self, line_offset, what))
    }

    /// The 1-based line and column of the value at `path` in this file
    /// (for errors found after parsing, such as a dangling reference).
    pub fn locate(&self, path: &[Seg<'_>]) -> (usize, usize) {
        locate(&self.text, path).unwrap_or((1, 1))
    }
}

/// How deep a YAML file may nest flow collections (`[...]`, `{...}`). The
/// YAML parser takes time that grows with the square of this depth, so a
/// deeper file is refused by [`too_deep`] before it is parsed.
pub const MAX_YAML_DEPTH: usize = 100;

/// The 1-based line and column of the first `[` or `{` of `text` that opens
/// a flow collection deeper than [`MAX_YAML_DEPTH`], or `None`. One pass,
/// stopping there: quoted scalars and comments are skipped, and outside a
/// flow collection a bracket counts only where a value can start (at the
/// start of a line or after a space), not inside a word such as `a[[1]`.
pub fn too_deep(text: &str) -> Option<(usize, usize)> {
    let (mut line, mut column, mut depth) = (1usize, 0usize, 0usize);
    let mut chars = text.chars().peekable();
    // The character before the current one on this line (`None` at a line
    // start), to tell a token's start from the middle of a word.
    let mut before: Option<char> = None;
    let at_token_start = |before: Option<char>, depth: usize| {
        before.is_none_or(|b| b.is_whitespace() || (depth > 0 && "[{,:".contains(b)))
    };
    while let Some(c) = chars.next() {
        column += 1;
        match c {
            '\n' => {
                line += 1;
                column = 0;
                before = None;
                continue;
            }
            '#' if before.is_none_or(char::is_whitespace) => {
                while chars.next_if(|&n| n != '\n').is_some() {}
            }
            '"' | '\'' if at_token_start(before, depth) => {
                // A quoted scalar, which may span lines.
                while let Some(q) = chars.next() {
                    column += 1;
                    if q == '\n' {
                        line += 1;
                        column = 0;
                    } else if q == '\\' && c == '"' {
                        if chars.next() == Some('\n') {
                            line += 1;
                            column = 0;
                        } else {
                            column += 1;
                        }
                    } else if q == c {
                        if c == '\'' && chars.peek() == Some(&'\'') {
                            chars.next();
                            column += 1;
                        } else {
                            break;
                        }
                    }
                }
            }
            '[' | '{' if depth > 0 || at_token_start(before, depth) => {
                depth += 1;
                if depth > MAX_YAML_DEPTH {
                    return Some((line, column));
                }
            }
            ']' | '}' if depth > 0 => depth -= 1,
            _ => {}
        }
        before = Some(c);
    }
    None
}

/// One step of a path into a YAML document.
#[derive(Debug, Clone, Copy)]
pub enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Finds the position of the node at `path`, or of the deepest node on the
/// way that exists.
pub fn locate(text: &str, path: &[Seg<'_>]) -> Option<(usize, usize)> {
    use yaml_rust2::parser::{Event, Parser};
    let mut events = Vec::new();
    let mut parser = Parser::new_from_str(text);
    loop {
        match parser.next_token() {
            Ok((Event::StreamEnd, _)) | Err(_) => break,
            Ok((Event::StreamStart | Event::DocumentStart | Event::DocumentEnd, _)) => {}
            Ok((ev, mark)) => events.push((ev, mark.line(), mark.col() + 1)),
        }
    }

    fn skip(events: &[(Event, usize, usize)], pos: &mut usize) {
        let mut depth = 0usize;
        loop {
            let Some((ev, _, _)) = events.get(*pos) else {
                return;
            };
            *pos += 1;
            match ev {
                Event::MappingStart(..) | Event::SequenceStart(..) => depth += 1,
                Event::MappingEnd | Event::SequenceEnd => depth = depth.saturating_sub(1),
                _ => {}
            }
            if depth == 0 {
                return;
            }
        }
    }

    fn find(
        events: &[(Event, usize, usize)],
        pos: &mut usize,
        path: &[Seg<'_>],
    ) -> Option<(usize, usize)> {
        let (ev, line, col) = events.get(*pos)?;
        let here = Some((*line, *col));
        let Some(seg) = path.first() else {
            return here;
        };
        match (ev, seg) {
            (Event::MappingStart(..), Seg::Key(key)) => {
                *pos += 1;
                while let Some((ev, _, _)) = events.get(*pos) {
                    if matches!(ev, Event::MappingEnd) {
                        break;
                    }
                    let is_key = matches!(ev, Event::Scalar(s, ..) if s == key);
                    skip(events, pos);
                    if is_key {
                        return find(events, pos, &path[1..]).or(here);
                    }
                    skip(events, pos);
                }
                here
            }
            (Event::SequenceStart(..), Seg::Index(index)) => {
                *pos += 1;
                for _ in 0..*index {
                    if matches!(events.get(*pos), Some((Event::SequenceEnd, ..)) | None) {
                        return here;
                    }
                    skip(events, pos);
                }
                if matches!(events.get(*pos), Some((Event::SequenceEnd, ..)) | None) {
                    return here;
                }
                find(events, pos, &path[1..]).or(here)
            }
            _ => here,
        }
    }

    let mut pos = 0;
    find(&events, &mut pos, path)
}

/// A serde_yaml error with its position, a clean message and a hint.
fn yaml_error(
    e: &serde_yaml_ng::Error,
    file: &YamlFile,
    line_offset: usize,
    what: &str,
) -> SiteError {
    let raw = e.to_string();
    // serde_yaml writes " at line L column C", counted from the start of the
    // parsed text (not the file), after the message and after parts of it;
    // the location says where already.
    static POSITION: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let position = POSITION
        .get_or_init(|| regex::Regex::new(r" at line \d+ column \d+").expect("a valid pattern"));
    let message = position.replace_all(&raw, "").into_owned();
    let (line, column) = e
        .location()
        .map_or((1, 1), |l| (l.line() + line_offset, l.column()));
    let hint = if let Some((word, expected)) = unknown_name(&message) {
        did_you_mean(&word, expected.iter().map(String::as_str)).or_else(|| {
            Some(format!(
                "the fields {what} can have are: {}",
                expected.join(", ")
            ))
        })
    } else if message.contains("missing field") {
        Some(if what == "a model" {
            format!("every model needs {REQUIRED_MODEL_FIELDS}")
        } else {
            format!("add the missing field to {what}")
        })
    } else if message.contains("invalid type") || message.contains("invalid value") {
        Some("check the value's type against the data schema (a list is written `[a, b]` or as `- a` lines)".to_string())
    } else if message.contains("did not find expected")
        || message.contains("mapping values")
        || message.contains("while scanning")
        || message.contains("while parsing")
    {
        Some("this is not valid YAML: check the indentation and quote values that contain `: ` or start with a special character".to_string())
    } else {
        None
    };
    SiteError::new(message)
        .at(&file.path, line, column)
        .with_source(file.text.clone())
        .maybe_hint(hint)
}

#[cfg(test)]
mod tests {

    #[test]
    fn nesting_past_the_limit_is_found_in_one_pass() {
        let deep = |n: usize| {
            format!(
                "name: x\nextra:\n  deep: {}{}\n",
                "[".repeat(n),
                "]".repeat(n)
            )
        };
        assert_eq!(too_deep(&deep(MAX_YAML_DEPTH)), None);
        assert_eq!(
            too_deep(&deep(MAX_YAML_DEPTH + 1)),
            Some((3, 9 + MAX_YAML_DEPTH))
        );
        // A million levels are refused at once, at the first one too many.
        let started = std::time::Instant::now();
        assert_eq!(too_deep(&deep(1_000_000)), Some((3, 9 + MAX_YAML_DEPTH)));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        let mixed = format!("a: {}", "{k: [".repeat(60));
        assert_eq!(too_deep(&mixed), Some((1, 4 + 5 * 50)));
        // Brackets in words, quotes and comments are not nesting.
        let plain = format!(
            "a: x{}\nb: \"{}\"\nc: '{}'\nd: 1 # {}\ne: 'it''s [' \n",
            "[".repeat(300),
            "[".repeat(300),
            "{".repeat(300),
            "[".repeat(300)
        );
        assert_eq!(too_deep(&plain), None);
        assert_eq!(too_deep("a: \"x\\\"[[[\"\nb: [1, [2, 3]]\n"), None);
    }

    use super::*;

    #[test]
    fn parameter_sizes_parse_and_display() {
        assert_eq!(Parameters::parse("110M"), Some(Parameters(110_000_000)));
        assert_eq!(
            Parameters::parse("1.8T"),
            Some(Parameters(1_800_000_000_000))
        );
        assert_eq!(Parameters::parse("7B").unwrap().display(), "7B");
        assert_eq!(Parameters(22_700_000).display(), "22.7M");
        assert_eq!(Parameters(1_550_000_000).display(), "1.55B");
        assert_eq!(Parameters(124_000_000).display(), "124M");
        assert_eq!(Parameters::parse("big"), None);
    }

    #[test]
    fn release_dates_keep_their_precision() {
        assert!(Released::parse("2019").is_some());
        assert!(Released::parse("2019-02").is_some());
        assert!(Released::parse("2024-02-29").is_some());
        assert!(Released::parse("2023-02-29").is_none());
        assert!(Released::parse("2019-13").is_none());
        assert!(Released::parse("19").is_none());
    }

    #[test]
    fn locate_finds_nested_values() {
        let text = "name: x\nsources:\n  - source: hf\n    url: u\n  - source: gh\n    url: v\n";
        assert_eq!(
            locate(
                text,
                &[Seg::Key("sources"), Seg::Index(1), Seg::Key("source")]
            ),
            Some((5, 13))
        );
        assert_eq!(locate(text, &[Seg::Key("name")]), Some((1, 7)));
    }
}
