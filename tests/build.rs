//! `modelsite build` on a small site: every page the spec lists, every URL
//! under the base path, data text escaped, drafts left out.

mod common;

use common::{BASE_URL, Site, run_in};
use modelsite::search::decoded;

fn built() -> Site {
    let site = Site::new();
    site.build().expect_code(0);
    site
}

#[test]
fn writes_every_page_the_spec_lists() {
    let site = built();
    for file in [
        "index.html",
        "guides/index.html",
        "guides/choosing/index.html",
        "models/index.html",
        "models/bert-base-uncased/index.html",
        "models/biobert/index.html",
        "categories/index.html",
        "categories/classification/index.html",
        "creators/index.html",
        "creators/google/index.html",
        "tasks/index.html",
        "tasks/fill-mask/index.html",
        "licenses/index.html",
        "licenses/apache-2.0/index.html",
        "models.json",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "atom.xml",
        ".nojekyll",
        "style.css",
        "highlight.css",
    ] {
        assert!(
            site.exists(&format!("public/{file}")),
            "public/{file} is missing"
        );
    }
}

#[test]
fn model_page_shows_its_data_prose_and_relations() {
    let site = built();
    let bert = site.read("public/models/bert-base-uncased/index.html");
    assert!(bert.contains("BERT base uncased"));
    assert!(bert.contains("110M"), "parameters are humanized");
    assert!(
        bert.contains("~/.cache/huggingface/hub"),
        "the library's cache folder is shown"
    );
    assert!(
        bert.contains("SQuAD v1.1") && bert.contains("88.5"),
        "evaluations are shown"
    );
    assert!(
        bert.contains("Trained on books and Wikipedia."),
        "the prose is merged"
    );
    assert!(bert.contains("id=\"training\""), "prose headings get ids");
    assert!(
        bert.contains("href=\"../biobert/\""),
        "links to the fine-tuned model, relative to the page"
    );
    let bio = site.read("public/models/biobert/index.html");
    assert!(
        bio.contains("href=\"../bert-base-uncased/\""),
        "links to its base model"
    );
    let llama = site.read("public/models/llama/index.html");
    assert!(
        llama.contains("href=\"../llama-2/\""),
        "links to the new version"
    );
    assert!(llama.contains("LLaMA research licence"));
}

#[test]
fn catalog_is_a_complete_server_rendered_table() {
    let site = built();
    let catalog = site.read("public/models/index.html");
    for name in ["BERT base uncased", "BioBERT", "LLaMA", "Llama 2"] {
        assert!(catalog.contains(name), "{name} is in the catalog");
    }
    assert!(catalog.contains("<table"));
}

#[test]
fn every_url_honours_a_sub_path_base_url() {
    let site = built();
    let home = site.read("public/index.html");
    assert!(home.contains(&format!("<link rel=\"canonical\" href=\"{BASE_URL}\"")));
    assert!(home.contains("property=\"og:title\""));
    for page in [
        "public/index.html",
        "public/models/index.html",
        "public/guides/choosing/index.html",
    ] {
        let html = site.read(page);
        for href in html
            .split("href=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
        {
            let page_url = format!(
                "{BASE_URL}{}",
                page.trim_start_matches("public/")
                    .trim_end_matches("index.html")
            );
            let ok = resolve(&page_url, href).starts_with(BASE_URL)
                || href.starts_with("https://")
                || href.starts_with("mailto:");
            assert!(ok, "{page} links to {href}, outside {BASE_URL}");
        }
    }
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains(&format!("<loc>{BASE_URL}models/llama/</loc>")));
    assert!(
        site.read("public/robots.txt")
            .contains(&format!("Sitemap: {BASE_URL}sitemap.xml"))
    );
}

#[test]
fn base_url_flag_overrides_the_config() {
    let site = Site::new();
    site.run(&["build", "--base-url", "http://127.0.0.1:9999/docs"])
        .expect_code(0);
    let home = site.read("public/index.html");
    assert!(home.contains("<link rel=\"canonical\" href=\"http://127.0.0.1:9999/docs/\">"));
    assert!(home.contains("<meta property=\"og:url\" content=\"http://127.0.0.1:9999/docs/\">"));
}

#[test]
fn guide_page_has_toc_shortcode_table_and_highlighted_code() {
    let site = built();
    let guide = site.read("public/guides/choosing/index.html");
    assert!(guide.contains("id=\"size\""));
    assert!(
        guide.contains("href=\"#size\""),
        "the heading is in the table of contents"
    );
    assert!(
        guide.contains("href=\"../../models/bert-base-uncased/\""),
        "@/ link resolved"
    );
    assert!(
        guide.contains("BioBERT"),
        "the models shortcode lists classification models"
    );
    assert!(!guide.contains("Llama 2</a>"), "and only those");
    assert!(
        guide.contains("<span class=\"hl-"),
        "code is highlighted at build time"
    );
}

#[test]
fn text_from_data_files_is_escaped() {
    let site = Site::new();
    site.write(
        "data/models/evil.yaml",
        "name: \"<script>alert(1)</script>\"\nsummary: \"a & b <b>bold</b>\"\ncreator: google\ncategory: generative\n",
    );
    site.build().expect_code(0);
    let page = site.read("public/models/evil/index.html");
    assert!(!page.contains("<script>alert(1)</script>"));
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || page.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(
        !site
            .read("public/models/index.html")
            .contains("<b>bold</b>")
    );
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = Site::new();
    site.write(
        "data/models/secret.yaml",
        "name: Secret\ncreator: google\ncategory: generative\ndraft: true\n",
    );
    site.write(
        "site/wip.md",
        "---\ntitle: Work in progress\ndraft: true\n---\n\nSoon.\n",
    );
    site.build().expect_code(0);
    assert!(!site.exists("public/models/secret/index.html"));
    assert!(!site.exists("public/wip/index.html"));
    site.run(&["build", "--drafts"]).expect_code(0);
    assert!(site.exists("public/models/secret/index.html"));
    assert!(site.exists("public/wip/index.html"));
}

#[test]
fn models_json_and_feed_hold_the_catalog() {
    let site = built();
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/models.json")).expect("valid JSON");
    assert_eq!(json["count"], 4);
    let ids: Vec<&str> = json["models"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert!(ids.contains(&"biobert"));
    // Each model as written in its file, with its id and URL; what models
    // share is written once, by id.
    let bert = json["models"]
        .as_array()
        .and_then(|ms| ms.iter().find(|m| m["id"] == "bert-base-uncased"))
        .expect("BERT");
    assert_eq!(bert["url"], format!("{BASE_URL}models/bert-base-uncased/"));
    assert_eq!(bert["creator"], "google");
    assert_eq!(bert["tasks"], serde_json::json!(["fill-mask"]));
    assert_eq!(bert["parameters"], 110_000_000);
    assert_eq!(bert["released"], "2018-10");
    assert_eq!(bert["libraries"], serde_json::json!(["transformers"]));
    assert_eq!(bert["evaluations"][0]["value"], "88.5");
    assert!(bert.get("mirrors").is_none(), "empty fields are left out");
    assert!(bert.get("draft").is_none());
    assert_eq!(json["creators"]["google"]["name"], "Google");
    assert_eq!(
        json["libraries"]["transformers"]["cache_dir"],
        "~/.cache/huggingface/hub"
    );
    let biobert = json["models"]
        .as_array()
        .and_then(|ms| ms.iter().find(|m| m["id"] == "biobert"))
        .expect("BioBERT");
    assert_eq!(biobert["base_model"], "bert-base-uncased");
    let feed = site.read("public/atom.xml");
    assert!(feed.starts_with("<?xml"));
    // Newest first: Llama 2 (2023-07) before LLaMA (2023-02-24).
    let l2 = feed
        .find("<title>Llama 2</title>")
        .expect("Llama 2 in the feed");
    let l1 = feed
        .find("<title>LLaMA</title>")
        .expect("LLaMA in the feed");
    assert!(l2 < l1);
}

#[test]
fn aliases_redirect_to_the_page() {
    let site = Site::new();
    site.write(
        "site/about.md",
        "---\ntitle: About\naliases: [\"old-about/\"]\n---\n\nAbout us.\n",
    );
    site.build().expect_code(0);
    let redirect = site.read("public/old-about/index.html");
    assert!(
        redirect.contains("url=../about/"),
        "the redirect works on any host"
    );
    assert!(redirect.contains(&format!("rel=\"canonical\" href=\"{BASE_URL}about/\"")));
}

#[test]
fn check_validates_without_writing_output() {
    let site = Site::new();
    let run = site.run(&["check", "--offline"]);
    run.expect_code(0);
    assert!(!site.exists("public"), "check writes nothing");
    site.write(
        "data/models/llama-2.yaml",
        "name: Llama 2\ncreator: nobody\ncategory: generative\n",
    );
    let run = site.run(&["check", "--offline", "--format", "json"]);
    run.expect_code(1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON report");
    assert_eq!(report["ok"], false);
    assert_eq!(report["problems"][0]["file"], "data/models/llama-2.yaml");
    assert_eq!(report["problems"][0]["line"], 2);
}

#[test]
fn init_makes_a_site_that_builds_at_once() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let site = dir.path().join("new-site");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_modelsite"))
        .arg("init")
        .arg(&site)
        .output()
        .expect("run init");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(site.join(".github/workflows/pages.yml").is_file());
    assert!(site.join("themes/default/templates/model.html").is_file());
    run_in(&site, &["build"]).expect_code(0);
    assert!(
        site.join("public/models/bert-base-uncased/index.html")
            .is_file()
    );
    assert!(
        site.join("public/guides/getting-started/index.html")
            .is_file()
    );
    // A second init refuses to overwrite.
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_modelsite"))
        .arg("init")
        .arg(&site)
        .output()
        .expect("run init");
    assert_eq!(again.status.code(), Some(1));
}

#[test]
fn generated_corpus_of_a_thousand_models_builds() {
    let shared =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_corpus.py");
    assert!(
        shared.is_file(),
        "the benchmark corpus generator is expected at {}",
        shared.display()
    );
    let dir = tempfile::tempdir().expect("temporary folder");
    let status = std::process::Command::new("python3")
        .arg(&shared)
        .arg("1000")
        .arg(dir.path())
        .status()
        .expect("run gen_corpus.py");
    assert!(status.success());
    run_in(dir.path(), &["build", "--offline"]).expect_code(0);
    let models = std::fs::read_dir(dir.path().join("public/models"))
        .expect("models folder")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("index.html").is_file())
        .count();
    assert_eq!(models, 1000);
    // Large counts are written as a reader reads them.
    let home = std::fs::read_to_string(dir.path().join("public/index.html")).expect("home page");
    assert!(
        home.contains("Browse all 1,000 models"),
        "the home page counts 1,000 models"
    );
    let catalog =
        std::fs::read_to_string(dir.path().join("public/models/index.html")).expect("catalog");
    assert!(catalog.contains("<span data-catalog-count>1,000</span> of 1,000 models"));
}

#[test]
fn minify_makes_smaller_pages_with_the_same_links() {
    let site = Site::new();
    site.build().expect_code(0);
    let plain = site.read("public/models/bert-base-uncased/index.html");
    site.write(
        "modelsite.toml",
        &format!("title = \"Test Atlas\"\nbase_url = \"{BASE_URL}\"\n\n[build]\nminify = true\n"),
    );
    site.build().expect_code(0);
    let small = site.read("public/models/bert-base-uncased/index.html");
    assert!(
        small.len() < plain.len(),
        "{} !< {}",
        small.len(),
        plain.len()
    );
    assert!(small.contains("\"../biobert/\""));
}

#[test]
fn search_index_is_written() {
    let site = built();
    let json = |rel: &str| -> serde_json::Value {
        serde_json::from_str(&site.read(&format!("public/search-index/{rel}")))
            .unwrap_or_else(|e| panic!("{rel}: {e}"))
    };
    let meta = json("meta.json");
    assert_eq!(meta["docs"], 6, "four models and two pages");
    let per_file = meta["docs_per_file"].as_u64().unwrap();
    // "Wikipedia" is only in BERT's prose: its dictionary file (the last
    // whose first word is not after it) leads to BERT's page.
    let firsts = meta["word_files"].as_array().unwrap();
    let file = firsts
        .iter()
        .rposition(|f| f.as_str().unwrap() <= "wikipedia")
        .expect("a dictionary file for the word");
    let words = json(&format!("words/{file}.json"));
    let entry = &words["wikipedia"];
    assert_eq!(entry["df"], 1, "one document: {entry}");
    // Its postings: one group, `weight, count, doc`.
    let top = decoded(entry["top"].as_str().expect("the word is indexed"));
    assert_eq!(top.len(), 3, "one document: {top:?}");
    assert_eq!(top[1], 1);
    let doc = top[2];
    assert!(
        doc < meta["models"].as_u64().unwrap(),
        "the document is a model"
    );
    let texts = json(&format!("docs/{}.json", doc / per_file));
    let i = (doc % per_file) as usize;
    assert_eq!(texts["url"][i], "models/bert-base-uncased/");
    assert_eq!(texts["title"][i], "BERT base uncased");
    let text = texts["text"][i].as_str().unwrap();
    assert!(text.contains("Trained on books and Wikipedia."), "{text}");
    assert!(!text.contains("@/guides"), "link targets are not text");
    // No word of so small a site is common: no postings or weights beyond
    // the dictionary's are needed, though every document has its counts.
    assert!(!site.exists("public/search-index/postings"));
    let counts = json("counts/0.json");
    assert_eq!(decoded(counts["lengths"].as_str().unwrap()).len(), 6);
    assert_eq!(counts["counts"].as_array().unwrap().len(), 6);
}

#[test]
fn a_table_of_contents_is_shown_for_a_long_text_or_when_the_front_matter_asks() {
    let site = Site::new();
    let long: String = (0..420).map(|n| format!("word{n} ")).collect();
    site.write(
        "site/guides/long.md",
        &format!("---\ntitle: Long\n---\n\n## One\n\n{long}\n\n## Two\n\nMore.\n"),
    );
    site.write(
        "site/guides/short.md",
        "---\ntitle: Short\n---\n\n## One\n\nA little.\n\n## Two\n\nMore.\n",
    );
    site.write(
        "site/guides/asked.md",
        "---\ntitle: Asked\ntoc: true\n---\n\n## One\n\nA little.\n\n## Two\n\nMore.\n",
    );
    site.write(
        "site/guides/refused.md",
        &format!("---\ntitle: Refused\ntoc: false\n---\n\n## One\n\n{long}\n\n## Two\n\nMore.\n"),
    );
    site.write(
        "site/models/bert-base-uncased.md",
        &format!("## Use\n\n{long}\n\n## Limits\n\nSome.\n"),
    );
    site.write(
        "site/models/biobert.md",
        "## Use\n\nBriefly.\n\n## Limits\n\nSome.\n",
    );
    site.build().expect_code(0);
    let toc = "<nav class=\"toc\" aria-label=\"On this page\">";
    for (page, shown) in [
        ("guides/long", true),
        ("guides/short", false),
        ("guides/asked", true),
        ("guides/refused", false),
        ("models/bert-base-uncased", true),
        ("models/biobert", false),
    ] {
        let html = site.read(&format!("public/{page}/index.html"));
        assert_eq!(html.contains(toc), shown, "{page}");
        assert!(
            html.contains("<a href=\"#two\">") || html.contains("<a href=\"#limits\">"),
            "{page}: headings keep their anchors"
        );
    }
}

#[test]
fn search_can_be_turned_off() {
    let site = Site::new();
    site.write(
        "modelsite.toml",
        &format!(
            "title = \"Test Atlas\"\nbase_url = \"{BASE_URL}\"\n\n[search]\nenabled = false\n"
        ),
    );
    site.build().expect_code(0);
    assert!(!site.exists("public/search-index"));
    assert!(!site.exists("public/search/index.html"));
    let home = site.read("public/index.html");
    // The page's one script leaves the search out.
    assert!(home.contains("data-search=\"off\""));
    assert!(home.contains("action=\"models/\""));
    // The chooser and the comparison do not need the search index.
    assert!(site.exists("public/choose/index.html"));
    assert!(site.exists("public/catalog-data/filters.json"));
}

#[test]
fn model_page_has_json_ld_with_data_text_escaped() {
    let site = Site::new();
    let plain = {
        site.write(
            "data/models/evil.yaml",
            "name: Plain\ncreator: google\ncategory: generative\n",
        );
        site.build().expect_code(0);
        site.read("public/models/evil/index.html")
    };
    assert!(
        !plain.contains("application/ld+json"),
        "JSON-LD is asked for"
    );
    site.write(
        "modelsite.toml",
        &format!("title = \"Test Atlas\"\nbase_url = \"{BASE_URL}\"\n\n[build]\njson_ld = true\n\n[link_check]\nexternal = false\n"),
    );
    site.write(
        "data/models/evil.yaml",
        "name: \"</script><script>alert(1)</script>\"\nsummary: \"a & b\"\ncreator: google\ncategory: generative\nreleased: \"2024-01\"\nbase_model: bert-base-uncased\n",
    );
    site.build().expect_code(0);
    let page = site.read("public/models/evil/index.html");
    let start = page
        .find("<script type=\"application/ld+json\">")
        .expect("a JSON-LD block")
        + "<script type=\"application/ld+json\">".len();
    let end = start + page[start..].find("</script>").expect("its end");
    let text = &page[start..end];
    assert!(!text.contains('<'), "no markup inside the JSON-LD: {text}");
    let ld: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "SoftwareApplication");
    assert_eq!(ld["name"], "</script><script>alert(1)</script>");
    assert!(
        ld.get("description").is_none(),
        "the summary is the meta description, not repeated: {ld}"
    );
    assert!(page.contains("<meta name=\"description\" content=\"a &amp; b\">"));
    assert_eq!(ld["creator"]["name"], "Google");
    assert_eq!(ld["datePublished"], "2024-01");
    assert_eq!(ld["url"], format!("{BASE_URL}models/evil/"));
    assert_eq!(
        ld["isBasedOn"],
        serde_json::json!([format!("{BASE_URL}models/bert-base-uncased/")])
    );
}

#[test]
fn compare_choose_and_search_pages_are_generated_and_linked() {
    let site = Site::new();
    site.write(
        "site/compare.md",
        "---\ntitle: Side by side\n---\n\nPick models to weigh.\n",
    );
    // The build checks every internal link of these pages.
    site.build().expect_code(0);
    let compare = site.read("public/compare/index.html");
    assert!(compare.contains("Side by side"), "the page's own prose");
    assert!(compare.contains("Pick models to weigh."));
    assert!(compare.contains("id=\"compare\""));
    let choose = site.read("public/choose/index.html");
    assert!(choose.contains("id=\"chooser\""));
    assert!(
        choose.contains("value=\"text-generation\""),
        "the tasks are offered"
    );
    assert!(
        choose.contains("data-licenses=\"apache-2.0\""),
        "licences grouped by kind"
    );
    assert!(site.exists("public/search/index.html"));
    let home = site.read("public/index.html");
    assert!(
        home.contains("href=\"choose/\">Choose a model"),
        "the header leads to the chooser"
    );
    assert!(home.contains("action=\"search/\""));
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains(&format!("<loc>{BASE_URL}choose/</loc>")));
}

/// The whole column table of `catalog-data/`: `filters.json` with the codes
/// of each column whose `codes_file` holds them put back in place.
fn column_table(site: &Site) -> serde_json::Value {
    let read = |rel: &str| -> serde_json::Value {
        serde_json::from_str(&site.read(&format!("public/catalog-data/{rel}"))).expect("JSON")
    };
    let mut table = read("filters.json");
    for column in table["columns"].as_array_mut().expect("columns") {
        if let Some(file) = column["codes_file"].as_str().map(str::to_string) {
            column["codes"] = read(&file)["codes"].clone();
        }
    }
    table
}

/// The options of each model in a column of the column table,
/// decoded as the catalog's script decodes them.
fn decoded_column(index: &serde_json::Value, key: &str) -> Vec<Vec<String>> {
    const ALPHABET: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
    let column = index["columns"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["key"] == key))
        .unwrap_or_else(|| panic!("no column {key}"));
    let width = column["width"].as_u64().expect("a width") as usize;
    let options: Vec<String> = column["options"]
        .as_array()
        .expect("options")
        .iter()
        .map(|o| o["id"].as_str().expect("an id").to_string())
        .collect();
    let codes = column["codes"].as_str().expect("codes").as_bytes();
    codes
        .chunks(width)
        .map(|chunk| {
            let code = chunk.iter().fold(0usize, |n, &c| {
                n * 64
                    + ALPHABET
                        .bytes()
                        .position(|a| a == c)
                        .expect("a code character")
            });
            if code == 0 {
                return Vec::new();
            }
            match column.get("values") {
                Some(values) => values[code - 1]
                    .as_array()
                    .expect("a list of options")
                    .iter()
                    .map(|i| options[i.as_u64().expect("an index") as usize].clone())
                    .collect(),
                None => vec![options[code - 1].clone()],
            }
        })
        .collect()
}

#[test]
fn the_catalog_page_and_data_name_every_column_by_its_key() {
    let site = built();
    let catalog = site.read("public/models/index.html");
    assert!(
        catalog.contains("<form class=\"filters\" id=\"catalog-filters\" data-total=\"4\" hidden>"),
        "the filters are hidden until the script shows them"
    );
    for key in [
        "name",
        "creator",
        "category",
        "task",
        "license",
        "access",
        "parameters",
        "released",
    ] {
        assert!(
            catalog.contains(&format!("<th scope=\"col\" data-column=\"{key}\"")),
            "{key}"
        );
    }
    for key in [
        "creator", "category", "task", "license", "access", "modality", "domain", "status",
    ] {
        assert!(
            catalog.contains(&format!(
                "<details class=\"filter-group\" data-column=\"{key}\">"
            )),
            "{key}"
        );
    }
    assert!(catalog.contains("data-catalog-data=\"../catalog-data/\""));
    assert!(catalog.contains("catalog.js"));

    // The data file holds every model in catalog order, column by column.
    let index = column_table(&site);
    assert_eq!(index["count"], 4);
    let rows: serde_json::Value =
        serde_json::from_str(&site.read("public/catalog-data/rows/0.json")).expect("JSON");
    let id_at = rows["fields"]
        .as_array()
        .and_then(|f| f.iter().position(|x| x == "id"))
        .expect("an id field");
    let ids: Vec<&str> = rows["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r[id_at].as_str().expect("an id"))
        .collect();
    assert_eq!(ids, ["bert-base-uncased", "biobert", "llama", "llama-2"]);
    let of = |key: &str| -> Vec<String> {
        decoded_column(&index, key)
            .into_iter()
            .map(|v| v.join("+"))
            .collect()
    };
    assert_eq!(of("creator"), ["google", "google", "meta", "meta"]);
    assert_eq!(
        of("task"),
        [
            "fill-mask",
            "feature-extraction",
            "text-generation",
            "text-generation"
        ]
    );
    assert_eq!(of("license"), ["apache-2.0", "unknown", "other", "llama2"]);
    assert_eq!(of("access"), ["open-weights", "", "gated", "gated"]);
    assert_eq!(
        of("parameters"),
        ["110000000", "", "65000000000", "70000000000"]
    );
    assert_eq!(of("released"), ["2018-10", "", "2023-02-24", "2023-07"]);
    assert_eq!(of("domain"), ["", "biomedical", "", ""]);
    assert_eq!(of("status"), ["active", "active", "active", "active"]);
    // Options come in their sort order, so sorting by code sorts the
    // column; each counts its models.
    let params = index["columns"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["key"] == "parameters"))
        .expect("parameters");
    let names: Vec<&str> = params["options"]
        .as_array()
        .expect("options")
        .iter()
        .map(|o| o["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(names, ["110M", "65B", "70B"]);
    let google = index["columns"][0]["options"]
        .as_array()
        .and_then(|o| o.iter().find(|o| o["id"] == "google"))
        .expect("google");
    assert_eq!(google["count"], 2);
    assert_eq!(google["path"], "creators/google/");

    let bert = site.read("public/models/bert-base-uncased/index.html");
    assert!(bert.contains("href=\"../../compare/?models=bert-base-uncased\""));
    assert!(bert.contains("data-field=\"parameters\""));
}

/// `href` on the page at `page_url` (a folder's address), as a browser
/// resolves it.
fn resolve(page_url: &str, href: &str) -> String {
    if href.contains("://") {
        return href.to_string();
    }
    let href = href.split(['#', '?']).next().unwrap_or("");
    let (origin, path) = page_url.split_at(page_url.find("://").map_or(0, |i| i + 3));
    let (host, path) = path.split_at(path.find('/').unwrap_or(path.len()));
    let mut parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    for seg in href.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let slash = if href.is_empty() || href.ends_with('/') {
        "/"
    } else {
        ""
    };
    format!("{origin}{host}/{}{slash}", parts.join("/"))
        .replace("//", "/")
        .replacen(":/", "://", 1)
}

#[test]
fn names_file_has_a_line_a_model_with_tabs_only_between_fields() {
    let site = Site::new();
    site.write(
        "data/models/tabbed.yaml",
        "name: \"Tab\\there and\\nthere\"\ncreator: google\ncategory: generative\n",
    );
    site.build().expect_code(0);
    let names: serde_json::Value =
        serde_json::from_str(&site.read("public/catalog-data/names.json")).expect("JSON");
    assert_eq!(names["fields"], serde_json::json!(["id", "name"]));
    let lines: Vec<&str> = names["lines"].as_str().expect("lines").lines().collect();
    assert_eq!(names["count"].as_u64(), Some(lines.len() as u64));
    assert!(
        lines.contains(&"bert-base-uncased\tBERT base uncased"),
        "{lines:?}"
    );
    // The name's own tab and line break became spaces.
    assert!(lines.contains(&"tabbed\tTab here and there"), "{lines:?}");
    assert!(lines.iter().all(|l| l.matches('\t').count() == 1));
}

#[test]
fn a_licence_page_answers_what_the_licence_allows_from_the_licence_data() {
    let site = Site::new();
    site.write(
        "data/licenses.yaml",
        "apache-2.0:\n  commercial: yes\n  summary: Use it for anything & keep the notices.\n  restrictions:\n    - Keep the licence with every copy.\n  url: https://www.apache.org/licenses/LICENSE-2.0\n",
    );
    site.build().expect_code(0);
    let page = site.read("public/licenses/apache-2.0/index.html");
    for shown in [
        "What this licence allows",
        "<dt>Commercial use</dt><dd>Allowed</dd>",
        "Use it for anything &amp; keep the notices.",
        "<li>Keep the licence with every copy.</li>",
        r#"<a href="https://www.apache.org/licenses/LICENSE-2.0">Read the licence text</a>"#,
    ] {
        assert!(page.contains(shown), "the licence page shows {shown:?}");
    }
    // The kind is named in the chooser's words.
    let kind = "Permissive (Apache, MIT, BSD, CC BY)";
    assert!(page.contains(&format!("<dt>Kind</dt><dd>{kind}</dd>")));
    let chooser = site.read("public/choose/index.html");
    assert!(chooser.contains(kind), "the chooser offers the same kind");
    // A licence without facts says what it can: its kind.
    site.write("data/licenses.yaml", "");
    site.build().expect_code(0);
    let page = site.read("public/licenses/apache-2.0/index.html");
    assert!(page.contains("Not stated here") && !page.contains("Read the licence text"));
}
