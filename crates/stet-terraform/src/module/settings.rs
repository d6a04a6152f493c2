//! A module's settings, the graph's [`stet_graph::Settings`]: the `terraform` block
//! (`required_version`, `required_providers`, `backend`, `cloud`), `moved`, `removed`,
//! `import` and `check` blocks, and the module's locals evaluated where known.

use super::body::{eval_body, with_type_first};
use super::world::InstanceId;
use super::Loader;
use crate::eval::Scope;
use crate::syntax::BlockRef;
use stet_graph::{Map, Moved, ProviderRequirement, Settings, Span, Value, ValueKind};

impl<'w, 'a> Loader<'w, 'a> {
    /// Records the settings of instance `id` (the root module).
    pub(super) fn settings(&mut self, id: InstanceId) {
        let def = self.world.instance(id).def.clone();
        let names = self.world.names(id);
        let scope = self.scope(&names);
        let settings = &mut self.graph.settings;
        for block in &def.terraform {
            terraform_block(&scope, block, settings);
        }
        settings.moved.extend(def.moved.iter().filter_map(moved));
        for block in &def.removed {
            settings.removed.push(with_references(&scope, block));
        }
        for block in &def.imports {
            settings.imports.push(with_references(&scope, block));
        }
        for block in &def.checks {
            settings.checks.push(check(&scope, block));
        }
        self.locals(id);
    }

    /// The module's locals, evaluated where known, as one map (each under its name's place).
    fn locals(&mut self, id: InstanceId) {
        let def = self.world.instance(id).def.clone();
        let mut names_sorted: Vec<&str> = def.locals.iter().map(|a| a.name).collect();
        names_sorted.sort_unstable();
        names_sorted.dedup();
        if names_sorted.is_empty() {
            return;
        }
        let span = def
            .locals
            .first()
            .map(|a| a.span.clone())
            .unwrap_or_else(|| Span::file_start(self.graph.path.clone()));
        let mut map = Map::new();
        for name in names_sorted {
            let Some(value) = self.world.local(id, name) else {
                continue;
            };
            let key_span = def
                .locals
                .iter()
                .find(|a| a.name == name)
                .map_or_else(|| value.span.clone(), |a| a.name_span.clone());
            map.insert(name, key_span, value.into_graph());
        }
        self.graph.settings.locals = Some(Value::new(ValueKind::Map(map), span));
    }
}

/// A `terraform` block: the first one's place, `required_version`, `required_providers`
/// (an override file's requirement replacing the original's), `backend` and `cloud`.
fn terraform_block(scope: &Scope<'_, '_>, block: &BlockRef<'_>, settings: &mut Settings) {
    if settings.terraform_block.is_none() {
        settings.terraform_block = Some(block.span.clone());
    }
    if let Some(attr) = block.body.attribute("required_version") {
        settings.required_version.push(scope.eval(attr.expr));
    }
    for requirements in block.body.blocks_named("required_providers", 0) {
        if settings.required_providers_block.is_none() {
            settings.required_providers_block = Some(requirements.span.clone());
        }
        for attr in requirements.body.attributes(&[]) {
            let value = scope.eval(attr.expr);
            let (source, version) = match &value.kind {
                ValueKind::Map(map) => (map.get("source").cloned(), map.get("version").cloned()),
                _ => (None, Some(value.clone())),
            };
            // An override file's requirement replaces the original's.
            settings.required_providers.retain(|p| p.name != attr.name);
            settings.required_providers.push(ProviderRequirement {
                name: attr.name.to_string(),
                source,
                version,
                span: attr.span.clone(),
            });
        }
    }
    for backend in block.body.blocks_named("backend", 1) {
        let value = eval_body(scope, backend.body, &backend.span, &[]);
        settings.backend = Some(with_type_first(value, backend.labels.first()));
    }
    for cloud in block.body.blocks_named("cloud", 0) {
        settings.cloud = Some(eval_body(scope, cloud.body, &cloud.span, &[]));
    }
}

/// A `moved` block's `from` and `to` as written; `None` when one is missing.
fn moved(block: &BlockRef<'_>) -> Option<Moved> {
    let text = |name: &str| {
        block
            .body
            .attribute(name)
            .and_then(|a| a.expr.as_reference_text())
    };
    Some(Moved {
        from: text("from")?,
        to: text("to")?,
        span: block.span.clone(),
    })
}

/// A `removed` or `import` block: its body evaluated, with `from`, `to` and `provider` as
/// the references they are written as.
fn with_references(scope: &Scope<'_, '_>, block: &BlockRef<'_>) -> Value {
    let mut value = eval_body(scope, block.body, &block.span, &["from", "to", "provider"]);
    if let Some(map) = value.as_map_mut() {
        for name in ["from", "to", "provider"] {
            if let Some(attr) = block.body.attribute(name) {
                if let Some(text) = attr.expr.as_reference_text() {
                    map.insert(
                        name,
                        attr.name_span.clone(),
                        Value::string(text, attr.expr.span()),
                    );
                }
            }
        }
    }
    value
}

/// A `check` block: its body, with its name as `Name`.
fn check(scope: &Scope<'_, '_>, block: &BlockRef<'_>) -> Value {
    let mut value = eval_body(scope, block.body, &block.span, &[]);
    if let (Some(map), Some((name, span))) = (value.as_map_mut(), block.labels.first()) {
        map.insert(
            "Name",
            span.clone(),
            Value::string(name.clone(), span.clone()),
        );
    }
    value
}
