//! [`Duration`] and the RFC 3339 (appendix A) duration grammar used by the
//! `duration` format check.

use std::borrow::Cow;

use super::{Reason, TextValue, ValueError, parse_str};

type Number = rust_decimal::Decimal;

/// An ISO 8601 duration, the catalog's `interval`: `P1M`, `P3M`, `P1Y`,
/// `P2W`, `P1DT12H`, `PT0.5S`.
///
/// The grammar is ISO 8601's `PnYnMnWnDTnHnMnS`:
/// - `P`, then at least one component; each is ASCII digits and a
///   designator, and the components that are present keep that order;
/// - `T` comes before the first time component (`H`, `M` for minutes, `S`)
///   and only when one follows (`P1MT` is rejected);
/// - the last component, and only it, may have a fraction, written with `.`
///   or `,` (`PT0,5S`);
/// - designators are upper case; there is no sign (`-P1D` is rejected).
///
/// This is more lenient than the `duration` format of JSON Schema
/// ([`Format::Duration`](crate::formats::Format::Duration), RFC 3339
/// appendix A), which has no fractions, does not combine weeks with other
/// components and does not skip components (`P1Y2D`, `PT1H2S`); see
/// [`Duration::is_rfc3339`].
///
/// Components are exact decimals ([`rust_decimal::Decimal`]); a component
/// that does not fit one (more than 28 digits) is rejected. The components
/// are kept as written: `PT36H` has 36 hours and no days, since converting
/// between units depends on the calendar.
///
/// The original text is kept and given back unchanged; equality, hashing
/// and ordering are **textual** (`PT60M != PT1H`).
#[derive(Clone)]
pub struct Duration {
    text: String,
    components: [Number; UNITS],
}

impl Duration {
    /// Parses an ISO 8601 duration such as `P1M`.
    pub fn parse(text: &str) -> Result<Duration, ValueError> {
        parse_str(text)
    }

    /// The text this value was parsed from.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The `Y` component, zero when absent.
    pub fn years(&self) -> Number {
        self.components[Unit::Years as usize]
    }

    /// The `M` component before `T`, zero when absent.
    pub fn months(&self) -> Number {
        self.components[Unit::Months as usize]
    }

    /// The `W` component, zero when absent.
    pub fn weeks(&self) -> Number {
        self.components[Unit::Weeks as usize]
    }

    /// The `D` component, zero when absent.
    pub fn days(&self) -> Number {
        self.components[Unit::Days as usize]
    }

    /// The `H` component, zero when absent.
    pub fn hours(&self) -> Number {
        self.components[Unit::Hours as usize]
    }

    /// The `M` component after `T`, zero when absent.
    pub fn minutes(&self) -> Number {
        self.components[Unit::Minutes as usize]
    }

    /// The `S` component, zero when absent.
    pub fn seconds(&self) -> Number {
        self.components[Unit::Seconds as usize]
    }

    /// Whether the text also matches the stricter RFC 3339 grammar that the
    /// JSON Schema `duration` format requires.
    pub fn is_rfc3339(&self) -> bool {
        is_rfc3339_duration(&self.text)
    }
}

impl TextValue for Duration {
    const KIND: &'static str = "duration";
    type Parts = [Number; UNITS];

    fn scan(text: &str) -> Result<[Number; UNITS], Reason> {
        let components = scan_components(text).map_err(Cow::Borrowed)?;
        let mut numbers = [Number::ZERO; UNITS];
        for (number, written) in numbers.iter_mut().zip(components.values) {
            if let Some(written) = written {
                *number = Number::from_str_exact(&written.replace(',', "."))
                    .map_err(|_| Cow::Borrowed("component too large for a 96-bit decimal"))?;
            }
        }
        Ok(numbers)
    }

    fn assemble(text: String, components: [Number; UNITS]) -> Duration {
        Duration { text, components }
    }

    fn text(&self) -> &str {
        &self.text
    }
}

/// RFC 3339 appendix A `duration`:
///
/// ```text
/// duration   = "P" (dur-date / dur-time / dur-week)
/// dur-date   = (dur-day / dur-month / dur-year) [dur-time]
/// dur-time   = "T" (dur-hour / dur-minute / dur-second)
/// dur-year   = 1*DIGIT "Y" [dur-month]     dur-hour   = 1*DIGIT "H" [dur-minute]
/// dur-month  = 1*DIGIT "M" [dur-day]       dur-minute = 1*DIGIT "M" [dur-second]
/// dur-day    = 1*DIGIT "D"                 dur-second = 1*DIGIT "S"
/// dur-week   = 1*DIGIT "W"
/// ```
///
/// So: no fractions, weeks stand alone, and the date and time components
/// present are each an unbroken run (`P1Y2D` and `PT1H2S` are rejected).
/// Designators are upper case only, as in ISO 8601.
pub(crate) fn is_rfc3339_duration(text: &str) -> bool {
    let Ok(components) = scan_components(text) else {
        return false;
    };
    let present = components.values.map(|value| value.is_some());
    if components.fraction {
        return false;
    }
    if present[Unit::Weeks as usize] {
        return present.iter().filter(|&&is| is).count() == 1;
    }
    let date = [Unit::Years, Unit::Months, Unit::Days].map(|unit| present[unit as usize]);
    let time = [Unit::Hours, Unit::Minutes, Unit::Seconds].map(|unit| present[unit as usize]);
    is_unbroken(&date) && is_unbroken(&time)
}

/// Whether the `true`s form one run (or there are none).
fn is_unbroken(present: &[bool]) -> bool {
    let first = present.iter().position(|&is| is);
    let last = present.iter().rposition(|&is| is);
    match (first, last) {
        (Some(first), Some(last)) => present[first..=last].iter().all(|&is| is),
        _ => true,
    }
}

const UNITS: usize = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Years,
    Months,
    Weeks,
    Days,
    Hours,
    Minutes,
    Seconds,
}

impl Unit {
    fn from_designator(designator: u8, in_time: bool) -> Option<Unit> {
        Some(match (designator, in_time) {
            (b'Y', false) => Unit::Years,
            (b'M', false) => Unit::Months,
            (b'W', false) => Unit::Weeks,
            (b'D', false) => Unit::Days,
            (b'H', true) => Unit::Hours,
            (b'M', true) => Unit::Minutes,
            (b'S', true) => Unit::Seconds,
            _ => return None,
        })
    }
}

/// The components of a duration under the lenient (ISO 8601) rules.
#[derive(Debug)]
struct Components<'a> {
    /// The number written for each [`Unit`], fraction included.
    values: [Option<&'a str>; UNITS],
    /// Whether the last component has a fraction.
    fraction: bool,
}

fn scan_components(text: &str) -> Result<Components<'_>, &'static str> {
    let rest = text.strip_prefix('P').ok_or("must start with 'P'")?;
    let bytes = rest.as_bytes();
    let mut components = Components {
        values: [None; UNITS],
        fraction: false,
    };
    let mut pos = 0;
    let mut in_time = false;
    let mut last: Option<Unit> = None;
    while pos < bytes.len() {
        if bytes[pos] == b'T' {
            if in_time {
                return Err("'T' appears twice");
            }
            in_time = true;
            pos += 1;
            if pos == bytes.len() {
                return Err("'T' must be followed by a time component");
            }
            continue;
        }
        if components.fraction {
            return Err("only the last component may have a fraction");
        }
        let start = pos;
        pos = skip_digits(bytes, pos);
        if pos == start {
            return Err("expected a number");
        }
        if matches!(bytes.get(pos), Some(b'.' | b',')) {
            let fraction_start = pos + 1;
            pos = skip_digits(bytes, fraction_start);
            if pos == fraction_start {
                return Err("expected digits after the decimal separator");
            }
            components.fraction = true;
        }
        let number = &rest[start..pos];
        let designator = *bytes
            .get(pos)
            .ok_or("a number must be followed by a designator")?;
        let unit = Unit::from_designator(designator, in_time).ok_or(if in_time {
            "expected H, M or S after a number in the time part"
        } else {
            "expected Y, M, W, D or T after a number in the date part"
        })?;
        if last.is_some_and(|last| last >= unit) {
            return Err("components out of order or repeated");
        }
        components.values[unit as usize] = Some(number);
        last = Some(unit);
        pos += 1;
    }
    if last.is_none() {
        return Err("at least one component is required");
    }
    Ok(components)
}

fn skip_digits(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
        pos += 1;
    }
    pos
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn number(text: &str) -> Number {
        Number::from_str_exact(text).unwrap()
    }

    #[test]
    fn accepts_the_documented_examples_and_keeps_their_text() {
        for text in [
            "P1M",
            "P3M",
            "P1Y",
            "P2W",
            "P4DT12H30M5S",
            "PT0S",
            "P0D",
            "PT36H",
            "P1Y2M3DT4H5M6S",
            "P1Y2D",
            "PT1H2S",
            "P1Y2W",
            "P1WT1H",
            "PT0.5S",
            "PT0,5S",
            "P0.5Y",
            "P1DT0.25H",
            "P01D",
        ] {
            let duration = Duration::parse(text).unwrap();
            assert_eq!(duration.as_str(), text);
            assert_eq!(duration.to_string(), text);
            assert_eq!(text.parse::<Duration>().unwrap(), duration);
            assert_eq!(Duration::try_from(text.to_owned()).unwrap(), duration);
        }
    }

    #[test]
    fn rejects_malformed_durations() {
        for text in [
            "",
            "P",
            "PT",
            "P1MT",
            "P1YT",
            "T1H",
            "1D",
            "-P1D",
            "P-1D",
            "+P1D",
            "P1",
            "PT1D",
            "P2S",
            "P1D2H",
            "P2D1Y",
            "P1M1M",
            "PT1H1H",
            "P1DT1HT1M",
            "P1.5DT1H",
            "P0.5Y1M",
            "PT.5S",
            "PT1.S",
            "P1e2D",
            "p1d",
            "P1d",
            " P1D",
            "P1D ",
            "P1D\n",
            "P\u{9e8}Y",
            "P1DT",
            "P1TT1H",
            "PT1M1H",
        ] {
            let error = Duration::parse(text).unwrap_err();
            assert_eq!(error.kind, "duration");
            assert_eq!(error.input, text);
        }
    }

    #[test]
    fn rejects_components_too_large_for_a_decimal() {
        let text = "P999999999999999999999999999999999999999999999999999999999999999D";
        let error = Duration::parse(text).unwrap_err();
        assert!(error.reason.contains("too large"), "{error}");
        assert!(is_rfc3339_duration(text));
    }

    #[test]
    fn component_accessors() {
        let duration = Duration::parse("P1Y2M3DT4H5M6.5S").unwrap();
        assert_eq!(duration.years(), number("1"));
        assert_eq!(duration.months(), number("2"));
        assert_eq!(duration.weeks(), Number::ZERO);
        assert_eq!(duration.days(), number("3"));
        assert_eq!(duration.hours(), number("4"));
        assert_eq!(duration.minutes(), number("5"));
        assert_eq!(duration.seconds(), number("6.5"));

        let weeks = Duration::parse("P2W").unwrap();
        assert_eq!(weeks.weeks(), number("2"));
        assert_eq!(weeks.days(), Number::ZERO);

        let minutes = Duration::parse("PT1M").unwrap();
        assert_eq!(minutes.minutes(), number("1"));
        assert_eq!(minutes.months(), Number::ZERO);

        assert_eq!(
            Duration::parse("PT0,25S").unwrap().seconds(),
            number("0.25")
        );
    }

    #[test]
    fn rfc3339_grammar_is_stricter() {
        for (text, strict) in [
            ("P4DT12H30M5S", true),
            ("P1Y2M", true),
            ("P1M2D", true),
            ("PT1M2S", true),
            ("P2W", true),
            ("PT36H", true),
            ("P1Y2D", false),
            ("PT1H2S", false),
            ("P1Y2W", false),
            ("P1WT1H", false),
            ("P0Y1W", false),
            ("PT0.5S", false),
            ("PT0,5S", false),
        ] {
            assert_eq!(is_rfc3339_duration(text), strict, "{text}");
            assert_eq!(
                Duration::parse(text).unwrap().is_rfc3339(),
                strict,
                "{text}"
            );
        }
        assert!(!is_rfc3339_duration("P"));
        assert!(!is_rfc3339_duration("P1MT"));
    }

    #[test]
    fn serde_round_trip_keeps_the_text() {
        let duration: Duration = serde_json::from_str("\"PT0,5S\"").unwrap();
        assert_eq!(serde_json::to_string(&duration).unwrap(), "\"PT0,5S\"");
        let error = serde_json::from_str::<Duration>("\"P1MT\"").unwrap_err();
        assert!(
            error.to_string().starts_with("invalid duration \"P1MT\""),
            "{error}"
        );
    }
}
