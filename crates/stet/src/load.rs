//! Loading: from paths to [`Graph`]s — every Terraform module folder and every
//! CloudFormation template found — with the [`Diagnostic`]s met and a [`LoadSummary`].
//! Discovery is `discover`'s job; parsing belongs to the parser crates.

use crate::diagnostic::{Diagnostic, Level};
use crate::discover::discover;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use stet_graph::{Graph, Limits};

/// How to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Bounds on the work done per file and module.
    pub limits: Limits,
    /// The repository root: nothing outside it is read. Default: the git top level of the
    /// first path, else that path.
    pub root: Option<PathBuf>,
    /// How many threads read and parse (default: one per core). Results do not depend on it.
    pub jobs: Option<usize>,
}

/// What was loaded.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// One graph per Terraform module folder and per CloudFormation template, sorted by
    /// path.
    pub graphs: Vec<Graph>,
    /// Errors and warnings, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Counts of what was read and skipped.
    pub summary: LoadSummary,
}

impl Loaded {
    /// Records a file that could not be read or parsed.
    fn fail(&mut self, path: &Path, message: String) {
        self.summary.failed += 1;
        self.diagnostics
            .push(Diagnostic::file(path, message, Level::Error));
    }

    /// Adds what another (partial) load found.
    fn absorb(&mut self, other: Loaded) {
        self.graphs.extend(other.graphs);
        self.diagnostics.extend(other.diagnostics);
        self.summary.files += other.summary.files;
        self.summary.skipped_not_templates += other.summary.skipped_not_templates;
        self.summary.failed += other.summary.failed;
    }

    /// Whether any diagnostic is an error (stet then exits with status 2).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.level == Level::Error)
    }
}

/// Counts of what a load read and skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct LoadSummary {
    /// Files read and parsed (Terraform and CloudFormation).
    pub files: usize,
    /// Documents produced (Terraform modules and templates).
    pub documents: usize,
    /// JSON and YAML files skipped because they are not templates.
    pub skipped_not_templates: usize,
    /// Files that could not be read or parsed.
    pub failed: usize,
}

/// Loads every Terraform module and CloudFormation template under `paths`.
///
/// ```no_run
/// use stet::{load, LoadOptions};
/// let loaded = load(&["infra".into()], &LoadOptions::default());
/// for graph in &loaded.graphs {
///     println!("{} has {} resources", graph.path, graph.resources.len());
/// }
/// ```
pub fn load(paths: &[PathBuf], options: &LoadOptions) -> Loaded {
    let paths: Vec<PathBuf> = paths.iter().map(|p| relative_to_cwd(p)).collect();
    let root = options
        .root
        .clone()
        .or_else(|| paths.first().map(|p| repository_root(p)))
        .map(|r| absolute(&r));
    let found = discover(&paths);
    let mut loaded = Loaded {
        diagnostics: found.diagnostics,
        ..Loaded::default()
    };
    let tf_options = stet_terraform::LoadOptions {
        limits: options.limits.clone(),
        confine: root.clone(),
    };
    let work = || -> Vec<Loaded> {
        use rayon::prelude::*;
        let modules = found
            .terraform_dirs
            .par_iter()
            .map(|dir| load_module_dir(dir, &tf_options));
        let templates = found.templates.par_iter().map(|(path, explicit)| {
            let mut part = Loaded::default();
            load_template(path, *explicit, options, &mut part);
            part
        });
        modules.chain(templates).collect()
    };
    let parts = match options
        .jobs
        .and_then(|n| rayon::ThreadPoolBuilder::new().num_threads(n).build().ok())
    {
        Some(pool) => pool.install(work),
        None => work(),
    };
    for part in parts {
        loaded.absorb(part);
    }
    loaded.graphs.sort_by(|a, b| a.path.cmp(&b.path));
    loaded.summary.documents = loaded.graphs.len();
    loaded.diagnostics.sort();
    loaded.diagnostics.dedup();
    loaded
}

fn load_module_dir(dir: &Path, options: &stet_terraform::LoadOptions) -> Loaded {
    let module = stet_terraform::load_module(&stet_terraform::OsFiles, dir, options);
    let mut part = Loaded::default();
    let failed: std::collections::HashSet<&str> = module
        .errors
        .iter()
        .filter(|e| !e.is_warning())
        .filter_map(|e| e.span().map(|s| &*s.file))
        .collect();
    part.summary.failed = failed.len();
    part.summary.files = module.graph.files.len();
    part.diagnostics
        .extend(module.errors.iter().map(Diagnostic::from_terraform));
    // A folder whose every file failed to parse has no document, only its errors.
    if module.parsed_files > 0 {
        part.graphs.push(module.graph);
    }
    part
}

fn load_template(path: &Path, explicit: bool, options: &LoadOptions, loaded: &mut Loaded) {
    let display: Arc<str> = path.to_string_lossy().into();
    let size = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) => {
            loaded.fail(path, format!("cannot read: {e}"));
            return;
        }
    };
    if size > options.limits.max_file_size {
        // Only a template's size matters; a large data file is not ours to judge.
        if explicit || looks_like_template_prefix(path) {
            loaded.fail(
                path,
                format!(
                    "not read: {size} bytes is over the {}-byte file size limit",
                    options.limits.max_file_size
                ),
            );
        } else {
            loaded.summary.skipped_not_templates += 1;
        }
        return;
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            loaded.fail(path, format!("cannot read: {e}"));
            return;
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        // Not UTF-8: not a template CloudFormation would accept, and most likely not one.
        loaded.summary.skipped_not_templates += 1;
        return;
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    match stet_cloudformation::parse_template(display, text, &options.limits) {
        Ok(Some(parsed)) => {
            loaded.summary.files += 1;
            loaded
                .diagnostics
                .extend(parsed.problems.iter().map(Diagnostic::from_cloudformation));
            loaded.graphs.push(parsed.graph);
        }
        Ok(None) => loaded.summary.skipped_not_templates += 1,
        Err(e) if stet_cloudformation::looks_like_template(text) => {
            loaded.summary.failed += 1;
            loaded.diagnostics.push(Diagnostic::from_cloudformation(&e));
        }
        Err(_) => loaded.summary.skipped_not_templates += 1,
    }
}

fn looks_like_template_prefix(path: &Path) -> bool {
    use std::io::Read;
    let mut buffer = vec![0u8; 64 * 1024];
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let n = file.read(&mut buffer).unwrap_or(0);
    let text = String::from_utf8_lossy(buffer.get(..n).unwrap_or(&[]));
    stet_cloudformation::looks_like_template(&text)
}

/// The git top level above `path` (the nearest folder holding `.git`), else `path` itself
/// (its folder, for a file).
pub fn repository_root(path: &Path) -> PathBuf {
    let start = absolute(path);
    let start = if start.is_file() {
        start.parent().map(Path::to_path_buf).unwrap_or(start)
    } else {
        start
    };
    let mut dir = Some(start.as_path());
    while let Some(d) = dir {
        if d.join(".git").exists() {
            return d.to_path_buf();
        }
        dir = d.parent();
    }
    start
}

pub(crate) fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    stet_terraform::normalize(&joined)
}

/// An absolute path under the current directory, made relative to it, so reports name
/// files as a person in that folder would.
fn relative_to_cwd(path: &Path) -> PathBuf {
    if path.is_absolute() {
        if let Ok(cwd) = std::env::current_dir() {
            if let Ok(rest) = path.strip_prefix(&cwd) {
                return if rest.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    rest.to_path_buf()
                };
            }
        }
    }
    path.to_path_buf()
}
