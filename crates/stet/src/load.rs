//! Loading: from paths to [`Graph`]s — every Terraform module folder and every
//! CloudFormation template found — with the [`Diagnostic`]s met and a [`LoadSummary`].
//! Discovery is `discover`'s job; parsing belongs to the parser crates.

use crate::diagnostic::{Diagnostic, Level};
use crate::discover::discover;
use crate::paths::{self, Confinement, Escape};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use stet_graph::{Graph, Limits};

/// How to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Bounds on the work done per file and module.
    pub limits: Limits,
    /// The repository root: nothing outside it is read, and a run's reports name files
    /// relative to it. Default: for reading, [`crate::inputs_root`] of the paths (their git
    /// top level, else the folder they all lie in); for names, the repository holding the
    /// current folder ([`crate::DisplayPaths`]).
    pub root: Option<PathBuf>,
    /// How many threads read and parse (default: one per core). Results do not depend on it.
    pub jobs: Option<usize>,
    /// Which JSON and YAML files that are not templates are read as data files (default:
    /// none; see `data`).
    pub data_files: crate::data::DataFiles,
    /// Where CloudFormation parameter values come from (parameters files, `--parameter`).
    pub cloudformation: crate::cloudformation::ParameterSources,
}

/// What was loaded.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Loaded {
    /// One graph per Terraform module folder and per CloudFormation template, sorted by
    /// path.
    pub graphs: Vec<Graph>,
    /// Plain documents read from data files (only when [`LoadOptions::data_files`] asks),
    /// sorted by path.
    pub documents: Vec<crate::data::DataDocument>,
    /// Errors and warnings, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Counts of what was read and skipped.
    pub summary: LoadSummary,
}

/// Module calls whose contents stet did not read because `terraform init` has not
/// downloaded them: how many, in how many module folders, and the first one.
#[derive(Debug, Clone, Default, PartialEq)]
struct RemoteCalls {
    calls: usize,
    folders: usize,
    first: Option<Diagnostic>,
}

impl RemoteCalls {
    /// Adds what another part of the load found.
    fn absorb(&mut self, other: RemoteCalls) {
        if let Some(first) = other.first {
            self.calls += other.calls;
            self.folders += other.folders - 1;
            self.add(first, 0);
        }
    }

    fn add(&mut self, at: Diagnostic, calls: usize) {
        self.calls += calls;
        self.folders += 1;
        if self.first.as_ref().is_none_or(|f| at < *f) {
            self.first = Some(at);
        }
    }

    /// One warning for all of them.
    fn warning(&self) -> Option<Diagnostic> {
        let mut at = self.first.clone()?;
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        at.message = format!(
            "{} registry or git module call{} in {} module folder{} not read: run `terraform init` so that `.terraform/modules/modules.json` names their folders; their resources are not included (the first is here)",
            self.calls,
            plural(self.calls),
            self.folders,
            plural(self.folders)
        );
        Some(at)
    }
}

impl Loaded {
    /// Records a file that could not be read or parsed.
    fn fail(&mut self, path: &Path, message: String) {
        self.summary.failed += 1;
        self.diagnostics
            .push(Diagnostic::file(path, message, Level::Error));
    }

    /// Adds what another (partial) load found.
    pub(crate) fn absorb(&mut self, other: Loaded) {
        self.graphs.extend(other.graphs);
        self.documents.extend(other.documents);
        self.diagnostics.extend(other.diagnostics);
        self.summary.files += other.summary.files;
        self.summary.skipped_not_templates += other.summary.skipped_not_templates;
        self.summary.skipped_outside += other.summary.skipped_outside;
        self.summary.skipped_over_total += other.summary.skipped_over_total;
        self.summary.failed += other.summary.failed;
    }

    /// Whether any diagnostic is an error (stet then exits with status 2).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.level == Level::Error)
    }

    /// The names of the files this load read (documents and their files; diagnostics may
    /// name others).
    pub(crate) fn file_names(&self) -> impl Iterator<Item = &str> {
        self.graphs
            .iter()
            .flat_map(|g| std::iter::once(&g.path).chain(g.files.iter().map(|f| &f.path)))
            .chain(self.documents.iter().map(|d| &d.path))
            .chain(self.diagnostics.iter().map(|d| &d.span.file))
            .map(|name| &**name)
    }

    /// Renames every file this load names — documents, their values and diagnostics — with
    /// `rename` (a run's display names: [`crate::DisplayPaths`]).
    pub(crate) fn rename_files(&mut self, rename: &mut dyn FnMut(&str) -> Arc<str>) {
        for graph in &mut self.graphs {
            graph.rename_files(rename);
        }
        for document in &mut self.documents {
            document.path = rename(&document.path);
            document.value.rename_files(rename);
        }
        for diagnostic in &mut self.diagnostics {
            diagnostic.span.file = rename(&diagnostic.span.file);
        }
    }
}

/// Counts of what a load read and skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct LoadSummary {
    /// Files read and parsed (Terraform and CloudFormation).
    pub files: usize,
    /// Documents produced (Terraform modules and templates).
    pub documents: usize,
    /// JSON and YAML files skipped because they are not templates.
    pub skipped_not_templates: usize,
    /// Files not read because they lie outside the repository root (often through a
    /// symbolic link).
    pub skipped_outside: usize,
    /// Module folders and templates not read because the input was over
    /// [`Limits::max_total_size`].
    pub skipped_over_total: usize,
    /// Files that could not be read or parsed.
    pub failed: usize,
}

impl LoadSummary {
    /// Adds the counts of `other` (the revision before, in diff mode).
    pub fn add(&mut self, other: &LoadSummary) {
        self.files += other.files;
        self.documents += other.documents;
        self.skipped_not_templates += other.skipped_not_templates;
        self.skipped_outside += other.skipped_outside;
        self.skipped_over_total += other.skipped_over_total;
        self.failed += other.failed;
    }

    /// The files skipped, by reason (reasons with none left out).
    ///
    /// ```
    /// let mut summary = stet::LoadSummary::default();
    /// summary.skipped_not_templates = 2;
    /// assert_eq!(summary.skipped(), [("not a template", 2)]);
    /// ```
    pub fn skipped(&self) -> Vec<(&'static str, usize)> {
        [
            ("not a template", self.skipped_not_templates),
            ("outside the repository", self.skipped_outside),
            ("over the total size limit", self.skipped_over_total),
        ]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect()
    }
}

/// Loads every Terraform module and CloudFormation template under `paths`.
///
/// ```no_run
/// use stet::{load, LoadOptions};
/// let loaded = load(&["infra"], &LoadOptions::default());
/// for graph in &loaded.graphs {
///     println!("{} has {} resources", graph.path, graph.resources.len());
/// }
/// ```
pub fn load(paths: &[impl AsRef<Path>], options: &LoadOptions) -> Loaded {
    let paths: Vec<PathBuf> = paths.iter().map(|p| paths::shown(p.as_ref())).collect();
    let confinement = options
        .root
        .clone()
        .or_else(|| paths::inputs_root(&paths))
        .map(|r| Confinement::new(&r));
    let mut found = discover(&paths);
    let mut loaded = Loaded {
        diagnostics: std::mem::take(&mut found.diagnostics),
        ..Loaded::default()
    };
    keep_within_total_size(&mut found, options.limits.max_total_size, &mut loaded);
    let tf_options = stet_terraform::LoadOptions {
        limits: options.limits.clone(),
        confine: confinement.as_ref().map(|c| c.root().to_path_buf()),
    };
    // Registry and git module calls not read for want of `terraform init`, said once for
    // the whole load.
    let work = || -> Vec<FolderLoad> {
        use rayon::prelude::*;
        let modules = found
            .terraform_dirs
            .par_iter()
            .map(|dir| load_module_dir(dir, &tf_options));
        let templates = found.templates.par_iter().map(|(path, explicit)| {
            let mut part = Loaded::default();
            match confinement.as_ref().and_then(|c| c.escape(path)) {
                Some(escape) => {
                    part.summary.skipped_outside += 1;
                    part.diagnostics.push(Diagnostic::file(
                        path,
                        outside_message(escape),
                        Level::Warning,
                    ));
                }
                None => load_template(path, *explicit, options, &mut part),
            }
            FolderLoad {
                loaded: part,
                ..FolderLoad::default()
            }
        });
        modules.chain(templates).collect()
    };
    // A pool of its own only when the caller's (see `run`) is not already that size.
    let pool = options
        .jobs
        .filter(|&n| n != rayon::current_num_threads())
        .and_then(|n| rayon::ThreadPoolBuilder::new().num_threads(n).build().ok());
    let parts = match &pool {
        Some(pool) => pool.install(work),
        None => work(),
    };
    let mut remote = RemoteCalls::default();
    // A local module's files are read by its own folder and by every caller: counted once.
    let mut terraform_files = std::collections::HashSet::new();
    for part in parts {
        loaded.absorb(part.loaded);
        remote.absorb(part.remote);
        terraform_files.extend(part.files);
    }
    loaded.summary.files += terraform_files.len();
    // CloudFormation templates resolved once all are read (a folder's only template takes
    // its `parameters.json`).
    let resolve = |graphs: &mut [Graph]| {
        crate::cloudformation::resolve_all(
            graphs,
            &options.cloudformation,
            &options.limits,
            confinement.as_ref(),
        )
    };
    let resolution = match &pool {
        Some(pool) => pool.install(|| resolve(&mut loaded.graphs)),
        None => resolve(&mut loaded.graphs),
    };
    loaded.diagnostics.extend(resolution);
    loaded.graphs.sort_by(|a, b| a.path.cmp(&b.path));
    loaded.documents.sort_by(|a, b| a.path.cmp(&b.path));
    loaded.summary.documents = loaded.graphs.len() + loaded.documents.len();
    if let Some(warning) = remote.warning() {
        loaded.diagnostics.push(warning);
    }
    loaded.diagnostics.sort();
    loaded.diagnostics.dedup();
    loaded
}

/// Loads one Terraform module folder (the modules it calls included), not the folders
/// beneath it: the configuration a plan was made from.
pub(crate) fn load_root_module(dir: &Path, options: &LoadOptions) -> Loaded {
    let dir = paths::shown(dir);
    let root = options
        .root
        .clone()
        .unwrap_or_else(|| paths::repository_root(&dir));
    let tf_options = stet_terraform::LoadOptions {
        limits: options.limits.clone(),
        confine: Some(paths::absolute(&root)),
    };
    let FolderLoad {
        mut loaded,
        remote,
        files,
    } = load_module_dir(&dir, &tf_options);
    loaded.summary.files = files.len();
    loaded.summary.documents = loaded.graphs.len();
    loaded.diagnostics.extend(remote.warning());
    loaded.diagnostics.sort();
    loaded
}

/// What loading one Terraform folder or one template found.
#[derive(Default)]
pub(crate) struct FolderLoad {
    pub(crate) loaded: Loaded,
    remote: RemoteCalls,
    /// The Terraform files read (the folder's and its local modules'), counted once at the end.
    pub(crate) files: Vec<Arc<str>>,
}

impl FolderLoad {
    /// The warning about registry and git module calls not read, if there were any.
    pub(crate) fn remote_warning(&self) -> Option<Diagnostic> {
        self.remote.warning()
    }
}

fn load_module_dir(dir: &Path, options: &stet_terraform::LoadOptions) -> FolderLoad {
    load_module_from(&stet_terraform::OsFiles, dir, options)
}

/// Loads the Terraform module folder `dir` of `files` (the disk, or text held in memory).
pub(crate) fn load_module_from(
    files: &dyn stet_terraform::FileSource,
    dir: &Path,
    options: &stet_terraform::LoadOptions,
) -> FolderLoad {
    let module = stet_terraform::load_module(files, dir, options);
    let mut part = Loaded::default();
    let mut remote = RemoteCalls::default();
    let failed: std::collections::HashSet<&str> = module
        .errors
        .iter()
        .filter(|e| !e.is_warning())
        .filter_map(|e| e.span().map(|s| &*s.file))
        .collect();
    part.summary.failed = failed.len();
    let files = module.graph.files.iter().map(|f| f.path.clone()).collect();
    part.summary.skipped_outside = module.outside_files;
    for error in &module.errors {
        match error {
            stet_terraform::Error::RemoteModulesNotRead { count, .. } => {
                remote.add(Diagnostic::from_terraform(error), *count);
            }
            _ => part.diagnostics.push(Diagnostic::from_terraform(error)),
        }
    }
    // A folder whose every file failed to parse has no document, only its errors.
    if module.parsed_files > 0 {
        part.graphs.push(module.graph);
    }
    FolderLoad {
        loaded: part,
        remote,
        files,
    }
}

fn load_template(path: &Path, explicit: bool, options: &LoadOptions, loaded: &mut Loaded) {
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
                    "not read: {size} bytes is over the {}-byte file size limit{}",
                    options.limits.max_file_size,
                    crate::diagnostic::raise_hint("max-file-size")
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
    add_template(path, &text, explicit, options, loaded);
}

/// Reads `text` (the file `path`, named on the command line when `explicit`) as a
/// CloudFormation template into `loaded` — or as a data file, or skips it, when it is not one.
pub(crate) fn add_template(
    path: &Path,
    text: &str,
    explicit: bool,
    options: &LoadOptions,
    loaded: &mut Loaded,
) {
    let display: Arc<str> = path.to_string_lossy().into();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match stet_cloudformation::parse_template(display, text, &options.limits) {
        Ok(Some(parsed)) => {
            loaded.summary.files += 1;
            loaded
                .diagnostics
                .extend(parsed.problems.iter().map(Diagnostic::from_cloudformation));
            loaded.graphs.push(parsed.graph);
        }
        Err(e) if stet_cloudformation::looks_like_template(text) => {
            loaded.summary.failed += 1;
            loaded.diagnostics.push(Diagnostic::from_cloudformation(&e));
        }
        // Not a template: a data file when asked for (`data`), else skipped.
        Ok(None) | Err(_) if options.data_files.wants(path, explicit) => {
            crate::data::read(path, text, loaded)
        }
        Ok(None) | Err(_) => loaded.summary.skipped_not_templates += 1,
    }
}

/// Drops the module folders and templates that come after the input reached `max_total`
/// bytes (in path order, so the same ones whatever the threads), with one error naming the
/// first one dropped and how many followed.
fn keep_within_total_size(
    found: &mut crate::discover::Discovered,
    max_total: u64,
    loaded: &mut Loaded,
) {
    let size_of = |path: &Path| std::fs::metadata(path).map_or(0, |m| m.len());
    let dir_size = |dir: &Path| -> u64 {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .flatten()
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    stet_terraform::is_config_file(&name) || stet_terraform::is_vars_file(&name)
                })
                .map(|e| size_of(&e.path()))
                .sum()
        })
    };
    let mut items: Vec<(PathBuf, bool)> = found
        .terraform_dirs
        .iter()
        .map(|d| (d.clone(), true))
        .chain(found.templates.iter().map(|(p, _)| (p.clone(), false)))
        .collect();
    items.sort();
    let mut total = 0u64;
    let mut dropped: Vec<(PathBuf, bool)> = Vec::new();
    for (path, is_dir) in items {
        if !dropped.is_empty() {
            dropped.push((path, is_dir));
            continue;
        }
        total = total.saturating_add(if is_dir {
            dir_size(&path)
        } else {
            size_of(&path)
        });
        if total > max_total {
            dropped.push((path, is_dir));
        }
    }
    let Some((first, _)) = dropped.first() else {
        return;
    };
    loaded.diagnostics.push(Diagnostic::file(
        first,
        format!(
            "not read: the input is over the {max_total}-byte total size limit; this and {} more module folders and templates were skipped{}",
            dropped.len() - 1,
            crate::diagnostic::raise_hint("max-total-size")
        ),
        Level::Error,
    ));
    loaded.summary.skipped_over_total = dropped.len();
    let mut templates = std::collections::HashSet::new();
    for (path, is_dir) in dropped {
        if is_dir {
            found.terraform_dirs.remove(&path);
        } else {
            templates.insert(path);
        }
    }
    found.templates.retain(|(p, _)| !templates.contains(p));
}

/// Why a template outside the repository root was not read.
fn outside_message(escape: Escape) -> &'static str {
    match escape {
        Escape::ThroughLink => "not followed: a symbolic link leads outside the repository root",
        Escape::Outside => "not read: the file is outside the repository root",
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
