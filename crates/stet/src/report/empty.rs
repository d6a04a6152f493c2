//! A scan of nothing: a run that read no Terraform or CloudFormation file (an empty folder, a
//! path with a typo, a CI job run in the wrong folder) should fail rather than pass, so the
//! report gains an input error and says so in every format. Whether to accept it anyway
//! (`--allow-empty`) is the caller's choice.

use super::Report;
use crate::diagnostic::{Diagnostic, Level};
use crate::paths::DisplayPaths;
use std::path::Path;

/// What [`Report::empty_scan`] found: the error, and the report carrying it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EmptyScan {
    /// The error, for standard error: `no Terraform or CloudFormation file found in infra`.
    pub message: String,
    /// The report with that error among its diagnostics (so its exit status is 2 and a
    /// Markdown summary does not show ✅ over a scan of nothing).
    pub report: Report,
}

impl Report {
    /// When the run over `paths` (as given) read no Terraform or CloudFormation file, the
    /// error that says so and this report with it, about the first path; `None` when files
    /// were read, or found but deliberately not read (a link out of the repository, over the
    /// total size limit: those have their own warnings), or an input error was reported
    /// already.
    ///
    /// ```
    /// let empty = stet::Report::default().empty_scan(&["infra"]).unwrap();
    /// assert_eq!(empty.message, "no Terraform or CloudFormation file found in infra");
    /// assert_eq!(empty.report.exit_status(None), 2);
    /// ```
    pub fn empty_scan(&self, paths: &[impl AsRef<Path>]) -> Option<EmptyScan> {
        let refused = self.inputs.skipped_outside + self.inputs.skipped_over_total;
        if self.files_read() > 0 || refused > 0 || self.has_errors() {
            return None;
        }
        let shown: Vec<String> = paths
            .iter()
            .map(|p| p.as_ref().display().to_string())
            .collect();
        let skipped = self.inputs.skipped_not_templates;
        let note = if skipped > 0 {
            format!(
                " ({} JSON or YAML {} read, none a CloudFormation template)",
                skipped,
                if skipped == 1 {
                    "file was"
                } else {
                    "files were"
                }
            )
        } else {
            String::new()
        };
        let message = format!(
            "no Terraform or CloudFormation file found in {}{note}",
            shown.join(", ")
        );
        let place = paths.first().map_or(Path::new("."), AsRef::as_ref);
        // Named as the report names its files (its root, else the current folder).
        let names = DisplayPaths::new(self.root.clone().or_else(|| Some(".".into())));
        let mut report = self.clone();
        report.diagnostics.push(Diagnostic::file(
            names.display(&place.to_string_lossy()),
            format!("{message}: pass --allow-empty to accept an empty scan"),
            Level::Error,
        ));
        Some(EmptyScan { message, report })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_read_or_refused_are_not_an_empty_scan() {
        let mut report = Report::default();
        report.inputs.files = 1;
        assert!(report.empty_scan(&["."]).is_none());
        let mut report = Report::default();
        report.inputs.skipped_outside = 1;
        assert!(report.empty_scan(&["."]).is_none());
    }

    #[test]
    fn an_empty_scan_counts_what_was_not_a_template() {
        let mut report = Report {
            root: std::env::current_dir().ok(),
            ..Report::default()
        };
        report.inputs.skipped_not_templates = 2;
        let empty = report.empty_scan(&["./config", "other"]).unwrap();
        assert_eq!(
            empty.message,
            "no Terraform or CloudFormation file found in ./config, other (2 JSON or YAML files were read, none a CloudFormation template)"
        );
        let error = empty.report.errors().next().unwrap();
        assert_eq!(&*error.span.file, "config");
        assert!(error
            .message
            .ends_with(": pass --allow-empty to accept an empty scan"));
    }
}
