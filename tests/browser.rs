//! modelsite in a real browser: runs the Node test suites in tests/browser/
//! (playwright-core driving Debian's headless Chromium) on the binary this
//! crate builds: `serve --watch` (serve.test.mjs); a built site's catalog,
//! search, comparison and chooser (catalog.test.mjs), the same on a
//! catalog of a few thousand models in pages (catalog-scale.test.mjs); and
//! one build served from other paths and hosts (portable.test.mjs).
//!
//! It needs `node`, `/usr/bin/chromium` and `tests/browser/node_modules`,
//! which `scripts/test` installs. Without them it fails, never skips.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";

/// The suites take about 80 s together; past this they are stuck.
const DEADLINE: Duration = Duration::from_secs(300);

/// Fails the test, telling how to install what is missing.
fn missing(what: &str) -> ! {
    panic!(
        "{what} is missing, so the browser tests cannot run. \
         Run scripts/test (as root on Debian it installs chromium, and runs \
         `npm ci` in tests/browser), or install them by hand: \
         `apt-get install chromium nodejs npm` and `cd tests/browser && npm ci`."
    )
}

/// The Node test files, named one by one (`node --test DIR` is read as a
/// glob pattern, not a folder, from Node 21 on).
fn test_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".test.mjs"))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn browser_suites_in_headless_chromium() {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let browser_dir = manifest_dir.join("tests").join("browser");

    match Command::new("node").arg("--version").output() {
        Ok(out) if out.status.success() => {}
        _ => missing("Node.js (`node` on PATH)"),
    }
    if !Path::new(CHROMIUM).exists() {
        missing(CHROMIUM);
    }
    if !browser_dir
        .join("node_modules")
        .join("playwright-core")
        .is_dir()
    {
        missing("tests/browser/node_modules (playwright-core)");
    }

    let files = test_files(&browser_dir);
    assert!(
        !files.is_empty(),
        "no *.test.mjs file in {}",
        browser_dir.display()
    );

    let mut command = Command::new("node");
    command
        .arg("--test")
        .args(
            files
                .iter()
                .map(|f| f.strip_prefix(manifest_dir).unwrap_or(f)),
        )
        .current_dir(manifest_dir)
        .env("MODELSITE_BIN", env!("CARGO_BIN_EXE_modelsite"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own process group, so that a stuck run can be ended whole.
        command.process_group(0);
    }
    let started = Instant::now();
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start node: {e}"));

    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });

    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for node") {
            break Some(status);
        }
        if started.elapsed() > DEADLINE {
            // End node, its test file process, the servers and Chromium.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    println!("{out}");
    if !err.is_empty() {
        println!("--- stderr\n{err}");
    }
    println!("browser suite took {:.1?}", started.elapsed());

    match status {
        None => panic!("the browser tests were still running after {DEADLINE:?}; ended them"),
        Some(status) => assert!(
            status.success(),
            "the browser tests failed ({status}); their output is above"
        ),
    }
}
