//! Validation alone on an already parsed `Value` (BENCHMARKS.md, rows 2):
//! the generated `Schema::is_valid`/`validate` (which read the `Value`
//! through a tape built from it, `Tape::from_value`, then run the source's
//! embedded program with the runtime engine) against the `jsonschema`
//! runtime validator and the `jsonschema` compile-time macro, per schema
//! (a valid and, where the catalog has one, an invalid example of each
//! chosen version) and over every example of the catalog.
//!
//! `cargo bench --bench validate -- --warm-up-time 1 --measurement-time 3`

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::hint::black_box;

use common::table::ENTRIES;
use common::{Bench, Example};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// One valid example per chosen schema version: both sources, small to large.
const EXAMPLES: &[&str] = &[
    "impact_stack/form_submission_confirmed/1.1.0-utc.json",
    "impact_stack/donation/1.3.0-one-off.json",
    "impact_stack/form_submission/2.1.0-petition.json",
    "impact_stack/form_submission/1.1.0-with-copies.json",
    "gigs/sim.deleted/2024-10-28.json",
    "gigs/porting.completed/2025-05-22.json",
    "gigs/subscription.created/2025-05-22.json",
];

fn group(c: &mut Criterion, bench: &Bench, title: &str, examples: &[&Example]) {
    for ex in examples {
        let e = &ENTRIES[ex.entry];
        assert_eq!((e.ours_is_valid)(&ex.value), ex.valid, "{}: ours", ex.name);
        assert_eq!(
            bench.runtime[ex.entry].is_valid(&ex.value),
            ex.valid,
            "{}: jsonschema",
            ex.name
        );
        assert_eq!(
            (e.macro_is_valid)(&ex.value),
            ex.valid,
            "{}: macro",
            ex.name
        );
    }
    let size: usize = examples.iter().map(|e| e.bytes.len()).sum();
    let mut g = c.benchmark_group(title);
    g.throughput(Throughput::Bytes(size as u64));
    let each =
        |f: &dyn Fn(&Example) -> usize| examples.iter().map(|ex| f(black_box(ex))).sum::<usize>();
    g.bench_function("ours_is_valid", |b| {
        b.iter(|| each(&|ex| usize::from((ENTRIES[ex.entry].ours_is_valid)(&ex.value))))
    });
    g.bench_function("ours_validate", |b| {
        b.iter(|| each(&|ex| (ENTRIES[ex.entry].ours_errors)(&ex.value)))
    });
    g.bench_function("a_is_valid", |b| {
        b.iter(|| each(&|ex| usize::from(bench.runtime[ex.entry].is_valid(&ex.value))))
    });
    g.bench_function("a_iter_errors", |b| {
        b.iter(|| each(&|ex| bench.runtime[ex.entry].iter_errors(&ex.value).count()))
    });
    g.bench_function("b_is_valid", |b| {
        b.iter(|| each(&|ex| usize::from((ENTRIES[ex.entry].macro_is_valid)(&ex.value))))
    });
    g.bench_function("b_iter_errors", |b| {
        b.iter(|| each(&|ex| (ENTRIES[ex.entry].macro_errors)(&ex.value)))
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let bench = Bench::new();
    for name in EXAMPLES {
        let ex = bench.example(name);
        let schema = format!(
            "{}@{}",
            ENTRIES[ex.entry].event_type, ENTRIES[ex.entry].version
        );
        group(
            c,
            &bench,
            &format!("validate {schema} valid ({name})"),
            &[ex],
        );
        let invalid = bench
            .examples
            .iter()
            .filter(|e| e.entry == ex.entry && !e.valid)
            .max_by_key(|e| e.bytes.len());
        if let Some(bad) = invalid {
            group(
                c,
                &bench,
                &format!("validate {schema} invalid ({})", bad.name),
                &[bad],
            );
        }
    }
    let valid: Vec<&Example> = bench.examples.iter().filter(|e| e.valid).collect();
    let invalid: Vec<&Example> = bench.examples.iter().filter(|e| !e.valid).collect();
    group(
        c,
        &bench,
        &format!("validate all {} valid examples", valid.len()),
        &valid,
    );
    group(
        c,
        &bench,
        &format!("validate all {} invalid examples", invalid.len()),
        &invalid,
    );
}

criterion_group!(validate, benches);
criterion_main!(validate);
