//! [`DateTime`] and the RFC 3339 grammar shared with the `date-time`,
//! `date` and `time` format checks.

use std::borrow::Cow;
use std::fmt::Write as _;

use chrono::{Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};

use super::{Reason, TextValue, ValueError, parse_str};

/// A date and time as the catalog writes it: RFC 3339 with an offset
/// (`2023-12-24T01:23:45+01:00`, `…Z`) or the same without one
/// (`2021-05-14T08:07:37`, `2021-05-14T08:08:03.083104`), which means a wall
/// clock time whose offset was not written down.
///
/// The grammar is RFC 3339's `date-time` with the `time-offset` optional:
/// `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]`, where `T` and `Z` may be
/// lower case and the fraction has any number of digits (nanoseconds are
/// kept, further digits are kept in the text only). Impossible dates and
/// times (`02-30`, hour `24`, minute `60`, offset `+24:00`) are rejected. A
/// leap second (`:60`) is accepted only where RFC 3339 allows it: when the
/// time is `23:59:60` in UTC, i.e. after applying the offset; without an
/// offset only the wall clock `23:59:60` is accepted.
///
/// The original text is kept and given back unchanged by `Display`,
/// `Serialize` and [`DateTime::as_str`]. Equality, hashing and ordering are
/// **textual**: `2024-01-01T01:00:00+01:00` and `2024-01-01T00:00:00Z` are
/// different values that denote the same instant, which
/// [`DateTime::same_instant`] tells.
#[derive(Clone)]
pub struct DateTime {
    text: String,
    naive: NaiveDateTime,
    offset: Option<FixedOffset>,
}

impl DateTime {
    /// Parses the catalog's date-time, with or without an offset.
    pub fn parse(text: &str) -> Result<DateTime, ValueError> {
        parse_str(text)
    }

    /// Parses a strict RFC 3339 date-time: the offset is required.
    pub fn parse_rfc3339(text: &str) -> Result<DateTime, ValueError> {
        match scan_date_time(text, OffsetRule::Required) {
            Ok(parts) => Ok(DateTime::assemble(text.to_owned(), parts)),
            Err(reason) => Err(ValueError::new(Self::KIND, text, reason)),
        }
    }

    /// The text this value was parsed from.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The written offset; `Z` and `-00:00` are both UTC.
    pub fn offset(&self) -> Option<FixedOffset> {
        self.offset
    }

    /// Whether the text has an offset (`Z` or `±HH:MM`).
    pub fn has_offset(&self) -> bool {
        self.offset.is_some()
    }

    /// The wall clock date and time as written, ignoring any offset. A leap
    /// second is represented the way chrono does: second 59 with a
    /// nanosecond value of one second or more.
    pub fn naive(&self) -> NaiveDateTime {
        self.naive
    }

    /// The instant in UTC, or `None` when the text has no offset.
    pub fn to_utc(&self) -> Option<chrono::DateTime<Utc>> {
        self.offset
            .map(|offset| self.assume_offset(offset).with_timezone(&Utc))
    }

    /// The instant, reading an offset-less value as a wall clock time at
    /// `offset`. A value that has its own offset keeps it: `offset` only
    /// fills in what the text does not say.
    pub fn assume_offset(&self, offset: FixedOffset) -> chrono::DateTime<FixedOffset> {
        let offset = self.offset.unwrap_or(offset);
        match offset.from_local_datetime(&self.naive).single() {
            Some(instant) => instant,
            // A fixed offset maps every local time to exactly one instant;
            // only chrono's range limits (years beyond ±262 000) could fail,
            // and a four-digit year is far from them.
            None => chrono::DateTime::from_naive_utc_and_offset(self.naive, offset),
        }
    }

    /// Whether `self` and `other` denote the same instant: both have offsets
    /// and are equal in UTC, or neither has an offset and the wall clock
    /// times are equal. An offset-less value is never the same instant as
    /// one with an offset.
    pub fn same_instant(&self, other: &DateTime) -> bool {
        match (self.to_utc(), other.to_utc()) {
            (Some(left), Some(right)) => left == right,
            (None, None) => self.naive == other.naive,
            _ => false,
        }
    }
}

impl TextValue for DateTime {
    const KIND: &'static str = "date-time";
    type Parts = Scanned;

    fn scan(text: &str) -> Result<Scanned, Reason> {
        scan_date_time(text, OffsetRule::Optional).map_err(Cow::Borrowed)
    }

    fn assemble(text: String, parts: Scanned) -> DateTime {
        DateTime {
            text,
            naive: parts.naive,
            offset: parts.offset,
        }
    }

    fn text(&self) -> &str {
        &self.text
    }
}

/// The earliest and latest wall clock times RFC 3339's four-digit years
/// allow; [`From`] clamps chrono values outside them.
const EARLIEST: NaiveDateTime = match NaiveDate::from_ymd_opt(0, 1, 1) {
    Some(date) => date.and_time(NaiveTime::MIN),
    None => NaiveDateTime::MIN,
};
const LATEST: NaiveDateTime = match (
    NaiveDate::from_ymd_opt(9999, 12, 31),
    NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_999),
) {
    (Some(date), Some(time)) => date.and_time(time),
    _ => NaiveDateTime::MAX,
};
const NANOS_PER_SECOND: u32 = 1_000_000_000;
const MINUTES_PER_DAY: i32 = 24 * 60;

/// Writes the instant as RFC 3339 (`Z` for a zero offset, 0, 3, 6 or 9
/// fraction digits). RFC 3339 cannot say everything chrono can, so the value
/// is adjusted first: the offset is rounded to whole minutes, years outside
/// 0000–9999 are clamped to that range, and a leap second that is not
/// 23:59:60 UTC becomes second 59.
impl From<chrono::DateTime<FixedOffset>> for DateTime {
    fn from(value: chrono::DateTime<FixedOffset>) -> DateTime {
        let seconds = value.offset().local_minus_utc();
        let minutes = (seconds + 30)
            .div_euclid(60)
            .clamp(1 - MINUTES_PER_DAY, MINUTES_PER_DAY - 1);
        let offset = FixedOffset::east_opt(minutes * 60).unwrap_or(*value.offset());
        let mut naive = value.with_timezone(&offset).naive_local();
        if naive < EARLIEST {
            naive = EARLIEST;
        } else if naive > LATEST {
            naive = LATEST;
        }
        if naive.nanosecond() >= NANOS_PER_SECOND && !is_utc_last_minute(&naive, minutes) {
            naive = naive
                .with_nanosecond(naive.nanosecond() - NANOS_PER_SECOND)
                .unwrap_or(naive);
        }
        DateTime {
            text: format_rfc3339(&naive, minutes),
            naive,
            offset: Some(offset),
        }
    }
}

impl From<chrono::DateTime<Utc>> for DateTime {
    fn from(value: chrono::DateTime<Utc>) -> DateTime {
        DateTime::from(value.fixed_offset())
    }
}

fn is_utc_last_minute(naive: &NaiveDateTime, offset_minutes: i32) -> bool {
    let local = i32::try_from(naive.hour() * 60 + naive.minute()).unwrap_or(0);
    (local - offset_minutes).rem_euclid(MINUTES_PER_DAY) == MINUTES_PER_DAY - 1
}

fn format_rfc3339(naive: &NaiveDateTime, offset_minutes: i32) -> String {
    let (second, nanos) = match naive.nanosecond().checked_sub(NANOS_PER_SECOND) {
        Some(nanos) => (60, nanos),
        None => (naive.second(), naive.nanosecond()),
    };
    let mut text = String::with_capacity(35);
    // Writing to a String cannot fail.
    let _ = write!(
        text,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        naive.year(),
        naive.month(),
        naive.day(),
        naive.hour(),
        naive.minute(),
        second
    );
    let _ = if nanos == 0 {
        Ok(())
    } else if nanos % 1_000_000 == 0 {
        write!(text, ".{:03}", nanos / 1_000_000)
    } else if nanos % 1_000 == 0 {
        write!(text, ".{:06}", nanos / 1_000)
    } else {
        write!(text, ".{nanos:09}")
    };
    if offset_minutes == 0 {
        text.push('Z');
    } else {
        let sign = if offset_minutes < 0 { '-' } else { '+' };
        let minutes = offset_minutes.unsigned_abs();
        let _ = write!(text, "{sign}{:02}:{:02}", minutes / 60, minutes % 60);
    }
    text
}

/// What [`scan_date_time`] extracts.
#[derive(Debug, Clone, Copy)]
pub(super) struct Scanned {
    naive: NaiveDateTime,
    offset: Option<FixedOffset>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OffsetRule {
    Required,
    Optional,
}

/// RFC 3339 `full-date`, e.g. `1963-06-19`.
pub(crate) fn is_rfc3339_date(text: &str) -> bool {
    let mut cursor = Cursor::new(text);
    full_date(&mut cursor).is_ok() && cursor.is_done()
}

/// RFC 3339 `full-time`, e.g. `08:30:06.283185Z`: the offset is required,
/// and a leap second must be 23:59:60 in UTC.
pub(crate) fn is_rfc3339_time(text: &str) -> bool {
    let mut cursor = Cursor::new(text);
    let Ok(time) = partial_time(&mut cursor) else {
        return false;
    };
    match time_offset(&mut cursor) {
        Ok(Some(offset)) => cursor.is_done() && check_leap_second(&time, Some(offset)).is_ok(),
        _ => false,
    }
}

/// RFC 3339 `date-time`, e.g. `1963-06-19T08:30:06.283185Z`.
pub(crate) fn is_rfc3339_date_time(text: &str) -> bool {
    scan_date_time(text, OffsetRule::Required).is_ok()
}

fn scan_date_time(text: &str, rule: OffsetRule) -> Result<Scanned, &'static str> {
    let mut cursor = Cursor::new(text);
    let date = full_date(&mut cursor)?;
    if !cursor.eat(b'T') && !cursor.eat(b't') {
        return Err("expected 'T' between the date and the time");
    }
    let time = partial_time(&mut cursor)?;
    let offset = time_offset(&mut cursor)?;
    if !cursor.is_done() {
        return Err(match offset {
            Some(_) => "unexpected text after the time offset",
            None => "expected a time offset ('Z' or ±hh:mm) or the end",
        });
    }
    if offset.is_none() && rule == OffsetRule::Required {
        return Err("missing time offset ('Z' or ±hh:mm)");
    }
    check_leap_second(&time, offset)?;
    let (second, nanos) = match time.second {
        60 => (59, time.nanos + NANOS_PER_SECOND),
        second => (second, time.nanos),
    };
    let clock = NaiveTime::from_hms_nano_opt(time.hour, time.minute, second, nanos)
        .ok_or("time out of range")?;
    let offset = match offset {
        Some(minutes) => Some(FixedOffset::east_opt(minutes * 60).ok_or("offset out of range")?),
        None => None,
    };
    Ok(Scanned {
        naive: date.and_time(clock),
        offset,
    })
}

/// `date-fullyear "-" date-month "-" date-mday`.
fn full_date(cursor: &mut Cursor<'_>) -> Result<NaiveDate, &'static str> {
    let year = cursor.number(4).ok_or("expected a four-digit year")?;
    cursor.expect(b'-', "expected '-' after the year")?;
    let month = cursor.number(2).ok_or("expected a two-digit month")?;
    cursor.expect(b'-', "expected '-' after the month")?;
    let day = cursor.number(2).ok_or("expected a two-digit day")?;
    if !(1..=12).contains(&month) {
        return Err("month must be 01-12");
    }
    let year = i32::try_from(year).map_err(|_| "year out of range")?;
    NaiveDate::from_ymd_opt(year, month, day).ok_or("no such day in that month")
}

/// `partial-time` as read from the text; `second` may be 60.
#[derive(Debug, Clone, Copy)]
struct Clock {
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
}

/// `time-hour ":" time-minute ":" time-second [time-secfrac]`.
fn partial_time(cursor: &mut Cursor<'_>) -> Result<Clock, &'static str> {
    let hour = cursor.number(2).ok_or("expected a two-digit hour")?;
    cursor.expect(b':', "expected ':' after the hour")?;
    let minute = cursor.number(2).ok_or("expected a two-digit minute")?;
    cursor.expect(b':', "expected ':' after the minute")?;
    let second = cursor.number(2).ok_or("expected two-digit seconds")?;
    let nanos = if cursor.eat(b'.') {
        let digits = cursor.digits();
        if digits.is_empty() {
            return Err("expected digits after '.'");
        }
        (0..9).fold(0, |nanos, i| {
            nanos * 10 + digits.get(i).map_or(0, |digit| u32::from(digit - b'0'))
        })
    } else {
        0
    };
    if hour > 23 {
        return Err("hour must be 00-23");
    }
    if minute > 59 {
        return Err("minute must be 00-59");
    }
    if second > 60 {
        return Err("second must be 00-60");
    }
    Ok(Clock {
        hour,
        minute,
        second,
        nanos,
    })
}

/// `time-offset`, in minutes east of UTC; `None` when there is none.
fn time_offset(cursor: &mut Cursor<'_>) -> Result<Option<i32>, &'static str> {
    if cursor.eat(b'Z') || cursor.eat(b'z') {
        return Ok(Some(0));
    }
    let sign = if cursor.eat(b'+') {
        1
    } else if cursor.eat(b'-') {
        -1
    } else {
        return Ok(None);
    };
    let hours = cursor.number(2).ok_or("expected a two-digit offset hour")?;
    cursor.expect(b':', "expected ':' in the time offset")?;
    let minutes = cursor
        .number(2)
        .ok_or("expected two-digit offset minutes")?;
    if hours > 23 {
        return Err("offset hour must be 00-23");
    }
    if minutes > 59 {
        return Err("offset minute must be 00-59");
    }
    let total = i32::try_from(hours * 60 + minutes).map_err(|_| "offset out of range")?;
    Ok(Some(sign * total))
}

/// RFC 3339 allows second 60 only for the leap second, 23:59:60 UTC.
fn check_leap_second(time: &Clock, offset: Option<i32>) -> Result<(), &'static str> {
    if time.second != 60 {
        return Ok(());
    }
    let local = i32::try_from(time.hour * 60 + time.minute).map_err(|_| "time out of range")?;
    let utc = (local - offset.unwrap_or(0)).rem_euclid(MINUTES_PER_DAY);
    if utc == MINUTES_PER_DAY - 1 {
        Ok(())
    } else {
        Err("a leap second must be 23:59:60 UTC")
    }
}

/// A position in ASCII grammar; non-ASCII bytes never match anything.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor {
            bytes: text.as_bytes(),
            pos: 0,
        }
    }

    fn is_done(&self) -> bool {
        self.pos == self.bytes.len()
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.bytes.get(self.pos) == Some(&byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, byte: u8, reason: &'static str) -> Result<(), &'static str> {
        if self.eat(byte) { Ok(()) } else { Err(reason) }
    }

    /// Exactly `width` ASCII digits, as a number.
    fn number(&mut self, width: usize) -> Option<u32> {
        let digits = self.bytes.get(self.pos..self.pos + width)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.pos += width;
        Some(
            digits
                .iter()
                .fold(0, |number, digit| number * 10 + u32::from(digit - b'0')),
        )
    }

    /// All ASCII digits from here on (possibly none).
    fn digits(&mut self) -> &'a [u8] {
        let start = self.pos;
        while self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        &self.bytes[start..self.pos]
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn offset(hours: i32, minutes: i32) -> FixedOffset {
        FixedOffset::east_opt(hours * 3600 + hours.signum() * minutes * 60).unwrap()
    }

    #[test]
    fn accepts_the_documented_examples_and_keeps_their_text() {
        for text in [
            "2023-12-24T01:23:45+01:00",
            "2021-05-14T08:07:37",
            "2021-05-14T08:08:03.083104",
            "2021-05-14T08:08:03.1",
            "2021-05-14T08:08:03.123456789012345",
            "1963-06-19T08:30:06.283185Z",
            "1963-06-19t08:30:06.283185z",
            "1937-01-01T12:00:27.87+00:20",
            "1990-12-31T15:59:50.123-08:00",
            "2000-02-29T00:00:00-00:00",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999+23:59",
        ] {
            let value = DateTime::parse(text).unwrap();
            assert_eq!(value.as_str(), text);
            assert_eq!(value.to_string(), text);
            assert_eq!(text.parse::<DateTime>().unwrap(), value);
            assert_eq!(DateTime::try_from(text.to_owned()).unwrap(), value);
        }
    }

    #[test]
    fn rejects_impossible_and_malformed_values() {
        for text in [
            "",
            "2021-02-29T00:00:00",
            "2020-02-30T00:00:00Z",
            "2020-13-01T00:00:00Z",
            "2020-00-01T00:00:00Z",
            "2020-01-00T00:00:00Z",
            "2020-01-01T24:00:00Z",
            "2020-01-01T23:60:00Z",
            "2020-01-01T23:59:61Z",
            "2020-01-01T00:00:00+24:00",
            "2020-01-01T00:00:00+10:60",
            "2020-01-01T00:00:00+01",
            "2020-01-01T00:00:00+0100",
            "2020-01-01T00:00:00.Z",
            "2020-01-01T00:00:00Z+01:00",
            "2020-01-01 00:00:00Z",
            "2020-01-01",
            "2020-1-01T00:00:00Z",
            "+2020-01-01T00:00:00Z",
            "12020-01-01T00:00:00Z",
            "2020-01-01T00:00:00Z\n",
            " 2020-01-01T00:00:00Z",
            "2020-01-01T0\u{9ea}:00:00Z",
            "2020-01-01T00:00",
            "06/19/1963 08:30:06 PST",
        ] {
            let error = DateTime::parse(text).unwrap_err();
            assert_eq!(error.kind, "date-time");
            assert_eq!(error.input, text);
            assert!(!error.reason.is_empty());
        }
    }

    #[test]
    fn leap_seconds_only_at_the_end_of_a_utc_day() {
        for text in [
            "1998-12-31T23:59:60Z",
            "1998-12-31T15:59:60.123-08:00",
            "1999-01-01T00:29:60+00:30",
            "1998-12-31T23:59:60",
        ] {
            let value = DateTime::parse(text).unwrap();
            assert_eq!(value.naive().second(), 59);
            assert!(value.naive().nanosecond() >= NANOS_PER_SECOND);
        }
        for text in [
            "1998-12-31T23:58:60Z",
            "1998-12-31T22:59:60Z",
            "1998-12-31T23:59:60+01:00",
            "1998-12-31T22:59:60",
        ] {
            assert!(DateTime::parse(text).is_err(), "{text}");
        }
        let leap = DateTime::parse("1998-12-31T15:59:60.5-08:00").unwrap();
        let utc = leap.to_utc().unwrap();
        assert_eq!(utc.to_rfc3339(), "1998-12-31T23:59:60.500+00:00");
    }

    #[test]
    fn strict_parse_requires_an_offset() {
        assert!(DateTime::parse_rfc3339("2021-05-14T08:07:37").is_err());
        let error = DateTime::parse_rfc3339("2021-05-14T08:07:37").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid date-time \"2021-05-14T08:07:37\": missing time offset ('Z' or ±hh:mm)"
        );
        assert!(DateTime::parse_rfc3339("2021-05-14T08:07:37Z").is_ok());
        assert!(DateTime::parse_rfc3339("2021-05-14T08:07:37-00:00").is_ok());
    }

    #[test]
    fn accessors() {
        let value = DateTime::parse("2023-12-24T01:23:45.5+01:30").unwrap();
        assert!(value.has_offset());
        assert_eq!(value.offset(), Some(offset(1, 30)));
        assert_eq!(
            value.naive(),
            NaiveDate::from_ymd_opt(2023, 12, 24)
                .unwrap()
                .and_hms_milli_opt(1, 23, 45, 500)
                .unwrap()
        );
        assert_eq!(
            value.to_utc().unwrap().to_rfc3339(),
            "2023-12-23T23:53:45.500+00:00"
        );
        // The value's own offset wins over the assumed one.
        assert_eq!(value.assume_offset(offset(5, 0)).offset(), &offset(1, 30));

        let local = DateTime::parse("2021-05-14T08:07:37").unwrap();
        assert!(!local.has_offset());
        assert_eq!(local.offset(), None);
        assert_eq!(local.to_utc(), None);
        assert_eq!(
            local.assume_offset(offset(2, 0)).to_rfc3339(),
            "2021-05-14T08:07:37+02:00"
        );
        assert_eq!(local.naive().to_string(), "2021-05-14 08:07:37");
    }

    #[test]
    fn equality_is_textual_and_same_instant_is_chronological() {
        let a = DateTime::parse("2024-01-01T01:00:00+01:00").unwrap();
        let b = DateTime::parse("2024-01-01T00:00:00Z").unwrap();
        let c = DateTime::parse("2024-01-01T00:00:00z").unwrap();
        let local = DateTime::parse("2024-01-01T00:00:00").unwrap();
        assert_ne!(a, b);
        assert_ne!(b, c);
        assert!(a.same_instant(&b));
        assert!(b.same_instant(&c));
        assert!(!b.same_instant(&local));
        assert!(local.same_instant(&DateTime::parse("2024-01-01T00:00:00").unwrap()));
        assert!(a < b || b < a);
    }

    #[test]
    fn from_chrono_writes_rfc3339_that_parses_back() {
        let cases = [
            ("2023-12-24T01:23:45+01:00", "2023-12-24T01:23:45+01:00"),
            ("2023-12-24T01:23:45.100+00:00", "2023-12-24T01:23:45.100Z"),
            (
                "2023-12-24T01:23:45.000123-05:30",
                "2023-12-24T01:23:45.000123-05:30",
            ),
            (
                "2023-12-24T01:23:45.000000001Z",
                "2023-12-24T01:23:45.000000001Z",
            ),
            ("1998-12-31T23:59:60.5Z", "1998-12-31T23:59:60.500Z"),
        ];
        for (input, expected) in cases {
            let chrono = chrono::DateTime::parse_from_rfc3339(input).unwrap();
            let value = DateTime::from(chrono);
            assert_eq!(value.as_str(), expected);
            assert_eq!(DateTime::parse_rfc3339(expected).unwrap(), value);
            assert_eq!(value.assume_offset(offset(9, 0)), chrono);
        }
        let utc = chrono::DateTime::parse_from_rfc3339("2020-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(DateTime::from(utc).as_str(), "2020-01-01T00:00:00Z");
    }

    #[test]
    fn from_chrono_adjusts_what_rfc3339_cannot_say() {
        // Offset with seconds: rounded to whole minutes.
        let odd = FixedOffset::east_opt(3600 + 31).unwrap();
        let chrono = odd.with_ymd_and_hms(2020, 1, 1, 12, 0, 0).unwrap();
        let value = DateTime::from(chrono);
        assert_eq!(value.offset(), Some(offset(1, 1)));
        assert!(DateTime::parse_rfc3339(value.as_str()).is_ok());

        // Years outside 0000-9999: clamped.
        let far = Utc.with_ymd_and_hms(12345, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            DateTime::from(far).as_str(),
            "9999-12-31T23:59:59.999999999Z"
        );
        let past = Utc.with_ymd_and_hms(-5, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(DateTime::from(past).as_str(), "0000-01-01T00:00:00Z");

        // A leap second where RFC 3339 has none: becomes second 59.
        let naive = NaiveDate::from_ymd_opt(2020, 1, 1)
            .unwrap()
            .and_hms_nano_opt(12, 0, 59, 1_250_000_000)
            .unwrap();
        let value = DateTime::from(naive.and_utc());
        assert_eq!(value.as_str(), "2020-01-01T12:00:59.250Z");
        assert!(DateTime::parse_rfc3339(value.as_str()).is_ok());
    }

    proptest::proptest! {
        #[test]
        fn from_chrono_always_parses_back(
            seconds in -65_000_000_000_i64..260_000_000_000,
            nanos in 0_u32..2_000_000_000,
            offset_seconds in -86_399_i32..86_400,
        ) {
            let Some(utc) = chrono::DateTime::from_timestamp(seconds, nanos) else {
                return Ok(());
            };
            let offset = FixedOffset::east_opt(offset_seconds).unwrap();
            let chrono = utc.with_timezone(&offset);
            let value = DateTime::from(chrono);
            let parsed = DateTime::parse_rfc3339(value.as_str()).unwrap();
            proptest::prop_assert_eq!(parsed.naive(), value.naive());
            proptest::prop_assert_eq!(parsed.offset(), value.offset());
            let representable = offset_seconds % 60 == 0
                && nanos < NANOS_PER_SECOND
                && (0..=9999).contains(&chrono.year());
            if representable {
                proptest::prop_assert_eq!(value.to_utc(), Some(utc));
            }
        }
    }

    #[test]
    fn serde_round_trip_keeps_the_text() {
        for text in [
            "2021-05-14T08:08:03.083104",
            "2023-12-24T01:23:45+01:00",
            "1963-06-19t08:30:06.283185z",
        ] {
            let json = serde_json::to_string(text).unwrap();
            let value: DateTime = serde_json::from_str(&json).unwrap();
            assert_eq!(value.as_str(), text);
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
        }
        let error = serde_json::from_str::<DateTime>("\"2020-02-30T00:00:00Z\"").unwrap_err();
        assert!(error.to_string().contains("invalid date-time"), "{error}");
        assert!(serde_json::from_str::<DateTime>("12").is_err());
    }

    #[test]
    fn partial_checks_for_formats() {
        assert!(is_rfc3339_date("2020-02-29"));
        assert!(!is_rfc3339_date("2021-02-29"));
        assert!(!is_rfc3339_date("2020-02-29T00:00:00Z"));
        assert!(is_rfc3339_time("23:59:60Z"));
        assert!(is_rfc3339_time("01:29:60+01:30"));
        assert!(is_rfc3339_time("00:29:60-23:30"));
        assert!(!is_rfc3339_time("23:59:60+01:00"));
        assert!(!is_rfc3339_time("12:00:00"));
        assert!(is_rfc3339_date_time("1985-04-12T23:20:50.52Z"));
        assert!(!is_rfc3339_date_time("1985-04-12T23:20:50.52"));
    }

    #[test]
    fn debug_shows_the_text() {
        let value = DateTime::parse("2021-05-14T08:07:37").unwrap();
        assert_eq!(format!("{value:?}"), "DateTime(\"2021-05-14T08:07:37\")");
    }
}
