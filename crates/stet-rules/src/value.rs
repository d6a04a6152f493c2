//! What the evaluator passes around — [`Node`] (a document value, a rule literal, or a value a
//! function or a key filter computed), [`QueryResult`] — and the comparisons between nodes,
//! with cfn-guard 3.2.1's semantics: `compare_eq` (regexes match strings, ranges hold numbers
//! and characters, lists and maps compare element by element, different kinds cannot be
//! compared), the ordering of `<`/`>` (numbers with numbers, strings with strings, characters
//! with characters), and the looser equality cfn-guard uses for membership in a list.

use crate::literal::{Lit, LitKind, Range, RegexLiteral};
use std::cmp::Ordering;
use std::rc::Rc;
use stet_graph::{Span, Value, ValueKind};

/// A value during evaluation.
#[derive(Debug, Clone)]
pub(crate) enum Node<'a> {
    /// A value of the document.
    Doc(&'a Value),
    /// A document-shaped value computed during evaluation (`json_parse`).
    OwnedDoc(Rc<Value>),
    /// A value written in the rule file.
    Lit(&'a Lit),
    /// A value computed during evaluation (function results, map keys).
    OwnedLit(Rc<Lit>),
}

/// A node's shape, borrowed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum View<'n> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Char(char),
    Str(&'n str),
    Regex(&'n RegexLiteral),
    RangeInt(&'n Range<i64>),
    RangeFloat(&'n Range<f64>),
    RangeChar(&'n Range<char>),
    List(usize),
    Map(usize),
}

impl<'a> Node<'a> {
    /// A string computed during evaluation, placed at `span`.
    pub fn string(s: String, span: Span) -> Node<'a> {
        Node::OwnedLit(Rc::new(Lit {
            kind: LitKind::String(s),
            span,
        }))
    }

    /// The node's shape.
    pub fn view(&self) -> View<'_> {
        match self {
            Node::Doc(v) => value_view(v),
            Node::OwnedDoc(v) => value_view(v),
            Node::Lit(l) => lit_view(l),
            Node::OwnedLit(l) => lit_view(l),
        }
    }

    /// Where the value is (in the document, or in the rule file for literals).
    pub fn span(&self) -> &Span {
        match self {
            Node::Doc(v) => &v.span,
            Node::OwnedDoc(v) => &v.span,
            Node::Lit(l) => &l.span,
            Node::OwnedLit(l) => &l.span,
        }
    }

    /// The document value, when this is one.
    pub fn document(&self) -> Option<&Value> {
        match self {
            Node::Doc(v) => Some(v),
            Node::OwnedDoc(v) => Some(v),
            Node::Lit(_) | Node::OwnedLit(_) => None,
        }
    }

    /// The elements, when this is a list.
    pub fn elements(&self) -> Option<Vec<Node<'a>>> {
        match self {
            Node::Doc(v) => v.as_list().map(|l| l.iter().map(Node::Doc).collect()),
            Node::OwnedDoc(v) => v.as_list().map(|l| {
                l.iter()
                    .map(|i| Node::OwnedDoc(Rc::new(i.clone())))
                    .collect()
            }),
            Node::Lit(l) => match &l.kind {
                LitKind::List(items) => Some(items.iter().map(Node::Lit).collect()),
                _ => None,
            },
            Node::OwnedLit(l) => match &l.kind {
                LitKind::List(items) => Some(
                    items
                        .iter()
                        .map(|i| Node::OwnedLit(Rc::new(i.clone())))
                        .collect(),
                ),
                _ => None,
            },
        }
    }

    /// The keys (as string nodes placed at each key) and values, when this is a map.
    pub fn entries(&self) -> Option<Vec<(Node<'a>, Node<'a>)>> {
        match self {
            Node::Doc(v) => v.as_map().map(|m| {
                m.iter()
                    .map(|e| {
                        (
                            Node::string(e.key.clone(), e.key_span.clone()),
                            Node::Doc(&e.value),
                        )
                    })
                    .collect()
            }),
            Node::OwnedDoc(v) => v.as_map().map(|m| {
                m.iter()
                    .map(|e| {
                        (
                            Node::string(e.key.clone(), e.key_span.clone()),
                            Node::OwnedDoc(Rc::new(e.value.clone())),
                        )
                    })
                    .collect()
            }),
            Node::Lit(l) => match &l.kind {
                LitKind::Map(m) => Some(
                    m.iter()
                        .map(|(k, v)| (Node::string(k.clone(), v.span.clone()), Node::Lit(v)))
                        .collect(),
                ),
                _ => None,
            },
            Node::OwnedLit(l) => match &l.kind {
                LitKind::Map(m) => Some(
                    m.iter()
                        .map(|(k, v)| {
                            (
                                Node::string(k.clone(), v.span.clone()),
                                Node::OwnedLit(Rc::new(v.clone())),
                            )
                        })
                        .collect(),
                ),
                _ => None,
            },
        }
    }

    /// The value under `key`, when this is a map that has it.
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        match self {
            Node::Doc(v) => v.as_map().and_then(|m| m.get(key)).map(Node::Doc),
            Node::OwnedDoc(v) => v
                .as_map()
                .and_then(|m| m.get(key))
                .map(|c| Node::OwnedDoc(Rc::new(c.clone()))),
            Node::Lit(l) => match &l.kind {
                LitKind::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| Node::Lit(v)),
                _ => None,
            },
            Node::OwnedLit(l) => match &l.kind {
                LitKind::Map(m) => m
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| Node::OwnedLit(Rc::new(v.clone()))),
                _ => None,
            },
        }
    }

    pub fn is_list(&self) -> bool {
        matches!(self.view(), View::List(_))
    }

    pub fn is_map(&self) -> bool {
        matches!(self.view(), View::Map(_))
    }

    pub fn is_scalar(&self) -> bool {
        !self.is_list() && !self.is_map()
    }

    pub fn is_null(&self) -> bool {
        matches!(self.view(), View::Null)
    }

    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self.view() {
            View::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The kind's name, as messages say it.
    pub fn type_name(&self) -> &'static str {
        match self.view() {
            View::Null => "null",
            View::Bool(_) => "bool",
            View::Int(_) => "int",
            View::Float(_) => "float",
            View::Char(_) => "char",
            View::Str(_) => "string",
            View::Regex(_) => "regex",
            View::RangeInt(_) => "range(int, int)",
            View::RangeFloat(_) => "range(float, float)",
            View::RangeChar(_) => "range(char, char)",
            View::List(_) => "list",
            View::Map(_) => "map",
        }
    }

    /// A short rendering for messages.
    pub fn describe(&self) -> String {
        match self {
            Node::Doc(v) => v.to_json().to_string(),
            Node::OwnedDoc(v) => v.to_json().to_string(),
            Node::Lit(l) => describe_lit(l),
            Node::OwnedLit(l) => describe_lit(l),
        }
    }
}

fn value_view(v: &Value) -> View<'_> {
    match &v.kind {
        ValueKind::Null => View::Null,
        ValueKind::Bool(b) => View::Bool(*b),
        ValueKind::Int(i) => View::Int(*i),
        ValueKind::Float(f) => View::Float(*f),
        // A number beyond a float's precision (Terraform's 512-bit arithmetic) compares as the
        // nearest float, as it is written to JSON.
        ValueKind::Decimal(d) => View::Float(d.parse().unwrap_or(f64::NAN)),
        ValueKind::String(s) => View::Str(s),
        // An expression stet could not evaluate is the text rules see.
        ValueKind::Expr(e) => View::Str(&e.text),
        ValueKind::List(l) => View::List(l.len()),
        ValueKind::Map(m) => View::Map(m.len()),
    }
}

fn lit_view(l: &Lit) -> View<'_> {
    match &l.kind {
        LitKind::Null => View::Null,
        LitKind::Bool(b) => View::Bool(*b),
        LitKind::Int(i) => View::Int(*i),
        LitKind::Float(f) => View::Float(*f),
        LitKind::Char(c) => View::Char(*c),
        LitKind::String(s) => View::Str(s),
        LitKind::Regex(r) => View::Regex(r),
        LitKind::List(items) => View::List(items.len()),
        LitKind::Map(m) => View::Map(m.len()),
        LitKind::RangeInt(r) => View::RangeInt(r),
        LitKind::RangeFloat(r) => View::RangeFloat(r),
        LitKind::RangeChar(r) => View::RangeChar(r),
    }
}

fn describe_lit(l: &Lit) -> String {
    fn range<T: std::fmt::Display>(r: &Range<T>) -> String {
        format!(
            "r{}{}, {}{}",
            if r.lower_inclusive { "[" } else { "(" },
            r.lower,
            r.upper,
            if r.upper_inclusive { "]" } else { ")" }
        )
    }
    match &l.kind {
        LitKind::Null => "null".into(),
        LitKind::Bool(b) => b.to_string(),
        LitKind::Int(i) => i.to_string(),
        LitKind::Float(f) => stet_graph::format_float(*f),
        LitKind::Char(c) => format!("'{c}'"),
        LitKind::String(s) => serde_json::Value::String(s.clone()).to_string(),
        LitKind::Regex(r) => format!("/{}/", r.source),
        LitKind::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(describe_lit)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        LitKind::Map(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!(
                    "{}: {}",
                    serde_json::Value::String(k.clone()),
                    describe_lit(v)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        LitKind::RangeInt(r) => range(r),
        LitKind::RangeFloat(r) => range(r),
        LitKind::RangeChar(r) => range(r),
    }
}

/// One result of a query.
#[derive(Debug, Clone)]
pub(crate) enum QueryResult<'a> {
    /// A value the query reached (or a function computed).
    Resolved(Node<'a>),
    /// A literal from the rule file (a literal `let`, a literal right-hand side).
    Literal(Node<'a>),
    /// The query could not go on: a missing key, a wrong type.
    Unresolved(Unresolved<'a>),
}

/// Where and why a query stopped.
#[derive(Debug, Clone)]
pub(crate) struct Unresolved<'a> {
    /// The last value reached.
    pub traversed_to: Node<'a>,
    /// Why it stopped.
    pub reason: String,
}

impl<'a> QueryResult<'a> {
    /// The node, when the query reached one.
    pub fn node(&self) -> Option<&Node<'a>> {
        match self {
            QueryResult::Resolved(n) | QueryResult::Literal(n) => Some(n),
            QueryResult::Unresolved(_) => None,
        }
    }
}

/// Two values of kinds that cannot be compared.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct NotComparable;

pub(crate) type Cmp = Result<bool, NotComparable>;

/// Orders an integer against a float without a lossy conversion (`None` for NaN).
fn int_to_float(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
    if f >= TWO_POW_63 {
        return Some(Ordering::Less);
    }
    if f < -TWO_POW_63 {
        return Some(Ordering::Greater);
    }
    let floor = f.floor();
    // `floor` is within i64's range here, so the conversion is exact.
    Some(match i.cmp(&(floor as i64)) {
        Ordering::Equal if f > floor => Ordering::Less,
        ordering => ordering,
    })
}

/// The order of two scalar values of comparable kinds (`compare_values`).
pub(crate) fn order(a: &Node<'_>, b: &Node<'_>) -> Result<Ordering, NotComparable> {
    match (a.view(), b.view()) {
        (View::Null, View::Null) => Ok(Ordering::Equal),
        (View::Int(x), View::Int(y)) => Ok(x.cmp(&y)),
        (View::Str(x), View::Str(y)) => Ok(x.cmp(y)),
        (View::Float(x), View::Float(y)) => x.partial_cmp(&y).ok_or(NotComparable),
        (View::Int(i), View::Float(f)) => int_to_float(i, f).ok_or(NotComparable),
        (View::Float(f), View::Int(i)) => int_to_float(i, f)
            .map(Ordering::reverse)
            .ok_or(NotComparable),
        (View::Char(x), View::Char(y)) => Ok(x.cmp(&y)),
        _ => Err(NotComparable),
    }
}

fn int_in_float_range(value: i64, r: &Range<f64>) -> bool {
    let above = match int_to_float(value, r.lower) {
        Some(Ordering::Greater) => true,
        Some(Ordering::Equal) => r.lower_inclusive,
        _ => false,
    };
    let below = match int_to_float(value, r.upper) {
        Some(Ordering::Less) => true,
        Some(Ordering::Equal) => r.upper_inclusive,
        _ => false,
    };
    above && below
}

fn float_in_int_range(value: f64, r: &Range<i64>) -> bool {
    let above = match int_to_float(r.lower, value).map(Ordering::reverse) {
        Some(Ordering::Greater) => true,
        Some(Ordering::Equal) => r.lower_inclusive,
        _ => false,
    };
    let below = match int_to_float(r.upper, value).map(Ordering::reverse) {
        Some(Ordering::Less) => true,
        Some(Ordering::Equal) => r.upper_inclusive,
        _ => false,
    };
    above && below
}

/// Equality as a comparison decides it (`compare_eq`): a regex on either side matches a
/// string, a range on the right holds a number or a character, lists (in order) and maps
/// compare element by element — an element pair that cannot be compared makes the whole
/// comparison not comparable.
pub(crate) fn compare_eq(a: &Node<'_>, b: &Node<'_>) -> Cmp {
    match (a.view(), b.view()) {
        (View::Str(s), View::Regex(r)) | (View::Regex(r), View::Str(s)) => Ok(r.is_match(s)),
        (View::Str(x), View::Str(y)) => Ok(x == y),
        (View::Map(n), View::Map(m)) => {
            if n != m {
                return Ok(false);
            }
            let (Some(entries), true) = (a.entries(), b.is_map()) else {
                return Ok(false);
            };
            for (key, value) in entries {
                let Some(other) = key.as_str().and_then(|k| b.get(k)) else {
                    return Ok(false);
                };
                if !compare_eq(&value, &other)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        (View::List(n), View::List(m)) => {
            if n != m {
                return Ok(false);
            }
            let (Some(xs), Some(ys)) = (a.elements(), b.elements()) else {
                return Ok(false);
            };
            for (x, y) in xs.iter().zip(&ys) {
                if !compare_eq(x, y)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        (View::Bool(x), View::Bool(y)) => Ok(x == y),
        (View::Regex(x), View::Regex(y)) => Ok(x.source == y.source),
        (View::Int(i), View::RangeInt(r)) => Ok(r.contains(&i)),
        (View::Float(f), View::RangeFloat(r)) => Ok(r.contains(&f)),
        (View::Int(i), View::RangeFloat(r)) => Ok(int_in_float_range(i, r)),
        (View::Float(f), View::RangeInt(r)) => Ok(float_in_int_range(f, r)),
        (View::Char(c), View::RangeChar(r)) => Ok(r.contains(&c)),
        _ => order(a, b).map(|o| o == Ordering::Equal),
    }
}

/// The looser equality cfn-guard uses for membership in a list and for the differences
/// between two query results: a regex matches a string either way, ranges equal ranges of the
/// same bounds, maps compare regardless of order, and anything else that cannot be compared
/// is simply unequal.
pub(crate) fn loose_eq(a: &Node<'_>, b: &Node<'_>) -> bool {
    match (a.view(), b.view()) {
        (View::Map(n), View::Map(m)) => {
            if n != m {
                return false;
            }
            a.entries().is_some_and(|entries| {
                entries.iter().all(|(key, value)| {
                    key.as_str()
                        .and_then(|k| b.get(k))
                        .is_some_and(|other| loose_eq(value, &other))
                })
            })
        }
        (View::List(n), View::List(m)) => {
            if n != m {
                return false;
            }
            match (a.elements(), b.elements()) {
                (Some(xs), Some(ys)) => xs.iter().zip(&ys).all(|(x, y)| loose_eq(x, y)),
                _ => false,
            }
        }
        (View::Bool(x), View::Bool(y)) => x == y,
        (View::Str(s), View::Regex(r)) | (View::Regex(r), View::Str(s)) => r.is_match(s),
        (View::Regex(x), View::Regex(y)) => x.source == y.source,
        (View::RangeInt(x), View::RangeInt(y)) => x == y,
        (View::RangeFloat(x), View::RangeFloat(y)) => x == y,
        (View::RangeChar(x), View::RangeChar(y)) => x == y,
        _ => matches!(order(a, b), Ok(Ordering::Equal)),
    }
}

/// Whether `list` holds an element loosely equal to `value`.
pub(crate) fn contains(list: &[Node<'_>], value: &Node<'_>) -> bool {
    list.iter().any(|item| loose_eq(item, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(kind: LitKind) -> Lit {
        Lit {
            kind,
            span: Span::file_start("t".into()),
        }
    }

    #[test]
    fn numbers_of_both_kinds_compare() {
        let one = lit(LitKind::Int(1));
        let one_f = lit(LitKind::Float(1.0));
        let half = lit(LitKind::Float(1.5));
        assert_eq!(compare_eq(&Node::Lit(&one), &Node::Lit(&one_f)), Ok(true));
        assert_eq!(
            order(&Node::Lit(&one), &Node::Lit(&half)),
            Ok(Ordering::Less)
        );
        let s = lit(LitKind::String("1".into()));
        assert_eq!(
            compare_eq(&Node::Lit(&one), &Node::Lit(&s)),
            Err(NotComparable)
        );
    }

    #[test]
    fn ranges_hold_values_only_on_the_right() {
        let r = lit(LitKind::RangeInt(Range {
            lower: 1,
            upper: 5,
            lower_inclusive: true,
            upper_inclusive: true,
        }));
        let three = lit(LitKind::Int(3));
        assert_eq!(compare_eq(&Node::Lit(&three), &Node::Lit(&r)), Ok(true));
        assert_eq!(
            compare_eq(&Node::Lit(&r), &Node::Lit(&three)),
            Err(NotComparable)
        );
        assert!(!loose_eq(&Node::Lit(&three), &Node::Lit(&r)));
    }

    #[test]
    fn a_list_with_an_incomparable_element_is_not_comparable() {
        let a = lit(LitKind::List(vec![
            lit(LitKind::Int(1)),
            lit(LitKind::String("a".into())),
        ]));
        let b = lit(LitKind::List(vec![
            lit(LitKind::Int(1)),
            lit(LitKind::Int(2)),
        ]));
        assert_eq!(
            compare_eq(&Node::Lit(&a), &Node::Lit(&b)),
            Err(NotComparable)
        );
        assert!(!loose_eq(&Node::Lit(&a), &Node::Lit(&b)));
    }
}
