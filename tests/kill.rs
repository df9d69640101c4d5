//! A build killed (SIGKILL) at any moment leaves the output folder as the
//! previous build made it, or whole as the new build makes it, never a mix
//! and never missing; the next build succeeds and leaves nothing beside the
//! output folder.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Site;

/// Models in the site, beside the four of [`Site::new`].
const MODELS: usize = 296;

/// Replaces the generated models with those of `version` (0 or 1): each
/// page differs between the two, and a tenth of the models are others.
fn write_models(site: &Site, version: usize) {
    let dir = site.path("data/models");
    for entry in std::fs::read_dir(&dir).expect("models folder").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("gen-") {
            std::fs::remove_file(entry.path()).expect("remove a model");
        }
    }
    for i in 0..MODELS {
        let id = if version == 1 && i % 10 == 0 {
            format!("gen-other-{i:03}")
        } else {
            format!("gen-{i:03}")
        };
        let (creator, category) = if i % 2 == 0 {
            ("google", "classification")
        } else {
            ("meta", "generative")
        };
        site.write(
            &format!("data/models/{id}.yaml"),
            &format!(
                "name: Model {i} v{version}\nsummary: Generated model {i}, version {version}.\ncreator: {creator}\ncategory: {category}\ntasks: [text-generation]\nlicense: apache-2.0\nparameters: {}M\nreleased: \"2024-{:02}\"\n",
                100 + i,
                1 + i % 12
            ),
        );
    }
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read a folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path.strip_prefix(dir).expect("inside").to_string_lossy();
                files.insert(name.into_owned(), std::fs::read(&path).expect("read"));
            }
        }
    }
    files
}

/// How many files are under `dir` now (it may be changing).
fn count_files(dir: &Path) -> usize {
    let mut count = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(entry.path()),
                Ok(_) => count += 1,
                Err(_) => {}
            }
        }
    }
    count
}

/// The names next to the output folder that a build leaves: none but
/// `public` after a build that finished.
fn beside_output(site: &Site) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(site.root())
        .expect("site folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("public"))
        .collect();
    names.sort();
    names
}

fn start_build(site: &Site) -> Child {
    Command::new(env!("CARGO_BIN_EXE_modelsite"))
        .args(["build", "--offline", "--root"])
        .arg(site.root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start modelsite build")
}

/// When to kill a build.
#[derive(Debug, Clone, Copy)]
enum Moment {
    /// Once the staging folder holds this many files.
    StagedFiles(usize),
    /// This long after the build started.
    After(Duration),
}

/// Runs a build and kills it at `moment`; says whether it was still running.
fn kill_at(site: &Site, moment: Moment) -> bool {
    let staging = site.path(".public.staging");
    let mut child = start_build(site);
    let started = Instant::now();
    let deadline = Duration::from_secs(60);
    loop {
        if child.try_wait().expect("build status").is_some() {
            return false;
        }
        let now = match moment {
            Moment::StagedFiles(n) => count_files(&staging) >= n,
            Moment::After(at) => started.elapsed() >= at,
        };
        if now || started.elapsed() > deadline {
            break;
        }
        // Counting the staged files takes time from the build: not too often.
        std::thread::sleep(Duration::from_millis(match moment {
            Moment::StagedFiles(_) => 3,
            Moment::After(_) => 1,
        }));
    }
    // SIGKILL on Unix.
    child.kill().expect("kill the build");
    child.wait().expect("reap the build");
    true
}

/// The files that differ between two snapshots, for a failure message.
fn differing(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut names: Vec<String> = a
        .iter()
        .filter(|(name, bytes)| b.get(*name) != Some(*bytes))
        .map(|(name, _)| name.clone())
        .chain(b.keys().filter(|name| !a.contains_key(*name)).cloned())
        .collect();
    names.sort();
    names.dedup();
    names.truncate(5);
    names
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_previous_output_or_the_new_one() {
    let site = Site::new();
    // The output of each version, from builds that ran to the end.
    let mut outputs = Vec::new();
    let mut took = Duration::MAX;
    for version in [0, 1] {
        write_models(&site, version);
        let started = Instant::now();
        site.build().expect_code(0);
        took = took.min(started.elapsed());
        outputs.push(snapshot(&site.path("public")));
    }
    assert_ne!(outputs[0], outputs[1]);
    let files = outputs[0].len().min(outputs[1].len());
    eprintln!(
        "a build of {} models takes {took:.2?} and writes {files} files",
        MODELS + 4
    );

    let mut moments: Vec<Moment> = [1, 25, 50, 90]
        .iter()
        .map(|percent| Moment::StagedFiles(files * percent / 100))
        .collect();
    // From the start to just past the time a whole build takes.
    moments.extend(
        [0, 50, 100, 110]
            .into_iter()
            .map(|percent| Moment::After(took * percent / 100)),
    );

    let mut killed_running = 0;
    let mut left_behind = 0;
    // The output holds version 1; each trial builds the other version.
    let mut current = 1;
    let public = site.path("public");
    for moment in moments {
        let next = 1 - current;
        write_models(&site, next);
        if !kill_at(&site, moment) {
            // The build ended before the moment came: it must have done
            // all of its work.
            assert!(
                snapshot(&public) == outputs[next],
                "a finished build's output differs"
            );
            assert_eq!(beside_output(&site), ["public"]);
            current = next;
            continue;
        }
        killed_running += 1;
        assert!(
            public.is_dir(),
            "killed at {moment:?}: the output is missing"
        );
        let now = snapshot(&public);
        assert!(
            now == outputs[current] || now == outputs[next],
            "killed at {moment:?}: the output is neither the previous build's nor the new one's; \
             it differs from the previous in {:?} and from the new in {:?}",
            differing(&now, &outputs[current]),
            differing(&now, &outputs[next]),
        );
        if beside_output(&site) != ["public"] {
            left_behind += 1;
        }

        // The next build puts things right.
        site.build().expect_code(0);
        let after = snapshot(&public);
        assert!(
            after == outputs[next],
            "after a build killed at {moment:?}, the next build's output differs in {:?}",
            differing(&after, &outputs[next])
        );
        assert_eq!(
            beside_output(&site),
            ["public"],
            "after a build killed at {moment:?}, the next build leaves only the output folder"
        );
        current = next;
    }
    eprintln!(
        "{killed_running} builds killed while running, {left_behind} left folders beside the output"
    );
    assert!(
        killed_running >= 3,
        "only {killed_running} builds were still running when killed"
    );
    assert!(left_behind >= 1, "no killed build left anything to clean");
}
