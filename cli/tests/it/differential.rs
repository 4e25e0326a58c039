//! One verdict everywhere: the CLI's validator (`CatalogValidator`, and the
//! `eventsmith validate` binary on an NDJSON stream, one and two jobs) and
//! the compiled bindings (`eventsmith::impact_stack::Event`,
//! `eventsmith::gigs::Event`) judge the same bytes alike: same verdict, same
//! errors in the same order (instance path, schema path, keyword, message),
//! same dispatch and parse errors. On every example of the shipped catalog
//! and on generated edge cases: numbers at and beyond the 64-bit limits,
//! long strings, nesting at and past the depth limit, unusual Unicode.
//! Payloads newer than their schema are compared both ways: strict (the
//! CLI's default, `Options::newer_versions = Strict`) and tolerant (the
//! bindings' default, `--newer-versions tolerate`).

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use eventsmith::event::Given;
use eventsmith::{EventError, Limits, NewerVersions, Options};
use eventsmith_codegen::validate::{CatalogValidator, Outcome};
use eventsmith_codegen::{Compiled, Diagnostics};
use eventsmith_core::json::Tape;
use eventsmith_core::validation::ValidationError;
use serde_json::{Value, json};

use crate::catalog;

fn compiled() -> &'static Compiled {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let mut diags = Diagnostics::default();
        let compiled = Compiled::load(&catalog(), &mut diags);
        assert!(!diags.has_errors(), "{}", diags.render());
        compiled
    })
}

/// What a path said about one payload, in comparable form: `Ok(errors)`
/// from validation (empty when valid), `Err(message)` for a payload that
/// never reached a schema (not JSON, no dispatch).
type Verdict = Result<Vec<ValidationError>, String>;

/// The bindings of the payload's source: the source whose dispatch knows
/// its type, else the first source the CLI tries (its error is the CLI's).
fn bindings(bytes: &[u8], newer_versions: NewerVersions) -> Verdict {
    let options = Options {
        newer_versions,
        ..Options::default()
    };
    let given = Given::NOTHING;
    let mut results = Vec::new();
    for source in &compiled().sources {
        let result = match source.name.as_str() {
            "impact_stack" => eventsmith::event::from_slice::<eventsmith::impact_stack::Event>(
                bytes, &given, &options,
            )
            .map(|_| ()),
            "gigs" => {
                eventsmith::event::from_slice::<eventsmith::gigs::Event>(bytes, &given, &options)
                    .map(|_| ())
            }
            // Its payloads never say their type: with nothing given,
            // dispatch asks for the header.
            "github" => {
                eventsmith::event::from_slice::<eventsmith::github::Event>(bytes, &given, &options)
                    .map(|_| ())
            }
            other => panic!("the test does not know source {other}"),
        };
        results.push(result);
    }
    // The first source that locates the payload's type decides; when none
    // does, the first source's error stands, except that a source wanting
    // its type given explains a payload without a type member best (the
    // CLI's rule).
    let locating_type = |r: &Result<(), EventError>| match r {
        Err(
            EventError::UnknownType { .. }
            | EventError::TypeNotGiven { .. }
            | EventError::NotAnObject { .. },
        ) => true,
        Err(EventError::MissingField { field } | EventError::FieldNotString { field, .. }) => {
            field == "type"
        }
        _ => false,
    };
    let decides = results
        .iter()
        .position(|r| !locating_type(r))
        .unwrap_or_else(|| {
            let given_wanted = results
                .iter()
                .position(|r| matches!(r, Err(EventError::TypeNotGiven { .. })));
            match (&results[0], given_wanted) {
                (Err(EventError::MissingField { .. }), Some(i)) => i,
                _ => 0,
            }
        });
    match results.swap_remove(decides) {
        Ok(()) => Ok(Vec::new()),
        Err(EventError::Invalid { errors, .. }) => Ok(errors.0),
        Err(EventError::Decode { .. }) => {
            panic!("valid to the validator, refused by the decode: {bytes:.200?}")
        }
        Err(e) => Err(e.to_string()),
    }
}

/// What the CLI's validator says, as [`Verdict`].
fn verdict_of(outcome: &Outcome) -> Verdict {
    match outcome.errors.first() {
        Some(e) if e.keyword == "dispatch" || e.keyword == "parse" => {
            assert_eq!(outcome.errors.len(), 1, "{outcome:?}");
            Err(e.message.clone())
        }
        _ => {
            assert_eq!(outcome.valid, outcome.errors.is_empty());
            Ok(outcome.errors.clone())
        }
    }
}

fn library(validator: &CatalogValidator<'_>, bytes: &[u8]) -> Outcome {
    match Tape::parse(bytes, Limits::DEFAULT) {
        Ok(tape) => validator.validate_node(tape.root()),
        Err(e) => Outcome {
            event_type: None,
            version: None,
            schema_version: None,
            valid: false,
            errors: vec![ValidationError {
                instance_path: String::new(),
                schema_path: String::new(),
                keyword: "parse".to_owned(),
                message: e.to_string(),
            }],
        },
    }
}

/// `eventsmith validate --format json` over `cases` as NDJSON: one record
/// per case, in order.
fn binary(cases: &[Case], extra: &[&str]) -> Vec<Value> {
    let schemas = catalog();
    let mut args = vec![
        "validate",
        "--schemas",
        schemas.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let mut child = Command::new(env!("CARGO_BIN_EXE_eventsmith"))
        .args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut text = Vec::new();
    for case in cases {
        assert!(!case.bytes.contains(&b'\n'), "{}", case.name);
        text.extend_from_slice(&case.bytes);
        text.push(b'\n');
    }
    let writer = std::thread::spawn(move || stdin.write_all(&text).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), cases.len());
    records
}

/// One payload to judge.
struct Case {
    name: String,
    bytes: Vec<u8>,
}

fn example_values() -> Vec<(String, Value)> {
    let c = compiled();
    let mut out = Vec::new();
    for s in &c.catalog.sources {
        for e in &s.events {
            for v in &e.versions {
                for x in &v.examples {
                    let name = x
                        .path
                        .strip_prefix(&c.catalog.root)
                        .unwrap_or(&x.path)
                        .display()
                        .to_string();
                    out.push((name, x.value.clone()));
                }
            }
        }
    }
    out
}

fn example(relative: &str) -> Value {
    let text = std::fs::read_to_string(catalog().join(relative)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// `base` with member `pointer` (`/a/b`, created with its parents if absent) holding the raw
/// JSON text `raw`, in compact form.
fn with_raw(base: &Value, pointer: &str, raw: &str) -> Vec<u8> {
    const MARK: &str = "\u{1}EVENTSMITH-RAW\u{1}";
    let mut value = base.clone();
    let mut holder = &mut value;
    for key in pointer.split('/').skip(1) {
        // Missing objects on the way are made (indexing a `Value` does).
        holder = &mut holder[key];
    }
    *holder = json!(MARK);
    let text = value.to_string();
    let marked = serde_json::to_string(MARK).unwrap();
    text.replacen(&marked, raw, 1).into_bytes()
}

fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// Every example, and edge cases built on one example of each source.
fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = example_values()
        .into_iter()
        .map(|(name, value)| Case {
            name,
            bytes: value.to_string().into_bytes(),
        })
        .collect();
    let impact = example("impact_stack/form_submission_confirmed/examples/1.1.0-utc.json");
    let gigs = example("gigs/sim.updated/examples/2025-05-22.json");
    let numbers = [
        "0",
        "-0",
        "1.0",
        "-1.0",
        "1e20",
        "1E2",
        "0.5",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "123456789012345678901234567890",
        "-123456789012345678901234567890",
        "1e400",
        "-1e400",
        "1.7976931348623157e308",
        "5e-324",
    ];
    // An integer member (`id`, i64), a string member, a member the schema
    // does not name, a free-form map member, the version member.
    for (base, tag, pointers) in [
        (
            &impact,
            "impact",
            &["/id", "/uuid", "/x_extra", "/version"][..],
        ),
        (
            &gigs,
            "gigs",
            &["/data/metadata/n", "/data/iccid", "/x_extra", "/version"][..],
        ),
    ] {
        for pointer in pointers {
            for n in numbers {
                cases.push(Case {
                    name: format!("{tag} {pointer} = {n}"),
                    bytes: with_raw(base, pointer, n),
                });
            }
        }
        let long = "x".repeat(1 << 20);
        let long_escaped = "\\u00e9".repeat(1 << 17);
        let strings = [
            format!("\"{long}\""),
            format!("\"{long_escaped}\""),
            "\"\\ud83d\\ude00\"".to_owned(),
            "\"\\ud800\"".to_owned(),
            "\"\\udc00\\ud800\"".to_owned(),
            "\"a\\u0000b\"".to_owned(),
            "\"\u{feff}bom\"".to_owned(),
            "\"e\u{301}\"".to_owned(),
            "\"\\u0065\\u0301\"".to_owned(),
            "\"\u{10ffff}\"".to_owned(),
        ];
        for pointer in pointers {
            for (i, s) in strings.iter().enumerate() {
                cases.push(Case {
                    name: format!("{tag} {pointer} = string #{i}"),
                    bytes: with_raw(base, pointer, s),
                });
            }
        }
        for name in [
            "e\u{301}",
            "\\u0065\\u0301",
            "\\ud83d\\ude00",
            "\\u0000",
            "\u{feff}",
        ] {
            for at in ["", "/data/metadata"] {
                let raw_name = serde_json::to_string("\u{2}NAME\u{2}").unwrap();
                let mut bytes = String::from_utf8(with_raw(base, &format!("{at}/k"), "1")).unwrap();
                // Rename the member `k` the edit added to the raw name.
                bytes = bytes.replacen("\"k\":1", &format!("{raw_name}:1"), 1);
                bytes = bytes.replacen(&raw_name, &format!("\"{name}\""), 1);
                cases.push(Case {
                    name: format!("{tag} member named {name:?} at {at:?}"),
                    bytes: bytes.into_bytes(),
                });
            }
        }
        // The root object is depth 1: a member holding `depth` nested
        // arrays reaches depth + 1 (and depth + 2 under `/data/metadata`).
        for depth in [62, 63, 64, 65, 126, 127, 300] {
            for pointer in ["/x_extra", "/data/metadata/deep", "/version"] {
                cases.push(Case {
                    name: format!("{tag} {pointer} nested {depth}"),
                    bytes: with_raw(base, pointer, &nested(depth)),
                });
            }
        }
        // A BOM before the payload, NUL and lone surrogates as raw text.
        let text = base.to_string();
        cases.push(Case {
            name: format!("{tag} with a leading BOM"),
            bytes: format!("\u{feff}{text}").into_bytes(),
        });
        let mut lone = text.clone().into_bytes();
        lone.splice(1..1, b"\"s\":\"\xed\xa0\x80\",".iter().copied());
        cases.push(Case {
            name: format!("{tag} with a raw lone surrogate"),
            bytes: lone,
        });
        // Newer versions than every schema (tolerated or not).
        let newer = if tag == "impact" {
            "\"1.9.0\""
        } else {
            "\"2099-01-01\""
        };
        for extra in ["{}", "\"unknown\"", "1"] {
            let bumped = String::from_utf8(with_raw(base, "/version", newer)).unwrap();
            let bumped: Value = serde_json::from_str(&bumped).unwrap();
            cases.push(Case {
                name: format!("{tag} newer with an extra member {extra}"),
                bytes: with_raw(&bumped, "/x_extra", extra),
            });
        }
    }
    // Dispatch on what is not an event.
    for raw in [
        "[]",
        "1",
        "null",
        "{}",
        "{\"type\":1}",
        "{\"type\":\"nope\"}",
    ] {
        cases.push(Case {
            name: format!("not an event: {raw}"),
            bytes: raw.as_bytes().to_vec(),
        });
    }
    // Every valid example at a newer version, with an unknown member.
    for (name, value) in example_values() {
        let Some(version) = value.get("version").and_then(Value::as_str) else {
            continue;
        };
        let newer = if version.contains('-') {
            "2099-12-31".to_owned()
        } else {
            let major = version.split('.').next().unwrap_or("1");
            format!("{major}.99.0")
        };
        let mut v = value.clone();
        v["version"] = json!(newer);
        v["x_newer"] = json!(true);
        cases.push(Case {
            name: format!("{name} at {newer}"),
            bytes: v.to_string().into_bytes(),
        });
    }
    cases
}

fn compare(cases: &[Case], newer_versions: NewerVersions, records: &[&[Value]]) {
    let validator = CatalogValidator::new(compiled()).newer_versions(newer_versions);
    let mut decided = [0usize; 3];
    for (i, case) in cases.iter().enumerate() {
        let outcome = library(&validator, &case.bytes);
        let expected = bindings(&case.bytes, newer_versions);
        let got = verdict_of(&outcome);
        assert_eq!(
            got, expected,
            "{}: the CLI's validator and the bindings differ",
            case.name
        );
        decided[match &expected {
            Ok(e) if e.is_empty() => 0,
            Ok(_) => 1,
            Err(_) => 2,
        }] += 1;
        let mut record = serde_json::to_value(&outcome).unwrap();
        let fields = record.as_object_mut().unwrap();
        for records in records {
            let r = &records[i];
            assert_eq!(r["line"], json!(i + 1), "{}", case.name);
            for (key, value) in fields.iter_mut() {
                assert_eq!(&r[key], value, "{}: the binary's {key} differs", case.name);
            }
        }
    }
    eprintln!(
        "{newer_versions:?}: {} cases: {} valid, {} invalid, {} not judged (parse or dispatch)",
        cases.len(),
        decided[0],
        decided[1],
        decided[2]
    );
    // The cases reach every kind of verdict.
    assert!(decided.iter().all(|n| *n > 20), "{decided:?}");
}

#[test]
fn the_cli_and_the_bindings_give_one_verdict_on_examples_and_edge_cases() {
    let cases = cases();
    assert!(cases.len() > 500, "{}", cases.len());
    let one = binary(&cases, &["--jobs", "1"]);
    let two = binary(&cases, &["--jobs", "2"]);
    compare(&cases, NewerVersions::Strict, &[&one, &two]);
    let tolerant = binary(&cases, &["--jobs", "2", "--newer-versions", "tolerate"]);
    compare(&cases, NewerVersions::Tolerate, &[&tolerant]);
}

#[test]
fn numbers_a_rust_integer_cannot_hold_are_invalid_everywhere() {
    let impact = example("impact_stack/form_submission_confirmed/examples/1.1.0-utc.json");
    let validator = CatalogValidator::new(compiled());
    for (n, valid) in [
        ("9223372036854775807", true),
        ("-9223372036854775808", true),
        ("1.0", true),
        ("-0", true),
        ("1e18", true),
        ("9223372036854775808", false),
        // Beyond 64 bits a number is the nearest double: this one is
        // -2⁶³ exactly, i64::MIN, as serde_json and JavaScript read it.
        ("-9223372036854775809", true),
        ("-9223372036854777856", false),
        ("18446744073709551616", false),
        ("123456789012345678901234567890", false),
        ("1e20", false),
        ("0.5", false),
    ] {
        let bytes = with_raw(&impact, "/id", n);
        let outcome = library(&validator, &bytes);
        assert_eq!(outcome.valid, valid, "id = {n}: {:?}", outcome.errors);
        assert_eq!(
            eventsmith::impact_stack::Event::from_slice(&bytes).is_ok(),
            valid,
            "id = {n}"
        );
    }
}
