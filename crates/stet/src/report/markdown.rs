//! The pull-request comment: a verdict in the first line (its icon follows `--fail-on`, as
//! the exit status does), the resources that will be replaced with the attributes forcing
//! each (old → new) — the most important news — and, when a replacement reaches other
//! resources, a Mermaid drawing of it; then findings by severity with their place, the
//! changed values behind them, their fix and their rule's page; what stet could not read or
//! follow (warnings), folded; long sections folded in
//! `<details>`; never over GitHub's 65,536-character limit (the end is cut with a note
//! saying how much was left out). Files are named relative to the repository root.

use super::cascade::{before_after, details, forces, replaced, Cascade, Role};
use super::{plural, RenderOptions, Report};
use crate::check::Finding;
use stet_diff::{Action, Change};
use stet_rules::Severity;

/// GitHub's limit on a comment's length, with room for the truncation note.
const LIMIT: usize = 65_536 - 400;
/// Sections longer than this are folded.
const FOLD: usize = 10;

pub(super) fn render(report: &Report, options: &RenderOptions) -> String {
    let mut out = String::new();
    out.push_str(&verdict(report, options));
    out.push_str("\n\n");
    let replacements: Vec<&Change> = report.changes.iter().filter(|c| replaced(c)).collect();
    if !replacements.is_empty() {
        out.push_str("### Resources that will be replaced\n\n");
        let mut table = String::from("| | resource | forced by | where |\n|---|---|---|---|\n");
        for c in &replacements {
            let mut forcing: Vec<String> = c
                .attributes
                .iter()
                .filter(|a| forces(a) && a.caused_by.is_none())
                .map(|a| code(&before_after(a)))
                .collect();
            let mut causes: Vec<&str> = c
                .attributes
                .iter()
                .filter_map(|a| a.caused_by.as_deref())
                .collect();
            causes.dedup();
            forcing.extend(
                causes
                    .iter()
                    .map(|cause| format!("the replacement of {}", code(cause))),
            );
            if forcing.is_empty() {
                if let Some(reason) = &c.reason {
                    forcing.push(escape(reason));
                }
            }
            let mark = if c.action == Action::Replace {
                "🔁"
            } else {
                "❔ maybe"
            };
            table.push_str(&format!(
                "| {mark} | {} {} | {} | {} |\n",
                cell(&code(&c.address)),
                cell(&code(&c.resource_type)),
                cell(&forcing.join("<br>")),
                cell(&code(&format!("{}:{}", c.span.file, c.span.start.line))),
            ));
        }
        out.push_str(&fold(&table, replacements.len(), "replacements"));
        out.push('\n');
        let cascade = Cascade::of(&report.changes);
        if cascade.has_knock_on() {
            out.push_str("What each replacement takes with it:\n\n");
            out.push_str(&mermaid(&cascade));
            out.push('\n');
        }
    }
    let other = report.changes.len() - replacements.len();
    if other > 0 {
        let t = stet_diff::Tally::of(&report.changes);
        out.push_str(&format!(
            "Other changes: {} to create, {} updated in place, {} to delete, {} moved.\n\n",
            t.create,
            t.update
                - replacements
                    .iter()
                    .filter(|c| c.action == Action::Update)
                    .count(),
            t.delete,
            t.moved
        ));
    }
    for severity in Severity::ALL.into_iter().rev() {
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
            write_finding(report, f, &mut section);
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
                code(&format!(
                    "{}:{}",
                    s.finding.span.file, s.finding.span.start.line
                )),
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
                code(&format!(
                    "{}:{}:{}",
                    &d.span.file, d.span.start.line, d.span.start.column
                )),
                escape(&d.message)
            ));
        }
        out.push_str(&fold(&section, errors.len(), "errors"));
        out.push('\n');
    }
    // What stet could not follow (a module that is not downloaded, a value it cannot
    // evaluate): folded, as it qualifies the findings rather than adds to them.
    let warnings: Vec<_> = report.warnings().collect();
    if !warnings.is_empty() {
        let mut section = String::new();
        for d in &warnings {
            section.push_str(&format!(
                "- {} {}\n",
                code(&format!("{}:{}", d.span.file, d.span.start.line)),
                escape(&d.message)
            ));
        }
        out.push_str(&format!(
            "<details><summary>{} (what stet could not read or follow)</summary>\n\n{section}\n</details>\n\n",
            plural(warnings.len(), "warning")
        ));
    }
    out.push_str("<sub>Reported by [stet](");
    out.push_str(super::REPOSITORY);
    out.push_str(")</sub>\n");
    truncate(out)
}

/// One finding: its place, message and rule link; the changed values behind it (old →
/// new); and its fix.
fn write_finding(report: &Report, f: &Finding, out: &mut String) {
    let docs = report
        .rule(&f.rule)
        .and_then(|r| r.help_uri.as_ref())
        .map(|u| format!(" ([{}]({}))", escape(&f.rule), link(u)))
        .unwrap_or_else(|| format!(" ({})", escape(&f.rule)));
    out.push_str(&format!(
        "- {} {}{}\n",
        code(&format!("{}:{}", f.span.file, f.span.start.line)),
        escape(&f.message),
        docs
    ));
    for d in details(report, f) {
        let cause = d
            .cause
            .map(|c| format!(" (because {} is replaced)", code(c)))
            .unwrap_or_default();
        out.push_str(&format!("  - {}{}{cause}\n", code(&d.values), d.verdict));
    }
    let fix = f
        .remediation
        .as_ref()
        .or_else(|| report.rule(&f.rule).and_then(|r| r.remediation.as_ref()));
    if let Some(fix) = fix {
        out.push_str(&format!("  - **Fix:** {}\n", escape(fix)));
    }
}

/// The replacement graph as a Mermaid flowchart (GitHub and GitLab draw it).
fn mermaid(cascade: &Cascade<'_>) -> String {
    let mut out = String::from("```mermaid\nflowchart LR\n");
    for (i, node) in cascade.nodes.iter().enumerate() {
        let reached = cascade.edges.iter().any(|e| e.to == i);
        let class = match node.role(reached) {
            Role::Origin => "replaced",
            Role::KnockOn => "knockon",
            Role::Other => "updated",
        };
        out.push_str(&format!(
            "  n{i}[\"{}<br/>{}\"]:::{class}\n",
            label(node.address),
            label(node.verb)
        ));
        for (j, forced) in node.forced_by.iter().enumerate() {
            out.push_str(&format!(
                "  n{i}f{j}([\"{}\"]) -->|forces| n{i}\n",
                label(forced)
            ));
        }
    }
    for edge in &cascade.edges {
        out.push_str(&format!(
            "  n{} -->|\"{}\"| n{}\n",
            edge.from,
            label(&edge.attributes.join(", ")),
            edge.to
        ));
    }
    out.push_str("  classDef replaced stroke:#d1242f,stroke-width:2px\n");
    out.push_str("  classDef knockon stroke:#bc4c00,stroke-width:2px\n");
    out.push_str("  classDef updated stroke:#6e7781\n");
    out.push_str("```\n");
    out
}

/// Text for a quoted Mermaid label: Mermaid's entity codes for the characters that would
/// end the label, open HTML or close the code fence; line breaks as spaces.
fn label(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '`' => out.push_str("#96;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The heading (an icon, what was found) and a line saying whether the check fails at the
/// `--fail-on` threshold — the icon follows the exit status, not the severities alone.
fn verdict(report: &Report, options: &RenderOptions) -> String {
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
    let fails = report.fails(options.fail_on);
    let icon = if fails {
        "❌"
    } else if !parts.is_empty() {
        "⚠️"
    } else {
        "✅"
    };
    let heading = if parts.is_empty() {
        format!("## {icon} stet: no findings")
    } else {
        format!("## {icon} stet: {}", parts.join(", "))
    };
    let at_or_above = |t: Severity| report.findings.iter().filter(|f| f.severity >= t).count();
    let line = match options.fail_on {
        _ if errors > 0 => Some(format!(
            "**Fails the check:** {} could not be read.",
            plural(errors, "input")
        )),
        Some(t) if fails => Some(format!(
            "**Fails the check:** {} at or above `{}` (`--fail-on {}`).",
            plural(at_or_above(t), "finding"),
            t.as_str(),
            t.as_str()
        )),
        Some(t) if !report.findings.is_empty() => Some(format!(
            "Passes the check: no finding at or above `{}` (`--fail-on {}`).",
            t.as_str(),
            t.as_str()
        )),
        None if !report.findings.is_empty() => {
            Some("Passes the check: findings never fail it (`--fail-on never`).".to_string())
        }
        _ => None,
    };
    match line {
        Some(line) => format!("{heading}\n\n{line}"),
        None => heading,
    }
}

fn title(severity: Severity) -> &'static str {
    match severity {
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Info => "Info",
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
        let mut span = stet_graph::Span::file_start(format!("modules/m{i}/main.tf").into());
        span.start.line = 1 + i as u32;
        span.end.line = 1 + i as u32;
        span.end.column = 2;
        let severity = if i.is_multiple_of(2) {
            Severity::High
        } else {
            Severity::Medium
        };
        let mut finding = Finding::new(
            span,
            "PIN003",
            severity,
            format!(
                "module.m{i}: uses registry source terraform-aws-modules/vpc/aws with no version"
            ),
        );
        finding.resource = format!("module.m{i}");
        finding.resource_type = "module".into();
        finding
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
    fn the_verdict_follows_fail_on() {
        let report = Report {
            findings: (0..2).map(finding).collect(),
            ..Report::default()
        };
        let at = |fail_on| {
            render(
                &report,
                &RenderOptions {
                    fail_on,
                    ..RenderOptions::default()
                },
            )
        };
        assert!(at(Some(Severity::Low)).starts_with("## ❌ stet: 2 findings"));
        let never = at(None);
        assert!(never.starts_with("## ⚠️ stet: 2 findings"), "{never}");
        assert!(never.contains("findings never fail it (`--fail-on never`)"));
        assert!(at(Some(Severity::High)).starts_with("## ❌"), "one is high");
    }

    #[test]
    fn cascades_are_drawn_in_mermaid() {
        let report = Report {
            changes: crate::report::cascade::tests::subnet_cascade(),
            ..Report::default()
        };
        let text = render(&report, &RenderOptions::default());
        let drawing = text
            .split("```mermaid\n")
            .nth(1)
            .and_then(|t| t.split("```").next())
            .unwrap_or_default();
        assert!(drawing.starts_with("flowchart LR\n"), "{text}");
        assert!(
            drawing.contains("n0[\"aws_subnet.a<br/>replace\"]:::replaced"),
            "{drawing}"
        );
        assert!(drawing.contains("n0f0([\"cidr_block: #quot;10.0.1.0/24#quot; → #quot;10.0.2.0/24#quot;\"]) -->|forces| n0"), "{drawing}");
        assert!(
            drawing.contains("n1[\"aws_instance.web<br/>replace\"]:::knockon"),
            "{drawing}"
        );
        assert!(drawing.contains("n0 -->|\"subnet_id\"| n1"), "{drawing}");
        assert!(drawing.contains("n0 -->|\"subnet_id\"| n2"), "{drawing}");
        // The table says what forced each.
        assert!(
            text.contains(
                "| 🔁 | `aws_instance.web` `aws_instance` | the replacement of `aws_subnet.a` |"
            ),
            "{text}"
        );
        // No knock-on, no drawing.
        let alone = Report {
            changes: crate::report::cascade::tests::subnet_cascade()
                .into_iter()
                .take(1)
                .collect(),
            ..Report::default()
        };
        assert!(!render(&alone, &RenderOptions::default()).contains("mermaid"));
    }

    /// A resource that may be replaced by its own edit starts a replacement: drawn as one
    /// (red), not as a knock-on (orange), whatever reaches from it.
    #[test]
    fn a_maybe_replaced_origin_is_drawn_as_a_replacement() {
        use crate::report::cascade::tests::change;
        use stet_diff::Replacement;
        let report = Report {
            changes: vec![
                change(
                    "Orders",
                    Action::Update,
                    Replacement::Conditional,
                    &[(
                        "Engine",
                        "mysql",
                        "postgres",
                        Replacement::Conditional,
                        None,
                    )],
                ),
                change(
                    "Alarm",
                    Action::Update,
                    Replacement::Never,
                    &[(
                        "Dimensions",
                        "Orders",
                        "Orders",
                        Replacement::Never,
                        Some("Orders"),
                    )],
                ),
            ],
            ..Report::default()
        };
        let text = render(&report, &RenderOptions::default());
        assert!(
            text.contains("n0[\"Orders<br/>maybe replace\"]:::replaced"),
            "{text}"
        );
        assert!(
            text.contains("n1[\"Alarm<br/>update\"]:::updated"),
            "{text}"
        );
    }

    #[test]
    fn mermaid_labels_cannot_break_out() {
        assert_eq!(label("a\"b<c>`#"), "a#quot;b#lt;c#gt;#96;#35;");
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
