//! Portable pages: links into the site are written relative to the page.
//!
//! Templates and Markdown make every URL of the site from `base_url`, which
//! keeps one way of naming a page. [`portable`] then rewrites the
//! attributes a browser follows or loads (`href`, `src`, `action`, `poster`
//! and the `data-*` values the scripts read) from `base_url/...` to a path
//! relative to the page, so the output works from any host and path: a
//! preview server, a second address, a copy on disk. What names the page's
//! published address stays absolute: `<link rel="canonical">`, the
//! `content` of meta tags (Open Graph), JSON-LD and every text outside an
//! attribute. The sitemap, the feed and `models.json` are not HTML and are
//! never rewritten; nor is the 404 page, which a host serves at any path.

use memchr::memmem;

/// `html` of the page at `file` (`models/bert/index.html`) with each link
/// into `base_url` (ending in `/`) made relative to the page's folder, by
/// the shortest path: `../gpt-2/` from `models/bert/`, not
/// `../../models/gpt-2/`.
pub fn portable(html: String, file: &str, base_url: &str) -> String {
    let finder = memmem::Finder::new(base_url.as_bytes());
    let bytes = html.as_bytes();
    let mut hits = finder
        .find_iter(bytes)
        .filter(|&at| is_link_attribute(bytes, at));
    let Some(first) = hits.next() else {
        return html;
    };
    let folders = page_folders(file);
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    for at in std::iter::once(first).chain(hits) {
        out.push_str(&html[copied..at]);
        let rest = at + base_url.len();
        let end = bytes[rest..]
            .iter()
            .position(|b| matches!(b, b'"' | b'\'' | b'#' | b'?'))
            .map_or(bytes.len(), |i| rest + i);
        let (up, shared) = steps(&folders, &html[rest..end]);
        push_link(&mut out, up, &html[rest + shared..end]);
        copied = end;
    }
    out.push_str(&html[copied..]);
    out
}

/// The link from the page at `file` to the site's page at `path` (`a/b/`).
pub fn link(file: &str, path: &str) -> String {
    let path = path.trim_start_matches('/');
    let (up, shared) = steps(&page_folders(file), path);
    let mut out = String::new();
    push_link(&mut out, up, &path[shared..]);
    out
}

/// The folders between the site's root and the page at `file`.
fn page_folders(file: &str) -> Vec<&str> {
    let mut folders: Vec<&str> = file.split('/').collect();
    folders.pop();
    folders
}

/// How to reach `target` (a path from the site's root) from a page in
/// `folders`: how many folders to go up, and how many bytes at the start
/// of `target` name the folders the two share (which the link leaves out).
fn steps(folders: &[&str], target: &str) -> (usize, usize) {
    let mut shared_folders = 0;
    let mut shared = 0;
    for (folder, part) in folders.iter().zip(target.split('/')) {
        // Only a folder counts: the target's part must end in `/`.
        if *folder != part || target.len() == shared + part.len() {
            break;
        }
        shared_folders += 1;
        shared += part.len() + 1;
    }
    (folders.len() - shared_folders, shared)
}

/// Writes `up` times `../` and then `rest`; a link to the page's own
/// folder is `./`, never empty.
fn push_link(out: &mut String, up: usize, rest: &str) {
    if up == 0 && rest.is_empty() {
        out.push_str("./");
    }
    for _ in 0..up {
        out.push_str("../");
    }
    out.push_str(rest);
}

/// Whether the text at `at` starts a quoted attribute value that a browser
/// follows as a link or loads, and that names a place rather than the page's
/// published address.
fn is_link_attribute(bytes: &[u8], at: usize) -> bool {
    let Some(quote_at) = at.checked_sub(1) else {
        return false;
    };
    if !matches!(bytes[quote_at], b'"' | b'\'') || quote_at == 0 || bytes[quote_at - 1] != b'=' {
        return false;
    }
    let name_end = quote_at - 1;
    let name_start = bytes[..name_end]
        .iter()
        .rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'-'))
        .map_or(0, |i| i + 1);
    let name = &bytes[name_start..name_end];
    let followed = name.eq_ignore_ascii_case(b"href")
        || name.eq_ignore_ascii_case(b"src")
        || name.eq_ignore_ascii_case(b"action")
        || name.eq_ignore_ascii_case(b"poster")
        || name.len() > 5 && name[..5].eq_ignore_ascii_case(b"data-");
    followed && !in_canonical_link(bytes, name_start)
}

/// Whether the tag that holds the attribute starting at `at` is a
/// `<link rel="canonical">`.
fn in_canonical_link(bytes: &[u8], at: usize) -> bool {
    let Some(open) = memchr::memrchr(b'<', &bytes[..at]) else {
        return false;
    };
    let tag = &bytes[open..at];
    tag.len() > 5
        && tag[1..5].eq_ignore_ascii_case(b"link")
        && memmem::find(tag, b"canonical").is_some()
}

#[cfg(test)]
mod tests {
    use super::portable;

    const BASE: &str = "https://example.org/atlas/";

    fn rewrite(html: &str, file: &str) -> String {
        portable(html.to_string(), file, BASE)
    }

    #[test]
    fn links_become_relative_to_the_page_folder() {
        let html = "<a href=\"https://example.org/atlas/models/bert/\">b</a>\
<img src='https://example.org/atlas/img/x.png'>\
<form action=\"https://example.org/atlas/search/\"></form>\
<div data-models=\"https://example.org/atlas/models/\"></div>";
        assert_eq!(
            rewrite(html, "guides/a/index.html"),
            "<a href=\"../../models/bert/\">b</a><img src='../../img/x.png'>\
<form action=\"../../search/\"></form><div data-models=\"../../models/\"></div>"
        );
        assert_eq!(
            rewrite(html, "index.html"),
            "<a href=\"models/bert/\">b</a><img src='img/x.png'>\
<form action=\"search/\"></form><div data-models=\"models/\"></div>"
        );
    }

    #[test]
    fn the_root_is_never_an_empty_link() {
        assert_eq!(
            rewrite("<a href=\"https://example.org/atlas/\">h</a>", "index.html"),
            "<a href=\"./\">h</a>"
        );
        assert_eq!(
            rewrite(
                "<a href=\"https://example.org/atlas/#top\">h</a>",
                "index.html"
            ),
            "<a href=\"./#top\">h</a>"
        );
        assert_eq!(
            rewrite(
                "<a href=\"https://example.org/atlas/\">h</a>",
                "a/index.html"
            ),
            "<a href=\"../\">h</a>"
        );
    }

    #[test]
    fn the_published_address_stays_absolute() {
        let html = "<link rel=\"canonical\" href=\"https://example.org/atlas/a/\">\
<meta property=\"og:url\" content=\"https://example.org/atlas/a/\">\
<script type=\"application/ld+json\">{\"url\":\"https://example.org/atlas/a/\"}</script>\
<p>Published at https://example.org/atlas/a/ and <code>x=\"https://example.org/atlas/\"</code></p>\
<a title=\"https://example.org/atlas/\" href=\"https://example.org/atlas-other/\">o</a>";
        assert_eq!(rewrite(html, "a/index.html"), html);
    }

    #[test]
    fn other_hosts_and_links_already_relative_are_kept() {
        let html = "<a href=\"https://example.com/atlas/x\">x</a><a href=\"../y/\">y</a>\
<link rel=\"next\" href=\"https://example.org/atlas/a/page/2/\">";
        assert_eq!(
            rewrite(html, "a/index.html"),
            "<a href=\"https://example.com/atlas/x\">x</a><a href=\"../y/\">y</a>\
<link rel=\"next\" href=\"page/2/\">"
        );
    }

    #[test]
    fn folders_the_page_shares_with_the_target_are_left_out() {
        let page = "models/bert/index.html";
        let cases = [
            ("models/gpt-2/", "../gpt-2/"),
            ("models/", "../"),
            ("models/bert/", "./"),
            ("models/bert/#uses", "./#uses"),
            ("models/bert/card.txt", "card.txt"),
            ("models/bert", "../bert"),
            ("models-old/bert/", "../../models-old/bert/"),
            ("style.css?h=1", "../../style.css?h=1"),
            ("", "../../"),
        ];
        for (target, expected) in cases {
            let html = format!("<a href=\"{BASE}{target}\">x</a>");
            assert_eq!(
                rewrite(&html, page),
                format!("<a href=\"{expected}\">x</a>"),
                "{target}"
            );
            let path = target.split(['#', '?']).next().unwrap();
            let link = super::link(page, path);
            assert_eq!(link, expected.split(['#', '?']).next().unwrap(), "{target}");
        }
    }
}
