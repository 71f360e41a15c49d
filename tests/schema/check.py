#!/usr/bin/env python3
"""Hold every API answer the integration suite received against the
OpenAPI document: the operation must document the status, the media type
and a schema the body satisfies.  Prints a summary; exit status 1 on any
mismatch.

usage: check.py OPENAPI.json RESPONSES.jsonl
"""
import json
import re
import sys
import warnings

import jsonschema

warnings.filterwarnings("ignore", category=DeprecationWarning)


def operations(doc):
    """(regex, template, path item) for each documented path."""
    out = []
    for template, item in doc["paths"].items():
        rx = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+",
                          re.escape(template)) + "$"
        out.append((re.compile(rx), template, item))
    # Literal paths first: /mailboxes/import before /mailboxes/{address}.
    out.sort(key=lambda o: o[1].count("{"))
    return out


def find(ops, path):
    for rx, template, item in ops:
        if rx.match(path):
            return template, item
    return None, None


def resolve(doc, node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        node = doc
        for part in ref[2:].split("/"):
            node = node[part]
    return node


def main():
    doc = json.load(open(sys.argv[1]))
    ops = operations(doc)
    resolver = jsonschema.RefResolver.from_schema(doc)
    checked, skipped, bad = 0, 0, []
    seen = set()

    for n, line in enumerate(open(sys.argv[2], encoding="utf-8",
                                  errors="replace"), 1):
        rec = json.loads(line)
        method = rec["method"].lower()
        path = rec["path"].split("?")[0]
        template, item = find(ops, path)
        # Undocumented paths and methods are the 404 and 405 tests.
        if item is None or method not in item:
            skipped += 1
            continue
        # Kore refuses an over-long request line before any handler runs.
        if rec["status"] == 414:
            skipped += 1
            continue
        op = item[method]
        seen.add((method.upper(), template))
        where = "%s %s -> %d" % (rec["method"], rec["path"][:120],
                                 rec["status"])
        responses = op.get("responses", {})
        spec = responses.get(str(rec["status"]),
                             responses.get("default"))
        if spec is None:
            bad.append("%s: status %d is not documented for %s %s" %
                       (where, rec["status"], rec["method"], template))
            continue
        spec = resolve(doc, spec)
        content = spec.get("content")
        if not content:
            if rec["body"]:
                bad.append("%s: a body where none is documented" % where)
            checked += 1
            continue
        ctype = rec["content_type"].split(";")[0].strip()
        if ctype not in content:
            bad.append("%s: media type %r, documented %s" %
                       (where, ctype, sorted(content)))
            continue
        schema = content[ctype].get("schema")
        checked += 1
        if schema is None or not ctype.endswith("json"):
            continue
        try:
            body = json.loads(rec["body"])
        except ValueError as e:
            bad.append("%s: not JSON: %s" % (where, e))
            continue
        validator = jsonschema.Draft202012Validator(schema,
                                                    resolver=resolver)
        errors = sorted(validator.iter_errors(body), key=str)
        if errors:
            e = errors[0]
            bad.append("%s: %s at %s" % (where, e.message[:200],
                       "/".join(str(p) for p in e.absolute_path)))

    documented = sum(1 for _, _, item in ops for m in item
                     if m in ("get", "post", "put", "patch", "delete"))
    print("schema: %d answers checked against %s (%d of %d documented "
          "operations exercised; %d answers to undocumented paths or "
          "methods, or Kore's own 414)" % (checked, sys.argv[1], len(seen), documented,
                        skipped))
    for b in bad:
        print("schema mismatch: " + b)
    if bad:
        print("schema: %d mismatches" % len(bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
