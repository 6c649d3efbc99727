#!/usr/bin/env python3
"""Extracts today's RunInstances parameters and error rows into committed test fixtures.

Source: Alibaba Cloud OpenAPI metadata for ECS 2014-05-26 from the public mirror
github.com/dew-serverless/acs-metadata, file en_us/ecs/2014-05-26/api-docs.json, commit
b3c749cc (2025-12-19), kept in the shared facts directory as ecs-2014-05-26.api-docs.json
together with runinstances-errors-current.tsv (RunInstances' errorCodes, flattened), as
shared/facts/current-api/README.md describes.

Writes (relative to the repository root, whatever the working directory):
  tests/fixtures/current-api/runinstances-params.json
      one object per leaf parameter, in the metadata's order:
      {"name": "DataDisk.N.Size", "type": "integer", "minimum": 1, "maximum": 10,
       "maxItems": [16], "maxLength": 64, "default": "1"}
      Only the keys the schema has. Arrays are flattened with `.N`, objects with `.Prop`;
      `maxItems` lists the maxItems of every enclosing array, outermost first. `minimum` and
      `maximum` (strings in the schema) become numbers. Names, types and bounds only: no
      descriptions (they are Alibaba's prose).
  tests/fixtures/current-api/runinstances-errors.tsv
      the http, code and message columns of the errors TSV (the service's messages, verbatim).

Rerun from the repository root after the facts change:
  python3 tools/extract-metadata.py                      # reads ../shared/facts/current-api
  python3 tools/extract-metadata.py /path/to/current-api # or another copy of that directory
then run `cargo test --release --test it metadata`.
"""

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT / ".." / "shared" / "facts" / "current-api"
OUT = ROOT / "tests" / "fixtures" / "current-api"

METADATA = "ecs-2014-05-26.api-docs.json"
ERRORS = "runinstances-errors-current.tsv"
LEAF_TYPES = {"string", "integer", "boolean", "number"}


def number(text):
    """A schema bound ("1000", "0.5") as a JSON number."""
    value = float(text)
    return int(value) if value.is_integer() else value


def leaves(name, schema, max_items):
    """Yields one flat entry per leaf under `schema`, named from `name`."""
    kind = schema.get("type")
    if kind == "array":
        outer = max_items + ([schema["maxItems"]] if "maxItems" in schema else [])
        yield from leaves(name + ".N", schema["items"], outer)
    elif kind == "object":
        for prop, sub in schema.get("properties", {}).items():
            yield from leaves(name + "." + prop, sub, max_items)
    elif kind in LEAF_TYPES:
        entry = {"name": name, "type": kind}
        for key in ("minimum", "maximum"):
            if key in schema:
                entry[key] = number(schema[key])
        if max_items:
            entry["maxItems"] = max_items
        if "maxLength" in schema:
            entry["maxLength"] = schema["maxLength"]
        if "default" in schema:
            entry["default"] = schema["default"]
        yield entry
    else:
        sys.exit(f"{METADATA}: {name}: unexpected schema type {kind!r}")


def params(source):
    doc = json.loads((source / METADATA).read_text(encoding="utf-8"))
    out, seen = [], {}
    for p in doc["apis"]["RunInstances"]["parameters"]:
        for entry in leaves(p["name"], p["schema"], []):
            prev = seen.get(entry["name"])
            if prev is None:
                seen[entry["name"]] = entry
                out.append(entry)
            elif prev != entry:
                sys.exit(f"{METADATA}: {entry['name']} appears twice with different schemas")
            # The metadata lists RegionId twice with the same schema: keep one.
    return out


def errors(source):
    with open(source / ERRORS, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    if rows[0][:3] != ["http", "code", "message"]:
        sys.exit(f"{ERRORS}: header {rows[0]!r} does not start with http, code, message")
    return [r[:3] for r in rows]


def main():
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    OUT.mkdir(parents=True, exist_ok=True)
    entries = params(source)
    lines = ",\n".join("  " + json.dumps(e, ensure_ascii=False) for e in entries)
    (OUT / "runinstances-params.json").write_text("[\n" + lines + "\n]\n", encoding="utf-8")
    rows = errors(source)
    with open(OUT / "runinstances-errors.tsv", "w", encoding="utf-8", newline="") as f:
        for r in rows:
            f.write("\t".join(r) + "\n")
    print(f"{len(entries)} parameters, {len(rows) - 1} error rows -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
