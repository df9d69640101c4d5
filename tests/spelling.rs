//! One spelling of licence: the text a reader sees on this repository's own
//! site never says "License" or "licenses" except inside a licence's name
//! (the "Llama 3 Community License"), and a site that wants the other
//! spelling gets it from `[text]`.

mod common;

use std::path::Path;

use common::{Site, run_in};

/// Stands for a tag in [`visible_text`], so that words of two elements are
/// not read as one name.
const TAG: &str = "\u{1}";

/// The text of `html` a reader sees or hears: the text outside tags, less
/// scripts, styles and code, and the `aria-label`, `placeholder`, `title`
/// and `alt` attributes, with [`TAG`] between elements. Entities are left
/// as they are, which changes no letter of a word.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push_str(" \u{1} ");
        rest = &rest[open..];
        let close = rest.find('>').map_or(rest.len(), |i| i + 1);
        let tag = &rest[..close];
        for attr in ["aria-label=\"", "placeholder=\"", "title=\"", "alt=\""] {
            if let Some(at) = tag.find(attr) {
                let value = &tag[at + attr.len()..];
                out.push_str(&value[..value.find('"').unwrap_or(value.len())]);
                out.push_str(" \u{1} ");
            }
        }
        rest = &rest[close..];
        let name: String = tag
            .trim_start_matches('<')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if ["script", "style", "code", "pre"].contains(&name.as_str()) {
            let end = format!("</{name}>");
            rest = rest.find(&end).map_or("", |i| &rest[i + end.len()..]);
        }
    }
    out.push_str(rest);
    out
}

/// Each use of "License", "Licenses", "license" or "licenses" in `text`
/// that is not part of a licence's name or of an address or id, with a
/// little of its context.
fn us_spellings(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, word) in words.iter().enumerate() {
        let bare = word.trim_matches(|c: char| !c.is_alphanumeric());
        if !["License", "Licenses", "license", "licenses"].contains(&bare) {
            continue;
        }
        if word.contains(['/', '.', '_', '=', '`']) && !word.ends_with('.') {
            continue;
        }
        // "Apache License", "Community License": a name, title-cased.
        let named = bare.starts_with('L')
            && i > 0
            && words[i - 1] != TAG
            && words[i - 1]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "+])".contains(c));
        if !named {
            let from = i.saturating_sub(4);
            let near: Vec<&str> = words[from..(i + 3).min(words.len())]
                .iter()
                .copied()
                .filter(|w| *w != TAG)
                .collect();
            found.push(near.join(" "));
        }
    }
    found
}

fn html_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read the output") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            files.extend(html_files(&path));
        } else if path.extension().is_some_and(|e| e == "html") {
            files.push(path);
        }
    }
    files
}

#[test]
fn the_spelling_check_finds_what_it_is_for() {
    let text = visible_text(
        "<h1>License: MIT</h1><p title=\"All licenses\">The Llama 2 Community License</p>\
         <code>license: mit</code><script>var license;</script><a href=\"/licenses/\">x</a>",
    );
    let found = us_spellings(&text);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].contains("License: MIT") && found[1].contains("All licenses"));
}

#[test]
fn this_sites_pages_spell_licence_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().expect("a temp folder");
    let out_dir = out.path().join("public");
    run_in(
        root,
        &[
            "build",
            "--offline",
            "-q",
            "-o",
            out_dir.to_str().expect("a UTF-8 path"),
        ],
    )
    .expect_code(0);
    let mut problems = Vec::new();
    let files = html_files(&out_dir);
    assert!(files.len() > 50, "the site was built");
    for file in files {
        let html = std::fs::read_to_string(&file).expect("read a page");
        for hit in us_spellings(&visible_text(&html)) {
            let rel = file.strip_prefix(&out_dir).unwrap_or(&file).display();
            problems.push(format!("{rel}: …{hit}…"));
        }
    }
    assert!(
        problems.is_empty(),
        "\"license\" spelt the US way in visible text:\n{}",
        problems.join("\n")
    );
}

#[test]
fn a_site_can_spell_it_license() {
    let site = Site::new();
    let config = site.read("modelsite.toml");
    site.write(
        "modelsite.toml",
        &format!("{config}\n[text]\nlicence = \"license\"\n"),
    );
    site.build().expect_code(0);
    let term = site.read("public/licenses/apache-2.0/index.html");
    assert!(
        term.contains(">Licenses</a>"),
        "the breadcrumb says Licenses"
    );
    assert!(term.contains("License: Apache 2.0"));
    let catalog = site.read("public/models/index.html");
    assert!(catalog.contains(r#"data-column="license">License</th>"#));
    let model = site.read("public/models/bert-base-uncased/index.html");
    assert!(model.contains("<dt>License</dt>"));
    assert!(!visible_text(&model).contains("Licence"));
}
