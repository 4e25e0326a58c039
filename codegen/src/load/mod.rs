//! Reading a catalog from disk: files, `$ref` resolution, catalog layout.

pub mod catalog;
pub mod document;
pub mod integers;
pub mod overrides;
pub mod registry;
