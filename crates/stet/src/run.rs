//! Whole runs, as the `stet` command makes them and as a program linking the library would:
//! choose the rules (built-in pack, extra rules, configuration), scan paths or a diff, apply
//! exclusions, severity overrides, suppressions and a baseline, and return a [`Report`].

use crate::builtin::{builtin_rules, Pack};
use crate::check::{check, check_changes, load_rules_named, without, Finding};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Level};
use crate::diff::Diffed;
#[cfg(feature = "git")]
use crate::diff::{diff_revisions, DiffError};
use crate::load::{load, LoadOptions, Loaded};
use crate::paths::DisplayPaths;
use crate::report::{Report, RuleInfo};
use crate::suppress::{apply_suppressions, today};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use stet_graph::Graph;
use stet_rules::{RuleSet, Severity};

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Extra rule files and folders (added to the configuration's).
    pub rules: Vec<PathBuf>,
    /// Extra rules already parsed — from text held in memory, with [`RuleSet::parse`] — run
    /// beside the rule files.
    pub rule_sets: Vec<RuleSet>,
    /// Run the built-in pack (default: yes).
    pub builtin: bool,
    /// The configuration (`stet.toml`).
    pub config: Config,
    /// Honour `stet:ignore` comments and metadata (default: yes; also off when the
    /// configuration says `inline-suppressions = false`).
    pub inline_suppressions: bool,
    /// Findings of an earlier report: only findings not in it are reported.
    pub baseline: Option<Vec<Finding>>,
    /// The threshold at which the run fails ([`Report::exit_status`]; `None`: never on
    /// findings). Default: `low`, or the configuration's `fail-on` with
    /// [`RunOptions::from_config`].
    pub fail_on: Option<Severity>,
    /// How to load.
    pub load: LoadOptions,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            rules: Vec::new(),
            rule_sets: Vec::new(),
            builtin: true,
            config: Config::none(),
            inline_suppressions: true,
            baseline: None,
            fail_on: Some(Severity::Low),
            load: LoadOptions::default(),
        }
    }
}

/// The rules a run uses: configuration rules and change rules, without the disabled ones.
struct Rules {
    configuration: Vec<RuleSet>,
    changes: Vec<RuleSet>,
    diagnostics: Vec<Diagnostic>,
}

/// Which parts of the built-in pack a run needs (parsing them is most of a small run's
/// start-up).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Needs {
    Configuration,
    Changes,
    #[cfg(feature = "git")]
    Both,
}

/// The rules of a run, rule files named as `names` names them.
fn rules(options: &RunOptions, needs: Needs, names: &DisplayPaths) -> Rules {
    let mut paths = options.config.rules.clone();
    paths.extend(options.rules.iter().cloned());
    let (mut user, mut diagnostics) =
        load_rules_named(&paths, &|file| names.display(&file.to_string_lossy()));
    user.extend(options.rule_sets.iter().cloned());
    // Extra rules with a CHG ID read the changes; the others the configuration.
    let (mut changes, mut configuration): (Vec<_>, Vec<_>) = user.into_iter().partition(|r| {
        r.meta()
            .id
            .as_deref()
            .is_some_and(|id| id.starts_with("CHG"))
    });
    if options.builtin {
        for (pack, into) in [
            (Pack::Configuration, &mut configuration),
            (Pack::Changes, &mut changes),
        ] {
            let wanted = match pack {
                Pack::Configuration => needs != Needs::Changes,
                Pack::Changes => needs != Needs::Configuration,
            };
            if !wanted {
                continue;
            }
            let (builtin, problems) = builtin_rules(pack);
            into.splice(0..0, builtin);
            diagnostics.extend(problems);
        }
    }
    let enabled = |r: &RuleSet| {
        r.meta()
            .id
            .as_ref()
            .is_none_or(|id| !options.config.disable.contains(id))
    };
    configuration.retain(enabled);
    changes.retain(enabled);
    let steps = options.load.limits.max_rule_steps;
    let budget = |rules: Vec<RuleSet>| -> Vec<RuleSet> {
        rules.into_iter().map(|r| r.with_max_steps(steps)).collect()
    };
    let (configuration, changes) = (budget(configuration), budget(changes));
    Rules {
        configuration,
        changes,
        diagnostics,
    }
}

/// Checks `paths` (files and folders) with the configuration rules: the built-in pack
/// unless turned off, the rules of `options` and of its configuration.
///
/// ```no_run
/// let report = stet::check_paths(&["infra"], &Default::default());
/// print!("{}", report.render(stet::ReportFormat::Text, &Default::default()));
/// std::process::exit(report.exit_status(Some(stet::Severity::Low)).into());
/// ```
pub fn check_paths(paths: &[impl AsRef<Path>], options: &RunOptions) -> Report {
    let paths: Vec<PathBuf> = paths.iter().map(|p| p.as_ref().to_path_buf()).collect();
    with_jobs(options.load.jobs, || check_paths_here(&paths, options))
}

/// Checks what was loaded — from text held in memory ([`crate::load_text`]) or by
/// [`crate::load`] — as [`check_paths`] checks paths: the same rules, configuration,
/// suppressions and baseline. (Data files are read when loading: see
/// [`LoadOptions::data_files`].) Reports name files relative to [`LoadOptions::root`], by
/// default the current folder (so names given to `load_text` are kept as given): see
/// [`DisplayPaths`].
///
/// ```
/// let template = "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n";
/// let loaded = stet::load_text("template.yaml", template, &stet::LoadOptions::default());
/// let report = stet::check_loaded(&loaded, &stet::RunOptions::default());
/// let finding = &report.findings[0];
/// assert_eq!((finding.rule.as_str(), finding.severity), ("PIN005", stet::Severity::Medium));
/// assert_eq!(finding.span.start.line, 2); // `Repo:`
/// ```
pub fn check_loaded(loaded: &Loaded, options: &RunOptions) -> Report {
    // Names given to `load_text` are relative to nothing in particular: kept as given.
    let root = options
        .load
        .root
        .clone()
        .unwrap_or_else(|| PathBuf::from("."));
    let names = DisplayPaths::new(Some(root));
    with_jobs(options.load.jobs, || {
        let rules = rules(options, Needs::Configuration, &names);
        if names.renames_any(loaded.file_names()) {
            let mut renamed = loaded.clone();
            renamed.rename_files(&mut names.renamer());
            check_with(rules, &renamed, options, &names)
        } else {
            check_with(rules, loaded, options, &names)
        }
    })
}

/// How a run names files: relative to [`LoadOptions::root`], else to the repository holding
/// the current folder.
fn display_paths(options: &RunOptions) -> DisplayPaths {
    DisplayPaths::new(options.load.root.clone())
}

/// `loaded` with its files named as `names` names them (renamed only when a name changes).
fn named(mut loaded: Loaded, names: &DisplayPaths) -> Loaded {
    if names.renames_any(loaded.file_names()) {
        loaded.rename_files(&mut names.renamer());
    }
    loaded
}

/// Runs `work` on a pool of `jobs` threads (default: rayon's global pool, one per core), so
/// that `--jobs` bounds loading and rule evaluation alike; on the pool this thread belongs
/// to when it has that many threads already (the `stet` command sets rayon's global pool up
/// so, with its main thread in it).
fn with_jobs<T: Send>(jobs: Option<usize>, work: impl FnOnce() -> T + Send) -> T {
    let in_pool_of =
        |n: usize| rayon::current_thread_index().is_some() && rayon::current_num_threads() == n;
    let other_size = jobs.filter(|&n| !in_pool_of(n));
    match other_size.and_then(|n| rayon::ThreadPoolBuilder::new().num_threads(n).build().ok()) {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

fn check_paths_here(paths: &[PathBuf], options: &RunOptions) -> Report {
    let load_options = with_data_files(options);
    let names = display_paths(options);
    // Rules parse while the files load.
    let (rules, loaded) = rayon::join(
        || rules(options, Needs::Configuration, &names),
        || named(load(paths, &load_options), &names),
    );
    check_with(rules, &loaded, options, &names)
}

/// The report of the configuration rules of `rules` over `loaded` (its files named by
/// `names`).
fn check_with(rules: Rules, loaded: &Loaded, options: &RunOptions, names: &DisplayPaths) -> Report {
    let (findings, problems) = check(loaded, &rules.configuration);
    let mut diagnostics = rules.diagnostics;
    diagnostics.extend(loaded.diagnostics.iter().cloned());
    diagnostics.extend(problems);
    let graphs: Vec<&Graph> = loaded.graphs.iter().collect();
    finish(
        findings,
        diagnostics,
        &rules.configuration,
        &graphs,
        loaded,
        None,
        options,
        names,
    )
}

/// The load options of a check: with rules of one's own, JSON and YAML files that are not
/// templates are data files when named on the command line or matched by the configuration's
/// `data` patterns (see `data`).
fn with_data_files(options: &RunOptions) -> LoadOptions {
    let mut load = options.load.clone();
    if !(options.rules.is_empty()
        && options.config.rules.is_empty()
        && options.rule_sets.is_empty())
    {
        load.data_files = crate::data::DataFiles {
            explicit: true,
            patterns: options.config.data.clone(),
            base: options
                .config
                .file
                .as_ref()
                .and_then(|f| f.parent())
                .map(Path::to_path_buf)
                .unwrap_or_default(),
        };
    }
    load
}

/// Pull-request mode: the findings of the configuration rules that `base` does not have, and
/// the change rules' findings on the changes between `base` and `head` (default: the working
/// tree).
#[cfg(feature = "git")]
pub fn check_revisions(
    base: &str,
    head: Option<&str>,
    paths: &[impl AsRef<Path>],
    options: &RunOptions,
) -> Result<Report, DiffError> {
    let paths: Vec<PathBuf> = paths.iter().map(|p| p.as_ref().to_path_buf()).collect();
    with_jobs(options.load.jobs, || {
        check_revisions_here(base, head, &paths, options)
    })
}

#[cfg(feature = "git")]
fn check_revisions_here(
    base: &str,
    head: Option<&str>,
    paths: &[PathBuf],
    options: &RunOptions,
) -> Result<Report, DiffError> {
    let names = display_paths(options);
    let diffed = named_diff(diff_revisions(base, head, paths, &options.load)?, &names);
    let rules = rules(options, Needs::Both, &names);
    let (mut findings, problems) = crate::check::new_findings(&diffed, &rules.configuration);
    let (change_findings, change_problems) = check_changes(&diffed, &rules.changes);
    findings.extend(change_findings);
    let mut diagnostics = rules.diagnostics;
    diagnostics.extend(diffed.diagnostics.iter().cloned());
    diagnostics.extend(problems);
    diagnostics.extend(change_problems);
    let mut ran = rules.configuration;
    ran.extend(rules.changes);
    Ok(diff_finish(
        diffed,
        findings,
        diagnostics,
        &ran,
        options,
        &names,
    ))
}

/// `diffed` with its files named as `names` names them (renamed only when a name changes).
fn named_diff(mut diffed: Diffed, names: &DisplayPaths) -> Diffed {
    if names.renames_any(diffed.file_names()) {
        diffed.rename_files(&mut names.renamer());
    }
    diffed
}

/// The report of a diff (`diff_paths`, `diff_revisions`, a plan or a change set) with the
/// change rules' findings.
pub fn report_diff(diffed: Diffed, options: &RunOptions) -> Report {
    with_jobs(options.load.jobs, || report_diff_here(diffed, options))
}

fn report_diff_here(diffed: Diffed, options: &RunOptions) -> Report {
    let names = display_paths(options);
    let diffed = named_diff(diffed, &names);
    let rules = rules(options, Needs::Changes, &names);
    let mut ran = rules.changes;
    // Extra rules without a CHG ID run on the changes too when asked for explicitly.
    ran.extend(
        rules
            .configuration
            .into_iter()
            .filter(|r| r.meta().id.as_deref().is_none_or(|id| !is_builtin(id))),
    );
    let (findings, problems) = check_changes(&diffed, &ran);
    let mut diagnostics = rules.diagnostics;
    diagnostics.extend(diffed.diagnostics.iter().cloned());
    diagnostics.extend(problems);
    diff_finish(diffed, findings, diagnostics, &ran, options, &names)
}

fn is_builtin(id: &str) -> bool {
    crate::builtin::BUILTIN.iter().any(|r| r.id == id)
}

fn diff_finish(
    diffed: Diffed,
    findings: Vec<Finding>,
    diagnostics: Vec<Diagnostic>,
    ran: &[RuleSet],
    options: &RunOptions,
    names: &DisplayPaths,
) -> Report {
    let graphs: Vec<&Graph> = diffed
        .after
        .graphs
        .iter()
        .chain(diffed.before.graphs.iter())
        .collect();
    let mut report = finish(
        findings,
        diagnostics,
        ran,
        &graphs,
        &diffed.after,
        Some(&diffed.before),
        options,
        names,
    );
    report.changes = diffed.changes.clone();
    report
}

#[allow(clippy::too_many_arguments)]
fn finish(
    findings: Vec<Finding>,
    mut diagnostics: Vec<Diagnostic>,
    ran: &[RuleSet],
    graphs: &[&Graph],
    loaded: &Loaded,
    before: Option<&Loaded>,
    options: &RunOptions,
    names: &DisplayPaths,
) -> Report {
    let config = &options.config;
    let excluded = |file: &str| config.excludes(names.locate(file));
    let mut sources: BTreeMap<String, Arc<str>> = BTreeMap::new();
    for graph in graphs {
        for file in &graph.files {
            sources
                .entry(file.path.to_string())
                .or_insert_with(|| file.text.clone());
        }
    }
    for document in &loaded.documents {
        sources
            .entry(document.path.to_string())
            .or_insert_with(|| document.text.clone());
    }
    let mut findings: Vec<Finding> = findings
        .into_iter()
        .filter(|f| !excluded(&f.span.file))
        .map(|mut f| {
            if let Some(s) = config.severity.get(&f.rule) {
                f.severity = *s;
            }
            f
        })
        .collect();
    let mut suppressed = Vec::new();
    if options.inline_suppressions && config.inline_suppressions {
        let applied = apply_suppressions(findings, graphs, &sources, &today());
        findings = applied.findings;
        suppressed = applied.suppressed;
    }
    if let Some(baseline) = &options.baseline {
        findings = without(findings, baseline);
    }
    diagnostics.retain(|d| d.level == Level::Error || !excluded(&d.span.file));
    diagnostics.sort();
    diagnostics.dedup();
    let mut rules: Vec<RuleInfo> = ran.iter().flat_map(RuleInfo::of).collect();
    for r in &mut rules {
        if let Some(s) = config.severity.get(&r.id) {
            r.severity = *s;
        }
    }
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    rules.dedup_by(|a, b| a.id == b.id);
    if findings
        .iter()
        .any(|f| f.rule == crate::suppress::NO_REASON_RULE)
    {
        rules.push(RuleInfo {
            id: crate::suppress::NO_REASON_RULE.into(),
            title: "Suppressions give a reason".into(),
            severity: stet_rules::Severity::Low,
            description: "A `stet:ignore` suppression with no reason after `--`.".into(),
            remediation: Some(
                "Say why the finding does not apply: `stet:ignore RULE -- why`.".into(),
            ),
            help_uri: Some(format!(
                "{}/blob/main/docs/integrations.md#suppressions",
                crate::REPOSITORY
            )),
        });
    }
    // Counts are of the version checked (the head): a file present before and after is one
    // file, not two.
    let inputs = loaded.summary.clone();
    Report {
        files: inputs.files,
        inputs,
        base_inputs: before.map(|b| b.summary.clone()),
        findings,
        suppressed,
        changes: Vec::new(),
        diagnostics,
        rules,
        resources: loaded.graphs.iter().map(|g| g.resources.len()).sum(),
        sources,
        root: Some(names.root().to_path_buf()),
    }
}

/// Why a baseline could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", path.display())]
#[non_exhaustive]
pub struct BaselineError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong.
    pub message: String,
}

/// The findings of a saved JSON report (`stet check --format json --output FILE`), read as
/// [`JsonReport`](crate::JsonReport) (the schema the JSON writer writes).
///
/// # Errors
/// The file cannot be read, is not JSON, or is not a stet JSON report (version 1); the
/// message says where.
pub fn read_baseline(path: impl AsRef<Path>) -> Result<Vec<Finding>, BaselineError> {
    let path = path.as_ref();
    let error = |message: String| BaselineError {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| error(format!("cannot read: {e}")))?;
    let report = crate::JsonReport::parse(&text)
        .map_err(|e| error(format!("not a stet JSON report: {e}")))?;
    if report.version != 1 {
        return Err(error(format!(
            "a version {} report, and this stet reads version 1",
            report.version
        )));
    }
    Ok(report
        .findings
        .iter()
        .map(crate::JsonFinding::to_finding)
        .collect())
}
