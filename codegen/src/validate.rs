//! Validating payloads against a catalog without compiling it: dispatch on
//! type and version, then run the source's validators with the runtime's
//! engine — the very engine and program the generated bindings run, so the
//! CLI's verdict and errors are the bindings'. The CLI's `validate` and the
//! example checks use this.

use eventsmith_core::event::{self, Dispatch, EventError, Given, Locator, NewerVersions, Selector};
use eventsmith_core::json::{Node, Tape};
use eventsmith_core::validation::program::NodeId;
use eventsmith_core::validation::{Errors, ValidationError, Validator};
use serde_json::Value;

use std::collections::BTreeSet;

use crate::diagnostic::Diagnostics;
use crate::emit::program::Lowered;
use crate::emit::source_program;
use crate::ir::validator::{Body, targets};
use crate::load::catalog::Expectation;
use crate::lower::{self, Compiled, SourceIr};

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
    /// Per source, what dispatch reads (the generated `SourceTable`'s
    /// content).
    tables: Vec<SourceDispatch>,
    /// How payloads newer than their schema are judged.
    newer_versions: NewerVersions,
}

/// One source as [`event::locate`] reads it: the same data the generated
/// `SourceTable` holds, built from the lowered catalog.
#[derive(Debug)]
struct SourceDispatch {
    event_type: Locator,
    selector: Selector,
    /// (type value, index into the source's events), sorted by type value.
    types: Vec<(&'static str, usize)>,
    /// Per event (the source's order), its schema keys.
    keys: Vec<&'static [&'static str]>,
}

impl Dispatch for SourceDispatch {
    fn event_type_at(&self) -> Locator {
        self.event_type
    }

    fn selector(&self) -> Selector {
        self.selector
    }

    fn type_index(&self, event_type: &str) -> Option<usize> {
        self.types
            .binary_search_by(|(t, _)| (*t).cmp(event_type))
            .ok()
            .map(|i| self.types[i].1)
    }

    fn keys(&self, type_index: usize) -> &'static [&'static str] {
        self.keys.get(type_index).copied().unwrap_or(&[])
    }
}

impl SourceDispatch {
    fn new(source: &SourceIr) -> SourceDispatch {
        let mut types: Vec<(&'static str, usize)> = source
            .events
            .iter()
            .enumerate()
            .map(|(i, e)| (intern(&e.type_value), i))
            .collect();
        types.sort_unstable();
        let keys = source
            .events
            .iter()
            .map(|e| {
                let keys: Vec<String> = e.versions.iter().map(|v| v.key.clone()).collect();
                intern_list(&keys)
            })
            .collect();
        SourceDispatch {
            event_type: locator(&source.event_type),
            selector: selector(&source.selector),
            types,
            keys,
        }
    }

    /// The payload member an error of dispatch points at.
    fn pointer(&self, e: &EventError) -> String {
        let member = match e {
            EventError::FieldNotString { field, .. } => Some(field.as_str()),
            EventError::UnknownType { .. } => match self.event_type {
                Locator::Member(name) => Some(name),
                Locator::Given(_) => None,
            },
            EventError::InvalidVersion { .. } | EventError::UnknownVersion { .. } => {
                match self.selector {
                    Selector::Version {
                        at: Locator::Member(name),
                        ..
                    }
                    | Selector::Member { name, .. } => Some(name),
                    _ => None,
                }
            }
            _ => None,
        };
        member.map_or_else(String::new, |m| {
            format!(
                "/{}",
                eventsmith_core::validation::escape_pointer_segment(m)
            )
        })
    }

    /// The member a payload's version is in, if any.
    fn version_member(&self) -> Option<&'static str> {
        match self.selector {
            Selector::Version {
                at: Locator::Member(name),
                ..
            }
            | Selector::Member { name, .. } => Some(name),
            _ => None,
        }
    }
}

fn locator(l: &lower::Locator) -> Locator {
    match l {
        lower::Locator::Member(name) => Locator::Member(intern(name)),
        lower::Locator::Given(what) => Locator::Given(intern(what)),
    }
}

fn selector(s: &lower::Selector) -> Selector {
    match s {
        lower::Selector::Version { at, scheme: v } => Selector::Version {
            at: locator(at),
            scheme: *v,
        },
        lower::Selector::Member { name, absent } => Selector::Member {
            name: intern(name),
            absent: absent.as_deref().map(intern),
        },
        lower::Selector::Only => Selector::Only,
    }
}

/// Texts and lists as the `'static` values dispatch tables hold (generated
/// code has them as literals). Interned: each distinct one is leaked once
/// per process, however many validators are built (a fuzz target builds
/// one per input).
fn intern(text: &str) -> &'static str {
    static INTERNED: std::sync::Mutex<BTreeSet<&'static str>> =
        std::sync::Mutex::new(BTreeSet::new());
    let mut interned = INTERNED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(s) = interned.get(text) {
        return s;
    }
    let s: &'static str = Box::leak(text.to_owned().into_boxed_str());
    interned.insert(s);
    s
}

/// See [`intern`].
fn intern_list(known: &[String]) -> &'static [&'static str] {
    static INTERNED: std::sync::Mutex<
        std::collections::BTreeMap<Vec<String>, &'static [&'static str]>,
    > = std::sync::Mutex::new(std::collections::BTreeMap::new());
    let mut interned = INTERNED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(list) = interned.get(known) {
        return list;
    }
    let list: Vec<&'static str> = known.iter().map(|s| intern(s)).collect();
    let list: &'static [&'static str] = Box::leak(list.into_boxed_slice());
    interned.insert(known.to_vec(), list);
    list
}

fn dispatch_error(pointer: String, e: &EventError) -> ValidationError {
    ValidationError {
        instance_path: pointer,
        schema_path: String::new(),
        keyword: "dispatch".to_owned(),
        message: e.to_string(),
    }
}

impl<'c> CatalogValidator<'c> {
    /// Prepares every source's validators. Payloads newer than their
    /// schema are judged strictly (see
    /// [`CatalogValidator::newer_versions`]).
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
        let tables = compiled.sources.iter().map(SourceDispatch::new).collect();
        CatalogValidator {
            compiled,
            validators,
            programs,
            tables,
            newer_versions: NewerVersions::Strict,
        }
    }

    /// How a payload newer than the schema that reads it is judged: the
    /// bindings' rule ([`NewerVersions`]; they tolerate by default, this
    /// validator is strict unless told otherwise).
    pub fn newer_versions(mut self, newer_versions: NewerVersions) -> CatalogValidator<'c> {
        self.newer_versions = newer_versions;
        self
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

    /// [`CatalogValidator::validate`] on a parsed payload. Dispatch is the
    /// bindings' ([`event::locate_type`], [`event::locate_schema`]), tried
    /// on each source in turn: the first source that knows the payload's
    /// type decides.
    pub fn validate_node(&self, root: Node<'_>) -> Outcome {
        self.validate_node_given(root, &Given::NOTHING)
    }

    /// [`CatalogValidator::validate_node`] for a payload whose type or
    /// version is given outside it, as the generated
    /// `Event::from_slice_given` reads it.
    pub fn validate_node_given(&self, root: Node<'_>, given: &Given<'_>) -> Outcome {
        let mut outcome = Outcome {
            event_type: given.event_type.map(str::to_owned),
            version: given.version.map(str::to_owned),
            schema_version: None,
            valid: false,
            errors: vec![],
        };
        let mut first_error = None;
        for (ci, table) in self.tables.iter().enumerate() {
            let (ei, event_type) = match event::locate_type(table, root, given) {
                Ok(found) => found,
                Err(e) => {
                    // A source that wants its type given outside the payload
                    // explains a payload without a type member best.
                    let given_wanted = matches!(e, EventError::TypeNotGiven { .. });
                    let keep = match &first_error {
                        None => true,
                        Some((missing, _)) => given_wanted && *missing,
                    };
                    if keep {
                        let missing = matches!(e, EventError::MissingField { .. });
                        first_error = Some((missing, dispatch_error(table.pointer(&e), &e)));
                    }
                    continue;
                }
            };
            outcome.event_type = Some(event_type.to_owned());
            let (vi, version) = match event::locate_schema(table, ei, event_type, root, given) {
                Ok(found) => found,
                Err(e) => {
                    if let EventError::InvalidVersion { version, .. }
                    | EventError::UnknownVersion { version, .. } = &e
                    {
                        outcome.version = Some(version.clone());
                    }
                    outcome.errors.push(dispatch_error(table.pointer(&e), &e));
                    return outcome;
                }
            };
            let key = table.keys(ei).get(vi).copied().unwrap_or_default();
            outcome.schema_version = Some(key.to_owned());
            outcome.errors = self.judge(ci, ei, vi, root, key, &version);
            outcome.version = Some(version.into_owned()).filter(|v| !v.is_empty());
            outcome.valid = outcome.errors.is_empty();
            return outcome;
        }
        if let Some((_, e)) = first_error {
            outcome.errors.push(e);
        }
        // Name what the payload claims, even when no source knows it.
        if let Some(table) = self.tables.first() {
            let text = |name: Option<&str>| {
                name.and_then(|n| root.get(n))
                    .and_then(Node::as_str)
                    .map(str::to_owned)
            };
            let type_member = match table.event_type {
                Locator::Member(name) => Some(name),
                Locator::Given(_) => None,
            };
            outcome.event_type = outcome.event_type.or_else(|| text(type_member));
            outcome.version = outcome.version.or_else(|| text(table.version_member()));
        }
        outcome
    }

    /// The errors of `root` against version `version` of event `event` of
    /// source `source`, for a payload that says it is at `payload_version`
    /// (the schema's is `schema_version`): a probe first, which answers
    /// valid payloads without building anything, then every error.
    fn judge(
        &self,
        source: usize,
        event: usize,
        version: usize,
        root: Node<'_>,
        schema_version: &str,
        payload_version: &str,
    ) -> Vec<ValidationError> {
        let Ok(validator) = &self.validators[source] else {
            return self.validate_version_node(source, event, version, root);
        };
        let node = self.root_node(source, event, version);
        if validator.is_valid(node, root) {
            return Vec::new();
        }
        let result = validator.errors(node, root);
        match event::tolerate(
            result,
            root,
            schema_version,
            payload_version,
            self.newer_versions,
        ) {
            Ok(()) => Vec::new(),
            Err(Errors(errors)) => errors,
        }
    }

    fn root_node(&self, source: usize, event: usize, version: usize) -> NodeId {
        let root = self.compiled.sources[source].events[event].versions[version].root;
        self.programs[source].node(root)
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
        self.errors_at(source, self.root_node(source, event, version), node)
    }

    /// Every error of `value` against graph node `node` of source `source`
    /// (any subschema, not only a version's root); `None` when no version
    /// or type reaches it.
    pub fn validate_graph_node(
        &self,
        source: usize,
        node: usize,
        value: &Value,
    ) -> Option<Vec<ValidationError>> {
        let at = self.programs[source].reached(node)?;
        let tape = Tape::from_value(value);
        Some(self.errors_at(source, at, tape.root()))
    }

    fn errors_at(&self, source: usize, at: NodeId, node: Node<'_>) -> Vec<ValidationError> {
        match &self.validators[source] {
            Ok(validator) => match validator.errors(at, node) {
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
    /// payload leaked its event type's version list. Lists are now interned
    /// once per distinct list, whatever the number of validators.
    #[test]
    fn version_lists_are_leaked_once_not_per_validator() {
        let known = vec!["1.0.0".to_owned(), "1.1.0".to_owned()];
        let first = intern_list(&known);
        assert_eq!(first, ["1.0.0", "1.1.0"]);
        for _ in 0..100 {
            assert!(std::ptr::eq(first, intern_list(&known.clone())));
        }
        assert!(!std::ptr::eq(first, intern_list(&["2.0.0".to_owned()])));
        assert!(std::ptr::eq(intern("1.0.0"), first[0]));
    }
}
