#!/usr/bin/env bash
# Coverage-guided fuzzing of what parses untrusted input (cargo-fuzz and
# libFuzzer, in fuzz/).
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET ...]
#
# Runs each TARGET (default: all of them) for SECONDS (default 30) and
# prints, for each, the executions, executions per second and whether it
# found a crash, a hang (a run over 10 s) or a memory blow-up (over 2 GB).
# Targets:
#   model_yaml    a model's data file (data/models/<id>.yaml)
#   page          a page: front matter, Markdown, shortcodes, @/ links
#   config_toml   modelsite.toml
#   card          a Hugging Face model card given to `import`
#   link_scanner  the HTML scanner of the link check
#
# Each target starts from seeds taken from this repository (its data files,
# pages, configuration, test cards and theme templates) and keeps what it
# learns in fuzz/corpus/<target>/ (not committed). A crash is saved in
# fuzz/artifacts/<target>/; turn it into a named regression test in the
# normal suite. Needs a nightly toolchain and cargo-fuzz, installed here if
# missing.
set -euo pipefail
shopt -s inherit_errexit nullglob

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SECONDS_EACH="${1:-30}"
shift || true
ALL=(model_yaml page config_toml card link_scanner)
if [ "$#" -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL[@]}"); fi
[[ "$SECONDS_EACH" =~ ^[1-9][0-9]*$ ]] || { echo "error: not a number of seconds: $SECONDS_EACH" >&2; exit 2; }

if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

seed() {
    local target="$1" dir="$ROOT/fuzz/corpus/$1"
    mkdir -p "$dir"
    local files=()
    case "$target" in
        model_yaml) files=("$ROOT"/data/models/*.yaml "$ROOT"/data/*.yaml) ;;
        page) files=("$ROOT"/site/*.md "$ROOT"/site/*/*.md) ;;
        config_toml) files=("$ROOT"/modelsite.toml) ;;
        card) files=("$ROOT"/tests/fixtures/cards/*/README.md) ;;
        link_scanner) files=("$ROOT"/themes/default/templates/*.html "$ROOT"/themes/default/templates/*/*.html) ;;
        *) echo "error: no fuzz target $target (targets: ${ALL[*]})" >&2; exit 2 ;;
    esac
    local f
    for f in "${files[@]}"; do
        cp "$f" "$dir/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
    done
}

cd "$ROOT/fuzz"
status=0
for target in "${TARGETS[@]}"; do
    seed "$target"
    log="$(mktemp)"
    printf '==> %s for %s s\n' "$target" "$SECONDS_EACH"
    if cargo +nightly fuzz run --sanitizer none "$target" "corpus/$target" -- \
        -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=1048576 \
        -print_final_stats=1 >"$log" 2>&1; then
        result="no crash, hang or memory blow-up"
    else
        result="FOUND A PROBLEM: see fuzz/artifacts/$target/ and the log $log"
        status=1
    fi
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
    speed="$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
    printf '%s: %s runs, %s a second: %s\n' "$target" "$runs" "$speed" "$result"
    [ "$status" -ne 0 ] || rm -f "$log"
done
exit "$status"
