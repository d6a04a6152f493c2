#!/usr/bin/env python3
"""Regenerate crates/stet-diff/replacement/{terraform-aws,terraform-aws-schema,cloudformation}.json from ../shared/kb.

The knowledge base in ../shared/kb (see its README) says which attributes force a
replacement. This script trims it to what stet-diff reads, keeps the provenance, and writes
sorted, stable JSON. Never edit the generated files by hand: change this script or the
hand-written overlay (crates/stet-diff/replacement/overlay.json) instead.

Usage: python3 scripts/generate-replacement-kb.py [KB_DIR]   (default: ../shared/kb)
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "crates", "stet-diff", "replacement")


def load(kb, name):
    with open(os.path.join(kb, name), encoding="utf-8") as f:
        return json.load(f)


def write(name, data):
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path):,} bytes)")


def terraform(kb):
    data = load(kb, "terraform-aws-replacement.json")
    source = data["source"]
    resources = {}
    for name, r in sorted(data["resources"].items()):
        entry = {"implementation": r["implementation"]}
        if r.get("forceNew"):
            entry["forceNew"] = sorted(r["forceNew"])
        conditional = r.get("conditional") or []
        if conditional:
            via = r.get("conditionalVia") or {}
            entry["conditional"] = {p: sorted(via.get(p, [])) for p in sorted(conditional)}
        if r.get("noUpdate"):
            entry["noUpdate"] = True
        if r.get("unresolvedConditional"):
            entry["unresolvedConditional"] = sorted(r["unresolvedConditional"])
        resources[name] = entry
    return {
        "generated_by": "scripts/generate-replacement-kb.py from ../shared/kb/terraform-aws-replacement.json",
        "source": {
            "repository": source["repo"],
            "commit": source["commit"],
            "provider_version": "5.46",
            "method": source["method"],
            "note": source.get("note", ""),
            "license": "MPL-2.0 (facts extracted from the provider source, not its code)",
        },
        "resources": resources,
    }


def custom_name(type_name, r):
    """The property that gives the resource a custom physical name, if it has one: the
    primary identifier when it is a createOnly `...Name`/`...Identifier`, else a createOnly
    `Name`, or `<X>Name` where X ends the type's name (`GroupName` of `SecurityGroup`,
    `QueueName` of `Queue`). References to other resources (`KeyName`) do not qualify."""
    create_only = set(r.get("createOnly") or [])
    for p in r.get("primaryIdentifier") or []:
        if p in create_only and (p.endswith("Name") or p.endswith("Identifier")):
            return p
    last = type_name.split("::")[-1]
    for p in sorted(create_only):
        if "." in p:
            continue
        if p == "Name" or (p.endswith("Name") and len(p) > 4 and last.endswith(p[:-4])):
            return p
    return None


def cloudformation(kb):
    registry = load(kb, "cloudformation-replacement.json")
    legacy = load(kb, "cloudformation-legacy-updatetype.json")
    resources = {}
    for type_name, r in sorted(registry["resources"].items()):
        entry = {"source": "registry"}
        if r.get("createOnly"):
            entry["createOnly"] = sorted(r["createOnly"])
        cco = r.get("conditionalCreateOnly") or []
        immutable = set((legacy["resources"].get(type_name) or {}).get("immutable", []))
        conditional = sorted(p for p in cco if p not in immutable)
        upgraded = sorted(p for p in cco if p in immutable)
        if conditional:
            entry["conditionalCreateOnly"] = conditional
        if upgraded:
            # conditionalCreateOnly in the registry, UpdateType Immutable in the legacy
            # specification: always replaces (the rule; e.g. DynamoDB KeySchema).
            entry["conditionalCreateOnlyButImmutable"] = upgraded
        if r.get("hasUpdateHandler") is False:
            entry["noUpdateHandler"] = True
        name = custom_name(type_name, r)
        if name:
            entry["customName"] = name
        tagging = r.get("tagging") or {}
        if tagging.get("tagProperty"):
            prop = tagging["tagProperty"].removeprefix("/properties/")
            entry["tagProperty"] = prop
        resources[type_name] = entry
    for name, r in sorted(legacy["resources"].items()):
        if name in resources:
            continue
        entry = {"source": "legacy"}
        if r.get("immutable"):
            entry["immutable"] = sorted(r["immutable"])
        if r.get("conditional"):
            entry["conditional"] = sorted(r["conditional"])
        resources[name] = entry
    rs, ls = registry["source"], legacy["source"]
    return {
        "generated_by": "scripts/generate-replacement-kb.py from ../shared/kb/cloudformation-replacement.json and cloudformation-legacy-updatetype.json",
        "source": {
            "registry": {
                "package": f"{rs['package']} {rs['version']}",
                "schema_date": rs["schemaDate"],
                "region": rs["region"],
                "license": rs["license"],
            },
            "legacy": {
                "package": f"{ls['package']} {ls['version']}",
                "specification_version": ls["resourceSpecificationVersion"],
                "region": ls["region"],
                "license": "MIT-0 (cfn-lint); AWS CloudFormation Resource Specification",
            },
        },
        "resources": resources,
    }


# The diff-suppression kinds stet applies; `other:*` functions are specific to each resource
# and are not interpreted.
SUPPRESS_KINDS = ("case-insensitive", "json-equivalent", "missing-optional-block")


def terraform_schema(kb):
    """Facts that tell whether a difference is a change at all: Optional+Computed arguments,
    schema defaults, sets, diff suppression kinds, and the computed-only attributes (new
    after a replacement)."""
    extra = load(kb, "terraform-aws-schema-extra.json")
    replacement = load(kb, "terraform-aws-replacement.json")["resources"]
    resources = {}
    for name, r in sorted(extra["resources"].items()):
        entry = {"implementation": r["implementation"]}
        for field, key in (("optionalComputed", "optionalComputed"), ("sets", "sets")):
            if r.get(field):
                entry[key] = sorted(r[field])
        if r.get("defaults"):
            entry["defaults"] = dict(sorted(r["defaults"].items()))
        suppress = {p: k for p, k in sorted((r.get("diffSuppress") or {}).items()) if k in SUPPRESS_KINDS}
        if suppress:
            entry["diffSuppress"] = suppress
        computed = (replacement.get(name) or {}).get("computedOnly") or []
        if computed:
            entry["computedOnly"] = sorted(computed)
        resources[name] = entry
    source = extra["source"]
    return {
        "generated_by": "scripts/generate-replacement-kb.py from ../shared/kb/terraform-aws-schema-extra.json and terraform-aws-replacement.json",
        "source": {
            "repository": source["repository"],
            "commit": source["commit"],
            "provider_version": "5.46",
            "license": "MPL-2.0 (facts extracted from the provider source, not its code)",
        },
        "resources": resources,
    }


def main():
    kb = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "kb")
    if not os.path.isdir(kb):
        sys.exit(f"error: no knowledge base at {kb}; pass its folder as the first argument")
    os.makedirs(OUT, exist_ok=True)
    write("terraform-aws.json", terraform(kb))
    write("terraform-aws-schema.json", terraform_schema(kb))
    write("cloudformation.json", cloudformation(kb))


if __name__ == "__main__":
    main()
