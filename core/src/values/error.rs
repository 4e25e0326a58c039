use std::error::Error;
use std::fmt;

/// A text that is not a valid value of one of the [value types](crate::values).
///
/// Displays as `invalid <kind> "<input>": <reason>`, for example
/// `invalid money "99.99 XYZ": XYZ is not an ISO 4217 currency code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    /// The format that was expected: `"date-time"`, `"duration"`,
    /// `"decimal"` or `"money"`.
    pub kind: &'static str,
    /// The rejected text, unchanged.
    pub input: String,
    /// What is wrong with it, in a few words.
    pub reason: String,
}

impl ValueError {
    /// An error for `input`, which is not a valid `kind`.
    pub fn new(kind: &'static str, input: impl Into<String>, reason: impl Into<String>) -> Self {
        ValueError {
            kind,
            input: input.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {} {:?}: {}", self.kind, self.input, self.reason)
    }
}

impl Error for ValueError {}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn display_quotes_and_escapes_the_input() {
        let error = ValueError::new("money", "99.99 XYZ", "XYZ is not an ISO 4217 currency code");
        assert_eq!(
            error.to_string(),
            r#"invalid money "99.99 XYZ": XYZ is not an ISO 4217 currency code"#
        );
        let error = ValueError::new("decimal", "1\n", "unexpected character");
        assert_eq!(
            error.to_string(),
            r#"invalid decimal "1\n": unexpected character"#
        );
    }
}
