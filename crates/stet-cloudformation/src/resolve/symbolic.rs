//! Values only deployment knows, written as [`Expr`]s: a resource's `Ref` or `Fn::GetAtt`, a
//! pseudo parameter or parameter without a value, and anything computed from them.
//!
//! Two texts describe each one. [`Expr::text`] is what rules and reports see: the known
//! parts as they are and each unknown part as a `${...}` placeholder
//! (`arn:${AWS::Partition}:s3:::${Logs}/*`), like Terraform's unknown values.
//! [`Expr::source`] is a canonical form for comparing two versions: a JSON string of the
//! same text with literal `${` escaped as `${!` (so an `Fn::Join` and an `Fn::Sub` that build
//! the same string are the same value), or the compact JSON of a function stet cannot
//! evaluate, with its arguments in canonical form.

use serde_json::Value as Json;
use stet_graph::{Expr, Span, Value, ValueKind};

/// A placeholder for one unknown string: `${name}`, referring to `references`.
pub(crate) fn placeholder(name: &str, references: Vec<String>, span: &Span) -> Value {
    let text = format!("${{{name}}}");
    expr(json_string(&text), text, references, span)
}

/// A placeholder whose canonical form carries more than its text (an SSM parameter's name, a
/// hash of a secret value), so that a change to it is still a change.
pub(crate) fn placeholder_with(
    name: &str,
    detail: &str,
    references: Vec<String>,
    span: &Span,
) -> Value {
    let text = format!("${{{name}}}");
    let source = json_string(&format!("${{{name}#{detail}}}"));
    expr(source, text, references, span)
}

/// A function stet cannot evaluate (its inputs are unknown), with its arguments resolved as
/// far as they go.
pub(crate) fn opaque(function: &str, argument: &Value, span: &Span) -> Value {
    let mut object = serde_json::Map::new();
    object.insert(function.to_string(), canonical(argument));
    let source = Json::Object(object).to_string();
    let shown = match argument.to_json() {
        Json::String(s) => s,
        other => other.to_string(),
    };
    let text = format!("${{{function} {shown}}}");
    let mut references = Vec::new();
    collect_references(argument, &mut references);
    expr(source, text, references, span)
}

/// Joins string parts, some of them unknown, into one string (all known) or one [`Expr`].
/// `None` when a part is not a string, a number, a boolean or an unknown value.
pub(crate) fn concat(parts: &[Value], span: &Span) -> Option<Value> {
    let mut text = String::new();
    let mut source = String::new();
    let mut references = Vec::new();
    let mut known = true;
    for part in parts {
        match &part.kind {
            ValueKind::Expr(e) => {
                known = false;
                text.push_str(&e.text);
                source.push_str(&symbol(e));
                for r in &e.references {
                    if !references.contains(r) {
                        references.push(r.clone());
                    }
                }
            }
            ValueKind::Null | ValueKind::List(_) | ValueKind::Map(_) => return None,
            _ => {
                let s = part.to_display_string()?;
                text.push_str(&s);
                source.push_str(&s.replace("${", "${!"));
            }
        }
    }
    Some(if known {
        Value::string(text, span.clone())
    } else {
        expr(json_string(&source), text, references, span)
    })
}

/// An unknown value's part of a canonical string: the inside of its JSON string, or the whole
/// canonical form in a placeholder.
fn symbol(e: &Expr) -> String {
    match serde_json::from_str::<Json>(&e.source) {
        Ok(Json::String(s)) => s,
        _ => format!("${{{}}}", e.source),
    }
}

/// `value` as canonical JSON: unknown parts as their canonical forms.
pub(crate) fn canonical(value: &Value) -> Json {
    match &value.kind {
        ValueKind::Expr(e) => {
            serde_json::from_str(&e.source).unwrap_or(Json::String(e.source.clone()))
        }
        ValueKind::List(items) => Json::Array(items.iter().map(canonical).collect()),
        ValueKind::Map(map) => Json::Object(
            map.iter()
                .map(|e| (e.key.clone(), canonical(&e.value)))
                .collect(),
        ),
        _ => value.to_json(),
    }
}

fn collect_references(value: &Value, out: &mut Vec<String>) {
    match &value.kind {
        ValueKind::Expr(e) => {
            for r in &e.references {
                if !out.contains(r) {
                    out.push(r.clone());
                }
            }
        }
        ValueKind::List(items) => items.iter().for_each(|i| collect_references(i, out)),
        ValueKind::Map(map) => map.iter().for_each(|e| collect_references(&e.value, out)),
        _ => {}
    }
}

fn json_string(text: &str) -> String {
    Json::String(text.to_string()).to_string()
}

fn expr(source: String, text: String, references: Vec<String>, span: &Span) -> Value {
    Value::new(
        ValueKind::Expr(Box::new(Expr {
            source,
            text,
            references,
            fallback: None,
        })),
        span.clone(),
    )
}

/// Whether `value` holds an `Fn::If` whose condition is unknown.
pub fn has_unknown_condition(value: &Value) -> bool {
    match &value.kind {
        ValueKind::Expr(e) => e.source.contains("\"Fn::If\""),
        ValueKind::List(items) => items.iter().any(has_unknown_condition),
        ValueKind::Map(map) => map.iter().any(|e| has_unknown_condition(&e.value)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span() -> Span {
        Span::file_start("t.yaml".into())
    }

    #[test]
    fn join_and_sub_of_the_same_string_are_the_same_value() {
        let region = placeholder("AWS::Region", vec!["AWS::Region".into()], &span());
        let joined = concat(
            &[
                Value::string("arn:", span()),
                region.clone(),
                Value::string(":x", span()),
            ],
            &span(),
        )
        .unwrap();
        let whole = concat(
            &[
                Value::string("arn:", span()),
                region,
                Value::string(":x", span()),
            ],
            &span(),
        )
        .unwrap();
        assert_eq!(joined, whole);
        let e = joined.as_expr().unwrap();
        assert_eq!(e.text, "arn:${AWS::Region}:x");
        assert_eq!(e.references, ["AWS::Region"]);
    }

    #[test]
    fn literal_dollar_braces_do_not_collide_with_placeholders() {
        let literal = concat(&[Value::string("${AWS::Region}", span())], &span()).unwrap();
        let unknown = placeholder("AWS::Region", vec![], &span());
        let mixed = concat(&[Value::string("a", span()), unknown.clone()], &span()).unwrap();
        let mixed_literal = concat(
            &[
                Value::string("a", span()),
                Value::string("${AWS::Region}", span()),
            ],
            &span(),
        )
        .unwrap();
        assert!(literal.as_str().is_some());
        assert_ne!(
            mixed.as_expr().map(|e| &e.source),
            mixed_literal.as_expr().map(|e| &e.source)
        );
    }

    #[test]
    fn opaque_functions_compare_by_their_arguments() {
        let a = opaque("Fn::GetAZs", &Value::string("", span()), &span());
        let b = opaque("Fn::GetAZs", &Value::string("", span()), &span());
        let c = opaque("Fn::GetAZs", &Value::string("eu-west-1", span()), &span());
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.as_expr().unwrap().text.starts_with("${Fn::GetAZs"));
    }
}
