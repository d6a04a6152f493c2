//! The plan oracle (issue #14): for every pair in `fixtures/terraform-plan-oracle/*/`,
//! `terraform apply` of `before/` then `terraform plan` of `after/` gives each address an
//! action; `stet diff before after` (the root module's document) and `stet plan` on the
//! recorded plan must give every address the same action. Terraform's answers are recorded
//! (`expected.json`, `plan.json`) so the comparison runs where Terraform is absent; where it
//! is installed they are checked first (`STET_BLESS=1` records them anew).
//!
//! Run with `-- --nocapture` for the counts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use stet::LoadOptions;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/terraform-plan-oracle")
}

fn terraform_available() -> bool {
    Command::new("terraform")
        .arg("version")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("terraform")
        .args(args)
        .arg("-no-color")
        .current_dir(dir)
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "terraform {args:?} failed in {}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Removes the configuration files (not `.terraform/`, not the state) under `dir`.
fn remove_config(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().unwrap().is_dir() {
            if name != ".terraform" {
                remove_config(&path);
            }
        } else if name.ends_with(".tf") || name.ends_with(".tfvars") {
            std::fs::remove_file(path).unwrap();
        }
    }
}

/// Terraform's plan of `after` against `before` applied: the `terraform show -json` text.
fn terraform_plan(case: &Path) -> String {
    let work = std::env::temp_dir().join(format!(
        "stet-plan-oracle-{}-{}",
        std::process::id(),
        case.file_name().unwrap().to_string_lossy()
    ));
    let _ = std::fs::remove_dir_all(&work);
    copy_dir(&case.join("before"), &work);
    run(&work, &["init", "-input=false"]);
    run(&work, &["apply", "-auto-approve", "-input=false"]);
    remove_config(&work);
    copy_dir(&case.join("after"), &work);
    run(&work, &["init", "-input=false"]);
    run(&work, &["plan", "-input=false", "-out=plan.bin"]);
    let shown = run(&work, &["show", "-json", "plan.bin"]);
    let _ = std::fs::remove_dir_all(&work);
    shown
}

/// Every address's action in a plan: `create`, `delete`, `update`, `replace`, `move`,
/// `forget`; addresses with no action are left out.
fn plan_actions(plan: &serde_json::Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for rc in plan["resource_changes"].as_array().into_iter().flatten() {
        if rc["mode"] != "managed" {
            continue;
        }
        let actions: Vec<&str> = rc["change"]["actions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a.as_str())
            .collect();
        let action = match actions.as_slice() {
            ["create"] => "create",
            ["delete"] => "delete",
            ["update"] => "update",
            ["delete", "create"] | ["create", "delete"] => "replace",
            ["forget"] => "forget",
            ["no-op"] if rc["previous_address"].is_string() => "move",
            _ => continue,
        };
        let address = rc["address"].as_str().unwrap_or_default().to_string();
        out.insert(address, action.to_string());
    }
    out
}

fn stet_actions(changes: &[stet::Change], document: Option<&str>) -> BTreeMap<String, String> {
    changes
        .iter()
        // The root module's document (a module folder is also read on its own).
        .filter(|c| document.is_none_or(|d| Path::new(&c.document).ends_with(d)))
        .map(|c| (c.address.clone(), c.action.as_str().to_string()))
        .collect()
}

#[test]
fn stet_diff_plans_as_terraform_does() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixtures/terraform-plan-oracle exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("before").is_dir())
        .collect();
    cases.sort();
    let bless = std::env::var_os("STET_BLESS").is_some();
    let terraform = terraform_available();
    if !terraform {
        eprintln!("terraform is not installed: comparing with the recorded plans only");
    }
    let mut stale = Vec::new();
    let mut wrong = Vec::new();
    let (mut addresses, mut agreeing) = (0, 0);
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let recorded: Option<serde_json::Value> = std::fs::read_to_string(case.join("plan.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok());
        let plan = if terraform {
            let text = terraform_plan(case);
            let fresh: serde_json::Value = serde_json::from_str(&text).expect("plan JSON");
            if recorded.as_ref().map(plan_actions) != Some(plan_actions(&fresh)) {
                if bless {
                    std::fs::write(
                        case.join("plan.json"),
                        serde_json::to_string_pretty(&fresh).unwrap() + "\n",
                    )
                    .unwrap();
                } else {
                    stale.push(name.clone());
                }
            }
            fresh
        } else {
            recorded.unwrap_or_else(|| {
                panic!("{name}: no plan.json (run with terraform installed and STET_BLESS=1)")
            })
        };
        let expected = plan_actions(&plan);
        let before = case.join("before");
        let after = case.join("after");
        let diffed = stet::diff_paths(&before, &after, &LoadOptions::default()).expect("stet diff");
        let from_diff = stet_actions(&diffed.changes, Some("after"));
        let planned = stet::read_plan_file(
            case.join("plan.json"),
            Some(&after),
            &LoadOptions::default(),
        )
        .expect("stet plan");
        let from_plan = stet_actions(&planned.changes, None);
        // `stet plan` points each change at the resource's block, where `stet diff` does
        // (a deletion is not in the configuration: it stays in the plan, or points at its
        // `removed` block).
        for c in &planned.changes {
            let located = diffed
                .changes
                .iter()
                .find(|d| d.address == c.address && Path::new(&d.document).ends_with("after"));
            if let Some(d) = located.filter(|d| {
                !matches!(c.action, stet::Action::Delete | stet::Action::Forget)
                    && (&d.span.file, d.span.start.line) != (&c.span.file, c.span.start.line)
            }) {
                wrong.push(format!(
                    "{name}: {}: stet plan points at {}:{}, stet diff at {}:{}",
                    c.address, c.span.file, c.span.start.line, d.span.file, d.span.start.line
                ));
            }
        }
        assert!(
            !planned
                .diagnostics
                .iter()
                .any(|d| d.message.contains("point into the plan")),
            "{name}: {:?}",
            planned.diagnostics
        );
        let all: std::collections::BTreeSet<&String> = expected
            .keys()
            .chain(from_diff.keys())
            .chain(from_plan.keys())
            .collect();
        for address in all {
            addresses += 1;
            let want = expected.get(address).map_or("no change", String::as_str);
            let diff = from_diff.get(address).map_or("no change", String::as_str);
            let plan = from_plan.get(address).map_or("no change", String::as_str);
            if want == diff && want == plan {
                agreeing += 1;
            } else {
                wrong.push(format!(
                    "{name}: {address}: terraform {want}, stet diff {diff}, stet plan {plan}"
                ));
            }
        }
    }
    eprintln!(
        "terraform plan oracle: {} pairs, {addresses} addresses, {agreeing} agreeing",
        cases.len()
    );
    assert!(
        stale.is_empty(),
        "recorded plans differ from terraform's for {stale:?}: rerun with STET_BLESS=1"
    );
    assert!(
        wrong.is_empty(),
        "actions that differ:\n{}",
        wrong.join("\n")
    );
    assert!(
        cases.len() >= 40,
        "the plan oracle should hold at least 40 pairs"
    );
}

/// A plan read against a configuration that does not declare its addresses says so once and
/// keeps the plan's places; with no configuration at hand it says why it points into the plan.
#[test]
fn stet_plan_says_when_it_cannot_point_at_the_code() {
    let plan = fixtures().join("count-grow/plan.json");
    let other = fixtures().join("moved-module/after");
    let read = stet::read_plan_file(&plan, Some(&other), &LoadOptions::default()).unwrap();
    let warnings: Vec<&String> = read
        .diagnostics
        .iter()
        .map(|d| &d.message)
        .filter(|m| m.contains("point into the plan"))
        .collect();
    assert_eq!(warnings.len(), 1, "{:?}", read.diagnostics);
    assert!(
        warnings[0].contains("none of the plan's addresses are there"),
        "{}",
        warnings[0]
    );
    assert!(read
        .changes
        .iter()
        .all(|c| c.span.file.ends_with("plan.json")));

    let lonely = std::env::temp_dir().join(format!("stet-lonely-plan-{}", std::process::id()));
    std::fs::create_dir_all(&lonely).unwrap();
    std::fs::copy(&plan, lonely.join("plan.json")).unwrap();
    let read =
        stet::read_plan_file(lonely.join("plan.json"), None, &LoadOptions::default()).unwrap();
    let _ = std::fs::remove_dir_all(&lonely);
    assert!(
        read.diagnostics.iter().any(|d| d
            .message
            .contains("no Terraform configuration beside the plan")
            && d.message.contains("--source")),
        "{:?}",
        read.diagnostics
    );
    assert!(!read.changes.is_empty());
}
