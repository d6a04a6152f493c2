//! Reading a Terraform module folder into a [`Graph`]: its files read together (override
//! files merged), variables, locals and outputs evaluated on demand across every module
//! instance ([`world`]), `count`/`for_each` expanded ([`expand`]), local module calls and
//! modules that `terraform init` downloaded ([`remote`]) followed under `module.NAME.`
//! addresses, and the `terraform`, `provider`, `moved`, `removed`, `import` and `check`
//! blocks recorded. Evaluating expressions is `eval`'s job; reading files is `source`'s.
//!
//! One file per part of the load: [`files`] (which files, `.tfvars`), [`defs`] (a folder's
//! blocks, override files merged), [`world`] (module instances and their values),
//! [`blocks`] (blocks into resources), [`calls`] (module calls), [`body`] (a block's body),
//! [`settings`] (the `terraform` block and the module-wide blocks), [`edges`] (the graph's
//! edges).

mod blocks;
mod body;
mod calls;
mod defs;
mod edges;
mod expand;
mod files;
mod remote;
mod settings;
mod typeexpr;
mod world;

pub(crate) use blocks::{quote, unknown_name};
pub use files::{is_config_file, is_vars_file};

use crate::eval::{Ctx, Lookup, Namespace, Scope};
use crate::source::{display_path, normalize};
use crate::{Error, FileSource};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use stet_graph::{Format, Graph, Limits, Span};
use typed_arena::Arena;
use world::World;

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
    let root = root_dir(dir);
    let ctx = Ctx::new(
        &options.limits,
        files,
        root.clone(),
        options.confine.clone(),
    );
    let file_arena = Arena::new();
    let body_arena = Arena::new();
    let (manifest, manifest_error) = match remote::Manifest::read(&ctx, &root) {
        Ok(m) => (m, None),
        Err(e) => (None, Some(e)),
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
        errors: manifest_error.into_iter().collect(),
        remote_calls: Vec::new(),
    };
    let parsed_files = loader.read_root(&root);
    if !has_manifest {
        loader.note_remote_calls_not_read();
    }
    let (graph, errors) = loader.finish();
    let outside_files = *world.outside_files.borrow();
    Module {
        graph,
        parsed_files,
        outside_files,
        errors,
    }
}

/// The folder `dir` names, normalised (`.` normalises to the empty path, which names no
/// folder to read).
fn root_dir(dir: &Path) -> PathBuf {
    match normalize(dir) {
        root if root.as_os_str().is_empty() => PathBuf::from("."),
        root => root,
    }
}

/// What a load gathers: the graph, and the errors met outside evaluation.
struct Loader<'w, 'a> {
    world: &'w World<'a>,
    graph: Graph,
    errors: Vec<Error>,
    /// Where the registry and git module calls that were not read are.
    remote_calls: Vec<Span>,
}

impl<'w, 'a> Loader<'w, 'a> {
    /// Reads the root module in `root`: its `.tfvars` files, settings and blocks, and the
    /// modules it calls; how many of its own configuration files parsed.
    fn read_root(&mut self, root: &Path) -> usize {
        match self.world.root(root) {
            Ok(id) => {
                self.tfvars(root);
                let def = self.world.instance(id).def.clone();
                self.errors.extend(def.structure_errors.iter().cloned());
                self.settings(id);
                self.walk(id);
                def.parsed_files
            }
            Err(e) => {
                self.errors.push(e);
                0
            }
        }
    }

    /// One warning for the registry and git module calls that were not read (no
    /// `modules.json` says where `terraform init` put them), at the first.
    fn note_remote_calls_not_read(&mut self) {
        if let Some(first) = self.remote_calls.first() {
            self.errors.push(Error::RemoteModulesNotRead {
                span: first.clone(),
                count: self.remote_calls.len(),
            });
        }
    }

    /// The finished graph — its files, edges and local values — and every error, in the
    /// order met: reading files, loading, evaluating.
    fn finish(self) -> (Graph, Vec<Error>) {
        let Loader {
            world,
            mut graph,
            errors,
            ..
        } = self;
        let mut all_errors = world.file_errors.take();
        all_errors.extend(errors);
        all_errors.extend(world.ctx.diagnostics.take());
        graph.files = world.sources.take();
        graph.edges = edges::edges(&graph.resources);
        // Every instance of a module walks the same locals.
        graph.settings.local_values.sort();
        graph.settings.local_values.dedup();
        (graph, all_errors)
    }

    fn scope<'n>(&self, names: &'n world::Names<'w, 'a>) -> Scope<'n, 'a>
    where
        'w: 'n,
    {
        self.world.scope(names)
    }
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
