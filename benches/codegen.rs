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
        let Ok(generated) = config.generate() else {
            eprintln!("{name}: {} does not generate; skipped", dir.display());
            continue;
        };
        let (compiled, _) = config.load().unwrap();
        let versions = compiled.catalog.version_count();
        let lines: usize = generated.files.values().map(|f| f.lines().count()).sum();
        let bytes: usize = generated.files.values().map(String::len).sum();
        eprintln!(
            "{name}: {versions} event versions, {lines} lines of generated code, {} lines per version, {bytes} bytes",
            lines / versions.max(1),
        );
        let mut g = c.benchmark_group(format!("codegen {name} ({versions} versions)"));
        g.sample_size(10);
        g.bench_function("load_lower", |b| b.iter(|| config.load().unwrap()));
        g.bench_function("generate", |b| {
            b.iter(|| config.generate().unwrap().files.len())
        });
        g.finish();
    }
}

criterion_group!(codegen, benches);
criterion_main!(codegen);
