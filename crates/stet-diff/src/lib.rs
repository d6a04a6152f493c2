//! stet-diff: what a change to Infrastructure-as-Code does to each resource — create,
//! delete, update in place, replace or move — and, for each changed attribute, whether it
//! forces a replacement and why.
//!
//! # Overview
//! - [`diff_graphs`] compares two versions of a document (a CloudFormation template, a
//!   Terraform module) from source alone, with no cloud credentials and no `terraform plan`.
//! - [`KnowledgeBase`] holds which attributes force a replacement: generated from the
//!   Terraform AWS provider source and CloudFormation's resource schemas, plus a
//!   hand-written overlay, every fact with its source (this crate's `replacement/` folder).
//! - [`read_plan`] and [`read_change_set`] read the two ground truths — `terraform show
//!   -json` and `describe-change-set` output — into the same [`Change`]s.
//! - [`merge_changes`] joins the changes of several documents, reporting a resource block
//!   reached through several module calls once per distinct change.
//!
//! # Example
//! ```
//! use stet_diff::{diff_graphs, Action, KnowledgeBase, Replacement};
//! use stet_graph::{Format, Graph, Resource, ResourceKind, Span, Value, Map};
//!
//! fn bucket(name: &str) -> Graph {
//!     let span = Span::file_start("template.yaml".into());
//!     let mut properties = Map::new();
//!     properties.insert("BucketName", span.clone(), Value::string(name, span.clone()));
//!     let mut graph = Graph::new("template.yaml".into(), Format::CloudFormationYaml);
//!     graph.resources.push(Resource {
//!         address: "Logs".into(), base_address: "Logs".into(), kind: ResourceKind::Managed,
//!         resource_type: "AWS::S3::Bucket".into(), name: "Logs".into(), module: String::new(),
//!         attributes: Value::new(stet_graph::ValueKind::Map(properties), span.clone()),
//!         meta: Map::new(), span,
//!     });
//!     graph
//! }
//! let kb = KnowledgeBase::embedded().unwrap();
//! let changes = diff_graphs(Some(&bucket("logs-a")), Some(&bucket("logs-b")), kb);
//! assert_eq!(changes[0].action, Action::Replace);
//! assert_eq!(changes[0].replacement, Replacement::Always);
//! assert!(changes[0].attributes[0].reason.starts_with("createOnlyProperties of AWS::S3::Bucket"));
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod change;
mod changeset;
mod cloudformation;
mod compare;
mod document;
mod error;
mod graph_diff;
mod knowledge;
mod merge;
mod plan;
mod terraform;

pub use change::{
    Action, AttributeChange, Change, CustomName, ParseActionError, Replacement, Scope, Tally,
};
pub use changeset::read_change_set;
pub use compare::{
    differences, display_path, equivalent, key_path, normalized_source, star_path, Difference,
    Path, Segment,
};
pub use document::changes_section;
pub use error::ReadError;
pub use graph_diff::diff_graphs;
pub use knowledge::{Fact, Family, KnowledgeBase, KnowledgeError, Subject};
pub use merge::merge_changes;
pub use plan::{read_plan, KNOWN_AFTER_APPLY, SENSITIVE};
