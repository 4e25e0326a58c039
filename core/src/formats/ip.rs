//! `ipv4` and `ipv6`.

/// RFC 2673 dotted-quad: four decimal octets 0-255 without leading zeros,
/// ASCII digits only.
pub(super) fn is_ipv4(text: &str) -> bool {
    let mut octets = 0;
    for octet in text.split('.') {
        octets += 1;
        if octets > 4 || !is_octet(octet) {
            return false;
        }
    }
    octets == 4
}

fn is_octet(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.is_empty() || bytes.len() > 3 || !bytes.iter().all(u8::is_ascii_digit) {
        return false;
    }
    if bytes.len() > 1 && bytes[0] == b'0' {
        return false;
    }
    bytes
        .iter()
        .fold(0_u32, |value, digit| value * 10 + u32::from(digit - b'0'))
        <= 255
}

/// RFC 4291 §2.2 text form: eight groups of 1-4 hex digits, at most one `::`
/// standing for one or more zero groups, and optionally a dotted-quad IPv4
/// address in place of the last two groups. No zone id, prefix length or
/// brackets.
pub(super) fn is_ipv6(text: &str) -> bool {
    let (groups, compressed) = match text.split_once("::") {
        Some((head, tail)) => {
            if tail.contains("::") {
                return false;
            }
            let (Some(head), Some(tail)) = (count_groups(head, false), count_groups(tail, true))
            else {
                return false;
            };
            (head + tail, true)
        }
        None => match count_groups(text, true) {
            Some(groups) => (groups, false),
            None => return false,
        },
    };
    if compressed { groups <= 7 } else { groups == 8 }
}

/// The number of 16-bit groups in a `:`-separated run (`""` has none);
/// `None` when the run is malformed. An IPv4 address may end the run only
/// when it ends the address (`last`); it counts as two groups.
fn count_groups(run: &str, last: bool) -> Option<usize> {
    if run.is_empty() {
        return Some(0);
    }
    let mut groups = 0;
    let mut pieces = run.split(':').peekable();
    while let Some(piece) = pieces.next() {
        let is_final = pieces.peek().is_none();
        if last && is_final && piece.contains('.') {
            if !is_ipv4(piece) {
                return None;
            }
            groups += 2;
        } else if (1..=4).contains(&piece.len()) && piece.bytes().all(|b| b.is_ascii_hexdigit()) {
            groups += 1;
        } else {
            return None;
        }
    }
    Some(groups)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn ipv4() {
        for valid in ["0.0.0.0", "255.255.255.255", "192.168.0.1", "10.20.30.40"] {
            assert!(is_ipv4(valid), "{valid}");
        }
        for invalid in [
            "",
            "1.2.3",
            "1.2.3.4.5",
            "256.0.0.0",
            "01.2.3.4",
            "1.2.3.04",
            "1..2.3",
            "1.2.3.4.",
            "a.b.c.d",
            "1.2.3.-4",
            "1.2.3.+4",
            "1.2.3.4 ",
            "1000.1.1.1",
            "\u{661}.1.1.1",
        ] {
            assert!(!is_ipv4(invalid), "{invalid}");
        }
    }

    #[test]
    fn ipv6() {
        for valid in [
            "::",
            "::1",
            "1::",
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7::",
            "::2:3:4:5:6:7:8",
            "1::8",
            "fe80::1:2",
            "::ffff:192.168.0.1",
            "1:2:3:4:5:6:1.2.3.4",
            "1:2:3:4:5::1.2.3.4",
            "ABCD:ef01::",
        ] {
            assert!(is_ipv6(valid), "{valid}");
        }
        for invalid in [
            "",
            ":",
            ":::",
            "1:2:3:4:5:6:7:8:9",
            "1:2:3:4:5:6:7:8::",
            "::1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7",
            "1::2::3",
            "12345::",
            "1:2:3:4:5:6:7:1.2.3.4",
            "1.2.3.4::",
            "1.2.3.4::1",
            "::1.2.3.4:1",
            "::1.2.3",
            "[::1]",
            "::1%eth0",
            "::1/128",
            "g::",
        ] {
            assert!(!is_ipv6(invalid), "{invalid}");
        }
    }
}
