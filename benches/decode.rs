//! Bytes → typed, validated event (BENCHMARKS.md, rows 1): ours (bytes →
//! tape → dispatch → the engine on the embedded program → decode) against
//! (a) `serde_json` `Value` + `jsonschema` runtime validator, (b) the
//! `jsonschema` compile-time macro, (c) plain `serde_json::from_slice::<T>`,
//! all in the same run, on a representative subset of the catalog examples
//! (both sources, the largest payloads, invalid ones), on every example at
//! once, and on the mixed stream (`EVENTSMITH_BENCH_STREAM` events, default
//! 100,000).
//!
//! Inside the workspace serde_json has `preserve_order` (an `IndexMap` per
//! object for (a), (b) and (c)); `benches/baseline/` measures the same
//! table as users build it.
//!
//! `cargo bench --bench decode -- --warm-up-time 1 --measurement-time 3`

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::hint::black_box;

use common::table::ENTRIES;
use common::{Bench, Example};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::Value;

/// The representative subset: both sources, smallest to largest.
const EXAMPLES: &[&str] = &[
    "impact_stack/form_submission_confirmed/1.1.0-utc.json",
    "impact_stack/donation/1.3.0-one-off.json",
    "impact_stack/form_submission/2.1.0-petition.json",
    "impact_stack/form_submission/1.1.0-with-copies.json",
    "gigs/sim.deleted/2024-10-28.json",
    "gigs/porting.completed/2025-05-22.json",
    "gigs/subscription.created/2025-05-22.json",
];

fn parse(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap()
}

/// The largest invalid example of each source.
fn largest_invalid<'b>(bench: &'b Bench, source: &str) -> &'b Example {
    bench
        .examples
        .iter()
        .filter(|e| !e.valid && ENTRIES[e.entry].source == source)
        .max_by_key(|e| e.bytes.len())
        .unwrap_or_else(|| panic!("{source} has no invalid example"))
}

/// Every contender gives the verdict the catalog expects (else the timing
/// would compare different work).
fn sanity(bench: &Bench, ex: &Example) {
    let e = &ENTRIES[ex.entry];
    let v = &ex.value;
    let verdicts = [
        ("ours", (e.ours)(&ex.bytes)),
        ("ours is_valid", (e.ours_is_valid)(v)),
        ("jsonschema", bench.runtime[ex.entry].is_valid(v)),
        ("macro", (e.macro_is_valid)(v)),
    ];
    for (who, verdict) in verdicts {
        assert_eq!(verdict, ex.valid, "{}: {who} says valid={verdict}", ex.name);
    }
}

fn examples(c: &mut Criterion, bench: &Bench) {
    let mut chosen: Vec<&Example> = EXAMPLES.iter().map(|n| bench.example(n)).collect();
    chosen.push(largest_invalid(bench, "impact_stack"));
    chosen.push(largest_invalid(bench, "gigs"));
    for ex in chosen {
        sanity(bench, ex);
        let e = &ENTRIES[ex.entry];
        let rt = &bench.runtime[ex.entry];
        let bytes = ex.bytes.as_slice();
        let mut g = c.benchmark_group(format!("decode {}", ex.name));
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function("ours", |b| b.iter(|| (e.ours)(black_box(bytes))));
        g.bench_function("a_is_valid", |b| {
            b.iter(|| rt.is_valid(&parse(black_box(bytes))))
        });
        g.bench_function("a_iter_errors", |b| {
            b.iter(|| rt.iter_errors(&parse(black_box(bytes))).count())
        });
        g.bench_function("b_is_valid", |b| {
            b.iter(|| (e.macro_is_valid)(&parse(black_box(bytes))))
        });
        g.bench_function("b_iter_errors", |b| {
            b.iter(|| (e.macro_errors)(&parse(black_box(bytes))))
        });
        g.bench_function("c_typed", |b| b.iter(|| (e.typed)(black_box(bytes))));
        g.finish();
    }
}

/// Every valid example of the catalog, one after the other, per contender.
fn all_examples(c: &mut Criterion, bench: &Bench) {
    let valid: Vec<&Example> = bench.examples.iter().filter(|e| e.valid).collect();
    for ex in &valid {
        sanity(bench, ex);
    }
    let size: usize = valid.iter().map(|e| e.bytes.len()).sum();
    let mut g = c.benchmark_group(format!("decode all {} valid examples", valid.len()));
    g.throughput(Throughput::Bytes(size as u64));
    g.bench_function("ours", |b| {
        b.iter(|| {
            valid
                .iter()
                .filter(|ex| (ENTRIES[ex.entry].ours)(&ex.bytes))
                .count()
        })
    });
    g.bench_function("a_is_valid", |b| {
        b.iter(|| {
            valid
                .iter()
                .filter(|ex| bench.runtime[ex.entry].is_valid(&parse(&ex.bytes)))
                .count()
        })
    });
    g.bench_function("a_iter_errors", |b| {
        b.iter(|| {
            valid
                .iter()
                .map(|ex| {
                    bench.runtime[ex.entry]
                        .iter_errors(&parse(&ex.bytes))
                        .count()
                })
                .sum::<usize>()
        })
    });
    g.bench_function("b_is_valid", |b| {
        b.iter(|| {
            valid
                .iter()
                .filter(|ex| (ENTRIES[ex.entry].macro_is_valid)(&parse(&ex.bytes)))
                .count()
        })
    });
    g.bench_function("b_iter_errors", |b| {
        b.iter(|| {
            valid
                .iter()
                .map(|ex| (ENTRIES[ex.entry].macro_errors)(&parse(&ex.bytes)))
                .sum::<usize>()
        })
    });
    g.bench_function("c_typed", |b| {
        b.iter(|| {
            valid
                .iter()
                .filter(|ex| (ENTRIES[ex.entry].typed)(&ex.bytes))
                .count()
        })
    });
    g.finish();
}

/// The mixed stream. Ours, (a) and (b) dispatch on type and version
/// themselves; (c) cannot (it needs the type first) and gets the target
/// type precomputed, which only makes the ceiling higher.
fn stream(c: &mut Criterion, bench: &Bench) {
    let n = std::env::var("EVENTSMITH_BENCH_STREAM")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let s = common::stream(bench, n, 0x5EED);
    let names = bench.source_names();
    let ours: Vec<fn(&[u8]) -> bool> = names
        .iter()
        .map(|n| match *n {
            "gigs" => {
                (|b: &[u8]| eventsmith::gigs::Event::from_slice(b).is_ok()) as fn(&[u8]) -> bool
            }
            "impact_stack" => |b: &[u8]| eventsmith::impact_stack::Event::from_slice(b).is_ok(),
            other => panic!("unknown source {other}"),
        })
        .collect();
    let valid = s
        .items
        .iter()
        .filter(|i| ours[i.source](s.event(i)))
        .count();
    eprintln!(
        "stream: {} events, {} bytes (mean {} B), {valid} valid ({:.1}%)",
        s.items.len(),
        s.bytes.len(),
        s.bytes.len() / s.items.len().max(1),
        100.0 * valid as f64 / s.items.len().max(1) as f64
    );
    let dispatch_ok = |ex: &[u8], source| {
        let v = parse(ex);
        bench.dispatch(source, &v).map(|e| (e, v))
    };
    let mut g = c.benchmark_group(format!("decode mixed stream of {n} events"));
    g.sample_size(10);
    g.throughput(Throughput::Elements(s.items.len() as u64));
    g.bench_function("ours", |b| {
        b.iter(|| {
            s.items
                .iter()
                .filter(|i| ours[i.source](s.event(i)))
                .count()
        })
    });
    g.bench_function("a_is_valid", |b| {
        b.iter(|| {
            s.items
                .iter()
                .filter(|i| {
                    dispatch_ok(s.event(i), i.source)
                        .is_some_and(|(e, v)| bench.runtime[e].is_valid(&v))
                })
                .count()
        })
    });
    g.bench_function("a_iter_errors", |b| {
        b.iter(|| {
            s.items
                .iter()
                .map(|i| {
                    dispatch_ok(s.event(i), i.source)
                        .map_or(1, |(e, v)| bench.runtime[e].iter_errors(&v).count())
                })
                .sum::<usize>()
        })
    });
    g.bench_function("b_is_valid", |b| {
        b.iter(|| {
            s.items
                .iter()
                .filter(|i| {
                    dispatch_ok(s.event(i), i.source)
                        .is_some_and(|(e, v)| (ENTRIES[e].macro_is_valid)(&v))
                })
                .count()
        })
    });
    g.bench_function("b_iter_errors", |b| {
        b.iter(|| {
            s.items
                .iter()
                .map(|i| {
                    dispatch_ok(s.event(i), i.source)
                        .map_or(1, |(e, v)| (ENTRIES[e].macro_errors)(&v))
                })
                .sum::<usize>()
        })
    });
    g.bench_function("c_typed", |b| {
        b.iter(|| {
            s.items
                .iter()
                .filter(|i| i.entry.is_some_and(|e| (ENTRIES[e].typed)(s.event(i))))
                .count()
        })
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let bench = Bench::new();
    examples(c, &bench);
    all_examples(c, &bench);
    stream(c, &bench);
}

criterion_group!(decode, benches);
criterion_main!(decode);
