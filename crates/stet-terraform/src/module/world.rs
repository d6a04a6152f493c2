//! Every module instance of one load and the values they make, evaluated lazily and once:
//! input variables (a caller's argument, a `.tfvars` entry or the default, with the type
//! constraint and `optional()` defaults applied), locals, module calls expanded by `count`
//! or `for_each`, and outputs — so that `module.NAME.OUTPUT` in a caller, `var.x` in a
//! child and `local.y` anywhere resolve to what Terraform would compute, in any order, and a
//! reference cycle gives an unknown value instead of a loop.

use super::defs::{read_file, Arenas, ModuleDef, Read};
use super::remote::Manifest;
use super::typeexpr::{constraint, Constraint};
use crate::cty::{convert, Entry, Kind, Type, Val};
use crate::eval::{Ctx, Fail, Lookup, Namespace, Scope};
use crate::source::{display_path, normalize};
use crate::syntax::{BlockRef, ParsedFile};
use crate::Error;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use stet_graph::{SourceFile, Span};

/// An index into [`World`]'s instances.
pub(crate) type InstanceId = usize;

/// A value being computed, or computed.
#[derive(Clone)]
enum Slot<T> {
    Busy,
    Done(T),
}

/// How a module call expands: its instances (by `count` index or `for_each` key), each
/// with the module instance it reads when the call is followed.
#[derive(Clone)]
pub(crate) struct Expansion {
    /// `None`: no `count`/`for_each`; `Some(false)`: `count`; `Some(true)`: `for_each`.
    pub keyed: Option<bool>,
    /// The instances; one with an unknown `count.index`/`each` when they are not known.
    pub instances: Vec<CallInstance>,
    /// Whether the instances are not known (`count`/`for_each` unknown or over the limit).
    pub unknown: bool,
    /// The evaluated `count` or `for_each`, for the graph's meta.
    pub meta: Option<(String, Span, stet_graph::Value)>,
    /// Why the module is not read, when it is not (`Some(None)`: a registry or git module
    /// without a downloaded copy).
    pub not_followed: Option<Option<Error>>,
}

/// One instance of a module call.
#[derive(Clone)]
pub(crate) struct CallInstance {
    /// The address suffix: `""`, `[0]`, `["key"]`.
    pub suffix: String,
    /// The `for_each` key.
    pub key: Option<String>,
    pub count_index: Option<Val>,
    pub each: Option<(Val, Val)>,
    /// The module instance, when the call is followed and the instances are known.
    pub child: Option<InstanceId>,
}

/// Where a module instance was called from.
#[derive(Clone)]
pub(crate) struct CallSite<'a> {
    pub parent: InstanceId,
    pub block: BlockRef<'a>,
    pub count_index: Option<Val>,
    pub each: Option<(Val, Val)>,
}

/// One module instance.
pub(crate) struct Instance<'a> {
    pub def: Rc<ModuleDef<'a>>,
    /// The instance's address prefix: `""` for the root, `module.app[0].` below it.
    pub prefix: String,
    /// `path.module`.
    pub path_module: String,
    pub call: Option<CallSite<'a>>,
    pub depth: usize,
    /// Folders from the root to this one (for cycles).
    pub chain: Vec<PathBuf>,
    /// The module path without instance keys (`app.db`), as `modules.json` names calls.
    pub key: String,
    /// Read although Terraform may not have this instance (its call's `count`/`for_each`
    /// is not known): failures in it are not reported.
    pub quiet: bool,
    variables: RefCell<HashMap<String, Slot<Val>>>,
    locals: RefCell<HashMap<String, Slot<Val>>>,
    outputs: RefCell<HashMap<String, Slot<Val>>>,
    calls: RefCell<HashMap<String, Expansion>>,
}

/// Every module instance of a load.
pub(crate) struct World<'a> {
    pub ctx: &'a Ctx<'a>,
    pub arenas: Arenas<'a>,
    defs: RefCell<HashMap<PathBuf, Result<Rc<ModuleDef<'a>>, Error>>>,
    instances: RefCell<Vec<Rc<Instance<'a>>>>,
    /// Values from the root's `terraform.tfvars` and `*.auto.tfvars`.
    pub tfvars: RefCell<HashMap<String, Val>>,
    /// Every file read, for the graph.
    pub sources: RefCell<Vec<SourceFile>>,
    /// Errors met reading files (syntax, links out of the repository).
    pub file_errors: RefCell<Vec<Error>>,
    /// Files not read because a link leads out of the repository.
    pub outside_files: RefCell<usize>,
    pub manifest: Option<Manifest>,
}

impl<'a> World<'a> {
    pub fn new(ctx: &'a Ctx<'a>, arenas: Arenas<'a>, manifest: Option<Manifest>) -> World<'a> {
        World {
            ctx,
            arenas,
            defs: RefCell::new(HashMap::new()),
            instances: RefCell::new(Vec::new()),
            tfvars: RefCell::new(HashMap::new()),
            sources: RefCell::new(Vec::new()),
            file_errors: RefCell::new(Vec::new()),
            outside_files: RefCell::new(0),
            manifest,
        }
    }

    /// The module in `dir`, parsed once.
    pub fn def(&self, dir: &Path) -> Result<Rc<ModuleDef<'a>>, Error> {
        if let Some(found) = self.defs.borrow().get(dir) {
            return found.clone();
        }
        let result = self.parse_dir(dir);
        self.defs
            .borrow_mut()
            .insert(dir.to_path_buf(), result.clone());
        result
    }

    fn parse_dir(&self, dir: &Path) -> Result<Rc<ModuleDef<'a>>, Error> {
        let names = self.ctx.files.list_files(dir).map_err(|e| Error::Read {
            path: dir.to_path_buf(),
            message: e.to_string(),
        })?;
        let mut files: Vec<(&'a ParsedFile, bool)> = Vec::new();
        for path in names {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !super::is_config_file(&name) {
                continue;
            }
            if let Some(file) = self.read(&path) {
                files.push((file, super::defs::is_override_file(&name)));
            }
        }
        Ok(Rc::new(ModuleDef::new(
            dir.to_path_buf(),
            files,
            &self.arenas,
        )))
    }

    /// Reads and parses a file into the arena; errors are kept for the report.
    pub fn read(&self, path: &Path) -> Option<&'a ParsedFile> {
        let (source, read) = read_file(self.ctx, path, self.ctx.limits);
        if let Some(source) = source {
            let mut sources = self.sources.borrow_mut();
            if !sources.iter().any(|s| s.path == source.path) {
                sources.push(source);
            }
        }
        match read {
            Read::Parsed(file) => Some(self.arenas.files.alloc(file)),
            Read::Failed(error, outside) => {
                if outside {
                    *self.outside_files.borrow_mut() += 1;
                }
                self.file_errors.borrow_mut().push(error);
                None
            }
        }
    }

    /// Adds the root instance of the module in `dir`.
    pub fn root(&self, dir: &Path) -> Result<InstanceId, Error> {
        let def = self.def(dir)?;
        Ok(self.push(Instance {
            def,
            prefix: String::new(),
            path_module: ".".into(),
            call: None,
            depth: 0,
            chain: vec![dir.to_path_buf()],
            key: String::new(),
            quiet: false,
            variables: RefCell::new(HashMap::new()),
            locals: RefCell::new(HashMap::new()),
            outputs: RefCell::new(HashMap::new()),
            calls: RefCell::new(HashMap::new()),
        }))
    }

    fn push(&self, instance: Instance<'a>) -> InstanceId {
        let mut all = self.instances.borrow_mut();
        all.push(Rc::new(instance));
        all.len() - 1
    }

    pub fn instance(&self, id: InstanceId) -> Rc<Instance<'a>> {
        self.instances.borrow()[id].clone()
    }

    /// A scope over `names`, quiet when its instance is.
    pub fn scope<'n>(&'n self, names: &'n Names<'n, 'a>) -> Scope<'n, 'a> {
        let mut scope = Scope::new(self.ctx, names);
        scope.quiet = names.instance.quiet;
        scope
    }

    /// The names an instance's expressions see.
    pub fn names(&self, id: InstanceId) -> Names<'_, 'a> {
        Names {
            world: self,
            id,
            instance: self.instance(id),
        }
    }

    /// Input variable `name` of instance `id`; `None` when it is not declared.
    pub fn variable(&self, id: InstanceId, name: &str) -> Option<Val> {
        let inst = self.instance(id);
        if let Some(slot) = inst.variables.borrow().get(name) {
            return Some(match slot {
                Slot::Done(v) => v.clone(),
                Slot::Busy => Val::unknown(
                    Type::Dynamic,
                    Span::file_start(inst.def.dir.to_string_lossy().into()),
                ),
            });
        }
        let block = inst
            .def
            .variables
            .iter()
            .find(|b| b.labels.first().is_some_and(|(l, _)| l == name))?
            .clone();
        inst.variables
            .borrow_mut()
            .insert(name.to_string(), Slot::Busy);
        let value = self.compute_variable(id, &inst, &block, name);
        inst.variables
            .borrow_mut()
            .insert(name.to_string(), Slot::Done(value.clone()));
        Some(value)
    }

    fn compute_variable(
        &self,
        id: InstanceId,
        inst: &Instance<'a>,
        block: &BlockRef<'a>,
        name: &str,
    ) -> Val {
        let names = self.names(id);
        let scope = self.scope(&names);
        let unknown = || {
            let mut info = stet_graph::Expr {
                source: format!("var.{name}"),
                text: format!("${{var.{name}}}"),
                references: vec![format!("{}var.{name}", inst.prefix)],
                fallback: None,
            };
            info.references.dedup();
            Val::new(
                Kind::Unknown(Type::Dynamic, Some(Rc::new(info))),
                block.span.clone(),
            )
        };
        let Constraint { ty, defaults } = match block.body.attribute("type") {
            Some(attr) => match constraint(&scope, attr.expr) {
                Ok(c) => c,
                Err(fail) => {
                    self.ctx.report(fail);
                    Constraint {
                        ty: Type::Dynamic,
                        defaults: None,
                    }
                }
            },
            None => Constraint {
                ty: Type::Dynamic,
                defaults: None,
            },
        };
        let nullable = block
            .body
            .attribute("nullable")
            .map(|a| scope.eval_val(a.expr).as_bool() != Some(false))
            .unwrap_or(true);
        let sensitive = block
            .body
            .attribute("sensitive")
            .is_some_and(|a| scope.eval_val(a.expr).as_bool() == Some(true));
        let default = block.body.attribute("default").map(|a| {
            // Defaults are constants: nothing is in scope.
            let empty = super::NoNames;
            let v = Scope::new(self.ctx, &empty).eval_val(a.expr);
            prepare(self.ctx, v, &ty, defaults.as_ref(), inst.quiet)
        });
        let given = match &inst.call {
            Some(site) => site.block.body.attribute(name).map(|attr| {
                let parent = self.names(site.parent);
                let mut pscope = self.scope(&parent);
                pscope.count_index = site.count_index.clone();
                pscope.each = site.each.clone();
                pscope.eval_val(attr.expr)
            }),
            None => self.tfvars.borrow().get(name).cloned(),
        };
        let value = match given {
            Some(v) if v.is_null() && !nullable => default.unwrap_or_else(unknown),
            Some(v) => prepare(self.ctx, v, &ty, defaults.as_ref(), inst.quiet),
            None => match default {
                Some(d) => d,
                None => match ty {
                    Type::Dynamic => unknown(),
                    t => {
                        let mut u = unknown();
                        if let Kind::Unknown(ty, _) = &mut u.kind {
                            *ty = t.without_optional();
                        }
                        u
                    }
                },
            },
        };
        value.marked(sensitive)
    }

    /// Local value `name` of instance `id`; `None` when it is not declared.
    pub fn local(&self, id: InstanceId, name: &str) -> Option<Val> {
        let inst = self.instance(id);
        if let Some(slot) = inst.locals.borrow().get(name) {
            return Some(match slot {
                Slot::Done(v) => v.clone(),
                // A local that refers to itself: Terraform reports a cycle; left unknown.
                Slot::Busy => Val::unknown(Type::Dynamic, Span::file_start("".into())),
            });
        }
        let attr = inst.def.locals.iter().find(|a| a.name == name)?.clone();
        inst.locals
            .borrow_mut()
            .insert(name.to_string(), Slot::Busy);
        let names = self.names(id);
        let value = self.scope(&names).eval_val(attr.expr);
        inst.locals
            .borrow_mut()
            .insert(name.to_string(), Slot::Done(value.clone()));
        Some(value)
    }

    /// Output `name` of instance `id`; `None` when it is not declared.
    pub fn output(&self, id: InstanceId, name: &str) -> Option<Val> {
        let inst = self.instance(id);
        if let Some(slot) = inst.outputs.borrow().get(name) {
            return Some(match slot {
                Slot::Done(v) => v.clone(),
                Slot::Busy => Val::unknown(Type::Dynamic, Span::file_start("".into())),
            });
        }
        let block = inst
            .def
            .outputs
            .iter()
            .find(|b| b.labels.first().is_some_and(|(l, _)| l == name))?
            .clone();
        inst.outputs
            .borrow_mut()
            .insert(name.to_string(), Slot::Busy);
        let names = self.names(id);
        let scope = self.scope(&names);
        let value = match block.body.attribute("value") {
            Some(attr) => scope.eval_val(attr.expr),
            None => Val::null(Type::Dynamic, block.span.clone()),
        };
        let sensitive = block
            .body
            .attribute("sensitive")
            .is_some_and(|a| scope.eval_val(a.expr).as_bool() == Some(true));
        let value = value.marked(sensitive);
        inst.outputs
            .borrow_mut()
            .insert(name.to_string(), Slot::Done(value.clone()));
        Some(value)
    }

    /// Every output of instance `id`, as the object `module.NAME` is.
    fn outputs_object(&self, id: InstanceId, span: &Span) -> Val {
        let inst = self.instance(id);
        let mut entries = Vec::new();
        for block in &inst.def.outputs {
            let Some((name, name_span)) = block.labels.first() else {
                continue;
            };
            if let Some(v) = self.output(id, name) {
                entries.push(Entry {
                    key: name.clone(),
                    key_span: name_span.clone(),
                    value: v,
                });
            }
        }
        Val::object(entries, span.clone())
    }

    /// How module call `name` of instance `id` expands (computed once).
    pub fn expansion(&self, id: InstanceId, name: &str) -> Option<Expansion> {
        let inst = self.instance(id);
        if let Some(e) = inst.calls.borrow().get(name) {
            return Some(e.clone());
        }
        let block = inst
            .def
            .modules
            .iter()
            .find(|b| b.labels.first().is_some_and(|(l, _)| l == name))?
            .clone();
        // Mark the call while it expands, so a count that refers to the module's own
        // outputs gives "unknown" rather than a loop.
        inst.calls.borrow_mut().insert(
            name.to_string(),
            Expansion {
                keyed: None,
                instances: Vec::new(),
                unknown: true,
                meta: None,
                not_followed: Some(None),
            },
        );
        let expansion = self.expand_call(id, &inst, &block, name);
        inst.calls
            .borrow_mut()
            .insert(name.to_string(), expansion.clone());
        Some(expansion)
    }

    fn expand_call(
        &self,
        id: InstanceId,
        inst: &Instance<'a>,
        block: &BlockRef<'a>,
        name: &str,
    ) -> Expansion {
        let names = self.names(id);
        let scope = self.scope(&names);
        let (instances, meta, error) =
            super::expand::instances_with_meta(&scope, block.body, self.ctx.limits.max_instances);
        if let Some(e) = error {
            self.ctx.report_error(e);
        }
        let target = self
            .call_dir(id, inst, block, name)
            .and_then(|dir| self.def(&dir).map(|def| (dir, def)).map_err(Some));
        let (keyed, list, unknown) = match instances {
            super::expand::Instances::Single => {
                (None, vec![(String::new(), None, None, None)], false)
            }
            super::expand::Instances::Counted(n) => (
                Some(false),
                (0..n)
                    .map(|i| {
                        (
                            format!("[{i}]"),
                            None,
                            Some(Val::int(i as i64, block.span.clone())),
                            None,
                        )
                    })
                    .collect(),
                false,
            ),
            super::expand::Instances::Keyed(pairs) => (
                Some(true),
                pairs
                    .into_iter()
                    .map(|(k, kv, v)| {
                        (
                            format!("[{}]", super::quote(&k)),
                            Some(k),
                            None,
                            Some((kv, v)),
                        )
                    })
                    .collect(),
                false,
            ),
            super::expand::Instances::Unknown => {
                let counted = block.body.attribute("count").is_some();
                (
                    Some(!counted),
                    vec![(
                        String::new(),
                        None,
                        counted.then(|| super::unknown_name("count.index", &block.span)),
                        (!counted).then(|| {
                            (
                                super::unknown_name("each.key", &block.span),
                                super::unknown_name("each.value", &block.span),
                            )
                        }),
                    )],
                    true,
                )
            }
        };
        let key = if inst.key.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", inst.key)
        };
        let mut out = Vec::new();
        for (suffix, for_each_key, count_index, each) in list {
            // Instances not known are read once, with `count.index`/`each` unknown, so the
            // module's configuration is still seen (as a resource's is).
            let child = match &target {
                Ok((dir, def)) => {
                    let mut chain = inst.chain.clone();
                    chain.push(dir.clone());
                    let path_module =
                        display_path(&normalize(&super::relative_to(&self.ctx.root_dir, dir)));
                    Some(self.push(Instance {
                        def: def.clone(),
                        prefix: format!("{}module.{name}{suffix}.", inst.prefix),
                        path_module,
                        call: Some(CallSite {
                            parent: id,
                            block: block.clone(),
                            count_index: count_index.clone(),
                            each: each.clone(),
                        }),
                        depth: inst.depth + 1,
                        chain,
                        key: key.clone(),
                        quiet: inst.quiet || unknown,
                        variables: RefCell::new(HashMap::new()),
                        locals: RefCell::new(HashMap::new()),
                        outputs: RefCell::new(HashMap::new()),
                        calls: RefCell::new(HashMap::new()),
                    }))
                }
                _ => None,
            };
            out.push(CallInstance {
                suffix,
                key: for_each_key,
                count_index,
                each,
                child,
            });
        }
        Expansion {
            keyed,
            instances: out,
            unknown,
            meta,
            not_followed: target.err(),
        }
    }

    /// The folder a module call reads: a local path, or a registry/git module that
    /// `terraform init` downloaded (`.terraform/modules/modules.json`). `Err(None)` for a
    /// remote module without a downloaded copy (recorded, not an error).
    fn call_dir(
        &self,
        id: InstanceId,
        inst: &Instance<'a>,
        block: &BlockRef<'a>,
        name: &str,
    ) -> Result<PathBuf, Option<Error>> {
        let Some(source_attr) = block.body.attribute("source") else {
            return Err(None);
        };
        let source_span = source_attr.expr.span();
        // Terraform requires a literal string; a template without interpolations is one.
        let names = self.names(id);
        let source = match self.scope(&names).eval_val(source_attr.expr).as_str() {
            Some(s) => s.to_string(),
            None => return Err(None),
        };
        let local = source.starts_with("./")
            || source.starts_with("../")
            || source == "."
            || source == "..";
        let dir = if local {
            match normalize(&inst.def.dir.join(&source)) {
                d if d.as_os_str().is_empty() => PathBuf::from("."),
                d => d,
            }
        } else {
            let key = if inst.key.is_empty() {
                name.to_string()
            } else {
                format!("{}.{name}", inst.key)
            };
            match &self.manifest {
                Some(manifest) => manifest.resolve(self, &key, &source, block)?,
                None => return Err(None),
            }
        };
        if self.ctx.outside(&dir) {
            return Err(Some(Error::OutsideRoot {
                span: source_span,
                target: if local { source } else { display_path(&dir) },
            }));
        }
        if !self.ctx.files.is_dir(&dir) {
            return Err(Some(Error::ModuleNotFound {
                span: source_span,
                source_path: if local { source } else { display_path(&dir) },
            }));
        }
        if inst.chain.contains(&dir) {
            let chain = inst
                .chain
                .iter()
                .chain([&dir])
                .map(|p| display_path(p))
                .collect::<Vec<_>>()
                .join(" -> ");
            return Err(Some(Error::ModuleCycle {
                span: source_span,
                folder: display_path(&dir),
                chain,
            }));
        }
        if inst.depth + 1 > self.ctx.limits.max_module_depth {
            return Err(Some(Error::ModuleDepth {
                span: source_span,
                limit: self.ctx.limits.max_module_depth,
            }));
        }
        Ok(dir)
    }

    /// The value of `module.NAME` (or of `module.NAME.OUTPUT` when `output` is given and the
    /// call has one instance).
    fn module_value(
        &self,
        id: InstanceId,
        name: &str,
        output: Option<&str>,
        span: &Span,
    ) -> Lookup {
        let Some(expansion) = self.expansion(id, name) else {
            return Lookup::Fail(Fail::static_check(
                span,
                "Reference to undeclared module",
                format!("No module call named {name:?} is declared in this module."),
            ));
        };
        if expansion.unknown || expansion.not_followed.is_some() {
            // Outputs of instances not known are not known either.
            return Lookup::Unknown;
        }
        let children: Vec<(Option<String>, InstanceId)> = expansion
            .instances
            .iter()
            .filter_map(|i| i.child.map(|c| (i.key.clone(), c)))
            .collect();
        match expansion.keyed {
            None => {
                let Some((_, child)) = children.first() else {
                    return Lookup::Unknown;
                };
                match output {
                    Some(out) => match self.output(*child, out) {
                        Some(v) => Lookup::Found(v, 2),
                        None => Lookup::Fail(Fail::new(
                            span,
                            "Unsupported attribute",
                            format!("This object does not have an attribute named {out:?}."),
                        )),
                    },
                    None => Lookup::Found(self.outputs_object(*child, span), 1),
                }
            }
            Some(false) => Lookup::Found(
                Val::tuple(
                    children
                        .iter()
                        .map(|(_, c)| self.outputs_object(*c, span))
                        .collect(),
                    span.clone(),
                ),
                1,
            ),
            Some(true) => Lookup::Found(
                Val::object(
                    children
                        .iter()
                        .map(|(k, c)| Entry {
                            key: k.clone().unwrap_or_default(),
                            key_span: span.clone(),
                            value: self.outputs_object(*c, span),
                        })
                        .collect(),
                    span.clone(),
                ),
                1,
            ),
        }
    }
}

/// A variable's value as Terraform prepares it: `optional()` defaults applied, then
/// converted to the type constraint (a value that does not convert is reported).
fn prepare(
    ctx: &Ctx<'_>,
    v: Val,
    ty: &Type,
    defaults: Option<&super::typeexpr::Defaults>,
    quiet: bool,
) -> Val {
    let v = match defaults {
        Some(d) if !v.is_null() => d.apply(v),
        _ => v,
    };
    let span = v.span.clone();
    match convert(v, ty) {
        Ok(v) => v,
        Err(_) if quiet => Val::unknown(ty.without_optional(), span),
        Err(m) => {
            ctx.report(Fail::new(
                &span,
                "Invalid value for input variable",
                format!("The given value is not suitable for the variable's declared type: {m}."),
            ));
            Val::unknown(ty.without_optional(), span)
        }
    }
}

/// The names one module instance sees.
pub(crate) struct Names<'w, 'a> {
    world: &'w World<'a>,
    id: InstanceId,
    instance: Rc<Instance<'a>>,
}

impl Namespace for Names<'_, '_> {
    fn lookup(&self, root: &str, attrs: &[&str], span: &Span) -> Lookup {
        let first = attrs.first().copied();
        match root {
            "var" => {
                let Some(name) = first else {
                    return Lookup::Fail(Fail::new(span, "Invalid reference", "The \"var\" object cannot be accessed directly. Instead, access one of its attributes."));
                };
                match self.world.variable(self.id, name) {
                    Some(v) => Lookup::Found(v, 1),
                    None => Lookup::Fail(Fail::static_check(
                        span,
                        "Reference to undeclared input variable",
                        format!("An input variable with the name {name:?} has not been declared. This variable can be declared with a variable {name:?} {{}} block."),
                    )),
                }
            }
            "local" => {
                let Some(name) = first else {
                    return Lookup::Fail(Fail::new(span, "Invalid reference", "The \"local\" object cannot be accessed directly. Instead, access one of its attributes."));
                };
                match self.world.local(self.id, name) {
                    Some(v) => Lookup::Found(v, 1),
                    None => Lookup::Fail(Fail::static_check(
                        span,
                        "Reference to undeclared local value",
                        format!("A local value with the name {name:?} has not been declared."),
                    )),
                }
            }
            "module" => {
                let Some(name) = first else {
                    return Lookup::Fail(Fail::new(span, "Invalid reference", "The \"module\" object cannot be accessed directly. Instead, access one of its attributes."));
                };
                self.world
                    .module_value(self.id, name, attrs.get(1).copied(), span)
            }
            _ => Lookup::Unknown,
        }
    }

    fn path_module(&self) -> &str {
        &self.instance.path_module
    }

    fn prefix(&self) -> &str {
        &self.instance.prefix
    }
}
