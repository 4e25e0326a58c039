//! The broken-catalog corpus. Every directory under `tests/diagnostics/` is a
//! tiny catalog; its `expected.txt` is the snapshot of what eventsmith says
//! about it, rendered in the plain style with paths relative to the case
//! directory. A case without errors must also generate code that parses as
//! Rust; its snapshot then lists the generated fields.
//!
//! `UPDATE_EXPECT=1 cargo test -p eventsmith-codegen --test it diagnostics::`
//! rewrites the snapshots that differ.

use std::path::{Path, PathBuf};

use eventsmith_codegen::diagnostic::{RenderOptions, Style};
use eventsmith_codegen::{Compiled, Config, Diagnostics};

/// Problems about a file's name or existence rather than its content: they
/// have no line to point at.
const WHOLE_FILE_CODES: &[&str] = &[
    "bad-example-name",
    "bad-version-file-name",
    "duplicate-version",
    "example-without-schema",
    "missing-expectation",
    "stale-expectation",
    "unexpected-file",
];

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/diagnostics")
        .canonicalize()
        .unwrap()
}

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

/// What eventsmith says about the catalog in `case`, and the diagnostics
/// that lack a location.
fn check(case: &Path) -> (String, Vec<String>) {
    let mut diags = Diagnostics::default();
    let compiled = Compiled::load(case, &mut diags);
    let unlocated = located(case, &diags);
    let options = RenderOptions {
        style: Style::Plain,
        relative_to: Some(case.to_owned()),
    };
    let mut out = diags.render_with(&options);
    if !diags.has_errors() {
        out.push_str(&generated_fields(case));
    }
    drop(compiled);
    (out, unlocated)
}

/// Every diagnostic names a file of the case, and its line and column when
/// the problem is inside a file. Returns the ones that do not.
fn located(case: &Path, diags: &Diagnostics) -> Vec<String> {
    let mut out = Vec::new();
    for d in &diags.0 {
        match &d.file {
            None => out.push(format!("{}: no file:\n{d}", case.display())),
            Some(file) if !file.starts_with(case) => {
                out.push(format!("{}: file outside the case:\n{d}", case.display()))
            }
            Some(file)
                if file.is_file()
                    && !WHOLE_FILE_CODES.contains(&d.code)
                    && (d.line.is_none() || d.column.is_none()) =>
            {
                out.push(format!("{}: no line:column:\n{d}", case.display()));
            }
            Some(_) => {}
        }
    }
    out
}

/// Generates the bindings of an error-free case, checks they parse as Rust,
/// and lists the fields of the generated structs.
fn generated_fields(case: &Path) -> String {
    let generated = Config::new()
        .schemas(case)
        .cargo_directives(false)
        .generate()
        .unwrap_or_else(|e| {
            panic!(
                "{}: no errors reported, yet generation failed:\n{e}",
                case.display()
            )
        });
    let mut lines = Vec::new();
    for (name, code) in &generated.files {
        let file = syn::parse_file(code)
            .unwrap_or_else(|e| panic!("{}: {name} does not parse: {e}", case.display()));
        // `eventsmith.<source>.rs` holds the items of module `<source>`.
        let mut path: Vec<String> = name
            .strip_prefix("eventsmith.")
            .and_then(|n| n.strip_suffix(".rs"))
            .map(|m| vec![m.to_owned()])
            .unwrap_or_default();
        collect_fields(&file.items, &mut path, &mut lines);
    }
    let mut out = String::from("\ngenerated fields:\n");
    for l in lines {
        out.push_str(&format!("  {l}\n"));
    }
    out
}

fn collect_fields(items: &[syn::Item], path: &mut Vec<String>, out: &mut Vec<String>) {
    for item in items {
        match item {
            syn::Item::Mod(m) => {
                path.push(m.ident.to_string());
                if let Some((_, inner)) = &m.content {
                    collect_fields(inner, path, out);
                }
                path.pop();
            }
            syn::Item::Struct(s) => {
                for f in &s.fields {
                    let Some(ident) = &f.ident else { continue };
                    let ty = quote::ToTokens::to_token_stream(&f.ty)
                        .to_string()
                        .replace(' ', "");
                    out.push(format!("{}::{}.{ident}: {ty}", path.join("::"), s.ident));
                }
            }
            _ => {}
        }
    }
}

#[test]
fn broken_catalogs_get_the_expected_diagnostics() {
    let cases = cases();
    assert!(cases.len() >= 30, "the corpus has {} cases", cases.len());
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    let mut unlocated = Vec::new();
    for case in &cases {
        let (actual, missing) = check(case);
        unlocated.extend(missing);
        let path = case.join("expected.txt");
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if actual == expected {
            continue;
        }
        if update {
            std::fs::write(&path, &actual).unwrap();
            eprintln!("updated {}", path.display());
        } else {
            failures.push(format!(
                "--- {} ---\nexpected:\n{expected}\nactual:\n{actual}",
                case.file_name().unwrap_or_default().to_string_lossy()
            ));
        }
    }
    assert!(
        unlocated.is_empty(),
        "diagnostics without a location:\n{}",
        unlocated.join("\n")
    );
    assert!(
        failures.is_empty(),
        "{} snapshot(s) differ (UPDATE_EXPECT=1 rewrites them):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_broken_case_reports_something() {
    // Cases named `*_is_fine` show that a construct works; every other case
    // must produce at least one diagnostic.
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let mut diags = Diagnostics::default();
        let _ = Compiled::load(&case, &mut diags);
        if name.ends_with("_is_fine") {
            assert!(!diags.has_errors(), "{name}: {}", diags.render());
        } else {
            assert!(!diags.0.is_empty(), "{name}: no diagnostic at all");
        }
    }
}

#[test]
fn rendering_is_deterministic() {
    for case in cases().into_iter().take(8) {
        assert_eq!(check(&case).0, check(&case).0, "{}", case.display());
    }
}

fn temp_catalog(name: &str, files: &[(String, String)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "eventsmith-diagnostics-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, content) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

/// One root cause in many files (here an unknown `$schema` in twelve event
/// types) is drawn once, with its count and the first few other places.
#[test]
fn a_problem_repeated_in_many_files_is_drawn_once() {
    let mut files = vec![(
        "shop/source.yaml".to_owned(),
        "versioning: semver\n".to_owned(),
    )];
    for n in 0..12 {
        files.push((
            format!("shop/event_{n:02}/1.0.0.json"),
            "{\n  \"$schema\": \"http://json-schema.org/draft-08/schema#\",\n  \"type\": \"object\"\n}\n"
                .to_owned(),
        ));
    }
    let dir = temp_catalog("flood", &files);
    let mut diags = Diagnostics::default();
    let _ = Compiled::load(&dir, &mut diags);
    assert_eq!(diags.errors().count(), 12, "{}", diags.render());
    let out = diags.render_with(&RenderOptions {
        style: Style::Plain,
        relative_to: Some(dir.clone()),
    });
    assert_eq!(
        out.matches("error[unsupported-dialect]").count(),
        1,
        "{out}"
    );
    assert!(
        out.contains("the same problem 12 times in all; also at shop/event_01/1.0.0.json:2:14, shop/event_02/1.0.0.json:2:14, shop/event_03/1.0.0.json:2:14, and 8 more"),
        "{out}"
    );
    assert!(out.ends_with("12 errors, 0 warnings\n"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A schema that did not load is not used to judge its examples: its
/// unresolved `$ref` would accept anything and make a correctly recorded
/// invalid example look wrong.
#[test]
fn examples_are_not_proven_against_a_schema_that_failed_to_load() {
    let files = [
        ("shop/source.yaml", "versioning: semver\n"),
        (
            "shop/order_placed/1.0.0.json",
            r#"{"type": "object", "properties": {"total": {"$ref": "../common/money.json"}}}"#,
        ),
        (
            "shop/order_placed/examples/invalid/1.0.0-bad-total.json",
            r#"{"type": "order_placed", "total": "lots"}"#,
        ),
        (
            "shop/order_placed/examples/invalid/expected.yaml",
            "1.0.0-bad-total.json:\n  reason: total is not an amount\n  errors:\n    - instance_path: /total\n      keyword: type\n",
        ),
        (
            "shop/refund/1.0.0.json",
            r#"{"type": "object", "properties": {"id": {"type": "integer"}}}"#,
        ),
        (
            "shop/refund/examples/1.0.0.json",
            r#"{"type": "refund", "id": "seven"}"#,
        ),
    ];
    let files: Vec<(String, String)> = files
        .iter()
        .map(|(p, c)| ((*p).to_owned(), (*c).to_owned()))
        .collect();
    let dir = temp_catalog("cascade", &files);
    let report = eventsmith_codegen::compat::check_catalog(&dir);
    let codes: Vec<&str> = report.diagnostics.0.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"unresolved-ref"), "{codes:?}");
    let skipped: Vec<_> = report
        .diagnostics
        .0
        .iter()
        .filter(|d| d.code == "examples-not-proven")
        .collect();
    assert_eq!(skipped.len(), 1, "{codes:?}");
    assert!(
        skipped[0]
            .message
            .contains("1 example of 1 version not checked: its schema has errors")
            && skipped[0].message.contains("shop/order_placed 1.0.0"),
        "{}",
        skipped[0].message
    );
    // The other event type loaded: its wrong example is still reported.
    let mismatches: Vec<String> = report
        .diagnostics
        .0
        .iter()
        .filter(|d| d.code == "example-mismatch")
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(mismatches.len(), 1, "{mismatches:?}");
    assert!(mismatches[0].contains("expected valid"), "{mismatches:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A broken example is `eventsmith examples`' and `check`'s to report: the
/// bindings and `validate` do not read examples, so the same catalogs
/// generate and validate (a bad example never breaks a user's build).
#[test]
fn broken_examples_do_not_stop_the_bindings_or_validation() {
    for name in [
        "example_bad_names",
        "example_version_mismatch",
        "expected_yaml_wrong",
        "invalid_example_not_listed",
    ] {
        let case = corpus().join(name);
        let mut diags = Diagnostics::default();
        drop(Compiled::load(&case, &mut diags));
        assert!(
            diags.has_errors(),
            "{name}: loading with examples reports them"
        );
        let mut diags = Diagnostics::default();
        let compiled = Compiled::load_validators(&case, &mut diags);
        assert!(
            !diags.has_errors(),
            "{name}: {}",
            diags.render_with(&RenderOptions {
                style: Style::Plain,
                relative_to: None
            })
        );
        assert!(
            compiled
                .catalog
                .sources
                .iter()
                .flat_map(|s| &s.events)
                .flat_map(|e| &e.versions)
                .all(|v| v.examples.is_empty()),
            "{name}: no example read"
        );
        let generated = Config::new()
            .schemas(&case)
            .cargo_directives(false)
            .generate();
        assert!(generated.is_ok(), "{name}: {:?}", generated.err());
    }
}
