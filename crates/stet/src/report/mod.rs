//! The report: everything a run found — findings (and the suppressed ones), changes,
//! problems with the inputs, the rules that ran — in one model, rendered in seven formats
//! (`text`, `json`, `sarif`, `junit`, `markdown`, `github`, `dot`), each by its own module
//! (all but `text` and `json` with the `reports` feature, on by default).
//! Every format names files relative to the repository root ([`Report::path`]), so that
//! annotations and code-scanning results attach whatever folder stet ran in.

mod cascade;
#[cfg(feature = "reports")]
mod dot;
#[cfg(feature = "reports")]
mod github;
mod json;
#[cfg(feature = "reports")]
mod junit;
#[cfg(feature = "reports")]
mod markdown;
#[cfg(feature = "reports")]
mod sarif;
mod text;

use crate::check::Finding;
use crate::diagnostic::{Diagnostic, Level};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use stet_diff::Change;
use stet_rules::{RuleSet, Severity};

/// The repository that rule pages link to.
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// What a report knows of a rule that ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    /// The ID findings carry (`PIN003`, or a rule's name when its file has no header).
    pub id: String,
    /// A one-line title.
    pub title: String,
    /// The severity of its findings.
    pub severity: Severity,
    /// What it flags, in prose.
    pub description: String,
    /// How to fix a finding.
    pub remediation: Option<String>,
    /// A web page about the rule.
    pub help_uri: Option<String>,
}

impl RuleInfo {
    /// The rules of one rule file: one entry for a file with an `id`, else one per rule.
    pub fn of(ruleset: &RuleSet) -> Vec<RuleInfo> {
        let meta = ruleset.meta();
        let severity = meta.severity.unwrap_or(Severity::Medium);
        let help_uri = meta.docs.as_ref().map(|d| {
            if d.starts_with("http://") || d.starts_with("https://") {
                d.clone()
            } else {
                format!("{REPOSITORY}/blob/main/{}", d.trim_start_matches("./"))
            }
        });
        let info = |id: String| RuleInfo {
            title: meta.title.clone().unwrap_or_else(|| id.clone()),
            description: meta
                .description
                .clone()
                .or_else(|| meta.title.clone())
                .unwrap_or_else(|| format!("rule `{id}` of {}", ruleset.path())),
            id,
            severity,
            remediation: meta.remediation.clone(),
            help_uri: help_uri.clone(),
        };
        match &meta.id {
            Some(id) => vec![info(id.clone())],
            None => ruleset
                .rule_names()
                .into_iter()
                .map(|n| info(n.to_string()))
                .collect(),
        }
    }
}

/// A finding an inline or metadata suppression silenced.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Suppressed {
    /// The finding.
    #[serde(flatten)]
    pub finding: Finding,
    /// The reason the suppression gives.
    pub reason: String,
    /// Where the suppression is written (`file:line`).
    pub suppressed_at: String,
}

/// Everything one run of stet found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Findings that count, sorted by file and position.
    pub findings: Vec<Finding>,
    /// Findings silenced by a suppression.
    pub suppressed: Vec<Suppressed>,
    /// Changes, in diff mode.
    pub changes: Vec<Change>,
    /// Problems with the inputs and the rules.
    pub diagnostics: Vec<Diagnostic>,
    /// The rules that ran.
    pub rules: Vec<RuleInfo>,
    /// Files read (after the change, in diff mode: the files of the head).
    pub files: usize,
    /// Files read, skipped (and why) and failed (after the change, in diff mode).
    pub inputs: crate::LoadSummary,
    /// In diff mode, the same counts for the version before the change.
    pub base_inputs: Option<crate::LoadSummary>,
    /// Resources in the documents read (after the change, in diff mode).
    pub resources: usize,
    /// The text of the files read, for snippets.
    pub sources: BTreeMap<String, Arc<str>>,
    /// The repository root, to which SARIF locations are relative (default: the current
    /// folder).
    pub root: Option<PathBuf>,
}

/// The report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportFormat {
    /// For a terminal: each finding with its source line and a caret under the value.
    Text,
    /// The JSON of the design contract.
    Json,
    /// SARIF 2.1.0, as GitHub code scanning reads it.
    #[cfg(feature = "reports")]
    Sarif,
    /// JUnit XML: one test suite per file, one failing test case per finding.
    #[cfg(feature = "reports")]
    Junit,
    /// A pull-request comment.
    #[cfg(feature = "reports")]
    Markdown,
    /// GitHub Actions workflow commands (inline annotations).
    #[cfg(feature = "reports")]
    Github,
    /// Graphviz DOT of the changes: replaced resources, what forced each, and what their
    /// replacement updates or replaces in turn.
    #[cfg(feature = "reports")]
    Dot,
}

impl ReportFormat {
    /// Reads a format name: `text`, `json`, and with the `reports` feature `sarif`, `junit`,
    /// `markdown`, `github`, `dot`.
    pub fn parse(name: &str) -> Option<ReportFormat> {
        Some(match name {
            "text" => ReportFormat::Text,
            "json" => ReportFormat::Json,
            #[cfg(feature = "reports")]
            "sarif" => ReportFormat::Sarif,
            #[cfg(feature = "reports")]
            "junit" => ReportFormat::Junit,
            #[cfg(feature = "reports")]
            "markdown" => ReportFormat::Markdown,
            #[cfg(feature = "reports")]
            "github" => ReportFormat::Github,
            #[cfg(feature = "reports")]
            "dot" => ReportFormat::Dot,
            _ => return None,
        })
    }
}

/// How to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI colours in the text format.
    pub color: bool,
    /// List suppressed findings too (text, json, markdown; SARIF always carries them, marked
    /// suppressed).
    pub show_suppressed: bool,
    /// The `--fail-on` threshold (`None`: never fail), so that a verdict says what the exit
    /// status will (default: `low`, as the CLI's).
    pub fail_on: Option<Severity>,
}

impl Default for RenderOptions {
    fn default() -> RenderOptions {
        RenderOptions {
            color: false,
            show_suppressed: false,
            fail_on: Some(Severity::Low),
        }
    }
}

impl Report {
    /// The report in `format`.
    ///
    /// ```
    /// let report = stet::Report::default();
    /// let json = report.render(stet::ReportFormat::Json, &Default::default());
    /// assert!(json.contains("\"version\": 1"));
    /// ```
    pub fn render(&self, format: ReportFormat, options: &RenderOptions) -> String {
        match format {
            ReportFormat::Text => text::render(self, options),
            ReportFormat::Json => json::render(self, options),
            #[cfg(feature = "reports")]
            ReportFormat::Sarif => sarif::render(self),
            #[cfg(feature = "reports")]
            ReportFormat::Junit => junit::render(self),
            #[cfg(feature = "reports")]
            ReportFormat::Markdown => markdown::render(self, options),
            #[cfg(feature = "reports")]
            ReportFormat::Github => github::render(self),
            #[cfg(feature = "reports")]
            ReportFormat::Dot => dot::render(self),
        }
    }

    /// `file` (as stet names it: relative to the current folder, or absolute) relative to
    /// the repository root, `/`-separated — the one form every format uses. Files outside
    /// the root keep their name.
    ///
    /// ```
    /// let report = stet::Report { root: std::env::current_dir().ok(), ..Default::default() };
    /// assert_eq!(report.path("./infra/main.tf"), "infra/main.tf");
    /// ```
    pub fn path(&self, file: &str) -> String {
        let cwd = std::env::current_dir().unwrap_or_default();
        let absolute = stet_terraform::normalize(&cwd.join(file));
        let root = self
            .root
            .as_deref()
            .map(stet_terraform::normalize)
            .unwrap_or_else(|| stet_terraform::normalize(&cwd));
        let text = match absolute.strip_prefix(&root) {
            Ok(relative) if !relative.as_os_str().is_empty() => {
                relative.to_string_lossy().into_owned()
            }
            _ => file.to_string(),
        };
        let text = text.replace('\\', "/");
        text.strip_prefix("./").map(str::to_string).unwrap_or(text)
    }

    /// Files read on either side (in diff mode, before and after): 0 means nothing was
    /// scanned.
    pub fn files_read(&self) -> usize {
        self.inputs.files + self.base_inputs.as_ref().map_or(0, |b| b.files)
    }

    /// Whether the run fails at `fail_on`: the exit status is not 0.
    pub fn fails(&self, fail_on: Option<Severity>) -> bool {
        self.exit_status(fail_on) != 0
    }

    /// The errors among the diagnostics (an input that could not be read or parsed).
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.level == Level::Error)
    }

    /// The warnings among the diagnostics.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.level == Level::Warning)
    }

    /// The exit status of DESIGN.md: 2 when an input could not be read or parsed (even with
    /// findings), else 1 when a finding is at or above `fail_on` (`None`: never), else 0.
    pub fn exit_status(&self, fail_on: Option<Severity>) -> u8 {
        if self.errors().next().is_some() {
            2
        } else if fail_on.is_some_and(|t| {
            self.findings
                .iter()
                .any(|f| Severity::parse(&f.severity).is_some_and(|s| s >= t))
        }) {
            1
        } else {
            0
        }
    }

    /// The rule with this ID, if it ran.
    pub fn rule(&self, id: &str) -> Option<&RuleInfo> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Findings counted by severity, highest first: `[("high", 2), ("medium", 1)]`.
    pub fn severity_counts(&self) -> Vec<(&'static str, usize)> {
        ["high", "medium", "low", "info"]
            .into_iter()
            .map(|s| (s, self.findings.iter().filter(|f| f.severity == s).count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }
}

/// `n thing` or `n things`.
pub(crate) fn plural(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("{n} {thing}")
    } else {
        format!("{n} {thing}s")
    }
}
