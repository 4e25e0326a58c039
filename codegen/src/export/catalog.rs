//! `catalog.json`: what the catalog holds, for tools that pick a schema by
//! an event's type and version.

use serde_json::{Map, Value, json};

use super::{Bundled, JSONSCHEMA_DIR, schema_file, source_file};
use crate::load::catalog::{Origin, Source, Versioning};

/// How a source picks the schema of an event.
fn selection(source: &Source) -> &'static str {
    match source.versioning {
        Versioning::Semver => {
            "An event at version V is read with the newest schema of the same major version whose version is <= V."
        }
        Versioning::Calendar => "An event dated D is read with the newest schema dated <= D.",
        Versioning::Integer => "An event at version N is read with the schema numbered N.",
        Versioning::None => {
            "Events carry no version: each type has one schema, or one per value of a member."
        }
    }
}

/// Where a value is, as `source.yaml` says it: `{"member": "type"}`,
/// `{"header": "X-GitHub-Event"}`, `{"given": "…"}`.
fn origin(o: &Origin) -> Value {
    match o {
        Origin::Member(m) => json!({ "member": m }),
        Origin::Header(h) => json!({ "header": h }),
        Origin::Given(what) => json!({ "given": what }),
    }
}

/// The `catalog.json` document.
pub fn document(bundled: &Bundled<'_>) -> Value {
    let options = bundled.options;
    let mut sources = Vec::new();
    for (si, source) in bundled.catalog.sources.iter().enumerate() {
        let mut events = Vec::new();
        for (ei, event) in source.events.iter().enumerate() {
            let mut versions = Vec::new();
            for (vi, version) in event.versions.iter().enumerate() {
                let root = bundled.catalog.registry.value(&version.root());
                let text = |key: &str| {
                    root.and_then(|r| r.get(key))
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                };
                let mut v = Map::new();
                v.insert("version".to_owned(), json!(version.version.to_string()));
                v.insert(
                    "file".to_owned(),
                    json!(format!(
                        "{JSONSCHEMA_DIR}/{}",
                        schema_file(source, event, version)
                    )),
                );
                v.insert(
                    "$id".to_owned(),
                    json!(options.schema_id(source, event, version)),
                );
                v.insert(
                    "source_file".to_owned(),
                    json!(source_file(bundled.catalog, version)),
                );
                v.insert("title".to_owned(), json!(text("title")));
                v.insert("description".to_owned(), json!(text("description")));
                v.insert("deprecated".to_owned(), json!(version.deprecated));
                if vi > 0 {
                    // The bump the changes from the previous version need
                    // (none, patch, minor, major); null when unknown.
                    let previous = event.versions[vi - 1].version.to_string();
                    v.insert("previous".to_owned(), json!(previous));
                    let bump = bundled.bumps.get(si).and_then(|s| s.get(ei));
                    let bump = bump.and_then(|e| e.get(vi)).copied().flatten();
                    v.insert("required_bump".to_owned(), json!(bump.map(|b| b.as_str())));
                }
                versions.push(Value::Object(v));
            }
            let newest = event.versions.last().map(|v| v.version.to_string());
            events.push(json!({
                "type": event.type_value,
                "directory": event.dir,
                "newest": newest,
                "deprecated": !event.versions.is_empty() && event.versions.iter().all(|v| v.deprecated),
                "versions": versions,
            }));
        }
        sources.push(json!({
            "name": source.name,
            "title": source.title,
            "description": source.description,
            "versioning": source.versioning,
            "version_selection": selection(source),
            "type_field": source.type_field,
            "version_field": source.version_field,
            "type_from": origin(&source.type_from),
            "version_from": source.versioning.scheme().map(|_| origin(&source.version_from)),
            "schema_from": source.schema_from.as_ref().map(|f| json!({"member": f.member, "default": f.default})),
            "type_prefix": source.type_prefix,
            "standard_webhooks": source.signing == crate::load::catalog::Signing::StandardWebhooks
                || options.standard_webhooks.contains(&source.name),
            "signing": source.signing,
            "events": events,
        }));
    }
    json!({
        "x-eventsmith-generated": options.generated_note(),
        "schema_base_url": options.base_url,
        "sources": sources,
    })
}
