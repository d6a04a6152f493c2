//! Findings and diagnostics whose every text field comes from the fuzzer, rendered in every
//! report format: each output reads back as written and nothing escapes its field (the
//! checks are shared with `crates/stet/tests/render_properties.rs`).
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;
use stet::{Diagnostic, Finding, Level, Report, Severity, Span};

#[path = "../../crates/stet/tests/support/render_checks.rs"]
mod render_checks;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut fields = text.split('\u{1}');
    let mut next = || fields.next().unwrap_or("").to_string();
    let mut report = Report::default();
    for i in 0..3u32 {
        let file = next();
        let message = next();
        if file.is_empty() && message.is_empty() && i > 0 {
            break;
        }
        let file = if file.is_empty() { "f".into() } else { file };
        let mut span = Span::file_start(file.into());
        span.start.line = i + 1;
        span.end.line = i + 1;
        span.end.column = 5;
        let rule = next();
        let mut finding = Finding::new(span, rule, Severity::ALL[i as usize % 4], message);
        finding.remediation = Some(next());
        finding.resource = next();
        finding.resource_type = "t".into();
        finding.clause = "r.guard:1:1".into();
        report.findings.push(finding);
    }
    // A rule with a help link, for the first finding's rule ID.
    if let Some(first) = report.findings.first() {
        let mut rule = stet::RuleInfo::new(first.rule.clone(), Severity::High);
        rule.title = next();
        rule.description = next();
        rule.help_uri = Some(next());
        report.rules.push(rule);
    }
    let file = next();
    let file = if file.is_empty() { "d".into() } else { file };
    report.diagnostics.push(Diagnostic::at(
        &Span::file_start(file.into()),
        next(),
        Level::Error,
    ));
    let source: Arc<str> = next().into();
    for f in &report.findings {
        report.sources.insert(f.span.file.to_string(), source.clone());
    }
    if let Err(problem) = render_checks::check_rendered(&report) {
        panic!("{problem}");
    }
});
