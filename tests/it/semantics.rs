//! JSON semantics of the generated types: absent ≠ null, integers vs
//! numbers, free-form maps, value types chosen by `format`.

use eventsmith::impact_stack::{donation, form_submission, payment_status_change};
use eventsmith::{EventError, Schema};
use serde_json::json;

fn donation_v2() -> serde_json::Value {
    json!({
        "id": 123, "pid": "9088", "type": "donation", "version": "2.1.0", "date": "2021-05-14T08:07:37",
        "amount": "99.99 EUR", "recurrence_interval": "P1M", "data": {"any": ["thing", 1]}, "action": {}, "tracking": {}
    })
}

#[test]
fn documented_value_types_are_real_rust_types() {
    let d = donation::V2_1_0::from_value(donation_v2()).unwrap();
    assert_eq!(d.amount.currency().code(), "EUR");
    assert_eq!(d.amount.amount().to_string(), "99.99");
    assert_eq!(d.amount.as_str(), "99.99 EUR");
    assert_eq!(
        d.recurrence_interval.as_ref().map(|i| i.as_str()),
        Some("P1M")
    );
    assert!(!d.date.has_offset());
    assert_eq!(d.date.as_str(), "2021-05-14T08:07:37");
    // Free-form data is a map that keeps whatever was sent.
    assert_eq!(d.data.get("any"), Some(&json!(["thing", 1])));
}

#[test]
fn null_and_absent_stay_different_through_a_round_trip() {
    // recurrence_interval is required and nullable: null stays null.
    let mut v = donation_v2();
    v["recurrence_interval"] = json!(null);
    let d = donation::V2_1_0::from_value(v.clone()).unwrap();
    assert_eq!(d.recurrence_interval, None);
    assert_eq!(d.to_value(), v);
    // ...and it may not be absent.
    v.as_object_mut().unwrap().remove("recurrence_interval");
    let err = donation::V2_1_0::from_value(v).unwrap_err();
    assert!(
        matches!(err, EventError::Invalid { ref errors, .. } if errors.0[0].keyword == "required"),
        "{err}"
    );
}

#[test]
fn optional_nullable_members_keep_absent_null_and_value_apart() {
    let base = json!({
        "id": 179, "type": "form_submission", "version": "1.1.0", "date": "2021-05-14T08:07:37",
        "uuid": "ae3b0b49-e6db-4dc9-a0f1-d2be7f996ed3", "is_draft": false,
        "links": {"action": "https://example.org/a", "submission": "https://example.org/s"},
        "optins": {}, "action": {"title": "T", "type": "petition", "uuid": "5caa752e-723a-452b-8f0a-e014e7ba49f1"},
        "tracking": {}, "data": {}
    });
    for links in [
        None,
        Some(json!(null)),
        Some(json!({"action": "https://example.org/a", "submission": "https://example.org/s"})),
    ] {
        let mut v = base.clone();
        if let Some(l) = &links {
            v["_links"] = l.clone();
        }
        let e = form_submission::V1_1_0::from_value(v.clone()).unwrap();
        #[allow(deprecated)]
        let field = &e._links;
        match &links {
            None => assert!(field.is_none()),
            Some(serde_json::Value::Null) => assert!(matches!(field, Some(None))),
            Some(_) => assert!(matches!(field, Some(Some(_)))),
        }
        assert_eq!(e.to_value(), v, "round trip with _links = {links:?}");
    }
}

#[test]
fn integers_and_numbers_are_told_apart() {
    let v = json!({
        "id": 123, "type": "payment_status_change", "version": "1.2.0", "date": "2024-01-02T03:04:05Z",
        "pid": "9088", "controller": "c", "method_generic": "m", "method_specific": "s", "status": "payment_status_new",
        "previous_status": "payment_status_new", "total_amount": 100.5, "currency_code": "EUR", "payment_data": {},
        "uuid": "cb59fac8-51ea-4348-94a8-bb073c53aad5",
        "line_items": [{"name": "x", "amount": 10.25, "quantity": 2, "tax_rate": 0.2, "recurrence_interval": null}]
    });
    let e = payment_status_change::V1_2_0::from_value(v.clone()).unwrap();
    // `number` keeps the JSON number as sent: 2 stays 2, 10.25 stays 10.25.
    assert_eq!(e.line_items[0].quantity.as_u64(), Some(2));
    assert_eq!(e.to_value(), v);
    let mut bad = v.clone();
    bad["id"] = json!(1.5);
    let err = payment_status_change::V1_2_0::from_value(bad).unwrap_err();
    assert!(
        matches!(err, EventError::Invalid { ref errors, .. } if errors.0[0].instance_path == "/id" && errors.0[0].keyword == "type"),
        "{err}"
    );
}

#[test]
fn validate_collects_every_error_and_is_valid_stops_early() {
    let mut v = donation_v2();
    v["amount"] = json!("99.99 XYZ");
    v["pid"] = json!(9088);
    v.as_object_mut().unwrap().remove("date");
    assert!(!donation::V2_1_0::is_valid(&v));
    let errors = donation::V2_1_0::validate(&v).unwrap_err();
    let mut got: Vec<(String, String)> = errors
        .iter()
        .map(|e| (e.instance_path.clone(), e.keyword.clone()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("".into(), "required".into()),
            ("/amount".into(), "format".into()),
            ("/pid".into(), "type".into())
        ]
    );
    let amount = errors.iter().find(|e| e.keyword == "format").unwrap();
    assert_eq!(amount.message, "expected a valid money, got \"99.99 XYZ\"");
    assert!(
        amount.schema_path.contains(".json#/"),
        "{}",
        amount.schema_path
    );
}

#[test]
fn enum_messages_list_the_allowed_values() {
    let payload = json!({
        "id": 1, "type": "form_submission", "version": "2.1.0", "date": "2021-05-14T08:07:37",
        "uuid": "ae3b0b49-e6db-4dc9-a0f1-d2be7f996ed3", "is_draft": false, "data": {}, "action": {}, "tracking": {},
        "optins": {"6": {"channel": "email", "operation": "maybe", "statement": "", "value": "radios:opt-in"}}
    });
    let errors = form_submission::V2_1_0::validate(&payload).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors}");
    assert_eq!(errors.0[0].instance_path, "/optins/6/operation");
    assert_eq!(
        errors.0[0].message,
        "expected one of \"opt-in\", \"no-change\", \"opt-out\", got \"maybe\""
    );
}

#[test]
fn an_integral_float_is_an_integer() {
    let mut v = donation_v2();
    v["id"] = json!(123.0);
    let d = donation::V2_1_0::from_value(v).unwrap();
    assert_eq!(d.id, 123);
}
