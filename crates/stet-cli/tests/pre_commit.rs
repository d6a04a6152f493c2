//! The pre-commit hooks of `.pre-commit-hooks.yaml`, end to end: the real `pre-commit` from
//! PyPI, in a virtualenv under `target/`, runs `try-repo` against this repository on
//! throwaway git repositories: a passing commit, then a failing one, for `stet` and
//! `stet-diff`; the diff hook on staged content only (an unstaged edit and an untracked file
//! are left out) and before the first commit; and the hook script's first build, with the
//! target folder cargo chooses by default, with `CARGO_BUILD_TARGET_DIR` and with
//! `build.target-dir` in a cargo configuration (issue #19).
//! Skipped, with a message, only when PyPI cannot be reached. The hook script runs the stet
//! binary these tests built (`STET_HOOK_BINARY`), or, for the build cases, "builds" it with a
//! stand-in cargo (`STET_HOOK_CARGO`) that asks the real cargo where the target folder is,
//! copies these tests' stet there and reports it as cargo does (a real build of the
//! workspace takes minutes and would replace the binaries other tests use).

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
    try_repo_files(pre_commit, dir, hook, &["main.tf"])
}

fn try_repo_files(
    pre_commit: &Path,
    dir: &Path,
    hook: &str,
    files: &[&str],
) -> (Option<i32>, String) {
    let mut command = Command::new(pre_commit);
    command
        .args(["try-repo"])
        .arg(root())
        .arg(hook)
        .arg("--files")
        .args(files)
        .current_dir(dir)
        // The hook runs the stet these tests built: building it again from pre-commit's
        // clone into this workspace's target folder would replace the libraries other tests
        // link against (the script's build path is the same `cargo build -p stet-iac-cli`).
        .env("STET_HOOK_BINARY", env!("CARGO_BIN_EXE_stet"))
        .env("PRE_COMMIT_HOME", root().join("target/pre-commit-cache"));
    let output = command.output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.code(), text)
}

/// A throwaway git repository with an identity, on branch `main`, with no commit.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stet-pre-commit-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["config", "user.email", "t@example.com"]);
    git(&dir, &["config", "user.name", "t"]);
    dir
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

/// Issue #19: the diff hook counted untracked files and unstaged edits as part of the commit.
#[test]
fn the_diff_hook_reads_only_what_is_staged() {
    let Some(pre_commit) = pre_commit() else {
        return;
    };
    let dir = scratch("staged");
    std::fs::write(dir.join("main.tf"), PINNED).unwrap();
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    // Staged: a tag on the bucket (an update in place). Unstaged: a new bucket name (a
    // replacement, CHG002 high). Untracked: a folder with a registry module and a database.
    let staged = PINNED.replace(
        "bucket = \"acme-logs\"",
        "bucket = \"acme-logs\"\n  tags   = { team = \"core\" }",
    );
    std::fs::write(dir.join("main.tf"), &staged).unwrap();
    git(&dir, &["add", "main.tf"]);
    std::fs::write(
        dir.join("main.tf"),
        staged.replace("acme-logs", "acme-logs-2"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("scratch")).unwrap();
    std::fs::write(
        dir.join("scratch/db.tf"),
        "resource \"aws_db_instance\" \"untracked\" {\n  engine = \"mysql\"\n}\n",
    )
    .unwrap();
    let (code, out) = try_repo(&pre_commit, &dir, "stet-diff");
    assert_eq!(code, Some(0), "only the staged tag counts: {out}");
    assert!(out.contains("~ aws_s3_bucket.logs"), "{out}");
    assert!(out.contains("+ tags"), "{out}");
    assert!(
        !out.contains("acme-logs-2"),
        "the unstaged edit is left out: {out}"
    );
    assert!(
        !out.contains("untracked"),
        "the untracked file is left out: {out}"
    );
    // Staging the rename makes it count.
    git(&dir, &["add", "main.tf"]);
    let (code, out) = try_repo(&pre_commit, &dir, "stet-diff");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("high[CHG002]"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue #19: in a repository with no commits the diff hook failed with "unknown revision
/// HEAD"; the base is empty instead, so everything staged is new.
#[test]
fn the_diff_hook_works_before_the_first_commit() {
    let Some(pre_commit) = pre_commit() else {
        return;
    };
    let dir = scratch("unborn");
    std::fs::write(dir.join("main.tf"), PINNED).unwrap();
    git(&dir, &["add", "-A"]);
    let (code, out) = try_repo(&pre_commit, &dir, "stet-diff");
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("+ aws_s3_bucket.logs"), "{out}");
    assert!(!out.contains("unknown revision"), "{out}");
    // A staged file that is no IaC at all does not fail either hook.
    std::fs::write(dir.join("package.json"), "{\"name\": \"x\"}\n").unwrap();
    git(&dir, &["add", "package.json"]);
    let (code, out) = try_repo_files(&pre_commit, &dir, "stet", &["package.json"]);
    assert_eq!(code, Some(0), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A stand-in for cargo: `metadata` is the real cargo's (so the target folder is resolved as
/// cargo resolves it), `build` copies these tests' stet where cargo would put it and reports
/// it in cargo's JSON message format, with progress on stderr. Every call is logged.
const FAKE_CARGO: &str = r#"#!/bin/sh
echo "$*" >> "$FAKE_CARGO_LOG"
case "$1" in
  metadata) exec cargo "$@" ;;
  build)
    manifest=""
    previous=""
    for arg in "$@"; do
      [ "$previous" = "--manifest-path" ] && manifest=$arg
      previous=$arg
    done
    target=$(cargo metadata --format-version 1 --no-deps --manifest-path "$manifest" | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
    echo "   Compiling stet-cli v0.1.0" >&2
    mkdir -p "$target/release"
    cp "$FAKE_STET" "$target/release/stet"
    echo '{"reason":"compiler-artifact","package_id":"path+file:///x/crates/stet-cli#0.1.0","target":{"kind":["bin"],"crate_types":["bin"],"name":"stet"},"filenames":["'"$target"'/release/stet"],"executable":"'"$target"'/release/stet","fresh":false}'
    echo '{"reason":"build-finished","success":true}'
    echo "    Finished \`release\` profile [optimized] target(s) in 0.01s" >&2
    ;;
  *) exit 101 ;;
esac
"#;

/// Runs every hook of the repository in one `try-repo` (one clone: `stet` builds, then
/// `stet-diff` uses what it built; the `-system` hooks find these tests' stet on PATH) with
/// the stand-in cargo, a fresh pre-commit home and `env`. Returns the status, the output and
/// the cargo calls.
fn first_build(
    pre_commit: &Path,
    dir: &Path,
    work: &Path,
    env: &[(&str, &Path)],
) -> (Option<i32>, String, String) {
    let fake = work.join("bin/cargo");
    std::fs::create_dir_all(work.join("bin")).unwrap();
    std::fs::write(&fake, FAKE_CARGO).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let log = work.join("cargo.log");
    let stet = Path::new(env!("CARGO_BIN_EXE_stet"));
    let path = std::env::join_paths(std::iter::once(stet.parent().unwrap().to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let mut command = Command::new(pre_commit);
    command
        .args(["try-repo"])
        .arg(root())
        // Passing hooks show their output only with --verbose; a person at a terminal sees
        // the build message at once on /dev/tty.
        .args(["--verbose", "--files", "main.tf"])
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .env("PATH", path)
        .env("STET_HOOK_CARGO", &fake)
        .env("FAKE_STET", stet)
        .env("FAKE_CARGO_LOG", &log)
        .env("XDG_CACHE_HOME", work.join("cache"))
        .env("PRE_COMMIT_HOME", work.join("pre-commit"));
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    let calls = std::fs::read_to_string(&log).unwrap_or_default();
    (output.status.code(), text, calls)
}

/// Issue #19: the first run built for minutes with no word, and a configured target folder
/// made the script look for the binary in the wrong place (exit 127).
#[test]
fn the_hook_says_it_builds_and_finds_the_binary_wherever_cargo_puts_it() {
    let Some(pre_commit) = pre_commit() else {
        return;
    };
    let dir = scratch("build");
    std::fs::write(dir.join("main.tf"), PINNED).unwrap();
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    let work =
        std::env::temp_dir().join(format!("stet-pre-commit-build-work-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);

    // Nothing configured: the build goes to the target folder shared by every rev.
    let (code, out, calls) = first_build(&pre_commit, &dir, &work.join("default"), &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("stet hook: building stet 0.1.0 from source with cargo")
            && out.contains("3 to 5 minutes"),
        "the first run says it builds and how long: {out}"
    );
    assert!(
        out.contains("Compiling stet-cli"),
        "cargo's progress is shown: {out}"
    );
    assert!(work
        .join("default/cache/stet/cargo-target/release/stet")
        .is_file());
    assert_eq!(
        calls.matches("build ").count(),
        1,
        "one build, then the kept binary: {calls}"
    );

    // CARGO_BUILD_TARGET_DIR chooses another folder: the binary is found there.
    let custom = work.join("custom-target");
    let (code, out, calls) = first_build(
        &pre_commit,
        &dir,
        &work.join("configured"),
        &[("CARGO_BUILD_TARGET_DIR", &custom)],
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(&format!("into {}", custom.display())), "{out}");
    assert!(custom.join("release/stet").is_file());
    assert!(
        !work.join("configured/cache/stet").exists(),
        "the configured folder wins"
    );
    assert_eq!(calls.matches("build ").count(), 1, "{calls}");

    // `build.target-dir` in a cargo configuration (here the repository's own
    // `.cargo/config.toml`, relative to it): found there too.
    std::fs::create_dir_all(dir.join(".cargo")).unwrap();
    std::fs::write(
        dir.join(".cargo/config.toml"),
        "[build]\ntarget-dir = \"cargo-out\"\n",
    )
    .unwrap();
    let (code, out, calls) = first_build(&pre_commit, &dir, &work.join("config"), &[]);
    assert_eq!(code, Some(0), "{out}");
    let configured = dir.canonicalize().unwrap().join("cargo-out");
    assert!(
        out.contains(&format!("into {}", configured.display())),
        "{out}"
    );
    assert!(configured.join("release/stet").is_file());
    assert!(!work.join("config/cache/stet").exists());
    assert_eq!(calls.matches("build ").count(), 1, "{calls}");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&work);
}
