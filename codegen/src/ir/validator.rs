//! The validator IR: every reachable subschema becomes a [`Node`] holding the
//! checks its keywords demand. Both back ends read it: the emitter turns it
//! into Rust, the interpreter (used by the CLI on catalogs that are not
//! compiled in) runs it directly.

use std::collections::{BTreeMap, HashMap};

use std::path::PathBuf;

use eventsmith_core::Num;
use eventsmith_core::formats::Format;
use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::keywords::{self, Draft, Lookup, Role};
use crate::load::registry::{DocId, DynamicScope, Loc, Registry};

/// Index of a node in a [`Graph`].
pub type NodeId = usize;

/// The seven JSON types as a bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TypeSet(pub u8);

impl TypeSet {
    /// `null`
    pub const NULL: u8 = 1;
    /// `boolean`
    pub const BOOLEAN: u8 = 2;
    /// `object`
    pub const OBJECT: u8 = 4;
    /// `array`
    pub const ARRAY: u8 = 8;
    /// `number`
    pub const NUMBER: u8 = 16;
    /// `string`
    pub const STRING: u8 = 32;
    /// `integer`
    pub const INTEGER: u8 = 64;

    /// The bit for a type name.
    pub fn bit(name: &str) -> Option<u8> {
        Some(match name {
            "null" => Self::NULL,
            "boolean" => Self::BOOLEAN,
            "object" => Self::OBJECT,
            "array" => Self::ARRAY,
            "number" => Self::NUMBER,
            "string" => Self::STRING,
            "integer" => Self::INTEGER,
            _ => return None,
        })
    }

    /// True when `bit` is in the set.
    pub fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }

    /// Type names in the order a message lists them.
    pub fn names(self) -> Vec<&'static str> {
        [
            (Self::NULL, "null"),
            (Self::BOOLEAN, "boolean"),
            (Self::OBJECT, "object"),
            (Self::ARRAY, "array"),
            (Self::NUMBER, "number"),
            (Self::STRING, "string"),
            (Self::INTEGER, "integer"),
        ]
        .into_iter()
        .filter(|(b, _)| self.has(*b))
        .map(|(_, n)| n)
        .collect()
    }

    /// `"string or null"`.
    pub fn describe(self) -> String {
        let names = self.names();
        match names.as_slice() {
            [one] => (*one).to_owned(),
            _ => names.join(" or "),
        }
    }
}

/// One compiled keyword.
#[derive(Debug, Clone)]
pub struct Check {
    /// The keyword as written (`minLength`).
    pub keyword: &'static str,
    /// `file#/pointer/to/keyword`, reported as the error's schema path.
    pub schema_path: String,
    /// What it checks.
    pub kind: CheckKind,
}

/// What a keyword checks.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub enum CheckKind {
    Type(TypeSet),
    Enum(Vec<Value>),
    Const(Value),
    Required(Vec<String>),
    Properties(Vec<(String, NodeId)>),
    PatternProperties(Vec<(String, NodeId)>),
    /// Applies to members matched by neither `properties` nor `patternProperties`.
    AdditionalProperties {
        known: Vec<String>,
        patterns: Vec<String>,
        schema: NodeId,
    },
    PropertyNames(NodeId),
    MinProperties(u64),
    MaxProperties(u64),
    DependentRequired(Vec<(String, Vec<String>)>),
    DependentSchemas(Vec<(String, NodeId)>),
    PrefixItems(Vec<NodeId>),
    /// `items`, applying from index `start` (after `prefixItems`).
    Items {
        start: usize,
        schema: NodeId,
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
    Pattern(String),
    Format(Format),
    Minimum(Num),
    Maximum(Num),
    ExclusiveMinimum(Num),
    ExclusiveMaximum(Num),
    MultipleOf(Num),
    AllOf(Vec<NodeId>),
    AnyOf(Vec<NodeId>),
    OneOf(Vec<NodeId>),
    Not(NodeId),
    /// `if` with its `then`/`else`. With neither it asserts nothing, but its
    /// annotations still count for `unevaluatedProperties`/`unevaluatedItems`.
    IfThenElse {
        condition: NodeId,
        then: Option<NodeId>,
        otherwise: Option<NodeId>,
    },
    /// `$ref`, and `$dynamicRef` resolved in the dynamic scope the node was
    /// lowered in.
    Ref(NodeId),
    /// Applies to members no adjacent keyword (nor in-place subschema that
    /// validated) evaluated.
    UnevaluatedProperties(NodeId),
    /// Applies to items no adjacent keyword (nor in-place subschema that
    /// validated) evaluated.
    UnevaluatedItems(NodeId),
}

/// A compiled subschema.
#[derive(Debug, Clone)]
pub struct Node {
    /// Where it was written.
    pub loc: Loc,
    /// `file#/pointer`, for docs and messages.
    pub origin: String,
    /// Its checks.
    pub body: Body,
}

/// A subschema's checks.
#[derive(Debug, Clone)]
pub enum Body {
    /// `true` / `{}` (always valid) or `false` (never).
    Always(bool),
    /// Checks run in order; the node is valid when all pass.
    Checks(Vec<Check>),
}

pub use crate::keywords::FormatMode;

/// Options for lowering.
#[derive(Debug, Clone)]
pub struct LowerOptions {
    /// Format behaviour where the source does not say (`formats:` in
    /// source.yaml wins).
    pub formats: FormatMode,
    /// Paths in messages are shown relative to this directory.
    pub relative_to: Option<PathBuf>,
}

/// Every compiled subschema reachable from the roots that were lowered.
#[derive(Debug, Default)]
pub struct Graph {
    /// The nodes; a node's id is its index.
    pub nodes: Vec<Node>,
    by_loc: HashMap<(Loc, DynamicScope), NodeId>,
    /// Each document's name in nodes' `origin`, written once (the
    /// `relative_to` it was written for beside it).
    file_names: HashMap<DocId, (Option<PathBuf>, String)>,
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Graph {
        Graph::default()
    }

    /// The node with id `id`.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    /// Lowers the schema at `loc` (and everything it reaches), returning its node.
    pub fn lower(
        &mut self,
        reg: &mut Registry,
        loc: &Loc,
        opts: &LowerOptions,
        diags: &mut Diagnostics,
    ) -> NodeId {
        let first_new = self.nodes.len();
        let id = Lowerer {
            graph: self,
            reg,
            opts,
            diags,
            scope: DynamicScope::new(),
            depth: 0,
        }
        .node(loc);
        report_in_place_cycles(self, first_new, reg, diags);
        id
    }
}

struct Lowerer<'a> {
    graph: &'a mut Graph,
    reg: &'a mut Registry,
    opts: &'a LowerOptions,
    diags: &'a mut Diagnostics,
    /// The dynamic scope of the node being lowered.
    scope: DynamicScope,
    /// How many nodes are being lowered around this one.
    depth: usize,
}

/// How deep subschemas (through `$ref`s included) may nest before lowering
/// refuses, well before the stack of a `build.rs` or test thread runs out.
pub const MAX_SCHEMA_DEPTH: usize = 200;

impl Lowerer<'_> {
    fn node(&mut self, loc: &Loc) -> NodeId {
        let scope = self.enter(loc);
        let key = (loc.clone(), scope);
        if let Some(id) = self.graph.by_loc.get(&key) {
            return *id;
        }
        let id = self.graph.nodes.len();
        let origin = self.origin(loc);
        self.graph.nodes.push(Node {
            loc: loc.clone(),
            origin,
            body: Body::Always(true),
        });
        let outer = std::mem::replace(&mut self.scope, key.1.clone());
        self.graph.by_loc.insert(key, id);
        let body = if self.depth >= MAX_SCHEMA_DEPTH {
            self.error_with_hint(
                loc,
                "schema-too-deep",
                format!("subschemas nest more than {MAX_SCHEMA_DEPTH} levels deep here, counting `$ref`s"),
                "flatten the chain of references; eventsmith refuses deeper nesting rather than risk overflowing the stack",
            );
            Body::Always(false)
        } else {
            self.depth += 1;
            let body = self.body(loc);
            self.depth -= 1;
            body
        };
        self.scope = outer;
        self.graph.nodes[id].body = body;
        id
    }

    /// `file#/pointer` of `loc`, as [`Registry::display`] writes it.
    fn origin(&mut self, loc: &Loc) -> String {
        let relative_to = &self.opts.relative_to;
        let written = self.graph.file_names.get(&loc.doc);
        let file = match written {
            Some((of, file)) if of == relative_to => file,
            _ => {
                let file = self.reg.display_file(loc.doc, relative_to.as_deref());
                let entry = (relative_to.clone(), file);
                &self
                    .graph
                    .file_names
                    .entry(loc.doc)
                    .insert_entry(entry)
                    .into_mut()
                    .1
            }
        };
        format!("{file}#{}", loc.pointer)
    }

    /// The dynamic scope once the resource holding `loc` is entered.
    fn enter(&self, loc: &Loc) -> DynamicScope {
        self.reg.enter(&self.scope, loc)
    }

    fn body(&mut self, loc: &Loc) -> Body {
        match self.reg.value(loc).cloned() {
            Some(Value::Bool(b)) => {
                if !self.reg.draft(loc).has_boolean_schemas() && !draft4_boolean_allowed(loc) {
                    self.error_with_hint(
                        loc,
                        "invalid-schema",
                        format!("`{b}` is not a schema in draft-04"),
                        "boolean schemas came with draft-06: write `{}` for true and `{\"not\": {}}` for false, or declare a later draft",
                    );
                }
                Body::Always(b)
            }
            Some(Value::Object(obj)) => {
                let checks = self.checks(loc, &obj);
                if checks.is_empty() {
                    Body::Always(true)
                } else {
                    Body::Checks(checks)
                }
            }
            Some(other) => {
                self.error(
                    loc,
                    "invalid-schema",
                    format!(
                        "a schema must be an object or a boolean, found {}",
                        eventsmith_core::validation::type_name(&other)
                    ),
                );
                Body::Always(true)
            }
            None => Body::Always(true),
        }
    }

    fn error(&mut self, loc: &Loc, code: &'static str, message: String) {
        let d = self.reg.diagnostic(Diagnostic::error(code, message), loc);
        self.diags.push(d);
    }

    fn error_with_hint(&mut self, loc: &Loc, code: &'static str, message: String, hint: &str) {
        let d = self
            .reg
            .diagnostic(Diagnostic::error(code, message).with_hint(hint), loc);
        self.diags.push(d);
    }

    fn path(&self, loc: &Loc) -> String {
        self.reg.display(loc, self.opts.relative_to.as_deref())
    }

    fn check(&self, loc: &Loc, keyword: &'static str, kind: CheckKind) -> Check {
        Check {
            keyword,
            schema_path: self.path(&loc.child(keyword)),
            kind,
        }
    }

    fn checks(&mut self, loc: &Loc, obj: &Map<String, Value>) -> Vec<Check> {
        let vocabulary = self.reg.vocabulary(loc);
        let draft = vocabulary.draft;
        match obj.get("$schema") {
            Some(Value::String(s)) if Draft::from_meta_schema(s).is_none() => {
                // One error for the schema, not one per keyword it holds.
                self.error_with_hint(
                    &loc.child("$schema"),
                    "unsupported-dialect",
                    format!("`$schema` is \"{s}\", a dialect eventsmith does not know"),
                    &format!(
                        "eventsmith reads {}: name one of their meta-schemas (such as {}), or remove `$schema` and set `default_draft` in source.yaml",
                        Draft::ALL.map(Draft::name).join(", "),
                        Draft::Draft7.meta_schema()
                    ),
                );
                return Vec::new();
            }
            Some(Value::String(_)) | None => {}
            Some(_) => {
                self.bad(&loc.child("$schema"), "a string (a meta-schema URI)");
            }
        }
        let mut out = Vec::new();
        if let Some(reference) = obj.get("$ref")
            && draft.ref_overrides_siblings()
        {
            // Drafts 4 to 7: the `$ref` alone counts.
            let ignored = keywords::overridden_siblings(obj, draft);
            if let Some(first) = ignored.first() {
                let listed: Vec<String> = ignored.iter().map(|k| format!("`{k}`")).collect();
                let d = Diagnostic::warning(
                    "ignored-beside-ref",
                    format!(
                        "in {draft} `$ref` overrides the keywords beside it: {} {} ignored",
                        listed.join(", "),
                        if ignored.len() == 1 { "is" } else { "are" }
                    ),
                )
                .with_hint("to apply them too, write `\"allOf\": [{\"$ref\": …}, {…}]`, or declare 2019-09 or later, where `$ref` applies beside other keywords");
                let d = self.reg.diagnostic(d, &loc.child(first));
                self.diags.push(d);
            }
            if let Some(kind) = self.reference(loc, "$ref", reference) {
                out.push(self.check(loc, "$ref", kind));
            }
            return out;
        }
        for (key, value) in obj {
            let k = key.as_str();
            let at = loc.child(k);
            match vocabulary.lookup(k) {
                Lookup::Known(_) => {}
                Lookup::Extension | Lookup::VendorAnnotation => continue,
                // Annotations and definitions of other drafts assert nothing:
                // reading them as such is what that draft would do too.
                Lookup::OtherDrafts(kw)
                    if matches!(kw.role, Role::Annotation | Role::Definitions) =>
                {
                    continue;
                }
                Lookup::OtherDrafts(_) => {
                    self.error_with_hint(
                        &at,
                        "unsupported-keyword",
                        format!(
                            "`{k}` is not a keyword of {draft}, the draft this schema is read under"
                        ),
                        &keywords::other_draft_hint(k, draft),
                    );
                    continue;
                }
                Lookup::Unknown => {
                    self.error_with_hint(
                        &at,
                        "unsupported-keyword",
                        format!("unknown keyword `{k}`: eventsmith cannot enforce it and will not ignore it silently"),
                        &format!("a vendor's keyword in a schema you cannot edit: read it as an annotation with `annotations: [{k}]` in source.yaml; your own: prefix it with `x-`; else check the spelling of JSON Schema keywords"),
                    );
                    continue;
                }
            }
            let kind = match k {
                "type" => self.type_check(&at, value),
                "enum" => match value {
                    Value::Array(values) => {
                        if values.is_empty() {
                            let d = Diagnostic::warning("empty-enum", "this `enum` lists no value, so no value is valid here")
                                .with_hint("list the allowed values, or use `false` if nothing may appear here");
                            let d = self.reg.diagnostic(d, &at);
                            self.diags.push(d);
                        }
                        Some(CheckKind::Enum(values.clone()))
                    }
                    _ => self.bad(&at, "an array"),
                },
                "const" => Some(CheckKind::Const(value.clone())),
                "required" => self.strings(&at, value).map(CheckKind::Required),
                "properties" => self.schema_map(&at, value).map(CheckKind::Properties),
                "patternProperties" => {
                    let map = self.schema_map(&at, value);
                    if let Some(map) = &map {
                        for (pattern, _) in map {
                            self.pattern_ok(&at.child(pattern), pattern);
                        }
                    }
                    map.map(CheckKind::PatternProperties)
                }
                "additionalProperties" => {
                    let schema = self.node(&at);
                    let known = obj
                        .get("properties")
                        .and_then(Value::as_object)
                        .map(|m| m.keys().cloned().collect())
                        .unwrap_or_default();
                    let patterns = obj
                        .get("patternProperties")
                        .and_then(Value::as_object)
                        .map(|m| m.keys().cloned().collect())
                        .unwrap_or_default();
                    Some(CheckKind::AdditionalProperties {
                        known,
                        patterns,
                        schema,
                    })
                }
                "propertyNames" => Some(CheckKind::PropertyNames(self.node(&at))),
                "minProperties" => self.count(&at, value).map(CheckKind::MinProperties),
                "maxProperties" => self.count(&at, value).map(CheckKind::MaxProperties),
                "dependentRequired" => self.dependent_required(&at, value),
                "dependentSchemas" => self.schema_map(&at, value).map(CheckKind::DependentSchemas),
                // Drafts 4 to 7: names → `dependentRequired`, schemas → `dependentSchemas`.
                "dependencies" => {
                    let (names, schemas) = self.dependencies(&at, value);
                    if let Some(names) = names {
                        out.push(self.check(loc, "dependencies", names));
                    }
                    schemas
                }
                "prefixItems" => self.schema_list(&at, value).map(CheckKind::PrefixItems),
                "items" => match value {
                    // Before 2020-12 an array of schemas is a tuple: `prefixItems`,
                    // and `additionalItems` applies to the rest.
                    Value::Array(_) if draft < Draft::Draft2020_12 => {
                        let prefix = self.schema_list(&at, value);
                        if let Some(prefix) = &prefix
                            && obj.contains_key("additionalItems")
                        {
                            let rest = CheckKind::Items {
                                start: prefix.len(),
                                schema: self.node(&loc.child("additionalItems")),
                            };
                            out.push(self.check(loc, "additionalItems", rest));
                        }
                        prefix.map(CheckKind::PrefixItems)
                    }
                    Value::Array(_) => {
                        self.error_with_hint(
                            &at,
                            "invalid-schema",
                            "`items` must be a schema in 2020-12, found an array".to_owned(),
                            "use `prefixItems` for a tuple (or declare an earlier draft, where `items` may be an array)",
                        );
                        None
                    }
                    _ => {
                        let start = obj
                            .get("prefixItems")
                            .filter(|_| draft >= Draft::Draft2020_12)
                            .and_then(Value::as_array)
                            .map_or(0, Vec::len);
                        Some(CheckKind::Items {
                            start,
                            schema: self.node(&at),
                        })
                    }
                },
                // Read with an array-form `items`; otherwise it applies to
                // nothing, but is still compiled so its own errors are reported.
                "additionalItems" => {
                    if !obj.get("items").is_some_and(Value::is_array) {
                        self.node(&at);
                    }
                    None
                }
                "contains" => {
                    let schema = self.node(&at);
                    let counted = keywords::get("minContains", draft).is_some();
                    let min = match obj.get("minContains").filter(|_| counted) {
                        Some(v) => self.count(&loc.child("minContains"), v).unwrap_or(1),
                        None => 1,
                    };
                    let max = obj
                        .get("maxContains")
                        .filter(|_| counted)
                        .and_then(|v| self.count(&loc.child("maxContains"), v));
                    Some(CheckKind::Contains { schema, min, max })
                }
                // Read together with `contains`; alone they assert nothing.
                "minContains" | "maxContains" => {
                    self.count(&at, value);
                    None
                }
                "minItems" => self.count(&at, value).map(CheckKind::MinItems),
                "maxItems" => self.count(&at, value).map(CheckKind::MaxItems),
                "uniqueItems" => match value {
                    Value::Bool(true) => Some(CheckKind::UniqueItems),
                    Value::Bool(false) => None,
                    _ => self.bad(&at, "a boolean"),
                },
                "minLength" => self.count(&at, value).map(CheckKind::MinLength),
                "maxLength" => self.count(&at, value).map(CheckKind::MaxLength),
                "pattern" => match value {
                    Value::String(p) => {
                        if self.pattern_ok(&at, p) {
                            Some(CheckKind::Pattern(p.clone()))
                        } else {
                            None
                        }
                    }
                    _ => self.bad(&at, "a string"),
                },
                "format" => match value {
                    Value::String(name) => self.format(&at, name),
                    _ => self.bad(&at, "a string"),
                },
                "minimum" | "maximum" if draft == Draft::Draft4 => self.draft4_bound(loc, obj, k),
                "exclusiveMinimum" | "exclusiveMaximum" if draft == Draft::Draft4 => {
                    self.draft4_exclusive(loc, obj, k);
                    None
                }
                "minimum" => self.number(&at, value).map(CheckKind::Minimum),
                "maximum" => self.number(&at, value).map(CheckKind::Maximum),
                "exclusiveMinimum" | "exclusiveMaximum" if value.is_boolean() => {
                    self.error_with_hint(
                        &at,
                        "invalid-schema",
                        format!("`{k}` must be a number in {draft}, found {value}"),
                        &format!(
                            "draft-04 wrote a boolean beside `{}`; since draft-06 `{k}` is the bound itself: `\"{k}\": <number>`",
                            if k == "exclusiveMinimum" { "minimum" } else { "maximum" }
                        ),
                    );
                    None
                }
                "exclusiveMinimum" => self.number(&at, value).map(CheckKind::ExclusiveMinimum),
                "exclusiveMaximum" => self.number(&at, value).map(CheckKind::ExclusiveMaximum),
                "multipleOf" => match self.number(&at, value) {
                    Some(n) if n.as_f64() > 0.0 => Some(CheckKind::MultipleOf(n)),
                    Some(_) => self.bad(&at, "a number greater than 0"),
                    None => None,
                },
                "allOf" => self.schema_list(&at, value).map(CheckKind::AllOf),
                "anyOf" => self.schema_list(&at, value).map(CheckKind::AnyOf),
                "oneOf" => self.schema_list(&at, value).map(CheckKind::OneOf),
                "not" => Some(CheckKind::Not(self.node(&at))),
                "if" => {
                    let condition = self.node(&at);
                    let then = obj.get("then").map(|_| self.node(&loc.child("then")));
                    let otherwise = obj.get("else").map(|_| self.node(&loc.child("else")));
                    Some(CheckKind::IfThenElse {
                        condition,
                        then,
                        otherwise,
                    })
                }
                // Without `if` they do nothing (2020-12 §10.2.2); still compile them
                // so their own errors are reported.
                "then" | "else" => {
                    if !obj.contains_key("if") {
                        self.node(&at);
                    }
                    None
                }
                "$ref" | "$dynamicRef" | "$recursiveRef" => self.reference(loc, k, value),
                "unevaluatedProperties" => Some(CheckKind::UnevaluatedProperties(self.node(&at))),
                "unevaluatedItems" => Some(CheckKind::UnevaluatedItems(self.node(&at))),
                "$defs" | "definitions" => {
                    // Compiled on demand through `$ref`; shape-check only.
                    if !value.is_object() {
                        self.bad(&at, "an object of schemas");
                    }
                    None
                }
                "$id" | "id" | "$anchor" | "$dynamicAnchor" | "$comment" | "title"
                | "description" | "$schema" => {
                    if !value.is_string() {
                        self.bad(&at, "a string");
                    }
                    None
                }
                "deprecated" | "readOnly" | "writeOnly" | "$recursiveAnchor" => {
                    if !value.is_boolean() {
                        self.bad(&at, "a boolean");
                    }
                    None
                }
                // Annotations and `$vocabulary` (meaningful in meta-schemas only).
                _ if keywords::get(k, draft)
                    .is_some_and(|kw| matches!(kw.role, Role::Annotation | Role::Identifier)) =>
                {
                    None
                }
                _ => {
                    self.error(
                        &at,
                        "internal",
                        format!("internal error: the keyword table has `{k}` in {draft}, but the validator lowering does not read it"),
                    );
                    None
                }
            };
            if let Some(kind) = kind {
                out.push(self.check(loc, keywords::static_name(k), kind));
            }
        }
        // `type` first, so later checks can assume it and messages stay short.
        // `unevaluated*` last: they read what the others evaluated.
        out.sort_by_key(|c| match c.keyword {
            "type" => 0u8,
            "unevaluatedProperties" | "unevaluatedItems" => 2,
            _ => 1,
        });
        out
    }

    /// `$ref`, `$dynamicRef` (2020-12) or `$recursiveRef` (2019-09), resolved
    /// statically: the dynamic ones in the scope the node is lowered in.
    fn reference(&mut self, loc: &Loc, keyword: &str, value: &Value) -> Option<CheckKind> {
        let Value::String(r) = value else {
            return self.bad(&loc.child(keyword), "a string");
        };
        match self.reg.resolve(r, loc) {
            Ok(initial) => {
                let target = match keyword {
                    "$dynamicRef" => self.reg.dynamic_target(&self.scope, r, &initial),
                    "$recursiveRef" => self.reg.recursive_target(&self.scope, &initial),
                    _ => initial,
                };
                Some(CheckKind::Ref(self.node(&target)))
            }
            Err(d) => {
                self.diags.push(d);
                None
            }
        }
    }

    fn dependent_required(&mut self, at: &Loc, value: &Value) -> Option<CheckKind> {
        match value {
            Value::Object(map) => {
                let mut deps = Vec::new();
                for (name, list) in map {
                    if let Some(l) = self.strings(&at.child(name), list) {
                        deps.push((name.clone(), l));
                    }
                }
                Some(CheckKind::DependentRequired(deps))
            }
            _ => self.bad(at, "an object of string arrays"),
        }
    }

    /// Draft 4–7 `dependencies`, split into what 2020-12 calls
    /// `dependentRequired` (arrays of names) and `dependentSchemas`.
    fn dependencies(&mut self, at: &Loc, value: &Value) -> (Option<CheckKind>, Option<CheckKind>) {
        let Value::Object(map) = value else {
            self.bad(
                at,
                "an object whose values are schemas or arrays of property names",
            );
            return (None, None);
        };
        let mut names = Vec::new();
        let mut schemas = Vec::new();
        for (name, dependency) in map {
            match dependency {
                Value::Array(_) => {
                    if let Some(list) = self.strings(&at.child(name), dependency) {
                        names.push((name.clone(), list));
                    }
                }
                _ => schemas.push((name.clone(), self.node(&at.child(name)))),
            }
        }
        (
            (!names.is_empty()).then_some(CheckKind::DependentRequired(names)),
            (!schemas.is_empty()).then_some(CheckKind::DependentSchemas(schemas)),
        )
    }

    /// Draft-04 `minimum`/`maximum`, exclusive when the boolean
    /// `exclusiveMinimum`/`exclusiveMaximum` beside it is `true`.
    fn draft4_bound(&mut self, loc: &Loc, obj: &Map<String, Value>, k: &str) -> Option<CheckKind> {
        let at = loc.child(k);
        let bound = self.number(&at, obj.get(k)?)?;
        let flag = if k == "minimum" {
            "exclusiveMinimum"
        } else {
            "exclusiveMaximum"
        };
        let exclusive = obj.get(flag) == Some(&Value::Bool(true));
        Some(match (k, exclusive) {
            ("minimum", false) => CheckKind::Minimum(bound),
            ("minimum", true) => CheckKind::ExclusiveMinimum(bound),
            (_, false) => CheckKind::Maximum(bound),
            (_, true) => CheckKind::ExclusiveMaximum(bound),
        })
    }

    /// Checks a draft-04 `exclusiveMinimum`/`exclusiveMaximum`: a boolean,
    /// and `true` only beside the bound it modifies.
    fn draft4_exclusive(&mut self, loc: &Loc, obj: &Map<String, Value>, k: &str) {
        let at = loc.child(k);
        let bound = if k == "exclusiveMinimum" {
            "minimum"
        } else {
            "maximum"
        };
        match obj.get(k) {
            Some(Value::Bool(true)) if !obj.contains_key(bound) => self.error_with_hint(
                &at,
                "invalid-schema",
                format!("`{k}: true` makes `{bound}` exclusive in draft-04, but there is no `{bound}` beside it"),
                &format!("add `\"{bound}\": <number>`, or remove `{k}`; or, if you meant the draft-06 form `\"{k}\": <number>`, declare draft-06 or later"),
            ),
            Some(Value::Bool(_)) => {}
            Some(Value::Number(_)) => {
                self.error_with_hint(
                    &at,
                    "invalid-schema",
                    format!("`{k}` must be a boolean in draft-04 (it makes `{bound}` exclusive)"),
                    &format!("write `\"{bound}\": <number>, \"{k}\": true`, or declare draft-06 or later, where `{k}` is the bound itself"),
                );
            }
            _ => {
                self.bad(&at, "a boolean");
            }
        }
    }

    fn bad(&mut self, at: &Loc, expected: &str) -> Option<CheckKind> {
        let found = self
            .reg
            .value(at)
            .map(eventsmith_core::validation::preview)
            .unwrap_or_default();
        let keyword = at.pointer.rsplit('/').next().unwrap_or_default().to_owned();
        self.error(
            at,
            "invalid-schema",
            format!("`{keyword}` must be {expected}, found {found}"),
        );
        None
    }

    fn type_check(&mut self, at: &Loc, value: &Value) -> Option<CheckKind> {
        let names: Vec<&Value> = match value {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        let mut set = 0u8;
        for name in names {
            match name.as_str().and_then(TypeSet::bit) {
                Some(bit) => set |= bit,
                None => {
                    return self.bad(at, "one of the seven JSON types (or an array of them)");
                }
            }
        }
        Some(CheckKind::Type(TypeSet(set)))
    }

    fn strings(&mut self, at: &Loc, value: &Value) -> Option<Vec<String>> {
        match value {
            Value::Array(items) if items.iter().all(Value::is_string) => Some(
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
            ),
            _ => {
                self.bad(at, "an array of strings");
                None
            }
        }
    }

    fn count(&mut self, at: &Loc, value: &Value) -> Option<u64> {
        match value {
            Value::Number(n)
                if eventsmith_core::validation::is_integer(n)
                    && n.as_f64().is_some_and(|f| f >= 0.0) =>
            {
                n.as_u64().or_else(|| n.as_f64().map(|f| f as u64))
            }
            _ => {
                self.bad(at, "a non-negative integer");
                None
            }
        }
    }

    fn number(&mut self, at: &Loc, value: &Value) -> Option<Num> {
        match value {
            Value::Number(n) => Some(Num::of(n)),
            _ => {
                self.bad(at, "a number");
                None
            }
        }
    }

    fn schema_map(&mut self, at: &Loc, value: &Value) -> Option<Vec<(String, NodeId)>> {
        match value {
            Value::Object(map) => Some(
                map.keys()
                    .map(|name| (name.clone(), self.node(&at.child(name))))
                    .collect(),
            ),
            _ => {
                self.bad(at, "an object of schemas");
                None
            }
        }
    }

    fn schema_list(&mut self, at: &Loc, value: &Value) -> Option<Vec<NodeId>> {
        match value {
            Value::Array(items) if !items.is_empty() => {
                Some((0..items.len()).map(|i| self.node(&at.index(i))).collect())
            }
            _ => {
                self.bad(at, "a non-empty array of schemas");
                None
            }
        }
    }

    fn pattern_ok(&mut self, at: &Loc, pattern: &str) -> bool {
        match eventsmith_core::validation::compile_pattern(pattern) {
            Ok(_) => true,
            Err(e) => {
                self.error(
                    at,
                    "invalid-pattern",
                    format!("/{pattern}/ is not a valid ECMA-262 regular expression: {e}"),
                );
                false
            }
        }
    }

    fn format(&mut self, at: &Loc, name: &str) -> Option<CheckKind> {
        let mode = self.reg.formats(at.doc).unwrap_or(self.opts.formats);
        match (Format::from_name(name), mode) {
            (Some(f), FormatMode::Assert) => Some(CheckKind::Format(f)),
            (Some(f), FormatMode::Annotate) if f.is_custom() => Some(CheckKind::Format(f)),
            (Some(_), FormatMode::Annotate) => None,
            (None, FormatMode::Annotate) => None,
            (None, FormatMode::Assert) => {
                let known: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                self.error_with_hint(
                    at,
                    "unknown-format",
                    format!("unknown format \"{name}\": eventsmith cannot check it"),
                    &format!("known formats: {}", known.join(", ")),
                );
                None
            }
        }
    }
}

/// Whether a draft-04 schema at `loc` may be a boolean: only as the value of
/// `additionalProperties` or `additionalItems`, which allowed one.
fn draft4_boolean_allowed(loc: &Loc) -> bool {
    matches!(
        loc.pointer.rsplit('/').next(),
        Some("additionalProperties" | "additionalItems")
    )
}

/// Nodes grouped by the document they come from, for emitting in a stable order.
pub fn by_document(graph: &Graph) -> BTreeMap<usize, Vec<NodeId>> {
    let mut out: BTreeMap<usize, Vec<NodeId>> = BTreeMap::new();
    for (id, node) in graph.nodes.iter().enumerate() {
        out.entry(node.loc.doc).or_default().push(id);
    }
    out
}

/// The in-place subschemas of a check whose annotations count when they
/// validate (every in-place target but `not`'s).
pub fn annotating_targets(kind: &CheckKind) -> Vec<NodeId> {
    match kind {
        CheckKind::Ref(n) => vec![*n],
        CheckKind::AllOf(ns) | CheckKind::AnyOf(ns) | CheckKind::OneOf(ns) => ns.clone(),
        CheckKind::DependentSchemas(ns) => ns.iter().map(|(_, n)| *n).collect(),
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

/// Every node `kind` applies, to the instance or to its members and items.
pub fn targets(kind: &CheckKind) -> Vec<NodeId> {
    match kind {
        CheckKind::Properties(ns)
        | CheckKind::PatternProperties(ns)
        | CheckKind::DependentSchemas(ns) => ns.iter().map(|(_, n)| *n).collect(),
        CheckKind::AdditionalProperties { schema, .. }
        | CheckKind::Items { schema, .. }
        | CheckKind::Contains { schema, .. } => vec![*schema],
        CheckKind::PropertyNames(n)
        | CheckKind::UnevaluatedProperties(n)
        | CheckKind::UnevaluatedItems(n) => vec![*n],
        CheckKind::PrefixItems(ns) => ns.clone(),
        _ => in_place_targets(kind),
    }
}

/// The nodes `kind` applies to the same instance it is given (not to a
/// property or item of it).
fn in_place_targets(kind: &CheckKind) -> Vec<NodeId> {
    match kind {
        CheckKind::Not(n) => vec![*n],
        _ => annotating_targets(kind),
    }
}

/// Reports every cycle of `$ref`/`allOf`/`anyOf`/`oneOf`/`not`/`if`/
/// `dependentSchemas` among nodes `first_new..` that returns to a schema
/// without descending into a property or item: validating would apply the
/// same schema to the same value forever (`{"$ref": "#"}`). A cycle through
/// `properties`/`items` is ordinary recursion and ends with the payload.
/// Nodes created by an earlier `lower` call cannot point at later ones, so a
/// cycle through a new node lies entirely among the new nodes.
fn report_in_place_cycles(
    graph: &Graph,
    first_new: NodeId,
    reg: &Registry,
    diags: &mut Diagnostics,
) {
    // Edges of a node: (target, keyword of the check that leads there).
    let edges = |id: NodeId| -> Vec<(NodeId, &'static str)> {
        match graph.nodes.get(id).map(|n| &n.body) {
            Some(Body::Checks(checks)) => checks
                .iter()
                .flat_map(|c| {
                    in_place_targets(&c.kind)
                        .into_iter()
                        .map(move |t| (t, c.keyword))
                })
                .filter(|(t, _)| *t >= first_new)
                .collect(),
            _ => Vec::new(),
        }
    };
    // 0 unvisited, 1 on the stack, 2 done. Iterative, so deep schemas cannot
    // overflow the stack.
    let mut state = vec![0u8; graph.nodes.len().saturating_sub(first_new)];
    for start in first_new..graph.nodes.len() {
        if state.get(start - first_new) != Some(&0) {
            continue;
        }
        // (node, its in-place edges, index of the next edge to follow)
        type Frame = (NodeId, Vec<(NodeId, &'static str)>, usize);
        let mut stack: Vec<Frame> = vec![(start, edges(start), 0)];
        if let Some(s) = state.get_mut(start - first_new) {
            *s = 1;
        }
        while let Some((node, out, next)) = stack.last_mut() {
            let node = *node;
            let Some(&(target, keyword)) = out.get(*next) else {
                if let Some(s) = state.get_mut(node - first_new) {
                    *s = 2;
                }
                stack.pop();
                continue;
            };
            *next += 1;
            match state.get(target - first_new).copied() {
                Some(0) => {
                    if let Some(s) = state.get_mut(target - first_new) {
                        *s = 1;
                    }
                    stack.push((target, edges(target), 0));
                }
                Some(1) => {
                    let origin = |n: NodeId| graph.nodes.get(n).map_or("?", |x| x.origin.as_str());
                    let from = stack.iter().position(|(n, _, _)| *n == target).unwrap_or(0);
                    let mut path: Vec<&str> = stack
                        .get(from..)
                        .unwrap_or_default()
                        .iter()
                        .map(|(n, _, _)| origin(*n))
                        .collect();
                    path.push(origin(target));
                    let Some(at) = graph.nodes.get(node).map(|n| n.loc.child(keyword)) else {
                        continue;
                    };
                    let message = if path.len() == 2 {
                        format!(
                            "this `{keyword}` applies the schema it is in ({}) to the same value again, so validation would never end",
                            origin(node)
                        )
                    } else {
                        // Within one file, show the pointers only.
                        let file = path
                            .first()
                            .and_then(|p| p.split_once('#'))
                            .map_or("", |(f, _)| f);
                        let short: Vec<&str> = path
                            .iter()
                            .map(|p| p.strip_prefix(file).unwrap_or(p))
                            .collect();
                        let in_file = if short.iter().all(|p| p.starts_with('#')) {
                            format!(" (in {file})")
                        } else {
                            String::new()
                        };
                        format!(
                            "`{keyword}` closes a cycle that never descends into a property or item: {}{in_file}; validation would never end",
                            short.join(" -> ")
                        )
                    };
                    diags.push(reg.diagnostic(
                        Diagnostic::error("ref-cycle", message).with_hint(
                            "a schema that only refers to itself has no type; give it `type` and `properties`, or point the reference at a different schema",
                        ),
                        &at,
                    ));
                }
                _ => {}
            }
        }
    }
}
