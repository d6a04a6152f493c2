//! Resolution: a template as CloudFormation sees it for one set of parameter values.
//! `Ref` to parameters and pseudo parameters, `Fn::FindInMap`, `Conditions`, `Fn::If` and
//! `AWS::NoValue`, `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::Cidr`,
//! `Fn::ToJsonString`, `Fn::Length` and `Fn::ForEach` are evaluated where their inputs are
//! known; resources and outputs whose condition is false are left out. A resource's `Ref` or
//! `Fn::GetAtt`, a pseudo parameter or parameter without a value, `Fn::GetAZs` and
//! `Fn::ImportValue` stay unknown ([`symbolic`]): nothing is guessed. Every computed value
//! records the inputs it came from (parameter defaults, parameter-file entries, mapping
//! entries, conditions). Finding parameter values (files, flags) is the caller's job;
//! checking them against their declarations is [`parameters`]'.

mod conditions;
mod foreach;
mod functions;
mod parameters;
pub(crate) mod symbolic;

use crate::Error;
use std::collections::{HashMap, HashSet};
use stet_graph::{Input, Map, Origin, Resolved, Span, Value, ValueKind};

pub use parameters::ParameterValue;

/// The pseudo parameters CloudFormation defines.
pub const PSEUDO_PARAMETERS: &[&str] = &[
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

/// The resource attributes whose values are resolved (the others — `Type`, `Condition`,
/// `DependsOn` — are names, kept as written).
const RESOLVED_ATTRIBUTES: &[&str] = &[
    "Properties",
    "Metadata",
    "UpdatePolicy",
    "CreationPolicy",
    "DeletionPolicy",
    "UpdateReplacePolicy",
];

/// How much work one template's resolution may do (expanded `Fn::ForEach` items, resolved
/// values), so a hostile template cannot make it run away.
const BUDGET: usize = 2_000_000;

/// A template resolved for one set of parameter values, and what was wrong on the way
/// (undefined references, parameter values that break their declarations).
#[derive(Debug, Clone)]
pub struct Resolution {
    /// The resolved template and where its computed values came from.
    pub resolved: Resolved,
    /// Problems found (all warnings: resolution never stops a template from being read).
    pub problems: Vec<Error>,
}

/// Resolves template `root` (long-form intrinsic functions, as the parser produces it) with
/// `values`: parameter values in increasing precedence (a later value for the same name
/// wins), including pseudo parameters such as `AWS::Region`.
///
/// ```
/// use stet_cloudformation::{parse_template, resolve_template};
/// let text = "Parameters:\n  Tag:\n    Type: String\n    Default: latest\nResources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Image: !Sub 'repo/app:${Tag}'\n";
/// let parsed = parse_template("t.yaml".into(), text, &Default::default()).unwrap().unwrap();
/// let resolution = resolve_template(parsed.graph.template.as_ref().unwrap(), &[]);
/// let document = resolution.resolved.document.to_json();
/// assert_eq!(document["Resources"]["Task"]["Properties"]["ContainerDefinitions"][0]["Image"], "repo/app:latest");
/// ```
pub fn resolve_template(root: &Value, values: &[ParameterValue]) -> Resolution {
    let mut resolver = Resolver::new(root, values);
    let document = resolver.document(root);
    Resolution {
        resolved: Resolved {
            document,
            origins: resolver.origins,
        },
        problems: resolver.problems,
    }
}

/// Which resources of `root` another tool makes before deployment.
fn made_elsewhere(root: &Value) -> MadeElsewhere {
    let resources = root.get("Resources").and_then(Value::as_map);
    let types = || {
        resources
            .into_iter()
            .flat_map(|r| r.iter())
            .filter_map(|e| e.value.get("Type"))
    };
    let transforms: Vec<String> = match root.get("Transform").map(|t| &t.kind) {
        Some(ValueKind::String(s)) => vec![s.clone()],
        Some(ValueKind::List(items)) => {
            items.iter().filter_map(|i| i.to_display_string()).collect()
        }
        Some(_) => vec!["(a macro)".to_string()],
        None => Vec::new(),
    };
    let macro_in_use = transforms
        .iter()
        .any(|t| t != "AWS::Serverless-2016-10-31" && t != "AWS::LanguageExtensions");
    let modules = types().any(|t| match &t.kind {
        ValueKind::String(s) => s.ends_with("::MODULE"),
        _ => true,
    }) || root.get("Modules").is_some()
        || root.get("Rain").is_some();
    if macro_in_use || modules {
        return MadeElsewhere::Anything;
    }
    let sam: Vec<String> = resources
        .into_iter()
        .flat_map(|r| r.iter())
        .filter(|e| {
            e.value
                .get("Type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.starts_with("AWS::Serverless::"))
        })
        .map(|e| e.key.clone())
        .collect();
    if sam.is_empty() && !transforms.iter().any(|t| t == "AWS::Serverless-2016-10-31") {
        MadeElsewhere::Nothing
    } else {
        MadeElsewhere::Sam(sam)
    }
}

/// The inputs a value was computed from.
pub(crate) type Inputs = Vec<Input>;

/// Adds `more` to `inputs`, each input once.
pub(crate) fn join(inputs: &mut Inputs, more: Inputs) {
    for input in more {
        if !inputs.contains(&input) {
            inputs.push(input);
        }
    }
}

/// A declared parameter and the value in effect.
pub(crate) struct Parameter {
    /// `String`, `Number`, `List<Number>`, `CommaDelimitedList`, `AWS::SSM::Parameter::Value<…>`, …
    pub(crate) kind: String,
    /// Whether the value is a secret (`NoEcho: true`).
    pub(crate) no_echo: bool,
    /// The value in effect and where it comes from, if there is one.
    pub(crate) value: Option<(String, Input)>,
}

/// The state of one template's resolution.
pub(crate) struct Resolver<'t> {
    pub(crate) parameters: HashMap<String, Parameter>,
    pub(crate) pseudo: HashMap<String, (String, Input)>,
    pub(crate) mappings: Option<&'t Map>,
    pub(crate) condition_definitions: Option<&'t Map>,
    pub(crate) conditions: HashMap<String, (Option<bool>, Inputs)>,
    pub(crate) evaluating: Vec<String>,
    pub(crate) resources: HashSet<String>,
    pub(crate) problems: Vec<Error>,
    pub(crate) warned: HashSet<(String, usize)>,
    pub(crate) origins: Vec<Origin>,
    pub(crate) budget: usize,
    /// Logical IDs other tools add before deployment: the SAM transform (resources named
    /// after a SAM resource, `ServerlessRestApi`), or any name at all when modules, rain
    /// directives or other macros make resources stet does not see.
    pub(crate) made_elsewhere: MadeElsewhere,
}

/// Which names of resources another tool makes (see [`Resolver::is_resource`]).
pub(crate) enum MadeElsewhere {
    /// None: every resource is written in the template.
    Nothing,
    /// The SAM transform's: names starting with a SAM resource's logical ID or `Serverless`.
    Sam(Vec<String>),
    /// Any: a module, a pre-processor directive or another macro writes resources.
    Anything,
}

impl<'t> Resolver<'t> {
    fn new(root: &'t Value, values: &[ParameterValue]) -> Resolver<'t> {
        let section = |name: &str| root.get(name).and_then(Value::as_map);
        let mut resolver = Resolver {
            parameters: HashMap::new(),
            pseudo: HashMap::new(),
            mappings: section("Mappings"),
            condition_definitions: section("Conditions"),
            conditions: HashMap::new(),
            evaluating: Vec::new(),
            resources: HashSet::new(),
            problems: Vec::new(),
            warned: HashSet::new(),
            origins: Vec::new(),
            budget: BUDGET,
            made_elsewhere: made_elsewhere(root),
        };
        resolver.declare_parameters(section("Parameters"), values);
        if let Some(resources) = section("Resources") {
            for entry in resources.iter() {
                if !entry.key.starts_with("Fn::ForEach::") {
                    resolver.resources.insert(entry.key.clone());
                }
            }
        }
        resolver
    }

    /// The resolved document: the template with its sections resolved.
    fn document(&mut self, root: &Value) -> Value {
        let Some(map) = root.as_map() else {
            return root.clone();
        };
        // Resources made by `Fn::ForEach` loops are known before anything refers to them.
        let resources = map
            .get("Resources")
            .and_then(Value::as_map)
            .map(|r| self.expand_loops(r));
        if let Some(resources) = &resources {
            for entry in resources.iter() {
                self.resources.insert(entry.key.clone());
            }
        }
        let mut out = Map::new();
        for entry in map.iter() {
            let value = match entry.key.as_str() {
                "Conditions" => self.conditions_section(&entry.value),
                "Resources" => match &resources {
                    Some(r) => self.resources_section(r, &entry.value.span),
                    None => entry.value.clone(),
                },
                // SAM's `Globals` hold property values for the resources the transform
                // reads them into.
                "Globals" => self
                    .value(&entry.value)
                    .0
                    .unwrap_or_else(|| entry.value.clone()),
                "Outputs" => match entry.value.as_map() {
                    Some(outputs) => {
                        let outputs = self.expand_loops(outputs);
                        self.outputs_section(&outputs, &entry.value.span)
                    }
                    None => entry.value.clone(),
                },
                _ => entry.value.clone(),
            };
            out.insert(entry.key.clone(), entry.key_span.clone(), value);
        }
        Value::new(ValueKind::Map(out), root.span.clone())
    }

    fn conditions_section(&mut self, section: &Value) -> Value {
        let Some(map) = section.as_map() else {
            return section.clone();
        };
        let map = self.expand_loops(map);
        let mut out = Map::new();
        for entry in map.iter() {
            let (value, _) = self.condition(&entry.key, &entry.key_span);
            let value = match value {
                Some(b) => Value::new(ValueKind::Bool(b), entry.value.span.clone()),
                None => symbolic::opaque(
                    "Condition",
                    &Value::string(entry.key.clone(), entry.value.span.clone()),
                    &entry.value.span,
                ),
            };
            out.insert(entry.key.clone(), entry.key_span.clone(), value);
        }
        Value::new(ValueKind::Map(out), section.span.clone())
    }

    fn resources_section(&mut self, resources: &Map, span: &Span) -> Value {
        let mut out = Map::new();
        for entry in resources.iter() {
            let Some(body) = entry.value.as_map() else {
                out.insert(
                    entry.key.clone(),
                    entry.key_span.clone(),
                    entry.value.clone(),
                );
                continue;
            };
            if !self.included(body) {
                continue;
            }
            let mut resolved = Map::new();
            for attribute in body.iter() {
                let value = if RESOLVED_ATTRIBUTES.contains(&attribute.key.as_str()) {
                    match self.value(&attribute.value).0 {
                        Some(v) => v,
                        None => continue,
                    }
                } else {
                    attribute.value.clone()
                };
                resolved.insert(attribute.key.clone(), attribute.key_span.clone(), value);
            }
            out.insert(
                entry.key.clone(),
                entry.key_span.clone(),
                Value::new(ValueKind::Map(resolved), entry.value.span.clone()),
            );
        }
        Value::new(ValueKind::Map(out), span.clone())
    }

    fn outputs_section(&mut self, outputs: &Map, span: &Span) -> Value {
        let mut out = Map::new();
        for entry in outputs.iter() {
            match entry.value.as_map() {
                Some(body) if !self.included(body) => continue,
                _ => {}
            }
            if let Some(value) = self.value(&entry.value).0 {
                out.insert(entry.key.clone(), entry.key_span.clone(), value);
            }
        }
        Value::new(ValueKind::Map(out), span.clone())
    }

    /// Whether a resource or output is part of the stack: it has no `Condition`, or its
    /// condition is true or unknown. The condition's inputs are recorded at the `Condition`.
    fn included(&mut self, body: &Map) -> bool {
        let Some(condition) = body.get("Condition") else {
            return true;
        };
        let Some(name) = condition.as_str() else {
            return true;
        };
        let (value, inputs) = self.condition(name, &condition.span);
        if !inputs.is_empty() {
            self.origins.push(Origin {
                used_at: condition.span.clone(),
                inputs,
            });
        }
        value != Some(false)
    }

    /// Whether `name` is a resource: written in the template, or made by a tool before
    /// deployment.
    pub(crate) fn is_resource(&self, name: &str) -> bool {
        self.resources.contains(name)
            || match &self.made_elsewhere {
                MadeElsewhere::Nothing => false,
                MadeElsewhere::Anything => true,
                MadeElsewhere::Sam(prefixes) => {
                    name.starts_with("Serverless")
                        || prefixes.iter().any(|p| name.starts_with(p.as_str()))
                }
            }
    }

    /// Records that the value at `span` came from `inputs`.
    pub(crate) fn record(&mut self, span: &Span, inputs: &Inputs) {
        if !inputs.is_empty() {
            self.origins.push(Origin {
                used_at: span.clone(),
                inputs: inputs.clone(),
            });
        }
    }

    /// A warning at `span`, once per message and place.
    pub(crate) fn warn(&mut self, span: &Span, message: String) {
        if self.warned.insert((message.clone(), span.start.offset)) {
            self.problems.push(Error::Reference {
                span: span.clone(),
                message,
            });
        }
    }

    /// Spends one unit of the work budget; `false` once it is spent.
    pub(crate) fn spend(&mut self, units: usize) -> bool {
        self.budget = self.budget.saturating_sub(units);
        self.budget > 0
    }

    /// Resolves one value: `None` when it is `AWS::NoValue` (the key or element goes away),
    /// with the inputs it used.
    pub(crate) fn value(&mut self, value: &Value) -> (Option<Value>, Inputs) {
        if !self.spend(1) {
            return (Some(value.clone()), Vec::new());
        }
        match &value.kind {
            ValueKind::Map(map) => {
                if map.len() == 1 {
                    if let Some(entry) = map.iter().next() {
                        if functions::is_function(&entry.key) {
                            return self.function(&entry.key, &entry.value, &value.span);
                        }
                    }
                }
                let map = self.expand_loops(map);
                let mut out = Map::new();
                let mut inputs = Vec::new();
                for entry in map.iter() {
                    let (resolved, used) = self.value(&entry.value);
                    join(&mut inputs, used);
                    if let Some(v) = resolved {
                        out.insert(entry.key.clone(), entry.key_span.clone(), v);
                    }
                }
                (
                    Some(Value::new(ValueKind::Map(out), value.span.clone())),
                    inputs,
                )
            }
            ValueKind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut inputs = Vec::new();
                for item in items {
                    let (resolved, used) = self.value(item);
                    join(&mut inputs, used);
                    out.extend(resolved);
                }
                (
                    Some(Value::new(ValueKind::List(out), value.span.clone())),
                    inputs,
                )
            }
            _ => (Some(value.clone()), Vec::new()),
        }
    }
}

#[cfg(test)]
mod tests;
