//! A small, valid site in a temporary folder, and a way to run the real
//! `modelsite` binary on it; `serve` runs it as a server.

#![allow(dead_code)]

pub mod serve;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

pub const BASE_URL: &str = "https://user.github.io/repo/";

/// What a run of the binary printed and returned.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Fails the test with everything printed when `code` is not `want`.
    pub fn expect_code(&self, want: i32) -> &Self {
        assert_eq!(
            self.code, want,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn expect_stdout(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout should contain {needle:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    pub fn expect_stderr(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr should contain {needle:?}\n--- stderr\n{}",
            self.stderr
        );
        self
    }
}

pub struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    /// A site with two creators, three categories, four models (one a
    /// fine-tune of another), a guide and the built-in theme.
    pub fn new() -> Site {
        let site = Site {
            dir: tempfile::tempdir().expect("temporary folder"),
        };
        site.write(
            "modelsite.toml",
            &format!("title = \"Test Atlas\"\ndescription = \"Models we test with.\"\nbase_url = \"{BASE_URL}\"\n\n[link_check]\nexternal = false\n"),
        );
        site.write(
            "data/creators.yaml",
            "google:\n  name: Google\n  kind: company\n  url: https://google.models.test/\nmeta:\n  name: Meta AI\n  kind: lab\n",
        );
        site.write(
            "data/categories.yaml",
            "classification:\n  name: Classification models\n  description: Label things.\ngenerative:\n  name: Generative models\nembedding:\n  name: Embedding models\n",
        );
        site.write(
            "data/sources.yaml",
            "huggingface:\n  name: Hugging Face Hub\n  url: https://hub.models.test/\n  kind: hub\n",
        );
        site.write(
            "data/libraries.yaml",
            "transformers:\n  name: Transformers\n  cache_dir: ~/.cache/huggingface/hub\n  env: HF_HOME\n",
        );
        site.write(
            "data/models/bert-base-uncased.yaml",
            "name: BERT base uncased\nsummary: An encoder.\ncreator: google\ncategory: classification\ntasks: [fill-mask]\nlicense: apache-2.0\naccess: open-weights\nparameters: 110M\nreleased: \"2018-10\"\nlibraries: [transformers]\nsources:\n  - source: huggingface\n    url: https://hub.models.test/google-bert/bert-base-uncased\nevaluations:\n  - {task: question-answering, dataset: SQuAD v1.1, metric: F1, value: 88.5}\n",
        );
        site.write(
            "data/models/biobert.yaml",
            "name: BioBERT\nsummary: BERT for biomedical text.\ncreator: google\ncategory: classification\ntasks: [feature-extraction]\nlicense: unknown\nbase_model: bert-base-uncased\nbase_model_relation: finetune\ndomain: [biomedical]\n",
        );
        site.write(
            "data/models/llama.yaml",
            "name: LLaMA\nsummary: A generative model.\ncreator: meta\ncategory: generative\ntasks: [text-generation]\nlicense: other\nlicense_name: LLaMA research licence\naccess: gated\nparameters: 65B\nreleased: \"2023-02-24\"\nnew_version: llama-2\n",
        );
        site.write(
            "data/models/llama-2.yaml",
            "name: Llama 2\ncreator: meta\ncategory: generative\ntasks: [text-generation]\nlicense: llama2\naccess: gated\nparameters: 70B\nreleased: \"2023-07\"\n",
        );
        site.write(
            "site/models/bert-base-uncased.md",
            "## Training\n\nTrained on books and Wikipedia. See the [guide](@/guides/choosing.md#size).\n",
        );
        site.write(
            "site/index.md",
            "---\ntitle: Home\n---\n\nWelcome to the atlas.\n",
        );
        site.write(
            "site/guides/choosing.md",
            "---\ntitle: Choosing a model\ndescription: How to pick one.\nweight: 1\n---\n\n## Size\n\nBigger is slower. Compare [BERT](@/models/bert-base-uncased.md).\n\n## Classification models\n\n{{ models(category=\"classification\") }}\n\n```python\nprint(\"hi\")\n```\n",
        );
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create folder");
        std::fs::write(&path, text).expect("write file");
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path(rel)).expect("remove file");
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }

    /// Runs `modelsite <args> --root <site>`.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.root(), args)
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }
}

/// Runs the binary with `--root dir` after `args`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_modelsite"))
        .args(args)
        .arg("--root")
        .arg(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run modelsite");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `command` with its output piped and returns what it printed; fails
/// the test, after killing it, if it runs longer than `deadline`.
pub fn output_within(mut command: Command, deadline: Duration) -> Output {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    // Each pipe is read on its own thread, so that a full pipe cannot stall
    // the child.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        stdout.read_to_end(&mut buf).ok();
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        stderr.read_to_end(&mut buf).ok();
        buf
    });
    let mut status = None;
    let finished = serve::wait_until(deadline, || {
        status = child.try_wait().expect("wait for the child");
        status.is_some()
    });
    if !finished {
        child.kill().ok();
        child.wait().ok();
        panic!("{command:?} did not finish within {deadline:?}");
    }
    Output {
        status: status.expect("an exit status"),
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    }
}

/// How many requests the mock server has seen for the path `p`.
pub async fn requests_to(server: &wiremock::MockServer, p: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == p)
        .count()
}
