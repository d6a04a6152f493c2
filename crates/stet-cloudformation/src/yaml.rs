//! A small YAML loader on top of `saphyr-parser` events that reads a template the way
//! CloudFormation does and keeps a span on every value.
//!
//! - Short-form tags become long forms: `!Ref X` is `{"Ref": "X"}`, `!GetAtt A.B` is
//!   `{"Fn::GetAtt": ["A", "B"]}`, `!Sub`, `!Join`, … become `{"Fn::Sub": …}`; an unknown
//!   tag `!Name` becomes `{"Fn::Name": …}` (or `{"Name": …}` when the name holds `::`, as in
//!   rain's `!Rain::Embed`).
//! - Plain scalars are typed with YAML 1.1's booleans (`yes`/`no`/`on`/`off` in their three
//!   spellings), decimal integers and floats, and `null`/`~`. Numbers written with a leading
//!   zero (`0755`), hexadecimal or octal forms, and dates stay strings, exactly as written.
//! - Aliases are expanded, within [`Limits::max_yaml_nodes`]; duplicate keys are errors, as
//!   they are for CloudFormation; nesting is capped at [`Limits::max_depth`].
//!
//! Deciding whether the document is a template is left to the caller.

use crate::Error;
use saphyr_parser::{
    Event, Marker, Parser, ScalarStyle, ScanError, Span as YamlSpan, StrInput, Tag,
};
use std::collections::HashMap;
use std::sync::Arc;
use stet_graph::{Limits, LineIndex, Map, Position, Span, Value, ValueKind};

/// The first document of a YAML stream, and where a second one starts, if there is one.
pub(crate) struct YamlDocument {
    /// The first document's root, or `None` for a stream with no document (an empty file).
    pub root: Option<Value>,
    /// The start of a second document.
    pub second_document: Option<Span>,
}

/// Loads the first document of `text`.
pub(crate) fn load(file: Arc<str>, text: &str, limits: &Limits) -> Result<YamlDocument, Error> {
    let mut loader = Loader {
        parser: Parser::new_from_str(text),
        file,
        text,
        index: LineIndex::new(text),
        ascii: text.is_ascii(),
        limits,
        anchors: HashMap::new(),
        nodes: 0,
    };
    loader.document()
}

struct Loader<'a> {
    parser: Parser<'a, StrInput<'a>>,
    file: Arc<str>,
    text: &'a str,
    index: LineIndex,
    ascii: bool,
    limits: &'a Limits,
    anchors: HashMap<usize, (Value, usize)>,
    nodes: usize,
}

impl<'a> Loader<'a> {
    fn document(&mut self) -> Result<YamlDocument, Error> {
        let mut root = None;
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::Nothing => {}
                Event::StreamEnd => break,
                Event::DocumentStart(_) => {
                    if root.is_some() {
                        let second = self.span(&span);
                        return Ok(YamlDocument {
                            root,
                            second_document: Some(second),
                        });
                    }
                    let (event, span) = self.next()?;
                    if matches!(event, Event::DocumentEnd) {
                        // `---` followed by nothing: an empty document.
                        continue;
                    }
                    root = Some(self.node(event, span, 0)?);
                }
                Event::DocumentEnd => {}
                other => {
                    return Err(Error::Syntax {
                        span: self.span(&span),
                        message: format!("unexpected YAML event {other:?}"),
                    })
                }
            }
        }
        Ok(YamlDocument {
            root,
            second_document: None,
        })
    }

    fn next(&mut self) -> Result<(Event<'a>, YamlSpan), Error> {
        match self.parser.next_event() {
            Some(Ok(pair)) => Ok(pair),
            Some(Err(e)) => Err(self.scan_error(&e)),
            None => Ok((Event::StreamEnd, YamlSpan::default())),
        }
    }

    fn scan_error(&self, e: &ScanError) -> Error {
        let position = self.position(e.marker());
        Error::Syntax {
            span: Span {
                file: self.file.clone(),
                start: position,
                end: position,
            },
            message: e.info().to_string(),
        }
    }

    fn position(&self, marker: &Marker) -> Position {
        let line = u32::try_from(marker.line().max(1)).unwrap_or(u32::MAX);
        let column = u32::try_from(marker.col() + 1).unwrap_or(u32::MAX);
        let offset = if self.ascii {
            marker.index().min(self.text.len())
        } else {
            // saphyr counts characters; find the byte offset from the line start.
            let start = self.index.line_start(line).unwrap_or(self.text.len());
            let rest = self.text.get(start..).unwrap_or("");
            start
                + rest
                    .char_indices()
                    .nth(marker.col())
                    .map_or(rest.len(), |(i, _)| i)
        };
        Position {
            line,
            column,
            offset,
        }
    }

    fn span(&self, span: &YamlSpan) -> Span {
        Span {
            file: self.file.clone(),
            start: self.position(&span.start),
            end: self.position(&span.end),
        }
    }

    fn count_node(&mut self, span: &Span) -> Result<(), Error> {
        self.nodes += 1;
        if self.nodes > self.limits.max_yaml_nodes {
            return Err(Error::AliasExpansion {
                span: span.clone(),
                limit: self.limits.max_yaml_nodes,
            });
        }
        Ok(())
    }

    fn node(&mut self, event: Event<'a>, yspan: YamlSpan, depth: usize) -> Result<Value, Error> {
        let span = self.span(&yspan);
        if depth > self.limits.max_depth {
            return Err(Error::TooDeep {
                span,
                limit: self.limits.max_depth,
            });
        }
        let before = self.nodes;
        self.count_node(&span)?;
        let (value, anchor, tag) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let value = match &tag {
                    Some(tag) => tagged_scalar(tag, &text, span.clone()),
                    None => plain_scalar(&text, style, span.clone()),
                };
                // A scalar's tag has been applied already, except for CloudFormation's.
                let tag = tag
                    .filter(|t| !t.is_yaml_core_schema())
                    .map(|t| t.into_owned());
                (value, anchor, tag)
            }
            Event::SequenceStart(anchor, tag) => {
                let mut items = Vec::new();
                let mut end = span.end;
                loop {
                    let (event, yspan) = self.next()?;
                    match event {
                        Event::SequenceEnd => {
                            if items.is_empty() {
                                end = self.position(&yspan.end);
                            }
                            break;
                        }
                        Event::StreamEnd => return Err(self.unexpected_end(&yspan)),
                        event => {
                            let item = self.node(event, yspan, depth + 1)?;
                            end = item.span.end;
                            items.push(item);
                        }
                    }
                }
                let span = Span { end, ..span };
                (
                    Value::new(ValueKind::List(items), span),
                    anchor,
                    tag.map(|t| t.into_owned()),
                )
            }
            Event::MappingStart(anchor, tag) => {
                let map = self.mapping(&span, depth)?;
                (map, anchor, tag.map(|t| t.into_owned()))
            }
            Event::Alias(id) => {
                let Some((value, count)) = self.anchors.get(&id) else {
                    return Err(Error::UnknownAnchor { span });
                };
                let (value, count) = (value.clone(), *count);
                self.nodes += count;
                if self.nodes > self.limits.max_yaml_nodes {
                    return Err(Error::AliasExpansion {
                        span,
                        limit: self.limits.max_yaml_nodes,
                    });
                }
                return Ok(value);
            }
            other => {
                return Err(Error::Syntax {
                    span,
                    message: format!("unexpected YAML event {other:?}"),
                })
            }
        };
        let value = match tag {
            Some(tag) => apply_tag(&tag, value),
            None => value,
        };
        if anchor > 0 {
            self.anchors
                .insert(anchor, (value.clone(), self.nodes - before));
        }
        Ok(value)
    }

    fn mapping(&mut self, start: &Span, depth: usize) -> Result<Value, Error> {
        let mut map = Map::new();
        let mut seen: HashMap<String, u32> = HashMap::new();
        let mut end = start.end;
        loop {
            let (event, yspan) = self.next()?;
            let key_span = self.span(&yspan);
            let key = match event {
                Event::MappingEnd => {
                    if map.is_empty() {
                        end = key_span.end;
                    }
                    break;
                }
                Event::StreamEnd => return Err(self.unexpected_end(&yspan)),
                Event::Scalar(text, style, _, tag) => {
                    let value = match &tag {
                        Some(tag) if !tag.is_yaml_core_schema() => {
                            return Err(Error::Syntax {
                                span: key_span,
                                message: format!("a mapping key cannot carry the tag `{tag}`"),
                            })
                        }
                        Some(tag) => tagged_scalar(tag, &text, key_span.clone()),
                        None => plain_scalar(&text, style, key_span.clone()),
                    };
                    match value.kind {
                        ValueKind::Null => String::new(),
                        _ => value.to_display_string().unwrap_or_else(|| text.to_string()),
                    }
                }
                Event::Alias(id) => match self.anchors.get(&id).and_then(|(v, _)| v.to_display_string()) {
                    Some(key) => key,
                    None => {
                        return Err(Error::Syntax {
                            span: key_span,
                            message: "a mapping key must be a scalar".into(),
                        })
                    }
                },
                _ => {
                    return Err(Error::Syntax {
                        span: key_span,
                        message: "a mapping key must be a scalar; CloudFormation does not accept lists or mappings as keys".into(),
                    })
                }
            };
            let (event, yspan) = self.next()?;
            let value = self.node(event, yspan, depth + 1)?;
            end = value.span.end;
            if let Some(first_line) = seen.get(&key) {
                return Err(Error::DuplicateKey {
                    span: key_span,
                    key,
                    first_line: *first_line,
                });
            }
            seen.insert(key.clone(), key_span.start.line);
            map.insert(key, key_span, value);
        }
        let span = Span {
            end,
            ..start.clone()
        };
        Ok(Value::new(ValueKind::Map(map), span))
    }

    fn unexpected_end(&self, yspan: &YamlSpan) -> Error {
        Error::Syntax {
            span: self.span(yspan),
            message: "unexpected end of the YAML stream".into(),
        }
    }
}

/// Types a plain (unquoted, untagged) scalar as described in the module docs.
fn plain_scalar(text: &str, style: ScalarStyle, span: Span) -> Value {
    if style != ScalarStyle::Plain {
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
/// any other tag (CloudFormation's) keeps the text as a string for [`apply_tag`] to wrap.
fn tagged_scalar(tag: &Tag, text: &str, span: Span) -> Value {
    if !tag.is_yaml_core_schema() {
        return Value::string(text, span);
    }
    match tag.suffix.as_str() {
        "null" => Value::new(ValueKind::Null, span),
        "bool" | "int" | "float" => {
            let typed = plain_scalar(text, ScalarStyle::Plain, span.clone());
            match typed.kind {
                ValueKind::String(_) => Value::string(text, span),
                _ => typed,
            }
        }
        _ => Value::string(text, span),
    }
}

/// Wraps `value` in the long form of CloudFormation short-form tag `tag`.
fn apply_tag(tag: &Tag, value: Value) -> Value {
    if tag.is_yaml_core_schema() {
        return value;
    }
    let name = tag.suffix.as_str();
    let span = value.span.clone();
    let (key, inner) = match name {
        "Ref" => ("Ref".to_string(), value),
        "Condition" => ("Condition".to_string(), value),
        "GetAtt" => ("Fn::GetAtt".to_string(), split_get_att(value)),
        _ if name.contains("::") => (name.to_string(), value),
        _ => (format!("Fn::{name}"), value),
    };
    let mut map = Map::new();
    map.insert(key, span.clone(), inner);
    Value::new(ValueKind::Map(map), span)
}

/// `!GetAtt Resource.Attribute.Path` names the resource before the first dot.
fn split_get_att(value: Value) -> Value {
    let Some(text) = value.as_str() else {
        return value;
    };
    let span = value.span.clone();
    let parts = match text.split_once('.') {
        Some((resource, attribute)) => vec![
            Value::string(resource, span.clone()),
            Value::string(attribute, span.clone()),
        ],
        None => vec![Value::string(text, span.clone())],
    };
    Value::new(ValueKind::List(parts), span)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(text: &str) -> Result<Value, Error> {
        load("t.yaml".into(), text, &Limits::default()).map(|d| {
            d.root
                .unwrap_or_else(|| Value::new(ValueKind::Null, Span::file_start("t.yaml".into())))
        })
    }

    #[test]
    fn short_forms_become_long_forms() {
        let v = load_str("a: !Ref X\nb: !GetAtt R.Arn\nc: !Sub 'x-${A}'\nd: !Join [',', [a, b]]\ne: !GetAtt [R, Arn]\nf: !Condition C\n").unwrap();
        assert_eq!(
            v.to_json(),
            serde_json::json!({
                "a": {"Ref": "X"},
                "b": {"Fn::GetAtt": ["R", "Arn"]},
                "c": {"Fn::Sub": "x-${A}"},
                "d": {"Fn::Join": [",", ["a", "b"]]},
                "e": {"Fn::GetAtt": ["R", "Arn"]},
                "f": {"Condition": "C"}
            })
        );
    }

    #[test]
    fn yaml_1_1_scalars() {
        let v = load_str(
            "a: yes\nb: Off\nc: '0755'\nd: 0755\ne: 2010-09-09\nf: 12\ng: 1.5\nh: ~\ni: \"true\"\n",
        )
        .unwrap();
        assert_eq!(
            v.to_json(),
            serde_json::json!({"a": true, "b": false, "c": "0755", "d": "0755", "e": "2010-09-09", "f": 12, "g": 1.5, "h": null, "i": "true"})
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
    fn duplicate_keys_are_errors() {
        let e = load_str("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert!(
            matches!(e, Error::DuplicateKey { first_line: 1, .. }),
            "{e}"
        );
        assert_eq!(e.span().start.line, 3);
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
        }
        let e = load_str(&text).unwrap_err();
        assert!(matches!(e, Error::AliasExpansion { .. }), "{e}");
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
            matches!(e, Error::TooDeep { .. } | Error::Syntax { .. }),
            "{e}"
        );
    }

    #[test]
    fn second_document_is_reported() {
        let d = load("t.yaml".into(), "a: 1\n---\nb: 2\n", &Limits::default()).unwrap();
        assert_eq!(d.second_document.map(|s| s.start.line), Some(2));
    }
}
