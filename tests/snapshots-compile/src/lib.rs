//! The codegen snapshot fixtures, compiled. See codegen/tests/snapshots.rs.

/// `codegen/tests/snapshots/shapes`.
pub mod shapes {
    include!(concat!(env!("OUT_DIR"), "/shapes.rs"));
}

/// `codegen/tests/snapshots/shapes` with `Config::json_schema(true)`.
pub mod shapes_json_schema {
    include!(concat!(env!("OUT_DIR"), "/shapes_json_schema.rs"));
}

/// `codegen/tests/snapshots/versions`.
pub mod versions {
    include!(concat!(env!("OUT_DIR"), "/versions.rs"));
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use eventsmith::Schema;
    use serde_json::json;

    use super::shapes::demo::thing;
    use super::versions::shop;

    fn example() -> serde_json::Value {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../codegen/tests/snapshots/shapes/schemas/demo/thing/examples/1.0.0.json"
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn the_shapes_example_decodes_into_the_expected_rust_types() {
        let t = thing::V1_0_0::from_value(example()).unwrap();
        assert_eq!(t.id, 1u64);
        assert_eq!(t.price.amount.as_str(), "4.0");
        assert_eq!(t.old_price, None);
        assert_eq!(t.note, None);
        assert_eq!(t.status, Some(thing::v1_0_0::ThingStatus::Empty));
        assert_eq!(t.mixed, Some(json!(1)));
        assert_eq!(t.first_name_dashed.as_deref(), Some("A"));
        assert_eq!(t.first_name.as_deref(), Some("B"));
        assert_eq!(t.self_, Some(true));
        let tree = t.tree.as_ref().unwrap();
        assert_eq!(
            tree.children.as_ref().unwrap()[0].label.as_deref(),
            Some("leaf")
        );
        let combined = t.combined.as_ref().unwrap();
        assert_eq!((combined.name.as_str(), combined.extra_flag), ("n", false));
        assert_eq!(t.extra.get("unknown_key"), Some(&json!({"kept": true})));
        let Some(thing::v1_0_0::Actor::User(user)) = &t.actor else {
            panic!("{:?}", t.actor)
        };
        assert_eq!(user.user, "u1");
        assert_eq!(t.to_value(), example());
    }

    #[test]
    fn unknown_enum_values_are_kept_when_decoding_without_validation() {
        let mut v = example();
        v["status"] = json!("opt-sideways");
        assert!(!thing::V1_0_0::is_valid(&v));
        let t: thing::V1_0_0 = serde_json::from_value(v).unwrap();
        assert_eq!(
            t.status,
            Some(thing::v1_0_0::ThingStatus::Unknown("opt-sideways".into()))
        );
    }

    #[test]
    fn tagged_unions_dispatch_on_their_tag_and_keep_unknown_branches() {
        let mut v = example();
        v["actor"] = json!({"kind": "system"});
        let t = thing::V1_0_0::from_value(v.clone()).unwrap();
        assert!(matches!(t.actor, Some(thing::v1_0_0::Actor::System(_))));
        assert_eq!(t.to_value(), v);
        // A branch added later decodes (without validation) as `Unknown`.
        v["actor"] = json!({"kind": "robot", "serial": 7});
        assert!(!thing::V1_0_0::is_valid(&v));
        let t: thing::V1_0_0 = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(t.actor.as_ref().and_then(|a| a.tag()), Some("robot"));
        assert_eq!(serde_json::to_value(&t).unwrap(), v);
    }

    #[test]
    fn previous_data_is_a_typed_partial() {
        let v = json!({
            "id": "evt_1", "type": "com.example.order.updated", "version": "2024-06-01",
            "data": {"id": "ord_1", "status": "paid", "total": 5},
            "previousData": {"status": "open"}
        });
        let e = shop::Event::from_value(v.clone()).unwrap();
        let shop::Event::OrderUpdated(shop::order_updated::Event::V2024_01_01(u)) = &e else {
            panic!("{e:?}")
        };
        let previous = u.previous_data.as_ref().unwrap();
        assert_eq!(previous.status, Some(shop::common::OrderStatus::Open));
        assert_eq!(previous.total, None);
        assert_eq!(e.to_value(), v);
        let mut bad = v;
        bad["previousData"]["total"] = json!("five");
        assert!(shop::Event::from_value(bad).is_err());
    }

    #[test]
    fn the_schemars_derive_describes_absent_and_null_apart() {
        use super::shapes_json_schema::demo::thing as described;
        let schema = eventsmith::__private::schemars::schema_for!(described::V1_0_0).to_value();
        let required = schema["required"].as_array().unwrap();
        assert!(!required.contains(&json!("every")), "{schema:#}");
        assert!(required.contains(&json!("id")), "{schema:#}");
        // `every` is an optional, nullable duration.
        assert_eq!(
            schema["properties"]["every"]["type"],
            json!(["string", "null"]),
            "{schema:#}"
        );
        // Absent, `null` and a value stay apart through the derive.
        let mut absent = example();
        absent.as_object_mut().unwrap().remove("every");
        let t = described::V1_0_0::from_value(absent.clone()).unwrap();
        assert_eq!(t.every, None);
        assert_eq!(t.to_value(), absent);
        let mut with_null = example();
        with_null["every"] = json!(null);
        let t = described::V1_0_0::from_value(with_null.clone()).unwrap();
        assert_eq!(t.every, Some(None));
        assert_eq!(t.to_value(), with_null);
    }
}
