#!/usr/bin/env bash
# Proves generated/export/ with other ecosystems' own tools (issue 6):
#
#   typescript  json-schema-to-typescript types from every exported schema and
#               a .ts file per catalog example, all checked by `tsc --strict`
#   python      datamodel-code-generator pydantic v2 models (valid examples
#               validate, invalid ones are rejected or listed with a reason);
#               the `jsonschema` package on every example, verdicts equal to
#               eventsmith's; openapi-spec-validator on openapi.json
#   asyncapi    @asyncapi/parser on asyncapi.json
#
# The tools come from npm and PyPI at the versions pinned in package.json /
# package-lock.json and requirements.txt, installed into $WORK (default
# tests/cross-language/.work, gitignored); nothing else is fetched. Needs
# node, npm, python3 and cargo. Prints a summary and exits non-zero on any
# failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
WORK="${WORK:-$here/.work}"
export_dir="$root/generated/export"
schemas="$root/schemas"
mkdir -p "$WORK"
cd "$root"

declare -a results=()
passed=0
failed=0
start_all=$SECONDS

# run NAME COMMAND...: runs a step, records pass/fail and its time, never exits.
run() {
  local name="$1"
  shift
  local start=$SECONDS
  printf '\n== %s\n' "$name"
  if "$@"; then
    results+=("PASS  $name ($((SECONDS - start))s)")
    passed=$((passed + 1))
  else
    results+=("FAIL  $name ($((SECONDS - start))s)")
    failed=$((failed + 1))
  fi
}

summary() {
  printf '\n== summary (%ss)\n' "$((SECONDS - start_all))"
  printf '%s\n' "${results[@]}"
  echo "cross-language: $passed passed, $failed failed"
}

# --- eventsmith: the export is fresh and the examples' verdicts are eventsmith's
eventsmith() { cargo run -q -p eventsmith-cli -- "$@"; }
run "eventsmith export --check (generated/export/ is fresh)" eventsmith export --check
run "eventsmith examples (expected verdicts hold in eventsmith)" eventsmith examples

# --- tools, reinstalled only when the pins change
install_node() {
  local dir="$WORK/node" stamp
  stamp="$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -d' ' -f1)"
  if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$stamp" ] && [ -d "$dir/node_modules" ]; then
    return 0
  fi
  rm -rf "$dir" && mkdir -p "$dir"
  cp "$here/package.json" "$here/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) && echo "$stamp" >"$dir/.stamp"
}

install_python() {
  local dir="$WORK/venv" stamp
  stamp="$(cat "$here/requirements.txt" | sha256sum | cut -d' ' -f1)"
  if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$stamp" ] && [ -x "$dir/bin/python" ]; then
    return 0
  fi
  rm -rf "$dir"
  python3 -m venv "$dir"
  "$dir/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$here/requirements.txt" && echo "$stamp" >"$dir/.stamp"
}

run "install npm tools (package-lock.json)" install_node
run "install Python tools (requirements.txt)" install_python

node_dir="$WORK/node"
python="$WORK/venv/bin/python"

# --- TypeScript
typescript() {
  (cd "$node_dir" && node "$here/typescript.mjs" "$export_dir" "$WORK/ts") &&
    "$node_dir/node_modules/.bin/tsc" --strict --noEmit -p "$WORK/ts/tsconfig.json" &&
    echo "tsc --strict: every generated type and every example type-checks"
}
if [ -d "$node_dir/node_modules" ]; then
  run "TypeScript: json-schema-to-typescript + tsc --strict on types and examples" typescript
  run "AsyncAPI: @asyncapi/parser on asyncapi.json" bash -c "cd '$node_dir' && node '$here/asyncapi.mjs' '$export_dir/asyncapi.json'"
else
  run "TypeScript (tools missing)" false
  run "AsyncAPI (tools missing)" false
fi

# --- Python
if [ -x "$python" ]; then
  run "Python: jsonschema verdicts, pydantic models, openapi-spec-validator" \
    "$python" "$here/check.py" --export "$export_dir" --schemas "$schemas" --work "$WORK/python"
else
  run "Python (tools missing)" false
fi

summary
[ "$failed" -eq 0 ]
