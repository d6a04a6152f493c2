//! Any finding message and any path — with `::`, newlines, `%`, `<`, `|`, backticks, quotes,
//! control characters — renders into valid JSON, SARIF, JUnit XML, GitHub workflow commands
//! and Markdown that read back as written, and nothing in them escapes its field.

mod support {
    pub mod render_checks;
}

use proptest::prelude::*;
use std::sync::Arc;
use stet::{Diagnostic, Finding, Level, Report, Span};
use support::render_checks::check_rendered;

/// Text mixing the characters each format treats specially with ordinary ones.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("::".to_string()),
        Just("::error file=x::".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("%".to_string()),
        Just("%0A".to_string()),
        Just("<".to_string()),
        Just("<img src=x>".to_string()),
        Just("</details>".to_string()),
        Just("|".to_string()),
        Just("`".to_string()),
        Just("```".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("&".to_string()),
        Just(",".to_string()),
        Just("\\".to_string()),
        Just("#".to_string()),
        Just("\n### heading".to_string()),
        Just("\u{1b}[31m".to_string()),
        Just("\u{0}".to_string()),
        Just("\u{7}".to_string()),
        Just("\u{fffe}".to_string()),
        Just("é😀".to_string()),
        "[a-z ]{0,8}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|p| p.concat())
}

fn finding() -> impl Strategy<Value = Finding> {
    (
        hostile_text(),
        hostile_text(),
        hostile_text(),
        prop::sample::select(vec!["high", "medium", "low", "info"]),
        1u32..50,
        1u32..80,
        hostile_text(),
    )
        .prop_map(|(file, message, resource, severity, line, column, rule)| {
            let file = if file.is_empty() { "f".into() } else { file };
            let mut span = Span::file_start(file.into());
            span.start.line = line;
            span.start.column = column;
            span.end.line = line;
            span.end.column = column + 3;
            // A rule ID comes from a rule file's header: anything (the `render` fuzz
            // target found one that opened a code span in Markdown).
            let rule = if rule.is_empty() { "R001".into() } else { rule };
            let severity = severity.parse().expect("a severity name");
            let mut finding = Finding::new(span, rule, severity, message);
            finding.remediation = Some("fix it".into());
            finding.resource = resource;
            finding.resource_type = "aws_s3_bucket".into();
            finding.clause = "r.guard:1:1".into();
            finding
        })
}

/// An input error or a warning (what stet could not follow), which the GitHub and Markdown
/// reports carry too.
fn diagnostic() -> impl Strategy<Value = Diagnostic> {
    (hostile_text(), hostile_text(), any::<bool>()).prop_map(|(file, message, error)| {
        let file = if file.is_empty() { "d".into() } else { file };
        let level = if error { Level::Error } else { Level::Warning };
        Diagnostic::at(&Span::file_start(file.into()), message, level)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn every_format_reads_back_what_was_written(
        findings in prop::collection::vec(finding(), 0..6),
        diagnostics in prop::collection::vec(diagnostic(), 0..3),
        source in hostile_text(),
    ) {
        let mut report = Report::default();
        report.findings = findings;
        report.diagnostics = diagnostics;
        // Some rules with a help link built from the same hostile text.
        for (i, f) in report.findings.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
            let mut rule = stet::RuleInfo::new(f.rule.clone(), stet::Severity::High);
            rule.title = f.message.clone();
            rule.description = f.message.clone();
            rule.help_uri = Some(format!("https://example.com/{}/{i}", f.resource));
            report.rules.push(rule);
        }
        for f in &report.findings {
            let text: Arc<str> = format!("{source}\n{source}\n").repeat(30).into();
            report.sources.insert(f.span.file.to_string(), text);
        }
        if let Err(problem) = check_rendered(&report) {
            prop_assert!(false, "{}", problem);
        }
    }
}
