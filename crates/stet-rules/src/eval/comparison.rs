//! Comparison clauses (`query op [rhs]`): a unary operator (`EXISTS`, `EMPTY`, `IS_STRING`,
//! …) or a binary comparison applied to each value the query selected, each value's verdict
//! with its place and explanation, and how the verdicts make the clause's status — failures
//! recorded when the clause is an assertion. The comparisons themselves are `operators`'.

use super::operators::{self, Compare, Compared, Outcome};
use super::{document_span, query_text, Evaluator, Fault, Role, Scope, R};
use crate::ast::*;
use crate::value::*;
use crate::Status;
use stet_graph::Span;

impl<'a> Evaluator<'a> {
    /// A comparison clause.
    pub(super) fn access(
        &self,
        a: &'a AccessClause,
        scope: &Scope<'a, '_>,
        role: Role,
    ) -> R<Status> {
        let explain = role == Role::Assertion;
        let checks = if a.op.is_unary() {
            self.unary(a, scope, role, explain)
        } else {
            let rhs = match &a.rhs {
                Some(LetValue::Literal(l)) => vec![QueryResult::Literal(Node::Lit(l))],
                Some(LetValue::Query(q)) => self.query(&q.parts, scope)?,
                Some(LetValue::Function(f)) => self.function(f, scope)?,
                None => {
                    return Err(Fault::Error(
                        "a binary comparison without a right-hand side".into(),
                        None,
                    ))
                }
            };
            self.binary(a, &rhs, scope, role, explain)
        };
        let checks = match checks {
            Ok(checks) => checks,
            Err(e) if e.is_unevaluatable() && role == Role::Assertion => {
                if explain {
                    let message = self.render_message(a.message.as_deref(), scope);
                    let text = match &e {
                        Fault::Unevaluatable(m, _) | Fault::Error(m, _) => m.clone(),
                        Fault::Budget => String::new(),
                    };
                    self.record(a.span.clone(), self.scope_span(scope), text, message);
                }
                return Ok(Status::Fail);
            }
            Err(e) => return Err(e),
        };
        let status = match checks {
            Checks::Decided(status, explanation) => {
                if status == Status::Fail && explain {
                    let message = self.render_message(a.message.as_deref(), scope);
                    self.record(a.span.clone(), self.scope_span(scope), explanation, message);
                }
                status
            }
            Checks::Values(values) => {
                let passes = values.iter().filter(|c| c.status == Status::Pass).count();
                let fails = values.iter().filter(|c| c.status == Status::Fail).count();
                let skips = values.len() - passes - fails;
                let status = if passes == 0 && fails == 0 && skips > 0 {
                    Status::Skip
                } else if a.query.match_all {
                    if fails > 0 {
                        Status::Fail
                    } else {
                        Status::Pass
                    }
                } else if passes > 0 {
                    Status::Pass
                } else {
                    Status::Fail
                };
                if status == Status::Fail && explain {
                    let message = self.render_message(a.message.as_deref(), scope);
                    let before = self.failures.borrow().len();
                    for check in values.into_iter().filter(|c| c.status == Status::Fail) {
                        self.record(a.span.clone(), check.at, check.explanation, message.clone());
                        if let Some(failure) = self.failures.borrow_mut().last_mut() {
                            failure.value = check.value;
                        }
                    }
                    let within = self.scope_span(scope);
                    let enclosing = self.enclosing_spans(scope);
                    for failure in self.failures.borrow_mut().iter_mut().skip(before) {
                        failure.within.clone_from(&within);
                        failure.enclosing.clone_from(&enclosing);
                    }
                }
                status
            }
        };
        Ok(status)
    }

    /// A unary operator on each value (`EXISTS`, `EMPTY`, `IS_STRING`, …).
    fn unary(
        &self,
        a: &'a AccessClause,
        scope: &Scope<'a, '_>,
        role: Role,
        explain: bool,
    ) -> R<Checks> {
        let lhs = self.query(&a.query.parts, scope)?;
        let inverse = a.negated;
        let not = a.op_negated;
        let selection = matches!(
            a.query.parts.last(),
            Some(QueryPart::Filter(..) | QueryPart::KeyFilter(..))
        );
        let lone_variable = a.query.lone_variable().is_some();
        let text = || query_text(&a.query);
        if (selection || lone_variable) && a.op == CmpOp::Empty {
            if lhs.is_empty() {
                let holds = not == inverse;
                return Ok(Checks::Decided(
                    if holds { Status::Pass } else { Status::Fail },
                    format!("`{}` selected nothing", text()),
                ));
            }
            let mut values = Vec::with_capacity(lhs.len());
            for each in &lhs {
                let empty = if lone_variable {
                    element_empty(each)
                } else {
                    Ok(match each {
                        QueryResult::Resolved(n) | QueryResult::Literal(n) => n.is_null(),
                        QueryResult::Unresolved(_) => true,
                    })
                };
                let empty = match empty {
                    Ok(empty) => empty,
                    Err(e) if role == Role::Assertion => {
                        values.push(Check::fail(result_span(each), e).of(result_value(each)));
                        continue;
                    }
                    Err(e) => return Err(Fault::Unevaluatable(e, None)),
                };
                let holds = (if not { !empty } else { empty }) != inverse;
                values.push(Check {
                    status: if holds { Status::Pass } else { Status::Fail },
                    at: result_span(each),
                    value: result_value(each),
                    explanation: if holds || !explain {
                        String::new()
                    } else {
                        format!(
                            "`{}` is {}",
                            text(),
                            if empty { "empty" } else { "not empty" }
                        )
                    },
                });
            }
            return Ok(Checks::Values(values));
        }
        if lhs.is_empty() {
            return Ok(Checks::Decided(Status::Skip, String::new()));
        }
        let mut values = Vec::with_capacity(lhs.len());
        for each in &lhs {
            let result = match a.op {
                CmpOp::Exists => Ok(each.node().is_some()),
                CmpOp::Empty => element_empty(each),
                op => Ok(each.node().is_some_and(|n| is_type(op, n))),
            };
            let result = match result {
                Ok(r) => r,
                Err(e) if role == Role::Assertion => {
                    values.push(Check::fail(result_span(each), e).of(result_value(each)));
                    continue;
                }
                Err(e) => return Err(Fault::Unevaluatable(e, None)),
            };
            let holds = (result != not) != inverse;
            let explanation = if holds || !explain {
                String::new()
            } else {
                let shown = match each {
                    QueryResult::Resolved(n) | QueryResult::Literal(n) => n.describe(),
                    QueryResult::Unresolved(ur) => format!("missing ({})", ur.reason),
                };
                format!(
                    "`{}` {} {}: {}",
                    text(),
                    if not != inverse {
                        "must not be"
                    } else {
                        "must be"
                    },
                    op_word(a.op),
                    shown
                )
            };
            values.push(Check {
                status: if holds { Status::Pass } else { Status::Fail },
                at: result_span(each),
                value: result_value(each),
                explanation,
            });
        }
        Ok(Checks::Values(values))
    }

    /// A binary comparison of the clause's query with `rhs`.
    fn binary(
        &self,
        a: &'a AccessClause,
        rhs: &[QueryResult<'a>],
        scope: &Scope<'a, '_>,
        role: Role,
        explain: bool,
    ) -> R<Checks> {
        let lhs = self.query(&a.query.parts, scope)?;
        let negated = a.op_negated != a.negated;
        let strict = if role == Role::Assertion {
            Status::Fail
        } else {
            Status::Skip
        };
        let results =
            match operators::compare(a.op, negated, &lhs, rhs) {
                Outcome::Skip => {
                    return Ok(if a.query.lone_variable().is_some() {
                        Checks::Decided(
                            strict,
                            format!(
                                "`{}` selected nothing, so there was nothing to compare",
                                query_text(&a.query)
                            ),
                        )
                    } else {
                        Checks::Decided(Status::Skip, String::new())
                    })
                }
                Outcome::EmptyRhs => return Ok(Checks::Decided(
                    strict,
                    "the right-hand side selected nothing, so there was nothing to compare with"
                        .into(),
                )),
                Outcome::Results(results) => results,
            };
        let describe = |l: &Node<'_>, r: &Node<'_>| {
            format!(
                "{} {} {} {}",
                l.describe(),
                if negated { "must not be" } else { "must be" },
                op_word(a.op),
                r.describe()
            )
        };
        let mut values = Vec::with_capacity(results.len());
        let fail = |node: &Node<'_>, explanation: String| Check {
            status: Status::Fail,
            at: document_span(node),
            value: node_value(node),
            explanation,
        };
        for result in results {
            match result {
                Compared::LhsUnresolved(ur) => values.push(fail(
                    &ur.traversed_to,
                    if explain {
                        format!("`{}` is missing ({})", query_text(&a.query), ur.reason)
                    } else {
                        String::new()
                    },
                )),
                Compared::RhsUnresolved(l) => values.push(fail(
                    &l,
                    if explain {
                        format!(
                            "{} could not be compared: the right-hand side did not resolve",
                            l.describe()
                        )
                    } else {
                        String::new()
                    },
                )),
                Compared::NotComparable(l, r) => values.push(fail(
                    &l,
                    if explain {
                        format!(
                            "{} cannot be compared with {} ({} and {})",
                            l.describe(),
                            r.describe(),
                            l.type_name(),
                            r.type_name()
                        )
                    } else {
                        String::new()
                    },
                )),
                Compared::Success(Compare::QueryIn { lhs, .. }) => {
                    for l in lhs {
                        values.push(Check::pass(document_span(&l)));
                    }
                }
                Compared::Success(
                    Compare::Value(l, _) | Compare::ValueIn(l, _) | Compare::ListIn { lhs: l, .. },
                ) => values.push(Check::pass(document_span(&l))),
                Compared::Fail(Compare::QueryIn { diff, rhs, .. }) => {
                    for l in diff {
                        let explanation = if explain {
                            format!(
                                "{} {} [{}]",
                                l.describe(),
                                if negated {
                                    "must not be in"
                                } else {
                                    "must be in"
                                },
                                rhs.iter()
                                    .map(Node::describe)
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        } else {
                            String::new()
                        };
                        values.push(fail(&l, explanation));
                    }
                }
                Compared::Fail(
                    Compare::Value(l, r)
                    | Compare::ValueIn(l, r)
                    | Compare::ListIn { lhs: l, rhs: r, .. },
                ) => {
                    let explanation = if explain {
                        describe(&l, &r)
                    } else {
                        String::new()
                    };
                    values.push(fail(&l, explanation));
                }
            }
        }
        Ok(Checks::Values(values))
    }
}

/// What a comparison clause decided.
enum Checks {
    /// One status for the whole clause (nothing was selected, or nothing to compare with).
    Decided(Status, String),
    /// A status per value compared.
    Values(Vec<Check>),
}

/// One value's verdict.
struct Check {
    status: Status,
    at: Option<Span>,
    /// The identity of the value checked (see [`Failure::value`]).
    value: Option<usize>,
    explanation: String,
}

impl Check {
    /// The same check, of the document value `value`.
    fn of(self, value: Option<usize>) -> Check {
        Check { value, ..self }
    }

    fn pass(at: Option<Span>) -> Check {
        Check {
            value: None,
            status: Status::Pass,
            at,
            explanation: String::new(),
        }
    }

    fn fail(at: Option<Span>, explanation: String) -> Check {
        Check {
            value: None,
            status: Status::Fail,
            at,
            explanation,
        }
    }
}

/// `EMPTY` on one result: lists, maps and strings can be empty, a missing value is; any
/// other kind cannot be asked (an unevaluatable clause).
fn element_empty(result: &QueryResult<'_>) -> Result<bool, String> {
    match result {
        QueryResult::Unresolved(_) => Ok(true),
        QueryResult::Resolved(n) | QueryResult::Literal(n) => match n.view() {
            View::List(len) | View::Map(len) => Ok(len == 0),
            View::Str(s) => Ok(s.is_empty()),
            _ => Err(format!(
                "EMPTY cannot be asked of a {} ({})",
                n.type_name(),
                n.describe()
            )),
        },
    }
}

fn is_type(op: CmpOp, node: &Node<'_>) -> bool {
    matches!(
        (op, node.view()),
        (CmpOp::IsString, View::Str(_))
            | (CmpOp::IsList, View::List(_))
            | (CmpOp::IsStruct, View::Map(_))
            | (CmpOp::IsBool, View::Bool(_))
            | (CmpOp::IsInt, View::Int(_))
            | (CmpOp::IsFloat, View::Float(_))
            | (CmpOp::IsNull, View::Null)
    )
}

fn op_word(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Exists => "present",
        CmpOp::Empty => "empty",
        CmpOp::IsString => "a string",
        CmpOp::IsList => "a list",
        CmpOp::IsStruct => "a map",
        CmpOp::IsBool => "a bool",
        CmpOp::IsInt => "an int",
        CmpOp::IsFloat => "a float",
        CmpOp::IsNull => "null",
        CmpOp::Eq => "equal to",
        CmpOp::In => "in",
        CmpOp::Gt => "greater than",
        CmpOp::Ge => "at least",
        CmpOp::Lt => "less than",
        CmpOp::Le => "at most",
    }
}

/// The identity of a document value (see [`Failure::value`]).
fn node_value(node: &Node<'_>) -> Option<usize> {
    match node {
        Node::Doc(v) => Some(std::ptr::from_ref::<stet_graph::Value>(v) as usize),
        _ => None,
    }
}

fn result_value(result: &QueryResult<'_>) -> Option<usize> {
    match result {
        QueryResult::Resolved(n) | QueryResult::Literal(n) => node_value(n),
        QueryResult::Unresolved(ur) => node_value(&ur.traversed_to),
    }
}

fn result_span(result: &QueryResult<'_>) -> Option<Span> {
    match result {
        QueryResult::Resolved(n) | QueryResult::Literal(n) => document_span(n),
        QueryResult::Unresolved(ur) => document_span(&ur.traversed_to),
    }
}
