//! Validating payloads against a catalog without compiling it: dispatch on
//! type and version, then run the source's validators with the runtime's
//! engine — the very engine and program the generated bindings run, so the
//! CLI's verdict and errors are the bindings'. The CLI's `validate` and the
//! example checks use this.

use eventsmith_core::event::{self, EventError, Given, SourceTable, TypeTable};
use eventsmith_core::json::{Node, Tape};
use eventsmith_core::validation::{Embedded, ValidationError, Validator};
use serde_json::Value;

use std::collections::BTreeSet;

use crate::diagnostic::Diagnostics;
use crate::emit::program::Lowered;
use crate::emit::source_program;
use crate::ir::validator::{Body, targets};
use crate::load::catalog::Expectation;
use crate::lower::{Compiled, Locator, Selector, SourceIr};

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
    /// Per source, its dispatch table (types sorted by type value) and,
    /// per entry, the index of the event type in the source.
    tables: Vec<(&'static SourceTable, Vec<usize>)>,
}

/// The dispatch table of a lowered source, as generated code has it (the
/// runtime's `locate` reads it), leaked once per source of a validator:
/// `SourceTable` holds `'static` data. Its validator is never used (the
/// CLI runs its own), so it is an empty program.
fn dispatch_table(source: &SourceIr) -> &'static SourceTable {
    static NO_PROGRAM: Embedded = Embedded::new(&[]);
    let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
    let locator = |l: &Locator| match l {
        Locator::Member(m) => event::Locator::Member(leak(m)),
        Locator::Given(what) => event::Locator::Given(leak(what)),
    };
    let selector = match &source.selector {
        Selector::Version { at, scheme } => event::Selector::Version {
            at: locator(at),
            scheme: *scheme,
        },
        Selector::Member { name, absent } => event::Selector::Member {
            name: leak(name),
            absent: absent.as_deref().map(leak),
        },
        Selector::Only => event::Selector::Only,
    };
    let mut events: Vec<(usize, &crate::lower::EventIr)> =
        source.events.iter().enumerate().collect();
    events.sort_by(|a, b| a.1.type_value.cmp(&b.1.type_value));
    let types: Vec<TypeTable> = events
        .iter()
        .map(|(i, e)| {
            let keys: Vec<String> = e.versions.iter().map(|v| v.key.clone()).collect();
            // The root "node" of each schema is its index: `locate` only
            // reads keys, and the caller maps indices back.
            let roots: Vec<u32> = (0..keys.len())
                .map(|k| u32::try_from(k).unwrap_or(u32::MAX))
                .collect();
            let _ = i;
            TypeTable {
                event_type: leak(&e.type_value),
                keys: static_versions(&keys),
                roots: Box::leak(roots.into_boxed_slice()),
            }
        })
        .collect();
    Box::leak(Box::new(SourceTable {
        source: leak(&source.name),
        validator: &NO_PROGRAM,
        event_type: locator(&source.event_type),
        selector,
        types: Box::leak(types.into_boxed_slice()),
    }))
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

/// True when `e` is about a payload whose type this source located (its
/// version or schema member failed), so no other source should be tried.
fn type_located(source: &SourceIr, e: &EventError) -> bool {
    let field = match e {
        EventError::MissingField { field } | EventError::FieldNotString { field, .. } => field,
        _ => return false,
    };
    !matches!(&source.event_type, Locator::Member(m) if m == field)
}

/// The member a locator names, when the payload has it as a string.
fn member(root: Node<'_>, at: &Locator) -> Option<String> {
    match at {
        Locator::Member(m) => root.get(m).and_then(|v| v.as_str()).map(str::to_owned),
        Locator::Given(_) => None,
    }
}

/// The payload pointer a dispatch error is about: the member it names, or
/// the root.
fn error_pointer(source: &SourceIr, e: &EventError) -> String {
    let version_member = match &source.selector {
        Selector::Version {
            at: Locator::Member(m),
            ..
        } => Some(m.as_str()),
        Selector::Member { name, .. } => Some(name.as_str()),
        _ => None,
    };
    match e {
        EventError::FieldNotString { field, .. } => format!("/{field}"),
        EventError::UnknownType { .. } => match &source.event_type {
            Locator::Member(m) => format!("/{m}"),
            Locator::Given(_) => String::new(),
        },
        EventError::InvalidVersion { .. } | EventError::UnknownVersion { .. } => {
            version_member.map(|m| format!("/{m}")).unwrap_or_default()
        }
        _ => String::new(),
    }
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
        let tables = compiled
            .sources
            .iter()
            .map(|s| {
                let mut order: Vec<usize> = (0..s.events.len()).collect();
                order.sort_by(|a, b| s.events[*a].type_value.cmp(&s.events[*b].type_value));
                (dispatch_table(s), order)
            })
            .collect();
        CatalogValidator {
            compiled,
            validators,
            programs,
            tables,
        }
    }

    /// Finds the source, event type and version of `value` and validates it.
    pub fn validate(&self, value: &Value) -> Outcome {
        self.validate_given(value, &Given::NOTHING)
    }

    /// [`CatalogValidator::validate`] for a payload whose type or version
    /// is given outside it (a header, an endpoint's API version).
    pub fn validate_given(&self, value: &Value, given: &Given<'_>) -> Outcome {
        let tape = Tape::from_value(value);
        self.validate_node_given(tape.root(), given)
    }

    /// [`CatalogValidator::validate`] on a parsed payload.
    pub fn validate_node(&self, root: Node<'_>) -> Outcome {
        self.validate_node_given(root, &Given::NOTHING)
    }

    /// Dispatches `root` as the generated `Event::from_slice_given` does
    /// (the runtime's `locate` on each source's table), trying the sources
    /// in order: the first that knows the payload's type reads it.
    pub fn validate_node_given(&self, root: Node<'_>, given: &Given<'_>) -> Outcome {
        let mut outcome = Outcome {
            event_type: given.event_type.map(str::to_owned),
            version: given.version.map(str::to_owned),
            schema_version: None,
            valid: false,
            errors: vec![],
        };
        let mut first_error = None;
        for (ci, cs) in self.compiled.sources.iter().enumerate() {
            let (table, order) = &self.tables[ci];
            // `locate` borrows `given` for the node's lifetime.
            let given = Given {
                event_type: given.event_type,
                version: given.version,
            };
            match event::locate(table, root, &given) {
                Ok(at) => {
                    let ei = order[at.type_index];
                    let event = &cs.events[ei];
                    outcome.event_type = Some(event.type_value.clone());
                    outcome.version =
                        Some(at.version.clone().into_owned()).filter(|v| !v.is_empty());
                    outcome.schema_version = Some(event.versions[at.schema_index].key.clone());
                    outcome.errors = self.validate_version_node(ci, ei, at.schema_index, root);
                    outcome.valid = outcome.errors.is_empty();
                    return outcome;
                }
                // Not this source's event: the next source may know it.
                Err(
                    e @ (EventError::UnknownType { .. }
                    | EventError::MissingField { .. }
                    | EventError::FieldNotString { .. }
                    | EventError::NotAnObject { .. }
                    | EventError::TypeNotGiven { .. }),
                ) if !type_located(cs, &e) => {
                    first_error.get_or_insert_with(|| dispatch_error(&error_pointer(cs, &e), &e));
                }
                Err(e) => {
                    outcome.event_type =
                        outcome.event_type.or_else(|| member(root, &cs.event_type));
                    if let Selector::Version { at, .. } = &cs.selector {
                        outcome.version = outcome.version.or_else(|| member(root, at));
                    }
                    outcome
                        .errors
                        .push(dispatch_error(&error_pointer(cs, &e), &e));
                    return outcome;
                }
            }
        }
        if let Some(e) = first_error {
            outcome.errors.push(e);
        }
        // Name what the payload claims, even when no source knows it.
        if let Some(cs) = self.compiled.sources.first() {
            outcome.event_type = outcome.event_type.or_else(|| member(root, &cs.event_type));
            if let Selector::Version { at, .. } = &cs.selector {
                outcome.version = outcome.version.or_else(|| member(root, at));
            }
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
