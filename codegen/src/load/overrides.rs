//! What `source.yaml` says about schemas their users cannot edit (a
//! vendor's), each addressed by file and JSON pointer
//! (`common/user.schema.json#/properties/+1`): Rust names, type
//! replacements, attributes on generated types, and patches that correct
//! one keyword of the effective schema. The files are never written to:
//! patches change the documents in the registry, which every stage reads.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::document::Document;
use super::registry::{Loc, Registry};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// The overrides of every source, by schema location.
#[derive(Debug, Default)]
pub struct Overrides {
    /// Rust names: a property's field, a named type, an enum value's variant.
    pub names: BTreeMap<Loc, String>,
    /// Rust types standing for a schema (a definition the user models).
    pub replace: BTreeMap<Loc, String>,
    /// Attributes to put on the type generated for a schema.
    pub attributes: BTreeMap<Loc, Vec<String>>,
    /// Where each entry was written (`source.yaml` and its pointer there),
    /// for diagnostics about entries nothing used.
    written: BTreeMap<(Kind, Loc), WrittenAt>,
    /// The entries lowering used.
    used: BTreeSet<(Kind, Loc)>,
}

/// Where a setting was written: the file, the pointer in it, and the line
/// and column when known.
type WrittenAt = (PathBuf, String, Option<(usize, usize)>);

/// Which setting an override belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `names:`
    Name,
    /// `replace:`
    Replace,
    /// `attributes:`
    Attributes,
}

impl Kind {
    fn key(self) -> &'static str {
        match self {
            Kind::Name => "names",
            Kind::Replace => "replace",
            Kind::Attributes => "attributes",
        }
    }
}

impl Overrides {
    /// The Rust name chosen for `loc`, marked used.
    pub fn name(&mut self, loc: &Loc) -> Option<String> {
        let name = self.names.get(loc)?.clone();
        self.used.insert((Kind::Name, loc.clone()));
        Some(name)
    }

    /// The Rust type replacing the schema at `loc`, marked used.
    pub fn replacement(&mut self, loc: &Loc) -> Option<String> {
        let path = self.replace.get(loc)?.clone();
        self.used.insert((Kind::Replace, loc.clone()));
        Some(path)
    }

    /// The attributes for the type of the schema at `loc`, marked used.
    pub fn attributes(&mut self, loc: &Loc) -> Vec<String> {
        match self.attributes.get(loc) {
            Some(a) => {
                self.used.insert((Kind::Attributes, loc.clone()));
                a.clone()
            }
            None => Vec::new(),
        }
    }

    /// Adds a replacement given outside `source.yaml` (the `Config`
    /// builder's `replace`).
    pub fn add_replacement(&mut self, loc: Loc, path: String, written: PathBuf) {
        self.written
            .insert((Kind::Replace, loc.clone()), (written, String::new(), None));
        self.replace.insert(loc, path);
    }

    /// A warning for every override lowering never used: its location
    /// generates no field, type or variant (a typo in the pointer, or a
    /// schema that became a plain value).
    pub fn unused(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for ((kind, loc), (file, pointer, position)) in &self.written {
            if self.used.contains(&(*kind, loc.clone())) {
                continue;
            }
            let what = match kind {
                Kind::Name => "no field, named type or enum variant",
                Kind::Replace => "no Rust type (nothing reaches it)",
                Kind::Attributes => "no named type (a struct or an enum)",
            };
            let mut d = Diagnostic::warning(
                "unused-override",
                format!("this `{}` entry changes nothing: its schema generates {what}", kind.key()),
            )
            .in_file(file)
            .with_hint("check the file and JSON pointer; `eventsmith generate` shows what each schema becomes");
            if !pointer.is_empty() {
                d = d.at(pointer.clone());
            }
            if let Some((line, column)) = position {
                d = d.at_position(*line, *column);
            }
            out.push(d);
        }
        out
    }
}

/// A patch, as applied: for `eventsmith check` to report.
#[derive(Debug, Clone)]
pub struct Patch {
    /// The address as written (`check_run/x.schema.json#/properties/a/format`).
    pub at: String,
    /// The patched file.
    pub file: PathBuf,
    /// The JSON pointer of the patched keyword in it.
    pub pointer: String,
    /// The new value; `None` removes the keyword.
    pub value: Option<Value>,
    /// Why.
    pub reason: String,
}

impl Patch {
    /// A note saying what the patch does and why, at the patched keyword.
    pub fn note(&self, reg: &Registry) -> Diagnostic {
        let what = match &self.value {
            None => "removed".to_owned(),
            Some(v) => format!("set to {v}"),
        };
        let d = Diagnostic::note(
            "patched",
            format!("`{}` {what} by source.yaml: {}", self.at, self.reason),
        )
        .in_file(&self.file)
        .at(self.pointer.clone());
        let position = Registry::file_url(&self.file).ok().and_then(|_| {
            (0..reg.len())
                .find(|&id| reg.doc(id).path == self.file)
                .and_then(|id| reg.doc(id).position(&self.pointer))
        });
        match position {
            Some((line, column)) => d.at_position(line, column),
            None => d,
        }
    }
}

/// An address `file#pointer` resolved in `dir`: the document (loaded) and
/// the pointer, which must lead somewhere in it.
fn resolve(dir: &Path, address: &str, reg: &mut Registry, must_exist: bool) -> Result<Loc, String> {
    let (file, pointer) = address
        .split_once('#')
        .ok_or_else(|| format!("\"{address}\" is not `<file>#<JSON pointer>` (`common/user.schema.json#/properties/login`; `#` alone for the whole file)"))?;
    if file.is_empty() {
        return Err(format!("\"{address}\" names no file"));
    }
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return Err(format!(
            "the pointer in \"{address}\" must be empty or start with `/`"
        ));
    }
    let path = dir.join(file);
    if !path.is_file() {
        return Err(format!("{file} does not exist in the source directory"));
    }
    let doc = reg.load_file(&path).map_err(|d| d.message)?;
    if must_exist && reg.doc(doc).value.pointer(pointer).is_none() {
        return Err(format!("{file} has nothing at {pointer}"));
    }
    Ok(Loc {
        doc,
        pointer: pointer.to_owned(),
    })
}

/// A replacement given to the `Config` builder: `address` is
/// `<source>/<file>#<pointer>`, relative to the catalog directory `root`.
pub fn replace_from_config(
    root: &Path,
    reg: &mut Registry,
    address: &str,
    rust_type: &str,
) -> Result<(), Diagnostic> {
    let refuse = |message: String| {
        Diagnostic::error("invalid-override", message)
            .in_file(root)
            .with_hint("Config::replace(\"<source>/<file>#<JSON pointer>\", \"my_crate::Type\")")
    };
    if syn::parse_str::<syn::Path>(rust_type).is_err() {
        return Err(refuse(format!(
            "Config::replace: \"{rust_type}\" is not a Rust type path"
        )));
    }
    let loc = resolve(root, address, reg, true)
        .map_err(|why| refuse(format!("Config::replace: {why}")))?;
    reg.overrides
        .add_replacement(loc, rust_type.to_owned(), root.to_owned());
    Ok(())
}

/// True for an ASCII Rust identifier (raw forms aside).
fn is_identifier(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s != "_"
}

/// Reads `names`, `replace`, `attributes` and `patches` of the source in
/// `dir` into the registry (patches applied at once), collecting problems.
/// Returns the patches, for `check`.
pub fn read(
    config: &Document,
    dir: &Path,
    reg: &mut Registry,
    diags: &mut Diagnostics,
) -> Vec<Patch> {
    let refuse = |diags: &mut Diagnostics, pointer: &str, message: String, hint: &str| {
        diags.push(
            config
                .diagnostic(Diagnostic::error("invalid-override", message), pointer)
                .with_hint(hint.to_owned()),
        );
    };
    let escape = eventsmith_core::validation::escape_pointer_segment;
    for kind in [Kind::Name, Kind::Replace, Kind::Attributes] {
        let key = kind.key();
        let Some(value) = config.value.get(key) else {
            continue;
        };
        let Some(map) = value.as_object() else {
            refuse(
                diags,
                &format!("/{key}"),
                format!("`{key}` must map `<file>#<JSON pointer>` addresses to values"),
                "see docs/catalog-format.md, \"Schemas you cannot edit\"",
            );
            continue;
        };
        for (address, setting) in map {
            let at = format!("/{key}/{}", escape(address));
            let loc = match resolve(dir, address, reg, true) {
                Ok(loc) => loc,
                Err(why) => {
                    refuse(
                        diags,
                        &at,
                        why,
                        "addresses are `<file relative to the source directory>#<JSON pointer>`",
                    );
                    continue;
                }
            };
            let ok = match (kind, setting) {
                (Kind::Name, Value::String(n)) if is_identifier(n) => {
                    reg.overrides.names.insert(loc.clone(), n.clone());
                    true
                }
                (Kind::Replace, Value::String(p)) if syn::parse_str::<syn::Path>(p).is_ok() => {
                    reg.overrides.replace.insert(loc.clone(), p.clone());
                    true
                }
                (Kind::Attributes, Value::Array(list)) => {
                    let attrs: Option<Vec<String>> = list
                        .iter()
                        .map(|a| {
                            a.as_str()
                                .filter(|a| {
                                    a.trim_start().starts_with("#[")
                                        && a.parse::<proc_macro2::TokenStream>().is_ok()
                                })
                                .map(str::to_owned)
                        })
                        .collect();
                    match attrs {
                        Some(attrs) => {
                            reg.overrides.attributes.insert(loc.clone(), attrs);
                            true
                        }
                        None => false,
                    }
                }
                _ => false,
            };
            if !ok {
                let expected = match kind {
                    Kind::Name => {
                        "a Rust identifier (ASCII letters, digits and `_`, not starting with a digit)"
                    }
                    Kind::Replace => "a Rust type path (`my_crate::GithubUser`)",
                    Kind::Attributes => "a list of attributes (`[\"#[derive(Hash)]\"]`)",
                };
                refuse(
                    diags,
                    &at,
                    format!("the `{key}` entry for \"{address}\" must be {expected}"),
                    "see docs/catalog-format.md",
                );
                continue;
            }
            let position = config.position(&at);
            reg.overrides
                .written
                .insert((kind, loc), (config.path.clone(), at, position));
        }
    }
    read_patches(config, dir, reg, diags)
}

fn read_patches(
    config: &Document,
    dir: &Path,
    reg: &mut Registry,
    diags: &mut Diagnostics,
) -> Vec<Patch> {
    let mut out = Vec::new();
    let Some(value) = config.value.get("patches") else {
        return out;
    };
    let Some(list) = value.as_array() else {
        diags.push(config.diagnostic(
            Diagnostic::error(
                "invalid-override",
                "`patches` must be a list of `{at, remove: true | value, reason}`",
            ),
            "/patches",
        ));
        return out;
    };
    for (i, entry) in list.iter().enumerate() {
        let here = format!("/patches/{i}");
        let refuse = |diags: &mut Diagnostics, message: String| {
            diags.push(
                config
                    .diagnostic(Diagnostic::error("invalid-override", message), &here)
                    .with_hint("a patch reads `{at: \"<file>#<pointer to a keyword>\", remove: true, reason: \"…\"}` or `{at: …, value: <new value>, reason: …}`"),
            );
        };
        let obj = entry.as_object();
        let field = |k: &str| obj.and_then(|o| o.get(k));
        let unknown = obj.and_then(|o| {
            o.keys()
                .find(|k| !["at", "remove", "value", "reason"].contains(&k.as_str()))
        });
        let at = field("at").and_then(Value::as_str);
        let reason = field("reason")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|r| !r.is_empty());
        let change = match (field("remove"), field("value")) {
            (Some(Value::Bool(true)), None) => Some(None),
            (None, Some(v)) => Some(Some(v.clone())),
            _ => None,
        };
        let (Some(at), Some(reason), Some(change), None) = (at, reason, change, unknown) else {
            refuse(
                diags,
                "each patch needs `at`, a `reason`, and exactly one of `remove: true` or `value`"
                    .to_owned(),
            );
            continue;
        };
        let loc = match resolve(dir, at, reg, change.is_none()) {
            Ok(loc) => loc,
            Err(why) => {
                refuse(diags, why);
                continue;
            }
        };
        let Some((parent, last)) = loc.pointer.rsplit_once('/') else {
            refuse(
                diags,
                format!("\"{at}\" points at a whole file; a patch changes one keyword"),
            );
            continue;
        };
        let key = last.replace("~1", "/").replace("~0", "~");
        let mut doc = reg.doc(loc.doc).value.clone();
        let applied = match (doc.pointer_mut(parent), &change) {
            (Some(Value::Object(o)), None) => o.remove(&key).is_some(),
            (Some(Value::Object(o)), Some(v)) => {
                o.insert(key, v.clone());
                true
            }
            _ => false,
        };
        if !applied {
            refuse(
                diags,
                format!("\"{at}\": there is no schema object at {parent} to patch"),
            );
            continue;
        }
        reg.replace_value(loc.doc, doc);
        out.push(Patch {
            at: at.to_owned(),
            file: reg.doc(loc.doc).path.clone(),
            pointer: loc.pointer.clone(),
            value: change,
            reason: reason.to_owned(),
        });
    }
    out
}
