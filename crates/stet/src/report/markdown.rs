//! The pull-request comment: a verdict in the first line, the resources that will be replaced
//! (the most important news), then findings by severity with their place and their rule's
//! page; long sections folded in `<details>`; never over GitHub's 65,536-character limit
//! (the end is cut with a note saying how much was left out).

use super::{plural, RenderOptions, Report};
use stet_diff::{Action, Replacement};

/// GitHub's limit on a comment's length, with room for the truncation note.
const LIMIT: usize = 65_536 - 400;
/// Sections longer than this are folded.
const FOLD: usize = 10;

pub(super) fn render(report: &Report, options: &RenderOptions) -> String {
    let mut out = String::new();
    out.push_str(&verdict(report));
    out.push_str("\n\n");
    let replaced: Vec<_> = report
        .changes
        .iter()
        .filter(|c| {
            c.action == Action::Replace
                || (c.action == Action::Update && c.replacement == Replacement::Conditional)
        })
        .collect();
    if !replaced.is_empty() {
        out.push_str("### Resources that will be replaced\n\n");
        let mut table =
            String::from("| | resource | type | forced by | where |\n|---|---|---|---|---|\n");
        for c in &replaced {
            let forcing: Vec<String> = c
                .attributes
                .iter()
                .filter(|a| {
                    matches!(
                        a.replacement,
                        Replacement::Always | Replacement::Conditional
                    )
                })
                .map(|a| code(&a.path))
                .collect();
            let mark = if c.action == Action::Replace {
                "🔁"
            } else {
                "❔ maybe"
            };
            table.push_str(&format!(
                "| {mark} | {} | {} | {} | {} |\n",
                cell(&code(&c.address)),
                cell(&code(&c.resource_type)),
                cell(&forcing.join(", ")),
                cell(&code(&format!("{}:{}", c.span.file, c.span.start.line))),
            ));
        }
        out.push_str(&fold(&table, replaced.len(), "replacements"));
        out.push('\n');
    }
    let other = report.changes.len() - replaced.len();
    if other > 0 {
        let t = stet_diff::Tally::of(&report.changes);
        out.push_str(&format!(
            "Other changes: {} to create, {} updated in place, {} to delete, {} moved.\n\n",
            t.create,
            t.update
                - replaced
                    .iter()
                    .filter(|c| c.action == Action::Update)
                    .count(),
            t.delete,
            t.moved
        ));
    }
    for severity in ["high", "medium", "low", "info"] {
        let findings: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .collect();
        if findings.is_empty() {
            continue;
        }
        let mut section = String::new();
        for f in &findings {
            let docs = report
                .rule(&f.rule)
                .and_then(|r| r.help_uri.as_ref())
                .map(|u| format!(" ([{}]({}))", escape(&f.rule), link(u)))
                .unwrap_or_else(|| format!(" ({})", escape(&f.rule)));
            section.push_str(&format!(
                "- {} {}{}\n",
                code(&format!("{}:{}", f.file, f.line)),
                escape(&f.message),
                docs
            ));
        }
        out.push_str(&format!("### {} ({})\n\n", title(severity), findings.len()));
        out.push_str(&fold(&section, findings.len(), "findings"));
        out.push('\n');
    }
    if options.show_suppressed && !report.suppressed.is_empty() {
        let mut section = String::new();
        for s in &report.suppressed {
            section.push_str(&format!(
                "- {} {} ({}) — suppressed at {}: {}\n",
                code(&format!("{}:{}", s.finding.file, s.finding.line)),
                escape(&s.finding.message),
                escape(&s.finding.rule),
                code(&s.suppressed_at),
                escape(&s.reason)
            ));
        }
        out.push_str(&format!("### Suppressed ({})\n\n", report.suppressed.len()));
        out.push_str(&fold(
            &section,
            report.suppressed.len(),
            "suppressed findings",
        ));
        out.push('\n');
    }
    let errors: Vec<_> = report.errors().collect();
    if !errors.is_empty() {
        out.push_str(&format!(
            "### Inputs stet could not read ({})\n\n",
            errors.len()
        ));
        let mut section = String::new();
        for d in &errors {
            section.push_str(&format!(
                "- {} {}\n",
                code(&format!("{}:{}:{}", d.file, d.line, d.column)),
                escape(&d.message)
            ));
        }
        out.push_str(&fold(&section, errors.len(), "errors"));
        out.push('\n');
    }
    out.push_str("<sub>Reported by [stet](");
    out.push_str(super::REPOSITORY);
    out.push_str(")</sub>\n");
    truncate(out)
}

fn verdict(report: &Report) -> String {
    let replaced = report
        .changes
        .iter()
        .filter(|c| c.action == Action::Replace)
        .count();
    let errors = report.errors().count();
    let mut parts = Vec::new();
    if !report.findings.is_empty() {
        let counts: Vec<String> = report
            .severity_counts()
            .iter()
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        parts.push(format!(
            "{} ({})",
            plural(report.findings.len(), "finding"),
            counts.join(", ")
        ));
    }
    if replaced > 0 {
        parts.push(format!("{} replaced", plural(replaced, "resource")));
    }
    if errors > 0 {
        parts.push(format!("{} could not be read", plural(errors, "input")));
    }
    let icon = if errors > 0 || report.findings.iter().any(|f| f.severity == "high") {
        "❌"
    } else if !parts.is_empty() {
        "⚠️"
    } else {
        "✅"
    };
    if parts.is_empty() {
        format!("## {icon} stet: no findings")
    } else {
        format!("## {icon} stet: {}", parts.join(", "))
    }
}

fn title(severity: &str) -> &'static str {
    match severity {
        "high" => "High",
        "medium" => "Medium",
        "low" => "Low",
        _ => "Info",
    }
}

fn fold(section: &str, count: usize, what: &str) -> String {
    if count > FOLD {
        format!("<details><summary>{count} {what}</summary>\n\n{section}\n</details>\n")
    } else {
        section.to_string()
    }
}

/// Free text as inline Markdown: line breaks and other control characters made spaces;
/// code spans (a run of backticks closed by a run of the same length, as CommonMark reads
/// them) kept; outside them, characters that could open a tag, a link, emphasis or a table
/// cell escaped, and so are backticks that close nothing.
fn escape(text: &str) -> String {
    let chars: Vec<char> = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let run_at = |i: usize| chars.iter().skip(i).take_while(|&&c| c == '`').count();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '`' {
            let n = run_at(i);
            // The next run of exactly `n` backticks closes the span.
            let mut j = i + n;
            let mut close = None;
            while j < chars.len() {
                let m = run_at(j);
                if m == n {
                    close = Some(j);
                    break;
                }
                j += m.max(1);
            }
            match close {
                Some(j) => {
                    out.extend(chars.get(i..j + n).unwrap_or_default());
                    i = j + n;
                }
                None => {
                    for _ in 0..n {
                        out.push_str("\\`");
                    }
                    i += n;
                }
            }
            continue;
        }
        if matches!(c, '<' | '>' | '*' | '_' | '[' | ']' | '|' | '\\') {
            out.push('\\');
        }
        out.push(c);
        i += 1;
    }
    out
}

/// A link destination: the characters that could end it or open markup (space, parentheses,
/// angle brackets, backslash, backtick, control characters) percent-encoded.
fn link(uri: &str) -> String {
    let mut out = String::with_capacity(uri.len());
    for c in uri.chars() {
        if c.is_control() || matches!(c, ' ' | '(' | ')' | '<' | '>' | '\\' | '`') {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` as one code span, whatever it holds: the fence is longer than any run of
/// backticks inside, and line breaks become spaces.
fn code(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.is_empty() || text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A table cell: `|` escaped (GitHub unescapes it inside code spans too).
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The comment cut at a line boundary under GitHub's limit, with a note.
fn truncate(text: String) -> String {
    if text.len() <= LIMIT {
        return text;
    }
    let mut cut = LIMIT;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = text.get(..cut).unwrap_or_default();
    let head = head.rfind('\n').and_then(|i| head.get(..i)).unwrap_or(head);
    let left = text.len() - head.len();
    // Close an open <details> so the rest of the page renders.
    let open = head.matches("<details>").count() > head.matches("</details>").count();
    format!(
        "{head}\n{}\n**Truncated:** {left} more characters did not fit in a comment; see the full report (`stet check --format json` or the SARIF upload).\n",
        if open { "\n</details>\n" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Finding;

    fn finding(i: usize) -> Finding {
        Finding {
            file: format!("modules/m{i}/main.tf"),
            line: 1 + i as u32,
            column: 1,
            end_line: 1 + i as u32,
            end_column: 2,
            rule: "PIN003".into(),
            severity: if i.is_multiple_of(2) {
                "high"
            } else {
                "medium"
            }
            .into(),
            message: format!(
                "module.m{i}: uses registry source terraform-aws-modules/vpc/aws with no version"
            ),
            remediation: None,
            resource: format!("module.m{i}"),
            resource_type: "module".into(),
            clause: String::new(),
            aliases: Vec::new(),
            related: Vec::new(),
        }
    }

    #[test]
    fn long_reports_fit_in_a_comment() {
        let report = Report {
            findings: (0..5_000).map(finding).collect(),
            ..Report::default()
        };
        let text = render(&report, &RenderOptions::default());
        assert!(text.len() <= 65_536, "{} characters", text.len());
        assert!(text.contains("**Truncated:**"));
        assert!(text.starts_with("## ❌ stet: 5000 findings (2500 high, 2500 medium)"));
        assert_eq!(
            text.matches("<details>").count(),
            text.matches("</details>").count()
        );
    }

    #[test]
    fn short_reports_are_whole_and_sections_fold() {
        let report = Report {
            findings: (0..12).map(finding).collect(),
            ..Report::default()
        };
        let text = render(&report, &RenderOptions::default());
        assert!(!text.contains("Truncated"));
        assert!(
            !text.contains("<details>"),
            "6 of each severity: no folding"
        );
        let report = Report {
            findings: (0..30).map(finding).collect(),
            ..Report::default()
        };
        assert!(render(&report, &RenderOptions::default())
            .contains("<details><summary>15 findings</summary>"));
    }
}
