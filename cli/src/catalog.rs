//! What several subcommands share: loading the catalog.

use std::path::Path;

use eventsmith_codegen::{Compiled, Diagnostics};

/// Loads the catalog or prints why not (exit code 2).
pub fn load_catalog(dir: &Path) -> Result<Compiled, u8> {
    load_with(dir, Compiled::load)
}

/// [`load_catalog`] for commands that only validate: the validators are
/// lowered, the Rust types are not ([`Compiled::load_validators`]).
pub fn load_validators(dir: &Path) -> Result<Compiled, u8> {
    load_with(dir, Compiled::load_validators)
}

fn load_with(dir: &Path, load: fn(&Path, &mut Diagnostics) -> Compiled) -> Result<Compiled, u8> {
    if !dir.is_dir() {
        eprintln!(
            "error: the catalog directory {} does not exist (use --schemas DIR)",
            dir.display()
        );
        return Err(2);
    }
    let mut diags = Diagnostics::default();
    let compiled = load(dir, &mut diags);
    if diags.has_errors() {
        eprint!(
            "{}",
            diags.render_with(&eventsmith_codegen::diagnostic::RenderOptions::for_stderr())
        );
        return Err(2);
    }
    if !diags.0.is_empty() {
        eprint!(
            "{}",
            diags.render_with(&eventsmith_codegen::diagnostic::RenderOptions::for_stderr())
        );
    }
    Ok(compiled)
}
