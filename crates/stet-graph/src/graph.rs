//! [`Graph`]: one document's worth of resources — a CloudFormation template, or a Terraform
//! module folder with the local modules it calls — with its [`SourceFile`]s, [`Edge`]s and
//! [`Settings`].

use crate::{Edge, Resource, Span, Value};
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
    /// Terraform `required_version` constraints, one per `terraform` block that sets one.
    pub required_version: Vec<Value>,
    /// Terraform `required_providers` entries, from every `terraform` block.
    pub required_providers: Vec<ProviderRequirement>,
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
