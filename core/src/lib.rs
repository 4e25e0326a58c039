//! Primitives shared by everything eventsmith produces.
//!
//! The generated bindings, the `eventsmith` runtime crate and the generator's
//! own validator (used by the CLI on catalogs that are not compiled in) all
//! call into this crate, so a check written here behaves the same in each.
//! Users normally reach these items through the `eventsmith` crate, which
//! re-exports them.

pub mod decode;
pub mod event;
pub mod formats;
pub mod json;
mod ser;
pub mod validation;
pub mod values;
pub mod version;

pub use event::{EventError, EventSource, NewerVersions, Options, Received, Schema, UnknownTypes};
pub use json::{Limits, ParseError};
pub use validation::{Collect, Errors, Num, Path, Probe, Sink, ValidationError};
pub use values::{DateTime, Decimal, Duration, Money};

/// Re-exports for generated code, so a crate using the bindings needs no
/// direct dependency on these crates. Not a public API.
#[doc(hidden)]
pub mod __private {
    #[cfg(feature = "schemars")]
    pub use schemars;
    pub use serde;
    pub use serde_json;

    /// Helpers for the generated `Serialize` impls.
    pub mod ser {
        pub use crate::ser::*;
    }
}
