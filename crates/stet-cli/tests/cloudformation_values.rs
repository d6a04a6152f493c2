//! The `stet` command with CloudFormation parameter values (#18): `--parameter KEY=VALUE`, and
//! a parameters file named in `stet.toml` outside the compared folder, whose change between
//! two git revisions is a change in the diff.

use std::path::Path;
use std::process::Command;

fn stet(dir: &Path, args: &[&str]) -> (String, String, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_stet"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

const TEMPLATE: &str = "Parameters:\n  Tag:\n    Type: String\n    Default: '1.0.0'\nResources:\n  TaskDef:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: app\n          Image: !Sub 'repo/app:${Tag}'\n";

#[test]
fn parameter_flag_sets_a_value() {
    let dir = tempdir("flag");
    std::fs::write(dir.join("app.yaml"), TEMPLATE).unwrap();
    let (out, err, code) = stet(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "--parameter",
            "Tag=latest",
            "app.yaml",
        ],
    );
    let json: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    assert_eq!(code, Some(1), "{err}");
    let finding = &json["findings"][0];
    assert_eq!(finding["rule"], "PIN004");
    assert!(finding["message"]
        .as_str()
        .unwrap()
        .ends_with("(value from parameter `Tag` = `latest` from --parameter)"));
    let (_, err, code) = stet(
        &dir,
        &["check", "--parameter", "no-equals-sign", "app.yaml"],
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("expected KEY=VALUE"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_parameters_file_change_between_revisions_is_a_change() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("skipped: no git");
        return;
    }
    let dir = tempdir("revisions");
    std::fs::create_dir_all(dir.join("stacks")).unwrap();
    std::fs::create_dir_all(dir.join("env")).unwrap();
    std::fs::write(dir.join("stacks/app.yaml"), TEMPLATE).unwrap();
    std::fs::write(
        dir.join("env/prod.json"),
        "[{\"ParameterKey\": \"Tag\", \"ParameterValue\": \"1.2.0\"}]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("stet.toml"),
        "[cloudformation.parameter-files]\n\"stacks/app.yaml\" = \"env/prod.json\"\n",
    )
    .unwrap();
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "first"]);
    std::fs::write(
        dir.join("env/prod.json"),
        "[{\"ParameterKey\": \"Tag\", \"ParameterValue\": \"1.3.0\"}]\n",
    )
    .unwrap();
    let (out, err, _) = stet(
        &dir,
        &["diff", "--base", "HEAD", "--format", "json", "stacks"],
    );
    let json: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let change = &json["changes"][0];
    assert_eq!(change["address"], "TaskDef");
    assert_eq!(change["action"], "replace");
    let reason = change["attributes"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("parameter `Tag`: `1.2.0` → `1.3.0` (env/prod.json, env/prod.json:1:44)"),
        "{reason}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("stet-cfn-values-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
