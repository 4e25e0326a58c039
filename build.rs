//! Generates the bindings of the shipped catalog (`schemas/`) into OUT_DIR.
//! Cargo reruns this only when something under `schemas/` changes.

fn main() {
    let json_schema = std::env::var_os("CARGO_FEATURE_SCHEMARS").is_some();
    let result = eventsmith_codegen::Config::new()
        .schemas("schemas")
        .json_schema(json_schema)
        .regenerate_with("cargo run -p eventsmith-cli -- generate")
        .compile();
    if let Err(e) = result {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
