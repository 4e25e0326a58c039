//! Code generation (BENCHMARKS.md, rows 4): load + lower, and load + lower +
//! emit, for the shipped catalog and, when it is there, the synthetic
//! catalog of `tests/scale/` (set `EVENTSMITH_BENCH_CATALOG=<dir>` to time
//! another). Prints the lines of generated code per event version.
//!
//! `cargo bench --bench codegen -- --warm-up-time 1 --measurement-time 3`

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use eventsmith_codegen::Config;

fn catalogs() -> Vec<(String, PathBuf)> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec![("shipped".to_owned(), repo.join("schemas"))];
    for candidate in ["tests/scale/schemas", "tests/scale/catalog"] {
        let dir = repo.join(candidate);
        if dir.is_dir() {
            out.push(("scale".to_owned(), dir));
            break;
        }
    }
    if let Some(dir) = std::env::var_os("EVENTSMITH_BENCH_CATALOG") {
        out.push(("custom".to_owned(), PathBuf::from(dir)));
    }
    out
}

fn benches(c: &mut Criterion) {
    for (name, dir) in catalogs() {
        let mut config = Config::new();
        config.schemas(&dir).cargo_directives(false);
        let Ok((code, _)) = config.generate() else {
            eprintln!("{name}: {} does not generate; skipped", dir.display());
            continue;
        };
        let (compiled, _) = config.load().unwrap();
        let versions = compiled.catalog.version_count();
        let lines = code.lines().count();
        eprintln!(
            "{name}: {versions} event versions, {lines} lines of generated code, {} lines per version, {} bytes",
            lines / versions.max(1),
            code.len()
        );
        let mut g = c.benchmark_group(format!("codegen {name} ({versions} versions)"));
        g.sample_size(10);
        g.bench_function("load_lower", |b| b.iter(|| config.load().unwrap()));
        g.bench_function("generate", |b| {
            b.iter(|| config.generate().unwrap().0.len())
        });
        g.finish();
    }
}

criterion_group!(codegen, benches);
criterion_main!(codegen);
