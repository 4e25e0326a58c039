//! `decode`: every impl, its failures and their paths.

use std::collections::BTreeMap;

use eventsmith_core::decode::{self, Decode, DecodeError};
use eventsmith_core::json::{Limits, Tape};
use eventsmith_core::validation::Embedded;
use eventsmith_core::{DateTime, Decimal, Duration, Money};
use serde_json::{Map, Number, Value, json};

fn dec<T: Decode>(text: &str) -> Result<T, DecodeError> {
    let tape = Tape::parse(text.as_bytes(), Limits::DEFAULT).unwrap();
    T::decode(tape.root())
}

fn fails<T: Decode + std::fmt::Debug>(text: &str) -> String {
    dec::<T>(text).unwrap_err().to_string()
}

#[test]
fn scalars() {
    assert_eq!(dec::<bool>("true"), Ok(true));
    assert_eq!(
        fails::<bool>("1"),
        "at (root): expected a boolean, got integer 1"
    );
    assert_eq!(dec::<()>("null"), Ok(()));
    assert_eq!(
        fails::<()>("false"),
        "at (root): expected null, got boolean false"
    );
    assert_eq!(dec::<f64>("2.5"), Ok(2.5));
    assert_eq!(dec::<f64>("-3"), Ok(-3.0));
    assert_eq!(
        fails::<f64>("\"2\""),
        "at (root): expected a number, got string \"2\""
    );
    assert_eq!(dec::<String>(r#""a\nb""#), Ok("a\nb".to_owned()));
    assert_eq!(
        fails::<String>("null"),
        "at (root): expected a string, got null"
    );
    assert_eq!(dec::<Number>("1.5"), Ok(Number::from_f64(1.5).unwrap()));
    assert_eq!(dec::<Number>("7"), Ok(Number::from(7)));
    assert!(dec::<Number>("[]").is_err());
    assert_eq!(
        dec::<Value>(r#"{"a":[1,null]}"#),
        Ok(json!({"a": [1, null]}))
    );
    let map: Map<String, Value> = dec(r#"{"b":1,"a":2}"#).unwrap();
    assert_eq!(Value::Object(map), json!({"a": 2, "b": 1}));
    assert_eq!(
        fails::<Map<String, Value>>("[]"),
        "at (root): expected an object, got array []"
    );
}

#[test]
fn integers_take_integral_floats() {
    assert_eq!(dec::<i64>("1.0"), Ok(1));
    assert_eq!(dec::<i64>("-2e3"), Ok(-2000));
    assert_eq!(dec::<i64>("-9223372036854775808"), Ok(i64::MIN));
    assert_eq!(dec::<i64>("9223372036854775807"), Ok(i64::MAX));
    assert_eq!(
        fails::<i64>("9223372036854775808"),
        "at (root): integer 9223372036854775808 is out of range for a 64-bit signed integer"
    );
    assert_eq!(
        fails::<i64>("1e19"),
        "at (root): integer 1e+19 is out of range for a 64-bit signed integer"
    );
    assert_eq!(
        fails::<i64>("1.5"),
        "at (root): expected an integer, got number 1.5"
    );
    assert_eq!(dec::<u64>("18446744073709551615"), Ok(u64::MAX));
    assert_eq!(dec::<u64>("3.0"), Ok(3));
    assert_eq!(
        fails::<u64>("-1"),
        "at (root): integer -1 is out of range for a 64-bit unsigned integer"
    );
    assert!(dec::<u64>("2e19").is_err());
    assert_eq!(
        fails::<u64>("true"),
        "at (root): expected an integer, got boolean true"
    );
}

#[test]
fn containers_report_where() {
    assert_eq!(dec::<Vec<i64>>("[1,2.0]"), Ok(vec![1, 2]));
    assert_eq!(
        fails::<Vec<Vec<i64>>>("[[1],[2,\"x\"]]"),
        "at /1/1: expected an integer, got string \"x\""
    );
    assert_eq!(
        fails::<Vec<i64>>("{}"),
        "at (root): expected an array, got object {}"
    );
    let m: BTreeMap<String, Option<bool>> = dec(r#"{"b":null,"a":true}"#).unwrap();
    assert_eq!(
        m,
        BTreeMap::from([("a".into(), Some(true)), ("b".into(), None)])
    );
    assert_eq!(
        fails::<BTreeMap<String, Vec<bool>>>(r#"{"a/b":[true,1]}"#),
        "at /a~1b/1: expected a boolean, got integer 1"
    );
    assert_eq!(dec::<Option<i64>>("null"), Ok(None));
    assert_eq!(dec::<Option<i64>>("4"), Ok(Some(4)));
    assert_eq!(dec::<Option<Option<i64>>>("null"), Ok(None));
    assert_eq!(dec::<Box<bool>>("false"), Ok(Box::new(false)));
}

#[test]
fn value_types_decode_through_their_parsers() {
    assert_eq!(
        dec::<DateTime>(r#""2021-05-14T08:07:37""#)
            .unwrap()
            .as_str(),
        "2021-05-14T08:07:37"
    );
    assert!(dec::<DateTime>(r#""yesterday""#).is_err());
    assert_eq!(dec::<Duration>(r#""P1M""#).unwrap().as_str(), "P1M");
    assert_eq!(dec::<Decimal>(r#""4.0""#).unwrap().as_str(), "4.0");
    assert!(dec::<Decimal>("4.0").is_err());
    assert_eq!(dec::<Money>(r#""1.23 EUR""#).unwrap().as_str(), "1.23 EUR");
    assert!(dec::<Money>(r#""1.23 XXXX""#).is_err());
    let u = dec::<uuid::Uuid>(r#""2EB8AA08-AA98-11EA-B4AA-73B441D16380""#).unwrap();
    assert_eq!(u.to_string(), "2eb8aa08-aa98-11ea-b4aa-73b441d16380");
    // Only what the `uuid` format accepts.
    assert!(dec::<uuid::Uuid>(r#""2eb8aa08aa9811eab4aa73b441d16380""#).is_err());
    assert!(dec::<uuid::Uuid>(r#""{2eb8aa08-aa98-11ea-b4aa-73b441d16380}""#).is_err());
    for text in [
        "2eb8aa08-aa98-11ea-b4aa-73b441d16380",
        "00000000-0000-0000-0000-000000000000",
    ] {
        assert!(eventsmith_core::formats::Format::Uuid.check(text));
        assert!(dec::<uuid::Uuid>(&format!("\"{text}\"")).is_ok());
    }
}

/// What the generator writes for a struct.
#[derive(Debug, PartialEq)]
struct Donation {
    id: u64,
    note: Option<String>,
    tip: Option<Option<i64>>,
    extra: BTreeMap<String, Value>,
}

impl Decode for Donation {
    fn decode(node: eventsmith_core::json::Node<'_>) -> Result<Self, DecodeError> {
        let f = decode::fields(node, &["id", "note", "tip"])?;
        match (f.required(0), f.optional(1), f.optional(2), f.extra()) {
            (Some(id), Some(note), Some(tip), Some(extra)) => Ok(Donation {
                id,
                note,
                tip,
                extra,
            }),
            _ => Err(f.error()),
        }
    }
}

#[test]
fn structs_read_fields_once() {
    assert_eq!(
        dec::<Donation>(r#"{"tip":null,"x":[1],"id":1.0,"y":"z"}"#),
        Ok(Donation {
            id: 1,
            note: None,
            tip: Some(None),
            extra: BTreeMap::from([("x".into(), json!([1])), ("y".into(), json!("z"))]),
        })
    );
    assert_eq!(
        dec::<Donation>(r#"{"id":1,"note":"n","tip":5}"#),
        Ok(Donation {
            id: 1,
            note: Some("n".into()),
            tip: Some(Some(5)),
            extra: BTreeMap::new(),
        })
    );
    assert_eq!(
        fails::<Donation>(r#"{"note":"n"}"#),
        "at (root): missing member \"id\""
    );
    assert_eq!(
        fails::<Donation>(r#"{"id":1,"note":2}"#),
        "at /note: expected a string, got integer 2"
    );
    assert_eq!(
        fails::<Donation>("[]"),
        "at (root): expected an object, got array []"
    );
    assert_eq!(
        fails::<Vec<Donation>>(r#"[{"id":1},{"id":-1}]"#),
        "at /1/id: integer -1 is out of range for a 64-bit unsigned integer"
    );
    let tape = Tape::parse(br#"{"b":1,"id":2,"a":3}"#, Limits::DEFAULT).unwrap();
    let f = decode::fields(tape.root(), &["id"]).unwrap();
    let map = f.extra_map().unwrap();
    assert_eq!(Value::Object(map), json!({"b": 1, "a": 3}));
    assert!(f.required::<i64>(5).is_none());
    assert_eq!(
        f.error().to_string(),
        "at (root): no field 5 (the struct has 1)"
    );
}

#[test]
fn enums_and_unions_read_their_strings() {
    let tape = Tape::parse(br#"{"kind":"card","n":1}"#, Limits::DEFAULT).unwrap();
    assert_eq!(decode::tag(tape.root(), "kind"), Ok("card"));
    assert_eq!(
        decode::tag(tape.root(), "n").unwrap_err().to_string(),
        "at /n: expected a string, got integer 1"
    );
    assert_eq!(
        decode::tag(tape.root(), "none").unwrap_err().to_string(),
        "at (root): missing member \"none\""
    );
    let tape = Tape::parse(br#""paid""#, Limits::DEFAULT).unwrap();
    assert_eq!(decode::string(tape.root()), Ok("paid"));
}

static PROGRAM: Embedded = Embedded::new(&[
    r#"{"at":"d.json#","checks":[{"type":"object"},{"required":["id"]},{"properties":[["id",1]]}]}"#,
    r#"{"at":"d.json#/properties/id","checks":[{"minimum":10}]}"#,
]);

impl<'de> serde::Deserialize<'de> for Donation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        decode::deserialize(d, &PROGRAM, 0)
    }
}

#[test]
fn deserialize_validates_then_decodes() {
    let ok: Donation = serde_json::from_str(r#"{"id":12,"note":"hi"}"#).unwrap();
    assert_eq!(ok.id, 12);
    let e = serde_json::from_str::<Donation>(r#"{"id":3}"#).unwrap_err();
    assert_eq!(e.to_string(), "/id: expected a number at least 10, got 3");
    let e = serde_json::from_str::<Donation>(r#"{}"#).unwrap_err();
    assert_eq!(e.to_string(), "/: missing required property \"id\"");
    let e = serde_json::from_value::<Donation>(json!({"id": 11, "note": 5})).unwrap_err();
    assert_eq!(e.to_string(), "at /note: expected a string, got integer 5");
}
