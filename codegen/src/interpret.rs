//! Runs the validator IR directly on a JSON value. The CLI uses it for
//! catalogs that are not compiled into a binary; the tests run it beside the
//! generated code so the two back ends cannot drift apart.

use std::cmp::Ordering;
use std::collections::HashMap;

use eventsmith_core::formats::Format;
use eventsmith_core::validation::{self as v, Evaluated, Msg, Num, Path, Sink};
use serde_json::Value;

use crate::ir::validator::{Body, CheckKind, Graph, NodeId, TypeSet};

/// A graph ready to run: its patterns compiled once.
#[derive(Debug)]
pub struct Interpreter<'g> {
    graph: &'g Graph,
    patterns: HashMap<String, regress::Regex>,
}

impl<'g> Interpreter<'g> {
    /// Prepares `graph` (the generator has already refused bad patterns).
    pub fn new(graph: &'g Graph) -> Interpreter<'g> {
        let mut patterns = HashMap::new();
        for node in &graph.nodes {
            if let Body::Checks(checks) = &node.body {
                for c in checks {
                    let sources: Vec<&String> = match &c.kind {
                        CheckKind::Pattern(p) => vec![p],
                        CheckKind::PatternProperties(ps) => ps.iter().map(|(p, _)| p).collect(),
                        CheckKind::AdditionalProperties { patterns, .. } => {
                            patterns.iter().collect()
                        }
                        _ => vec![],
                    };
                    for s in sources {
                        if let Ok(re) = v::compile_pattern(s) {
                            patterns.insert(s.clone(), re);
                        }
                    }
                }
            }
        }
        Interpreter { graph, patterns }
    }

    fn matches(&self, pattern: &str, s: &str) -> bool {
        self.patterns
            .get(pattern)
            .is_some_and(|re| re.find(s).is_some())
    }

    /// Validates `value` against node `id`; failures go to `sink`.
    pub fn validate<S: Sink>(
        &self,
        id: NodeId,
        value: &Value,
        at: &Path<'_>,
        sink: &mut S,
    ) -> bool {
        let checks = match &self.graph.node(id).body {
            Body::Always(true) => return true,
            Body::Always(false) => {
                sink.fail(at, &self.graph.node(id).origin, "false", Msg::False);
                return false;
            }
            Body::Checks(checks) => checks,
        };
        let mut ok = true;
        for c in checks {
            let path = c.schema_path.as_str();
            let kw = c.keyword;
            let mut fail = |sink: &mut S, at: &Path<'_>, m: Msg<'_>| {
                sink.fail(at, path, kw, m);
            };
            let passed = match &c.kind {
                CheckKind::Type(set) => {
                    let good = has_type(*set, value);
                    if !good {
                        fail(sink, at, Msg::Type(&set.describe(), value));
                        // Later checks assume the type; stop here.
                        return false;
                    }
                    true
                }
                CheckKind::Enum(values) => {
                    let good = values.iter().any(|e| v::json_equal(e, value));
                    if !good {
                        fail(sink, at, Msg::Enum(values, value));
                    }
                    good
                }
                CheckKind::Const(expected) => {
                    let good = v::json_equal(expected, value);
                    if !good {
                        fail(sink, at, Msg::Const(expected, value));
                    }
                    good
                }
                CheckKind::Required(names) => match value.as_object() {
                    Some(obj) => {
                        let mut good = true;
                        for name in names {
                            if !obj.contains_key(name) {
                                good = false;
                                fail(sink, at, Msg::Missing(name));
                                if !S::COLLECT {
                                    break;
                                }
                            }
                        }
                        good
                    }
                    None => true,
                },
                CheckKind::Properties(props) => match value.as_object() {
                    Some(obj) => {
                        let mut good = true;
                        for (name, node) in props {
                            if let Some(member) = obj.get(name) {
                                let child = at.key(name);
                                if !self.validate(*node, member, &child, sink) {
                                    good = false;
                                    if !S::COLLECT {
                                        break;
                                    }
                                }
                            }
                        }
                        good
                    }
                    None => true,
                },
                CheckKind::PatternProperties(pats) => match value.as_object() {
                    Some(obj) => {
                        let mut good = true;
                        'outer: for (pattern, node) in pats {
                            for (name, member) in obj {
                                if self.matches(pattern, name) {
                                    let child = at.key(name);
                                    if !self.validate(*node, member, &child, sink) {
                                        good = false;
                                        if !S::COLLECT {
                                            break 'outer;
                                        }
                                    }
                                }
                            }
                        }
                        good
                    }
                    None => true,
                },
                CheckKind::AdditionalProperties {
                    known,
                    patterns,
                    schema,
                } => match value.as_object() {
                    Some(obj) => self.other_members(obj, *schema, at, sink, &mut fail, |name| {
                        known.iter().any(|k| k == name)
                            || patterns.iter().any(|p| self.matches(p, name))
                    }),
                    None => true,
                },
                CheckKind::PropertyNames(node) => match value.as_object() {
                    Some(obj) => {
                        let mut good = true;
                        for name in obj.keys() {
                            let key = Value::String(name.clone());
                            if !self.validate(*node, &key, at, sink) {
                                good = false;
                                if !S::COLLECT {
                                    break;
                                }
                            }
                        }
                        good
                    }
                    None => true,
                },
                CheckKind::MinProperties(n) => self.count_check(
                    value.as_object().map(|o| o.len()),
                    |len| len as u64 >= *n,
                    |len| Msg::MinProperties(*n, len),
                    &mut fail,
                    sink,
                    at,
                ),
                CheckKind::MaxProperties(n) => self.count_check(
                    value.as_object().map(|o| o.len()),
                    |len| len as u64 <= *n,
                    |len| Msg::MaxProperties(*n, len),
                    &mut fail,
                    sink,
                    at,
                ),
                CheckKind::DependentRequired(deps) => match value.as_object() {
                    Some(obj) => {
                        let mut good = true;
                        for (trigger, needed) in deps {
                            if obj.contains_key(trigger) {
                                for n in needed {
                                    if !obj.contains_key(n) {
                                        good = false;
                                        fail(sink, at, Msg::DependentRequired(n, trigger));
                                    }
                                }
                            }
                        }
                        good
                    }
                    None => true,
                },
                CheckKind::DependentSchemas(deps) => match value.as_object() {
                    Some(obj) => {
                        let mut good = true;
                        for (trigger, node) in deps {
                            if obj.contains_key(trigger) && !self.validate(*node, value, at, sink) {
                                good = false;
                                if !S::COLLECT {
                                    break;
                                }
                            }
                        }
                        good
                    }
                    None => true,
                },
                CheckKind::PrefixItems(nodes) => match value.as_array() {
                    Some(items) => {
                        let mut good = true;
                        for (i, (item, node)) in items.iter().zip(nodes).enumerate() {
                            let child = at.index(i);
                            if !self.validate(*node, item, &child, sink) {
                                good = false;
                                if !S::COLLECT {
                                    break;
                                }
                            }
                        }
                        good
                    }
                    None => true,
                },
                CheckKind::Items { start, schema } => match value.as_array() {
                    Some(items) => {
                        let mut good = true;
                        let never = matches!(self.graph.node(*schema).body, Body::Always(false));
                        if never && items.len() > *start {
                            fail(sink, at, Msg::MaxItems(*start as u64, items.len()));
                            good = false;
                        } else {
                            for (i, item) in items.iter().enumerate().skip(*start) {
                                let child = at.index(i);
                                if !self.validate(*schema, item, &child, sink) {
                                    good = false;
                                    if !S::COLLECT {
                                        break;
                                    }
                                }
                            }
                        }
                        good
                    }
                    None => true,
                },
                CheckKind::Contains { schema, min, max } => match value.as_array() {
                    Some(items) => {
                        let mut p = v::Probe;
                        let found = items
                            .iter()
                            .filter(|item| self.validate(*schema, item, at, &mut p))
                            .count() as u64;
                        let good = found >= *min && max.is_none_or(|m| found <= m);
                        if !good {
                            fail(sink, at, Msg::Contains(found, *min, *max));
                        }
                        good
                    }
                    None => true,
                },
                CheckKind::MinItems(n) => self.count_check(
                    value.as_array().map(Vec::len),
                    |len| len as u64 >= *n,
                    |len| Msg::MinItems(*n, len),
                    &mut fail,
                    sink,
                    at,
                ),
                CheckKind::MaxItems(n) => self.count_check(
                    value.as_array().map(Vec::len),
                    |len| len as u64 <= *n,
                    |len| Msg::MaxItems(*n, len),
                    &mut fail,
                    sink,
                    at,
                ),
                CheckKind::UniqueItems => match value.as_array() {
                    Some(items) => {
                        let good = v::all_unique(items);
                        if !good {
                            fail(sink, at, Msg::UniqueItems);
                        }
                        good
                    }
                    None => true,
                },
                CheckKind::MinLength(n) => match value.as_str() {
                    Some(s) => {
                        let good = v::char_len(s) >= *n;
                        if !good {
                            fail(sink, at, Msg::MinLength(*n, s));
                        }
                        good
                    }
                    None => true,
                },
                CheckKind::MaxLength(n) => match value.as_str() {
                    Some(s) => {
                        let good = v::char_len(s) <= *n;
                        if !good {
                            fail(sink, at, Msg::MaxLength(*n, s));
                        }
                        good
                    }
                    None => true,
                },
                CheckKind::Pattern(p) => match value.as_str() {
                    Some(s) => {
                        let good = self.matches(p, s);
                        if !good {
                            fail(sink, at, Msg::Pattern(p, s));
                        }
                        good
                    }
                    None => true,
                },
                CheckKind::Format(f) => match value.as_str() {
                    Some(s) => {
                        let good = f.check(s);
                        if !good {
                            fail(sink, at, Msg::Format(Format::name(*f), s));
                        }
                        good
                    }
                    None => true,
                },
                CheckKind::Minimum(b) => self.bound(
                    value,
                    *b,
                    |o| o != Ordering::Less,
                    Msg::Minimum,
                    &mut fail,
                    sink,
                    at,
                ),
                CheckKind::Maximum(b) => self.bound(
                    value,
                    *b,
                    |o| o != Ordering::Greater,
                    Msg::Maximum,
                    &mut fail,
                    sink,
                    at,
                ),
                CheckKind::ExclusiveMinimum(b) => self.bound(
                    value,
                    *b,
                    |o| o == Ordering::Greater,
                    Msg::ExclusiveMinimum,
                    &mut fail,
                    sink,
                    at,
                ),
                CheckKind::ExclusiveMaximum(b) => self.bound(
                    value,
                    *b,
                    |o| o == Ordering::Less,
                    Msg::ExclusiveMaximum,
                    &mut fail,
                    sink,
                    at,
                ),
                CheckKind::MultipleOf(d) => match value {
                    Value::Number(n) => {
                        let good = v::is_multiple_of(n, *d);
                        if !good {
                            fail(sink, at, Msg::MultipleOf(*d, n));
                        }
                        good
                    }
                    _ => true,
                },
                CheckKind::AllOf(nodes) => {
                    let mut good = true;
                    for node in nodes {
                        if !self.validate(*node, value, at, sink) {
                            good = false;
                            if !S::COLLECT {
                                break;
                            }
                        }
                    }
                    good
                }
                CheckKind::AnyOf(nodes) => {
                    let mut p = v::Probe;
                    let good = nodes.iter().any(|n| self.validate(*n, value, at, &mut p));
                    if !good {
                        fail(sink, at, Msg::AnyOf(nodes.len()));
                    }
                    good
                }
                CheckKind::OneOf(nodes) => {
                    let mut p = v::Probe;
                    let valid = nodes
                        .iter()
                        .filter(|n| self.validate(**n, value, at, &mut p))
                        .take(2)
                        .count();
                    if valid != 1 {
                        fail(sink, at, Msg::OneOf(valid, nodes.len()));
                    }
                    valid == 1
                }
                CheckKind::Not(node) => {
                    let mut p = v::Probe;
                    let good = !self.validate(*node, value, at, &mut p);
                    if !good {
                        fail(sink, at, Msg::Not);
                    }
                    good
                }
                // A lone `if` asserts nothing (its annotations count in `evaluate`).
                CheckKind::IfThenElse {
                    then: None,
                    otherwise: None,
                    ..
                } => true,
                CheckKind::IfThenElse {
                    condition,
                    then,
                    otherwise,
                } => {
                    let mut p = v::Probe;
                    let branch = if self.validate(*condition, value, at, &mut p) {
                        then
                    } else {
                        otherwise
                    };
                    match branch {
                        Some(node) => self.validate(*node, value, at, sink),
                        None => true,
                    }
                }
                CheckKind::Ref(node) => self.validate(*node, value, at, sink),
                CheckKind::UnevaluatedProperties(schema) => match value.as_object() {
                    Some(obj) => {
                        let mut seen = Evaluated::default();
                        self.evaluate(id, value, &mut seen);
                        self.other_members(obj, *schema, at, sink, &mut fail, |name| {
                            seen.has_property(name)
                        })
                    }
                    None => true,
                },
                CheckKind::UnevaluatedItems(schema) => match value.as_array() {
                    Some(items) => {
                        let mut seen = Evaluated::default();
                        self.evaluate(id, value, &mut seen);
                        let never = matches!(self.graph.node(*schema).body, Body::Always(false));
                        let mut good = true;
                        for (i, item) in items.iter().enumerate() {
                            if seen.has_item(i) {
                                continue;
                            }
                            let child = at.index(i);
                            let item_ok = if never {
                                fail(sink, &child, Msg::UnexpectedItem(i));
                                false
                            } else {
                                self.validate(*schema, item, &child, sink)
                            };
                            if !item_ok {
                                good = false;
                                if !S::COLLECT {
                                    break;
                                }
                            }
                        }
                        good
                    }
                    None => true,
                },
            };
            if !passed {
                ok = false;
                if !S::COLLECT {
                    return false;
                }
            }
        }
        ok
    }

    /// Adds what node `id`'s own keywords evaluated in `value` (its
    /// `unevaluated*` aside, which the caller accounts for), assuming `value`
    /// is valid against it: `allOf`, `$ref`, `then`/`else` and triggered
    /// `dependentSchemas` members count as they are, `anyOf`/`oneOf` branches
    /// and the `if` condition only when they validate. The emitter's
    /// `eval_fn` generates the same logic.
    pub fn evaluate<'v>(&self, id: NodeId, value: &'v Value, seen: &mut Evaluated<'v>) {
        let Body::Checks(checks) = &self.graph.node(id).body else {
            return;
        };
        for c in checks {
            match &c.kind {
                CheckKind::Properties(props) => {
                    if let Some(obj) = value.as_object() {
                        for (name, _) in props {
                            if let Some((k, _)) = obj.get_key_value(name) {
                                seen.property(k);
                            }
                        }
                    }
                }
                CheckKind::PatternProperties(pats) => {
                    if let Some(obj) = value.as_object() {
                        for k in obj.keys() {
                            if pats.iter().any(|(p, _)| self.matches(p, k)) {
                                seen.property(k);
                            }
                        }
                    }
                }
                CheckKind::AdditionalProperties { .. } if value.is_object() => {
                    seen.all_properties()
                }
                CheckKind::PrefixItems(nodes) => seen.prefix(nodes.len()),
                CheckKind::Items { .. } if value.is_array() => seen.all_items(),
                CheckKind::Contains { schema, .. } => {
                    if let Some(items) = value.as_array() {
                        for (i, item) in items.iter().enumerate() {
                            if self.validate(*schema, item, &Path::Root, &mut v::Probe) {
                                seen.item(i);
                            }
                        }
                    }
                }
                CheckKind::AllOf(nodes) => {
                    for n in nodes {
                        self.include(*n, value, seen, false);
                    }
                }
                CheckKind::AnyOf(nodes) | CheckKind::OneOf(nodes) => {
                    for n in nodes {
                        self.include(*n, value, seen, true);
                    }
                }
                CheckKind::Ref(n) => self.include(*n, value, seen, false),
                CheckKind::DependentSchemas(deps) => {
                    if let Some(obj) = value.as_object() {
                        for (trigger, n) in deps {
                            if obj.contains_key(trigger) {
                                self.include(*n, value, seen, false);
                            }
                        }
                    }
                }
                CheckKind::IfThenElse {
                    condition,
                    then,
                    otherwise,
                } => {
                    if self.validate(*condition, value, &Path::Root, &mut v::Probe) {
                        self.include(*condition, value, seen, false);
                        if let Some(n) = then {
                            self.include(*n, value, seen, false);
                        }
                    } else if let Some(n) = otherwise {
                        self.include(*n, value, seen, false);
                    }
                }
                _ => {}
            }
        }
    }

    /// Adds node `id`'s annotations (when `value` is valid against it, if
    /// `check`); a valid node with `unevaluatedProperties`/`unevaluatedItems`
    /// evaluated every member/item.
    fn include<'v>(&self, id: NodeId, value: &'v Value, seen: &mut Evaluated<'v>, check: bool) {
        let Body::Checks(checks) = &self.graph.node(id).body else {
            return;
        };
        if check && !self.validate(id, value, &Path::Root, &mut v::Probe) {
            return;
        }
        self.evaluate(id, value, seen);
        if checks
            .iter()
            .any(|c| matches!(c.kind, CheckKind::UnevaluatedProperties(_)))
        {
            seen.all_properties();
        }
        if checks
            .iter()
            .any(|c| matches!(c.kind, CheckKind::UnevaluatedItems(_)))
        {
            seen.all_items();
        }
    }

    /// Applies `schema` to every member `claimed` does not cover (what
    /// `additionalProperties` and `unevaluatedProperties` share); a `false`
    /// schema reports each such member as not allowed.
    fn other_members<S: Sink>(
        &self,
        obj: &serde_json::Map<String, Value>,
        schema: NodeId,
        at: &Path<'_>,
        sink: &mut S,
        fail: &mut impl FnMut(&mut S, &Path<'_>, Msg<'_>),
        claimed: impl Fn(&str) -> bool,
    ) -> bool {
        let never = matches!(self.graph.node(schema).body, Body::Always(false));
        let mut good = true;
        for (name, member) in obj {
            if claimed(name) {
                continue;
            }
            let child = at.key(name);
            let member_ok = if never {
                fail(sink, &child, Msg::UnexpectedProperty(name));
                false
            } else {
                self.validate(schema, member, &child, sink)
            };
            if !member_ok {
                good = false;
                if !S::COLLECT {
                    break;
                }
            }
        }
        good
    }

    #[allow(clippy::too_many_arguments)]
    fn count_check<S: Sink>(
        &self,
        len: Option<usize>,
        good: impl Fn(usize) -> bool,
        message: impl Fn(usize) -> Msg<'static>,
        fail: &mut impl FnMut(&mut S, &Path<'_>, Msg<'_>),
        sink: &mut S,
        at: &Path<'_>,
    ) -> bool {
        match len {
            Some(len) if !good(len) => {
                fail(sink, at, message(len));
                false
            }
            _ => true,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn bound<'v, S: Sink>(
        &self,
        value: &'v Value,
        bound: Num,
        good: impl Fn(Ordering) -> bool,
        message: fn(Num, &'v serde_json::Number) -> Msg<'v>,
        fail: &mut impl FnMut(&mut S, &Path<'_>, Msg<'_>),
        sink: &mut S,
        at: &Path<'_>,
    ) -> bool {
        match value {
            Value::Number(n) => {
                let ok = good(Num::of(n).cmp_exact(bound));
                if !ok {
                    fail(sink, at, message(bound, n));
                }
                ok
            }
            _ => true,
        }
    }
}

/// True when `value` has one of the types in `set` (`integer` includes `1.0`).
pub fn has_type(set: TypeSet, value: &Value) -> bool {
    match value {
        Value::Null => set.has(TypeSet::NULL),
        Value::Bool(_) => set.has(TypeSet::BOOLEAN),
        Value::Object(_) => set.has(TypeSet::OBJECT),
        Value::Array(_) => set.has(TypeSet::ARRAY),
        Value::String(_) => set.has(TypeSet::STRING),
        Value::Number(n) => {
            set.has(TypeSet::NUMBER) || (set.has(TypeSet::INTEGER) && v::is_integer(n))
        }
    }
}
