//! A card's Markdown body made into a model's prose that builds: the title
//! heading taken out (the model page has its own), links to files of the
//! card's repository pointed at the Hub or, when the repository is not
//! known, turned into plain text, links to missing headings unlinked, and
//! `{{` kept from being read as a shortcode.
//!
//! Every other byte of the body is kept as written. The result is then
//! rendered the way the build renders it, and any link the build would
//! still reject is reported.

use rustc_hash::FxHashSet as HashSet;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::OnceLock;

use pulldown_cmark::{Event, HeadingLevel, LinkType, Parser, Tag, TagEnd};
use regex::Regex;

use crate::links::internal::{Target, classify, extract};
use crate::markdown::{self, MarkdownEnv};
use crate::render::Origin;

const HUB: &str = "https://huggingface.co";

/// The prose made from a card's body.
#[derive(Debug, Clone, Default)]
pub struct Prose {
    /// The Markdown to write (may be empty).
    pub text: String,
    /// The text of the title heading that was taken out.
    pub title: Option<String>,
    /// What was changed, and what the build may still reject.
    pub notes: Vec<String>,
    /// What the sanitizer removed, with its byte offset in the body when
    /// it was found in the card's own text.
    pub removed: Vec<(Option<usize>, String)>,
}

/// What to do with one link destination.
#[derive(Debug, Clone, PartialEq)]
enum Fix {
    Keep,
    Rewrite(String),
    Unlink,
    /// A URL scheme that runs code (`javascript:`): the link goes.
    Unsafe,
}

/// Makes `body` into prose; `repo` is the card's Hub repository, if known.
pub fn prepare(body: &str, repo: Option<&str>) -> Prose {
    let (stripped, title, cut) = without_title(body);
    let first = pass(&stripped, repo);
    let mut notes = first.notes;
    let mut removed: Vec<(Option<usize>, String)> = first
        .removed
        .into_iter()
        .map(|(at, what)| (Some(cut.original(at)), what))
        .collect();
    let mut text = first.text;
    // What was written back is read again as the build will read it, until
    // nothing more changes: a piece of HTML that Markdown splits otherwise
    // than before is cleaned too. The pass that changes nothing has
    // rendered the prose as it is written.
    let mut settled = None;
    for _ in 0..=MAX_PASSES {
        let again = pass(&text, repo);
        if again.text == text {
            settled = Some(again.rendered);
            break;
        }
        removed.extend(again.removed.into_iter().map(|(_, what)| (None, what)));
        text = again.text;
    }
    let rendered = settled.unwrap_or_else(|| {
        // Never reached with the passes above, but the prose must not
        // publish HTML that was not cleaned: it is then shown as text.
        text = escape_raw_html(&text);
        removed.push((
            None,
            "the rest of the card's HTML, shown as text".to_string(),
        ));
        render(&text)
    });
    notes.extend(still_rejected(&rendered));
    let text = text.trim_start_matches(['\n', '\r']).to_string();
    let text = if text.trim().is_empty() {
        String::new()
    } else if text.lines().next().is_some_and(|l| l.trim_end() == "---") {
        // A first line of `---` would be read as front matter.
        format!("\n{text}")
    } else {
        text
    };
    if let Some(t) = &title {
        notes.insert(
            0,
            format!("the card's title `{t}` is left out of the prose: the model page shows the model's name"),
        );
    }
    Prose {
        text,
        title,
        notes,
        removed,
    }
}

/// How many times the written prose is read again for HTML to clean.
const MAX_PASSES: usize = 3;

/// The prose of one pass over `body`.
struct Pass {
    text: String,
    notes: Vec<String>,
    /// What the sanitizer removed, by byte offset in `body`.
    removed: Vec<(usize, String)>,
    /// `body` rendered as the build renders it.
    rendered: Rendered,
}

/// Points links at the Hub or unlinks them, cleans the HTML and keeps
/// `{{` from being read as a shortcode.
fn pass(body: &str, repo: Option<&str>) -> Pass {
    let rendered = render(body);
    let ids = &rendered.ids;
    let mut edits = Edits::default();
    let mut image_labels: HashSet<String> = HashSet::default();

    let parser = Parser::new_ext(body, markdown::options());
    let mut iter = parser.into_offset_iter();
    let mut in_code = 0usize;
    // Inside a link (Markdown, or an HTML `<a>`), text is not linked again.
    let mut in_link = 0usize;
    let mut in_html_a = false;
    // The text read since the last other event, for bare web addresses.
    let mut run: Option<Range<usize>> = None;
    // The lines of the HTML block being read: (their text, their ranges).
    let mut block: Option<(String, Vec<Range<usize>>)> = None;
    for (event, range) in iter.by_ref() {
        if let Event::Text(_) = &event {
            if in_code == 0 && in_link == 0 && !in_html_a {
                match run.as_mut() {
                    Some(r) if r.end == range.start => r.end = range.end,
                    _ => {
                        if let Some(r) = run.take() {
                            edits.bare_urls(body, r);
                        }
                        run = Some(range.clone());
                    }
                }
            }
        } else if let Some(r) = run.take() {
            edits.bare_urls(body, r);
        }
        match &event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => in_link += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => in_link = in_link.saturating_sub(1),
            Event::InlineHtml(html) => {
                let tag = html.trim_start_matches('<').to_ascii_lowercase();
                if tag.starts_with("a ") || tag.starts_with("a>") {
                    in_html_a = true;
                } else if tag.starts_with("/a") {
                    in_html_a = false;
                }
            }
            Event::End(TagEnd::Paragraph | TagEnd::TableCell | TagEnd::Heading(_)) => {
                in_html_a = false;
            }
            _ => {}
        }
        match &event {
            Event::Start(Tag::CodeBlock(_)) => in_code += 1,
            Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                let fix = fix_for(dest_url, false, repo, ids);
                edits.link(body, range, *link_type, &fix, 1, dest_url);
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                id,
                ..
            }) => {
                if !matches!(link_type, LinkType::Inline) {
                    image_labels.insert(id.to_lowercase());
                }
                let fix = fix_for(dest_url, true, repo, ids);
                edits.link(body, range, *link_type, &fix, 2, dest_url);
            }
            Event::Start(Tag::HtmlBlock) => block = Some((String::new(), Vec::new())),
            Event::Html(html) => match block.as_mut() {
                Some((text, ranges)) => {
                    text.push_str(html);
                    ranges.push(range);
                }
                None => edits.html(body, &[range], html, repo, ids),
            },
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((text, ranges)) = block.take() {
                    edits.html(body, &ranges, &text, repo, ids);
                }
            }
            Event::InlineHtml(html) => edits.html(body, &[range], html, repo, ids),
            Event::Text(_) if in_code == 0 => edits.shortcode_braces(body, range),
            _ => {}
        }
    }
    if let Some(r) = run.take() {
        edits.bare_urls(body, r);
    }
    for (label, def) in iter.reference_definitions().iter() {
        let is_image = image_labels.contains(&label.to_lowercase());
        match fix_for(&def.dest, is_image, repo, ids) {
            Fix::Rewrite(url) => {
                if let Some(token) = dest_token(body, def.span.clone(), "]:") {
                    edits.push(token, url.clone(), &def.dest, Some(url));
                }
            }
            Fix::Unsafe => {
                // Links using it are unlinked; the definition goes.
                edits.changes.push((def.span.clone(), String::new()));
            }
            Fix::Keep | Fix::Unlink => {}
        }
    }
    let notes = edits.notes(repo);
    let removed = std::mem::take(&mut edits.removed);
    Pass {
        text: edits.apply(body),
        notes,
        removed,
        rendered,
    }
}

/// Every piece of raw HTML in `body` as text.
fn escape_raw_html(body: &str) -> String {
    let mut edits = Edits::default();
    for (event, range) in Parser::new_ext(body, markdown::options()).into_offset_iter() {
        if let Event::Html(html) | Event::InlineHtml(html) = &event
            && body.get(range.clone()) == Some(html.as_ref())
        {
            edits
                .changes
                .push((range, html.replace('&', "&amp;").replace('<', "&lt;")));
        }
    }
    edits.apply(body)
}

/// Where a title heading was cut out of a body, to find what follows it
/// in the card.
#[derive(Debug, Clone, Copy, Default)]
struct Cut {
    at: usize,
    len: usize,
}

impl Cut {
    /// The offset in the card's body of `offset` in the body without it.
    fn original(self, offset: usize) -> usize {
        if offset >= self.at {
            offset + self.len
        } else {
            offset
        }
    }
}

/// Takes out a level-1 heading that opens the body, after any HTML
/// comments (the note a Trainer-generated card starts with).
fn without_title(body: &str) -> (String, Option<String>, Cut) {
    let mut events = Parser::new_ext(body, markdown::options()).into_offset_iter();
    // The text of the HTML block being read, if any.
    let mut block: Option<String> = None;
    let (level, range) = loop {
        match (events.next(), block.as_mut()) {
            (Some((Event::Start(Tag::HtmlBlock), _)), None) => block = Some(String::new()),
            (Some((Event::Html(html), _)), Some(text)) => text.push_str(&html),
            (Some((Event::End(TagEnd::HtmlBlock), _)), Some(text)) => {
                let t = text.trim();
                if !(t.starts_with("<!--") && t.ends_with("-->")) {
                    return (body.to_string(), None, Cut::default());
                }
                block = None;
            }
            (Some((Event::Start(Tag::Heading { level, .. }), range)), None) => {
                break (level, range);
            }
            _ => return (body.to_string(), None, Cut::default()),
        }
    };
    if level != HeadingLevel::H1 {
        return (body.to_string(), None, Cut::default());
    }
    let mut title = String::new();
    for (event, _) in events.by_ref() {
        match event {
            Event::Text(t) | Event::Code(t) => title.push_str(&t),
            Event::End(TagEnd::Heading(_)) => break,
            _ => {}
        }
    }
    let rest = body[range.end..].trim_start_matches(['\n', '\r']);
    let rest_start = body.len() - rest.len();
    let title = title.trim().to_string();
    (
        format!("{}{rest}", &body[..range.start]),
        (!title.is_empty()).then_some(title),
        Cut {
            at: range.start,
            len: rest_start - range.start,
        },
    )
}

/// Prose rendered as the build renders it.
#[derive(Debug, Default)]
struct Rendered {
    /// The links and ids of the HTML.
    links: Vec<String>,
    ids: HashSet<String>,
    /// What the build would reject: every `@/` link and shortcode call (a
    /// card knows no page of this site), which render here as nothing.
    problems: Vec<String>,
}

/// Renders `body` as the build does, its code unhighlighted (which changes
/// no link or id).
fn render(body: &str) -> Rendered {
    let file = PathBuf::from("prose.md");
    let problems = std::sync::Mutex::new(Vec::new());
    let problem = |p: String| {
        if let Ok(mut list) = problems.lock() {
            list.push(p);
        }
    };
    let resolve = |target: &str| {
        problem(format!("`{target}` is not a page of this site"));
        Ok((String::new(), String::new()))
    };
    let shortcode = |name: &str, _: &markdown::ShortcodeArgs| {
        problem(format!(
            "`{{{{ {name}(...) }}}}` would be read as a shortcode"
        ));
        Ok(String::new())
    };
    let result = markdown::render_for_links(&MarkdownEnv {
        file: &file,
        text: body,
        body_start: 0,
        resolve_link: &resolve,
        shortcode: &shortcode,
        html: crate::config::RawHtml::Keep,
    });
    let mut problems = problems.into_inner().unwrap_or_default();
    match result {
        Ok(rendered) => {
            let origin = Origin {
                source: None,
                template: std::sync::Arc::from(std::path::Path::new("")),
            };
            let links = extract(PAGE_FILE, &rendered.html, origin);
            Rendered {
                links: links.links.iter().map(|l| l.to_string()).collect(),
                ids: links.ids.iter().map(|i| i.to_string()).collect(),
                problems,
            }
        }
        Err(errors) => {
            problems.extend(errors.into_iter().map(|e| e.message));
            Rendered {
                problems,
                ..Rendered::default()
            }
        }
    }
}

/// Where the prose is published, for resolving its relative links.
const PAGE_FILE: &str = "models/model/index.html";
const SITE_URL: &str = "https://site.invalid/";

/// Links the build would still reject in rendered prose, as notes.
fn still_rejected(rendered: &Rendered) -> Vec<String> {
    if !rendered.problems.is_empty() {
        return rendered
            .problems
            .iter()
            .map(|p| format!("the build will reject the prose: {p}; edit the prose file"))
            .collect();
    }
    rendered
        .links
        .iter()
        .filter(|href| match classify(href, PAGE_FILE, SITE_URL, "/") {
            Target::Internal { file, fragment } => {
                file != PAGE_FILE
                    || fragment.is_some_and(|f| !f.is_empty() && !rendered.ids.contains(&f))
            }
            Target::OutsideBase(_) => true,
            Target::External(_) | Target::Other => false,
        })
        .map(|href| {
            format!("the prose still links to `{href}`, which the build will report as broken; edit the prose file")
        })
        .collect()
}

/// What a link to `dest` becomes.
fn fix_for(dest: &str, is_image: bool, repo: Option<&str>, ids: &HashSet<String>) -> Fix {
    if !crate::sanitize::is_safe_url(dest) {
        return Fix::Unsafe;
    }
    let dest = dest.trim();
    if dest.is_empty() || dest.starts_with("//") || has_scheme(dest) {
        return Fix::Keep;
    }
    if let Some(fragment) = dest.strip_prefix('#') {
        return if fragment.is_empty() || ids.contains(fragment) {
            Fix::Keep
        } else {
            Fix::Unlink
        };
    }
    if dest.starts_with('/') {
        // The card was written for its page on the Hub.
        return Fix::Rewrite(format!("{HUB}{}", url_safe(dest)));
    }
    let path = dest.trim_start_matches("./");
    match repo {
        Some(repo) if !path.starts_with("../") && !path.starts_with("@/") => {
            let kind = if is_image { "resolve" } else { "blob" };
            Fix::Rewrite(format!("{HUB}/{repo}/{kind}/main/{}", url_safe(path)))
        }
        _ => Fix::Unlink,
    }
}

/// A bare address without the punctuation that ends the sentence around
/// it: `https://x.org/a).` -> `https://x.org/a` when the `(` is not part
/// of it.
fn trim_url_end(url: &str) -> &str {
    let mut url = url;
    loop {
        let before = url.len();
        url = url.trim_end_matches(['?', '!', '.', ',', ':', '*', '_', '~', '\'', '"', ';']);
        if url.ends_with(')') && url.matches(')').count() > url.matches('(').count() {
            url = &url[..url.len() - 1];
        }
        if url.len() == before {
            return url;
        }
    }
}

fn has_scheme(dest: &str) -> bool {
    static SCHEME: OnceLock<Regex> = OnceLock::new();
    SCHEME
        .get_or_init(|| Regex::new(r"^[A-Za-z][A-Za-z0-9+.-]*:").expect("a valid pattern"))
        .is_match(dest)
}

/// Spaces and parentheses would end a Markdown link destination.
fn url_safe(path: &str) -> String {
    path.replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29")
}

/// The range of the destination written after `marker` (`](` or `]:`) in
/// `body[range]`: `<...>` or a run without spaces and unbalanced `)`.
fn dest_token(body: &str, range: Range<usize>, marker: &str) -> Option<Range<usize>> {
    let src = body.get(range.clone())?;
    let after = if marker == "](" {
        src.rfind(marker)? + marker.len()
    } else {
        src.find(marker)? + marker.len()
    };
    let rest = &src[after..];
    let start = after + (rest.len() - rest.trim_start().len());
    let token = &src[start..];
    let len = if token.starts_with('<') {
        token.find('>')? + 1
    } else {
        let mut depth = 0i32;
        token
            .char_indices()
            .find(|&(_, c)| {
                if c == '(' {
                    depth += 1;
                } else if c == ')' {
                    depth -= 1;
                }
                c.is_whitespace() || depth < 0
            })
            .map_or(token.len(), |(i, _)| i)
    };
    (len > 0).then(|| range.start + start..range.start + start + len)
}

/// Changes to make to the body, by byte range.
#[derive(Default)]
struct Edits {
    changes: Vec<(Range<usize>, String)>,
    rewritten: Vec<String>,
    unlinked: Vec<String>,
    /// What the sanitizer removed, by byte offset in the body.
    removed: Vec<(usize, String)>,
}

impl Edits {
    fn push(&mut self, range: Range<usize>, text: String, dest: &str, rewrite: Option<String>) {
        self.changes.push((range, text));
        match rewrite {
            Some(_) => self.rewritten.push(dest.to_string()),
            None => self.unlinked.push(dest.to_string()),
        }
    }

    /// A Markdown link or image (`opener` is 1 for `[`, 2 for `![`).
    fn link(
        &mut self,
        body: &str,
        range: Range<usize>,
        link_type: LinkType,
        fix: &Fix,
        opener: usize,
        dest: &str,
    ) {
        if let Fix::Unsafe = fix {
            let kind = if opener == 2 { "image" } else { "link" };
            self.removed.push((
                range.start,
                format!("a Markdown {kind} with an unsafe URL scheme"),
            ));
            // Reported as removed, not as a link that leads nowhere.
            let before = self.unlinked.len();
            self.link_fix(body, range, link_type, &Fix::Unlink, opener, dest);
            self.unlinked.truncate(before);
            return;
        }
        self.link_fix(body, range, link_type, fix, opener, dest);
    }

    fn link_fix(
        &mut self,
        body: &str,
        range: Range<usize>,
        link_type: LinkType,
        fix: &Fix,
        opener: usize,
        dest: &str,
    ) {
        let src = &body[range.clone()];
        match (fix, link_type) {
            (Fix::Keep | Fix::Unsafe, _) => {}
            (Fix::Rewrite(url), LinkType::Inline) => {
                if let Some(token) = dest_token(body, range, "](") {
                    self.push(token, url.clone(), dest, Some(url.clone()));
                }
            }
            // A reference's destination is rewritten at its definition.
            (Fix::Rewrite(_), _) => {}
            (Fix::Unlink, LinkType::Inline | LinkType::Reference | LinkType::Collapsed) => {
                let marker = if link_type == LinkType::Inline {
                    "]("
                } else {
                    "]["
                };
                if let Some(tail) = src.rfind(marker) {
                    self.changes
                        .push((range.start..range.start + opener, String::new()));
                    self.changes
                        .push((range.start + tail..range.end, String::new()));
                    self.unlinked.push(dest.to_string());
                }
            }
            (Fix::Unlink, LinkType::Shortcut) if src.ends_with(']') => {
                self.changes
                    .push((range.start..range.start + opener, String::new()));
                self.changes.push((range.end - 1..range.end, String::new()));
                self.unlinked.push(dest.to_string());
            }
            (Fix::Unlink, _) => {}
        }
    }

    /// A piece of raw HTML (an HTML block, whose lines are at `ranges`, or
    /// one inline tag): links pointed at the Hub or dropped, and what the
    /// sanitizer does not keep removed.
    fn html(
        &mut self,
        body: &str,
        ranges: &[Range<usize>],
        html: &str,
        repo: Option<&str>,
        ids: &HashSet<String>,
    ) {
        let (Some(first), Some(last)) = (ranges.first(), ranges.last()) else {
            return;
        };
        let whole = first.start..last.end;
        if body.get(whole.clone()) != Some(html) && ranges.len() > 1 {
            // Lines inside a quote or a list carry its markers: each line
            // is cleaned on its own.
            for r in ranges {
                if let Some(line) = body.get(r.clone()) {
                    self.html(body, std::slice::from_ref(r), line, repo, ids);
                }
            }
            return;
        }
        let mut rewritten = Vec::new();
        let mut unlinked = Vec::new();
        let cleaned = crate::sanitize::clean(html, &mut |value, is_image| {
            // The value comes unescaped, as a browser reads it.
            let dest = value.to_string();
            match fix_for(&dest, is_image, repo, ids) {
                Fix::Keep | Fix::Unsafe => crate::sanitize::UrlFix::Keep,
                Fix::Rewrite(url) => {
                    rewritten.push(dest);
                    crate::sanitize::UrlFix::Rewrite(url)
                }
                Fix::Unlink => {
                    unlinked.push(dest);
                    crate::sanitize::UrlFix::Drop
                }
            }
        });
        self.rewritten.extend(rewritten);
        self.unlinked.extend(unlinked);
        self.removed.extend(
            cleaned
                .removed
                .into_iter()
                .map(|r| (whole.start + r.offset, r.what)),
        );
        if let Some(text) = cleaned.html {
            // A block that held only what was removed goes with its line.
            let text = if text.trim().is_empty() {
                String::new()
            } else {
                text
            };
            self.changes.push((whole, text));
        }
    }

    /// `{{` in text would start a shortcode; `{\{` (the second brace
    /// escaped) reads, and copies, as the same two braces.
    fn shortcode_braces(&mut self, body: &str, range: Range<usize>) {
        let src = &body[range.clone()];
        for (i, _) in src.match_indices("{{") {
            let at = range.start + i + 1;
            self.changes.push((at..at, "\\".to_string()));
        }
    }

    /// Web addresses written bare in `body[range]` made into links, as
    /// GitHub and the Hub show them: `<https://...>`, `[www.x](http://www.x)`.
    fn bare_urls(&mut self, body: &str, range: Range<usize>) {
        let src = &body[range.clone()];
        let mut pos = 0;
        while pos < src.len() {
            let Some(found) = ["https://", "http://", "www."]
                .iter()
                .filter_map(|p| src[pos..].find(p).map(|i| pos + i))
                .min()
            else {
                break;
            };
            let starts_word = src[..found]
                .chars()
                .next_back()
                .is_none_or(|c| c.is_whitespace() || "*_~(".contains(c));
            let end = src[found..]
                .find(|c: char| c.is_whitespace() || c == '<' || c == '>')
                .map_or(src.len(), |i| found + i);
            let url = trim_url_end(&src[found..end]);
            let scheme_len = if url.starts_with("www.") {
                0
            } else {
                url.find("://").map_or(0, |i| i + 3)
            };
            let host = url[scheme_len..]
                .split(['/', '?', '#'])
                .next()
                .unwrap_or("");
            let plausible = host.contains('.')
                && !host.starts_with('.')
                && !host.ends_with('.')
                && host
                    .chars()
                    .all(|c| c.is_alphanumeric() || "-._:".contains(c))
                && !url.contains(['\\', '&', '`', '[', ']']);
            if starts_word && plausible {
                let at = range.start + found..range.start + found + url.len();
                let link = if scheme_len == 0 {
                    format!("[{url}](http://{url})")
                } else {
                    format!("<{url}>")
                };
                self.changes.push((at, link));
            }
            pos = found + url.len().max(1);
        }
    }

    fn notes(&self, repo: Option<&str>) -> Vec<String> {
        let list = |items: &[String]| {
            let mut seen: Vec<&str> = Vec::new();
            for i in items {
                if !seen.contains(&i.as_str()) {
                    seen.push(i);
                }
            }
            seen.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut notes = Vec::new();
        if !self.rewritten.is_empty() {
            notes.push(format!(
                "pointed links written for the card's page on the Hub at huggingface.co: {}",
                list(&self.rewritten)
            ));
        }
        if !self.unlinked.is_empty() {
            let why = if repo.is_some() {
                ""
            } else {
                " (the card's Hub repository is not known, so files next to the card cannot be linked)"
            };
            notes.push(format!(
                "kept only the text of links that would lead nowhere on the model's page{why}: {}",
                list(&self.unlinked)
            ));
        }
        notes
    }

    /// Applies the changes; one that overlaps an earlier one is skipped
    /// (the check that follows reports what it would have fixed).
    fn apply(mut self, body: &str) -> String {
        self.changes.sort_by_key(|(r, _)| (r.start, r.end));
        let mut out = String::with_capacity(body.len() + 64);
        let mut pos = 0;
        for (range, text) in self.changes {
            if range.start < pos || range.end > body.len() {
                continue;
            }
            out.push_str(&body[pos..range.start]);
            out.push_str(&text);
            pos = range.end;
        }
        out.push_str(&body[pos..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_heading_becomes_the_name() {
        let p = prepare("# Model Card for Acme\n\nAcme writes text.\n", None);
        assert_eq!(p.title.as_deref(), Some("Model Card for Acme"));
        assert_eq!(p.text, "Acme writes text.\n");
    }

    #[test]
    fn relative_links_point_at_the_hub_when_the_repository_is_known() {
        let body = "See [the licence](LICENSE) and ![plot](./img/plot.png).\n\n[ref]: docs/usage.md\n\nUse [ref].\n<img src=\"img/a.png\"> <a href='/datasets/x'>data</a>\n";
        let p = prepare(body, Some("acme/Acme-7B"));
        assert!(
            p.text
                .contains("(https://huggingface.co/acme/Acme-7B/blob/main/LICENSE)")
        );
        assert!(
            p.text
                .contains("(https://huggingface.co/acme/Acme-7B/resolve/main/img/plot.png)")
        );
        assert!(
            p.text
                .contains("[ref]: https://huggingface.co/acme/Acme-7B/blob/main/docs/usage.md")
        );
        assert!(
            p.text
                .contains("src=\"https://huggingface.co/acme/Acme-7B/resolve/main/img/a.png\"")
        );
        assert!(
            p.text
                .contains("href=\"https://huggingface.co/datasets/x\"")
        );
        assert!(still_rejected(&render(&p.text)).is_empty(), "{}", p.text);
    }

    #[test]
    fn relative_links_become_text_when_the_repository_is_unknown() {
        let body = "See [the licence](LICENSE), [![badge](b.png)](docs/x.md), [ref][r], [short] and <a href=\"x.html\">x</a>.\n\n[r]: a.md\n[short]: b.md\n";
        let p = prepare(body, None);
        assert!(
            p.text
                .starts_with("See the licence, badge, ref, short and <a>x</a>."),
            "{}",
            p.text
        );
        assert!(still_rejected(&render(&p.text)).is_empty(), "{}", p.text);
    }

    #[test]
    fn fragments_are_kept_only_when_the_heading_exists() {
        let p = prepare("## Uses\n\nSee [uses](#uses) and [gone](#nowhere).\n", None);
        assert!(p.text.contains("[uses](#uses)"));
        assert!(p.text.contains("and gone."));
    }

    #[test]
    fn braces_in_text_are_not_shortcodes_but_code_is_untouched() {
        let body = "Call {{ models(x=\"1\") }} here.\n\n```jinja\n{{ models() }}\n```\n";
        let p = prepare(body, None);
        assert!(p.text.contains("Call {\\{ models"), "{}", p.text);
        assert!(p.text.contains("```jinja\n{{ models() }}\n```"));
        assert!(still_rejected(&render(&p.text)).is_empty());
    }

    #[test]
    fn a_trainer_comment_before_the_title_does_not_keep_the_title() {
        let body = "<!-- This model card was written by a training script. Check it,\nthen remove this comment. -->\n\n# tiny-sum\n\nA summarizer.\n";
        let p = prepare(body, None);
        assert_eq!(p.title.as_deref(), Some("tiny-sum"));
        assert!(!p.text.contains("# tiny-sum"), "{}", p.text);
        assert!(p.text.contains("A summarizer."));
    }

    #[test]
    fn unsafe_html_is_removed_and_located_in_the_body() {
        let body = "# T\n\nIntro <img src=\"https://x.test/a.png\" onerror=\"alert(1)\"> and [x](javascript:alert(2)).\n\n<script>alert(3)</script>\n\n<details><summary>More</summary>\n\n| a |\n|---|\n| 1 |\n\n</details>\n";
        let p = prepare(body, None);
        assert!(!p.text.contains("onerror"), "{}", p.text);
        assert!(!p.text.contains("javascript:"), "{}", p.text);
        assert!(!p.text.contains("<script"), "{}", p.text);
        assert!(
            p.text.contains("<details><summary>More</summary>"),
            "{}",
            p.text
        );
        assert!(p.text.contains("and x."), "{}", p.text);
        let whats: Vec<&str> = p.removed.iter().map(|(_, w)| w.as_str()).collect();
        assert_eq!(
            whats,
            [
                "`onerror` attribute of `<img>`",
                "a Markdown link with an unsafe URL scheme",
                "`<script>` element and its content"
            ]
        );
        let at = p.removed[0].0.expect("found in the card");
        assert_eq!(&body[at..at + 4], "<img");
    }

    #[test]
    fn bare_web_addresses_become_links_outside_code_and_links() {
        let body = "See https://acme.models.test/paper (or www.acme.models.test/blog). Also (https://x.test/a_(b)).\n\n`https://in.code.test/` and [https://linked.test/](https://linked.test/) and <a href=\"https://a.test/\">https://a.test/</a>.\n";
        let p = prepare(body, None);
        assert!(p.text.starts_with("See <https://acme.models.test/paper> (or [www.acme.models.test/blog](http://www.acme.models.test/blog)). Also (<https://x.test/a_(b)>).\n"), "{}", p.text);
        assert!(p.text.contains("`https://in.code.test/` and [https://linked.test/](https://linked.test/) and <a href=\"https://a.test/\">https://a.test/</a>."), "{}", p.text);
        assert_eq!(
            pass(&p.text, None).text,
            p.text,
            "a second pass changes nothing"
        );
    }

    #[test]
    fn a_rule_first_is_not_front_matter() {
        let p = prepare("---\n\ntext\n", None);
        assert!(p.text.starts_with("\n---"));
    }
}
