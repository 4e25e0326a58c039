//! Load → lower: a catalog with its validator graph and type graph, the
//! input of every back end (emitter, interpreter, checks, export).

use std::path::Path;

use crate::diagnostic::Diagnostics;
use crate::ir::types::{Ty, TypeGraph};
use crate::ir::validator::{FormatMode, Graph, LowerOptions, NodeId};
use crate::load::catalog::Catalog;
use crate::load::registry::Registry;

/// One source, lowered.
#[derive(Debug)]
pub struct CompiledSource {
    /// Index of the source in the catalog.
    pub source: usize,
    /// Its validators.
    pub graph: Graph,
    /// Root validator of each version: `roots[event][version]`.
    pub roots: Vec<Vec<NodeId>>,
    /// Root type of each version: `root_types[event][version]`.
    pub root_types: Vec<Vec<Ty>>,
}

/// A catalog lowered into both IRs.
#[derive(Debug)]
pub struct Compiled {
    /// The catalog.
    pub catalog: Catalog,
    /// Per source.
    pub sources: Vec<CompiledSource>,
    /// Every named type.
    pub types: TypeGraph,
}

impl Compiled {
    /// Loads and lowers the catalog at `root`. Diagnostics (errors and
    /// warnings) go to `diags`; the result is usable only when it has no errors.
    pub fn load(root: &Path, diags: &mut Diagnostics) -> Compiled {
        let catalog = Catalog::load(root, diags);
        Compiled::lower(catalog, diags)
    }

    /// Lowers an already loaded catalog.
    pub fn lower(mut catalog: Catalog, diags: &mut Diagnostics) -> Compiled {
        let opts = LowerOptions {
            formats: FormatMode::Assert,
            relative_to: Some(catalog.root.clone()),
        };
        let mut types = TypeGraph::new();
        let mut sources = Vec::new();
        // (source module, [(event module, root type name, [(version module, document)])])
        type EventInfo = (String, String, Vec<(String, usize)>);
        let source_info: Vec<(String, Vec<EventInfo>)> = catalog
            .sources
            .iter()
            .map(|s| {
                (
                    s.module.clone(),
                    s.events
                        .iter()
                        .map(|e| {
                            (
                                e.module.clone(),
                                e.rust_name.clone(),
                                e.versions
                                    .iter()
                                    .map(|v| (v.version.module_name(), v.doc))
                                    .collect(),
                            )
                        })
                        .collect(),
                )
            })
            .collect();
        for (si, (source_module, events)) in source_info.iter().enumerate() {
            let source_dir = catalog.sources[si].dir.clone();
            let module_of = |reg: &Registry, doc: usize| -> Vec<String> {
                for (event_module, _, versions) in events {
                    for (version_module, vdoc) in versions {
                        if *vdoc == doc {
                            return vec![
                                source_module.clone(),
                                event_module.clone(),
                                version_module.clone(),
                            ];
                        }
                    }
                }
                let _ = (reg, &source_dir);
                vec![source_module.clone(), "common".to_owned()]
            };
            for (event_module, rust_name, versions) in events {
                for (version_module, _) in versions {
                    types.reserve(
                        &[
                            source_module.clone(),
                            event_module.clone(),
                            version_module.clone(),
                        ],
                        rust_name,
                    );
                }
            }
            let mut graph = Graph::new();
            let mut roots = Vec::new();
            let mut root_types = Vec::new();
            for (ei, (_, rust_name, versions)) in events.iter().enumerate() {
                let mut event_roots = Vec::new();
                let mut event_types = Vec::new();
                for (vi, _) in versions.iter().enumerate() {
                    let loc = catalog.sources[si].events[ei].versions[vi].root();
                    event_roots.push(graph.lower(&mut catalog.registry, &loc, &opts, diags));
                    event_types.push(types.lower_root(
                        &mut catalog.registry,
                        &loc,
                        rust_name,
                        &module_of,
                        Some(&catalog.root),
                        diags,
                    ));
                }
                roots.push(event_roots);
                root_types.push(event_types);
            }
            sources.push(CompiledSource {
                source: si,
                graph,
                roots,
                root_types,
            });
        }
        diags.sort();
        Compiled {
            catalog,
            sources,
            types,
        }
    }
}
