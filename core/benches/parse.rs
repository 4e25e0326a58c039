//! Parse throughput: the tape parser against serde_json, on the catalog's
//! JSON examples one payload at a time and as one NDJSON stream (one
//! compact line per example).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use eventsmith_core::json::{Limits, Tape, TapeBuffers};
use serde::de::IgnoredAny;
use serde_json::Value;

fn parse(c: &mut Criterion) {
    let examples = common::examples();
    let payloads: Vec<&[u8]> = examples.iter().map(|e| e.text.as_slice()).collect();
    let bytes: usize = payloads.iter().map(|p| p.len()).sum();
    let stream: Vec<u8> = payloads
        .iter()
        .flat_map(|p| {
            let mut line =
                serde_json::to_vec(&serde_json::from_slice::<Value>(p).unwrap()).unwrap();
            line.push(b'\n');
            line
        })
        .collect();
    let lines: Vec<&[u8]> = stream
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();

    let mut group = c.benchmark_group(format!("parse {} examples", payloads.len()));
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("tape", |b| {
        b.iter(|| {
            for p in &payloads {
                let tape = Tape::parse(p, Limits::DEFAULT).unwrap();
                std::hint::black_box(tape.entry_count());
            }
        })
    });
    group.bench_function("tape, reused buffers", |b| {
        let mut buffers = TapeBuffers::default();
        b.iter(|| {
            for p in &payloads {
                let tape = Tape::parse_with(p, Limits::DEFAULT, &mut buffers).unwrap();
                std::hint::black_box(tape.entry_count());
                buffers.recycle(tape);
            }
        })
    });
    group.bench_function("serde_json Value", |b| {
        b.iter(|| {
            for p in &payloads {
                std::hint::black_box(serde_json::from_slice::<Value>(p).unwrap());
            }
        })
    });
    group.bench_function("serde_json IgnoredAny", |b| {
        b.iter(|| {
            for p in &payloads {
                std::hint::black_box(serde_json::from_slice::<IgnoredAny>(p).unwrap());
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group(format!("parse NDJSON stream of {} lines", lines.len()));
    group.throughput(Throughput::Bytes(stream.len() as u64));
    group.bench_function("tape, reused buffers", |b| {
        let mut buffers = TapeBuffers::default();
        b.iter(|| {
            for line in &lines {
                let tape = Tape::parse_with(line, Limits::DEFAULT, &mut buffers).unwrap();
                std::hint::black_box(tape.entry_count());
                buffers.recycle(tape);
            }
        })
    });
    group.bench_function("serde_json Value", |b| {
        b.iter(|| {
            for line in &lines {
                std::hint::black_box(serde_json::from_slice::<Value>(line).unwrap());
            }
        })
    });
    group.bench_function("serde_json IgnoredAny", |b| {
        b.iter(|| {
            for line in &lines {
                std::hint::black_box(serde_json::from_slice::<IgnoredAny>(line).unwrap());
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
    targets = parse
}
criterion_main!(benches);
