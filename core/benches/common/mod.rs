//! What both benchmarks read: the catalog's JSON examples, and programs
//! lowered from the catalog's schemas by a small lowering of the keywords
//! they use (the generator cannot be used here: it does not build against
//! this crate's engine yet). An event's program is `allOf: [envelope,
//! version schema]`, close to what the generator's envelope merge checks.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use eventsmith_core::formats::Format;
use eventsmith_core::validation::program::{
    Body, Check, CheckKind, Node, NodeId, Program, TypeSet,
};
use eventsmith_core::validation::{Num, Validator};
use serde_json::Value;

/// The catalog's directory.
pub fn schemas() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas")
}

/// One JSON example: its event's schema file and its text.
#[derive(Debug)]
pub struct Example {
    pub source: String,
    pub schema: PathBuf,
    pub valid: bool,
    pub text: Vec<u8>,
}

/// Every JSON example of the catalog (valid ones and `invalid/` ones),
/// sorted by path, with the version schema it is checked against.
pub fn examples() -> Vec<Example> {
    let mut out = Vec::new();
    let mut dirs = vec![schemas()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "json")
                && path.components().any(|c| c.as_os_str() == "examples")
                && let Some(example) = example(&path)
            {
                out.push(example);
            }
        }
    }
    out.sort_by(|a, b| a.schema.cmp(&b.schema).then(a.text.cmp(&b.text)));
    out
}

fn example(path: &Path) -> Option<Example> {
    let valid = path.parent()?.file_name()? != "invalid";
    let type_dir = if valid {
        path.parent()?.parent()?
    } else {
        path.parent()?.parent()?.parent()?
    };
    let source = type_dir.parent()?.file_name()?.to_str()?.to_owned();
    let stem = path.file_stem()?.to_str()?;
    // The longest version file name the example's name starts with.
    let mut versions: Vec<String> = std::fs::read_dir(type_dir)
        .ok()?
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "json").then(|| p.file_stem()?.to_str().map(str::to_owned))?
        })
        .filter(|v| stem.starts_with(v.as_str()))
        .collect();
    versions.sort_by_key(|v| std::cmp::Reverse(v.len()));
    let version = versions.first()?;
    Some(Example {
        source,
        schema: type_dir.join(format!("{version}.json")),
        valid,
        text: std::fs::read(path).ok()?,
    })
}

/// Lowers schema files into one program.
#[derive(Default)]
pub struct Lower {
    nodes: Vec<Node>,
    done: HashMap<(PathBuf, String), NodeId>,
    documents: HashMap<PathBuf, Value>,
}

impl Lower {
    /// The node checking `allOf: [envelope of the source, schema]`.
    pub fn event(&mut self, source: &str, schema: &Path) -> NodeId {
        let envelope = self.file(&schemas().join(source).join("common/envelope.json"));
        let version = self.file(schema);
        self.push(
            "event",
            Body::Checks(vec![Check {
                keyword: "allOf".into(),
                path: "event#/allOf".into(),
                kind: CheckKind::AllOf(vec![envelope, version]),
            }]),
        )
    }

    pub fn finish(self) -> Validator {
        Validator::new(Program { nodes: self.nodes }).unwrap()
    }

    fn file(&mut self, path: &Path) -> NodeId {
        let path = path.canonicalize().unwrap();
        self.at(&path, "")
    }

    fn document(&mut self, path: &Path) -> Value {
        self.documents
            .entry(path.to_owned())
            .or_insert_with(|| serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap())
            .clone()
    }

    fn at(&mut self, file: &Path, pointer: &str) -> NodeId {
        if let Some(&id) = self.done.get(&(file.to_owned(), pointer.to_owned())) {
            return id;
        }
        let document = self.document(file);
        let schema = document.pointer(pointer).unwrap().clone();
        let id = self.push("", Body::Always(true));
        self.done.insert((file.to_owned(), pointer.to_owned()), id);
        let at = format!("{}#{pointer}", file.display());
        let body = match &schema {
            Value::Bool(b) => Body::Always(*b),
            Value::Object(members) => {
                let mut checks = Vec::new();
                let mut add = |keyword: &str, kind: CheckKind| {
                    checks.push(Check {
                        keyword: keyword.into(),
                        path: format!("{at}/{keyword}"),
                        kind,
                    });
                };
                if let Some(t) = members.get("type") {
                    let names: Vec<&str> = match t {
                        Value::String(s) => vec![s.as_str()],
                        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                        _ => vec![],
                    };
                    let bits = names
                        .iter()
                        .filter_map(|n| TypeSet::bit(n))
                        .fold(0, |a, b| a | b);
                    add("type", CheckKind::Type(TypeSet(bits)));
                }
                for (keyword, value) in members {
                    let child = |lower: &mut Lower, rest: &str| {
                        lower.at(file, &format!("{pointer}/{rest}"))
                    };
                    let kind = match (keyword.as_str(), value) {
                        ("enum", Value::Array(values)) => CheckKind::Enum(values.clone()),
                        ("const", v) => CheckKind::Const(v.clone()),
                        ("required", Value::Array(names)) => CheckKind::Required(
                            names
                                .iter()
                                .filter_map(|n| n.as_str().map(str::to_owned))
                                .collect(),
                        ),
                        ("pattern", Value::String(p)) => CheckKind::Pattern(p.clone()),
                        ("format", Value::String(f)) => match Format::from_name(f) {
                            Some(f) => CheckKind::Format(f),
                            None => continue,
                        },
                        ("minimum", Value::Number(n)) => CheckKind::Minimum(Num::of(n)),
                        ("maximum", Value::Number(n)) => CheckKind::Maximum(Num::of(n)),
                        ("exclusiveMinimum", Value::Number(n)) => {
                            CheckKind::ExclusiveMinimum(Num::of(n))
                        }
                        ("exclusiveMaximum", Value::Number(n)) => {
                            CheckKind::ExclusiveMaximum(Num::of(n))
                        }
                        ("multipleOf", Value::Number(n)) => CheckKind::MultipleOf(Num::of(n)),
                        ("minLength", Value::Number(n)) => {
                            CheckKind::MinLength(n.as_u64().unwrap())
                        }
                        ("maxLength", Value::Number(n)) => {
                            CheckKind::MaxLength(n.as_u64().unwrap())
                        }
                        ("minItems", Value::Number(n)) => CheckKind::MinItems(n.as_u64().unwrap()),
                        ("maxItems", Value::Number(n)) => CheckKind::MaxItems(n.as_u64().unwrap()),
                        ("uniqueItems", Value::Bool(true)) => CheckKind::UniqueItems,
                        ("properties", Value::Object(props)) => CheckKind::Properties(
                            props
                                .keys()
                                .map(|name| {
                                    (
                                        name.clone(),
                                        child(self, &format!("properties/{}", escape(name))),
                                    )
                                })
                                .collect(),
                        ),
                        ("additionalProperties", _) => CheckKind::AdditionalProperties {
                            known: members
                                .get("properties")
                                .and_then(Value::as_object)
                                .map(|p| p.keys().cloned().collect())
                                .unwrap_or_default(),
                            patterns: members
                                .get("patternProperties")
                                .and_then(Value::as_object)
                                .map(|p| p.keys().cloned().collect())
                                .unwrap_or_default(),
                            schema: child(self, "additionalProperties"),
                        },
                        ("items", _) => CheckKind::Items {
                            start: 0,
                            schema: child(self, "items"),
                        },
                        ("not", _) => CheckKind::Not(child(self, "not")),
                        ("allOf" | "anyOf" | "oneOf", Value::Array(branches)) => {
                            let ids = (0..branches.len())
                                .map(|i| child(self, &format!("{keyword}/{i}")))
                                .collect();
                            match keyword.as_str() {
                                "allOf" => CheckKind::AllOf(ids),
                                "anyOf" => CheckKind::AnyOf(ids),
                                _ => CheckKind::OneOf(ids),
                            }
                        }
                        ("$ref", Value::String(reference)) => {
                            let (target, fragment) =
                                reference.split_once('#').unwrap_or((reference, ""));
                            let target_file = if target.is_empty() {
                                file.to_owned()
                            } else {
                                file.parent().unwrap().join(target).canonicalize().unwrap()
                            };
                            CheckKind::Ref(self.at(&target_file, fragment))
                        }
                        _ => continue,
                    };
                    add(keyword, kind);
                }
                Body::Checks(checks)
            }
            _ => Body::Always(true),
        };
        self.nodes[id as usize] = Node { at, body };
        id
    }

    fn push(&mut self, at: &str, body: Body) -> NodeId {
        self.nodes.push(Node {
            at: at.to_owned(),
            body,
        });
        (self.nodes.len() - 1) as NodeId
    }
}

fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}
