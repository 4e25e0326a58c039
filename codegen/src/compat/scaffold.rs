//! `eventsmith new`: the files of the next version of an event type (or of
//! the first version of a new one), returned as data; the CLI writes them.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::differ::Bump;
use super::normalize::{Kind, Normalizer, Schema};
use crate::ident;
use crate::load::catalog::{
    Catalog, EventType, Example, Expectation, SchemaFrom, Source, Version, Versioning,
};
use crate::load::document;
use crate::load::registry::{Loc, Registry};

/// The files of a new version and what to do next.
#[derive(Debug, Clone)]
pub struct Scaffold {
    /// The new version.
    pub version: Version,
    /// The version the schema was copied from (`None` for a new event type).
    pub from: Option<Version>,
    /// The new event type's directory, when it is new.
    pub new_event_dir: Option<PathBuf>,
    /// The schema file to write.
    pub schema_path: PathBuf,
    /// Its content.
    pub schema_text: String,
    /// The stub example to write.
    pub example_path: PathBuf,
    /// Its content.
    pub example_text: String,
    /// The example it was copied from, if any.
    pub example_from: Option<PathBuf>,
    /// What to edit next, in order.
    pub next_steps: Vec<String>,
}

/// The version after `v` under `bump` (semver), or `today` (calendar).
pub fn next_version(v: Version, bump: Bump, today: Version) -> Result<Version, String> {
    match v {
        Version::Semver(a, b, c) => Ok(match bump {
            Bump::Major => Version::Semver(a + 1, 0, 0),
            Bump::Minor => Version::Semver(a, b + 1, 0),
            Bump::Patch => Version::Semver(a, b, c + 1),
            Bump::None => return Err("the bump must be major, minor or patch".to_owned()),
        }),
        Version::Integer(n) => Ok(Version::Integer(n + 1)),
        Version::Name(_) => Err(
            "this source has no versions: a type's schemas are named, not numbered; add the schema file yourself".to_owned(),
        ),
        Version::Date(..) => {
            if today <= v {
                Err(format!(
                    "the newest version is dated {v}, and a calendar version is today's date ({today}): there is nothing newer to create today"
                ))
            } else {
                Ok(today)
            }
        }
    }
}

/// Plans the next version of `source_name/event_dir` in `catalog`.
/// `today` names a calendar source's new version.
pub fn plan(
    catalog: &mut Catalog,
    source_name: &str,
    event_dir: &str,
    bump: Bump,
    today: Version,
) -> Result<Scaffold, String> {
    let Catalog {
        sources, registry, ..
    } = catalog;
    let Some(source) = sources.iter().find(|s| s.name == source_name) else {
        let known: Vec<&str> = sources.iter().map(|s| s.name.as_str()).collect();
        return Err(format!(
            "the catalog has no source \"{source_name}\" (sources: {})",
            known.join(", ")
        ));
    };
    if ident::module_name(event_dir).is_none() || event_dir.contains(['/', '\\']) {
        return Err(format!(
            "\"{event_dir}\" cannot be an event type directory: use ASCII letters, digits, `.`, `-` and `_`, starting with a letter"
        ));
    }
    let scaffold = match source.events.iter().find(|e| e.dir == event_dir) {
        Some(event) => next_of_existing(source, event, registry, bump, today)?,
        None => first_of_new(source, event_dir, registry, today)?,
    };
    let stem = scaffold.version.to_string();
    let dir = scaffold
        .schema_path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    for ext in ["json", "yaml", "yml"] {
        let p = dir.join(format!("{stem}.{ext}"));
        if p.exists() {
            return Err(format!(
                "{} already exists; eventsmith new does not overwrite files",
                p.display()
            ));
        }
    }
    if scaffold.example_path.exists() {
        return Err(format!(
            "{} already exists; eventsmith new does not overwrite files",
            shown(&scaffold.example_path)
        ));
    }
    Ok(scaffold)
}

fn next_of_existing(
    source: &Source,
    event: &EventType,
    reg: &mut Registry,
    bump: Bump,
    today: Version,
) -> Result<Scaffold, String> {
    let Some(newest) = event.versions.last() else {
        return Err(format!("{} has no version to start from", event.dir));
    };
    let version = next_version(newest.version.clone(), bump, today)?;
    let old = newest.version.to_string();
    let new = version.to_string();
    let ext = newest
        .file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("json");
    let dir = newest
        .file
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let schema_path = dir.join(format!("{new}.{ext}"));
    let mut schema_text = std::fs::read_to_string(&newest.file)
        .map_err(|e| format!("cannot read {}: {e}", newest.file.display()))?;
    // Carry the version in the title forward.
    let title = document::read(&newest.file).ok().and_then(|d| {
        d.value
            .get("title")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    if let Some(title) = title
        && title.contains(&old)
    {
        let new_title = title.replace(&old, &new);
        let (from, to) = if ext == "json" {
            (
                Value::from(title.as_str()).to_string(),
                Value::from(new_title.as_str()).to_string(),
            )
        } else {
            (title.clone(), new_title)
        };
        schema_text = schema_text.replacen(&from, &to, 1);
    }

    // The newest valid example, preferring `<version>.*` over named ones.
    let example: Option<&Example> = event.versions.iter().rev().find_map(|v| {
        let valid: Vec<&Example> = v
            .examples
            .iter()
            .filter(|e| e.expect == Expectation::Valid)
            .collect();
        let plain = valid.iter().find(|e| {
            e.path
                .file_stem()
                .is_some_and(|s| s.to_string_lossy() == v.version.to_string())
        });
        plain.or(valid.first()).copied()
    });
    let (value, example_from) = match example {
        Some(e) => (e.value.clone(), Some(e.path.clone())),
        None => {
            let schema = Normalizer::new(reg).normalize(&newest.root());
            (sample(&schema, 0), None)
        }
    };
    let value = stamp(value, source, &event.type_value, &new);
    let example_path = dir.join("examples").join(format!("{new}.json"));
    let what = match bump {
        Bump::Major => "the breaking change",
        Bump::Minor => "the addition (new keys, new values, wider ranges)",
        _ => "the fix (descriptions, examples; nothing that changes which payloads are valid)",
    };
    let calendar = source.versioning == Versioning::Calendar;
    let mut next_steps = vec![
        format!(
            "edit {}: make {}; update \"title\" and say in \"description\" what changed since {old}",
            shown(&schema_path),
            if calendar { "the change" } else { what }
        ),
        format!(
            "edit {} so it shows the change; add payloads that must fail under examples/invalid/ with examples/invalid/expected.yaml",
            shown(&example_path)
        ),
    ];
    next_steps.push(if calendar {
        "run `eventsmith check`: it validates the examples and reports the differences to the previous date".to_owned()
    } else {
        format!("run `eventsmith check`: it validates the examples and verifies the changes fit a {bump} release")
    });
    Ok(Scaffold {
        version,
        from: Some(newest.version.clone()),
        new_event_dir: None,
        schema_path,
        schema_text,
        example_path,
        example_text: pretty(&value),
        example_from,
        next_steps,
    })
}

fn first_of_new(
    source: &Source,
    event_dir: &str,
    reg: &mut Registry,
    today: Version,
) -> Result<Scaffold, String> {
    let version = match source.versioning {
        Versioning::Semver => Version::Semver(1, 0, 0),
        Versioning::Calendar => today,
        Versioning::Integer => Version::Integer(1),
        Versioning::None => match &source.schema_from {
            Some(SchemaFrom {
                default: Some(name),
                ..
            }) => Version::Name(name.clone()),
            _ => Version::Name("schema".to_owned()),
        },
    };
    let v = version.to_string();
    let dir = source.dir.join(event_dir);
    let type_value = format!("{}{event_dir}", source.type_prefix);
    let module = ident::module_name(event_dir).unwrap_or_else(|| event_dir.to_owned());
    let skeleton = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("{} {v}", ident::type_name(&module)),
        "description": format!("TODO: when is `{type_value}` sent, and what does it carry?"),
        "type": "object",
        "properties": {},
        "required": []
    });
    // The stub example: what the envelope requires, if the source has one.
    let mut value = match &source.envelope {
        Some(path) => match reg.load_file(path) {
            Ok(doc) => sample(
                &Normalizer::new(reg).normalize(&Loc {
                    doc,
                    pointer: String::new(),
                }),
                0,
            ),
            Err(_) => Value::Object(Map::new()),
        },
        None => Value::Object(Map::new()),
    };
    if !value.is_object() {
        value = Value::Object(Map::new());
    }
    let value = stamp(value, source, &type_value, &v);
    let schema_path = dir.join(format!("{v}.json"));
    let example_path = dir.join("examples").join(format!("{v}.json"));
    let mut next_steps = vec![
        format!(
            "edit {}: write the title, the description, the properties and which are required{}",
            shown(&schema_path),
            if source.envelope.is_some() {
                " (the envelope's properties are merged in)"
            } else {
                ""
            }
        ),
        format!(
            "edit {}: a real payload of the new type; add payloads that must fail under examples/invalid/ with examples/invalid/expected.yaml",
            shown(&example_path)
        ),
        "run `eventsmith check` (a new event type is an addition: fine in a minor release)"
            .to_owned(),
    ];
    let newest_major = source
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
    if let Some(m) = newest_major.filter(|m| *m > 1) {
        next_steps.insert(
            2,
            format!(
                "the source's other event types reach {m}.x, and a payload is read with a schema of its own major: if the type is new in a {m}.x release, rename both files to that version"
            ),
        );
    }
    Ok(Scaffold {
        version,
        from: None,
        new_event_dir: Some(dir),
        schema_path,
        schema_text: pretty(&skeleton),
        example_path,
        example_text: pretty(&value),
        example_from: None,
        next_steps,
    })
}

/// `path` relative to the working directory when it lies below it.
pub fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|d| std::fs::canonicalize(d).ok());
    let rel = cwd
        .as_deref()
        .and_then(|d| path.strip_prefix(d).ok())
        .unwrap_or(path);
    rel.display().to_string()
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|_| "{}".to_owned());
    s.push('\n');
    s
}

/// Sets the type and version members of an example object.
fn stamp(mut value: Value, source: &Source, type_value: &str, version: &str) -> Value {
    if let Value::Object(obj) = &mut value {
        obj.insert(source.type_field.clone(), Value::from(type_value));
        obj.insert(source.version_field.clone(), Value::from(version));
    }
    value
}

/// A small value the schema accepts where that is easy to find: the first
/// `examples` entry, the `default`, the first enum value, or a value built
/// from the type (required members only, bounds and formats honoured).
/// `pattern`s are not honoured; the CLI validates the result and says so.
pub fn sample(schema: &Schema, depth: usize) -> Value {
    if let Some(Value::Array(examples)) = schema.annotations.get("examples")
        && let Some(first) = examples.first()
    {
        return first.clone();
    }
    if let Some(d) = &schema.default {
        return d.clone();
    }
    let Some(b) = schema
        .branches
        .iter()
        .find(|b| b.kind != Kind::Null)
        .or(schema.branches.first())
    else {
        return Value::Null;
    };
    if let Some(v) = b.values.as_ref().and_then(|vs| vs.first()) {
        return v.clone();
    }
    if depth > 32 {
        return Value::Null;
    }
    let kind = match b.kind {
        Kind::Any if !b.object.properties.is_empty() || !b.object.required.is_empty() => {
            Kind::Object
        }
        k => k,
    };
    match kind {
        Kind::Any | Kind::Null => Value::Null,
        Kind::Boolean => Value::Bool(false),
        Kind::Integer | Kind::Number => {
            let mut n = b.lower.map_or(0.0, |l| {
                if l.exclusive {
                    l.value.floor() + 1.0
                } else {
                    l.value.ceil()
                }
            });
            if let Some(u) = b.upper
                && (n > u.value || (u.exclusive && n >= u.value))
            {
                n = u.value;
            }
            if let Some(m) = b.multiple_of
                && m > 0.0
            {
                n = (n / m).ceil() * m;
            }
            if n.fract() == 0.0 && n.abs() < 9.0e15 {
                json!(n as i64)
            } else {
                json!(n)
            }
        }
        Kind::String => {
            let base = match b.format.as_deref() {
                Some("uuid") => "00000000-0000-4000-8000-000000000000",
                Some("date-time" | "lenient-date-time") => "2024-01-01T00:00:00Z",
                Some("date") => "2024-01-01",
                Some("time") => "00:00:00Z",
                Some("duration") => "P1D",
                Some("decimal") => "0",
                Some("money") => "0.00 EUR",
                Some("email" | "idn-email") => "user@example.com",
                Some("uri" | "iri" | "uri-reference" | "iri-reference") => "https://example.com/",
                Some("hostname" | "idn-hostname") => "example.com",
                Some("ipv4") => "192.0.2.1",
                Some("ipv6") => "2001:db8::1",
                _ => "",
            };
            let mut s = base.to_owned();
            while (s.chars().count() as u64) < b.min_length {
                s.push('x');
            }
            Value::String(s)
        }
        Kind::Object => {
            let mut obj = Map::new();
            for name in &b.object.required {
                let v = match b.object.properties.get(name) {
                    Some(p) => sample(p, depth + 1),
                    None => Value::Null,
                };
                obj.insert(name.clone(), v);
            }
            Value::Object(obj)
        }
        Kind::Array => {
            let mut items = Vec::new();
            for p in &b.array.prefix {
                items.push(sample(p, depth + 1));
            }
            let any = Schema::any();
            let item = b.array.items.as_deref().unwrap_or(&any);
            while (items.len() as u64) < b.array.min_items {
                items.push(sample(item, depth + 1));
            }
            Value::Array(items)
        }
    }
}

/// Today's date (UTC) as a calendar version.
pub fn today() -> Version {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    Version::Date(y as u16, m as u8, d as u8)
}

/// Days since 1970-01-01 → (year, month, day) (Howard Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}
