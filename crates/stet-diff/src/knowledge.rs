//! The replacement knowledge base: which attributes force a replacement, for the Terraform
//! AWS provider and for CloudFormation, read from the data files in `replacement/`
//! (generated from `../shared/kb` by `scripts/generate-replacement-kb.py`, plus the
//! hand-written `overlay.json`) and embedded in the binary. [`KnowledgeBase::classify`]
//! turns one [`Difference`] into a [`Fact`]: a [`Replacement`] and the reason, naming the
//! source of the fact.

use crate::change::{Replacement, Scope};
use crate::compare::{key_path, star_path, Difference, Segment};
use crate::terraform::{Builtin, Schemas};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;
use stet_graph::{Value, ValueKind};

const TERRAFORM_AWS: &str = include_str!("../replacement/terraform-aws.json");
const CLOUDFORMATION: &str = include_str!("../replacement/cloudformation.json");
const OVERLAY: &str = include_str!("../replacement/overlay.json");

/// Which family of formats a resource comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Terraform.
    Terraform,
    /// CloudFormation and SAM.
    CloudFormation,
}

impl Family {
    fn as_str(self) -> &'static str {
        match self {
            Family::Terraform => "terraform",
            Family::CloudFormation => "cloudformation",
        }
    }
}

/// What the knowledge base says about one change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// Whether it replaces.
    pub replacement: Replacement,
    /// Why, naming the source.
    pub reason: String,
    /// A documentation link (overlay entries).
    pub docs: Option<String>,
}

impl Fact {
    fn new(replacement: Replacement, reason: String) -> Fact {
        Fact {
            replacement,
            reason,
            docs: None,
        }
    }
}

/// The resource a difference belongs to.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// Terraform or CloudFormation.
    pub family: Family,
    /// The resource type.
    pub resource_type: &'a str,
    /// The resource's attributes after the change (for overlay conditions), when it exists.
    pub attributes: Option<&'a Value>,
}

#[derive(Debug, Deserialize)]
struct TerraformFile {
    source: TerraformSource,
    resources: HashMap<String, TerraformResource>,
}

#[derive(Debug, Deserialize)]
struct TerraformSource {
    provider_version: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TerraformResource {
    implementation: String,
    #[serde(default)]
    force_new: Vec<String>,
    #[serde(default)]
    conditional: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    no_update: bool,
    #[serde(default)]
    unresolved_conditional: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct CloudFormationFile {
    source: CloudFormationSources,
    resources: HashMap<String, CloudFormationResource>,
}

#[derive(Debug, Deserialize)]
struct CloudFormationSources {
    registry: RegistrySource,
    legacy: LegacySource,
}

#[derive(Debug, Deserialize)]
struct RegistrySource {
    package: String,
    schema_date: String,
}

#[derive(Debug, Deserialize)]
struct LegacySource {
    specification_version: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CloudFormationResource {
    source: String,
    #[serde(default)]
    create_only: Vec<String>,
    #[serde(default)]
    conditional_create_only: Vec<String>,
    #[serde(default)]
    conditional_create_only_but_immutable: Vec<String>,
    #[serde(default)]
    no_update_handler: bool,
    #[serde(default)]
    custom_name: Option<String>,
    #[serde(default)]
    immutable: Vec<String>,
    #[serde(default)]
    conditional: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct OverlayFile {
    entries: Vec<OverlayEntry>,
    #[serde(default)]
    terraform_custom_names: CustomNames,
}

#[derive(Debug, Default, Deserialize)]
struct CustomNames {
    #[serde(default)]
    attributes: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct OverlayEntry {
    format: String,
    #[serde(rename = "type")]
    resource_type: String,
    scope: String,
    path: String,
    replacement: String,
    #[serde(default)]
    when: Option<Condition>,
    reason: String,
    docs: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Condition {
    attribute: String,
    equals: serde_json::Value,
    then: String,
    otherwise: String,
}

/// The replacement knowledge base.
#[derive(Debug)]
pub struct KnowledgeBase {
    terraform: TerraformFile,
    cloudformation: CloudFormationFile,
    overlay: Vec<OverlayEntry>,
    terraform_names: Vec<String>,
}

/// An embedded data file that does not parse: a build defect, reported rather than hidden.
#[derive(Debug, thiserror::Error)]
#[error("the embedded replacement knowledge base `{file}` is invalid: {source}")]
pub struct KnowledgeError {
    file: &'static str,
    source: serde_json::Error,
}

impl KnowledgeBase {
    /// The knowledge base embedded in the binary, read once.
    ///
    /// ```
    /// use stet_diff::{KnowledgeBase, Family, Subject};
    /// let kb = KnowledgeBase::embedded().unwrap();
    /// assert!(kb.knows(Family::Terraform, "aws_instance"));
    /// assert!(!kb.knows(Family::Terraform, "google_compute_instance"));
    /// ```
    pub fn embedded() -> Result<&'static KnowledgeBase, &'static KnowledgeError> {
        static KB: OnceLock<Result<KnowledgeBase, KnowledgeError>> = OnceLock::new();
        KB.get_or_init(|| KnowledgeBase::parse(TERRAFORM_AWS, CLOUDFORMATION, OVERLAY))
            .as_ref()
    }

    fn parse(
        terraform: &str,
        cloudformation: &str,
        overlay: &str,
    ) -> Result<KnowledgeBase, KnowledgeError> {
        fn read<T: serde::de::DeserializeOwned>(
            file: &'static str,
            text: &str,
        ) -> Result<T, KnowledgeError> {
            serde_json::from_str(text).map_err(|source| KnowledgeError { file, source })
        }
        let overlay: OverlayFile = read("overlay.json", overlay)?;
        Ok(KnowledgeBase {
            terraform: read("terraform-aws.json", terraform)?,
            cloudformation: read("cloudformation.json", cloudformation)?,
            overlay: overlay.entries,
            terraform_names: overlay.terraform_custom_names.attributes,
        })
    }

    /// Whether the knowledge base has data for this resource type.
    pub fn knows(&self, family: Family, resource_type: &str) -> bool {
        match family {
            Family::Terraform => self.terraform.resources.contains_key(resource_type),
            Family::CloudFormation => self.cloudformation.resources.contains_key(resource_type),
        }
    }

    /// The argument or property that gives a resource of this type a fixed physical name
    /// (`BucketName`, `name`), when `attributes` sets one.
    ///
    /// ```
    /// use stet_diff::{Family, KnowledgeBase};
    /// let kb = KnowledgeBase::embedded().unwrap();
    /// let span = stet_graph::Span::file_start("t".into());
    /// let mut map = stet_graph::Map::new();
    /// map.insert("BucketName", span.clone(), stet_graph::Value::string("logs", span.clone()));
    /// let properties = stet_graph::Value::new(stet_graph::ValueKind::Map(map), span);
    /// assert_eq!(kb.custom_name(Family::CloudFormation, "AWS::S3::Bucket", &properties), Some("BucketName"));
    /// ```
    pub fn custom_name<'a>(
        &'a self,
        family: Family,
        resource_type: &str,
        attributes: &Value,
    ) -> Option<&'a str> {
        // An expression that may give null (`var.use_prefix ? null : var.name`) is not a fixed
        // name.
        let set = |key: &str| {
            attributes.get(key).is_some_and(|v| match &v.kind {
                ValueKind::Null => false,
                ValueKind::Expr(e) => !e.source.contains('?') && !e.source.contains("null"),
                _ => true,
            })
        };
        match family {
            Family::CloudFormation => self
                .cloudformation
                .resources
                .get(resource_type)?
                .custom_name
                .as_deref()
                .filter(|p| set(p)),
            Family::Terraform => self
                .terraform_names
                .iter()
                .map(String::as_str)
                .find(|a| set(a)),
        }
    }

    /// The Terraform AWS provider version the Terraform data was taken from.
    pub fn provider_version(&self) -> &str {
        &self.terraform.source.provider_version
    }

    /// What a change replaces: the overlay first, then the generated data.
    pub fn classify(&self, subject: &Subject<'_>, scope: Scope, diff: &Difference) -> Fact {
        if let Some(fact) = self.overlay_fact(subject, scope, &diff.path) {
            return fact;
        }
        if scope == Scope::Meta {
            return Fact::new(
                Replacement::Never,
                format!(
                    "`{}` does not change the remote object",
                    key_path(&diff.path)
                ),
            );
        }
        match subject.family {
            Family::Terraform => self.terraform_fact(subject.resource_type, diff),
            Family::CloudFormation => self.cloudformation_fact(subject.resource_type, diff),
        }
    }

    /// The most specific overlay entry for this change (exact type over a wildcard, longer
    /// path over a shorter one), evaluated.
    fn overlay_fact(&self, subject: &Subject<'_>, scope: Scope, path: &[Segment]) -> Option<Fact> {
        let keys = key_path(path);
        let entry = self
            .overlay
            .iter()
            .filter(|e| e.format == subject.family.as_str() && e.scope == scope.as_str())
            .filter(|e| type_matches(&e.resource_type, subject.resource_type))
            .filter(|e| e.path == "*" || is_at_or_under(&keys, &e.path))
            .max_by_key(|e| {
                (
                    !e.resource_type.ends_with('*'),
                    if e.path == "*" { 0 } else { e.path.len() },
                )
            })?;
        let replacement = match (entry.replacement.as_str(), &entry.when) {
            ("when", Some(condition)) => condition_outcome(condition, subject.attributes),
            (name, _) => Replacement::parse(name).unwrap_or(Replacement::Unknown),
        };
        Some(Fact {
            replacement,
            reason: entry.reason.clone(),
            docs: Some(entry.docs.clone()),
        })
    }

    fn terraform_fact(&self, resource_type: &str, diff: &Difference) -> Fact {
        let version = &self.terraform.source.provider_version;
        let Some(resource) = self.terraform.resources.get(resource_type) else {
            if resource_type == "module" {
                return Fact::new(
                    Replacement::Unknown,
                    "a registry or git module that stet did not read (run `terraform init` to download it): what the change does to its resources is not known".into(),
                );
            }
            if let Some(builtin) = Schemas::embedded().builtin(resource_type) {
                return builtin_fact(resource_type, builtin, diff);
            }
            let why = if resource_type.starts_with("aws_") {
                format!(
                    "{resource_type} is not in the Terraform AWS provider data (provider {version})"
                )
            } else {
                format!("the knowledge base covers the Terraform AWS provider, terraform_data and the null, random, time, tls, local and archive providers, not {resource_type}")
            };
            return Fact::new(Replacement::Unknown, why);
        };
        let keys = key_path(&diff.path);
        if resource.no_update {
            return Fact::new(
                Replacement::Always,
                format!("{resource_type} has no update function: every change replaces it (provider {version})"),
            );
        }
        if let Some(p) = resource.force_new.iter().find(|p| is_at_or_under(&keys, p)) {
            return Fact::new(
                Replacement::Always,
                format!("ForceNew on `{p}` in {resource_type} (provider {version})"),
            );
        }
        if resource.implementation == "sdkv2" {
            if let Some(p) = added_or_removed_setting(diff, &keys, &resource.force_new) {
                return Fact::new(
                    Replacement::Always,
                    format!(
                        "adding or removing a `{keys}` block that sets ForceNew `{p}` replaces {resource_type} (provider {version})"
                    ),
                );
            }
        }
        if let Some((p, via)) = resource
            .conditional
            .iter()
            .find(|(p, _)| is_at_or_under(&keys, p))
        {
            let via = if via.is_empty() {
                String::from("CustomizeDiff")
            } else {
                via.join(", ")
            };
            return Fact::new(
                Replacement::Conditional,
                format!("`{p}` may force replacement of {resource_type}, depending on its values ({via}; provider {version})"),
            );
        }
        if !resource.unresolved_conditional.is_empty() {
            return Fact::new(
                Replacement::Conditional,
                format!("{resource_type} may force replacement in plan-time logic stet cannot read ({}; provider {version})", resource.unresolved_conditional.join(", ")),
            );
        }
        Fact::new(
            Replacement::Never,
            format!("`{keys}` is not ForceNew in {resource_type} (provider {version})"),
        )
    }

    fn cloudformation_fact(&self, resource_type: &str, diff: &Difference) -> Fact {
        let sources = &self.cloudformation.source;
        let Some(resource) = self.cloudformation.resources.get(resource_type) else {
            let sam = if resource_type.starts_with("AWS::Serverless::") {
                " (a SAM type: the transform decides which resources it becomes)"
            } else {
                ""
            };
            return Fact::new(
                Replacement::Unknown,
                format!("{resource_type} is not in the CloudFormation registry schemas or the legacy specification{sam}"),
            );
        };
        let path = star_path(&diff.path);
        if resource.source == "legacy" {
            let spec = format!(
                "legacy CloudFormation resource specification {}",
                sources.legacy.specification_version
            );
            if let Some(p) = resource.immutable.iter().find(|p| is_at_or_under(&path, p)) {
                return Fact::new(
                    Replacement::Always,
                    format!("UpdateType Immutable of `{p}` in {resource_type} ({spec})"),
                );
            }
            if let Some(p) = resource
                .conditional
                .iter()
                .find(|p| is_at_or_under(&path, p))
            {
                return Fact::new(
                    Replacement::Conditional,
                    format!("UpdateType Conditional of `{p}` in {resource_type} ({spec})"),
                );
            }
            return Fact::new(
                Replacement::Never,
                format!("`{path}` is not Immutable in {resource_type} ({spec})"),
            );
        }
        let registry = format!(
            "registry schema of {}, {}",
            sources.registry.schema_date.get(..10).unwrap_or_default(),
            sources.registry.package
        );
        if resource.no_update_handler {
            return Fact::new(
                Replacement::Always,
                format!(
                    "{resource_type} has no update handler: every change replaces it ({registry})"
                ),
            );
        }
        if let Some(p) = resource
            .create_only
            .iter()
            .find(|p| is_at_or_under(&path, p))
        {
            return Fact::new(
                Replacement::Always,
                format!("createOnlyProperties of {resource_type}: `{p}` ({registry})"),
            );
        }
        if let Some(p) = resource
            .conditional_create_only_but_immutable
            .iter()
            .find(|p| is_at_or_under(&path, p))
        {
            return Fact::new(
                Replacement::Always,
                format!(
                    "conditionalCreateOnlyProperties of {resource_type}: `{p}` ({registry}), UpdateType Immutable in the legacy specification {}",
                    sources.legacy.specification_version
                ),
            );
        }
        if let Some(p) = added_or_removed_setting(diff, &path, &resource.create_only) {
            return Fact::new(
                Replacement::Always,
                format!("createOnlyProperties of {resource_type}: `{p}`, set in the added or removed `{path}` ({registry})"),
            );
        }
        if let Some(p) = resource
            .conditional_create_only
            .iter()
            .find(|p| is_at_or_under(&path, p))
        {
            return Fact::new(
                Replacement::Conditional,
                format!("conditionalCreateOnlyProperties of {resource_type}: `{p}` ({registry})"),
            );
        }
        Fact::new(
            Replacement::Never,
            format!("`{path}` is not createOnly in {resource_type} ({registry})"),
        )
    }
}

fn type_matches(pattern: &str, resource_type: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => resource_type.starts_with(prefix),
        None => pattern == resource_type,
    }
}

/// Whether `path` is `fact` or lies under it (`a.b.c` is under `a.b`).
fn is_at_or_under(path: &str, fact: &str) -> bool {
    path == fact
        || path
            .strip_prefix(fact)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// For a whole subtree added or removed at `at`: the first fact path below `at` that the
/// added or removed value sets.
fn added_or_removed_setting<'a>(
    diff: &Difference,
    at: &str,
    facts: &'a [String],
) -> Option<&'a str> {
    let value = match (&diff.before, &diff.after) {
        (None, Some(v)) | (Some(v), None) => v,
        _ => return None,
    };
    let prefix = format!("{at}.");
    facts.iter().map(String::as_str).find(|fact| {
        fact.strip_prefix(prefix.as_str()).is_some_and(|rest| {
            let keys: Vec<&str> = rest.split('.').filter(|k| *k != "*").collect();
            sets(value, &keys)
        })
    })
}

/// Whether `value` has a non-null value at `keys` (through lists; an unresolved expression
/// on the way may set it).
fn sets(value: &Value, keys: &[&str]) -> bool {
    match (&value.kind, keys.split_first()) {
        (ValueKind::Null, _) => false,
        (_, None) => true,
        (ValueKind::Expr(_), _) => true,
        (ValueKind::List(items), _) => items.iter().any(|i| sets(i, keys)),
        (ValueKind::Map(map), Some((first, rest))) => map.get(first).is_some_and(|v| sets(v, rest)),
        _ => false,
    }
}

/// The outcome of an overlay condition on the resource's attributes.
fn condition_outcome(condition: &Condition, attributes: Option<&Value>) -> Replacement {
    let then = Replacement::parse(&condition.then).unwrap_or(Replacement::Unknown);
    let otherwise = Replacement::parse(&condition.otherwise).unwrap_or(Replacement::Unknown);
    let Some(attributes) = attributes else {
        return Replacement::Conditional;
    };
    let mut value = Some(attributes);
    for key in condition.attribute.split('.') {
        value = value.and_then(|v| v.get(key));
    }
    match value.map(|v| &v.kind) {
        None | Some(ValueKind::Null) => otherwise,
        Some(ValueKind::Expr(_)) => Replacement::Conditional,
        Some(_) => {
            let value = value.map(Value::to_json).unwrap_or_default();
            let same = value == condition.equals
                || value
                    .as_str()
                    .is_some_and(|s| json_text(&condition.equals).as_deref() == Some(s));
            if same {
                then
            } else {
                otherwise
            }
        }
    }
}

/// A JSON primitive as text (`true`, `3`, `abc`): how a condition meets a string value.
fn json_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The fact for a `terraform_data` or small-provider resource type
/// (`replacement/terraform-builtin.json`).
fn builtin_fact(resource_type: &str, builtin: &Builtin, diff: &Difference) -> Fact {
    let keys = key_path(&diff.path);
    let source = Schemas::embedded().builtin_source(builtin);
    let (replacement, reason) = match builtin.force_new.iter().find(|p| is_at_or_under(&keys, p)) {
        Some(p) => (
            Replacement::Always,
            format!("`{p}` requires replacement of {resource_type} ({source})"),
        ),
        None => (
            Replacement::Never,
            format!("`{keys}` does not require replacement of {resource_type} ({source})"),
        ),
    };
    Fact {
        replacement,
        reason,
        docs: Some(builtin.docs.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stet_graph::Span;

    fn kb() -> &'static KnowledgeBase {
        KnowledgeBase::embedded().unwrap()
    }

    fn change(path: &str) -> Difference {
        let span = Span::file_start("t".into());
        Difference {
            path: path
                .split('.')
                .map(|p| match p.parse::<usize>() {
                    Ok(i) => Segment::Index(i),
                    Err(_) => Segment::Key(p.to_string()),
                })
                .collect(),
            before: Some(Value::string("a", span.clone())),
            after: Some(Value::string("b", span)),
        }
    }

    fn fact(family: Family, ty: &str, path: &str) -> Fact {
        let subject = Subject {
            family,
            resource_type: ty,
            attributes: None,
        };
        kb().classify(&subject, Scope::Argument, &change(path))
    }

    #[test]
    fn terraform_force_new_conditional_and_in_place() {
        let ami = fact(Family::Terraform, "aws_instance", "ami");
        assert_eq!(ami.replacement, Replacement::Always);
        assert_eq!(
            ami.reason,
            "ForceNew on `ami` in aws_instance (provider 5.46)"
        );
        assert_eq!(
            fact(Family::Terraform, "aws_instance", "instance_type").replacement,
            Replacement::Conditional
        );
        assert_eq!(
            fact(Family::Terraform, "aws_db_instance", "engine_version").replacement,
            Replacement::Never
        );
        assert_eq!(
            fact(
                Family::Terraform,
                "aws_instance",
                "ebs_block_device.0.volume_size"
            )
            .replacement,
            Replacement::Always
        );
    }

    #[test]
    fn terraform_tags_never_and_unknown_types() {
        assert_eq!(
            fact(Family::Terraform, "aws_launch_configuration", "tags.Name").replacement,
            Replacement::Never
        );
        assert_eq!(
            fact(Family::Terraform, "aws_launch_configuration", "image_id").replacement,
            Replacement::Always
        );
        assert_eq!(
            fact(Family::Terraform, "aws_made_up", "x").replacement,
            Replacement::Unknown
        );
        assert_eq!(
            fact(Family::Terraform, "google_compute_instance", "x").replacement,
            Replacement::Unknown
        );
    }

    #[test]
    fn cloudformation_create_only_and_immutable_upgrade() {
        let name = fact(Family::CloudFormation, "AWS::S3::Bucket", "BucketName");
        assert_eq!(name.replacement, Replacement::Always);
        assert!(name
            .reason
            .starts_with("createOnlyProperties of AWS::S3::Bucket"));
        assert_eq!(
            fact(
                Family::CloudFormation,
                "AWS::DynamoDB::Table",
                "KeySchema.0.KeyType"
            )
            .replacement,
            Replacement::Always
        );
        assert_eq!(
            fact(Family::CloudFormation, "AWS::EC2::Instance", "InstanceType").replacement,
            Replacement::Conditional
        );
        assert_eq!(
            fact(
                Family::CloudFormation,
                "AWS::RDS::DBInstance",
                "EngineVersion"
            )
            .replacement,
            Replacement::Never
        );
        assert_eq!(
            fact(
                Family::CloudFormation,
                "AWS::Serverless::Function",
                "CodeUri"
            )
            .replacement,
            Replacement::Unknown
        );
        assert_eq!(
            fact(Family::CloudFormation, "Custom::Thing", "Anything").replacement,
            Replacement::Conditional
        );
    }

    #[test]
    fn overlay_condition_reads_the_resource() {
        let span = Span::file_start("t".into());
        let mut map = stet_graph::Map::new();
        map.insert(
            "user_data_replace_on_change",
            span.clone(),
            Value::new(ValueKind::Bool(true), span.clone()),
        );
        let attributes = Value::new(ValueKind::Map(map), span);
        let subject = Subject {
            family: Family::Terraform,
            resource_type: "aws_instance",
            attributes: Some(&attributes),
        };
        let f = kb().classify(&subject, Scope::Argument, &change("user_data"));
        assert_eq!(f.replacement, Replacement::Always);
        assert!(f.docs.is_some());
        let without = Subject {
            attributes: None,
            ..subject
        };
        assert_eq!(
            kb().classify(&without, Scope::Argument, &change("user_data"))
                .replacement,
            Replacement::Conditional
        );
    }
}
