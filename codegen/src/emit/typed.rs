//! Validators over decoded values: the one-pass decode (`event::decode_fast`)
//! reads bytes strictly into the generated types, then checks the typed
//! value against the same validator IR, without a `serde_json::Value`.
//!
//! Strict decoding guarantees that a decoded value serializes back to JSON
//! equal to its input (no duplicate keys, nothing dropped, UUIDs canonical,
//! value types keep their text). So a check here is correct exactly when it
//! agrees with the `Value` validator on `serde_json::to_value(v)`, and where
//! a keyword has no cheap typed form (`uniqueItems`, `unevaluated*`,
//! `propertyNames`, `enum`/`const` of objects and arrays) the check does
//! just that: serializes the part and runs the `Value` validator. Scalars
//! other than strings become a `Value` without allocating and run the
//! `Value` validator too; strings get their own functions (`sN`), structs,
//! enums and tagged unions one function per (node, type) pair (`tN_M`).

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::types::{ident, type_path};
use super::validator::{Statics, entry_fn_name, target};
use crate::ir::types::{Extra, Field, Presence, Ty, TypeGraph, TypeId, TypeKind};
use crate::ir::validator::{Body, CheckKind, Graph, NodeId, TypeSet};

/// What to write typed validators for.
#[derive(Debug, Clone)]
pub struct TypedRoots<'a> {
    /// The catalog's types.
    pub types: &'a TypeGraph,
    /// The module the validators live in (type paths are written from it).
    pub module: Vec<String>,
    /// `(root node, root type)` of every event version with a struct root.
    pub roots: Vec<(NodeId, TypeId)>,
}

/// The name of the function checking a value of type `ty` against node `node`.
pub fn typed_fn_name(graph: &Graph, node: NodeId, ty: TypeId) -> proc_macro2::Ident {
    format_ident!("t{}_{}", target(graph, node), ty)
}

fn string_fn_name(graph: &Graph, node: NodeId) -> proc_macro2::Ident {
    format_ident!("s{}", target(graph, node))
}

/// How deep unnamed shapes (arrays, maps, options) are checked inline before
/// a check falls back to the `Value` validator; named types and strings are
/// functions and need no limit.
const MAX_INLINE: usize = 6;

/// Writes the typed validators of `roots` and everything they reach.
pub(super) fn emit(
    graph: &Graph,
    roots: &TypedRoots<'_>,
    rt: &TokenStream,
    statics: &mut Statics,
) -> Vec<TokenStream> {
    let mut w = Writer {
        graph,
        types: roots.types,
        module: &roots.module,
        rt,
        statics,
        named_done: BTreeSet::new(),
        named_queue: Vec::new(),
        strings_done: BTreeSet::new(),
        strings_queue: Vec::new(),
        fns: Vec::new(),
    };
    for (node, ty) in &roots.roots {
        w.named(*node, *ty);
    }
    loop {
        if let Some((node, ty)) = w.named_queue.pop() {
            let f = w.named_fn(node, ty);
            w.fns.push(f);
        } else if let Some(node) = w.strings_queue.pop() {
            let f = w.string_fn(node);
            w.fns.push(f);
        } else {
            break;
        }
    }
    w.fns
}

struct Writer<'a, 's> {
    graph: &'a Graph,
    types: &'a TypeGraph,
    module: &'a [String],
    rt: &'a TokenStream,
    statics: &'s mut Statics,
    named_done: BTreeSet<(NodeId, TypeId)>,
    named_queue: Vec<(NodeId, TypeId)>,
    strings_done: BTreeSet<NodeId>,
    strings_queue: Vec<NodeId>,
    fns: Vec<TokenStream>,
}

/// An object as the checks see it: named fields read from `base`, and the
/// map of other members, if the type keeps one.
struct ObjectView<'f> {
    /// `Some((base, fields))` for a struct: field `f` is `&#base.#f`.
    fields: Option<(TokenStream, &'f [Field])>,
    /// The map of other members and its value type.
    extra: Option<(TokenStream, Ty)>,
}

impl ObjectView<'_> {
    fn field(&self, name: &str) -> Option<(TokenStream, &Field)> {
        let (base, fields) = self.fields.as_ref()?;
        let f = fields.iter().find(|f| f.json_name == name)?;
        let n = ident(&f.rust_name);
        Some((quote! { #base.#n }, f))
    }
}

impl Writer<'_, '_> {
    /// A call of the function checking a `ty` value against `node`.
    fn named(&mut self, node: NodeId, ty: TypeId) -> proc_macro2::Ident {
        let node = target(self.graph, node);
        if self.named_done.insert((node, ty)) {
            self.named_queue.push((node, ty));
        }
        typed_fn_name(self.graph, node, ty)
    }

    fn string(&mut self, node: NodeId) -> proc_macro2::Ident {
        let node = target(self.graph, node);
        if self.strings_done.insert(node) {
            self.strings_queue.push(node);
        }
        string_fn_name(self.graph, node)
    }

    /// The `Value` validator of `node` on `v` (a `&Value` expression).
    fn value_call(&self, node: NodeId, v: TokenStream) -> TokenStream {
        let f = entry_fn_name(self.graph, node);
        quote! { #f(#v, &validation::Path::Root, &mut validation::Probe) }
    }

    /// The exact fallback: `v` back to JSON, then the `Value` validator.
    fn via_json(&self, node: NodeId, v: &TokenStream) -> TokenStream {
        let rt = self.rt;
        let call = self.value_call(node, quote! { &j });
        quote! {
            match #rt::__private::serde_json::to_value(#v) {
                ::std::result::Result::Ok(j) => #call,
                ::std::result::Result::Err(_) => false,
            }
        }
    }

    /// A boolean expression: is `v` (an expression of type `&ty`) valid
    /// against `node`? `depth` counts inline nesting.
    fn check(&mut self, node: NodeId, ty: &Ty, v: TokenStream, depth: usize) -> TokenStream {
        let node = target(self.graph, node);
        if let Body::Always(b) = self.graph.node(node).body {
            return quote! { #b };
        }
        let rt = self.rt;
        let json = quote! { #rt::__private::serde_json::Value };
        match ty {
            Ty::Value => self.value_call(node, v),
            Ty::Bool | Ty::I64 | Ty::U64 => {
                let x = deref(&v);
                self.value_call(node, quote! { &#json::from(#x) })
            }
            Ty::Number => self.value_call(
                node,
                quote! { &#json::Number(::std::clone::Clone::clone(#v)) },
            ),
            Ty::Unit => self.value_call(node, quote! { &#json::Null }),
            Ty::String => {
                let f = self.string(node);
                let r = recv(&v);
                quote! { #f(#r.as_str()) }
            }
            Ty::Runtime("Uuid") => {
                // Strict decoding took only the canonical text, which this
                // writes back.
                let f = self.string(node);
                let r = recv(&v);
                quote! { #f(#r.hyphenated().encode_lower(&mut #rt::Uuid::encode_buffer())) }
            }
            Ty::Runtime(_) => {
                let f = self.string(node);
                let r = recv(&v);
                quote! { #f(#r.as_str()) }
            }
            Ty::Named(id) => match &self.types.get(*id).kind {
                TypeKind::StringEnum { .. } => {
                    let f = self.string(node);
                    let r = recv(&v);
                    quote! { #f(#r.as_str()) }
                }
                _ => {
                    let f = self.named(node, *id);
                    quote! { #f(#v) }
                }
            },
            Ty::Nullable(inner) => {
                let x = format_ident!("x{}", depth);
                let null = self.value_call(node, quote! { &#json::Null });
                let some = self.check(node, inner, quote! { #x }, depth + 1);
                let some_body = unparen(some);
                quote! {
                    match #v {
                        ::std::option::Option::None => #null,
                        ::std::option::Option::Some(#x) => #some_body,
                    }
                }
            }
            Ty::Boxed(inner) => self.check(node, inner, quote! { &**#v }, depth),
            Ty::Vec(_) | Ty::Map(_) if depth >= MAX_INLINE => self.via_json(node, &v),
            Ty::Vec(inner) => self.array(node, ty, inner, v, depth),
            Ty::Map(inner) => {
                let view = ObjectView {
                    fields: None,
                    extra: Some((recv(&v), (**inner).clone())),
                };
                self.object(node, ty, &view, &v, depth)
            }
        }
    }

    /// `node` on a `Vec<inner>` (`v: &Vec<_>`).
    fn array(
        &mut self,
        node: NodeId,
        ty: &Ty,
        inner: &Ty,
        v: TokenStream,
        depth: usize,
    ) -> TokenStream {
        let v = recv(&v);
        let Body::Checks(checks) = &self.graph.node(node).body else {
            unreachable!("`check` handles `true`/`false`")
        };
        let x = format_ident!("x{}", depth);
        let mut parts = Vec::new();
        for c in checks {
            parts.push(match &c.kind {
                CheckKind::Type(set) => {
                    let ok = set.has(TypeSet::ARRAY);
                    quote! { #ok }
                }
                CheckKind::MinItems(n) => quote! { #v.len() as u64 >= #n },
                CheckKind::MaxItems(n) => quote! { #v.len() as u64 <= #n },
                CheckKind::Items { start, schema } => {
                    let each = self.check(*schema, inner, quote! { #x }, depth + 1);
                    if each.to_string() == "true" {
                        continue;
                    }
                    let skip = if *start == 0 { quote! {} } else { quote! { .skip(#start) } };
                    { let each = unparen(each); quote! { #v.iter()#skip.all(|#x| #each) } }
                }
                CheckKind::PrefixItems(ids) => {
                    let each: Vec<TokenStream> = ids
                        .iter()
                        .enumerate()
                        .map(|(i, id)| {
                            let c = self.check(*id, inner, quote! { #x }, depth + 1);
                            { let c = unparen(c); quote! { #v.get(#i).is_none_or(|#x| #c) } }
                        })
                        .collect();
                    quote! { #(#each)&&* }
                }
                CheckKind::Contains { schema, min, max } => {
                    let each = self.check(*schema, inner, quote! { #x }, depth + 1);
                    let max = match max {
                        Some(m) => quote! { && found <= #m },
                        None => quote! {},
                    };
                    { let each = unparen(each); quote! { { let found = #v.iter().filter(|&#x| #each).count() as u64; found >= #min #max } } }
                }
                CheckKind::AllOf(_)
                | CheckKind::AnyOf(_)
                | CheckKind::OneOf(_)
                | CheckKind::Not(_)
                | CheckKind::IfThenElse { .. }
                | CheckKind::Ref(_) => self.applicator(&c.kind, ty, &v, depth),
                CheckKind::UniqueItems
                | CheckKind::UnevaluatedItems(_)
                | CheckKind::Enum(_)
                | CheckKind::Const(_) => return self.via_json(node, &v),
                _ => continue,
            });
        }
        all(parts)
    }

    /// `node` on an object seen through `view`; `v` is the whole value (for
    /// applicators and the fallback).
    fn object(
        &mut self,
        node: NodeId,
        ty: &Ty,
        view: &ObjectView<'_>,
        v: &TokenStream,
        depth: usize,
    ) -> TokenStream {
        let Body::Checks(checks) = &self.graph.node(node).body else {
            unreachable!("`check` handles `true`/`false`")
        };
        let mut parts = Vec::new();
        for c in checks {
            parts.push(match &c.kind {
                CheckKind::Type(set) => {
                    let ok = set.has(TypeSet::OBJECT);
                    quote! { #ok }
                }
                CheckKind::Required(names) => {
                    let each: Vec<TokenStream> =
                        names.iter().map(|n| self.present(view, n)).collect();
                    all(each)
                }
                CheckKind::Properties(props) => {
                    let each: Vec<TokenStream> = props
                        .iter()
                        .map(|(name, id)| self.member(view, name, *id, depth))
                        .collect();
                    all(each)
                }
                CheckKind::PatternProperties(pats) => {
                    let mut each = Vec::new();
                    for (p, id) in pats {
                        let Ok(re) = eventsmith_core::validation::compile_pattern(p) else {
                            return self.via_json(node, v);
                        };
                        if let Some((_, fields)) = &view.fields {
                            for f in fields.iter().filter(|f| re.find(&f.json_name).is_some()) {
                                each.push(self.member(view, &f.json_name, *id, depth));
                            }
                        }
                        if let Some((extra, xty)) = &view.extra {
                            let pat = self.statics.pattern(p);
                            let x = format_ident!("x{}", depth);
                            let c = self.check(*id, xty, quote! { #x }, depth + 1);
                            if c.to_string() != "true" {
                                each.push(
                                    quote! { #extra.iter().all(|(k, #x)| !#pat.is_match(k) || #c) },
                                );
                            }
                        }
                    }
                    all(each)
                }
                CheckKind::AdditionalProperties {
                    known,
                    patterns,
                    schema,
                } => {
                    let mut res = Vec::new();
                    for p in patterns {
                        match eventsmith_core::validation::compile_pattern(p) {
                            Ok(re) => res.push(re),
                            Err(_) => return self.via_json(node, v),
                        }
                    }
                    let mut each = Vec::new();
                    if let Some((_, fields)) = &view.fields {
                        for f in fields.iter().filter(|f| {
                            !known.contains(&f.json_name)
                                && !res.iter().any(|re| re.find(&f.json_name).is_some())
                        }) {
                            each.push(self.member(view, &f.json_name, *schema, depth));
                        }
                    }
                    if let Some((extra, xty)) = &view.extra {
                        let x = format_ident!("x{}", depth);
                        let lits = known.iter().map(|k| Literal::string(k));
                        let is_known = if known.is_empty() {
                            quote! { false }
                        } else {
                            quote! { matches!(k.as_str(), #(#lits)|*) }
                        };
                        let pats: Vec<proc_macro2::Ident> =
                            patterns.iter().map(|p| self.statics.pattern(p)).collect();
                        let c = self.check(*schema, xty, quote! { #x }, depth + 1);
                        let mut exempt: Vec<TokenStream> =
                            pats.iter().map(|p| quote! { #p.is_match(k) }).collect();
                        if !known.is_empty() {
                            exempt.insert(0, is_known);
                        }
                        match (c.to_string().as_str(), exempt.is_empty()) {
                            ("true", _) => {}
                            (_, true) => each.push({
                                let c = unparen(c.clone());
                                quote! { #extra.values().all(|#x| #c) }
                            }),
                            _ => each
                                .push(quote! { #extra.iter().all(|(k, #x)| #(#exempt)||* || #c) }),
                        }
                    }
                    all(each)
                }
                CheckKind::MinProperties(n) => {
                    let count = self.count(view);
                    quote! { #count >= #n }
                }
                CheckKind::MaxProperties(n) => {
                    let count = self.count(view);
                    quote! { #count <= #n }
                }
                CheckKind::DependentRequired(deps) => {
                    let each: Vec<TokenStream> = deps
                        .iter()
                        .map(|(trigger, needed)| {
                            let t = self.present(view, trigger);
                            let n: Vec<TokenStream> =
                                needed.iter().map(|n| self.present(view, n)).collect();
                            let n = all(n);
                            quote! { (!#t || (#n)) }
                        })
                        .collect();
                    all(each)
                }
                CheckKind::DependentSchemas(deps) => {
                    let each: Vec<TokenStream> = deps
                        .iter()
                        .map(|(trigger, id)| {
                            let t = self.present(view, trigger);
                            let c = self.check(*id, ty, v.clone(), depth + 1);
                            quote! { (!#t || (#c)) }
                        })
                        .collect();
                    all(each)
                }
                CheckKind::AllOf(_)
                | CheckKind::AnyOf(_)
                | CheckKind::OneOf(_)
                | CheckKind::Not(_)
                | CheckKind::IfThenElse { .. }
                | CheckKind::Ref(_) => self.applicator(&c.kind, ty, v, depth),
                CheckKind::PropertyNames(_)
                | CheckKind::UnevaluatedProperties(_)
                | CheckKind::Enum(_)
                | CheckKind::Const(_) => return self.via_json(node, v),
                _ => continue,
            });
        }
        all(parts)
    }

    /// The in-place applicators, on the same value.
    fn applicator(
        &mut self,
        kind: &CheckKind,
        ty: &Ty,
        v: &TokenStream,
        depth: usize,
    ) -> TokenStream {
        let sub = |w: &mut Self, id: &NodeId| w.check(*id, ty, v.clone(), depth + 1);
        match kind {
            CheckKind::AllOf(ids) => {
                let each: Vec<TokenStream> = ids.iter().map(|id| sub(self, id)).collect();
                all(each)
            }
            CheckKind::AnyOf(ids) => {
                let each: Vec<TokenStream> = ids.iter().map(|id| sub(self, id)).collect();
                quote! { (#((#each))||*) }
            }
            CheckKind::OneOf(ids) => {
                let each: Vec<TokenStream> = ids.iter().map(|id| sub(self, id)).collect();
                quote! { ([#(#each),*].iter().filter(|b| **b).count() == 1) }
            }
            CheckKind::Not(id) => {
                let c = sub(self, id);
                quote! { !(#c) }
            }
            CheckKind::IfThenElse {
                condition,
                then,
                otherwise,
            } => {
                if then.is_none() && otherwise.is_none() {
                    return quote! { true };
                }
                let cond = sub(self, condition);
                let then = then.as_ref().map_or(quote! { true }, |id| sub(self, id));
                let otherwise = otherwise
                    .as_ref()
                    .map_or(quote! { true }, |id| sub(self, id));
                quote! { (if #cond { #then } else { #otherwise }) }
            }
            CheckKind::Ref(id) => sub(self, id),
            _ => unreachable!("only applicators come here"),
        }
    }

    /// Is member `name` present?
    fn present(&self, view: &ObjectView<'_>, name: &str) -> TokenStream {
        if let Some((access, f)) = view.field(name) {
            return match f.presence {
                Presence::Required => quote! { true },
                Presence::Optional => quote! { #access.is_some() },
            };
        }
        match &view.extra {
            Some((extra, _)) => {
                let n = Literal::string(name);
                quote! { #extra.contains_key(#n) }
            }
            None => quote! { false },
        }
    }

    /// Member `name`, when present, is valid against `node`.
    fn member(
        &mut self,
        view: &ObjectView<'_>,
        name: &str,
        node: NodeId,
        depth: usize,
    ) -> TokenStream {
        let x = format_ident!("x{}", depth);
        if let Some((access, f)) = view.field(name) {
            let ty = f.ty.clone();
            return match f.presence {
                Presence::Required => self.check(node, &ty, quote! { &#access }, depth + 1),
                Presence::Optional => {
                    let c = self.check(node, &ty, quote! { #x }, depth + 1);
                    if c.to_string() == "true" {
                        return c;
                    }
                    {
                        let c = unparen(c);
                        quote! { #access.as_ref().is_none_or(|#x| #c) }
                    }
                }
            };
        }
        match &view.extra {
            Some((extra, xty)) => {
                let n = Literal::string(name);
                let xty = xty.clone();
                let extra = extra.clone();
                let c = self.check(node, &xty, quote! { #x }, depth + 1);
                if c.to_string() == "true" {
                    return c;
                }
                {
                    let c = unparen(c);
                    quote! { #extra.get(#n).is_none_or(|#x| #c) }
                }
            }
            None => quote! { true },
        }
    }

    /// How many members the object has.
    fn count(&self, view: &ObjectView<'_>) -> TokenStream {
        let mut terms = Vec::new();
        if let Some((base, fields)) = &view.fields {
            for f in fields.iter() {
                let n = ident(&f.rust_name);
                terms.push(match f.presence {
                    Presence::Required => quote! { 1u64 },
                    Presence::Optional => quote! { u64::from(#base.#n.is_some()) },
                });
            }
        }
        if let Some((extra, _)) = &view.extra {
            terms.push(quote! { #extra.len() as u64 });
        }
        if terms.is_empty() {
            return quote! { 0u64 };
        }
        quote! { (#(#terms)+*) }
    }

    /// `fn tN_M(v: &Type) -> bool`.
    fn named_fn(&mut self, node: NodeId, id: TypeId) -> TokenStream {
        let def = self.types.get(id);
        let path = type_path(self.types, id, self.module);
        let name = typed_fn_name(self.graph, node, id);
        let ty = Ty::Named(id);
        let v = quote! { v };
        let body = match &self.graph.node(node).body {
            Body::Always(b) => quote! { #b },
            Body::Checks(_) => match &def.kind {
                TypeKind::Struct { fields, extra } => {
                    let extra = match extra {
                        Extra::None => None,
                        Extra::Keep(t) => Some((quote! { v.extra }, t.clone())),
                    };
                    let view = ObjectView {
                        fields: Some((quote! { v }, fields.as_slice())),
                        extra,
                    };
                    self.object(node, &ty, &view, &v, 0)
                }
                TypeKind::Tagged { variants, .. } => {
                    let arms: Vec<TokenStream> = variants
                        .iter()
                        .map(|(variant, _, vty)| {
                            let vi = ident(variant);
                            let c = self.check(node, vty, quote! { x }, 0);
                            {
                                let c = unparen(c);
                                quote! { #path::#vi(x) => #c, }
                            }
                        })
                        .collect();
                    let unknown = self.value_call(node, quote! { x });
                    quote! {
                        match v {
                            #(#arms)*
                            #path::Unknown(x) => #unknown,
                        }
                    }
                }
                TypeKind::StringEnum { .. } => {
                    let f = self.string(node);
                    quote! { #f(v.as_str()) }
                }
            },
        };
        let body = unparen(body);
        let doc = format!(
            " `{}` against `{}`, on a strictly decoded value.",
            def.name.trim_start_matches("r#"),
            self.graph.node(node).origin.escape_default()
        );
        quote! {
            #[doc = #doc]
            pub(crate) fn #name(v: &#path) -> bool {
                let _ = v;
                #body
            }
        }
    }

    /// `fn sN(t: &str) -> bool`: node `node` on a string.
    fn string_fn(&mut self, node: NodeId) -> TokenStream {
        let rt = self.rt;
        let name = string_fn_name(self.graph, node);
        let body = match &self.graph.node(node).body {
            Body::Always(b) => quote! { #b },
            Body::Checks(checks) => {
                let mut parts = Vec::new();
                for c in checks {
                    parts.push(match &c.kind {
                        CheckKind::Type(set) => {
                            let ok = set.has(TypeSet::STRING);
                            quote! { #ok }
                        }
                        CheckKind::Enum(values) => {
                            let lits: Vec<Literal> = values
                                .iter()
                                .filter_map(Value::as_str)
                                .map(Literal::string)
                                .collect();
                            if lits.is_empty() {
                                quote! { false }
                            } else {
                                quote! { matches!(t, #(#lits)|*) }
                            }
                        }
                        CheckKind::Const(Value::String(s)) => {
                            let lit = Literal::string(s);
                            quote! { t == #lit }
                        }
                        CheckKind::Const(_) => quote! { false },
                        CheckKind::MinLength(n) => quote! { validation::char_len(t) >= #n },
                        CheckKind::MaxLength(n) => quote! { validation::char_len(t) <= #n },
                        CheckKind::Pattern(p) => {
                            let re = self.statics.pattern(p);
                            quote! { #re.is_match(t) }
                        }
                        CheckKind::Format(format) => {
                            let variant = format_ident!("{}", format!("{format:?}"));
                            quote! { #rt::formats::Format::#variant.check(t) }
                        }
                        CheckKind::AllOf(ids) => {
                            let each: Vec<TokenStream> = ids
                                .iter()
                                .map(|id| {
                                    let f = self.string(*id);
                                    quote! { #f(t) }
                                })
                                .collect();
                            all(each)
                        }
                        CheckKind::AnyOf(ids) => {
                            let each = ids.iter().map(|id| self.string(*id)).collect::<Vec<_>>();
                            quote! { (#(#each(t))||*) }
                        }
                        CheckKind::OneOf(ids) => {
                            let each = ids.iter().map(|id| self.string(*id)).collect::<Vec<_>>();
                            quote! { ([#(#each(t)),*].iter().filter(|b| **b).count() == 1) }
                        }
                        CheckKind::Not(id) => {
                            let f = self.string(*id);
                            quote! { !#f(t) }
                        }
                        CheckKind::IfThenElse {
                            condition,
                            then,
                            otherwise,
                        } => {
                            if then.is_none() && otherwise.is_none() {
                                continue;
                            }
                            let cond = self.string(*condition);
                            let then = then.map_or(quote! { true }, |id| {
                                let f = self.string(id);
                                quote! { #f(t) }
                            });
                            let otherwise = otherwise.map_or(quote! { true }, |id| {
                                let f = self.string(id);
                                quote! { #f(t) }
                            });
                            quote! { (if #cond(t) { #then } else { #otherwise }) }
                        }
                        CheckKind::Ref(id) => {
                            let f = self.string(*id);
                            quote! { #f(t) }
                        }
                        // Every other keyword applies to other types only.
                        _ => continue,
                    });
                }
                all(parts)
            }
        };
        let body = unparen(body);
        let doc = format!(
            " `{}` on a string.",
            self.graph.node(node).origin.escape_default()
        );
        quote! {
            #[doc = #doc]
            pub(crate) fn #name(t: &str) -> bool {
                let _ = t;
                #body
            }
        }
    }
}

/// `a && b && …`: `true` parts dropped, `false` if any part is.
fn all(parts: Vec<TokenStream>) -> TokenStream {
    let mut kept: Vec<TokenStream> = Vec::new();
    for p in parts {
        match p.to_string().as_str() {
            "true" => {}
            "false" => return quote! { false },
            _ => kept.push(p),
        }
    }
    match kept.len() {
        0 => quote! { true },
        1 => unparen(kept.remove(0)),
        _ => quote! { (#(#kept)&&*) },
    }
}

/// `e` without parentheses around the whole of it.
fn unparen(e: TokenStream) -> TokenStream {
    let mut tokens = e.clone().into_iter();
    match (tokens.next(), tokens.next()) {
        (Some(proc_macro2::TokenTree::Group(g)), None)
            if g.delimiter() == proc_macro2::Delimiter::Parenthesis =>
        {
            unparen(g.stream())
        }
        _ => e,
    }
}

/// Whether `v` is `&place` (`&v.field`): a reference to a place, written
/// without the `&` where the place itself will do.
fn place_of(v: &TokenStream) -> Option<TokenStream> {
    let mut tokens = v.clone().into_iter();
    match tokens.next() {
        Some(proc_macro2::TokenTree::Punct(p)) if p.as_char() == '&' => {
            let rest: TokenStream = tokens.collect();
            let simple = rest.clone().into_iter().all(|t| match t {
                proc_macro2::TokenTree::Ident(_) => true,
                proc_macro2::TokenTree::Punct(p) => p.as_char() == '.',
                _ => false,
            });
            simple.then_some(rest)
        }
        _ => None,
    }
}

/// `v` (a reference expression) as a method receiver.
fn recv(v: &TokenStream) -> TokenStream {
    match place_of(v) {
        Some(place) => place,
        None if v.clone().into_iter().count() == 1 => v.clone(),
        None => quote! { (#v) },
    }
}

/// The value behind `v` (a reference to a `Copy` value).
fn deref(v: &TokenStream) -> TokenStream {
    match place_of(v) {
        Some(place) => place,
        None => quote! { *#v },
    }
}

/// How deep the JSON of `ty` nests, from the type alone: `(shape,
/// around_values)` as `eventsmith::event::Depth` has them, or `None` for a
/// recursive type. A part the decode reads as a `serde_json::Value` (a
/// `Value`, a `Map<String, Value>`, a tagged union, read whole before its
/// branch is chosen) counts as such a part.
pub fn depth(types: &TypeGraph, ty: &Ty) -> Option<(usize, Option<usize>)> {
    fn walk(types: &TypeGraph, ty: &Ty, open: &mut Vec<TypeId>) -> Option<(usize, Option<usize>)> {
        let inside = |(shape, values): (usize, Option<usize>)| (shape + 1, values.map(|p| p + 1));
        Some(match ty {
            Ty::Value => (0, Some(0)),
            Ty::Map(inner) if **inner == Ty::Value => (0, Some(0)),
            Ty::Bool | Ty::I64 | Ty::U64 | Ty::Number | Ty::String | Ty::Unit | Ty::Runtime(_) => {
                (0, None)
            }
            Ty::Nullable(inner) | Ty::Boxed(inner) => walk(types, inner, open)?,
            Ty::Vec(inner) | Ty::Map(inner) => inside(walk(types, inner, open)?),
            Ty::Named(id) => {
                if open.contains(id) {
                    return None;
                }
                open.push(*id);
                let d = match &types.get(*id).kind {
                    TypeKind::StringEnum { .. } => (0, None),
                    TypeKind::Tagged { .. } => (0, Some(0)),
                    TypeKind::Struct { fields, extra } => {
                        let mut shape = 0;
                        let mut values: Option<usize> = None;
                        let extra_ty = match extra {
                            Extra::Keep(t) => Some(t),
                            Extra::None => None,
                        };
                        for t in fields.iter().map(|f| &f.ty).chain(extra_ty) {
                            let (s, v) = walk(types, t, open)?;
                            shape = shape.max(s);
                            values = values.max(v);
                        }
                        inside((shape, values))
                    }
                };
                open.pop();
                d
            }
        })
    }
    walk(types, ty, &mut Vec::new())
}
