//! Snapshot tests of the generated code for small fixture catalogs under
//! `tests/snapshots/<case>/schemas`, compared with `<case>/expected.rs`.
//! `UPDATE_EXPECT=1 cargo test -p eventsmith-codegen --test snapshots`
//! rewrites the snapshots. The `eventsmith-snapshots` crate compiles them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

fn check(case: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(case);
    let (code, warnings) = eventsmith_codegen::Config::new()
        .schemas(dir.join("schemas"))
        .regenerate_with("UPDATE_EXPECT=1 cargo test -p eventsmith-codegen --test snapshots")
        .generate()
        .unwrap_or_else(|e| panic!("{case}: {e}"));
    let expected_path = dir.join("expected.rs");
    let mut full = code;
    if !warnings.0.is_empty() {
        full.push_str("\n// Warnings:\n");
        for w in &warnings.0 {
            let shown = w.render(None).replace(&dir.display().to_string(), "<case>");
            for line in shown.lines() {
                full.push_str(&format!("// {line}\n"));
            }
        }
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&expected_path, &full).unwrap();
        return;
    }
    assert!(
        expected == full,
        "{case}: generated code differs from {}; rerun with UPDATE_EXPECT=1 and review the diff",
        expected_path.display()
    );
}

#[test]
fn shapes() {
    check("shapes");
}

#[test]
fn versions() {
    check("versions");
}
