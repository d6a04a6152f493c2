//! Where the pieces of a heredoc's rendered text were written ([`Pieces`]), recorded while
//! the template renders so that a document written in the heredoc (a JSON container
//! definition) can be read with its lines ([`TextOrigin::Written`]). Rendering itself is
//! `template`'s.

use crate::source::FileText;
use std::ops::Range;
use std::rc::Rc;
use stet_graph::{Span, TextOrigin, TextPiece};

/// The pieces of a heredoc's text as it is rendered, and where each was written (see
/// [`TextOrigin::Written`]); other templates note nothing.
pub(super) struct Pieces {
    on: bool,
    list: Vec<TextPiece>,
}

impl Pieces {
    pub fn new(on: bool) -> Pieces {
        Pieces {
            on,
            list: Vec::new(),
        }
    }

    /// Literal text `value` rendered at byte `at`, written at `range` of `file`. Its lines
    /// are paired with the written lines from the last one back (a `<<-` heredoc's
    /// indentation and a strip marker remove text only at the start of lines and of the
    /// literal): a line that ends the written one is verbatim; any other stands for its whole
    /// written line (an escape changed it).
    pub fn literal(
        &mut self,
        file: &FileText,
        at: usize,
        value: &str,
        range: Option<Range<usize>>,
        whole: &Span,
    ) {
        if !self.on || value.is_empty() {
            return;
        }
        let Some(range) = range else {
            return self.other(at, whole.clone());
        };
        let written = file.slice(range.start, range.end);
        let mut written_lines = lines(written).into_iter().rev();
        let mut found = Vec::new();
        for (offset, line) in lines(value).into_iter().rev() {
            let piece = match written_lines.next() {
                Some((w_offset, w_line)) if w_line.ends_with(line) => {
                    let start = range.start + w_offset + (w_line.len() - line.len());
                    TextPiece {
                        at: at + offset,
                        span: file.span(start, start + line.len()),
                        verbatim: true,
                    }
                }
                Some((w_offset, w_line)) => {
                    let start = range.start + w_offset;
                    TextPiece {
                        at: at + offset,
                        span: file.span(start, start + w_line.len()),
                        verbatim: false,
                    }
                }
                None => TextPiece {
                    at: at + offset,
                    span: file.span(range.start, range.end),
                    verbatim: false,
                },
            };
            found.push(piece);
        }
        self.list.extend(found.into_iter().rev());
    }

    /// Text rendered from byte `at` on that stands for `span` as a whole (an interpolation,
    /// a directive).
    pub fn other(&mut self, at: usize, span: Span) {
        if self.on {
            self.list.push(TextPiece {
                at,
                span,
                verbatim: false,
            });
        }
    }

    /// The rendered text was cut back to `len` bytes (a strip marker).
    pub fn cut(&mut self, len: usize) {
        self.list.retain(|p| p.at < len);
    }

    /// The origin of `text` as rendered: only for a text of several lines (one line is
    /// placed well enough by the heredoc's own span).
    pub fn origin(self, text: &str) -> Option<Rc<TextOrigin>> {
        (self.on && text.contains('\n') && !self.list.is_empty())
            .then(|| Rc::new(TextOrigin::Written(self.list)))
    }
}

/// The lines of `text` with their byte offsets, each with its line break.
fn lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == '\n' {
            out.push((start, text.get(start..=i).unwrap_or("")));
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push((start, text.get(start..).unwrap_or("")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> FileText {
        FileText::new("main.tf".into(), text.into())
    }

    #[test]
    fn an_indented_literal_pairs_its_lines_from_the_end() {
        // `<<-` stripped two spaces from each line; the first line was trimmed further by a
        // strip marker.
        let text = "x = <<-EOF\n    a\n    bc\n  EOF\n";
        let f = file(text);
        let start = text.find("    a").unwrap_or(0);
        let end = text.find("  EOF").unwrap_or(0);
        let mut pieces = Pieces::new(true);
        pieces.literal(&f, 0, "a\n  bc\n", Some(start..end), &f.start());
        let found: Vec<(usize, u32, u32, bool)> = pieces
            .list
            .iter()
            .map(|p| (p.at, p.span.start.line, p.span.start.column, p.verbatim))
            .collect();
        assert_eq!(found, [(0, 2, 5, true), (2, 3, 3, true)]);
    }

    #[test]
    fn a_line_changed_by_an_escape_stands_for_its_written_line() {
        let text = "x = <<EOF\nb$${a}\nEOF\n";
        let f = file(text);
        let start = text.find("b$$").unwrap_or(0);
        let mut pieces = Pieces::new(true);
        pieces.literal(&f, 0, "b${a}\n", Some(start..start + 7), &f.start());
        let found: Vec<(u32, u32, u32, bool)> = pieces
            .list
            .iter()
            .map(|p| {
                (
                    p.span.start.line,
                    p.span.start.column,
                    p.span.end.column,
                    p.verbatim,
                )
            })
            .collect();
        assert_eq!(found, [(2, 1, 1, false)]);
        assert!(pieces.origin("b${a}\n").is_some());
    }

    #[test]
    fn other_templates_note_nothing() {
        let f = file("x = \"a\"\n");
        let mut pieces = Pieces::new(false);
        pieces.literal(&f, 0, "a", Some(5..6), &f.start());
        pieces.other(1, f.start());
        assert!(pieces.origin("a\nb").is_none());
    }
}
