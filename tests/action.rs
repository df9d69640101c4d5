//! The GitHub Action in `action.yml`: its inputs and steps, and
//! `scripts/action-build`, the shell step that checks a site's links and
//! builds it, run on a small site with the debug binary on `PATH`. External
//! links point at a server on 127.0.0.1 that the test starts; nothing else is
//! fetched.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use common::{Site, requests_to};
use serde_yaml_ng::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BASE: &str = "https://example.test/atlas/docs";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn yaml(rel: &str) -> Value {
    let text = fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{rel} is not YAML: {e}"))
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

#[test]
fn the_action_declares_its_inputs() {
    let action = yaml("action.yml");
    let inputs = action
        .get("inputs")
        .and_then(Value::as_mapping)
        .expect("action.yml has inputs");
    let defaults: BTreeMap<&str, &str> = inputs
        .iter()
        .map(|(name, input)| {
            let name = name.as_str().expect("input names are strings");
            assert!(
                text(input, "description").is_some_and(|d| !d.is_empty()),
                "input {name} has no description"
            );
            (name, text(input, "default").unwrap_or(""))
        })
        .collect();
    for name in ["root", "base-url", "check-links", "token", "version"] {
        assert!(
            defaults.contains_key(name),
            "action.yml has no input {name}"
        );
    }
    assert_eq!(defaults["root"], ".");
    assert_eq!(defaults["base-url"], "", "the Pages URL is the default");
    assert_eq!(defaults["check-links"], "true");
    assert_eq!(defaults["token"], "${{ github.token }}");
    assert_eq!(
        defaults["version"], "",
        "building from source is the default"
    );
}

#[test]
fn every_step_of_the_action_runs_a_script_that_exists() {
    let action = yaml("action.yml");
    let runs = action.get("runs").expect("action.yml has runs");
    assert_eq!(text(runs, "using"), Some("composite"));
    let steps = runs
        .get("steps")
        .and_then(Value::as_sequence)
        .expect("the action has steps");

    let mut scripts = Vec::new();
    let mut uses = Vec::new();
    for step in steps {
        let name = text(step, "name").unwrap_or("(unnamed)");
        if let Some(script) = text(step, "run") {
            assert_eq!(
                text(step, "shell"),
                Some("bash"),
                "step {name:?} names no shell"
            );
            let called: Vec<&str> = script
                .split(|c: char| c.is_whitespace() || c == '"' || c == '\'')
                .filter_map(|word| word.strip_prefix("$GITHUB_ACTION_PATH/"))
                .collect();
            assert!(
                !called.is_empty(),
                "step {name:?} runs no script of the action: {script}"
            );
            for rel in called {
                let file = repo().join(rel);
                assert!(file.is_file(), "step {name:?} runs {rel}, which is missing");
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    let mode = file.metadata().expect("metadata").permissions().mode();
                    assert!(mode & 0o111 != 0, "{rel} is not executable");
                }
                scripts.push(rel.to_owned());
            }
        } else {
            let action =
                text(step, "uses").unwrap_or_else(|| panic!("step {name:?} neither runs nor uses"));
            uses.push((action.split('@').next().unwrap_or(action).to_owned(), step));
        }
    }
    for script in ["scripts/action-install", "scripts/action-build"] {
        assert!(scripts.iter().any(|s| s == script), "no step runs {script}");
    }
    let used = |name: &str| -> Vec<&Value> {
        uses.iter()
            .filter(|(a, _)| a == name)
            .map(|(_, s)| *s)
            .collect()
    };
    assert!(!used("actions/configure-pages").is_empty());
    assert!(!used("actions/upload-pages-artifact").is_empty());
    assert!(
        used("actions/cache").iter().any(|step| step
            .get("with")
            .and_then(|w| text(w, "path"))
            .is_some_and(|p| p.ends_with(".modelsite/link-cache.json"))),
        "no step keeps the link cache between runs"
    );
}

#[test]
fn the_pages_workflow_uses_the_action_and_deploys() {
    let workflow = yaml(".github/workflows/pages.yml");
    let jobs = workflow.get("jobs").expect("jobs");
    let steps = jobs
        .get("build")
        .and_then(|j| j.get("steps"))
        .and_then(Value::as_sequence)
        .expect("a build job with steps");
    assert!(
        steps.iter().any(|s| text(s, "uses") == Some("./")),
        "the build job does not use the action (uses: ./)"
    );
    assert!(
        jobs.get("deploy")
            .and_then(|j| j.get("steps"))
            .and_then(Value::as_sequence)
            .is_some_and(|s| s
                .iter()
                .any(|s| text(s, "uses").is_some_and(|u| u.starts_with("actions/deploy-pages@")))),
        "the deploy job is missing"
    );
}

/// A site whose guide links to `urls`, with external links checked.
fn site_linking(urls: &[String]) -> Site {
    let site = Site::new();
    site.write(
        "modelsite.toml",
        "title = \"Action Atlas\"\nbase_url = \"https://wrong.example.test/\"\n\n\
         [link_check]\nexternal = true\ntimeout = 5\nmax_retries = 0\n\
         # The fixture's other links are not served by the test.\n\
         exclude = ['models\\.test']\n",
    );
    let body: String = urls.iter().map(|u| format!("- [a link]({u})\n")).collect();
    site.write(
        "site/links.md",
        &format!("---\ntitle: Links\n---\n\n{body}"),
    );
    site
}

/// What a run of `scripts/action-build` left.
struct ActionRun {
    output: Output,
    github_output: String,
    summary: String,
}

impl ActionRun {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
    fn expect_success(&self) -> &Self {
        assert!(
            self.output.status.success(),
            "scripts/action-build failed ({})\n--- stdout\n{}\n--- stderr\n{}",
            self.output.status,
            self.stdout(),
            self.stderr()
        );
        self
    }
}

/// Runs `scripts/action-build` as the action does, with the debug binary
/// first on PATH, off the async runtime so that the mock server keeps
/// serving, and fails the test if it takes more than two minutes.
async fn action_build(site: &Site, env: &[(&str, &str)]) -> ActionRun {
    let dir = tempfile::tempdir().expect("temporary folder");
    let github_output = dir.path().join("output");
    let summary = dir.path().join("summary");
    fs::write(&github_output, "").expect("GITHUB_OUTPUT file");
    fs::write(&summary, "").expect("GITHUB_STEP_SUMMARY file");

    let bin_dir = Path::new(env!("CARGO_BIN_EXE_modelsite"))
        .parent()
        .expect("the binary's folder")
        .to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    let mut command = Command::new(repo().join("scripts/action-build"));
    command
        .current_dir(site.root())
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env("MODELSITE_ROOT", site.root())
        .env("GITHUB_OUTPUT", &github_output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env_remove("GITHUB_TOKEN")
        .env_remove("MODELSITE_BASE_URL")
        .env_remove("MODELSITE_CHECK_LINKS")
        .env_remove("MODELSITE_OUTPUT_DIR");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = tokio::task::spawn_blocking(move || {
        common::output_within(command, Duration::from_secs(120))
    })
    .await
    .expect("the run finishes");
    ActionRun {
        output,
        github_output: fs::read_to_string(&github_output).expect("read GITHUB_OUTPUT"),
        summary: fs::read_to_string(&summary).expect("read GITHUB_STEP_SUMMARY"),
    }
}

/// Every HTML page under `dir`, with its canonical URL if it has one.
fn canonical_urls(dir: &Path) -> Vec<(PathBuf, Option<String>)> {
    let mut pages = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read the output folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                let html = fs::read_to_string(&path).expect("read a page");
                let canonical = html
                    .split_once("<link rel=\"canonical\" href=\"")
                    .map(|(_, rest)| rest.split('"').next().unwrap_or_default().to_owned());
                pages.push((path, canonical));
            }
        }
    }
    pages
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_build_step_checks_links_and_builds_under_the_base_url() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/ok"))
        .respond_with(ResponseTemplate::new(200).set_body_string("fine"))
        .mount(&server)
        .await;
    Mock::given(method("HEAD"))
        .and(path("/ok"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let link = format!("{}/ok", server.uri());
    let site = site_linking(std::slice::from_ref(&link));

    // The base URL as actions/configure-pages gives it: no trailing slash.
    let run = action_build(
        &site,
        &[
            ("MODELSITE_BASE_URL", BASE),
            ("MODELSITE_CHECK_LINKS", "true"),
        ],
    )
    .await;
    run.expect_success();

    let base = format!("{BASE}/");
    let out = site.path("public");
    assert!(
        run.github_output
            .lines()
            .any(|l| l == format!("path={}", out.display())),
        "GITHUB_OUTPUT names the output folder:\n{}",
        run.github_output
    );
    assert!(
        run.github_output
            .lines()
            .any(|l| l == format!("base-url={base}")),
        "GITHUB_OUTPUT names the base URL:\n{}",
        run.github_output
    );

    let pages = canonical_urls(&out);
    for must in [
        "index.html",
        "models/bert-base-uncased/index.html",
        "links/index.html",
    ] {
        assert!(
            pages.iter().any(|(p, _)| p == &out.join(must)),
            "the output has no {must}"
        );
    }
    let canonical: Vec<_> = pages
        .iter()
        .filter_map(|(p, c)| c.as_ref().map(|c| (p, c)))
        .collect();
    assert!(
        canonical.len() >= 10,
        "only {} pages have a canonical URL",
        canonical.len()
    );
    for (page, url) in &canonical {
        assert!(
            url.starts_with(&base),
            "{} has the canonical URL {url}, outside {base}",
            page.display()
        );
    }
    assert!(
        canonical.iter().any(
            |(p, url)| *p == &out.join("models/bert-base-uncased/index.html")
                && *url == &format!("{base}models/bert-base-uncased/")
        ),
        "the model page's canonical URL is not {base}models/bert-base-uncased/"
    );

    assert!(
        requests_to(&server, "/ok").await >= 1,
        "the link was not checked"
    );
    let cache = site.read(".modelsite/link-cache.json");
    assert!(
        cache.contains(&link),
        "the link cache does not hold {link}:\n{cache}"
    );
    assert!(
        !run.summary.trim().is_empty(),
        "the job summary has no link report"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_link_fails_the_step_and_check_links_false_skips_the_check() {
    let server = MockServer::start().await;
    Mock::given(path("/gone"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let link = format!("{}/gone", server.uri());
    let site = site_linking(std::slice::from_ref(&link));

    let run = action_build(&site, &[("MODELSITE_BASE_URL", BASE)]).await;
    assert!(
        !run.output.status.success(),
        "a broken link passed:\n{}",
        run.stdout()
    );
    assert!(
        run.stdout().contains(&link),
        "the report does not name {link}:\n{}",
        run.stdout()
    );
    assert!(
        run.summary.contains(&link),
        "the job summary does not name {link}"
    );
    assert!(
        run.stderr().contains("modelsite check found problems"),
        "{}",
        run.stderr()
    );
    assert!(
        !site.exists("public/index.html"),
        "the site was built all the same"
    );

    let before = requests_to(&server, "/gone").await;
    let run = action_build(
        &site,
        &[
            ("MODELSITE_BASE_URL", BASE),
            ("MODELSITE_CHECK_LINKS", "false"),
        ],
    )
    .await;
    run.expect_success();
    assert!(site.exists("public/index.html"));
    assert_eq!(
        requests_to(&server, "/gone").await,
        before,
        "links were fetched"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_base_url_the_step_says_where_one_comes_from() {
    let site = site_linking(&[]);
    let run = action_build(&site, &[("MODELSITE_CHECK_LINKS", "false")]).await;
    assert!(!run.output.status.success());
    assert!(run.stderr().contains("no base URL"), "{}", run.stderr());
    assert!(!site.exists("public"), "something was built");
}
