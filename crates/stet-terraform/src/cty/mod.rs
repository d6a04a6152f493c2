//! Terraform's values with their types, as go-cty (the value library Terraform evaluates
//! with) defines them: primitives (`bool`, [`Number`], `string`), collections (`list`, `set`,
//! `map` of one element type), structural types (`tuple`, `object`), `null` of a type and
//! values not known until apply (unknown, of a type). The evaluator computes with these so
//! that conversions, set ordering, equality and type unification come out as Terraform's;
//! [`Val::into_graph`] turns the result into the graph's untyped [`stet_graph::Value`].
//!
//! What is deliberately left out: unknown-value refinements (a known prefix, a length range)
//! and marks other than `sensitive`; capsule types.

mod convert;
mod number;
mod types;

pub(crate) use convert::{can_convert, convert, unify, unify_makes_unknown};
pub(crate) use number::Number;
pub(crate) use types::{ObjectType, Type};

use std::cmp::Ordering;
use std::rc::Rc;
use stet_graph::{Expr, Map, Span, TextOrigin, Value, ValueKind};

/// A value, the place it was written or computed, and whether it is marked sensitive.
#[derive(Debug, Clone)]
pub(crate) struct Val {
    pub kind: Kind,
    pub span: Span,
    pub sensitive: bool,
    /// For a string: where its text came from, when more is known than its span (a
    /// heredoc's lines, the value `jsonencode` encoded).
    pub text_origin: Option<Rc<TextOrigin>>,
    /// For a value read through a variable, where it was written (see
    /// [`Value::defined_at`]); `span` is then where the variable is used.
    pub defined_at: Option<Rc<Span>>,
}

/// An attribute of an object or an element of a map, with the span of its key.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Val,
}

/// The shapes of a [`Val`].
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    /// Not known until apply; the expression it comes from, when one is at hand.
    Unknown(Type, Option<Rc<Expr>>),
    /// `null` of a type.
    Null(Type),
    Bool(bool),
    Number(Number),
    String(String),
    /// Elements all of the element type.
    List(Type, Vec<Val>),
    /// Distinct elements of the element type, in cty's set order.
    Set(Type, Vec<Val>),
    Tuple(Vec<Val>),
    /// Elements of the element type, sorted by key.
    Map(Type, Vec<Entry>),
    /// Attributes in the order written (cty has no order; [`Val::sorted_entries`] sorts).
    Object(Vec<Entry>),
}

impl Val {
    pub fn new(kind: Kind, span: Span) -> Val {
        Val {
            kind,
            span,
            sensitive: false,
            text_origin: None,
            defined_at: None,
        }
    }

    /// A string, in Unicode normal form C as every cty string is (`cty.StringVal`
    /// normalizes: `"e\u0301"` is `"é"`).
    pub fn string(s: impl Into<String>, span: Span) -> Val {
        Val::new(Kind::String(nfc(s.into())), span)
    }

    pub fn bool(b: bool, span: Span) -> Val {
        Val::new(Kind::Bool(b), span)
    }

    pub fn number(n: Number, span: Span) -> Val {
        Val::new(Kind::Number(n), span)
    }

    pub fn int(i: i64, span: Span) -> Val {
        Val::new(Kind::Number(Number::from_i64(i)), span)
    }

    pub fn null(ty: Type, span: Span) -> Val {
        Val::new(Kind::Null(ty), span)
    }

    /// An unknown of type `ty` (its expression is filled in by the evaluator).
    pub fn unknown(ty: Type, span: Span) -> Val {
        Val::new(Kind::Unknown(ty, None), span)
    }

    /// A list whose elements all have type `ety` already.
    pub fn list(ety: Type, items: Vec<Val>, span: Span) -> Val {
        Val::new(Kind::List(ety, items), span)
    }

    pub fn tuple(items: Vec<Val>, span: Span) -> Val {
        Val::new(Kind::Tuple(items), span)
    }

    pub fn object(entries: Vec<Entry>, span: Span) -> Val {
        Val::new(Kind::Object(entries), span)
    }

    /// A map whose values all have type `ety` already; sorts the entries.
    pub fn map(ety: Type, mut entries: Vec<Entry>, span: Span) -> Val {
        entries.sort_by(|a, b| a.key.cmp(&b.key));
        entries.dedup_by(|later, earlier| {
            if later.key == earlier.key {
                std::mem::swap(later, earlier);
                true
            } else {
                false
            }
        });
        Val::new(Kind::Map(ety, entries), span)
    }

    /// A set of elements of type `ety` already: duplicates removed, in cty's order.
    pub fn set(ety: Type, items: Vec<Val>, span: Span) -> Val {
        let mut out: Vec<Val> = Vec::with_capacity(items.len());
        for item in items {
            if !item.is_wholly_known() || !out.iter().any(|o| o.equals_known(&item)) {
                out.push(item);
            }
        }
        out.sort_by(set_order);
        Val::new(Kind::Set(ety, out), span)
    }

    /// The value with `span` on it and everything inside it (for values decoded from
    /// text, which belong to the call that decoded them).
    pub fn respanned(mut self, span: &Span) -> Val {
        self.span = span.clone();
        self.kind = match self.kind {
            Kind::List(t, items) => {
                Kind::List(t, items.into_iter().map(|i| i.respanned(span)).collect())
            }
            Kind::Set(t, items) => {
                Kind::Set(t, items.into_iter().map(|i| i.respanned(span)).collect())
            }
            Kind::Tuple(items) => {
                Kind::Tuple(items.into_iter().map(|i| i.respanned(span)).collect())
            }
            Kind::Map(t, entries) => Kind::Map(t, respan_entries(entries, span)),
            Kind::Object(entries) => Kind::Object(respan_entries(entries, span)),
            other => other,
        };
        self
    }

    /// This string as the encoding of `source` (`jsonencode`, `yamlencode`), so that a rule
    /// reading the text back finds each part where `source` has it.
    pub fn encoding_of(mut self, source: &Val) -> Val {
        if matches!(
            self.kind,
            Kind::String(_) | Kind::Unknown(Type::String, Some(_))
        ) {
            self.text_origin = Some(Rc::new(TextOrigin::Encoding(source.clone().into_graph())));
        }
        self
    }

    /// This value as read through a variable used at `span`: placed there, with the place it
    /// was written as its definition (kept when it already has one: a module's variable
    /// given a caller's variable is defined where the caller's value was written).
    pub fn read_at(mut self, span: &Span) -> Val {
        if self.defined_at.is_none() {
            self.defined_at = Some(Rc::new(self.span.clone()));
        }
        self.span = span.clone();
        self
    }

    pub fn with_span(mut self, span: Span) -> Val {
        self.span = span;
        self
    }

    pub fn marked(mut self, sensitive: bool) -> Val {
        self.sensitive |= sensitive;
        self
    }

    /// The value's type.
    pub fn ty(&self) -> Type {
        match &self.kind {
            Kind::Unknown(ty, _) | Kind::Null(ty) => ty.clone(),
            Kind::Bool(_) => Type::Bool,
            Kind::Number(_) => Type::Number,
            Kind::String(_) => Type::String,
            Kind::List(ety, _) => Type::List(Box::new(ety.clone())),
            Kind::Set(ety, _) => Type::Set(Box::new(ety.clone())),
            Kind::Map(ety, _) => Type::Map(Box::new(ety.clone())),
            Kind::Tuple(items) => Type::Tuple(items.iter().map(Val::ty).collect()),
            Kind::Object(entries) => Type::object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.ty()))
                    .collect(),
            ),
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null(_))
    }

    pub fn is_known(&self) -> bool {
        !matches!(self.kind, Kind::Unknown(..))
    }

    /// Whether this value and everything inside it is known.
    pub fn is_wholly_known(&self) -> bool {
        match &self.kind {
            Kind::Unknown(..) => false,
            Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items) => {
                items.iter().all(Val::is_wholly_known)
            }
            Kind::Map(_, entries) | Kind::Object(entries) => {
                entries.iter().all(|e| e.value.is_wholly_known())
            }
            _ => true,
        }
    }

    /// Whether this value or anything inside it is marked sensitive.
    pub fn contains_sensitive(&self) -> bool {
        self.sensitive
            || match &self.kind {
                Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items) => {
                    items.iter().any(Val::contains_sensitive)
                }
                Kind::Map(_, entries) | Kind::Object(entries) => {
                    entries.iter().any(|e| e.value.contains_sensitive())
                }
                _ => false,
            }
    }

    /// The value with every sensitive mark removed, deeply.
    pub fn unmark_deep(mut self) -> Val {
        self.sensitive = false;
        self.kind = match self.kind {
            Kind::List(t, items) => {
                Kind::List(t, items.into_iter().map(Val::unmark_deep).collect())
            }
            Kind::Set(t, items) => Kind::Set(t, items.into_iter().map(Val::unmark_deep).collect()),
            Kind::Tuple(items) => Kind::Tuple(items.into_iter().map(Val::unmark_deep).collect()),
            Kind::Map(t, entries) => Kind::Map(t, unmark_entries(entries)),
            Kind::Object(entries) => Kind::Object(unmark_entries(entries)),
            other => other,
        };
        self
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match &self.kind {
            Kind::Number(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The elements of a list, set or tuple.
    pub fn elements(&self) -> Option<&[Val]> {
        match &self.kind {
            Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// The entries of a map or object.
    pub fn entries(&self) -> Option<&[Entry]> {
        match &self.kind {
            Kind::Map(_, entries) | Kind::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// The entries of a map or object in key order (cty's iteration order).
    pub fn sorted_entries(&self) -> Option<Vec<&Entry>> {
        let mut entries: Vec<&Entry> = self.entries()?.iter().collect();
        entries.sort_by(|a, b| a.key.cmp(&b.key));
        Some(entries)
    }

    /// The entry under `key` of a map or object.
    pub fn get(&self, key: &str) -> Option<&Val> {
        self.entries()?
            .iter()
            .find(|e| e.key == key)
            .map(|e| &e.value)
    }

    /// The number of elements or entries of a collection or structure.
    pub fn len(&self) -> Option<usize> {
        self.elements()
            .map(<[Val]>::len)
            .or_else(|| self.entries().map(<[Entry]>::len))
    }

    /// cty's `Equals` for two wholly known values: `None` when the answer is unknown.
    pub fn equals(&self, other: &Val) -> Option<bool> {
        match (&self.kind, &other.kind) {
            (Kind::Null(_), Kind::Null(_)) => return Some(true),
            (Kind::Null(_), k) | (k, Kind::Null(_)) if !matches!(k, Kind::Unknown(..)) => {
                return Some(false)
            }
            _ => {}
        }
        if !self.is_known() || !other.is_known() {
            let (known, unknown) = if self.is_known() {
                (self, other)
            } else {
                (other, self)
            };
            if known.is_known()
                && !known.is_null()
                && !unknown.ty().has_dynamic()
                && known.ty() != unknown.ty()
            {
                return Some(false);
            }
            return None;
        }
        let (a, b) = (self.ty(), other.ty());
        if a.has_dynamic() || b.has_dynamic() {
            if !a.conforms(&b) && !b.conforms(&a) {
                return Some(false);
            }
            return None;
        }
        if a != b {
            return Some(false);
        }
        match (&self.kind, &other.kind) {
            (Kind::Bool(x), Kind::Bool(y)) => Some(x == y),
            (Kind::Number(x), Kind::Number(y)) => Some(x == y),
            (Kind::String(x), Kind::String(y)) => Some(x == y),
            (Kind::List(_, x), Kind::List(_, y)) | (Kind::Tuple(x), Kind::Tuple(y)) => {
                all_equal(x.iter().zip(y.iter()), x.len() == y.len())
            }
            (Kind::Set(_, x), Kind::Set(_, y)) => {
                if x.len() != y.len() {
                    return Some(false);
                }
                if !self.is_wholly_known() || !other.is_wholly_known() {
                    return None;
                }
                Some(x.iter().all(|i| y.iter().any(|j| i.equals_known(j))))
            }
            (Kind::Map(_, x), Kind::Map(_, y)) | (Kind::Object(x), Kind::Object(y)) => {
                if x.len() != y.len() {
                    return Some(false);
                }
                let mut pairs = Vec::new();
                for e in x {
                    match y.iter().find(|f| f.key == e.key) {
                        Some(f) => pairs.push((&e.value, &f.value)),
                        None => return Some(false),
                    }
                }
                all_equal(pairs.into_iter(), true)
            }
            _ => Some(false),
        }
    }

    /// Equality of two wholly known values (`false` when unknown).
    pub fn equals_known(&self, other: &Val) -> bool {
        self.equals(other) == Some(true)
    }

    /// The value for the graph: numbers as `Int`, `Float` or `Decimal`, unknowns as
    /// [`ValueKind::Expr`], collections as lists and maps.
    pub fn into_graph(self) -> Value {
        let span = self.span;
        let text_origin = self.text_origin.map(|o| Box::new(Rc::unwrap_or_clone(o)));
        let defined_at = self.defined_at.map(|s| Box::new(Rc::unwrap_or_clone(s)));
        let kind = match self.kind {
            Kind::Unknown(_, expr) => match expr {
                Some(expr) => ValueKind::Expr(Box::new(Rc::unwrap_or_clone(expr))),
                None => ValueKind::Expr(Box::new(Expr {
                    source: String::new(),
                    text: "${unknown}".into(),
                    references: Vec::new(),
                    fallback: None,
                })),
            },
            Kind::Null(_) => ValueKind::Null,
            Kind::Bool(b) => ValueKind::Bool(b),
            Kind::Number(n) => number_kind(&n),
            Kind::String(s) => ValueKind::String(s),
            Kind::List(_, items) | Kind::Set(_, items) | Kind::Tuple(items) => {
                ValueKind::List(items.into_iter().map(Val::into_graph).collect())
            }
            Kind::Map(_, entries) | Kind::Object(entries) => {
                let mut map = Map::new();
                for e in entries {
                    map.insert(e.key, e.key_span, e.value.into_graph());
                }
                ValueKind::Map(map)
            }
        };
        Value {
            text_origin,
            defined_at,
            ..Value::new(kind, span)
        }
    }

    /// A graph value read back (tfvars, module inputs passed through the graph): numbers
    /// re-read from their text, lists as tuples, maps as objects, expressions unknown.
    pub fn from_graph(value: &Value) -> Val {
        let kind = match &value.kind {
            ValueKind::Null => Kind::Null(Type::Dynamic),
            ValueKind::Bool(b) => Kind::Bool(*b),
            ValueKind::Int(i) => Kind::Number(Number::from_i64(*i).set_prec(number::PARSE_PREC)),
            ValueKind::Float(f) => {
                Kind::Number(Number::parse(&f.to_string()).unwrap_or_else(|| Number::from_i64(0)))
            }
            ValueKind::Decimal(text) => {
                Kind::Number(Number::parse(text).unwrap_or_else(|| Number::from_i64(0)))
            }
            ValueKind::String(s) => Kind::String(nfc(s.clone())),
            ValueKind::List(items) => Kind::Tuple(items.iter().map(Val::from_graph).collect()),
            ValueKind::Map(map) => Kind::Object(
                map.iter()
                    .map(|e| Entry {
                        key: e.key.clone(),
                        key_span: e.key_span.clone(),
                        value: Val::from_graph(&e.value),
                    })
                    .collect(),
            ),
            ValueKind::Expr(expr) => Kind::Unknown(Type::Dynamic, Some(Rc::new((**expr).clone()))),
        };
        Val {
            text_origin: value.text_origin.as_deref().cloned().map(Rc::new),
            defined_at: value.defined_at.as_deref().cloned().map(Rc::new),
            ..Val::new(kind, value.span.clone())
        }
    }
}

/// `s` in Unicode normal form C (ASCII and text already in that form are returned as is).
pub(crate) fn nfc(s: String) -> String {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        return s;
    }
    s.nfc().collect()
}

fn respan_entries(entries: Vec<Entry>, span: &Span) -> Vec<Entry> {
    entries
        .into_iter()
        .map(|e| Entry {
            key: e.key,
            key_span: span.clone(),
            value: e.value.respanned(span),
        })
        .collect()
}

fn unmark_entries(entries: Vec<Entry>) -> Vec<Entry> {
    entries
        .into_iter()
        .map(|e| Entry {
            value: e.value.unmark_deep(),
            ..e
        })
        .collect()
}

fn all_equal<'a>(pairs: impl Iterator<Item = (&'a Val, &'a Val)>, same_len: bool) -> Option<bool> {
    if !same_len {
        return Some(false);
    }
    let mut unknown = false;
    for (x, y) in pairs {
        match x.equals(y) {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown {
        None
    } else {
        Some(true)
    }
}

/// The graph's form of a number: `Int` when whole and within 64 bits, `Float` when a float64
/// prints the same digits, else `Decimal` with Terraform's exact text.
pub(crate) fn number_kind(n: &Number) -> ValueKind {
    if n.is_negative_zero() {
        return ValueKind::Float(-0.0);
    }
    if let Some(i) = n.to_i64() {
        return ValueKind::Int(i);
    }
    let text = n.text();
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() && f.to_string() == text => ValueKind::Float(f),
        _ => ValueKind::Decimal(text),
    }
}

/// cty's set order (`setRules.Less`): known before unknown, non-null before null; strings
/// by bytes, numbers by value, `false` before `true`; anything else by its hash text.
pub(crate) fn set_order(a: &Val, b: &Val) -> Ordering {
    match (a.is_null(), b.is_null()) {
        (false, true) => return Ordering::Less,
        (true, false) => return Ordering::Greater,
        (true, true) => return Ordering::Equal,
        _ => {}
    }
    match (a.is_known(), b.is_known()) {
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        (false, false) => return Ordering::Equal,
        _ => {}
    }
    match (&a.kind, &b.kind) {
        (Kind::String(x), Kind::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Kind::Number(x), Kind::Number(y)) => x.cmp(y),
        (Kind::Bool(x), Kind::Bool(y)) => x.cmp(y),
        _ => hash_text(a).cmp(&hash_text(b)),
    }
}

/// The bytes cty hashes a value by (`makeSetHashBytes`), which also order sets of
/// structures.
pub(crate) fn hash_text(v: &Val) -> Vec<u8> {
    let mut out = Vec::new();
    append_hash(v, &mut out);
    out
}

fn append_hash(v: &Val, out: &mut Vec<u8>) {
    match &v.kind {
        Kind::Unknown(..) => out.push(b'?'),
        Kind::Null(_) => out.push(b'~'),
        Kind::Number(n) => out.extend_from_slice(n.text_g10().as_bytes()),
        Kind::Bool(b) => out.push(if *b { b'T' } else { b'F' }),
        Kind::String(s) => out.extend_from_slice(go_quote(s).as_bytes()),
        Kind::Map(_, entries) => {
            out.push(b'{');
            for e in entries {
                out.extend_from_slice(go_quote(&e.key).as_bytes());
                out.push(b':');
                append_hash(&e.value, out);
                out.push(b';');
            }
            out.push(b'}');
        }
        Kind::List(_, items) | Kind::Set(_, items) => {
            out.push(b'[');
            for i in items {
                append_hash(i, out);
                out.push(b';');
            }
            out.push(b']');
        }
        Kind::Object(_) => {
            out.push(b'<');
            for e in v.sorted_entries().unwrap_or_default() {
                append_hash(&e.value, out);
                out.push(b';');
            }
            out.push(b'>');
        }
        Kind::Tuple(items) => {
            out.push(b'<');
            for i in items {
                append_hash(i, out);
                out.push(b';');
            }
            out.push(b'>');
        }
    }
}

/// Go's `strconv.Quote`: a double-quoted string with Go escapes for what is not printable.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => {
                let n = c as u32;
                if n <= 0xffff {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
