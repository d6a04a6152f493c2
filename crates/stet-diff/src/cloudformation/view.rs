//! The deployed view of a template: the resources CloudFormation will hold for the parameter
//! values in effect (the resolved template's `Resources`, resources whose condition is false
//! left out), each with its properties and resource attributes, plus what conditions decide.
//! A template nothing resolved is taken as written.

use std::collections::HashMap;
use stet_graph::{Graph, Map, Resolved, Resource, ResourceKind, Span, Value, ValueKind};

/// The resource attributes compared besides `Properties` (`Condition` is judged on its own;
/// `Type` is the resource's type).
const COMPARED_ATTRIBUTES: &[&str] = &[
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "UpdatePolicy",
    "CreationPolicy",
    "Metadata",
    "DependsOn",
    "Version",
];

/// One version of a template as it deploys.
pub(crate) struct Deployed<'g> {
    /// A graph holding the deployed resources (the diff compares its `resources`).
    pub graph: Graph,
    /// The template's resolution, when there is one.
    pub resolved: Option<&'g Resolved>,
    /// The value of every condition: `None` when only deployment knows it.
    pub conditions: HashMap<String, Option<bool>>,
    /// The managed resources written in the template (deployed or not): their `Condition`
    /// name and its span.
    pub written: HashMap<String, Option<(String, Span)>>,
    /// Where each written managed resource is.
    pub spans: HashMap<String, Span>,
    /// The template's parameters.
    pub parameters: Vec<String>,
    /// The resources the SAM transform makes, by logical ID: what they are made of.
    pub made_by_sam: HashMap<String, super::sam::Origin>,
}

impl<'g> Deployed<'g> {
    /// The deployed view of `graph`.
    pub fn of(graph: &'g Graph) -> Deployed<'g> {
        let mut view = Graph::new(graph.path.clone(), graph.format);
        view.files = graph.files.clone();
        let resolved = graph.resolved.as_deref();
        let mut conditions = HashMap::new();
        match resolved {
            Some(r) => {
                if let Some(section) = r.document.get("Conditions").and_then(Value::as_map) {
                    for entry in section.iter() {
                        conditions.insert(entry.key.clone(), entry.value.as_bool());
                    }
                }
                if let Some(section) = r.document.get("Resources").and_then(Value::as_map) {
                    for entry in section.iter() {
                        if let Some(resource) = resource(&entry.key, &entry.key_span, &entry.value)
                        {
                            view.resources.push(resource);
                        }
                    }
                }
            }
            None => {
                view.resources = graph
                    .resources
                    .iter()
                    .filter(|r| r.kind == ResourceKind::Managed)
                    .cloned()
                    .map(|mut r| {
                        r.meta.remove("Condition");
                        r
                    })
                    .collect();
            }
        }
        let mut made_by_sam = HashMap::new();
        let sam = super::sam::Transform::embedded();
        if let Some(transform) =
            sam.filter(|t| view.resources.iter().any(|r| t.knows(&r.resource_type)))
        {
            let globals = resolved.and_then(|r| r.document.get("Globals"));
            let resources = std::mem::take(&mut view.resources);
            let written: HashMap<String, Value> = graph
                .resources
                .iter()
                .filter(|r| r.kind == ResourceKind::Managed)
                .map(|r| (r.address.clone(), r.attributes.clone()))
                .collect();
            let (expanded, origins) = transform.expand(resources, globals, &written);
            view.resources = expanded;
            made_by_sam = origins;
        }
        let written = graph
            .resources
            .iter()
            .filter(|r| r.kind == ResourceKind::Managed)
            .map(|r| {
                let condition = r
                    .meta
                    .get("Condition")
                    .and_then(|c| c.as_str().map(|n| (n.to_string(), c.span.clone())));
                (r.address.clone(), condition)
            })
            .collect();
        let spans = graph
            .resources
            .iter()
            .filter(|r| r.kind == ResourceKind::Managed)
            .map(|r| (r.address.clone(), r.span.clone()))
            .collect();
        let parameters = graph
            .resources
            .iter()
            .filter(|r| r.kind == ResourceKind::Variable)
            .map(|r| r.address.clone())
            .collect();
        Deployed {
            parameters,
            made_by_sam,
            spans,
            graph: view,
            resolved,
            conditions,
            written,
        }
    }

    /// The deployed resource at `address`.
    pub fn resource(&self, address: &str) -> Option<&Resource> {
        self.graph.resource(address)
    }

    /// The condition of a deployed resource and its value.
    pub fn condition_of(&self, address: &str) -> Option<(&str, Option<bool>)> {
        let (name, _) = self.written.get(address)?.as_ref()?;
        Some((name.as_str(), self.conditions.get(name).copied().flatten()))
    }
}

/// A resolved `Resources` entry as a resource (`None` for an entry that is not a mapping with
/// a string `Type`, which the parser has reported).
pub(crate) fn resource(name: &str, key_span: &Span, value: &Value) -> Option<Resource> {
    let body = value.as_map()?;
    let resource_type = match body.get("Type").map(|t| &t.kind) {
        Some(ValueKind::String(t)) => t.clone(),
        Some(ValueKind::Map(directive)) if directive.len() == 1 => {
            directive.keys().next().unwrap_or_default().to_string()
        }
        _ => return None,
    };
    let span = key_span.cover(&value.span);
    let attributes = body
        .get("Properties")
        .cloned()
        .unwrap_or_else(|| Value::empty_map(span.clone()));
    let mut meta = Map::new();
    for entry in body.iter() {
        if COMPARED_ATTRIBUTES.contains(&entry.key.as_str()) {
            meta.insert(
                entry.key.clone(),
                entry.key_span.clone(),
                entry.value.clone(),
            );
        }
    }
    Some(Resource {
        address: name.to_string(),
        base_address: name.to_string(),
        kind: ResourceKind::Managed,
        resource_type,
        name: name.to_string(),
        module: String::new(),
        attributes,
        meta,
        span,
    })
}
