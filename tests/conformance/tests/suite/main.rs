//! The JSON-Schema-Test-Suite (draft 2020-12) through eventsmith's compiled
//! validators and its interpreter, the other drafts through the interpreter
//! (`suite/drafts.rs`), and the differential test against the `jsonschema`
//! crate (`suite/agreement.rs`, `suite/catalog.rs`).
//!
//! `cargo test -p eventsmith-conformance -- --nocapture` prints the
//! conformance line and the per-file tables.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod agreement;
mod catalog;
mod drafts;
mod regressions;
mod translation;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use eventsmith_codegen::interpret::Interpreter;
use eventsmith_codegen::ir::validator::FormatMode;
use eventsmith_codegen::standalone::{self, Options};
use eventsmith_conformance::suite_files::{self, File, Group, Part};
use eventsmith_conformance::{Support, group};
use eventsmith_core::formats::Format;
use eventsmith_core::validation::{Collect, Path as At, Probe, ValidationError};
use serde_json::Value;

/// Required tests in the suite at the vendored commit.
const REQUIRED_TESTS: usize = 1299;
/// Required groups in the suite at the vendored commit.
const REQUIRED_GROUPS: usize = 383;
/// The floor for passing required tests.
const MIN_PASSING: usize = 1032;

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn suite() -> Vec<File> {
    suite_files::read(&suite_files::suite_dir(&manifest_dir())).unwrap()
}

/// The options `build.rs` compiled a part's groups with.
pub fn options(part: Part) -> Options {
    let suite = suite_files::suite_dir(&manifest_dir());
    Options {
        formats: if part == Part::Format {
            FormatMode::Assert
        } else {
            FormatMode::Annotate
        },
        remotes: vec![("http://localhost:1234/".to_owned(), suite.join("remotes"))],
        runtime: "::eventsmith_core".to_owned(),
        relative_to: Some(suite),
    }
}

/// A group's generated `is_valid` and `errors`.
pub type Fns = (fn(&Value) -> bool, fn(&Value) -> Vec<ValidationError>);

/// The compiled validator of `group`, checked against what the generator
/// says about it at test time (so the table cannot go stale).
pub fn compiled(group_: &Group, part: Part) -> Option<Fns> {
    let support = group(&group_.module)
        .unwrap_or_else(|| panic!("{} is missing from the generated table", group_.module));
    let lowered = standalone::lower(&group_.module, &group_.schema, &options(part));
    match (support, lowered) {
        (Support::Compiled { is_valid, errors }, Ok(_)) => Some((*is_valid, *errors)),
        (Support::Refused { .. }, Err(_)) => None,
        (s, l) => panic!(
            "{}: build.rs and the generator disagree: {s:?} vs {:?}",
            group_.module,
            l.map(|_| ())
        ),
    }
}

/// One case through every back end: the generated fast path, the generated
/// collecting path, the interpreter's probe and collect. All must agree;
/// returns the verdict and the errors.
pub fn run_case(group_: &Group, part: Part, data: &Value) -> Option<(bool, Vec<ValidationError>)> {
    let (is_valid, errors) = compiled(group_, part)?;
    let lowered = standalone::lower(&group_.module, &group_.schema, &options(part)).unwrap();
    let interp = Interpreter::new(&lowered.graph);
    let fast = is_valid(data);
    let errs = errors(data);
    let probe = interp.validate(lowered.root, data, &At::Root, &mut Probe);
    let mut sink = Collect::default();
    let collected = interp.validate(lowered.root, data, &At::Root, &mut sink);
    let context = || {
        format!(
            "{} ({}), instance {data}",
            group_.module, group_.description
        )
    };
    assert_eq!(
        fast,
        errs.is_empty(),
        "{}: is_valid and errors disagree: {errs:?}",
        context()
    );
    assert_eq!(
        fast,
        probe,
        "{}: generated and interpreted verdicts differ",
        context()
    );
    assert_eq!(
        collected,
        probe,
        "{}: interpreter probe and collect differ",
        context()
    );
    assert_eq!(
        errs,
        sink.0,
        "{}: generated and interpreted errors differ",
        context()
    );
    Some((fast, errs))
}

#[derive(Default)]
struct Row {
    groups: usize,
    supported: usize,
    tests: usize,
    supported_tests: usize,
    passing: usize,
    failing: usize,
    unsupported: BTreeMap<String, usize>,
}

impl Row {
    fn add(&mut self, other: &Row) {
        self.groups += other.groups;
        self.supported += other.supported;
        self.tests += other.tests;
        self.supported_tests += other.supported_tests;
        self.passing += other.passing;
        self.failing += other.failing;
        for (k, n) in &other.unsupported {
            *self.unsupported.entry(k.clone()).or_default() += n;
        }
    }

    fn reasons(&self) -> String {
        self.unsupported
            .iter()
            .map(|(k, n)| {
                if *n == 1 {
                    k.clone()
                } else {
                    format!("{k} ×{n}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn run_file(file: &File, failures: &mut Vec<String>) -> Row {
    let mut row = Row {
        groups: file.groups.len(),
        ..Row::default()
    };
    for g in &file.groups {
        row.tests += g.cases.len();
        match group(&g.module) {
            Some(Support::Refused { reason, .. }) => {
                assert!(compiled(g, file.part).is_none());
                *row.unsupported.entry((*reason).to_owned()).or_default() += 1;
            }
            _ => {
                row.supported += 1;
                row.supported_tests += g.cases.len();
                for case in &g.cases {
                    let (valid, errors) = run_case(g, file.part, &case.data).unwrap();
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
        }
    }
    row
}

fn table(rows: &[(String, Row)]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| file | groups | supported | tests | passing | unsupported (keyword × groups) |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---|");
    for (name, r) in rows {
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {} | {} |",
            r.groups,
            r.supported,
            r.tests,
            r.passing,
            r.reasons()
        );
    }
    out
}

/// The format a group of `optional/format/` asserts.
fn format_of(g: &Group) -> Option<String> {
    g.schema
        .get("format")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

#[test]
fn json_schema_test_suite() {
    let files = suite();
    let mut failures = Vec::new();
    let mut parts: BTreeMap<Part, (Row, Vec<(String, Row)>)> = BTreeMap::new();
    // Per claimed format: (tests, passing, supported groups, groups).
    let mut formats: BTreeMap<String, (usize, usize, usize, usize)> = BTreeMap::new();
    for file in &files {
        let row = run_file(file, &mut failures);
        let entry = parts.entry(file.part).or_default();
        entry.0.add(&row);
        entry.1.push((file.name.clone(), row));
        if file.part == Part::Format {
            for g in &file.groups {
                let Some(name) = format_of(g) else { continue };
                let e = formats.entry(name).or_default();
                e.3 += 1;
                e.0 += g.cases.len();
                if compiled(g, file.part).is_some() {
                    e.2 += 1;
                    e.1 += g
                        .cases
                        .iter()
                        .filter(|c| run_case(g, file.part, &c.data).unwrap().0 == c.valid)
                        .count();
                }
            }
        }
    }
    let empty = (Row::default(), Vec::new());
    let required = parts.get(&Part::Required).unwrap_or(&empty);
    let total = &required.0;
    println!(
        "JSON-Schema-Test-Suite draft2020-12: {}/{} required tests pass ({}/{} groups supported, {} failing in supported groups)",
        total.passing, total.tests, total.supported, total.groups, total.failing
    );
    println!();
    println!("{}", table(&required.1));
    for part in [Part::Optional, Part::Format] {
        let (sum, rows) = parts.get(&part).unwrap_or(&empty);
        println!(
            "{} (optional{}): {}/{} tests pass ({}/{} groups supported, {} failing in supported groups)",
            if part == Part::Optional {
                "optional/"
            } else {
                "optional/format/"
            },
            if part == Part::Format {
                ", format asserted"
            } else {
                ", format annotated"
            },
            sum.passing,
            sum.tests,
            sum.supported,
            sum.groups,
            sum.failing
        );
        println!();
        println!("{}", table(rows));
    }
    println!("| format | claimed | groups supported | tests | passing |");
    println!("|---|---|---:|---:|---:|");
    for (name, (tests, passing, supported, groups)) in &formats {
        let claimed = Format::from_name(name).is_some();
        println!(
            "| {name} | {} | {supported}/{groups} | {tests} | {passing} |",
            if claimed { "yes" } else { "no" }
        );
    }
    let mut all = Row::default();
    for (row, _) in parts.values() {
        all.add(row);
    }
    println!(
        "\nunsupported keywords (groups, all parts): {}",
        all.reasons()
    );

    assert_eq!(
        total.tests, REQUIRED_TESTS,
        "the vendored suite changed: update the expected totals"
    );
    assert_eq!(
        total.groups, REQUIRED_GROUPS,
        "the vendored suite changed: update the expected totals"
    );
    assert!(
        failures.is_empty(),
        "{} cases fail in supported groups:\n{}",
        failures.len(),
        failures.join("\n")
    );
    for (name, (tests, passing, supported, groups)) in &formats {
        if Format::from_name(name).is_some() {
            assert_eq!(
                (supported, passing),
                (groups, tests),
                "format \"{name}\" is claimed but does not pass all its tests"
            );
        }
    }
    assert!(
        total.passing >= MIN_PASSING,
        "only {} required tests pass; the floor is {MIN_PASSING}",
        total.passing
    );
}

/// A refused group names its keyword and where it is, and a supported one
/// has a module: checked on groups whose support is known.
#[test]
fn refusals_name_keyword_and_pointer() {
    let files = suite();
    let file = files
        .iter()
        .find(|f| f.name == "optional/dependencies-compatibility.json")
        .unwrap();
    let g = &file.groups[0];
    match group(&g.module) {
        Some(Support::Refused {
            reason,
            diagnostics,
        }) => {
            assert_eq!(*reason, "dependencies");
            assert!(diagnostics.contains("at /dependencies"), "{diagnostics}");
            assert!(diagnostics.contains(&g.module), "{diagnostics}");
        }
        other => panic!("{other:?}"),
    }
    let file = files.iter().find(|f| f.name == "vocabulary.json").unwrap();
    match group(&file.groups[0].module) {
        Some(Support::Refused {
            reason,
            diagnostics,
        }) => {
            assert_eq!(*reason, "$schema");
            assert!(
                diagnostics.contains("metaschema-no-validation.json"),
                "{diagnostics}"
            );
        }
        other => panic!("{other:?}"),
    }
    for name in ["type.json", "unevaluatedProperties.json", "dynamicRef.json"] {
        let file = files.iter().find(|f| f.name == name).unwrap();
        assert!(
            matches!(
                group(&file.groups[0].module),
                Some(Support::Compiled { .. })
            ),
            "{name}"
        );
    }
}

/// Sanity for the helpers the other tests use: the suite has the layout the
/// README describes.
#[test]
fn vendored_suite_layout() {
    let dir = suite_files::suite_dir(&manifest_dir());
    for p in [
        "LICENSE",
        "README.md",
        "remotes/integer.json",
        "tests/draft2020-12/optional/format/date.json",
        "tests/draft2019-09/recursiveRef.json",
        "tests/draft7/optional/format/idn-hostname.json",
        "tests/draft6/definitions.json",
        "tests/draft4/optional/zeroTerminatedFloats.json",
        "remotes/draft7/ignore-dependentRequired.json",
    ] {
        assert!(Path::new(&dir).join(p).is_file(), "{p} missing");
    }
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(readme.contains("44401e0c046704b476ec9d2e2fccdaee618f259d"));
}
