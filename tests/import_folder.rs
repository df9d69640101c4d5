//! `modelsite import DIR` on folders of cards: the Hugging Face cache and
//! the `org/name/README.md` tree, what a second run and `--update` do, how
//! one bad card is reported among good ones, and that nothing outside the
//! folder is read nor anything outside the site written.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use common::{Run, Site};

/// A folder of cards, removed with the test.
struct Cards {
    dir: tempfile::TempDir,
}

impl Cards {
    fn new() -> Cards {
        Cards {
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn arg(&self, rel: &str) -> String {
        self.path(rel).display().to_string()
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create a folder");
        std::fs::write(&path, text).expect("write a card");
        path
    }

    /// A model of the cache at `models--<org>--<name>`, one snapshot per
    /// (revision, card), each README.md a link into `blobs/` as the Hub's
    /// client makes it; `main` is what refs/main names, if anything.
    fn cached(&self, hub: &str, repo: &str, snapshots: &[(&str, &str)], main: Option<&str>) {
        let entry = format!("{hub}/models--{}", repo.replacen('/', "--", 1));
        for (i, (rev, text)) in snapshots.iter().enumerate() {
            let blob = format!("{entry}/blobs/{i:040x}");
            self.write(&blob, text);
            let snapshot = self.path(&format!("{entry}/snapshots/{rev}"));
            std::fs::create_dir_all(&snapshot).expect("a snapshot folder");
            std::os::unix::fs::symlink(format!("../../blobs/{i:040x}"), snapshot.join("README.md"))
                .expect("link the card into blobs");
        }
        if let Some(rev) = main {
            self.write(&format!("{entry}/refs/main"), rev);
        }
    }
}

/// A card with a licence, a task, a title and a line of prose.
fn card(license: &str, task: &str, title: &str, prose: &str) -> String {
    format!(
        "---\nlicense: {license}\npipeline_tag: {task}\nlibrary_name: transformers\n---\n\n# {title}\n\n{prose}\n"
    )
}

fn import(site: &Site, args: &[&str]) -> Run {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    site.run(&all)
}

fn expect_stdout(run: &Run, needle: &str) {
    run.expect_stdout(needle);
}

/// Checks that the site's file `rel` holds every one of `parts`.
fn file_has(site: &Site, rel: &str, parts: &[&str]) {
    let text = site.read(rel);
    for part in parts {
        assert!(text.contains(part), "{part:?} missing from {rel}:\n{text}");
    }
}

/// The site's model files, by id.
fn model_ids(site: &Site) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(site.path("data/models"))
        .expect("the models folder")
        .filter_map(Result::ok)
        .map(|e| {
            e.file_name()
                .to_string_lossy()
                .trim_end_matches(".yaml")
                .to_string()
        })
        .collect();
    ids.sort();
    ids
}

fn set_modified(dir: &Path, secs_ago: u64) {
    let when = SystemTime::now() - Duration::from_secs(secs_ago);
    std::fs::File::open(dir)
        .and_then(|f| f.set_modified(when))
        .expect("set a folder's time");
}

#[test]
fn a_hugging_face_cache_imports_the_card_of_the_snapshot_refs_main_names_else_the_newest() {
    let site = Site::new();
    let cards = Cards::new();
    cards.cached(
        "hub",
        "acme-lab/Acme-Base",
        &[
            (
                "1111aaaa",
                &card("mit", "fill-mask", "Acme Base", "The old card."),
            ),
            (
                "2222bbbb",
                &card(
                    "apache-2.0",
                    "fill-mask",
                    "Acme Base",
                    "The card of main. See the [config](config.json).",
                ),
            ),
            (
                "3333cccc",
                &card("gpl-3.0", "fill-mask", "Acme Base", "A branch's card."),
            ),
        ],
        Some("2222bbbb"),
    );
    cards.cached(
        "hub",
        "tinyorg/Tiny-Voice",
        &[
            (
                "aaaa",
                &card("mit", "text-to-speech", "Tiny Voice", "Older."),
            ),
            (
                "bbbb",
                &card(
                    "cc-by-4.0",
                    "text-to-speech",
                    "Tiny Voice",
                    "Newest snapshot.",
                ),
            ),
        ],
        None,
    );
    set_modified(
        &cards.path("hub/models--tinyorg--Tiny-Voice/snapshots/aaaa"),
        3600,
    );
    set_modified(
        &cards.path("hub/models--tinyorg--Tiny-Voice/snapshots/bbbb"),
        60,
    );
    // Weights without their card, and a dataset: neither is a model card.
    std::fs::create_dir_all(cards.path("hub/models--acme-lab--No-Card/snapshots/9999/")).unwrap();
    cards.write(
        "hub/models--acme-lab--No-Card/snapshots/9999/config.json",
        "{}",
    );
    cards.write(
        "hub/datasets--acme-lab--dialogues/snapshots/1/README.md",
        "---\nlicense: mit\n---\n",
    );
    cards.write("hub/version.txt", "1");

    // The folder above hub/ is read as the cache too.
    let run = import(&site, &[&cards.arg("")]);
    run.expect_code(0);
    expect_stdout(&run, "Imported 2 of 2 cards.\n");
    expect_stdout(&run, "1 folder or file held no card to read");
    expect_stdout(
        &run,
        "hub/models--acme-lab--No-Card: no snapshot holds a README.md (the model was downloaded without its card)",
    );
    assert!(
        !run.stdout.contains("imported "),
        "a folder prints its summary only:\n{}",
        run.stdout
    );
    assert_eq!(
        model_ids(&site),
        [
            "acme-base",
            "bert-base-uncased",
            "biobert",
            "llama",
            "llama-2",
            "tiny-voice"
        ]
    );
    // The card of the snapshot refs/main names.
    file_has(
        &site,
        "data/models/acme-base.yaml",
        &[
            "creator: acme-lab\n",
            "license: apache-2.0\n",
            "url: https://huggingface.co/acme-lab/Acme-Base\n",
            "snapshots/2222bbbb/README.md by `modelsite import`",
        ],
    );
    // The newest snapshot, without refs/main.
    file_has(
        &site,
        "data/models/tiny-voice.yaml",
        &["license: cc-by-4.0\n"],
    );

    site.build().expect_code(0);
    // Links into the repository point at the Hub.
    file_has(
        &site,
        "public/models/acme-base/index.html",
        &[
            "The card of main.",
            "href=\"https://huggingface.co/acme-lab/Acme-Base/blob/main/config.json\"",
        ],
    );

    let run = import(&site, &[&cards.arg(""), "-v"]);
    run.expect_code(0);
    expect_stdout(
        &run,
        "Imported 0 of 2 cards; 2 skipped.\n  skipped 2: unchanged since their import\n",
    );
    expect_stdout(
        &run,
        "snapshots/2222bbbb/README.md: unchanged since it was imported as `acme-base`",
    );
}

#[test]
fn a_tree_of_owner_and_name_folders_gives_each_card_its_repository_and_id() {
    let site = Site::new();
    let cards = Cards::new();
    // The model-index name is the base model's, as in many fine-tunes.
    cards.write(
        "acme-lab/Acme-Chat/README.md",
        "---\nlicense: mit\npipeline_tag: text-generation\nmodel-index:\n- name: Acme-Base\n  results: []\n---\n# Acme Chat\n\nTalks. Read the [licence](LICENSE).\n",
    );
    cards.write(
        "acme-lab/Acme-Tagger/README.md",
        &card("mit", "token-classification", "Acme Tagger", "Tags words."),
    );
    cards.write(
        "Loner/README.md",
        &card(
            "mit",
            "fill-mask",
            "Loner",
            "No owner in its path. A [file](notes.md).",
        ),
    );
    cards.write("acme-lab/Weights-Only/model.safetensors", "not a card");
    cards.write("notes.txt", "not a folder");

    let run = import(&site, &[&cards.arg(""), "--verbose"]);
    run.expect_code(0);
    expect_stdout(&run, "Imported 3 of 3 cards.\n");
    expect_stdout(
        &run,
        "id `acme-chat` from the repository `acme-lab/Acme-Chat`, as the card's path names it",
    );
    expect_stdout(&run, "no card in ");
    expect_stdout(&run, "acme-lab/Weights-Only: no README.md");
    assert_eq!(
        model_ids(&site),
        [
            "acme-chat",
            "acme-tagger",
            "bert-base-uncased",
            "biobert",
            "llama",
            "llama-2",
            "loner"
        ]
    );
    file_has(
        &site,
        "data/models/acme-chat.yaml",
        &[
            "creator: acme-lab\n",
            "https://huggingface.co/acme-lab/Acme-Chat\n",
        ],
    );
    file_has(&site, "data/models/loner.yaml", &["creator: unknown\n"]);
    assert!(!site.read("data/models/loner.yaml").contains("sources:"));
    site.build().expect_code(0);
    file_has(
        &site,
        "public/models/acme-chat/index.html",
        &["href=\"https://huggingface.co/acme-lab/Acme-Chat/blob/main/LICENSE\""],
    );
}

#[test]
fn two_owners_with_one_model_name_get_ids_that_tell_them_apart() {
    let site = Site::new();
    let cards = Cards::new();
    let whisper = |prose| {
        card(
            "mit",
            "automatic-speech-recognition",
            "Whisper tiny German",
            prose,
        )
    };
    cards.write("alpha/whisper-tiny-de/README.md", &whisper("By alpha."));
    cards.write("beta/whisper-tiny-de/README.md", &whisper("By beta."));
    let run = import(&site, &[&cards.arg(""), "-v"]);
    run.expect_code(0);
    expect_stdout(&run, "Imported 2 of 2 cards.\n");
    expect_stdout(
        &run,
        "id `beta-whisper-tiny-de` (the owner's name, then the model's), as `whisper-tiny-de` is the model of ",
    );
    file_has(&site, "site/models/whisper-tiny-de.md", &["By alpha."]);
    file_has(&site, "site/models/beta-whisper-tiny-de.md", &["By beta."]);
    // A second run finds each card's own model again.
    import(&site, &[&cards.arg("")]).expect_code(0);
    cards.write(
        "beta/whisper-tiny-de/README.md",
        &whisper("By beta, again."),
    );
    let run = import(&site, &[&cards.arg(""), "--update"]);
    run.expect_code(0);
    expect_stdout(&run, "Imported 1 of 2 cards (1 updated); 1 skipped.\n");
    file_has(
        &site,
        "site/models/beta-whisper-tiny-de.md",
        &["By beta, again."],
    );
    file_has(&site, "site/models/whisper-tiny-de.md", &["By alpha."]);
}

#[test]
fn a_changed_card_is_left_alone_until_update_which_keeps_the_users_edits() {
    let site = Site::new();
    let cards = Cards::new();
    cards.write(
        "acme-lab/Acme-Embed/README.md",
        &card(
            "mit",
            "sentence-similarity",
            "Acme Embed",
            "Embeds sentences.",
        ),
    );
    cards.write(
        "acme-lab/Acme-Rank/README.md",
        &card("mit", "text-classification", "Acme Rank", "Ranks passages."),
    );
    import(&site, &[&cards.arg("")]).expect_code(0);

    // The user completes one model and rewrites the other's prose.
    let embed = site.read("data/models/acme-embed.yaml");
    site.write(
        "data/models/acme-embed.yaml",
        &format!(
            "{}parameters: 22M\n",
            embed.replace("category: embedding", "category: classification")
        ),
    );
    site.write(
        "site/models/acme-rank.md",
        "My own description of the ranker.\n",
    );
    // Both cards change upstream.
    cards.write(
        "acme-lab/Acme-Embed/README.md",
        &card(
            "apache-2.0",
            "sentence-similarity",
            "Acme Embed",
            "Embeds sentences and queries.",
        ),
    );
    cards.write(
        "acme-lab/Acme-Rank/README.md",
        &card(
            "apache-2.0",
            "text-classification",
            "Acme Rank",
            "Ranks passages well.",
        ),
    );

    let run = import(&site, &[&cards.arg("")]);
    run.expect_code(0);
    expect_stdout(&run, "Imported 0 of 2 cards; 2 skipped.\n");
    expect_stdout(
        &run,
        "  skipped 2: changed since their import, left as they are (--update brings in the changes",
    );
    expect_stdout(&run, "acme-lab/Acme-Embed/README.md (`acme-embed`)");
    file_has(&site, "data/models/acme-embed.yaml", &["license: mit\n"]);

    let run = import(&site, &[&cards.arg(""), "--update", "-v"]);
    run.expect_code(0);
    expect_stdout(&run, "Imported 2 of 2 cards (2 updated).\n");
    expect_stdout(
        &run,
        "data/models/acme-embed.yaml was edited since its import; replaced with what the card sets: `license` was mit, now apache-2.0",
    );
    expect_stdout(
        &run,
        "kept what data/models/acme-embed.yaml says and the card does not set or only guesses: `category`, `parameters` (the file's comments are not kept)",
    );
    expect_stdout(
        &run,
        "site/models/acme-rank.md was edited since its import and is kept as it is, though the card's prose changed",
    );
    file_has(
        &site,
        "data/models/acme-embed.yaml",
        &[
            "license: apache-2.0\n",
            "category: classification\n",
            "parameters: 22M\n",
        ],
    );
    assert_eq!(
        site.read("site/models/acme-embed.md"),
        "Embeds sentences and queries.\n"
    );
    assert_eq!(
        site.read("site/models/acme-rank.md"),
        "My own description of the ranker.\n"
    );
    file_has(
        &site,
        "data/models/acme-rank.yaml",
        &["license: apache-2.0\n"],
    );

    // What was updated is now the card's import: nothing is left to do.
    let run = import(&site, &[&cards.arg(""), "--update"]);
    expect_stdout(
        &run,
        "Imported 0 of 2 cards; 2 skipped.\n  skipped 2: unchanged since their import\n",
    );
    site.build().expect_code(0);
    // The user's parameters are shown.
    file_has(&site, "public/models/acme-embed/index.html", &["22M"]);
}

#[test]
fn a_bad_card_among_good_ones_is_named_with_its_line_and_column_and_fails_the_run() {
    let site = Site::new();
    let cards = Cards::new();
    cards.write(
        "acme-lab/Good-One/README.md",
        &card("mit", "fill-mask", "Good One", "Fine."),
    );
    cards.write(
        "acme-lab/Broken/README.md",
        "---\nlicense: mit\ntags: [a, b\npipeline_tag: fill-mask\n---\n# Broken\n",
    );
    cards.write(
        "acme-lab/No-Front/README.md",
        "# Just prose\n\nNo metadata.\n",
    );
    cards.write(
        "acme-lab/Good-Two/README.md",
        &card("mit", "fill-mask", "Good Two", "Fine too."),
    );
    let run = import(&site, &[&cards.arg("")]);
    run.expect_code(1)
        .expect_stderr("acme-lab/Broken/README.md:4:")
        .expect_stderr("acme-lab/No-Front/README.md:1:1: the card has no front matter")
        .expect_stderr("error: 2 of 4 cards were not imported");
    expect_stdout(&run, "Imported 2 of 4 cards; 2 failed.\n");
    expect_stdout(
        &run,
        "  failed 2: each is reported above with its file, line and column",
    );
    assert!(site.exists("data/models/good-one.yaml") && site.exists("data/models/good-two.yaml"));
    assert!(!site.exists("data/models/broken.yaml"));
}

#[test]
fn links_that_leave_the_folder_and_files_that_are_not_cards_are_skipped_and_said_so() {
    let site = Site::new();
    let cards = Cards::new();
    let outside = Cards::new();
    outside.write(
        "secret/README.md",
        &card("mit", "fill-mask", "Secret", "Outside the folder."),
    );
    outside.write(
        "elsewhere/Model/README.md",
        &card("mit", "fill-mask", "Elsewhere", "Outside."),
    );
    cards.write(
        "acme-lab/Inside/README.md",
        &card("mit", "fill-mask", "Inside", "In the folder."),
    );
    std::fs::create_dir_all(cards.path("acme-lab/Linked-Out")).unwrap();
    std::os::unix::fs::symlink(
        outside.path("secret/README.md"),
        cards.path("acme-lab/Linked-Out/README.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path("elsewhere"), cards.path("other-org")).unwrap();
    // A link inside the folder is followed.
    std::os::unix::fs::symlink(
        cards.path("acme-lab/Inside"),
        cards.path("acme-lab/Inside-Again"),
    )
    .unwrap();
    // A pipe named README.md would block a reader forever.
    std::fs::create_dir_all(cards.path("acme-lab/Pipe")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(cards.path("acme-lab/Pipe/README.md"))
        .status()
        .expect("mkfifo");
    assert!(status.success());

    let run = import(&site, &[&cards.arg(""), "-v"]);
    run.expect_code(0);
    expect_stdout(&run, "Imported 2 of 2 cards.\n");
    expect_stdout(&run, "acme-lab/Linked-Out/README.md: a symbolic link to ");
    expect_stdout(&run, "other-org: a symbolic link to ");
    expect_stdout(&run, "; not followed");
    expect_stdout(&run, "acme-lab/Pipe/README.md: not a regular file");
    // Named on its own, the pipe is refused too, rather than waited on.
    import(&site, &[&cards.arg("acme-lab/Pipe/README.md")])
        .expect_code(1)
        .expect_stderr(
            "Pipe/README.md:1:1: this is not a regular file (a pipe, a socket or a device)",
        );
    assert!(site.exists("data/models/inside.yaml") && site.exists("data/models/inside-again.yaml"));
    assert!(!site.exists("data/models/linked-out.yaml") && !site.exists("data/models/model.yaml"));
}

#[test]
fn the_import_writes_nothing_outside_the_site_folder() {
    let site = Site::new();
    let cards = Cards::new();
    let outside = Cards::new();
    cards.write(
        "acme-lab/Escape/README.md",
        &card("mit", "fill-mask", "Escape", "Where does it go?"),
    );
    std::fs::create_dir_all(outside.path("prose")).unwrap();
    std::fs::remove_dir_all(site.path("site/models")).unwrap();
    std::os::unix::fs::symlink(outside.path("prose"), site.path("site/models")).unwrap();
    let run = import(&site, &[&cards.arg("")]);
    run.expect_code(1)
        .expect_stderr("not written: site/models/escape.md would lead out of the site folder");
    assert_eq!(std::fs::read_dir(outside.path("prose")).unwrap().count(), 0);
}

#[test]
fn a_folder_without_cards_says_where_cards_are_looked_for() {
    let site = Site::new();
    let cards = Cards::new();
    cards.write(
        "deep/er/still/README.md",
        &card("mit", "fill-mask", "Too deep", "x"),
    );
    let run = import(&site, &[&cards.arg("")]);
    run.expect_code(1)
        .expect_stderr("no model card found in ")
        .expect_stderr("models--<org>--<name>")
        .expect_stderr("<org>/<name>/README.md");
}

#[test]
fn flags_that_cannot_apply_to_a_folder_are_usage_errors() {
    let site = Site::new();
    let cards = Cards::new();
    cards.write("a/One/README.md", &card("mit", "fill-mask", "One", "x"));
    cards.write("a/Two/README.md", &card("mit", "fill-mask", "Two", "x"));
    import(&site, &[&cards.arg(""), "--id", "one"])
        .expect_code(2)
        .expect_stderr("--id names one model, so it takes one card, not 2");
    import(&site, &[&cards.arg(""), "--update", "--force"])
        .expect_code(2)
        .expect_stderr("cannot be used with");
    assert_eq!(model_ids(&site).len(), 4, "nothing was written");
}

#[test]
fn no_progress_bar_is_drawn_when_standard_error_is_not_a_terminal() {
    let site = Site::new();
    let cards = Cards::new();
    for i in 0..40 {
        cards.write(
            &format!("org/m{i}/README.md"),
            &card("mit", "fill-mask", &format!("M {i}"), "x"),
        );
    }
    let run = import(&site, &[&cards.arg("")]);
    run.expect_code(0);
    assert_eq!(run.stderr, "", "nothing but errors goes to standard error");
    expect_stdout(&run, "Imported 40 of 40 cards.\n");
}

#[test]
fn a_card_given_again_unchanged_is_skipped_without_an_error() {
    let site = Site::new();
    let cards = Cards::new();
    let path = cards.write(
        "Solo/README.md",
        &card("mit", "fill-mask", "Solo", "Alone."),
    );
    let arg = path.display().to_string();
    import(&site, &[&arg]).expect_code(0);
    let run = import(&site, &[&arg]);
    run.expect_code(0);
    expect_stdout(&run, "skipped ");
    expect_stdout(
        &run,
        "Solo/README.md: unchanged since it was imported as `solo`",
    );
}

#[test]
fn update_merges_a_card_into_a_model_written_by_hand_and_names_what_it_replaced() {
    let site = Site::new();
    let cards = Cards::new();
    let path = cards.write(
        "google-bert/bert-base-uncased/README.md",
        "---\nlicense: mit\npipeline_tag: fill-mask\nlanguage: en\n---\n# BERT base model (uncased)\n\nA card's own words.\n",
    );
    let arg = path.display().to_string();
    let run = import(&site, &[&arg]);
    run.expect_code(1)
        .expect_stderr("the site already has a model `bert-base-uncased`")
        .expect_stderr("--update to bring the card's fields into it");

    let run = import(&site, &[&arg, "--update"]);
    run.expect_code(0);
    expect_stdout(&run, "updated `bert-base-uncased` from ");
    expect_stdout(
        &run,
        "replaced with what the card sets: `name` was BERT base uncased, now BERT base model (uncased); `license` was apache-2.0, now mit",
    );
    file_has(
        &site,
        "data/models/bert-base-uncased.yaml",
        &[
            "summary: An encoder.\n",
            "creator: google\n",
            "parameters: 110M\n",
            "released: \"2018-10\"\n",
            "metric: F1\n",
            "license: mit\n",
            "language: [en]\n",
        ],
    );
    // The hand-written prose is kept.
    file_has(
        &site,
        "site/models/bert-base-uncased.md",
        &["Trained on books"],
    );
    assert!(
        !site.read("data/creators.yaml").contains("google-bert"),
        "no stub for a guess that was not taken"
    );
    site.build().expect_code(0);
}

#[test]
fn a_repository_named_like_a_path_of_the_site_gets_an_id_of_its_own() {
    let site = Site::new();
    let cards = Cards::new();
    cards.write(
        "acme-lab/page/README.md",
        &card("mit", "fill-mask", "Page", "x"),
    );
    let run = import(&site, &[&cards.arg(""), "-v"]);
    run.expect_code(0);
    expect_stdout(&run, "as `page-model`");
    site.build().expect_code(0);
    assert!(site.exists("public/models/page-model/index.html"));
}
