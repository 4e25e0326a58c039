#!/usr/bin/env python3
"""Seeds fuzz/corpus/<target>/ from the repository (run from anywhere):

* payload: every JSON example payload of the shipped catalog, and each
  instance of the JSON-Schema-Test-Suite (draft 2020-12);
* schema:  every schema of the shipped catalog, the snapshot and diagnostics
  fixtures, and each schema of the JSON-Schema-Test-Suite.

Standard library only. Files are named by content hash, so reseeding adds
nothing twice.
"""

import hashlib
import json
import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
FUZZ = ROOT / "fuzz"


def put(target, data):
    d = FUZZ / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main():
    n = {"payload": 0, "schema": 0}
    for p in sorted((ROOT / "schemas").rglob("*.json")):
        target = "payload" if "examples" in p.parts else "schema"
        put(target, p.read_bytes())
        n[target] += 1
    for base in [ROOT / "codegen/tests/snapshots", ROOT / "tests/diagnostics"]:
        for p in sorted(base.rglob("*.json")):
            if "examples" not in p.parts:
                put("schema", p.read_bytes())
                n["schema"] += 1
    suite = ROOT / "tests/conformance/suite/tests/draft2020-12"
    for p in sorted(suite.rglob("*.json")):
        try:
            groups = json.loads(p.read_text())
        except ValueError:
            continue
        for g in groups:
            put("schema", json.dumps(g["schema"]).encode())
            n["schema"] += 1
            for t in g.get("tests", []):
                put("payload", json.dumps(t["data"]).encode())
                n["payload"] += 1
    print(f"seeded {n['payload']} payloads and {n['schema']} schemas into {FUZZ / 'corpus'}")


if __name__ == "__main__":
    main()
