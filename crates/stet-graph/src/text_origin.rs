//! Where the text of a string value came from, when a parser knows more than the string's
//! span ([`TextOrigin`]), and placing a value decoded from that text
//! ([`Value::place_decoded`]): a JSON document written in a Terraform heredoc, or built by
//! `jsonencode(...)`, then points at the line of each of its parts rather than at the whole
//! string. Decoding itself (JSON, YAML) is left to whoever reads the text.

use crate::{Position, Span, Value, ValueKind};

/// How a string's text came about (see [`Value::text_origin`]).
#[derive(Debug, Clone, PartialEq)]
pub enum TextOrigin {
    /// The text as written in a file, piece by piece, in the order of the text (a Terraform
    /// heredoc: its lines, and the interpolations in them).
    Written(Vec<TextPiece>),
    /// The text is the encoding (JSON or YAML) of this value, with the places its parts were
    /// written (Terraform `jsonencode(x)` and `yamlencode(x)`: `x`).
    Encoding(Value),
}

/// One piece of a string's text and where it was written (see [`TextOrigin::Written`]).
#[derive(Debug, Clone, PartialEq)]
pub struct TextPiece {
    /// The byte offset in the string where the piece starts; it runs to the next piece.
    pub at: usize,
    /// Where the piece was written.
    pub span: Span,
    /// Whether the piece is the file's text character for character from `span.start` (a
    /// line written as it reads); else the whole piece stands for `span` (an interpolation, a
    /// line with escapes or stripped markers).
    pub verbatim: bool,
}

impl Value {
    /// `decoded`, a value read from this string's text with spans counted in that text (byte
    /// offsets from the text's start), placed where its parts were written: through the
    /// pieces of a [`TextOrigin::Written`] text; at the matching parts of the value a
    /// [`TextOrigin::Encoding`] encodes, where the decoded value has the same shape and
    /// scalars; everything else at this string's span. The values are `decoded`'s own, so
    /// they are exactly what reading the text gives.
    ///
    /// ```
    /// use stet_graph::{LineIndex, TextOrigin, TextPiece, Value, ValueKind};
    /// // `<<-EOF` in a file: the heredoc's second line is `    {"image": "nginx"}`.
    /// let file = "x = <<-EOF\n    {\"image\": \"nginx\"}\n    EOF\n";
    /// let index = LineIndex::new(file);
    /// let line = index.span("main.tf".into(), file, 15, 34);
    /// let mut heredoc = Value::string("{\"image\": \"nginx\"}\n", index.span("main.tf".into(), file, 4, 42));
    /// heredoc.text_origin = Some(Box::new(TextOrigin::Written(vec![TextPiece {
    ///     at: 0,
    ///     span: line,
    ///     verbatim: true,
    /// }])));
    /// // What a JSON reader gives for the text: `"nginx"` at bytes 10..17 of it.
    /// let text = heredoc.as_str().unwrap();
    /// let text_index = LineIndex::new(text);
    /// let mut map = stet_graph::Map::new();
    /// let at = |a, b| text_index.span("main.tf".into(), text, a, b);
    /// map.insert("image", at(1, 8), Value::string("nginx", at(10, 17)));
    /// let decoded = Value::new(ValueKind::Map(map), at(0, 18));
    /// let placed = heredoc.place_decoded(decoded);
    /// let image = placed.get("image").unwrap();
    /// assert_eq!((image.span.start.line, image.span.start.column), (2, 15));
    /// ```
    pub fn place_decoded(&self, decoded: Value) -> Value {
        let text = match &self.kind {
            ValueKind::String(s) => s.as_str(),
            ValueKind::Expr(e) => e.text.as_str(),
            _ => return decoded.respanned(&self.span),
        };
        match self.text_origin.as_deref() {
            Some(TextOrigin::Written(pieces)) => {
                let locator = Locator {
                    text,
                    pieces,
                    whole: &self.span,
                };
                locator.place(decoded)
            }
            Some(TextOrigin::Encoding(source)) => transfer(decoded, source, &self.span),
            None => decoded.respanned(&self.span),
        }
    }
}

/// Maps byte offsets of a string's text to places in files.
struct Locator<'a> {
    text: &'a str,
    pieces: &'a [TextPiece],
    whole: &'a Span,
}

impl Locator<'_> {
    fn place(&self, mut value: Value) -> Value {
        value.span = self.span(&value.span);
        match &mut value.kind {
            ValueKind::List(items) => {
                let items = std::mem::take(items);
                value.kind = ValueKind::List(items.into_iter().map(|i| self.place(i)).collect());
            }
            ValueKind::Map(map) => {
                let entries = std::mem::take(map);
                *map = entries
                    .into_iter()
                    .map(|mut e| {
                        e.key_span = self.span(&e.key_span);
                        e.value = self.place(e.value);
                        e
                    })
                    .collect();
            }
            _ => {}
        }
        value
    }

    /// The file span of a span counted in the text; the whole string's span where the text's
    /// offsets lead nowhere known.
    fn span(&self, in_text: &Span) -> Span {
        let (Some((start_file, start)), Some((end_file, end))) = (
            self.position(in_text.start.offset, false),
            self.position(in_text.end.offset, true),
        ) else {
            return self.whole.clone();
        };
        if start_file != end_file || end.offset < start.offset {
            return Span {
                file: start_file,
                start,
                end: start,
            };
        }
        Span {
            file: start_file,
            start,
            end,
        }
    }

    /// Where byte `offset` of the text is; `end`: the offset ends a span, so it belongs to the
    /// piece before it when a piece starts there.
    fn position(&self, offset: usize, end: bool) -> Option<(std::sync::Arc<str>, Position)> {
        if offset > self.text.len() {
            return None;
        }
        let after = if end && offset > 0 {
            self.pieces.partition_point(|p| p.at < offset)
        } else {
            self.pieces.partition_point(|p| p.at <= offset)
        };
        let piece = self.pieces.get(after.checked_sub(1)?)?;
        if !piece.verbatim {
            let at = if end {
                piece.span.end
            } else {
                piece.span.start
            };
            return Some((piece.span.file.clone(), at));
        }
        let read = self.text.get(piece.at..offset)?;
        let start = piece.span.start;
        let mut line = start.line;
        let mut column = start.column;
        for c in read.chars() {
            if c == '\n' {
                line = line.saturating_add(1);
                column = 1;
            } else {
                column = column.saturating_add(1);
            }
        }
        Some((
            piece.span.file.clone(),
            Position {
                line,
                column,
                offset: start.offset + read.len(),
            },
        ))
    }
}

impl Value {
    /// This value with the place `source` was defined, when `source` was read through a
    /// variable (see [`Value::defined_at`]).
    fn defined_as(mut self, source: &Value) -> Value {
        self.defined_at.clone_from(&source.defined_at);
        self
    }
}

/// `decoded` with the spans (and definitions) of the matching parts of `source`, the value it
/// is the encoding of; a part that does not match sits at `whole`.
fn transfer(decoded: Value, source: &Value, whole: &Span) -> Value {
    let Value { kind, .. } = decoded;
    match (kind, &source.kind) {
        (ValueKind::List(items), ValueKind::List(from)) if items.len() == from.len() => {
            let items = items
                .into_iter()
                .zip(from)
                .map(|(item, from)| transfer(item, from, whole))
                .collect();
            Value::new(ValueKind::List(items), source.span.clone()).defined_as(source)
        }
        (ValueKind::Map(map), ValueKind::Map(from)) => {
            let map = map
                .into_iter()
                .map(|mut e| {
                    match from.entry(&e.key) {
                        Some(f) => {
                            e.key_span = f.key_span.clone();
                            e.value = transfer(e.value, &f.value, whole);
                        }
                        None => {
                            e.key_span = whole.clone();
                            e.value = e.value.respanned(whole);
                        }
                    }
                    e
                })
                .collect();
            Value::new(ValueKind::Map(map), source.span.clone()).defined_as(source)
        }
        (kind, _) => {
            let value = Value::new(kind, whole.clone());
            // A number may be read back in another form (a 512-bit Terraform number as the
            // nearest float): it matches when both write the same JSON.
            let matches = match (&value.kind, &source.kind) {
                (ValueKind::String(s), ValueKind::Expr(e)) => *s == e.text,
                _ => value.same(source) || value.to_json() == source.to_json(),
            };
            if matches {
                Value {
                    span: source.span.clone(),
                    ..value
                }
                .defined_as(source)
            } else {
                value.respanned(whole)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Expr, LineIndex, Map};
    use std::sync::Arc;

    fn at(file: &str, text: &str, start: usize, end: usize) -> Span {
        LineIndex::new(text).span(Arc::from(file), text, start, end)
    }

    /// What a reader of `text` gives for `{"a": [1, "x"]}` laid out in it.
    fn decoded_in(text: &str) -> Value {
        let find = |s: &str| text.find(s).unwrap_or(0);
        let span = |s: &str| at("<text>", text, find(s), find(s) + s.len());
        let list = Value::new(
            ValueKind::List(vec![
                Value::new(ValueKind::Int(1), span("1")),
                Value::string("x", span("\"x\"")),
            ]),
            span("[1, \"x\"]"),
        );
        let mut map = Map::new();
        map.insert("a", span("\"a\""), list);
        Value::new(ValueKind::Map(map), at("<text>", text, 0, text.len()))
    }

    #[test]
    fn written_text_maps_each_line_to_its_place() {
        // The file: line 3 is `  {"a":` and line 4 is `    [1, "x"]}` (a `<<-` heredoc
        // with two spaces of indentation stripped).
        let file = "r {\n  x = <<-EOF\n  {\"a\":\n    [1, \"x\"]}\n  EOF\n}\n";
        let text = "{\"a\":\n  [1, \"x\"]}\n";
        let line3 = file.find("{\"a\"").unwrap_or(0);
        let line4 = file.find("  [1").unwrap_or(0);
        let mut value = Value::string(text, at("main.tf", file, 10, 40));
        value.text_origin = Some(Box::new(TextOrigin::Written(vec![
            TextPiece {
                at: 0,
                span: at("main.tf", file, line3, line3 + 6),
                verbatim: true,
            },
            TextPiece {
                at: 6,
                span: at("main.tf", file, line4, line4 + 12),
                verbatim: true,
            },
        ])));
        let placed = value.place_decoded(decoded_in(text));
        let key = placed
            .as_map()
            .and_then(|m| m.entry("a"))
            .map(|e| &e.key_span);
        assert_eq!(key.map(|s| (s.start.line, s.start.column)), Some((3, 4)));
        let list = placed.get("a").and_then(Value::as_list).unwrap_or_default();
        let places: Vec<(u32, u32, u32)> = list
            .iter()
            .map(|v| (v.span.start.line, v.span.start.column, v.span.end.column))
            .collect();
        assert_eq!(places, [(4, 6, 7), (4, 9, 12)]);
        // The values are the decoded ones.
        assert_eq!(placed.to_json(), serde_json::json!({"a": [1, "x"]}));
    }

    #[test]
    fn a_piece_that_is_not_verbatim_stands_for_its_whole_place() {
        let file = "x = <<EOF\n[1, ${var.x}]\nEOF\n";
        let text = "[1, \"x\"]\n";
        let interpolation = file.find("${").unwrap_or(0);
        let mut value = Value::string(text, at("main.tf", file, 4, 30));
        value.text_origin = Some(Box::new(TextOrigin::Written(vec![
            TextPiece {
                at: 0,
                span: at("main.tf", file, 10, 14),
                verbatim: true,
            },
            TextPiece {
                at: 4,
                span: at("main.tf", file, interpolation, interpolation + 8),
                verbatim: false,
            },
            TextPiece {
                at: 7,
                span: at("main.tf", file, interpolation + 8, interpolation + 10),
                verbatim: true,
            },
        ])));
        let list = Value::new(
            ValueKind::List(vec![
                Value::new(ValueKind::Int(1), at("<text>", text, 1, 2)),
                Value::string("x", at("<text>", text, 4, 7)),
            ]),
            at("<text>", text, 0, 8),
        );
        let placed = value.place_decoded(list);
        let items = placed.as_list().unwrap_or_default();
        let spans: Vec<(u32, u32, u32)> = items
            .iter()
            .map(|v| (v.span.start.line, v.span.start.column, v.span.end.column))
            .collect();
        assert_eq!(spans, [(2, 2, 3), (2, 5, 13)]);
        assert_eq!((placed.span.start.column, placed.span.end.column), (1, 14));
    }

    #[test]
    fn an_encoding_gives_its_parts_their_places() {
        let file = "x = jsonencode({ a = [1, \"x\"] })\n";
        let source_span = |s: &str| {
            let i = file.find(s).unwrap_or(0);
            at("main.tf", file, i, i + s.len())
        };
        let mut source = Map::new();
        source.insert(
            "a",
            source_span("a ="),
            Value::new(
                ValueKind::List(vec![
                    Value::new(ValueKind::Int(1), source_span("1")),
                    Value::string("x", source_span("\"x\"")),
                ]),
                source_span("[1, \"x\"]"),
            ),
        );
        let text = "{\"a\":[1,\"x\"]}";
        let mut value = Value::string(text, source_span("jsonencode"));
        value.text_origin = Some(Box::new(TextOrigin::Encoding(Value::new(
            ValueKind::Map(source),
            source_span("{ a = [1, \"x\"] }"),
        ))));
        let placed = value.place_decoded(decoded_in(text));
        let list = placed.get("a").and_then(Value::as_list).unwrap_or_default();
        let columns: Vec<u32> = list.iter().map(|v| v.span.start.column).collect();
        assert_eq!(columns, [23, 26]);
        assert_eq!(placed.to_json(), serde_json::json!({"a": [1, "x"]}));
    }

    #[test]
    fn parts_an_encoding_does_not_match_sit_at_the_string() {
        let span = at("main.tf", "x = 1", 4, 5);
        let other = at("main.tf", "x = 1", 0, 1);
        let mut source = Map::new();
        source.insert(
            "a",
            other.clone(),
            Value::new(
                ValueKind::Expr(Box::new(Expr {
                    source: "var.a".into(),
                    text: "${var.a}".into(),
                    references: vec!["var.a".into()],
                    fallback: None,
                })),
                other.clone(),
            ),
        );
        let mut value = Value::string("{\"a\":\"${var.a}\",\"b\":2}", span.clone());
        value.text_origin = Some(Box::new(TextOrigin::Encoding(Value::new(
            ValueKind::Map(source),
            other.clone(),
        ))));
        let mut decoded = Map::new();
        decoded.insert("a", span.clone(), Value::string("${var.a}", span.clone()));
        decoded.insert(
            "b",
            span.clone(),
            Value::new(ValueKind::Int(2), other.clone()),
        );
        let placed = value.place_decoded(Value::new(ValueKind::Map(decoded), span.clone()));
        // The unknown part matches its text; `b` is not in the source.
        assert_eq!(placed.get("a").map(|v| &v.span), Some(&other));
        assert_eq!(placed.get("b").map(|v| &v.span), Some(&span));
    }

    #[test]
    fn a_string_with_no_origin_places_everything_at_itself() {
        let span = at("main.tf", "x = 1", 4, 5);
        let value = Value::string("{\"a\": [1, \"x\"]}", span.clone());
        let placed = value.place_decoded(decoded_in("{\"a\": [1, \"x\"]}"));
        let list = placed.get("a").and_then(Value::as_list).unwrap_or_default();
        assert!(list.iter().all(|v| v.span == span));
    }
}
