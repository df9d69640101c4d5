//! The catalog's columns: one table that names each column of the model
//! tables and each filter of the catalog, and the compact data file the
//! catalog's script reads, made from that table.
//!
//! The templates get the table (the headers of every model table and the
//! groups of the filter form are written from it, each marked with its
//! key), the script finds each column in the data file by the same key,
//! and the `models(...)` shortcode maps its filters onto the catalog's
//! address through it. Nothing outside this table matches columns by
//! position.
//!
//! This module reads the resolved [`Catalog`] and hands each file to the
//! caller's `put`; it renders no page.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};

use crate::catalog::{Catalog, LICENSE_KINDS, Model, license_kind};
use crate::error::SiteError;
use crate::search::{Put, Stop, go_on};
use crate::source::data::{Access, Parameters, Status};

/// How a column's values are made and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The model's name: the catalog's own order.
    Name,
    /// One term of the taxonomy with this id (a creator, a category, a
    /// licence).
    Term(&'static str),
    /// Several terms of the taxonomy with this id (tasks).
    Terms(&'static str),
    /// One of a few values the schema fixes (access, status).
    Choice,
    /// Any number of free values (modalities, domains).
    Values,
    /// A number, filtered by a range (parameters).
    Number,
    /// A date, `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (released).
    Date,
}

/// One column of the catalog.
#[derive(Debug, Serialize)]
pub struct Column {
    /// The column's name everywhere: the table header's `data-column`, the
    /// data file's column, the address parameter of its filter
    /// (`?creator=...`).
    pub key: &'static str,
    /// Its header, and the title of its filter.
    pub label: &'static str,
    /// The model field it shows, as the `models(...)` shortcode names it.
    pub field: &'static str,
    pub kind: Kind,
    /// A column of the model tables.
    pub shown: bool,
    /// Offered as a filter of the catalog.
    pub filter: bool,
}

/// The catalog's columns, in the order of the model tables.
pub const COLUMNS: &[Column] = &[
    Column {
        key: "name",
        label: "Model",
        field: "name",
        kind: Kind::Name,
        shown: true,
        filter: false,
    },
    Column {
        key: "creator",
        label: "Creator",
        field: "creator",
        kind: Kind::Term("creators"),
        shown: true,
        filter: true,
    },
    Column {
        key: "category",
        label: "Category",
        field: "category",
        kind: Kind::Term("categories"),
        shown: true,
        filter: true,
    },
    Column {
        key: "task",
        label: "Tasks",
        field: "tasks",
        kind: Kind::Terms("tasks"),
        shown: true,
        filter: true,
    },
    Column {
        key: "license",
        label: "License",
        field: "license",
        kind: Kind::Term("licenses"),
        shown: true,
        filter: true,
    },
    Column {
        key: "access",
        label: "Access",
        field: "access",
        kind: Kind::Choice,
        shown: true,
        filter: true,
    },
    Column {
        key: "parameters",
        label: "Parameters",
        field: "parameters",
        kind: Kind::Number,
        shown: true,
        filter: true,
    },
    Column {
        key: "released",
        label: "Released",
        field: "released",
        kind: Kind::Date,
        shown: true,
        filter: false,
    },
    Column {
        key: "modality",
        label: "Modality",
        field: "modalities",
        kind: Kind::Values,
        shown: false,
        filter: true,
    },
    Column {
        key: "domain",
        label: "Domain",
        field: "domain",
        kind: Kind::Values,
        shown: false,
        filter: true,
    },
    Column {
        key: "status",
        label: "Status",
        field: "status",
        kind: Kind::Choice,
        shown: false,
        filter: true,
    },
];

/// The column with key `key`.
pub fn column(key: &str) -> Option<&'static Column> {
    COLUMNS.iter().find(|c| c.key == key)
}

/// The column of the taxonomy `taxonomy` (`creators` -> `creator`).
pub fn column_of_taxonomy(taxonomy: &str) -> Option<&'static Column> {
    COLUMNS
        .iter()
        .find(|c| matches!(c.kind, Kind::Term(t) | Kind::Terms(t) if t == taxonomy))
}

/// The table as templates see it: `[{key, label, field, kind, shown,
/// filter, taxonomy?}]`.
pub fn columns_value() -> Value {
    Value::Array(
        COLUMNS
            .iter()
            .map(|c| {
                let mut v = json!({
                    "key": c.key,
                    "label": c.label,
                    "field": c.field,
                    "kind": kind_name(c.kind),
                    "shown": c.shown,
                    "filter": c.filter,
                });
                if let (Kind::Term(t) | Kind::Terms(t), Some(obj)) = (c.kind, v.as_object_mut()) {
                    obj.insert("taxonomy".into(), json!(t));
                }
                v
            })
            .collect(),
    )
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Name => "name",
        Kind::Term(_) => "term",
        Kind::Terms(_) => "terms",
        Kind::Choice => "choice",
        Kind::Values => "values",
        Kind::Number => "number",
        Kind::Date => "date",
    }
}

/// The folder of the catalog's data in the output.
pub const DATA_DIR: &str = "catalog-data";

/// How many models share one file of names and summaries: the rows on
/// screen fetch one or two such files.
pub const CHUNK: usize = 500;

/// Access values in the order the filters offer them.
const ACCESS_ORDER: [Access; 4] = [
    Access::OpenWeights,
    Access::Gated,
    Access::Api,
    Access::Unreleased,
];

const STATUS_ORDER: [Status; 3] = [Status::Active, Status::Deprecated, Status::Removed];

/// A readable name for an access value.
pub fn access_label(access: &str) -> &'static str {
    match access {
        "open-weights" => "Open weights",
        "gated" => "Gated",
        "api" => "API only",
        "unreleased" => "Unreleased",
        _ => "",
    }
}

/// The values of model `m` in column `c`, as option ids (a number as its
/// decimal digits).
fn model_values(m: &Model, c: &Column) -> Vec<String> {
    let d = &m.data;
    match c.key {
        "creator" => vec![d.creator.clone()],
        "category" => vec![d.category.clone()],
        "task" => {
            let mut tasks = d.tasks.clone();
            tasks.dedup();
            tasks
        }
        "license" => d.license.iter().cloned().collect(),
        "access" => d
            .access
            .map(|a| a.as_str().to_string())
            .into_iter()
            .collect(),
        "parameters" => d.parameters.map(|p| p.0.to_string()).into_iter().collect(),
        "released" => d.released.iter().map(|r| r.0.clone()).collect(),
        "modality" => d.modalities.clone(),
        "domain" => d.domain.clone(),
        "status" => vec![d.status.as_str().to_string()],
        _ => Vec::new(),
    }
}

/// One option of a column: what a filter's box stands for.
#[derive(Serialize)]
struct ColumnOption {
    id: String,
    name: String,
    /// Models with this value.
    count: usize,
    /// The term's page, relative to the site root.
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    /// A licence's kind (see [`LICENSE_KINDS`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    license_kind: Option<&'static str>,
}

/// The characters of a code, 6 bits each; none needs escaping in JSON.
const ALPHABET: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// Writes `code` in `width` characters of [`ALPHABET`], most significant
/// first.
fn push_code(out: &mut String, code: usize, width: usize) {
    for i in (0..width).rev() {
        out.push(char::from(ALPHABET[(code >> (6 * i)) & 63]));
    }
}

/// How many characters a code up to `max` needs.
fn code_width(max: usize) -> usize {
    let mut width = 1;
    while max >> (6 * width) > 0 {
        width += 1;
    }
    width
}

/// One column, encoded: its options in sort order, the distinct values
/// models have (a value is a list of options; single-valued columns have
/// one value per option, and leave `values` out), and each model's value
/// as a code.
fn encode_column(catalog: &Catalog, c: &Column) -> Value {
    let per_model: Vec<Vec<String>> = catalog
        .models
        .par_iter()
        .map(|m| model_values(m, c))
        .collect();
    // Options with their counts and names.
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for values in &per_model {
        for v in values {
            *counts.entry(v.as_str()).or_default() += 1;
        }
    }
    let mut options: Vec<ColumnOption> = match c.kind {
        Kind::Term(t) | Kind::Terms(t) => catalog
            .taxonomy(t)
            .map(|tax| {
                tax.terms
                    .iter()
                    .filter(|term| counts.contains_key(term.id.as_str()))
                    .map(|term| ColumnOption {
                        id: term.id.clone(),
                        name: term.name.clone(),
                        count: counts[term.id.as_str()],
                        path: Some(Catalog::term_path(t, &term.slug)),
                        license_kind: (t == "licenses").then(|| license_kind(&term.id)),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        _ => counts
            .iter()
            .map(|(id, &count)| ColumnOption {
                id: id.to_string(),
                name: option_name(c, id),
                count,
                path: None,
                license_kind: None,
            })
            .collect(),
    };
    // Sort order: names for terms and free values, the schema's order for
    // choices, value for numbers and dates.
    match c.kind {
        Kind::Choice => {
            let order: Vec<&str> = if c.key == "access" {
                ACCESS_ORDER.iter().map(|a| a.as_str()).collect()
            } else {
                STATUS_ORDER.iter().map(|s| s.as_str()).collect()
            };
            options.sort_by_key(|o| order.iter().position(|x| *x == o.id));
        }
        Kind::Number => options.sort_by_key(|o| o.id.parse::<u64>().unwrap_or(u64::MAX)),
        Kind::Date => options.sort_by(|a, b| a.id.cmp(&b.id)),
        _ => options.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then_with(|| a.id.cmp(&b.id))
        }),
    }
    let index: BTreeMap<&str, usize> = options
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id.as_str(), i))
        .collect();

    let multi = matches!(c.kind, Kind::Terms(_) | Kind::Values);
    let mut codes = String::new();
    let mut column = json!({
        "key": c.key,
        "kind": kind_name(c.kind),
    });
    if multi {
        // The distinct lists of options, sorted as their names read.
        let lists: Vec<Vec<usize>> = per_model
            .iter()
            .map(|values| {
                let mut l: Vec<usize> = values
                    .iter()
                    .filter_map(|v| index.get(v.as_str()).copied())
                    .collect();
                l.sort_unstable();
                l.dedup();
                l
            })
            .collect();
        let mut distinct: Vec<&Vec<usize>> = lists.iter().filter(|l| !l.is_empty()).collect();
        distinct.sort();
        distinct.dedup();
        let value_of: BTreeMap<&Vec<usize>, usize> = distinct
            .iter()
            .enumerate()
            .map(|(i, l)| (*l, i + 1))
            .collect();
        let width = code_width(distinct.len());
        codes.reserve(width * lists.len());
        for l in &lists {
            push_code(&mut codes, value_of.get(l).copied().unwrap_or(0), width);
        }
        if let Some(obj) = column.as_object_mut() {
            obj.insert("width".into(), json!(width));
            obj.insert("values".into(), json!(distinct));
        }
    } else {
        let width = code_width(options.len());
        codes.reserve(width * per_model.len());
        for values in &per_model {
            let code = values
                .first()
                .and_then(|v| index.get(v.as_str()))
                .map_or(0, |i| i + 1);
            push_code(&mut codes, code, width);
        }
        if let Some(obj) = column.as_object_mut() {
            obj.insert("width".into(), json!(width));
        }
    }
    if let Some(obj) = column.as_object_mut() {
        obj.insert("options".into(), json!(options));
        obj.insert("codes".into(), Value::String(codes));
    }
    column
}

/// The readable name of option `id` of a column without a taxonomy.
fn option_name(c: &Column, id: &str) -> String {
    match c.kind {
        Kind::Choice if c.key == "access" => access_label(id).to_string(),
        // `active` -> "Active", as task ids are named.
        Kind::Choice => crate::catalog::task_name(id),
        Kind::Number => id
            .parse::<u64>()
            .map(|n| Parameters(n).display())
            .unwrap_or_default(),
        _ => id.to_string(),
    }
}

/// The catalog's data for the browser, each file handed to `put` as it is
/// made (its path relative to the output folder):
///
/// - `catalog-data/filters.json`: `{count, chunk, chunks, columns,
///   size_steps, license_kinds}`. Each column is `{key, kind, width,
///   options, values?, codes}`: `options` are `{id, name, count, path?,
///   license_kind?}` in the column's sort order; `codes` holds `width`
///   characters per model, in catalog order, of the alphabet
///   `0-9A-Za-z-_` (6 bits each, most significant first): 0 for none,
///   else `n` for option `n - 1`, or for multi-valued columns
///   (`values` present) for the list of options `values[n - 1]`. Values
///   are numbered in sort order, so sorting by a column is sorting by
///   code. A column that is not a filter (the release date: it only sorts
///   and shows) has no `codes` here; its `codes_file` names
///   `columns/<key>.json`, `{key, width, codes}`. This is what the catalog
///   page loads before its filters answer (on a large catalog the release
///   dates are a third of the gzipped bytes), and the other columns'
///   codes after.
/// - `catalog-data/rows/<n>.json`: `{fields: ["id", "name", "summary"],
///   rows: [[...], ...]}` for models `n * chunk ..`, in catalog order.
/// - `catalog-data/names.json`: `{fields: ["id", "name"], count, lines}`:
///   `lines` holds a line for every model, in catalog order, of its
///   `fields` separated by tabs (a control character inside a field is
///   written as a space): what the words filter and the comparison's
///   picker search.
pub fn files<T: Send>(
    catalog: &Catalog,
    put: &Put<T>,
    stop: &Stop,
) -> Result<Vec<(String, T)>, SiteError> {
    let columns: Vec<Value> = COLUMNS
        .par_iter()
        .filter(|c| c.kind != Kind::Name)
        .map(|c| go_on(stop).map(|()| encode_column(catalog, c)))
        .collect::<Result<_, SiteError>>()?;
    go_on(stop)?;
    let chunks = catalog.models.len().div_ceil(CHUNK);
    let index = json!({
        "count": catalog.models.len(),
        "chunk": CHUNK,
        "chunks": chunks,
        "columns": columns,
        "size_steps": size_steps(),
        "license_kinds": LICENSE_KINDS,
    });
    let mut files = Vec::new();
    let mut first = index;
    for (key, later) in set_apart_later_columns(&mut first) {
        let rel = format!("{DATA_DIR}/{}", later_file(&key));
        files.push((rel.clone(), put(&rel, &to_json(&rel, &later)?)?));
    }
    let rel = format!("{DATA_DIR}/filters.json");
    files.push((rel.clone(), put(&rel, &to_json(&rel, &first)?)?));
    drop(first);
    let rows: Vec<(String, T)> = catalog
        .models
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(n, models)| {
            go_on(stop)?;
            let rel = format!("{DATA_DIR}/rows/{n}.json");
            let rows: Vec<[&str; 3]> = models
                .iter()
                .map(|m| [m.id.as_str(), m.data.name.as_str(), m.data.summary.as_str()])
                .collect();
            let bytes = to_json(
                &rel,
                &json!({ "fields": ["id", "name", "summary"], "rows": rows }),
            )?;
            Ok((rel.clone(), put(&rel, &bytes)?))
        })
        .collect::<Result<_, SiteError>>()?;
    files.extend(rows);
    go_on(stop)?;
    let rel = format!("{DATA_DIR}/names.json");
    let bytes = to_json(&rel, &names_value(catalog))?;
    files.push((rel.clone(), put(&rel, &bytes)?));
    Ok(files)
}

/// `names.json`: every model's fields, tab-separated, one model a line,
/// in one string. A browser reads one long string far faster than a
/// hundred thousand small lists, and searches it as it comes.
fn names_value(catalog: &Catalog) -> Value {
    // A tab or line break inside a name would move the fields of the
    // line: it becomes a space (the words filter splits on spaces anyway).
    fn push_field(text: &mut String, field: &str) {
        text.extend(field.chars().map(|c| if c.is_control() { ' ' } else { c }));
    }
    let mut text = String::with_capacity(catalog.models.len() * 32);
    for m in &catalog.models {
        push_field(&mut text, &m.id);
        text.push('\t');
        push_field(&mut text, &m.data.name);
        text.push('\n');
    }
    json!({ "fields": ["id", "name"], "count": catalog.models.len(), "lines": text })
}

/// Where the codes of a column that is not a filter are, relative to
/// [`DATA_DIR`].
fn later_file(key: &str) -> String {
    format!("columns/{key}.json")
}

/// Takes the codes of the columns that are not filters out of `index`
/// (of the whole table), leaving in each such column the name of
/// the file that holds them, and returns those files' values, `{key,
/// width, codes}`, with their column keys.
fn set_apart_later_columns(index: &mut Value) -> Vec<(String, Value)> {
    let mut later = Vec::new();
    let Some(columns) = index.get_mut("columns").and_then(Value::as_array_mut) else {
        return later;
    };
    for col in columns {
        let Some(obj) = col.as_object_mut() else {
            continue;
        };
        let Some(key) = obj.get("key").and_then(Value::as_str).map(str::to_string) else {
            continue;
        };
        if column(&key).is_none_or(|c| c.filter) {
            continue;
        }
        let codes = obj.remove("codes").unwrap_or(Value::Null);
        let width = obj.get("width").cloned().unwrap_or(Value::Null);
        obj.insert("codes_file".into(), json!(later_file(&key)));
        later.push((
            key.clone(),
            json!({ "key": key, "width": width, "codes": codes }),
        ));
    }
    later
}

/// The steps of the parameter range filter and the chooser's size
/// question.
pub fn size_steps() -> Value {
    Value::Array(
        [1e8, 3e8, 1e9, 3e9, 8e9, 15e9, 35e9, 75e9, 200e9, 1e12]
            .iter()
            .map(|&n| {
                let p = Parameters(n as u64);
                json!({ "value": p.0, "label": p.display() })
            })
            .collect(),
    )
}

fn to_json(rel: &str, value: &impl Serialize) -> Result<Vec<u8>, SiteError> {
    serde_json::to_vec(value).map_err(|e| SiteError::new(format!("cannot write {rel}: {e}")))
}

/// The catalog address that shows what a `models(...)` shortcode with
/// `filters` (model field = value) lists, when every filter is one the
/// catalog has: `?category=embedding&task=fill-mask`.
pub fn catalog_query(filters: &[(String, String)]) -> Option<String> {
    let mut parts = Vec::new();
    for (field, value) in filters {
        let c = COLUMNS.iter().find(|c| c.field == field && c.filter)?;
        if c.kind == Kind::Number {
            // A range filter cannot say "exactly".
            return None;
        }
        parts.push(format!("{}={}", c.key, urlencode(value)));
    }
    Some(parts.join("&"))
}

/// The catalog address parameter that shows only the models of a term of
/// taxonomy `taxonomy`: `category=audio`; `None` when the catalog has no
/// filter on that taxonomy.
pub fn term_query(taxonomy: &str, term: &str) -> Option<String> {
    COLUMNS
        .iter()
        .find(|c| c.filter && matches!(c.kind, Kind::Term(t) | Kind::Terms(t) if t == taxonomy))
        .map(|c| format!("{}={}", c.key, urlencode(term)))
}

/// `term_slug` of the value, when a filter names one term of a taxonomy:
/// `models(category="audio")` is that term's page.
pub fn term_page(catalog: &Catalog, filters: &[(String, String)]) -> Option<String> {
    let [(field, value)] = filters else {
        return None;
    };
    let c = COLUMNS.iter().find(|c| c.field == field)?;
    let (Kind::Term(t) | Kind::Terms(t)) = c.kind else {
        return None;
    };
    let tax = catalog.taxonomy(t)?;
    tax.terms
        .iter()
        .find(|term| &term.id == value)
        .map(|term| Catalog::term_path(t, &term.slug))
}

fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_bits_a_character_most_significant_first() {
        assert_eq!(code_width(0), 1);
        assert_eq!(code_width(63), 1);
        assert_eq!(code_width(64), 2);
        assert_eq!(code_width(4095), 2);
        assert_eq!(code_width(4096), 3);
        let mut s = String::new();
        push_code(&mut s, 0, 1);
        push_code(&mut s, 10, 1);
        push_code(&mut s, 63, 1);
        push_code(&mut s, 65, 2);
        assert_eq!(s, "0A_11");
    }

    #[test]
    fn filters_file_leaves_the_codes_of_columns_that_only_sort_for_later() {
        let mut index = json!({
            "count": 2,
            "columns": [
                {"key": "creator", "kind": "term", "width": 1, "options": [], "codes": "12"},
                {"key": "released", "kind": "date", "width": 2, "options": [], "codes": "0102"},
            ],
        });
        let later = set_apart_later_columns(&mut index);
        assert_eq!(index["columns"][0]["codes"], "12");
        assert_eq!(index["columns"][1].get("codes"), None);
        assert_eq!(index["columns"][1]["codes_file"], "columns/released.json");
        assert_eq!(
            later,
            [(
                "released".to_string(),
                json!({"key": "released", "width": 2, "codes": "0102"})
            )]
        );
    }

    #[test]
    fn every_key_is_unique_and_every_filter_maps_to_a_field() {
        for (i, c) in COLUMNS.iter().enumerate() {
            assert!(
                COLUMNS[i + 1..]
                    .iter()
                    .all(|o| o.key != c.key && o.field != c.field)
            );
        }
        assert_eq!(column_of_taxonomy("tasks").map(|c| c.key), Some("task"));
        let f = |k: &str, v: &str| (k.to_string(), v.to_string());
        assert_eq!(
            catalog_query(&[f("tasks", "fill-mask"), f("license", "openrail++")]).as_deref(),
            Some("task=fill-mask&license=openrail%2B%2B")
        );
        assert_eq!(catalog_query(&[f("tags", "x")]), None);
    }
}
