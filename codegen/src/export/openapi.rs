//! `openapi.json`: an OpenAPI 3.1 document whose `webhooks` has one entry
//! per event type. The request body is `oneOf` the type's versions,
//! discriminated by the version field; Standard Webhooks sources list the
//! `webhook-id`, `webhook-timestamp` and `webhook-signature` headers.

use serde_json::{Map, Value, json};

use super::{Bundled, component_schemas, keys};
use crate::diagnostic::Diagnostic;
use crate::load::catalog::{EventType, Source};
use crate::load::registry::DRAFT_2020_12;

const SCHEMAS: &str = "#/components/schemas/";

/// The three Standard Webhooks headers: name, description, schema.
pub fn standard_webhook_headers() -> [(&'static str, &'static str, Value); 3] {
    [
        (
            "webhook-id",
            "The unique message identifier; the same for every retry of a delivery, so use it to ignore duplicates.",
            json!({"type": "string", "minLength": 1}),
        ),
        (
            "webhook-timestamp",
            "When the delivery was attempted, in integer seconds since the Unix epoch. Reject deliveries too far from now.",
            json!({"type": "string", "pattern": "^[0-9]+$"}),
        ),
        (
            "webhook-signature",
            "Space-separated signatures, each `<version>,<base64>`: `v1,` for HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>` with the endpoint's `whsec_` secret.",
            json!({"type": "string", "pattern": "^v[0-9]+[a-z]*,[A-Za-z0-9+/=]+( v[0-9]+[a-z]*,[A-Za-z0-9+/=]+)*$"}),
        ),
    ]
}

/// How an event's versions are told apart, for descriptions.
pub fn versions_note(source: &Source, event: &EventType) -> String {
    let list: Vec<String> = event
        .versions
        .iter()
        .map(|v| v.version.to_string())
        .collect();
    match (source.versioning.scheme(), &source.schema_from) {
        (Some(_), _) => format!(
            "Versions: {}. {} names the version; a version without a schema of its own is read with the schema the source's selection rule picks (see catalog.json).",
            list.join(", "),
            source.version_from.describe()
        ),
        (None, Some(from)) => format!(
            "Schemas: {}. The `{}` member names the schema (see catalog.json).",
            list.join(", "),
            from.member
        ),
        (None, None) => "One schema; payloads carry no version.".to_owned(),
    }
}

/// The member whose value names an event's schema, when one does: the
/// version member, or `schema_from`'s member in a type with schemas
/// besides the default.
fn discriminator(source: &Source, event: &EventType) -> Option<String> {
    match (source.versioning.scheme(), &source.schema_from) {
        (Some(_), _) => source.version_from.member().map(str::to_owned),
        (None, Some(from)) => {
            let only_default = event.versions.len() == 1
                && from.default.as_deref() == Some(&event.versions[0].version.to_string());
            (!only_default).then(|| from.member.clone())
        }
        (None, None) => None,
    }
}

/// The event's description: its newest version's.
pub fn event_description(bundled: &Bundled<'_>, event: &EventType) -> Option<String> {
    let newest = event.versions.last()?;
    bundled
        .catalog
        .registry
        .value(&newest.root())?
        .get("description")?
        .as_str()
        .map(str::to_owned)
}

/// The OpenAPI document.
pub fn document(bundled: &Bundled<'_>) -> Result<Value, Diagnostic> {
    let options = bundled.options;
    let schemas = component_schemas(bundled, SCHEMAS)?;
    let mut webhooks = Map::new();
    let mut tags = Vec::new();
    let mut uses_headers = false;
    // A type value names its webhook unless two sources share it.
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    for source in &bundled.catalog.sources {
        for event in &source.events {
            *seen.entry(event.type_value.as_str()).or_default() += 1;
        }
    }
    for (si, source) in bundled.catalog.sources.iter().enumerate() {
        tags.push(json!({"name": source.name, "description": format!("{}: {}", source.title, source.description)}));
        let signed = source.signing == crate::load::catalog::Signing::StandardWebhooks
            || options.standard_webhooks.contains(&source.name);
        for event in &source.events {
            let refs: Vec<Value> = event
                .versions
                .iter()
                .map(|v| json!({"$ref": format!("{SCHEMAS}{}", keys::version(source, event, v))}))
                .collect();
            let mut mapping = Map::new();
            for v in &event.versions {
                mapping.insert(
                    v.version.to_string(),
                    json!(format!("{SCHEMAS}{}", keys::version(source, event, v))),
                );
            }
            let body_schema = match discriminator(source, event) {
                Some(member) => json!({
                    "oneOf": refs,
                    "discriminator": {"propertyName": member, "mapping": mapping},
                }),
                None => json!({ "oneOf": refs }),
            };
            let mut description = event_description(bundled, event).unwrap_or_default();
            if !description.is_empty() {
                description.push_str("\n\n");
            }
            description.push_str(&versions_note(source, event));
            let mut op = Map::new();
            op.insert(
                "operationId".to_owned(),
                json!(keys::event_key(source, event)),
            );
            op.insert("summary".to_owned(), json!(event.type_value));
            op.insert("description".to_owned(), json!(description));
            op.insert("tags".to_owned(), json!([source.name]));
            if signed {
                uses_headers = true;
                let params: Vec<Value> = standard_webhook_headers()
                    .iter()
                    .map(|(name, _, _)| json!({"$ref": format!("#/components/parameters/{name}")}))
                    .collect();
                op.insert("parameters".to_owned(), Value::Array(params));
            }
            op.insert(
                "requestBody".to_owned(),
                json!({
                    "required": true,
                    "description": format!("A `{}` event.", event.type_value),
                    "content": {"application/json": {"schema": body_schema}},
                }),
            );
            op.insert(
                "responses".to_owned(),
                json!({"2XX": {"description": "The event was received; any other status makes the sender retry."}}),
            );
            if event.versions.iter().all(|v| v.deprecated) {
                op.insert("deprecated".to_owned(), json!(true));
            }
            let key = if seen.get(event.type_value.as_str()).copied().unwrap_or(0) > 1 {
                format!("{}:{}", bundled.catalog.sources[si].name, event.type_value)
            } else {
                event.type_value.clone()
            };
            webhooks.insert(key, json!({"post": Value::Object(op)}));
        }
    }
    let mut components = Map::new();
    components.insert("schemas".to_owned(), Value::Object(schemas));
    if uses_headers {
        let mut params = Map::new();
        for (name, description, schema) in standard_webhook_headers() {
            params.insert(
                name.to_owned(),
                json!({"name": name, "in": "header", "required": true, "description": description, "schema": schema}),
            );
        }
        components.insert("parameters".to_owned(), Value::Object(params));
    }
    Ok(json!({
        "openapi": "3.1.0",
        "info": {
            "title": options.title,
            "version": options.api_version,
            "description": format!("The webhooks of the event catalog, one per event type. {}", options.generated_note()),
        },
        "jsonSchemaDialect": DRAFT_2020_12,
        "tags": tags,
        "webhooks": webhooks,
        "components": components,
    }))
}
