//! Validators over decoded values: the one-pass decode (`event::decode_fast`)
//! reads bytes strictly into the generated types, then checks the typed
//! value against the same validator IR, without a `serde_json::Value`.
//!
//! Strict decoding guarantees that a decoded value serializes back to JSON
//! equal to its input (no duplicate keys, nothing dropped, UUIDs canonical,
//! value types keep their text). So a check here is correct exactly when it
//! agrees with the `Value` validator on `serde_json::to_value(v)`. Like the
//! `Value` validators, these functions are generic over the `Sink`: probing
//! decides validity, collecting reports the same errors, with the same
//! paths and messages, in the same order. Scalars other than strings become
//! a `Value` without allocating and go to the `Value` validator; strings get
//! their own functions (`sN`); structs, enums, tagged unions, arrays and maps
//! one function per (node, type) pair (`tN_M`). Where a keyword has no cheap
//! typed form (`unevaluated*`, `propertyNames`, `enum`/`const` of objects and
//! arrays) the check serializes the part and runs the `Value` validator.
//!
//! Error order: the `Value` validators visit an object's members in the
//! payload's order for `patternProperties`, `additionalProperties`,
//! `propertyNames` and `unevaluatedProperties`, and render serialized
//! objects in their member order. A typed value keeps the order of its
//! unknown members only when they are `Value`s (a `serde_json::Map`), so a
//! root whose checks visit named fields in member order, or serialize
//! objects, is marked as not collecting ([`TypedRoot::collects`]): its
//! errors come from the `Value` path. Typed maps are `BTreeMap`s, in key
//! order: when two of their entries fail, the collecting sink is told
//! (`Sink::unordered`) and those errors come from the `Value` path too.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::types::{TypeEmitOptions, ident, ty_tokens, type_path};
use super::validator::{Statics, entry_fn_name, target};
use crate::ir::types::{Extra, Field, Presence, Ty, TypeGraph, TypeId, TypeKind};
use crate::ir::validator::{Body, Check, CheckKind, Graph, NodeId, TypeSet};
use eventsmith_core::validation::preview;

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

/// What [`emit`] wrote for one root.
#[derive(Debug, Clone)]
pub struct TypedRoot {
    /// The function checking the root type against the root node.
    pub function: proc_macro2::Ident,
    /// Whether its collecting run reports exactly what the `Value`
    /// validator reports on the payload (see the module docs).
    pub collects: bool,
}

fn string_fn_name(graph: &Graph, node: NodeId) -> proc_macro2::Ident {
    format_ident!("s{}", target(graph, node))
}

/// Writes the typed validators of `roots` and everything they reach; the
/// second value describes each root, in order.
pub(super) fn emit(
    graph: &Graph,
    roots: &TypedRoots<'_>,
    rt: &TokenStream,
    statics: &mut Statics,
) -> (Vec<TokenStream>, Vec<TypedRoot>) {
    let mut w = Writer {
        graph,
        types: roots.types,
        module: &roots.module,
        rt,
        topts: TypeEmitOptions {
            rt: rt.clone(),
            json_schema: false,
        },
        statics,
        shapes: Vec::new(),
        done: BTreeSet::new(),
        queue: Vec::new(),
        strings_done: BTreeSet::new(),
        strings_queue: Vec::new(),
        fns: Vec::new(),
        info: BTreeMap::new(),
        current: None,
        whole: None,
    };
    let mut out = Vec::new();
    for (node, ty) in &roots.roots {
        let f = w.shaped(*node, &Ty::Named(*ty));
        out.push(f);
    }
    loop {
        if let Some((node, shape)) = w.queue.pop() {
            let f = w.shaped_fn(node, shape);
            w.fns.push(f);
        } else if let Some(node) = w.strings_queue.pop() {
            let f = w.string_fn(node);
            w.fns.push(f);
        } else {
            break;
        }
    }
    let described = out
        .into_iter()
        .map(|f| {
            let collects = w.exact_from(&f);
            TypedRoot {
                function: f,
                collects,
            }
        })
        .collect();
    (w.fns, described)
}

struct Writer<'a, 's> {
    graph: &'a Graph,
    types: &'a TypeGraph,
    module: &'a [String],
    rt: &'a TokenStream,
    topts: TypeEmitOptions,
    statics: &'s mut Statics,
    /// The distinct types functions were written for; a function's name
    /// holds the index.
    shapes: Vec<Ty>,
    done: BTreeSet<(NodeId, usize)>,
    queue: Vec<(NodeId, usize)>,
    strings_done: BTreeSet<NodeId>,
    strings_queue: Vec<NodeId>,
    fns: Vec<TokenStream>,
    /// Per function: whether its own checks collect exactly, and what it calls.
    info: BTreeMap<String, (bool, BTreeSet<String>)>,
    /// The function being written.
    current: Option<String>,
    /// Set when the function being written is one expression instead of
    /// statements (the whole node by the `Value` validator).
    whole: Option<TokenStream>,
}

/// An object as the checks see it: named fields read from `v`, and the
/// map of other members, if the type keeps one.
struct ObjectView<'f> {
    /// The struct's fields (field `f` is `v.f`); empty for a map.
    fields: &'f [Field],
    /// The map of other members (`v.extra`, or `v` itself for a map) and its
    /// value type.
    extra: Option<(TokenStream, Ty)>,
}

impl ObjectView<'_> {
    fn field(&self, name: &str) -> Option<(TokenStream, &Field)> {
        let f = self.fields.iter().find(|f| f.json_name == name)?;
        let n = ident(&f.rust_name);
        Some((quote! { v.#n }, f))
    }
}

impl Writer<'_, '_> {
    /// Notes that the function being written calls `callee`.
    fn calls(&mut self, callee: &proc_macro2::Ident) {
        if let Some(cur) = &self.current {
            self.info
                .entry(cur.clone())
                .or_insert_with(|| (true, BTreeSet::new()))
                .1
                .insert(callee.to_string());
        }
    }

    /// Notes that the function being written does not collect exactly.
    fn inexact(&mut self) {
        if let Some(cur) = &self.current {
            self.info
                .entry(cur.clone())
                .or_insert_with(|| (true, BTreeSet::new()))
                .0 = false;
        }
    }

    /// Whether `f` and everything it calls collect exactly.
    fn exact_from(&self, f: &proc_macro2::Ident) -> bool {
        let mut seen = BTreeSet::new();
        let mut work = vec![f.to_string()];
        while let Some(name) = work.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            if let Some((exact, callees)) = self.info.get(&name) {
                if !exact {
                    return false;
                }
                work.extend(callees.iter().cloned());
            }
        }
        true
    }

    /// The function checking a `ty` value (struct, enum, tagged union,
    /// array, map) against `node`.
    fn shaped(&mut self, node: NodeId, ty: &Ty) -> proc_macro2::Ident {
        let node = target(self.graph, node);
        let k = match self.shapes.iter().position(|t| t == ty) {
            Some(k) => k,
            None => {
                self.shapes.push(ty.clone());
                self.shapes.len() - 1
            }
        };
        if self.done.insert((node, k)) {
            self.queue.push((node, k));
        }
        let name = format_ident!("t{}_{}", node, k);
        self.calls(&name);
        name
    }

    fn string(&mut self, node: NodeId) -> proc_macro2::Ident {
        let node = target(self.graph, node);
        if self.strings_done.insert(node) {
            self.strings_queue.push(node);
        }
        let f = string_fn_name(self.graph, node);
        self.calls(&f);
        f
    }

    /// The `Value` validator of `node` on `v` (a `&Value` expression).
    fn value_call(
        &self,
        node: NodeId,
        v: TokenStream,
        at: &TokenStream,
        sink: &TokenStream,
    ) -> TokenStream {
        let f = entry_fn_name(self.graph, node);
        quote! { #f(#v, #at, #sink) }
    }

    /// `v` back to JSON, then the `Value` validator: exact in the verdict,
    /// inexact in the order of a collecting run's errors.
    fn via_json(
        &mut self,
        node: NodeId,
        v: &TokenStream,
        at: &TokenStream,
        sink: &TokenStream,
    ) -> TokenStream {
        self.inexact();
        let rt = self.rt;
        let call = self.value_call(node, quote! { &j }, at, sink);
        quote! {
            match #rt::__private::serde_json::to_value(#v) {
                ::std::result::Result::Ok(j) => #call,
                ::std::result::Result::Err(_) => false,
            }
        }
    }

    /// A boolean expression: is `v` (an expression of type `&ty`) valid
    /// against `node`, reporting to `sink` at path `at`?
    fn call(
        &mut self,
        node: NodeId,
        ty: &Ty,
        v: TokenStream,
        at: &TokenStream,
        sink: &TokenStream,
    ) -> TokenStream {
        let node = target(self.graph, node);
        if let Body::Always(true) = self.graph.node(node).body {
            return quote! { true };
        }
        let rt = self.rt;
        let json = quote! { #rt::__private::serde_json::Value };
        match ty {
            Ty::Value => self.value_call(node, v, at, sink),
            Ty::Bool | Ty::I64 | Ty::U64 => {
                let x = deref(&v);
                self.value_call(node, quote! { &#json::from(#x) }, at, sink)
            }
            Ty::Number => self.value_call(
                node,
                quote! { &#json::Number(::std::clone::Clone::clone(#v)) },
                at,
                sink,
            ),
            Ty::Unit => self.value_call(node, quote! { &#json::Null }, at, sink),
            Ty::String | Ty::Runtime(_) => {
                let f = self.string(node);
                let r = recv(&v);
                let text = if *ty == Ty::Runtime("Uuid") {
                    // Strict decoding took only the canonical text, which
                    // this writes back.
                    quote! { #r.hyphenated().encode_lower(&mut #rt::Uuid::encode_buffer()) }
                } else {
                    quote! { #r.as_str() }
                };
                quote! { #f(#text, #at, #sink) }
            }
            Ty::Named(id) if matches!(self.types.get(*id).kind, TypeKind::StringEnum { .. }) => {
                let f = self.string(node);
                let r = recv(&v);
                quote! { #f(#r.as_str(), #at, #sink) }
            }
            Ty::Nullable(inner) => {
                let null = self.value_call(node, quote! { &#json::Null }, at, sink);
                let some = unparen(self.call(node, inner, quote! { x }, at, sink));
                quote! {
                    match #v {
                        ::std::option::Option::None => #null,
                        ::std::option::Option::Some(x) => #some,
                    }
                }
            }
            Ty::Boxed(inner) => self.call(node, inner, quote! { &**#v }, at, sink),
            Ty::Named(_) | Ty::Vec(_) | Ty::Map(_) => {
                let f = self.shaped(node, ty);
                quote! { #f(#v, #at, #sink) }
            }
        }
    }

    /// A collecting call on the same sink.
    fn sub(&mut self, node: NodeId, ty: &Ty, v: TokenStream, at: TokenStream) -> TokenStream {
        self.call(node, ty, v, &at, &quote! { s })
    }

    /// The failure of check `c` with message `msg` (which may borrow `j`,
    /// the value serialized when `needs_json`).
    fn fail(&self, c: &Check, msg: TokenStream, needs_json: bool) -> TokenStream {
        let rt = self.rt;
        let path = Literal::string(&c.schema_path);
        let kw = Literal::string(c.keyword);
        if needs_json {
            quote! {
                let j = #rt::__private::serde_json::to_value(v).unwrap_or_default();
                s.fail(at, #path, #kw, validation::Msg::#msg);
            }
        } else {
            quote! { s.fail(at, #path, #kw, validation::Msg::#msg); }
        }
    }

    /// The in-place applicators on the same value, as statements;
    /// `call(w, node, sink)` validates the value against `node`.
    fn applicator(
        &mut self,
        c: &Check,
        call: &dyn Fn(&mut Self, NodeId, &TokenStream) -> TokenStream,
    ) -> Option<TokenStream> {
        let sink = quote! { s };
        let probe = quote! { &mut validation::Probe };
        Some(match &c.kind {
            CheckKind::AllOf(ids) => {
                let each: Vec<TokenStream> = ids
                    .iter()
                    .map(|id| {
                        let call = call(self, *id, &sink);
                        quote! { if !#call { failed!(ok); } }
                    })
                    .collect();
                quote! { #(#each)* }
            }
            CheckKind::AnyOf(ids) => {
                let tests: Vec<TokenStream> =
                    ids.iter().map(|id| call(self, *id, &probe)).collect();
                let n = ids.len();
                let f = self.fail(c, quote! { AnyOf(#n) }, false);
                quote! { if !(#(#tests)||*) { #f failed!(ok); } }
            }
            CheckKind::OneOf(ids) => {
                let tests: Vec<TokenStream> =
                    ids.iter().map(|id| call(self, *id, &probe)).collect();
                let n = ids.len();
                let f = self.fail(c, quote! { OneOf(valid, #n) }, false);
                quote! {
                    let valid = [#(#tests),*].iter().filter(|b| **b).count();
                    if valid != 1 { #f failed!(ok); }
                }
            }
            CheckKind::Not(id) => {
                let p = call(self, *id, &probe);
                let f = self.fail(c, quote! { Not }, false);
                quote! { if #p { #f failed!(ok); } }
            }
            CheckKind::IfThenElse {
                then: None,
                otherwise: None,
                ..
            } => quote! {},
            CheckKind::IfThenElse {
                condition,
                then,
                otherwise,
            } => {
                let cond = call(self, *condition, &probe);
                let then = then.map_or(quote! { true }, |id| call(self, id, &sink));
                let otherwise = otherwise.map_or(quote! { true }, |id| call(self, id, &sink));
                quote! {
                    let branch_ok = if #cond { #then } else { #otherwise };
                    if !branch_ok { failed!(ok); }
                }
            }
            CheckKind::Ref(id) => {
                let call = call(self, *id, &sink);
                quote! { if !#call { failed!(ok); } }
            }
            _ => return None,
        })
    }

    /// `fn tN_K<S: Sink>(v: &T, at, s) -> bool`.
    fn shaped_fn(&mut self, node: NodeId, k: usize) -> TokenStream {
        let ty = self.shapes[k].clone();
        let name = format_ident!("t{}_{}", node, k);
        self.current = Some(name.to_string());
        self.info
            .entry(name.to_string())
            .or_insert_with(|| (true, BTreeSet::new()));
        let rust_ty = ty_tokens(self.types, &ty, self.module, &self.topts);
        let (body, what) = match &self.graph.node(node).body {
            Body::Always(b) => {
                let body = if *b {
                    quote! { true }
                } else {
                    let origin = Literal::string(&self.graph.node(node).origin);
                    quote! {
                        s.fail(at, #origin, "false", validation::Msg::False);
                        false
                    }
                };
                (body, describe(self.types, &ty))
            }
            Body::Checks(checks) => {
                let checks = checks.clone();
                let stmts = match &ty {
                    Ty::Named(id) => match &self.types.get(*id).kind.clone() {
                        TypeKind::Struct { fields, extra } => {
                            let view = ObjectView {
                                fields,
                                extra: match extra {
                                    Extra::None => None,
                                    Extra::Keep(t) => Some((quote! { v.extra }, t.clone())),
                                },
                            };
                            self.object(node, &ty, &view, &checks)
                        }
                        TypeKind::Tagged { variants, .. } => {
                            let path = type_path(self.types, *id, self.module);
                            let arms: Vec<TokenStream> = variants
                                .iter()
                                .map(|(variant, _, vty)| {
                                    let vi = ident(variant);
                                    let c = unparen(self.call(
                                        node,
                                        vty,
                                        quote! { x },
                                        &quote! { at },
                                        &quote! { s },
                                    ));
                                    quote! { #path::#vi(x) => #c, }
                                })
                                .collect();
                            let unknown =
                                self.value_call(node, quote! { x }, &quote! { at }, &quote! { s });
                            self.whole = Some(quote! {
                                match v {
                                    #(#arms)*
                                    #path::Unknown(x) => #unknown,
                                }
                            });
                            quote! {}
                        }
                        TypeKind::StringEnum { .. } => {
                            // A root that is a string enum: its string function.
                            let c =
                                self.call(node, &ty, quote! { v }, &quote! { at }, &quote! { s });
                            self.whole = Some(c);
                            quote! {}
                        }
                    },
                    Ty::Map(inner) => {
                        let view = ObjectView {
                            fields: &[],
                            extra: Some((quote! { v }, (**inner).clone())),
                        };
                        self.object(node, &ty, &view, &checks)
                    }
                    Ty::Vec(inner) => self.array(node, &ty, inner, &checks),
                    _ => unreachable!("only structs, unions, arrays and maps get functions"),
                };
                let body = match self.whole.take() {
                    Some(expr) => expr,
                    None => quote! {
                        let mut ok = true;
                        #stmts
                        ok
                    },
                };
                (body, describe(self.types, &ty))
            }
        };
        self.current = None;
        let doc = format!(
            " {what} against `{}`, on a strictly decoded value.",
            self.graph.node(node).origin.escape_default()
        );
        quote! {
            #[doc = #doc]
            pub(crate) fn #name<S: validation::Sink>(v: &#rust_ty, at: &validation::Path<'_>, s: &mut S) -> bool {
                let _ = (v, at, &s);
                #body
            }
        }
    }

    /// The checks of `node` on an object seen through `view`, as statements.
    fn object(
        &mut self,
        node: NodeId,
        ty: &Ty,
        view: &ObjectView<'_>,
        checks: &[Check],
    ) -> TokenStream {
        let mut out = Vec::new();
        for c in checks {
            let stmt = match &c.kind {
                CheckKind::Type(set) if !set.has(TypeSet::OBJECT) => {
                    let expected = Literal::string(&set.describe());
                    let f = self.fail(c, quote! { Type(#expected, &j) }, true);
                    // Like the `Value` validator: nothing after a type failure.
                    out.push(quote! { #f ok = false; });
                    break;
                }
                CheckKind::Type(_) => continue,
                CheckKind::Required(names) => {
                    let each: Vec<TokenStream> = names
                        .iter()
                        .map(|n| {
                            let present = self.present(view, n);
                            let lit = Literal::string(n);
                            let f = self.fail(c, quote! { Missing(#lit) }, false);
                            quote! { if !(#present) { #f failed!(ok); } }
                        })
                        .collect();
                    quote! { #(#each)* }
                }
                CheckKind::Properties(props) => {
                    let each: Vec<TokenStream> = props
                        .iter()
                        .map(|(name, id)| self.member(view, name, *id))
                        .collect();
                    quote! { #(#each)* }
                }
                CheckKind::PatternProperties(pats) => {
                    let mut each = Vec::new();
                    for (p, id) in pats {
                        let Ok(re) = eventsmith_core::validation::compile_pattern(p) else {
                            return self.whole_via_json(node);
                        };
                        let matching: Vec<String> = view
                            .fields
                            .iter()
                            .filter(|f| re.find(&f.json_name).is_some())
                            .map(|f| f.json_name.clone())
                            .collect();
                        if !matching.is_empty() {
                            // Fields and unknown members interleave in the
                            // payload's order, which the struct does not keep.
                            self.inexact();
                        }
                        for name in matching {
                            each.push(self.member(view, &name, *id));
                        }
                        if let Some((extra, xty)) = &view.extra {
                            let pat = self.statics.pattern(p);
                            let call = self.sub(*id, xty, quote! { m }, quote! { &at.key(k) });
                            if call.to_string() != "true" {
                                let (counter, count) = entry_failures(xty);
                                each.push(quote! {
                                    #counter
                                    for (k, m) in #extra.iter() {
                                        if #pat.is_match(k) && !#call {
                                            #count
                                            failed!(ok);
                                        }
                                    }
                                });
                            }
                        }
                    }
                    quote! { #(#each)* }
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
                            Err(_) => {
                                return self.whole_via_json(node);
                            }
                        }
                    }
                    let always_false = matches!(
                        self.graph.node(target(self.graph, *schema)).body,
                        Body::Always(false)
                    );
                    let mut each = Vec::new();
                    let loose: Vec<String> = view
                        .fields
                        .iter()
                        .filter(|f| {
                            !known.contains(&f.json_name)
                                && !res.iter().any(|re| re.find(&f.json_name).is_some())
                        })
                        .map(|f| f.json_name.clone())
                        .collect();
                    if !loose.is_empty() {
                        self.inexact();
                    }
                    for name in loose {
                        if always_false {
                            let present = self.present(view, &name);
                            let lit = Literal::string(&name);
                            let path = Literal::string(&c.schema_path);
                            let kw = Literal::string(c.keyword);
                            each.push(quote! {
                                if #present {
                                    s.fail(&at.key(#lit), #path, #kw, validation::Msg::UnexpectedProperty(#lit));
                                    failed!(ok);
                                }
                            });
                        } else {
                            each.push(self.member(view, &name, *schema));
                        }
                    }
                    if let Some((extra, xty)) = &view.extra {
                        let lits = known.iter().map(|k| Literal::string(k));
                        let is_known = if known.is_empty() {
                            quote! { false }
                        } else {
                            quote! { matches!(k.as_str(), #(#lits)|*) }
                        };
                        let pats: Vec<proc_macro2::Ident> =
                            patterns.iter().map(|p| self.statics.pattern(p)).collect();
                        let by_pattern = if pats.is_empty() {
                            quote! { false }
                        } else {
                            quote! { #(#pats.is_match(k))||* }
                        };
                        let apply = if always_false {
                            let path = Literal::string(&c.schema_path);
                            let kw = Literal::string(c.keyword);
                            quote! {
                                s.fail(&at.key(k), #path, #kw, validation::Msg::UnexpectedProperty(k));
                                false
                            }
                        } else {
                            self.sub(*schema, xty, quote! { m }, quote! { &at.key(k) })
                        };
                        if apply.to_string() != "true" {
                            let (counter, count) = entry_failures(xty);
                            each.push(quote! {
                                #counter
                                for (k, m) in #extra.iter() {
                                    if #is_known || #by_pattern { continue; }
                                    let member_ok = { #apply };
                                    if !member_ok {
                                        #count
                                        failed!(ok);
                                    }
                                }
                            });
                        }
                    }
                    quote! { #(#each)* }
                }
                CheckKind::MinProperties(n) | CheckKind::MaxProperties(n) => {
                    let count = self.count(view);
                    let (op, variant) = if matches!(c.kind, CheckKind::MinProperties(_)) {
                        (quote! { >= }, quote! { MinProperties })
                    } else {
                        (quote! { <= }, quote! { MaxProperties })
                    };
                    let f = self.fail(c, quote! { #variant(#n, count) }, false);
                    quote! {
                        let count: usize = #count;
                        if !(count as u64 #op #n) { #f failed!(ok); }
                    }
                }
                CheckKind::DependentRequired(deps) => {
                    let each: Vec<TokenStream> = deps
                        .iter()
                        .map(|(trigger, needed)| {
                            let t = self.present(view, trigger);
                            let tl = Literal::string(trigger);
                            let inner: Vec<TokenStream> = needed
                                .iter()
                                .map(|n| {
                                    let p = self.present(view, n);
                                    let nl = Literal::string(n);
                                    let f =
                                        self.fail(c, quote! { DependentRequired(#nl, #tl) }, false);
                                    quote! { if !(#p) { #f failed!(ok); } }
                                })
                                .collect();
                            quote! { if #t { #(#inner)* } }
                        })
                        .collect();
                    quote! { #(#each)* }
                }
                CheckKind::DependentSchemas(deps) => {
                    let each: Vec<TokenStream> = deps
                        .iter()
                        .map(|(trigger, id)| {
                            let t = self.present(view, trigger);
                            let call = self.sub(*id, ty, quote! { v }, quote! { at });
                            quote! { if #t && !#call { failed!(ok); } }
                        })
                        .collect();
                    quote! { #(#each)* }
                }
                CheckKind::PropertyNames(_)
                | CheckKind::UnevaluatedProperties(_)
                | CheckKind::Enum(_)
                | CheckKind::Const(_) => {
                    return self.whole_via_json(node);
                }
                _ => match self.applicator(c, &|w, id, sink| {
                    w.call(id, ty, quote! { v }, &quote! { at }, sink)
                }) {
                    Some(stmt) => stmt,
                    // Keywords of other types.
                    None => continue,
                },
            };
            out.push(stmt);
        }
        quote! { #(#out)* }
    }

    /// The whole node by the `Value` validator, instead of the statements
    /// written so far for it.
    fn whole_via_json(&mut self, node: NodeId) -> TokenStream {
        let call = self.via_json(node, &quote! { v }, &quote! { at }, &quote! { s });
        self.whole = Some(call);
        quote! {}
    }

    /// The checks of `node` on a `Vec<inner>` (`v`), as statements.
    fn array(&mut self, node: NodeId, ty: &Ty, inner: &Ty, checks: &[Check]) -> TokenStream {
        let mut out = Vec::new();
        for c in checks {
            let stmt = match &c.kind {
                CheckKind::Type(set) if !set.has(TypeSet::ARRAY) => {
                    let expected = Literal::string(&set.describe());
                    let f = self.fail(c, quote! { Type(#expected, &j) }, true);
                    // Like the `Value` validator: nothing after a type failure.
                    out.push(quote! { #f ok = false; });
                    break;
                }
                CheckKind::Type(_) => continue,
                CheckKind::MinItems(n) => {
                    let f = self.fail(c, quote! { MinItems(#n, v.len()) }, false);
                    quote! { if !(v.len() as u64 >= #n) { #f failed!(ok); } }
                }
                CheckKind::MaxItems(n) => {
                    let f = self.fail(c, quote! { MaxItems(#n, v.len()) }, false);
                    quote! { if !(v.len() as u64 <= #n) { #f failed!(ok); } }
                }
                CheckKind::Items { start, schema } => {
                    if matches!(
                        self.graph.node(target(self.graph, *schema)).body,
                        Body::Always(false)
                    ) {
                        let max = *start as u64;
                        let f = self.fail(c, quote! { MaxItems(#max, v.len()) }, false);
                        quote! { if v.len() > #start { #f failed!(ok); } }
                    } else {
                        let call =
                            self.sub(*schema, inner, quote! { item }, quote! { &at.index(i) });
                        if call.to_string() == "true" {
                            continue;
                        }
                        quote! {
                            for (i, item) in v.iter().enumerate().skip(#start) {
                                if !#call { failed!(ok); }
                            }
                        }
                    }
                }
                CheckKind::PrefixItems(ids) => {
                    let each: Vec<TokenStream> = ids
                        .iter()
                        .enumerate()
                        .map(|(i, id)| {
                            let call = self.sub(*id, inner, quote! { item }, quote! { &at.index(#i) });
                            quote! { if let ::std::option::Option::Some(item) = v.get(#i) { if !#call { failed!(ok); } } }
                        })
                        .collect();
                    quote! { #(#each)* }
                }
                CheckKind::Contains { schema, min, max } => {
                    let p = self.call(
                        *schema,
                        inner,
                        quote! { item },
                        &quote! { at },
                        &quote! { &mut validation::Probe },
                    );
                    let max_tok = match max {
                        Some(m) => quote! { ::std::option::Option::Some(#m) },
                        None => quote! { ::std::option::Option::None },
                    };
                    let at_least = if *min == 0 {
                        quote! { true }
                    } else {
                        quote! { found >= #min }
                    };
                    let f = self.fail(c, quote! { Contains(found, #min, #max_tok) }, false);
                    quote! {
                        let found = v.iter().filter(|item| { let item = *item; #p }).count() as u64;
                        let max: ::std::option::Option<u64> = #max_tok;
                        if !(#at_least && max.is_none_or(|m| found <= m)) { #f failed!(ok); }
                    }
                }
                CheckKind::UniqueItems => {
                    // The message carries no value, so serializing is exact.
                    let rt = self.rt;
                    let f = self.fail(c, quote! { UniqueItems }, false);
                    quote! {
                        let unique = match #rt::__private::serde_json::to_value(v) {
                            ::std::result::Result::Ok(#rt::__private::serde_json::Value::Array(a)) => validation::all_unique(&a),
                            _ => false,
                        };
                        if !unique { #f failed!(ok); }
                    }
                }
                CheckKind::UnevaluatedItems(_) | CheckKind::Enum(_) | CheckKind::Const(_) => {
                    return self.whole_via_json(node);
                }
                _ => match self.applicator(c, &|w, id, sink| {
                    w.call(id, ty, quote! { v }, &quote! { at }, sink)
                }) {
                    Some(stmt) => stmt,
                    None => continue,
                },
            };
            out.push(stmt);
        }
        quote! { #(#out)* }
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

    /// Member `name`, when present, against `node`, as a statement.
    fn member(&mut self, view: &ObjectView<'_>, name: &str, node: NodeId) -> TokenStream {
        let lit = Literal::string(name);
        let at = quote! { &at.key(#lit) };
        if let Some((access, f)) = view.field(name) {
            let ty = f.ty.clone();
            return match f.presence {
                Presence::Required => {
                    let call = self.sub(node, &ty, quote! { &#access }, at);
                    if call.to_string() == "true" {
                        return quote! {};
                    }
                    quote! { if !#call { failed!(ok); } }
                }
                Presence::Optional => {
                    let call = self.sub(node, &ty, quote! { m }, at);
                    if call.to_string() == "true" {
                        return quote! {};
                    }
                    quote! { if let ::std::option::Option::Some(m) = &#access { if !#call { failed!(ok); } } }
                }
            };
        }
        match &view.extra {
            Some((extra, xty)) => {
                let xty = xty.clone();
                let extra = extra.clone();
                let call = self.sub(node, &xty, quote! { m }, at);
                if call.to_string() == "true" {
                    return quote! {};
                }
                quote! { if let ::std::option::Option::Some(m) = #extra.get(#lit) { if !#call { failed!(ok); } } }
            }
            None => quote! {},
        }
    }

    /// How many members the object has (a `usize`).
    fn count(&self, view: &ObjectView<'_>) -> TokenStream {
        let mut terms = Vec::new();
        for f in view.fields {
            let n = ident(&f.rust_name);
            terms.push(match f.presence {
                Presence::Required => quote! { 1usize },
                Presence::Optional => quote! { usize::from(v.#n.is_some()) },
            });
        }
        if let Some((extra, _)) = &view.extra {
            terms.push(quote! { #extra.len() });
        }
        if terms.is_empty() {
            return quote! { 0usize };
        }
        quote! { #(#terms)+* }
    }

    /// `fn sN<S: Sink>(t: &str, at, s) -> bool`: node `node` on a string.
    fn string_fn(&mut self, node: NodeId) -> TokenStream {
        let rt = self.rt;
        let name = string_fn_name(self.graph, node);
        self.current = Some(name.to_string());
        self.info
            .entry(name.to_string())
            .or_insert_with(|| (true, BTreeSet::new()));
        let body = match &self.graph.node(node).body {
            Body::Always(true) => quote! { true },
            Body::Always(false) => {
                let origin = Literal::string(&self.graph.node(node).origin);
                quote! {
                    s.fail(at, #origin, "false", validation::Msg::False);
                    false
                }
            }
            Body::Checks(checks) => {
                let checks = checks.clone();
                let mut out = Vec::new();
                for c in &checks {
                    let json_fail = |w: &Self, msg: TokenStream| {
                        let path = Literal::string(&c.schema_path);
                        let kw = Literal::string(c.keyword);
                        let _ = w;
                        quote! {
                            let j = #rt::__private::serde_json::Value::from(t);
                            s.fail(at, #path, #kw, validation::Msg::#msg);
                        }
                    };
                    let stmt = match &c.kind {
                        CheckKind::Type(set) if !set.has(TypeSet::STRING) => {
                            let expected = Literal::string(&set.describe());
                            let f = json_fail(self, quote! { Type(#expected, &j) });
                            out.push(quote! { #f ok = false; });
                            break;
                        }
                        CheckKind::Type(_) => continue,
                        CheckKind::Enum(values) => {
                            let lits: Vec<Literal> = values
                                .iter()
                                .filter_map(Value::as_str)
                                .map(Literal::string)
                                .collect();
                            let cond = if lits.is_empty() {
                                quote! { false }
                            } else {
                                quote! { matches!(t, #(#lits)|*) }
                            };
                            let shown = values.iter().map(|e| Literal::string(&preview(e)));
                            let f = json_fail(self, quote! { EnumShown(&[#(#shown),*], &j) });
                            quote! { if !(#cond) { #f failed!(ok); } }
                        }
                        CheckKind::Const(expected) => {
                            let cond = match expected {
                                Value::String(x) => {
                                    let lit = Literal::string(x);
                                    quote! { t == #lit }
                                }
                                _ => quote! { false },
                            };
                            let shown = Literal::string(&preview(expected));
                            let f = json_fail(self, quote! { ConstShown(#shown, &j) });
                            quote! { if !(#cond) { #f failed!(ok); } }
                        }
                        CheckKind::MinLength(n) => {
                            let f = self.fail(c, quote! { MinLength(#n, t) }, false);
                            quote! { if validation::char_len(t) < #n { #f failed!(ok); } }
                        }
                        CheckKind::MaxLength(n) => {
                            let f = self.fail(c, quote! { MaxLength(#n, t) }, false);
                            quote! { if validation::char_len(t) > #n { #f failed!(ok); } }
                        }
                        CheckKind::Pattern(p) => {
                            let re = self.statics.pattern(p);
                            let lit = Literal::string(p);
                            let f = self.fail(c, quote! { Pattern(#lit, t) }, false);
                            quote! { if !#re.is_match(t) { #f failed!(ok); } }
                        }
                        CheckKind::Format(format) => {
                            let variant = format_ident!("{}", format!("{format:?}"));
                            let fname = Literal::string(format.name());
                            let f = self.fail(c, quote! { Format(#fname, t) }, false);
                            quote! { if !#rt::formats::Format::#variant.check(t) { #f failed!(ok); } }
                        }
                        _ => match self.applicator(c, &|w, id, sink| {
                            let f = w.string(id);
                            quote! { #f(t, at, #sink) }
                        }) {
                            Some(stmt) => stmt,
                            // Keywords of other types.
                            None => continue,
                        },
                    };
                    out.push(stmt);
                }
                quote! {
                    let mut ok = true;
                    #(#out)*
                    ok
                }
            }
        };
        self.current = None;
        let doc = format!(
            " `{}` on a string.",
            self.graph.node(node).origin.escape_default()
        );
        quote! {
            #[doc = #doc]
            pub(crate) fn #name<S: validation::Sink>(t: &str, at: &validation::Path<'_>, s: &mut S) -> bool {
                let _ = (t, at, &s);
                #body
            }
        }
    }
}

/// What a check over the unknown members kept as `ty` does when one of them
/// fails. A typed map (`BTreeMap`: anything but `Value` members) is visited
/// in key order, the object it came from in its members' order (under
/// serde_json's `preserve_order`): once two entries have failed, the errors
/// may be out of the `Value` validators' order, and the sink is told
/// (`Sink::unordered`; the caller then asks the `Value` path).
/// Returns the counter's declaration and what a failure does with it.
fn entry_failures(ty: &Ty) -> (TokenStream, TokenStream) {
    if *ty == Ty::Value {
        return (quote! {}, quote! {});
    }
    (
        quote! { let mut failed_entries = 0usize; },
        quote! {
            failed_entries += 1;
            if failed_entries == 2 { s.unordered(); }
        },
    )
}

/// A type for docs: `Thing`, `an array`, `a map`.
fn describe(types: &TypeGraph, ty: &Ty) -> String {
    match ty {
        Ty::Named(id) => format!("`{}`", types.get(*id).name.trim_start_matches("r#")),
        Ty::Vec(_) => "An array".to_owned(),
        Ty::Map(_) => "A map".to_owned(),
        _ => "A value".to_owned(),
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
