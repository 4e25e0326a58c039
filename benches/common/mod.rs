//! Shared by the benchmarks (`benches/*.rs`) and the benchmark tools
//! (`examples/bench_*.rs`): the catalog, the table of every event version
//! with its four contenders, the `jsonschema` runtime validators, dispatch,
//! and the deterministic mixed event stream.
//!
//! The contenders, as `BENCHMARKS.md` names them:
//! - ours: the generated bindings (`Schema::from_slice`, `Event::from_slice`,
//!   `Schema::is_valid`/`validate`);
//! - (a) `serde_json::from_slice::<Value>` + the `jsonschema` runtime
//!   validator built once from the effective schema;
//! - (b) the `jsonschema` compile-time `validator` macro on the bundled
//!   schema (`benches/schemas/`);
//! - (c) `serde_json::from_slice::<T>` into the generated type, no validation.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use eventsmith::Schema;
use eventsmith::formats::Format;
use eventsmith::version::Scheme;
use eventsmith_codegen::Compiled;
use eventsmith_codegen::diagnostic::Diagnostics;
use eventsmith_codegen::load::catalog::{Expectation, Versioning};
use jsonschema::{Draft, Retrieve, Uri};
use serde_json::Value;

#[path = "../generated/table.rs"]
pub mod table;

/// One event version and its validators/decoders (see `benches/generated/table.rs`).
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// Catalog source name (`gigs`).
    pub source: &'static str,
    /// The payload's type value.
    pub event_type: &'static str,
    /// The schema version.
    pub version: &'static str,
    /// Ours: bytes → validated `T` (`Schema::from_slice`).
    pub ours: fn(&[u8]) -> bool,
    /// Ours: the generated validator, probing.
    pub ours_is_valid: fn(&Value) -> bool,
    /// Ours: the generated validator, every error.
    pub ours_errors: fn(&Value) -> usize,
    /// (b): the `jsonschema` macro, probing.
    pub macro_is_valid: fn(&Value) -> bool,
    /// (b): the `jsonschema` macro, every error.
    pub macro_errors: fn(&Value) -> usize,
    /// (c): `serde_json::from_slice::<T>`, no validation.
    pub typed: fn(&[u8]) -> bool,
}

/// Ours, bytes → validated typed event.
pub fn ours<T: Schema>(bytes: &[u8]) -> bool {
    T::from_slice(bytes).is_ok()
}

/// Ours, probing validator.
pub fn ours_is_valid<T: Schema>(v: &Value) -> bool {
    T::is_valid(v)
}

/// Ours, every error.
pub fn ours_errors<T: Schema>(v: &Value) -> usize {
    T::validate(v).err().map_or(0, |e| e.0.len())
}

/// (c): plain typed parsing.
pub fn typed<T: Schema>(bytes: &[u8]) -> bool {
    serde_json::from_slice::<T>(bytes).is_ok()
}

/// eventsmith's own formats for the `jsonschema` macro (`formats = {…}`).
pub fn decimal(s: &str) -> bool {
    Format::Decimal.check(s)
}
/// See [`decimal`].
pub fn money(s: &str) -> bool {
    Format::Money.check(s)
}
/// See [`decimal`].
pub fn lenient_date_time(s: &str) -> bool {
    Format::LenientDateTime.check(s)
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped catalog, loaded and lowered.
pub fn load() -> Compiled {
    let mut diags = Diagnostics::default();
    let compiled = Compiled::load(&repo().join("schemas"), &mut diags);
    assert!(!diags.has_errors(), "the catalog does not load:\n{diags}");
    compiled
}

/// Serves the catalog's documents (envelope merged) to `jsonschema` by URL.
#[derive(Debug, Default)]
pub struct Retriever {
    /// Documents by URL without fragment.
    pub docs: HashMap<String, Value>,
}

impl Retrieve for Retriever {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let text = uri.as_str();
        let text = text.split('#').next().unwrap_or(text);
        self.docs
            .get(text)
            .cloned()
            .ok_or_else(|| format!("not served: {text}").into())
    }
}

/// One example payload of the catalog.
#[derive(Debug, Clone)]
pub struct Example {
    /// Index into [`table::ENTRIES`] of its schema version.
    pub entry: usize,
    /// `source/event/file`.
    pub name: String,
    /// Its content.
    pub value: Value,
    /// Compact JSON.
    pub bytes: Vec<u8>,
    /// Whether the catalog says it is valid.
    pub valid: bool,
}

/// The catalog with everything the benchmarks compare.
pub struct Bench {
    /// The lowered catalog.
    pub compiled: Compiled,
    /// (a) per entry of [`table::ENTRIES`].
    pub runtime: Vec<jsonschema::Validator>,
    /// Every example (valid and invalid), with its entry.
    pub examples: Vec<Example>,
    dispatch: Dispatch,
}

impl std::fmt::Debug for Bench {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bench")
            .field("examples", &self.examples.len())
            .finish_non_exhaustive()
    }
}

/// How one event type dispatches: scheme, versions, entry per version.
type TypeDispatch = (Scheme, Vec<&'static str>, Vec<usize>);

/// Type → dispatch, per source: (name, type field, version field, types).
#[derive(Debug, Default)]
struct Dispatch {
    sources: Vec<(&'static str, String, String, HashMap<String, TypeDispatch>)>,
}

/// Which source a payload came from (one webhook endpoint per source).
pub type SourceId = usize;

impl Bench {
    /// Loads the catalog and builds the `jsonschema` runtime validator of
    /// every entry.
    pub fn new() -> Bench {
        let compiled = load();
        let reg = &compiled.catalog.registry;
        let docs: HashMap<String, Value> = (0..reg.len())
            .map(|id| (reg.url(id).to_string(), reg.doc(id).value.clone()))
            .collect();
        let mut runtime = Vec::new();
        let mut examples = Vec::new();
        for (i, e) in table::ENTRIES.iter().enumerate() {
            let source = compiled
                .catalog
                .source(e.source)
                .unwrap_or_else(|| panic!("no source {}", e.source));
            let event = source
                .events
                .iter()
                .find(|t| t.type_value == e.event_type)
                .unwrap_or_else(|| panic!("no type {}", e.event_type));
            let version = event
                .versions
                .iter()
                .find(|v| v.version.to_string() == e.version)
                .unwrap_or_else(|| panic!("no version {} of {}", e.version, e.event_type));
            let mut options = jsonschema::options()
                .with_draft(Draft::Draft202012)
                .with_base_uri(reg.url(version.doc).to_string())
                .with_retriever(Retriever { docs: docs.clone() })
                .should_validate_formats(true);
            for f in Format::ALL.iter().copied().filter(|f| f.is_custom()) {
                options = options.with_format(f.name(), move |s: &str| f.check(s));
            }
            let validator = options
                .build(&reg.doc(version.doc).value)
                .unwrap_or_else(|err| {
                    panic!(
                        "{}@{}: jsonschema cannot build: {err}",
                        e.event_type, e.version
                    )
                });
            runtime.push(validator);
            for ex in &version.examples {
                let file = ex
                    .path
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default();
                examples.push(Example {
                    entry: i,
                    name: format!("{}/{}/{}", source.name, event.dir, file),
                    value: ex.value.clone(),
                    bytes: serde_json::to_vec(&ex.value).unwrap(),
                    valid: matches!(ex.expect, Expectation::Valid),
                });
            }
        }
        let mut dispatch = Dispatch::default();
        for source in &compiled.catalog.sources {
            let Some(name) = table::ENTRIES
                .iter()
                .map(|e| e.source)
                .find(|s| *s == source.name)
            else {
                continue;
            };
            let scheme = match source.versioning {
                Versioning::Semver => Scheme::Semver,
                Versioning::Calendar => Scheme::Calendar,
            };
            let mut types: HashMap<String, (Scheme, Vec<&'static str>, Vec<usize>)> =
                HashMap::new();
            for (i, e) in table::ENTRIES
                .iter()
                .enumerate()
                .filter(|(_, e)| e.source == name)
            {
                let slot = types
                    .entry(e.event_type.to_owned())
                    .or_insert_with(|| (scheme, Vec::new(), Vec::new()));
                slot.1.push(e.version);
                slot.2.push(i);
            }
            dispatch.sources.push((
                name,
                source.type_field.clone(),
                source.version_field.clone(),
                types,
            ));
        }
        Bench {
            compiled,
            runtime,
            examples,
            dispatch,
        }
    }

    /// The index of source `name`.
    pub fn source_id(&self, name: &str) -> SourceId {
        self.dispatch
            .sources
            .iter()
            .position(|s| s.0 == name)
            .unwrap_or_else(|| panic!("no source {name}"))
    }

    /// The source names, by id.
    pub fn source_names(&self) -> Vec<&'static str> {
        self.dispatch.sources.iter().map(|s| s.0).collect()
    }

    /// The entry a payload of `source` is read with: its type and version
    /// members, then the newest schema that can read the version (what a
    /// user of `jsonschema` has to write too).
    pub fn dispatch(&self, source: SourceId, value: &Value) -> Option<usize> {
        let (_, type_field, version_field, types) = &self.dispatch.sources[source];
        let obj = value.as_object()?;
        let t = obj.get(type_field.as_str())?.as_str()?;
        let v = obj.get(version_field.as_str())?.as_str()?;
        let (scheme, known, entries) = types.get(t)?;
        let i = eventsmith::version::select(*scheme, known, v).ok()?;
        Some(entries[i])
    }

    /// An example by name suffix (`gigs/sim.updated/2025-05-22.json`).
    pub fn example(&self, name: &str) -> &Example {
        self.examples
            .iter()
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("no example {name}"))
    }
}

impl Default for Bench {
    fn default() -> Self {
        Bench::new()
    }
}

// ---------------------------------------------------------------------------
// The mixed stream

/// SplitMix64: a tiny seeded generator, so the stream is the same on every machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent`%.
    pub fn percent(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// One event of the stream: its source endpoint and compact JSON bytes.
#[derive(Debug, Clone)]
pub struct Item {
    /// The source endpoint it arrived at.
    pub source: SourceId,
    /// Where its bytes are in [`Stream::bytes`].
    pub range: std::ops::Range<usize>,
    /// The entry it dispatches to, when it does (used by (c), which
    /// cannot dispatch by itself).
    pub entry: Option<usize>,
}

/// The mixed stream: events back to back, one per line (NDJSON).
#[derive(Debug, Clone, Default)]
pub struct Stream {
    /// NDJSON text.
    pub bytes: Vec<u8>,
    /// The events.
    pub items: Vec<Item>,
}

impl Stream {
    /// The bytes of event `i`.
    pub fn event(&self, item: &Item) -> &[u8] {
        &self.bytes[item.range.clone()]
    }
}

/// The mix: 85% valid examples with fresh identifiers (ids, UUIDs); 10%
/// the catalog's invalid examples; 5% valid examples with one seeded
/// mutation (a member removed, a leaf given another JSON type, an unknown
/// member added), most of which break the schema.
pub fn event(
    bench: &Bench,
    rng: &mut Rng,
    valid: &[usize],
    invalid: &[usize],
) -> (SourceId, Value) {
    let roll = rng.below(100);
    let pick = |rng: &mut Rng, from: &[usize]| &bench.examples[from[rng.below(from.len())]];
    let (ex, mutate) = if roll < 85 || invalid.is_empty() {
        (pick(rng, valid), false)
    } else if roll < 95 {
        (pick(rng, invalid), false)
    } else {
        (pick(rng, valid), true)
    };
    let mut value = ex.value.clone();
    freshen(&mut value, rng);
    if mutate {
        break_one(&mut value, rng);
    }
    (bench.source_id(table::ENTRIES[ex.entry].source), value)
}

/// Builds a stream of `n` events from `seed`.
pub fn stream(bench: &Bench, n: usize, seed: u64) -> Stream {
    let mut rng = Rng::new(seed);
    let valid: Vec<usize> = (0..bench.examples.len())
        .filter(|i| bench.examples[*i].valid)
        .collect();
    let invalid: Vec<usize> = (0..bench.examples.len())
        .filter(|i| !bench.examples[*i].valid)
        .collect();
    let mut out = Stream::default();
    for _ in 0..n {
        let (source, value) = event(bench, &mut rng, &valid, &invalid);
        let start = out.bytes.len();
        serde_json::to_writer(&mut out.bytes, &value).unwrap();
        let range = start..out.bytes.len();
        out.bytes.push(b'\n');
        let entry = bench.dispatch(source, &value);
        out.items.push(Item {
            source,
            range,
            entry,
        });
    }
    out
}

/// Gives identifier-looking strings (`sub_8Fj2…`, UUIDs) fresh random
/// characters of the same class, keeping them valid.
fn freshen(v: &mut Value, rng: &mut Rng) {
    match v {
        Value::String(s) => {
            if let Some(fresh) = fresh_id(s, rng) {
                *s = fresh;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| freshen(x, rng)),
        Value::Object(o) => o.values_mut().for_each(|x| freshen(x, rng)),
        _ => {}
    }
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &[u8] = b"0123456789abcdef";

fn fresh_id(s: &str, rng: &mut Rng) -> Option<String> {
    let b = s.as_bytes();
    // UUID: 8-4-4-4-12 lowercase hex; keep version and variant nibbles.
    if b.len() == 36 && [8, 13, 18, 23].iter().all(|i| b[*i] == b'-') {
        if !b
            .iter()
            .enumerate()
            .all(|(i, c)| [8, 13, 18, 23].contains(&i) || c.is_ascii_hexdigit())
        {
            return None;
        }
        let out: String = b
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if [8, 13, 14, 18, 19, 23].contains(&i) {
                    *c as char
                } else {
                    HEX[rng.below(16)] as char
                }
            })
            .collect();
        return Some(out);
    }
    // prefix_ALNUM ids (Gigs).
    let (prefix, rest) = s.split_once('_')?;
    if (2..=4).contains(&prefix.len())
        && prefix.bytes().all(|c| c.is_ascii_lowercase())
        && rest.len() >= 6
        && rest.bytes().all(|c| c.is_ascii_alphanumeric())
    {
        let fresh: String = (0..rest.len())
            .map(|_| ALNUM[rng.below(ALNUM.len())] as char)
            .collect();
        return Some(format!("{prefix}_{fresh}"));
    }
    None
}

/// One seeded mutation at a random place.
fn break_one(v: &mut Value, rng: &mut Rng) {
    let Value::Object(top) = v else { return };
    match rng.below(3) {
        0 => {
            let keys: Vec<String> = top
                .keys()
                .filter(|k| *k != "type" && *k != "version")
                .cloned()
                .collect();
            if !keys.is_empty() {
                top.remove(&keys[rng.below(keys.len())]);
            }
        }
        1 => {
            top.insert("x_unexpected".to_owned(), Value::from(rng.below(1000)));
        }
        _ => {
            let mut leaves = Vec::new();
            collect_leaves(v, String::new(), &mut leaves);
            leaves.retain(|p| p != "/type" && p != "/version");
            if !leaves.is_empty() {
                let p = leaves[rng.below(leaves.len())].clone();
                if let Some(leaf) = v.pointer_mut(&p) {
                    *leaf = match leaf {
                        Value::String(_) => Value::from(42),
                        Value::Number(_) => Value::from("42"),
                        Value::Bool(_) => Value::Null,
                        _ => Value::Bool(true),
                    };
                }
            }
        }
    }
}

fn collect_leaves(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            collect_leaves(
                x,
                format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                out,
            )
        }),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| collect_leaves(x, format!("{at}/{i}"), out)),
        _ => out.push(at),
    }
}

/// Ours over a stream item: the source's generated `Event::from_slice`.
pub fn ours_event(source_name: &str, bytes: &[u8]) -> bool {
    match source_name {
        "gigs" => eventsmith::gigs::Event::from_slice(bytes).is_ok(),
        "impact_stack" => eventsmith::impact_stack::Event::from_slice(bytes).is_ok(),
        other => panic!("unknown source {other}"),
    }
}

/// Reads the criterion medians the benchmarks wrote (for `bench_report`).
pub fn criterion_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| repo().join("target"), PathBuf::from)
        .join("criterion")
}

/// True when `path` exists (tools check their inputs).
pub fn exists(path: &Path) -> bool {
    path.exists()
}
