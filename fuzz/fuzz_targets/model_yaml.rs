//! A model's data file: read as `build` reads `data/models/<id>.yaml`
//! (size, UTF-8 and nesting checks, then the schema), and any error drawn
//! as the terminal would show it.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use modelsite::source::data::{ModelData, YamlFile};

fuzz_target!(|bytes: &[u8]| {
    let rel = Path::new("data/models/fuzz.yaml");
    let text = match modelsite::source::text_of(bytes.to_vec(), rel) {
        Ok(text) => text,
        Err(e) => {
            let _ = e.render(false);
            return;
        }
    };
    let file = YamlFile {
        path: rel.to_path_buf(),
        text: text.into(),
    };
    if let Err(e) = file.parse::<ModelData>("a model") {
        let _ = e.render(false);
    }
});
