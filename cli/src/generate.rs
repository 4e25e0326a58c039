//! `eventsmith generate`: write the bindings build.rs would generate.

use std::path::PathBuf;

use eventsmith_codegen::Config;

/// Arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The catalog directory.
    #[arg(long, default_value = "schemas")]
    schemas: PathBuf,
    /// Where to write `eventsmith.rs` and one `eventsmith.<source>.rs` per source.
    #[arg(long, default_value = "generated")]
    out: PathBuf,
    /// Path of the runtime crate in the generated code.
    #[arg(long, default_value = "::eventsmith")]
    runtime: String,
    /// Derive schemars::JsonSchema on generated types.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    json_schema: bool,
    /// No effect, accepted so existing scripts keep working: validators are
    /// data the runtime runs, so there is no second set to leave out.
    #[arg(long, hide = true, action = clap::ArgAction::Set)]
    one_pass: Option<bool>,
}

/// Runs the command.
pub fn run(a: Args) -> u8 {
    let _ = a.one_pass;
    let mut config = Config::new();
    config
        .schemas(&a.schemas)
        .out_dir(&a.out)
        .runtime_crate(&a.runtime)
        .json_schema(a.json_schema)
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
