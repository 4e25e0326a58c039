#!/usr/bin/env bash
# Build cost of generated bindings (BENCHMARKS.md, "Build cost"): generates the
# synthetic catalog of tests/scale/generate.py with EVENTS event types x 3
# versions, times `eventsmith generate` on it, then compiles a crate whose
# lib.rs includes the bindings (dev profile, no debug info, dependencies built
# beforehand so only the bindings crate is timed) and prints one line:
#
#   events=100 versions=300 generate_s=.. generate_peak_mb=.. lines=.. lines_per_version=.. compile_s=.. compile_peak_mb=..
#
#   benches/scale/measure.sh 100            # the 100 x 3 slice
#   benches/scale/measure.sh 1000           # the 1,000 x 3 catalog
#
# Peak memory is GNU time's maximum resident set size over the process tree.
set -euo pipefail
events=${1:-100}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${SCALE_WORK:-/tmp/eventsmith-scale-$events}
rm -rf "$work"; mkdir -p "$work"
python3 "$root/tests/scale/generate.py" "$work/schemas" --events "$events" --versions 3 >/dev/null
cargo build -q --release -p eventsmith-cli --manifest-path "$root/Cargo.toml"
cli="${CARGO_TARGET_DIR:-$root/target}/release/eventsmith"
mkdir -p "$work/out"
/usr/bin/time -f '%e %M' -o "$work/generate.time" "$cli" generate --schemas "$work/schemas" --out "$work/out" --json-schema false >/dev/null
read -r gen_s gen_kb < "$work/generate.time"
lines=$(cat "$work"/out/*.rs | wc -l)
# The crate that compiles the bindings, as a downstream user's would.
crate="$work/crate"; mkdir -p "$crate/src"
cat > "$crate/Cargo.toml" <<TOML
[package]
name = "scale-bindings"
version = "0.0.0"
edition = "2024"
publish = false
[dependencies]
eventsmith = { path = "$root", default-features = false }
[profile.dev]
debug = false
[workspace]
TOML
echo "" > "$crate/src/lib.rs"
CARGO_INCREMENTAL=0 CARGO_TARGET_DIR="$work/target" cargo build -q --manifest-path "$crate/Cargo.toml" 2>/dev/null
main=$(ls "$work"/out/*.rs | head -1)
for f in "$work"/out/*; do cp "$f" "$crate/src/"; done
echo "include!(\"$(basename "$main")\");" > "$crate/src/lib.rs"
/usr/bin/time -f '%e %M' -o "$work/compile.time" env CARGO_INCREMENTAL=0 CARGO_TARGET_DIR="$work/target" cargo build -q --manifest-path "$crate/Cargo.toml"
read -r comp_s comp_kb < "$work/compile.time"
versions=$((events * 3))
echo "events=$events versions=$versions generate_s=$gen_s generate_peak_mb=$((gen_kb / 1024)) lines=$lines lines_per_version=$((lines / versions)) compile_s=$comp_s compile_peak_mb=$((comp_kb / 1024)) load=$(cut -d' ' -f1-3 /proc/loadavg)"
