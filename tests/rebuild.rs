//! Incremental rebuilds give exactly the output of a clean build.
//!
//! Random sequences of edits (models, prose, pages, data files, templates,
//! static files, the configuration; created, changed, renamed, deleted,
//! broken and mended) are applied to a site; after each one the rebuild
//! is compared, file by file and byte by byte, with a clean build of the
//! same files into another folder. When the clean build fails, the rebuild
//! must fail too and leave the output folder as it was.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::Site;
use modelsite::build::{BuildOptions, build};
use modelsite::rebuild::Session;

/// A small deterministic random number generator (xorshift64*), so that a
/// failing sequence can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const IDS: [&str; 6] = [
    "bert-base-uncased",
    "biobert",
    "llama",
    "llama-2",
    "new-one",
    "other-one",
];
const NAMES: [&str; 5] = ["Alpha", "BERT base uncased", "Zeta model", "Llama 2", "Mid"];
const CREATORS: [&str; 3] = ["google", "meta", "meta"];
const CATEGORIES: [&str; 3] = ["classification", "generative", "embedding"];
const TASKS: [&str; 4] = [
    "fill-mask",
    "text-generation",
    "feature-extraction",
    "text2text-generation",
];
const GUIDES: [&str; 3] = ["choosing", "storage", "extra"];

/// Every file under `dir`, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walk(dir) {
        let name = entry
            .strip_prefix(dir)
            .expect("inside")
            .to_string_lossy()
            .into_owned();
        out.insert(name, std::fs::read(&entry).expect("read file"));
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files
}

/// Folders under `dir` that hold nothing (a clean build never leaves one).
fn empty_folders(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries: Vec<PathBuf> = std::fs::read_dir(&d)
            .map(|e| e.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        if entries.is_empty() && d != dir {
            out.push(d.clone());
        }
        stack.extend(entries.into_iter().filter(|p| p.is_dir()));
    }
    out
}

fn model_yaml(rng: &mut Rng) -> String {
    if rng.chance(5) {
        return "name: [unclosed\n".to_string();
    }
    let mut y = format!(
        "name: {}\ncreator: {}\ncategory: {}\ntasks: [{}]\n",
        rng.pick(&NAMES),
        if rng.chance(5) {
            "nobody"
        } else {
            rng.pick(&CREATORS)
        },
        rng.pick(&CATEGORIES),
        rng.pick(&TASKS)
    );
    if rng.chance(60) {
        y.push_str(&format!(
            "summary: Summary {} <b>bold</b>.\n",
            rng.below(100)
        ));
    }
    if rng.chance(50) {
        y.push_str(&format!(
            "parameters: {}\n",
            rng.pick(&["110M", "7B", "65B", "1.8T"])
        ));
    }
    if rng.chance(50) {
        y.push_str(&format!(
            "released: \"{}\"\n",
            rng.pick(&["2018-10", "2023", "2023-07-18", "2024-01"])
        ));
    }
    if rng.chance(50) {
        y.push_str(&format!(
            "license: {}\n",
            rng.pick(&["apache-2.0", "mit", "llama2", "openrail++"])
        ));
    }
    if rng.chance(40) {
        y.push_str(&format!(
            "access: {}\n",
            rng.pick(&["open-weights", "gated", "api"])
        ));
    }
    if rng.chance(40) {
        y.push_str(&format!(
            "modalities: [{}]\ndomain: [{}]\n",
            rng.pick(&["text", "text, image", "audio"]),
            rng.pick(&["general", "code", "biomedical, code"])
        ));
    }
    if rng.chance(30) {
        y.push_str(&format!("base_model: {}\n", rng.pick(&IDS)));
    }
    if rng.chance(20) {
        y.push_str(&format!("new_version: {}\n", rng.pick(&IDS)));
    }
    if rng.chance(30) {
        y.push_str("libraries: [transformers]\nsources:\n  - source: huggingface\n    url: https://hub.models.test/x\n");
    }
    if rng.chance(30) {
        y.push_str(&format!(
            "evaluations:\n  - {{task: qa, dataset: SQuAD, metric: F1, value: {}}}\n",
            rng.below(100)
        ));
    }
    y
}

fn prose(rng: &mut Rng) -> String {
    let mut md = String::new();
    if rng.chance(30) {
        md.push_str("---\ntitle: Prose\n---\n\n");
    }
    md.push_str(&format!("## Notes {}\n\nText.\n\n", rng.below(3)));
    if rng.chance(50) {
        md.push_str(&format!(
            "See [a model](@/models/{}.md).\n\n",
            rng.pick(&IDS)
        ));
    }
    if rng.chance(30) {
        md.push_str(&format!(
            "See [a guide](@/guides/{}.md#{}).\n\n",
            rng.pick(&GUIDES),
            rng.pick(&["size", "notes-0", "gone"])
        ));
    }
    if rng.chance(20) {
        md.push_str(&format!(
            "{{{{ models(category=\"{}\") }}}}\n\n",
            rng.pick(&CATEGORIES)
        ));
    }
    md
}

fn guide(rng: &mut Rng) -> String {
    let mut md = format!(
        "---\ntitle: Guide {}\nweight: {}\n",
        rng.below(4),
        rng.below(3)
    );
    if rng.chance(20) {
        md.push_str("aliases: [old-guide/]\n");
    }
    if rng.chance(5) {
        md.push_str("template: missing.html\n");
    }
    md.push_str("---\n\n");
    if rng.chance(70) {
        md.push_str("## Size\n\nBig or small.\n\n");
    }
    if rng.chance(40) {
        md.push_str(&format!(
            "Compare [it](@/models/{}.md).\n\n",
            rng.pick(&IDS)
        ));
    }
    if rng.chance(30) {
        md.push_str(&format!(
            "{{{{ models(creator=\"{}\") }}}}\n\n",
            rng.pick(&CREATORS)
        ));
    }
    if rng.chance(20) {
        md.push_str("```rust\nfn main() {}\n```\n");
    }
    md
}

/// Applies one random edit; returns the paths it touched (relative).
fn edit(site: &Site, rng: &mut Rng) -> (String, Vec<String>) {
    let model = |id: &str| format!("data/models/{id}.yaml");
    match rng.below(19) {
        17 | 18 => {
            // Only the facts that leave the model in its place (the date,
            // access, modalities, domains, size, summary): the rebuild
            // patches the last catalog instead of resolving the site.
            let id = rng.pick(&IDS);
            let file = model(id);
            let Ok(text) = std::fs::read_to_string(site.path(&file)) else {
                return (format!("facts of missing model {id}"), vec![]);
            };
            let facts = [
                "released:",
                "access:",
                "modalities:",
                "domain:",
                "parameters:",
                "summary:",
            ];
            let mut kept: String = text
                .lines()
                .filter(|l| !facts.iter().any(|f| l.starts_with(f)))
                .map(|l| format!("{l}\n"))
                .collect();
            for line in model_yaml(rng).lines() {
                if facts.iter().any(|f| line.starts_with(f)) {
                    kept.push_str(line);
                    kept.push('\n');
                }
            }
            site.write(&file, &kept);
            (format!("facts of model {id}"), vec![file])
        }
        0..=3 => {
            let id = rng.pick(&IDS);
            site.write(&model(id), &model_yaml(rng));
            (format!("write model {id}"), vec![model(id)])
        }
        4 => {
            let id = rng.pick(&IDS);
            if site.exists(&model(id)) {
                site.remove(&model(id));
            }
            (format!("delete model {id}"), vec![model(id)])
        }
        5 => {
            let (from, to) = (rng.pick(&IDS), rng.pick(&IDS));
            if from != to && site.exists(&model(from)) {
                std::fs::rename(site.path(&model(from)), site.path(&model(to))).expect("rename");
            }
            (
                format!("rename model {from} to {to}"),
                vec![model(from), model(to)],
            )
        }
        6 | 7 => {
            let id = rng.pick(&IDS);
            let file = format!("site/models/{id}.md");
            if rng.chance(25) && site.exists(&file) {
                site.remove(&file);
                (format!("delete prose {id}"), vec![file])
            } else {
                site.write(&file, &prose(rng));
                (format!("write prose {id}"), vec![file])
            }
        }
        8 | 9 => {
            let g = rng.pick(&GUIDES);
            let file = format!("site/guides/{g}.md");
            if rng.chance(20) && site.exists(&file) {
                site.remove(&file);
                (format!("delete guide {g}"), vec![file])
            } else {
                site.write(&file, &guide(rng));
                (format!("write guide {g}"), vec![file])
            }
        }
        10 => {
            let (from, to) = (rng.pick(&GUIDES), rng.pick(&GUIDES));
            let (a, b) = (
                format!("site/guides/{from}.md"),
                format!("site/guides/{to}.md"),
            );
            if from != to && site.exists(&a) {
                std::fs::rename(site.path(&a), site.path(&b)).expect("rename");
            }
            (format!("rename guide {from} to {to}"), vec![a, b])
        }
        11 => {
            let text = match rng.below(4) {
                0 => {
                    "classification:\n  name: Classifiers\ngenerative:\n  name: Generators\nembedding:\n  name: Embedders\n"
                }
                1 => {
                    "classification:\n  name: Classification models\ngenerative:\n  name: Generative models\n"
                }
                2 => "classification: [broken\n",
                _ => {
                    "classification:\n  name: Classification models\n  description: Label things.\ngenerative:\n  name: Generative models\nembedding:\n  name: Embedding models\n"
                }
            };
            site.write("data/categories.yaml", text);
            (
                "edit categories".to_string(),
                vec!["data/categories.yaml".to_string()],
            )
        }
        12 => {
            let name = rng.pick(&["Google", "Google DeepMind", "Alphabet"]);
            site.write(
                "data/creators.yaml",
                &format!("google:\n  name: {name}\n  kind: company\nmeta:\n  name: Meta AI\n  kind: lab\n"),
            );
            site.write("data/extra.yaml", &format!("note: {}\n", rng.below(10)));
            (
                "edit creators and other data".to_string(),
                vec![
                    "data/creators.yaml".to_string(),
                    "data/extra.yaml".to_string(),
                ],
            )
        }
        13 => {
            let file = "templates/partials/model_row.html";
            if rng.chance(50) {
                site.write(
                    file,
                    &format!("<tr><th scope=\"row\"><a href=\"{{{{ m.url }}}}\">{{{{ m.name }}}}</a> {}</th></tr>", rng.below(5)),
                );
            } else if site.exists(file) {
                site.remove(file);
            }
            ("template: model row".to_string(), vec![file.to_string()])
        }
        14 => {
            let file = "templates/404.html";
            match rng.below(3) {
                0 => site.write(
                    file,
                    "<!doctype html><title>Lost</title><p>Lost {{ config.title }}.</p>\n",
                ),
                1 => site.write(file, "<p>{% if %}</p>\n"),
                _ => {
                    if site.exists(file) {
                        site.remove(file);
                    }
                }
            }
            ("template: 404".to_string(), vec![file.to_string()])
        }
        15 => {
            let file = if rng.chance(50) {
                "static/style.css"
            } else {
                "static/notes.txt"
            };
            site.write(
                file,
                &format!("/* {} */\nbody {{ color: #222; }}\n", rng.below(5)),
            );
            (format!("static {file}"), vec![file.to_string()])
        }
        _ => {
            site.write(
                "modelsite.toml",
                &format!(
                    "title = \"Atlas {}\"\nbase_url = \"{}\"\n[feed]\nlimit = {}\n[catalog]\npage_size = {}\n[link_check]\nexternal = false\n",
                    rng.below(3),
                    common::BASE_URL,
                    1 + rng.below(3),
                    1 + rng.below(3)
                ),
            );
            (
                "edit config".to_string(),
                vec!["modelsite.toml".to_string()],
            )
        }
    }
}

/// The files an edit may touch, as they were before it.
type Backup = Vec<(String, Option<Vec<u8>>)>;

/// Applies one random edit, keeping what its files held before.
fn edit_with_backup(site: &Site, rng: &mut Rng) -> (String, Vec<String>, Backup) {
    let watched = all_files(site);
    let before: Vec<(String, Option<Vec<u8>>)> = watched
        .iter()
        .map(|rel| (rel.clone(), std::fs::read(site.path(rel)).ok()))
        .collect();
    let (what, touched) = edit(site, rng);
    let mut backup: Backup = before
        .into_iter()
        .filter(|(rel, _)| touched.contains(rel))
        .collect();
    for rel in &touched {
        if !backup.iter().any(|(r, _)| r == rel) {
            backup.push((rel.clone(), None));
        }
    }
    (what, touched, backup)
}

/// Every file of the site outside the output folder, relative.
fn all_files(site: &Site) -> Vec<String> {
    walk(site.root())
        .into_iter()
        .filter_map(|p| {
            let rel = p
                .strip_prefix(site.root())
                .ok()?
                .to_string_lossy()
                .into_owned();
            (!rel.starts_with("public")).then_some(rel)
        })
        .collect()
}

fn restore(site: &Site, saved: &Backup) {
    for (rel, bytes) in saved {
        match bytes {
            Some(b) => {
                let path = site.path(rel);
                std::fs::create_dir_all(path.parent().expect("a parent")).expect("create folder");
                std::fs::write(path, b).expect("write file");
            }
            None => {
                if site.exists(rel) {
                    site.remove(rel);
                }
            }
        }
    }
}

fn options(root: &Path, output: Option<PathBuf>) -> BuildOptions {
    let mut o = BuildOptions {
        root: root.to_path_buf(),
        write_output: true,
        ..BuildOptions::default()
    };
    o.overrides.output_dir = output;
    o
}

/// Runs `steps` random edits; returns how many left a site that builds.
fn run_sequence(seed: u64, steps: usize) -> usize {
    let mut good = 0;
    let site = Site::new();
    // Two rows a page, so that the catalog and the terms have several
    // pages, which come and go as models do.
    site.write(
        "modelsite.toml",
        &format!(
            "title = \"Atlas\"\nbase_url = \"{}\"\n[catalog]\npage_size = 2\n[link_check]\nexternal = false\n",
            common::BASE_URL
        ),
    );
    let clean_dir = tempfile::tempdir().expect("temporary folder");
    let clean_out = clean_dir.path().join("out");
    let mut session = Session::new(&options(site.root(), None)).expect("session");
    session.build_all().expect("first build");
    let out = site.path("public");
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut history = Vec::new();
    let mut mend: Option<Vec<(String, Option<Vec<u8>>)>> = None;
    let mut last_backup: Option<Vec<(String, Option<Vec<u8>>)>> = None;
    for step in 0..steps {
        let before = snapshot(&out);
        let (what, touched) = match mend.take() {
            // The last edit broke the site: put its files back, so that
            // sequences go on from a site that builds.
            Some(saved) => {
                restore(&site, &saved);
                (
                    "mend".to_string(),
                    saved.into_iter().map(|(rel, _)| rel).collect(),
                )
            }
            None => {
                let saved = edit_with_backup(&site, &mut rng);
                last_backup = Some(saved.2);
                (saved.0, saved.1)
            }
        };
        history.push(what.clone());
        let paths: Vec<PathBuf> = touched.iter().map(|t| site.path(t)).collect();
        let rebuilt = session.rebuild(&paths);
        let clean = build(&options(site.root(), Some(clean_out.clone())));
        let context = || format!("seed {seed}, step {step}: {}", history.join(" / "));
        match (&rebuilt, &clean) {
            (Ok(_), Ok(_)) => {
                good += 1;
                let got = snapshot(&out);
                let want = snapshot(&clean_out);
                let got_names: Vec<&String> = got.keys().collect();
                let want_names: Vec<&String> = want.keys().collect();
                assert_eq!(got_names, want_names, "same files after {}", context());
                for (name, bytes) in &want {
                    assert!(
                        got.get(name) == Some(bytes),
                        "{name} differs from a clean build after {}:\n--- rebuilt\n{}\n--- clean\n{}",
                        context(),
                        String::from_utf8_lossy(got.get(name).map_or(&[][..], |b| &b[..])),
                        String::from_utf8_lossy(bytes)
                    );
                }
                assert!(
                    empty_folders(&out).is_empty(),
                    "empty folders left after {}: {:?}",
                    context(),
                    empty_folders(&out)
                );
            }
            (Err(_), Err(_)) => {
                mend = last_backup.take();
                assert!(
                    snapshot(&out) == before,
                    "a failed rebuild changed the output after {}",
                    context()
                );
            }
            (Ok(_), Err(e)) => panic!(
                "the rebuild succeeded but a clean build fails after {}: {}",
                context(),
                e.0.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            (Err(e), Ok(_)) => panic!(
                "the rebuild failed but a clean build succeeds after {}: {}",
                context(),
                e.0.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        }
    }
    good
}

#[test]
fn random_edit_sequences_rebuild_to_the_bytes_of_a_clean_build() {
    let (seeds, steps) = (5, 30);
    let good: usize = (1..=seeds).map(|seed| run_sequence(seed, steps)).sum();
    eprintln!("{good} of {} steps built", seeds as usize * steps);
    // Broken saves are part of the sequences, but most steps must build, or
    // the comparison would prove little.
    assert!(
        good * 2 > (seeds as usize) * steps,
        "only {good} of {} steps built",
        seeds as usize * steps
    );
}

#[test]
fn a_rebuild_without_changes_renders_and_writes_nothing() {
    let site = Site::new();
    let mut session = Session::new(&options(site.root(), None)).expect("session");
    session.build_all().expect("first build");
    let before = std::fs::metadata(site.path("public/models/llama/index.html"))
        .and_then(|m| m.modified())
        .expect("mtime");
    let rebuilt = session.rebuild(&[]).expect("rebuild");
    assert_eq!(rebuilt.rendered, 0, "{rebuilt:?}");
    assert_eq!(rebuilt.written, 0, "{rebuilt:?}");
    let after = std::fs::metadata(site.path("public/models/llama/index.html"))
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(before, after, "an unchanged page was written again");
}

#[test]
fn saving_one_model_renders_only_the_pages_that_show_it() {
    let site = Site::new();
    let mut session = Session::new(&options(site.root(), None)).expect("session");
    let first = session.build_all().expect("first build");
    site.write(
        "data/models/llama-2.yaml",
        "name: Llama 2\nsummary: Now with a summary.\ncreator: meta\ncategory: generative\ntasks: [text-generation]\nlicense: llama2\naccess: gated\nparameters: 70B\nreleased: \"2023-07\"\n",
    );
    let rebuilt = session
        .rebuild(&[site.path("data/models/llama-2.yaml")])
        .expect("rebuild");
    assert!(
        site.read("public/models/llama-2/index.html")
            .contains("Now with a summary."),
        "the model page shows the new summary"
    );
    // Its page, the catalog, its category, creator, task and licence pages,
    // the home page's newest list, and LLaMA's page (which names it as the
    // new version) - not the guides, other models or other terms.
    assert!(
        rebuilt.rendered < first.pages / 2,
        "{} of {} pages rendered",
        rebuilt.rendered,
        first.pages
    );
    assert!(
        !site
            .read("public/models/bert-base-uncased/index.html")
            .is_empty(),
        "other pages are still there"
    );
}

#[test]
fn a_save_after_a_failed_one_still_reports_the_file_in_error() {
    let site = Site::new();
    let mut session = Session::new(&options(site.root(), None)).expect("session");
    session.build_all().expect("first build");
    // One model names a creator nobody defined: the rebuild fails.
    site.write(
        "data/models/llama.yaml",
        "name: LLaMA\ncreator: nobody\ncategory: generative\n",
    );
    assert!(
        session
            .rebuild(&[site.path("data/models/llama.yaml")])
            .is_err()
    );
    // Another model's summary changes, which alone could reuse the last
    // catalog; the first file is still wrong and must be reported.
    site.write(
        "data/models/llama-2.yaml",
        "name: Llama 2\nsummary: Edited.\ncreator: meta\ncategory: generative\ntasks: [text-generation]\nlicense: llama2\naccess: gated\nparameters: 70B\nreleased: \"2023-07\"\n",
    );
    let errors = session
        .rebuild(&[site.path("data/models/llama-2.yaml")])
        .expect_err("llama.yaml is still in error");
    assert!(
        errors
            .0
            .iter()
            .any(|e| e.message.contains("unknown creator `nobody`")),
        "{errors:?}"
    );
    // Once it is fixed, a summary edit is rebuilt from the last catalog and
    // shows on the page.
    site.write(
        "data/models/llama.yaml",
        "name: LLaMA\nsummary: Fixed.\ncreator: meta\ncategory: generative\n",
    );
    session
        .rebuild(&[site.path("data/models/llama.yaml")])
        .expect("fixed");
    site.write(
        "data/models/llama.yaml",
        "name: LLaMA\nsummary: Edited again.\ncreator: meta\ncategory: generative\n",
    );
    session
        .rebuild(&[site.path("data/models/llama.yaml")])
        .expect("summary edit");
    assert!(
        site.read("public/models/llama/index.html")
            .contains("Edited again.")
    );
}

#[test]
fn an_interrupted_update_of_the_site_data_is_completed_by_the_next() {
    let site = Site::new();
    let clean_dir = tempfile::tempdir().expect("temporary folder");
    let clean_out = clean_dir.path().join("out");
    let original = site.read("data/models/llama-2.yaml");
    let model = site.path("data/models/llama-2.yaml");
    let mut session = Session::new(&options(site.root(), None)).expect("session");
    session.build_all().expect("first build");
    // How often a whole update asks whether to stop: once at the start,
    // then before each file.
    site.write(
        "data/models/llama-2.yaml",
        &format!("{original}summary: Counted.\n"),
    );
    session
        .rebuild_pages(std::slice::from_ref(&model))
        .expect("rebuild");
    let asked = std::sync::atomic::AtomicUsize::new(0);
    let counting = || {
        asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        false
    };
    session.update_site_data(&counting).expect("update");
    let questions = asked.into_inner();
    assert!(questions > 4, "{questions} questions");
    // Stopped at once, after the first file, half-way, before the last.
    for stop_after in [0, 1, 2, questions / 2, questions - 1] {
        site.write(
            "data/models/llama-2.yaml",
            &format!("{original}summary: Stopped after {stop_after}.\n"),
        );
        session
            .rebuild_pages(std::slice::from_ref(&model))
            .expect("rebuild");
        let asked = std::sync::atomic::AtomicUsize::new(0);
        let interrupted = || asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= stop_after;
        let updated = session.update_site_data(&interrupted).expect("update");
        assert_eq!(updated, None, "stopped after {stop_after} questions");
        if stop_after == 0 {
            assert!(
                !site.read("public/models.json").contains("Stopped after"),
                "nothing is written when stopped before the start"
            );
        }
        // The save is undone: the files the interrupted update replaced
        // must be written back, though what they are made from is as
        // before the save.
        site.write("data/models/llama-2.yaml", &original);
        session
            .rebuild_pages(std::slice::from_ref(&model))
            .expect("rebuild");
        let updated = session.update_site_data(&|| false).expect("update");
        assert!(updated.is_some());
        build(&options(site.root(), Some(clean_out.clone()))).expect("clean build");
        let got = snapshot(&site.path("public"));
        let want = snapshot(&clean_out);
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>(),
            "same files (stopped after {stop_after})"
        );
        for (name, bytes) in &want {
            assert!(
                got.get(name) == Some(bytes),
                "{name} differs from a clean build (stopped after {stop_after})"
            );
        }
    }
}
