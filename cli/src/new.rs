//! `eventsmith new SOURCE/EVENT_TYPE --bump major|minor|patch`: start the
//! next version of an event type (or the first of a new one).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use eventsmith_codegen::compat::Bump;
use eventsmith_codegen::compat::scaffold;
use eventsmith_codegen::load::catalog::Catalog;
use eventsmith_codegen::validate::CatalogValidator;
use eventsmith_codegen::{Compiled, Diagnostics};

/// The part of the version to raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BumpArg {
    /// Breaking changes: MAJOR+1.0.0.
    Major,
    /// Additions: MAJOR.MINOR+1.0.
    Minor,
    /// Fixes: MAJOR.MINOR.PATCH+1.
    Patch,
}

/// Arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The event type as SOURCE/EVENT_TYPE (its directory), e.g. impact_stack/form_submission.
    target: String,
    /// Which part of the version to raise (calendar sources use today's date; a new event type starts at 1.0.0).
    #[arg(long, value_enum)]
    bump: BumpArg,
    /// The catalog directory.
    #[arg(long, default_value = "schemas")]
    schemas: PathBuf,
}

/// Runs the command: exit 0 when the files were written, 1 when it refuses
/// (a file exists, nothing newer to create), 2 on usage errors or an
/// unreadable catalog.
pub fn run(a: Args) -> u8 {
    let Some((source, event)) = a
        .target
        .split_once('/')
        .filter(|(s, e)| !s.is_empty() && !e.is_empty())
    else {
        eprintln!(
            "error: name the event type as SOURCE/EVENT_TYPE, e.g. impact_stack/form_submission"
        );
        return 2;
    };
    if !a.schemas.is_dir() {
        eprintln!(
            "error: the catalog directory {} does not exist (use --schemas DIR)",
            a.schemas.display()
        );
        return 2;
    }
    let bump = match a.bump {
        BumpArg::Major => Bump::Major,
        BumpArg::Minor => Bump::Minor,
        BumpArg::Patch => Bump::Patch,
    };
    let mut diags = Diagnostics::default();
    let mut catalog = Catalog::load(&a.schemas, &mut diags);
    if catalog.source(source).is_none() {
        if diags.has_errors() {
            eprint!("{}", diags.render());
        }
        let known: Vec<&str> = catalog.sources.iter().map(|s| s.name.as_str()).collect();
        eprintln!(
            "error: the catalog has no source \"{source}\" (sources: {})",
            known.join(", ")
        );
        return 2;
    }
    let plan = match scaffold::plan(&mut catalog, source, event, bump, scaffold::today()) {
        Ok(p) => p,
        Err(why) => {
            eprintln!("error: {why}");
            return 1;
        }
    };
    drop(catalog);
    // Printed at the end; write errors (a closed pipe) are ignored.
    let mut out = String::new();
    if let Some(dir) = &plan.new_event_dir {
        let _ = writeln!(out, "new event type {source}/{event}");
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("error: cannot create {}: {e}", dir.display());
            return 2;
        }
    }
    if let Some(examples) = plan.example_path.parent()
        && let Err(e) = std::fs::create_dir_all(examples)
    {
        eprintln!("error: cannot create {}: {e}", examples.display());
        return 2;
    }
    for (path, text) in [
        (&plan.schema_path, &plan.schema_text),
        (&plan.example_path, &plan.example_text),
    ] {
        // create_new: never overwrite, even if the file appeared meanwhile.
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .and_then(|mut f| f.write_all(text.as_bytes()));
        if let Err(e) = written {
            eprintln!("error: cannot write {}: {e}", path.display());
            return 1;
        }
    }
    let _ = match &plan.from {
        Some(from) => writeln!(
            out,
            "created {} (a copy of {from})",
            scaffold::shown(&plan.schema_path)
        ),
        None => writeln!(
            out,
            "created {} (a skeleton)",
            scaffold::shown(&plan.schema_path)
        ),
    };
    let _ = match &plan.example_from {
        Some(from) => writeln!(
            out,
            "created {} (from {}, version set to {})",
            scaffold::shown(&plan.example_path),
            scaffold::shown(from),
            plan.version
        ),
        None => writeln!(
            out,
            "created {} (a minimal stub)",
            scaffold::shown(&plan.example_path)
        ),
    };
    let _ = writeln!(out, "{}", stub_verdict(&a.schemas, &plan));
    let _ = writeln!(out, "next:");
    for (i, step) in plan.next_steps.iter().enumerate() {
        let _ = writeln!(out, "  {}. {step}", i + 1);
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    0
}

/// Whether the stub example validates against the new version.
fn stub_verdict(schemas: &std::path::Path, plan: &scaffold::Scaffold) -> String {
    let mut diags = Diagnostics::default();
    let compiled = Compiled::load(schemas, &mut diags);
    let validator = CatalogValidator::new(&compiled);
    for (ci, cs) in compiled.sources.iter().enumerate() {
        let source = &compiled.catalog.sources[cs.source];
        for (ei, event) in source.events.iter().enumerate() {
            for (vi, v) in event.versions.iter().enumerate() {
                if v.version != plan.version || v.file != plan.schema_path {
                    continue;
                }
                let Some(example) = v.examples.iter().find(|e| e.path == plan.example_path) else {
                    continue;
                };
                let errors = validator.validate_version(ci, ei, vi, &example.value);
                if errors.is_empty() {
                    return format!("the stub example is valid for {}", plan.version);
                }
                let list: Vec<String> = errors.iter().map(|e| format!("    {e}")).collect();
                return format!(
                    "the stub example is not valid yet; fill it in:\n{}",
                    list.join("\n")
                );
            }
        }
    }
    "the new files could not be loaded; run `eventsmith check` to see why".to_owned()
}
