//! stet: audit Infrastructure-as-Code for immutable infrastructure — the library behind the
//! `stet` command.
//!
//! # Overview
//! [`check_paths`], [`check_revisions`] and [`report_diff`] make whole runs — the built-in
//! rule pack (or your rules), `stet.toml` ([`Config`]), suppressions, a baseline — and return
//! a [`Report`] that renders as text, JSON, SARIF, JUnit, Markdown or GitHub annotations
//! ([`ReportFormat`]). The pieces they are made of are public too:
//! [`load`] walks files and folders (respecting `.gitignore`) and reads every Terraform
//! module and CloudFormation/SAM template into a [`Graph`] of the common resource model,
//! collecting [`Diagnostic`]s for what could not be read. [`graph_json`] renders what was
//! loaded as the JSON `stet graph` prints. [`load_rules`] reads rule files and [`check`] runs
//! them over every document, giving located [`Finding`]s. The parsers live in `stet-terraform` and
//! `stet-cloudformation`; the model in `stet-graph`, re-exported here.
//!
//! [`RunOptions::from_config`] makes a run's options from `stet.toml` and the command's flags
//! ([`Overrides`]) as the `stet` command does. Reports name files relative to the repository
//! root, each named once when the run loads it ([`DisplayPaths`]). Everything else the command
//! prints is rendered here too: [`render_rules`], [`rule_page`], [`render_rule_tests`],
//! [`render_graph`].
//!
//! Text held in memory loads without files: [`load_text`] and [`load_texts`] read a
//! template or Terraform files given as strings, [`RuleSet::parse`] a rule file given as a
//! string, and [`check_loaded`] checks what was loaded as [`check_paths`] checks paths.
//! Everything a program names is re-exported here: the model ([`Value`], [`ValueKind`],
//! [`Map`], [`Span`], [`Position`]), rules and their results ([`RuleSet`], [`RuleResult`],
//! [`Failure`], [`Status`], [`RuleError`], [`EvalError`]), findings and changes ([`Finding`],
//! [`Severity`], [`Change`], [`Action`]). `docs/library.md` says what is stable.
//!
//! # Example
//! ```
//! let template = "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n";
//! let loaded = stet::load_text("template.yaml", template, &stet::LoadOptions::default());
//! let report = stet::check_loaded(&loaded, &stet::RunOptions::default());
//! let finding = &report.findings[0];
//! assert_eq!(finding.rule, "PIN005");
//! assert_eq!(finding.severity, stet::Severity::Medium);
//! assert_eq!((finding.span.start.line, finding.span.start.column), (2, 3)); // `Repo:`, the resource that lacks the setting
//! assert_eq!(report.exit_status(Some(stet::Severity::High)), 0);
//! ```
//!
//! # A whole program
//! `examples/in_memory.rs`: a Terraform file, a template and a rule of one's own, all
//! strings, checked with the built-in rules and that rule; each finding printed with its
//! place, the report rendered as SARIF.
//! ```
#![doc = include_str!("../examples/in_memory.rs")]
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod builtin;
mod changes_text;
mod check;
mod cloudformation;
mod config;
mod data;
mod diagnostic;
mod diff;
mod discover;
#[cfg(feature = "git")]
mod git;
mod graph_output;
mod load;
mod memory;
mod options;
mod paths;
mod plan_source;
mod report;
mod run;
mod suppress;

pub use builtin::{builtin_rule, builtin_rules, BuiltinRule, Pack, BUILTIN};
pub use changes_text::changes_text;
pub use check::{check, check_changes, load_rules, new_findings, Finding, Related};
pub use cloudformation::{GivenValue, ParameterSources};
pub use config::{Config, ConfigError, CONFIG_FILE};
pub use data::{DataDocument, DataFiles};
pub use diagnostic::{Diagnostic, Level};
pub use diff::{diff_paths, read_change_set_files, read_plan_file, DiffError, Diffed};
#[cfg(feature = "git")]
pub use diff::{diff_revisions, diff_staged};
pub use discover::SKIPPED_FOLDERS;
#[cfg(feature = "git")]
pub use git::{GitError, Repository};
pub use graph_output::{graph_json, render_graph, GraphFormat};
pub use load::{load, LoadOptions, LoadSummary, Loaded};
pub use memory::{load_text, load_texts};
pub use options::{OptionsError, Overrides};
pub use paths::{inputs_root, repository_root, DisplayPaths};
pub use report::{
    render_rule_tests, render_rules, rule_page, EmptyScan, JsonActions, JsonDiagnostic,
    JsonFinding, JsonRelated, JsonReport, JsonSpan, JsonSummary, JsonSuppressed, JsonTool,
    PackError, ParseFormatError, RenderOptions, Report, ReportFormat, RuleInfo, RulesFormat,
    Suppressed, UnknownFormatError, UnknownRuleError, REPOSITORY,
};
#[cfg(feature = "git")]
pub use run::check_revisions;
pub use run::{check_loaded, check_paths, read_baseline, report_diff, BaselineError, RunOptions};
pub use stet_diff::{
    Action, AttributeChange, Change, KnowledgeBase, ParseActionError, Replacement, Scope, Tally,
};
pub use stet_graph::{
    render_document, Edge, EdgeKind, Entry, Expr, Format, Graph, Limits, Map, Position, Resource,
    ResourceKind, SourceFile, Span, Value, ValueKind,
};
pub use stet_rules::{
    run_test_file, run_tests, Error as RuleError, EvalError, Failure, Mismatch, ParseSeverityError,
    RuleMeta, RuleResult, RuleSet, Severity, Status, TestReport,
};
pub use suppress::{apply_suppressions, today, Suppression, NO_REASON_RULE};
