//! Version dispatch: exact, newer minor, newer patch, older than known,
//! unknown major, unknown type, lenient mode, malformed envelopes.

use eventsmith::impact_stack::{Event, form_submission, payment_status_change};
use eventsmith::{EventError, Options, Received, UnknownTypes};
use serde_json::{Value, json};

fn confirmed(version: &str) -> Value {
    json!({
        "id": 95, "type": "form_submission_confirmed", "version": version,
        "date": "2021-03-31T11:26:34", "uuid": "e9cb75da-efcf-4dd3-9025-f7f1167b5eec"
    })
}

fn status_change(version: &str) -> Value {
    json!({
        "id": 7, "type": "payment_status_change", "version": version, "date": "2024-01-02T03:04:05+01:00",
        "pid": "9088", "controller": "stripe_payment_credit_card", "method_generic": "Credit card",
        "method_specific": "Stripe", "status": "payment_status_success", "previous_status": "payment_status_pending",
        "total_amount": 100, "currency_code": "EUR", "payment_data": {},
        "uuid": "cb59fac8-51ea-4348-94a8-bb073c53aad5",
        "line_items": [{"name": "one-off", "amount": 10, "quantity": 9, "tax_rate": 0, "recurrence_interval": null}]
    })
}

#[test]
fn exact_version_is_read_with_its_schema() {
    let mut v = status_change("1.1.0");
    v.as_object_mut().unwrap().remove("line_items");
    let e = Event::from_value(v).unwrap();
    assert!(matches!(
        e,
        Event::PaymentStatusChange(payment_status_change::Event::V1_1_0(_))
    ));
    assert_eq!(e.schema_version(), "1.1.0");
    let e = Event::from_value(status_change("1.2.0")).unwrap();
    assert_eq!(e.schema_version(), "1.2.0");
}

#[test]
fn newer_minor_and_patch_are_read_with_the_newest_older_schema() {
    let mut v = status_change("1.4.0");
    v["brand_new_key"] = json!({"added": "in 1.4.0"});
    let e = Event::from_value(v.clone()).unwrap();
    assert_eq!(e.schema_version(), "1.2.0");
    // The unknown key is kept: serializing gives back the same JSON.
    assert_eq!(e.to_value(), v);
    let e = Event::from_value(status_change("1.1.7")).unwrap();
    assert_eq!(e.schema_version(), "1.1.0");
    let e = Event::from_value(confirmed("1.1.3")).unwrap();
    assert_eq!(e.schema_version(), "1.1.0");
}

#[test]
fn older_than_known_and_unknown_major_list_the_known_versions() {
    for version in ["1.0.0", "3.0.0"] {
        match Event::from_value(status_change(version)) {
            Err(EventError::UnknownVersion {
                event_type,
                version: v,
                known,
            }) => {
                assert_eq!(event_type, "payment_status_change");
                assert_eq!(v, version);
                assert_eq!(known, vec!["1.1.0", "1.2.0"]);
            }
            other => panic!("{version}: {other:?}"),
        }
    }
    // A 1.x event never falls back to 0.0.0, nor a 2.0.x to 1.x.
    assert!(matches!(
        Event::from_value(
            json!({"id": 1, "type": "form_submission", "version": "2.0.5", "date": "2021-05-14T08:07:37"})
        ),
        Err(EventError::UnknownVersion { .. })
    ));
    assert_eq!(
        form_submission::Event::VERSIONS,
        &["0.0.0", "1.1.0", "1.3.0", "2.1.0"]
    );
}

#[test]
fn unknown_type_is_named_and_lenient_mode_keeps_the_value() {
    let raw = json!({"id": 1, "type": "petition_signed", "version": "1.0.0", "date": "2021-05-14T08:07:37"});
    match Event::from_value(raw.clone()) {
        Err(EventError::UnknownType { event_type }) => assert_eq!(event_type, "petition_signed"),
        other => panic!("{other:?}"),
    }
    let lenient = Options {
        unknown_types: UnknownTypes::Keep,
        ..Options::default()
    };
    match Event::receive_value(raw.clone(), &lenient).unwrap() {
        Received::Unknown(v) => assert_eq!(v, raw),
        Received::Known(e) => panic!("{e:?}"),
    }
    // Known types still validate in lenient mode.
    assert!(matches!(
        Event::receive_value(confirmed("1.1.0"), &lenient),
        Ok(Received::Known(_))
    ));
    assert!(
        Event::receive_value(
            json!({"type": "form_submission_confirmed", "version": "1.1.0"}),
            &lenient
        )
        .is_err()
    );
}

#[test]
fn malformed_envelopes_get_precise_errors() {
    let cases = [
        (json!([1, 2]), "an event must be a JSON object, found array"),
        (
            json!({"version": "1.1.0"}),
            "the event has no \"type\" member",
        ),
        (
            json!({"type": 5, "version": "1.1.0"}),
            "the event's \"type\" must be a string, found integer",
        ),
        (
            json!({"type": "form_submission_confirmed"}),
            "the event has no \"version\" member",
        ),
        (
            json!({"type": "form_submission_confirmed", "version": "v1.1.0"}),
            "form_submission_confirmed: version \"v1.1.0\" is not valid",
        ),
    ];
    for (value, expected) in cases {
        let err = Event::from_value(value.clone()).unwrap_err();
        assert!(err.to_string().starts_with(expected), "{value}: {err}");
    }
}

#[test]
fn from_slice_and_from_str_parse_and_dispatch() {
    let text = confirmed("1.1.0").to_string();
    let a = Event::from_slice(text.as_bytes()).unwrap();
    let b: Event = text.parse().unwrap();
    assert_eq!(a, b);
    assert_eq!(a.event_type(), "form_submission_confirmed");
    assert!(matches!(
        Event::from_slice(b"{\"type\": 1} trailing"),
        Err(EventError::Parse(_))
    ));
}

#[test]
fn newer_minors_may_add_enum_values_and_members_of_closed_objects() {
    use eventsmith::NewerVersions;
    // 2.1.0's optin operation enum gains a value in a (hypothetical) 2.2.0.
    let payload = |version: &str| {
        json!({
            "id": 1, "type": "form_submission", "version": version, "date": "2021-05-14T08:07:37",
            "uuid": "ae3b0b49-e6db-4dc9-a0f1-d2be7f996ed3", "is_draft": false, "data": {}, "action": {}, "tracking": {},
            "optins": {"6": {"channel": "email", "operation": "opt-in-later", "statement": "", "value": "radios:opt-in"}}
        })
    };
    // Exact version: the enum is enforced.
    assert!(matches!(
        Event::from_value(payload("2.1.0")),
        Err(EventError::Invalid { .. })
    ));
    // Newer minor: tolerated by default, the value lands in `Unknown`.
    let e = Event::from_value(payload("2.2.0")).unwrap();
    let Event::FormSubmission(form_submission::Event::V2_1_0(f)) = &e else {
        panic!("{e:?}")
    };
    let operation = &f.optins["6"].operation;
    assert_eq!(operation.as_str(), "opt-in-later");
    assert!(
        matches!(
            operation,
            eventsmith::impact_stack::common::OptinOperation::Unknown(_)
        ),
        "{operation:?}"
    );
    assert_eq!(e.to_value(), payload("2.2.0"));
    // ...unless the caller asks for strictness.
    let strict = Options {
        newer_versions: NewerVersions::Strict,
        ..Options::default()
    };
    assert!(matches!(
        Event::from_value_with(payload("2.2.0"), &strict),
        Err(EventError::Invalid { .. })
    ));
    // Other errors are never tolerated.
    let mut broken = payload("2.2.0");
    broken["is_draft"] = json!("no");
    assert!(matches!(
        Event::from_value(broken),
        Err(EventError::Invalid { .. })
    ));
}
