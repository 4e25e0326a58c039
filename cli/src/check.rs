//! `eventsmith check`: lint the catalog and hold every semver source's
//! versions to the bump their changes need.

use std::io::Write;
use std::path::PathBuf;

use eventsmith_codegen::compat::check_catalog;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Every version pair with its changes, then the diagnostics.
    Text,
    /// `{"catalog", "errors", "warnings", "diagnostics", "versions"}`.
    Json,
}

/// Arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The catalog directory.
    #[arg(long, default_value = "schemas")]
    schemas: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Runs the command: exit 0 clean (warnings allowed), 1 violations, 2
/// unreadable catalog.
pub fn run(a: Args) -> u8 {
    let report = check_catalog(&a.schemas);
    match a.format {
        // Write errors (a closed pipe) are ignored: the exit code tells.
        Format::Text => {
            let _ = write!(std::io::stdout().lock(), "{}", report.render_text());
        }
        Format::Json => match serde_json::to_string_pretty(&report.to_json()) {
            Ok(s) => {
                let _ = writeln!(std::io::stdout().lock(), "{s}");
            }
            Err(e) => {
                eprintln!("error: cannot write the report as JSON: {e}");
                return 2;
            }
        },
    }
    report.exit_code()
}
