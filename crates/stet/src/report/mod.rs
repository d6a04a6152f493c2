//! The report: everything a run found — findings (and the suppressed ones), changes,
//! problems with the inputs, the rules that ran — in one model, rendered in seven formats
//! (`text`, `json`, `sarif`, `junit`, `markdown`, `github`, `dot`), each by its own module
//! (all but `text` and `json` with the `reports` feature, on by default).
//! Every format names files as the report does — relative to the repository root, named
//! once when the run loaded them ([`crate::DisplayPaths`]) — so that annotations and
//! code-scanning results attach whatever folder stet ran in; no renderer does path work.

mod cascade;
#[cfg(feature = "reports")]
mod dot;
mod empty;
#[cfg(feature = "reports")]
mod github;
mod json;
#[cfg(feature = "reports")]
mod junit;
#[cfg(feature = "reports")]
mod markdown;
mod rules;
#[cfg(feature = "reports")]
mod sarif;
mod text;

pub use empty::EmptyScan;
pub use json::{
    JsonActions, JsonDiagnostic, JsonFinding, JsonRelated, JsonReport, JsonSpan, JsonSummary,
    JsonSuppressed, JsonTool,
};

pub use rules::{
    render_rule_tests, render_rules, rule_page, PackError, RulesFormat, UnknownFormatError,
    UnknownRuleError,
};

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
#[non_exhaustive]
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
    /// A rule `id` of `severity`, its title and description the ID until set.
    pub fn new(id: impl Into<String>, severity: Severity) -> RuleInfo {
        let id = id.into();
        RuleInfo {
            title: id.clone(),
            description: id.clone(),
            id,
            severity,
            remediation: None,
            help_uri: None,
        }
    }

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
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Suppressed {
    /// The finding.
    pub finding: Finding,
    /// The reason the suppression gives.
    pub reason: String,
    /// Where the suppression is written (`file:line`).
    pub suppressed_at: String,
}

/// Everything one run of stet found.
///
/// Made by a run ([`crate::check_paths`], …); more fields may be added, so a program that
/// builds one starts from `Report::default()` and sets fields.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Report {
    /// Findings that count, sorted by file and position. Files, here and in every field, are
    /// named relative to [`Report::root`] ([`crate::DisplayPaths`]).
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
    /// The repository root (absolute) that the report's file names are relative to, SARIF's
    /// `%SRCROOT%` (set by every run; `None` in a report built by hand, whose names are
    /// printed as they are).
    pub root: Option<PathBuf>,
}

/// The report formats, named as `--format` names them (`text`, `json`, `sarif`, `junit`,
/// `markdown`, `github`, `dot`); more may be added.
///
/// ```
/// use stet::ReportFormat;
/// let format: ReportFormat = "sarif".parse().unwrap();
/// assert_eq!(format, ReportFormat::Sarif);
/// assert_eq!(format.to_string(), "sarif");
/// assert_eq!("xml".parse::<ReportFormat>().unwrap_err().to_string(),
///     "unknown report format `xml` (known: text, json, sarif, junit, markdown, github, dot)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
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
    /// Every format this build renders, in the order `--help` lists them (all seven with the
    /// `reports` feature, text and JSON without it).
    #[cfg(feature = "reports")]
    pub const ALL: &'static [ReportFormat] = &[
        ReportFormat::Text,
        ReportFormat::Json,
        ReportFormat::Sarif,
        ReportFormat::Junit,
        ReportFormat::Markdown,
        ReportFormat::Github,
        ReportFormat::Dot,
    ];
    /// Every format this build renders, in the order `--help` lists them (all seven with the
    /// `reports` feature, text and JSON without it).
    #[cfg(not(feature = "reports"))]
    pub const ALL: &'static [ReportFormat] = &[ReportFormat::Text, ReportFormat::Json];

    /// The format's name: `text`, `json`, `sarif`, `junit`, `markdown`, `github`, `dot`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportFormat::Text => "text",
            ReportFormat::Json => "json",
            #[cfg(feature = "reports")]
            ReportFormat::Sarif => "sarif",
            #[cfg(feature = "reports")]
            ReportFormat::Junit => "junit",
            #[cfg(feature = "reports")]
            ReportFormat::Markdown => "markdown",
            #[cfg(feature = "reports")]
            ReportFormat::Github => "github",
            #[cfg(feature = "reports")]
            ReportFormat::Dot => "dot",
        }
    }

    /// What the format is for, in one line: what `stet --help` says of it.
    ///
    /// ```
    /// assert_eq!(stet::ReportFormat::Json.description(), "The JSON report (versioned)");
    /// ```
    pub fn description(self) -> &'static str {
        match self {
            ReportFormat::Text => {
                "For a terminal: each finding with its source line (coloured as --color says)"
            }
            ReportFormat::Json => "The JSON report (versioned)",
            #[cfg(feature = "reports")]
            ReportFormat::Sarif => "SARIF 2.1.0 for GitHub code scanning",
            #[cfg(feature = "reports")]
            ReportFormat::Junit => "JUnit XML for GitLab, Jenkins, Azure DevOps",
            #[cfg(feature = "reports")]
            ReportFormat::Markdown => "A pull-request comment",
            #[cfg(feature = "reports")]
            ReportFormat::Github => "GitHub Actions workflow commands (inline annotations)",
            #[cfg(feature = "reports")]
            ReportFormat::Dot => {
                "Graphviz DOT: the replaced resources, what forced each, and what their \
                 replacement updates or replaces in turn"
            }
        }
    }

    /// Reads a format name (see [`ReportFormat::as_str`]): `text`, `json`, and with the
    /// `reports` feature `sarif`, `junit`, `markdown`, `github`, `dot`. See also its `FromStr`.
    pub fn parse(name: &str) -> Option<ReportFormat> {
        ReportFormat::ALL
            .iter()
            .copied()
            .find(|f| f.as_str() == name)
    }
}

impl std::fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl std::str::FromStr for ReportFormat {
    type Err = ParseFormatError;

    fn from_str(name: &str) -> Result<ReportFormat, ParseFormatError> {
        ReportFormat::parse(name).ok_or_else(|| ParseFormatError(name.to_string()))
    }
}

/// A report format name stet does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown report format `{0}` (known: {known})", known = known_formats())]
pub struct ParseFormatError(pub String);

/// The names [`ReportFormat::ALL`] holds, comma-separated.
fn known_formats() -> String {
    let names: Vec<&str> = ReportFormat::ALL.iter().map(|f| f.as_str()).collect();
    names.join(", ")
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

    /// Whether an input could not be read or parsed (stet then exits with status 2).
    ///
    /// ```
    /// assert!(!stet::Report::default().has_errors());
    /// ```
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
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
        if self.has_errors() {
            2
        } else if fail_on.is_some_and(|t| self.findings.iter().any(|f| f.severity >= t)) {
            1
        } else {
            0
        }
    }

    /// The rule with this ID, if it ran.
    pub fn rule(&self, id: &str) -> Option<&RuleInfo> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Findings counted by severity, highest first, severities without findings left out:
    /// `[(Severity::High, 2), (Severity::Medium, 1)]`.
    pub fn severity_counts(&self) -> Vec<(Severity, usize)> {
        Severity::ALL
            .into_iter()
            .rev()
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
