//! Integration tests of the generator, in one binary to keep link times
//! down: each file is a module. The data stay beside this directory
//! (`tests/snapshots/`, `tests/docs/`; the diagnostics corpus is the
//! workspace's `tests/diagnostics/`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod diagnostics;
mod docs;
mod drafts;
mod export;
mod layouts;
mod schema_props;
mod snapshots;

use std::path::{Path, PathBuf};

/// The workspace root (the shipped catalog is its `schemas/`).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}
