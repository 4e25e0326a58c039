//! The tape parser against serde_json: same values on valid JSON, refusal
//! of everything serde_json refuses, and serde_json's wording and position
//! for syntax errors.

use eventsmith_core::json::{Kind, Limits, ParseError, Tape, TapeBuffers, parse_slice, parse_str};
use proptest::prelude::*;
use serde_json::{Value, json};

/// serde_json's verdict as a [`ParseError::Syntax`] (message without position).
fn serde_verdict(text: &[u8]) -> Result<Value, ParseError> {
    serde_json::from_slice::<Value>(text).map_err(|e| {
        let full = e.to_string();
        let message = match full.rfind(" at line ") {
            Some(i) => full[..i].to_owned(),
            None => full,
        };
        ParseError::Syntax {
            message,
            line: e.line(),
            column: e.column(),
        }
    })
}

fn ours(text: &[u8]) -> Result<Value, ParseError> {
    let unlimited = Limits {
        max_bytes: usize::MAX,
        max_depth: Limits::MAX_DEPTH,
    };
    Tape::parse(text, unlimited).map(|t| t.root().to_value())
}

#[test]
fn syntax_errors_are_worded_and_placed_as_serde_json_does() {
    let cases: &[&str] = &[
        "",
        "   ",
        "{",
        "[",
        "[1",
        "[1,",
        "[1,]",
        "[1 2]",
        "{\"a\"",
        "{\"a\":",
        "{\"a\":1",
        "{\"a\":1,",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{\"a\":1 \"b\":2}",
        "{1:2}",
        "{,}",
        "[,1]",
        "{} x",
        "[]]",
        "tru",
        "trux",
        "nul",
        "fals",
        "-",
        "-x",
        "01",
        "-01",
        "1.",
        "1.x",
        "1e",
        "1e+",
        "1ex",
        "1x",
        ".5",
        "+1",
        "1e400",
        "-1e400",
        "\"abc",
        "\"a\\",
        "\"a\\x\"",
        "\"a\\u12\"",
        "\"a\\u12",
        "\"a\\uzzzz\"",
        "\"\\ud800\"",
        "\"\\ud800\\n\"",
        "\"\\ud800\\u0041\"",
        "\"\\udc00\"",
        "\"\\ud800",
        "\"a\u{1}b\"",
        "\"tab\there\"",
        "[\n  1,\n  2,\n]",
        "{\n \"a\": [1, 2,\n  x]\n}",
        "NaN",
        "Infinity",
        "[1]\n\n  x",
        "\u{feff}{}",
        "'a'",
        "[\"a\" \"b\"]",
        "{\"a\":1}}",
    ];
    for text in cases {
        let expected = serde_verdict(text.as_bytes()).expect_err(text);
        let got = ours(text.as_bytes()).expect_err(text);
        assert_eq!(got, expected, "on {text:?}");
    }
}

#[test]
fn values_agree_with_serde_json() {
    let cases: &[&str] = &[
        "null",
        "true",
        " false ",
        "0",
        "-0",
        "-0.0",
        "1.0",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "123456789012345678901234567890",
        "1e-400",
        "0e999999999999",
        "1.5e3",
        "2E-2",
        "\"\\u00e9\\ud83d\\ude00\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
        "\"é😀\"",
        "[]",
        "{}",
        "[[], {}, [[]]]",
        "{\"a\": {\"b\": [1, \"x\", null]}, \"c\": -2}",
        "{\"\\u0061\": 1, \"b\": 2}",
    ];
    for text in cases {
        assert_eq!(
            ours(text.as_bytes()).unwrap(),
            serde_verdict(text.as_bytes()).unwrap(),
            "{text}"
        );
    }
    // `-0` is the float -0.0, as serde_json reads it.
    let tape = Tape::parse(b"-0", Limits::DEFAULT).unwrap();
    assert_eq!(
        tape.root().as_f64().map(f64::to_bits),
        Some((-0.0f64).to_bits())
    );
}

#[test]
fn duplicate_keys_are_refused_at_the_second_one() {
    let err = parse_str("{\"a\":1,\n \"a\":2}", Limits::DEFAULT).unwrap_err();
    assert_eq!(
        err,
        ParseError::DuplicateKey {
            key: "a".into(),
            line: 2,
            column: 4
        }
    );
    // Escaped and plain spellings of one name are one name.
    let err = parse_str(r#"{"a":1,"\u0061":2}"#, Limits::DEFAULT).unwrap_err();
    assert!(
        matches!(err, ParseError::DuplicateKey { ref key, .. } if key == "a"),
        "{err:?}"
    );
    // Nested objects have their own names.
    assert!(parse_str(r#"{"a":{"a":1},"b":{"a":2}}"#, Limits::DEFAULT).is_ok());
    // Large objects hash their names: the first repeat is found.
    let mut text = String::from("{");
    for i in 0..100 {
        text.push_str(&format!("\"k{i}\":{i},"));
    }
    text.push_str("\"k42\":0,\"k7\":0}");
    let err = parse_str(&text, Limits::DEFAULT).unwrap_err();
    assert!(
        matches!(err, ParseError::DuplicateKey { ref key, .. } if key == "k42"),
        "{err:?}"
    );
    text = text.replace("\"k42\":0,\"k7\":0", "\"k100\":0");
    assert_eq!(
        parse_str(&text, Limits::DEFAULT)
            .unwrap()
            .as_object()
            .unwrap()
            .len(),
        101
    );
}

#[test]
fn depth_is_limited_without_recursion() {
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let err = parse_str(&deep, Limits::DEFAULT).unwrap_err();
    assert_eq!(
        err,
        ParseError::TooDeep {
            limit: 64,
            line: 1,
            column: 65
        }
    );
    let ok = "[".repeat(64) + &"]".repeat(64);
    assert!(parse_str(&ok, Limits::DEFAULT).is_ok());
    let over = "{\"a\":".repeat(65) + "1" + &"}".repeat(65);
    assert!(matches!(
        parse_str(&over, Limits::DEFAULT),
        Err(ParseError::TooDeep { limit: 64, .. })
    ));
    let limits = Limits {
        max_depth: 2,
        ..Limits::DEFAULT
    };
    assert!(parse_str("[[1]]", limits).is_ok());
    assert!(parse_str("[[[1]]]", limits).is_err());
    let huge = Limits {
        max_depth: usize::MAX,
        ..Limits::DEFAULT
    };
    let over = "[".repeat(127) + &"]".repeat(127);
    assert!(matches!(
        parse_str(&over, huge),
        Err(ParseError::TooDeep { limit: 126, .. })
    ));
}

#[test]
fn oversized_payloads_are_refused_before_parsing() {
    let err = parse_slice(
        b"[1,2,3]",
        Limits {
            max_bytes: 3,
            ..Limits::DEFAULT
        },
    )
    .unwrap_err();
    assert_eq!(err, ParseError::TooLarge { size: 7, limit: 3 });
    assert_eq!(
        err.to_string(),
        "payload is 7 bytes, larger than the limit of 3 bytes"
    );
}

#[test]
fn invalid_utf8_is_a_syntax_error_at_the_bad_byte() {
    let err = parse_slice(b"{\"a\":\n \"x\xffy\"}", Limits::DEFAULT).unwrap_err();
    assert_eq!(
        err,
        ParseError::Syntax {
            message: "invalid unicode code point".into(),
            line: 2,
            column: 4
        }
    );
    assert_eq!(
        err.to_string(),
        "invalid JSON at line 2 column 4: invalid unicode code point"
    );
    assert!(serde_json::from_slice::<Value>(b"{\"a\":\n \"x\xffy\"}").is_err());
}

#[test]
fn nodes_read_the_document() {
    let text = br#"{"s":"plain","e":"esc\naped","n":[1,-2,2.5,1.0,18446744073709551615],"b":true,"z":null,"o":{}}"#;
    let tape = Tape::parse(text, Limits::DEFAULT).unwrap();
    let root = tape.root();
    assert_eq!(root.kind(), Kind::Object);
    assert_eq!(root.len(), 6);
    let names: Vec<&str> = root.members().map(|(n, _)| n).collect();
    assert_eq!(names, ["s", "e", "n", "b", "z", "o"]);
    assert_eq!(root.get("s").unwrap().as_str(), Some("plain"));
    assert_eq!(root.get("e").unwrap().as_str(), Some("esc\naped"));
    let n: Vec<_> = root.get("n").unwrap().items().collect();
    assert_eq!(n.len(), 5);
    assert_eq!(n[0].as_u64(), Some(1));
    assert_eq!(n[1].as_i64(), Some(-2));
    assert_eq!(n[2].as_f64(), Some(2.5));
    assert!(n[3].is_integer() && !n[2].is_integer());
    assert_eq!(n[3].type_name(), "integer");
    assert_eq!(n[2].type_name(), "number");
    assert_eq!(n[4].as_num(), Some(eventsmith_core::Num::U(u64::MAX)));
    assert_eq!(n[1].as_num(), Some(eventsmith_core::Num::I(-2)));
    assert_eq!(root.get("b").unwrap().as_bool(), Some(true));
    assert!(root.get("z").unwrap().is_null());
    assert!(root.get("o").unwrap().is_empty());
    assert!(root.get("missing").is_none());
    assert_eq!(root.get("n").unwrap().item(2).unwrap().as_f64(), Some(2.5));
    let root_value = root.to_value();
    assert_eq!(root.to_string(), std::str::from_utf8(text).unwrap());
    assert_eq!(Tape::from_value(&root_value).root().to_value(), root_value);
}

#[test]
fn previews_are_compact_and_cut() {
    let long = json!({"a": "x".repeat(100), "b": [1, 2, 3]});
    let tape = Tape::from_value(&long);
    assert_eq!(
        tape.root().preview(),
        eventsmith_core::validation::preview(&long)
    );
    let short = json!(["a\u{1}\"é", 1.5, null]);
    let tape = Tape::from_value(&short);
    assert_eq!(tape.root().preview(), short.to_string());
    assert_eq!(tape.root().to_string(), short.to_string());
}

#[test]
fn buffers_are_reused_across_payloads() {
    let mut buffers = TapeBuffers::default();
    for (i, line) in ["{\"a\":\"x\\ny\"}", "[1,2]", "{", "\"s\""]
        .iter()
        .enumerate()
    {
        match Tape::parse_with(line.as_bytes(), Limits::DEFAULT, &mut buffers) {
            Ok(tape) => {
                assert_eq!(
                    tape.root().to_value(),
                    serde_json::from_str::<Value>(line).unwrap()
                );
                buffers.recycle(tape);
            }
            Err(_) => assert_eq!(i, 2),
        }
    }
    let tape = Tape::parse_with(b"[true]", Limits::DEFAULT, &mut buffers).unwrap();
    let mut again = tape.into_buffers();
    assert!(
        Tape::parse_with(b"null", Limits::DEFAULT, &mut again)
            .unwrap()
            .root()
            .is_null()
    );
}

/// JSON values with every kind of string and number serde_json reads
/// exactly (the integers, and floats within the fast path of its default
/// float parser).
fn value() -> impl Strategy<Value = Value> {
    let string = prop_oneof![
        "[a-z]{0,8}",
        "[\\u{0}-\\u{7f}]{0,8}",
        "\\PC{0,6}",
        Just("\u{1F600}é\"\\/".to_owned()),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-999_999_999_999_999i64..999_999_999_999_999, 0u32..16).prop_map(|(m, e)| {
            // At most 15 significant digits: the shortest text of the float
            // has no more, which serde_json's default parser reads exactly.
            Value::from(format!("{m}e-{e}").parse::<f64>().unwrap_or(0.0))
        }),
        string.clone().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(string.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// `value` as text, with random whitespace between tokens and random
/// escapes in strings.
fn text_of(v: &Value, seed: &mut u64, out: &mut String) {
    fn step(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }
    let ws = |n: u64, out: &mut String| {
        out.push_str(["", "", " ", "\n", "\t ", "\r\n  "][(n % 6) as usize]);
    };
    match v {
        Value::String(s) => {
            out.push('"');
            for c in s.chars() {
                let r = step(seed);
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    c if (c as u32) < 0x20 || r.is_multiple_of(5) => {
                        let mut units = [0u16; 2];
                        for u in c.encode_utf16(&mut units) {
                            out.push_str(&format!("\\u{:04X}", u));
                        }
                    }
                    '/' if r.is_multiple_of(2) => out.push_str("\\/"),
                    c => out.push(c),
                }
            }
            out.push('"');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                ws(step(seed), out);
                text_of(item, seed, out);
                let n = step(seed);
                ws(n, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, (name, member)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                ws(step(seed), out);
                text_of(&Value::String(name.clone()), seed, out);
                ws(step(seed), out);
                out.push(':');
                ws(step(seed), out);
                text_of(member, seed, out);
            }
            ws(step(seed), out);
            out.push('}');
        }
        Value::Number(n) => {
            let r = step(seed);
            match n.as_f64() {
                Some(f) if n.is_f64() && r.is_multiple_of(3) => out.push_str(&format!("{f:e}")),
                _ => out.push_str(&n.to_string()),
            }
        }
        other => out.push_str(&other.to_string()),
    }
}

/// serde_json's default float parser is not always correctly rounded (ours
/// is): a few units in the last place apart.
fn near(f: f64, g: f64) -> bool {
    f == g || ((f - g) / f).abs() < 1e-14
}

/// Equal, floats [`near`].
fn close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() && y.is_f64() => {
            let (f, g) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            near(f, g)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| close(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, a)| y.get(k).is_some_and(|b| close(a, b)))
        }
        _ => a == b,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, failure_persistence: None, ..ProptestConfig::default() })]

    /// On valid JSON the tape gives serde_json's value.
    #[test]
    fn the_tape_reads_what_serde_json_reads(v in value(), seed in 1u64.., pad in 0usize..3) {
        let mut seed = seed;
        let mut text = " ".repeat(pad);
        text_of(&v, &mut seed, &mut text);
        let expected = serde_json::from_str::<Value>(&text).unwrap();
        prop_assert_eq!(&expected, &v);
        prop_assert_eq!(ours(text.as_bytes()).unwrap(), expected);
    }

    /// On broken JSON (a byte removed, replaced or inserted) both refuse or
    /// both accept; a syntax error is worded and placed alike.
    #[test]
    fn broken_json_is_refused_like_serde_json_refuses_it(
        v in value(),
        at in any::<prop::sample::Index>(),
        edit in 0u8..3,
        byte in prop::sample::select(b"{}[]\",:\\ 0-.eEtfnu1a\x01\xff".to_vec()),
    ) {
        let mut text = v.to_string().into_bytes();
        let i = at.index(text.len() + 1);
        match edit {
            0 if i < text.len() => { text.remove(i); }
            1 if i < text.len() => text[i] = byte,
            _ => text.insert(i, byte),
        }
        let theirs = serde_verdict(&text);
        let mine = ours(&text);
        match (&mine, &theirs) {
            (Ok(a), Ok(b)) => prop_assert!(close(a, b), "{:?} vs {:?}", a, b),
            // serde_json keeps the last of two names; we refuse them (before
            // any syntax error later on, as the old reader did).
            (Err(ParseError::DuplicateKey { .. }), _) => {}
            // Invalid UTF-8 is checked before anything else.
            (Err(e), Err(_)) if std::str::from_utf8(&text).is_err() => {
                prop_assert!(matches!(e, ParseError::Syntax { .. }), "{:?}", e);
            }
            (Err(e), Err(t)) => prop_assert_eq!(e, t, "on {:?}", String::from_utf8_lossy(&text)),
            _ => prop_assert!(false, "verdicts differ on {:?}: {:?} vs {:?}", String::from_utf8_lossy(&text), mine, theirs),
        }
    }

    /// Any number text: our value is the correctly rounded one, and
    /// [`near`] serde_json's.
    #[test]
    fn numbers_are_read_exactly(int in "-?(0|[1-9][0-9]{0,25})", frac in "(\\.[0-9]{1,25})?", exp in "([eE][+-]?[0-9]{1,3})?") {
        let text = format!("{int}{frac}{exp}");
        let theirs = serde_json::from_str::<Value>(&text);
        match ours(text.as_bytes()) {
            Ok(Value::Number(n)) => {
                if let Some(f) = n.as_f64().filter(|_| n.is_f64()) {
                    prop_assert_eq!(Some(f), text.parse::<f64>().ok());
                    if let Ok(Value::Number(m)) = &theirs {
                        let g = m.as_f64().unwrap();
                        prop_assert!(near(f, g), "{} vs {}", f, g);
                    }
                } else {
                    prop_assert_eq!(Value::Number(n), theirs.unwrap());
                }
            }
            Ok(other) => prop_assert!(false, "{:?}", other),
            Err(e) => {
                prop_assert!(matches!(&e, ParseError::Syntax { message, .. } if message == "number out of range"), "{}", e);
            }
        }
    }
}
