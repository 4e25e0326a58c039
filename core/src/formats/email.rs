//! `email` (RFC 5321 `Mailbox`) and `idn-email` (RFC 6531).
//!
//! ```text
//! Mailbox       = Local-part "@" ( Domain / address-literal )
//! Local-part    = Dot-string / Quoted-string
//! Dot-string    = Atom *("." Atom)
//! Quoted-string = DQUOTE *( qtextSMTP / quoted-pairSMTP ) DQUOTE
//! address-literal = "[" ( IPv4-address-literal / IPv6-address-literal ) "]"
//! ```
//!
//! RFC 6531 adds any non-ASCII character to `atext` and `qtextSMTP` and
//! allows U-labels in the domain. General address literals (`[tag:…]`) are
//! rejected; the local part is at most 64 octets.

use super::hostname::{is_hostname, is_mail_idn_domain};
use super::ip::{is_ipv4, is_ipv6};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Charset {
    Ascii,
    Unicode,
}

pub(super) fn is_email(text: &str) -> bool {
    check(text, Charset::Ascii)
}

pub(super) fn is_idn_email(text: &str) -> bool {
    check(text, Charset::Unicode)
}

const MAX_LOCAL_PART: usize = 64;

fn check(text: &str, charset: Charset) -> bool {
    let Some(at) = local_part_end(text, charset) else {
        return false;
    };
    let (local, domain) = (&text[..at], &text[at + 1..]);
    if local.len() > MAX_LOCAL_PART {
        return false;
    }
    if let Some(literal) = domain.strip_prefix('[') {
        return literal.strip_suffix(']').is_some_and(is_address_literal);
    }
    match charset {
        Charset::Ascii => is_hostname(domain),
        Charset::Unicode => is_mail_idn_domain(domain),
    }
}

/// The byte index of the `@` that ends a valid local part.
fn local_part_end(text: &str, charset: Charset) -> Option<usize> {
    if let Some(quoted) = text.strip_prefix('"') {
        let end = quoted_string_end(quoted, charset)?;
        // `end` indexes `quoted`; the closing quote is at 1 + end.
        let at = end + 2;
        return (text.as_bytes().get(at) == Some(&b'@')).then_some(at);
    }
    let at = text.find('@')?;
    text[..at]
        .split('.')
        .all(|atom| is_atom(atom, charset))
        .then_some(at)
}

/// The index of the closing quote, if every character before it is
/// `qtextSMTP` or a `quoted-pairSMTP`.
fn quoted_string_end(quoted: &str, charset: Charset) -> Option<usize> {
    let mut chars = quoted.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some(i),
            '\\' => {
                let (_, escaped) = chars.next()?;
                if !(' '..='~').contains(&escaped) {
                    return None;
                }
            }
            ' '..='~' => {}
            c if !c.is_ascii() && charset == Charset::Unicode => {}
            _ => return None,
        }
    }
    None
}

/// `1*atext`.
fn is_atom(atom: &str, charset: Charset) -> bool {
    !atom.is_empty()
        && atom.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || "!#$%&'*+-/=?^_`{|}~".contains(c)
                || (!c.is_ascii() && charset == Charset::Unicode)
        })
}

/// The text between `[` and `]`: a dotted quad or `IPv6:` and an address.
fn is_address_literal(literal: &str) -> bool {
    match literal.get(..5) {
        Some(tag) if tag.eq_ignore_ascii_case("IPv6:") => is_ipv6(&literal[5..]),
        _ => is_ipv4(literal),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn email() {
        for valid in [
            "a@b",
            "joe.bloggs@example.com",
            "!#$%&'*+-/=?^_`{|}~@example.com",
            "\"\"@example.com",
            "\"a\\\"b\"@example.com",
            "\"a@b\"@example.com",
            "a@[IPv6:2001:db8::1]",
            "a@[ipv6:::1]",
            "a@[192.168.0.1]",
            "a@xn--9n2bp8q.xn--9t4b11yi5a",
        ] {
            assert!(is_email(valid), "{valid}");
        }
        for invalid in [
            "",
            "@",
            "a@",
            "@b",
            "a@b@c",
            "a..b@c",
            ".a@c",
            "a.@c",
            "a b@c",
            "\"a\"b@c",
            "\"a@c",
            "\"a\\\u{e9}\"@c",
            "a@b.",
            "a@-b",
            "a@[1.2.3]",
            "a@[IPv6:1.2.3.4]",
            "a@[tag:text]",
            "a@[192.168.0.1",
            "\u{e9}@example.com",
            "a@\u{e9}.com",
            "a\n@example.com",
            "x@xn--X",
        ] {
            assert!(!is_email(invalid), "{invalid:?}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert!(!is_email(&long_local));
    }

    #[test]
    fn idn_email() {
        for valid in [
            "\u{e9}@example.com",
            "\"\u{e9} x\"@example.com",
            "a@\u{c2e4}\u{b840}.\u{d14c}\u{c2a4}\u{d2b8}",
            "a@caf\u{e9}.com",
        ] {
            assert!(is_idn_email(valid), "{valid}");
        }
        for invalid in ["a@\u{302e}.com", "a\u{ff20}b.com", "a b@c", "a@b\u{3002}"] {
            assert!(!is_idn_email(invalid), "{invalid:?}");
        }
    }
}
