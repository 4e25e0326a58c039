//! A [`Program`] made ready to run: node ids checked, patterns compiled
//! once, lookup tables built, the member keywords of each node
//! (`properties`, `patternProperties`, `additionalProperties`) fused into
//! one pass over the instance's members, and what `anyOf`/`oneOf` error
//! reporting needs (a discriminating member) worked out.

use std::collections::HashMap;
use std::fmt;

use serde_json::Value;

use super::Num;
use super::pattern::Matcher;
use super::program::{Body, CheckKind, NodeId, Program, TypeSet};
use crate::formats::Format;
use crate::json::parse::fingerprint;

/// Why a [`Program`] cannot be run: the node (and check) at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramError {
    /// The node.
    pub node: NodeId,
    /// The check's index in the node, when one is at fault.
    pub check: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ProgramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.check {
            Some(check) => write!(f, "node {}, check {check}: {}", self.node, self.message),
            None => write!(f, "node {}: {}", self.node, self.message),
        }
    }
}

impl std::error::Error for ProgramError {}

/// A node, prepared.
#[derive(Debug)]
pub(crate) enum Prepared {
    Always(bool),
    Checks {
        steps: Box<[Step]>,
        /// The fused member keywords, run at the [`StepKind::Members`] step.
        members: Option<Box<MemberChecks>>,
        /// The node has `unevaluatedProperties` (so, valid, it evaluated
        /// every member).
        unevaluated_properties: bool,
        /// The node has `unevaluatedItems`.
        unevaluated_items: bool,
    },
}

/// A check, prepared.
#[derive(Debug)]
pub(crate) struct Step {
    pub keyword: Box<str>,
    pub path: Box<str>,
    pub kind: StepKind,
}

#[derive(Debug)]
pub(crate) enum StepKind {
    Type {
        set: TypeSet,
        expected: Box<str>,
    },
    Enum {
        values: Box<[Value]>,
        /// When every value is a string.
        strings: Option<NameTable>,
    },
    Const(Value),
    Required {
        names: Box<[Box<str>]>,
        /// When there are at most 64 names: their indices.
        table: Option<NameTable>,
    },
    /// `properties`, `patternProperties` and `additionalProperties`, in one
    /// pass over the members (where the first of them stands).
    Members,
    PropertyNames(NodeId),
    MinProperties(u64),
    MaxProperties(u64),
    /// `(trigger, members required when it is present)`.
    DependentRequired(Box<[(Box<str>, Names)]>),
    DependentSchemas(Box<[(Box<str>, NodeId)]>),
    PrefixItems(Box<[NodeId]>),
    Items {
        start: usize,
        schema: NodeId,
        never: bool,
    },
    Contains {
        schema: NodeId,
        min: u64,
        max: Option<u64>,
    },
    MinItems(u64),
    MaxItems(u64),
    UniqueItems,
    MinLength(u64),
    MaxLength(u64),
    Pattern {
        matcher: u32,
        source: Box<str>,
    },
    Format(Format),
    Minimum(Num),
    Maximum(Num),
    ExclusiveMinimum(Num),
    ExclusiveMaximum(Num),
    MultipleOf(Num),
    AllOf(Box<[NodeId]>),
    AnyOf {
        branches: Box<[NodeId]>,
        discriminator: Option<Discriminator>,
    },
    OneOf {
        branches: Box<[NodeId]>,
        discriminator: Option<Discriminator>,
    },
    Not(NodeId),
    If {
        condition: NodeId,
        then: Option<NodeId>,
        otherwise: Option<NodeId>,
    },
    Ref(NodeId),
    UnevaluatedProperties {
        schema: NodeId,
        never: bool,
    },
    UnevaluatedItems {
        schema: NodeId,
        never: bool,
    },
}

/// A list of member names.
pub(crate) type Names = Box<[Box<str>]>;

/// A member whose `const` tells the branches of an `anyOf`/`oneOf` apart:
/// every branch gives it a different value.
#[derive(Debug)]
pub(crate) struct Discriminator {
    pub member: Box<str>,
    /// One value per branch.
    pub values: Box<[Value]>,
}

/// The member keywords of one node.
#[derive(Debug, Default)]
pub(crate) struct MemberChecks {
    /// `properties` names; the schemas of name `i` are `property_schemas[i]`.
    pub properties: NameTable,
    pub property_schemas: Vec<Vec<NodeId>>,
    /// `patternProperties`: (matcher, schema), in order.
    pub patterns: Vec<(u32, NodeId)>,
    /// `additionalProperties`.
    pub additional: Vec<Additional>,
}

/// One `additionalProperties`.
#[derive(Debug)]
pub(crate) struct Additional {
    pub keyword: Box<str>,
    pub path: Box<str>,
    /// The names and patterns it leaves alone; `None` when they are the
    /// node's `properties` and `patternProperties` (the usual case).
    pub claimed: Option<(NameTable, Vec<u32>)>,
    pub schema: NodeId,
    /// The schema is `false`: each member is reported as not allowed.
    pub never: bool,
}

/// A set of names with their indices: an open-addressing table keyed by
/// each name's fingerprint (its first eight bytes and its length in one
/// word), so a lookup is a multiply, a probe or two and, only when the
/// fingerprints are equal, one comparison of text. The names are the
/// schema's; instance names only look up, so an unkeyed hash is safe.
#[derive(Debug, Default)]
pub(crate) struct NameTable {
    names: Vec<Box<str>>,
    prints: Vec<u64>,
    /// Name index + 1 per slot (0: empty); a power of two, at most half full.
    slots: Box<[u32]>,
    shift: u32,
}

impl NameTable {
    pub(crate) fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> NameTable {
        let mut table = NameTable::default();
        for name in names {
            if table.names.iter().all(|n| **n != *name) {
                table.names.push(name.into());
                table.prints.push(fingerprint(name));
            }
        }
        let size = (table.names.len() * 2).next_power_of_two().max(2);
        table.shift = 64 - size.trailing_zeros();
        let mut slots = vec![0u32; size];
        for (i, print) in table.prints.iter().enumerate() {
            let mut h = table.home(*print);
            while slots[h] != 0 {
                h = (h + 1) & (size - 1);
            }
            slots[h] = i as u32 + 1;
        }
        table.slots = slots.into_boxed_slice();
        table
    }

    #[inline]
    fn home(&self, print: u64) -> usize {
        (print.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// The index of `name`.
    #[inline]
    pub(crate) fn get(&self, name: &str) -> Option<u32> {
        if self.names.is_empty() {
            return None;
        }
        let print = fingerprint(name);
        let mask = self.slots.len() - 1;
        let mut h = self.home(print);
        loop {
            let slot = *self.slots.get(h)?;
            let i = slot.checked_sub(1)? as usize;
            // Equal fingerprints of equal lengths up to 8 are equal names.
            if self.prints[i] == print {
                let n = &self.names[i];
                if (name.len() <= 8 && n.len() == name.len()) || **n == *name {
                    return Some(i as u32);
                }
            }
            h = (h + 1) & mask;
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    fn same_set(&self, other: &NameTable) -> bool {
        self.len() == other.len() && other.names.iter().all(|n| self.get(n).is_some())
    }
}

/// Everything [`prepare`] builds.
pub(crate) struct Ready {
    pub nodes: Box<[Prepared]>,
    pub matchers: Box<[Matcher]>,
}

/// Prepares every node of `program`.
pub(crate) fn prepare(program: &Program) -> Result<Ready, ProgramError> {
    let mut builder = Builder {
        program,
        matchers: Vec::new(),
        sources: HashMap::new(),
    };
    let mut nodes = Vec::with_capacity(program.nodes.len());
    for id in 0..program.nodes.len() {
        nodes.push(builder.node(id as NodeId)?);
    }
    Ok(Ready {
        nodes: nodes.into_boxed_slice(),
        matchers: builder.matchers.into_boxed_slice(),
    })
}

struct Builder<'p> {
    program: &'p Program,
    matchers: Vec<Matcher>,
    sources: HashMap<String, u32>,
}

impl Builder<'_> {
    fn node(&mut self, id: NodeId) -> Result<Prepared, ProgramError> {
        let checks = match &self.program.nodes[id as usize].body {
            Body::Always(b) => return Ok(Prepared::Always(*b)),
            Body::Checks(checks) => checks,
        };
        let mut steps = Vec::with_capacity(checks.len());
        let mut members: Option<MemberChecks> = None;
        let mut unevaluated_properties = false;
        let mut unevaluated_items = false;
        for (k, check) in checks.iter().enumerate() {
            let fault = |message: String| ProgramError {
                node: id,
                check: Some(k),
                message,
            };
            let ids: Vec<NodeId> = referenced(&check.kind);
            if let Some(bad) = ids
                .iter()
                .find(|n| **n as usize >= self.program.nodes.len())
            {
                return Err(fault(format!(
                    "`{}` refers to node {bad}, which the program does not have ({} nodes)",
                    check.keyword,
                    self.program.nodes.len()
                )));
            }
            let kind = match &check.kind {
                CheckKind::Type(set) => StepKind::Type {
                    set: *set,
                    expected: set.describe().into(),
                },
                CheckKind::Enum(values) => StepKind::Enum {
                    strings: values
                        .iter()
                        .map(Value::as_str)
                        .collect::<Option<Vec<&str>>>()
                        .map(NameTable::new),
                    values: values.clone().into_boxed_slice(),
                },
                CheckKind::Const(value) => StepKind::Const(value.clone()),
                CheckKind::Required(names) => StepKind::Required {
                    table: (names.len() <= 64)
                        .then(|| NameTable::new(names.iter().map(|n| n.as_str()))),
                    names: names.iter().map(|n| n.as_str().into()).collect(),
                },
                CheckKind::Properties(props) => {
                    let first = members.is_none();
                    let m = members.get_or_insert_with(MemberChecks::default);
                    for (name, schema) in props {
                        let slot = match m.properties.get(name) {
                            Some(slot) => slot as usize,
                            None => {
                                let mut names: Vec<&str> =
                                    m.properties.names.iter().map(|n| &**n).collect();
                                names.push(name);
                                m.properties = NameTable::new(names);
                                m.property_schemas.push(Vec::new());
                                m.property_schemas.len() - 1
                            }
                        };
                        m.property_schemas[slot].push(*schema);
                    }
                    if !first {
                        continue;
                    }
                    StepKind::Members
                }
                CheckKind::PatternProperties(pats) => {
                    let first = members.is_none();
                    let mut compiled = Vec::with_capacity(pats.len());
                    for (source, schema) in pats {
                        compiled.push((self.matcher(source).map_err(&fault)?, *schema));
                    }
                    members
                        .get_or_insert_with(MemberChecks::default)
                        .patterns
                        .extend(compiled);
                    if !first {
                        continue;
                    }
                    StepKind::Members
                }
                CheckKind::AdditionalProperties {
                    known,
                    patterns,
                    schema,
                } => {
                    let first = members.is_none();
                    let mut claimed_patterns = Vec::with_capacity(patterns.len());
                    for source in patterns {
                        claimed_patterns.push(self.matcher(source).map_err(&fault)?);
                    }
                    members
                        .get_or_insert_with(MemberChecks::default)
                        .additional
                        .push(Additional {
                            keyword: check.keyword.as_str().into(),
                            path: check.path.as_str().into(),
                            claimed: Some((
                                NameTable::new(known.iter().map(|n| n.as_str())),
                                claimed_patterns,
                            )),
                            schema: *schema,
                            never: self.never(*schema),
                        });
                    if !first {
                        continue;
                    }
                    StepKind::Members
                }
                CheckKind::PropertyNames(n) => StepKind::PropertyNames(*n),
                CheckKind::MinProperties(n) => StepKind::MinProperties(*n),
                CheckKind::MaxProperties(n) => StepKind::MaxProperties(*n),
                CheckKind::DependentRequired(deps) => StepKind::DependentRequired(
                    deps.iter()
                        .map(|(t, names)| {
                            (
                                t.as_str().into(),
                                names.iter().map(|n| n.as_str().into()).collect(),
                            )
                        })
                        .collect(),
                ),
                CheckKind::DependentSchemas(deps) => StepKind::DependentSchemas(
                    deps.iter().map(|(t, n)| (t.as_str().into(), *n)).collect(),
                ),
                CheckKind::PrefixItems(nodes) => StepKind::PrefixItems(nodes.clone().into()),
                CheckKind::Items { start, schema } => StepKind::Items {
                    start: *start,
                    schema: *schema,
                    never: self.never(*schema),
                },
                CheckKind::Contains { schema, min, max } => StepKind::Contains {
                    schema: *schema,
                    min: *min,
                    max: *max,
                },
                CheckKind::MinItems(n) => StepKind::MinItems(*n),
                CheckKind::MaxItems(n) => StepKind::MaxItems(*n),
                CheckKind::UniqueItems => StepKind::UniqueItems,
                CheckKind::MinLength(n) => StepKind::MinLength(*n),
                CheckKind::MaxLength(n) => StepKind::MaxLength(*n),
                CheckKind::Pattern(source) => StepKind::Pattern {
                    matcher: self.matcher(source).map_err(&fault)?,
                    source: source.as_str().into(),
                },
                CheckKind::Format(f) => StepKind::Format(*f),
                CheckKind::Minimum(b) => StepKind::Minimum(*b),
                CheckKind::Maximum(b) => StepKind::Maximum(*b),
                CheckKind::ExclusiveMinimum(b) => StepKind::ExclusiveMinimum(*b),
                CheckKind::ExclusiveMaximum(b) => StepKind::ExclusiveMaximum(*b),
                CheckKind::MultipleOf(d) => StepKind::MultipleOf(*d),
                CheckKind::AllOf(nodes) => StepKind::AllOf(nodes.clone().into()),
                CheckKind::AnyOf(nodes) => StepKind::AnyOf {
                    discriminator: self.discriminator(nodes),
                    branches: nodes.clone().into(),
                },
                CheckKind::OneOf(nodes) => StepKind::OneOf {
                    discriminator: self.discriminator(nodes),
                    branches: nodes.clone().into(),
                },
                CheckKind::Not(n) => StepKind::Not(*n),
                CheckKind::IfThenElse {
                    condition,
                    then,
                    otherwise,
                } => StepKind::If {
                    condition: *condition,
                    then: *then,
                    otherwise: *otherwise,
                },
                CheckKind::Ref(n) => StepKind::Ref(*n),
                CheckKind::UnevaluatedProperties(n) => {
                    unevaluated_properties = true;
                    StepKind::UnevaluatedProperties {
                        schema: *n,
                        never: self.never(*n),
                    }
                }
                CheckKind::UnevaluatedItems(n) => {
                    unevaluated_items = true;
                    StepKind::UnevaluatedItems {
                        schema: *n,
                        never: self.never(*n),
                    }
                }
            };
            steps.push(Step {
                keyword: check.keyword.as_str().into(),
                path: check.path.as_str().into(),
                kind,
            });
        }
        if let Some(m) = &mut members {
            // An `additionalProperties` beside the node's own `properties`
            // and `patternProperties` reuses their verdict on each member.
            let patterns: Vec<u32> = m.patterns.iter().map(|(p, _)| *p).collect();
            for a in &mut m.additional {
                if let Some((known, pats)) = &a.claimed
                    && known.same_set(&m.properties)
                    && same_members(pats, &patterns)
                {
                    a.claimed = None;
                }
            }
        }
        Ok(Prepared::Checks {
            steps: steps.into_boxed_slice(),
            members: members.map(Box::new),
            unevaluated_properties,
            unevaluated_items,
        })
    }

    /// The index of the compiled `source` (each source compiled once).
    fn matcher(&mut self, source: &str) -> Result<u32, String> {
        if let Some(&id) = self.sources.get(source) {
            return Ok(id);
        }
        let matcher = Matcher::new(source).map_err(|e| {
            format!("pattern /{source}/ is not an ECMA-262 regular expression: {e}")
        })?;
        let id = self.matchers.len() as u32;
        self.matchers.push(matcher);
        self.sources.insert(source.to_owned(), id);
        Ok(id)
    }

    fn never(&self, id: NodeId) -> bool {
        matches!(
            self.program.nodes.get(id as usize).map(|n| &n.body),
            Some(Body::Always(false))
        )
    }

    /// A member every branch gives a different `const` (or one-value
    /// `enum`) under `properties`, directly or through the branch's
    /// `$ref`/`allOf`: the first such member of the first branch.
    fn discriminator(&self, branches: &[NodeId]) -> Option<Discriminator> {
        if branches.len() < 2 {
            return None;
        }
        let consts: Vec<Vec<(&str, &Value)>> = branches
            .iter()
            .map(|b| {
                let mut found = Vec::new();
                consts(self.program, *b, &mut found, 0);
                found
            })
            .collect();
        'candidates: for (member, _) in &consts[0] {
            let mut values: Vec<Value> = Vec::with_capacity(branches.len());
            for branch in &consts {
                let Some((_, v)) = branch.iter().find(|(m, _)| m == member) else {
                    continue 'candidates;
                };
                if values.iter().any(|w| super::json_equal(w, v)) {
                    continue 'candidates;
                }
                values.push((*v).clone());
            }
            return Some(Discriminator {
                member: (*member).into(),
                values: values.into_boxed_slice(),
            });
        }
        None
    }
}

/// The `(member, const)` pairs of node `id`'s `properties`, and of the
/// nodes its `$ref`/`allOf` lead to (to a bounded depth).
fn consts<'p>(
    program: &'p Program,
    id: NodeId,
    found: &mut Vec<(&'p str, &'p Value)>,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    let Some(Body::Checks(checks)) = program.nodes.get(id as usize).map(|n| &n.body) else {
        return;
    };
    for check in checks {
        match &check.kind {
            CheckKind::Properties(props) => {
                for (name, schema) in props {
                    if let Some(v) = const_of(program, *schema, 0)
                        && found.iter().all(|(m, _)| *m != name.as_str())
                    {
                        found.push((name.as_str(), v));
                    }
                }
            }
            CheckKind::Ref(n) => consts(program, *n, found, depth + 1),
            CheckKind::AllOf(nodes) => {
                for n in nodes {
                    consts(program, *n, found, depth + 1);
                }
            }
            _ => {}
        }
    }
}

/// The one value node `id` allows through `const` or a one-value `enum`
/// (following `$ref`s a few levels).
fn const_of(program: &Program, id: NodeId, depth: usize) -> Option<&Value> {
    if depth > 8 {
        return None;
    }
    let Some(Body::Checks(checks)) = program.nodes.get(id as usize).map(|n| &n.body) else {
        return None;
    };
    checks.iter().find_map(|c| match &c.kind {
        CheckKind::Const(v) => Some(v),
        CheckKind::Enum(values) if values.len() == 1 => values.first(),
        CheckKind::Ref(n) => const_of(program, *n, depth + 1),
        _ => None,
    })
}

fn same_members(a: &[u32], b: &[u32]) -> bool {
    a.iter().all(|x| b.contains(x)) && b.iter().all(|x| a.contains(x))
}

/// The node ids a check refers to.
fn referenced(kind: &CheckKind) -> Vec<NodeId> {
    match kind {
        CheckKind::Properties(p) | CheckKind::PatternProperties(p) => {
            p.iter().map(|(_, n)| *n).collect()
        }
        CheckKind::DependentSchemas(d) => d.iter().map(|(_, n)| *n).collect(),
        CheckKind::AdditionalProperties { schema, .. }
        | CheckKind::Items { schema, .. }
        | CheckKind::Contains { schema, .. } => vec![*schema],
        CheckKind::PropertyNames(n)
        | CheckKind::Not(n)
        | CheckKind::Ref(n)
        | CheckKind::UnevaluatedProperties(n)
        | CheckKind::UnevaluatedItems(n) => vec![*n],
        CheckKind::PrefixItems(n)
        | CheckKind::AllOf(n)
        | CheckKind::AnyOf(n)
        | CheckKind::OneOf(n) => n.clone(),
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
