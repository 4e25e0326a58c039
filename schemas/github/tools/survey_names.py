#!/usr/bin/env python3
"""Which names in GitHub's schemas do not map cleanly to Rust, and which
keywords are not JSON Schema's: the facts `source.proposal.yaml` decides on.

    python3 schemas/github/tools/survey_names.py [--check]

Writes schemas/github/tools/name-survey.json: every property name whose Rust
field name (eventsmith's conversion, ported from codegen/src/ident.rs) is not
the name itself, by reason, with where it appears; every pair of names that
collide in one object once converted; string enum values whose variant
names collide, lose a symbol or start with a digit; every keyword draft-07
does not define. --check only compares. Standard library only;
deterministic.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urljoin

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent
OUT = HERE / "name-survey.json"
BASE = "https://octokit-webhooks.invalid/payload-schemas/api.github.com/"

# ------------------------------------------------ codegen/src/ident.rs, ported

KEYWORDS = set(
    "as break const continue crate else enum extern false fn for if impl in let loop match mod "
    "move mut pub ref return self Self static struct super trait true type unsafe use where "
    "while async await dyn abstract become box do final macro override priv typeof unsized "
    "virtual yield try gen".split()
)


def words(name: str) -> list[str]:
    out, current = [], ""
    for i, c in enumerate(name):
        if not (c.isascii() and c.isalnum()):
            if current:
                out.append(current)
                current = ""
            continue
        prev = name[i - 1] if i else None
        nxt = name[i + 1] if i + 1 < len(name) else None
        boundary = (
            prev is not None
            and c.isupper()
            and (
                prev.islower()
                or prev.isdigit()
                or (prev.isupper() and nxt is not None and nxt.islower())
            )
        )
        if boundary and current:
            out.append(current)
            current = ""
        current += c
    if current:
        out.append(current)
    return out


def snake(name: str) -> str | None:
    w = words(name)
    if not w:
        return None
    s = "_".join(x.lower() for x in w)
    return "_" + s if s[0].isdigit() else s


def pascal(name: str) -> str | None:
    w = words(name)
    if not w:
        return None
    parts = []
    for word in w:
        rest = word[1:]
        if all(c.isupper() or c.isdigit() for c in rest):
            rest = rest.lower()
        parts.append(word[0].upper() + rest)
    s = "".join(parts)
    return "_" + s if s[0].isdigit() else s


def escape_keyword(s: str) -> str:
    if s in ("self", "Self", "super", "crate"):
        return s + "_"
    return "r#" + s if s in KEYWORDS else s


def field_name(name: str) -> str | None:
    if not name or not name.isascii():
        return None
    underscores = name[: len(name) - len(name.lstrip("_"))]
    s = snake(name)
    if s is None:
        return None
    if underscores and not s.startswith("_"):
        return underscores + s
    return escape_keyword(s)


def variant_name(value: str) -> str:
    p = pascal(value)
    if p is not None:
        return escape_keyword(p)
    return "Empty" if not value else "".join(f"U{ord(c):04X}" for c in value)


# ------------------------------------------------ the survey

# Draft-07's keywords (validation, applicators, core, annotations).
DRAFT7 = set(
    "$schema $id $ref $comment definitions title description default readOnly writeOnly "
    "examples multipleOf maximum exclusiveMaximum minimum exclusiveMinimum maxLength "
    "minLength pattern additionalItems items maxItems minItems uniqueItems contains "
    "maxProperties minProperties required additionalProperties properties "
    "patternProperties dependencies propertyNames const enum type format contentMediaType "
    "contentEncoding if then else allOf anyOf oneOf not".split()
)
SCHEMA_MAPS = ("properties", "patternProperties", "definitions", "dependencies")
SCHEMA_ONE = ("additionalItems", "additionalProperties", "contains", "propertyNames", "not",
              "if", "then", "else")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def schemas(node: Any, at: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every subschema (object form) with its JSON pointer."""
    if not isinstance(node, dict):
        return
    yield at, node
    for key, value in node.items():
        if key in SCHEMA_MAPS and isinstance(value, dict):
            for name, sub in value.items():
                yield from schemas(sub, f"{at}/{key}/{escape(name)}")
        elif key in SCHEMA_ONE:
            yield from schemas(value, f"{at}/{key}")
        elif key in SCHEMA_LISTS or (key == "items" and isinstance(value, list)):
            for i, sub in enumerate(value):
                yield from schemas(sub, f"{at}/{key}/{i}")
        elif key == "items":
            yield from schemas(value, f"{at}/items")


def reasons(name: str, field: str | None) -> list[str]:
    if field is None:
        return ["no-field-name"]
    out = []
    if field.startswith("r#") or (field.endswith("_") and field[:-1] in KEYWORDS):
        out.append("rust-keyword")
    if field.startswith("_") and not name.startswith("_"):
        out.append("leading-digit")  # `1st`, and `+1` once its sign is gone
    # A hyphen between letters or digits only separates words (`first-name`
    # → `first_name`); any other symbol carries meaning that is dropped
    # (`+1`, `-1`, `@type`, `a.b`).
    separators = all(
        c == "-" and 0 < i < len(name) - 1 and name[i - 1].isalnum() and name[i + 1].isalnum()
        for i, c in enumerate(name)
        if not (c.isascii() and c.isalnum()) and c != "_"
    )
    if not separators:
        out.append("symbols-dropped")
    elif "-" in name:
        out.append("hyphens")
    if any(c.isupper() for c in name):
        out.append("case")
    if not out:
        out.append("underscores")  # `a__b`, `b_` lose an underscore
    return out


def survey() -> dict[str, Any]:
    docs: dict[str, Any] = {}
    files: dict[str, str] = {}
    for path in sorted(SOURCE.rglob("*.schema.json")):
        doc = json.loads(path.read_bytes())
        uri = urljoin(BASE, doc["$id"])
        docs[uri], files[uri] = doc, str(path.relative_to(SOURCE))

    names: dict[str, dict[str, Any]] = {}
    unknown: dict[str, list[str]] = defaultdict(list)
    enum_clashes: list[dict[str, Any]] = []
    enum_odd: dict[str, dict[str, Any]] = {}
    for uri, doc in docs.items():
        for at, node in schemas(doc, ""):
            where = f"{files[uri]}#{at}"
            for key in node:
                if key not in DRAFT7:
                    unknown[key].append(where)
            props = node.get("properties")
            if isinstance(props, dict):
                for name in props:
                    field = field_name(name)
                    if field == name:
                        continue
                    entry = names.setdefault(
                        name, {"field": field, "reasons": reasons(name, field), "locations": []}
                    )
                    entry["locations"].append(f"{where}/properties/{escape(name)}")
            values = node.get("enum")
            if isinstance(values, list):
                by_variant: dict[str, list[str]] = defaultdict(list)
                for value in (v for v in values if isinstance(v, str)):
                    variant = variant_name(value)
                    by_variant[variant].append(value)
                    # Variants that lose a symbol (`won't fix` → `WonTFix`)
                    # or start with a digit (`0` → `_0`).
                    if variant.startswith("_") or set(value) - set(
                        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_- "
                    ):
                        odd = enum_odd.setdefault(value, {"variant": variant, "locations": []})
                        odd["locations"].append(f"{where}/enum")
                for variant, group in sorted(by_variant.items()):
                    if len(group) > 1:
                        enum_clashes.append({"at": f"{where}/enum", "variant": variant, "values": group})

    # Collisions within one object: its own properties plus those its allOf
    # branches (through $ref) contribute, as they end up in one Rust struct.
    def members(uri: str, node: dict[str, Any], depth: int = 0) -> set[str]:
        out = set(node.get("properties", {}) if isinstance(node.get("properties"), dict) else ())
        if depth > 8:
            return out
        if isinstance(node.get("$ref"), str):
            target = urljoin(uri, node["$ref"])
            out |= members(target, docs[target], depth + 1)
        for branch in node.get("allOf", []) if isinstance(node.get("allOf"), list) else []:
            if isinstance(branch, dict):
                out |= members(uri, branch, depth + 1)
        return out

    collisions: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for uri, doc in docs.items():
        for at, node in schemas(doc, ""):
            if "properties" not in node and "allOf" not in node:
                continue
            by_field: dict[str | None, set[str]] = defaultdict(set)
            for name in members(uri, node):
                by_field[field_name(name)].add(name)
            for field, group in by_field.items():
                if len(group) > 1:
                    collisions[tuple(sorted(group))].append(f"{files[uri]}#{at}")

    survey_names = {
        name: {**entry, "occurrences": len(entry["locations"]), "locations": sorted(entry["locations"])}
        for name, entry in sorted(names.items())
    }
    by_reason: dict[str, list[str]] = defaultdict(list)
    for name, entry in survey_names.items():
        for reason in entry["reasons"]:
            by_reason[reason].append(name)
    return {
        "generated_by": "schemas/github/tools/survey_names.py",
        "conversion": "eventsmith field names (codegen/src/ident.rs field_name, ported)",
        "counts": {
            "distinct_names_needing_conversion": len(survey_names),
            "occurrences": sum(e["occurrences"] for e in survey_names.values()),
            **{
                f"reason:{reason}": {
                    "names": len(group),
                    "occurrences": sum(survey_names[n]["occurrences"] for n in group),
                }
                for reason, group in sorted(by_reason.items())
            },
            "collisions": len(collisions),
            "enum_variant_clashes": len(enum_clashes),
        },
        "names_by_reason": {reason: sorted(group) for reason, group in sorted(by_reason.items())},
        "collisions": [
            {"names": list(group), "field": field_name(group[0]), "objects": sorted(set(places))}
            for group, places in sorted(collisions.items())
        ],
        "enum_variant_clashes": sorted(enum_clashes, key=lambda c: (c["at"], c["variant"])),
        "enum_values_renamed_lossily": {
            value: {"variant": odd["variant"], "locations": sorted(odd["locations"])}
            for value, odd in sorted(enum_odd.items())
        },
        "non_draft7_keywords": {
            key: {"occurrences": len(places), "locations": sorted(places)}
            for key, places in sorted(unknown.items())
        },
        "names": survey_names,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the output is stale")
    args = parser.parse_args()
    text = json.dumps(survey(), indent=2, ensure_ascii=False) + "\n"
    if args.check:
        if not OUT.is_file() or OUT.read_text(encoding="utf-8") != text:
            print(f"stale: {OUT.relative_to(SOURCE.parent.parent)}", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(json.dumps(json.loads(text)["counts"], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
