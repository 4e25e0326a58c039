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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
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

/// One subschema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Where it is written, `file#/pointer` (`gigs/sim.updated/2025-05-22.json#/properties/data`):
    /// the schema path of a `false` schema's error, and what docs show.
    pub at: String,
    /// What it checks.
    pub body: Body,
}

/// A subschema's checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Body {
    /// `true` / `{}` (always valid) or `false` (never).
    Always(bool),
    /// Checks run in order; the node is valid when all pass.
    Checks(Vec<Check>),
}

/// One keyword, compiled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
