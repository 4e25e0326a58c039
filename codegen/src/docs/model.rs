//! The page model: everything the site shows, read from the compiled
//! catalog, the compatibility check's version pairs, the export's
//! standalone schemas and the validator's verdicts on the examples. No HTML
//! here; `render.rs` writes pages from this.

use std::collections::{BTreeMap, BTreeSet};

use eventsmith_core::validation::ValidationError;
use serde_json::Value;

use super::fields::{FieldRow, Fields, RustType, TypeBody, TypePart, is_shared};
use super::signing::{SigningDoc, signing_doc};
use super::words::{ChangeWords, Reads, change_words, dispatch_rule, dispatch_table, type_rule};
use crate::compat::{Bump, Verdict, VersionPair};
use crate::ir::types::TypeId;
use crate::load::catalog::{Example, Expectation};
use crate::lower::Compiled;
use crate::validate::CatalogValidator;

/// The whole site.
#[derive(Debug)]
pub struct SiteModel {
    /// The sources, in catalog order.
    pub sources: Vec<SourceDoc>,
}

/// A source: a system that sends events.
#[derive(Debug)]
pub struct SourceDoc {
    /// Its directory name.
    pub name: String,
    /// Human title.
    pub title: String,
    /// Description.
    pub description: String,
    /// The Rust module of its bindings.
    pub module: String,
    /// How deliveries are authenticated, and the receiving code.
    pub signing: SigningDoc,
    /// Where the event type is, in words.
    pub type_rule: String,
    /// Which schema reads an event, in words.
    pub dispatch_rule: String,
    /// Its event types, in catalog order.
    pub events: Vec<EventDoc>,
    /// Its shared definitions (`common/`), by name.
    pub types: Vec<TypeDoc>,
}

/// An event type.
#[derive(Debug)]
pub struct EventDoc {
    /// Its directory name.
    pub dir: String,
    /// The type value payloads carry.
    pub type_value: String,
    /// The Rust module (`form_submission`).
    pub module: String,
    /// The Rust name (`FormSubmission`).
    pub rust_name: String,
    /// The newest version's description.
    pub description: Option<String>,
    /// Its versions, oldest first.
    pub versions: Vec<VersionDoc>,
    /// Each version against its predecessor, as `check` judges it (the
    /// first is the type's arrival, a last one may be its removal).
    pub steps: Vec<StepDoc>,
    /// Which schema reads an event of which version.
    pub reads: Vec<Reads>,
}

/// A version of an event type.
#[derive(Debug)]
pub struct VersionDoc {
    /// Its key (`1.3.0`, `2025-05-22`).
    pub key: String,
    /// The Rust variant and alias (`V1_3_0`).
    pub variant: String,
    /// The schema file, relative to the catalog.
    pub file: String,
    /// `deprecated: true` at the top.
    pub deprecated: bool,
    /// The schema's title.
    pub title: Option<String>,
    /// The schema's description.
    pub description: Option<String>,
    /// The fields.
    pub rows: Vec<FieldRow>,
    /// The examples: valid ones first.
    pub examples: Vec<ExampleDoc>,
    /// The standalone JSON Schema 2020-12 document (from the export).
    pub schema: String,
}

/// One step in an event type's history.
#[derive(Debug)]
pub struct StepDoc {
    /// The older version (`None` when the type arrives).
    pub from: Option<String>,
    /// The newer version (`None` when a later major drops the type).
    pub to: Option<String>,
    /// The bump the version numbers declare (semver).
    pub declared: Option<Bump>,
    /// The bump the changes need.
    pub required: Bump,
    /// `check`'s verdict.
    pub verdict: Verdict,
    /// Declared gaps, rollbacks and remarks.
    pub notes: Vec<String>,
    /// Every change.
    pub changes: Vec<ChangeDoc>,
}

/// One change of a step.
#[derive(Debug)]
pub struct ChangeDoc {
    /// The change in words.
    pub words: ChangeWords,
    /// The logical JSON pointer into the schema, for those who want it.
    pub pointer: String,
    /// The differ's kind (`property-added`).
    pub kind: String,
    /// The bump it needs.
    pub bump: Bump,
}

/// An example payload and what the validator says of it.
#[derive(Debug)]
pub struct ExampleDoc {
    /// Its file name (`2025-05-22-missing-created-at.json`).
    pub name: String,
    /// The payload, pretty-printed JSON in payload order.
    pub payload: String,
    /// For an invalid example: why, and the errors `expected.yaml` records.
    pub expected: Option<(String, Vec<(String, String)>)>,
    /// Every error the validator gives.
    pub errors: Vec<ValidationError>,
    /// True when the example does what it must (valid, or failing with
    /// exactly the recorded errors).
    pub proven: bool,
}

/// A shared definition with a page of its own.
#[derive(Debug)]
pub struct TypeDoc {
    /// Its Rust name (also its page name).
    pub name: String,
    /// Its id in the type graph.
    pub id: TypeId,
    /// Its Rust module path (`gigs::common`).
    pub module: String,
    /// Title and description of its schema.
    pub doc: Option<String>,
    /// `file#/pointer` it comes from.
    pub origin: String,
    /// What it holds.
    pub body: TypeBody,
    /// The event versions whose fields use it: `(event index, version key)`.
    pub used_by: Vec<(usize, String)>,
}

/// Builds the model. `pairs` are [`crate::compat::compare_versions`]'s,
/// `schemas` [`crate::export::standalone_schemas`]'s.
pub fn build_model(
    compiled: &Compiled,
    pairs: &[VersionPair],
    schemas: &BTreeMap<(usize, usize, usize), String>,
) -> SiteModel {
    let validator = CatalogValidator::new(compiled);
    let mut sources = Vec::new();
    for (ci, cs) in compiled.sources.iter().enumerate() {
        let si = cs.source;
        let source = &compiled.catalog.sources[si];
        let fields = Fields::new(compiled, ci);
        let mut used_by: BTreeMap<TypeId, BTreeSet<(usize, String)>> = BTreeMap::new();
        let mut events = Vec::new();
        for (ei, (ev, event)) in cs.events.iter().zip(&source.events).enumerate() {
            let mut versions = Vec::new();
            for (vi, (vir, version)) in ev.versions.iter().zip(&event.versions).enumerate() {
                let rows = fields.version_rows(&vir.root_type, vir.root);
                for row in &rows {
                    for id in shared_ids(&row.rust) {
                        used_by.entry(id).or_default().insert((ei, vir.key.clone()));
                    }
                }
                let root = compiled.catalog.registry.value(&version.root());
                let annotation = |k: &str| {
                    root.and_then(|r| r.get(k))
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                };
                let mut examples: Vec<ExampleDoc> = version
                    .examples
                    .iter()
                    .map(|ex| example_doc(ex, validator.validate_version(ci, ei, vi, &ex.value)))
                    .collect();
                examples.sort_by_key(|e| e.expected.is_some());
                versions.push(VersionDoc {
                    key: vir.key.clone(),
                    variant: vir.variant.clone(),
                    file: vir.file.clone(),
                    deprecated: vir.deprecated,
                    title: annotation("title"),
                    description: annotation("description"),
                    rows,
                    examples,
                    schema: schemas.get(&(si, ei, vi)).cloned().unwrap_or_default(),
                });
            }
            let keys: Vec<String> = versions.iter().map(|v| v.key.clone()).collect();
            let steps = pairs
                .iter()
                .filter(|p| p.source == source.name && p.event_type == event.dir)
                .map(step_doc)
                .collect();
            events.push(EventDoc {
                dir: event.dir.clone(),
                type_value: ev.type_value.clone(),
                module: ev.module.clone(),
                rust_name: ev.rust_name.clone(),
                description: versions.iter().rev().find_map(|v| v.description.clone()),
                reads: dispatch_table(&cs.selector, &keys),
                versions,
                steps,
            });
        }
        let types = shared_types(compiled, &fields, &cs.module, &used_by);
        sources.push(SourceDoc {
            name: source.name.clone(),
            title: cs.title.clone(),
            description: cs.description.clone(),
            module: cs.module.clone(),
            signing: signing_doc(source.signing),
            type_rule: type_rule(&cs.event_type),
            dispatch_rule: dispatch_rule(&cs.selector),
            events,
            types,
        });
    }
    SiteModel { sources }
}

/// The shared types a Rust type names.
fn shared_ids(rust: &RustType) -> impl Iterator<Item = TypeId> + '_ {
    rust.0.iter().filter_map(|p| match p {
        TypePart::Named {
            id, shared: true, ..
        } => Some(*id),
        _ => None,
    })
}

/// Every shared definition of the source's module, by name, with the
/// versions that use it (directly or through another shared type).
fn shared_types(
    compiled: &Compiled,
    fields: &Fields<'_>,
    module: &str,
    used_by: &BTreeMap<TypeId, BTreeSet<(usize, String)>>,
) -> Vec<TypeDoc> {
    let mut docs: Vec<TypeDoc> = compiled
        .types
        .types
        .iter()
        .enumerate()
        .filter(|(_, def)| is_shared(def) && def.same_as.is_none() && def.module[0] == module)
        .map(|(id, def)| TypeDoc {
            name: def.name.clone(),
            id,
            module: def.module.join("::"),
            doc: {
                let schema = compiled.catalog.registry.value(&def.loc);
                let say = |k: &str| {
                    schema
                        .and_then(|v| v.get(k))
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                };
                // The title is the type's name already; say it only when it is all there is.
                say("description").or_else(|| say("title").filter(|t| *t != def.name))
            },
            origin: def.origin.clone(),
            body: fields.type_body(id),
            used_by: Vec::new(),
        })
        .collect();
    // Use spreads through shared types that name other shared types.
    let mut users: BTreeMap<TypeId, BTreeSet<(usize, String)>> = used_by.clone();
    let names: Vec<(TypeId, Vec<TypeId>)> = docs
        .iter()
        .map(|d| (d.id, body_shared_ids(&d.body)))
        .collect();
    loop {
        let mut grew = false;
        for (owner, inner) in &names {
            let from: BTreeSet<(usize, String)> = users.get(owner).cloned().unwrap_or_default();
            for id in inner {
                let set = users.entry(*id).or_default();
                let before = set.len();
                set.extend(from.iter().cloned());
                grew |= set.len() != before;
            }
        }
        if !grew {
            break;
        }
    }
    for d in &mut docs {
        d.used_by = users
            .get(&d.id)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default();
    }
    docs.sort_by(|a, b| a.name.cmp(&b.name));
    docs
}

fn body_shared_ids(body: &TypeBody) -> Vec<TypeId> {
    let row_ids = |rows: &[FieldRow]| {
        rows.iter()
            .flat_map(|r| shared_ids(&r.rust))
            .collect::<Vec<_>>()
    };
    match body {
        TypeBody::Struct(rows) => row_ids(rows),
        TypeBody::Values(_) => Vec::new(),
        TypeBody::Tagged { variants, .. } => variants
            .iter()
            .flat_map(|(_, ty, rows)| {
                let mut ids = row_ids(rows);
                ids.extend(shared_ids(ty));
                ids
            })
            .collect(),
    }
}

fn step_doc(pair: &VersionPair) -> StepDoc {
    StepDoc {
        from: pair.from.clone(),
        to: pair.to.clone(),
        declared: pair.declared_bump,
        required: pair.required_bump,
        verdict: pair.verdict,
        notes: pair.notes.clone(),
        changes: pair
            .changes
            .iter()
            .map(|c| ChangeDoc {
                words: change_words(c),
                pointer: c.pointer.clone(),
                kind: c.kind.clone(),
                bump: c.bump,
            })
            .collect(),
    }
}

fn example_doc(example: &Example, errors: Vec<ValidationError>) -> ExampleDoc {
    let name = example
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut payload = serde_json::to_string_pretty(&example.value).unwrap_or_default();
    payload.push('\n');
    let (expected, proven) = match &example.expect {
        Expectation::Valid => (None, errors.is_empty()),
        Expectation::Invalid {
            reason,
            errors: want,
        } => {
            let mut got: Vec<(String, String)> = errors
                .iter()
                .map(|e| (e.instance_path.clone(), e.keyword.clone()))
                .collect();
            got.sort();
            (Some((reason.clone(), want.clone())), &got == want)
        }
    };
    ExampleDoc {
        name,
        payload,
        expected,
        errors,
        proven,
    }
}
