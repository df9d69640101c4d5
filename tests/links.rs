//! External link checking against real HTTP servers on 127.0.0.1 that the
//! tests start. Nothing here reaches the internet.

mod common;

use std::time::{Duration, Instant};

use common::{BASE_URL, Run, Site, requests_to};
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A site whose external check is on, with extra `[link_check]` lines.
fn site_checking(extra: &str) -> Site {
    let site = Site::new();
    site.write(
        "modelsite.toml",
        &format!("title = \"Links\"\nbase_url = \"{BASE_URL}\"\n\n[link_check]\nexternal = true\ntimeout = 5\n{extra}\n"),
    );
    site
}

/// A page linking to each URL.
fn page_linking(site: &Site, name: &str, urls: &[String]) {
    let body: String = urls.iter().map(|u| format!("- [link]({u})\n")).collect();
    site.write(
        &format!("site/{name}.md"),
        &format!("---\ntitle: {name}\n---\n\n{body}"),
    );
}

/// Runs the binary off the async runtime, so the mock server keeps serving.
async fn run(site: &Site, args: &[&str]) -> Run {
    let root = site.root().to_path_buf();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        common::run_in(&root, &args)
    })
    .await
    .expect("the run finishes")
}

/// `check --format json`, parsed.
async fn check_json(site: &Site) -> (Run, Value) {
    let run = run(site, &["check", "--format", "json"]).await;
    let json: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON report ({e})\n--- stdout\n{}\n--- stderr\n{}",
            run.stdout, run.stderr
        )
    });
    (run, json)
}

fn broken(json: &Value) -> Vec<(String, String)> {
    json["external_links"]["broken"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|b| {
                    (
                        b["url"].as_str().unwrap_or("").to_string(),
                        b["status"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn respond(server: &MockServer, p: &str, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(p))
        .respond_with(response)
        .mount(server)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_status_is_judged_and_reported_once() {
    let server = MockServer::start().await;
    let u = |p: &str| format!("{}{p}", server.uri());
    respond(&server, "/ok", ResponseTemplate::new(200)).await;
    respond(
        &server,
        "/moved",
        ResponseTemplate::new(301).insert_header("Location", u("/ok").as_str()),
    )
    .await;
    respond(
        &server,
        "/moved-away",
        ResponseTemplate::new(301).insert_header("Location", u("/missing").as_str()),
    )
    .await;
    respond(&server, "/missing", ResponseTemplate::new(404)).await;
    respond(&server, "/gone", ResponseTemplate::new(410)).await;
    respond(&server, "/error", ResponseTemplate::new(500)).await;
    let site = site_checking("");
    let urls: Vec<String> = [
        "/ok",
        "/moved",
        "/moved-away",
        "/missing",
        "/gone",
        "/error",
    ]
    .iter()
    .map(|p| u(p))
    .collect();
    page_linking(&site, "statuses", &urls);

    let (run, json) = check_json(&site).await;
    run.expect_code(1);
    let broken = broken(&json);
    let find = |p: &str| {
        broken
            .iter()
            .find(|(url, _)| url == &u(p))
            .map(|(_, s)| s.clone())
    };
    assert_eq!(find("/ok"), None);
    assert_eq!(
        find("/moved"),
        None,
        "a redirect to a page that exists passes"
    );
    assert!(
        find("/moved-away").is_some_and(|s| s.contains("404")),
        "{broken:?}"
    );
    assert!(
        find("/missing").is_some_and(|s| s.contains("404")),
        "{broken:?}"
    );
    assert!(
        find("/gone").is_some_and(|s| s.contains("410")),
        "{broken:?}"
    );
    assert!(
        find("/error").is_some_and(|s| s.contains("500")),
        "{broken:?}"
    );
    assert_eq!(broken.len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_requests_waits_for_retry_after_then_passes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/busy"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    respond(&server, "/busy", ResponseTemplate::new(200)).await;
    let site = site_checking("max_retries = 2");
    page_linking(&site, "busy", &[format!("{}/busy", server.uri())]);

    let started = Instant::now();
    let (run, json) = check_json(&site).await;
    run.expect_code(0);
    assert!(broken(&json).is_empty());
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "the checker waited as Retry-After asked"
    );
    assert_eq!(requests_to(&server, "/busy").await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_response_slower_than_the_timeout_is_broken() {
    let server = MockServer::start().await;
    respond(
        &server,
        "/slow",
        ResponseTemplate::new(200).set_delay(Duration::from_secs(4)),
    )
    .await;
    let site = site_checking("");
    site.write(
        "modelsite.toml",
        &format!("title = \"Links\"\nbase_url = \"{BASE_URL}\"\n[link_check]\ntimeout = 1\nmax_retries = 0\n"),
    );
    page_linking(&site, "slow", &[format!("{}/slow", server.uri())]);
    let (run, json) = check_json(&site).await;
    run.expect_code(1);
    let b = broken(&json);
    assert_eq!(b.len(), 1);
    assert!(b[0].1.contains("timed out"), "{b:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_connection_is_broken() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let site = site_checking("max_retries = 0");
    page_linking(
        &site,
        "refused",
        &[format!("http://127.0.0.1:{port}/nothing-listens")],
    );
    let (run, json) = check_json(&site).await;
    run.expect_code(1);
    let b = broken(&json);
    assert_eq!(b.len(), 1, "{b:?}");
    assert!(
        b[0].1.to_lowercase().contains("refused") || b[0].1.to_lowercase().contains("connect"),
        "{b:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fragments_are_checked_on_html_pages_when_asked() {
    let server = MockServer::start().await;
    respond(
        &server,
        "/page",
        ResponseTemplate::new(200).set_body_raw(
            "<html><body><h2 id=\"intro\">Intro</h2></body></html>",
            "text/html; charset=utf-8",
        ),
    )
    .await;
    let site = site_checking("check_fragments = true");
    let page = format!("{}/page", server.uri());
    page_linking(
        &site,
        "fragments",
        &[format!("{page}#intro"), format!("{page}#nowhere")],
    );
    let (run, json) = check_json(&site).await;
    run.expect_code(1);
    let b = broken(&json);
    assert_eq!(b.len(), 1, "{b:?}");
    assert_eq!(b[0].0, format!("{page}#nowhere"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_phone_and_excluded_links_are_not_fetched() {
    let server = MockServer::start().await;
    respond(&server, "/excluded/x", ResponseTemplate::new(404)).await;
    let site = site_checking("exclude = [\"/excluded/\"]");
    site.write(
        "site/contact.md",
        &format!(
            "---\ntitle: Contact\n---\n\n[mail](mailto:team@models.test) [call](tel:+15550100) [skip]({}/excluded/x)\n",
            server.uri()
        ),
    );
    let (run, json) = check_json(&site).await;
    run.expect_code(0);
    assert!(broken(&json).is_empty());
    assert!(json["external_links"]["excluded"].as_u64() >= Some(1));
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_url_on_a_hundred_pages_is_requested_once() {
    let server = MockServer::start().await;
    respond(&server, "/shared", ResponseTemplate::new(200)).await;
    let site = site_checking("");
    let url = format!("{}/shared", server.uri());
    for i in 0..100 {
        page_linking(&site, &format!("p{i:03}"), std::slice::from_ref(&url));
    }
    let (run, json) = check_json(&site).await;
    run.expect_code(0);
    assert_eq!(requests_to(&server, "/shared").await, 1);
    let referrers = json["external_links"]["total"].as_u64();
    assert!(referrers.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cache_spares_fresh_links_and_refetches_expired_and_failed_ones() {
    let server = MockServer::start().await;
    respond(&server, "/fine", ResponseTemplate::new(200)).await;
    respond(&server, "/broken", ResponseTemplate::new(404)).await;
    let site = site_checking("cache_max_age = \"1d\"");
    let fine = format!("{}/fine", server.uri());
    page_linking(
        &site,
        "cached",
        &[fine.clone(), format!("{}/broken", server.uri())],
    );

    run(&site, &["check"]).await.expect_code(1);
    assert_eq!(requests_to(&server, "/fine").await, 1);
    assert_eq!(requests_to(&server, "/broken").await, 1);
    assert!(site.exists(".modelsite/link-cache.json"));

    // Warm cache: the passing link is not fetched again; the failure is.
    let (run2, json) = check_json(&site).await;
    run2.expect_code(1);
    assert_eq!(json["external_links"]["cached"], 1);
    assert_eq!(
        requests_to(&server, "/fine").await,
        1,
        "a fresh cache entry makes no request"
    );
    assert_eq!(
        requests_to(&server, "/broken").await,
        2,
        "failures are never cached"
    );

    // An entry older than the cache age is fetched again.
    let mut cache: Value =
        serde_json::from_str(&site.read(".modelsite/link-cache.json")).expect("cache JSON");
    cache["links"][&fine]["checked"] = Value::from(1_000_000u64);
    site.write(".modelsite/link-cache.json", &cache.to_string());
    run(&site, &["check"]).await.expect_code(1);
    assert_eq!(requests_to(&server, "/fine").await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_cache_is_reported_and_ignored() {
    let server = MockServer::start().await;
    respond(&server, "/fine", ResponseTemplate::new(200)).await;
    let site = site_checking("");
    page_linking(&site, "c", &[format!("{}/fine", server.uri())]);
    site.write(".modelsite/link-cache.json", "{ this is not json");
    let run = run(&site, &["check"]).await;
    run.expect_code(0).expect_stderr("link cache");
    assert_eq!(requests_to(&server, "/fine").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_names_the_yaml_markdown_or_template_a_link_is_written_in() {
    let server = MockServer::start().await;
    for p in ["/from-yaml", "/from-markdown", "/from-template"] {
        respond(&server, p, ResponseTemplate::new(404)).await;
    }
    let u = |p: &str| format!("{}{p}", server.uri());
    let site = site_checking("");
    site.write(
        "data/models/llama-2.yaml",
        &format!(
            "name: Llama 2\ncreator: meta\ncategory: generative\nlinks:\n  paper: {}\n",
            u("/from-yaml")
        ),
    );
    page_linking(&site, "notes", &[u("/from-markdown")]);
    site.write(
        "templates/404.html",
        &format!(
            "<!doctype html><html><body><a href=\"{}\">help</a></body></html>\n",
            u("/from-template")
        ),
    );
    let (run, json) = check_json(&site).await;
    run.expect_code(1);
    let all = json["external_links"]["broken"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let source_of = |p: &str| {
        all.iter().find(|b| b["url"] == u(p).as_str()).map(|b| {
            (
                b["referrers"][0]["source"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                b["referrers"][0]["page"].as_str().unwrap_or("").to_string(),
            )
        })
    };
    assert_eq!(
        source_of("/from-yaml"),
        Some((
            "data/models/llama-2.yaml".into(),
            "/repo/models/llama-2/".into()
        ))
    );
    assert_eq!(
        source_of("/from-markdown"),
        Some(("site/notes.md".into(), "/repo/notes/".into()))
    );
    assert_eq!(
        source_of("/from-template"),
        Some(("templates/404.html".into(), "/repo/404.html".into()))
    );

    // The text report says the same, with lines.
    let text = self::run(&site, &["check"]).await;
    text.expect_code(1)
        .expect_stderr(&format!("broken link {}", u("/from-yaml")))
        .expect_stderr("from data/models/llama-2.yaml:5:10")
        .expect_stderr("from site/notes.md:5:10");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn build_warns_about_broken_links_and_fails_only_when_strict() {
    let server = MockServer::start().await;
    respond(&server, "/missing", ResponseTemplate::new(404)).await;
    let site = site_checking("");
    page_linking(&site, "b", &[format!("{}/missing", server.uri())]);

    let run1 = run(&site, &["build"]).await;
    run1.expect_code(0).expect_stderr("warning: broken link");
    assert!(site.exists("public/b/index.html"));
    site.write("public/marker.txt", "previous");

    let run2 = run(&site, &["build", "--strict"]).await;
    run2.expect_code(1)
        .expect_stderr("site/b.md:5:10")
        .expect_stderr("404");
    assert_eq!(
        site.read("public/marker.txt"),
        "previous",
        "a strict failure keeps the old output"
    );

    let before = requests_to(&server, "/missing").await;
    run(&site, &["build", "--offline"]).await.expect_code(0);
    assert_eq!(
        requests_to(&server, "/missing").await,
        before,
        "--offline fetches nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_no_host_can_be_reached_the_report_says_so_once() {
    let ports: Vec<u16> = (0..2)
        .map(|_| {
            std::net::TcpListener::bind("127.0.0.1:0")
                .expect("bind")
                .local_addr()
                .expect("address")
                .port()
        })
        .collect();
    let site = site_checking("max_retries = 0");
    let urls: Vec<String> = ports
        .iter()
        .map(|p| format!("http://127.0.0.1:{p}/a"))
        .collect();
    page_linking(&site, "offline", &urls);
    let run = run(&site, &["check"]).await;
    run.expect_code(0).expect_stderr(
        "the network is unreachable (no host could be reached): 2 external links were not checked",
    );
    assert!(!run.stderr.contains("broken link"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_from_a_data_file_names_that_file() {
    let server = MockServer::start().await;
    respond(&server, "/creator-home", ResponseTemplate::new(404)).await;
    let site = site_checking("");
    site.write(
        "data/creators.yaml",
        &format!(
            "google:\n  name: Google\n  url: {}/creator-home\nmeta:\n  name: Meta AI\n",
            server.uri()
        ),
    );
    let run = run(&site, &["check"]).await;
    run.expect_code(1)
        .expect_stderr("from data/creators.yaml:3:8");
}

/// A loopback port whose listener never accepts and whose queue is full:
/// the kernel leaves every further connection unanswered, as a filtered
/// or unplugged network does. Dropping the result lets it answer again.
fn port_that_never_answers() -> (u16, Vec<impl Sized>) {
    use socket2::{Domain, Socket, Type};
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
    let addr: std::net::SocketAddr = "127.0.0.1:0".parse().expect("address");
    listener.bind(&addr.into()).expect("bind");
    listener.listen(0).expect("listen");
    let local = listener
        .local_addr()
        .expect("address")
        .as_socket()
        .expect("an IP address");
    let mut held = vec![listener];
    // Fill the accept queue with connections nobody accepts; stop once a
    // connection is no longer answered within a moment.
    for _ in 0..8 {
        let client = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
        match client.connect_timeout(&local.into(), Duration::from_millis(300)) {
            Ok(()) => held.push(client),
            Err(_) => break,
        }
    }
    (local.port(), held)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_that_answers_nothing_is_found_out_in_seconds_not_timeouts() {
    // Each of these links would cost 5 s and two retries.
    let site = site_checking("max_retries = 2");
    let (port, _held) = port_that_never_answers();
    let urls: Vec<String> = (0..4)
        .map(|i| format!("http://127.0.0.1:{port}/card-{i}"))
        .collect();
    page_linking(&site, "unanswered", &urls);
    let started = Instant::now();
    let run = run(&site, &["build"]).await;
    let took = started.elapsed();
    run.expect_code(0).expect_stderr(
        "the network is unreachable (no host could be reached): 4 external links were not checked",
    );
    assert_eq!(
        run.stderr.matches("unreachable").count(),
        1,
        "said once: {}",
        run.stderr
    );
    assert!(
        took < Duration::from_secs(8),
        "the build waited {took:?} for a host that never answers"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_counts_add_up_with_what_is_excluded_and_skipped() {
    let server = MockServer::start().await;
    respond(&server, "/fine", ResponseTemplate::new(200)).await;
    respond(&server, "/gone", ResponseTemplate::new(404)).await;
    let site = site_checking("exclude = [\"/left-out\"]");
    let urls = vec![
        format!("{}/fine", server.uri()),
        format!("{}/gone", server.uri()),
        format!("{}/left-out", server.uri()),
        // Example domains, which lychee itself never checks.
        "https://example.com/card".to_string(),
        "https://models.example/card".to_string(),
    ];
    page_linking(&site, "counted", &urls);
    let run = run(&site, &["check"]).await;
    run.expect_code(1);
    let line = run
        .stderr
        .lines()
        .find(|l| l.starts_with("External links: "))
        .unwrap_or_else(|| panic!("no counts in {}", run.stderr));
    let n: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .collect();
    let [found, checked, cached, excluded, broken] = n[..] else {
        panic!("five counts in {line}");
    };
    // The two fetched; the pattern's link, the example domains and the
    // theme's own links to example domains excluded.
    assert_eq!((checked, cached, broken), (2, 0, 1), "{line}");
    assert!(excluded >= 3, "{line}");
    assert_eq!(found, checked + cached + excluded, "{line}");
    assert_eq!(requests_to(&server, "/left-out").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_to_one_host_keep_the_configured_interval() {
    let server = MockServer::start().await;
    for i in 0..4 {
        respond(&server, &format!("/p{i}"), ResponseTemplate::new(200)).await;
    }
    let site = site_checking("per_host_concurrency = 1\nper_host_interval = \"400ms\"");
    let urls: Vec<String> = (0..4).map(|i| format!("{}/p{i}", server.uri())).collect();
    page_linking(&site, "spaced", &urls);
    let started = Instant::now();
    run(&site, &["check"]).await.expect_code(0);
    let took = started.elapsed();
    assert_eq!(requests_to_all(&server).await, 4, "each link fetched once");
    // Four requests with at least 400 ms between any two.
    assert!(
        took >= Duration::from_millis(1200),
        "four requests to one host took only {took:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_interval_names_the_setting() {
    let site = site_checking("per_host_interval = \"soon\"");
    page_linking(&site, "x", &["http://127.0.0.1:9/a".to_string()]);
    run(&site, &["check"])
        .await
        .expect_code(1)
        .expect_stderr("`per_host_interval = \"soon\"` in [link_check] is not a duration")
        .expect_stderr("modelsite.toml");
}

async fn requests_to_all(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}
