#!/usr/bin/env python3
"""Watch-mode rebuild benchmark.

Generates a site of N models (default 10,000) with ../shared/bench/gen_corpus.py,
starts `modelsite serve --watch` on it, then saves one model file SAVES times
(default 20). For each save it measures the time until the rebuilt page is on
disk with the new text, and until the browsers' event stream says `reload`.
Prints the median and the worst of both. Saves come 200 ms after the last
reload, inside the pause after which models.json and the search index are
remade; a second series (GAP, default 1.0 s after the last reload) saves while
they are being remade, which the save must interrupt rather than wait for.

Usage: scripts/bench-watch.py [N] [SAVES]
"""
import os, re, shutil, socket, statistics, subprocess, sys, tempfile, threading, time, urllib.request

repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = os.environ.get("SHARED_DIR", os.path.join(repo, "..", "shared"))
n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
saves = int(sys.argv[2]) if len(sys.argv) > 2 else 20

subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=repo, check=True)
binary = os.path.join(repo, "target", "release", "modelsite")
work = tempfile.mkdtemp(prefix="modelsite-watch.")
site = os.path.join(work, "site")
subprocess.run([sys.executable, os.path.join(shared, "bench", "gen_corpus.py"), str(n), site], check=True)

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
server = subprocess.Popen([binary, "serve", "--watch", "--offline", "--root", site, "--port", str(port)],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
try:
    url = None
    deadline = time.time() + 600
    while time.time() < deadline:
        line = server.stdout.readline()
        m = re.match(r"Serving the site at (\S+)", line)
        if m:
            url = m.group(1)
            break
    if not url:
        sys.exit("the server did not start")

    reloads = []
    def listen():
        with urllib.request.urlopen(url + "__modelsite/events") as stream:
            for raw in stream:
                if raw.decode().strip() == "event: reload":
                    reloads.append(time.perf_counter())
    threading.Thread(target=listen, daemon=True).start()
    time.sleep(0.5)  # let the event stream connect before the first save

    model = os.path.join(site, "data", "models", "model-00042.yaml")
    page = os.path.join(site, "public", "models", "model-00042", "index.html")
    original = open(model).read()
    def series(label, gap):
        to_disk, to_reload = [], []
        for i in range(saves):
            text = f"Saved version {label} {i} of this model."
            changed = re.sub(r'^summary: .*$', f'summary: "{text}"', original, flags=re.M)
            seen = len(reloads)
            start = time.perf_counter()
            with open(model, "w") as f:
                f.write(changed)
            on_disk = None
            limit = start + 120
            while time.perf_counter() < limit:
                if on_disk is None:
                    try:
                        if text in open(page).read():
                            on_disk = time.perf_counter()
                    except OSError:
                        pass
                if on_disk is not None and len(reloads) > seen:
                    break
                time.sleep(0.002)
            if on_disk is None or len(reloads) <= seen:
                sys.exit(f"save {i}: no rebuild within 120 s")
            to_disk.append((on_disk - start) * 1000)
            to_reload.append((reloads[seen] - start) * 1000)
            time.sleep(gap)
        print(f"{label}: site of {n} models, {saves} saves of one model file, {gap * 1000:.0f} ms after each reload")
        print(f"  save -> page on disk:  median {statistics.median(to_disk):8.0f} ms   worst {max(to_disk):8.0f} ms")
        print(f"  save -> reload sent:   median {statistics.median(to_reload):8.0f} ms   worst {max(to_reload):8.0f} ms")

    series("saves in a row", 0.2)
    series("saves while the search index is remade", float(os.environ.get("GAP", "1.0")))
finally:
    server.terminate()
    server.wait()
    shutil.rmtree(work, ignore_errors=True)
