//! What the site says in words rather than in JSON Pointer or code: where
//! a change happened, what a bump means, and which schema reads an event of
//! a given version (the dispatch rule).

use eventsmith_core::version::{self, Scheme};

use crate::compat::differ::{Bump, Change};
use crate::lower::{Locator, Selector};

/// One change of a step, for a reader who does not know JSON Pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeWords {
    /// Where: "property `data.status`", "the event", "property `_links`,
    /// alternative 2".
    pub place: String,
    /// What happened, as the differ says it (rephrased for a few kinds).
    pub what: String,
}

/// `change` in words: its place from the pointer, its description with the
/// property path spelled out where the differ names a property.
pub fn change_words(change: &Change) -> ChangeWords {
    let path = SchemaPath::parse(&change.pointer);
    let names_property =
        change.kind.starts_with("property-") || change.kind.starts_with("required-");
    // `property "metadata" added` at `/properties/data/properties/metadata`:
    // say `data.metadata` once instead of a place and a name.
    if names_property && let Some(leaf) = path.members.last() {
        let quoted = format!("property \"{leaf}\"");
        if let Some(rest) = change.description.strip_prefix(&quoted) {
            let full = path.dotted();
            return ChangeWords {
                place: path.qualified(format!("property `{full}`")),
                what: rest.trim_start().to_owned(),
            };
        }
    }
    let what = match change.kind.as_str() {
        "enum-values-added" => rephrase(
            &change.description,
            "values added: ",
            "added to the allowed values",
        ),
        "enum-values-removed" => {
            rephrase(&change.description, "values removed: ", "no longer allowed")
        }
        _ => change.description.clone(),
    };
    let place = if path.members.is_empty() {
        path.qualified("the event".to_owned())
    } else {
        path.qualified(format!("property `{}`", path.dotted()))
    };
    ChangeWords { place, what }
}

/// `values added: "a", "b"` → `"a", "b" added to the allowed values`.
fn rephrase(description: &str, prefix: &str, tail: &str) -> String {
    match description.strip_prefix(prefix) {
        Some(list) => format!("{list} {tail}"),
        None => description.to_owned(),
    }
}

/// A logical schema pointer read as a path through the payload.
#[derive(Debug, Default)]
struct SchemaPath {
    /// Property names, `[]` for "each item", `[n]` for a tuple position.
    members: Vec<String>,
    /// Where inside the schema at that path: "alternative 2", "the `not` schema".
    qualifiers: Vec<String>,
}

impl SchemaPath {
    fn parse(pointer: &str) -> SchemaPath {
        let segments: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        let mut path = SchemaPath::default();
        let mut i = 0;
        let next = |i: usize| segments.get(i + 1).cloned().unwrap_or_default();
        while i < segments.len() {
            let seg = segments[i].as_str();
            match seg {
                "properties" => {
                    path.qualifiers.clear();
                    path.members.push(next(i));
                    i += 1;
                }
                "items" | "additionalItems" | "unevaluatedItems" => path.push_item("[]".to_owned()),
                "prefixItems" => {
                    path.push_item(format!("[{}]", next(i)));
                    i += 1;
                }
                "additionalProperties" | "unevaluatedProperties" => {
                    path.qualifiers.clear();
                    path.members.push("*".to_owned());
                }
                "patternProperties" => {
                    path.qualifiers.clear();
                    path.members.push(format!("<members matching {}>", next(i)));
                    i += 1;
                }
                "anyOf" | "oneOf" | "allOf" => {
                    let n = next(i).parse::<usize>().map_or(0, |n| n + 1);
                    let what = if seg == "allOf" {
                        "part"
                    } else {
                        "alternative"
                    };
                    path.qualifiers.push(format!("{what} {n}"));
                    i += 1;
                }
                "not" | "if" | "then" | "else" | "contains" | "propertyNames" => {
                    path.qualifiers.push(format!("the `{seg}` schema"));
                }
                "dependentSchemas" => {
                    path.qualifiers
                        .push(format!("when `{}` is present", next(i)));
                    i += 1;
                }
                // A keyword (`title`, `enum`, `maximum`): the description names it.
                _ => break,
            }
            i += 1;
        }
        path
    }

    fn push_item(&mut self, item: String) {
        self.qualifiers.clear();
        match self.members.last_mut() {
            Some(last) => last.push_str(&item),
            None => self.members.push(item),
        }
    }

    fn dotted(&self) -> String {
        let mut out = String::new();
        for m in &self.members {
            if !out.is_empty() && !m.starts_with('[') {
                out.push('.');
            }
            out.push_str(m);
        }
        out
    }

    fn qualified(&self, place: String) -> String {
        if self.qualifiers.is_empty() {
            place
        } else {
            format!("{place}, {}", self.qualifiers.join(", "))
        }
    }
}

/// What a bump promises a consumer built against the older version.
pub fn bump_meaning(bump: Bump) -> &'static str {
    match bump {
        Bump::None => "nothing changed",
        Bump::Patch => "documentation only: the same payloads are valid",
        Bump::Minor => "widening: every payload valid before is still valid",
        Bump::Major => "breaking: some payloads valid before are not, or mean something else",
    }
}

/// One line of the dispatch table: events of these versions are read with
/// this schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reads {
    /// The schema version (its key).
    pub schema: String,
    /// Which event versions it reads, in words.
    pub versions: String,
}

/// What the runtime does by default (`NewerVersions::Tolerate`) with an
/// event newer than the schema that reads it.
const NEWER: &str = "An event newer than the schema that reads it is tolerated where the Rust types can hold the difference (a string outside an enum decodes as `Unknown`, a member a closed object does not name is dropped); any other error still fails.";

/// How a source's events find their schema, in words.
pub fn dispatch_rule(selector: &Selector) -> String {
    match selector {
        Selector::Version { at, scheme } => {
            let at = locator(at);
            match scheme {
                Scheme::Semver => format!(
                    "The version is {at}, a semantic version. An event of version V is read with the newest schema of the same major version that is not newer than V: a consumer keeps reading the minor and patch releases that follow its schemas. An event older than every schema of its major, or of a major with no schema, is refused (`EventError::UnknownVersion`). {NEWER}"
                ),
                Scheme::Calendar => format!(
                    "The version is {at}, a date (YYYY-MM-DD). An event of version D is read with the newest schema dated on or before D. An event dated before the first schema is refused (`EventError::UnknownVersion`). {NEWER}"
                ),
                Scheme::Integer => format!(
                    "The version is {at}, a whole number. An event is read only with the schema of exactly its version; any other version is refused (`EventError::UnknownVersion`)."
                ),
            }
        }
        Selector::Member { name, absent } => {
            let absent = match absent {
                Some(schema) => format!(" An event without it is read with the `{schema}` schema."),
                None => " An event without it is refused.".to_owned(),
            };
            format!(
                "Events carry no version: the schema is chosen by the value of the `{name}` member, one schema per value.{absent}"
            )
        }
        Selector::Only => "Events carry no version: each event type has one schema, which reads every event of that type.".to_owned(),
    }
}

/// Where the event type is, in words.
pub fn type_rule(locator_: &Locator) -> String {
    format!("The event type is {}.", locator(locator_))
}

fn locator(at: &Locator) -> String {
    match at {
        Locator::Member(name) => format!("the `{name}` member of the payload"),
        Locator::Given(what) => what.clone(),
    }
}

/// For each schema of an event type (keys oldest first), which event
/// versions it reads, under `selector`.
pub fn dispatch_table(selector: &Selector, keys: &[String]) -> Vec<Reads> {
    let reads = |i: usize, versions: String| Reads {
        schema: keys[i].clone(),
        versions,
    };
    match selector {
        Selector::Version { scheme, .. } => match scheme {
            Scheme::Semver => {
                let parsed: Vec<Option<version::SemVer>> = keys
                    .iter()
                    .map(|k| version::SemVer::parse(k).ok())
                    .collect();
                (0..keys.len())
                    .map(|i| {
                        let Some(v) = parsed[i] else {
                            return reads(i, "none (not a semantic version)".to_owned());
                        };
                        let next = parsed[i + 1..]
                            .iter()
                            .flatten()
                            .find(|n| n.major == v.major);
                        let words = match next {
                            Some(n) => format!("{} up to, not including, {}", keys[i], n),
                            None => format!("{} and every later {}.x", keys[i], v.major),
                        };
                        reads(i, words)
                    })
                    .collect()
            }
            Scheme::Calendar => (0..keys.len())
                .map(|i| {
                    let words = match keys.get(i + 1) {
                        Some(next) => format!("dated {} up to, not including, {next}", keys[i]),
                        None => format!("dated {} or later", keys[i]),
                    };
                    reads(i, words)
                })
                .collect(),
            Scheme::Integer => (0..keys.len())
                .map(|i| reads(i, format!("exactly {}", keys[i])))
                .collect(),
        },
        Selector::Member { name, absent } => (0..keys.len())
            .map(|i| {
                let mut words = format!("`{name}` = \"{}\"", keys[i]);
                if absent.as_deref() == Some(keys[i].as_str()) {
                    words.push_str(", and events without it");
                }
                reads(i, words)
            })
            .collect(),
        Selector::Only => (0..keys.len())
            .map(|i| reads(i, "every event of this type".to_owned()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(pointer: &str, kind: &str, description: &str) -> Change {
        Change {
            pointer: pointer.to_owned(),
            kind: kind.to_owned(),
            description: description.to_owned(),
            bump: Bump::Minor,
        }
    }

    fn words(pointer: &str, kind: &str, description: &str) -> (String, String) {
        let w = change_words(&change(pointer, kind, description));
        (w.place, w.what)
    }

    #[test]
    fn pointers_read_as_payload_paths() {
        assert_eq!(
            words(
                "/properties/data/properties/status/enum",
                "enum-values-added",
                "values added: \"suspended\""
            ),
            (
                "property `data.status`".to_owned(),
                "\"suspended\" added to the allowed values".to_owned()
            )
        );
        assert_eq!(
            words(
                "/properties/data/properties/metadata",
                "property-added",
                "property \"metadata\" added (required)"
            ),
            (
                "property `data.metadata`".to_owned(),
                "added (required)".to_owned()
            )
        );
        assert_eq!(
            words(
                "/properties/actor",
                "required-added",
                "property \"actor\" became required"
            ),
            ("property `actor`".to_owned(), "became required".to_owned())
        );
        assert_eq!(
            words(
                "/properties/_links/anyOf/1",
                "type-widened",
                "now also accepts null"
            ),
            (
                "property `_links`, alternative 2".to_owned(),
                "now also accepts null".to_owned()
            )
        );
        assert_eq!(
            words(
                "/properties/sims/items/properties/id/maxLength",
                "maxLength-raised",
                "upper bound relaxed"
            ),
            (
                "property `sims[].id`".to_owned(),
                "upper bound relaxed".to_owned()
            )
        );
        assert_eq!(
            words("/title", "annotation-changed", "title changed").0,
            "the event"
        );
        assert_eq!(
            words("", "event-type-added", "event type added").0,
            "the event"
        );
        assert_eq!(
            words("/properties/a~1b/not", "not-added", "x").0,
            "property `a/b`, the `not` schema"
        );
    }

    fn table(selector: &Selector, keys: &[&str]) -> Vec<(String, String)> {
        let keys: Vec<String> = keys.iter().map(|k| (*k).to_owned()).collect();
        dispatch_table(selector, &keys)
            .into_iter()
            .map(|r| (r.schema, r.versions))
            .collect()
    }

    #[test]
    fn dispatch_tables_say_the_rule_of_each_scheme() {
        let semver = Selector::Version {
            at: Locator::Member("version".to_owned()),
            scheme: Scheme::Semver,
        };
        assert_eq!(
            table(&semver, &["1.1.0", "1.3.0", "2.1.0"]),
            [
                (
                    "1.1.0".to_owned(),
                    "1.1.0 up to, not including, 1.3.0".to_owned()
                ),
                ("1.3.0".to_owned(), "1.3.0 and every later 1.x".to_owned()),
                ("2.1.0".to_owned(), "2.1.0 and every later 2.x".to_owned()),
            ]
        );
        let calendar = Selector::Version {
            at: Locator::Member("version".to_owned()),
            scheme: Scheme::Calendar,
        };
        assert_eq!(
            table(&calendar, &["2024-10-28", "2025-05-22"])[0].1,
            "dated 2024-10-28 up to, not including, 2025-05-22"
        );
        let member = Selector::Member {
            name: "action".to_owned(),
            absent: Some("event".to_owned()),
        };
        assert_eq!(
            table(&member, &["event", "opened"])[0].1,
            "`action` = \"event\", and events without it"
        );
        assert_eq!(
            table(&Selector::Only, &["event"])[0].1,
            "every event of this type"
        );
        assert!(dispatch_rule(&semver).contains("same major"));
        assert!(dispatch_rule(&calendar).contains("dated on or before"));
        assert!(dispatch_rule(&member).contains("`action`"));
    }
}
