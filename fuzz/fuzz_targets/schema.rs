//! Schema bytes → the generator. The bytes become the one version schema of
//! a one-event catalog; loading and lowering must not panic, every error must
//! name its file, and a schema the generator accepts must produce bindings
//! that parse as Rust (syn) and an interpreter that runs.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use eventsmith_codegen::emit::{self, EmitOptions};
use eventsmith_codegen::validate::CatalogValidator;
use eventsmith_codegen::{Compiled, Diagnostics};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

/// A catalog directory of this process: `<tmp>/s/source.yaml` and `s/e/`.
fn catalog() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir =
            std::env::temp_dir().join(format!("eventsmith-fuzz-schema-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("s/e")).unwrap();
        std::fs::write(dir.join("s/source.yaml"), "title: S\nversioning: semver\n").unwrap();
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    // Only JSON reaches the generator as a schema; anything else is the
    // loader's syntax error, which the payload target already covers.
    if serde_json::from_slice::<Value>(data).is_err() {
        return;
    }
    let dir = catalog();
    std::fs::write(dir.join("s/e/1.0.0.json"), data).unwrap();
    let mut diags = Diagnostics::default();
    let compiled = Compiled::load(dir, &mut diags);
    let rendered = diags.render();
    for d in &diags.0 {
        assert!(d.file.is_some(), "a diagnostic without a file: {d}");
    }
    if diags.has_errors() {
        assert!(rendered.contains("error["), "{rendered}");
        return;
    }
    let options = EmitOptions {
        json_schema: true,
        regenerate_with: "fuzz".to_owned(),
        ..EmitOptions::default()
    };
    let files = match emit::generate(&compiled, &options) {
        Ok(files) => files,
        Err(e) => panic!("an accepted schema did not emit: {e}"),
    };
    for code in files.values() {
        if let Err(e) = syn::parse_file(code) {
            panic!("generated code does not parse: {e}");
        }
    }
    let validator = CatalogValidator::new(&compiled);
    let schema: Value = serde_json::from_slice(data).unwrap_or(Value::Null);
    for instance in [
        json!({"type": "e", "version": "1.0.0"}),
        json!({"type": "e", "version": "1.0.0", "a": schema}),
        schema,
    ] {
        let _ = validator.validate(&instance);
    }
});
