//! Every schema document the generator has read, indexed the way JSON Schema
//! identifies schemas: by URI (`$id`, draft-04's `id`), by anchor (`$anchor`,
//! `"$id": "#name"` before 2019-09) and by JSON pointer, so `$ref` resolves
//! within a file, across files and to remote documents mapped onto
//! directories. Each location is read under the draft of the resource it
//! sits in (`$schema`, else the directory's `default_draft`), and the
//! keyword table ([`crate::keywords`]) says where that draft's subschemas are.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::Value;
use url::Url;

use super::document::{self, Document};
use crate::diagnostic::Diagnostic;
use crate::keywords::{self, Draft, FormatMode, Vocabulary};

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

/// The 2020-12 meta-schema URI, what exports declare.
pub const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// The anchor name under which a 2019-09 `$recursiveAnchor: true` joins the
/// dynamic scope (no `$dynamicAnchor` name can start with `$`).
pub const RECURSIVE_ANCHOR: &str = "$recursiveAnchor";

/// The dynamic scope a schema is evaluated in, as far as `$dynamicRef` and
/// `$recursiveRef` can see it: for each dynamic anchor name, where the
/// outermost schema resource in scope declares it. Empty unless schemas use
/// `$dynamicAnchor` or `$recursiveAnchor`, so other schemas are read once
/// per location.
pub type DynamicScope = BTreeMap<String, Loc>;

/// What a document is resolved against before any `$id` of its own.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum BaseUri {
    /// The file's own location (JSON Schema's retrieval URI).
    #[default]
    File,
    /// A directory (with a trailing `/`): every document below it is read as
    /// if it sat there (`base_uri: source-root`), so `$id`s and `$ref`s
    /// written relative to one folder resolve as they did where they were
    /// written (octokit's schemas, resolved by ajv).
    Dir(Url),
}

/// How the documents of a directory are read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Settings {
    /// The draft of documents without `$schema`.
    pub default_draft: Draft,
    /// What relative identifiers and references resolve against.
    pub base: BaseUri,
    /// `format` behaviour, when the source says (else the lowering's default).
    pub formats: Option<FormatMode>,
    /// Vendor keywords read as annotations (no setting fills it yet).
    pub vendor_annotations: Vec<String>,
}

/// What holds at an indexed schema location.
#[derive(Debug, Clone)]
struct Scope {
    /// The base URI.
    base: Url,
    /// The draft it is read under.
    draft: Draft,
    /// The root of the schema resource it belongs to.
    resource: Loc,
}

/// The index keys one document added.
#[derive(Debug, Default)]
struct Indexed {
    scopes: Vec<Loc>,
    resources: Vec<Url>,
    anchors: Vec<(Url, String)>,
    dynamic_anchors: Vec<Url>,
}

/// All loaded documents and their identifiers.
#[derive(Debug, Default)]
pub struct Registry {
    /// What the sources' `source.yaml` say about locations (names,
    /// replacements, attributes), read by lowering.
    pub overrides: super::overrides::Overrides,
    docs: Vec<(Url, Document)>,
    /// The settings each document is read with (parallel to `docs`).
    settings: Vec<Settings>,
    by_url: HashMap<Url, DocId>,
    /// Schema resources by URI. Sibling version files can embed resources
    /// with the same relative `$id`, so each URI keeps one location per
    /// document; a reference prefers the one in its own document.
    resources: HashMap<Url, Vec<Loc>>,
    /// Anchors by (resource URI, name); several documents can share a base
    /// URI under `base_uri: source-root`, so each name keeps every declaration.
    anchors: HashMap<(Url, String), Vec<Loc>>,
    /// Dynamic anchors (`$dynamicAnchor`, and `$recursiveAnchor: true` as
    /// [`RECURSIVE_ANCHOR`]) by schema resource, in document order (first wins).
    dynamic_anchors: HashMap<Url, Vec<(String, Loc)>>,
    scopes: HashMap<Loc, Scope>,
    /// What each document put in the indexes above, so re-indexing one
    /// document touches its own entries only (not every document's: a
    /// catalog of thousands of files re-indexes each once or twice).
    indexed: Vec<Indexed>,
    /// Remote URL prefixes served from local directories (`http://localhost:1234/` → `remotes/`).
    remotes: Vec<(String, PathBuf)>,
    /// Settings of documents below a directory; the longest match wins.
    dir_settings: Vec<(PathBuf, Settings)>,
    /// Settings of every other document.
    default_settings: Settings,
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

    /// Reads documents outside any configured directory with `settings`.
    pub fn set_default_settings(&mut self, settings: Settings) {
        self.default_settings = settings;
    }

    /// Reads documents below `dir` (a source directory) with `settings`.
    /// Call before loading them.
    pub fn configure_dir(&mut self, dir: &Path, settings: Settings) {
        let dir = std::fs::canonicalize(dir)
            .or_else(|_| std::path::absolute(dir))
            .unwrap_or_else(|_| dir.to_owned());
        self.dir_settings.push((dir, settings));
    }

    fn settings_for(&self, path: &Path) -> Settings {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        self.dir_settings
            .iter()
            .filter(|(dir, _)| path.starts_with(dir))
            .max_by_key(|(dir, _)| dir.as_os_str().len())
            .map_or_else(|| self.default_settings.clone(), |(_, s)| s.clone())
    }

    /// The settings document `id` is read with.
    pub fn settings(&self, id: DocId) -> &Settings {
        &self.settings[id]
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

    /// The directory URL of `path` (made absolute, with a trailing `/`).
    pub fn dir_url(path: &Path) -> Result<Url, Diagnostic> {
        let abs = std::fs::canonicalize(path)
            .or_else(|_| std::path::absolute(path))
            .unwrap_or_else(|_| path.to_owned());
        Url::from_directory_path(&abs).map_err(|()| {
            Diagnostic::error(
                "unreadable-file",
                "cannot turn the path into a directory URL",
            )
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
        let settings = self.settings_for(&doc.path);
        self.docs.push((url.clone(), doc));
        self.settings.push(settings);
        self.by_url.insert(url.clone(), id);
        self.reindex(id);
        id
    }

    /// Replaces the value of a document (after a rewrite) and re-indexes it.
    pub fn replace_value(&mut self, id: DocId, value: Value) {
        self.docs[id].1.value = value;
        self.reindex(id);
    }

    /// Edits a document's value in place, without re-indexing: for edits
    /// that add no subschema, `$id` or anchor (keywords beside others).
    /// Otherwise call [`Registry::reindex_doc`] after.
    pub fn edit_value<R>(&mut self, id: DocId, edit: impl FnOnce(&mut Value) -> R) -> R {
        edit(&mut self.docs[id].1.value)
    }

    /// Re-indexes a document after [`Registry::edit_value`] changed its
    /// subschemas.
    pub fn reindex_doc(&mut self, id: DocId) {
        self.reindex(id);
    }

    fn reindex(&mut self, id: DocId) {
        if self.indexed.len() <= id {
            self.indexed.resize_with(id + 1, Indexed::default);
        }
        let old = std::mem::take(&mut self.indexed[id]);
        for loc in &old.scopes {
            self.scopes.remove(loc);
        }
        for url in &old.resources {
            if let Some(list) = self.resources.get_mut(url) {
                list.retain(|loc| loc.doc != id);
                if list.is_empty() {
                    self.resources.remove(url);
                }
            }
        }
        for key in &old.anchors {
            if let Some(list) = self.anchors.get_mut(key) {
                list.retain(|loc| loc.doc != id);
                if list.is_empty() {
                    self.anchors.remove(key);
                }
            }
        }
        for url in &old.dynamic_anchors {
            if let Some(list) = self.dynamic_anchors.get_mut(url) {
                list.retain(|(_, loc)| loc.doc != id);
            }
        }
        let url = self.docs[id].0.clone();
        let root = Loc {
            doc: id,
            pointer: String::new(),
        };
        self.add_resource(url.clone(), &root);
        let base = match &self.settings[id].base {
            BaseUri::File => url,
            BaseUri::Dir(dir) => dir.clone(),
        };
        let draft = self.settings[id].default_draft;
        // Out of the document while indexing reads it (indexing never
        // reads documents), so it is not copied.
        let value = std::mem::take(&mut self.docs[id].1.value);
        self.index(&value, root.clone(), &base, draft, &root);
        self.docs[id].1.value = value;
    }

    fn add_resource(&mut self, url: Url, loc: &Loc) {
        let list = self.resources.entry(url.clone()).or_default();
        if !list.iter().any(|l| l.doc == loc.doc) {
            list.push(loc.clone());
            self.indexed[loc.doc].resources.push(url);
        }
    }

    fn add_anchor(&mut self, resource: Url, name: String, loc: &Loc) {
        let key = (resource, name);
        let list = self.anchors.entry(key.clone()).or_default();
        if !list.iter().any(|l| l.doc == loc.doc) {
            list.push(loc.clone());
            self.indexed[loc.doc].anchors.push(key);
        }
    }

    fn add_scope(&mut self, loc: Loc, scope: Scope) {
        self.indexed[loc.doc].scopes.push(loc.clone());
        self.scopes.insert(loc, scope);
    }

    fn index(&mut self, schema: &Value, loc: Loc, base: &Url, draft: Draft, resource: &Loc) {
        let Value::Object(obj) = schema else {
            self.add_scope(
                loc,
                Scope {
                    base: base.clone(),
                    draft,
                    resource: resource.clone(),
                },
            );
            return;
        };
        let draft = match obj.get("$schema") {
            Some(Value::String(s)) => Draft::from_meta_schema(s).unwrap_or(draft),
            _ => draft,
        };
        let mut base = base.clone();
        let mut resource = resource.clone();
        // Drafts 4 to 7 ignore everything beside `$ref`, its `$id` included.
        let overridden = draft.ref_overrides_siblings() && obj.contains_key("$ref");
        if !overridden
            && let Some(Value::String(id)) = obj.get(draft.id_keyword())
            && let Ok(mut joined) = base.join(id)
        {
            let fragment = joined.fragment().map(percent_decode).unwrap_or_default();
            joined.set_fragment(None);
            if !id.starts_with('#') {
                base = joined.clone();
                resource = loc.clone();
                self.add_resource(joined.clone(), &loc);
            }
            // `"$id": "#name"` (or `uri#name`) names an anchor before 2019-09.
            if draft.id_declares_anchor() && !fragment.is_empty() && !fragment.starts_with('/') {
                self.add_anchor(joined, fragment, &loc);
            }
        }
        for key in ["$anchor", "$dynamicAnchor"] {
            if keywords::get(key, draft).is_some()
                && let Some(Value::String(anchor)) = obj.get(key)
            {
                self.add_anchor(base.clone(), anchor.clone(), &loc);
            }
        }
        let dynamic = match (obj.get("$dynamicAnchor"), obj.get("$recursiveAnchor")) {
            (Some(Value::String(anchor)), _)
                if keywords::get("$dynamicAnchor", draft).is_some() =>
            {
                Some(anchor.clone())
            }
            (_, Some(Value::Bool(true))) if keywords::get("$recursiveAnchor", draft).is_some() => {
                Some(RECURSIVE_ANCHOR.to_owned())
            }
            _ => None,
        };
        if let Some(anchor) = dynamic {
            let list = self.dynamic_anchors.entry(base.clone()).or_default();
            if !list
                .iter()
                .any(|(name, l)| *name == anchor && l.doc == loc.doc)
            {
                list.push((anchor, loc.clone()));
                self.indexed[loc.doc].dynamic_anchors.push(base.clone());
            }
        }
        self.add_scope(
            loc.clone(),
            Scope {
                base: base.clone(),
                draft,
                resource: resource.clone(),
            },
        );
        keywords::for_each_subschema(obj, draft, |keyword, step, sub| {
            let child = Loc {
                doc: loc.doc,
                pointer: format!("{}{}", loc.pointer, keywords::suffix(keyword, step)),
            };
            self.index(sub, child, &base, draft, &resource);
        });
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

    /// What holds at `loc`: that of the nearest indexed location at or above it.
    fn scope(&self, loc: &Loc) -> Option<&Scope> {
        let mut l = loc.clone();
        loop {
            if let Some(s) = self.scopes.get(&l) {
                return Some(s);
            }
            let i = l.pointer.rfind('/')?;
            l.pointer.truncate(i);
        }
    }

    /// The base URI in force at `loc`.
    pub fn base(&self, loc: &Loc) -> Url {
        match self.scope(loc) {
            Some(s) => s.base.clone(),
            None => self.docs[loc.doc].0.clone(),
        }
    }

    /// The draft the schema at `loc` is read under.
    pub fn draft(&self, loc: &Loc) -> Draft {
        match self.scope(loc) {
            Some(s) => s.draft,
            None => self.settings[loc.doc].default_draft,
        }
    }

    /// The keywords the schema at `loc` is read with.
    pub fn vocabulary(&self, loc: &Loc) -> Vocabulary {
        Vocabulary {
            draft: self.draft(loc),
            vendor_annotations: self.settings[loc.doc].vendor_annotations.clone(),
        }
    }

    /// The root of the schema resource `loc` belongs to.
    fn resource_root(&self, loc: &Loc) -> Loc {
        match self.scope(loc) {
            Some(s) => s.resource.clone(),
            None => Loc {
                doc: loc.doc,
                pointer: String::new(),
            },
        }
    }

    /// The dynamic scope once the resource holding `loc` is entered: its
    /// dynamic anchors join `scope` unless an outer resource declared the
    /// same name (the outermost wins, 2020-12 §8.2.3.2; 2019-09 §8.2.4.2.2
    /// for `$recursiveAnchor`).
    pub fn enter(&self, scope: &DynamicScope, loc: &Loc) -> DynamicScope {
        let mut scope = scope.clone();
        let resource = self.base(loc);
        for (name, anchor) in self.dynamic_anchors(&resource) {
            if anchor.doc == loc.doc {
                scope.entry(name.clone()).or_insert_with(|| anchor.clone());
            }
        }
        scope
    }

    /// Where `$dynamicRef` `reference` (initially resolved to `initial`)
    /// leads in `scope`: when `initial` declares the `$dynamicAnchor` the
    /// fragment names, the outermost resource in scope declaring it; else
    /// `initial`.
    pub fn dynamic_target(&self, scope: &DynamicScope, reference: &str, initial: &Loc) -> Loc {
        let Some((_, fragment)) = reference.split_once('#') else {
            return initial.clone();
        };
        let declared = self
            .value(initial)
            .and_then(|v| v.get("$dynamicAnchor"))
            .and_then(Value::as_str);
        if fragment.is_empty() || fragment.starts_with('/') || declared != Some(fragment) {
            return initial.clone();
        }
        self.outermost(scope, fragment, initial)
    }

    /// Where a 2019-09 `$recursiveRef` (initially resolved to `initial`)
    /// leads in `scope`: when `initial` has `$recursiveAnchor: true`, the
    /// outermost resource in scope that has it too; else `initial`.
    pub fn recursive_target(&self, scope: &DynamicScope, initial: &Loc) -> Loc {
        let anchored =
            self.value(initial).and_then(|v| v.get("$recursiveAnchor")) == Some(&Value::Bool(true));
        if !anchored {
            return initial.clone();
        }
        self.outermost(scope, RECURSIVE_ANCHOR, initial)
    }

    fn outermost(&self, scope: &DynamicScope, name: &str, fallback: &Loc) -> Loc {
        scope.get(name).unwrap_or(fallback).clone()
    }

    /// The `format` behaviour document `doc`'s source asks for, if any.
    pub fn formats(&self, doc: DocId) -> Option<FormatMode> {
        self.settings[doc].formats
    }

    /// A diagnostic pointing at `loc`.
    pub fn diagnostic(&self, d: Diagnostic, loc: &Loc) -> Diagnostic {
        self.doc(loc.doc).diagnostic(d, &loc.pointer)
    }

    /// A readable name for `loc`: `file#/pointer`, the file relative to
    /// `relative_to` when possible.
    pub fn display(&self, loc: &Loc, relative_to: Option<&Path>) -> String {
        format!(
            "{}#{}",
            self.display_file(loc.doc, relative_to),
            loc.pointer
        )
    }

    /// The file part of [`Registry::display`].
    pub fn display_file(&self, doc: DocId, relative_to: Option<&Path>) -> String {
        let path = &self.doc(doc).path;
        let shown = relative_to
            .and_then(|r| path.strip_prefix(r).ok())
            .unwrap_or(path);
        let file = if path.as_os_str().is_empty() {
            self.url(doc).to_string()
        } else {
            shown.display().to_string()
        };
        file.replace('\\', "/")
    }

    /// Where a reference is written: the member of the schema at `at` whose
    /// value is `reference` (`$ref`, `x-eventsmith-partial-of`), else `at`.
    fn reference_site(&self, reference: &str, at: &Loc) -> Loc {
        match self.value(at) {
            // Reference keywords first: `$schema` may hold the same URL as `$ref`.
            Some(Value::Object(obj)) => obj
                .iter()
                .find(|(k, v)| {
                    v.as_str() == Some(reference)
                        && keywords::KEYWORDS
                            .iter()
                            .any(|kw| kw.name == k.as_str() && kw.role == keywords::Role::Reference)
                })
                .map(|(k, _)| k.as_str())
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
        let mut own = base.clone();
        own.set_fragment(None);
        // A reference to the resource it sits in (`#/definitions/a`, `#foo`):
        // the same document, even when its base is a directory
        // (`base_uri: source-root`) that several documents share.
        let registered = self.resources.get(&target).and_then(|list| {
            list.iter()
                .find(|l| l.doc == at.doc)
                .or_else(|| list.first())
                .cloned()
        });
        let resource = match registered {
            _ if target == own => self.resource_root(at),
            Some(loc) => loc,
            None => {
                let id = self.load_url(&target).map_err(|why| {
                    self.diagnostic(
                        Diagnostic::error(
                            "unresolved-ref",
                            format!("`$ref` \"{reference}\": {why}"),
                        ),
                        &site,
                    )
                    .with_hint(ref_hint(&self.settings[at.doc].base))
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
            // The declaration in the document the resource is in, else the first.
            let found = self
                .anchors
                .get(&(target.clone(), fragment.clone()))
                .and_then(|list| {
                    list.iter()
                        .find(|l| l.doc == resource.doc)
                        .or_else(|| list.first())
                });
            match found {
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

/// How to fix a reference that leads to no file, given what it resolved against.
fn ref_hint(base: &BaseUri) -> String {
    match base {
        BaseUri::File => "references resolve against the file's location (or its `$id`); check the relative path, or set `base_uri: source-root` in source.yaml if the schemas were written relative to the source directory".to_owned(),
        BaseUri::Dir(_) => "with `base_uri: source-root`, references resolve against the source directory (or the `$id`); check the path".to_owned(),
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use serde_json::json;

    fn add(reg: &mut Registry, url: &str, value: Value) -> DocId {
        reg.add(
            Url::parse(url).unwrap(),
            Document::new(PathBuf::from(url), value),
        )
    }

    fn root(doc: DocId) -> Loc {
        Loc {
            doc,
            pointer: String::new(),
        }
    }

    /// Two versions of one event type embed a resource with the same
    /// relative `$id`: each document's references find its own.
    #[test]
    fn sibling_documents_keep_their_own_embedded_resources() {
        let mut reg = Registry::new();
        let schema = |t: &str| json!({"$defs": {"a": {"$id": "a.json", "$dynamicAnchor": "node", "type": t}}, "$ref": "a.json"});
        let v1 = add(&mut reg, "file:///s/e/1.0.0.json", schema("string"));
        let v2 = add(&mut reg, "file:///s/e/1.1.0.json", schema("integer"));
        for doc in [v1, v2] {
            let target = reg.resolve("a.json", &root(doc)).unwrap();
            assert_eq!(target.doc, doc);
            assert_eq!(target.pointer, "/$defs/a");
            let scope = reg.enter(&DynamicScope::new(), &target);
            assert_eq!(scope.get("node").map(|l| l.doc), Some(doc));
        }
    }

    /// Drafts 4 to 7: `id`/`$id` fragments are anchors, `$id` beside `$ref`
    /// is ignored, and the draft follows `$schema` into embedded resources.
    #[test]
    fn identifiers_follow_the_draft() {
        let mut reg = Registry::new();
        reg.set_default_settings(Settings {
            default_draft: Draft::Draft4,
            ..Settings::default()
        });
        let doc = add(
            &mut reg,
            "http://x/root.json",
            json!({
                "definitions": {
                    "a": {"id": "#a"},
                    "b": {"$id": "#b"},
                    "c": {"$schema": "http://json-schema.org/draft-07/schema#", "$id": "c.json", "definitions": {"d": {"$id": "#d"}}},
                    "e": {"id": "e.json", "$ref": "#/definitions/a"}
                }
            }),
        );
        let at = root(doc);
        assert_eq!(reg.resolve("#a", &at).unwrap().pointer, "/definitions/a");
        assert!(
            reg.resolve("#b", &at).is_err(),
            "`$id` means nothing in draft-04"
        );
        assert_eq!(
            reg.resolve("c.json#d", &at).unwrap().pointer,
            "/definitions/c/definitions/d"
        );
        assert!(
            reg.resolve("e.json", &at).is_err(),
            "`id` beside `$ref` is ignored"
        );
        let c = Loc {
            doc,
            pointer: "/definitions/c".to_owned(),
        };
        assert_eq!(reg.draft(&c), Draft::Draft7);
        assert_eq!(reg.draft(&c.child("definitions").child("d")), Draft::Draft7);
        assert_eq!(reg.draft(&at), Draft::Draft4);
    }

    /// `base_uri: source-root`: documents resolve against the directory, and
    /// `#…` references stay in their own document although several share
    /// that base.
    #[test]
    fn a_directory_base_keeps_same_document_references_local() {
        let mut reg = Registry::new();
        let dir = Url::parse("file:///src/").unwrap();
        reg.set_default_settings(Settings {
            base: BaseUri::Dir(dir),
            ..Settings::default()
        });
        let a = add(
            &mut reg,
            "file:///src/e/a.json",
            json!({"definitions": {"x": {"type": "string"}}, "$ref": "#/definitions/x"}),
        );
        let b = add(
            &mut reg,
            "file:///src/f/b.json",
            json!({"definitions": {"x": {"type": "integer"}}, "$ref": "#/definitions/x"}),
        );
        let c = add(
            &mut reg,
            "file:///src/common/c.json",
            json!({"$id": "common/c.json"}),
        );
        for doc in [a, b] {
            assert_eq!(reg.resolve("#/definitions/x", &root(doc)).unwrap().doc, doc);
            assert_eq!(reg.resolve("common/c.json", &root(doc)).unwrap().doc, c);
        }
    }
}
