//! Reading the vendored JSON-Schema-Test-Suite (`suite/`): every file of a
//! draft's directory (`tests/draft2020-12/`, `tests/draft7/`, …), its groups
//! and their cases, in a stable order. Shared by `build.rs` (which compiles
//! the 2020-12 groups) and the tests (which run the cases), so both agree on
//! names and order.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// Which part of the suite a file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    /// `tests/<draft>/*.json`: what every implementation must pass.
    Required,
    /// `tests/<draft>/optional/*.json`.
    Optional,
    /// `tests/<draft>/optional/format/*.json`: `format` as an assertion.
    Format,
}

impl Part {
    /// Prefix of the Rust module names of this part's groups.
    pub fn prefix(self) -> &'static str {
        match self {
            Part::Required => "required",
            Part::Optional => "optional",
            Part::Format => "format",
        }
    }
}

/// One test case: an instance and its expected verdict.
#[derive(Debug, Clone)]
pub struct Case {
    /// What it tests.
    pub description: String,
    /// The instance.
    pub data: Value,
    /// The expected verdict.
    pub valid: bool,
}

/// One test group: a schema and the cases run against it.
#[derive(Debug, Clone)]
pub struct Group {
    /// What it tests.
    pub description: String,
    /// The schema.
    pub schema: Value,
    /// Its cases.
    pub cases: Vec<Case>,
    /// The Rust module its validators are generated into.
    pub module: String,
}

/// One suite file.
#[derive(Debug, Clone)]
pub struct File {
    /// Path relative to the draft's directory (`ref.json`, `optional/format/date.json`).
    pub name: String,
    /// Required, optional or format.
    pub part: Part,
    /// Its groups, in file order.
    pub groups: Vec<Group>,
}

impl File {
    /// The file name without directory and extension (`date` for
    /// `optional/format/date.json`).
    pub fn stem(&self) -> &str {
        let base = self.name.rsplit('/').next().unwrap_or(&self.name);
        base.strip_suffix(".json").unwrap_or(base)
    }
}

/// The suite's root directory (`suite/` in this crate).
pub fn suite_dir(manifest_dir: &Path) -> PathBuf {
    manifest_dir.join("suite")
}

/// The suite's draft directories, oldest first.
pub const DRAFTS: [&str; 5] = ["draft4", "draft6", "draft7", "draft2019-09", "draft2020-12"];

/// Reads every file of the 2020-12 suite under `suite`, sorted by part then name.
pub fn read(suite: &Path) -> Result<Vec<File>, String> {
    read_draft(suite, "draft2020-12")
}

/// Reads every file of the suite's `tests/<draft>/` directory, sorted by
/// part then name.
pub fn read_draft(suite: &Path, draft: &str) -> Result<Vec<File>, String> {
    let root = suite.join("tests").join(draft);
    let mut files = Vec::new();
    for (part, dir, rel) in [
        (Part::Required, root.clone(), ""),
        (Part::Optional, root.join("optional"), "optional/"),
        (
            Part::Format,
            root.join("optional").join("format"),
            "optional/format/",
        ),
    ] {
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".json"))
            .collect();
        names.sort();
        for name in names {
            let path = dir.join(&name);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let value: Value =
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            let stem = name.trim_end_matches(".json");
            let groups =
                groups(&value, part, stem).map_err(|e| format!("{}: {e}", path.display()))?;
            files.push(File {
                name: format!("{rel}{name}"),
                part,
                groups,
            });
        }
    }
    Ok(files)
}

fn groups(value: &Value, part: Part, stem: &str) -> Result<Vec<Group>, String> {
    let Value::Array(items) = value else {
        return Err("a suite file must hold an array of groups".to_owned());
    };
    let mut out = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_owned();
        let schema = item
            .get("schema")
            .cloned()
            .ok_or_else(|| format!("group {index} has no schema"))?;
        let mut cases = Vec::new();
        for (ci, case) in item
            .get("tests")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let valid = case
                .get("valid")
                .and_then(Value::as_bool)
                .ok_or_else(|| format!("group {index} case {ci}: no `valid`"))?;
            let data = case
                .get("data")
                .cloned()
                .ok_or_else(|| format!("group {index} case {ci}: no `data`"))?;
            cases.push(Case {
                description: text(case.get("description")),
                data,
                valid,
            });
        }
        out.push(Group {
            description: text(item.get("description")),
            schema,
            cases,
            module: module_name(part, stem, index),
        });
    }
    Ok(out)
}

/// `required_ref_3`, `format_date_time_0`: a Rust identifier per group.
pub fn module_name(part: Part, stem: &str, index: usize) -> String {
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("{}_{clean}_{index}", part.prefix())
}
