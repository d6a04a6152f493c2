//! Reading a Terraform module folder into a [`Graph`]: its files read together (override
//! files merged), variables, locals and outputs evaluated on demand across every module
//! instance ([`world`]), `count`/`for_each` expanded ([`expand`]), local module calls and
//! modules that `terraform init` downloaded ([`remote`]) followed under `module.NAME.`
//! addresses, and the `terraform`, `provider`, `moved`, `removed`, `import` and `check`
//! blocks recorded. Evaluating expressions is `eval`'s job; reading files is `source`'s.

mod body;
mod defs;
mod expand;
mod remote;
mod typeexpr;
mod world;

use crate::cty::Val;
use crate::eval::{Ctx, Lookup, Namespace, Scope};
use crate::source::{display_path, normalize};
use crate::syntax::BlockRef;
use crate::{Error, FileSource};
use body::{eval_body, provider_map, reference_meta, resource_meta_blocks, with_type_first};
use expand::{instances_with_meta, Instances};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use stet_graph::{
    Expr, Format, Graph, Limits, Map, Moved, ProviderRequirement, Resource, ResourceKind, Span,
    Value, ValueKind,
};
use typed_arena::Arena;
use world::{InstanceId, World};

/// How to read a module.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Bounds on the work done.
    pub limits: Limits,
    /// The repository root: no module, `file()` or `.tfvars` outside it is read.
    pub confine: Option<PathBuf>,
}

/// A module that was read: its graph, and every error and warning met on the way (the
/// graph holds everything that could be read).
#[derive(Debug, Clone)]
pub struct Module {
    /// The module's graph, the resources of the modules it calls included.
    pub graph: Graph,
    /// How many of the module folder's own configuration files parsed (0 when every one
    /// failed: the graph then holds nothing worth reporting).
    pub parsed_files: usize,
    /// Files not read because a symbolic link leads them out of the repository (each also
    /// has an [`Error::OutsideRoot`] warning).
    pub outside_files: usize,
    /// Errors ([`Error::is_warning`] tells the warnings apart), in the order met.
    pub errors: Vec<Error>,
}

/// Whether a file name is Terraform configuration (`.tf`, `.tf.json`).
pub fn is_config_file(name: &str) -> bool {
    name.ends_with(".tf") || name.ends_with(".tf.json")
}

/// Whether a file name is a variable definitions file (`.tfvars`, `.tfvars.json`).
pub fn is_vars_file(name: &str) -> bool {
    name.ends_with(".tfvars") || name.ends_with(".tfvars.json")
}

/// Whether Terraform loads this variables file automatically (`terraform.tfvars`,
/// `terraform.tfvars.json`, `*.auto.tfvars`, `*.auto.tfvars.json`).
fn is_auto_vars_file(name: &str) -> bool {
    name == "terraform.tfvars"
        || name == "terraform.tfvars.json"
        || name.ends_with(".auto.tfvars")
        || name.ends_with(".auto.tfvars.json")
}

/// Names a constant sees: none.
pub(crate) struct NoNames;

impl Namespace for NoNames {
    fn lookup(&self, root: &str, _attrs: &[&str], span: &Span) -> Lookup {
        Lookup::Fail(crate::eval::Fail::new(
            span,
            "Variables not allowed",
            format!("Variables may not be used here (found a reference to {root:?})."),
        ))
    }
    fn path_module(&self) -> &str {
        "."
    }
    fn prefix(&self) -> &str {
        ""
    }
}

/// Reads the module in folder `dir` (named in reports as `dir` is written).
///
/// ```
/// use stet_terraform::{load_module, LoadOptions, MemoryFiles};
/// let mut files = MemoryFiles::default();
/// files.insert("app/main.tf", r#"
/// variable "n" { default = 2 }
/// resource "aws_instance" "web" {
///   count = var.n
///   tags  = { Name = "web-${count.index}" }
/// }"#);
/// let module = load_module(&files, "app".as_ref(), &LoadOptions::default());
/// let web1 = module.graph.resource("aws_instance.web[1]").unwrap();
/// assert_eq!(web1.attributes.get("tags").unwrap().to_json(), serde_json::json!({"Name": "web-1"}));
/// ```
pub fn load_module(files: &dyn FileSource, dir: &Path, options: &LoadOptions) -> Module {
    // `.` normalises to the empty path, which names no folder to read.
    let root = match normalize(dir) {
        root if root.as_os_str().is_empty() => PathBuf::from("."),
        root => root,
    };
    let ctx = Ctx::new(
        &options.limits,
        files,
        root.clone(),
        options.confine.clone(),
    );
    let file_arena = Arena::new();
    let body_arena = Arena::new();
    let mut errors = Vec::new();
    let manifest = match remote::Manifest::read(&ctx, &root) {
        Ok(m) => m,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let has_manifest = manifest.is_some();
    let world = World::new(
        &ctx,
        defs::Arenas {
            files: &file_arena,
            bodies: &body_arena,
        },
        manifest,
    );
    let display: Arc<str> = display_path(&root).into();
    let mut loader = Loader {
        world: &world,
        graph: Graph::new(display, Format::Terraform),
        errors,
        remote_calls: Vec::new(),
    };
    let parsed_files = match world.root(&root) {
        Ok(id) => {
            loader.tfvars(&root);
            let def = world.instance(id).def.clone();
            loader.errors.extend(def.structure_errors.iter().cloned());
            loader.settings(id);
            loader.walk(id);
            def.parsed_files
        }
        Err(e) => {
            loader.errors.push(e);
            0
        }
    };
    if !has_manifest {
        if let Some(first) = loader.remote_calls.first() {
            loader.errors.push(Error::RemoteModulesNotRead {
                span: first.clone(),
                count: loader.remote_calls.len(),
            });
        }
    }
    let Loader {
        mut graph, errors, ..
    } = loader;
    let mut all_errors = world.file_errors.take();
    all_errors.extend(errors);
    all_errors.extend(ctx.diagnostics.take());
    graph.files = world.sources.take();
    graph.edges = body::edges(&graph.resources);
    // Every instance of a module walks the same locals.
    graph.settings.local_values.sort();
    graph.settings.local_values.dedup();
    let outside_files = *world.outside_files.borrow();
    Module {
        graph,
        parsed_files,
        outside_files,
        errors: all_errors,
    }
}

struct Loader<'w, 'a> {
    world: &'w World<'a>,
    graph: Graph,
    errors: Vec<Error>,
    /// Where the registry and git module calls that were not read are.
    remote_calls: Vec<Span>,
}

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
/// Arguments of a module call that are meta-arguments.
const MODULE_META: &[&str] = &["count", "for_each", "depends_on", "providers"];

impl<'w, 'a> Loader<'w, 'a> {
    /// Reads the root module's automatically loaded `.tfvars` files into the world. Other
    /// `.tfvars` files are parsed (so their errors are reported) but not applied: Terraform
    /// reads them only when named with `-var-file`.
    fn tfvars(&mut self, dir: &Path) {
        let Ok(names) = self.world.ctx.files.list_files(dir) else {
            return;
        };
        let mut auto = Vec::new();
        for path in names {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !is_vars_file(&name) {
                continue;
            }
            let Some(file) = self.world.read(&path) else {
                continue;
            };
            if is_auto_vars_file(&name) {
                auto.push((name, file));
            }
        }
        // terraform.tfvars first, then *.auto.tfvars in lexical order; later files win.
        auto.sort_by_key(|(name, _)| (!name.starts_with("terraform.tfvars"), name.clone()));
        let names = NoNames;
        let scope = Scope::new(self.world.ctx, &names);
        for (_, file) in &auto {
            for attr in file.body().attributes(&[]) {
                let value = scope.eval_val(attr.expr);
                self.world
                    .tfvars
                    .borrow_mut()
                    .insert(attr.name.to_string(), value);
            }
        }
    }

    fn scope<'n>(&self, names: &'n world::Names<'w, 'a>) -> Scope<'n, 'a>
    where
        'w: 'n,
    {
        self.world.scope(names)
    }

    /// Pushes everything instance `id` declares, then its module calls' instances.
    fn walk(&mut self, id: InstanceId) {
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

    fn settings(&mut self, id: InstanceId) {
        let def = self.world.instance(id).def.clone();
        let names = self.world.names(id);
        let scope = self.scope(&names);
        let settings = &mut self.graph.settings;
        for block in &def.terraform {
            if settings.terraform_block.is_none() {
                settings.terraform_block = Some(block.span.clone());
            }
            if let Some(attr) = block.body.attribute("required_version") {
                settings.required_version.push(scope.eval(attr.expr));
            }
            for requirements in block.body.blocks_named("required_providers", 0) {
                for attr in requirements.body.attributes(&[]) {
                    let value = scope.eval(attr.expr);
                    let (source, version) = match &value.kind {
                        ValueKind::Map(map) => {
                            (map.get("source").cloned(), map.get("version").cloned())
                        }
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
                let value = eval_body(&scope, backend.body, &backend.span, &[]);
                settings.backend = Some(with_type_first(value, backend.labels.first()));
            }
            for cloud in block.body.blocks_named("cloud", 0) {
                settings.cloud = Some(eval_body(&scope, cloud.body, &cloud.span, &[]));
            }
        }
        for block in &def.moved {
            let text = |name: &str| {
                block
                    .body
                    .attribute(name)
                    .and_then(|a| a.expr.as_reference_text())
            };
            if let (Some(from), Some(to)) = (text("from"), text("to")) {
                settings.moved.push(Moved {
                    from,
                    to,
                    span: block.span.clone(),
                });
            }
        }
        for (list, blocks) in [
            (&mut settings.removed, &def.removed),
            (&mut settings.imports, &def.imports),
        ] {
            for block in blocks {
                let mut value =
                    eval_body(&scope, block.body, &block.span, &["from", "to", "provider"]);
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
                list.push(value);
            }
        }
        for block in &def.checks {
            let mut value = eval_body(&scope, block.body, &block.span, &[]);
            if let (Some(map), Some((name, span))) = (value.as_map_mut(), block.labels.first()) {
                map.insert(
                    "Name",
                    span.clone(),
                    Value::string(name.clone(), span.clone()),
                );
            }
            settings.checks.push(value);
        }
        let mut names_sorted: Vec<&str> = def.locals.iter().map(|a| a.name).collect();
        names_sorted.sort_unstable();
        names_sorted.dedup();
        if !names_sorted.is_empty() {
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

    fn push_module(
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

fn module_of(prefix: &str) -> String {
    prefix.strip_suffix('.').unwrap_or(prefix).to_string()
}

/// A map key as Terraform writes it in an address: `"key"`, JSON-quoted.
pub(crate) fn quote(key: &str) -> String {
    serde_json::to_string(key).unwrap_or_else(|_| format!("\"{key}\""))
}

/// The path from folder `from` to folder `to`, both relative to where stet runs.
pub(crate) fn relative_to(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in to.iter().skip(common) {
        out.push(c);
    }
    out
}

#[allow(dead_code)]
fn _unused(_: &HashMap<String, String>, _: &HashSet<String>) {}
