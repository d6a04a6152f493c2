//! The common resource graph that every stet parser produces and every later stage reads.
//!
//! # Overview
//! A [`Graph`] is one document: a CloudFormation template, or a Terraform module folder read
//! together with the local modules it calls. It holds the [`SourceFile`]s read, the
//! [`Resource`]s (managed resources, data sources, module calls, variables, outputs,
//! providers) with their attributes as [`Value`] trees, the [`Edge`]s between them, and
//! module-level [`Settings`]. Every value, key and resource carries a [`Span`]: its file and
//! 1-based line:column start and end, with byte offsets. [`render_document`] turns a graph into
//! the document rules query. [`parse_json`] and [`parse_yaml`] read JSON and YAML with a span on
//! every value, for every parser. [`Limits`] bounds the work any parser may do.
//!
//! # Example
//! ```
//! use stet_graph::{LineIndex, Map, Value, ValueKind};
//! let text = "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n";
//! let index = LineIndex::new(text);
//! let span = index.span("t.yaml".into(), text, 35, 50);
//! let mut props = Map::new();
//! props.insert("Type", span.clone(), Value::string("AWS::S3::Bucket", span.clone()));
//! let value = Value::new(ValueKind::Map(props), span);
//! assert_eq!(value.get("Type").and_then(Value::as_str), Some("AWS::S3::Bucket"));
//! assert_eq!(value.span.start.line, 3);
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod address;
mod document;
mod graph;
mod json;
mod limits;
mod resolved;
mod resource;
mod span;
mod text_origin;
mod value;
mod yaml;

pub use address::{split_address, without_instance_key};
pub use document::render_document;
pub use graph::{Format, Graph, Moved, ProviderRequirement, Settings, SourceFile};
pub use json::{parse_json, parse_json_keeping_last, JsonError};
pub use limits::Limits;
pub use resolved::{Input, Origin, Resolved};
pub use resource::{Edge, EdgeKind, Resource, ResourceKind, DYNAMIC_TYPES};
pub use span::{LineIndex, Position, Span};
pub use text_origin::{TextOrigin, TextPiece};
pub use value::{
    format_float, Entry, EntryMut, Expr, Fallback, Map, Value, ValueKind, INDEXED_LEN,
};
pub use yaml::{
    parse_yaml, parse_yaml_with_tags, read_yaml, ScanError, YamlDocument, YamlError, YamlEvent,
    YamlReader, YamlTag,
};
