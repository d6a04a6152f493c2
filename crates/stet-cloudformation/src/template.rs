//! From a loaded template value to a [`Graph`]: resources with their properties and
//! attributes, parameters and outputs, the edges made by `Ref`, `Fn::GetAtt`, `Fn::Sub`
//! variables and `DependsOn`, and the template-level settings. Loading the text is left to
//! `yaml` and `json`.

use crate::Error;
use std::collections::HashSet;
use std::sync::Arc;
use stet_graph::{
    Edge, EdgeKind, Format, Graph, Map, Resource, ResourceKind, Span, Value, ValueKind,
};

/// The resource attributes CloudFormation reads besides `Type` and `Properties`; they become
/// the resource's meta.
const RESOURCE_META: &[&str] = &[
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "UpdatePolicy",
    "CreationPolicy",
    "Condition",
    "Metadata",
    "DependsOn",
    "Version",
];

/// Whether `root` is a CloudFormation template: it has `AWSTemplateFormatVersion`, or a
/// `Resources` mapping with an entry whose `Type` starts with `AWS::`, `Custom::` or
/// `Alexa::`.
pub fn is_template(root: &Value) -> bool {
    let Some(map) = root.as_map() else {
        return false;
    };
    if map.contains_key("AWSTemplateFormatVersion") {
        return true;
    }
    map.get("Resources")
        .and_then(Value::as_map)
        .is_some_and(|resources| {
            resources.iter().any(|entry| {
                entry
                    .value
                    .get("Type")
                    .and_then(Value::as_str)
                    .is_some_and(is_resource_type)
            })
        })
}

fn is_resource_type(ty: &str) -> bool {
    ty.starts_with("AWS::") || ty.starts_with("Custom::") || ty.starts_with("Alexa::")
}

/// Whether the template uses SAM: the `AWS::Serverless-2016-10-31` transform, or any
/// `AWS::Serverless::*` resource type.
pub fn is_sam(root: &Value) -> bool {
    let transform = root.get("Transform");
    let by_transform = match transform.map(|t| &t.kind) {
        Some(ValueKind::String(s)) => s.starts_with("AWS::Serverless"),
        Some(ValueKind::List(items)) => items
            .iter()
            .any(|i| i.as_str().is_some_and(|s| s.starts_with("AWS::Serverless"))),
        _ => false,
    };
    by_transform
        || root
            .get("Resources")
            .and_then(Value::as_map)
            .is_some_and(|r| {
                r.iter().any(|e| {
                    e.value
                        .get("Type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| t.starts_with("AWS::Serverless::"))
                })
            })
}

/// Builds the graph of template `root` (already known to be a template). Problems that
/// CloudFormation would reject but that leave the rest readable — a resource without a
/// `Type`, a `Resources` section that is not a mapping — are returned beside the graph.
pub fn build_graph(path: Arc<str>, format: Format, root: Value) -> (Graph, Vec<Error>) {
    let mut graph = Graph::new(path, format);
    let mut problems = Vec::new();
    let sections = root.as_map();
    let section = |name: &str| sections.and_then(|m| m.get(name));

    if let Some(parameters) = section("Parameters") {
        for_each_entry(
            parameters,
            "Parameters",
            &mut problems,
            |name, key_span, value| {
                graph.resources.push(named(
                    name,
                    ResourceKind::Variable,
                    "parameter",
                    key_span,
                    value,
                ));
            },
        );
    }
    if let Some(resources) = section("Resources") {
        let mut broken = Vec::new();
        for_each_entry(
            resources,
            "Resources",
            &mut problems,
            |name, key_span, value| match resource(name, key_span, value) {
                Ok(Entry::Resource(r)) => graph.resources.push(*r),
                Ok(Entry::Skipped) => {}
                Err(e) => broken.push(e),
            },
        );
        problems.extend(broken);
    }
    if let Some(outputs) = section("Outputs") {
        for_each_entry(
            outputs,
            "Outputs",
            &mut problems,
            |name, key_span, value| {
                graph
                    .resources
                    .push(named(name, ResourceKind::Output, "output", key_span, value));
            },
        );
    }
    graph.settings.transform = section("Transform").cloned();
    graph.settings.conditions = section("Conditions").cloned();
    graph.settings.mappings = section("Mappings").cloned();
    graph.edges = edges(&graph.resources);
    graph.template = Some(root);
    (graph, problems)
}

fn for_each_entry(
    section: &Value,
    name: &str,
    problems: &mut Vec<Error>,
    mut f: impl FnMut(&str, &Span, &Value),
) {
    match section.as_map() {
        Some(map) => {
            for entry in map.iter() {
                f(&entry.key, &entry.key_span, &entry.value);
            }
        }
        None if matches!(section.kind, ValueKind::Null) => {}
        None => problems.push(Error::Structure {
            span: section.span.clone(),
            message: format!(
                "`{name}` must be a mapping, found a {}",
                section.type_name()
            ),
        }),
    }
}

fn named(name: &str, kind: ResourceKind, ty: &str, key_span: &Span, value: &Value) -> Resource {
    Resource {
        address: name.to_string(),
        base_address: name.to_string(),
        kind,
        resource_type: ty.to_string(),
        name: name.to_string(),
        module: String::new(),
        attributes: value.clone(),
        meta: Map::new(),
        span: key_span.cover(&value.span),
    }
}

/// The outcome of reading one `Resources` entry.
enum Entry {
    Resource(Box<Resource>),
    /// Not a resource: a `Fn::ForEach::*` loop of the `AWS::LanguageExtensions` transform,
    /// expanded by CloudFormation at deploy time.
    Skipped,
}

fn resource(name: &str, key_span: &Span, value: &Value) -> Result<Entry, Error> {
    let span = key_span.cover(&value.span);
    if name.starts_with("Fn::ForEach::") {
        return Ok(Entry::Skipped);
    }
    let Some(body) = value.as_map() else {
        return Err(Error::Structure {
            span: value.span.clone(),
            message: format!(
                "resource `{name}` must be a mapping with a `Type`, found a {}",
                value.type_name()
            ),
        });
    };
    let ty = match body.get("Type") {
        Some(Value {
            kind: ValueKind::String(ty),
            ..
        }) => ty.clone(),
        // A pre-processor directive (rain's `Type: !Rain::Module path`): the directive's name
        // stands for the type until the template is packaged.
        Some(Value {
            kind: ValueKind::Map(directive),
            ..
        }) if directive.len() == 1
            && directive
                .keys()
                .all(|k| k.contains("::") && !k.starts_with("Fn::")) =>
        {
            directive.keys().next().unwrap_or_default().to_string()
        }
        Some(other) => {
            return Err(Error::Structure {
                span: other.span.clone(),
                message: format!(
                    "the `Type` of resource `{name}` must be a string, found a {}",
                    other.type_name()
                ),
            })
        }
        None => {
            return Err(Error::Structure {
                span: key_span.clone(),
                message: format!("resource `{name}` has no `Type`"),
            })
        }
    };
    let attributes = body
        .get("Properties")
        .cloned()
        .unwrap_or_else(|| Value::empty_map(span.clone()));
    let mut meta = Map::new();
    for entry in body.iter() {
        if RESOURCE_META.contains(&entry.key.as_str()) {
            meta.insert(
                entry.key.clone(),
                entry.key_span.clone(),
                entry.value.clone(),
            );
        }
    }
    Ok(Entry::Resource(Box::new(Resource {
        address: name.to_string(),
        base_address: name.to_string(),
        kind: ResourceKind::Managed,
        resource_type: ty,
        name: name.to_string(),
        module: String::new(),
        attributes,
        meta,
        span,
    })))
}

/// Edges from every resource and output to the resources and parameters it names.
fn edges(resources: &[Resource]) -> Vec<Edge> {
    let known: HashSet<&str> = resources
        .iter()
        .filter(|r| matches!(r.kind, ResourceKind::Managed | ResourceKind::Variable))
        .map(|r| r.address.as_str())
        .collect();
    let mut edges = Vec::new();
    for resource in resources {
        if resource.kind == ResourceKind::Variable {
            continue;
        }
        let mut found = Vec::new();
        collect_references(&resource.attributes, &mut found);
        for entry in resource.meta.iter() {
            if entry.key == "DependsOn" {
                let targets: Vec<&Value> = match &entry.value.kind {
                    ValueKind::List(items) => items.iter().collect(),
                    _ => vec![&entry.value],
                };
                for target in targets {
                    if let Some(name) = target.as_str() {
                        found.push((name.to_string(), target.span.clone(), EdgeKind::DependsOn));
                    }
                }
            } else {
                collect_references(&entry.value, &mut found);
            }
        }
        for (to, span, kind) in found {
            if known.contains(to.as_str()) && to != resource.address {
                edges.push(Edge {
                    from: resource.address.clone(),
                    to,
                    kind,
                    span,
                });
            }
        }
    }
    edges.sort();
    edges.dedup();
    edges
}

/// Collects the logical IDs named by `Ref`, `Fn::GetAtt` and `Fn::Sub` anywhere in `value`.
fn collect_references(value: &Value, out: &mut Vec<(String, Span, EdgeKind)>) {
    match &value.kind {
        ValueKind::Map(map) => {
            if map.len() == 1 {
                if let Some(entry) = map.iter().next() {
                    match (entry.key.as_str(), &entry.value.kind) {
                        ("Ref", ValueKind::String(name)) => {
                            out.push((name.clone(), entry.value.span.clone(), EdgeKind::Reference));
                        }
                        ("Fn::GetAtt", ValueKind::List(items)) => {
                            if let Some(name) = items.first().and_then(Value::as_str) {
                                out.push((
                                    name.to_string(),
                                    entry.value.span.clone(),
                                    EdgeKind::Reference,
                                ));
                            }
                        }
                        ("Fn::GetAtt", ValueKind::String(text)) => {
                            let name = text.split('.').next().unwrap_or(text);
                            out.push((
                                name.to_string(),
                                entry.value.span.clone(),
                                EdgeKind::Reference,
                            ));
                        }
                        ("Fn::Sub", _) => sub_references(&entry.value, out),
                        _ => {}
                    }
                }
            }
            for entry in map.iter() {
                collect_references(&entry.value, out);
            }
        }
        ValueKind::List(items) => {
            for item in items {
                collect_references(item, out);
            }
        }
        _ => {}
    }
}

/// The variables of a `Fn::Sub` string that are not defined in its variable map:
/// `${Name}` and `${Name.Attribute}`; `${!Literal}` is an escape.
fn sub_references(sub: &Value, out: &mut Vec<(String, Span, EdgeKind)>) {
    let (template, local): (&Value, Option<&Map>) = match &sub.kind {
        ValueKind::List(items) => match (items.first(), items.get(1)) {
            (Some(t), vars) => (t, vars.and_then(Value::as_map)),
            (None, _) => return,
        },
        _ => (sub, None),
    };
    let Some(text) = template.as_str() else {
        return;
    };
    for name in sub_variables(text) {
        let resource = name.split('.').next().unwrap_or(name);
        if local.is_some_and(|vars| vars.contains_key(name)) {
            continue;
        }
        out.push((
            resource.to_string(),
            template.span.clone(),
            EdgeKind::Reference,
        ));
    }
}

/// The `${...}` variable names in a `Fn::Sub` template, skipping `${!...}` escapes.
pub fn sub_variables(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = after[..end].trim();
        if !name.starts_with('!') && !name.is_empty() {
            names.push(name);
        }
        rest = &after[end + 1..];
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_variables_skip_escapes() {
        assert_eq!(
            sub_variables("arn:${AWS::Partition}:s3:::${Bucket}/${!Literal}/${Role.Arn}"),
            ["AWS::Partition", "Bucket", "Role.Arn"]
        );
    }
}
