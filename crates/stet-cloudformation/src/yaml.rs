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
//! - Mapping keys are names and stay as written: `on:` is the key `"on"`, `01:` is `"01"`.
//! - Aliases are expanded, within [`Limits::max_yaml_nodes`]; duplicate keys are errors, as
//!   they are for CloudFormation; nesting is capped at [`Limits::max_depth`].
//!
//! Deciding whether the document is a template is left to the caller.

use crate::Error;
use saphyr_parser::{
    Event, Marker, Parser, ScalarStyle, ScanError, Span as YamlSpan, StrInput, Tag,
};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use stet_graph::{Limits, LineIndex, Map, Position, Span, Value, ValueKind};

/// The first document of a YAML stream, and where a second one starts, if there is one.
pub(crate) struct YamlDocument {
    /// The first document's root, or `None` for a stream with no document (an empty file).
    pub root: Option<Value>,
    /// Keys defined twice in one mapping (the last value is kept, as CloudFormation does).
    pub duplicates: Vec<Error>,
    /// The start of a second document.
    pub second_document: Option<Span>,
}

/// How many times a template is re-indented and read again before its first error stands.
const MAX_REINDENTS: usize = 64;

/// Loads the first document of `text`.
///
/// YAML parsers differ in how strictly they check the indentation of continuation lines in
/// flow context: CloudFormation (like PyYAML and libyaml) accepts a multi-line quoted scalar
/// or a `{ ... }` whose later lines are indented no deeper than their key, which
/// `saphyr-parser` rejects. Since leading white space on those lines carries no meaning, such
/// lines are indented further and the text read again; positions are mapped back to the
/// file as written.
pub(crate) fn load(file: Arc<str>, text: &str, limits: &Limits) -> Result<YamlDocument, Error> {
    let first = load_shifted(file.clone(), text, limits, &BTreeMap::new());
    let Err(original) = first else { return first };
    let mut shifts: BTreeMap<u32, usize> = BTreeMap::new();
    let mut current = text.to_string();
    let mut error = original.clone();
    for _ in 0..MAX_REINDENTS {
        let Some(lines) = lines_to_reindent(&current, &error, &shifts) else {
            return Err(original);
        };
        for line in lines {
            current = indent_line(&current, line, 2);
            *shifts.entry(line).or_insert(0) += 2;
        }
        match load_shifted(file.clone(), &current, limits, &shifts) {
            Ok(document) => return Ok(document),
            Err(e) => error = e,
        }
    }
    Err(original)
}

/// The lines to indent further after `error`, when the error is one of lax indentation in
/// flow context; `None` otherwise.
fn lines_to_reindent(text: &str, error: &Error, shifts: &BTreeMap<u32, usize>) -> Option<Vec<u32>> {
    let Error::Syntax { span, message } = error else {
        return None;
    };
    // Work in the current (already shifted) text: re-find the position from the line.
    let index = LineIndex::new(text);
    let line = span.start.line;
    let line_start = index.line_start(line)?;
    let shift = shifts.get(&line).copied().unwrap_or(0);
    if shifts.values().any(|s| *s > 128) {
        return None;
    }
    match message.as_str() {
        "invalid indentation in quoted scalar" => {
            let column = usize::try_from(span.start.column).ok()?.saturating_sub(1) + shift;
            let start = line_start
                + text
                    .get(line_start..)?
                    .chars()
                    .take(column)
                    .map(char::len_utf8)
                    .sum::<usize>();
            let end = quoted_scalar_end(text, start)?;
            let lines: Vec<u32> = ((line + 1)..)
                .take_while(|l| index.line_start(*l).is_some_and(|s| s < end))
                .collect();
            (!lines.is_empty()).then_some(lines)
        }
        "invalid indentation" | "invalid indentation in flow construct" => {
            let this = text.get(line_start..)?.lines().next()?.trim_start();
            let previous = (1..line)
                .rev()
                .filter_map(|l| {
                    index
                        .line_start(l)
                        .and_then(|s| text.get(s..)?.lines().next())
                })
                .map(str::trim_end)
                .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))?;
            let in_flow = this.starts_with(['}', ']', '"', '\''])
                || previous.ends_with([',', '{', '['])
                || message.ends_with("flow construct");
            in_flow.then(|| vec![line])
        }
        _ => None,
    }
}

/// The byte offset just past the quoted scalar that opens at `start`.
fn quoted_scalar_end(text: &str, start: usize) -> Option<usize> {
    let rest = text.get(start..)?;
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let mut chars = rest.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            if quote == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                chars.next();
            } else {
                return Some(start + i + 1);
            }
        }
    }
    None
}

fn indent_line(text: &str, line: u32, count: usize) -> String {
    let index = LineIndex::new(text);
    let Some(start) = index.line_start(line) else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len() + count);
    out.push_str(text.get(..start).unwrap_or(""));
    out.extend(std::iter::repeat_n(' ', count));
    out.push_str(text.get(start..).unwrap_or(""));
    out
}

/// Loads `text`, where `shifts` says how many spaces were added at the start of which lines
/// (positions are reported without them).
fn load_shifted(
    file: Arc<str>,
    text: &str,
    limits: &Limits,
    shifts: &BTreeMap<u32, usize>,
) -> Result<YamlDocument, Error> {
    let mut loader = Loader {
        shifts,
        parser: Parser::new_from_str(text),
        file,
        text,
        index: LineIndex::new(text),
        ascii: text.is_ascii(),
        limits,
        anchors: HashMap::new(),
        nodes: 0,
        duplicates: Vec::new(),
    };
    loader.document()
}

struct Loader<'a> {
    shifts: &'a BTreeMap<u32, usize>,
    parser: Parser<'a, StrInput<'a>>,
    file: Arc<str>,
    text: &'a str,
    index: LineIndex,
    ascii: bool,
    limits: &'a Limits,
    anchors: HashMap<usize, (Value, usize)>,
    nodes: usize,
    duplicates: Vec<Error>,
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
                            duplicates: std::mem::take(&mut self.duplicates),
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
            duplicates: std::mem::take(&mut self.duplicates),
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
        if e.info() == "recursion limit exceeded" {
            let span = Span {
                file: self.file.clone(),
                start: position,
                end: position,
            };
            // saphyr-parser's own nesting guard: not ours to raise.
            if self.limits.max_depth < saphyr_nesting_limit() {
                return Error::TooDeep {
                    span,
                    limit: self.limits.max_depth,
                };
            }
            return Error::Syntax {
                span,
                message: format!(
                    "collections nest deeper than {} levels, the YAML parser's own limit",
                    saphyr_nesting_limit()
                ),
            };
        }
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
        if self.shifts.is_empty() {
            return Position {
                line,
                column,
                offset,
            };
        }
        // Undo the indentation added by `load`.
        let before: usize = self.shifts.range(..line).map(|(_, n)| *n).sum();
        let here = self.shifts.get(&line).copied().unwrap_or(0);
        let into_line = usize::try_from(column).unwrap_or(1) - 1;
        let removed_here = here.min(into_line);
        Position {
            line,
            column: column
                .saturating_sub(u32::try_from(removed_here).unwrap_or(0))
                .max(1),
            offset: offset.saturating_sub(before + removed_here),
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
                Event::Scalar(text, _, _, tag) => {
                    // Keys are names: kept as written (`on:` is the key "on", not `true`).
                    if let Some(tag) = tag.filter(|t| !t.is_yaml_core_schema() && !is_non_specific(t)) {
                        return Err(Error::Syntax {
                            span: key_span,
                            message: format!("a mapping key cannot carry the tag `{tag}`"),
                        });
                    }
                    text.to_string()
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
                self.duplicates.push(Error::DuplicateKey {
                    span: key_span.clone(),
                    key: key.clone(),
                    first_line: *first_line,
                });
            } else {
                seen.insert(key.clone(), key_span.start.line);
            }
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
    if !tag.is_yaml_core_schema() || is_non_specific(tag) {
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

/// The nesting depth at which `saphyr-parser` stops (its scanner's own guard).
fn saphyr_nesting_limit() -> usize {
    // Measured against saphyr-parser 0.3: deeper flow collections fail with "recursion limit
    // exceeded"; deeper block collections reach our own limit first.
    256
}

/// The non-specific tag `!` (a bare `!` before a node): the node is a plain string.
fn is_non_specific(tag: &Tag) -> bool {
    (tag.handle == "!" && tag.suffix.is_empty()) || (tag.handle.is_empty() && tag.suffix == "!")
}

/// Wraps `value` in the long form of CloudFormation short-form tag `tag`.
fn apply_tag(tag: &Tag, value: Value) -> Value {
    if tag.is_yaml_core_schema() || is_non_specific(tag) {
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
    fn duplicate_keys_keep_the_last_value_and_are_reported() {
        let d = load("t.yaml".into(), "a: 1\nb: 2\na: 3\n", &Limits::default()).unwrap();
        assert_eq!(
            d.root.unwrap().to_json(),
            serde_json::json!({"a": 3, "b": 2})
        );
        let e = &d.duplicates[0];
        assert!(
            matches!(e, Error::DuplicateKey { first_line: 1, .. }),
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
    fn lax_flow_indentation_is_accepted_as_cloudformation_does() {
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
        let d = load("t.yaml".into(), "a: 1\n---\nb: 2\n", &Limits::default()).unwrap();
        assert_eq!(d.second_document.map(|s| s.start.line), Some(2));
    }
}
