//! YAML with a span on every value, on top of `saphyr-parser`'s events: the loader the
//! CloudFormation parser reads templates with and the rule engine reads rule headers with.
//! What a local tag (`!Ref`) means is the caller's (see [`parse_yaml_with_tags`]); nothing
//! here knows a format.
//!
//! - Plain scalars are typed with YAML 1.1's booleans (`yes`/`no`/`on`/`off` in their three
//!   spellings), decimal integers and floats, and `null`/`~`, as PyYAML and CloudFormation
//!   read them. Numbers written with a leading zero (`0755`), hexadecimal or octal forms,
//!   and dates stay strings, exactly as written. A scalar with a tag that is not a
//!   core-schema one stays a string.
//! - Mapping keys are names and stay as written: `on:` is the key `"on"`, `01:` is `"01"`.
//! - Aliases are expanded, within [`Limits::max_yaml_nodes`]; a key defined twice keeps its
//!   last value and is reported ([`YamlDocument::duplicates`]); nesting is capped at
//!   [`Limits::max_depth`].
//! - Lines of a flow collection or quoted scalar indented less than libyaml allows are
//!   accepted ([`read_yaml`]).
//!
//! Loaders with other typing rules (cfn-guard's data files, `serde_yaml`'s test files) build
//! on the event layer, [`read_yaml`] and [`YamlReader`].

mod events;

pub use events::{read_yaml, ScanError, YamlEvent, YamlReader, YamlTag};

use crate::{Limits, Map, Span, Value, ValueKind};
use std::collections::HashMap;
use std::sync::Arc;

/// Why a YAML text could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum YamlError {
    /// The text is not valid YAML.
    #[error("{span}: {message}")]
    Syntax {
        /// Where the parser stopped.
        span: Span,
        /// What it found.
        message: String,
    },
    /// A mapping has the same key twice (the last value is kept).
    #[error("{span}: duplicate key `{key}` (first defined at line {first_line}); the last value is used")]
    DuplicateKey {
        /// The second occurrence.
        span: Span,
        /// The key.
        key: String,
        /// The line of the first occurrence.
        first_line: u32,
    },
    /// Values nest deeper than [`Limits::max_depth`].
    #[error("{span}: values nest deeper than {limit} levels")]
    TooDeep {
        /// Where the limit was crossed.
        span: Span,
        /// The limit.
        limit: usize,
    },
    /// Expanding aliases would build more values than [`Limits::max_yaml_nodes`].
    #[error(
        "{span}: YAML aliases expand to more than {limit} values (a \"billion laughs\" document?)"
    )]
    AliasExpansion {
        /// The alias that crossed the limit.
        span: Span,
        /// The limit.
        limit: usize,
    },
    /// An alias names no anchor defined before it.
    #[error("{span}: YAML alias refers to an unknown anchor")]
    UnknownAnchor {
        /// The alias.
        span: Span,
    },
}

impl YamlError {
    /// Where the problem is.
    pub fn span(&self) -> &Span {
        match self {
            YamlError::Syntax { span, .. }
            | YamlError::DuplicateKey { span, .. }
            | YamlError::TooDeep { span, .. }
            | YamlError::AliasExpansion { span, .. }
            | YamlError::UnknownAnchor { span } => span,
        }
    }

    /// What is wrong, without the location.
    pub fn message(&self) -> String {
        let full = self.to_string();
        let prefix = format!("{}: ", self.span());
        full.strip_prefix(&prefix)
            .map(str::to_string)
            .unwrap_or(full)
    }
}

impl From<ScanError> for YamlError {
    fn from(e: ScanError) -> YamlError {
        YamlError::Syntax {
            span: e.span,
            message: e.message,
        }
    }
}

/// The first document of a YAML stream, and where a second one starts, if there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlDocument {
    /// The first document's root, or `None` for a stream with no document (an empty text).
    pub root: Option<Value>,
    /// Keys defined twice in one mapping ([`YamlError::DuplicateKey`]; the last value is
    /// kept).
    pub duplicates: Vec<YamlError>,
    /// The start of a second document.
    pub second_document: Option<Span>,
}

/// Reads the first document of `text` (named `file` in spans) as the module docs say; a
/// local tag leaves its node as it is (a tagged scalar as a string).
///
/// ```
/// use stet_graph::parse_yaml;
/// let doc = parse_yaml("t.yaml".into(), "a: yes\nb: 0755\nc: [1, 2.5]\n", &Default::default()).unwrap();
/// let root = doc.root.unwrap();
/// assert_eq!(root.to_json(), serde_json::json!({"a": true, "b": "0755", "c": [1, 2.5]}));
/// assert_eq!(root.get("c").unwrap().span.start.line, 3);
/// ```
///
/// # Errors
/// A syntax error, nesting beyond [`Limits::max_depth`], aliases expanding beyond
/// [`Limits::max_yaml_nodes`], an alias to an unknown anchor.
pub fn parse_yaml(file: Arc<str>, text: &str, limits: &Limits) -> Result<YamlDocument, YamlError> {
    parse_yaml_with_tags(file, text, limits, &|_, value| value)
}

/// Like [`parse_yaml`], with `tags` deciding what a node with a tag that is neither a
/// core-schema one (`!!str`) nor the non-specific `!` becomes: it is given the tag and the
/// node (a tagged scalar as a string), and returns the value that stands for them.
///
/// ```
/// use stet_graph::{parse_yaml_with_tags, Map, Value, ValueKind};
/// // `!Env NAME` as `{"Env": "NAME"}`.
/// let wrap = |tag: &stet_graph::YamlTag, value: Value| {
///     let span = value.span.clone();
///     let mut map = Map::new();
///     map.insert(tag.suffix.clone(), span.clone(), value);
///     Value::new(ValueKind::Map(map), span)
/// };
/// let doc = parse_yaml_with_tags("t.yaml".into(), "home: !Env HOME\n", &Default::default(), &wrap)
///     .unwrap();
/// assert_eq!(doc.root.unwrap().to_json(), serde_json::json!({"home": {"Env": "HOME"}}));
/// ```
///
/// # Errors
/// As [`parse_yaml`].
pub fn parse_yaml_with_tags(
    file: Arc<str>,
    text: &str,
    limits: &Limits,
    tags: &dyn Fn(&YamlTag, Value) -> Value,
) -> Result<YamlDocument, YamlError> {
    read_yaml(file, text, |reader| {
        Loader {
            reader,
            limits,
            tags,
            anchors: HashMap::new(),
            nodes: 0,
            duplicates: Vec::new(),
        }
        .document()
    })
}

struct Loader<'r, 't, 'a> {
    reader: &'r mut YamlReader<'t>,
    limits: &'a Limits,
    tags: &'a dyn Fn(&YamlTag, Value) -> Value,
    anchors: HashMap<usize, (Value, usize)>,
    nodes: usize,
    duplicates: Vec<YamlError>,
}

impl<'t> Loader<'_, 't, '_> {
    fn document(&mut self) -> Result<YamlDocument, YamlError> {
        let mut root = None;
        loop {
            let (event, span) = self.next()?;
            match event {
                YamlEvent::StreamEnd => break,
                YamlEvent::DocumentStart => {
                    if root.is_some() {
                        return Ok(YamlDocument {
                            root,
                            duplicates: std::mem::take(&mut self.duplicates),
                            second_document: Some(span),
                        });
                    }
                    let (event, span) = self.next()?;
                    if matches!(event, YamlEvent::DocumentEnd) {
                        // `---` followed by nothing: an empty document.
                        continue;
                    }
                    root = Some(self.node(event, span, 0)?);
                }
                YamlEvent::DocumentEnd => {}
                other => {
                    return Err(YamlError::Syntax {
                        span,
                        message: format!("unexpected YAML event {other:?}"),
                    })
                }
            }
        }
        Ok(YamlDocument {
            root,
            duplicates: std::mem::take(&mut self.duplicates),
            second_document: None,
        })
    }

    fn next(&mut self) -> Result<(YamlEvent<'t>, Span), YamlError> {
        self.reader.next_event().map_err(|e| {
            if e.message != "recursion limit exceeded" {
                return YamlError::from(e);
            }
            // saphyr-parser's own nesting guard: not ours to raise.
            if self.limits.max_depth < SAPHYR_NESTING_LIMIT {
                return YamlError::TooDeep {
                    span: e.span,
                    limit: self.limits.max_depth,
                };
            }
            YamlError::Syntax {
                span: e.span,
                message: format!(
                    "collections nest deeper than {SAPHYR_NESTING_LIMIT} levels, the YAML parser's own limit"
                ),
            }
        })
    }

    fn count_node(&mut self, span: &Span) -> Result<(), YamlError> {
        self.nodes += 1;
        if self.nodes > self.limits.max_yaml_nodes {
            return Err(YamlError::AliasExpansion {
                span: span.clone(),
                limit: self.limits.max_yaml_nodes,
            });
        }
        Ok(())
    }

    fn node(&mut self, event: YamlEvent<'t>, span: Span, depth: usize) -> Result<Value, YamlError> {
        if depth > self.limits.max_depth {
            return Err(YamlError::TooDeep {
                span,
                limit: self.limits.max_depth,
            });
        }
        let before = self.nodes;
        self.count_node(&span)?;
        let (value, anchor, tag) = match event {
            YamlEvent::Scalar {
                text,
                plain,
                anchor,
                tag,
            } => {
                let value = match &tag {
                    Some(tag) => tagged_scalar(tag, &text, span.clone()),
                    None => plain_scalar(&text, plain, span.clone()),
                };
                // A core-schema tag has been applied already.
                (value, anchor, tag.filter(|t| !t.is_core()))
            }
            YamlEvent::SequenceStart { anchor, tag } => {
                let mut items = Vec::new();
                let mut end = span.end;
                loop {
                    let (event, item_span) = self.next()?;
                    match event {
                        YamlEvent::SequenceEnd => {
                            if items.is_empty() {
                                end = item_span.end;
                            }
                            break;
                        }
                        YamlEvent::StreamEnd => return Err(unexpected_end(item_span)),
                        event => {
                            let item = self.node(event, item_span, depth + 1)?;
                            end = item.span.end;
                            items.push(item);
                        }
                    }
                }
                let span = Span { end, ..span };
                (Value::new(ValueKind::List(items), span), anchor, tag)
            }
            YamlEvent::MappingStart { anchor, tag } => (self.mapping(span, depth)?, anchor, tag),
            YamlEvent::Alias(id) => {
                let Some((value, count)) = self.anchors.get(&id) else {
                    return Err(YamlError::UnknownAnchor { span });
                };
                let (value, count) = (value.clone(), *count);
                self.nodes += count;
                if self.nodes > self.limits.max_yaml_nodes {
                    return Err(YamlError::AliasExpansion {
                        span,
                        limit: self.limits.max_yaml_nodes,
                    });
                }
                return Ok(value);
            }
            other => {
                return Err(YamlError::Syntax {
                    span,
                    message: format!("unexpected YAML event {other:?}"),
                })
            }
        };
        let value = match tag {
            Some(tag) if !tag.is_core() && !tag.is_non_specific() => (self.tags)(&tag, value),
            _ => value,
        };
        if anchor > 0 {
            self.anchors
                .insert(anchor, (value.clone(), self.nodes - before));
        }
        Ok(value)
    }

    fn mapping(&mut self, start: Span, depth: usize) -> Result<Value, YamlError> {
        let mut map = Map::new();
        let mut seen: HashMap<String, u32> = HashMap::new();
        let mut end = start.end;
        loop {
            let (event, key_span) = self.next()?;
            let key = match event {
                YamlEvent::MappingEnd => {
                    if map.is_empty() {
                        end = key_span.end;
                    }
                    break;
                }
                YamlEvent::StreamEnd => return Err(unexpected_end(key_span)),
                YamlEvent::Scalar { text, tag, .. } => {
                    // Keys are names: kept as written (`on:` is the key "on", not `true`).
                    if let Some(tag) = tag.filter(|t| !t.is_core() && !t.is_non_specific()) {
                        return Err(YamlError::Syntax {
                            span: key_span,
                            message: format!("a mapping key cannot carry the tag `{tag}`"),
                        });
                    }
                    text.into_owned()
                }
                YamlEvent::Alias(id) => {
                    match self
                        .anchors
                        .get(&id)
                        .and_then(|(v, _)| v.to_display_string())
                    {
                        Some(key) => key,
                        None => {
                            return Err(YamlError::Syntax {
                                span: key_span,
                                message: "a mapping key must be a scalar".into(),
                            })
                        }
                    }
                }
                _ => {
                    return Err(YamlError::Syntax {
                        span: key_span,
                        message: "a mapping key must be a scalar, not a list or a mapping".into(),
                    })
                }
            };
            let (event, value_span) = self.next()?;
            let value = self.node(event, value_span, depth + 1)?;
            end = value.span.end;
            if let Some(first_line) = seen.get(&key) {
                self.duplicates.push(YamlError::DuplicateKey {
                    span: key_span.clone(),
                    key: key.clone(),
                    first_line: *first_line,
                });
            } else {
                seen.insert(key.clone(), key_span.start.line);
            }
            map.insert(key, key_span, value);
        }
        let span = Span { end, ..start };
        Ok(Value::new(ValueKind::Map(map), span))
    }
}

fn unexpected_end(span: Span) -> YamlError {
    YamlError::Syntax {
        span,
        message: "unexpected end of the YAML stream".into(),
    }
}

/// Types a scalar written without a tag, as described in the module docs.
fn plain_scalar(text: &str, plain: bool, span: Span) -> Value {
    if !plain {
        return Value::string(text, span);
    }
    let kind = match text {
        "" | "~" | "null" | "Null" | "NULL" => ValueKind::Null,
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
            ValueKind::Bool(true)
        }
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            ValueKind::Bool(false)
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => ValueKind::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => ValueKind::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => ValueKind::Float(f64::NAN),
        _ => number(text).unwrap_or_else(|| ValueKind::String(text.to_string())),
    };
    Value::new(kind, span)
}

/// A decimal integer or float written without a leading zero, else `None`.
fn number(text: &str) -> Option<ValueKind> {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let bytes = digits.as_bytes();
    let first = *bytes.first()?;
    if !(first.is_ascii_digit() || first == b'.') {
        return None;
    }
    // `0755`, `007`: kept as written (file modes, account IDs).
    if first == b'0' && bytes.get(1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    if bytes.iter().all(u8::is_ascii_digit) {
        return match text.parse::<i64>() {
            Ok(i) => Some(ValueKind::Int(i)),
            // Too large for 64 bits: keep the digits rather than lose precision.
            Err(_) => None,
        };
    }
    let valid = bytes
        .iter()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && bytes.iter().filter(|b| **b == b'.').count() <= 1
        && bytes.iter().any(u8::is_ascii_digit);
    if !valid {
        return None;
    }
    text.parse::<f64>().ok().map(ValueKind::Float)
}

/// A scalar with an explicit tag. Core-schema tags (`!!str`, `!!int`, …) decide the type;
/// any other tag keeps the text as a string for the caller's tags to wrap.
fn tagged_scalar(tag: &YamlTag, text: &str, span: Span) -> Value {
    if !tag.is_core() {
        return Value::string(text, span);
    }
    match tag.suffix.as_str() {
        "null" => Value::new(ValueKind::Null, span),
        "bool" | "int" | "float" => {
            let typed = plain_scalar(text, true, span.clone());
            match typed.kind {
                ValueKind::String(_) => Value::string(text, span),
                _ => typed,
            }
        }
        _ => Value::string(text, span),
    }
}

/// The nesting depth at which `saphyr-parser` stops (its scanner's own guard). Measured
/// against saphyr-parser 0.3: deeper flow collections fail with "recursion limit exceeded";
/// deeper block collections reach our own limit first.
const SAPHYR_NESTING_LIMIT: usize = 256;

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(text: &str) -> Result<Value, YamlError> {
        parse_yaml("t.yaml".into(), text, &Limits::default()).map(|d| {
            d.root
                .unwrap_or_else(|| Value::new(ValueKind::Null, Span::file_start("t.yaml".into())))
        })
    }

    #[test]
    fn yaml_1_1_scalars() {
        let v = load_str(
            "a: yes\nb: Off\nc: '0755'\nd: 0755\ne: 2010-09-09\nf: 12\ng: 1.5\nh: ~\ni: \"true\"\nj: !!int 7\nk: !Local 8\n",
        )
        .unwrap();
        assert_eq!(
            v.to_json(),
            serde_json::json!({"a": true, "b": false, "c": "0755", "d": "0755", "e": "2010-09-09", "f": 12, "g": 1.5, "h": null, "i": "true", "j": 7, "k": "8"})
        );
    }

    #[test]
    fn spans_point_at_values() {
        let v = load_str("Resources:\n  B:\n    Type: AWS::S3::Bucket\n").unwrap();
        let ty = v
            .get("Resources")
            .and_then(|r| r.get("B"))
            .and_then(|b| b.get("Type"))
            .unwrap();
        assert_eq!((ty.span.start.line, ty.span.start.column), (3, 11));
        assert_eq!(ty.span.start.offset, 26);
    }

    #[test]
    fn non_ascii_offsets_are_bytes() {
        let text = "é: x\nb: y\n";
        let v = load_str(text).unwrap();
        let b = v.get("b").unwrap();
        assert_eq!(b.span.start.offset, text.find('y').unwrap());
    }

    #[test]
    fn duplicate_keys_keep_the_last_value_and_are_reported() {
        let d = parse_yaml("t.yaml".into(), "a: 1\nb: 2\na: 3\n", &Limits::default()).unwrap();
        assert_eq!(
            d.root.unwrap().to_json(),
            serde_json::json!({"a": 3, "b": 2})
        );
        let e = &d.duplicates[0];
        assert!(
            matches!(e, YamlError::DuplicateKey { first_line: 1, .. }),
            "{e}"
        );
        assert_eq!(e.span().start.line, 3);
    }

    #[test]
    fn non_specific_tag_is_a_plain_string() {
        let v = load_str("a: [x, ! \"Ref\": \"y\"]\nb: ! 12\n").unwrap();
        assert_eq!(
            v.to_json(),
            serde_json::json!({"a": ["x", {"Ref": "y"}], "b": "12"})
        );
    }

    #[test]
    fn tagged_keys_are_refused() {
        let e = load_str("!Ref a: 1\n").unwrap_err();
        assert!(e.to_string().contains("cannot carry the tag `!Ref`"), "{e}");
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
        }
        let e = load_str(&text).unwrap_err();
        assert!(matches!(e, YamlError::AliasExpansion { .. }), "{e}");
    }

    #[test]
    fn small_aliases_expand() {
        let v = load_str("a: &x {k: v}\nb: *x\n").unwrap();
        assert_eq!(
            v.to_json(),
            serde_json::json!({"a": {"k": "v"}, "b": {"k": "v"}})
        );
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(100_000);
        let e = load_str(&text).unwrap_err();
        assert!(
            matches!(e, YamlError::TooDeep { .. } | YamlError::Syntax { .. }),
            "{e}"
        );
    }

    #[test]
    fn lax_flow_indentation_is_accepted_as_libyaml_does() {
        let text = "Parameters:\n  P:\n    Type: String\n    Description: \"first line,\n    second line\"\n    Default: x\n";
        let v = load_str(text).unwrap();
        let p = v.get("Parameters").and_then(|p| p.get("P")).unwrap();
        assert_eq!(
            p.get("Description").and_then(Value::as_str),
            Some("first line, second line")
        );
        let default = p.get("Default").unwrap();
        assert_eq!(
            (default.span.start.line, default.span.start.column),
            (6, 14)
        );
        assert_eq!(
            &text[default.span.start.offset..default.span.start.offset + 1],
            "x"
        );
        let text = "K:\n  Policy: {\n    \"a\": [\n      1\n  ]\n  }\nNext: 2\n";
        let v = load_str(text).unwrap();
        assert_eq!(v.get("Next").unwrap().span.start.line, 7);
    }

    #[test]
    fn block_indentation_errors_stay_errors() {
        assert!(load_str("a:\n    b: 1\n  c: 2\n").is_err());
    }

    #[test]
    fn second_document_is_reported() {
        let d = parse_yaml("t.yaml".into(), "a: 1\n---\nb: 2\n", &Limits::default()).unwrap();
        assert_eq!(d.second_document.map(|s| s.start.line), Some(2));
    }
}
