//! Reading untrusted JSON: size and depth limits, duplicate keys rejected.
//!
//! serde_json's own `Value` keeps the last of two duplicate keys while other
//! parsers keep the first, so a payload with duplicates means different things
//! to different consumers; we refuse it. Depth is limited below serde_json's
//! fixed recursion limit so the error names our configurable limit.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Limits applied to every payload before any schema sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted payload in bytes. Default: 16 MiB.
    pub max_bytes: usize,
    /// Deepest accepted nesting of arrays and objects (the root object is
    /// depth 1). Default: 64; at most 126, serde_json's own hard limit.
    pub max_depth: usize,
}

impl Limits {
    /// The defaults: 16 MiB, depth 64.
    pub const DEFAULT: Limits = Limits {
        max_bytes: 16 * 1024 * 1024,
        max_depth: 64,
    };

    /// The highest depth this parser can honour.
    pub const MAX_DEPTH: usize = 126;
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// Why a payload could not be read as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The payload is larger than [`Limits::max_bytes`].
    TooLarge {
        /// Payload size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Nesting deeper than [`Limits::max_depth`].
    TooDeep {
        /// The limit.
        limit: usize,
        /// 1-based line where the limit was crossed.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// An object has the same key twice.
    DuplicateKey {
        /// The repeated key.
        key: String,
        /// 1-based line of the second occurrence.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// Not JSON (syntax error, invalid UTF-8, empty input, trailing data, …).
    Syntax {
        /// serde_json's description, without position.
        message: String,
        /// 1-based line (0 when unknown).
        line: usize,
        /// 1-based column (0 when unknown).
        column: usize,
    },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::TooLarge { size, limit } => {
                write!(
                    f,
                    "payload is {size} bytes, larger than the limit of {limit} bytes"
                )
            }
            ParseError::TooDeep {
                limit,
                line,
                column,
            } => write!(
                f,
                "nesting deeper than the limit of {limit} levels at line {line} column {column}"
            ),
            ParseError::DuplicateKey { key, line, column } => {
                write!(f, "duplicate key \"{key}\" at line {line} column {column}")
            }
            ParseError::Syntax {
                message,
                line,
                column,
            } if *line > 0 => {
                write!(f, "invalid JSON at line {line} column {column}: {message}")
            }
            ParseError::Syntax { message, .. } => write!(f, "invalid JSON: {message}"),
        }
    }
}

impl std::error::Error for ParseError {}

/// Parses `bytes` into a JSON value under `limits`.
pub fn parse_slice(bytes: &[u8], limits: Limits) -> Result<Value, ParseError> {
    if bytes.len() > limits.max_bytes {
        return Err(ParseError::TooLarge {
            size: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = ValueSeed {
        depth: 0,
        limit: limits.max_depth.min(Limits::MAX_DEPTH),
    }
    .deserialize(&mut de)
    .and_then(|v| de.end().map(|()| v))
    .map_err(classify)?;
    Ok(value)
}

/// Parses `text` into a JSON value under `limits`.
pub fn parse_str(text: &str, limits: Limits) -> Result<Value, ParseError> {
    parse_slice(text.as_bytes(), limits)
}

// Our own errors travel through serde_json as custom messages with these
// prefixes, then come back out with serde_json's line and column.
const TOO_DEEP: &str = "\u{1}too-deep";
const DUPLICATE: &str = "\u{1}duplicate:";

fn classify(e: serde_json::Error) -> ParseError {
    let (line, column) = (e.line(), e.column());
    let text = e.to_string();
    // serde_json appends " at line L column C" to custom messages.
    let message = match text.rfind(" at line ") {
        Some(i) if line > 0 => text[..i].to_owned(),
        _ => text,
    };
    if let Some(rest) = message.strip_prefix(TOO_DEEP) {
        let limit = rest.trim_start_matches(':').parse().unwrap_or(0);
        ParseError::TooDeep {
            limit,
            line,
            column,
        }
    } else if let Some(key) = message.strip_prefix(DUPLICATE) {
        ParseError::DuplicateKey {
            key: key.to_owned(),
            line,
            column,
        }
    } else if message.contains("recursion limit exceeded") {
        ParseError::TooDeep {
            limit: Limits::MAX_DEPTH,
            line,
            column,
        }
    } else {
        ParseError::Syntax {
            message,
            line,
            column,
        }
    }
}

struct ValueSeed {
    depth: usize,
    limit: usize,
}

impl ValueSeed {
    fn nested<E: de::Error>(&self) -> Result<ValueSeed, E> {
        if self.depth + 1 > self.limit {
            return Err(E::custom(format_args!("{TOO_DEEP}:{}", self.limit)));
        }
        Ok(ValueSeed {
            depth: self.depth + 1,
            limit: self.limit,
        })
    }
}

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        loop {
            let seed = self.nested()?;
            match seq.next_element_seed(seed)? {
                Some(v) => out.push(v),
                None => break,
            }
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            // One lookup per member: the entry finds duplicates and inserts.
            match out.entry(key) {
                serde_json::map::Entry::Occupied(e) => {
                    return Err(de::Error::custom(format_args!("{DUPLICATE}{}", e.key())));
                }
                serde_json::map::Entry::Vacant(slot) => {
                    slot.insert(map.next_value_seed(self.nested()?)?);
                }
            }
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(s: &str) -> Result<Value, ParseError> {
        parse_str(s, Limits::DEFAULT)
    }

    #[test]
    fn parses_ordinary_json() {
        assert_eq!(
            parse(r#"{"a":[1,2.5,"x",null,true]}"#),
            Ok(json!({"a":[1,2.5,"x",null,true]}))
        );
    }

    #[test]
    fn rejects_duplicate_keys_with_position() {
        let err = parse("{\"a\":1,\n \"a\":2}").unwrap_err();
        assert!(
            matches!(err, ParseError::DuplicateKey { ref key, line: 2, .. } if key == "a"),
            "{err:?}"
        );
    }

    #[test]
    fn rejects_deep_nesting_without_overflow() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        let err = parse(&deep).unwrap_err();
        assert!(
            matches!(err, ParseError::TooDeep { limit: 64, .. }),
            "{err:?}"
        );
        let ok = "[".repeat(64) + &"]".repeat(64);
        assert!(parse(&ok).is_ok());
        let over = "[".repeat(65) + &"]".repeat(65);
        assert!(parse(&over).is_err());
    }

    #[test]
    fn rejects_oversized_payloads_before_parsing() {
        let err = parse_slice(
            b"[1,2,3]",
            Limits {
                max_bytes: 3,
                ..Limits::DEFAULT
            },
        )
        .unwrap_err();
        assert_eq!(err, ParseError::TooLarge { size: 7, limit: 3 });
    }

    #[test]
    fn syntax_errors_carry_position() {
        assert!(matches!(parse(""), Err(ParseError::Syntax { .. })));
        assert!(matches!(
            parse("{} x"),
            Err(ParseError::Syntax { line: 1, .. })
        ));
        assert!(matches!(
            parse_slice(b"\"\xff\"", Limits::DEFAULT),
            Err(ParseError::Syntax { .. })
        ));
        let e = parse("{\"a\": NaN}").unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
    }

    #[test]
    fn huge_numbers_do_not_fail() {
        assert!(parse("123456789012345678901234567890").is_ok());
        assert!(parse("1e400").is_err());
    }
}
