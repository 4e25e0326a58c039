//! Comparing two normalised schemas: every change with its logical JSON
//! pointer (the path through the schema with `$ref`s inlined), a plain
//! description and the smallest version bump it needs.
//!
//! The rules: nothing that changes which payloads are valid is a patch
//! (annotations; a changed `default` is a patch with a warning); widening is
//! a minor (a property added, enum values added, a type widened, a bound
//! relaxed or removed, `pattern`/`format`/`uniqueItems`/`multipleOf`
//! removed, `additionalProperties` opened, a `oneOf` branch added that has a
//! discriminator value of its own); everything else is a major, including
//! what the differ cannot analyse (`not`, `if`, branches it cannot pair),
//! reported with the reason.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;
use std::path::Path;

use serde_json::Value;

use super::normalize::{
    ArrayRules, Bound, Branch, Conjunct, Kind, Normalizer, ObjectRules, Schema,
};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::registry::{Loc, Registry};

/// A version bump, smallest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    /// Nothing changed.
    None,
    /// Fixes: nothing that changes which payloads are valid.
    Patch,
    /// Additions: only widening.
    Minor,
    /// Anything else.
    Major,
}

impl Bump {
    /// `none`, `patch`, `minor`, `major`.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }

    /// Parses `patch`, `minor`, `major` (and `none`).
    pub fn parse(s: &str) -> Option<Bump> {
        Some(match s {
            "none" => Bump::None,
            "patch" => Bump::Patch,
            "minor" => Bump::Minor,
            "major" => Bump::Major,
            _ => return None,
        })
    }
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One change between two schema versions.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Change {
    /// JSON pointer into the schema (with `$ref`s inlined) where it happened.
    pub pointer: String,
    /// A stable name for the kind of change (`property-added`, `maximum-lowered`, …).
    pub kind: String,
    /// What changed, in plain words.
    pub description: String,
    /// The smallest bump it needs.
    pub bump: Bump,
}

impl Change {
    /// True for changes that are allowed at their bump but deserve a warning
    /// (a changed `default`).
    pub fn is_warning(&self) -> bool {
        self.kind == "default-changed"
    }
}

/// Every change between two versions and the bump they need together.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diff {
    /// The old version (a file path or a version).
    pub from: String,
    /// The new version.
    pub to: String,
    /// The largest bump any change needs (`none` without changes).
    pub required_bump: Bump,
    /// The changes, ordered by pointer.
    pub changes: Vec<Change>,
}

impl Diff {
    /// A diff over `changes`.
    pub fn new(from: impl Into<String>, to: impl Into<String>, changes: Vec<Change>) -> Diff {
        let required_bump = changes.iter().map(|c| c.bump).max().unwrap_or(Bump::None);
        Diff {
            from: from.into(),
            to: to.into(),
            required_bump,
            changes,
        }
    }

    /// The plain-text report: one line per change.
    pub fn render_text(&self) -> String {
        let mut out = format!(
            "{} -> {}: required bump: {} ({} change{})\n",
            self.from,
            self.to,
            self.required_bump,
            self.changes.len(),
            if self.changes.len() == 1 { "" } else { "s" }
        );
        for c in &self.changes {
            out.push_str(&render_change(c));
            out.push('\n');
        }
        out
    }
}

/// One change as a text line (indented, bump first).
pub fn render_change(c: &Change) -> String {
    let pointer = if c.pointer.is_empty() {
        "/"
    } else {
        &c.pointer
    };
    let warn = if c.is_warning() { "warning: " } else { "" };
    format!(
        "  {:<5}  {pointer}  {}: {warn}{}",
        c.bump.as_str(),
        c.kind,
        c.description
    )
}

/// Compares two normalised schemas.
pub fn diff_schemas(old: &Schema, new: &Schema) -> Vec<Change> {
    let mut d = Differ::default();
    d.schema(old, new, "");
    d.finish()
}

/// Compares the schemas at two locations of a registry. Also returns the
/// `$ref`s that did not resolve (the differ reports them as unanalysable).
pub fn diff_locs(reg: &mut Registry, old: &Loc, new: &Loc) -> (Vec<Change>, Vec<Diagnostic>) {
    let mut n = Normalizer::new(reg);
    let a = n.normalize(old);
    let b = n.normalize(new);
    let problems = std::mem::take(&mut n.problems);
    (diff_schemas(&a, &b), problems)
}

/// Reads two schema files (JSON or YAML; `$ref`s resolve relative to each
/// file, or as the `source.yaml` of the catalog source they sit in says)
/// and compares them. Fails when a file cannot be read, is not a
/// schema, or has a `$ref` that does not resolve.
pub fn diff_files(old: &Path, new: &Path) -> Result<Diff, Vec<Diagnostic>> {
    let mut reg = Registry::new();
    let mut errors = Vec::new();
    // Files of a catalog source are read as the source reads them (its
    // `default_draft`, `formats` and `base_uri`).
    let mut settings = Diagnostics::default();
    for file in [old, new] {
        if let Some((dir, s)) = crate::load::catalog::enclosing_source(file, &mut settings) {
            reg.configure_dir(&dir, s);
        }
    }
    if settings.has_errors() {
        return Err(settings.0);
    }
    let mut load = |path: &Path, errors: &mut Vec<Diagnostic>| match reg.load_file(path) {
        Ok(id) => {
            let v = &reg.doc(id).value;
            if v.is_object() || v.is_boolean() {
                Some(id)
            } else {
                errors.push(
                    Diagnostic::error(
                        "invalid-schema",
                        "a schema must be a JSON object (or a boolean)",
                    )
                    .in_file(path)
                    .at(""),
                );
                None
            }
        }
        Err(d) => {
            errors.push(d);
            None
        }
    };
    let o = load(old, &mut errors);
    let n = load(new, &mut errors);
    let (Some(o), Some(n)) = (o, n) else {
        return Err(errors);
    };
    let (changes, problems) = diff_locs(
        &mut reg,
        &Loc {
            doc: o,
            pointer: String::new(),
        },
        &Loc {
            doc: n,
            pointer: String::new(),
        },
    );
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Diff::new(
        old.display().to_string(),
        new.display().to_string(),
        changes,
    ))
}

fn escape(s: &str) -> String {
    eventsmith_core::validation::escape_pointer_segment(s)
}

/// A JSON value shortened for a description.
fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(57).collect();
        format!("{cut}...")
    } else {
        s
    }
}

fn show_list(vs: &[&Value]) -> String {
    vs.iter().map(|v| show(v)).collect::<Vec<_>>().join(", ")
}

fn quoted(names: &[&String]) -> String {
    let list: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    format!(
        "{} {}",
        list.join(", "),
        if names.len() == 1 { "is" } else { "are" }
    )
}

fn num(v: f64) -> String {
    Value::from(v).to_string().trim_end_matches(".0").to_owned()
}

#[derive(Debug, Default)]
struct Differ {
    changes: Vec<Change>,
}

impl Differ {
    fn push(
        &mut self,
        pointer: impl Into<String>,
        kind: impl Into<String>,
        bump: Bump,
        description: impl Into<String>,
    ) {
        self.changes.push(Change {
            pointer: pointer.into(),
            kind: kind.into(),
            description: description.into(),
            bump,
        });
    }

    fn max_bump(&self) -> Bump {
        self.changes
            .iter()
            .map(|c| c.bump)
            .max()
            .unwrap_or(Bump::None)
    }

    fn finish(self) -> Vec<Change> {
        let mut seen = HashSet::new();
        let mut changes: Vec<Change> = self
            .changes
            .into_iter()
            .filter(|c| seen.insert(c.clone()))
            .collect();
        changes.sort_by(|a, b| a.pointer.cmp(&b.pointer));
        changes
    }

    fn schema(&mut self, old: &Schema, new: &Schema, ptr: &str) {
        self.annotations(&old.annotations, &new.annotations, ptr);
        self.default_value(&old.default, &new.default, ptr);
        self.conjuncts(&old.conjuncts, &new.conjuncts, ptr);
        match (old.branches.is_empty(), new.branches.is_empty()) {
            (true, true) => {}
            (false, true) => self.push(
                ptr,
                "false-added",
                Bump::Major,
                "the schema now accepts no value at all (`false`)",
            ),
            (true, false) => self.push(
                ptr,
                "false-removed",
                Bump::Minor,
                "the schema accepted no value (`false`) and now accepts values",
            ),
            (false, false) => self.branches(old, new, ptr),
        }
        if old.exclusive != new.exclusive && old.branches.len() > 1 && new.branches.len() > 1 {
            if new.exclusive {
                self.push(
                    ptr,
                    "oneOf-exclusive",
                    Bump::Major,
                    "the alternatives became exclusive (`anyOf` → `oneOf`): a payload matching two of them is now rejected",
                );
            } else {
                self.push(
                    ptr,
                    "oneOf-inclusive",
                    Bump::Minor,
                    "the alternatives are no longer exclusive (`oneOf` → `anyOf`): a payload may match several",
                );
            }
        }
    }

    fn annotations(
        &mut self,
        old: &BTreeMap<String, Value>,
        new: &BTreeMap<String, Value>,
        ptr: &str,
    ) {
        let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        for key in keys {
            let (a, b) = (old.get(key), new.get(key));
            if a == b {
                continue;
            }
            let p = format!("{ptr}/{}", escape(key));
            // Short values are quoted; prose (descriptions, comments, examples) is not.
            let prose = matches!(key.as_str(), "description" | "$comment" | "examples");
            let short = !prose
                && a.is_none_or(|v| show(v).len() <= 40)
                && b.is_none_or(|v| show(v).len() <= 40);
            let description = match (key.as_str(), a, b) {
                ("deprecated", _, Some(Value::Bool(true))) => "now deprecated".to_owned(),
                ("deprecated", Some(Value::Bool(true)), _) => "no longer deprecated".to_owned(),
                (_, Some(x), Some(y)) if short => {
                    format!("{key} changed from {} to {}", show(x), show(y))
                }
                (_, None, Some(y)) if short => format!("{key} {} added", show(y)),
                (_, Some(x), None) if short => format!("{key} {} removed", show(x)),
                (_, Some(_), Some(_)) => format!("{key} changed"),
                (_, None, _) => format!("{key} added"),
                (_, _, None) => format!("{key} removed"),
            };
            self.push(p, "annotation-changed", Bump::Patch, description);
        }
    }

    fn default_value(&mut self, old: &Option<Value>, new: &Option<Value>, ptr: &str) {
        let description = match (old, new) {
            (Some(a), Some(b)) if a != b => {
                format!("default changed from {} to {}", show(a), show(b))
            }
            (None, Some(b)) => format!("default {} added", show(b)),
            (Some(a), None) => format!("default {} removed", show(a)),
            _ => return,
        };
        self.push(
            format!("{ptr}/default"),
            "default-changed",
            Bump::Patch,
            format!("{description}; consumers that fill in missing values from the default now get a different value"),
        );
    }

    fn branches(&mut self, old: &Schema, new: &Schema, ptr: &str) {
        let o: Vec<&Branch> = old.branches.iter().collect();
        let n: Vec<&Branch> = new.branches.iter().collect();
        if o.len() == 1 && n.len() == 1 {
            self.branch(o[0], n[0], ptr);
            return;
        }
        let kinds = |bs: &[&Branch]| {
            let mut names: Vec<&str> = Vec::new();
            for b in bs {
                if !names.contains(&b.kind.name()) {
                    names.push(b.kind.name());
                }
            }
            names.join(" or ")
        };
        if o.len() == 1 && o[0].kind == Kind::Any {
            self.push(
                ptr,
                "type-narrowed",
                Bump::Major,
                format!("type narrowed from any value to {}", kinds(&n)),
            );
            for nb in &n {
                self.branch_rules(o[0], nb, &format!("{ptr}{}", nb.origin));
            }
            return;
        }
        if n.len() == 1 && n[0].kind == Kind::Any {
            self.push(
                ptr,
                "type-widened",
                Bump::Minor,
                format!("type widened from {} to any value", kinds(&o)),
            );
            for ob in &o {
                self.branch_rules(ob, n[0], &format!("{ptr}{}", n[0].origin));
            }
            return;
        }
        let groups: BTreeSet<Kind> = o.iter().chain(n.iter()).map(|b| b.kind.group()).collect();
        for g in groups {
            let og: Vec<&Branch> = o.iter().copied().filter(|b| b.kind.group() == g).collect();
            let ng: Vec<&Branch> = n.iter().copied().filter(|b| b.kind.group() == g).collect();
            if og.is_empty() {
                for nb in ng {
                    self.push(
                        format!("{ptr}{}", nb.origin),
                        "type-widened",
                        Bump::Minor,
                        format!("now also accepts {}", nb.kind.name()),
                    );
                }
                continue;
            }
            if ng.is_empty() {
                for ob in og {
                    self.push(
                        format!("{ptr}{}", ob.origin),
                        "type-narrowed",
                        Bump::Major,
                        format!("no longer accepts {}", ob.kind.name()),
                    );
                }
                continue;
            }
            let (pairs, left_old, left_new) = pair_branches(&og, &ng);
            for (a, b) in pairs {
                self.branch(a, b, ptr);
            }
            for ob in left_old {
                self.push(
                    format!("{ptr}{}", ob.origin),
                    "branch-removed",
                    Bump::Major,
                    format!(
                        "the {} alternative{} was removed or changed so much that no new alternative matches it",
                        ob.kind.name(),
                        describe_discriminator(ob)
                    ),
                );
            }
            for nb in left_new {
                if has_own_discriminator(nb, &og) {
                    self.push(
                        format!("{ptr}{}", nb.origin),
                        "branch-added",
                        Bump::Minor,
                        format!(
                            "an alternative with its own discriminator value{} was added",
                            describe_discriminator(nb)
                        ),
                    );
                } else {
                    self.push(
                        format!("{ptr}{}", nb.origin),
                        "branch-unpairable",
                        Bump::Major,
                        format!(
                            "an alternative of type {} was added that the differ cannot pair with an old one or tell apart by a discriminator value of its own{}",
                            nb.kind.name(),
                            describe_discriminator(nb)
                        ),
                    );
                }
            }
        }
    }

    fn branch(&mut self, old: &Branch, new: &Branch, ptr0: &str) {
        let ptr = format!("{ptr0}{}", new.origin);
        self.annotations(&old.annotations, &new.annotations, &ptr);
        let both_enums =
            old.values.is_some() && new.values.is_some() && old.kind.group() == new.kind.group();
        if old.kind != new.kind && !both_enums {
            let (from, to) = (old.kind.name(), new.kind.name());
            match (old.kind, new.kind) {
                (Kind::Integer, Kind::Number) | (_, Kind::Any) => {
                    self.push(
                        &ptr,
                        "type-widened",
                        Bump::Minor,
                        format!("type widened from {from} to {to}"),
                    );
                }
                (Kind::Number, Kind::Integer) | (Kind::Any, _) => {
                    self.push(
                        &ptr,
                        "type-narrowed",
                        Bump::Major,
                        format!("type narrowed from {from} to {to}"),
                    );
                }
                _ => {
                    self.push(
                        &ptr,
                        "type-changed",
                        Bump::Major,
                        format!("type changed from {from} to {to}"),
                    );
                    return;
                }
            }
        }
        self.branch_rules(old, new, &ptr);
    }

    fn branch_rules(&mut self, old: &Branch, new: &Branch, ptr: &str) {
        self.values(&old.values, &new.values, ptr);
        let kind = if new.kind == Kind::Any {
            old.kind
        } else {
            new.kind
        };
        if matches!(kind, Kind::Any | Kind::Number | Kind::Integer) {
            self.lower(old.lower, new.lower, ptr);
            self.upper(old.upper, new.upper, ptr);
            self.multiple_of(old.multiple_of, new.multiple_of, ptr);
        }
        if matches!(kind, Kind::Any | Kind::String) {
            self.min_count("minLength", old.min_length, new.min_length, ptr);
            self.max_count("maxLength", old.max_length, new.max_length, ptr);
            self.assertion("pattern", &old.pattern, &new.pattern, ptr);
            self.assertion("format", &old.format, &new.format, ptr);
        }
        if matches!(kind, Kind::Any | Kind::Object) {
            self.object(&old.object, &new.object, ptr);
        }
        if matches!(kind, Kind::Any | Kind::Array) {
            self.array(&old.array, &new.array, ptr);
        }
    }

    fn values(&mut self, old: &Option<Vec<Value>>, new: &Option<Vec<Value>>, ptr: &str) {
        match (old, new) {
            (None, None) => {}
            (None, Some(b)) if b.len() == 1 => {
                self.push(
                    format!("{ptr}/const"),
                    "const-added",
                    Bump::Major,
                    format!("the value is now fixed to {}", show(&b[0])),
                );
            }
            (None, Some(b)) => self.push(
                format!("{ptr}/enum"),
                "enum-added",
                Bump::Major,
                format!(
                    "values are now restricted to {}",
                    show_list(&b.iter().collect::<Vec<_>>())
                ),
            ),
            (Some(a), None) => {
                let (p, kind, what) = if a.len() == 1 {
                    ("const", "const-removed", "the fixed value")
                } else {
                    ("enum", "enum-removed", "the list of allowed values")
                };
                self.push(
                    format!("{ptr}/{p}"),
                    kind,
                    Bump::Minor,
                    format!("{what} was removed: any value of the type is accepted"),
                );
            }
            (Some(a), Some(b)) => {
                if a.len() == 1 && b.len() == 1 {
                    if a[0] != b[0] {
                        self.push(
                            format!("{ptr}/const"),
                            "const-changed",
                            Bump::Major,
                            format!("const changed from {} to {}", show(&a[0]), show(&b[0])),
                        );
                    }
                    return;
                }
                let added: Vec<&Value> = b.iter().filter(|v| !a.contains(v)).collect();
                let removed: Vec<&Value> = a.iter().filter(|v| !b.contains(v)).collect();
                if !added.is_empty() {
                    self.push(
                        format!("{ptr}/enum"),
                        "enum-values-added",
                        Bump::Minor,
                        format!("values added: {}", show_list(&added)),
                    );
                }
                if !removed.is_empty() {
                    self.push(
                        format!("{ptr}/enum"),
                        "enum-values-removed",
                        Bump::Major,
                        format!("values removed: {}", show_list(&removed)),
                    );
                }
            }
        }
    }

    fn lower(&mut self, old: Option<Bound>, new: Option<Bound>, ptr: &str) {
        let kw = |b: Bound| {
            if b.exclusive {
                "exclusiveMinimum"
            } else {
                "minimum"
            }
        };
        match (old, new) {
            (None, None) => {}
            (None, Some(b)) => self.push(
                format!("{ptr}/{}", kw(b)),
                "minimum-added",
                Bump::Major,
                format!("{} {} added", kw(b), num(b.value)),
            ),
            (Some(a), None) => self.push(
                format!("{ptr}/{}", kw(a)),
                "minimum-removed",
                Bump::Minor,
                format!("{} {} removed", kw(a), num(a.value)),
            ),
            (Some(a), Some(b)) => {
                let description =
                    format!("{} {} → {} {}", kw(a), num(a.value), kw(b), num(b.value));
                if b.value < a.value || (b.value == a.value && a.exclusive && !b.exclusive) {
                    self.push(
                        format!("{ptr}/{}", kw(b)),
                        "minimum-lowered",
                        Bump::Minor,
                        format!("lower bound relaxed: {description}"),
                    );
                } else if b.value > a.value || (b.value == a.value && !a.exclusive && b.exclusive) {
                    self.push(
                        format!("{ptr}/{}", kw(b)),
                        "minimum-raised",
                        Bump::Major,
                        format!("lower bound tightened: {description}"),
                    );
                }
            }
        }
    }

    fn upper(&mut self, old: Option<Bound>, new: Option<Bound>, ptr: &str) {
        let kw = |b: Bound| {
            if b.exclusive {
                "exclusiveMaximum"
            } else {
                "maximum"
            }
        };
        match (old, new) {
            (None, None) => {}
            (None, Some(b)) => self.push(
                format!("{ptr}/{}", kw(b)),
                "maximum-added",
                Bump::Major,
                format!("{} {} added", kw(b), num(b.value)),
            ),
            (Some(a), None) => self.push(
                format!("{ptr}/{}", kw(a)),
                "maximum-removed",
                Bump::Minor,
                format!("{} {} removed", kw(a), num(a.value)),
            ),
            (Some(a), Some(b)) => {
                let description =
                    format!("{} {} → {} {}", kw(a), num(a.value), kw(b), num(b.value));
                if b.value > a.value || (b.value == a.value && a.exclusive && !b.exclusive) {
                    self.push(
                        format!("{ptr}/{}", kw(b)),
                        "maximum-raised",
                        Bump::Minor,
                        format!("upper bound relaxed: {description}"),
                    );
                } else if b.value < a.value || (b.value == a.value && !a.exclusive && b.exclusive) {
                    self.push(
                        format!("{ptr}/{}", kw(b)),
                        "maximum-lowered",
                        Bump::Major,
                        format!("upper bound tightened: {description}"),
                    );
                }
            }
        }
    }

    fn multiple_of(&mut self, old: Option<f64>, new: Option<f64>, ptr: &str) {
        let p = format!("{ptr}/multipleOf");
        match (old, new) {
            (None, None) => {}
            (None, Some(b)) => self.push(
                p,
                "multipleOf-added",
                Bump::Major,
                format!("values must now be multiples of {}", num(b)),
            ),
            (Some(a), None) => self.push(
                p,
                "multipleOf-removed",
                Bump::Minor,
                format!("multipleOf {} removed", num(a)),
            ),
            (Some(a), Some(b)) if a != b => {
                if (a / b).fract() == 0.0 {
                    self.push(
                        p,
                        "multipleOf-changed",
                        Bump::Minor,
                        format!(
                            "multipleOf {} → {}: every old value still fits",
                            num(a),
                            num(b)
                        ),
                    );
                } else {
                    self.push(
                        p,
                        "multipleOf-changed",
                        Bump::Major,
                        format!(
                            "multipleOf {} → {}: some old values no longer fit",
                            num(a),
                            num(b)
                        ),
                    );
                }
            }
            _ => {}
        }
    }

    /// A lower count bound (`minLength`, `minItems`, …; 0 when absent).
    fn min_count(&mut self, keyword: &str, old: u64, new: u64, ptr: &str) {
        let p = format!("{ptr}/{keyword}");
        if new < old {
            let (kind, what) = if new == 0 {
                ("removed", format!("{keyword} {old} removed"))
            } else {
                ("lowered", format!("{keyword} {old} → {new}"))
            };
            self.push(p, format!("{keyword}-{kind}"), Bump::Minor, what);
        } else if new > old {
            let (kind, what) = if old == 0 {
                ("added", format!("{keyword} {new} added"))
            } else {
                ("raised", format!("{keyword} {old} → {new}"))
            };
            self.push(p, format!("{keyword}-{kind}"), Bump::Major, what);
        }
    }

    /// An upper count bound (`maxLength`, `maxItems`, …).
    fn max_count(&mut self, keyword: &str, old: Option<u64>, new: Option<u64>, ptr: &str) {
        let p = format!("{ptr}/{keyword}");
        match (old, new) {
            (None, None) => {}
            (None, Some(b)) => self.push(
                p,
                format!("{keyword}-added"),
                Bump::Major,
                format!("{keyword} {b} added"),
            ),
            (Some(a), None) => self.push(
                p,
                format!("{keyword}-removed"),
                Bump::Minor,
                format!("{keyword} {a} removed"),
            ),
            (Some(a), Some(b)) if b > a => self.push(
                p,
                format!("{keyword}-raised"),
                Bump::Minor,
                format!("{keyword} {a} → {b}"),
            ),
            (Some(a), Some(b)) if b < a => self.push(
                p,
                format!("{keyword}-lowered"),
                Bump::Major,
                format!("{keyword} {a} → {b}"),
            ),
            _ => {}
        }
    }

    /// `pattern`/`format`: added or changed narrows, removed widens.
    fn assertion(&mut self, keyword: &str, old: &Option<String>, new: &Option<String>, ptr: &str) {
        let p = format!("{ptr}/{keyword}");
        match (old, new) {
            (None, Some(b)) => self.push(
                p,
                format!("{keyword}-added"),
                Bump::Major,
                format!("{keyword} {} added", show(&Value::from(b.as_str()))),
            ),
            (Some(a), None) => self.push(
                p,
                format!("{keyword}-removed"),
                Bump::Minor,
                format!("{keyword} {} removed", show(&Value::from(a.as_str()))),
            ),
            (Some(a), Some(b)) if a != b => self.push(
                p,
                format!("{keyword}-changed"),
                Bump::Major,
                format!(
                    "{keyword} changed from {} to {}",
                    show(&Value::from(a.as_str())),
                    show(&Value::from(b.as_str()))
                ),
            ),
            _ => {}
        }
    }

    fn optional_schema(&mut self, old: &Option<Box<Schema>>, new: &Option<Box<Schema>>, ptr: &str) {
        if old.is_none() && new.is_none() {
            return;
        }
        let any = Schema::any();
        let a = old.as_deref().unwrap_or(&any);
        let b = new.as_deref().unwrap_or(&any);
        self.schema(a, b, ptr);
    }

    fn object(&mut self, old: &ObjectRules, new: &ObjectRules, ptr: &str) {
        let names: BTreeSet<&String> = old
            .properties
            .keys()
            .chain(new.properties.keys())
            .chain(old.required.iter())
            .chain(new.required.iter())
            .collect();
        let any = Schema::any();
        for name in names {
            let p = format!("{ptr}/properties/{}", escape(name));
            let (op, np) = (old.properties.get(name), new.properties.get(name));
            let (or, nr) = (old.required.contains(name), new.required.contains(name));
            match (op.is_some() || or, np.is_some() || nr) {
                (false, true) => {
                    let how = if nr { "required" } else { "optional" };
                    self.push(
                        p,
                        "property-added",
                        Bump::Minor,
                        format!("property \"{name}\" added ({how})"),
                    );
                }
                (true, false) => {
                    let was = if or { " (it was required)" } else { "" };
                    self.push(
                        p,
                        "property-removed",
                        Bump::Major,
                        format!("property \"{name}\" removed{was}"),
                    );
                }
                (true, true) => {
                    match (op, np) {
                        (Some(a), Some(b)) => self.schema(a, b, &p),
                        (None, Some(b)) => {
                            self.schema(old.additional.as_deref().unwrap_or(&any), b, &p)
                        }
                        (Some(a), None) => {
                            self.schema(a, new.additional.as_deref().unwrap_or(&any), &p)
                        }
                        (None, None) => {}
                    }
                    if or && !nr {
                        self.push(
                            &p,
                            "required-removed",
                            Bump::Major,
                            format!("property \"{name}\" is no longer required"),
                        );
                    } else if !or && nr {
                        self.push(
                            &p,
                            "required-added",
                            Bump::Major,
                            format!("property \"{name}\" became required"),
                        );
                    }
                }
                (false, false) => {}
            }
        }
        let closed = |r: &ObjectRules| r.additional.as_deref().is_some_and(Schema::is_never);
        let open = |r: &ObjectRules| r.additional.as_deref().is_none_or(Schema::is_any);
        let p = format!("{ptr}/additionalProperties");
        match (closed(old), closed(new)) {
            (false, true) => self.push(
                p,
                "additionalProperties-closed",
                Bump::Major,
                "additionalProperties closed: members the schema does not name are now rejected",
            ),
            (true, false) => self.push(
                p,
                "additionalProperties-opened",
                Bump::Minor,
                "additionalProperties opened: members the schema does not name are now accepted",
            ),
            (true, true) => {}
            (false, false) => self.optional_schema(&old.additional, &new.additional, &p),
        }
        let patterns: BTreeSet<&String> = old
            .pattern_properties
            .keys()
            .chain(new.pattern_properties.keys())
            .collect();
        for pat in patterns {
            let p = format!("{ptr}/patternProperties/{}", escape(pat));
            match (old.pattern_properties.get(pat), new.pattern_properties.get(pat)) {
                (Some(a), Some(b)) => self.schema(a, b, &p),
                (None, Some(_)) if closed(old) => self.push(
                    p,
                    "patternProperties-added",
                    Bump::Minor,
                    format!("members matching /{pat}/ are now accepted (additionalProperties was closed)"),
                ),
                (None, Some(_)) => self.push(
                    p,
                    "patternProperties-added",
                    Bump::Major,
                    format!("members matching /{pat}/ are now constrained by their own schema"),
                ),
                (Some(_), None) if open(new) => self.push(
                    p,
                    "patternProperties-removed",
                    Bump::Minor,
                    format!("members matching /{pat}/ are no longer constrained"),
                ),
                (Some(_), None) => self.push(
                    p,
                    "patternProperties-removed",
                    Bump::Major,
                    format!("members matching /{pat}/ now fall under additionalProperties, which constrains them"),
                ),
                (None, None) => {}
            }
        }
        self.optional_schema(
            &old.property_names,
            &new.property_names,
            &format!("{ptr}/propertyNames"),
        );
        self.min_count("minProperties", old.min_properties, new.min_properties, ptr);
        self.max_count("maxProperties", old.max_properties, new.max_properties, ptr);
        let keys: BTreeSet<&String> = old
            .dependent_required
            .keys()
            .chain(new.dependent_required.keys())
            .collect();
        let empty = BTreeSet::new();
        for k in keys {
            let a = old.dependent_required.get(k).unwrap_or(&empty);
            let b = new.dependent_required.get(k).unwrap_or(&empty);
            let p = format!("{ptr}/dependentRequired/{}", escape(k));
            let added: Vec<&String> = b.difference(a).collect();
            let removed: Vec<&String> = a.difference(b).collect();
            if !added.is_empty() {
                self.push(
                    &p,
                    "dependentRequired-added",
                    Bump::Major,
                    format!(
                        "when \"{k}\" is present, {} now required too",
                        quoted(&added)
                    ),
                );
            }
            if !removed.is_empty() {
                self.push(
                    &p,
                    "dependentRequired-removed",
                    Bump::Minor,
                    format!(
                        "when \"{k}\" is present, {} no longer required",
                        quoted(&removed)
                    ),
                );
            }
        }
        let keys: BTreeSet<&String> = old
            .dependent_schemas
            .keys()
            .chain(new.dependent_schemas.keys())
            .collect();
        for k in keys {
            let p = format!("{ptr}/dependentSchemas/{}", escape(k));
            match (old.dependent_schemas.get(k), new.dependent_schemas.get(k)) {
                (Some(a), Some(b)) => self.schema(a, b, &p),
                (None, Some(_)) => self.push(
                    p,
                    "dependentSchemas-added",
                    Bump::Major,
                    format!("when \"{k}\" is present, the object must now match another schema"),
                ),
                (Some(_), None) => self.push(
                    p,
                    "dependentSchemas-removed",
                    Bump::Minor,
                    format!("the schema applied when \"{k}\" is present was removed"),
                ),
                (None, None) => {}
            }
        }
    }

    fn array(&mut self, old: &ArrayRules, new: &ArrayRules, ptr: &str) {
        let any = Schema::any();
        for i in 0..old.prefix.len().max(new.prefix.len()) {
            let a = old.prefix.get(i).or(old.items.as_deref()).unwrap_or(&any);
            let b = new.prefix.get(i).or(new.items.as_deref()).unwrap_or(&any);
            self.schema(a, b, &format!("{ptr}/prefixItems/{i}"));
        }
        self.optional_schema(&old.items, &new.items, &format!("{ptr}/items"));
        let p = format!("{ptr}/contains");
        match (&old.contains, &new.contains) {
            (None, Some(_)) => self.push(
                p,
                "contains-added",
                Bump::Major,
                "the array must now contain a matching item (`contains` added)",
            ),
            (Some(_), None) => self.push(p, "contains-removed", Bump::Minor, "`contains` removed"),
            (Some(a), Some(b)) => {
                self.schema(a, b, &p);
                self.min_count(
                    "minContains",
                    old.min_contains.unwrap_or(1),
                    new.min_contains.unwrap_or(1),
                    ptr,
                );
                self.max_count("maxContains", old.max_contains, new.max_contains, ptr);
            }
            (None, None) => {}
        }
        self.min_count("minItems", old.min_items, new.min_items, ptr);
        self.max_count("maxItems", old.max_items, new.max_items, ptr);
        let p = format!("{ptr}/uniqueItems");
        match (old.unique, new.unique) {
            (false, true) => self.push(
                p,
                "uniqueItems-added",
                Bump::Major,
                "items must now be unique",
            ),
            (true, false) => self.push(
                p,
                "uniqueItems-removed",
                Bump::Minor,
                "items no longer need to be unique",
            ),
            _ => {}
        }
    }

    /// The changes between `a` and `b` when they are only patch-level.
    fn patch_only(a: &Schema, b: &Schema, ptr: &str) -> Option<Vec<Change>> {
        let mut d = Differ::default();
        d.schema(a, b, ptr);
        (d.max_bump() <= Bump::Patch).then_some(d.changes)
    }

    fn conjuncts(&mut self, old: &[Conjunct], new: &[Conjunct], ptr: &str) {
        if old.is_empty() && new.is_empty() {
            return;
        }
        // allOf members that could not be merged.
        let all_of = |cs: &[Conjunct]| -> Vec<(String, Schema)> {
            cs.iter()
                .filter_map(|c| match c {
                    Conjunct::AllOf { at, schema } => Some((at.clone(), schema.clone())),
                    _ => None,
                })
                .collect()
        };
        let (oa, na) = (all_of(old), all_of(new));
        let (pairs, left_old, left_new) = pair_by(
            &oa,
            &na,
            |a, b| a.1 == b.1,
            |a, b| Self::patch_only(&a.1, &b.1, "").is_some(),
        );
        for (a, b) in pairs {
            self.schema(&a.1, &b.1, &format!("{ptr}{}", b.0));
        }
        if left_old.len() == left_new.len() {
            for (a, b) in left_old.iter().zip(&left_new) {
                self.schema(&a.1, &b.1, &format!("{ptr}{}", b.0));
            }
        } else {
            for a in left_old {
                self.push(
                    format!("{ptr}{}", a.0),
                    "allOf-member-removed",
                    Bump::Minor,
                    "an allOf member was removed: the schema can only accept more",
                );
            }
            for b in left_new {
                self.push(
                    format!("{ptr}{}", b.0),
                    "allOf-member-added",
                    Bump::Major,
                    "an allOf member was added that cannot be merged into its parent: it narrows the schema in ways the differ does not analyse",
                );
            }
        }

        // not
        let nots = |cs: &[Conjunct]| -> Vec<Schema> {
            cs.iter()
                .filter_map(|c| {
                    if let Conjunct::Not(s) = c {
                        Some(s.clone())
                    } else {
                        None
                    }
                })
                .collect()
        };
        let (on, nn) = (nots(old), nots(new));
        self.opaque_pairs(&on, &nn, &format!("{ptr}/not"), "not", |a, b, p| {
            Self::patch_only(a, b, p)
        });

        // if/then/else
        type IfParts = (Schema, Option<Schema>, Option<Schema>);
        let ifs = |cs: &[Conjunct]| -> Vec<IfParts> {
            cs.iter()
                .filter_map(|c| match c {
                    Conjunct::If {
                        condition,
                        then,
                        otherwise,
                    } => Some((
                        (**condition).clone(),
                        then.as_deref().cloned(),
                        otherwise.as_deref().cloned(),
                    )),
                    _ => None,
                })
                .collect()
        };
        let (oi, ni) = (ifs(old), ifs(new));
        self.opaque_pairs(
            &oi,
            &ni,
            &format!("{ptr}/if"),
            "if",
            |a: &IfParts, b: &IfParts, p| {
                let mut changes = Self::patch_only(&a.0, &b.0, p)?;
                for (x, y, kw) in [(&a.1, &b.1, "then"), (&a.2, &b.2, "else")] {
                    match (x, y) {
                        (Some(x), Some(y)) => changes.extend(Self::patch_only(
                            x,
                            y,
                            &p.replace("/if", &format!("/{kw}")),
                        )?),
                        (None, None) => {}
                        _ => return None,
                    }
                }
                Some(changes)
            },
        );

        // Opaque parts: equal or major.
        let opaque = |cs: &[Conjunct]| -> Vec<(String, String, Value)> {
            cs.iter()
                .filter_map(|c| match c {
                    Conjunct::Opaque { at, what, value } => {
                        Some((at.clone(), what.clone(), value.clone()))
                    }
                    _ => None,
                })
                .collect()
        };
        let (oo, no) = (opaque(old), opaque(new));
        let (_, left_old, left_new) = pair_by(&oo, &no, |a, b| a == b, |_, _| false);
        for (at, what, _) in left_old {
            self.push(
                format!("{ptr}{at}"),
                "unanalysable",
                Bump::Major,
                format!("{what} changed or was removed; the differ cannot analyse it, so it assumes a breaking change"),
            );
        }
        for (at, what, _) in left_new {
            self.push(
                format!("{ptr}{at}"),
                "unanalysable",
                Bump::Major,
                format!("{what} was added or changed; the differ cannot analyse it, so it assumes a breaking change"),
            );
        }
    }

    /// `not` and `if`: equal (or annotation-only changes) pass; removal
    /// widens; anything else is major because the differ does not analyse it.
    fn opaque_pairs<T: PartialEq>(
        &mut self,
        old: &[T],
        new: &[T],
        ptr: &str,
        keyword: &str,
        patch_only: impl Fn(&T, &T, &str) -> Option<Vec<Change>>,
    ) {
        let (pairs, left_old, left_new) = pair_by(
            old,
            new,
            |a, b| a == b,
            |a, b| patch_only(a, b, ptr).is_some(),
        );
        for (a, b) in pairs {
            if let Some(changes) = patch_only(a, b, ptr) {
                self.changes.extend(changes);
            }
        }
        let common = left_old.len().min(left_new.len());
        for _ in 0..common {
            self.push(
                ptr,
                format!("{keyword}-changed"),
                Bump::Major,
                format!("`{keyword}` changed; the differ cannot analyse `{keyword}`, so it assumes a breaking change"),
            );
        }
        for _ in common..left_old.len() {
            self.push(
                ptr,
                format!("{keyword}-removed"),
                Bump::Minor,
                format!("`{keyword}` removed: the schema can only accept more"),
            );
        }
        for _ in common..left_new.len() {
            self.push(
                ptr,
                format!("{keyword}-added"),
                Bump::Major,
                format!("`{keyword}` added; the differ cannot analyse `{keyword}`, so it assumes a breaking change"),
            );
        }
    }
}

/// Pairs items equal under `exact`, then under `close`; returns the pairs
/// and the leftovers of each side.
fn pair_by<'a, T>(
    old: &'a [T],
    new: &'a [T],
    exact: impl Fn(&T, &T) -> bool,
    close: impl Fn(&T, &T) -> bool,
) -> (Vec<(&'a T, &'a T)>, Vec<&'a T>, Vec<&'a T>) {
    let mut used_old = vec![false; old.len()];
    let mut used_new = vec![false; new.len()];
    let mut pairs = Vec::new();
    for pass in 0..2 {
        for (j, b) in new.iter().enumerate() {
            if used_new[j] {
                continue;
            }
            let found = old
                .iter()
                .enumerate()
                .find(|(i, a)| !used_old[*i] && if pass == 0 { exact(a, b) } else { close(a, b) });
            if let Some((i, a)) = found {
                used_old[i] = true;
                used_new[j] = true;
                pairs.push((a, b));
            }
        }
    }
    let left_old = old
        .iter()
        .enumerate()
        .filter(|(i, _)| !used_old[*i])
        .map(|(_, a)| a)
        .collect();
    let left_new = new
        .iter()
        .enumerate()
        .filter(|(j, _)| !used_new[*j])
        .map(|(_, b)| b)
        .collect();
    (pairs, left_old, left_new)
}

/// The values a branch pins: `(property, value)` for each property fixed
/// to one value (a discriminator), or `("", value)` for each enum value.
fn discriminators(b: &Branch) -> Vec<(String, Value)> {
    if let Some(values) = &b.values {
        return values.iter().map(|v| (String::new(), v.clone())).collect();
    }
    let mut out = Vec::new();
    if matches!(b.kind, Kind::Object | Kind::Any) {
        for (name, s) in &b.object.properties {
            if let [only] = s.branches.as_slice()
                && let Some(values) = &only.values
                && values.len() == 1
            {
                out.push((name.clone(), values[0].clone()));
            }
        }
    }
    out
}

fn describe_discriminator(b: &Branch) -> String {
    let d = discriminators(b);
    if d.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = d
        .iter()
        .map(|(k, v)| {
            if k.is_empty() {
                show(v)
            } else {
                format!("{k} = {}", show(v))
            }
        })
        .collect();
    format!(" ({})", parts.join(", "))
}

/// True when `nb` fixes a member to a value no old branch accepts because
/// every old branch fixes that member to another value.
fn has_own_discriminator(nb: &Branch, old: &[&Branch]) -> bool {
    let discs: Vec<Vec<(String, Value)>> = old.iter().map(|b| discriminators(b)).collect();
    discriminators(nb).iter().any(|(key, value)| {
        discs.iter().all(|d| {
            d.iter().any(|(k, _)| k == key) && !d.iter().any(|(k, v)| k == key && v == value)
        })
    })
}

/// Pairs the branches of one type group: identical ones, then ones that
/// differ only in annotations, then ones sharing a discriminator value, then
/// the last one left on each side.
fn pair_branches<'a>(
    old: &[&'a Branch],
    new: &[&'a Branch],
) -> (
    Vec<(&'a Branch, &'a Branch)>,
    Vec<&'a Branch>,
    Vec<&'a Branch>,
) {
    if old.len() == 1 && new.len() == 1 {
        return (vec![(old[0], new[0])], vec![], vec![]);
    }
    let semantic = |a: &Branch, b: &Branch| {
        let mut d = Differ::default();
        d.branch(a, b, "");
        d.max_bump() <= Bump::Patch
    };
    let shares = |a: &Branch, b: &Branch| {
        let da = discriminators(a);
        !da.is_empty() && discriminators(b).iter().any(|x| da.contains(x))
    };
    let mut used_old = vec![false; old.len()];
    let mut used_new = vec![false; new.len()];
    let mut pairs = Vec::new();
    for pass in 0..3 {
        for (j, b) in new.iter().enumerate() {
            if used_new[j] {
                continue;
            }
            let matches: Vec<usize> = (0..old.len())
                .filter(|&i| {
                    !used_old[i]
                        && match pass {
                            0 => old[i].without_origin() == b.without_origin(),
                            1 => semantic(old[i], b),
                            _ => shares(old[i], b),
                        }
                })
                .collect();
            if let Some(&i) = matches.first()
                && (pass < 2 || matches.len() == 1)
            {
                used_old[i] = true;
                used_new[j] = true;
                pairs.push((old[i], *b));
            }
        }
    }
    let left_old: Vec<&Branch> = old
        .iter()
        .enumerate()
        .filter(|(i, _)| !used_old[*i])
        .map(|(_, b)| *b)
        .collect();
    let left_new: Vec<&Branch> = new
        .iter()
        .enumerate()
        .filter(|(j, _)| !used_new[*j])
        .map(|(_, b)| *b)
        .collect();
    if left_old.len() == 1 && left_new.len() == 1 && !has_own_discriminator(left_new[0], old) {
        pairs.push((left_old[0], left_new[0]));
        return (pairs, vec![], vec![]);
    }
    (pairs, left_old, left_new)
}
