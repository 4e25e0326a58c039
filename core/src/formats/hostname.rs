//! `hostname` and `idn-hostname`, and the domain of an `idn-email`.
//!
//! A name is labels separated by dots, without a trailing dot, at most 253
//! octets in its ASCII (A-label) form, each label 1 to 63 octets:
//! - an ASCII label is letters, digits and hyphens, not starting or ending
//!   with a hyphen (RFC 1123 §2.1: it may start with a digit); one starting
//!   with `xn--` (any case) is an A-label and must be the canonical Punycode
//!   of a valid U-label;
//! - a non-ASCII label (`idn-hostname` only) must be a valid U-label
//!   ([`idna::is_valid_u_label`]) whose A-label fits in 63 octets.
//!
//! If any label is right-to-left, every label must satisfy the Bidi rule
//! (RFC 5893). `idn-hostname` also accepts the ideographic full stops
//! U+3002, U+FF0E and U+FF61 as separators (RFC 3490 §3.1).

use std::borrow::Cow;

use super::idna;

const MAX_NAME: usize = 253;
const MAX_LABEL: usize = 63;
const ACE_PREFIX: &str = "xn--";

/// What a name may contain.
#[derive(Debug, Clone, Copy)]
struct Rules {
    /// U-labels and the ideographic full stops.
    unicode: bool,
    /// U-labels must be in NFC.
    nfc: bool,
}

pub(super) fn is_hostname(text: &str) -> bool {
    text.is_ascii()
        && check(
            text,
            Rules {
                unicode: false,
                nfc: true,
            },
        )
}

pub(super) fn is_idn_hostname(text: &str) -> bool {
    check(
        text,
        Rules {
            unicode: true,
            nfc: true,
        },
    )
}

/// The domain of an `idn-email`: as `idn-hostname`, except that U-labels
/// need not be in NFC (the JSON Schema Test Suite accepts `café` with a
/// combining accent there).
pub(super) fn is_mail_idn_domain(text: &str) -> bool {
    check(
        text,
        Rules {
            unicode: true,
            nfc: false,
        },
    )
}

fn is_separator(c: char, rules: Rules) -> bool {
    c == '.' || (rules.unicode && matches!(c, '\u{3002}' | '\u{FF0E}' | '\u{FF61}'))
}

fn check(text: &str, rules: Rules) -> bool {
    // Every character takes at least one octet of the ASCII form, so a
    // longer text cannot fit; this also bounds the Punycode work below.
    if text.is_empty() || text.chars().count() > MAX_NAME {
        return false;
    }
    let mut length = 0;
    let mut labels = Vec::new();
    for label in text.split(|c| is_separator(c, rules)) {
        let Some((ascii_length, unicode)) = check_label(label, rules) else {
            return false;
        };
        length += ascii_length + usize::from(!labels.is_empty());
        labels.push(unicode);
    }
    if length > MAX_NAME {
        return false;
    }
    let is_bidi_name = labels.iter().any(|label| idna::is_rtl_label(label));
    !is_bidi_name || labels.iter().all(|label| idna::satisfies_bidi_rule(label))
}

/// The label's length in ASCII form and its Unicode form (an A-label
/// decoded), or `None` when it is invalid.
fn check_label(label: &str, rules: Rules) -> Option<(usize, Cow<'_, str>)> {
    if label.is_ascii() {
        if !is_ldh_label(label) {
            return None;
        }
        let is_a_label = label
            .get(..ACE_PREFIX.len())
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case(ACE_PREFIX));
        if !is_a_label {
            return Some((label.len(), Cow::Borrowed(label)));
        }
        let unicode = decode_a_label(label)?;
        idna::is_valid_u_label(&unicode, true).then_some((label.len(), Cow::Owned(unicode)))
    } else {
        if !rules.unicode || !idna::is_valid_u_label(label, rules.nfc) {
            return None;
        }
        let length = ACE_PREFIX.len() + ::idna::punycode::encode_str(label)?.len();
        (length <= MAX_LABEL).then_some((length, Cow::Borrowed(label)))
    }
}

/// Letters, digits and hyphens, 1 to 63 of them, not starting or ending with
/// a hyphen.
fn is_ldh_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    (1..=MAX_LABEL).contains(&bytes.len())
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-')
        && bytes.first() != Some(&b'-')
        && bytes.last() != Some(&b'-')
}

/// The U-label an A-label encodes, if its Punycode is valid, canonical (it
/// encodes back to the same text) and encodes something non-ASCII.
fn decode_a_label(label: &str) -> Option<String> {
    let encoded = label[ACE_PREFIX.len()..].to_ascii_lowercase();
    let decoded = ::idna::punycode::decode_to_string(&encoded)?;
    if decoded.is_ascii() || ::idna::punycode::encode_str(&decoded)? != encoded {
        return None;
    }
    Some(decoded)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn hostnames() {
        let max_label = "a".repeat(63);
        let long_name = [max_label.as_str(); 4].join(".");
        let max_name = &long_name[..253];
        for valid in [
            "a",
            "example.com",
            "EXAMPLE.COM",
            "1.2.3.4",
            "a--b",
            "xn--bcher-kva.example",
            "XN--BCHER-KVA.example",
            max_label.as_str(),
            max_name,
        ] {
            assert!(is_hostname(valid), "{valid}");
        }
        for invalid in [
            "",
            ".",
            "a.",
            ".a",
            "a..b",
            "-a",
            "a-",
            "a_b",
            "a b",
            "b\u{fc}cher",
            "xn--",
            "xn--bcher",
            "xn--bcher-kva-",
            long_name.as_str(),
            &long_name[..254],
        ] {
            assert!(!is_hostname(invalid), "{invalid}");
        }
    }

    #[test]
    fn idn_hostnames() {
        for valid in [
            "b\u{fc}cher.example",
            "\u{5d0}\u{5d1}.example",
            "a\u{3002}b",
        ] {
            assert!(is_idn_hostname(valid), "{valid}");
        }
        for invalid in [
            "B\u{fc}cher.example",
            "bu\u{308}cher.example",
            "\u{5d0}\u{5d1}.1example",
            "a\u{3002}",
        ] {
            assert!(!is_idn_hostname(invalid), "{invalid}");
        }
        assert!(is_mail_idn_domain("bu\u{308}cher.example"));
    }
}
