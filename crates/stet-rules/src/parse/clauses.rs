//! Clauses as cfn-guard 3.2.1 reads them: comparisons, block clauses, `when` blocks, type
//! blocks, rule references and parameterized calls; disjunctions joined by `or`, conjunctions
//! by nothing but white space (a newline is white space like any other); blocks of `let`s and
//! clauses. Which clause kinds a context admits is [`BodyKind`].

use super::cursor::{cut, failure, opt, Fail, PResult};
use super::{BodyKind, Parser};
use crate::ast::*;

impl Parser<'_> {
    /// One element of a disjunction in a context of `kind`.
    fn element(&self, pos: usize, kind: BodyKind) -> PResult<Clause> {
        self.c.step(pos)?;
        match kind {
            BodyKind::Clause => self.clause(pos),
            BodyKind::ClauseOrRule => match self.clause(pos) {
                Err(Fail::Error) => self.rule_clause(pos),
                other => other,
            },
            BodyKind::RuleBody => self.rule_block_clause(pos),
            BodyKind::Condition => {
                match self.access_clause(pos) {
                    Err(Fail::Error) => {}
                    other => return other,
                }
                match self.rule_call(pos) {
                    Err(Fail::Error) => {}
                    other => return other,
                }
                self.rule_clause(pos)
            }
            BodyKind::TypeBlock => self.type_block(pos).map(|(e, t)| (e, Clause::Type(t))),
        }
    }

    /// Clauses joined by `or` (at least one).
    pub(super) fn disjunction(&self, pos: usize, kind: BodyKind) -> PResult<Vec<Clause>> {
        let c = &self.c;
        let (mut at, first) = self.element(c.ws0(pos), kind)?;
        let mut clauses = vec![first];
        loop {
            let Ok(after_or) = c.or_join(at) else {
                return Ok((at, clauses));
            };
            match self.element(c.ws0(after_or), kind) {
                Ok((end, clause)) => {
                    clauses.push(clause);
                    at = end;
                }
                Err(Fail::Error) => return Ok((at, clauses)),
                Err(f) => return Err(f),
            }
        }
    }

    /// Disjunctions one after another (at least one: none is a committed failure).
    pub(super) fn cnf_clauses(&self, pos: usize, kind: BodyKind) -> PResult<Conjunctions> {
        let mut conjunctions = Vec::new();
        let mut at = pos;
        loop {
            match self.disjunction(at, kind) {
                Ok((end, disjunction)) => {
                    conjunctions.push(disjunction);
                    at = end;
                }
                Err(Fail::Error) if conjunctions.is_empty() => {
                    return failure(self.c.ws0(pos), "expected a clause");
                }
                Err(Fail::Error) => return Ok((at, conjunctions)),
                Err(f) => return Err(f),
            }
        }
    }

    /// `{ (let | disjunction)+ }`: once a `let` or a clause is read, the `}` must follow.
    pub(super) fn block(&self, pos: usize, kind: BodyKind) -> PResult<Block> {
        let c = &self.c;
        let open_at = c.ws0(pos);
        let Ok(mut at) = c.char(open_at, '{') else {
            return c.error(open_at, "`{`");
        };
        let mut block = Block::default();
        loop {
            match self.assignment(c.ws0(at)) {
                Ok((end, assignment)) => {
                    block.assignments.push(assignment);
                    at = end;
                    continue;
                }
                Err(Fail::Error) => {}
                Err(f) => return Err(f),
            }
            match self.disjunction(at, kind) {
                Ok((end, disjunction)) => {
                    block.clauses.push(disjunction);
                    at = end;
                }
                Err(Fail::Error) => break,
                Err(f) => return Err(f),
            }
        }
        if block.assignments.is_empty() && block.clauses.is_empty() {
            c.expect(c.ws0(open_at + 1), "a clause");
            return Err(Fail::Error);
        }
        let close_at = c.ws0(at);
        match c.char(close_at, '}') {
            Ok(end) => Ok((end, block)),
            Err(_) => {
                c.expect(close_at, "`}`");
                cut(Err(Fail::Error), close_at, "`}`")
            }
        }
    }

    /// A clause in a block clause, a filter or a nested `when` (`clause`).
    pub(super) fn clause(&self, pos: usize) -> PResult<Clause> {
        self.c.step(pos)?;
        match self.when_block(pos, BodyKind::Clause) {
            Err(Fail::Error) => {}
            other => return other,
        }
        match self.block_clause(pos) {
            Err(Fail::Error) => {}
            other => return other,
        }
        match self.rule_call(pos) {
            Err(Fail::Error) => {}
            other => return other,
        }
        self.access_clause(pos)
    }

    /// `when conditions`: once `when` is read, white space and conditions must follow.
    pub(super) fn when_conditions(&self, pos: usize) -> PResult<Conjunctions> {
        let c = &self.c;
        let after_when = c.tags(c.ws0(pos), &["when", "WHEN"])?;
        let conditions_at = match c.ws1(after_when) {
            Ok(at) => at,
            Err(_) => return cut(Err(Fail::Error), after_when, "white space after `when`"),
        };
        self.cnf_clauses(conditions_at, BodyKind::Condition)
    }

    /// `when conditions { body }`, the body's clauses of `kind`.
    pub(super) fn when_block(&self, pos: usize, kind: BodyKind) -> PResult<Clause> {
        let start = self.c.ws0(pos);
        let (after, conditions) = self.when_conditions(start)?;
        let (end, block) = self.block(after, kind)?;
        Ok((
            end,
            Clause::When(When {
                conditions,
                block,
                span: self.span(start, end),
            }),
        ))
    }

    /// `query [not empty] { clauses }`.
    fn block_clause(&self, pos: usize) -> PResult<Clause> {
        let c = &self.c;
        let (after_query, query) = self.access(pos)?;
        let (after_flag, not_empty) = {
            let at = c.ws0(after_query);
            match c.not(at).and_then(|p| c.keywords(p, &["EMPTY", "empty"])) {
                Ok(end) => (end, true),
                Err(_) => (after_query, false),
            }
        };
        let (end, block) = self.block(after_flag, BodyKind::Clause)?;
        Ok((
            end,
            Clause::Block(BlockClause {
                query,
                not_empty,
                block,
                span: self.span(pos, end),
            }),
        ))
    }

    /// `[not] name(args) [<< message >>]`.
    pub(super) fn rule_call(&self, pos: usize) -> PResult<Clause> {
        let c = &self.c;
        let (at, negated) = match c.not(pos) {
            Ok(end) => (end, true),
            Err(_) => (pos, false),
        };
        let (after_call, (name, args)) = self.call_expr(at)?;
        let (end, message) = opt(self.custom_message(c.ws0(after_call)), after_call)?;
        Ok((
            end,
            Clause::RuleCall(RuleCall {
                rule: RuleRef {
                    name,
                    negated,
                    message,
                    span: self.span(pos, end),
                },
                args,
            }),
        ))
    }

    /// `name(arg, ...)`: no space before `(`, no trailing comma.
    fn call_expr(&self, pos: usize) -> PResult<(String, Vec<LetValue>)> {
        let c = &self.c;
        let (after_name, name) = c.var_name(pos)?;
        let open = c.char(after_name, '(')?;
        let mut args = Vec::new();
        let mut at = open;
        match self.let_value(c.multispace0(at)) {
            Ok((end, value)) => {
                args.push(value);
                at = c.multispace0(end);
                while let Ok(after_comma) = c.char(at, ',') {
                    match self.let_value(c.multispace0(after_comma)) {
                        Ok((end, value)) => {
                            args.push(value);
                            at = c.multispace0(end);
                        }
                        Err(Fail::Error) => break,
                        Err(f) => return Err(f),
                    }
                }
            }
            Err(Fail::Error) => {}
            Err(f) => return Err(f),
        }
        match c.char(at, ')') {
            Ok(end) => Ok((end, (name, args))),
            Err(_) => c.error(at, "`)`"),
        }
    }

    /// A value, a function call or a query (`let_value`).
    pub(super) fn let_value(&self, pos: usize) -> PResult<LetValue> {
        let at = self.c.ws0(pos);
        match self.value(at) {
            Ok((end, lit)) => return Ok((end, LetValue::Literal(lit))),
            Err(Fail::Error) => {}
            Err(f) => return Err(f),
        }
        match self.function_call(at) {
            Ok((end, call)) => return Ok((end, LetValue::Function(call))),
            Err(Fail::Error) => {}
            Err(f) => return Err(f),
        }
        let (end, query) = self.access(at)?;
        Ok((end, LetValue::Query(query)))
    }

    /// A call of a built-in function with the number of arguments it takes.
    pub(super) fn function_call(&self, pos: usize) -> PResult<FunctionCall> {
        let (end, (name, args)) = self.call_expr(pos)?;
        match crate::functions::arity(&name) {
            Some(n) if n == args.len() => Ok((
                end,
                FunctionCall {
                    name,
                    args,
                    span: self.span(pos, end),
                },
            )),
            Some(n) => {
                self.c.note_function(pos, end, &name, Some((n, args.len())));
                Err(Fail::Error)
            }
            None => {
                self.c.note_function(pos, end, &name, None);
                Err(Fail::Error)
            }
        }
    }

    /// `<< message >>`: once `<<` is read, `>>` must follow somewhere.
    pub(super) fn custom_message(&self, pos: usize) -> PResult<String> {
        let c = &self.c;
        let start = c.tag(pos, "<<")?;
        let Some(len) = c.rest(start).find(">>") else {
            return failure(start, "a message `<<` needs a closing `>>`");
        };
        let text = c.text.get(start..start + len).unwrap_or("");
        Ok((start + len + 2, text.to_string()))
    }

    /// `[not] query op [rhs] [<< message >>]`.
    pub(super) fn access_clause(&self, pos: usize) -> PResult<Clause> {
        let c = &self.c;
        let (at, negated) = match c.not(c.ws0(pos)) {
            Ok(end) => (end, true),
            Err(_) => (c.ws0(pos), false),
        };
        let (after_query, query) = self.access(at)?;
        let op_at = c.ws0(after_query);
        let (after_op, (op, op_negated)) = match self.comparator(op_at) {
            Ok(found) => found,
            Err(_) => {
                return c.error(
                    op_at,
                    "a comparison operator (`==`, `!=`, `IN`, `EXISTS`, `EMPTY`, …)",
                )
            }
        };
        let (end, rhs, message) = if op.is_unary() {
            let (end, message) = opt(self.custom_message(c.ws0(after_op)), after_op)?;
            (end, None, message)
        } else {
            let (after_rhs, rhs) = self.rhs(after_op)?;
            let (end, message) = opt(self.custom_message(c.ws0(after_rhs)), after_rhs)?;
            (end, Some(rhs), message)
        };
        Ok((
            end,
            Clause::Access(AccessClause {
                query,
                op,
                op_negated,
                negated,
                rhs,
                message,
                span: self.span(pos, end),
            }),
        ))
    }

    /// The right-hand side of a binary comparison: once the operator is read, one must follow.
    fn rhs(&self, pos: usize) -> PResult<LetValue> {
        let c = &self.c;
        match self.value(pos) {
            Ok((end, lit)) => return Ok((end, LetValue::Literal(lit))),
            Err(Fail::Error) => {}
            Err(f) => return Err(f),
        }
        let at = c.ws0(pos);
        match self.function_call(at) {
            Ok((end, call)) => return Ok((end, LetValue::Function(call))),
            Err(Fail::Error) => {}
            Err(f) => return Err(f),
        }
        match self.access(at) {
            Ok((end, query)) => Ok((end, LetValue::Query(query))),
            Err(Fail::Error) => {
                c.expect(at, "a value, a query or a function call");
                cut(Err(Fail::Error), at, "a value, a query or a function call")
            }
            Err(f) => Err(f),
        }
    }

    /// A comparison operator (`value_cmp`): `==`, `!=`, `>=`, `<=`, `>`, `<`, or `[not] IN`,
    /// `EXISTS`, `EMPTY`, `IS_STRING`, … — but never the `<<` of a message.
    fn comparator(&self, pos: usize) -> PResult<(CmpOp, bool)> {
        let c = &self.c;
        if c.tag(pos, "<<").is_ok() {
            return Err(Fail::Error);
        }
        let symbols: [(&str, CmpOp, bool); 6] = [
            ("==", CmpOp::Eq, false),
            ("!=", CmpOp::Eq, true),
            (">=", CmpOp::Ge, false),
            ("<=", CmpOp::Le, false),
            (">", CmpOp::Gt, false),
            ("<", CmpOp::Lt, false),
        ];
        for (symbol, op, negated) in symbols {
            if let Ok(end) = c.tag(pos, symbol) {
                return Ok((end, (op, negated)));
            }
        }
        let (at, negated) = match c.not(pos) {
            Ok(end) => (end, true),
            Err(_) => (pos, false),
        };
        if let Ok(end) = c.tags(at, &["in", "IN"]) {
            return Ok((end, (CmpOp::In, negated)));
        }
        if let Ok(end) = c.keywords(at, &["EXISTS", "exists"]) {
            return Ok((end, (CmpOp::Exists, negated)));
        }
        if let Ok(end) = c.keywords(at, &["EMPTY", "empty"]) {
            return Ok((end, (CmpOp::Empty, negated)));
        }
        let types: [(&str, &str, CmpOp); 7] = [
            ("IS_STRING", "is_string", CmpOp::IsString),
            ("IS_LIST", "is_list", CmpOp::IsList),
            ("IS_STRUCT", "is_struct", CmpOp::IsStruct),
            ("IS_BOOL", "is_bool", CmpOp::IsBool),
            ("IS_INT", "is_int", CmpOp::IsInt),
            ("IS_NULL", "is_null", CmpOp::IsNull),
            ("IS_FLOAT", "is_float", CmpOp::IsFloat),
        ];
        for (upper, lower, op) in types {
            if let Ok(end) = c.tags(at, &[upper, lower]) {
                return Ok((end, (op, negated)));
            }
        }
        Err(Fail::Error)
    }

    /// `[not] rule_name`, ended by a newline, a comment, `{`, `or` or the end of the file;
    /// anything else on the line must be a `<< message >>`.
    pub(super) fn rule_clause(&self, pos: usize) -> PResult<Clause> {
        let c = &self.c;
        let (at, negated) = match c.not(pos) {
            Ok(end) => (end, true),
            Err(_) => (pos, false),
        };
        let (after_name, name) = match c.var_name(at) {
            Ok(found) => found,
            Err(_) => return c.error(at, "a clause"),
        };
        let spaced = c.space0(after_name);
        let ends = after_name >= c.text.len()
            || c.newline(spaced).is_ok()
            || c.comment(spaced).is_ok()
            || c.char(spaced, '{').is_ok()
            || c.or_join(after_name).is_ok();
        if ends {
            return Ok((
                after_name,
                Clause::RuleRef(RuleRef {
                    name,
                    negated,
                    message: None,
                    span: self.span(pos, after_name),
                }),
            ));
        }
        let (end, message) = match self.custom_message(spaced) {
            Ok(found) => found,
            Err(Fail::Error) => {
                c.expect(
                    spaced,
                    "a newline, `or` or a message `<< … >>` after a rule name",
                );
                return cut(
                    Err(Fail::Error),
                    spaced,
                    "a newline, `or` or a message `<< … >>` after a rule name",
                );
            }
            Err(f) => return Err(f),
        };
        Ok((
            end,
            Clause::RuleRef(RuleRef {
                name,
                negated,
                message: Some(message),
                span: self.span(pos, end),
            }),
        ))
    }

    /// A clause of a rule body: a type block, a `when` block (whose body may reference rules),
    /// or a clause or rule reference (`rule_block_clause`).
    fn rule_block_clause(&self, pos: usize) -> PResult<Clause> {
        let at = self.c.ws0(pos);
        match self.type_block(at) {
            Ok((end, t)) => return Ok((end, Clause::Type(t))),
            Err(Fail::Error) => {}
            Err(f) => return Err(f),
        }
        match self.when_block(at, BodyKind::ClauseOrRule) {
            Err(Fail::Error) => {}
            other => return other,
        }
        match self.clause(at) {
            Err(Fail::Error) => self.rule_clause(at),
            other => other,
        }
    }

    /// `Type::Name [when conditions] { clauses }`, or `Type::Name clause`.
    pub(super) fn type_block(&self, pos: usize) -> PResult<TypeBlock> {
        let c = &self.c;
        let (after_name, type_name) = self.type_name(pos)?;
        let at = match c.ws1(after_name) {
            Ok(at) => at,
            Err(_) => {
                c.expect(after_name, "white space after the type name");
                return cut(
                    Err(Fail::Error),
                    after_name,
                    "white space after the type name",
                );
            }
        };
        let (after_when, conditions) = opt(self.when_conditions(at), at)?;
        let (end, block) = if conditions.is_some() {
            let block_at = c.ws0(after_when);
            cut(self.block(after_when, BodyKind::Clause), block_at, "`{`")?
        } else {
            match self.block(after_when, BodyKind::Clause) {
                Ok(found) => found,
                Err(Fail::Error) => {
                    let clause_at = c.ws0(after_when);
                    let (end, clause) = cut(self.clause(clause_at), clause_at, "a clause")?;
                    (
                        end,
                        Block {
                            assignments: Vec::new(),
                            clauses: vec![vec![clause]],
                        },
                    )
                }
                Err(f) => return Err(f),
            }
        };
        let span = self.span(pos, end);
        Ok((
            end,
            TypeBlock {
                query: type_query(&type_name, &span),
                type_name,
                conditions,
                block,
                span,
            },
        ))
    }

    /// `A::B::C` (a trailing `::MODULE` is dropped) or `A::B`.
    fn type_name(&self, pos: usize) -> PResult<String> {
        let c = &self.c;
        let (a_end, a) = c.var_name(pos)?;
        let b_at = c.tag(a_end, "::")?;
        let (b_end, b) = c.var_name(b_at)?;
        let three = c
            .tag(b_end, "::")
            .and_then(|p| c.var_name(p))
            .map(|(end, third)| (c.tag(end, "::MODULE").unwrap_or(end), third));
        match three {
            Ok((end, third)) => Ok((end, format!("{a}::{b}::{third}"))),
            Err(_) => Ok((b_end, format!("{a}::{b}"))),
        }
    }

    /// `let name = value` (or `:=`): once `let name` is read, `=` must follow.
    pub(super) fn assignment(&self, pos: usize) -> PResult<Assignment> {
        let c = &self.c;
        let after_let = c.tag(pos, "let")?;
        let name_at = c.ws1(after_let)?;
        let (after_name, name) = c.var_name(name_at)?;
        let eq_at = c.ws0(after_name);
        let Ok(after_eq) = c.tags(eq_at, &["=", ":="]) else {
            c.expect(eq_at, "`=`");
            return cut(Err(Fail::Error), eq_at, "`=`");
        };
        let (end, value) = match self.value(after_eq) {
            Ok((end, lit)) => (end, LetValue::Literal(lit)),
            Err(Fail::Error) => {
                let at = c.ws0(after_eq);
                match self.function_call(at) {
                    Ok((end, call)) => (end, LetValue::Function(call)),
                    Err(_) => {
                        let (end, query) =
                            cut(self.access(at), at, "a value, a query or a function call")?;
                        (end, LetValue::Query(query))
                    }
                }
            }
            Err(f) => return Err(f),
        };
        Ok((
            end,
            Assignment {
                name,
                value,
                span: self.span(pos, end),
            },
        ))
    }
}

/// `Resources.*[ Type == '<type_name>' ]`, the query a type block selects resources with.
fn type_query(type_name: &str, span: &stet_graph::Span) -> Query {
    let condition = Clause::Access(AccessClause {
        query: Query {
            match_all: true,
            parts: vec![QueryPart::Key("Type".into())],
            span: span.clone(),
        },
        op: CmpOp::Eq,
        op_negated: false,
        negated: false,
        rhs: Some(LetValue::Literal(crate::literal::Lit {
            kind: crate::literal::LitKind::String(type_name.to_string()),
            span: span.clone(),
        })),
        message: None,
        span: span.clone(),
    });
    Query {
        match_all: true,
        parts: vec![
            QueryPart::Key("Resources".into()),
            QueryPart::AllValues(None),
            QueryPart::Filter(None, vec![vec![condition]]),
        ],
        span: span.clone(),
    }
}
