//! The stet rule language: CloudFormation Guard (2.x/3.x) rules, parsed and evaluated over
//! stet's rule documents as cfn-guard 3.2.1 parses and evaluates them.
//!
//! # Overview
//! [`RuleSet::parse`] reads a rule file (errors carry the rule file:line:column and render
//! with a caret, see [`Error::render`]); [`RuleSet::evaluate`] runs every named rule over one
//! document — a CloudFormation template, or a Terraform module rendered by
//! `stet_graph::render_document` — and returns each rule's [`Status`] with the [`Failure`]s
//! that decided it. A rule file may open with a `# stet:` metadata header ([`RuleMeta`]).
//! [`run_tests`] runs rule tests in cfn-guard's test-file format.
//!
//! # Example
//! ```
//! use stet_rules::{RuleSet, Status};
//! let rules = RuleSet::parse("s3.guard", r#"
//! let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]
//! rule versioning when %buckets !empty {
//!     %buckets.Properties.VersioningConfiguration.Status == 'Enabled'
//!         << versioning must be on >>
//! }"#).unwrap();
//! let template = stet_rules::parse_data("t.yaml".into(),
//!     "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {}\n")
//!     .unwrap().unwrap();
//! let result = rules.evaluate(&template).unwrap();
//! assert_eq!(result[0].status, Status::Fail);
//! assert_eq!(result[0].failures[0].message.as_deref(), Some("versioning must be on"));
//! assert_eq!(result[0].failures[0].at.as_ref().unwrap().start.line, 4);
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod ast;
mod case;
mod data;
mod error;
mod eval;
mod functions;
mod fxhash;
mod literal;
mod meta;
mod parse;
mod snapshot;
mod testing;
mod value;

pub use ast::RuleFile;
pub use data::{parse_data, parse_data_stream, parse_test_yaml, DataError, DataFile};
pub use error::Error;
pub use meta::{ParseSeverityError, RuleMeta, Severity};
pub use snapshot::SnapshotError;
pub use testing::{run_test_file, run_tests, Mismatch, TestReport};

use stet_graph::{Span, Value};

/// A rule's outcome on one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Every clause that applied held.
    Pass,
    /// A clause did not hold.
    Fail,
    /// The rule did not apply (its `when` guard failed, or it selected nothing).
    Skip,
}

impl Status {
    /// `PASS`, `FAIL` or `SKIP`, as cfn-guard writes them.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Skip => "SKIP",
        }
    }
}

/// A clause that failed: where it is written, the value it failed on, and why.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Failure {
    /// The rule it belongs to.
    pub rule: String,
    /// The clause in the rule file.
    pub clause: Span,
    /// The document value that failed, when there is one (a missing key has the value where
    /// the query stopped; a clause decided with no value, such as a filter that selected
    /// nothing, has the value the clause was evaluated on).
    pub at: Option<Span>,
    /// The value the clause was evaluated on (the resource a block iterates), when it has a
    /// place in the document: where to attribute a failing value that came from elsewhere
    /// (a Terraform variable's default).
    pub within: Option<Span>,
    /// The places of the values the blocks around the clause were evaluated on, innermost
    /// first (`within`, then the block around it, through the blocks that called a
    /// parameterized rule): where to look for the resource when `within` itself came from
    /// elsewhere (an image read from a Terraform local inside a container definition).
    pub enclosing: Vec<Span>,
    /// The identity of the failing value in the evaluated document (its address,
    /// `std::ptr::from_ref(value) as usize`), when it is one of the document's values: it tells
    /// apart values that share a span, such as one block in every instance of a module.
    pub value: Option<usize>,
    /// Where the failing value was written when it was read through a variable (a Terraform
    /// variable's default, a `.tfvars` entry, the argument a module's caller passes):
    /// [`stet_graph::Value::defined_at`], kept also for a value that is not one of the
    /// document's own (a part of a string `json_parse` read).
    pub defined_at: Option<Span>,
    /// What was compared and how it failed.
    pub explanation: String,
    /// The clause's `<< message >>`.
    pub message: Option<String>,
}

/// One rule's result on a document.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RuleResult {
    /// The rule's name.
    pub name: String,
    /// Where the rule is written.
    pub span: Span,
    /// Its status.
    pub status: Status,
    /// The failures that made it FAIL (empty otherwise).
    pub failures: Vec<Failure>,
}

/// Evaluation of a rule file over a document stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// The rules spent more than their step budget on one document.
    #[error("{file}: rule evaluation stopped after {steps} steps on one document")]
    Budget {
        /// The rule file.
        file: String,
        /// The budget.
        steps: u64,
    },
    /// A rule could not be evaluated on the document, and cfn-guard stops there too: a
    /// variable or rule that is not defined, a parameterized rule called with the wrong
    /// number of arguments, a function given what it cannot take.
    #[error("{}: {message}", span.as_ref().map_or_else(|| file.clone(), Span::to_string))]
    Evaluation {
        /// The rule file.
        file: String,
        /// The clause being evaluated, when known.
        span: Option<Span>,
        /// What went wrong.
        message: String,
    },
}

impl EvalError {
    /// Where evaluation stopped, when known.
    pub fn span(&self) -> Option<&Span> {
        match self {
            EvalError::Evaluation { span, .. } => span.as_ref(),
            EvalError::Budget { .. } => None,
        }
    }

    /// What went wrong, without the location.
    pub fn message(&self) -> String {
        match self {
            EvalError::Budget { steps, .. } => {
                format!("rule evaluation stopped after {steps} steps on one document")
            }
            EvalError::Evaluation { message, .. } => message.clone(),
        }
    }
}

/// A parsed rule file, ready to evaluate.
#[derive(Debug, Clone)]
pub struct RuleSet {
    path: String,
    file: RuleFile,
    meta: RuleMeta,
    max_steps: u64,
}

impl RuleSet {
    /// Parses the rule file `text`, named `path` in errors. It accepts exactly what cfn-guard
    /// 3.2.1 accepts: function names and argument counts, regexes and ranges are checked here;
    /// variables and rules are resolved when evaluated, as cfn-guard resolves them.
    pub fn parse(path: &str, text: &str) -> Result<RuleSet, Error> {
        Ok(RuleSet {
            path: path.to_string(),
            file: parse::parse_rule_file(path, text)?,
            meta: meta::read_meta(path, text)?,
            max_steps: eval::MAX_STEPS,
        })
    }

    /// Sets how many clause and query steps one document may cost (default 50,000,000);
    /// beyond it [`RuleSet::evaluate`] returns [`EvalError::Budget`].
    ///
    /// ```
    /// let rules = stet_rules::RuleSet::parse("r.guard", "Resources exists")
    ///     .unwrap()
    ///     .with_max_steps(1_000);
    /// assert_eq!(rules.max_steps(), 1_000);
    /// ```
    pub fn with_max_steps(mut self, steps: u64) -> RuleSet {
        self.max_steps = steps;
        self
    }

    /// The step budget per document.
    pub fn max_steps(&self) -> u64 {
        self.max_steps
    }

    /// The file's metadata header (empty for files without one).
    pub fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    /// The rule file's path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The named rules, in file order (`default` for clauses outside any rule).
    pub fn rule_names(&self) -> Vec<&str> {
        self.file.rules.iter().map(|r| r.name.as_str()).collect()
    }

    /// Evaluates every named rule over `document`.
    pub fn evaluate(&self, document: &Value) -> Result<Vec<RuleResult>, EvalError> {
        let evaluator = eval::Evaluator::new(&self.file, document, self.max_steps);
        let statuses = evaluator.evaluate_all().map_err(|fault| match fault {
            eval::Fault::Budget => EvalError::Budget {
                file: self.path.clone(),
                steps: self.max_steps,
            },
            eval::Fault::Error(message, span) | eval::Fault::Unevaluatable(message, span) => {
                EvalError::Evaluation {
                    file: self.path.clone(),
                    span,
                    message,
                }
            }
        })?;
        let failures = evaluator.failures.into_inner();
        Ok(statuses
            .into_iter()
            .map(|(rule, status)| RuleResult {
                name: rule.name.clone(),
                span: rule.span.clone(),
                status,
                failures: failures
                    .iter()
                    .filter(|f| f.rule == rule.name)
                    .cloned()
                    .collect(),
            })
            .collect())
    }
}
