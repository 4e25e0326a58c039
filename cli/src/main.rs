//! The `eventsmith` command line: validate payloads, generate bindings.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

// Loading a catalog and generating bindings allocate millions of small
// nodes (JSON values, tokens); glibc's allocator spent a third of
// `generate`'s time in malloc and free (BENCHMARKS.md, "Code generation").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod catalog;
mod check;
mod diff;
mod docs;
mod examples;
mod export;
mod generate;
mod new;
mod validate;
mod verify;

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
    Validate(validate::Args),
    /// Write the Rust bindings (what build.rs generates) for inspection.
    Generate(generate::Args),
    /// Prove every example of the catalog: valid ones validate, invalid ones fail exactly as recorded.
    Examples(examples::Args),
    /// Compare two schema versions: every change with its JSON pointer and the smallest bump it needs (exit 0, 2 unreadable input).
    Diff(diff::Args),
    /// Lint the catalog and check every version's bump against its changes (exit 0 clean, 1 violations, 2 unreadable catalog).
    Check(check::Args),
    /// Start the next version of an event type, or a new event type, with a stub example (exit 1 refused, 2 usage error).
    New(new::Args),
    /// Export the catalog for other languages: standalone JSON Schemas, catalog.json, openapi.json, asyncapi.json (exit 1 stale with --check, 2 error).
    Export(export::Args),
    /// Write the catalog as a static website: event types, versions, fields, changes, examples (exit 2 on error).
    Docs(docs::Args),
    /// Check a Standard Webhooks signature over a raw body (exit 0 authentic, 1 not or invalid with --validate, 2 usage error).
    Verify(verify::Args),
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
        Command::Validate(a) => validate::run(a),
        Command::Generate(a) => generate::run(a),
        Command::Examples(a) => examples::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Check(a) => check::run(a),
        Command::New(a) => new::run(a),
        Command::Export(a) => export::run(a),
        Command::Docs(a) => docs::run(a),
        Command::Verify(a) => verify::run(a),
    };
    ExitCode::from(code)
}
