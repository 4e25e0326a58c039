//! Reading one JSON or YAML file into a JSON value while remembering where
//! every node starts, so diagnostics can point at a line and column.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use serde_json::{Map, Number, Value};

use crate::diagnostic::Diagnostic;

/// A parsed file: its value and the position of each node by JSON pointer.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file as given.
    pub path: PathBuf,
    /// Its content as JSON.
    pub value: Value,
    /// 1-based (line, column) of the node at each JSON pointer: found when
    /// a diagnostic first asks (most documents never need them, and a
    /// large catalog's loading spent a fifth of its time recording them).
    positions: OnceLock<HashMap<String, (usize, usize)>>,
    /// The JSON text the positions are read from (`None` for YAML, whose
    /// loader gives them at once, and for documents built in memory).
    json_text: Option<Arc<str>>,
}

impl Document {
    /// A document with no known positions (built in memory, not read).
    pub fn new(path: PathBuf, value: Value) -> Document {
        Document {
            path,
            value,
            positions: OnceLock::new(),
            json_text: None,
        }
    }

    /// 1-based (line, column) of the node at each JSON pointer.
    pub fn positions(&self) -> &HashMap<String, (usize, usize)> {
        self.positions.get_or_init(|| {
            let mut positions = HashMap::new();
            if let Some(text) = &self.json_text {
                JsonScanner {
                    text: text.as_bytes(),
                    at: 0,
                    line: 1,
                    col: 1,
                }
                .value(String::new(), &mut positions);
            }
            positions
        })
    }

    /// Where the node at `pointer` starts, or the nearest ancestor that has a
    /// position.
    pub fn position(&self, pointer: &str) -> Option<(usize, usize)> {
        let positions = self.positions();
        let mut p = pointer;
        loop {
            if let Some(pos) = positions.get(p) {
                return Some(*pos);
            }
            let cut = p.rfind('/')?;
            p = &p[..cut];
        }
    }

    /// A diagnostic located at `pointer` in this document.
    pub fn diagnostic(&self, d: Diagnostic, pointer: &str) -> Diagnostic {
        let d = d.in_file(&self.path).at(pointer);
        match self.position(pointer) {
            Some((line, column)) => d.at_position(line, column),
            None => d,
        }
    }
}

/// The syntax a file is written in, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `.json`
    Json,
    /// `.yaml` / `.yml`
    Yaml,
}

impl Syntax {
    /// The syntax of `path`, if it is one we read.
    pub fn of(path: &Path) -> Option<Syntax> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("json") => Some(Syntax::Json),
            Some("yaml" | "yml") => Some(Syntax::Yaml),
            _ => None,
        }
    }
}

/// Reads and parses `path`.
pub fn read(path: &Path) -> Result<Document, Diagnostic> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::error("unreadable-file", format!("cannot read file: {e}")).in_file(path)
    })?;
    let syntax = Syntax::of(path).unwrap_or(Syntax::Json);
    parse(path, &text, syntax)
}

/// Parses `text` (the content of `path`).
pub fn parse(path: &Path, text: &str, syntax: Syntax) -> Result<Document, Diagnostic> {
    match syntax {
        Syntax::Json => parse_json(path, text),
        Syntax::Yaml => parse_yaml(path, text),
    }
}

fn parse_json(path: &Path, text: &str) -> Result<Document, Diagnostic> {
    let limits = eventsmith_core::Limits {
        max_bytes: usize::MAX,
        max_depth: eventsmith_core::Limits::MAX_DEPTH,
    };
    let value = eventsmith_core::json::parse_str(text, limits).map_err(|e| {
        use eventsmith_core::ParseError;
        // The position goes to the diagnostic's location, not the message.
        let (d, line, column) = match e {
            ParseError::Syntax {
                message,
                line,
                column,
            } => (
                Diagnostic::error("invalid-json", format!("invalid JSON: {message}")),
                line,
                column,
            ),
            ParseError::DuplicateKey { key, line, column } => {
                let column = key_start(text, &key, line, column).unwrap_or(column);
                (
                    Diagnostic::error(
                        "duplicate-key",
                        format!("duplicate key \"{key}\" in an object"),
                    )
                    .with_hint("JSON parsers disagree on which of two equal keys wins; keep one"),
                    line,
                    column,
                )
            }
            ParseError::TooDeep {
                limit,
                line,
                column,
            } => (
                Diagnostic::error(
                    "invalid-json",
                    format!("nesting deeper than {limit} levels"),
                ),
                line,
                column,
            ),
            e @ ParseError::TooLarge { .. } => {
                (Diagnostic::error("invalid-json", e.to_string()), 0, 0)
            }
        };
        let d = d.in_file(path);
        // serde_json counts columns from 0 at the start of a line (end of input).
        if line > 0 {
            d.at_position(line, column.max(1))
        } else {
            d
        }
    })?;
    Ok(Document {
        path: path.to_owned(),
        value,
        positions: OnceLock::new(),
        json_text: Some(Arc::from(text)),
    })
}

/// serde_json reports a duplicate key after reading it; the 1-based column
/// where the key's string starts on the same line, if it can be found.
fn key_start(text: &str, key: &str, line: usize, column: usize) -> Option<usize> {
    let line_text = text.lines().nth(line.checked_sub(1)?)?;
    let upto: String = line_text.chars().take(column).collect();
    let quoted = serde_json::to_string(key).ok()?;
    let byte = upto.rfind(&quoted)?;
    Some(upto.get(..byte)?.chars().count() + 1)
}

/// A tolerant scanner over text already known to be valid JSON, recording the
/// start of every value.
struct JsonScanner<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
    col: usize,
}

impl JsonScanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.at += 1;
        if c == b'\n' {
            self.line += 1;
            self.col = 1;
        } else if c & 0xC0 != 0x80 {
            // Count characters, not UTF-8 continuation bytes.
            self.col += 1;
        }
        Some(c)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
    }

    fn string(&mut self) -> String {
        let start = self.at;
        self.bump();
        while let Some(c) = self.bump() {
            match c {
                b'\\' => {
                    self.bump();
                }
                b'"' => break,
                _ => {}
            }
        }
        serde_json::from_slice::<String>(&self.text[start..self.at]).unwrap_or_default()
    }

    fn value(&mut self, pointer: String, out: &mut HashMap<String, (usize, usize)>) {
        self.skip_ws();
        out.insert(pointer.clone(), (self.line, self.col));
        match self.peek() {
            Some(b'{') => {
                self.bump();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some(b'"') => {
                            let key = self.string();
                            self.skip_ws();
                            self.bump(); // ':'
                            let child = format!(
                                "{pointer}/{}",
                                eventsmith_core::validation::escape_pointer_segment(&key)
                            );
                            self.value(child, out);
                            self.skip_ws();
                            if self.peek() == Some(b',') {
                                self.bump();
                            }
                        }
                        Some(b'}') => {
                            self.bump();
                            break;
                        }
                        None => break,
                        Some(_) => {
                            self.bump();
                        }
                    }
                }
            }
            Some(b'[') => {
                self.bump();
                let mut index = 0usize;
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some(b']') => {
                            self.bump();
                            break;
                        }
                        None => break,
                        Some(_) => {
                            self.value(format!("{pointer}/{index}"), out);
                            index += 1;
                            self.skip_ws();
                            if self.peek() == Some(b',') {
                                self.bump();
                            }
                        }
                    }
                }
            }
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                while matches!(self.peek(), Some(c) if !matches!(c, b',' | b']' | b'}' | b' ' | b'\n' | b'\r' | b'\t'))
                {
                    self.bump();
                }
            }
            None => {}
        }
    }
}

/// saphyr's loader recurses once per level of block nesting, and a block
/// collection nested N deep starts at column N/2 or further right. Content
/// starting this far right is refused before saphyr sees it, so a hostile
/// `- - - - …` line cannot overflow the stack. Flow nesting (`[[[…`) is
/// capped by saphyr itself at 255 levels.
const MAX_YAML_COLUMN: usize = 200;

/// The first line whose content (after indentation and `- `/`? ` indicators)
/// starts at column [`MAX_YAML_COLUMN`] or beyond: 1-based line and column.
fn yaml_too_deep(text: &str) -> Option<(usize, usize)> {
    for (i, line) in text.lines().enumerate() {
        let mut chars = line.chars().peekable();
        let mut column = 0usize;
        while let Some(c) = chars.next() {
            let structural = match c {
                ' ' | '\t' => true,
                '-' | '?' => matches!(chars.peek(), None | Some(' ' | '\t')),
                _ => false,
            };
            if !structural {
                break;
            }
            column += 1;
            if column >= MAX_YAML_COLUMN {
                return Some((i + 1, column));
            }
        }
    }
    None
}

fn parse_yaml(path: &Path, text: &str) -> Result<Document, Diagnostic> {
    if let Some((line, column)) = yaml_too_deep(text) {
        return Err(Diagnostic::error(
            "invalid-yaml",
            format!("YAML content indented {MAX_YAML_COLUMN} columns or more; eventsmith reads at most {} levels of nesting", eventsmith_core::Limits::MAX_DEPTH),
        )
        .in_file(path)
        .at_position(line, column)
        .with_hint("flatten the document"));
    }
    let docs = MarkedYaml::load_from_str(text).map_err(|e| {
        let m = e.marker();
        let d = if e.info().contains("duplicated key") {
            Diagnostic::error("duplicate-key", "duplicate key in a mapping").with_hint(
                "YAML and JSON parsers disagree on which of two equal keys wins; keep one",
            )
        } else {
            Diagnostic::error("invalid-yaml", format!("invalid YAML: {}", e.info()))
        };
        d.in_file(path).at_position(m.line(), m.col() + 1)
    })?;
    let mut docs = docs.into_iter();
    let Some(root) = docs.next() else {
        return Err(
            Diagnostic::error("invalid-yaml", "the file holds no YAML document")
                .in_file(path)
                .with_hint("write the schema or payload into it, or delete the file"),
        );
    };
    if let Some(second) = docs.next() {
        return Err(Diagnostic::error(
            "invalid-yaml",
            "the file holds more than one YAML document (`---`)",
        )
        .in_file(path)
        .at_position(second.span.start.line(), second.span.start.col() + 1)
        .with_hint("keep one document per file"));
    }
    let mut positions = HashMap::new();
    let value = yaml_to_json(&root, String::new(), &mut positions).map_err(|(pointer, d)| {
        let d = d.in_file(path).at(pointer.clone());
        match positions.get(&pointer) {
            Some((l, c)) => d.at_position(*l, *c),
            None => d,
        }
    })?;
    Ok(Document {
        path: path.to_owned(),
        value,
        positions: OnceLock::from(positions),
        json_text: None,
    })
}

type YamlResult = Result<Value, (String, Diagnostic)>;

fn yaml_to_json(
    node: &MarkedYaml<'_>,
    pointer: String,
    out: &mut HashMap<String, (usize, usize)>,
) -> YamlResult {
    out.insert(
        pointer.clone(),
        (node.span.start.line(), node.span.start.col() + 1),
    );
    // The same limit as for JSON: the root collection is level 1.
    let limit = eventsmith_core::Limits::MAX_DEPTH;
    if matches!(node.data, YamlData::Sequence(_) | YamlData::Mapping(_))
        && pointer.matches('/').count() >= limit
    {
        return Err((
            pointer,
            Diagnostic::error(
                "invalid-yaml",
                format!("nesting deeper than {limit} levels"),
            ),
        ));
    }
    match &node.data {
        YamlData::Value(scalar) => scalar_to_json(scalar).map_err(|d| (pointer, d)),
        YamlData::Representation(text, _, _) => Ok(Value::String(text.to_string())),
        YamlData::Sequence(items) => {
            let mut arr = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                arr.push(yaml_to_json(item, format!("{pointer}/{i}"), out)?);
            }
            Ok(Value::Array(arr))
        }
        YamlData::Mapping(map) => {
            let mut obj = Map::new();
            for (k, v) in map {
                let key = match &k.data {
                    YamlData::Value(Scalar::String(s)) => s.to_string(),
                    YamlData::Value(Scalar::Integer(i)) => i.to_string(),
                    YamlData::Value(Scalar::Boolean(b)) => b.to_string(),
                    YamlData::Value(Scalar::Null) => "null".to_owned(),
                    YamlData::Value(Scalar::FloatingPoint(f)) => f.to_string(),
                    YamlData::Representation(text, _, _) => text.to_string(),
                    _ => {
                        return Err((
                            pointer,
                            Diagnostic::error(
                                "invalid-yaml",
                                "a mapping key must be a scalar to become a JSON member name",
                            ),
                        ));
                    }
                };
                let child = format!(
                    "{pointer}/{}",
                    eventsmith_core::validation::escape_pointer_segment(&key)
                );
                if obj.contains_key(&key) {
                    out.insert(child.clone(), (k.span.start.line(), k.span.start.col() + 1));
                    return Err((
                        child,
                        Diagnostic::error("duplicate-key", format!("duplicate key \"{key}\"")),
                    ));
                }
                let value = yaml_to_json(v, child, out)?;
                obj.insert(key, value);
            }
            Ok(Value::Object(obj))
        }
        YamlData::Tagged(_, inner) => yaml_to_json(inner, pointer, out),
        YamlData::Alias(_) => Err((
            pointer,
            Diagnostic::error("invalid-yaml", "YAML aliases (`*name`) are not supported")
                .with_hint("write the value out in full"),
        )),
        YamlData::BadValue => Err((
            pointer,
            Diagnostic::error("invalid-yaml", "a value YAML cannot represent"),
        )),
    }
}

fn scalar_to_json(s: &Scalar<'_>) -> Result<Value, Diagnostic> {
    Ok(match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Number(Number::from(*i)),
        Scalar::FloatingPoint(f) => match Number::from_f64(f.into_inner()) {
            Some(n) => Value::Number(n),
            None => {
                return Err(Diagnostic::error(
                    "invalid-yaml",
                    format!("{} is not a number JSON can hold", f.into_inner()),
                ));
            }
        },
        Scalar::String(s) => Value::String(s.to_string()),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn json_positions_follow_pointers() {
        let text = "{\n  \"a\": {\"b\": [1, \"x\"]},\n  \"c~/\": null\n}";
        let doc = parse_json(Path::new("t.json"), text).unwrap();
        assert_eq!(doc.positions().get("/a"), Some(&(2, 8)));
        assert_eq!(doc.positions().get("/a/b/1"), Some(&(2, 18)));
        assert_eq!(doc.positions().get("/c~0~1"), Some(&(3, 10)));
        assert_eq!(doc.position("/a/b/1/zz"), Some((2, 18)));
    }

    #[test]
    fn yaml_converts_and_locates() {
        let text = "id: 1\nversion: 1.1.0\nnested:\n  list: [a, 2.5, null]\n  '30': yes\n";
        let doc = parse_yaml(Path::new("t.yaml"), text).unwrap();
        assert_eq!(
            doc.value,
            serde_json::json!({"id": 1, "version": "1.1.0", "nested": {"list": ["a", 2.5, null], "30": "yes"}})
        );
        assert_eq!(doc.positions().get("/nested/list/1"), Some(&(4, 13)));
    }

    #[test]
    fn deep_yaml_is_refused_without_overflowing_the_stack() {
        // On a test thread's 2 MiB stack: the guard must hold before saphyr recurses.
        let handle = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(|| {
                let compact = format!("a:\n  {}x\n", "- ".repeat(100_000));
                let err = parse_yaml(Path::new("t.yaml"), &compact).unwrap_err();
                assert!(err.message.contains("indented 200 columns"), "{err}");
                assert_eq!((err.line, err.column), (Some(2), Some(200)));
                let flow = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
                assert!(parse_yaml(Path::new("t.yaml"), &flow).is_err());
                let over = format!("a: {}{}\n", "[".repeat(200), "]".repeat(200));
                let err = parse_yaml(Path::new("t.yaml"), &over).unwrap_err();
                assert!(
                    err.message.contains("nesting deeper than 126 levels"),
                    "{err}"
                );
                let fine = format!("a: {}{}\n", "[".repeat(100), "]".repeat(100));
                assert!(parse_yaml(Path::new("t.yaml"), &fine).is_ok());
                assert!(parse_yaml(Path::new("t.yaml"), "- - - - x\n").is_ok());
            })
            .unwrap();
        handle.join().unwrap();
    }

    #[test]
    fn yaml_duplicate_keys_are_errors() {
        let err = parse_yaml(Path::new("t.yaml"), "a: 1\nb: 2\na: 3\n").unwrap_err();
        assert!(err.message.contains("duplicate"), "{err}");
        assert_eq!(err.line, Some(3));
    }
}
