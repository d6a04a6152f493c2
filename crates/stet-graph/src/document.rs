//! The rule document: how a [`Graph`] looks to rules. A CloudFormation template is its own
//! document; a Terraform module is rendered into the same CloudFormation-like shape
//! (`Resources`, `Data`, `Modules`, `Terraform`, `Variables`, `Outputs`, …) so one rule
//! reads the same for both. Evaluating rules over it is `stet-rules`' job.

use crate::{Graph, Map, ResourceKind, Span, Value, ValueKind};

/// The document rules see for `graph`.
///
/// For CloudFormation this is the template as written (short-form tags in long form). For
/// Terraform it is:
///
/// ```text
/// Resources: { <address>: { Type, Properties, Lifecycle, Count, ForEach, DependsOn,
///                           Provider, Provisioners, Connection } }
/// Data:      { <address>: { Type, Properties, Count, ForEach, DependsOn, Provider } }
/// Modules:   { <name>: { Source, Version, Properties, Count, ForEach, DependsOn, Providers } }
/// Terraform: { RequiredVersion, RequiredProviders: { <name>: { Source, Version } },
///              Backend, Cloud }
/// Providers: { <name or name.alias>: { ...arguments } }
/// Variables / Outputs / Locals: { <name>: ... }
/// Moved: [ { From, To } ]   Removed / Import / Check: [ ... ]
/// ```
///
/// Nested modules are keyed by their address without the leading `module.`
/// (`app.module.db` for `module.app.module.db`). Sections with nothing in them are left out.
pub fn render_document(graph: &Graph) -> Value {
    if let Some(template) = &graph.template {
        return template.clone();
    }
    let root_span = graph
        .files
        .first()
        .map(|f| Span::file_start(f.path.clone()))
        .unwrap_or_else(|| Span::file_start(graph.path.clone()));
    let mut sections = Sections::default();
    for resource in &graph.resources {
        let span = resource.span.clone();
        let ty = Value::string(resource.resource_type.clone(), span.clone());
        match resource.kind {
            ResourceKind::Managed | ResourceKind::Data => {
                let mut body = Map::new();
                body.insert("Type", span.clone(), ty);
                body.insert("Properties", span.clone(), resource.attributes.clone());
                for entry in resource
                    .meta
                    .iter()
                    .filter(|e| e.key != crate::DYNAMIC_TYPES)
                {
                    body.insert(
                        meta_key(&entry.key),
                        entry.key_span.clone(),
                        entry.value.clone(),
                    );
                }
                let target = if resource.kind == ResourceKind::Managed {
                    &mut sections.resources
                } else {
                    &mut sections.data
                };
                target.insert(
                    resource.address.clone(),
                    span.clone(),
                    Value::new(ValueKind::Map(body), span),
                );
            }
            ResourceKind::Module => {
                let mut body = Map::new();
                let mut properties = Map::new();
                if let Some(attrs) = resource.attributes.as_map() {
                    for entry in attrs.iter() {
                        match entry.key.as_str() {
                            "source" => {
                                body.insert("Source", entry.key_span.clone(), entry.value.clone())
                            }
                            "version" => {
                                body.insert("Version", entry.key_span.clone(), entry.value.clone())
                            }
                            _ => properties.insert(
                                entry.key.clone(),
                                entry.key_span.clone(),
                                entry.value.clone(),
                            ),
                        }
                    }
                }
                body.insert(
                    "Properties",
                    span.clone(),
                    Value::new(ValueKind::Map(properties), span.clone()),
                );
                for entry in resource.meta.iter() {
                    body.insert(
                        meta_key(&entry.key),
                        entry.key_span.clone(),
                        entry.value.clone(),
                    );
                }
                let key = resource
                    .address
                    .strip_prefix("module.")
                    .unwrap_or(&resource.address)
                    .to_string();
                sections
                    .modules
                    .insert(key, span.clone(), Value::new(ValueKind::Map(body), span));
            }
            ResourceKind::Variable => {
                sections
                    .variables
                    .insert(resource.name.clone(), span, resource.attributes.clone());
            }
            ResourceKind::Output => {
                sections
                    .outputs
                    .insert(resource.name.clone(), span, resource.attributes.clone());
            }
            ResourceKind::Provider => {
                let key = resource
                    .address
                    .strip_prefix("provider.")
                    .unwrap_or(&resource.address);
                sections
                    .providers
                    .insert(key.to_string(), span, resource.attributes.clone());
            }
        }
    }

    let settings = &graph.settings;
    let mut terraform = Map::new();
    if let Some(version) = settings.required_version.first() {
        terraform.insert("RequiredVersion", version.span.clone(), version.clone());
    }
    if !settings.required_providers.is_empty() {
        let mut providers = Map::new();
        let mut span = settings
            .required_providers
            .first()
            .map(|p| p.span.clone())
            .unwrap_or_else(|| root_span.clone());
        for requirement in &settings.required_providers {
            span = span.cover(&requirement.span);
            let mut entry = Map::new();
            if let Some(source) = &requirement.source {
                entry.insert("Source", source.span.clone(), source.clone());
            }
            if let Some(version) = &requirement.version {
                entry.insert("Version", version.span.clone(), version.clone());
            }
            if !providers.contains_key(&requirement.name) {
                providers.insert(
                    requirement.name.clone(),
                    requirement.span.clone(),
                    Value::new(ValueKind::Map(entry), requirement.span.clone()),
                );
            }
        }
        // What is missing from the entries is missing from the `required_providers` block:
        // the map stands where that block is written.
        let span = settings.required_providers_block.clone().unwrap_or(span);
        terraform.insert(
            "RequiredProviders",
            span.clone(),
            Value::new(ValueKind::Map(providers), span),
        );
    }
    if let Some(backend) = &settings.backend {
        terraform.insert("Backend", backend.span.clone(), backend.clone());
    }
    if let Some(cloud) = &settings.cloud {
        terraform.insert("Cloud", cloud.span.clone(), cloud.clone());
    }

    let mut doc = Map::new();
    let mut put = |key: &str, map: Map| {
        if !map.is_empty() {
            // The module's settings stand where its `terraform` block is.
            let span = match key {
                "Terraform" => settings.terraform_block.clone(),
                _ => None,
            }
            .unwrap_or_else(|| root_span.clone());
            doc.insert(key, span.clone(), Value::new(ValueKind::Map(map), span));
        }
    };
    put("Resources", sections.resources);
    put("Data", sections.data);
    put("Modules", sections.modules);
    put("Terraform", terraform);
    put("Providers", sections.providers);
    put("Variables", sections.variables);
    put("Outputs", sections.outputs);
    if let Some(locals) = &settings.locals {
        if locals.as_map().is_some_and(|m| !m.is_empty()) {
            doc.insert("Locals", locals.span.clone(), locals.clone());
        }
    }
    let moved: Vec<Value> = settings
        .moved
        .iter()
        .map(|m| {
            let mut entry = Map::new();
            entry.insert(
                "From",
                m.span.clone(),
                Value::string(m.from.clone(), m.span.clone()),
            );
            entry.insert(
                "To",
                m.span.clone(),
                Value::string(m.to.clone(), m.span.clone()),
            );
            Value::new(ValueKind::Map(entry), m.span.clone())
        })
        .collect();
    for (key, list) in [
        ("Moved", moved),
        ("Removed", settings.removed.clone()),
        ("Import", settings.imports.clone()),
        ("Check", settings.checks.clone()),
    ] {
        if !list.is_empty() {
            doc.insert(
                key,
                root_span.clone(),
                Value::new(ValueKind::List(list), root_span.clone()),
            );
        }
    }
    Value::new(ValueKind::Map(doc), root_span)
}

#[derive(Default)]
struct Sections {
    resources: Map,
    data: Map,
    modules: Map,
    variables: Map,
    outputs: Map,
    providers: Map,
}

/// The document key for a Terraform meta-argument (`for_each` becomes `ForEach`,
/// `provisioner` becomes `Provisioners`); other keys are kept as they are.
fn meta_key(key: &str) -> String {
    match key {
        "lifecycle" => "Lifecycle".into(),
        "count" => "Count".into(),
        "for_each" => "ForEach".into(),
        "depends_on" => "DependsOn".into(),
        "provider" => "Provider".into(),
        "providers" => "Providers".into(),
        "provisioner" => "Provisioners".into(),
        "connection" => "Connection".into(),
        other => other.to_string(),
    }
}
