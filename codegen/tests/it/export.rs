//! `eventsmith export` on the shipped catalog: `generated/export/` is fresh,
//! the output is deterministic and self-contained, every exported schema
//! gives eventsmith's verdict on every example (checked with the
//! `jsonschema` crate, so `cargo test` needs no node or python; the
//! cross-language proof is `tests/cross-language/run.sh`), and writing
//! refreshes only what changed and removes stale files.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::LazyLock;

use eventsmith_codegen::Compiled;
use eventsmith_codegen::diagnostic::Diagnostics;
use eventsmith_codegen::export::{self, Difference, Export, ExportOptions};
use eventsmith_codegen::load::catalog::Expectation;
use eventsmith_core::formats::Format;
use jsonschema::Draft;
use serde_json::Value;

use crate::workspace;

/// The command that refreshes `generated/export/`.
const REFRESH: &str = "cargo run -p eventsmith-cli -- export";

static EXPORT: LazyLock<Export> = LazyLock::new(|| {
    export::export_dir(&workspace().join("schemas"), &ExportOptions::default())
        .unwrap_or_else(|d| panic!("export failed:\n{d}"))
});

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| {
    let mut diags = Diagnostics::default();
    let compiled = Compiled::load(&workspace().join("schemas"), &mut diags);
    assert!(!diags.has_errors(), "{diags}");
    compiled
});

fn json(rel: &str) -> Value {
    let text = EXPORT
        .files
        .get(rel)
        .unwrap_or_else(|| panic!("the export has no {rel}"));
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"))
}

/// Like rust-analyzer's `ensure_file_contents`: a stale `generated/export/`
/// is rewritten so the fix is in the tree, and the test still fails.
#[test]
fn generated_export_is_fresh() {
    let out = workspace().join("generated").join("export");
    let diffs = EXPORT.diff(&out);
    if diffs.is_empty() {
        return;
    }
    let shown: Vec<String> = diffs.iter().take(20).map(ToString::to_string).collect();
    let rewritten = match EXPORT.write(&out) {
        Ok(w) => format!(
            "rewritten ({} files written, {} removed); review and commit the change",
            w.changed.len(),
            w.removed.len()
        ),
        Err(e) => format!("could not rewrite it ({e})"),
    };
    panic!(
        "generated/export/ is out of date: {} differences\n  {}\nIt has been {rewritten}. To refresh it by hand: `{REFRESH}`",
        diffs.len(),
        shown.join("\n  ")
    );
}

#[test]
fn export_is_deterministic() {
    let again =
        export::export_dir(&workspace().join("schemas"), &ExportOptions::default()).unwrap();
    assert_eq!(*EXPORT, again);
    assert!(
        EXPORT.files.keys().all(|k| !k.contains('\\')),
        "paths use /"
    );
}

/// Every `$ref` of `v` (in any position).
fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            for (k, c) in o {
                if k == "$ref"
                    && let Value::String(r) = c
                {
                    out.push(r.clone());
                }
                refs(c, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|c| refs(c, out)),
        _ => {}
    }
}

#[test]
fn every_schema_is_standalone_with_a_stable_id() {
    let catalog = json("catalog.json");
    let mut files = 0;
    for source in catalog["sources"].as_array().unwrap() {
        for event in source["events"].as_array().unwrap() {
            for version in event["versions"].as_array().unwrap() {
                let file = version["file"].as_str().unwrap();
                let schema = json(file);
                files += 1;
                assert_eq!(
                    schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
                    "{file}"
                );
                let expected_id = format!(
                    "{}/{}/{}/{}.json",
                    export::DEFAULT_BASE_URL,
                    source["name"].as_str().unwrap(),
                    event["directory"].as_str().unwrap(),
                    version["version"].as_str().unwrap()
                );
                assert_eq!(schema["$id"], Value::String(expected_id.clone()), "{file}");
                assert_eq!(version["$id"], Value::String(expected_id), "{file}");
                let mut found = Vec::new();
                refs(&schema, &mut found);
                for r in found {
                    let pointer = r
                        .strip_prefix('#')
                        .unwrap_or_else(|| panic!("{file}: $ref {r} leaves the file"));
                    assert!(
                        pointer.starts_with("/$defs/"),
                        "{file}: $ref {r} does not point into $defs"
                    );
                    assert!(
                        schema.pointer(pointer).is_some(),
                        "{file}: $ref {r} points at nothing"
                    );
                }
                let text = &EXPORT.files[file];
                assert!(
                    !text.contains("file://") && !text.contains("\"$anchor\""),
                    "{file} keeps a local URL or anchor"
                );
            }
        }
    }
    let on_disk: BTreeSet<&String> = EXPORT
        .files
        .keys()
        .filter(|k| k.starts_with("jsonschema/"))
        .collect();
    assert_eq!(
        on_disk.len(),
        files,
        "catalog.json lists every schema file and nothing else"
    );
}

/// A `jsonschema` validator for an exported schema, formats asserted,
/// eventsmith's own formats registered.
fn validator(schema: &Value) -> jsonschema::Validator {
    let mut options = jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true);
    for f in Format::ALL.iter().copied().filter(|f| f.is_custom()) {
        options = options.with_format(f.name(), move |s: &str| f.check(s));
    }
    options
        .build(schema)
        .unwrap_or_else(|e| panic!("jsonschema cannot build {}: {e}", schema["$id"]))
}

#[test]
fn exported_schemas_give_eventsmiths_verdict_on_every_example() {
    let catalog = &COMPILED.catalog;
    let mut problems = Vec::new();
    let (mut valid, mut invalid) = (0, 0);
    for source in &catalog.sources {
        for event in &source.events {
            for version in &event.versions {
                let file = format!(
                    "jsonschema/{}/{}/{}.json",
                    source.name, event.dir, version.version
                );
                let schema = json(&file);
                let v = validator(&schema);
                // The schema's own examples (the catalog's valid ones) pass too.
                for (i, e) in schema["examples"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    if !v.is_valid(e) {
                        problems.push(format!("{file}: its examples[{i}] is rejected"));
                    }
                }
                for example in &version.examples {
                    let ok = v.is_valid(&example.value);
                    let shown = example
                        .path
                        .strip_prefix(&catalog.root)
                        .unwrap_or(&example.path)
                        .display()
                        .to_string();
                    match &example.expect {
                        Expectation::Valid => {
                            valid += 1;
                            if !ok {
                                let errors: Vec<String> = v
                                    .iter_errors(&example.value)
                                    .map(|e| e.to_string())
                                    .collect();
                                problems.push(format!(
                                    "{shown}: valid, the export rejects it: {}",
                                    errors.join("; ")
                                ));
                            }
                            if !schema["examples"]
                                .as_array()
                                .is_some_and(|a| a.contains(&example.value))
                            {
                                problems.push(format!("{shown}: missing from {file}'s examples"));
                            }
                        }
                        Expectation::Invalid { errors, .. } => {
                            invalid += 1;
                            if ok {
                                problems.push(format!(
                                    "{shown}: invalid ({errors:?}), the export accepts it"
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    println!("export verdicts: {valid} valid and {invalid} invalid examples checked");
    assert!(valid > 0 && invalid > 0, "the catalog has no examples");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn own_formats_are_kept_described_and_backed_by_a_pattern() {
    // impact_stack donation 2.1.0 has `amount: {format: money}` and a duration.
    let schema = json("jsonschema/impact_stack/donation/2.1.0.json");
    let amount = &schema["properties"]["amount"];
    assert_eq!(amount["format"], "money");
    assert_eq!(amount["x-eventsmith-format"]["name"], "money");
    assert_eq!(
        amount["pattern"].as_str(),
        export::formats::pattern(Format::Money)
    );
    let interval = &schema["properties"]["recurrence_interval"];
    assert_eq!(interval["format"], "duration");
    assert_eq!(
        interval["pattern"].as_str(),
        export::formats::pattern(Format::Duration)
    );
    let date = &json("jsonschema/impact_stack/donation/1.3.0.json")["properties"]["date"];
    assert_eq!(date["format"], "lenient-date-time");
    assert_eq!(
        date["pattern"].as_str(),
        export::formats::pattern(Format::LenientDateTime)
    );
}

#[test]
fn catalog_json_describes_sources_events_and_versions() {
    let catalog = json("catalog.json");
    let sources = catalog["sources"].as_array().unwrap();
    let names: Vec<&str> = sources
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["gigs", "github", "impact_stack"]);
    for (s, loaded) in sources.iter().zip(&COMPILED.catalog.sources) {
        assert_eq!(s["type_field"], Value::String(loaded.type_field.clone()));
        assert_eq!(
            s["version_field"],
            Value::String(loaded.version_field.clone())
        );
        assert_eq!(s["events"].as_array().unwrap().len(), loaded.events.len());
        for (e, le) in s["events"].as_array().unwrap().iter().zip(&loaded.events) {
            assert_eq!(e["type"], Value::String(le.type_value.clone()));
            let versions = e["versions"].as_array().unwrap();
            assert_eq!(versions.len(), le.versions.len());
            assert_eq!(e["newest"], versions.last().unwrap()["version"]);
            for (v, lv) in versions.iter().zip(&le.versions) {
                assert_eq!(v["deprecated"], Value::Bool(lv.deprecated));
                assert!(EXPORT.files.contains_key(v["file"].as_str().unwrap()));
            }
            assert!(
                versions[0].get("required_bump").is_none(),
                "the oldest version has nothing to bump from"
            );
        }
    }
    // The bumps are the compatibility checker's.
    let report = eventsmith_codegen::compat::check::check_catalog(&workspace().join("schemas"));
    let mut compared = 0;
    for pair in report
        .pairs
        .iter()
        .filter(|p| p.from.is_some() && p.to.is_some())
    {
        let source = sources
            .iter()
            .find(|s| s["name"] == pair.source.as_str())
            .unwrap();
        let events = source["events"].as_array().unwrap();
        let event = events
            .iter()
            .find(|e| e["directory"] == pair.event_type.as_str())
            .unwrap();
        let versions = event["versions"].as_array().unwrap();
        let version = versions
            .iter()
            .find(|v| v["version"].as_str() == pair.to.as_deref())
            .unwrap();
        assert_eq!(version["previous"].as_str(), pair.from.as_deref());
        let what = format!("{}/{} {:?}", pair.source, pair.event_type, pair.to);
        assert_eq!(
            version["required_bump"],
            pair.required_bump.as_str(),
            "{what}"
        );
        compared += 1;
    }
    assert!(compared > 0, "no consecutive versions compared");
    assert_eq!(sources[0]["versioning"], "calendar");
    assert_eq!(sources[1]["versioning"], "none");
    assert_eq!(sources[1]["type_from"]["header"], "X-GitHub-Event");
    assert_eq!(sources[1]["schema_from"]["member"], "action");
    assert_eq!(sources[2]["versioning"], "semver");
}

#[test]
fn openapi_has_a_webhook_per_event_type_with_standard_webhook_headers_on_gigs() {
    let doc = json("openapi.json");
    assert_eq!(doc["openapi"], "3.1.0");
    let webhooks = doc["webhooks"].as_object().unwrap();
    let events: usize = COMPILED
        .catalog
        .sources
        .iter()
        .map(|s| s.events.len())
        .sum();
    assert_eq!(webhooks.len(), events);
    for source in &COMPILED.catalog.sources {
        for event in &source.events {
            let op = &webhooks[&event.type_value]["post"];
            let body = &op["requestBody"]["content"]["application/json"]["schema"];
            let one_of = body["oneOf"].as_array().unwrap();
            assert_eq!(one_of.len(), event.versions.len(), "{}", event.type_value);
            // The member that picks the schema: the version, or the
            // member a versionless source chooses by (GitHub's `action`).
            let picks = source
                .schema_from
                .as_ref()
                .map_or(&source.version_field, |from| &from.member);
            let discriminator = &body["discriminator"]["propertyName"];
            if one_of.len() > 1 || source.schema_from.is_none() {
                assert_eq!(
                    discriminator,
                    &Value::String(picks.clone()),
                    "{}",
                    event.type_value
                );
            } else {
                assert!(
                    discriminator.is_null() || discriminator == &Value::String(picks.clone()),
                    "{}",
                    event.type_value
                );
            }
            for r in one_of {
                let target = r["$ref"].as_str().unwrap().strip_prefix('#').unwrap();
                assert!(doc.pointer(target).is_some(), "{target}");
            }
            let headers: Vec<String> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    let target = p["$ref"].as_str().unwrap().strip_prefix('#').unwrap();
                    doc.pointer(target).unwrap()["name"]
                        .as_str()
                        .unwrap()
                        .to_owned()
                })
                .collect();
            if source.name == "gigs" {
                assert_eq!(
                    headers,
                    ["webhook-id", "webhook-timestamp", "webhook-signature"]
                );
            } else {
                assert!(headers.is_empty(), "{}: {headers:?}", event.type_value);
            }
        }
    }
    // Every reference inside the document resolves inside it.
    let mut found = Vec::new();
    refs(&doc, &mut found);
    for r in found {
        assert!(
            doc.pointer(r.strip_prefix('#').unwrap()).is_some(),
            "openapi.json: dangling {r}"
        );
    }
}

#[test]
fn asyncapi_has_a_channel_per_event_type_and_a_message_per_version() {
    let doc = json("asyncapi.json");
    assert_eq!(doc["asyncapi"], "3.0.0");
    let channels = doc["channels"].as_object().unwrap();
    let messages = doc["components"]["messages"].as_object().unwrap();
    let events: usize = COMPILED
        .catalog
        .sources
        .iter()
        .map(|s| s.events.len())
        .sum();
    let versions = COMPILED.catalog.version_count();
    assert_eq!(channels.len(), events);
    assert_eq!(messages.len(), versions);
    assert_eq!(doc["operations"].as_object().unwrap().len(), events);
    let mut found = Vec::new();
    refs(&doc, &mut found);
    for r in found {
        let pointer = r.strip_prefix('#').unwrap();
        assert!(
            doc.pointer(pointer).is_some(),
            "asyncapi.json: dangling {r}"
        );
        assert!(
            !pointer.contains("$defs"),
            "asyncapi.json: {r} uses 2020-12 $defs"
        );
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("eventsmith-export-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn write_refreshes_changed_files_and_removes_stale_ones() {
    let out = scratch("write");
    let first = EXPORT.write(&out).unwrap();
    assert_eq!(first.changed.len(), EXPORT.files.len());
    assert!(EXPORT.diff(&out).is_empty());

    let stale = out.join("jsonschema/gigs/gone.event/2020-01-01.json");
    std::fs::create_dir_all(stale.parent().unwrap()).unwrap();
    std::fs::write(&stale, "{}").unwrap();
    let keep = out.join("README.md");
    std::fs::write(&keep, "not ours").unwrap();
    std::fs::write(out.join("catalog.json"), "{}").unwrap();
    let missing = "jsonschema/impact_stack/donation/2.1.0.json";
    std::fs::remove_file(out.join(missing)).unwrap();
    assert_eq!(
        EXPORT.diff(&out),
        [
            Difference::Missing(missing.to_owned()),
            Difference::Changed("catalog.json".to_owned()),
            Difference::Stale("jsonschema/gigs/gone.event/2020-01-01.json".to_owned()),
        ]
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
    );

    let second = EXPORT.write(&out).unwrap();
    let mut changed = second.changed.clone();
    changed.sort();
    assert_eq!(changed, ["catalog.json", missing]);
    assert_eq!(second.unchanged, EXPORT.files.len() - 2);
    assert_eq!(
        second.removed,
        ["jsonschema/gigs/gone.event/2020-01-01.json"]
    );
    assert!(
        !stale.parent().unwrap().exists(),
        "the emptied directory is removed"
    );
    assert!(
        keep.exists(),
        "files outside jsonschema/ that the export does not own stay"
    );
    assert!(EXPORT.diff(&out).is_empty());
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn the_base_url_and_header_sources_are_configurable() {
    let options = ExportOptions {
        base_url: "https://schemas.example.test/events/".to_owned(),
        standard_webhooks: BTreeSet::new(),
        ..ExportOptions::default()
    };
    let other = export::export_dir(&workspace().join("schemas"), &options).unwrap();
    let schema: Value =
        serde_json::from_str(&other.files["jsonschema/gigs/sim.updated/2024-10-28.json"]).unwrap();
    assert_eq!(
        schema["$id"],
        "https://schemas.example.test/events/gigs/sim.updated/2024-10-28.json"
    );
    // Gigs declares `signing: standard-webhooks` in its source.yaml; Impact
    // Stack gets the headers only when asked for.
    let openapi: Value = serde_json::from_str(&other.files["openapi.json"]).unwrap();
    assert!(
        openapi["webhooks"]["com.gigs.sim.updated"]["post"]
            .get("parameters")
            .is_some()
    );
    assert!(
        openapi["webhooks"]["donation"]["post"]
            .get("parameters")
            .is_none()
    );
    let with_impact = ExportOptions {
        standard_webhooks: BTreeSet::from(["impact_stack".to_owned()]),
        ..ExportOptions::default()
    };
    let signed = export::export_dir(&workspace().join("schemas"), &with_impact).unwrap();
    let openapi: Value = serde_json::from_str(&signed.files["openapi.json"]).unwrap();
    assert!(
        openapi["webhooks"]["donation"]["post"]
            .get("parameters")
            .is_some()
    );
}

#[test]
fn a_broken_reference_is_reported_with_file_and_pointer() {
    let dir = scratch("broken");
    let event = dir.join("shop/order_placed");
    std::fs::create_dir_all(&event).unwrap();
    std::fs::write(dir.join("shop/source.yaml"), "versioning: semver\n").unwrap();
    std::fs::write(
        event.join("1.0.0.json"),
        r#"{"type": "object", "properties": {"a": {"$ref": "../common/nope.json"}}}"#,
    )
    .unwrap();
    let result = export::export_dir(&dir, &ExportOptions::default());
    let diags = result.expect_err("an unresolvable $ref must fail");
    let text = diags.to_string();
    assert!(
        text.contains("1.0.0.json") && text.contains("nope.json"),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn colliding_component_names_are_reported() {
    // The version key of event type `defs` 1.0.0 is `shop__defs__V1_0_0`,
    // and so is the key of the shared schema `common/V1_0_0.json`.
    let dir = scratch("collision");
    std::fs::create_dir_all(dir.join("shop/defs")).unwrap();
    std::fs::create_dir_all(dir.join("shop/common")).unwrap();
    std::fs::write(dir.join("shop/source.yaml"), "versioning: semver\n").unwrap();
    std::fs::write(
        dir.join("shop/common/V1_0_0.json"),
        r#"{"title": "Thing", "type": "string"}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("shop/defs/1.0.0.json"),
        r#"{"type": "object", "properties": {"a": {"$ref": "../common/V1_0_0.json"}}}"#,
    )
    .unwrap();
    let diags = export::export_dir(&dir, &ExportOptions::default()).expect_err("the names collide");
    let text = diags.to_string();
    assert!(
        text.contains("export-name-collision") && text.contains("shop__defs__V1_0_0"),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
