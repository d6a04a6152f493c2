//! The JSON report of DESIGN.md (`version` 1): findings, changes, errors, warnings, summary.

use super::{RenderOptions, Report};
use serde_json::json;

pub(super) fn render(report: &Report, options: &RenderOptions) -> String {
    let errors: Vec<_> = report.errors().collect();
    let tally = stet_diff::Tally::of(&report.changes);
    let mut out = json!({
        "version": 1,
        "tool": { "name": "stet", "version": env!("CARGO_PKG_VERSION") },
        "findings": report.findings,
        "changes": report.changes.iter().map(stet_diff::Change::to_json).collect::<Vec<_>>(),
        "errors": errors,
        "warnings": report.warnings().collect::<Vec<_>>(),
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
        out["suppressed"] = json!(report.suppressed);
    }
    serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"
}
