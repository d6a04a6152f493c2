//! Queries as cfn-guard 3.2.1 reads them: `[some] head part*`, the head `this`, `%name`, a
//! name or a quoted string; parts `.key`, `.n`, `.%name`, `.*`, `[*]`, `[name]`, `[ name ]`,
//! `['key']`, `[n]`, `[ keys op value ]` and `[ name | clauses ]`. White space and comments
//! may come before a `.` or a `[`, so a query can continue on the next line.

use super::cursor::{cut, opt, Fail, PResult};
use super::{BodyKind, Parser};
use crate::ast::{KeyFilter, KeyOp, LetValue, Query, QueryPart};

impl Parser<'_> {
    /// A query (`access`).
    pub(super) fn access(&self, pos: usize) -> PResult<Query> {
        if let Some(known) = self.c.queries.borrow().get(&pos) {
            return known.clone();
        }
        let result = self.access_uncached(pos);
        self.c.queries.borrow_mut().insert(pos, result.clone());
        result
    }

    fn access_uncached(&self, pos: usize) -> PResult<Query> {
        self.c.step(pos)?;
        let c = &self.c;
        let (at, some) = match self.some_keyword(pos) {
            Ok(end) => (end, true),
            Err(_) => (pos, false),
        };
        let (after_head, head) = match self.this_keyword(at) {
            Ok(end) => (end, QueryPart::This),
            Err(_) => match self.variable(at) {
                Ok((end, name)) => (end, QueryPart::Key(name)),
                Err(_) => match self.property_name(at) {
                    Ok((end, name)) => (end, QueryPart::Key(name)),
                    Err(Fail::Error) => return c.error(at, "a query"),
                    Err(f) => return Err(f),
                },
            },
        };
        let (end, tail) = opt(self.dotted_access(after_head), after_head)?;
        let mut parts = vec![head];
        if let Some(tail) = tail {
            let variable = parts.first().is_some_and(|p| p.variable().is_some());
            parts.extend(tail);
            if variable && !matches!(parts.get(1), Some(QueryPart::AllIndices(_))) {
                parts.insert(1, QueryPart::AllIndices(None));
            }
        }
        let start = if some { c.ws0(pos) } else { c.ws0(at) };
        Ok((
            end,
            Query {
                match_all: !some,
                parts,
                span: self.span(start.min(end), end),
            },
        ))
    }

    /// `some` / `SOME` with white space before and after.
    fn some_keyword(&self, pos: usize) -> Result<usize, Fail> {
        let at = self.c.ws0(pos);
        let after = self.c.tags(at, &["SOME", "some"])?;
        self.c.ws1(after)
    }

    /// `this` / `THIS`, after white space.
    fn this_keyword(&self, pos: usize) -> Result<usize, Fail> {
        self.c.keywords(self.c.ws0(pos), &["this", "THIS"])
    }

    /// `%name`, kept as `%name`.
    fn variable(&self, pos: usize) -> PResult<String> {
        let at = self.c.char(pos, '%')?;
        let (end, name) = self.c.var_name(at)?;
        Ok((end, format!("%{name}")))
    }

    /// A name or a quoted string.
    fn property_name(&self, pos: usize) -> PResult<String> {
        match self.c.var_name(pos) {
            Ok(found) => Ok(found),
            Err(_) => self.string(pos),
        }
    }

    /// One or more parts after the head.
    fn dotted_access(&self, pos: usize) -> PResult<Vec<QueryPart>> {
        let mut parts = Vec::new();
        let mut at = pos;
        loop {
            let next = match self.dotted_property(at) {
                Err(Fail::Error) => self.predicate_or_index(at),
                other => other,
            };
            match next {
                Ok((end, part)) => {
                    parts.push(part);
                    at = end;
                }
                Err(Fail::Error) if parts.is_empty() => return Err(Fail::Error),
                Err(Fail::Error) => return Ok((at, parts)),
                Err(f) => return Err(f),
            }
        }
    }

    /// `.n`, `.key`, `."key"`, `.%name` or `.*`.
    fn dotted_property(&self, pos: usize) -> PResult<QueryPart> {
        let c = &self.c;
        let dot = c.char(c.ws0(pos), '.')?;
        if let Ok((end, i)) = self.int(dot) {
            return Ok((end, QueryPart::Index(i)));
        }
        match self.property_name(dot) {
            Ok((end, name)) => return Ok((end, QueryPart::Key(name))),
            Err(Fail::Error) => {}
            Err(f) => return Err(f),
        }
        if let Ok((end, name)) = self.variable(dot) {
            return Ok((end, QueryPart::Key(name)));
        }
        match c.char(dot, '*') {
            Ok(end) => Ok((end, QueryPart::AllValues(None))),
            Err(_) => c.error(dot, "a key, an index or `*` after `.`"),
        }
    }

    fn open_bracket(&self, pos: usize) -> Result<usize, Fail> {
        self.c.char(self.c.ws0(pos), '[')
    }

    fn close_bracket(&self, pos: usize) -> Result<usize, Fail> {
        let at = self.c.ws0(pos);
        match self.c.char(at, ']') {
            Ok(end) => Ok(end),
            Err(_) => self.c.error(at, "`]`"),
        }
    }

    /// A bracketed part.
    fn predicate_or_index(&self, pos: usize) -> PResult<QueryPart> {
        let alternatives: [fn(&Self, usize) -> PResult<QueryPart>; 5] = [
            Self::all_indices,
            Self::array_index,
            Self::map_key_lookup,
            Self::key_filter,
            Self::filter,
        ];
        for alternative in alternatives {
            match alternative(self, pos) {
                Err(Fail::Error) => continue,
                other => return other,
            }
        }
        Err(Fail::Error)
    }

    /// `[*]` or `[name]`.
    fn all_indices(&self, pos: usize) -> PResult<QueryPart> {
        let c = &self.c;
        let open = self.open_bracket(pos)?;
        let (after, part) = match c.char(c.ws0(open), '*') {
            Ok(end) => (end, QueryPart::AllIndices(None)),
            Err(_) => {
                let (end, name) = c.var_name(open)?;
                (end, QueryPart::AllIndices(Some(name)))
            }
        };
        let end = self.close_bracket(after)?;
        Ok((end, part))
    }

    /// `[n]`: once an integer is read, the `]` must follow.
    fn array_index(&self, pos: usize) -> PResult<QueryPart> {
        let open = self.open_bracket(pos)?;
        let (after, i) = self.int(open)?;
        let (end, ()) = cut(
            self.close_bracket(after).map(|e| (e, ())),
            self.c.ws0(after),
            "`]`",
        )?;
        Ok((end, QueryPart::Index(i)))
    }

    /// `['key']` or `[ name ]`.
    fn map_key_lookup(&self, pos: usize) -> PResult<QueryPart> {
        let c = &self.c;
        let open = self.open_bracket(pos)?;
        let (after, part) = match self.string(open) {
            Ok((end, key)) => (end, QueryPart::Key(key)),
            Err(Fail::Error) => {
                let (end, name) = c.var_name(c.ws0(open))?;
                (c.ws0(end), QueryPart::AllValues(Some(name)))
            }
            Err(f) => return Err(f),
        };
        let end = self.close_bracket(after)?;
        Ok((end, part))
    }

    /// `name |` at the start of a filter.
    fn capture(&self, pos: usize) -> PResult<String> {
        let c = &self.c;
        let (after, name) = c.var_name(c.ws0(pos))?;
        let end = c.char(c.space0(after), '|')?;
        Ok((end, name))
    }

    /// `[ keys op value ]`: once `keys` is read, the operator and the value must follow.
    fn key_filter(&self, pos: usize) -> PResult<QueryPart> {
        let c = &self.c;
        let open = self.open_bracket(pos)?;
        let (at, capture) = opt(self.capture(open), open)?;
        let after_keys = c.keywords(c.ws0(at), &["KEYS", "keys"])?;
        let op_at = c.ws0(after_keys);
        let (after_op, op) = cut(
            self.key_operator(op_at),
            op_at,
            "`==`, `!=`, `IN` or `NOT IN`",
        )?;
        let value_at = c.ws0(after_op);
        let (after_value, value) = match self.value(value_at) {
            Ok((end, lit)) => (end, LetValue::Literal(lit)),
            Err(Fail::Error) => {
                let (end, query) = cut(
                    self.access(c.ws0(value_at)),
                    value_at,
                    "a value or a query to compare keys with",
                )?;
                (end, LetValue::Query(query))
            }
            Err(f) => return Err(f),
        };
        let end = self.close_bracket(after_value)?;
        Ok((
            end,
            QueryPart::KeyFilter(
                capture,
                KeyFilter {
                    op,
                    value: Box::new(value),
                },
            ),
        ))
    }

    fn key_operator(&self, pos: usize) -> PResult<KeyOp> {
        let c = &self.c;
        if let Ok(end) = c.tag(pos, "==") {
            return Ok((end, KeyOp::Eq));
        }
        if let Ok(end) = c.tag(pos, "!=") {
            return Ok((end, KeyOp::NotEq));
        }
        if let Ok(end) = c.tags(pos, &["in", "IN"]) {
            return Ok((end, KeyOp::In));
        }
        let after_not = c.not(pos)?;
        let end = c.tags(after_not, &["in", "IN"])?;
        Ok((end, KeyOp::NotIn))
    }

    /// `[ name | clauses ]`: once the clauses are read, the `]` must follow.
    fn filter(&self, pos: usize) -> PResult<QueryPart> {
        let open = self.open_bracket(pos)?;
        let (at, capture) = opt(self.capture(open), open)?;
        let (after, clauses) = self.cnf_clauses(at, BodyKind::Clause)?;
        let close_at = self.c.ws0(after);
        let (end, ()) = cut(self.close_bracket(after).map(|e| (e, ())), close_at, "`]`")?;
        Ok((end, QueryPart::Filter(capture, clauses)))
    }
}
