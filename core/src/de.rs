//! The shared half of the `Deserialize` impls the generator writes for
//! structs and string enums (reached as `__private::de`; the `Serialize`
//! side is `__private::ser`).
//!
//! serde's derive would do the same job, but a struct that keeps unknown
//! members in a `#[serde(flatten)]` map makes it buffer every member and
//! emit that buffering code again for each struct: half of a large catalog's
//! expanded code, and a slower decode. The generated impls keep only what
//! differs between structs (the member names and one local per field) and
//! call these helpers for the rest.
//!
//! What a generated struct's `Deserialize` does, like serde's derive:
//! - members are matched by name ([`Key`]), without allocating for the names
//!   the struct knows;
//! - a member that comes twice fails with `duplicate field `x`` ([`slot`]);
//! - an absent member fails with `missing field `x``, except for a field whose
//!   type is an `Option`, which becomes `None` ([`present`]);
//! - other members go into the struct's `extra` map ([`keep`]), or are
//!   skipped when it has none ([`skip`]);
//! - anything but an object fails with `invalid type: …, expected struct X`.
//!
//! Every field is read through [`Strict`]: maps (`serde_json::Value`,
//! `serde_json::Map`, `BTreeMap`) refuse a key that comes twice instead of
//! keeping the last, and an optional field that is not nullable refuses
//! `null` ([`slot_some`]), so a decoded value says exactly what the JSON said.
//! Inside [`strictly`] (the one-pass decode of `event::from_slice`) reading
//! also refuses what would otherwise be dropped or normalised: a member a
//! struct without `extra` map does not name, a UUID not in its canonical
//! lower-case hyphenated form. Then the decoded value serializes back to JSON
//! equal to its input, and validating the value is validating the input.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// A member name read by [`KeySeed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// The index of a name the struct knows.
    Field(usize),
    /// A name it does not know, kept for its `extra` map.
    Other(String),
    /// A name it does not know, not kept (a struct without an `extra` map).
    Ignored,
}

/// Reads a member name and looks it up in `fields`; only an unknown name of
/// a struct that keeps unknown members is allocated. One seed reads all the
/// names of an object (`map.next_key_seed(&keys)`): members mostly come in
/// the schema's order, so each lookup first tries the name after the last
/// one found.
#[derive(Debug, Clone)]
pub struct KeySeed {
    fields: &'static [&'static str],
    keep_others: bool,
    /// Where the next lookup starts.
    next: Cell<usize>,
}

impl KeySeed {
    /// For a struct with an `extra` map: unknown names come back as [`Key::Other`].
    pub const fn keeping(fields: &'static [&'static str]) -> KeySeed {
        KeySeed {
            fields,
            keep_others: true,
            next: Cell::new(0),
        }
    }

    /// For a struct without one: unknown names come back as [`Key::Ignored`].
    pub const fn ignoring(fields: &'static [&'static str]) -> KeySeed {
        KeySeed {
            fields,
            keep_others: false,
            next: Cell::new(0),
        }
    }

    /// The index of `name` in `fields` (names are unique there, so trying
    /// the expected one first changes only the cost).
    fn find(&self, name: &str) -> Option<usize> {
        let next = self.next.get();
        let i = if self.fields.get(next).is_some_and(|f| *f == name) {
            next
        } else {
            self.fields.iter().position(|f| *f == name)?
        };
        self.next.set(i + 1);
        Some(i)
    }
}

impl<'de> DeserializeSeed<'de> for &KeySeed {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for &KeySeed {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Key, E> {
        Ok(match self.find(name) {
            Some(i) => Key::Field(i),
            None if self.keep_others => Key::Other(name.to_owned()),
            None => Key::Ignored,
        })
    }

    fn visit_string<E: de::Error>(self, name: String) -> Result<Key, E> {
        Ok(match self.find(&name) {
            Some(i) => Key::Field(i),
            None if self.keep_others => Key::Other(name),
            None => Key::Ignored,
        })
    }

    fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<Key, E> {
        match std::str::from_utf8(name) {
            Ok(name) => self.visit_str(name),
            Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(name), &self)),
        }
    }
}

/// Reads the current member's value into `slot`; fails with
/// `duplicate field `name`` when the member came before.
pub fn slot<'de, A: MapAccess<'de>, T: Strict<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value_seed(StrictSeed::new())?);
    Ok(())
}

/// [`slot`] for an optional field that is not nullable (its type is
/// `Option<T>`): the value is read as a `T`, so `null` fails instead of
/// reading as absent.
pub fn slot_some<'de, A: MapAccess<'de>, T: Strict<'de>>(
    map: &mut A,
    slot: &mut Option<Option<T>>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(Some(map.next_value_seed(StrictSeed::new())?));
    Ok(())
}

/// A struct's map of unknown members: a `serde_json::Map` or a `BTreeMap`.
pub trait ExtraMap<T> {
    /// Inserts `value` under `name`; false when `name` was there already.
    fn insert_new(&mut self, name: String, value: T) -> bool;
}

impl ExtraMap<Value> for Map<String, Value> {
    fn insert_new(&mut self, name: String, value: Value) -> bool {
        match self.entry(name) {
            serde_json::map::Entry::Occupied(_) => false,
            serde_json::map::Entry::Vacant(slot) => {
                slot.insert(value);
                true
            }
        }
    }
}

impl<T> ExtraMap<T> for BTreeMap<String, T> {
    fn insert_new(&mut self, name: String, value: T) -> bool {
        match self.entry(name) {
            std::collections::btree_map::Entry::Occupied(_) => false,
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(value);
                true
            }
        }
    }
}

/// Reads the current member's value into the `extra` map under `key`; a
/// name that comes twice fails with `duplicate field `x``. A
/// [`Key::Ignored`] or [`Key::Field`] (not produced by [`KeySeed::keeping`]
/// for unknown names) only skips the value.
pub fn keep<'de, A, T, M>(map: &mut A, extra: &mut M, key: Key) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Strict<'de>,
    M: ExtraMap<T>,
{
    match key {
        Key::Other(name) => {
            let value = map.next_value_seed(StrictSeed::<T>::new())?;
            if extra.insert_new(name, value) {
                Ok(())
            } else {
                Err(de::Error::custom("duplicate field in the unknown members"))
            }
        }
        Key::Field(_) | Key::Ignored => skip(map),
    }
}

/// Skips the current member's value (a member a struct without `extra` map
/// does not name); inside [`strictly`] that fails instead, since the
/// decoded value would no longer say the member was there.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    if is_strict() {
        return Err(de::Error::custom("a member the struct does not name"));
    }
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// The value of a field after the last member: the one read, or, for an
/// absent member, `None` when the field is an `Option` and the error
/// `missing field `name`` otherwise (serde derive's rule).
pub fn present<'de, T: de::Deserialize<'de>, E: de::Error>(
    slot: Option<T>,
    name: &'static str,
) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None => T::deserialize(Missing(name, PhantomData)),
    }
}

/// The value of a required field after the last member: the one read, or
/// `missing field `name`` (also for a nullable one: absent is not `null`).
pub fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// A deserializer for an absent member: an `Option` reads it as `None`,
/// every other type fails with `missing field`.
struct Missing<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// Deserializes a string enum: `known` maps the values the schema lists,
/// `unknown` keeps any other string (without copying it again when the
/// deserializer hands over an owned `String`).
pub fn string_enum<'de, D: Deserializer<'de>, T>(
    d: D,
    known: fn(&str) -> Option<T>,
    unknown: fn(String) -> T,
) -> Result<T, D::Error> {
    d.deserialize_str(StrVisitor { known, unknown })
}

struct StrVisitor<T> {
    known: fn(&str) -> Option<T>,
    unknown: fn(String) -> T,
}

impl<T> Visitor<'_> for StrVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<T, E> {
        Ok((self.known)(s).unwrap_or_else(|| (self.unknown)(s.to_owned())))
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<T, E> {
        Ok(match (self.known)(&s) {
            Some(v) => v,
            None => (self.unknown)(s),
        })
    }
}

thread_local! {
    static STRICT: Cell<bool> = const { Cell::new(false) };
    /// How many levels a `serde_json::Value` read by [`Strict`] may nest.
    static VALUE_LEVELS: Cell<usize> = const { Cell::new(usize::MAX) };
}

/// Whether this thread is inside [`strictly`].
fn is_strict() -> bool {
    STRICT.with(Cell::get)
}

/// Runs `f` (a deserialization) in strict mode: members a struct would drop
/// and UUIDs it would normalise fail instead (see the module docs), so the
/// result is either exact or an error. The mode is per thread and restored
/// afterwards, also when `f` panics.
pub fn strictly<T>(f: impl FnOnce() -> T) -> T {
    strictly_within(usize::MAX, f)
}

/// [`strictly`], with every `serde_json::Value` read on the way limited to
/// `value_levels` levels of nesting (exceeding it fails): how a decode
/// bounds the depth of a payload whose type bounds the rest (see
/// `event::Depth`) without a separate pass.
pub fn strictly_within<T>(value_levels: usize, f: impl FnOnce() -> T) -> T {
    struct Restore(bool, usize);
    impl Drop for Restore {
        fn drop(&mut self) {
            STRICT.with(|s| s.set(self.0));
            VALUE_LEVELS.with(|l| l.set(self.1));
        }
    }
    let _restore = Restore(
        STRICT.with(|s| s.replace(true)),
        VALUE_LEVELS.with(|l| l.replace(value_levels)),
    );
    f()
}

fn value_seed() -> crate::json::ValueSeed {
    crate::json::ValueSeed::within(VALUE_LEVELS.with(Cell::get))
}

/// How a field's type is read: like its `Deserialize`, except that maps
/// refuse duplicate keys and, inside [`strictly`], UUIDs must be canonical.
/// Implemented for the types generated fields use; every generated type
/// implements it through its own (already strict) `Deserialize`.
pub trait Strict<'de>: Sized {
    /// Reads a value.
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

/// [`Strict::read`] as a seed.
#[derive(Debug)]
pub struct StrictSeed<T>(PhantomData<T>);

impl<T> StrictSeed<T> {
    /// The seed.
    pub const fn new() -> Self {
        StrictSeed(PhantomData)
    }
}

impl<T> Default for StrictSeed<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'de, T: Strict<'de>> DeserializeSeed<'de> for StrictSeed<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::read(d)
    }
}

macro_rules! strict_as_deserialize {
    ($($ty:ty),*) => {
        $(impl<'de> Strict<'de> for $ty {
            fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <$ty as de::Deserialize<'de>>::deserialize(d)
            }
        })*
    };
}

strict_as_deserialize!(
    bool,
    i64,
    u64,
    (),
    String,
    serde_json::Number,
    crate::values::DateTime,
    crate::values::Duration,
    crate::values::Decimal,
    crate::values::Money
);

impl<'de> Strict<'de> for uuid::Uuid {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if !is_strict() {
            return <uuid::Uuid as de::Deserialize<'de>>::deserialize(d);
        }
        struct Canonical;
        impl Visitor<'_> for Canonical {
            type Value = uuid::Uuid;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a UUID in lower-case hyphenated form")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<uuid::Uuid, E> {
                match uuid::Uuid::try_parse(s) {
                    Ok(u)
                        if *u
                            .hyphenated()
                            .encode_lower(&mut uuid::Uuid::encode_buffer())
                            == *s =>
                    {
                        Ok(u)
                    }
                    _ => Err(E::invalid_value(de::Unexpected::Str(s), &self)),
                }
            }
        }
        d.deserialize_str(Canonical)
    }
}

impl<'de> Strict<'de> for Value {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        value_seed().deserialize(d)
    }
}

impl<'de> Strict<'de> for Map<String, Value> {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match value_seed().deserialize(d)? {
            Value::Object(map) => Ok(map),
            other => Err(de::Error::invalid_type(
                unexpected(&other),
                &"a JSON object",
            )),
        }
    }
}

fn unexpected(v: &Value) -> de::Unexpected<'_> {
    match v {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(_) => de::Unexpected::Other("number"),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

impl<'de, T: Strict<'de>> Strict<'de> for Option<T> {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct OptionVisitor<T>(PhantomData<T>);
        impl<'de, T: Strict<'de>> Visitor<'de> for OptionVisitor<T> {
            type Value = Option<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value or null")
            }
            fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
                T::read(d).map(Some)
            }
        }
        d.deserialize_option(OptionVisitor(PhantomData))
    }
}

impl<'de, T: Strict<'de>> Strict<'de> for Box<T> {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::read(d).map(Box::new)
    }
}

impl<'de, T: Strict<'de>> Strict<'de> for Vec<T> {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct VecVisitor<T>(PhantomData<T>);
        impl<'de, T: Strict<'de>> Visitor<'de> for VecVisitor<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(item) = seq.next_element_seed(StrictSeed::<T>::new())? {
                    out.push(item);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(VecVisitor(PhantomData))
    }
}

impl<'de, T: Strict<'de>> Strict<'de> for BTreeMap<String, T> {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MapVisitor<T>(PhantomData<T>);
        impl<'de, T: Strict<'de>> Visitor<'de> for MapVisitor<T> {
            type Value = BTreeMap<String, T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(name) = map.next_key::<String>()? {
                    let value = map.next_value_seed(StrictSeed::<T>::new())?;
                    if !out.insert_new(name, value) {
                        return Err(de::Error::custom("duplicate key in an object"));
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(MapVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::collections::BTreeMap;

    use serde::de::value::{BorrowedStrDeserializer, Error, StrDeserializer, StringDeserializer};
    use serde::{Deserialize, Deserializer};
    use serde_json::json;

    use super::*;

    const FIELDS: &[&str] = &["id", "name"];

    /// What the generator writes for a struct with an `extra` map of
    /// integers: a required `id`, an optional nullable `name`.
    #[derive(Debug, PartialEq)]
    struct S {
        id: u64,
        name: Option<Option<String>>,
        extra: BTreeMap<String, i64>,
    }

    impl<'de> Deserialize<'de> for S {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct SVisitor;
            impl<'de> Visitor<'de> for SVisitor {
                type Value = S;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("struct S")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<S, A::Error> {
                    let mut id = None;
                    let mut name = None;
                    let mut extra = BTreeMap::new();
                    let keys = KeySeed::keeping(FIELDS);
                    while let Some(key) = map.next_key_seed(&keys)? {
                        match key {
                            Key::Field(0) => slot(&mut map, &mut id, "id")?,
                            Key::Field(1) => slot(&mut map, &mut name, "name")?,
                            key => keep(&mut map, &mut extra, key)?,
                        }
                    }
                    Ok(S {
                        id: present(id, "id")?,
                        name,
                        extra,
                    })
                }
            }
            d.deserialize_map(SVisitor)
        }
    }

    fn key(seed: &KeySeed, d: impl Deserializer<'static, Error = Error>) -> Key {
        seed.deserialize(d).unwrap()
    }

    #[test]
    fn keys_are_looked_up_from_borrowed_transient_and_owned_names() {
        let keeping = KeySeed::keeping(FIELDS);
        assert_eq!(key(&keeping, StrDeserializer::new("name")), Key::Field(1));
        assert_eq!(
            key(&keeping, BorrowedStrDeserializer::new("id")),
            Key::Field(0)
        );
        assert_eq!(
            key(&keeping, StringDeserializer::new("id".to_owned())),
            Key::Field(0)
        );
        assert_eq!(
            key(&keeping, StringDeserializer::new("other".to_owned())),
            Key::Other("other".into())
        );
        assert_eq!(
            key(&keeping, StrDeserializer::new("ID")),
            Key::Other("ID".into())
        );
        let ignoring = KeySeed::ignoring(FIELDS);
        assert_eq!(key(&ignoring, StrDeserializer::new("other")), Key::Ignored);
        assert_eq!(key(&ignoring, StrDeserializer::new("name")), Key::Field(1));
        // Lookups try the name after the last one found first: any order
        // finds every name.
        let seed = KeySeed::ignoring(&["a", "b", "c", "d"]);
        for (name, i) in [("c", 2), ("d", 3), ("a", 0), ("d", 3), ("b", 1), ("b", 1)] {
            assert_eq!(key(&seed, StrDeserializer::new(name)), Key::Field(i));
        }
        assert_eq!(key(&seed, StrDeserializer::new("e")), Key::Ignored);
        assert_eq!(key(&seed, StrDeserializer::new("a")), Key::Field(0));
    }

    #[test]
    fn a_struct_reads_fields_and_keeps_typed_unknown_members() {
        let s: S = serde_json::from_str(r#"{"b": 2, "id": 7, "a": 1}"#).unwrap();
        assert_eq!(
            s,
            S {
                id: 7,
                name: None,
                extra: BTreeMap::from([("a".into(), 1), ("b".into(), 2)])
            }
        );
        // An unknown member must have the extra map's value type.
        let e = serde_json::from_str::<S>(r#"{"id": 7, "a": "x"}"#).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("invalid type: string \"x\", expected i64"),
            "{e}"
        );
    }

    #[test]
    fn escaped_member_names_match_their_fields() {
        let s: S = serde_json::from_str(r#"{"\u0069d": 7, "n\u0061me": "x"}"#).unwrap();
        assert_eq!((s.id, s.name), (7, Some(Some("x".into()))));
    }

    #[test]
    fn absent_null_and_value_of_an_optional_nullable_field_stay_apart() {
        for (v, name) in [
            (json!({"id": 1}), None),
            (json!({"id": 1, "name": null}), Some(None)),
            (json!({"id": 1, "name": "x"}), Some(Some("x".to_owned()))),
        ] {
            assert_eq!(S::deserialize(&v).unwrap().name, name, "{v}");
            assert_eq!(serde_json::from_value::<S>(v.clone()).unwrap().name, name);
        }
    }

    #[test]
    fn errors_read_like_serde_derives() {
        let err = |text: &str| serde_json::from_str::<S>(text).unwrap_err().to_string();
        assert_eq!(
            err(r#"{"name": null}"#),
            "missing field `id` at line 1 column 14"
        );
        assert_eq!(
            err(r#"{"id": 1, "id": 2}"#),
            "duplicate field `id` at line 1 column 14"
        );
        assert_eq!(
            err("[1]"),
            "invalid type: sequence, expected struct S at line 1 column 0"
        );
        assert_eq!(
            err(r#""id""#),
            "invalid type: string \"id\", expected struct S at line 1 column 4"
        );
        assert_eq!(
            err(r#"{"id": -1}"#),
            "invalid value: integer `-1`, expected u64 at line 1 column 9"
        );
    }

    #[test]
    fn an_absent_member_is_none_for_an_option_and_missing_otherwise() {
        assert_eq!(present::<Option<u8>, Error>(None, "x").unwrap(), None);
        assert_eq!(
            present::<Option<u8>, Error>(Some(Some(1)), "x").unwrap(),
            Some(1)
        );
        assert_eq!(present::<u8, Error>(Some(1), "x").unwrap(), 1);
        let e = present::<u8, Error>(None, "x").unwrap_err();
        assert_eq!(e.to_string(), "missing field `x`");
        let e = present::<serde_json::Value, Error>(None, "x").unwrap_err();
        assert_eq!(e.to_string(), "missing field `x`");
    }

    #[test]
    fn ignored_members_are_skipped_whatever_their_shape() {
        #[derive(Debug, PartialEq)]
        struct Closed(u64);
        impl<'de> Deserialize<'de> for Closed {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Closed;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("struct Closed")
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Closed, A::Error> {
                        let mut id = None;
                        let keys = KeySeed::ignoring(&["id"]);
                        while let Some(key) = map.next_key_seed(&keys)? {
                            match key {
                                Key::Field(0) => slot(&mut map, &mut id, "id")?,
                                _ => skip(&mut map)?,
                            }
                        }
                        Ok(Closed(present(id, "id")?))
                    }
                }
                d.deserialize_map(V)
            }
        }
        let c: Closed =
            serde_json::from_str(r#"{"x": {"deep": [1, {"y": null}]}, "id": 3, "z": "s"}"#)
                .unwrap();
        assert_eq!(c, Closed(3));
        // Strictly, a member the struct would drop is an error.
        let e = strictly(|| serde_json::from_str::<Closed>(r#"{"id": 3, "z": 1}"#)).unwrap_err();
        assert!(e.to_string().contains("does not name"), "{e}");
        // And the mode ends with the call.
        assert!(serde_json::from_str::<Closed>(r#"{"id": 3, "z": 1}"#).is_ok());
    }

    #[test]
    fn duplicate_keys_fail_everywhere() {
        let e = serde_json::from_str::<S>(r#"{"id": 1, "a": 1, "a": 2}"#).unwrap_err();
        assert!(e.to_string().contains("duplicate field"), "{e}");
        let read = |text: &str| Value::read(&mut serde_json::Deserializer::from_str(text));
        let e = read(r#"{"x": [{"k": 1, "k": 2}]}"#).unwrap_err();
        assert!(e.to_string().contains("duplicate key `k`"), "{e}");
        assert_eq!(
            read(r#"{"x": [{"k": 1}]}"#).unwrap(),
            json!({"x": [{"k": 1}]})
        );
        let e = BTreeMap::<String, Vec<u64>>::read(&mut serde_json::Deserializer::from_str(
            r#"{"a": [1], "a": []}"#,
        ))
        .unwrap_err();
        assert!(e.to_string().contains("duplicate key"), "{e}");
    }

    #[test]
    fn uuids_are_canonical_only_strictly() {
        let upper = r#""2EB8AA08-AA98-11EA-B4AA-73B441D16380""#;
        let read = |text: &str| uuid::Uuid::read(&mut serde_json::Deserializer::from_str(text));
        assert!(read(upper).is_ok());
        assert!(strictly(|| read(upper)).is_err());
        assert!(strictly(|| read(r#""{2eb8aa08-aa98-11ea-b4aa-73b441d16380}""#)).is_err());
        let lower = r#""2eb8aa08-aa98-11ea-b4aa-73b441d16380""#;
        assert_eq!(strictly(|| read(lower)).unwrap(), read(upper).unwrap());
    }

    #[test]
    fn an_optional_field_that_is_not_nullable_refuses_null() {
        fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Option<u64>, A::Error> {
            let mut x = None;
            while map.next_key::<String>()?.is_some() {
                slot_some(&mut map, &mut x, "x")?;
            }
            present(x, "x")
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Option<u64>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<u64>, A::Error> {
                read(map)
            }
        }
        let parse = |t: &str| serde_json::Deserializer::from_str(t).deserialize_map(V);
        assert_eq!(parse(r#"{"x": 2}"#).unwrap(), Some(2));
        assert_eq!(parse("{}").unwrap(), None);
        assert!(parse(r#"{"x": null}"#).is_err());
    }

    #[derive(Debug, PartialEq)]
    enum Color {
        Red,
        Unknown(String),
    }

    fn color<'de, D: Deserializer<'de>>(d: D) -> Result<Color, D::Error> {
        string_enum(d, |s| (s == "red").then_some(Color::Red), Color::Unknown)
    }

    #[test]
    fn string_enums_match_known_values_and_keep_others() {
        assert_eq!(color(&json!("red")).unwrap(), Color::Red);
        assert_eq!(color(json!("red")).unwrap(), Color::Red);
        assert_eq!(color(json!("blue")).unwrap(), Color::Unknown("blue".into()));
        assert_eq!(
            color(&mut serde_json::Deserializer::from_str(r#""bl\u0075e""#)).unwrap(),
            Color::Unknown("blue".into())
        );
        assert_eq!(
            color(json!(3)).unwrap_err().to_string(),
            "invalid type: integer `3`, expected a string"
        );
    }
}
