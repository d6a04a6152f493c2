//! A block's body as the graph holds it: arguments evaluated (an argument whose value is
//! `null` is left out, as Terraform treats it as not set), nested blocks as lists of maps,
//! `dynamic` blocks expanded, and the meta-arguments that hold references (`depends_on`,
//! `provider`, `ignore_changes`, `replace_triggered_by`) kept as their text. Edges between
//! resources are made here from the references unresolved values keep.

use crate::cty::{Entry, Type, Val};
use crate::eval::{iteration, Scope};
use crate::syntax::{BlockRef, BodyRef, ExprRef};
use std::collections::HashSet;
use stet_graph::{Edge, EdgeKind, Map, Resource, ResourceKind, Span, Value, ValueKind};

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

/// Edges from references in values (absolute addresses), `depends_on` (relative to the
/// resource's module), and module calls.
pub(crate) fn edges(resources: &[Resource]) -> Vec<Edge> {
    let addresses: HashSet<&str> = resources
        .iter()
        .flat_map(|r| [r.address.as_str(), r.base_address.as_str()])
        .collect();
    let mut edges = Vec::new();
    for resource in resources {
        let prefix = if resource.module.is_empty() {
            String::new()
        } else {
            format!("{}.", resource.module)
        };
        let mut found = Vec::new();
        collect_expr_references(&resource.attributes, &mut found);
        for entry in resource.meta.iter() {
            if entry.key == "depends_on" {
                for item in entry.value.as_list().unwrap_or_default() {
                    if let Some(text) = item.as_str() {
                        found.push((
                            format!("{prefix}{text}"),
                            item.span.clone(),
                            EdgeKind::DependsOn,
                        ));
                    }
                }
            } else {
                collect_expr_references(&entry.value, &mut found);
            }
        }
        for (reference, span, kind) in found {
            if let Some(target) = reference_target(&reference, &addresses) {
                if target != resource.base_address && target != resource.address {
                    edges.push(Edge {
                        from: resource.address.clone(),
                        to: target,
                        kind,
                        span,
                    });
                }
            }
        }
        if resource.kind == ResourceKind::Module {
            for child in resources.iter().filter(|r| r.module == resource.address) {
                edges.push(Edge {
                    from: resource.address.clone(),
                    to: child.address.clone(),
                    kind: EdgeKind::ModuleCall,
                    span: resource.span.clone(),
                });
            }
        }
    }
    edges.sort();
    edges.dedup();
    edges
}

fn collect_expr_references(value: &Value, out: &mut Vec<(String, Span, EdgeKind)>) {
    match &value.kind {
        ValueKind::Expr(expr) => {
            for reference in &expr.references {
                out.push((reference.clone(), value.span.clone(), EdgeKind::Reference));
            }
        }
        ValueKind::List(items) => items.iter().for_each(|i| collect_expr_references(i, out)),
        ValueKind::Map(map) => map
            .iter()
            .for_each(|e| collect_expr_references(&e.value, out)),
        _ => {}
    }
}

/// The address an absolute dotted reference points at (`module.app[0].aws_s3_bucket.b.id`
/// is `module.app[0].aws_s3_bucket.b`), if that address exists; else the innermost module
/// call it goes through.
fn reference_target(reference: &str, addresses: &HashSet<&str>) -> Option<String> {
    let segments = stet_graph::split_address(reference);
    // Leading `module.NAME[KEY]` pairs are the module path.
    let mut i = 0;
    let mut prefix = String::new();
    let mut last_module = None;
    while segments.get(i).map(String::as_str) == Some("module") {
        let Some(name) = segments.get(i + 1) else {
            break;
        };
        let call = format!("{prefix}module.{name}");
        last_module = Some(call.clone());
        prefix = format!("{call}.");
        i += 2;
    }
    let rest = segments.get(i..).unwrap_or_default();
    let take = match rest.first().map(String::as_str) {
        Some("data") => 3,
        Some("var") => 2,
        Some("local" | "count" | "each" | "path" | "self" | "terraform") => return None,
        Some(_) => 2,
        None => 0,
    };
    if take > 0 {
        if let Some(local) = rest.get(..take) {
            let address = format!("{prefix}{}", local.join("."));
            if addresses.contains(address.as_str()) {
                return Some(address);
            }
            // A counted resource referred to without its index: its base address.
            let base = stet_graph::without_instance_key(&address).to_string();
            if addresses.contains(base.as_str()) {
                return Some(base);
            }
        }
    }
    let module = last_module?;
    if addresses.contains(module.as_str()) {
        return Some(module);
    }
    let base = stet_graph::without_instance_key(&module).to_string();
    addresses.contains(base.as_str()).then_some(base)
}
