//! Internal link checking over the generated HTML, so links written in
//! templates count as much as links written in Markdown.
//!
//! [`extract`] reads one document's `href`/`src` values and its ids;
//! [`check`] then verifies that every link into the site names an output
//! file, and every `#fragment` an id on that page. This module reads HTML
//! it is given; it never fetches anything.

use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use crate::error::{Errors, SiteError, line_col};
use crate::render::{FragmentCheck, Origin, file_for};

/// The links and ids of one output document.
#[derive(Debug, Clone)]
pub struct PageLinks {
    /// File path in the output folder (`models/bert/index.html`).
    pub file: String,
    /// Sorted, each once (see [`PageLinks::has_id`]).
    pub ids: Box<[Arc<str>]>,
    /// Every `href`/`src` value, as written, each once, in the order met.
    pub links: Box<[Arc<str>]>,
    pub origin: Origin,
}

impl PageLinks {
    /// Whether the document has an element with this id.
    pub fn has_id(&self, id: &str) -> bool {
        self.ids.binary_search_by(|x| (**x).cmp(id)).is_ok()
    }
}

/// One copy of each link and id text of a build, shared by every page that
/// has it: a large site's pages repeat the same few thousand links (the
/// header, the terms), which would otherwise be held once per page.
#[derive(Default)]
pub struct Interner {
    shards: [std::sync::Mutex<HashSet<Arc<str>>>; 16],
}

impl Interner {
    /// The shared copy of each of `texts`.
    fn intern_all(&self, texts: Vec<String>) -> Vec<Arc<str>> {
        texts
            .into_iter()
            .map(|t| {
                let shard =
                    &self.shards[crate::render::memo::hash_bytes(t.as_bytes()) as usize % 16];
                match shard.lock() {
                    Ok(mut set) => match set.get(t.as_str()) {
                        Some(known) => known.clone(),
                        None => {
                            let text: Arc<str> = t.into();
                            set.insert(text.clone());
                            text
                        }
                    },
                    // A poisoned shard only loses the sharing.
                    Err(_) => t.into(),
                }
            })
            .collect()
    }
}

/// Reads the links and ids of a document.
///
/// The document is read as a browser tokenizes it: attribute values may be
/// double-, single- or unquoted and hold character references (`&amp;`);
/// tag and attribute names are compared without regard to case; comments
/// and the text of `<script>`, `<style>` and the like hold no tags. An
/// `<a name>` counts as an id.
pub fn extract(file: &str, html: &str, origin: Origin) -> PageLinks {
    extract_shared(file, html, origin, &Interner::default(), Kept::All)
}

/// Which of a page's links [`extract_shared`] keeps.
#[derive(Debug, Clone, Copy)]
pub enum Kept<'a> {
    /// Every link: the external check reads them.
    All,
    /// Only those the internal check reads ([`Reach::Site`]), for a build
    /// that checks no external link: every page's links are held until the
    /// check, and a model page's are a third external.
    SiteOnly { base_url: &'a str },
}

/// [`extract`], with the texts shared through `interner`, keeping the
/// links `kept` says.
pub fn extract_shared(
    file: &str,
    html: &str,
    origin: Origin,
    interner: &Interner,
    kept: Kept<'_>,
) -> PageLinks {
    let mut ids = Vec::new();
    let mut links = Vec::new();
    for_each_start_tag(html, |tag| {
        if let Some(id) = tag.id {
            ids.push(attribute_value(id));
        }
        if let Some(name) = tag.name
            && tag.tag_name.eq_ignore_ascii_case("a")
        {
            ids.push(attribute_value(name));
        }
        for value in [tag.href, tag.src].into_iter().flatten() {
            let value = attribute_value(value);
            let keep = match kept {
                Kept::All => true,
                Kept::SiteOnly { base_url } => reach(value.trim(), base_url) == Reach::Site,
            };
            if keep {
                links.push(value);
            }
        }
    });
    // Held for every page until the links are checked, so kept compact:
    // shared texts, no spare capacity, no hash tables.
    let mut ids = interner.intern_all(ids);
    ids.sort_unstable();
    ids.dedup();
    let mut links = interner.intern_all(links);
    let mut seen: HashSet<*const u8> = HashSet::default();
    links.retain(|l| seen.insert(l.as_ptr()));
    PageLinks {
        file: file.to_string(),
        ids: ids.into_boxed_slice(),
        links: links.into_boxed_slice(),
        origin,
    }
}

// Reading HTML. A hand-written scanner rather than a full tokenizer: it
// only needs the start tags and four attributes, and it is about ten times
// faster than html5gum on generated pages (the link check reads every page
// of the site). It follows the WHATWG tokenizer wherever the outcome can
// differ: quoting, case, comments, bogus comments, raw-text elements, the
// script-data escape states, and CDATA in <svg>/<math>. It does not build
// a tree, so markup that a browser's tree builder would move or drop (an
// HTML tag breaking out of an unclosed <svg>) is read as written.

/// A start tag and the attributes the link check reads, as written in the
/// source (character references not yet decoded). As in a browser, only
/// the first of a repeated attribute counts.
#[derive(Default)]
struct StartTag<'h> {
    tag_name: &'h str,
    id: Option<&'h str>,
    name: Option<&'h str>,
    href: Option<&'h str>,
    src: Option<&'h str>,
}

impl<'h> StartTag<'h> {
    fn set_attribute(&mut self, attribute: &str, value: &'h str) {
        let slot = match attribute.len() {
            2 if attribute.eq_ignore_ascii_case("id") => &mut self.id,
            3 if attribute.eq_ignore_ascii_case("src") => &mut self.src,
            4 if attribute.eq_ignore_ascii_case("href") => &mut self.href,
            4 if attribute.eq_ignore_ascii_case("name") => &mut self.name,
            _ => return,
        };
        slot.get_or_insert(value);
    }

    /// `<svg>` and `<math>` start foreign content.
    fn is_foreign_root(&self) -> bool {
        self.tag_name.eq_ignore_ascii_case("svg") || self.tag_name.eq_ignore_ascii_case("math")
    }
}

/// How the content after a start tag is tokenized.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Content {
    /// Markup: tags are tags.
    Markup,
    /// `<script>`: text up to `</script>`, with the `<!--` escape rules.
    Script,
    /// `<style>`, `<title>`, `<textarea>` and the like: text up to the
    /// element's own end tag.
    Text,
    /// `<plaintext>`: the rest of the document is text.
    Plaintext,
}

impl Content {
    fn after(tag_name: &str) -> Content {
        const TEXT: [&str; 7] = [
            "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes",
        ];
        if tag_name.len() > 9 || tag_name.len() < 3 {
            Content::Markup
        } else if tag_name.eq_ignore_ascii_case("script") {
            Content::Script
        } else if tag_name.eq_ignore_ascii_case("plaintext") {
            Content::Plaintext
        } else if TEXT.iter().any(|t| t.eq_ignore_ascii_case(tag_name)) {
            Content::Text
        } else {
            Content::Markup
        }
    }
}

/// Whitespace between attributes. (A browser turns CR into LF first.)
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0C')
}

fn find_byte(bytes: &[u8], needle: u8, from: usize) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|&b| b == needle)
        .map(|i| i + from)
}

/// Position of `needle` (not empty) at or after `from`.
fn find_bytes(bytes: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        let i = find_byte(bytes, needle[0], at)?;
        if bytes[i..].starts_with(needle) {
            return Some(i);
        }
        at = i + 1;
    }
}

/// Calls `on_start_tag` for every start tag of `html`, in document order.
/// End tags, comments, doctypes, processing instructions and the text of
/// raw-text elements such as `<script>` and `<style>` yield nothing; a tag
/// cut off by the end of the document neither.
fn for_each_start_tag<'h>(html: &'h str, mut on_start_tag: impl FnMut(&StartTag<'h>)) {
    let bytes = html.as_bytes();
    // Open <svg>/<math> elements: inside them `<![CDATA[…]]>` is a section
    // and <style>/<script> hold markup.
    let mut foreign_depth = 0usize;
    let mut pos = 0;
    while let Some(lt) = find_byte(bytes, b'<', pos) {
        pos = lt + 1;
        let Some(&next) = bytes.get(pos) else { break };
        match next {
            b'a'..=b'z' | b'A'..=b'Z' => {
                let Some((tag, self_closing, end)) = read_tag(html, pos) else {
                    break;
                };
                pos = end;
                on_start_tag(&tag);
                if tag.is_foreign_root() && !self_closing {
                    foreign_depth += 1;
                } else if foreign_depth == 0 {
                    pos = skip_content(bytes, pos, tag.tag_name);
                }
            }
            b'/' => match bytes.get(pos + 1) {
                Some(b'a'..=b'z' | b'A'..=b'Z') => {
                    let Some((tag, _, end)) = read_tag(html, pos + 1) else {
                        break;
                    };
                    pos = end;
                    if tag.is_foreign_root() {
                        foreign_depth = foreign_depth.saturating_sub(1);
                    }
                }
                Some(b'>') => pos += 2,
                Some(_) => pos = after_bogus_comment(bytes, pos),
                None => break,
            },
            b'!' => {
                let rest = &bytes[pos + 1..];
                pos = if rest.starts_with(b"--") {
                    after_comment(bytes, pos + 3)
                } else if foreign_depth > 0 && rest.starts_with(b"[CDATA[") {
                    find_bytes(bytes, b"]]>", pos + 8).map_or(bytes.len(), |i| i + 3)
                } else {
                    after_bogus_comment(bytes, pos)
                };
            }
            b'?' => pos = after_bogus_comment(bytes, pos),
            // A `<` that starts no tag is text.
            _ => {}
        }
    }
}

/// End of a doctype, `<?…>`, `<!…>` or `</…>` that is not a tag: just
/// after the first `>`.
fn after_bogus_comment(bytes: &[u8], from: usize) -> usize {
    find_byte(bytes, b'>', from).map_or(bytes.len(), |i| i + 1)
}

/// End of a comment whose text starts at `from`, just after `<!--`: after
/// `-->` or `--!>`. `<!-->` and `<!--->` are whole (empty) comments.
fn after_comment(bytes: &[u8], from: usize) -> usize {
    let text = bytes.get(from..).unwrap_or_default();
    if text.starts_with(b">") {
        return from + 1;
    }
    if text.starts_with(b"->") {
        return from + 2;
    }
    let mut at = from;
    while let Some(dashes) = find_bytes(bytes, b"--", at) {
        let mut i = dashes + 2;
        while bytes.get(i) == Some(&b'-') {
            i += 1;
        }
        match bytes.get(i) {
            Some(b'>') => return i + 1,
            Some(b'!') if bytes.get(i + 1) == Some(&b'>') => return i + 2,
            _ => at = i,
        }
    }
    bytes.len()
}

/// Reads the tag whose name starts at `from`: the tag, whether it ends with
/// `/>`, and the position after its `>`. `None` when the document ends
/// inside the tag.
fn read_tag(html: &str, from: usize) -> Option<(StartTag<'_>, bool, usize)> {
    let bytes = html.as_bytes();
    let mut i = from;
    while !matches!(bytes.get(i)?, &b if is_space(b) || b == b'/' || b == b'>') {
        i += 1;
    }
    let mut tag = StartTag {
        tag_name: &html[from..i],
        ..StartTag::default()
    };
    loop {
        // Before an attribute: whitespace and stray slashes.
        let skipped_from = i;
        while matches!(bytes.get(i)?, &b if is_space(b) || b == b'/') {
            i += 1;
        }
        if bytes[i] == b'>' {
            let self_closing = i > skipped_from && bytes[i - 1] == b'/';
            return Some((tag, self_closing, i + 1));
        }
        // The name runs to whitespace, `/`, `>` or `=`; its first
        // character may be `=`.
        let name_start = i;
        i += 1;
        while !matches!(bytes.get(i)?, &b if is_space(b) || matches!(b, b'/' | b'>' | b'=')) {
            i += 1;
        }
        let name = &html[name_start..i];
        while is_space(*bytes.get(i)?) {
            i += 1;
        }
        if bytes[i] != b'=' {
            // An attribute without a value has the empty value.
            tag.set_attribute(name, "");
            continue;
        }
        i += 1;
        while is_space(*bytes.get(i)?) {
            i += 1;
        }
        let value = match bytes[i] {
            quote @ (b'"' | b'\'') => {
                let end = find_byte(bytes, quote, i + 1)?;
                let value = &html[i + 1..end];
                i = end + 1;
                value
            }
            // `name=>`: the value is missing, the tag ends.
            b'>' => "",
            _ => {
                let start = i;
                while !matches!(bytes.get(i)?, &b if is_space(b) || b == b'>') {
                    i += 1;
                }
                &html[start..i]
            }
        };
        tag.set_attribute(name, value);
    }
}

/// Skips the content of the element `tag_name` that starts at `from` when
/// it is text: the position of the `<` of its end tag, the end of the
/// document if there is none, or `from` for markup.
fn skip_content(bytes: &[u8], from: usize, tag_name: &str) -> usize {
    match Content::after(tag_name) {
        Content::Markup => from,
        Content::Plaintext => bytes.len(),
        Content::Script => skip_script(bytes, from),
        Content::Text => {
            let mut at = from;
            while let Some(lt) = find_byte(bytes, b'<', at) {
                if is_tag_at(bytes, lt + 1, "/", tag_name) {
                    return lt;
                }
                at = lt + 1;
            }
            bytes.len()
        }
    }
}

/// Whether `<` + `prefix` + `tag_name` (any case) + whitespace, `/` or `>`
/// is written at `bytes[after_lt - 1..]`.
fn is_tag_at(bytes: &[u8], after_lt: usize, prefix: &str, tag_name: &str) -> bool {
    let name_at = after_lt + prefix.len();
    let end = name_at + tag_name.len();
    bytes
        .get(after_lt..name_at)
        .is_some_and(|p| p == prefix.as_bytes())
        && bytes
            .get(name_at..end)
            .is_some_and(|n| n.eq_ignore_ascii_case(tag_name.as_bytes()))
        && bytes
            .get(end)
            .is_some_and(|&b| is_space(b) || b == b'/' || b == b'>')
}

/// Script data from `from`: the position of the `<` of `</script>`. As in
/// a browser, inside `<!-- <script> … -->` a `</script>` is text.
fn skip_script(bytes: &[u8], from: usize) -> usize {
    #[derive(PartialEq)]
    enum State {
        Data,
        Escaped,
        DoubleEscaped,
    }
    let mut state = State::Data;
    let mut at = from;
    while let Some(i) = bytes
        .get(at..)
        .and_then(|rest| rest.iter().position(|&b| b == b'<' || b == b'>'))
        .map(|i| i + at)
    {
        at = i + 1;
        if bytes[i] == b'>' {
            // `-->` (the dashes may be those of `<!--`) ends the escape.
            if state != State::Data && i >= from + 2 && &bytes[i - 2..i] == b"--" {
                state = State::Data;
            }
        } else if is_tag_at(bytes, i + 1, "/", "script") {
            if state != State::DoubleEscaped {
                return i;
            }
            state = State::Escaped;
        } else if state == State::Data && bytes[i..].starts_with(b"<!--") {
            state = State::Escaped;
            at = i + 4;
        } else if state == State::Escaped && is_tag_at(bytes, i + 1, "", "script") {
            state = State::DoubleEscaped;
        }
    }
    bytes.len()
}

/// An attribute value as a browser reads it: line breaks normalized, NUL
/// replaced, character references decoded.
fn attribute_value(raw: &str) -> String {
    if !raw.bytes().any(|b| matches!(b, b'&' | b'\r' | b'\0')) {
        return raw.to_string();
    }
    let normalized = raw
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\0', "\u{FFFD}");
    htmlize::unescape_attribute(normalized).into_owned()
}

/// What a link points at.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A file of this site and an optional fragment.
    Internal {
        file: String,
        fragment: Option<String>,
    },
    /// An absolute http(s) URL elsewhere.
    External(String),
    /// `mailto:`, `tel:`, `data:`, `javascript:` and the like.
    Other,
    /// A root-relative link outside the site's base path: it would leave
    /// the site (on GitHub Pages, another repository's site).
    OutsideBase(String),
}

/// Where a link leads, as far as telling the site's own links from the
/// rest goes (the start of [`classify`], without its allocations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Somewhere on this site (or outside its base path, which the check
    /// reports).
    Site,
    /// An absolute http(s) URL elsewhere.
    External,
    /// `mailto:`, `tel:`, `data:`, `javascript:`, an empty link and the like.
    Other,
}

/// Where `href` (trimmed) leads from a site at `base_url`.
pub fn reach(href: &str, base_url: &str) -> Reach {
    if href.is_empty() {
        return Reach::Other;
    }
    if let Some(rest) = href.strip_prefix(base_url.trim_end_matches('/')) {
        if rest.is_empty() || rest.starts_with(['/', '#', '?']) {
            Reach::Site
        } else {
            Reach::External
        }
    } else if href.starts_with("http://") || href.starts_with("https://") || href.starts_with("//")
    {
        Reach::External
    } else if let Some(scheme_end) = href.find(':')
        && href[..scheme_end]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        && !href[..scheme_end].contains('/')
    {
        Reach::Other
    } else {
        Reach::Site
    }
}

/// Resolves `href` found on the document at `from_file`.
pub fn classify(href: &str, from_file: &str, base_url: &str, base_path: &str) -> Target {
    let href = href.trim();
    match reach(href, base_url) {
        Reach::External => return Target::External(href.to_string()),
        Reach::Other => return Target::Other,
        Reach::Site => {}
    }
    let (without_fragment, fragment) = match href.split_once('#') {
        Some((a, f)) => (a, Some(f.to_string())),
        None => (href, None),
    };
    let path_part = without_fragment.split('?').next().unwrap_or("");
    let site_relative: String =
        if let Some(rest) = href.strip_prefix(base_url.trim_end_matches('/')) {
            let rest = rest.split(['#', '?']).next().unwrap_or("");
            rest.trim_start_matches('/').to_string()
        } else if href.starts_with('#') {
            return Target::Internal {
                file: from_file.to_string(),
                fragment,
            };
        } else if path_part.starts_with('/') {
            match path_part.strip_prefix(base_path.trim_end_matches('/')) {
                Some(rest) if rest.is_empty() || rest.starts_with('/') => {
                    rest.trim_start_matches('/').to_string()
                }
                _ => return Target::OutsideBase(href.to_string()),
            }
        } else {
            // Relative to the document's folder.
            let dir = from_file.rsplit_once('/').map_or("", |(d, _)| d);
            normalize(&format!("{dir}/{path_part}"))
        };
    let decoded = percent_decode(&site_relative);
    Target::Internal {
        file: decoded,
        fragment,
    }
}

fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if path.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    out
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// The output file a site path names, if it exists: `a/b/` and `a/b` both
/// find `a/b/index.html`.
fn resolve_file<'a>(path: &str, files: &'a dyn Published) -> Option<Option<&'a PageLinks>> {
    if path.is_empty() || path.ends_with('/') {
        files.get(&file_for(path))
    } else {
        files
            .get(path)
            .or_else(|| files.get(&format!("{path}/index.html")))
    }
}

/// What the output holds at a path (relative to the output folder):
/// `None` for nothing, `Some(None)` for a file that is not an HTML page,
/// `Some(Some(links))` for a page.
pub trait Published {
    fn get(&self, file: &str) -> Option<Option<&PageLinks>>;
}

/// Every file of the output: the HTML documents with their ids, and the
/// other files (static files, feeds).
pub struct PublishedFiles<'a> {
    files: HashMap<&'a str, Option<&'a PageLinks>>,
}

impl Published for PublishedFiles<'_> {
    fn get(&self, file: &str) -> Option<Option<&PageLinks>> {
        self.files.get(file).copied()
    }
}

impl<'a> PublishedFiles<'a> {
    pub fn new(
        pages: impl IntoIterator<Item = &'a PageLinks>,
        other_files: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let mut files: HashMap<&'a str, Option<&'a PageLinks>> = HashMap::default();
        for p in pages {
            files.insert(p.file.as_str(), Some(p));
        }
        for f in other_files {
            files.entry(f).or_insert(None);
        }
        PublishedFiles { files }
    }
}

/// Checks the internal links of `pages` against every published file, and
/// every `@/...#fragment` link of `fragment_checks`.
pub fn check_pages<'a>(
    pages: impl IntoIterator<Item = &'a PageLinks>,
    published: &(dyn Published + Sync),
    fragment_checks: &[FragmentCheck],
    base_url: &str,
    base_path: &str,
) -> Result<(), Errors> {
    let mut errors = Errors::default();
    // `@/page.md#fragment` links are checked below, where the Markdown line
    // is known; the HTML pass leaves their URLs alone.
    // They are matched by the file and fragment they name, as the page may
    // write them relative to itself.
    let from_markdown: HashSet<(String, &str)> = fragment_checks
        .iter()
        .map(|c| (file_for(&c.link.target_path), c.link.fragment.as_str()))
        .collect();
    let pages: Vec<&PageLinks> = pages.into_iter().collect();
    let per_page: Vec<Vec<SiteError>> = pages
        .par_iter()
        .map(|page| {
            let mut reported: HashSet<&str> = HashSet::default();
            let mut found = Vec::new();
            for href in page.links.iter() {
                if let Some(problem) =
                    link_problem(href, page, published, &from_markdown, base_url, base_path)
                    && reported.insert(&**href)
                {
                    found.push(broken_link_error(page, href, &problem, base_path));
                }
            }
            found
        })
        .collect();
    for e in per_page.into_iter().flatten() {
        errors.push(e);
    }

    for check in fragment_checks {
        let link = &check.link;
        let target = published.get(&file_for(&link.target_path)).flatten();
        let ok = target.is_some_and(|t| t.has_id(&link.fragment)) || link.fragment == "top";
        if !ok {
            let known: Vec<&str> = target
                .map(|t| {
                    let mut v: Vec<&str> = t.ids.iter().map(|id| &**id).collect();
                    v.sort();
                    v
                })
                .unwrap_or_default();
            let hint = crate::error::did_you_mean(&link.fragment, known.iter().copied())
                .unwrap_or_else(|| {
                    "heading ids are the heading text in lowercase with `-` between words"
                        .to_string()
                });
            errors.push(
                SiteError::new(format!(
                    "the anchor `#{}` in `{}` does not exist on that page",
                    link.fragment, link.written
                ))
                .at(&check.file, link.line, link.column)
                .with_source(check.text.clone())
                .hint(hint),
            );
        }
    }
    errors.into_result(())
}

/// What is wrong with one link of `page`, if anything.
fn link_problem(
    href: &str,
    page: &PageLinks,
    published: &(dyn Published + Sync),
    from_markdown: &HashSet<(String, &str)>,
    base_url: &str,
    base_path: &str,
) -> Option<String> {
    match classify(href, &page.file, base_url, base_path) {
        Target::Internal {
            file,
            fragment: Some(fragment),
        } if from_markdown.contains(&(
            file_for(file.trim_end_matches("index.html")),
            fragment.as_str(),
        )) =>
        {
            None
        }
        Target::Internal { file, fragment } => match resolve_file(&file, published) {
            None => Some(format!(
                "nothing is published at `{}`",
                if file.is_empty() { "/" } else { &file }
            )),
            Some(target) => match (fragment, target) {
                (Some(f), Some(target))
                    if !f.is_empty() && f != "top" && !target.has_id(&percent_decode(&f)) =>
                {
                    Some(format!("there is no `id=\"{f}\"` on {}", target.file))
                }
                _ => None,
            },
        },
        Target::OutsideBase(h) => Some(format!(
            "`{h}` is outside the site's base path `{base_path}`"
        )),
        Target::External(_) | Target::Other => None,
    }
}

/// Names where a broken link came from: the data or Markdown file when the
/// link is written there, else the template.
fn broken_link_error(page: &PageLinks, href: &str, problem: &str, base_path: &str) -> SiteError {
    let shown_page = format!("{}{}", base_path, page.file.trim_end_matches("index.html"));
    let message = format!("broken link `{href}` on {shown_page}: {problem}");
    let in_source = page.origin.source_text().and_then(|(file, text)| {
        let off = text.find(href)?;
        Some((file, text, off))
    });
    match in_source {
        Some((file, text, off)) => {
            let (line, column) = line_col(&text, off);
            SiteError::new(message)
                .at(file, line, column)
                .with_source(text)
                .hint("fix the link, or link with `@/path/page.md` so the build resolves it")
        }
        None => {
            let template: PathBuf = page.origin.template.to_path_buf();
            SiteError::new(format!("{message} (written in the template)"))
                .in_file(template)
                .hint("the link is made by the template; build URLs with get_url(path=...) and check the path exists")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const BASE: &str = "https://u.github.io/repo/";

    #[test]
    fn a_percent_sign_before_a_multibyte_character_is_kept() {
        // Found by the link_scanner fuzz target: `%` then a character of
        // several bytes once sliced the text inside that character.
        assert_eq!(percent_decode("a%\u{fffd}b"), "a%\u{fffd}b");
        assert_eq!(percent_decode("%é1"), "%é1");
        assert_eq!(percent_decode("caf%C3%A9%2"), "café%2");
        let html = "<a href=\"../x%\u{fffd}y/\">x</a><a href=\"#%e9\">y</a>";
        let origin = Origin {
            source: None,
            template: Arc::from(Path::new("page.html")),
        };
        let page = extract("guides/a/index.html", html, origin);
        for link in page.links.iter() {
            let _ = classify(link, "guides/a/index.html", BASE, "/repo/");
        }
    }

    #[test]
    fn a_link_reaches_the_site_another_host_or_nothing_to_check() {
        let base = "https://x.org/atlas/";
        let cases = [
            ("", Reach::Other),
            ("mailto:a@x.org", Reach::Other),
            ("javascript:void(0)", Reach::Other),
            ("data:text/plain,a", Reach::Other),
            ("https://elsewhere.org/", Reach::External),
            ("http://x.org/", Reach::External),
            ("//cdn.x.org/a.js", Reach::External),
            ("https://x.org/atlasextra/", Reach::External),
            ("../models/", Reach::Site),
            ("#top", Reach::Site),
            ("?q=1", Reach::Site),
            ("/atlas/models/", Reach::Site),
            ("/elsewhere/", Reach::Site),
            ("https://x.org/atlas", Reach::Site),
            ("https://x.org/atlas/models/#x", Reach::Site),
            ("a/b:c", Reach::Site),
        ];
        for (href, want) in cases {
            assert_eq!(reach(href, base), want, "{href}");
        }
        // A build that checks no external link keeps only the site's.
        let html = r#"<a href="../a/">a</a><a href="https://elsewhere.org/">b</a><a href="mailto:m@x.org">m</a><img src="/atlas/i.png">"#;
        let page = extract_shared(
            "models/x/index.html",
            html,
            Origin {
                source: None,
                template: Arc::from(Path::new("t.html")),
            },
            &Interner::default(),
            Kept::SiteOnly { base_url: base },
        );
        let kept: Vec<&str> = page.links.iter().map(|l| &**l).collect();
        assert_eq!(kept, ["../a/", "/atlas/i.png"]);
    }

    #[test]
    fn links_are_classified_against_the_base_url() {
        let t = |h| classify(h, "guides/a/index.html", BASE, "/repo/");
        assert_eq!(
            t("https://u.github.io/repo/models/x/#y"),
            Target::Internal {
                file: "models/x/".into(),
                fragment: Some("y".into())
            }
        );
        assert_eq!(
            t("/repo/style.css?h=1"),
            Target::Internal {
                file: "style.css".into(),
                fragment: None
            }
        );
        assert_eq!(t("/other/"), Target::OutsideBase("/other/".into()));
        assert_eq!(
            t("../b/"),
            Target::Internal {
                file: "guides/b/".into(),
                fragment: None
            }
        );
        assert_eq!(
            t("#x"),
            Target::Internal {
                file: "guides/a/index.html".into(),
                fragment: Some("x".into())
            }
        );
        assert_eq!(t("mailto:a@b.c"), Target::Other);
        assert_eq!(
            t("https://huggingface.co/x"),
            Target::External("https://huggingface.co/x".into())
        );
        assert_eq!(
            t("https://u.github.io/repository"),
            Target::External("https://u.github.io/repository".into())
        );
    }

    #[test]
    fn ids_and_links_are_extracted() {
        let origin = Origin {
            source: None,
            template: Arc::from(Path::new("t.html")),
        };
        let p = extract(
            "index.html",
            "<h2 id=\"a\">A</h2><a href=\"x/\" name=\"b\">x</a><img src=\"i.png\">",
            origin,
        );
        assert!(p.has_id("a") && p.has_id("b") && !p.has_id("c"));
        let links: Vec<&str> = p.links.iter().map(|l| &**l).collect();
        assert_eq!(links, ["x/", "i.png"]);
    }

    #[test]
    fn a_page_keeps_each_link_once_and_pages_share_their_texts() {
        let origin = || Origin {
            source: None,
            template: Arc::from(Path::new("t.html")),
        };
        let interner = Interner::default();
        let html = "<a href=\"x/\">1</a><a href=\"y/\">2</a><a href=\"x/\">3</a>";
        let a = extract_shared("a.html", html, origin(), &interner, Kept::All);
        let b = extract_shared("b.html", html, origin(), &interner, Kept::All);
        let links: Vec<&str> = a.links.iter().map(|l| &**l).collect();
        assert_eq!(links, ["x/", "y/"]);
        assert!(Arc::ptr_eq(&a.links[0], &b.links[0]));
    }

    /// The links (in order) and the ids (sorted) of `html`.
    fn read(html: &str) -> (Vec<String>, Vec<String>) {
        let origin = Origin {
            source: None,
            template: Arc::from(Path::new("t.html")),
        };
        let page = extract("index.html", html, origin);
        let mut ids: Vec<String> = page.ids.iter().map(|i| i.to_string()).collect();
        ids.sort();
        (page.links.iter().map(|l| l.to_string()).collect(), ids)
    }

    fn links(html: &str) -> Vec<String> {
        read(html).0
    }

    fn ids(html: &str) -> Vec<String> {
        read(html).1
    }

    #[test]
    fn attribute_values_may_be_double_single_or_unquoted() {
        assert_eq!(
            links(r#"<a href="d/">d</a><a href='s/'>s</a><a href=u/>u</a><img src=i.png alt=x>"#),
            ["d/", "s/", "u/", "i.png"]
        );
        // Quotes of the other kind, `>` and spaces are part of a quoted value.
        assert_eq!(
            links(r#"<a title='a > b' href="it's here.html">x</a><a href='say "hi"/'>y</a>"#),
            ["it's here.html", r#"say "hi"/"#]
        );
        // An unquoted value ends at whitespace or `>`, and may end in `/`.
        assert_eq!(
            links("<a href=/x/>x</a><a\nhref\t=\n/y/\tclass=z>y</a>"),
            ["/x/", "/y/"]
        );
        assert_eq!(
            ids(r#"<h2 id=plain>a</h2><h3 id='single'>b</h3>"#),
            ["plain", "single"]
        );
    }

    #[test]
    fn character_references_in_values_are_decoded() {
        assert_eq!(
            links(r#"<a href="/search?q=a&amp;page=2">x</a><a href='&#47;x&#x2F;'>y</a>"#),
            ["/search?q=a&page=2", "/x/"]
        );
        assert_eq!(links("<a href=a&amp;b>x</a>"), ["a&b"]);
        // As in a browser: a reference without `;` followed by `=` stays.
        assert_eq!(
            links(r#"<a href="?a=1&copy=2&lt=3">x</a>"#),
            ["?a=1&copy=2&lt=3"]
        );
        assert_eq!(
            ids(r#"<h2 id="q&amp;a">x</h2><a name="caf&eacute;">y</a>"#),
            ["café", "q&a"]
        );
    }

    #[test]
    fn names_are_read_in_any_case() {
        let (links, ids) =
            read(r#"<A HREF="X.html" NAME="Top">x</A><IMG Src=i.png><H2 ID="Intro">"#);
        assert_eq!(links, ["X.html", "i.png"]);
        assert_eq!(ids, ["Intro", "Top"]);
    }

    #[test]
    fn only_the_name_of_an_a_is_an_id() {
        assert_eq!(
            ids(r#"<input name="q"><meta name="description"><a name="anchor">x</a>"#),
            ["anchor"]
        );
    }

    #[test]
    fn comments_doctypes_and_end_tags_hold_no_links() {
        let html = r#"<!DOCTYPE html><?xml version="1.0"?>
<!-- <a href="commented-out.html"> -->
<!----><!--><a href="after-empty-comment.html"></a>
<!-- a -- b --!><a href="after-bang-comment.html"></a>
<!-- x ---><a href="after-dashes.html"></a>
</a href="end-tag.html"></ bogus href="bogus.html"><a href="last.html">"#;
        assert_eq!(
            links(html),
            [
                "after-empty-comment.html",
                "after-bang-comment.html",
                "after-dashes.html",
                "last.html"
            ]
        );
    }

    #[test]
    fn script_and_style_text_is_not_read_as_tags() {
        let html = r#"<script>var a = '<a href="in-script.html">'; if (a<b) {}</script>
<style>a[href="in-style.html"]::after { content: "<img src=x>"; }</style>
<title><a href="in-title.html"></title><textarea><img src="in-textarea.png"></textarea>
<SCRIPT type="module">document.write("<a href='upper.html'>")</SCRIPT >
<a href="after.html">after</a>"#;
        assert_eq!(links(html), ["after.html"]);
    }

    #[test]
    fn script_escapes_follow_the_html_spec() {
        // Inside `<!-- <script>`, a `</script>` is still script text.
        let html = r#"<script><!-- document.write("<script></script>"); <a href="no.html"> --></script><a href="yes.html">"#;
        assert_eq!(links(html), ["yes.html"]);
        // `<!-->` opens and closes the escape at once.
        assert_eq!(
            links(r#"<script><!--></script><a href="yes.html">"#),
            ["yes.html"]
        );
        // A script without an end tag runs to the end of the document.
        assert!(links(r#"<script>let a = '<a href="no.html">';"#).is_empty());
    }

    #[test]
    fn svg_content_is_markup_and_may_hold_cdata() {
        let html = r#"<svg><style>.a { fill: red }</style><a href="in-svg.html"><text>x</text></a>
<![CDATA[ <a href="in-cdata.html"> ]]></svg><style><a href="in-style.html"></style><a href="after.html">"#;
        assert_eq!(links(html), ["in-svg.html", "after.html"]);
        // A self-closing <svg/> opens nothing.
        assert!(links(r#"<svg/><style><a href="no.html"></style>"#).is_empty());
    }

    #[test]
    fn odd_but_valid_markup_is_read_as_a_browser_does() {
        // The first of a repeated attribute counts; an attribute without a
        // value is empty; a `/` between attributes is ignored.
        assert_eq!(
            links(r#"<a href="first.html" href="second.html">x</a><a href>y</a><img/src="i.png">"#),
            ["first.html", "", "i.png"]
        );
        // A `<` that starts no tag is text.
        assert_eq!(links(r#"1 < 2 <3 <= <a href="x.html">"#), ["x.html"]);
        // Attributes without whitespace between them.
        assert_eq!(ids(r#"<a href="x"id="y">"#), ["y"]);
        // Non-ASCII text around and inside values.
        assert_eq!(
            read(r#"<p>ünïcödé</p><h2 id="ß">ß</h2><a href="/ü/">"#),
            (vec!["/ü/".to_string()], vec!["ß".to_string()])
        );
        // Line breaks in values are normalized, NUL is replaced.
        assert_eq!(links("<a href=\"a\r\nb\rc\0\">"), ["a\nb\nc\u{FFFD}"]);
    }

    #[test]
    fn a_tag_cut_off_by_the_end_of_the_document_is_dropped() {
        assert!(links(r#"<a href="x.html""#).is_empty());
        assert!(links(r#"<a href="x.html"#).is_empty());
        assert!(links("<a href=x.html").is_empty());
        assert!(links("<a").is_empty());
        assert_eq!(links(r#"<a href="x.html"><img src="#), ["x.html"]);
    }
}
