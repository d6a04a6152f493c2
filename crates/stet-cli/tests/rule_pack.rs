//! The built-in rule pack end to end: for every rule and every format it covers
//! (`fixtures/rules/pack/ID/FORMAT/`), `stet check` (or `stet diff` for the CHG rules) reports
//! the rule on the failing example — the findings checked against `expected.json` — and not on
//! the passing one; every rule's page shows its examples; `stet rules` and `stet explain` work.
//! `STET_BLESS=1` rewrites the `expected.json` files.

use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn stet_json(args: &[&str], dir: &Path) -> Json {
    let output = Command::new(env!("CARGO_BIN_EXE_stet"))
        .args(args)
        .args(["--format", "json", "--fail-on", "never"])
        .current_dir(dir)
        .output()
        .expect("run stet");
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)))
}

/// The formats a rule's header lists, as fixture folder names.
fn covered(formats: &[String]) -> Vec<&'static str> {
    let mut out = Vec::new();
    for f in formats {
        match f.as_str() {
            "terraform" => out.push("terraform"),
            "cloudformation" => out.extend(["cloudformation-json", "cloudformation-yaml"]),
            "sam" => out.push("sam"),
            _ => {}
        }
    }
    out.sort();
    out.dedup();
    out
}

fn findings_of(report: &Json, rule: &str) -> Vec<Json> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            serde_json::json!({
                "file": f["file"], "line": f["line"], "column": f["column"],
                "rule": f["rule"], "severity": f["severity"], "resource": f["resource"],
                "message": f["message"],
            })
        })
        .collect()
}

#[test]
fn every_rule_fails_and_passes_in_every_format_it_covers() {
    let bless = std::env::var_os("STET_BLESS").is_some();
    let mut problems = Vec::new();
    let mut cases = 0;
    for rule in stet::BUILTIN {
        let parsed = stet::RuleSet::parse(rule.path, rule.source).unwrap();
        let formats = covered(&parsed.meta().formats);
        let dir = root().join("fixtures/rules/pack").join(rule.id);
        for format in formats {
            let base = dir.join(format);
            if !base.is_dir() {
                problems.push(format!(
                    "{}: no {format} examples in {}",
                    rule.id,
                    base.display()
                ));
                continue;
            }
            let (fail, pass) = if rule.is_change_rule() {
                (
                    stet_json(&["diff", "fail/before", "fail/after"], &base),
                    stet_json(&["diff", "pass/before", "pass/after"], &base),
                )
            } else {
                (
                    stet_json(&["check", "fail"], &base),
                    stet_json(&["check", "pass"], &base),
                )
            };
            cases += 2;
            for (name, report) in [("fail", &fail), ("pass", &pass)] {
                if report["errors"].as_array().is_some_and(|e| !e.is_empty()) {
                    problems.push(format!(
                        "{} {format} {name}: errors {}",
                        rule.id, report["errors"]
                    ));
                }
            }
            let found = findings_of(&fail, rule.id);
            if found.is_empty() {
                problems.push(format!(
                    "{} {format}: no finding on the failing example",
                    rule.id
                ));
            }
            let wrong = findings_of(&pass, rule.id);
            if !wrong.is_empty() {
                problems.push(format!(
                    "{} {format}: findings on the passing example: {wrong:?}",
                    rule.id
                ));
            }
            let expected_path = base.join("expected.json");
            let actual = serde_json::to_string_pretty(&found).unwrap() + "\n";
            if bless {
                std::fs::write(&expected_path, &actual).unwrap();
            } else if std::fs::read_to_string(&expected_path).ok().as_deref()
                != Some(actual.as_str())
            {
                problems.push(format!(
                    "{} {format}: findings differ from expected.json:\n{actual}",
                    rule.id
                ));
            }
        }
    }
    assert!(cases >= 2 * 40, "only {cases} cases");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_rule_page_shows_its_examples() {
    for rule in stet::BUILTIN {
        let dir = root().join("fixtures/rules/pack").join(rule.id);
        let mut files = Vec::new();
        collect(&dir, &mut files);
        // The findings the page shows are the ones stet reports.
        for expected in files.iter().filter(|f| f.ends_with("expected.json")) {
            let findings: Json =
                serde_json::from_str(&std::fs::read_to_string(expected).unwrap()).unwrap();
            for f in findings.as_array().into_iter().flatten() {
                let message = f["message"].as_str().unwrap_or_default();
                assert!(
                    rule.page.contains(message),
                    "crates/stet/rules/{}.md does not show the finding `{message}` of {}",
                    rule.id,
                    expected.display()
                );
            }
        }
        for file in files.iter().filter(|f| !f.ends_with("expected.json")) {
            let text = std::fs::read_to_string(file).unwrap();
            assert!(
                rule.page.contains(text.trim_end()),
                "crates/stet/rules/{}.md does not show {}",
                rule.id,
                file.display()
            );
        }
        for section in [
            "## What it flags",
            "## Why it matters",
            "## How to fix it",
            "## Examples",
        ] {
            assert!(
                rule.page.contains(section),
                "crates/stet/rules/{}.md lacks `{section}`",
                rule.id
            );
        }
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn rules_and_explain() {
    let output = Command::new(env!("CARGO_BIN_EXE_stet"))
        .arg("rules")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with(char::is_uppercase) && l.contains("  "))
            .count(),
        26,
        "{text}"
    );
    assert!(text.contains("PIN003  high"), "{text}");
    let output = Command::new(env!("CARGO_BIN_EXE_stet"))
        .args(["explain", "pin003"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&output.stdout).starts_with("# PIN003: Module sources are pinned")
    );
    let output = Command::new(env!("CARGO_BIN_EXE_stet"))
        .args(["explain", "NOPE1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no built-in rule `NOPE1`"));
}

#[test]
fn the_pack_runs_with_no_configuration_and_its_tests_pass() {
    let output = Command::new(env!("CARGO_BIN_EXE_stet"))
        .args(["test", "crates/stet/rules"])
        .current_dir(root())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("26 rule files"), "{text}");
    let output = Command::new(env!("CARGO_BIN_EXE_stet"))
        .args(["check", "fixtures/rules/pack/PIN003/terraform/fail"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("high[PIN003]: module.vpc: uses registry source terraform-aws-modules/vpc/aws with no version"));
}
