//! Unit tests of the parser's helpers (the parser itself is tested against
//! serde_json in `core/tests/it/json.rs`).

#![allow(clippy::unwrap_used)]

use super::parse::fingerprint;
use super::tape::{finish_preview, preview_str};
use super::{Limits, Tape};

#[test]
fn fingerprints_tell_most_names_apart() {
    assert_eq!(fingerprint("type"), fingerprint("type"));
    assert_ne!(fingerprint("type"), fingerprint("typ"));
    assert_ne!(fingerprint("a"), fingerprint("a\0"));
    // Names sharing eight bytes and a length share a fingerprint: the text
    // decides then.
    assert_eq!(fingerprint("previousA"), fingerprint("previousB"));
    assert_ne!(fingerprint("previousA"), fingerprint("previousAB"));
}

#[test]
fn strings_are_borrowed_unless_escaped() {
    let text = br#"["plain", "esc\"aped", "a\u00e9b"]"#;
    let tape = Tape::parse(text, Limits::DEFAULT).unwrap();
    let items: Vec<_> = tape.root().items().map(|n| n.as_str().unwrap()).collect();
    assert_eq!(items, ["plain", "esc\"aped", "a\u{e9}b"]);
    let first = items[0].as_ptr() as usize;
    let source = text.as_ptr() as usize;
    assert!(
        (source..source + text.len()).contains(&first),
        "borrowed from the input"
    );
    assert_eq!(tape.entry_count(), 4);
}

#[test]
fn containers_skip_in_one_step() {
    let tape = Tape::parse(br#"[[1,[2,[3]]],{"a":{"b":[]}},4]"#, Limits::DEFAULT).unwrap();
    let items: Vec<_> = tape.root().items().collect();
    assert_eq!(items.len(), 3);
    assert_eq!(items[2].as_u64(), Some(4));
    assert_eq!(items[1].get("a").unwrap().get("b").unwrap().len(), 0);
}

#[test]
fn previews_cut_long_text() {
    assert_eq!(preview_str("abc"), "\"abc\"");
    let long = "é".repeat(70);
    let shown = preview_str(&long);
    assert_eq!(shown.chars().count(), 60);
    assert!(shown.ends_with("..."));
    assert_eq!(finish_preview("x".repeat(60), 60), "x".repeat(60));
}
