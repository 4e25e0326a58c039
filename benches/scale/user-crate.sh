#!/usr/bin/env bash
# What a downstream crate pays (BENCHMARKS.md, "Build cost"): a crate with a
# one-schema catalog of its own, depending on `eventsmith` (no shipped
# catalog) and generating its bindings in build.rs with
# `eventsmith-codegen`, built cold (empty target directory, dev profile,
# no incremental cache). Prints the whole build's wall time and peak RSS,
# and the time of each eventsmith crate from cargo's --timings report.
#
#   benches/scale/user-crate.sh            # this checkout
#   ROOT=/path/to/other/checkout benches/scale/user-crate.sh
set -euo pipefail
root=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
work=${USER_CRATE_WORK:-/tmp/eventsmith-user-crate}
rm -rf "$work"
mkdir -p "$work/src" "$work/schemas/shop/order_placed/examples"
cat > "$work/Cargo.toml" <<TOML
[package]
name = "user-crate"
version = "0.0.0"
edition = "2024"
publish = false
[dependencies]
eventsmith = { path = "$root", default-features = false }
[build-dependencies]
eventsmith-codegen = { path = "$root/codegen" }
[workspace]
TOML
cat > "$work/build.rs" <<'RS'
fn main() {
    if let Err(e) = eventsmith_codegen::Config::new().schemas("schemas").compile() {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
RS
cat > "$work/src/lib.rs" <<'RS'
include!(concat!(env!("OUT_DIR"), "/eventsmith.rs"));

pub fn parse(body: &[u8]) -> Result<shop::Event, eventsmith::EventError> {
    shop::Event::from_slice(body)
}
RS
cat > "$work/schemas/shop/source.yaml" <<'YAML'
title: Shop
versioning: semver
type_field: type
version_field: version
YAML
cat > "$work/schemas/shop/order_placed/1.0.0.json" <<'JSON'
{
  "title": "Order placed",
  "type": "object",
  "required": ["type", "version", "id", "total"],
  "properties": {
    "type": {"const": "order_placed"},
    "version": {"type": "string"},
    "id": {"type": "string", "format": "uuid"},
    "total": {"type": "string", "format": "decimal"},
    "note": {"type": ["string", "null"], "maxLength": 200}
  }
}
JSON
cat > "$work/schemas/shop/order_placed/examples/1.0.0.json" <<'JSON'
{"type": "order_placed", "version": "1.0.0", "id": "e9cb75da-efcf-4dd3-9025-f7f1167b5eec", "total": "9.90"}
JSON
cd "$work"
/usr/bin/time -f '%e %M' -o "$work/build.time" env CARGO_INCREMENTAL=0 CARGO_TARGET_DIR="$work/target" \
    cargo build -q --timings >/dev/null 2>&1
read -r secs kb < "$work/build.time"
report=$(ls "$work"/target/cargo-timings/cargo-timing-*.html | head -1)
# The per-unit table of the report: "<td>name vX</td><td>seconds</td>".
crates=$(python3 - "$report" <<'PY'
import json, re, sys
html = open(sys.argv[1]).read()
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);", html, re.S).group(1))
shown = []
for u in units:
    if u["name"].startswith("eventsmith"):
        what = u["name"] + (u["target"].strip() or "")
        shown.append(f"{what}={u['duration']:.1f}s")
print(" ".join(shown))
PY
)
echo "user crate cold build: ${secs} s, peak $((kb / 1024)) MB; ${crates}; load=$(cut -d' ' -f1-3 /proc/loadavg)"
