//! Writes the deterministic mixed event stream as NDJSON, for the CLI
//! benchmark (BENCHMARKS.md, rows 3): `cargo run --release --example
//! bench_stream -- /tmp/events-200mb.ndjson 200` writes at least 200 MB
//! (10⁶ bytes each) without holding the stream in memory.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/common/mod.rs"]
mod common;

use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).map_or("/tmp/events.ndjson", String::as_str);
    let megabytes: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(200);
    let target = megabytes * 1_000_000;
    let bench = common::Bench::new();
    let (valid, invalid) = bench.valid_and_invalid();
    let mut rng = common::Rng::new(0x5EED);
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let (mut written, mut events) = (0u64, 0u64);
    let mut line = Vec::new();
    while written < target {
        let (_, value) = common::event(&bench, &mut rng, &valid, &invalid);
        line.clear();
        serde_json::to_writer(&mut line, &value).unwrap();
        line.push(b'\n');
        out.write_all(&line).unwrap();
        written += line.len() as u64;
        events += 1;
    }
    out.flush().unwrap();
    println!("{path}: {events} events, {written} bytes");
}
