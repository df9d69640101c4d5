//! `modelsite serve` over real HTTP on 127.0.0.1: the base path, 404s,
//! the next free port, live-reload injection only while serving, and
//! rebuilds on change that keep the last good site. Hostile and numerous
//! clients are in `serve_stress.rs`.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::time::Duration;

use common::Site;
use common::serve::{eventually, get, start, start_with, wait_until};

#[test]
fn serves_under_the_base_path_with_the_404_page_and_reload_script() {
    let site = Site::new();
    let server = start(site.root(), true);
    assert!(
        server.url.ends_with("/repo/"),
        "the sub-path is kept: {}",
        server.url
    );

    let (status, head, _) = get(server.port, "/");
    assert_eq!(status, 307);
    assert!(head.to_lowercase().contains("location: /repo/"));

    let (status, _, body) = get(server.port, "/repo/models/llama/");
    assert_eq!(status, 200);
    assert!(body.contains("LLaMA"));
    assert!(
        body.contains("href=\"../llama-2/\""),
        "links are relative to the page"
    );
    assert!(
        body.contains("data-modelsite-reload"),
        "the reload script is added while serving"
    );
    let on_disk = site.read("public/models/llama/index.html");
    assert!(
        !on_disk.contains("data-modelsite-reload"),
        "never into the built files"
    );

    let (status, head, _) = get(server.port, "/repo/models");
    assert_eq!(status, 307);
    assert!(head.to_lowercase().contains("location: /repo/models/"));

    let (status, _, body) = get(server.port, "/repo/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("<html"), "the site's 404 page: {body}");

    let (status, head, _) = get(server.port, "/repo/style.css");
    assert_eq!(status, 200);
    assert!(head.to_lowercase().contains("content-type: text/css"));
}

#[test]
fn a_taken_port_moves_to_the_next_free_one() {
    let site = Site::new();
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("address").port();
    let server = start_with(site.root(), port, false, &[]);
    assert_ne!(server.port, port);
    assert_eq!(get(server.port, "/repo/").0, 200);
}

#[test]
fn a_change_to_the_file_given_by_config_is_rebuilt() {
    let site = Site::new();
    let prod = site
        .read("modelsite.toml")
        .replace("Test Atlas", "Prod Atlas");
    site.write("prod.toml", &prod);
    let server = start_with(site.root(), 0, true, &["--config", "prod.toml"]);
    assert!(get(server.port, "/repo/").2.contains("Prod Atlas"));
    site.write("prod.toml", &prod.replace("Prod Atlas", "Staging Atlas"));
    eventually(
        "the site rebuilt with the new prod.toml is served",
        Duration::from_secs(30),
        || get(server.port, "/repo/").2.contains("Staging Atlas"),
    );
}

#[test]
fn a_change_is_rebuilt_and_a_broken_save_keeps_the_last_good_site() {
    let site = Site::new();
    let server = start(site.root(), true);
    let page = "/repo/models/llama-2/";
    let yaml = "data/models/llama-2.yaml";
    let good = site.read(yaml);

    site.write(yaml, &good.replace("name: Llama 2", "name: Llama Two"));
    eventually(
        "the rebuilt page is served",
        Duration::from_secs(30),
        || get(server.port, page).2.contains("Llama Two"),
    );

    site.write(yaml, "name: [broken\n");
    // The broken save is reported; wait for the event stream to say so.
    let events_say_failed = || {
        let mut stream = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_millis(500)))
            .ok();
        let _ = write!(stream, "GET /repo/__modelsite/events HTTP/1.0\r\n\r\n");
        let mut buf = [0u8; 4096];
        let n = stream.read(&mut buf).unwrap_or(0);
        let mut text = String::from_utf8_lossy(&buf[..n]).into_owned();
        if !text.contains("event: hello") {
            let m = stream.read(&mut buf).unwrap_or(0);
            text.push_str(&String::from_utf8_lossy(&buf[..m]));
        }
        text.contains("data/models/llama-2.yaml:1:")
    };
    eventually(
        "the failure reaches the event stream",
        Duration::from_secs(30),
        events_say_failed,
    );
    assert!(
        get(server.port, page).2.contains("Llama Two"),
        "the last good site is still served"
    );

    site.write(yaml, &good);
    eventually("the fixed site is served", Duration::from_secs(30), || {
        let body = get(server.port, page).2;
        body.contains("Llama 2") && !body.contains("Llama Two")
    });
}

#[test]
fn after_any_sequence_of_edits_the_output_equals_a_clean_build() {
    let site = Site::new();
    let server = start(site.root(), true);
    // Each edit is followed by a wait for the served site to reflect it.
    type Edit = Box<dyn Fn(&Site)>;
    let edits: Vec<(&str, Edit)> = vec![
        (
            "create a model",
            Box::new(|s: &Site| {
                s.write("data/models/new-one.yaml", "name: New One\ncreator: meta\ncategory: embedding\ntasks: [feature-extraction]\n")
            }),
        ),
        (
            "modify a page",
            Box::new(|s: &Site| {
                s.write(
                    "site/guides/choosing.md",
                    "---\ntitle: Choosing again\nweight: 1\n---\n\n## Size\n\nSmaller.\n",
                )
            }),
        ),
        (
            "rename a model",
            Box::new(|s: &Site| {
                std::fs::rename(
                    s.path("data/models/new-one.yaml"),
                    s.path("data/models/newer-one.yaml"),
                )
                .expect("rename");
            }),
        ),
        (
            "edit a data file",
            Box::new(|s: &Site| {
                s.write("data/categories.yaml", "classification:\n  name: Classifiers\ngenerative:\n  name: Generative models\nembedding:\n  name: Embedders\n")
            }),
        ),
        (
            "override a template",
            Box::new(|s: &Site| {
                s.write(
                    "templates/404.html",
                    "<!doctype html><html><body><p>Lost here.</p></body></html>\n",
                )
            }),
        ),
        (
            "edit the config",
            Box::new(|s: &Site| {
                s.write("modelsite.toml", &format!("title = \"Edited Atlas\"\nbase_url = \"{}\"\n[link_check]\nexternal = false\n", common::BASE_URL))
            }),
        ),
        (
            "delete a page",
            Box::new(|s: &Site| s.remove("site/index.md")),
        ),
    ];
    // The three files, or None while the output folder is being swapped.
    let read_all = || {
        let read = |rel: &str| std::fs::read_to_string(site.path(rel)).ok();
        Some(read("public/sitemap.xml")? + &read("public/404.html")? + &read("public/index.html")?)
    };
    for (what, edit) in &edits {
        let mut before = None;
        eventually(
            "the output folder to be in place",
            Duration::from_secs(30),
            || {
                before = read_all();
                before.is_some()
            },
        );
        edit(&site);
        eventually(what, Duration::from_secs(30), || {
            read_all().is_some_and(|now| Some(now) != before)
        });
    }
    // A clean build of the same sources, with the same local base URL.
    let clean = tempfile::tempdir().expect("temporary folder");
    let url = served_url(&site);
    let run = site.run(&[
        "build",
        "--offline",
        "--base-url",
        &url,
        "--output-dir",
        &clean.path().join("out").to_string_lossy(),
    ]);
    run.expect_code(0);
    let built = snapshot(&clean.path().join("out"));
    // The search index and `models.json` follow once saves pause: wait for
    // the whole output to settle on the clean build's (the comparison
    // below says what differs if it never does).
    let settled = wait_until(Duration::from_secs(30), || {
        try_snapshot(&site.path("public")).is_some_and(|now| now == built)
    });
    drop(server);
    let served = snapshot(&site.path("public"));
    if !settled {
        eprintln!("the served output did not settle on the clean build's within 30 s");
    }
    let served_names: Vec<&String> = served.iter().map(|(n, _)| n).collect();
    let built_names: Vec<&String> = built.iter().map(|(n, _)| n).collect();
    assert_eq!(served_names, built_names, "the same files");
    for ((name, a), (_, b)) in served.iter().zip(&built) {
        assert!(a == b, "{name} differs from a clean build");
    }
}

/// The local base URL the served build used (read from its sitemap).
fn served_url(site: &Site) -> String {
    let sitemap = site.read("public/sitemap.xml");
    let loc = sitemap
        .split("<loc>")
        .nth(1)
        .and_then(|s| s.split("</loc>").next())
        .expect("a URL");
    let rest = loc.trim_start_matches("http://");
    let host_end = rest.find('/').unwrap_or(rest.len());
    format!("http://{}/repo/", &rest[..host_end])
}

/// Every file under `dir` with its bytes, sorted by path.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    try_snapshot(dir).expect("read every file of the output folder")
}

/// Every file under `dir` with its bytes, sorted; `None` when a file or
/// folder vanished while being read (a rebuild is writing).
fn try_snapshot(dir: &Path) -> Option<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).ok()?.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p.strip_prefix(dir).ok()?.to_string_lossy().into_owned();
                out.push((name, std::fs::read(&p).ok()?));
            }
        }
    }
    out.sort();
    Some(out)
}

#[test]
fn saves_by_rename_and_recreated_folders_are_watched() {
    let site = Site::new();
    let server = start(site.root(), true);

    // An editor that writes a temporary file and renames it over the original.
    let yaml = site.path("data/models/llama-2.yaml");
    let tmp = site.path("data/models/.llama-2.yaml.tmp");
    let text = site
        .read("data/models/llama-2.yaml")
        .replace("name: Llama 2", "name: Llama Renamed");
    std::fs::write(&tmp, text).expect("write temporary file");
    std::fs::rename(&tmp, &yaml).expect("rename over the original");
    eventually(
        "the renamed save is rebuilt",
        Duration::from_secs(30),
        || {
            get(server.port, "/repo/models/llama-2/")
                .2
                .contains("Llama Renamed")
        },
    );

    // The folder of pages deleted, then made again with a new page.
    std::fs::remove_dir_all(site.path("site")).expect("remove site/");
    eventually("the pages are gone", Duration::from_secs(30), || {
        get(server.port, "/repo/guides/choosing/").0 == 404
    });
    site.write("site/about.md", "---\ntitle: About again\n---\n\nBack.\n");
    eventually(
        "a page in the recreated folder is served",
        Duration::from_secs(30),
        || get(server.port, "/repo/about/").2.contains("About again"),
    );
}
