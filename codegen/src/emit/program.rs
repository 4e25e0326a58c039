//! Validator IR → the runtime's [`Program`]: the validators as data, which
//! the runtime's engine runs (in generated bindings, from the node texts
//! written here, and in the CLI, directly).

use eventsmith_core::validation::program::{self as rt, NodeId, Program};

use crate::ir::validator::{Body, CheckKind, Graph};

/// The program of a source's validator graph: node `i` of the graph is node
/// `i` of the program.
pub fn program(graph: &Graph) -> Program {
    Program {
        nodes: graph
            .nodes
            .iter()
            .map(|n| rt::Node {
                at: n.origin.clone(),
                body: match &n.body {
                    Body::Always(b) => rt::Body::Always(*b),
                    Body::Checks(checks) => rt::Body::Checks(
                        checks
                            .iter()
                            .map(|c| rt::Check {
                                keyword: c.keyword.to_owned(),
                                path: c.schema_path.clone(),
                                kind: kind(&c.kind),
                            })
                            .collect(),
                    ),
                },
            })
            .collect(),
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

fn ids(nodes: &[usize]) -> Vec<NodeId> {
    nodes.iter().copied().map(id).collect()
}

fn named(members: &[(String, usize)]) -> Vec<(String, NodeId)> {
    members.iter().map(|(k, n)| (k.clone(), id(*n))).collect()
}

fn kind(k: &CheckKind) -> rt::CheckKind {
    use rt::CheckKind as R;
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
