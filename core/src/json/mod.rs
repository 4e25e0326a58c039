//! Reading untrusted JSON: size and depth limits, duplicate keys rejected.
//!
//! serde_json's own `Value` keeps the last of two duplicate keys while other
//! parsers keep the first, so a payload with duplicates means different things
//! to different consumers; we refuse it.
//!
//! Payloads are read into a [`Tape`]: one flat vector of entries in payload
//! order, strings borrowed from the input when they hold no escape
//! sequence, containers knowing their length and where they end (skipping
//! one is O(1)). The validation engine and [`decode`](crate::decode) read
//! tapes; [`parse_slice`] builds a `serde_json::Value` from one for callers
//! that want a value.

use std::fmt;

pub(crate) mod parse;
pub(crate) mod tape;
#[cfg(test)]
mod tests;

pub use tape::{Items, Kind, Members, Node, Tape, TapeBuffers};

// The JSON types of generated code's `Value`, `Map` and `Number` fields.
pub use serde_json::{Number, Value};

/// A JSON object as generated code keeps one (`Map<String, Value>`).
pub type Map = serde_json::Map<String, Value>;

/// Limits applied to every payload before any schema sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted payload in bytes. Default: 16 MiB; at most
    /// [`Limits::MAX_BYTES`].
    pub max_bytes: usize,
    /// Deepest accepted nesting of arrays and objects (the root object is
    /// depth 1). Default: 64; at most [`Limits::MAX_DEPTH`].
    pub max_depth: usize,
}

impl Limits {
    /// The defaults: 16 MiB, depth 64.
    pub const DEFAULT: Limits = Limits {
        max_bytes: 16 * 1024 * 1024,
        max_depth: 64,
    };

    /// The highest depth honoured. The parser itself does not recurse; the
    /// bound keeps what walks a parsed document recursively (the
    /// validation engine, [`Node::to_value`], dropping a `serde_json::Value`)
    /// well within a thread's stack.
    pub const MAX_DEPTH: usize = 126;

    /// The largest payload a tape can address (its offsets are `u32`).
    pub const MAX_BYTES: usize = u32::MAX as usize;
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// Why a payload could not be read as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The payload is larger than [`Limits::max_bytes`].
    TooLarge {
        /// Payload size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Nesting deeper than [`Limits::max_depth`].
    TooDeep {
        /// The limit.
        limit: usize,
        /// 1-based line where the limit was crossed.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// An object has the same key twice.
    DuplicateKey {
        /// The repeated key.
        key: String,
        /// 1-based line of the second occurrence.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// Not JSON (syntax error, invalid UTF-8, empty input, trailing data, …).
    Syntax {
        /// What is wrong, in serde_json's words, without position.
        message: String,
        /// 1-based line (0 when unknown).
        line: usize,
        /// 1-based column (0 when unknown).
        column: usize,
    },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::TooLarge { size, limit } => {
                write!(
                    f,
                    "payload is {size} bytes, larger than the limit of {limit} bytes"
                )
            }
            ParseError::TooDeep {
                limit,
                line,
                column,
            } => write!(
                f,
                "nesting deeper than the limit of {limit} levels at line {line} column {column}"
            ),
            ParseError::DuplicateKey { key, line, column } => {
                write!(f, "duplicate key \"{key}\" at line {line} column {column}")
            }
            ParseError::Syntax {
                message,
                line,
                column,
            } if *line > 0 => {
                write!(f, "invalid JSON at line {line} column {column}: {message}")
            }
            ParseError::Syntax { message, .. } => write!(f, "invalid JSON: {message}"),
        }
    }
}

impl std::error::Error for ParseError {}

/// Parses `bytes` into a JSON value under `limits` (through a [`Tape`]).
pub fn parse_slice(bytes: &[u8], limits: Limits) -> Result<Value, ParseError> {
    Ok(Tape::parse(bytes, limits)?.root().to_value())
}

/// Parses `text` into a JSON value under `limits`.
pub fn parse_str(text: &str, limits: Limits) -> Result<Value, ParseError> {
    parse_slice(text.as_bytes(), limits)
}
