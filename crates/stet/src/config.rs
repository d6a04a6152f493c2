//! `stet.toml`: the project's configuration, found upward from the first scanned path (or
//! given with `--config`). Unknown keys and bad values are errors naming the file and line.
//!
//! ```toml
//! fail-on = "medium"               # info | low | medium | high | never
//! rules = ["policies/"]            # extra rule files or folders (relative to this file)
//! exclude = ["**/examples/**"]     # globs (relative to this file) of paths not to report
//! disable = ["PIN008"]             # rules not to run
//! inline-suppressions = true       # false: ignore `stet:ignore` comments and metadata
//! data = ["k8s/**/*.yaml"]         # globs (relative to this file) of JSON and YAML files that
//!                                  # are not templates, checked as data files by the extra rules
//!
//! [severity]                       # severity overrides
//! PIN001 = "low"
//!
//! [cloudformation]                 # parameter values templates are resolved with
//! parameters = { Env = "prod" }    # for every template that declares them
//! discover-parameter-files = true  # look for parameters files beside templates
//! samconfig-environment = "default"
//! [cloudformation.parameter-files] # template = parameters file(s), relative to this file
//! "stacks/app.yaml" = ["stacks/prod.json"]
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use stet_graph::LineIndex;
use stet_rules::Severity;

/// The file name stet looks for.
pub const CONFIG_FILE: &str = "stet.toml";

/// A configuration file that is wrong: where, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
#[non_exhaustive]
pub struct ConfigError {
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    fail_on: Option<String>,
    #[serde(default)]
    rules: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    disable: Vec<String>,
    #[serde(default)]
    inline_suppressions: Option<bool>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
    #[serde(default)]
    limits: BTreeMap<String, u64>,
    #[serde(default)]
    data: Vec<String>,
    cloudformation: Option<RawCloudFormation>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawCloudFormation {
    #[serde(default)]
    parameters: BTreeMap<String, toml::Value>,
    #[serde(default)]
    parameter_files: BTreeMap<String, OneOrMany>,
    #[serde(default)]
    discover_parameter_files: Option<bool>,
    #[serde(default)]
    samconfig_environment: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// `[cloudformation]`: the parameter values CloudFormation templates are resolved with.
#[derive(Debug, Clone)]
pub struct CloudFormationConfig {
    /// `parameters`: values for every template that declares them.
    pub parameters: BTreeMap<String, String>,
    /// `parameter-files`: parameters files by template (both resolved against the file's
    /// folder).
    pub parameter_files: Vec<(PathBuf, Vec<PathBuf>)>,
    /// `discover-parameter-files`: look for parameters files beside templates (default: yes).
    pub discover: bool,
    /// `samconfig-environment`: the SAM CLI environment to read (default: `default`).
    pub sam_environment: String,
}

impl Default for CloudFormationConfig {
    fn default() -> CloudFormationConfig {
        CloudFormationConfig {
            parameters: BTreeMap::new(),
            parameter_files: Vec::new(),
            discover: true,
            sam_environment: "default".to_string(),
        }
    }
}

/// The configuration in effect.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from, if any.
    pub file: Option<PathBuf>,
    /// `fail-on`: `Some(None)` is `never`.
    pub fail_on: Option<Option<Severity>>,
    /// Extra rule files and folders (resolved against the file's folder).
    pub rules: Vec<PathBuf>,
    /// Globs of paths whose findings are not reported.
    pub exclude: Option<globset::GlobSet>,
    /// The exclude globs as written.
    pub exclude_patterns: Vec<String>,
    /// Rules not to run.
    pub disable: Vec<String>,
    /// Whether `stet:ignore` comments and metadata apply (default: yes).
    pub inline_suppressions: bool,
    /// Severity overrides by rule ID.
    pub severity: BTreeMap<String, Severity>,
    /// `[limits]`: bounds on the work done (names of [`Limits::NAMES`](crate::Limits::NAMES)).
    pub limits: BTreeMap<String, u64>,
    /// Globs of JSON and YAML files (not templates) that the extra rules check as data files.
    pub data: Option<globset::GlobSet>,
    /// The data globs as written.
    pub data_patterns: Vec<String>,
    /// `[cloudformation]`: parameter values for CloudFormation templates.
    pub cloudformation: CloudFormationConfig,
}

impl Config {
    /// The defaults: no file.
    pub fn none() -> Config {
        Config {
            inline_suppressions: true,
            ..Config::default()
        }
    }

    /// Finds `stet.toml` in the folder of `start` or above it (up to the filesystem root),
    /// and reads it; no file gives the defaults.
    pub fn discover(start: impl AsRef<Path>) -> Result<Config, ConfigError> {
        let mut dir = Some(crate::paths::absolute(start.as_ref()));
        while let Some(d) = dir {
            let candidate = d.join(CONFIG_FILE);
            if candidate.is_file() {
                return Config::read(&candidate);
            }
            dir = d.parent().map(Path::to_path_buf);
        }
        Ok(Config::none())
    }

    /// Reads a configuration file.
    pub fn read(path: impl AsRef<Path>) -> Result<Config, ConfigError> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: shown.clone(),
            line: 1,
            column: 1,
            message: format!("cannot read: {e}"),
        })?;
        Config::parse(path, &text)
    }

    /// Parses configuration `text` read from `path`.
    ///
    /// ```
    /// let config = stet::Config::parse("stet.toml", "disable = [\"PIN008\"]\n").unwrap();
    /// assert_eq!(config.disable, ["PIN008"]);
    /// let e = stet::Config::parse("stet.toml", "fail-on = \"loud\"\n").unwrap_err();
    /// assert_eq!((e.line, e.column), (1, 11));
    /// ```
    pub fn parse(path: impl AsRef<Path>, text: &str) -> Result<Config, ConfigError> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let index = LineIndex::new(text);
        let at = |offset: usize, message: String| {
            let p = index.position(text, offset.min(text.len()));
            ConfigError {
                file: shown.clone(),
                line: p.line,
                column: p.column,
                message,
            }
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            at(offset, e.message().trim().to_string())
        })?;
        // Values are checked here, pointing at where they are written.
        let find = |needle: &str| text.find(needle).unwrap_or(0);
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let fail_on = match raw.fail_on.as_deref() {
            None => None,
            Some("never") => Some(None),
            Some(s) => Some(Some(Severity::parse(s).ok_or_else(|| {
                at(
                    find(&format!("\"{s}\"")),
                    format!("`fail-on` must be one of info, low, medium, high, never; found `{s}`"),
                )
            })?)),
        };
        let mut builder = globset::GlobSetBuilder::new();
        for pattern in &raw.exclude {
            let glob = globset::Glob::new(pattern).map_err(|e| {
                at(
                    find(&format!("\"{pattern}\"")),
                    format!("`exclude` pattern `{pattern}` is not a valid glob: {e}"),
                )
            })?;
            builder.add(glob);
        }
        let exclude = if raw.exclude.is_empty() {
            None
        } else {
            Some(
                builder
                    .build()
                    .map_err(|e| at(find("exclude"), e.to_string()))?,
            )
        };
        let mut data_builder = globset::GlobSetBuilder::new();
        for pattern in &raw.data {
            let glob = globset::Glob::new(pattern).map_err(|e| {
                at(
                    find(&format!("\"{pattern}\"")),
                    format!("`data` pattern `{pattern}` is not a valid glob: {e}"),
                )
            })?;
            data_builder.add(glob);
        }
        let data = if raw.data.is_empty() {
            None
        } else {
            Some(
                data_builder
                    .build()
                    .map_err(|e| at(find("data"), e.to_string()))?,
            )
        };
        let mut severity = BTreeMap::new();
        for (rule, value) in &raw.severity {
            let s = Severity::parse(value).ok_or_else(|| {
                at(
                    find(&format!("{rule} =")).max(find(rule)),
                    format!("severity of `{rule}` must be one of info, low, medium, high; found `{value}`"),
                )
            })?;
            severity.insert(rule.clone(), s);
        }
        for name in raw.limits.keys() {
            if !stet_graph::Limits::NAMES.contains(&name.as_str()) {
                return Err(at(
                    find(&format!("{name} =")).max(find(name)),
                    format!(
                        "no limit named `{name}` (known: {})",
                        stet_graph::Limits::NAMES.join(", ")
                    ),
                ));
            }
        }
        let cloudformation = match raw.cloudformation {
            None => CloudFormationConfig::default(),
            Some(cfn) => {
                let mut parameters = BTreeMap::new();
                for (name, value) in cfn.parameters {
                    let text = match value {
                        toml::Value::String(s) => s,
                        toml::Value::Integer(i) => i.to_string(),
                        toml::Value::Float(f) => stet_graph::format_float(f),
                        toml::Value::Boolean(b) => b.to_string(),
                        toml::Value::Array(items) => items
                            .iter()
                            .map(|i| match i {
                                toml::Value::String(s) => s.clone(),
                                other => other.to_string(),
                            })
                            .collect::<Vec<_>>()
                            .join(","),
                        other => {
                            return Err(at(
                                find(&format!("{name} =")).max(find(&name)),
                                format!(
                                    "the value of CloudFormation parameter `{name}` must be a string, number, boolean or list, found {}",
                                    other.type_str()
                                ),
                            ))
                        }
                    };
                    parameters.insert(name, text);
                }
                let parameter_files = cfn
                    .parameter_files
                    .into_iter()
                    .map(|(template, files)| {
                        let files = match files {
                            OneOrMany::One(f) => vec![f],
                            OneOrMany::Many(f) => f,
                        };
                        (
                            base.join(template),
                            files.iter().map(|f| base.join(f)).collect(),
                        )
                    })
                    .collect();
                CloudFormationConfig {
                    parameters,
                    parameter_files,
                    discover: cfn.discover_parameter_files.unwrap_or(true),
                    sam_environment: cfn
                        .samconfig_environment
                        .unwrap_or_else(|| "default".to_string()),
                }
            }
        };
        Ok(Config {
            cloudformation,
            file: Some(path.to_path_buf()),
            fail_on,
            rules: raw.rules.iter().map(|r| base.join(r)).collect(),
            exclude,
            exclude_patterns: raw.exclude,
            disable: raw.disable,
            inline_suppressions: raw.inline_suppressions.unwrap_or(true),
            severity,
            limits: raw.limits,
            data,
            data_patterns: raw.data,
        })
    }

    /// `limits` with this configuration's `[limits]` applied.
    ///
    /// ```
    /// let config = stet::Config::parse("stet.toml", "[limits]\nmax-depth = 64\n").unwrap();
    /// assert_eq!(config.apply_limits(stet::Limits::default()).max_depth, 64);
    /// ```
    pub fn apply_limits(&self, mut limits: stet_graph::Limits) -> stet_graph::Limits {
        for (name, value) in &self.limits {
            limits.set(name, *value);
        }
        limits
    }

    /// The parameter sources of `[cloudformation]`, with `flags` (`--parameter KEY=VALUE`)
    /// over them.
    ///
    /// ```
    /// let config = stet::Config::parse("stet.toml", "[cloudformation]\nparameters = { Env = \"prod\" }\n").unwrap();
    /// let sources = config.parameter_sources(&[("Env".into(), "dev".into())]);
    /// assert_eq!(sources.values.last().map(|v| v.value.as_str()), Some("dev"));
    /// ```
    pub fn parameter_sources(&self, flags: &[(String, String)]) -> crate::ParameterSources {
        let cfn = &self.cloudformation;
        let shown = self
            .file
            .as_ref()
            .map(|f| f.display().to_string())
            .unwrap_or_else(|| CONFIG_FILE.to_string());
        let mut values: Vec<crate::GivenValue> = cfn
            .parameters
            .iter()
            .map(|(name, value)| crate::GivenValue {
                name: name.clone(),
                value: value.clone(),
                via: shown.clone(),
            })
            .collect();
        values.extend(flags.iter().map(|(name, value)| crate::GivenValue {
            name: name.clone(),
            value: value.clone(),
            via: "--parameter".to_string(),
        }));
        crate::ParameterSources {
            values,
            files: cfn.parameter_files.clone(),
            discover: cfn.discover,
            sam_environment: cfn.sam_environment.clone(),
        }
    }

    /// Whether findings in `file` (absolute, or relative to the current folder) are
    /// excluded.
    pub fn excludes(&self, file: impl AsRef<Path>) -> bool {
        let Some(set) = &self.exclude else {
            return false;
        };
        let base = self
            .file
            .as_ref()
            .and_then(|f| f.parent())
            .map(crate::paths::absolute)
            .unwrap_or_default();
        let file = file.as_ref();
        match crate::paths::under(file, &base) {
            Some(relative) => set.is_match(relative),
            None => set.is_match(crate::paths::absolute(file)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_name_their_line() {
        let e = Config::parse(
            Path::new("stet.toml"),
            "fail-on = \"low\"\ndisabled = [\"X\"]\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains("unknown field `disabled`"), "{e}");
    }

    #[test]
    fn bad_severity_names_the_rule() {
        let e =
            Config::parse(Path::new("stet.toml"), "[severity]\nPIN001 = \"urgent\"\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains("severity of `PIN001`"), "{e}");
    }

    #[test]
    fn everything_is_read() {
        let c = Config::parse(
            Path::new("/repo/stet.toml"),
            "fail-on = \"never\"\nrules = [\"policies\"]\nexclude = [\"examples/**\"]\ninline-suppressions = false\n[severity]\nPIN001 = \"low\"\n",
        )
        .unwrap();
        assert_eq!(c.fail_on, Some(None));
        assert_eq!(c.rules, [PathBuf::from("/repo/policies")]);
        assert!(!c.inline_suppressions);
        assert_eq!(c.severity.get("PIN001"), Some(&Severity::Low));
        assert!(c.excludes("/repo/examples/a/main.tf"));
        assert!(!c.excludes("/repo/infra/main.tf"));
    }

    #[test]
    fn cloudformation_section() {
        let c = Config::parse(
            Path::new("/repo/stet.toml"),
            "[cloudformation]\nparameters = { Env = \"prod\", Count = 2, Subnets = [\"a\", \"b\"] }\nsamconfig-environment = \"prod\"\n[cloudformation.parameter-files]\n\"app.yaml\" = \"prod.json\"\n",
        )
        .unwrap();
        let cfn = &c.cloudformation;
        assert_eq!(cfn.parameters.get("Count").map(String::as_str), Some("2"));
        assert_eq!(
            cfn.parameters.get("Subnets").map(String::as_str),
            Some("a,b")
        );
        assert_eq!(
            cfn.parameter_files,
            [(
                PathBuf::from("/repo/app.yaml"),
                vec![PathBuf::from("/repo/prod.json")]
            )]
        );
        assert_eq!(cfn.sam_environment, "prod");
        assert!(cfn.discover);
        let e = Config::parse(Path::new("stet.toml"), "[cloudformation]\nparameter = {}\n")
            .unwrap_err();
        assert_eq!(e.line, 2, "{e}");
    }
}
