//! eventsmith-codegen: typed Rust bindings and compiled validators from a
//! catalog of versioned JSON Schemas.
//!
//! Use it from `build.rs`:
//!
//! ```no_run
//! // build.rs
//! if let Err(e) = eventsmith_codegen::Config::new().schemas("schemas").compile() {
//!     eprintln!("{e}");
//!     std::process::exit(1);
//! }
//! ```
//!
//! and include the result: `include!(concat!(env!("OUT_DIR"), "/eventsmith.rs"));`.
//! The pipeline is load ([`load`]) → lower ([`ir`], via [`compile`]) → emit
//! ([`emit`]); see ARCHITECTURE.md.

// Diagnostics are the cold path: returning them unboxed keeps call sites plain.
#![allow(clippy::result_large_err)]

pub mod compat;
pub mod compile;
pub mod config;
pub mod diagnostic;
pub mod emit;
pub mod export;
pub mod ident;
pub mod interpret;
pub mod ir;
pub mod keywords;
pub mod load;
pub mod standalone;
pub mod validate;

pub use compile::Compiled;
pub use config::{Config, Error};
pub use diagnostic::{Diagnostic, Diagnostics, Severity};
