//! The parsed form of a payload: a flat vector of [`Entry`]s in payload
//! order, read through [`Node`]s.
//!
//! An array is its entry followed by its items; an object is its entry
//! followed by, for each member, the name (a string entry) and the value.
//! A container's entry holds its length and the index just past its last
//! entry, so skipping a subtree is one lookup.

use std::fmt;

use serde_json::{Map, Number, Value};

use super::parse::{self, Scratch};
use super::{Limits, ParseError};
use crate::validation::Num;

/// One entry of a [`Tape`] (16 bytes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Entry {
    Null,
    Bool(bool),
    /// A non-negative integer (serde_json's `PosInt`).
    U64(u64),
    /// A negative integer (serde_json's `NegInt`).
    I64(i64),
    /// Any other number, finite.
    F64(f64),
    /// A string without escape sequences: `source[at..at + len]`.
    Borrowed {
        at: u32,
        len: u32,
    },
    /// A string with escape sequences, decoded: `text[at..at + len]`.
    Owned {
        at: u32,
        len: u32,
    },
    /// `len` items follow; the array's entries end before index `end`.
    Array {
        len: u32,
        end: u32,
    },
    /// `len` members (name, value) follow; they end before index `end`.
    Object {
        len: u32,
        end: u32,
    },
}

const _: () = assert!(std::mem::size_of::<Entry>() == 16);

/// A parsed JSON document: a flat vector of entries in payload order. An
/// array is its entry followed by its items; an object is its entry
/// followed by, for each member, the name and the value. A container's
/// entry holds its length and where its entries end, so skipping a subtree
/// is one lookup. Read it through [`Tape::root`] and [`Node`].
///
/// Strings without escape sequences borrow the input (`'s`); the others
/// are decoded into a buffer of the tape's own.
#[derive(Clone)]
pub struct Tape<'s> {
    source: &'s str,
    entries: Vec<Entry>,
    text: String,
}

impl fmt::Debug for Tape<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tape")
            .field("entries", &self.entries.len())
            .field("root", &self.root())
            .finish()
    }
}

/// The buffers of a [`Tape`] and the parser's scratch space, kept between
/// payloads so that reading a stream allocates nothing once the buffers
/// have grown to the largest payload:
///
/// ```
/// use eventsmith_core::json::{Limits, Tape, TapeBuffers};
///
/// let mut buffers = TapeBuffers::default();
/// for line in ["{\"a\":1}", "[true]"] {
///     let tape = Tape::parse_with(line.as_bytes(), Limits::DEFAULT, &mut buffers).unwrap();
///     assert_eq!(tape.root().len(), 1);
///     buffers.recycle(tape);
/// }
/// ```
#[derive(Debug, Default)]
pub struct TapeBuffers {
    entries: Vec<Entry>,
    text: String,
    scratch: Scratch,
}

impl TapeBuffers {
    /// Takes back the buffers of a tape that is no longer needed.
    pub fn recycle(&mut self, tape: Tape<'_>) {
        self.entries = tape.entries;
        self.text = tape.text;
    }
}

impl<'s> Tape<'s> {
    /// Parses `bytes` under `limits`: strict RFC 8259 JSON (one UTF-8 check
    /// of the whole input first), duplicate keys refused, nesting and size
    /// bounded. Numbers are read as serde_json reads them: a non-negative
    /// integer that fits `u64` as `u64`, a negative one that fits `i64` as
    /// `i64`, anything else as a (correctly rounded) `f64`.
    pub fn parse(bytes: &'s [u8], limits: Limits) -> Result<Tape<'s>, ParseError> {
        Tape::parse_with(bytes, limits, &mut TapeBuffers::default())
    }

    /// [`Tape::parse`] with reused buffers (see [`TapeBuffers`]). On
    /// success the tape holds them until [`TapeBuffers::recycle`] or
    /// [`Tape::into_buffers`]; on failure they stay in `buffers`.
    pub fn parse_with(
        bytes: &'s [u8],
        limits: Limits,
        buffers: &mut TapeBuffers,
    ) -> Result<Tape<'s>, ParseError> {
        let limit = limits.max_bytes.min(Limits::MAX_BYTES);
        if bytes.len() > limit {
            return Err(ParseError::TooLarge {
                size: bytes.len(),
                limit,
            });
        }
        let source = match std::str::from_utf8(bytes) {
            Ok(source) => source,
            Err(e) => return Err(parse::invalid_utf8(bytes, e.valid_up_to())),
        };
        let mut entries = std::mem::take(&mut buffers.entries);
        let mut text = std::mem::take(&mut buffers.text);
        entries.clear();
        text.clear();
        // About one entry per eight bytes of typical payloads: most fresh
        // tapes never grow.
        entries.reserve(bytes.len() / 8);
        let depth = limits.max_depth.min(Limits::MAX_DEPTH);
        match parse::parse(source, depth, &mut entries, &mut text, &mut buffers.scratch) {
            Ok(()) => Ok(Tape {
                source,
                entries,
                text,
            }),
            Err(e) => {
                buffers.entries = entries;
                buffers.text = text;
                Err(e)
            }
        }
    }

    /// The tape's buffers, for [`Tape::parse_with`] (the parser's scratch
    /// space starts empty; prefer [`TapeBuffers::recycle`]).
    pub fn into_buffers(self) -> TapeBuffers {
        TapeBuffers {
            entries: self.entries,
            text: self.text,
            scratch: Scratch::default(),
        }
    }

    /// The document's root.
    pub fn root(&self) -> Node<'_> {
        Node { tape: self, at: 0 }
    }

    /// Number of entries (a scalar takes one, a container one plus its
    /// contents, a member one for its name plus its value).
    pub fn entry_count(&self) -> usize {
        self.entries.len()
    }
}

impl Tape<'static> {
    /// The tape of a `serde_json::Value` (members in the map's order). It
    /// owns its strings; reading it gives exactly `value` back.
    pub fn from_value(value: &Value) -> Tape<'static> {
        let mut tape = Tape {
            source: "",
            entries: Vec::new(),
            text: String::new(),
        };
        tape.push_value(value);
        tape
    }

    fn push_value(&mut self, value: &Value) {
        match value {
            Value::Null => self.entries.push(Entry::Null),
            Value::Bool(b) => self.entries.push(Entry::Bool(*b)),
            Value::Number(n) => self.entries.push(number_entry(n)),
            Value::String(s) => self.push_str(s),
            Value::Array(items) => {
                let at = self.entries.len();
                self.entries.push(Entry::Null);
                for item in items {
                    self.push_value(item);
                }
                self.entries[at] = Entry::Array {
                    len: count(items.len()),
                    end: count(self.entries.len()),
                };
            }
            Value::Object(members) => {
                let at = self.entries.len();
                self.entries.push(Entry::Null);
                for (name, member) in members {
                    self.push_str(name);
                    self.push_value(member);
                }
                self.entries[at] = Entry::Object {
                    len: count(members.len()),
                    end: count(self.entries.len()),
                };
            }
        }
    }

    fn push_str(&mut self, s: &str) {
        let at = count(self.text.len());
        self.text.push_str(s);
        self.entries.push(Entry::Owned {
            at,
            len: count(s.len()),
        });
    }
}

/// A `usize` that fits a tape offset. Offsets past `u32::MAX` cannot come
/// from a parse (the size limit); a `Value` that large saturates.
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn number_entry(n: &Number) -> Entry {
    if let Some(u) = n.as_u64() {
        Entry::U64(u)
    } else if let Some(i) = n.as_i64() {
        Entry::I64(i)
    } else {
        Entry::F64(n.as_f64().unwrap_or(0.0))
    }
}

/// The JSON type of a [`Node`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `null`
    Null,
    /// `true` or `false`
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

/// A value in a [`Tape`]: a tape reference and an index, `Copy`.
#[derive(Clone, Copy)]
pub struct Node<'t> {
    tape: &'t Tape<'t>,
    at: u32,
}

impl fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Node({})", self.preview())
    }
}

impl<'t> Node<'t> {
    #[inline]
    pub(crate) fn entry(self) -> Entry {
        self.tape.entries[self.at as usize]
    }

    /// The node's index in its tape (nodes of one tape are equal when their
    /// indices are).
    #[inline]
    pub fn index(self) -> usize {
        self.at as usize
    }

    /// The index just past this node's entries.
    #[inline]
    fn end(self) -> u32 {
        match self.entry() {
            Entry::Array { end, .. } | Entry::Object { end, .. } => end,
            _ => self.at + 1,
        }
    }

    #[inline]
    fn node_at(self, at: u32) -> Node<'t> {
        Node {
            tape: self.tape,
            at,
        }
    }

    /// The name of the member whose value this node is, as a string node
    /// (meaningful only for nodes [`Node::members`] gave).
    #[inline]
    pub(crate) fn name_node(self) -> Node<'t> {
        self.node_at(self.at.saturating_sub(1))
    }

    /// The JSON type.
    #[inline]
    pub fn kind(self) -> Kind {
        match self.entry() {
            Entry::Null => Kind::Null,
            Entry::Bool(_) => Kind::Bool,
            Entry::U64(_) | Entry::I64(_) | Entry::F64(_) => Kind::Number,
            Entry::Borrowed { .. } | Entry::Owned { .. } => Kind::String,
            Entry::Array { .. } => Kind::Array,
            Entry::Object { .. } => Kind::Object,
        }
    }

    /// The JSON Schema type name as messages print it: `null`, `boolean`,
    /// `integer` (a number with no fractional part, `1.0` included),
    /// `number`, `string`, `array`, `object`.
    pub fn type_name(self) -> &'static str {
        match self.kind() {
            Kind::Null => "null",
            Kind::Bool => "boolean",
            Kind::Number if self.is_integer() => "integer",
            Kind::Number => "number",
            Kind::String => "string",
            Kind::Array => "array",
            Kind::Object => "object",
        }
    }

    /// True for `null`.
    #[inline]
    pub fn is_null(self) -> bool {
        matches!(self.entry(), Entry::Null)
    }

    /// The boolean, if it is one.
    #[inline]
    pub fn as_bool(self) -> Option<bool> {
        match self.entry() {
            Entry::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The string, if it is one (borrowed from the input when it had no
    /// escape sequences).
    #[inline]
    pub fn as_str(self) -> Option<&'t str> {
        let tape = self.tape;
        match tape.entries[self.at as usize] {
            Entry::Borrowed { at, len } => tape.source.get(at as usize..(at + len) as usize),
            Entry::Owned { at, len } => tape.text.get(at as usize..(at + len) as usize),
            _ => None,
        }
    }

    /// The number as serde_json holds it, if it is one.
    pub fn as_number(self) -> Option<Number> {
        match self.entry() {
            Entry::U64(u) => Some(Number::from(u)),
            Entry::I64(i) => Some(Number::from(i)),
            Entry::F64(f) => Number::from_f64(f),
            _ => None,
        }
    }

    /// The number, exactly, if it is one (as [`Num::of`] reads a serde_json
    /// number: an integer that fits `i64` is [`Num::I`]).
    #[inline]
    pub fn as_num(self) -> Option<Num> {
        match self.entry() {
            Entry::U64(u) => Some(match i64::try_from(u) {
                Ok(i) => Num::I(i),
                Err(_) => Num::U(u),
            }),
            Entry::I64(i) => Some(Num::I(i)),
            Entry::F64(f) => Some(Num::F(f)),
            _ => None,
        }
    }

    /// The number as `u64`, if it is a non-negative integer written without
    /// fraction or exponent that fits (serde_json's `as_u64`).
    pub fn as_u64(self) -> Option<u64> {
        match self.entry() {
            Entry::U64(u) => Some(u),
            _ => None,
        }
    }

    /// The number as `i64`, if it is an integer written without fraction or
    /// exponent that fits (serde_json's `as_i64`).
    pub fn as_i64(self) -> Option<i64> {
        match self.entry() {
            Entry::U64(u) => i64::try_from(u).ok(),
            Entry::I64(i) => Some(i),
            _ => None,
        }
    }

    /// The number as `f64` (serde_json's `as_f64`).
    pub fn as_f64(self) -> Option<f64> {
        match self.entry() {
            Entry::U64(u) => Some(u as f64),
            Entry::I64(i) => Some(i as f64),
            Entry::F64(f) => Some(f),
            _ => None,
        }
    }

    /// True for a number with no fractional part (JSON Schema's `integer`:
    /// `1.0` is one).
    #[inline]
    pub fn is_integer(self) -> bool {
        match self.entry() {
            Entry::U64(_) | Entry::I64(_) => true,
            Entry::F64(f) => f.is_finite() && f.fract() == 0.0,
            _ => false,
        }
    }

    /// Items of an array or members of an object; 0 for anything else.
    #[inline]
    pub fn len(self) -> usize {
        match self.entry() {
            Entry::Array { len, .. } | Entry::Object { len, .. } => len as usize,
            _ => 0,
        }
    }

    /// True when [`Node::len`] is 0.
    #[inline]
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// True for an object.
    #[inline]
    pub fn is_object(self) -> bool {
        matches!(self.entry(), Entry::Object { .. })
    }

    /// True for an array.
    #[inline]
    pub fn is_array(self) -> bool {
        matches!(self.entry(), Entry::Array { .. })
    }

    /// The members of an object, in payload order (nothing for anything
    /// else).
    #[inline]
    pub fn members(self) -> Members<'t> {
        let left = match self.entry() {
            Entry::Object { len, .. } => len,
            _ => 0,
        };
        Members {
            node: self.node_at(self.at + 1),
            left,
        }
    }

    /// The items of an array, in order (nothing for anything else).
    #[inline]
    pub fn items(self) -> Items<'t> {
        let left = match self.entry() {
            Entry::Array { len, .. } => len,
            _ => 0,
        };
        Items {
            node: self.node_at(self.at + 1),
            left,
        }
    }

    /// Member `name` of an object.
    pub fn get(self, name: &str) -> Option<Node<'t>> {
        let want = name.as_bytes();
        let Entry::Object { len, .. } = self.entry() else {
            return None;
        };
        // Names compared as bytes, length first: no `&str` is made of the
        // names that do not match.
        let mut at = self.at + 1;
        for _ in 0..len {
            let value = self.node_at(at + 1);
            if self.node_at(at).bytes_are(want) {
                return Some(value);
            }
            at = value.end();
        }
        None
    }

    /// True when this is a string whose bytes are `want`.
    #[inline]
    fn bytes_are(self, want: &[u8]) -> bool {
        let tape = self.tape;
        let (from, at, len) = match tape.entries[self.at as usize] {
            Entry::Borrowed { at, len } => (tape.source.as_bytes(), at, len),
            Entry::Owned { at, len } => (tape.text.as_bytes(), at, len),
            _ => return false,
        };
        len as usize == want.len() && from.get(at as usize..(at + len) as usize) == Some(want)
    }

    /// Item `index` of an array.
    pub fn item(self, index: usize) -> Option<Node<'t>> {
        self.items().nth(index)
    }

    /// The value as a `serde_json::Value` (members in payload order when
    /// serde_json keeps order).
    pub fn to_value(self) -> Value {
        match self.entry() {
            Entry::Null => Value::Null,
            Entry::Bool(b) => Value::Bool(b),
            Entry::U64(_) | Entry::I64(_) | Entry::F64(_) => {
                self.as_number().map_or(Value::Null, Value::Number)
            }
            Entry::Borrowed { .. } | Entry::Owned { .. } => {
                Value::String(self.as_str().unwrap_or_default().to_owned())
            }
            Entry::Array { len, .. } => {
                let mut items = Vec::with_capacity(len as usize);
                items.extend(self.items().map(Node::to_value));
                Value::Array(items)
            }
            Entry::Object { .. } => {
                let mut members = Map::new();
                for (name, value) in self.members() {
                    members.insert(name.to_owned(), value.to_value());
                }
                Value::Object(members)
            }
        }
    }

    /// A short rendering for messages: compact JSON, cut to 57 characters
    /// and `...` when longer than 60 (as [`crate::validation::preview`]).
    pub fn preview(self) -> String {
        let mut out = Capped {
            text: String::new(),
            chars: 0,
            cap: PREVIEW_CHARS,
        };
        // A capped writer stops the rendering with an error once full.
        let _ = write_json(&mut out, self);
        finish_preview(out.text, out.chars)
    }

    /// JSON equality as JSON Schema defines it (numbers by value, objects
    /// regardless of member order) with a node of any tape.
    pub fn json_eq(self, other: Node<'_>) -> bool {
        match (self.entry(), other.entry()) {
            (Entry::Array { len: a, .. }, Entry::Array { len: b, .. }) => {
                a == b && self.items().zip(other.items()).all(|(x, y)| x.json_eq(y))
            }
            (Entry::Object { len: a, .. }, Entry::Object { len: b, .. }) => {
                a == b
                    && self
                        .members()
                        .all(|(name, x)| other.get(name).is_some_and(|y| x.json_eq(y)))
            }
            (Entry::Null, Entry::Null) => true,
            (Entry::Bool(a), Entry::Bool(b)) => a == b,
            _ => match (self.as_num(), other.as_num()) {
                (Some(a), Some(b)) => a.cmp_exact(b).is_eq(),
                _ => match (self.as_str(), other.as_str()) {
                    (Some(a), Some(b)) => a == b,
                    _ => false,
                },
            },
        }
    }

    /// JSON equality (as [`Node::json_eq`]) with a `serde_json::Value`,
    /// without building one from the node.
    pub fn eq_value(self, value: &Value) -> bool {
        match (self.entry(), value) {
            (Entry::Null, Value::Null) => true,
            (Entry::Bool(a), Value::Bool(b)) => a == *b,
            (Entry::U64(_) | Entry::I64(_) | Entry::F64(_), Value::Number(n)) => self
                .as_num()
                .is_some_and(|a| a.cmp_exact(Num::of(n)).is_eq()),
            (Entry::Borrowed { .. } | Entry::Owned { .. }, Value::String(s)) => {
                self.as_str() == Some(s.as_str())
            }
            (Entry::Array { len, .. }, Value::Array(items)) => {
                len as usize == items.len() && self.items().zip(items).all(|(x, y)| x.eq_value(y))
            }
            (Entry::Object { len, .. }, Value::Object(members)) => {
                len as usize == members.len()
                    && self
                        .members()
                        .all(|(name, x)| members.get(name).is_some_and(|y| x.eq_value(y)))
            }
            _ => false,
        }
    }
}

/// Renders the node as compact JSON, exactly as `serde_json::to_string` of
/// its value does.
impl fmt::Display for Node<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_json(f, *self)
    }
}

const PREVIEW_CHARS: usize = 60;

/// A writer that fails once it holds more than `cap` characters.
struct Capped {
    text: String,
    chars: usize,
    cap: usize,
}

impl fmt::Write for Capped {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            self.text.push(c);
            self.chars += 1;
            if self.chars > self.cap {
                return Err(fmt::Error);
            }
        }
        Ok(())
    }
}

/// What [`crate::validation::preview`] makes of a rendering of `chars`
/// characters (possibly cut short after the 61st).
pub(crate) fn finish_preview(text: String, chars: usize) -> String {
    if chars > PREVIEW_CHARS {
        let cut: String = text.chars().take(PREVIEW_CHARS - 3).collect();
        format!("{cut}...")
    } else {
        text
    }
}

/// [`Node::preview`] of a string value.
pub(crate) fn preview_str(s: &str) -> String {
    let mut out = Capped {
        text: String::new(),
        chars: 0,
        cap: PREVIEW_CHARS,
    };
    let _ = write_json_str(&mut out, s);
    finish_preview(out.text, out.chars)
}

fn write_json<W: fmt::Write>(out: &mut W, node: Node<'_>) -> fmt::Result {
    match node.entry() {
        Entry::Null => out.write_str("null"),
        Entry::Bool(true) => out.write_str("true"),
        Entry::Bool(false) => out.write_str("false"),
        Entry::U64(_) | Entry::I64(_) | Entry::F64(_) => match node.as_number() {
            Some(n) => write!(out, "{n}"),
            None => out.write_str("null"),
        },
        Entry::Borrowed { .. } | Entry::Owned { .. } => {
            write_json_str(out, node.as_str().unwrap_or_default())
        }
        Entry::Array { .. } => {
            out.write_char('[')?;
            for (i, item) in node.items().enumerate() {
                if i > 0 {
                    out.write_char(',')?;
                }
                write_json(out, item)?;
            }
            out.write_char(']')
        }
        Entry::Object { .. } => {
            out.write_char('{')?;
            for (i, (name, value)) in node.members().enumerate() {
                if i > 0 {
                    out.write_char(',')?;
                }
                write_json_str(out, name)?;
                out.write_char(':')?;
                write_json(out, value)?;
            }
            out.write_char('}')
        }
    }
}

/// A JSON string literal as serde_json writes it: `"` and `\` escaped,
/// control characters as `\n`-style or `\u00XX` escapes, nothing else.
pub(crate) fn write_json_str<W: fmt::Write>(out: &mut W, s: &str) -> fmt::Result {
    out.write_char('"')?;
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.write_str(&s[start..i])?;
        if escape.is_empty() {
            write!(out, "\\u{b:04x}")?;
        } else {
            out.write_str(escape)?;
        }
        start = i + 1;
    }
    out.write_str(&s[start..])?;
    out.write_char('"')
}

/// The members of an object node: `(name, value)` in payload order.
#[derive(Debug, Clone)]
pub struct Members<'t> {
    /// The next member's name.
    node: Node<'t>,
    left: u32,
}

impl<'t> Iterator for Members<'t> {
    type Item = (&'t str, Node<'t>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let name = self.node.as_str().unwrap_or_default();
        let value = self.node.node_at(self.node.at + 1);
        self.node = value.node_at(value.end());
        Some((name, value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left as usize, Some(self.left as usize))
    }
}

impl ExactSizeIterator for Members<'_> {}

/// The items of an array node, in order.
#[derive(Debug, Clone)]
pub struct Items<'t> {
    node: Node<'t>,
    left: u32,
}

impl<'t> Iterator for Items<'t> {
    type Item = Node<'t>;

    #[inline]
    fn next(&mut self) -> Option<Node<'t>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let item = self.node;
        self.node = item.node_at(item.end());
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left as usize, Some(self.left as usize))
    }
}

impl ExactSizeIterator for Items<'_> {}
