//! Module calls: each instance of a call pushed as a `module` resource with its arguments
//! and meta-arguments, then the called module's instance walked under `module.NAME.`
//! (local calls and those `terraform init` downloaded); a registry or git call that was not
//! downloaded is noted for one warning. How a call expands and where its module is, is
//! `world`'s.

use super::blocks::module_of;
use super::body::{eval_body, provider_map, reference_meta};
use super::world::{self, InstanceId};
use super::Loader;
use crate::syntax::BlockRef;
use crate::Error;
use stet_graph::{Map, Resource, ResourceKind};

/// Arguments of a module call that are meta-arguments.
const MODULE_META: &[&str] = &["count", "for_each", "depends_on", "providers"];

impl<'w, 'a> Loader<'w, 'a> {
    pub(super) fn push_module(
        &mut self,
        id: InstanceId,
        names: &world::Names<'w, 'a>,
        prefix: &str,
        block: &BlockRef<'a>,
    ) {
        let Some((name, _)) = block.labels.first() else {
            return;
        };
        let base = format!("{prefix}module.{name}");
        let Some(expansion) = self.world.expansion(id, name) else {
            return;
        };
        let mut meta_base = Map::new();
        if let Some((key, span, value)) = &expansion.meta {
            meta_base.insert(key.clone(), span.clone(), value.clone());
        }
        for entry in reference_meta(block.body, &["depends_on"]) {
            meta_base.insert(entry.key, entry.key_span, entry.value);
        }
        if let Some(providers) = block.body.attribute("providers") {
            meta_base.insert(
                "providers",
                providers.name_span.clone(),
                provider_map(providers.expr),
            );
        }
        match &expansion.not_followed {
            Some(Some(e)) => self.world.ctx.report_error(e.clone()),
            Some(None) => {
                let source = block.body.attribute("source").map(|a| a.expr.span());
                self.remote_calls
                    .push(source.unwrap_or_else(|| block.span.clone()));
            }
            None => {}
        }
        for instance in &expansion.instances {
            let mut scope = self.scope(names);
            scope.count_index = instance.count_index.clone();
            scope.each = instance.each.clone();
            scope.quiet = expansion.unknown;
            let attributes = eval_body(&scope, block.body, &block.span, MODULE_META);
            self.graph.resources.push(Resource {
                address: format!("{base}{}", instance.suffix),
                base_address: base.clone(),
                kind: ResourceKind::Module,
                resource_type: "module".into(),
                name: name.clone(),
                module: module_of(prefix),
                attributes,
                meta: meta_base.clone(),
                span: block.span.clone(),
            });
            let Some(child) = instance.child else {
                continue;
            };
            if self.graph.resources.len() >= self.world.ctx.limits.max_resources {
                let span = block
                    .body
                    .attribute("source")
                    .map_or_else(|| block.span.clone(), |a| a.expr.span());
                self.world.ctx.report_error(Error::TooManyResources {
                    span,
                    limit: self.world.ctx.limits.max_resources,
                });
                return;
            }
            self.walk(child);
        }
    }
}
