//! Data files (#15), tried as a user would: `stet check --rules RULES plan.json` and
//! `stet check --rules RULES deployment.yaml` check the file as `cfn-guard validate -r RULES
//! -d FILE` does (`fixtures/data-files/`), and report each failure where it is.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn check_json(args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_stet"))
        .arg("check")
        .args(args)
        .args(["--format", "json"])
        .current_dir(root())
        .output()
        .expect("run stet");
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code(), report)
}

fn places(report: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            format!(
                "{} {}:{}:{}",
                f["rule"].as_str().unwrap_or_default(),
                f["file"].as_str().unwrap_or_default(),
                f["line"],
                f["column"]
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_terraform_plan_with_rules_of_ones_own() {
    let (code, report) = check_json(&[
        "--rules",
        "fixtures/data-files/plan/plan.guard",
        "fixtures/data-files/plan/plan.json",
    ]);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(
        places(&report),
        [
            "buckets_are_tagged fixtures/data-files/plan/plan.json:33:21",
            "buckets_keep_their_objects fixtures/data-files/plan/plan.json:32:30",
            "nothing_is_replaced fixtures/data-files/plan/plan.json:48:31",
        ]
    );
    assert_eq!(report["summary"]["files"], 1, "{report}");
}

#[test]
fn a_kubernetes_manifest_with_rules_of_ones_own() {
    let (code, report) = check_json(&[
        "--rules",
        "fixtures/data-files/k8s/k8s.guard",
        "fixtures/data-files/k8s/deployment.yaml",
    ]);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(
        places(&report),
        [
            "containers_run_as_non_root fixtures/data-files/k8s/deployment.yaml:16:11",
            "images_are_pinned fixtures/data-files/k8s/deployment.yaml:17:18",
        ]
    );
}
