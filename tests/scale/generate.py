#!/usr/bin/env python3
"""Writes a synthetic eventsmith catalog for scale measurements.

    python3 tests/scale/generate.py OUT_DIR [--events 1000] [--versions 3]

OUT_DIR/synth/ gets source.yaml, an envelope, a dozen shared schemas under
common/ (which $ref each other), and EVENTS event types with VERSIONS
versions each (1.0.0, 1.1.0, 2.0.0, ...). Every version $refs several
shared schemas and has one valid example, so `eventsmith examples` proves
them all. The output is deterministic (seeded). Standard library only.
"""

import argparse
import json
import os
import random
import shutil

COMMON = {
    "money": {
        "title": "Money",
        "description": "An amount with its currency.",
        "type": "object",
        "properties": {
            "amount": {"type": "string", "format": "decimal"},
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
        },
        "required": ["amount", "currency"],
        "additionalProperties": False,
    },
    "address": {
        "title": "Address",
        "type": "object",
        "properties": {
            "street": {"type": "string", "maxLength": 200},
            "city": {"type": "string"},
            "postcode": {"type": "string"},
            "country": {"$ref": "country.json"},
        },
        "required": ["city", "country"],
    },
    "country": {"title": "Country", "type": "string", "pattern": "^[A-Z]{2}$"},
    "person": {
        "title": "Person",
        "type": "object",
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "email": {"type": "string", "format": "email"},
            "first_name": {"type": "string"},
            "last_name": {"type": "string"},
            "address": {"$ref": "address.json"},
        },
        "required": ["id"],
    },
    "line_item": {
        "title": "LineItem",
        "type": "object",
        "properties": {
            "sku": {"type": "string", "minLength": 1},
            "quantity": {"type": "integer", "minimum": 1},
            "price": {"$ref": "money.json"},
        },
        "required": ["sku", "quantity", "price"],
    },
    "status": {"title": "Status", "type": "string", "enum": ["pending", "active", "suspended", "closed"]},
    "tags": {"title": "Tags", "type": "array", "items": {"type": "string"}, "uniqueItems": True},
    "period": {
        "title": "Period",
        "type": "object",
        "properties": {
            "start": {"type": "string", "format": "date-time"},
            "end": {"type": "string", "format": "date-time"},
            "length": {"type": "string", "format": "duration"},
        },
        "required": ["start"],
    },
    "metadata": {"title": "Metadata", "type": "object", "additionalProperties": {"type": "string"}},
    "device": {
        "title": "Device",
        "type": "object",
        "properties": {
            "ip": {"type": "string", "format": "ipv4"},
            "user_agent": {"type": "string"},
            "kind": {"enum": ["phone", "tablet", "desktop"]},
        },
    },
}

EXAMPLE = {
    "money": {"amount": "12.50", "currency": "EUR"},
    "address": {"street": "Main St 1", "city": "Vienna", "country": "AT"},
    "country": "AT",
    "person": {"id": "e9cb75da-efcf-4dd3-9025-f7f1167b5eec", "email": "a@example.com", "address": {"city": "Graz", "country": "AT"}},
    "line_item": {"sku": "A-1", "quantity": 2, "price": {"amount": "3.00", "currency": "EUR"}},
    "status": "active",
    "tags": ["a", "b"],
    "period": {"start": "2024-01-01T00:00:00Z", "length": "P1M"},
    "metadata": {"k": "v"},
    "device": {"ip": "192.0.2.1", "kind": "phone"},
}

SCALARS = [
    ({"type": "string"}, "text"),
    ({"type": "string", "minLength": 1, "maxLength": 64}, "short"),
    ({"type": "integer", "minimum": 0}, 7),
    ({"type": "integer"}, -3),
    ({"type": "number", "exclusiveMinimum": 0}, 1.5),
    ({"type": "boolean"}, True),
    ({"type": "string", "format": "date-time"}, "2024-05-01T10:00:00+02:00"),
    ({"type": "string", "format": "uuid"}, "0b7e4c5a-8f1d-4e2b-9c3a-1d2e3f4a5b6c"),
    ({"type": ["string", "null"]}, None),
    ({"type": "string", "enum": ["red", "green", "blue"]}, "green"),
    ({"type": "array", "items": {"type": "integer"}, "maxItems": 10}, [1, 2]),
]


def write(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(value, f, indent=2)
        f.write("\n")


def event_schema(refs, index, version_index, major):
    """Version `version_index` of event `index`: every minor version adds an
    optional field; a new major version also drops one shared reference, a
    breaking change `eventsmith check` accepts only as a major bump."""
    props = {}
    example = {}
    required = []
    # Shared objects by $ref: what makes the catalog a graph, not a tree.
    for name in refs[: len(refs) - (major - 1)]:
        props[name] = {"$ref": f"../common/{name}.json"}
        example[name] = EXAMPLE[name]
    props["items"] = {"type": "array", "items": {"$ref": "../common/line_item.json"}}
    example["items"] = [EXAMPLE["line_item"]]
    for i in range(6 + version_index):
        schema, value = SCALARS[(index + i) % len(SCALARS)]
        props[f"field_{i}"] = dict(schema, description=f"Field {i} of event {index}.")
        example[f"field_{i}"] = value
        if i % 2 == 0 and i < 6:
            required.append(f"field_{i}")
    props["detail"] = {
        "type": "object",
        "title": f"Detail{index}",
        "properties": {"note": {"type": "string"}, "level": {"type": "integer", "minimum": 0, "maximum": 5}},
        "required": ["level"],
    }
    example["detail"] = {"level": 3}
    required.append("detail")
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Event {index}",
        "type": "object",
        "properties": props,
        "required": required,
    }
    return schema, example


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--events", type=int, default=1000)
    ap.add_argument("--versions", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    root = os.path.join(a.out, "synth")
    if os.path.exists(root):
        shutil.rmtree(root)
    os.makedirs(root)
    with open(os.path.join(root, "source.yaml"), "w") as f:
        f.write("title: Synthetic\ndescription: A generated catalog for scale tests.\nversioning: semver\n")
        f.write("envelope: common/envelope.json\n")
    write(os.path.join(root, "common", "envelope.json"), {
        "title": "Envelope",
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "type": {"type": "string"},
            "version": {"type": "string"},
            "date": {"type": "string", "format": "date-time"},
        },
        "required": ["id", "type", "version", "date"],
    })
    for name, schema in COMMON.items():
        write(os.path.join(root, "common", f"{name}.json"), schema)
    # 1.0.0, 1.1.0, 2.0.0, 2.1.0, 3.0.0, ...
    versions = [(1 + v // 2, f"{1 + v // 2}.{v % 2}.0") for v in range(a.versions)]
    for e in range(a.events):
        name = f"event_{e:04d}"
        refs = rng.sample(sorted(COMMON), 4)
        for vi, (major, version) in enumerate(versions):
            schema, example = event_schema(refs, e, vi, major)
            write(os.path.join(root, name, f"{version}.json"), schema)
            envelope = {"id": e, "type": name, "version": version, "date": "2024-05-01T10:00:00Z"}
            write(os.path.join(root, name, "examples", f"{version}.json"), dict(envelope, **example))
    print(f"wrote {a.events} event types x {a.versions} versions to {root}")


if __name__ == "__main__":
    main()
