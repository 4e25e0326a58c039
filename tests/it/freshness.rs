//! `generated/bindings/` is a committed, readable copy of the bindings: one
//! file per source and the file that includes them. This test regenerates
//! them in memory and fails when the copy is stale, rewriting it so the
//! fix is in the working tree (rust-analyzer's `ensure_file_contents`).

#[test]
fn generated_bindings_are_fresh() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let generated = eventsmith_codegen::Config::new()
        .schemas(root.join("schemas"))
        .json_schema(true)
        .regenerate_with("cargo run -p eventsmith-cli -- generate --out generated/bindings")
        .generate()
        .unwrap();
    let dir = root.join("generated/bindings");
    let mut stale = Vec::new();
    for (name, code) in &generated.files {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(code.as_str()) {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, code).unwrap();
            stale.push(name.clone());
        }
    }
    // A file of a source that no longer exists is stale too.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !generated.files.contains_key(&name) {
            std::fs::remove_file(&path).unwrap();
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "generated/bindings/ was stale ({}) and has been rewritten; review and commit it \
         (refresh by hand with `cargo run -p eventsmith-cli -- generate --out generated/bindings`)",
        stale.join(", ")
    );
}
