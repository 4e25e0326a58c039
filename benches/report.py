#!/usr/bin/env python3
"""Prints the criterion medians of the last `cargo bench` run as the
markdown tables of BENCHMARKS.md, with ratios computed within each group
(every contender of a group ran in the same process, one after the other).

    python3 benches/report.py [criterion-dir]   (default: $CARGO_TARGET_DIR/criterion or target/criterion)
"""

import json
import os
import sys
from pathlib import Path


def load(root: Path):
    groups = {}
    for bench in root.glob("*/*/new/benchmark.json"):
        meta = json.loads(bench.read_text())
        est = json.loads((bench.parent / "estimates.json").read_text())
        g = groups.setdefault(meta["group_id"], {"throughput": meta.get("throughput"), "fns": {}})
        g["fns"][meta["function_id"]] = est["median"]["point_estimate"]
    return groups


def fmt_time(ns: float) -> str:
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def size(t) -> str:
    if not t:
        return ""
    if "Bytes" in t:
        return f"{t['Bytes']:,} B"
    if "Elements" in t:
        return f"{t['Elements']:,} events"
    return ""


def ratio(a, b) -> str:
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.2f}×"


def main():
    default = Path(os.environ.get("CARGO_TARGET_DIR", "target")) / "criterion"
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    groups = load(root)

    print("### Bytes → typed, validated event\n")
    print("| input | size | ours | (a) is_valid | (a) all errors | (b) is_valid | (b) all errors | (c) typed, no validation "
          "| (a) is_valid ÷ ours | (a) all errors ÷ ours | (b) is_valid ÷ ours | (b) all errors ÷ ours | ours ÷ (c) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name in sorted(g for g in groups if g.startswith("decode ")):
        f = groups[name]["fns"]
        ours = f.get("ours")
        cells = [f.get(k) for k in ("ours", "a_is_valid", "a_iter_errors", "b_is_valid", "b_iter_errors", "c_typed")]
        print(f"| {name[len('decode '):]} | {size(groups[name]['throughput'])} | "
              + " | ".join(fmt_time(c) if c is not None else "–" for c in cells)
              + f" | {ratio(f.get('a_is_valid'), ours)} | {ratio(f.get('a_iter_errors'), ours)}"
              + f" | {ratio(f.get('b_is_valid'), ours)} | {ratio(f.get('b_iter_errors'), ours)} | {ratio(ours, f.get('c_typed'))} |")

    print("\n### Validation of a parsed value\n")
    print("| schema / input | size | ours is_valid | ours validate | (a) is_valid | (a) all errors | (b) is_valid | (b) all errors "
          "| (a) ÷ ours (is_valid) | (b) ÷ ours (is_valid) | (a) ÷ ours (all errors) | (b) ÷ ours (all errors) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name in sorted(g for g in groups if g.startswith("validate ")):
        f = groups[name]["fns"]
        cells = [f.get(k) for k in ("ours_is_valid", "ours_validate", "a_is_valid", "a_iter_errors", "b_is_valid", "b_iter_errors")]
        print(f"| {name[len('validate '):]} | {size(groups[name]['throughput'])} | "
              + " | ".join(fmt_time(c) if c is not None else "–" for c in cells)
              + f" | {ratio(f.get('a_is_valid'), f.get('ours_is_valid'))} | {ratio(f.get('b_is_valid'), f.get('ours_is_valid'))}"
              + f" | {ratio(f.get('a_iter_errors'), f.get('ours_validate'))} | {ratio(f.get('b_iter_errors'), f.get('ours_validate'))} |")

    cg = sorted(g for g in groups if g.startswith("codegen "))
    if cg:
        print("\n### Code generation\n")
        print("| catalog | load + lower | load + lower + emit |")
        print("|---|---|---|")
        for name in cg:
            f = groups[name]["fns"]
            print(f"| {name[len('codegen '):]} | {fmt_time(f['load_lower']) if 'load_lower' in f else '–'} | "
                  f"{fmt_time(f['generate']) if 'generate' in f else '–'} |")


if __name__ == "__main__":
    main()
