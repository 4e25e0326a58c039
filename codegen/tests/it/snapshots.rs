//! Snapshot tests of the generated code for small fixture catalogs under
//! `tests/snapshots/<case>/schemas`, compared with the files in
//! `<case>/expected/`. `UPDATE_EXPECT=1 cargo test -p eventsmith-codegen
//! --test it snapshots::` rewrites them. The `eventsmith-snapshots` crate
//! compiles them.

use std::path::Path;

fn check(case: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(case);
    let generated = eventsmith_codegen::Config::new()
        .schemas(dir.join("schemas"))
        .regenerate_with("UPDATE_EXPECT=1 cargo test -p eventsmith-codegen --test it snapshots::")
        .generate()
        .unwrap_or_else(|e| panic!("{case}: {e}"));
    let mut files = generated.files;
    if !generated.warnings.0.is_empty() {
        let mut shown = String::new();
        for w in &generated.warnings.0 {
            let text = w.render(None).replace(&dir.display().to_string(), "<case>");
            for line in text.lines() {
                shown.push_str(line.trim_end());
                shown.push('\n');
            }
        }
        files.insert("warnings.txt".to_owned(), shown);
    }
    let expected_dir = dir.join("expected");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        let _ = std::fs::remove_dir_all(&expected_dir);
        std::fs::create_dir_all(&expected_dir).unwrap();
        for (name, content) in &files {
            std::fs::write(expected_dir.join(name), content).unwrap();
        }
        return;
    }
    let mut expected_names: Vec<String> = std::fs::read_dir(&expected_dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    expected_names.sort();
    let names: Vec<String> = files.keys().cloned().collect();
    assert_eq!(
        names,
        expected_names,
        "{case}: the generated files differ from {}; rerun with UPDATE_EXPECT=1 and review the diff",
        expected_dir.display()
    );
    for (name, content) in &files {
        let expected = std::fs::read_to_string(expected_dir.join(name)).unwrap_or_default();
        assert!(
            &expected == content,
            "{case}: {name} differs from its snapshot; rerun with UPDATE_EXPECT=1 and review the diff"
        );
    }
}

#[test]
fn shapes() {
    check("shapes");
}

#[test]
fn versions() {
    check("versions");
}

/// A vendor's catalog used unedited: type from a header, schema from
/// `action`, no versions, vendor keywords, names, a replaced type,
/// attributes and a patch, all in `source.yaml`; and integer versions
/// given by a header.
#[test]
fn vendor() {
    check("vendor");
}
