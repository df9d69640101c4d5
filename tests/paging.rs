//! Long lists are split into numbered pages that read without JavaScript:
//! the catalog, every term's list and the `models(...)` shortcode.

mod common;

use std::collections::BTreeSet;

use common::{BASE_URL, Site};

/// A site of `n` models (`model-000` ...), spread over two creators and
/// three tasks, with `page_size` rows a page.
fn site_of(n: usize, page_size: usize) -> Site {
    let site = Site::new();
    site.write(
        "modelsite.toml",
        &format!("title = \"Paged Atlas\"\nbase_url = \"{BASE_URL}\"\n\n[catalog]\npage_size = {page_size}\n\n[link_check]\nexternal = false\n"),
    );
    for i in 0..n {
        let creator = if i % 3 == 0 { "meta" } else { "google" };
        let task = ["fill-mask", "text-generation", "translation"][i % 3];
        site.write(
            &format!("data/models/model-{i:03}.yaml"),
            &format!(
                "name: Model {i:03}\ncreator: {creator}\ncategory: generative\ntasks: [{task}]\nlicense: mit\nparameters: {}\n",
                (i + 1) * 1_000_000
            ),
        );
    }
    site
}

/// The site paths (`models/x/`) of the models that the list page `file`
/// (`public/models/page/2/index.html`) links to in its table.
fn models_listed(file: &str, html: &str) -> Vec<String> {
    let between = |open: &str, close: &str| {
        html.split_once(open)
            .and_then(|(_, rest)| rest.split_once(close))
            .map(|(body, _)| body.to_string())
    };
    // A table's rows (the catalog, a shortcode) or a term page's items.
    let (body, link) = match between("<tbody>", "</tbody>") {
        Some(body) => (body, "<th scope=\"row\"><a href=\""),
        None => (
            between("<ol class=\"model-items\">", "</ol>").unwrap_or_default(),
            "<li><a href=\"",
        ),
    };
    body.split(link)
        .skip(1)
        .filter_map(|s| s.split_once('"').map(|(href, _)| site_path(file, href)))
        .collect()
}

/// The site path that a link from the page `file` names: `../x/` from
/// `public/models/page/2/index.html` is `models/page/x/`.
fn site_path(file: &str, href: &str) -> String {
    assert!(!href.contains("://"), "{href} is relative");
    let mut folders: Vec<&str> = file.split('/').skip(1).collect();
    folders.pop();
    for part in href.split('/') {
        match part {
            "" | "." => {}
            ".." => assert!(
                folders.pop().is_some(),
                "{href} leaves the site from {file}"
            ),
            _ => folders.push(part),
        }
    }
    let path = folders.join("/");
    if href.ends_with('/') && !path.is_empty() {
        format!("{path}/")
    } else {
        path
    }
}

/// The output file of the page that a link from the page `file` leads to.
fn file_of(file: &str, href: &str) -> String {
    format!("public/{}index.html", site_path(file, href))
}

fn attr_after<'a>(html: &'a str, marker: &str) -> Option<&'a str> {
    let (_, rest) = html.split_once(marker)?;
    Some(rest.split_once('"')?.0)
}

#[test]
fn the_catalog_is_split_into_numbered_pages_that_reach_every_model() {
    let site = site_of(25, 10);
    site.build().expect_code(0);
    let first = site.read("public/models/index.html");
    assert!(first.contains("<link rel=\"next\" href=\"page/2/\">"));
    assert!(!first.contains("rel=\"prev\""));
    assert!(
        first.contains("29 models, 1 to 10 by name"),
        "the caption says which rows are shown"
    );
    assert!(first.contains("<a href=\"page/3/\" aria-label=\"Page 3\">3</a>"));

    // Following "next" from the first page reaches every model once, in
    // name order, and ends on the last page.
    let mut seen = Vec::new();
    let mut file = "public/models/index.html".to_string();
    let mut pages = 0;
    loop {
        let html = site.read(&file);
        pages += 1;
        let rows = models_listed(&file, &html);
        assert!(rows.len() <= 10, "{file} has {} rows", rows.len());
        seen.extend(rows);
        match attr_after(&html, "<link rel=\"next\" href=\"") {
            Some(next) => file = file_of(&file, next),
            None => break,
        }
    }
    // The fixture's four models and the 25 made here.
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 29);
    assert_eq!(seen.iter().collect::<BTreeSet<_>>().len(), 29);
    let last = site.read("public/models/page/3/index.html");
    assert!(last.contains("<link rel=\"prev\" href=\"../2/\">"));
    assert!(last.contains("<title>Model catalog, page 3 of 3 · Paged Atlas</title>"));
    assert!(last.contains(&format!(
        "<link rel=\"canonical\" href=\"{BASE_URL}models/page/3/\">"
    )));
    assert!(!site.exists("public/models/page/4/index.html"));
    assert!(
        !site.exists("public/models/page/1/index.html"),
        "page 1 is the catalog itself"
    );

    let sitemap = site.read("public/sitemap.xml");
    for page in ["models/", "models/page/2/", "models/page/3/"] {
        assert!(
            sitemap.contains(&format!("<loc>{BASE_URL}{page}</loc>")),
            "{page}"
        );
    }
}

#[test]
fn term_pages_are_paged_too() {
    let site = site_of(25, 4);
    site.build().expect_code(0);
    // `meta` makes every third model here, and two of the fixture's.
    let pages: Vec<String> = (1..=10)
        .map(|n| {
            if n == 1 {
                "public/creators/meta/index.html".to_string()
            } else {
                format!("public/creators/meta/page/{n}/index.html")
            }
        })
        .filter(|f| site.exists(f))
        .collect();
    assert_eq!(pages.len(), 3, "11 models, 4 a page");
    let listed: Vec<String> = pages
        .iter()
        .flat_map(|f| models_listed(f, &site.read(f)))
        .collect();
    assert_eq!(listed.len(), 11);
    assert!(listed.iter().all(|path| path.starts_with("models/")));
    let second = site.read("public/creators/meta/page/2/index.html");
    assert!(second.contains("<a rel=\"prev\" href=\"../../\">"));
    assert!(second.contains("<a rel=\"next\" href=\"../3/\">"));
    assert!(second.contains("11 models, 5 to 8 by name"));
    // Every column, sorting and filters are the catalog's, one link away.
    assert!(
        second.contains(
            "<a href=\"../../../../models/?creator=meta\">Compare them in the catalog</a>"
        )
    );
}

#[test]
fn the_models_shortcode_shows_one_page_and_links_to_the_rest() {
    let site = site_of(12, 5);
    site.write(
        "site/guides/lists.md",
        "---\ntitle: Lists\n---\n\n## By creator\n\n{{ models(creator=\"meta\") }}\n\n## By tag\n\n{{ models(tasks=\"translation\", license=\"mit\") }}\n\n## Few\n\n{{ models(name=\"Model 000\") }}\n",
    );
    site.build().expect_code(0);
    let html = site.read("public/guides/lists/index.html");
    let tables: Vec<&str> = html.split("<table class=\"models\"").skip(1).collect();
    assert_eq!(tables.len(), 3);
    // meta: 4 models made here and the fixture's 2.
    assert!(tables[0].contains("The first 5 of 6 models"));
    assert_eq!(
        models_listed("public/guides/lists/index.html", tables[0]).len(),
        5
    );
    assert!(tables[0].contains("<a href=\"../../creators/meta/\">See all 6 models"));
    // Filters the catalog has become its address.
    assert!(tables[1].contains("4 models"));
    assert!(!tables[1].contains("See all"), "every match is shown");
    assert!(tables[2].contains("1 model"));
}

#[test]
fn a_shortcode_with_filters_the_catalog_lacks_links_to_the_catalog_view() {
    let site = site_of(8, 3);
    site.write(
        "site/guides/lists.md",
        "---\ntitle: Lists\n---\n\n{{ models(tasks=\"fill-mask\", license=\"mit\") }}\n",
    );
    site.build().expect_code(0);
    let html = site.read("public/guides/lists/index.html");
    assert!(html.contains("The first 3 of 3 models") || html.contains("3 models"));
    let site = site_of(12, 2);
    site.write(
        "site/guides/lists.md",
        "---\ntitle: Lists\n---\n\n{{ models(tasks=\"fill-mask\", license=\"mit\") }}\n",
    );
    site.build().expect_code(0);
    let html = site.read("public/guides/lists/index.html");
    assert!(html.contains("The first 2 of 4 models"), "{html}");
    assert!(
        html.contains("<a href=\"../../models/?task=fill-mask&amp;license=mit\">See all 4 models")
    );
}

#[test]
fn a_page_size_out_of_range_is_an_error_at_its_line() {
    let site = site_of(1, 10);
    site.write(
        "modelsite.toml",
        &format!("title = \"T\"\nbase_url = \"{BASE_URL}\"\n\n[catalog]\npage_size = 0\n"),
    );
    site.build()
        .expect_code(1)
        .expect_stderr("`[catalog] page_size` must be from 1 to 1000, not 0")
        .expect_stderr("modelsite.toml:5:1");
    site.write(
        "modelsite.toml",
        &format!("title = \"T\"\nbase_url = \"{BASE_URL}\"\n\n[catalog]\npage_sise = 10\n"),
    );
    site.build().expect_code(1).expect_stderr("page_size");
}

#[test]
fn no_page_grows_with_the_catalog() {
    // 1,500 models on 15 pages: every HTML file stays far under the
    // budget of a page, whatever the number of models.
    let site = site_of(1500, 100);
    site.build().expect_code(0);
    let mut largest = (0u64, String::new());
    for entry in walk(&site.path("public")) {
        if entry.extension().is_some_and(|e| e == "html") {
            let len = std::fs::metadata(&entry).map(|m| m.len()).unwrap_or(0);
            if len > largest.0 {
                largest = (len, entry.display().to_string());
            }
        }
    }
    assert!(largest.0 < 250_000, "{} is {} bytes", largest.1, largest.0);
    assert!(site.exists("public/models/page/16/index.html"));
    assert!(!site.exists("public/models/page/17/index.html"));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}
