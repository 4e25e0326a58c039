//! Reading untrusted JSON: size and depth limits, duplicate keys rejected.
//!
//! serde_json's own `Value` keeps the last of two duplicate keys while other
//! parsers keep the first, so a payload with duplicates means different things
//! to different consumers; we refuse it. Depth is limited below serde_json's
//! fixed recursion limit so the error names our configurable limit.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
pub use crate::shim::{Kind, Node, Tape};
pub use serde_json::{Number, Value};

/// A JSON object.
pub type Map = serde_json::Map<String, Value>;

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
    let limit = limits.max_depth.min(Limits::MAX_DEPTH);
    // Text known to be UTF-8 is parsed without a UTF-8 check per string;
    // anything else as bytes, for the position of the bad sequence.
    match std::str::from_utf8(bytes) {
        Ok(text) => parse_with(serde_json::Deserializer::from_str(text), limit),
        Err(_) => parse_with(serde_json::Deserializer::from_slice(bytes), limit),
    }
}

fn parse_with<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    limit: usize,
) -> Result<Value, ParseError> {
    let value = ValueSeed {
        depth: 0,
        limit,
        plain: false,
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

/// What [`scan`] found in a payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scan<'a> {
    /// The string values of the top-level members asked for, in order;
    /// `None` for a member that is absent, not a string, or written with
    /// escape sequences (in its name or its value).
    pub members: [Option<&'a str>; 2],
    /// Whether the whole payload was scanned, its depth checked; false when
    /// [`scan_envelope`] stopped at the last member it was asked for.
    pub complete: bool,
}

/// One quick pass over a payload, building nothing: checks that no array or
/// object nests deeper than `max_depth` (the root object is depth 1) and
/// picks the string values of up to two top-level members (`names`), the
/// envelope a dispatcher needs before choosing a type to decode with.
/// `None` when the nesting is too deep.
///
/// It assumes nothing about validity: on input that is not JSON the answer
/// means nothing, and the parse that follows fails. Strings are skipped with
/// `memchr`, so the cost is mostly one look at each structural byte.
pub fn scan<'a>(bytes: &'a [u8], names: &[&str], max_depth: usize) -> Option<Scan<'a>> {
    scan_from(bytes, names, max_depth, false)
}

/// [`scan`] that stops as soon as it has the string values of all of
/// `names` ([`Scan::complete`] false then: the rest of the payload, its depth
/// included, is unchecked). For a dispatcher whose target type bounds the
/// depth itself (see `event::decode_fast`).
///
/// The members are looked for at both ends of the object first (see
/// [`members_at_the_ends`]): an envelope sits at the front of some payloads
/// (Impact Stack) and at the back of others (CloudEvents as Gigs writes
/// them), so either way little of the payload is read.
pub fn scan_envelope<'a>(bytes: &'a [u8], names: &[&str], max_depth: usize) -> Option<Scan<'a>> {
    if !names.is_empty()
        && let Some(members) = members_at_the_ends(bytes, names)
    {
        return Some(Scan {
            members,
            complete: false,
        });
    }
    scan_from(bytes, names, max_depth, !names.is_empty())
}

/// The string values of the top-level members `names` (up to two), read a
/// member at a time from both ends of the object, from whichever end has
/// read fewer bytes so far: the cost is at most twice that of reading from
/// the better end. `None` unless all of them were found: on text that is
/// not an object, or that does not read as one, the caller's forward scan
/// decides. On valid JSON whose object has no duplicate names the answer is
/// the forward scan's; on anything else it may differ, and the strict parse
/// that follows refuses the input either way.
fn members_at_the_ends<'a>(bytes: &'a [u8], names: &[&str]) -> Option<[Option<&'a str>; 2]> {
    let names = &names[..names.len().min(2)];
    let open = skip_ws(bytes, 0);
    let close = last_non_ws(bytes, bytes.len())?;
    if bytes.get(open) != Some(&b'{') || bytes[close] != b'}' || close <= open {
        return None;
    }
    let mut members = [None; 2];
    let mut found = 0;
    // Unread members lie between `front` (just past a `{` or `,`) and
    // `back` (at a `,` or the closing `}`).
    let (mut front, mut back) = (open + 1, close);
    loop {
        if front > back {
            return None;
        }
        let (member, last) = if front - open <= close - back {
            let (member, next) = member_forward(bytes, front)?;
            front = next.map_or(close, |n| n + 1);
            (member, next.is_none())
        } else {
            let (member, before) = member_backward(bytes, back)?;
            back = before;
            (member, bytes[before] == b'{')
        };
        if let Member {
            name: Some(name),
            value: Some(value),
        } = member
            && let Some(k) = names.iter().position(|n| n.as_bytes() == name)
            && members[k].is_none()
        {
            members[k] = Some(std::str::from_utf8(value).ok()?);
            found += 1;
            if found == names.len() {
                return Some(members);
            }
        }
        if last {
            return None;
        }
    }
}

/// A top-level member as [`members_at_the_ends`] reads it: its name, and
/// its value when that is a string; `None` for text with escape sequences.
struct Member<'a> {
    name: Option<&'a [u8]>,
    value: Option<&'a [u8]>,
}

/// Reads the member that starts at `i` (whitespace first), and the index
/// of the `,` after it (`None` for the `}` that ends the object).
fn member_forward(bytes: &[u8], i: usize) -> Option<(Member<'_>, Option<usize>)> {
    let i = skip_ws(bytes, i);
    if bytes.get(i) != Some(&b'"') {
        return None;
    }
    let (end, escaped) = string_end(bytes, i + 1)?;
    let name = (!escaped).then(|| &bytes[i + 1..end]);
    let colon = skip_ws(bytes, end + 1);
    if bytes.get(colon) != Some(&b':') {
        return None;
    }
    let v = skip_ws(bytes, colon + 1);
    let (value, after) = match *bytes.get(v)? {
        b'"' => {
            let (end, escaped) = string_end(bytes, v + 1)?;
            ((!escaped).then(|| &bytes[v + 1..end]), end + 1)
        }
        b'{' | b'[' => (None, nested_end(bytes, v)?),
        _ => {
            let len = bytes[v..].iter().take_while(|&&b| is_scalar(b)).count();
            (len > 0).then_some(())?;
            (None, v + len)
        }
    };
    let delimiter = skip_ws(bytes, after);
    let next = match *bytes.get(delimiter)? {
        b',' => Some(delimiter),
        b'}' => None,
        _ => return None,
    };
    Some((Member { name, value }, next))
}

/// Reads the member that ends just before the delimiter at `j`, and the
/// index of the delimiter before it (a `,`, or the `{` of the object).
fn member_backward(bytes: &[u8], j: usize) -> Option<(Member<'_>, usize)> {
    let v_last = last_non_ws(bytes, j)?;
    let (value, v) = match bytes[v_last] {
        b'"' => {
            let (open, escaped) = string_start(bytes, v_last)?;
            ((!escaped).then(|| &bytes[open + 1..v_last]), open)
        }
        b'}' | b']' => (None, nested_start(bytes, v_last)?),
        b if is_scalar(b) => {
            let len = bytes[..=v_last]
                .iter()
                .rev()
                .take_while(|&&b| is_scalar(b))
                .count();
            (None, v_last + 1 - len)
        }
        _ => return None,
    };
    let colon = last_non_ws(bytes, v)?;
    if bytes[colon] != b':' {
        return None;
    }
    let n_last = last_non_ws(bytes, colon)?;
    if bytes[n_last] != b'"' {
        return None;
    }
    let (open, escaped) = string_start(bytes, n_last)?;
    let name = (!escaped).then(|| &bytes[open + 1..n_last]);
    let before = last_non_ws(bytes, open)?;
    matches!(bytes[before], b',' | b'{').then_some((Member { name, value }, before))
}

/// Bytes of a number, `true`, `false` or `null` (and of nothing else that
/// may stand next to them).
fn is_scalar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The index of the first non-whitespace byte at or after `i`.
fn skip_ws(bytes: &[u8], i: usize) -> usize {
    i + bytes
        .get(i..)
        .map_or(0, |rest| rest.iter().take_while(|&&b| is_ws(b)).count())
}

/// The index of the last non-whitespace byte before `j`.
fn last_non_ws(bytes: &[u8], j: usize) -> Option<usize> {
    bytes.get(..j)?.iter().rposition(|&b| !is_ws(b))
}

/// The index just past the array or object that opens at `i`.
fn nested_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        let b = *bytes.get(i)?;
        i += 1;
        if !STRUCTURAL[usize::from(b)] {
            continue;
        }
        match b {
            b'"' => i = string_end(bytes, i)?.0 + 1,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
}

/// The index of the bracket that opens the array or object closing at `k`.
fn nested_start(bytes: &[u8], mut k: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        match bytes[k] {
            b'"' => k = string_start(bytes, k)?.0,
            b'}' | b']' => depth += 1,
            b'{' | b'[' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
        k = k.checked_sub(1)?;
    }
}

/// The index of the quote that opens the string whose closing quote is at
/// `close`, and whether the string holds escape sequences. In JSON text a
/// quote inside a string is always escaped, so the opening quote is the
/// nearest one before `close` that an even run of backslashes precedes.
fn string_start(bytes: &[u8], close: usize) -> Option<(usize, bool)> {
    let mut end = close;
    loop {
        let q = memchr::memrchr(b'"', &bytes[..end])?;
        let backslashes = bytes[..q].iter().rev().take_while(|&&b| b == b'\\').count();
        if backslashes % 2 == 0 {
            let escaped = memchr::memchr(b'\\', &bytes[q + 1..close]).is_some();
            return Some((q, escaped));
        }
        end = q;
    }
}

fn scan_from<'a>(
    bytes: &'a [u8],
    names: &[&str],
    max_depth: usize,
    stop_early: bool,
) -> Option<Scan<'a>> {
    let wanted = names.len().min(2);
    let mut found = 0;
    let mut members = [None; 2];
    let mut depth = 0usize;
    // At depth 1 of an object: the next string is a member name.
    let mut expect_name = false;
    // The index in `names` of the member whose value comes next.
    let mut pending: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        // Most bytes outside strings are digits, letters and `:`; one table
        // lookup passes over them.
        if !STRUCTURAL[usize::from(b)] {
            continue;
        }
        match b {
            b'"' => {
                let start = i;
                let (end, escaped) = string_end(bytes, start)?;
                i = end + 1;
                if depth != 1 {
                    continue;
                }
                let text = &bytes[start..end];
                if expect_name {
                    expect_name = false;
                    pending = if escaped {
                        None
                    } else {
                        names.iter().take(2).position(|n| n.as_bytes() == text)
                    };
                } else if let Some(k) = pending.take()
                    && !escaped
                    && members[k].is_none()
                {
                    members[k] = std::str::from_utf8(text).ok();
                    found += usize::from(members[k].is_some());
                    if stop_early && found == wanted {
                        return Some(Scan {
                            members,
                            complete: false,
                        });
                    }
                }
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > max_depth {
                    return None;
                }
                expect_name = depth == 1 && b == b'{';
                if depth > 1 {
                    pending = None;
                }
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
            }
            _ => {
                // `,`
                if depth == 1 {
                    expect_name = true;
                    pending = None;
                }
            }
        }
    }
    Some(Scan {
        members,
        complete: true,
    })
}

/// The bytes [`scan`] stops at outside strings.
static STRUCTURAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'{' as usize] = true;
    t[b'}' as usize] = true;
    t[b'[' as usize] = true;
    t[b']' as usize] = true;
    t[b',' as usize] = true;
    t
};

/// The index of the quote that ends the string starting at `start`, and
/// whether it holds escape sequences.
fn string_end(bytes: &[u8], start: usize) -> Option<(usize, bool)> {
    let mut escaped = false;
    let mut i = start;
    loop {
        i += memchr::memchr2(b'"', b'\\', bytes.get(i..)?)?;
        if bytes[i] == b'"' {
            return Some((i, escaped));
        }
        escaped = true;
        i += 2;
    }
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

/// Reads a `serde_json::Value`, refusing duplicate keys and nesting beyond
/// a limit.
pub(crate) struct ValueSeed {
    depth: usize,
    limit: usize,
    /// Errors in words (for `de::Strict`) rather than tagged for [`classify`].
    plain: bool,
}

impl ValueSeed {
    /// A seed for a value whose own nesting may use `limit` levels
    /// (`usize::MAX`: only serde_json's own recursion limit applies).
    pub(crate) fn within(limit: usize) -> ValueSeed {
        ValueSeed {
            depth: 0,
            limit,
            plain: true,
        }
    }

    fn nested<E: de::Error>(&self) -> Result<ValueSeed, E> {
        if self.depth + 1 > self.limit {
            return Err(E::custom(format_args!("{TOO_DEEP}:{}", self.limit)));
        }
        Ok(ValueSeed {
            depth: self.depth + 1,
            limit: self.limit,
            plain: self.plain,
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
                serde_json::map::Entry::Occupied(e) if self.plain => {
                    return Err(de::Error::custom(format_args!(
                        "duplicate key `{}` in an object",
                        e.key()
                    )));
                }
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
    fn scan_finds_top_level_members_and_checks_depth() {
        let text = br#"{"data":{"type":"inner","v":["type"]},"type" : "outer","version":"1.0","x":"a\"b"}"#;
        let s = scan(text, &["type", "version"], 64).unwrap();
        assert_eq!(s.members, [Some("outer"), Some("1.0")]);
        // Too deep: the root object is depth 1.
        assert_eq!(scan(text, &["type", "version"], 2), None);
        assert!(scan(text, &["type", "version"], 3).is_some());
        // A member that is not a string, or escaped, is not reported.
        let s = scan(
            br#"{"type":1,"version":"1\u002e0"}"#,
            &["type", "version"],
            8,
        )
        .unwrap();
        assert_eq!(s.members, [None, None]);
        let s = scan(br#"{"t\u0079pe":"a","type":"b"}"#, &["type", "version"], 8).unwrap();
        assert_eq!(s.members, [Some("b"), None]);
        // The first of two is reported (the parse refuses the duplicate).
        let s = scan(br#"{"type":"a","type":"b"}"#, &["type"], 8).unwrap();
        assert_eq!(s.members, [Some("a"), None]);
        // Brackets inside strings do not count; unbalanced input is refused.
        assert!(scan(br#"{"a":"[[[[[[","b":"\\"}"#, &[], 1).is_some());
        assert_eq!(scan(b"}}", &[], 8), None);
        assert_eq!(scan(br#"{"a":"unterminated"#, &[], 8), None);
        assert_eq!(scan(br#"{"a":"\"#, &[], 8), None);
        // Stopping at the envelope leaves the rest unchecked.
        let s = scan_envelope(text, &["type", "version"], 3).unwrap();
        assert_eq!(
            (s.members, s.complete),
            ([Some("outer"), Some("1.0")], false)
        );
        let deep_after = br#"{"type":"t","version":"1","x":[[[[]]]]}"#;
        assert!(scan_envelope(deep_after, &["type", "version"], 2).is_some());
        assert_eq!(scan(deep_after, &["type", "version"], 2), None);
        let s = scan_envelope(text, &["type", "nope"], 64).unwrap();
        assert_eq!((s.members, s.complete), ([Some("outer"), None], true));
        // Depth matches the parser's count.
        let ok = "[".repeat(64) + &"]".repeat(64);
        assert!(scan(ok.as_bytes(), &[], 64).is_some());
        let over = "[".repeat(65) + &"]".repeat(65);
        assert_eq!(scan(over.as_bytes(), &[], 64), None);
    }

    #[test]
    fn the_envelope_is_found_at_either_end() {
        let names = ["type", "version"];
        fn at_the_ends(text: &str) -> Option<[Option<&str>; 2]> {
            members_at_the_ends(text.as_bytes(), &["type", "version"])
        }
        // First (Impact Stack), last (Gigs), split between the two ends.
        let first = r#"{"type":"a","version":"1","data":{"x":[1,{"y":"}"}]}}"#;
        let last = r#"{"data":{"x":[1,{"y":"{"}]},"n":-1.5e+3,"type":"a","version":"1"}"#;
        let split = r#"{ "version" : "1" ,"data":[{}],"z":null , "type":"a" }"#;
        for text in [first, last, split] {
            assert_eq!(at_the_ends(text), Some([Some("a"), Some("1")]), "{text}");
            let s = scan_envelope(text.as_bytes(), &names, 64).unwrap();
            assert_eq!(s.members, [Some("a"), Some("1")]);
        }
        // Quotes and backslashes inside strings, read backwards.
        let tricky = r#"{"x":"\\","y":["\"]\\\"{"],"type":"a\"b","version":"1"}"#;
        assert_eq!(
            at_the_ends(tricky),
            None,
            "an escaped value is not reported"
        );
        let s = scan_envelope(tricky.as_bytes(), &names, 64).unwrap();
        assert_eq!(s.members, [None, Some("1")]);
        let tricky = r#"{"x":"\\","y":["\"]\\\"{"],"type":"ab","version":"1"}"#;
        assert_eq!(at_the_ends(tricky), Some([Some("ab"), Some("1")]));
        // Not all found, or not an object: the forward scan decides.
        assert_eq!(at_the_ends(r#"{"type":"a","data":{"version":"1"}}"#), None);
        assert_eq!(at_the_ends(r#"{"type":"a","version":1}"#), None);
        assert_eq!(at_the_ends(r#"["type","a","version","1"]"#), None);
        assert_eq!(at_the_ends("{}"), None);
        assert_eq!(at_the_ends(r#"{"type":"a","version":"1""#), None);
        assert_eq!(at_the_ends(r#"{"type":"a" "version":"1"}"#), None);
        assert_eq!(at_the_ends(""), None);
        // Escaped names are not matched (as in the forward scan).
        assert_eq!(at_the_ends(r#"{"t\u0079pe":"a","version":"1"}"#), None);
    }

    /// Objects of random members, some nested, with the envelope anywhere
    /// and random whitespace.
    fn object_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            "[a-z\\\\\"{}\\[\\],: ]{0,8}".prop_map(Value::String),
        ];
        let value = leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-z\"\\\\]{1,5}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        });
        (
            prop::collection::vec(("[a-z]{1,6}", value), 0..6),
            prop::option::of("[a-z.\\\\\"]{0,6}"),
            prop::option::of("[0-9.]{1,6}"),
            any::<u64>(),
            any::<bool>(),
        )
            .prop_map(|(members, t, v, seed, pretty)| {
                let mut members: Vec<(String, Value)> = members
                    .into_iter()
                    .filter(|(k, _)| k != "type" && k != "version")
                    .collect();
                let mut seed = seed;
                for (name, x) in [("type", t), ("version", v)] {
                    if let Some(x) = x {
                        let at = usize::try_from(seed % (members.len() as u64 + 1)).unwrap_or(0);
                        seed /= 7;
                        members.insert(at, (name.to_owned(), Value::String(x)));
                    }
                }
                let mut seen = std::collections::HashSet::new();
                let map: Map<String, Value> = members
                    .into_iter()
                    .filter(|(k, _)| seen.insert(k.clone()))
                    .collect();
                let value = Value::Object(map);
                if pretty {
                    serde_json::to_string_pretty(&value).unwrap()
                } else {
                    serde_json::to_string(&value).unwrap()
                }
            })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, failure_persistence: None, ..Default::default() })]
        /// On valid JSON without duplicate names, reading from both ends
        /// finds what the forward scan finds, or leaves it to the forward scan.
        #[test]
        fn the_ends_agree_with_the_forward_scan(text in object_text()) {
            let names = ["type", "version"];
            let forward = scan(text.as_bytes(), &names, 64).unwrap();
            match members_at_the_ends(text.as_bytes(), &names) {
                Some(members) => proptest::prop_assert_eq!(members, forward.members),
                None => proptest::prop_assert!(forward.members.iter().any(Option::is_none)),
            }
        }

        /// On arbitrary bytes it never panics.
        #[test]
        fn the_ends_take_any_bytes(bytes in proptest::collection::vec(proptest::sample::select(b"{}[]\",: \\atyperviosn01".to_vec()), 0..40)) {
            let _ = members_at_the_ends(&bytes, &["type", "version"]);
            let _ = scan_envelope(&bytes, &["type", "version"], 8);
        }
    }

    #[test]
    fn huge_numbers_do_not_fail() {
        assert!(parse("123456789012345678901234567890").is_ok());
        assert!(parse("1e400").is_err());
    }
}
