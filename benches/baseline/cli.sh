#!/usr/bin/env bash
# The CLI rows of BENCHMARKS.md: each command RUNS times (default 5), one
# after the other in turns, whole process under
# `/usr/bin/time -f '%e %M %U %S'`; prints each row's median wall time (s),
# peak RSS (KB) and CPU time (user + system, s), every sample, and the load
# average before and after. Inputs as BENCHMARKS.md says:
#   cargo run --release --example bench_stream -- /tmp/events.ndjson 82
#   cargo run --release --example bench_stream -- /tmp/invalid.ndjson 40 invalid
# Binaries: cargo build --release -p eventsmith-cli and
#   cargo build --release --manifest-path benches/baseline/Cargo.toml
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-5}
CLI=target/release/eventsmith
BASE=benches/baseline/target/release/eventsmith-baseline
declare -a NAMES CMDS
row() { NAMES+=("$1"); CMDS+=("$2"); }
for input in ${INPUTS:-/tmp/events.ndjson /tmp/invalid.ndjson}; do
  row "$input baseline" "$BASE generated/export $input"
  row "$input eventsmith --jobs 1" "$CLI validate --jobs 1 $input"
  row "$input eventsmith --jobs 2" "$CLI validate --jobs 2 $input"
done
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A SAMPLES
for ((r = 0; r < RUNS; r++)); do
  for i in "${!CMDS[@]}"; do
    s=$( { /usr/bin/time -f '%e %M %U %S' ${CMDS[$i]} > /dev/null || true; } 2>&1 | tail -n 1 )
    SAMPLES[$i]+="$s;"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in "${!CMDS[@]}"; do
  IFS=';' read -ra xs <<< "${SAMPLES[$i]}"
  wall=$(printf '%s\n' "${xs[@]}" | awk '{print $1}' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  rss=$(printf '%s\n' "${xs[@]}" | awk '{print $2}' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  cpu=$(printf '%s\n' "${xs[@]}" | awk '{print $3 + $4}' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-45s median %6s s wall %8s KB %6s s cpu   samples: %s\n' "${NAMES[$i]}" "$wall" "$rss" "$cpu" "${SAMPLES[$i]}"
done
