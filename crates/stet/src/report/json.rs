//! The JSON report of DESIGN.md (`version` 1) as one typed schema, [`JsonReport`]: the JSON
//! writer serializes it and the baseline reader ([`crate::read_baseline`]) deserializes it,
//! so the fields are declared once, here.
//!
//! The field-level specification is [`JsonReport`]'s documentation.

use super::{RenderOptions, Report, Suppressed};
use crate::check::{Finding, Related};
use crate::diagnostic::{Diagnostic, Level};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use stet_graph::{Position, Span};
use stet_rules::Severity;

/// The JSON report, as `stet check --format json` writes it and `--baseline` reads it:
///
/// ```json
/// { "version": 1,
///   "tool": { "name": "stet", "version": "0.1.0" },
///   "findings": [ { "file": "main.tf", "line": 12, "column": 3, "end_line": 15, "end_column": 4,
///                   "rule": "PIN003", "severity": "high", "message": "…",
///                   "remediation": "…", "resource": "module.vpc", "resource_type": "module",
///                   "clause": "rules/PIN003.guard:24:13",
///                   "related": [ { "file": …, "line": …, …, "message": "…" } ] } ],
///   "changes": [ { "address": …, "action": …, "replacement": …, "file": …, "line": …, … } ],
///   "errors": [ { "file": …, "line": …, "column": …, "end_line": …, "end_column": …, "message": … } ],
///   "warnings": [ … ],
///   "summary": { "files": 0, "resources": 0, "findings": 0, "changes": 0, "errors": 0,
///                "suppressed": 0, "failed": 0, "skipped": { "not a template": 2 },
///                "actions": { "create": 0, "delete": 0, "update": 0, "replace": 0, "move": 0, "other": 0 } },
///   "suppressed": [ { …a finding…, "reason": "…", "suppressed_at": "main.tf:11" } ] }
/// ```
///
/// Files are named as the report names them, relative to the repository root
/// ([`DisplayPaths`](crate::DisplayPaths)); `remediation` is left
/// out when there is none, `related` when empty, `suppressed` unless asked for
/// ([`RenderOptions::show_suppressed`]). A change-rule finding anchored on the attribute that
/// forces a replacement lists the resource's block under `related`. Each change is written by
/// [`Change::to_json`](crate::Change::to_json). Fields may be added, never renamed or removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JsonReport {
    /// The schema's version: 1.
    pub version: u32,
    /// The tool that wrote it.
    #[serde(default)]
    pub tool: JsonTool,
    /// The findings that count.
    pub findings: Vec<JsonFinding>,
    /// The changes (diff mode), as [`Change::to_json`](crate::Change::to_json) writes them.
    #[serde(default)]
    pub changes: Vec<serde_json::Value>,
    /// Inputs that could not be read or parsed.
    #[serde(default)]
    pub errors: Vec<JsonDiagnostic>,
    /// What was not followed or evaluated.
    #[serde(default)]
    pub warnings: Vec<JsonDiagnostic>,
    /// Counts.
    #[serde(default)]
    pub summary: JsonSummary,
    /// The findings suppressions silenced, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Vec<JsonSuppressed>>,
}

/// The tool that wrote a [`JsonReport`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JsonTool {
    /// `stet`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// A place in a [`JsonReport`]: file, 1-based line and column of the start and the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JsonSpan {
    /// The file, relative to the repository root.
    pub file: String,
    /// Where it starts.
    pub line: u32,
    /// Where it starts.
    pub column: u32,
    /// Where it ends (the start, when not written).
    #[serde(default)]
    pub end_line: u32,
    /// Where it ends.
    #[serde(default)]
    pub end_column: u32,
}

/// A finding in a [`JsonReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JsonFinding {
    /// Where the failing value is.
    #[serde(flatten)]
    pub span: JsonSpan,
    /// The rule's ID.
    pub rule: String,
    /// Its severity.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
    /// The resource holding the value (empty for a finding about a whole document).
    #[serde(default)]
    pub resource: String,
    /// The resource's type.
    #[serde(default)]
    pub resource_type: String,
    /// The clause that failed, as `rule-file:line:column`.
    #[serde(default)]
    pub clause: String,
    /// Other places the finding concerns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<JsonRelated>,
}

/// A secondary place of a [`JsonFinding`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JsonRelated {
    /// The place.
    #[serde(flatten)]
    pub span: JsonSpan,
    /// What is there.
    pub message: String,
}

/// An error or warning in a [`JsonReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JsonDiagnostic {
    /// Where the problem is.
    #[serde(flatten)]
    pub span: JsonSpan,
    /// What is wrong.
    pub message: String,
}

/// A silenced finding in a [`JsonReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JsonSuppressed {
    /// The finding.
    #[serde(flatten)]
    pub finding: JsonFinding,
    /// The reason the suppression gives.
    pub reason: String,
    /// Where the suppression is written (`file:line`).
    pub suppressed_at: String,
}

/// The counts of a [`JsonReport`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JsonSummary {
    /// Files read.
    pub files: usize,
    /// Resources in the documents read.
    pub resources: usize,
    /// Findings that count.
    pub findings: usize,
    /// Changes.
    pub changes: usize,
    /// Inputs that could not be read or parsed.
    pub errors: usize,
    /// Findings silenced by suppressions.
    pub suppressed: usize,
    /// Files that could not be read or parsed.
    pub failed: usize,
    /// Files skipped, by reason.
    pub skipped: BTreeMap<String, usize>,
    /// Changes by action.
    pub actions: JsonActions,
}

/// Changes counted by action in a [`JsonSummary`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JsonActions {
    /// Resources created.
    pub create: usize,
    /// Resources deleted.
    pub delete: usize,
    /// Resources updated in place.
    pub update: usize,
    /// Resources replaced.
    pub replace: usize,
    /// Resources moved to a new address.
    #[serde(rename = "move")]
    pub moved: usize,
    /// Imports and resources dropped from state.
    pub other: usize,
}

impl JsonReport {
    /// The JSON report of `report` (files relative to the repository root).
    pub fn of(report: &Report, options: &RenderOptions) -> JsonReport {
        let errors: Vec<JsonDiagnostic> = report.errors().map(JsonDiagnostic::of).collect();
        let tally = stet_diff::Tally::of(&report.changes);
        JsonReport {
            version: 1,
            tool: JsonTool {
                name: "stet".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            findings: report.findings.iter().map(JsonFinding::of).collect(),
            changes: report
                .changes
                .iter()
                .map(stet_diff::Change::to_json)
                .collect(),
            summary: JsonSummary {
                files: report.files,
                resources: report.resources,
                findings: report.findings.len(),
                changes: report.changes.len(),
                errors: errors.len(),
                suppressed: report.suppressed.len(),
                failed: report.inputs.failed,
                skipped: report
                    .inputs
                    .skipped()
                    .into_iter()
                    .map(|(why, n)| (why.to_string(), n))
                    .collect(),
                actions: JsonActions {
                    create: tally.create,
                    delete: tally.delete,
                    update: tally.update,
                    replace: tally.replace,
                    moved: tally.moved,
                    other: tally.other,
                },
            },
            errors,
            warnings: report.warnings().map(JsonDiagnostic::of).collect(),
            suppressed: options
                .show_suppressed
                .then(|| report.suppressed.iter().map(JsonSuppressed::of).collect()),
        }
    }

    /// Reads a JSON report.
    ///
    /// ```
    /// let text = stet::Report::default().render(stet::ReportFormat::Json, &Default::default());
    /// let report = stet::JsonReport::parse(&text).unwrap();
    /// assert_eq!(report.version, 1);
    /// assert!(stet::JsonReport::parse("{\"version\": 1}").is_err());
    /// ```
    ///
    /// # Errors
    /// The text is not JSON, or not a report of this schema (the error says where).
    pub fn parse(text: &str) -> Result<JsonReport, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The report as text: pretty-printed, ending in a newline.
    pub fn to_text(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }
}

impl JsonSpan {
    fn of(span: &Span) -> JsonSpan {
        JsonSpan {
            file: span.file.to_string(),
            line: span.start.line,
            column: span.start.column,
            end_line: span.end.line,
            end_column: span.end.column,
        }
    }

    /// The place as a [`Span`] (without byte offsets, which the report does not keep).
    pub fn to_span(&self) -> Span {
        let position = |line, column| Position {
            line,
            column,
            offset: 0,
        };
        let end = if self.end_line == 0 {
            position(self.line, self.column)
        } else {
            position(self.end_line, self.end_column)
        };
        Span {
            file: self.file.as_str().into(),
            start: position(self.line, self.column),
            end,
        }
    }
}

impl JsonFinding {
    fn of(finding: &Finding) -> JsonFinding {
        JsonFinding {
            span: JsonSpan::of(&finding.span),
            rule: finding.rule.clone(),
            severity: finding.severity,
            message: finding.message.clone(),
            remediation: finding.remediation.clone(),
            resource: finding.resource.clone(),
            resource_type: finding.resource_type.clone(),
            clause: finding.clause.clone(),
            related: finding
                .related
                .iter()
                .map(|r| JsonRelated {
                    span: JsonSpan::of(&r.span),
                    message: r.message.clone(),
                })
                .collect(),
        }
    }

    /// The finding it records.
    pub fn to_finding(&self) -> Finding {
        let mut finding = Finding::new(
            self.span.to_span(),
            self.rule.clone(),
            self.severity,
            self.message.clone(),
        );
        finding.remediation = self.remediation.clone();
        finding.resource = self.resource.clone();
        finding.resource_type = self.resource_type.clone();
        finding.clause = self.clause.clone();
        finding.related = self
            .related
            .iter()
            .map(|r| Related::new(r.span.to_span(), r.message.clone()))
            .collect();
        finding
    }
}

impl JsonDiagnostic {
    /// The diagnostic.
    pub(crate) fn of(diagnostic: &Diagnostic) -> JsonDiagnostic {
        JsonDiagnostic {
            span: JsonSpan::of(&diagnostic.span),
            message: diagnostic.message.clone(),
        }
    }

    /// The diagnostic it records, at `level` (the report keeps errors and warnings apart).
    pub fn to_diagnostic(&self, level: Level) -> Diagnostic {
        Diagnostic::at(&self.span.to_span(), self.message.clone(), level)
    }
}

impl JsonSuppressed {
    fn of(suppressed: &Suppressed) -> JsonSuppressed {
        JsonSuppressed {
            finding: JsonFinding::of(&suppressed.finding),
            reason: suppressed.reason.clone(),
            suppressed_at: suppressed.suppressed_at.clone(),
        }
    }
}

pub(super) fn render(report: &Report, options: &RenderOptions) -> String {
    JsonReport::of(report, options).to_text()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        let mut span = Span::file_start("main.tf".into());
        span.start.line = 3;
        span.end.line = 4;
        span.end.column = 2;
        let mut finding = Finding::new(span.clone(), "PIN003", Severity::High, "no version");
        finding.resource = "module.vpc".into();
        finding.resource_type = "module".into();
        finding.related.push(Related::new(span.clone(), "here"));
        let mut report = Report {
            findings: vec![finding],
            ..Report::default()
        };
        report
            .diagnostics
            .push(Diagnostic::at(&span, "not followed", Level::Warning));
        report
    }

    #[test]
    fn a_report_reads_back_as_written() {
        let report = report();
        let text = report.render(super::super::ReportFormat::Json, &Default::default());
        let read = JsonReport::parse(&text).unwrap();
        assert_eq!(read.to_text(), text);
        let finding = read.findings[0].to_finding();
        assert_eq!(finding.span.start.line, 3);
        assert_eq!((finding.span.end.line, finding.span.end.column), (4, 2));
        assert_eq!(finding.severity, Severity::High);
        assert_eq!(finding.related[0].message, "here");
        assert_eq!(
            read.warnings[0].to_diagnostic(Level::Warning).message,
            "not followed"
        );
    }

    #[test]
    fn field_order_is_the_contracts() {
        let text = report().render(super::super::ReportFormat::Json, &Default::default());
        let keys: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("  \""))
            .map(|l| l.trim().split('"').nth(1).unwrap_or(""))
            .collect();
        assert_eq!(
            keys,
            ["version", "tool", "findings", "changes", "errors", "warnings", "summary"]
        );
        let finding = text.find("\"file\"").unwrap();
        let rule = text.find("\"rule\"").unwrap();
        assert!(finding < rule, "{text}");
    }

    #[test]
    fn an_unknown_severity_is_an_error_with_its_place() {
        let text = "{\"version\": 1, \"findings\": [{\"file\": \"a\", \"line\": 1, \"column\": 1,\n \"rule\": \"X\", \"severity\": \"urgent\", \"message\": \"m\"}]}";
        let e = JsonReport::parse(text).unwrap_err();
        assert_eq!(e.line(), 2, "{e}");
        assert!(e.to_string().contains("urgent"), "{e}");
    }
}
