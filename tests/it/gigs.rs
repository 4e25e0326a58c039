//! The Gigs bindings (`eventsmith::gigs`) against the Gigs catalog: every
//! example decodes and round-trips or fails exactly as recorded, calendar
//! versions dispatch to the newest schema dated on or before them, typed
//! `previousData` partials, required-but-nullable fields, and the receiver
//! from signed delivery to typed event.

use eventsmith::gigs::{self, Event};
use eventsmith::webhook::{InMemorySeenIds, Secret, Verifier};
use eventsmith::{EventError, EventSource, ReceiveError, Receiver};
use eventsmith_codegen::Compiled;
use eventsmith_codegen::load::catalog::{Example, Expectation, Source};
use serde_json::{Value, json};

use crate::compiled;

fn gigs_source(compiled: &Compiled) -> &Source {
    compiled
        .catalog
        .source("gigs")
        .expect("the catalog has a gigs source")
}

/// Reads `value` with the schema of event directory `dir` at exactly
/// `version` (no dispatch on the payload's own type and version), and
/// serializes the typed event back.
macro_rules! per_type {
    ($($dir:literal => $module:ident),* $(,)?) => {
        /// Every `(directory, module)` the macro knows.
        const MODULES: &[(&str, &str)] = &[$(($dir, stringify!($module))),*];

        fn decode_as(dir: &str, version: &str, value: Value) -> Result<Value, EventError> {
            match dir {
                $($dir => gigs::$module::Event::from_value(value, version)
                    .map(|event| {
                        assert_eq!(event.schema_version(), version);
                        serde_json::to_value(&event).unwrap()
                    }),)*
                other => panic!("the test does not know event directory {other}; add it to per_type!"),
            }
        }
    };
}

per_type! {
    "addon.deleted" => addon_deleted,
    "addon.updated" => addon_updated,
    "apiKey.created" => api_key_created,
    "connectSession.created" => connect_session_created,
    "connectSession.updated" => connect_session_updated,
    "creditNote.created" => credit_note_created,
    "creditNote.updated" => credit_note_updated,
    "device.deleted" => device_deleted,
    "device.updated" => device_updated,
    "eSimProfile.disabled" => e_sim_profile_disabled,
    "eSimProfile.enabled" => e_sim_profile_enabled,
    "eSimProfile.updated" => e_sim_profile_updated,
    "installation.created" => installation_created,
    "installation.updated" => installation_updated,
    "invoice.created" => invoice_created,
    "invoice.finalized" => invoice_finalized,
    "invoice.paid" => invoice_paid,
    "invoice.updated" => invoice_updated,
    "payment.disputeLost" => payment_dispute_lost,
    "payment.disputed" => payment_disputed,
    "payment.failed" => payment_failed,
    "paymentMethod.created" => payment_method_created,
    "plan.published" => plan_published,
    "plan.updated" => plan_updated,
    "portOutCredentials.issued" => port_out_credentials_issued,
    "porting.canceled" => porting_canceled,
    "porting.completed" => porting_completed,
    "porting.declined" => porting_declined,
    "porting.requested" => porting_requested,
    "porting.updated" => porting_updated,
    "project.deleted" => project_deleted,
    "project.updated" => project_updated,
    "sim.deleted" => sim_deleted,
    "sim.retired" => sim_retired,
    "sim.updated" => sim_updated,
    "subscription.activated" => subscription_activated,
    "subscription.created" => subscription_created,
    "subscription.renewed" => subscription_renewed,
    "subscriptionAddon.created" => subscription_addon_created,
    "subscriptionChange.applied" => subscription_change_applied,
    "subscriptionChange.created" => subscription_change_created,
    "subscriptionChange.deleted" => subscription_change_deleted,
    "usageBalance.thresholdReached" => usage_balance_threshold_reached,
    "usageNotification.created" => usage_notification_created,
    "usageThreshold.exceeded" => usage_threshold_exceeded,
    "user.address.created" => user_address_created,
    "user.deleted" => user_deleted,
    "voucher.created" => voucher_created,
    "voucher.retired" => voucher_retired,
    "voucher.updated" => voucher_updated,
    "voucherCode.created" => voucher_code_created,
    "voucherCode.updated" => voucher_code_updated,
}

#[test]
fn the_test_knows_every_gigs_event_type() {
    let compiled = compiled();
    let source = gigs_source(&compiled);
    let catalog: Vec<(&str, &str)> = source
        .events
        .iter()
        .map(|e| (e.dir.as_str(), e.module.as_str()))
        .collect();
    assert_eq!(catalog, MODULES);
    let types: Vec<String> = source.events.iter().map(|e| e.type_value.clone()).collect();
    assert_eq!(types, <Event as EventSource>::TYPES);
    assert_eq!(<Event as EventSource>::SOURCE, "gigs");
}

fn sorted_pairs(errors: &eventsmith::Errors) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = errors
        .0
        .iter()
        .map(|e| (e.instance_path.clone(), e.keyword.clone()))
        .collect();
    pairs.sort();
    pairs
}

/// The example's `type` and `version` members, when they are strings.
fn envelope_of(value: &Value) -> (Option<&str>, Option<&str>) {
    (
        value.get("type").and_then(Value::as_str),
        value.get("version").and_then(Value::as_str),
    )
}

fn check_valid(dir: &str, example: &Example, name: &str) {
    let version = example.version.to_string();
    // Through the source's dispatch on the payload's own type and version.
    let event = Event::from_value(example.value.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        event.schema_version(),
        version,
        "{name}: dispatched to another schema"
    );
    assert_eq!(
        Some(event.event_type()),
        envelope_of(&example.value).0,
        "{name}"
    );
    let round_trip = serde_json::to_value(&event).unwrap();
    assert_eq!(
        round_trip, example.value,
        "{name}: serializing the typed event changed the JSON"
    );
    // The same through the trait, and through the type's own module.
    let via_trait = <Event as EventSource>::from_json(example.value.clone()).unwrap();
    assert_eq!(via_trait, event, "{name}");
    assert_eq!(
        decode_as(dir, &version, example.value.clone()).unwrap(),
        example.value,
        "{name}"
    );
}

fn check_invalid(
    dir: &str,
    example: &Example,
    name: &str,
    expected: &[(String, String)],
    reason: &str,
) {
    let version = example.version.to_string();
    // Checked against the example's own schema, the errors are exactly the
    // recorded ones.
    match decode_as(dir, &version, example.value.clone()) {
        Err(EventError::Invalid {
            schema_version,
            errors,
            ..
        }) => {
            assert_eq!(schema_version, version, "{name}");
            assert_eq!(sorted_pairs(&errors), expected, "{name} ({reason})");
        }
        other => panic!("{name} ({reason}): expected EventError::Invalid, got {other:?}"),
    }
    // Through dispatch: the same errors when the payload's type and version
    // lead to the same schema; a dispatch error naming the broken member
    // when they cannot.
    let pointers: Vec<&str> = expected.iter().map(|(p, _)| p.as_str()).collect();
    match Event::from_value(example.value.clone()) {
        Err(EventError::Invalid {
            schema_version,
            errors,
            ..
        }) => {
            assert_eq!(schema_version, version, "{name}");
            assert_eq!(sorted_pairs(&errors), expected, "{name} ({reason})");
        }
        Err(EventError::UnknownType { event_type }) => {
            assert!(
                pointers.contains(&"/type"),
                "{name}: unknown type {event_type} but /type is not expected"
            );
            assert_eq!(Some(event_type.as_str()), envelope_of(&example.value).0);
        }
        Err(
            EventError::InvalidVersion { version: v, .. }
            | EventError::UnknownVersion { version: v, .. },
        ) => {
            assert!(
                pointers.contains(&"/version"),
                "{name}: version {v} refused but /version is not expected"
            );
        }
        Err(EventError::MissingField { field } | EventError::FieldNotString { field, .. }) => {
            assert!(
                pointers.iter().any(|p| *p == format!("/{field}")) || pointers.contains(&""),
                "{name}: {field}"
            );
        }
        other => panic!("{name} ({reason}): expected a refusal, got {other:?}"),
    }
}

#[test]
fn every_gigs_example_decodes_and_round_trips_or_fails_as_recorded() {
    let compiled = compiled();
    let source = gigs_source(&compiled);
    let (mut valid, mut invalid) = (0, 0);
    for event in &source.events {
        let mut per_version = vec![(0, 0); event.versions.len()];
        for (vi, version) in event.versions.iter().enumerate() {
            for example in &version.examples {
                let name = example
                    .path
                    .strip_prefix(&compiled.catalog.root)
                    .unwrap_or(&example.path)
                    .display()
                    .to_string();
                match &example.expect {
                    Expectation::Valid => {
                        check_valid(&event.dir, example, &name);
                        per_version[vi].0 += 1;
                        valid += 1;
                    }
                    Expectation::Invalid { errors, reason } => {
                        check_invalid(&event.dir, example, &name, errors, reason);
                        per_version[vi].1 += 1;
                        invalid += 1;
                    }
                }
            }
        }
        // Every schema has valid and invalid examples.
        for (vi, (v, i)) in per_version.iter().enumerate() {
            let version = &event.versions[vi].version;
            assert!(
                *v > 0 && *i > 0,
                "{} {version}: {v} valid and {i} invalid examples",
                event.dir
            );
        }
    }
    assert_eq!(source.events.len(), 52);
    assert!(
        valid >= 104 && invalid >= 104,
        "{valid} valid, {invalid} invalid"
    );
}

// ----------------------------------------------------------- calendar dispatch

fn example_value(compiled: &Compiled, dir: &str, file: &str) -> Value {
    let source = gigs_source(compiled);
    let event = source.events.iter().find(|e| e.dir == dir).unwrap();
    event
        .versions
        .iter()
        .flat_map(|v| &v.examples)
        .find(|e| e.path.file_name().is_some_and(|f| f == file))
        .unwrap_or_else(|| panic!("no example {dir}/{file}"))
        .value
        .clone()
}

fn at_version(mut value: Value, version: &str) -> Value {
    value["version"] = json!(version);
    value
}

#[test]
fn an_event_is_read_with_the_newest_schema_dated_on_or_before_it() {
    let compiled = compiled();
    let old = example_value(&compiled, "sim.updated", "2024-10-28.json");
    let new = example_value(&compiled, "sim.updated", "2025-05-22.json");

    // 2024-12-20 and 2025-03-24 (and the day before 2025-05-22) are read with 2024-10-28.
    for version in ["2024-10-28", "2024-12-20", "2025-03-24", "2025-05-21"] {
        let value = at_version(old.clone(), version);
        let event = Event::from_value(value.clone()).unwrap_or_else(|e| panic!("{version}: {e}"));
        assert!(
            matches!(&event, Event::SimUpdated(gigs::sim_updated::Event::V2024_10_28(e)) if e.version == version),
            "{version}: {event:?}"
        );
        assert_eq!(event.schema_version(), "2024-10-28");
        // The payload's own version survives the round trip.
        assert_eq!(serde_json::to_value(&event).unwrap(), value);
    }
    // 2025-05-22 and later (2026-01-29 appears in secondary sources) are read with 2025-05-22.
    for version in ["2025-05-22", "2025-12-31", "2026-01-29"] {
        let value = at_version(new.clone(), version);
        let event = Event::from_value(value.clone()).unwrap_or_else(|e| panic!("{version}: {e}"));
        assert!(
            matches!(&event, Event::SimUpdated(gigs::sim_updated::Event::V2025_05_22(e)) if e.version == version),
            "{version}: {event:?}"
        );
        assert_eq!(event.schema_version(), "2025-05-22");
        assert_eq!(serde_json::to_value(&event).unwrap(), value);
    }
}

#[test]
fn the_schema_chosen_by_date_is_the_one_enforced() {
    let compiled = compiled();
    // The 2024-10-28 example has no actor: fine for a 2025-03-24 event, not
    // for a 2026-01-29 one, which the 2025-05-22 schema reads.
    let old = example_value(&compiled, "sim.updated", "2024-10-28.json");
    assert!(old.get("actor").is_none());
    Event::from_value(at_version(old.clone(), "2025-03-24")).unwrap();
    match Event::from_value(at_version(old, "2026-01-29")) {
        Err(EventError::Invalid {
            version,
            schema_version,
            errors,
            ..
        }) => {
            assert_eq!(version, "2026-01-29");
            assert_eq!(schema_version, "2025-05-22");
            let pairs = sorted_pairs(&errors);
            assert!(
                pairs.contains(&(String::new(), "required".to_owned())),
                "{pairs:?}"
            );
            assert!(
                errors.0.iter().any(|e| e.message.contains("actor")),
                "{errors}"
            );
        }
        other => panic!("expected the 2025-05-22 schema to refuse it, got {other:?}"),
    }
}

#[test]
fn an_event_older_than_every_schema_is_an_unknown_version() {
    let compiled = compiled();
    let old = example_value(&compiled, "sim.updated", "2024-10-28.json");
    for version in ["2024-10-27", "2023-01-01"] {
        let error = Event::from_value(at_version(old.clone(), version)).unwrap_err();
        assert_eq!(
            error,
            EventError::UnknownVersion {
                event_type: "com.gigs.sim.updated".to_owned(),
                version: version.to_owned(),
                known: vec!["2024-10-28", "2025-05-22"],
            }
        );
        assert!(
            error
                .to_string()
                .contains("known versions: 2024-10-28, 2025-05-22"),
            "{error}"
        );
    }
    let error = Event::from_value(at_version(old, "2025-13-01")).unwrap_err();
    assert!(
        matches!(error, EventError::InvalidVersion { .. }),
        "{error:?}"
    );
}

// ------------------------------------------------------------- previousData

#[test]
fn previous_data_is_a_typed_partial_of_the_resource() {
    let compiled = compiled();
    let value = example_value(&compiled, "sim.updated", "2025-05-22.json");
    assert_eq!(value["previousData"], json!({"status": "inactive"}));
    let Event::SimUpdated(gigs::sim_updated::Event::V2025_05_22(event)) =
        Event::from_value(value).unwrap()
    else {
        panic!("not a 2025-05-22 sim.updated");
    };
    let previous: &gigs::sim_updated::v2025_05_22::Sim20250522Partial = event
        .previous_data
        .as_ref()
        .expect("previousData is present");
    // The changed field is typed: the SIM status enum, not a string or a map.
    let status = previous.status.as_ref().expect("status changed");
    assert_eq!(format!("{status:?}"), "Inactive");
    assert_eq!(serde_json::to_value(status).unwrap(), json!("inactive"));
    assert_eq!(
        serde_json::to_value(&event.data.status).unwrap(),
        json!("active")
    );
    // Every other key is absent, not defaulted.
    assert!(previous.iccid.is_none() && previous.id.is_none() && previous.created_at.is_none());
    assert!(previous.extra.is_empty());
    assert_eq!(
        serde_json::to_value(previous).unwrap(),
        json!({"status": "inactive"})
    );

    // The partial validates: a value that is not a SIM status is refused there.
    let mut bad = example_value(&compiled, "sim.updated", "2025-05-22.json");
    bad["previousData"]["status"] = json!("exploded");
    match Event::from_value(bad) {
        Err(EventError::Invalid { errors, .. }) => {
            assert_eq!(
                sorted_pairs(&errors),
                [("/previousData/status".to_owned(), "enum".to_owned())]
            );
        }
        other => panic!("{other:?}"),
    }
    // And it is optional: an update without it is still valid.
    let mut without = example_value(&compiled, "sim.updated", "2025-05-22.json");
    without.as_object_mut().unwrap().remove("previousData");
    let Event::SimUpdated(gigs::sim_updated::Event::V2025_05_22(event)) =
        Event::from_value(without.clone()).unwrap()
    else {
        panic!("not a 2025-05-22 sim.updated");
    };
    assert!(event.previous_data.is_none());
    assert_eq!(serde_json::to_value(&event).unwrap(), without);
}

#[test]
fn previous_data_keeps_nested_objects_whole_and_nulls_as_null() {
    let compiled = compiled();
    let mut value = example_value(&compiled, "addon.updated", "2024-10-28.json");
    value["previousData"] = json!({
        "price": {"amount": 500, "currency": "EUR"},
        "description": null,
        "name": "Old name"
    });
    let Event::AddonUpdated(gigs::addon_updated::Event::V2024_10_28(event)) =
        Event::from_value(value.clone()).unwrap()
    else {
        panic!("not a 2024-10-28 addon.updated");
    };
    let previous = event.previous_data.as_ref().unwrap();
    let price = previous.price.as_ref().unwrap();
    assert_eq!((price.amount, price.currency.as_str()), (500, "EUR"));
    assert_eq!(previous.name.as_deref(), Some("Old name"));
    // Present and null (it was unset before) is not the same as absent.
    assert_eq!(previous.description, Some(None));
    assert_eq!(previous.status, None);
    assert_eq!(serde_json::to_value(&event).unwrap(), value);
}

// --------------------------------------------------- required-but-nullable

#[test]
fn required_nullable_fields_keep_null_and_values_exactly() {
    let compiled = compiled();
    let full = example_value(&compiled, "invoice.paid", "2024-10-28.json");
    let nullable = [
        "discount",
        "payment",
        "period",
        "subscription",
        "taxExemptionReason",
        "finalizedAt",
        "paidAt",
    ];
    for key in nullable {
        assert!(!full["data"][key].is_null(), "the example fills {key}");
    }

    // With values: typed and written back unchanged.
    let Event::InvoicePaid(gigs::invoice_paid::Event::V2024_10_28(event)) =
        Event::from_value(full.clone()).unwrap()
    else {
        panic!("not a 2024-10-28 invoice.paid");
    };
    assert_eq!(
        event.data.paid_at.as_ref().map(|t| t.as_str()),
        Some("2024-02-01T11:13:13Z")
    );
    assert_eq!(event.data.discount.as_ref().map(|m| m.amount), Some(999));
    assert_eq!(
        event.data.payment.as_deref(),
        Some("pay_0SNlurA049MEWV2HRA0slWFuS8DV")
    );
    assert_eq!(serde_json::to_value(&event).unwrap(), full);

    // Each one null: `None`, and the key is written back as `null`, not dropped.
    for key in nullable {
        let mut value = full.clone();
        value["data"][key] = Value::Null;
        let event = Event::from_value(value.clone()).unwrap_or_else(|e| panic!("{key}: null: {e}"));
        let back = serde_json::to_value(&event).unwrap();
        assert_eq!(back["data"].get(key), Some(&Value::Null), "{key}");
        assert_eq!(back, value, "{key}");
    }
    let mut all_null = full.clone();
    for key in nullable {
        all_null["data"][key] = Value::Null;
    }
    let Event::InvoicePaid(gigs::invoice_paid::Event::V2024_10_28(event)) =
        Event::from_value(all_null.clone()).unwrap()
    else {
        panic!("not a 2024-10-28 invoice.paid");
    };
    assert!(
        event.data.paid_at.is_none()
            && event.data.discount.is_none()
            && event.data.period.is_none()
    );
    assert_eq!(serde_json::to_value(&event).unwrap(), all_null);

    // Absent is not null: a required key must be there.
    for key in nullable {
        let mut value = full.clone();
        value["data"].as_object_mut().unwrap().remove(key);
        match Event::from_value(value) {
            Err(EventError::Invalid { errors, .. }) => {
                assert_eq!(
                    sorted_pairs(&errors),
                    [("/data".to_owned(), "required".to_owned())],
                    "{key}"
                );
                assert!(errors.0[0].message.contains(key), "{key}: {errors}");
            }
            other => panic!("{key} absent: {other:?}"),
        }
    }
    // And a required key that is not nullable refuses null.
    let mut value = full;
    value["data"]["createdAt"] = Value::Null;
    match Event::from_value(value) {
        Err(EventError::Invalid { errors, .. }) => {
            assert_eq!(
                sorted_pairs(&errors),
                [("/data/createdAt".to_owned(), "type".to_owned())]
            );
        }
        other => panic!("createdAt null: {other:?}"),
    }
}

// ----------------------------------------------------------------- receive

#[test]
fn a_signed_gigs_delivery_becomes_a_typed_event() {
    let compiled = compiled();
    let body =
        serde_json::to_vec(&example_value(&compiled, "sim.updated", "2025-05-22.json")).unwrap();
    let verifier = Verifier::new(Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap());
    let now = 1_700_000_000;
    let receiver = Receiver::<Event>::standard_webhooks(verifier.clone())
        .seen_ids(InMemorySeenIds::default())
        .clock(move || now);
    let headers = [
        ("svix-id", "msg_2x".to_owned()),
        ("svix-timestamp", now.to_string()),
        ("svix-signature", verifier.sign("msg_2x", now, &body)),
    ];
    let delivery = receiver.receive(&headers, &body).unwrap().commit().unwrap();
    assert!(matches!(
        delivery.event,
        Event::SimUpdated(gigs::sim_updated::Event::V2025_05_22(_))
    ));
    assert_eq!(delivery.id, "msg_2x");
    assert_eq!(
        serde_json::to_vec(&delivery.event)
            .map(|b| serde_json::from_slice::<Value>(&b).unwrap())
            .unwrap(),
        serde_json::from_slice::<Value>(&body).unwrap()
    );
    assert!(
        receiver
            .receive(&headers, &body)
            .unwrap_err()
            .is_duplicate()
    );

    // A signed but invalid event: refused at validation, id not marked.
    let mut invalid: Value = serde_json::from_slice(&body).unwrap();
    invalid["data"]["iccid"] = Value::Null;
    let invalid = serde_json::to_vec(&invalid).unwrap();
    let headers = [
        ("webhook-id", "msg_3x".to_owned()),
        ("webhook-timestamp", now.to_string()),
        ("webhook-signature", verifier.sign("msg_3x", now, &invalid)),
    ];
    let error = receiver.receive(&headers, &invalid).unwrap_err();
    assert!(
        matches!(&error, ReceiveError::Event(EventError::Invalid { .. })),
        "{error:?}"
    );
    assert_eq!(error.status(), 422);
    let headers = [
        ("webhook-id", "msg_3x".to_owned()),
        ("webhook-timestamp", now.to_string()),
        ("webhook-signature", verifier.sign("msg_3x", now, &body)),
    ];
    receiver.receive(&headers, &body).unwrap().commit().unwrap();
}

#[test]
fn an_impact_stack_delivery_with_a_shared_secret_becomes_a_typed_event() {
    let receiver = Receiver::<eventsmith::impact_stack::Event>::shared_secret(
        eventsmith::webhook::SharedSecret::new("s3cr3t").unwrap(),
    )
    .seen_ids(InMemorySeenIds::default());
    let body = br#"{"id": 95, "type": "form_submission_confirmed", "version": "1.1.0",
                    "date": "2021-03-31T11:26:34", "uuid": "e9cb75da-efcf-4dd3-9025-f7f1167b5eec"}"#;
    let token = eventsmith::webhook::secret_from_query("/hooks?secret=s3cr3t", "secret");
    let delivery = receiver
        .receive_token(token.as_deref(), body)
        .unwrap()
        .commit()
        .unwrap();
    assert_eq!(delivery.id, "95");
    assert_eq!(delivery.event.event_type(), "form_submission_confirmed");
    assert_eq!(
        receiver.receive_token(token.as_deref(), body).unwrap_err(),
        ReceiveError::Duplicate {
            id: "95".to_owned()
        }
    );
}
