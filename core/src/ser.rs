//! The serializing half of the generated impls (reached as
//! `__private::ser`): a struct writes its fields in declaration order, an
//! absent optional field not at all, then its `extra` members.

use serde::Serializer;
use serde::ser::{Serialize, SerializeMap};

/// A struct being written as a JSON object: what a generated `Serialize`
/// calls, a line per field.
#[derive(Debug)]
pub struct Struct<M> {
    map: M,
}

impl<M: SerializeMap> Struct<M> {
    /// Starts the object.
    pub fn begin<S: Serializer<SerializeMap = M, Error = M::Error>>(
        s: S,
    ) -> Result<Self, M::Error> {
        Ok(Struct {
            map: s.serialize_map(None)?,
        })
    }

    /// Writes member `name`.
    pub fn field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        field(&mut self.map, name, value)
    }

    /// Writes member `name` when `value` is `Some` (an absent optional
    /// field writes nothing; `Some(None)` of a nullable one writes `null`).
    pub fn optional<T: Serialize>(
        &mut self,
        name: &'static str,
        value: &Option<T>,
    ) -> Result<(), M::Error> {
        optional(&mut self.map, name, value)
    }

    /// Writes the members of an `extra` map, in its order.
    pub fn extra<'a, T, I>(&mut self, members: I) -> Result<(), M::Error>
    where
        T: Serialize + 'a,
        I: IntoIterator<Item = (&'a String, &'a T)>,
    {
        extra(&mut self.map, members)
    }

    /// Ends the object.
    pub fn end(self) -> Result<M::Ok, M::Error> {
        self.map.end()
    }
}

/// Writes member `name`.
pub fn field<M: SerializeMap, T: Serialize + ?Sized>(
    map: &mut M,
    name: &'static str,
    value: &T,
) -> Result<(), M::Error> {
    map.serialize_entry(name, value)
}

/// Writes member `name` when `value` is `Some` (an absent optional field
/// writes nothing; `Some(None)` of a nullable one writes `null`).
pub fn optional<M: SerializeMap, T: Serialize>(
    map: &mut M,
    name: &'static str,
    value: &Option<T>,
) -> Result<(), M::Error> {
    match value {
        Some(v) => map.serialize_entry(name, v),
        None => Ok(()),
    }
}

/// Writes the members of an `extra` map, in its order.
pub fn extra<'a, M, T, I>(map: &mut M, extra: I) -> Result<(), M::Error>
where
    M: SerializeMap,
    T: Serialize + 'a,
    I: IntoIterator<Item = (&'a String, &'a T)>,
{
    for (name, value) in extra {
        map.serialize_entry(name, value)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeMap;

    use serde::{Serialize, Serializer};
    use serde_json::json;

    struct S {
        id: u32,
        name: Option<Option<String>>,
        note: Option<String>,
        extra: BTreeMap<String, i64>,
    }

    impl Serialize for S {
        fn serialize<Ser: Serializer>(&self, s: Ser) -> Result<Ser::Ok, Ser::Error> {
            use serde::ser::SerializeMap as _;
            let mut map = s.serialize_map(None)?;
            super::field(&mut map, "id", &self.id)?;
            super::optional(&mut map, "name", &self.name)?;
            super::optional(&mut map, "note", &self.note)?;
            super::extra(&mut map, &self.extra)?;
            map.end()
        }
    }

    #[test]
    fn fields_in_order_absent_ones_left_out_then_extra_members() {
        let mut s = S {
            id: 1,
            name: None,
            note: None,
            extra: BTreeMap::from([("b".into(), 2), ("a".into(), 1)]),
        };
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"id":1,"a":1,"b":2}"#
        );
        s.name = Some(None);
        s.note = Some("n".into());
        assert_eq!(
            serde_json::to_value(&s).unwrap(),
            json!({"id": 1, "name": null, "note": "n", "a": 1, "b": 2})
        );
        s.name = Some(Some("x".into()));
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"id":1,"name":"x","note":"n","a":1,"b":2}"#
        );
    }
}
