//! Data files as cfn-guard 3.2.1 reads them, with a span on every value.
//!
//! `cfn-guard validate -d` reads any JSON or YAML document (a Terraform plan, a Kubernetes
//! manifest, a configuration file) with its own YAML loader, and [`parse_data`] reads one the
//! same way: only the first document of a stream; plain scalars typed as an integer, a float,
//! `true`/`yes`/`on`/`y` or `false`/`no`/`off`/`n` (lower case only), `~`/`null` (any case), or
//! else a string (an empty plain scalar is the empty string); quoted scalars are strings;
//! CloudFormation short forms become long forms (`!Ref X` is `{"Ref": "X"}`, `!GetAtt [A, B]` is
//! `{"Fn::GetAtt": ["A", "B"]}`); keys must be strings; aliases are refused.
//!
//! `cfn-guard test` reads its test files (and `json_parse` its strings) with `serde_yaml`
//! instead, which types scalars by YAML 1.2's core schema (`yes` is a string, `True` is true,
//! `0x1F` is 31, an empty scalar is null); [`parse_test_yaml`] reads that way.

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span as YamlSpan, Tag};
use std::collections::BTreeMap;
use std::sync::Arc;
use stet_graph::{LineIndex, Map, Position, Span, Value, ValueKind};

/// How scalars are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Typing {
    /// `cfn-guard validate`'s loader.
    Validate,
    /// `serde_yaml`'s, as `cfn-guard test` reads test files.
    Test,
}

/// A data file that cannot be read as a document.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{span}: {message}")]
pub struct DataError {
    /// Where reading stopped.
    pub span: Span,
    /// Why.
    pub message: String,
}

/// Reads a JSON or YAML data file as `cfn-guard validate` reads it: the first document
/// (`None` when the text holds none).
///
/// ```
/// let doc = stet_rules::parse_data("d.yaml".into(), "a: yes\nb: ''\nc:\nd: !Ref X\n")
///     .unwrap()
///     .unwrap();
/// assert_eq!(doc.get("a").unwrap().as_bool(), Some(true));
/// assert_eq!(doc.get("c").unwrap().as_str(), Some(""));
/// assert_eq!(doc.get("d").unwrap().get("Ref").unwrap().as_str(), Some("X"));
/// ```
pub fn parse_data(file: Arc<str>, text: &str) -> Result<Option<Value>, DataError> {
    parse_data_stream(file, text).map(|d| d.document)
}

/// A data file's first document, and where a second one starts (cfn-guard reads only the
/// first).
#[derive(Debug, Clone, PartialEq)]
pub struct DataFile {
    /// The first document (`None` when the text holds none).
    pub document: Option<Value>,
    /// The start of a second document, which cfn-guard does not read.
    pub next_document: Option<Span>,
}

/// Reads a data file as [`parse_data`] does, noting whether more documents follow.
///
/// ```
/// let data = stet_rules::parse_data_stream("k8s.yaml".into(), "kind: Service\n---\nkind: Deployment\n")
///     .unwrap();
/// assert_eq!(data.document.unwrap().get("kind").unwrap().as_str(), Some("Service"));
/// assert_eq!(data.next_document.unwrap().start.line, 2);
/// ```
pub fn parse_data_stream(file: Arc<str>, text: &str) -> Result<DataFile, DataError> {
    if text.trim().is_empty() {
        return Err(DataError {
            span: Span::file_start(file),
            message: "the data file is empty".into(),
        });
    }
    read(file, text, Typing::Validate, |loader| {
        let document = loader.first_document()?;
        let next_document = if document.is_some() {
            loader.next_document()
        } else {
            None
        };
        Ok(DataFile {
            document,
            next_document,
        })
    })
}

/// Reads YAML as `serde_yaml` (and so `cfn-guard test`) reads it: one document, scalars
/// typed by YAML 1.2's core schema, short-form tags as long forms.
pub fn parse_test_yaml(file: Arc<str>, text: &str) -> Result<Option<Value>, DataError> {
    read(file, text, Typing::Test, |loader| loader.first_document())
}

/// How many times a file is re-indented and read again before its first error stands.
const MAX_REINDENTS: usize = 64;

/// Reads `text` with `f`, accepting what libyaml accepts and `saphyr-parser` does not.
///
/// libyaml (which cfn-guard's loader and `serde_yaml` are built on) does not check the
/// indentation of a multi-line quoted scalar's later lines, nor of the lines of a `{ ... }` or
/// `[ ... ]` written in a block mapping; `saphyr-parser` wants them indented deeper than their
/// key. Leading white space on those lines carries no meaning, so such lines are indented
/// further and the text read again; positions are reported in the file as written. (The
/// CloudFormation loader does the same for templates.)
fn read<T>(
    file: Arc<str>,
    text: &str,
    typing: Typing,
    f: impl Fn(&mut Loader<'_>) -> Result<T, DataError>,
) -> Result<T, DataError> {
    let no_shifts = BTreeMap::new();
    let mut loader = Loader::new(file.clone(), text, text, &no_shifts, typing);
    let first = f(&mut loader);
    let Err(original) = first else { return first };
    let Some(mut scan_error) = loader.scan_error.take() else {
        return Err(original);
    };
    let mut shifts: BTreeMap<usize, usize> = BTreeMap::new();
    let mut current = text.to_string();
    for _ in 0..MAX_REINDENTS {
        let Some(lines) = lines_to_reindent(&current, &scan_error) else {
            return Err(original);
        };
        for line in lines {
            current = indent_line(&current, line, 2);
            *shifts.entry(line).or_insert(0) += 2;
        }
        if shifts.values().any(|s| *s > 128) {
            return Err(original);
        }
        let mut loader = Loader::new(file.clone(), &current, text, &shifts, typing);
        match f(&mut loader) {
            Ok(value) => return Ok(value),
            Err(_) => match loader.scan_error.take() {
                Some(e) => scan_error = e,
                None => return Err(original),
            },
        }
    }
    Err(original)
}

/// A scan error as `saphyr-parser` reports it: line (from 1), column in characters (from
/// 0), message.
struct ScanError {
    line: usize,
    column: usize,
    message: String,
}

/// The lines (from 1) to indent further after `error`, when it is one of lax indentation in
/// flow context; `None` otherwise.
fn lines_to_reindent(text: &str, error: &ScanError) -> Option<Vec<usize>> {
    let lines: Vec<&str> = text.split('\n').collect();
    let this = *lines.get(error.line.checked_sub(1)?)?;
    match error.message.as_str() {
        "invalid indentation in quoted scalar" => {
            let line_start: usize = lines[..error.line - 1].iter().map(|l| l.len() + 1).sum();
            let start = line_start
                + this
                    .chars()
                    .take(error.column)
                    .map(char::len_utf8)
                    .sum::<usize>();
            let end = quoted_scalar_end(text, start)?;
            let mut reindent = Vec::new();
            let mut at = line_start + this.len() + 1;
            for (i, line) in lines.iter().enumerate().skip(error.line) {
                if at >= end {
                    break;
                }
                reindent.push(i + 1);
                at += line.len() + 1;
            }
            (!reindent.is_empty()).then_some(reindent)
        }
        "invalid indentation" | "invalid indentation in flow construct" => {
            let this = this.trim_start();
            let previous = lines[..error.line - 1]
                .iter()
                .rev()
                .map(|l| l.trim_end())
                .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))?;
            let in_flow = this.starts_with(['}', ']', '"', '\''])
                || previous.ends_with([',', '{', '['])
                || error.message.ends_with("flow construct");
            in_flow.then(|| vec![error.line])
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

/// `text` with `count` spaces added at the start of `line` (from 1).
fn indent_line(text: &str, line: usize, count: usize) -> String {
    let start: usize = text
        .split('\n')
        .take(line.saturating_sub(1))
        .map(|l| l.len() + 1)
        .sum();
    let start = start.min(text.len());
    let mut out = String::with_capacity(text.len() + count);
    out.push_str(&text[..start]);
    out.extend(std::iter::repeat_n(' ', count));
    out.push_str(&text[start..]);
    out
}

/// The long form of a CloudFormation short-form tag that takes a scalar.
fn single_value_function(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "Ref" => "Ref",
        "Base64" => "Fn::Base64",
        "Sub" => "Fn::Sub",
        "GetAZs" => "Fn::GetAZs",
        "ImportValue" => "Fn::ImportValue",
        "GetAtt" => "Fn::GetAtt",
        "Condition" => "Condition",
        "RefAll" => "Fn::RefAll",
        _ => return None,
    })
}

/// The long form of a CloudFormation short-form tag that takes a sequence.
fn sequence_function(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "GetAtt" => "Fn::GetAtt",
        "Sub" => "Fn::Sub",
        "Select" => "Fn::Select",
        "Split" => "Fn::Split",
        "Join" => "Fn::Join",
        "FindInMap" => "Fn::FindInMap",
        "And" => "Fn::And",
        "Equals" => "Fn::Equals",
        "Contains" => "Fn::Contains",
        "EachMemberIn" => "Fn::EachMemberIn",
        "EachMemberEquals" => "Fn::EachMemberEquals",
        "ValueOf" => "Fn::ValueOf",
        "If" => "Fn::If",
        "Not" => "Fn::Not",
        "Or" => "Fn::Or",
        _ => return None,
    })
}

/// The long form of any short-form tag (`serde_yaml`'s path takes either kind anywhere).
fn any_function(tag: &str) -> Option<&'static str> {
    single_value_function(tag).or_else(|| sequence_function(tag))
}

/// Deepest nesting of collections read.
const MAX_DEPTH: usize = 512;

struct Loader<'t> {
    parser: Parser<'t, saphyr_parser::StrInput<'t>>,
    file: Arc<str>,
    /// The file as written (the parser may be reading it re-indented).
    text: &'t str,
    index: LineIndex,
    /// Spaces added at the start of which lines (from 1) of the text being parsed.
    shifts: &'t BTreeMap<usize, usize>,
    typing: Typing,
    /// The parser's error, in the text being parsed.
    scan_error: Option<ScanError>,
}

impl<'t> Loader<'t> {
    fn new(
        file: Arc<str>,
        parsed: &'t str,
        text: &'t str,
        shifts: &'t BTreeMap<usize, usize>,
        typing: Typing,
    ) -> Loader<'t> {
        Loader {
            parser: Parser::new_from_str(parsed),
            file,
            text,
            index: LineIndex::new(text),
            shifts,
            typing,
            scan_error: None,
        }
    }

    fn position(&self, marker: &Marker) -> Position {
        // saphyr counts characters; find the byte offset from the line's start.
        // Spaces added to the line by `read` are not in the file.
        let added = self.shifts.get(&marker.line()).copied().unwrap_or(0);
        let column = marker.col() - added.min(marker.col());
        let line = u32::try_from(marker.line().max(1)).unwrap_or(u32::MAX);
        let start = self.index.line_start(line).unwrap_or(self.text.len());
        let rest = self.text.get(start..).unwrap_or("");
        let offset = start
            + rest
                .char_indices()
                .nth(column)
                .map_or(rest.len(), |(i, _)| i);
        self.index.position(self.text, offset)
    }

    fn span(&self, span: &YamlSpan) -> Span {
        Span {
            file: self.file.clone(),
            start: self.position(&span.start),
            end: self.position(&span.end),
        }
    }

    fn error<T>(&self, span: &YamlSpan, message: impl Into<String>) -> Result<T, DataError> {
        Err(DataError {
            span: self.span(span),
            message: message.into(),
        })
    }

    fn next(&mut self) -> Result<(Event<'t>, YamlSpan), DataError> {
        match self.parser.next_event() {
            Some(Ok(pair)) => Ok(pair),
            Some(Err(e)) => {
                self.scan_error = Some(ScanError {
                    line: e.marker().line(),
                    column: e.marker().col(),
                    message: e.info().to_string(),
                });
                let position = self.position(e.marker());
                Err(DataError {
                    span: Span {
                        file: self.file.clone(),
                        start: position,
                        end: position,
                    },
                    message: e.info().to_string(),
                })
            }
            None => Ok((Event::StreamEnd, YamlSpan::default())),
        }
    }

    /// Where a document after the first starts, if one does (errors after the first
    /// document are not cfn-guard's concern: it never reads that far).
    fn next_document(&mut self) -> Option<Span> {
        loop {
            match self.next() {
                Ok((Event::DocumentEnd | Event::Nothing, _)) => {}
                Ok((Event::DocumentStart(_), span)) => return Some(self.span(&span)),
                _ => return None,
            }
        }
    }

    /// The first document of the stream.
    fn first_document(&mut self) -> Result<Option<Value>, DataError> {
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::Nothing | Event::DocumentStart(_) => {}
                Event::StreamEnd => return Ok(None),
                Event::DocumentEnd => return Ok(None),
                other => return self.node(other, span, 0).map(Some),
            }
        }
    }

    fn node(
        &mut self,
        event: Event<'t>,
        yspan: YamlSpan,
        depth: usize,
    ) -> Result<Value, DataError> {
        if depth > MAX_DEPTH {
            return self.error(&yspan, format!("nesting deeper than {MAX_DEPTH} levels"));
        }
        let span = self.span(&yspan);
        match event {
            Event::Scalar(text, style, _, tag) => {
                Ok(self.scalar(&text, style, tag.as_deref(), span))
            }
            Event::SequenceStart(_, tag) => {
                let mut items = Vec::new();
                let end = loop {
                    let (event, item_span) = self.next()?;
                    match event {
                        Event::SequenceEnd => break item_span,
                        Event::StreamEnd => {
                            return self.error(&item_span, "unexpected end of the file")
                        }
                        other => items.push(self.node(other, item_span, depth + 1)?),
                    }
                };
                let span = span.cover(&self.span(&end));
                let list = Value::new(ValueKind::List(items), span.clone());
                let function = tag.as_deref().and_then(|t| {
                    let local = t.handle == "!";
                    match self.typing {
                        Typing::Validate if local => sequence_function(&t.suffix),
                        Typing::Test if local => any_function(&t.suffix),
                        _ => None,
                    }
                });
                Ok(match function {
                    Some(name) => wrap(name, list, span),
                    None => list,
                })
            }
            Event::MappingStart(_, tag) => {
                let mut map = Map::new();
                let end = loop {
                    let (event, key_span) = self.next()?;
                    let key = match event {
                        Event::MappingEnd => break key_span,
                        Event::StreamEnd => {
                            return self.error(&key_span, "unexpected end of the file")
                        }
                        other => self.node(other, key_span, depth + 1)?,
                    };
                    let Some(key_text) = key.as_str().map(str::to_string) else {
                        return self.error(
                            &key_span,
                            format!(
                                "a map key must be a string, this one is {}",
                                key.type_name()
                            ),
                        );
                    };
                    let (event, value_span) = self.next()?;
                    let value = self.node(event, value_span, depth + 1)?;
                    map.insert(key_text, key.span, value);
                };
                let span = span.cover(&self.span(&end));
                let value = Value::new(ValueKind::Map(map), span.clone());
                let function = tag.as_deref().and_then(|t| match self.typing {
                    Typing::Test if t.handle == "!" => any_function(&t.suffix),
                    _ => None,
                });
                Ok(match function {
                    Some(name) => wrap(name, value, span),
                    None => value,
                })
            }
            Event::Alias(_) => {
                self.error(&yspan, "aliases are not supported (cfn-guard refuses them)")
            }
            other => self.error(&yspan, format!("unexpected YAML event {other:?}")),
        }
    }

    fn scalar(&self, text: &str, style: ScalarStyle, tag: Option<&Tag>, span: Span) -> Value {
        let kind = match self.typing {
            Typing::Validate => validate_scalar(text, style, tag),
            Typing::Test => test_scalar(text, style, tag),
        };
        match kind {
            Scalar::Plain(kind) => Value::new(kind, span),
            Scalar::Function(name) => wrap(
                name,
                Value::new(ValueKind::String(text.to_string()), span.clone()),
                span,
            ),
            Scalar::FunctionOf(name, kind) => wrap(name, Value::new(kind, span.clone()), span),
        }
    }
}

/// A scalar's value.
enum Scalar {
    Plain(ValueKind),
    /// A short form over the scalar's text (`!Ref X`).
    Function(&'static str),
    /// A short form over the typed scalar (`serde_yaml`'s path).
    FunctionOf(&'static str, ValueKind),
}

fn wrap(name: &str, value: Value, span: Span) -> Value {
    let mut map = Map::new();
    map.insert(name, span.clone(), value);
    Value::new(ValueKind::Map(map), span)
}

fn is_core(tag: &Tag) -> bool {
    tag.handle == "tag:yaml.org,2002:"
}

/// A scalar as `cfn-guard validate`'s loader types it.
fn validate_scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Scalar {
    if let Some(tag) = tag {
        if tag.handle == "!" {
            return match single_value_function(&tag.suffix) {
                Some(name) => Scalar::Function(name),
                None => Scalar::Plain(ValueKind::String(text.to_string())),
            };
        }
        if is_core(tag) {
            return Scalar::Plain(match tag.suffix.as_str() {
                "bool" => match text {
                    "true" => ValueKind::Bool(true),
                    "false" => ValueKind::Bool(false),
                    _ => ValueKind::String(text.to_string()),
                },
                "int" => text
                    .parse()
                    .map_or_else(|_| ValueKind::String(text.to_string()), ValueKind::Int),
                "float" => text
                    .parse()
                    .map_or_else(|_| ValueKind::String(text.to_string()), ValueKind::Float),
                "null" => ValueKind::Null,
                _ => ValueKind::String(text.to_string()),
            });
        }
        return Scalar::Plain(ValueKind::String(text.to_string()));
    }
    if style != ScalarStyle::Plain {
        return Scalar::Plain(ValueKind::String(text.to_string()));
    }
    Scalar::Plain(if let Ok(i) = text.parse::<i64>() {
        ValueKind::Int(i)
    } else if let Ok(f) = text.parse::<f64>() {
        ValueKind::Float(f)
    } else {
        match text {
            "true" | "yes" | "on" | "y" => ValueKind::Bool(true),
            "false" | "no" | "off" | "n" => ValueKind::Bool(false),
            _ if text.eq_ignore_ascii_case("null") || text == "~" => ValueKind::Null,
            _ => ValueKind::String(text.to_string()),
        }
    })
}

/// A scalar as `serde_yaml` types it, and as cfn-guard then reads its tags.
fn test_scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Scalar {
    let untagged = |text: &str| {
        if style == ScalarStyle::Plain {
            core_schema(text)
        } else {
            ValueKind::String(text.to_string())
        }
    };
    match tag {
        Some(tag) if is_core(tag) => Scalar::Plain(match tag.suffix.as_str() {
            "bool" | "int" | "float" | "null" => core_schema(text),
            _ => ValueKind::String(text.to_string()),
        }),
        Some(tag) if tag.handle == "!" => match any_function(&tag.suffix) {
            Some(name) => Scalar::FunctionOf(name, untagged(text)),
            None => Scalar::Plain(untagged(text)),
        },
        _ => Scalar::Plain(untagged(text)),
    }
}

/// YAML 1.2's core schema as `serde_yaml` 0.9 applies it to a plain scalar.
fn core_schema(text: &str) -> ValueKind {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return ValueKind::Null,
        "true" | "True" | "TRUE" => return ValueKind::Bool(true),
        "false" | "False" | "FALSE" => return ValueKind::Bool(false),
        _ => {}
    }
    if let Some(i) = core_int(text) {
        return ValueKind::Int(i);
    }
    if !leading_zero_digits(text) {
        if let Some(f) = core_float(text) {
            return ValueKind::Float(f);
        }
    }
    ValueKind::String(text.to_string())
}

/// `0123` (a leading zero before more digits) is a string, not a number.
fn leading_zero_digits(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    digits.len() > 1
        && digits.starts_with('0')
        && digits.bytes().skip(1).all(|b| b.is_ascii_digit())
}

fn radix_int(text: &str, negative: bool) -> Option<i128> {
    let parse = |digits: &str, radix: u32| -> Option<i128> {
        if digits.starts_with(['+', '-']) || digits.is_empty() {
            return None;
        }
        i128::from_str_radix(digits, radix).ok()
    };
    let value = if let Some(rest) = text.strip_prefix("0x") {
        parse(rest, 16)
    } else if let Some(rest) = text.strip_prefix("0o") {
        parse(rest, 8)
    } else if let Some(rest) = text.strip_prefix("0b") {
        parse(rest, 2)
    } else {
        None
    }?;
    Some(if negative { -value } else { value })
}

/// An integer as `serde_yaml` reads one (decimal, `0x`, `0o`, `0b`, an optional sign); one
/// past `i64` wraps as cfn-guard's conversion wraps it.
fn core_int(text: &str) -> Option<i64> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if let Some(value) = radix_int(unsigned, negative) {
        return fit(value, negative);
    }
    if unsigned.starts_with(['+', '-']) || leading_zero_digits(text) {
        return None;
    }
    if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: i128 = unsigned.parse().ok()?;
    fit(if negative { -value } else { value }, negative)
}

fn fit(value: i128, negative: bool) -> Option<i64> {
    if negative {
        i64::try_from(value).ok()
    } else {
        // A u64 beyond i64 wraps, as `as i64` wraps it in cfn-guard.
        u64::try_from(value).ok().map(|u| u as i64)
    }
}

/// A float as `serde_yaml` reads one (finite, or `.inf`/`-.inf`/`.nan`).
fn core_float(text: &str) -> Option<f64> {
    let unsigned = match text.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => text,
    };
    match unsigned {
        ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
        _ => {}
    }
    match text {
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    unsigned.parse::<f64>().ok().filter(|f| f.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(text: &str) -> Value {
        parse_data("d.yaml".into(), text).unwrap().unwrap()
    }

    fn test(text: &str) -> Value {
        parse_test_yaml("t.yaml".into(), text).unwrap().unwrap()
    }

    #[test]
    fn validate_typing_follows_cfn_guards_loader() {
        let d = data("a: yes\nb: Yes\nc: ''\nd:\ne: 1.0\nf: 0x1F\ng: NULL\nh: '5'\ni: 007\n");
        assert_eq!(d.get("a").unwrap().kind, ValueKind::Bool(true));
        assert_eq!(d.get("b").unwrap().as_str(), Some("Yes"));
        assert_eq!(d.get("c").unwrap().as_str(), Some(""));
        assert_eq!(d.get("d").unwrap().as_str(), Some(""));
        assert_eq!(d.get("e").unwrap().kind, ValueKind::Float(1.0));
        assert_eq!(d.get("f").unwrap().as_str(), Some("0x1F"));
        assert_eq!(d.get("g").unwrap().kind, ValueKind::Null);
        assert_eq!(d.get("h").unwrap().as_str(), Some("5"));
        assert_eq!(d.get("i").unwrap().kind, ValueKind::Int(7));
    }

    #[test]
    fn test_typing_follows_serde_yaml() {
        let t = test("a: yes\nb: True\nc: ''\nd:\nf: 0x1F\ni: 007\nj: .inf\n");
        assert_eq!(t.get("a").unwrap().as_str(), Some("yes"));
        assert_eq!(t.get("b").unwrap().kind, ValueKind::Bool(true));
        assert_eq!(t.get("d").unwrap().kind, ValueKind::Null);
        assert_eq!(t.get("f").unwrap().kind, ValueKind::Int(31));
        assert_eq!(t.get("i").unwrap().as_str(), Some("007"));
        assert_eq!(t.get("j").unwrap().kind, ValueKind::Float(f64::INFINITY));
    }

    #[test]
    fn short_forms_become_long_forms() {
        let d = data("a: !Ref X\nb: !GetAtt [A, B]\nc: !Foo bar\nd: !Join ['', [a]]\n");
        assert_eq!(d.get("a").unwrap().get("Ref").unwrap().as_str(), Some("X"));
        assert_eq!(
            d.get("b")
                .unwrap()
                .get("Fn::GetAtt")
                .unwrap()
                .as_list()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(d.get("c").unwrap().as_str(), Some("bar"));
        assert!(d.get("d").unwrap().get("Fn::Join").is_some());
    }

    #[test]
    fn only_the_first_document_is_read() {
        let d = data("a: 1\n---\nb: 2\n");
        assert!(d.get("a").is_some() && d.get("b").is_none());
    }

    #[test]
    fn keys_must_be_strings_and_aliases_are_refused() {
        assert!(parse_data("d.yaml".into(), "1: a\n").is_err());
        assert!(parse_data("d.yaml".into(), "a: &x 1\nb: *x\n").is_err());
        assert!(parse_data("d.yaml".into(), "  \n").is_err());
    }

    #[test]
    fn lax_indentation_in_flow_context_is_read_as_libyaml_reads_it() {
        // cfn-guard 3.2.1 reads this file (and `a.e == "one two"` passes).
        let text = "a:\n  b: {\n    \"c\": 1,\n  \"d\": [\n  2 ]\n  }\n  e: \"one\n two\"\n";
        for d in [data(text), test(text)] {
            let b = d.get("a").unwrap().get("b").unwrap();
            assert_eq!(b.get("c").unwrap().kind, ValueKind::Int(1));
            let two = &b.get("d").unwrap().as_list().unwrap()[0];
            assert_eq!(two.kind, ValueKind::Int(2));
            // Positions are those of the file as written.
            assert_eq!((two.span.start.line, two.span.start.column), (5, 3));
            assert_eq!(&text[two.span.start.offset..two.span.end.offset], "2");
            assert_eq!(
                d.get("a").unwrap().get("e").unwrap().as_str(),
                Some("one two")
            );
        }
    }

    #[test]
    fn block_indentation_errors_stay_errors() {
        let e = parse_data("d.yaml".into(), "a:\n  b: 1\n c: 2\n").unwrap_err();
        assert_eq!(e.span.start.line, 3);
    }
}
