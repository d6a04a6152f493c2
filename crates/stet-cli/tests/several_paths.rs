//! `stet check a b c` with several files and folders, as pre-commit passes them (issue #16):
//! every path is read, inside or outside a git repository; "outside the repository" only
//! means outside the folder that holds them all (the git top level, else their common
//! ancestor), and a file skipped for it is said to be a symbolic link only when one is.

use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A throwaway folder, removed at the end.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("stet-several-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch { dir }
    }

    fn write(&self, path: &str, text: &str) {
        let p = self.dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// `stet check ARGS --format json` run in `cwd` (relative to the scratch folder).
    fn check(&self, cwd: &str, args: &[&str]) -> Json {
        let output = Command::new(env!("CARGO_BIN_EXE_stet"))
            .arg("check")
            .args(args)
            .args(["--format", "json", "--fail-on", "never"])
            .current_dir(self.dir.join(cwd))
            .output()
            .unwrap();
        serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const LATEST_TASK: &str = "resource \"aws_ecs_task_definition\" \"app\" {\n  family = \"app\"\n  container_definitions = jsonencode([{ name = \"app\", image = \"nginx:latest\" }])\n}\n";

const LATEST_TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: app\n          Image: nginx:latest\n";

/// The files with a PIN004 finding, sorted.
fn files_with_findings(report: &Json) -> Vec<String> {
    let mut files: Vec<String> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == "PIN004")
        .filter_map(|f| f["file"].as_str().map(str::to_string))
        .collect();
    files.sort();
    files.dedup();
    files
}

fn diagnostics(report: &Json) -> String {
    format!("{} {}", report["warnings"], report["errors"])
}

fn two_folders_and_a_file(scratch: &Scratch, under: &str) {
    scratch.write(&format!("{under}a/main.tf"), LATEST_TASK);
    scratch.write(&format!("{under}b/nested/main.tf"), LATEST_TASK);
    scratch.write(&format!("{under}c.yaml"), LATEST_TEMPLATE);
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn two_folders_and_a_file_outside_git_are_all_read() {
    let scratch = Scratch::new("outside-git");
    two_folders_and_a_file(&scratch, "");
    let report = scratch.check(".", &["a", "b", "c.yaml"]);
    assert_eq!(
        files_with_findings(&report),
        ["a/main.tf", "b/nested/main.tf", "c.yaml"],
        "{report}"
    );
    assert!(!diagnostics(&report).contains("outside"), "{report}");
}

#[test]
fn paths_given_from_a_parent_folder_or_as_absolute_paths_are_all_read() {
    let scratch = Scratch::new("absolute");
    two_folders_and_a_file(&scratch, "work/");
    let absolute = |p: &str| scratch.dir.join("work").join(p).display().to_string();
    let report = scratch.check(
        ".",
        &[&absolute("c.yaml"), &absolute("b"), &absolute("a/main.tf")],
    );
    assert_eq!(files_with_findings(&report).len(), 3, "{report}");
    assert!(!diagnostics(&report).contains("outside"), "{report}");
}

#[test]
fn paths_inside_a_git_repository_are_all_read_from_a_subfolder() {
    let scratch = Scratch::new("inside-git");
    two_folders_and_a_file(&scratch, "repo/");
    git(&scratch.dir.join("repo"), &["init", "-q"]);
    // As pre-commit runs a hook: from the top level, with paths relative to it.
    let report = scratch.check("repo", &["c.yaml", "a/main.tf", "b/nested/main.tf"]);
    assert_eq!(
        files_with_findings(&report),
        ["a/main.tf", "b/nested/main.tf", "c.yaml"],
        "{report}"
    );
    // From a subfolder, reaching a sibling.
    let report = scratch.check("repo/a", &[".", "../b", "../c.yaml"]);
    assert_eq!(files_with_findings(&report).len(), 3, "{report}");
}

#[cfg(unix)]
#[test]
fn only_a_symbolic_link_is_called_one() {
    let scratch = Scratch::new("link");
    scratch.write("repo/main.tf", LATEST_TASK);
    scratch.write("elsewhere/t.yaml", LATEST_TEMPLATE);
    git(&scratch.dir.join("repo"), &["init", "-q"]);
    std::os::unix::fs::symlink(
        scratch.dir.join("elsewhere/t.yaml"),
        scratch.dir.join("repo/linked.yaml"),
    )
    .unwrap();
    let report = scratch.check("repo", &["."]);
    assert_eq!(files_with_findings(&report), ["main.tf"], "{report}");
    let said = diagnostics(&report);
    assert!(
        said.contains("a symbolic link leads outside the repository root"),
        "{said}"
    );
}
