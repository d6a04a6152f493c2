//! What every rendered report must satisfy whatever the findings hold: shared by the
//! property test (`tests/render_properties.rs`, in CI) and the `render` fuzz target.
//!
//! Each check parses the output as its consumer would (a JSON parser, an XML parser, the
//! GitHub runner's command syntax, a Markdown reader looking for new blocks) and compares
//! what it reads back with what went in, so an escaping bug shows as a difference, not as a
//! crash somewhere downstream.

use stet::{Report, ReportFormat};

/// Every format of `report` checked; the first problem found, with the output.
pub fn check_rendered(report: &Report) -> Result<(), String> {
    let options = Default::default();
    check_json(report, &report.render(ReportFormat::Json, &options))?;
    check_sarif(report, &report.render(ReportFormat::Sarif, &options))?;
    check_junit(report, &report.render(ReportFormat::Junit, &options))?;
    check_github(report, &report.render(ReportFormat::Github, &options))?;
    check_markdown(report, &report.render(ReportFormat::Markdown, &options))?;
    check_text(&report.render(ReportFormat::Text, &options))?;
    Ok(())
}

fn fail(format: &str, what: impl std::fmt::Display, output: &str) -> String {
    format!("{format}: {what}\n--- output ---\n{output}")
}

/// JSON: parses, and each finding's message and file read back unchanged.
fn check_json(report: &Report, out: &str) -> Result<(), String> {
    let json: serde_json::Value = serde_json::from_str(out).map_err(|e| fail("json", e, out))?;
    let findings = json["findings"]
        .as_array()
        .ok_or_else(|| fail("json", "no findings array", out))?;
    if findings.len() != report.findings.len() {
        return Err(fail("json", "finding count differs", out));
    }
    for (f, j) in report.findings.iter().zip(findings) {
        if j["message"] != f.message.as_str() || j["file"] != *f.span.file {
            return Err(fail(
                "json",
                format!("{:?} read back differently", f.message),
                out,
            ));
        }
    }
    Ok(())
}

/// SARIF: parses, one result per finding with the message unchanged.
fn check_sarif(report: &Report, out: &str) -> Result<(), String> {
    let json: serde_json::Value = serde_json::from_str(out).map_err(|e| fail("sarif", e, out))?;
    let results = json["runs"][0]["results"]
        .as_array()
        .ok_or_else(|| fail("sarif", "no results array", out))?;
    if results.len() != report.findings.len() + report.suppressed.len() {
        return Err(fail("sarif", "result count differs", out));
    }
    for (f, r) in report.findings.iter().zip(results) {
        if r["message"]["text"] != f.message.as_str() {
            return Err(fail(
                "sarif",
                format!("{:?} read back differently", f.message),
                out,
            ));
        }
    }
    Ok(())
}

/// What XML 1.0 can carry of `text` (the characters it forbids dropped).
fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
        })
        .collect()
}

/// JUnit: well-formed XML, one failing test case per finding whose `message` attribute
/// reads back as the finding's message.
fn check_junit(report: &Report, out: &str) -> Result<(), String> {
    let doc = roxmltree::Document::parse(out).map_err(|e| fail("junit", e, out))?;
    let failures: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .collect();
    if failures.len() != report.findings.len() {
        return Err(fail("junit", "failure count differs", out));
    }
    // Test cases are grouped by file; compare as multisets of messages.
    let mut read: Vec<String> = failures
        .iter()
        .map(|n| n.attribute("message").unwrap_or_default().to_string())
        .collect();
    let mut wrote: Vec<String> = report
        .findings
        .iter()
        .map(|f| xml_text(&f.message))
        .collect();
    read.sort();
    wrote.sort();
    if read != wrote {
        return Err(fail("junit", "messages read back differently", out));
    }
    Ok(())
}

/// A GitHub workflow command's value unescaped as the runner does.
fn unescape_github(text: &str) -> String {
    text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// GitHub: one command per line, each `::name props::message`, whose message (the finding's,
/// then its fix) and `file` property (repository-relative) read back unchanged, as the
/// runner parses them.
fn check_github(report: &Report, out: &str) -> Result<(), String> {
    let lines: Vec<&str> = out.lines().collect();
    let expected = report.findings.len()
        + report.errors().count()
        + report
            .changes
            .iter()
            .filter(|c| c.action == stet::Action::Replace)
            .count()
        + report.warnings().count();
    if lines.len() != expected {
        return Err(fail(
            "github",
            format!("{} lines, expected {expected}", lines.len()),
            out,
        ));
    }
    for (line, f) in lines.iter().zip(&report.findings) {
        let rest = line
            .strip_prefix("::")
            .ok_or_else(|| fail("github", format!("{line:?} is not a command"), out))?;
        let (head, message) = rest
            .split_once("::")
            .ok_or_else(|| fail("github", format!("{line:?} has no message"), out))?;
        let (name, props) = head.split_once(' ').unwrap_or((head, ""));
        if !matches!(name, "error" | "warning" | "notice") {
            return Err(fail("github", format!("command {name:?}"), out));
        }
        let file = props
            .split(',')
            .find_map(|p| p.strip_prefix("file="))
            .map(unescape_github);
        let expected = match &f.remediation {
            Some(fix) => format!("{}\nFix: {fix}", f.message),
            None => f.message.clone(),
        };
        if file.as_deref() != Some(&*f.span.file) || unescape_github(message) != expected {
            return Err(fail(
                "github",
                format!("{line:?} reads back differently"),
                out,
            ));
        }
    }
    Ok(())
}

/// Markdown: each finding stays one list item (no line break, heading, HTML tag or table
/// cell smuggled in by a message or a path).
fn check_markdown(report: &Report, out: &str) -> Result<(), String> {
    if out.contains("**Truncated:**") {
        return Ok(());
    }
    let items = out.lines().filter(|l| l.starts_with("- ")).count();
    let expected = report.findings.len() + report.errors().count() + report.warnings().count();
    if items != expected {
        return Err(fail(
            "markdown",
            format!("{items} list items, expected {expected}"),
            out,
        ));
    }
    for line in out.lines() {
        let ours = line.is_empty()
            || line.starts_with("- ")
            || line.starts_with("  - ")
            || line.starts_with("**Fails the check:** ")
            || line.starts_with("Passes the check: ")
            || line.starts_with("## ")
            || line.starts_with("### ")
            || line.starts_with("<details><summary>")
            || line == "</details>"
            || line.starts_with("| ")
            || line.starts_with("<sub>Reported by");
        if !ours {
            return Err(fail("markdown", format!("unexpected line {line:?}"), out));
        }
        // Findings and the lines under them (their fix, the values behind them).
        if line.starts_with("- ") || line.starts_with("  - ") {
            // Outside code spans, `<` must be escaped so no HTML tag opens.
            let mut in_code = false;
            let mut previous = ' ';
            let mut fence = 0usize;
            let chars: Vec<char> = line.chars().collect();
            let mut i = 0;
            while i < chars.len() {
                let c = chars[i];
                let escaped = previous == '\\' && !in_code;
                if c == '`' && !escaped {
                    let run = chars[i..].iter().take_while(|&&c| c == '`').count();
                    if !in_code {
                        in_code = true;
                        fence = run;
                    } else if run == fence {
                        in_code = false;
                    }
                    i += run;
                    previous = '`';
                    continue;
                }
                if !in_code && c == '<' && previous != '\\' {
                    return Err(fail("markdown", format!("unescaped `<` in {line:?}"), out));
                }
                // An escaped backslash escapes nothing after it.
                previous = if c == '\\' && previous == '\\' {
                    ' '
                } else {
                    c
                };
                i += 1;
            }
            if in_code {
                return Err(fail(
                    "markdown",
                    format!("code span left open in {line:?}"),
                    out,
                ));
            }
        }
    }
    Ok(())
}

/// Text: no control character but newline and tab (no terminal escape from a message or a
/// file's content reaches the terminal).
fn check_text(out: &str) -> Result<(), String> {
    match out
        .chars()
        .find(|&c| c.is_control() && c != '\n' && c != '\t')
    {
        Some(c) => Err(fail("text", format!("control character {c:?}"), out)),
        None => Ok(()),
    }
}
