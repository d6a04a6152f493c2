//! The `stet` command: parses flags, calls the `stet` library, prints, and returns the exit
//! status (0 clean, 1 findings at or above `--fail-on`, 2 usage or input errors).

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Audit Infrastructure-as-Code for immutable infrastructure.
#[derive(Debug, Parser)]
#[command(name = "stet", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run rules over files and folders and report each failure with its location.
    Check {
        /// Files and folders to scan (default: the current folder).
        paths: Vec<PathBuf>,
        /// Rule files or folders of `.guard` files to run.
        #[arg(long, value_name = "FILE|DIR")]
        rules: Vec<PathBuf>,
        /// Run only the rules given with --rules.
        #[arg(long)]
        no_builtin: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Write the report to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Exit with status 1 when a finding is at or above this severity.
        #[arg(long, value_enum, default_value_t = FailOn::Low)]
        fail_on: FailOn,
        /// PR mode: diff against this git revision, run the change rules over the changes, and
        /// report only findings that are new relative to it.
        #[arg(long, value_name = "REV")]
        base: Option<String>,
        /// With --base: the revision to check (default: the working tree).
        #[arg(long, value_name = "REV", requires = "base")]
        head: Option<String>,
        /// Threads to use (default: one per core); the output does not depend on it.
        #[arg(long, value_name = "N")]
        jobs: Option<usize>,
    },
    /// Show what a change does to each resource: create, delete, update in place, replace or
    /// move, and which attribute forces a replacement. Compares two files or folders, or two
    /// git revisions with --base.
    Diff {
        /// BEFORE and AFTER (two files or two folders); with --base, the paths to compare
        /// (default: the current folder).
        paths: Vec<PathBuf>,
        /// Compare against this git revision (branch, tag or commit).
        #[arg(long, value_name = "REV")]
        base: Option<String>,
        /// With --base: the revision to compare (default: the working tree).
        #[arg(long, value_name = "REV", requires = "base")]
        head: Option<String>,
        #[command(flatten)]
        report: ChangeReport,
        /// Threads to use (default: one per core); the output does not depend on it.
        #[arg(long, value_name = "N")]
        jobs: Option<usize>,
    },
    /// Report the changes of a Terraform plan (`terraform show -json PLANFILE` output).
    Plan {
        /// The plan JSON.
        file: PathBuf,
        #[command(flatten)]
        report: ChangeReport,
    },
    /// Report the changes of a CloudFormation change set (`aws cloudformation
    /// describe-change-set` output; give every page of a paged result).
    Changeset {
        /// The change-set JSON file(s).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        report: ChangeReport,
    },
    /// List the built-in rules.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// Print a built-in rule's documentation page.
    Explain {
        /// The rule's ID (`PIN003`).
        rule: String,
    },
    /// Run rule tests (cfn-guard's test-file format) in a folder of rules.
    Test {
        /// A folder of `.guard` files with their tests, or one rule file (default: `.`).
        dir: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// Print the normalised documents (one per Terraform module and per CloudFormation
    /// template) with every resource and its location.
    Graph {
        /// Files and folders to read (default: the current folder).
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = GraphFormat::Json)]
        format: GraphFormat,
        /// Write the output to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Threads to use (default: one per core); the output does not depend on it.
        #[arg(long, value_name = "N")]
        jobs: Option<usize>,
    },
}

/// How diff, plan and changeset report.
#[derive(Debug, clap::Args)]
struct ChangeReport {
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Change rules (`.guard` files reading the `Changes` section) to run over the changes.
    #[arg(long, value_name = "FILE|DIR")]
    rules: Vec<PathBuf>,
    /// Run only the change rules given with --rules, not the built-in CHG rules.
    #[arg(long)]
    no_builtin: bool,
    /// Exit with status 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Low)]
    fail_on: FailOn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CheckFormat {
    /// Lines for a terminal.
    Text,
    /// The JSON report of the design contract.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
enum FailOn {
    /// Any finding.
    Info,
    /// Low and above.
    Low,
    /// Medium and above.
    Medium,
    /// High only.
    High,
    /// Never fail on findings.
    Never,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum GraphFormat {
    /// The JSON described in `docs/architecture.md`.
    Json,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check {
            paths,
            rules,
            no_builtin,
            format,
            output,
            fail_on,
            base: Some(base),
            head,
            jobs,
        } => check_base(
            &base,
            head.as_deref(),
            paths,
            rules,
            no_builtin,
            ChangeReport {
                format,
                output,
                rules: Vec::new(),
                no_builtin,
                fail_on,
            },
            jobs,
        ),
        Command::Check {
            paths,
            rules,
            no_builtin,
            format,
            output,
            fail_on,
            base: None,
            jobs,
            ..
        } => check(paths, rules, no_builtin, format, output, fail_on, jobs),
        Command::Diff {
            paths,
            base,
            head,
            report,
            jobs,
        } => {
            let options = stet::LoadOptions {
                jobs,
                ..stet::LoadOptions::default()
            };
            let diffed = match (&base, paths.as_slice()) {
                (Some(base), _) => stet::diff_revisions(base, head.as_deref(), &paths, &options)?,
                (None, [before, after]) => stet::diff_paths(before, after, &options)?,
                (None, _) => anyhow::bail!(
                    "stet diff needs BEFORE and AFTER (two files or two folders), or --base REV [PATH...]"
                ),
            };
            report_changes(&diffed, &report)
        }
        Command::Plan { file, report } => {
            let diffed = stet::read_plan_file(&file, &stet::LoadOptions::default())?;
            report_changes(&diffed, &report)
        }
        Command::Changeset { files, report } => {
            let diffed = stet::read_change_set_files(&files, &stet::LoadOptions::default())?;
            report_changes(&diffed, &report)
        }
        Command::Rules { format } => list_rules(format),
        Command::Explain { rule } => match stet::builtin_rule(&rule) {
            Some(r) => {
                write_output(None, r.page)?;
                Ok(ExitCode::SUCCESS)
            }
            None => anyhow::bail!(
                "no built-in rule `{rule}`; `stet rules` lists them ({})",
                stet::BUILTIN
                    .iter()
                    .map(|r| r.id)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        Command::Test { dir, format } => test(dir.unwrap_or_else(|| PathBuf::from(".")), format),
        Command::Graph {
            paths,
            format,
            output,
            jobs,
        } => {
            let paths = if paths.is_empty() {
                vec![PathBuf::from(".")]
            } else {
                paths
            };
            let options = stet::LoadOptions {
                jobs,
                ..stet::LoadOptions::default()
            };
            let loaded = stet::load(&paths, &options);
            let text = match format {
                GraphFormat::Json => {
                    serde_json::to_string_pretty(&stet::graph_json(&loaded))? + "\n"
                }
            };
            write_output(output.as_deref(), &text)?;
            for diagnostic in &loaded.diagnostics {
                eprintln!("{diagnostic}");
            }
            Ok(if loaded.has_errors() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn check(
    paths: Vec<PathBuf>,
    rule_paths: Vec<PathBuf>,
    no_builtin: bool,
    format: CheckFormat,
    output: Option<PathBuf>,
    fail_on: FailOn,
    jobs: Option<usize>,
) -> anyhow::Result<ExitCode> {
    if rule_paths.is_empty() && no_builtin {
        anyhow::bail!("no rules to run: --no-builtin leaves only the rules of --rules FILE|DIR, and none was given");
    }
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    };
    let (mut rules, mut diagnostics) = stet::load_rules(&rule_paths);
    if !no_builtin {
        let (builtin, problems) = stet::builtin_rules(stet::Pack::Configuration);
        rules.splice(0..0, builtin);
        diagnostics.extend(problems);
    }
    let options = stet::LoadOptions {
        jobs,
        ..stet::LoadOptions::default()
    };
    let loaded = stet::load(&paths, &options);
    let check = || stet::check(&loaded, &rules);
    let (findings, check_diagnostics) =
        match jobs.and_then(|n| rayon::ThreadPoolBuilder::new().num_threads(n).build().ok()) {
            Some(pool) => pool.install(check),
            None => check(),
        };
    diagnostics.extend(loaded.diagnostics.iter().cloned());
    diagnostics.extend(check_diagnostics);
    diagnostics.sort();
    let errors: Vec<&stet::Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.level == stet::Level::Error)
        .collect();
    let text = match format {
        CheckFormat::Json => {
            let report = serde_json::json!({
                "version": 1,
                "tool": { "name": "stet", "version": env!("CARGO_PKG_VERSION") },
                "findings": findings,
                "changes": [],
                "errors": errors,
                "warnings": diagnostics.iter().filter(|d| d.level == stet::Level::Warning).collect::<Vec<_>>(),
                "summary": {
                    "files": loaded.summary.files,
                    "resources": loaded.graphs.iter().map(|g| g.resources.len()).sum::<usize>(),
                    "findings": findings.len(),
                    "changes": 0,
                    "errors": errors.len(),
                },
            });
            serde_json::to_string_pretty(&report)? + "\n"
        }
        CheckFormat::Text => {
            let mut out = String::new();
            for f in &findings {
                out.push_str(&format!(
                    "{}:{}:{}: {} [{}] {}\n",
                    f.file, f.line, f.column, f.rule, f.severity, f.message
                ));
            }
            for d in &diagnostics {
                out.push_str(&format!("{d}\n"));
            }
            out.push_str(&format!(
                "{} finding{} in {} file{} ({} document{}); {} error{}\n",
                findings.len(),
                if findings.len() == 1 { "" } else { "s" },
                loaded.summary.files,
                if loaded.summary.files == 1 { "" } else { "s" },
                loaded.summary.documents,
                if loaded.summary.documents == 1 {
                    ""
                } else {
                    "s"
                },
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
            ));
            out
        }
    };
    write_output(output.as_deref(), &text)?;
    if !errors.is_empty() {
        return Ok(ExitCode::from(2));
    }
    Ok(exit_for(&findings, fail_on))
}

/// `stet check --base`: the configuration rules' new findings and the change rules' findings,
/// with the changes.
fn check_base(
    base: &str,
    head: Option<&str>,
    paths: Vec<PathBuf>,
    rule_paths: Vec<PathBuf>,
    no_builtin: bool,
    report: ChangeReport,
    jobs: Option<usize>,
) -> anyhow::Result<ExitCode> {
    if rule_paths.is_empty() && no_builtin {
        anyhow::bail!("no rules to run: --no-builtin leaves only the rules of --rules FILE|DIR, and none was given");
    }
    let options = stet::LoadOptions {
        jobs,
        ..stet::LoadOptions::default()
    };
    let diffed = stet::diff_revisions(base, head, &paths, &options)?;
    let (user, mut diagnostics) = stet::load_rules(&rule_paths);
    // User rules with a CHG ID read the changes; the others read the configuration.
    let (user_change, mut configuration): (Vec<_>, Vec<_>) = user.into_iter().partition(|r| {
        r.meta()
            .id
            .as_deref()
            .is_some_and(|id| id.starts_with("CHG"))
    });
    let mut change_rules = user_change;
    if !no_builtin {
        let (builtin, problems) = stet::builtin_rules(stet::Pack::Configuration);
        configuration.splice(0..0, builtin);
        diagnostics.extend(problems);
        let (builtin, problems) = stet::builtin_rules(stet::Pack::Changes);
        change_rules.splice(0..0, builtin);
        diagnostics.extend(problems);
    }
    let (mut findings, problems) = stet::new_findings(&diffed, &configuration);
    diagnostics.extend(problems);
    let (change_findings, problems) = stet::check_changes(&diffed, &change_rules);
    findings.extend(change_findings);
    findings.sort();
    diagnostics.extend(problems);
    write_report(&diffed, findings, diagnostics, &report)
}

/// `stet rules`: every built-in rule with its severity, formats and title.
fn list_rules(format: CheckFormat) -> anyhow::Result<ExitCode> {
    let mut rows = Vec::new();
    for rule in stet::BUILTIN {
        let parsed = stet::RuleSet::parse(rule.path, rule.source)
            .map_err(|e| anyhow::anyhow!("built-in rule {} does not parse: {e}", rule.id))?;
        let meta = parsed.meta().clone();
        rows.push((rule, meta));
    }
    let text = match format {
        CheckFormat::Json => {
            let list: Vec<serde_json::Value> = rows
                .iter()
                .map(|(rule, meta)| {
                    serde_json::json!({
                        "id": rule.id,
                        "title": meta.title,
                        "severity": meta.severity.map(|s| s.as_str()),
                        "formats": meta.formats,
                        "remediation": meta.remediation,
                        "diff_mode_only": rule.is_change_rule(),
                        "file": rule.path,
                    })
                })
                .collect();
            serde_json::to_string_pretty(&list)? + "\n"
        }
        CheckFormat::Text => {
            let mut out = String::new();
            for (rule, meta) in &rows {
                out.push_str(&format!(
                    "{}  {:<6}  {:<32}  {}{}\n",
                    rule.id,
                    meta.severity.map_or("", |s| s.as_str()),
                    meta.formats.join(","),
                    meta.title.as_deref().unwrap_or(""),
                    if rule.is_change_rule() {
                        "  (diff mode)"
                    } else {
                        ""
                    }
                ));
            }
            out.push_str("`stet explain ID` prints a rule's page.\n");
            out
        }
    };
    write_output(None, &text)?;
    Ok(ExitCode::SUCCESS)
}

/// Reports the changes of a diff, plan or change set, with the findings of change rules.
fn report_changes(diffed: &stet::Diffed, report: &ChangeReport) -> anyhow::Result<ExitCode> {
    let (mut rules, mut diagnostics) = stet::load_rules(&report.rules);
    if !report.no_builtin {
        let (builtin, problems) = stet::builtin_rules(stet::Pack::Changes);
        rules.splice(0..0, builtin);
        diagnostics.extend(problems);
    }
    let (findings, check_diagnostics) = if rules.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        stet::check_changes(diffed, &rules)
    };
    diagnostics.extend(check_diagnostics);
    write_report(diffed, findings, diagnostics, report)
}

/// Writes the report of a diff (changes, findings, problems) and returns the exit status.
fn write_report(
    diffed: &stet::Diffed,
    findings: Vec<stet::Finding>,
    mut diagnostics: Vec<stet::Diagnostic>,
    report: &ChangeReport,
) -> anyhow::Result<ExitCode> {
    diagnostics.extend(diffed.diagnostics.iter().cloned());
    diagnostics.sort();
    diagnostics.dedup();
    let errors: Vec<&stet::Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.level == stet::Level::Error)
        .collect();
    let tally = stet::Tally::of(&diffed.changes);
    let files = diffed.before.summary.files + diffed.after.summary.files;
    let text = match report.format {
        CheckFormat::Json => {
            let json = serde_json::json!({
                "version": 1,
                "tool": { "name": "stet", "version": env!("CARGO_PKG_VERSION") },
                "findings": findings,
                "changes": diffed.changes.iter().map(stet::Change::to_json).collect::<Vec<_>>(),
                "errors": errors,
                "warnings": diagnostics.iter().filter(|d| d.level == stet::Level::Warning).collect::<Vec<_>>(),
                "summary": {
                    "files": files,
                    "resources": diffed.after.graphs.iter().map(|g| g.resources.len()).sum::<usize>(),
                    "findings": findings.len(),
                    "changes": diffed.changes.len(),
                    "errors": errors.len(),
                    "actions": {
                        "create": tally.create,
                        "delete": tally.delete,
                        "update": tally.update,
                        "replace": tally.replace,
                        "move": tally.moved,
                        "other": tally.other,
                    },
                },
            });
            serde_json::to_string_pretty(&json)? + "\n"
        }
        CheckFormat::Text => {
            let mut out = stet::changes_text(&diffed.changes);
            for f in &findings {
                out.push_str(&format!(
                    "{}:{}:{}: {} [{}] {}\n",
                    f.file, f.line, f.column, f.rule, f.severity, f.message
                ));
            }
            for d in &diagnostics {
                out.push_str(&format!("{d}\n"));
            }
            if !findings.is_empty() || !errors.is_empty() {
                out.push_str(&format!(
                    "{} finding{}; {} error{}\n",
                    findings.len(),
                    if findings.len() == 1 { "" } else { "s" },
                    errors.len(),
                    if errors.len() == 1 { "" } else { "s" },
                ));
            }
            out
        }
    };
    write_output(report.output.as_deref(), &text)?;
    if !errors.is_empty() {
        return Ok(ExitCode::from(2));
    }
    Ok(exit_for(&findings, report.fail_on))
}

/// 1 when a finding is at or above `fail_on`, else 0.
fn exit_for(findings: &[stet::Finding], fail_on: FailOn) -> ExitCode {
    let threshold = match fail_on {
        FailOn::Info => Some(stet::Severity::Info),
        FailOn::Low => Some(stet::Severity::Low),
        FailOn::Medium => Some(stet::Severity::Medium),
        FailOn::High => Some(stet::Severity::High),
        FailOn::Never => None,
    };
    let failing = threshold.is_some_and(|t| {
        findings
            .iter()
            .any(|f| stet::Severity::parse(&f.severity).is_some_and(|s| s >= t))
    });
    if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn test(dir: PathBuf, format: CheckFormat) -> anyhow::Result<ExitCode> {
    if !dir.exists() {
        anyhow::bail!("{}: no such file or folder", dir.display());
    }
    let report = stet::run_tests(&dir);
    let text = match format {
        CheckFormat::Json => {
            let json = serde_json::json!({
                "files": report.files,
                "cases": report.cases,
                "expectations": report.expectations,
                "mismatches": report.mismatches.iter().map(|m| serde_json::json!({
                    "rule_file": m.rule_file.display().to_string(),
                    "test_file": m.test_file.display().to_string(),
                    "case": m.case,
                    "rule": m.rule,
                    "expected": m.expected,
                    "actual": m.actual,
                })).collect::<Vec<_>>(),
                "errors": report.errors,
                "unpaired": report.unpaired.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
                "unknown_rules": report.unknown_rules,
            });
            serde_json::to_string_pretty(&json)? + "\n"
        }
        CheckFormat::Text => {
            let mut out = String::new();
            for m in &report.mismatches {
                out.push_str(&format!(
                    "FAIL {} (case `{}`): rule {} expected {}, got {}\n     tests: {}\n",
                    m.rule_file.display(),
                    m.case,
                    m.rule,
                    m.expected,
                    m.actual,
                    m.test_file.display()
                ));
            }
            for e in &report.errors {
                out.push_str(e);
                if !e.ends_with('\n') {
                    out.push('\n');
                }
            }
            for u in &report.unpaired {
                out.push_str(&format!(
                    "note: {} matches no rule file by name; not run\n",
                    u.display()
                ));
            }
            out.push_str(&format!(
                "{} rule files, {} cases, {} expectations: {} passed, {} failed\n",
                report.files,
                report.cases,
                report.expectations,
                report.expectations - report.mismatches.len(),
                report.mismatches.len()
            ));
            out
        }
    };
    write_output(None, &text)?;
    Ok(if !report.errors.is_empty() {
        ExitCode::from(2)
    } else if !report.mismatches.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes `text` to `path` atomically (a temporary file renamed into place), or to
/// standard output.
fn write_output(path: Option<&std::path::Path>, text: &str) -> anyhow::Result<()> {
    match path {
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "output".into());
            let temp = dir.join(format!(".{name}.stet-{}.tmp", std::process::id()));
            std::fs::write(&temp, text)
                .with_context(|| format!("cannot write {}", temp.display()))?;
            std::fs::rename(&temp, path)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`stet graph | head`) is not an error worth a message.
            if let Err(e) = stdout.write_all(text.as_bytes()) {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(e.into());
                }
            }
        }
    }
    Ok(())
}
