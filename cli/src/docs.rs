//! `eventsmith docs`: write the catalog as a static website.

use std::path::PathBuf;

use eventsmith_codegen::diagnostic::RenderOptions;
use eventsmith_codegen::docs::{self, DocsOptions};

/// Arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The catalog directory.
    #[arg(long, default_value = "schemas")]
    schemas: PathBuf,
    /// The output directory (created if needed; files of an earlier site there that this one no longer has are removed, nothing else).
    #[arg(long, default_value = "target/eventsmith-docs")]
    out: PathBuf,
    /// The site's title.
    #[arg(long, default_value = "Event catalog")]
    title: String,
}

/// Runs the command: 0 written, 2 catalog or I/O error.
pub fn run(a: Args) -> u8 {
    let mut compiled = match crate::catalog::load_catalog(&a.schemas) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let options = DocsOptions {
        title: a.title,
        ..DocsOptions::default()
    };
    let site = match docs::build(&mut compiled, &options) {
        Ok(site) => site,
        Err(diags) => {
            eprint!("{}", diags.render_with(&RenderOptions::for_stderr()));
            return 2;
        }
    };
    match site.write(&a.out) {
        Ok(w) => {
            println!(
                "wrote {}: {} files, {} KB ({} changed, {} unchanged, {} stale removed)",
                a.out.display(),
                site.files.len(),
                site.size().div_ceil(1024),
                w.changed,
                w.unchanged,
                w.removed
            );
            println!("open {}", a.out.join("index.html").display());
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}
