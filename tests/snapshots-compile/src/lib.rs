//! The codegen snapshot fixtures, compiled. See codegen/tests/it/snapshots.rs.

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

/// `codegen/tests/snapshots/vendor`: a vendor's catalog decided entirely
/// in `source.yaml` (`hooks`), and integer versions given by a header
/// (`ledger`).
pub mod vendor {
    include!(concat!(env!("OUT_DIR"), "/vendor.rs"));
}

/// The user's own types that `vendor`'s `replace:` puts in place of
/// generated ones.
pub mod vendor_types {
    /// Replaces `hooks/common/user.schema.json` (`replace:` in its source.yaml).
    #[derive(
        Debug,
        Clone,
        PartialEq,
        eventsmith::__private::serde::Serialize,
        eventsmith::__private::serde::Deserialize,
    )]
    #[serde(crate = "eventsmith::__private::serde")]
    pub struct User {
        /// The login.
        pub login: String,
        /// The id.
        pub id: u64,
    }
}

#[cfg(test)]
mod vendor_tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use eventsmith::event::{EventError, EventSource, Given, Options};

    use super::vendor::{hooks, ledger};
    use super::vendor_types::User;

    fn example(path: &str) -> Vec<u8> {
        let root = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../codegen/tests/snapshots/vendor/schemas/"
        );
        std::fs::read(format!("{root}{path}")).unwrap()
    }

    #[test]
    fn the_type_comes_from_the_header_and_the_schema_from_action() {
        let body = example("hooks/issue/examples/opened.json");
        let event = hooks::Event::from_slice_as("issue", &body).unwrap();
        assert_eq!(
            (event.event_type(), event.schema_version()),
            ("issue", "opened")
        );
        let hooks::Event::Issue(hooks::issue::Event::Opened(opened)) = &event else {
            panic!("{event:?}")
        };
        // The replaced type, read through serde.
        assert_eq!(
            opened.sender,
            User {
                login: "octocat".into(),
                id: 1
            }
        );
        assert_eq!(opened.assignees.as_deref().unwrap()[0].login, "hubot");
        // Names: an override, a sign word, `@`, a numbered collision, a variant override.
        assert_eq!(
            (opened.reactions.thumbs_up, opened.reactions.minus_1),
            (3, 1)
        );
        assert_eq!(opened.reactions.at_type.as_deref(), Some("reactions"));
        assert_eq!(
            (opened.first_name.as_deref(), opened.first_name_2.as_deref()),
            (Some("Mona"), Some("Lisa"))
        );
        assert_eq!(opened.state, hooks::common::IssueState::WontFix);
        assert_eq!(hooks::common::IssueState::WontFix2.as_str(), "wont-fix");
        // `attributes:` derived Hash and Eq on Reactions.
        let mut set = std::collections::HashSet::new();
        set.insert(opened.reactions.clone());
        // Round trip: the payload it was read from.
        let back: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(event.to_value(), back);
    }

    #[test]
    fn the_headers_are_known_to_generic_code() {
        assert_eq!(hooks::Event::TYPE_HEADER, Some("X-Hook-Event"));
        assert_eq!(hooks::Event::DELIVERY_ID_HEADER, Some("X-Hook-Delivery"));
        assert_eq!(ledger::Event::VERSION_HEADER, Some("Ledger-Version"));
        let headers = [("x-hook-event", "dispatch")];
        let given = Given::from_headers::<hooks::Event>(|name| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| *v)
        });
        assert_eq!(given, Given::event_type("dispatch"));
    }

    #[test]
    fn a_type_with_only_its_default_schema_reads_any_action() {
        let body = example("hooks/dispatch/examples/event.json");
        let event = hooks::Event::from_slice_as("dispatch", &body).unwrap();
        assert_eq!(event.schema_version(), "event");
        // Without the header the type is unknown, and says where it comes from.
        let e = hooks::Event::from_slice(&body).unwrap_err();
        assert_eq!(
            e,
            EventError::TypeNotGiven {
                from: "the X-Hook-Event header"
            }
        );
        // An action the type has no schema for is refused, naming the known ones.
        let e = hooks::Event::from_slice_as("issue", br#"{"action": "deleted"}"#).unwrap_err();
        assert!(
            matches!(&e, EventError::UnknownVersion { known, .. } if known == &["closed", "opened"]),
            "{e}"
        );
    }

    #[test]
    fn a_payload_that_is_an_array_is_read_when_its_type_is_given() {
        let event = hooks::Event::from_slice_as("batch", b"[1, 2, 3]").unwrap();
        assert_eq!(event.to_value(), serde_json::json!([1, 2, 3]));
        let e = hooks::Event::from_slice_as("batch", b"[]").unwrap_err();
        assert!(
            matches!(&e, EventError::Invalid { errors, .. } if errors.0[0].keyword == "minItems"),
            "{e}"
        );
    }

    #[test]
    fn vendor_keywords_are_annotations_and_patches_apply() {
        // `closed` says `tsAdditionalProperties: false`: read as an
        // annotation, so an extra member is fine.
        let event = hooks::Event::from_slice_as(
            "issue",
            &example("hooks/issue/examples/closed-by-bot.json"),
        );
        assert!(event.is_ok(), "{event:?}");
        // The patch removed `format: int32` from `total`.
        let body = br#"{"action": "opened", "sender": {"login": "a", "id": 1}, "state": "open",
            "reactions": {"+1": 0, "-1": 0, "total": 99999999999}}"#;
        assert!(hooks::Event::from_slice_as("issue", body).is_ok());
    }

    #[test]
    fn integer_versions_are_given_by_a_header_or_written_in_the_payload() {
        let v1 = br#"{"kind": "entry", "amount": 5}"#;
        let given = Given {
            event_type: None,
            version: Some("1"),
        };
        let event = ledger::Event::from_slice_given(v1, &given, &Options::default()).unwrap();
        assert_eq!(event.schema_version(), "1");
        // Version 2 needs a currency; version 3 has no schema.
        let two = Given {
            event_type: None,
            version: Some("2"),
        };
        assert!(matches!(
            ledger::Event::from_slice_given(v1, &two, &Options::default()),
            Err(EventError::Invalid { .. })
        ));
        let three = Given {
            event_type: None,
            version: Some("3"),
        };
        assert!(matches!(
            ledger::Event::from_slice_given(v1, &three, &Options::default()),
            Err(EventError::UnknownVersion { .. })
        ));
        assert_eq!(
            ledger::Event::from_slice(v1).unwrap_err(),
            EventError::VersionNotGiven {
                from: "the Ledger-Version header"
            }
        );
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use eventsmith::__private::serde::Deserialize;
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

    /// Decodes `v` without validating it, as dispatch does for a payload
    /// newer than its schema once the widenings it tolerates are dropped.
    fn decode_unchecked<T: eventsmith::decode::Decode>(v: &serde_json::Value) -> T {
        let tape = eventsmith::json::Tape::from_value(v);
        T::decode(tape.root()).unwrap()
    }

    #[test]
    fn unknown_enum_values_are_kept_when_decoding_without_validation() {
        let mut v = example();
        v["status"] = json!("opt-sideways");
        assert!(!thing::V1_0_0::is_valid(&v));
        // Deserialize validates, so it refuses the value...
        let e = serde_json::from_value::<thing::V1_0_0>(v.clone()).unwrap_err();
        assert!(e.to_string().starts_with("/status: expected one of"), "{e}");
        // ...and decoding alone keeps it.
        let t: thing::V1_0_0 = decode_unchecked(&v);
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
        let t: thing::V1_0_0 = decode_unchecked(&v);
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

    // `Deserialize` of generated types validates against the type's own
    // schema before decoding, so an invalid value cannot be built through
    // serde either; its errors are the validator's.

    use thing::v1_0_0::{Line, Scores, Thing};

    #[test]
    fn a_member_given_twice_is_a_duplicate_field_error() {
        let e = serde_json::from_str::<Line>(r#"{"sku": "a", "qty": 1, "sku": "b"}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "duplicate key \"sku\" in an object at line 1 column 28"
        );
        // `eventsmith::json` rejects duplicate keys before any of this.
        let text = example()
            .to_string()
            .replacen(r#""id":1"#, r#""id":1,"id":2"#, 1);
        let e = thing::V1_0_0::from_slice(text.as_bytes()).unwrap_err();
        assert!(matches!(e, eventsmith::EventError::Parse(_)), "{e}");
    }

    #[test]
    fn an_absent_required_member_is_a_missing_field_error() {
        let e = serde_json::from_value::<Line>(json!({"sku": "a"})).unwrap_err();
        assert_eq!(e.to_string(), "/: missing required property \"qty\"");
        let mut v = example();
        v.as_object_mut().unwrap().remove("price");
        let e = serde_json::from_value::<Thing>(v).unwrap_err();
        assert_eq!(e.to_string(), "/: missing required property \"price\"");
    }

    #[test]
    fn an_absent_required_nullable_member_is_missing_not_null() {
        // `old_price` is required and nullable: its field is an `Option`,
        // but absent is not `null`, so decoding fails as the validator does
        // (serde's derive would have read `None`).
        let mut v = example();
        v.as_object_mut().unwrap().remove("old_price");
        assert!(!thing::V1_0_0::is_valid(&v));
        let e = serde_json::from_value::<Thing>(v).unwrap_err();
        assert_eq!(e.to_string(), "/: missing required property \"old_price\"");
        let mut v = example();
        v["old_price"] = serde_json::Value::Null;
        assert_eq!(serde_json::from_value::<Thing>(v).unwrap().old_price, None);
    }

    #[test]
    fn unknown_members_are_kept_in_extra_in_the_maps_order() {
        let text = r#"{"zeta": 1, "sku": "a", "alpha": [2], "qty": 3, "mid": {"x": null}}"#;
        let line: Line = serde_json::from_str(text).unwrap();
        assert_eq!((line.sku.as_str(), line.qty), ("a", 3));
        let mut expected = serde_json::Map::new();
        for (k, v) in [
            ("zeta", json!(1)),
            ("alpha", json!([2])),
            ("mid", json!({"x": null})),
        ] {
            expected.insert(k.to_owned(), v);
        }
        assert_eq!(line.extra, expected);
        assert!(line.extra.keys().eq(expected.keys()));
        // Back out: the named fields, then the extra members.
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_value(&line).unwrap(), value);
        let mut out = String::from(r#"{"sku":"a","qty":3"#);
        for (k, v) in &expected {
            out.push_str(&format!(",{}:{v}", json!(k)));
        }
        out.push('}');
        assert_eq!(serde_json::to_string(&line).unwrap(), out);
    }

    #[test]
    fn a_typed_extra_map_reads_unknown_members_as_its_value_type() {
        let s: Scores = serde_json::from_value(json!({"b": 2, "best": 9, "a": -1})).unwrap();
        assert_eq!(s.best, Some(9));
        assert_eq!(s.extra.get("a"), Some(&-1));
        assert_eq!(s.extra.get("b"), Some(&2));
        assert_eq!(
            serde_json::to_value(&s).unwrap(),
            json!({"best": 9, "a": -1, "b": 2})
        );
        let e = serde_json::from_value::<Scores>(json!({"a": "x"})).unwrap_err();
        assert_eq!(e.to_string(), "/a: expected integer, got string \"x\"");
        let mut v = example();
        v["scores"] = json!({"a": 1, "best": 2});
        let t = thing::V1_0_0::from_value(v.clone()).unwrap();
        assert_eq!(t.scores.as_ref().map(|s| s.extra.len()), Some(1));
        assert_eq!(t.to_value(), v);
    }

    #[test]
    fn an_optional_nullable_member_keeps_absent_null_and_value_apart() {
        for (every, expected) in [
            (None, None),
            (Some(json!(null)), Some(None)),
            (Some(json!("PT1H")), Some(Some("PT1H"))),
        ] {
            let mut v = example();
            if let Some(e) = &every {
                v["every"] = e.clone();
            }
            for t in [
                serde_json::from_value::<Thing>(v.clone()).unwrap(),
                serde_json::from_str::<Thing>(&v.to_string()).unwrap(),
                thing::V1_0_0::from_value(v.clone()).unwrap(),
            ] {
                let got = t.every.as_ref().map(|e| e.as_ref().map(|d| d.to_string()));
                assert_eq!(got.as_ref().map(|e| e.as_deref()), expected, "{every:?}");
                assert_eq!(t.to_value(), v);
            }
        }
    }

    #[test]
    fn escaped_member_names_match_their_fields() {
        let line: Line = serde_json::from_str(r#"{"\u0073ku": "a", "q\u0074y": 1}"#).unwrap();
        assert_eq!((line.sku.as_str(), line.qty, line.extra.len()), ("a", 1, 0));
        let text = example()
            .to_string()
            .replacen(r#""id":"#, r#""\u0069d":"#, 1);
        assert!(text.contains(r#""\u0069d":1"#), "{text}");
        let t = thing::V1_0_0::from_slice(text.as_bytes()).unwrap();
        assert_eq!(t.id, 1);
        assert!(t.extra.get("id").is_none());
        let t: Thing = serde_json::from_str(&text).unwrap();
        assert_eq!(t.id, 1);
    }

    #[test]
    fn input_that_is_not_an_object_is_rejected() {
        for (v, found) in [
            (json!(["a", 1]), "array [\"a\",1]"),
            (json!("a"), "string \"a\""),
            (json!(1), "integer 1"),
            (json!(null), "null"),
        ] {
            let e = serde_json::from_value::<Line>(v.clone()).unwrap_err();
            assert_eq!(e.to_string(), format!("/: expected object, got {found}"));
            assert!(Line::deserialize(&v).is_err());
        }
        let e = serde_json::from_str::<Line>("[\"a\", 1]").unwrap_err();
        assert!(
            e.to_string().starts_with("/: expected object, got array"),
            "{e}"
        );
    }

    #[test]
    fn string_enums_match_escaped_values_and_keep_unknown_ones() {
        use thing::v1_0_0::ThingStatus;
        let s: ThingStatus = serde_json::from_str(r#""opt-\u0069n""#).unwrap();
        assert_eq!(s, ThingStatus::OptIn);
        // A value the schema does not list: kept by `FromStr` (and by
        // dispatch tolerating a newer version), refused by `Deserialize`,
        // which validates.
        assert_eq!(
            "later".parse::<ThingStatus>(),
            Ok(ThingStatus::Unknown("later".into()))
        );
        assert!(serde_json::from_value::<ThingStatus>(json!("later")).is_err());
        let e = serde_json::from_value::<ThingStatus>(json!(1)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "/: expected one of \"opt-in\", \"no-change\", \"\", \"opt-out\", got 1"
        );
    }
}
