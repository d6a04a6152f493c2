//! Source locations: [`Position`], [`Span`] and the [`LineIndex`] that turns byte offsets
//! into 1-based line:column pairs. Parsers produce spans; nothing here reads files.

use std::fmt;
use std::sync::Arc;

/// A point in a source file: 1-based line and column, and the 0-based byte offset.
///
/// Columns count Unicode scalar values (characters), not bytes, so a caret lines up under
/// the character a person sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Position {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// 0-based byte offset into the file's text.
    pub offset: usize,
}

/// The place a value, key, resource or error comes from: a file and a start and end
/// [`Position`] (the end is exclusive).
///
/// ```
/// use stet_graph::{LineIndex, Span};
/// let text = "a = 1\nb = 2\n";
/// let index = LineIndex::new(text);
/// let span = index.span("main.tf".into(), text, 6, 11);
/// assert_eq!(span.to_string(), "main.tf:2:1");
/// assert_eq!((span.end.line, span.end.column), (2, 6));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// The file, as stet names it in reports (relative to where stet runs when possible).
    pub file: Arc<str>,
    /// Where the spanned text starts.
    pub start: Position,
    /// Where the spanned text ends (exclusive).
    pub end: Position,
}

impl Span {
    /// A span covering the first character of `file`, for things that have no better place
    /// (a whole file, an empty document).
    pub fn file_start(file: Arc<str>) -> Span {
        let start = Position {
            line: 1,
            column: 1,
            offset: 0,
        };
        Span {
            file,
            start,
            end: start,
        }
    }

    /// The smallest span covering both `self` and `other` (which must be in the same file).
    pub fn cover(&self, other: &Span) -> Span {
        Span {
            file: self.file.clone(),
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.start.line, self.start.column)
    }
}

/// Maps byte offsets of one file's text to [`Position`]s in O(log lines).
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    ascii: bool,
}

impl LineIndex {
    /// Indexes the line starts of `text` (`\n`, `\r\n` and lone `\r` all end a line).
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes.get(i) {
                Some(b'\n') => line_starts.push(i + 1),
                Some(b'\r') if bytes.get(i + 1) != Some(&b'\n') => line_starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex {
            line_starts,
            ascii: text.is_ascii(),
        }
    }

    /// The position of byte `offset` in `text` (the text this index was built from).
    /// Offsets past the end, or inside a multi-byte character, are clamped.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        };
        let line_start = self.line_starts.get(line).copied().unwrap_or(0);
        let column = if self.ascii {
            offset - line_start
        } else {
            let mut end = offset;
            while end > line_start && !text.is_char_boundary(end) {
                end -= 1;
            }
            text.get(line_start..end).map_or(0, |s| s.chars().count())
        };
        Position {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
            offset,
        }
    }

    /// A [`Span`] for the byte range `start..end` of `text` in `file`.
    pub fn span(&self, file: Arc<str>, text: &str, start: usize, end: usize) -> Span {
        let start_pos = self.position(text, start);
        let end_pos = self.position(text, end.max(start));
        Span {
            file,
            start: start_pos,
            end: end_pos,
        }
    }

    /// The byte offset where 1-based `line` starts, if the text has that line.
    pub fn line_start(&self, line: u32) -> Option<usize> {
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        self.line_starts.get(index).copied()
    }

    /// The number of lines in the text.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_in_ascii_text() {
        let text = "ab\ncd\r\nef";
        let index = LineIndex::new(text);
        assert_eq!(
            index.position(text, 0),
            Position {
                line: 1,
                column: 1,
                offset: 0
            }
        );
        assert_eq!(index.position(text, 4).line, 2);
        assert_eq!(index.position(text, 4).column, 2);
        assert_eq!(index.position(text, 7).line, 3);
        assert_eq!(index.position(text, 99).offset, text.len());
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "é = \"ü\"";
        let index = LineIndex::new(text);
        // 'é' is two bytes; the '=' is the third character.
        assert_eq!(index.position(text, 3).column, 3);
        // an offset inside a multi-byte character is clamped to its start
        assert_eq!(index.position(text, 1).column, 1);
    }

    #[test]
    fn lone_carriage_return_ends_a_line() {
        let text = "a\rb";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 2).line, 2);
        assert_eq!(index.line_count(), 2);
    }
}
