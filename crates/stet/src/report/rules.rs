//! What `stet rules`, `stet explain` and `stet test` print: the list of built-in rules, a
//! rule's page, and the report of a rule-test run, in text or JSON ([`RulesFormat`]).
//! Running the tests is `stet-rules`' job (`run_tests`); the pack is `builtin`'s.
//!
//! The JSON of `stet rules --format json`, one object per rule:
//!
//! ```text
//! [ { "id", "title", "severity", "formats": [..], "remediation", "diff_mode_only", "file" } ]
//! ```
//!
//! and of `stet test --format json`:
//!
//! ```text
//! { "files", "cases", "expectations",
//!   "mismatches": [ { "rule_file", "test_file", "case", "rule", "expected", "actual" } ],
//!   "errors": [ "…" ], "unpaired": [ "…" ], "unknown_rules" }
//! ```

use crate::builtin::{builtin_rule, BUILTIN};
use serde_json::json;
use stet_rules::TestReport;

/// The formats of the rule list and the rule-test report, named as `--format` names them
/// (`text`, `json`).
///
/// ```
/// let format: stet::RulesFormat = "json".parse().unwrap();
/// assert_eq!(format, stet::RulesFormat::Json);
/// assert_eq!(stet::RulesFormat::ALL.len(), 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RulesFormat {
    /// Lines for a terminal.
    Text,
    /// JSON (the shapes this module's documentation gives).
    Json,
}

impl RulesFormat {
    /// Every format, in the order `--help` lists them.
    pub const ALL: &'static [RulesFormat] = &[RulesFormat::Text, RulesFormat::Json];

    /// The format's name: `text` or `json`.
    pub fn as_str(self) -> &'static str {
        match self {
            RulesFormat::Text => "text",
            RulesFormat::Json => "json",
        }
    }

    /// What the format is, in one line: what `stet rules --help` says of it.
    pub fn description(self) -> &'static str {
        match self {
            RulesFormat::Text => "Lines for a terminal",
            RulesFormat::Json => "JSON",
        }
    }
}

impl std::fmt::Display for RulesFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl std::str::FromStr for RulesFormat {
    type Err = UnknownFormatError;

    fn from_str(name: &str) -> Result<RulesFormat, UnknownFormatError> {
        RulesFormat::ALL
            .iter()
            .copied()
            .find(|f| f.as_str() == name)
            .ok_or_else(|| UnknownFormatError {
                name: name.to_string(),
                known: "text, json",
            })
    }
}

/// A name [`RulesFormat`] or [`GraphFormat`](crate::GraphFormat) does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format `{name}` (known: {known})")]
#[non_exhaustive]
pub struct UnknownFormatError {
    /// The name given.
    pub name: String,
    /// The names there are, comma-separated.
    pub known: &'static str,
}

/// A built-in rule that does not load: a defect of the build.
#[derive(Debug, thiserror::Error)]
#[error("built-in rule {id} does not parse: {error}")]
#[non_exhaustive]
pub struct PackError {
    /// The rule's ID.
    pub id: &'static str,
    /// What the rule parser said.
    pub error: stet_rules::Error,
}

/// No built-in rule has the ID asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no built-in rule `{0}`; `stet rules` lists them ({ids})", ids = builtin_ids())]
pub struct UnknownRuleError(pub String);

/// The IDs of the pack, comma-separated.
fn builtin_ids() -> String {
    let ids: Vec<&str> = BUILTIN.iter().map(|r| r.id).collect();
    ids.join(", ")
}

/// The list of built-in rules, as `stet rules` prints it: in text, one line per rule (ID,
/// severity, formats, title, and whether it runs in diff mode only) and a pointer to `stet
/// explain`.
///
/// ```
/// let list = stet::render_rules(stet::RulesFormat::Text).unwrap();
/// assert!(list.starts_with("BG001  "));
/// assert!(list.ends_with("`stet explain ID` prints a rule's page.\n"));
/// ```
///
/// # Errors
/// A built-in rule does not load (a defect of the build).
pub fn render_rules(format: RulesFormat) -> Result<String, PackError> {
    let mut rows = Vec::new();
    for rule in BUILTIN {
        let parsed = rule
            .load()
            .map_err(|error| PackError { id: rule.id, error })?;
        rows.push((rule, parsed.meta().clone()));
    }
    Ok(match format {
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = rows
                .iter()
                .map(|(rule, meta)| {
                    json!({
                        "id": rule.id,
                        "title": meta.title,
                        "severity": meta.severity.map(|s| s.as_str()),
                        "formats": meta.formats,
                        "remediation": meta.remediation,
                        "diff_mode_only": rule.is_change_rule(),
                        "file": rule.path,
                    })
                })
                .collect();
            pretty(&json!(list))
        }
        RulesFormat::Text => {
            let mut out = String::new();
            for (rule, meta) in &rows {
                out.push_str(&format!(
                    "{}  {:<6}  {:<32}  {}{}\n",
                    rule.id,
                    meta.severity.map_or("", |s| s.as_str()),
                    meta.formats.join(","),
                    meta.title.as_deref().unwrap_or(""),
                    if rule.is_change_rule() {
                        "  (diff mode)"
                    } else {
                        ""
                    }
                ));
            }
            out.push_str("`stet explain ID` prints a rule's page.\n");
            out
        }
    })
}

/// The page of the built-in rule `id` (case-insensitive), as `stet explain` prints it.
///
/// ```
/// assert!(stet::rule_page("pin003").unwrap().starts_with("# PIN003"));
/// assert!(stet::rule_page("XYZ999").unwrap_err().to_string().contains("`stet rules` lists them"));
/// ```
///
/// # Errors
/// No built-in rule has that ID; the error lists the IDs there are.
pub fn rule_page(id: &str) -> Result<&'static str, UnknownRuleError> {
    builtin_rule(id)
        .map(|rule| rule.page)
        .ok_or_else(|| UnknownRuleError(id.to_string()))
}

/// The report of a rule-test run, as `stet test` prints it: in text, each expectation that
/// did not hold, each file that could not be read, each test file that matches no rule file,
/// and a count.
pub fn render_rule_tests(report: &TestReport, format: RulesFormat) -> String {
    match format {
        RulesFormat::Json => pretty(&json!({
            "files": report.files,
            "cases": report.cases,
            "expectations": report.expectations,
            "mismatches": report.mismatches.iter().map(|m| json!({
                "rule_file": m.rule_file.display().to_string(),
                "test_file": m.test_file.display().to_string(),
                "case": m.case,
                "rule": m.rule,
                "expected": m.expected,
                "actual": m.actual,
            })).collect::<Vec<_>>(),
            "errors": report.errors,
            "unpaired": report.unpaired.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "unknown_rules": report.unknown_rules,
        })),
        RulesFormat::Text => {
            let mut out = String::new();
            for m in &report.mismatches {
                out.push_str(&format!(
                    "FAIL {} (case `{}`): rule {} expected {}, got {}\n     tests: {}\n",
                    m.rule_file.display(),
                    m.case,
                    m.rule,
                    m.expected,
                    m.actual,
                    m.test_file.display()
                ));
            }
            for e in &report.errors {
                out.push_str(e);
                if !e.ends_with('\n') {
                    out.push('\n');
                }
            }
            for u in &report.unpaired {
                out.push_str(&format!(
                    "note: {} matches no rule file by name; not run\n",
                    u.display()
                ));
            }
            out.push_str(&format!(
                "{} rule files, {} cases, {} expectations: {} passed, {} failed\n",
                report.files,
                report.cases,
                report.expectations,
                report.expectations.saturating_sub(report.mismatches.len()),
                report.mismatches.len()
            ));
            out
        }
    }
}

/// Pretty-printed JSON, ending in a newline.
fn pretty(json: &serde_json::Value) -> String {
    serde_json::to_string_pretty(json).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_list_has_a_line_per_rule() {
        let text = render_rules(RulesFormat::Text).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), BUILTIN.len() + 1);
        let chg = lines.iter().find(|l| l.starts_with("CHG002")).unwrap();
        assert!(chg.ends_with("  (diff mode)"), "{chg}");
        let pin = lines.iter().find(|l| l.starts_with("PIN003 ")).unwrap();
        assert!(pin.starts_with("PIN003  high    terraform  "), "{pin}");
    }

    #[test]
    fn the_rule_list_in_json_names_each_rules_file() {
        let json: serde_json::Value =
            serde_json::from_str(&render_rules(RulesFormat::Json).unwrap()).unwrap();
        let rules = json.as_array().unwrap();
        assert_eq!(rules.len(), BUILTIN.len());
        let keys: Vec<&String> = rules[0].as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "id",
                "title",
                "severity",
                "formats",
                "remediation",
                "diff_mode_only",
                "file"
            ]
        );
        assert_eq!(rules[0]["file"], "rules/BG001.guard");
    }

    #[test]
    fn an_unknown_rule_lists_the_pack() {
        let e = rule_page("NOPE").unwrap_err().to_string();
        assert!(e.starts_with("no built-in rule `NOPE`; `stet rules` lists them (BG001, "));
        assert_eq!(rule_page("chg002").unwrap(), BUILTIN[5].page);
    }

    /// A folder with one rule and a tests file whose second case expects the wrong status.
    fn failing_tests() -> (std::path::PathBuf, TestReport) {
        let dir = std::env::temp_dir().join(format!("stet-rule-tests-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("tests")).unwrap();
        std::fs::write(
            dir.join("buckets.guard"),
            "rule versioned {\n  Resources.*.Properties.Versioned == true\n}\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("tests/buckets_tests.yaml"),
            "- name: on\n  input: {Resources: {B: {Properties: {Versioned: true}}}}\n  expectations:\n    rules:\n      versioned: PASS\n- name: off\n  input: {Resources: {B: {Properties: {Versioned: false}}}}\n  expectations:\n    rules:\n      versioned: PASS\n",
        )
        .unwrap();
        std::fs::write(dir.join("tests/orphan_tests.yaml"), "[]\n").unwrap();
        let report = stet_rules::run_tests(&dir);
        (dir, report)
    }

    #[test]
    fn a_rule_test_report_says_what_failed_and_counts() {
        let (dir, report) = failing_tests();
        let text = render_rule_tests(&report, RulesFormat::Text);
        let json: serde_json::Value =
            serde_json::from_str(&render_rule_tests(&report, RulesFormat::Json)).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            text.contains("buckets.guard (case `off`): rule versioned expected PASS, got FAIL"),
            "{text}"
        );
        assert!(
            text.contains("orphan_tests.yaml matches no rule file by name; not run"),
            "{text}"
        );
        assert!(
            text.ends_with("1 rule files, 2 cases, 2 expectations: 1 passed, 1 failed\n"),
            "{text}"
        );
        assert_eq!(json["mismatches"][0]["case"], "off");
        assert_eq!(json["expectations"], 2);
        assert_eq!(json["unpaired"].as_array().map(Vec::len), Some(1));
    }
}
