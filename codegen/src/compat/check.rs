//! The catalog check behind `eventsmith check`: everything loading reports
//! (meta-schema, `$ref`s, unsupported keywords, naming collisions, version
//! file names), every `default` valid against its own schema, every example
//! doing what it must, and, for every semver source, each version against
//! its predecessor:
//!
//! * the bump the version numbers declare must be at least the bump the
//!   changes need (error); a larger one is a warning;
//! * consecutive versions must follow each other (`1.1.0` → `1.1.1`,
//!   `1.2.0` or `2.0.0`); a gap is fine only when `source.yaml` declares it
//!   under `gaps:` with a reason;
//! * a patch that needs more (a narrowing) is an error unless `source.yaml`
//!   declares it under `rollbacks:` with a reason;
//! * a new event type must arrive in a minor or major release (`X.Y.0`);
//! * declared gaps and rollbacks that excuse nothing are stale (error).
//!
//! Calendar-versioned sources get their differences reported, not judged.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::differ::{Bump, Change, diff_locs, render_change};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::catalog::{Catalog, EventType, Source, Version, Versioning};
use crate::load::document;
use crate::load::registry::Registry;
use crate::lower::Compiled;
use crate::validate::CatalogValidator;

/// The judgement on one version against its predecessor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The declared bump fits the changes.
    Ok,
    /// Allowed, but a larger bump than needed or a changed default.
    Warning,
    /// The declared bump is too small, or a gap is not declared.
    Error,
    /// A calendar source: the differences are reported, not judged.
    Reported,
}

/// One version of an event type compared with its predecessor. `from` is
/// `None` for an event type's first version, `to` is `None` for an event
/// type that a later major no longer has.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VersionPair {
    /// The source.
    pub source: String,
    /// The event type directory.
    pub event_type: String,
    /// The older version.
    pub from: Option<String>,
    /// The newer version.
    pub to: Option<String>,
    /// The bump the version numbers declare (semver only).
    pub declared_bump: Option<Bump>,
    /// The bump the changes need.
    pub required_bump: Bump,
    /// The judgement.
    pub verdict: Verdict,
    /// Declared gaps and rollbacks that apply, and other remarks.
    pub notes: Vec<String>,
    /// Every change.
    pub changes: Vec<Change>,
}

/// Everything `check` found.
#[derive(Debug)]
pub struct CheckReport {
    /// The catalog directory.
    pub catalog: PathBuf,
    /// True when the catalog could not be read at all.
    pub unreadable: bool,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
    /// Every version compared with its predecessor.
    pub pairs: Vec<VersionPair>,
}

impl CheckReport {
    /// 0 clean (warnings allowed), 1 violations, 2 unreadable catalog.
    pub fn exit_code(&self) -> u8 {
        if self.unreadable {
            2
        } else {
            u8::from(self.diagnostics.has_errors())
        }
    }

    /// The report as JSON: `{catalog, errors, warnings, diagnostics, versions}`.
    pub fn to_json(&self) -> Value {
        let errors = self.diagnostics.errors().count();
        json!({
            "catalog": self.catalog.display().to_string(),
            "errors": errors,
            "warnings": self.diagnostics.warnings().count(),
            "diagnostics": self.diagnostics.0,
            "versions": self.pairs,
        })
    }

    /// The report as text: each version pair with its changes, then the
    /// diagnostics and a summary line.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let mut current = String::new();
        for p in &self.pairs {
            if p.source != current {
                current.clone_from(&p.source);
                let how = if p.verdict == Verdict::Reported {
                    "calendar versions: differences reported, not judged"
                } else {
                    "semver: each version checked against its predecessor"
                };
                let _ = writeln!(out, "{} ({how})", p.source);
            }
            let from = p.from.as_deref().unwrap_or("(new)");
            let to = p.to.as_deref().unwrap_or("(dropped)");
            let judged = match (p.declared_bump, p.verdict) {
                (_, Verdict::Reported) => format!("required {}", p.required_bump),
                (Some(d), v) => format!(
                    "declared {d}, required {}: {}",
                    p.required_bump,
                    verdict_word(v)
                ),
                (None, v) => format!("required {}: {}", p.required_bump, verdict_word(v)),
            };
            let _ = writeln!(out, "  {} {from} -> {to}: {judged}", p.event_type);
            for n in &p.notes {
                let _ = writeln!(out, "      note: {n}");
            }
            for c in &p.changes {
                let _ = writeln!(out, "    {}", render_change(c).trim_start());
            }
        }
        if !self.pairs.is_empty() {
            out.push('\n');
        }
        out.push_str(&self.diagnostics.render());
        out
    }
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Ok => "ok",
        Verdict::Warning => "warning",
        Verdict::Error => "ERROR",
        Verdict::Reported => "reported",
    }
}

/// Checks the catalog at `root`.
pub fn check_catalog(root: &Path) -> CheckReport {
    let mut report = CheckReport {
        catalog: root.to_owned(),
        unreadable: false,
        diagnostics: Diagnostics::default(),
        pairs: Vec::new(),
    };
    if !root.is_dir() {
        report.unreadable = true;
        report.diagnostics.push(
            Diagnostic::error(
                "unreadable-catalog",
                format!("the catalog directory {} does not exist", root.display()),
            )
            .in_file(root)
            .with_hint("pass the catalog with --schemas DIR"),
        );
        return report;
    }
    let mut diags = Diagnostics::default();
    let mut compiled = Compiled::load(root, &mut diags);
    // What source.yaml changed in, or says about, schemas it cannot edit.
    for source in &compiled.catalog.sources {
        for patch in &source.patches {
            diags.push(patch.note(&compiled.catalog.registry));
        }
    }
    for unused in compiled.catalog.registry.overrides.unused() {
        diags.push(unused);
    }
    if diags.0.iter().any(|d| d.code == "unreadable-catalog") {
        report.unreadable = true;
        report.diagnostics = diags;
        return report;
    }
    // A schema that applies itself in place would never finish validating.
    if !diags.0.iter().any(|d| d.code == "ref-cycle") {
        let validator = CatalogValidator::new(&compiled);
        check_defaults(&compiled, &validator, &mut diags);
        // A schema that failed to load would judge its examples wrongly
        // (an unresolved `$ref` accepts anything): say so once instead.
        let unprovable = validator.unprovable(&diags);
        let examples_of = |&(ci, ei, vi): &(usize, usize, usize)| {
            let s = &compiled.catalog.sources[compiled.sources[ci].source];
            s.events[ei].versions[vi].examples.len()
        };
        let skipped: Vec<(usize, usize, usize)> = unprovable
            .iter()
            .copied()
            .filter(|v| examples_of(v) > 0)
            .collect();
        if !skipped.is_empty() {
            let examples: usize = skipped.iter().map(examples_of).sum();
            let mut names: Vec<String> = skipped
                .iter()
                .map(|&(ci, ei, vi)| {
                    let s = &compiled.catalog.sources[compiled.sources[ci].source];
                    let e = &s.events[ei];
                    format!("{}/{} {}", s.name, e.dir, e.versions[vi].version)
                })
                .collect();
            let more = names.len().saturating_sub(5);
            names.truncate(5);
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            diags.push(
                Diagnostic::warning(
                    "examples-not-proven",
                    format!(
                        "{} of {} not checked: {} errors: {}{tail}",
                        count(examples, "example"),
                        count(unprovable.len(), "version"),
                        if unprovable.len() == 1 {
                            "its schema has"
                        } else {
                            "their schemas have"
                        },
                        names.join(", ")
                    ),
                )
                .in_file(root)
                .with_hint("fix the errors above; the examples are checked once the schemas load"),
            );
        }
        for problem in validator.check_examples_except(&unprovable) {
            let d = match problem.split_once(": ") {
                Some((file, what)) => {
                    Diagnostic::error("example-mismatch", what.to_owned()).in_file(root.join(file))
                }
                None => Diagnostic::error("example-mismatch", problem),
            };
            diags.push(d);
        }
    }
    report.pairs = compare_versions(&mut compiled.catalog, &mut diags);
    report.diagnostics = diags;
    report
}

/// Every `default` that its own schema rejects is an error: it is only an
/// annotation, but the docs site shows it and OpenAPI tools refuse the
/// exported document for it (GitHub's `repository/archived` has `default:
/// false` beside `enum: [true]`). Judged as payloads are, formats included,
/// by the validator that checks the examples.
fn check_defaults(compiled: &Compiled, validator: &CatalogValidator<'_>, diags: &mut Diagnostics) {
    let registry = &compiled.catalog.registry;
    let mut seen = BTreeSet::new();
    for (si, source) in compiled.sources.iter().enumerate() {
        let source_dir = &compiled.catalog.sources[source.source].dir;
        for (id, node) in source.graph.nodes.iter().enumerate() {
            let Some(default) = registry.value(&node.loc).and_then(|v| v.get("default")) else {
                continue;
            };
            if !seen.insert(&node.loc) {
                continue;
            }
            let Some(errors) = validator.validate_graph_node(si, id, default) else {
                continue;
            };
            let Some(first) = errors.first() else {
                continue;
            };
            let at = if first.instance_path.is_empty() {
                String::new()
            } else {
                format!(" at {}", first.instance_path)
            };
            let loc = node.loc.child("default");
            let file = &registry.doc(loc.doc).path;
            let d = Diagnostic::error(
                "default-rejected",
                format!(
                    "the `default` {default} fails its own schema{at}: {}",
                    first.message
                ),
            )
            .with_hint(format!(
                "correct the schema, or, if you cannot edit it, patch it in source.yaml: \
                 `patches: [{{at: \"{}#{}\", remove: true, reason: ...}}]`",
                file.strip_prefix(source_dir).unwrap_or(file).display(),
                loc.pointer
            ));
            diags.push(registry.diagnostic(d, &loc));
        }
    }
}

/// Every version of every event type compared with its predecessor, as
/// `check` judges it (the docs site shows the same pairs). Violations go
/// to `diags`; each pair carries its verdict and notes.
pub fn compare_versions(catalog: &mut Catalog, diags: &mut Diagnostics) -> Vec<VersionPair> {
    let mut pairs = Vec::new();
    for source in &catalog.sources {
        check_source(source, &mut catalog.registry, diags, &mut pairs);
    }
    pairs
}

/// `1 example`, `3 examples`.
fn count(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The bump from `a` to `b` as the version numbers declare it.
fn declared(a: &Version, b: &Version) -> Option<Bump> {
    match (a, b) {
        (&Version::Semver(x, y, _), &Version::Semver(p, q, _)) => Some(if x != p {
            Bump::Major
        } else if y != q {
            Bump::Minor
        } else {
            Bump::Patch
        }),
        _ => None,
    }
}

/// True when `b` directly follows `a`.
fn consecutive(a: &Version, b: &Version) -> bool {
    match (a, b) {
        (&Version::Semver(x, y, z), &Version::Semver(p, q, r)) => {
            (p == x && q == y && r == z + 1)
                || (p == x && q == y + 1 && r == 0)
                || (p == x + 1 && q == 0 && r == 0)
        }
        _ => true,
    }
}

fn first_bump(v: &Version) -> Bump {
    match v {
        Version::Semver(_, 0, 0) => Bump::Major,
        Version::Semver(_, _, 0) => Bump::Minor,
        _ => Bump::Patch,
    }
}

fn check_source(
    source: &Source,
    reg: &mut Registry,
    diags: &mut Diagnostics,
    pairs: &mut Vec<VersionPair>,
) {
    let semver = source.versioning == Versioning::Semver;
    let mut used_gaps = BTreeSet::new();
    let mut used_rollbacks = BTreeSet::new();
    let max_major = source
        .events
        .iter()
        .flat_map(|e| &e.versions)
        .filter_map(|v| {
            if let Version::Semver(m, _, _) = v.version {
                Some(m)
            } else {
                None
            }
        })
        .max();
    for event in &source.events {
        let name = format!("{}/{}", source.name, event.dir);
        let Some(first) = event.versions.first() else {
            continue;
        };
        let mut pair = VersionPair {
            source: source.name.clone(),
            event_type: event.dir.clone(),
            from: None,
            to: Some(first.version.to_string()),
            declared_bump: semver.then(|| first_bump(&first.version)),
            required_bump: Bump::Minor,
            verdict: if semver {
                Verdict::Ok
            } else {
                Verdict::Reported
            },
            notes: Vec::new(),
            changes: vec![Change {
                pointer: String::new(),
                kind: "event-type-added".to_owned(),
                description: format!("event type \"{}\" added", event.type_value),
                bump: Bump::Minor,
            }],
        };
        if semver && first_bump(&first.version) == Bump::Patch {
            pair.verdict = Verdict::Error;
            diags.push(
                Diagnostic::error(
                    "new-type-in-patch",
                    format!(
                        "{name} first appears in {}, a patch release; a new event type is an addition and needs a minor release",
                        first.version
                    ),
                )
                .in_file(&first.file)
                .with_hint("number the first version of a new event type X.Y.0"),
            );
        }
        pairs.push(pair);
        // Without versions, a type's schemas are alternatives chosen by a
        // member (GitHub's `action`), not a history: nothing to compare.
        if source.versioning == Versioning::None {
            continue;
        }

        for w in event.versions.windows(2) {
            let (prev, cur) = (&w[0], &w[1]);
            // Unresolved `$ref`s are reported by loading already.
            let (changes, _) = diff_locs(reg, &prev.root(), &cur.root());
            let required = changes.iter().map(|c| c.bump).max().unwrap_or(Bump::None);
            let mut pair = VersionPair {
                source: source.name.clone(),
                event_type: event.dir.clone(),
                from: Some(prev.version.to_string()),
                to: Some(cur.version.to_string()),
                declared_bump: None,
                required_bump: required,
                verdict: Verdict::Reported,
                notes: Vec::new(),
                changes,
            };
            if !semver {
                pairs.push(pair);
                continue;
            }
            let declared = declared(&prev.version, &cur.version).unwrap_or(Bump::Major);
            pair.declared_bump = Some(declared);
            pair.verdict = Verdict::Ok;
            for c in pair.changes.iter().filter(|c| c.is_warning()) {
                pair.verdict = Verdict::Warning;
                diags.push(
                    Diagnostic::warning(
                        "default-changed",
                        format!(
                            "{name} {}: at {}: {}",
                            cur.version,
                            if c.pointer.is_empty() {
                                "/"
                            } else {
                                &c.pointer
                            },
                            c.description
                        ),
                    )
                    .in_file(&cur.file),
                );
            }
            if !consecutive(&prev.version, &cur.version) {
                let key = (
                    event.dir.clone(),
                    prev.version.to_string(),
                    cur.version.to_string(),
                );
                match source.gaps.get(&key) {
                    Some(reason) => {
                        pair.notes.push(format!("declared gap: {reason}"));
                        used_gaps.insert(key);
                    }
                    None => {
                        pair.verdict = Verdict::Error;
                        diags.push(
                            Diagnostic::error(
                                "undeclared-gap",
                                format!(
                                    "{name}: {} follows {} but skips the versions in between",
                                    cur.version, prev.version
                                ),
                            )
                            .in_file(&cur.file)
                            .with_hint(format!(
                                "if no version in between was ever published, record the gap in source.yaml: gaps: [\"{} {} -> {}: <why>\"]",
                                event.dir, prev.version, cur.version
                            )),
                        );
                    }
                }
            }
            if declared < required {
                let key = (event.dir.clone(), cur.version.to_string());
                match source.rollbacks.get(&key) {
                    Some(reason) if declared == Bump::Patch => {
                        pair.notes.push(format!("declared rollback: {reason}"));
                        used_rollbacks.insert(key);
                    }
                    _ => {
                        pair.verdict = Verdict::Error;
                        let offending: Vec<String> = pair
                            .changes
                            .iter()
                            .filter(|c| c.bump > declared)
                            .map(|c| {
                                format!(
                                    "{} ({}, {}): {}",
                                    if c.pointer.is_empty() {
                                        "/"
                                    } else {
                                        &c.pointer
                                    },
                                    c.kind,
                                    c.bump,
                                    c.description
                                )
                            })
                            .collect();
                        let hint = if declared == Bump::Patch {
                            format!(
                                "release it as a {required} version, or, if this patch rolls back a mistake, record it in source.yaml: rollbacks: [\"{} {}: <why>\"]",
                                event.dir, cur.version
                            )
                        } else {
                            format!("release it as a {required} version")
                        };
                        diags.push(
                            Diagnostic::error(
                                "bump-too-small",
                                format!(
                                    "{name} {} is a {declared} release after {}, but its changes need a {required} release:\n    {}",
                                    cur.version,
                                    prev.version,
                                    offending.join("\n    ")
                                ),
                            )
                            .in_file(&cur.file)
                            .with_hint(hint),
                        );
                    }
                }
            } else if declared > required {
                if pair.verdict == Verdict::Ok {
                    pair.verdict = Verdict::Warning;
                }
                let need = if required == Bump::None {
                    "it changes nothing".to_owned()
                } else {
                    format!("its changes need only a {required} release")
                };
                diags.push(
                    Diagnostic::warning(
                        "bump-larger-than-needed",
                        format!(
                            "{name} {} is a {declared} release after {}, but {need}",
                            cur.version, prev.version
                        ),
                    )
                    .in_file(&cur.file),
                );
            }
            pairs.push(pair);
        }

        if let (Some(max), Some(last)) = (max_major, event.versions.last())
            && let Version::Semver(m, _, _) = last.version
            && m < max
        {
            pairs.push(VersionPair {
                source: source.name.clone(),
                event_type: event.dir.clone(),
                from: Some(last.version.to_string()),
                to: None,
                declared_bump: Some(Bump::Major),
                required_bump: Bump::Major,
                verdict: Verdict::Ok,
                notes: vec![format!(
                    "no {}.x version: payloads of {max}.x cannot be read as this type",
                    m + 1
                )],
                changes: vec![Change {
                    pointer: String::new(),
                    kind: "event-type-removed".to_owned(),
                    description: format!(
                        "event type \"{}\" dropped in {}.0.0",
                        event.type_value,
                        m + 1
                    ),
                    bump: Bump::Major,
                }],
            });
        }
    }
    stale_entries(source, &used_gaps, &used_rollbacks, reg, diags);
}

fn find_event<'s>(source: &'s Source, dir: &str) -> Option<&'s EventType> {
    source.events.iter().find(|e| e.dir == dir)
}

/// Reports `gaps:`/`rollbacks:` entries that excuse nothing.
fn stale_entries(
    source: &Source,
    used_gaps: &BTreeSet<(String, String, String)>,
    used_rollbacks: &BTreeSet<(String, String)>,
    reg: &mut Registry,
    diags: &mut Diagnostics,
) {
    let config = ["source.yaml", "source.yml", "source.json"]
        .iter()
        .map(|f| source.dir.join(f))
        .find(|p| p.is_file());
    let doc = config.as_deref().and_then(|p| document::read(p).ok());
    // Where an entry sits in source.yaml, for the diagnostic.
    let locate = |d: Diagnostic, key: &str, words: &[&str]| -> Diagnostic {
        let Some(doc) = &doc else { return d };
        let index = doc
            .value
            .get(key)
            .and_then(Value::as_array)
            .and_then(|items| {
                items.iter().position(|item| {
                    item.as_str()
                        .and_then(|s| s.split_once(':'))
                        .is_some_and(|(head, _)| {
                            head.split_whitespace()
                                .filter(|w| *w != "->")
                                .collect::<Vec<_>>()
                                == words
                        })
                })
            });
        match index {
            Some(i) => doc.diagnostic(d, &format!("/{key}/{i}")),
            None => d.in_file(&doc.path),
        }
    };
    let versions_of = |e: &EventType| {
        e.versions
            .iter()
            .map(|v| v.version.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (key, _) in source.gaps.iter().filter(|(k, _)| !used_gaps.contains(*k)) {
        let (dir, from, to) = key;
        let why = if source.versioning == Versioning::Calendar {
            "calendar-versioned sources have no gaps".to_owned()
        } else {
            match find_event(source, dir) {
                None => format!("there is no event type \"{dir}\""),
                Some(e) => {
                    let pos = |v: &str| e.versions.iter().position(|x| x.version.to_string() == v);
                    match (pos(from), pos(to)) {
                        (Some(i), Some(j)) if j == i + 1 => {
                            format!("{to} directly follows {from}: there is no gap")
                        }
                        (Some(_), Some(_)) => format!(
                            "{from} and {to} are not neighbours among the versions of {dir} ({})",
                            versions_of(e)
                        ),
                        _ => format!(
                            "{dir} has no version {} (its versions: {})",
                            if pos(from).is_none() { from } else { to },
                            versions_of(e)
                        ),
                    }
                }
            }
        };
        let d = Diagnostic::error(
            "stale-gap",
            format!("the declared gap \"{dir} {from} -> {to}\" excuses nothing: {why}"),
        )
        .with_hint("remove the entry from gaps:");
        diags.push(locate(d, "gaps", &[dir, from, to]));
    }
    for (key, _) in source
        .rollbacks
        .iter()
        .filter(|(k, _)| !used_rollbacks.contains(*k))
    {
        let (dir, version) = key;
        let why = if source.versioning == Versioning::Calendar {
            "calendar-versioned sources are not judged".to_owned()
        } else {
            match find_event(source, dir) {
                None => format!("there is no event type \"{dir}\""),
                Some(e) => match e
                    .versions
                    .iter()
                    .position(|x| x.version.to_string() == *version)
                {
                    None => format!(
                        "{dir} has no version {version} (its versions: {})",
                        versions_of(e)
                    ),
                    Some(0) => {
                        format!("{version} is the first version of {dir}: it rolls nothing back")
                    }
                    Some(i) => {
                        let (prev, cur) = (&e.versions[i - 1], &e.versions[i]);
                        if declared(&prev.version, &cur.version) != Some(Bump::Patch) {
                            format!("{version} is not a patch release after {}", prev.version)
                        } else {
                            let (changes, _) = diff_locs(reg, &prev.root(), &cur.root());
                            let required =
                                changes.iter().map(|c| c.bump).max().unwrap_or(Bump::None);
                            format!(
                                "{version} needs only a {required} release after {}: there is nothing to excuse",
                                prev.version
                            )
                        }
                    }
                },
            }
        };
        let d = Diagnostic::error(
            "stale-rollback",
            format!("the declared rollback \"{dir} {version}\" excuses nothing: {why}"),
        )
        .with_hint("remove the entry from rollbacks:");
        diags.push(locate(d, "rollbacks", &[dir, version]));
    }
}
