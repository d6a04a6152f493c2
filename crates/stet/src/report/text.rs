//! The terminal report: each finding as rustc shows an error — severity, rule and message,
//! the place, the source line with the value underlined, the remediation — then the changes
//! (replacements first), the problems with the inputs, and a one-line summary. Colour only
//! when asked (the CLI's `--color`). Files are named relative to the repository root, as in
//! every format.

use super::{plural, RenderOptions, Report};
use crate::check::Finding;
use stet_rules::Severity;

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\u{1b}[{code}m{text}\u{1b}[0m")
        } else {
            text.to_string()
        }
    }
    fn severity(&self, severity: Severity) -> String {
        self.wrap(colour(severity), severity.as_str())
    }
    fn dim(&self, text: &str) -> String {
        self.wrap("34", text)
    }
    fn bold(&self, text: &str) -> String {
        self.wrap("1", text)
    }
}

pub(super) fn render(report: &Report, options: &RenderOptions) -> String {
    let paint = Paint { on: options.color };
    let mut out = String::new();
    // In diff mode, what happens comes first, then what the rules say about it.
    if !report.changes.is_empty() {
        out.push_str(&printable(&crate::changes_text(&report.changes)));
        out.push('\n');
    }
    for finding in &report.findings {
        write_finding(report, finding, None, &paint, &mut out);
    }
    if options.show_suppressed {
        for s in &report.suppressed {
            write_finding(
                report,
                &s.finding,
                Some((&s.reason, &s.suppressed_at)),
                &paint,
                &mut out,
            );
        }
    }
    for d in &report.diagnostics {
        let level = match d.level {
            crate::Level::Error => paint.wrap("1;31", "error"),
            crate::Level::Warning => paint.wrap("1;33", "warning"),
        };
        out.push_str(&format!(
            "{level}: {}\n  {} {}:{}:{}\n",
            printable(&d.message),
            paint.dim("-->"),
            printable(&d.span.file),
            d.span.start.line,
            d.span.start.column
        ));
    }
    out.push_str(&summary(report));
    out
}

fn write_finding(
    report: &Report,
    f: &Finding,
    suppressed: Option<(&String, &String)>,
    paint: &Paint,
    out: &mut String,
) {
    let head = match suppressed {
        Some(_) => format!(
            "{} {}",
            paint.dim("suppressed"),
            paint.bold(&printable(&f.rule))
        ),
        None => format!(
            "{}[{}]",
            paint.severity(f.severity),
            paint.bold(&printable(&f.rule))
        ),
    };
    out.push_str(&format!("{head}: {}\n", paint.bold(&printable(&f.message))));
    let (from, to) = (f.span.start, f.span.end);
    let gutter = from.line.to_string().len().max(2);
    let pad = " ".repeat(gutter);
    out.push_str(&format!(
        "{pad}{} {}:{}:{}\n",
        paint.dim("-->"),
        printable(&f.span.file),
        from.line,
        from.column
    ));
    if let Some(line) = report
        .sources
        .get(&*f.span.file)
        .and_then(|t| t.lines().nth(from.line.saturating_sub(1) as usize))
    {
        let line = printable(line.trim_end());
        let start = (from.column.max(1) - 1) as usize;
        let chars = line.chars().count();
        let end = if to.line == from.line && to.column > from.column {
            (to.column - 1) as usize
        } else {
            chars
        };
        let width = end.min(chars).saturating_sub(start).max(1);
        out.push_str(&format!("{pad} {}\n", paint.dim("|")));
        out.push_str(&format!(
            "{} {} {line}\n",
            paint.dim(&format!("{:>gutter$}", f.span.start.line)),
            paint.dim("|")
        ));
        out.push_str(&format!(
            "{pad} {} {}{}\n",
            paint.dim("|"),
            " ".repeat(start),
            paint.severity_caret(f.severity, &"^".repeat(width))
        ));
    }
    for r in &f.related {
        out.push_str(&format!(
            "{pad} {} note: {} ({}:{})\n",
            paint.dim("="),
            printable(&r.message),
            printable(&r.span.file),
            r.span.start.line
        ));
    }
    for d in super::cascade::details(report, f) {
        out.push_str(&format!(
            "{pad} {} {}{}\n",
            paint.dim("="),
            printable(&d.values),
            d.verdict
        ));
    }
    if let Some((reason, at)) = suppressed {
        out.push_str(&format!(
            "{pad} {} suppressed at {}: {}\n",
            paint.dim("="),
            printable(at),
            printable(reason)
        ));
    }
    if let Some(fix) = &f.remediation {
        out.push_str(&format!(
            "{pad} {} help: {}\n",
            paint.dim("="),
            printable(&fix.replace('\n', " "))
        ));
    }
    if let Some(uri) = report.rule(&f.rule).and_then(|r| r.help_uri.as_ref()) {
        out.push_str(&format!(
            "{pad} {} see: {}\n",
            paint.dim("="),
            printable(uri)
        ));
    }
    out.push('\n');
}

/// `text` with control characters other than newline and tab shown as escapes (`\u{1b}`),
/// so that a message or a file's content cannot send terminal escape sequences.
fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl Paint {
    fn severity_caret(&self, severity: Severity, carets: &str) -> String {
        self.wrap(colour(severity), carets)
    }
}

/// The ANSI colour of a severity: red, yellow, cyan, blue.
fn colour(severity: Severity) -> &'static str {
    match severity {
        Severity::High => "1;31",
        Severity::Medium => "1;33",
        Severity::Low => "1;36",
        Severity::Info => "1;34",
    }
}

fn summary(report: &Report) -> String {
    let counts = report.severity_counts();
    let mut line = plural(report.findings.len(), "finding");
    if !counts.is_empty() {
        let parts: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
        line.push_str(&format!(" ({})", parts.join(", ")));
    }
    line.push_str(&format!(" in {}", plural(report.files, "file")));
    let skipped = report.inputs.skipped();
    if !skipped.is_empty() {
        let total: usize = skipped.iter().map(|(_, n)| n).sum();
        let why: Vec<String> = skipped.iter().map(|(r, n)| format!("{n} {r}")).collect();
        line.push_str(&format!("; {total} skipped ({})", why.join(", ")));
    }
    if report.inputs.failed > 0 {
        line.push_str(&format!("; {} failed", report.inputs.failed));
    }
    if !report.changes.is_empty() {
        line.push_str(&format!("; {}", plural(report.changes.len(), "change")));
    }
    line.push_str(&format!("; {}", plural(report.errors().count(), "error")));
    if !report.suppressed.is_empty() {
        line.push_str(&format!("; {} suppressed", report.suppressed.len()));
    }
    line + "\n"
}
