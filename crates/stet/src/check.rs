//! Running rules over what was loaded: rule files found and parsed ([`load_rules`]), every
//! rule evaluated over every document's rule document, and each failure turned into a
//! located [`Finding`] ([`check`]). Rendering findings is `report`'s job.

use crate::diagnostic::{Diagnostic, Level};
use crate::{Diffed, Loaded};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use stet_diff::{changes_section, AttributeChange, Change, Replacement};
use stet_graph::{render_document, Graph, Span, Value};
use stet_rules::{RuleSet, Severity};

/// A rule that failed on a value, with its place.
///
/// Findings are made by stet ([`check`], [`crate::check_paths`], …) or, for a program that
/// renders findings of its own, with [`Finding::new`]; more fields may be added.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub struct Finding {
    /// Where the failing value is written (its file named as stet names files: relative to
    /// where stet runs).
    pub span: Span,
    /// The rule's ID, or its name when the file has no `# stet:` header.
    pub rule: String,
    /// How much it matters.
    pub severity: Severity,
    /// What is wrong: the rule's message, else what the clause compared.
    pub message: String,
    /// How to fix it, from the rule's header.
    pub remediation: Option<String>,
    /// The resource (address or logical ID) holding the value.
    pub resource: String,
    /// The resource's type.
    pub resource_type: String,
    /// The clause that failed, as `rule-file:line:column`.
    pub clause: String,
    /// Other addresses the same finding was reported under (a module's resource reached
    /// through module calls), so that a suppression above a call also covers it.
    pub aliases: Vec<String>,
    /// Other places the finding concerns: for a change rule anchored on the attribute that
    /// forces a replacement, the resource's block; for a value CloudFormation computes,
    /// where its inputs are written (a parameter's default, a parameters-file entry, a
    /// mapping entry).
    pub related: Vec<Related>,
}

impl Finding {
    /// A finding of `rule` at `span`, about no resource in particular.
    ///
    /// ```
    /// let span = stet::Span::file_start("main.tf".into());
    /// let mut finding = stet::Finding::new(span, "MY001", stet::Severity::High, "no owner tag");
    /// finding.resource = "aws_s3_bucket.logs".into();
    /// assert_eq!(finding.span.start.line, 1);
    /// ```
    pub fn new(
        span: Span,
        rule: impl Into<String>,
        severity: Severity,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            span,
            rule: rule.into(),
            severity,
            message: message.into(),
            remediation: None,
            resource: String::new(),
            resource_type: String::new(),
            clause: String::new(),
            aliases: Vec::new(),
            related: Vec::new(),
        }
    }
}

/// A secondary place of a [`Finding`] (SARIF's `relatedLocations`), with what it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub struct Related {
    /// The place.
    pub span: Span,
    /// What is there: `the resource`, ``parameter `ImageTag` = `latest` (default)``.
    pub message: String,
}

impl Related {
    /// `message` about the place `span`.
    pub fn new(span: Span, message: impl Into<String>) -> Related {
        Related {
            span,
            message: message.into(),
        }
    }
}

/// Reads every `.guard` file in `paths` (files or folders, recursively). Files that do not
/// parse are diagnostics; the others are returned.
pub fn load_rules(paths: &[impl AsRef<Path>]) -> (Vec<RuleSet>, Vec<Diagnostic>) {
    load_rules_named(paths, &|file| file.to_string_lossy().into_owned())
}

/// [`load_rules`], each rule file named by `name` (a run's display names) in its rules and
/// diagnostics.
pub(crate) fn load_rules_named(
    paths: &[impl AsRef<Path>],
    name: &dyn Fn(&Path) -> String,
) -> (Vec<RuleSet>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    for path in paths {
        collect_rule_files(path.as_ref(), &mut files);
    }
    files.sort();
    let mut rules = Vec::new();
    let mut diagnostics = Vec::new();
    for file in files {
        let name = name(&file);
        match std::fs::read_to_string(&file) {
            Ok(text) => match RuleSet::parse(&name, &text) {
                Ok(r) => rules.push(r),
                Err(e) => diagnostics.push(match e.span() {
                    Some(span) => Diagnostic::at(span, e.message(), Level::Error),
                    None => Diagnostic::file(&name, e.to_string(), Level::Error),
                }),
            },
            Err(e) => diagnostics.push(Diagnostic::file(
                &name,
                format!("cannot read: {e}"),
                Level::Error,
            )),
        }
    }
    (rules, diagnostics)
}

fn collect_rule_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_file() {
        out.push(path.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        out.push(path.to_path_buf());
        return;
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            collect_rule_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "guard") {
            out.push(p);
        }
    }
}

/// Runs `rules` over every document in `loaded`. Each failing value becomes one finding; the
/// same rule at the same file:line is reported once (a module folder can be reached both on
/// its own and through a call).
pub fn check(loaded: &Loaded, rules: &[RuleSet]) -> (Vec<Finding>, Vec<Diagnostic>) {
    let subjects: Vec<Subject<'_>> = loaded
        .graphs
        .iter()
        .map(|graph| Subject {
            graph: Some(graph),
            changes: None,
            data: None,
        })
        .chain(loaded.documents.iter().map(|document| Subject {
            graph: None,
            changes: None,
            data: Some(document),
        }))
        .collect();
    run(&subjects, rules)
}

/// Runs `rules` over the documents of a diff, each with the `Changes` section of its
/// changes (documents deleted as a whole are checked in their old version; plans and change
/// sets, which have no documents, as one document holding only `Changes`). A finding on a
/// change names the changed resource.
pub fn check_changes(diffed: &Diffed, rules: &[RuleSet]) -> (Vec<Finding>, Vec<Diagnostic>) {
    let mut by_document: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
    for change in &diffed.changes {
        by_document
            .entry(change.document.as_str())
            .or_default()
            .push(change);
    }
    let mut subjects = Vec::new();
    for graph in &diffed.after.graphs {
        let changes = by_document.remove(&*graph.path).unwrap_or_default();
        subjects.push(Subject {
            graph: Some(graph),
            data: None,
            changes: Some(changes),
        });
    }
    for graph in &diffed.before.graphs {
        if let Some(changes) = by_document.remove(&*graph.path) {
            subjects.push(Subject {
                graph: Some(graph),
                data: None,
                changes: Some(changes),
            });
        }
    }
    for (_, changes) in by_document {
        subjects.push(Subject {
            graph: None,
            data: None,
            changes: Some(changes),
        });
    }
    run(&subjects, rules)
}

/// PR mode: the findings of `rules` on the new version of a diff that the old version does
/// not have. Findings match across versions by rule, file, resource and message (not by line:
/// lines move when a change adds lines above); findings about a whole module or template
/// (no resource) match without their file, which is just the document's first one.
pub fn new_findings(diffed: &Diffed, rules: &[RuleSet]) -> (Vec<Finding>, Vec<Diagnostic>) {
    let (after, mut diagnostics) = check(&diffed.after, rules);
    let (before, before_diagnostics) = check(&diffed.before, rules);
    diagnostics.extend(before_diagnostics);
    let fresh = without(after, &before);
    diagnostics.sort();
    diagnostics.dedup();
    (fresh, diagnostics)
}

/// `findings` without those `known` already has, each known finding matching once. Findings
/// match by rule, file, resource and message (not by line, which moves when lines are added
/// above); findings about a whole module or template (no resource) match without their file,
/// which is just the document's first one. Pull-request mode and `--baseline` share it.
pub(crate) fn without(findings: Vec<Finding>, known: &[Finding]) -> Vec<Finding> {
    let key = |f: &Finding| {
        let file = if f.resource.is_empty() {
            String::new()
        } else {
            f.span.file.to_string()
        };
        (f.rule.clone(), file, f.resource.clone(), f.message.clone())
    };
    let mut counts: BTreeMap<_, usize> = BTreeMap::new();
    for f in known {
        *counts.entry(key(f)).or_default() += 1;
    }
    findings
        .into_iter()
        .filter(|f| match counts.get_mut(&key(f)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .collect()
}

/// How deep in module calls an address is (`module.a.module.b.x` is 2).
fn depth(address: &str) -> usize {
    address.matches("module.").count()
}

/// One document to check: a graph, and in diff mode its changes; or a data file's document.
struct Subject<'a> {
    graph: Option<&'a Graph>,
    changes: Option<Vec<&'a Change>>,
    data: Option<&'a crate::DataDocument>,
}

fn run(subjects: &[Subject<'_>], rules: &[RuleSet]) -> (Vec<Finding>, Vec<Diagnostic>) {
    use rayon::prelude::*;
    let parts: Vec<(Vec<Finding>, Vec<Diagnostic>)> = subjects
        .par_iter()
        .map(|subject| check_subject(subject, rules))
        .collect();
    let mut findings = Vec::new();
    let mut diagnostics = Vec::new();
    for (f, d) in parts {
        findings.extend(f);
        diagnostics.extend(d);
    }
    // One finding per rule and place: a module folder is a document of its own and part of
    // every document that calls it, so the same value can fail under several addresses. The
    // module's own (shortest) address is kept. Sorted first, so which one stays never depends
    // on threads.
    let place = |f: &Finding| (f.span.file.clone(), f.span.start.line, f.span.start.column);
    findings.sort_by(|a, b| {
        (&a.rule, place(a), depth(&a.resource), a).cmp(&(&b.rule, place(b), depth(&b.resource), b))
    });
    let mut kept: Vec<Finding> = Vec::new();
    let mut places: std::collections::HashMap<(String, _, String), usize> = Default::default();
    for f in findings {
        let text = f
            .message
            .strip_prefix(f.resource.as_str())
            .unwrap_or(&f.message)
            .to_string();
        let key = (f.rule.clone(), place(&f), text);
        match places.get(&key) {
            Some(&i) => {
                if let Some(first) = kept.get_mut(i) {
                    if first.resource != f.resource && !first.aliases.contains(&f.resource) {
                        first.aliases.push(f.resource);
                    }
                }
            }
            None => {
                places.insert(key, kept.len());
                kept.push(f);
            }
        }
    }
    let mut findings = kept;
    // And once per offending resource: clauses joined by `or` fail together, each at its own
    // value, with the same message. The first place in the file stays.
    findings.sort();
    let mut seen = HashSet::new();
    findings.retain(|f| {
        f.resource.is_empty()
            || seen.insert((
                f.rule.clone(),
                f.span.file.clone(),
                f.resource.clone(),
                f.message.clone(),
            ))
    });
    diagnostics.sort();
    diagnostics.dedup();
    (findings, diagnostics)
}

fn check_subject(subject: &Subject<'_>, rules: &[RuleSet]) -> (Vec<Finding>, Vec<Diagnostic>) {
    let mut findings = Vec::new();
    let mut diagnostics = Vec::new();
    let changes: &[&Change] = subject.changes.as_deref().unwrap_or_default();
    let fallback = match (subject.graph, changes.first()) {
        (Some(graph), _) => graph
            .files
            .first()
            .map(|f| Span::file_start(f.path.clone()))
            .unwrap_or_else(|| Span::file_start(graph.path.clone())),
        (None, Some(change)) => Span::file_start(change.span.file.clone()),
        (None, None) => match subject.data {
            Some(data) => Span::file_start(data.path.clone()),
            None => return (findings, diagnostics),
        },
    };
    let with_changes = |mut document: Value| {
        if subject.changes.is_some() {
            if let Some(map) = document.as_map_mut() {
                map.insert(
                    "Changes",
                    fallback.clone(),
                    changes_section(changes, &fallback),
                );
            }
        }
        document
    };
    let document = with_changes(match (subject.graph, subject.data) {
        (Some(graph), _) => render_document(graph),
        (None, Some(data)) => data.value.clone(),
        (None, None) => Value::empty_map(fallback.clone()),
    });
    // A CloudFormation template as it deploys, for the rules that read it so.
    let resolved = subject.graph.and_then(|g| g.resolved.as_deref());
    let resolved_document = resolved
        .filter(|_| rules.iter().any(wants_resolved))
        .map(|r| with_changes(r.document.clone()));
    let name = subject
        .graph
        .map_or_else(|| fallback.file.to_string(), |g| g.path.to_string());
    let format = subject.graph.map(|g| g.format);
    // A data file is checked by the rules that name no formats (one's own rules), not by the
    // built-in pack.
    let wanted = |r: &&RuleSet| match subject.data {
        Some(_) => r.meta().formats.is_empty(),
        None => applies(r.meta(), format),
    };
    for ruleset in rules.iter().filter(wanted) {
        let (document, origins) = match &resolved_document {
            Some(d) if wants_resolved(ruleset) => (d, resolved),
            _ => (&document, None),
        };
        let results = match ruleset.evaluate(document) {
            Ok(r) => r,
            Err(stet_rules::EvalError::Budget { steps, .. }) => {
                diagnostics.push(Diagnostic::file(
                    Path::new(ruleset.path()),
                    format!(
                        "rule evaluation stopped after {steps} steps on `{name}`, so this rule file's findings there are missing{}",
                        crate::diagnostic::raise_hint("max-rule-steps")
                    ),
                    Level::Error,
                ));
                continue;
            }
            // As cfn-guard stops on a rule it cannot evaluate (an undefined variable or rule),
            // the rule file's findings on this document are missing; the error says where.
            Err(stet_rules::EvalError::Evaluation { span, message, .. }) => {
                let message = format!(
                    "{message} (evaluating on `{name}`), so this rule file's findings there are missing"
                );
                diagnostics.push(match span {
                    Some(span) => Diagnostic::at(&span, message, Level::Error),
                    None => Diagnostic::file(Path::new(ruleset.path()), message, Level::Error),
                });
                continue;
            }
        };
        let meta = ruleset.meta();
        for result in results
            .iter()
            .filter(|r| r.status == stet_rules::Status::Fail)
        {
            let rule = meta.id.clone().unwrap_or_else(|| result.name.clone());
            let mut missing_once = std::collections::HashSet::new();
            for failure in &result.failures {
                let mut span = failure
                    .at
                    .clone()
                    .filter(|s| !s.file.is_empty())
                    .unwrap_or_else(|| fallback.clone());
                // A value a module's caller wrote (an argument of its `module` block) is
                // reported where the caller wrote it — the line the caller's author changes,
                // one finding per call — with the reference inside the module as the related
                // place.
                let mut read_at = None;
                if let Some(argument) = failure
                    .defined_at
                    .as_ref()
                    .filter(|defined| is_module_argument(subject.graph, changes, defined))
                {
                    read_at = Some(std::mem::replace(&mut span, argument.clone()));
                }
                // A failure with nothing of its own to point at (a missing section) is
                // reported at the value its block was judging, else, in a Terraform module,
                // at the module's first block — never at 1:1 of whichever file came first. It
                // stays a finding about the document (no resource), so that it matches itself
                // across versions (`--base`, baselines) wherever it points.
                let mut about_the_module = false;
                if is_document_start(&span) {
                    let judged = failure
                        .within
                        .clone()
                        .filter(|w| !w.file.is_empty() && !is_document_start(w));
                    if let Some(place) = judged {
                        // What is missing is missing once, however many values the block
                        // judged: reported at the first of them.
                        if !missing_once.insert((rule.clone(), failure.message.clone())) {
                            continue;
                        }
                        span = place;
                        about_the_module = true;
                    } else if let Some(place) = subject.graph.and_then(module_anchor) {
                        span = place;
                        about_the_module = true;
                    }
                }
                let (mut resource, mut resource_type) = if about_the_module {
                    Default::default()
                } else {
                    failure
                        .value
                        .and_then(|id| instance_holding(subject.graph, document, &span, id))
                        .unwrap_or_else(|| owner(subject.graph, changes, &span))
                };
                // A CloudFormation resource written by a `Fn::ForEach` loop has no block of its
                // own: it is named by the entry of the deployed template that holds the value.
                if resource.is_empty() && !about_the_module {
                    if let Some(found) = failure
                        .value
                        .filter(|_| subject.graph.is_some_and(|g| g.format.is_cloudformation()))
                        .and_then(|id| resource_holding(document, id))
                    {
                        (resource, resource_type) = found;
                    }
                }
                // What a CloudFormation resource lacks (a property, a policy) is reported at
                // the resource's logical ID, not at the first line of its `Properties` or body
                // mapping, which holds some other key.
                if let Some(header) = subject
                    .graph
                    .and_then(|g| cloudformation_resource_at(g, &resource, &span))
                {
                    span = header;
                }
                let mut related = Vec::new();
                // A value that came from outside the resource the clause judged (a Terraform
                // variable's default, a local value) is reported at that resource — the
                // innermost value a block around the clause judged that is in one (the
                // instance holding the value, when every instance of a module shares the
                // block) — the value's origin kept as the related place.
                let from_elsewhere = resource.is_empty()
                    && span.end.offset > 0
                    && (in_variable(subject.graph, &span) || in_local(subject.graph, &span));
                let judged = failure
                    .enclosing
                    .iter()
                    .chain(failure.within.iter())
                    .filter(|_| from_elsewhere)
                    .map(|within| {
                        let (at, at_type) = failure
                            .value
                            .and_then(|id| instance_holding(subject.graph, document, within, id))
                            .unwrap_or_else(|| owner(subject.graph, changes, within));
                        (within, at, at_type)
                    })
                    .find(|(_, at, _)| !at.is_empty())
                    .map(|(within, at, at_type)| (within.clone(), at, at_type));
                // Else the resource whose value holds it (a value a rule selected across
                // resources, such as every fixed name), at its block.
                let judged = judged.or_else(|| {
                    let graph = subject.graph.filter(|_| from_elsewhere)?;
                    let r = resource_with_value(graph, document, failure.value?)?;
                    Some((r.span.clone(), r.address.clone(), r.resource_type.clone()))
                });
                if let Some((within, at, at_type)) = judged {
                    related.push(Related::new(span.clone(), "the value comes from here"));
                    span = within;
                    (resource, resource_type) = (at, at_type);
                }
                // A value read through a Terraform variable is at the reference; where its
                // value is written (a default, a `.tfvars` entry, a module argument) is the
                // related place.
                if let Some(reference) = read_at.take() {
                    related.push(Related::new(reference, "the module reads it here"));
                } else if related.is_empty() {
                    if let Some(defined) = &failure.defined_at {
                        related.push(Related::new(defined.clone(), "the value comes from here"));
                    }
                }
                // A change rule that fails on the resource as a whole (its `Replacement`,
                // `CreateBeforeDestroy`, `Name`) points at the attribute that decides it, the
                // line a reviewer must change; the block stays as the related place.
                if let Some((change, attribute)) = changes
                    .iter()
                    .find(|c| c.address == resource && c.span == span)
                    .and_then(|c| anchor(c).map(|a| (c, a)))
                {
                    related.push(Related::new(
                        change.span.clone(),
                        format!("{} is declared here", change.address),
                    ));
                    span = attribute.span.clone();
                }
                let label = if resource.is_empty() {
                    name.as_str()
                } else {
                    resource.as_str()
                };
                let (text, fix) = match &failure.message {
                    Some(m) => split_fix(m),
                    None => (failure.explanation.to_string(), None),
                };
                let mut message = format!("{label}: {text}");
                let inputs = origins.map(|o| o.inputs_at(&span)).unwrap_or_default();
                if !inputs.is_empty() {
                    let names: Vec<String> = inputs.iter().map(|i| input_label(i)).collect();
                    message.push_str(&format!(" (value from {})", names.join("; ")));
                }
                related.extend(
                    inputs
                        .iter()
                        .filter_map(|i| Some(Related::new(i.span.clone()?, input_label(i)))),
                );
                findings.push(Finding {
                    span,
                    rule: rule.clone(),
                    severity: meta.severity.unwrap_or(Severity::Medium),
                    message,
                    remediation: fix.or_else(|| meta.remediation.clone()),
                    resource,
                    resource_type,
                    clause: failure.clause.to_string(),
                    aliases: Vec::new(),
                    related,
                });
            }
        }
    }
    (findings, diagnostics)
}

/// Whether a rule reads CloudFormation templates as they deploy: the built-in rules do, and
/// a rule file whose header says `view: resolved`; other rule files read templates as
/// written, as cfn-guard does.
fn wants_resolved(rule: &RuleSet) -> bool {
    match rule.meta().view.as_deref() {
        Some(view) => view == "resolved",
        None => crate::builtin::BUILTIN
            .iter()
            .any(|b| b.path == rule.path() && rule.meta().id.as_deref() == Some(b.id)),
    }
}

/// An input of a resolved value for messages, without its line (a finding's message is how
/// pull-request mode matches it across versions): ``parameter `Tag` = `latest`, its default``.
fn input_label(input: &stet_graph::Input) -> String {
    let value = input
        .value
        .as_deref()
        .map(|v| format!(" = `{v}`"))
        .unwrap_or_default();
    match input.via.as_str() {
        "condition" | "mapping" => format!("{}{value}", input.name),
        "default" => format!("{}{value}, its default", input.name),
        "--parameter" => format!("{}{value} from --parameter", input.name),
        via => format!("{}{value} in {via}", input.name),
    }
}

/// Whether a rule applies to a document of `format` (`None`: a plan or change set, which
/// only change rules read): the header's `formats` list `terraform`, `cloudformation` (SAM
/// included) or `sam`; a rule with no `formats` applies everywhere.
fn applies(meta: &stet_rules::RuleMeta, format: Option<stet_graph::Format>) -> bool {
    let Some(format) = format else { return true };
    meta.formats.is_empty()
        || meta.formats.iter().any(|f| match f.as_str() {
            "terraform" => format == stet_graph::Format::Terraform,
            "cloudformation" => format.is_cloudformation(),
            "sam" => matches!(
                format,
                stet_graph::Format::SamJson | stet_graph::Format::SamYaml
            ),
            _ => false,
        })
}

/// A custom message split into the message and its fix: lines from one starting with
/// `fix:` on are the finding's remediation (in place of the header's, so that one rule can
/// say the fix in each format's terms); lines are joined, blank lines and surrounding space
/// dropped.
fn split_fix(message: &str) -> (String, Option<String>) {
    let lines: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let at = lines
        .iter()
        .position(|l| l.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("fix:")));
    match at {
        Some(at) => {
            let (text, fix) = lines.split_at(at);
            let fix = fix.join(" ");
            let fix = fix.get(4..).unwrap_or_default().trim().to_string();
            (text.join(" "), (!fix.is_empty()).then_some(fix))
        }
        None => (lines.join(" "), None),
    }
}

/// The attribute a change-rule finding on the whole resource points at: the one that
/// decides its replacement (always, then conditional, then unknown; direct edits before
/// knock-on ones), written in the new version. `None` when no attribute decides it (a type
/// change, a creation).
fn anchor(change: &Change) -> Option<&AttributeChange> {
    let rank = |a: &AttributeChange| match a.replacement {
        Replacement::Always => 3,
        Replacement::Conditional => 2,
        Replacement::Unknown => 1,
        Replacement::Never => 0,
    };
    change
        .attributes
        .iter()
        .filter(|a| a.after.is_some() && rank(a) > 0)
        .min_by_key(|a| (std::cmp::Reverse(rank(a)), a.caused_by.is_some()))
}

/// Whether `span` lies in a Terraform variable (its default), not in a resource.
fn in_variable(graph: Option<&Graph>, span: &Span) -> bool {
    graph.is_some_and(|g| {
        !g.format.is_cloudformation()
            && g.resources.iter().any(|r| {
                r.kind == stet_graph::ResourceKind::Variable
                    && r.span.file == span.file
                    && r.span.start.offset <= span.start.offset
                    && span.end.offset <= r.span.end.offset
            })
    })
}

/// The span of CloudFormation resource `address` (from its logical ID to the end of its
/// body) when `span` is its `Properties` mapping or its body as a whole.
fn cloudformation_resource_at(graph: &Graph, address: &str, span: &Span) -> Option<Span> {
    if !graph.format.is_cloudformation() || address.is_empty() {
        return None;
    }
    let r = graph
        .resources
        .iter()
        .find(|r| r.kind == stet_graph::ResourceKind::Managed && r.address == address)?;
    let body = graph
        .template
        .as_ref()
        .and_then(|t| t.get("Resources")?.get(address));
    (*span == r.attributes.span || body.is_some_and(|b| b.span == *span)).then(|| r.span.clone())
}

/// Whether `span` lies in a Terraform local value (`locals { name = ... }`).
fn in_local(graph: Option<&Graph>, span: &Span) -> bool {
    graph.is_some_and(|g| {
        g.settings.local_values.iter().any(|l| {
            l.file == span.file
                && l.start.offset <= span.start.offset
                && span.end.offset <= l.end.offset
        })
    })
}

/// The empty span at the start of a file, which stands for the whole document.
fn is_document_start(span: &Span) -> bool {
    span.start.offset == 0 && span.end.offset == 0
}

/// Where a finding about a whole Terraform module points when nothing narrower explains it:
/// the module's own first resource, data source or module call (in file order).
fn module_anchor(graph: &Graph) -> Option<Span> {
    if graph.format.is_cloudformation() {
        return None;
    }
    let file_order = |file: &str| graph.files.iter().position(|f| &*f.path == file);
    graph
        .resources
        .iter()
        .filter(|r| {
            // The module's own blocks: not those of the modules it calls.
            let own = match r.kind {
                stet_graph::ResourceKind::Managed | stet_graph::ResourceKind::Data => {
                    !r.address.starts_with("module.")
                }
                stet_graph::ResourceKind::Module => r.address.matches("module.").count() == 1,
                _ => false,
            };
            own && !r.span.file.is_empty()
        })
        .min_by_key(|r| (file_order(&r.span.file), r.span.start.offset))
        .map(|r| r.span.clone())
}

/// Of several resources whose block holds `span` (one block in every instance of a module or
/// of `count`), the one whose value in the evaluated `document` is, or holds, the failing
/// value `id`; `None` when the block is not shared or the value is not found.
fn instance_holding(
    graph: Option<&Graph>,
    document: &Value,
    span: &Span,
    id: usize,
) -> Option<(String, String)> {
    let graph = graph?;
    let holders: Vec<&stet_graph::Resource> = graph
        .resources
        .iter()
        .filter(|r| {
            matches!(
                r.kind,
                stet_graph::ResourceKind::Managed
                    | stet_graph::ResourceKind::Data
                    | stet_graph::ResourceKind::Module
            ) && r.span.file == span.file
                && r.span.start.offset <= span.start.offset
                && span.end.offset <= r.span.end.offset
        })
        .collect();
    if holders.len() < 2 {
        return None;
    }
    let found = holders
        .into_iter()
        .find(|r| document_entry(document, r).is_some_and(|v| holds_value(v, id)));
    // A value written in a module call (an input) and judged in one instance's resource.
    let found = found.or_else(|| resource_with_value(graph, document, id));
    found.map(|r| (r.address.clone(), r.resource_type.clone()))
}

/// The entry of resource `r` in the rule document (module calls are keyed without their
/// leading `module.`).
fn document_entry<'d>(document: &'d Value, r: &stet_graph::Resource) -> Option<&'d Value> {
    match r.kind {
        stet_graph::ResourceKind::Managed => document.get("Resources")?.get(&r.address),
        stet_graph::ResourceKind::Data => document.get("Data")?.get(&r.address),
        _ => document
            .get("Modules")?
            .get(r.address.strip_prefix("module.").unwrap_or(&r.address)),
    }
}

/// The resource or data source whose entry in the rule document is, or holds, the value
/// whose identity is `id`.
fn resource_with_value<'g>(
    graph: &'g Graph,
    document: &Value,
    id: usize,
) -> Option<&'g stet_graph::Resource> {
    graph
        .resources
        .iter()
        .filter(|r| {
            matches!(
                r.kind,
                stet_graph::ResourceKind::Managed | stet_graph::ResourceKind::Data
            )
        })
        .find(|r| document_entry(document, r).is_some_and(|v| holds_value(v, id)))
}

/// The entry of the rule document's `Resources` (its logical ID and `Type`) that is, or
/// holds, the value whose identity is `id`.
fn resource_holding(document: &Value, id: usize) -> Option<(String, String)> {
    let resources = document.get("Resources")?.as_map()?;
    resources
        .iter()
        .find(|e| holds_value(&e.value, id))
        .map(|e| {
            let ty = e
                .value
                .get("Type")
                .and_then(Value::as_str)
                .unwrap_or_default();
            (e.key.clone(), ty.to_string())
        })
}

/// Whether `span` is inside a `module` block of `graph` (an argument its caller wrote).
fn is_module_argument(graph: Option<&Graph>, changes: &[&Change], span: &Span) -> bool {
    graph.is_some() && owner(graph, changes, span).1 == "module"
}

/// Whether `value` is, or holds, the value whose identity is `id`.
fn holds_value(value: &Value, id: usize) -> bool {
    if std::ptr::from_ref(value) as usize == id {
        return true;
    }
    match &value.kind {
        stet_graph::ValueKind::List(items) => items.iter().any(|v| holds_value(v, id)),
        stet_graph::ValueKind::Map(map) => map.iter().any(|e| holds_value(&e.value, id)),
        _ => false,
    }
}

/// The innermost change, else resource, whose span holds `span`.
fn owner(graph: Option<&Graph>, changes: &[&Change], span: &Span) -> (String, String) {
    // The empty span at the start of a file stands for the whole document (a missing
    // section), not for a resource that happens to start there.
    if is_document_start(span) {
        return Default::default();
    }
    let holds = |outer: &Span| {
        outer.file == span.file
            && outer.start.offset <= span.start.offset
            && span.end.offset <= outer.end.offset
    };
    let change = changes
        .iter()
        .filter(|c| holds(&c.span) || c.attributes.iter().any(|a| a.span == *span))
        .min_by_key(|c| c.span.end.offset - c.span.start.offset)
        .map(|c| (c.address.clone(), c.resource_type.clone()));
    if let Some(found) = change {
        return found;
    }
    // Terraform variables, outputs and providers hold values (a variable's default) but are
    // not what a finding is about; a CloudFormation parameter can be.
    graph
        .into_iter()
        .flat_map(|g| g.resources.iter())
        .filter(|r| {
            matches!(
                r.kind,
                stet_graph::ResourceKind::Managed
                    | stet_graph::ResourceKind::Data
                    | stet_graph::ResourceKind::Module
            ) || (r.kind == stet_graph::ResourceKind::Variable
                && graph.is_some_and(|g| g.format.is_cloudformation()))
        })
        .filter(|r| holds(&r.span))
        .min_by_key(|r| r.span.end.offset - r.span.start.offset)
        .map(|r| (r.address.clone(), r.resource_type.clone()))
        .unwrap_or_default()
}
