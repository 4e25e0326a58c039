//! `eventsmith diff OLD NEW`: every change between two schema versions and
//! the smallest version bump it needs.

use std::io::Write;
use std::path::PathBuf;

use eventsmith_codegen::compat::diff_files;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A summary line, then one line per change.
    Text,
    /// `{"from", "to", "required_bump", "changes": [{"pointer", "kind", "description", "bump"}]}`.
    Json,
}

/// Arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The older schema file (JSON or YAML).
    old: PathBuf,
    /// The newer schema file (JSON or YAML).
    new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Runs the command: exit 0 on success (whatever the bump), 2 when a file
/// cannot be read, is not a schema or has a `$ref` that does not resolve.
pub fn run(a: Args) -> u8 {
    let diff = match diff_files(&a.old, &a.new) {
        Ok(d) => d,
        Err(problems) => {
            for p in problems {
                eprintln!(
                    "{}",
                    p.render(
                        p.file
                            .as_deref()
                            .and_then(|f| std::fs::read_to_string(f).ok())
                            .as_deref()
                    )
                );
            }
            return 2;
        }
    };
    match a.format {
        // Write errors (a closed pipe) are ignored: the exit code tells.
        Format::Text => {
            let _ = write!(std::io::stdout().lock(), "{}", diff.render_text());
        }
        Format::Json => match serde_json::to_string_pretty(&diff) {
            Ok(s) => {
                let _ = writeln!(std::io::stdout().lock(), "{s}");
            }
            Err(e) => {
                eprintln!("error: cannot write the diff as JSON: {e}");
                return 2;
            }
        },
    }
    0
}
