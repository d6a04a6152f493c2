//! GitHub Actions workflow commands: `::error file=…,line=…::message` for high findings,
//! `::warning` for medium, `::notice` for low and info, so findings show inline on the pull
//! request's diff — each with the changed values behind it (old → new) and its fix;
//! replacements are warnings on the replaced resource; input errors are errors, and what stet
//! could not follow (a module not downloaded, a value not evaluated) warnings. Files are
//! named relative to the repository root, as the runner resolves them, whatever
//! `working-directory:` the step ran in.

use super::cascade::details;
use super::Report;
use stet_diff::Action;
use stet_rules::Severity;

pub(super) fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let command = match f.severity {
            Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low | Severity::Info => "notice",
        };
        let mut message = f.message.clone();
        for d in details(report, f) {
            message.push_str(&format!("\n{}{}", d.values, d.verdict));
            if let Some(cause) = d.cause {
                message.push_str(&format!(" (because {cause} is replaced)"));
            }
        }
        let fix = f
            .remediation
            .as_ref()
            .or_else(|| report.rule(&f.rule).and_then(|r| r.remediation.as_ref()));
        if let Some(fix) = fix {
            message.push_str(&format!("\nFix: {fix}"));
        }
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            property(&f.span.file),
            f.span.start.line,
            f.span.start.column,
            f.span.end.line.max(f.span.start.line),
            f.span.end.column,
            property(&format!("{} ({})", f.rule, f.severity)),
            data(&message)
        ));
    }
    for c in report
        .changes
        .iter()
        .filter(|c| c.action == Action::Replace)
    {
        // What forces it: an edit (`engine: "mysql" → "postgres" forces it`), or another
        // replacement (`subnet_id: aws_subnet.a.id changes as aws_subnet.a is replaced`).
        let why: Vec<String> = c
            .attributes
            .iter()
            .filter(|a| a.forces_replacement())
            .map(|a| match &a.caused_by {
                Some(cause) => format!(
                    "{} changes as {cause} is replaced",
                    super::cascade::before_after(a)
                ),
                None => format!("{} forces it", super::cascade::before_after(a)),
            })
            .collect();
        out.push_str(&format!(
            "::warning file={},line={},title={}::{} will be replaced{}\n",
            property(&c.span.file),
            c.span.start.line,
            property(&format!("replace {}", c.address)),
            data(&c.address),
            if why.is_empty() {
                String::new()
            } else {
                data(&format!(" ({})", why.join("; ")))
            }
        ));
    }
    for d in report.errors() {
        out.push_str(&format!(
            "::error file={},line={},col={}::{}\n",
            property(&d.span.file),
            d.span.start.line,
            d.span.start.column,
            data(&d.message)
        ));
    }
    // Last, so that GitHub's cap on annotations per step spends itself on findings first.
    for d in report.warnings() {
        out.push_str(&format!(
            "::warning file={},line={},col={},title=stet::{}\n",
            property(&d.span.file),
            d.span.start.line,
            d.span.start.column,
            data(&d.message)
        ));
    }
    out
}

/// A command's message, escaped as the runner expects.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command property, escaped as the runner expects (`:` and `,` too).
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}
