//! The graph's edges, made once every resource is read: from the references unresolved
//! values keep (absolute addresses), from `depends_on` (relative to the resource's module),
//! and from module calls to the resources of the modules they call.

use std::collections::HashSet;
use stet_graph::{Edge, EdgeKind, Resource, ResourceKind, Span, Value, ValueKind};

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
