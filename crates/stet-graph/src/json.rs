//! Strict JSON with a span on every value, on top of `jsonc-parser` with every extension
//! (comments, trailing commas, single quotes, …) switched off. Duplicate keys are errors, as
//! they are for CloudFormation and Terraform. Both parsers use it (`.json` templates and
//! `.tf.json`); what the value means is left to them.

use crate::{Limits, LineIndex, Map, Span, Value, ValueKind};
use jsonc_parser::ast::{ObjectPropName, Value as Ast};
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};
use std::collections::HashMap;
use std::sync::Arc;

/// Why a JSON text could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum JsonError {
    /// The text is not valid JSON.
    #[error("{span}: {message}")]
    Syntax {
        /// Where the parser stopped.
        span: Span,
        /// What it found.
        message: String,
    },
    /// An object has the same key twice.
    #[error("{span}: duplicate key `{key}` (first defined at line {first_line})")]
    DuplicateKey {
        /// The second occurrence.
        span: Span,
        /// The key.
        key: String,
        /// The line of the first occurrence.
        first_line: u32,
    },
    /// Values nest deeper than the limit.
    #[error("{span}: values nest deeper than {limit} levels")]
    TooDeep {
        /// Where the limit was crossed.
        span: Span,
        /// The limit.
        limit: usize,
    },
}

impl JsonError {
    /// Where the problem is.
    pub fn span(&self) -> &Span {
        match self {
            JsonError::Syntax { span, .. }
            | JsonError::DuplicateKey { span, .. }
            | JsonError::TooDeep { span, .. } => span,
        }
    }
}

/// Parses `text` as one strict JSON value. An empty (or all-whitespace) text gives `None`.
///
/// ```
/// use stet_graph::parse_json;
/// let v = parse_json("t.json".into(), "{\n  \"a\": [1, 2.5]\n}", &Default::default())
///     .unwrap()
///     .unwrap();
/// assert_eq!(v.to_json(), serde_json::json!({"a": [1, 2.5]}));
/// assert_eq!(v.get("a").unwrap().span.start.line, 2);
/// ```
pub fn parse_json(file: Arc<str>, text: &str, limits: &Limits) -> Result<Option<Value>, JsonError> {
    let (value, mut duplicates) = parse(file, text, limits)?;
    match duplicates.is_empty() {
        true => Ok(value),
        false => Err(duplicates.remove(0)),
    }
}

/// Like [`parse_json`], but a key defined twice in one object keeps its last value and is
/// returned beside the value instead of failing the parse (CloudFormation reads duplicate
/// keys this way).
///
/// ```
/// use stet_graph::parse_json_keeping_last;
/// let (v, duplicates) = parse_json_keeping_last("t.json".into(), r#"{"a": 1, "a": 2}"#, &Default::default()).unwrap();
/// assert_eq!(v.unwrap().to_json(), serde_json::json!({"a": 2}));
/// assert_eq!(duplicates.len(), 1);
/// ```
pub fn parse_json_keeping_last(
    file: Arc<str>,
    text: &str,
    limits: &Limits,
) -> Result<(Option<Value>, Vec<JsonError>), JsonError> {
    parse(file, text, limits)
}

fn parse(
    file: Arc<str>,
    text: &str,
    limits: &Limits,
) -> Result<(Option<Value>, Vec<JsonError>), JsonError> {
    let index = LineIndex::new(text);
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    let parsed = jsonc_parser::parse_to_ast(text, &collect, &options).map_err(|e| {
        let range = e.range();
        JsonError::Syntax {
            span: index.span(file.clone(), text, range.start, range.end),
            message: lowercase_first(&e.kind().to_string()),
        }
    })?;
    let Some(root) = parsed.value else {
        return Ok((None, Vec::new()));
    };
    let mut converter = Converter {
        file,
        text,
        index,
        limits,
        duplicates: Vec::new(),
    };
    let value = converter.convert(&root, 0)?;
    Ok((Some(value), converter.duplicates))
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

struct Converter<'a> {
    file: Arc<str>,
    text: &'a str,
    index: LineIndex,
    limits: &'a Limits,
    duplicates: Vec<JsonError>,
}

impl Converter<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        self.index.span(self.file.clone(), self.text, start, end)
    }

    fn convert(&mut self, ast: &Ast<'_>, depth: usize) -> Result<Value, JsonError> {
        let range = match ast {
            Ast::StringLit(s) => s.range,
            Ast::NumberLit(n) => n.range,
            Ast::BooleanLit(b) => b.range,
            Ast::Object(o) => o.range,
            Ast::Array(a) => a.range,
            Ast::NullKeyword(n) => n.range,
        };
        let span = self.span(range.start, range.end);
        if depth > self.limits.max_depth {
            return Err(JsonError::TooDeep {
                span,
                limit: self.limits.max_depth,
            });
        }
        let kind = match ast {
            Ast::StringLit(s) => ValueKind::String(s.value.to_string()),
            Ast::NumberLit(n) => number(n.value),
            Ast::BooleanLit(b) => ValueKind::Bool(b.value),
            Ast::NullKeyword(_) => ValueKind::Null,
            Ast::Array(a) => ValueKind::List(
                a.elements
                    .iter()
                    .map(|e| self.convert(e, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            Ast::Object(o) => {
                let mut map = Map::new();
                let mut seen: HashMap<&str, u32> = HashMap::new();
                for prop in &o.properties {
                    let (key, key_range) = match &prop.name {
                        ObjectPropName::String(s) => (s.value.as_ref(), s.range),
                        ObjectPropName::Word(w) => (w.value, w.range),
                    };
                    let key_span = self.span(key_range.start, key_range.end);
                    if let Some(first_line) = seen.get(key) {
                        self.duplicates.push(JsonError::DuplicateKey {
                            span: key_span.clone(),
                            key: key.to_string(),
                            first_line: *first_line,
                        });
                    } else {
                        seen.insert(key, key_span.start.line);
                    }
                    let value = self.convert(&prop.value, depth + 1)?;
                    map.insert(key, key_span, value);
                }
                ValueKind::Map(map)
            }
        };
        Ok(Value::new(kind, span))
    }
}

/// JSON numbers: integers that fit in 64 bits stay integers, the rest are floats.
fn number(text: &str) -> ValueKind {
    if !text.contains(['.', 'e', 'E']) {
        if let Ok(i) = text.parse::<i64>() {
            return ValueKind::Int(i);
        }
    }
    match text.parse::<f64>() {
        // Up to 15 significant digits a float64 reads and prints back exactly.
        Ok(f) if f.is_finite() && significant_digits(text) <= 15 => ValueKind::Float(f),
        Ok(_) => ValueKind::Decimal(text.to_string()),
        Err(_) => ValueKind::String(text.to_string()),
    }
}

/// The significant digits of a JSON number's mantissa (`0.0012300` has 3).
fn significant_digits(text: &str) -> usize {
    let mantissa = text.split(['e', 'E']).next().unwrap_or(text);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    digits.trim_start_matches('0').trim_end_matches('0').len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Option<Value>, JsonError> {
        parse_json("t.json".into(), text, &Limits::default())
    }

    #[test]
    fn extensions_are_rejected() {
        for bad in [
            "{\"a\": 1,}",
            "{a: 1}",
            "// c\n{}",
            "{'a': 1}",
            "[0x10]",
            "[+1]",
        ] {
            assert!(parse(bad).is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = parse("{\n  \"a\": tru\n}").unwrap_err();
        assert_eq!(e.span().start.line, 2);
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = parse("{\"a\": 1,\n \"a\": 2}").unwrap_err();
        assert!(matches!(e, JsonError::DuplicateKey { first_line: 1, .. }));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(100_000) + &"]".repeat(100_000);
        assert!(parse(&text).is_err());
    }

    #[test]
    fn empty_text_is_no_value() {
        assert_eq!(parse("  \n").unwrap(), None);
    }

    #[test]
    fn numbers_keep_every_digit() {
        let v = parse("[1, 123456789012345678901234567890, 1e3, 0.1, 1.00000000000000000001]")
            .unwrap()
            .unwrap();
        let items = v.as_list().unwrap();
        assert_eq!(items[0].kind, ValueKind::Int(1));
        assert_eq!(
            items[1].kind,
            ValueKind::Decimal("123456789012345678901234567890".into())
        );
        assert_eq!(items[2].kind, ValueKind::Float(1000.0));
        assert_eq!(items[3].kind, ValueKind::Float(0.1));
        assert_eq!(
            items[4].kind,
            ValueKind::Decimal("1.00000000000000000001".into())
        );
    }
}
