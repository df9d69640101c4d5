//! Every user mistake gets a clear error: the file, line and column, a
//! hint, exit code 1, and the previous output folder left as it was.

mod common;

use common::{Run, Site};

/// Builds once so `public/` exists, breaks the site with `edit`, builds
/// again, and checks the failure left `public/` exactly as it was.
fn fails_after(edit: impl FnOnce(&Site)) -> (Site, Run) {
    let site = Site::new();
    site.build().expect_code(0);
    site.write("public/marker.txt", "from the last good build");
    let before = site.read("public/models/bert-base-uncased/index.html");
    edit(&site);
    let run = site.build();
    run.expect_code(1);
    assert_eq!(site.read("public/marker.txt"), "from the last good build");
    assert_eq!(
        site.read("public/models/bert-base-uncased/index.html"),
        before
    );
    assert!(
        !site.exists(".public.staging"),
        "the staging folder is cleaned up"
    );
    (site, run)
}

#[test]
fn yaml_syntax_error_names_file_line_and_column() {
    let (_, run) = fails_after(|s| {
        s.write(
            "data/models/llama-2.yaml",
            "name: Llama 2\ncreator: meta\ncategory: generative\nsummary: a: b\n",
        );
    });
    run.expect_stderr("data/models/llama-2.yaml:4:11")
        .expect_stderr("mapping values are not allowed")
        .expect_stderr("help:");
}

#[test]
fn unknown_key_suggests_the_right_name() {
    let (_, run) = fails_after(|s| {
        s.write(
            "data/models/llama-2.yaml",
            "name: Llama 2\ncreatr: meta\ncreator: meta\ncategory: generative\n",
        );
    });
    run.expect_stderr("data/models/llama-2.yaml:2:1")
        .expect_stderr("unknown field `creatr`")
        .expect_stderr("did you mean `creator`?");
}

#[test]
fn wrong_type_names_the_field() {
    let (_, run) = fails_after(|s| {
        s.write(
            "data/models/llama-2.yaml",
            "name: Llama 2\ncreator: meta\ncategory: generative\nparameters: lots\n",
        );
    });
    run.expect_stderr("data/models/llama-2.yaml:4:13")
        .expect_stderr("parameters: invalid value")
        .expect_stderr("\"7B\"");
}

#[test]
fn missing_required_field_says_which() {
    let (_, run) = fails_after(|s| {
        s.write("data/models/llama-2.yaml", "name: Llama 2\ncreator: meta\n");
    });
    run.expect_stderr("data/models/llama-2.yaml:1:1")
        .expect_stderr("missing field `category`")
        .expect_stderr("every model needs `name`, `creator` and `category`");
}

#[test]
fn dangling_creator_names_file_line_and_suggests() {
    let (_, run) = fails_after(|s| {
        s.write(
            "data/models/llama-2.yaml",
            "name: Llama 2\ncreator: metta\ncategory: generative\n",
        );
    });
    run.expect_stderr("data/models/llama-2.yaml:2:10")
        .expect_stderr("unknown creator `metta`")
        .expect_stderr("did you mean `meta`?");
}

#[test]
fn dangling_category_library_and_source_are_all_reported_together() {
    let (_, run) = fails_after(|s| {
        s.write(
            "data/models/llama-2.yaml",
            "name: Llama 2\ncreator: meta\ncategory: generativ\nlibraries: [transformer]\nsources:\n  - source: hugginface\n    url: https://x.test/\n",
        );
    });
    run.expect_stderr("data/models/llama-2.yaml:3:11")
        .expect_stderr("unknown category `generativ`")
        .expect_stderr("did you mean `generative`?")
        .expect_stderr("data/models/llama-2.yaml:4:13")
        .expect_stderr("unknown library `transformer`")
        .expect_stderr("did you mean `transformers`?")
        .expect_stderr("data/models/llama-2.yaml:6:13")
        .expect_stderr("unknown source `hugginface`")
        .expect_stderr("did you mean `huggingface`?")
        .expect_stderr("3 problems found");
}

#[test]
fn dangling_base_model_suggests_a_catalog_id() {
    let (_, run) = fails_after(|s| {
        s.write(
            "data/models/biobert.yaml",
            "name: BioBERT\ncreator: google\ncategory: classification\nbase_model: bert-base-uncase\n",
        );
    });
    run.expect_stderr("data/models/biobert.yaml:4:13")
        .expect_stderr(
            "base model `bert-base-uncase` is neither a catalog model nor a Hugging Face id",
        )
        .expect_stderr("did you mean `bert-base-uncased`?");
}

#[test]
fn invalid_model_id_suggests_a_file_name() {
    let (_, run) = fails_after(|s| {
        s.write(
            "data/models/Llama 3.yaml",
            "name: Llama 3\ncreator: meta\ncategory: generative\n",
        );
    });
    run.expect_stderr("data/models/Llama 3.yaml:1:1")
        .expect_stderr("`Llama 3` is not a valid model id")
        .expect_stderr("rename the file to data/models/llama-3.yaml");
}

#[test]
fn model_ids_of_dots_or_site_paths_are_refused() {
    // `..yaml` has the stem `.` and `...yaml` the stem `..`: as ids they
    // would write their page over the catalog and the home page.
    for (file, id) in [
        ("data/models/..yaml", "."),
        ("data/models/...yaml", ".."),
        ("data/models/page.yaml", "page"),
        ("data/models/.hidden.yaml", ".hidden"),
    ] {
        let (site, run) = fails_after(|s| {
            s.write(
                file,
                "name: Intruder\ncreator: meta\ncategory: generative\n",
            );
        });
        run.expect_stderr(&format!("{file}:1:1"))
            .expect_stderr(&format!("`{id}` is not a valid model id"))
            .expect_stderr("rename the file to data/models/");
        assert!(
            site.read("public/models/index.html")
                .contains("BERT base uncased")
        );
        assert!(
            site.read("public/index.html")
                .contains("Welcome to the atlas")
        );
    }
}

#[test]
fn a_data_file_key_that_is_not_an_id_names_its_line() {
    let (_, run) = fails_after(|s| {
        s.write(
            "data/creators.yaml",
            "google:\n  name: Google\nmeta:\n  name: Meta AI\npage:\n  name: Pages Inc\n",
        );
    });
    run.expect_stderr("data/creators.yaml:6")
        .expect_stderr("`page` is not a valid id for a creator")
        .expect_stderr("rename it to `page-model`");
}

#[test]
fn an_alias_that_leaves_the_output_folder_is_refused() {
    for alias in ["../../escaped", "/", "guides/../../x", "a//b"] {
        let (site, run) = fails_after(|s| {
            s.write(
                "site/about.md",
                &format!(
                    "---\ntitle: About\naliases:\n  - /old-about/\n  - \"{alias}\"\n---\n\nText.\n"
                ),
            );
        });
        run.expect_stderr("site/about.md:5:5")
            .expect_stderr(&format!(
                "the alias `{alias}` cannot be a path of this site"
            ));
        assert!(!site.root().parent().unwrap().join("escaped").exists());
        assert!(!site.path("escaped").exists());
    }
}

#[test]
fn a_yaml_error_past_column_65535_is_shown() {
    let (_, run) = fails_after(|s| {
        let long = "x".repeat(70_000);
        s.write(
            "data/models/llama.yaml",
            &format!(
                "name: LLaMA\ncreator: meta\ncategory: generative\nextra:\n  note: {long}: y\n"
            ),
        );
    });
    run.expect_stderr("data/models/llama.yaml:5:70009")
        .expect_stderr("…xxxx")
        .expect_stderr("quote values that contain `: `");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn deep_nesting_is_refused_at_once_at_its_line() {
    let (_, run) = fails_after(|s| {
        let n = 200_000;
        s.write(
            "data/models/llama.yaml",
            &format!(
                "name: LLaMA\ncreator: meta\ncategory: generative\nextra:\n  deep: {}{}\n",
                "[".repeat(n),
                "]".repeat(n)
            ),
        );
    });
    run.expect_stderr("data/models/llama.yaml:5:109")
        .expect_stderr("the YAML nests lists or maps more than 100 deep");
}

#[test]
fn a_file_past_the_size_limit_or_not_utf8_is_refused() {
    let (_, run) = fails_after(|s| {
        let big = "word ".repeat(11 << 18);
        s.write(
            "site/guides/big.md",
            &format!("---\ntitle: Big\n---\n\n{big}\n"),
        );
    });
    run.expect_stderr("site/guides/big.md")
        .expect_stderr("larger than 10 MiB");
    let (site, _) = fails_after(|s| {
        std::fs::write(
            s.path("data/models/llama.yaml"),
            b"name: LLaMA\ncreator: meta\nsummary: caf\xe9\n",
        )
        .unwrap();
    });
    site.build()
        .expect_stderr("data/models/llama.yaml:3:13")
        .expect_stderr("the file is not UTF-8 text");
}

#[test]
fn empty_files_nul_bytes_and_lone_surrogates_are_errors_at_their_place() {
    for (file, text, place, message) in [
        (
            "data/models/empty.yaml",
            "",
            "data/models/empty.yaml:1:1",
            "missing field `name`",
        ),
        (
            "site/empty.md",
            "",
            "site/empty.md:1:1",
            "the page has no `title`",
        ),
        (
            "data/models/nul.yaml",
            "name: a\0b\ncreator: meta\ncategory: generative\n",
            "data/models/nul.yaml:1:",
            "control characters are not allowed",
        ),
        (
            "data/models/surrogate.yaml",
            "name: \"\\ud800\"\ncreator: meta\ncategory: generative\n",
            "data/models/surrogate.yaml:1:",
            "invalid Unicode character escape",
        ),
    ] {
        let (_, run) = fails_after(|s| s.write(file, text));
        run.expect_stderr(place).expect_stderr(message);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_are_read() {
    let site = Site::new();
    site.write(
        "data/models/llama.yaml",
        "\u{feff}name: LLaMA\r\ncreator: meta\r\ncategory: generative\r\nsummary: Crlf text.\r\n",
    );
    site.write(
        "site/about.md",
        "\u{feff}---\r\ntitle: About\r\n---\r\n\r\nAbout us.\r\n",
    );
    site.build().expect_code(0);
    assert!(
        site.read("public/models/llama/index.html")
            .contains("Crlf text.")
    );
    assert!(site.read("public/about/index.html").contains("About us."));
}

#[test]
fn bad_front_matter_names_the_line() {
    let (_, run) = fails_after(|s| {
        s.write(
            "site/guides/choosing.md",
            "---\ntitle: Choosing\nweigth: 2\n---\n\nText.\n",
        );
    });
    run.expect_stderr("site/guides/choosing.md:3:1")
        .expect_stderr("unknown field `weigth`")
        .expect_stderr("did you mean `weight`?");
}

#[test]
fn unclosed_front_matter_is_reported() {
    let (_, run) = fails_after(|s| {
        s.write("site/about.md", "---\ntitle: About\n\nText.\n");
    });
    run.expect_stderr("site/about.md:1:1")
        .expect_stderr("the front matter is not closed");
}

#[test]
fn broken_at_link_names_the_page_line() {
    let (_, run) = fails_after(|s| {
        s.write(
            "site/about.md",
            "---\ntitle: About\n---\n\nRead the [guide](@/guides/chosing.md).\n",
        );
    });
    run.expect_stderr("site/about.md:5:10")
        .expect_stderr("the link `@/guides/chosing.md` names a page that does not exist")
        .expect_stderr("did you mean `@/guides/choosing.md`?");
}

#[test]
fn broken_anchor_names_the_page_line_and_suggests() {
    let (_, run) = fails_after(|s| {
        s.write(
            "site/about.md",
            "---\ntitle: About\n---\n\nSee [sizes](@/guides/choosing.md#sizes).\n",
        );
    });
    run.expect_stderr("site/about.md:5:5")
        .expect_stderr("the anchor `#sizes` in `@/guides/choosing.md#sizes` does not exist")
        .expect_stderr("did you mean `size`?")
        .expect_stderr("1 problem found");
}

#[test]
fn broken_anchor_in_model_prose_is_reported_once_at_its_line() {
    let (_, run) = fails_after(|s| {
        s.write(
            "site/models/biobert.md",
            "## Use\n\nSee [sizes](@/guides/choosing.md#sizes).\n",
        );
    });
    run.expect_stderr("site/models/biobert.md:3:5")
        .expect_stderr("1 problem found");
}

#[test]
fn broken_link_in_a_template_names_the_template() {
    let (_, run) = fails_after(|s| {
        s.write(
            "templates/404.html",
            "<!doctype html><html><body><a href=\"{{ get_url(path='no/such/page/') }}\">x</a></body></html>\n",
        );
    });
    run.expect_stderr("templates/404.html")
        .expect_stderr("broken link `https://user.github.io/repo/no/such/page/`")
        .expect_stderr("written in the template");
}

#[test]
fn broken_relative_link_in_markdown_names_the_markdown_line() {
    let (_, run) = fails_after(|s| {
        s.write(
            "site/about.md",
            "---\ntitle: About\n---\n\nSee [x](../missing/).\n",
        );
    });
    run.expect_stderr("site/about.md:5:9")
        .expect_stderr("broken link `../missing/`");
}

#[test]
fn template_syntax_error_names_template_line_and_column() {
    let (_, run) = fails_after(|s| {
        s.write("templates/404.html", "<p>\n{{ config.title </p>\n");
    });
    run.expect_stderr("templates/404.html:2:")
        .expect_stderr("template `404.html` has a syntax error");
}

#[test]
fn unknown_config_key_suggests_the_right_one() {
    let (_, run) = fails_after(|s| {
        s.write(
            "modelsite.toml",
            "title = \"T\"\nbase_url = \"https://user.github.io/repo/\"\ndescripton = \"x\"\n",
        );
    });
    run.expect_stderr("modelsite.toml:3:1")
        .expect_stderr("unknown field `descripton`")
        .expect_stderr("did you mean `description`?");
}

#[test]
fn mistakes_in_the_file_given_by_config_name_that_file() {
    let site = Site::new();
    site.write(
        "prod.toml",
        "title = \"T\"\nbase_url = \"https://user.github.io/repo/\"\ntheme = \"fancy\"\n",
    );
    site.run(&["build", "--config", "prod.toml"])
        .expect_code(1)
        .expect_stderr("prod.toml:3:")
        .expect_stderr("theme `fancy` not found");
    site.write(
        "prod.toml",
        "title = \"T\"\nbase_url = \"https://user.github.io/repo/\"\n\n[link_check]\nexclude = [\"(unclosed\"]\n",
    );
    site.write(
        "site/about.md",
        "---\ntitle: About\n---\n\nSee <http://127.0.0.1:9/x>.\n",
    );
    let run = site.run(&["build", "--config", "prod.toml"]);
    run.expect_code(1)
        .expect_stderr("prod.toml")
        .expect_stderr("an `exclude` pattern in [link_check] is not a valid regex");
    assert!(!run.stderr.contains("modelsite.toml"), "{}", run.stderr);
}

#[test]
fn missing_theme_lists_what_exists() {
    let (_, run) = fails_after(|s| {
        s.write(
            "modelsite.toml",
            "title = \"T\"\nbase_url = \"https://user.github.io/repo/\"\ntheme = \"fancy\"\n",
        );
    });
    run.expect_stderr("modelsite.toml:3:")
        .expect_stderr("theme `fancy` not found")
        .expect_stderr("default");
}

#[test]
fn theme_without_the_row_template_names_the_missing_file() {
    let (_, run) = fails_after(|s| {
        // A copy of the default theme made before model rows had a
        // template of their own.
        let theme = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        for entry in walkdir::WalkDir::new(&theme).into_iter().flatten() {
            let rel = entry.path().strip_prefix(&theme).expect("inside the theme");
            if entry.file_type().is_file() && !rel.ends_with("partials/model_row.html") {
                let text = std::fs::read_to_string(entry.path()).expect("theme file");
                s.write(&format!("themes/default/{}", rel.display()), &text);
            }
        }
    });
    run.expect_stderr("themes/default/templates/partials/model_row.html")
        .expect_stderr("the theme has no `partials/model_row.html`")
        .expect_stderr("copy it from the default theme");
}

#[test]
fn errors_in_several_files_are_reported_together() {
    let (_, run) = fails_after(|s| {
        s.write("data/models/llama-2.yaml", "name: Llama 2\ncreator: meta\n");
        s.write("data/models/llama.yaml", "name: [LLaMA\n");
        s.write("site/about.md", "---\ntitel: About\n---\n");
    });
    run.expect_stderr("data/models/llama-2.yaml")
        .expect_stderr("data/models/llama.yaml")
        .expect_stderr("site/about.md")
        .expect_stderr("3 problems found");
}

#[test]
fn prose_without_a_model_is_an_error() {
    let (_, run) = fails_after(|s| {
        s.write("site/models/bert-base-uncase.md", "Some prose.\n");
    });
    run.expect_stderr("site/models/bert-base-uncase.md")
        .expect_stderr("there is no model `bert-base-uncase`")
        .expect_stderr("did you mean `bert-base-uncased`?");
}

#[test]
fn unknown_shortcode_filter_is_an_error() {
    let (_, run) = fails_after(|s| {
        s.write(
            "site/about.md",
            "---\ntitle: About\n---\n\n{{ models(categry=\"generative\") }}\n",
        );
    });
    run.expect_stderr("site/about.md:5:1")
        .expect_stderr("`models()` cannot filter on `categry`")
        .expect_stderr("did you mean `category`?");
}

#[test]
fn usage_error_exits_with_two() {
    let site = Site::new();
    site.run(&["build", "--no-such-flag"]).expect_code(2);
}

#[test]
fn a_long_message_stays_on_one_line_when_not_printed_to_a_terminal() {
    // With the message, this line is far wider than the 200 columns a
    // report is wrapped to on a terminal.
    let id = "a-model-whose-name-runs-on-well-past-the-width-of-any-terminal-window-that-a-person-would-keep-open-and-then-some-more-so-that-the-line-is-wider-than-two-hundred-columns";
    let file = format!("data/models/{id}.yaml");
    let (_, run) = fails_after(|s| {
        s.write(
            &file,
            "name: Long\ncreator: meta\ncategory: generative\nsummary: a: b\n",
        );
    });
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains(&format!("{file}:4:11")))
        .unwrap_or_else(|| panic!("no line names the file\n{}", run.stderr));
    assert!(
        line.contains("mapping values are not allowed in this context"),
        "the message is cut on to another line: {line:?}\n{}",
        run.stderr
    );
}

#[test]
fn a_licence_fact_with_a_wrong_value_is_located_with_the_values_it_takes() {
    let (_, run) = fails_after(|s| {
        s.write(
            "data/licenses.yaml",
            "mit:\n  summary: Short.\n  commercial: maybe\n",
        );
    });
    run.expect_stderr("data/licenses.yaml:3:15")
        .expect_stderr("maybe")
        .expect_stderr("yes");
}
