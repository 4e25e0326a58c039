//! The string formats generated validators check, by name.
//!
//! [`Format`] covers the formats of JSON Schema 2020-12 (§7.3 of the
//! validation vocabulary) plus three of eventsmith's own, which describe the
//! catalog's [value types](crate::values): `lenient-date-time`, `decimal` and
//! `money`. [`Format::check`] decides whether a string is valid; the standard
//! formats agree with every case of the JSON Schema Test Suite's optional
//! format tests (see the `suite` test below), the custom ones delegate to the
//! value types' parsers so a string passes exactly when it can be
//! deserialized.
//!
//! The checks are small hand-written grammars over `&str`, one file per
//! family: `ip` (ipv4, ipv6), `hostname` and `idna` (hostname,
//! idn-hostname; IDNA2008 rules computed from ICU4X Unicode properties),
//! `email` (email, idn-email), `uri` (uri, iri and their references),
//! `uri_template` and `pointer` (json-pointer, relative-json-pointer); the
//! date, time and duration grammars live with the value types in
//! [`crate::values`]. `regex` compiles with `regress`. No check panics,
//! whatever the input.

mod email;
mod hostname;
mod idna;
mod ip;
mod pointer;
mod uri;
mod uri_template;

use std::fmt;

use crate::values;

// A format is written as its name (`"date-time"`), as in a schema.
impl serde::Serialize for Format {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Format {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Format::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format_args!("unknown format `{name}`")))
    }
}

/// A `format` a schema can name; see [`Format::from_name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// `date-time`: RFC 3339 `date-time`, offset required.
    DateTime,
    /// `lenient-date-time` (eventsmith): `date-time` with the offset optional.
    LenientDateTime,
    /// `date`: RFC 3339 `full-date`.
    Date,
    /// `time`: RFC 3339 `full-time`, offset required.
    Time,
    /// `duration`: RFC 3339 appendix A duration. Stricter than the
    /// catalog's [`values::Duration`], which also accepts fractions
    /// (`PT0.5S`), weeks with other components (`P1Y2W`) and skipped
    /// components (`P1Y2D`).
    Duration,
    /// `uuid`: RFC 4122 hyphenated form.
    Uuid,
    /// `decimal` (eventsmith): an exact decimal number as a string.
    Decimal,
    /// `money` (eventsmith): a decimal, a space and an ISO 4217 code.
    Money,
    /// `email`: RFC 5321 mailbox.
    Email,
    /// `idn-email`: RFC 6531 mailbox.
    IdnEmail,
    /// `hostname`: RFC 1123 host name; A-labels must be valid IDNA2008.
    Hostname,
    /// `idn-hostname`: RFC 5890 internationalized host name.
    IdnHostname,
    /// `ipv4`: RFC 2673 dotted-quad.
    Ipv4,
    /// `ipv6`: RFC 4291 text form.
    Ipv6,
    /// `uri`: RFC 3986 URI.
    Uri,
    /// `uri-reference`: RFC 3986 URI reference.
    UriReference,
    /// `iri`: RFC 3987 IRI.
    Iri,
    /// `iri-reference`: RFC 3987 IRI reference.
    IriReference,
    /// `uri-template`: RFC 6570 template (level 4 syntax).
    UriTemplate,
    /// `json-pointer`: RFC 6901 JSON pointer.
    JsonPointer,
    /// `relative-json-pointer`: relative JSON pointer.
    RelativeJsonPointer,
    /// `regex`: ECMA-262 regular expression.
    Regex,
}

impl Format {
    /// Every format, in declaration order.
    pub const ALL: &'static [Format] = &[
        Format::DateTime,
        Format::LenientDateTime,
        Format::Date,
        Format::Time,
        Format::Duration,
        Format::Uuid,
        Format::Decimal,
        Format::Money,
        Format::Email,
        Format::IdnEmail,
        Format::Hostname,
        Format::IdnHostname,
        Format::Ipv4,
        Format::Ipv6,
        Format::Uri,
        Format::UriReference,
        Format::Iri,
        Format::IriReference,
        Format::UriTemplate,
        Format::JsonPointer,
        Format::RelativeJsonPointer,
        Format::Regex,
    ];

    /// The format a schema names with `name` (`"date-time"`, `"idn-email"`,
    /// …); `None` for formats this crate does not know. Names are
    /// case-sensitive, as in JSON Schema.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL
            .iter()
            .copied()
            .find(|format| format.name() == name)
    }

    /// The name a schema uses for this format.
    pub fn name(self) -> &'static str {
        match self {
            Format::DateTime => "date-time",
            Format::LenientDateTime => "lenient-date-time",
            Format::Date => "date",
            Format::Time => "time",
            Format::Duration => "duration",
            Format::Uuid => "uuid",
            Format::Decimal => "decimal",
            Format::Money => "money",
            Format::Email => "email",
            Format::IdnEmail => "idn-email",
            Format::Hostname => "hostname",
            Format::IdnHostname => "idn-hostname",
            Format::Ipv4 => "ipv4",
            Format::Ipv6 => "ipv6",
            Format::Uri => "uri",
            Format::UriReference => "uri-reference",
            Format::Iri => "iri",
            Format::IriReference => "iri-reference",
            Format::UriTemplate => "uri-template",
            Format::JsonPointer => "json-pointer",
            Format::RelativeJsonPointer => "relative-json-pointer",
            Format::Regex => "regex",
        }
    }

    /// Whether this is one of eventsmith's own formats rather than one
    /// defined by JSON Schema: `lenient-date-time`, `decimal`, `money`.
    /// Other JSON Schema tools do not know these, so exported schemas
    /// explain them with [`Format::description`].
    pub fn is_custom(self) -> bool {
        matches!(
            self,
            Format::LenientDateTime | Format::Decimal | Format::Money
        )
    }

    /// One sentence saying what the format accepts, for exported schemas
    /// and documentation.
    pub fn description(self) -> &'static str {
        match self {
            Format::DateTime => {
                "An RFC 3339 date and time with an offset, e.g. 2023-12-24T01:23:45+01:00."
            }
            Format::LenientDateTime => {
                "An RFC 3339 date and time whose offset may be omitted, e.g. 2023-12-24T01:23:45+01:00 or 2021-05-14T08:07:37.083104."
            }
            Format::Date => "An RFC 3339 full date, e.g. 2023-12-24.",
            Format::Time => "An RFC 3339 time with an offset, e.g. 01:23:45+01:00.",
            Format::Duration => {
                "An ISO 8601 duration as profiled by RFC 3339 appendix A, e.g. P1M or P1DT12H."
            }
            Format::Uuid => {
                "A UUID as 32 hexadecimal digits in five hyphen-separated groups (8-4-4-4-12)."
            }
            Format::Decimal => {
                "An exact decimal number written as a string, matching -?[0-9]+(\\.[0-9]+)?, e.g. 1.23 or 4.0."
            }
            Format::Money => {
                "A decimal amount, one space and an ISO 4217 currency code, e.g. 99.99 EUR."
            }
            Format::Email => "An e-mail address (RFC 5321 mailbox).",
            Format::IdnEmail => "An internationalized e-mail address (RFC 6531 mailbox).",
            Format::Hostname => "An Internet host name (RFC 1123), e.g. example.com.",
            Format::IdnHostname => {
                "An internationalized host name (IDNA2008, RFC 5890), whose labels may be in Unicode."
            }
            Format::Ipv4 => "An IPv4 address in dotted-quad form, e.g. 192.168.0.1.",
            Format::Ipv6 => "An IPv6 address in RFC 4291 text form, e.g. 2001:db8::1.",
            Format::Uri => "An absolute URI with a scheme (RFC 3986).",
            Format::UriReference => "A URI or relative reference (RFC 3986).",
            Format::Iri => "An absolute internationalized URI (RFC 3987).",
            Format::IriReference => "An internationalized URI or relative reference (RFC 3987).",
            Format::UriTemplate => "A URI template (RFC 6570).",
            Format::JsonPointer => "A JSON pointer (RFC 6901), e.g. /items/0.",
            Format::RelativeJsonPointer => "A relative JSON pointer, e.g. 1/name or 0#.",
            Format::Regex => "A regular expression in the ECMA-262 dialect.",
        }
    }

    /// Whether `text` is valid for this format.
    pub fn check(self, text: &str) -> bool {
        match self {
            Format::DateTime => values::is_rfc3339_date_time(text),
            Format::LenientDateTime => values::is_lenient_date_time(text),
            Format::Date => values::is_rfc3339_date(text),
            Format::Time => values::is_rfc3339_time(text),
            Format::Duration => values::is_rfc3339_duration(text),
            Format::Uuid => is_uuid(text),
            Format::Decimal => values::is_decimal(text),
            Format::Money => values::is_money(text),
            Format::Email => email::is_email(text),
            Format::IdnEmail => email::is_idn_email(text),
            Format::Hostname => hostname::is_hostname(text),
            Format::IdnHostname => hostname::is_idn_hostname(text),
            Format::Ipv4 => ip::is_ipv4(text),
            Format::Ipv6 => ip::is_ipv6(text),
            Format::Uri => uri::is_uri(text),
            Format::UriReference => uri::is_uri_reference(text),
            Format::Iri => uri::is_iri(text),
            Format::IriReference => uri::is_iri_reference(text),
            Format::UriTemplate => uri_template::is_uri_template(text),
            Format::JsonPointer => pointer::is_json_pointer(text),
            Format::RelativeJsonPointer => pointer::is_relative_json_pointer(text),
            Format::Regex => is_regex(text),
        }
    }
}

/// Writes [`Format::name`].
impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `8-4-4-4-12` hexadecimal digits, any case; no braces, no `urn:uuid:`.
fn is_uuid(text: &str) -> bool {
    const HYPHENS: [usize; 4] = [8, 13, 18, 23];
    text.len() == 36
        && text.bytes().enumerate().all(|(i, byte)| {
            if HYPHENS.contains(&i) {
                byte == b'-'
            } else {
                byte.is_ascii_hexdigit()
            }
        })
}

/// Compiles as an ECMA-262 regular expression in Unicode mode (the `u`
/// flag, as JSON Schema recommends): Annex B leniencies such as identity
/// escapes of ordinary letters (`\a`) are errors, and non-ECMA syntax such as
/// `(?P<name>…)`, `(?i)` or `(?#…)` is rejected.
fn is_regex(text: &str) -> bool {
    regress::Regex::with_flags(text, "u").is_ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    use std::collections::BTreeMap;
    use std::path::Path;

    use serde_json::Value;

    #[test]
    fn names_round_trip() {
        for &format in Format::ALL {
            assert_eq!(Format::from_name(format.name()), Some(format));
            assert!(format.description().ends_with('.'), "{format:?}");
        }
        assert_eq!(Format::from_name("unknown"), None);
        assert_eq!(Format::from_name("Date-Time"), None);
        let custom: Vec<_> = Format::ALL.iter().filter(|f| f.is_custom()).collect();
        assert_eq!(
            custom,
            [&Format::LenientDateTime, &Format::Decimal, &Format::Money]
        );
        let mut sorted = Format::ALL.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, Format::ALL, "ALL is complete and in order");
    }

    /// The format a test file's schema names, by its `format` keyword.
    fn format_of(group: &Value) -> Option<Format> {
        Format::from_name(group["schema"]["format"].as_str()?)
    }

    /// Runs every string case of the JSON files in `dir` and returns, per
    /// format, (passed, total, failures).
    fn run_dir(dir: &Path) -> BTreeMap<Format, (usize, usize, Vec<String>)> {
        let mut results: BTreeMap<Format, (usize, usize, Vec<String>)> = BTreeMap::new();
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no test files in {}", dir.display());
        for file in files {
            let groups: Vec<Value> =
                serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            for group in &groups {
                let Some(format) = format_of(group) else {
                    continue;
                };
                for case in group["tests"].as_array().unwrap() {
                    let Some(data) = case["data"].as_str() else {
                        continue;
                    };
                    let expected = case["valid"].as_bool().unwrap();
                    let entry = results.entry(format).or_default();
                    entry.1 += 1;
                    if format.check(data) == expected {
                        entry.0 += 1;
                    } else {
                        entry.2.push(format!(
                            "{}: {data:?} should be {} ({})",
                            file.file_name().unwrap().to_string_lossy(),
                            if expected { "valid" } else { "invalid" },
                            case["description"].as_str().unwrap_or_default(),
                        ));
                    }
                }
            }
        }
        results
    }

    fn report(results: &BTreeMap<Format, (usize, usize, Vec<String>)>) -> Vec<String> {
        let mut failures = Vec::new();
        for (format, (passed, total, failed)) in results {
            println!("{:<22} {passed:>3}/{total:<3}", format.name());
            failures.extend(failed.iter().cloned());
        }
        failures
    }

    /// The JSON Schema Test Suite's optional format tests for 2020-12,
    /// copied verbatim into `tests/data/format-suite`: every string case of
    /// every format must agree. (`cargo test -p eventsmith-core suite --
    /// --nocapture` prints the per-format counts.)
    #[test]
    fn suite() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/format-suite");
        let results = run_dir(&dir);
        let failures = report(&results);
        for &format in Format::ALL.iter().filter(|format| !format.is_custom()) {
            assert!(
                results.contains_key(&format),
                "no suite cases for {format:?}"
            );
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// The same kind of cases for eventsmith's own formats, in
    /// `tests/data/format-custom`.
    #[test]
    fn custom_suite() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/format-custom");
        let results = run_dir(&dir);
        let failures = report(&results);
        for &format in Format::ALL.iter().filter(|format| format.is_custom()) {
            assert!(results.contains_key(&format), "no cases for {format:?}");
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn uuid() {
        assert!(Format::Uuid.check("2eb8aa08-AA98-11ea-B4Aa-73B441D16380"));
        assert!(!Format::Uuid.check("{2eb8aa08-aa98-11ea-b4aa-73b441d16380}"));
        assert!(!Format::Uuid.check("2eb8aa08-aa98-11ea-b4aa-73b441d1638\u{e9}"));
    }

    #[test]
    fn regex_uses_unicode_mode() {
        assert!(Format::Regex.check("^[a-z]+\\d{2,}$"));
        assert!(Format::Regex.check("\\p{L}+"));
        assert!(!Format::Regex.check("\\a"));
        assert!(!Format::Regex.check("(?i)abc"));
        assert!(!Format::Regex.check("a{2,1}"));
    }

    /// Odd input must never panic and is almost always invalid.
    #[test]
    fn odd_input_does_not_panic() {
        let samples = [
            "",
            " ",
            "\0",
            "\u{feff}",
            "\u{200d}",
            "\u{10ffff}",
            "\u{fffd}\u{fffd}",
            "%",
            "%%",
            "%zz",
            "~",
            "{",
            "}",
            "{{}}",
            "[",
            "]",
            "[:",
            "::::",
            ":::::::::",
            "@",
            "@@",
            "\"",
            "\"@",
            "\\",
            "xn--",
            "xn--.",
            "xn--\u{e9}",
            "XN--",
            "xn--a",
            "xn--zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
            "xn--99999999999999999999999999999999",
            "a\u{30fb}",
            "\u{5f3}",
            "\u{375}",
            "\u{b7}",
            "\u{200c}",
            "\u{94d}\u{200d}",
            "P",
            "PT",
            "T",
            "-",
            ".",
            "..",
            "0",
            "00",
            "0#",
            "#",
            "1.2.3.4.5",
            "999.999.999.999",
            "(",
            "(?<",
            "[\\",
            "\\u{110000}",
            "\\c",
            "\u{1d7ce}\u{1d7cf}",
            "\u{0663}\u{06f3}",
            "\u{202e}abc",
            "\u{e9}@\u{e9}",
            "[IPv6:",
            "a@[",
            "a@[]",
            "a@[IPv6:]",
            "http://[",
            "http://[v",
            "http://[v1.",
            "http://[]",
            "//[::1",
            "?#?#",
            "{+}",
            "{v:}",
            "{v:99999999999999999999}",
            "2020-01-01T",
            "2020-01-01T00:00:00.",
            "9999-99-99T99:99:99+99:99",
            "99.99 \u{20ac}\u{20ac}\u{20ac}",
            "1 \u{20ac}U",
        ];
        let long = "\u{e9}".repeat(10_000);
        let deep = "(".repeat(500);
        for &format in Format::ALL {
            for sample in samples
                .iter()
                .copied()
                .chain([long.as_str(), deep.as_str()])
            {
                let _ = format.check(sample);
                for prefix in ["a", "http://", "xn--", "P1", "0", "/", "\u{5d0}"] {
                    let _ = format.check(&format!("{prefix}{sample}"));
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_does_not_panic(text in "\\PC{0,64}") {
            for &format in Format::ALL {
                let _ = format.check(&text);
            }
        }

        #[test]
        fn grammar_soup_does_not_panic(
            text in "[0-9a-fA-FxnPTZWYMDHS:/.@%~#?+_ ,;=\\-\\[\\]{}()*'\"\\\\\u{e9}\u{5d0}\u{627}\u{660}\u{6f0}\u{200c}\u{200d}\u{94d}\u{b7}\u{3002}]{0,40}"
        ) {
            for &format in Format::ALL {
                let _ = format.check(&text);
            }
        }
    }

    #[test]
    fn display_is_the_name() {
        assert_eq!(Format::IdnEmail.to_string(), "idn-email");
    }

    #[test]
    fn custom_formats_agree_with_the_value_types() {
        for text in ["2021-05-14T08:07:37", "2021-05-14T08:07:37Z", "x"] {
            assert_eq!(
                Format::LenientDateTime.check(text),
                values::DateTime::parse(text).is_ok()
            );
        }
        assert!(Format::LenientDateTime.check("2021-05-14T08:07:37"));
        assert!(!Format::DateTime.check("2021-05-14T08:07:37"));
        assert!(Format::Decimal.check("4.0"));
        assert!(!Format::Decimal.check("4."));
        assert!(Format::Money.check("99.99 EUR"));
        assert!(!Format::Money.check("99.99 XYZ"));
        // The catalog's Duration is more lenient than the `duration` format.
        assert!(values::Duration::parse("PT0.5S").is_ok());
        assert!(!Format::Duration.check("PT0.5S"));
    }
}
