//! The parser behind [`Tape::parse`](super::Tape::parse): strict RFC 8259,
//! iterative (an explicit stack of open containers, so no input can
//! overflow the call stack), and worded like serde_json: the same messages
//! at the same line and column for the errors both can meet.
//!
//! serde_json reports a position in one of two ways, and so do we: at the
//! byte just consumed ([`Parser::err`]) or at the byte looked at next
//! ([`Parser::peek_err`]); a column is a 1-based byte offset in its line.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

use super::ParseError;
use super::tape::Entry;

/// Objects of up to this many members look for a duplicate name by
/// comparing it with the names before it; larger ones hash.
const COMPARE_UP_TO: usize = 16;

/// The parser's reusable scratch space (see [`super::TapeBuffers`]).
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// The open containers, innermost last.
    frames: Vec<Frame>,
    /// The names of the open objects' members so far: a fingerprint (see
    /// [`fingerprint`]) and the name's entry.
    names: Vec<(u64, u32)>,
    /// For objects of more than [`COMPARE_UP_TO`] members: (object entry,
    /// name hash) → the first name entry with that hash.
    hashed: HashMap<(u32, u64), u32>,
    hasher: RandomState,
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    /// The container's entry.
    entry: u32,
    /// Items, or members, completed so far.
    len: u32,
    /// Where its member names start in [`Scratch::names`].
    names_from: u32,
    object: bool,
}

/// serde_json's error codes, as far as this parser meets them.
#[derive(Debug, Clone, Copy)]
enum Code {
    EofWhileParsingList,
    EofWhileParsingObject,
    EofWhileParsingString,
    EofWhileParsingValue,
    ExpectedColon,
    ExpectedListCommaOrEnd,
    ExpectedObjectCommaOrEnd,
    ExpectedSomeIdent,
    ExpectedSomeValue,
    InvalidEscape,
    InvalidNumber,
    NumberOutOfRange,
    ControlCharacterWhileParsingString,
    KeyMustBeAString,
    LoneLeadingSurrogateInHexEscape,
    TrailingComma,
    TrailingCharacters,
    UnexpectedEndOfHexEscape,
}

impl Code {
    fn message(self) -> &'static str {
        match self {
            Code::EofWhileParsingList => "EOF while parsing a list",
            Code::EofWhileParsingObject => "EOF while parsing an object",
            Code::EofWhileParsingString => "EOF while parsing a string",
            Code::EofWhileParsingValue => "EOF while parsing a value",
            Code::ExpectedColon => "expected `:`",
            Code::ExpectedListCommaOrEnd => "expected `,` or `]`",
            Code::ExpectedObjectCommaOrEnd => "expected `,` or `}`",
            Code::ExpectedSomeIdent => "expected ident",
            Code::ExpectedSomeValue => "expected value",
            Code::InvalidEscape => "invalid escape",
            Code::InvalidNumber => "invalid number",
            Code::NumberOutOfRange => "number out of range",
            Code::ControlCharacterWhileParsingString => {
                "control character (\\u0000-\\u001F) found while parsing a string"
            }
            Code::KeyMustBeAString => "key must be a string",
            Code::LoneLeadingSurrogateInHexEscape => "lone leading surrogate in hex escape",
            Code::TrailingComma => "trailing comma",
            Code::TrailingCharacters => "trailing characters",
            Code::UnexpectedEndOfHexEscape => "unexpected end of hex escape",
        }
    }
}

/// Line (1-based) and column (the byte offset of `index` in its line, so
/// the 1-based column of the byte before it) of a position, as serde_json
/// computes them.
fn position(bytes: &[u8], index: usize) -> (usize, usize) {
    let index = index.min(bytes.len());
    let line_start = memchr::memrchr(b'\n', &bytes[..index]).map_or(0, |p| p + 1);
    let line = 1 + memchr::memchr_iter(b'\n', &bytes[..line_start]).count();
    (line, index - line_start)
}

/// The error for input that is not UTF-8: serde_json's wording, at the
/// first byte that is not.
pub(crate) fn invalid_utf8(bytes: &[u8], valid_up_to: usize) -> ParseError {
    let (line, column) = position(bytes, valid_up_to + 1);
    ParseError::Syntax {
        message: "invalid unicode code point".to_owned(),
        line,
        column,
    }
}

/// A parse error, boxed: the `Result`s of the hot paths stay small.
type Failure = Box<ParseError>;

/// Parses `source` into `entries` (and `text`, for strings with escapes).
pub(crate) fn parse(
    source: &str,
    max_depth: usize,
    entries: &mut Vec<Entry>,
    text: &mut String,
    scratch: &mut Scratch,
) -> Result<(), ParseError> {
    scratch.frames.clear();
    scratch.names.clear();
    scratch.hashed.clear();
    let mut parser = Parser {
        source,
        b: source.as_bytes(),
        i: 0,
        max_depth,
        entries,
        text,
        scratch,
    };
    parser.run().map_err(|e| *e)
}

struct Parser<'a> {
    source: &'a str,
    b: &'a [u8],
    /// The next byte to read.
    i: usize,
    max_depth: usize,
    entries: &'a mut Vec<Entry>,
    text: &'a mut String,
    scratch: &'a mut Scratch,
}

/// A name's first eight bytes and its length in one word: names that
/// differ there (most do) differ without comparing their text.
#[inline]
pub(crate) fn fingerprint(name: &str) -> u64 {
    fingerprint_bytes(name.as_bytes())
}

/// [`fingerprint`] of a name's bytes.
#[inline]
pub(crate) fn fingerprint_bytes(b: &[u8]) -> u64 {
    let word = match b.first_chunk::<8>() {
        Some(first) => u64::from_le_bytes(*first),
        None => {
            // Shorter names: their bytes, zero-padded (one copy, no loop).
            let mut first = [0u8; 8];
            first[..b.len()].copy_from_slice(b);
            u64::from_le_bytes(first)
        }
    };
    word ^ (b.len() as u64).rotate_right(8)
}

/// The bytes of a string entry (a byte slice: its ends are known to be
/// character boundaries, and comparing bytes is comparing text).
#[inline]
fn name_bytes<'t>(source: &'t [u8], text: &'t [u8], entries: &[Entry], index: u32) -> &'t [u8] {
    let (from, at, len) = match entries[index as usize] {
        Entry::Borrowed { at, len } => (source, at, len),
        Entry::Owned { at, len } => (text, at, len),
        _ => return &[],
    };
    from.get(at as usize..(at + len) as usize)
        .unwrap_or_default()
}

/// Tape offsets: the input is at most `u32::MAX` bytes (the size limit), and
/// so are the entries (each takes at least one byte of input) and the text
/// (escapes only shrink).
#[inline]
fn off(n: usize) -> u32 {
    n as u32
}

impl Parser<'_> {
    /// An error at the byte just consumed.
    #[cold]
    fn err(&self, code: Code) -> Failure {
        let (line, column) = position(self.b, self.i);
        Box::new(ParseError::Syntax {
            message: code.message().to_owned(),
            line,
            column,
        })
    }

    /// An error at the next byte.
    #[cold]
    fn peek_err(&self, code: Code) -> Failure {
        let (line, column) = position(self.b, self.i + 1);
        Box::new(ParseError::Syntax {
            message: code.message().to_owned(),
            line,
            column,
        })
    }

    /// Skips whitespace; the next byte, not consumed.
    #[inline]
    fn peek(&mut self) -> Option<u8> {
        while let Some(&c) = self.b.get(self.i) {
            if !matches!(c, b' ' | b'\n' | b'\t' | b'\r') {
                return Some(c);
            }
            self.i += 1;
        }
        None
    }

    fn run(&mut self) -> Result<(), Failure> {
        'value: loop {
            match self.peek() {
                Some(b'"') => {
                    self.i += 1;
                    let entry = self.string()?;
                    self.entries.push(entry);
                }
                Some(b'{') => {
                    self.i += 1;
                    self.open(true)?;
                    match self.peek() {
                        Some(b'}') => {
                            self.i += 1;
                            self.close();
                        }
                        Some(b'"') => {
                            self.name()?;
                            continue 'value;
                        }
                        Some(_) => return Err(self.peek_err(Code::KeyMustBeAString)),
                        None => return Err(self.peek_err(Code::EofWhileParsingObject)),
                    }
                }
                Some(b'[') => {
                    self.i += 1;
                    self.open(false)?;
                    match self.peek() {
                        Some(b']') => {
                            self.i += 1;
                            self.close();
                        }
                        Some(_) => continue 'value,
                        None => return Err(self.peek_err(Code::EofWhileParsingList)),
                    }
                }
                Some(b'-') => {
                    self.i += 1;
                    self.number(false)?;
                }
                Some(b'0'..=b'9') => self.number(true)?,
                Some(b't') => {
                    self.i += 1;
                    self.ident(b"rue")?;
                    self.entries.push(Entry::Bool(true));
                }
                Some(b'f') => {
                    self.i += 1;
                    self.ident(b"alse")?;
                    self.entries.push(Entry::Bool(false));
                }
                Some(b'n') => {
                    self.i += 1;
                    self.ident(b"ull")?;
                    self.entries.push(Entry::Null);
                }
                Some(_) => return Err(self.peek_err(Code::ExpectedSomeValue)),
                None => return Err(self.peek_err(Code::EofWhileParsingValue)),
            }
            // A value is complete: go on in the containers around it.
            loop {
                let Some(frame) = self.scratch.frames.last_mut() else {
                    return match self.peek() {
                        None => Ok(()),
                        Some(_) => Err(self.peek_err(Code::TrailingCharacters)),
                    };
                };
                frame.len += 1;
                let object = frame.object;
                match self.peek() {
                    Some(b',') => {
                        self.i += 1;
                        match self.peek() {
                            Some(b'"') if object => self.name()?,
                            Some(b'}') if object => return Err(self.peek_err(Code::TrailingComma)),
                            Some(_) if object => return Err(self.peek_err(Code::KeyMustBeAString)),
                            Some(b']') => return Err(self.peek_err(Code::TrailingComma)),
                            Some(_) => {}
                            None => return Err(self.peek_err(Code::EofWhileParsingValue)),
                        }
                        continue 'value;
                    }
                    Some(b'}') if object => {
                        self.i += 1;
                        self.close();
                    }
                    Some(b']') if !object => {
                        self.i += 1;
                        self.close();
                    }
                    Some(_) if object => return Err(self.peek_err(Code::ExpectedObjectCommaOrEnd)),
                    Some(_) => return Err(self.peek_err(Code::ExpectedListCommaOrEnd)),
                    None if object => return Err(self.peek_err(Code::EofWhileParsingObject)),
                    None => return Err(self.peek_err(Code::EofWhileParsingList)),
                }
            }
        }
    }

    /// A container starts (its bracket consumed).
    fn open(&mut self, object: bool) -> Result<(), Failure> {
        if self.scratch.frames.len() >= self.max_depth {
            let (line, column) = position(self.b, self.i);
            return Err(Box::new(ParseError::TooDeep {
                limit: self.max_depth,
                line,
                column,
            }));
        }
        self.scratch.frames.push(Frame {
            entry: off(self.entries.len()),
            len: 0,
            names_from: off(self.scratch.names.len()),
            object,
        });
        self.entries.push(Entry::Null);
        Ok(())
    }

    /// The innermost container ends (its bracket consumed).
    fn close(&mut self) {
        let Some(frame) = self.scratch.frames.pop() else {
            return;
        };
        let end = off(self.entries.len());
        self.entries[frame.entry as usize] = if frame.object {
            self.scratch.names.truncate(frame.names_from as usize);
            Entry::Object {
                len: frame.len,
                end,
            }
        } else {
            Entry::Array {
                len: frame.len,
                end,
            }
        };
    }

    /// A member name (at its opening quote) and the colon after it.
    fn name(&mut self) -> Result<(), Failure> {
        self.i += 1;
        let entry = self.string()?;
        let index = off(self.entries.len());
        self.entries.push(entry);
        self.check_unique(index)?;
        match self.peek() {
            Some(b':') => {
                self.i += 1;
                Ok(())
            }
            Some(_) => Err(self.peek_err(Code::ExpectedColon)),
            None => Err(self.peek_err(Code::EofWhileParsingObject)),
        }
    }

    /// Refuses the name just read (entry `index`) if its object already
    /// has it; the error points at its closing quote, as serde_json's did.
    fn check_unique(&mut self, index: u32) -> Result<(), Failure> {
        let (source, text, entries) = (self.b, self.text.as_bytes(), &*self.entries);
        let name_of = |k: u32| name_bytes(source, text, entries, k);
        let scratch = &mut *self.scratch;
        let Some(frame) = scratch.frames.last() else {
            return Ok(());
        };
        let object = frame.entry;
        let from = frame.names_from as usize;
        let before = scratch.names.len() - from;
        let name = name_of(index);
        let print = fingerprint_bytes(name);
        let same = |&(p, other): &(u64, u32)| p == print && name_of(other) == name;
        let duplicate = if before < COMPARE_UP_TO {
            scratch.names[from..].iter().any(same)
        } else {
            if before == COMPARE_UP_TO {
                // The object just outgrew comparing: hash the names so far.
                for &(_, other) in &scratch.names[from..] {
                    let hash = scratch.hasher.hash_one(name_of(other));
                    scratch.hashed.entry((object, hash)).or_insert(other);
                }
            }
            let hash = scratch.hasher.hash_one(name);
            match scratch.hashed.get(&(object, hash)) {
                None => {
                    scratch.hashed.insert((object, hash), index);
                    false
                }
                Some(&other) if name_of(other) == name => true,
                // Two names with one hash: compare with every one.
                Some(_) => scratch.names[from..].iter().any(same),
            }
        };
        if duplicate {
            let (line, column) = position(self.b, self.i);
            return Err(Box::new(ParseError::DuplicateKey {
                key: String::from_utf8_lossy(name).into_owned(),
                line,
                column,
            }));
        }
        scratch.names.push((print, index));
        Ok(())
    }

    /// The rest of `true`, `false` or `null`.
    fn ident(&mut self, rest: &[u8]) -> Result<(), Failure> {
        for &expected in rest {
            let Some(&c) = self.b.get(self.i) else {
                return Err(self.err(Code::EofWhileParsingValue));
            };
            self.i += 1;
            if c != expected {
                return Err(self.err(Code::ExpectedSomeIdent));
            }
        }
        Ok(())
    }

    /// A string after its opening quote, up to and including the closing one.
    fn string(&mut self) -> Result<Entry, Failure> {
        let start = self.i;
        let stop = scan_string(self.b, start);
        match self.b.get(stop) {
            Some(b'"') => {
                self.i = stop + 1;
                Ok(Entry::Borrowed {
                    at: off(start),
                    len: off(stop - start),
                })
            }
            Some(b'\\') => self.escaped_string(start, stop),
            Some(_) => {
                self.i = stop + 1;
                Err(self.err(Code::ControlCharacterWhileParsingString))
            }
            None => {
                self.i = self.b.len();
                Err(self.err(Code::EofWhileParsingString))
            }
        }
    }

    /// A string with escapes: `start` after the opening quote, `stop` at
    /// the first backslash.
    #[cold]
    fn escaped_string(&mut self, start: usize, mut stop: usize) -> Result<Entry, Failure> {
        let at = self.text.len();
        let mut from = start;
        loop {
            self.text.push_str(&self.source[from..stop]);
            match self.b.get(stop) {
                Some(b'"') => {
                    self.i = stop + 1;
                    return Ok(Entry::Owned {
                        at: off(at),
                        len: off(self.text.len() - at),
                    });
                }
                Some(b'\\') => {
                    self.i = stop + 1;
                    self.escape()?;
                }
                Some(_) => {
                    self.i = stop + 1;
                    return Err(self.err(Code::ControlCharacterWhileParsingString));
                }
                None => {
                    self.i = self.b.len();
                    return Err(self.err(Code::EofWhileParsingString));
                }
            }
            from = self.i;
            stop = scan_string(self.b, from);
        }
    }

    /// One escape sequence after its backslash.
    fn escape(&mut self) -> Result<(), Failure> {
        let Some(&c) = self.b.get(self.i) else {
            return Err(self.err(Code::EofWhileParsingString));
        };
        self.i += 1;
        let decoded = match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => self.unicode_escape()?,
            _ => return Err(self.err(Code::InvalidEscape)),
        };
        self.text.push(decoded);
        Ok(())
    }

    /// `\uXXXX` after the `u`, with the second half of a surrogate pair.
    fn unicode_escape(&mut self) -> Result<char, Failure> {
        let n = self.hex4()?;
        if (0xDC00..=0xDFFF).contains(&n) {
            return Err(self.err(Code::LoneLeadingSurrogateInHexEscape));
        }
        if !(0xD800..=0xDBFF).contains(&n) {
            return Ok(char::from_u32(u32::from(n)).unwrap_or(char::REPLACEMENT_CHARACTER));
        }
        for expected in [b'\\', b'u'] {
            match self.b.get(self.i) {
                None => return Err(self.err(Code::EofWhileParsingString)),
                Some(&c) => {
                    self.i += 1;
                    if c != expected {
                        return Err(self.err(Code::UnexpectedEndOfHexEscape));
                    }
                }
            }
        }
        let n2 = self.hex4()?;
        if !(0xDC00..=0xDFFF).contains(&n2) {
            return Err(self.err(Code::LoneLeadingSurrogateInHexEscape));
        }
        let c = ((u32::from(n) - 0xD800) << 10 | (u32::from(n2) - 0xDC00)) + 0x1_0000;
        Ok(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER))
    }

    fn hex4(&mut self) -> Result<u16, Failure> {
        let Some(digits) = self.b.get(self.i..self.i + 4) else {
            self.i = self.b.len();
            return Err(self.err(Code::EofWhileParsingString));
        };
        self.i += 4;
        let mut n = 0u16;
        for &d in digits {
            let v = match d {
                b'0'..=b'9' => d - b'0',
                b'a'..=b'f' => d - b'a' + 10,
                b'A'..=b'F' => d - b'A' + 10,
                _ => return Err(self.err(Code::InvalidEscape)),
            };
            n = n << 4 | u16::from(v);
        }
        Ok(n)
    }

    /// A number; `self.i` is at its first digit (past the `-` of a
    /// negative one).
    fn number(&mut self, positive: bool) -> Result<(), Failure> {
        let start = if positive { self.i } else { self.i - 1 };
        let mut significand: u64 = 0;
        let mut float = false;
        match self.b.get(self.i) {
            None => return Err(self.err(Code::EofWhileParsingValue)),
            Some(b'0') => {
                self.i += 1;
                if matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
                    return Err(self.peek_err(Code::InvalidNumber));
                }
            }
            Some(b'1'..=b'9') => {
                while let Some(&c @ b'0'..=b'9') = self.b.get(self.i) {
                    self.i += 1;
                    match significand
                        .checked_mul(10)
                        .and_then(|s| s.checked_add(u64::from(c - b'0')))
                    {
                        Some(s) => significand = s,
                        None => float = true,
                    }
                }
            }
            Some(_) => {
                self.i += 1;
                return Err(self.err(Code::InvalidNumber));
            }
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            float = true;
            let digits = self.digits();
            if digits == 0 {
                return Err(match self.b.get(self.i) {
                    Some(_) => self.peek_err(Code::InvalidNumber),
                    None => self.peek_err(Code::EofWhileParsingValue),
                });
            }
        }
        if let Some(b'e' | b'E') = self.b.get(self.i) {
            self.i += 1;
            float = true;
            if let Some(b'+' | b'-') = self.b.get(self.i) {
                self.i += 1;
            }
            let positive_exp = self.b.get(self.i - 1) != Some(&b'-');
            match self.b.get(self.i) {
                None => return Err(self.err(Code::EofWhileParsingValue)),
                Some(b'0'..=b'9') => {
                    // serde_json refuses a positive exponent beyond `i32`
                    // (of a non-zero number) at the digit that overflows.
                    let mut exp: i32 = 0;
                    while let Some(&c @ b'0'..=b'9') = self.b.get(self.i) {
                        self.i += 1;
                        match exp
                            .checked_mul(10)
                            .and_then(|e| e.checked_add(i32::from(c - b'0')))
                        {
                            Some(e) => exp = e,
                            None => {
                                let mantissa = &self.b[start..self.i];
                                let zero = !mantissa
                                    .iter()
                                    .take_while(|c| !matches!(c, b'e' | b'E'))
                                    .any(|c| matches!(c, b'1'..=b'9'));
                                if positive_exp && !zero {
                                    return Err(self.err(Code::NumberOutOfRange));
                                }
                                self.digits();
                                break;
                            }
                        }
                    }
                }
                Some(_) => {
                    self.i += 1;
                    return Err(self.err(Code::InvalidNumber));
                }
            }
        }
        let entry = if float {
            match self.source[start..self.i].parse::<f64>() {
                Ok(f) if f.is_finite() => Entry::F64(f),
                _ => return Err(self.err(Code::NumberOutOfRange)),
            }
        } else if positive {
            Entry::U64(significand)
        } else if significand == 0 {
            Entry::F64(-0.0)
        } else {
            match 0i64.checked_sub_unsigned(significand) {
                Some(i) => Entry::I64(i),
                None => Entry::F64(-(significand as f64)),
            }
        };
        self.entries.push(entry);
        Ok(())
    }

    /// Skips ASCII digits; how many.
    #[inline]
    fn digits(&mut self) -> usize {
        let from = self.i;
        while let Some(b'0'..=b'9') = self.b.get(self.i) {
            self.i += 1;
        }
        self.i - from
    }
}

/// The index of the first `"`, `\` or control character at or after `i`
/// (`b.len()` when none): eight bytes at a time, with the bit tricks
/// serde_json uses (a byte-wise "less than" and "equals" on a `u64`; a
/// flag can be wrong only above a right one, so the lowest is exact).
#[inline]
fn scan_string(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES << 7;
    while let Some(chunk) = b.get(i..i + 8) {
        let x = u64::from_le_bytes([
            chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
        ]);
        let control = x.wrapping_sub(ONES * 0x20) & !x;
        let q = x ^ (ONES * u64::from(b'"'));
        let quote = q.wrapping_sub(ONES) & !q;
        let s = x ^ (ONES * u64::from(b'\\'));
        let backslash = s.wrapping_sub(ONES) & !s;
        let found = (control | quote | backslash) & HIGH;
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            return i;
        }
        i += 1;
    }
    i
}
