//! The value types of the catalog's documented string formats.
//!
//! Generated structs use these as field types:
//!
//! | catalog format | type         | example                       |
//! | -------------- | ------------ | ----------------------------- |
//! | `uuid`         | [`Uuid`]     | `2eb8aa08-aa98-11ea-b4aa-73b441d16380` |
//! | `date`         | [`DateTime`] | `2023-12-24T01:23:45+01:00`, `2021-05-14T08:07:37` |
//! | `interval`     | [`Duration`] | `P1M`, `P3M`, `P1Y`           |
//! | `float`        | [`Decimal`]  | `1.23`, `4.0`, `5`            |
//! | `money`        | [`Money`]    | `1.23 EUR`, `4 GBP`           |
//!
//! Every type here keeps the text it was parsed from: `Display` and
//! `Serialize` give back exactly that text, so a value read from an event
//! and written out again is byte-for-byte unchanged (`4.0` stays `4.0`,
//! `PT0,5S` stays `PT0,5S`). Equality, hashing and ordering compare that
//! text; each type offers a numeric or chronological comparison as well.
//!
//! Each type is built only through its parser: `parse`, `FromStr`,
//! `TryFrom<&str>`, `TryFrom<String>` and `Deserialize` all run the same
//! check, so a value that exists is valid. A failure is a [`ValueError`].

use std::borrow::Cow;

mod datetime;
mod decimal;
mod duration;
mod error;
mod money;

pub use datetime::DateTime;
pub use decimal::Decimal;
pub use duration::Duration;
pub use error::ValueError;
pub use money::Money;
pub use uuid::Uuid;

pub(crate) use datetime::{is_rfc3339_date, is_rfc3339_date_time, is_rfc3339_time};
pub(crate) use duration::is_rfc3339_duration;

/// Whether [`DateTime::parse`] accepts `text`, without building the value.
pub(crate) fn is_lenient_date_time(text: &str) -> bool {
    DateTime::scan(text).is_ok()
}

/// Whether [`Decimal::parse`] accepts `text`, without building the value.
pub(crate) fn is_decimal(text: &str) -> bool {
    Decimal::scan(text).is_ok()
}

/// Whether [`Money::parse`] accepts `text`, without building the value.
pub(crate) fn is_money(text: &str) -> bool {
    Money::scan(text).is_ok()
}

/// Why a text was rejected; becomes [`ValueError::reason`].
type Reason = Cow<'static, str>;

/// What the shared trait implementations need from a text-backed value.
trait TextValue: Sized {
    /// The format name used in error messages (`"date-time"`, `"money"`, …).
    const KIND: &'static str;
    /// What the parser extracts from the text besides the text itself.
    type Parts;
    /// Checks `text` and extracts its parts, without allocating on success.
    fn scan(text: &str) -> Result<Self::Parts, Reason>;
    /// Builds the value from text that [`TextValue::scan`] accepted.
    fn assemble(text: String, parts: Self::Parts) -> Self;
    /// The text the value was built from.
    fn text(&self) -> &str;
}

fn parse_str<T: TextValue>(text: &str) -> Result<T, ValueError> {
    match T::scan(text) {
        Ok(parts) => Ok(T::assemble(text.to_owned(), parts)),
        Err(reason) => Err(ValueError::new(T::KIND, text, reason)),
    }
}

fn parse_string<T: TextValue>(text: String) -> Result<T, ValueError> {
    match T::scan(&text) {
        Ok(parts) => Ok(T::assemble(text, parts)),
        Err(reason) => Err(ValueError::new(T::KIND, text, reason)),
    }
}

/// The standard, serde and (optionally) schemars implementations shared by
/// every text-backed value type; they all go through [`TextValue::scan`].
macro_rules! text_value_impls {
    ($ty:ident, $format:literal) => {
        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(TextValue::text(self))
            }
        }

        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_tuple(stringify!($ty))
                    .field(&TextValue::text(self))
                    .finish()
            }
        }

        impl ::std::cmp::PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                TextValue::text(self) == TextValue::text(other)
            }
        }

        impl ::std::cmp::Eq for $ty {}

        impl ::std::hash::Hash for $ty {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                TextValue::text(self).hash(state);
            }
        }

        impl ::std::cmp::PartialOrd for $ty {
            fn partial_cmp(&self, other: &Self) -> Option<::std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl ::std::cmp::Ord for $ty {
            fn cmp(&self, other: &Self) -> ::std::cmp::Ordering {
                TextValue::text(self).cmp(TextValue::text(other))
            }
        }

        impl ::std::convert::AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                TextValue::text(self)
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = ValueError;

            fn from_str(text: &str) -> Result<Self, ValueError> {
                parse_str(text)
            }
        }

        impl ::std::convert::TryFrom<&str> for $ty {
            type Error = ValueError;

            fn try_from(text: &str) -> Result<Self, ValueError> {
                parse_str(text)
            }
        }

        impl ::std::convert::TryFrom<String> for $ty {
            type Error = ValueError;

            fn try_from(text: String) -> Result<Self, ValueError> {
                parse_string(text)
            }
        }

        impl ::std::convert::From<$ty> for String {
            fn from(value: $ty) -> String {
                TextValue::text(&value).to_owned()
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(TextValue::text(self))
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                parse_string(text).map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }

        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for $ty {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($ty))
            }

            fn schema_id() -> Cow<'static, str> {
                Cow::Borrowed(concat!("eventsmith_core::values::", stringify!($ty)))
            }

            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({
                    "type": "string",
                    "format": $format,
                })
            }
        }
    };
}

text_value_impls!(DateTime, "lenient-date-time");
text_value_impls!(Duration, "duration");
text_value_impls!(Decimal, "decimal");
text_value_impls!(Money, "money");

#[cfg(all(test, feature = "schemars"))]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod schemars_tests {
    use super::*;

    fn schema_of<T: schemars::JsonSchema>() -> serde_json::Value {
        schemars::SchemaGenerator::default()
            .into_root_schema_for::<T>()
            .to_value()
    }

    #[test]
    fn schemas_are_strings_with_our_format_names() {
        for (schema, format) in [
            (schema_of::<DateTime>(), "lenient-date-time"),
            (schema_of::<Duration>(), "duration"),
            (schema_of::<Decimal>(), "decimal"),
            (schema_of::<Money>(), "money"),
        ] {
            assert_eq!(schema["type"], "string", "{schema}");
            assert_eq!(schema["format"], format, "{schema}");
            assert!(
                crate::formats::Format::from_name(format).is_some(),
                "{format} must be a known format"
            );
        }
    }
}
