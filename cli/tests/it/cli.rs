//! The `eventsmith validate` / `generate` / `examples` contract: exit codes,
//! text lines and JSON fields.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::{catalog, eventsmith, stdout};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("eventsmith-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn confirmed(version: &str, uuid: &str) -> Value {
    json!({"id": 95, "type": "form_submission_confirmed", "version": version, "date": "2021-03-31T11:26:34", "uuid": uuid})
}

const UUID: &str = "e9cb75da-efcf-4dd3-9025-f7f1167b5eec";

#[test]
fn valid_files_exit_zero_with_a_summary() {
    let s = catalog();
    let file = s.join("impact_stack/form_submission_confirmed/examples/1.1.0.yaml");
    let out = eventsmith(
        &[
            "validate",
            "--schemas",
            s.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout(&out), "1 valid, 0 invalid\n");
}

#[test]
fn invalid_events_exit_one_with_one_line_per_problem() {
    let s = catalog();
    let stream = format!(
        "{}\n{}\n\nnot json\n{}\n",
        confirmed("1.1.0", UUID),
        confirmed("1.1.0", "not-a-uuid"),
        json!({"id": 1, "type": "petition", "version": "1.0.0"})
    );
    let out = eventsmith(
        &["validate", "--schemas", s.to_str().unwrap()],
        Some(&stream),
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "-:2: form_submission_confirmed@1.1.0: /uuid: expected a valid uuid, got \"not-a-uuid\""
    );
    assert!(
        lines[1].starts_with("-:4: ?@?: /: invalid JSON at line 1 column 2"),
        "{}",
        lines[1]
    );
    assert_eq!(
        lines[2],
        "-:5: petition@1.0.0: /type: unknown event type \"petition\""
    );
    assert_eq!(lines[3], "1 valid, 3 invalid");
    assert_eq!(lines.len(), 4);
}

#[test]
fn json_format_has_the_documented_fields() {
    let s = catalog();
    let stream = format!(
        "{}\n{}\n",
        confirmed("1.1.5", UUID),
        confirmed("1.1.0", "nope")
    );
    let out = eventsmith(
        &[
            "validate",
            "--schemas",
            s.to_str().unwrap(),
            "--format",
            "json",
            "-",
        ],
        Some(&stream),
    );
    assert_eq!(out.status.code(), Some(1));
    let records: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2);
    assert_eq!(
        records[0],
        json!({"path": "-", "line": 1, "type": "form_submission_confirmed", "version": "1.1.5", "schema_version": "1.1.0", "valid": true, "errors": []})
    );
    let r = &records[1];
    assert_eq!(r["valid"], json!(false));
    assert_eq!(r["line"], json!(2));
    let e = &r["errors"][0];
    assert_eq!(e["instance_path"], json!("/uuid"));
    assert!(
        e["schema_path"].as_str().unwrap().ends_with("/uuid/format"),
        "{e}"
    );
    assert_eq!(e["message"], json!("expected a valid uuid, got \"nope\""));
}

#[test]
fn ndjson_files_report_line_numbers_and_json_files_one_event() {
    let dir = temp_dir("files");
    let nd = dir.join("events.ndjson");
    std::fs::write(
        &nd,
        format!(
            "{}\n{}\n",
            confirmed("1.1.0", UUID),
            confirmed("9.0.0", UUID)
        ),
    )
    .unwrap();
    let single = dir.join("one.json");
    std::fs::write(&single, confirmed("1.1.0", UUID).to_string()).unwrap();
    let s = catalog();
    let out = eventsmith(
        &[
            "validate",
            "--schemas",
            s.to_str().unwrap(),
            nd.to_str().unwrap(),
            single.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains(&format!("{}:2: form_submission_confirmed@9.0.0: /version: form_submission_confirmed: no schema can read version 9.0.0 (known versions: 1.1.0)", nd.display())),
        "{text}"
    );
    assert!(text.ends_with("2 valid, 1 invalid\n"), "{text}");
}

#[test]
fn usage_errors_exit_two() {
    let s = catalog();
    let cases: Vec<Vec<String>> = vec![
        vec![
            "validate".into(),
            "--schemas".into(),
            "/nonexistent/catalog".into(),
        ],
        vec![
            "validate".into(),
            "--schemas".into(),
            s.display().to_string(),
            "/nonexistent/file.json".into(),
        ],
        vec![
            "validate".into(),
            "--schemas".into(),
            s.display().to_string(),
            "file.txt".into(),
        ],
        vec!["validate".into(), "--no-such-flag".into()],
        vec!["no-such-command".into()],
    ];
    for args in cases {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = eventsmith(&refs, Some(""));
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn a_broken_catalog_exits_two_with_diagnostics() {
    let dir = temp_dir("broken");
    let source = dir.join("demo");
    std::fs::create_dir_all(source.join("thing")).unwrap();
    std::fs::write(source.join("source.yaml"), "versioning: semver\n").unwrap();
    std::fs::write(
        source.join("thing/1.0.0.json"),
        r#"{"type": "object", "properties": {"a": {"$ref": "missing.json"}}}"#,
    )
    .unwrap();
    let out = eventsmith(&["validate", "--schemas", dir.to_str().unwrap()], Some(""));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error[unresolved-ref]"), "{err}");
    assert!(err.contains("thing/1.0.0.json"), "{err}");
}

#[test]
fn help_exists_for_every_command() {
    for cmd in ["validate", "generate", "examples"] {
        let out = eventsmith(&[cmd, "--help"], None);
        assert_eq!(out.status.code(), Some(0), "{cmd}");
        assert!(stdout(&out).contains("--schemas"), "{cmd}");
    }
}

#[test]
fn generate_writes_the_bindings_and_examples_proves_the_catalog() {
    let dir = temp_dir("generate");
    let s = catalog();
    let out = eventsmith(
        &[
            "generate",
            "--schemas",
            s.to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let code = std::fs::read_to_string(dir.join("eventsmith.rs")).unwrap();
    assert!(code.starts_with("// @generated"));
    assert!(code.contains("pub mod impact_stack"));
    let out = eventsmith(&["examples", "--schemas", s.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains(", 0 failing"));
}

// ------------------------------------------------------------------ docs

fn hostile_catalog() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../codegen/tests/docs/hostile")
}

#[test]
fn docs_writes_the_site_says_where_and_rewrites_only_what_changed() {
    let out = temp_dir("docs");
    let args = |title: &'static str| {
        let c = hostile_catalog();
        let o = out.clone();
        move || {
            eventsmith(
                &[
                    "docs",
                    "--schemas",
                    c.to_str().unwrap(),
                    "--out",
                    o.to_str().unwrap(),
                    "--title",
                    title,
                ],
                None,
            )
        }
    };
    let first = args("Vendor events")();
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let text = stdout(&first);
    assert!(
        text.contains("wrote ") && text.contains("12 files"),
        "{text}"
    );
    assert!(
        text.contains(&format!("open {}", out.join("index.html").display())),
        "{text}"
    );
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("<title>Vendor events</title>"));
    assert!(out.join("evil/x_event/1.1.0.schema.json").is_file());
    let again = stdout(&args("Vendor events")());
    assert!(
        again.contains("(0 changed, 12 unchanged, 0 stale removed)"),
        "{again}"
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn docs_on_a_missing_or_broken_catalog_exits_2() {
    let out = temp_dir("docs-broken");
    let missing = eventsmith(
        &[
            "docs",
            "--schemas",
            "/nonexistent/catalog",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("does not exist"));
    let broken = temp_dir("docs-broken-catalog");
    std::fs::create_dir_all(broken.join("acme/thing")).unwrap();
    std::fs::write(
        broken.join("acme/source.yaml"),
        "title: Acme\nversioning: semver\ntype_field: type\nversion_field: version\n",
    )
    .unwrap();
    std::fs::write(
        broken.join("acme/thing/1.0.0.json"),
        r#"{"type": "object", "properties": {"a": {"$ref": "missing.json"}}}"#,
    )
    .unwrap();
    let o = eventsmith(
        &[
            "docs",
            "--schemas",
            broken.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        !out.join("index.html").exists(),
        "nothing is written for a broken catalog"
    );
    let _ = std::fs::remove_dir_all(&out);
    let _ = std::fs::remove_dir_all(&broken);
}

/// GitHub's payloads do not say their event type: `--type` gives it, as the
/// `X-GitHub-Event` header does; the payload's `action` picks the schema.
#[test]
fn validate_takes_the_event_type_from_the_command_line() {
    let s = catalog();
    let file = s.join("github/pull_request/examples/opened.json");
    let run = |extra: &[&str]| {
        let mut a = vec![
            "validate",
            "--format",
            "json",
            "--schemas",
            s.to_str().unwrap(),
        ];
        a.extend_from_slice(extra);
        a.push(file.to_str().unwrap());
        eventsmith(&a, None)
    };
    let out = run(&["--type", "pull_request"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let line: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(line["type"], "pull_request");
    assert_eq!(line["schema_version"], "opened");
    assert_eq!(line["valid"], true);
    // Without it, dispatch says where the type comes from.
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(1));
    let line: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(line["errors"][0]["keyword"], "dispatch");
    let message = line["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("the X-GitHub-Event header"), "{message}");
    // A type of the wrong event: the `action` names no schema of it.
    let out = run(&["--type", "star"]);
    assert_eq!(out.status.code(), Some(1));
    let line: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(line["errors"][0]["instance_path"], "/action");
}

/// A version given outside the payload (an endpoint's API version).
#[test]
fn validate_takes_the_version_from_the_command_line() {
    let dir = temp_dir("given-version");
    let source = dir.join("api");
    std::fs::create_dir_all(source.join("charge")).unwrap();
    std::fs::write(
        source.join("source.yaml"),
        "title: API\nversioning: integer\ntype_field: kind\nversion_from: { header: Api-Version }\n",
    )
    .unwrap();
    std::fs::write(
        source.join("charge/1.json"),
        r#"{"type": "object", "required": ["kind"]}"#,
    )
    .unwrap();
    std::fs::write(
        source.join("charge/2.json"),
        r#"{"type": "object", "required": ["kind", "amount"]}"#,
    )
    .unwrap();
    let payload = dir.join("charge.json");
    std::fs::write(&payload, r#"{"kind": "charge"}"#).unwrap();
    let run = |version: &str| {
        eventsmith(
            &[
                "validate",
                "--schemas",
                dir.to_str().unwrap(),
                "--version",
                version,
                payload.to_str().unwrap(),
            ],
            None,
        )
    };
    assert_eq!(run("1").status.code(), Some(0), "{}", stdout(&run("1")));
    let two = run("2");
    assert_eq!(two.status.code(), Some(1));
    assert!(stdout(&two).contains("charge@2: /: "), "{}", stdout(&two));
}
