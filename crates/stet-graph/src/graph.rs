//! [`Graph`]: one document's worth of resources — a CloudFormation template, or a Terraform
//! module folder with the local modules it calls — with its [`SourceFile`]s, [`Edge`]s and
//! [`Settings`].

use crate::{Edge, Resolved, Resource, Span, Value};
use std::sync::Arc;

/// The syntax and dialect of a document or file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// Terraform (`.tf`, `.tf.json`, `.tfvars`).
    Terraform,
    /// A CloudFormation template in JSON.
    CloudFormationJson,
    /// A CloudFormation template in YAML.
    CloudFormationYaml,
    /// A SAM template (CloudFormation with the `AWS::Serverless` transform) in JSON.
    SamJson,
    /// A SAM template in YAML.
    SamYaml,
}

impl Format {
    /// The name used in JSON output and rule metadata: `terraform`, `cloudformation-json`,
    /// `cloudformation-yaml`, `sam-json`, `sam-yaml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Terraform => "terraform",
            Format::CloudFormationJson => "cloudformation-json",
            Format::CloudFormationYaml => "cloudformation-yaml",
            Format::SamJson => "sam-json",
            Format::SamYaml => "sam-yaml",
        }
    }

    /// Whether this is CloudFormation (SAM included).
    pub fn is_cloudformation(self) -> bool {
        !matches!(self, Format::Terraform)
    }
}

/// A file that was read, with its text (kept for snippets in reports).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path as stet reports it.
    pub path: Arc<str>,
    /// The format of the document the file belongs to.
    pub format: Format,
    /// The file's text.
    pub text: Arc<str>,
}

/// A Terraform `required_providers` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderRequirement {
    /// The local name (`aws`).
    pub name: String,
    /// The `source` address (`hashicorp/aws`), if given.
    pub source: Option<Value>,
    /// The `version` constraint, if given (the legacy `aws = "~> 5.0"` string form included).
    pub version: Option<Value>,
    /// The entry.
    pub span: Span,
}

/// A Terraform `moved` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    /// The old address.
    pub from: String,
    /// The new address.
    pub to: String,
    /// The block.
    pub span: Span,
}

/// Module- and template-level settings that are not resources.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Settings {
    /// The first Terraform `terraform` block, where a finding about the module's settings
    /// points.
    pub terraform_block: Option<Span>,
    /// Terraform `required_version` constraints, one per `terraform` block that sets one.
    pub required_version: Vec<Value>,
    /// Terraform `required_providers` entries, from every `terraform` block.
    pub required_providers: Vec<ProviderRequirement>,
    /// The first Terraform `required_providers` block, where a finding about a provider
    /// missing from it points.
    pub required_providers_block: Option<Span>,
    /// Terraform `backend` (a map with `Type` and the block's arguments).
    pub backend: Option<Value>,
    /// Terraform `cloud` block.
    pub cloud: Option<Value>,
    /// Terraform `moved` blocks.
    pub moved: Vec<Moved>,
    /// Terraform `removed` blocks (each a map with `from` and the block's other arguments).
    pub removed: Vec<Value>,
    /// Terraform `import` blocks (each a map with `to`, `id` and the rest).
    pub imports: Vec<Value>,
    /// Terraform `check` blocks (each a map with `Name` and the block's content).
    pub checks: Vec<Value>,
    /// Terraform `locals`, evaluated where known.
    pub locals: Option<Value>,
    /// Where each Terraform local value is written (`name = expression`), in this module and
    /// in the modules it calls: a value read from one is judged in the resource reading it.
    pub local_values: Vec<Span>,
    /// CloudFormation `Transform`.
    pub transform: Option<Value>,
    /// CloudFormation `Conditions`.
    pub conditions: Option<Value>,
    /// CloudFormation `Mappings`.
    pub mappings: Option<Value>,
}

/// One document: a CloudFormation template, or a Terraform module (its folder's files read
/// together, with the resources of the local modules it calls).
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    /// The template file, or the Terraform module folder, as stet reports it.
    pub path: Arc<str>,
    /// The document's format.
    pub format: Format,
    /// Every file read for this document, in reading order.
    pub files: Vec<SourceFile>,
    /// Managed resources, data sources, module calls, variables, outputs, providers.
    pub resources: Vec<Resource>,
    /// References, explicit dependencies and module calls.
    pub edges: Vec<Edge>,
    /// Settings that are not resources.
    pub settings: Settings,
    /// A CloudFormation template as written (short forms turned into long forms). `None`
    /// for Terraform, whose rule document is rendered from the resources.
    pub template: Option<Value>,
    /// A CloudFormation template as it deploys for the parameter values in effect (see
    /// [`Resolved`]); `None` for Terraform and where nothing resolved it.
    pub resolved: Option<Box<Resolved>>,
}

impl Graph {
    /// An empty graph for the document at `path`.
    pub fn new(path: Arc<str>, format: Format) -> Graph {
        Graph {
            path,
            format,
            files: Vec::new(),
            resources: Vec::new(),
            edges: Vec::new(),
            settings: Settings::default(),
            template: None,
            resolved: None,
        }
    }

    /// The resource at `address`.
    pub fn resource(&self, address: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.address == address)
    }

    /// The source file named `path`.
    pub fn file(&self, path: &str) -> Option<&SourceFile> {
        self.files.iter().find(|f| &*f.path == path)
    }
}

impl Graph {
    /// Renames every file this graph names — its path, its files, and the span of every
    /// resource, value, key, edge and setting — with `rename` (called once per distinct
    /// name). Used to show a graph read from a temporary copy (a git revision) under the
    /// paths of the working tree.
    ///
    /// ```
    /// use stet_graph::{Format, Graph};
    /// let mut graph = Graph::new("/tmp/copy/main.tf".into(), Format::Terraform);
    /// graph.rename_files(&mut |p| p.replace("/tmp/copy/", "").into());
    /// assert_eq!(&*graph.path, "main.tf");
    /// ```
    pub fn rename_files(&mut self, rename: &mut dyn FnMut(&str) -> Arc<str>) {
        let mut cache: std::collections::HashMap<Arc<str>, Arc<str>> = Default::default();
        let mut name = |old: &mut Arc<str>| {
            let new = cache
                .entry(old.clone())
                .or_insert_with(|| rename(old))
                .clone();
            *old = new;
        };
        let renamer = &mut name;
        renamer(&mut self.path);
        for file in &mut self.files {
            renamer(&mut file.path);
        }
        for resource in &mut self.resources {
            renamer(&mut resource.span.file);
            rename_value(&mut resource.attributes, renamer);
            rename_map(&mut resource.meta, renamer);
        }
        for edge in &mut self.edges {
            renamer(&mut edge.span.file);
        }
        let settings = &mut self.settings;
        for value in settings
            .required_version
            .iter_mut()
            .chain(settings.removed.iter_mut())
            .chain(settings.imports.iter_mut())
            .chain(settings.checks.iter_mut())
            .chain(settings.backend.iter_mut())
            .chain(settings.cloud.iter_mut())
            .chain(settings.locals.iter_mut())
            .chain(settings.transform.iter_mut())
            .chain(settings.conditions.iter_mut())
            .chain(settings.mappings.iter_mut())
            .chain(self.template.iter_mut())
        {
            rename_value(value, renamer);
        }
        for span in settings
            .terraform_block
            .iter_mut()
            .chain(settings.required_providers_block.iter_mut())
        {
            renamer(&mut span.file);
        }
        for requirement in &mut settings.required_providers {
            renamer(&mut requirement.span.file);
            for value in requirement
                .source
                .iter_mut()
                .chain(requirement.version.iter_mut())
            {
                rename_value(value, renamer);
            }
        }
        for moved in &mut settings.moved {
            renamer(&mut moved.span.file);
        }
        for span in &mut settings.local_values {
            renamer(&mut span.file);
        }
        if let Some(resolved) = &mut self.resolved {
            rename_value(&mut resolved.document, renamer);
            for origin in &mut resolved.origins {
                renamer(&mut origin.used_at.file);
                for input in &mut origin.inputs {
                    if let Some(span) = &mut input.span {
                        renamer(&mut span.file);
                    }
                }
            }
        }
    }
}

impl Value {
    /// Renames every file this value names — its span, its keys' and items' spans, and where
    /// its text came from — with `rename`, as [`Graph::rename_files`] does for a whole graph
    /// (for values kept outside a graph: a change's before and after, a data file).
    ///
    /// ```
    /// use stet_graph::{Span, Value};
    /// let mut value = Value::string("x", Span::file_start("/tmp/copy/a.yaml".into()));
    /// value.defined_at = Some(Box::new(Span::file_start("/tmp/copy/b.tfvars".into())));
    /// value.rename_files(&mut |p| p.replace("/tmp/copy/", "").into());
    /// assert_eq!(&*value.span.file, "a.yaml");
    /// assert_eq!(value.written_at().file.as_ref(), "b.tfvars"); // where it was written, too
    /// ```
    pub fn rename_files(&mut self, rename: &mut dyn FnMut(&str) -> Arc<str>) {
        rename_value(self, &mut |old: &mut Arc<str>| *old = rename(old));
    }
}

fn rename_value(value: &mut Value, rename: &mut dyn FnMut(&mut Arc<str>)) {
    rename(&mut value.span.file);
    if let Some(defined) = value.defined_at.as_deref_mut() {
        rename(&mut defined.file);
    }
    match value.text_origin.as_deref_mut() {
        Some(crate::TextOrigin::Written(pieces)) => {
            pieces.iter_mut().for_each(|p| rename(&mut p.span.file));
        }
        Some(crate::TextOrigin::Encoding(source)) => rename_value(source, rename),
        None => {}
    }
    match &mut value.kind {
        crate::ValueKind::List(items) => items.iter_mut().for_each(|i| rename_value(i, rename)),
        crate::ValueKind::Map(map) => rename_map(map, rename),
        _ => {}
    }
}

fn rename_map(map: &mut crate::Map, rename: &mut dyn FnMut(&mut Arc<str>)) {
    for entry in map.iter_mut() {
        rename(&mut entry.key_span.file);
        rename_value(entry.value, rename);
    }
}
