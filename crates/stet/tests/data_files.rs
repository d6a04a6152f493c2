//! Data files (#15): with rules of one's own, a JSON or YAML file that is not a template — a
//! Terraform plan, a Kubernetes manifest — is checked as a plain document, read as
//! `cfn-guard validate -d` reads it, with findings located in it; the built-in pack does not
//! run on it. The statuses behind the findings are cfn-guard 3.2.1's
//! (`fixtures/data-files/README.md`).

use std::path::{Path, PathBuf};
use stet::{check_paths, Config, RunOptions};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/data-files")
}

/// `(rule, file name, line, column)` of each finding.
fn findings(report: &stet::Report) -> Vec<(String, String, u32, u32)> {
    let mut out: Vec<_> = report
        .findings
        .iter()
        .map(|f| {
            let name = Path::new(&*f.span.file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (f.rule.clone(), name, f.span.start.line, f.span.start.column)
        })
        .collect();
    out.sort();
    out
}

fn own_rules(rules: &str) -> RunOptions {
    RunOptions {
        rules: vec![fixtures().join(rules)],
        builtin: false,
        ..RunOptions::default()
    }
}

#[test]
fn a_terraform_plan_is_checked_with_ones_own_rules() {
    let report = check_paths(
        &[fixtures().join("plan/plan.json")],
        &own_rules("plan/plan.guard"),
    );
    let row = |rule: &str, line, column| (rule.to_string(), "plan.json".to_string(), line, column);
    assert_eq!(
        findings(&report),
        [
            row("buckets_are_tagged", 33, 21),
            row("buckets_keep_their_objects", 32, 30),
            row("nothing_is_replaced", 48, 31),
        ]
    );
    assert_eq!(report.inputs.files, 1);
}

#[test]
fn a_kubernetes_manifest_is_checked_as_cfn_guard_checks_it() {
    let report = check_paths(
        &[fixtures().join("k8s/deployment.yaml")],
        &own_rules("k8s/k8s.guard"),
    );
    let row = |rule: &str, line, column| {
        (
            rule.to_string(),
            "deployment.yaml".to_string(),
            line,
            column,
        )
    };
    assert_eq!(
        findings(&report),
        [
            row("containers_run_as_non_root", 16, 11),
            row("images_are_pinned", 17, 18),
        ]
    );
    // Only the first document is checked, and the report says so where the second starts.
    let warning = report
        .diagnostics
        .iter()
        .find(|d| d.message.contains("only the first document"))
        .expect("a warning about the second document");
    assert_eq!(
        (warning.span.start.line, warning.span.start.column),
        (18, 1)
    );
}

#[test]
fn the_builtin_pack_does_not_run_on_data_files() {
    let options = RunOptions {
        builtin: true,
        ..own_rules("plan/plan.guard")
    };
    let report = check_paths(&[fixtures().join("plan/plan.json")], &options);
    assert!(
        report.findings.iter().all(|f| !f
            .rule
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase())),
        "{:?}",
        report.findings
    );
    assert_eq!(report.findings.len(), 3);
}

#[test]
fn without_ones_own_rules_a_data_file_is_not_read() {
    let report = check_paths(&[fixtures().join("plan/plan.json")], &RunOptions::default());
    assert!(report.findings.is_empty());
    assert_eq!(report.inputs.files, 0);
}

#[test]
fn files_found_in_folders_are_data_files_when_the_configuration_says_so() {
    // Found by walking a folder (not named): skipped, unless `data` matches them.
    let report = check_paths(&[fixtures().join("k8s")], &own_rules("k8s/k8s.guard"));
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    let config = Config::parse(fixtures().join("stet.toml"), "data = [\"k8s/*.yaml\"]\n").unwrap();
    let options = RunOptions {
        config,
        ..own_rules("k8s/k8s.guard")
    };
    let report = check_paths(&[fixtures().join("k8s")], &options);
    assert_eq!(findings(&report).len(), 2, "{:?}", report.findings);
}
