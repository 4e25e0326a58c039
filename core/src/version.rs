//! Version numbers as event sources write them, and the rule that picks the
//! schema an event is read with.

use std::fmt;

/// A semantic version `MAJOR.MINOR.PATCH` (no pre-release or build part:
/// event sources do not use them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SemVer {
    /// Incompatible changes.
    pub major: u64,
    /// Additions.
    pub minor: u64,
    /// Fixes.
    pub patch: u64,
}

/// A calendar version `YYYY-MM-DD` (a real date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day, 1–31 (valid for the month).
    pub day: u8,
}

/// Why a version string was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError {
    /// The text.
    pub input: String,
    /// What is wrong.
    pub reason: &'static str,
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\" {}", self.input, self.reason)
    }
}

impl std::error::Error for VersionError {}

fn number(part: &str) -> Option<u64> {
    let leading_zero = part.len() > 1 && part.starts_with('0');
    if part.is_empty() || leading_zero || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

impl SemVer {
    /// Parses `1.3.0`; refuses `1.2`, `v1.0.0`, `01.0.0`, `latest`.
    pub fn parse(s: &str) -> Result<SemVer, VersionError> {
        let err = |reason| VersionError {
            input: s.to_owned(),
            reason,
        };
        let parts: Vec<&str> = s.split('.').collect();
        if parts.len() != 3 {
            return Err(err("is not a semantic version MAJOR.MINOR.PATCH"));
        }
        match (number(parts[0]), number(parts[1]), number(parts[2])) {
            (Some(major), Some(minor), Some(patch)) => Ok(SemVer {
                major,
                minor,
                patch,
            }),
            _ => Err(err(
                "is not a semantic version: each part must be a number without leading zeros",
            )),
        }
    }
}

impl fmt::Display for SemVer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl Date {
    /// Parses `2024-12-20`; refuses dates that do not exist (`2023-02-29`).
    pub fn parse(s: &str) -> Result<Date, VersionError> {
        let err = |reason| VersionError {
            input: s.to_owned(),
            reason,
        };
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() != 10
            || b[4] != b'-'
            || b[7] != b'-'
            || !digits(0..4)
            || !digits(5..7)
            || !digits(8..10)
        {
            return Err(err("is not a date YYYY-MM-DD"));
        }
        let year: u16 = s[0..4]
            .parse()
            .map_err(|_| err("is not a date YYYY-MM-DD"))?;
        let month: u8 = s[5..7]
            .parse()
            .map_err(|_| err("is not a date YYYY-MM-DD"))?;
        let day: u8 = s[8..10]
            .parse()
            .map_err(|_| err("is not a date YYYY-MM-DD"))?;
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(err("is not a date: the month must be 01 to 12")),
        };
        if day == 0 || day > days {
            return Err(err("is not a date that exists"));
        }
        Ok(Date { year, month, day })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// How a source numbers versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Semantic versions: read with the newest schema of the same major ≤ V.
    Semver,
    /// Dates: read with the newest schema dated ≤ D.
    Calendar,
    /// Whole numbers (`1`, `2`): each version is its own schema, read only
    /// by a schema of exactly that number (a vendor that numbers versions
    /// bumps the number for changes an older reader cannot take).
    Integer,
}

/// Parses an integer version: digits, no sign, no leading zero.
pub fn parse_integer(s: &str) -> Result<u64, VersionError> {
    number(s).ok_or_else(|| VersionError {
        input: s.to_owned(),
        reason: "is not a version number (digits, no leading zero)",
    })
}

/// Why no schema could be chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectError {
    /// The version string does not parse under the scheme.
    Invalid(VersionError),
    /// No known schema can read this version.
    Unknown,
}

/// Picks the index in `known` (ascending, all valid under `scheme`) of the
/// schema an event at `requested` is read with.
pub fn select(scheme: Scheme, known: &[&str], requested: &str) -> Result<usize, SelectError> {
    match scheme {
        Scheme::Semver => {
            let want = SemVer::parse(requested).map_err(SelectError::Invalid)?;
            let mut best = None;
            for (i, k) in known.iter().enumerate() {
                if let Ok(v) = SemVer::parse(k)
                    && v.major == want.major
                    && v <= want
                {
                    best = Some(i);
                }
            }
            best.ok_or(SelectError::Unknown)
        }
        Scheme::Calendar => {
            let want = Date::parse(requested).map_err(SelectError::Invalid)?;
            let mut best = None;
            for (i, k) in known.iter().enumerate() {
                if let Ok(v) = Date::parse(k)
                    && v <= want
                {
                    best = Some(i);
                }
            }
            best.ok_or(SelectError::Unknown)
        }
        Scheme::Integer => {
            let want = parse_integer(requested).map_err(SelectError::Invalid)?;
            known
                .iter()
                .position(|k| parse_integer(k) == Ok(want))
                .ok_or(SelectError::Unknown)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semver_parsing_is_strict() {
        assert_eq!(
            SemVer::parse("1.3.0").map(|v| v.to_string()),
            Ok("1.3.0".to_owned())
        );
        for bad in ["1.2", "v1.0.0", "latest", "01.0.0", "1.0.0-rc1", "1..0", ""] {
            assert!(SemVer::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_must_exist() {
        assert!(Date::parse("2024-02-29").is_ok());
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-1-1",
            "2024-04-31",
            "latest",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn semver_selection_stays_in_the_major_line() {
        let known = ["0.0.0", "1.1.0", "1.3.0", "2.1.0"];
        let pick = |v| select(Scheme::Semver, &known, v);
        assert_eq!(pick("1.1.0"), Ok(1));
        assert_eq!(pick("1.2.5"), Ok(1));
        assert_eq!(pick("1.3.0"), Ok(2));
        assert_eq!(pick("1.9.0"), Ok(2));
        assert_eq!(pick("1.0.0"), Err(SelectError::Unknown));
        assert_eq!(pick("3.0.0"), Err(SelectError::Unknown));
        assert_eq!(pick("2.0.9"), Err(SelectError::Unknown));
        assert!(matches!(pick("x"), Err(SelectError::Invalid(_))));
    }

    #[test]
    fn calendar_selection_takes_the_newest_not_after() {
        let known = ["2024-10-28", "2025-05-22"];
        let pick = |v| select(Scheme::Calendar, &known, v);
        assert_eq!(pick("2024-10-28"), Ok(0));
        assert_eq!(pick("2025-03-24"), Ok(0));
        assert_eq!(pick("2026-01-29"), Ok(1));
        assert_eq!(pick("2024-01-01"), Err(SelectError::Unknown));
    }
}
