//! The fields of a version or a shared type as table rows: the shape and
//! Rust types from the type IR, what is enforced (JSON types, formats,
//! bounds, allowed values) from the validator IR, and the annotations
//! (description, default) from the loaded documents at each validator
//! node's location. Nested objects become indented rows; a shared
//! definition (a `common/` type) is linked to its own page instead.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::ir::types::{Presence, Ty, TypeDef, TypeId, TypeKind};
use crate::ir::validator::{Body, CheckKind, Graph, NodeId, TypeSet};
use crate::load::registry::{Loc, Registry};
use crate::lower::{Compiled, SourceIr};

/// A Rust type as written, split so named types can be linked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RustType(pub Vec<TypePart>);

/// A piece of a Rust type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypePart {
    /// Punctuation and built-in types: `Option<`, `String`.
    Text(String),
    /// A generated type; `shared` when it has a page of its own.
    Named {
        /// Its id in the type graph.
        id: TypeId,
        /// Its Rust name.
        name: String,
        /// A shared definition with a page of its own.
        shared: bool,
    },
}

impl RustType {
    /// The type as plain text.
    pub fn text(&self) -> String {
        self.0
            .iter()
            .map(|p| match p {
                TypePart::Text(t) => t.as_str(),
                TypePart::Named { name, .. } => name.as_str(),
            })
            .collect()
    }
}

/// One row of a field table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRow {
    /// Nesting depth (0 for a top-level member).
    pub depth: usize,
    /// The path from the top: `data.sims[].id`.
    pub path: String,
    /// The member name as it appears in the payload (`sims[]` for items).
    pub name: String,
    /// The row's id on its page, unique there (`f-data.sims__.id`).
    pub anchor: String,
    /// The Rust type of the field (with `Option` for an optional member).
    pub rust: RustType,
    /// JSON types: `string`, `object or null`.
    pub json: String,
    /// The `format`, with "(not checked)" when the source only annotates it.
    pub format: Option<String>,
    /// Required or optional.
    pub required: bool,
    /// `null` allowed.
    pub nullable: bool,
    /// Bounds, patterns and other checks, in words.
    pub constraints: Vec<String>,
    /// Allowed values (`enum`/`const`), each as JSON text.
    pub values: Vec<String>,
    /// The `default` annotation as JSON text.
    pub default: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// The description (else the title).
    pub description: Option<String>,
    /// For a tagged union: the member that tells the variants apart.
    pub tag: Option<String>,
}

/// What a shared type page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeBody {
    /// An object: its fields.
    Struct(Vec<FieldRow>),
    /// A string enum: its values.
    Values(Vec<String>),
    /// Objects told apart by `tag`: `(tag value, variant type)`, and the
    /// rows of each variant that is not a shared type itself.
    Tagged {
        /// The discriminating member.
        tag: String,
        /// `(tag value, its type, its rows)`.
        variants: Vec<(String, RustType, Vec<FieldRow>)>,
    },
}

/// Reads field tables of one source.
#[derive(Debug)]
pub struct Fields<'c> {
    compiled: &'c Compiled,
    source: &'c SourceIr,
    by_loc: HashMap<&'c Loc, NodeId>,
}

/// How deep rows nest before the table stops expanding (a recursive inline
/// type is linked once it repeats, this is the backstop).
const MAX_DEPTH: usize = 24;

impl<'c> Fields<'c> {
    /// The field reader of `source` (an index into `compiled.sources`).
    pub fn new(compiled: &'c Compiled, source: usize) -> Fields<'c> {
        let source = &compiled.sources[source];
        let mut by_loc = HashMap::new();
        for (id, node) in source.graph.nodes.iter().enumerate() {
            by_loc.entry(&node.loc).or_insert(id);
        }
        Fields {
            compiled,
            source,
            by_loc,
        }
    }

    fn graph(&self) -> &'c Graph {
        &self.source.graph
    }

    fn registry(&self) -> &'c Registry {
        &self.compiled.catalog.registry
    }

    /// A type with its re-export followed to the type it repeats.
    pub fn canonical(&self, id: TypeId) -> TypeId {
        let mut id = id;
        for _ in 0..16 {
            match self.compiled.types.get(id).same_as {
                Some(next) => id = next,
                None => break,
            }
        }
        id
    }

    /// True for a type defined in a shared document (`common/`), which has
    /// a page of its own.
    pub fn is_shared(&self, id: TypeId) -> bool {
        is_shared(self.compiled.types.get(self.canonical(id)))
    }

    /// The validator node of a named type's own schema.
    fn type_node(&self, id: TypeId) -> Option<NodeId> {
        let def = self.compiled.types.get(id);
        self.source
            .type_nodes
            .get(&id)
            .copied()
            .or_else(|| self.by_loc.get(&def.loc).copied())
    }

    /// The rows of an event version: its root type read at its root node.
    pub fn version_rows(&self, root_type: &Ty, root: NodeId) -> Vec<FieldRow> {
        let mut out = Vec::new();
        if let Some(id) = named(root_type) {
            let mut open = vec![self.canonical(id)];
            self.struct_rows(id, &[root], 0, "", &mut open, &mut out);
        }
        assign_anchors(&mut out, "f-");
        out
    }

    /// What the page of shared type `id` shows.
    pub fn type_body(&self, id: TypeId) -> TypeBody {
        let id = self.canonical(id);
        let def = self.compiled.types.get(id);
        let nodes: Vec<NodeId> = self.type_node(id).into_iter().collect();
        match &def.kind {
            TypeKind::Struct { .. } => {
                let mut out = Vec::new();
                let mut open = vec![id];
                self.struct_rows(id, &nodes, 0, "", &mut open, &mut out);
                assign_anchors(&mut out, "f-");
                TypeBody::Struct(out)
            }
            TypeKind::StringEnum { variants } => TypeBody::Values(
                variants
                    .iter()
                    .map(|(_, v)| json_text(&Value::String(v.clone())))
                    .collect(),
            ),
            TypeKind::Tagged { tag, variants } => TypeBody::Tagged {
                tag: tag.clone(),
                variants: variants
                    .iter()
                    .enumerate()
                    .map(|(i, (_, value, ty))| {
                        let mut rows = Vec::new();
                        if let Some(vid) = named(ty).filter(|v| !self.is_shared(*v)) {
                            let mut open = vec![id, self.canonical(vid)];
                            let vnodes: Vec<NodeId> = self.type_node(vid).into_iter().collect();
                            self.struct_rows(vid, &vnodes, 0, "", &mut open, &mut rows);
                        }
                        assign_anchors(&mut rows, &format!("v{i}-"));
                        (value.clone(), self.rust_type(ty, Presence::Required), rows)
                    })
                    .collect(),
            },
        }
    }

    /// Rows for the fields of struct `id`, whose schema is `nodes`.
    fn struct_rows(
        &self,
        id: TypeId,
        nodes: &[NodeId],
        depth: usize,
        prefix: &str,
        open: &mut Vec<TypeId>,
        out: &mut Vec<FieldRow>,
    ) {
        let def = self.compiled.types.get(self.canonical(id));
        let TypeKind::Struct { fields, .. } = &def.kind else {
            return;
        };
        let conj = self.conjunction(nodes);
        for field in fields {
            let path = if prefix.is_empty() {
                field.json_name.clone()
            } else {
                format!("{prefix}.{}", field.json_name)
            };
            let pnodes = self.property_nodes(&conj, &field.json_name);
            let mut row = self.row(
                &pnodes,
                &field.ty,
                depth,
                path.clone(),
                field.json_name.clone(),
            );
            row.required = field.presence == Presence::Required;
            row.rust = self.rust_type(&field.ty, field.presence);
            row.deprecated |= field.deprecated;
            if row.description.is_none() {
                row.description.clone_from(&field.doc);
            }
            out.push(row);
            self.nested(&field.ty, &pnodes, depth + 1, &path, open, out);
        }
    }

    /// Rows below a field of type `ty` (its object's fields, its items').
    fn nested(
        &self,
        ty: &Ty,
        nodes: &[NodeId],
        depth: usize,
        path: &str,
        open: &mut Vec<TypeId>,
        out: &mut Vec<FieldRow>,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        match ty {
            Ty::Nullable(inner) | Ty::Boxed(inner) => {
                let nodes = self.non_null(nodes);
                self.nested(inner, &nodes, depth, path, open, out);
            }
            Ty::Vec(item) => {
                let items = self.applied(nodes, |k| match k {
                    CheckKind::Items { schema, .. } => Some(vec![*schema]),
                    _ => None,
                });
                if has_rows(item) {
                    let ipath = format!("{path}[]");
                    let leaf = format!("{}[]", path.rsplit('.').next().unwrap_or(path));
                    let mut row = self.row(&items, item, depth, ipath.clone(), leaf);
                    row.required = true;
                    row.rust = self.rust_type(item, Presence::Required);
                    out.push(row);
                    self.nested(item, &items, depth + 1, &ipath, open, out);
                }
            }
            Ty::Map(value) if has_rows(value) => {
                let values = self.applied(nodes, |k| match k {
                    CheckKind::AdditionalProperties { schema, .. } => Some(vec![*schema]),
                    _ => None,
                });
                let vpath = format!("{path}.*");
                let mut row = self.row(&values, value, depth, vpath.clone(), "*".to_owned());
                row.rust = self.rust_type(value, Presence::Required);
                row.required = false;
                out.push(row);
                self.nested(value, &values, depth + 1, &vpath, open, out);
            }
            Ty::Named(id) => {
                let cid = self.canonical(*id);
                if self.is_shared(cid) || open.contains(&cid) {
                    return;
                }
                open.push(cid);
                match &self.compiled.types.get(cid).kind {
                    TypeKind::Struct { .. } => self.struct_rows(cid, nodes, depth, path, open, out),
                    TypeKind::Tagged { variants, .. } => {
                        let branches = self.branches(nodes);
                        for (i, (_, value, vty)) in variants.iter().enumerate() {
                            let vnodes = branches.get(i).cloned().unwrap_or_default();
                            let vpath = format!("{path}({value})");
                            let mut row = self.row(
                                &vnodes,
                                vty,
                                depth,
                                vpath.clone(),
                                format!("when {value}"),
                            );
                            row.rust = self.rust_type(vty, Presence::Required);
                            row.required = true;
                            out.push(row);
                            self.nested(vty, &vnodes, depth + 1, path, open, out);
                        }
                    }
                    TypeKind::StringEnum { .. } => {}
                }
                open.pop();
            }
            _ => {}
        }
    }

    /// A row for the schema `nodes`, whose Rust type is `ty`.
    fn row(&self, nodes: &[NodeId], ty: &Ty, depth: usize, path: String, name: String) -> FieldRow {
        let conj = self.conjunction(nodes);
        let effective = self.effective(&conj);
        let tag = match named(ty).map(|id| &self.compiled.types.get(self.canonical(id)).kind) {
            Some(TypeKind::Tagged { tag, .. }) => Some(tag.clone()),
            _ => None,
        };
        // Alternatives shown another way: a nullable wrapper (the
        // nullable column), a tagged union (its variant rows).
        let alternatives_shown = tag.is_some() || self.non_null(&conj) != conj;
        let mut types: Option<TypeSet> = None;
        let mut format = None;
        let mut values: Vec<String> = Vec::new();
        let mut constraints: Vec<String> = Vec::new();
        for &n in &effective {
            let Body::Checks(checks) = &self.graph().node(n).body else {
                continue;
            };
            for check in checks {
                match &check.kind {
                    CheckKind::Type(t) => types = Some(types.map_or(*t, |s| TypeSet(s.0 & t.0))),
                    CheckKind::Format(f) => format = Some(f.name().to_owned()),
                    CheckKind::Enum(vs) => values = vs.iter().map(json_text).collect(),
                    CheckKind::Const(v) => values = vec![json_text(v)],
                    CheckKind::OneOf(_) | CheckKind::AnyOf(_) if alternatives_shown => {}
                    CheckKind::AdditionalProperties { schema, .. } => {
                        let said = match &self.graph().node(*schema).body {
                            Body::Always(false) => Some("no other members".to_owned()),
                            Body::Always(true) => None,
                            // A map's values have a row of their own.
                            Body::Checks(_) if map_values_have_rows(ty) => None,
                            Body::Checks(_) => Some(match self.type_set(&[*schema]) {
                                Some(t) => format!("other members: {}", t.describe()),
                                None => "other members checked by a schema".to_owned(),
                            }),
                        };
                        if let Some(said) = said {
                            push_unique(&mut constraints, said);
                        }
                    }
                    other => {
                        if let Some(c) = constraint(other) {
                            push_unique(&mut constraints, c);
                        }
                    }
                }
            }
        }
        // Alternatives that are not a nullable wrapper: the union of theirs.
        if types.is_none() {
            let union = self
                .branches(&conj)
                .iter()
                .filter_map(|b| self.type_set(b))
                .fold(None, |acc: Option<TypeSet>, t| {
                    Some(TypeSet(acc.map_or(0, |a| a.0) | t.0))
                });
            types = union;
        }
        if format.is_none() {
            format = self
                .annotation(nodes, "format")
                .and_then(Value::as_str)
                .map(|f| format!("{f} (not checked)"));
        }
        let nullable = matches!(ty, Ty::Nullable(_) | Ty::Unit)
            || types.is_some_and(|t| t.has(TypeSet::NULL))
            || values.iter().any(|v| v == "null");
        let description = self
            .annotation(nodes, "description")
            .or_else(|| self.annotation(nodes, "title"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        FieldRow {
            depth,
            anchor: String::new(),
            path,
            name,
            rust: RustType::default(),
            json: types.map_or_else(|| "any".to_owned(), TypeSet::describe),
            format,
            required: false,
            nullable,
            constraints,
            values,
            default: self.annotation(nodes, "default").map(json_text),
            deprecated: self.annotation(nodes, "deprecated") == Some(&Value::Bool(true)),
            description,
            tag,
        }
    }

    /// The JSON types a schema allows, when it says.
    fn type_set(&self, nodes: &[NodeId]) -> Option<TypeSet> {
        let mut types: Option<TypeSet> = None;
        for &n in &self.effective(&self.conjunction(nodes)) {
            if let Body::Checks(checks) = &self.graph().node(n).body {
                for check in checks {
                    if let CheckKind::Type(t) = &check.kind {
                        types = Some(types.map_or(*t, |s| TypeSet(s.0 & t.0)));
                    }
                }
            }
        }
        types
    }

    /// `nodes` and every schema they apply in place to the same value
    /// without choice (`$ref`, `allOf`): all of them hold.
    fn conjunction(&self, nodes: &[NodeId]) -> Vec<NodeId> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        let mut todo: Vec<NodeId> = nodes.iter().rev().copied().collect();
        while let Some(n) = todo.pop() {
            if !seen.insert(n) {
                continue;
            }
            out.push(n);
            if let Body::Checks(checks) = &self.graph().node(n).body {
                for check in checks.iter().rev() {
                    match &check.kind {
                        CheckKind::Ref(t) => todo.push(*t),
                        CheckKind::AllOf(ms) => todo.extend(ms.iter().rev()),
                        _ => {}
                    }
                }
            }
        }
        out
    }

    /// The conjunction plus, for a nullable wrapper (`anyOf: [X, {type:
    /// null}]`), the conjunction of X: what holds for a non-null value.
    fn effective(&self, conj: &[NodeId]) -> Vec<NodeId> {
        let mut out = conj.to_vec();
        let inner = self.non_null(conj);
        if inner != conj {
            for n in self.conjunction(&inner) {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
        }
        out
    }

    /// For a nullable wrapper, the non-null branch; else `nodes` itself.
    fn non_null(&self, nodes: &[NodeId]) -> Vec<NodeId> {
        let conj = self.conjunction(nodes);
        let branches = self.branches(&conj);
        let real: Vec<&Vec<NodeId>> = branches
            .iter()
            .filter(|b| self.type_set(b) != Some(TypeSet(TypeSet::NULL)))
            .collect();
        if branches.len() == 2 && real.len() == 1 {
            real[0].clone()
        } else {
            nodes.to_vec()
        }
    }

    /// The alternatives of the first `anyOf`/`oneOf` among `conj`.
    fn branches(&self, conj: &[NodeId]) -> Vec<Vec<NodeId>> {
        for &n in conj {
            if let Body::Checks(checks) = &self.graph().node(n).body {
                for check in checks {
                    if let CheckKind::AnyOf(bs) | CheckKind::OneOf(bs) = &check.kind {
                        return bs.iter().map(|b| vec![*b]).collect();
                    }
                }
            }
        }
        Vec::new()
    }

    /// The schemas of member `name` wherever `conj` (or a nullable wrapper
    /// inside it) declares it.
    fn property_nodes(&self, conj: &[NodeId], name: &str) -> Vec<NodeId> {
        self.applied(conj, |k| match k {
            CheckKind::Properties(ps) => Some(
                ps.iter()
                    .filter(|(n, _)| n == name)
                    .map(|(_, id)| *id)
                    .collect(),
            ),
            _ => None,
        })
    }

    /// Every subschema `pick` finds in the checks of `nodes` (read
    /// through in-place applicators and nullable wrappers).
    fn applied(
        &self,
        nodes: &[NodeId],
        pick: impl Fn(&CheckKind) -> Option<Vec<NodeId>>,
    ) -> Vec<NodeId> {
        let mut out = Vec::new();
        for n in self.effective(&self.conjunction(nodes)) {
            if let Body::Checks(checks) = &self.graph().node(n).body {
                for check in checks {
                    for id in pick(&check.kind).unwrap_or_default() {
                        if !out.contains(&id) {
                            out.push(id);
                        }
                    }
                }
            }
        }
        out
    }

    /// An annotation (`description`, `default`) of the first schema in the
    /// conjunction of `nodes` that has it: the field's own before the one
    /// its `$ref` points to.
    fn annotation(&self, nodes: &[NodeId], keyword: &str) -> Option<&'c Value> {
        let conj = self.conjunction(nodes);
        self.effective(&conj).into_iter().find_map(|n| {
            self.registry()
                .value(&self.graph().node(n).loc)?
                .get(keyword)
        })
    }

    /// The Rust type of a field as the generated struct declares it.
    pub fn rust_type(&self, ty: &Ty, presence: Presence) -> RustType {
        let mut parts = Vec::new();
        let optional = presence == Presence::Optional;
        if optional {
            parts.push(TypePart::Text("Option<".to_owned()));
        }
        self.ty_parts(ty, &mut parts);
        if optional {
            parts.push(TypePart::Text(">".to_owned()));
        }
        // Adjacent text merged: fewer pieces to write.
        let mut merged: Vec<TypePart> = Vec::new();
        for p in parts {
            match (merged.last_mut(), p) {
                (Some(TypePart::Text(a)), TypePart::Text(b)) => a.push_str(&b),
                (_, p) => merged.push(p),
            }
        }
        RustType(merged)
    }

    fn ty_parts(&self, ty: &Ty, out: &mut Vec<TypePart>) {
        let text = |out: &mut Vec<TypePart>, t: &str| out.push(TypePart::Text(t.to_owned()));
        let wrap = |out: &mut Vec<TypePart>, open: &str, inner: &Ty| {
            text(out, open);
            self.ty_parts(inner, out);
            text(out, ">");
        };
        match ty {
            Ty::Bool => text(out, "bool"),
            Ty::I64 => text(out, "i64"),
            Ty::U64 => text(out, "u64"),
            Ty::Number => text(out, "json::Number"),
            Ty::String => text(out, "String"),
            Ty::Unit => text(out, "()"),
            Ty::Runtime(name) => text(out, name),
            Ty::Replaced(path) => text(out, path),
            Ty::Value => text(out, "json::Value"),
            Ty::Map(inner) if **inner == Ty::Value => text(out, "json::Map"),
            Ty::Map(inner) => wrap(out, "BTreeMap<String, ", inner),
            Ty::Vec(inner) => wrap(out, "Vec<", inner),
            Ty::Nullable(inner) => wrap(out, "Option<", inner),
            Ty::Boxed(inner) => wrap(out, "Box<", inner),
            Ty::Named(id) => {
                let cid = self.canonical(*id);
                out.push(TypePart::Named {
                    id: cid,
                    name: self.compiled.types.get(cid).name.clone(),
                    shared: self.is_shared(cid),
                });
            }
        }
    }
}

/// Gives each row an id from its path, unique among `rows`.
fn assign_anchors(rows: &mut [FieldRow], prefix: &str) {
    let mut used = BTreeSet::new();
    for row in rows {
        let base = super::html::anchor(prefix, &row.path);
        let mut id = base.clone();
        let mut n = 2;
        while !used.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        row.anchor = id;
    }
}

/// A type of a shared document: its module is `<source>::common`.
pub fn is_shared(def: &TypeDef) -> bool {
    def.module.len() == 2 && def.module[1] == "common"
}

/// The named type `ty` is (through `Option`, `Box`).
fn named(ty: &Ty) -> Option<TypeId> {
    match ty {
        Ty::Named(id) => Some(*id),
        Ty::Nullable(inner) | Ty::Boxed(inner) => named(inner),
        _ => None,
    }
}

/// True for a map (maybe nullable) whose values get rows of their own.
fn map_values_have_rows(ty: &Ty) -> bool {
    match ty {
        Ty::Map(value) => has_rows(value),
        Ty::Nullable(inner) => map_values_have_rows(inner),
        _ => false,
    }
}

/// True when a field of this type has rows below it (an object, or
/// a collection of something that has).
fn has_rows(ty: &Ty) -> bool {
    match ty {
        Ty::Named(_) => true,
        Ty::Nullable(inner) | Ty::Boxed(inner) | Ty::Vec(inner) | Ty::Map(inner) => has_rows(inner),
        _ => false,
    }
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// A JSON value as compact JSON text.
pub fn json_text(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn num(n: eventsmith_core::Num) -> String {
    match n {
        eventsmith_core::Num::I(i) => i.to_string(),
        eventsmith_core::Num::U(u) => u.to_string(),
        eventsmith_core::Num::F(f) => f.to_string(),
    }
}

/// The bounds every `integer` gets from its Rust type: implied by the
/// Rust type column, so not repeated as constraints.
fn is_rust_bound(n: eventsmith_core::Num) -> bool {
    matches!(
        n,
        eventsmith_core::Num::I(i64::MIN | i64::MAX) | eventsmith_core::Num::U(u64::MAX)
    )
}

/// A check that constrains a value, in words (`None` for the checks shown
/// in their own column or as rows).
fn constraint(kind: &CheckKind) -> Option<String> {
    Some(match kind {
        CheckKind::MinLength(n) => format!("at least {n} characters"),
        CheckKind::MaxLength(n) => format!("at most {n} characters"),
        CheckKind::Pattern(p) => format!("matches `{p}`"),
        CheckKind::Minimum(n) if !is_rust_bound(*n) => format!("≥ {}", num(*n)),
        CheckKind::Maximum(n) if !is_rust_bound(*n) => format!("≤ {}", num(*n)),
        CheckKind::ExclusiveMinimum(n) => format!("> {}", num(*n)),
        CheckKind::ExclusiveMaximum(n) => format!("< {}", num(*n)),
        CheckKind::MultipleOf(n) => format!("a multiple of {}", num(*n)),
        CheckKind::MinItems(n) => format!("at least {n} items"),
        CheckKind::MaxItems(n) => format!("at most {n} items"),
        CheckKind::UniqueItems => "items unique".to_owned(),
        CheckKind::MinProperties(n) => format!("at least {n} members"),
        CheckKind::MaxProperties(n) => format!("at most {n} members"),
        CheckKind::Contains { min, max, .. } => match max {
            Some(m) => format!("{min} to {m} items match a schema"),
            None => format!("at least {min} item(s) match a schema"),
        },
        CheckKind::DependentRequired(deps) => deps
            .iter()
            .map(|(k, vs)| {
                let vs: Vec<String> = vs.iter().map(|v| format!("`{v}`")).collect();
                format!("with `{k}`, also {}", vs.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; "),
        CheckKind::PropertyNames(_) => "member names checked by a schema".to_owned(),
        CheckKind::Not(_) => "must not match a schema".to_owned(),
        CheckKind::IfThenElse { .. } => "conditional rules (if/then/else)".to_owned(),
        CheckKind::OneOf(bs) => format!("exactly one of {} alternatives", bs.len()),
        CheckKind::AnyOf(bs) => format!("at least one of {} alternatives", bs.len()),
        _ => return None,
    })
}
