//! A block's body as the graph holds it: arguments evaluated (an argument whose value is
//! `null` is left out, as Terraform treats it as not set), nested blocks as lists of maps,
//! `dynamic` blocks expanded, and the meta-arguments that hold references (`depends_on`,
//! `provider`, `ignore_changes`, `replace_triggered_by`) kept as their text. Edges between
//! resources are made from the references unresolved values keep (`edges`).

use crate::cty::{Entry, Type, Val};
use crate::eval::{iteration, Scope};
use crate::syntax::{BlockRef, BodyRef, ExprRef};
use stet_graph::{Map, Span, Value, ValueKind};

/// Evaluates a body; names in `skip` are left out.
pub(crate) fn eval_body(
    scope: &Scope<'_, '_>,
    body: BodyRef<'_>,
    span: &Span,
    skip: &[&str],
) -> Value {
    let mut map = Map::new();
    for attr in body.attributes(skip) {
        if skip.contains(&attr.name) {
            continue;
        }
        let value = scope.eval(attr.expr);
        // An argument set to null is an argument not set.
        if matches!(value.kind, ValueKind::Null) {
            continue;
        }
        map.insert(attr.name, attr.name_span.clone(), value);
    }
    for block in body.blocks() {
        if skip.contains(&block.ident) {
            continue;
        }
        if block.ident == "dynamic" {
            let Some((name, name_span)) = block.labels.first() else {
                continue;
            };
            for element in dynamic_elements(scope, &block) {
                push_block(&mut map, name, name_span, element);
            }
            continue;
        }
        // Conditions and their messages are evaluated only when Terraform checks them.
        let mut element = if matches!(block.ident, "precondition" | "postcondition" | "validation")
        {
            let mut quiet = scope.clone();
            quiet.quiet = true;
            eval_body(&quiet, block.body, &block.span, &[])
        } else {
            eval_body(scope, block.body, &block.span, &[])
        };
        if !block.labels.is_empty() {
            if let Some(m) = element.as_map_mut() {
                let labels = block
                    .labels
                    .iter()
                    .map(|(l, s)| Value::string(l.clone(), s.clone()))
                    .collect();
                m.insert(
                    "Labels",
                    block.span.clone(),
                    Value::new(ValueKind::List(labels), block.span.clone()),
                );
            }
        }
        let ident_span = Span {
            end: block.span.start,
            ..block.span.clone()
        };
        push_block(&mut map, block.ident, &ident_span, element);
    }
    Value::new(ValueKind::Map(map), span.clone())
}

fn push_block(map: &mut Map, name: &str, name_span: &Span, element: Value) {
    match map.get_mut(name) {
        Some(Value {
            kind: ValueKind::List(items),
            ..
        }) => items.push(element),
        _ => {
            let span = element.span.clone();
            map.insert(
                name,
                name_span.clone(),
                Value::new(ValueKind::List(vec![element]), span),
            );
        }
    }
}

/// The elements a `dynamic "name" { for_each = ...; content { ... } }` block produces.
fn dynamic_elements(scope: &Scope<'_, '_>, block: &BlockRef<'_>) -> Vec<Value> {
    let name = block
        .labels
        .first()
        .map(|(n, _)| n.as_str())
        .unwrap_or_default();
    let iterator = block
        .body
        .attribute("iterator")
        .and_then(|a| a.expr.as_reference_text())
        .unwrap_or_else(|| name.to_string());
    let Some(content) = block.body.blocks_named("content", 0).into_iter().next() else {
        return Vec::new();
    };
    let collection = block
        .body
        .attribute("for_each")
        .map(|a| scope.eval_val(a.expr));
    let items = collection
        .as_ref()
        .filter(|c| c.is_known() && !c.is_null())
        .and_then(iteration);
    let bind = |key: Val, value: Val| {
        let object = Val::object(
            vec![
                Entry {
                    key: "key".into(),
                    key_span: key.span.clone(),
                    value: key,
                },
                Entry {
                    key: "value".into(),
                    key_span: value.span.clone(),
                    value,
                },
            ],
            block.span.clone(),
        );
        let inner = scope.with(&iterator, object);
        eval_body(&inner, content.body, &content.span, &[])
    };
    match items {
        Some(items) => items.into_iter().map(|(k, v)| bind(k, v)).collect(),
        None => {
            let key = Val::unknown(Type::Dynamic, block.span.clone());
            let value = Val::unknown(Type::Dynamic, block.span.clone());
            vec![bind(key, value)]
        }
    }
}

/// Meta-arguments that hold references (`depends_on`, `provider`), as their source text.
pub(crate) fn reference_meta(body: BodyRef<'_>, names: &[&str]) -> Map {
    let mut meta = Map::new();
    for name in names {
        let Some(attr) = body.attribute(name) else {
            continue;
        };
        let value = match attr.expr.list_items() {
            Some(items) => Value::new(
                ValueKind::List(
                    items
                        .iter()
                        .map(|i| {
                            Value::string(
                                i.as_reference_text().unwrap_or_else(|| i.source()),
                                i.span(),
                            )
                        })
                        .collect(),
                ),
                attr.expr.span(),
            ),
            None => Value::string(
                attr.expr
                    .as_reference_text()
                    .unwrap_or_else(|| attr.expr.source()),
                attr.expr.span(),
            ),
        };
        meta.insert(*name, attr.name_span.clone(), value);
    }
    meta
}

/// A module's `providers = { aws = aws.west }` map, with the references as text.
pub(crate) fn provider_map(expr: ExprRef<'_>) -> Value {
    let span = expr.span();
    match expr {
        ExprRef::Hcl(file, hcl_edit::expr::Expression::Object(object), fallback) => {
            let mut map = Map::new();
            for (key, value) in object.iter() {
                let key_expr = match key {
                    hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                    hcl_edit::expr::ObjectKey::Expression(e) => ExprRef::Hcl(file, e, fallback)
                        .as_reference_text()
                        .unwrap_or_default(),
                };
                let v = ExprRef::Hcl(file, value.expr(), fallback);
                map.insert(
                    key_expr,
                    v.span(),
                    Value::string(
                        v.as_reference_text().unwrap_or_else(|| v.source()),
                        v.span(),
                    ),
                );
            }
            Value::new(ValueKind::Map(map), span)
        }
        ExprRef::Json(_, value) => value.clone(),
        other => Value::string(other.source(), span),
    }
}

/// A resource's `lifecycle` (its arguments merged across override files), `provisioner`
/// and `connection` blocks.
pub(crate) fn resource_meta_blocks(scope: &Scope<'_, '_>, body: BodyRef<'_>) -> Map {
    let mut meta = Map::new();
    let mut lifecycle: Option<(Span, Map)> = None;
    for block in body.blocks_named("lifecycle", 0) {
        let mut value = eval_body(
            scope,
            block.body,
            &block.span,
            &["ignore_changes", "replace_triggered_by"],
        );
        if let Some(map) = value.as_map_mut() {
            for entry in reference_meta(block.body, &["ignore_changes", "replace_triggered_by"]) {
                map.insert(entry.key, entry.key_span, entry.value);
            }
        }
        let key_span = Span {
            end: block.span.start,
            ..block.span.clone()
        };
        let entries = match value.kind {
            ValueKind::Map(m) => m,
            _ => Map::new(),
        };
        match &mut lifecycle {
            Some((_, merged)) => {
                for e in entries {
                    merged.insert(e.key, e.key_span, e.value);
                }
            }
            None => lifecycle = Some((key_span, entries)),
        }
    }
    if let Some((key_span, map)) = lifecycle {
        let span = Span {
            end: key_span.end,
            ..key_span.clone()
        };
        meta.insert("lifecycle", key_span, Value::new(ValueKind::Map(map), span));
    }
    let mut provisioners = Vec::new();
    for block in body.blocks_named("provisioner", 1) {
        let value = eval_body(scope, block.body, &block.span, &[]);
        provisioners.push(with_type_first(value, block.labels.first()));
    }
    if let Some(first) = provisioners.first() {
        let span = first.span.clone();
        let key_span = Span {
            end: span.start,
            ..span.clone()
        };
        meta.insert(
            "provisioner",
            key_span,
            Value::new(ValueKind::List(provisioners), span),
        );
    }
    for block in body.blocks_named("connection", 0) {
        let key_span = Span {
            end: block.span.start,
            ..block.span.clone()
        };
        meta.insert(
            "connection",
            key_span,
            eval_body(scope, block.body, &block.span, &[]),
        );
    }
    meta
}

/// A block's evaluated body with its label first, as `Type` (`backend "s3"`,
/// `provisioner "remote-exec"`).
pub(crate) fn with_type_first(body: Value, label: Option<&(String, Span)>) -> Value {
    let Some((ty, span)) = label else { return body };
    let mut map = Map::new();
    map.insert(
        "Type",
        span.clone(),
        Value::string(ty.clone(), span.clone()),
    );
    if let ValueKind::Map(rest) = body.kind {
        for entry in rest {
            map.insert(entry.key, entry.key_span, entry.value);
        }
    }
    Value::new(ValueKind::Map(map), body.span)
}
