//! Validator IR → Rust: one generic function per node, monomorphised for the
//! collecting and the probing sink. Patterns are compiled once into statics.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::ir::validator::{Body, Check, CheckKind, Graph, NodeId, TypeSet, annotating_targets};
use eventsmith_core::Num;
use eventsmith_core::validation::preview;

/// Emits the functions of `nodes` (ids into `graph`), with `rt` the runtime path.
pub fn emit(graph: &Graph, nodes: &[NodeId], rt: &TokenStream) -> TokenStream {
    emit_with_typed(graph, nodes, rt, None).0
}

/// [`emit`], plus the validators of decoded values for `typed` (see
/// [`super::typed`]).
pub fn emit_with_typed(
    graph: &Graph,
    nodes: &[NodeId],
    rt: &TokenStream,
    typed: Option<&super::typed::TypedRoots<'_>>,
) -> (TokenStream, Vec<super::typed::TypedRoot>) {
    let mut statics = Statics::default();
    // A node that is only a `$ref` gets no function: its callers call the
    // target (see `target`).
    let fns: Vec<TokenStream> = nodes
        .iter()
        .filter(|id| target(graph, **id) == **id)
        .map(|id| node_fn(graph, *id, rt, &mut statics))
        .collect();
    let evals: Vec<TokenStream> = needs_evaluation(graph, nodes)
        .into_iter()
        .filter(|id| target(graph, *id) == *id)
        .map(|id| eval_fn(graph, id, rt, &mut statics))
        .collect();
    let (typed_fns, typed_roots) = match typed {
        Some(roots) => super::typed::emit(graph, roots, rt, &mut statics),
        None => (Vec::new(), Vec::new()),
    };
    let patterns = statics.patterns.iter().map(|(src, name)| {
        let lit = Literal::string(src);
        // Simple patterns become a byte loop with the same `is_match`.
        let Some(simple) = super::pattern::Simple::parse(src) else {
            return quote! { static #name: #rt::validation::LazyPattern = #rt::validation::LazyPattern::new(#lit); };
        };
        let ty = format_ident!("{}", name.to_string().to_lowercase().split('_').map(|w| w[..1].to_uppercase() + &w[1..]).collect::<String>());
        let body = simple.emit();
        let doc = format!(" `{}` without a regular-expression engine.", src.escape_default());
        quote! {
            #[doc = #doc]
            struct #ty;
            impl #ty {
                #[inline]
                fn is_match(&self, t: &str) -> bool { #body }
            }
            static #name: #ty = #ty;
        }
    });
    let values = statics.values.iter().map(|(src, name)| {
        let lit = Literal::string(src);
        quote! {
            static #name: ::std::sync::LazyLock<#rt::__private::serde_json::Value> =
                ::std::sync::LazyLock::new(|| #rt::validation::json_literal(#lit));
        }
    });
    // Only when some check uses it: an unused macro would warn.
    let used = fns
        .iter()
        .chain(&typed_fns)
        .any(|f| f.to_string().contains("failed !"));
    let failed = if used {
        quote! {
            /// Records that a check failed; a probing sink stops at the first.
            macro_rules! failed {
                ($ok:ident) => {
                    $ok = false;
                    if !S::COLLECT {
                        return false;
                    }
                };
            }
        }
    } else {
        quote! {}
    };
    let tokens = quote! {
        #![allow(unused_mut, unused_variables, unused_assignments, clippy::needless_return, clippy::collapsible_if, clippy::nonminimal_bool)]
        #[allow(unused_imports)]
        use #rt::validation;
        #failed
        #(#patterns)*
        #(#values)*
        #(#fns)*
        #(#evals)*
        #(#typed_fns)*
    };
    (tokens, typed_roots)
}

/// The node whose function validates node `id`: `id` itself, or, when `id`
/// only holds a `$ref` (no other keyword, so it validates, reports and
/// evaluates exactly as its target does), the end of that chain of `$ref`s.
/// A cycle of such nodes keeps its nodes.
pub fn target(graph: &Graph, id: NodeId) -> NodeId {
    let mut at = id;
    for _ in 0..graph.nodes.len() {
        match &graph.node(at).body {
            Body::Checks(checks) => match checks.as_slice() {
                [
                    Check {
                        kind: CheckKind::Ref(next),
                        ..
                    },
                ] => at = *next,
                _ => return at,
            },
            Body::Always(_) => return at,
        }
    }
    id
}

/// The name of the function that validates node `id` (see [`target`]).
pub fn entry_fn_name(graph: &Graph, id: NodeId) -> proc_macro2::Ident {
    fn_name(target(graph, id))
}

/// The name of the function collecting what node `id` evaluates (for
/// `unevaluatedProperties`/`unevaluatedItems`).
pub fn eval_fn_name(id: NodeId) -> proc_macro2::Ident {
    format_ident!("e{}", id)
}

/// The subschemas whose annotations an `unevaluated*` keyword reads: the
/// nodes holding one, and every node they reach through in-place
/// applicators (`allOf`, `anyOf`, `oneOf`, `if`/`then`/`else`,
/// `dependentSchemas`, `$ref`, `$dynamicRef`; not `not`, whose annotations
/// are dropped).
pub fn needs_evaluation(graph: &Graph, nodes: &[NodeId]) -> BTreeSet<NodeId> {
    let mut out = BTreeSet::new();
    let mut work: Vec<NodeId> = nodes
        .iter()
        .copied()
        .filter(|id| {
            matches!(&graph.node(*id).body, Body::Checks(cs) if cs.iter().any(|c| matches!(c.kind, CheckKind::UnevaluatedProperties(_) | CheckKind::UnevaluatedItems(_))))
        })
        .collect();
    while let Some(id) = work.pop() {
        if !out.insert(id) {
            continue;
        }
        if let Body::Checks(checks) = &graph.node(id).body {
            work.extend(checks.iter().flat_map(|c| annotating_targets(&c.kind)));
        }
    }
    out
}

/// True when node `id` holds `unevaluatedProperties` (`.0`) / `unevaluatedItems` (`.1`).
fn has_unevaluated(graph: &Graph, id: NodeId) -> (bool, bool) {
    match &graph.node(id).body {
        Body::Checks(cs) => (
            cs.iter()
                .any(|c| matches!(c.kind, CheckKind::UnevaluatedProperties(_))),
            cs.iter()
                .any(|c| matches!(c.kind, CheckKind::UnevaluatedItems(_))),
        ),
        Body::Always(_) => (false, false),
    }
}

/// `eN(v, e)`: adds what node `id`'s own keywords evaluated in `v` (its
/// `unevaluated*` aside, which the caller accounts for), assuming `v` is
/// valid against it. So `allOf`, `$ref`, `then`/`else` and triggered
/// `dependentSchemas` members count as they are (they validate when the node
/// does; when it does not, not reporting their members again keeps one
/// failure from cascading), while `anyOf`/`oneOf` branches and the `if`
/// condition count only when they validate.
fn eval_fn(graph: &Graph, id: NodeId, rt: &TokenStream, statics: &mut Statics) -> TokenStream {
    let name = eval_fn_name(id);
    let probe = |n: &NodeId| {
        let f = entry_fn_name(graph, *n);
        quote! { #f(v, &validation::Path::Root, &mut validation::Probe) }
    };
    // Adds node `n`'s annotations (when `v` is valid against it, if `check`);
    // an alias adds its target's.
    let include = |n: &NodeId, check: bool| {
        let n = &target(graph, *n);
        if matches!(graph.node(*n).body, Body::Always(_)) {
            return quote! {};
        }
        let e = eval_fn_name(*n);
        let (props, items) = has_unevaluated(graph, *n);
        let props = if props {
            quote! { e.all_properties(); }
        } else {
            quote! {}
        };
        let items = if items {
            quote! { e.all_items(); }
        } else {
            quote! {}
        };
        if check {
            let p = probe(n);
            quote! { if #p { #e(v, e); #props #items } }
        } else {
            quote! { #e(v, e); #props #items }
        }
    };
    let mut parts = Vec::new();
    if let Body::Checks(checks) = &graph.node(id).body {
        for c in checks {
            parts.push(match &c.kind {
                CheckKind::Properties(props) => {
                    let lits = props.iter().map(|(n, _)| Literal::string(n));
                    quote! {
                        if let Some(o) = v.as_object() {
                            for name in [#(#lits),*] {
                                if let Some((k, _)) = o.get_key_value(name) { e.property(k); }
                            }
                        }
                    }
                }
                // `patternProperties: {}` evaluates nothing (and `if {}` would not parse).
                CheckKind::PatternProperties(pats) if pats.is_empty() => quote! {},
                CheckKind::PatternProperties(pats) => {
                    let res: Vec<proc_macro2::Ident> = pats.iter().map(|(p, _)| statics.pattern(p)).collect();
                    quote! {
                        if let Some(o) = v.as_object() {
                            for k in o.keys() {
                                if #(#res.is_match(k))||* { e.property(k); }
                            }
                        }
                    }
                }
                CheckKind::AdditionalProperties { .. } => quote! { if v.is_object() { e.all_properties(); } },
                CheckKind::PrefixItems(ids) => {
                    let n = ids.len();
                    quote! { e.prefix(#n); }
                }
                CheckKind::Items { .. } => quote! { if v.is_array() { e.all_items(); } },
                CheckKind::Contains { schema, .. } => {
                    let f = entry_fn_name(graph, *schema);
                    quote! {
                        if let Some(a) = v.as_array() {
                            for (i, item) in a.iter().enumerate() {
                                if #f(item, &validation::Path::Root, &mut validation::Probe) { e.item(i); }
                            }
                        }
                    }
                }
                CheckKind::AllOf(ids) => {
                    let each = ids.iter().map(|n| include(n, false));
                    quote! { #(#each)* }
                }
                CheckKind::AnyOf(ids) | CheckKind::OneOf(ids) => {
                    let each = ids.iter().map(|n| include(n, true));
                    quote! { #(#each)* }
                }
                CheckKind::Ref(n) => include(n, false),
                CheckKind::DependentSchemas(deps) => {
                    let each = deps.iter().map(|(trigger, n)| {
                        let t = Literal::string(trigger);
                        let inc = include(n, false);
                        quote! { if validation::has(o, #t) { #inc } }
                    });
                    quote! { if let Some(o) = v.as_object() { #(#each)* } }
                }
                CheckKind::IfThenElse { condition, then, otherwise } => {
                    let cond = probe(condition);
                    let cond_inc = include(condition, false);
                    let then_inc = then.as_ref().map(|n| include(n, false)).unwrap_or_default();
                    let else_inc = otherwise.as_ref().map(|n| include(n, false)).unwrap_or_default();
                    quote! { if #cond { #cond_inc #then_inc } else { #else_inc } }
                }
                _ => quote! {},
            });
        }
    }
    let doc = format!(" What `n{id}` evaluates, for `unevaluatedProperties`/`unevaluatedItems`.");
    quote! {
        #[doc = #doc]
        pub(crate) fn #name<'v>(v: &'v #rt::__private::serde_json::Value, e: &mut validation::Evaluated<'v>) {
            #(#parts)*
        }
    }
}

/// The name of node `id`'s function.
pub fn fn_name(id: NodeId) -> proc_macro2::Ident {
    format_ident!("n{}", id)
}

/// The statics of a validators module (patterns, JSON literals), shared by
/// its functions.
#[derive(Default)]
pub(super) struct Statics {
    patterns: BTreeMap<String, proc_macro2::Ident>,
    values: BTreeMap<String, proc_macro2::Ident>,
}

impl Statics {
    pub(super) fn pattern(&mut self, src: &str) -> proc_macro2::Ident {
        let n = self.patterns.len();
        self.patterns
            .entry(src.to_owned())
            .or_insert_with(|| format_ident!("PATTERN_{}", n))
            .clone()
    }

    fn value(&mut self, v: &Value) -> proc_macro2::Ident {
        let n = self.values.len();
        self.values
            .entry(v.to_string())
            .or_insert_with(|| format_ident!("VALUE_{}", n))
            .clone()
    }
}

fn node_fn(graph: &Graph, id: NodeId, rt: &TokenStream, statics: &mut Statics) -> TokenStream {
    let node = graph.node(id);
    let name = fn_name(id);
    // Doc comments cannot hold bare CR (a member name may contain one).
    let shown: String = node
        .origin
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    let doc = format!(" `{shown}`");
    let origin = Literal::string(&node.origin);
    let body = match &node.body {
        Body::Always(true) => quote! { let _ = (v, at, s); true },
        Body::Always(false) => quote! {
            let _ = v;
            s.fail(at, #origin, "false", validation::Msg::False);
            false
        },
        Body::Checks(checks) => {
            let checks: Vec<TokenStream> = checks
                .iter()
                .map(|c| check(graph, id, c, rt, statics))
                .collect();
            quote! {
                let mut ok = true;
                #(#checks)*
                ok
            }
        }
    };
    quote! {
        #[doc = #doc]
        pub(crate) fn #name<S: #rt::validation::Sink>(
            v: &#rt::__private::serde_json::Value,
            at: &#rt::validation::Path<'_>,
            s: &mut S,
        ) -> bool {
            #body
        }
    }
}

/// `if !(cond) { fail; ok = false; early return }` around a check.
fn failing(cond_ok: TokenStream, fail: TokenStream) -> TokenStream {
    quote! {
        if !(#cond_ok) {
            #fail
            failed!(ok);
        }
    }
}

fn num_lit(n: Num, rt: &TokenStream) -> TokenStream {
    match n {
        Num::I(i) => quote! { #rt::validation::Num::I(#i) },
        Num::U(u) => quote! { #rt::validation::Num::U(#u) },
        Num::F(f) => {
            let lit = Literal::f64_suffixed(f);
            quote! { #rt::validation::Num::F(#lit) }
        }
    }
}

fn type_test(set: TypeSet) -> TokenStream {
    let mut tests = Vec::new();
    if set.has(TypeSet::NULL) {
        tests.push(quote! { v.is_null() });
    }
    if set.has(TypeSet::BOOLEAN) {
        tests.push(quote! { v.is_boolean() });
    }
    if set.has(TypeSet::OBJECT) {
        tests.push(quote! { v.is_object() });
    }
    if set.has(TypeSet::ARRAY) {
        tests.push(quote! { v.is_array() });
    }
    if set.has(TypeSet::STRING) {
        tests.push(quote! { v.is_string() });
    }
    if set.has(TypeSet::NUMBER) {
        tests.push(quote! { v.is_number() });
    } else if set.has(TypeSet::INTEGER) {
        tests.push(quote! { v.as_number().is_some_and(validation::is_integer) });
    }
    if tests.is_empty() {
        return quote! { false };
    }
    quote! { #(#tests)||* }
}

fn check(
    graph: &Graph,
    owner: NodeId,
    c: &Check,
    rt: &TokenStream,
    statics: &mut Statics,
) -> TokenStream {
    let path = Literal::string(&c.schema_path);
    let kw = Literal::string(c.keyword);
    let fail = |msg: TokenStream| quote! { s.fail(at, #path, #kw, validation::Msg::#msg); };
    let call = |id: &NodeId, value: TokenStream, at: TokenStream| {
        let f = entry_fn_name(graph, *id);
        quote! { #f(#value, #at, s) }
    };
    let probe = |id: &NodeId, value: TokenStream| {
        let f = entry_fn_name(graph, *id);
        quote! { #f(#value, at, &mut #rt::validation::Probe) }
    };
    let always_false = |id: &NodeId| matches!(graph.node(*id).body, Body::Always(false));
    // `additionalProperties` and `unevaluatedProperties` apply their schema
    // to member `m` named `k`; a `false` schema reports the member.
    let apply_to_member = |schema: &NodeId| {
        if always_false(schema) {
            quote! {
                s.fail(&at.key(k), #path, #kw, validation::Msg::UnexpectedProperty(k));
                false
            }
        } else {
            call(schema, quote! { m }, quote! { &at.key(k) })
        }
    };
    match &c.kind {
        CheckKind::Type(set) => {
            let test = type_test(*set);
            let expected = Literal::string(&set.describe());
            quote! {
                if !(#test) {
                    s.fail(at, #path, #kw, validation::Msg::Type(#expected, v));
                    return false;
                }
            }
        }
        CheckKind::Enum(values) => {
            let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
            let cond = if values.is_empty() {
                quote! { false }
            } else if strings.len() == values.len() {
                let lits = strings.iter().map(|s| Literal::string(s));
                quote! { matches!(v.as_str(), Some(#(#lits)|*)) }
            } else {
                let all = statics.value(&Value::Array(values.clone()));
                quote! { #all.as_array().is_some_and(|all| all.iter().any(|e| validation::json_equal(e, v))) }
            };
            let shown = values.iter().map(|e| Literal::string(&preview(e)));
            failing(cond, fail(quote! { EnumShown(&[#(#shown),*], v) }))
        }
        CheckKind::Const(expected) => {
            let cond = match expected {
                Value::String(s) => {
                    let lit = Literal::string(s);
                    quote! { v.as_str() == Some(#lit) }
                }
                Value::Bool(b) => quote! { v.as_bool() == Some(#b) },
                Value::Null => quote! { v.is_null() },
                other => {
                    let name = statics.value(other);
                    quote! { validation::json_equal(&#name, v) }
                }
            };
            let shown = Literal::string(&preview(expected));
            failing(cond, fail(quote! { ConstShown(#shown, v) }))
        }
        CheckKind::Required(names) => {
            let lits = names.iter().map(|n| Literal::string(n));
            let f = fail(quote! { Missing(name) });
            // Probing: count the members that are required names in one
            // pass (no hashing); distinct names, so all are there iff the
            // count matches.
            let distinct: BTreeSet<&str> = names.iter().map(String::as_str).collect();
            let probe_fast = if distinct.is_empty() {
                quote! {}
            } else {
                let n = distinct.len();
                let lits = distinct.iter().map(|n| Literal::string(n));
                quote! {
                    if !S::COLLECT {
                        let mut found = 0usize;
                        for k in o.keys() {
                            if matches!(k.as_str(), #(#lits)|*) { found += 1; }
                        }
                        if found != #n { return false; }
                    } else
                }
            };
            quote! {
                if let Some(o) = v.as_object() {
                    #probe_fast {
                        for name in [#(#lits),*] {
                            if !validation::has(o, name) {
                                #f
                                failed!(ok);
                            }
                        }
                    }
                }
            }
        }
        CheckKind::Properties(props) => {
            let each = props.iter().map(|(name, id)| {
                let lit = Literal::string(name);
                let c = call(id, quote! { m }, quote! { &at.key(#lit) });
                quote! {
                    if let Some(m) = validation::get(o, #lit) {
                        if !#c { failed!(ok); }
                    }
                }
            });
            // One dispatch on the member name for both sinks: a collecting
            // sink visits the members named here in keyword order (errors
            // come in schema order), a probing one every member in one pass
            // (no lookups; the first failure ends it).
            let distinct: BTreeSet<&str> = props.iter().map(|(n, _)| n.as_str()).collect();
            if distinct.len() != props.len() || props.is_empty() {
                return quote! { if let Some(o) = v.as_object() { #(#each)* } };
            }
            let lits = props.iter().map(|(name, _)| Literal::string(name));
            let arms = props.iter().map(|(name, id)| {
                let lit = Literal::string(name);
                let c = call(id, quote! { m }, quote! { &at.key(k) });
                quote! { #lit => #c, }
            });
            quote! {
                if let Some(o) = v.as_object() {
                    for (k, m) in validation::members(o, &[#(#lits),*], S::COLLECT) {
                        let member_ok = match k.as_str() { #(#arms)* _ => true };
                        if !member_ok { failed!(ok); }
                    }
                }
            }
        }
        CheckKind::PatternProperties(pats) => {
            let each = pats.iter().map(|(p, id)| {
                let re = statics.pattern(p);
                let c = call(id, quote! { m }, quote! { &at.key(k) });
                quote! {
                    for (k, m) in o {
                        if #re.is_match(k) && !#c { failed!(ok); }
                    }
                }
            });
            quote! { if let Some(o) = v.as_object() { #(#each)* } }
        }
        CheckKind::AdditionalProperties {
            known,
            patterns,
            schema,
        } => {
            let known = known.iter().map(|k| Literal::string(k));
            let pats: Vec<proc_macro2::Ident> =
                patterns.iter().map(|p| statics.pattern(p)).collect();
            let is_known = if known.len() == 0 {
                quote! { false }
            } else {
                quote! { matches!(k.as_str(), #(#known)|*) }
            };
            let by_pattern = if pats.is_empty() {
                quote! { false }
            } else {
                quote! { #(#pats.is_match(k))||* }
            };
            let apply = apply_to_member(schema);
            quote! {
                if let Some(o) = v.as_object() {
                    for (k, m) in o {
                        if #is_known || #by_pattern { continue; }
                        let member_ok = { #apply };
                        if !member_ok { failed!(ok); }
                    }
                }
            }
        }
        CheckKind::PropertyNames(id) => {
            let f = entry_fn_name(graph, *id);
            quote! {
                if let Some(o) = v.as_object() {
                    for k in o.keys() {
                        let name = #rt::__private::serde_json::Value::String(k.clone());
                        if !#f(&name, at, s) { failed!(ok); }
                    }
                }
            }
        }
        CheckKind::MinProperties(n) => count(
            quote! { as_object },
            quote! { >= },
            *n,
            quote! { MinProperties },
            &fail,
        ),
        CheckKind::MaxProperties(n) => count(
            quote! { as_object },
            quote! { <= },
            *n,
            quote! { MaxProperties },
            &fail,
        ),
        CheckKind::DependentRequired(deps) => {
            let each = deps.iter().map(|(trigger, needed)| {
                let t = Literal::string(trigger);
                let inner = needed.iter().map(|n| {
                    let nl = Literal::string(n);
                    failing(
                        quote! { validation::has(o, #nl) },
                        fail(quote! { DependentRequired(#nl, #t) }),
                    )
                });
                quote! { if validation::has(o, #t) { #(#inner)* } }
            });
            quote! { if let Some(o) = v.as_object() { #(#each)* } }
        }
        CheckKind::DependentSchemas(deps) => {
            let each = deps.iter().map(|(trigger, id)| {
                let t = Literal::string(trigger);
                let c = call(id, quote! { v }, quote! { at });
                quote! { if validation::has(o, #t) && !#c { failed!(ok); } }
            });
            quote! { if let Some(o) = v.as_object() { #(#each)* } }
        }
        CheckKind::PrefixItems(ids) => {
            let each = ids.iter().enumerate().map(|(i, id)| {
                let c = call(id, quote! { item }, quote! { &at.index(#i) });
                quote! { if let Some(item) = a.get(#i) { if !#c { failed!(ok); } } }
            });
            quote! { if let Some(a) = v.as_array() { #(#each)* } }
        }
        CheckKind::Items { start, schema } => {
            if always_false(schema) {
                let max = *start as u64;
                let f = fail(quote! { MaxItems(#max, a.len()) });
                quote! { if let Some(a) = v.as_array() { if a.len() > #start { #f failed!(ok); } } }
            } else {
                let c = call(schema, quote! { item }, quote! { &at.index(i) });
                quote! {
                    if let Some(a) = v.as_array() {
                        for (i, item) in a.iter().enumerate().skip(#start) {
                            if !#c { failed!(ok); }
                        }
                    }
                }
            }
        }
        CheckKind::Contains { schema, min, max } => {
            let p = probe(schema, quote! { item });
            let max_tok = match max {
                Some(m) => quote! { ::std::option::Option::Some(#m) },
                None => quote! { ::std::option::Option::None },
            };
            let f = fail(quote! { Contains(found, #min, #max_tok) });
            // `minContains: 0` needs no lower bound (and `found >= 0` would warn).
            let at_least = if *min == 0 {
                quote! { true }
            } else {
                quote! { found >= #min }
            };
            quote! {
                if let Some(a) = v.as_array() {
                    let found = a.iter().filter(|item| #p).count() as u64;
                    let max: ::std::option::Option<u64> = #max_tok;
                    if !(#at_least && max.is_none_or(|m| found <= m)) {
                        #f
                        failed!(ok);
                    }
                }
            }
        }
        CheckKind::MinItems(n) => count(
            quote! { as_array },
            quote! { >= },
            *n,
            quote! { MinItems },
            &fail,
        ),
        CheckKind::MaxItems(n) => count(
            quote! { as_array },
            quote! { <= },
            *n,
            quote! { MaxItems },
            &fail,
        ),
        CheckKind::UniqueItems => {
            let f = fail(quote! { UniqueItems });
            quote! { if let Some(a) = v.as_array() { if !validation::all_unique(a) { #f failed!(ok); } } }
        }
        CheckKind::MinLength(n) => {
            let f = fail(quote! { MinLength(#n, t) });
            quote! { if let Some(t) = v.as_str() { if validation::char_len(t) < #n { #f failed!(ok); } } }
        }
        CheckKind::MaxLength(n) => {
            let f = fail(quote! { MaxLength(#n, t) });
            quote! { if let Some(t) = v.as_str() { if validation::char_len(t) > #n { #f failed!(ok); } } }
        }
        CheckKind::Pattern(p) => {
            let re = statics.pattern(p);
            let lit = Literal::string(p);
            let f = fail(quote! { Pattern(#lit, t) });
            quote! { if let Some(t) = v.as_str() { if !#re.is_match(t) { #f failed!(ok); } } }
        }
        CheckKind::Format(format) => {
            let variant = format_ident!("{}", format!("{format:?}"));
            let name = Literal::string(format.name());
            let f = fail(quote! { Format(#name, t) });
            quote! {
                if let Some(t) = v.as_str() {
                    if !#rt::formats::Format::#variant.check(t) { #f failed!(ok); }
                }
            }
        }
        CheckKind::Minimum(b) => bound(
            *b,
            quote! { != ::std::cmp::Ordering::Less },
            quote! { Minimum },
            rt,
            &fail,
        ),
        CheckKind::Maximum(b) => bound(
            *b,
            quote! { != ::std::cmp::Ordering::Greater },
            quote! { Maximum },
            rt,
            &fail,
        ),
        CheckKind::ExclusiveMinimum(b) => bound(
            *b,
            quote! { == ::std::cmp::Ordering::Greater },
            quote! { ExclusiveMinimum },
            rt,
            &fail,
        ),
        CheckKind::ExclusiveMaximum(b) => bound(
            *b,
            quote! { == ::std::cmp::Ordering::Less },
            quote! { ExclusiveMaximum },
            rt,
            &fail,
        ),
        CheckKind::MultipleOf(d) => {
            let lit = num_lit(*d, rt);
            let f = fail(quote! { MultipleOf(#lit, n) });
            quote! { if let Some(n) = v.as_number() { if !validation::is_multiple_of(n, #lit) { #f failed!(ok); } } }
        }
        CheckKind::AllOf(ids) => {
            let each = ids.iter().map(|id| {
                let c = call(id, quote! { v }, quote! { at });
                quote! { if !#c { failed!(ok); } }
            });
            quote! { #(#each)* }
        }
        CheckKind::AnyOf(ids) => {
            let tests = ids.iter().map(|id| probe(id, quote! { v }));
            let n = ids.len();
            let f = fail(quote! { AnyOf(#n) });
            failing(quote! { #(#tests)||* }, f)
        }
        CheckKind::OneOf(ids) => {
            let tests = ids.iter().map(|id| probe(id, quote! { v }));
            let n = ids.len();
            let f = fail(quote! { OneOf(valid, #n) });
            quote! {
                let valid = [#(#tests),*].iter().filter(|b| **b).count();
                if valid != 1 { #f failed!(ok); }
            }
        }
        CheckKind::Not(id) => {
            let p = probe(id, quote! { v });
            let f = fail(quote! { Not });
            failing(quote! { !#p }, f)
        }
        // A lone `if` asserts nothing (its annotations are read by `eval_fn`).
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
            let cond = probe(condition, quote! { v });
            let then_c = match then {
                Some(id) => call(id, quote! { v }, quote! { at }),
                None => quote! { true },
            };
            let else_c = match otherwise {
                Some(id) => call(id, quote! { v }, quote! { at }),
                None => quote! { true },
            };
            quote! {
                let branch_ok = if #cond { #then_c } else { #else_c };
                if !branch_ok { failed!(ok); }
            }
        }
        CheckKind::Ref(id) => {
            let c = call(id, quote! { v }, quote! { at });
            quote! { if !#c { failed!(ok); } }
        }
        CheckKind::UnevaluatedProperties(schema) => {
            let own = eval_fn_name(owner);
            let apply = apply_to_member(schema);
            quote! {
                if let Some(o) = v.as_object() {
                    let mut seen = validation::Evaluated::default();
                    #own(v, &mut seen);
                    for (k, m) in o {
                        if seen.has_property(k) { continue; }
                        let member_ok = { #apply };
                        if !member_ok { failed!(ok); }
                    }
                }
            }
        }
        CheckKind::UnevaluatedItems(schema) => {
            let own = eval_fn_name(owner);
            let apply = if always_false(schema) {
                quote! {
                    s.fail(&at.index(i), #path, #kw, validation::Msg::UnexpectedItem(i));
                    false
                }
            } else {
                call(schema, quote! { item }, quote! { &at.index(i) })
            };
            quote! {
                if let Some(a) = v.as_array() {
                    let mut seen = validation::Evaluated::default();
                    #own(v, &mut seen);
                    for (i, item) in a.iter().enumerate() {
                        if seen.has_item(i) { continue; }
                        let item_ok = { #apply };
                        if !item_ok { failed!(ok); }
                    }
                }
            }
        }
    }
}

fn count(
    access: TokenStream,
    op: TokenStream,
    n: u64,
    variant: TokenStream,
    fail: &dyn Fn(TokenStream) -> TokenStream,
) -> TokenStream {
    let f = fail(quote! { #variant(#n, x.len()) });
    quote! {
        if let Some(x) = v.#access() {
            if !(x.len() as u64 #op #n) { #f failed!(ok); }
        }
    }
}

fn bound(
    b: Num,
    test: TokenStream,
    variant: TokenStream,
    rt: &TokenStream,
    fail: &dyn Fn(TokenStream) -> TokenStream,
) -> TokenStream {
    let lit = num_lit(b, rt);
    let f = fail(quote! { #variant(#lit, n) });
    quote! {
        if let Some(n) = v.as_number() {
            if !(validation::Num::of(n).cmp_exact(#lit) #test) { #f failed!(ok); }
        }
    }
}
