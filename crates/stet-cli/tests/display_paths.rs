//! Files are named once, relative to the repository root, whatever folder stet runs in
//! (#17 item 3): a run from a subfolder reports the same names, messages and SARIF
//! fingerprints as one from the top level, and a baseline saved at the top level silences
//! the same findings from a subfolder.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A git repository in a throwaway folder, removed at the end.
struct Repo {
    dir: PathBuf,
}

impl Repo {
    fn new(name: &str) -> Repo {
        let dir = std::env::temp_dir().join(format!("stet-names-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let status = Command::new("git")
            .args(["init", "-q"])
            .current_dir(&dir)
            .status()
            .unwrap();
        assert!(status.success());
        Repo { dir }
    }

    fn write(&self, path: &str, text: &str) {
        let p = self.dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// `stet ARGS` run in `cwd` (relative to the repository): standard output.
    fn stet(&self, cwd: &str, args: &[&str]) -> String {
        let output = Command::new(env!("CARGO_BIN_EXE_stet"))
            .args(args)
            .current_dir(self.dir.join(cwd))
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A module folder with no `terraform` block (PIN001, whose message names the folder) and an
/// unpinned image (PIN004), and a template beside it.
fn infra_and_app(repo: &Repo) {
    repo.write(
        "infra/main.tf",
        "resource \"aws_ecs_task_definition\" \"app\" {\n  family = \"app\"\n  container_definitions = jsonencode([{ name = \"app\", image = \"nginx:latest\" }])\n}\n",
    );
    repo.write(
        "app/t.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: app\n          Image: nginx:latest\n",
    );
}

#[test]
fn a_subfolder_run_names_files_as_a_top_level_run() {
    let repo = Repo::new("subfolder");
    infra_and_app(&repo);
    for format in ["json", "sarif", "text", "github"] {
        let flags = ["--format", format, "--fail-on", "never"];
        let top = repo.stet(".", &[&["check", "infra", "app"][..], &flags].concat());
        let sub = repo.stet("infra", &[&["check", ".", "../app"][..], &flags].concat());
        assert!(top.contains("infra/main.tf"), "{top}");
        assert_eq!(top, sub, "{format}");
    }
    let json = repo.stet(".", &["check", "infra", "--format", "json"]);
    assert!(
        json.contains("\"message\": \"infra: has no `terraform` block"),
        "{json}"
    );
}

#[test]
fn a_baseline_saved_at_the_top_level_holds_in_a_subfolder() {
    let repo = Repo::new("baseline");
    infra_and_app(&repo);
    let saved = repo.stet(".", &["check", "infra", "app", "--format", "json"]);
    assert!(saved.contains("PIN004"), "{saved}");
    std::fs::write(repo.dir.join("baseline.json"), &saved).unwrap();
    let report = repo.stet(
        "infra",
        &[
            "check",
            ".",
            "../app",
            "--baseline",
            "../baseline.json",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(json["findings"], serde_json::json!([]), "{report}");
    assert!(Path::new(&repo.dir).join("baseline.json").is_file());
}
