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
/// into `base_url` (ending in `/`) made relative to the page's folder.
pub fn portable(html: String, file: &str, base_url: &str) -> String {
    let finder = memmem::Finder::new(base_url.as_bytes());
    let bytes = html.as_bytes();
    let mut hits = finder
        .find_iter(bytes)
        .filter(|&at| is_link_attribute(bytes, at));
    let Some(first) = hits.next() else {
        return html;
    };
    let up = up_to_root(file);
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    for at in std::iter::once(first).chain(hits) {
        out.push_str(&html[copied..at]);
        let rest = at + base_url.len();
        // The site's root from its root is `./`, never an empty href.
        let ends_value = matches!(bytes.get(rest), None | Some(b'"' | b'\'' | b'#' | b'?'));
        out.push_str(if up.is_empty() && ends_value {
            "./"
        } else {
            &up
        });
        copied = rest;
    }
    out.push_str(&html[copied..]);
    out
}

/// The link from the page at `file` to the site's page at `path` (`a/b/`).
pub fn link(file: &str, path: &str) -> String {
    let up = up_to_root(file);
    if up.is_empty() && path.is_empty() {
        "./".to_string()
    } else {
        format!("{up}{}", path.trim_start_matches('/'))
    }
}

/// `../` once per folder between `file` and the site's root.
fn up_to_root(file: &str) -> String {
    "../".repeat(file.matches('/').count())
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
<link rel=\"next\" href=\"../a/page/2/\">"
        );
    }
}
