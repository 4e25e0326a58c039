//! The intermediate representations between schemas and Rust: validators
//! (what to check) and types (what to model).

pub mod share;
pub mod types;
pub mod validator;
