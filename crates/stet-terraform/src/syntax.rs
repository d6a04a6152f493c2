//! One view over both Terraform syntaxes: native HCL (parsed by hcl-edit) and JSON
//! (`.tf.json`). A [`ParsedFile`] holds one file's syntax tree; [`BodyRef`], [`BlockRef`],
//! [`AttrRef`] and [`ExprRef`] borrow from it so the module loader and the evaluator read both
//! syntaxes the same way. What the blocks mean is left to `module`.

use crate::source::FileText;
use crate::Error;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{BlockLabel, Body};
use hcl_edit::Span as _;
use stet_graph::{Limits, Map, Span, Value, ValueKind};

/// A parsed file.
pub(crate) struct ParsedFile {
    pub file: FileText,
    pub syntax: Syntax,
}

pub(crate) enum Syntax {
    Hcl(Body),
    /// The JSON root, `None` for an empty file.
    Json(Option<Value>),
}

impl ParsedFile {
    /// Parses `file` as HCL, or as JSON when its name ends in `.json`.
    pub fn parse(file: FileText, limits: &Limits) -> Result<ParsedFile, Error> {
        let syntax = if file.path.ends_with(".json") {
            let value =
                stet_graph::parse_json(file.path.clone(), &file.text, limits).map_err(|e| {
                    Error::Syntax {
                        span: e.span().clone(),
                        message: json_message(&e),
                    }
                })?;
            if let Some(v) = &value {
                if v.as_map().is_none() {
                    return Err(Error::Structure {
                        span: v.span.clone(),
                        message: "a Terraform JSON file must hold one object".into(),
                    });
                }
            }
            Syntax::Json(value)
        } else {
            let body =
                hcl_edit::parser::parse_body(&file.text).map_err(|e| hcl_error(&file, &e))?;
            Syntax::Hcl(body)
        };
        Ok(ParsedFile { file, syntax })
    }

    /// The file's top-level body.
    pub fn body(&self) -> BodyRef<'_> {
        match &self.syntax {
            Syntax::Hcl(body) => BodyRef::Hcl(&self.file, body),
            Syntax::Json(Some(Value {
                kind: ValueKind::Map(map),
                ..
            })) => BodyRef::Json(&self.file, map),
            Syntax::Json(_) => BodyRef::Empty,
        }
    }
}

fn json_message(e: &stet_graph::JsonError) -> String {
    let full = e.to_string();
    let prefix = format!("{}: ", e.span());
    full.strip_prefix(&prefix)
        .map(str::to_string)
        .unwrap_or(full)
}

/// hcl-edit's error, as a span and a message a person reads.
fn hcl_error(file: &FileText, e: &hcl_edit::parser::Error) -> Error {
    let location = e.location();
    let offset = location.offset().min(file.text.len());
    let mut message = e.message().to_string();
    // hcl-edit's own wording, e.g. "invalid nesting depth; expected at most 64 nested levels".
    if message.is_empty() {
        message = "invalid HCL".into();
    }
    Error::Syntax {
        span: file.span(offset, offset),
        message,
    }
}

/// A body: the top of a file, or a block's contents.
#[derive(Clone, Copy)]
pub(crate) enum BodyRef<'a> {
    Hcl(&'a FileText, &'a Body),
    Json(&'a FileText, &'a Map),
    /// A body and the bodies of override files merged into it, in order (Terraform's
    /// `MergeBodies`): a later attribute replaces an earlier one; blocks of a type an
    /// override has replace the earlier blocks of that type, except `lifecycle`, whose
    /// arguments merge one by one.
    Merged(&'a [BodyRef<'a>]),
    Empty,
}

/// An attribute (`name = expr`).
#[derive(Clone)]
pub(crate) struct AttrRef<'a> {
    pub name: &'a str,
    pub name_span: Span,
    pub expr: ExprRef<'a>,
    pub span: Span,
}

/// A block (`ident "label" { ... }`).
#[derive(Clone)]
pub(crate) struct BlockRef<'a> {
    pub ident: &'a str,
    pub labels: Vec<(String, Span)>,
    pub body: BodyRef<'a>,
    pub span: Span,
}

/// An expression to evaluate.
#[derive(Clone, Copy)]
pub(crate) enum ExprRef<'a> {
    Hcl(&'a FileText, &'a Expression, Option<&'a Span>),
    Json(&'a FileText, &'a Value),
}

impl<'a> ExprRef<'a> {
    /// Where the expression is written.
    pub fn span(&self) -> Span {
        match self {
            ExprRef::Hcl(file, expr, fallback) => match expr.span() {
                Some(r) => file.span(r.start, r.end),
                None => fallback.cloned().unwrap_or_else(|| file.start()),
            },
            ExprRef::Json(_, value) => value.span.clone(),
        }
    }

    /// The expression as written.
    pub fn source(&self) -> String {
        match self {
            ExprRef::Hcl(file, expr, _) => match expr.span() {
                Some(r) => file.slice(r.start, r.end).to_string(),
                None => String::new(),
            },
            ExprRef::Json(_, value) => match &value.kind {
                ValueKind::String(s) => s.clone(),
                _ => value.to_json().to_string(),
            },
        }
    }

    /// The expression read as a reference or keyword (`aws_instance.web`, `all`,
    /// `aws.west`): the text for traversals and identifiers, the string for JSON.
    pub fn as_reference_text(&self) -> Option<String> {
        match self {
            ExprRef::Hcl(_, Expression::Variable(_) | Expression::Traversal(_), _) => {
                Some(self.source())
            }
            ExprRef::Hcl(_, Expression::String(s), _) => Some(s.value().to_string()),
            ExprRef::Hcl(..) => None,
            ExprRef::Json(_, value) => value
                .as_str()
                .map(|s| s.trim_start_matches("${").trim_end_matches('}').to_string()),
        }
    }

    /// The elements of a list written literally (`[a, b]`), for arguments such as
    /// `depends_on` and `ignore_changes` that hold references.
    pub fn list_items(&self) -> Option<Vec<ExprRef<'a>>> {
        match self {
            ExprRef::Hcl(file, Expression::Array(items), fallback) => Some(
                items
                    .iter()
                    .map(|e| ExprRef::Hcl(file, e, *fallback))
                    .collect(),
            ),
            ExprRef::Json(file, value) => value
                .as_list()
                .map(|items| items.iter().map(|v| ExprRef::Json(file, v)).collect()),
            ExprRef::Hcl(..) => None,
        }
    }
}

impl<'a> BodyRef<'a> {
    /// The attributes, in source order. In JSON every key is an attribute except those in
    /// `blocks`, which the caller reads as blocks.
    pub fn attributes(&self, blocks: &[&str]) -> Vec<AttrRef<'a>> {
        match *self {
            BodyRef::Hcl(file, body) => body
                .attributes()
                .map(|attr| {
                    let fallback = file.start();
                    let span = file.span_of(attr.span(), &fallback);
                    let name_span = file.span_of(attr.key.span(), &span);
                    AttrRef {
                        name: attr.key.as_str(),
                        name_span,
                        expr: ExprRef::Hcl(file, &attr.value, None),
                        span,
                    }
                })
                .collect(),
            BodyRef::Json(file, map) => map
                .iter()
                .filter(|e| !blocks.contains(&e.key.as_str()) && e.key != "//")
                .map(|e| AttrRef {
                    name: e.key.as_str(),
                    name_span: e.key_span.clone(),
                    expr: ExprRef::Json(file, &e.value),
                    span: e.key_span.cover(&e.value.span),
                })
                .collect(),
            BodyRef::Merged(bodies) => {
                let mut out: Vec<AttrRef<'a>> = Vec::new();
                for body in bodies {
                    for attr in body.attributes(blocks) {
                        match out.iter_mut().find(|a| a.name == attr.name) {
                            Some(existing) => *existing = attr,
                            None => out.push(attr),
                        }
                    }
                }
                out
            }
            BodyRef::Empty => Vec::new(),
        }
    }

    /// The attribute `name`.
    pub fn attribute(&self, name: &str) -> Option<AttrRef<'a>> {
        match *self {
            BodyRef::Hcl(..) => self.attributes(&[]).into_iter().find(|a| a.name == name),
            BodyRef::Json(file, map) => map.entry(name).map(|e| AttrRef {
                name: e.key.as_str(),
                name_span: e.key_span.clone(),
                expr: ExprRef::Json(file, &e.value),
                span: e.key_span.cover(&e.value.span),
            }),
            BodyRef::Merged(bodies) => bodies.iter().rev().find_map(|b| b.attribute(name)),
            BodyRef::Empty => None,
        }
    }

    /// Every block, in source order (HCL only: JSON bodies are read through
    /// [`BodyRef::blocks_named`]).
    pub fn blocks(&self) -> Vec<BlockRef<'a>> {
        match *self {
            BodyRef::Hcl(file, body) => body.blocks().map(|b| hcl_block(file, b)).collect(),
            BodyRef::Merged(bodies) => merged_blocks(bodies, |b| b.blocks()),
            BodyRef::Json(..) | BodyRef::Empty => Vec::new(),
        }
    }

    /// The blocks called `ident`. In JSON, `labels` levels of object keys under the `ident`
    /// key are read as the labels, and an array holds several blocks.
    pub fn blocks_named(&self, ident: &'a str, labels: usize) -> Vec<BlockRef<'a>> {
        match *self {
            BodyRef::Hcl(..) => self
                .blocks()
                .into_iter()
                .filter(|b| b.ident == ident)
                .collect(),
            BodyRef::Json(file, map) => {
                let mut out = Vec::new();
                if let Some(entry) = map.entry(ident) {
                    json_blocks(
                        file,
                        ident,
                        &entry.value,
                        labels,
                        &mut Vec::new(),
                        &entry.key_span,
                        &mut out,
                    );
                }
                out
            }
            BodyRef::Merged(bodies) => merged_blocks(bodies, |b| b.blocks_named(ident, labels)),
            BodyRef::Empty => Vec::new(),
        }
    }

    /// Whether the body is JSON.
    pub fn is_json(&self) -> bool {
        match self {
            BodyRef::Json(..) => true,
            BodyRef::Merged(bodies) => bodies.first().is_some_and(BodyRef::is_json),
            _ => false,
        }
    }

    /// The bodies this one is made of: itself, or the bodies of a merge in order.
    pub fn parts(&self) -> Vec<BodyRef<'a>> {
        match *self {
            BodyRef::Merged(bodies) => bodies.to_vec(),
            other => vec![other],
        }
    }
}

/// The blocks of merged bodies: for each block type (a `dynamic` block counting as its
/// label's type), those of the last body that has any; `lifecycle` blocks from every body.
fn merged_blocks<'a>(
    bodies: &'a [BodyRef<'a>],
    blocks_of: impl Fn(&BodyRef<'a>) -> Vec<BlockRef<'a>>,
) -> Vec<BlockRef<'a>> {
    let kind = |b: &BlockRef<'a>| -> String {
        if b.ident == "dynamic" {
            b.labels.first().map(|(l, _)| l.clone()).unwrap_or_default()
        } else {
            b.ident.to_string()
        }
    };
    let mut out: Vec<BlockRef<'a>> = Vec::new();
    for body in bodies {
        let blocks = blocks_of(body);
        let overridden: Vec<String> = blocks
            .iter()
            .filter(|b| b.ident != "lifecycle")
            .map(kind)
            .collect();
        out.retain(|b| b.ident == "lifecycle" || !overridden.contains(&kind(b)));
        out.extend(blocks);
    }
    out
}

fn hcl_block<'a>(file: &'a FileText, block: &'a hcl_edit::structure::Block) -> BlockRef<'a> {
    let fallback = file.start();
    let span = file.span_of(block.span(), &fallback);
    let labels = block
        .labels
        .iter()
        .map(|label| {
            let text = match label {
                BlockLabel::Ident(i) => i.as_str().to_string(),
                BlockLabel::String(s) => s.value().to_string(),
            };
            let label_span = match label {
                BlockLabel::Ident(i) => file.span_of(i.span(), &span),
                BlockLabel::String(s) => file.span_of(s.span(), &span),
            };
            (text, label_span)
        })
        .collect();
    BlockRef {
        ident: block.ident.as_str(),
        labels,
        body: BodyRef::Hcl(file, &block.body),
        span,
    }
}

fn json_blocks<'a>(
    file: &'a FileText,
    ident: &'a str,
    value: &'a Value,
    labels: usize,
    prefix: &mut Vec<(String, Span)>,
    key_span: &Span,
    out: &mut Vec<BlockRef<'a>>,
) {
    match &value.kind {
        ValueKind::List(items) => {
            for item in items {
                json_blocks(file, ident, item, labels, prefix, key_span, out);
            }
        }
        ValueKind::Map(map) if prefix.len() < labels => {
            for entry in map.iter() {
                prefix.push((entry.key.clone(), entry.key_span.clone()));
                json_blocks(
                    file,
                    ident,
                    &entry.value,
                    labels,
                    prefix,
                    &entry.key_span,
                    out,
                );
                prefix.pop();
            }
        }
        ValueKind::Map(map) => out.push(BlockRef {
            ident,
            labels: prefix.clone(),
            body: BodyRef::Json(file, map),
            span: key_span.cover(&value.span),
        }),
        _ => {}
    }
}
