#!/usr/bin/env bash
# The docs site in a real browser (issue 16): builds the site of the shipped
# catalog and of the hostile fixture catalog with `eventsmith docs`, then
# check.mjs loads them in Debian's Chromium (driven by playwright-core,
# which never downloads a browser of its own) and checks pages, links,
# search, phone width, accessibility (axe-core), escaping, and writes
# screenshots to target/docs-screenshots/ for review.
#
# Installs what it needs: Debian's `chromium` (apt-get, as root) when it is
# missing, and the npm packages pinned in package-lock.json into $WORK
# (default tests/docs-site/.work, gitignored), reinstalled only when the
# pins change. Needs node, npm and cargo. Exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
WORK="${WORK:-$here/.work}"
site="$root/target/docs-site"
hostile="$root/target/docs-site-hostile"
shots="$root/target/docs-screenshots"
cd "$root"

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "docs-site: Chromium is missing; install Debian's package: apt-get install chromium" >&2
    exit 1
  fi
  echo "== installing Debian's chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
chromium --version 2>/dev/null | head -1 || true

node_dir="$WORK/node"
stamp="$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -d' ' -f1)"
if ! { [ -f "$node_dir/.stamp" ] && [ "$(cat "$node_dir/.stamp")" = "$stamp" ] && [ -d "$node_dir/node_modules" ]; }; then
  echo "== installing axe-core and playwright-core (package-lock.json)"
  rm -rf "$node_dir" && mkdir -p "$node_dir"
  cp "$here/package.json" "$here/package-lock.json" "$node_dir/"
  (cd "$node_dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$stamp" >"$node_dir/.stamp"
fi

echo "== eventsmith docs (the shipped catalog, and the hostile fixture)"
# The debug binary: CI has built it for the tests already (the release
# binary builds the same site several times faster).
cargo build -q -p eventsmith-cli
eventsmith="$root/target/debug/eventsmith"
start=$(date +%s%N)
"$eventsmith" docs --out "$site"
echo "built in $(( ($(date +%s%N) - start) / 1000000 )) ms (debug build); $(du -sh "$site" | cut -f1) on disk"
"$eventsmith" docs --schemas codegen/tests/docs/hostile --out "$hostile" >/dev/null

echo "== Chromium"
cp "$here/check.mjs" "$node_dir/check.mjs"
node "$node_dir/check.mjs" "$site" "$hostile" "$shots"
