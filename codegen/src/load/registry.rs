//! Every schema document the generator has read, indexed the way JSON Schema
//! 2020-12 identifies schemas: by URI (`$id`), by anchor (`$anchor`) and by
//! JSON pointer, so `$ref` resolves within a file, across files and to remote
//! documents mapped onto directories.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use url::Url;

use super::document::{self, Document};
use crate::diagnostic::Diagnostic;

/// Index of a document in the registry.
pub type DocId = usize;

/// A schema location: a document and a JSON pointer into it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    /// The document.
    pub doc: DocId,
    /// RFC 6901 pointer (`""` for the root).
    pub pointer: String,
}

impl Loc {
    /// The location `segment` below this one.
    pub fn child(&self, segment: &str) -> Loc {
        Loc {
            doc: self.doc,
            pointer: format!("{}/{}", self.pointer, escape(segment)),
        }
    }

    /// The location of element `index` of keyword array below this one.
    pub fn index(&self, index: usize) -> Loc {
        Loc {
            doc: self.doc,
            pointer: format!("{}/{index}", self.pointer),
        }
    }
}

fn escape(s: &str) -> String {
    eventsmith_core::validation::escape_pointer_segment(s)
}

/// Keywords whose value is one subschema.
pub const SCHEMA_KEYWORDS: &[&str] = &[
    "additionalProperties",
    "propertyNames",
    "items",
    "contains",
    "not",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
];
/// Keywords whose value maps names to subschemas.
pub const SCHEMA_MAP_KEYWORDS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];
/// Keywords whose value is an array of subschemas.
pub const SCHEMA_ARRAY_KEYWORDS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];

/// The 2020-12 meta-schema URI.
pub const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// All loaded documents and their identifiers.
#[derive(Debug, Default)]
pub struct Registry {
    docs: Vec<(Url, Document)>,
    by_url: HashMap<Url, DocId>,
    resources: HashMap<Url, Loc>,
    anchors: HashMap<(Url, String), Loc>,
    /// `$dynamicAnchor`s by schema resource, in document order (first wins).
    dynamic_anchors: HashMap<Url, Vec<(String, Loc)>>,
    bases: HashMap<Loc, Url>,
    /// Remote URL prefixes served from local directories (`http://localhost:1234/` → `remotes/`).
    remotes: Vec<(String, PathBuf)>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Serves URLs starting with `prefix` from files under `dir`.
    pub fn map_remote(&mut self, prefix: &str, dir: &Path) {
        self.remotes.push((prefix.to_owned(), dir.to_owned()));
    }

    /// The file URL of `path` (made absolute).
    pub fn file_url(path: &Path) -> Result<Url, Diagnostic> {
        // Canonical, so one file reached by two spellings (`a/../b.json`) is one document.
        let abs = std::fs::canonicalize(path)
            .or_else(|_| std::path::absolute(path))
            .unwrap_or_else(|_| path.to_owned());
        Url::from_file_path(&abs).map_err(|()| {
            Diagnostic::error("unreadable-file", "cannot turn the path into a file URL")
                .in_file(path)
        })
    }

    /// Reads `path` and registers it under its file URL.
    pub fn load_file(&mut self, path: &Path) -> Result<DocId, Diagnostic> {
        let url = Registry::file_url(path)?;
        if let Some(id) = self.by_url.get(&url) {
            return Ok(*id);
        }
        let doc = document::read(path)?;
        Ok(self.add(url, doc))
    }

    /// Registers an already parsed document under `url` and indexes it.
    pub fn add(&mut self, url: Url, doc: Document) -> DocId {
        let id = self.docs.len();
        self.docs.push((url.clone(), doc));
        self.by_url.insert(url.clone(), id);
        self.reindex(id);
        id
    }

    /// Replaces the value of a document (after a rewrite) and re-indexes it.
    pub fn replace_value(&mut self, id: DocId, value: Value) {
        self.docs[id].1.value = value;
        self.reindex(id);
    }

    fn reindex(&mut self, id: DocId) {
        self.bases.retain(|loc, _| loc.doc != id);
        self.resources.retain(|_, loc| loc.doc != id);
        self.anchors.retain(|_, loc| loc.doc != id);
        for list in self.dynamic_anchors.values_mut() {
            list.retain(|(_, loc)| loc.doc != id);
        }
        let url = self.docs[id].0.clone();
        self.resources.insert(
            url.clone(),
            Loc {
                doc: id,
                pointer: String::new(),
            },
        );
        let value = self.docs[id].1.value.clone();
        self.index(
            &value,
            Loc {
                doc: id,
                pointer: String::new(),
            },
            &url,
        );
    }

    fn index(&mut self, schema: &Value, loc: Loc, base: &Url) {
        let Value::Object(obj) = schema else {
            self.bases.insert(loc, base.clone());
            return;
        };
        let mut base = base.clone();
        if let Some(Value::String(id)) = obj.get("$id")
            && let Ok(mut joined) = base.join(id)
        {
            joined.set_fragment(None);
            base = joined;
            self.resources.insert(base.clone(), loc.clone());
        }
        for key in ["$anchor", "$dynamicAnchor"] {
            if let Some(Value::String(anchor)) = obj.get(key) {
                self.anchors
                    .entry((base.clone(), anchor.clone()))
                    .or_insert_with(|| loc.clone());
            }
        }
        if let Some(Value::String(anchor)) = obj.get("$dynamicAnchor") {
            let list = self.dynamic_anchors.entry(base.clone()).or_default();
            if !list.iter().any(|(name, _)| name == anchor) {
                list.push((anchor.clone(), loc.clone()));
            }
        }
        self.bases.insert(loc.clone(), base.clone());
        for (key, value) in obj {
            let k = key.as_str();
            if SCHEMA_KEYWORDS.contains(&k) {
                self.index(value, loc.child(k), &base);
            } else if SCHEMA_MAP_KEYWORDS.contains(&k) {
                if let Value::Object(map) = value {
                    for (name, sub) in map {
                        self.index(sub, loc.child(k).child(name), &base);
                    }
                }
            } else if SCHEMA_ARRAY_KEYWORDS.contains(&k)
                && let Value::Array(items) = value
            {
                for (i, sub) in items.iter().enumerate() {
                    self.index(sub, loc.child(k).index(i), &base);
                }
            }
        }
    }

    /// The `$dynamicAnchor`s declared in the schema resource `resource`
    /// (its base URI): name and location, first declaration of a name only.
    pub fn dynamic_anchors(&self, resource: &Url) -> &[(String, Loc)] {
        self.dynamic_anchors
            .get(resource)
            .map_or(&[], Vec::as_slice)
    }

    /// The document with id `id`.
    pub fn doc(&self, id: DocId) -> &Document {
        &self.docs[id].1
    }

    /// The URL a document was registered under.
    pub fn url(&self, id: DocId) -> &Url {
        &self.docs[id].0
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// True when nothing is loaded.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The JSON value at `loc`.
    pub fn value(&self, loc: &Loc) -> Option<&Value> {
        self.docs.get(loc.doc)?.1.value.pointer(&loc.pointer)
    }

    /// The base URI in force at `loc`.
    pub fn base(&self, loc: &Loc) -> Url {
        let mut l = loc.clone();
        loop {
            if let Some(b) = self.bases.get(&l) {
                return b.clone();
            }
            match l.pointer.rfind('/') {
                Some(i) => l.pointer.truncate(i),
                None => return self.docs[loc.doc].0.clone(),
            }
        }
    }

    /// A diagnostic pointing at `loc`.
    pub fn diagnostic(&self, d: Diagnostic, loc: &Loc) -> Diagnostic {
        self.doc(loc.doc).diagnostic(d, &loc.pointer)
    }

    /// A readable name for `loc`: `file#/pointer`, the file relative to
    /// `relative_to` when possible.
    pub fn display(&self, loc: &Loc, relative_to: Option<&Path>) -> String {
        let path = &self.doc(loc.doc).path;
        let shown = relative_to
            .and_then(|r| path.strip_prefix(r).ok())
            .unwrap_or(path);
        let file = if path.as_os_str().is_empty() {
            self.url(loc.doc).to_string()
        } else {
            shown.display().to_string()
        };
        format!("{}#{}", file.replace('\\', "/"), loc.pointer)
    }

    /// Where a reference is written: the member of the schema at `at` whose
    /// value is `reference` (`$ref`, `x-eventsmith-partial-of`), else `at`.
    fn reference_site(&self, reference: &str, at: &Loc) -> Loc {
        match self.value(at) {
            // Reference keywords first: `$schema` may hold the same URL as `$ref`.
            Some(Value::Object(obj)) => ["$ref", "$dynamicRef"]
                .iter()
                .copied()
                .find(|k| obj.get(*k).and_then(Value::as_str) == Some(reference))
                .or_else(|| {
                    obj.iter()
                        .find(|(_, v)| v.as_str() == Some(reference))
                        .map(|(k, _)| k.as_str())
                })
                .map_or_else(|| at.clone(), |k| at.child(k)),
            _ => at.clone(),
        }
    }

    /// Resolves `reference` (a `$ref` value) found in the schema at `at`.
    pub fn resolve(&mut self, reference: &str, at: &Loc) -> Result<Loc, Diagnostic> {
        let site = self.reference_site(reference, at);
        let base = self.base(at);
        let mut target = base.join(reference).map_err(|e| {
            self.diagnostic(
                Diagnostic::error(
                    "unresolved-ref",
                    format!("`$ref` \"{reference}\" is not a valid URI reference: {e}"),
                ),
                &site,
            )
        })?;
        let fragment = target.fragment().map(percent_decode).unwrap_or_default();
        target.set_fragment(None);
        let resource = match self.resources.get(&target) {
            Some(loc) => loc.clone(),
            None => {
                let id = self.load_url(&target).map_err(|why| {
                    self.diagnostic(Diagnostic::error("unresolved-ref", format!("`$ref` \"{reference}\": {why}")), &site)
                        .with_hint("references are resolved against the file's location (or its `$id`); check the relative path")
                })?;
                Loc {
                    doc: id,
                    pointer: String::new(),
                }
            }
        };
        let loc = if fragment.is_empty() {
            resource
        } else if fragment.starts_with('/') {
            Loc {
                doc: resource.doc,
                pointer: format!("{}{}", resource.pointer, fragment),
            }
        } else {
            match self.anchors.get(&(target.clone(), fragment.clone())) {
                Some(loc) => loc.clone(),
                None => {
                    let mut known: Vec<&str> = self
                        .anchors
                        .keys()
                        .filter(|(url, _)| *url == target)
                        .map(|(_, name)| name.as_str())
                        .collect();
                    known.sort_unstable();
                    let d = Diagnostic::error(
                        "unresolved-ref",
                        format!(
                            "`$ref` \"{reference}\": no `$anchor` named \"{fragment}\" in {}",
                            show_url(&target)
                        ),
                    );
                    let d = if known.is_empty() {
                        d.with_hint("the file declares no `$anchor`; use a JSON pointer such as `#/$defs/name`")
                    } else {
                        d.with_hint(format!("anchors declared there: {}", known.join(", ")))
                    };
                    return Err(self.diagnostic(d, &site));
                }
            }
        };
        if self.value(&loc).is_none() {
            let d = Diagnostic::error(
                "unresolved-ref",
                format!(
                    "`$ref` \"{reference}\": {} has nothing at the pointer \"{fragment}\"",
                    show_url(&target)
                ),
            );
            let d = match self.nearest(&loc) {
                Some(hint) => d.with_hint(hint),
                None => d,
            };
            return Err(self.diagnostic(d, &site));
        }
        Ok(loc)
    }

    /// For a pointer that leads nowhere: what the deepest existing part of it
    /// holds, as a hint.
    fn nearest(&self, loc: &Loc) -> Option<String> {
        let mut l = loc.clone();
        while let Some(i) = l.pointer.rfind('/') {
            l.pointer.truncate(i);
            if let Some(v) = self.value(&l) {
                let shown = if l.pointer.is_empty() {
                    "the document root".to_owned()
                } else {
                    format!("`{}`", l.pointer)
                };
                return Some(match v {
                    Value::Object(obj) if !obj.is_empty() => {
                        let keys: Vec<&str> = obj.keys().map(String::as_str).take(12).collect();
                        let more = if obj.len() > keys.len() { ", …" } else { "" };
                        format!("{shown} has: {}{more}", keys.join(", "))
                    }
                    Value::Array(items) => format!("{shown} is an array of {} items", items.len()),
                    other => format!(
                        "{shown} is {}",
                        eventsmith_core::validation::type_name(other)
                    ),
                });
            }
        }
        None
    }

    fn load_url(&mut self, url: &Url) -> Result<DocId, String> {
        if let Some(id) = self.by_url.get(url) {
            return Ok(*id);
        }
        let path = if url.scheme() == "file" {
            url.to_file_path()
                .map_err(|()| format!("{url} is not a local file"))?
        } else {
            let text = url.as_str();
            let mapped = self.remotes.iter().find_map(|(prefix, dir)| {
                text.strip_prefix(prefix.as_str())
                    .map(|rest| dir.join(rest))
            });
            match mapped {
                Some(p) => p,
                None => {
                    return Err(format!(
                        "{url} is not a local file, and eventsmith does not fetch remote schemas"
                    ));
                }
            }
        };
        if !path.is_file() {
            return Err(format!("the file {} does not exist", path.display()));
        }
        let doc = document::read(&path).map_err(|d| {
            let at = match (d.line, d.column) {
                (Some(l), Some(c)) => format!(" (line {l}, column {c})"),
                _ => String::new(),
            };
            format!(
                "the file {} cannot be read: {}{at}",
                path.display(),
                d.message
            )
        })?;
        Ok(self.add(url.clone(), doc))
    }
}

/// A URL as shown in messages: file URLs as paths.
fn show_url(url: &Url) -> String {
    match url.scheme() {
        "file" => url
            .to_file_path()
            .map_or_else(|()| url.to_string(), |p| p.display().to_string()),
        _ => url.to_string(),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
