//! The pre-commit hooks of `.pre-commit-hooks.yaml`, end to end: the real `pre-commit` from
//! PyPI, in a virtualenv under `target/`, runs `try-repo` against this repository on a
//! throwaway git repository — a passing commit, then a failing one — for `stet` and
//! `stet-diff`. Skipped, with a message, only when PyPI cannot be reached. The hook script runs
//! the stet binary these tests built (`STET_HOOK_BINARY`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    std::fs::canonicalize(Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")).unwrap()
}

/// `pre-commit` installed in `target/pre-commit-venv`, or `None` when PyPI is unreachable.
fn pre_commit() -> Option<PathBuf> {
    let venv = root().join("target/pre-commit-venv");
    let bin = venv.join("bin/pre-commit");
    if bin.is_file() {
        return Some(bin);
    }
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: python3 -m venv is not available");
        return None;
    }
    let installed = Command::new(venv.join("bin/pip"))
        .args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "pre-commit",
        ])
        .status();
    if !installed.is_ok_and(|s| s.success()) || !bin.is_file() {
        eprintln!("skipped: pip could not install pre-commit from PyPI (offline?)");
        return None;
    }
    Some(bin)
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

fn try_repo(pre_commit: &Path, dir: &Path, hook: &str) -> (Option<i32>, String) {
    let output = Command::new(pre_commit)
        .args(["try-repo"])
        .arg(root())
        .args([hook, "--files", "main.tf"])
        .current_dir(dir)
        // The hook runs the stet these tests built: building it again from pre-commit's
        // clone into this workspace's target folder would replace the libraries other tests
        // link against (the script's build path is the same `cargo build -p stet-cli`).
        .env("STET_HOOK_BINARY", env!("CARGO_BIN_EXE_stet"))
        .env("PRE_COMMIT_HOME", root().join("target/pre-commit-cache"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.code(), text)
}

const PINNED: &str = "terraform {\n  required_version = \">= 1.5\"\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \"~> 5.40\"\n    }\n  }\n}\n\nresource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"acme-logs\"\n}\n";

#[test]
fn the_hooks_pass_and_fail_through_pre_commit() {
    let Some(pre_commit) = pre_commit() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("stet-pre-commit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["config", "user.email", "t@example.com"]);
    git(&dir, &["config", "user.name", "t"]);
    std::fs::write(dir.join("main.tf"), PINNED).unwrap();
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "passing"]);
    let (code, out) = try_repo(&pre_commit, &dir, "stet");
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("stet check") && out.contains("Passed"),
        "{out}"
    );

    // A failing change: a registry module with no version, and a renamed bucket.
    let failing = PINNED.replace("acme-logs", "acme-logs-2")
        + "\nmodule \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n";
    std::fs::write(dir.join("main.tf"), failing).unwrap();
    git(&dir, &["add", "-A"]);
    let (code, out) = try_repo(&pre_commit, &dir, "stet");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("high[PIN003]: module.vpc: uses registry source terraform-aws-modules/vpc/aws with no version"), "{out}");
    let (code, out) = try_repo(&pre_commit, &dir, "stet-diff");
    assert_eq!(code, Some(1), "replacing a bucket is CHG002 (high): {out}");
    assert!(out.contains("-/+ aws_s3_bucket.logs"), "{out}");
    assert!(out.contains("high[CHG002]"), "{out}");
    git(&dir, &["commit", "-q", "-m", "failing"]);
    let _ = std::fs::remove_dir_all(&dir);
}
