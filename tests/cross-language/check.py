#!/usr/bin/env python3
"""Proves generated/export/ with Python's own tools.

1. jsonschema: every catalog example (valid and invalid) against its exported
   schema, with format checking on and eventsmith's own formats registered.
   The verdict must equal eventsmith's (the example's place in the catalog:
   examples/ is valid, examples/invalid/ is rejected; `eventsmith examples`
   proves eventsmith agrees). Where the errors differ from expected.yaml's
   (instance_path, keyword) list, that is reported, not failed.
2. datamodel-code-generator: pydantic v2 models from every exported schema;
   every valid example must validate, every invalid one must be rejected.
   An invalid example the models accept is a failure unless every error
   eventsmith expects is of a kind the models cannot express
   (PYDANTIC_LIMITS); a valid example they reject is a failure unless each
   rejection is datamodel-code-generator's allOf null-narrowing merge
   (ALLOF_NULL_NARROWING, checked against the schema). Such cases are
   listed with the reason.
3. openapi-spec-validator on openapi.json.

usage: check.py --export DIR --schemas DIR --work DIR
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import re
import sys
import time
import warnings
from pathlib import Path

import jsonschema
import yaml
from jsonschema import Draft202012Validator

# ---------------------------------------------------------------------------
# Reading the catalog's examples


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML with YAML 1.2 core-schema scalars, as eventsmith reads YAML:
    no timestamps, and only true/false are booleans."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def read_document(path: Path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    return yaml.load(text, Loader=Yaml12Loader)


def version_of(stem: str, versioning: str) -> str:
    if versioning == "semver":
        return stem.split("-", 1)[0]
    return stem[:10]


def catalog_examples(schemas: Path, source: dict, event: dict):
    """(path, version, valid, expected errors or None, value) of one event type."""
    out = []
    base = schemas / source["name"] / event["directory"] / "examples"
    if not base.is_dir():
        return out
    expected = {}
    if (base / "invalid" / "expected.yaml").is_file():
        expected = read_document(base / "invalid" / "expected.yaml") or {}
    for folder, valid in ((base, True), (base / "invalid", False)):
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if not path.is_file() or path.suffix not in (".json", ".yaml", ".yml") or path.name == "expected.yaml":
                continue
            errors = None
            if not valid:
                errors = sorted((e["instance_path"], e["keyword"]) for e in expected[path.name]["errors"])
            version = version_of(path.stem, source["versioning"])
            out.append((path, version, valid, errors, read_document(path)))
    return out


# ---------------------------------------------------------------------------
# eventsmith's own formats, as eventsmith-core checks them

DECIMAL = re.compile(r"-?([0-9]+)(?:\.([0-9]+))?")
LENIENT = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))?"
)


def is_decimal(text: str) -> bool:
    m = DECIMAL.fullmatch(text)
    if not m:
        return False
    whole, fraction = m.group(1), m.group(2) or ""
    # rust_decimal: a 96-bit mantissa and at most 28 fractional digits.
    return len(fraction) <= 28 and int(whole + fraction) < 2**96


def is_money(text: str) -> bool:
    amount, _, code = text.partition(" ")
    # The ISO 4217 list itself is not checked here (see README).
    return is_decimal(amount) and re.fullmatch(r"[A-Z]{3}", code) is not None


def is_lenient_date_time(text: str) -> bool:
    m = LENIENT.fullmatch(text)
    if not m:
        return False
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    if hour > 23 or minute > 59 or second > 60:
        return False
    offset = 0
    if m.group(9):
        oh, om = int(m.group(10)), int(m.group(11))
        if oh > 23 or om > 59:
            return False
        offset = (oh * 60 + om) * (1 if m.group(9) == "+" else -1)
    if second == 60:
        # A leap second is 23:59:60 UTC (without an offset: on the wall clock).
        return (hour * 60 + minute - offset) % (24 * 60) == 24 * 60 - 1
    return True


def format_checker() -> jsonschema.FormatChecker:
    checker = Draft202012Validator.FORMAT_CHECKER
    checker = jsonschema.FormatChecker(formats=checker.checkers.keys())
    checker.checks("decimal")(is_decimal)
    checker.checks("money")(is_money)
    checker.checks("lenient-date-time")(is_lenient_date_time)
    return checker


def pointer(path) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


# ---------------------------------------------------------------------------
# pydantic models

# Kinds of constraint datamodel-code-generator's pydantic models do not
# express, with the reason. An invalid example the models accept is
# tolerated only when every error eventsmith expects is of one of these kinds.
PYDANTIC_LIMITS = {
    "oneOf": "pydantic validates a union by trying each member and accepts the first that fits; JSON Schema's oneOf also rejects a value two members accept",
}
# A valid example the models reject is tolerated only where this is why.
ALLOF_NULL_NARROWING = (
    "datamodel-code-generator merges `allOf: [{$ref: base}, {properties: {p: {type: null}}}]` "
    "into a subclass that keeps the base's non-null type for p, so the models reject the null "
    "that the narrowing branch requires (GitHub's issues/opened, pull_request/opened, ...)"
)
# Strict mode, as the README tells Python users: in the default lax mode
# pydantic turns "12" into 12 and "true" into True, which JSON Schema rejects.
STRICT = True


def generate_models(schema_file: Path, out_dir: Path, name: str):
    import datamodel_code_generator as dcg

    # "format of 'money' not understood": expected, the pattern carries it.
    warnings.filterwarnings("ignore", message="format of '", category=UserWarning)

    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{name}.py"
    dcg.generate(
        schema_file,
        input_file_type=dcg.InputFileType.JsonSchema,
        output=target,
        output_model_type=dcg.DataModelType.PydanticV2BaseModel,
        target_python_version=dcg.PythonVersion.PY_311,
        use_annotated=True,
        field_constraints=True,
        class_name="Event",
        formatters=[dcg.Formatter.BUILTIN],
        type_mappings=["duration=string"],
        disable_timestamp=True,
    )
    spec = importlib.util.spec_from_file_location(name, target)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    module.Event.model_rebuild()
    return module.Event


def pydantic_errors(model, value) -> list[tuple[tuple, str]]:
    """The model's errors on `value`, as (location, message)."""
    import pydantic

    try:
        model.model_validate_json(json.dumps(value), strict=STRICT)
        return []
    except pydantic.ValidationError as e:
        return [(tuple(err["loc"]), err["msg"]) for err in e.errors()]


def shown_errors(errors) -> str:
    return "; ".join(f"{'/'.join(str(p) for p in loc)}: {msg}" for loc, msg in errors[:5])


def _resolve(root: dict, schema):
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#/"):
        target = root
        for part in schema["$ref"][2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        schema = target
    return schema


def _applying(root: dict, schema) -> list:
    """`schema` and every `allOf` branch under it (resolved): the schemas that
    all apply at one instance location."""
    schema = _resolve(root, schema)
    if not isinstance(schema, dict):
        return []
    out = [schema]
    for branch in schema.get("allOf", []):
        out.extend(_applying(root, branch))
    return out


def is_allof_null_narrowing(root: dict, value, loc: tuple) -> bool:
    """True when the value at `loc` is null and, at its parent, one `allOf`
    branch declares the property `{"type": "null"}` while another declares
    it with a non-null type: the merge datamodel-code-generator gets wrong."""
    if not loc or not isinstance(loc[-1], str):
        return False
    schemas, instance = [root], value
    for part in loc[:-1]:
        try:
            instance = instance[part]
        except (KeyError, IndexError, TypeError):
            return False
        schemas = [
            sub
            for s in schemas
            for parent in _applying(root, s)
            if (sub := parent.get("items") if isinstance(part, int) else parent.get("properties", {}).get(part))
            is not None
        ]
    if not isinstance(instance, dict) or loc[-1] not in instance or instance[loc[-1]] is not None:
        return False
    declared = [
        _resolve(root, parent["properties"][loc[-1]])
        for s in schemas
        for parent in _applying(root, s)
        if loc[-1] in parent.get("properties", {})
    ]
    types = [d.get("type") for d in declared if isinstance(d, dict)]
    return "null" in types and any(t != "null" for t in types)


# ---------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--export", type=Path, required=True)
    ap.add_argument("--schemas", type=Path, required=True)
    ap.add_argument("--work", type=Path, required=True)
    args = ap.parse_args()

    catalog = json.loads((args.export / "catalog.json").read_text(encoding="utf-8"))
    checker = format_checker()
    failures: list[str] = []
    limits: list[str] = []
    notes: list[str] = []
    counts = {"schemas": 0, "valid": 0, "invalid": 0, "errors_equal": 0}
    started = time.monotonic()
    models_dir = args.work / "models"

    for source in catalog["sources"]:
        for event in source["events"]:
            examples = catalog_examples(args.schemas, source, event)
            for vi, version in enumerate(event["versions"]):
                schema_file = args.export / version["file"]
                schema = json.loads(schema_file.read_text(encoding="utf-8"))
                Draft202012Validator.check_schema(schema)
                validator = Draft202012Validator(schema, format_checker=checker)
                counts["schemas"] += 1
                mine = [e for e in examples if e[1] == version["version"]]
                exported = schema.get("examples", [])
                for path, _, valid, _, value in mine:
                    if valid and value not in exported:
                        failures.append(f"{path}: valid example missing from the exported schema's examples")
                module_name = f"m_{source['name']}_{re.sub(r'[^A-Za-z0-9]', '_', event['directory'])}_{vi}"
                try:
                    model = generate_models(schema_file, models_dir, module_name)
                except Exception as e:  # noqa: BLE001 - any generator or import failure is a finding
                    failures.append(f"{version['file']}: datamodel-code-generator/pydantic failed: {type(e).__name__}: {e}")
                    model = None
                for path, _, valid, expected, value in mine:
                    shown = path.relative_to(args.schemas)
                    counts["valid" if valid else "invalid"] += 1
                    # jsonschema
                    errors = list(validator.iter_errors(value))
                    if valid and errors:
                        failures.append(
                            f"jsonschema: {shown}: eventsmith accepts it, jsonschema rejects it: "
                            + "; ".join(f"{pointer(e.absolute_path) or '/'}: {e.message[:160]}" for e in errors)
                        )
                    elif not valid and not errors:
                        failures.append(f"jsonschema: {shown}: eventsmith rejects it ({expected}), jsonschema accepts it")
                    elif not valid:
                        got = sorted({(pointer(e.absolute_path), e.validator) for e in errors})
                        if got == sorted(set(expected)):
                            counts["errors_equal"] += 1
                        else:
                            notes.append(f"jsonschema: {shown}: both reject; eventsmith {expected}, jsonschema {got}")
                    # pydantic
                    if model is None:
                        continue
                    perrors = pydantic_errors(model, value)
                    if valid and perrors:
                        if all(is_allof_null_narrowing(schema, value, loc) for loc, _ in perrors):
                            limits.append(f"pydantic rejects {shown} ({shown_errors(perrors)}): {ALLOF_NULL_NARROWING}")
                        else:
                            failures.append(f"pydantic: {shown}: valid, but the model rejects it: {shown_errors(perrors)}")
                    elif not valid and not perrors:
                        kinds = {kw for _, kw in expected}
                        reasons = [PYDANTIC_LIMITS[k] for k in sorted(kinds) if k in PYDANTIC_LIMITS]
                        if kinds <= set(PYDANTIC_LIMITS):
                            limits.append(f"pydantic accepts {shown} ({expected}): {' / '.join(reasons)}")
                        else:
                            failures.append(f"pydantic: {shown}: invalid ({expected}), but the model accepts it")

    # OpenAPI
    from openapi_spec_validator import validate as validate_openapi

    openapi = json.loads((args.export / "openapi.json").read_text(encoding="utf-8"))
    try:
        validate_openapi(openapi)
        webhooks = len(openapi.get("webhooks", {}))
        print(f"openapi-spec-validator: openapi.json is a valid OpenAPI {openapi['openapi']} document ({webhooks} webhooks)")
    except Exception as e:  # noqa: BLE001
        failures.append(f"openapi-spec-validator: {type(e).__name__}: {str(e)[:2000]}")

    for n in notes:
        print(f"note {n}")
    for line in limits:
        print(f"LIMIT {line}")
    for f in failures:
        print(f"FAIL {f}")
    print(
        f"python: {counts['schemas']} schemas, {counts['valid']} valid and {counts['invalid']} invalid examples; "
        f"jsonschema errors equal to expected.yaml for {counts['errors_equal']} of {counts['invalid']} invalid examples; "
        f"{len(limits)} pydantic limits listed; {len(failures)} failures ({time.monotonic() - started:.1f}s)"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
