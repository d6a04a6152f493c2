//! A module instance's blocks pushed into the graph as resources: input variables,
//! providers, managed and data resources (one per `count`/`for_each` instance), outputs
//! with the value their callers see; then its module calls (`calls`). Evaluating a body is
//! `body`'s; expanding `count` and `for_each`, `expand`'s.

use super::body::{eval_body, reference_meta, resource_meta_blocks};
use super::expand::{instances_with_meta, Instances};
use super::world::{self, InstanceId};
use super::Loader;
use crate::cty::Val;
use crate::eval::Scope;
use crate::syntax::BlockRef;
use stet_graph::{Expr, Map, Resource, ResourceKind, Span, Value, ValueKind};

/// One instance of a block: its address suffix, `count.index` and `each`.
type InstanceScope = (String, Option<Val>, Option<(Val, Val)>);

/// Arguments of a resource that are meta-arguments, not configuration.
const RESOURCE_META: &[&str] = &[
    "count",
    "for_each",
    "depends_on",
    "provider",
    "lifecycle",
    "provisioner",
    "connection",
];

impl<'w, 'a> Loader<'w, 'a> {
    /// Pushes everything instance `id` declares, then its module calls' instances.
    pub(super) fn walk(&mut self, id: InstanceId) {
        let inst = self.world.instance(id);
        let def = inst.def.clone();
        let prefix = inst.prefix.clone();
        let names = self.world.names(id);
        for block in &def.variables {
            self.push_variable(id, &names, &prefix, block);
        }
        for block in &def.providers {
            self.push_provider(&names, &prefix, block);
        }
        for block in &def.resources {
            self.push_resource(&names, &prefix, block, ResourceKind::Managed);
        }
        for block in &def.data {
            self.push_resource(&names, &prefix, block, ResourceKind::Data);
        }
        for block in &def.modules {
            self.push_module(id, &names, &prefix, block);
        }
        for block in &def.outputs {
            self.push_output(id, &names, &prefix, block);
        }
        let local_values = &mut self.graph.settings.local_values;
        local_values.extend(def.locals.iter().map(|a| a.span.clone()));
    }

    fn push_variable(
        &mut self,
        id: InstanceId,
        names: &world::Names<'w, 'a>,
        prefix: &str,
        block: &BlockRef<'a>,
    ) {
        let Some((name, _)) = block.labels.first() else {
            return;
        };
        let scope = self.scope(names);
        let mut attributes = eval_body(&scope, block.body, &block.span, &["type"]);
        if let (Some(map), Some(ty)) = (attributes.as_map_mut(), block.body.attribute("type")) {
            map.insert(
                "type",
                ty.name_span.clone(),
                Value::string(ty.expr.source(), ty.expr.span()),
            );
        }
        // Evaluate the variable now, so its errors are reported.
        let _ = self.world.variable(id, name);
        let address = format!("{prefix}var.{name}");
        self.graph.resources.push(Resource {
            base_address: address.clone(),
            address,
            kind: ResourceKind::Variable,
            resource_type: "variable".into(),
            name: name.clone(),
            module: module_of(prefix),
            attributes,
            meta: Map::new(),
            span: block.span.clone(),
        });
    }

    fn push_provider(&mut self, names: &world::Names<'w, 'a>, prefix: &str, block: &BlockRef<'a>) {
        let Some((name, _)) = block.labels.first() else {
            return;
        };
        let scope = self.scope(names);
        let attributes = eval_body(&scope, block.body, &block.span, &[]);
        let alias = attributes
            .get("alias")
            .and_then(Value::as_str)
            .map(str::to_string);
        let address = match alias {
            Some(alias) => format!("{prefix}provider.{name}.{alias}"),
            None => format!("{prefix}provider.{name}"),
        };
        self.graph.resources.push(Resource {
            base_address: address.clone(),
            address,
            kind: ResourceKind::Provider,
            resource_type: name.clone(),
            name: name.clone(),
            module: module_of(prefix),
            attributes,
            meta: Map::new(),
            span: block.span.clone(),
        });
    }

    fn push_output(
        &mut self,
        id: InstanceId,
        names: &world::Names<'w, 'a>,
        prefix: &str,
        block: &BlockRef<'a>,
    ) {
        let Some((name, _)) = block.labels.first() else {
            return;
        };
        let scope = self.scope(names);
        let mut attributes = eval_body(&scope, block.body, &block.span, &["depends_on"]);
        if let (Some(map), Some(attr), Some(value)) = (
            attributes.as_map_mut(),
            block.body.attribute("value"),
            self.world.output(id, name),
        ) {
            // The output's value as its callers see it (evaluated once, with its marks).
            if !value.is_null() {
                map.insert("value", attr.name_span.clone(), value.into_graph());
            }
        }
        let meta = reference_meta(block.body, &["depends_on"]);
        if let (Some(map), Some(depends)) = (attributes.as_map_mut(), meta.get("depends_on")) {
            map.insert("depends_on", depends.span.clone(), depends.clone());
        }
        let address = format!("{prefix}output.{name}");
        self.graph.resources.push(Resource {
            base_address: address.clone(),
            address,
            kind: ResourceKind::Output,
            resource_type: "output".into(),
            name: name.clone(),
            module: module_of(prefix),
            attributes,
            meta: Map::new(),
            span: block.span.clone(),
        });
    }

    /// The instance scopes of a resource block: `(address suffix, count.index, each)`.
    fn instance_list(
        &mut self,
        scope: &Scope<'_, 'a>,
        block: &BlockRef<'a>,
    ) -> (Vec<InstanceScope>, Map, bool) {
        let (instances, meta, error) =
            instances_with_meta(scope, block.body, self.world.ctx.limits.max_instances);
        if let Some(e) = error {
            self.errors.push(e);
        }
        let mut meta_map = Map::new();
        if let Some((key, span, value)) = meta {
            meta_map.insert(key, span, value);
        }
        let unknown = matches!(instances, Instances::Unknown);
        let list = match instances {
            Instances::Single => vec![(String::new(), None, None)],
            Instances::Counted(n) => (0..n)
                .map(|i| {
                    (
                        format!("[{i}]"),
                        Some(Val::int(i as i64, block.span.clone())),
                        None,
                    )
                })
                .collect(),
            Instances::Keyed(pairs) => pairs
                .into_iter()
                .map(|(k, kv, v)| (format!("[{}]", quote(&k)), None, Some((kv, v))))
                .collect(),
            Instances::Unknown => {
                let span = block
                    .body
                    .attribute("count")
                    .or_else(|| block.body.attribute("for_each"))
                    .map_or_else(|| block.span.clone(), |a| a.span);
                let unknown = |name: &str| unknown_name(name, &span);
                let counted = block.body.attribute("count").is_some();
                vec![(
                    String::new(),
                    counted.then(|| unknown("count.index")),
                    (!counted).then(|| (unknown("each.key"), unknown("each.value"))),
                )]
            }
        };
        (list, meta_map, unknown)
    }

    fn push_resource(
        &mut self,
        names: &world::Names<'w, 'a>,
        prefix: &str,
        block: &BlockRef<'a>,
        kind: ResourceKind,
    ) {
        let (Some((ty, _)), Some((name, _))) = (block.labels.first(), block.labels.get(1)) else {
            return;
        };
        let base = match kind {
            ResourceKind::Data => format!("{prefix}data.{ty}.{name}"),
            _ => format!("{prefix}{ty}.{name}"),
        };
        let base_scope = self.scope(names);
        let (list, count_meta, unknown) = self.instance_list(&base_scope, block);
        let mut meta_base = count_meta;
        for entry in reference_meta(block.body, &["depends_on", "provider"]) {
            meta_base.insert(entry.key, entry.key_span, entry.value);
        }
        for (suffix, count_index, each) in list {
            if self.graph.resources.len() >= self.world.ctx.limits.max_resources {
                return;
            }
            let mut scope = self.scope(names);
            scope.count_index = count_index;
            scope.each = each;
            // Instances that may not exist: Terraform may never evaluate their arguments.
            scope.quiet = unknown;
            let attributes = eval_body(&scope, block.body, &block.span, RESOURCE_META);
            let mut meta = meta_base.clone();
            if let Some(types) = dynamic_types(&scope, block, ty) {
                meta.insert(stet_graph::DYNAMIC_TYPES, block.span.clone(), types);
            }
            if kind == ResourceKind::Managed {
                for entry in resource_meta_blocks(&scope, block.body) {
                    meta.insert(entry.key, entry.key_span, entry.value);
                }
            }
            self.graph.resources.push(Resource {
                address: format!("{base}{suffix}"),
                base_address: base.clone(),
                kind,
                resource_type: ty.clone(),
                name: name.clone(),
                module: module_of(prefix),
                attributes,
                meta,
                span: block.span.clone(),
            });
        }
    }
}

/// Arguments whose schema type is dynamic (any value, its type included, is the
/// configuration), by resource type.
const DYNAMIC_ARGUMENTS: &[(&str, &[&str])] = &[("terraform_data", &["input", "triggers_replace"])];

/// The types of a resource's dynamically typed arguments, when all known, for the diff.
fn dynamic_types(
    scope: &Scope<'_, '_>,
    block: &BlockRef<'_>,
    resource_type: &str,
) -> Option<Value> {
    let (_, names) = DYNAMIC_ARGUMENTS
        .iter()
        .find(|(t, _)| *t == resource_type)?;
    let mut map = Map::new();
    for name in *names {
        let Some(attr) = block.body.attribute(name) else {
            continue;
        };
        let mut quiet = scope.clone();
        quiet.quiet = true;
        let value = quiet.eval_val(attr.expr);
        if value.is_wholly_known() && !value.is_null() {
            map.insert(
                *name,
                attr.name_span.clone(),
                Value::string(value.ty().to_string(), attr.expr.span()),
            );
        }
    }
    (!map.is_empty()).then(|| Value::new(ValueKind::Map(map), block.span.clone()))
}

/// An unknown `count.index`, `each.key` or `each.value` of a block whose instances are not
/// known.
pub(crate) fn unknown_name(name: &str, span: &Span) -> Val {
    Val::new(
        crate::cty::Kind::Unknown(
            crate::cty::Type::Dynamic,
            Some(std::rc::Rc::new(Expr {
                source: name.to_string(),
                text: format!("${{{name}}}"),
                references: Vec::new(),
                fallback: None,
            })),
        ),
        span.clone(),
    )
}

pub(super) fn module_of(prefix: &str) -> String {
    prefix.strip_suffix('.').unwrap_or(prefix).to_string()
}

/// A map key as Terraform writes it in an address: `"key"`, JSON-quoted.
pub(crate) fn quote(key: &str) -> String {
    serde_json::to_string(key).unwrap_or_else(|_| format!("\"{key}\""))
}
