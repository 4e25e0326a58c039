//! `json-pointer` and `relative-json-pointer`.

/// RFC 6901: empty, or `/`-prefixed reference tokens in which every `~` is
/// followed by `0` or `1`. Any other character, control characters
/// included, is allowed (the string is already JSON-unescaped).
pub(super) fn is_json_pointer(text: &str) -> bool {
    text.is_empty() || (text.starts_with('/') && escapes_are_valid(text))
}

fn escapes_are_valid(text: &str) -> bool {
    let mut bytes = text.bytes();
    while let Some(byte) = bytes.next() {
        if byte == b'~' && !matches!(bytes.next(), Some(b'0' | b'1')) {
            return false;
        }
    }
    true
}

/// draft-handrews-relative-json-pointer-01 (the version JSON Schema 2020-12
/// cites): a non-negative integer without leading zeros, then either `#` or
/// a JSON pointer.
pub(super) fn is_relative_json_pointer(text: &str) -> bool {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || (digits > 1 && text.starts_with('0')) {
        return false;
    }
    let rest = &text[digits..];
    rest == "#" || is_json_pointer(rest)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn json_pointer() {
        for valid in ["", "/", "//", "/a~0b~1c", "/\u{e9}", "/~01"] {
            assert!(is_json_pointer(valid), "{valid:?}");
        }
        for invalid in ["a", "#/a", "/~", "/~2", "/a~", "~0"] {
            assert!(!is_json_pointer(invalid), "{invalid:?}");
        }
    }

    #[test]
    fn relative_json_pointer() {
        for valid in ["0", "1", "10", "0#", "0/", "2/a/b", "120/~1"] {
            assert!(is_relative_json_pointer(valid), "{valid:?}");
        }
        for invalid in [
            "", "#", "/a", "00", "01", "-1", "+1", "0##", "0#/a", "1a", "\u{661}",
        ] {
            assert!(!is_relative_json_pointer(invalid), "{invalid:?}");
        }
    }
}
