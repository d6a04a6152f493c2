#!/usr/bin/env python3
"""Record aws-sam-translator's answers for the SAM fixtures of fixtures/sam/ (issue #18).

For every `fixtures/sam/<case>/template.yaml`, transform the template and, for every property
of every AWS::Serverless resource (and of every event), a copy with that one property changed;
write to `<case>/translator.json` which generated resources exist and, per change, which
generated resources change and in which top-level property (or are created or deleted).
`crates/stet-diff/tests/sam_oracle.rs` makes the same changes with stet's mapping
(crates/stet-diff/replacement/sam.json) and compares.

The translator runs offline: a region is set, every CodeUri is an s3:// URI, and the
managed-policy loader returns an empty map.

    pip install aws-sam-translator
    AWS_DEFAULT_REGION=us-east-1 python3 scripts/sam-oracle.py fixtures/sam
"""

import copy
import json
import re
import sys
from pathlib import Path

import samtranslator
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

HASHED = re.compile(r"^(.*?(?:Version|Deployment))[0-9a-f]{10}$")


class NoPolicies:
    """The managed-policy loader, offline: no policy names are known."""

    def load(self):
        return {}

    def get_managed_policy_map(self):
        return {}


def base_id(logical_id, hashed_prefixes):
    """A generated logical ID without the content hash the transform appends (versions,
    deployments, stages with non-alphanumeric names, and layer versions)."""
    match = HASHED.match(logical_id)
    if match and match.group(1) in hashed_prefixes:
        return match.group(1) + "#"
    for prefix in hashed_prefixes:
        if logical_id.startswith(prefix) and re.fullmatch(r"[0-9a-f]{10}", logical_id[len(prefix):]):
            return prefix + "#"
    return logical_id


def hashed_prefixes(output, template):
    """The prefixes of hashed logical IDs in a transform's output."""
    sam = set(template["Resources"])
    found = set()
    for key in output:
        match = re.match(r"^(.+?)([0-9a-f]{10})$", key)
        if match and (match.group(1) in sam or match.group(1).endswith(("Version", "Deployment", "Stage"))):
            found.add(match.group(1))
    return found


def run(template):
    return transform(copy.deepcopy(template), {}, NoPolicies())["Resources"]


def perturbed(value):
    """The value changed, keeping its type (so the transform still accepts it)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        if value.startswith("s3://"):
            return value.replace(".zip", "-2.zip")
        return value + "2"
    if isinstance(value, list):
        return value + [perturbed(value[0])] if value else ["x"]
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in ("Ref", "Fn::GetAtt", "Fn::Sub"):
            return "arn:aws:sqs:us-east-1:123456789012:other"
        key = sorted(value)[0]
        return {**value, key: perturbed(value[key])}
    return value


def paths(resource):
    """The property paths of a SAM resource to change, one at a time."""
    properties = resource.get("Properties", {})
    for key, value in properties.items():
        if key == "Events":
            for event, body in value.items():
                for prop in body.get("Properties", {}):
                    yield ["Events", event, "Properties", prop]
        else:
            yield [key]


def get(obj, path):
    for key in path:
        obj = obj[key]
    return obj


def put(obj, path, value):
    for key in path[:-1]:
        obj = obj[key]
    obj[path[-1]] = value


def changes(before, after, hashed):
    """Which generated resources change, and how (top-level property, created, deleted)."""
    by_base = lambda out: {base_id(k, hashed): (k, v) for k, v in out.items()}
    old, new = by_base(before), by_base(after)
    found = set()
    for key in old.keys() | new.keys():
        if key not in new:
            found.add((key, "<deleted>"))
        elif key not in old:
            found.add((key, "<created>"))
        else:
            (old_id, a), (new_id, b) = old[key], new[key]
            if old_id != new_id:
                found.add((key, "<new id>"))
            if a.get("Type") != b.get("Type"):
                found.add((key, "Type"))
            pa, pb = a.get("Properties", {}), b.get("Properties", {})
            for prop in pa.keys() | pb.keys():
                if pa.get(prop) != pb.get(prop):
                    found.add((key, prop))
    return sorted([list(x) for x in found])


def record(case):
    template = yaml_parse((case / "template.yaml").read_text())
    base = run(template)
    hashed = hashed_prefixes(base, template)
    result = {
        "translator": f"aws-sam-translator {samtranslator.__version__}",
        "resources": sorted([base_id(k, hashed), v["Type"]] for k, v in base.items()),
        "changes": [],
    }
    for name, resource in template["Resources"].items():
        if not resource.get("Type", "").startswith("AWS::Serverless::"):
            continue
        for path in paths(resource):
            full = ["Resources", name, "Properties"] + path
            value = perturbed(get(template, full))
            variant = copy.deepcopy(template)
            put(variant, full, value)
            try:
                after = run(variant)
            except Exception as error:  # the translator refuses the changed value
                result["changes"].append({"path": full, "value": value, "refused": str(error)[:200]})
                continue
            both = hashed | hashed_prefixes(after, template)
            result["changes"].append({"path": full, "value": value, "changes": changes(base, after, both)})
    (case / "translator.json").write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    print(f"{case}: {len(result['resources'])} resources, {len(result['changes'])} changes")


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "fixtures/sam")
    for case in sorted(p for p in root.iterdir() if (p / "template.yaml").is_file()):
        record(case)


if __name__ == "__main__":
    main()
