//! Binary comparisons of query results, as cfn-guard 3.2.1 makes them: `==` and `IN` treat
//! a single rule literal on either side differently from query results (a literal list is
//! a set of candidates, two queries are compared as sets), `<`, `<=`, `>`, `>=` flatten lists
//! and compare every pair, and a negated operator (`!=`, `NOT IN`) inverts each per-value
//! outcome — except values that could not be compared, which fail either way.

use crate::ast::CmpOp;
use crate::value::{
    compare_eq, contains, loose_eq, order, Node, NotComparable, QueryResult, Unresolved,
};
use std::cmp::Ordering;

/// What a comparison decided about one pair or set.
#[derive(Debug, Clone)]
pub(crate) enum Compared<'a> {
    /// A left-hand value was not found.
    LhsUnresolved(Unresolved<'a>),
    /// A right-hand value was not found, so the left-hand value could not be compared.
    RhsUnresolved(Node<'a>),
    /// The two values are of kinds that cannot be compared.
    NotComparable(Node<'a>, Node<'a>),
    /// The comparison held.
    Success(Compare<'a>),
    /// The comparison did not hold.
    Fail(Compare<'a>),
}

/// What was compared.
#[derive(Debug, Clone)]
pub(crate) enum Compare<'a> {
    /// One value with one value.
    Value(Node<'a>, Node<'a>),
    /// One value with the elements of a list.
    ValueIn(Node<'a>, Node<'a>),
    /// A list's elements with a list; `diff` holds the elements that decided the outcome.
    ListIn {
        diff: Vec<Node<'a>>,
        lhs: Node<'a>,
        rhs: Node<'a>,
    },
    /// A set of values with a set; `diff` holds the values that decided the outcome.
    QueryIn {
        diff: Vec<Node<'a>>,
        lhs: Vec<Node<'a>>,
        rhs: Vec<Node<'a>>,
    },
}

/// The outcome of comparing two query results.
#[derive(Debug, Clone)]
pub(crate) enum Outcome<'a> {
    /// The left-hand side selected nothing.
    Skip,
    /// The left-hand side has values but the right-hand side has none.
    EmptyRhs,
    /// The per-value outcomes.
    Results(Vec<Compared<'a>>),
}

fn is_literal<'r, 'a>(results: &'r [QueryResult<'a>]) -> Option<&'r Node<'a>> {
    match results {
        [QueryResult::Literal(node)] => Some(node),
        _ => None,
    }
}

/// The nodes of `results`, each unresolved one handed to `on_unresolved`.
fn selected<'a>(
    results: &[QueryResult<'a>],
    mut on_unresolved: impl FnMut(&Unresolved<'a>),
) -> Vec<Node<'a>> {
    let mut out = Vec::with_capacity(results.len());
    for r in results {
        match r {
            QueryResult::Resolved(n) | QueryResult::Literal(n) => out.push(n.clone()),
            QueryResult::Unresolved(ur) => on_unresolved(ur),
        }
    }
    out
}

/// As [`selected`], with lists replaced by their elements.
fn flattened<'a>(
    results: &[QueryResult<'a>],
    on_unresolved: impl FnMut(&Unresolved<'a>),
) -> Vec<Node<'a>> {
    let mut out = Vec::new();
    for node in selected(results, on_unresolved) {
        match node.elements() {
            Some(items) => out.extend(items),
            None => out.push(node),
        }
    }
    out
}

fn match_value<'a>(
    lhs: Node<'a>,
    rhs: Node<'a>,
    cmp: impl Fn(&Node<'a>, &Node<'a>) -> Result<bool, NotComparable>,
) -> Compared<'a> {
    match cmp(&lhs, &rhs) {
        Ok(true) => Compared::Success(Compare::Value(lhs, rhs)),
        Ok(false) => Compared::Fail(Compare::Value(lhs, rhs)),
        Err(NotComparable) => Compared::NotComparable(lhs, rhs),
    }
}

fn string_in<'a>(lhs: Node<'a>, rhs: Node<'a>) -> Compared<'a> {
    match (lhs.as_str(), rhs.as_str()) {
        (Some(l), Some(r)) => {
            if r.contains(l) {
                Compared::Success(Compare::Value(lhs, rhs))
            } else {
                Compared::Fail(Compare::Value(lhs, rhs))
            }
        }
        _ => Compared::NotComparable(lhs, rhs),
    }
}

fn contained_in<'a>(lhs: Node<'a>, rhs: Node<'a>) -> Compared<'a> {
    match (lhs.elements(), rhs.elements()) {
        (Some(left), Some(right)) => {
            if right.first().is_some_and(Node::is_list) {
                if contains(&right, &lhs) {
                    Compared::Success(Compare::ListIn {
                        diff: Vec::new(),
                        lhs,
                        rhs,
                    })
                } else {
                    Compared::Fail(Compare::ListIn {
                        diff: vec![lhs.clone()],
                        lhs,
                        rhs,
                    })
                }
            } else {
                let diff: Vec<Node<'a>> = left
                    .into_iter()
                    .filter(|each| !contains(&right, each))
                    .collect();
                if diff.is_empty() {
                    Compared::Success(Compare::ListIn { diff, lhs, rhs })
                } else {
                    Compared::Fail(Compare::ListIn { diff, lhs, rhs })
                }
            }
        }
        (Some(_), None) => Compared::NotComparable(lhs, rhs),
        (None, Some(right)) => {
            if contains(&right, &lhs) {
                Compared::Success(Compare::ValueIn(lhs, rhs))
            } else {
                Compared::Fail(Compare::ValueIn(lhs, rhs))
            }
        }
        (None, None) => match_value(lhs, rhs, compare_eq),
    }
}

fn set_outcome<'a>(diff: Vec<Node<'a>>, lhs: Vec<Node<'a>>, rhs: Vec<Node<'a>>) -> Compared<'a> {
    let compare = Compare::QueryIn { diff, lhs, rhs };
    match &compare {
        Compare::QueryIn { diff, .. } if diff.is_empty() => Compared::Success(compare),
        _ => Compared::Fail(compare),
    }
}

/// Both sides' nodes, unresolved ones recorded in `results` as cfn-guard records them.
fn both_selected<'a>(
    lhs: &[QueryResult<'a>],
    rhs: &[QueryResult<'a>],
    results: &mut Vec<Compared<'a>>,
) -> (Vec<Node<'a>>, Vec<Node<'a>>) {
    let lhs_selected = selected(lhs, |ur| results.push(Compared::LhsUnresolved(ur.clone())));
    let rhs_selected = selected(rhs, |_| {
        results.extend(lhs_selected.iter().cloned().map(Compared::RhsUnresolved));
    });
    (lhs_selected, rhs_selected)
}

fn eq_operation<'a>(lhs: &[QueryResult<'a>], rhs: &[QueryResult<'a>]) -> Vec<Compared<'a>> {
    let mut results = Vec::new();
    match (is_literal(lhs), is_literal(rhs)) {
        (Some(l), Some(r)) => results.push(match_value(l.clone(), r.clone(), compare_eq)),
        (Some(l), None) => {
            let rhs = selected(rhs, |_| results.push(Compared::RhsUnresolved(l.clone())));
            if l.is_list() {
                for r in rhs {
                    results.push(match_value(l.clone(), r, compare_eq));
                }
            } else {
                for r in rhs {
                    match r.elements() {
                        Some(items) => {
                            for item in items {
                                results.push(match_value(l.clone(), item, compare_eq));
                            }
                        }
                        None => results.push(match_value(l.clone(), r, compare_eq)),
                    }
                }
            }
        }
        (None, Some(r)) => {
            let lhs = selected(lhs, |ur| results.push(Compared::LhsUnresolved(ur.clone())));
            match r.elements() {
                Some(right) => {
                    for l in lhs {
                        match right.as_slice() {
                            [only] if l.is_scalar() => {
                                results.push(match_value(l, only.clone(), compare_eq))
                            }
                            _ => results.push(match_value(l, r.clone(), compare_eq)),
                        }
                    }
                }
                None => {
                    for l in lhs {
                        match l.elements() {
                            Some(items) => {
                                for item in items {
                                    results.push(match_value(item, r.clone(), compare_eq));
                                }
                            }
                            None => results.push(match_value(l, r.clone(), compare_eq)),
                        }
                    }
                }
            }
        }
        (None, None) => {
            let (lhs_selected, rhs_selected) = both_selected(lhs, rhs, &mut results);
            let diff = if lhs_selected.len() > rhs_selected.len() {
                lhs_selected
                    .iter()
                    .filter(|e| !contains(&rhs_selected, e))
                    .cloned()
                    .collect()
            } else {
                rhs_selected
                    .iter()
                    .filter(|e| !contains(&lhs_selected, e))
                    .cloned()
                    .collect()
            };
            results.push(set_outcome(diff, lhs_selected, rhs_selected));
        }
    }
    results
}

fn in_operation<'a>(lhs: &[QueryResult<'a>], rhs: &[QueryResult<'a>]) -> Vec<Compared<'a>> {
    let mut results = Vec::new();
    match (is_literal(lhs), is_literal(rhs)) {
        (Some(l), Some(r)) => {
            results.push(match string_in(l.clone(), r.clone()) {
                success @ Compared::Success(_) => success,
                _ => contained_in(l.clone(), r.clone()),
            });
        }
        (Some(l), None) => {
            let rhs = selected(rhs, |_| results.push(Compared::RhsUnresolved(l.clone())));
            if rhs.iter().any(Node::is_list) {
                for r in rhs {
                    results.push(contained_in(l.clone(), r));
                }
            } else if let Some(items) = l.elements() {
                let diff: Vec<Node<'a>> =
                    items.into_iter().filter(|e| !contains(&rhs, e)).collect();
                results.push(set_outcome(diff, vec![l.clone()], rhs));
            } else {
                for r in rhs {
                    results.push(contained_in(l.clone(), r));
                }
            }
        }
        (None, Some(r)) => {
            let lhs = selected(lhs, |ur| results.push(Compared::LhsUnresolved(ur.clone())));
            for l in lhs {
                if r.as_str().is_some() {
                    match l.elements() {
                        Some(items) => {
                            for item in items {
                                results.push(string_in(item, r.clone()));
                            }
                        }
                        None => results.push(string_in(l, r.clone())),
                    }
                } else {
                    results.push(contained_in(l, r.clone()));
                }
            }
        }
        (None, None) => {
            let (lhs_selected, rhs_selected) = both_selected(lhs, rhs, &mut results);
            let diff = lhs_selected
                .iter()
                .filter(|l| {
                    !rhs_selected.iter().any(|r| {
                        matches!(contained_in((*l).clone(), r.clone()), Compared::Success(_))
                    })
                })
                .cloned()
                .collect();
            results.push(set_outcome(diff, lhs_selected, rhs_selected));
        }
    }
    results
}

fn ordering_operation<'a>(
    op: CmpOp,
    lhs: &[QueryResult<'a>],
    rhs: &[QueryResult<'a>],
) -> Vec<Compared<'a>> {
    let mut results = Vec::new();
    let lhs_flat = flattened(lhs, |ur| results.push(Compared::LhsUnresolved(ur.clone())));
    let rhs_flat = flattened(rhs, |_| {
        results.extend(lhs_flat.iter().cloned().map(Compared::RhsUnresolved));
    });
    let holds = |ordering: Ordering| match op {
        CmpOp::Lt => ordering.is_lt(),
        CmpOp::Le => ordering.is_le(),
        CmpOp::Gt => ordering.is_gt(),
        _ => ordering.is_ge(),
    };
    for l in &lhs_flat {
        for r in &rhs_flat {
            results.push(match_value(l.clone(), r.clone(), |a, b| {
                order(a, b).map(holds)
            }));
        }
    }
    results
}

/// Compares `lhs` with `rhs` by `op`, negated when `negated` (`!=`, `NOT IN`, or a `not`
/// before the clause).
pub(crate) fn compare<'a>(
    op: CmpOp,
    negated: bool,
    lhs: &[QueryResult<'a>],
    rhs: &[QueryResult<'a>],
) -> Outcome<'a> {
    if lhs.is_empty() {
        return Outcome::Skip;
    }
    if rhs.is_empty() {
        return Outcome::EmptyRhs;
    }
    let results = match op {
        CmpOp::Eq => eq_operation(lhs, rhs),
        CmpOp::In => in_operation(lhs, rhs),
        _ => ordering_operation(op, lhs, rhs),
    };
    if !negated {
        return Outcome::Results(results);
    }
    let set_side_is_rhs = rhs.len() >= lhs.len() && op == CmpOp::Eq;
    Outcome::Results(
        results
            .into_iter()
            .map(|r| negate(r, set_side_is_rhs))
            .collect(),
    )
}

/// The outcome of a negated comparison from the plain one's.
fn negate(result: Compared<'_>, set_side_is_rhs: bool) -> Compared<'_> {
    let reverse = |diff: &[Node<'_>], other: &[Node<'_>]| -> Vec<usize> {
        (0..other.len())
            .filter(|i| {
                other
                    .get(*i)
                    .is_some_and(|e| !diff.iter().any(|d| loose_eq(d, e)))
            })
            .collect()
    };
    match result {
        Compared::Fail(Compare::QueryIn { diff, lhs, rhs }) => {
            let other = if set_side_is_rhs { &rhs } else { &lhs };
            let kept: Vec<Node<'_>> = reverse(&diff, other)
                .into_iter()
                .filter_map(|i| other.get(i).cloned())
                .collect();
            if kept.is_empty() {
                Compared::Success(Compare::QueryIn {
                    diff: kept,
                    lhs,
                    rhs,
                })
            } else {
                Compared::Fail(Compare::QueryIn {
                    diff: kept,
                    lhs,
                    rhs,
                })
            }
        }
        Compared::Fail(Compare::ListIn { diff, lhs, rhs }) => {
            let items = lhs.elements().unwrap_or_default();
            let kept: Vec<Node<'_>> = reverse(&diff, &items)
                .into_iter()
                .filter_map(|i| items.get(i).cloned())
                .collect();
            if kept.is_empty() {
                Compared::Success(Compare::ListIn {
                    diff: kept,
                    lhs,
                    rhs,
                })
            } else {
                Compared::Fail(Compare::ListIn {
                    diff: kept,
                    lhs,
                    rhs,
                })
            }
        }
        Compared::Fail(other) => Compared::Success(other),
        Compared::Success(Compare::QueryIn { lhs, rhs, .. }) => Compared::Fail(Compare::QueryIn {
            diff: lhs.clone(),
            lhs,
            rhs,
        }),
        Compared::Success(Compare::ListIn { lhs, rhs, .. }) => Compared::Fail(Compare::ListIn {
            diff: lhs.elements().unwrap_or_default(),
            lhs,
            rhs,
        }),
        Compared::Success(other) => Compared::Fail(other),
        other => other,
    }
}
