//! Issue #19, "Pull requests and pre-commit as their users live them": one test per bullet
//! of its "Why" that the CLI and the reports answer (the Action's are in `github_action.rs`,
//! pre-commit's in `pre_commit.rs`), on the pull request the issue tried — a database's
//! `engine` changed and a registry module added without a version — in a scratch git
//! repository whose Terraform lives in `infra/`. The comment of that pull request is compared
//! with `fixtures/reports/pull-request.expected.md` (`STET_BLESS=1` rewrites it).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    std::fs::canonicalize(Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")).unwrap()
}

struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn stet_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
    let mut command = Command::new(env!("CARGO_BIN_EXE_stet"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR");
    for (k, v) in env {
        command.env(k, v);
    }
    let output = command.output().unwrap();
    Out {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn stet(dir: &Path, args: &[&str]) -> Out {
    stet_env(dir, args, &[])
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

const DATABASE: &str = r#"terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }
}

resource "aws_db_instance" "orders" {
  identifier_prefix = "orders-"
  engine            = "mysql"
  instance_class    = "db.t3.micro"
  allocated_storage = 20
}
"#;

/// A temporary folder removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The issue's pull request: `main` with the database, the working tree with `engine`
/// changed and an unpinned registry module added.
fn pull_request(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("stet-pr-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("infra")).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["config", "user.email", "t@example.com"]);
    git(&dir, &["config", "user.name", "t"]);
    std::fs::write(dir.join("infra/main.tf"), DATABASE).unwrap();
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    let changed = DATABASE.replace("\"mysql\"", "\"postgres\"")
        + "\nmodule \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n";
    std::fs::write(dir.join("infra/main.tf"), changed).unwrap();
    Scratch(dir)
}

/// The comment of the issue's pull request: the replacement first, the forcing attribute
/// with old → new values, a fix line for each finding.
#[test]
fn the_pull_request_comment_of_the_issue() {
    let repo = pull_request("comment");
    let out = stet(
        &repo.0.join("infra"),
        &["check", "--base", "main", "--format", "markdown"],
    );
    assert_eq!(out.code, Some(1), "{}{}", out.stdout, out.stderr);
    let expected = root().join("fixtures/reports/pull-request.expected.md");
    if std::env::var_os("STET_BLESS").is_some() {
        std::fs::write(&expected, &out.stdout).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&expected).unwrap_or_default(),
        out.stdout,
        "the comment differs from {} (STET_BLESS=1 rewrites it after review)",
        expected.display()
    );
    let text = &out.stdout;
    let replaced = text.find("### Resources that will be replaced").unwrap();
    assert!(replaced < text.find("### High").unwrap());
    assert!(text.contains("`engine: \"mysql\" → \"postgres\"`"));
    let findings = text
        .lines()
        .filter(|l| l.starts_with("- `") && l.contains("](https://"))
        .count();
    assert_eq!(findings, 3);
    assert_eq!(text.matches("\n  - **Fix:** ").count(), findings);
}

/// "change-rule findings cover the whole resource block instead of the attribute that forces
/// the replacement"
#[test]
fn change_rule_findings_point_at_the_forcing_attribute() {
    let repo = pull_request("anchor");
    let out = stet(&repo.0, &["check", "--base", "main", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let chg002 = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "CHG002")
        .unwrap();
    // Line 13 is `engine = "postgres"`; the block (lines 11 to 16) is the related place.
    assert_eq!(
        (chg002["line"].as_u64(), chg002["column"].as_u64()),
        (Some(13), Some(23))
    );
    assert_eq!(chg002["end_line"], 13);
    assert_eq!(chg002["related"][0]["line"], 11);
    assert_eq!(chg002["related"][0]["end_line"], 16);
    let sarif = stet(&repo.0, &["check", "--base", "main", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "CHG002")
        .unwrap();
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        13
    );
    assert_eq!(
        result["relatedLocations"][0]["physicalLocation"]["region"]["startLine"],
        11
    );
}

/// "`--format github` paths are relative to the current folder while SARIF's are relative to
/// the repository, so annotations do not attach when a workflow uses `working-directory:`"
#[test]
fn every_format_names_files_from_the_repository_root() {
    let repo = pull_request("paths");
    let infra = repo.0.join("infra");
    let github = stet(&infra, &["check", "--base", "main", "--format", "github"]);
    assert!(
        github
            .stdout
            .lines()
            .all(|l| l.contains("file=infra/main.tf,")),
        "{}",
        github.stdout
    );
    let json = stet(&infra, &["check", "--base", "main", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["file"] == "infra/main.tf"));
    assert!(json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["file"] == "infra/main.tf"));
    let junit = stet(&infra, &["check", "--base", "main", "--format", "junit"]);
    assert!(
        junit.stdout.contains("<testsuite name=\"infra/main.tf\""),
        "{}",
        junit.stdout
    );
    let markdown = stet(&infra, &["check", "--base", "main", "--format", "markdown"]);
    assert!(
        markdown.stdout.contains("`infra/main.tf:13`"),
        "{}",
        markdown.stdout
    );
    let text = stet(&infra, &["check", "--base", "main", "--color", "never"]);
    assert!(
        text.stdout.contains("--> infra/main.tf:13:23"),
        "{}",
        text.stdout
    );
}

/// "the verdict shows ❌ with `--fail-on never`"
#[test]
fn the_verdict_follows_fail_on() {
    let repo = pull_request("verdict");
    let never = stet(
        &repo.0,
        &[
            "check",
            "--base",
            "main",
            "--format",
            "markdown",
            "--fail-on",
            "never",
        ],
    );
    assert_eq!(never.code, Some(0));
    assert!(
        never.stdout.starts_with("## ⚠️ stet: 3 findings"),
        "{}",
        never.stdout
    );
    assert!(never
        .stdout
        .contains("Passes the check: findings never fail it (`--fail-on never`)."));
    let high = stet(
        &repo.0,
        &[
            "check",
            "--base",
            "main",
            "--format",
            "markdown",
            "--fail-on",
            "high",
        ],
    );
    assert_eq!(high.code, Some(1));
    assert!(high.stdout.starts_with("## ❌ stet"), "{}", high.stdout);
    assert!(
        high.stdout
            .contains("**Fails the check:** 2 findings at or above `high`"),
        "{}",
        high.stdout
    );
}

/// "the summary counts "2 files" for a one-file repository (base and head both counted)"
#[test]
fn counts_are_of_the_files_of_the_head() {
    let repo = pull_request("counts");
    let text = stet(&repo.0, &["check", "--base", "main", "--color", "never"]);
    assert!(text.stdout.contains(" in 1 file;"), "{}", text.stdout);
    let json = stet(&repo.0, &["diff", "--base", "main", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(json["summary"]["files"], 1);
}

/// "CHG002 on a Terraform database suggests CloudFormation's `UpdateReplacePolicy`"
#[test]
fn chg002_speaks_each_formats_language() {
    let repo = pull_request("words");
    let json = stet(&repo.0, &["check", "--base", "main", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let chg002 = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "CHG002")
        .unwrap();
    let said = format!("{} {}", chg002["message"], chg002["remediation"]);
    assert!(
        said.contains("prevent_destroy") && said.contains("deletion_protection"),
        "{said}"
    );
    assert!(
        !said.contains("UpdateReplacePolicy") && !said.contains("DeletionPolicy"),
        "{said}"
    );
    // The same replacement in CloudFormation.
    let case = root().join("fixtures/changes/cfn-rds-identifier");
    let out = stet(
        &root(),
        &[
            "diff",
            case.join("before").to_str().unwrap(),
            case.join("after").to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let chg002 = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "CHG002")
        .unwrap_or_else(|| panic!("{}", out.stdout));
    let said = format!("{} {}", chg002["message"], chg002["remediation"]);
    assert!(said.contains("UpdateReplacePolicy"), "{said}");
    assert!(!said.contains("prevent_destroy"), "{said}");
}

/// Before and after folders holding one file each, for `stet diff BEFORE AFTER`.
fn change_pair(name: &str, file: &str, before: &str, after: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("stet-pair-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (side, text) in [("before", before), ("after", after)] {
        std::fs::create_dir_all(dir.join(side)).unwrap();
        std::fs::write(dir.join(side).join(file), text).unwrap();
    }
    Scratch(dir)
}

/// The CHG002 finding of `stet diff before after` in `pair`: its message and its fix.
fn chg002_of(pair: &Scratch) -> String {
    let out = stet(
        &pair.0,
        &[
            "diff",
            "before",
            "after",
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let chg002 = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "CHG002")
        .unwrap_or_else(|| panic!("{}{}", out.stdout, out.stderr));
    format!("{} {}", chg002["message"], chg002["remediation"])
}

/// The same clause for data that is protected: a CloudFormation bucket whose
/// `UpdateReplacePolicy: Retain` keeps the old one, a Terraform database whose
/// `prevent_destroy` stops the apply — each fix in its own format's words (the rule's generic
/// remediation named both formats' settings).
#[test]
fn chg002_on_protected_data_speaks_each_formats_language() {
    let bucket = "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n    Properties:\n      BucketName: acme-logs\n";
    let pair = change_pair(
        "retain",
        "template.yaml",
        bucket,
        &bucket.replace("acme-logs", "acme-logs-2"),
    );
    let said = chg002_of(&pair);
    assert!(
        said.contains("UpdateReplacePolicy Retain keeps the old data")
            && said.contains("left outside the stack"),
        "{said}"
    );
    assert!(
        !said.contains("prevent_destroy") && !said.contains("Terraform"),
        "{said}"
    );
    let database = DATABASE.replace(
        "allocated_storage = 20\n",
        "allocated_storage = 20\n\n  lifecycle {\n    prevent_destroy = true\n  }\n",
    );
    let pair = change_pair(
        "prevent",
        "main.tf",
        &database,
        &database.replace("\"mysql\"", "\"postgres\""),
    );
    let said = chg002_of(&pair);
    assert!(
        said.contains("lifecycle prevent_destroy will stop the apply")
            && said.contains("lift `prevent_destroy`"),
        "{said}"
    );
    assert!(
        !said.contains("UpdateReplacePolicy") && !said.contains("CloudFormation"),
        "{said}"
    );
}

/// "the Markdown comment says what is wrong but not what to do … and shows no old → new
/// values" — the annotations too.
#[test]
fn annotations_carry_the_fix_and_the_values() {
    let repo = pull_request("annotations");
    let github = stet(&repo.0, &["check", "--base", "main", "--format", "github"]);
    let chg002 = github
        .stdout
        .lines()
        .find(|l| l.contains("title=CHG002"))
        .unwrap();
    assert!(
        chg002.contains(
            "%0Aengine: \"mysql\" → \"postgres\" forces the replacement%0AFix: Avoid the change"
        ),
        "{chg002}"
    );
    let pin003 = github
        .stdout
        .lines()
        .find(|l| l.contains("title=PIN003"))
        .unwrap();
    assert!(
        pin003.contains("%0AFix: Give registry modules a `version`"),
        "{pin003}"
    );
    // What stet could not follow is said too (the text report's `warning:`): the module is
    // not downloaded, so its resources were not checked.
    assert!(
        github.stdout.lines().last().is_some_and(|l| l.starts_with(
            "::warning file=infra/main.tf,line=19,col=12,title=stet::1 registry or git module call"
        )),
        "{}",
        github.stdout
    );
}

/// "`stet --help` does not say what stet is for"; "`stet diff`'s exit status documented"
#[test]
fn help_says_what_stet_is_for() {
    let dir = std::env::temp_dir();
    let help = stet(&dir, &["--help"]);
    assert_eq!(help.code, Some(0));
    assert!(
        help.stdout
            .contains("stet reads Terraform and CloudFormation/SAM as they are written"),
        "{}",
        help.stdout
    );
    assert!(
        help.stdout.contains("Examples:\n  stet check "),
        "{}",
        help.stdout
    );
    assert!(help.stdout.contains("Exit status: 0"), "{}", help.stdout);
    // The short help, and `stet` alone, say it too (not the crate's description).
    let short = stet(&dir, &["-h"]);
    assert!(
        short.stdout.starts_with(
            "Audit Terraform and CloudFormation/SAM for immutable infrastructure: servers that drift"
        ),
        "{}",
        short.stdout
    );
    assert!(short.stdout.contains("Examples:\n"), "{}", short.stdout);
    let bare = stet(&dir, &[]);
    assert_eq!(bare.code, Some(2));
    assert!(
        bare.stderr
            .starts_with("Audit Terraform and CloudFormation/SAM for immutable infrastructure"),
        "{}",
        bare.stderr
    );
    let diff = stet(&dir, &["diff", "--help"]);
    assert!(
        diff.stdout
            .contains("Exit status: 0 when no change rule finds anything at or above --fail-on"),
        "{}",
        diff.stdout
    );
    assert!(diff.stdout.contains("--staged"), "{}", diff.stdout);
    let check = stet(&dir, &["check", "--help"]);
    assert!(
        check.stdout.contains(
            "Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 when"
        ),
        "{}",
        check.stdout
    );
}

/// "an empty folder or a mistyped path gives `0 findings in 0 files`, exit 0"
#[test]
fn a_scan_that_reads_nothing_fails() {
    let dir = std::env::temp_dir().join(format!("stet-empty-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("docs")).unwrap();
    std::fs::write(dir.join("docs/package.json"), "{\"name\": \"x\"}").unwrap();
    let scratch = Scratch(dir);
    let out = stet(&scratch.0, &["check"]);
    assert_eq!(out.code, Some(2), "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("error: no Terraform or CloudFormation file found in . (1 JSON or YAML file was read, none a CloudFormation template)"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--allow-empty"), "{}", out.stderr);
    // Every report says the check failed, as the exit status does: a job summary of a scan
    // of nothing is no ✅, and the annotations carry the error.
    let out = stet(&scratch.0, &["check", "--format", "markdown"]);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stdout.starts_with("## ❌ stet")
            && out
                .stdout
                .contains("no Terraform or CloudFormation file found in ."),
        "{}",
        out.stdout
    );
    let out = stet(
        &scratch.0,
        &["check", "--format", "github", "--output", "json=stet.json"],
    );
    assert_eq!(out.code, Some(2));
    assert!(
        out.stdout.starts_with(
            "::error file=.,line=1,col=1::no Terraform or CloudFormation file found in ."
        ),
        "{}",
        out.stdout
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(scratch.0.join("stet.json")).unwrap())
            .unwrap();
    assert_eq!(json["summary"]["errors"], 1, "{json}");
    std::fs::remove_file(scratch.0.join("stet.json")).unwrap();
    let out = stet(&scratch.0, &["check", "--allow-empty"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let out = stet(
        &scratch.0,
        &["check", "--allow-empty", "--format", "markdown"],
    );
    assert!(out.stdout.starts_with("## ✅ stet"), "{}", out.stdout);
    let out = stet(&scratch.0, &["check", "infra/"]);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stdout.contains("--> infra:1:1") && out.stdout.contains("no such file or folder"),
        "{}",
        out.stdout
    );
    let out = stet(&scratch.0, &["diff", "docs", "docs"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("no Terraform or CloudFormation file found in docs, docs"),
        "{}",
        out.stderr
    );
}

/// "no `--color`"
#[test]
fn color_follows_the_flag_and_the_environment() {
    let repo = pull_request("color");
    let escape = "\u{1b}[";
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["check", "--base", "main"];
        all.extend_from_slice(args);
        stet_env(&repo.0, &all, env).stdout.contains(escape)
    };
    assert!(!run(&[], &[]), "a pipe is not coloured");
    assert!(run(&["--color", "always"], &[]));
    assert!(
        run(&["--color", "always"], &[("NO_COLOR", "1")]),
        "the flag wins"
    );
    assert!(!run(&["--color", "never"], &[("FORCE_COLOR", "1")]));
    assert!(run(&[], &[("FORCE_COLOR", "1")]));
    assert!(run(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!run(&[], &[("CLICOLOR_FORCE", "0")]));
    assert!(
        !run(&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]),
        "NO_COLOR wins"
    );
    assert!(
        !run(&["--format", "json", "--color", "always"], &[]),
        "only text is coloured"
    );
}

/// "runs it three times" — several reports from one run; "a failed `--output` names an
/// internal temp file"
#[test]
fn one_run_writes_several_reports() {
    let repo = pull_request("outputs");
    let dir = &repo.0;
    let out = stet(
        dir,
        &[
            "check",
            "--base",
            "main",
            "--format",
            "github",
            "--output",
            "sarif=out/stet.sarif",
            "--output",
            "markdown=stet.md",
            "--output",
            "json=stet.json",
        ],
    );
    // out/ does not exist: the error names the file asked for, not a temporary one.
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr
            .starts_with("error: cannot write out/stet.sarif: "),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains(".tmp"), "{}", out.stderr);
    std::fs::create_dir_all(dir.join("out")).unwrap();
    let out = stet(
        dir,
        &[
            "check",
            "--base",
            "main",
            "--format",
            "github",
            "--output",
            "sarif=out/stet.sarif",
            "--output",
            "markdown=stet.md",
            "--output",
            "json=stet.json",
        ],
    );
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stdout.starts_with("::error file=infra/main.tf"),
        "{}",
        out.stdout
    );
    let sarif = std::fs::read_to_string(dir.join("out/stet.sarif")).unwrap();
    assert!(sarif.contains("\"version\": \"2.1.0\""));
    let markdown = std::fs::read_to_string(dir.join("stet.md")).unwrap();
    assert!(markdown.starts_with("## ❌ stet: 3 findings"));
    let json = std::fs::read_to_string(dir.join("stet.json")).unwrap();
    assert!(json.contains("\"CHG002\""));
    // A plain --output takes --format's report, and only one may be plain.
    let out = stet(
        dir,
        &[
            "check",
            "--format",
            "json",
            "--output",
            "a.json",
            "--output",
            "sarif=a.sarif",
        ],
    );
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(std::fs::read_to_string(dir.join("a.json"))
        .unwrap()
        .contains("\"version\": 1"));
    let out = stet(dir, &["check", "--output", "a.json", "--output", "b.json"]);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("--output FILE given 2 times"),
        "{}",
        out.stderr
    );
}

/// "When a replacement reaches other resources … the comment draws it": end to end on
/// `fixtures/reports/cascade` (a subnet replaced for its CIDR block, with an instance and a
/// route table association that reference it). Every knock-on change the diff reports (an
/// attribute with `caused_by`) is an edge of the DOT graph and of the Mermaid drawing; the
/// replaced subnet is drawn with the attribute that forces it either way.
#[test]
fn replacements_and_what_they_reach_are_drawn() {
    let case = "fixtures/reports/cascade";
    let run = |format: &str| {
        let out = stet(
            &root(),
            &[
                "diff",
                &format!("{case}/before"),
                &format!("{case}/after"),
                "--format",
                format,
            ],
        );
        assert!(
            matches!(out.code, Some(0) | Some(1)),
            "{}{}",
            out.stdout,
            out.stderr
        );
        out.stdout
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let dot = run("dot");
    let markdown = run("markdown");
    assert!(
        dot.starts_with("digraph stet {") && dot.ends_with("}\n"),
        "{dot}"
    );
    let node = |address: &str| -> String {
        dot.lines()
            .find(|l| l.contains(&format!("[label=\"{address}\\n")))
            .and_then(|l| l.split_whitespace().next())
            .unwrap_or_else(|| panic!("no node for {address}:\n{dot}"))
            .to_string()
    };
    let subnet = node("aws_subnet.app");
    assert!(
        dot.contains(&format!("{subnet}f0 [shape=ellipse, style=dashed, label=\"cidr_block: \\\"10.0.1.0/24\\\" → \\\"10.0.2.0/24\\\"\"];")),
        "{dot}"
    );
    assert!(
        markdown.contains("`cidr_block: \"10.0.1.0/24\" → \"10.0.2.0/24\"`"),
        "{markdown}"
    );
    let mut knock_on = 0;
    for change in json["changes"].as_array().unwrap() {
        for attribute in change["attributes"].as_array().unwrap() {
            let Some(cause) = attribute["caused_by"].as_str() else {
                continue;
            };
            knock_on += 1;
            let (from, to) = (node(cause), node(change["address"].as_str().unwrap()));
            assert!(
                dot.lines().any(|l| l
                    .trim_start()
                    .starts_with(&format!("{from} -> {to} [label=\""))
                    && l.contains(attribute["path"].as_str().unwrap())),
                "{cause} → {}:\n{dot}",
                change["address"]
            );
        }
    }
    // The subnet's replacement reaches the instance and the association: drawn in Mermaid.
    assert_eq!(knock_on, 2, "{json}");
    assert!(
        markdown.contains("```mermaid\nflowchart LR\n"),
        "{markdown}"
    );
    // A knock-on value reads the same before and after: written once, with its cause.
    assert!(
        markdown.contains(
            "- `subnet_id: aws_subnet.app.id` forces the replacement (because `aws_subnet.app` is replaced)"
        ),
        "{markdown}"
    );
    assert!(!markdown.contains("aws_subnet.app.id → "), "{markdown}");
}
