#!/usr/bin/env python3
"""Import benchmark: `modelsite import DIR` on folders of synthetic model cards.

Usage: scripts/bench-import.py [N]          (default: 10000 cards)

Generates N varied model cards twice, in the two layouts `import DIR`
reads: a Hugging Face cache (`hub/models--org--name/snapshots/<rev>/README.md`,
the README a symbolic link into `blobs/`, `refs/main` naming the snapshot,
some models with an older snapshot beside it and some without `refs/`) and
a tree of `org/name/README.md`. Then, for each layout, in a new site made
by `modelsite init`, times with a release build:

  1. the first import of the whole folder (every card new);
  2. a second import of the same folder (every card unchanged);
  3. a third after 1% of the cards were edited, with --update;

and builds the site once (`build --offline`) to check that what was
imported builds. Prints the wall time and peak resident memory of each run
(GNU time) and the summary line the import printed.

The cards vary as real ones do: tasks, licences (`other` with a name and a
link to a file of the repository), libraries, languages, datasets, base
models (other cards of the folder, owner-less legacy ids, merges),
model-index results, gated-access keys, and prose of 1 to 12 KB with
headings, tables, fenced code, images and links into the repository,
<details>, a few <script> and <style> pieces to remove, bare web addresses,
GitHub alerts and `{{ }}` braces. A few names are shared by two owners.

Environment: BENCH_TMP (default /dev/shm/modelsite-bench-import; on tmpfs
the figures do not depend on the disk), KEEP=1 (keep the folders),
MODELSITE (a modelsite binary; default: cargo build --release into
CARGO_TARGET_DIR or target/).
"""

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TASKS = [
    ("text-generation", "transformers"),
    ("text-classification", "transformers"),
    ("token-classification", "transformers"),
    ("fill-mask", "transformers"),
    ("translation", "transformers"),
    ("summarization", "transformers"),
    ("question-answering", "transformers"),
    ("feature-extraction", "sentence-transformers"),
    ("sentence-similarity", "sentence-transformers"),
    ("automatic-speech-recognition", "transformers"),
    ("text-to-speech", "espnet"),
    ("image-classification", "timm"),
    ("object-detection", "transformers"),
    ("text-to-image", "diffusers"),
    ("image-to-text", "transformers"),
    ("zero-shot-classification", "transformers"),
    ("reinforcement-learning", "stable-baselines3"),
    ("text2text-generation", "transformers"),
]
LICENSES = ["apache-2.0", "mit", "cc-by-4.0", "cc-by-nc-4.0", "openrail", "llama3", "gemma", "other", "bsd-3-clause"]
LANGUAGES = ["en", "fr", "de", "es", "zh", "ja", "ru", "ar", "hi", "pt", "multilingual"]
DATASETS = ["wikipedia", "bookcorpus", "c4", "acme/dialogues", "squad", "glue", "common_voice", "imagenet-1k", "laion/aesthetic"]
LEGACY = ["gpt2", "bert-base-uncased", "distilbert-base-uncased", "roberta-base", "t5-small"]
WORDS = (
    "model weights tokenizer training evaluation dataset prompt layer attention "
    "context window quantized adapter fine-tune benchmark latency memory batch "
    "precision inference license language domain encoder decoder vocabulary "
    "checkpoint learning rate epoch loss accuracy safety bias limitation"
).split()


def sentence(rng, n=14):
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng):
    return " ".join(sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(2, 6)))


def body(rng, title, repo):
    parts = [f"# {title}\n", paragraph(rng) + "\n"]
    target = rng.randint(1000, 12000)
    section = 0
    while sum(len(p) for p in parts) < target:
        section += 1
        kind = rng.randrange(10)
        parts.append(f"## {rng.choice(WORDS).capitalize()} {section}\n")
        if kind == 0:
            parts.append("| metric | value | split |\n|---|---|---|\n" + "".join(
                f"| {rng.choice(WORDS)} | {rng.uniform(10, 99):.2f} | test |\n" for _ in range(rng.randint(2, 8))))
        elif kind == 1:
            parts.append(f"```python\nfrom transformers import AutoModel\n\nmodel = AutoModel.from_pretrained(\"{repo}\")\nprint(model.config)  # {{{{ not a shortcode }}}}\n```\n")
        elif kind == 2:
            parts.append(f"![Architecture](./assets/figure-{section}.png)\n\nSee the [configuration](config.json) and the [licence](LICENSE).\n")
        elif kind == 3:
            parts.append(f"<details>\n<summary>Training details</summary>\n\n{paragraph(rng)}\n\n</details>\n")
        elif kind == 4:
            parts.append(f"> [!{rng.choice(['NOTE', 'TIP', 'IMPORTANT', 'WARNING', 'CAUTION'])}]\n> {sentence(rng)}\n")
        elif kind == 5 and rng.random() < 0.3:
            parts.append("<script>track()</script>\n\n<p style=\"color:red\" onclick=\"x()\">Styled text.</p>\n")
        elif kind == 6:
            parts.append(f"Read more at https://example.org/papers/{section} or the [paper](https://arxiv.org/abs/2401.{section:05d}).\n")
        else:
            parts.append("\n".join(f"- {sentence(rng, rng.randint(5, 12))}" for _ in range(rng.randint(2, 6))) + "\n")
        parts.append(paragraph(rng) + "\n")
    return "\n".join(parts)


def card(rng, i, org, name, repos):
    task, library = TASKS[i % len(TASKS)]
    lines = ["---"]
    lic = rng.choice(LICENSES)
    lines.append(f"license: {lic}")
    if lic == "other":
        lines += [f"license_name: {org}-community-license", "license_link: LICENSE"]
    if rng.random() < 0.9:
        lines.append(f"pipeline_tag: {task}")
    lines.append(f"library_name: {library}")
    langs = rng.sample(LANGUAGES, rng.randint(1, 3))
    lines.append("language:\n" + "\n".join(f"- {lang}" for lang in langs))
    if rng.random() < 0.6:
        lines.append("datasets:\n" + "\n".join(f"- {d}" for d in rng.sample(DATASETS, rng.randint(1, 3))))
    tags = rng.sample(WORDS, rng.randint(0, 5))
    if rng.random() < 0.1:
        tags.append(task)
    if tags:
        lines.append("tags:\n" + "\n".join(f"- {t}" for t in tags))
    r = rng.random()
    if r < 0.3 and repos:
        lines.append(f"base_model: {rng.choice(repos)}")
    elif r < 0.4:
        lines.append(f"base_model: {rng.choice(LEGACY)}")
    elif r < 0.45 and len(repos) > 2:
        lines.append("base_model:\n" + "\n".join(f"- {b}" for b in rng.sample(repos, 2)))
    if rng.random() < 0.08:
        lines.append("extra_gated_prompt: You agree to share your contact information.")
        lines.append("extra_gated_fields:\n  Company: text\n  Country: country")
    if rng.random() < 0.5:
        lines.append("metrics:\n- accuracy")
    if rng.random() < 0.5:
        results = []
        for _ in range(rng.randint(1, 4)):
            results.append(
                f"  - task:\n      type: {task}\n    dataset:\n      name: {rng.choice(DATASETS)}\n"
                f"      type: {rng.choice(DATASETS)}\n      split: test\n"
                f"    metrics:\n    - type: {rng.choice(['accuracy', 'f1', 'bleu', 'wer'])}\n"
                f"      value: {rng.uniform(1, 99):.2f}"
            )
        lines.append(f"model-index:\n- name: {name}\n  results:\n" + "\n".join(results))
    lines.append("---")
    title = name.replace("-", " ")
    return "\n".join(lines) + "\n\n" + body(rng, title, f"{org}/{name}")


def repos_of(n, rng):
    orgs = [f"lab{i:03d}" if i % 3 else f"Org-{i:03d}" for i in range(max(1, n // 20))]
    out = []
    for i in range(n):
        org = orgs[i % len(orgs)]
        # Every 500th name is also used by the next owner.
        stem = i - 1 if i % 500 == 1 else i
        out.append((org, f"model-{stem:05d}-{rng.choice(['base', 'large', 'chat', 'GGUF', 'v2'])}"))
    return out


def generate(n, cache_dir, tree_dir):
    rng = random.Random(20240611)
    repos = repos_of(n, rng)
    texts = []
    for i, (org, name) in enumerate(repos):
        earlier = [f"{o}/{m}" for o, m in repos[max(0, i - 50):i]]
        texts.append(card(rng, i, org, name, earlier))
    hub = cache_dir / "hub"
    for i, ((org, name), text) in enumerate(zip(repos, texts)):
        tree = tree_dir / org / name
        tree.mkdir(parents=True, exist_ok=True)
        (tree / "README.md").write_text(text)
        repo = hub / f"models--{org}--{name}"
        (repo / "blobs").mkdir(parents=True, exist_ok=True)
        revs = [f"{i:08x}" + "a" * 32] + ([f"{i:08x}" + "b" * 32] if i % 7 == 0 else [])
        for k, rev in enumerate(revs):
            snap = repo / "snapshots" / rev
            snap.mkdir(parents=True, exist_ok=True)
            blob = f"{i:08x}{k:056x}"
            # The older snapshot holds an older card.
            (repo / "blobs" / blob).write_text(text if k == len(revs) - 1 else text.replace("license:", "license_old:", 1))
            (snap / "README.md").symlink_to(f"../../blobs/{blob}")
        if i % 11 != 0:
            (repo / "refs").mkdir(exist_ok=True)
            (repo / "refs" / "main").write_text(revs[-1])
        else:
            # Without refs/main the newest snapshot is taken.
            newest = repo / "snapshots" / revs[-1]
            os.utime(newest, (time.time() + 10, time.time() + 10))
    return repos


def edit_some(tree_dir, cache_dir, repos):
    """Edits 1% of the cards (in both layouts)."""
    for org, name in repos[::100]:
        for path in [tree_dir / org / name / "README.md"] + sorted((cache_dir / "hub" / f"models--{org}--{name}" / "snapshots").glob("*/README.md"))[-1:]:
            text = path.read_text()
            path.unlink()  # a cache README is a link; the edit is a new file
            path.write_text(text + "\n## Changelog\n\nA new revision of the card.\n")


def modelsite_binary():
    if os.environ.get("MODELSITE"):
        return os.environ["MODELSITE"]
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    print("==> cargo build --release", file=sys.stderr)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    return str(target / "release" / "modelsite")


def timed(args, label):
    """Runs args under GNU time; prints wall time, peak memory and the summary."""
    out = subprocess.run(
        ["/usr/bin/time", "-f", "TIME %e %M", *args],
        capture_output=True, text=True,
    )
    stats = [l for l in out.stderr.splitlines() if l.startswith("TIME ")]
    if not stats:
        sys.exit(f"{label}: no figures from /usr/bin/time\n{out.stderr[-2000:]}")
    wall, peak_kb = stats[-1].split()[1:]
    summary = [l for l in (out.stdout + out.stderr).splitlines() if l.startswith(("Imported", "Built", "error:"))]
    print(f"{label:<44} {float(wall):6.2f} s {int(peak_kb) / 1024:7.0f} MB  exit {out.returncode}  {' | '.join(summary)}")
    if out.returncode != 0:
        sys.exit(f"{label}: exit code {out.returncode}\n{out.stderr[-4000:]}")
    return float(wall), out.stdout


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    tmp = Path(os.environ.get("BENCH_TMP", "/dev/shm/modelsite-bench-import"))
    binary = modelsite_binary()
    if tmp.exists():
        shutil.rmtree(tmp)
    cache_dir, tree_dir = tmp / "cache", tmp / "tree"
    print(f"==> generating {n} cards in {tmp}", file=sys.stderr)
    repos = generate(n, cache_dir, tree_dir)
    size = sum(p.stat().st_size for p in tree_dir.glob("*/*/README.md"))
    print(f"{n} cards, {size / n / 1024:.1f} KB each on average; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    layouts = [("cache", cache_dir / "hub"), ("tree", tree_dir)]
    for layout, folder in layouts:
        site = tmp / f"site-{layout}"
        subprocess.run([binary, "init", str(site)], check=True, capture_output=True)
        wall, stdout = timed([binary, "import", str(folder), "--root", str(site)], f"{layout}: first import of {n} cards")
        if f"Imported {n} of {n} cards." not in stdout:
            sys.exit(f"{layout}: not every card was imported:\n{stdout}")
        if n == 10000:
            print(f"  target for 10,000 cards: under 10 s: {'met' if wall < 10 else 'MISSED'}")
        timed([binary, "import", str(folder), "--root", str(site)], f"{layout}: again, nothing changed")
    edit_some(tree_dir, cache_dir, repos)
    for layout, folder in layouts:
        site = tmp / f"site-{layout}"
        timed([binary, "import", str(folder), "--root", str(site), "--update"], f"{layout}: --update after 1% changed")
        timed([binary, "build", "--offline", "--root", str(site)], f"{layout}: build the imported site")
    if os.environ.get("KEEP") != "1":
        shutil.rmtree(tmp)
    else:
        print(f"kept {tmp}")


if __name__ == "__main__":
    main()
