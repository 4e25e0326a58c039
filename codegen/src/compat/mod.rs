//! Versions as a first-class concept: the differ ([`differ`]) tells which
//! bump a change between two schema versions needs, the catalog check
//! ([`check`]) holds every semver source to it, and [`scaffold`] starts a
//! new version from the newest one.
//!
//! The differ works on normalised schemas ([`normalize`]): `$ref`s inlined,
//! mergeable `allOf` members merged, a multi-type `type` and `anyOf`/`oneOf`
//! members turned into alternatives, `const` read as a one-value `enum`.

pub mod check;
pub mod differ;
pub mod normalize;
pub mod scaffold;

pub use check::{CheckReport, Verdict, VersionPair, check_catalog, compare_versions};
pub use differ::{Bump, Change, Diff, diff_files, diff_locs, diff_schemas};
