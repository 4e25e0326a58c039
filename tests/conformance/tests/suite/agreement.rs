//! Agreement with the `jsonschema` crate on the test suite: every case of
//! every supported group runs through the generated validator and through
//! `jsonschema`'s runtime validator built from the same schema. The verdicts
//! must agree, and where both reject, the sets of instance paths must agree
//! after the normalisation described at [`normalise`].

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use eventsmith_conformance::suite_files::Part;
use eventsmith_core::ValidationError;
use jsonschema::error::ValidationErrorKind;
use jsonschema::{Draft, Retrieve, Uri};
use serde_json::Value;

use super::{compiled, manifest_dir, run_case, suite};

/// Serves `$ref` targets to `jsonschema`: documents already in hand (the
/// catalog's registry, envelope merged), the suite's remotes for
/// `http://localhost:1234/`, and local files. Never the network.
#[derive(Debug, Default)]
pub struct Retriever {
    /// Documents by URL (without fragment).
    pub docs: HashMap<String, Value>,
    /// Directory serving `http://localhost:1234/`.
    pub remotes: Option<PathBuf>,
}

impl Retrieve for Retriever {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let text = uri.as_str();
        let text = text.split('#').next().unwrap_or(text);
        if let Some(v) = self.docs.get(text) {
            return Ok(v.clone());
        }
        let path = match (text.strip_prefix("http://localhost:1234/"), &self.remotes) {
            (Some(rest), Some(dir)) => dir.join(rest),
            _ => match text.strip_prefix("file://") {
                Some(p) => PathBuf::from(p),
                None => return Err(format!("not served: {text}").into()),
            },
        };
        let body =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(serde_json::from_str(&body)?)
    }
}

/// The instance paths of our errors, normalised to where `jsonschema`
/// reports the same failure (`theirs` are its errors):
///
/// - `additionalProperties: false` (and `unevaluatedProperties: false`): we
///   report each unexpected member at its own path (`/a/extra`), `jsonschema`
///   reports one error at the object (`/a`) listing them. We map ours to the
///   object.
/// - `items: false` (after `prefixItems` or alone): we report one error at
///   the array, "expected at most N items, got M"; `jsonschema` reports the
///   `false` schema failing at each extra item. We map ours to the paths of
///   items N..M. Before 2020-12, `additionalItems: false` after an
///   array-form `items` is reported at the array by both: nothing to map.
/// - `unevaluatedProperties`/`unevaluatedItems` with a schema: we report the
///   members' and items' own errors (`/a/x` minLength), `jsonschema` one
///   error at the object or array (`/a`) and nothing below it. We map each
///   of our errors strictly below a place where `jsonschema` reports an
///   `unevaluated*` error, and at a path where it reports nothing, to that
///   place.
pub fn normalise(ours: &[ValidationError], theirs: &[(String, bool)]) -> BTreeSet<String> {
    let ours = without_branch_details(ours);
    let ours = ours.as_slice();
    let unevaluated: Vec<&str> = theirs
        .iter()
        .filter(|(_, u)| *u)
        .map(|(p, _)| p.as_str())
        .collect();
    let reported: BTreeSet<&str> = theirs.iter().map(|(p, _)| p.as_str()).collect();
    let mut out = BTreeSet::new();
    for e in ours {
        match e.keyword.as_str() {
            "additionalProperties" | "unevaluatedProperties"
                if e.message.contains("is not allowed here") =>
            {
                out.insert(parent(&e.instance_path));
            }
            "items" if e.message.starts_with("expected at most ") => {
                match extra_items(&e.message) {
                    Some((start, len)) => {
                        out.extend((start..len).map(|i| format!("{}/{i}", e.instance_path)))
                    }
                    None => panic!("unexpected `items` message: {}", e.message),
                }
            }
            _ => {
                let q = e.instance_path.as_str();
                let under = unevaluated
                    .iter()
                    .filter(|p| {
                        q.len() > p.len() && q.starts_with(**p) && q.as_bytes()[p.len()] == b'/'
                    })
                    .max_by_key(|p| p.len());
                match under {
                    Some(p) if !reported.contains(q) => out.insert((*p).to_owned()),
                    _ => out.insert(q.to_owned()),
                };
            }
        }
    }
    out
}

/// Our errors without the ones a failed `oneOf`/`anyOf` adds from the
/// branch it reports (`jsonschema` reports the applicator alone): the
/// applicator's message says how many follow it.
pub fn without_branch_details(ours: &[ValidationError]) -> Vec<ValidationError> {
    let mut out: Vec<ValidationError> = Vec::new();
    let mut skip = 0;
    for e in ours {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        if matches!(e.keyword.as_str(), "oneOf" | "anyOf") {
            skip = following(&e.message);
        }
        out.push(e.clone());
    }
    out
}

/// The number of branch errors an applicator's message announces ("its
/// error follows", "its 3 errors follow"), 0 when it announces none.
fn following(message: &str) -> usize {
    if message.ends_with("its error follows") {
        return 1;
    }
    message
        .strip_suffix(" errors follow")
        .and_then(|m| m.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn parent(pointer: &str) -> String {
    pointer
        .rfind('/')
        .map_or_else(String::new, |i| pointer[..i].to_owned())
}

/// `(N, M)` from "expected at most N items, got M".
fn extra_items(message: &str) -> Option<(usize, usize)> {
    let rest = message.strip_prefix("expected at most ")?;
    let (start, rest) = rest.split_once(" items, got ")?;
    Some((start.parse().ok()?, rest.parse().ok()?))
}

/// `jsonschema`'s errors: instance path, and whether it is an
/// `unevaluated*` error.
pub fn theirs(validator: &jsonschema::Validator, data: &Value) -> Vec<(String, bool)> {
    validator
        .iter_errors(data)
        .map(|e| {
            let unevaluated = matches!(
                e.kind(),
                ValidationErrorKind::UnevaluatedProperties { .. }
                    | ValidationErrorKind::UnevaluatedItems { .. }
            );
            (e.instance_path().as_str().to_owned(), unevaluated)
        })
        .collect()
}

/// Compares one verdict; `None` when both agree.
pub fn disagreement(
    ours: &[ValidationError],
    validator: &jsonschema::Validator,
    data: &Value,
) -> Option<String> {
    let their_valid = validator.is_valid(data);
    let our_valid = ours.is_empty();
    if our_valid != their_valid {
        return Some(format!(
            "verdicts differ: eventsmith says {}, jsonschema says {} (eventsmith errors {:?}; jsonschema errors {:?})",
            verdict(our_valid),
            verdict(their_valid),
            ours.iter()
                .map(|e| (&e.instance_path, &e.keyword, &e.message))
                .collect::<Vec<_>>(),
            validator
                .iter_errors(data)
                .map(|e| (e.instance_path().as_str().to_owned(), e.to_string()))
                .collect::<Vec<_>>(),
        ));
    }
    if !our_valid {
        let t = theirs(validator, data);
        let a = normalise(ours, &t);
        let b: BTreeSet<String> = t.into_iter().map(|(p, _)| p).collect();
        if a != b {
            return Some(format!(
                "instance paths differ: eventsmith {a:?}, jsonschema {b:?} (eventsmith errors {:?})",
                ours.iter()
                    .map(|e| (&e.instance_path, &e.keyword))
                    .collect::<Vec<_>>()
            ));
        }
    }
    None
}

fn verdict(valid: bool) -> &'static str {
    if valid { "valid" } else { "invalid" }
}

/// `jsonschema` for a suite group's 2020-12 schema.
pub fn suite_validator(schema: &Value, part: Part) -> Result<jsonschema::Validator, String> {
    suite_validator_as(schema, part, Draft::Draft202012)
}

/// `jsonschema` for a suite group's schema, read as `draft` where it has no
/// `$schema`.
pub fn suite_validator_as(
    schema: &Value,
    part: Part,
    draft: Draft,
) -> Result<jsonschema::Validator, String> {
    let remotes = manifest_dir().join("suite").join("remotes");
    jsonschema::options()
        .with_draft(draft)
        .with_retriever(Retriever {
            docs: HashMap::new(),
            remotes: Some(remotes),
        })
        .should_validate_formats(part == Part::Format)
        .build(schema)
        .map_err(|e| e.to_string())
}

#[test]
fn suite_agrees_with_jsonschema() {
    let mut problems = Vec::new();
    let mut compared = 0usize;
    for file in suite() {
        for g in &file.groups {
            if compiled(g, file.part).is_none() {
                continue;
            }
            let validator = match suite_validator(&g.schema, file.part) {
                Ok(v) => v,
                Err(e) => {
                    problems.push(format!(
                        "{} ({}): jsonschema cannot build it: {e}",
                        g.module, g.description
                    ));
                    continue;
                }
            };
            for case in &g.cases {
                let (_, errors) = run_case(g, file.part, &case.data).unwrap();
                compared += 1;
                if let Some(d) = disagreement(&errors, &validator, &case.data) {
                    problems.push(format!(
                        "{} {} ({} / {}): {d}",
                        file.name, g.module, g.description, case.description
                    ));
                }
            }
        }
    }
    println!(
        "suite agreement: {compared} cases compared with jsonschema, {} disagreements",
        problems.len()
    );
    assert!(
        problems.is_empty(),
        "{} disagreements with jsonschema:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
