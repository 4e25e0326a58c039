//! eventsmith-codegen: typed Rust bindings and compiled validators from a
//! catalog of versioned JSON Schemas.
//!
//! Use it from `build.rs`:
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), eventsmith_codegen::Error> {
//!     eventsmith_codegen::Config::new().schemas("schemas").compile()?;
//!     Ok(())
//! }
//! ```
//!
//! and include the result: `include!(concat!(env!("OUT_DIR"), "/eventsmith.rs"));`.
//! The pipeline is load ([`load`]) → lower ([`ir`], via [`lower`]) → emit
//! ([`emit`]); see ARCHITECTURE.md.

// Diagnostics are the cold path: returning them unboxed keeps call sites plain.
#![allow(clippy::result_large_err)]

pub mod compat;
pub mod config;
pub mod diagnostic;
pub mod docs;
pub mod emit;
pub mod export;
pub mod ident;
pub mod interpret;
pub mod ir;
pub mod keywords;
pub mod load;
pub mod lower;
pub mod select;
pub mod standalone;
pub mod validate;

pub use config::{Config, Error, Generated};
pub use diagnostic::{Diagnostic, Diagnostics, Severity};
pub use lower::Compiled;
