//! Every report format on the same fixtures (`fixtures/reports/`): a project with findings,
//! suppressions (with and without a reason, expired, in CloudFormation metadata) and a file
//! that does not parse; and a diff with a replacement. The outputs are compared with the
//! reviewed files beside them (`STET_BLESS=1` rewrites them); the SARIF is validated by
//! Microsoft's SARIF Multitool and the SARIF 2.1.0 schema when they can be installed, the
//! JUnit parsed by a real XML parser.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const FORMATS: &[(&str, &str)] = &[
    ("text", "txt"),
    ("json", "json"),
    ("sarif", "sarif"),
    ("junit", "xml"),
    ("markdown", "md"),
    ("github", "github.txt"),
];

fn stet(args: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_stet"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run stet");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// The output with this machine's absolute repository path replaced.
fn portable(text: &str) -> String {
    let absolute = std::fs::canonicalize(root()).unwrap_or_else(|_| root());
    text.replace(
        &format!("file://{}/", absolute.display()),
        "file:///REPOSITORY/",
    )
}

fn compare(name: &str, format: &str, ext: &str, text: &str, problems: &mut Vec<String>) {
    let path = root()
        .join("fixtures/reports")
        .join(format!("{name}.expected.{ext}"));
    let text = portable(text);
    if std::env::var_os("STET_BLESS").is_some() {
        std::fs::write(&path, &text).unwrap();
    } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        problems.push(format!(
            "{name} --format {format} differs from {}:\n{text}",
            path.display()
        ));
    }
}

#[test]
fn every_format_renders_the_same_findings() {
    let mut problems = Vec::new();
    for (format, ext) in FORMATS {
        let (code, out) = stet(&[
            "check",
            "fixtures/reports/project",
            "--format",
            format,
            "--show-suppressed",
        ]);
        // A file that does not parse makes the status 2 even though there are findings.
        assert_eq!(code, Some(2), "{format}: {out}");
        compare("project", format, ext, &out, &mut problems);
        let (code, out) = stet(&[
            "diff",
            "fixtures/reports/diff/before",
            "fixtures/reports/diff/after",
            "--format",
            format,
        ]);
        assert_eq!(code, Some(1), "{format}: {out}");
        compare("diff", format, ext, &out, &mut problems);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn suppressions_and_their_switches() {
    let (_, out) = stet(&["check", "fixtures/reports/project", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"SUP001"),
        "a suppression with no reason is reported: {rules:?}"
    );
    assert!(
        !rules.contains(&"MUT003") && !rules.contains(&"MUT002"),
        "{rules:?}"
    );
    let expired = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "MUT001")
        .unwrap();
    assert!(
        expired["message"]
            .as_str()
            .unwrap()
            .contains("expired on 2020-12-31"),
        "{expired}"
    );
    assert_eq!(report["summary"]["suppressed"], 3);
    // CI can refuse inline suppressions.
    let (_, out) = stet(&[
        "check",
        "fixtures/reports/project",
        "--format",
        "json",
        "--no-inline-suppressions",
    ]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"MUT003") && rules.contains(&"MUT002") && !rules.contains(&"SUP001"),
        "{rules:?}"
    );
    assert_eq!(report["summary"]["suppressed"], 0);
}

#[test]
fn junit_is_well_formed_xml() {
    let (_, out) = stet(&["check", "fixtures/reports/project", "--format", "junit"]);
    let doc = roxmltree::Document::parse(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let failures: usize = root.attribute("failures").unwrap().parse().unwrap();
    let counted = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(failures, counted);
    assert!(failures >= 3);
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("error"))
            .count(),
        1
    );
    for suite in root.children().filter(|n| n.has_tag_name("testsuite")) {
        let tests: usize = suite.attribute("tests").unwrap().parse().unwrap();
        assert_eq!(
            tests,
            suite
                .children()
                .filter(|n| n.has_tag_name("testcase"))
                .count()
        );
    }
    // No findings is one passing test case.
    let (_, out) = stet(&[
        "check",
        "fixtures/rules/pack/PIN003/terraform/pass",
        "--format",
        "junit",
    ]);
    let doc = roxmltree::Document::parse(&out).unwrap();
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .count(),
        1
    );
}

/// Installs the SARIF Multitool and the schema with npm into `target/`, once; `None` (with a
/// message) when npm or the registry is not reachable.
fn sarif_tools() -> Option<PathBuf> {
    let dir = root().join("target/sarif-tools");
    let tool = dir.join("node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
    if !tool.is_file() {
        std::fs::create_dir_all(&dir).ok()?;
        let status = Command::new("npm")
            .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .args([
                "@microsoft/sarif-multitool-linux@5.7.0",
                "@microsoft/jest-sarif@1.0.0-beta.0",
            ])
            .status();
        if !status.is_ok_and(|s| s.success()) || !tool.is_file() {
            eprintln!("skipped: npm could not install @microsoft/sarif-multitool-linux (offline?)");
            return None;
        }
    }
    Some(dir)
}

#[test]
fn sarif_passes_the_multitool_and_the_schema() {
    if !cfg!(target_os = "linux") {
        eprintln!("skipped: the SARIF Multitool package is for Linux");
        return;
    }
    let Some(tools) = sarif_tools() else { return };
    let scratch = std::env::temp_dir().join(format!("stet-sarif-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    for (name, args) in [
        (
            "project",
            vec!["check", "fixtures/reports/project", "--format", "sarif"],
        ),
        (
            "diff",
            vec![
                "diff",
                "fixtures/reports/diff/before",
                "fixtures/reports/diff/after",
                "--format",
                "sarif",
            ],
        ),
        (
            "pack",
            vec!["check", "fixtures/rules/pack", "--format", "sarif"],
        ),
    ] {
        let (_, out) = stet(&args);
        let file = scratch.join(format!("{name}.sarif"));
        std::fs::write(&file, &out).unwrap();
        let output = Command::new(
            tools.join("node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"),
        )
        .args(["validate", "--output"])
        .arg(scratch.join(format!("{name}.validation.sarif")))
        .arg(&file)
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .output()
        .unwrap();
        let log = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(output.status.success(), "{name}: {log}");
        let validation: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(scratch.join(format!("{name}.validation.sarif"))).unwrap(),
        )
        .unwrap();
        let results = validation["runs"][0]["results"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let serious: Vec<_> = results
            .iter()
            .filter(|r| matches!(r["level"].as_str(), Some("error") | Some("warning") | None))
            .collect();
        assert!(
            serious.is_empty(),
            "{name}: the Multitool reports {serious:#?}"
        );
        // The JSON schema, with Python's jsonschema when it is there.
        let schema =
            tools.join("node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
        let check = Command::new("python3")
            .args(["-c", "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))"])
            .arg(&file)
            .arg(&schema)
            .output();
        match check {
            Ok(o) if o.status.success() => {}
            Ok(o)
                if String::from_utf8_lossy(&o.stderr).contains("No module named 'jsonschema'") =>
            {
                eprintln!("schema check skipped: Python's jsonschema is not installed");
            }
            Ok(o) => panic!(
                "{name}: not valid against the SARIF 2.1.0 schema: {}",
                String::from_utf8_lossy(&o.stderr)
            ),
            Err(_) => eprintln!("schema check skipped: no python3"),
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
}
