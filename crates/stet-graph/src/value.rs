//! The value tree every parser produces: [`Value`] (a [`ValueKind`] and its [`Span`]),
//! ordered [`Map`]s whose keys keep their own spans, and [`Expr`] for what could not be
//! evaluated. Values are rendered to JSON here; comparing and diffing them is left to
//! `stet-diff`.

use crate::{Span, TextOrigin};
use serde_json::Value as Json;
use std::collections::HashMap;

/// A value with the place it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// What the value is.
    pub kind: ValueKind,
    /// Where it was written (for computed values: the expression that computed it).
    pub span: Span,
    /// For a string, where its text came from when the parser knows more than `span` (a
    /// heredoc's lines, the value a `jsonencode` call encodes), so that a value decoded
    /// from the text can point at its parts ([`Value::place_decoded`]).
    pub text_origin: Option<Box<TextOrigin>>,
    /// For a value read through a reference to where it was defined (a Terraform `var.x`):
    /// the place it was written — the variable's default, a `.tfvars` entry, a module
    /// call's argument — while `span` is where the reference is. `None` for a value written
    /// where it is.
    pub defined_at: Option<Box<Span>>,
}

/// The shapes a [`Value`] can take.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number that fits in 64 bits.
    Int(i64),
    /// Any other number a float64 holds exactly as written.
    Float(f64),
    /// A number that neither `Int` nor `Float` holds exactly, as its exact decimal text
    /// (Terraform computes with 512-bit mantissas: `1/3`, integers past 64 bits). JSON
    /// output renders it as the nearest float.
    Decimal(String),
    /// A string.
    String(String),
    /// A list (Terraform tuples, lists and sets; YAML sequences; JSON arrays).
    List(Vec<Value>),
    /// A map with ordered keys (Terraform objects and blocks; YAML mappings; JSON objects).
    Map(Map),
    /// A Terraform expression whose value cannot be known from the source alone.
    Expr(Box<Expr>),
}

/// An expression that could not be evaluated: a reference to a resource attribute, an
/// unknown variable, a function stet does not evaluate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    /// The expression as written in the file.
    pub source: String,
    /// The text rules see: known parts of a template evaluated, unknown parts kept as
    /// `${...}` (for example `"${var.repository}:latest"`).
    pub text: String,
    /// What the expression refers to, as dotted names (`var.image`, `aws_vpc.main.id`,
    /// `data.aws_ami.ubuntu.id`, `module.vpc.vpc_id`, `local.name`).
    pub references: Vec<String>,
    /// For `try(ATTEMPT, ..., FALLBACK)` whose attempt is unknown and whose fallback is known:
    /// the value is the attempt's where it evaluates, else the fallback. The diff compares
    /// two such expressions, or one with a plain value, case by case.
    pub fallback: Option<Fallback>,
}

/// The known last resort of a `try` whose attempts are unknown (see [`Expr::fallback`]).
///
/// ```
/// let f = stet_graph::Fallback { attempt: "each.value.path".into(), value: "null".into() };
/// assert_eq!(f.value, "null");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback {
    /// The source of the arguments tried before the fallback, as written.
    pub attempt: String,
    /// The fallback's value, as JSON.
    pub value: String,
}

/// A mutable view of one [`Map`] entry: its key's span and its value.
#[derive(Debug)]
pub struct EntryMut<'a> {
    /// Where the key was written.
    pub key_span: &'a mut Span,
    /// The value.
    pub value: &'a mut Value,
}

/// One key of a [`Map`], with the span of the key itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// Where the key was written.
    pub key_span: Span,
    /// The value.
    pub value: Value,
}

/// An ordered map of [`Entry`]s. Order is the source order; keys are unique (inserting a
/// key again replaces its value in place). Maps past [`INDEXED_LEN`] entries keep a hash
/// index, so building and reading a template's 10,000-entry `Resources` stays linear.
#[derive(Debug, Clone, Default)]
pub struct Map {
    entries: Vec<Entry>,
    index: Option<HashMap<String, usize>>,
}

/// The size from which a [`Map`] keeps a hash index of its keys.
pub const INDEXED_LEN: usize = 16;

impl PartialEq for Map {
    fn eq(&self, other: &Map) -> bool {
        self.entries == other.entries
    }
}

impl Map {
    /// An empty map.
    pub fn new() -> Map {
        Map::default()
    }

    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|e| e.key == key),
        }
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entry(key).map(|e| &e.value)
    }

    /// The entry under `key`, with its key span.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.position(key).and_then(|i| self.entries.get(i))
    }

    /// The value under `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        let i = self.position(key)?;
        self.entries.get_mut(i).map(|e| &mut e.value)
    }

    /// Inserts `value` under `key`, replacing (in place) any value already there.
    pub fn insert(&mut self, key: impl Into<String>, key_span: Span, value: Value) {
        let key = key.into();
        if let Some(entry) = self.position(&key).and_then(|i| self.entries.get_mut(i)) {
            entry.value = value;
            entry.key_span = key_span;
            return;
        }
        if let Some(index) = &mut self.index {
            index.insert(key.clone(), self.entries.len());
        }
        self.entries.push(Entry {
            key,
            key_span,
            value,
        });
        if self.index.is_none() && self.entries.len() > INDEXED_LEN {
            self.reindex();
        }
    }

    fn reindex(&mut self) {
        self.index = (self.entries.len() > INDEXED_LEN).then(|| {
            self.entries
                .iter()
                .enumerate()
                .map(|(i, e)| (e.key.clone(), i))
                .collect()
        });
    }

    /// Removes and returns the value under `key`.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let index = self.position(key)?;
        let removed = self.entries.remove(index).value;
        if self.index.is_some() {
            self.reindex();
        }
        Some(removed)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }

    /// The entries in order, mutably. Keys cannot be changed this way (the index stays
    /// valid); values and spans can.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = EntryMut<'_>> {
        self.entries.iter_mut().map(|e| EntryMut {
            key_span: &mut e.key_span,
            value: &mut e.value,
        })
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.key.as_str())
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl IntoIterator for Map {
    type Item = Entry;
    type IntoIter = std::vec::IntoIter<Entry>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl FromIterator<Entry> for Map {
    fn from_iter<T: IntoIterator<Item = Entry>>(iter: T) -> Map {
        let mut map = Map::new();
        for entry in iter {
            map.insert(entry.key, entry.key_span, entry.value);
        }
        map
    }
}

impl Value {
    /// A value of `kind` at `span`.
    pub fn new(kind: ValueKind, span: Span) -> Value {
        Value {
            kind,
            span,
            text_origin: None,
            defined_at: None,
        }
    }

    /// Where the value was written: its definition when it was read through a variable
    /// ([`Value::defined_at`]), else where it is.
    pub fn written_at(&self) -> &Span {
        self.defined_at.as_deref().unwrap_or(&self.span)
    }

    /// A string value.
    pub fn string(s: impl Into<String>, span: Span) -> Value {
        Value::new(ValueKind::String(s.into()), span)
    }

    /// An empty map value.
    pub fn empty_map(span: Span) -> Value {
        Value::new(ValueKind::Map(Map::new()), span)
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The map, if this is one.
    pub fn as_map(&self) -> Option<&Map> {
        match &self.kind {
            ValueKind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The map, mutably, if this is one.
    pub fn as_map_mut(&mut self) -> Option<&mut Map> {
        match &mut self.kind {
            ValueKind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The list, if this is one.
    pub fn as_list(&self) -> Option<&[Value]> {
        match &self.kind {
            ValueKind::List(l) => Some(l),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            ValueKind::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The unresolved expression, if this is one.
    pub fn as_expr(&self) -> Option<&Expr> {
        match &self.kind {
            ValueKind::Expr(e) => Some(e),
            _ => None,
        }
    }

    /// The value under `key`, if this is a map.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map().and_then(|m| m.get(key))
    }

    /// The value with `span` on it and on everything inside it (for values computed from
    /// text, such as decoded JSON, that belong to the expression that decoded them).
    pub fn respanned(mut self, span: &Span) -> Value {
        self.span = span.clone();
        match &mut self.kind {
            ValueKind::List(items) => {
                let items = std::mem::take(items);
                self.kind = ValueKind::List(items.into_iter().map(|i| i.respanned(span)).collect());
            }
            ValueKind::Map(map) => {
                let map = std::mem::take(map);
                let mut out = Map::new();
                for entry in map {
                    out.insert(entry.key, span.clone(), entry.value.respanned(span));
                }
                self.kind = ValueKind::Map(out);
            }
            _ => {}
        }
        self
    }

    /// Whether this value and everything inside it is known (no [`ValueKind::Expr`]).
    pub fn is_known(&self) -> bool {
        match &self.kind {
            ValueKind::Expr(_) => false,
            ValueKind::List(items) => items.iter().all(Value::is_known),
            ValueKind::Map(map) => map.iter().all(|e| e.value.is_known()),
            _ => true,
        }
    }

    /// Whether two values are equal, ignoring where they were written.
    pub fn same(&self, other: &Value) -> bool {
        match (&self.kind, &other.kind) {
            (ValueKind::Null, ValueKind::Null) => true,
            (ValueKind::Bool(a), ValueKind::Bool(b)) => a == b,
            (ValueKind::Int(a), ValueKind::Int(b)) => a == b,
            (ValueKind::Float(a), ValueKind::Float(b)) => a == b,
            (ValueKind::Int(a), ValueKind::Float(b)) | (ValueKind::Float(b), ValueKind::Int(a)) => {
                (*a as f64) == *b
            }
            (ValueKind::Decimal(a), ValueKind::Decimal(b)) => a == b,
            (ValueKind::String(a), ValueKind::String(b)) => a == b,
            (ValueKind::List(a), ValueKind::List(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y))
            }
            (ValueKind::Map(a), ValueKind::Map(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|e| b.get(&e.key).is_some_and(|v| e.value.same(v)))
            }
            (ValueKind::Expr(a), ValueKind::Expr(b)) => a.source == b.source,
            _ => false,
        }
    }

    /// Renders the value as JSON, dropping spans. Unresolved expressions render as their
    /// [`Expr::text`]; non-finite floats as `null`.
    ///
    /// ```
    /// use stet_graph::{Span, Value, ValueKind};
    /// let span = Span::file_start("t.yaml".into());
    /// let v = Value::new(ValueKind::List(vec![Value::string("a", span.clone())]), span);
    /// assert_eq!(v.to_json(), serde_json::json!(["a"]));
    /// ```
    pub fn to_json(&self) -> Json {
        match &self.kind {
            ValueKind::Null => Json::Null,
            ValueKind::Bool(b) => Json::Bool(*b),
            ValueKind::Int(i) => Json::from(*i),
            ValueKind::Float(f) => {
                serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number)
            }
            ValueKind::Decimal(text) => text
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map_or(Json::Null, Json::Number),
            ValueKind::String(s) => Json::String(s.clone()),
            ValueKind::List(items) => Json::Array(items.iter().map(Value::to_json).collect()),
            ValueKind::Map(map) => Json::Object(
                map.iter()
                    .map(|e| (e.key.clone(), e.value.to_json()))
                    .collect(),
            ),
            ValueKind::Expr(e) => Json::String(e.text.clone()),
        }
    }

    /// The value as a string the way Terraform converts primitives to strings, if it is a
    /// known primitive (`1` becomes `"1"`, `true` becomes `"true"`).
    pub fn to_display_string(&self) -> Option<String> {
        match &self.kind {
            ValueKind::String(s) => Some(s.clone()),
            ValueKind::Bool(b) => Some(b.to_string()),
            ValueKind::Int(i) => Some(i.to_string()),
            ValueKind::Float(f) => Some(format_float(*f)),
            ValueKind::Decimal(text) => Some(text.clone()),
            _ => None,
        }
    }

    /// A short name of the value's type, for messages: `string`, `number`, `bool`, `list`,
    /// `map`, `null` or `expression`.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            ValueKind::Null => "null",
            ValueKind::Bool(_) => "bool",
            ValueKind::Int(_) | ValueKind::Float(_) | ValueKind::Decimal(_) => "number",
            ValueKind::String(_) => "string",
            ValueKind::List(_) => "list",
            ValueKind::Map(_) => "map",
            ValueKind::Expr(_) => "expression",
        }
    }
}

/// Formats a float the way Terraform prints numbers: no trailing `.0` for whole numbers.
pub fn format_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span() -> Span {
        Span::file_start("x".into())
    }

    #[test]
    fn map_insert_replaces_in_place() {
        let mut m = Map::new();
        m.insert("a", span(), Value::string("1", span()));
        m.insert("b", span(), Value::string("2", span()));
        m.insert("a", span(), Value::string("3", span()));
        assert_eq!(m.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(m.get("a").and_then(Value::as_str), Some("3"));
    }

    #[test]
    fn large_maps_stay_consistent_with_their_index() {
        let mut m = Map::new();
        for i in 0..100 {
            m.insert(
                format!("k{i}"),
                span(),
                Value::new(ValueKind::Int(i), span()),
            );
        }
        m.insert("k5", span(), Value::new(ValueKind::Int(-5), span()));
        assert_eq!(m.len(), 100);
        assert_eq!(m.get("k5").map(|v| &v.kind), Some(&ValueKind::Int(-5)));
        assert_eq!(m.remove("k0").map(|v| v.kind), Some(ValueKind::Int(0)));
        assert_eq!(m.get("k99").map(|v| &v.kind), Some(&ValueKind::Int(99)));
        assert_eq!(m.keys().next(), Some("k1"));
        assert!(!m.contains_key("k0"));
    }

    #[test]
    fn same_ignores_spans_and_key_order() {
        let mut a = Map::new();
        a.insert("x", span(), Value::new(ValueKind::Int(1), span()));
        a.insert("y", span(), Value::new(ValueKind::Bool(true), span()));
        let mut b = Map::new();
        b.insert("y", span(), Value::new(ValueKind::Bool(true), span()));
        b.insert("x", span(), Value::new(ValueKind::Float(1.0), span()));
        let va = Value::new(ValueKind::Map(a), span());
        let vb = Value::new(ValueKind::Map(b), span());
        assert!(va.same(&vb));
    }

    #[test]
    fn expressions_render_as_their_text() {
        let e = Expr {
            source: "var.x".into(),
            text: "${var.x}".into(),
            references: vec!["var.x".into()],
            fallback: None,
        };
        let v = Value::new(ValueKind::Expr(Box::new(e)), span());
        assert_eq!(v.to_json(), Json::String("${var.x}".into()));
        assert!(!v.is_known());
    }
}
