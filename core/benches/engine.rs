//! The validation engine on the catalog's examples: `is_valid` on the
//! valid ones, `errors` on the `invalid/` ones, and bytes → verdict (parse
//! plus `is_valid`), against programs lowered from the catalog's schemas
//! (see `common`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use eventsmith_core::json::{Limits, Tape, TapeBuffers};
use eventsmith_core::validation::program::NodeId;

fn engine(c: &mut Criterion) {
    let examples = common::examples();
    let mut lower = common::Lower::default();
    let roots: Vec<NodeId> = examples
        .iter()
        .map(|e| lower.event(&e.source, &e.schema))
        .collect();
    let validator = lower.finish();
    let tapes: Vec<Tape<'_>> = examples
        .iter()
        .map(|e| Tape::parse(&e.text, Limits::DEFAULT).unwrap())
        .collect();
    let valid: Vec<usize> = (0..examples.len()).filter(|&i| examples[i].valid).collect();
    let invalid: Vec<usize> = (0..examples.len())
        .filter(|&i| !examples[i].valid)
        .collect();
    let passing = valid
        .iter()
        .filter(|&&i| validator.is_valid(roots[i], tapes[i].root()))
        .count();
    let failing = invalid
        .iter()
        .filter(|&&i| !validator.is_valid(roots[i], tapes[i].root()))
        .count();
    eprintln!(
        "{} program nodes; {passing} of {} valid examples pass, {failing} of {} invalid ones fail \
         (the bench's lowering approximates the generator's)",
        validator.program().nodes.len(),
        valid.len(),
        invalid.len()
    );

    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(valid.len() as u64));
    group.bench_function(format!("is_valid, {} valid examples", valid.len()), |b| {
        b.iter(|| {
            for &i in &valid {
                std::hint::black_box(validator.is_valid(roots[i], tapes[i].root()));
            }
        })
    });
    group.bench_function(format!("errors, {} valid examples", valid.len()), |b| {
        b.iter(|| {
            for &i in &valid {
                std::hint::black_box(validator.errors(roots[i], tapes[i].root()).is_ok());
            }
        })
    });
    group.bench_function(
        format!("bytes to verdict, {} valid examples", valid.len()),
        |b| {
            let mut buffers = TapeBuffers::default();
            b.iter(|| {
                for &i in &valid {
                    let tape =
                        Tape::parse_with(&examples[i].text, Limits::DEFAULT, &mut buffers).unwrap();
                    std::hint::black_box(validator.is_valid(roots[i], tape.root()));
                    buffers.recycle(tape);
                }
            })
        },
    );
    group.throughput(Throughput::Elements(invalid.len() as u64));
    group.bench_function(
        format!("is_valid, {} invalid examples", invalid.len()),
        |b| {
            b.iter(|| {
                for &i in &invalid {
                    std::hint::black_box(validator.is_valid(roots[i], tapes[i].root()));
                }
            })
        },
    );
    group.bench_function(format!("errors, {} invalid examples", invalid.len()), |b| {
        b.iter(|| {
            for &i in &invalid {
                std::hint::black_box(validator.errors(roots[i], tapes[i].root()).err());
            }
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    targets = engine
}
criterion_main!(benches);
