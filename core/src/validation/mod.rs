//! Validation: the engine that runs a [`Program`](program::Program) on a
//! parsed payload, and what it reports.
//!
//! A [`Validator`] is a prepared program (patterns compiled, lookup tables
//! built); generated bindings embed theirs as data ([`Embedded`]) and the
//! CLI builds one from a catalog, so both give the same verdict and the same
//! errors. Runs are generic over a [`Sink`]: with [`Collect`] every error is
//! gathered; with [`Probe`] the run stops at the first failure and allocates
//! nothing. A failure is described by a [`Msg`], rendered to text only when
//! collected. Instance paths are a linked list on the stack ([`Path`]) and
//! become a JSON pointer string only when an error is recorded.

use std::fmt;

use serde_json::Value;

mod embedded;
mod engine;
mod msg;
mod number;
mod pattern;
mod prepare;
pub mod program;
#[cfg(test)]
mod tests;

pub use embedded::Embedded;
pub use engine::Validator;
pub use msg::{Branch, Msg};
pub use number::{Num, all_unique, char_len, is_integer, is_multiple_of, json_equal, num};
pub use prepare::ProgramError;

/// Where in the instance a check runs: a stack-allocated linked list of
/// segments, turned into a JSON pointer only when an error needs it.
#[derive(Debug, Clone, Copy)]
pub enum Path<'a> {
    /// The document root.
    Root,
    /// A member of an object.
    Key(&'a Path<'a>, &'a str),
    /// An element of an array.
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    /// The path of member `key` below this one.
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path::Key(self, key)
    }

    /// The path of element `index` below this one.
    pub fn index(&'a self, index: usize) -> Path<'a> {
        Path::Index(self, index)
    }

    /// This path as an RFC 6901 JSON pointer (`""` for the root).
    pub fn to_pointer(&self) -> String {
        let mut segments = Vec::new();
        let mut at = self;
        loop {
            match at {
                Path::Root => break,
                Path::Key(parent, key) => {
                    segments.push(escape_pointer_segment(key));
                    at = parent;
                }
                Path::Index(parent, index) => {
                    segments.push(index.to_string());
                    at = parent;
                }
            }
        }
        let mut out = String::new();
        for segment in segments.iter().rev() {
            out.push('/');
            out.push_str(segment);
        }
        out
    }
}

/// Escapes one JSON pointer segment (`~` → `~0`, `/` → `~1`).
pub fn escape_pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// One failed check.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ValidationError {
    /// JSON pointer to the offending part of the payload.
    pub instance_path: String,
    /// Where the failing keyword lives: `file#/json/pointer`.
    pub schema_path: String,
    /// The failing keyword (`required`, `enum`, …).
    pub keyword: String,
    /// What was expected and what was found, in plain words.
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.instance_path.is_empty() {
            "/"
        } else {
            &self.instance_path
        };
        write!(f, "{at}: {}", self.message)
    }
}

/// Every error found in one payload, in the order the checks ran.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Errors(pub Vec<ValidationError>);

impl Errors {
    /// True when no check failed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The errors, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, ValidationError> {
        self.0.iter()
    }

    /// Number of errors.
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

impl IntoIterator for Errors {
    type Item = ValidationError;
    type IntoIter = std::vec::IntoIter<ValidationError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Receives the failures of a validation run.
pub trait Sink {
    /// `true` when the sink wants every error; `false` when the first failure
    /// settles the verdict, so the engine may return early.
    const COLLECT: bool;

    /// Records a failure. `message` is rendered to text only by sinks that
    /// keep it.
    fn fail(&mut self, at: &Path<'_>, schema_path: &str, keyword: &str, message: Msg<'_>);
}

/// A sink that keeps every error.
#[derive(Debug, Default)]
pub struct Collect(pub Vec<ValidationError>);

impl Sink for Collect {
    const COLLECT: bool = true;

    fn fail(&mut self, at: &Path<'_>, schema_path: &str, keyword: &str, message: Msg<'_>) {
        self.0.push(ValidationError {
            instance_path: at.to_pointer(),
            schema_path: schema_path.to_owned(),
            keyword: keyword.to_owned(),
            message: message.to_string(),
        });
    }
}

/// A sink that only records that something failed; the engine stops early.
#[derive(Debug, Default, Clone, Copy)]
pub struct Probe;

impl Sink for Probe {
    const COLLECT: bool = false;

    #[inline(always)]
    fn fail(&mut self, _: &Path<'_>, _: &str, _: &str, _: Msg<'_>) {}
}

/// Compiles a JSON Schema `pattern` with ECMA-262 semantics (the `u` flag).
pub fn compile_pattern(source: &str) -> Result<regress::Regex, regress::Error> {
    regress::Regex::with_flags(source, "u")
}

/// The JSON type name of a value, as error messages print it (`integer`
/// for a number with no fractional part).
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if is_integer(n) => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A short rendering of a value for messages: compact JSON, cut to 57
/// characters and `...` when longer than 60.
pub fn preview(v: &Value) -> String {
    let text = v.to_string();
    let chars = text.chars().count();
    crate::json::tape::finish_preview(text, chars)
}
