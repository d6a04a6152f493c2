#!/usr/bin/env python3
"""Record what cfn-lint resolves intrinsic functions to, for stet's resolution tests (#18).

cfn-lint resolves `Ref` to parameters, `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split`,
`Fn::FindInMap`, `Fn::If`, `Fn::GetAZs` and `Fn::ToJsonString` for its own checks
(`CfnTemplateValidator.resolve_value`), giving every value an intrinsic may take. For every
outermost intrinsic function in the `Properties` of every resource of each template given,
this writes the values cfn-lint finds, keyed by the value's path, to `cfn-lint.json` beside the
template (or prints them with --print). `crates/stet/tests/resolution_fixtures.rs` checks that
every value stet resolves is among them.

    pip install cfn-lint
    python3 scripts/cfn-lint-oracle.py fixtures/resolution/*/template.yaml

With `--compare STET`, it runs `STET graph` on each template instead and counts, over all
templates, how often stet's resolved value is among cfn-lint's (for the figures in the report
of #18; nothing is written).
"""

import json
import sys
from pathlib import Path

import cfnlint.version
from cfnlint.context import create_context_for_template
from cfnlint.decode.decode import decode_str
from cfnlint.jsonschema import CfnTemplateValidator
from cfnlint.template import Template

FUNCTIONS = {"Ref", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::FindInMap",
             "Fn::If", "Fn::GetAZs", "Fn::ToJsonString", "Fn::Base64", "Fn::Cidr",
             "Fn::Length", "Fn::GetAtt", "Fn::ImportValue"}


def intrinsics(value, path):
    """(path, value) of every outermost intrinsic function in `value`."""
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in FUNCTIONS:
            yield path, value
            return
        for key, inner in value.items():
            yield from intrinsics(inner, path + [key])
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from intrinsics(inner, path + [index])


def plain(value):
    """Whether `value` holds no intrinsic function (a value cfn-lint resolved fully)."""
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in FUNCTIONS:
            return False
        return all(plain(v) for v in value.values())
    if isinstance(value, list):
        return all(plain(v) for v in value)
    return True


def record(path):
    text = Path(path).read_text()
    template, errors = decode_str(text)
    if template is None:
        return None
    cfn = Template(str(path), template, regions=["us-east-1"])
    validator = CfnTemplateValidator({}, context=create_context_for_template(cfn), cfn=cfn)
    found = []
    for name, resource in (template.get("Resources") or {}).items():
        if not isinstance(resource, dict) or name.startswith("Fn::ForEach"):
            continue
        for where, value in intrinsics(resource.get("Properties") or {}, ["Resources", name, "Properties"]):
            values = []
            try:
                for resolved, _, error in validator.resolve_value(value):
                    if error is None and plain(resolved) and resolved not in values:
                        values.append(resolved)
            except Exception as problem:  # cfn-lint cannot resolve this one
                values = {"error": type(problem).__name__}
            found.append({"path": where, "values": values})
    return {"cfn-lint": f"cfn-lint {cfnlint.version.__version__}", "values": found}


def at(value, path):
    for key in path:
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and isinstance(key, int) and key < len(value):
            value = value[key]
        else:
            return None
    return value


def known(value):
    """Whether a value in stet's resolved document is fully known (no `${...}` placeholder)."""
    if isinstance(value, str):
        return "${" not in value
    if isinstance(value, dict):
        return all(known(v) for v in value.values()) and not any(k.startswith("Fn::") for k in value)
    if isinstance(value, list):
        return all(known(v) for v in value)
    return value is not None


def same(a, b):
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    # cfn-lint offers a boolean parameter's values as Python's True and False.
    if str(a).lower() in ("true", "false") or str(b).lower() in ("true", "false"):
        return str(a).lower() == str(b).lower()
    return str(a) == str(b)


def compare(stet, paths):
    import subprocess
    import tempfile
    counts = {"templates": 0, "values": 0, "both known": 0, "agree": 0, "disagree": 0,
              "only stet known": 0, "only cfn-lint known": 0, "neither": 0, "cfn-lint error": 0}
    disagreements = []
    for path in paths:
        try:
            result = record(path)
        except Exception:
            continue
        if result is None:
            continue
        # The template alone, so that stet resolves it with its defaults as cfn-lint does.
        with tempfile.TemporaryDirectory() as tmp:
            alone = Path(tmp) / Path(path).name
            alone.write_text(Path(path).read_text())
            out = subprocess.run([stet, "graph", str(alone)], capture_output=True, text=True)
        try:
            files = json.loads(out.stdout)["files"]
        except Exception:
            continue
        if not files or "resolved" not in files[0]:
            continue
        counts["templates"] += 1
        resolved = files[0]["resolved"]
        for entry in result["values"]:
            counts["values"] += 1
            theirs = entry["values"]
            if isinstance(theirs, dict):
                counts["cfn-lint error"] += 1
                continue
            ours = at(resolved, entry["path"])
            ours_known = ours is not None and known(ours)
            if ours is None and entry["path"]:
                # Left out (AWS::NoValue, a false condition): compare with nothing.
                ours_known = False
            if ours_known and theirs:
                counts["both known"] += 1
                if any(same(ours, t) for t in theirs):
                    counts["agree"] += 1
                else:
                    counts["disagree"] += 1
                    disagreements.append({"file": path, "path": entry["path"], "stet": ours, "cfn-lint": theirs[:5]})
            elif ours_known:
                counts["only stet known"] += 1
            elif theirs:
                counts["only cfn-lint known"] += 1
            else:
                counts["neither"] += 1
    print(json.dumps(counts, indent=1))
    for d in disagreements:
        print(json.dumps(d, default=str))


def main():
    if sys.argv[1:2] == ["--compare"]:
        compare(sys.argv[2], sys.argv[3:])
        return
    printing = "--print" in sys.argv
    for arg in (a for a in sys.argv[1:] if a != "--print"):
        result = record(arg)
        if result is None:
            continue
        if printing:
            print(json.dumps({"file": arg, **result}, default=str))
        else:
            (Path(arg).parent / "cfn-lint.json").write_text(json.dumps(result, indent=1, default=str) + "\n")


if __name__ == "__main__":
    main()
