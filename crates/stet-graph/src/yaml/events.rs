//! The event layer under every YAML loader: `saphyr-parser`'s events with spans in the file
//! as written, and the lenient re-read that accepts what libyaml accepts.
//!
//! Loaders differ in how they type scalars, what tags mean, whether aliases are allowed and
//! what keys may be; that is theirs to decide (the loader in this module's parent, the
//! CloudFormation parser's tags, cfn-guard's data files in `stet-rules`). What they share is
//! here: reading events, placing them, and re-reading text that `saphyr-parser` refuses
//! only for the indentation of lines in flow context.

use crate::{LineIndex, Position, Span};
use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span as RawSpan, StrInput, Tag};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A node's tag as written: `!Ref` has the handle `!` and the suffix `Ref`; `!!int` has the
/// core-schema handle `tag:yaml.org,2002:` and the suffix `int`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct YamlTag {
    /// The handle, `!` included (`!`, `!!` expanded to `tag:yaml.org,2002:`, or a `%TAG`
    /// prefix).
    pub handle: String,
    /// What follows the handle.
    pub suffix: String,
}

impl YamlTag {
    /// A core-schema tag (`!!str`, `!!int`, `!!bool`, `!!float`, `!!null`, …).
    pub fn is_core(&self) -> bool {
        self.handle == "tag:yaml.org,2002:"
    }

    /// A local tag (`!Ref`, `!GetAtt`): the handle is `!`.
    pub fn is_local(&self) -> bool {
        self.handle == "!"
    }

    /// The non-specific tag `!` (a bare `!` before a node): the node is a plain string or
    /// collection.
    pub fn is_non_specific(&self) -> bool {
        (self.handle == "!" && self.suffix.is_empty())
            || (self.handle.is_empty() && self.suffix == "!")
    }
}

impl std::fmt::Display for YamlTag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.handle, self.suffix)
    }
}

/// One event of a YAML stream (the stream's start is passed over).
#[derive(Debug, Clone, PartialEq)]
pub enum YamlEvent<'t> {
    /// A document starts (`---`, or implicitly).
    DocumentStart,
    /// A document ends (`...`, or implicitly).
    DocumentEnd,
    /// A scalar.
    Scalar {
        /// Its text, with escapes and folding applied.
        text: Cow<'t, str>,
        /// Written without quotes or block indicators (only plain scalars are typed).
        plain: bool,
        /// Its anchor's ID (0: none).
        anchor: usize,
        /// Its tag.
        tag: Option<YamlTag>,
    },
    /// A sequence starts.
    SequenceStart {
        /// Its anchor's ID (0: none).
        anchor: usize,
        /// Its tag.
        tag: Option<YamlTag>,
    },
    /// A sequence ends.
    SequenceEnd,
    /// A mapping starts.
    MappingStart {
        /// Its anchor's ID (0: none).
        anchor: usize,
        /// Its tag.
        tag: Option<YamlTag>,
    },
    /// A mapping ends.
    MappingEnd,
    /// An alias (`*name`), by its anchor's ID.
    Alias(usize),
    /// The stream ends.
    StreamEnd,
}

/// A YAML text the parser cannot read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    /// Where the parser stopped, in the file as written.
    pub span: Span,
    /// What the parser found (`saphyr-parser`'s words).
    pub message: String,
}

/// Where the parser stopped in the text it was given (which may be re-indented): line from
/// 1, column in characters from 0.
#[derive(Debug, Clone)]
struct RawFailure {
    line: usize,
    column: usize,
    message: String,
}

/// Reads the events of one YAML text, each with its [`Span`] in the file as written. Made by
/// [`read_yaml`].
pub struct YamlReader<'t> {
    parser: Parser<'t, StrInput<'t>>,
    file: Arc<str>,
    /// The file as written (the parser may be reading it re-indented).
    text: &'t str,
    index: &'t LineIndex,
    ascii: bool,
    /// Spaces added at the start of which lines (from 1) of the text being parsed.
    shifts: &'t BTreeMap<usize, usize>,
    failure: Option<RawFailure>,
}

impl<'t> YamlReader<'t> {
    fn new(
        file: Arc<str>,
        parsed: &'t str,
        text: &'t str,
        index: &'t LineIndex,
        shifts: &'t BTreeMap<usize, usize>,
    ) -> YamlReader<'t> {
        YamlReader {
            parser: Parser::new_from_str(parsed),
            file,
            text,
            index,
            ascii: text.is_ascii(),
            shifts,
            failure: None,
        }
    }

    /// The file the text comes from.
    pub fn file(&self) -> &Arc<str> {
        &self.file
    }

    /// The next event and its span (the stream's start, and the parser's internal events,
    /// are passed over; after the end, [`YamlEvent::StreamEnd`] again).
    ///
    /// # Errors
    /// The parser's error, placed in the file as written.
    pub fn next_event(&mut self) -> Result<(YamlEvent<'t>, Span), ScanError> {
        loop {
            let (event, raw) = match self.parser.next_event() {
                Some(Ok(pair)) => pair,
                Some(Err(e)) => {
                    self.failure = Some(RawFailure {
                        line: e.marker().line(),
                        column: e.marker().col(),
                        message: e.info().to_string(),
                    });
                    let position = self.position(e.marker());
                    return Err(ScanError {
                        span: Span {
                            file: self.file.clone(),
                            start: position,
                            end: position,
                        },
                        message: e.info().to_string(),
                    });
                }
                None => (Event::StreamEnd, RawSpan::default()),
            };
            let event = match event {
                Event::StreamStart | Event::Nothing => continue,
                Event::StreamEnd => YamlEvent::StreamEnd,
                Event::DocumentStart(_) => YamlEvent::DocumentStart,
                Event::DocumentEnd => YamlEvent::DocumentEnd,
                Event::Alias(id) => YamlEvent::Alias(id),
                Event::Scalar(text, style, anchor, tag) => YamlEvent::Scalar {
                    text,
                    plain: style == ScalarStyle::Plain,
                    anchor,
                    tag: tag.map(own_tag),
                },
                Event::SequenceStart(anchor, tag) => YamlEvent::SequenceStart {
                    anchor,
                    tag: tag.map(own_tag),
                },
                Event::SequenceEnd => YamlEvent::SequenceEnd,
                Event::MappingStart(anchor, tag) => YamlEvent::MappingStart {
                    anchor,
                    tag: tag.map(own_tag),
                },
                Event::MappingEnd => YamlEvent::MappingEnd,
            };
            return Ok((event, self.span(&raw)));
        }
    }

    fn span(&self, raw: &RawSpan) -> Span {
        Span {
            file: self.file.clone(),
            start: self.position(&raw.start),
            end: self.position(&raw.end),
        }
    }

    /// A parser marker as a position in the file as written: `saphyr-parser` counts
    /// characters, positions have byte offsets, and the spaces `read_yaml` added are not
    /// in the file.
    fn position(&self, marker: &Marker) -> Position {
        let line = u32::try_from(marker.line().max(1)).unwrap_or(u32::MAX);
        if self.ascii && self.shifts.is_empty() {
            return Position {
                line,
                column: u32::try_from(marker.col() + 1).unwrap_or(u32::MAX),
                offset: marker.index().min(self.text.len()),
            };
        }
        let added = self.shifts.get(&marker.line()).copied().unwrap_or(0);
        let column = marker.col() - added.min(marker.col());
        let start = self.index.line_start(line).unwrap_or(self.text.len());
        let rest = self.text.get(start..).unwrap_or("");
        let offset = start
            + rest
                .char_indices()
                .nth(column)
                .map_or(rest.len(), |(i, _)| i);
        Position {
            line,
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
            offset,
        }
    }
}

fn own_tag(tag: Cow<'_, Tag>) -> YamlTag {
    let tag = tag.into_owned();
    YamlTag {
        handle: tag.handle,
        suffix: tag.suffix,
    }
}

/// How many times a text is re-indented and read again before its first error stands.
const MAX_REINDENTS: usize = 64;

/// Runs `read` over the events of `text` (named `file` in spans), accepting what libyaml
/// accepts and `saphyr-parser` does not.
///
/// libyaml (under PyYAML, CloudFormation's reader and `serde_yaml`) does not check the
/// indentation of a multi-line quoted scalar's later lines, nor of the lines of a `{ ... }`
/// or `[ ... ]` written in a block mapping; `saphyr-parser` wants them indented deeper than
/// their key. Leading white space on those lines carries no meaning, so when `read` fails
/// on such a parser error, those lines are indented further and `read` runs again on the
/// new text; spans stay those of the file as written. Any other failure is returned as it
/// is, and so is the first failure when re-indenting does not help.
///
/// ```
/// use stet_graph::{read_yaml, YamlEvent};
/// let text = "a: {\n\"b\": 1 }\n";
/// let keys = read_yaml("t.yaml".into(), text, |reader| {
///     let mut keys = Vec::new();
///     loop {
///         match reader.next_event()? {
///             (YamlEvent::StreamEnd, _) => return Ok(keys),
///             (YamlEvent::Scalar { text, .. }, span) => keys.push((text.into_owned(), span.start.line)),
///             _ => {}
///         }
///     }
/// })
/// .map_err(|e: stet_graph::ScanError| e.message)
/// .unwrap();
/// assert_eq!(keys[1], ("b".to_string(), 2));
/// ```
pub fn read_yaml<T, E>(
    file: Arc<str>,
    text: &str,
    mut read: impl FnMut(&mut YamlReader<'_>) -> Result<T, E>,
) -> Result<T, E> {
    let index = LineIndex::new(text);
    let no_shifts = BTreeMap::new();
    let mut reader = YamlReader::new(file.clone(), text, text, &index, &no_shifts);
    let first = read(&mut reader);
    let Err(original) = first else { return first };
    let Some(mut failure) = reader.failure.take() else {
        return Err(original);
    };
    let mut shifts: BTreeMap<usize, usize> = BTreeMap::new();
    let mut current = text.to_string();
    for _ in 0..MAX_REINDENTS {
        let Some(lines) = lines_to_reindent(&current, &failure) else {
            return Err(original);
        };
        for line in lines {
            current = indent_line(&current, line, 2);
            *shifts.entry(line).or_insert(0) += 2;
        }
        if shifts.values().any(|s| *s > 128) {
            return Err(original);
        }
        let mut reader = YamlReader::new(file.clone(), &current, text, &index, &shifts);
        match read(&mut reader) {
            Ok(value) => return Ok(value),
            Err(_) => match reader.failure.take() {
                Some(f) => failure = f,
                None => return Err(original),
            },
        }
    }
    Err(original)
}

/// The lines (from 1) to indent further after `failure`, when it is one of lax indentation
/// in flow context; `None` otherwise.
fn lines_to_reindent(text: &str, failure: &RawFailure) -> Option<Vec<usize>> {
    let lines: Vec<&str> = text.split('\n').collect();
    let before = lines.get(..failure.line.checked_sub(1)?)?;
    let this = *lines.get(failure.line - 1)?;
    match failure.message.as_str() {
        "invalid indentation in quoted scalar" => {
            let line_start: usize = before.iter().map(|l| l.len() + 1).sum();
            let start = line_start
                + this
                    .chars()
                    .take(failure.column)
                    .map(char::len_utf8)
                    .sum::<usize>();
            let end = quoted_scalar_end(text, start)?;
            let mut reindent = Vec::new();
            let mut at = line_start + this.len() + 1;
            for (i, line) in lines.iter().enumerate().skip(failure.line) {
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
            let previous = before
                .iter()
                .rev()
                .map(|l| l.trim_end())
                .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))?;
            let in_flow = this.starts_with(['}', ']', '"', '\''])
                || previous.ends_with([',', '{', '['])
                || failure.message.ends_with("flow construct");
            in_flow.then(|| vec![failure.line])
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
    out.push_str(text.get(..start).unwrap_or(""));
    out.extend(std::iter::repeat_n(' ', count));
    out.push_str(text.get(start..).unwrap_or(""));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalars(text: &str) -> Result<Vec<(String, Span)>, ScanError> {
        read_yaml("t.yaml".into(), text, |reader| {
            let mut out = Vec::new();
            loop {
                match reader.next_event()? {
                    (YamlEvent::StreamEnd, _) => return Ok(out),
                    (YamlEvent::Scalar { text, .. }, span) => out.push((text.into_owned(), span)),
                    _ => {}
                }
            }
        })
    }

    #[test]
    fn spans_count_bytes_and_characters() {
        let text = "é: x\nb: y\n";
        let found = scalars(text).unwrap();
        let (_, y) = &found[3];
        assert_eq!(y.start.offset, text.find('y').unwrap());
        assert_eq!((y.start.line, y.start.column), (2, 4));
        let (_, x) = &found[1];
        assert_eq!((x.start.line, x.start.column), (1, 4));
    }

    #[test]
    fn lax_flow_indentation_keeps_positions_of_the_file_as_written() {
        let text = "a:\n  b: {\n    \"c\": 1,\n  \"d\": [\n  2 ]\n  }\n  e: \"one\n two\"\n";
        let found = scalars(text).unwrap();
        let (_, two) = found.iter().find(|(t, _)| t == "2").unwrap();
        assert_eq!((two.start.line, two.start.column), (5, 3));
        assert_eq!(&text[two.start.offset..two.end.offset], "2");
        assert!(found.iter().any(|(t, _)| t == "one two"));
    }

    #[test]
    fn block_indentation_errors_stay_errors() {
        let e = scalars("a:\n    b: 1\n  c: 2\n").unwrap_err();
        assert_eq!(e.span.start.line, 3);
    }

    #[test]
    fn tags_are_kept_as_written() {
        let tags = read_yaml("t.yaml".into(), "a: !Ref b\nc: !!int 1\n", |reader| {
            let mut out = Vec::new();
            loop {
                match reader.next_event()? {
                    (YamlEvent::StreamEnd, _) => return Ok::<_, ScanError>(out),
                    (YamlEvent::Scalar { tag: Some(tag), .. }, _) => out.push(tag),
                    _ => {}
                }
            }
        })
        .unwrap();
        assert!(tags[0].is_local() && tags[0].suffix == "Ref");
        assert!(tags[1].is_core() && tags[1].suffix == "int");
    }
}
