//! `stet check --rules` and `stet test` end to end, on the fixtures under `fixtures/rules/`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn stet(args: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_stet"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run stet");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn check_reports_failures_at_the_failing_value() {
    let (code, stdout, stderr) = stet(&[
        "check",
        "--rules",
        "fixtures/rules/example",
        "--no-builtin",
        "--format",
        "json",
        "fixtures/graph/cloudformation-yaml/input",
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "EX001");
    assert_eq!(finding["severity"], "high");
    assert_eq!(
        finding["file"],
        "fixtures/graph/cloudformation-yaml/input/template.yaml"
    );
    // The bucket has no `VersioningConfiguration`: reported at its logical ID (#16), not at
    // the first line of its `Properties`.
    assert_eq!(finding["line"], 61);
    assert_eq!(finding["resource"], "Macro");
    assert_eq!(
        finding["message"],
        "Macro: S3 buckets must keep object versions"
    );
    assert_eq!(
        finding["remediation"],
        "Set VersioningConfiguration.Status to Enabled."
    );
    assert_eq!(report["summary"]["findings"], 1);
}

#[test]
fn check_runs_rules_on_terraform_too() {
    let (code, stdout, _) = stet(&[
        "check",
        "--rules",
        "fixtures/rules/constructs",
        "--format",
        "json",
        "--fail-on",
        "never",
        "fixtures/graph/terraform-blocks/input",
    ]);
    assert_eq!(code, Some(0));
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(report["errors"].as_array().map(Vec::len), Some(0));
}

#[test]
fn check_without_rules_says_so() {
    let (code, _, stderr) = stet(&["check", "--no-builtin", "fixtures/graph/sam/input"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("--no-builtin leaves only the rules of --rules"),
        "{stderr}"
    );
}

#[test]
fn check_runs_the_builtin_pack_with_no_configuration() {
    let (code, stdout, stderr) = stet(&[
        "check",
        "fixtures/rules/pack/PIN005/cloudformation-yaml/fail",
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stdout.contains("medium[PIN005]: Repository: tags are mutable"),
        "{stdout}"
    );
}

#[test]
fn broken_rule_file_is_an_error_with_its_location() {
    let dir = std::env::temp_dir().join(format!("stet-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("bad.guard"), "rule r {\n  Properties.X exits\n}\n").expect("write");
    let (code, stdout, _) = stet(&[
        "check",
        "--rules",
        dir.to_str().unwrap_or(""),
        "fixtures/graph/sam/input",
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, Some(2));
    assert!(stdout.contains("error: expected"), "{stdout}");
    assert!(stdout.contains("bad.guard:2:16"), "{stdout}");
}

#[test]
fn test_command_passes_and_counts() {
    let (code, stdout, _) = stet(&["test", "fixtures/rules/example", "--format", "json"]);
    assert_eq!(code, Some(0), "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(report["files"], 1);
    assert_eq!(report["cases"], 3);
    assert_eq!(report["expectations"], 3);
    assert_eq!(report["mismatches"].as_array().map(Vec::len), Some(0));
}

#[test]
fn test_command_reports_a_mismatch() {
    let dir = std::env::temp_dir().join(format!("stet-rule-tests-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("tests")).expect("temp dir");
    std::fs::write(dir.join("r.guard"), "rule r {\n  Resources exists\n}\n").expect("write");
    std::fs::write(
        dir.join("tests/r_tests.yaml"),
        "- name: empty\n  input: {}\n  expectations:\n    rules:\n      r: PASS\n",
    )
    .expect("write");
    let (code, stdout, _) = stet(&["test", dir.to_str().unwrap_or("")]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("rule r expected PASS, got FAIL"),
        "{stdout}"
    );
}
