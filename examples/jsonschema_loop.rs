//! What a user without eventsmith would write to check an NDJSON file of
//! events: `serde_json::Value` per line, dispatch on the type and version
//! members, the `jsonschema` runtime validator (built once per schema
//! version from the catalog's effective schemas), every error printed as
//! `eventsmith validate` prints it. The CLI benchmark's baseline
//! (BENCHMARKS.md, rows 3):
//!
//! `cargo run --release --example jsonschema_loop -- /tmp/events-200mb.ndjson`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader, Write};

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/events.ndjson".to_owned());
    let bench = common::Bench::new();
    let sources = bench.source_names();
    let input = BufReader::new(std::fs::File::open(&path).unwrap());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let (mut valid, mut invalid) = (0usize, 0usize);
    for (n, line) in input.split(b'\n').enumerate() {
        let line = line.unwrap();
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let value: serde_json::Value = match serde_json::from_slice(&line) {
            Ok(v) => v,
            Err(e) => {
                invalid += 1;
                writeln!(out, "{path}:{}: ?@?: /: {e}", n + 1).unwrap();
                continue;
            }
        };
        // The endpoint is not known from a file: try each source's dispatch.
        let Some(entry) = (0..sources.len()).find_map(|s| bench.dispatch(s, &value)) else {
            invalid += 1;
            writeln!(
                out,
                "{path}:{}: ?@?: /: unknown event type or version",
                n + 1
            )
            .unwrap();
            continue;
        };
        let e = &common::table::ENTRIES[entry];
        let mut ok = true;
        for err in bench.runtime[entry].iter_errors(&value) {
            ok = false;
            let ptr = err.instance_path().as_str().to_owned();
            writeln!(
                out,
                "{path}:{}: {}@{}: {}: {err}",
                n + 1,
                e.event_type,
                e.version,
                if ptr.is_empty() { "/" } else { &ptr }
            )
            .unwrap();
        }
        if ok {
            valid += 1;
        } else {
            invalid += 1;
        }
    }
    writeln!(out, "{valid} valid, {invalid} invalid").unwrap();
}
