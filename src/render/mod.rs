//! Rendering: every page of the site through its template, in parallel.
//!
//! This stage turns the [`Catalog`] into HTML documents and hands each one,
//! as soon as it is made, to the caller's `emit` function (which writes it
//! and gathers its links). It holds no finished page in memory and knows
//! nothing of where files go.

pub mod context;
pub mod templates;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Value, json};
use tera::Context;

use crate::catalog::{Catalog, Page};
use crate::error::{Errors, SiteError, closest, did_you_mean};
use crate::markdown::{self, FragmentLink, MarkdownEnv, Problem, Rendered, ShortcodeArgs};
use crate::source::PAGES_DIR;
use crate::source::pages::PageSource;
use context::{
    filterable_fields, finder_facets, matches_filters, model_json_ld, model_value, newest_first,
    page_summary, page_value, row_value, rows_for, taxonomy_value, term_value, with_prose,
};
pub use templates::Templates;

/// Where a page's content came from, for messages about it.
#[derive(Debug, Clone)]
pub struct Origin {
    /// The data or Markdown file, relative to the site root, with its text.
    pub source: Option<(PathBuf, Arc<str>)>,
    /// The template file that laid the page out.
    pub template: PathBuf,
}

/// One finished document.
pub struct Document {
    /// File path inside the output folder (`models/bert/index.html`).
    pub file: String,
    pub html: String,
    pub origin: Origin,
}

/// An `@/page.md#fragment` link and the file it was written in.
#[derive(Debug, Clone)]
pub struct FragmentCheck {
    pub file: PathBuf,
    pub text: Arc<str>,
    pub link: FragmentLink,
}

/// The output file of a URL path: `a/b/` -> `a/b/index.html`.
pub fn file_for(path: &str) -> String {
    format!("{path}index.html")
}

/// Renders every page; `emit` receives each document as soon as it is made.
/// Returns what `emit` returned for each document, and the fragment links
/// to check once every page's ids are known.
pub fn render_site<T: Send>(
    catalog: &Catalog,
    templates: &Templates,
    emit: &(dyn Fn(Document) -> Result<T, SiteError> + Sync),
) -> Result<(Vec<T>, Vec<FragmentCheck>), Errors> {
    let renderer = Renderer::new(catalog, templates)?;
    let jobs = renderer.jobs();
    type JobResult<T> = Result<(Vec<T>, Vec<FragmentCheck>), Vec<SiteError>>;
    let results: Vec<JobResult<T>> = jobs
        .par_iter()
        .map(|job| {
            let (documents, checks) = renderer.run(job)?;
            let mut outs = Vec::with_capacity(documents.len());
            for doc in documents {
                outs.push(emit(doc).map_err(|e| vec![e])?);
            }
            Ok((outs, checks))
        })
        .collect();
    let mut errors = Errors::default();
    let mut outs = Vec::new();
    let mut checks = Vec::new();
    for r in results {
        match r {
            Ok((o, c)) => {
                outs.extend(o);
                checks.extend(c);
            }
            Err(es) => errors.0.extend(es),
        }
    }
    errors.into_result((outs, checks))
}

/// One unit of rendering work.
enum Job<'a> {
    Home,
    Page(&'a Page),
    Section(&'a str),
    Catalog,
    Model(usize),
    TaxonomyList(usize),
    Term(usize, usize),
    /// A page the theme's scripts complete (`compare/`, `choose/`, `search/`).
    Tool(&'static str),
    NotFound,
}

struct Renderer<'a> {
    catalog: &'a Catalog,
    templates: &'a Templates,
    base: Context,
    rows: Vec<Value>,
    /// The tool pages the theme has a template for.
    tools: Vec<&'static str>,
    /// `site/<rel>.md` (relative to `site/`) -> page index.
    pages_by_file: HashMap<String, usize>,
}

impl<'a> Renderer<'a> {
    fn new(catalog: &'a Catalog, templates: &'a Templates) -> Result<Self, Errors> {
        check_page_templates(catalog, templates)?;
        let config = &catalog.config;
        let rows: Vec<Value> = (0..catalog.models.len())
            .into_par_iter()
            .map(|i| row_value(&model_value(catalog, i)))
            .collect();

        let mut base = Context::new();
        base.insert(
            "config",
            &json!({
                "title": config.title,
                "description": config.description,
                "base_url": config.base_url,
                "language": config.language,
                "extra": config.extra,
                "search_enabled": config.search.enabled,
                "feed_enabled": config.feed.enabled,
                "build_date": chrono::Utc::now().format("%Y-%m-%d").to_string(),
            }),
        );
        let tools: Vec<&'static str> = crate::catalog::tool_paths(config)
            .into_iter()
            .filter(|path| templates.has(&tool_template(path)))
            .collect();
        base.insert("nav", &nav(catalog, &tools));
        base.insert("guides", &guides(catalog));
        base.insert("data", &catalog.other_data);

        let pages_by_file = catalog
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let rel = p
                    .source
                    .file
                    .strip_prefix(PAGES_DIR)
                    .unwrap_or(&p.source.file)
                    .to_string_lossy()
                    .replace('\\', "/");
                (rel, i)
            })
            .collect();
        Ok(Renderer {
            catalog,
            templates,
            base,
            rows,
            tools,
            pages_by_file,
        })
    }

    fn jobs(&self) -> Vec<Job<'a>> {
        let c = self.catalog;
        let mut jobs = vec![Job::Home, Job::Catalog, Job::NotFound];
        jobs.extend(
            c.pages
                .iter()
                .filter(|p| p.standalone && !p.path.is_empty())
                .map(Job::Page),
        );
        jobs.extend(c.sections.iter().map(|s| Job::Section(s.as_str())));
        jobs.extend((0..c.models.len()).map(Job::Model));
        jobs.extend(self.tools.iter().map(|path| Job::Tool(path)));
        for (t, tax) in c.taxonomies.iter().enumerate() {
            jobs.push(Job::TaxonomyList(t));
            jobs.extend((0..tax.terms.len()).map(|i| Job::Term(t, i)));
        }
        jobs
    }

    fn run(&self, job: &Job<'_>) -> Result<(Vec<Document>, Vec<FragmentCheck>), Vec<SiteError>> {
        let c = self.catalog;
        match job {
            Job::Home => {
                let mut ctx = self.context("");
                let page = c.page_at("");
                let checks = self.insert_intro(&mut ctx, page)?;
                let categories: Vec<Value> = c
                    .taxonomy("categories")
                    .map(|t| t.terms.iter().map(|term| term_value(c, t, term)).collect())
                    .unwrap_or_default();
                ctx.insert("categories", &categories);
                let newest: Vec<usize> = newest_first(&c.models).into_iter().take(10).collect();
                ctx.insert("newest_models", &rows_for(&self.rows, &newest));
                ctx.insert("model_count", &c.models.len());
                let doc = self.document("index.html", "", &ctx, page.map(|p| &p.source))?;
                Ok((self.with_aliases(doc, page), checks))
            }
            Job::Page(page) => {
                let mut ctx = self.context(&page.path);
                let rendered = self.markdown(&page.source)?;
                ctx.insert("page", &page_value(c, page, &rendered.html, &rendered.toc));
                let template = page.source.front.template.as_deref().unwrap_or("page.html");
                let doc = self.document(template, &page.path, &ctx, Some(&page.source))?;
                Ok((
                    self.with_aliases(doc, Some(page)),
                    self.checks(&page.source, rendered),
                ))
            }
            Job::Section(path) => {
                let mut ctx = self.context(path);
                let mut pages: Vec<&Page> = c
                    .pages
                    .iter()
                    .filter(|p| p.standalone && p.path.starts_with(path) && p.path != *path)
                    .collect();
                sort_pages(&mut pages);
                let title = path
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .map(crate::catalog::task_name)
                    .unwrap_or_default();
                ctx.insert(
                    "section",
                    &json!({
                        "title": title,
                        "path": path,
                        "url": c.config.url(path),
                        "pages": pages.iter().map(|p| page_summary(c, p)).collect::<Vec<_>>(),
                    }),
                );
                let doc = self.document("section.html", path, &ctx, None)?;
                Ok((vec![doc], Vec::new()))
            }
            Job::Catalog => {
                let path = "models/";
                let mut ctx = self.context(path);
                let page = c.page_at(path);
                let checks = self.insert_intro(&mut ctx, page)?;
                ctx.insert("models", &self.rows);
                ctx.insert("taxonomies", &self.taxonomies());
                ctx.insert("facets", &finder_facets(c));
                let doc = self.document("catalog.html", path, &ctx, page.map(|p| &p.source))?;
                Ok((self.with_aliases(doc, page), checks))
            }
            Job::Tool(path) => {
                let mut ctx = self.context(path);
                let page = c.page_at(path);
                let checks = self.insert_intro(&mut ctx, page)?;
                ctx.insert("taxonomies", &self.taxonomies());
                ctx.insert("facets", &finder_facets(c));
                ctx.insert("model_count", &c.models.len());
                let template = tool_template(path);
                let doc = self.document(&template, path, &ctx, page.map(|p| &p.source))?;
                Ok((self.with_aliases(doc, page), checks))
            }
            Job::Model(i) => {
                let m = &c.models[*i];
                let mut ctx = self.context(&m.path);
                let mut value = model_value(c, *i);
                let mut checks = Vec::new();
                if let Some(prose) = &m.prose {
                    let rendered = self.markdown(prose)?;
                    value = with_prose(value, rendered.html.clone(), &rendered.toc);
                    checks = self.checks(prose, rendered);
                }
                ctx.insert("model", &value);
                ctx.insert("json_ld", &model_json_ld(c, *i));
                let origin_source = (m.file.path.clone(), m.file.text.clone());
                let html = self.render_template("model.html", &ctx)?;
                let doc = Document {
                    file: file_for(&m.path),
                    html,
                    origin: Origin {
                        source: Some(origin_source),
                        template: self.templates.file_of("model.html"),
                    },
                };
                Ok((vec![doc], checks))
            }
            Job::TaxonomyList(t) => {
                let tax = &c.taxonomies[*t];
                let path = format!("{}/", tax.id);
                let mut ctx = self.context(&path);
                let page = c.page_at(&path);
                let checks = self.insert_intro(&mut ctx, page)?;
                ctx.insert("taxonomy", &taxonomy_value(c, tax));
                let terms: Vec<Value> = tax
                    .terms
                    .iter()
                    .map(|term| term_value(c, tax, term))
                    .collect();
                ctx.insert("terms", &terms);
                let doc =
                    self.document("taxonomy_list.html", &path, &ctx, page.map(|p| &p.source))?;
                Ok((self.with_aliases(doc, page), checks))
            }
            Job::Term(t, i) => {
                let tax = &c.taxonomies[*t];
                let term = &tax.terms[*i];
                let path = Catalog::term_path(tax.id, &term.slug);
                let mut ctx = self.context(&path);
                let page = c.page_at(&path);
                let checks = self.insert_intro(&mut ctx, page)?;
                ctx.insert("taxonomy", &taxonomy_value(c, tax));
                ctx.insert("term", &term_value(c, tax, term));
                ctx.insert("models", &rows_for(&self.rows, &term.models));
                let doc =
                    self.document("taxonomy_term.html", &path, &ctx, page.map(|p| &p.source))?;
                Ok((self.with_aliases(doc, page), checks))
            }
            Job::NotFound => {
                let mut ctx = self.base.clone();
                ctx.insert("current_url", &c.config.url("404.html"));
                ctx.insert("current_path", "404.html");
                let html = self.render_template("404.html", &ctx)?;
                Ok((
                    vec![Document {
                        file: "404.html".to_string(),
                        html,
                        origin: Origin {
                            source: None,
                            template: self.templates.file_of("404.html"),
                        },
                    }],
                    Vec::new(),
                ))
            }
        }
    }

    /// Every taxonomy with its terms, for the catalog and the tool pages.
    fn taxonomies(&self) -> Vec<Value> {
        let c = self.catalog;
        c.taxonomies
            .iter()
            .map(|t| {
                json!({
                    "taxonomy": taxonomy_value(c, t),
                    "terms": t.terms.iter().map(|term| term_value(c, t, term)).collect::<Vec<_>>(),
                })
            })
            .collect()
    }

    fn context(&self, path: &str) -> Context {
        let mut ctx = self.base.clone();
        ctx.insert("current_url", &self.catalog.config.url(path));
        ctx.insert("current_path", path);
        ctx
    }

    /// Renders and inserts the prose page of a generated page, if any.
    fn insert_intro(
        &self,
        ctx: &mut Context,
        page: Option<&Page>,
    ) -> Result<Vec<FragmentCheck>, Vec<SiteError>> {
        let Some(page) = page else {
            return Ok(Vec::new());
        };
        let rendered = self.markdown(&page.source)?;
        ctx.insert(
            "page",
            &page_value(self.catalog, page, &rendered.html, &rendered.toc),
        );
        Ok(self.checks(&page.source, rendered))
    }

    fn checks(&self, source: &PageSource, rendered: Rendered) -> Vec<FragmentCheck> {
        rendered
            .fragment_links
            .into_iter()
            .map(|link| FragmentCheck {
                file: source.file.clone(),
                text: source.text.clone(),
                link,
            })
            .collect()
    }

    fn render_template(&self, name: &str, ctx: &Context) -> Result<String, Vec<SiteError>> {
        self.templates
            .tera
            .render(name, ctx)
            .map_err(|e| vec![self.templates.render_error(name, &e)])
    }

    fn document(
        &self,
        template: &str,
        path: &str,
        ctx: &Context,
        source: Option<&PageSource>,
    ) -> Result<Document, Vec<SiteError>> {
        let html = self.render_template(template, ctx)?;
        Ok(Document {
            file: file_for(path),
            html,
            origin: Origin {
                source: source.map(|s| (s.file.clone(), s.text.clone())),
                template: self.templates.file_of(template),
            },
        })
    }

    /// The document plus a redirect page for each of the page's aliases.
    fn with_aliases(&self, doc: Document, page: Option<&Page>) -> Vec<Document> {
        let mut docs = vec![doc];
        if let Some(page) = page {
            let target = self.catalog.config.url(&page.path);
            for alias in &page.source.front.aliases {
                let alias = alias.trim_start_matches('/');
                let file = if alias.ends_with(".html") {
                    alias.to_string()
                } else if alias.is_empty() || alias.ends_with('/') {
                    file_for(alias)
                } else {
                    file_for(&format!("{alias}/"))
                };
                docs.push(Document {
                    file,
                    html: redirect_html(&target),
                    origin: Origin {
                        source: Some((page.source.file.clone(), page.source.text.clone())),
                        template: PathBuf::from("(alias redirect)"),
                    },
                });
            }
        }
        docs
    }

    fn markdown(&self, source: &PageSource) -> Result<Rendered, Vec<SiteError>> {
        let resolve = |target: &str| self.resolve_link(target);
        let shortcode = |name: &str, args: &ShortcodeArgs| self.shortcode(name, args);
        markdown::render(&MarkdownEnv {
            file: &source.file,
            text: &source.text,
            body_start: source.body_start,
            resolve_link: &resolve,
            shortcode: &shortcode,
        })
    }

    /// `@/models/<id>.md` or `@/<path>.md` -> (URL, URL path).
    fn resolve_link(&self, target: &str) -> Result<(String, String), Problem> {
        let c = self.catalog;
        let rel = target.trim_start_matches("@/");
        if let Some(id) = rel
            .strip_prefix("models/")
            .and_then(|r| r.strip_suffix(".md"))
            && !id.contains('/')
            && id != "index"
            && id != "_index"
        {
            return match c.by_id.get(id) {
                Some(&i) => {
                    let path = c.models[i].path.clone();
                    Ok((c.config.url(&path), path))
                }
                None => Err((
                    format!("the link `{target}` names model `{id}`, which is not in the catalog"),
                    Some(did_you_mean(id, c.by_id.keys().map(String::as_str)).unwrap_or_else(|| {
                        format!("models are the files in data/models/; add data/models/{id}.yaml or fix the link")
                    })),
                )),
            };
        }
        match self.pages_by_file.get(rel) {
            Some(&i) => {
                let path = c.pages[i].path.clone();
                Ok((c.config.url(&path), path))
            }
            None => Err((
                format!("the link `{target}` names a page that does not exist (site/{rel})"),
                Some(
                    closest(rel, self.pages_by_file.keys().map(String::as_str))
                        .map(|c| format!("did you mean `@/{c}`?"))
                        .unwrap_or_else(|| {
                            "`@/` links name a file under site/, e.g. `@/guides/choosing.md`"
                                .to_string()
                        }),
                ),
            )),
        }
    }

    fn shortcode(&self, name: &str, args: &ShortcodeArgs) -> Result<String, Problem> {
        let c = self.catalog;
        match name {
            "models" => {
                let filters: Vec<(String, String)> = args.clone();
                let mut matched = Vec::new();
                let mut fields: Option<Vec<String>> = None;
                for i in 0..c.models.len() {
                    let full = model_value(c, i);
                    if fields.is_none() {
                        fields = Some(filterable_fields(&full));
                    }
                    if matches_filters(&full, &filters) {
                        matched.push(i);
                    }
                }
                if let Some(fields) = &fields {
                    for (key, _) in &filters {
                        if !fields.contains(key) {
                            return Err((
                                format!("`models()` cannot filter on `{key}`"),
                                Some(
                                    did_you_mean(key, fields.iter().map(String::as_str))
                                        .unwrap_or_else(|| {
                                            format!(
                                                "filter on a model field: {}",
                                                fields.join(", ")
                                            )
                                        }),
                                ),
                            ));
                        }
                    }
                }
                let mut ctx = self.base.clone();
                ctx.insert("models", &rows_for(&self.rows, &matched));
                ctx.insert("args", &filters.iter().cloned().collect::<HashMap<_, _>>());
                self.shortcode_template("shortcodes/models.html", &ctx)
            }
            "model" => {
                let Some((_, id)) = args.iter().find(|(k, _)| k == "id") else {
                    return Err((
                        "`model()` needs an `id`".to_string(),
                        Some("write {{ model(id=\"bert-base-uncased\") }}".to_string()),
                    ));
                };
                let Some(&i) = c.by_id.get(id) else {
                    return Err((
                        format!("`model(id=\"{id}\")` names a model that is not in the catalog"),
                        did_you_mean(id, c.by_id.keys().map(String::as_str)),
                    ));
                };
                let mut ctx = self.base.clone();
                ctx.insert("model", &model_value(c, i));
                self.shortcode_template("shortcodes/model.html", &ctx)
            }
            other => Err((
                format!("unknown shortcode `{other}`"),
                Some(did_you_mean(other, ["models", "model"]).unwrap_or_else(|| {
                    "the shortcodes are `models(field=\"value\", ...)` and `model(id=\"...\")`"
                        .to_string()
                })),
            )),
        }
    }

    fn shortcode_template(&self, name: &str, ctx: &Context) -> Result<String, Problem> {
        self.templates
            .tera
            .render(name, ctx)
            .map(|html| html.trim().to_string())
            .map_err(|e| {
                let err = self.templates.render_error(name, &e);
                (err.to_string(), err.hint.clone())
            })
    }
}

/// Every page's `template:` must exist.
fn check_page_templates(catalog: &Catalog, templates: &Templates) -> Result<(), Errors> {
    let mut errors = Errors::default();
    for page in &catalog.pages {
        if let Some(t) = &page.source.front.template
            && !templates.has(t)
        {
            let yaml = crate::source::data::YamlFile {
                path: page.source.file.clone(),
                text: page.source.text.clone(),
            };
            let (line, column) = yaml.locate(&[]);
            let (line, column) = page
                .source
                .text
                .lines()
                .position(|l| l.trim_start().starts_with("template:"))
                .map_or((line, column), |i| (i + 1, 11));
            let mut names: Vec<&str> = templates.origins.keys().map(String::as_str).collect();
            names.sort();
            errors.push(
                SiteError::new(format!("template `{t}` does not exist"))
                    .at(&page.source.file, line, column)
                    .with_source(page.source.text.clone())
                    .hint(
                        did_you_mean(t, names.iter().copied())
                            .unwrap_or_else(|| format!("the templates are: {}", names.join(", "))),
                    ),
            );
        }
    }
    errors.into_result(())
}

fn sort_pages(pages: &mut [&Page]) {
    pages.sort_by(|a, b| {
        a.source
            .front
            .weight
            .cmp(&b.source.front.weight)
            .then_with(|| a.title().to_lowercase().cmp(&b.title().to_lowercase()))
    });
}

fn guides(catalog: &Catalog) -> Vec<Value> {
    let mut pages: Vec<&Page> = catalog
        .pages
        .iter()
        .filter(|p| p.standalone && p.path.starts_with("guides/") && p.path != "guides/")
        .collect();
    sort_pages(&mut pages);
    pages.iter().map(|p| page_summary(catalog, p)).collect()
}

/// The template of a tool page: `compare/` -> `compare.html`.
fn tool_template(path: &str) -> String {
    format!("{}.html", path.trim_end_matches('/'))
}

fn nav(catalog: &Catalog, tools: &[&str]) -> Vec<Value> {
    let c = &catalog.config;
    let mut nav = Vec::new();
    if catalog.page_at("guides/").is_some() || catalog.sections.iter().any(|s| s == "guides/") {
        nav.push(json!({ "title": "Guides", "url": c.url("guides/") }));
    }
    nav.push(json!({ "title": "Catalog", "url": c.url("models/") }));
    if tools.contains(&"choose/") {
        nav.push(json!({ "title": "Choose a model", "url": c.url("choose/") }));
    } else if catalog.page_at("guides/choosing/").is_some() {
        nav.push(json!({ "title": "Choose a model", "url": c.url("guides/choosing/") }));
    }
    if catalog.page_at("about/").is_some() {
        nav.push(json!({ "title": "About", "url": c.url("about/") }));
    }
    nav
}

/// A page that sends the browser to `target` (for `aliases`).
fn redirect_html(target: &str) -> String {
    let t = markdown::escape_attr(target);
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Moved</title>\
<link rel=\"canonical\" href=\"{t}\"><meta http-equiv=\"refresh\" content=\"0; url={t}\"></head>\
<body><p>This page has moved to <a href=\"{t}\">{t}</a>.</p></body></html>\n"
    )
}
