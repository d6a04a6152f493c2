//! The parsing machinery the grammar productions share: positions in the text, the two ways
//! a production can fail (cfn-guard's parser is written with `nom`, where a production that
//! does not match gives way to the next alternative, while one that has committed — nom's
//! `cut` — stops the whole parse), white space and comments, and what was expected where, for
//! error messages.

use std::cell::{Cell, RefCell};

use crate::ast::Query;
use crate::fxhash::FastMap;

/// Why a production did not produce a value.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Fail {
    /// It does not match here; an enclosing alternative may still.
    Error,
    /// It matched far enough to commit and then failed: the whole parse fails.
    Failure(Failure),
}

/// A committed failure: where, and what was wrong.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Failure {
    /// The byte offset.
    pub pos: usize,
    /// What went wrong.
    pub why: Why,
}

/// What a committed failure says.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Why {
    /// Something specific was expected here (`}`, `<<`, a rule name).
    Expected(&'static str),
    /// A full message (an unterminated string, a range with bounds of two kinds).
    Message(String),
    /// The parse ran over its step budget.
    Budget,
}

/// A production's result: the position after it and its value.
pub(super) type PResult<T> = Result<(usize, T), Fail>;

/// Grammar steps one parse may take per byte of text, with [`MIN_STEPS`] as a floor: text
/// that would make the parser backtrack without end fails in time proportional to its size.
/// Real rule files need a few dozen steps per byte.
const STEPS_PER_BYTE: usize = 400;
/// The step budget of a small file.
const MIN_STEPS: usize = 200_000;

/// The text being parsed and what the parse has learned about it so far.
pub(super) struct Cursor<'t> {
    /// The rule file's text.
    pub text: &'t str,
    furthest: Cell<usize>,
    expected: RefCell<Vec<&'static str>>,
    regex_errors: RefCell<Vec<(usize, String)>>,
    function_notes: RefCell<Vec<(usize, usize, String)>>,
    steps: Cell<usize>,
    max_steps: usize,
    /// Queries already parsed at a position (queries nest inside filters, and alternatives
    /// re-read them; keeping them makes parsing linear in practice).
    pub queries: RefCell<FastMap<usize, PResult<Query>>>,
}

impl<'t> Cursor<'t> {
    pub fn new(text: &'t str) -> Cursor<'t> {
        Cursor {
            text,
            furthest: Cell::new(0),
            expected: RefCell::new(Vec::new()),
            regex_errors: RefCell::new(Vec::new()),
            function_notes: RefCell::new(Vec::new()),
            steps: Cell::new(0),
            max_steps: text.len().saturating_mul(STEPS_PER_BYTE).max(MIN_STEPS),
            queries: RefCell::new(FastMap::default()),
        }
    }

    /// Counts one production call; past the budget the parse stops.
    pub fn step(&self, pos: usize) -> Result<(), Fail> {
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        if steps > self.max_steps {
            return Err(Fail::Failure(Failure {
                pos,
                why: Why::Budget,
            }));
        }
        Ok(())
    }

    /// Notes that `what` was expected at `pos` (only the furthest position is kept).
    pub fn expect(&self, pos: usize, what: &'static str) {
        let furthest = self.furthest.get();
        if pos > furthest {
            self.furthest.set(pos);
            let mut expected = self.expected.borrow_mut();
            expected.clear();
            expected.push(what);
        } else if pos == furthest {
            let mut expected = self.expected.borrow_mut();
            if !expected.contains(&what) {
                expected.push(what);
            }
        }
    }

    /// An [`Fail::Error`] after noting what was expected.
    pub fn error<T>(&self, pos: usize, what: &'static str) -> Result<T, Fail> {
        self.expect(pos, what);
        Err(Fail::Error)
    }

    /// Notes an invalid regular expression at `pos`.
    pub fn regex_error(&self, pos: usize, message: String) {
        self.regex_errors.borrow_mut().push((pos, message));
    }

    /// The invalid regular expression at `pos`, if one was seen there.
    pub fn regex_error_at(&self, pos: usize) -> Option<String> {
        self.regex_errors
            .borrow()
            .iter()
            .find(|(p, _)| *p == pos)
            .map(|(_, m)| m.clone())
    }

    /// Notes a call of an unknown function (`arity` `None`) or one with the wrong number of
    /// arguments (`Some((takes, passed))`) between `start` and `end`.
    pub fn note_function(
        &self,
        start: usize,
        end: usize,
        name: &str,
        arity: Option<(usize, usize)>,
    ) {
        let message = match arity {
            None => format!(
                "unknown function `{name}` (known: {})",
                crate::functions::names().join(", ")
            ),
            Some((takes, passed)) => format!(
                "`{name}` takes {takes} argument{}, this call passes {passed}",
                if takes == 1 { "" } else { "s" }
            ),
        };
        self.function_notes.borrow_mut().push((start, end, message));
    }

    /// What was wrong with a function call that covers `pos`, and where the call starts.
    pub fn function_note_at(&self, pos: usize) -> Option<(usize, String)> {
        self.function_notes
            .borrow()
            .iter()
            .find(|(start, end, _)| *start <= pos && pos <= *end)
            .map(|(start, _, m)| (*start, m.clone()))
    }

    /// The furthest position something was expected at, and what.
    pub fn furthest(&self) -> (usize, Vec<&'static str>) {
        (self.furthest.get(), self.expected.borrow().clone())
    }

    /// The text from `pos` on.
    pub fn rest(&self, pos: usize) -> &'t str {
        self.text.get(pos..).unwrap_or("")
    }

    /// The character at `pos`.
    pub fn peek(&self, pos: usize) -> Option<char> {
        self.rest(pos).chars().next()
    }

    /// `c` at `pos`.
    pub fn char(&self, pos: usize, c: char) -> Result<usize, Fail> {
        match self.peek(pos) {
            Some(found) if found == c => Ok(pos + c.len_utf8()),
            _ => Err(Fail::Error),
        }
    }

    /// `word` at `pos`.
    pub fn tag(&self, pos: usize, word: &str) -> Result<usize, Fail> {
        if self.rest(pos).starts_with(word) {
            Ok(pos + word.len())
        } else {
            Err(Fail::Error)
        }
    }

    /// `word` at `pos`, not running straight into a letter, digit or `_`.
    pub fn keyword(&self, pos: usize, word: &str) -> Result<usize, Fail> {
        let end = self.tag(pos, word)?;
        if self.peek(end).is_some_and(is_identifier_char) {
            return Err(Fail::Error);
        }
        Ok(end)
    }

    /// The first of `words` at `pos` (each as [`Cursor::keyword`]).
    pub fn keywords(&self, pos: usize, words: &[&str]) -> Result<usize, Fail> {
        words
            .iter()
            .find_map(|w| self.keyword(pos, w).ok())
            .ok_or(Fail::Error)
    }

    /// The first of `words` at `pos` (each as [`Cursor::tag`]).
    pub fn tags(&self, pos: usize, words: &[&str]) -> Result<usize, Fail> {
        words
            .iter()
            .find_map(|w| self.tag(pos, w).ok())
            .ok_or(Fail::Error)
    }

    /// Spaces and tabs.
    pub fn space0(&self, pos: usize) -> usize {
        pos + self
            .rest(pos)
            .bytes()
            .take_while(|b| *b == b' ' || *b == b'\t')
            .count()
    }

    /// Spaces, tabs, carriage returns and newlines (no comments).
    pub fn multispace0(&self, pos: usize) -> usize {
        pos + self
            .rest(pos)
            .bytes()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            .count()
    }

    /// A `#` comment to the end of its line, and the white space after it.
    pub fn comment(&self, pos: usize) -> Result<usize, Fail> {
        let after = self.char(pos, '#')?;
        let end = after
            + self
                .rest(after)
                .find('\n')
                .unwrap_or(self.rest(after).len());
        Ok(self.multispace0(end))
    }

    /// Any white space and comments, possibly none.
    pub fn ws0(&self, mut pos: usize) -> usize {
        loop {
            let next = self.multispace0(pos);
            let next = self.comment(next).unwrap_or(next);
            if next == pos {
                return pos;
            }
            pos = next;
        }
    }

    /// At least one white space character or comment.
    pub fn ws1(&self, pos: usize) -> Result<usize, Fail> {
        let end = self.ws0(pos);
        if end == pos {
            Err(Fail::Error)
        } else {
            Ok(end)
        }
    }

    /// One or more spaces or tabs.
    pub fn space1(&self, pos: usize) -> Result<usize, Fail> {
        let end = self.space0(pos);
        if end == pos {
            Err(Fail::Error)
        } else {
            Ok(end)
        }
    }

    /// A newline (`\n` or `\r\n`).
    pub fn newline(&self, pos: usize) -> Result<usize, Fail> {
        self.tags(pos, &["\n", "\r\n"])
    }

    /// ASCII digits, at least one.
    pub fn digits1(&self, pos: usize) -> Result<usize, Fail> {
        let n = self
            .rest(pos)
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        if n == 0 {
            Err(Fail::Error)
        } else {
            Ok(pos + n)
        }
    }

    /// A name: an ASCII letter, then letters, digits (any script) and `_`.
    pub fn var_name(&self, pos: usize) -> PResult<String> {
        let rest = self.rest(pos);
        let mut chars = rest.char_indices();
        match chars.next() {
            Some((_, c)) if c.is_ascii_alphabetic() => {}
            _ => return Err(Fail::Error),
        }
        let end = chars
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
            .map_or(rest.len(), |(i, _)| i);
        Ok((pos + end, rest.get(..end).unwrap_or("").to_string()))
    }

    /// `not ` / `NOT ` (followed by spaces) or `!`.
    pub fn not(&self, pos: usize) -> Result<usize, Fail> {
        for word in ["not", "NOT"] {
            if let Ok(after) = self.tag(pos, word) {
                if let Ok(end) = self.space1(after) {
                    return Ok(end);
                }
            }
        }
        self.char(pos, '!')
    }

    /// `or`, `OR` or `|OR|` between clauses: white space before it, and at least one white
    /// space character or comment after it.
    pub fn or_join(&self, pos: usize) -> Result<usize, Fail> {
        let at = self.ws0(pos);
        let after = self.tags(at, &["or", "OR", "|OR|"])?;
        self.ws1(after)
    }
}

/// A character that continues an identifier.
pub(super) fn is_identifier_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Runs `f`; a [`Fail::Error`] becomes `None` (nom's `opt`), a committed failure stays one.
pub(super) fn opt<T>(result: PResult<T>, pos: usize) -> PResult<Option<T>> {
    match result {
        Ok((end, value)) => Ok((end, Some(value))),
        Err(Fail::Error) => Ok((pos, None)),
        Err(failure) => Err(failure),
    }
}

/// Turns a [`Fail::Error`] into a committed failure expecting `what` at `pos` (nom's `cut`).
pub(super) fn cut<T>(result: PResult<T>, pos: usize, what: &'static str) -> PResult<T> {
    match result {
        Err(Fail::Error) => Err(Fail::Failure(Failure {
            pos,
            why: Why::Expected(what),
        })),
        other => other,
    }
}

/// A committed failure with a message.
pub(super) fn failure<T>(pos: usize, message: impl Into<String>) -> Result<T, Fail> {
    Err(Fail::Failure(Failure {
        pos,
        why: Why::Message(message.into()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_space_takes_comments_and_newlines() {
        let c = Cursor::new("  # a comment\n\t x");
        assert_eq!(c.ws0(0), 16);
        assert!(c.ws1(16).is_err());
    }

    #[test]
    fn keywords_do_not_run_into_names() {
        let c = Cursor::new("trueFlag true)");
        assert!(c.keyword(0, "true").is_err());
        assert_eq!(c.keyword(9, "true"), Ok(13));
    }

    #[test]
    fn names_start_with_an_ascii_letter() {
        let c = Cursor::new("aé_1.b _x");
        assert_eq!(c.var_name(0), Ok((5, "aé_1".to_string())));
        assert!(c.var_name(7).is_err());
    }

    #[test]
    fn not_needs_a_space_after_the_word() {
        let c = Cursor::new("not x nothing !y");
        assert_eq!(c.not(0), Ok(4));
        assert!(c.not(6).is_err());
        assert_eq!(c.not(14), Ok(15));
    }
}
