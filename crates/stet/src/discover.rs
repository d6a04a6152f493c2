//! Finding the inputs: walking the given paths (respecting `.gitignore`, skipping
//! `.terraform/`, `.git/`, `node_modules/`, `cdk.out/` and `.aws-sam/`), and sorting what is
//! found into Terraform module folders and CloudFormation candidates. Reading and parsing
//! them is `load`'s job.

use crate::diagnostic::{Diagnostic, Level};
use crate::paths::without_dot;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Folders never scanned: tool caches and build output.
pub const SKIPPED_FOLDERS: &[&str] = &[
    ".terraform",
    ".git",
    "node_modules",
    "cdk.out",
    ".aws-sam",
    ".terragrunt-cache",
];

/// What a walk found.
#[derive(Debug, Default)]
pub(crate) struct Discovered {
    /// Folders holding `.tf` or `.tf.json` files, each read as one module.
    pub terraform_dirs: BTreeSet<PathBuf>,
    /// `.json`, `.yaml`, `.yml` and `.template` files, with whether they were named
    /// explicitly.
    pub templates: BTreeSet<(PathBuf, bool)>,
    /// Problems met while walking (unreadable folders, symlink loops).
    pub diagnostics: Vec<Diagnostic>,
}

/// Walks `paths`; a file named explicitly is always taken.
pub(crate) fn discover(paths: &[PathBuf]) -> Discovered {
    let mut found = Discovered::default();
    for path in paths {
        if path.is_file() || (!path.is_dir() && path.extension().is_some()) {
            classify(path, true, &mut found);
            if !path.exists() {
                found.diagnostics.push(Diagnostic::file(
                    path,
                    "no such file or folder",
                    Level::Error,
                ));
            }
            continue;
        }
        if !path.exists() {
            found.diagnostics.push(Diagnostic::file(
                path,
                "no such file or folder",
                Level::Error,
            ));
            continue;
        }
        let walker = ignore::WalkBuilder::new(path)
            .hidden(false)
            .git_ignore(true)
            .git_global(false)
            .git_exclude(true)
            .require_git(false)
            .ignore(false)
            .parents(true)
            .follow_links(true)
            .sort_by_file_name(|a, b| a.cmp(b))
            .filter_entry(|entry| {
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                !(is_dir
                    && entry.depth() > 0
                    && SKIPPED_FOLDERS.iter().any(|s| entry.file_name() == *s))
            })
            .build();
        for entry in walker {
            match entry {
                Ok(entry) => {
                    if entry.file_type().is_some_and(|t| t.is_file()) {
                        classify(&without_dot(entry.path()), false, &mut found);
                    }
                }
                Err(error) => found.diagnostics.push(walk_error(&error)),
            }
        }
    }
    found
}

fn classify(path: &Path, explicit: bool, found: &mut Discovered) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stet_terraform::is_config_file(&name) {
        let dir = match path.parent().map(without_dot) {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => PathBuf::from("."),
        };
        found.terraform_dirs.insert(dir);
    } else if stet_cloudformation::is_candidate(&name) {
        found.templates.insert((path.to_path_buf(), explicit));
    }
}

fn walk_error(error: &ignore::Error) -> Diagnostic {
    let path = walk_error_path(error).unwrap_or_default();
    let text = error.to_string();
    if text.contains("File system loop") {
        return Diagnostic::file(&path, format!("not followed: {text}"), Level::Warning);
    }
    Diagnostic::file(
        &path,
        format!("cannot read: {}", strip_path(&text, &path)),
        Level::Error,
    )
}

fn walk_error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(without_dot(path)),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(without_dot(child)),
        ignore::Error::Partial(errors) => errors.first().and_then(walk_error_path),
        _ => None,
    }
}

fn strip_path(text: &str, path: &Path) -> String {
    let prefix = format!("{}: ", path.display());
    text.strip_prefix(&prefix).unwrap_or(text).to_string()
}
