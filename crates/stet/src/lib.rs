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
//! # Example
//! ```
//! let dir = std::env::temp_dir().join(format!("stet-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! std::fs::write(dir.join("main.tf"), "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\n").unwrap();
//! let loaded = stet::load(&[dir.clone()], &stet::LoadOptions::default());
//! let bucket = loaded.graphs[0].resource("aws_s3_bucket.logs").unwrap();
//! assert_eq!(bucket.span.start.line, 1);
//! assert!(!loaded.has_errors());
//! std::fs::remove_dir_all(dir).unwrap();
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
pub use graph_output::graph_json;
pub use load::{inputs_root, load, repository_root, LoadOptions, LoadSummary, Loaded};
pub use report::{RenderOptions, Report, ReportFormat, RuleInfo, Suppressed, REPOSITORY};
#[cfg(feature = "git")]
pub use run::check_revisions;
pub use run::{check_paths, read_baseline, report_diff, BaselineError, RunOptions};
pub use stet_diff::{Action, AttributeChange, Change, KnowledgeBase, Replacement, Scope, Tally};
pub use stet_graph::{
    render_document, Format, Graph, Limits, Resource, ResourceKind, Span, Value, ValueKind,
};
pub use stet_rules::{run_tests, RuleMeta, RuleSet, Severity, Status, TestReport};
pub use suppress::{apply_suppressions, today, Suppression, NO_REASON_RULE};
