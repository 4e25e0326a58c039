//! [`Decimal`]: the catalog's `float`, an exact decimal written as a string.

use std::borrow::Cow;

use super::{Reason, TextValue, ValueError, parse_str};

/// An exact decimal number written as a string, the catalog's `float`:
/// `1.23`, `4.0`, `5`, `-0.5`.
///
/// The grammar is `-?[0-9]+(\.[0-9]+)?`: no exponent, no leading `+`, no
/// spaces, digits on both sides of the point. The value must fit a
/// [`rust_decimal::Decimal`] (at most 28 digits after the point, magnitude
/// below about 7.9 × 10²⁸); it is never rounded.
///
/// The original text is kept, so `4.0` serializes as `4.0` (as a JSON
/// string). Equality, hashing and ordering are **textual**: `4.0 != 4`;
/// compare [`Decimal::value`] for numeric equality.
#[derive(Clone)]
pub struct Decimal {
    text: String,
    value: rust_decimal::Decimal,
}

impl Decimal {
    /// Parses a decimal string such as `1.23`.
    pub fn parse(text: &str) -> Result<Decimal, ValueError> {
        parse_str(text)
    }

    /// The text this value was parsed from.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The number, with the scale of the text (`4.0` has scale 1).
    pub fn value(&self) -> rust_decimal::Decimal {
        self.value
    }
}

impl TextValue for Decimal {
    const KIND: &'static str = "decimal";
    type Parts = rust_decimal::Decimal;

    fn scan(text: &str) -> Result<rust_decimal::Decimal, Reason> {
        scan_decimal(text).map_err(Cow::Borrowed)
    }

    fn assemble(text: String, value: rust_decimal::Decimal) -> Decimal {
        Decimal { text, value }
    }

    fn text(&self) -> &str {
        &self.text
    }
}

/// Writes the number with its scale, e.g. `4.0` for `Decimal::new(40, 1)`.
impl From<rust_decimal::Decimal> for Decimal {
    fn from(value: rust_decimal::Decimal) -> Decimal {
        Decimal {
            text: value.to_string(),
            value,
        }
    }
}

/// Checks the grammar, then converts without rounding.
pub(super) fn scan_decimal(text: &str) -> Result<rust_decimal::Decimal, &'static str> {
    check_grammar(text)?;
    rust_decimal::Decimal::from_str_exact(text)
        .map_err(|_| "too many digits for a 96-bit decimal (at most 28 after the point)")
}

/// `-?[0-9]+(\.[0-9]+)?`.
fn check_grammar(text: &str) -> Result<(), &'static str> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    if whole.is_empty() {
        return Err(if text.is_empty() {
            "empty"
        } else {
            "expected a digit before the decimal point"
        });
    }
    if !whole.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err("expected digits, an optional '-' and an optional '.' followed by digits");
    }
    match fraction {
        Some("") => Err("expected a digit after the decimal point"),
        Some(fraction) if !fraction.bytes().all(|byte| byte.is_ascii_digit()) => {
            Err("expected only digits after the decimal point")
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use rust_decimal::Decimal as Number;
    use std::str::FromStr;

    #[test]
    fn accepts_the_grammar_and_keeps_the_text() {
        for (text, value) in [
            ("1.23", Number::new(123, 2)),
            ("4.0", Number::new(40, 1)),
            ("5", Number::new(5, 0)),
            ("-0.5", Number::new(-5, 1)),
            ("0", Number::ZERO),
            ("-0", Number::ZERO),
            ("007", Number::new(7, 0)),
            ("99.99", Number::new(9999, 2)),
            ("0.0000000000000000000000000001", Number::new(1, 28)),
            ("79228162514264337593543950335", Number::MAX),
        ] {
            let decimal = Decimal::parse(text).unwrap();
            assert_eq!(decimal.as_str(), text);
            assert_eq!(decimal.to_string(), text);
            assert_eq!(decimal.value(), value, "{text}");
            assert_eq!(Decimal::from_str(text).unwrap(), decimal);
        }
        assert_eq!(Decimal::parse("4.0").unwrap().value().scale(), 1);
    }

    #[test]
    fn rejects_everything_else() {
        for text in [
            "", "-", ".", "1.", ".5", "-.5", "+1", "1e3", "1E3", " 1", "1 ", "1,5", "1.2.3", "--1",
            "0x10", "NaN", "inf", "١", "1_000", "1.5\n",
        ] {
            let error = Decimal::parse(text).unwrap_err();
            assert_eq!(error.kind, "decimal");
            assert_eq!(error.input, text);
        }
    }

    #[test]
    fn rejects_values_that_would_be_rounded() {
        for text in [
            "79228162514264337593543950336",
            "0.00000000000000000000000000001",
            "1234567890123456789012345678901234567890",
        ] {
            let error = Decimal::parse(text).unwrap_err();
            assert!(error.reason.contains("96-bit"), "{text}: {error}");
        }
    }

    #[test]
    fn equality_is_textual() {
        let a = Decimal::parse("4.0").unwrap();
        let b = Decimal::parse("4").unwrap();
        assert_ne!(a, b);
        assert_eq!(a.value(), b.value());
    }

    #[test]
    fn from_rust_decimal_keeps_the_scale() {
        for number in [
            Number::new(40, 1),
            Number::new(-5, 1),
            Number::ZERO,
            Number::MAX,
            Number::MIN,
            Number::new(1, 28),
        ] {
            let decimal = Decimal::from(number);
            assert_eq!(Decimal::parse(decimal.as_str()).unwrap(), decimal);
            assert_eq!(decimal.value(), number);
        }
        assert_eq!(Decimal::from(Number::new(40, 1)).as_str(), "4.0");
    }

    #[test]
    fn serializes_as_a_json_string() {
        let decimal: Decimal = serde_json::from_str("\"4.0\"").unwrap();
        assert_eq!(serde_json::to_string(&decimal).unwrap(), "\"4.0\"");
        assert!(serde_json::from_str::<Decimal>("4.0").is_err());
        let error = serde_json::from_str::<Decimal>("\"1e3\"").unwrap_err();
        assert!(
            error.to_string().starts_with("invalid decimal \"1e3\""),
            "{error}"
        );
    }
}
