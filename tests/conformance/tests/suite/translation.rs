//! The export writes JSON Schema 2020-12 whatever draft a schema was
//! written in (`export::bundle::standalone_2020_12`: draft constructs
//! translated, every reference resolved into `$defs`). The proof that the
//! translation is faithful: `jsonschema` gives the translation (read as
//! 2020-12) the verdicts it gives the original (read as its own draft), on
//! every case of every group eventsmith supports, in every draft. The
//! catalog's examples get the same treatment in `catalog.rs`.

use std::path::PathBuf;

use eventsmith_codegen::diagnostic::Diagnostics;
use eventsmith_codegen::export::bundle::standalone_2020_12;
use eventsmith_codegen::keywords::{Draft, FormatMode};
use eventsmith_codegen::load::document::Document;
use eventsmith_codegen::load::registry::{Loc, Registry, Settings};
use eventsmith_conformance::suite_files::{File, Group, Part};
use serde_json::Value;

use super::agreement::suite_validator_as;
use super::drafts::{DIVERGENCES, OTHER_DRAFTS, files, jsonschema_draft, lower};
use super::manifest_dir;

/// The 2020-12 translation of a suite group's schema, read as `draft`,
/// `format` annotating (as in the required and optional tests).
pub fn translate(group: &Group, draft: Draft) -> (Value, Diagnostics) {
    let mut reg = Registry::new();
    reg.set_default_settings(Settings {
        default_draft: draft,
        formats: Some(FormatMode::Annotate),
        ..Settings::default()
    });
    reg.map_remote(
        "http://localhost:1234/",
        &manifest_dir().join("suite").join("remotes"),
    );
    let url = url_of(&group.module);
    let id = reg.add(
        url,
        Document::new(PathBuf::from(&group.module), group.schema.clone()),
    );
    let mut diags = Diagnostics::default();
    let loc = Loc {
        doc: id,
        pointer: String::new(),
    };
    (standalone_2020_12(&mut reg, &loc, &mut diags), diags)
}

fn url_of(name: &str) -> url::Url {
    url::Url::parse("json-schema:///")
        .and_then(|u| u.join(name))
        .unwrap()
}

/// Every draft with its suite directory.
fn drafts() -> Vec<(&'static str, Draft)> {
    let mut out: Vec<(&'static str, Draft)> =
        OTHER_DRAFTS.iter().map(|d| (d.dir, d.draft)).collect();
    out.push(("draft2020-12", Draft::Draft2020_12));
    out
}

#[test]
fn translations_to_2020_12_give_the_original_verdicts() {
    let mut problems = Vec::new();
    let mut lines = Vec::new();
    for (dir, draft) in drafts() {
        let mut compared = 0usize;
        let mut groups = 0usize;
        // `format` is read differently by each draft's `jsonschema` (draft-04
        // hostnames, for one): compared where it annotates.
        let suite: Vec<File> = files(dir)
            .into_iter()
            .filter(|f| f.part != Part::Format)
            .collect();
        for file in &suite {
            // What eventsmith reads differently on purpose cannot translate
            // to what the draft's own reading says.
            if DIVERGENCES
                .iter()
                .any(|(d, f, _)| *d == dir && *f == file.name)
            {
                continue;
            }
            for g in &file.groups {
                if lower(g, file.part, draft).is_err() {
                    continue;
                }
                let (translated, diags) = translate(g, draft);
                if diags.has_errors() {
                    problems.push(format!(
                        "{dir} {}: the export fails: {}",
                        g.module,
                        diags.render()
                    ));
                    continue;
                }
                let original = suite_validator_as(&g.schema, file.part, jsonschema_draft(draft));
                let translation =
                    suite_validator_as(&translated, file.part, jsonschema::Draft::Draft202012);
                let (original, translation) = match (original, translation) {
                    (Ok(a), Ok(b)) => (a, b),
                    (a, b) => {
                        problems.push(format!(
                            "{dir} {}: jsonschema cannot build {:?} / {:?}; translation {translated}",
                            g.module,
                            a.err(),
                            b.err()
                        ));
                        continue;
                    }
                };
                groups += 1;
                for case in &g.cases {
                    compared += 1;
                    let (a, b) = (
                        original.is_valid(&case.data),
                        translation.is_valid(&case.data),
                    );
                    if a != b {
                        problems.push(format!(
                            "{dir} {} {} ({} / {}): the original says {a}, the translation {b}\n  original {}\n  translation {translated}\n  instance {}",
                            file.name, g.module, g.description, case.description, g.schema, case.data
                        ));
                    }
                }
            }
        }
        lines.push(format!(
            "translation {dir}: {groups} groups, {compared} cases, the same verdicts before and after"
        ));
    }
    println!("{}", lines.join("\n"));
    assert!(
        problems.is_empty(),
        "{} translations disagree:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// A draft-07 schema and its translation, by hand: what the translation
/// does to each construct.
#[test]
fn translation_of_draft_07_constructs() {
    let schema = serde_json::json!({
        "$id": "http://example.com/root.json",
        "definitions": {"a": {"$id": "#a", "type": "integer"}},
        "properties": {
            "r": {"$ref": "#a", "maximum": 1},
            "t": {"items": [{"type": "string"}], "additionalItems": false},
            "d": {"dependencies": {"x": ["y"], "z": {"required": ["w"]}}}
        }
    });
    let group = Group {
        description: String::new(),
        schema,
        cases: Vec::new(),
        module: "translation_by_hand".to_owned(),
    };
    let (translated, diags) = translate(&group, Draft::Draft7);
    assert!(!diags.has_errors(), "{}", diags.render());
    assert_eq!(
        translated,
        serde_json::json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "properties": {
                "r": {"$ref": "#/$defs/a"},
                "t": {"prefixItems": [{"type": "string"}], "items": false},
                "d": {"dependentRequired": {"x": ["y"]}, "dependentSchemas": {"z": {"required": ["w"]}}}
            },
            "$defs": {"a": {"type": "integer"}}
        })
    );
}
