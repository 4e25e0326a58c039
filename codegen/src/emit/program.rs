//! Validator IR → the runtime's [`Program`]: the validators as data, which
//! the runtime's engine runs (in generated bindings, from the node texts
//! written here, and in the CLI, directly).

use eventsmith_core::validation::program::{self as rt, NodeId, Program};

use crate::ir::validator::{Body, Check, CheckKind, Graph};

/// A source's program and where each graph node went in it.
#[derive(Debug)]
pub struct Lowered {
    /// The program.
    pub program: Program,
    /// The program node of each graph node (`None` for nodes no root reaches).
    ids: Vec<Option<NodeId>>,
}

impl Lowered {
    /// The program node that validates what graph node `node` did.
    pub fn node(&self, node: usize) -> NodeId {
        self.reached(node).unwrap_or(NodeId::MAX)
    }

    /// The program node of graph node `node`, if a root reaches it.
    pub fn reached(&self, node: usize) -> Option<NodeId> {
        self.ids.get(node).copied().flatten()
    }
}

/// The program of a source's validator graph, holding what `roots` reach.
/// A node that is only a `$ref` is not kept: whatever referred to it refers
/// to its target (its failures are the target's, and so are its
/// annotations), which takes a third of the nodes of a typical catalog.
pub fn program(graph: &Graph, roots: impl IntoIterator<Item = usize>) -> Lowered {
    let target = |mut n: usize| {
        // A chain of references, followed at most once around the graph (a
        // cycle of bare `$ref`s is refused by lowering anyway).
        for _ in 0..graph.nodes.len() {
            match ref_only(&graph.nodes[n].body) {
                Some(next) if next != n => n = next,
                _ => break,
            }
        }
        n
    };
    // Number the kept nodes in the order a walk from the roots meets them.
    let mut ids: Vec<Option<NodeId>> = vec![None; graph.nodes.len()];
    let mut order = Vec::new();
    let mut stack: Vec<usize> = roots.into_iter().collect();
    stack.reverse();
    let mut roots_done = Vec::new();
    while let Some(n) = stack.pop() {
        let t = target(n);
        roots_done.push((n, t));
        if ids[t].is_some() {
            continue;
        }
        ids[t] = Some(id(order.len()));
        order.push(t);
        if let Body::Checks(checks) = &graph.nodes[t].body {
            let mut children = Vec::new();
            for c in checks {
                children.extend(subschemas(&c.kind));
            }
            stack.extend(children.into_iter().rev());
        }
    }
    // Every node reached, a bare `$ref` or not, maps to its target's id.
    for (n, t) in roots_done {
        ids[n] = ids[t];
    }
    let map = |n: usize| ids[target(n)].unwrap_or(NodeId::MAX);
    let nodes = order
        .iter()
        .map(|&n| {
            let node = &graph.nodes[n];
            rt::Node {
                at: node.origin.clone(),
                body: match &node.body {
                    Body::Always(b) => rt::Body::Always(*b),
                    Body::Checks(checks) => rt::Body::Checks(
                        checks
                            .iter()
                            .map(|c| rt::Check {
                                keyword: c.keyword.to_owned(),
                                path: c.schema_path.clone(),
                                kind: kind(&c.kind, &map),
                            })
                            .collect(),
                    ),
                },
            }
        })
        .collect();
    Lowered {
        program: Program { nodes },
        ids,
    }
}

/// The target of a node that is nothing but a `$ref`.
fn ref_only(body: &Body) -> Option<usize> {
    match body {
        Body::Checks(checks) => match checks.as_slice() {
            [
                Check {
                    kind: CheckKind::Ref(t),
                    ..
                },
            ] => Some(*t),
            _ => None,
        },
        Body::Always(_) => None,
    }
}

/// The subschemas a check applies.
fn subschemas(kind: &CheckKind) -> Vec<usize> {
    match kind {
        CheckKind::Properties(p)
        | CheckKind::PatternProperties(p)
        | CheckKind::DependentSchemas(p) => p.iter().map(|(_, n)| *n).collect(),
        CheckKind::AdditionalProperties { schema, .. }
        | CheckKind::Items { schema, .. }
        | CheckKind::Contains { schema, .. } => vec![*schema],
        CheckKind::PropertyNames(n)
        | CheckKind::Not(n)
        | CheckKind::Ref(n)
        | CheckKind::UnevaluatedProperties(n)
        | CheckKind::UnevaluatedItems(n) => vec![*n],
        CheckKind::PrefixItems(ns)
        | CheckKind::AllOf(ns)
        | CheckKind::AnyOf(ns)
        | CheckKind::OneOf(ns) => ns.clone(),
        CheckKind::IfThenElse {
            condition,
            then,
            otherwise,
        } => std::iter::once(*condition)
            .chain(*then)
            .chain(*otherwise)
            .collect(),
        _ => Vec::new(),
    }
}

/// Each node as one line of JSON, as `validation::Embedded` reads them.
pub fn node_texts(program: &Program) -> Vec<String> {
    program
        .nodes
        .iter()
        // A node is plain data (strings, numbers, JSON values): serializing
        // it cannot fail.
        .map(|n| serde_json::to_string(n).unwrap_or_default())
        .collect()
}

fn id(n: usize) -> NodeId {
    // Graphs of more than 4 billion nodes do not fit in memory long before.
    NodeId::try_from(n).unwrap_or(NodeId::MAX)
}

fn kind(k: &CheckKind, id: &impl Fn(usize) -> NodeId) -> rt::CheckKind {
    use rt::CheckKind as R;
    let ids = |nodes: &[usize]| nodes.iter().map(|n| id(*n)).collect::<Vec<_>>();
    let named = |members: &[(String, usize)]| {
        members
            .iter()
            .map(|(k, n)| (k.clone(), id(*n)))
            .collect::<Vec<_>>()
    };
    match k {
        CheckKind::Type(set) => R::Type(rt::TypeSet(set.0)),
        CheckKind::Enum(values) => R::Enum(values.clone()),
        CheckKind::Const(value) => R::Const(value.clone()),
        CheckKind::Required(names) => R::Required(names.clone()),
        CheckKind::Properties(props) => R::Properties(named(props)),
        CheckKind::PatternProperties(props) => R::PatternProperties(named(props)),
        CheckKind::AdditionalProperties {
            known,
            patterns,
            schema,
        } => R::AdditionalProperties {
            known: known.clone(),
            patterns: patterns.clone(),
            schema: id(*schema),
        },
        CheckKind::PropertyNames(n) => R::PropertyNames(id(*n)),
        CheckKind::MinProperties(n) => R::MinProperties(*n),
        CheckKind::MaxProperties(n) => R::MaxProperties(*n),
        CheckKind::DependentRequired(deps) => R::DependentRequired(deps.clone()),
        CheckKind::DependentSchemas(deps) => R::DependentSchemas(named(deps)),
        CheckKind::PrefixItems(nodes) => R::PrefixItems(ids(nodes)),
        CheckKind::Items { start, schema } => R::Items {
            start: *start,
            schema: id(*schema),
        },
        CheckKind::Contains { schema, min, max } => R::Contains {
            schema: id(*schema),
            min: *min,
            max: *max,
        },
        CheckKind::MinItems(n) => R::MinItems(*n),
        CheckKind::MaxItems(n) => R::MaxItems(*n),
        CheckKind::UniqueItems => R::UniqueItems,
        CheckKind::MinLength(n) => R::MinLength(*n),
        CheckKind::MaxLength(n) => R::MaxLength(*n),
        CheckKind::Pattern(p) => R::Pattern(p.clone()),
        CheckKind::Format(f) => R::Format(*f),
        CheckKind::Minimum(n) => R::Minimum(*n),
        CheckKind::Maximum(n) => R::Maximum(*n),
        CheckKind::ExclusiveMinimum(n) => R::ExclusiveMinimum(*n),
        CheckKind::ExclusiveMaximum(n) => R::ExclusiveMaximum(*n),
        CheckKind::MultipleOf(n) => R::MultipleOf(*n),
        CheckKind::AllOf(nodes) => R::AllOf(ids(nodes)),
        CheckKind::AnyOf(nodes) => R::AnyOf(ids(nodes)),
        CheckKind::OneOf(nodes) => R::OneOf(ids(nodes)),
        CheckKind::Not(n) => R::Not(id(*n)),
        CheckKind::IfThenElse {
            condition,
            then,
            otherwise,
        } => R::IfThenElse {
            condition: id(*condition),
            then: then.map(id),
            otherwise: otherwise.map(id),
        },
        CheckKind::Ref(n) => R::Ref(id(*n)),
        CheckKind::UnevaluatedProperties(n) => R::UnevaluatedProperties(id(*n)),
        CheckKind::UnevaluatedItems(n) => R::UnevaluatedItems(id(*n)),
    }
}
