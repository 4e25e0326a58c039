//! `eventsmith validate` under hostile input: every bad event is reported
//! with its line, the stream goes on, the limits (`--max-bytes`,
//! `--max-depth`) hold, and nothing crashes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

fn catalog() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../schemas")
        .to_string_lossy()
        .into_owned()
}

/// Runs `eventsmith` with `stdin` written from another thread, so a large
/// input cannot deadlock against a full stdout pipe.
fn eventsmith(args: &[&str], stdin: Vec<u8>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_eventsmith"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        // The child may stop reading early; a broken pipe is fine.
        let _ = input.write_all(&stdin);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// `validate --format json` over `stdin`: the exit code and one record per event.
fn validate_json(extra: &[&str], stdin: Vec<u8>) -> (Option<i32>, Vec<Value>) {
    let s = catalog();
    let mut args = vec!["validate", "--schemas", s.as_str(), "--format", "json"];
    args.extend_from_slice(extra);
    let out = eventsmith(&args, stdin);
    assert!(
        out.stderr.is_empty() || out.status.code() == Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (out.status.code(), records)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "eventsmith-cli-robust-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn event(id: u64) -> Value {
    json!({"id": id, "type": "form_submission_confirmed", "version": "1.1.0", "date": "2021-03-31T11:26:34",
           "uuid": "e9cb75da-efcf-4dd3-9025-f7f1167b5eec"})
}

/// `event(id)` with `raw` spliced in as the member `note`.
fn event_with(id: u64, raw: &str) -> Vec<u8> {
    let mut text = event(id).to_string();
    text.pop();
    text.push_str(&format!(",\"note\":{raw}}}"));
    text.into_bytes()
}

fn first_message(record: &Value) -> &str {
    record["errors"][0]["message"].as_str().unwrap_or_default()
}

#[test]
fn every_hostile_line_is_reported_with_its_number_and_the_stream_goes_on() {
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let lines: Vec<Vec<u8>> = vec![
        event(1).to_string().into_bytes(), // 1 valid
        b"".to_vec(),                      // 2 blank: skipped
        b"not json".to_vec(),              // 3
        b"[1, 2]".to_vec(),                // 4
        b"42".to_vec(),                    // 5
        b"{\"type\": \"form_submission_confirmed\", \"version\": \"1.1.0\", \"id\": \"\xff\"}"
            .to_vec(), // 6
        event_with(7, "1e400"),            // 7
        event_with(8, "NaN"),              // 8
        event_with(9, &deep),              // 9
        event_with(10, "{\"a\": 1, \"a\": 2}"), // 10
        serde_json::to_vec(&json!({"type": "form_submission_confirmed", "version": "banana"}))
            .unwrap(), // 11
        serde_json::to_vec(&json!({"type": 7, "version": "1.1.0"})).unwrap(), // 12
        event_with(13, "18446744073709551616"), // 13 valid: a free-form member
        b"   ".to_vec(),                   // 14 blank
        event(15).to_string().into_bytes(), // 15 valid
    ];
    let stdin = lines.join(&b'\n');
    let (code, records) = validate_json(&[], stdin);
    assert_eq!(code, Some(1));
    let verdicts: Vec<(u64, bool)> = records
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["valid"].as_bool().unwrap()))
        .collect();
    let expected: Vec<(u64, bool)> = [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15]
        .into_iter()
        .map(|l| (l, matches!(l, 1 | 13 | 15)))
        .collect();
    assert_eq!(verdicts, expected);
    let by_line = |l: u64| records.iter().find(|r| r["line"] == l).unwrap();
    assert!(
        first_message(by_line(3)).starts_with("invalid JSON at line 1 column 2"),
        "{}",
        by_line(3)
    );
    assert_eq!(
        first_message(by_line(4)),
        "an event must be a JSON object, found array"
    );
    assert_eq!(
        first_message(by_line(5)),
        "an event must be a JSON object, found integer"
    );
    assert!(
        first_message(by_line(6)).contains("invalid unicode"),
        "{}",
        by_line(6)
    );
    assert!(
        first_message(by_line(7)).contains("number out of range"),
        "{}",
        by_line(7)
    );
    assert!(
        first_message(by_line(8)).starts_with("invalid JSON"),
        "{}",
        by_line(8)
    );
    assert!(
        first_message(by_line(9)).starts_with("nesting deeper than the limit of 64 levels"),
        "{}",
        by_line(9)
    );
    assert!(
        first_message(by_line(10)).starts_with("duplicate key \"a\""),
        "{}",
        by_line(10)
    );
    assert!(
        first_message(by_line(11)).contains("version \"banana\" is not valid"),
        "{}",
        by_line(11)
    );
    assert_eq!(
        first_message(by_line(12)),
        "the event's \"type\" must be a string, found integer"
    );
    for l in [3, 4, 5, 6, 7, 8, 9, 10] {
        assert_eq!(
            by_line(l)["errors"].as_array().unwrap().len(),
            1,
            "{}",
            by_line(l)
        );
    }
}

#[test]
fn max_depth_and_max_bytes_are_configurable() {
    let nested = |d: usize| "[".repeat(d) + &"]".repeat(d);
    // The event object is level 1, so `note` may nest 63 more by default.
    let stdin = [event_with(1, &nested(63)), event_with(2, &nested(64))].join(&b'\n');
    let (_, records) = validate_json(&[], stdin.clone());
    assert_eq!(
        (records[0]["valid"].as_bool(), records[1]["valid"].as_bool()),
        (Some(true), Some(false))
    );
    let (_, records) = validate_json(&["--max-depth", "10"], stdin.clone());
    assert!(
        first_message(&records[0]).starts_with("nesting deeper than the limit of 10 levels"),
        "{}",
        records[0]
    );
    let (code, records) = validate_json(&["--max-depth", "100"], stdin);
    assert_eq!(
        (code, records.iter().all(|r| r["valid"] == true)),
        (Some(0), true)
    );
    // Beyond what the parser can honour, the limit is 126.
    let (_, records) = validate_json(&["--max-depth", "100000"], event_with(1, &nested(200)));
    assert!(
        first_message(&records[0]).starts_with("nesting deeper than the limit of 126 levels"),
        "{}",
        records[0]
    );

    // An oversized line is reported and skipped without being read whole;
    // the lines around it are read normally, the last one without a newline.
    let small = event(1).to_string().into_bytes();
    let limit = small.len();
    let big = event_with(2, &format!("\"{}\"", "x".repeat(5000)));
    let stdin = [small.clone(), big, small.clone(), event_with(4, "\"yy\"")].join(&b'\n');
    let (code, records) = validate_json(&["--max-bytes", &limit.to_string()], stdin);
    assert_eq!(code, Some(1));
    let verdicts: Vec<(u64, bool)> = records
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["valid"].as_bool().unwrap()))
        .collect();
    assert_eq!(verdicts, [(1, true), (2, false), (3, true), (4, false)]);
    assert!(
        first_message(&records[1])
            .ends_with(&format!("bytes, larger than the limit of {limit} bytes")),
        "{}",
        records[1]
    );
    assert!(
        first_message(&records[3]).contains(&format!("larger than the limit of {limit} bytes")),
        "{}",
        records[3]
    );
}

#[test]
fn a_100_mb_event_is_refused_by_default_and_read_with_a_raised_limit() {
    let dir = temp_dir("big");
    let path = dir.join("big.json");
    let payload = event_with(1, &format!("\"{}\"", "x".repeat(100 * 1024 * 1024)));
    std::fs::write(&path, &payload).unwrap();
    let s = catalog();
    let file = path.to_string_lossy().into_owned();
    let out = eventsmith(
        &["validate", "--schemas", &s, "--format", "json", &file],
        Vec::new(),
    );
    assert_eq!(out.status.code(), Some(1));
    let record: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        first_message(&record),
        format!(
            "payload is {} bytes, larger than the limit of {} bytes",
            payload.len(),
            16 * 1024 * 1024
        )
    );
    // A YAML event is held to the same limit.
    let yaml = dir.join("big.yaml");
    std::fs::write(&yaml, format!("type: x\nnote: {}\n", "x".repeat(2000))).unwrap();
    let out = eventsmith(
        &[
            "validate",
            "--schemas",
            &s,
            "--format",
            "json",
            "--max-bytes",
            "1000",
            yaml.to_str().unwrap(),
        ],
        Vec::new(),
    );
    let record: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        first_message(&record).ends_with("larger than the limit of 1000 bytes"),
        "{record}"
    );
    let raised = (200 * 1024 * 1024).to_string();
    let out = eventsmith(
        &["validate", "--schemas", &s, "--max-bytes", &raised, &file],
        Vec::new(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The same line in a stream: skipped, and the next line is still read.
    let stdin = [payload, event(2).to_string().into_bytes()].join(&b'\n');
    let (code, records) = validate_json(&[], stdin);
    assert_eq!(code, Some(1));
    assert_eq!(records.len(), 2);
    assert!(
        first_message(&records[0]).contains("larger than the limit of 16777216 bytes"),
        "{}",
        records[0]
    );
    assert_eq!(
        (records[1]["line"].as_u64(), records[1]["valid"].as_bool()),
        (Some(2), Some(true))
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_50k_line_stream_reports_exactly_its_bad_lines() {
    const LINES: u64 = 50_000;
    let mut stdin = Vec::new();
    let mut bad = Vec::new();
    for n in 1..=LINES {
        let line = match n % 997 {
            0 => {
                bad.push(n);
                serde_json::to_vec(
                    &json!({"type": "form_submission_confirmed", "version": "1.1.0", "id": n}),
                )
                .unwrap()
            }
            500 => {
                bad.push(n);
                b"{\"truncated\": ".to_vec()
            }
            _ => event(n).to_string().into_bytes(),
        };
        stdin.extend_from_slice(&line);
        stdin.push(b'\n');
    }
    let s = catalog();
    let out = eventsmith(&["validate", "--schemas", &s], stdin);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut reported: Vec<u64> = text
        .lines()
        .filter_map(|l| l.strip_prefix("-:"))
        .map(|l| l.split(':').next().unwrap().parse().unwrap())
        .collect();
    reported.dedup();
    assert_eq!(reported, bad);
    let summary = text.lines().last().unwrap();
    assert_eq!(
        summary,
        format!("{} valid, {} invalid", LINES - bad.len() as u64, bad.len())
    );
}

#[test]
fn empty_input_and_unreadable_files_do_not_crash() {
    let (code, records) = validate_json(&[], Vec::new());
    assert_eq!((code, records.len()), (Some(0), 0));
    let dir = temp_dir("files");
    let s = catalog();
    let cases: [(&str, &[u8], &str); 5] = [
        ("empty.json", b"", "EOF while parsing a value"),
        ("latin1.yaml", b"type: caf\xe9\n", "the file is not UTF-8"),
        (
            "array.json",
            b"[]",
            "an event must be a JSON object, found array",
        ),
        (
            "two.yaml",
            b"a: 1\n---\nb: 2\n",
            "the file holds more than one YAML document (`---`)",
        ),
        (
            "dup.yaml",
            b"type: a\ntype: b\n",
            "duplicate key in a mapping",
        ),
    ];
    for (name, content, message) in cases {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        let out = eventsmith(
            &[
                "validate",
                "--schemas",
                &s,
                "--format",
                "json",
                path.to_str().unwrap(),
            ],
            Vec::new(),
        );
        assert_eq!(out.status.code(), Some(1), "{name}");
        let record: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(first_message(&record).contains(message), "{name}: {record}");
    }
    let _ = std::fs::remove_dir_all(dir);
}
