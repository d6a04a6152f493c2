//! Findings and diagnostics whose every text field comes from the fuzzer, rendered in every
//! report format: each output reads back as written and nothing escapes its field (the
//! checks are shared with `crates/stet/tests/render_properties.rs`).
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;
use stet::{Diagnostic, Finding, Level, Report};

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
        report.findings.push(Finding {
            file: if file.is_empty() { "f".into() } else { file },
            line: i + 1,
            column: 1,
            end_line: i + 1,
            end_column: 5,
            rule: next(),
            severity: ["high", "medium", "low", "info"][i as usize % 4].into(),
            message,
            remediation: Some(next()),
            resource: next(),
            resource_type: "t".into(),
            clause: "r.guard:1:1".into(),
            aliases: Vec::new(),
            related: Vec::new(),
        });
    }
    // A rule with a help link, for the first finding's rule ID.
    if let Some(first) = report.findings.first() {
        report.rules.push(stet::RuleInfo {
            id: first.rule.clone(),
            title: next(),
            severity: stet::Severity::High,
            description: next(),
            remediation: None,
            help_uri: Some(next()),
        });
    }
    let file = next();
    report.diagnostics.push(Diagnostic {
        file: if file.is_empty() { "d".into() } else { file },
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 1,
        message: next(),
        level: Level::Error,
    });
    let source: Arc<str> = next().into();
    for f in &report.findings {
        report.sources.insert(f.file.clone(), source.clone());
    }
    if let Err(problem) = render_checks::check_rendered(&report) {
        panic!("{problem}");
    }
});
