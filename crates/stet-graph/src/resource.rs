//! Resources and the edges between them: what both parsers put into a [`crate::Graph`].

use crate::{Map, Span, Value};

/// The meta key under which the Terraform loader records the types of a resource's
/// dynamically typed arguments (`terraform_data`'s `input`, `triggers_replace`), as type
/// constraints (`tuple([string])`, `list(string)`): Terraform sees a change of type there as
/// a change, which the untyped value tree cannot show. Not part of the rule document.
pub const DYNAMIC_TYPES: &str = "DynamicTypes";

/// What a [`Resource`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourceKind {
    /// A managed resource: Terraform `resource`, a CloudFormation `Resources` entry.
    Managed,
    /// A Terraform `data` source.
    Data,
    /// A Terraform `module` call.
    Module,
    /// A Terraform `variable` or a CloudFormation parameter.
    Variable,
    /// A Terraform `output` or a CloudFormation output.
    Output,
    /// A Terraform `provider` configuration.
    Provider,
}

impl ResourceKind {
    /// The name used in JSON output: `managed`, `data`, `module`, `variable`, `output`,
    /// `provider`.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::Managed => "managed",
            ResourceKind::Data => "data",
            ResourceKind::Module => "module",
            ResourceKind::Variable => "variable",
            ResourceKind::Output => "output",
            ResourceKind::Provider => "provider",
        }
    }
}

/// One resource (or data source, module call, variable, output, provider) of a graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// The address: `aws_instance.web`, `module.app.aws_instance.web[0]`,
    /// `data.aws_ami.ubuntu`, `module.vpc`, `var.region`; a CloudFormation logical ID.
    pub address: String,
    /// The address without a `count`/`for_each` instance key (`aws_instance.web` for
    /// `aws_instance.web[0]`).
    pub base_address: String,
    /// What kind of thing this is.
    pub kind: ResourceKind,
    /// The type: `aws_instance`, `AWS::EC2::Instance`; `module` for module calls, `variable`,
    /// `output`, or the provider's name.
    pub resource_type: String,
    /// The name in its block (Terraform) or the logical ID (CloudFormation).
    pub name: String,
    /// The module path it lives in (`module.app`), empty in the root module and in
    /// CloudFormation.
    pub module: String,
    /// Its configuration: Terraform arguments and nested blocks (blocks as lists of maps),
    /// CloudFormation `Properties`.
    pub attributes: Value,
    /// Meta-arguments: Terraform `lifecycle`, `count`, `for_each`, `depends_on`, `provider`,
    /// `provisioner`, `connection`; CloudFormation `DeletionPolicy`, `UpdateReplacePolicy`,
    /// `UpdatePolicy`, `CreationPolicy`, `Condition`, `Metadata`, `DependsOn`.
    pub meta: Map,
    /// The whole resource block or entry.
    pub span: Span,
}

/// Why one resource points at another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EdgeKind {
    /// An expression refers to the target (Terraform traversal; CloudFormation `Ref`,
    /// `Fn::GetAtt`, a `Fn::Sub` variable).
    Reference,
    /// An explicit ordering: Terraform `depends_on`, CloudFormation `DependsOn`.
    DependsOn,
    /// A module call includes the target module's resources.
    ModuleCall,
}

impl EdgeKind {
    /// The name used in JSON output: `reference`, `depends_on`, `module_call`.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Reference => "reference",
            EdgeKind::DependsOn => "depends_on",
            EdgeKind::ModuleCall => "module_call",
        }
    }
}

/// A directed edge between two addresses of the same graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Edge {
    /// The address that refers.
    pub from: String,
    /// The address referred to (a resource, data source, module call or variable).
    pub to: String,
    /// Why.
    pub kind: EdgeKind,
    /// Where the reference is written.
    pub span: Span,
}
