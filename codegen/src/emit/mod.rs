//! IR → Rust source, one file per source. Reads only the lowered catalog
//! ([`Compiled`]'s source records and type graph); writes nothing to disk.
//!
//! What a source's file holds: the generated types (`types.rs`), the
//! `Event` enums with the data dispatch reads (`events.rs`), and the
//! source's validators as data (`program.rs`), which the runtime's engine
//! runs. No validator is emitted as code.

mod events;
pub mod program;
mod types;

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::types::{TypeDef, TypeGraph, TypeId};
use crate::ir::validator::NodeId;
use crate::lower::{Compiled, SourceIr};
use crate::select::glob;
use types::ident;

/// Switches for the emitted code.
#[derive(Debug, Clone)]
pub struct EmitOptions {
    /// Path of the runtime crate in generated code (`::eventsmith`).
    pub runtime: String,
    /// Derive `schemars::JsonSchema` on generated types.
    pub json_schema: bool,
    /// The command that regenerates the output, for the header.
    pub regenerate_with: String,
    /// The name of the file that includes every source's file
    /// (`eventsmith.rs`); each source's is `<stem>.<source>.rs`.
    pub file_name: String,
    /// Attributes to put on generated types: `(Rust path glob, attribute)`,
    /// the path relative to the bindings (`gigs::common::*`).
    pub type_attributes: Vec<(String, String)>,
}

impl Default for EmitOptions {
    fn default() -> Self {
        EmitOptions {
            runtime: "::eventsmith".to_owned(),
            json_schema: false,
            regenerate_with: "cargo build".to_owned(),
            file_name: "eventsmith.rs".to_owned(),
            type_attributes: Vec::new(),
        }
    }
}

/// The generated files: name → content. The first is
/// [`EmitOptions::file_name`], the one to `include!`.
pub type Files = BTreeMap<String, String>;

/// What every emitting function reads.
#[derive(Debug)]
pub(crate) struct Context<'a> {
    /// The runtime crate path.
    pub(crate) rt: TokenStream,
    /// Derive `schemars::JsonSchema`.
    pub(crate) json_schema: bool,
    /// Every named type.
    pub(crate) types: &'a TypeGraph,
    /// Extra attributes by type path glob, parsed.
    attributes: Vec<(String, TokenStream)>,
}

impl Context<'_> {
    /// The user's extra attributes for `def`.
    pub(crate) fn type_attributes(&self, def: &TypeDef) -> TokenStream {
        let path = def
            .module
            .iter()
            .chain(std::iter::once(&def.name))
            .map(|s| s.trim_start_matches("r#"))
            .collect::<Vec<_>>()
            .join("::");
        let attrs = self
            .attributes
            .iter()
            .filter(|(pattern, _)| glob(pattern, &path))
            .map(|(_, attr)| attr.clone());
        // source.yaml's `attributes:`, checked to be tokens when read.
        let own = def
            .attributes
            .iter()
            .filter_map(|a| a.parse::<TokenStream>().ok());
        let attrs = attrs.chain(own);
        quote! { #(#attrs)* }
    }
}

/// A tree of modules, each holding items, built before printing.
#[derive(Default)]
struct ModTree {
    doc: Vec<String>,
    items: Vec<TokenStream>,
    children: BTreeMap<String, ModTree>,
}

impl ModTree {
    fn at(&mut self, path: &[String]) -> &mut ModTree {
        let mut node = self;
        for p in path {
            node = node.children.entry(p.clone()).or_default();
        }
        node
    }

    fn tokens(&self) -> TokenStream {
        let items = &self.items;
        let children = self
            .children
            .iter()
            .map(|(name, child)| child.module_tokens(name));
        quote! {
            #(#items)*
            #(#children)*
        }
    }

    /// `pub mod <name> { … }` holding this tree.
    fn module_tokens(&self, name: &str) -> TokenStream {
        let n = ident(name);
        let docs = self.doc.iter().map(|d| quote! { #[doc = #d] });
        let body = self.tokens();
        quote! {
            #(#docs)*
            #[allow(deprecated)]
            pub mod #n {
                #body
            }
        }
    }
}

/// The path from module `from` up to the source module's `VALIDATOR`.
pub(crate) fn validator_path(from: &[String]) -> TokenStream {
    let supers = (1..from.len()).map(|_| quote! { super:: });
    quote! { #(#supers)* VALIDATOR }
}

impl<'a> Context<'a> {
    /// The context `o` describes, over `types`.
    fn new(o: &EmitOptions, types: &'a TypeGraph) -> Result<Context<'a>, String> {
        let rt: TokenStream = o
            .runtime
            .parse()
            .map_err(|e| format!("invalid runtime path \"{}\": {e}", o.runtime))?;
        let mut attributes = Vec::new();
        for (pattern, attr) in &o.type_attributes {
            let tokens: TokenStream = attr
                .parse()
                .map_err(|e| format!("invalid attribute `{attr}` for `{pattern}`: {e}"))?;
            attributes.push((pattern.clone(), tokens));
        }
        Ok(Context {
            rt,
            json_schema: o.json_schema,
            types,
            attributes,
        })
    }
}

/// Generates the bindings of a compiled catalog, one formatted file per
/// source plus the file that includes them.
pub fn generate(compiled: &Compiled, o: &EmitOptions) -> Result<Files, String> {
    // Checked once here; each formatting thread builds its own context
    // (token streams cannot cross threads).
    Context::new(o, &compiled.types)?;
    let stem = o.file_name.strip_suffix(".rs").unwrap_or(&o.file_name);
    let header = format!(
        "// @generated by eventsmith-codegen from the schema catalog. Do not edit.\n// Regenerate with: {}\n\n",
        o.regenerate_with
    );
    let mut files = Files::new();
    let mut includes = Vec::new();
    for source in &compiled.sources {
        let file = format!("{stem}.{}.rs", source.module);
        let body = source_file(o, &compiled.types, source)?;
        files.insert(file.clone(), format!("{header}{body}"));
        let m = ident(&source.module);
        let mut docs = vec![format!(" {}", source.title)];
        if !source.description.is_empty() {
            docs.push(String::new());
            docs.extend(source.description.trim().lines().map(|l| format!(" {l}")));
        }
        includes.push(quote! {
            #(#[doc = #docs])*
            #[allow(deprecated)]
            pub mod #m {
                include!(#file);
            }
        });
    }
    let root = format(quote! { #(#includes)* })?;
    files.insert(o.file_name.clone(), format!("{header}{root}"));
    Ok(files)
}

/// The items of one source's module: its own items, then each child module
/// (`common`, one per event type) in name order, then its `VALIDATOR`.
///
/// Each child is emitted and formatted on its own, on as many threads as
/// the machine has, and its tokens dropped once formatted: the syntax tree
/// of a whole large catalog is never held at once, and formatting (four
/// fifths of the time) runs in parallel. The text is the same as one pass
/// over the whole tree would write.
fn source_file(o: &EmitOptions, types: &TypeGraph, source: &SourceIr) -> Result<String, String> {
    let lowered = source_program(source);
    let members = ModuleMembers::of(types, source);
    let children: Vec<&str> = members.children.keys().copied().collect();
    let own = {
        let cx = Context::new(o, types)?;
        let mut tree = ModTree::default();
        emit_module(&cx, source, &lowered, &members.own, None, &mut tree);
        events::emit_source(&cx, source, &lowered, &mut tree);
        let module = std::mem::take(tree.at(std::slice::from_ref(&source.module)));
        let items = &module.items;
        format(quote! { #(#items)* })?
    };
    // One more job than there are children: the `VALIDATOR` text.
    let jobs = children.len() + 1;
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, jobs);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let formatted: Vec<Vec<(usize, Result<String, String>)>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    let cx = match Context::new(o, types) {
                        Ok(cx) => cx,
                        Err(e) => return vec![(0, Err(e))],
                    };
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= jobs {
                            return done;
                        }
                        let Some(&name) = children.get(i) else {
                            done.push((i, Ok(validator_static(&cx, &lowered.program))));
                            continue;
                        };
                        let mut tree = ModTree::default();
                        let of_child = &members.children[name];
                        emit_module(&cx, source, &lowered, of_child, Some(name), &mut tree);
                        let path = [source.module.clone(), name.to_owned()];
                        let child = std::mem::take(tree.at(&path));
                        done.push((i, format(child.module_tokens(name))));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join().unwrap_or_else(|_| {
                    vec![(
                        0,
                        Err("internal error: a formatting thread panicked".to_owned()),
                    )]
                })
            })
            .collect()
    });
    let mut texts: Vec<Option<String>> = vec![None; jobs];
    for (i, text) in formatted.into_iter().flatten() {
        texts[i] = Some(text?);
    }
    let mut out = own;
    out.reserve(texts.iter().flatten().map(String::len).sum());
    for text in texts {
        out.push_str(&text.ok_or("internal error: a child module was not formatted")?);
    }
    Ok(out)
}

/// What each module of a source holds, found in one pass over the types:
/// the source module's own and each child module's (`common`, one per
/// event type), in name order.
struct ModuleMembers<'s> {
    own: Members,
    children: BTreeMap<&'s str, Members>,
}

/// The items of one module tree: named types to define (type, validator
/// node) and types an older version defines alike, to re-export (type, the
/// type it is).
#[derive(Default)]
struct Members {
    defined: Vec<(TypeId, NodeId)>,
    reexported: Vec<(TypeId, TypeId)>,
}

impl<'s> ModuleMembers<'s> {
    fn of(types: &'s TypeGraph, source: &'s SourceIr) -> ModuleMembers<'s> {
        let mut m = ModuleMembers {
            own: Members::default(),
            children: source
                .events
                .iter()
                .map(|e| (e.module.as_str(), Members::default()))
                .collect(),
        };
        for (&id, &node) in &source.type_nodes {
            m.of_module(&types.get(id).module).defined.push((id, node));
        }
        for (id, def) in types.types.iter().enumerate() {
            if let Some(keep) = def.same_as
                && def.module.first() == Some(&source.module)
            {
                m.of_module(&def.module).reexported.push((id, keep));
            }
        }
        m
    }

    fn of_module(&mut self, module: &'s [String]) -> &mut Members {
        match module.get(1) {
            Some(child) => self.children.entry(child.as_str()).or_default(),
            None => &mut self.own,
        }
    }
}

/// Emits into `tree` what lives in the source module itself (`child` is
/// `None`) or below its child module `child`: the named types, the
/// re-exports of types an older version defines alike, and (for a child)
/// the event type whose module it is.
fn emit_module(
    cx: &Context<'_>,
    source: &SourceIr,
    lowered: &program::Lowered,
    members: &Members,
    child: Option<&str>,
    tree: &mut ModTree,
) {
    for &(id, node) in &members.defined {
        let def = cx.types.get(id);
        let validator = validator_path(&def.module);
        tree.at(&def.module)
            .items
            .push(types::emit_type(cx, id, lowered.node(node), &validator));
    }
    // A type an older version defines alike is that type, re-exported.
    for &(id, keep) in &members.reexported {
        let def = cx.types.get(id);
        let path = types::type_path(cx.types, keep, &def.module);
        tree.at(&def.module).items.push(quote! { pub use #path; });
    }
    if let Some(child) = child {
        for event in source.events.iter().filter(|e| e.module == child) {
            events::emit_event_type(cx, source, event, lowered, tree);
        }
    }
}

/// The program of a source: what its versions and named types reach.
pub fn source_program(source: &SourceIr) -> program::Lowered {
    let roots = source
        .events
        .iter()
        .flat_map(|e| e.versions.iter().map(|v| v.root))
        .chain(source.type_nodes.values().copied());
    program::program(&source.graph, roots)
}

/// `pub static VALIDATOR`: the source's program, one node per line,
/// written as text (the one item of a source too long to be worth a pass
/// through the formatter: it is formatted as written).
fn validator_static(
    cx: &Context<'_>,
    program: &eventsmith_core::validation::program::Program,
) -> String {
    let rt = cx.rt.to_string().replace(' ', "");
    let mut out = format!(
        "/// The validators of every schema of this source, as data: one\n\
         /// subschema per line (node `i` is line `i`), run by the runtime's\n\
         /// engine. Generated from the schemas; what each checks is the\n\
         /// schema at its `at`.\n\
         pub static VALIDATOR: {rt}::validation::Embedded = {rt}::validation::Embedded::new(&[\n"
    );
    for text in program::node_texts(program) {
        out.push_str("    ");
        out.push_str(&raw_string(&text).to_string());
        out.push_str(",\n");
    }
    out.push_str("]);\n");
    out
}

/// A raw string literal holding `text` (readable JSON, no escapes).
pub(crate) fn raw_string(text: &str) -> TokenStream {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}")
        .parse()
        .unwrap_or_else(|_| {
            let lit = proc_macro2::Literal::string(text);
            quote! { #lit }
        })
}

/// Parses and formats generated items.
fn format(tokens: TokenStream) -> Result<String, String> {
    let parsed: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("internal error: generated code does not parse: {e}"))?;
    // A carriage return from a schema string can only end up in a doc
    // comment (string literals escape it), where Rust forbids a bare CR.
    Ok(prettyplease::unparse(&parsed)
        .replace("\r\n", "\n")
        .replace('\r', "\\r"))
}
