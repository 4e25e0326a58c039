//! The serializing half of the generated impls (reached as
//! `__private::ser`): a struct writes its fields in declaration order, an
//! absent optional field not at all, then its `extra` members.

use serde::Serializer;
use serde::ser::{Serialize, SerializeMap};

/// The members of a generated struct, for its `Serialize`: names and
/// values as trait objects, collected by one plain function per struct
/// ([`ToMembers`]). A `Serialize` impl is generic over the serializer, so
/// writing every field in it would compile each struct's code again for
/// every serializer used; this way each struct compiles one short
/// function, and [`serialize`] is the one generic part.
#[derive(Default)]
pub struct Members<'a> {
    list: Vec<(&'a str, &'a dyn erased_serde::Serialize)>,
}

impl std::fmt::Debug for Members<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.list.iter().map(|(k, _)| k))
            .finish()
    }
}

impl<'a> Members<'a> {
    /// Member `name`.
    pub fn field<T: Serialize>(&mut self, name: &'static str, value: &'a T) {
        self.list.push((name, value));
    }

    /// Member `name` when `value` is `Some` (an absent optional field
    /// writes nothing; `Some(None)` of a nullable one writes `null`).
    pub fn optional<T: Serialize>(&mut self, name: &'static str, value: &'a Option<T>) {
        if let Some(v) = value {
            self.list.push((name, v));
        }
    }

    /// The members of an `extra` map, in its order.
    pub fn extra<T: Serialize + 'a, I>(&mut self, members: I)
    where
        I: IntoIterator<Item = (&'a String, &'a T)>,
    {
        for (name, value) in members {
            self.list.push((name.as_str(), value));
        }
    }
}

/// What a generated struct implements for its `Serialize`: its members.
pub trait ToMembers {
    /// Adds every member to `m`, in declaration order, then the kept
    /// unknown ones.
    fn members<'a>(&'a self, m: &mut Members<'a>);
}

/// A generated struct's `Serialize`: its members as a JSON object.
pub fn serialize<T: ToMembers + ?Sized, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    let mut m = Members::default();
    value.members(&mut m);
    let mut map = s.serialize_map(Some(m.list.len()))?;
    for (name, value) in m.list {
        map.serialize_entry(name, value)?;
    }
    map.end()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeMap;

    use serde::{Serialize, Serializer};
    use serde_json::json;

    use super::{Members, ToMembers};

    /// What the generator writes for a struct.
    struct S {
        id: u32,
        name: Option<Option<String>>,
        note: Option<String>,
        extra: BTreeMap<String, i64>,
    }

    impl ToMembers for S {
        fn members<'a>(&'a self, m: &mut Members<'a>) {
            m.field("id", &self.id);
            m.optional("name", &self.name);
            m.optional("note", &self.note);
            m.extra(&self.extra);
        }
    }

    impl Serialize for S {
        fn serialize<Ser: Serializer>(&self, s: Ser) -> Result<Ser::Ok, Ser::Error> {
            super::serialize(self, s)
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
