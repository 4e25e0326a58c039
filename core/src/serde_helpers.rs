//! serde adapters used by generated structs.

/// `Option<Option<T>>` for a member that may be absent (`None`), `null`
/// (`Some(None)`) or a value (`Some(Some(v))`). Use with
/// `#[serde(default, skip_serializing_if = "Option::is_none", deserialize_with
/// = "…::deserialize")]` (serde already writes `Some(None)` as `null`), or with
/// `with = "…"`. Generated structs do the same in their own `Deserialize`.
pub mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Writes `null` for `Some(None)` and the value for `Some(Some(v))`.
    pub fn serialize<T: Serialize, S: Serializer>(
        value: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(Some(v)) => v.serialize(s),
            Some(None) | None => s.serialize_none(),
        }
    }

    /// A present member becomes `Some(..)`; absence is the field's default.
    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use serde_json::json;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct S {
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "super::double_option"
        )]
        x: Option<Option<u8>>,
        // The form generated structs use.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "super::double_option::deserialize"
        )]
        y: Option<Option<u8>>,
    }

    #[test]
    fn absent_null_and_value_stay_apart() {
        for (v, s) in [
            (json!({}), S { x: None, y: None }),
            (
                json!({"x": null, "y": null}),
                S {
                    x: Some(None),
                    y: Some(None),
                },
            ),
            (
                json!({"x": 3, "y": 4}),
                S {
                    x: Some(Some(3)),
                    y: Some(Some(4)),
                },
            ),
        ] {
            let parsed: S = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(parsed, s);
            assert_eq!(serde_json::to_value(&parsed).unwrap(), v);
        }
    }
}
