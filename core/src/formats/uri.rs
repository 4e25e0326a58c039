//! `uri`, `uri-reference`, `iri` and `iri-reference`: the RFC 3986 and
//! RFC 3987 grammars, checked component by component.
//!
//! ```text
//! URI-reference = URI / relative-ref
//! URI           = scheme ":" hier-part [ "?" query ] [ "#" fragment ]
//! relative-ref  = relative-part [ "?" query ] [ "#" fragment ]
//! hier-part     = "//" authority path-abempty / path-absolute
//!               / path-rootless / path-empty
//! relative-part = "//" authority path-abempty / path-absolute
//!               / path-noscheme / path-empty
//! authority     = [ userinfo "@" ] host [ ":" port ]
//! host          = IP-literal / IPv4address / reg-name
//! ```
//!
//! An IRI differs only in the characters allowed: `ucschar` (most non-ASCII
//! code points) wherever `unreserved` is, and `iprivate` in the query.

use super::ip::is_ipv6;

/// Which grammar: RFC 3986 (ASCII) or RFC 3987 (with `ucschar`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Charset {
    Uri,
    Iri,
}

/// Whether a relative reference is acceptable or a scheme is required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Absolute,
    Reference,
}

pub(super) fn is_uri(text: &str) -> bool {
    check(text, Charset::Uri, Form::Absolute)
}

pub(super) fn is_uri_reference(text: &str) -> bool {
    check(text, Charset::Uri, Form::Reference)
}

pub(super) fn is_iri(text: &str) -> bool {
    check(text, Charset::Iri, Form::Absolute)
}

pub(super) fn is_iri_reference(text: &str) -> bool {
    check(text, Charset::Iri, Form::Reference)
}

fn check(text: &str, charset: Charset, form: Form) -> bool {
    let (rest, fragment) = match text.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (text, None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((rest, query)) => (rest, Some(query)),
        None => (rest, None),
    };
    let fragment_ok = fragment.is_none_or(|fragment| {
        all_chars(fragment, charset, false, |b| {
            is_pchar(b) || b == b'/' || b == b'?'
        })
    });
    let query_ok = query.is_none_or(|query| {
        all_chars(query, charset, true, |b| {
            is_pchar(b) || b == b'/' || b == b'?'
        })
    });
    if !fragment_ok || !query_ok {
        return false;
    }
    match split_scheme(rest) {
        Some((scheme, hier_part)) => is_scheme(scheme) && is_hier_part(hier_part, charset, true),
        None => form == Form::Reference && is_hier_part(rest, charset, false),
    }
}

/// `scheme ":" rest` when the text before the first `:` could be a scheme
/// (it has no `/`); a relative reference's first segment cannot contain `:`.
fn split_scheme(text: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = text.split_once(':')?;
    if scheme.contains('/') {
        None
    } else {
        Some((scheme, rest))
    }
}

/// `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
fn is_scheme(scheme: &str) -> bool {
    let mut bytes = scheme.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// `hier-part` (after a scheme) or `relative-part` (without one): the two
/// differ only in that a relative path's first segment may not contain `:`
/// — which cannot happen here, since [`split_scheme`] would have taken it.
fn is_hier_part(text: &str, charset: Charset, has_scheme: bool) -> bool {
    if let Some(rest) = text.strip_prefix("//") {
        let (authority, path) = match rest.find('/') {
            Some(slash) => rest.split_at(slash),
            None => (rest, ""),
        };
        return is_authority(authority, charset) && is_path(path, charset);
    }
    if !has_scheme {
        // path-noscheme: guaranteed by split_scheme, but check anyway.
        let first = text.split('/').next().unwrap_or_default();
        if first.contains(':') {
            return false;
        }
    }
    is_path(text, charset)
}

/// Segments of `pchar`s separated by `/`.
fn is_path(path: &str, charset: Charset) -> bool {
    all_chars(path, charset, false, |b| is_pchar(b) || b == b'/')
}

/// `[ userinfo "@" ] host [ ":" port ]`.
fn is_authority(authority: &str, charset: Charset) -> bool {
    let (userinfo, host_port) = match authority.split_once('@') {
        Some((userinfo, host_port)) => (Some(userinfo), host_port),
        None => (None, authority),
    };
    let userinfo_ok = userinfo.is_none_or(|userinfo| {
        all_chars(userinfo, charset, false, |b| {
            is_unreserved(b) || is_sub_delim(b) || b == b':'
        })
    });
    userinfo_ok && is_host_port(host_port, charset)
}

fn is_host_port(host_port: &str, charset: Charset) -> bool {
    let (host_ok, port) = if let Some(literal) = host_port.strip_prefix('[') {
        let Some((address, after)) = literal.split_once(']') else {
            return false;
        };
        let port = match after {
            "" => None,
            after => match after.strip_prefix(':') {
                Some(port) => Some(port),
                None => return false,
            },
        };
        (is_ipv6(address) || is_ipv_future(address), port)
    } else {
        let (host, port) = match host_port.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        };
        // reg-name; it also covers IPv4address.
        let host_ok = all_chars(host, charset, false, |b| {
            is_unreserved(b) || is_sub_delim(b)
        });
        (host_ok, port)
    };
    host_ok && port.is_none_or(|port| port.bytes().all(|b| b.is_ascii_digit()))
}

/// `"v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )`, `v` in any case.
fn is_ipv_future(address: &str) -> bool {
    let Some(rest) = address
        .strip_prefix('v')
        .or_else(|| address.strip_prefix('V'))
    else {
        return false;
    };
    let Some((version, text)) = rest.split_once('.') else {
        return false;
    };
    !version.is_empty()
        && version.bytes().all(|b| b.is_ascii_hexdigit())
        && !text.is_empty()
        && text
            .bytes()
            .all(|b| is_unreserved(b) || is_sub_delim(b) || b == b':')
}

/// Whether every character of `text` is an ASCII byte accepted by
/// `ascii`, a valid `%XX` escape, or (for IRIs) a `ucschar` — or an
/// `iprivate` code point when `private` (IRI queries).
fn all_chars(text: &str, charset: Charset, private: bool, ascii: impl Fn(u8) -> bool) -> bool {
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        let ok = match c {
            '%' => is_pct_tail(&mut chars),
            c if c.is_ascii() => ascii(c as u8),
            c => charset == Charset::Iri && (is_ucschar(c) || (private && is_iprivate(c))),
        };
        if !ok {
            return false;
        }
    }
    true
}

/// The two hex digits after a `%`.
pub(super) fn is_pct_tail(chars: &mut std::str::Chars<'_>) -> bool {
    chars.next().is_some_and(|c| c.is_ascii_hexdigit())
        && chars.next().is_some_and(|c| c.is_ascii_hexdigit())
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn is_sub_delim(b: u8) -> bool {
    matches!(
        b,
        b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
    )
}

/// `pchar` without `pct-encoded`, which [`all_chars`] handles.
fn is_pchar(b: u8) -> bool {
    is_unreserved(b) || is_sub_delim(b) || b == b':' || b == b'@'
}

/// RFC 3987 `ucschar`.
pub(super) fn is_ucschar(c: char) -> bool {
    let c = u32::from(c);
    matches!(c, 0xA0..=0xD7FF | 0xF900..=0xFDCF | 0xFDF0..=0xFFEF | 0xE1000..=0xEFFFD)
        || ((0x1_0000..=0xD_FFFF).contains(&c) && (c & 0xFFFF) <= 0xFFFD)
}

/// RFC 3987 `iprivate`.
pub(super) fn is_iprivate(c: char) -> bool {
    matches!(
        u32::from(c),
        0xE000..=0xF8FF | 0xF_0000..=0xF_FFFD | 0x10_0000..=0x10_FFFD
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        for valid in [
            "http://example.com",
            "http://example.com:",
            "http://user:pass@example.com:8080/p/a/t/h?query=1#frag",
            "http://[::1]:80/",
            "http://[v7.x:y]/",
            "urn:isbn:0451450523",
            "file:///etc/hosts",
            "mailto:a@b",
            "a+b-c.d:",
            "http://a/%20?%2F#%41",
            "x:/a//b",
            "x:?#",
        ] {
            assert!(is_uri(valid), "{valid}");
            assert!(is_uri_reference(valid), "{valid}");
            assert!(is_iri(valid), "{valid}");
        }
        for invalid in [
            "",
            "/a",
            "a",
            "http://ex ample.com",
            "http://example.com:8o",
            "http://[::1",
            "http://[::1]x",
            "http://[v.x]/",
            "http://[vz.x]/",
            "http://[::1%25eth0]/",
            "http://a#b#c",
            "http://a/%2",
            "http://\u{e9}.com",
            "-http://a",
        ] {
            assert!(!is_uri(invalid), "{invalid}");
        }
    }

    #[test]
    fn references() {
        for valid in [
            "", "a", "a/b:c", "./a:b", "//a", "?q", "#f", "/a/b", "a?b#c", "%41",
        ] {
            assert!(is_uri_reference(valid), "{valid:?}");
        }
        for invalid in ["a:b:c/ d", "1:b", "a b", "a<b", "%4", "#a#"] {
            assert!(!is_uri_reference(invalid), "{invalid:?}");
        }
    }

    #[test]
    fn iris() {
        assert!(is_iri("http://\u{e9}.com/\u{1F600}?\u{E000}#\u{e9}"));
        assert!(!is_iri("http://a/#\u{E000}"), "iprivate only in the query");
        assert!(!is_iri("http://a/\u{FFFE}"));
        assert!(!is_iri("http://a/\u{85}"), "C1 controls are not ucschar");
        assert!(is_iri_reference("\u{e2}\u{3c0}"));
        assert!(!is_iri("\u{e2}\u{3c0}"));
    }
}
