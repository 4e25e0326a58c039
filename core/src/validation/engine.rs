//! The engine: runs a prepared [`Program`] on a [`Node`] of a tape (see
//! [`Validator`]).

use serde_json::Value;

use super::msg::{Branch, Msg};
use super::pattern::Matcher;
use super::prepare::{
    Discriminator, MemberChecks, Prepared, ProgramError, Ready, Step, StepKind, prepare,
};
use super::program::{NodeId, Program, TypeSet};
use super::{Collect, Errors, Path, Probe, Sink, ValidationError};
use crate::json::{Kind, Node, Tape};

/// A [`Program`] ready to run.
///
/// Semantics are JSON Schema 2020-12's as the generator lowers them: checks
/// run in the program's order (a failed `type` ends its node), except that
/// a node's member keywords (`properties`, `patternProperties`,
/// `additionalProperties`) run as one pass over the instance's members in
/// payload order where the first of them stands, so their errors come in
/// payload order (within one member: `properties`, then
/// `patternProperties`, then `additionalProperties`). `unevaluatedProperties`
/// and `unevaluatedItems` read the annotations of the adjacent keywords and
/// of the in-place subschemas that validated, tracked by member and item
/// index.
///
/// With a collecting sink, an `anyOf`/`oneOf` that no branch satisfies is
/// followed by the errors of one branch: the one a discriminating member
/// selects (see [`Branch`]), or else the one that came closest.
pub struct Validator {
    program: Program,
    nodes: Box<[Prepared]>,
    matchers: Box<[Matcher]>,
}

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Validator")
            .field("nodes", &self.nodes.len())
            .field("patterns", &self.matchers.len())
            .finish()
    }
}

impl Validator {
    /// Prepares `program`: checks that every node id it refers to exists,
    /// compiles every pattern once (ECMA-262, through `regress`, or the
    /// simple-pattern matcher) and builds the lookup tables.
    pub fn new(program: Program) -> Result<Validator, ProgramError> {
        let Ready { nodes, matchers } = prepare(&program)?;
        Ok(Validator {
            program,
            nodes,
            matchers,
        })
    }

    /// The program this validator runs.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// Validates `instance` against node `node`, at the root path; failures
    /// go to `sink`. True when valid.
    pub fn validate<S: Sink>(&self, node: NodeId, instance: Node<'_>, sink: &mut S) -> bool {
        self.run(node, instance, &Path::Root, sink)
    }

    /// [`Validator::validate`] for an instance found at `at`.
    pub fn validate_at<S: Sink>(
        &self,
        node: NodeId,
        instance: Node<'_>,
        at: &Path<'_>,
        sink: &mut S,
    ) -> bool {
        self.run(node, instance, at, sink)
    }

    /// True when `instance` is valid against `node`; stops at the first
    /// failure and allocates nothing (except for `unevaluatedProperties` or
    /// `unevaluatedItems` on an object or array of more than 256 members or
    /// items).
    pub fn is_valid(&self, node: NodeId, instance: Node<'_>) -> bool {
        self.run(node, instance, &Path::Root, &mut Probe)
    }

    /// Every error of `instance` against `node`, in order.
    pub fn errors(&self, node: NodeId, instance: Node<'_>) -> Result<(), Errors> {
        let mut sink = Collect::default();
        if self.run(node, instance, &Path::Root, &mut sink) {
            Ok(())
        } else {
            Err(Errors(sink.0))
        }
    }

    /// [`Validator::errors`] of a `serde_json::Value`.
    pub fn validate_value(&self, node: NodeId, value: &Value) -> Result<(), Errors> {
        let tape = Tape::from_value(value);
        self.errors(node, tape.root())
    }

    fn run<S: Sink>(&self, id: NodeId, inst: Node<'_>, at: &Path<'_>, sink: &mut S) -> bool {
        let Some(prepared) = self.nodes.get(id as usize) else {
            sink.fail(at, "", "$ref", Msg::UnknownNode(id));
            return false;
        };
        match prepared {
            Prepared::Always(true) => true,
            Prepared::Always(false) => {
                sink.fail(at, &self.program.nodes[id as usize].at, "false", Msg::False);
                false
            }
            Prepared::Checks { steps, members, .. } => {
                let mut ok = true;
                for step in steps.iter() {
                    if !self.step(step, members.as_deref(), id, inst, at, sink) {
                        // Later checks may assume the type: a failed one ends the node.
                        if !S::COLLECT || matches!(step.kind, StepKind::Type { .. }) {
                            return false;
                        }
                        ok = false;
                    }
                }
                ok
            }
        }
    }

    #[inline]
    fn step<S: Sink>(
        &self,
        step: &Step,
        members: Option<&MemberChecks>,
        id: NodeId,
        inst: Node<'_>,
        at: &Path<'_>,
        sink: &mut S,
    ) -> bool {
        let fail = |sink: &mut S, at: &Path<'_>, m: Msg<'_>| {
            sink.fail(at, &step.path, &step.keyword, m);
            false
        };
        match &step.kind {
            StepKind::Type { set, expected } => {
                has_type(*set, inst) || fail(sink, at, Msg::Type(expected, inst))
            }
            StepKind::Enum { values, strings } => {
                let good = match strings {
                    Some(table) => inst.as_str().is_some_and(|s| table.get(s).is_some()),
                    None => values.iter().any(|v| inst.eq_value(v)),
                };
                good || fail(sink, at, Msg::Enum(values, inst))
            }
            StepKind::Const(value) => {
                inst.eq_value(value) || fail(sink, at, Msg::Const(value, inst))
            }
            StepKind::Required { names, table } => {
                if !inst.is_object() {
                    return true;
                }
                let mut present = 0u64;
                if let Some(table) = table {
                    for (name, _) in inst.members() {
                        if let Some(i) = table.get(name) {
                            present |= 1 << i;
                        }
                    }
                    if present == full_mask(table.len()) {
                        return true;
                    }
                }
                let mut good = true;
                for name in names.iter() {
                    let here = match table {
                        Some(table) => table.get(name).is_some_and(|i| present & 1 << i != 0),
                        None => inst.get(name).is_some(),
                    };
                    if !here {
                        good = fail(sink, at, Msg::Missing(name));
                        if !S::COLLECT {
                            return false;
                        }
                    }
                }
                good
            }
            StepKind::Members => match members {
                Some(m) if inst.is_object() => self.members(m, inst, at, sink),
                _ => true,
            },
            StepKind::PropertyNames(schema) => {
                let mut good = true;
                for (_, value) in inst.members() {
                    if !self.run(*schema, value.name_node(), at, sink) {
                        good = false;
                        if !S::COLLECT {
                            return false;
                        }
                    }
                }
                good
            }
            StepKind::MinProperties(n) => {
                !inst.is_object()
                    || inst.len() as u64 >= *n
                    || fail(sink, at, Msg::MinProperties(*n, inst.len()))
            }
            StepKind::MaxProperties(n) => {
                !inst.is_object()
                    || inst.len() as u64 <= *n
                    || fail(sink, at, Msg::MaxProperties(*n, inst.len()))
            }
            StepKind::DependentRequired(deps) => {
                if !inst.is_object() {
                    return true;
                }
                let mut good = true;
                for (trigger, needed) in deps.iter() {
                    if inst.get(trigger).is_none() {
                        continue;
                    }
                    for name in needed.iter() {
                        if inst.get(name).is_none() {
                            good = fail(sink, at, Msg::DependentRequired(name, trigger));
                            if !S::COLLECT {
                                return false;
                            }
                        }
                    }
                }
                good
            }
            StepKind::DependentSchemas(deps) => {
                if !inst.is_object() {
                    return true;
                }
                let mut good = true;
                for (trigger, schema) in deps.iter() {
                    if inst.get(trigger).is_some() && !self.run(*schema, inst, at, sink) {
                        good = false;
                        if !S::COLLECT {
                            return false;
                        }
                    }
                }
                good
            }
            StepKind::PrefixItems(schemas) => {
                let mut good = true;
                for (i, (item, schema)) in inst.items().zip(schemas.iter()).enumerate() {
                    if !self.run(*schema, item, &at.index(i), sink) {
                        good = false;
                        if !S::COLLECT {
                            return false;
                        }
                    }
                }
                good
            }
            StepKind::Items {
                start,
                schema,
                never,
            } => {
                let len = inst.len();
                if !inst.is_array() || len <= *start {
                    return true;
                }
                if *never {
                    return fail(sink, at, Msg::MaxItems(*start as u64, len));
                }
                let mut good = true;
                for (i, item) in inst.items().enumerate().skip(*start) {
                    if !self.run(*schema, item, &at.index(i), sink) {
                        good = false;
                        if !S::COLLECT {
                            return false;
                        }
                    }
                }
                good
            }
            StepKind::Contains { schema, min, max } => {
                if !inst.is_array() {
                    return true;
                }
                let found = inst
                    .items()
                    .filter(|item| self.run(*schema, *item, at, &mut Probe))
                    .count() as u64;
                (found >= *min && max.is_none_or(|m| found <= m))
                    || fail(sink, at, Msg::Contains(found, *min, *max))
            }
            StepKind::MinItems(n) => {
                !inst.is_array()
                    || inst.len() as u64 >= *n
                    || fail(sink, at, Msg::MinItems(*n, inst.len()))
            }
            StepKind::MaxItems(n) => {
                !inst.is_array()
                    || inst.len() as u64 <= *n
                    || fail(sink, at, Msg::MaxItems(*n, inst.len()))
            }
            StepKind::UniqueItems => {
                !inst.is_array() || all_unique(inst) || fail(sink, at, Msg::UniqueItems)
            }
            StepKind::MinLength(n) => match inst.as_str() {
                Some(s) => at_least_chars(s, *n) || fail(sink, at, Msg::MinLength(*n, s)),
                None => true,
            },
            StepKind::MaxLength(n) => match inst.as_str() {
                Some(s) => at_most_chars(s, *n) || fail(sink, at, Msg::MaxLength(*n, s)),
                None => true,
            },
            StepKind::Pattern { matcher, source } => match inst.as_str() {
                Some(s) => {
                    self.matchers[*matcher as usize].is_match(s)
                        || fail(sink, at, Msg::Pattern(source, s))
                }
                None => true,
            },
            StepKind::Format(format) => match inst.as_str() {
                Some(s) => format.check(s) || fail(sink, at, Msg::Format(format.name(), s)),
                None => true,
            },
            StepKind::Minimum(b) => match inst.as_num() {
                Some(n) => n.cmp_exact(*b).is_ge() || fail(sink, at, Msg::Minimum(*b, inst)),
                None => true,
            },
            StepKind::Maximum(b) => match inst.as_num() {
                Some(n) => n.cmp_exact(*b).is_le() || fail(sink, at, Msg::Maximum(*b, inst)),
                None => true,
            },
            StepKind::ExclusiveMinimum(b) => match inst.as_num() {
                Some(n) => {
                    n.cmp_exact(*b).is_gt() || fail(sink, at, Msg::ExclusiveMinimum(*b, inst))
                }
                None => true,
            },
            StepKind::ExclusiveMaximum(b) => match inst.as_num() {
                Some(n) => {
                    n.cmp_exact(*b).is_lt() || fail(sink, at, Msg::ExclusiveMaximum(*b, inst))
                }
                None => true,
            },
            StepKind::MultipleOf(d) => match inst.as_num() {
                Some(n) => n.is_multiple_of(*d) || fail(sink, at, Msg::MultipleOf(*d, inst)),
                None => true,
            },
            StepKind::AllOf(schemas) => {
                let mut good = true;
                for schema in schemas.iter() {
                    if !self.run(*schema, inst, at, sink) {
                        good = false;
                        if !S::COLLECT {
                            return false;
                        }
                    }
                }
                good
            }
            StepKind::AnyOf {
                branches,
                discriminator,
            } => {
                if branches.iter().any(|b| self.run(*b, inst, at, &mut Probe)) {
                    return true;
                }
                if S::COLLECT {
                    self.report_branch(
                        step,
                        branches,
                        discriminator.as_ref(),
                        false,
                        inst,
                        at,
                        sink,
                    );
                } else {
                    fail(sink, at, Msg::AnyOf(branches.len()));
                }
                false
            }
            StepKind::OneOf {
                branches,
                discriminator,
            } => {
                let valid = branches
                    .iter()
                    .filter(|b| self.run(**b, inst, at, &mut Probe))
                    .take(2)
                    .count();
                match valid {
                    1 => true,
                    0 if S::COLLECT => {
                        self.report_branch(
                            step,
                            branches,
                            discriminator.as_ref(),
                            true,
                            inst,
                            at,
                            sink,
                        );
                        false
                    }
                    _ => fail(sink, at, Msg::OneOf(valid, branches.len())),
                }
            }
            StepKind::Not(schema) => {
                !self.run(*schema, inst, at, &mut Probe) || fail(sink, at, Msg::Not)
            }
            StepKind::If {
                condition,
                then,
                otherwise,
            } => {
                if then.is_none() && otherwise.is_none() {
                    // A lone `if` asserts nothing (its annotations count in `evaluate`).
                    return true;
                }
                let branch = if self.run(*condition, inst, at, &mut Probe) {
                    then
                } else {
                    otherwise
                };
                match branch {
                    Some(schema) => self.run(*schema, inst, at, sink),
                    None => true,
                }
            }
            StepKind::Ref(schema) => self.run(*schema, inst, at, sink),
            StepKind::UnevaluatedProperties { schema, never } => {
                if !inst.is_object() {
                    return true;
                }
                let mut seen = Seen::default();
                self.evaluate(id, inst, &mut seen);
                if seen.all_properties {
                    return true;
                }
                let mut good = true;
                for (i, (name, value)) in inst.members().enumerate() {
                    if seen.properties.has(i) {
                        continue;
                    }
                    let child = at.key(name);
                    let member_ok = if *never {
                        fail(sink, &child, Msg::UnexpectedProperty(name))
                    } else {
                        self.run(*schema, value, &child, sink)
                    };
                    if !member_ok {
                        good = false;
                        if !S::COLLECT {
                            return false;
                        }
                    }
                }
                good
            }
            StepKind::UnevaluatedItems { schema, never } => {
                if !inst.is_array() {
                    return true;
                }
                let mut seen = Seen::default();
                self.evaluate(id, inst, &mut seen);
                if seen.all_items {
                    return true;
                }
                let mut good = true;
                for (i, item) in inst.items().enumerate() {
                    if i < seen.prefix || seen.items.has(i) {
                        continue;
                    }
                    let child = at.index(i);
                    let item_ok = if *never {
                        fail(sink, &child, Msg::UnexpectedItem(i))
                    } else {
                        self.run(*schema, item, &child, sink)
                    };
                    if !item_ok {
                        good = false;
                        if !S::COLLECT {
                            return false;
                        }
                    }
                }
                good
            }
        }
    }

    /// `properties`, `patternProperties` and `additionalProperties` of one
    /// node: each member once, in payload order.
    fn members<S: Sink>(
        &self,
        m: &MemberChecks,
        inst: Node<'_>,
        at: &Path<'_>,
        sink: &mut S,
    ) -> bool {
        let mut good = true;
        for (name, value) in inst.members() {
            let child = at.key(name);
            let mut claimed = false;
            if let Some(slot) = m.properties.get(name) {
                claimed = true;
                for schema in &m.property_schemas[slot as usize] {
                    if !self.run(*schema, value, &child, sink) {
                        good = false;
                        if !S::COLLECT {
                            return false;
                        }
                    }
                }
            }
            for (matcher, schema) in &m.patterns {
                if self.matchers[*matcher as usize].is_match(name) {
                    claimed = true;
                    if !self.run(*schema, value, &child, sink) {
                        good = false;
                        if !S::COLLECT {
                            return false;
                        }
                    }
                }
            }
            for a in &m.additional {
                let other = match &a.claimed {
                    None => !claimed,
                    Some((known, patterns)) => {
                        known.get(name).is_none()
                            && !patterns
                                .iter()
                                .any(|p| self.matchers[*p as usize].is_match(name))
                    }
                };
                if !other {
                    continue;
                }
                let member_ok = if a.never {
                    sink.fail(&child, &a.path, &a.keyword, Msg::UnexpectedProperty(name));
                    false
                } else {
                    self.run(a.schema, value, &child, sink)
                };
                if !member_ok {
                    good = false;
                    if !S::COLLECT {
                        return false;
                    }
                }
            }
        }
        good
    }

    /// The error of an `anyOf`/`oneOf` no branch satisfies, followed by
    /// the errors of one branch (collecting sinks only).
    #[allow(clippy::too_many_arguments)]
    #[cold]
    fn report_branch<S: Sink>(
        &self,
        step: &Step,
        branches: &[NodeId],
        discriminator: Option<&Discriminator>,
        one_of: bool,
        inst: Node<'_>,
        at: &Path<'_>,
        sink: &mut S,
    ) {
        let n = branches.len();
        let chosen = discriminator
            .and_then(|d| selected(d, inst))
            .map(|mut branch| {
                if let Branch::Selected { index, errors, .. } = &mut branch
                    && let Some(node) = branches.get(*index)
                {
                    let mut count = Collect::default();
                    self.run(*node, inst, at, &mut count);
                    *errors = count.0.len();
                }
                branch
            })
            .or_else(|| self.closest(branches, inst, at));
        let (message, then) = match chosen {
            Some(branch) => {
                let index = match branch {
                    Branch::Selected { index, .. } | Branch::Closest { index, .. } => index,
                };
                let message = if one_of {
                    Msg::OneOfBranch(n, branch)
                } else {
                    Msg::AnyOfBranch(n, branch)
                };
                (message, branches.get(index).copied())
            }
            None if one_of => (Msg::OneOf(0, n), None),
            None => (Msg::AnyOf(n), None),
        };
        sink.fail(at, &step.path, &step.keyword, message);
        if let Some(branch) = then {
            self.run(branch, inst, at, sink);
        }
    }

    /// The branch with the fewest errors; on a tie the one whose first
    /// error is deepest in the instance, then the first.
    fn closest(
        &self,
        branches: &[NodeId],
        inst: Node<'_>,
        at: &Path<'_>,
    ) -> Option<Branch<'static>> {
        let mut best: Option<(usize, usize, usize)> = None;
        for (index, branch) in branches.iter().enumerate() {
            let mut errors = Collect::default();
            self.run(*branch, inst, at, &mut errors);
            let Some(first) = errors.0.first() else {
                continue;
            };
            let depth = depth(first);
            let better = match best {
                None => true,
                Some((_, count, deepest)) => {
                    errors.0.len() < count || (errors.0.len() == count && depth > deepest)
                }
            };
            if better {
                best = Some((index, errors.0.len(), depth));
            }
        }
        best.map(|(index, errors, _)| Branch::Closest { index, errors })
    }

    /// Adds what node `id`'s own keywords evaluated in `inst` (its
    /// `unevaluated*` aside, which the caller accounts for), assuming `inst`
    /// is valid against it: `allOf`, `$ref`, `then`/`else` and triggered
    /// `dependentSchemas` count as they are, `anyOf`/`oneOf` branches and
    /// the `if` condition only when they validate.
    fn evaluate(&self, id: NodeId, inst: Node<'_>, seen: &mut Seen) {
        let Some(Prepared::Checks { steps, members, .. }) = self.nodes.get(id as usize) else {
            return;
        };
        for step in steps.iter() {
            match &step.kind {
                StepKind::Members => {
                    if let Some(m) = members
                        && inst.is_object()
                    {
                        if !m.additional.is_empty() {
                            seen.all_properties = true;
                        } else if !seen.all_properties {
                            for (i, (name, _)) in inst.members().enumerate() {
                                if m.properties.get(name).is_some()
                                    || m.patterns
                                        .iter()
                                        .any(|(p, _)| self.matchers[*p as usize].is_match(name))
                                {
                                    seen.properties.set(i);
                                }
                            }
                        }
                    }
                }
                StepKind::PrefixItems(schemas) => seen.prefix = seen.prefix.max(schemas.len()),
                StepKind::Items { .. } if inst.is_array() => seen.all_items = true,
                StepKind::Contains { schema, .. } => {
                    for (i, item) in inst.items().enumerate() {
                        if self.run(*schema, item, &Path::Root, &mut Probe) {
                            seen.items.set(i);
                        }
                    }
                }
                StepKind::AllOf(schemas) => {
                    for schema in schemas.iter() {
                        self.include(*schema, inst, seen, false);
                    }
                }
                StepKind::AnyOf { branches, .. } | StepKind::OneOf { branches, .. } => {
                    for branch in branches.iter() {
                        self.include(*branch, inst, seen, true);
                    }
                }
                StepKind::Ref(schema) => self.include(*schema, inst, seen, false),
                StepKind::DependentSchemas(deps) if inst.is_object() => {
                    for (trigger, schema) in deps.iter() {
                        if inst.get(trigger).is_some() {
                            self.include(*schema, inst, seen, false);
                        }
                    }
                }
                StepKind::If {
                    condition,
                    then,
                    otherwise,
                } => {
                    if self.run(*condition, inst, &Path::Root, &mut Probe) {
                        self.include(*condition, inst, seen, false);
                        if let Some(schema) = then {
                            self.include(*schema, inst, seen, false);
                        }
                    } else if let Some(schema) = otherwise {
                        self.include(*schema, inst, seen, false);
                    }
                }
                _ => {}
            }
        }
    }

    /// Adds node `id`'s annotations (when `inst` is valid against it, if
    /// `check`); a valid node with `unevaluatedProperties`/`unevaluatedItems`
    /// evaluated every member/item.
    fn include(&self, id: NodeId, inst: Node<'_>, seen: &mut Seen, check: bool) {
        let Some(Prepared::Checks {
            unevaluated_properties,
            unevaluated_items,
            ..
        }) = self.nodes.get(id as usize)
        else {
            return;
        };
        if check && !self.run(id, inst, &Path::Root, &mut Probe) {
            return;
        }
        self.evaluate(id, inst, seen);
        if *unevaluated_properties {
            seen.all_properties = true;
        }
        if *unevaluated_items {
            seen.all_items = true;
        }
    }
}

/// The branch whose discriminating value the instance's member has, when
/// exactly one has it.
fn selected<'d>(d: &'d Discriminator, inst: Node<'_>) -> Option<Branch<'d>> {
    let member = inst.get(&d.member)?;
    let mut hits = d
        .values
        .iter()
        .enumerate()
        .filter(|(_, v)| member.eq_value(v));
    let (index, value) = hits.next()?;
    if hits.next().is_some() {
        return None;
    }
    Some(Branch::Selected {
        index,
        member: &d.member,
        value,
        // Counted once the branch has run (see `report_branch`).
        errors: 0,
    })
}

/// How deep in the instance an error is (segments of its path).
fn depth(e: &ValidationError) -> usize {
    e.instance_path.matches('/').count()
}

/// True when `inst` has one of the types in `set` (`integer` includes `1.0`).
#[inline]
fn has_type(set: TypeSet, inst: Node<'_>) -> bool {
    match inst.kind() {
        Kind::Null => set.has(TypeSet::NULL),
        Kind::Bool => set.has(TypeSet::BOOLEAN),
        Kind::Object => set.has(TypeSet::OBJECT),
        Kind::Array => set.has(TypeSet::ARRAY),
        Kind::String => set.has(TypeSet::STRING),
        Kind::Number => {
            set.has(TypeSet::NUMBER) || (set.has(TypeSet::INTEGER) && inst.is_integer())
        }
    }
}

fn full_mask(n: usize) -> u64 {
    if n >= 64 { u64::MAX } else { (1u64 << n) - 1 }
}

/// `minLength`: at least `n` Unicode scalar values (a UTF-8 character is
/// one to four bytes, so the byte length often decides alone).
#[inline]
fn at_least_chars(s: &str, n: u64) -> bool {
    let bytes = s.len() as u64;
    if bytes < n {
        return false;
    }
    if bytes / 4 >= n {
        return true;
    }
    super::char_len(s) >= n
}

/// `maxLength`: at most `n` Unicode scalar values.
#[inline]
fn at_most_chars(s: &str, n: u64) -> bool {
    (s.len() as u64) <= n || super::char_len(s) <= n
}

/// `uniqueItems`: no two items JSON-equal.
fn all_unique(inst: Node<'_>) -> bool {
    let mut rest = inst.items();
    while let Some(a) = rest.next() {
        if rest.clone().any(|b| a.json_eq(b)) {
            return false;
        }
    }
    true
}

/// The members and items of one instance that keywords have evaluated, by
/// index, as `unevaluatedProperties`/`unevaluatedItems` need them.
#[derive(Debug, Default)]
struct Seen {
    all_properties: bool,
    properties: Bits,
    all_items: bool,
    prefix: usize,
    items: Bits,
}

/// A bit set: the first 256 indices inline, more on the heap.
#[derive(Debug, Default)]
struct Bits {
    inline: [u64; 4],
    more: Vec<u64>,
}

impl Bits {
    fn set(&mut self, i: usize) {
        let (word, bit) = (i / 64, i % 64);
        if let Some(w) = self.inline.get_mut(word) {
            *w |= 1 << bit;
            return;
        }
        let word = word - self.inline.len();
        if self.more.len() <= word {
            self.more.resize(word + 1, 0);
        }
        self.more[word] |= 1 << bit;
    }

    fn has(&self, i: usize) -> bool {
        let (word, bit) = (i / 64, i % 64);
        let w = match self.inline.get(word) {
            Some(w) => *w,
            None => self
                .more
                .get(word - self.inline.len())
                .copied()
                .unwrap_or(0),
        };
        w & 1 << bit != 0
    }
}
