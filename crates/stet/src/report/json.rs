//! The JSON report of DESIGN.md (`version` 1): findings, changes, errors, warnings, summary.
//! Files are named relative to the repository root; a change-rule finding anchored on the
//! attribute that forces a replacement lists the resource's block under `related`.

use super::{RenderOptions, Report, Suppressed};
use crate::check::Finding;
use crate::diagnostic::Diagnostic;
use serde_json::{json, Value as Json};

/// A finding with its files named relative to the repository root.
fn relative(report: &Report, f: &Finding) -> Finding {
    let mut f = f.clone();
    f.file = report.path(&f.file);
    for r in &mut f.related {
        r.file = report.path(&r.file);
    }
    f
}

/// A diagnostic with its file named relative to the repository root.
fn located(report: &Report, d: &Diagnostic) -> Diagnostic {
    Diagnostic {
        file: report.path(&d.file),
        ..d.clone()
    }
}

pub(super) fn render(report: &Report, options: &RenderOptions) -> String {
    let errors: Vec<_> = report.errors().map(|d| located(report, d)).collect();
    let tally = stet_diff::Tally::of(&report.changes);
    let findings: Vec<Finding> = report
        .findings
        .iter()
        .map(|f| relative(report, f))
        .collect();
    let changes: Vec<Json> = report
        .changes
        .iter()
        .map(|c| {
            let mut json = c.to_json();
            json["file"] = json!(report.path(&c.span.file));
            json
        })
        .collect();
    let mut out = json!({
        "version": 1,
        "tool": { "name": "stet", "version": env!("CARGO_PKG_VERSION") },
        "findings": findings,
        "changes": changes,
        "errors": errors,
        "warnings": report.warnings().map(|d| located(report, d)).collect::<Vec<_>>(),
        "summary": {
            "files": report.files,
            "resources": report.resources,
            "findings": report.findings.len(),
            "changes": report.changes.len(),
            "errors": errors.len(),
            "suppressed": report.suppressed.len(),
            "failed": report.inputs.failed,
            "skipped": report.inputs.skipped().into_iter().collect::<std::collections::BTreeMap<_, _>>(),
            "actions": {
                "create": tally.create,
                "delete": tally.delete,
                "update": tally.update,
                "replace": tally.replace,
                "move": tally.moved,
                "other": tally.other,
            },
        },
    });
    if options.show_suppressed {
        let suppressed: Vec<Suppressed> = report
            .suppressed
            .iter()
            .map(|s| Suppressed {
                finding: relative(report, &s.finding),
                ..s.clone()
            })
            .collect();
        out["suppressed"] = json!(suppressed);
    }
    serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"
}
