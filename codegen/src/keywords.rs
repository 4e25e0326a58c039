//! Every JSON Schema keyword eventsmith knows, per draft: what it is, where
//! its subschemas sit, whether it shapes the Rust type, and the drafts it
//! exists in. Every stage reads this table (the registry to find
//! subschemas and identifiers, the validator and type lowerings, the
//! normaliser of `diff`/`check`, the export); none keeps a list of its own.
//! Modelled on serde_derive's `symbol.rs`: one place that names things.
//!
//! Draft differences end here and in the two lowerings: the validator IR
//! speaks 2020-12 only and the emitter never sees a draft.

use std::fmt;

use serde_json::{Map, Value};

/// A JSON Schema draft (dialect).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Draft {
    /// `http://json-schema.org/draft-04/schema#`
    Draft4,
    /// `http://json-schema.org/draft-06/schema#`
    Draft6,
    /// `http://json-schema.org/draft-07/schema#`
    Draft7,
    /// `https://json-schema.org/draft/2019-09/schema`
    Draft2019_09,
    /// `https://json-schema.org/draft/2020-12/schema`, the default.
    #[default]
    Draft2020_12,
}

impl Draft {
    /// Every draft, oldest first.
    pub const ALL: [Draft; 5] = [
        Draft::Draft4,
        Draft::Draft6,
        Draft::Draft7,
        Draft::Draft2019_09,
        Draft::Draft2020_12,
    ];

    /// The name used in `source.yaml` and messages: `draft-07`, `2020-12`.
    pub fn name(self) -> &'static str {
        match self {
            Draft::Draft4 => "draft-04",
            Draft::Draft6 => "draft-06",
            Draft::Draft7 => "draft-07",
            Draft::Draft2019_09 => "2019-09",
            Draft::Draft2020_12 => "2020-12",
        }
    }

    /// The canonical meta-schema URI, as `$schema` names it.
    pub fn meta_schema(self) -> &'static str {
        match self {
            Draft::Draft4 => "http://json-schema.org/draft-04/schema#",
            Draft::Draft6 => "http://json-schema.org/draft-06/schema#",
            Draft::Draft7 => "http://json-schema.org/draft-07/schema#",
            Draft::Draft2019_09 => "https://json-schema.org/draft/2019-09/schema",
            Draft::Draft2020_12 => "https://json-schema.org/draft/2020-12/schema",
        }
    }

    /// The draft a `$schema` value names, accepting the usual spellings:
    /// http or https, with or without the trailing `#` (or `/`).
    pub fn from_meta_schema(uri: &str) -> Option<Draft> {
        let bare = |u: &str| -> String {
            let u = u.trim();
            let u = u
                .strip_prefix("https://")
                .or_else(|| u.strip_prefix("http://"))
                .unwrap_or(u);
            u.trim_end_matches('#').trim_end_matches('/').to_owned()
        };
        let wanted = bare(uri);
        Draft::ALL
            .into_iter()
            .find(|d| bare(d.meta_schema()) == wanted)
    }

    /// The draft a `source.yaml` `default_draft` value names: `draft-07`,
    /// `draft7`, `7`, `2019-09`, `draft-2019-09`, or a meta-schema URI.
    pub fn from_name(name: &str) -> Option<Draft> {
        let n = name.trim();
        if let Some(d) = Draft::from_meta_schema(n)
            && n.contains("json-schema.org")
        {
            return Some(d);
        }
        let n = n.strip_prefix("draft").unwrap_or(n).trim_start_matches('-');
        Some(match n {
            "04" | "4" => Draft::Draft4,
            "06" | "6" => Draft::Draft6,
            "07" | "7" => Draft::Draft7,
            "2019-09" => Draft::Draft2019_09,
            "2020-12" => Draft::Draft2020_12,
            _ => return None,
        })
    }

    /// The keyword that gives a schema its URI: `id` in draft-04, `$id` after.
    pub fn id_keyword(self) -> &'static str {
        if self == Draft::Draft4 { "id" } else { "$id" }
    }

    /// Whether `$ref` makes its sibling keywords be ignored (drafts 4 to 7).
    pub fn ref_overrides_siblings(self) -> bool {
        self <= Draft::Draft7
    }

    /// Whether `true` and `false` are schemas (draft-06 on).
    pub fn has_boolean_schemas(self) -> bool {
        self >= Draft::Draft6
    }

    /// Whether an `$id` (draft 6 and 7) or `id` (draft-04) of the form
    /// `#name` declares an anchor (later drafts have `$anchor`).
    pub fn id_declares_anchor(self) -> bool {
        self <= Draft::Draft7
    }
}

impl fmt::Display for Draft {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How `format` behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatMode {
    /// Known formats assert (the default for catalogs); unknown ones are refused.
    Assert,
    /// Only eventsmith's custom formats assert; others are annotations, as
    /// 2019-09 and 2020-12 specify by default. Unknown formats are ignored.
    Annotate,
}

/// What a keyword is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Names the dialect or identifies a schema: `$schema`, `$id`/`id`,
    /// `$anchor`, `$dynamicAnchor`, `$recursiveAnchor`, `$vocabulary`.
    Identifier,
    /// A reference to another schema: `$ref`, `$dynamicRef`, `$recursiveRef`.
    Reference,
    /// Holds schemas for references to reach and asserts nothing itself:
    /// `$defs`, `definitions`.
    Definitions,
    /// Asserts something about the instance.
    Assertion,
    /// Applies subschemas to the instance or its parts.
    Applicator,
    /// Says something about the instance without asserting.
    Annotation,
}

/// Where a keyword's subschemas sit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subschemas {
    /// It holds none.
    None,
    /// Its value is one schema.
    One,
    /// Its value maps names to schemas.
    Map,
    /// Its value is an array of schemas.
    Array,
    /// One schema, or an array of them (`items` before 2020-12).
    OneOrArray,
    /// Maps names to a schema or to an array of names (`dependencies`).
    MapOfSchemaOrNames,
}

/// One keyword as one range of drafts reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keyword {
    /// The keyword as written.
    pub name: &'static str,
    /// The first draft that reads it this way.
    pub since: Draft,
    /// The last draft that reads it this way.
    pub until: Draft,
    /// What it is.
    pub role: Role,
    /// Where its subschemas sit.
    pub subschemas: Subschemas,
    /// Whether it can change the Rust type of the schema it sits in, beyond
    /// what a `$ref` beside it gives (`properties` does; `minLength`,
    /// `format` beside a `$ref`, annotations and identifiers do not).
    pub shapes_type: bool,
    /// The keyword it only works with, if any: `then` with `if`,
    /// `minContains` with `contains`, `additionalItems` with `items`,
    /// draft-04's boolean `exclusiveMaximum` with `maximum`.
    pub companion: Option<&'static str>,
}

impl Keyword {
    /// True when `draft` reads the keyword this way.
    pub fn in_draft(&self, draft: Draft) -> bool {
        self.since <= draft && draft <= self.until
    }

    /// `draft-06 and later`, `draft-04 to 2019-09`, `draft-04 only`.
    pub fn drafts(&self) -> String {
        if self.since == self.until {
            format!("{} only", self.since)
        } else if self.until == Draft::Draft2020_12 {
            format!("{} and later", self.since)
        } else {
            format!("{} to {}", self.since, self.until)
        }
    }
}

use Draft::{Draft4 as D4, Draft6 as D6, Draft7 as D7, Draft2019_09 as D19, Draft2020_12 as D20};
use Role::{Annotation, Applicator, Assertion, Definitions, Identifier, Reference};
use Subschemas::{Array, Map as SchemaMap, MapOfSchemaOrNames, None as NoSchemas, One, OneOrArray};

const fn kw(
    name: &'static str,
    since: Draft,
    until: Draft,
    role: Role,
    subschemas: Subschemas,
    shapes_type: bool,
) -> Keyword {
    Keyword {
        name,
        since,
        until,
        role,
        subschemas,
        shapes_type,
        companion: None,
    }
}

const fn with(mut k: Keyword, companion: &'static str) -> Keyword {
    k.companion = Some(companion);
    k
}

/// The table. A name appears once per range of drafts that reads it one way.
pub const KEYWORDS: &[Keyword] = &[
    // Identifiers and the dialect.
    kw("$schema", D4, D20, Identifier, NoSchemas, false),
    kw("id", D4, D4, Identifier, NoSchemas, false),
    kw("$id", D6, D20, Identifier, NoSchemas, false),
    kw("$anchor", D19, D20, Identifier, NoSchemas, false),
    kw("$recursiveAnchor", D19, D19, Identifier, NoSchemas, false),
    kw("$dynamicAnchor", D20, D20, Identifier, NoSchemas, false),
    kw("$vocabulary", D19, D20, Identifier, NoSchemas, false),
    // References.
    kw("$ref", D4, D20, Reference, NoSchemas, false),
    kw("$recursiveRef", D19, D19, Reference, NoSchemas, true),
    kw("$dynamicRef", D20, D20, Reference, NoSchemas, true),
    // Definitions: `definitions` stays readable in 2019-09 and 2020-12,
    // whose meta-schemas keep it for compatibility.
    kw("definitions", D4, D20, Definitions, SchemaMap, false),
    kw("$defs", D19, D20, Definitions, SchemaMap, false),
    // Assertions.
    kw("type", D4, D20, Assertion, NoSchemas, true),
    kw("enum", D4, D20, Assertion, NoSchemas, false),
    kw("const", D6, D20, Assertion, NoSchemas, false),
    kw("required", D4, D20, Assertion, NoSchemas, true),
    kw("minProperties", D4, D20, Assertion, NoSchemas, true),
    kw("maxProperties", D4, D20, Assertion, NoSchemas, true),
    kw("dependentRequired", D19, D20, Assertion, NoSchemas, true),
    kw("minItems", D4, D20, Assertion, NoSchemas, true),
    kw("maxItems", D4, D20, Assertion, NoSchemas, true),
    kw("uniqueItems", D4, D20, Assertion, NoSchemas, true),
    with(
        kw("minContains", D19, D20, Assertion, NoSchemas, true),
        "contains",
    ),
    with(
        kw("maxContains", D19, D20, Assertion, NoSchemas, true),
        "contains",
    ),
    kw("minLength", D4, D20, Assertion, NoSchemas, false),
    kw("maxLength", D4, D20, Assertion, NoSchemas, false),
    kw("pattern", D4, D20, Assertion, NoSchemas, false),
    // Drafts 4 to 7 let `format` assert; 2019-09 and 2020-12 make it an
    // annotation unless asked. Catalogs assert either way unless their
    // `source.yaml` says `formats: annotate` (see `FormatMode`).
    kw("format", D4, D7, Assertion, NoSchemas, false),
    kw("format", D19, D20, Annotation, NoSchemas, false),
    kw("minimum", D4, D20, Assertion, NoSchemas, false),
    kw("maximum", D4, D20, Assertion, NoSchemas, false),
    // Draft-04: a boolean that makes `minimum`/`maximum` exclusive.
    with(
        kw("exclusiveMinimum", D4, D4, Assertion, NoSchemas, false),
        "minimum",
    ),
    with(
        kw("exclusiveMaximum", D4, D4, Assertion, NoSchemas, false),
        "maximum",
    ),
    kw("exclusiveMinimum", D6, D20, Assertion, NoSchemas, false),
    kw("exclusiveMaximum", D6, D20, Assertion, NoSchemas, false),
    kw("multipleOf", D4, D20, Assertion, NoSchemas, false),
    // Applicators.
    kw("properties", D4, D20, Applicator, SchemaMap, true),
    kw("patternProperties", D4, D20, Applicator, SchemaMap, true),
    kw("additionalProperties", D4, D20, Applicator, One, true),
    kw("propertyNames", D6, D20, Applicator, One, true),
    kw("dependencies", D4, D7, Applicator, MapOfSchemaOrNames, true),
    kw("dependentSchemas", D19, D20, Applicator, SchemaMap, true),
    kw("items", D4, D19, Applicator, OneOrArray, true),
    kw("items", D20, D20, Applicator, One, true),
    with(
        kw("additionalItems", D4, D19, Applicator, One, true),
        "items",
    ),
    kw("prefixItems", D20, D20, Applicator, Array, true),
    kw("contains", D6, D20, Applicator, One, true),
    kw("allOf", D4, D20, Applicator, Array, true),
    kw("anyOf", D4, D20, Applicator, Array, true),
    kw("oneOf", D4, D20, Applicator, Array, true),
    kw("not", D4, D20, Applicator, One, true),
    kw("if", D7, D20, Applicator, One, true),
    with(kw("then", D7, D20, Applicator, One, true), "if"),
    with(kw("else", D7, D20, Applicator, One, true), "if"),
    kw("unevaluatedItems", D19, D20, Applicator, One, true),
    kw("unevaluatedProperties", D19, D20, Applicator, One, true),
    // Annotations.
    kw("title", D4, D20, Annotation, NoSchemas, false),
    kw("description", D4, D20, Annotation, NoSchemas, false),
    kw("default", D4, D20, Annotation, NoSchemas, false),
    kw("examples", D6, D20, Annotation, NoSchemas, false),
    kw("$comment", D7, D20, Annotation, NoSchemas, false),
    kw("readOnly", D7, D20, Annotation, NoSchemas, false),
    kw("writeOnly", D7, D20, Annotation, NoSchemas, false),
    kw("contentMediaType", D7, D20, Annotation, NoSchemas, false),
    kw("contentEncoding", D7, D20, Annotation, NoSchemas, false),
    kw("deprecated", D19, D20, Annotation, NoSchemas, false),
    kw("contentSchema", D19, D20, Annotation, One, false),
];

/// What a keyword means in a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// A keyword of the draft.
    Known(&'static Keyword),
    /// Not a keyword of the draft, but of others (`const` in draft-04,
    /// `dependencies` in 2020-12): the entries of the drafts that have it.
    OtherDrafts(&'static Keyword),
    /// An `x-…` extension: an annotation eventsmith may read.
    Extension,
    /// A vendor keyword the source declared to be read as an annotation.
    /// Nothing declares any yet: the `source.yaml` setting that will fill
    /// [`Vocabulary::vendor_annotations`] is a later task.
    VendorAnnotation,
    /// Unknown everywhere: a misspelling or a vendor keyword.
    Unknown,
}

/// The keywords a schema is read with: its draft, plus what its source
/// declares about vendor keywords.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Vocabulary {
    /// The draft.
    pub draft: Draft,
    /// Vendor keywords to read as annotations (always empty for now).
    pub vendor_annotations: Vec<String>,
}

impl Vocabulary {
    /// The vocabulary of `draft` alone.
    pub fn of(draft: Draft) -> Vocabulary {
        Vocabulary {
            draft,
            vendor_annotations: Vec::new(),
        }
    }

    /// What `name` is under this vocabulary.
    pub fn lookup(&self, name: &str) -> Lookup {
        let mut other = None;
        for k in KEYWORDS.iter().filter(|k| k.name == name) {
            if k.in_draft(self.draft) {
                return Lookup::Known(k);
            }
            other.get_or_insert(k);
        }
        if let Some(k) = other {
            return Lookup::OtherDrafts(k);
        }
        if name.starts_with("x-") {
            Lookup::Extension
        } else if self.vendor_annotations.iter().any(|v| v == name) {
            Lookup::VendorAnnotation
        } else {
            Lookup::Unknown
        }
    }
}

/// The entry for `name` in `draft`, if it is a keyword there.
pub fn get(name: &str, draft: Draft) -> Option<&'static Keyword> {
    KEYWORDS
        .iter()
        .find(|k| k.name == name && k.in_draft(draft))
}

/// The `'static` spelling of a keyword of any draft (`"unknown"` otherwise),
/// for IR checks that name their keyword.
pub fn static_name(name: &str) -> &'static str {
    KEYWORDS
        .iter()
        .find(|k| k.name == name)
        .map_or("unknown", |k| k.name)
}

/// True when `name` only annotates in `draft` (`title`, `$comment`, …;
/// `x-…` too), so its changes never change what validates.
pub fn is_annotation(name: &str, draft: Draft) -> bool {
    name.starts_with("x-")
        || get(name, draft).is_some_and(|k| k.role == Role::Annotation && k.name != "format")
}

/// True when `name` identifies a schema, names its dialect or holds
/// definitions: what an export that rewrites every reference drops.
pub fn is_identifier_or_definitions(name: &str, draft: Draft) -> bool {
    get(name, draft).is_some_and(|k| matches!(k.role, Role::Identifier | Role::Definitions))
}

/// True when `name` cannot change the Rust type of a schema beside a `$ref`.
pub fn keeps_ref_type(name: &str, draft: Draft) -> bool {
    name.starts_with("x-") || get(name, draft).is_some_and(|k| !k.shapes_type)
}

/// A schema object as its draft reads it: in drafts 4 to 7 a `$ref`
/// overrides its siblings, so only the `$ref` and the annotations beside it
/// (kept for documentation; they never change validity) remain.
pub fn effective(obj: &Map<String, Value>, draft: Draft) -> Option<Map<String, Value>> {
    if !draft.ref_overrides_siblings() || !obj.contains_key("$ref") {
        return None;
    }
    Some(
        obj.iter()
            .filter(|(k, _)| *k == "$ref" || is_annotation(k, draft))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

/// The siblings a draft 4–7 `$ref` overrides that would have asserted
/// something: what a user may have meant to apply.
pub fn overridden_siblings(obj: &Map<String, Value>, draft: Draft) -> Vec<&str> {
    if !draft.ref_overrides_siblings() || !obj.contains_key("$ref") {
        return Vec::new();
    }
    obj.keys()
        .map(String::as_str)
        .filter(|k| {
            *k != "$ref"
                && !is_annotation(k, draft)
                && !matches!(
                    get(k, draft).map(|kw| kw.role),
                    Some(Role::Identifier | Role::Definitions)
                )
        })
        .collect()
}

/// One step below a keyword to reach a subschema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    /// The keyword's value is the schema.
    Here,
    /// A member of the keyword's object (`properties/name`).
    Key(&'a str),
    /// An element of the keyword's array (`allOf/2`).
    Index(usize),
}

/// Calls `f(keyword, step, subschema)` for every subschema directly inside
/// the schema object `obj`, read under `draft`. Values of the wrong shape
/// are skipped (the validator lowering reports them).
pub fn for_each_subschema<'a>(
    obj: &'a Map<String, Value>,
    draft: Draft,
    mut f: impl FnMut(&'a str, Step<'a>, &'a Value),
) {
    for (key, value) in obj {
        let Some(k) = get(key, draft) else { continue };
        let shape = k.subschemas;
        match (shape, value) {
            (One, _) | (OneOrArray, Value::Object(_) | Value::Bool(_)) => {
                f(key, Step::Here, value);
            }
            (Array | OneOrArray, Value::Array(items)) => {
                for (i, sub) in items.iter().enumerate() {
                    f(key, Step::Index(i), sub);
                }
            }
            (SchemaMap, Value::Object(map)) => {
                for (name, sub) in map {
                    f(key, Step::Key(name), sub);
                }
            }
            (MapOfSchemaOrNames, Value::Object(map)) => {
                for (name, sub) in map.iter().filter(|(_, s)| !s.is_array()) {
                    f(key, Step::Key(name), sub);
                }
            }
            _ => {}
        }
    }
}

/// Like [`for_each_subschema`], mutably.
pub fn for_each_subschema_mut(
    obj: &mut Map<String, Value>,
    draft: Draft,
    f: &mut dyn FnMut(&mut Value),
) {
    for_each_subschema_mut_with(obj, &|k| get(k, draft), f);
}

/// Like [`for_each_subschema_mut`], with `entry` deciding how each keyword
/// is read (for documents halfway between two drafts, as a translation is).
pub fn for_each_subschema_mut_with(
    obj: &mut Map<String, Value>,
    entry: &dyn Fn(&str) -> Option<&'static Keyword>,
    f: &mut dyn FnMut(&mut Value),
) {
    for (key, value) in obj.iter_mut() {
        let Some(k) = entry(key) else { continue };
        match (k.subschemas, value) {
            (One, v) => f(v),
            (OneOrArray, v @ (Value::Object(_) | Value::Bool(_))) => f(v),
            (Array | OneOrArray, Value::Array(items)) => items.iter_mut().for_each(&mut *f),
            (SchemaMap, Value::Object(map)) => map.values_mut().for_each(&mut *f),
            (MapOfSchemaOrNames, Value::Object(map)) => {
                map.values_mut().filter(|s| !s.is_array()).for_each(&mut *f)
            }
            _ => {}
        }
    }
}

/// The pointer suffix of a subschema below its parent: `/properties/a`.
pub fn suffix(keyword: &str, step: Step<'_>) -> String {
    let escape = eventsmith_core::validation::escape_pointer_segment;
    match step {
        Step::Here => format!("/{}", escape(keyword)),
        Step::Key(name) => format!("/{}/{}", escape(keyword), escape(name)),
        Step::Index(i) => format!("/{}/{i}", escape(keyword)),
    }
}

/// The hint for a keyword `draft` does not have: which drafts have it and
/// what this draft writes instead.
pub fn other_draft_hint(name: &str, draft: Draft) -> String {
    let entries: Vec<&Keyword> = KEYWORDS.iter().filter(|k| k.name == name).collect();
    let drafts: Vec<String> = entries.iter().map(|k| k.drafts()).collect();
    let instead = match (name, draft) {
        ("id", _) => " use `$id`".to_owned(),
        ("$id", Draft::Draft4) => " draft-04 writes `id`".to_owned(),
        ("definitions", _) | ("$defs", _) => " use `definitions` (drafts 4 to 7) or `$defs`".to_owned(),
        ("dependencies", _) => " use `dependentRequired` (names) or `dependentSchemas` (schemas)".to_owned(),
        ("dependentRequired" | "dependentSchemas", _) => " drafts 4 to 7 write both as `dependencies`".to_owned(),
        ("additionalItems", _) => " 2020-12 writes a tuple as `prefixItems` and the rest as `items`".to_owned(),
        ("prefixItems", _) => " drafts before 2020-12 write a tuple as an array of schemas in `items` and the rest as `additionalItems`".to_owned(),
        ("$recursiveRef" | "$recursiveAnchor", _) => " 2020-12 has `$dynamicRef`/`$dynamicAnchor`".to_owned(),
        ("$dynamicRef" | "$dynamicAnchor", _) => " 2019-09 has `$recursiveRef`/`$recursiveAnchor`".to_owned(),
        ("$anchor", _) => " drafts 6 and 7 write an anchor as `\"$id\": \"#name\"`".to_owned(),
        _ => String::new(),
    };
    let sep = if instead.is_empty() { "" } else { ";" };
    format!(
        "`{name}` belongs to {}{sep}{instead}; or declare the draft you mean with `$schema` (or `default_draft` in source.yaml)",
        drafts.join(" and ")
    )
}

/// The schema object `obj`, read under `draft`, written the way 2020-12
/// says the same thing: a draft 4–7 `$ref` without the siblings it
/// overrides, `id`/`$id` fragments as `$anchor`, `dependencies` split into
/// `dependentRequired` and `dependentSchemas`, an array-form `items` as
/// `prefixItems` with `additionalItems` as `items`, draft-04's boolean
/// `exclusiveMinimum`/`exclusiveMaximum` folded into the bound.
///
/// Every subschema is replaced by `sub(suffix, value)`, `suffix` being the
/// pointer from `obj` to where it was written (`/items/0` for what becomes
/// `/prefixItems/0`), so callers keep reading it at its own location and
/// under its own draft. References stay as written: resolving them needs
/// the registry (`$recursiveRef` has no static 2020-12 spelling; callers
/// resolve it). Keywords the draft does not have are copied unchanged.
pub fn to_2020_12(
    obj: &Map<String, Value>,
    draft: Draft,
    sub: &mut dyn FnMut(&str, &Value) -> Value,
) -> Map<String, Value> {
    let view = effective(obj, draft);
    let obj = view.as_ref().unwrap_or(obj);
    let mut out = Map::new();
    for (key, value) in obj {
        let k = key.as_str();
        let Some(kw) = get(k, draft) else {
            out.insert(key.clone(), value.clone());
            continue;
        };
        match (k, value) {
            ("id" | "$id", Value::String(id)) if draft.id_declares_anchor() => {
                let (uri, fragment) = id.split_once('#').unwrap_or((id, ""));
                if !uri.is_empty() {
                    out.insert("$id".to_owned(), Value::String(uri.to_owned()));
                }
                if !fragment.is_empty() && !fragment.starts_with('/') {
                    out.insert("$anchor".to_owned(), Value::String(fragment.to_owned()));
                }
            }
            ("dependencies", Value::Object(map)) => {
                let mut names = Map::new();
                let mut schemas = Map::new();
                for (name, dependency) in map {
                    if dependency.is_array() {
                        names.insert(name.clone(), dependency.clone());
                    } else {
                        let at = suffix(k, Step::Key(name));
                        schemas.insert(name.clone(), sub(&at, dependency));
                    }
                }
                if !names.is_empty() {
                    out.insert("dependentRequired".to_owned(), Value::Object(names));
                }
                if !schemas.is_empty() {
                    out.insert("dependentSchemas".to_owned(), Value::Object(schemas));
                }
            }
            ("items", Value::Array(items)) if kw.subschemas == Subschemas::OneOrArray => {
                let prefix = items
                    .iter()
                    .enumerate()
                    .map(|(i, s)| sub(&suffix(k, Step::Index(i)), s))
                    .collect();
                out.insert("prefixItems".to_owned(), Value::Array(prefix));
                if let Some(rest) = obj.get("additionalItems") {
                    out.insert("items".to_owned(), sub("/additionalItems", rest));
                }
            }
            // Read with an array-form `items` above; alone it applies to nothing.
            ("additionalItems", _) => {}
            ("exclusiveMinimum" | "exclusiveMaximum", _) if kw.companion.is_some() => {}
            ("minimum" | "maximum", _) if draft == Draft::Draft4 => {
                let flag = if k == "minimum" {
                    "exclusiveMinimum"
                } else {
                    "exclusiveMaximum"
                };
                let name = if obj.get(flag) == Some(&Value::Bool(true)) {
                    flag
                } else {
                    k
                };
                out.insert(name.to_owned(), value.clone());
            }
            _ => match (kw.subschemas, value) {
                (Subschemas::None, _) => {
                    out.insert(key.clone(), value.clone());
                }
                (Subschemas::Array | Subschemas::OneOrArray, Value::Array(items)) => {
                    let v = items
                        .iter()
                        .enumerate()
                        .map(|(i, s)| sub(&suffix(k, Step::Index(i)), s))
                        .collect();
                    out.insert(key.clone(), Value::Array(v));
                }
                (Subschemas::Map | Subschemas::MapOfSchemaOrNames, Value::Object(map)) => {
                    let v = map
                        .iter()
                        .map(|(name, s)| (name.clone(), sub(&suffix(k, Step::Key(name)), s)))
                        .collect();
                    out.insert(key.clone(), Value::Object(v));
                }
                (Subschemas::One | Subschemas::OneOrArray, v) => {
                    out.insert(key.clone(), sub(&suffix(k, Step::Here), v));
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use serde_json::json;

    #[test]
    fn meta_schema_spellings() {
        for (uri, draft) in [
            ("http://json-schema.org/draft-04/schema#", Draft::Draft4),
            ("http://json-schema.org/draft-04/schema", Draft::Draft4),
            ("https://json-schema.org/draft-06/schema#", Draft::Draft6),
            ("http://json-schema.org/draft-07/schema", Draft::Draft7),
            (
                "https://json-schema.org/draft/2019-09/schema#",
                Draft::Draft2019_09,
            ),
            (
                "http://json-schema.org/draft/2020-12/schema",
                Draft::Draft2020_12,
            ),
            (
                "https://json-schema.org/draft/2020-12/schema/",
                Draft::Draft2020_12,
            ),
        ] {
            assert_eq!(Draft::from_meta_schema(uri), Some(draft), "{uri}");
        }
        assert_eq!(
            Draft::from_meta_schema("http://json-schema.org/schema#"),
            None
        );
        assert_eq!(
            Draft::from_meta_schema("http://example.com/draft-07/schema"),
            None
        );
    }

    #[test]
    fn source_yaml_names() {
        for (name, draft) in [
            ("draft-04", Draft::Draft4),
            ("draft4", Draft::Draft4),
            ("draft-07", Draft::Draft7),
            ("7", Draft::Draft7),
            ("2019-09", Draft::Draft2019_09),
            ("draft-2020-12", Draft::Draft2020_12),
            ("http://json-schema.org/draft-06/schema#", Draft::Draft6),
        ] {
            assert_eq!(Draft::from_name(name), Some(draft), "{name}");
        }
        assert_eq!(Draft::from_name("draft-05"), None);
        for d in Draft::ALL {
            assert_eq!(Draft::from_name(d.name()), Some(d));
            assert_eq!(Draft::from_meta_schema(d.meta_schema()), Some(d));
        }
    }

    #[test]
    fn one_entry_per_name_and_draft() {
        for k in KEYWORDS {
            assert!(k.since <= k.until, "{}", k.name);
            for d in Draft::ALL {
                let n = KEYWORDS
                    .iter()
                    .filter(|o| o.name == k.name && o.in_draft(d))
                    .count();
                assert!(n <= 1, "`{}` has {n} entries in {d}", k.name);
            }
            if let Some(c) = k.companion {
                assert!(
                    Draft::ALL
                        .iter()
                        .any(|d| k.in_draft(*d) && get(c, *d).is_some()),
                    "{}: companion {c}",
                    k.name
                );
            }
        }
    }

    #[test]
    fn lookups_per_draft() {
        let v4 = Vocabulary::of(Draft::Draft4);
        assert!(matches!(v4.lookup("id"), Lookup::Known(_)));
        assert!(matches!(v4.lookup("$id"), Lookup::OtherDrafts(_)));
        assert!(matches!(v4.lookup("const"), Lookup::OtherDrafts(_)));
        assert_eq!(v4.lookup("x-rust-name"), Lookup::Extension);
        assert_eq!(v4.lookup("tsAdditionalProperties"), Lookup::Unknown);
        let vendor = Vocabulary {
            draft: Draft::Draft7,
            vendor_annotations: vec!["tsAdditionalProperties".to_owned()],
        };
        assert_eq!(
            vendor.lookup("tsAdditionalProperties"),
            Lookup::VendorAnnotation
        );
        let v20 = Vocabulary::of(Draft::Draft2020_12);
        assert!(matches!(v20.lookup("dependencies"), Lookup::OtherDrafts(_)));
        assert!(matches!(v20.lookup("definitions"), Lookup::Known(_)));
        assert_eq!(
            get("items", Draft::Draft7).unwrap().subschemas,
            Subschemas::OneOrArray
        );
        assert_eq!(
            get("items", Draft::Draft2020_12).unwrap().subschemas,
            Subschemas::One
        );
        assert_eq!(get("format", Draft::Draft7).unwrap().role, Role::Assertion);
        assert_eq!(
            get("format", Draft::Draft2019_09).unwrap().role,
            Role::Annotation
        );
    }

    #[test]
    fn subschemas_follow_the_draft() {
        let schema = json!({
            "items": [{"type": "string"}, true],
            "additionalItems": false,
            "dependencies": {"a": ["b"], "c": {"required": ["d"]}},
            "definitions": {"x": {}},
            "examples": [{"type": "not a schema"}],
            "prefixItems": [{}]
        });
        let obj = schema.as_object().unwrap();
        let mut found = Vec::new();
        for_each_subschema(obj, Draft::Draft7, |k, step, _| found.push(suffix(k, step)));
        found.sort();
        assert_eq!(
            found,
            [
                "/additionalItems",
                "/definitions/x",
                "/dependencies/c",
                "/items/0",
                "/items/1"
            ]
        );
        let mut found = Vec::new();
        for_each_subschema(obj, Draft::Draft2020_12, |k, step, _| {
            found.push(suffix(k, step))
        });
        found.sort();
        assert_eq!(found, ["/definitions/x", "/items", "/prefixItems/0"]);
    }

    #[test]
    fn ref_overrides_siblings_before_2019_09() {
        let obj = json!({"$ref": "#/definitions/a", "description": "d", "maxItems": 2, "definitions": {}});
        let obj = obj.as_object().unwrap();
        assert_eq!(
            effective(obj, Draft::Draft7),
            json!({"$ref": "#/definitions/a", "description": "d"})
                .as_object()
                .cloned()
        );
        assert_eq!(effective(obj, Draft::Draft2019_09), None);
        assert_eq!(overridden_siblings(obj, Draft::Draft6), ["maxItems"]);
        assert!(overridden_siblings(obj, Draft::Draft2020_12).is_empty());
    }

    fn translated(schema: Value, draft: Draft) -> Value {
        let obj = schema.as_object().unwrap();
        Value::Object(to_2020_12(
            obj,
            draft,
            &mut |at, v| json!({"at": at, "was": v}),
        ))
    }

    #[test]
    fn translation_to_2020_12() {
        assert_eq!(
            translated(
                json!({"id": "a.json#x", "minimum": 1, "exclusiveMinimum": true, "maximum": 5, "exclusiveMaximum": false}),
                Draft::Draft4
            ),
            json!({"$id": "a.json", "$anchor": "x", "exclusiveMinimum": 1, "maximum": 5})
        );
        assert_eq!(
            translated(
                json!({"items": [{"type": "string"}], "additionalItems": false, "dependencies": {"a": ["b"], "c": true}}),
                Draft::Draft7
            ),
            json!({
                "prefixItems": [{"at": "/items/0", "was": {"type": "string"}}],
                "items": {"at": "/additionalItems", "was": false},
                "dependentRequired": {"a": ["b"]},
                "dependentSchemas": {"c": {"at": "/dependencies/c", "was": true}}
            })
        );
        assert_eq!(
            translated(
                json!({"$ref": "#/definitions/a", "maxItems": 1, "title": "t"}),
                Draft::Draft6
            ),
            json!({"$ref": "#/definitions/a", "title": "t"})
        );
        assert_eq!(
            translated(
                json!({"items": {"type": "string"}, "additionalItems": false}),
                Draft::Draft2019_09
            ),
            json!({"items": {"at": "/items", "was": {"type": "string"}}})
        );
        let same = json!({"prefixItems": [true], "$ref": "#", "maxItems": 1});
        assert_eq!(
            translated(same, Draft::Draft2020_12),
            json!({"prefixItems": [{"at": "/prefixItems/0", "was": true}], "$ref": "#", "maxItems": 1})
        );
    }
}
