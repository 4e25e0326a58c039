//! Agreement with the `jsonschema` crate on the shipped catalog (`schemas/`):
//! every example of every event version, and proptest mutations of them
//! (type swaps, removed and added keys, boundary numbers, long and non-ASCII
//! strings, shortened and duplicated arrays), through eventsmith's validator
//! IR (the interpreter, which the suite test holds identical to the generated
//! code) and through `jsonschema` built from the same effective schema.
//!
//! The effective schema of a version is its document after the envelope
//! merge and the partial expansion, as the catalog's registry holds it; its
//! `$ref`s are absolute `file://` URLs that the [`Retriever`] serves from the
//! same registry. eventsmith's own formats (`decimal`, `money`,
//! `lenient-date-time`) are registered with `jsonschema` through
//! [`Format::check`], and format assertion is on, as in catalogs.

use std::collections::HashMap;
use std::sync::LazyLock;

use eventsmith_codegen::Compiled;
use eventsmith_codegen::diagnostic::Diagnostics;
use eventsmith_codegen::interpret::Interpreter;
use eventsmith_codegen::ir::validator::NodeId;
use eventsmith_core::formats::Format;
use eventsmith_core::validation::{Collect, Path as At, Probe, ValidationError};
use jsonschema::Draft;
use proptest::prelude::*;
use serde_json::{Map, Number, Value, json};

use super::agreement::{Retriever, disagreement};
use super::drafts::jsonschema_draft;
use super::manifest_dir;
use eventsmith_codegen::load::registry::{BaseUri, Loc};

/// One event version of the catalog, with both validators.
struct Target {
    /// `source/event/version`.
    name: String,
    source: usize,
    root: NodeId,
    jsonschema: jsonschema::Validator,
    examples: Vec<(String, Value)>,
}

struct Fixture {
    compiled: Compiled,
    targets: Vec<Target>,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(load);

/// One interpreter per source (compiling a source's patterns once).
static INTERPRETERS: LazyLock<Vec<Interpreter<'static>>> = LazyLock::new(|| {
    FIXTURE
        .compiled
        .sources
        .iter()
        .map(|s| Interpreter::new(&s.graph))
        .collect()
});

fn load() -> Fixture {
    let root = manifest_dir().join("../../schemas");
    let mut diags = Diagnostics::default();
    let compiled = Compiled::load(&root, &mut diags);
    assert!(!diags.has_errors(), "the catalog does not load:\n{diags}");
    let reg = &compiled.catalog.registry;
    let docs: HashMap<String, Value> = (0..reg.len())
        .map(|id| (reg.url(id).to_string(), served(reg, id)))
        .collect();
    let mut targets = Vec::new();
    for cs in &compiled.sources {
        let source = &compiled.catalog.sources[cs.source];
        for (ei, event) in source.events.iter().enumerate() {
            for (vi, version) in event.versions.iter().enumerate() {
                // Each document under its own draft and base URI (GitHub's
                // are draft-07, resolved against the source directory).
                let at = Loc {
                    doc: version.doc,
                    pointer: String::new(),
                };
                let mut options = jsonschema::options()
                    .with_draft(jsonschema_draft(reg.draft(&at)))
                    .with_base_uri(reg.base(&at).to_string())
                    .with_retriever(Retriever {
                        docs: docs.clone(),
                        remotes: None,
                    })
                    .should_validate_formats(true);
                for f in Format::ALL.iter().copied().filter(|f| f.is_custom()) {
                    options = options.with_format(f.name(), move |s: &str| f.check(s));
                }
                let name = format!("{}/{}/{}", source.name, event.dir, version.version);
                let jsonschema = options
                    .build(&served(reg, version.doc))
                    .unwrap_or_else(|e| {
                        panic!("{name}: jsonschema cannot build the effective schema: {e}")
                    });
                let examples = version
                    .examples
                    .iter()
                    .map(|e| (e.path.display().to_string(), e.value.clone()))
                    .collect();
                targets.push(Target {
                    name,
                    source: cs.source,
                    root: cs.events[ei].versions[vi].root,
                    jsonschema,
                    examples,
                });
            }
        }
    }
    Fixture { compiled, targets }
}

/// Document `id` as `jsonschema` must read it to resolve what eventsmith
/// resolves. Under `base_uri: source-root` (GitHub's), a document is read
/// as if it sat in the source directory: its relative `$id` resolves there,
/// not beside its file. `jsonschema` knows only the retrieval URL, so the
/// document is served with its effective base as an absolute `$id` (for one
/// without `$id`, a name of its own in that directory: several share it).
fn served(reg: &eventsmith_codegen::load::registry::Registry, id: usize) -> Value {
    let mut value = reg.doc(id).value.clone();
    if let BaseUri::Dir(dir) = &reg.settings(id).base {
        let root = Loc {
            doc: id,
            pointer: String::new(),
        };
        let own = match value.get("$id") {
            Some(_) => reg.base(&root),
            None => {
                let name = reg.url(id).path().replace('/', "$");
                dir.join(&name).unwrap_or_else(|_| reg.base(&root))
            }
        };
        if let Value::Object(map) = &mut value {
            map.insert("$id".to_owned(), Value::String(own.to_string()));
        }
    }
    value
}

/// Our errors for `value` against `t` (interpreter, collect), after checking
/// that the probing run reaches the same verdict.
fn ours(f: &Fixture, t: &Target, value: &Value) -> Vec<ValidationError> {
    let index = f
        .compiled
        .sources
        .iter()
        .position(|s| s.source == t.source)
        .unwrap();
    let interp = &INTERPRETERS[index];
    let mut sink = Collect::default();
    let valid = interp.validate(t.root, value, &At::Root, &mut sink);
    assert_eq!(
        valid,
        sink.0.is_empty(),
        "{}: verdict and errors disagree",
        t.name
    );
    assert_eq!(
        valid,
        interp.validate(t.root, value, &At::Root, &mut Probe),
        "{}: probe and collect disagree",
        t.name
    );
    sink.0
}

fn check(t: &Target, value: &Value, what: &str) -> Result<(), String> {
    let errors = ours(&FIXTURE, t, value);
    match disagreement(&errors, &t.jsonschema, value) {
        None => Ok(()),
        Some(d) => Err(format!("{} {what}: {d}\ninstance: {value}", t.name)),
    }
}

#[test]
fn catalog_examples_agree_with_jsonschema() {
    let f = &*FIXTURE;
    let mut problems = Vec::new();
    let mut compared = 0;
    for t in &f.targets {
        for (path, value) in &t.examples {
            compared += 1;
            if let Err(e) = check(t, value, path) {
                problems.push(e);
            }
        }
    }
    println!(
        "catalog agreement: {} event versions, {compared} examples compared with jsonschema",
        f.targets.len()
    );
    assert!(compared > 0, "no examples found");
    assert!(
        problems.is_empty(),
        "{} disagreements:\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

// ---------------------------------------------------------------------------
// Mutations

/// Every location in `v` as a JSON pointer, the root first.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                pointers(
                    x,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                pointers(x, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Values of every JSON type, for type swaps and added keys.
fn type_swaps() -> Vec<Value> {
    vec![
        json!(null),
        json!(true),
        json!(false),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(""),
        json!("x"),
        json!([]),
        json!([1, "a"]),
        json!({}),
        json!({"k": 1}),
    ]
}

/// Numbers at the edges: zero, signs, integer limits, huge and tiny floats,
/// integral floats, 2^53 + 1.
fn boundary_numbers(n: &Number) -> Vec<Value> {
    let mut out = vec![
        json!(0),
        json!(-0.0),
        json!(1),
        json!(-1),
        json!(0.5),
        json!(1.0),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(9_007_199_254_740_993u64),
        json!(1e308),
        json!(-1e308),
        json!(5e-324),
        json!(0.01),
        json!(0.1),
    ];
    if let Some(i) = n.as_i64() {
        out.extend([
            json!(i.saturating_add(1)),
            json!(i.saturating_sub(1)),
            json!(i as f64 + 0.5),
        ]);
    } else if let Some(x) = n.as_f64() {
        out.extend([
            json!(x + 0.01),
            json!(x - 0.01),
            json!(x * 10.0),
            json!(x.trunc()),
        ]);
    }
    out
}

/// Long, empty, non-ASCII and near-miss strings.
fn odd_strings(s: &str) -> Vec<Value> {
    vec![
        json!(""),
        json!("a".repeat(10_000)),
        json!("é"),
        json!("日本語のテキスト"),
        json!("😀🎉"),
        json!("e\u{301}"),
        json!("\u{0}\n\t"),
        json!(format!("{s}x")),
        json!(format!(" {s}")),
        json!(s.to_uppercase()),
        json!(s.chars().skip(1).collect::<String>()),
        json!(format!("{s}{}", "ü".repeat(300))),
        json!("2024-02-30T25:61:00Z"),
        json!("00000000-0000-0000-0000-000000000000"),
        json!("-0.00 EUR"),
    ]
}

/// Applies mutation `kind` (with choice `pick`) at `pointer` of `value`.
fn mutate(value: &Value, pointer: &str, kind: u8, pick: usize) -> Value {
    let mut out = value.clone();
    let Some(slot) = out.pointer_mut(pointer) else {
        return out;
    };
    match kind % 6 {
        // Type swap.
        0 => {
            let all = type_swaps();
            *slot = all[pick % all.len()].clone();
        }
        // Remove a key / an element.
        1 => match slot {
            Value::Object(m) if !m.is_empty() => {
                let key = m.keys().nth(pick % m.len()).cloned().unwrap_or_default();
                m.remove(&key);
            }
            Value::Array(a) if !a.is_empty() => {
                a.remove(pick % a.len());
            }
            other => *other = Value::Null,
        },
        // Add a key / duplicate an element.
        2 => match slot {
            Value::Object(m) => {
                let names = ["extra", "", "Type", "données", "a/b~c"];
                let values = type_swaps();
                m.insert(
                    names[pick % names.len()].to_owned(),
                    values[pick % values.len()].clone(),
                );
            }
            Value::Array(a) => {
                let dup = a.get(pick % a.len().max(1)).cloned().unwrap_or(Value::Null);
                a.push(dup);
            }
            other => *other = Value::Object(Map::new()),
        },
        // Boundary numbers.
        3 => {
            let n = match slot {
                Value::Number(n) => n.clone(),
                _ => Number::from(0),
            };
            let all = boundary_numbers(&n);
            *slot = all[pick % all.len()].clone();
        }
        // Strings.
        4 => {
            let s = slot.as_str().unwrap_or("value").to_owned();
            let all = odd_strings(&s);
            *slot = all[pick % all.len()].clone();
        }
        // Emptied containers.
        _ => match slot {
            Value::Object(m) => m.clear(),
            Value::Array(a) => a.clear(),
            other => *other = json!([other.clone()]),
        },
    }
    out
}

fn all_examples() -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (ti, t) in FIXTURE.targets.iter().enumerate() {
        for ei in 0..t.examples.len() {
            out.push((ti, ei));
        }
    }
    out
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256)
}

proptest! {
    // 256 cases per run keeps CI fast; `PROPTEST_CASES=20000` explores more.
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// One or two mutations of a catalog example: both validators agree on
    /// the verdict and on the instance paths of the errors.
    #[test]
    fn mutated_examples_agree_with_jsonschema(
        which in any::<prop::sample::Index>(),
        first in (any::<prop::sample::Index>(), 0u8..6, 0usize..64),
        second in proptest::option::of((any::<prop::sample::Index>(), 0u8..6, 0usize..64)),
    ) {
        let examples = all_examples();
        let (ti, ei) = examples[which.index(examples.len())];
        let t = &FIXTURE.targets[ti];
        let (what, example) = &t.examples[ei];
        let mut value = example.clone();
        let mut steps = Vec::new();
        for (at, kind, pick) in std::iter::once(first).chain(second) {
            let mut ps = Vec::new();
            pointers(&value, String::new(), &mut ps);
            let p = ps[at.index(ps.len())].clone();
            value = mutate(&value, &p, kind, pick);
            steps.push(format!("{kind}@{p}#{pick}"));
        }
        let r = check(t, &value, &format!("{what} mutated {steps:?}"));
        prop_assert!(r.is_ok(), "{}", r.err().unwrap_or_default());
    }
}

/// Every mutation kind with two choices at the first 15 locations of each
/// version's first example: a deterministic sweep beside the random one, which
/// also shows the mutations are not vacuous (both verdicts occur).
#[test]
fn mutation_sweep_agrees_with_jsonschema() {
    let mut problems = Vec::new();
    let (mut valid, mut invalid) = (0usize, 0usize);
    for t in &FIXTURE.targets {
        let Some((what, example)) = t.examples.first() else {
            continue;
        };
        let mut ps = Vec::new();
        pointers(example, String::new(), &mut ps);
        for p in ps.iter().take(15) {
            for kind in 0..6u8 {
                for pick in 0..2usize {
                    let value = mutate(example, p, kind, pick * 5 + usize::from(kind));
                    if t.jsonschema.is_valid(&value) {
                        valid += 1;
                    } else {
                        invalid += 1;
                    }
                    if let Err(e) = check(t, &value, &format!("{what} mutated {kind}@{p}#{pick}")) {
                        problems.push(e);
                    }
                }
            }
        }
    }
    println!(
        "catalog mutation sweep: {} mutants ({valid} valid, {invalid} invalid)",
        valid + invalid
    );
    assert!(
        valid > 0 && invalid > 0,
        "the mutations are vacuous: {valid} valid, {invalid} invalid"
    );
    assert!(
        problems.is_empty(),
        "{} disagreements:\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

/// The mutations do what they say on a small value (guards the generator of
/// the property test itself).
#[test]
fn mutations_change_the_value() {
    let v = json!({"a": [1, 2], "b": "s", "c": 1.5});
    assert_eq!(
        mutate(&v, "/a", 1, 0),
        json!({"a": [2], "b": "s", "c": 1.5})
    );
    assert_eq!(mutate(&v, "", 1, 1), json!({"a": [1, 2], "c": 1.5}));
    assert_eq!(
        mutate(&v, "/a", 2, 1),
        json!({"a": [1, 2, 2], "b": "s", "c": 1.5})
    );
    assert_eq!(
        mutate(&v, "/c", 3, 6),
        json!({"a": [1, 2], "b": "s", "c": i64::MAX})
    );
    assert_eq!(
        mutate(&v, "/b", 4, 2),
        json!({"a": [1, 2], "b": "é", "c": 1.5})
    );
    assert_eq!(mutate(&v, "/a", 5, 0), json!({"a": [], "b": "s", "c": 1.5}));
    assert_eq!(
        mutate(&v, "/b", 0, 0),
        json!({"a": [1, 2], "b": null, "c": 1.5})
    );
}

/// The exported 2020-12 schemas (`eventsmith export`'s
/// `jsonschema/<source>/<event>/<version>.json`, self-contained) give the
/// verdicts of the effective schemas they were translated from, on every
/// example and on the deterministic mutants of each version's first one.
#[test]
fn exported_schemas_give_the_original_verdicts() {
    let root = manifest_dir().join("../../schemas");
    let export = eventsmith_codegen::export::export_dir(
        &root,
        &eventsmith_codegen::export::ExportOptions::default(),
    )
    .unwrap_or_else(|d| panic!("the catalog does not export:\n{d}"));
    let mut problems = Vec::new();
    let mut compared = 0usize;
    for t in &FIXTURE.targets {
        let file = format!(
            "{}/{}.json",
            eventsmith_codegen::export::JSONSCHEMA_DIR,
            t.name
        );
        let text = export
            .files
            .get(&file)
            .unwrap_or_else(|| panic!("{file} is not exported"));
        let schema: Value = serde_json::from_str(text).unwrap();
        let mut options = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(true);
        for f in Format::ALL.iter().copied().filter(|f| f.is_custom()) {
            options = options.with_format(f.name(), move |s: &str| f.check(s));
        }
        let exported = options
            .build(&schema)
            .unwrap_or_else(|e| panic!("{file}: jsonschema cannot build it: {e}"));
        let mut values: Vec<(String, Value)> = t.examples.clone();
        if let Some((what, example)) = t.examples.first() {
            let mut ps = Vec::new();
            pointers(example, String::new(), &mut ps);
            for p in ps.iter().take(15) {
                for kind in 0..6u8 {
                    let value = mutate(example, p, kind, usize::from(kind));
                    values.push((format!("{what} mutated {kind}@{p}"), value));
                }
            }
        }
        for (what, value) in &values {
            compared += 1;
            let (a, b) = (t.jsonschema.is_valid(value), exported.is_valid(value));
            if a != b {
                problems.push(format!(
                    "{file} {what}: the effective schema says {a}, the export {b}; instance {value}"
                ));
            }
        }
    }
    println!(
        "export agreement: {} exported schemas, {compared} examples and mutants, the same verdicts as the originals",
        FIXTURE.targets.len()
    );
    assert!(compared > FIXTURE.targets.len());
    assert!(
        problems.is_empty(),
        "{} disagreements:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
