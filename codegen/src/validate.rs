//! Validating payloads against a catalog without compiling it: dispatch on
//! type and version, then run the source's validators with the runtime's
//! engine — the very engine and program the generated bindings run, so the
//! CLI's verdict and errors are the bindings'. The CLI's `validate` and the
//! example checks use this.

use eventsmith_core::event::{EventError, choose};
use eventsmith_core::json::{Node, Tape};
use eventsmith_core::validation::{ValidationError, Validator};
use eventsmith_core::version::Scheme;
use serde_json::Value;

use std::collections::BTreeSet;

use crate::diagnostic::Diagnostics;
use crate::emit::program::Lowered;
use crate::emit::source_program;
use crate::ir::validator::{Body, targets};
use crate::load::catalog::{Expectation, Versioning};
use crate::lower::Compiled;

/// The verdict on one payload.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Outcome {
    /// The payload's type value, when it has one.
    #[serde(rename = "type")]
    pub event_type: Option<String>,
    /// The payload's version value, when it has one.
    pub version: Option<String>,
    /// The schema version it was checked against.
    pub schema_version: Option<String>,
    /// True when there are no errors.
    pub valid: bool,
    /// Every error (dispatch problems have keyword `dispatch`).
    pub errors: Vec<ValidationError>,
}

/// A compiled catalog ready to validate payloads.
#[derive(Debug)]
pub struct CatalogValidator<'c> {
    compiled: &'c Compiled,
    /// Per source; an error only on a generator bug (a program the engine
    /// refuses), reported on every payload of that source.
    validators: Vec<Result<Validator, String>>,
    /// Per source, where its graph's nodes are in its program.
    programs: Vec<Lowered>,
}

fn scheme(v: Versioning) -> Scheme {
    match v {
        Versioning::Semver => Scheme::Semver,
        Versioning::Calendar => Scheme::Calendar,
    }
}

/// `known` as the `'static` list `choose` takes (generated code has one per
/// event type). Interned: each distinct list is leaked once per process, not
/// once per payload (a long NDJSON stream used to grow without bound).
fn static_versions(known: &[String]) -> &'static [&'static str] {
    static INTERNED: std::sync::Mutex<
        std::collections::BTreeMap<Vec<String>, &'static [&'static str]>,
    > = std::sync::Mutex::new(std::collections::BTreeMap::new());
    let mut interned = INTERNED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(list) = interned.get(known) {
        return list;
    }
    let list: Vec<&'static str> = known
        .iter()
        .map(|s| &*Box::leak(s.clone().into_boxed_str()))
        .collect();
    let list: &'static [&'static str] = Box::leak(list.into_boxed_slice());
    interned.insert(known.to_vec(), list);
    list
}

fn dispatch_error(pointer: &str, e: &EventError) -> ValidationError {
    ValidationError {
        instance_path: pointer.to_owned(),
        schema_path: String::new(),
        keyword: "dispatch".to_owned(),
        message: e.to_string(),
    }
}

impl<'c> CatalogValidator<'c> {
    /// Prepares every source's validators.
    pub fn new(compiled: &'c Compiled) -> CatalogValidator<'c> {
        let programs: Vec<Lowered> = compiled.sources.iter().map(source_program).collect();
        let validators = compiled
            .sources
            .iter()
            .zip(&programs)
            .map(|(s, p)| {
                Validator::new(p.program.clone()).map_err(|e| {
                    format!(
                        "internal error: the validators of source {} do not load: {e}",
                        s.name
                    )
                })
            })
            .collect();
        CatalogValidator {
            compiled,
            validators,
            programs,
        }
    }

    /// Finds the source, event type and version of `value` and validates it.
    pub fn validate(&self, value: &Value) -> Outcome {
        let tape = Tape::from_value(value);
        self.validate_node(tape.root())
    }

    /// [`CatalogValidator::validate`] on a parsed payload.
    pub fn validate_node(&self, root: Node<'_>) -> Outcome {
        let value = root.to_value();
        let value = &value;
        let mut outcome = Outcome {
            event_type: None,
            version: None,
            schema_version: None,
            valid: false,
            errors: vec![],
        };
        let Value::Object(obj) = value else {
            let e = EventError::NotAnObject {
                found: eventsmith_core::validation::type_name(value),
            };
            outcome.errors.push(dispatch_error("", &e));
            return outcome;
        };
        // The first source whose type member names one of its event types.
        let mut first_error = None;
        for (ci, cs) in self.compiled.sources.iter().enumerate() {
            let source = &self.compiled.catalog.sources[cs.source];
            let event_type = match obj.get(&source.type_field) {
                Some(Value::String(t)) => t,
                Some(other) => {
                    first_error.get_or_insert_with(|| {
                        let e = EventError::FieldNotString {
                            field: source.type_field.clone(),
                            found: eventsmith_core::validation::type_name(other),
                        };
                        dispatch_error(&format!("/{}", source.type_field), &e)
                    });
                    continue;
                }
                None => {
                    first_error.get_or_insert_with(|| {
                        dispatch_error(
                            "",
                            &EventError::MissingField {
                                field: source.type_field.clone(),
                            },
                        )
                    });
                    continue;
                }
            };
            let Some(ei) = source
                .events
                .iter()
                .position(|e| &e.type_value == event_type)
            else {
                first_error.get_or_insert_with(|| {
                    dispatch_error(
                        &format!("/{}", source.type_field),
                        &EventError::UnknownType {
                            event_type: event_type.clone(),
                        },
                    )
                });
                continue;
            };
            outcome.event_type = Some(event_type.clone());
            let event = &source.events[ei];
            let version = match obj.get(&source.version_field) {
                Some(Value::String(v)) => v.clone(),
                Some(other) => {
                    let e = EventError::FieldNotString {
                        field: source.version_field.clone(),
                        found: eventsmith_core::validation::type_name(other),
                    };
                    outcome
                        .errors
                        .push(dispatch_error(&format!("/{}", source.version_field), &e));
                    return outcome;
                }
                None => {
                    outcome.errors.push(dispatch_error(
                        "",
                        &EventError::MissingField {
                            field: source.version_field.clone(),
                        },
                    ));
                    return outcome;
                }
            };
            outcome.version = Some(version.clone());
            let known: Vec<String> = event
                .versions
                .iter()
                .map(|v| v.version.to_string())
                .collect();
            let known_static = static_versions(&known);
            let vi = match choose(
                scheme(source.versioning),
                event_type,
                known_static,
                &version,
            ) {
                Ok(i) => i,
                Err(e) => {
                    outcome
                        .errors
                        .push(dispatch_error(&format!("/{}", source.version_field), &e));
                    return outcome;
                }
            };
            outcome.schema_version = Some(known[vi].clone());
            outcome.errors = self.validate_version_node(ci, ei, vi, root);
            outcome.valid = outcome.errors.is_empty();
            return outcome;
        }
        if let Some(e) = first_error {
            outcome.errors.push(e);
        }
        // Name what the payload claims, even when no source knows it.
        if let Some(cs) = self.compiled.sources.first() {
            let source = &self.compiled.catalog.sources[cs.source];
            outcome.event_type = obj
                .get(&source.type_field)
                .and_then(Value::as_str)
                .map(str::to_owned);
            outcome.version = obj
                .get(&source.version_field)
                .and_then(Value::as_str)
                .map(str::to_owned);
        }
        outcome
    }

    /// Validates `value` against one specific version.
    pub fn validate_version(
        &self,
        source: usize,
        event: usize,
        version: usize,
        value: &Value,
    ) -> Vec<ValidationError> {
        let tape = Tape::from_value(value);
        self.validate_version_node(source, event, version, tape.root())
    }

    /// [`CatalogValidator::validate_version`] on a parsed payload.
    pub fn validate_version_node(
        &self,
        source: usize,
        event: usize,
        version: usize,
        node: Node<'_>,
    ) -> Vec<ValidationError> {
        let root = self.compiled.sources[source].events[event].versions[version].root;
        let root = self.programs[source].node(root);
        match &self.validators[source] {
            Ok(validator) => match validator.errors(root, node) {
                Ok(()) => Vec::new(),
                Err(errors) => errors.0,
            },
            Err(bug) => vec![ValidationError {
                instance_path: String::new(),
                schema_path: String::new(),
                keyword: "internal".to_owned(),
                message: bug.clone(),
            }],
        }
    }

    /// Checks every example of the catalog; returns one line per example
    /// that does not do what it must.
    pub fn check_examples(&self) -> Vec<String> {
        self.check_examples_except(&BTreeSet::new())
    }

    /// The versions `(source, event, version)` whose schema, or a schema it
    /// reaches, has an error in `diags`. Their validators are not what the
    /// author wrote (an unresolved `$ref` accepts everything), so their
    /// examples prove nothing.
    pub fn unprovable(&self, diags: &Diagnostics) -> BTreeSet<(usize, usize, usize)> {
        let failed: BTreeSet<&std::path::Path> =
            diags.errors().filter_map(|d| d.file.as_deref()).collect();
        let mut out = BTreeSet::new();
        if failed.is_empty() {
            return out;
        }
        let reg = &self.compiled.catalog.registry;
        for (ci, cs) in self.compiled.sources.iter().enumerate() {
            for (ei, event) in cs.events.iter().enumerate() {
                for (vi, version) in event.versions.iter().enumerate() {
                    let mut seen = BTreeSet::new();
                    let mut todo = vec![version.root];
                    let mut broken = false;
                    while let Some(id) = todo.pop() {
                        if !seen.insert(id) {
                            continue;
                        }
                        let node = cs.graph.node(id);
                        if failed.contains(reg.doc(node.loc.doc).path.as_path()) {
                            broken = true;
                            break;
                        }
                        if let Body::Checks(checks) = &node.body {
                            todo.extend(checks.iter().flat_map(|c| targets(&c.kind)));
                        }
                    }
                    if broken {
                        out.insert((ci, ei, vi));
                    }
                }
            }
        }
        out
    }

    /// Like [`CatalogValidator::check_examples`], leaving out the versions
    /// in `skip` (see [`CatalogValidator::unprovable`]).
    pub fn check_examples_except(&self, skip: &BTreeSet<(usize, usize, usize)>) -> Vec<String> {
        let mut problems = Vec::new();
        for (ci, cs) in self.compiled.sources.iter().enumerate() {
            let source = &self.compiled.catalog.sources[cs.source];
            for (ei, event) in source.events.iter().enumerate() {
                for (vi, version) in event.versions.iter().enumerate() {
                    if skip.contains(&(ci, ei, vi)) {
                        continue;
                    }
                    for example in &version.examples {
                        let errors = self.validate_version(ci, ei, vi, &example.value);
                        let shown = example
                            .path
                            .strip_prefix(&self.compiled.catalog.root)
                            .unwrap_or(&example.path)
                            .display();
                        match &example.expect {
                            Expectation::Valid if !errors.is_empty() => {
                                let list: Vec<String> =
                                    errors.iter().map(|e| e.to_string()).collect();
                                problems.push(format!(
                                    "{shown}: expected valid, got: {}",
                                    list.join("; ")
                                ));
                            }
                            Expectation::Valid => {}
                            Expectation::Invalid {
                                errors: expected, ..
                            } => {
                                let mut got: Vec<(String, String)> = errors
                                    .iter()
                                    .map(|e| (e.instance_path.clone(), e.keyword.clone()))
                                    .collect();
                                got.sort();
                                if &got != expected {
                                    problems.push(format!(
                                        "{shown}: expected errors {expected:?}, got {got:?}"
                                    ));
                                }
                            }
                        }
                    }
                }
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the payload fuzz target (LeakSanitizer): every validated
    /// payload leaked its event type's version list.
    #[test]
    fn version_lists_are_leaked_once_not_per_payload() {
        let known = vec!["1.0.0".to_owned(), "1.1.0".to_owned()];
        let first = static_versions(&known);
        assert_eq!(first, ["1.0.0", "1.1.0"]);
        for _ in 0..100 {
            assert!(std::ptr::eq(first, static_versions(&known.clone())));
        }
        assert!(!std::ptr::eq(first, static_versions(&["2.0.0".to_owned()])));
    }
}
