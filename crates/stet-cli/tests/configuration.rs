//! `stet.toml` and `--baseline` end to end: rules disabled, severities overridden, paths
//! excluded, `fail-on`, inline suppressions refused, and configuration errors with their line.

use std::path::{Path, PathBuf};
use std::process::Command;

struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("stet-config-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch { dir }
    }
    fn write(&self, path: &str, text: &str) {
        let p = self.dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    fn stet(&self, args: &[&str]) -> (Option<i32>, String, String) {
        let o = Command::new(env!("CARGO_BIN_EXE_stet"))
            .args(args)
            .current_dir(&self.dir)
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const TEMPLATE: &str = "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: { S3Bucket: b, S3Key: k }\n";

fn rules(json: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["rule"].as_str().unwrap(),
                f["severity"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn configuration_shapes_the_run() {
    let s = Scratch::new("shapes");
    s.write("app/template.yaml", TEMPLATE);
    s.write("examples/template.yaml", TEMPLATE);
    let (_, out, _) = s.stet(&["check", "--format", "json"]);
    assert_eq!(rules(&out).len(), 4, "{out}");
    s.write(
        "stet.toml",
        "fail-on = \"high\"\nexclude = [\"examples/**\"]\ndisable = [\"PIN008\"]\n\n[severity]\nPIN005 = \"high\"\n",
    );
    let (code, out, err) = s.stet(&["check", "app", "--format", "json"]);
    assert_eq!(rules(&out), ["PIN005 high"], "{out}{err}");
    assert_eq!(code, Some(1), "PIN005 is high now and fail-on is high");
    let (_, out, _) = s.stet(&["check", ".", "--format", "json"]);
    assert_eq!(rules(&out), ["PIN005 high"], "examples/ is excluded: {out}");
    // The flag wins over the file.
    let (code, _, _) = s.stet(&["check", "app", "--fail-on", "never"]);
    assert_eq!(code, Some(0));
}

#[test]
fn configuration_errors_name_the_line() {
    let s = Scratch::new("errors");
    s.write("template.yaml", TEMPLATE);
    s.write("stet.toml", "fail-on = \"low\"\nseverity-overrides = 1\n");
    let (code, _, err) = s.stet(&["check"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("stet.toml:2:1: unknown field `severity-overrides`"),
        "{err}"
    );
    s.write("stet.toml", "[severity]\nPIN001 = \"critical\"\n");
    let (_, _, err) = s.stet(&["check"]);
    assert!(
        err.contains("stet.toml:2:1: severity of `PIN001` must be one of"),
        "{err}"
    );
}

#[test]
fn inline_suppressions_can_be_refused_by_configuration() {
    let s = Scratch::new("refuse");
    s.write(
        "main.tf",
        "terraform {\n  required_version = \">= 1.5\"\n}\n\n# stet:ignore PIN003 -- vetted fork\nmodule \"vpc\" {\n  source = \"acme/vpc/aws\"\n}\n",
    );
    let (_, out, _) = s.stet(&["check", "--format", "json"]);
    assert!(
        !rules(&out).iter().any(|r| r.starts_with("PIN003")),
        "{out}"
    );
    s.write("stet.toml", "inline-suppressions = false\n");
    let (_, out, _) = s.stet(&["check", "--format", "json"]);
    assert!(rules(&out).iter().any(|r| r.starts_with("PIN003")), "{out}");
}

#[test]
fn a_baseline_hides_known_findings() {
    let s = Scratch::new("baseline");
    s.write("template.yaml", TEMPLATE);
    let (_, _, _) = s.stet(&["check", "--format", "json", "--output", "baseline.json"]);
    assert!(Path::new(&s.dir.join("baseline.json")).is_file());
    let (code, out, _) = s.stet(&["check", "--format", "json", "--baseline", "baseline.json"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(rules(&out).is_empty());
    // A new finding is reported.
    s.write(
        "more.yaml",
        "Resources:\n  Other:\n    Type: AWS::ECR::Repository\n",
    );
    let (code, out, _) = s.stet(&["check", "--format", "json", "--baseline", "baseline.json"]);
    assert_eq!(code, Some(1));
    assert_eq!(rules(&out), ["PIN005 medium"]);
    let (code, _, err) = s.stet(&["check", "--baseline", "missing.json"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("missing.json: cannot read"), "{err}");
}

#[test]
fn suppressions_cover_module_calls_and_yaml_comments() {
    let s = Scratch::new("modules");
    s.write(
        "main.tf",
        "terraform {\n  required_version = \">= 1.5\"\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \"~> 5.0\"\n    }\n  }\n}\n\n# stet:ignore PIN005 -- the tools repository is rebuilt nightly on purpose\nmodule \"tools\" {\n  source = \"./modules/ecr\"\n}\n",
    );
    s.write(
        "modules/ecr/main.tf",
        "resource \"aws_ecr_repository\" \"this\" {\n  name = \"tools\"\n}\n",
    );
    s.write(
        "template.yaml",
        "Resources:\n  # stet:ignore PIN005 -- mirror of a public image\n  Mirror:\n    Type: AWS::ECR::Repository\n  Own:\n    Type: AWS::ECR::Repository\n",
    );
    let (_, out, _) = s.stet(&["check", ".", "--format", "json", "--show-suppressed"]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let reported: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["rule"].as_str().unwrap(),
                f["resource"].as_str().unwrap()
            )
        })
        .collect();
    let suppressed: Vec<String> = report["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["rule"].as_str().unwrap(),
                f["resource"].as_str().unwrap()
            )
        })
        .collect();
    // The module's repository is reported once, under its own address; the comment above the
    // call that reaches it covers it.
    assert!(suppressed.contains(&"PIN005 Mirror".to_string()), "{out}");
    assert!(
        suppressed.contains(&"PIN005 aws_ecr_repository.this".to_string()),
        "{out}"
    );
    assert!(
        !reported.contains(&"PIN005 aws_ecr_repository.this".to_string()),
        "{out}"
    );
    assert!(reported.contains(&"PIN005 Own".to_string()), "{out}");
    assert!(!reported.contains(&"PIN005 Mirror".to_string()), "{out}");
}
