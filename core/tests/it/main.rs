//! Integration tests of the runtime core, in one binary to keep link times
//! down: each file is a module. The data stay in `tests/data/`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod decode;
mod engine;
mod json;
