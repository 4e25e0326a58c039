//! Named regression cases: every problem the suite run and the differential
//! test turned up, each pinned by a small schema. Where the difference with
//! `jsonschema` is one of reporting (not of verdict) the case documents the
//! normalisation in `agreement::normalise`.

use std::collections::BTreeSet;

use eventsmith_codegen::interpret::Interpreter;
use eventsmith_codegen::standalone::{self, Options};
use eventsmith_conformance::suite_files::Part;
use eventsmith_core::validation::{Collect, Path as At, Probe, ValidationError};
use serde_json::{Value, json};

use super::agreement::{disagreement, normalise, suite_validator, theirs};

/// Our errors for `data` against `schema` (interpreter, which the suite test
/// holds identical to the generated code), after checking the probe agrees.
fn ours(schema: &Value, data: &Value) -> Vec<ValidationError> {
    let lowered = standalone::lower("regression", schema, &Options::default()).unwrap();
    let interp = Interpreter::new(&lowered.graph);
    let mut sink = Collect::default();
    let valid = interp.validate(lowered.root, data, &At::Root, &mut sink);
    assert_eq!(
        valid,
        interp.validate(lowered.root, data, &At::Root, &mut Probe)
    );
    assert_eq!(valid, sink.0.is_empty());
    sink.0
}

fn paths(errors: &[ValidationError]) -> BTreeSet<&str> {
    errors.iter().map(|e| e.instance_path.as_str()).collect()
}

fn agree(schema: &Value, data: &Value) {
    let validator = suite_validator(schema, Part::Required).unwrap();
    if let Some(d) = disagreement(&ours(schema, data), &validator, data) {
        panic!("{d}");
    }
}

/// Found by the differential test on dynamicRef.json ("strict-tree"): a
/// member that failed inside a `$ref`'d subschema was reported a second time
/// by the outer `unevaluatedProperties: false`, because the failing `$ref`
/// contributed no annotations. Members of `allOf`/`$ref`/`then`/`else` now
/// count as evaluated without re-checking them (they must validate anyway).
#[test]
fn unevaluated_properties_does_not_repeat_a_failing_ref() {
    let schema = json!({
        "$ref": "#/$defs/node",
        "unevaluatedProperties": false,
        "$defs": {
            "node": {
                "type": "object",
                "properties": {"data": true, "children": {"type": "array", "items": {"$ref": "#/$defs/strict"}}}
            },
            "strict": {"$ref": "#/$defs/node", "unevaluatedProperties": false}
        }
    });
    let data = json!({"children": [{"daat": 1}]});
    let errors = ours(&schema, &data);
    assert_eq!(
        paths(&errors),
        BTreeSet::from(["/children/0/daat"]),
        "{errors:?}"
    );
    agree(&schema, &data);
    agree(&schema, &json!({"children": [{"data": 1}]}));
}

/// `anyOf` branches (unlike `allOf` members) count only when they validate.
#[test]
fn unevaluated_properties_sees_only_valid_any_of_branches() {
    let schema = json!({
        "anyOf": [{"properties": {"a": {"type": "string"}}}, {"properties": {"b": true}, "required": ["b"]}],
        "unevaluatedProperties": false
    });
    assert!(ours(&schema, &json!({"a": "x"})).is_empty());
    let errors = ours(&schema, &json!({"a": "x", "c": 1}));
    assert_eq!(paths(&errors), BTreeSet::from(["/c"]));
    // The second branch fails (no `b`), so its `b` is not evaluated.
    let errors = ours(&schema, &json!({"a": 1, "b": 2}));
    assert_eq!(paths(&errors), BTreeSet::from(["/a"]), "{errors:?}");
    for data in [
        json!({"a": "x", "c": 1}),
        json!({"a": 1, "b": 2}),
        json!({"b": 1, "a": "x"}),
    ] {
        agree(&schema, &data);
    }
}

/// Found by the suite run (properties.json, a member named "foo\rbar"): the
/// node's origin went into a doc comment verbatim, and rustc refuses a bare
/// CR in a doc comment, so the generated crate did not compile.
#[test]
fn member_names_with_control_characters_do_not_break_doc_comments() {
    let schemas = vec![(
        "cr".to_owned(),
        json!({"properties": {"foo\rbar": {"type": "number"}}}),
    )];
    let (code, refused) = standalone::validators(&schemas, &Options::default());
    assert!(refused.is_empty());
    assert!(code.contains("foo\\rbar"), "the name is shown escaped");
    assert!(!code.contains('\r'), "no bare CR in the generated code");
}

/// Found by the suite run (enum.json, "enum with empty array"): the
/// generator refused `enum: []`, which 2020-12 allows (it matches nothing),
/// and once allowed, the emitter wrote `matches!(v.as_str(), Some())`, which
/// does not compile. It is now a warning and an always-failing check.
#[test]
fn empty_enum_is_accepted_and_rejects_everything() {
    let schema = json!({"enum": []});
    for data in [json!(null), json!(1), json!("a"), json!([]), json!({})] {
        let errors = ours(&schema, &data);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].keyword, "enum");
        assert!(
            errors[0].message.starts_with("the enum lists no value"),
            "{}",
            errors[0].message
        );
        agree(&schema, &data);
    }
    let (code, _) = standalone::validators(&[("e".to_owned(), schema)], &Options::default());
    assert!(!code.contains("Some()"), "{code}");
}

/// Found by the suite run (minContains.json): `minContains: 0` emitted
/// `found >= 0u64`, which rustc warns about ("comparison is useless").
#[test]
fn min_contains_zero_emits_no_useless_comparison() {
    let schema = json!({"contains": {"type": "string"}, "minContains": 0, "maxContains": 1});
    let (code, _) =
        standalone::validators(&[("c".to_owned(), schema.clone())], &Options::default());
    assert!(!code.contains(">= 0u64"), "{code}");
    assert!(ours(&schema, &json!([1, 2])).is_empty());
    assert_eq!(
        paths(&ours(&schema, &json!(["a", "b"]))),
        BTreeSet::from([""])
    );
}

/// Found by the differential test on optional/format/idn-hostname.json:
/// with the workspace's `default-features = false`, `jsonschema` has no
/// IDNA tables and accepted every idn-hostname (e.g. "-hello"); the
/// conformance crate enables its `idna` feature. Both must reject these.
#[test]
fn idn_hostnames_are_checked_by_both() {
    let schema = json!({"format": "idn-hostname"});
    let validator = suite_validator(&schema, Part::Format).unwrap();
    for bad in ["-hello", "xn--X", "a..b", "\u{302e}실례.테스트"] {
        assert!(
            !validator.is_valid(&json!(bad)),
            "jsonschema accepts {bad:?}"
        );
    }
    assert!(validator.is_valid(&json!("실례.테스트")));
}

/// Reporting difference, normalised: `items: false` is one error at the
/// array for us ("expected at most 1 items, got 3"), the `false` schema
/// failing at each extra item for `jsonschema`.
#[test]
fn items_false_is_one_error_at_the_array() {
    let schema = json!({"prefixItems": [true], "items": false});
    let data = json!([1, 2, 3]);
    let errors = ours(&schema, &data);
    assert_eq!(paths(&errors), BTreeSet::from([""]));
    let validator = suite_validator(&schema, Part::Required).unwrap();
    let t = theirs(&validator, &data);
    let their_paths: BTreeSet<String> = t.iter().map(|(p, _)| p.clone()).collect();
    assert_eq!(
        their_paths,
        BTreeSet::from(["/1".to_owned(), "/2".to_owned()])
    );
    assert_eq!(normalise(&errors, &t), their_paths);
}

/// Reporting difference, normalised: an `unevaluatedProperties` schema that
/// a member fails is reported at the member by us (its own keyword), as one
/// `unevaluatedProperties` error at the object by `jsonschema`.
#[test]
fn unevaluated_schema_failures_are_reported_at_the_member() {
    let schema = json!({"properties": {"a": true}, "unevaluatedProperties": {"type": "string", "minLength": 3}});
    let data = json!({"a": 1, "b": "xy", "c": "long enough"});
    let errors = ours(&schema, &data);
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (errors[0].instance_path.as_str(), errors[0].keyword.as_str()),
        ("/b", "minLength")
    );
    let validator = suite_validator(&schema, Part::Required).unwrap();
    let t = theirs(&validator, &data);
    assert_eq!(t, vec![(String::new(), true)]);
    assert_eq!(normalise(&errors, &t), BTreeSet::from([String::new()]));
}

/// `$dynamicRef` is resolved at generation time: one node per dynamic scope.
/// The same list schema validates strings or numbers depending on the
/// resource that entered it first.
#[test]
fn dynamic_ref_resolves_per_scope() {
    let schema = json!({
        "$id": "https://example.com/root",
        "properties": {
            "strings": {"$ref": "strings"},
            "numbers": {"$ref": "numbers"}
        },
        "$defs": {
            "list": {"$id": "list", "type": "array", "items": {"$dynamicRef": "#item"}, "$defs": {"item": {"$dynamicAnchor": "item"}}},
            "strings": {"$id": "strings", "$ref": "list", "$defs": {"item": {"$dynamicAnchor": "item", "type": "string"}}},
            "numbers": {"$id": "numbers", "$ref": "list", "$defs": {"item": {"$dynamicAnchor": "item", "type": "number"}}}
        }
    });
    assert!(ours(&schema, &json!({"strings": ["a"], "numbers": [1]})).is_empty());
    let errors = ours(&schema, &json!({"strings": [1], "numbers": ["a"]}));
    assert_eq!(paths(&errors), BTreeSet::from(["/strings/0", "/numbers/0"]));
    agree(&schema, &json!({"strings": [1], "numbers": ["a"]}));
}
