//! The `eventsmith` command line: validate payloads, generate bindings.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cli;

/// Typed, validated webhook events from versioned JSON Schemas.
#[derive(Debug, Parser)]
#[command(name = "eventsmith", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate event payloads against the catalog (exit 0 all valid, 1 any invalid, 2 usage/input/catalog error).
    Validate(cli::validate::Args),
    /// Write the Rust bindings (what build.rs generates) for inspection.
    Generate(cli::generate::Args),
    /// Prove every example of the catalog: valid ones validate, invalid ones fail exactly as recorded.
    Examples(cli::examples::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let code = match cli.command {
        Command::Validate(a) => cli::validate::run(a),
        Command::Generate(a) => cli::generate::run(a),
        Command::Examples(a) => cli::examples::run(a),
    };
    ExitCode::from(code)
}
