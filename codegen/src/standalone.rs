//! Validators for standalone JSON Schema documents, outside any catalog.
//!
//! Each schema becomes one Rust module holding its validators as data (a
//! `VALIDATOR` static, exactly as generated bindings embed a source's) and
//! exposing `is_valid(&Value)` and `errors(&Value)`; or, without emitting,
//! a [`Validator`] to run directly ([`Lowered::validator`]). Every schema
//! is lowered on its own (its own registry and graph), so two schemas may
//! use the same `$id` without clashing. A schema the lowering refuses (an
//! unsupported keyword, an unresolvable `$ref`, …) is reported with its
//! diagnostics and not emitted. The conformance tests use this to run the
//! JSON-Schema-Test-Suite both ways.
//!
//! ```
//! use eventsmith_codegen::standalone::{self, Options};
//! let schemas = vec![
//!     ("small".to_owned(), serde_json::json!({"type": "integer", "maximum": 3})),
//!     ("refused".to_owned(), serde_json::json!({"$recursiveRef": "#"})),
//! ];
//! let (code, refused) = standalone::validators(&schemas, &Options::default());
//! assert!(code.contains("pub mod small"));
//! assert_eq!(refused.len(), 1);
//! assert_eq!(standalone::refusal_reason(&refused[0].1), "$recursiveRef");
//! ```

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use url::Url;

use eventsmith_core::validation::Validator;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::emit::program::{self, node_texts};
use crate::ir::validator::{FormatMode, Graph, LowerOptions, NodeId};
use crate::load::document::Document;
use crate::load::registry::{Loc, Registry};

/// How standalone schemas are lowered and emitted.
#[derive(Debug, Clone)]
pub struct Options {
    /// `format` behaviour: [`FormatMode::Annotate`] (the 2020-12 default) or
    /// [`FormatMode::Assert`].
    pub formats: FormatMode,
    /// Remote URL prefixes served from local directories
    /// (`http://localhost:1234/` → the test suite's `remotes/`).
    pub remotes: Vec<(String, PathBuf)>,
    /// Path of the runtime crate in generated code (`::eventsmith_core` or
    /// `::eventsmith`).
    pub runtime: String,
    /// Paths of remote files in messages are shown relative to this directory.
    pub relative_to: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            formats: FormatMode::Annotate,
            remotes: Vec::new(),
            runtime: "::eventsmith_core".to_owned(),
            relative_to: None,
        }
    }
}

/// One schema lowered into the validator IR, ready for the emitter or the
/// interpreter.
#[derive(Debug)]
pub struct Lowered {
    /// Every document read (the schema and the remotes it references).
    pub registry: Registry,
    /// The validator graph.
    pub graph: Graph,
    /// The node validating the whole schema.
    pub root: NodeId,
}

impl Lowered {
    /// The validator the runtime's engine runs, and the node of the whole
    /// schema in it.
    pub fn validator(&self) -> Result<(Validator, u32), String> {
        let lowered = program::program(&self.graph, [self.root]);
        let root = lowered.node(self.root);
        Validator::new(lowered.program)
            .map(|v| (v, root))
            .map_err(|e| format!("internal error: {e}"))
    }
}

/// The base URI of a schema named `name` that has no `$id` of its own.
fn base_uri(name: &str) -> Option<Url> {
    Url::parse("json-schema:///").ok()?.join(name).ok()
}

/// Lowers `schema` (named `name` in messages). Errors when the lowering
/// refuses it; the diagnostics say which keyword, where, and why.
pub fn lower(name: &str, schema: &Value, options: &Options) -> Result<Lowered, Vec<Diagnostic>> {
    let Some(url) = base_uri(name) else {
        return Err(vec![Diagnostic::error(
            "invalid-name",
            format!("\"{name}\" cannot name a schema: it does not form a URI"),
        )]);
    };
    let mut registry = Registry::new();
    for (prefix, dir) in &options.remotes {
        registry.map_remote(prefix, dir);
    }
    let doc = Document::new(PathBuf::from(name), schema.clone());
    let id = registry.add(url, doc);
    let mut graph = Graph::new();
    let mut diags = Diagnostics::default();
    let lower_options = LowerOptions {
        formats: options.formats,
        relative_to: options.relative_to.clone(),
    };
    let root = graph.lower(
        &mut registry,
        &Loc {
            doc: id,
            pointer: String::new(),
        },
        &lower_options,
        &mut diags,
    );
    if diags.has_errors() {
        diags.sort();
        return Err(diags.0.into_iter().filter(Diagnostic::is_error).collect());
    }
    Ok(Lowered {
        registry,
        graph,
        root,
    })
}

/// Lowers `schema` as [`lower`] does, reading it (and the remote documents
/// it reaches) as `draft` where they have no `$schema`.
pub fn lower_as(
    name: &str,
    schema: &Value,
    options: &Options,
    draft: crate::keywords::Draft,
) -> Result<Lowered, Vec<Diagnostic>> {
    let Some(url) = base_uri(name) else {
        return Err(vec![Diagnostic::error(
            "invalid-name",
            format!("\"{name}\" cannot name a schema: it does not form a URI"),
        )]);
    };
    let mut registry = Registry::new();
    registry.set_default_settings(crate::load::registry::Settings {
        default_draft: draft,
        ..Default::default()
    });
    for (prefix, dir) in &options.remotes {
        registry.map_remote(prefix, dir);
    }
    let doc = Document::new(PathBuf::from(name), schema.clone());
    let id = registry.add(url, doc);
    let mut graph = Graph::new();
    let mut diags = Diagnostics::default();
    let lower_options = LowerOptions {
        formats: options.formats,
        relative_to: options.relative_to.clone(),
    };
    let root = graph.lower(
        &mut registry,
        &Loc {
            doc: id,
            pointer: String::new(),
        },
        &lower_options,
        &mut diags,
    );
    if diags.has_errors() {
        diags.sort();
        return Err(diags.0.into_iter().filter(Diagnostic::is_error).collect());
    }
    Ok(Lowered {
        registry,
        graph,
        root,
    })
}

/// The keyword (or problem) that made the lowering refuse a schema: the
/// keyword of the first `unsupported-keyword` diagnostic, `$schema` for a
/// foreign dialect, else the first diagnostic's keyword and code
/// (`$ref: unresolved-ref`, `format: unknown-format`).
pub fn refusal_reason(diags: &[Diagnostic]) -> String {
    let keyword_of = |d: &Diagnostic| {
        d.pointer
            .as_deref()
            .and_then(|p| p.rsplit('/').next())
            .map(|k| k.replace("~1", "/").replace("~0", "~"))
    };
    for d in diags {
        if d.code == "unsupported-keyword"
            && let Some(k) = keyword_of(d)
        {
            return k;
        }
    }
    for d in diags {
        if d.code == "unsupported-dialect" {
            return "$schema".to_owned();
        }
    }
    match diags.first() {
        Some(d) => match keyword_of(d) {
            Some(k) if !k.is_empty() && !k.chars().all(|c| c.is_ascii_digit()) => {
                format!("{k}: {}", d.code)
            }
            _ => d.code.to_owned(),
        },
        None => "unknown".to_owned(),
    }
}

/// Generates one module per schema. Returns the formatted Rust source and the
/// refused schemas with their diagnostics (a schema whose module name is not
/// a Rust identifier is refused with `invalid-name`).
pub fn validators(
    schemas: &[(String, Value)],
    options: &Options,
) -> (String, Vec<(String, Vec<Diagnostic>)>) {
    let mut refused = Vec::new();
    let rt: TokenStream = match options.runtime.parse() {
        Ok(rt) => rt,
        Err(e) => {
            let d = Diagnostic::error(
                "invalid-runtime",
                format!("invalid runtime path \"{}\": {e}", options.runtime),
            );
            return (
                String::new(),
                schemas
                    .iter()
                    .map(|(name, _)| (name.clone(), vec![d.clone()]))
                    .collect(),
            );
        }
    };
    let mut modules = Vec::new();
    for (name, schema) in schemas {
        let ident = match syn::parse_str::<syn::Ident>(name) {
            Ok(ident) => ident,
            Err(_) => {
                let d = Diagnostic::error(
                    "invalid-name",
                    format!("\"{name}\" is not a Rust identifier and cannot name a module"),
                );
                refused.push((name.clone(), vec![d]));
                continue;
            }
        };
        match lower(name, schema, options) {
            Ok(lowered) => modules.push(module(&ident, &lowered, &rt)),
            Err(diags) => refused.push((name.clone(), diags)),
        }
    }
    let file = quote! { #(#modules)* };
    let code = match syn::parse2::<syn::File>(file) {
        Ok(parsed) => prettyplease::unparse(&parsed),
        Err(e) => {
            // The emitter produced tokens that do not parse: a generator bug.
            let d = Diagnostic::error(
                "internal",
                format!("internal error: generated code does not parse: {e}"),
            );
            return (
                String::new(),
                schemas
                    .iter()
                    .map(|(name, _)| (name.clone(), vec![d.clone()]))
                    .collect(),
            );
        }
    };
    (code, refused)
}

fn module(ident: &syn::Ident, lowered: &Lowered, rt: &TokenStream) -> TokenStream {
    let program = program::program(&lowered.graph, [lowered.root]);
    let texts = node_texts(&program.program)
        .into_iter()
        .map(|t| crate::emit::raw_string(&t));
    let root = program.node(lowered.root);
    let doc = format!(
        " Validators of `{}`.",
        lowered.graph.node(lowered.root).origin
    );
    let value = quote! { #rt::__private::serde_json::Value };
    quote! {
        #[doc = #doc]
        pub mod #ident {
            /// The schema's validators as data.
            pub static VALIDATOR: #rt::validation::Embedded = #rt::validation::Embedded::new(&[#(#texts),*]);
            /// The node of the whole schema.
            pub const ROOT: u32 = #root;

            /// True when `v` is valid; stops at the first failure.
            pub fn is_valid(v: &#value) -> bool {
                let tape = #rt::json::Tape::from_value(v);
                VALIDATOR.get().is_valid(ROOT, tape.root())
            }

            /// Every error `v` has, in the order the checks ran.
            pub fn errors(v: &#value) -> ::std::vec::Vec<#rt::validation::ValidationError> {
                let tape = #rt::json::Tape::from_value(v);
                match VALIDATOR.get().errors(ROOT, tape.root()) {
                    ::std::result::Result::Ok(()) => ::std::vec::Vec::new(),
                    ::std::result::Result::Err(e) => e.0,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use serde_json::json;

    #[test]
    fn emits_a_module_per_supported_schema() {
        let schemas = vec![
            ("a".to_owned(), json!({"type": "string", "minLength": 2})),
            ("b".to_owned(), json!({"dependencies": {"a": ["b"]}})),
            ("not an ident".to_owned(), json!(true)),
        ];
        let (code, refused) = validators(&schemas, &Options::default());
        assert!(code.contains("pub mod a {"), "{code}");
        assert!(!code.contains("pub mod b"), "{code}");
        let names: Vec<&str> = refused.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["b", "not an ident"]);
        assert_eq!(refusal_reason(&refused[0].1), "dependencies");
        assert_eq!(refused[1].1[0].code, "invalid-name");
    }

    #[test]
    fn refusal_names_dialect_and_unresolved_refs() {
        let o = Options::default();
        let e = lower(
            "x",
            &json!({"$schema": "http://json-schema.org/draft-03/schema#"}),
            &o,
        )
        .unwrap_err();
        assert_eq!(refusal_reason(&e), "$schema");
        let e = lower("x", &json!({"$ref": "http://example.com/nowhere.json"}), &o).unwrap_err();
        assert_eq!(refusal_reason(&e), "$ref: unresolved-ref");
        assert_eq!(e[0].file.as_deref(), Some(std::path::Path::new("x")));
    }

    #[test]
    fn schemas_are_lowered_independently() {
        // The same `$id` in two schemas must not make one see the other.
        let o = Options::default();
        let a = lower("a", &json!({"$id": "http://x/s", "type": "string"}), &o).unwrap();
        let b = lower("b", &json!({"$id": "http://x/s", "type": "integer"}), &o).unwrap();
        let run = |l: &Lowered, v: &Value| {
            let tape = eventsmith_core::json::Tape::from_value(v);
            let (validator, root) = l.validator().unwrap();
            validator.is_valid(root, tape.root())
        };
        assert!(run(&a, &json!("s")) && !run(&a, &json!(1)));
        assert!(run(&b, &json!(1)) && !run(&b, &json!("s")));
    }
}
