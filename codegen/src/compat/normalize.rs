//! Normalising a schema for comparison: `$ref`s inlined, `allOf` members
//! merged into their parent where that is exact, a multi-type `type` and the
//! members of `anyOf`/`oneOf` turned into alternatives ("branches", one JSON
//! type each), `const` read as a one-value `enum`. What cannot be normalised
//! (`not`, `if`, an `allOf` member that conflicts with its parent) is kept as
//! a conjunct the differ compares as a whole.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::diagnostic::Diagnostic;
use crate::keywords::{self, Draft, Role};
use crate::load::registry::{DynamicScope, Loc, Registry};

/// The JSON type a branch accepts (`Any` when the schema names none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// No `type`: every JSON value, subject to the rules of each type.
    Any,
    /// `null`
    Null,
    /// `boolean`
    Boolean,
    /// `object`
    Object,
    /// `array`
    Array,
    /// `number`
    Number,
    /// `integer`
    Integer,
    /// `string`
    String,
}

impl Kind {
    /// The JSON Schema type name (`any` for [`Kind::Any`]).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Any => "any value",
            Kind::Null => "null",
            Kind::Boolean => "boolean",
            Kind::Object => "object",
            Kind::Array => "array",
            Kind::Number => "number",
            Kind::Integer => "integer",
            Kind::String => "string",
        }
    }

    fn from_type(name: &str) -> Option<Kind> {
        Some(match name {
            "null" => Kind::Null,
            "boolean" => Kind::Boolean,
            "object" => Kind::Object,
            "array" => Kind::Array,
            "number" => Kind::Number,
            "integer" => Kind::Integer,
            "string" => Kind::String,
            _ => return None,
        })
    }

    /// Branches of the same group are compared with each other: `integer`
    /// and `number` share one.
    pub fn group(self) -> Kind {
        if self == Kind::Integer {
            Kind::Number
        } else {
            self
        }
    }

    /// The intersection of two kinds, if they overlap.
    fn meet(self, other: Kind) -> Option<Kind> {
        match (self, other) {
            (Kind::Any, k) | (k, Kind::Any) => Some(k),
            (a, b) if a == b => Some(a),
            (Kind::Number, Kind::Integer) | (Kind::Integer, Kind::Number) => Some(Kind::Integer),
            _ => None,
        }
    }

    fn of_value(v: &Value) -> Kind {
        match v {
            Value::Null => Kind::Null,
            Value::Bool(_) => Kind::Boolean,
            Value::Object(_) => Kind::Object,
            Value::Array(_) => Kind::Array,
            Value::Number(_) => Kind::Number,
            Value::String(_) => Kind::String,
        }
    }
}

/// A numeric bound: `minimum`/`exclusiveMinimum` or `maximum`/`exclusiveMaximum`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// The limit.
    pub value: f64,
    /// True for the `exclusive…` keyword.
    pub exclusive: bool,
}

/// The object rules of a branch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ObjectRules {
    /// `properties`
    pub properties: BTreeMap<String, Schema>,
    /// `required`
    pub required: BTreeSet<String>,
    /// `additionalProperties` (`None`: every other member allowed).
    pub additional: Option<Box<Schema>>,
    /// `patternProperties`
    pub pattern_properties: BTreeMap<String, Schema>,
    /// `propertyNames`
    pub property_names: Option<Box<Schema>>,
    /// `minProperties` (0 when absent).
    pub min_properties: u64,
    /// `maxProperties`
    pub max_properties: Option<u64>,
    /// `dependentRequired`
    pub dependent_required: BTreeMap<String, BTreeSet<String>>,
    /// `dependentSchemas`
    pub dependent_schemas: BTreeMap<String, Schema>,
}

/// The array rules of a branch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ArrayRules {
    /// `prefixItems`
    pub prefix: Vec<Schema>,
    /// `items` (after the prefix).
    pub items: Option<Box<Schema>>,
    /// `contains`
    pub contains: Option<Box<Schema>>,
    /// `minContains` as written (1 applies when absent).
    pub min_contains: Option<u64>,
    /// `maxContains`
    pub max_contains: Option<u64>,
    /// `minItems` (0 when absent).
    pub min_items: u64,
    /// `maxItems`
    pub max_items: Option<u64>,
    /// `uniqueItems: true`
    pub unique: bool,
}

/// One alternative of a schema: the values of one JSON type it accepts.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    /// The JSON type.
    pub kind: Kind,
    /// Where the branch came from below its schema (`/oneOf/2`), `""` when
    /// it is the schema itself or one type of a multi-type `type`.
    pub origin: String,
    /// Annotations of the `anyOf`/`oneOf` member it came from.
    pub annotations: BTreeMap<String, Value>,
    /// `enum`/`const`: the values of this type it allows.
    pub values: Option<Vec<Value>>,
    /// `minimum`/`exclusiveMinimum`
    pub lower: Option<Bound>,
    /// `maximum`/`exclusiveMaximum`
    pub upper: Option<Bound>,
    /// `multipleOf`
    pub multiple_of: Option<f64>,
    /// `minLength` (0 when absent).
    pub min_length: u64,
    /// `maxLength`
    pub max_length: Option<u64>,
    /// `pattern`
    pub pattern: Option<String>,
    /// `format`
    pub format: Option<String>,
    /// Object rules.
    pub object: ObjectRules,
    /// Array rules.
    pub array: ArrayRules,
}

impl Branch {
    fn any() -> Branch {
        Branch {
            kind: Kind::Any,
            origin: String::new(),
            annotations: BTreeMap::new(),
            values: None,
            lower: None,
            upper: None,
            multiple_of: None,
            min_length: 0,
            max_length: None,
            pattern: None,
            format: None,
            object: ObjectRules::default(),
            array: ArrayRules::default(),
        }
    }

    /// This branch narrowed to `kind`: the rules of other types dropped.
    fn restrict(mut self, kind: Kind) -> Branch {
        self.kind = kind;
        if !matches!(kind, Kind::Any | Kind::Number | Kind::Integer) {
            self.lower = None;
            self.upper = None;
            self.multiple_of = None;
        }
        if !matches!(kind, Kind::Any | Kind::String) {
            self.min_length = 0;
            self.max_length = None;
            self.pattern = None;
            self.format = None;
        }
        if !matches!(kind, Kind::Any | Kind::Object) {
            self.object = ObjectRules::default();
        }
        if !matches!(kind, Kind::Any | Kind::Array) {
            self.array = ArrayRules::default();
        }
        self
    }

    /// The branch with its origin cleared, for comparisons that ignore where
    /// a branch sits.
    pub fn without_origin(&self) -> Branch {
        Branch {
            origin: String::new(),
            ..self.clone()
        }
    }
}

/// A constraint the differ compares as a whole.
#[derive(Debug, Clone, PartialEq)]
pub enum Conjunct {
    /// An `allOf` member (or `$ref` target) that cannot be merged into its parent.
    AllOf {
        /// Logical pointer segment (`/allOf/1`, `/$ref`).
        at: String,
        /// The member.
        schema: Schema,
    },
    /// `not`
    Not(Schema),
    /// `if`/`then`/`else`
    If {
        /// `if`
        condition: Box<Schema>,
        /// `then`
        then: Option<Box<Schema>>,
        /// `else`
        otherwise: Option<Box<Schema>>,
    },
    /// Something the normaliser cannot read (an unresolved `$ref`, a
    /// recursive `$ref`, an unknown keyword): compared by its raw value.
    Opaque {
        /// Logical pointer segment.
        at: String,
        /// What it is, for the change description.
        what: String,
        /// The raw value.
        value: Value,
    },
}

/// A normalised schema.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// `title`, `description`, `examples`, `deprecated`, `readOnly`,
    /// `writeOnly`, `$comment`, `x-…`.
    pub annotations: BTreeMap<String, Value>,
    /// `default`
    pub default: Option<Value>,
    /// The alternatives; empty for `false`.
    pub branches: Vec<Branch>,
    /// True when the branches come from a `oneOf` (at most one may match).
    pub exclusive: bool,
    /// Further constraints, each compared as a whole.
    pub conjuncts: Vec<Conjunct>,
}

impl Schema {
    /// `true`: every value.
    pub fn any() -> Schema {
        Schema {
            branches: vec![Branch::any()],
            ..Schema::default()
        }
    }

    /// `false`: no value.
    pub fn never() -> Schema {
        Schema::default()
    }

    /// True for `false`.
    pub fn is_never(&self) -> bool {
        self.branches.is_empty() && self.conjuncts.is_empty()
    }

    /// True for `true` (a single unconstrained branch, no conjuncts).
    pub fn is_any(&self) -> bool {
        self.conjuncts.is_empty() && self.branches.len() == 1 && self.branches[0].is_unconstrained()
    }
}

impl Branch {
    /// True for a branch that accepts every value (annotations aside).
    pub fn is_unconstrained(&self) -> bool {
        self.kind == Kind::Any
            && self.values.is_none()
            && self.lower.is_none()
            && self.upper.is_none()
            && self.multiple_of.is_none()
            && self.min_length == 0
            && self.max_length.is_none()
            && self.pattern.is_none()
            && self.format.is_none()
            && self.object == ObjectRules::default()
            && self.array == ArrayRules::default()
    }
}

/// Validation keywords the normaliser does not model: a schema using them
/// is compared by their raw values.
const NOT_MODELLED: &[&str] = &["unevaluatedItems", "unevaluatedProperties"];

/// How the normaliser reads keyword `k` of a schema translated to 2020-12
/// from `draft`.
fn reading(k: &str, draft: Draft) -> Reading {
    if k == "default" {
        return Reading::Default;
    }
    if keywords::is_annotation(k, Draft::Draft2020_12) {
        return Reading::Annotation;
    }
    let entry = keywords::get(k, Draft::Draft2020_12).or_else(|| keywords::get(k, draft));
    match entry.map(|kw| kw.role) {
        Some(Role::Identifier | Role::Definitions) => Reading::Ignored,
        Some(_) if !NOT_MODELLED.contains(&k) => Reading::Modelled,
        _ => Reading::Opaque,
    }
}

/// See [`reading`].
enum Reading {
    Default,
    Annotation,
    Ignored,
    Modelled,
    Opaque,
}

/// Stands for a subschema in a translated object: where it was written,
/// below the object (see [`keywords::to_2020_12`]).
const WRITTEN_AT: &str = "\u{0}eventsmith-written-at";

const MAX_DEPTH: usize = 96;
/// Subschemas one normalisation expands at most: inlining `$ref`s can
/// multiply a schema that reuses definitions, and the differ must finish.
const MAX_NODES: usize = 50_000;

/// Normalises schemas of one registry.
#[derive(Debug)]
pub struct Normalizer<'r> {
    reg: &'r mut Registry,
    root_doc: Option<usize>,
    stack: Vec<Loc>,
    budget: usize,
    /// The dynamic scope of the schema being normalised.
    scope: DynamicScope,
    /// `$ref`s that did not resolve.
    pub problems: Vec<Diagnostic>,
}

impl<'r> Normalizer<'r> {
    /// A normaliser reading from `reg`.
    pub fn new(reg: &'r mut Registry) -> Normalizer<'r> {
        Normalizer {
            reg,
            root_doc: None,
            stack: Vec::new(),
            budget: MAX_NODES,
            scope: DynamicScope::new(),
            problems: Vec::new(),
        }
    }

    /// The normalised schema at `loc`.
    pub fn normalize(&mut self, loc: &Loc) -> Schema {
        self.root_doc = Some(loc.doc);
        self.scope = self.reg.enter(&DynamicScope::new(), loc);
        self.stack.clear();
        self.budget = MAX_NODES;
        self.stack.push(loc.clone());
        let s = self.schema(loc);
        self.stack.clear();
        s
    }

    fn schema(&mut self, loc: &Loc) -> Schema {
        let Some(value) = self.reg.value(loc).cloned() else {
            return opaque(
                "",
                "a schema location that does not exist",
                Value::String(loc.pointer.clone()),
            );
        };
        if self.budget == 0 {
            return opaque(
                "",
                "a schema too large for the differ to expand",
                Value::String(loc.pointer.clone()),
            );
        }
        self.budget -= 1;
        if self.stack.len() > MAX_DEPTH {
            return opaque(
                "",
                "a schema nested deeper than the differ follows",
                Value::String(loc.pointer.clone()),
            );
        }
        match value {
            Value::Bool(true) => Schema::any(),
            Value::Bool(false) => Schema::never(),
            Value::Object(obj) => self.object(loc, &obj),
            other => opaque("", "a value that is not a schema", other),
        }
    }

    fn sub(&mut self, loc: &Loc) -> Schema {
        self.stack.push(loc.clone());
        let inner = self.reg.enter(&self.scope, loc);
        let outer = std::mem::replace(&mut self.scope, inner);
        let s = self.schema(loc);
        self.scope = outer;
        self.stack.pop();
        s
    }

    /// The location of the subschema `placeholder` stands for (see
    /// [`WRITTEN_AT`]) below `loc`.
    fn written_at(loc: &Loc, placeholder: &Value) -> Loc {
        let suffix = placeholder
            .get(WRITTEN_AT)
            .and_then(Value::as_str)
            .unwrap_or_default();
        Loc {
            doc: loc.doc,
            pointer: format!("{}{suffix}", loc.pointer),
        }
    }

    /// The normalised subschema `placeholder` stands for.
    fn sub_at(&mut self, loc: &Loc, placeholder: &Value) -> Schema {
        self.sub(&Self::written_at(loc, placeholder))
    }

    fn object(&mut self, loc: &Loc, written: &Map<String, Value>) -> Schema {
        // Every draft is compared as its 2020-12 translation.
        let draft = self.reg.draft(loc);
        let translated = keywords::to_2020_12(written, draft, &mut |at, _| {
            Value::Object(Map::from_iter([(
                WRITTEN_AT.to_owned(),
                Value::String(at.to_owned()),
            )]))
        });
        let obj = &translated;
        let mut annotations = BTreeMap::new();
        let mut schema = self.local(loc, obj);
        for (k, v) in obj {
            match reading(k, draft) {
                Reading::Annotation => {
                    annotations.insert(k.clone(), v.clone());
                }
                Reading::Opaque => schema.conjuncts.push(Conjunct::Opaque {
                    at: format!("/{}", escape(k)),
                    what: format!("the keyword `{k}`"),
                    value: v.clone(),
                }),
                Reading::Default | Reading::Ignored | Reading::Modelled => {}
            }
        }
        let default = obj.get("default").cloned();

        // `$dynamicRef` and `$recursiveRef` resolve statically, in the
        // dynamic scope the schema is reached in, as the validator does.
        for keyword in ["$ref", "$dynamicRef", "$recursiveRef"] {
            let Some(Value::String(reference)) = obj.get(keyword) else {
                continue;
            };
            let at = format!("/{keyword}");
            let target = self
                .reg
                .resolve(reference, loc)
                .map(|initial| match keyword {
                    "$dynamicRef" => self.reg.dynamic_target(&self.scope, reference, &initial),
                    "$recursiveRef" => self.reg.recursive_target(&self.scope, &initial),
                    _ => initial,
                });
            match target {
                Ok(target) => {
                    if self.stack.contains(&target) {
                        // Named the same whatever the draft: `definitions` is
                        // `$defs` once translated.
                        let pointer = match target.pointer.strip_prefix("/definitions/") {
                            Some(rest) => format!("/$defs/{rest}"),
                            None => target.pointer.clone(),
                        };
                        let shown = if Some(target.doc) == self.root_doc {
                            format!("#{pointer}")
                        } else {
                            let path = &self.reg.doc(target.doc).path;
                            let name = path
                                .file_name()
                                .map(|n| n.to_string_lossy().into_owned())
                                .unwrap_or_default();
                            format!("{name}#{pointer}")
                        };
                        schema.conjuncts.push(Conjunct::Opaque {
                            at: "/$ref".to_owned(),
                            what: "a recursive `$ref`".to_owned(),
                            value: Value::String(shown),
                        });
                    } else {
                        let t = self.sub(&target);
                        schema = merge_or_keep(schema, t, &at);
                    }
                }
                Err(d) => {
                    self.problems.push(d);
                    schema.conjuncts.push(Conjunct::Opaque {
                        at,
                        what: format!("a `{keyword}` that does not resolve"),
                        value: Value::String(reference.clone()),
                    });
                }
            }
        }
        if let Some(Value::Array(members)) = obj.get("allOf") {
            for (i, member) in members.iter().enumerate() {
                let m = self.sub_at(loc, member);
                schema = merge_or_keep(schema, m, &format!("/allOf/{i}"));
            }
        }
        for keyword in ["anyOf", "oneOf"] {
            if let Some(Value::Array(members)) = obj.get(keyword) {
                let members: Vec<Schema> = members.iter().map(|m| self.sub_at(loc, m)).collect();
                schema = distribute(schema, members, keyword);
            }
        }
        if let Some(n) = obj.get("not") {
            let n = self.sub_at(loc, n);
            schema.conjuncts.push(Conjunct::Not(n));
        }
        if let Some(condition) = obj.get("if") {
            let condition = self.sub_at(loc, condition);
            let then = obj.get("then").map(|t| self.sub_at(loc, t));
            let otherwise = obj.get("else").map(|e| self.sub_at(loc, e));
            schema.conjuncts.push(Conjunct::If {
                condition: Box::new(condition),
                then: then.map(Box::new),
                otherwise: otherwise.map(Box::new),
            });
        }
        // Own annotations win over those of `$ref` targets and `allOf` members.
        for (k, v) in annotations {
            schema.annotations.insert(k, v);
        }
        if default.is_some() {
            schema.default = default;
        }
        schema
    }

    /// The branches the schema's own keywords (not `$ref`/`allOf`/`anyOf`/`oneOf`) describe.
    fn local(&mut self, loc: &Loc, obj: &Map<String, Value>) -> Schema {
        let mut template = Branch::any();
        let num = |k: &str| obj.get(k).and_then(Value::as_f64);
        let count = |k: &str| obj.get(k).and_then(Value::as_u64);
        template.lower = tighter_lower(
            num("minimum").map(|value| Bound {
                value,
                exclusive: false,
            }),
            num("exclusiveMinimum").map(|value| Bound {
                value,
                exclusive: true,
            }),
        );
        template.upper = tighter_upper(
            num("maximum").map(|value| Bound {
                value,
                exclusive: false,
            }),
            num("exclusiveMaximum").map(|value| Bound {
                value,
                exclusive: true,
            }),
        );
        template.multiple_of = num("multipleOf");
        template.min_length = count("minLength").unwrap_or(0);
        template.max_length = count("maxLength");
        template.pattern = obj
            .get("pattern")
            .and_then(Value::as_str)
            .map(str::to_owned);
        template.format = obj.get("format").and_then(Value::as_str).map(str::to_owned);

        let o = &mut template.object;
        if let Some(Value::Object(props)) = obj.get("properties") {
            for (name, p) in props {
                let s = self.sub_at(loc, p);
                o.properties.insert(name.clone(), s);
            }
        }
        if let Some(Value::Array(req)) = obj.get("required") {
            o.required = req
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
        }
        if let Some(a) = obj.get("additionalProperties") {
            o.additional = Some(Box::new(self.sub_at(loc, a)));
        }
        if let Some(Value::Object(pats)) = obj.get("patternProperties") {
            for (pat, p) in pats {
                let s = self.sub_at(loc, p);
                o.pattern_properties.insert(pat.clone(), s);
            }
        }
        if let Some(n) = obj.get("propertyNames") {
            o.property_names = Some(Box::new(self.sub_at(loc, n)));
        }
        o.min_properties = count("minProperties").unwrap_or(0);
        o.max_properties = count("maxProperties");
        if let Some(Value::Object(deps)) = obj.get("dependentRequired") {
            for (name, list) in deps {
                let names = list
                    .as_array()
                    .map(|l| {
                        l.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                o.dependent_required.insert(name.clone(), names);
            }
        }
        if let Some(Value::Object(deps)) = obj.get("dependentSchemas") {
            for (name, d) in deps {
                let s = self.sub_at(loc, d);
                o.dependent_schemas.insert(name.clone(), s);
            }
        }

        let a = &mut template.array;
        if let Some(Value::Array(prefix)) = obj.get("prefixItems") {
            for p in prefix {
                let s = self.sub_at(loc, p);
                a.prefix.push(s);
            }
        }
        if let Some(items) = obj.get("items") {
            a.items = Some(Box::new(self.sub_at(loc, items)));
        }
        if let Some(contains) = obj.get("contains") {
            a.contains = Some(Box::new(self.sub_at(loc, contains)));
            a.min_contains = count("minContains");
            a.max_contains = count("maxContains");
        }
        a.min_items = count("minItems").unwrap_or(0);
        a.max_items = count("maxItems");
        a.unique = obj.get("uniqueItems") == Some(&Value::Bool(true));

        let types: Option<Vec<Kind>> = match obj.get("type") {
            Some(Value::String(t)) => Some(Kind::from_type(t).into_iter().collect()),
            Some(Value::Array(ts)) => Some(
                ts.iter()
                    .filter_map(Value::as_str)
                    .filter_map(Kind::from_type)
                    .collect(),
            ),
            _ => None,
        };
        let mut values: Option<Vec<Value>> = match obj.get("enum") {
            Some(Value::Array(vs)) => Some(vs.clone()),
            _ => None,
        };
        if let Some(c) = obj.get("const") {
            values = Some(match values {
                Some(vs) => vs.into_iter().filter(|v| v == c).collect(),
                None => vec![c.clone()],
            });
        }
        let allows = |k: Kind| types.as_ref().is_none_or(|ts| ts.contains(&k));

        let mut branches = Vec::new();
        match values {
            Some(values) => {
                // One branch per JSON type among the values, in order of first appearance.
                let mut order: Vec<Kind> = Vec::new();
                let mut by_kind: BTreeMap<Kind, Vec<Value>> = BTreeMap::new();
                for v in values {
                    let kind = match Kind::of_value(&v) {
                        Kind::Number if allows(Kind::Number) => Kind::Number,
                        Kind::Number if allows(Kind::Integer) && is_integral(&v) => Kind::Integer,
                        Kind::Number => continue,
                        k if allows(k) => k,
                        _ => continue,
                    };
                    if !order.contains(&kind) {
                        order.push(kind);
                    }
                    let list = by_kind.entry(kind).or_default();
                    if !list.contains(&v) {
                        list.push(v);
                    }
                }
                for kind in order {
                    let mut b = template.clone().restrict(kind);
                    b.values = by_kind.remove(&kind);
                    branches.push(b);
                }
            }
            None => match &types {
                Some(ts) => {
                    let mut seen = Vec::new();
                    for &k in ts {
                        if k == Kind::Integer && ts.contains(&Kind::Number) || seen.contains(&k) {
                            continue;
                        }
                        seen.push(k);
                        branches.push(template.clone().restrict(k));
                    }
                }
                None => branches.push(template),
            },
        }
        Schema {
            annotations: BTreeMap::new(),
            default: None,
            branches,
            exclusive: false,
            conjuncts: Vec::new(),
        }
    }
}

fn escape(s: &str) -> String {
    eventsmith_core::validation::escape_pointer_segment(s)
}

fn opaque(at: &str, what: &str, value: Value) -> Schema {
    Schema {
        branches: vec![Branch::any()],
        conjuncts: vec![Conjunct::Opaque {
            at: at.to_owned(),
            what: what.to_owned(),
            value,
        }],
        ..Schema::default()
    }
}

fn is_integral(v: &Value) -> bool {
    v.as_i64().is_some() || v.as_u64().is_some() || v.as_f64().is_some_and(|f| f.fract() == 0.0)
}

fn tighter_lower(a: Option<Bound>, b: Option<Bound>) -> Option<Bound> {
    match (a, b) {
        (Some(x), Some(y)) => {
            if y.value > x.value || (y.value == x.value && y.exclusive) {
                Some(y)
            } else {
                Some(x)
            }
        }
        (x, None) => x,
        (None, y) => y,
    }
}

fn tighter_upper(a: Option<Bound>, b: Option<Bound>) -> Option<Bound> {
    match (a, b) {
        (Some(x), Some(y)) => {
            if y.value < x.value || (y.value == x.value && y.exclusive) {
                Some(y)
            } else {
                Some(x)
            }
        }
        (x, None) => x,
        (None, y) => y,
    }
}

/// `base` ∧ `member`, merged when exact, else `member` kept as a conjunct.
fn merge_or_keep(base: Schema, member: Schema, at: &str) -> Schema {
    // `true ∧ member` is `member` (the common `{"$ref": …, "description": …}`):
    // no merge, no copy. The base's annotations win.
    if base.is_any()
        && base
            .branches
            .iter()
            .all(|b| b.origin.is_empty() && b.annotations.is_empty())
    {
        let mut m = member;
        for (k, v) in base.annotations {
            m.annotations.insert(k, v);
        }
        if base.default.is_some() {
            m.default = base.default;
        }
        m.exclusive |= base.exclusive;
        return m;
    }
    match merge(&base, &member) {
        Some(m) => m,
        None => {
            let mut base = base;
            base.conjuncts.push(Conjunct::AllOf {
                at: at.to_owned(),
                schema: member,
            });
            base
        }
    }
}

/// The schema both `a` and `b` describe, when it can be written without a
/// conjunction; `a`'s annotations win.
pub fn merge(a: &Schema, b: &Schema) -> Option<Schema> {
    let mut branches = Vec::new();
    for x in &a.branches {
        for y in &b.branches {
            if x.kind.meet(y.kind).is_some() {
                branches.push(merge_branch(x, y)?);
            }
        }
    }
    let mut annotations = b.annotations.clone();
    for (k, v) in &a.annotations {
        annotations.insert(k.clone(), v.clone());
    }
    let mut conjuncts = a.conjuncts.clone();
    conjuncts.extend(b.conjuncts.iter().cloned());
    Some(Schema {
        annotations,
        default: a.default.clone().or_else(|| b.default.clone()),
        branches,
        exclusive: a.exclusive || b.exclusive,
        conjuncts,
    })
}

fn merge_opt_schema(
    a: &Option<Box<Schema>>,
    b: &Option<Box<Schema>>,
) -> Option<Option<Box<Schema>>> {
    Some(match (a, b) {
        (Some(x), Some(y)) => Some(Box::new(merge(x, y)?)),
        (Some(x), None) => Some(x.clone()),
        (None, y) => y.clone(),
    })
}

fn same_or_one<T: PartialEq + Clone>(a: &Option<T>, b: &Option<T>) -> Option<Option<T>> {
    match (a, b) {
        (Some(x), Some(y)) if x != y => None,
        (Some(x), _) => Some(Some(x.clone())),
        (None, y) => Some(y.clone()),
    }
}

fn min_opt(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn merge_branch(x: &Branch, y: &Branch) -> Option<Branch> {
    let kind = x.kind.meet(y.kind)?;
    let x = x.clone().restrict(kind);
    let y = y.clone().restrict(kind);
    let mut annotations = y.annotations.clone();
    for (k, v) in &x.annotations {
        annotations.insert(k.clone(), v.clone());
    }
    let values = match (&x.values, &y.values) {
        (Some(a), Some(b)) => Some(a.iter().filter(|v| b.contains(v)).cloned().collect()),
        (Some(a), None) => Some(a.clone()),
        (None, b) => b.clone(),
    };
    let multiple_of = match (x.multiple_of, y.multiple_of) {
        (Some(a), Some(b)) if a == b => Some(a),
        (Some(a), Some(b)) if (a / b).fract() == 0.0 => Some(a),
        (Some(a), Some(b)) if (b / a).fract() == 0.0 => Some(b),
        (Some(_), Some(_)) => return None,
        (a, None) => a,
        (None, b) => b,
    };
    let (xo, yo) = (&x.object, &y.object);
    // `additionalProperties` applies to the members its own schema does not
    // name: merging in another member's properties would change that set.
    let closes_over = |a: &ObjectRules, b: &ObjectRules| {
        a.additional.is_some()
            && (b.properties.keys().any(|k| !a.properties.contains_key(k))
                || b.pattern_properties
                    .keys()
                    .any(|k| !a.pattern_properties.contains_key(k)))
    };
    if closes_over(xo, yo) || closes_over(yo, xo) {
        return None;
    }
    let mut properties = xo.properties.clone();
    for (k, s) in &yo.properties {
        let merged = match properties.get(k) {
            Some(existing) => merge(existing, s)?,
            None => s.clone(),
        };
        properties.insert(k.clone(), merged);
    }
    let mut pattern_properties = xo.pattern_properties.clone();
    for (k, s) in &yo.pattern_properties {
        let merged = match pattern_properties.get(k) {
            Some(existing) => merge(existing, s)?,
            None => s.clone(),
        };
        pattern_properties.insert(k.clone(), merged);
    }
    let mut dependent_required = xo.dependent_required.clone();
    for (k, names) in &yo.dependent_required {
        dependent_required
            .entry(k.clone())
            .or_default()
            .extend(names.iter().cloned());
    }
    let mut dependent_schemas = xo.dependent_schemas.clone();
    for (k, s) in &yo.dependent_schemas {
        let merged = match dependent_schemas.get(k) {
            Some(existing) => merge(existing, s)?,
            None => s.clone(),
        };
        dependent_schemas.insert(k.clone(), merged);
    }
    let object = ObjectRules {
        properties,
        required: xo.required.union(&yo.required).cloned().collect(),
        additional: merge_opt_schema(&xo.additional, &yo.additional)?,
        pattern_properties,
        property_names: merge_opt_schema(&xo.property_names, &yo.property_names)?,
        min_properties: xo.min_properties.max(yo.min_properties),
        max_properties: min_opt(xo.max_properties, yo.max_properties),
        dependent_required,
        dependent_schemas,
    };
    let (xa, ya) = (&x.array, &y.array);
    let x_positional = !xa.prefix.is_empty() || xa.items.is_some();
    let y_positional = !ya.prefix.is_empty() || ya.items.is_some();
    let (prefix, items) =
        if (!xa.prefix.is_empty() || !ya.prefix.is_empty()) && x_positional && y_positional {
            if xa.prefix != ya.prefix {
                return None;
            }
            (xa.prefix.clone(), merge_opt_schema(&xa.items, &ya.items)?)
        } else {
            let prefix = if xa.prefix.is_empty() {
                ya.prefix.clone()
            } else {
                xa.prefix.clone()
            };
            (prefix, merge_opt_schema(&xa.items, &ya.items)?)
        };
    let (contains, min_contains, max_contains) = match (&xa.contains, &ya.contains) {
        (Some(a), Some(b))
            if a != b
                || xa.min_contains != ya.min_contains
                || xa.max_contains != ya.max_contains =>
        {
            return None;
        }
        (Some(_), _) => (xa.contains.clone(), xa.min_contains, xa.max_contains),
        (None, _) => (ya.contains.clone(), ya.min_contains, ya.max_contains),
    };
    let array = ArrayRules {
        prefix,
        items,
        contains,
        min_contains,
        max_contains,
        min_items: xa.min_items.max(ya.min_items),
        max_items: min_opt(xa.max_items, ya.max_items),
        unique: xa.unique || ya.unique,
    };
    Some(Branch {
        kind,
        origin: format!("{}{}", x.origin, y.origin),
        annotations,
        values,
        lower: tighter_lower(x.lower, y.lower),
        upper: tighter_upper(x.upper, y.upper),
        multiple_of,
        min_length: x.min_length.max(y.min_length),
        max_length: min_opt(x.max_length, y.max_length),
        pattern: same_or_one(&x.pattern, &y.pattern)?,
        format: same_or_one(&x.format, &y.format)?,
        object,
        array,
    })
}

/// `base` ∧ (`members[0]` ∨ `members[1]` ∨ …): every member's branches
/// combined with the base's, each tagged with the member it came from.
fn distribute(mut base: Schema, members: Vec<Schema>, keyword: &str) -> Schema {
    let mut branches = Vec::new();
    for (i, member) in members.into_iter().enumerate() {
        let at = format!("/{keyword}/{i}");
        if !member.conjuncts.is_empty() {
            base.conjuncts.push(Conjunct::Opaque {
                at: at.clone(),
                what: format!("a `{keyword}` member with `not`, `if`, an unmergeable `allOf` or an unresolved `$ref`"),
                value: Value::String(format!("{:?}", member.conjuncts)),
            });
        }
        for mut b in member.branches {
            b.origin = format!("{at}{}", b.origin);
            for (k, v) in &member.annotations {
                b.annotations.entry(k.clone()).or_insert_with(|| v.clone());
            }
            for x in &base.branches {
                if x.kind.meet(b.kind).is_none() {
                    continue;
                }
                match merge_branch(x, &b) {
                    Some(m) => branches.push(m),
                    None => {
                        base.conjuncts.push(Conjunct::Opaque {
                            at: at.clone(),
                            what: format!(
                                "a `{keyword}` member that conflicts with the keywords beside it"
                            ),
                            value: Value::String(format!("{b:?}")),
                        });
                        branches.push(b.clone());
                    }
                }
            }
        }
    }
    base.branches = branches;
    if keyword == "oneOf" {
        base.exclusive = true;
    }
    base
}
