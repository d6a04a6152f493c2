//! Schema facts of Terraform resource types beyond replacement: for the AWS provider
//! (`replacement/terraform-aws-schema.json`, generated from `../shared/kb`), which
//! arguments are Optional+Computed, their defaults, which are sets, which differences the
//! provider suppresses, which attributes are computed only; for `terraform_data` and the
//! small providers (`replacement/terraform-builtin.json`, read by hand), which
//! arguments replace and which computed attributes change on an update.

use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

const AWS_SCHEMA: &str = include_str!("../../replacement/terraform-aws-schema.json");
const BUILTIN: &str = include_str!("../../replacement/terraform-builtin.json");

/// Schema facts of one AWS resource type.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AwsSchema {
    /// `sdkv2` or `framework`.
    pub implementation: String,
    #[serde(default)]
    pub optional_computed: Vec<String>,
    #[serde(default)]
    pub defaults: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub sets: Vec<String>,
    /// `case-insensitive`, `json-equivalent` or `missing-optional-block`, by path.
    #[serde(default)]
    pub diff_suppress: BTreeMap<String, String>,
    #[serde(default)]
    pub computed_only: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct AwsFile {
    resources: HashMap<String, AwsSchema>,
}

/// Facts of a built-in or small-provider resource type.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Builtin {
    pub provider: String,
    pub docs: String,
    #[serde(default)]
    pub force_new: Vec<String>,
    #[serde(default)]
    pub changes_on_update: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct BuiltinFile {
    source: BTreeMap<String, String>,
    resources: HashMap<String, Builtin>,
}

/// The embedded schema facts.
pub(crate) struct Schemas {
    aws: HashMap<String, AwsSchema>,
    builtin: HashMap<String, Builtin>,
    builtin_sources: BTreeMap<String, String>,
}

impl Schemas {
    /// Read once; the data is part of the build, so a file that does not parse is a defect
    /// (and leaves the facts empty rather than stopping a diff).
    pub fn embedded() -> &'static Schemas {
        static SCHEMAS: OnceLock<Schemas> = OnceLock::new();
        SCHEMAS.get_or_init(|| {
            let aws: AwsFile = serde_json::from_str(AWS_SCHEMA).unwrap_or(AwsFile {
                resources: HashMap::new(),
            });
            let builtin: BuiltinFile = serde_json::from_str(BUILTIN).unwrap_or(BuiltinFile {
                source: BTreeMap::new(),
                resources: HashMap::new(),
            });
            Schemas {
                aws: aws.resources,
                builtin: builtin.resources,
                builtin_sources: builtin.source,
            }
        })
    }

    pub fn aws(&self, resource_type: &str) -> Option<&AwsSchema> {
        self.aws.get(resource_type)
    }

    pub fn builtin(&self, resource_type: &str) -> Option<&Builtin> {
        self.builtin.get(resource_type)
    }

    /// Where a built-in type's facts come from: `hashicorp/terraform-provider-random v3.9.0`.
    pub fn builtin_source<'a>(&'a self, builtin: &'a Builtin) -> &'a str {
        self.builtin_sources
            .get(&builtin.provider)
            .map_or(builtin.provider.as_str(), |s| {
                s.split(" (").next().unwrap_or(s)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_facts_read() {
        let s = Schemas::embedded();
        let instance = s.aws("aws_instance").unwrap();
        assert!(instance.sets.iter().any(|p| p == "vpc_security_group_ids"));
        assert!(instance.computed_only.iter().any(|p| p == "arn"));
        assert_eq!(
            s.aws("aws_iam_role")
                .unwrap()
                .diff_suppress
                .get("assume_role_policy")
                .map(String::as_str),
            Some("json-equivalent")
        );
        let data = s.builtin("terraform_data").unwrap();
        assert_eq!(data.force_new, ["triggers_replace"]);
        assert!(s
            .builtin_source(s.builtin("random_id").unwrap())
            .contains("random"));
    }
}
