//! JUnit XML, as GitLab, Jenkins and Azure DevOps render it: one `testsuite` per file with
//! findings, one failing `testcase` per finding (its rule and resource as the name), input
//! errors as `error`s; a run with no findings is one passing test case.

use super::Report;
use std::collections::BTreeMap;

pub(super) fn render(report: &Report) -> String {
    let mut by_file: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let findings = &report.findings;
    let diagnostics: Vec<&crate::Diagnostic> = report.errors().collect();
    for f in findings {
        let name = if f.resource.is_empty() {
            f.rule.clone()
        } else {
            format!("{} {}", f.rule, f.resource)
        };
        let body = format!(
            "{}:{}:{}: {} [{}] {}{}",
            f.span.file,
            f.span.start.line,
            f.span.start.column,
            f.rule,
            f.severity,
            f.message,
            f.remediation
                .as_ref()
                .map(|r| format!("\nhelp: {r}"))
                .unwrap_or_default()
        );
        by_file.entry(&f.span.file).or_default().push(format!(
            "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
            escape(&name),
            escape(&f.span.file),
            escape(&f.span.file),
            f.span.start.line,
            escape(&f.message),
            escape(f.severity.as_str()),
            escape_text(&body)
        ));
    }
    let mut errors: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for d in &diagnostics {
        errors.entry(&d.span.file).or_default().push(format!(
            "    <testcase name=\"read {}\" classname=\"{}\" file=\"{}\" line=\"{}\">\n      <error message=\"{}\" type=\"input\">{}</error>\n    </testcase>\n",
            escape(&d.span.file),
            escape(&d.span.file),
            escape(&d.span.file),
            d.span.start.line,
            escape(&d.message),
            escape_text(&d.to_string())
        ));
    }
    let failures = findings.len();
    let error_count: usize = errors.values().map(Vec::len).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let tests = failures + error_count;
    out.push_str(&format!(
        "<testsuites name=\"stet\" tests=\"{}\" failures=\"{failures}\" errors=\"{error_count}\">\n",
        tests.max(1)
    ));
    let files: std::collections::BTreeSet<&str> =
        by_file.keys().chain(errors.keys()).copied().collect();
    for file in files {
        let cases = by_file.get(file).map(Vec::as_slice).unwrap_or_default();
        let errs = errors.get(file).map(Vec::as_slice).unwrap_or_default();
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n",
            escape(file),
            cases.len() + errs.len(),
            cases.len(),
            errs.len()
        ));
        for case in cases.iter().chain(errs) {
            out.push_str(case);
        }
        out.push_str("  </testsuite>\n");
    }
    if tests == 0 {
        out.push_str("  <testsuite name=\"stet\" tests=\"1\" failures=\"0\" errors=\"0\">\n    <testcase name=\"no findings\" classname=\"stet\"/>\n  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Text for an XML attribute: markup escaped, tabs and line breaks as character references
/// (a parser turns them into spaces in an attribute otherwise), characters XML 1.0 forbids
/// dropped.
fn escape(text: &str) -> String {
    escape_text(text)
        .replace('\t', "&#9;")
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
}

/// Text for an element's content: markup escaped, characters XML 1.0 forbids dropped.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}
