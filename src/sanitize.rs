//! Raw HTML in Markdown made safe to publish: what a model card (and, when
//! the site asks for it, a page) may keep of its HTML. The policy is
//! ammonia's, widened to what the Hugging Face Hub renders in cards
//! (`align` on blocks, `open` on `<details>`): tables, `<details>`, images,
//! links with safe schemes, `<br>`, `<sup>` and the like stay; scripts,
//! styles, frames, forms, event handlers, `style` and `class` attributes and
//! unsafe URL schemes go.
//!
//! Markdown hands its raw HTML over in pieces (a block, or one inline tag),
//! so this module cleans one piece at a time, tag by tag: the piece is
//! tokenized as a browser tokenizes it (html5ever), every start tag is
//! passed through ammonia on its own, and a piece with nothing to remove is
//! kept byte for byte. What is written back is always whole tags and
//! escaped text, so the piece that follows is read by a browser as it was
//! read here. This module knows nothing of Markdown events or files; it
//! reports where, inside the piece, it removed something.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::collections::HashSet;
use std::sync::OnceLock;

use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// Something taken out of a piece of HTML.
#[derive(Debug, Clone, PartialEq)]
pub struct Removal {
    /// What it was: "`<script>` element", "`onerror` attribute of `<img>`".
    pub what: String,
    /// Byte offset in the piece of the tag it was in.
    pub offset: usize,
}

/// What to do with a URL attribute (`href`, `src`) before the policy sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum UrlFix {
    Keep,
    Rewrite(String),
    Drop,
}

/// A piece of HTML cleaned.
#[derive(Debug, Clone, Default)]
pub struct Cleaned {
    /// The new text of the piece; `None` when it is kept as it was.
    pub html: Option<String>,
    pub removed: Vec<Removal>,
}

/// The ammonia builder of the policy. Links get no `rel` added, so a piece
/// that loses nothing is written back unchanged.
fn builder() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.link_rel(None);
        for tag in ["div", "p", "h1", "h2", "h3", "h4", "h5", "h6"] {
            b.add_tag_attributes(tag, ["align"]);
        }
        b.add_tag_attributes("details", ["open"]);
        b
    })
}

/// The tags the policy keeps, and those whose content goes with them.
struct Tags {
    kept: HashSet<&'static str>,
    emptied: HashSet<&'static str>,
}

fn tags() -> &'static Tags {
    static TAGS: OnceLock<Tags> = OnceLock::new();
    TAGS.get_or_init(|| Tags {
        kept: builder().clone_tags(),
        emptied: builder().clone_clean_content_tags(),
    })
}

/// Whether an element of this name is kept.
pub fn keeps_tag(name: &str) -> bool {
    tags().kept.contains(name)
}

/// Whether `url` may be a link or an image of a published page: relative,
/// or with a scheme the policy allows (`javascript:`, `data:` and
/// `vbscript:` are not; tabs and newlines inside a scheme are read as a
/// browser reads them).
pub fn is_safe_url(url: &str) -> bool {
    let plain = |s: &str| {
        !s.bytes()
            .any(|b| b.is_ascii_control() || b == b'"' || b == b'<' || b == b'>')
    };
    if (url.starts_with("https://") || url.starts_with("http://")) && plain(url) {
        return true;
    }
    clean_start_tag("a", &[("href".to_string(), url.to_string())])
        .is_some_and(|attrs| attrs.iter().any(|(k, _)| k == "href"))
}

/// Tokens of a piece of HTML, with the raw-text states a browser's tree
/// builder would ask for.
#[derive(Default)]
struct Collect {
    tokens: RefCell<Vec<Token>>,
}

impl TokenSink for Collect {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let state = match &token {
            Token::TagToken(Tag {
                kind: TagKind::StartTag,
                name,
                ..
            }) => match &**name {
                "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                    TokenSinkResult::RawData(RawKind::Rawtext)
                }
                "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
                "plaintext" => TokenSinkResult::Plaintext,
                _ => TokenSinkResult::Continue,
            },
            _ => TokenSinkResult::Continue,
        };
        let mut tokens = self.tokens.borrow_mut();
        match (&token, tokens.last_mut()) {
            (Token::CharacterTokens(more), Some(Token::CharacterTokens(text))) => {
                text.push_tendril(more);
            }
            _ => tokens.push(token),
        }
        state
    }
}

fn tokenize(html: &str) -> Vec<Token> {
    let input = BufferQueue::default();
    input.push_back(html.into());
    let tokenizer = Tokenizer::new(Collect::default(), TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.tokens.take()
}

/// A tag's attributes, as (name, value).
type Attrs = Vec<(String, String)>;

/// How many start tags with attributes each thread remembers the answer for.
const TAG_CACHE: usize = 4096;

/// The attributes ammonia keeps of a start tag, or `None` when it drops the
/// element. Each tag is cleaned alone, inside the table it needs to be
/// parsed at all.
fn clean_start_tag(name: &str, attrs: &[(String, String)]) -> Option<Attrs> {
    if !keeps_tag(name) {
        return None;
    }
    if attrs.is_empty() {
        return Some(Vec::new());
    }
    thread_local! {
        static CACHE: RefCell<HashMap<String, Option<Attrs>>> =
            RefCell::new(HashMap::new());
    }
    let tag = start_tag_text(name, attrs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    if let Some(hit) = CACHE.with(|c| c.borrow().get(&tag).cloned()) {
        return hit;
    }
    let wrapped = match name {
        "td" | "th" => format!("<table><tbody><tr>{tag}</tr></tbody></table>"),
        "tr" => format!("<table><tbody>{tag}</tbody></table>"),
        "tbody" | "thead" | "tfoot" | "caption" | "colgroup" => format!("<table>{tag}</table>"),
        "col" => format!("<table><colgroup>{tag}</colgroup></table>"),
        _ => tag.clone(),
    };
    let out = builder().clean(&wrapped).to_string();
    let kept = tokenize(&out).into_iter().find_map(|t| match t {
        Token::TagToken(t) if t.kind == TagKind::StartTag && &*t.name == name => Some(
            t.attrs
                .iter()
                .map(|a| (a.name.local.to_string(), a.value.to_string()))
                .collect(),
        ),
        _ => None,
    });
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= TAG_CACHE {
            c.clear();
        }
        c.insert(tag, kept.clone());
    });
    kept
}

/// `<name a="v">`, with values escaped so that the tag stays on one line
/// and reads back the same.
fn start_tag_text<'a>(name: &str, attrs: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = format!("<{name}");
    for (k, v) in attrs {
        out.push(' ');
        out.push_str(k);
        out.push_str("=\"");
        for c in v.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '"' => out.push_str("&quot;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '\n' => out.push_str("&#10;"),
                '\r' => out.push_str("&#13;"),
                c => out.push(c),
            }
        }
        out.push('"');
    }
    out.push('>');
    out
}

fn escape_text(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

/// A comment a browser and a Markdown reader both end where it ends.
fn comment_is_plain(text: &str) -> bool {
    !text.contains("--")
        && !text.starts_with('>')
        && !text.starts_with("->")
        && !text.ends_with('-')
}

/// Finds, from `from`, the next `<name` (or `</name`) in `html` that is a tag.
fn find_tag(html: &str, name: &str, end: bool, from: usize) -> Option<usize> {
    let open = if end { "</" } else { "<" };
    let bytes = html.as_bytes();
    let mut pos = from.min(html.len());
    while let Some(i) = html[pos..].find(open) {
        let start = pos + i;
        let after = start + open.len();
        let matches = html
            .get(after..after + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
            && bytes
                .get(after + name.len())
                .is_none_or(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/');
        if matches {
            return Some(start);
        }
        pos = start + 1;
    }
    None
}

/// Cleans one piece of raw HTML. `fix_url(value, is_image)` is asked first
/// about every `href` and `src`.
pub fn clean(html: &str, fix_url: &mut dyn FnMut(&str, bool) -> UrlFix) -> Cleaned {
    if !html.contains(['<', '&', '\0']) {
        return Cleaned::default();
    }
    let mut out = String::with_capacity(html.len());
    let mut removed = Vec::new();
    let mut changed = false;
    // Where the search for the next tag starts, for the offsets reported.
    let mut cursor = 0usize;
    // The element whose content is dropped, while inside it.
    let mut emptying: Option<String> = None;
    for token in tokenize(html) {
        match token {
            Token::CharacterTokens(text) => {
                if emptying.is_none() {
                    escape_text(&text, &mut out);
                }
            }
            Token::TagToken(tag) => {
                let name = tag.name.to_string();
                let at = find_tag(html, &name, tag.kind == TagKind::EndTag, cursor);
                let offset = at.unwrap_or(cursor);
                if let Some(a) = at {
                    cursor = a + 1;
                }
                if let Some(open) = &emptying {
                    if tag.kind == TagKind::EndTag && *open == name {
                        emptying = None;
                    }
                    continue;
                }
                if tag.kind == TagKind::EndTag {
                    if keeps_tag(&name) {
                        out.push_str("</");
                        out.push_str(&name);
                        out.push('>');
                    } else {
                        changed = true;
                    }
                    continue;
                }
                if tags().emptied.contains(name.as_str()) {
                    removed.push(Removal {
                        what: format!("`<{name}>` element and its content"),
                        offset,
                    });
                    emptying = Some(name);
                    changed = true;
                    continue;
                }
                let mut attrs: Vec<(String, String)> = Vec::with_capacity(tag.attrs.len());
                for a in &tag.attrs {
                    let key = a.name.local.to_string();
                    let value = a.value.to_string();
                    if key == "href" || key == "src" {
                        match fix_url(&value, key == "src") {
                            UrlFix::Keep => {}
                            UrlFix::Rewrite(url) => {
                                changed = true;
                                attrs.push((key, url));
                                continue;
                            }
                            UrlFix::Drop => {
                                changed = true;
                                continue;
                            }
                        }
                    }
                    attrs.push((key, value));
                }
                match clean_start_tag(&name, &attrs) {
                    None => {
                        removed.push(Removal {
                            what: format!("`<{name}>` element"),
                            offset,
                        });
                        changed = true;
                    }
                    Some(kept) => {
                        for (k, v) in &attrs {
                            if !kept.iter().any(|(kk, vv)| kk == k && vv == v) {
                                let what = if (k == "href" || k == "src") && !is_safe_url(v) {
                                    format!("`{k}` of `<{name}>` with an unsafe URL scheme")
                                } else {
                                    format!("`{k}` attribute of `<{name}>`")
                                };
                                removed.push(Removal { what, offset });
                                changed = true;
                            }
                        }
                        out.push_str(&start_tag_text(
                            &name,
                            kept.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                        ));
                    }
                }
            }
            Token::CommentToken(text) => {
                if comment_is_plain(&text) {
                    out.push_str("<!--");
                    out.push_str(&text);
                    out.push_str("-->");
                } else {
                    removed.push(Removal {
                        what: "a comment that a browser would end elsewhere".to_string(),
                        offset: cursor,
                    });
                    changed = true;
                }
            }
            Token::DoctypeToken(_) => {
                removed.push(Removal {
                    what: "a `<!DOCTYPE>`".to_string(),
                    offset: cursor,
                });
                changed = true;
            }
            Token::NullCharacterToken | Token::ParseError(_) => changed = true,
            Token::EOFToken => {}
        }
    }
    Cleaned {
        html: changed.then_some(out),
        removed,
    }
}

/// [`clean`] without URL rewriting, as the text to publish.
pub fn clean_html(html: &str) -> Cow<'_, str> {
    match clean(html, &mut |_, _| UrlFix::Keep).html {
        Some(text) => Cow::Owned(text),
        None => Cow::Borrowed(html),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaned(html: &str) -> (String, Vec<String>) {
        let c = clean(html, &mut |_, _| UrlFix::Keep);
        (
            c.html.unwrap_or_else(|| html.to_string()),
            c.removed.into_iter().map(|r| r.what).collect(),
        )
    }

    #[test]
    fn what_the_hub_renders_is_kept_byte_for_byte() {
        for html in [
            "<details open>\n<summary>Show the table</summary>\n",
            "</details>",
            "<table>\n<tr><th align=\"left\">Model</th><td colspan=2>x</td></tr>\n</table>",
            "<p align=\"center\"><img src=\"https://example.org/a.png\" width=\"200\" alt=\"A\"></p>",
            "<sup>1</sup><br><a href=\"https://example.org/\">link</a>",
            "<!-- a note for editors -->",
        ] {
            let c = clean(html, &mut |_, _| UrlFix::Keep);
            assert_eq!(c.html, None, "{html}");
            assert!(c.removed.is_empty(), "{html}: {:?}", c.removed);
        }
    }

    #[test]
    fn scripts_styles_frames_and_handlers_are_removed() {
        let (html, removed) = cleaned(
            "<script>alert(1)</script><style>header{display:none}</style><iframe src=\"https://x.test/\"></iframe><img src=\"a.png\" onerror=\"alert(2)\"><a href=\"javascript:alert(3)\">x</a>",
        );
        assert_eq!(html, "<img src=\"a.png\"><a>x</a>");
        assert_eq!(
            removed,
            [
                "`<script>` element and its content",
                "`<style>` element and its content",
                "`<iframe>` element",
                "`onerror` attribute of `<img>`",
                "`href` of `<a>` with an unsafe URL scheme",
            ]
        );
    }

    #[test]
    fn schemes_are_read_as_a_browser_reads_them() {
        assert!(is_safe_url("https://example.org/"));
        assert!(is_safe_url("docs/usage.md"));
        assert!(is_safe_url("#top"));
        assert!(is_safe_url("mailto:a@example.org"));
        assert!(!is_safe_url("javascript:alert(1)"));
        assert!(!is_safe_url("JaVaScRiPt:alert(1)"));
        assert!(!is_safe_url("java\tscript:alert(1)"));
        assert!(!is_safe_url(" javascript:alert(1)"));
        assert!(!is_safe_url("data:text/html,<script>alert(1)</script>"));
        assert!(!is_safe_url("vbscript:x"));
    }

    #[test]
    fn tricks_on_the_tokenizer_do_not_pass() {
        // A comment that a browser ends early, and text a browser reads as
        // raw text inside <noscript>.
        let (html, _) = cleaned("<!-- x --!><img src=x onerror=alert(1)> -->");
        assert!(!html.contains("onerror"), "{html}");
        let (html, _) = cleaned("<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">");
        assert!(!html.contains("onerror"), "{html}");
        // An unclosed tag at the end of a piece would swallow what follows.
        let (html, _) = cleaned("<div>\n<a title=\"");
        assert_eq!(html, "<div>\n");
        // Values never span lines, so a Markdown reader keeps the tag whole.
        let (html, _) = cleaned("<p title=\"a\n\n<img src=x onerror=alert(1)>\" onclick=\"x\">");
        assert!(html.starts_with("<p title=\"a&#10;&#10;&lt;img"), "{html}");
        // Cleaning is idempotent.
        let (again, removed) = cleaned(&html);
        assert_eq!(again, html);
        assert!(removed.is_empty());
    }

    #[test]
    fn removals_are_located_at_their_tag() {
        let html = "<div>\n  <img src=\"a.png\" onload=\"x()\">\n</div>";
        let c = clean(html, &mut |_, _| UrlFix::Keep);
        assert_eq!(c.removed[0].offset, html.find("<img").unwrap());
    }
}
