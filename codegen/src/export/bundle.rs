//! Turning each event version's effective schema (after the envelope merge
//! and partial expansion) into a self-contained one.
//!
//! Every `$ref` is resolved through the registry. A reference to a whole
//! document or to a `$defs`/`definitions` entry becomes a shared
//! definition; a reference to any other location (the envelope's
//! properties, a partial's properties) is replaced by a copy of its target,
//! unless that would recurse, in which case the target becomes a
//! definition too. Definitions are named once per source, from their file
//! and pointer, independently of the order they are met in, so a shared
//! schema has the same name in every file of the source.
//!
//! References are first written as placeholders (`PLACEHOLDER` + index) and
//! rendered later, because `$defs` files, OpenAPI and AsyncAPI address the
//! same definitions differently.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::formats;
use crate::diagnostic::Diagnostics;
use eventsmith_core::formats::Format;

use crate::keywords::{self, Draft, FormatMode};
use crate::load::catalog::{PARTIAL_OF, Source};
use crate::load::registry::{DynamicScope, Loc, Registry};

/// Prefix of a `$ref` that names definition number N before names exist.
const PLACEHOLDER: &str = "\u{0}eventsmith-def:";

/// Whether an exported schema drops keyword `k` (read under `draft`):
/// identifiers and `$schema`
/// would change how the rewritten references resolve, nested definitions
/// are hoisted, and the partial marker has been expanded already.
fn dropped(k: &str, draft: Draft) -> bool {
    k == PARTIAL_OF || keywords::is_identifier_or_definitions(k, draft)
}

/// A shared definition.
#[derive(Debug, Clone)]
pub struct Def {
    /// Where it comes from.
    pub loc: Loc,
    /// Its name, unique within the source: `[A-Za-z0-9_-]+`.
    pub name: String,
    /// The schema, references as placeholders.
    pub schema: Value,
    /// Definitions it references directly.
    pub uses: BTreeSet<usize>,
}

/// One event version, bundled.
#[derive(Debug, Clone)]
pub struct Root {
    /// The schema, references as placeholders, without `$schema`/`$id`/`$defs`.
    pub schema: Value,
    /// Definitions it references directly.
    pub uses: BTreeSet<usize>,
}

/// A source, bundled.
#[derive(Debug, Clone)]
pub struct SourceBundle {
    /// `roots[event][version]`.
    pub roots: Vec<Vec<Root>>,
    /// Every definition any root needs.
    pub defs: Vec<Def>,
}

impl SourceBundle {
    /// The definitions `uses` needs, transitively, sorted by name.
    pub fn closure(&self, uses: &BTreeSet<usize>) -> Vec<usize> {
        let mut seen: BTreeSet<usize> = BTreeSet::new();
        let mut todo: Vec<usize> = uses.iter().copied().collect();
        while let Some(id) = todo.pop() {
            if seen.insert(id)
                && let Some(def) = self.defs.get(id)
            {
                todo.extend(def.uses.iter().copied());
            }
        }
        let mut out: Vec<usize> = seen.into_iter().collect();
        out.sort_by(|a, b| self.defs[*a].name.cmp(&self.defs[*b].name));
        out
    }
}

/// Bundles every version of `source`.
pub fn bundle_source(
    reg: &mut Registry,
    catalog_root: &Path,
    source: &Source,
    diags: &mut Diagnostics,
) -> SourceBundle {
    let locs: Vec<Vec<Loc>> = source
        .events
        .iter()
        .map(|e| e.versions.iter().map(|v| v.root()).collect())
        .collect();
    let flat: Vec<Loc> = locs.iter().flatten().cloned().collect();
    let (mut roots, defs) = bundle_roots(reg, &flat, catalog_root, &source.dir, diags);
    let roots = locs
        .iter()
        .map(|versions| roots.drain(..versions.len()).collect())
        .collect();
    SourceBundle { roots, defs }
}

/// The schema at `loc` (and every schema it reaches) as one standalone
/// JSON Schema 2020-12 document: whatever draft it was written in,
/// translated, every reference resolved into its own `$defs` (dynamic ones
/// included, statically, in the scope they are reached in).
pub fn standalone_2020_12(reg: &mut Registry, loc: &Loc, diags: &mut Diagnostics) -> Value {
    let dir = reg
        .doc(loc.doc)
        .path
        .parent()
        .map(Path::to_owned)
        .unwrap_or_default();
    let (roots, defs) = bundle_roots(reg, std::slice::from_ref(loc), &dir, &dir, diags);
    let Some(root) = roots.into_iter().next() else {
        return Value::Bool(true);
    };
    let bundle = SourceBundle {
        roots: Vec::new(),
        defs,
    };
    let local = |id: usize| format!("#/$defs/{}", bundle.defs[id].name);
    let mut doc = Map::new();
    doc.insert(
        "$schema".to_owned(),
        Value::String(crate::load::registry::DRAFT_2020_12.to_owned()),
    );
    match render(&root.schema, &local) {
        Value::Object(body) => doc.extend(body),
        Value::Bool(false) => {
            doc.insert("not".to_owned(), Value::Object(Map::new()));
        }
        _ => {}
    }
    let used = bundle.closure(&root.uses);
    if !used.is_empty() {
        let map = used
            .into_iter()
            .map(|id| {
                let d = &bundle.defs[id];
                (d.name.clone(), render(&d.schema, &local))
            })
            .collect();
        doc.insert("$defs".to_owned(), Value::Object(map));
    }
    Value::Object(doc)
}

/// Bundles the schemas at `locs`: each root transformed, and every
/// definition they need, named once (see [`name_defs`]).
fn bundle_roots(
    reg: &mut Registry,
    locs: &[Loc],
    catalog_root: &Path,
    source_dir: &Path,
    diags: &mut Diagnostics,
) -> (Vec<Root>, Vec<Def>) {
    let mut b = Bundler {
        reg,
        ids: BTreeMap::new(),
        locs: Vec::new(),
        diags,
    };
    let mut roots = Vec::new();
    for loc in locs {
        let value = b.reg.value(loc).cloned().unwrap_or(Value::Bool(true));
        let mut uses = BTreeSet::new();
        let scope = DynamicScope::new();
        let schema = b.transform(&value, loc, &scope, &mut vec![loc.clone()], &mut uses);
        roots.push(Root { schema, uses });
    }
    // Definitions found while transforming may reference more definitions.
    let mut defs: Vec<(Value, BTreeSet<usize>)> = Vec::new();
    while defs.len() < b.locs.len() {
        let (loc, scope) = b.locs[defs.len()].clone();
        let value = b.reg.value(&loc).cloned().unwrap_or(Value::Bool(true));
        let mut uses = BTreeSet::new();
        let schema = b.transform(&value, &loc, &scope, &mut vec![loc.clone()], &mut uses);
        defs.push((schema, uses));
    }
    let def_locs: Vec<Loc> = b.locs.iter().map(|(l, _)| l.clone()).collect();
    let names = name_defs(b.reg, catalog_root, source_dir, &def_locs);
    let defs = def_locs
        .into_iter()
        .zip(defs)
        .zip(names)
        .map(|((loc, (schema, uses)), name)| Def {
            loc,
            name,
            schema,
            uses,
        })
        .collect();
    (roots, defs)
}

struct Bundler<'a> {
    reg: &'a mut Registry,
    /// Definitions by location and the dynamic scope they are read in
    /// (empty unless schemas use `$dynamicAnchor` or `$recursiveAnchor`).
    ids: BTreeMap<(Loc, DynamicScope), usize>,
    locs: Vec<(Loc, DynamicScope)>,
    diags: &'a mut Diagnostics,
}

/// Whether a reference to `pointer` becomes a shared definition.
fn is_definition(pointer: &str) -> bool {
    if pointer.is_empty() {
        return true;
    }
    let segments: Vec<&str> = pointer.split('/').skip(1).collect();
    matches!(segments.as_slice(), ["$defs" | "definitions", _])
}

impl Bundler<'_> {
    fn def(&mut self, loc: Loc, scope: DynamicScope) -> usize {
        let key = (loc, scope);
        if let Some(id) = self.ids.get(&key) {
            return *id;
        }
        let id = self.locs.len();
        self.locs.push(key.clone());
        self.ids.insert(key, id);
        id
    }

    /// A 2020-12 copy of `schema` (found at `at`, reached in dynamic scope
    /// `scope`) with every reference resolved. `stack` holds the locations
    /// being inlined, to stop recursion.
    fn transform(
        &mut self,
        schema: &Value,
        at: &Loc,
        scope: &DynamicScope,
        stack: &mut Vec<Loc>,
        uses: &mut BTreeSet<usize>,
    ) -> Value {
        let Value::Object(written) = schema else {
            return schema.clone();
        };
        let draft = self.reg.draft(at);
        let scope = self.reg.enter(scope, at);
        // Identifiers and definitions go (references are rewritten, nested
        // definitions hoisted) before the rest is translated to 2020-12,
        // each subschema at its own location and under its own draft.
        let kept: Map<String, Value> = written
            .iter()
            .filter(|(k, _)| !dropped(k, draft))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let translated = keywords::to_2020_12(&kept, draft, &mut |suffix, sub| {
            let loc = Loc {
                doc: at.doc,
                pointer: format!("{}{suffix}", at.pointer),
            };
            self.transform(sub, &loc, &scope, stack, uses)
        });
        let mut out = Map::new();
        let mut inlined = None;
        for (key, value) in translated {
            let k = key.as_str();
            if !matches!(k, "$ref" | "$dynamicRef" | "$recursiveRef") {
                out.insert(key, value);
                continue;
            }
            let Value::String(reference) = &value else {
                out.insert(key, value);
                continue;
            };
            let target = self.reg.resolve(reference, at).map(|initial| match k {
                "$dynamicRef" => self.reg.dynamic_target(&scope, reference, &initial),
                "$recursiveRef" => self.reg.recursive_target(&scope, &initial),
                _ => initial,
            });
            match target {
                Ok(target) if is_definition(&target.pointer) || stack.contains(&target) => {
                    let target_scope = self.reg.enter(&scope, &target);
                    let id = self.def(target, target_scope);
                    uses.insert(id);
                    out.insert(
                        "$ref".to_owned(),
                        Value::String(format!("{PLACEHOLDER}{id}")),
                    );
                }
                Ok(target) => {
                    let value = self
                        .reg
                        .value(&target)
                        .cloned()
                        .unwrap_or(Value::Bool(true));
                    stack.push(target.clone());
                    let inner = self.transform(&value, &target, &scope, stack, uses);
                    stack.pop();
                    // Two references in one schema (`$ref` beside
                    // `$dynamicRef`): the second joins as an `allOf` member.
                    inlined = Some(match inlined.take() {
                        None => inner,
                        Some(first) => Value::Object(Map::from_iter([(
                            "allOf".to_owned(),
                            Value::Array(vec![first, inner]),
                        )])),
                    });
                }
                Err(d) => {
                    self.diags.push(d);
                    out.insert(key, value);
                }
            }
        }
        // A pattern makes a format assert everywhere: only where it does.
        let custom = out
            .get("format")
            .and_then(Value::as_str)
            .and_then(Format::from_name)
            .is_some_and(Format::is_custom);
        if custom || self.reg.formats(at.doc) != Some(FormatMode::Annotate) {
            formats::annotate(&mut out);
        }
        split_all_of(&mut out);
        split_nullable_enum(&mut out);
        match inlined {
            None => Value::Object(out),
            Some(inner) => merge(out, inner),
        }
    }
}

/// Moves `properties`/`required` beside an `allOf` into a member of it:
/// the same constraints, in the shape code generators turn into an
/// intersection (json-schema-to-typescript ignores properties beside
/// `allOf`). Left alone when another keyword reads the sibling properties.
fn split_all_of(schema: &mut Map<String, Value>) {
    let Some(Value::Array(_)) = schema.get("allOf") else {
        return;
    };
    if !(schema.contains_key("properties") || schema.contains_key("required"))
        || [
            "additionalProperties",
            "patternProperties",
            "unevaluatedProperties",
        ]
        .iter()
        .any(|k| schema.contains_key(*k))
    {
        return;
    }
    let mut member = Map::new();
    if schema.get("type") == Some(&Value::String("object".to_owned())) {
        member.insert("type".to_owned(), Value::String("object".to_owned()));
    }
    for key in ["properties", "required"] {
        if let Some(v) = schema.shift_remove(key) {
            member.insert(key.to_owned(), v);
        }
    }
    if let Some(Value::Array(all)) = schema.get_mut("allOf") {
        all.push(Value::Object(member));
    }
}

/// Rewrites an `enum` that lists `null` beside other values as `anyOf` a
/// null-free `enum` and `{"type": "null"}`: the same values, in the shape
/// code generators turn into an optional enumeration (for an enum holding
/// `null`, datamodel-code-generator makes a pydantic Enum with a `None`
/// member that accepts any unknown value as that member).
fn split_nullable_enum(schema: &mut Map<String, Value>) {
    let Some(Value::Array(values)) = schema.get("enum") else {
        return;
    };
    if !values.contains(&Value::Null)
        || values.iter().all(Value::is_null)
        || schema.contains_key("anyOf")
    {
        return;
    }
    let null = Value::String("null".to_owned());
    let types = match schema.get("type") {
        None => None,
        Some(Value::Array(types)) if types.contains(&null) && types.len() > 1 => Some(
            types
                .iter()
                .filter(|t| **t != null)
                .cloned()
                .collect::<Vec<_>>(),
        ),
        // `null` is not an allowed type, or the only one: nothing to split.
        Some(_) => return,
    };
    let values: Vec<Value> = values.iter().filter(|v| !v.is_null()).cloned().collect();
    schema.shift_remove("enum");
    schema.shift_remove("type");
    let mut first = Map::new();
    match types {
        Some(mut t) if t.len() == 1 => {
            first.insert("type".to_owned(), t.remove(0));
        }
        Some(t) => {
            first.insert("type".to_owned(), Value::Array(t));
        }
        None => {}
    }
    first.insert("enum".to_owned(), Value::Array(values));
    let mut second = Map::new();
    second.insert("type".to_owned(), null);
    schema.insert(
        "anyOf".to_owned(),
        Value::Array(vec![Value::Object(first), Value::Object(second)]),
    );
}

/// Combines a `$ref`'s siblings with the copy of its target.
fn merge(siblings: Map<String, Value>, inner: Value) -> Value {
    if siblings.is_empty() {
        return inner;
    }
    match inner {
        Value::Bool(true) => Value::Object(siblings),
        Value::Object(mut target)
            if siblings.keys().all(|k| {
                !target.contains_key(k) || keywords::is_annotation(k, Draft::Draft2020_12)
            }) =>
        {
            for (k, v) in siblings {
                target.insert(k, v);
            }
            Value::Object(target)
        }
        other => {
            let mut out = siblings;
            match out.get_mut("allOf") {
                Some(Value::Array(all)) => all.push(other),
                _ => {
                    out.insert("allOf".to_owned(), Value::Array(vec![other]));
                }
            }
            Value::Object(out)
        }
    }
}

/// Calls `f` on every `$ref` string of `schema`, walking only schema
/// positions (not `examples`, `const`, `enum` or `default` values).
pub fn for_each_ref(schema: &mut Value, f: &mut dyn FnMut(&mut String)) {
    let Value::Object(obj) = schema else { return };
    if let Some(Value::String(r)) = obj.get_mut("$ref") {
        f(r);
    }
    // Exports are 2020-12.
    keywords::for_each_subschema_mut(obj, Draft::Draft2020_12, &mut |s| for_each_ref(s, f));
}

/// `schema` with every placeholder reference replaced by `target(id)`.
pub fn render(schema: &Value, target: &dyn Fn(usize) -> String) -> Value {
    let mut out = schema.clone();
    for_each_ref(&mut out, &mut |r: &mut String| {
        if let Some(id) = r
            .strip_prefix(PLACEHOLDER)
            .and_then(|n| n.parse::<usize>().ok())
        {
            *r = target(id);
        }
    });
    out
}

/// Keeps `[A-Za-z0-9_-]`, replaces anything else with `_`: safe in a JSON
/// pointer, a URI fragment and an OpenAPI/AsyncAPI component key, and free
/// of the dots datamodel-code-generator reads as module paths.
pub fn sanitize(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() { "_".to_owned() } else { s }
}

/// Names every definition: the first candidate nobody else wants, else the
/// next, else the last with a counter. Candidates, shortest first: the file
/// stem (whole document) or the `$defs` name, then forms qualified by the
/// file's path.
fn name_defs(reg: &Registry, catalog_root: &Path, source_dir: &Path, locs: &[Loc]) -> Vec<String> {
    // Documents reached through `$ref` have absolute paths, the others the
    // paths the catalog was given with: compare absolute forms, so names do
    // not depend on how the catalog directory was named.
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
    let (catalog_root, source_dir) = (absolute(catalog_root), absolute(source_dir));
    let paths: Vec<PathBuf> = locs
        .iter()
        .map(|loc| absolute(&reg.doc(loc.doc).path))
        .collect();
    let candidates: Vec<Vec<String>> = locs
        .iter()
        .zip(&paths)
        .map(|(loc, path)| {
            let rel = path
                .strip_prefix(&source_dir)
                .or_else(|_| path.strip_prefix(&catalog_root))
                .unwrap_or(path)
                .with_extension("");
            let qualified: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let qualified = qualified.join(".");
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let segments: Vec<String> = loc.pointer.split('/').skip(1).map(unescape).collect();
            let list = match segments.as_slice() {
                [] => vec![stem, qualified],
                [_, name] if is_definition(&loc.pointer) => {
                    vec![
                        name.clone(),
                        format!("{stem}.{name}"),
                        format!("{qualified}.{name}"),
                    ]
                }
                _ => vec![
                    format!("{stem}.{}", segments.join(".")),
                    format!("{qualified}.{}", segments.join(".")),
                ],
            };
            list.iter().map(|c| sanitize(c)).collect()
        })
        .collect();
    // Process in an order that does not depend on discovery order.
    let mut order: Vec<usize> = (0..locs.len()).collect();
    order.sort_by(|a, b| {
        (&candidates[*a], &paths[*a], &locs[*a].pointer).cmp(&(
            &candidates[*b],
            &paths[*b],
            &locs[*b].pointer,
        ))
    });
    let mut names: Vec<Option<String>> = vec![None; locs.len()];
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let levels = candidates.iter().map(Vec::len).max().unwrap_or(0);
    for level in 0..levels {
        let mut wanted: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for &i in &order {
            if names[i].is_none()
                && let Some(c) = candidates[i].get(level)
            {
                wanted.entry(c.clone()).or_default().push(i);
            }
        }
        for (name, who) in wanted {
            if who.len() == 1 && !taken.contains(&name) {
                taken.insert(name.clone());
                names[who[0]] = Some(name);
            }
        }
    }
    for &i in &order {
        if names[i].is_none() {
            let base = candidates[i]
                .last()
                .cloned()
                .unwrap_or_else(|| "def".to_owned());
            let mut n = 2;
            while taken.contains(&format!("{base}-{n}")) {
                n += 1;
            }
            let name = format!("{base}-{n}");
            taken.insert(name.clone());
            names[i] = Some(name);
        }
    }
    names.into_iter().map(Option::unwrap_or_default).collect()
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn definitions_are_whole_documents_and_defs_entries() {
        assert!(is_definition(""));
        assert!(is_definition("/$defs/user"));
        assert!(is_definition("/definitions/user"));
        assert!(!is_definition("/properties/id"));
        assert!(!is_definition("/$defs/user/properties/id"));
    }

    #[test]
    fn merge_keeps_target_and_sibling_annotations() {
        let siblings = json!({"description": "outer"}).as_object().unwrap().clone();
        let merged = merge(siblings, json!({"type": "string", "description": "inner"}));
        assert_eq!(merged, json!({"type": "string", "description": "outer"}));
        let conflicting = json!({"type": "integer"}).as_object().unwrap().clone();
        let merged = merge(conflicting, json!({"type": "string"}));
        assert_eq!(
            merged,
            json!({"type": "integer", "allOf": [{"type": "string"}]})
        );
        assert_eq!(merge(Map::new(), json!(false)), json!(false));
    }

    #[test]
    fn properties_beside_all_of_move_into_it() {
        let mut s = json!({"title": "T", "allOf": [{"$ref": "a"}], "type": "object", "properties": {"m": {}}, "required": ["m"]})
            .as_object()
            .unwrap()
            .clone();
        split_all_of(&mut s);
        assert_eq!(
            Value::Object(s),
            json!({"title": "T", "allOf": [{"$ref": "a"}, {"type": "object", "properties": {"m": {}}, "required": ["m"]}], "type": "object"})
        );
        let kept = json!({"allOf": [true], "properties": {"m": {}}, "additionalProperties": false});
        let mut s = kept.as_object().unwrap().clone();
        split_all_of(&mut s);
        assert_eq!(Value::Object(s), kept);
    }

    #[test]
    fn nullable_enums_become_any_of() {
        let mut s =
            json!({"description": "d", "type": ["string", "null"], "enum": ["", "a", null]})
                .as_object()
                .unwrap()
                .clone();
        split_nullable_enum(&mut s);
        assert_eq!(
            Value::Object(s),
            json!({"description": "d", "anyOf": [{"type": "string", "enum": ["", "a"]}, {"type": "null"}]})
        );
        let mut s = json!({"enum": [1, null]}).as_object().unwrap().clone();
        split_nullable_enum(&mut s);
        assert_eq!(
            Value::Object(s),
            json!({"anyOf": [{"enum": [1]}, {"type": "null"}]})
        );
        for kept in [
            json!({"type": "string", "enum": ["a", null]}),
            json!({"enum": [null]}),
            json!({"enum": ["a", null], "anyOf": [true]}),
        ] {
            let mut s = kept.as_object().unwrap().clone();
            split_nullable_enum(&mut s);
            assert_eq!(Value::Object(s), kept);
        }
    }

    #[test]
    fn refs_are_found_only_in_schema_positions() {
        let mut schema = json!({
            "$ref": "a",
            "properties": {"x": {"$ref": "b"}, "$ref": {"$ref": "c"}},
            "prefixItems": [{"$ref": "d"}],
            "anyOf": [{"$ref": "e"}],
            "examples": [{"$ref": "not-a-ref"}],
            "const": {"$ref": "not-a-ref"}
        });
        let mut seen = Vec::new();
        for_each_ref(&mut schema, &mut |r| seen.push(r.clone()));
        seen.sort();
        assert_eq!(seen, ["a", "b", "c", "d", "e"]);
    }

    #[test]
    fn sanitize_keeps_safe_characters() {
        assert_eq!(sanitize("sim-2025-05-22"), "sim-2025-05-22");
        assert_eq!(sanitize("a b/c~d.e"), "a_b_c_d_e");
        assert_eq!(sanitize(""), "_");
    }
}
