//! [`Money`]: an amount and an ISO 4217 currency code in one string.

use std::borrow::Cow;

use iso_currency::Currency;

use super::decimal::scan_decimal;
use super::{Decimal, Reason, TextValue, ValueError, parse_str};

/// An amount of money as the catalog writes it: a [`Decimal`], exactly one
/// space, and an ISO 4217 currency code: `1.23 EUR`, `4 GBP`, `99.99 EUR`.
///
/// The code must be three upper-case letters on the ISO 4217 list
/// ([`iso_currency::Currency`]): `XYZ` and `eur` are rejected. The amount
/// follows the [`Decimal`] grammar (so `-5 EUR` is allowed and `1e3 EUR` is
/// not); nothing checks it against the currency's minor unit.
///
/// The original text is kept and given back unchanged; equality, hashing
/// and ordering are **textual** (`4.0 GBP != 4 GBP`).
#[derive(Clone)]
pub struct Money {
    text: String,
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// Parses money such as `99.99 EUR`.
    pub fn parse(text: &str) -> Result<Money, ValueError> {
        parse_str(text)
    }

    /// The amount in `currency`, written `<amount> <code>`.
    pub fn new(amount: Decimal, currency: Currency) -> Money {
        Money {
            text: format!("{} {}", amount.as_str(), currency.code()),
            amount,
            currency,
        }
    }

    /// The text this value was parsed from.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The amount, with the text it was written as.
    pub fn amount(&self) -> &Decimal {
        &self.amount
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }
}

impl TextValue for Money {
    const KIND: &'static str = "money";
    type Parts = (rust_decimal::Decimal, usize, Currency);

    fn scan(text: &str) -> Result<Self::Parts, Reason> {
        let (amount, code) = text.split_once(' ').ok_or(Cow::Borrowed(
            "expected an amount, one space and an ISO 4217 currency code",
        ))?;
        let value = scan_decimal(amount)
            .map_err(|reason| Cow::Owned(format!("amount {amount:?}: {reason}")))?;
        if code.len() != 3 || !code.bytes().all(|byte| byte.is_ascii_uppercase()) {
            return Err(Cow::Owned(format!(
                "{code:?} is not a currency code (three upper-case letters after exactly one space)"
            )));
        }
        let currency = Currency::from_code(code)
            .ok_or_else(|| Cow::Owned(format!("{code} is not an ISO 4217 currency code")))?;
        Ok((value, amount.len(), currency))
    }

    fn assemble(text: String, (value, amount_len, currency): Self::Parts) -> Money {
        let amount = <Decimal as TextValue>::assemble(text[..amount_len].to_owned(), value);
        Money {
            text,
            amount,
            currency,
        }
    }

    fn text(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_documented_examples_and_keeps_their_text() {
        for (text, amount, currency) in [
            ("1.23 EUR", "1.23", Currency::EUR),
            ("4 GBP", "4", Currency::GBP),
            ("99.99 EUR", "99.99", Currency::EUR),
            ("4.0 USD", "4.0", Currency::USD),
            ("-0.5 CHF", "-0.5", Currency::CHF),
            ("0 JPY", "0", Currency::JPY),
        ] {
            let money = Money::parse(text).unwrap();
            assert_eq!(money.as_str(), text);
            assert_eq!(money.to_string(), text);
            assert_eq!(money.amount().as_str(), amount);
            assert_eq!(money.currency(), currency);
            assert_eq!(text.parse::<Money>().unwrap(), money);
            assert_eq!(Money::try_from(text.to_owned()).unwrap(), money);
        }
    }

    #[test]
    fn rejects_unknown_currencies_with_a_clear_message() {
        let error = Money::parse("99.99 XYZ").unwrap_err();
        assert_eq!(
            error.to_string(),
            r#"invalid money "99.99 XYZ": XYZ is not an ISO 4217 currency code"#
        );
    }

    #[test]
    fn rejects_malformed_money() {
        for text in [
            "",
            "EUR",
            "1.23",
            "1.23EUR",
            "1.23  EUR",
            " 1.23 EUR",
            "1.23 EUR ",
            "1.23\tEUR",
            "1.23 eur",
            "1.23 EURO",
            "1.23 EU",
            "EUR 1.23",
            "1,23 EUR",
            "1e3 EUR",
            "+1 EUR",
            ". EUR",
            "1.23 E\u{1d5e8}R",
            "1.23 ЕUR",
        ] {
            let error = Money::parse(text).unwrap_err();
            assert_eq!(error.kind, "money", "{text}");
            assert_eq!(error.input, text);
        }
    }

    #[test]
    fn new_writes_the_canonical_text() {
        let amount = Decimal::parse("12.50").unwrap();
        let money = Money::new(amount.clone(), Currency::EUR);
        assert_eq!(money.as_str(), "12.50 EUR");
        assert_eq!(money.amount(), &amount);
        assert_eq!(Money::parse("12.50 EUR").unwrap(), money);
    }

    #[test]
    fn equality_is_textual() {
        let a = Money::parse("4.0 GBP").unwrap();
        let b = Money::parse("4 GBP").unwrap();
        assert_ne!(a, b);
        assert_eq!(a.amount().value(), b.amount().value());
        assert_eq!(a.currency(), b.currency());
    }

    #[test]
    fn serde_round_trip_keeps_the_text() {
        let money: Money = serde_json::from_str("\"99.99 EUR\"").unwrap();
        assert_eq!(serde_json::to_string(&money).unwrap(), "\"99.99 EUR\"");
        let error = serde_json::from_str::<Money>("\"99.99 XYZ\"").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("invalid money \"99.99 XYZ\": XYZ is not an ISO 4217 currency code"),
            "{error}"
        );
    }
}
