//! The JSON-Schema-Test-Suite (vendored in `suite/`) through eventsmith's
//! generator: 2020-12 compiled, the other drafts interpreted
//! (`tests/suite/drafts.rs`). `build.rs` turns every 2020-12 group's schema into
//! a module of [`validators`]; [`GROUPS`] says, per group, whether the
//! generator compiled it or why it refused. The tests in `tests/` run every
//! case through the compiled validator and the interpreter, and compare both
//! with the `jsonschema` crate.

use eventsmith_core::ValidationError;
use serde_json::Value;

pub mod suite_files;

/// What the generator made of one test group.
#[derive(Debug, Clone, Copy)]
pub enum Support {
    /// Compiled: the group's generated validator.
    Compiled {
        /// Fast path: stops at the first failure.
        is_valid: fn(&Value) -> bool,
        /// Every error.
        errors: fn(&Value) -> Vec<ValidationError>,
    },
    /// Refused at generation time.
    Refused {
        /// The keyword (or problem) that made the generator refuse it.
        reason: &'static str,
        /// The generator's diagnostics.
        diagnostics: &'static str,
    },
}

/// The generated validators, one module per supported group. Generated
/// code must compile without a single rustc warning.
#[deny(warnings)]
#[allow(missing_docs)]
pub mod validators {
    include!(concat!(env!("OUT_DIR"), "/suite_validators.rs"));
}

include!(concat!(env!("OUT_DIR"), "/suite_table.rs"));

/// What the generator made of the group compiled into module `module`.
pub fn group(module: &str) -> Option<&'static Support> {
    GROUPS
        .binary_search_by(|(m, _)| (*m).cmp(module))
        .ok()
        .map(|i| &GROUPS[i].1)
}
