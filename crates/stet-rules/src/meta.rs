//! The metadata header a rule file may carry: a comment block that cfn-guard reads as
//! comments, so a file with a header is still a valid cfn-guard file.
//!
//! ```text
//! # stet:
//! #   id: PIN003
//! #   title: Module source pinned
//! #   severity: high
//! #   formats: [terraform]
//! #   remediation: Pin registry modules with `version` and git sources with `?ref=<tag>`.
//! #   docs: https://example.org/rules/PIN003
//! #   view: resolved      # optional: see `RuleMeta::view`
//! ```
//!
//! The header is the comment lines after `# stet:` up to the first line that is not an
//! indented comment, read as YAML.

use crate::Error;
use stet_graph::{Span, Value};

/// How much a failing rule matters, lowest first (so `severity >= Severity::Medium` reads as
/// it sounds). Written `info`, `low`, `medium` or `high` in rule headers, `stet.toml`, flags
/// and JSON.
///
/// ```
/// use stet_rules::Severity;
/// let high: Severity = "High".parse().unwrap();
/// assert!(high > Severity::Medium);
/// assert_eq!(high.to_string(), "high");
/// assert!("urgent".parse::<Severity>().is_err());
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
}

impl Severity {
    /// `info`, `low`, `medium` or `high`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    /// Reads `info`, `low`, `medium` or `high` (any case); see also its [`FromStr`].
    ///
    /// [`FromStr`]: std::str::FromStr
    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text))
    }

    /// Every severity, lowest first.
    pub const ALL: [Severity; 4] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
    ];
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = ParseSeverityError;

    fn from_str(text: &str) -> Result<Severity, ParseSeverityError> {
        Severity::parse(text).ok_or_else(|| ParseSeverityError(text.to_string()))
    }
}

/// A severity name that is not `info`, `low`, `medium` or `high`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("severity `{0}` is not one of info, low, medium, high")]
pub struct ParseSeverityError(pub String);

/// A rule file's metadata header.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RuleMeta {
    /// The rule's ID (`PIN003`); findings are reported under it.
    pub id: Option<String>,
    /// A one-line title.
    pub title: Option<String>,
    /// The severity of its findings.
    pub severity: Option<Severity>,
    /// The formats it covers (`terraform`, `cloudformation`, `sam`).
    pub formats: Vec<String>,
    /// How to fix a finding.
    pub remediation: Option<String>,
    /// A link to its documentation.
    pub docs: Option<String>,
    /// The version that introduced it.
    pub since: Option<String>,
    /// The comment paragraph after the header: what the rule flags, in prose.
    pub description: Option<String>,
    /// Which document a CloudFormation template is checked as: `template` (as written, the
    /// way cfn-guard reads it; the default for rule files) or `resolved` (as it deploys for
    /// the parameter values in effect). stet decides; the engine only reads the header.
    pub view: Option<String>,
}

const KNOWN_KEYS: &[&str] = &[
    "id",
    "title",
    "severity",
    "formats",
    "remediation",
    "docs",
    "since",
    "view",
];

/// Reads the header of rule file `text`, if it has one.
pub(crate) fn read_meta(path: &str, text: &str) -> Result<RuleMeta, Error> {
    let text_of_file = text;
    let mut lines = text.lines().enumerate();
    let Some((start, _)) = lines.by_ref().find(|(_, l)| l.trim_end() == "# stet:") else {
        return Ok(RuleMeta::default());
    };
    let mut yaml = String::new();
    for (_, line) in lines {
        match line.strip_prefix('#') {
            Some(rest) if rest.starts_with("  ") || rest.trim().is_empty() && !yaml.is_empty() => {
                yaml.push_str(rest.get(2..).unwrap_or(""));
                yaml.push('\n');
            }
            _ => break,
        }
    }
    let header_line = u32::try_from(start + 1).unwrap_or(u32::MAX);
    let span = |message: String| Error::Syntax {
        span: Span {
            file: path.into(),
            start: stet_graph::Position {
                line: header_line,
                column: 1,
                offset: 0,
            },
            end: stet_graph::Position {
                line: header_line,
                column: 1,
                offset: 0,
            },
        },
        message,
        line: "# stet:".into(),
    };
    let value = stet_graph::parse_yaml(path.into(), &yaml, &Default::default())
        .map_err(|e| {
            span(format!(
                "the `# stet:` header is not valid YAML: {}",
                e.message()
            ))
        })?
        .root;
    let Some(map) = value.as_ref().and_then(Value::as_map) else {
        return Ok(RuleMeta::default());
    };
    for key in map.keys() {
        if !KNOWN_KEYS.contains(&key) {
            return Err(span(format!(
                "unknown key `{key}` in the `# stet:` header (known: {})",
                KNOWN_KEYS.join(", ")
            )));
        }
    }
    let text = |k: &str| {
        map.get(k)
            .and_then(Value::to_display_string)
            .map(|s| s.trim().to_string())
    };
    let severity = match text("severity") {
        Some(s) => Some(s.parse::<Severity>().map_err(|e| span(e.to_string()))?),
        None => None,
    };
    let formats = match map.get("formats").map(|v| &v.kind) {
        Some(stet_graph::ValueKind::List(items)) => {
            items.iter().filter_map(Value::to_display_string).collect()
        }
        Some(_) => text("formats").into_iter().collect(),
        None => Vec::new(),
    };
    if let Some(view) = text("view").filter(|v| v != "template" && v != "resolved") {
        return Err(span(format!(
            "view `{view}` is not one of template, resolved"
        )));
    }
    Ok(RuleMeta {
        id: text("id"),
        title: text("title"),
        severity,
        formats,
        remediation: text("remediation"),
        docs: text("docs"),
        since: text("since"),
        description: description(text_of_file),
        view: text("view"),
    })
}

/// The comment lines that follow the header (after a bare `#` line), joined into one
/// paragraph.
fn description(text: &str) -> Option<String> {
    let mut lines = text
        .lines()
        .skip_while(|l| l.trim_end() != "# stet:")
        .skip(1);
    let mut words = Vec::new();
    for line in lines.by_ref() {
        match line.strip_prefix('#') {
            Some(rest) if rest.starts_with("  ") => continue,
            Some(rest) if rest.trim().is_empty() => break,
            _ => return None,
        }
    }
    for line in lines {
        match line.strip_prefix('#') {
            Some(rest) if !rest.trim().is_empty() => words.push(rest.trim().to_string()),
            Some(_) if words.is_empty() => {}
            _ => break,
        }
    }
    (!words.is_empty()).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_read() {
        let text = "# stet:\n#   id: PIN003\n#   severity: high\n#   formats: [terraform, cloudformation]\n#   remediation: |\n#     Pin it.\n#     Really.\n\nrule x { Resources exists }\n";
        let meta = read_meta("r.guard", text).unwrap();
        assert_eq!(meta.id.as_deref(), Some("PIN003"));
        assert_eq!(meta.severity, Some(Severity::High));
        assert_eq!(meta.formats, ["terraform", "cloudformation"]);
        assert_eq!(meta.remediation.as_deref(), Some("Pin it.\nReally."));
    }

    #[test]
    fn view_is_template_or_resolved() {
        let meta = read_meta("r.guard", "# stet:\n#   view: resolved\n").unwrap();
        assert_eq!(meta.view.as_deref(), Some("resolved"));
        let e = read_meta("r.guard", "# stet:\n#   view: deployed\n").unwrap_err();
        assert!(e.to_string().contains("view `deployed`"), "{e}");
    }

    #[test]
    fn unknown_key_is_an_error_with_its_place() {
        let e = read_meta("r.guard", "# intro\n# stet:\n#   severty: high\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("r.guard:2:1: unknown key `severty`"),
            "{e}"
        );
    }

    #[test]
    fn files_without_header_have_no_metadata() {
        assert_eq!(
            read_meta("r.guard", "rule x { Resources exists }").unwrap(),
            RuleMeta::default()
        );
    }
}
