//! Versions as a first-class concept: the differ against a corpus of schema
//! pairs (`tests/compat/pairs/<name>/{old,new,expected}.json`), `check` on
//! broken catalogs (`tests/compat/catalogs/<name>/`) and on the shipped one,
//! `new`, and the promise generated code keeps to consumers.
//!
//! `UPDATE_EXPECT=1 cargo test -p eventsmith-cli --test it compat::` rewrites
//! the pair snapshots; review the diff before committing it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use eventsmith_codegen::compat::{Bump, Verdict, check_catalog, diff_files};
use eventsmith_codegen::validate::CatalogValidator;
use eventsmith_codegen::{Compiled, Diagnostics};
use serde_json::{Value, json};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

fn eventsmith(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eventsmith"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn dirs(of: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(of)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

/// `old.json`/`old.yaml` in a pair directory.
fn side(dir: &Path, stem: &str) -> PathBuf {
    ["json", "yaml", "yml"]
        .iter()
        .map(|e| dir.join(format!("{stem}.{e}")))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{} has no {stem}.json or {stem}.yaml", dir.display()))
}

fn pair_dirs() -> Vec<PathBuf> {
    dirs(&repo().join("tests/compat/pairs"))
}

/// The diff of one pair as its snapshot would hold it.
fn diff_of(dir: &Path) -> Value {
    let (old, new) = (side(dir, "old"), side(dir, "new"));
    let mut diff = diff_files(&old, &new).unwrap_or_else(|e| panic!("{}: {e:?}", dir.display()));
    diff.from = old.file_name().unwrap().to_string_lossy().into_owned();
    diff.to = new.file_name().unwrap().to_string_lossy().into_owned();
    serde_json::to_value(&diff).unwrap()
}

#[test]
fn every_pair_matches_its_snapshot() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let pairs = pair_dirs();
    assert!(
        pairs.len() >= 40,
        "the corpus must hold at least 40 pairs, found {}",
        pairs.len()
    );
    let mut failures = Vec::new();
    for dir in &pairs {
        let got = diff_of(dir);
        let expected_path = dir.join("expected.json");
        if update {
            std::fs::write(
                &expected_path,
                format!("{}\n", serde_json::to_string_pretty(&got).unwrap()),
            )
            .unwrap();
            continue;
        }
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(&expected_path).unwrap()).unwrap();
        if got != expected {
            failures.push(format!(
                "{}:\n  expected {}\n  got      {}",
                dir.file_name().unwrap().to_string_lossy(),
                serde_json::to_string(&expected).unwrap(),
                serde_json::to_string(&got).unwrap()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} pair(s) differ (UPDATE_EXPECT=1 rewrites):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The rules of the issue, as change kinds and the bump each must carry.
const RULES: &[(&str, &str)] = &[
    // patch: nothing that changes which payloads are valid
    ("annotation-changed", "patch"),
    ("default-changed", "patch"),
    // minor: only widening
    ("property-added", "minor"),
    ("enum-values-added", "minor"),
    ("enum-removed", "minor"),
    ("type-widened", "minor"),
    ("maximum-raised", "minor"),
    ("maximum-removed", "minor"),
    ("minimum-lowered", "minor"),
    ("minimum-removed", "minor"),
    ("maxLength-raised", "minor"),
    ("minLength-removed", "minor"),
    ("minItems-lowered", "minor"),
    ("maxItems-removed", "minor"),
    ("pattern-removed", "minor"),
    ("format-removed", "minor"),
    ("uniqueItems-removed", "minor"),
    ("multipleOf-removed", "minor"),
    ("additionalProperties-opened", "minor"),
    ("branch-added", "minor"),
    // major: everything else
    ("property-removed", "major"),
    ("required-removed", "major"),
    ("required-added", "major"),
    ("type-narrowed", "major"),
    ("type-changed", "major"),
    ("enum-added", "major"),
    ("enum-values-removed", "major"),
    ("maximum-lowered", "major"),
    ("minimum-raised", "major"),
    ("minimum-added", "major"),
    ("maxLength-lowered", "major"),
    ("pattern-added", "major"),
    ("pattern-changed", "major"),
    ("format-added", "major"),
    ("format-changed", "major"),
    ("const-changed", "major"),
    ("uniqueItems-added", "major"),
    ("multipleOf-added", "major"),
    ("additionalProperties-closed", "major"),
    ("allOf-member-added", "major"),
    ("not-added", "major"),
    ("if-added", "major"),
    ("if-changed", "major"),
    ("branch-unpairable", "major"),
    ("branch-removed", "major"),
    ("unanalysable", "major"),
];

#[test]
fn the_corpus_covers_every_rule_with_its_bump() {
    let mut seen: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut required = BTreeSet::new();
    for dir in pair_dirs() {
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap())
                .unwrap();
        let changes = expected["changes"].as_array().unwrap();
        // The required bump is the largest bump of any change.
        let largest = changes
            .iter()
            .map(|c| Bump::parse(c["bump"].as_str().unwrap()).unwrap())
            .max()
            .unwrap_or(Bump::None);
        assert_eq!(
            expected["required_bump"],
            largest.as_str(),
            "{}",
            dir.display()
        );
        required.insert(largest.as_str().to_owned());
        for c in changes {
            assert!(
                c["pointer"]
                    .as_str()
                    .is_some_and(|p| p.is_empty() || p.starts_with('/')),
                "{}: {c}",
                dir.display()
            );
            assert!(!c["description"].as_str().unwrap().is_empty());
            seen.entry(c["kind"].as_str().unwrap().to_owned())
                .or_default()
                .insert(c["bump"].as_str().unwrap().to_owned());
        }
    }
    for (kind, bump) in RULES {
        let bumps = seen
            .get(*kind)
            .unwrap_or_else(|| panic!("no pair covers the rule `{kind}`"));
        assert_eq!(
            bumps,
            &BTreeSet::from([(*bump).to_owned()]),
            "`{kind}` must be {bump}"
        );
    }
    assert_eq!(
        required,
        ["major", "minor", "none", "patch"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect()
    );
}

#[test]
fn diff_cli_keeps_its_contract() {
    let dir = repo().join("tests/compat/pairs/mixed-minor-and-major");
    let out = eventsmith(&["diff", "old.json", "new.json", "--format", "json"], &dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: BTreeSet<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        BTreeSet::from(["from", "to", "required_bump", "changes"])
    );
    assert_eq!(
        (
            v["from"].as_str(),
            v["to"].as_str(),
            v["required_bump"].as_str()
        ),
        (Some("old.json"), Some("new.json"), Some("major"))
    );
    for c in v["changes"].as_array().unwrap() {
        let keys: BTreeSet<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            BTreeSet::from(["pointer", "kind", "description", "bump"])
        );
    }

    let text = eventsmith(&["diff", "old.json", "new.json"], &dir);
    assert_eq!(text.status.code(), Some(0));
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.starts_with("old.json -> new.json: required bump: major"),
        "{text}"
    );
    assert!(
        text.contains("/properties/amount  property-removed"),
        "{text}"
    );

    // Unreadable input and usage errors exit 2.
    assert_eq!(
        eventsmith(&["diff", "old.json", "missing.json"], &dir)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        eventsmith(&["diff", "old.json"], &dir).status.code(),
        Some(2)
    );
    assert_eq!(
        eventsmith(&["diff", "old.json", "new.json", "--format", "xml"], &dir)
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn diff_refuses_what_it_cannot_read() {
    let tmp = scratch("diff-unreadable");
    std::fs::write(
        tmp.join("a.json"),
        r#"{"type": "object", "properties": {"x": {"$ref": "common/nope.json"}}}"#,
    )
    .unwrap();
    std::fs::write(tmp.join("b.json"), r#"{"type": "object"}"#).unwrap();
    std::fs::write(tmp.join("list.json"), "[1, 2]").unwrap();
    std::fs::write(tmp.join("broken.json"), "{\"type\": ").unwrap();
    for (old, new, needle) in [
        ("a.json", "b.json", "common/nope.json"),
        ("list.json", "b.json", "must be a JSON object"),
        ("broken.json", "b.json", "broken.json"),
    ] {
        let out = eventsmith(&["diff", old, new], &tmp);
        assert_eq!(out.status.code(), Some(2), "{old}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{old}: {err}");
        assert!(out.stdout.is_empty());
    }
}

/// A fresh directory under the target's scratch space.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("compat-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let p = entry.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

fn codes(report: &eventsmith_codegen::compat::CheckReport, errors: bool) -> Vec<String> {
    let mut out: Vec<String> = report
        .diagnostics
        .0
        .iter()
        .filter(|d| d.is_error() == errors)
        .map(|d| d.code.to_owned())
        .collect();
    out.sort();
    out
}

#[test]
fn check_finds_what_is_wrong_with_broken_catalogs() {
    let catalogs = dirs(&repo().join("tests/compat/catalogs"));
    assert!(catalogs.len() >= 15, "found {}", catalogs.len());
    let mut failures = Vec::new();
    for dir in &catalogs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap())
                .unwrap();
        let report = check_catalog(&dir.join("schemas"));
        let got = json!({"exit": report.exit_code(), "errors": codes(&report, true), "warnings": codes(&report, false)});
        if got != expected {
            failures.push(format!(
                "{name}: expected {expected}, got {got}\n{}",
                report.render_text()
            ));
        }
        // The command line says the same through its exit code.
        let out = eventsmith(&["check", "--schemas", "schemas", "--format", "json"], dir);
        if out.status.code() != Some(i32::from(report.exit_code())) {
            failures.push(format!("{name}: the CLI exited {:?}", out.status.code()));
        }
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["errors"], json!(codes(&report, true).len()), "{name}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn check_explains_its_verdicts() {
    let root = repo().join("tests/compat/catalogs");
    let report = check_catalog(&root.join("patch-narrows/schemas"));
    let d = report.diagnostics.errors().next().unwrap();
    assert!(
        d.message.contains(
            "shop/order 1.0.1 is a patch release after 1.0.0, but its changes need a major release"
        ),
        "{}",
        d.message
    );
    assert!(
        d.message
            .contains("/properties/status/enum (enum-values-removed, major)"),
        "{}",
        d.message
    );
    assert!(d.file.as_ref().unwrap().ends_with("order/1.0.1.json"));
    assert!(
        d.hint
            .as_ref()
            .unwrap()
            .contains("rollbacks: [\"order 1.0.1: <why>\"]"),
        "{:?}",
        d.hint
    );

    let report = check_catalog(&root.join("patch-narrows-rollback/schemas"));
    let pair = report
        .pairs
        .iter()
        .find(|p| p.to.as_deref() == Some("1.0.1"))
        .unwrap();
    assert_eq!(
        (pair.declared_bump, pair.required_bump, pair.verdict),
        (Some(Bump::Patch), Bump::Major, Verdict::Ok)
    );
    assert!(
        pair.notes[0].starts_with("declared rollback: 1.0.0 listed \"void\" by mistake"),
        "{:?}",
        pair.notes
    );

    let report = check_catalog(&root.join("undeclared-gap/schemas"));
    let d = report.diagnostics.errors().next().unwrap();
    assert!(
        d.hint
            .as_ref()
            .unwrap()
            .contains("gaps: [\"order 1.0.0 -> 1.2.0: <why>\"]"),
        "{:?}",
        d.hint
    );

    // Stale entries point at their line in source.yaml.
    let report = check_catalog(&root.join("stale-entries/schemas"));
    let stale: Vec<(String, Option<String>, Option<usize>)> = report
        .diagnostics
        .errors()
        .map(|d| (d.message.clone(), d.pointer.clone(), d.line))
        .collect();
    assert!(
        stale.iter().any(
            |(m, p, _)| m.contains("1.1.0 directly follows 1.0.0: there is no gap")
                && p.as_deref() == Some("/gaps/0")
        ),
        "{stale:?}"
    );
    assert!(
        stale
            .iter()
            .any(|(m, _, _)| m.contains("there is no event type \"refund\"")),
        "{stale:?}"
    );
    assert!(
        stale.iter().any(
            |(m, p, _)| m.contains("1.1.0 is not a patch release after 1.0.0")
                && p.as_deref() == Some("/rollbacks/0")
        ),
        "{stale:?}"
    );
    assert!(
        stale
            .iter()
            .any(|(m, _, _)| m.contains("order has no version 1.0.5")),
        "{stale:?}"
    );
    assert!(stale.iter().all(|(_, _, line)| line.is_some()), "{stale:?}");

    // Calendar sources: reported, not judged.
    let report = check_catalog(&root.join("calendar-not-judged/schemas"));
    let pair = report.pairs.iter().find(|p| p.from.is_some()).unwrap();
    assert_eq!(
        (pair.declared_bump, pair.required_bump, pair.verdict),
        (None, Bump::Major, Verdict::Reported)
    );

    // A missing catalog is unreadable: exit 2.
    let report = check_catalog(&root.join("no-such-catalog"));
    assert_eq!(report.exit_code(), 2);
    assert_eq!(
        eventsmith(&["check", "--schemas", "no-such-catalog"], &root)
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn the_shipped_catalog_passes_check_with_its_real_history() {
    let report = check_catalog(&repo().join("schemas"));
    assert_eq!(report.exit_code(), 0, "{}", report.render_text());
    assert!(!report.diagnostics.has_errors());
    let pair = |from: &str, to: &str| {
        report
            .pairs
            .iter()
            .find(|p| {
                p.source == "impact_stack"
                    && p.event_type == "form_submission"
                    && p.from.as_deref() == Some(from)
                    && p.to.as_deref() == Some(to)
            })
            .unwrap_or_else(|| panic!("no pair {from} -> {to}"))
    };
    // 1.1.0 -> 1.3.0 adds `action.id`: a minor change, across a declared gap.
    let p = pair("1.1.0", "1.3.0");
    assert_eq!(
        (p.declared_bump, p.required_bump, p.verdict),
        (Some(Bump::Minor), Bump::Minor, Verdict::Ok)
    );
    let minor: Vec<(&str, &str)> = p
        .changes
        .iter()
        .filter(|c| c.bump == Bump::Minor)
        .map(|c| (c.pointer.as_str(), c.kind.as_str()))
        .collect();
    assert_eq!(
        minor,
        [("/properties/action/properties/id", "property-added")]
    );
    assert!(p.notes.iter().any(|n| n.starts_with("declared gap:")));
    // 1.x -> 2.x removes keys: major.
    let p = pair("1.3.0", "2.1.0");
    assert_eq!(
        (p.declared_bump, p.required_bump),
        (Some(Bump::Major), Bump::Major)
    );
    for removed in [
        "/properties/links",
        "/properties/_links",
        "/properties/_optins",
        "/properties/tracking/properties/refsid",
    ] {
        assert!(
            p.changes
                .iter()
                .any(|c| c.pointer == removed && c.kind == "property-removed"),
            "{removed} not reported removed"
        );
    }
    // Everything in the shipped catalog is analysable.
    let unanalysable: Vec<_> = report
        .pairs
        .iter()
        .flat_map(|p| &p.changes)
        .filter(|c| c.kind == "unanalysable")
        .collect();
    assert!(unanalysable.is_empty(), "{unanalysable:?}");
    // Gigs is calendar-versioned: every pair is reported, none judged.
    assert!(
        report
            .pairs
            .iter()
            .filter(|p| p.source == "gigs")
            .all(|p| p.verdict == Verdict::Reported && p.declared_bump.is_none())
    );
    assert!(
        report
            .pairs
            .iter()
            .any(|p| p.source == "gigs" && p.from.is_some() && !p.changes.is_empty())
    );

    let out = eventsmith(&["check", "--schemas", "schemas"], &repo());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn new_scaffolds_versions_and_types_and_refuses_to_overwrite() {
    let tmp = scratch("new");
    copy_dir(
        &repo().join("tests/compat/catalogs/new-type-in-minor/schemas"),
        &tmp.join("schemas"),
    );
    let order = tmp.join("schemas/shop/order");

    // The next minor: a copy of the newest version, the example carried over.
    let out = eventsmith(&["new", "shop/order", "--bump", "minor"], &tmp);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let old: Value =
        serde_json::from_str(&std::fs::read_to_string(order.join("1.1.0.json")).unwrap()).unwrap();
    let new: Value =
        serde_json::from_str(&std::fs::read_to_string(order.join("1.2.0.json")).unwrap()).unwrap();
    assert_eq!(new["title"], "Order 1.2.0");
    assert_eq!(new["properties"], old["properties"]);
    let example: Value =
        serde_json::from_str(&std::fs::read_to_string(order.join("examples/1.2.0.json")).unwrap())
            .unwrap();
    assert_eq!(
        example,
        json!({"type": "order", "version": "1.2.0", "status": "open"})
    );
    assert!(
        stdout.contains("the stub example is valid for 1.2.0"),
        "{stdout}"
    );
    assert!(stdout.contains("next:"), "{stdout}");

    // A patch and a major number from the newest version.
    assert_eq!(
        eventsmith(&["new", "shop/order", "--bump", "patch"], &tmp)
            .status
            .code(),
        Some(0)
    );
    assert!(order.join("1.2.1.json").is_file());
    assert_eq!(
        eventsmith(&["new", "shop/order", "--bump", "major"], &tmp)
            .status
            .code(),
        Some(0)
    );
    assert!(order.join("2.0.0.json").is_file() && order.join("examples/2.0.0.json").is_file());

    // A new event type: 1.0.0 with a skeleton and a stub example.
    let out = eventsmith(&["new", "shop/shipment.sent", "--bump", "minor"], &tmp);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let skeleton: Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.join("schemas/shop/shipment.sent/1.0.0.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(skeleton["type"], "object");
    let stub: Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.join("schemas/shop/shipment.sent/examples/1.0.0.json"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(stub, json!({"type": "shipment.sent", "version": "1.0.0"}));

    // What `new` wrote passes `check` (unchanged copies only warn).
    let report = check_catalog(&tmp.join("schemas"));
    assert_eq!(report.exit_code(), 0, "{}", report.render_text());
    assert_eq!(codes(&report, false), ["bump-larger-than-needed"; 2]);

    // Refusals: an existing file, an unknown source, a malformed target.
    std::fs::write(order.join("examples/2.1.0.json"), "{}").unwrap();
    let out = eventsmith(&["new", "shop/order", "--bump", "minor"], &tmp);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert!(!order.join("2.1.0.json").exists());
    assert_eq!(
        eventsmith(&["new", "nope/order", "--bump", "minor"], &tmp)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        eventsmith(&["new", "order", "--bump", "minor"], &tmp)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        eventsmith(&["new", "shop/order"], &tmp).status.code(),
        Some(2)
    );
    assert_eq!(
        eventsmith(&["new", "shop/Über", "--bump", "minor"], &tmp)
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn new_names_calendar_versions_by_date() {
    let tmp = scratch("new-calendar");
    copy_dir(
        &repo().join("tests/compat/catalogs/calendar-not-judged/schemas"),
        &tmp.join("schemas"),
    );
    let dir = tmp.join("schemas/shop/order");
    let before: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let out = eventsmith(&["new", "shop/order", "--bump", "minor"], &tmp);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let added: Vec<&String> = after
        .difference(&before)
        .filter(|n| n.ends_with(".json"))
        .collect();
    assert_eq!(added.len(), 1, "{added:?}");
    let stem = added[0].trim_end_matches(".json");
    eventsmith_core::version::Date::parse(stem).unwrap();
    assert!(stem > "2024-06-01", "{stem}");
    let example: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(format!("examples/{stem}.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(example["version"], stem);
    // A second one the same day has nothing newer to create.
    assert_eq!(
        eventsmith(&["new", "shop/order", "--bump", "minor"], &tmp)
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn generated_enums_keep_an_unknown_variant() {
    let generated = eventsmith_codegen::Config::new()
        .schemas(repo().join("tests/compat/catalogs/patch-narrows-rollback/schemas"))
        .generate()
        .unwrap();
    assert!(!generated.warnings.has_errors());
    let code: String = generated.files.values().map(String::as_str).collect();
    let start = code
        .find("Status {")
        .and_then(|i| code[..i].rfind("pub enum "))
        .expect("an enum for `status`");
    let body = &code[start..start + code[start..].find("\n}").unwrap()];
    assert!(body.contains("Unknown(::std::string::String)"), "{body}");
    assert!(body.contains("Open,") && body.contains("Void,"), "{body}");
}

#[test]
fn dispatch_reads_a_newer_minor_with_the_older_schema() {
    let mut diags = Diagnostics::default();
    let compiled = Compiled::load(&repo().join("schemas"), &mut diags);
    assert!(!diags.has_errors());
    let validator = CatalogValidator::new(&compiled);
    let example = repo().join("schemas/impact_stack/form_submission/examples/1.3.0-action-id.json");
    let mut payload: Value =
        serde_json::from_str(&std::fs::read_to_string(example).unwrap()).unwrap();

    // 1.4.0 is unknown to the catalog: read with 1.3.0, a key 1.4.0 added is kept.
    payload["version"] = json!("1.4.0");
    payload["added_in_1_4"] = json!({"anything": true});
    let outcome = validator.validate(&payload);
    assert_eq!(outcome.schema_version.as_deref(), Some("1.3.0"));
    assert!(outcome.valid, "{:?}", outcome.errors);
    // 1.2.7 falls back to 1.1.0, the newest of its major not above it.
    payload["version"] = json!("1.2.7");
    assert_eq!(
        validator.validate(&payload).schema_version.as_deref(),
        Some("1.1.0")
    );
    // Another major is not read at all.
    payload["version"] = json!("3.0.0");
    let outcome = validator.validate(&payload);
    assert!(
        !outcome.valid && outcome.errors[0].keyword == "dispatch",
        "{:?}",
        outcome.errors
    );
}

#[test]
fn validation_stays_strict_about_values_a_newer_minor_adds() {
    // docs/versioning.md promises this honestly: an enum value added in 1.1.0
    // fails against 1.0.0, even though the Rust enum could hold it.
    let mut diags = Diagnostics::default();
    let compiled = Compiled::load(
        &repo().join("tests/compat/catalogs/patch-narrows-rollback/schemas"),
        &mut diags,
    );
    let validator = CatalogValidator::new(&compiled);
    let outcome =
        validator.validate(&json!({"type": "order", "version": "1.0.9", "status": "refunded"}));
    assert_eq!(outcome.schema_version.as_deref(), Some("1.0.1"));
    let failed: Vec<(&str, &str)> = outcome
        .errors
        .iter()
        .map(|e| (e.instance_path.as_str(), e.keyword.as_str()))
        .collect();
    assert_eq!(failed, [("/status", "enum")]);
}

#[test]
fn diff_finishes_on_schemas_that_reuse_definitions_exponentially() {
    // Each level refers to the next twice: inlined, 2^30 subschemas.
    let tmp = scratch("diff-exponential");
    let mut defs = serde_json::Map::new();
    for i in 0..30 {
        let next = json!({"$ref": format!("#/$defs/l{}", i + 1)});
        defs.insert(
            format!("l{i}"),
            json!({"type": "object", "properties": {"a": next, "b": next}}),
        );
    }
    defs.insert("l30".to_owned(), json!({"type": "string"}));
    let schema = json!({"$ref": "#/$defs/l0", "$defs": defs});
    std::fs::write(tmp.join("old.json"), schema.to_string()).unwrap();
    let mut changed = schema.clone();
    changed["$defs"]["l0"]["properties"]["c"] = json!({"type": "integer"});
    std::fs::write(tmp.join("new.json"), changed.to_string()).unwrap();
    let diff = diff_files(&tmp.join("old.json"), &tmp.join("new.json")).unwrap();
    assert_eq!(diff.required_bump, Bump::Minor, "{:?}", diff.changes);
    assert!(
        diff.changes
            .iter()
            .any(|c| c.pointer == "/properties/c" && c.kind == "property-added")
    );
}
