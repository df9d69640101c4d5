//! A Hugging Face model card given to `import` on standard input: front
//! matter, metadata and body split as the importer reads them.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use modelsite::import::card;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = modelsite::source::text_of(bytes.to_vec(), Path::new("-")) else {
        return;
    };
    if let Err(e) = card::read(Path::new("-"), Some(&text)) {
        let _ = e.render(false);
    }
});
