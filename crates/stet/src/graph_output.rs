//! The JSON that `stet graph` prints: every document with its rule document, every
//! resource with its place, and the errors and warnings.
//!
//! ```text
//! { "files":     [ { "file", "format", "document", "resolved" } ],
//!   "resources": [ { "address", "kind", "type", "document", "file", "line", "column",
//!                    "end_line", "end_column" } ],
//!   "edges":     [ { "document", "from", "to", "kind", "file", "line" } ],
//!   "errors":    [ { "file", "line", "column", "end_line", "end_column", "message" } ],
//!   "warnings":  [ ...same shape as errors... ],
//!   "summary":   { "files", "documents", "skipped_not_templates", "failed" } }
//! ```
//!
//! `document` is what rule files read (a CloudFormation template as written); `resolved`,
//! for CloudFormation, is the template as it deploys for the parameter values in effect,
//! which the built-in rules and the diff read.

use crate::diagnostic::Level;
use crate::Loaded;
use serde_json::{json, Value as Json};
use stet_graph::render_document;

/// The `stet graph --format json` output for `loaded`.
pub fn graph_json(loaded: &Loaded) -> Json {
    let files: Vec<Json> = loaded
        .graphs
        .iter()
        .map(|g| {
            let mut file = json!({
                "file": &*g.path,
                "format": g.format.as_str(),
                "document": render_document(g).to_json(),
            });
            if let (Some(resolved), Some(map)) = (&g.resolved, file.as_object_mut()) {
                map.insert("resolved".into(), resolved.document.to_json());
            }
            file
        })
        .collect();
    let resources: Vec<Json> = loaded
        .graphs
        .iter()
        .flat_map(|g| {
            g.resources.iter().map(move |r| {
                json!({
                    "address": r.address,
                    "kind": r.kind.as_str(),
                    "type": r.resource_type,
                    "document": &*g.path,
                    "file": &*r.span.file,
                    "line": r.span.start.line,
                    "column": r.span.start.column,
                    "end_line": r.span.end.line,
                    "end_column": r.span.end.column,
                })
            })
        })
        .collect();
    let edges: Vec<Json> = loaded
        .graphs
        .iter()
        .flat_map(|g| {
            g.edges.iter().map(move |e| {
                json!({
                    "document": &*g.path,
                    "from": e.from,
                    "to": e.to,
                    "kind": e.kind.as_str(),
                    "file": &*e.span.file,
                    "line": e.span.start.line,
                })
            })
        })
        .collect();
    let diagnostics = |level: Level| -> Vec<Json> {
        loaded
            .diagnostics
            .iter()
            .filter(|d| d.level == level)
            .map(|d| {
                serde_json::to_value(crate::report::JsonDiagnostic::of(d)).unwrap_or(Json::Null)
            })
            .collect()
    };
    json!({
        "files": files,
        "resources": resources,
        "edges": edges,
        "errors": diagnostics(Level::Error),
        "warnings": diagnostics(Level::Warning),
        "summary": loaded.summary,
    })
}

/// The formats of `stet graph`, named as `--format` names them (`json`).
///
/// ```
/// let format: stet::GraphFormat = "json".parse().unwrap();
/// assert_eq!(format.to_string(), "json");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GraphFormat {
    /// The JSON of [`graph_json`].
    Json,
}

impl GraphFormat {
    /// Every format, in the order `--help` lists them.
    pub const ALL: &'static [GraphFormat] = &[GraphFormat::Json];

    /// The format's name: `json`.
    pub fn as_str(self) -> &'static str {
        match self {
            GraphFormat::Json => "json",
        }
    }

    /// What the format is, in one line: what `stet graph --help` says of it.
    pub fn description(self) -> &'static str {
        match self {
            GraphFormat::Json => "The JSON described in `docs/architecture.md`",
        }
    }
}

impl std::fmt::Display for GraphFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl std::str::FromStr for GraphFormat {
    type Err = crate::UnknownFormatError;

    fn from_str(name: &str) -> Result<GraphFormat, crate::UnknownFormatError> {
        GraphFormat::ALL
            .iter()
            .copied()
            .find(|f| f.as_str() == name)
            .ok_or_else(|| crate::UnknownFormatError {
                name: name.to_string(),
                known: "json",
            })
    }
}

/// What `stet graph` prints for `loaded`: [`graph_json`], pretty-printed, ending in a newline.
///
/// ```
/// let loaded = stet::load_text("main.tf", "resource \"aws_s3_bucket\" \"b\" {}\n", &Default::default());
/// let text = stet::render_graph(&loaded, stet::GraphFormat::Json);
/// assert!(text.starts_with("{\n  \"files\": ["));
/// assert!(text.contains("\"address\": \"aws_s3_bucket.b\""));
/// ```
pub fn render_graph(loaded: &Loaded, format: GraphFormat) -> String {
    match format {
        GraphFormat::Json => {
            serde_json::to_string_pretty(&graph_json(loaded)).unwrap_or_default() + "\n"
        }
    }
}
