//! `modelsite init`: a new site that builds at once: configuration, one
//! creator and category, one model, one page, the default theme and a
//! GitHub Pages workflow.

use std::path::{Path, PathBuf};

use crate::error::SiteError;
use crate::render::templates::DEFAULT_THEME;

const CONFIG: &str = r#"# The site's configuration. Every key is described in the modelsite docs.
title = "My model catalog"
description = "Documentation of the AI models we use."
# The address the site is published at. The Pages workflow passes the real one.
base_url = "https://example.github.io/my-models/"
theme = "default"
language = "en"

[build]
output_dir = "public"

[link_check]
external = true
"#;

const CREATORS: &str = r#"google:
  name: Google
  kind: company
  url: https://ai.google/
  description: Publishes research models such as BERT and T5.
"#;

const CATEGORIES: &str = r#"classification:
  name: Classification models
  description: Models that put a label on their input.
generative:
  name: Generative models
  description: Models that write text, images or sound.
"#;

const SOURCES: &str = r#"huggingface:
  name: Hugging Face Hub
  url: https://huggingface.co/models
  kind: hub
  description: A public hub of model repositories.
"#;

const LIBRARIES: &str = r#"transformers:
  name: Transformers
  url: https://huggingface.co/docs/transformers
  cache_dir: ~/.cache/huggingface/hub
  env: HF_HOME
  description: Downloads models into the Hugging Face cache.
"#;

const MODEL: &str = r#"name: BERT base (uncased)
summary: An English encoder pre-trained with masked language modelling.
creator: google
category: classification
tasks: [fill-mask]
license: apache-2.0
access: open-weights
parameters: 110M
released: "2018-10"
libraries: [transformers]
sources:
  - source: huggingface
    url: https://huggingface.co/google-bert/bert-base-uncased
links:
  paper: https://arxiv.org/abs/1810.04805
"#;

const MODEL_PROSE: &str = r#"## How to use it

Fine-tune it for classification, or use it as it is to fill in masked words.
"#;

const HOME: &str = r#"---
title: Home
---

This site documents the models we use. Start with the [guide](@/guides/getting-started.md)
or open the catalog.
"#;

const GUIDE: &str = r#"---
title: Getting started
description: How this site is organised.
weight: 1
---

## Adding a model

Write one YAML file per model in `data/models/`, then run `modelsite build`.

## The models so far

{{ models(category="classification") }}
"#;

const GITIGNORE: &str = "public/\n.modelsite/\n";

const PAGES_WORKFLOW: &str = r#"name: Publish to GitHub Pages

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v6
      - uses: dtolnay/rust-toolchain@stable
      - name: Install modelsite
        run: cargo install --locked modelsite
      - id: pages
        uses: actions/configure-pages@v6
      # Links that passed within the cache age are not fetched again.
      - uses: actions/cache@v5
        with:
          path: .modelsite/link-cache.json
          key: link-cache-${{ github.run_id }}
          restore-keys: link-cache-
      - name: Check every link
        run: modelsite check --format markdown >> "$GITHUB_STEP_SUMMARY"
        env:
          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}
      - name: Build
        run: modelsite build --offline --base-url "${BASE_URL%/}/"
        env:
          BASE_URL: ${{ steps.pages.outputs.base_url }}
      - uses: actions/upload-pages-artifact@v5
        with:
          path: public

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v5
"#;

/// The files of a new site, relative to its folder.
fn scaffold() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = [
        ("modelsite.toml", CONFIG),
        ("data/creators.yaml", CREATORS),
        ("data/categories.yaml", CATEGORIES),
        ("data/sources.yaml", SOURCES),
        ("data/libraries.yaml", LIBRARIES),
        ("data/models/bert-base-uncased.yaml", MODEL),
        ("site/models/bert-base-uncased.md", MODEL_PROSE),
        ("site/index.md", HOME),
        ("site/guides/getting-started.md", GUIDE),
        (".gitignore", GITIGNORE),
        (".github/workflows/pages.yml", PAGES_WORKFLOW),
    ]
    .into_iter()
    .map(|(p, t)| (PathBuf::from(p), t.as_bytes().to_vec()))
    .collect();
    add_theme_files(&DEFAULT_THEME, &mut files);
    files
}

fn add_theme_files(dir: &include_dir::Dir<'static>, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    for f in dir.files() {
        out.push((
            Path::new("themes/default").join(f.path()),
            f.contents().to_vec(),
        ));
    }
    for sub in dir.dirs() {
        add_theme_files(sub, out);
    }
}

/// Writes a new site into `dir`. Refuses to overwrite anything unless
/// `force`. Returns the files written.
pub fn init(dir: &Path, force: bool) -> Result<Vec<PathBuf>, SiteError> {
    let files = scaffold();
    if !force {
        let existing: Vec<String> = files
            .iter()
            .filter(|(p, _)| dir.join(p).exists())
            .map(|(p, _)| p.display().to_string())
            .collect();
        if !existing.is_empty() {
            return Err(SiteError::new(format!(
                "{} already has {}",
                dir.display(),
                existing.join(", ")
            ))
            .hint("choose an empty folder (`modelsite init my-site`), or pass --force to overwrite these files"));
        }
    }
    let mut written = Vec::new();
    for (rel, bytes) in files {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| SiteError::io("create", parent, &e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| SiteError::io("write", &path, &e))?;
        written.push(rel);
    }
    Ok(written)
}
