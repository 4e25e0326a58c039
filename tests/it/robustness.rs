//! No payload crashes the generated bindings: every hostile input gets an
//! [`EventError`] that says what is wrong. Each source's `Event` is fed the
//! same inputs. A bounded property test (the CI version of the `fuzz/`
//! targets) throws random bytes and mutated examples at both and checks
//! that the compiled validators agree with the interpreter.

use std::path::Path;
use std::sync::OnceLock;

use eventsmith::{EventError, Limits, Options, ParseError};
use eventsmith_codegen::Compiled;
use eventsmith_codegen::validate::CatalogValidator;
use proptest::prelude::*;
use serde_json::{Value, json};

/// One source's generated entry points, as plain functions.
struct Source {
    name: &'static str,
    from_slice: fn(&[u8]) -> Result<(), EventError>,
    from_slice_with: fn(&[u8], &Options) -> Result<(), EventError>,
    from_value: fn(Value) -> Result<(), EventError>,
    /// `from_value` reading newer versions as strictly as the interpreter does.
    from_value_strict: fn(Value) -> Result<(), EventError>,
    /// A valid example of the source, as JSON.
    example: &'static str,
}

const STRICT: Options = Options {
    limits: Limits::DEFAULT,
    unknown_types: eventsmith::UnknownTypes::Reject,
    newer_versions: eventsmith::NewerVersions::Strict,
};

const SOURCES: [Source; 2] = [
    Source {
        name: "impact_stack",
        from_slice: |b| eventsmith::impact_stack::Event::from_slice(b).map(drop),
        from_slice_with: |b, o| eventsmith::impact_stack::Event::from_slice_with(b, o).map(drop),
        from_value: |v| eventsmith::impact_stack::Event::from_value(v).map(drop),
        from_value_strict: |v| {
            eventsmith::impact_stack::Event::from_value_with(v, &STRICT).map(drop)
        },
        example: "schemas/impact_stack/form_submission_confirmed/examples/1.1.0-utc.json",
    },
    Source {
        name: "gigs",
        from_slice: |b| eventsmith::gigs::Event::from_slice(b).map(drop),
        from_slice_with: |b, o| eventsmith::gigs::Event::from_slice_with(b, o).map(drop),
        from_value: |v| eventsmith::gigs::Event::from_value(v).map(drop),
        from_value_strict: |v| eventsmith::gigs::Event::from_value_with(v, &STRICT).map(drop),
        example: "schemas/gigs/sim.updated/examples/2024-10-28.json",
    },
];

fn example(s: &Source) -> Value {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(s.example)).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    assert!(
        (s.from_value)(value.clone()).is_ok(),
        "{}: the example itself must be valid",
        s.name
    );
    value
}

fn with(mut base: Value, key: &str, value: Value) -> Vec<u8> {
    base[key] = value;
    serde_json::to_vec(&base).unwrap()
}

/// `{"type": .., ..., "<key>": <raw>}` with `raw` spliced in as text.
fn with_raw(base: &Value, key: &str, raw: &str) -> Vec<u8> {
    let mut text = serde_json::to_string(base).unwrap();
    text.pop(); // the closing brace
    text.push_str(&format!(",{}:{raw}}}", serde_json::to_string(key).unwrap()));
    text.into_bytes()
}

fn parse_error(r: Result<(), EventError>) -> ParseError {
    match r {
        Err(EventError::Parse(e)) => e,
        other => panic!("expected a parse error, got {other:?}"),
    }
}

#[test]
fn empty_and_non_json_input_are_syntax_errors() {
    for s in &SOURCES {
        for input in [
            &b""[..],
            b"   \n",
            b"hello",
            b"{",
            b"{'type': 1}",
            b"{\"type\": \"x\",}",
            b"{} {}",
            b"\x00",
        ] {
            let e = parse_error((s.from_slice)(input));
            assert!(
                matches!(e, ParseError::Syntax { .. }),
                "{}: {input:?} -> {e:?}",
                s.name
            );
            assert!(e.to_string().starts_with("invalid JSON"), "{e}");
        }
    }
}

#[test]
fn arrays_and_scalars_at_the_root_are_not_events() {
    for s in &SOURCES {
        for (input, found) in [
            ("[]", "array"),
            ("[{\"type\": \"x\"}]", "array"),
            ("1", "integer"),
            ("-2.5", "number"),
            ("\"event\"", "string"),
            ("null", "null"),
            ("true", "boolean"),
        ] {
            match (s.from_slice)(input.as_bytes()) {
                Err(EventError::NotAnObject { found: f }) => {
                    assert_eq!(f, found, "{}: {input}", s.name)
                }
                other => panic!("{}: {input} -> {other:?}", s.name),
            }
        }
    }
}

#[test]
fn invalid_utf8_is_a_syntax_error() {
    for s in &SOURCES {
        let base = example(s);
        for bad in [
            &b"\"\xff\""[..],
            b"\"a\xc3\"",
            b"\"\xed\xa0\x80\"",
            b"\"\\ud800\"",
        ] {
            let mut input = with_raw(&base, "note", "0");
            let at = input.len() - 2;
            input.splice(at..at + 1, bad.iter().copied());
            let e = parse_error((s.from_slice)(&input));
            assert!(
                matches!(e, ParseError::Syntax { line: 1, .. }),
                "{}: {bad:?} -> {e:?}",
                s.name
            );
        }
    }
}

#[test]
fn numbers_beyond_the_json_types_are_refused_or_reported() {
    let s = &SOURCES[0];
    let base = example(s);
    let mut without_id = base.clone();
    without_id.as_object_mut().unwrap().remove("id");
    // Beyond f64: not a number serde_json can hold.
    for raw in ["1e400", "-1e400", "1e999999999"] {
        let e = parse_error((s.from_slice)(&with_raw(&without_id, "id", raw)));
        assert!(e.to_string().contains("number out of range"), "{raw}: {e}");
    }
    // Beyond what the Rust field holds (`id` is an `i64`): the effective
    // schema bounds every integer to its Rust type, so such a payload is
    // invalid, with the bound it breaks, on every path (never a decoding
    // failure; the CLI says the same, see `cli/tests`).
    for (raw, keyword) in [
        ("18446744073709551616", "maximum"),
        ("9223372036854775808", "maximum"),
        ("-9223372036854777856", "minimum"),
        ("1e20", "maximum"),
    ] {
        match (s.from_slice)(&with_raw(&without_id, "id", raw)) {
            Err(EventError::Invalid {
                event_type,
                schema_version,
                errors,
                ..
            }) => {
                assert_eq!(
                    (event_type.as_str(), schema_version),
                    ("form_submission_confirmed", "1.1.0")
                );
                assert_eq!(errors.0.len(), 1, "{raw}: {errors}");
                assert_eq!(
                    (
                        errors.0[0].instance_path.as_str(),
                        errors.0[0].keyword.as_str()
                    ),
                    ("/id", keyword),
                    "{raw}"
                );
            }
            other => panic!("{raw}: {other:?}"),
        }
    }
    // At the limits themselves: valid and decoded exactly.
    for raw in ["9223372036854775807", "-9223372036854775808", "1.0"] {
        assert!(
            (s.from_slice)(&with_raw(&without_id, "id", raw)).is_ok(),
            "{raw}"
        );
    }
    // An integer beyond 64 bits is read as a double, as serde_json and
    // JavaScript read it (docs/catalog-format.md, "Integers"): one that
    // rounds onto `i64::MIN` is that value.
    let rounded = <eventsmith::impact_stack::form_submission_confirmed::V1_1_0 as eventsmith::Schema>::from_slice(
        &with_raw(&without_id, "id", "-9223372036854775809"),
    )
    .unwrap();
    assert_eq!(rounded.id, i64::MIN);
    // A fraction where an integer belongs is a schema error, not a crash.
    match (s.from_slice)(&with(base.clone(), "id", json!(1.5))) {
        Err(EventError::Invalid { errors, .. }) => assert_eq!(errors.0[0].instance_path, "/id"),
        other => panic!("{other:?}"),
    }
    // Huge numbers in a free-form member are kept, not rejected.
    assert!((s.from_slice)(&with_raw(&base, "note", "123456789012345678901234567890")).is_ok());
}

#[test]
fn nan_and_infinity_are_not_json() {
    for s in &SOURCES {
        let base = example(s);
        for raw in ["NaN", "Infinity", "-Infinity", "nan", "+1", "0x10", "01"] {
            let e = parse_error((s.from_slice)(&with_raw(&base, "note", raw)));
            assert!(
                matches!(e, ParseError::Syntax { .. }),
                "{}: {raw} -> {e:?}",
                s.name
            );
        }
    }
    // As strings where a number belongs, they are schema errors.
    let s = &SOURCES[0];
    for text in ["NaN", "Infinity", "1e400"] {
        match (s.from_slice)(&with(example(s), "id", json!(text))) {
            Err(EventError::Invalid { errors, .. }) => {
                assert_eq!(
                    (
                        errors.0[0].instance_path.as_str(),
                        errors.0[0].keyword.as_str()
                    ),
                    ("/id", "type")
                );
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

fn nested(depth: usize) -> String {
    "[".repeat(depth) + &"]".repeat(depth)
}

#[test]
fn deep_nesting_is_a_depth_error_not_a_stack_overflow() {
    for s in &SOURCES {
        let base = example(s);
        let input = with_raw(&base, "note", &nested(100_000));
        let e = parse_error((s.from_slice)(&input));
        assert!(
            matches!(
                e,
                ParseError::TooDeep {
                    limit: 64,
                    line: 1,
                    ..
                }
            ),
            "{}: {e:?}",
            s.name
        );
        assert!(e.to_string().contains("limit of 64 levels"), "{e}");
        // The same with the limit raised as far as it goes (126) and beyond.
        for max_depth in [126, 100_000] {
            let options = Options {
                limits: Limits {
                    max_depth,
                    ..Limits::DEFAULT
                },
                ..Options::default()
            };
            let e = parse_error((s.from_slice_with)(&input, &options));
            assert!(
                matches!(e, ParseError::TooDeep { limit: 126, .. }),
                "{}: {e:?}",
                s.name
            );
        }
        // Objects nest the same way.
        let objects = "{\"a\":".repeat(100_000) + "1" + &"}".repeat(100_000);
        let e = parse_error((s.from_slice)(&with_raw(&base, "note", &objects)));
        assert!(matches!(e, ParseError::TooDeep { .. }), "{e:?}");
    }
    // Within the limit, a deep free-form member is accepted (the root is level 1).
    let s = &SOURCES[0];
    let base = example(s);
    assert!((s.from_slice)(&with_raw(&base, "note", &nested(63))).is_ok());
    assert!(matches!(
        parse_error((s.from_slice)(&with_raw(&base, "note", &nested(64)))),
        ParseError::TooDeep { .. }
    ));
    let deeper = Options {
        limits: Limits {
            max_depth: 100,
            ..Limits::DEFAULT
        },
        ..Options::default()
    };
    assert!((s.from_slice_with)(&with_raw(&base, "note", &nested(99)), &deeper).is_ok());
}

#[test]
fn a_100_mb_string_is_refused_by_default_and_read_with_a_raised_limit() {
    let s = &SOURCES[0];
    let base = example(s);
    let big = "x".repeat(100 * 1024 * 1024);
    let input = with(base, "note", Value::String(big));
    match parse_error((s.from_slice)(&input)) {
        ParseError::TooLarge { size, limit } => {
            assert_eq!((size, limit), (input.len(), Limits::DEFAULT.max_bytes));
        }
        other => panic!("{other:?}"),
    }
    let options = Options {
        limits: Limits {
            max_bytes: 128 * 1024 * 1024,
            ..Limits::DEFAULT
        },
        ..Options::default()
    };
    let event = eventsmith::impact_stack::Event::from_slice_with(&input, &options).unwrap();
    let note = serde_json::to_value(&event).unwrap();
    assert_eq!(note["note"].as_str().map(str::len), Some(100 * 1024 * 1024));
}

#[test]
fn duplicate_keys_are_rejected_wherever_they_are() {
    for s in &SOURCES {
        let base = example(s);
        let top = with_raw(&base, "type", "\"other\"");
        match parse_error((s.from_slice)(&top)) {
            ParseError::DuplicateKey { key, line: 1, .. } => assert_eq!(key, "type"),
            other => panic!("{}: {other:?}", s.name),
        }
        let inner = with_raw(&base, "note", "{\"a\": 1, \"b\": {\"c\": 1, \"c\": 2}}");
        match parse_error((s.from_slice)(&inner)) {
            ParseError::DuplicateKey { key, .. } => assert_eq!(key, "c"),
            other => panic!("{}: {other:?}", s.name),
        }
    }
}

#[test]
fn versions_that_are_not_versions() {
    let impact = &SOURCES[0];
    for bad in [
        "banana",
        "",
        "1.0",
        "v1.1.0",
        "1.1.0.0",
        "01.1.0",
        "1.1.0 ",
        "2023-02-30",
    ] {
        match (impact.from_slice)(&with(example(impact), "version", json!(bad))) {
            Err(EventError::InvalidVersion {
                version, reason, ..
            }) => {
                assert_eq!(version, bad);
                assert!(!reason.is_empty());
            }
            other => panic!("impact_stack {bad:?}: {other:?}"),
        }
    }
    let gigs = &SOURCES[1];
    for bad in [
        "2023-02-30",
        "2024-13-01",
        "20241028",
        "1.0.0",
        "latest",
        "",
    ] {
        match (gigs.from_slice)(&with(example(gigs), "version", json!(bad))) {
            Err(EventError::InvalidVersion { version, .. }) => assert_eq!(version, bad),
            other => panic!("gigs {bad:?}: {other:?}"),
        }
    }
    // Well-formed but older than any schema.
    match (gigs.from_slice)(&with(example(gigs), "version", json!("1999-01-01"))) {
        Err(EventError::UnknownVersion { known, .. }) => assert!(!known.is_empty()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn type_and_version_must_be_strings() {
    for s in &SOURCES {
        for field in ["type", "version"] {
            for (value, found) in [
                (json!(42), "integer"),
                (json!(null), "null"),
                (json!({}), "object"),
                (json!(["x"]), "array"),
            ] {
                match (s.from_slice)(&with(example(s), field, value)) {
                    Err(EventError::FieldNotString {
                        field: f,
                        found: got,
                    }) => {
                        assert_eq!((f.as_str(), got), (field, found), "{}", s.name);
                    }
                    other => panic!("{} {field}={found}: {other:?}", s.name),
                }
            }
        }
        let mut missing = example(s);
        missing.as_object_mut().unwrap().remove("type");
        assert!(
            matches!((s.from_value)(missing), Err(EventError::MissingField { field }) if field == "type")
        );
        assert!(matches!(
            (s.from_slice)(&with(example(s), "type", json!("no.such.type"))),
            Err(EventError::UnknownType { event_type }) if event_type == "no.such.type"
        ));
    }
}

/// Found by the payload fuzz target: a payload newer than every schema, with
/// a string outside an `enum`, is accepted by the bindings by default
/// (`NewerVersions::Tolerate`), rejected with `Strict` and by the interpreter.
#[test]
fn newer_versions_are_tolerated_by_default_and_strict_on_request() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas/gigs/paymentMethod.created/examples/2025-05-22.json");
    let mut value: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    value["version"] = json!("4050-05-22");
    value["data"]["brand"] = json!("v]isa");
    assert!((SOURCES[1].from_value)(value.clone()).is_ok());
    match (SOURCES[1].from_value_strict)(value.clone()) {
        Err(EventError::Invalid {
            errors,
            schema_version,
            ..
        }) => {
            assert_eq!(schema_version, "2025-05-22");
            assert_eq!(
                (
                    errors.0[0].instance_path.as_str(),
                    errors.0[0].keyword.as_str()
                ),
                ("/data/brand", "enum")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(!CatalogValidator::new(compiled()).validate(&value).valid);
    agree(&value).unwrap();
}

// ---------------------------------------------------------------------------
// Bounded property tests: the CI version of `fuzz/fuzz_targets/payload.rs`.

fn compiled() -> &'static Compiled {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    COMPILED.get_or_init(crate::compiled)
}

/// A random JSON value, small enough to keep cases fast.
fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("1.1.0"),
            Just("2024-10-28"),
            Just("active"),
            Just("2021-03-31T11:26:34"),
            Just("e9cb75da-efcf-4dd3-9025-f7f1167b5eec"),
            Just("12.50 EUR"),
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every example payload of the shipped catalog, valid and invalid.
fn all_examples() -> &'static [Value] {
    static EXAMPLES: OnceLock<Vec<Value>> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        let mut out = Vec::new();
        for s in &compiled().catalog.sources {
            for e in &s.events {
                for v in &e.versions {
                    out.extend(v.examples.iter().map(|x| x.value.clone()));
                }
            }
        }
        assert!(out.len() > 50);
        out
    })
}

/// Replaces the value at a random path of `v` (descending once per step, as
/// far as containers go) with `new`.
fn mutate(v: &mut Value, steps: &[usize], new: Value) {
    let Some((&i, rest)) = steps.split_first() else {
        *v = new;
        return;
    };
    match v {
        Value::Object(m) if !m.is_empty() => {
            let key = m.keys().nth(i % m.len()).cloned().unwrap_or_default();
            if let Some(child) = m.get_mut(&key) {
                mutate(child, rest, new);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            let len = a.len();
            if let Some(child) = a.get_mut(i % len) {
                mutate(child, rest, new);
            }
        }
        _ => *v = new,
    }
}

/// The compiled bindings and the interpreter agree: a payload is rejected as
/// invalid by one exactly when the other finds errors, with the same
/// errors. The interpreter is strict about newer versions (the bindings
/// tolerate some widenings by default), so the bindings are asked to be too.
fn agree(value: &Value) -> Result<(), TestCaseError> {
    thread_local! {
        static VALIDATOR: CatalogValidator<'static> = CatalogValidator::new(compiled());
    }
    let outcome = VALIDATOR.with(|v| v.validate(value));
    let _ = (
        (SOURCES[0].from_value)(value.clone()),
        (SOURCES[1].from_value)(value.clone()),
    );
    let compiled_results = [
        (SOURCES[0].from_value_strict)(value.clone()),
        (SOURCES[1].from_value_strict)(value.clone()),
    ];
    // The source whose type the payload names decides; dispatch errors from the
    // other source say only "not mine".
    let verdict = compiled_results
        .iter()
        .find(|r| !matches!(r, Err(EventError::UnknownType { .. })));
    match verdict {
        Some(Ok(())) | Some(Err(EventError::Decode { .. })) => {
            prop_assert!(
                outcome.valid,
                "bindings accept, interpreter rejects: {:?}\n{value}",
                outcome.errors
            );
        }
        Some(Err(EventError::Invalid { errors, .. })) => {
            prop_assert!(
                !outcome.valid,
                "bindings reject ({errors}), interpreter accepts:\n{value}"
            );
            let mut a: Vec<(&str, &str)> = errors
                .iter()
                .map(|e| (e.instance_path.as_str(), e.keyword.as_str()))
                .collect();
            let mut b: Vec<(&str, &str)> = outcome
                .errors
                .iter()
                .map(|e| (e.instance_path.as_str(), e.keyword.as_str()))
                .collect();
            a.sort_unstable();
            b.sort_unstable();
            prop_assert_eq!(a, b, "{}", value);
        }
        Some(Err(_)) | None => prop_assert!(
            !outcome.valid,
            "dispatch error in the bindings, interpreter accepts:\n{value}"
        ),
    }
    Ok(())
}

/// Bytes and the same payload parsed into a `Value` get the same verdict,
/// for both sources and both ways of judging newer versions: the same
/// event, or the same errors (compared as sets: the bytes path reports
/// them in payload order, the `Value` path in its map's order).
fn bytes_and_value_agree(bytes: &[u8]) -> Result<(), TestCaseError> {
    macro_rules! check {
        ($event:ty) => {
            for options in [Options::default(), STRICT] {
                let by_value = match eventsmith::json::parse_slice(bytes, options.limits) {
                    Ok(value) => <$event>::from_value_with(value, &options),
                    Err(e) => Err(EventError::Parse(e)),
                };
                let by_bytes = <$event>::from_slice_with(bytes, &options);
                match (&by_bytes, &by_value) {
                    (
                        Err(EventError::Invalid { errors: a, .. }),
                        Err(EventError::Invalid { errors: b, .. }),
                    ) => {
                        let sorted = |e: &eventsmith::Errors| {
                            let mut v: Vec<String> = e.iter().map(ToString::to_string).collect();
                            v.sort();
                            v
                        };
                        prop_assert_eq!(sorted(a), sorted(b), "{}", String::from_utf8_lossy(bytes));
                    }
                    _ => {
                        prop_assert_eq!(&by_bytes, &by_value, "{}", String::from_utf8_lossy(bytes))
                    }
                }
            }
        };
    }
    check!(eventsmith::impact_stack::Event);
    check!(eventsmith::gigs::Event);
    Ok(())
}

/// Every catalog example as compact JSON.
fn example_bytes() -> impl Iterator<Item = Vec<u8>> {
    all_examples()
        .iter()
        .map(|v| serde_json::to_vec(v).unwrap())
}

#[test]
fn every_example_gets_the_same_verdict_from_bytes_and_from_a_value() {
    for bytes in example_bytes() {
        bytes_and_value_agree(&bytes).unwrap();
    }
}

/// What only text can say, which a `Value` cannot carry, gets a verdict
/// from the text: duplicate keys anywhere, escaped member names, nesting
/// beyond the limit.
#[test]
fn text_only_details_are_judged_on_the_text() {
    let base = example(&SOURCES[1]);
    let text = serde_json::to_string(&base).unwrap();
    let object_body = &text[1..];
    let cases: Vec<(String, bool)> = vec![
        (text.clone(), true),
        // A member twice, at the top, in `data`, in an unknown member.
        (format!("{{\"id\":\"x\",{object_body}"), false),
        (
            text.replacen("\"data\":{", "\"data\":{\"object\":\"sim\",", 1),
            false,
        ),
        (format!("{{\"zz\":{{\"a\":1,\"a\":2}},{object_body}"), false),
        (
            format!("{{\"type\":\"com.gigs.sim.deleted\",{object_body}"),
            false,
        ),
        // Whitespace between every token.
        (serde_json::to_string_pretty(&base).unwrap(), true),
        // Escaped member names are the members they spell.
        (
            text.replacen("\"type\":\"com.gigs", "\"t\\u0079pe\":\"com.gigs", 1),
            true,
        ),
        (text.replacen("\"iccid\"", "\"\\u0069ccid\"", 1), true),
        (
            text.replacen("\"provider\":\"p9\"", "\"provider\":9", 1),
            false,
        ),
        // Too deep for the limit.
        (format!("{{\"zz\":{},{object_body}", nested(70)), false),
    ];
    for (text, valid) in cases {
        let got = eventsmith::gigs::Event::from_slice(text.as_bytes());
        assert_eq!(got.is_ok(), valid, "{text}: {got:?}");
        bytes_and_value_agree(text.as_bytes()).unwrap();
    }
}

/// Errors of the members of a map come in payload order, whatever order
/// the map's keys sort in.
#[test]
fn errors_of_map_entries_come_in_payload_order() {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("schemas/impact_stack/form_submission/examples/0.0.0-legacy.json"),
    )
    .unwrap();
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    let mut bad = v["_optins"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap()
        .clone();
    bad["operation"] = Value::from("opt-oud");
    let text = serde_json::to_string(&v).unwrap().replacen(
        "\"_optins\":",
        &format!("\"_optins\":{{\"4\":{bad},\"2\":{bad}}},\"_was_optins\":"),
        1,
    );
    let Err(EventError::Invalid { errors, .. }) =
        eventsmith::impact_stack::Event::from_slice(text.as_bytes())
    else {
        panic!("invalid");
    };
    let paths: Vec<&str> = errors.0.iter().map(|e| e.instance_path.as_str()).collect();
    assert_eq!(paths[..2], ["/_optins/4/operation", "/_optins/2/operation"]);
}

/// Strings that look like what the format checkers and value parsers read,
/// with the odd byte wrong: digits, separators, IDNA-relevant code points.
fn near_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,40}",
        "[0-9:.TZ+\\-]{0,30}",
        "P[0-9YMWDTHS.,]{0,12}",
        "-?[0-9]{0,25}(\\.[0-9]{0,30})?( [A-Z]{0,4})?",
        "[a-z0-9.@\\[\\]:\"%{}/#~-]{0,40}",
        "(xn--)?[a-z\u{00B7}\u{0375}\u{05F3}\u{200C}\u{200D}\u{094D}\u{0660}\u{06F0}\u{30FB}.-]{0,16}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Every format check and value parser the bindings run on payload text
    /// answers instead of panicking (the arithmetic and indexing the clippy
    /// audit lists in `core` all sit behind these entry points).
    #[test]
    fn formats_and_value_parsers_never_panic(text in near_text()) {
        for format in eventsmith::formats::Format::ALL {
            let _ = format.check(&text);
        }
        let _ = eventsmith::DateTime::parse(&text);
        let _ = eventsmith::DateTime::parse_rfc3339(&text);
        let _ = eventsmith::Duration::parse(&text);
        let _ = eventsmith::Decimal::parse(&text);
        let _ = eventsmith::Money::parse(&text);
        let _ = eventsmith::version::SemVer::parse(&text);
        let _ = eventsmith::version::Date::parse(&text);
        let _ = eventsmith::version::select(eventsmith::version::Scheme::Semver, &["0.0.0", "1.0.0", "1.2.0"], &text);
        let _ = eventsmith::version::select(eventsmith::version::Scheme::Calendar, &["2024-10-28", "2025-05-22"], &text);
        let _ = eventsmith::json::parse_str(&text, Limits::DEFAULT);
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        for s in &SOURCES {
            let _ = (s.from_slice)(&bytes);
        }
    }

    #[test]
    fn random_json_never_panics_and_agrees(value in arb_json()) {
        agree(&value)?;
        bytes_and_value_agree(&serde_json::to_vec(&value).unwrap_or_default())?;
    }

    #[test]
    fn mutated_examples_never_panic_and_agree(
        pick in any::<prop::sample::Index>(),
        steps in prop::collection::vec(any::<usize>(), 0..5),
        new in arb_json(),
    ) {
        let mut value = pick.get(all_examples()).clone();
        mutate(&mut value, &steps, new);
        agree(&value)?;
        let bytes = serde_json::to_vec(&value).unwrap_or_default();
        for s in &SOURCES {
            let _ = (s.from_slice)(&bytes);
        }
        bytes_and_value_agree(&bytes)?;
    }
}
