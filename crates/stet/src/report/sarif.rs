//! SARIF 2.1.0 for GitHub code scanning: `tool.driver.rules` with every rule that ran,
//! results with relative `artifactLocation`s under the `%SRCROOT%` base (the repository root),
//! regions, `partialFingerprints` that survive unrelated edits (rule, file, resource and
//! message; not the line), suppressed findings marked `inSource`, and input problems as tool
//! notifications.

use super::{Report, RuleInfo};
use crate::check::Finding;
use serde_json::{json, Value as Json};
use std::path::Path;
use stet_rules::Severity;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub(super) fn render(report: &Report) -> String {
    let mut rules: Vec<&RuleInfo> = report.rules.iter().collect();
    // Findings of rules the report does not describe (user rules without metadata) still get
    // a descriptor, so every result has a valid ruleIndex.
    let mut extra: Vec<RuleInfo> = Vec::new();
    for f in report
        .findings
        .iter()
        .chain(report.suppressed.iter().map(|s| &s.finding))
    {
        if report.rule(&f.rule).is_none() && !extra.iter().any(|r| r.id == f.rule) {
            extra.push(RuleInfo {
                id: f.rule.clone(),
                title: f.rule.clone(),
                severity: f.severity,
                description: format!("rule {}", f.rule),
                remediation: f.remediation.clone(),
                help_uri: None,
            });
        }
    }
    rules.extend(extra.iter());
    let index = |id: &str| rules.iter().position(|r| r.id == id).unwrap_or(0);
    let descriptors: Vec<Json> = rules.iter().map(|r| descriptor(r)).collect();
    let mut results: Vec<Json> = report
        .findings
        .iter()
        .map(|f| result(f, index(&f.rule), None))
        .collect();
    results.extend(
        report
            .suppressed
            .iter()
            .map(|s| result(&s.finding, index(&s.finding.rule), Some(&s.reason))),
    );
    let notifications: Vec<Json> = report
        .diagnostics
        .iter()
        .map(|d| {
            json!({
                "level": if d.level == crate::Level::Error { "error" } else { "warning" },
                "message": { "text": d.message },
                "locations": [ location(&d.span) ],
            })
        })
        .collect();
    let mut run = json!({
        "tool": { "driver": {
            "name": "stet",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "informationUri": super::REPOSITORY,
            "rules": descriptors,
        }},
        "invocations": [{
            "executionSuccessful": report.errors().next().is_none(),
            "toolExecutionNotifications": notifications,
        }],
    });
    // A report made by a run knows its root; one built by hand may not, and then the
    // consumer resolves `%SRCROOT%` (GitHub code scanning: the checkout).
    if let Some(root) = &report.root {
        run["originalUriBaseIds"] = json!({ "%SRCROOT%": { "uri": directory_uri(root) } });
    }
    run["columnKind"] = json!("unicodeCodePoints");
    run["results"] = json!(results);
    let sarif = json!({
        "version": "2.1.0",
        "$schema": SCHEMA,
        "runs": [run],
    });
    serde_json::to_string_pretty(&sarif).unwrap_or_default() + "\n"
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn descriptor(r: &RuleInfo) -> Json {
    let mut d = json!({
        "id": r.id,
        "name": pascal(&r.title),
        "shortDescription": { "text": r.title },
        "fullDescription": { "text": r.description },
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": { "tags": ["iac", "immutable-infrastructure"], "severity": r.severity.as_str() },
    });
    if let Some(fix) = &r.remediation {
        d["help"] = json!({ "text": fix, "markdown": fix });
    }
    if let Some(uri) = &r.help_uri {
        d["helpUri"] = json!(uri);
    }
    d
}

/// A rule title as a SARIF `name` (an identifier: `ModuleSourcesArePinned`).
fn pascal(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn result(f: &Finding, rule_index: usize, suppressed: Option<&String>) -> Json {
    let mut r = json!({
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": [ location(&f.span) ],
        "partialFingerprints": { "stet/v1": fingerprint(f) },
    });
    if !f.related.is_empty() {
        let related: Vec<Json> = f
            .related
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut l = location(&p.span);
                l["id"] = json!(i + 1);
                l["message"] = json!({ "text": p.message });
                l
            })
            .collect();
        r["relatedLocations"] = json!(related);
    }
    if let Some(reason) = suppressed {
        r["suppressions"] = json!([{ "kind": "inSource", "justification": reason }]);
    }
    r
}

fn location(span: &stet_graph::Span) -> Json {
    let (file, line, column) = (&span.file, span.start.line, span.start.column);
    let (end_line, end_column) = (span.end.line, span.end.column);
    let line = line.max(1);
    let column = column.max(1);
    let (end_line, end_column) = if (end_line, end_column) > (line, column) {
        (end_line, end_column)
    } else {
        (line, column + 1)
    };
    json!({ "physicalLocation": {
        "artifactLocation": { "uri": encode(file), "uriBaseId": "%SRCROOT%" },
        "region": { "startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column },
    }})
}

fn directory_uri(root: &Path) -> String {
    let mut text = root.to_string_lossy().replace('\\', "/");
    if !text.ends_with('/') {
        text.push('/');
    }
    if !text.starts_with('/') {
        text.insert(0, '/');
    }
    format!("file://{}", encode(&text))
}

fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A fingerprint that survives unrelated edits: FNV-1a over rule, file, resource and
/// message (the line is left out: it moves when lines are added above).
fn fingerprint(f: &Finding) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [&*f.rule, &*f.span.file, &*f.resource, &*f.message] {
        for b in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(encode("infra/my stack/main.tf"), "infra/my%20stack/main.tf");
        assert_eq!(directory_uri(Path::new("/work/repo")), "file:///work/repo/");
        assert_eq!(
            pascal("Module sources are pinned"),
            "ModuleSourcesArePinned"
        );
    }
}
