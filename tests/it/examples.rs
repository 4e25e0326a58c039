//! Every example of the shipped catalog through the compiled bindings:
//! valid ones decode and round-trip, invalid ones fail exactly as recorded,
//! and the generated validators agree with the generator's interpreter.

use eventsmith::event::Given;
use eventsmith::{EventError, EventSource, Options};
use eventsmith_codegen::load::catalog::Expectation;
use eventsmith_codegen::validate::CatalogValidator;
use serde_json::Value;

/// Dispatches `value` as its source does; GitHub's event type is given
/// (the `X-GitHub-Event` header), the others' are in the payload.
fn decode(source: &str, event_type: &str, value: Value) -> Result<Value, EventError> {
    match source {
        "impact_stack" => eventsmith::impact_stack::Event::from_json(value)
            .map(|e| serde_json::to_value(&e).unwrap()),
        "gigs" => {
            eventsmith::gigs::Event::from_json(value).map(|e| serde_json::to_value(&e).unwrap())
        }
        "github" => eventsmith::event::from_value::<eventsmith::github::Event>(
            &value,
            &Given::event_type(event_type),
            &Options::default(),
        )
        .map(|e| serde_json::to_value(&e).unwrap()),
        other => panic!("the test does not know source {other}"),
    }
}

fn validate_exact(
    source: &str,
    event_type: &str,
    version: &str,
    value: &Value,
) -> Result<(), eventsmith::Errors> {
    let result = match source {
        "impact_stack" => {
            eventsmith::impact_stack::Event::validate_exact(event_type, version, value)
        }
        "gigs" => eventsmith::gigs::Event::validate_exact(event_type, version, value),
        "github" => eventsmith::github::Event::validate_exact(event_type, version, value),
        other => panic!("the test does not know source {other}"),
    };
    result.unwrap_or_else(|| panic!("no schema {event_type}@{version}"))
}

#[test]
fn every_example_behaves_as_recorded_in_the_compiled_bindings() {
    let compiled = super::compiled();
    let interpreter = CatalogValidator::new(&compiled);
    let mut checked = 0;
    for (si, source) in compiled.catalog.sources.iter().enumerate() {
        for (ei, event) in source.events.iter().enumerate() {
            for (vi, version) in event.versions.iter().enumerate() {
                for example in &version.examples {
                    let name = example.path.display().to_string();
                    let v = version.version.to_string();
                    let exact = validate_exact(&source.name, &event.type_value, &v, &example.value);
                    let interpreted = interpreter.validate_version(si, ei, vi, &example.value);
                    // Same errors, same words, same schema paths in both back ends.
                    assert_eq!(
                        exact.clone().err().map(|e| e.0).unwrap_or_default(),
                        interpreted,
                        "{name}: generated and interpreted validators differ"
                    );
                    match &example.expect {
                        Expectation::Valid => {
                            assert!(exact.is_ok(), "{name}: expected valid, got {exact:?}");
                            // Dispatch finds the same schema, and the typed event round-trips.
                            let round_trip =
                                decode(&source.name, &event.type_value, example.value.clone())
                                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                            assert_eq!(
                                round_trip, example.value,
                                "{name}: serializing the typed event changed the JSON"
                            );
                        }
                        Expectation::Invalid { errors, reason } => {
                            let got = exact.expect_err(&name);
                            let mut pairs: Vec<(String, String)> = got
                                .iter()
                                .map(|e| (e.instance_path.clone(), e.keyword.clone()))
                                .collect();
                            pairs.sort();
                            assert_eq!(&pairs, errors, "{name} ({reason})");
                            // Through dispatch the payload is refused as well.
                            assert!(
                                decode(&source.name, &event.type_value, example.value.clone())
                                    .is_err(),
                                "{name}: dispatch accepted it"
                            );
                        }
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 600, "only {checked} examples found");
}

/// The seven documented Impact Stack payloads: five pass, two are recorded
/// mismatches with their exact errors (see schemas/impact_stack/*/examples/invalid/expected.yaml).
#[test]
fn documented_impact_stack_examples_are_ground_truth() {
    let dir = super::catalog_dir().join("impact_stack");
    let documented = [
        ("form_submission_confirmed/examples/1.1.0.yaml", None),
        ("donation/examples/2.1.0.yaml", None),
        ("contact_update/examples/2.1.0-form.yaml", None),
        ("contact_update/examples/2.1.0-mp.yaml", None),
        ("payment_success/examples/1.1.0.yaml", None),
        (
            "form_submission/examples/invalid/1.1.0-documented.yaml",
            Some(("/optins/30/operation", "enum")),
        ),
        (
            "payment_status_change/examples/invalid/1.1.0-documented.yaml",
            Some(("", "required")),
        ),
    ];
    for (file, expected) in documented {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("# Source: impact-stack-docs"),
            "{file} must name its source"
        );
        let doc = eventsmith_codegen::load::document::parse(
            &path,
            &text,
            eventsmith_codegen::load::document::Syntax::Yaml,
        )
        .unwrap();
        let result = eventsmith::impact_stack::Event::from_json(doc.value);
        match (expected, result) {
            (None, Ok(_)) => {}
            (Some((pointer, keyword)), Err(EventError::Invalid { errors, .. })) => {
                assert_eq!(errors.len(), 1, "{file}: {errors}");
                assert_eq!(
                    (
                        errors.0[0].instance_path.as_str(),
                        errors.0[0].keyword.as_str()
                    ),
                    (pointer, keyword),
                    "{file}"
                );
            }
            (expected, got) => panic!("{file}: expected {expected:?}, got {got:?}"),
        }
    }
}
