//! `modelsite.toml`, parsed and resolved as every command does.
#![no_main]

use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use modelsite::config::{Config, Overrides};

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let root = Path::new("/nonexistent-site");
    if let Err(e) = Config::parse(root, PathBuf::from("modelsite.toml"), text, &Overrides::default()) {
        let _ = e.render(false);
    }
});
