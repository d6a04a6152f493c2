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
        // An error on the right-hand side stops the evaluation whatever the clause's role.
        let checks = if a.op.is_unary() {
            self.unary(a, scope, role, explain)
        } else {
            let rhs = self.rhs(a, scope)?;
            self.binary(a, &rhs, scope, role, explain)
        };
        let checks = match checks {
            Ok(checks) => checks,
            // An assertion that cannot be evaluated fails.
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
                let status = values_status(&values, a.query.match_all);
                if status == Status::Fail && explain {
                    self.record_failed_values(a, scope, values);
                }
                status
            }
        };
        Ok(status)
    }

    /// The values of a binary comparison's right-hand side.
    fn rhs(&self, a: &'a AccessClause, scope: &Scope<'a, '_>) -> R<Vec<QueryResult<'a>>> {
        match &a.rhs {
            Some(LetValue::Literal(l)) => Ok(vec![QueryResult::Literal(Node::Lit(l))]),
            Some(LetValue::Query(q)) => self.query(&q.parts, scope),
            Some(LetValue::Function(f)) => self.function(f, scope),
            None => Err(Fault::Error(
                "a binary comparison without a right-hand side".into(),
                None,
            )),
        }
    }

    /// Records each failing value of a failing clause, with the places of the values the
    /// blocks around it were evaluated on.
    fn record_failed_values(&self, a: &'a AccessClause, scope: &Scope<'a, '_>, values: Vec<Check>) {
        let message = self.render_message(a.message.as_deref(), scope);
        let before = self.failures.borrow().len();
        for check in values.into_iter().filter(|c| c.status == Status::Fail) {
            self.record(a.span.clone(), check.at, check.explanation, message.clone());
            if let Some(failure) = self.failures.borrow_mut().last_mut() {
                failure.value = check.value;
                failure.defined_at = check.defined_at;
            }
        }
        let within = self.scope_span(scope);
        let enclosing = self.enclosing_spans(scope);
        for failure in self.failures.borrow_mut().iter_mut().skip(before) {
            failure.within.clone_from(&within);
            failure.enclosing.clone_from(&enclosing);
        }
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
        let selection = matches!(
            a.query.parts.last(),
            Some(QueryPart::Filter(..) | QueryPart::KeyFilter(..))
        );
        if (selection || a.query.lone_variable().is_some()) && a.op == CmpOp::Empty {
            return empty_selection(a, &lhs, role, explain);
        }
        if lhs.is_empty() {
            return Ok(Checks::Decided(Status::Skip, String::new()));
        }
        let (inverse, not) = (a.negated, a.op_negated);
        let mut values = Vec::with_capacity(lhs.len());
        for each in &lhs {
            let result = match a.op {
                CmpOp::Exists => Ok(each.node().is_some()),
                CmpOp::Empty => element_empty(each),
                op => Ok(each.node().is_some_and(|n| is_type(op, n))),
            };
            let result = match result {
                Ok(r) => r,
                Err(e) => {
                    values.push(cannot_ask(each, e, role)?);
                    continue;
                }
            };
            let holds = (result != not) != inverse;
            values.push(verdict(each, holds, explain, || {
                let shown = match each {
                    QueryResult::Resolved(n) | QueryResult::Literal(n) => n.describe(),
                    QueryResult::Unresolved(ur) => format!("missing ({})", ur.reason),
                };
                format!(
                    "`{}` {} {}: {}",
                    query_text(&a.query),
                    if not != inverse {
                        "must not be"
                    } else {
                        "must be"
                    },
                    op_word(a.op),
                    shown
                )
            }));
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
        let mut values = Vec::with_capacity(results.len());
        for result in results {
            compared_checks(result, a, negated, explain, &mut values);
        }
        Ok(Checks::Values(values))
    }
}

/// `EMPTY` on a filter's selection or a lone variable: whether each value selected is
/// empty (a selection of nothing is empty).
fn empty_selection(
    a: &AccessClause,
    lhs: &[QueryResult<'_>],
    role: Role,
    explain: bool,
) -> R<Checks> {
    let (inverse, not) = (a.negated, a.op_negated);
    if lhs.is_empty() {
        let holds = not == inverse;
        return Ok(Checks::Decided(
            if holds { Status::Pass } else { Status::Fail },
            format!("`{}` selected nothing", query_text(&a.query)),
        ));
    }
    let lone_variable = a.query.lone_variable().is_some();
    let mut values = Vec::with_capacity(lhs.len());
    for each in lhs {
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
            Err(e) => {
                values.push(cannot_ask(each, e, role)?);
                continue;
            }
        };
        let holds = (if not { !empty } else { empty }) != inverse;
        values.push(verdict(each, holds, explain, || {
            format!(
                "`{}` is {}",
                query_text(&a.query),
                if empty { "empty" } else { "not empty" }
            )
        }));
    }
    Ok(Checks::Values(values))
}

/// A value a unary operator cannot be asked of (`EMPTY` on a number): a failing check in an
/// assertion; a gate cannot be evaluated.
fn cannot_ask(each: &QueryResult<'_>, reason: String, role: Role) -> R<Check> {
    if role == Role::Assertion {
        Ok(Check::fail(result_span(each), reason).of(each))
    } else {
        Err(Fault::Unevaluatable(reason, None))
    }
}

/// The check of one value: passes when `holds`; the explanation is made only for a failure
/// that is explained.
fn verdict(
    each: &QueryResult<'_>,
    holds: bool,
    explain: bool,
    explanation: impl FnOnce() -> String,
) -> Check {
    Check {
        status: if holds { Status::Pass } else { Status::Fail },
        at: result_span(each),
        value: result_value(each),
        defined_at: result_defined_at(each),
        explanation: if holds || !explain {
            String::new()
        } else {
            explanation()
        },
    }
}

/// A clause's status from its values' checks: SKIP when every value skipped; with `some`,
/// PASS when one passed; else FAIL when one failed.
fn values_status(values: &[Check], match_all: bool) -> Status {
    let passes = values.iter().filter(|c| c.status == Status::Pass).count();
    let fails = values.iter().filter(|c| c.status == Status::Fail).count();
    let skips = values.len() - passes - fails;
    if passes == 0 && fails == 0 && skips > 0 {
        Status::Skip
    } else if match_all {
        if fails > 0 {
            Status::Fail
        } else {
            Status::Pass
        }
    } else if passes > 0 {
        Status::Pass
    } else {
        Status::Fail
    }
}

/// The checks one comparison result makes: a pass or a failure for each value compared.
fn compared_checks(
    result: Compared<'_>,
    a: &AccessClause,
    negated: bool,
    explain: bool,
    values: &mut Vec<Check>,
) {
    let explained = |text: &dyn Fn() -> String| if explain { text() } else { String::new() };
    let must = if negated { "must not be" } else { "must be" };
    match result {
        Compared::LhsUnresolved(ur) => values.push(failed(
            &ur.traversed_to,
            explained(&|| format!("`{}` is missing ({})", query_text(&a.query), ur.reason)),
        )),
        Compared::RhsUnresolved(l) => values.push(failed(
            &l,
            explained(&|| {
                format!(
                    "{} could not be compared: the right-hand side did not resolve",
                    l.describe()
                )
            }),
        )),
        Compared::NotComparable(l, r) => values.push(failed(
            &l,
            explained(&|| {
                format!(
                    "{} cannot be compared with {} ({} and {})",
                    l.describe(),
                    r.describe(),
                    l.type_name(),
                    r.type_name()
                )
            }),
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
                let explanation = explained(&|| {
                    format!(
                        "{} {must} in [{}]",
                        l.describe(),
                        rhs.iter()
                            .map(Node::describe)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
                values.push(failed(&l, explanation));
            }
        }
        Compared::Fail(
            Compare::Value(l, r) | Compare::ValueIn(l, r) | Compare::ListIn { lhs: l, rhs: r, .. },
        ) => {
            let explanation = explained(&|| {
                format!("{} {must} {} {}", l.describe(), op_word(a.op), r.describe())
            });
            values.push(failed(&l, explanation));
        }
    }
}

/// A failing check of document value `node`.
fn failed(node: &Node<'_>, explanation: String) -> Check {
    Check {
        status: Status::Fail,
        at: document_span(node),
        value: node_value(node),
        defined_at: node_defined_at(node),
        explanation,
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
    /// Where the value checked was defined (see [`Failure::defined_at`]).
    defined_at: Option<Span>,
    explanation: String,
}

impl Check {
    /// The same check, of the document value `each`.
    fn of(self, each: &QueryResult<'_>) -> Check {
        Check {
            value: result_value(each),
            defined_at: result_defined_at(each),
            ..self
        }
    }

    fn pass(at: Option<Span>) -> Check {
        Check {
            value: None,
            defined_at: None,
            status: Status::Pass,
            at,
            explanation: String::new(),
        }
    }

    fn fail(at: Option<Span>, explanation: String) -> Check {
        Check {
            value: None,
            defined_at: None,
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

/// Where a document value read through a variable was defined (see [`Failure::defined_at`]).
fn node_defined_at(node: &Node<'_>) -> Option<Span> {
    node.document()?.defined_at.as_deref().cloned()
}

fn result_defined_at(result: &QueryResult<'_>) -> Option<Span> {
    match result {
        QueryResult::Resolved(n) | QueryResult::Literal(n) => node_defined_at(n),
        QueryResult::Unresolved(ur) => node_defined_at(&ur.traversed_to),
    }
}

fn result_span(result: &QueryResult<'_>) -> Option<Span> {
    match result {
        QueryResult::Resolved(n) | QueryResult::Literal(n) => document_span(n),
        QueryResult::Unresolved(ur) => document_span(&ur.traversed_to),
    }
}
