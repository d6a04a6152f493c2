//! What the evaluator passes around: [`Item`] (a document value, a computed value, or a rule
//! literal such as a regex or a range), [`QueryResult`], and the comparisons between items
//! with cfn-guard's semantics.

use crate::ast::{Literal, Range, RegexLiteral};
use std::rc::Rc;
use stet_graph::{Value, ValueKind};

/// A value during evaluation.
#[derive(Debug, Clone)]
pub(crate) enum Item<'a> {
    /// A value of the document or of the rule file.
    Ref(&'a Value),
    /// A value computed by a function.
    Owned(Rc<Value>),
    /// `/regex/`.
    Regex(&'a RegexLiteral),
    /// `r[a, b]`.
    Range(&'a Range),
    /// A literal list holding regexes or ranges.
    List(Rc<Vec<Item<'a>>>),
}

impl<'a> Item<'a> {
    pub fn from_literal(literal: &'a Literal) -> Item<'a> {
        match literal {
            Literal::Value(v) => Item::Ref(v),
            Literal::Regex(r) => Item::Regex(r),
            Literal::Range(r) => Item::Range(r),
            Literal::List(items, _) => {
                Item::List(Rc::new(items.iter().map(Item::from_literal).collect()))
            }
        }
    }

    /// The plain value, when this is one.
    pub fn value(&self) -> Option<&Value> {
        match self {
            Item::Ref(v) => Some(v),
            Item::Owned(v) => Some(v),
            _ => None,
        }
    }

    pub fn kind(&self) -> Option<&ValueKind> {
        self.value().map(|v| &v.kind)
    }

    /// The elements, when this is a list.
    pub fn elements(&self) -> Option<Vec<Item<'a>>> {
        match self {
            Item::Ref(v) => v.as_list().map(|l| l.iter().map(Item::Ref).collect()),
            Item::Owned(v) => match &v.kind {
                ValueKind::List(l) => {
                    Some(l.iter().map(|i| Item::Owned(Rc::new(i.clone()))).collect())
                }
                _ => None,
            },
            Item::List(items) => Some(items.as_ref().clone()),
            _ => None,
        }
    }

    pub fn is_list(&self) -> bool {
        matches!(self.kind(), Some(ValueKind::List(_))) || matches!(self, Item::List(_))
    }

    pub fn is_scalar(&self) -> bool {
        !self.is_list() && !matches!(self.kind(), Some(ValueKind::Map(_)))
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind(), Some(ValueKind::Null))
    }

    /// The type name cfn-guard uses in messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Item::Regex(_) => "regex",
            Item::Range(_) => "range",
            Item::List(_) => "list",
            _ => match self.kind() {
                Some(ValueKind::Null) => "null",
                Some(ValueKind::Bool(_)) => "bool",
                Some(ValueKind::Int(_)) => "int",
                Some(ValueKind::Float(_) | ValueKind::Decimal(_)) => "float",
                Some(ValueKind::String(_) | ValueKind::Expr(_)) => "string",
                Some(ValueKind::List(_)) => "list",
                Some(ValueKind::Map(_)) => "struct",
                None => "value",
            },
        }
    }

    /// A short rendering for messages.
    pub fn describe(&self) -> String {
        match self {
            Item::Regex(r) => format!("/{}/", r.source),
            Item::Range(r) => format!(
                "r{}{}, {}{}",
                if r.lower_inclusive { "[" } else { "(" },
                r.lower,
                r.upper,
                if r.upper_inclusive { "]" } else { ")" }
            ),
            Item::List(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(Item::describe)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => self
                .value()
                .map(|v| v.to_json().to_string())
                .unwrap_or_default(),
        }
    }
}

/// One result of a query.
#[derive(Debug, Clone)]
pub(crate) enum QueryResult<'a> {
    /// A value the query reached.
    Resolved(Item<'a>),
    /// A literal from the rule.
    Literal(Item<'a>),
    /// The query could not go on: a missing key, a wrong type.
    Unresolved(Unresolved<'a>),
}

/// Where and why a query stopped.
#[derive(Debug, Clone)]
pub(crate) struct Unresolved<'a> {
    /// The last value reached.
    pub traversed_to: Item<'a>,
    /// Why it stopped.
    pub reason: String,
}

impl<'a> QueryResult<'a> {
    pub fn item(&self) -> Option<&Item<'a>> {
        match self {
            QueryResult::Resolved(i) | QueryResult::Literal(i) => Some(i),
            QueryResult::Unresolved(_) => None,
        }
    }
}

/// Two items cannot be compared (a string with a number, a map with a regex).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct NotComparable;

pub(crate) type Cmp = Result<bool, NotComparable>;

fn number(kind: &ValueKind) -> Option<f64> {
    match kind {
        ValueKind::Int(i) => Some(*i as f64),
        ValueKind::Float(f) => Some(*f),
        ValueKind::Decimal(d) => d.parse().ok(),
        _ => None,
    }
}

fn text(kind: &ValueKind) -> Option<&str> {
    match kind {
        ValueKind::String(s) => Some(s),
        ValueKind::Expr(e) => Some(&e.text),
        _ => None,
    }
}

/// Equality as cfn-guard defines it: regexes match strings, ranges hold numbers, lists and
/// maps compare element by element; different kinds are not comparable.
pub(crate) fn compare_eq(lhs: &Item<'_>, rhs: &Item<'_>) -> Cmp {
    match (lhs, rhs) {
        (Item::Regex(r), other) | (other, Item::Regex(r)) => match other.kind().and_then(text) {
            Some(s) => Ok(r
                .regex()
                .is_some_and(|regex| regex.is_match(s).unwrap_or(false))),
            None => Err(NotComparable),
        },
        (Item::Range(r), other) | (other, Item::Range(r)) => {
            if r.chars {
                // A character range holds one-character strings.
                match other.kind().and_then(text) {
                    Some(s) if s.chars().count() == 1 => Ok(s
                        .chars()
                        .next()
                        .is_some_and(|c| r.contains(f64::from(u32::from(c))))),
                    _ => Err(NotComparable),
                }
            } else {
                match other.kind().and_then(number) {
                    Some(n) => Ok(r.contains(n)),
                    None => Err(NotComparable),
                }
            }
        }
        (Item::List(_), _) | (_, Item::List(_)) => {
            let (Some(a), Some(b)) = (lhs.elements(), rhs.elements()) else {
                return Err(NotComparable);
            };
            if a.len() != b.len() {
                return Ok(false);
            }
            for (x, y) in a.iter().zip(&b) {
                if !compare_eq(x, y)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        _ => {
            let (Some(a), Some(b)) = (lhs.value(), rhs.value()) else {
                return Err(NotComparable);
            };
            values_eq(a, b)
        }
    }
}

fn values_eq(a: &Value, b: &Value) -> Cmp {
    match (&a.kind, &b.kind) {
        (ValueKind::Null, ValueKind::Null) => Ok(true),
        (ValueKind::Bool(x), ValueKind::Bool(y)) => Ok(x == y),
        (ValueKind::Int(x), ValueKind::Int(y)) => Ok(x == y),
        (ValueKind::Float(x), ValueKind::Float(y)) => Ok(x == y),
        (ValueKind::Int(x), ValueKind::Float(y)) | (ValueKind::Float(y), ValueKind::Int(x)) => {
            Ok((*x as f64) == *y)
        }
        (x, y) if text(x).is_some() && text(y).is_some() => Ok(text(x) == text(y)),
        (ValueKind::List(x), ValueKind::List(y)) => {
            if x.len() != y.len() {
                return Ok(false);
            }
            for (p, q) in x.iter().zip(y) {
                match values_eq(p, q) {
                    Ok(true) => {}
                    Ok(false) | Err(_) => return Ok(false),
                }
            }
            Ok(true)
        }
        (ValueKind::Map(x), ValueKind::Map(y)) => {
            if x.len() != y.len() {
                return Ok(false);
            }
            for entry in x.iter() {
                match y.get(&entry.key).map(|v| values_eq(&entry.value, v)) {
                    Some(Ok(true)) => {}
                    _ => return Ok(false),
                }
            }
            Ok(true)
        }
        (ValueKind::Null, _) | (_, ValueKind::Null) => Ok(false),
        _ => Err(NotComparable),
    }
}

/// `<`, `<=`, `>`, `>=` on numbers (and on strings, lexically); other kinds are not
/// comparable.
pub(crate) fn compare_order(lhs: &Item<'_>, rhs: &Item<'_>, op: crate::ast::CmpOp) -> Cmp {
    use crate::ast::CmpOp;
    let ordering = match (lhs.kind(), rhs.kind()) {
        (Some(a), Some(b)) => match (number(a), number(b)) {
            (Some(x), Some(y)) => x.partial_cmp(&y),
            _ => match (text(a), text(b)) {
                (Some(x), Some(y)) => Some(x.cmp(y)),
                _ => None,
            },
        },
        _ => None,
    };
    let Some(ordering) = ordering else {
        return Err(NotComparable);
    };
    Ok(match op {
        CmpOp::Lt => ordering.is_lt(),
        CmpOp::Le => ordering.is_le(),
        CmpOp::Gt => ordering.is_gt(),
        CmpOp::Ge => ordering.is_ge(),
        _ => false,
    })
}

/// Whether `needle` is one of `haystack`'s elements (by [`compare_eq`]).
pub(crate) fn list_contains(haystack: &[Item<'_>], needle: &Item<'_>) -> bool {
    haystack
        .iter()
        .any(|h| compare_eq(needle, h).unwrap_or(false))
}
