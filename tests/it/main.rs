//! Integration tests of the runtime and the shipped catalog's bindings, in
//! one binary to keep link times down: each file is a module, and the
//! bindings of the shipped catalogs are linked once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod dispatch;
mod examples;
mod freshness;
mod gigs;
mod hub;
mod receive;
mod robustness;
#[cfg(feature = "schemars")]
mod schemars;
mod semantics;
mod webhook_server;

use std::path::{Path, PathBuf};

/// The shipped catalog directory.
pub fn catalog_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas")
}

/// The shipped catalog, loaded and lowered; fails the test on any error.
pub fn compiled() -> eventsmith_codegen::Compiled {
    let mut diags = eventsmith_codegen::Diagnostics::default();
    let compiled = eventsmith_codegen::Compiled::load(&catalog_dir(), &mut diags);
    assert!(!diags.has_errors(), "{}", diags.render());
    compiled
}
