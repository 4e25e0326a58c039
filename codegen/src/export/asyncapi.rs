//! `asyncapi.json`: an AsyncAPI 3.0 document with one channel per event type
//! and one message per version, and a `receive` operation per channel.
//!
//! AsyncAPI's default schema format is a superset of JSON Schema draft 07,
//! so the few 2020-12 keywords with a draft-07 spelling are translated
//! (`prefixItems` → array `items`, `dependentRequired`/`dependentSchemas` →
//! `dependencies`).

use serde_json::{Map, Value, json};

use super::openapi::{event_description, standard_webhook_headers, versions_note};
use super::{Bundled, component_schemas, keys};
use crate::diagnostic::Diagnostic;
use crate::keywords::{self, Draft};

const SCHEMAS: &str = "#/components/schemas/";
const HEADERS: &str = "StandardWebhooksHeaders";

/// Rewrites 2020-12-only keywords into their draft-07 form, in place.
pub fn to_draft_07(schema: &mut Value) {
    let Value::Object(obj) = schema else { return };
    if let Some(prefix) = obj.shift_remove("prefixItems") {
        if let Some(rest) = obj.shift_remove("items") {
            obj.insert("additionalItems".to_owned(), rest);
        }
        obj.insert("items".to_owned(), prefix);
    }
    let mut dependencies = Map::new();
    for key in ["dependentRequired", "dependentSchemas"] {
        if let Some(Value::Object(map)) = obj.shift_remove(key) {
            dependencies.extend(map);
        }
    }
    if !dependencies.is_empty() {
        obj.insert("dependencies".to_owned(), Value::Object(dependencies));
    }
    // Now draft-07 keywords, plus the 2020-12 ones draft-07 does not have.
    keywords::for_each_subschema_mut_with(
        obj,
        &|k| keywords::get(k, Draft::Draft7).or_else(|| keywords::get(k, Draft::Draft2020_12)),
        &mut to_draft_07,
    );
}

/// The AsyncAPI document.
pub fn document(bundled: &Bundled<'_>) -> Result<Value, Diagnostic> {
    let options = bundled.options;
    let mut schemas = component_schemas(bundled, SCHEMAS)?;
    schemas.values_mut().for_each(to_draft_07);
    let mut channels = Map::new();
    let mut operations = Map::new();
    let mut messages = Map::new();
    let mut uses_headers = false;
    for source in &bundled.catalog.sources {
        let signed = source.signing == crate::load::catalog::Signing::StandardWebhooks
            || options.standard_webhooks.contains(&source.name);
        for event in &source.events {
            let channel_key = keys::event_key(source, event);
            let mut channel_messages = Map::new();
            let mut operation_messages = Vec::new();
            for version in &event.versions {
                let key = keys::version(source, event, version);
                let version_text = version.version.to_string();
                let root = bundled.catalog.registry.value(&version.root());
                let text = |k: &str| {
                    root.and_then(|r| r.get(k))
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                };
                let mut message = Map::new();
                message.insert("name".to_owned(), json!(event.type_value));
                message.insert(
                    "title".to_owned(),
                    json!(format!("{} {version_text}", event.type_value)),
                );
                if let Some(d) = text("description") {
                    message.insert("summary".to_owned(), json!(d));
                }
                message.insert("contentType".to_owned(), json!("application/json"));
                if signed {
                    uses_headers = true;
                    message.insert(
                        "headers".to_owned(),
                        json!({"$ref": format!("{SCHEMAS}{HEADERS}")}),
                    );
                }
                message.insert(
                    "payload".to_owned(),
                    json!({"$ref": format!("{SCHEMAS}{key}")}),
                );
                message.insert("x-eventsmith-version".to_owned(), json!(version_text));
                if version.deprecated {
                    message.insert("x-eventsmith-deprecated".to_owned(), json!(true));
                }
                messages.insert(key.clone(), Value::Object(message));
                let message_key = version.version.type_name();
                channel_messages.insert(
                    message_key.clone(),
                    json!({"$ref": format!("#/components/messages/{key}")}),
                );
                operation_messages.push(
                    json!({"$ref": format!("#/channels/{channel_key}/messages/{message_key}")}),
                );
            }
            let mut description = event_description(bundled, event).unwrap_or_default();
            if !description.is_empty() {
                description.push_str("\n\n");
            }
            description.push_str(&versions_note(source, event));
            channels.insert(
                channel_key.clone(),
                json!({
                    "address": null,
                    "title": event.type_value,
                    "description": description,
                    "messages": channel_messages,
                    "tags": [{"name": source.name}],
                }),
            );
            operations.insert(
                format!("receive__{channel_key}"),
                json!({
                    "action": "receive",
                    "channel": {"$ref": format!("#/channels/{channel_key}")},
                    "summary": format!("Receive `{}` events.", event.type_value),
                    "messages": operation_messages,
                }),
            );
        }
    }
    if uses_headers {
        let mut props = Map::new();
        for (name, description, mut schema) in standard_webhook_headers() {
            if let Value::Object(o) = &mut schema {
                o.insert("description".to_owned(), json!(description));
            }
            props.insert(name.to_owned(), schema);
        }
        let required: Vec<&str> = standard_webhook_headers()
            .iter()
            .map(|(n, _, _)| *n)
            .collect();
        if schemas.contains_key(HEADERS) {
            return Err(Diagnostic::error(
                "export-name-collision",
                format!("a component schema is already named \"{HEADERS}\""),
            )
            .in_file(&bundled.catalog.root));
        }
        schemas.insert(
            HEADERS.to_owned(),
            json!({
                "type": "object",
                "title": "Standard Webhooks headers",
                "properties": props,
                "required": required,
            }),
        );
    }
    Ok(json!({
        "asyncapi": "3.0.0",
        "info": {
            "title": options.title,
            "version": options.api_version,
            "description": format!("The events of the catalog: a channel per event type, a message per version. {}", options.generated_note()),
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn draft_2020_keywords_get_their_draft_07_spelling() {
        let mut s = json!({
            "properties": {"p": {"prefixItems": [{"type": "string"}], "items": false}},
            "dependentRequired": {"a": ["b"]},
            "dependentSchemas": {"c": {"prefixItems": [true]}},
        });
        to_draft_07(&mut s);
        assert_eq!(
            s,
            json!({
                "properties": {"p": {"additionalItems": false, "items": [{"type": "string"}]}},
                "dependencies": {"a": ["b"], "c": {"items": [true]}},
            })
        );
    }
}
