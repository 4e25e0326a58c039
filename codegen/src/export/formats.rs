//! eventsmith's own formats (`decimal`, `money`, `lenient-date-time`) and
//! `duration` in exported schemas: the `format` stays, an
//! `x-eventsmith-format` note says what it accepts, and an equivalent
//! `pattern` lets validators that do not know the format (or, for
//! `duration`, do not assert it, or map it to a type that cannot hold
//! months) enforce it too.

use std::sync::OnceLock;

use eventsmith_core::formats::Format;
use serde_json::{Map, Value, json};

/// The extension key describing a format the export backs with a pattern.
pub const FORMAT_NOTE: &str = "x-eventsmith-format";

/// RFC 3339 appendix A `dur-time`.
const DUR_TIME: &str = "T([0-9]+H([0-9]+M([0-9]+S)?)?|[0-9]+M([0-9]+S)?|[0-9]+S)";

/// A regular expression (ECMA-262, also valid for Python's `re` and Rust's
/// `regex`: no look-around) that matches exactly the strings of `format`,
/// up to what [`beyond_pattern`] names. The `money` pattern lists every
/// currency code eventsmith accepts.
pub fn pattern(format: Format) -> Option<&'static str> {
    static MONEY: OnceLock<String> = OnceLock::new();
    static DURATION: OnceLock<String> = OnceLock::new();
    match format {
        Format::Decimal => Some(r"^-?[0-9]+(\.[0-9]+)?$"),
        Format::Money => Some(MONEY.get_or_init(|| format!(r"^-?[0-9]+(\.[0-9]+)? ({})$", currencies().join("|")))),
        Format::LenientDateTime => Some(
            r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$",
        ),
        Format::Duration => Some(DURATION.get_or_init(|| {
            format!("^P(([0-9]+Y([0-9]+M([0-9]+D)?)?|[0-9]+M([0-9]+D)?|[0-9]+D)({DUR_TIME})?|{DUR_TIME}|[0-9]+W)$")
        })),
        _ => None,
    }
}

/// Every three-letter code `money` accepts, sorted: asked of eventsmith's
/// own check, so the pattern cannot drift from it.
pub fn currencies() -> Vec<String> {
    let mut out = Vec::new();
    for a in b'A'..=b'Z' {
        for b in b'A'..=b'Z' {
            for c in b'A'..=b'Z' {
                let code = String::from_utf8_lossy(&[a, b, c]).into_owned();
                if Format::Money.check(&format!("1 {code}")) {
                    out.push(code);
                }
            }
        }
    }
    out
}

/// What the pattern does not check, for the note.
fn beyond_pattern(format: Format) -> &'static str {
    match format {
        Format::Decimal | Format::Money => {
            "eventsmith also rejects amounts that do not fit a 96-bit decimal (more than 28 digits after the point)"
        }
        Format::LenientDateTime => {
            "eventsmith also requires the day to exist in its month and a leap second to be 23:59:60 UTC"
        }
        _ => "nothing: the pattern is exact",
    }
}

/// Annotates a schema object that names one of eventsmith's own formats.
pub fn annotate(schema: &mut Map<String, Value>) {
    let Some(Value::String(name)) = schema.get("format") else {
        return;
    };
    let Some(format) = Format::from_name(name) else {
        return;
    };
    let Some(pattern) = pattern(format) else {
        return;
    };
    schema.insert(
        FORMAT_NOTE.to_owned(),
        json!({
            "name": format.name(),
            "description": format.description(),
            "pattern": "the `pattern` of this schema (or of an `allOf` member when the schema has its own) matches the format",
            "beyond_pattern": beyond_pattern(format),
        }),
    );
    if !schema.contains_key("description") {
        schema.insert(
            "description".to_owned(),
            Value::String(format.description().to_owned()),
        );
    }
    match schema.get("pattern") {
        None => {
            schema.insert("pattern".to_owned(), Value::String(pattern.to_owned()));
        }
        Some(Value::String(p)) if p == pattern => {}
        Some(_) => {
            let extra = json!({ "pattern": pattern });
            match schema.get_mut("allOf") {
                Some(Value::Array(all)) => all.push(extra),
                _ => {
                    schema.insert("allOf".to_owned(), Value::Array(vec![extra]));
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn matches(format: Format, text: &str) -> bool {
        regress::Regex::new(pattern(format).unwrap())
            .unwrap()
            .find(text)
            .is_some()
    }

    #[test]
    fn every_string_the_format_accepts_matches_the_pattern() {
        let samples = [
            "0",
            "-0",
            "5",
            "4.0",
            "1.23",
            "-0.5",
            "007",
            "99.99",
            "1.",
            ".5",
            "+1",
            "1e3",
            " 1",
            "1 ",
            "1,5",
            "--1",
            "NaN",
            "0.0000000000000000000000000001",
            "99.99 EUR",
            "4 GBP",
            "-1.5 USD",
            "1 eur",
            "1  EUR",
            "1 EURO",
            "1 XXX",
            "1 ZZZ",
            "1 QQQ",
            "EUR 1",
            "1.5 CHF",
            "2021-05-14T08:07:37",
            "2021-05-14T08:07:37.083104",
            "2023-12-24T01:23:45+01:00",
            "2023-12-24t01:23:45z",
            "2023-12-24T01:23:45Z",
            "2023-12-24 01:23:45",
            "2023-02-30T00:00:00",
            "2023-13-01T00:00:00",
            "2023-12-24T24:00:00",
            "2023-12-24T23:59:60Z",
            "2023-12-24T23:59:60+01:00",
            "2023-12-24T01:23:45+24:00",
            "2023-12-24T01:23:45+0100",
            "2023-12-24T01:23",
            "2023-12-24T01:23:45.",
            "20231224T012345",
            "P1M",
            "P1Y2M",
            "PT36H",
            "P2W",
            "P1Y2M3DT4H5M6S",
            "P1D",
            "PT1M",
            "PT1S",
            "P1DT1H",
            "P",
            "PT",
            "P1Y2D",
            "PT1H1S",
            "P1W1D",
            "P1.5D",
            "PT0.5S",
            "p1d",
            "P1DT",
            "1D",
            "P-1D",
            "P1M1W",
        ];
        for format in [
            Format::Decimal,
            Format::Money,
            Format::LenientDateTime,
            Format::Duration,
        ] {
            let mut accepted = 0;
            let mut rejected_by_pattern = 0;
            for text in samples {
                if format.check(text) {
                    accepted += 1;
                    assert!(
                        matches(format, text),
                        "{format}: {text:?} is valid but does not match the pattern"
                    );
                } else if !matches(format, text) {
                    rejected_by_pattern += 1;
                }
            }
            assert!(
                accepted >= 3,
                "{format}: the samples exercise too few valid strings"
            );
            assert!(
                rejected_by_pattern >= 5,
                "{format}: the pattern rejects too few invalid strings"
            );
        }
    }

    #[test]
    fn the_duration_and_money_patterns_are_exact() {
        let samples = [
            "P1M",
            "P1Y2M",
            "PT36H",
            "P2W",
            "P1Y2M3DT4H5M6S",
            "P1D",
            "PT1M",
            "PT1S",
            "P1DT1H",
            "P",
            "PT",
            "P1Y2D",
            "PT1H1S",
            "P1W1D",
            "P1.5D",
            "PT0.5S",
            "p1d",
            "P1DT",
            "1D",
            "P-1D",
            "P1M1W",
            "P1MT1S",
            "PT1H1M",
            "P1Y1M1D",
        ];
        for text in samples {
            assert_eq!(
                matches(Format::Duration, text),
                Format::Duration.check(text),
                "duration {text:?}"
            );
        }
        let codes = currencies();
        assert!(
            codes.len() > 100
                && codes.iter().any(|c| c == "EUR")
                && !codes.iter().any(|c| c == "ZZZ")
        );
        for text in ["1 EUR", "1 XTS", "1 ZZZ", "1 QQQ", "1.50 JPY", "1 CHF"] {
            assert_eq!(
                matches(Format::Money, text),
                Format::Money.check(text),
                "money {text:?}"
            );
        }
    }

    #[test]
    fn the_pattern_is_exact_for_decimal_grammar() {
        for text in [
            "1.", ".5", "+1", "1e3", " 1", "1 ", "1,5", "--1", "NaN", "1.2.3", "", "-",
        ] {
            assert!(!Format::Decimal.check(text));
            assert!(!matches(Format::Decimal, text), "{text:?}");
        }
    }

    #[test]
    fn annotate_adds_note_pattern_and_keeps_format() {
        let mut schema = json!({"type": "string", "format": "money"})
            .as_object()
            .unwrap()
            .clone();
        annotate(&mut schema);
        assert_eq!(schema["format"], "money");
        assert_eq!(schema["pattern"], pattern(Format::Money).unwrap());
        assert_eq!(schema[FORMAT_NOTE]["name"], "money");
        assert_eq!(schema["description"], Format::Money.description());

        let mut own =
            json!({"type": "string", "format": "decimal", "pattern": "^1", "description": "Mine."})
                .as_object()
                .unwrap()
                .clone();
        annotate(&mut own);
        assert_eq!(own["pattern"], "^1");
        assert_eq!(own["description"], "Mine.");
        assert_eq!(
            own["allOf"][0]["pattern"],
            pattern(Format::Decimal).unwrap()
        );

        for untouched in [
            json!({"type": "string", "format": "date-time"}),
            json!({"type": "string", "format": "nope"}),
        ] {
            let mut s = untouched.as_object().unwrap().clone();
            annotate(&mut s);
            assert_eq!(Value::Object(s), untouched);
        }
    }
}
