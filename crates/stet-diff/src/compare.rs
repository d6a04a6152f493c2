//! Comparing value trees as values, not text: formatting, comments, key order, YAML flow or
//! block style and `!Ref` versus `{"Ref": ...}` make no difference; `"80"` equals `80` (both
//! Terraform and CloudFormation convert primitives); an unresolved expression differs when
//! its source text does (whitespace aside). [`differences`] lists what differs, down to the
//! leaves of maps and nested blocks.

use stet_graph::{format_float, Value, ValueKind};

/// One step of an attribute path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// A map key or block name.
    Key(String),
    /// A list element or block instance.
    Index(usize),
}

/// A path into a resource's attributes.
pub type Path = Vec<Segment>;

/// The path as reports write it: `ebs_block_device[0].volume_size`.
pub fn display_path(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Segment::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// The keys of a path joined with `.`, indices dropped: how the Terraform knowledge base
/// and the overlay name attributes (`ebs_block_device.volume_size`).
pub fn key_path(path: &[Segment]) -> String {
    let keys: Vec<&str> = path
        .iter()
        .filter_map(|s| match s {
            Segment::Key(k) => Some(k.as_str()),
            Segment::Index(_) => None,
        })
        .collect();
    keys.join(".")
}

/// The path with indices written `*`: how CloudFormation schemas name nested properties
/// (`LifecycleConfiguration.Rules.*.Transition`).
pub fn star_path(path: &[Segment]) -> String {
    let parts: Vec<&str> = path
        .iter()
        .map(|s| match s {
            Segment::Key(k) => k.as_str(),
            Segment::Index(_) => "*",
        })
        .collect();
    parts.join(".")
}

/// A place where two value trees differ.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// Where.
    pub path: Path,
    /// The value before; `None` when it was added.
    pub before: Option<Value>,
    /// The value after; `None` when it was removed.
    pub after: Option<Value>,
}

/// Whether two values are the same value, wherever and however they were written.
///
/// ```
/// use stet_graph::{Span, Value, ValueKind};
/// let span = Span::file_start("t".into());
/// let number = Value::new(ValueKind::Int(80), span.clone());
/// let text = Value::string("80", span);
/// assert!(stet_diff::equivalent(&number, &text));
/// ```
pub fn equivalent(a: &Value, b: &Value) -> bool {
    match (&a.kind, &b.kind) {
        (ValueKind::List(x), ValueKind::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equivalent(p, q))
        }
        (ValueKind::Map(x), ValueKind::Map(y)) => {
            let present = |m: &stet_graph::Map| m.iter().filter(|e| !is_null(&e.value)).count();
            present(x) == present(y)
                && x.iter()
                    .filter(|e| !is_null(&e.value))
                    .all(|e| y.get(&e.key).is_some_and(|v| equivalent(&e.value, v)))
        }
        (ValueKind::Expr(x), ValueKind::Expr(y)) => {
            normalized_source(&x.source) == normalized_source(&y.source)
        }
        _ => match (primitive(a), primitive(b)) {
            (Some(p), Some(q)) => p == q,
            _ => a.same(b),
        },
    }
}

fn is_null(v: &Value) -> bool {
    matches!(v.kind, ValueKind::Null)
}

/// A primitive as the string both languages convert it to.
fn primitive(v: &Value) -> Option<String> {
    match &v.kind {
        ValueKind::String(s) => Some(s.clone()),
        ValueKind::Bool(b) => Some(b.to_string()),
        ValueKind::Int(i) => Some(i.to_string()),
        ValueKind::Float(f) => Some(format_float(*f)),
        _ => None,
    }
}

/// An expression's source with the whitespace outside string literals removed, so that
/// `var.a+1` and `var.a + 1` compare equal. Sources with heredocs are kept as written.
pub fn normalized_source(source: &str) -> String {
    if source.contains("<<") {
        return source.to_string();
    }
    let mut out = String::with_capacity(source.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in source.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

/// Everything that differs between `before` and `after`, at the deepest path where both
/// sides still have the same shape: map keys one by one, lists of maps (nested blocks,
/// lists of objects) element by element, other lists and primitives whole. A key set to
/// `null` counts as absent.
///
/// ```
/// use stet_diff::{differences, display_path};
/// use stet_graph::parse_json;
/// let limits = stet_graph::Limits::default();
/// let before = parse_json("a.json".into(), r#"{"ami": "ami-1", "ebs": [{"size": 8}]}"#, &limits).unwrap().unwrap();
/// let after = parse_json("b.json".into(), r#"{"ebs": [{"size": 10}], "ami": "ami-1"}"#, &limits).unwrap().unwrap();
/// let found = differences(&before, &after);
/// assert_eq!(found.len(), 1);
/// assert_eq!(display_path(&found[0].path), "ebs[0].size");
/// ```
pub fn differences(before: &Value, after: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    walk(&mut Vec::new(), before, after, &mut out);
    out
}

fn walk(path: &mut Path, before: &Value, after: &Value, out: &mut Vec<Difference>) {
    if equivalent(before, after) {
        return;
    }
    match (&before.kind, &after.kind) {
        (ValueKind::Map(b), ValueKind::Map(a)) => {
            // A key set to null is absent: removals are found from the old side below.
            for entry in a.iter().filter(|e| !is_null(&e.value)) {
                path.push(Segment::Key(entry.key.clone()));
                match b.get(&entry.key).filter(|v| !is_null(v)) {
                    Some(old) => walk(path, old, &entry.value, out),
                    None => out.push(Difference {
                        path: path.clone(),
                        before: None,
                        after: Some(entry.value.clone()),
                    }),
                }
                path.pop();
            }
            for entry in b.iter() {
                if is_null(&entry.value) || a.get(&entry.key).is_some_and(|v| !is_null(v)) {
                    continue;
                }
                path.push(Segment::Key(entry.key.clone()));
                out.push(Difference {
                    path: path.clone(),
                    before: Some(entry.value.clone()),
                    after: None,
                });
                path.pop();
            }
        }
        (ValueKind::List(b), ValueKind::List(a)) if holds_maps(b) && holds_maps(a) => {
            for i in 0..b.len().max(a.len()) {
                path.push(Segment::Index(i));
                match (b.get(i), a.get(i)) {
                    (Some(old), Some(new)) => walk(path, old, new, out),
                    (old, new) => out.push(Difference {
                        path: path.clone(),
                        before: old.cloned(),
                        after: new.cloned(),
                    }),
                }
                path.pop();
            }
        }
        _ => out.push(Difference {
            path: path.clone(),
            before: Some(before.clone()),
            after: Some(after.clone()),
        }),
    }
}

/// A non-empty list whose every element is a map (nested blocks, lists of objects).
fn holds_maps(items: &[Value]) -> bool {
    !items.is_empty() && items.iter().all(|i| matches!(i.kind, ValueKind::Map(_)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use stet_graph::parse_json;

    fn json(text: &str) -> Value {
        parse_json("t.json".into(), text, &stet_graph::Limits::default())
            .unwrap()
            .unwrap()
    }

    fn paths(before: &str, after: &str) -> Vec<String> {
        differences(&json(before), &json(after))
            .iter()
            .map(|d| display_path(&d.path))
            .collect()
    }

    #[test]
    fn order_and_formatting_make_no_difference() {
        assert!(paths(
            r#"{"a": 1, "b": {"c": [1, 2]}}"#,
            r#"{"b":{"c":[1,2]},"a":1}"#
        )
        .is_empty());
    }

    #[test]
    fn null_is_absent() {
        assert!(paths(r#"{"a": null}"#, r#"{}"#).is_empty());
        assert_eq!(paths(r#"{"a": null}"#, r#"{"a": 1}"#), ["a"]);
    }

    #[test]
    fn primitives_compare_as_terraform_converts_them() {
        assert!(paths(
            r#"{"port": 80, "on": true}"#,
            r#"{"port": "80", "on": "true"}"#
        )
        .is_empty());
        assert_eq!(paths(r#"{"port": 80}"#, r#"{"port": 81}"#), ["port"]);
    }

    #[test]
    fn lists_of_maps_go_element_by_element() {
        assert_eq!(
            paths(
                r#"{"d": [{"image": "a", "cpu": 1}, {"image": "b"}]}"#,
                r#"{"d": [{"image": "a", "cpu": 2}, {"image": "c"}, {"image": "d"}]}"#
            ),
            ["d[0].cpu", "d[1].image", "d[2]"]
        );
    }

    #[test]
    fn scalar_lists_are_compared_whole() {
        assert_eq!(
            paths(r#"{"sg": ["a", "b"]}"#, r#"{"sg": ["a", "c"]}"#),
            ["sg"]
        );
    }

    #[test]
    fn added_and_removed_keys() {
        let found = differences(&json(r#"{"a": 1}"#), &json(r#"{"b": 2}"#));
        assert_eq!(found.len(), 2);
        assert!(found[0].before.is_none() && found[0].after.is_some());
        assert!(found[1].before.is_some() && found[1].after.is_none());
    }

    #[test]
    fn expression_whitespace_is_ignored() {
        assert_eq!(normalized_source("var.a + 1"), normalized_source("var.a+1"));
        assert_ne!(normalized_source("\"a b\""), normalized_source("\"ab\""));
    }
}
