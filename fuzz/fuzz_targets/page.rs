//! A page under `site/`: front matter split and parsed, then the Markdown
//! rendered with `@/` links and shortcodes, as a build renders it.
#![no_main]

use std::path::Path;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use modelsite::markdown::{MarkdownEnv, Problem, ShortcodeArgs, render};
use modelsite::source::pages::PageSource;

fuzz_target!(|bytes: &[u8]| {
    let rel = Path::new("site/fuzz.md");
    let Ok(text) = modelsite::source::text_of(bytes.to_vec(), rel) else {
        return;
    };
    let text: Arc<str> = text.into();
    let page = match PageSource::parse(rel, text.clone(), false) {
        Ok(page) => page,
        Err(e) => {
            let _ = e.render(false);
            return;
        }
    };
    // One page and one model exist; every other target is an error.
    let resolve = |target: &str| -> Result<(String, String), Problem> {
        match target.split('#').next().unwrap_or("") {
            "@/guides/a.md" => Ok(("https://x.test/guides/a/".into(), "guides/a/".into())),
            "@/models/m.md" => Ok(("https://x.test/models/m/".into(), "models/m/".into())),
            _ => Err((format!("no page {target}"), Some("check the path".into()))),
        }
    };
    let shortcode = |name: &str, args: &ShortcodeArgs| -> Result<String, Problem> {
        match name {
            "models" | "model" => Ok(format!("<p>{} arguments</p>", args.len())),
            _ => Err((format!("no shortcode {name}"), None)),
        }
    };
    let env = MarkdownEnv {
        file: rel,
        text: &text,
        body_start: page.body_start,
        resolve_link: &resolve,
        shortcode: &shortcode,
        html: modelsite::config::RawHtml::Keep,
    };
    if let Err(errors) = render(&env) {
        for e in errors {
            let _ = e.render(false);
        }
    }
    // The sanitizer on the same text: never a panic, and what it writes
    // is clean already.
    let sanitized = MarkdownEnv {
        html: modelsite::config::RawHtml::Sanitize,
        ..env
    };
    let _ = render(&sanitized);
    let once = modelsite::sanitize::clean_html(&text).into_owned();
    assert_eq!(modelsite::sanitize::clean_html(&once), once.as_str());
});
