//! `generated/eventsmith.rs` is a committed, readable copy of the bindings.
//! This test regenerates it in memory and fails when the copy is stale,
//! rewriting it so the fix is in the working tree.

#[test]
fn generated_bindings_are_fresh() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, _warnings) = eventsmith_codegen::Config::new()
        .schemas(root.join("schemas"))
        .json_schema(true)
        .regenerate_with("cargo run -p eventsmith-cli -- generate")
        .generate()
        .unwrap();
    let path = root.join("generated/eventsmith.rs");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != code {
        std::fs::write(&path, &code).unwrap();
        panic!(
            "generated/eventsmith.rs was stale and has been rewritten; review and commit it \
             (refresh by hand with `cargo run -p eventsmith-cli -- generate`)"
        );
    }
}
