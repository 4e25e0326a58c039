//! What a Rust integer can hold, stated in the schema. JSON Schema's
//! `integer` has no bounds (`1e30` is an integer), while generated code
//! reads an `integer` member into an `i64`, or a `u64` when its `minimum`
//! is at least 0. So every `integer` schema gets the bounds of its Rust
//! type, in the effective schema itself: the validators every path runs
//! (bindings, CLI) enforce them, `eventsmith export` writes them for other
//! languages, and a payload the Rust type could not hold is invalid with
//! the usual error, never a decoding failure.
//!
//! An author's own bound is never rewritten: a missing one is added beside
//! the others (`minimum`/`maximum`); one looser than the Rust type allows
//! gets the type's bound in an `allOf` member added next to it.

use serde_json::{Map, Value};

use super::registry::{Loc, Registry};
use crate::keywords::{Draft, for_each_subschema_mut};

/// Adds the bounds of `i64`/`u64` to every `integer` schema of every
/// document in `reg`.
pub fn bound_integers(reg: &mut Registry) {
    for id in 0..reg.len() {
        let draft = reg.draft(&Loc {
            doc: id,
            pointer: String::new(),
        });
        // In place: bounds beside `type` leave the index as it is; only an
        // added `allOf` member is a new subschema to index.
        if reg.edit_value(id, |value| bound(value, draft)) == Change::Subschemas {
            reg.reindex_doc(id);
        }
    }
}

/// What bounding a schema changed, least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Change {
    None,
    /// Keywords added beside others, no new subschema.
    Keywords,
    /// An `allOf` member added.
    Subschemas,
}

/// Bounds `schema` and its subschemas.
fn bound(schema: &mut Value, draft: Draft) -> Change {
    let Value::Object(obj) = schema else {
        return Change::None;
    };
    let mut change = Change::None;
    for_each_subschema_mut(obj, draft, &mut |sub| {
        change = change.max(bound(sub, draft))
    });
    change.max(bound_one(obj, draft))
}

/// The Rust type an `integer` schema gets: `u64` when its `minimum` is at
/// least 0 (the type IR's rule), else `i64`.
fn non_negative(obj: &Map<String, Value>) -> bool {
    obj.get("minimum")
        .and_then(Value::as_f64)
        .is_some_and(|m| m >= 0.0)
}

fn is_integer_schema(obj: &Map<String, Value>) -> bool {
    match obj.get("type") {
        Some(Value::String(t)) => t == "integer",
        Some(Value::Array(ts)) => {
            let names: Vec<&str> = ts.iter().filter_map(Value::as_str).collect();
            names.contains(&"integer") && names.iter().all(|t| matches!(*t, "integer" | "null"))
        }
        _ => false,
    }
}

fn bound_one(obj: &mut Map<String, Value>, draft: Draft) -> Change {
    // Before 2019-09 a `$ref` hides its siblings: leave such schemas be.
    if !is_integer_schema(obj) || (draft.ref_overrides_siblings() && obj.contains_key("$ref")) {
        return Change::None;
    }
    let (low, high) = if non_negative(obj) {
        (Value::from(0_u64), Value::from(u64::MAX))
    } else {
        (
            Value::from(i64::MIN),
            Value::from(u64::try_from(i64::MAX).unwrap_or(u64::MAX)),
        )
    };
    let mut extra = Map::new();
    let mut change = Change::None;
    // Draft-04 writes exclusive bounds as booleans beside `minimum`/`maximum`.
    let numeric = |v: Option<&Value>| v.and_then(Value::as_f64);
    for (bound, exclusive, limit, looser) in [
        (
            "minimum",
            "exclusiveMinimum",
            &low,
            f64::lt as fn(&f64, &f64) -> bool,
        ),
        ("maximum", "exclusiveMaximum", &high, f64::gt),
    ] {
        let own = numeric(obj.get(bound)).or_else(|| numeric(obj.get(exclusive)));
        match own {
            None if !obj.contains_key(bound) && !obj.contains_key(exclusive) => {
                obj.insert(bound.to_owned(), limit.clone());
                change = Change::Keywords;
            }
            Some(own) if looser(&own, &limit.as_f64().unwrap_or(0.0)) => {
                extra.insert(bound.to_owned(), limit.clone());
            }
            _ => {}
        }
    }
    if !extra.is_empty() {
        let all_of = obj
            .entry("allOf")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(members) = all_of {
            members.push(Value::Object(extra));
            change = Change::Subschemas;
        }
    }
    change
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn bounded(mut schema: Value) -> Value {
        bound(&mut schema, Draft::Draft2020_12);
        schema
    }

    #[test]
    fn integers_get_the_bounds_of_their_rust_type() {
        assert_eq!(
            bounded(json!({"type": "integer"})),
            json!({"type": "integer", "minimum": i64::MIN, "maximum": i64::MAX})
        );
        assert_eq!(
            bounded(json!({"type": ["integer", "null"], "minimum": 0})),
            json!({"type": ["integer", "null"], "minimum": 0, "maximum": u64::MAX})
        );
        // Nested, and an author's tighter bound stays alone.
        assert_eq!(
            bounded(json!({"properties": {"n": {"type": "integer", "maximum": 10}}})),
            json!({"properties": {"n": {"type": "integer", "maximum": 10, "minimum": i64::MIN}}})
        );
        // A looser bound is kept, the type's added in an `allOf` member.
        assert_eq!(
            bounded(json!({"type": "integer", "minimum": -1e30, "maximum": 5})),
            json!({"type": "integer", "minimum": -1e30, "maximum": 5, "allOf": [{"minimum": i64::MIN}]})
        );
        // Numbers and mixed types are not integers.
        for schema in [
            json!({"type": "number"}),
            json!({"type": ["integer", "string"]}),
        ] {
            assert_eq!(bounded(schema.clone()), schema);
        }
        // Exclusive bounds count as bounds.
        assert_eq!(
            bounded(json!({"type": "integer", "exclusiveMinimum": 0})),
            json!({"type": "integer", "exclusiveMinimum": 0, "maximum": i64::MAX})
        );
    }
}
