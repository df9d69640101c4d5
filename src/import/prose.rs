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
}

/// What to do with one link destination.
#[derive(Debug, Clone, PartialEq)]
enum Fix {
    Keep,
    Rewrite(String),
    Unlink,
}

/// Makes `body` into prose; `repo` is the card's Hub repository, if known.
pub fn prepare(body: &str, repo: Option<&str>) -> Prose {
    let (body, title) = without_title(body);
    let ids = ids_of(&body);
    let mut edits = Edits::default();
    let mut image_labels: HashSet<String> = HashSet::default();

    let parser = Parser::new_ext(&body, markdown::options());
    let mut iter = parser.into_offset_iter();
    let mut in_code = 0usize;
    for (event, range) in iter.by_ref() {
        match &event {
            Event::Start(Tag::CodeBlock(_)) => in_code += 1,
            Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                let fix = fix_for(dest_url, false, repo, &ids);
                edits.link(&body, range, *link_type, &fix, 1, dest_url);
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
                let fix = fix_for(dest_url, true, repo, &ids);
                edits.link(&body, range, *link_type, &fix, 2, dest_url);
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                edits.html_attributes(&body, range, repo, &ids);
            }
            Event::Text(_) if in_code == 0 => edits.shortcode_braces(&body, range),
            _ => {}
        }
    }
    for (label, def) in iter.reference_definitions().iter() {
        let is_image = image_labels.contains(&label.to_lowercase());
        if let Fix::Rewrite(url) = fix_for(&def.dest, is_image, repo, &ids)
            && let Some(token) = dest_token(&body, def.span.clone(), "]:")
        {
            edits.push(token, url.clone(), &def.dest, Some(url));
        }
    }

    let mut notes = edits.notes(repo);
    let text = edits.apply(&body);
    notes.extend(still_rejected(&text));
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
    Prose { text, title, notes }
}

/// Takes out a level-1 heading that opens the body.
fn without_title(body: &str) -> (String, Option<String>) {
    let mut events = Parser::new_ext(body, markdown::options()).into_offset_iter();
    let Some((Event::Start(Tag::Heading { level, .. }), range)) = events.next() else {
        return (body.to_string(), None);
    };
    if level != HeadingLevel::H1 {
        return (body.to_string(), None);
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
    let title = title.trim().to_string();
    (
        format!("{}{rest}", &body[..range.start]),
        (!title.is_empty()).then_some(title),
    )
}

/// The ids the build gives the body's headings and HTML elements.
fn ids_of(body: &str) -> HashSet<String> {
    render(body, false).map(|(_, ids)| ids).unwrap_or_default()
}

/// Renders `body` as the build does. When `strict`, every `@/` link and
/// shortcode call is a problem; else they render as nothing. Returns the
/// links and ids of the HTML.
fn render(body: &str, strict: bool) -> Result<(Vec<String>, HashSet<String>), Vec<String>> {
    let file = PathBuf::from("prose.md");
    let resolve = |target: &str| {
        if strict {
            Err((format!("`{target}` is not a page of this site"), None))
        } else {
            Ok((String::new(), String::new()))
        }
    };
    let shortcode = |name: &str, _: &markdown::ShortcodeArgs| {
        if strict {
            Err((
                format!("`{{{{ {name}(...) }}}}` would be read as a shortcode"),
                None,
            ))
        } else {
            Ok(String::new())
        }
    };
    let rendered = markdown::render(&MarkdownEnv {
        file: &file,
        text: body,
        body_start: 0,
        resolve_link: &resolve,
        shortcode: &shortcode,
    })
    .map_err(|errors| errors.into_iter().map(|e| e.message).collect::<Vec<_>>())?;
    let origin = Origin {
        source: None,
        template: std::sync::Arc::from(std::path::Path::new("")),
    };
    let links = extract(PAGE_FILE, &rendered.html, origin);
    Ok((
        links.links.iter().map(|l| l.to_string()).collect(),
        links.ids.iter().map(|i| i.to_string()).collect(),
    ))
}

/// Where the prose is published, for resolving its relative links.
const PAGE_FILE: &str = "models/model/index.html";
const SITE_URL: &str = "https://site.invalid/";

/// Links the build would still reject, as notes.
fn still_rejected(text: &str) -> Vec<String> {
    match render(text, true) {
        Err(problems) => problems
            .into_iter()
            .map(|p| format!("the build will reject the prose: {p}; edit the prose file"))
            .collect(),
        Ok((links, ids)) => links
            .into_iter()
            .filter(|href| match classify(href, PAGE_FILE, SITE_URL, "/") {
                Target::Internal { file, fragment } => {
                    file != PAGE_FILE
                        || fragment.is_some_and(|f| !f.is_empty() && !ids.contains(&f))
                }
                Target::OutsideBase(_) => true,
                Target::External(_) | Target::Other => false,
            })
            .map(|href| {
                format!("the prose still links to `{href}`, which the build will report as broken; edit the prose file")
            })
            .collect(),
    }
}

/// What a link to `dest` becomes.
fn fix_for(dest: &str, is_image: bool, repo: Option<&str>, ids: &HashSet<String>) -> Fix {
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
        let src = &body[range.clone()];
        match (fix, link_type) {
            (Fix::Keep, _) => {}
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

    /// `href` and `src` attributes in raw HTML.
    fn html_attributes(
        &mut self,
        body: &str,
        range: Range<usize>,
        repo: Option<&str>,
        ids: &HashSet<String>,
    ) {
        static ATTRIBUTE: OnceLock<Regex> = OnceLock::new();
        let pattern = ATTRIBUTE.get_or_init(|| {
            Regex::new(r#"(?i)\s(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"#)
                .expect("a valid pattern")
        });
        let src = &body[range.clone()];
        for caps in pattern.captures_iter(src) {
            let (Some(whole), Some(name)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            let Some(value) = caps.get(2).or(caps.get(3)).or(caps.get(4)) else {
                continue;
            };
            let is_image = name.as_str().eq_ignore_ascii_case("src");
            let dest = htmlize::unescape_attribute(value.as_str()).into_owned();
            match fix_for(&dest, is_image, repo, ids) {
                Fix::Keep => {}
                Fix::Rewrite(url) => {
                    let at = range.start + value.start()..range.start + value.end();
                    self.push(at, url.clone(), &dest, Some(url));
                }
                Fix::Unlink => {
                    let at = range.start + whole.start()..range.start + whole.end();
                    self.push(at, String::new(), &dest, None);
                }
            }
        }
    }

    /// `{{` in text would start a shortcode; an invisible space keeps the
    /// two braces apart without changing what a reader sees.
    fn shortcode_braces(&mut self, body: &str, range: Range<usize>) {
        let src = &body[range.clone()];
        for (i, _) in src.match_indices("{{") {
            let at = range.start + i;
            self.changes.push((at..at + 1, "{&#8203;".to_string()));
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
        assert!(p.text.contains("href='https://huggingface.co/datasets/x'"));
        assert!(still_rejected(&p.text).is_empty(), "{}", p.text);
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
        assert!(still_rejected(&p.text).is_empty(), "{}", p.text);
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
        assert!(p.text.contains("{&#8203;{ models"));
        assert!(p.text.contains("```jinja\n{{ models() }}\n```"));
        assert!(still_rejected(&p.text).is_empty());
    }

    #[test]
    fn a_rule_first_is_not_front_matter() {
        let p = prepare("---\n\ntext\n", None);
        assert!(p.text.starts_with("\n---"));
    }
}
