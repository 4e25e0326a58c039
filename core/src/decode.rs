//! Building typed values from a [`Node`] of a validated tape.
//!
//! Generated types implement [`Decode`] with one small, non-generic
//! function each: a struct asks [`fields`] for its members once and reads
//! each field with one line ([`Fields::required`], [`Fields::optional`],
//! [`Fields::extra`]); string enums use [`string`], tagged unions [`tag`].
//! Decoding runs after validation, so its errors are rare (a value beyond
//! what a Rust type holds); it never panics. An error carries the instance
//! path, built only while an error unwinds.
//!
//! [`deserialize`] is what a generated `impl Deserialize` calls: any serde
//! format is read into a `serde_json::Value`, validated, then decoded, so
//! `serde_json::from_str::<Event>(..)` gives a validated value.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Number, Value};

use crate::json::{Kind, Node, Tape};
use crate::validation::program::NodeId;
use crate::validation::{Embedded, escape_pointer_segment};
use crate::values::{DateTime, Decimal, Duration, Money};

/// A type built from a tape [`Node`].
pub trait Decode: Sized {
    /// Builds the value from `node`.
    fn decode(node: Node<'_>) -> Result<Self, DecodeError>;
}

/// Why a node did not decode: where (a JSON pointer) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Path segments, innermost first (pushed while the error unwinds).
    segments: Vec<Segment>,
    message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

impl DecodeError {
    /// An error at the node being decoded.
    pub fn new(message: impl Into<String>) -> DecodeError {
        DecodeError {
            segments: Vec::new(),
            message: message.into(),
        }
    }

    /// An error saying what was expected and what `node` is.
    pub fn expected(what: &str, node: Node<'_>) -> DecodeError {
        if node.is_null() {
            DecodeError::new(format!("expected {what}, got null"))
        } else {
            DecodeError::new(format!(
                "expected {what}, got {} {}",
                node.type_name(),
                node.preview()
            ))
        }
    }

    /// The same error, one member (`key`) further out.
    pub fn in_member(mut self, key: &str) -> DecodeError {
        self.segments.push(Segment::Key(key.to_owned()));
        self
    }

    /// The same error, one item (`index`) further out.
    pub fn in_item(mut self, index: usize) -> DecodeError {
        self.segments.push(Segment::Index(index));
        self
    }

    /// Where: a JSON pointer from the decoded root (`""` for the root).
    pub fn path(&self) -> String {
        let mut out = String::new();
        for segment in self.segments.iter().rev() {
            out.push('/');
            match segment {
                Segment::Key(key) => out.push_str(&escape_pointer_segment(key)),
                Segment::Index(i) => out.push_str(&i.to_string()),
            }
        }
        out
    }

    /// A dispatch asked for a schema a generated `Event` does not have
    /// (a bug: the table and the enum are generated together).
    pub fn no_schema(event_type: usize, schema: usize) -> DecodeError {
        DecodeError::new(format!(
            "internal error: no schema {schema} of event type {event_type}"
        ))
    }

    /// Why.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.segments.is_empty() {
            write!(f, "at (root): {}", self.message)
        } else {
            write!(f, "at {}: {}", self.path(), self.message)
        }
    }
}

impl std::error::Error for DecodeError {}

impl Decode for bool {
    fn decode(node: Node<'_>) -> Result<bool, DecodeError> {
        node.as_bool()
            .ok_or_else(|| DecodeError::expected("a boolean", node))
    }
}

impl Decode for () {
    fn decode(node: Node<'_>) -> Result<(), DecodeError> {
        if node.is_null() {
            Ok(())
        } else {
            Err(DecodeError::expected("null", node))
        }
    }
}

/// 2^63 and 2^64 as floats (exact).
const TWO_63: f64 = 9_223_372_036_854_775_808.0;
const TWO_64: f64 = 18_446_744_073_709_551_616.0;

impl Decode for i64 {
    /// An integer that fits, `1.0` included (JSON Schema's `integer`).
    fn decode(node: Node<'_>) -> Result<i64, DecodeError> {
        if let Some(i) = node.as_i64() {
            return Ok(i);
        }
        match node.as_f64() {
            Some(f) if f.fract() == 0.0 && (-TWO_63..TWO_63).contains(&f) => Ok(f as i64),
            Some(_) if node.is_integer() => Err(DecodeError::new(format!(
                "integer {node} is out of range for a 64-bit signed integer"
            ))),
            _ => Err(DecodeError::expected("an integer", node)),
        }
    }
}

impl Decode for u64 {
    /// A non-negative integer that fits, `1.0` included.
    fn decode(node: Node<'_>) -> Result<u64, DecodeError> {
        if let Some(u) = node.as_u64() {
            return Ok(u);
        }
        match node.as_f64() {
            Some(f) if f.fract() == 0.0 && (0.0..TWO_64).contains(&f) => Ok(f as u64),
            Some(_) if node.is_integer() => Err(DecodeError::new(format!(
                "integer {node} is out of range for a 64-bit unsigned integer"
            ))),
            _ => Err(DecodeError::expected("an integer", node)),
        }
    }
}

impl Decode for f64 {
    fn decode(node: Node<'_>) -> Result<f64, DecodeError> {
        node.as_f64()
            .ok_or_else(|| DecodeError::expected("a number", node))
    }
}

impl Decode for Number {
    fn decode(node: Node<'_>) -> Result<Number, DecodeError> {
        node.as_number()
            .ok_or_else(|| DecodeError::expected("a number", node))
    }
}

impl Decode for String {
    fn decode(node: Node<'_>) -> Result<String, DecodeError> {
        string(node).map(str::to_owned)
    }
}

impl Decode for Value {
    fn decode(node: Node<'_>) -> Result<Value, DecodeError> {
        Ok(node.to_value())
    }
}

impl Decode for Map<String, Value> {
    fn decode(node: Node<'_>) -> Result<Map<String, Value>, DecodeError> {
        match node.to_value() {
            Value::Object(map) => Ok(map),
            _ => Err(DecodeError::expected("an object", node)),
        }
    }
}

impl<T: Decode> Decode for Option<T> {
    /// `null` is `None`; anything else `Some`.
    fn decode(node: Node<'_>) -> Result<Option<T>, DecodeError> {
        if node.is_null() {
            Ok(None)
        } else {
            T::decode(node).map(Some)
        }
    }
}

impl<T: Decode> Decode for Box<T> {
    fn decode(node: Node<'_>) -> Result<Box<T>, DecodeError> {
        T::decode(node).map(Box::new)
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(node: Node<'_>) -> Result<Vec<T>, DecodeError> {
        if node.kind() != Kind::Array {
            return Err(DecodeError::expected("an array", node));
        }
        let mut out = Vec::with_capacity(node.len());
        for (i, item) in node.items().enumerate() {
            out.push(T::decode(item).map_err(|e| e.in_item(i))?);
        }
        Ok(out)
    }
}

impl<T: Decode> Decode for BTreeMap<String, T> {
    fn decode(node: Node<'_>) -> Result<BTreeMap<String, T>, DecodeError> {
        if node.kind() != Kind::Object {
            return Err(DecodeError::expected("an object", node));
        }
        let mut out = BTreeMap::new();
        for (name, value) in node.members() {
            out.insert(
                name.to_owned(),
                T::decode(value).map_err(|e| e.in_member(name))?,
            );
        }
        Ok(out)
    }
}

/// The value types parse through the same function their format check
/// uses, so a string that passed the check decodes.
macro_rules! decode_by_parse {
    ($($ty:ty),*) => {$(
        impl Decode for $ty {
            fn decode(node: Node<'_>) -> Result<$ty, DecodeError> {
                <$ty>::parse(string(node)?).map_err(|e| DecodeError::new(e.to_string()))
            }
        }
    )*};
}

decode_by_parse!(DateTime, Duration, Decimal, Money);

impl Decode for uuid::Uuid {
    /// The hyphenated form in any case, exactly what the `uuid` format
    /// accepts (`uuid`'s own parser also takes braces, `urn:uuid:` and
    /// the simple form).
    fn decode(node: Node<'_>) -> Result<uuid::Uuid, DecodeError> {
        let text = string(node)?;
        if !crate::formats::Format::Uuid.check(text) {
            return Err(DecodeError::new(format!(
                "expected a hyphenated UUID, got {}",
                node.preview()
            )));
        }
        uuid::Uuid::parse_str(text).map_err(|e| DecodeError::new(e.to_string()))
    }
}

/// A type that is not generated (a `replace`d definition: the user's own
/// type), read from `node` through its serde `Deserialize`. The node was
/// validated against the schema already; serde only builds the value.
pub fn via_serde<T: serde::de::DeserializeOwned>(node: Node<'_>) -> Result<T, DecodeError> {
    serde_json::from_value(node.to_value()).map_err(|e| DecodeError::new(e.to_string()))
}

/// The string of a node (a string enum reads its variant from it).
pub fn string(node: Node<'_>) -> Result<&str, DecodeError> {
    node.as_str()
        .ok_or_else(|| DecodeError::expected("a string", node))
}

/// The string member `member` of an object: a tagged union's tag.
pub fn tag<'t>(node: Node<'t>, member: &str) -> Result<&'t str, DecodeError> {
    if node.kind() != Kind::Object {
        return Err(DecodeError::expected("an object", node));
    }
    let value = node
        .get(member)
        .ok_or_else(|| DecodeError::new(format!("missing member \"{member}\"")))?;
    string(value).map_err(|e| e.in_member(member))
}

/// The members of an object matched to a struct's fields once: see
/// [`fields`]. Reading a field gives `None` when it fails and keeps the
/// first failure for [`Fields::error`], so a generated `decode` reads every
/// field and builds the struct in one `match`, instead of returning early
/// from each (which made most of a large catalog's compiled code).
#[derive(Debug)]
pub struct Fields<'t, const N: usize> {
    node: Node<'t>,
    names: &'static [&'static str; N],
    slots: [Option<Node<'t>>; N],
    /// How many members matched a name.
    named: usize,
    /// The first failure.
    error: RefCell<Option<DecodeError>>,
}

/// Matches the members of the object `node` to `names` (a struct's fields
/// in declaration order), each member once: members usually come in that
/// order, so the name after the last match is tried first.
pub fn fields<'t, const N: usize>(
    node: Node<'t>,
    names: &'static [&'static str; N],
) -> Result<Fields<'t, N>, DecodeError> {
    if node.kind() != Kind::Object {
        return Err(DecodeError::expected("an object", node));
    }
    let mut slots = [None; N];
    let mut named = 0;
    let mut next = 0;
    for (name, value) in node.members() {
        let found = if names.get(next).is_some_and(|n| *n == name) {
            Some(next)
        } else {
            names.iter().position(|n| *n == name)
        };
        if let Some(i) = found {
            slots[i] = Some(value);
            named += 1;
            next = i + 1;
        }
    }
    Ok(Fields {
        node,
        names,
        slots,
        named,
        error: RefCell::new(None),
    })
}

impl<'t, const N: usize> Fields<'t, N> {
    fn slot(&self, i: usize) -> Result<(Option<Node<'t>>, &'static str), DecodeError> {
        match (self.slots.get(i), self.names.get(i)) {
            (Some(slot), Some(name)) => Ok((*slot, name)),
            _ => Err(DecodeError::new(format!(
                "no field {i} (the struct has {N})"
            ))),
        }
    }

    /// Keeps `result`'s value, or its error for [`Fields::error`].
    fn keep<T>(&self, result: Result<T, DecodeError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.error.borrow_mut().get_or_insert(e);
                None
            }
        }
    }

    fn read_required<T: Decode>(&self, i: usize) -> Result<T, DecodeError> {
        match self.slot(i)? {
            (Some(value), name) => T::decode(value).map_err(|e| e.in_member(name)),
            (None, name) => Err(DecodeError::new(format!("missing member \"{name}\""))),
        }
    }

    fn read_optional<T: Decode>(&self, i: usize) -> Result<Option<T>, DecodeError> {
        match self.slot(i)? {
            (Some(value), name) => T::decode(value).map(Some).map_err(|e| e.in_member(name)),
            (None, _) => Ok(None),
        }
    }

    /// Field `i`, which must be present; `None` when it is not or does not
    /// decode.
    pub fn required<T: Decode>(&self, i: usize) -> Option<T> {
        self.keep(self.read_required(i))
    }

    /// Field `i` (`None` when absent) in `Some`; `None` when it does not
    /// decode. `optional::<Option<T>>` reads an optional nullable field:
    /// absent `None`, `null` `Some(None)`.
    pub fn optional<T: Decode>(&self, i: usize) -> Option<Option<T>> {
        self.keep(self.read_optional(i))
    }

    /// [`Fields::required`] for a field whose type holds a replaced
    /// (user-provided) type, read through serde ([`via_serde`]).
    pub fn required_serde<T: serde::de::DeserializeOwned>(&self, i: usize) -> Option<T> {
        let read = match self.slot(i) {
            Ok((Some(value), name)) => via_serde(value).map_err(|e| e.in_member(name)),
            Ok((None, name)) => Err(DecodeError::new(format!("missing member \"{name}\""))),
            Err(e) => Err(e),
        };
        self.keep(read)
    }

    /// [`Fields::optional`] for a field whose type holds a replaced type.
    pub fn optional_serde<T: serde::de::DeserializeOwned>(&self, i: usize) -> Option<Option<T>> {
        let read = match self.slot(i) {
            Ok((Some(value), name)) => via_serde(value).map(Some).map_err(|e| e.in_member(name)),
            Ok((None, _)) => Ok(None),
            Err(e) => Err(e),
        };
        self.keep(read)
    }

    /// The members no field names, in payload order; `None` when one does
    /// not decode.
    pub fn extra<T: Decode>(&self) -> Option<BTreeMap<String, T>> {
        let mut out = BTreeMap::new();
        for (name, value) in self.others() {
            out.insert(
                name.to_owned(),
                self.keep(T::decode(value).map_err(|e| e.in_member(name)))?,
            );
        }
        Some(out)
    }

    /// The members no field names, as a JSON map (in payload order when
    /// serde_json keeps order).
    pub fn extra_map(&self) -> Option<Map<String, Value>> {
        Some(
            self.others()
                .map(|(name, value)| (name.to_owned(), value.to_value()))
                .collect(),
        )
    }

    /// The first failure of a field read (after one gave `None`).
    pub fn error(self) -> DecodeError {
        self.error
            .into_inner()
            .unwrap_or_else(|| DecodeError::new("a field did not decode"))
    }

    fn others(&self) -> impl Iterator<Item = (&'t str, Node<'t>)> + use<'t, N> {
        let names = self.names;
        let any = self.named < self.node.len();
        self.node
            .members()
            .filter(move |(name, _)| any && !names.contains(name))
    }
}

/// A generated `impl Deserialize`: reads any serde format into a
/// `serde_json::Value` (refusing a key given twice, which a `Value` would
/// silently keep the last of), validates it against node `node` of
/// `validator` (failing with the errors' text), then decodes it.
pub fn deserialize<'de, D, T>(
    deserializer: D,
    validator: &'static Embedded,
    node: NodeId,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Decode,
{
    use serde::de::{DeserializeSeed as _, Error as _};
    let value = StrictValue.deserialize(deserializer)?;
    let tape = Tape::from_value(&value);
    let validator = validator.get();
    if !validator.is_valid(node, tape.root())
        && let Err(errors) = validator.errors(node, tape.root())
    {
        return Err(D::Error::custom(errors));
    }
    T::decode(tape.root()).map_err(D::Error::custom)
}

/// Reads any serde value into a `serde_json::Value`, refusing an object
/// that has a key twice.
struct StrictValue;

impl<'de> serde::de::DeserializeSeed<'de> for StrictValue {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for StrictValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("a number JSON cannot hold"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        serde::de::DeserializeSeed::deserialize(self, d)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(item) = seq.next_element_seed(StrictValue)? {
            out.push(item);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(serde::de::Error::custom(format_args!(
                    "duplicate key \"{key}\" in an object"
                )));
            }
            let value = map.next_value_seed(StrictValue)?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}
