//! The `stet` command: parses flags, calls the `stet` library, prints, and returns the exit
//! status (0 clean, 1 findings at or above `--fail-on`, 2 usage or input errors). Every
//! output is rendered by the library (`Report::render`, `render_rules`, `render_rule_tests`,
//! `rule_page`, `render_graph`), every format is the library's (`ReportFormat`,
//! `RulesFormat`, `GraphFormat`), and `stet.toml` meets the flags in
//! `RunOptions::from_config`; what is left here is the flags, where the output goes, and the
//! exit status.

/// mimalloc: parsing and rule evaluation allocate many small, short-lived values, where it
/// is markedly faster than the system allocator (measured in docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::Context;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Audit Infrastructure-as-Code for immutable infrastructure.
#[derive(Debug, Parser)]
#[command(name = "stet", version, about = ABOUT, long_about = PURPOSE, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to colour the text report: `auto` colours a terminal unless NO_COLOR is set
    /// (CLICOLOR_FORCE or FORCE_COLOR colour a pipe too).
    #[arg(long, value_enum, global = true, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

/// The line `stet -h` (and `stet` alone) opens with: what stet is for, not the crate's
/// description.
const ABOUT: &str = "Audit Terraform and CloudFormation/SAM for immutable infrastructure: servers \
that drift, versions that are not pinned, and changes that replace a resource or lose its data.";

/// The paragraph `stet --help` opens with.
const PURPOSE: &str = "\
Audit Infrastructure-as-Code for immutable infrastructure.

stet reads Terraform and CloudFormation/SAM as they are written (no plan, no credentials) and \
reports what makes servers drift instead of being replaced, versions that are not pinned, and \
changes that replace a resource or lose its data: which resource a change recreates, which \
attribute forces it, and what that replacement takes with it. Use it on a laptop, in a \
pre-commit hook, and on every pull request (SARIF, Markdown comments, GitHub annotations).";

/// The examples `stet --help` ends with.
const EXAMPLES: &str = "\
Examples:
  stet check                              check the current folder with the built-in rules
  stet check infra/ --fail-on high        fail only on high-severity findings
  stet check --base origin/main           pull-request mode: new findings and what the change replaces
  stet diff --base HEAD --staged          what the staged change creates, updates or replaces
  stet check --format github --output sarif=stet.sarif --output markdown=stet.md
                                          one run, three reports
  stet explain CHG002                     a rule's page

Exit status: 0 nothing at or above --fail-on, 1 findings at or above it, 2 an input could not \
be read or parsed, nothing was scanned, or a usage error.";

/// What `stet check --help` ends with.
const CHECK_EXIT: &str = "\
Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 when an input could \
not be read or parsed (even with findings), a revision is unknown, or no Terraform or \
CloudFormation file was read (unless --allow-empty).";

/// What `stet diff --help` ends with.
const DIFF_EXIT: &str = "\
Exit status: 0 when no change rule finds anything at or above --fail-on (changes alone never \
fail), 1 when one does, 2 when an input could not be read or parsed, a revision is unknown, or \
no Terraform or CloudFormation file was read on either side (unless --allow-empty).";

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the rules over files and folders and report each failure with its location.
    #[command(
        after_help = CHECK_EXIT,
        mut_arg("base", |a| a.help("Pull-request mode: diff against this git revision, run the \
            change rules over the changes, and report only findings that are new relative to it")),
        mut_arg("head", |a| a.help("With --base: the revision to check (default: the working tree)")),
    )]
    Check {
        /// Files and folders to scan (default: the current folder).
        paths: Vec<PathBuf>,
        #[command(flatten)]
        revisions: Revisions,
        #[command(flatten)]
        report: ReportArgs,
        /// Threads to use (default: one per core); the output does not depend on it.
        #[arg(long, value_name = "N")]
        jobs: Option<usize>,
        /// Accept a scan that reads no Terraform or CloudFormation file (by default it is an
        /// error: a CI job that scans nothing should not pass).
        #[arg(long)]
        allow_empty: bool,
    },
    /// Show what a change does to each resource: create, delete, update in place, replace or
    /// move, and which attribute forces a replacement. Compares two files or folders, or two
    /// git revisions with --base.
    #[command(
        after_help = DIFF_EXIT,
        mut_arg("base", |a| a.help("Compare against this git revision (branch, tag or commit)")),
        mut_arg("head", |a| a.help("With --base: the revision to compare (default: the working tree)")),
    )]
    Diff {
        /// BEFORE and AFTER (two files or two folders); with --base, the paths to compare
        /// (default: the current folder).
        paths: Vec<PathBuf>,
        #[command(flatten)]
        revisions: Revisions,
        /// With --base: compare the staged content (git's index) instead of the working tree,
        /// so unstaged edits and untracked files are left out (what a pre-commit hook wants).
        #[arg(long, requires = "base", conflicts_with = "head")]
        staged: bool,
        #[command(flatten)]
        report: ReportArgs,
        /// Threads to use (default: one per core); the output does not depend on it.
        #[arg(long, value_name = "N")]
        jobs: Option<usize>,
        /// Accept a diff that reads no Terraform or CloudFormation file on either side.
        #[arg(long)]
        allow_empty: bool,
    },
    /// Report the changes of a Terraform plan (`terraform show -json PLANFILE` output).
    Plan {
        /// The plan JSON.
        file: PathBuf,
        /// The configuration the plan was made from, for pointing each change at its code
        /// (default: the plan file's folder).
        #[arg(long, value_name = "DIR")]
        source: Option<PathBuf>,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Report the changes of a CloudFormation change set (`aws cloudformation
    /// describe-change-set` output; give every page of a paged result).
    Changeset {
        /// The change-set JSON file(s).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// List the built-in rules.
    Rules {
        /// Output format.
        #[arg(long, default_value_t = stet::RulesFormat::Text, value_parser = choices::<stet::RulesFormat>())]
        format: stet::RulesFormat,
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
        #[arg(long, default_value_t = stet::RulesFormat::Text, value_parser = choices::<stet::RulesFormat>())]
        format: stet::RulesFormat,
    },
    /// Print the normalised documents (one per Terraform module and per CloudFormation
    /// template) with every resource and its location.
    Graph {
        /// Files and folders to read (default: the current folder).
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, default_value_t = stet::GraphFormat::Json, value_parser = choices::<stet::GraphFormat>())]
        format: stet::GraphFormat,
        /// Write the output to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Threads to use (default: one per core); the output does not depend on it.
        #[arg(long, value_name = "N")]
        jobs: Option<usize>,
    },
}

/// The git revisions `check` and `diff` take; each command words their help for itself
/// (`mut_arg` on the command).
#[derive(Debug, clap::Args)]
struct Revisions {
    #[arg(long, value_name = "REV")]
    base: Option<String>,
    #[arg(long, value_name = "REV", requires = "base")]
    head: Option<String>,
}

/// The flags every reporting command shares.
#[derive(Debug, clap::Args)]
struct ReportArgs {
    /// Output format.
    #[arg(long, default_value_t = stet::ReportFormat::Text, value_parser = choices::<stet::ReportFormat>())]
    format: stet::ReportFormat,
    /// Write the report to FILE instead of standard output; `FORMAT=FILE` (repeatable) writes
    /// that format there too, from the same run (`--output sarif=stet.sarif --output
    /// markdown=stet.md`), while --format's report still goes to standard output.
    #[arg(long, value_name = "[FORMAT=]FILE", value_parser = parse_output)]
    output: Vec<Output>,
    /// Extra rule files or folders of `.guard` files (rules with a CHG ID read the changes).
    #[arg(long, value_name = "FILE|DIR")]
    rules: Vec<PathBuf>,
    /// Run only the rules of --rules and the configuration, not the built-in pack.
    #[arg(long)]
    no_builtin: bool,
    /// Exit with status 1 when a finding is at or above this severity [default: low, or
    /// `fail-on` of stet.toml].
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// The configuration file (default: stet.toml found upward from the first path).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Also list the findings that suppressions silenced.
    #[arg(long)]
    show_suppressed: bool,
    /// Ignore `stet:ignore` comments and metadata suppressions (for CI that refuses them).
    #[arg(long)]
    no_inline_suppressions: bool,
    /// Report only findings not in this saved JSON report.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Raise or lower a limit on the work done, over stet.toml's `[limits]`: max-file-size,
    /// max-total-size, max-depth, max-eval-steps, max-module-depth, max-instances,
    /// max-string-len, max-yaml-nodes, max-resources, max-rule-steps (repeatable).
    #[arg(long, value_name = "NAME=N", value_parser = parse_limit)]
    limit: Vec<(String, u64)>,
    /// A CloudFormation parameter's value for every template that declares it, over
    /// parameters files and stet.toml (repeatable; `AWS::Region=...` sets the region).
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_parameter)]
    parameter: Vec<(String, String)>,
}

/// `KEY=VALUE` of `--parameter`.
fn parse_parameter(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("expected KEY=VALUE, found `{text}`")),
    }
}

/// `NAME=N` of `--limit`.
fn parse_limit(text: &str) -> Result<(String, u64), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=N, found `{text}`"))?;
    if !stet::Limits::NAMES.contains(&name) {
        let name = name.to_string();
        return Err(stet::OptionsError::UnknownLimit { name }.to_string());
    }
    let value = value
        .parse()
        .map_err(|_| format!("`{value}` is not a whole number"))?;
    Ok((name.to_string(), value))
}

impl ReportArgs {
    /// What these flags set over `stet.toml`.
    fn overrides(&self, jobs: Option<usize>) -> stet::Overrides {
        stet::Overrides {
            rules: self.rules.clone(),
            no_builtin: self.no_builtin,
            no_inline_suppressions: self.no_inline_suppressions,
            baseline: self.baseline.clone(),
            fail_on: self.fail_on.map(FailOn::severity),
            limits: self.limit.clone(),
            parameters: self.parameter.clone(),
            jobs,
        }
    }
}

/// A format enum of the library offered as a flag's values: the names, each one's help and
/// the parsing are the library's (`ALL`, `as_str`, `description`), so the command keeps no
/// list of its own.
trait Choice: Copy + Send + Sync + 'static {
    fn all() -> &'static [Self];
    fn name(self) -> &'static str;
    fn help(self) -> &'static str;
}

/// `Choice` for library enums with `ALL`, `as_str` and `description`.
macro_rules! choice {
    ($($format:ty),*) => {$(
        impl Choice for $format {
            fn all() -> &'static [Self] {
                Self::ALL
            }
            fn name(self) -> &'static str {
                self.as_str()
            }
            fn help(self) -> &'static str {
                self.description()
            }
        }
    )*};
}

choice!(stet::ReportFormat, stet::RulesFormat, stet::GraphFormat);

/// The value parser of a flag that takes one of `T`'s names.
fn choices<T: Choice>() -> impl TypedValueParser<Value = T> {
    let values = T::all()
        .iter()
        .map(|v| PossibleValue::new(v.name()).help(v.help()));
    PossibleValuesParser::new(values).try_map(|name: String| {
        T::all()
            .iter()
            .copied()
            .find(|v| v.name() == name)
            .ok_or_else(|| format!("unknown value `{name}`"))
    })
}

/// One `--output`: a file, and the format written there (`None`: --format's).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Output {
    format: Option<stet::ReportFormat>,
    path: PathBuf,
}

/// `FILE` or `FORMAT=FILE` of `--output`.
fn parse_output(text: &str) -> Result<Output, String> {
    if let Some((name, path)) = text.split_once('=') {
        if let Some(format) = stet::ReportFormat::parse(name) {
            if path.is_empty() {
                return Err(format!("`{text}` names no file after `{name}=`"));
            }
            return Ok(Output {
                format: Some(format),
                path: PathBuf::from(path),
            });
        }
    }
    if text.is_empty() {
        return Err("an empty file name".into());
    }
    Ok(Output {
        format: None,
        path: PathBuf::from(text),
    })
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    /// Colour when standard output is a terminal; NO_COLOR turns it off, CLICOLOR_FORCE and
    /// FORCE_COLOR on.
    Auto,
    /// Always colour the text report.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour, given whether the output is a terminal and a way to read the
    /// environment. NO_COLOR (no-color.org) wins over CLICOLOR_FORCE (bixense.com/clicolors,
    /// any value but `0`) and FORCE_COLOR (force-color.org, any non-empty value).
    fn enabled(self, terminal: bool, env: impl Fn(&str) -> Option<String>) -> bool {
        let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto if set("NO_COLOR") => false,
            ColorChoice::Auto
                if env("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0")
                    || set("FORCE_COLOR") =>
            {
                true
            }
            ColorChoice::Auto => terminal,
        }
    }
}

/// `--fail-on`.
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

impl FailOn {
    fn severity(self) -> Option<stet::Severity> {
        match self {
            FailOn::Info => Some(stet::Severity::Info),
            FailOn::Low => Some(stet::Severity::Low),
            FailOn::Medium => Some(stet::Severity::Medium),
            FailOn::High => Some(stet::Severity::High),
            FailOn::Never => None,
        }
    }
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
    let color = cli.color;
    match cli.command {
        Command::Check {
            paths,
            revisions,
            report,
            jobs,
            allow_empty,
        } => {
            let paths = default_paths(paths);
            let options = run_options(&report, paths.first().map(PathBuf::as_path), jobs)?;
            let result = match &revisions.base {
                Some(base) => {
                    stet::check_revisions(base, revisions.head.as_deref(), &paths, &options)?
                }
                None => stet::check_paths(&paths, &options),
            };
            let flagged = refuse_empty(&result, &paths, allow_empty);
            emit(&result, flagged.as_ref(), &report, options.fail_on, color)
        }
        Command::Diff {
            paths,
            revisions,
            staged,
            report,
            jobs,
            allow_empty,
        } => {
            let first = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
            let options = run_options(&report, Some(&first), jobs)?;
            let head = revisions.head.as_deref();
            let diffed = match (&revisions.base, paths.as_slice()) {
                (Some(base), _) if staged => stet::diff_staged(base, &paths, &options.load)?,
                (Some(base), _) => stet::diff_revisions(base, head, &paths, &options.load)?,
                (None, [before, after]) => stet::diff_paths(before, after, &options.load)?,
                (None, _) => anyhow::bail!(
                    "stet diff needs BEFORE and AFTER (two files or two folders), or --base REV [PATH...]"
                ),
            };
            let result = stet::report_diff(diffed, &options);
            let shown = if paths.is_empty() { vec![first] } else { paths };
            let flagged = refuse_empty(&result, &shown, allow_empty);
            emit(&result, flagged.as_ref(), &report, options.fail_on, color)
        }
        Command::Plan {
            file,
            source,
            report,
        } => {
            let options = run_options(&report, file.parent(), None)?;
            let diffed = stet::read_plan_file(&file, source.as_deref(), &options.load)?;
            let result = stet::report_diff(diffed, &options);
            emit(&result, None, &report, options.fail_on, color)
        }
        Command::Changeset { files, report } => {
            let first = files.first().and_then(|f| f.parent());
            let options = run_options(&report, first, None)?;
            let diffed = stet::read_change_set_files(&files, &options.load)?;
            let result = stet::report_diff(diffed, &options);
            emit(&result, None, &report, options.fail_on, color)
        }
        Command::Rules { format } => {
            write_output(None, &stet::render_rules(format)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { rule } => {
            write_output(None, stet::rule_page(&rule)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Test { dir, format } => {
            let dir = dir.unwrap_or_else(|| PathBuf::from("."));
            if !dir.exists() {
                anyhow::bail!("{}: no such file or folder", dir.display());
            }
            let report = stet::run_tests(&dir);
            write_output(None, &stet::render_rule_tests(&report, format))?;
            Ok(if !report.errors.is_empty() {
                ExitCode::from(2)
            } else if !report.mismatches.is_empty() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Graph {
            paths,
            format,
            output,
            jobs,
        } => {
            let options = stet::LoadOptions {
                jobs,
                ..stet::LoadOptions::default()
            };
            let loaded = stet::load(&default_paths(paths), &options);
            write_output(output.as_deref(), &stet::render_graph(&loaded, format))?;
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

fn default_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    }
}

/// The run options: `--config`'s file, else stet.toml found upward from `start`, with the
/// flags over it.
fn run_options(
    report: &ReportArgs,
    start: Option<&Path>,
    jobs: Option<usize>,
) -> anyhow::Result<stet::RunOptions> {
    let config = match &report.config {
        Some(file) => stet::Config::read(file)?,
        None => stet::Config::discover(start.unwrap_or(Path::new(".")))?,
    };
    let options = stet::RunOptions::from_config(&config, &report.overrides(jobs))?;
    use_this_thread(options.load.jobs);
    Ok(options)
}

/// Makes rayon's pool `jobs` threads (default: one per core) of which this thread is one,
/// rather than a thread waiting on the others: one thread fewer to start, with its stack and
/// allocator heap, on every run — about 70 of a small run's 720 page faults and a fifth of
/// its time (docs/performance.md#start-up). The library then runs on this pool instead of
/// building one for `--jobs` (it builds one only when the pool's size differs). A pool that
/// cannot be set up leaves rayon's default.
fn use_this_thread(jobs: Option<usize>) {
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .use_current_thread()
        .build_global();
}

/// A run that read no Terraform or CloudFormation file is an error unless `--allow-empty`:
/// stet says so on stderr, and returns the report carrying it ([`stet::Report::empty_scan`]),
/// which every rendering uses but the text report on standard output, which leaves the error
/// to stderr rather than repeat it.
fn refuse_empty(
    report: &stet::Report,
    paths: &[PathBuf],
    allow_empty: bool,
) -> Option<stet::Report> {
    if allow_empty {
        return None;
    }
    let empty = report.empty_scan(paths)?;
    eprintln!(
        "error: {}\n  = help: check the path (and `.gitignore`, which stet honours), or pass --allow-empty to accept an empty scan",
        empty.message
    );
    Some(empty.report)
}

/// Renders the report where asked and returns the exit status. `flagged` is the report with
/// the error of an empty scan ([`refuse_empty`]): every rendering uses it but the text report
/// on standard output, beside the same error on stderr.
fn emit(
    report: &stet::Report,
    flagged: Option<&stet::Report>,
    args: &ReportArgs,
    fail_on: Option<stet::Severity>,
    color: ColorChoice,
) -> anyhow::Result<ExitCode> {
    let plain: Vec<&Output> = args.output.iter().filter(|o| o.format.is_none()).collect();
    if plain.len() > 1 {
        anyhow::bail!(
            "--output FILE given {} times; write further formats with --output FORMAT=FILE (`--output sarif=stet.sarif`)",
            plain.len()
        );
    }
    let options = |format: stet::ReportFormat, to_terminal: bool| stet::RenderOptions {
        color: format == stet::ReportFormat::Text
            && color.enabled(to_terminal, |name| {
                std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
            }),
        show_suppressed: args.show_suppressed,
        fail_on,
    };
    for output in &args.output {
        let format = output.format.unwrap_or(args.format);
        let text = flagged
            .unwrap_or(report)
            .render(format, &options(format, false));
        write_output(Some(&output.path), &text)?;
    }
    if plain.is_empty() {
        let terminal = std::io::stdout().is_terminal();
        let shown = match flagged {
            Some(flagged) if args.format != stet::ReportFormat::Text => flagged,
            _ => report,
        };
        let text = shown.render(args.format, &options(args.format, terminal));
        write_output(None, &text)?;
    }
    Ok(ExitCode::from(
        flagged.unwrap_or(report).exit_status(fail_on),
    ))
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
            // `create_new` refuses an existing file or link at the temporary name, so nothing
            // planted there is written through; the rename then replaces `path` itself (a
            // link at `path` is replaced, not followed).
            let written = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temp)
                .and_then(|mut file| {
                    file.write_all(text.as_bytes())?;
                    file.sync_all()
                })
                // The temporary file is ours, not the user's: errors name the path asked for.
                .with_context(|| format!("cannot write {}", path.display()))
                .and_then(|()| {
                    std::fs::rename(&temp, path)
                        .with_context(|| format!("cannot write {}", path.display()))
                });
            if written.is_err() {
                let _ = std::fs::remove_file(&temp);
            }
            written?;
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
