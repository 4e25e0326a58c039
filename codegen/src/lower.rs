//! Load → lower: a catalog with its validator graph and type graph, the
//! input of every back end (emitter, validator, checks, export).
//!
//! What the back ends need of a source is copied here into a record per
//! source, event type and version ([`SourceIr`], [`EventIr`], [`VersionIr`]),
//! so the emitter reads the IR alone and never the loader's types.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::diagnostic::Diagnostics;
use crate::ir::share::share_across_versions;
use crate::ir::types::{Ty, TypeGraph, TypeId};
use crate::ir::validator::{Body, CheckKind, FormatMode, Graph, LowerOptions, NodeId};
use crate::load::catalog::{Catalog, Origin, Source};
use crate::load::registry::Registry;
use crate::select::Selection;
use eventsmith_core::version::Scheme;

/// Where a source's payloads say their event type or version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Locator {
    /// In this member of the payload object.
    Member(String),
    /// Outside the payload; the text says where (`the X-GitHub-Event header`).
    Given(String),
}

/// How the schema that reads an event is chosen among its type's schemas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// By version, under a scheme.
    Version {
        /// Where the version is.
        at: Locator,
        /// How versions compare.
        scheme: Scheme,
    },
    /// By the value of a member; `absent` names the schema of payloads
    /// without it.
    Member {
        /// The member.
        name: String,
        /// The schema of payloads that do not have it.
        absent: Option<String>,
    },
    /// One schema per type.
    Only,
}

/// The HTTP headers a source's deliveries carry what dispatch needs in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    /// The event type's (`type_from: {header: …}`).
    pub event_type: Option<String>,
    /// The version's (`version_from: {header: …}`).
    pub version: Option<String>,
    /// The delivery id's (`delivery_id_header`).
    pub delivery_id: Option<String>,
}

/// One schema of an event type (a version), lowered.
#[derive(Debug, Clone)]
pub struct VersionIr {
    /// Its key as payloads write it: `1.3.0`, `2025-05-22`, `opened`.
    pub key: String,
    /// The Rust type alias and enum variant: `V1_3_0`, `Opened`.
    pub variant: String,
    /// The Rust module: `v1_3_0`, `opened`.
    pub module: String,
    /// The schema file, relative to the catalog (`gigs/sim.updated/2025-05-22.json`).
    pub file: String,
    /// `deprecated: true` at the schema's top level.
    pub deprecated: bool,
    /// Its validator node.
    pub root: NodeId,
    /// Its Rust type.
    pub root_type: Ty,
}

/// One event type, lowered.
#[derive(Debug, Clone)]
pub struct EventIr {
    /// The type value payloads carry.
    pub type_value: String,
    /// Rust module name (`form_submission`).
    pub module: String,
    /// Rust name of the type and its variant in the source's `Event` (`FormSubmission`).
    pub rust_name: String,
    /// Its schemas, oldest version first.
    pub versions: Vec<VersionIr>,
}

/// One source, lowered.
#[derive(Debug)]
pub struct SourceIr {
    /// Index of the source in the catalog.
    pub source: usize,
    /// Its name in the catalog (`impact_stack`).
    pub name: String,
    /// Rust module name.
    pub module: String,
    /// Human title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Where the event type is.
    pub event_type: Locator,
    /// How a type's schema is chosen.
    pub selector: Selector,
    /// The HTTP headers of a delivery that carry what dispatch needs.
    pub headers: Headers,
    /// Its validators: every schema node of every version.
    pub graph: Graph,
    /// The validator node of each named type that lives in this source's
    /// modules (what its `Deserialize` checks).
    pub type_nodes: BTreeMap<TypeId, NodeId>,
    /// Its event types in the catalog's order, which is also the order of
    /// their type values (every type value is the source's prefix and the
    /// event type's directory name, and directories are sorted): the order
    /// dispatch searches.
    pub events: Vec<EventIr>,
}

/// A catalog lowered into both IRs.
#[derive(Debug)]
pub struct Compiled {
    /// The catalog, for the back ends that read files and examples
    /// (checks, export); the emitter does not.
    pub catalog: Catalog,
    /// Per source.
    pub sources: Vec<SourceIr>,
    /// Every named type.
    pub types: TypeGraph,
}

impl Compiled {
    /// Loads and lowers the catalog at `root`. Diagnostics (errors and
    /// warnings) go to `diags`; the result is usable only when it has no errors.
    pub fn load(root: &Path, diags: &mut Diagnostics) -> Compiled {
        Compiled::load_selected(root, &Selection::default(), diags)
    }

    /// [`Compiled::load`] keeping only what `selection` selects.
    pub fn load_selected(root: &Path, selection: &Selection, diags: &mut Diagnostics) -> Compiled {
        let mut catalog = Catalog::load(root, diags);
        selection.apply(&mut catalog, diags);
        Compiled::lower(catalog, diags)
    }

    /// Loads the catalog at `root` and lowers its validators only: no type
    /// IR (`types` is empty and every version's `root_type` is
    /// [`Ty::Value`]), so none of its diagnostics either. For back ends
    /// that validate and never emit (`eventsmith validate`): the type IR is
    /// half the cost of lowering. Every version's validator is the one
    /// [`Compiled::load`] lowers (versions are lowered first, in the same
    /// order, either way). Examples are not read
    /// ([`Catalog::load_schemas`]).
    pub fn load_validators(root: &Path, diags: &mut Diagnostics) -> Compiled {
        let catalog = Catalog::load_schemas(root, diags);
        Compiled::lower_with(catalog, false, diags)
    }

    /// Lowers an already loaded catalog.
    pub fn lower(catalog: Catalog, diags: &mut Diagnostics) -> Compiled {
        Compiled::lower_with(catalog, true, diags)
    }

    /// [`Compiled::lower`], with or without the type IR.
    fn lower_with(mut catalog: Catalog, with_types: bool, diags: &mut Diagnostics) -> Compiled {
        let opts = LowerOptions {
            formats: FormatMode::Assert,
            relative_to: Some(catalog.root.clone()),
        };
        let mut types = TypeGraph::new();
        let mut sources = Vec::new();
        // Split borrows: the registry is lowered into while the sources
        // and root are read (no clone of a source and its examples).
        let Catalog {
            root: catalog_root,
            sources: catalog_sources,
            registry,
        } = &mut catalog;
        for (si, source) in catalog_sources.iter().enumerate() {
            if with_types {
                reserve_emitted_names(&mut types, source);
            }
            let module_of = |_: &Registry, doc: usize| -> Vec<String> {
                for event in &source.events {
                    for version in &event.versions {
                        if version.doc == doc {
                            return vec![
                                source.module.clone(),
                                event.module.clone(),
                                version.version.module_name(),
                            ];
                        }
                    }
                }
                vec![source.module.clone(), "common".to_owned()]
            };
            let mut graph = Graph::new();
            let mut events = Vec::new();
            for event in &source.events {
                let mut versions = Vec::new();
                for version in &event.versions {
                    let loc = version.root();
                    let root = graph.lower(registry, &loc, &opts, diags);
                    let root_type = if with_types {
                        types.lower_root(
                            registry,
                            &loc,
                            &event.rust_name,
                            &module_of,
                            Some(catalog_root),
                            diags,
                        )
                    } else {
                        Ty::Value
                    };
                    versions.push(VersionIr {
                        key: version.version.to_string(),
                        variant: version.version.type_name(),
                        module: version.version.module_name(),
                        file: relative(catalog_root, &version.file),
                        deprecated: version.deprecated,
                        root,
                        root_type,
                    });
                }
                events.push(EventIr {
                    type_value: event.type_value.clone(),
                    module: event.module.clone(),
                    rust_name: event.rust_name.clone(),
                    versions,
                });
            }
            sources.push(SourceIr {
                source: si,
                name: source.name.clone(),
                module: source.module.clone(),
                title: source.title.clone(),
                description: source.description.clone(),
                event_type: locator(&source.type_from),
                selector: selector(source),
                headers: Headers {
                    event_type: header(&source.type_from),
                    version: source
                        .versioning
                        .scheme()
                        .and_then(|_| header(&source.version_from)),
                    delivery_id: source.delivery_id_header.clone(),
                },
                graph,
                type_nodes: BTreeMap::new(),
                events,
            });
        }
        // Every named type validates what it deserializes against its own
        // schema: lower that schema in the graph of the source it lives in
        // (usually there already, as part of a version).
        // (Without the type IR there are no named types.)
        for (id, def) in types.types.iter().enumerate() {
            if let Some(source) = sources
                .iter_mut()
                .find(|s| def.module.first() == Some(&s.module))
            {
                let node = source.graph.lower(registry, &def.loc, &opts, diags);
                source.type_nodes.insert(id, node);
            }
        }
        if with_types && !diags.has_errors() {
            share_types(&mut types, &mut sources);
        }
        diags.sort();
        Compiled {
            catalog,
            sources,
            types,
        }
    }

    /// The lowered source named `name`.
    pub fn source(&self, name: &str) -> Option<&SourceIr> {
        self.sources.iter().find(|s| s.name == name)
    }
}

/// Types every version defines alike become one (`ir/share.rs`).
fn share_types(types: &mut TypeGraph, sources: &mut [SourceIr]) {
    let roots: BTreeSet<TypeId> = sources
        .iter()
        .flat_map(|s| s.events.iter().flat_map(|e| &e.versions))
        .filter_map(|v| match v.root_type {
            Ty::Named(id) => Some(id),
            _ => None,
        })
        .collect();
    let mut keys: BTreeMap<TypeId, String> = BTreeMap::new();
    for source in sources.iter() {
        let mut memo = BTreeMap::new();
        for (&id, &node) in &source.type_nodes {
            if let Some(key) = canonical(&source.graph, node, &mut memo, 0) {
                keys.insert(id, key);
            }
        }
    }
    share_across_versions(types, &roots, |id| keys.get(&id).cloned());
    for source in sources {
        source
            .type_nodes
            .retain(|id, _| types.types[*id].same_as.is_none());
    }
}

/// What a validator node checks, written without where it is: equal texts,
/// equal checks. `None` beyond a depth (a recursive schema is never shared).
fn canonical(
    graph: &Graph,
    node: NodeId,
    memo: &mut BTreeMap<NodeId, Option<String>>,
    depth: usize,
) -> Option<String> {
    if let Some(done) = memo.get(&node) {
        return done.clone();
    }
    if depth > 64 {
        return None;
    }
    let text = match &graph.node(node).body {
        Body::Always(b) => Some(b.to_string()),
        Body::Checks(checks) => {
            let mut out = String::from("[");
            for c in checks {
                out.push_str(c.keyword);
                out.push(':');
                let mut children = Vec::new();
                let shown = check_text(&c.kind, &mut children);
                out.push_str(&shown);
                for child in children {
                    out.push('(');
                    out.push_str(&canonical(graph, child, memo, depth + 1)?);
                    out.push(')');
                }
                out.push(';');
            }
            out.push(']');
            Some(out)
        }
    };
    memo.insert(node, text.clone());
    text
}

/// A check's own arguments as text, its subschemas collected in order.
fn check_text(kind: &CheckKind, children: &mut Vec<NodeId>) -> String {
    let mut named = |list: &[(String, NodeId)]| {
        list.iter()
            .map(|(name, n)| {
                children.push(*n);
                name.clone()
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    match kind {
        CheckKind::Properties(p)
        | CheckKind::PatternProperties(p)
        | CheckKind::DependentSchemas(p) => named(p),
        CheckKind::AdditionalProperties {
            known,
            patterns,
            schema,
        } => {
            children.push(*schema);
            format!("{known:?}{patterns:?}")
        }
        CheckKind::PropertyNames(n)
        | CheckKind::Not(n)
        | CheckKind::Ref(n)
        | CheckKind::UnevaluatedProperties(n)
        | CheckKind::UnevaluatedItems(n) => {
            children.push(*n);
            String::new()
        }
        CheckKind::PrefixItems(ns)
        | CheckKind::AllOf(ns)
        | CheckKind::AnyOf(ns)
        | CheckKind::OneOf(ns) => {
            children.extend(ns);
            String::new()
        }
        CheckKind::Items { start, schema } => {
            children.push(*schema);
            start.to_string()
        }
        CheckKind::Contains { schema, min, max } => {
            children.push(*schema);
            format!("{min},{max:?}")
        }
        CheckKind::IfThenElse {
            condition,
            then,
            otherwise,
        } => {
            children.push(*condition);
            children.extend(*then);
            children.extend(*otherwise);
            format!("{},{}", then.is_some(), otherwise.is_some())
        }
        other => format!("{other:?}"),
    }
}

/// The names the emitter defines itself in each version module (the
/// version's root type) stay free for it.
fn reserve_emitted_names(types: &mut TypeGraph, source: &Source) {
    for event in &source.events {
        for version in &event.versions {
            types.reserve(
                &[
                    source.module.clone(),
                    event.module.clone(),
                    version.version.module_name(),
                ],
                &event.rust_name,
            );
        }
    }
}

/// Where `source.yaml` says a value is, as dispatch reads it.
fn locator(origin: &Origin) -> Locator {
    match origin {
        Origin::Member(m) => Locator::Member(m.clone()),
        Origin::Header(_) | Origin::Given(_) => Locator::Given(origin.describe()),
    }
}

/// The header an origin names, if it is one.
fn header(origin: &Origin) -> Option<String> {
    match origin {
        Origin::Header(h) => Some(h.clone()),
        _ => None,
    }
}

/// How a source's schema is chosen within a type: by version, by a member
/// (`schema_from`), or the type's one schema.
fn selector(source: &Source) -> Selector {
    match (source.versioning.scheme(), &source.schema_from) {
        (Some(scheme), _) => Selector::Version {
            at: locator(&source.version_from),
            scheme,
        },
        (None, Some(from)) => Selector::Member {
            name: from.member.clone(),
            absent: from.default.clone(),
        },
        (None, None) => Selector::Only,
    }
}

/// `path` relative to `root`, with `/` separators.
fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
