//! A fixed workload for instruction-counting profilers (callgrind), which
//! are repeatable where wall-clock timings on a shared machine are not:
//!
//! ```text
//! cargo build --release --example bench_profile
//! valgrind --tool=callgrind target/release/examples/bench_profile is_valid impact_stack/form_submission/1.1.0-with-copies.json 10000
//! ```
//!
//! Modes: `ours` (bytes → tape → validated → decoded), `is_valid`,
//! `validate` (on a `Value`: a tape built from it, then the engine), `typed` (plain
//! serde), `parse` (bytes → `Value` only), `stream` (ours over the mixed
//! stream; the count is the number of events), `each` (every valid
//! example: ours ÷ typed by wall clock, a survey of where to profile).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/common/mod.rs"]
mod common;

use std::hint::black_box;

use common::table::ENTRIES;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("is_valid", String::as_str);
    let name = args.get(2).map_or(
        "impact_stack/form_submission/1.1.0-with-copies.json",
        String::as_str,
    );
    let n: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let bench = common::Bench::new();
    if mode == "stream" {
        let s = common::stream(&bench, n, 0x5EED);
        let names = bench.source_names();
        let ok = s
            .items
            .iter()
            .filter(|i| common::ours_event(names[i.source], s.event(i)))
            .count();
        println!("{ok} of {} valid", s.items.len());
        return;
    }
    if mode == "each" {
        // Every valid example: ours ÷ plain typed decoding, by wall clock
        // (a survey for where to profile, not a benchmark).
        let mut rows = Vec::new();
        for ex in bench.examples.iter().filter(|e| e.valid) {
            let e = &ENTRIES[ex.entry];
            let time = |f: &dyn Fn() -> bool| {
                let start = std::time::Instant::now();
                for _ in 0..n {
                    black_box(f());
                }
                start.elapsed().as_secs_f64()
            };
            let ours = time(&|| (e.ours)(black_box(&ex.bytes)));
            let typed = time(&|| (e.typed)(black_box(&ex.bytes)));
            rows.push((ours / typed, ex.name.clone(), ex.bytes.len()));
        }
        rows.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (ratio, name, len) in rows {
            println!("{ratio:.2}  {len:>6} B  {name}");
        }
        return;
    }
    let ex = bench.example(name);
    let e = &ENTRIES[ex.entry];
    let mut ok = 0usize;
    for _ in 0..n {
        ok += usize::from(match mode {
            "ours" => (e.ours)(black_box(&ex.bytes)),
            "is_valid" => (e.ours_is_valid)(black_box(&ex.value)),
            "validate" => (e.ours_errors)(black_box(&ex.value)) == 0,
            "typed" => (e.typed)(black_box(&ex.bytes)),
            "parse" => {
                eventsmith::json::parse_slice(black_box(&ex.bytes), eventsmith::Limits::DEFAULT)
                    .is_ok()
            }
            other => panic!("unknown mode {other}"),
        });
    }
    println!("{ok} of {n} ok");
}
