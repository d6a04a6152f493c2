//! From rule-file text to [`RuleFile`]: a recursive-descent parser that accepts exactly the
//! language cfn-guard 3.2.1's parser (`guard/src/rules/parser.rs`, written with `nom`)
//! accepts, production by production, with its ordered alternatives and its committed
//! failures (nom's `cut`): where cfn-guard gives up on a file, so does this parser, and where
//! it reads a construct one way, so does this one. Errors carry the rule file's line and
//! column. The productions are split by what they read: `values` (literals), `queries`,
//! `clauses` (clauses, blocks, rules' bodies); this module reads the file's top level.
//!
//! Like cfn-guard, the parser checks function names, function argument counts, regexes and
//! range bounds; references to variables and rules are resolved when a rule is evaluated.

mod clauses;
mod cursor;
mod queries;
mod values;

use crate::ast::*;
use crate::Error;
use cursor::{cut, Cursor, Fail, Failure, PResult, Why};
use std::sync::Arc;
use stet_graph::{LineIndex, Span};

/// Deepest nesting of `[`, `{` and `(` a rule file may use. Real rules nest a handful of
/// levels; the limit keeps the parser's recursion bounded on hostile text.
const MAX_NESTING: usize = 48;

/// Which clauses a context admits, as cfn-guard's parser distinguishes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    /// Block clauses, filters, nested `when` bodies and type blocks: comparisons, block
    /// clauses, `when` blocks and parameterized calls (`clause`).
    Clause,
    /// The body of a `when` block in a rule or at the top: a clause or a rule reference.
    ClauseOrRule,
    /// A rule's body: a type block, a `when` block, a clause or a rule reference.
    RuleBody,
    /// `when` conditions: comparisons, parameterized calls and rule references.
    Condition,
    /// Type blocks joined by `or` at the top of a file.
    TypeBlock,
}

/// The parser over one rule file.
struct Parser<'t> {
    c: Cursor<'t>,
    file: Arc<str>,
    index: &'t LineIndex,
}

impl Parser<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        self.index
            .span(self.file.clone(), self.c.text, start, end.max(start))
    }
}

/// Parses a rule file's `text`, named `file` in errors. A file of nothing but white space
/// and comments holds no rules.
pub fn parse_rule_file(file: &str, text: &str) -> Result<RuleFile, Error> {
    let index = LineIndex::new(text);
    let parser = Parser {
        c: Cursor::new(text),
        file: Arc::from(file),
        index: &index,
    };
    if let Err(offset) = check_nesting(text) {
        return Err(parser.error_at(
            offset,
            &format!("brackets nest deeper than {MAX_NESTING} levels"),
        ));
    }
    match parser.rules_file() {
        Ok(file) => Ok(file),
        Err(fail) => Err(parser.report(fail)),
    }
}

/// One item at the top of a file.
enum Item {
    Assignment(Assignment),
    Rule(Rule),
    Parameterized(ParameterizedRule),
    Clauses(Vec<Clause>),
}

impl Parser<'_> {
    /// The whole file: white space and comments, then items up to the end.
    fn rules_file(&self) -> Result<RuleFile, Fail> {
        let c = &self.c;
        let mut at = c.ws0(0);
        let mut file = RuleFile::default();
        if at >= c.text.len() {
            return Ok(file);
        }
        let mut default = Block::default();
        let mut default_start = None;
        loop {
            let item_at = c.ws0(at);
            match self.item(item_at) {
                Ok((end, item)) => {
                    at = c.ws0(end);
                    match item {
                        Item::Assignment(a) => file.assignments.push(a),
                        Item::Rule(r) => file.rules.push(r),
                        Item::Parameterized(p) => file.parameterized.push(p),
                        Item::Clauses(clauses) => {
                            default_start.get_or_insert(item_at);
                            default.clauses.push(clauses);
                        }
                    }
                }
                Err(Fail::Error) => break,
                Err(f) => return Err(f),
            }
            if at >= c.text.len() {
                break;
            }
        }
        if at < c.text.len() {
            c.expect(at, "`let`, `rule` or a clause");
            return Err(Fail::Error);
        }
        if let Some(start) = default_start {
            file.rules.insert(
                0,
                Rule {
                    name: "default".into(),
                    conditions: None,
                    block: default,
                    span: self.span(start, start),
                },
            );
        }
        Ok(file)
    }

    /// One top-level item, alternatives in cfn-guard's order.
    fn item(&self, pos: usize) -> PResult<Item> {
        match self.assignment(pos) {
            Ok((end, a)) => return Ok((end, Item::Assignment(a))),
            Err(Fail::Error) => {}
            Err(f) => return Err(f),
        }
        match self.parameterized_rule(pos) {
            Ok((end, p)) => return Ok((end, Item::Parameterized(p))),
            Err(Fail::Error) => {}
            Err(f) => return Err(f),
        }
        match self.rule(pos) {
            Ok((end, r)) => return Ok((end, Item::Rule(r))),
            Err(Fail::Error) => {}
            Err(f) => return Err(f),
        }
        match self.disjunction(pos, BodyKind::TypeBlock) {
            Ok((end, clauses)) => return Ok((end, Item::Clauses(clauses))),
            Err(Fail::Error) => {}
            Err(f) => return Err(f),
        }
        match self.when_block(pos, BodyKind::ClauseOrRule) {
            Ok((end, clause)) => return Ok((end, Item::Clauses(vec![clause]))),
            Err(Fail::Error) => {}
            Err(f) => return Err(f),
        }
        let (end, clauses) = self.disjunction(pos, BodyKind::Clause)?;
        Ok((end, Item::Clauses(clauses)))
    }

    /// `rule` followed by white space (the keyword may not run into a name only because the
    /// white space must follow).
    fn rule_keyword(&self, pos: usize) -> Result<usize, Fail> {
        let c = &self.c;
        let after = c.tag(c.ws0(pos), "rule")?;
        c.ws1(after)
    }

    /// `rule name [when conditions] { body }`.
    fn rule(&self, pos: usize) -> PResult<Rule> {
        let c = &self.c;
        let name_at = self.rule_keyword(pos)?;
        let (after_name, name) = match c.var_name(name_at) {
            Ok(found) => found,
            Err(_) => {
                c.expect(name_at, "a rule name");
                return cut(Err(Fail::Error), name_at, "a rule name");
            }
        };
        let (after_when, conditions) = cursor::opt(self.when_conditions(after_name), after_name)?;
        let block_at = c.ws0(after_when);
        let (end, block) = cut(self.block(after_when, BodyKind::RuleBody), block_at, "`{`")?;
        Ok((
            end,
            Rule {
                name,
                conditions,
                block,
                span: self.span(c.ws0(pos), end),
            },
        ))
    }

    /// `rule name(a, b) { body }`: no space before `(`, at least one parameter.
    fn parameterized_rule(&self, pos: usize) -> PResult<ParameterizedRule> {
        let c = &self.c;
        let name_at = self.rule_keyword(pos)?;
        let (after_name, name) = match c.var_name(name_at) {
            Ok(found) => found,
            Err(_) => {
                c.expect(name_at, "a rule name");
                return cut(Err(Fail::Error), name_at, "a rule name");
            }
        };
        let open = c.char(after_name, '(')?;
        let mut parameters = Vec::new();
        let mut at = open;
        loop {
            let name_at = c.multispace0(at);
            let (after, parameter) = match c.var_name(name_at) {
                Ok(found) => found,
                Err(_) => {
                    c.expect(name_at, "a parameter name");
                    return cut(Err(Fail::Error), name_at, "a parameter name");
                }
            };
            if !parameters.contains(&parameter) {
                parameters.push(parameter);
            }
            at = c.multispace0(after);
            match c.char(at, ',') {
                Ok(next) => at = next,
                Err(_) => break,
            }
        }
        let Ok(after_close) = c.char(at, ')') else {
            c.expect(at, "`)`");
            return cut(Err(Fail::Error), at, "`)`");
        };
        let block_at = c.ws0(after_close);
        let (end, block) = cut(self.block(after_close, BodyKind::RuleBody), block_at, "`{`")?;
        Ok((
            end,
            ParameterizedRule {
                parameters,
                rule: Rule {
                    name,
                    conditions: None,
                    block,
                    span: self.span(c.ws0(pos), end),
                },
            },
        ))
    }
}

impl Parser<'_> {
    fn error_at(&self, offset: usize, message: &str) -> Error {
        let span = self.span(offset, offset);
        Error::Syntax {
            line: self.line_of(&span),
            span,
            message: message.to_string(),
        }
    }

    fn line_of(&self, span: &Span) -> String {
        let start = self.index.line_start(span.start.line).unwrap_or(0);
        self.c
            .text
            .get(start..)
            .unwrap_or("")
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    }

    /// The error for a failed parse: the committed failure or the furthest point the parse
    /// reached, whichever is further on (a tie joins what both expected).
    fn report(&self, fail: Fail) -> Error {
        let (furthest, mut expected) = self.c.furthest();
        let committed = match fail {
            Fail::Failure(f) => Some(f),
            Fail::Error => None,
        };
        let (offset, message) = match committed {
            Some(Failure {
                pos,
                why: Why::Budget,
            }) => {
                return self.error_at(
                    pos,
                    "this rule file nests queries and filters so deeply that parsing it would not end; simplify the nesting",
                )
            }
            Some(Failure {
                pos,
                why: Why::Message(message),
            }) if pos >= furthest || expected.is_empty() => (pos, message),
            Some(Failure {
                pos,
                why: Why::Expected(what),
            }) if pos >= furthest || expected.is_empty() => {
                // What the committed production expected says it best.
                expected.clear();
                expected.push(what);
                (pos, expected_message(&expected))
            }
            _ => (furthest, expected_message(&expected)),
        };
        if let Some(regex) = self.c.regex_error_at(offset) {
            return Error::Regex {
                span: self.span(offset, offset),
                message: regex,
            };
        }
        if let Some((start, note)) = self.c.function_note_at(offset) {
            return self.error_at(start, &note);
        }
        let found = self
            .c
            .rest(offset)
            .split_whitespace()
            .next()
            .map(|t| t.chars().take(30).collect::<String>());
        let message = match found {
            Some(token) => format!("{message}, found `{token}`"),
            None => format!("{message}, found the end of the file"),
        };
        self.error_at(offset, &message)
    }
}

/// "expected A, B or C" from what was expected.
fn expected_message(expected: &[&str]) -> String {
    match expected {
        [] => "unexpected text".to_string(),
        [one] => format!("expected {one}"),
        many => {
            let (last, rest) = many.split_last().unwrap_or((&"", &[]));
            format!("expected {} or {last}", rest.join(", "))
        }
    }
}

/// The offset of the first bracket nested deeper than [`MAX_NESTING`], outside strings and
/// comments (roughly: quotes and `#` are honoured).
fn check_nesting(text: &str) -> Result<(), usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut comment = false;
    for (offset, c) in text.char_indices() {
        if comment {
            comment = c != '\n';
            continue;
        }
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '#') => comment = true,
            (None, '[' | '{' | '(') => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(offset);
                }
            }
            (None, ']' | '}' | ')') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}
