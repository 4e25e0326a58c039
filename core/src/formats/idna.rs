//! IDNA2008 label rules: which code points a U-label may contain (RFC 5892,
//! computed from Unicode properties rather than a frozen table), the
//! contextual rules for CONTEXTJ and CONTEXTO code points (RFC 5892
//! appendix A), the label-level rules of RFC 5891 §5.4 and the Bidi rule of
//! RFC 5893.
//!
//! Unicode data comes from ICU4X (`icu_properties`, `icu_normalizer`), which
//! `url` already depends on.

use icu_normalizer::ComposingNormalizerBorrowed;
use icu_properties::props::{
    BidiClass, CanonicalCombiningClass, ChangesWhenNfkcCasefolded, DefaultIgnorableCodePoint,
    GeneralCategory, HangulSyllableType, JoiningType, NoncharacterCodePoint, Script, WhiteSpace,
};
use icu_properties::{CodePointMapData, CodePointSetData};

/// RFC 5892 §2 derived property values (UNASSIGNED is folded into
/// `Disallowed`: neither may appear in a label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Property {
    Pvalid,
    ContextJ,
    ContextO,
    Disallowed,
}

/// RFC 5892 §3: the derived property of `c`.
fn property(c: char) -> Property {
    if let Some(exception) = exception(c) {
        return exception;
    }
    let category = CodePointMapData::<GeneralCategory>::new().get(c);
    if category == GeneralCategory::Unassigned {
        // Unassigned (J), and noncharacters, which IgnorableProperties (C)
        // would disallow anyway.
        return Property::Disallowed;
    }
    if matches!(c, 'a'..='z' | '0'..='9' | '-') {
        return Property::Pvalid; // LDH (H)
    }
    if matches!(c, '\u{200C}' | '\u{200D}') {
        return Property::ContextJ; // JoinControl (H)
    }
    // Unstable (B): NFKC(casefold(NFKC(cp))) != cp. Unicode's
    // Changes_When_NFKC_Casefolded is that test, except that it also holds
    // for default ignorables, which IgnorableProperties (C) disallows too.
    if CodePointSetData::new::<ChangesWhenNfkcCasefolded>().contains(c)
        || CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
        || CodePointSetData::new::<WhiteSpace>().contains(c)
        || CodePointSetData::new::<NoncharacterCodePoint>().contains(c)
    {
        return Property::Disallowed;
    }
    // IgnorableBlocks (D): Combining Diacritical Marks for Symbols, Musical
    // Symbols, Ancient Greek Musical Notation.
    if matches!(c, '\u{20D0}'..='\u{20FF}' | '\u{1D100}'..='\u{1D1FF}' | '\u{1D200}'..='\u{1D24F}')
    {
        return Property::Disallowed;
    }
    // OldHangulJamo (I).
    let jamo = CodePointMapData::<HangulSyllableType>::new().get(c);
    if matches!(
        jamo,
        HangulSyllableType::LeadingJamo
            | HangulSyllableType::VowelJamo
            | HangulSyllableType::TrailingJamo
    ) {
        return Property::Disallowed;
    }
    // LetterDigits (A).
    if matches!(
        category,
        GeneralCategory::LowercaseLetter
            | GeneralCategory::UppercaseLetter
            | GeneralCategory::OtherLetter
            | GeneralCategory::DecimalNumber
            | GeneralCategory::ModifierLetter
            | GeneralCategory::NonspacingMark
            | GeneralCategory::SpacingMark
    ) {
        return Property::Pvalid;
    }
    Property::Disallowed
}

/// RFC 5892 §2.6 Exceptions (F).
fn exception(c: char) -> Option<Property> {
    Some(match c {
        '\u{00DF}' | '\u{03C2}' | '\u{06FD}' | '\u{06FE}' | '\u{0F0B}' | '\u{3007}' => {
            Property::Pvalid
        }
        '\u{00B7}' | '\u{0375}' | '\u{05F3}' | '\u{05F4}' | '\u{30FB}' => Property::ContextO,
        '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}' => Property::ContextO,
        '\u{0640}'
        | '\u{07FA}'
        | '\u{302E}'
        | '\u{302F}'
        | '\u{3031}'..='\u{3035}'
        | '\u{303B}' => Property::Disallowed,
        _ => return None,
    })
}

/// RFC 5891 §5.4 (and §4.2.3): whether `label`, a non-empty label as
/// written in Unicode, is a valid U-label, apart from its length and the
/// Bidi rule, which depend on the rest of the name. `require_nfc` is off for
/// mail domains, where the JSON Schema Test Suite accepts labels that are
/// not in NFC.
pub(super) fn is_valid_u_label(label: &str, require_nfc: bool) -> bool {
    if require_nfc && !ComposingNormalizerBorrowed::new_nfc().is_normalized(label) {
        return false;
    }
    let chars: Vec<char> = label.chars().collect();
    let (Some(&first), Some(&last)) = (chars.first(), chars.last()) else {
        return false;
    };
    // Hyphens: not first or last, not in positions 3 and 4.
    if first == '-' || last == '-' || (chars.get(2) == Some(&'-') && chars.get(3) == Some(&'-')) {
        return false;
    }
    if is_combining_mark(first) {
        return false;
    }
    chars.iter().enumerate().all(|(at, &c)| match property(c) {
        Property::Pvalid => true,
        Property::ContextJ => context_j(&chars, at),
        Property::ContextO => context_o(&chars, at),
        Property::Disallowed => false,
    })
}

fn is_combining_mark(c: char) -> bool {
    matches!(
        CodePointMapData::<GeneralCategory>::new().get(c),
        GeneralCategory::NonspacingMark
            | GeneralCategory::SpacingMark
            | GeneralCategory::EnclosingMark
    )
}

fn script(c: char) -> Script {
    CodePointMapData::<Script>::new().get(c)
}

fn is_virama(c: char) -> bool {
    CodePointMapData::<CanonicalCombiningClass>::new().get(c) == CanonicalCombiningClass::Virama
}

fn joining_type(c: char) -> JoiningType {
    CodePointMapData::<JoiningType>::new().get(c)
}

/// RFC 5892 appendix A.1 and A.2: ZERO WIDTH NON-JOINER and JOINER.
fn context_j(chars: &[char], at: usize) -> bool {
    let before = at.checked_sub(1).map(|i| chars[i]);
    if before.is_some_and(is_virama) {
        return true;
    }
    if chars[at] != '\u{200C}' {
        return false;
    }
    // (Joining_Type:{L,D})(Joining_Type:T)*\u200C(Joining_Type:T)*(Joining_Type:{R,D})
    let left = chars[..at]
        .iter()
        .rev()
        .map(|&c| joining_type(c))
        .find(|&kind| kind != JoiningType::Transparent);
    let right = chars[at + 1..]
        .iter()
        .map(|&c| joining_type(c))
        .find(|&kind| kind != JoiningType::Transparent);
    matches!(
        left,
        Some(JoiningType::LeftJoining | JoiningType::DualJoining)
    ) && matches!(
        right,
        Some(JoiningType::RightJoining | JoiningType::DualJoining)
    )
}

/// RFC 5892 appendix A.3 to A.9.
fn context_o(chars: &[char], at: usize) -> bool {
    let before = at.checked_sub(1).map(|i| chars[i]);
    let after = chars.get(at + 1).copied();
    match chars[at] {
        // MIDDLE DOT: between two 'l's (Catalan).
        '\u{00B7}' => before == Some('l') && after == Some('l'),
        // GREEK LOWER NUMERAL SIGN (KERAIA): followed by Greek.
        '\u{0375}' => after.is_some_and(|c| script(c) == Script::Greek),
        // HEBREW PUNCTUATION GERESH and GERSHAYIM: preceded by Hebrew.
        '\u{05F3}' | '\u{05F4}' => before.is_some_and(|c| script(c) == Script::Hebrew),
        // KATAKANA MIDDLE DOT: somewhere with Hiragana, Katakana or Han.
        '\u{30FB}' => chars
            .iter()
            .any(|&c| matches!(script(c), Script::Hiragana | Script::Katakana | Script::Han)),
        // ARABIC-INDIC DIGITS: not mixed with EXTENDED ARABIC-INDIC DIGITS.
        '\u{0660}'..='\u{0669}' => !chars.iter().any(|c| ('\u{06F0}'..='\u{06F9}').contains(c)),
        // EXTENDED ARABIC-INDIC DIGITS: not mixed with ARABIC-INDIC DIGITS.
        '\u{06F0}'..='\u{06F9}' => !chars.iter().any(|c| ('\u{0660}'..='\u{0669}').contains(c)),
        _ => false,
    }
}

fn bidi_class(c: char) -> BidiClass {
    CodePointMapData::<BidiClass>::new().get(c)
}

/// RFC 5893 §1.4: a label with any R, AL or AN character; a name with such
/// a label is a "Bidi domain name", all of whose labels must satisfy
/// [`satisfies_bidi_rule`].
pub(super) fn is_rtl_label(label: &str) -> bool {
    label.chars().any(|c| {
        matches!(
            bidi_class(c),
            BidiClass::RightToLeft | BidiClass::ArabicLetter | BidiClass::ArabicNumber
        )
    })
}

/// The six conditions of the Bidi rule, RFC 5893 §2.
pub(super) fn satisfies_bidi_rule(label: &str) -> bool {
    let classes: Vec<BidiClass> = label.chars().map(bidi_class).collect();
    let Some(&first) = classes.first() else {
        return false;
    };
    // The last character that is not a nonspacing mark.
    let last = classes
        .iter()
        .rev()
        .copied()
        .find(|&class| class != BidiClass::NonspacingMark);
    let common = |class: BidiClass| {
        matches!(
            class,
            BidiClass::EuropeanNumber
                | BidiClass::EuropeanSeparator
                | BidiClass::CommonSeparator
                | BidiClass::EuropeanTerminator
                | BidiClass::OtherNeutral
                | BidiClass::BoundaryNeutral
                | BidiClass::NonspacingMark
        )
    };
    match first {
        // 1, 2, 3, 4: a right-to-left label.
        BidiClass::RightToLeft | BidiClass::ArabicLetter => {
            let allowed = classes.iter().all(|&class| {
                common(class)
                    || matches!(
                        class,
                        BidiClass::RightToLeft | BidiClass::ArabicLetter | BidiClass::ArabicNumber
                    )
            });
            let ends_well = matches!(
                last,
                Some(
                    BidiClass::RightToLeft
                        | BidiClass::ArabicLetter
                        | BidiClass::EuropeanNumber
                        | BidiClass::ArabicNumber
                )
            );
            let european = classes.contains(&BidiClass::EuropeanNumber);
            let arabic = classes.contains(&BidiClass::ArabicNumber);
            allowed && ends_well && !(european && arabic)
        }
        // 1, 5, 6: a left-to-right label.
        BidiClass::LeftToRight => {
            let allowed = classes
                .iter()
                .all(|&class| common(class) || class == BidiClass::LeftToRight);
            let ends_well = matches!(
                last,
                Some(BidiClass::LeftToRight | BidiClass::EuropeanNumber)
            );
            allowed && ends_well
        }
        _ => false,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn derived_properties() {
        for (c, expected) in [
            ('a', Property::Pvalid),
            ('7', Property::Pvalid),
            ('-', Property::Pvalid),
            ('A', Property::Disallowed),
            ('_', Property::Disallowed),
            (' ', Property::Disallowed),
            ('\u{e9}', Property::Pvalid),
            ('\u{c9}', Property::Disallowed),
            ('\u{df}', Property::Pvalid),
            ('\u{3c2}', Property::Pvalid),
            ('\u{b5}', Property::Disallowed),
            ('\u{17f}', Property::Disallowed),
            ('\u{300}', Property::Pvalid),
            ('\u{200c}', Property::ContextJ),
            ('\u{200d}', Property::ContextJ),
            ('\u{b7}', Property::ContextO),
            ('\u{663}', Property::ContextO),
            ('\u{640}', Property::Disallowed),
            ('\u{302e}', Property::Disallowed),
            ('\u{ad}', Property::Disallowed),
            ('\u{1100}', Property::Disallowed),
            ('\u{ac00}', Property::Pvalid),
            ('\u{4e08}', Property::Pvalid),
            ('\u{20d0}', Property::Disallowed),
            ('\u{2160}', Property::Disallowed),
            ('\u{fffe}', Property::Disallowed),
            ('\u{e000}', Property::Disallowed),
            ('\u{1f600}', Property::Disallowed),
            ('\u{ff41}', Property::Disallowed),
        ] {
            assert_eq!(property(c), expected, "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn u_labels() {
        assert!(is_valid_u_label("b\u{fc}cher", true));
        assert!(!is_valid_u_label("bu\u{308}cher", true), "not NFC");
        assert!(is_valid_u_label("bu\u{308}cher", false));
        assert!(!is_valid_u_label("ab--c\u{e9}", true));
        assert!(!is_valid_u_label("\u{e9}-", true));
        assert!(!is_valid_u_label("\u{301}a", false));
    }

    #[test]
    fn bidi_rule() {
        assert!(is_rtl_label("\u{5d0}"));
        assert!(is_rtl_label("a\u{660}"));
        assert!(!is_rtl_label("abc\u{6f0}"));
        assert!(satisfies_bidi_rule("\u{5d0}\u{5d1}"));
        assert!(satisfies_bidi_rule("\u{5d0}1"));
        assert!(satisfies_bidi_rule("\u{628}\u{64b}"), "trailing NSM");
        assert!(!satisfies_bidi_rule("1\u{5d0}"));
        assert!(!satisfies_bidi_rule("\u{5d0}a"));
        assert!(!satisfies_bidi_rule("\u{5d0}-"));
        assert!(!satisfies_bidi_rule("\u{5d0}1\u{660}"));
        assert!(satisfies_bidi_rule("abc"));
        assert!(satisfies_bidi_rule("a1"));
        assert!(!satisfies_bidi_rule("a-"));
        assert!(!satisfies_bidi_rule("a\u{5d0}"));
        assert!(!satisfies_bidi_rule("0a"));
    }
}
