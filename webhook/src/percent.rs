//! Percent-decoding for query strings, path segments and form bodies.
//!
//! Strict where `form_urlencoded` is lenient: a `%` not followed by two hex
//! digits is refused rather than passed through, so a value has one reading.

use std::borrow::Cow;

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`, as in
/// queries and form bodies); `None` for a malformed escape.
pub(crate) fn decode_bytes(bytes: &[u8], plus_is_space: bool) -> Option<Cow<'_, [u8]>> {
    let escaped = bytes.contains(&b'%') || (plus_is_space && bytes.contains(&b'+'));
    if !escaped {
        return Some(Cow::Borrowed(bytes));
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'%' => {
                let high = hex_value(*bytes.get(i + 1)?)?;
                let low = hex_value(*bytes.get(i + 2)?)?;
                out.push(high << 4 | low);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(byte);
                i += 1;
            }
        }
    }
    Some(Cow::Owned(out))
}

/// [`decode_bytes`] for text that must decode to UTF-8; `None` when it
/// does not.
pub(crate) fn decode_str(text: &str, plus_is_space: bool) -> Option<Cow<'_, str>> {
    match decode_bytes(text.as_bytes(), plus_is_space)? {
        Cow::Borrowed(_) => Some(Cow::Borrowed(text)),
        Cow::Owned(bytes) => String::from_utf8(bytes).ok().map(Cow::Owned),
    }
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}
