#!/usr/bin/env python3
"""Which of GitHub's real payloads break GitHub's own schemas, found by an
independent validator (Python's `jsonschema`, draft-07) on the unmodified
octokit schemas.

    python3 -m venv .venv-github
    .venv-github/bin/pip install -r schemas/github/tools/requirements.txt
    .venv-github/bin/python schemas/github/tools/check_examples.py [--check]

Writes schemas/github/tools/example-verdicts.json (machine-readable: every
example, its schema, valid or not with `format` annotating and asserting,
every error) and schemas/github/EXAMPLES.md (the same, for people). With
--check it writes nothing and exits 1 when either file is stale. Output is
deterministic: sorted inputs, sorted errors, pinned library versions.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urldefrag, urljoin

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent  # schemas/github: octokit's `api.github.com/` folder
VERDICTS = HERE / "example-verdicts.json"
SUMMARY = SOURCE / "EXAMPLES.md"
MAPPING = HERE / "upstream-examples.json"

# How octokit's references resolve, under JSON Schema's rules (RFC 3986
# resolution against a base URI, draft-07 §8):
#
# - Every `$id` is a relative reference: `"pull_request$opened"` for an
#   event schema, `"common/user.schema.json"` for a shared one. A relative
#   `$id` is resolved against the base URI the document was retrieved with.
#   Octokit's ids and refs are written relative to the `api.github.com/`
#   folder (a common schema's id is `common/<file>`, not `<file>`), so that
#   folder is the retrieval base of *every* document, and each document's
#   canonical URI is BASE + `$id`. It is not the file's own location:
#   `common/user.schema.json` resolved against the file URL
#   `.../common/user.schema.json` would give `.../common/common/…`.
# - A `$ref` resolves against the canonical URI of the document holding
#   it: `"common/user.schema.json"` in `pull_request$opened` →
#   BASE + `common/user.schema.json`; `"app.schema.json"` in
#   `common/check-run…` → BASE + `common/app.schema.json`. Event ids have no
#   `/`, so both forms land in the folder's layout.
#
# BASE stands for the folder; `.invalid` (RFC 2606) so nothing could ever be
# fetched, and `referencing` is given no retriever: an unknown URI is an
# error, never a download.
BASE = "https://octokit-webhooks.invalid/payload-schemas/api.github.com/"

MODES = {
    # jsonschema's draft-07 default: `format` is an annotation.
    "format_annotation": None,
    # `format` asserted, with the `format-nongpl` extras installed.
    "format_assertion": Draft7Validator.FORMAT_CHECKER,
}

# Keywords holding schemas by name, or (as lists) by index.
SCHEMA_MAPS = {"properties", "patternProperties", "definitions", "dependencies"}
SCHEMA_LISTS = {"allOf", "anyOf", "oneOf", "items"}

# Messages quote the failing value; an object's repr can be kilobytes.
MESSAGE_LIMIT = 300


def pointer(parts: Iterable[Any]) -> str:
    """A JSON pointer (RFC 6901) from path parts; `""` is the root."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def short(message: str) -> str:
    return message if len(message) <= MESSAGE_LIMIT else message[: MESSAGE_LIMIT - 1] + "…"


# ---------------------------------------------------------------- schemas


class Schemas:
    """Every schema of the source, registered by canonical URI."""

    def __init__(self, root: Path) -> None:
        self.files: dict[str, Path] = {}  # canonical URI -> file
        self.docs: dict[str, Any] = {}
        resources: list[tuple[str, Resource[Any]]] = []
        for path in sorted(root.rglob("*.schema.json")):
            contents = json.loads(path.read_bytes())
            # Fail loudly on a schema that is not valid draft-07 itself.
            Draft7Validator.check_schema(contents)
            uri = urljoin(BASE, contents["$id"])
            if uri in self.files:
                sys.exit(f"two schemas claim {uri}: {self.files[uri]} and {path}")
            self.files[uri] = path
            self.docs[uri] = contents
            resources.append((uri, DRAFT7.create_resource(contents)))
        self.registry: Registry[Any] = Registry().with_resources(resources)
        self.by_file = {path: uri for uri, path in self.files.items()}

    def refs(self) -> Iterable[tuple[str, str, str]]:
        """(document URI, JSON pointer, resolved URI) of every `$ref`."""

        def walk(node: Any, at: str) -> Iterable[tuple[str, Any]]:
            if isinstance(node, dict):
                if isinstance(node.get("$ref"), str):
                    yield at, node["$ref"]
                for key, value in node.items():
                    yield from walk(value, f"{at}/{pointer([key])[1:]}")
            elif isinstance(node, list):
                for i, value in enumerate(node):
                    yield from walk(value, f"{at}/{i}")

        for uri, doc in self.docs.items():
            for at, ref in walk(doc, ""):
                yield uri, at, urljoin(uri, ref)

    def location(self, root: str, schema_path: Iterable[Any]) -> tuple[str, str]:
        """(file relative to the source, JSON pointer) of the keyword an
        error's schema path ends at: where a per-pointer override would have
        to point. `jsonschema` leaves `$ref` out of schema paths, so every
        schema on the way that is a `$ref` is followed here (in draft-07 a
        `$ref` overrides its siblings, so it is all that schema says)."""
        uri, node, at = root, self.docs[root], ""

        def deref() -> None:
            nonlocal uri, node, at
            while isinstance(node, dict) and isinstance(node.get("$ref"), str):
                uri, fragment = urldefrag(urljoin(uri, node["$ref"]))
                node, at = self.docs[uri], ""
                for token in fragment.split("/")[1:] if fragment else []:
                    token = token.replace("~1", "/").replace("~0", "~")
                    node = node[int(token) if isinstance(node, list) else token]
                    at += pointer([token])

        parts = list(schema_path)
        deref()
        while parts:
            keyword = parts.pop(0)
            at += pointer([keyword])
            if not parts:
                break  # the failing keyword itself
            node = node[keyword]
            if keyword in SCHEMA_MAPS or (keyword in SCHEMA_LISTS and isinstance(node, list)):
                member = parts.pop(0)
                node = node[member]
                at += pointer([member])
            deref()
        return str(self.files[uri].relative_to(SOURCE)), at

    def formats(self) -> Counter[str]:
        """How often each `format` value appears (in schema positions)."""
        counts: Counter[str] = Counter()

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                if isinstance(node.get("format"), str):
                    counts[node["format"]] += 1
                for key, value in node.items():
                    if key in ("properties", "definitions", "patternProperties"):
                        for sub in value.values():
                            walk(sub)
                    elif key not in ("enum", "const", "examples", "default"):
                        walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        for doc in self.docs.values():
            walk(doc)
        return counts


def schema_for(event_dir: Path, payload: Any) -> Path | None:
    """The schema GitHub's dispatch selects: the event's only
    `event.schema.json` when it has one (repository_dispatch payloads carry
    a free-form `action` and still use it), else `<action>.schema.json`."""
    event_schema = event_dir / "event.schema.json"
    if event_schema.is_file():
        return event_schema
    action = payload.get("action") if isinstance(payload, dict) else None
    if isinstance(action, str):
        candidate = event_dir / f"{action}.schema.json"
        if candidate.is_file():
            return candidate
    return None


# ---------------------------------------------------------------- checking


def error_record(schemas: Schemas, root: str, error: ValidationError) -> dict[str, Any]:
    file, at = schemas.location(root, error.absolute_schema_path)
    record: dict[str, Any] = {
        "instance_path": pointer(error.absolute_path),
        "keyword": error.validator,
        "message": short(error.message),
        "schema_file": file,
        "schema_pointer": at,
    }
    if not isinstance(error.instance, (dict, list)):
        record["value"] = error.instance  # scalars only; objects can be huge
    if error.validator == "format":
        record["format"] = error.validator_value
    if error.context:
        # anyOf/oneOf: what each branch said, for the root-cause survey.
        record["branches"] = sorted(
            (
                {
                    "branch": sub.relative_schema_path[0],
                    "instance_path": pointer(sub.absolute_path),
                    "keyword": sub.validator,
                    "message": short(sub.message),
                }
                for sub in error.context
            ),
            key=lambda b: (b["branch"], b["instance_path"], b["keyword"], b["message"]),
        )
    return record


def validate(schemas: Schemas, uri: str, payload: Any, mode: str) -> list[dict[str, Any]]:
    # The root goes through an absolute `$ref`, so the schema is entered at
    # its canonical URI (a validator built on the document itself would take
    # its relative `$id` as the base).
    validator = Draft7Validator(
        {"$ref": uri}, registry=schemas.registry, format_checker=MODES[mode]
    )
    errors = [error_record(schemas, uri, e) for e in validator.iter_errors(payload)]
    return sorted(errors, key=lambda e: (e["instance_path"], e["keyword"], e["message"]))


def self_test(schemas: Schemas, used_formats: Iterable[str]) -> dict[str, str]:
    """Proves the run is not vacuous: every format in use has a checker that
    rejects a known-bad value, and a payload broken on purpose fails where
    expected, through a `$ref` into common/. Returns format -> library."""
    checker = Draft7Validator.FORMAT_CHECKER
    bad = {"date-time": "2018-04-25 20:42:10", "uri": "not a uri", "uri-template": "{"}
    libraries: dict[str, str] = {}
    for fmt in sorted(used_formats):
        if fmt not in checker.checkers:
            sys.exit(f"self-test: no checker for format {fmt!r}; install the format extras")
        if fmt not in bad or checker.conforms(bad[fmt], fmt):
            sys.exit(f"self-test: format {fmt!r} is not really checked")
        libraries[fmt] = checker_library(fmt)
    payload = json.loads((SOURCE / "pull_request/examples/opened.json").read_bytes())
    del payload["sender"]["login"]
    payload["number"] = "1"
    uri = schemas.by_file[SOURCE / "pull_request/opened.schema.json"]
    got = [(e["instance_path"], e["keyword"]) for e in validate(schemas, uri, payload, "format_annotation")]
    if got != [("/number", "type"), ("/sender", "required")]:
        sys.exit(f"self-test: a broken payload gave {got}")
    return libraries


def checker_library(fmt: str) -> str:
    """The distribution whose code a format checker calls."""
    func = Draft7Validator.FORMAT_CHECKER.checkers[fmt][0]
    distributions = importlib.metadata.packages_distributions()
    for name in func.__code__.co_names:
        used = func.__globals__.get(name)
        module = getattr(used, "__module__", None) or getattr(used, "__name__", None)
        top = module.split(".")[0] if isinstance(module, str) else ""
        if top and top not in ("builtins", "jsonschema") and top in distributions:
            dist = distributions[top][0]
            return f"{dist} {importlib.metadata.version(dist)}"
    return "jsonschema"


# ---------------------------------------------------------------- root causes

SPACE_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def root_cause(error: dict[str, Any], entry: dict[str, Any]) -> tuple[str, str]:
    """(group id, description) for one error of an example (`entry`, both
    modes); general rules, so that a new upstream snapshot is grouped
    sensibly too."""
    keyword, value = error["keyword"], error.get("value")
    if keyword == "format":
        fmt = error["format"]
        if fmt == "date-time" and isinstance(value, str) and SPACE_DATE_TIME.match(value):
            return (
                "date-time-space-no-offset",
                "`date-time` written `YYYY-MM-DD hh:mm:ss`: a space for `T` and no "
                "offset, so not RFC 3339 (draft-07's `date-time`)",
            )
        return (f"format-{fmt}", f"value not a valid `{fmt}`")
    asserted = entry.get("format_assertion", {}).get("errors", [])
    if (
        keyword == "oneOf"
        and "is valid under each of" in error["message"]
        and all(e["instance_path"] != error["instance_path"] for e in asserted)
    ):
        return (
            "oneOf-ambiguous-without-format",
            "`oneOf` that only `format` makes exclusive: with `format` as an "
            "annotation the value matches more than one branch; asserted, exactly one",
        )
    if keyword == "oneOf":
        return ("oneOf-ambiguous", "`oneOf` matched by more than one branch")
    if keyword == "type" and "value" in error and value is None:
        return ("null-for-type", "`null` where the schema does not allow it")
    if keyword == "type":
        return ("wrong-type", "a value of another JSON type than the schema says")
    if keyword == "required":
        return ("missing-required", "a required member is missing")
    if keyword == "additionalProperties":
        return ("undocumented-member", "a member the schema does not list (`additionalProperties: false`)")
    if keyword in ("enum", "const"):
        return ("value-not-listed", "a value the schema's `enum`/`const` does not list")
    return (f"other-{keyword}", f"`{keyword}` fails")


# ---------------------------------------------------------------- output


def run() -> tuple[str, str]:
    schemas = Schemas(SOURCE)
    unresolved = [(u, at, r) for u, at, r in schemas.refs() if urldefrag(r)[0] not in schemas.docs]
    if unresolved:
        sys.exit(f"unresolved $ref: {unresolved[:5]}")
    formats = schemas.formats()
    libraries = self_test(schemas, formats)
    upstream = json.loads(MAPPING.read_text(encoding="utf-8"))

    examples: dict[str, Any] = {}
    no_schema: list[str] = []
    # Payloads recorded as expected-invalid sit in examples/invalid/.
    found = [*SOURCE.glob("*/examples/*.json"), *SOURCE.glob("*/examples/invalid/*.json")]
    for path in sorted(found):
        name = str(path.relative_to(SOURCE))
        payload = json.loads(path.read_bytes())
        event_dir = path.parent.parent.parent if path.parent.name == "invalid" else path.parent.parent
        schema = schema_for(event_dir, payload)
        entry: dict[str, Any] = {"upstream": upstream.get(name)}
        if schema is None:
            no_schema.append(name)
            entry["schema"] = None
            examples[name] = entry
            continue
        entry["schema"] = str(schema.relative_to(SOURCE))
        stem = schema.name.removesuffix(".schema.json")
        # The file name must start with the schema it is checked against.
        if path.stem.split("-", 1)[0] != stem:
            sys.exit(f"{name}: named for another schema than {entry['schema']}")
        for mode in MODES:
            errors = validate(schemas, schemas.by_file[schema], payload, mode)
            entry[mode] = {"valid": not errors, "errors": errors}
        examples[name] = entry

    event_schemas = sorted(
        str(p.relative_to(SOURCE)) for p in SOURCE.glob("*/*.schema.json") if p.parent.name != "common"
    )
    used = {e["schema"] for e in examples.values()}
    counts: dict[str, Any] = {
        "schemas": len(schemas.files),
        "common_schemas": len(schemas.files) - len(event_schemas),
        "event_schemas": len(event_schemas),
        "event_schemas_with_examples": len(used - {None}),
        "refs": sum(1 for _ in schemas.refs()),
        "examples": len(examples),
        "examples_without_schema": len(no_schema),
    }
    for mode in MODES:
        checked = [e for e in examples.values() if e.get(mode)]
        counts[mode] = {
            "valid": sum(1 for e in checked if e[mode]["valid"]),
            "invalid": sum(1 for e in checked if not e[mode]["valid"]),
            "errors": sum(len(e[mode]["errors"]) for e in checked),
        }

    groups: dict[str, dict[str, Any]] = {}
    for name, entry in examples.items():
        for mode in MODES:
            for error in entry.get(mode, {}).get("errors", []):
                gid, description = root_cause(error, entry)
                group = groups.setdefault(
                    gid,
                    {"id": gid, "description": description, "modes": set(), "errors": 0,
                     "examples": set(), "values": Counter(), "places": set()},
                )
                group["modes"].add(mode)
                group["errors"] += 1
                group["examples"].add(name)
                if "value" in error:
                    group["values"][json.dumps(error["value"])] += 1
                group["places"].add(f"{error['schema_file']}#{error['schema_pointer']}")
    if no_schema:
        groups["no-schema"] = {"id": "no-schema", "description": "no schema for the event and action",
                               "modes": set(MODES), "errors": len(no_schema),
                               "examples": set(no_schema), "values": Counter(), "places": set()}
    root_causes = [
        {
            "id": g["id"],
            "description": g["description"],
            "modes": sorted(g["modes"]),
            "errors": g["errors"],
            "examples": sorted(g["examples"]),
            "values": dict(sorted(g["values"].items())),
            "schema_locations": sorted(g["places"]),
        }
        for g in sorted(groups.values(), key=lambda g: g["id"])
    ]

    verdicts = {
        "generated_by": "schemas/github/tools/check_examples.py",
        "validator": {
            "class": "jsonschema.Draft7Validator",
            **{d: importlib.metadata.version(d) for d in ("jsonschema", "referencing")},
        },
        "base_uri": BASE,
        "formats": {
            fmt: {"occurrences": formats[fmt], "checked_by": libraries[fmt]} for fmt in sorted(formats)
        },
        "counts": counts,
        "root_causes": root_causes,
        "examples_without_schema": no_schema,
        "examples": examples,
    }
    return json.dumps(verdicts, indent=2, ensure_ascii=False) + "\n", summary(verdicts)


def summary(v: dict[str, Any]) -> str:
    c = v["counts"]
    a, s = c["format_annotation"], c["format_assertion"]
    lines = [
        "# GitHub's example payloads against GitHub's schemas",
        "",
        "Generated by `schemas/github/tools/check_examples.py` (see `README.md` for",
        "the one command); the machine-readable form, with every error, is",
        "`tools/example-verdicts.json`. Do not edit by hand.",
        "",
        f"Validator: `{v['validator']['class']}` (jsonschema {v['validator']['jsonschema']},",
        f"referencing {v['validator']['referencing']}) on the unmodified draft-07 schemas;",
        f"`$id`/`$ref` resolved against one base URI for the source root (`{v['base_uri']}`).",
        "Each payload is checked against the schema its delivery selects: the event's",
        "`event.schema.json` when it has one, else `<action>.schema.json` for the",
        "payload's `action`.",
        "",
        "## Counts",
        "",
        f"- schemas: {c['schemas']} ({c['event_schemas']} event/action schemas, {c['common_schemas']} in `common/`), {c['refs']} `$ref`s, all resolved",
        f"- event/action schemas with at least one example: {c['event_schemas_with_examples']} of {c['event_schemas']}",
        f"- examples: {c['examples']}; without a schema: {c['examples_without_schema']}",
        f"- `format` as annotation (draft-07's default): {a['valid']} valid, {a['invalid']} invalid ({a['errors']} errors)",
        f"- `format` asserted: {s['valid']} valid, {s['invalid']} invalid ({s['errors']} errors)",
        "",
        "Formats asserted in the second mode (every format the schemas use):",
        "",
        "| format | occurrences | checked by |",
        "|---|---|---|",
    ]
    lines += [f"| `{f}` | {d['occurrences']} | {d['checked_by']} |" for f, d in v["formats"].items()]
    lines += ["", "## Root causes", ""]
    if not v["root_causes"]:
        lines.append("None: every example is valid in both modes.")
    for g in v["root_causes"]:
        modes = " and ".join("`format` " + m.split("_")[1] for m in g["modes"])
        lines += [
            f"### `{g['id']}`: {g['errors']} error(s) in {len(g['examples'])} example(s)",
            "",
            f"{g['description']}. Fails with {modes}.",
            "",
        ]
        if g["values"]:
            lines.append("Values: " + ", ".join(f"`{val}` ×{n}" for val, n in g["values"].items()))
            lines.append("")
        lines.append("Schema locations: " + ", ".join(f"`{p}`" for p in g["schema_locations"]))
        lines.append("")
        lines += [f"- `{e}`" for e in g["examples"]]
        lines.append("")
    lines += ["## Invalid examples, every error", ""]
    for name, e in v["examples"].items():
        for mode in MODES:
            if e.get(mode) and not e[mode]["valid"]:
                lines += [f"**`{name}`** (schema `{e['schema']}`), `format` {mode.split('_')[1]}:", ""]
                lines += [
                    f"- `{err['instance_path'] or '(root)'}` `{err['keyword']}`: {err['message']}"
                    for err in e[mode]["errors"]
                ]
                lines.append("")
    lines += [
        "## Every example",
        "",
        "✓ valid, ✗ invalid; the upstream file is in octokit/webhooks under",
        "`payload-examples/api.github.com/`.",
        "",
        "| example | upstream file | schema | format annotation | format assertion |",
        "|---|---|---|---|---|",
    ]
    prefix = "payload-examples/api.github.com/"
    for name, e in v["examples"].items():
        marks = ["✓" if e[m]["valid"] else "✗" if e.get(m) else "–" for m in MODES]
        up = (e["upstream"] or "?").removeprefix(prefix)
        lines.append(f"| `{name}` | `{up}` | `{e['schema']}` | {marks[0]} | {marks[1]} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the outputs are stale")
    args = parser.parse_args()
    verdicts, markdown = run()
    stale = [
        path.relative_to(SOURCE.parent.parent)
        for path, text in ((VERDICTS, verdicts), (SUMMARY, markdown))
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]
    if args.check:
        for path in stale:
            print(f"stale: {path} (run {Path(__file__).name} to update)", file=sys.stderr)
        return 1 if stale else 0
    VERDICTS.write_text(verdicts, encoding="utf-8")
    SUMMARY.write_text(markdown, encoding="utf-8")
    counts = json.loads(verdicts)["counts"]
    print(
        f"{counts['examples']} examples, {counts['examples_without_schema']} without a schema; "
        + "; ".join(
            f"{m}: {counts[m]['valid']} valid, {counts[m]['invalid']} invalid" for m in MODES
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
