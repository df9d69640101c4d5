//! The HTML scanner that finds every page's links and ids for the link
//! check, on any text, and the classification of what it finds.
#![no_main]

use std::path::Path;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use modelsite::links::internal::{classify, extract};
use modelsite::render::Origin;

fuzz_target!(|bytes: &[u8]| {
    let html = String::from_utf8_lossy(bytes);
    let origin = Origin {
        source: None,
        template: Arc::from(Path::new("page.html")),
    };
    let page = extract("guides/a/index.html", &html, origin);
    for link in page.links.iter().take(64) {
        let _ = classify(link, "guides/a/index.html", "https://x.test/repo/", "/repo/");
    }
});
