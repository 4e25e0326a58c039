//! `uri-template`: RFC 6570 syntax, up to level 4.
//!
//! ```text
//! URI-Template  = *( literals / expression )
//! expression    = "{" [ operator ] variable-list "}"
//! operator      = "+" / "#" / "." / "/" / ";" / "?" / "&"
//! variable-list = varspec *( "," varspec )
//! varspec       = varname [ ":" max-length / "*" ]
//! varname       = varchar *( ["."] varchar )
//! varchar       = ALPHA / DIGIT / "_" / pct-encoded
//! max-length    = %x31-39 0*3DIGIT
//! ```
//!
//! The operators RFC 6570 reserves for future extensions (`=`, `,`, `!`,
//! `@`, `|`) are rejected. Literals follow RFC 6570 with errata 6937, which
//! allows the apostrophe.

use super::uri::{is_iprivate, is_pct_tail, is_ucschar};

pub(super) fn is_uri_template(text: &str) -> bool {
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        let ok = match c {
            '{' => {
                let rest = chars.as_str();
                let Some(end) = rest.find('}') else {
                    return false;
                };
                chars = rest[end + 1..].chars();
                is_expression(&rest[..end])
            }
            '%' => is_pct_tail(&mut chars),
            c if c.is_ascii() => is_literal(c as u8),
            c => is_ucschar(c) || is_iprivate(c),
        };
        if !ok {
            return false;
        }
    }
    true
}

/// Any ASCII character except CTL, SP, `"`, `%` (checked as an escape
/// elsewhere), `<`, `>`, `\`, `^`, `` ` ``, `{`, `|` and `}`.
fn is_literal(b: u8) -> bool {
    !b.is_ascii_control()
        && !matches!(
            b,
            b' ' | b'"' | b'%' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}'
        )
}

/// The text between `{` and `}`.
fn is_expression(expression: &str) -> bool {
    let variables = match expression.as_bytes().first() {
        Some(b'+' | b'#' | b'.' | b'/' | b';' | b'?' | b'&') => &expression[1..],
        Some(b'=' | b',' | b'!' | b'@' | b'|') | None => return false,
        Some(_) => expression,
    };
    variables.split(',').all(is_varspec)
}

fn is_varspec(varspec: &str) -> bool {
    if let Some(name) = varspec.strip_suffix('*') {
        return is_varname(name);
    }
    match varspec.split_once(':') {
        Some((name, max_length)) => is_varname(name) && is_max_length(max_length),
        None => is_varname(varspec),
    }
}

/// `varchar *( ["."] varchar )`: no empty name, no leading, trailing or
/// doubled dot.
fn is_varname(name: &str) -> bool {
    name.split('.').all(|part| {
        let mut chars = part.chars();
        let mut any = false;
        while let Some(c) = chars.next() {
            any = true;
            let ok = match c {
                '%' => is_pct_tail(&mut chars),
                c => c.is_ascii_alphanumeric() || c == '_',
            };
            if !ok {
                return false;
            }
        }
        any
    })
}

/// `%x31-39 0*3DIGIT`: 1 to 9999 without leading zeros.
fn is_max_length(text: &str) -> bool {
    let bytes = text.as_bytes();
    (1..=4).contains(&bytes.len()) && bytes[0] != b'0' && bytes.iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        for valid in [
            "",
            "http://example.com/{id}",
            "{+path}/here",
            "{#a,b*,c:3}",
            "{var}{var}",
            "{a_b.c1}",
            "{%41%42}",
            "x{?a,b}y{&c}",
            "\u{e9}{x}",
            "{v:9999}",
        ] {
            assert!(is_uri_template(valid), "{valid:?}");
        }
        for invalid in [
            "{",
            "}",
            "{}",
            "{+}",
            "{a",
            "a}",
            "{a b}",
            "{a,}",
            "{,a}",
            "{.a.}",
            "{a..b}",
            "{.}",
            "{a:}",
            "{a:0}",
            "{a:10000}",
            "{a*:1}",
            "{a:1*}",
            "{=a}",
            "{!a}",
            "{@a}",
            "{|a}",
            "{%4}",
            "{{a}}",
            "a b",
            "a\"b",
            "a<b",
            "%",
            "%4g",
            "a\u{7f}",
            "\u{85}",
        ] {
            assert!(!is_uri_template(invalid), "{invalid:?}");
        }
    }
}
