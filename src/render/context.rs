//! The values templates see: models, rows, terms, pages, as JSON.
//!
//! The shapes are documented in `docs/templates.md`; this module is the one
//! place that builds them, so the two must change together.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::catalog::{
    Catalog, LICENSE_KINDS, Page, Taxonomy, Term, license_kind, license_kind_label, license_name,
    task_name, term_slug,
};
use crate::markdown::TocEntry;
use crate::source::data::{Access, CreatorKind, Status};

/// `{id, name, url}` of a term, by taxonomy.
pub fn term_ref(catalog: &Catalog, taxonomy: &str, id: &str, name: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "url": catalog.config.url(&Catalog::term_path(taxonomy, &term_slug(id))),
    })
}

/// `{id, name, url}` of a catalog model.
pub fn model_ref(catalog: &Catalog, index: usize) -> Value {
    let m = &catalog.models[index];
    json!({ "id": m.id, "name": m.data.name, "url": catalog.config.url(&m.path) })
}

fn insert_if(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        map.insert(key.to_string(), v);
    }
}

fn insert_list(map: &mut Map<String, Value>, key: &str, list: &[String]) {
    map.insert(key.to_string(), json!(list));
}

/// The full model as `model.html` sees it, without `content` and `toc`
/// (see [`crate::render::memo::ModelEntry::value`] and [`with_prose`]).
pub fn model_value(catalog: &Catalog, index: usize) -> Value {
    let m = &catalog.models[index];
    let d = &m.data;
    let config = &catalog.config;
    let mut v = Map::new();
    v.insert("id".into(), json!(m.id));
    v.insert("name".into(), json!(d.name));
    v.insert("summary".into(), json!(d.summary));
    v.insert("url".into(), json!(config.url(&m.path)));
    v.insert("source".into(), json!(m.file.to_string_lossy()));

    let creator = catalog.creators.get(&d.creator);
    let mut creator_value = term_ref(
        catalog,
        "creators",
        &d.creator,
        creator.map_or(d.creator.as_str(), |c| c.name.as_str()),
    );
    if let (Some(c), Some(obj)) = (creator, creator_value.as_object_mut()) {
        insert_if(obj, "kind", c.kind.map(|k| json!(k)));
        insert_if(obj, "homepage", c.url.as_ref().map(|u| json!(u)));
    }
    v.insert("creator".into(), creator_value);
    let category_name = catalog
        .categories
        .get(&d.category)
        .map_or(d.category.as_str(), |c| c.name.as_str());
    v.insert(
        "category".into(),
        term_ref(catalog, "categories", &d.category, category_name),
    );
    v.insert(
        "tasks".into(),
        Value::Array(
            d.tasks
                .iter()
                .map(|t| term_ref(catalog, "tasks", t, &task_name(t)))
                .collect(),
        ),
    );
    insert_if(
        &mut v,
        "license",
        d.license
            .as_ref()
            .map(|l| term_ref(catalog, "licenses", l, &license_name(l))),
    );
    insert_if(
        &mut v,
        "license_name",
        d.license_name.as_ref().map(|s| json!(s)),
    );
    insert_if(
        &mut v,
        "license_link",
        d.license_link.as_ref().map(|s| json!(s)),
    );
    insert_if(&mut v, "access", d.access.map(|a| json!(a.as_str())));
    insert_if(&mut v, "parameters", d.parameters.map(|p| json!(p.0)));
    insert_if(
        &mut v,
        "parameters_display",
        d.parameters.map(|p| json!(p.display())),
    );
    insert_if(&mut v, "released", d.released.as_ref().map(|r| json!(r.0)));
    insert_list(&mut v, "modalities", &d.modalities);
    insert_list(&mut v, "domain", &d.domain);
    insert_list(&mut v, "language", &d.language);
    insert_list(&mut v, "datasets", &d.datasets);
    insert_list(&mut v, "tags", &d.tags);
    insert_list(&mut v, "mirrors", &d.mirrors);

    let base_models: Vec<Value> = d
        .base_model
        .0
        .iter()
        .map(|b| match catalog.by_id.get(b) {
            Some(&i) => json!({
                "name": catalog.models[i].data.name,
                "url": config.url(&catalog.models[i].path),
                "in_catalog": true,
                "id": b,
            }),
            None => json!({
                "name": b,
                "url": format!("https://huggingface.co/{b}"),
                "in_catalog": false,
            }),
        })
        .collect();
    v.insert("base_models".into(), Value::Array(base_models));
    insert_if(
        &mut v,
        "base_model_relation",
        d.base_model_relation.map(|r| json!(r.as_str())),
    );
    v.insert(
        "derived".into(),
        Value::Array(m.derived.iter().map(|&i| model_ref(catalog, i)).collect()),
    );
    insert_if(
        &mut v,
        "new_version",
        d.new_version
            .as_ref()
            .and_then(|n| catalog.by_id.get(n))
            .map(|&i| model_ref(catalog, i)),
    );
    v.insert(
        "superseded".into(),
        Value::Array(
            m.superseded
                .iter()
                .map(|&i| model_ref(catalog, i))
                .collect(),
        ),
    );
    v.insert("status".into(), json!(d.status.as_str()));

    let libraries: Vec<Value> = d
        .libraries
        .iter()
        .filter_map(|id| catalog.libraries.get(id).map(|l| (id, l)))
        .map(|(id, l)| {
            json!({
                "id": id,
                "name": l.name,
                "url": l.url,
                "cache_dir": l.cache_dir,
                "env": l.env,
                "description": l.description,
            })
        })
        .collect();
    v.insert("libraries".into(), Value::Array(libraries));
    let sources: Vec<Value> = d
        .sources
        .iter()
        .filter_map(|s| catalog.sources.get(&s.source).map(|src| (s, src)))
        .map(|(s, src)| {
            json!({
                "id": s.source,
                "name": src.name,
                "url": s.url,
                "kind": src.kind,
                "description": src.description,
                "homepage": src.url,
            })
        })
        .collect();
    v.insert("sources".into(), Value::Array(sources));
    v.insert(
        "links".into(),
        Value::Array(
            d.links
                .iter()
                .map(|(name, url)| json!({ "name": name, "url": url }))
                .collect(),
        ),
    );
    v.insert(
        "evaluations".into(),
        Value::Array(
            d.evaluations
                .iter()
                .map(|e| {
                    json!({
                        "task": e.task,
                        "dataset": e.dataset,
                        "metric": e.metric,
                        "value": e.value.0,
                        "source": e.source.clone().unwrap_or_default(),
                        "source_name": e.source_name.clone().unwrap_or_default(),
                    })
                })
                .collect(),
        ),
    );
    v.insert("extra".into(), Value::Object(d.extra.clone()));
    Value::Object(v)
}

/// The fields of a model row, taken from the full model value.
const ROW_FIELDS: [&str; 15] = [
    "id",
    "name",
    "summary",
    "url",
    "creator",
    "category",
    "tasks",
    "license",
    "access",
    "parameters",
    "parameters_display",
    "released",
    "status",
    "modalities",
    "domain",
];

/// A model row (catalog and lists) from a full model value.
pub fn row_value(full: &Value) -> Value {
    let mut row = Map::new();
    if let Some(obj) = full.as_object() {
        for key in ROW_FIELDS {
            if let Some(v) = obj.get(key) {
                row.insert(key.to_string(), v.clone());
            }
        }
    }
    Value::Object(row)
}

/// A taxonomy's own description.
pub fn taxonomy_value(catalog: &Catalog, t: &Taxonomy) -> Value {
    json!({
        "id": t.id,
        "title": t.title,
        "singular": t.singular,
        "url": catalog.config.url(&format!("{}/", t.id)),
    })
}

/// A term with its count (and a creator's kind and homepage).
pub fn term_value(catalog: &Catalog, t: &Taxonomy, term: &Term) -> Value {
    let mut v = json!({
        "id": term.id,
        "name": term.name,
        "description": term.description,
        "url": catalog.config.url(&Catalog::term_path(t.id, &term.slug)),
        "count": term.models.len(),
    });
    if let (Some(q), Some(obj)) = (
        crate::columns::term_query(t.id, &term.id),
        v.as_object_mut(),
    ) {
        obj.insert(
            "catalog_url".to_string(),
            json!(format!("{}?{q}", catalog.config.url("models/"))),
        );
    }
    if t.id == "licenses"
        && let Some(obj) = v.as_object_mut()
    {
        obj.insert("license".to_string(), license_value(catalog, &term.id));
    }
    if t.id == "creators"
        && let (Some(c), Some(obj)) = (catalog.creators.get(&term.id), v.as_object_mut())
    {
        insert_if(obj, "kind", c.kind.map(|k| json!(k)));
        insert_if(obj, "homepage", c.url.as_ref().map(|u| json!(u)));
    }
    v
}

/// What the licence `id` allows, for its licence page: its kind (in the
/// chooser's words) and the facts of `data/licenses.yaml`, when it has them.
fn license_value(catalog: &Catalog, id: &str) -> Value {
    let kind = license_kind(id);
    let mut v = json!({ "kind": kind, "kind_label": license_kind_label(kind) });
    if let (Some(l), Some(obj)) = (catalog.licenses.get(id), v.as_object_mut()) {
        insert_if(
            obj,
            "commercial",
            l.commercial.map(|c| json!({ "id": c, "label": c.label() })),
        );
        if !l.summary.is_empty() {
            obj.insert("summary".into(), json!(l.summary));
        }
        if !l.restrictions.is_empty() {
            obj.insert("restrictions".into(), json!(l.restrictions));
        }
        insert_if(obj, "text_url", l.url.as_ref().map(|u| json!(u)));
        insert_if(obj, "source", l.source.as_ref().map(|u| json!(u)));
    }
    v
}

/// A page summary (no content); `page_value` adds `content` and `toc`.
pub fn page_summary(catalog: &Catalog, page: &Page) -> Value {
    let f = &page.source.front;
    json!({
        "title": page.title(),
        "description": f.description,
        "url": catalog.config.url(&page.path),
        "path": page.path,
        "weight": f.weight,
        "extra": f.extra,
        "source": page.source.file.to_string_lossy(),
    })
}

/// A page's full value: its summary, its rendered text and the table of
/// contents to show (see [`crate::markdown::Rendered::toc_shown`]).
pub fn page_value(catalog: &Catalog, page: &Page, content: &str, toc: &[TocEntry]) -> Value {
    let mut v = page_summary(catalog, page);
    if let Some(obj) = v.as_object_mut() {
        obj.insert("content".into(), json!(content));
        obj.insert("toc".into(), json!(toc));
    }
    v
}

/// How many numbered links a pager shows on each side of the current page
/// (besides the first and the last).
const PAGER_REACH: usize = 2;

/// The pager of page `number` of `pages` of the list at `path`, which
/// shows rows `shown` (0-based, end excluded) of `total`: `{number, count,
/// size, total, first, last, prev, next, links}`, `size` being the rows a
/// page holds. `first` and `last` are the
/// 1-based numbers of the rows shown, `prev` and `next` the URLs of the
/// neighbouring pages (absent at either end), and `links` the numbered
/// links to show, `{number, url, current}`, with `{gap: true}` where
/// numbers are left out.
pub fn pager_value(
    config: &crate::config::Config,
    path: &str,
    number: usize,
    pages: usize,
    shown: std::ops::Range<usize>,
    total: usize,
) -> Value {
    let url = |n: usize| config.url(&crate::catalog::paged_path(path, n));
    let mut links = Vec::new();
    let mut last_shown = 0;
    for n in 1..=pages {
        let near = n.abs_diff(number) <= PAGER_REACH;
        if n == 1 || n == pages || near {
            if n > last_shown + 1 {
                links.push(json!({ "gap": true }));
            }
            links.push(json!({ "number": n, "url": url(n), "current": n == number }));
            last_shown = n;
        }
    }
    let mut v = json!({
        "number": number,
        "count": pages,
        "size": config.catalog.page_size,
        "total": total,
        "first": if shown.is_empty() { 0 } else { shown.start + 1 },
        "last": shown.end,
        "links": links,
    });
    if let Some(obj) = v.as_object_mut() {
        insert_if(obj, "prev", (number > 1).then(|| json!(url(number - 1))));
        insert_if(
            obj,
            "next",
            (number < pages).then(|| json!(url(number + 1))),
        );
    }
    v
}

/// Attaches rendered prose to a full model value.
pub fn with_prose(mut model: Value, content: String, toc: &[TocEntry]) -> Value {
    if let Some(obj) = model.as_object_mut() {
        obj.insert("content".into(), Value::String(content));
        obj.insert("toc".into(), json!(toc));
    }
    model
}

/// A model's top-level fields as the `models(...)` shortcode compares
/// them: every field but a plain object, each with the texts it matches (a
/// string as written, a number or truth value as printed, a term by its
/// id, a list by any of its items).
pub struct FilterView(Vec<(String, Vec<String>)>);

impl FilterView {
    pub fn new(model: &Value) -> FilterView {
        let text = |v: &Value| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Object(o) => o.get("id").and_then(Value::as_str).map(str::to_string),
            _ => None,
        };
        let fields = model
            .as_object()
            .map(|o| {
                o.iter()
                    .filter(|(_, v)| !matches!(v, Value::Object(m) if !m.contains_key("id")))
                    .map(|(k, v)| {
                        let texts = match v {
                            Value::Array(items) => items.iter().filter_map(text).collect(),
                            other => text(other).into_iter().collect(),
                        };
                        (k.clone(), texts)
                    })
                    .collect()
            })
            .unwrap_or_default();
        FilterView(fields)
    }

    /// The fields a `models(...)` filter can name.
    pub fn fields(&self) -> Vec<String> {
        self.0.iter().map(|(k, _)| k.clone()).collect()
    }

    /// Does the model match every `field=value` filter? A list field
    /// matches when one element does; a term matches by id.
    pub fn matches(&self, filters: &[(String, String)]) -> bool {
        filters.iter().all(|(key, wanted)| {
            self.0
                .iter()
                .find(|(k, _)| k == key)
                .is_some_and(|(_, texts)| texts.iter().any(|t| t == wanted))
        })
    }
}

/// The model as schema.org JSON-LD, ready to sit inside
/// `<script type="application/ld+json">`: `<`, `>` and `&` are written as
/// `\u` escapes, so no text from the data can end the script element.
///
/// It holds what the page's other metadata does not: the summary is the
/// page's `<meta name="description">` and the tags are on the page, so
/// neither is repeated here (every model page would carry them twice).
pub fn model_json_ld(catalog: &Catalog, index: usize) -> String {
    let m = &catalog.models[index];
    let d = &m.data;
    let config = &catalog.config;
    let mut v = Map::new();
    v.insert("@context".into(), json!("https://schema.org"));
    v.insert("@type".into(), json!("SoftwareApplication"));
    v.insert("name".into(), json!(d.name));
    v.insert("identifier".into(), json!(m.id));
    v.insert("url".into(), json!(config.url(&m.path)));
    if let Some(category) = catalog.categories.get(&d.category) {
        v.insert("applicationCategory".into(), json!(category.name));
    }
    let creator = catalog.creators.get(&d.creator);
    let person = creator.and_then(|c| c.kind) == Some(CreatorKind::Individual);
    let mut who = Map::new();
    who.insert(
        "@type".into(),
        json!(if person { "Person" } else { "Organization" }),
    );
    who.insert(
        "name".into(),
        json!(creator.map_or(d.creator.as_str(), |c| c.name.as_str())),
    );
    v.insert("creator".into(), Value::Object(who));
    if let Some(released) = &d.released {
        v.insert("datePublished".into(), json!(released.0));
    }
    if let Some(link) = &d.license_link {
        v.insert("license".into(), json!(link));
    } else if let Some(name) = d
        .license_name
        .clone()
        .or(d.license.as_deref().map(license_name))
    {
        v.insert("license".into(), json!(name));
    }
    let based_on: Vec<String> = d
        .base_model
        .0
        .iter()
        .map(|b| match catalog.by_id.get(b) {
            Some(&i) => config.url(&catalog.models[i].path),
            None => format!("https://huggingface.co/{b}"),
        })
        .collect();
    if !based_on.is_empty() {
        v.insert("isBasedOn".into(), json!(based_on));
    }
    let downloadable = matches!(d.access, Some(Access::OpenWeights | Access::Gated));
    if downloadable && !d.sources.is_empty() {
        let urls: Vec<&str> = d.sources.iter().map(|s| s.url.as_str()).collect();
        v.insert("downloadUrl".into(), json!(urls));
    }
    if d.status != Status::Active {
        v.insert(
            "creativeWorkStatus".into(),
            json!(match d.status {
                Status::Removed => "Removed",
                _ => "Deprecated",
            }),
        );
    }
    let text = Value::Object(v).to_string();
    text.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// What the catalog's filters, the chooser and the comparison offer: the
/// access kinds, modalities, domains and licence kinds with their model
/// counts, and the steps of the size range.
pub fn finder_facets(catalog: &Catalog) -> Value {
    let counts = &catalog.facets;
    let unlicensed = counts.unlicensed;
    let mut kinds: BTreeMap<&str, (Vec<String>, usize)> = BTreeMap::new();
    // Each model has at most one licence, and the licence terms list them:
    // a kind counts the models of its terms.
    if unlicensed > 0 {
        kinds.entry("unknown").or_default().1 += unlicensed;
    }
    if let Some(licenses) = catalog.taxonomy("licenses") {
        for term in &licenses.terms {
            let kind = kinds.entry(license_kind(&term.id)).or_default();
            kind.0.push(term.id.clone());
            kind.1 += term.models.len();
        }
    }
    let counted = |map: &BTreeMap<String, usize>| -> Vec<Value> {
        map.iter()
            .map(|(id, count)| json!({ "id": id, "count": count }))
            .collect()
    };
    let access_order = [
        Access::OpenWeights,
        Access::Gated,
        Access::Api,
        Access::Unreleased,
    ];
    let access: Vec<Value> = access_order
        .iter()
        .filter_map(|a| {
            counts
                .access
                .get(a.as_str())
                .map(|&count| json!({ "id": a.as_str(), "count": count }))
        })
        .collect();
    let license_kinds: Vec<Value> = LICENSE_KINDS
        .iter()
        .filter_map(|k| {
            kinds
                .get(k)
                .filter(|(_, count)| *count > 0)
                .map(|(ids, count)| {
                    json!({
                        "id": k,
                        "label": license_kind_label(k),
                        "licenses": ids,
                        "count": count,
                    })
                })
        })
        .collect();
    json!({
        "access": access,
        "modalities": counted(&counts.modalities),
        "domains": counted(&counts.domains),
        "license_kinds": license_kinds,
        "size_steps": crate::columns::size_steps(),
        "sized_count": counts.sized,
        "unlicensed_count": unlicensed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pager_links_the_ends_and_the_pages_near_the_current_one() {
        let config = crate::config::Config::for_tests("https://x.org/a/");
        let p = pager_value(&config, "models/", 6, 20, 500..600, 1990);
        let numbers: Vec<String> = p["links"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.get("number").map_or("…".to_string(), |n| n.to_string()))
            .collect();
        assert_eq!(numbers, ["1", "…", "4", "5", "6", "7", "8", "…", "20"]);
        assert_eq!(p["prev"], "https://x.org/a/models/page/5/");
        assert_eq!(p["next"], "https://x.org/a/models/page/7/");
        assert_eq!(
            (p["first"].as_u64(), p["last"].as_u64()),
            (Some(501), Some(600))
        );
        let only = pager_value(&config, "tasks/x/", 1, 1, 0..3, 3);
        assert!(only.get("prev").is_none() && only.get("next").is_none());
        assert_eq!(only["links"].as_array().map(Vec::len), Some(1));
    }

    #[test]
    fn a_filter_view_matches_text_numbers_truth_terms_and_lists() {
        let model = json!({
            "name": "Bert",
            "parameters": 110,
            "gated": false,
            "creator": {"id": "google", "name": "Google"},
            "tasks": [{"id": "fill-mask"}, {"id": "text-classification"}],
            "tags": ["nlp", "encoder"],
            "links": {"paper": "https://arxiv.org/abs/1810.04805"},
            "released": null,
        });
        let view = FilterView::new(&model);
        let f = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
        assert!(view.matches(&f("name", "Bert")));
        assert!(view.matches(&f("parameters", "110")));
        assert!(view.matches(&f("gated", "false")));
        assert!(view.matches(&f("creator", "google")));
        assert!(view.matches(&f("tasks", "text-classification")));
        assert!(view.matches(&f("tags", "encoder")));
        assert!(!view.matches(&f("tags", "decoder")));
        assert!(!view.matches(&f("released", "null")));
        assert!(!view.matches(&f("missing", "x")));
        let both = [f("name", "Bert"), f("tags", "nlp")].concat();
        assert!(view.matches(&both));
        // A plain object (not a term) is not a field a filter can name.
        assert!(!view.fields().contains(&"links".to_string()));
        assert!(view.fields().contains(&"released".to_string()));
    }
}
