//! The shipped bindings as a downstream crate builds them: this crate has the
//! generator as a build-dependency only, so built on its own
//! (`cargo test -p eventsmith-snapshots`, as `.ci/run` does) serde_json keeps
//! its default `BTreeMap` objects. Every other test binary of the workspace
//! gets `preserve_order` through its dependency on `eventsmith-codegen`,
//! which is not what users run. (Inside `cargo test --workspace` features are
//! unified and this runs with `preserve_order` too, which it also holds for.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use eventsmith::event::{self, Given};
use eventsmith::{EventError, NewerVersions, Options, json};
use serde_json::Value;

/// Every `.json` example of the shipped catalog, valid and invalid (the
/// YAML ones need the generator's YAML reader; the workspace tests cover
/// them).
fn json_examples() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "json")
                && path.components().any(|c| c.as_os_str() == "examples")
            {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas"),
        &mut out,
    );
    out.sort();
    out
}

/// What bytes and the same payload as a `serde_json::Value` say, which must
/// agree: the same event, or the same errors (the bytes path reports them in
/// payload order; the `Value` path in the map's order, which is sorted with
/// serde_json's default map, so they are compared as sets). Returns whether
/// the payload was valid.
fn judge<E>(bytes: &[u8], given: Given<'_>) -> bool
where
    E: eventsmith::EventSource + PartialEq + std::fmt::Debug,
{
    let strict = Options {
        newer_versions: NewerVersions::Strict,
        ..Options::default()
    };
    let mut verdict = false;
    for options in [Options::default(), strict] {
        let by_value = match json::parse_slice(bytes, options.limits) {
            Ok(value) => event::from_value::<E>(&value, &given, &options),
            Err(e) => Err(EventError::Parse(e)),
        };
        let by_bytes = event::from_slice::<E>(bytes, &given, &options);
        match (&by_bytes, &by_value) {
            (
                Err(EventError::Invalid { errors: a, .. }),
                Err(EventError::Invalid { errors: b, .. }),
            ) => {
                let sorted = |e: &eventsmith::Errors| {
                    let mut v: Vec<String> = e.iter().map(ToString::to_string).collect();
                    v.sort();
                    v
                };
                assert_eq!(sorted(a), sorted(b));
            }
            _ => assert_eq!(by_bytes, by_value),
        }
        if let Ok(event) = &by_bytes {
            // The round trip gives back the payload (as JSON; key order is
            // the map's).
            let input: Value = serde_json::from_slice(bytes).unwrap();
            assert_eq!(serde_json::to_value(event).unwrap(), input);
        }
        verdict = by_bytes.is_ok();
    }
    verdict
}

#[test]
fn both_paths_agree_on_every_example_with_the_default_map() {
    let sorted = {
        let v: Value = serde_json::from_str(r#"{"b":1,"a":2}"#).unwrap();
        v.as_object().unwrap().keys().next().map(String::as_str) == Some("a")
    };
    // `.ci/run` says which map the build it runs has; anywhere else either
    // is fine.
    if let Ok(expected) = std::env::var("EVENTSMITH_EXPECT_MAP") {
        let actual = if sorted { "btree" } else { "preserve_order" };
        assert_eq!(actual, expected, "serde_json's map in this build");
    }
    let (mut valid, mut invalid) = (0, 0);
    for path in json_examples() {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.display().to_string();
        let ok = if name.contains("/impact_stack/") {
            judge::<eventsmith::impact_stack::Event>(&bytes, Given::NOTHING)
        } else if name.contains("/github/") {
            // GitHub's event type is the X-GitHub-Event header: the
            // example's event directory.
            let relative = path
                .strip_prefix(path.ancestors().find(|a| a.ends_with("github")).unwrap())
                .unwrap();
            let event_type = relative.iter().next().unwrap().to_str().unwrap();
            judge::<eventsmith::github::Event>(&bytes, Given::event_type(event_type))
        } else {
            judge::<eventsmith::gigs::Event>(&bytes, Given::NOTHING)
        };
        // Examples under `invalid/` are invalid, the others valid.
        assert_eq!(ok, !name.contains("/invalid/"), "{name}");
        valid += usize::from(ok);
        invalid += usize::from(!ok);
    }
    assert!(
        valid > 370 && invalid > 200,
        "{valid} valid, {invalid} invalid"
    );
}
