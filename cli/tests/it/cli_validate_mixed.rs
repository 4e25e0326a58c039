//! `eventsmith validate` on streams and files that mix Impact Stack and Gigs
//! events, valid and invalid: text lines, `--format json` fields, exit codes.

use eventsmith_codegen::validate::CatalogValidator;
use eventsmith_codegen::{Compiled, Diagnostics};
use serde_json::{Value, json};

use crate::{catalog, eventsmith, stdout};

/// A catalog example, compact.
fn example(relative: &str) -> Value {
    let text = std::fs::read_to_string(catalog().join(relative)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn with(mut value: Value, key: &str, new: Value) -> Value {
    value[key] = new;
    value
}

/// An NDJSON stream, one entry per line.
struct Stream {
    lines: Vec<String>,
}

/// What each line of the mixed stream is, and what validate must say.
fn mixed_stream() -> Stream {
    let gigs_valid = example("gigs/sim.updated/examples/2025-05-22.json");
    let gigs_old_date = with(
        example("gigs/sim.updated/examples/2024-10-28.json"),
        "version",
        json!("2025-03-24"),
    );
    let gigs_null_iccid = example("gigs/sim.updated/examples/invalid/2024-10-28-null-iccid.json");
    let gigs_too_old = with(
        example("gigs/invoice.paid/examples/2024-10-28.json"),
        "version",
        json!("2024-01-01"),
    );
    let impact_valid = example("impact_stack/form_submission_confirmed/examples/1.1.0-utc.json");
    let impact_missing_uuid =
        example("impact_stack/form_submission_confirmed/examples/invalid/1.1.0-missing-uuid.json");
    let unknown = json!({"type": "com.gigs.sim.exploded", "version": "2025-05-22"});
    let lines = vec![
        gigs_valid.to_string(),          // 1 valid
        impact_valid.to_string(),        // 2 valid
        gigs_null_iccid.to_string(),     // 3 invalid: /data/iccid
        String::new(),                   // 4 blank: skipped
        impact_missing_uuid.to_string(), // 5 invalid: required uuid
        gigs_old_date.to_string(),       // 6 valid, read with 2024-10-28
        gigs_too_old.to_string(),        // 7 invalid: no schema that old
        "{\"type\": ".to_owned(),        // 8 not JSON
        unknown.to_string(),             // 9 invalid: unknown type
    ];
    Stream { lines }
}

impl Stream {
    fn text(&self) -> String {
        let mut text = self.lines.join("\n");
        text.push('\n');
        text
    }

    fn value(&self, line: usize) -> Value {
        serde_json::from_str(&self.lines[line - 1]).unwrap()
    }
}

/// The library validator's errors for `value`: (pointer, schema path, message).
fn library_errors(value: &Value) -> Vec<(String, String, String)> {
    let mut diags = Diagnostics::default();
    let compiled = Compiled::load(&catalog(), &mut diags);
    assert!(!diags.has_errors());
    CatalogValidator::new(&compiled)
        .validate(value)
        .errors
        .into_iter()
        .map(|e| (e.instance_path, e.schema_path, e.message))
        .collect()
}

#[test]
fn a_mixed_stream_prints_one_line_per_problem_and_exits_one() {
    let stream = mixed_stream();
    let schemas = catalog();
    let out = eventsmith(
        &["validate", "--schemas", schemas.to_str().unwrap()],
        Some(&stream.text()),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();

    // Line 3: the Gigs SIM's iccid is required and not nullable.
    let iccid = library_errors(&stream.value(3));
    assert_eq!(iccid.len(), 1, "{iccid:?}");
    assert_eq!(iccid[0].0, "/data/iccid");
    // Line 5: the Impact Stack confirmation lacks its uuid.
    let uuid = library_errors(&stream.value(5));
    assert_eq!(uuid.len(), 1, "{uuid:?}");
    assert_eq!(uuid[0].0, "");
    assert!(uuid[0].2.contains("uuid"), "{uuid:?}");

    let expected = [
        format!(
            "-:3: com.gigs.sim.updated@2024-10-28: /data/iccid: {}",
            iccid[0].2
        ),
        format!("-:5: form_submission_confirmed@1.1.0: /: {}", uuid[0].2),
        "-:7: com.gigs.invoice.paid@2024-01-01: /version: com.gigs.invoice.paid: no schema can read version 2024-01-01 (known versions: 2024-10-28, 2025-05-22)".to_owned(),
    ];
    assert_eq!(lines[..3], expected[..], "{text}");
    assert!(
        lines[3].starts_with("-:8: ?@?: /: invalid JSON at line 1"),
        "{text}"
    );
    assert_eq!(
        lines[4],
        "-:9: com.gigs.sim.exploded@2025-05-22: /type: unknown event type \"com.gigs.sim.exploded\"",
        "{text}"
    );
    assert_eq!(lines[5], "3 valid, 5 invalid");
    assert_eq!(lines.len(), 6, "{text}");
}

#[test]
fn a_mixed_stream_in_json_has_the_documented_fields() {
    let stream = mixed_stream();
    let schemas = catalog();
    let out = eventsmith(
        &[
            "validate",
            "--schemas",
            schemas.to_str().unwrap(),
            "--format",
            "json",
            "-",
        ],
        Some(&stream.text()),
    );
    assert_eq!(out.status.code(), Some(1));
    let records: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // One record per non-blank line, in order; no summary line.
    let numbers: Vec<u64> = records
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2, 3, 5, 6, 7, 8, 9]);
    for r in &records {
        let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        for key in [
            "path",
            "line",
            "type",
            "version",
            "schema_version",
            "valid",
            "errors",
        ] {
            assert!(keys.contains(&key), "{key} missing in {r}");
        }
        assert_eq!(r["path"], json!("-"));
        for e in r["errors"].as_array().unwrap() {
            for key in ["instance_path", "schema_path", "message"] {
                assert!(e[key].is_string(), "{key} in {e}");
            }
        }
    }
    let by_line = |n: u64| records.iter().find(|r| r["line"] == json!(n)).unwrap();

    assert_eq!(
        by_line(1),
        &json!({"path": "-", "line": 1, "type": "com.gigs.sim.updated", "version": "2025-05-22",
                "schema_version": "2025-05-22", "valid": true, "errors": []})
    );
    assert_eq!(
        by_line(2),
        &json!({"path": "-", "line": 2, "type": "form_submission_confirmed", "version": "1.1.0",
                "schema_version": "1.1.0", "valid": true, "errors": []})
    );
    // A 2025-03-24 Gigs event is read with the 2024-10-28 schema.
    assert_eq!(by_line(6)["version"], json!("2025-03-24"));
    assert_eq!(by_line(6)["schema_version"], json!("2024-10-28"));
    assert_eq!(by_line(6)["valid"], json!(true));

    let r = by_line(3);
    assert_eq!(
        (&r["type"], &r["version"], &r["schema_version"], &r["valid"]),
        (
            &json!("com.gigs.sim.updated"),
            &json!("2024-10-28"),
            &json!("2024-10-28"),
            &json!(false)
        )
    );
    let errors = r["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    let expected = &library_errors(&stream.value(3))[0];
    assert_eq!(errors[0]["instance_path"], json!("/data/iccid"));
    assert_eq!(errors[0]["keyword"], json!("type"));
    assert_eq!(errors[0]["schema_path"], json!(expected.1));
    assert!(
        expected.1.starts_with("gigs/common/sim.json#"),
        "{expected:?}"
    );
    assert_eq!(errors[0]["message"], json!(expected.2));

    let r = by_line(5);
    assert_eq!(r["schema_version"], json!("1.1.0"));
    assert_eq!(r["errors"][0]["instance_path"], json!(""));
    assert_eq!(r["errors"][0]["keyword"], json!("required"));
    assert!(
        r["errors"][0]["schema_path"]
            .as_str()
            .unwrap()
            .starts_with("impact_stack/form_submission_confirmed/1.1.0.json#"),
        "{r}"
    );

    // Dispatch failures: the version is known, the schema is not.
    let r = by_line(7);
    assert_eq!(
        (&r["type"], &r["version"], &r["schema_version"], &r["valid"]),
        (
            &json!("com.gigs.invoice.paid"),
            &json!("2024-01-01"),
            &Value::Null,
            &json!(false)
        )
    );
    assert_eq!(r["errors"][0]["instance_path"], json!("/version"));
    assert_eq!(r["errors"][0]["keyword"], json!("dispatch"));

    let r = by_line(8);
    assert_eq!(
        (&r["type"], &r["version"], &r["valid"]),
        (&Value::Null, &Value::Null, &json!(false))
    );
    assert_eq!(r["errors"][0]["keyword"], json!("parse"));

    let r = by_line(9);
    assert_eq!(r["type"], json!("com.gigs.sim.exploded"));
    assert_eq!(r["errors"][0]["instance_path"], json!("/type"));
}

#[test]
fn files_and_ndjson_files_mix_sources_too() {
    let dir = std::env::temp_dir().join(format!(
        "eventsmith-cli-validate-mixed-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let stream = mixed_stream();
    let nd = dir.join("events.ndjson");
    std::fs::write(&nd, stream.text()).unwrap();
    let gigs_file = catalog().join("gigs/voucherCode.updated/examples/2024-10-28.json");
    let gigs_invalid =
        catalog().join("gigs/sim.updated/examples/invalid/2024-10-28-null-iccid.json");
    let impact_yaml = catalog().join("impact_stack/form_submission_confirmed/examples/1.1.0.yaml");
    let schemas = catalog();
    let out = eventsmith(
        &[
            "validate",
            "--schemas",
            schemas.to_str().unwrap(),
            gigs_file.to_str().unwrap(),
            nd.to_str().unwrap(),
            impact_yaml.to_str().unwrap(),
            gigs_invalid.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    let nd_shown = nd.display().to_string();
    assert!(
        lines[0].starts_with(&format!(
            "{nd_shown}:3: com.gigs.sim.updated@2024-10-28: /data/iccid: "
        )),
        "{text}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with(&format!(
            "{}: com.gigs.sim.updated@2024-10-28: /data/iccid: ",
            gigs_invalid.display()
        ))),
        "{text}"
    );
    // 3 valid in the stream, the two example files; 5 + 1 invalid.
    assert_eq!(lines.last(), Some(&"5 valid, 6 invalid"), "{text}");

    // All valid: exit 0.
    let out = eventsmith(
        &[
            "validate",
            "--schemas",
            schemas.to_str().unwrap(),
            gigs_file.to_str().unwrap(),
            impact_yaml.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "2 valid, 0 invalid\n");
}
