//! Writes the deterministic event streams of the CLI benchmark
//! (BENCHMARKS.md, "CLI") as NDJSON, without holding a stream in memory:
//!
//! - `cargo run --release --example bench_stream -- /tmp/events.ndjson 82`
//!   writes at least 82 MB (10⁶ bytes each) of the mixed stream (85%
//!   valid examples with fresh ids, 10% the catalog's invalid examples, 5%
//!   seeded mutations; both sources);
//! - `… -- /tmp/invalid.ndjson 20 invalid` writes only the catalog's invalid
//!   examples, drawn at random (every event is invalid);
//! - `… -- /tmp/examples.ndjson 0 examples` writes every example of the
//!   catalog once, in catalog order.
//!
//! Beside each stream, `<path>.meta` says per line `source<TAB>entry<TAB>
//! verdict<TAB>name`: the source endpoint, the index of the schema version
//! it dispatches to in the benchmark tables (`-` when none), `valid`,
//! `invalid` or `?`, and the example's name (`-` in the streams). The
//! library benchmark of `benches/baseline/` reads them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/common/mod.rs"]
mod common;

use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).map_or("/tmp/events.ndjson", String::as_str);
    let megabytes: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(200);
    let kind = args.get(3).map_or("mixed", String::as_str);
    if !["mixed", "invalid", "examples"].contains(&kind) {
        panic!("unknown stream {kind}: use mixed, invalid or examples");
    }
    let target = megabytes * 1_000_000;
    let bench = common::Bench::new();
    let names = bench.source_names();
    let (valid, invalid) = bench.valid_and_invalid();
    let mut rng = common::Rng::new(0x5EED);
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut meta = std::io::BufWriter::new(std::fs::File::create(format!("{path}.meta")).unwrap());
    let (mut written, mut events) = (0u64, 0u64);
    let mut line = Vec::new();
    let mut next_example = 0;
    loop {
        let (value, source, verdict, name) = match kind {
            "examples" => {
                let Some(ex) = bench.examples.get(next_example) else {
                    break;
                };
                next_example += 1;
                let source = bench.source_id(common::table::ENTRIES[ex.entry].source);
                let verdict = if ex.valid { "valid" } else { "invalid" };
                (ex.value.clone(), source, verdict, ex.name.as_str())
            }
            _ if written >= target => break,
            "invalid" => {
                let ex = &bench.examples[invalid[rng.below(invalid.len())]];
                let source = bench.source_id(common::table::ENTRIES[ex.entry].source);
                (ex.value.clone(), source, "invalid", "-")
            }
            _ => {
                let (source, value) = common::event(&bench, &mut rng, &valid, &invalid);
                (value, source, "?", "-")
            }
        };
        let entry = bench
            .dispatch(source, &value)
            .map_or_else(|| "-".to_owned(), |e| e.to_string());
        writeln!(meta, "{}\t{entry}\t{verdict}\t{name}", names[source]).unwrap();
        line.clear();
        serde_json::to_writer(&mut line, &value).unwrap();
        line.push(b'\n');
        out.write_all(&line).unwrap();
        written += line.len() as u64;
        events += 1;
    }
    out.flush().unwrap();
    meta.flush().unwrap();
    println!("{path}: {events} events, {written} bytes");
}
