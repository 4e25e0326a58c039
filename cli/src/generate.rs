//! `eventsmith generate`: write the bindings build.rs would generate.

use std::path::PathBuf;

use eventsmith_codegen::Config;

/// Arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The catalog directory.
    #[arg(long, default_value = "schemas")]
    schemas: PathBuf,
    /// Where to write `eventsmith.rs`.
    #[arg(long, default_value = "generated")]
    out: PathBuf,
    /// Path of the runtime crate in the generated code.
    #[arg(long, default_value = "::eventsmith")]
    runtime: String,
    /// Derive schemars::JsonSchema on generated types.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    json_schema: bool,
    /// Write the validators of decoded values that let a payload be decoded
    /// and validated in one pass (see `Config::one_pass`).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    one_pass: bool,
}

/// Runs the command.
pub fn run(a: Args) -> u8 {
    let mut config = Config::new();
    config
        .schemas(&a.schemas)
        .out_dir(&a.out)
        .runtime_crate(&a.runtime)
        .json_schema(a.json_schema)
        .one_pass(a.one_pass)
        .cargo_directives(false)
        .regenerate_with("cargo run -p eventsmith-cli -- generate");
    match config.compile() {
        Ok(path) => {
            println!("wrote {}", path.display());
            0
        }
        Err(e) => {
            eprintln!("{e}");
            2
        }
    }
}
