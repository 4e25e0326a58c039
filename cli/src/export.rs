//! `eventsmith export`: write the catalog as standalone JSON Schemas,
//! `catalog.json`, `openapi.json` and `asyncapi.json`.

use std::path::PathBuf;

use eventsmith_codegen::diagnostic::RenderOptions;
use eventsmith_codegen::export::{
    self, DEFAULT_BASE_URL, DEFAULT_STANDARD_WEBHOOK_SOURCES, ExportOptions,
};

/// Arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The catalog directory.
    #[arg(long, default_value = "schemas")]
    schemas: PathBuf,
    /// The output directory.
    #[arg(long, default_value = "generated/export")]
    out: PathBuf,
    /// Base URL of the exported schemas' `$id`s.
    #[arg(long, default_value = DEFAULT_BASE_URL)]
    base_url: String,
    /// A source whose deliveries carry the Standard Webhooks headers, beyond those whose source.yaml says `signing: standard-webhooks` (repeat for several).
    #[arg(long = "standard-webhooks", value_name = "SOURCE", default_values_t = DEFAULT_STANDARD_WEBHOOK_SOURCES.iter().map(|s| (*s).to_owned()))]
    standard_webhooks: Vec<String>,
    /// Write nothing; exit 1 when the output directory is not up to date.
    #[arg(long)]
    check: bool,
}

/// Runs the command: 0 done (or up to date with `--check`), 1 out of date
/// with `--check`, 2 catalog or I/O error.
pub fn run(a: Args) -> u8 {
    let options = ExportOptions {
        base_url: a.base_url,
        standard_webhooks: a.standard_webhooks.into_iter().collect(),
        ..ExportOptions::default()
    };
    let mut compiled = match crate::catalog::load_catalog(&a.schemas) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let export = match export::export(&mut compiled, &options) {
        Ok(e) => e,
        Err(diags) => {
            eprint!("{}", diags.render_with(&RenderOptions::for_stderr()));
            return if diags.has_errors() { 2 } else { 0 };
        }
    };
    if a.check {
        let diffs = export.diff(&a.out);
        for d in &diffs {
            println!("{d}");
        }
        if diffs.is_empty() {
            println!(
                "{} is up to date ({} files)",
                a.out.display(),
                export.files.len()
            );
            return 0;
        }
        println!(
            "{} differences; run `eventsmith export --out {}` to refresh",
            diffs.len(),
            a.out.display()
        );
        return 1;
    }
    match export.write(&a.out) {
        Ok(w) => {
            for rel in &w.removed {
                println!("removed {rel}");
            }
            println!(
                "wrote {}: {} files ({} changed, {} unchanged, {} stale removed)",
                a.out.display(),
                export.files.len(),
                w.changed.len(),
                w.unchanged,
                w.removed.len()
            );
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}
