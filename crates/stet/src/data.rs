//! Data files: with rules of one's own (`--rules` or `rules` in `stet.toml`), a JSON or YAML
//! file that is not a template — a Terraform plan from `terraform show -json`, a Kubernetes
//! manifest, a configuration file — is read as `cfn-guard validate -d` reads a data file (its
//! first document, typed as cfn-guard types it; `stet_rules::parse_data`) and checked as a
//! plain document, findings located in it. Such a file is read when it was named on the
//! command line, or matches a `data` pattern of the configuration. The built-in rules name
//! the formats they apply to and do not run on data files.
//!
//! Loading decides what a file is (`load`); checking runs the rules (`check`).

use crate::diagnostic::{Diagnostic, Level};
use crate::load::Loaded;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use stet_graph::Value;

/// A plain document read from a data file.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DataDocument {
    /// The file (relative to where stet runs).
    pub path: Arc<str>,
    /// Its text, for the report's snippets.
    pub text: Arc<str>,
    /// Its first document.
    pub value: Value,
}

/// Which files that are not templates are read as data.
#[derive(Debug, Clone, Default)]
pub struct DataFiles {
    /// Files named on the command line.
    pub explicit: bool,
    /// Other files matching these globs (relative to `base`, the configuration's folder).
    pub patterns: Option<globset::GlobSet>,
    /// The folder the patterns are relative to.
    pub base: PathBuf,
}

impl DataFiles {
    /// Whether `path` (named on the command line when `explicit`) is read as data.
    pub(crate) fn wants(&self, path: &Path, explicit: bool) -> bool {
        if explicit && self.explicit {
            return true;
        }
        let Some(patterns) = &self.patterns else {
            return false;
        };
        let base = crate::paths::absolute(&self.base);
        match crate::paths::under(path, &base) {
            Some(relative) => patterns.is_match(relative),
            None => patterns.is_match(crate::paths::absolute(path)),
        }
    }
}

/// Reads `text` (the file `path`) as a data file into `loaded`: its first document, a
/// warning when more documents follow (cfn-guard reads only the first), an error when it
/// cannot be read.
pub(crate) fn read(path: &Path, text: &str, loaded: &mut Loaded) {
    let display: Arc<str> = path.to_string_lossy().into();
    match stet_rules::parse_data_stream(display.clone(), text) {
        Ok(data) => {
            if let Some(next) = &data.next_document {
                loaded.diagnostics.push(Diagnostic::at(
                    next,
                    "only the first document of this YAML stream is checked, as cfn-guard checks it",
                    Level::Warning,
                ));
            }
            loaded.summary.files += 1;
            match data.document {
                Some(value) => loaded.documents.push(DataDocument {
                    path: display,
                    text: text.into(),
                    value,
                }),
                None => loaded.diagnostics.push(Diagnostic::file(
                    path,
                    "holds no document, so no rule was checked on it",
                    Level::Warning,
                )),
            }
        }
        Err(e) => {
            loaded.summary.failed += 1;
            loaded.diagnostics.push(Diagnostic::at(
                &e.span,
                format!("cannot be read as a data file: {}", e.message),
                Level::Error,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_files_and_matching_files_are_data() {
        let mut builder = globset::GlobSetBuilder::new();
        builder.add(globset::Glob::new("k8s/**/*.yaml").unwrap());
        let data = DataFiles {
            explicit: true,
            patterns: Some(builder.build().unwrap()),
            base: PathBuf::from("/repo"),
        };
        assert!(data.wants(Path::new("/elsewhere/plan.json"), true));
        assert!(data.wants(Path::new("/repo/k8s/app/deployment.yaml"), false));
        assert!(!data.wants(Path::new("/repo/config/app.yaml"), false));
    }

    #[test]
    fn later_documents_are_noted() {
        let mut loaded = Loaded::default();
        read(
            Path::new("k8s.yaml"),
            "kind: A\n---\nkind: B\n",
            &mut loaded,
        );
        assert_eq!(loaded.documents.len(), 1);
        assert_eq!(loaded.diagnostics.len(), 1);
        assert_eq!(loaded.diagnostics[0].span.start.line, 2);
        read(Path::new("bad.yaml"), "a: [1,\n", &mut loaded);
        assert_eq!(loaded.summary.failed, 1);
    }
}
