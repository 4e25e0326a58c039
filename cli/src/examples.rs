//! `eventsmith examples`: prove every example in the catalog.

use std::path::PathBuf;

use eventsmith_codegen::validate::CatalogValidator;

/// Arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The catalog directory.
    #[arg(long, default_value = "schemas")]
    schemas: PathBuf,
}

/// Runs the command: exit 0 when every example behaves, 1 otherwise.
pub fn run(a: Args) -> u8 {
    let compiled = match crate::catalog::load_catalog(&a.schemas) {
        Ok(c) => c,
        Err(code) => return code,
    };
    // Regenerate the bindings in memory: the proof covers generation too.
    let options = eventsmith_codegen::emit::EmitOptions {
        json_schema: true,
        regenerate_with: "cargo run -p eventsmith-cli -- generate".to_owned(),
        ..Default::default()
    };
    let files = match eventsmith_codegen::emit::generate(&compiled, &options) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let nodes: usize = compiled.sources.iter().map(|s| s.graph.nodes.len()).sum();
    let lines: usize = files.values().map(|f| f.lines().count()).sum();
    println!(
        "bindings regenerated: {} types, {} validator nodes, {} lines of Rust in {} files",
        compiled.types.types.len(),
        nodes,
        lines,
        files.len()
    );
    let validator = CatalogValidator::new(&compiled);
    let problems = validator.check_examples();
    let mut valid = 0;
    let mut invalid = 0;
    let mut versions = 0;
    for s in &compiled.catalog.sources {
        let examples: Vec<_> = s
            .events
            .iter()
            .flat_map(|e| &e.versions)
            .flat_map(|v| &v.examples)
            .collect();
        versions += s.version_count();
        let v = examples
            .iter()
            .filter(|e| e.expect == eventsmith_codegen::load::catalog::Expectation::Valid)
            .count();
        valid += v;
        invalid += examples.len() - v;
        println!(
            "{}: {} event types, {} versions, {} valid and {} invalid examples",
            s.name,
            s.events.len(),
            s.version_count(),
            v,
            examples.len() - v
        );
    }
    for p in &problems {
        println!("FAIL {p}");
    }
    println!(
        "{} versions; {} examples proven ({} valid, {} rejected as recorded), {} failing",
        versions,
        valid + invalid - problems.len(),
        valid,
        invalid,
        problems.len()
    );
    u8::from(!problems.is_empty())
}
