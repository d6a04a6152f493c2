//! Checks Infrastructure-as-Code held in memory — a Terraform file, a CloudFormation
//! template and a rule of one's own, all strings — with the built-in rules and that rule,
//! then prints each finding with its place and the report as SARIF. Nothing is written to
//! disk. The crate's documentation runs it as a test.
//!
//! `cargo run -p stet-iac --example in_memory`

use stet::{Finding, LoadOptions, ReportFormat, RuleSet, RunOptions, Severity};

const MAIN_TF: &str = r#"module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
}

resource "aws_ecr_repository" "app" {
  name = "app"
}
"#;

const TEMPLATE: &str = "Resources:
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: logs
";

/// A rule of one's own, in cfn-guard's language with stet's metadata header (a line each, so
/// that the header's `#` lines stay visible when rustdoc shows this file).
const OWN_RULE: &str = concat!(
    "# stet:\n",
    "#   id: OWN001\n",
    "#   title: Buckets are named by CloudFormation\n",
    "#   severity: low\n",
    "#   formats: [cloudformation]\n",
    "let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]\n",
    "rule bucket_names_are_generated when %buckets !empty {\n",
    "    %buckets.Properties.BucketName !exists\n",
    "        << a fixed bucket name makes the bucket impossible to replace >>\n",
    "}\n",
);

fn main() {
    let loaded = stet::load_texts(
        [("infra/main.tf", MAIN_TF), ("infra/logs.yaml", TEMPLATE)],
        &LoadOptions::default(),
    );
    let own = match RuleSet::parse("own.guard", OWN_RULE) {
        Ok(rules) => rules,
        Err(e) => {
            eprint!("{}", e.render());
            std::process::exit(2);
        }
    };
    let options = RunOptions {
        rule_sets: vec![own],
        ..RunOptions::default()
    };
    let report = stet::check_loaded(&loaded, &options);
    for finding in &report.findings {
        println!("{}", line(finding));
    }
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    assert!(rules.contains(&"PIN003"), "{rules:?}"); // the module has no version
    assert!(rules.contains(&"OWN001"), "{rules:?}");
    let sarif = report.render(ReportFormat::Sarif, &Default::default());
    assert!(sarif.contains("\"ruleId\": \"OWN001\""));
    // The exit status the command would give with `--fail-on medium`.
    let status = report.exit_status(Some(Severity::Medium));
    assert_eq!(status, 1);
}

/// `infra/logs.yaml:5:19 low OWN001 Logs: a fixed bucket name …`
fn line(f: &Finding) -> String {
    format!(
        "{}:{}:{} {} {} {}",
        f.span.file, f.span.start.line, f.span.start.column, f.severity, f.rule, f.message
    )
}
