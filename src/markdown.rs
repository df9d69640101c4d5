//! Markdown to HTML: CommonMark with tables, footnotes, strikethrough, task
//! lists, heading attributes and GitHub's alerts (`> [!NOTE]`) as titled
//! callouts; unique heading ids with anchor links; a
//! table of contents; code blocks highlighted by [`crate::highlight`];
//! `@/page.md#anchor` links; `{{ name(args) }}` shortcodes; and raw HTML
//! kept, cleaned by [`crate::sanitize`] or shown as text, as `[markdown]
//! html` says.
//!
//! What a link or shortcode means is asked of the caller ([`MarkdownEnv`]);
//! this module knows nothing of the catalog or of templates.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use crate::config::RawHtml;
use crate::error::{SiteError, line_col};
use crate::highlight::highlight;
use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use serde::Serialize;

/// A problem found while rendering, with a hint: `(message, hint)`.
pub type Problem = (String, Option<String>);

/// Shortcode arguments, as written: `models(category="embedding")`.
pub type ShortcodeArgs = Vec<(String, String)>;

/// Resolves `@/path.md` (without `#fragment`) to `(url, url path)`.
pub type LinkResolver<'a> = dyn Fn(&str) -> Result<(String, String), Problem> + Sync + 'a;

/// Renders a shortcode call to HTML.
pub type ShortcodeRenderer<'a> =
    dyn Fn(&str, &ShortcodeArgs) -> Result<String, Problem> + Sync + 'a;

/// What the Markdown needs from the rest of the site.
pub struct MarkdownEnv<'a> {
    /// The file, relative to the site root (for errors).
    pub file: &'a Path,
    /// The whole file's text and where the Markdown starts in it.
    pub text: &'a str,
    pub body_start: usize,
    pub resolve_link: &'a LinkResolver<'a>,
    pub shortcode: &'a ShortcodeRenderer<'a>,
    /// What becomes of the text's raw HTML.
    pub html: RawHtml,
}

/// A heading in the table of contents.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// An `@/page.md#fragment` link, checked once every page's ids are known.
#[derive(Debug, Clone)]
pub struct FragmentLink {
    /// URL path of the target page (`guides/choosing/`).
    pub target_path: String,
    pub fragment: String,
    pub written: String,
    /// The URL it became in the HTML.
    pub href: String,
    pub line: usize,
    pub column: usize,
}

/// The result of rendering one Markdown text.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub fragment_links: Vec<FragmentLink>,
    /// How many words the text holds (runs of text between spaces, code
    /// included).
    pub words: usize,
}

/// The fewest words of a text whose table of contents is shown when its
/// front matter does not say: a shorter text fits on a screen or two, where
/// a list of its headings only repeats them.
pub const TOC_MIN_WORDS: usize = 400;

impl Rendered {
    /// The table of contents to show: as the front matter's `toc` asks, and
    /// when it does not, the whole of it for a text of at least two headings
    /// and [`TOC_MIN_WORDS`] words, else none.
    pub fn toc_shown(&self, asked: Option<bool>) -> &[TocEntry] {
        let headings: usize = self.toc.iter().map(|e| 1 + e.children.len()).sum();
        let shown = asked.unwrap_or(headings >= 2 && self.words >= TOC_MIN_WORDS);
        if shown { &self.toc } else { &[] }
    }
}

/// The Markdown extensions every page is read with.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// The class and the visible title of a GitHub alert's callout.
fn callout(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// Renders `env.text[env.body_start..]`; every problem is reported.
pub fn render(env: &MarkdownEnv<'_>) -> Result<Rendered, Vec<SiteError>> {
    render_with(env, true)
}

/// [`render`] with code blocks left unhighlighted (`<pre><code>`), for a
/// caller that reads only the links and ids of the HTML, which are the same.
pub fn render_for_links(env: &MarkdownEnv<'_>) -> Result<Rendered, Vec<SiteError>> {
    render_with(env, false)
}

fn render_with(env: &MarkdownEnv<'_>, highlighted: bool) -> Result<Rendered, Vec<SiteError>> {
    let body = &env.text[env.body_start..];
    let mut errors = Vec::new();
    let error_at = |range: &Range<usize>, (message, hint): Problem| {
        let (line, column) = line_col(env.text, env.body_start + range.start);
        SiteError::new(message)
            .at(env.file, line, column)
            .with_source(env.text)
            .maybe_hint(hint)
    };

    let events: Vec<(Event<'_>, Range<usize>)> = apply_html_policy(
        merge_text(Parser::new_ext(body, options()).into_offset_iter()),
        env.html,
    );
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut fragment_links = Vec::new();
    let mut headings: Vec<(u8, String, String)> = Vec::new();
    let mut used_ids: HashMap<String, usize> = HashMap::new();

    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs: _,
            }) => {
                // Gather the heading's inner events to name it and render it.
                let start = i + 1;
                let mut end = start;
                while end < events.len() && !matches!(events[end].0, Event::End(TagEnd::Heading(_)))
                {
                    end += 1;
                }
                let inner: Vec<Event<'_>> =
                    events[start..end].iter().map(|(e, _)| e.clone()).collect();
                let title = plain_text(&inner);
                let wanted = id.as_ref().map(|s| s.to_string()).unwrap_or_else(|| {
                    let s = slug::slugify(&title);
                    if s.is_empty() {
                        "section".to_string()
                    } else {
                        s
                    }
                });
                let id = unique_id(&wanted, &mut used_ids);
                let mut inner_html = String::new();
                pulldown_cmark::html::push_html(&mut inner_html, inner.into_iter());
                let n = heading_number(*level);
                let class_attr = if classes.is_empty() {
                    String::new()
                } else {
                    format!(" class=\"{}\"", escape_attr(&classes.join(" ")))
                };
                let id_attr = escape_attr(&id);
                // The heading's text is its own anchor link, unless it holds
                // a link already (links do not nest): then a `#` follows it.
                let html = if inner_html.contains("<a ") {
                    format!(
                        "<h{n} id=\"{id_attr}\"{class_attr}>{inner_html} <a class=\"anchor\" href=\"#{id_attr}\" aria-label=\"Link to this section\">#</a></h{n}>\n"
                    )
                } else {
                    format!(
                        "<h{n} id=\"{id_attr}\"{class_attr}><a href=\"#{id_attr}\">{inner_html}</a></h{n}>\n"
                    )
                };
                out.push(Event::Html(CowStr::from(html)));
                headings.push((n, id, title));
                i = end + 1;
                continue;
            }
            Event::Start(Tag::Table(_)) => {
                // A table wider than the text scrolls inside this box, which
                // takes keyboard focus and is named by the heading above it.
                let label = match headings.last() {
                    Some((_, id, _)) => format!("aria-labelledby=\"{}\"", escape_attr(id)),
                    None => "aria-label=\"Table\"".to_string(),
                };
                out.push(Event::Html(CowStr::from(format!(
                    "<div class=\"table-wrap prose-table\" tabindex=\"0\" role=\"region\" {label}>\n"
                ))));
                out.push(event.clone());
                i += 1;
                continue;
            }
            Event::End(TagEnd::Table) => {
                out.push(event.clone());
                out.push(Event::Html(CowStr::from("</div>\n")));
                i += 1;
                continue;
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split([' ', ',', '{']).next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                let mut code = String::new();
                i += 1;
                while i < events.len() && !matches!(events[i].0, Event::End(TagEnd::CodeBlock)) {
                    if let Event::Text(t) = &events[i].0 {
                        code.push_str(t);
                    }
                    i += 1;
                }
                let html = if highlighted {
                    highlight(&code, &lang)
                } else {
                    format!("<pre><code>{}</code></pre>\n", escape_attr(&code))
                };
                out.push(Event::Html(CowStr::from(html)));
                i += 1;
                continue;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if dest_url.starts_with("@/") => {
                let (target, fragment) = match dest_url.split_once('#') {
                    Some((t, f)) => (t, Some(f)),
                    None => (dest_url.as_ref(), None),
                };
                match (env.resolve_link)(target) {
                    Ok((url, path)) => {
                        let href = match fragment {
                            Some(f) => {
                                let (line, column) =
                                    line_col(env.text, env.body_start + range.start);
                                let href = format!("{url}#{f}");
                                fragment_links.push(FragmentLink {
                                    target_path: path,
                                    fragment: f.to_string(),
                                    written: dest_url.to_string(),
                                    href: href.clone(),
                                    line,
                                    column,
                                });
                                href
                            }
                            None => url,
                        };
                        out.push(Event::Start(Tag::Link {
                            link_type: *link_type,
                            dest_url: CowStr::from(href),
                            title: title.clone(),
                            id: id.clone(),
                        }));
                    }
                    Err(problem) => {
                        errors.push(error_at(range, problem));
                        out.push(event.clone());
                    }
                }
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, title) = callout(*kind);
                out.push(Event::Html(CowStr::from(format!(
                    "<div class=\"callout callout-{class}\" role=\"note\">\n<p class=\"callout-title\">{title}</p>\n"
                ))));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                out.push(Event::Html(CowStr::from("</div>\n")));
            }
            Event::Text(text) if text.contains("{{") => {
                let in_paragraph_alone = matches!(out.last(), Some(Event::Start(Tag::Paragraph)))
                    && matches!(events.get(i + 1), Some((Event::End(TagEnd::Paragraph), _)));
                match expand_shortcodes(text, range, env, &mut errors, &error_at) {
                    Some(parts)
                        if in_paragraph_alone
                            && parts.len() == 1
                            && matches!(parts[0], Event::Html(_)) =>
                    {
                        // A shortcode alone in its paragraph replaces the paragraph.
                        out.pop();
                        out.extend(parts);
                        i += 2;
                        continue;
                    }
                    Some(parts) => out.extend(parts),
                    None => out.push(event.clone()),
                }
            }
            _ => out.push(event.clone()),
        }
        i += 1;
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    let out = footnotes_last(out);
    let words = out
        .iter()
        .map(|e| match e {
            Event::Text(t) | Event::Code(t) => t.split_whitespace().count(),
            _ => 0,
        })
        .sum();
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    Ok(Rendered {
        html,
        toc: build_toc(&headings),
        fragment_links,
        words,
    })
}

/// Joins runs of text events so a shortcode is never split across two.
fn merge_text<'a>(
    iter: impl Iterator<Item = (Event<'a>, Range<usize>)>,
) -> Vec<(Event<'a>, Range<usize>)> {
    let mut out: Vec<(Event<'a>, Range<usize>)> = Vec::new();
    for (event, range) in iter {
        if let (Event::Text(t), Some((Event::Text(prev), prev_range))) = (&event, out.last_mut()) {
            let joined = format!("{prev}{t}");
            *prev = CowStr::from(joined);
            prev_range.end = range.end;
            continue;
        }
        out.push((event, range));
    }
    out
}

/// Raw HTML cleaned or made text, and links and images with an unsafe URL
/// scheme (`javascript:`) taken out, unless the HTML is kept as written.
fn apply_html_policy(
    events: Vec<(Event<'_>, Range<usize>)>,
    policy: RawHtml,
) -> Vec<(Event<'_>, Range<usize>)> {
    if policy == RawHtml::Keep {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    // For each open link, whether it was kept.
    let mut links: Vec<bool> = Vec::new();
    // The lines of the HTML block being read, cleaned as one piece.
    let mut block: Option<(String, Range<usize>)> = None;
    for (event, range) in events {
        if let Some((text, whole)) = block.as_mut() {
            match event {
                Event::Html(line) => {
                    text.push_str(&line);
                    whole.end = range.end;
                    continue;
                }
                _ => {
                    let (text, whole) = block.take().unwrap_or_default();
                    let html = match policy {
                        RawHtml::Escape => Event::Text(CowStr::from(text)),
                        _ => Event::Html(cleaned(CowStr::from(text))),
                    };
                    out.push((html, whole));
                }
            }
        }
        let event = match event {
            Event::Start(Tag::HtmlBlock) => {
                out.push((event, range.clone()));
                block = Some((String::new(), range));
                continue;
            }
            Event::Html(html) | Event::InlineHtml(html) if policy == RawHtml::Escape => {
                Event::Text(html)
            }
            Event::Html(html) => Event::Html(cleaned(html)),
            Event::InlineHtml(html) => Event::InlineHtml(cleaned(html)),
            Event::Start(Tag::Link { ref dest_url, .. }) => {
                let safe = crate::sanitize::is_safe_url(dest_url);
                links.push(safe);
                if !safe {
                    continue;
                }
                event
            }
            Event::End(TagEnd::Link) => {
                if !links.pop().unwrap_or(true) {
                    continue;
                }
                event
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) if !crate::sanitize::is_safe_url(&dest_url) => Event::Start(Tag::Image {
                link_type,
                dest_url: CowStr::from(""),
                title,
                id,
            }),
            other => other,
        };
        out.push((event, range));
    }
    out
}

fn cleaned(html: CowStr<'_>) -> CowStr<'_> {
    match crate::sanitize::clean_html(&html) {
        std::borrow::Cow::Borrowed(_) => html,
        std::borrow::Cow::Owned(text) => CowStr::from(text),
    }
}

/// Moves footnote definitions, wherever they were written, to a section at
/// the end of the document.
fn footnotes_last(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut body = Vec::with_capacity(events.len());
    let mut notes = Vec::new();
    let mut depth = 0usize;
    for e in events {
        let starts = matches!(e, Event::Start(Tag::FootnoteDefinition(_)));
        let ends = matches!(e, Event::End(TagEnd::FootnoteDefinition));
        if starts {
            depth += 1;
        }
        if depth > 0 {
            notes.push(e);
        } else {
            body.push(e);
        }
        if ends {
            depth = depth.saturating_sub(1);
        }
    }
    if !notes.is_empty() {
        body.push(Event::Html(CowStr::from(
            "<section class=\"footnotes\" aria-label=\"Footnotes\">\n",
        )));
        body.extend(notes);
        body.push(Event::Html(CowStr::from("</section>\n")));
    }
    body
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The words of a Markdown body as plain text, for the search index: text,
/// code and link text, one space between blocks; shortcode calls and HTML
/// are left out. The cells of tables and the lines of code blocks come
/// after the running text, so that a result's excerpt, taken from the
/// start, reads as prose rather than as a row of cells.
pub fn plain_text_of(body: &str) -> String {
    let mut prose = String::with_capacity(body.len());
    let mut tail = String::new();
    let mut aside = 0usize;
    for event in Parser::new_ext(body, options()) {
        if matches!(event, Event::Start(Tag::Table(_) | Tag::CodeBlock(_))) {
            aside += 1;
        }
        let out = if aside > 0 { &mut tail } else { &mut prose };
        if matches!(event, Event::End(TagEnd::Table | TagEnd::CodeBlock)) {
            aside = aside.saturating_sub(1);
        }
        match event {
            Event::Text(t) | Event::Code(t) => push_text(out, &t),
            Event::End(
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link,
            ) => {}
            Event::SoftBreak | Event::HardBreak | Event::End(_) => out.push(' '),
            _ => {}
        }
    }
    if !tail.is_empty() {
        prose.push(' ');
        prose.push_str(&tail);
    }
    prose
}

/// Adds `text` to `out` without its `{{ name(args) }}` shortcode calls
/// (other braces stay as written).
fn push_text(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        if parse_call(&rest[start + 2..start + len]).is_none() {
            out.push_str(&rest[start..start + len + 2]);
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
}

fn plain_text(events: &[Event<'_>]) -> String {
    let mut s = String::new();
    for e in events {
        if let Event::Text(t) | Event::Code(t) = e {
            s.push_str(t);
        }
    }
    s
}

fn unique_id(wanted: &str, used: &mut HashMap<String, usize>) -> String {
    let count = used.entry(wanted.to_string()).or_insert(0);
    let id = if *count == 0 {
        wanted.to_string()
    } else {
        format!("{wanted}-{count}")
    };
    *count += 1;
    if id != wanted {
        used.entry(id.clone()).or_insert(1);
    }
    id
}

fn build_toc(headings: &[(u8, String, String)]) -> Vec<TocEntry> {
    let mut toc: Vec<TocEntry> = Vec::new();
    for (level, id, title) in headings {
        let entry = TocEntry {
            level: *level,
            id: id.clone(),
            title: title.clone(),
            children: Vec::new(),
        };
        match level {
            2 => toc.push(entry),
            3 => match toc.last_mut() {
                Some(parent) => parent.children.push(entry),
                None => toc.push(entry),
            },
            _ => {}
        }
    }
    toc
}

/// Escapes text for an HTML attribute or element.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html(&mut out, s).ok();
    out
}

/// Splits text around `{{ name(args) }}` calls and renders each call.
/// `None` when the text holds no call.
fn expand_shortcodes<'a>(
    text: &str,
    range: &Range<usize>,
    env: &MarkdownEnv<'_>,
    errors: &mut Vec<SiteError>,
    error_at: &dyn Fn(&Range<usize>, Problem) -> SiteError,
) -> Option<Vec<Event<'a>>> {
    let mut parts = Vec::new();
    let mut rest = text;
    let mut found = false;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        let call = &rest[start + 2..start + len];
        let Some((name, args)) = parse_call(call) else {
            // Not a call: keep the braces as text.
            parts.push(Event::Text(CowStr::from(
                rest[..start + len + 2].to_string(),
            )));
            rest = &rest[start + len + 2..];
            continue;
        };
        // Where the call is in the file: find it in the source range. A
        // call that is not written as it reads (`\{{`, `&#123;{`) is text.
        let Some(call_range) = env.text[env.body_start..]
            .get(range.clone())
            .and_then(|src| src.find(&rest[start..start + len + 2]))
            .map(|off| range.start + off..range.start + off + len + 2)
        else {
            parts.push(Event::Text(CowStr::from(
                rest[..start + len + 2].to_string(),
            )));
            rest = &rest[start + len + 2..];
            continue;
        };
        found = true;
        if start > 0 {
            parts.push(Event::Text(CowStr::from(rest[..start].to_string())));
        }
        match args.and_then(|args| (env.shortcode)(&name, &args)) {
            Ok(html) => parts.push(Event::Html(CowStr::from(html))),
            Err(problem) => errors.push(error_at(&call_range, problem)),
        }
        rest = &rest[start + len + 2..];
    }
    if !found {
        return None;
    }
    if !rest.is_empty() {
        parts.push(Event::Text(CowStr::from(rest.to_string())));
    }
    Some(parts)
}

/// Parses ` name(key="value", n=3) ` into the name and its arguments.
/// `None` if it does not look like a call at all; `Some((name, Err))` when
/// it is a call with malformed arguments.
fn parse_call(call: &str) -> Option<(String, Result<ShortcodeArgs, Problem>)> {
    let call = call.trim();
    let open = call.find('(')?;
    let name = call[..open].trim();
    if name.is_empty()
        || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        || !call.ends_with(')')
    {
        return None;
    }
    let inner = &call[open + 1..call.len() - 1];
    Some((name.to_string(), parse_args(inner)))
}

fn parse_args(inner: &str) -> Result<ShortcodeArgs, Problem> {
    let bad = |what: &str| {
        (
            format!("cannot read the shortcode's arguments: {what}"),
            Some("write arguments as key=\"value\" pairs separated by commas, e.g. models(category=\"embedding\")".to_string()),
        )
    };
    let mut args = Vec::new();
    let mut chars = inner.char_indices().peekable();
    loop {
        while chars
            .peek()
            .is_some_and(|(_, c)| c.is_whitespace() || *c == ',')
        {
            chars.next();
        }
        let Some(&(key_start, _)) = chars.peek() else {
            break;
        };
        let mut key_end = key_start;
        while let Some(&(i, c)) = chars.peek() {
            if c.is_alphanumeric() || c == '_' {
                key_end = i + c.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let key = inner[key_start..key_end].to_string();
        if key.is_empty() {
            return Err(bad("expected an argument name"));
        }
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
            chars.next();
        }
        if chars.next().map(|(_, c)| c) != Some('=') {
            return Err(bad(&format!("expected `=` after `{key}`")));
        }
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
            chars.next();
        }
        let value = match chars.peek().map(|&(_, c)| c) {
            Some(q @ ('"' | '\'')) => {
                chars.next();
                let mut v = String::new();
                let mut closed = false;
                for (_, c) in chars.by_ref() {
                    if c == q {
                        closed = true;
                        break;
                    }
                    v.push(c);
                }
                if !closed {
                    return Err(bad("a quoted value is not closed"));
                }
                v
            }
            Some(_) => {
                let mut v = String::new();
                while let Some(&(_, c)) = chars.peek() {
                    if c == ',' || c.is_whitespace() {
                        break;
                    }
                    v.push(c);
                    chars.next();
                }
                v
            }
            None => return Err(bad(&format!("`{key}` has no value"))),
        };
        args.push((key, value));
    }
    Ok(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_plain(md: &str) -> Result<Rendered, Vec<SiteError>> {
        let resolve = |t: &str| -> Result<(String, String), Problem> {
            if t == "@/guides/a.md" {
                Ok(("https://x/guides/a/".into(), "guides/a/".into()))
            } else {
                Err((format!("no page {t}"), None))
            }
        };
        let shortcode = |name: &str, args: &ShortcodeArgs| -> Result<String, Problem> {
            Ok(format!("<div class=\"sc\">{name}:{}</div>", args.len()))
        };
        render(&MarkdownEnv {
            file: Path::new("site/x.md"),
            text: md,
            body_start: 0,
            resolve_link: &resolve,
            shortcode: &shortcode,
            html: RawHtml::Keep,
        })
    }

    #[test]
    fn plain_text_keeps_words_and_drops_markup_and_shortcodes() {
        let text = plain_text_of(
            "## Title\n\nSome *emphasis*, `code` and [a link](@/x.md).\n\n{{ models(category=\"x\") }}\n\n| a | b |\n|---|---|\n| c | d |\n\nKeep {{ braces }} here.\n",
        );
        let words: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(
            words,
            [
                "Title",
                "Some",
                "emphasis,",
                "code",
                "and",
                "a",
                "link.",
                "Keep",
                "{{",
                "braces",
                "}}",
                "here.",
                "a",
                "b",
                "c",
                "d"
            ]
        );
    }

    #[test]
    fn headings_get_unique_ids_anchors_and_toc() {
        let r = render_plain("## Size vs. speed\n\n## Size vs. speed\n\n### Inner\n").unwrap();
        assert!(r.html.contains(
            "<h2 id=\"size-vs-speed\"><a href=\"#size-vs-speed\">Size vs. speed</a></h2>"
        ));
        assert!(r.html.contains("id=\"size-vs-speed-1\""));
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[1].children[0].id, "inner");
    }

    #[test]
    fn a_heading_with_a_link_gets_a_separate_anchor() {
        let r = render_plain("## See [the paper](https://example.org/)\n").unwrap();
        assert!(r.html.contains(
            "<h2 id=\"see-the-paper\">See <a href=\"https://example.org/\">the paper</a> <a class=\"anchor\" href=\"#see-the-paper\" aria-label=\"Link to this section\">#</a></h2>"
        ), "{}", r.html);
    }

    #[test]
    fn at_links_resolve_and_record_fragments() {
        let r = render_plain("See [a](@/guides/a.md#top-part).\n").unwrap();
        assert!(r.html.contains("href=\"https://x/guides/a/#top-part\""));
        assert_eq!(r.fragment_links[0].fragment, "top-part");
        let err = render_plain("\n\nSee [b](@/guides/b.md).\n").unwrap_err();
        assert_eq!(err[0].location.as_ref().unwrap().line, 3);
    }

    #[test]
    fn shortcode_alone_replaces_its_paragraph() {
        let r = render_plain(
            "Intro\n\n{{ models(category=\"embedding\", limit=3) }}\n\n`{{ not(a=\"b\") }}`\n",
        )
        .unwrap();
        assert!(r.html.contains("<div class=\"sc\">models:2</div>"));
        assert!(!r.html.contains("<p><div"));
        assert!(
            r.html.contains("<code>{{ not(a="),
            "a call inside code is left alone"
        );
    }

    #[test]
    fn footnotes_go_to_the_end() {
        let r = render_plain("Text[^1].\n\n[^1]: The note.\n\n## Later\n\nMore.\n").unwrap();
        let note = r.html.find("The note.").unwrap();
        assert!(note > r.html.find("More.").unwrap());
        assert!(r.html.contains("<section class=\"footnotes\""));
    }

    #[test]
    fn plain_text_puts_tables_and_code_after_the_running_text() {
        let text = plain_text_of(
            "| size | parameters |\n|---|---|\n| large | 1.55B |\n\nWhisper comes in five sizes.\n\n```sh\npip install whisper\n```\n\nPick by speed.\n",
        );
        let words: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(
            words[..6],
            ["Whisper", "comes", "in", "five", "sizes.", "Pick"]
        );
        for cell in ["size", "1.55B", "pip"] {
            assert!(words[6..].contains(&cell), "{cell} is still searchable");
        }
    }

    #[test]
    fn github_alerts_are_titled_callouts() {
        let r = render_plain(
            "> [!WARNING]\n> The weights are **not** final.\n\n> [!tip]\n> Lower case works too.\n\n> [!NOPE]\n> A plain quote.\n",
        )
        .unwrap();
        assert!(
            r.html.contains(
                "<div class=\"callout callout-warning\" role=\"note\">\n<p class=\"callout-title\">Warning</p>\n<p>The weights are <strong>not</strong> final.</p>\n</div>"
            ),
            "{}",
            r.html
        );
        assert!(r.html.contains("callout-tip"));
        assert!(r.html.contains("<blockquote>\n<p>[!NOPE]"), "{}", r.html);
        assert!(!r.html.contains("markdown-alert"));
        assert_eq!(
            plain_text_of("> [!NOTE]\n> Read me.\n")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["Read", "me."]
        );
    }

    #[test]
    fn code_is_highlighted() {
        let r = render_plain("```python\nimport os\n```\n").unwrap();
        assert!(
            r.html
                .contains("<pre class=\"code\" data-lang=\"python\" tabindex=\"0\" role=\"group\" aria-label=\"Code (python)\"><code><span class=\"hl-")
        );
    }
}
