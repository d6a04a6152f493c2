//! Suppressions: `stet:ignore RULE[,RULE] -- reason [until=YYYY-MM-DD]` in a comment (HCL `#`
//! or `//`, YAML `#`) on the offending line, the line above it, the resource's first line or
//! the line above that, or above a `module` call (which covers what the module's resources
//! report); and, for CloudFormation (JSON has no comments), `Metadata: {stet: {ignore: [{rule,
//! reason, until}]}}` on the resource. A suppression without a reason still applies but is
//! itself reported (SUP001); one past its `until` date no longer applies, and the finding says
//! so.

use crate::check::Finding;
use crate::report::Suppressed;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use stet_graph::{Graph, ResourceKind, Value};
use stet_rules::Severity;

/// The rule ID of a suppression that gives no reason.
pub const NO_REASON_RULE: &str = "SUP001";

/// One suppression, wherever it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Directive {
    rules: Vec<String>,
    reason: Option<String>,
    until: Option<String>,
    file: String,
    line: u32,
    column: u32,
}

/// What suppression did to a list of findings.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Suppression {
    /// Findings that still count (with SUP001 findings for suppressions without a reason).
    pub findings: Vec<Finding>,
    /// Findings a suppression silenced.
    pub suppressed: Vec<Suppressed>,
}

/// Applies the suppressions written in `sources` and in the graphs' CloudFormation metadata
/// to `findings`, as of `today` (`YYYY-MM-DD`).
pub fn apply_suppressions(
    findings: Vec<Finding>,
    graphs: &[&Graph],
    sources: &BTreeMap<String, Arc<str>>,
    today: &str,
) -> Suppression {
    // Where each resource (and module call) starts, by file and address.
    let mut headers: BTreeMap<(&str, &str), u32> = BTreeMap::new();
    let mut modules: BTreeMap<&str, (&str, u32)> = BTreeMap::new();
    let mut metadata: BTreeMap<(&str, &str), &Value> = BTreeMap::new();
    for graph in graphs {
        for r in &graph.resources {
            headers.insert((&*r.span.file, &r.address), r.span.start.line);
            if r.kind == ResourceKind::Module {
                modules.insert(&r.address, (&*r.span.file, r.span.start.line));
            }
            if let Some(m) = r.meta.get("Metadata") {
                metadata.insert((&*r.span.file, &r.address), m);
            }
        }
    }
    let mut out = Suppression::default();
    let mut reported: BTreeSet<(String, u32)> = BTreeSet::new();
    for finding in findings {
        let file = finding.span.file.to_string();
        let mut places: Vec<(String, u32)> = vec![(file.clone(), finding.span.start.line)];
        if let Some(line) = headers.get(&(file.as_str(), finding.resource.as_str())) {
            places.push((file.clone(), *line));
        }
        let addresses = std::iter::once(&finding.resource).chain(finding.aliases.iter());
        for call in addresses.flat_map(|a| module_calls(a)) {
            if let Some((file, line)) = modules.get(call.as_str()) {
                places.push((file.to_string(), *line));
            }
        }
        let mut found: Option<Directive> = None;
        for (file, line) in &places {
            let Some(text) = sources.get(file) else {
                continue;
            };
            for l in [*line, line.saturating_sub(1)] {
                if let Some(d) =
                    directive(text, file, l).filter(|d| d.rules.iter().any(|r| r == &finding.rule))
                {
                    found = Some(d);
                    break;
                }
            }
            if found.is_some() {
                break;
            }
        }
        if found.is_none() {
            if let Some(meta) = metadata.get(&(file.as_str(), finding.resource.as_str())) {
                found = metadata_directive(meta, &finding.rule);
            }
        }
        match found {
            Some(d) if d.until.as_deref().is_some_and(|u| u < today) => {
                let mut finding = finding;
                finding.message.push_str(&format!(
                    " (its suppression at {}:{} expired on {})",
                    d.file,
                    d.line,
                    d.until.as_deref().unwrap_or_default()
                ));
                out.findings.push(finding);
            }
            Some(d) => {
                if d.reason.is_none() && reported.insert((d.file.clone(), d.line)) {
                    let at = stet_graph::Position {
                        line: d.line,
                        column: d.column,
                        offset: 0,
                    };
                    let span = stet_graph::Span {
                        file: d.file.as_str().into(),
                        start: at,
                        end: at,
                    };
                    let mut missing = Finding::new(
                        span,
                        NO_REASON_RULE,
                        Severity::Low,
                        format!(
                            "the suppression of {} gives no reason: write `stet:ignore {} -- <why>`",
                            d.rules.join(", "),
                            d.rules.join(",")
                        ),
                    );
                    missing.remediation =
                        Some("Say why the finding does not apply after `--`.".into());
                    missing.resource = finding.resource.clone();
                    missing.resource_type = finding.resource_type.clone();
                    out.findings.push(missing);
                }
                out.suppressed.push(Suppressed {
                    reason: d
                        .reason
                        .clone()
                        .unwrap_or_else(|| "(no reason given)".into()),
                    suppressed_at: format!("{}:{}", d.file, d.line),
                    finding,
                });
            }
            None => out.findings.push(finding),
        }
    }
    out.findings.sort();
    out
}

/// The module calls an address lies in: `module.a.module.b.x` is in `module.a` and
/// `module.a.module.b`.
fn module_calls(address: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = address;
    let mut prefix = String::new();
    while let Some(after) = rest.strip_prefix("module.") {
        let end = after.find('.').unwrap_or(after.len());
        let name = after.get(..end).unwrap_or_default();
        prefix.push_str("module.");
        prefix.push_str(name);
        out.push(prefix.clone());
        prefix.push('.');
        rest = after.get(end + 1..).unwrap_or_default();
    }
    out
}

/// The `stet:ignore` directive in a comment on `line` of `text`.
fn directive(text: &str, file: &str, line: u32) -> Option<Directive> {
    let content = text.lines().nth(line.checked_sub(1)? as usize)?;
    let at = content.find("stet:ignore")?;
    let before = content.get(..at)?;
    if !(before.contains('#') || before.contains("//")) {
        return None;
    }
    let rest = content.get(at + "stet:ignore".len()..)?;
    let (head, reason) = match rest.split_once("--") {
        Some((h, r)) => (h, Some(r.trim())),
        None => (rest, None),
    };
    let mut until = None;
    let mut rules = Vec::new();
    for word in head.split([',', ' ', '\t']).filter(|w| !w.is_empty()) {
        match word.strip_prefix("until=") {
            Some(date) => until = Some(date.to_string()),
            None => rules.push(word.to_string()),
        }
    }
    let reason = reason.map(|r| {
        let mut words: Vec<&str> = Vec::new();
        for word in r.split_whitespace() {
            match word.strip_prefix("until=") {
                Some(date) => until = Some(date.to_string()),
                None => words.push(word),
            }
        }
        words.join(" ")
    });
    Some(Directive {
        rules,
        reason: reason.filter(|r| !r.is_empty()),
        until,
        file: file.to_string(),
        line,
        column: u32::try_from(at + 1).unwrap_or(1),
    })
}

/// A `Metadata.stet.ignore` entry for `rule`.
fn metadata_directive(meta: &Value, rule: &str) -> Option<Directive> {
    let entries = meta.get("stet")?.get("ignore")?.as_list()?;
    let entry = entries
        .iter()
        .find(|e| e.get("rule").and_then(Value::as_str) == Some(rule))?;
    let text = |k: &str| {
        entry
            .get(k)
            .and_then(Value::to_display_string)
            .filter(|s| !s.trim().is_empty())
    };
    Some(Directive {
        rules: vec![rule.to_string()],
        reason: text("reason"),
        until: text("until"),
        file: entry.span.file.to_string(),
        line: entry.span.start.line,
        column: entry.span.start.column,
    })
}

/// Today's date, `YYYY-MM-DD` (UTC).
pub fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0) as i64;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_are_read_from_comments() {
        let text = "a\n  # stet:ignore PIN004,PIN003 -- vendor image until=2027-01-31\n// stet:ignore MUT001\nstet:ignore X -- not a comment\n";
        let d = directive(text, "f", 2).unwrap();
        assert_eq!(d.rules, ["PIN004", "PIN003"]);
        assert_eq!(d.reason.as_deref(), Some("vendor image"));
        assert_eq!(d.until.as_deref(), Some("2027-01-31"));
        let d = directive(text, "f", 3).unwrap();
        assert_eq!(
            (d.rules.as_slice(), d.reason),
            (&["MUT001".to_string()][..], None)
        );
        assert!(directive(text, "f", 4).is_none());
        assert!(directive(text, "f", 9).is_none());
    }

    #[test]
    fn module_calls_of_an_address() {
        assert_eq!(
            module_calls("module.a.module.b.aws_x.y"),
            ["module.a", "module.a.module.b"]
        );
        assert!(module_calls("aws_x.y").is_empty());
    }

    #[test]
    fn today_is_a_date() {
        let t = today();
        assert_eq!(t.len(), 10);
        assert!(t.as_str() > "2024-01-01");
    }
}
