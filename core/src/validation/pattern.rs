//! `pattern`s simple enough to need no regular-expression engine, matched
//! by a small interpreter over their analysed items: `^evt_[A-Za-z0-9]+$`,
//! `^[0-9]{4}-[0-9]{2}$`, `^[A-Z]{3}$`, `^\+[1-9][0-9]{1,14}$`,
//! `^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`. Everything else goes through
//! `regress` ([`Matcher`]).
//!
//! A simple pattern is `^`, then a sequence of items, each an ASCII literal,
//! `\d`, `\w` or a non-negated class of ASCII characters and ranges, with an
//! optional quantifier (`?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}`), or a group of
//! alternatives that are such sequences (`(0|[1-9][0-9]*)`, matched once),
//! then optionally `$`. Greedy matching without backtracking is exact for it
//! when every item whose count varies is the last one or is followed by an
//! item that must match at least once and shares no character with it (so the
//! run the first one stops at is where the second must start), and the
//! alternatives of a group start with items that must match and share no
//! first character (so the next byte picks the only one that can match);
//! other patterns are not simple. ECMA-262 semantics hold byte for byte: the
//! sets are ASCII, so a string with any non-ASCII character can only match in
//! a part a final `$`-less pattern leaves unread, where it does not matter;
//! `^` and `$` (no multiline flag) are the start and end of the string.

/// A compiled `pattern`: the simple matcher when the pattern is simple,
/// `regress` otherwise.
#[derive(Debug)]
pub(crate) enum Matcher {
    /// A simple pattern.
    Simple(Simple),
    /// Any other ECMA-262 pattern.
    Regex(regress::Regex),
}

impl Matcher {
    /// Compiles `source`; fails when `regress` refuses it (a simple pattern
    /// is checked by `regress` too, so both accept the same sources).
    pub(crate) fn new(source: &str) -> Result<Matcher, regress::Error> {
        let regex = super::compile_pattern(source)?;
        Ok(match Simple::parse(source) {
            Some(simple) => Matcher::Simple(simple),
            None => Matcher::Regex(regex),
        })
    }

    /// True when the pattern matches anywhere in `text` (patterns are not
    /// anchored).
    #[inline]
    pub(crate) fn is_match(&self, text: &str) -> bool {
        match self {
            Matcher::Simple(simple) => simple.is_match(text),
            Matcher::Regex(regex) => regex.find(text).is_some(),
        }
    }
}

/// One item: a set of ASCII bytes repeated `min..=max` times.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Item {
    set: [bool; 128],
    min: u32,
    max: Option<u32>,
}

/// One step of a simple pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// An item.
    One(Item),
    /// A group of alternatives, matched once; the first byte picks one.
    Choice(Vec<Vec<Item>>),
}

impl Part {
    /// The bytes this part can start with, and whether it must match one.
    fn first(&self) -> ([bool; 128], bool) {
        match self {
            Part::One(item) => (item.set, item.min > 0),
            Part::Choice(alts) => {
                let mut set = [false; 128];
                for alt in alts {
                    for (s, a) in set.iter_mut().zip(alt[0].set) {
                        *s |= a;
                    }
                }
                (set, true)
            }
        }
    }

    /// The items this part can end with.
    fn last(&self) -> Vec<&Item> {
        match self {
            Part::One(item) => vec![item],
            Part::Choice(alts) => alts.iter().filter_map(|a| a.last()).collect(),
        }
    }
}

/// A pattern the byte loop handles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Simple {
    parts: Vec<Part>,
    /// Ends with `$`: the whole string must be consumed.
    to_end: bool,
}

fn disjoint(a: &[bool; 128], b: &[bool; 128]) -> bool {
    (0..128).all(|x| !(a[x] && b[x]))
}

/// Whether greedy matching of `a` then something starting with `next`
/// (`must`: which matches at least one byte) never needs to backtrack.
fn greedy_ok(a: &Item, next: &[bool; 128], must: bool) -> bool {
    a.max == Some(a.min) || (must && disjoint(&a.set, next))
}

/// The largest count accepted in `{n,m}` (beyond it, leave it to regress).
const MAX_COUNT: u32 = 1 << 16;

impl Simple {
    /// `Some` when `src` is a simple pattern.
    pub(crate) fn parse(src: &str) -> Option<Simple> {
        let b = src.as_bytes();
        let mut i = 0;
        if b.first() != Some(&b'^') {
            return None;
        }
        i += 1;
        let mut parts = Vec::new();
        let mut to_end = false;
        while i < b.len() {
            match b[i] {
                b'$' => {
                    if i + 1 != b.len() {
                        return None;
                    }
                    to_end = true;
                    break;
                }
                b'(' => {
                    i += 1;
                    if b.get(i) == Some(&b'?') {
                        // Only the non-capturing group `(?:…)`.
                        if b.get(i + 1) != Some(&b':') {
                            return None;
                        }
                        i += 2;
                    }
                    let mut alts = Vec::new();
                    loop {
                        alts.push(items(b, &mut i, true)?);
                        match b.get(i) {
                            Some(b'|') => i += 1,
                            Some(b')') => {
                                i += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                    // A quantified group repeats a choice: leave it to regress.
                    if matches!(b.get(i), Some(b'?' | b'*' | b'+' | b'{')) {
                        return None;
                    }
                    parts.push(Part::Choice(alts));
                }
                _ => {
                    let before = i;
                    let run = items(b, &mut i, false)?;
                    if i == before {
                        return None;
                    }
                    parts.extend(run.into_iter().map(Part::One));
                }
            }
        }
        // Alternatives start with a byte that tells them apart.
        for part in &parts {
            if let Part::Choice(alts) = part {
                for (k, a) in alts.iter().enumerate() {
                    let first = a.first()?;
                    if first.min == 0 {
                        return None;
                    }
                    if alts[..k].iter().any(|b| !disjoint(&b[0].set, &first.set)) {
                        return None;
                    }
                    for w in a.windows(2) {
                        if !greedy_ok(&w[0], &w[1].set, w[1].min > 0) {
                            return None;
                        }
                    }
                }
            }
        }
        // Greedy is exact only when a varying item cannot eat what the next needs.
        for w in parts.windows(2) {
            let (next, must) = w[1].first();
            if w[0].last().iter().any(|a| !greedy_ok(a, &next, must)) {
                return None;
            }
        }
        Some(Simple { parts, to_end })
    }

    /// Runs the pattern.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        let b = text.as_bytes();
        let mut i = 0usize;
        let run = |items: &[Item], i: &mut usize| {
            for item in items {
                let start = *i;
                while *i < b.len()
                    && item
                        .max
                        .is_none_or(|m| ((*i - start) as u64) < u64::from(m))
                    && b[*i] < 128
                    && item.set[usize::from(b[*i])]
                {
                    *i += 1;
                }
                if ((*i - start) as u64) < u64::from(item.min) {
                    return false;
                }
            }
            true
        };
        for part in &self.parts {
            let ok = match part {
                Part::One(item) => run(std::slice::from_ref(item), &mut i),
                Part::Choice(alts) => {
                    let picked = b
                        .get(i)
                        .and_then(|c| alts.iter().find(|a| *c < 128 && a[0].set[usize::from(*c)]));
                    picked.is_some_and(|a| run(a, &mut i))
                }
            };
            if !ok {
                return false;
            }
        }
        !self.to_end || i == b.len()
    }
}

/// The items of a sequence at `b[*i]`, up to the end, `$`, or (`in_group`)
/// `|` or `)`; `(` is not an item.
fn items(b: &[u8], i: &mut usize, in_group: bool) -> Option<Vec<Item>> {
    let mut items = Vec::new();
    while *i < b.len() {
        let c = b[*i];
        if c == b'$' && !in_group {
            break;
        }
        if c == b'(' || (!in_group && c == b'$') {
            break;
        }
        if in_group && (c == b'|' || c == b')') {
            break;
        }
        let mut set = [false; 128];
        match c {
            b'\\' => {
                *i += 1;
                escape(*b.get(*i)?, &mut set, false)?;
                *i += 1;
            }
            b'[' => {
                *i += 1;
                if b.get(*i) == Some(&b'^') {
                    return None;
                }
                // `[]` is the empty class in ECMA-262, not a literal `]`.
                if b.get(*i) == Some(&b']') {
                    return None;
                }
                loop {
                    let c = *b.get(*i)?;
                    if c == b']' {
                        *i += 1;
                        break;
                    }
                    let lo = class_char(b, i, &mut set)?;
                    let Some(lo) = lo else { continue };
                    if b.get(*i) == Some(&b'-') && b.get(*i + 1).is_some_and(|c| *c != b']') {
                        *i += 1;
                        let hi = class_char(b, i, &mut set)??;
                        if hi < lo {
                            return None;
                        }
                        (lo..=hi).for_each(|x| set[usize::from(x)] = true);
                    } else {
                        set[usize::from(lo)] = true;
                    }
                }
            }
            b'.' | b')' | b'|' | b'*' | b'+' | b'?' | b'{' | b'}' | b']' | b'^' | b'$' => {
                return None;
            }
            c if c.is_ascii() && !c.is_ascii_control() => {
                set[usize::from(c)] = true;
                *i += 1;
            }
            _ => return None,
        }
        let (min, max) = quantifier(b, i)?;
        items.push(Item { set, min, max });
    }
    Some(items)
}

/// `\x` outside or inside a class: `\d`, `\w` or an escaped ASCII punctuation.
fn escape(c: u8, set: &mut [bool; 128], _in_class: bool) -> Option<()> {
    match c {
        b'd' => (b'0'..=b'9').for_each(|x| set[usize::from(x)] = true),
        b'w' => (0u8..128)
            .filter(|x| x.is_ascii_alphanumeric() || *x == b'_')
            .for_each(|x| set[usize::from(x)] = true),
        c if c.is_ascii_punctuation() => set[usize::from(c)] = true,
        _ => return None,
    }
    Some(())
}

/// One class member at `b[*i]`: `Some(Some(c))` a single character (which
/// may start a range), `Some(None)` an escape class already added to `set`.
fn class_char(b: &[u8], i: &mut usize, set: &mut [bool; 128]) -> Option<Option<u8>> {
    let c = *b.get(*i)?;
    *i += 1;
    match c {
        b'\\' => {
            let e = *b.get(*i)?;
            *i += 1;
            if e.is_ascii_punctuation() {
                Some(Some(e))
            } else {
                escape(e, set, true)?;
                Some(None)
            }
        }
        b'[' => None,
        c if c.is_ascii() && !c.is_ascii_control() => Some(Some(c)),
        _ => None,
    }
}

fn quantifier(b: &[u8], i: &mut usize) -> Option<(u32, Option<u32>)> {
    let q = match b.get(*i) {
        Some(b'?') => (0, Some(1)),
        Some(b'*') => (0, None),
        Some(b'+') => (1, None),
        Some(b'{') => {
            let close = b[*i..].iter().position(|c| *c == b'}')? + *i;
            let inner = std::str::from_utf8(&b[*i + 1..close]).ok()?;
            let num = |s: &str| -> Option<u32> {
                if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
                    return None;
                }
                s.parse().ok().filter(|n| *n <= MAX_COUNT)
            };
            let q = match inner.split_once(',') {
                None => {
                    let n = num(inner)?;
                    (n, Some(n))
                }
                Some((lo, "")) => (num(lo)?, None),
                Some((lo, hi)) => {
                    let (lo, hi) = (num(lo)?, num(hi)?);
                    if hi < lo {
                        return None;
                    }
                    (lo, Some(hi))
                }
            };
            *i = close;
            q
        }
        _ => return Some((1, Some(1))),
    };
    *i += 1;
    // Lazy (`+?`) and possessive forms: leave them to the engine.
    if matches!(b.get(*i), Some(b'?' | b'+' | b'*' | b'{')) {
        return None;
    }
    Some(q)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    const SIMPLE: &[&str] = &[
        "^evt_[A-Za-z0-9]+$",
        "^[0-9]{4}$",
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        "^[A-Z]{2}$",
        "^\\+[1-9][0-9]{1,14}$",
        "^[a-z]+_",
        "^\\d{3}\\.\\d?$",
        "^[\\w.-]{2,}@",
        "^a*$",
        "^$",
        "^[-+]?[0-9]{1,3}$",
        "^(a|b)$",
        "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)$",
        "^(?:evt|sub)_[a-z0-9]+$",
        "^x(ab|c[0-9]{2})",
        "^([a-z]+|[0-9]+)-",
    ];

    const NOT_SIMPLE: &[&str] = &[
        "evt_[a-z]+$",
        "^[a-z]+[a-z0-9]$",
        "^a.b$",
        "^(a|ab)$",
        "^(a|b)*$",
        "^(a*|b)$",
        "^(|b)$",
        "^([0-9]+|x)[0-9]$",
        "^[a-z]*(a|b)$",
        "^((a|b)|c)$",
        "^(?=a)a$",
        "^(a|b$",
        "^[^a]$",
        "^a+?$",
        "^\\s$",
        "^[a-z]+[0-9]*$",
        "^a*b*a$",
        "^é$",
        "^a$b",
        "^\\p{L}$",
        "^[]a]$",
    ];

    const TEXTS: &[&str] = &[
        "",
        "evt_1",
        "evt_",
        "evt_abcXYZ09",
        "evt_abc-1",
        "Evt_1",
        "evt_é",
        "2024",
        "20245",
        "202",
        "2024-01-31",
        "2024-1-31",
        "DE",
        "DEU",
        "de",
        "+4915112345678",
        "+0123",
        "+1",
        "+12",
        "+1234567890123456",
        "abc_",
        "abc_def",
        "_abc",
        "123.",
        "123.4",
        "123.45",
        "12.4",
        "a.b@x",
        "a@",
        "aaaa",
        "aab",
        "-12",
        "+123",
        "1234",
        "evt_1\n",
        "2024\n",
        "\u{1F600}",
        "evt_ab\u{1F600}",
        "a",
        "b",
        "ab",
        "0.0.0",
        "1.2.3",
        "10.20.30",
        "01.2.3",
        "1.02.3",
        "1.2",
        "1.2.3.4",
        "1.2.3-rc1",
        "1..3",
        ".1.2",
        "1.2.3\n",
        "evt_a1",
        "sub_x",
        "ab_x",
        "xab",
        "xc12",
        "xc1",
        "xabc",
        "abc-",
        "123-",
        "a1-",
        "-",
    ];

    fn regress_match(pattern: &str, text: &str) -> bool {
        regress::Regex::new(pattern).unwrap().find(text).is_some()
    }

    #[test]
    fn simple_patterns_agree_with_regress() {
        for p in SIMPLE {
            let simple = Simple::parse(p).unwrap_or_else(|| panic!("{p} should be simple"));
            for t in TEXTS {
                assert_eq!(
                    simple.is_match(t),
                    regress_match(p, t),
                    "pattern {p:?} on {t:?}"
                );
            }
        }
    }

    /// Every string of up to five characters over an alphabet that hits the
    /// patterns' classes and boundaries.
    #[test]
    fn simple_patterns_agree_with_regress_on_every_short_string() {
        let alphabet = ['0', '1', '9', '.', 'a', 'b', '-', 'c'];
        let compiled: Vec<(Simple, regress::Regex)> = SIMPLE
            .iter()
            .map(|p| (Simple::parse(p).unwrap(), regress::Regex::new(p).unwrap()))
            .collect();
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = texts
                .iter()
                .filter(|t| t.len() == texts.last().map_or(0, String::len))
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        for (p, (simple, re)) in SIMPLE.iter().zip(&compiled) {
            for t in &texts {
                assert_eq!(
                    simple.is_match(t),
                    re.find(t).is_some(),
                    "pattern {p:?} on {t:?}"
                );
            }
        }
    }

    #[test]
    fn other_patterns_are_left_to_the_engine() {
        for p in NOT_SIMPLE {
            assert_eq!(Simple::parse(p), None, "{p} should not be simple");
        }
    }
}
