#!/usr/bin/env python3
"""Differential test of stet's rule engine against cfn-guard.

Runs a folder of Guard rules over the CloudFormation templates under a path with both tools
and compares PASS/FAIL/SKIP per rule per template. Installs nothing: skips (exit 0) when
cfn-guard is not on PATH or the corpus is absent.

    python3 benches/guard-differential.py [RULES_DIR] [CORPUS_DIR]

Defaults: ../shared/conformance/guard-rules-registry/rules and ../shared/corpus/files.
Prints the agreement rate and every class of disagreement (rule, stet status, cfn-guard
status, count, one example template).
"""
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    rules = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "../shared/conformance/guard-rules-registry/rules")
    corpus = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "../shared/corpus/files")
    if not shutil.which("cfn-guard"):
        print("skipped: cfn-guard is not installed (cargo install cfn-guard)")
        return 0
    if not os.path.isdir(rules) or not os.path.exists(corpus):
        print(f"skipped: {rules} or {corpus} is absent")
        return 0

    subprocess.run(["cargo", "build", "--release", "-q", "-p", "stet", "--example", "guard_statuses"], cwd=ROOT, check=True)
    stet_bin = os.path.join(ROOT, "target/release/examples/guard_statuses")
    out = subprocess.run([stet_bin, os.path.abspath(rules), os.path.abspath(corpus)], capture_output=True, text=True, check=True, cwd=ROOT)
    # Key every template by its real path: cfn-guard reports links by their targets.
    stet = {os.path.realpath(os.path.join(ROOT, k)): v for k, v in json.loads(out.stdout).items()}

    # cfn-guard reads a folder, and stops at the first file it cannot read; so it is run per
    # repository folder, and file by file for a folder where it stops.
    groups = collections.defaultdict(list)
    for path in sorted(stet):
        rel = os.path.relpath(path, corpus)
        groups[rel.split(os.sep)[0] if os.path.isdir(corpus) else "."].append(path)
    guard = {}
    failures = []
    for group, paths in sorted(groups.items()):
        ok = run_guard(rules, paths, guard)
        if not ok:
            for path in paths:
                if not run_guard(rules, [path], guard):
                    failures.append(path)
    if failures:
        print(f"cfn-guard could not read {len(failures)} templates (left out of the comparison):")
        for path in failures:
            print(f"  {path}")

    total = agree = 0
    classes = collections.Counter()
    examples = {}
    for template, rules_status in guard.items():
        ours = stet.get(template)
        if ours is None:
            continue
        for rule, theirs in rules_status.items():
            mine = ours.get(rule)
            if mine is None:
                continue
            total += 1
            if mine == theirs:
                agree += 1
            else:
                key = (rule, mine, theirs)
                classes[key] += 1
                examples.setdefault(key, template)
    print(f"templates read by both: {len(set(guard) & set(stet))} (stet {len(stet)}, cfn-guard {len(guard)})")
    print(f"rule x template verdicts compared: {total}; agreement {agree}/{total} = {100.0 * agree / max(total, 1):.3f}%")
    for (rule, mine, theirs), n in classes.most_common():
        print(f"  {n:5d}  {rule}: stet {mine}, cfn-guard {theirs}  e.g. {examples[(rule, mine, theirs)]}")
    return 0


def template_extension(path):
    ext = os.path.splitext(path)[1] or ".yaml"
    if ext == ".template":
        with open(path, "rb") as f:
            ext = ".json" if f.read(64).lstrip().startswith(b"{") else ".yaml"
    return ext


def run_guard(rules, paths, guard):
    """Runs cfn-guard over `paths` (linked into one folder); records statuses; False when it
    stopped with an error."""
    work = tempfile.mkdtemp(prefix="stet-diff-")
    names = {}
    for i, path in enumerate(paths):
        link = os.path.join(work, f"t{i:05d}{template_extension(path)}")
        os.symlink(os.path.abspath(path), link)
        names[link] = path
    try:
        proc = subprocess.run(
            ["cfn-guard", "validate", "-r", rules, "-d", work, "-o", "json", "--show-summary", "none"],
            capture_output=True, text=True, timeout=900,
        )
    except subprocess.TimeoutExpired:
        shutil.rmtree(work, ignore_errors=True)
        return False
    shutil.rmtree(work, ignore_errors=True)
    if proc.returncode not in (0, 19, 20):
        return False
    decoder = json.JSONDecoder()
    text = proc.stdout
    i = 0
    while i < len(text):
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            break
        try:
            obj, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError:
            break
        i = end
        for o in obj if isinstance(obj, list) else [obj]:
            reported = o.get("name", "")
            name = names.get(reported) or os.path.realpath(reported)
            statuses = guard.setdefault(name, {})
            for r in o.get("compliant", []):
                statuses[r] = "PASS"
            for r in o.get("not_applicable", []):
                statuses[r] = "SKIP"
            for r in o.get("not_compliant", []):
                rule = r if isinstance(r, str) else (r.get("Rule", {}) or {}).get("name") or r.get("name")
                if rule:
                    statuses[rule] = "FAIL"
    return True


if __name__ == "__main__":
    sys.exit(main())
