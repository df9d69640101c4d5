#!/usr/bin/env bash
# Build benchmark: modelsite against Hugo on the same generated corpus.
#
# Usage: scripts/bench-build.sh [N ...]        (default: 1000 10000 100000)
#
# For each N, generates a corpus of N models with the shared generator
# ($SHARED_DIR/bench/gen_corpus.py, SHARED_DIR defaults to ../shared beside the
# repository) in the modelsite and (up to HUGO_MAX models) the Hugo flavor,
# then times a full build of each, side by side: one warm-up run, then RUNS
# (default 3) measured runs, each into an emptied output folder. Prints the
# median wall time, the peak resident memory, the modelsite/Hugo ratios, the
# whole output's bytes (apparent size) and bytes per model, and the largest
# HTML page, and checks that modelsite wrote one page per model. Also prints
# the size of the GitHub Pages artifact the output makes: the output as one
# tar (what actions/upload-pages-artifact archives) compressed with deflate at
# level 6 (what actions/upload-artifact stores; gzip -6 here), which is the
# size actions/deploy-pages compares with the 1 GB limit.
#
# Environment: SHARED_DIR, RUNS, KEEP=1 (keep the corpora; their folder is
# printed), BENCH_TMP (where to put the corpora; default: mktemp -d; use a
# folder on tmpfs such as /dev/shm/bench for steady figures: 100,000 models
# take about 800 MB of corpus and 1 GB of output), HUGO_MAX (default 10000;
# Hugo needs about 6 GB of memory at 50,000 models).
set -euo pipefail
shopt -s inherit_errexit

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED_DIR="${SHARED_DIR:-$ROOT/../shared}"
GEN="$SHARED_DIR/bench/gen_corpus.py"
RUNS="${RUNS:-3}"
HUGO_MAX="${HUGO_MAX:-10000}"
if [ "$#" -gt 0 ]; then SIZES=("$@"); else SIZES=(1000 10000 100000); fi

step() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

[ -f "$GEN" ] || die "corpus generator not found at $GEN (set SHARED_DIR)"
for n in "${SIZES[@]}"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "not a number of models: $n"
done

apt_install() {
    if [ "$(id -u)" -ne 0 ]; then
        die "$* is missing; install it (apt-get install $*) or run as root"
    fi
    if [ -z "${APT_UPDATED:-}" ]; then
        apt-get update -qq
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- tools ------------------------------------------------------------------

step "tools"
if [ ! -x /usr/bin/time ]; then
    echo "installing time (GNU time, for peak memory)" >&2
    apt_install time
fi
if ! command -v hugo >/dev/null 2>&1; then
    echo "installing hugo" >&2
    apt_install hugo
fi
HUGO="$(command -v hugo)"
echo "hugo: $("$HUGO" version)" >&2

step "cargo build --release"
(cd "$ROOT" && cargo build --release)
MODELSITE="$ROOT/target/release/modelsite"
[ -x "$MODELSITE" ] || die "$MODELSITE was not built"

MS_FLAGS=(--offline)
if "$MODELSITE" build --help 2>/dev/null | grep -q -- '--quiet'; then
    MS_FLAGS+=(--quiet)
fi
echo "modelsite: $MODELSITE build --root DIR ${MS_FLAGS[*]}" >&2
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d " " -f 1-3 /proc/loadavg)" >&2

if [ -n "${BENCH_TMP:-}" ]; then
    WORK="$BENCH_TMP"
    mkdir -p "$WORK"
else
    WORK="$(mktemp -d "${TMPDIR:-/tmp}/modelsite-bench.XXXXXX")"
    if [ -z "${KEEP:-}" ]; then
        trap 'rm -rf "$WORK"' EXIT
    fi
fi
echo "corpora in: $WORK" >&2

# --- measuring --------------------------------------------------------------

# run_once LABEL DIR CMD... : builds once into an emptied DIR/public and
# prints "wall_seconds peak_kib cpu_seconds". Fails (with the tool's output) on error.
run_once() {
    local label="$1" dir="$2"
    shift 2
    local out="$WORK/last-run.txt" tf="$WORK/last-time.txt"
    rm -rf "$dir/public" "$dir/resources"
    if ! /usr/bin/time -f '%e %M %U %S' -o "$tf" "$@" >"$out" 2>&1; then
        cat "$out" >&2
        die "$label build failed in $dir"
    fi
    tail -n 1 "$tf" | awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }'
}

# median of the numbers given as arguments
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
        if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# measure LABEL DIR CMD... : one warm-up, RUNS measured runs; prints
# "median_wall_s peak_mib median_cpu_s" (peak = the highest of the measured
# runs; cpu = user + system time, less sensitive than wall time to other load).
measure() {
    local label="$1" dir="$2"
    shift 2
    local walls=() cpus=() peak=0 i res wall kib cpu
    echo "  $label: warm-up" >&2
    run_once "$label" "$dir" "$@" >/dev/null
    for ((i = 1; i <= RUNS; i++)); do
        res="$(run_once "$label" "$dir" "$@")"
        read -r wall kib cpu <<<"$res"
        echo "  $label: run $i: ${wall} s, $(awk -v k="$kib" 'BEGIN { printf "%.0f", k / 1024 }') MiB, ${cpu} s CPU" >&2
        walls+=("$wall")
        cpus+=("$cpu")
        if [ "$kib" -gt "$peak" ]; then peak="$kib"; fi
    done
    printf '%s %s %s\n' "$(median "${walls[@]}")" "$(awk -v k="$peak" 'BEGIN { printf "%.0f", k / 1024 }')" \
        "$(median "${cpus[@]}")"
}

RESULTS=()
CHECKS=()
SIZES_OUT=()
for n in "${SIZES[@]}"; do
    ms_dir="$WORK/modelsite-$n"
    hugo_dir="$WORK/hugo-$n"
    step "N=$n: generating corpora"
    if [ ! -d "$ms_dir" ]; then python3 "$GEN" "$n" "$ms_dir"; fi
    with_hugo=$([ "$n" -le "$HUGO_MAX" ] && echo 1 || true)
    if [ -n "$with_hugo" ] && [ ! -d "$hugo_dir" ]; then python3 "$GEN" "$n" "$hugo_dir" --flavor hugo; fi

    step "N=$n: building ($RUNS runs after one warm-up)"
    res="$(measure modelsite "$ms_dir" "$MODELSITE" build --root "$ms_dir" "${MS_FLAGS[@]}")"
    read -r ms_wall ms_mib ms_cpu <<<"$res"
    pages=$(find "$ms_dir/public/models" -mindepth 2 -maxdepth 2 -name index.html 2>/dev/null | wc -l)
    if [ "$pages" -eq "$n" ]; then
        CHECKS+=("N=$n: modelsite wrote $pages model pages (public/models/*/index.html): OK")
    else
        CHECKS+=("N=$n: modelsite wrote $pages model pages (public/models/*/index.html), expected $n: MISMATCH")
    fi
    bytes=$(du -sb --apparent-size "$ms_dir/public" | cut -f 1)
    largest=$(find "$ms_dir/public" -name '*.html' -printf '%s %P\n' | sort -n | tail -n 1)
    tar_bytes=$(tar -C "$ms_dir/public" -cf - . | wc -c)
    artifact_bytes=$(tar -C "$ms_dir/public" -cf - . | gzip -6 | wc -c)
    SIZES_OUT+=("$n $bytes $tar_bytes $artifact_bytes $largest")
    if [ -n "$with_hugo" ]; then
        res="$(measure hugo "$hugo_dir" "$HUGO" --quiet -s "$hugo_dir")"
        read -r hugo_wall hugo_mib hugo_cpu <<<"$res"
        hugo_bytes=$(du -sb --apparent-size "$hugo_dir/public" | cut -f 1)
    else
        hugo_wall=0 hugo_mib=0 hugo_cpu=0 hugo_bytes=0
    fi
    RESULTS+=("$n $ms_wall $ms_mib $ms_cpu $hugo_wall $hugo_mib $hugo_cpu $hugo_bytes")
done

# --- report -----------------------------------------------------------------

step "results (median wall and CPU time of $RUNS runs, highest peak RSS)"
row() { printf '%-7s %-10s %9s %11s %9s %10s %11s %10s\n' "$@"; }
row N tool "wall s" "peak MiB" "CPU s" "wall/hugo" "peak/hugo" "CPU/hugo"
status=0
for row in "${RESULTS[@]}"; do
    read -r n ms_wall ms_mib ms_cpu hugo_wall hugo_mib hugo_cpu _ <<<"$row"
    if [ "$hugo_wall" = 0 ]; then
        row "$n" modelsite "$ms_wall" "$ms_mib" "$ms_cpu" "" "" ""
        continue
    fi
    ratios="$(awk -v a="$ms_wall" -v b="$hugo_wall" -v c="$ms_mib" -v d="$hugo_mib" -v e="$ms_cpu" -v f="$hugo_cpu" \
        'function r(x, y) { return y > 0 ? x / y : 0 } BEGIN { printf "%.2f %.2f %.2f\n", r(a, b), r(c, d), r(e, f) }')"
    read -r rw rp rc <<<"$ratios"
    row "$n" modelsite "$ms_wall" "$ms_mib" "$ms_cpu" "${rw}x" "${rp}x" "${rc}x"
    row "$n" hugo "$hugo_wall" "$hugo_mib" "$hugo_cpu" "" "" ""
done
echo
printf '%-7s %14s %12s %14s %14s %14s  %s\n' N "output bytes" "bytes/model" "hugo bytes" "tar bytes" \
    "Pages artifact" "largest HTML page"
for i in "${!SIZES_OUT[@]}"; do
    read -r n bytes tar_bytes artifact_bytes largest_bytes largest_file <<<"${SIZES_OUT[$i]}"
    read -r _ _ _ _ _ _ _ hugo_bytes <<<"${RESULTS[$i]}"
    printf '%-7s %14s %12s %14s %14s %14s  %s (%s bytes)\n' "$n" "$bytes" "$((bytes / n))" \
        "$([ "$hugo_bytes" = 0 ] && echo - || echo "$hugo_bytes")" "$tar_bytes" "$artifact_bytes" \
        "$largest_file" "$largest_bytes"
done
echo
for line in "${CHECKS[@]}"; do
    echo "$line"
    case "$line" in *MISMATCH) status=1 ;; esac
done
if [ -n "${KEEP:-}" ] || [ -n "${BENCH_TMP:-}" ]; then echo "corpora kept in $WORK"; fi
exit "$status"
