#!/usr/bin/env python3
"""Copies octokit's GitHub webhook schemas and example payloads into the
eventsmith layout, byte for byte, and proves the copy.

    python3 schemas/github/tools/import_reference.py [--reference DIR] [--check]

--reference defaults to ../shared/reference/github-webhooks (from the
repository root). Without --check it (re)writes:

- schemas/github/<event>/<action>.schema.json, common/*.schema.json and
  LICENSE: the upstream files unchanged, same relative layout;
- schemas/github/<event>/examples/<name>.json: every upstream payload,
  unchanged, renamed to the eventsmith example layout (see example_name);
- schemas/github/<event>/examples/SOURCES.md: where each example comes from;
- schemas/github/tools/upstream-examples.json: the same mapping, for tools.

With --check it writes nothing and exits 1 unless every upstream schema and
payload has a byte-identical copy (sha256) and the mapping files are fresh.
Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent  # schemas/github
REPO = SOURCE.parent.parent
SCHEMAS = Path("payload-schemas/api.github.com")
EXAMPLES = Path("payload-examples/api.github.com")
MAPPING = HERE / "upstream-examples.json"
UPSTREAM = "octokit/webhooks"
# The upstream commit the reference copy was taken at (its README says so).
COMMIT = "3a58428aa5c399cf5aa12c8663aea1fb1f515254"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def schema_stem(event_dir: Path, payload: object) -> str:
    """The schema a payload is read with, as the catalog will dispatch it:
    an event with `event.schema.json` has that one schema (even when its
    payloads carry a free-form `action`, as repository_dispatch's do);
    otherwise the payload's `action` names the schema."""
    if (event_dir / "event.schema.json").is_file():
        return "event"
    if isinstance(payload, dict) and isinstance(payload.get("action"), str):
        return payload["action"]
    # No action and no event schema: keep a name that says so; the checker
    # reports it as a payload without a schema.
    return "no-action"


def example_name(upstream_name: str, stem: str) -> str:
    """`<stem>[-<variant>].json` from an upstream file name.

    Upstream names are `<action>[.<variant>].payload.json`, with exceptions:
    events without actions drop the action (`with-installation.payload.json`),
    some actions are missing (deployment's `payload.json` is `created`) or
    spelt with hyphens (`closed-by-user` for `closed_by_user`), and three
    names put `payload` elsewhere or leave it out. So the name is rebuilt
    from the schema stem (the action) plus whatever else the upstream name
    says: its dot-separated parts without `payload`, `json` and a leading
    part that is the action itself.
    """
    parts = [p for p in upstream_name.split(".")[:-1] if p != "payload"]
    if parts and parts[0].replace("-", "_") == stem:
        parts = parts[1:]
    variant = ".".join(parts)
    return f"{stem}-{variant}.json" if variant else f"{stem}.json"


def recorded_invalid(event_dir: Path) -> set[str]:
    """The file names `examples/invalid/expected.yaml` lists (its top-level keys)."""
    expected = event_dir / "examples" / "invalid" / "expected.yaml"
    if not expected.is_file():
        return set()
    lines = expected.read_text(encoding="utf-8").splitlines()
    return {line.split(":", 1)[0] for line in lines if line.endswith(".json:")}


def plan(reference: Path) -> tuple[dict[Path, Path], dict[str, str]]:
    """(destination -> upstream file, our example path -> upstream path)."""
    copies: dict[Path, Path] = {SOURCE / "LICENSE": reference / "LICENSE"}
    for path in sorted((reference / SCHEMAS).rglob("*.schema.json")):
        copies[SOURCE / path.relative_to(reference / SCHEMAS)] = path
    mapping: dict[str, str] = {}
    for path in sorted((reference / EXAMPLES).rglob("*.json")):
        event = path.parent.name
        payload = json.loads(path.read_bytes())
        stem = schema_stem(reference / SCHEMAS / event, payload)
        dest = SOURCE / event / "examples" / example_name(path.name, stem)
        # A payload recorded as expected-invalid (listed in its event's
        # examples/invalid/expected.yaml, with the reason) lives there.
        if dest.name in recorded_invalid(SOURCE / event):
            dest = dest.parent / "invalid" / dest.name
        if dest in copies:
            sys.exit(f"two upstream payloads map to {dest.relative_to(REPO)}")
        copies[dest] = path
        mapping[str(dest.relative_to(SOURCE))] = str(path.relative_to(reference))
    return copies, dict(sorted(mapping.items()))


def sources_md(event: str, rows: list[tuple[str, str]]) -> str:
    lines = [
        f"# `{event}` examples: where they come from",
        "",
        f"Real payloads from [{UPSTREAM}](https://github.com/{UPSTREAM})",
        f"at commit `{COMMIT}`, MIT licensed",
        "(`../../LICENSE`), byte-identical to upstream; only the file names",
        "follow the eventsmith layout (`<action>[-<variant>].json`). Written by",
        "`schemas/github/tools/import_reference.py`; whether each is valid",
        "against its schema is in `../../EXAMPLES.md`.",
        "",
        "| example | upstream file |",
        "|---|---|",
    ]
    lines += [f"| `{ours}` | `{theirs}` |" for ours, theirs in rows]
    return "\n".join(lines) + "\n"


def generated(mapping: dict[str, str]) -> dict[Path, str]:
    out = {MAPPING: json.dumps(mapping, indent=2) + "\n"}
    by_event: dict[str, list[tuple[str, str]]] = {}
    for ours, theirs in mapping.items():
        event, _, name = ours.split("/", 2)
        by_event.setdefault(event, []).append((name, theirs))
    for event, rows in by_event.items():
        out[SOURCE / event / "examples" / "SOURCES.md"] = sources_md(event, rows)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reference",
        type=Path,
        default=REPO.parent / "shared" / "reference" / "github-webhooks",
    )
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    reference = args.reference.resolve()
    if COMMIT not in (reference / "README.md").read_text(encoding="utf-8"):
        print(f"warning: {reference}/README.md does not name commit {COMMIT}", file=sys.stderr)
    copies, mapping = plan(reference)
    files = generated(mapping)

    if not args.check:
        for dest, src in copies.items():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
        for dest, text in files.items():
            dest.write_text(text, encoding="utf-8")

    problems = [
        f"not byte-identical to {src.relative_to(reference)}: {dest.relative_to(REPO)}"
        for dest, src in copies.items()
        if not dest.is_file() or sha256(dest) != sha256(src)
    ]
    problems += [
        f"stale: {dest.relative_to(REPO)}"
        for dest, text in files.items()
        if not dest.is_file() or dest.read_text(encoding="utf-8") != text
    ]
    for problem in problems:
        print(problem, file=sys.stderr)
    schemas = sum(1 for d in copies if d.name.endswith(".schema.json"))
    print(
        f"{schemas} schemas, {len(mapping)} examples, LICENSE: "
        + ("all byte-identical" if not problems else f"{len(problems)} problem(s)")
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
