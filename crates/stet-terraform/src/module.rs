//! Reading a Terraform module folder into a [`Graph`]: its files read together, variables
//! (defaults, `.tfvars`, module inputs) and locals evaluated, `count`/`for_each` expanded,
//! local module calls followed under `module.NAME.` addresses, and the `terraform`,
//! `provider`, `moved`, `removed`, `import` and `check` blocks recorded. Evaluating
//! expressions is `eval`'s job; reading files is `source`'s.

use crate::eval::{iteration_items, Ctx, Env, Scope};
use crate::source::{normalize, read_text, FileText};
use crate::syntax::{AttrRef, BlockRef, BodyRef, ExprRef, ParsedFile};
use crate::{Error, FileSource};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use stet_graph::{
    Edge, EdgeKind, Expr, Format, Graph, Limits, Map, Moved, ProviderRequirement, Resource,
    ResourceKind, SourceFile, Span, Value, ValueKind,
};

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
    /// The module's graph, the resources of the local modules it calls included.
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
    let display: Arc<str> = display_path(&root).into();
    let mut loader = Loader {
        ctx: &ctx,
        graph: Graph::new(display, Format::Terraform),
        errors: Vec::new(),
        parsed: HashMap::new(),
        seen_files: HashSet::new(),
        stack: vec![root.clone()],
        outside_files: 0,
    };
    loader.load(&root, "", ".", None, 0);
    let parsed_files = loader.parsed.get(&root).map_or(0, |files| files.len());
    let Loader {
        mut graph,
        mut errors,
        outside_files,
        ..
    } = loader;
    errors.extend(ctx.diagnostics.take());
    graph.edges = edges(&graph.resources);
    Module {
        graph,
        parsed_files,
        outside_files,
        errors,
    }
}

fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().into_owned();
    if s.is_empty() {
        ".".into()
    } else {
        s
    }
}

struct Loader<'c, 'a> {
    ctx: &'c Ctx<'a>,
    graph: Graph,
    errors: Vec<Error>,
    parsed: HashMap<PathBuf, Rc<Vec<ParsedFile>>>,
    seen_files: HashSet<Arc<str>>,
    stack: Vec<PathBuf>,
    outside_files: usize,
}

/// The blocks of one module, grouped by type, borrowed from its parsed files.
#[derive(Default)]
struct Blocks<'a> {
    terraform: Vec<BlockRef<'a>>,
    providers: Vec<BlockRef<'a>>,
    resources: Vec<BlockRef<'a>>,
    data: Vec<BlockRef<'a>>,
    modules: Vec<BlockRef<'a>>,
    variables: Vec<BlockRef<'a>>,
    locals: Vec<AttrRef<'a>>,
    outputs: Vec<BlockRef<'a>>,
    moved: Vec<BlockRef<'a>>,
    removed: Vec<BlockRef<'a>>,
    imports: Vec<BlockRef<'a>>,
    checks: Vec<BlockRef<'a>>,
}

const TOP_LEVEL: &[(&str, usize)] = &[
    ("terraform", 0),
    ("provider", 1),
    ("resource", 2),
    ("data", 2),
    ("module", 1),
    ("variable", 1),
    ("locals", 0),
    ("output", 1),
    ("moved", 0),
    ("removed", 0),
    ("import", 0),
    ("check", 1),
];

impl<'a> Blocks<'a> {
    fn collect(file: &'a ParsedFile, errors: &mut Vec<Error>) -> Blocks<'a> {
        let mut blocks = Blocks::default();
        let body = file.body();
        let all: Vec<BlockRef<'a>> = if body.is_json() {
            TOP_LEVEL
                .iter()
                .flat_map(|(ident, labels)| body.blocks_named(ident, *labels))
                .collect()
        } else {
            for attr in body.attributes(&[]) {
                errors.push(Error::Structure {
                    span: attr.name_span.clone(),
                    message: format!("an argument named `{}` is not expected at the top level of a Terraform file", attr.name),
                });
            }
            body.blocks()
        };
        for block in all {
            let expected = TOP_LEVEL
                .iter()
                .find(|(i, _)| *i == block.ident)
                .map(|(_, n)| *n);
            match expected {
                Some(n) if block.labels.len() != n => {
                    errors.push(Error::Structure {
                        span: block.span.clone(),
                        message: format!(
                            "a `{}` block takes {} label{}, this one has {}",
                            block.ident,
                            n,
                            if n == 1 { "" } else { "s" },
                            block.labels.len()
                        ),
                    });
                    continue;
                }
                None => continue,
                Some(_) => {}
            }
            match block.ident {
                "terraform" => blocks.terraform.push(block),
                "provider" => blocks.providers.push(block),
                "resource" => blocks.resources.push(block),
                "data" => blocks.data.push(block),
                "module" => blocks.modules.push(block),
                "variable" => blocks.variables.push(block),
                "locals" => blocks.locals.extend(block.body.attributes(&[])),
                "output" => blocks.outputs.push(block),
                "moved" => blocks.moved.push(block),
                "removed" => blocks.removed.push(block),
                "import" => blocks.imports.push(block),
                "check" => blocks.checks.push(block),
                _ => {}
            }
        }
        blocks
    }
}

/// One known instance: its address suffix (`[0]`, `["key"]`), and the `count.index` or
/// `each.key`/`each.value` its configuration sees.
struct Instance {
    suffix: String,
    count_index: Option<Value>,
    each: Option<(Value, Value)>,
}

/// A resource's instances.
enum Instances {
    /// No `count` or `for_each`.
    Single,
    /// Known instances.
    Expanded(Vec<Instance>),
    /// `count`/`for_each` whose value is not known (or over the limit).
    Unexpanded,
}

impl<'c, 'a> Loader<'c, 'a> {
    /// Parses (once) the configuration files of `dir`.
    fn parse_dir(&mut self, dir: &Path) -> Result<Rc<Vec<ParsedFile>>, Error> {
        if let Some(files) = self.parsed.get(dir) {
            return Ok(files.clone());
        }
        let names = self.ctx.files.list_files(dir).map_err(|e| Error::Read {
            path: dir.to_path_buf(),
            message: e.to_string(),
        })?;
        let mut parsed = Vec::new();
        for path in names {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !is_config_file(&name) {
                continue;
            }
            if let Some(file) = self.read_file(&path) {
                parsed.push(file);
            }
        }
        let parsed = Rc::new(parsed);
        self.parsed.insert(dir.to_path_buf(), parsed.clone());
        Ok(parsed)
    }

    fn read_file(&mut self, path: &Path) -> Option<ParsedFile> {
        let display: Arc<str> = display_path(&normalize(path)).into();
        if self.ctx.outside(path) {
            // A symbolic link in the module's folder that leads out of the repository.
            self.outside_files += 1;
            self.errors.push(Error::OutsideRoot {
                span: Span::file_start(display.clone()),
                target: display.to_string(),
            });
            return None;
        }
        let text = match read_text(
            self.ctx.files,
            path,
            &display,
            self.ctx.limits.max_file_size,
        ) {
            Ok(text) => text,
            Err(e) => {
                self.errors.push(e);
                return None;
            }
        };
        if self.seen_files.insert(display.clone()) {
            self.graph.files.push(SourceFile {
                path: display.clone(),
                format: Format::Terraform,
                text: text.clone(),
            });
        }
        match ParsedFile::parse(FileText::new(display, text), self.ctx.limits) {
            Ok(file) => Some(file),
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    /// The values of the root module's automatically loaded `.tfvars` files. Other
    /// `.tfvars` files are parsed (so their errors are reported) but not applied: Terraform
    /// reads them only when named with `-var-file`.
    fn tfvars(&mut self, dir: &Path) -> HashMap<String, Value> {
        let mut values = HashMap::new();
        let Ok(names) = self.ctx.files.list_files(dir) else {
            return values;
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
            let Some(file) = self.read_file(&path) else {
                continue;
            };
            if is_auto_vars_file(&name) {
                auto.push((name, file));
            }
        }
        // terraform.tfvars first, then *.auto.tfvars in lexical order.
        auto.sort_by_key(|(name, _)| (!name.starts_with("terraform.tfvars"), name.clone()));
        let env = Env::new(self.ctx, HashMap::new(), HashMap::new(), ".".into());
        let scope = Scope::new(&env);
        for (_, file) in &auto {
            for attr in file.body().attributes(&[]) {
                values.insert(attr.name.to_string(), scope.eval(attr.expr));
            }
        }
        values
    }

    fn load(
        &mut self,
        dir: &Path,
        prefix: &str,
        path_module: &str,
        inputs: Option<HashMap<String, Value>>,
        depth: usize,
    ) {
        let files = match self.parse_dir(dir) {
            Ok(files) => files,
            Err(e) => {
                self.errors.push(e);
                return;
            }
        };
        let is_root = inputs.is_none();
        let tfvars = if is_root {
            self.tfvars(dir)
        } else {
            HashMap::new()
        };
        let mut structure_errors = Vec::new();
        let mut blocks = Blocks::default();
        for file in files.iter() {
            let b = Blocks::collect(file, &mut structure_errors);
            blocks.terraform.extend(b.terraform);
            blocks.providers.extend(b.providers);
            blocks.resources.extend(b.resources);
            blocks.data.extend(b.data);
            blocks.modules.extend(b.modules);
            blocks.variables.extend(b.variables);
            blocks.locals.extend(b.locals);
            blocks.outputs.extend(b.outputs);
            blocks.moved.extend(b.moved);
            blocks.removed.extend(b.removed);
            blocks.imports.extend(b.imports);
            blocks.checks.extend(b.checks);
        }
        // A module reached through a call reports its structure errors when read on its own.
        if is_root {
            self.errors.append(&mut structure_errors);
        }

        let variables = self.variables(&blocks, inputs.as_ref(), &tfvars);
        let mut locals = HashMap::new();
        for attr in &blocks.locals {
            locals.entry(attr.name.to_string()).or_insert(attr.expr);
        }
        let env = Env::new(self.ctx, variables, locals, path_module.to_string());

        if is_root {
            self.settings(&env, &blocks);
        }
        for block in &blocks.variables {
            self.push_variable(&env, prefix, block);
        }
        for block in &blocks.providers {
            self.push_provider(&env, prefix, block);
        }
        for block in &blocks.resources {
            self.push_resource(&env, prefix, block, ResourceKind::Managed);
        }
        for block in &blocks.data {
            self.push_resource(&env, prefix, block, ResourceKind::Data);
        }
        for block in &blocks.modules {
            self.push_module(&env, dir, prefix, path_module, block, depth);
        }
        for block in &blocks.outputs {
            self.push_output(&env, prefix, block);
        }
    }

    fn variables(
        &self,
        blocks: &Blocks<'_>,
        inputs: Option<&HashMap<String, Value>>,
        tfvars: &HashMap<String, Value>,
    ) -> HashMap<String, Value> {
        let empty = Env::new(self.ctx, HashMap::new(), HashMap::new(), ".".into());
        let scope = Scope::new(&empty);
        let mut values = HashMap::new();
        for block in &blocks.variables {
            let Some((name, _)) = block.labels.first() else {
                continue;
            };
            let given = match inputs {
                Some(inputs) => inputs.get(name).cloned(),
                None => tfvars.get(name).cloned(),
            };
            let value = given
                .or_else(|| block.body.attribute("default").map(|d| scope.eval(d.expr)))
                .unwrap_or_else(|| unknown_reference(&format!("var.{name}"), &block.span));
            values.insert(name.clone(), value);
        }
        values
    }

    fn settings(&mut self, env: &Env<'_>, blocks: &Blocks<'_>) {
        let scope = Scope::new(env);
        let settings = &mut self.graph.settings;
        for block in &blocks.terraform {
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
        for block in &blocks.moved {
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
            (&mut settings.removed, &blocks.removed),
            (&mut settings.imports, &blocks.imports),
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
        for block in &blocks.checks {
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
        let locals = env.all_locals();
        if !locals.is_empty() {
            let span = blocks
                .locals
                .first()
                .map(|a| a.span.clone())
                .unwrap_or_else(|| Span::file_start(self.graph.path.clone()));
            let mut map = Map::new();
            for (name, value) in locals {
                let key_span = blocks
                    .locals
                    .iter()
                    .find(|a| a.name == name)
                    .map_or_else(|| value.span.clone(), |a| a.name_span.clone());
                map.insert(name, key_span, value);
            }
            settings.locals = Some(Value::new(ValueKind::Map(map), span));
        }
    }

    fn push(&mut self, resource: Resource) {
        self.graph.resources.push(resource);
    }

    fn push_variable(&mut self, env: &Env<'_>, prefix: &str, block: &BlockRef<'_>) {
        let Some((name, _)) = block.labels.first() else {
            return;
        };
        let scope = Scope::new(env);
        let mut attributes = eval_body(&scope, block.body, &block.span, &["type"]);
        if let (Some(map), Some(ty)) = (attributes.as_map_mut(), block.body.attribute("type")) {
            map.insert(
                "type",
                ty.name_span.clone(),
                Value::string(ty.expr.source(), ty.expr.span()),
            );
        }
        let address = format!("{prefix}var.{name}");
        self.push(Resource {
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

    fn push_provider(&mut self, env: &Env<'_>, prefix: &str, block: &BlockRef<'_>) {
        let Some((name, _)) = block.labels.first() else {
            return;
        };
        let scope = Scope::new(env);
        let attributes = eval_body(&scope, block.body, &block.span, &[]);
        let alias = attributes
            .get("alias")
            .and_then(Value::as_str)
            .map(str::to_string);
        let address = match alias {
            Some(alias) => format!("{prefix}provider.{name}.{alias}"),
            None => format!("{prefix}provider.{name}"),
        };
        self.push(Resource {
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

    fn push_output(&mut self, env: &Env<'_>, prefix: &str, block: &BlockRef<'_>) {
        let Some((name, _)) = block.labels.first() else {
            return;
        };
        let scope = Scope::new(env);
        let mut attributes = eval_body(&scope, block.body, &block.span, &["depends_on"]);
        let meta = reference_meta(block.body, &["depends_on"]);
        if let (Some(map), Some(depends)) = (attributes.as_map_mut(), meta.get("depends_on")) {
            map.insert("depends_on", depends.span.clone(), depends.clone());
        }
        let address = format!("{prefix}output.{name}");
        self.push(Resource {
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

    /// Works out a block's instances from its `count` or `for_each`.
    fn instances(&mut self, scope: &Scope<'_, '_>, body: BodyRef<'_>) -> (Instances, Map) {
        let mut meta = Map::new();
        let limit = self.ctx.limits.max_instances;
        if let Some(count) = body.attribute("count") {
            let value = scope.eval(count.expr);
            meta.insert("count", count.name_span.clone(), value.clone());
            let n = match value.kind {
                ValueKind::Int(n) => Some(n),
                ValueKind::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
                _ => None,
            };
            return match n {
                Some(n) if n > 0 && n as u64 > limit as u64 => {
                    self.errors.push(Error::TooManyInstances {
                        span: value.span.clone(),
                        count: n as u64,
                        limit,
                    });
                    (Instances::Unexpanded, meta)
                }
                Some(n) if n > 0 => {
                    let keys = (0..n)
                        .map(|i| Instance {
                            suffix: format!("[{i}]"),
                            count_index: Some(Value::new(ValueKind::Int(i), value.span.clone())),
                            each: None,
                        })
                        .collect();
                    (Instances::Expanded(keys), meta)
                }
                _ => (Instances::Unexpanded, meta),
            };
        }
        if let Some(for_each) = body.attribute("for_each") {
            let value = scope.eval(for_each.expr);
            meta.insert("for_each", for_each.name_span.clone(), value.clone());
            let pairs: Option<Vec<(String, Value, Value)>> = match &value.kind {
                ValueKind::Map(map) => Some(
                    map.iter()
                        .map(|e| {
                            (
                                e.key.clone(),
                                Value::string(e.key.clone(), e.key_span.clone()),
                                e.value.clone(),
                            )
                        })
                        .collect(),
                ),
                ValueKind::List(items) => items
                    .iter()
                    .map(|i| i.as_str().map(|s| (s.to_string(), i.clone(), i.clone())))
                    .collect(),
                _ => None,
            };
            return match pairs {
                Some(pairs) if pairs.len() > limit => {
                    self.errors.push(Error::TooManyInstances {
                        span: value.span.clone(),
                        count: pairs.len() as u64,
                        limit,
                    });
                    (Instances::Unexpanded, meta)
                }
                Some(mut pairs) if !pairs.is_empty() => {
                    pairs.sort_by(|a, b| a.0.cmp(&b.0));
                    pairs.dedup_by(|a, b| a.0 == b.0);
                    let keys = pairs
                        .into_iter()
                        .map(|(key, k, v)| Instance {
                            suffix: format!("[{}]", quote(&key)),
                            count_index: None,
                            each: Some((k, v)),
                        })
                        .collect();
                    (Instances::Expanded(keys), meta)
                }
                _ => (Instances::Unexpanded, meta),
            };
        }
        (Instances::Single, meta)
    }

    fn push_resource(
        &mut self,
        env: &Env<'_>,
        prefix: &str,
        block: &BlockRef<'_>,
        kind: ResourceKind,
    ) {
        let (Some((ty, _)), Some((name, _))) = (block.labels.first(), block.labels.get(1)) else {
            return;
        };
        let base = match kind {
            ResourceKind::Data => format!("{prefix}data.{ty}.{name}"),
            _ => format!("{prefix}{ty}.{name}"),
        };
        let base_scope = Scope::new(env);
        let (instances, count_meta) = self.instances(&base_scope, block.body);
        let mut meta_base = count_meta;
        for entry in reference_meta(block.body, &["depends_on", "provider"]) {
            meta_base.insert(entry.key, entry.key_span, entry.value);
        }
        for (address, scope) in self.instance_scopes(env, &base, instances, block.body) {
            if self.graph.resources.len() >= self.ctx.limits.max_resources {
                return;
            }
            let attributes = eval_body(&scope, block.body, &block.span, RESOURCE_META);
            let mut meta = meta_base.clone();
            if kind == ResourceKind::Managed {
                for entry in resource_meta_blocks(&scope, block.body) {
                    meta.insert(entry.key, entry.key_span, entry.value);
                }
            }
            self.push(Resource {
                address,
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

    /// The address and evaluation scope of each instance.
    fn instance_scopes<'e>(
        &self,
        env: &'e Env<'a>,
        base: &str,
        instances: Instances,
        body: BodyRef<'_>,
    ) -> Vec<(String, Scope<'e, 'a>)>
    where
        'a: 'e,
    {
        match instances {
            Instances::Single => vec![(base.to_string(), Scope::new(env))],
            Instances::Expanded(keys) => keys
                .into_iter()
                .map(|instance| {
                    let mut scope = Scope::new(env);
                    scope.count_index = instance.count_index;
                    scope.each = instance.each;
                    (format!("{base}{}", instance.suffix), scope)
                })
                .collect(),
            Instances::Unexpanded => {
                let span = body
                    .attribute("count")
                    .or_else(|| body.attribute("for_each"))
                    .map_or_else(|| Span::file_start(self.graph.path.clone()), |a| a.span);
                let mut scope = Scope::new(env);
                scope.count_index = Some(unknown_reference("count.index", &span));
                scope.each = Some((
                    unknown_reference("each.key", &span),
                    unknown_reference("each.value", &span),
                ));
                vec![(base.to_string(), scope)]
            }
        }
    }

    fn push_module(
        &mut self,
        env: &Env<'_>,
        dir: &Path,
        prefix: &str,
        path_module: &str,
        block: &BlockRef<'_>,
        depth: usize,
    ) {
        let Some((name, _)) = block.labels.first() else {
            return;
        };
        let base = format!("{prefix}module.{name}");
        let base_scope = Scope::new(env);
        let (instances, count_meta) = self.instances(&base_scope, block.body);
        let mut meta_base = count_meta;
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
        let source = block.body.attribute("source");
        let source_text = source
            .as_ref()
            .map(|s| base_scope.eval(s.expr))
            .and_then(|v| v.as_str().map(str::to_string));
        let local = source_text
            .as_deref()
            .filter(|s| s.starts_with("./") || s.starts_with("../") || *s == "." || *s == "..");
        for (address, scope) in self.instance_scopes(env, &base, instances, block.body) {
            let attributes = eval_body(&scope, block.body, &block.span, MODULE_META);
            self.push(Resource {
                address: address.clone(),
                base_address: base.clone(),
                kind: ResourceKind::Module,
                resource_type: "module".into(),
                name: name.clone(),
                module: module_of(prefix),
                attributes: attributes.clone(),
                meta: meta_base.clone(),
                span: block.span.clone(),
            });
            let (Some(local), Some(source)) = (local, &source) else {
                continue;
            };
            // `./` from the current folder normalises to the empty path, the root's `.`.
            let child = match normalize(&dir.join(local)) {
                child if child.as_os_str().is_empty() => PathBuf::from("."),
                child => child,
            };
            let source_span = source.expr.span();
            if self.ctx.outside(&child) {
                self.errors.push(Error::OutsideRoot {
                    span: source_span,
                    target: local.to_string(),
                });
                continue;
            }
            if !self.ctx.files.is_dir(&child) {
                self.errors.push(Error::ModuleNotFound {
                    span: source_span,
                    source_path: local.to_string(),
                });
                continue;
            }
            if self.stack.contains(&child) {
                let chain = self
                    .stack
                    .iter()
                    .chain([&child])
                    .map(|p| display_path(p))
                    .collect::<Vec<_>>()
                    .join(" -> ");
                self.errors.push(Error::ModuleCycle {
                    span: source_span,
                    folder: display_path(&child),
                    chain,
                });
                continue;
            }
            if depth + 1 > self.ctx.limits.max_module_depth {
                self.errors.push(Error::ModuleDepth {
                    span: source_span,
                    limit: self.ctx.limits.max_module_depth,
                });
                continue;
            }
            if self.graph.resources.len() >= self.ctx.limits.max_resources {
                self.errors.push(Error::TooManyResources {
                    span: source_span,
                    limit: self.ctx.limits.max_resources,
                });
                return;
            }
            let mut inputs = HashMap::new();
            if let Some(map) = attributes.as_map() {
                for entry in map.iter() {
                    if !matches!(entry.key.as_str(), "source" | "version") {
                        inputs.insert(entry.key.clone(), entry.value.clone());
                    }
                }
            }
            let child_path_module = display_path(&normalize(&Path::new(path_module).join(local)));
            self.stack.push(child.clone());
            self.load(
                &child,
                &format!("{address}."),
                &child_path_module,
                Some(inputs),
                depth + 1,
            );
            self.stack.pop();
        }
    }
}

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

fn module_of(prefix: &str) -> String {
    prefix.strip_suffix('.').unwrap_or(prefix).to_string()
}

/// A map key as Terraform writes it in an address: `"key"`, JSON-quoted.
fn quote(key: &str) -> String {
    serde_json::to_string(key).unwrap_or_else(|_| format!("\"{key}\""))
}

/// An unresolved reference such as `var.region` or `count.index`.
pub(crate) fn unknown_reference(name: &str, span: &Span) -> Value {
    Value::new(
        ValueKind::Expr(Box::new(Expr {
            source: name.to_string(),
            text: format!("${{{name}}}"),
            references: if name.starts_with("var.") {
                vec![name.to_string()]
            } else {
                Vec::new()
            },
        })),
        span.clone(),
    )
}

/// Evaluates a body: attributes as map entries, nested blocks as lists of maps under their
/// type (labels, when a nested block has them, under `Labels`), `dynamic` blocks expanded
/// where their `for_each` is known. Names in `skip` are left out.
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
        map.insert(attr.name, attr.name_span.clone(), scope.eval(attr.expr));
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
        let mut element = eval_body(scope, block.body, &block.span, &[]);
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
    let collection = block.body.attribute("for_each").map(|a| scope.eval(a.expr));
    let items = collection.as_ref().and_then(|c| match &c.kind {
        // A set of values iterates with key = value.
        ValueKind::List(items) if items.iter().all(|i| i.as_str().is_some()) => {
            Some(items.iter().map(|i| (i.clone(), i.clone())).collect())
        }
        _ => iteration_items(c),
    });
    let bind = |key: Value, value: Value| {
        let mut object = Map::new();
        object.insert("key", key.span.clone(), key);
        object.insert("value", value.span.clone(), value);
        let mut inner = scope.clone();
        inner.bound.push((
            iterator.clone(),
            Value::new(ValueKind::Map(object), block.span.clone()),
        ));
        eval_body(&inner, content.body, &content.span, &[])
    };
    match items {
        Some(items) => items.into_iter().map(|(k, v)| bind(k, v)).collect(),
        None => {
            let key = unknown_reference(&format!("{iterator}.key"), &block.span);
            let value = unknown_reference(&format!("{iterator}.value"), &block.span);
            vec![bind(key, value)]
        }
    }
}

/// Meta-arguments that hold references (`depends_on`, `provider`), as their source text.
fn reference_meta(body: BodyRef<'_>, names: &[&str]) -> Map {
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
fn provider_map(expr: ExprRef<'_>) -> Value {
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

/// A resource's `lifecycle`, `provisioner` and `connection` blocks.
fn resource_meta_blocks(scope: &Scope<'_, '_>, body: BodyRef<'_>) -> Map {
    let mut meta = Map::new();
    for block in body.blocks_named("lifecycle", 0) {
        let mut lifecycle = eval_body(
            scope,
            block.body,
            &block.span,
            &["ignore_changes", "replace_triggered_by"],
        );
        if let Some(map) = lifecycle.as_map_mut() {
            for entry in reference_meta(block.body, &["ignore_changes", "replace_triggered_by"]) {
                map.insert(entry.key, entry.key_span, entry.value);
            }
        }
        let key_span = Span {
            end: block.span.start,
            ..block.span.clone()
        };
        meta.insert("lifecycle", key_span, lifecycle);
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
fn with_type_first(body: Value, label: Option<&(String, Span)>) -> Value {
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

/// Edges from references in values, `depends_on`, and module calls.
fn edges(resources: &[Resource]) -> Vec<Edge> {
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
                        found.push((text.to_string(), item.span.clone(), EdgeKind::DependsOn));
                    }
                }
            } else {
                collect_expr_references(&entry.value, &mut found);
            }
        }
        for (reference, span, kind) in found {
            if let Some(target) = reference_target(&reference, &prefix, &addresses) {
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
            let child_prefix = format!("{}.", resource.address);
            for child in resources.iter().filter(|r| r.module == resource.address) {
                edges.push(Edge {
                    from: resource.address.clone(),
                    to: child.address.clone(),
                    kind: EdgeKind::ModuleCall,
                    span: resource.span.clone(),
                });
                debug_assert!(child.address.starts_with(&child_prefix));
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

/// The address a dotted reference points at, if that address exists.
fn reference_target(reference: &str, prefix: &str, addresses: &HashSet<&str>) -> Option<String> {
    let parts: Vec<&str> = reference.split('.').collect();
    let take = match parts.first().copied() {
        Some("data") => 3,
        Some("module" | "var") => 2,
        Some("local" | "count" | "each" | "path" | "self" | "terraform") | None => return None,
        Some(_) => 2,
    };
    let name = parts.get(..take)?.join(".");
    let address = format!("{prefix}{name}");
    addresses.contains(address.as_str()).then_some(address)
}
