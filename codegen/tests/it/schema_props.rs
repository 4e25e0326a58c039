//! The generator never panics and whatever it accepts is Rust: a bounded
//! property test (the CI version of `fuzz/fuzz_targets/schema.rs`) feeds
//! random schemas built from JSON Schema keywords of every draft, good values
//! and bad, often under a `$schema` other than 2020-12, into
//! a one-event catalog. Loading must not panic, every diagnostic must name
//! its file, an accepted schema must generate code that parses with syn, and
//! the interpreter must run on a few instances. Regressions found by fuzzing
//! are pinned below.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use eventsmith_codegen::emit::{self, EmitOptions};
use eventsmith_codegen::validate::CatalogValidator;
use eventsmith_codegen::{Compiled, Diagnostics};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// A fresh one-event catalog holding `schema` as `s/e/1.0.0.json`.
fn catalog(schema: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "eventsmith-schema-props-{}-{n}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("s/e")).unwrap();
    std::fs::write(dir.join("s/source.yaml"), "title: S\nversioning: semver\n").unwrap();
    std::fs::write(dir.join("s/e/1.0.0.json"), schema).unwrap();
    dir
}

/// Loads, lowers and (when accepted) emits `schema`; returns the diagnostics.
fn generate(schema: &str) -> Diagnostics {
    let dir = catalog(schema);
    let mut diags = Diagnostics::default();
    let compiled = Compiled::load(&dir, &mut diags);
    let rendered = diags.render();
    for d in &diags.0 {
        assert!(
            d.file.is_some(),
            "a diagnostic without a file: {d}\nschema: {schema}"
        );
    }
    if diags.has_errors() {
        assert!(rendered.contains("error["), "{rendered}");
    } else {
        let options = EmitOptions {
            json_schema: true,
            regenerate_with: "test".to_owned(),
            ..EmitOptions::default()
        };
        let files = emit::generate(&compiled, &options)
            .unwrap_or_else(|e| panic!("accepted, but: {e}\nschema: {schema}"));
        for code in files.values() {
            if let Err(e) = syn::parse_file(code) {
                panic!("generated code does not parse: {e}\nschema: {schema}");
            }
        }
        let validator = CatalogValidator::new(&compiled);
        let value: Value = serde_json::from_str(schema).unwrap_or(Value::Null);
        for instance in [
            json!({"type": "e", "version": "1.0.0"}),
            json!({"type": "e", "version": "1.0.0", "a": value}),
            value,
        ] {
            let _ = validator.validate(&instance);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    diags
}

fn names() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("a"),
        Just("b"),
        Just("type"),
        Just("version"),
        Just("first-name"),
        Just("first_name"),
        Just("firstName"),
        Just(""),
        Just("1st"),
        Just("_1st"),
        Just("prénom"),
        Just("extra"),
        Just("self"),
        Just("match"),
        Just("--"),
        Just("a b"),
    ]
    .prop_map(str::to_owned)
}

fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-3i64..20).prop_map(Value::from),
        Just(json!(2.5)),
        Just(json!(-0.0)),
        Just(json!(1e300)),
        Just(json!(18446744073709551615u64)),
        names().prop_map(Value::String),
        Just(json!([])),
        Just(json!({})),
        Just(json!(["a", 1])),
    ]
}

fn type_names() -> impl Strategy<Value = Value> {
    let one = prop_oneof![
        Just("null"),
        Just("boolean"),
        Just("object"),
        Just("array"),
        Just("number"),
        Just("string"),
        Just("integer"),
        Just("strin"),
    ];
    prop_oneof![
        one.clone().prop_map(|t| json!(t)),
        prop::collection::vec(one, 0..3).prop_map(|ts| json!(ts)),
        any_value(),
    ]
}

fn refs() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("#")),
        Just(json!("#/$defs/a")),
        Just(json!("#/$defs/b")),
        Just(json!("#/$defs/nope")),
        Just(json!("#/properties/a")),
        Just(json!("#anchor")),
        Just(json!("#missing")),
        Just(json!("../common/missing.json")),
        Just(json!("http://example.com/x.json")),
        Just(json!("%%")),
        Just(json!(7)),
    ]
}

/// A schema keyword with a value that is right or wrong for it.
fn keyword(schema: BoxedStrategy<Value>) -> impl Strategy<Value = (String, Value)> {
    let k = |name: &'static str, v: BoxedStrategy<Value>| v.prop_map(move |v| (name.to_owned(), v));
    prop_oneof![
        k("type", type_names().boxed()),
        k(
            "enum",
            prop::collection::vec(any_value(), 0..4)
                .prop_map(Value::Array)
                .boxed()
        ),
        k("const", any_value().boxed()),
        k(
            "required",
            prop_oneof![
                prop::collection::vec(names(), 0..3).prop_map(|n| json!(n)),
                any_value()
            ]
            .boxed()
        ),
        k(
            "properties",
            prop::collection::btree_map(names(), schema.clone(), 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect()))
                .boxed()
        ),
        k("additionalProperties", schema.clone()),
        k(
            "patternProperties",
            prop::collection::btree_map(
                prop_oneof![Just("^x-".to_owned()), Just("(".to_owned())],
                schema.clone(),
                0..2
            )
            .prop_map(|m| Value::Object(m.into_iter().collect()))
            .boxed()
        ),
        k("propertyNames", schema.clone()),
        k(
            "items",
            prop_oneof![
                schema.clone(),
                prop::collection::vec(schema.clone(), 0..2)
                    .prop_map(Value::Array)
                    .boxed()
            ]
            .boxed()
        ),
        k(
            "prefixItems",
            prop::collection::vec(schema.clone(), 0..3)
                .prop_map(Value::Array)
                .boxed()
        ),
        k("contains", schema.clone()),
        k("minContains", any_value().boxed()),
        k("minItems", any_value().boxed()),
        k("uniqueItems", any_value().boxed()),
        k(
            "minLength",
            prop_oneof![
                Just(json!(3)),
                Just(json!("3")),
                Just(json!(-1)),
                Just(json!(1.5))
            ]
            .boxed()
        ),
        k(
            "pattern",
            prop_oneof![
                Just(json!("^a+$")),
                Just(json!("(")),
                Just(json!("\\p{L}")),
                any_value()
            ]
            .boxed()
        ),
        k(
            "format",
            prop_oneof![
                Just(json!("uuid")),
                Just(json!("date-time")),
                Just(json!("money")),
                Just(json!("datetime")),
                any_value()
            ]
            .boxed()
        ),
        k("minimum", any_value().boxed()),
        k("multipleOf", any_value().boxed()),
        k(
            "allOf",
            prop::collection::vec(schema.clone(), 0..3)
                .prop_map(Value::Array)
                .boxed()
        ),
        k(
            "anyOf",
            prop::collection::vec(schema.clone(), 0..3)
                .prop_map(Value::Array)
                .boxed()
        ),
        k(
            "oneOf",
            prop::collection::vec(schema.clone(), 0..3)
                .prop_map(Value::Array)
                .boxed()
        ),
        k("not", schema.clone()),
        k("if", schema.clone()),
        k("then", schema.clone()),
        k("else", schema.clone()),
        k(
            "dependentSchemas",
            prop::collection::btree_map(names(), schema.clone(), 0..2)
                .prop_map(|m| Value::Object(m.into_iter().collect()))
                .boxed()
        ),
        k("$ref", refs().boxed()),
        k(
            "$anchor",
            prop_oneof![Just(json!("anchor")), any_value()].boxed()
        ),
        k(
            "title",
            prop_oneof![names().prop_map(Value::String), any_value()].boxed()
        ),
        k(
            "x-rust-name",
            prop_oneof![
                Just(json!("renamed")),
                Just(json!("extra")),
                Just(json!("not an ident")),
                any_value()
            ]
            .boxed()
        ),
        k("unevaluatedProperties", Just(json!(false)).boxed()),
        k("minLenght", Just(json!(3)).boxed()),
        // Keywords of other drafts, good values and bad.
        k(
            "dependencies",
            prop::collection::btree_map(
                names(),
                prop_oneof![
                    prop::collection::vec(names(), 0..2).prop_map(|n| json!(n)),
                    schema.clone()
                ],
                0..3
            )
            .prop_map(|m| Value::Object(m.into_iter().collect()))
            .boxed()
        ),
        k("additionalItems", schema.clone()),
        k(
            "exclusiveMaximum",
            prop_oneof![Just(json!(true)), Just(json!(false)), any_value()].boxed()
        ),
        k("maximum", any_value().boxed()),
        k(
            "id",
            prop_oneof![Just(json!("#a")), Just(json!("x.json#b")), any_value()].boxed()
        ),
        k(
            "$id",
            prop_oneof![Just(json!("#anchor")), Just(json!("y.json")), any_value()].boxed()
        ),
        k(
            "definitions",
            (schema.clone(), schema.clone())
                .prop_map(|(a, b)| json!({"a": a, "b": b}))
                .boxed()
        ),
        k(
            "$recursiveRef",
            prop_oneof![Just(json!("#")), refs()].boxed()
        ),
        k("$recursiveAnchor", any_value().boxed()),
        k("$schema", dialects().boxed()),
    ]
}

/// `$schema` values: every draft, and some eventsmith does not read.
fn dialects() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("http://json-schema.org/draft-04/schema#")),
        Just(json!("http://json-schema.org/draft-06/schema#")),
        Just(json!("http://json-schema.org/draft-07/schema")),
        Just(json!("https://json-schema.org/draft/2019-09/schema")),
        Just(json!("https://json-schema.org/draft/2020-12/schema")),
        Just(json!("http://json-schema.org/draft-03/schema#")),
        any_value(),
    ]
}

fn schema() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(json!({})),
        Just(json!(true)),
        Just(json!(false)),
        Just(json!({"type": "string"})),
        any_value()
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop::collection::vec(keyword(inner.boxed()), 0..5)
            .prop_map(|kws| Value::Object(kws.into_iter().collect::<Map<_, _>>()))
    })
}

/// A root schema: an object, usually with `$defs` (or `definitions`) the
/// references can reach, often in a draft other than 2020-12.
fn root() -> impl Strategy<Value = Value> {
    (
        schema(),
        prop::option::of((schema(), schema())),
        prop::option::of(dialects()),
        any::<bool>(),
    )
        .prop_map(|(s, defs, dialect, legacy)| match (s, defs) {
            (Value::Object(mut obj), defs) => {
                if let Some((a, b)) = defs {
                    let key = if legacy { "definitions" } else { "$defs" };
                    obj.insert(key.to_owned(), json!({"a": a, "b": b}));
                }
                if let Some(d) = dialect {
                    obj.insert("$schema".to_owned(), d);
                }
                Value::Object(obj)
            }
            (s, _) => s,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_generator_never_panics_and_emits_valid_rust(schema in root()) {
        generate(&schema.to_string());
    }
}

/// Found by the schema fuzz target: a carriage return in an enum value (or
/// any schema text that reaches a doc comment) produced a bare CR in a doc
/// comment, which Rust refuses.
#[test]
fn control_characters_in_schema_strings_stay_valid_rust() {
    for schema in [
        r#"{"enum": ["foo\nbar", "foo\rbar"]}"#,
        r#"{"type": "object", "title": "T\r\nU", "description": "a\rb */ c", "properties": {"a": {"type": "string", "description": "p\rq"}}}"#,
        r#"{"type": "object", "properties": {"a": {"enum": ["\u0000", "\u001b[31m", "\"", "\\"]}}}"#,
    ] {
        let diags = generate(schema);
        assert!(!diags.has_errors(), "{schema}: {}", diags.render());
    }
}

/// Found by the property test: `unevaluatedProperties` beside an empty
/// `patternProperties` emitted `if { … }`.
#[test]
fn empty_pattern_properties_beside_unevaluated_properties() {
    for schema in [
        r#"{"unevaluatedProperties": false, "patternProperties": {}}"#,
        r#"{"type": "object", "allOf": [{"patternProperties": {}}], "unevaluatedProperties": false}"#,
    ] {
        let diags = generate(schema);
        assert!(!diags.has_errors(), "{schema}: {}", diags.render());
    }
}

#[test]
fn self_reference_without_type_is_refused_not_looped() {
    for schema in [
        r##"{"$ref": "#"}"##,
        r##"{"allOf": [{"$ref": "#"}]}"##,
        r##"{"type": "object", "properties": {"a": {"$ref": "#/$defs/a"}}, "$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"anyOf": [{"$ref": "#/$defs/a"}]}}}"##,
        r##"{"type": "object", "properties": {"a": {"$ref": "#/$defs/a"}}, "$defs": {"a": {"not": {"$ref": "#/$defs/a"}}}}"##,
        r##"{"type": "object", "properties": {"a": {"$ref": "#/$defs/a"}}, "$defs": {"a": {"if": {"$ref": "#/$defs/a"}, "then": true}}}"##,
    ] {
        let diags = generate(schema);
        assert!(
            diags.errors().any(|d| d.code == "ref-cycle"),
            "{schema}: {}",
            diags.render()
        );
    }
}

#[test]
fn recursion_through_properties_and_items_is_accepted() {
    for schema in [
        r##"{"type": "object", "properties": {"child": {"$ref": "#"}}}"##,
        r##"{"type": "object", "properties": {"a": {"$ref": "#/$defs/list"}}, "$defs": {"list": {"type": "array", "items": {"$ref": "#/$defs/list"}}}}"##,
        r##"{"type": "object", "properties": {"a": {"$ref": "#/$defs/t"}}, "$defs": {"t": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"$ref": "#/$defs/t"}}]}}}"##,
    ] {
        let diags = generate(schema);
        assert!(!diags.has_errors(), "{schema}: {}", diags.render());
    }
}

#[test]
fn a_long_ref_chain_does_not_overflow_the_stack() {
    let mut defs = Map::new();
    for i in 0..2000 {
        defs.insert(
            format!("d{i}"),
            json!({"$ref": format!("#/$defs/d{}", i + 1)}),
        );
    }
    defs.insert("d2000".to_owned(), json!({"type": "string"}));
    let schema =
        json!({"type": "object", "properties": {"a": {"$ref": "#/$defs/d0"}}, "$defs": defs});
    // Run on a thread with the default test stack (2 MiB): the depth guards must hold.
    let text = schema.to_string();
    let diags = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || generate(&text))
        .unwrap()
        .join()
        .unwrap();
    let _ = diags;
}
