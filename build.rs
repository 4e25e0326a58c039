//! Generates the bindings of the shipped catalogs (`schemas/`) into OUT_DIR,
//! each only when its cargo feature is on; without one this does nothing
//! and the crate is the runtime alone. Cargo reruns this only when
//! something under `schemas/` changes.

fn main() {
    #[cfg(any(feature = "impact-stack", feature = "gigs", feature = "github"))]
    shipped_catalogs();
}

#[cfg(any(feature = "impact-stack", feature = "gigs", feature = "github"))]
fn shipped_catalogs() {
    let mut config = eventsmith_codegen::Config::new();
    config
        .schemas("schemas")
        .json_schema(cfg!(feature = "schemars"))
        .regenerate_with("cargo run -p eventsmith-cli -- generate");
    if cfg!(feature = "impact-stack") {
        config.source("impact_stack");
    }
    if cfg!(feature = "gigs") {
        config.source("gigs");
    }
    if cfg!(feature = "github") {
        config.source("github");
    }
    if let Err(e) = config.compile() {
        // The diagnostics, rendered, are the build's error message.
        eprintln!("{e}");
        std::process::exit(1);
    }
}
