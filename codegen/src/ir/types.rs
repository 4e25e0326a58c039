//! The type IR: which Rust type models each schema. Validation is the
//! validator IR's job; this decides shapes and names only. Where a construct
//! has no clean Rust type the field keeps a `serde_json::Value` and the
//! validator still enforces every keyword.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ident;
use crate::keywords;
use crate::load::registry::{Loc, Registry};

/// Index of a named type.
pub type TypeId = usize;

/// A Rust type expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// `bool`
    Bool,
    /// `i64`
    I64,
    /// `u64`
    U64,
    /// `serde_json::Number`: a JSON number exactly as sent (`2` stays `2`, `2.0` stays `2.0`).
    Number,
    /// `String`
    String,
    /// `()` (JSON null)
    Unit,
    /// A runtime value type by name: `Uuid`, `DateTime`, `Duration`, `Decimal`, `Money`.
    Runtime(&'static str),
    /// `serde_json::Value`
    Value,
    /// `BTreeMap<String, T>`; `Map<String, Value>` when T is `Value`.
    Map(Box<Ty>),
    /// `Vec<T>`
    Vec(Box<Ty>),
    /// `Option<T>` for a nullable value.
    Nullable(Box<Ty>),
    /// A generated type.
    Named(TypeId),
    /// `Box<T>`, breaking a recursive cycle.
    Boxed(Box<Ty>),
    /// The user's own type, by path (`replace:` in source.yaml or
    /// `Config::replace`): serde reads it, the schema still validates it.
    Replaced(String),
}

impl Ty {
    /// True when a replaced (user) type appears in this type expression:
    /// such a value is decoded through serde, not `Decode`.
    pub fn has_replaced(&self) -> bool {
        match self {
            Ty::Replaced(_) => true,
            Ty::Map(t) | Ty::Vec(t) | Ty::Nullable(t) | Ty::Boxed(t) => t.has_replaced(),
            _ => false,
        }
    }
}

/// Whether a field may be absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Listed in `required`.
    Required,
    /// May be absent.
    Optional,
}

/// A struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// Member name in JSON.
    pub json_name: String,
    /// Field name in Rust.
    pub rust_name: String,
    /// Its type (nullability included).
    pub ty: Ty,
    /// Required or optional.
    pub presence: Presence,
    /// Rustdoc.
    pub doc: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
}

/// What a struct does with members it does not name.
#[derive(Debug, Clone, PartialEq)]
pub enum Extra {
    /// `additionalProperties: false`: there are none.
    None,
    /// Kept in a flattened map of this value type, so they round-trip.
    Keep(Ty),
}

/// The shape of a named type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// A struct.
    Struct {
        /// Named fields.
        fields: Vec<Field>,
        /// Unnamed members.
        extra: Extra,
    },
    /// A `oneOf`/`anyOf` of objects told apart by a `const` member: one
    /// variant per branch, plus `Unknown(Value)` for branches added later.
    Tagged {
        /// The discriminating member (`type`).
        tag: String,
        /// `(RustVariant, tag value, branch type)`.
        variants: Vec<(String, String, Ty)>,
    },
    /// A string enum with an `Unknown(String)` fallback for values added later.
    StringEnum {
        /// `(RustVariant, "json value")`.
        variants: Vec<(String, String)>,
    },
}

/// A generated type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Rust name.
    pub name: String,
    /// The module path it lives in (relative to the crate's bindings root).
    pub module: Vec<String>,
    /// Rustdoc.
    pub doc: Option<String>,
    /// `file#/pointer` it came from.
    pub origin: String,
    /// The schema it came from.
    pub loc: Loc,
    /// Shape.
    pub kind: TypeKind,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Another type exactly like this one (an older version's, see
    /// `ir/share.rs`): this one is a re-export of it.
    pub same_as: Option<TypeId>,
    /// Attributes `source.yaml` puts on it (`attributes:`), as written.
    pub attributes: Vec<String>,
}

/// Every named type of one catalog.
#[derive(Debug, Default)]
pub struct TypeGraph {
    /// The types; a type's id is its index.
    pub types: Vec<TypeDef>,
    by_loc: HashMap<Loc, TypeId>,
    taken: HashMap<Vec<String>, HashSet<String>>,
    in_progress: HashSet<TypeId>,
    /// Schemas whose type is being decided, innermost last.
    active: Vec<Loc>,
}

/// Where the types of a document go.
pub trait ModuleOf {
    /// The module for types defined in document `doc`.
    fn module_of(&self, reg: &Registry, doc: usize) -> Vec<String>;
}

impl<F: Fn(&Registry, usize) -> Vec<String>> ModuleOf for F {
    fn module_of(&self, reg: &Registry, doc: usize) -> Vec<String> {
        self(reg, doc)
    }
}

impl TypeGraph {
    /// An empty graph.
    pub fn new() -> TypeGraph {
        TypeGraph::default()
    }

    /// Reserves `name` in `module` (for names the emitter defines itself).
    pub fn reserve(&mut self, module: &[String], name: &str) {
        self.taken
            .entry(module.to_vec())
            .or_default()
            .insert(name.to_owned());
    }

    /// The type with id `id`.
    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.types[id]
    }

    /// Lowers the schema at `loc` as a named struct called `name` (an event
    /// version's root).
    pub fn lower_root(
        &mut self,
        reg: &mut Registry,
        loc: &Loc,
        name: &str,
        modules: &dyn ModuleOf,
        relative_to: Option<&std::path::Path>,
        diags: &mut Diagnostics,
    ) -> Ty {
        let mut l = Lowering {
            graph: self,
            reg,
            modules,
            relative_to,
            diags,
            parents: Vec::new(),
        };
        l.ty(loc, name, Some(name))
    }
}

/// How many schemas deep type lowering goes before falling back to
/// `serde_json::Value`.
const MAX_TYPE_NESTING: usize = 128;

struct Lowering<'a> {
    graph: &'a mut TypeGraph,
    reg: &'a mut Registry,
    modules: &'a dyn ModuleOf,
    relative_to: Option<&'a std::path::Path>,
    diags: &'a mut Diagnostics,
    /// Names of the structs being lowered, innermost last.
    parents: Vec<String>,
}

impl Lowering<'_> {
    /// The schema at `loc` as its draft reads it (a draft 4–7 `$ref`
    /// without the siblings it overrides).
    fn schema(&self, loc: &Loc) -> Value {
        match self.reg.value(loc) {
            Some(Value::Object(obj)) => match keywords::effective(obj, self.reg.draft(loc)) {
                Some(view) => Value::Object(view),
                None => Value::Object(obj.clone()),
            },
            Some(other) => other.clone(),
            None => Value::Bool(true),
        }
    }

    fn resolve(&mut self, r: &str, loc: &Loc) -> Option<Loc> {
        // Unresolvable references are reported by the validator lowering.
        self.reg.resolve(r, loc).ok()
    }

    /// The type of the schema at `loc`. `hint` names a type created for it;
    /// `forced` names it regardless of `title`.
    fn ty(&mut self, loc: &Loc, hint: &str, forced: Option<&str>) -> Ty {
        // A schema reached again while its own type is being decided has no
        // finite Rust type of its own unless it is a struct under way (then it
        // is boxed): `{"$ref": "#"}` or an array whose `items` is the array.
        // It stays a `serde_json::Value`; the validator enforces it, or refuses
        // an endless cycle. The depth cap keeps long `$ref` chains off the stack.
        if let Some(path) = self.reg.overrides.replacement(loc) {
            return Ty::Replaced(path);
        }
        if self.graph.active.contains(loc) || self.graph.active.len() > MAX_TYPE_NESTING {
            return self.existing(loc).unwrap_or(Ty::Value);
        }
        self.graph.active.push(loc.clone());
        let t = self.ty_of(loc, hint, forced);
        self.graph.active.pop();
        t
    }

    fn ty_of(&mut self, loc: &Loc, hint: &str, forced: Option<&str>) -> Ty {
        let schema = self.schema(loc);
        let Value::Object(obj) = &schema else {
            return Ty::Value;
        };

        let draft = self.reg.draft(loc);
        if let Some(Value::String(r)) = obj.get("$ref")
            && obj.keys().all(|k| keywords::keeps_ref_type(k, draft))
            && forced.is_none()
        {
            return match self.resolve(r, loc) {
                Some(target) => {
                    let target_hint = ref_hint(r).unwrap_or_else(|| hint.to_owned());
                    self.ty(&target, &target_hint, None)
                }
                None => Ty::Value,
            };
        }

        // Nullable wrappers: `type: [T, "null"]`, `anyOf/oneOf: [T, {type: null}]`.
        if let Some(inner) = nullable_branch(obj) {
            let key = if obj.contains_key("anyOf") {
                "anyOf"
            } else {
                "oneOf"
            };
            let inner_loc = loc.child(key).index(inner);
            let t = self.ty(&inner_loc, hint, forced);
            return nullable(t);
        }

        if let Some(t) = self.tagged(loc, obj, hint, forced) {
            return t;
        }

        if let Some(Value::Array(values)) = obj.get("enum") {
            let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
            let has_null = values.iter().any(Value::is_null);
            if !strings.is_empty() && strings.len() + usize::from(has_null) == values.len() {
                let t = self.string_enum(loc, obj, hint, forced, &strings);
                return if has_null { nullable(t) } else { t };
            }
            if values.iter().all(|v| v.is_number()) {
                let all_int = values.iter().all(|v| {
                    v.as_number()
                        .is_some_and(eventsmith_core::validation::is_integer)
                });
                return if all_int { Ty::I64 } else { Ty::Number };
            }
            if values.iter().all(Value::is_boolean) {
                return Ty::Bool;
            }
            self.diags.push(
                self.reg
                    .diagnostic(
                        Diagnostic::warning(
                            "mixed-enum",
                            "this `enum` mixes JSON types, so no single Rust type can hold it; the field is a `serde_json::Value` and the validator enforces the enum",
                        ),
                        &loc.child("enum"),
                    )
                    .with_hint("split the values by type with `oneOf` if you want typed variants"),
            );
            return Ty::Value;
        }
        if let Some(c) = obj.get("const") {
            return match c {
                Value::String(_) => Ty::String,
                Value::Bool(_) => Ty::Bool,
                Value::Null => Ty::Unit,
                Value::Number(n) if eventsmith_core::validation::is_integer(n) => Ty::I64,
                Value::Number(_) => Ty::Number,
                _ => Ty::Value,
            };
        }

        let types: Vec<&str> = match obj.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let non_null: Vec<&str> = types.iter().copied().filter(|t| *t != "null").collect();
        let is_nullable = types.contains(&"null");
        let wrap = |t: Ty| if is_nullable { nullable(t) } else { t };
        let objectish = obj.contains_key("properties")
            || obj.contains_key("additionalProperties")
            || obj.contains_key("allOf");
        match non_null.as_slice() {
            ["object"] => {
                let t = self.object(loc, obj, hint, forced);
                wrap(t)
            }
            [] if types.is_empty() && objectish => self.object(loc, obj, hint, forced),
            ["array"] => {
                let t = match obj.get("items") {
                    // A tuple (array-form `items` before 2020-12): no clean
                    // type; the validator enforces it.
                    Some(Value::Array(_)) => Ty::Value,
                    Some(_) if !obj.contains_key("prefixItems") => {
                        let item = self.ty(&loc.child("items"), &format!("{hint}Item"), None);
                        Ty::Vec(Box::new(item))
                    }
                    _ if obj.contains_key("prefixItems") => Ty::Value,
                    _ => Ty::Vec(Box::new(Ty::Value)),
                };
                wrap(t)
            }
            ["string"] => {
                // A format that only annotates promises nothing a value type
                // could rely on.
                let asserted = self.reg.formats(loc.doc) != Some(keywords::FormatMode::Annotate);
                wrap(string_ty(obj, asserted))
            }
            ["integer"] => {
                let non_negative = obj
                    .get("minimum")
                    .and_then(Value::as_f64)
                    .is_some_and(|m| m >= 0.0);
                wrap(if non_negative { Ty::U64 } else { Ty::I64 })
            }
            ["number"] => wrap(Ty::Number),
            ["boolean"] => wrap(Ty::Bool),
            [] if is_nullable => Ty::Unit,
            _ => Ty::Value,
        }
    }

    fn name_for(
        &mut self,
        loc: &Loc,
        obj: &Map<String, Value>,
        hint: &str,
        forced: Option<&str>,
    ) -> (Vec<String>, String) {
        let module = self.modules.module_of(self.reg, loc.doc);
        // `names:` in source.yaml wins, even over an event's root name.
        let chosen = self.reg.overrides.name(loc);
        let base = match (forced, chosen) {
            (_, Some(chosen)) => chosen,
            (Some(f), None) => f.to_owned(),
            (None, None) => obj
                .get("title")
                .and_then(Value::as_str)
                .and_then(ident::pascal)
                .unwrap_or_else(|| ident::type_name(hint)),
        };
        let taken = self.graph.taken.entry(module.clone()).or_default();
        if forced.is_some() {
            // Reserved up front for the event's root type.
            taken.insert(base.clone());
            return (module, base);
        }
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        taken.insert(name.clone());
        (module, name)
    }

    fn doc(obj: &Map<String, Value>) -> Option<String> {
        let title = obj.get("title").and_then(Value::as_str);
        let description = obj.get("description").and_then(Value::as_str);
        match (title, description) {
            (Some(t), Some(d)) => Some(format!("{t}\n\n{d}")),
            (Some(t), None) => Some(t.to_owned()),
            (None, Some(d)) => Some(d.to_owned()),
            (None, None) => None,
        }
    }

    fn begin(
        &mut self,
        loc: &Loc,
        obj: &Map<String, Value>,
        hint: &str,
        forced: Option<&str>,
        kind: TypeKind,
    ) -> TypeId {
        let (module, name) = self.name_for(loc, obj, hint, forced);
        let attributes = self.reg.overrides.attributes(loc);
        let id = self.graph.types.len();
        self.graph.types.push(TypeDef {
            name,
            module,
            doc: Self::doc(obj),
            origin: self.reg.display(loc, self.relative_to),
            loc: loc.clone(),
            kind,
            deprecated: obj.get("deprecated") == Some(&Value::Bool(true)),
            same_as: None,
            attributes,
        });
        self.graph.by_loc.insert(loc.clone(), id);
        id
    }

    fn existing(&self, loc: &Loc) -> Option<Ty> {
        let id = *self.graph.by_loc.get(loc)?;
        Some(if self.graph.in_progress.contains(&id) {
            Ty::Boxed(Box::new(Ty::Named(id)))
        } else {
            Ty::Named(id)
        })
    }

    fn string_enum(
        &mut self,
        loc: &Loc,
        obj: &Map<String, Value>,
        hint: &str,
        forced: Option<&str>,
        values: &[&str],
    ) -> Ty {
        if let Some(t) = self.existing(loc) {
            return t;
        }
        // Variant names: `names:` overrides at `…/enum/<i>`, else the
        // value's PascalCase; values that collide once converted (`a-b`,
        // `a_b`) are numbered in schema order, with a warning.
        let enum_loc = loc.child("enum");
        let all = obj.get("enum").and_then(Value::as_array);
        let chosen: Vec<Option<String>> = values
            .iter()
            .map(|v| {
                let i = all.and_then(|a| a.iter().position(|x| x.as_str() == Some(*v)))?;
                self.reg.overrides.name(&enum_loc.index(i))
            })
            .collect();
        let mut used: BTreeSet<String> = chosen.iter().flatten().cloned().collect();
        used.insert("Unknown".to_owned());
        let natural: BTreeSet<String> = values.iter().map(|v| ident::variant_name(v)).collect();
        let mut variants: Vec<(String, String)> = Vec::new();
        for (v, chosen) in values.iter().zip(chosen) {
            if let Some(name) = chosen {
                variants.push((name, (*v).to_owned()));
                continue;
            }
            let base = ident::variant_name(v);
            let mut name = base.clone();
            let mut n = 2;
            while used.contains(&name) || (n > 2 && natural.contains(&name)) {
                name = format!("{base}{n}");
                n += 1;
            }
            // `Unknown` holds unlisted values: a value "unknown" quietly
            // becomes `Unknown2`, as it always has.
            if name != base && base != "Unknown" {
                let first = variants
                    .iter()
                    .find(|(existing, _)| *existing == base)
                    .map_or_else(|| base.clone(), |(_, value)| format!("\"{value}\""));
                let i = all
                    .and_then(|a| a.iter().position(|x| x.as_str() == Some(*v)))
                    .unwrap_or(0);
                self.diags.push(
                    self.reg
                        .diagnostic(
                            Diagnostic::warning(
                                "name-collision",
                                format!("enum values {first} and \"{v}\" both become the variant `{base}`; \"{v}\" is `{name}`"),
                            ),
                            &enum_loc.index(i),
                        )
                        .with_hint(format!("to choose the name, add `names: {{\"<file>#{}/{i}\": <Variant>}}` to source.yaml", enum_loc.pointer)),
                );
            }
            used.insert(name.clone());
            variants.push((name, (*v).to_owned()));
        }
        // An untitled enum is named after its owner too (`SimStatus`, not a
        // bare `Status` that every resource would fight over).
        let hint = match self.parents.last() {
            Some(parent)
                if forced.is_none()
                    && !obj.contains_key("title")
                    && !hint.starts_with(parent.as_str()) =>
            {
                format!("{parent}{}", ident::type_name(hint))
            }
            _ => hint.to_owned(),
        };
        let id = self.begin(loc, obj, &hint, forced, TypeKind::StringEnum { variants });
        Ty::Named(id)
    }

    /// The branch's object schema, following `$ref`s.
    fn deref_object(&mut self, loc: &Loc) -> Option<(Loc, Map<String, Value>)> {
        let mut l = loc.clone();
        for _ in 0..16 {
            let Value::Object(obj) = self.schema(&l) else {
                return None;
            };
            match obj.get("$ref").and_then(Value::as_str).map(str::to_owned) {
                Some(r) if !obj.contains_key("properties") => l = self.resolve(&r, &l)?,
                _ => return Some((l, obj)),
            }
        }
        None
    }

    /// A `oneOf`/`anyOf` whose branches are objects each requiring a member
    /// with its own `const` string becomes an enum dispatched on that member.
    fn tagged(
        &mut self,
        loc: &Loc,
        obj: &Map<String, Value>,
        hint: &str,
        forced: Option<&str>,
    ) -> Option<Ty> {
        let key = ["oneOf", "anyOf"]
            .into_iter()
            .find(|k| obj.contains_key(*k))?;
        let count = obj.get(key)?.as_array()?.len();
        if count < 2 || obj.contains_key("properties") || obj.contains_key("allOf") {
            return None;
        }
        if let Some(t) = self.existing(loc) {
            return Some(t);
        }
        let mut branches = Vec::new();
        for i in 0..count {
            let branch = loc.child(key).index(i);
            let (_, bobj) = self.deref_object(&branch)?;
            let props = bobj.get("properties")?.as_object()?;
            let required: Vec<&str> = bobj
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let tags: Vec<(String, String)> = props
                .iter()
                .filter(|(name, _)| required.contains(&name.as_str()))
                .filter_map(|(name, p)| {
                    p.get("const")
                        .and_then(Value::as_str)
                        .map(|c| (name.clone(), c.to_owned()))
                })
                .collect();
            branches.push((branch, tags));
        }
        // The first member every branch pins to a distinct value.
        let candidates: Vec<String> = branches[0].1.iter().map(|(n, _)| n.clone()).collect();
        let tag = candidates.into_iter().find(|name| {
            let values: Vec<Option<&String>> = branches
                .iter()
                .map(|(_, tags)| tags.iter().find(|(n, _)| n == name).map(|(_, v)| v))
                .collect();
            values.iter().all(Option::is_some)
                && values.iter().collect::<BTreeSet<_>>().len() == values.len()
        })?;
        let id = self.begin(
            loc,
            obj,
            hint,
            forced,
            TypeKind::Tagged {
                tag: tag.clone(),
                variants: Vec::new(),
            },
        );
        self.graph.in_progress.insert(id);
        let enum_name = self.graph.types[id].name.clone();
        let mut variants = Vec::new();
        let mut used = BTreeSet::from(["Unknown".to_owned()]);
        for (branch, tags) in branches {
            let value = tags
                .iter()
                .find(|(n, _)| *n == tag)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let base = ident::variant_name(&value);
            let mut name = base.clone();
            let mut n = 2;
            while used.contains(&name) {
                name = format!("{base}{n}");
                n += 1;
            }
            used.insert(name.clone());
            let ty = self.ty(&branch, &format!("{enum_name}{base}"), None);
            variants.push((name, value, ty));
        }
        self.graph.types[id].kind = TypeKind::Tagged { tag, variants };
        self.graph.in_progress.remove(&id);
        Some(Ty::Named(id))
    }

    fn object(
        &mut self,
        loc: &Loc,
        obj: &Map<String, Value>,
        hint: &str,
        forced: Option<&str>,
    ) -> Ty {
        if let Some(t) = self.existing(loc) {
            return t;
        }
        let mut props: Vec<(String, Loc)> = Vec::new();
        let mut required: BTreeSet<String> = BTreeSet::new();
        let mut additional: Option<Loc> = None;
        let mut closed = false;
        let mut free_form = false;
        self.collect(
            loc,
            &mut props,
            &mut required,
            &mut additional,
            &mut closed,
            &mut free_form,
            0,
        );
        if props.is_empty() {
            let value_ty = match &additional {
                Some(ap) => self.ty(ap, &format!("{hint}Value"), None),
                None => Ty::Value,
            };
            return Ty::Map(Box::new(value_ty));
        }
        let id = self.begin(
            loc,
            obj,
            hint,
            forced,
            TypeKind::Struct {
                fields: Vec::new(),
                extra: Extra::None,
            },
        );
        self.graph.in_progress.insert(id);
        self.parents.push(self.graph.types[id].name.clone());
        let type_name = self.graph.types[id].name.clone();
        let mut fields = Vec::new();
        let names = self.field_names(&props);
        for ((json_name, ploc), rust_name) in props.iter().zip(names) {
            let Some(rust_name) = rust_name else {
                continue;
            };
            let hint = ident::type_name(json_name);
            let mut ty = self.ty(ploc, &hint, None);
            if ty == Ty::Named(id) {
                ty = Ty::Boxed(Box::new(ty));
            }
            let presence = if required.contains(json_name) {
                Presence::Required
            } else {
                Presence::Optional
            };
            let doc = self.field_doc(ploc);
            let deprecated = self.is_deprecated(ploc);
            fields.push(Field {
                json_name: json_name.clone(),
                rust_name,
                ty,
                presence,
                doc,
                deprecated,
            });
        }
        let extra = if closed {
            Extra::None
        } else {
            match &additional {
                Some(ap) if !free_form => {
                    Extra::Keep(self.ty(ap, &format!("{type_name}Extra"), None))
                }
                _ => Extra::Keep(Ty::Value),
            }
        };
        if let Some(f) = fields.iter().find(|f| f.rust_name == "extra")
            && extra != Extra::None
        {
            let at = props
                .iter()
                .find(|(n, _)| *n == f.json_name)
                .map_or(loc, |(_, l)| l);
            self.diags.push(
                self.reg
                    .diagnostic(
                        Diagnostic::error(
                            "name-collision",
                            format!(
                                "property \"{}\" becomes the Rust field `extra`, which holds the members the schema does not name",
                                f.json_name
                            ),
                        ),
                        at,
                    )
                    .with_hint("set \"x-rust-name\" on that property schema"),
            );
        }
        self.graph.types[id].kind = TypeKind::Struct { fields, extra };
        self.graph.in_progress.remove(&id);
        self.parents.pop();
        Ty::Named(id)
    }

    /// The Rust field name of each property, in order (`None` when it has
    /// none: a diagnostic says why). A name chosen by `names:` in
    /// source.yaml or `x-rust-name` is used as written (two alike is an
    /// error); automatic names that collide (`first-name`, `first_name`)
    /// are numbered in schema order (`first_name_2`), with a warning.
    fn field_names(&mut self, props: &[(String, Loc)]) -> Vec<Option<String>> {
        let mut chosen: Vec<Result<(String, bool), ()>> = Vec::new();
        for (json_name, ploc) in props {
            let by_source = self.reg.overrides.name(ploc);
            let explicit = by_source.or_else(|| {
                self.schema(ploc)
                    .get("x-rust-name")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            });
            // A chosen name is used as written, so it must be an identifier
            // (the emitter cannot build one from `"not an ident"`).
            let name = match explicit {
                Some(n) => {
                    let is_ident = n.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                        && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        && n != "_";
                    if is_ident {
                        Ok((ident::escape_keyword(&n), true))
                    } else {
                        Err(
                            "its \"x-rust-name\" is not a Rust identifier (ASCII letters, digits and `_`, not starting with a digit)",
                        )
                    }
                }
                None => ident::field_name(json_name).map(|n| (n, false)),
            };
            match name {
                Ok(n) => chosen.push(Ok(n)),
                Err(why) => {
                    self.diags.push(
                        self.reg
                            .diagnostic(Diagnostic::error("invalid-property-name", format!("property \"{json_name}\": {why}")), ploc)
                            .with_hint("choose the field name with `names: {\"<file>#<pointer to the property>\": <name>}` in source.yaml, or \"x-rust-name\" on the property schema"),
                    );
                    chosen.push(Err(()));
                }
            }
        }
        let mut taken: HashMap<String, String> = HashMap::new();
        for ((json_name, ploc), c) in props.iter().zip(&chosen) {
            if let Ok((name, true)) = c
                && let Some(other) = taken.insert(name.clone(), json_name.clone())
            {
                self.diags.push(
                    self.reg
                        .diagnostic(
                            Diagnostic::error(
                                "name-collision",
                                format!("properties \"{other}\" and \"{json_name}\" are both given the Rust field name `{name}`"),
                            ),
                            ploc,
                        )
                        .with_hint("choose different names"),
                );
            }
        }
        let natural: HashSet<&str> = chosen
            .iter()
            .filter_map(|c| c.as_ref().ok().map(|(n, _)| n.as_str()))
            .collect();
        let mut out = Vec::new();
        for ((json_name, ploc), c) in props.iter().zip(&chosen) {
            let Ok((base, explicit)) = c else {
                out.push(None);
                continue;
            };
            if *explicit {
                out.push(Some(base.clone()));
                continue;
            }
            let stem = base.trim_start_matches("r#");
            let mut name = base.clone();
            let mut n = 2;
            while taken.contains_key(&name) || (n > 2 && natural.contains(name.as_str())) {
                name = format!("{stem}_{n}");
                n += 1;
            }
            if name != *base {
                let other = taken.get(base).cloned().unwrap_or_default();
                self.diags.push(
                    self.reg
                        .diagnostic(
                            Diagnostic::warning(
                                "name-collision",
                                format!("properties \"{other}\" and \"{json_name}\" both become the Rust field `{base}`; \"{json_name}\" is `{name}`"),
                            ),
                            ploc,
                        )
                        .with_hint("to choose the name, add `names: {\"<file>#<pointer to the property>\": <name>}` to source.yaml (or \"x-rust-name\" on a schema you own)"),
                );
            }
            taken.insert(name.clone(), json_name.clone());
            out.push(Some(name));
        }
        out
    }

    fn is_deprecated(&mut self, loc: &Loc) -> bool {
        let mut l = loc.clone();
        for _ in 0..8 {
            let v = self.schema(&l);
            if v.get("deprecated") == Some(&Value::Bool(true)) {
                return true;
            }
            match v.get("$ref").and_then(Value::as_str).map(str::to_owned) {
                Some(r) => match self.resolve(&r, &l) {
                    Some(t) => l = t,
                    None => return false,
                },
                None => return false,
            }
        }
        false
    }

    /// A field's doc: its own description, else the one its `$ref` points to.
    fn field_doc(&mut self, loc: &Loc) -> Option<String> {
        let mut l = loc.clone();
        for _ in 0..8 {
            let v = self.schema(&l);
            let obj = v.as_object()?;
            if let Some(d) = Self::doc(obj) {
                return Some(d);
            }
            let r = obj.get("$ref").and_then(Value::as_str)?.to_owned();
            l = self.resolve(&r, &l)?;
        }
        None
    }

    /// Gathers properties, required names and additionalProperties from an
    /// object schema and its `allOf` members (through `$ref`s): `allOf`
    /// merges into one struct.
    #[allow(clippy::too_many_arguments)]
    fn collect(
        &mut self,
        loc: &Loc,
        props: &mut Vec<(String, Loc)>,
        required: &mut BTreeSet<String>,
        additional: &mut Option<Loc>,
        closed: &mut bool,
        free_form: &mut bool,
        depth: usize,
    ) {
        if depth > 32 {
            return;
        }
        let schema = self.schema(loc);
        let Value::Object(obj) = &schema else { return };
        if let Some(Value::String(r)) = obj.get("$ref")
            && let Some(target) = self.resolve(r, loc)
        {
            self.collect(
                &target,
                props,
                required,
                additional,
                closed,
                free_form,
                depth + 1,
            );
        }
        if let Some(Value::Array(members)) = obj.get("allOf") {
            for i in 0..members.len() {
                self.collect(
                    &loc.child("allOf").index(i),
                    props,
                    required,
                    additional,
                    closed,
                    free_form,
                    depth + 1,
                );
            }
        }
        if let Some(Value::Object(p)) = obj.get("properties") {
            for name in p.keys() {
                let ploc = loc.child("properties").child(name);
                match props.iter_mut().find(|(n, _)| n == name) {
                    // A later definition of the same member refines it (the
                    // version schema narrows the envelope's `data`).
                    Some(slot) => slot.1 = ploc,
                    None => props.push((name.clone(), ploc)),
                }
            }
        }
        if let Some(Value::Array(r)) = obj.get("required") {
            required.extend(r.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        match obj.get("additionalProperties") {
            Some(Value::Bool(false)) => *closed = true,
            Some(Value::Bool(true)) => *free_form = true,
            Some(Value::Object(_)) => *additional = Some(loc.child("additionalProperties")),
            _ => {}
        }
        if obj.contains_key("patternProperties") {
            // Members matched by a pattern keep their raw value.
            *free_form = true;
            *closed = false;
        }
    }
}

fn nullable(t: Ty) -> Ty {
    match t {
        Ty::Nullable(_) | Ty::Value | Ty::Unit => t,
        other => Ty::Nullable(Box::new(other)),
    }
}

/// For `anyOf`/`oneOf` of exactly a schema and `{type: null}`, the index of the
/// non-null branch.
fn nullable_branch(obj: &Map<String, Value>) -> Option<usize> {
    let key = if obj.contains_key("anyOf") {
        "anyOf"
    } else {
        "oneOf"
    };
    let branches = obj.get(key)?.as_array()?;
    if branches.len() != 2 {
        return None;
    }
    let is_null = |v: &Value| {
        v.get("type") == Some(&Value::String("null".to_owned()))
            && v.as_object().is_some_and(|o| o.len() <= 2)
    };
    match (is_null(&branches[0]), is_null(&branches[1])) {
        (true, false) => Some(1),
        (false, true) => Some(0),
        _ => None,
    }
}

fn string_ty(obj: &Map<String, Value>, formats_assert: bool) -> Ty {
    let format = obj.get("format").and_then(Value::as_str);
    let asserted = |f: &str| {
        formats_assert
            || eventsmith_core::formats::Format::from_name(f).is_some_and(|f| f.is_custom())
    };
    match format.filter(|f| asserted(f)) {
        Some("uuid") => Ty::Runtime("Uuid"),
        Some("date-time" | "lenient-date-time") => Ty::Runtime("DateTime"),
        Some("duration") => Ty::Runtime("Duration"),
        Some("decimal") => Ty::Runtime("Decimal"),
        Some("money") => Ty::Runtime("Money"),
        _ => Ty::String,
    }
}

/// A type-name hint from a `$ref`: the last pointer segment or the file stem.
fn ref_hint(r: &str) -> Option<String> {
    let (path, fragment) = r.split_once('#').unwrap_or((r, ""));
    let last = fragment
        .rsplit('/')
        .find(|s| !s.is_empty() && !matches!(*s, "properties" | "$defs" | "definitions"));
    // `state.schema.json` names a `State`.
    let stem = std::path::Path::new(path).file_name().map(|s| {
        s.to_string_lossy()
            .split('.')
            .next()
            .unwrap_or_default()
            .to_owned()
    });
    last.map(str::to_owned).or(stem).filter(|s| !s.is_empty())
}
