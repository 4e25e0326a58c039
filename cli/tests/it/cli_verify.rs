//! The `eventsmith verify` contract: exit 0 authentic, 1 not (naming the
//! rule that failed), 2 usage errors; `--validate` checks an authentic body
//! as an event with `validate`'s output shape.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use eventsmith_codegen::validate::CatalogValidator;
use eventsmith_codegen::{Compiled, Diagnostics};
use eventsmith_webhook::{Secret, Verifier};
use serde_json::Value;

use crate::{catalog, stdout};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW: i64 = 1_614_265_330;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_eventsmith"));
    cmd.arg("verify")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        input.write_all(bytes).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> Option<i32> {
    o.status.code()
}

/// A fresh directory for one test's files.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "eventsmith-cli-verify-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

fn signer() -> Verifier {
    Verifier::new(Secret::new(SECRET).unwrap())
}

/// `--header` arguments of a delivery `id` of `body` signed at `timestamp`.
fn signed_headers(id: &str, timestamp: i64, body: &[u8]) -> Vec<String> {
    vec![
        format!("webhook-id: {id}"),
        format!("webhook-timestamp: {timestamp}"),
        format!("webhook-signature: {}", signer().sign(id, timestamp, body)),
    ]
}

/// Runs `verify --secret SECRET --now NOW` with `headers`, `extra` flags and
/// the body file `body`.
fn verify(headers: &[String], extra: &[&str], body: &str) -> Output {
    let now = NOW.to_string();
    let mut args = vec!["--secret", SECRET, "--now", now.as_str()];
    for h in headers {
        args.push("--header");
        args.push(h);
    }
    args.extend_from_slice(extra);
    args.push(body);
    run(&args, None)
}

/// Asserts exit 1 with `BODY: not authentic: RULE: ...`.
fn assert_rejected(out: &Output, body: &str, rule: &str, detail: &str) {
    assert_eq!(code(out), Some(1), "{}{}", stdout(out), stderr(out));
    let text = stdout(out);
    let prefix = format!("{body}: not authentic: {rule}: ");
    assert!(
        text.starts_with(&prefix),
        "expected {prefix:?}…, got {text:?}"
    );
    assert!(text.contains(detail), "expected {detail:?} in {text:?}");
    assert_eq!(text.lines().count(), 1, "{text}");
}

fn assert_authentic(out: &Output, body: &str, id: &str, timestamp: i64) {
    assert_eq!(code(out), Some(0), "{}{}", stdout(out), stderr(out));
    assert_eq!(
        stdout(out),
        format!("{body}: authentic: webhook-id {id} at {timestamp}\n")
    );
}

// ------------------------------------------------------------ the vectors

struct Vector {
    secret: String,
    msg_id: String,
    timestamp: String,
    body: Vec<u8>,
    signature: String,
    now: i64,
    tolerance: u64,
}

fn vectors() -> Vec<Vector> {
    let text =
        std::fs::read_to_string(root().join("webhook/tests/data/standard-webhooks/vectors.json"))
            .unwrap();
    let list: Vec<Value> = serde_json::from_str(&text).unwrap();
    list.iter()
        .map(|v| {
            let s = |k: &str| v[k].as_str().unwrap().to_owned();
            let body = match &v["payload"] {
                Value::String(p) => p.clone().into_bytes(),
                _ => {
                    let repeat = &v["payload_repeat"];
                    let unit = repeat["char"].as_str().unwrap();
                    let count = repeat["count"].as_u64().unwrap();
                    unit.repeat(usize::try_from(count).unwrap()).into_bytes()
                }
            };
            assert_eq!(v["expect"], "valid");
            Vector {
                secret: s("secret"),
                msg_id: s("msg_id"),
                timestamp: s("timestamp"),
                body,
                signature: s("signature"),
                now: v["now"].as_i64().unwrap(),
                tolerance: v["tolerance_s"].as_u64().unwrap(),
            }
        })
        .collect()
}

#[test]
fn every_reference_vector_is_authentic_and_a_changed_byte_is_not() {
    let dir = temp_dir("vectors");
    let list = vectors();
    assert!(list.len() >= 6, "{} vectors", list.len());
    for (i, v) in list.iter().enumerate() {
        let body = write(&dir, &format!("{i}.body"), &v.body);
        let now = v.now.to_string();
        let tolerance = v.tolerance.to_string();
        for names in [
            ["webhook-id", "webhook-timestamp", "webhook-signature"],
            ["Svix-Id", "SVIX-TIMESTAMP", "svix-signature"],
        ] {
            let headers = [
                format!("{}: {}", names[0], v.msg_id),
                format!("{}: {}", names[1], v.timestamp),
                format!("{}: {}", names[2], v.signature),
            ];
            let mut args = vec![
                "--secret",
                v.secret.as_str(),
                "--now",
                &now,
                "--tolerance",
                &tolerance,
            ];
            for h in &headers {
                args.extend(["--header", h.as_str()]);
            }
            args.push(&body);
            let out = run(&args, None);
            let ts: i64 = v.timestamp.parse().unwrap();
            assert_authentic(&out, &body, &v.msg_id, ts);
        }

        let mut changed = v.body.clone();
        changed[0] ^= 1;
        let changed_file = write(&dir, &format!("{i}-changed.body"), &changed);
        let headers = [
            format!("webhook-id: {}", v.msg_id),
            format!("webhook-timestamp: {}", v.timestamp),
            format!("webhook-signature: {}", v.signature),
        ];
        let mut args = vec!["--secret", v.secret.as_str(), "--now", &now];
        for h in &headers {
            args.extend(["--header", h.as_str()]);
        }
        args.push(&changed_file);
        assert_rejected(
            &run(&args, None),
            &changed_file,
            "signature-mismatch",
            "none of the 1 `v1` signature(s) matches",
        );
    }
}

// ------------------------------------------------------------- exit 0 / 1

#[test]
fn the_body_can_come_from_standard_input() {
    let body = br#"{"test": 2432232314}"#;
    let headers = signed_headers("msg_stdin", NOW, body);
    let now = NOW.to_string();
    let mut args = vec!["--secret", SECRET, "--now", now.as_str()];
    for h in &headers {
        args.extend(["--header", h.as_str()]);
    }
    let out = run(&args, Some(body));
    assert_authentic(&out, "-", "msg_stdin", NOW);
    args.push("-");
    let out = run(&args, Some(body));
    assert_authentic(&out, "-", "msg_stdin", NOW);
    // One byte more on stdin is another body.
    let out = run(&args, Some(br#"{"test": 2432232314} "#));
    assert_rejected(&out, "-", "signature-mismatch", "signature");
}

#[test]
fn non_utf8_bodies_are_checked_byte_for_byte() {
    let dir = temp_dir("binary");
    let bytes = [0xff, 0xfe, 0x00, b'{', 0x80];
    let body = write(&dir, "body.bin", &bytes);
    let out = verify(&signed_headers("msg_bin", NOW, &bytes), &[], &body);
    assert_authentic(&out, &body, "msg_bin", NOW);
    let out = verify(&signed_headers("msg_bin", NOW, &bytes[..4]), &[], &body);
    assert_rejected(&out, &body, "signature-mismatch", "signature");
}

#[test]
fn missing_and_empty_headers_name_the_rule() {
    let dir = temp_dir("headers");
    let bytes = b"{}";
    let body = write(&dir, "body.json", bytes);
    let all = signed_headers("msg_1", NOW, bytes);
    for (skip, name) in [
        (0, "webhook-id"),
        (1, "webhook-timestamp"),
        (2, "webhook-signature"),
    ] {
        let headers: Vec<String> = all
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, h)| h.clone())
            .collect();
        let out = verify(&headers, &[], &body);
        assert_rejected(
            &out,
            &body,
            "missing-header",
            &format!("missing header `{name}`"),
        );
    }
    let mut headers = signed_headers("", NOW, bytes);
    headers[0] = "webhook-id:".to_owned();
    assert_rejected(&verify(&headers, &[], &body), &body, "empty-id", "is empty");
}

#[test]
fn bad_timestamps_name_the_rule() {
    let dir = temp_dir("timestamps");
    let bytes = b"{}";
    let body = write(&dir, "body.json", bytes);
    for bad in [
        "",
        "16142653a0",
        "-1614265330",
        "1614265330.0",
        "99999999999999999999",
    ] {
        let mut headers = signed_headers("msg_1", NOW, bytes);
        headers[1] = format!("webhook-timestamp: {bad}");
        let out = verify(&headers, &[], &body);
        assert_rejected(&out, &body, "invalid-timestamp", "`webhook-timestamp`");
    }
}

#[test]
fn the_tolerance_is_inclusive_in_both_directions() {
    let dir = temp_dir("tolerance");
    let bytes = b"{}";
    let body = write(&dir, "body.json", bytes);
    for offset in [-300, 0, 300] {
        let ts = NOW + offset;
        assert_authentic(
            &verify(&signed_headers("msg_1", ts, bytes), &[], &body),
            &body,
            "msg_1",
            ts,
        );
    }
    let out = verify(&signed_headers("msg_1", NOW - 301, bytes), &[], &body);
    assert_rejected(
        &out,
        &body,
        "timestamp-too-old",
        "301 s before now (1614265330), more than the 300 s tolerance",
    );
    let out = verify(&signed_headers("msg_1", NOW + 301, bytes), &[], &body);
    assert_rejected(
        &out,
        &body,
        "timestamp-too-new",
        "301 s after now (1614265330), more than the 300 s tolerance",
    );

    // --tolerance moves the edge.
    let ts = NOW - 10;
    let out = verify(
        &signed_headers("msg_1", ts, bytes),
        &["--tolerance", "10"],
        &body,
    );
    assert_authentic(&out, &body, "msg_1", ts);
    let out = verify(
        &signed_headers("msg_1", NOW - 11, bytes),
        &["--tolerance", "10"],
        &body,
    );
    assert_rejected(
        &out,
        &body,
        "timestamp-too-old",
        "more than the 10 s tolerance",
    );
}

#[test]
fn without_now_the_system_clock_is_used() {
    let dir = temp_dir("clock");
    let bytes = b"{}";
    let body = write(&dir, "body.json", bytes);
    let headers = signed_headers("msg_1", NOW, bytes);
    let mut args = vec!["--secret", SECRET];
    for h in &headers {
        args.extend(["--header", h.as_str()]);
    }
    args.push(&body);
    // NOW is in 2021: far too old for today's clock.
    assert_rejected(&run(&args, None), &body, "timestamp-too-old", "tolerance");
}

#[test]
fn signature_lists_skip_other_versions_and_need_one_matching_v1() {
    let dir = temp_dir("signatures");
    let bytes = br#"{"a":1}"#;
    let body = write(&dir, "body.json", bytes);
    let good = signer().sign("msg_1", NOW, bytes);
    let encoded = good.strip_prefix("v1,").unwrap();
    let with_signature = |value: &str| {
        let mut headers = signed_headers("msg_1", NOW, bytes);
        headers[2] = format!("webhook-signature: {value}");
        verify(&headers, &[], &body)
    };

    let wrong = signer().sign("msg_1", NOW, b"other");
    for list in [
        format!("v1a,{encoded} {good}"),
        format!("{wrong} {good}"),
        format!("v2,{encoded} v1,AAAA {good} v1,{}", &encoded[..10]),
    ] {
        assert_authentic(&with_signature(&list), &body, "msg_1", NOW);
    }

    let out = with_signature(&format!("v1a,{encoded} v2,{encoded}"));
    assert_rejected(&out, &body, "no-v1-signature", "no `v1` signature");
    assert_rejected(
        &with_signature(""),
        &body,
        "no-signatures",
        "holds no signatures",
    );
    assert_rejected(
        &with_signature("   "),
        &body,
        "no-signatures",
        "holds no signatures",
    );

    let truncated = format!("v1,{}", &encoded[..encoded.len() - 4]);
    assert_rejected(
        &with_signature(&truncated),
        &body,
        "signature-mismatch",
        "none of the 1",
    );
    let not_base64 = format!("v1,{}!", &encoded[..encoded.len() - 1]);
    assert_rejected(
        &with_signature(&not_base64),
        &body,
        "signature-mismatch",
        "none of the 1",
    );
    let two_wrong = format!("{wrong} v1,{}", "A".repeat(43) + "=");
    assert_rejected(
        &with_signature(&two_wrong),
        &body,
        "signature-mismatch",
        "none of the 2",
    );
}

#[test]
fn a_bare_base64_secret_is_the_same_key() {
    let dir = temp_dir("bare");
    let bytes = b"{}";
    let body = write(&dir, "body.json", bytes);
    let bare = SECRET.strip_prefix("whsec_").unwrap();
    let now = NOW.to_string();
    let headers = signed_headers("msg_1", NOW, bytes);
    let mut args = vec!["--secret", bare, "--now", now.as_str()];
    for h in &headers {
        args.extend(["--header", h.as_str()]);
    }
    args.push(&body);
    assert_authentic(&run(&args, None), &body, "msg_1", NOW);
}

// ------------------------------------------------------------------ exit 2

fn assert_usage(out: &Output, message: &str) {
    assert_eq!(code(out), Some(2), "{}{}", stdout(out), stderr(out));
    assert!(
        stderr(out).contains(message),
        "expected {message:?} in {:?}",
        stderr(out)
    );
    assert_eq!(stdout(out), "");
}

#[test]
fn empty_or_undecodable_secrets_are_usage_errors() {
    let dir = temp_dir("secrets");
    let bytes = b"{}";
    let body = write(&dir, "body.json", bytes);
    let headers = signed_headers("msg_1", NOW, bytes);
    let now = NOW.to_string();
    for (secret, message) in [
        ("", "--secret: webhook secret is empty"),
        ("whsec_", "decodes to an empty key"),
        (
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS",
            "not `whsec_` + standard padded base64",
        ),
        ("whsec_MfKQ9r8GKYqrTwjUPD8IL!ZIo2LaLaSw", "at byte 27"),
        ("whpk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "public key"),
    ] {
        let mut args = vec!["--secret", secret, "--now", now.as_str()];
        for h in &headers {
            args.extend(["--header", h.as_str()]);
        }
        args.push(&body);
        let out = run(&args, None);
        assert_usage(&out, message);
        // The secret is never echoed.
        if secret.len() > 6 {
            assert!(!stderr(&out).contains(&secret[6..]), "{}", stderr(&out));
        }
    }
}

#[test]
fn malformed_headers_and_arguments_are_usage_errors() {
    let dir = temp_dir("usage");
    let body = write(&dir, "body.json", b"{}");
    let now = NOW.to_string();
    for (header, message) in [
        (
            "webhook-id msg_1",
            "expected `NAME: VALUE` (no colon found)",
        ),
        (": msg_1", "the header name is empty"),
        ("webhook id: msg_1", "the header name contains whitespace"),
    ] {
        let out = run(
            &["--secret", SECRET, "--now", &now, "--header", header, &body],
            None,
        );
        assert_usage(&out, message);
    }
    let missing = dir.join("missing.json");
    let out = run(&["--secret", SECRET, missing.to_str().unwrap()], None);
    assert_usage(&out, "cannot read");
    assert_usage(&run(&[&body], None), "--secret");
    assert_usage(
        &run(&["--secret", SECRET, "--now", "soon", &body], None),
        "--now",
    );
    assert_usage(
        &run(&["--secret", SECRET, "--tolerance=-1", &body], None),
        "--tolerance",
    );
    let out = run(
        &[
            "--secret",
            SECRET,
            "--validate",
            "--schemas",
            dir.join("nowhere").to_str().unwrap(),
            &body,
        ],
        None,
    );
    assert_usage(&out, "does not exist");
}

// -------------------------------------------------------------- --validate

/// What `validate` prints for `path` holding `value`, computed with the
/// library's validator.
fn expected_lines(shown: &str, value: &Value) -> (bool, Vec<String>) {
    let mut diags = Diagnostics::default();
    let compiled = Compiled::load(&catalog(), &mut diags);
    assert!(!diags.has_errors());
    let outcome = CatalogValidator::new(&compiled).validate(value);
    let t = outcome.event_type.clone().unwrap_or_else(|| "?".to_owned());
    let v = outcome.version.clone().unwrap_or_else(|| "?".to_owned());
    let lines = outcome
        .errors
        .iter()
        .map(|e| {
            let ptr = if e.instance_path.is_empty() {
                "/"
            } else {
                &e.instance_path
            };
            format!("{shown}: {t}@{v}: {ptr}: {}", e.message)
        })
        .collect();
    (outcome.valid, lines)
}

#[test]
fn validate_accepts_an_authentic_valid_event() {
    let file = catalog().join("gigs/sim.updated/examples/2025-05-22.json");
    let bytes = std::fs::read(&file).unwrap();
    let body = file.to_str().unwrap();
    let schemas = catalog();
    let out = verify(
        &signed_headers("msg_sim", NOW, &bytes),
        &["--validate", "--schemas", schemas.to_str().unwrap()],
        body,
    );
    assert_eq!(code(&out), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("{body}: authentic: webhook-id msg_sim at {NOW}\n1 valid, 0 invalid\n")
    );
}

#[test]
fn validate_reports_an_authentic_invalid_event_like_validate() {
    let schemas = catalog();
    for example in [
        "gigs/sim.updated/examples/invalid/2024-10-28-null-iccid.json",
        "gigs/sim.updated/examples/invalid/2025-05-22-missing-created-at.json",
        "impact_stack/form_submission_confirmed/examples/invalid/1.1.0-missing-uuid.json",
    ] {
        let file = schemas.join(example);
        let bytes = std::fs::read(&file).unwrap();
        let body = file.to_str().unwrap();
        let out = verify(
            &signed_headers("msg_bad", NOW, &bytes),
            &["--validate", "--schemas", schemas.to_str().unwrap()],
            body,
        );
        assert_eq!(code(&out), Some(1), "{}{}", stdout(&out), stderr(&out));
        let value: Value = serde_json::from_slice(&bytes).unwrap();
        let (valid, errors) = expected_lines(body, &value);
        assert!(!valid);
        assert!(!errors.is_empty());
        let mut expected = vec![format!("{body}: authentic: webhook-id msg_bad at {NOW}")];
        expected.extend(errors);
        expected.push("0 valid, 1 invalid".to_owned());
        assert_eq!(stdout(&out).lines().collect::<Vec<_>>(), expected);
    }
}

#[test]
fn validate_reports_an_unknown_type_and_a_body_that_is_not_json() {
    let dir = temp_dir("validate");
    let schemas = catalog();
    let schemas = schemas.to_str().unwrap();

    let unknown = br#"{"type": "com.gigs.sim.exploded", "version": "2025-05-22"}"#;
    let body = write(&dir, "unknown.json", unknown);
    let out = verify(
        &signed_headers("msg_u", NOW, unknown),
        &["--validate", "--schemas", schemas],
        &body,
    );
    assert_eq!(code(&out), Some(1));
    let (_, lines) = expected_lines(&body, &serde_json::from_slice(unknown).unwrap());
    assert_eq!(lines.len(), 1);
    assert!(
        lines[0].contains("unknown event type \"com.gigs.sim.exploded\""),
        "{lines:?}"
    );
    assert_eq!(stdout(&out).lines().nth(1), Some(lines[0].as_str()));

    let not_json = b"\xff not json";
    let body = write(&dir, "binary.json", not_json);
    let out = verify(
        &signed_headers("msg_b", NOW, not_json),
        &["--validate", "--schemas", schemas],
        &body,
    );
    assert_eq!(code(&out), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[1].starts_with(&format!("{body}: ?@?: /: invalid JSON")),
        "{text}"
    );
    assert_eq!(lines[2], "0 valid, 1 invalid");
}

#[test]
fn validate_does_not_run_on_a_body_that_is_not_authentic() {
    let file = catalog().join("gigs/sim.updated/examples/2025-05-22.json");
    let body = file.to_str().unwrap();
    let schemas = catalog();
    let out = verify(
        &signed_headers("msg_sim", NOW, b"something else"),
        &["--validate", "--schemas", schemas.to_str().unwrap()],
        body,
    );
    assert_rejected(&out, body, "signature-mismatch", "signature");
    assert!(!stdout(&out).contains("valid,"));
}
