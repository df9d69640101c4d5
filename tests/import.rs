//! `modelsite import` on the cards of tests/fixtures/cards: what each card
//! becomes, what is reported, and that the site builds afterwards with the
//! evaluation table on the model's page.

mod common;

use std::io::Write as _;
use std::process::{Command, Stdio};

use common::{Run, Site};

/// The path of a fixture card.
fn card(name: &str) -> String {
    format!(
        "{}/tests/fixtures/cards/{name}/README.md",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// The base model card, kept where the Hugging Face cache keeps it.
fn cached_card() -> String {
    card("hub-cache/models--acme-lab--Acme-7B/snapshots/4f2c9e1d")
}

fn import(site: &Site, args: &[&str]) -> Run {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    site.run(&all)
}

/// Runs `modelsite import <args> -` with `input` on standard input.
fn import_stdin(site: &Site, args: &[&str], input: &(impl AsRef<[u8]> + ?Sized)) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_modelsite"))
        .arg("import")
        .args(args)
        .arg("-")
        .arg("--root")
        .arg(site.root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run modelsite");
    child
        .stdin
        .take()
        .expect("a piped stdin")
        .write_all(input.as_ref())
        .expect("write the card");
    let out = child.wait_with_output().expect("wait for modelsite");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn expect_stdout(run: &Run, needle: &str) {
    run.expect_stdout(needle);
}

/// Model `id`'s file, checked to hold every one of `parts`.
fn model_yaml(site: &Site, id: &str, parts: &[&str]) -> String {
    let yaml = site.read(&format!("data/models/{id}.yaml"));
    for part in parts {
        assert!(yaml.contains(part), "{part:?} missing from\n{yaml}");
    }
    yaml
}

/// Builds the site and returns the HTML of model `id`'s page.
fn built_page(site: &Site, id: &str) -> String {
    site.build().expect_code(0);
    site.read(&format!("public/models/{id}/index.html"))
}

/// The rows of the page's evaluation table, as (task, dataset, metric,
/// value) with the cells' text.
fn evaluation_rows(html: &str) -> Vec<[String; 4]> {
    let start = html
        .find("<table class=\"evaluations\">")
        .unwrap_or_else(|| panic!("the page has no evaluation table:\n{html}"));
    let table = &html[start..start + html[start..].find("</table>").expect("a closed table")];
    let body = &table[table.find("<tbody>").expect("a table body")..];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            let cells: Vec<String> = row
                .split("<td")
                .skip(1)
                .map(|cell| {
                    let text = &cell[cell.find('>').expect("a cell") + 1..];
                    text[..text.find("</td>").expect("a closed cell")].to_string()
                })
                .collect();
            [
                cells[0].clone(),
                cells[1].clone(),
                cells[2].clone(),
                cells[3].clone(),
            ]
        })
        .collect()
}

fn row(task: &str, dataset: &str, metric: &str, value: &str) -> [String; 4] {
    [task, dataset, metric, value].map(str::to_string)
}

#[test]
fn minimal_card_builds_with_a_guessed_creator_and_category() {
    let site = Site::new();
    let creators_before = site.read("data/creators.yaml");
    let run = import(&site, &[&card("Tiny-Tagger")]);
    run.expect_code(0);
    expect_stdout(&run, "as `tiny-tagger`");
    expect_stdout(
        &run,
        "guessed: category `other`, as the card has no pipeline_tag",
    );
    expect_stdout(&run, "guessed: creator `unknown`");
    expect_stdout(
        &run,
        "creator `unknown` is new: added to data/creators.yaml as a stub",
    );

    model_yaml(
        &site,
        "tiny-tagger",
        &["name: Tiny Tagger\ncreator: unknown\ncategory: other\nlicense: mit\n"],
    );
    assert_eq!(
        site.read("site/models/tiny-tagger.md"),
        "Tiny Tagger labels the parts of speech in short English sentences.\n",
        "the body is the prose, without its title heading"
    );
    assert!(
        site.read("data/creators.yaml")
            .starts_with(&creators_before)
    );

    let html = built_page(&site, "tiny-tagger");
    assert!(html.contains("<h1>Tiny Tagger</h1>"));
    assert!(html.contains("labels the parts of speech"));
    assert!(
        !html.contains("class=\"evaluations\""),
        "a card without model-index has no evaluation table"
    );
}

#[test]
fn full_card_maps_every_field_and_shows_the_evaluation_table() {
    let site = Site::new();
    let run = import(&site, &[&card("full")]);
    run.expect_code(0);
    expect_stdout(&run, "as `acme-chat-7b`");
    expect_stdout(
        &run,
        "id `acme-chat-7b` from the model-index name `acme-lab/Acme-Chat-7B`",
    );
    expect_stdout(
        &run,
        "kept under extra, as the schema has no field for them: metrics, widget, co2_eq_emissions",
    );
    expect_stdout(
        &run,
        "`revision` has no column; `verifyToken` has no column",
    );
    expect_stdout(
        &run,
        "guessed: category `generative` from pipeline_tag `text-generation`",
    );
    expect_stdout(
        &run,
        "guessed: creator `acme-lab` from the repository `acme-lab/Acme-Chat-7B`",
    );

    let yaml = model_yaml(
        &site,
        "acme-chat-7b",
        &[
            "name: Acme Chat 7B\n",
            "creator: acme-lab\n",
            "category: generative\n",
            "tasks: [text-generation]\n",
            "license: apache-2.0\n",
            "base_model: acme-lab/Acme-7B\n",
            "libraries: [transformers]\n",
            "  - source: huggingface\n    url: https://huggingface.co/acme-lab/Acme-Chat-7B\n",
            "language: [en, fr]\n",
            "datasets: [acme-lab/dialogues, wikipedia]\n",
            "base_model_relation: finetune\n",
            "tags: [chat, arxiv:2401.00001]\n",
            "extra:\n  metrics: [accuracy, rouge]\n",
            "      example_title: Greeting\n",
            "    emissions: 1200\n",
            "              verifyToken: eyJhbGciOiJFZERTQSJ9.test\n",
        ],
    );
    let order: Vec<usize> = [
        "name:",
        "creator:",
        "tasks:",
        "license:",
        "evaluations:",
        "language:",
        "tags:",
        "extra:",
    ]
    .iter()
    .map(|k| {
        yaml.find(&format!("\n{k}"))
            .unwrap_or_else(|| panic!("{k} missing"))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "keys follow the schema's order:\n{yaml}"
    );

    let html = built_page(&site, "acme-chat-7b");
    assert_eq!(
        evaluation_rows(&html),
        vec![
            row(
                "Text Generation",
                "MMLU (all, test)",
                "accuracy (5-shot)",
                "61.40"
            ),
            row(
                "Text Generation",
                "MMLU (all, test)",
                "normalized accuracy",
                "64.2"
            ),
            row("Question answering", "SQuAD v2 (validation)", "f1", "81.5"),
            row(
                "Question answering",
                "SQuAD v2 (validation)",
                "exact_match",
                "78"
            ),
            row(
                "Summarization",
                "CNN / DailyMail (3.0.0, test)",
                "ROUGE-L",
                "40.1 ± 0.3"
            ),
        ]
    );
    assert!(
        html.contains("<a href=\"https://leaderboard.models.test/acme\">Example Leaderboard</a>")
    );
    assert!(
        html.contains("<a href=\"https://huggingface.co/acme-lab/Acme-7B\">acme-lab/Acme-7B</a>")
    );
    assert!(
        html.contains("href=\"https://huggingface.co/acme-lab/Acme-Chat-7B/blob/main/LICENSE\""),
        "a link to a file of the repository points at the Hub"
    );
    assert!(html.contains(
        "src=\"https://huggingface.co/acme-lab/Acme-Chat-7B/resolve/main/assets/training.png\""
    ));
    assert!(html.contains(
        "src=\"https://huggingface.co/acme-lab/Acme-Chat-7B/resolve/main/assets/scores.png\""
    ));
    assert!(
        !html.contains("Model Card for"),
        "the card's title is the page's name, not a second heading"
    );
}

#[test]
fn license_other_keeps_its_name_and_link() {
    let site = Site::new();
    import(&site, &[&card("license-other")]).expect_code(0);
    model_yaml(
        &site,
        "acme-bert",
        &[
            "license: other\nlicense_name: acme-research-license\nlicense_link: https://acme.models.test/research-license\n",
        ],
    );
    let html = built_page(&site, "acme-bert");
    assert!(html.contains(
        "<a href=\"https://acme.models.test/research-license\">acme-research-license</a>"
    ));
    assert_eq!(
        evaluation_rows(&html),
        vec![row("Fill-mask", "WikiText-103", "perplexity", "4.2")]
    );
}

#[test]
fn base_model_list_is_a_merge() {
    let site = Site::new();
    let run = import(&site, &[&card("merge")]);
    run.expect_code(0);
    expect_stdout(
        &run,
        "guessed: base_model_relation `merge`, as the card lists 2 base models",
    );
    model_yaml(
        &site,
        "acme-zeta-merge",
        &[
            "base_model: [acme-lab/Acme-7B, zeta-ai/Zeta-7B]\n",
            "base_model_relation: merge\n",
        ],
    );
    let html = built_page(&site, "acme-zeta-merge");
    assert!(html.contains("<dt>Merge of</dt>"));
    assert!(html.contains("href=\"https://huggingface.co/zeta-ai/Zeta-7B\""));
    assert_eq!(
        evaluation_rows(&html),
        vec![row(
            "Text generation",
            "AI2 Reasoning Challenge (25-Shot) (ARC-Challenge, test)",
            "normalized accuracy",
            "58.9"
        )]
    );
}

#[test]
fn legacy_text2text_generation_becomes_text_generation() {
    let site = Site::new();
    let run = import(&site, &[&card("legacy-t5")]);
    run.expect_code(0);
    expect_stdout(
        &run,
        "pipeline_tag `text2text-generation` is no longer a Hugging Face task: the model's task is `text-generation`",
    );
    model_yaml(
        &site,
        "legacy-t5-small",
        &["tasks: [text-generation]\n", "language: [en, de, fr]\n"],
    );
    let html = built_page(&site, "legacy-t5-small");
    assert_eq!(
        evaluation_rows(&html),
        vec![row(
            "Translation",
            "WMT14 English-German (de-en, test)",
            "BLEU",
            "26.7"
        )]
    );
    let build = site.build();
    build.expect_code(0);
    assert!(
        !build.stderr.contains("text2text"),
        "no warning about the legacy task:\n{}",
        build.stderr
    );
    assert!(
        site.read("public/tasks/text-generation/index.html")
            .contains("Legacy-T5-Small")
    );
}

#[test]
fn unknown_keys_are_kept_under_extra_and_reported() {
    let site = Site::new();
    let run = import(&site, &[&card("unknown-keys")]);
    run.expect_code(0);
    expect_stdout(
        &run,
        "kept under extra, as the schema has no field for them: thumbnail, inference, favourite_colour, training_setup, extra_gated_prompt, extra_gated_fields",
    );
    expect_stdout(
        &run,
        "pipeline_tag `conversational` is not a Hugging Face task; kept under extra",
    );
    expect_stdout(
        &run,
        "guessed: access `gated`, as the card has `extra_gated_prompt`",
    );
    model_yaml(
        &site,
        "odd-keys-model",
        &[
            "access: gated\n",
            "extra:\n  pipeline_tag: conversational\n",
            "  inference: false\n",
            "  favourite_colour: teal\n",
            "  training_setup:\n    gpus: 8\n    precision: bf16\n    steps: [1000, 2000]\n",
            "  extra_gated_prompt: You agree to use this model for research only.\n",
            "    I agree to the terms: checkbox\n",
        ],
    );
    let html = built_page(&site, "odd-keys-model");
    assert_eq!(
        evaluation_rows(&html),
        vec![row("Text classification", "IMDB", "accuracy", "0.93")]
    );
}

#[test]
fn broken_yaml_is_reported_with_file_and_line_and_the_other_cards_still_import() {
    let site = Site::new();
    let run = import(&site, &[&card("broken-yaml"), &card("license-other")]);
    run.expect_code(1)
        .expect_stderr("broken-yaml/README.md:5:9: did not find expected ',' or ']', while parsing a flow sequence")
        .expect_stderr("tags: [broken, list")
        .expect_stderr("error: 1 of 2 cards were not imported");
    expect_stdout(&run, "as `acme-bert`");
    assert!(!site.exists("data/models/broken-yaml.yaml"));
    built_page(&site, "acme-bert");
}

#[test]
fn card_without_front_matter_is_reported_and_nothing_is_written() {
    let site = Site::new();
    let run = import(&site, &[&card("no-front-matter")]);
    run.expect_code(1)
        .expect_stderr("no-front-matter/README.md:1:1: the card has no front matter")
        .expect_stderr("a model card starts with YAML metadata between two `---` lines");
    assert!(!site.exists("data/models/no-front-matter.yaml"));
    assert!(!site.exists("site/models/no-front-matter.md"));
    site.build().expect_code(0);
}

#[test]
fn two_cards_with_the_same_id_import_the_first_only() {
    let site = Site::new();
    let run = import(&site, &[&card("twin-a"), &card("twin-b")]);
    run.expect_code(1)
        .expect_stderr("twin-b/README.md:5:9: this card maps to the model id `twin-model`, like ")
        .expect_stderr("twin-a/README.md before it; it was not imported")
        .expect_stderr("import it on its own with --id");
    // The first card wins.
    model_yaml(&site, "twin-model", &["license: mit\n"]);
    let html = built_page(&site, "twin-model");
    assert_eq!(
        evaluation_rows(&html),
        vec![row(
            "Sentence similarity",
            "STS Benchmark",
            "cos_sim_spearman",
            "82.1"
        )]
    );
}

#[test]
fn an_existing_model_is_replaced_only_with_force() {
    let site = Site::new();
    let before = site.read("data/models/bert-base-uncased.yaml");
    let prose_before = site.read("site/models/bert-base-uncased.md");
    let run = import(
        &site,
        &[&card("license-other"), "--id", "bert-base-uncased"],
    );
    run.expect_code(1)
        .expect_stderr("the site already has a model `bert-base-uncased` (data/models/bert-base-uncased.yaml, site/models/bert-base-uncased.md)")
        .expect_stderr("pass --force to replace it");
    assert_eq!(site.read("data/models/bert-base-uncased.yaml"), before);
    assert_eq!(site.read("site/models/bert-base-uncased.md"), prose_before);

    import(
        &site,
        &[
            &card("license-other"),
            "--id",
            "bert-base-uncased",
            "--force",
        ],
    )
    .expect_code(0);
    assert!(
        site.read("data/models/bert-base-uncased.yaml")
            .contains("license_name: acme-research-license")
    );
    let html = built_page(&site, "bert-base-uncased");
    assert!(html.contains("an encoder released under a research licence"));
    assert_eq!(
        evaluation_rows(&html),
        vec![row("Fill-mask", "WikiText-103", "perplexity", "4.2")]
    );

    // A card without prose replaces the old prose with none.
    let run = import_stdin(
        &site,
        &["--id", "bert-base-uncased", "--force"],
        "---\nlicense: mit\npipeline_tag: fill-mask\n---\n",
    );
    run.expect_code(0);
    expect_stdout(
        &run,
        "removed site/models/bert-base-uncased.md, as the card has no prose",
    );
    assert!(!site.exists("site/models/bert-base-uncased.md"));
    let html = built_page(&site, "bert-base-uncased");
    assert!(!html.contains("research licence"));
}

#[test]
fn a_base_model_and_its_fine_tune_imported_together_link_to_each_other() {
    let site = Site::new();
    let run = import(&site, &[&card("full"), &cached_card()]);
    run.expect_code(0);
    expect_stdout(&run, "as `acme-7b`");
    expect_stdout(
        &run,
        "base_model `acme-lab/Acme-7B` is `acme-7b` of this catalog",
    );
    expect_stdout(
        &run,
        "license_link `LICENSE` is a file of the model's repository: linked to https://huggingface.co/acme-lab/Acme-7B/blob/main/LICENSE",
    );
    assert!(
        site.read("data/models/acme-chat-7b.yaml")
            .contains("base_model: acme-7b\n")
    );
    let creators = site.read("data/creators.yaml");
    assert_eq!(
        creators.matches("\nacme-lab:\n").count(),
        1,
        "one stub for both cards:\n{creators}"
    );

    // A folder stands for the README.md in it.
    let folder = cached_card().trim_end_matches("/README.md").to_string();
    import(&site, &[&folder, "--force"]).expect_code(0);
    let base = built_page(&site, "acme-7b");
    assert!(base.contains("<dt>Models built on it</dt>"));
    assert!(base.contains("\"../acme-chat-7b/\">Acme Chat 7B</a>"));
    assert!(base.contains("<a href=\"https://huggingface.co/acme-lab/Acme-7B/blob/main/LICENSE\">acme-community-license</a>"));
    assert_eq!(
        evaluation_rows(&base),
        vec![row(
            "Text generation",
            "HellaSwag (10-Shot) (validation)",
            "normalized accuracy",
            "79.3"
        )]
    );
    let chat = site.read("public/models/acme-chat-7b/index.html");
    assert!(chat.contains("\"../acme-7b/\">Acme 7B</a>"));
}

#[test]
fn stubs_are_appended_without_touching_the_users_text() {
    let site = Site::new();
    let creators = "# Who makes the models.\n\ngoogle:   # a company\n  name: Google\n  kind: company\n\nmeta:\n  name: Meta AI\n  kind: lab";
    site.write("data/creators.yaml", creators);
    let libraries = site.read("data/libraries.yaml");
    import(&site, &[&card("full"), "--category", "generative"]).expect_code(0);
    let after = site.read("data/creators.yaml");
    assert!(after.starts_with(creators), "{after}");
    assert!(
        after.ends_with("\nacme-lab:\n  name: acme-lab\n"),
        "{after}"
    );
    assert!(
        after.contains("# Added by `modelsite import` for "),
        "{after}"
    );
    assert_eq!(
        site.read("data/libraries.yaml"),
        libraries,
        "transformers was known already"
    );
    let html = built_page(&site, "acme-chat-7b");
    assert!(html.contains(">acme-lab</a>"));
}

#[test]
fn flags_choose_the_creator_and_category() {
    let site = Site::new();
    let categories = site.read("data/categories.yaml");
    let run = import(
        &site,
        &[
            &card("Tiny-Tagger"),
            "--creator",
            "meta",
            "--category",
            "classification",
        ],
    );
    run.expect_code(0);
    assert!(!run.stdout.contains("guessed"), "{}", run.stdout);
    model_yaml(
        &site,
        "tiny-tagger",
        &["creator: meta\ncategory: classification\n"],
    );
    assert_eq!(site.read("data/categories.yaml"), categories);
    site.build().expect_code(0);
    assert!(
        site.read("public/creators/meta/index.html")
            .contains("Tiny Tagger")
    );
}

#[test]
fn a_card_from_standard_input_needs_an_id_or_a_model_index_name() {
    let site = Site::new();
    let text = std::fs::read_to_string(card("Tiny-Tagger")).expect("read the card");
    import_stdin(&site, &[], &text)
        .expect_code(1)
        .expect_stderr("<stdin>:1:1: cannot tell which id to give this model")
        .expect_stderr("pass --id");

    let run = import_stdin(&site, &["--id", "tagger"], &text);
    run.expect_code(0);
    expect_stdout(&run, "imported <stdin> as `tagger`");
    assert!(
        site.read("data/models/tagger.yaml")
            .starts_with("# Imported from standard input by `modelsite import`.\n")
    );

    let named = std::fs::read_to_string(card("license-other")).expect("read the card");
    import_stdin(&site, &[], &named).expect_code(0);
    assert!(site.exists("data/models/acme-bert.yaml"));
    site.build().expect_code(0);
}

#[test]
fn a_card_with_an_error_far_along_a_line_is_reported() {
    let site = Site::new();
    let prompt = "Please agree. ".repeat(5_000);
    let card = format!(
        "---\nlicense: mit\nextra_gated_prompt: {prompt}Terms: apply\n---\n\n# Gated\n\nText.\n"
    );
    let run = import_stdin(&site, &[], &card);
    run.expect_code(1)
        .expect_stderr("mapping values are not allowed")
        .expect_stderr("<stdin>:3:70026")
        .expect_stderr("1 of 1 card was not imported");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn a_card_nested_too_deep_is_refused_at_its_line() {
    let site = Site::new();
    let n = 150_000;
    let card = format!(
        "---\nlicense: mit\ndeep: {}{}\n---\n\nText.\n",
        "{a: ".repeat(n),
        "}".repeat(n)
    );
    import_stdin(&site, &[], &card)
        .expect_code(1)
        .expect_stderr("<stdin>:3:")
        .expect_stderr("the YAML nests lists or maps more than 100 deep");
}

#[test]
fn usage_mistakes_exit_with_2_and_write_nothing() {
    let site = Site::new();
    import(&site, &[&card("Tiny-Tagger"), &card("merge"), "--id", "x"])
        .expect_code(2)
        .expect_stderr("--id names one model, so it takes one card, not 2");
    import(&site, &[&card("Tiny-Tagger"), "--id", "Tiny Tagger"])
        .expect_code(2)
        .expect_stderr("`Tiny Tagger` is not a valid model id")
        .expect_stderr("try `tiny-tagger`");
    for (id, better) in [
        (".", "model"),
        ("..", "model"),
        ("page", "page-model"),
        (".x", "x"),
    ] {
        import(&site, &[&card("Tiny-Tagger"), "--id", id])
            .expect_code(2)
            .expect_stderr(&format!("`{id}` is not a valid model id"))
            .expect_stderr(&format!("try `{better}`"));
    }
    import(&site, &[&card("Tiny-Tagger"), "--creator", "Meta AI"])
        .expect_code(2)
        .expect_stderr(
            "--creator `Meta AI` is neither a creator of data/creators.yaml nor a valid id",
        );
    import(&site, &[]).expect_code(2);
    assert!(!site.exists("data/models/tiny-tagger.yaml"));
    assert!(!site.exists("data/models/x.yaml"));
}

#[test]
fn relative_links_of_a_card_outside_the_hub_cache_become_text() {
    let site = Site::new();
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("Local-Model/README.md");
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("create folder");
    std::fs::write(
        &path,
        "---\npipeline_tag: fill-mask\n---\n\nSee [the config](config.json), ![a plot](plot.png), \
         [the hub page](/google-bert/bert-base-uncased), [usage](#usage) and [gone](#missing).\n\n\
         ## Usage\n\nCall {{ models() }} from Python.\n",
    )
    .expect("write the card");
    let run = import(&site, &[path.to_str().expect("a UTF-8 path")]);
    run.expect_code(0);
    expect_stdout(
        &run,
        "kept only the text of links that would lead nowhere on the model's page (the card's Hub repository is not known",
    );
    let html = built_page(&site, "local-model");
    assert!(html.contains("See the config, a plot, <a href=\"https://huggingface.co/google-bert/bert-base-uncased\">the hub page</a>, <a href=\"#usage\">usage</a> and gone."), "{html}");
    assert!(html.contains("Call {{ models() }} from Python."), "{html}");
}

#[test]
fn help_lists_the_import_command() {
    let out = Command::new(env!("CARGO_BIN_EXE_modelsite"))
        .arg("--help")
        .output()
        .expect("run modelsite");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("import"), "{text}");
    assert!(text.contains("Hugging Face model cards"), "{text}");
}

#[test]
fn a_cards_scripts_styles_frames_and_handlers_are_removed_and_reported() {
    let site = Site::new();
    let run = import(&site, &[&card("hostile-html")]);
    run.expect_code(0);
    expect_stdout(
        &run,
        "removed from the card's HTML, which the site must not run or let restyle its pages: \
         `onerror` attribute of `<img>` at 9:1; \
         `<script>` element and its content at 11:1; \
         `<style>` element and its content at 13:1; \
         `<iframe>` element at 15:1; \
         a Markdown link with an unsafe URL scheme at 17:10; \
         `href` of `<a>` with an unsafe URL scheme at 18:1; \
         `onclick` attribute of `<div>` at 29:1; \
         `style` attribute of `<div>` at 29:1",
    );
    let html = built_page(&site, "hostile-html");
    let prose = &html[html.find("sorts short reviews").expect("the prose")..];
    for gone in [
        "pwned",
        "<script>document",
        "<style>header",
        "<iframe",
        "onerror",
        "onclick",
        "position:fixed",
        "javascript:",
    ] {
        assert!(
            !html.to_lowercase().contains(gone),
            "{gone} published:\n{prose}"
        );
    }
    for kept in [
        "<img src=\"https://cdn.models.test/pushy.png\" width=\"120\" alt=\"logo\">",
        "<details>\n<summary>Scores by split</summary>",
        "<td>0.91<sup>1</sup></td>",
        "<div align=\"center\">Made with care.<br>By a small team.</div>",
        "Read the terms before use, or\n<a>click here</a>.",
    ] {
        assert!(prose.contains(kept), "{kept:?} missing from\n{prose}");
    }
}

#[test]
fn the_sites_own_html_is_kept_sanitized_or_escaped_as_markdown_html_says() {
    let site = Site::new();
    site.write(
        "site/guides/raw.md",
        "---\ntitle: Raw HTML\n---\n\nA <b onclick=\"alert(1)\">bold</b> word and a [bad link](javascript:alert(2)).\n\n<script>window.ours = 1;</script>\n\n<details>\n<summary>More</summary>\n\nHidden text.\n\n</details>\n",
    );
    let page = |site: &Site| {
        site.build().expect_code(0);
        let html = site.read("public/guides/raw/index.html");
        let start = html
            .find("A <b")
            .or_else(|| html.find("A &lt;b"))
            .expect("the prose");
        html[start..start + html[start..].find("Hidden text.").expect("the details") + 12]
            .to_string()
    };
    let kept = page(&site);
    assert!(kept.contains("<b onclick=\"alert(1)\">bold</b>"), "{kept}");
    assert!(kept.contains("<script>window.ours = 1;</script>"), "{kept}");
    assert!(kept.contains("href=\"javascript:alert(2)\""), "{kept}");

    let config = site.read("modelsite.toml");
    site.write(
        "modelsite.toml",
        &format!("{config}\n[markdown]\nhtml = \"sanitize\"\n"),
    );
    let sanitized = page(&site);
    assert!(
        sanitized.contains("A <b>bold</b> word and a bad link."),
        "{sanitized}"
    );
    assert!(!sanitized.contains("<script"), "{sanitized}");
    assert!(
        sanitized.contains("<details>\n<summary>More</summary>"),
        "{sanitized}"
    );

    site.write(
        "modelsite.toml",
        &format!("{config}\n[markdown]\nhtml = \"escape\"\n"),
    );
    let escaped = page(&site);
    assert!(
        escaped.contains("A &lt;b onclick=\"alert(1)\"&gt;bold&lt;/b&gt;"),
        "{escaped}"
    );
    assert!(escaped.contains("&lt;script&gt;window.ours"), "{escaped}");

    site.write(
        "modelsite.toml",
        &format!("{config}\n[markdown]\nhtml = \"clean\"\n"),
    );
    site.build()
        .expect_code(1)
        .expect_stderr("modelsite.toml:")
        .expect_stderr("unknown variant `clean`");
}

#[test]
fn a_trainer_generated_card_shows_its_title_once() {
    let site = Site::new();
    let card = "---\nlicense: apache-2.0\nbase_model: acme-lab/Acme-7B\n---\n\n<!-- This model card has been generated automatically by the training script. Check it, then remove this comment. -->\n\n# acme-7b-sum\n\nA fine-tune of Acme 7B that writes one-line summaries.\n";
    let run = import_stdin(&site, &["--id", "acme-7b-sum"], card);
    run.expect_code(0);
    expect_stdout(
        &run,
        "the card's title `acme-7b-sum` is left out of the prose",
    );
    let html = built_page(&site, "acme-7b-sum");
    assert!(html.contains("<h1>acme-7b-sum</h1>"), "{html}");
    assert_eq!(
        html.matches("acme-7b-sum</").count(),
        1,
        "the title is shown once:\n{html}"
    );
    assert!(html.contains("writes one-line summaries"));
}

#[test]
fn blank_lines_before_the_front_matter_are_read_as_the_hub_reads_them() {
    let site = Site::new();
    let card = "\n\n---\nlicense: apache-2.0\npipeline_tag: translation\nlanguage: [de, en]\ntags: [broken, list\n---\n";
    // The front matter is found, and an error in it is at its own line.
    import_stdin(&site, &["--id", "de-en-small"], card)
        .expect_code(1)
        .expect_stderr("<stdin>:8:1: did not find expected")
        .expect_stderr(" 7 │ tags: [broken, list");
    let card = card.replace("[broken, list", "[wmt]");
    import_stdin(
        &site,
        &["--id", "de-en-small"],
        &format!("{card}\n# DE to EN small\n\nTranslates German into English.\n"),
    )
    .expect_code(0);
    model_yaml(
        &site,
        "de-en-small",
        &[
            "name: DE to EN small\n",
            "tasks: [translation]\n",
            "language: [de, en]\n",
        ],
    );
    assert!(built_page(&site, "de-en-small").contains("Translates German into English."));
}

#[test]
fn a_base_model_with_a_legacy_hub_id_keeps_its_relation() {
    let site = Site::new();
    let card = "---\nlicense: apache-2.0\nbase_model: [distilbert-base-uncased, gpt2]\nbase_model_relation: finetune\n---\n\n# Two legacy bases\n";
    let run = import_stdin(&site, &["--id", "legacy-bases"], card);
    run.expect_code(0);
    expect_stdout(
        &run,
        "base_model `distilbert-base-uncased` is the Hub's old id of `distilbert/distilbert-base-uncased`",
    );
    assert!(
        !run.stdout.contains("not Hub repositories"),
        "{}",
        run.stdout
    );
    model_yaml(
        &site,
        "legacy-bases",
        &["base_model: [distilbert/distilbert-base-uncased, openai-community/gpt2]\n"],
    );
    let html = built_page(&site, "legacy-bases");
    assert!(html.contains("href=\"https://huggingface.co/distilbert/distilbert-base-uncased\""));
    assert!(html.contains("href=\"https://huggingface.co/openai-community/gpt2\""));

    // An id without an owner that is no known Hub id is kept, and said so.
    let run = import_stdin(
        &site,
        &["--id", "local-base"],
        "---\nbase_model: my-own-checkpoint\n---\n",
    );
    run.expect_code(0);
    expect_stdout(
        &run,
        "base_model `my-own-checkpoint` has no owner (`org/name`) and is not a model of this catalog; kept under extra",
    );
}

#[test]
fn an_evaluation_source_keeps_its_name() {
    let site = Site::new();
    let card = "---\nlicense: mit\nmodel-index:\n- name: acme/Board-Topper\n  results:\n  - task: {type: text-generation}\n    dataset: {name: HellaSwag, type: hellaswag}\n    metrics:\n    - {type: acc_norm, value: 81.25}\n    source:\n      name: Open LLM Leaderboard\n      url: https://leaderboard.models.test/board-topper\n---\n";
    import_stdin(&site, &[], card).expect_code(0);
    model_yaml(
        &site,
        "board-topper",
        &[
            "source: https://leaderboard.models.test/board-topper\n    source_name: Open LLM Leaderboard\n",
        ],
    );
    let html = built_page(&site, "board-topper");
    assert!(
        html.contains(
            "<a href=\"https://leaderboard.models.test/board-topper\">Open LLM Leaderboard</a>"
        ),
        "{html}"
    );
    assert_eq!(
        evaluation_rows(&html),
        vec![row("Text generation", "HellaSwag", "acc_norm", "81.25")]
    );
}

#[test]
fn bare_web_addresses_in_a_card_are_links() {
    let site = Site::new();
    let card = "---\nlicense: mit\n---\n\nThe paper is at https://papers.models.test/bare-link, the blog at www.models.test/blog.\n\n```\nhttps://in.code.test/\n```\n";
    import_stdin(&site, &["--id", "bare-links"], card).expect_code(0);
    let html = built_page(&site, "bare-links");
    assert!(html.contains("<a href=\"https://papers.models.test/bare-link\">https://papers.models.test/bare-link</a>, the blog at <a href=\"http://www.models.test/blog\">www.models.test/blog</a>."), "{html}");
    assert!(!html.contains("href=\"https://in.code.test/"), "{html}");
}

#[test]
fn braces_in_a_card_are_copied_without_an_invisible_character() {
    let site = Site::new();
    let card = "---\nlicense: mit\n---\n\nThe prompt template is {{ bos_token }}{{ messages }} and {{ models() }}.\n";
    import_stdin(&site, &["--id", "braces"], card).expect_code(0);
    let html = built_page(&site, "braces");
    assert!(
        html.contains("The prompt template is {{ bos_token }}{{ messages }} and {{ models() }}."),
        "{html}"
    );
    assert!(!html.contains('\u{200b}'));
    assert!(!html.contains("&#8203;"));
}

#[test]
fn a_new_stub_is_reported_once_in_a_batch() {
    let site = Site::new();
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut cards = Vec::new();
    for name in ["owner-less-a", "owner-less-b", "owner-less-c"] {
        let path = dir.path().join(name).join("README.md");
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create folder");
        std::fs::write(&path, "---\nlicense: mit\n---\n\nA model.\n").expect("write the card");
        cards.push(path.to_str().expect("a UTF-8 path").to_string());
    }
    let args: Vec<&str> = cards.iter().map(String::as_str).collect();
    let run = import(&site, &args);
    run.expect_code(0);
    assert_eq!(
        run.stdout
            .matches("creator `unknown` is new: added to data/creators.yaml as a stub")
            .count(),
        1,
        "{}",
        run.stdout
    );
    expect_stdout(&run, "Imported 3 of 3 cards.");
    assert_eq!(
        site.read("data/creators.yaml")
            .matches("\nunknown:")
            .count(),
        1
    );
}

#[test]
fn a_binary_file_on_standard_input_is_counted_as_a_card_not_imported() {
    let site = Site::new();
    let png = [
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff, 0xfe,
    ];
    let run = import_stdin(&site, &["--id", "binary"], &png);
    let (stdout, stderr) = (&run.stdout, &run.stderr);
    assert_eq!(run.code, 1, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("Imported 0 of 1 card; 1 failed."),
        "{stdout}"
    );
    assert!(stderr.contains("<stdin>:1:"), "{stderr}");
    assert!(
        stderr.contains("error: 1 of 1 card was not imported"),
        "{stderr}"
    );
    assert!(!site.exists("data/models/binary.yaml"));
}

#[test]
fn an_alias_bomb_is_reported_at_its_first_alias_with_a_hint() {
    let site = Site::new();
    let mut card = String::from(
        "---\nlicense: mit\nx: &x [\"ha\", \"ha\", \"ha\", \"ha\", \"ha\", \"ha\", \"ha\", \"ha\", \"ha\"]\n",
    );
    for (name, prev) in [
        ("y", "x"),
        ("z", "y"),
        ("w", "z"),
        ("v", "w"),
        ("u", "v"),
        ("t", "u"),
        ("s", "t"),
    ] {
        card.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{prev}"); 9].join(", ")
        ));
    }
    card.push_str("---\n");
    let run = import_stdin(&site, &["--id", "bomb"], &card);
    run.expect_code(1)
        .expect_stderr("<stdin>:4:8: the front matter's aliases (`*name`) repeat their anchors' values more often than the YAML reader allows")
        .expect_stderr("write the values out once");
    assert!(!run.stderr.contains("1:1"), "{}", run.stderr);
}

#[test]
fn a_non_ascii_model_index_name_gives_a_whole_id() {
    let site = Site::new();
    let card = "---\nlicense: mit\nmodel-index:\n- name: acme/ru-модель\n  results: []\n---\n";
    let run = import_stdin(&site, &[], card);
    run.expect_code(0);
    expect_stdout(
        &run,
        "id `ru-model` from the model-index name `acme/ru-модель` (its letters written in ASCII; choose another id with --id)",
    );
    model_yaml(&site, "ru-model", &["name: ru-модель\n"]);
    built_page(&site, "ru-model");
}

#[test]
fn a_card_with_its_task_only_in_tags_gets_the_task_and_its_category() {
    let site = Site::new();
    let card = "---\nlicense: mit\nlanguage: [en]\ntags: [pytorch, summarization, news]\n---\n\n# Short news\n";
    let run = import_stdin(&site, &["--id", "short-news"], card);
    run.expect_code(0);
    expect_stdout(
        &run,
        "guessed: task `summarization` from the tag `summarization`, as the card has no pipeline_tag",
    );
    expect_stdout(
        &run,
        "guessed: category `generative` from the task `summarization`",
    );
    model_yaml(
        &site,
        "short-news",
        &[
            "category: generative\ntasks: [summarization]\n",
            "tags: [pytorch, summarization, news]\n",
        ],
    );
    site.build().expect_code(0);
    assert!(
        site.read("public/tasks/summarization/index.html")
            .contains("Short news")
    );
}

/// The five kinds of GitHub alert, each with a line of its own text.
const ALERTS: &str = "> [!NOTE]\n> Runs on one GPU.\n\n> [!TIP]\n> Quantize it for laptops.\n\n> [!IMPORTANT]\n> Read the licence first.\n\n> [!WARNING]\n> The tokenizer changed in v2.\n\n> [!CAUTION]\n> Do not use it for medical advice.\n";

/// The callouts of a page, as (kind, title, the text after the title).
fn callouts(html: &str) -> Vec<(String, String, String)> {
    html.split("<div class=\"callout callout-")
        .skip(1)
        .map(|rest| {
            let kind = rest[..rest.find('"').expect("a class")].to_string();
            let title_at = rest.find("<p class=\"callout-title\">").expect("a title") + 25;
            let title_end = title_at + rest[title_at..].find("</p>").expect("a closed title");
            let end = rest.find("</div>").expect("a closed callout");
            let body = rest[title_end + 4..end].trim().to_string();
            (kind, rest[title_at..title_end].to_string(), body)
        })
        .collect()
}

#[test]
fn github_alerts_are_titled_callouts_in_cards_and_in_the_sites_own_pages() {
    let site = Site::new();
    site.write(
        "site/guides/alerts.md",
        &format!("---\ntitle: Alerts\n---\n\n{ALERTS}\n> A quote stays a quote.\n"),
    );
    let card = format!("---\nlicense: mit\npipeline_tag: fill-mask\n---\n# Alert BERT\n\n{ALERTS}");
    import_stdin(&site, &["--id", "alert-bert"], &card).expect_code(0);
    let model = built_page(&site, "alert-bert");
    let guide = site.read("public/guides/alerts/index.html");
    let want: Vec<(String, String, String)> = [
        ("note", "Note", "<p>Runs on one GPU.</p>"),
        ("tip", "Tip", "<p>Quantize it for laptops.</p>"),
        ("important", "Important", "<p>Read the licence first.</p>"),
        ("warning", "Warning", "<p>The tokenizer changed in v2.</p>"),
        (
            "caution",
            "Caution",
            "<p>Do not use it for medical advice.</p>",
        ),
    ]
    .iter()
    .map(|(k, t, b)| (k.to_string(), t.to_string(), b.to_string()))
    .collect();
    assert_eq!(callouts(&model), want, "{model}");
    assert_eq!(callouts(&guide), want, "{guide}");
    assert!(guide.contains("<blockquote>\n<p>A quote stays a quote.</p>\n</blockquote>"));
    assert!(!guide.contains("[!NOTE]") && !model.contains("[!NOTE]"));
}

/// The relative luminance of `#rrggbb`, as WCAG defines it.
fn luminance(hex: &str) -> f64 {
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("a hex colour")) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The value of custom property `name` in a block of CSS.
fn property<'a>(css: &'a str, name: &str) -> &'a str {
    let at = css
        .find(&format!("{name}:"))
        .unwrap_or_else(|| panic!("{name} is not set"))
        + name.len()
        + 1;
    css[at..at + css[at..].find(';').expect("a declaration")].trim()
}

#[test]
fn callout_titles_and_text_are_readable_in_light_and_dark_schemes() {
    let site = Site::new();
    site.build().expect_code(0);
    let css = site.read("public/style.css");
    let dark_at = css
        .find("@media (prefers-color-scheme: dark)")
        .expect("a dark scheme");
    for (scheme, block) in [("light", &css[..dark_at]), ("dark", &css[dark_at..])] {
        for bg in ["--bg", "--bg-soft"] {
            let background = property(block, bg);
            for kind in ["note", "tip", "important", "warning", "caution"] {
                let title = property(block, &format!("--callout-{kind}"));
                let ratio = contrast(title, background);
                assert!(
                    ratio >= 4.5,
                    "{scheme}: the {kind} title {title} on {bg} {background} is {ratio:.2}:1"
                );
            }
            let text = property(block, "--fg");
            assert!(contrast(text, background) >= 4.5, "{scheme}: text on {bg}");
        }
    }
    for kind in ["tip", "important", "warning", "caution"] {
        assert!(css.contains(&format!(
            ".callout-{kind} {{ --callout: var(--callout-{kind}); }}"
        )));
    }
    assert!(css.contains(".callout {\n  --callout: var(--callout-note);"));
    assert!(css.contains("color: var(--fg);"));
}
