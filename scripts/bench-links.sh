#!/usr/bin/env bash
# External link check benchmark: 1,000 distinct links spread over a
# 10,000-model site, against a server on 127.0.0.1 that answers every
# request after 100 ms. Prints the time of `modelsite check` with the link
# cache cold and then warm, and how many requests the server saw each time.
#
# Usage: scripts/bench-links.sh [MODELS] [LINKS]   (defaults 10000 1000)
set -euo pipefail

cd "$(dirname "$0")/.."
models="${1:-10000}"
links="${2:-1000}"
shared="${SHARED_DIR:-../shared}"

work="$(mktemp -d /tmp/modelsite-links.XXXXXX)"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "==> building modelsite (release)"
cargo build --release --quiet
bin="$PWD/target/release/modelsite"

echo "==> generating a site of $models models"
python3 "$shared/bench/gen_corpus.py" "$models" "$work/site" >/dev/null

# A server that waits 100 ms before each answer and counts requests.
cat >"$work/server.py" <<'EOF'
import http.server, socketserver, sys, time, threading
count = 0
lock = threading.Lock()
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        global count
        if self.path == "/count":
            body = str(count).encode()
        else:
            with lock:
                count += 1
            time.sleep(0.1)
            body = b"<html><body>ok</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 1024
server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
EOF
python3 "$work/server.py" >"$work/port" &
server_pid=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port="$(cat "$work/port")"
requests() { python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$port/count').read().decode())"; }

# Spread the links over the models' prose: model i links to link i % LINKS.
python3 - "$work/site" "$links" "$port" "$models" <<'EOF'
import sys, os
site, links, port, models = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
for i in range(models):
    path = os.path.join(site, "site", "models", f"model-{i:05d}.md")
    with open(path, "a") as f:
        f.write(f"\nMore: [reference](http://127.0.0.1:{port}/ref/{i % links})\n")
EOF
# Check external links, and only the server's: the corpus also links to
# public hosts, which this benchmark must not contact.
python3 - "$work/site/modelsite.toml" <<'PY'
import sys
path = sys.argv[1]
exclude = r'"^https?://(arxiv\\.org|huggingface\\.co|github\\.com|[a-z0-9-]+\\.example\\.org)/"'
text = open(path).read().replace("external = false", f"external = true\nexclude = [{exclude}]")
open(path, "w").write(text)
PY
grep -A1 '^external' "$work/site/modelsite.toml"

# Prints the wall time of the whole `check` and of its external-link stage.
run() {
    local start end stage
    start=$(date +%s.%N)
    "$bin" check --root "$work/site" --verbose >"$work/out.txt" 2>&1 || true
    end=$(date +%s.%N)
    stage=$(grep -E '^ +external links' "$work/out.txt" | awk '{print $3}')
    python3 -c "print(f'{$end - $start:.2f} {\"$stage\"}')"
}

rm -rf "$work/site/.modelsite"
before=$(requests)
cold=$(run)
after_cold=$(requests)
warm=$(run)
after_warm=$(requests)
grep -E '^External links' "$work/out.txt" || tail -n 3 "$work/out.txt"

printf '\n%-8s %14s %16s %10s\n' "cache" "check wall s" "link stage" "requests"
read -r cold_all cold_links <<<"$cold"
read -r warm_all warm_links <<<"$warm"
printf '%-8s %14s %16s %10s\n' "cold" "$cold_all" "$cold_links" "$((after_cold - before))"
printf '%-8s %14s %16s %10s\n' "warm" "$warm_all" "$warm_links" "$((after_warm - after_cold))"
