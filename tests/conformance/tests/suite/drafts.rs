//! The suite's other drafts (draft4, draft6, draft7, draft2019-09) through
//! eventsmith's validator IR, run by the interpreter: the compiled path
//! stays 2020-12's (a runtime engine that runs validators as data is
//! replacing it). Each group is lowered with `standalone::lower_as`, the
//! group's draft assumed where a schema has no `$schema`; the generator
//! alone decides what is supported.

use std::collections::BTreeMap;

use eventsmith_codegen::Diagnostic;
use eventsmith_codegen::interpret::Interpreter;
use eventsmith_codegen::keywords::Draft;
use eventsmith_codegen::standalone::{self, Lowered};
use eventsmith_conformance::suite_files::{self, File, Group, Part};
use eventsmith_core::formats::Format;
use eventsmith_core::validation::{Collect, Path as At, Probe, ValidationError};
use serde_json::Value;

use super::{Row, format_of, manifest_dir, options, table};

/// A draft of the suite besides 2020-12: its directory, the draft, and its
/// required tests and groups at the vendored commit.
pub struct SuiteDraft {
    /// `draft7`
    pub dir: &'static str,
    /// The draft documents without `$schema` are read as.
    pub draft: Draft,
    /// Required tests.
    pub tests: usize,
    /// Required groups.
    pub groups: usize,
}

/// The drafts run through the interpreter.
pub const OTHER_DRAFTS: [SuiteDraft; 4] = [
    SuiteDraft {
        dir: "draft4",
        draft: Draft::Draft4,
        tests: 618,
        groups: 160,
    },
    SuiteDraft {
        dir: "draft6",
        draft: Draft::Draft6,
        tests: 839,
        groups: 232,
    },
    SuiteDraft {
        dir: "draft7",
        draft: Draft::Draft7,
        tests: 927,
        groups: 257,
    },
    SuiteDraft {
        dir: "draft2019-09",
        draft: Draft::Draft2019_09,
        tests: 1259,
        groups: 372,
    },
];

/// The share of required tests each draft must pass.
const MIN_SHARE: f64 = 0.99;

/// Optional groups where eventsmith reads a draft differently from the
/// suite, on purpose: `(draft, file, reason)`. Their failing cases are
/// printed and counted as failing, but do not fail the test.
pub const DIVERGENCES: &[(&str, &str, &str)] = &[
    (
        "draft4",
        "optional/zeroTerminatedFloats.json",
        "draft-04 lets `1.0` fail `type: integer`; eventsmith compares JSON numbers by value, as every later draft does, and the validator IR (2020-12's vocabulary) has no way to tell `1.0` from `1`",
    ),
    (
        "draft7",
        "optional/content.json",
        "draft-07 lets implementations decode `contentEncoding` and parse `contentMediaType`; eventsmith reads both as annotations, as 2019-09 and 2020-12 do",
    ),
];

/// The files of one draft of the suite.
pub fn files(dir: &str) -> Vec<File> {
    suite_files::read_draft(&suite_files::suite_dir(&manifest_dir()), dir).unwrap()
}

/// Lowers a group of a draft, as the generator reads it.
pub fn lower(group: &Group, part: Part, draft: Draft) -> Result<Lowered, Vec<Diagnostic>> {
    standalone::lower_as(&group.module, &group.schema, &options(part), draft)
}

/// One case through the interpreter's probe and collect, which must agree;
/// returns the verdict and the errors.
pub fn interpret(lowered: &Lowered, data: &Value, context: &str) -> (bool, Vec<ValidationError>) {
    let interp = Interpreter::new(&lowered.graph);
    let probe = interp.validate(lowered.root, data, &At::Root, &mut Probe);
    let mut sink = Collect::default();
    let collected = interp.validate(lowered.root, data, &At::Root, &mut sink);
    assert_eq!(
        probe, collected,
        "{context}: interpreter probe and collect differ"
    );
    assert_eq!(
        collected,
        sink.0.is_empty(),
        "{context}: verdict and errors disagree"
    );
    (collected, sink.0)
}

/// Runs every case of `file`; failures (a wrong verdict in a supported
/// group) are added to `failures`.
fn run_file(file: &File, draft: Draft, failures: &mut Vec<String>) -> Row {
    let mut row = Row {
        groups: file.groups.len(),
        ..Row::default()
    };
    for g in &file.groups {
        row.tests += g.cases.len();
        let lowered = match lower(g, file.part, draft) {
            Ok(l) => l,
            Err(diags) => {
                *row.unsupported
                    .entry(standalone::refusal_reason(&diags))
                    .or_default() += 1;
                continue;
            }
        };
        row.supported += 1;
        row.supported_tests += g.cases.len();
        for case in &g.cases {
            let context = format!("{} {} / {}", g.module, g.description, case.description);
            let (valid, errors) = interpret(&lowered, &case.data, &context);
            if valid == case.valid {
                row.passing += 1;
            } else {
                row.failing += 1;
                failures.push(format!(
                    "{} #{} {:?} / {:?}: expected {}, got {} {errors:?}",
                    file.name,
                    g.module,
                    g.description,
                    case.description,
                    if case.valid { "valid" } else { "invalid" },
                    if valid { "valid" } else { "invalid" },
                ));
            }
        }
    }
    row
}

#[test]
fn other_drafts_of_the_suite() {
    let mut failures = Vec::new();
    let mut lines = Vec::new();
    for suite in &OTHER_DRAFTS {
        let mut parts: BTreeMap<Part, (Row, Vec<(String, Row)>)> = BTreeMap::new();
        // Per claimed format: (tests, passing).
        let mut formats: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for file in files(suite.dir) {
            let mut file_failures = Vec::new();
            let row = run_file(&file, suite.draft, &mut file_failures);
            if file.part == Part::Format {
                for g in &file.groups {
                    let Some(name) = format_of(g) else { continue };
                    let e = formats.entry(name).or_default();
                    e.0 += g.cases.len();
                    if let Ok(lowered) = lower(g, file.part, suite.draft) {
                        e.1 += g
                            .cases
                            .iter()
                            .filter(|c| interpret(&lowered, &c.data, &g.module).0 == c.valid)
                            .count();
                    }
                }
            }
            let divergence = DIVERGENCES
                .iter()
                .find(|(d, f, _)| *d == suite.dir && *f == file.name);
            match divergence {
                Some((_, _, why)) => {
                    for f in &file_failures {
                        println!("known divergence ({why}): {f}");
                    }
                }
                None => failures.extend(
                    file_failures
                        .into_iter()
                        .map(|f| format!("{}: {f}", suite.dir)),
                ),
            }
            let entry = parts.entry(file.part).or_default();
            entry.0.add(&row);
            entry.1.push((file.name.clone(), row));
        }
        let empty = (Row::default(), Vec::new());
        let (required, rows) = parts.get(&Part::Required).unwrap_or(&empty);
        let line = format!(
            "JSON-Schema-Test-Suite {}: {}/{} required tests pass ({}/{} groups supported, {} failing in supported groups)",
            suite.dir,
            required.passing,
            required.tests,
            required.supported,
            required.groups,
            required.failing
        );
        println!("{line}\n");
        println!("{}", table(rows));
        for part in [Part::Optional, Part::Format] {
            let (sum, rows) = parts.get(&part).unwrap_or(&empty);
            println!(
                "{} {} (optional, format {}): {}/{} tests pass ({}/{} groups supported, {} failing in supported groups)\n",
                suite.dir,
                if part == Part::Optional {
                    "optional/"
                } else {
                    "optional/format/"
                },
                if part == Part::Format {
                    "asserted"
                } else {
                    "annotated"
                },
                sum.passing,
                sum.tests,
                sum.supported,
                sum.groups,
                sum.failing
            );
            println!("{}", table(rows));
        }
        for (name, (tests, passing)) in &formats {
            if Format::from_name(name).is_some() && tests != passing {
                failures.push(format!(
                    "{}: format \"{name}\" is claimed but passes {passing}/{tests} of its tests",
                    suite.dir
                ));
            }
        }
        assert_eq!(
            (required.tests, required.groups),
            (suite.tests, suite.groups),
            "{}: the vendored suite changed: update the expected totals",
            suite.dir
        );
        let share = required.passing as f64 / required.tests as f64;
        if share < MIN_SHARE {
            failures.push(format!(
                "{}: only {}/{} required tests pass, below {:.0}%",
                suite.dir,
                required.passing,
                required.tests,
                MIN_SHARE * 100.0
            ));
        }
        lines.push(line);
    }
    println!("{}", lines.join("\n"));
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The `jsonschema` crate's name for a draft.
pub fn jsonschema_draft(draft: Draft) -> jsonschema::Draft {
    match draft {
        Draft::Draft4 => jsonschema::Draft::Draft4,
        Draft::Draft6 => jsonschema::Draft::Draft6,
        Draft::Draft7 => jsonschema::Draft::Draft7,
        Draft::Draft2019_09 => jsonschema::Draft::Draft201909,
        Draft::Draft2020_12 => jsonschema::Draft::Draft202012,
    }
}

#[test]
fn other_drafts_agree_with_jsonschema() {
    let mut problems = Vec::new();
    let mut lines = Vec::new();
    for suite in &OTHER_DRAFTS {
        let mut compared = 0usize;
        let mut disagreements = 0usize;
        for file in files(suite.dir) {
            let known = DIVERGENCES
                .iter()
                .any(|(d, f, _)| *d == suite.dir && *f == file.name);
            for g in &file.groups {
                let Ok(lowered) = lower(g, file.part, suite.draft) else {
                    continue;
                };
                let validator = match super::agreement::suite_validator_as(
                    &g.schema,
                    file.part,
                    jsonschema_draft(suite.draft),
                ) {
                    Ok(v) => v,
                    Err(e) => {
                        problems.push(format!(
                            "{} {} ({}): jsonschema cannot build it: {e}",
                            suite.dir, g.module, g.description
                        ));
                        continue;
                    }
                };
                for case in &g.cases {
                    let context = format!("{} {}", g.module, case.description);
                    let (_, errors) = interpret(&lowered, &case.data, &context);
                    compared += 1;
                    if let Some(d) = super::agreement::disagreement(&errors, &validator, &case.data)
                    {
                        disagreements += 1;
                        let line = format!(
                            "{} {} {} ({} / {}): {d}",
                            suite.dir, file.name, g.module, g.description, case.description
                        );
                        if known {
                            println!("known divergence: {line}");
                        } else {
                            problems.push(line);
                        }
                    }
                }
            }
        }
        lines.push(format!(
            "suite agreement {}: {compared} cases compared with jsonschema, {disagreements} disagreements",
            suite.dir
        ));
    }
    println!("{}", lines.join("\n"));
    assert!(
        problems.is_empty(),
        "{} disagreements with jsonschema:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
