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

use std::sync::Arc;
use stet_graph::{read_yaml, Map, Span, Value, ValueKind, YamlEvent, YamlReader, YamlTag};

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
#[non_exhaustive]
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

/// Reads `text` with `f`, accepting what libyaml accepts and `saphyr-parser` does not (the
/// indentation of lines in flow context; see `stet_graph::read_yaml`).
fn read<T>(
    file: Arc<str>,
    text: &str,
    typing: Typing,
    f: impl Fn(&mut Loader<'_, '_>) -> Result<T, DataError>,
) -> Result<T, DataError> {
    read_yaml(file, text, |reader| f(&mut Loader { reader, typing }))
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

struct Loader<'r, 't> {
    reader: &'r mut YamlReader<'t>,
    typing: Typing,
}

impl<'t> Loader<'_, 't> {
    fn next(&mut self) -> Result<(YamlEvent<'t>, Span), DataError> {
        self.reader.next_event().map_err(|e| DataError {
            span: e.span,
            message: e.message,
        })
    }

    /// Where a document after the first starts, if one does (errors after the first
    /// document are not cfn-guard's concern: it never reads that far).
    fn next_document(&mut self) -> Option<Span> {
        loop {
            match self.next() {
                Ok((YamlEvent::DocumentEnd, _)) => {}
                Ok((YamlEvent::DocumentStart, span)) => return Some(span),
                _ => return None,
            }
        }
    }

    /// The first document of the stream.
    fn first_document(&mut self) -> Result<Option<Value>, DataError> {
        loop {
            let (event, span) = self.next()?;
            match event {
                YamlEvent::DocumentStart => {}
                YamlEvent::StreamEnd | YamlEvent::DocumentEnd => return Ok(None),
                other => return self.node(other, span, 0).map(Some),
            }
        }
    }

    fn node(&mut self, event: YamlEvent<'t>, span: Span, depth: usize) -> Result<Value, DataError> {
        if depth > MAX_DEPTH {
            return error(span, format!("nesting deeper than {MAX_DEPTH} levels"));
        }
        match event {
            YamlEvent::Scalar {
                text, plain, tag, ..
            } => Ok(self.scalar(&text, plain, tag.as_ref(), span)),
            YamlEvent::SequenceStart { tag, .. } => {
                let mut items = Vec::new();
                let end = loop {
                    let (event, item_span) = self.next()?;
                    match event {
                        YamlEvent::SequenceEnd => break item_span,
                        YamlEvent::StreamEnd => {
                            return error(item_span, "unexpected end of the file")
                        }
                        other => items.push(self.node(other, item_span, depth + 1)?),
                    }
                };
                let span = span.cover(&end);
                let list = Value::new(ValueKind::List(items), span.clone());
                let function = tag.as_ref().and_then(|t| match self.typing {
                    Typing::Validate if t.is_local() => sequence_function(&t.suffix),
                    Typing::Test if t.is_local() => any_function(&t.suffix),
                    _ => None,
                });
                Ok(match function {
                    Some(name) => wrap(name, list, span),
                    None => list,
                })
            }
            YamlEvent::MappingStart { tag, .. } => {
                let mut map = Map::new();
                let end = loop {
                    let (event, key_span) = self.next()?;
                    let key = match event {
                        YamlEvent::MappingEnd => break key_span,
                        YamlEvent::StreamEnd => {
                            return error(key_span, "unexpected end of the file")
                        }
                        other => self.node(other, key_span.clone(), depth + 1)?,
                    };
                    let Some(key_text) = key.as_str().map(str::to_string) else {
                        return error(
                            key_span,
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
                let span = span.cover(&end);
                let value = Value::new(ValueKind::Map(map), span.clone());
                let function = tag.as_ref().and_then(|t| match self.typing {
                    Typing::Test if t.is_local() => any_function(&t.suffix),
                    _ => None,
                });
                Ok(match function {
                    Some(name) => wrap(name, value, span),
                    None => value,
                })
            }
            YamlEvent::Alias(_) => {
                error(span, "aliases are not supported (cfn-guard refuses them)")
            }
            other => error(span, format!("unexpected YAML event {other:?}")),
        }
    }

    fn scalar(&self, text: &str, plain: bool, tag: Option<&YamlTag>, span: Span) -> Value {
        let kind = match self.typing {
            Typing::Validate => validate_scalar(text, plain, tag),
            Typing::Test => test_scalar(text, plain, tag),
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

fn error<T>(span: Span, message: impl Into<String>) -> Result<T, DataError> {
    Err(DataError {
        span,
        message: message.into(),
    })
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

/// A scalar as `cfn-guard validate`'s loader types it.
fn validate_scalar(text: &str, plain: bool, tag: Option<&YamlTag>) -> Scalar {
    if let Some(tag) = tag {
        if tag.is_local() {
            return match single_value_function(&tag.suffix) {
                Some(name) => Scalar::Function(name),
                None => Scalar::Plain(ValueKind::String(text.to_string())),
            };
        }
        if tag.is_core() {
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
    if !plain {
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
fn test_scalar(text: &str, plain: bool, tag: Option<&YamlTag>) -> Scalar {
    let untagged = |text: &str| {
        if plain {
            core_schema(text)
        } else {
            ValueKind::String(text.to_string())
        }
    };
    match tag {
        Some(tag) if tag.is_core() => Scalar::Plain(match tag.suffix.as_str() {
            "bool" | "int" | "float" | "null" => core_schema(text),
            _ => ValueKind::String(text.to_string()),
        }),
        Some(tag) if tag.is_local() => match any_function(&tag.suffix) {
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
