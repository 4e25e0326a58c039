//! A validator as data: the subschemas of one catalog source, each a list of
//! checks, addressed by index.
//!
//! The generator lowers every schema it reads into a [`Program`]; generated
//! bindings embed it (one JSON text per node, parsed once on first use, see
//! [`Embedded`](super::Embedded)) and the CLI builds it in memory from a catalog it has not
//! compiled. Both run it with the same engine, so a payload gets the same
//! verdict and the same errors wherever it is checked. Keeping validators
//! as data rather than as generated functions is also what keeps the
//! bindings small and quick to compile.
//!
//! The vocabulary is JSON Schema 2020-12's: the generator settles every
//! draft difference (draft-04's boolean `exclusiveMaximum`, draft 4–7
//! `dependencies` and array-form `items`, 2019-09 `$recursiveRef`) while
//! lowering, so nothing here depends on a draft.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::formats::Format;
use crate::validation::Num;

/// Index of a node in its [`Program`].
pub type NodeId = u32;

/// The seven JSON types as a bit set (`type: ["string", "null"]` is
/// `STRING | NULL`).
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
        self.names().join(" or ")
    }
}

/// Every subschema of one source that validation can reach.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Program {
    /// The nodes; a node's id is its index.
    pub nodes: Vec<Node>,
}

/// One subschema. Written as text (serde) in the compact form of
/// [`text`]: the form generated bindings embed.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where it is written, `file#/pointer` (`gigs/sim.updated/2025-05-22.json#/properties/data`):
    /// the schema path of a `false` schema's error, and what docs show.
    pub at: String,
    /// What it checks.
    pub body: Body,
}

/// A subschema's checks.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// `true` / `{}` (always valid) or `false` (never).
    Always(bool),
    /// Checks run in order; the node is valid when all pass.
    Checks(Vec<Check>),
}

/// One keyword, compiled.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// The keyword as an error reports it (`minLength`).
    pub keyword: String,
    /// `file#/pointer/to/keyword`, the error's schema path.
    pub path: String,
    /// What it checks.
    pub kind: CheckKind,
}

/// What a keyword checks. Checks on one JSON type pass on every other type
/// (a `minLength` passes on a number), as JSON Schema says.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckKind {
    /// `type`. Later checks of the node may assume it: a failed `type`
    /// ends the node.
    Type(TypeSet),
    /// `enum`: JSON equality with one of the values.
    Enum(Vec<Value>),
    /// `const`: JSON equality with the value.
    Const(Value),
    /// `required`: every member present.
    Required(Vec<String>),
    /// `properties`: `(member, schema)`.
    Properties(Vec<(String, NodeId)>),
    /// `patternProperties`: `(ECMA-262 pattern, schema)`.
    PatternProperties(Vec<(String, NodeId)>),
    /// `additionalProperties`: applies to members matched by neither
    /// `properties` (`known`) nor `patternProperties` (`patterns`) of the
    /// same node.
    AdditionalProperties {
        /// The `properties` names.
        known: Vec<String>,
        /// The `patternProperties` patterns.
        patterns: Vec<String>,
        /// The schema the other members must satisfy.
        schema: NodeId,
    },
    /// `propertyNames`: every member name, as a string, against the schema.
    PropertyNames(NodeId),
    /// `minProperties`
    MinProperties(u64),
    /// `maxProperties`
    MaxProperties(u64),
    /// `dependentRequired`: `(trigger, members required when it is present)`.
    DependentRequired(Vec<(String, Vec<String>)>),
    /// `dependentSchemas`: `(trigger, schema the object must satisfy when it is present)`.
    DependentSchemas(Vec<(String, NodeId)>),
    /// `prefixItems`: item `i` against schema `i`.
    PrefixItems(Vec<NodeId>),
    /// `items`, applying from index `start` (after `prefixItems`).
    Items {
        /// The first index it applies to.
        start: usize,
        /// The schema.
        schema: NodeId,
    },
    /// `contains` with `minContains` (default 1) and `maxContains`.
    Contains {
        /// The schema items are matched against.
        schema: NodeId,
        /// At least this many items must match.
        min: u64,
        /// At most this many items may match.
        max: Option<u64>,
    },
    /// `minItems`
    MinItems(u64),
    /// `maxItems`
    MaxItems(u64),
    /// `uniqueItems: true`
    UniqueItems,
    /// `minLength`, in Unicode scalar values.
    MinLength(u64),
    /// `maxLength`, in Unicode scalar values.
    MaxLength(u64),
    /// `pattern`: an ECMA-262 regular expression, unanchored.
    Pattern(String),
    /// `format`, asserted.
    Format(Format),
    /// `minimum`
    Minimum(Num),
    /// `maximum`
    Maximum(Num),
    /// `exclusiveMinimum`
    ExclusiveMinimum(Num),
    /// `exclusiveMaximum`
    ExclusiveMaximum(Num),
    /// `multipleOf`
    MultipleOf(Num),
    /// `allOf`
    AllOf(Vec<NodeId>),
    /// `anyOf`
    AnyOf(Vec<NodeId>),
    /// `oneOf`
    OneOf(Vec<NodeId>),
    /// `not`
    Not(NodeId),
    /// `if` with its `then`/`else`. With neither it asserts nothing, but its
    /// annotations still count for `unevaluatedProperties`/`unevaluatedItems`.
    IfThenElse {
        /// `if`
        condition: NodeId,
        /// `then`
        then: Option<NodeId>,
        /// `else`
        otherwise: Option<NodeId>,
    },
    /// `$ref` (and `$dynamicRef`/`$recursiveRef`, resolved statically).
    Ref(NodeId),
    /// `unevaluatedProperties`: applies to members no adjacent keyword (nor
    /// an in-place subschema that validated) evaluated.
    UnevaluatedProperties(NodeId),
    /// `unevaluatedItems`: applies to items no adjacent keyword (nor an
    /// in-place subschema that validated) evaluated.
    UnevaluatedItems(NodeId),
}

impl CheckKind {
    /// The keyword this kind of check comes from in 2020-12 (`$ref` for a
    /// reference, `if` for a conditional): the key it is written under in
    /// a node's text, and its [`Check::keyword`] unless that says otherwise.
    pub fn name(&self) -> &'static str {
        match self {
            CheckKind::Type(_) => "type",
            CheckKind::Enum(_) => "enum",
            CheckKind::Const(_) => "const",
            CheckKind::Required(_) => "required",
            CheckKind::Properties(_) => "properties",
            CheckKind::PatternProperties(_) => "patternProperties",
            CheckKind::AdditionalProperties { .. } => "additionalProperties",
            CheckKind::PropertyNames(_) => "propertyNames",
            CheckKind::MinProperties(_) => "minProperties",
            CheckKind::MaxProperties(_) => "maxProperties",
            CheckKind::DependentRequired(_) => "dependentRequired",
            CheckKind::DependentSchemas(_) => "dependentSchemas",
            CheckKind::PrefixItems(_) => "prefixItems",
            CheckKind::Items { .. } => "items",
            CheckKind::Contains { .. } => "contains",
            CheckKind::MinItems(_) => "minItems",
            CheckKind::MaxItems(_) => "maxItems",
            CheckKind::UniqueItems => "uniqueItems",
            CheckKind::MinLength(_) => "minLength",
            CheckKind::MaxLength(_) => "maxLength",
            CheckKind::Pattern(_) => "pattern",
            CheckKind::Format(_) => "format",
            CheckKind::Minimum(_) => "minimum",
            CheckKind::Maximum(_) => "maximum",
            CheckKind::ExclusiveMinimum(_) => "exclusiveMinimum",
            CheckKind::ExclusiveMaximum(_) => "exclusiveMaximum",
            CheckKind::MultipleOf(_) => "multipleOf",
            CheckKind::AllOf(_) => "allOf",
            CheckKind::AnyOf(_) => "anyOf",
            CheckKind::OneOf(_) => "oneOf",
            CheckKind::Not(_) => "not",
            CheckKind::IfThenElse { .. } => "if",
            CheckKind::Ref(_) => "$ref",
            CheckKind::UnevaluatedProperties(_) => "unevaluatedProperties",
            CheckKind::UnevaluatedItems(_) => "unevaluatedItems",
        }
    }
}

/// The text of a node, as generated bindings embed it: close to the
/// schema it came from, so a reader can follow it.
///
/// ```text
/// {"at":"gigs/common/envelope.json#/properties/id","checks":[{"type":"string"},{"pattern":"^evt_[A-Za-z0-9]+$"}]}
/// ```
///
/// A check is an object with one member named after its kind
/// ([`CheckKind::name`]) holding its arguments (node ids for subschemas),
/// plus `keyword` and `path` only where they differ from the kind's name
/// and from `<at>/<keyword>`.
mod text {
    use serde_json::{Map, Number, Value, json};

    use super::*;

    fn num(n: Num) -> Value {
        match n {
            Num::I(i) => Value::from(i),
            Num::U(u) => Value::from(u),
            Num::F(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
        }
    }

    fn pairs<T: Clone + Into<Value>>(list: &[(String, T)]) -> Value {
        Value::Array(
            list.iter()
                .map(|(k, v)| json!([k, v.clone().into()]))
                .collect(),
        )
    }

    fn args(kind: &CheckKind) -> Value {
        match kind {
            CheckKind::Type(set) => match set.names().as_slice() {
                [one] => json!(one),
                names => json!(names),
            },
            CheckKind::Enum(values) => Value::Array(values.clone()),
            CheckKind::Const(value) => value.clone(),
            CheckKind::Required(names) => json!(names),
            CheckKind::Properties(p)
            | CheckKind::PatternProperties(p)
            | CheckKind::DependentSchemas(p) => pairs(p),
            CheckKind::AdditionalProperties {
                known,
                patterns,
                schema,
            } => json!({"known": known, "patterns": patterns, "schema": schema}),
            CheckKind::DependentRequired(deps) => pairs(deps),
            CheckKind::PrefixItems(ids)
            | CheckKind::AllOf(ids)
            | CheckKind::AnyOf(ids)
            | CheckKind::OneOf(ids) => {
                json!(ids)
            }
            CheckKind::Items { start, schema } => json!({"start": start, "schema": schema}),
            CheckKind::Contains { schema, min, max } => {
                json!({"schema": schema, "min": min, "max": max})
            }
            CheckKind::MinProperties(n)
            | CheckKind::MaxProperties(n)
            | CheckKind::MinItems(n)
            | CheckKind::MaxItems(n)
            | CheckKind::MinLength(n)
            | CheckKind::MaxLength(n) => json!(n),
            CheckKind::UniqueItems => Value::Bool(true),
            CheckKind::Pattern(p) => json!(p),
            CheckKind::Format(f) => json!(f.name()),
            CheckKind::Minimum(n)
            | CheckKind::Maximum(n)
            | CheckKind::ExclusiveMinimum(n)
            | CheckKind::ExclusiveMaximum(n)
            | CheckKind::MultipleOf(n) => num(*n),
            CheckKind::IfThenElse {
                condition,
                then,
                otherwise,
            } => json!({"if": condition, "then": then, "else": otherwise}),
            CheckKind::PropertyNames(id)
            | CheckKind::Not(id)
            | CheckKind::Ref(id)
            | CheckKind::UnevaluatedProperties(id)
            | CheckKind::UnevaluatedItems(id) => json!(id),
        }
    }

    pub(super) fn node_to_json(node: &Node) -> Value {
        let mut out = Map::new();
        out.insert("at".into(), Value::String(node.at.clone()));
        match &node.body {
            Body::Always(b) => {
                out.insert("always".into(), Value::Bool(*b));
            }
            Body::Checks(checks) => {
                let list = checks
                    .iter()
                    .map(|c| {
                        let name = c.kind.name();
                        let mut check = Map::new();
                        check.insert(name.into(), args(&c.kind));
                        if c.keyword != name {
                            check.insert("keyword".into(), Value::String(c.keyword.clone()));
                        }
                        if c.path != format!("{}/{}", node.at, c.keyword) {
                            check.insert("path".into(), Value::String(c.path.clone()));
                        }
                        Value::Object(check)
                    })
                    .collect();
                out.insert("checks".into(), Value::Array(list));
            }
        }
        Value::Object(out)
    }

    type R<T> = Result<T, String>;

    fn id(v: &Value) -> R<NodeId> {
        v.as_u64()
            .and_then(|n| NodeId::try_from(n).ok())
            .ok_or_else(|| format!("expected a node id, found {v}"))
    }

    fn ids(v: &Value) -> R<Vec<NodeId>> {
        v.as_array()
            .ok_or_else(|| format!("expected node ids, found {v}"))?
            .iter()
            .map(id)
            .collect()
    }

    fn count(v: &Value) -> R<u64> {
        v.as_u64()
            .ok_or_else(|| format!("expected a count, found {v}"))
    }

    fn string(v: &Value) -> R<String> {
        v.as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("expected a string, found {v}"))
    }

    fn strings(v: &Value) -> R<Vec<String>> {
        v.as_array()
            .ok_or_else(|| format!("expected strings, found {v}"))?
            .iter()
            .map(string)
            .collect()
    }

    fn number(v: &Value) -> R<Num> {
        v.as_number()
            .map(Num::of)
            .ok_or_else(|| format!("expected a number, found {v}"))
    }

    fn pair_list<T>(v: &Value, item: impl Fn(&Value) -> R<T>) -> R<Vec<(String, T)>> {
        v.as_array()
            .ok_or_else(|| format!("expected pairs, found {v}"))?
            .iter()
            .map(|p| match p.as_array().map(Vec::as_slice) {
                Some([k, v]) => Ok((string(k)?, item(v)?)),
                _ => Err(format!("expected a pair, found {p}")),
            })
            .collect()
    }

    fn field<'v>(v: &'v Value, name: &str) -> R<&'v Value> {
        v.get(name)
            .ok_or_else(|| format!("missing \"{name}\" in {v}"))
    }

    fn optional_id(v: &Value, name: &str) -> R<Option<NodeId>> {
        match v.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(x) => id(x).map(Some),
        }
    }

    fn kind(name: &str, v: &Value) -> R<CheckKind> {
        Ok(match name {
            "type" => {
                let names = match v {
                    Value::String(s) => vec![s.clone()],
                    other => strings(other)?,
                };
                let mut set = 0;
                for n in &names {
                    set |= TypeSet::bit(n).ok_or_else(|| format!("unknown type \"{n}\""))?;
                }
                CheckKind::Type(TypeSet(set))
            }
            "enum" => CheckKind::Enum(
                v.as_array()
                    .ok_or_else(|| format!("expected enum values, found {v}"))?
                    .clone(),
            ),
            "const" => CheckKind::Const(v.clone()),
            "required" => CheckKind::Required(strings(v)?),
            "properties" => CheckKind::Properties(pair_list(v, id)?),
            "patternProperties" => CheckKind::PatternProperties(pair_list(v, id)?),
            "additionalProperties" => CheckKind::AdditionalProperties {
                known: strings(field(v, "known")?)?,
                patterns: strings(field(v, "patterns")?)?,
                schema: id(field(v, "schema")?)?,
            },
            "propertyNames" => CheckKind::PropertyNames(id(v)?),
            "minProperties" => CheckKind::MinProperties(count(v)?),
            "maxProperties" => CheckKind::MaxProperties(count(v)?),
            "dependentRequired" => CheckKind::DependentRequired(pair_list(v, strings)?),
            "dependentSchemas" => CheckKind::DependentSchemas(pair_list(v, id)?),
            "prefixItems" => CheckKind::PrefixItems(ids(v)?),
            "items" => CheckKind::Items {
                start: usize::try_from(count(field(v, "start")?)?).map_err(|e| e.to_string())?,
                schema: id(field(v, "schema")?)?,
            },
            "contains" => CheckKind::Contains {
                schema: id(field(v, "schema")?)?,
                min: count(field(v, "min")?)?,
                max: match v.get("max") {
                    None | Some(Value::Null) => None,
                    Some(m) => Some(count(m)?),
                },
            },
            "minItems" => CheckKind::MinItems(count(v)?),
            "maxItems" => CheckKind::MaxItems(count(v)?),
            "uniqueItems" => CheckKind::UniqueItems,
            "minLength" => CheckKind::MinLength(count(v)?),
            "maxLength" => CheckKind::MaxLength(count(v)?),
            "pattern" => CheckKind::Pattern(string(v)?),
            "format" => {
                let f = string(v)?;
                CheckKind::Format(
                    Format::from_name(&f).ok_or_else(|| format!("unknown format \"{f}\""))?,
                )
            }
            "minimum" => CheckKind::Minimum(number(v)?),
            "maximum" => CheckKind::Maximum(number(v)?),
            "exclusiveMinimum" => CheckKind::ExclusiveMinimum(number(v)?),
            "exclusiveMaximum" => CheckKind::ExclusiveMaximum(number(v)?),
            "multipleOf" => CheckKind::MultipleOf(number(v)?),
            "allOf" => CheckKind::AllOf(ids(v)?),
            "anyOf" => CheckKind::AnyOf(ids(v)?),
            "oneOf" => CheckKind::OneOf(ids(v)?),
            "not" => CheckKind::Not(id(v)?),
            "if" => CheckKind::IfThenElse {
                condition: id(field(v, "if")?)?,
                then: optional_id(v, "then")?,
                otherwise: optional_id(v, "else")?,
            },
            "$ref" => CheckKind::Ref(id(v)?),
            "unevaluatedProperties" => CheckKind::UnevaluatedProperties(id(v)?),
            "unevaluatedItems" => CheckKind::UnevaluatedItems(id(v)?),
            other => return Err(format!("unknown check \"{other}\"")),
        })
    }

    pub(super) fn node_from_json(v: &Value) -> R<Node> {
        let at = string(field(v, "at")?)?;
        let body = match (v.get("always"), v.get("checks")) {
            (Some(Value::Bool(b)), None) => Body::Always(*b),
            (None, Some(Value::Array(list))) => {
                let mut checks = Vec::with_capacity(list.len());
                for c in list {
                    let obj = c
                        .as_object()
                        .ok_or_else(|| format!("expected a check, found {c}"))?;
                    let Some((name, args)) =
                        obj.iter().find(|(k, _)| *k != "keyword" && *k != "path")
                    else {
                        return Err(format!("a check without a kind: {c}"));
                    };
                    let kind = kind(name, args)?;
                    let keyword = match obj.get("keyword") {
                        Some(k) => string(k)?,
                        None => name.clone(),
                    };
                    let path = match obj.get("path") {
                        Some(p) => string(p)?,
                        None => format!("{at}/{keyword}"),
                    };
                    checks.push(Check {
                        keyword,
                        path,
                        kind,
                    });
                }
                Body::Checks(checks)
            }
            _ => return Err(format!("a node needs \"always\" or \"checks\": {v}")),
        };
        Ok(Node { at, body })
    }
}

impl Serialize for Node {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        text::node_to_json(self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        text::node_from_json(&value).map_err(serde::de::Error::custom)
    }
}
