//! `stet diff`, `stet plan` and `stet changeset` end to end: two folders, two git
//! revisions, plan and change-set files, change rules, exit statuses and errors.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn stet_in(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_stet"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run stet");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn stet(args: &[&str]) -> (Option<i32>, String, String) {
    stet_in(&root(), args)
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn diff_of_two_folders_in_json() {
    let case = "fixtures/changes/tf-instance-ami";
    let (code, stdout, stderr) = stet(&[
        "diff",
        &format!("{case}/before"),
        &format!("{case}/after"),
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let report = json(&stdout);
    let change = &report["changes"][0];
    assert_eq!(change["address"], "aws_instance.web");
    assert_eq!(change["action"], "replace");
    assert_eq!(change["replacement"], "always");
    assert_eq!(change["file"], format!("{case}/after/main.tf"));
    assert_eq!(change["attributes"][0]["path"], "ami");
    assert_eq!(change["attributes"][0]["forces_replacement"], true);
    assert_eq!(report["summary"]["changes"], 1);
    assert_eq!(report["summary"]["actions"]["replace"], 1);
}

#[test]
fn diff_text_shows_symbols_reasons_and_line_diffs() {
    let case = "fixtures/changes/tf-instance-ami";
    let (code, stdout, _) = stet(&[
        "diff",
        &format!("{case}/before"),
        &format!("{case}/after"),
        "--fail-on",
        "never",
    ]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("-/+ aws_instance.web (aws_instance)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("~ ami: \"ami-0a1\" → \"ami-0b2\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("forces replacement: ForceNew on `ami` in aws_instance (provider 5.46)"),
        "{stdout}"
    );
    assert!(
        stdout
            .contains("\n0 to create, 0 to update in place, 1 to replace, 0 to delete, 0 moved\n"),
        "{stdout}"
    );
    // The built-in change rules report beside the changes.
    assert!(
        stdout.contains("medium[CHG003]: aws_instance.web: is replaced by destroying the old one"),
        "{stdout}"
    );

    let case = "fixtures/changes/tf-iam-role-trust-policy";
    let (_, stdout, _) = stet(&["diff", &format!("{case}/before"), &format!("{case}/after")]);
    assert!(stdout.contains("~ aws_iam_role.r"), "{stdout}");
    assert!(
        stdout.contains("@@"),
        "a JSON policy is shown as a line diff: {stdout}"
    );
    assert!(
        stdout.lines().any(|l| l.trim_start().starts_with("- ")
            && l.contains("\"Service\": \"ec2.amazonaws.com\"")),
        "{stdout}"
    );

    let case = "fixtures/changes/tf-moved-block";
    let (_, stdout, _) = stet(&["diff", &format!("{case}/before"), &format!("{case}/after")]);
    assert!(stdout.contains("→ aws_instance.app"), "{stdout}");
    assert!(stdout.contains("# moved from aws_instance.web"), "{stdout}");
}

#[test]
fn diff_needs_two_paths_or_a_base() {
    let (code, _, stderr) = stet(&["diff", "fixtures/changes"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("needs BEFORE and AFTER"), "{stderr}");
    let (code, _, stderr) = stet(&[
        "diff",
        "fixtures/changes/tf-instance-ami/before/main.tf",
        "fixtures/changes/tf-instance-ami/after",
    ]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("compare two files or two folders"),
        "{stderr}"
    );
}

#[test]
fn change_rules_run_over_the_changes_section() {
    let case = "fixtures/changes/tf-instance-ami";
    let (code, stdout, stderr) = stet(&[
        "diff",
        &format!("{case}/before"),
        &format!("{case}/after"),
        "--rules",
        "fixtures/rules/changes",
        "--no-builtin",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    let report = json(&stdout);
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "CHGTEST");
    assert_eq!(finding["resource"], "aws_instance.web");
    assert_eq!(finding["file"], format!("{case}/after/main.tf"));
    // At the attribute that forces the replacement, the block as the related place (#19).
    assert_eq!(finding["line"], 2);
    assert_eq!(finding["related"][0]["line"], 1);
    // With create_before_destroy the rule passes.
    let case = "fixtures/changes/tf-replace-create-before-destroy";
    let (code, stdout, _) = stet(&[
        "diff",
        &format!("{case}/before"),
        &format!("{case}/after"),
        "--rules",
        "fixtures/rules/changes",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(0), "{stdout}");
    assert_eq!(json(&stdout)["findings"].as_array().map(Vec::len), Some(0));
}

#[test]
fn plan_and_change_set_give_the_same_report() {
    let (code, stdout, stderr) = stet(&[
        "plan",
        "fixtures/plans/plan.json",
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let report = json(&stdout);
    assert_eq!(report["summary"]["changes"], 11);
    assert_eq!(report["changes"][0]["file"], "fixtures/plans/plan.json");
    assert_eq!(report["changes"][0]["create_before_destroy"], false);
    let (code, stdout, stderr) = stet(&[
        "changeset",
        "fixtures/changesets/page-1.json",
        "fixtures/changesets/page-2.json",
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(json(&stdout)["summary"]["changes"], 8);
    // The change rules serve plans too.
    let (code, stdout, _) = stet(&[
        "plan",
        "fixtures/plans/plan.json",
        "--rules",
        "fixtures/rules/changes",
    ]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("--> fixtures/plans/plan.json:"), "{stdout}");
    assert!(
        stdout
            .contains("high[CHGTEST]: aws_instance.web: replaced by destroying the old one first"),
        "{stdout}"
    );
}

#[test]
fn unreadable_plans_are_located_errors() {
    let (code, stdout, _) = stet(&["plan", "fixtures/plans/not-a-plan.json"]);
    assert_eq!(code, Some(2));
    assert!(stdout.contains("error: not a Terraform plan"), "{stdout}");
    assert!(
        stdout.contains("--> fixtures/plans/not-a-plan.json:1:1"),
        "{stdout}"
    );
    let (code, _, stderr) = stet(&["plan", "fixtures/plans/missing.json"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("fixtures/plans/missing.json: cannot read"),
        "{stderr}"
    );
}

/// A scratch git repository, removed at the end.
struct Repo {
    dir: PathBuf,
}

impl Repo {
    fn new(name: &str) -> Repo {
        let dir = std::env::temp_dir().join(format!("stet-git-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let repo = Repo { dir };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.email", "t@example.com"]);
        repo.git(&["config", "user.name", "t"]);
        repo
    }

    fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .args(args)
            .current_dir(&self.dir)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }

    fn write(&self, path: &str, text: &str) {
        let p = self.dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const BUCKET: &str = "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"NAME\"\n}\n";

#[test]
fn diff_against_git_revisions() {
    let repo = Repo::new("revisions");
    repo.write("infra/main.tf", &BUCKET.replace("NAME", "logs-a"));
    repo.write(
        "stack/template.yaml",
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n",
    );
    repo.commit("first");
    repo.write("infra/main.tf", &BUCKET.replace("NAME", "logs-b"));
    repo.write(
        "infra/queue.tf",
        "resource \"aws_sqs_queue\" \"q\" {\n  name = \"q\"\n}\n",
    );
    std::fs::remove_file(repo.dir.join("stack/template.yaml")).unwrap();

    // Base against the working tree, the whole repository.
    let (code, stdout, stderr) =
        stet_in(&repo.dir, &["diff", "--base", "main", "--format", "json"]);
    // The built-in change rules run: replacing a bucket is CHG002 (high).
    assert_eq!(code, Some(1), "{stderr}");
    let report = json(&stdout);
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "CHG002" && f["resource"] == "aws_s3_bucket.logs"),
        "{stdout}"
    );
    let summary: Vec<(String, String, String)> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["address"].as_str().unwrap().into(),
                c["action"].as_str().unwrap().into(),
                c["file"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "aws_s3_bucket.logs".into(),
                "replace".into(),
                "infra/main.tf".into()
            ),
            (
                "aws_sqs_queue.q".into(),
                "create".into(),
                "infra/queue.tf".into()
            ),
            ("Q".into(), "delete".into(), "stack/template.yaml".into()),
        ]
    );

    // Only the paths asked for, from a subfolder; files named from the repository root (#19).
    let (code, stdout, _) = stet_in(
        &repo.dir.join("infra"),
        &[
            "diff",
            "--base",
            "HEAD",
            ".",
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
    );
    assert_eq!(code, Some(0));
    let report = json(&stdout);
    assert_eq!(report["changes"].as_array().map(Vec::len), Some(2));
    assert_eq!(report["changes"][0]["file"], "infra/main.tf");

    // Two revisions: nothing changed between HEAD and itself; the commit shows up once made.
    repo.commit("second");
    let (_, stdout, _) = stet_in(
        &repo.dir,
        &[
            "diff", "--base", "HEAD", "--head", "HEAD", "--format", "json",
        ],
    );
    assert_eq!(json(&stdout)["changes"].as_array().map(Vec::len), Some(0));
    let (_, stdout, _) = stet_in(
        &repo.dir,
        &[
            "diff", "--base", "HEAD~1", "--head", "HEAD", "--format", "json",
        ],
    );
    assert_eq!(json(&stdout)["changes"].as_array().map(Vec::len), Some(3));
}

#[test]
fn git_errors_are_clear() {
    let repo = Repo::new("errors");
    repo.write("main.tf", &BUCKET.replace("NAME", "a"));
    repo.commit("first");
    let (code, _, stderr) = stet_in(&repo.dir, &["diff", "--base", "no-such-branch"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("unknown revision `no-such-branch`"),
        "{stderr}"
    );
    let (code, _, stderr) = stet_in(&repo.dir, &["diff", "--base", "--help-me"]);
    assert_eq!(code, Some(2), "{stderr}");

    let outside = std::env::temp_dir().join(format!("stet-not-a-repo-{}", std::process::id()));
    std::fs::create_dir_all(&outside).unwrap();
    let (code, _, stderr) = stet_in(&outside, &["diff", "--base", "main"]);
    let _ = std::fs::remove_dir_all(&outside);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("not inside a git repository"), "{stderr}");
}

#[test]
fn the_current_folder_is_a_module_too() {
    let repo = Repo::new("dot");
    repo.write("main.tf", &BUCKET.replace("NAME", "a"));
    let (code, stdout, stderr) = stet_in(&repo.dir, &["graph"]);
    assert_eq!(code, Some(0), "{stderr}");
    let graph = json(&stdout);
    assert_eq!(graph["resources"][0]["file"], "main.tf");
    assert_eq!(graph["resources"][0]["document"], ".");
}

#[test]
fn check_base_reports_only_new_findings_and_change_rules() {
    let repo = Repo::new("pr");
    repo.write("main.tf", &BUCKET.replace("NAME", "logs-a"));
    repo.commit("first");
    // PIN001 and PIN002 hold on both sides; the new repository adds PIN005, the rename CHG002.
    repo.write("main.tf", &BUCKET.replace("NAME", "logs-b"));
    repo.write(
        "ecr.tf",
        "resource \"aws_ecr_repository\" \"app\" {\n  name = \"app\"\n}\n",
    );
    let (code, stdout, stderr) =
        stet_in(&repo.dir, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(code, Some(1), "{stderr}");
    let report = json(&stdout);
    let mut rules: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    rules.sort();
    assert_eq!(rules, ["CHG002", "CHG003", "PIN005"], "{stdout}");
    assert_eq!(report["changes"].as_array().map(Vec::len), Some(2));
    // Without --base every finding is reported.
    let (_, stdout, _) = stet_in(&repo.dir, &["check", "--format", "json"]);
    let all = json(&stdout);
    assert!(
        all["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "PIN001"),
        "{stdout}"
    );
}

/// The changes of a JSON report as (address, action, file).
fn changes_of(report: &serde_json::Value) -> Vec<(String, String, String)> {
    report["changes"]
        .as_array()
        .map(|changes| {
            changes
                .iter()
                .map(|c| {
                    (
                        c["address"].as_str().unwrap_or_default().to_string(),
                        c["action"].as_str().unwrap_or_default().to_string(),
                        c["file"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

const DIFF_JSON: &[&str] = &["--format", "json", "--fail-on", "never"];

fn diff_base(dir: &Path, base: &str, extra: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let mut args = vec!["diff", "--base", base];
    args.extend(extra);
    args.extend(DIFF_JSON);
    let (code, stdout, stderr) = stet_in(dir, &args);
    let report = serde_json::from_str(&stdout).unwrap_or(serde_json::Value::Null);
    (code, report, stderr)
}

#[test]
fn a_shallow_clone_without_the_base_says_to_fetch_it() {
    let repo = Repo::new("shallow-origin");
    repo.write("main.tf", &BUCKET.replace("NAME", "a"));
    repo.commit("first");
    repo.write("main.tf", &BUCKET.replace("NAME", "b"));
    repo.commit("second");
    let clone = std::env::temp_dir().join(format!("stet-git-shallow-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&clone);
    let status = Command::new("git")
        .args(["clone", "-q", "--depth", "1"])
        .arg(format!("file://{}", repo.dir.display()))
        .arg(&clone)
        .status()
        .unwrap();
    assert!(status.success());
    let (code, _, stderr) = stet_in(&clone, &["diff", "--base", "HEAD~1"]);
    let _ = std::fs::remove_dir_all(&clone);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("unknown revision `HEAD~1`")
            && stderr.contains("shallow clone")
            && stderr.contains("fetch-depth: 0"),
        "{stderr}"
    );
}

#[test]
fn renamed_and_deleted_folders_and_unusual_file_names() {
    let repo = Repo::new("renames");
    repo.write("infra/main.tf", &BUCKET.replace("NAME", "logs"));
    repo.write("old/main.tf", &BUCKET.replace("NAME", "old"));
    repo.write(
        "my stack/テンプレート.yaml",
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n",
    );
    repo.write(
        "a b %20.tf",
        &BUCKET.replace("NAME", "spaced").replace("logs", "spaced"),
    );
    repo.commit("first");
    repo.git(&["mv", "infra", "platform"]);
    std::fs::remove_dir_all(repo.dir.join("old")).unwrap();
    repo.write(
        "my stack/テンプレート.yaml",
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: q\n",
    );
    repo.write(
        "a b %20.tf",
        &BUCKET.replace("NAME", "renamed").replace("logs", "spaced"),
    );
    let (code, report, stderr) = diff_base(&repo.dir, "HEAD", &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let changes = changes_of(&report);
    let expect = |address: &str, action: &str, file: &str| {
        assert!(
            changes.contains(&(address.into(), action.into(), file.into())),
            "no {action} of {address} in {file}: {changes:#?}"
        );
    };
    // A moved root module is another Terraform working directory: its resources leave one
    // and appear in the other.
    expect("aws_s3_bucket.logs", "delete", "infra/main.tf");
    expect("aws_s3_bucket.logs", "create", "platform/main.tf");
    expect("aws_s3_bucket.logs", "delete", "old/main.tf");
    expect("Q", "replace", "my stack/テンプレート.yaml");
    expect("aws_s3_bucket.spaced", "replace", "a b %20.tf");
    assert_eq!(changes.len(), 5, "{changes:#?}");
}

#[test]
fn submodules_are_left_out_with_a_warning() {
    let sub = Repo::new("submodule-inner");
    sub.write("main.tf", &BUCKET.replace("NAME", "inner"));
    sub.commit("inner");
    let repo = Repo::new("submodule-outer");
    repo.write("main.tf", &BUCKET.replace("NAME", "outer"));
    let status = Command::new("git")
        .args(["-c", "protocol.file.allow=always", "submodule", "add", "-q"])
        .arg(&sub.dir)
        .arg("vendor/inner")
        .current_dir(&repo.dir)
        .status()
        .unwrap();
    assert!(status.success());
    repo.commit("with a submodule");
    // A change inside the checked-out submodule is not this repository's change.
    repo.write("vendor/inner/main.tf", &BUCKET.replace("NAME", "changed"));
    let (code, report, stderr) = diff_base(&repo.dir, "HEAD", &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(changes_of(&report), Vec::<(String, String, String)>::new());
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("vendor/inner") && warnings.contains("submodule not compared"),
        "{warnings}"
    );
}

#[test]
fn dirty_trees_detached_heads_and_subfolders() {
    let repo = Repo::new("states");
    repo.write("infra/main.tf", &BUCKET.replace("NAME", "a"));
    repo.commit("first");
    repo.write("infra/main.tf", &BUCKET.replace("NAME", "b"));
    repo.commit("second");
    // Detached HEAD: revisions still resolve.
    repo.git(&["checkout", "-q", "--detach", "HEAD~1"]);
    let (code, report, stderr) = diff_base(&repo.dir, "main", &["--head", "HEAD"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        changes_of(&report),
        [(
            "aws_s3_bucket.logs".to_string(),
            "replace".to_string(),
            "infra/main.tf".to_string()
        )]
    );
    // A dirty working tree: an uncommitted edit and an untracked file are part of the head.
    repo.write("infra/main.tf", &BUCKET.replace("NAME", "c"));
    repo.write(
        "infra/queue.tf",
        "resource \"aws_sqs_queue\" \"q\" {\n  name = \"q\"\n}\n",
    );
    // From a subfolder, with no path: that folder only, files named from the repository
    // root, as in every report (#19).
    let (code, report, stderr) = diff_base(&repo.dir.join("infra"), "HEAD", &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        changes_of(&report),
        [
            (
                "aws_s3_bucket.logs".to_string(),
                "replace".to_string(),
                "infra/main.tf".to_string()
            ),
            (
                "aws_sqs_queue.q".to_string(),
                "create".to_string(),
                "infra/queue.tf".to_string()
            )
        ]
    );
    // Pull-request mode on a detached HEAD.
    let (code, stdout, stderr) = stet_in(
        &repo.dir,
        &[
            "check",
            "--base",
            "main",
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(json(&stdout)["findings"].is_array());
}
