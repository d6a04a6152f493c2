//! Run options from the configuration and the command line: what `stet.toml` says, and
//! what the flags say over it ([`Overrides`]), made into [`RunOptions`] with the precedence
//! the `stet` command uses — so that a program offering the same settings behaves the same.
//! Reading `stet.toml` is `config`'s job; running is `run`'s.

use crate::config::Config;
use crate::load::LoadOptions;
use crate::run::{read_baseline, BaselineError, RunOptions};
use std::path::PathBuf;
use stet_graph::Limits;
use stet_rules::Severity;

/// What the command line sets over the configuration (the flags of `stet check`, `diff`,
/// `plan` and `changeset`); the default sets nothing. An option struct: build it with
/// `..Default::default()`.
///
/// ```
/// let flags = stet::Overrides {
///     fail_on: Some(Some(stet::Severity::High)),
///     limits: vec![("max-depth".into(), 64)],
///     ..Default::default()
/// };
/// let options = stet::RunOptions::from_config(&stet::Config::none(), &flags).unwrap();
/// assert_eq!(options.fail_on, Some(stet::Severity::High));
/// assert_eq!(options.load.limits.max_depth, 64);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Rule files and folders run beside the configuration's (`--rules`).
    pub rules: Vec<PathBuf>,
    /// Leave the built-in pack out (`--no-builtin`).
    pub no_builtin: bool,
    /// Ignore `stet:ignore` comments and metadata suppressions (`--no-inline-suppressions`).
    pub no_inline_suppressions: bool,
    /// A saved JSON report whose findings are not reported again (`--baseline`).
    pub baseline: Option<PathBuf>,
    /// The threshold for failing, over the configuration's `fail-on` (`--fail-on`;
    /// `Some(None)`: never fail on findings).
    pub fail_on: Option<Option<Severity>>,
    /// Limits by name, over the configuration's `[limits]` (`--limit NAME=N`; the names of
    /// [`Limits::NAMES`]).
    pub limits: Vec<(String, u64)>,
    /// CloudFormation parameter values for every template that declares them, over
    /// parameters files and the configuration (`--parameter KEY=VALUE`).
    pub parameters: Vec<(String, String)>,
    /// Threads to use (`--jobs`; default: one per core).
    pub jobs: Option<usize>,
}

/// Why the configuration and the overrides do not make run options.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OptionsError {
    /// The built-in pack is left out and no other rule is given.
    #[error("no rules to run: --no-builtin leaves only the rules of --rules FILE|DIR, and none was given")]
    NoRules,
    /// A limit name that [`Limits::NAMES`] does not hold.
    #[error("no limit named `{name}` (known: {known})", known = Limits::NAMES.join(", "))]
    UnknownLimit {
        /// The name given.
        name: String,
    },
    /// The baseline could not be read.
    #[error(transparent)]
    Baseline(#[from] BaselineError),
}

impl RunOptions {
    /// The options of a run configured by `config` with `overrides` over it, as `stet check`
    /// makes them: the overrides win over the configuration, which wins over the defaults
    /// (`fail-on`: `low`); rule files add up; limits are the configuration's, then the
    /// overrides'; parameter values the overrides' over the configuration's.
    ///
    /// ```
    /// let config = stet::Config::parse(std::path::Path::new("stet.toml"), "fail-on = \"never\"\n").unwrap();
    /// let options = stet::RunOptions::from_config(&config, &Default::default()).unwrap();
    /// assert_eq!(options.fail_on, None);
    /// ```
    ///
    /// # Errors
    /// `no_builtin` with no rule file given or configured, a limit name that does not exist,
    /// or a baseline that cannot be read.
    pub fn from_config(config: &Config, overrides: &Overrides) -> Result<RunOptions, OptionsError> {
        if overrides.no_builtin && overrides.rules.is_empty() && config.rules.is_empty() {
            return Err(OptionsError::NoRules);
        }
        let mut limits = config.apply_limits(Limits::default());
        for (name, value) in &overrides.limits {
            if !limits.set(name, *value) {
                return Err(OptionsError::UnknownLimit { name: name.clone() });
            }
        }
        let baseline = overrides
            .baseline
            .as_deref()
            .map(read_baseline)
            .transpose()?;
        let fail_on = match (overrides.fail_on, config.fail_on) {
            (Some(flag), _) => flag,
            (None, Some(configured)) => configured,
            (None, None) => Some(Severity::Low),
        };
        Ok(RunOptions {
            rules: overrides.rules.clone(),
            builtin: !overrides.no_builtin,
            inline_suppressions: !overrides.no_inline_suppressions,
            baseline,
            fail_on,
            load: LoadOptions {
                jobs: overrides.jobs,
                limits,
                cloudformation: config.parameter_sources(&overrides.parameters),
                ..LoadOptions::default()
            },
            config: config.clone(),
            ..RunOptions::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config(text: &str) -> Config {
        Config::parse(Path::new("stet.toml"), text).unwrap()
    }

    #[test]
    fn the_flag_wins_over_the_configuration_which_wins_over_the_default() {
        let never = config("fail-on = \"never\"\n");
        let high = Overrides {
            fail_on: Some(Some(Severity::High)),
            ..Overrides::default()
        };
        let options = |c: &Config, o: &Overrides| RunOptions::from_config(c, o).unwrap();
        assert_eq!(options(&never, &high).fail_on, Some(Severity::High));
        assert_eq!(options(&never, &Overrides::default()).fail_on, None);
        assert_eq!(
            options(&Config::none(), &Overrides::default()).fail_on,
            Some(Severity::Low)
        );
        let never_flag = Overrides {
            fail_on: Some(None),
            ..Overrides::default()
        };
        assert_eq!(
            options(&config("fail-on = \"info\"\n"), &never_flag).fail_on,
            None
        );
    }

    #[test]
    fn limits_are_the_configurations_then_the_flags() {
        let configured = config("[limits]\nmax-depth = 10\nmax-instances = 20\n");
        let flags = Overrides {
            limits: vec![("max-depth".into(), 30)],
            ..Overrides::default()
        };
        let options = RunOptions::from_config(&configured, &flags).unwrap();
        assert_eq!(options.load.limits.max_depth, 30);
        assert_eq!(options.load.limits.max_instances, 20);
        let unknown = Overrides {
            limits: vec![("max-everything".into(), 1)],
            ..Overrides::default()
        };
        let e = RunOptions::from_config(&configured, &unknown).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("no limit named `max-everything` (known: max-file-size, "),
            "{e}"
        );
    }

    #[test]
    fn no_builtin_needs_rules_from_the_flags_or_the_configuration() {
        let alone = Overrides {
            no_builtin: true,
            ..Overrides::default()
        };
        let e = RunOptions::from_config(&Config::none(), &alone).unwrap_err();
        assert!(matches!(e, OptionsError::NoRules), "{e}");
        let with_rules = Overrides {
            rules: vec!["rules".into()],
            ..alone.clone()
        };
        let options = RunOptions::from_config(&Config::none(), &with_rules).unwrap();
        assert!(!options.builtin);
        assert_eq!(options.rules, [PathBuf::from("rules")]);
        let configured = config("rules = [\"team-rules\"]\n");
        assert!(RunOptions::from_config(&configured, &alone).is_ok());
    }

    #[test]
    fn switches_and_parameters_reach_the_options() {
        let flags = Overrides {
            no_inline_suppressions: true,
            parameters: vec![("Env".into(), "prod".into())],
            jobs: Some(3),
            ..Overrides::default()
        };
        let options = RunOptions::from_config(&Config::none(), &flags).unwrap();
        assert!(!options.inline_suppressions);
        assert_eq!(options.load.jobs, Some(3));
        let given = &options.load.cloudformation.values;
        assert_eq!(
            (given[0].name.as_str(), given[0].value.as_str()),
            ("Env", "prod")
        );
        assert_eq!(given[0].via, "--parameter");
    }

    #[test]
    fn a_missing_baseline_is_an_error_naming_it() {
        let flags = Overrides {
            baseline: Some("no-such-report.json".into()),
            ..Overrides::default()
        };
        let e = RunOptions::from_config(&Config::none(), &flags).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("no-such-report.json: cannot read: "),
            "{e}"
        );
    }
}
