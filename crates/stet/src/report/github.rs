//! GitHub Actions workflow commands: `::error file=…,line=…::message` for high findings,
//! `::warning` for medium, `::notice` for low and info, so findings show inline on the pull
//! request's diff; replacements are warnings on the replaced resource; input errors are
//! errors.

use super::Report;
use stet_diff::Action;

pub(super) fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let command = match f.severity.as_str() {
            "high" => "error",
            "medium" => "warning",
            _ => "notice",
        };
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            property(&f.file),
            f.line,
            f.column,
            f.end_line.max(f.line),
            f.end_column,
            property(&format!("{} ({})", f.rule, f.severity)),
            data(&f.message)
        ));
    }
    for c in report
        .changes
        .iter()
        .filter(|c| c.action == Action::Replace)
    {
        let forcing: Vec<&str> = c
            .attributes
            .iter()
            .filter(|a| a.forces_replacement())
            .map(|a| a.path.as_str())
            .collect();
        out.push_str(&format!(
            "::warning file={},line={},title={}::{} will be replaced{}\n",
            property(&c.span.file),
            c.span.start.line,
            property(&format!("replace {}", c.address)),
            data(&c.address),
            if forcing.is_empty() {
                String::new()
            } else {
                data(&format!(" ({} forces it)", forcing.join(", ")))
            }
        ));
    }
    for d in report.errors() {
        out.push_str(&format!(
            "::error file={},line={},col={}::{}\n",
            property(&d.file),
            d.line,
            d.column,
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
